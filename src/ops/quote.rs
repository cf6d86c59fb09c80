//! Quotes: totals from their lines, and acceptance — one transaction marks the
//! quote accepted, creates the order and, when asked, sets the opportunity won with
//! the quote's total.

use chrono::NaiveDate;

use crate::model::{
    value::today, Currency, Entity, Money, Opportunity, OpportunityStage, OpportunityStatus, Order,
    Quote, ReasonCode,
};
use crate::store::{Change, Result, Store, StoreError};

impl Quote {
    /// The sum of qty × unit price less discount over the lines, in cents (each line
    /// rounded half up); an error when a line's currency differs from the first's
    /// or the total exceeds the largest amount.
    pub fn total(&self) -> std::result::Result<Money, String> {
        let mut currency: Option<Currency> = None;
        let mut cents: i128 = 0;
        for line in &self.lines {
            let Some(price) = line.unit_price else {
                continue;
            };
            let first = *currency.get_or_insert(price.currency);
            if first != price.currency {
                return Err(format!(
                    "the lines mix currencies ({first} and {})",
                    price.currency
                ));
            }
            let gross = i128::from(price.cents) * i128::from(line.qty.unwrap_or(1));
            let keep = 100 - i128::from(line.discount.unwrap_or(0).clamp(0, 100));
            // Each line is at most i64::MAX², so the sum of a few lines cannot
            // overflow i128; a total past i64 is refused below.
            cents = cents.saturating_add((gross * keep + 50).div_euclid(100));
        }
        let currency = currency.unwrap_or_default();
        i64::try_from(cents)
            .map(|cents| Money::new(cents, currency))
            .map_err(|_| {
                format!(
                    "the total exceeds the largest amount ({})",
                    Money::new(i64::MAX, currency)
                )
            })
    }
}

/// What accepting a quote created.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Accepted {
    pub order: String,
    /// The opportunity set won, when asked for.
    pub won: Option<String>,
}

/// How a quote is accepted.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Acceptance {
    /// Set the quote's opportunity won with this reason code.
    pub won_reason: Option<String>,
    /// Keep the opportunity's amount instead of replacing it by the quote's total.
    pub keep_amount: bool,
}

fn refuse(key: &str, field: &str, value: &str, message: impl Into<String>) -> StoreError {
    StoreError::invalid(Quote::DEF.name, key, field, value, message)
}

impl Quote {
    /// Why the quote cannot be accepted on `today`, if it cannot: (field, value,
    /// what to do). Checked before anything is asked or written.
    pub fn refusal(&self, today: NaiveDate) -> Option<(&'static str, String, String)> {
        if matches!(self.status.as_str(), "accepted" | "rejected" | "expired") {
            return Some((
                "status",
                self.status.clone(),
                format!("a {} quote cannot be accepted", self.status),
            ));
        }
        if let Some(until) = self.valid_until.filter(|d| *d < today) {
            return Some((
                "valid_until",
                until.to_string(),
                "the quote has expired; extend valid_until first".into(),
            ));
        }
        if self.customer.is_empty() {
            let why = if self.prospect.is_empty() {
                "an order needs a customer: set the quote's customer".to_string()
            } else {
                format!(
                    "an order needs a customer: convert prospect {} first (crm convert prospect)",
                    self.prospect
                )
            };
            return Some(("customer", self.prospect.clone(), why));
        }
        None
    }
}

/// Accepts a quote: the order (with the quote's lines, status open) and, when
/// asked, the opportunity won (see `Acceptance`), in one transaction.
pub fn accept(store: &Store, key: &str, how: &Acceptance) -> Result<Accepted> {
    accept_on(store, key, how, today())
}

pub fn accept_on(store: &Store, key: &str, how: &Acceptance, today: NaiveDate) -> Result<Accepted> {
    let key = key.trim().to_uppercase();
    let mut quote = store.fetch_as::<Quote>(&key)?;
    if let Some((field, value, why)) = quote.refusal(today) {
        return Err(refuse(&key, field, &value, why));
    }
    let total = quote.total().map_err(|e| refuse(&key, "lines", "", e))?;
    // Everything is checked before the order's key is drawn: a refusal burns no
    // order number.
    let won = match &how.won_reason {
        Some(reason) => Some(won_opportunity(store, &quote, reason, total, how, today)?),
        None => None,
    };
    let order = Order {
        key: store.reserve_key(Order::DEF)?,
        quote: key.clone(),
        customer: quote.customer.clone(),
        order_date: Some(today),
        status: "open".into(),
        total: Some(total),
        lines: quote.lines.clone(),
        notes: String::new(),
    };
    let order_key = order.key.clone();
    quote.status = "accepted".into();
    let mut changes = vec![
        Change::Insert(Box::new(order)),
        Change::Update(Box::new(quote.clone())),
    ];
    let won_key = won.as_ref().map(|(opp, _)| opp.key.clone());
    if let Some((opp, follow)) = won {
        changes.push(Change::Update(Box::new(opp)));
        changes.extend(follow);
    }
    store.apply(changes)?;
    Ok(Accepted {
        order: order_key,
        won: won_key,
    })
}

