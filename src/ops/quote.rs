//! Quotes: totals from their lines, and acceptance — one transaction marks the
//! quote accepted, creates the order and, when asked, sets the opportunity won with
//! the quote's total.

use chrono::NaiveDate;

use crate::model::{
    value::today, Currency, Entity, Money, Opportunity, OpportunityStatus, Order, Quote, ReasonCode,
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

fn refuse(key: &str, field: &str, value: &str, message: impl Into<String>) -> StoreError {
    StoreError::invalid(Quote::DEF.name, key, field, value, message)
}

/// Accepts a quote. `won_reason`: set the quote's opportunity won with this reason
/// code (and the quote's total as its amount).
pub fn accept(store: &Store, key: &str, won_reason: Option<&str>) -> Result<Accepted> {
    accept_on(store, key, won_reason, today())
}

pub fn accept_on(
    store: &Store,
    key: &str,
    won_reason: Option<&str>,
    today: NaiveDate,
) -> Result<Accepted> {
    let key = key.trim().to_uppercase();
    let mut quote = store.fetch_as::<Quote>(&key)?;
    match quote.status.as_str() {
        "accepted" | "rejected" | "expired" => {
            return Err(refuse(
                &key,
                "status",
                &quote.status,
                format!("a {} quote cannot be accepted", quote.status),
            ))
        }
        _ => {}
    }
    if let Some(until) = quote.valid_until.filter(|d| *d < today) {
        return Err(refuse(
            &key,
            "valid_until",
            &until.to_string(),
            "the quote has expired; extend valid_until first",
        ));
    }
    if quote.customer.is_empty() {
        let why = if quote.prospect.is_empty() {
            "an order needs a customer: set the quote's customer".to_string()
        } else {
            format!(
                "an order needs a customer: convert prospect {} first (crm convert prospect)",
                quote.prospect
            )
        };
        return Err(refuse(&key, "customer", &quote.prospect, why));
    }
    let total = quote.total().map_err(|e| refuse(&key, "lines", "", e))?;
    let order = Order {
        key: store.reserve_key(Order::DEF)?,
        quote: key.clone(),
        customer: quote.customer.clone(),
        order_date: Some(today),
        total: Some(total),
        notes: String::new(),
    };
    let order_key = order.key.clone();
    quote.status = "accepted".into();
    let mut changes = vec![
        Change::Insert(Box::new(order)),
        Change::Update(Box::new(quote.clone())),
    ];
    let mut won = None;
    if let Some(reason) = won_reason {
        if quote.opportunity.is_empty() {
            return Err(refuse(
                &key,
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
                    &key,
                    "reason",
                    &reason,
                    "give a reason code for won opportunities",
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
            .ok_or_else(|| refuse(&key, "opportunity", "", "no opportunity status means won"))?;
        let mut opp = store.fetch(Opportunity::DEF, &quote.opportunity)?;
        let typed = opp
            .as_any()
            .downcast_ref::<Opportunity>()
            .cloned()
            .unwrap_or_default();
        let updated = Opportunity {
            status,
            reason,
            amount: Some(total),
            probability: Some(100),
            closed_on: typed.closed_on.or(Some(today)),
            ..typed
        };
        let follow = crate::ops::forecast::follow(store, &updated)?;
        opp = Box::new(updated);
        won = Some(opp.key().to_string());
        changes.push(Change::Update(opp));
        changes.extend(follow);
    }
    store.apply(changes)?;
    Ok(Accepted {
        order: order_key,
        won,
    })
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
        let orders = store.count(Order::DEF);
        let done = accept_on(&store, &quote.key, Some(&won_reason.key), day).unwrap();
        assert_eq!(store.count(Order::DEF), orders + 1);
        let order = store.get_as::<Order>(&done.order).unwrap().unwrap();
        assert_eq!(
            (order.total, order.customer.as_str()),
            (quote.total().ok(), quote.customer.as_str())
        );
        let opp = store
            .get_as::<Opportunity>(&quote.opportunity)
            .unwrap()
            .unwrap();
        assert_eq!(
            (opp.amount, opp.probability, opp.reason.as_str()),
            (quote.total().ok(), Some(100), won_reason.key.as_str())
        );
        assert_eq!(
            store.get_as::<Quote>(&quote.key).unwrap().unwrap().status,
            "accepted"
        );
        // Once accepted, never again; nothing changes.
        let e = accept_on(&store, &quote.key, None, day).unwrap_err();
        assert!(
            e.to_string().contains("accepted quote cannot be accepted"),
            "{e}"
        );
        assert_eq!(store.count(Order::DEF), orders + 1);
        assert!(store.audit().unwrap().is_clean());
    }
}