/// The quote's opportunity as won with `reason` (a won reason code): the status
/// that means won, the last stage, 100 %, the quote's total as its amount unless
/// kept; and the forecast lines that follow it.
fn won_opportunity(
    store: &Store,
    quote: &Quote,
    reason: &str,
    total: Money,
    how: &Acceptance,
    today: NaiveDate,
) -> Result<(Opportunity, Vec<Change>)> {
    let key = &quote.key;
    if quote.opportunity.is_empty() {
        return Err(refuse(
            key,
            "opportunity",
            "",
            "the quote names no opportunity to set won",
        ));
    }
    let reason = reason.trim().to_uppercase();
    match store.get_as::<ReasonCode>(&reason)? {
        Some(r) if r.kind == "won" => {}
        _ => {
            return Err(refuse(
                key,
                "reason",
                &reason,
                "give a reason code for won opportunities (kind won)",
            ))
        }
    }
    let status = store
        .scan(OpportunityStatus::DEF)
        .filter_map(|r| r.ok())
        .find(|r| {
            r.downcast_ref::<OpportunityStatus>()
                .is_some_and(|s| s.meaning == "won")
        })
        .map(|r| r.key().to_string())
        .ok_or_else(|| refuse(key, "opportunity", "", "no opportunity status means won"))?;
    let opp = store.fetch_as::<Opportunity>(&quote.opportunity)?;
    let stage = last_stage(store)?.unwrap_or_else(|| opp.stage.clone());
    let updated = Opportunity {
        status,
        reason,
        stage,
        amount: if how.keep_amount {
            opp.amount
        } else {
            Some(total)
        },
        probability: Some(100),
        closed_on: opp.closed_on.or(Some(today)),
        ..opp
    };
    let follow = crate::ops::forecast::follow(store, &updated)?;
    Ok((updated, follow))
}

/// The stage a won opportunity ends in: the last one by sequence.
fn last_stage(store: &Store) -> Result<Option<String>> {
    let mut last: Option<(i64, String)> = None;
    for r in store.scan(OpportunityStage::DEF) {
        let r = r?;
        let Some(s) = r.downcast_ref::<OpportunityStage>() else {
            continue;
        };
        let at = (s.sequence.unwrap_or(i64::MIN), s.key.clone());
        if last.as_ref().is_none_or(|l| at > *l) {
            last = Some(at);
        }
    }
    Ok(last.map(|(_, key)| key))
}

/// Rejects a quote that is neither accepted nor rejected yet.
pub fn reject(store: &Store, key: &str) -> Result<()> {
    let key = key.trim().to_uppercase();
    let mut quote = store.fetch_as::<Quote>(&key)?;
    if matches!(quote.status.as_str(), "accepted" | "rejected") {
        return Err(refuse(
            &key,
            "status",
            &quote.status,
            format!("the quote is {} already", quote.status),
        ));
    }
    quote.status = "rejected".into();
    store.apply(vec![Change::Update(Box::new(quote))])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::quote::QuoteLine;

    #[test]
    fn total_applies_quantity_and_discount() {
        let q = Quote {
            lines: vec![
                QuoteLine {
                    item: "A".into(),
                    qty: Some(3),
                    unit_price: Some(Money::eur(1_000)),
                    discount: Some(10),
                },
                QuoteLine {
                    item: "B".into(),
                    qty: None,
                    unit_price: Some(Money::eur(999)),
                    discount: None,
                },
            ],
            ..Default::default()
        };
        assert_eq!(q.total(), Ok(Money::eur(2_700 + 999)));
    }

    #[test]
    fn a_total_past_the_largest_amount_or_of_mixed_currencies_is_an_error() {
        let line = |price: Money| QuoteLine {
            item: "A".into(),
            qty: Some(1),
            unit_price: Some(price),
            discount: None,
        };
        let q = Quote {
            lines: vec![line(Money::eur(i64::MAX)), line(Money::eur(i64::MAX))],
            ..Default::default()
        };
        let e = q.total().unwrap_err();
        assert!(e.contains("exceeds the largest amount"), "{e}");
        let q = Quote {
            lines: vec![line(Money::eur(i64::MAX)); 1],
            ..Default::default()
        };
        assert_eq!(q.total(), Ok(Money::eur(i64::MAX)));
        let q = Quote {
            lines: vec![line(Money::eur(1)), line(Money::new(1, Currency::USD))],
            ..Default::default()
        };
        assert_eq!(
            q.total(),
            Err("the lines mix currencies (EUR and USD)".to_string())
        );
    }

    #[test]
    fn accepting_creates_the_order_and_can_win_the_opportunity() {
        let (_dir, store) = crate::ops::demo_store(3000);
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let quote = store
            .scan(Quote::DEF)
            .map(|r| r.unwrap().downcast_ref::<Quote>().unwrap().clone())
            .find(|q| {
                !q.customer.is_empty()
                    && !q.opportunity.is_empty()
                    && matches!(q.status.as_str(), "draft" | "sent")
                    && q.valid_until.is_none_or(|d| d >= day)
            })
            .expect("an open quote of a customer");
        let won_reason = store
            .scan(ReasonCode::DEF)
            .map(|r| r.unwrap().downcast_ref::<ReasonCode>().unwrap().clone())
            .find(|r| r.kind == "won")
            .unwrap();
        let lost_reason = store
            .scan(ReasonCode::DEF)
            .map(|r| r.unwrap().downcast_ref::<ReasonCode>().unwrap().clone())
            .find(|r| r.kind == "lost")
            .unwrap();
        let orders = store.count(Order::DEF);
        let number = |key: &str| key[3..].parse::<u64>().unwrap();
        let drawn = number(&store.reserve_key(Order::DEF).unwrap());
        // A lost reason is refused before anything is drawn: no order number burnt.
        let lost = Acceptance {
            won_reason: Some(lost_reason.key.clone()),
            keep_amount: false,
        };
        let e = accept_on(&store, &quote.key, &lost, day).unwrap_err();
        assert!(e.to_string().contains("won opportunities"), "{e}");
        let won = Acceptance {
            won_reason: Some(won_reason.key.clone()),
            keep_amount: false,
        };
        let done = accept_on(&store, &quote.key, &won, day).unwrap();
        assert_eq!(number(&done.order), drawn + 1, "no number burnt");
        assert_eq!(store.count(Order::DEF), orders + 1);
        let order = store.get_as::<Order>(&done.order).unwrap().unwrap();
        assert_eq!(
            (order.total, order.customer.as_str()),
            (quote.total().ok(), quote.customer.as_str())
        );
        assert_eq!(
            (order.status.as_str(), &order.lines),
            ("open", &quote.lines)
        );
        let opp = store
            .get_as::<Opportunity>(&quote.opportunity)
            .unwrap()
            .unwrap();
        assert_eq!(
            (opp.amount, opp.probability, opp.reason.as_str()),
            (quote.total().ok(), Some(100), won_reason.key.as_str())
        );
        // Won is the end of the sales process: the last stage.
        assert_eq!(opp.stage, last_stage(&store).unwrap().unwrap());
        assert_eq!(opp.stage, "CLOSE");
        assert_eq!(
            store.get_as::<Quote>(&quote.key).unwrap().unwrap().status,
            "accepted"
        );
        // Once accepted, never again; nothing changes.
        let e = accept_on(&store, &quote.key, &Acceptance::default(), day).unwrap_err();
        assert!(
            e.to_string().contains("accepted quote cannot be accepted"),
            "{e}"
        );
        assert_eq!(store.count(Order::DEF), orders + 1);
        assert!(store.audit().unwrap().is_clean());
    }

    #[test]
    fn a_won_opportunity_can_keep_its_amount_and_a_prospects_quote_is_refused_first() {
        let (_dir, store) = crate::ops::demo_store(3000);
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let open = |q: &Quote| {
            !q.opportunity.is_empty()
                && matches!(q.status.as_str(), "draft" | "sent")
                && q.valid_until.is_none_or(|d| d >= day)
        };
        let quotes: Vec<Quote> = store
            .scan(Quote::DEF)
            .map(|r| r.unwrap().downcast_ref::<Quote>().unwrap().clone())
            .filter(open)
            .collect();
        let of_prospect = quotes.iter().find(|q| !q.prospect.is_empty()).unwrap();
        let why = of_prospect.refusal(day).unwrap();
        assert_eq!(why.0, "customer");
        assert!(why.2.contains("convert prospect"), "{}", why.2);
        let quote = quotes.iter().find(|q| q.refusal(day).is_none()).unwrap();
        let before = store
            .get_as::<Opportunity>(&quote.opportunity)
            .unwrap()
            .unwrap();
        let won = store
            .scan(ReasonCode::DEF)
            .map(|r| r.unwrap().downcast_ref::<ReasonCode>().unwrap().clone())
            .find(|r| r.kind == "won")
            .unwrap();
        let how = Acceptance {
            won_reason: Some(won.key),
            keep_amount: true,
        };
        accept_on(&store, &quote.key, &how, day).unwrap();
        let after = store
            .get_as::<Opportunity>(&quote.opportunity)
            .unwrap()
            .unwrap();
        assert_eq!(
            (after.amount, after.probability),
            (before.amount, Some(100))
        );
    }
}
