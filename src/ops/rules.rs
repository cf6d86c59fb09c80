//! Rules a record follows when it is saved, beyond its schema: an opportunity takes
//! its salesperson, territory and sales team from its customer or prospect, its
//! probability from a newly chosen stage (unless the user typed one), needs a reason
//! code of the right kind when won or lost, and gets its close date when it closes;
//! a task marked done gets its completion date.

use chrono::NaiveDate;

use crate::model::{
    value::today, ContactXref, Customer, Entity, EventRule, Interaction, Money, Opportunity,
    OpportunityStage, OpportunityStatus, OpportunityTask, Prospect, Quote, ReasonCode, Record,
    SalesContact, SalesForecast, SavedQuery,
};
use crate::store::{Result, Store, StoreError};

/// Applies the rules of the record's entity; `old` is the stored record on update.
pub fn before_save(store: &Store, old: Option<&dyn Record>, record: &mut dyn Record) -> Result<()> {
    before_save_on(store, old, record, today())
}

pub fn before_save_on(
    store: &Store,
    old: Option<&dyn Record>,
    record: &mut dyn Record,
    today: NaiveDate,
) -> Result<()> {
    if let Some(rule) = record.as_any().downcast_ref::<EventRule>() {
        // A rule must run: its trigger, condition, actions and targets are checked.
        return crate::ops::events::rules::check(store, rule);
    }
    if let Some(f) = record.as_any().downcast_ref::<SalesForecast>() {
        // A submitted forecast is frozen: it does not go back to draft.
        let was = old.and_then(|o| o.as_any().downcast_ref::<SalesForecast>());
        if let Some(was) = was {
            if was.status != "draft" && f.status == "draft" {
                return Err(StoreError::invalid(
                    SalesForecast::DEF.name,
                    &f.key,
                    "status",
                    &f.status,
                    format!(
                        "a {} forecast does not go back to draft (its lines are frozen); make a new forecast for the period",
                        was.status
                    ),
                ));
            }
        }
    }
    if let Some(saved) = record.as_any().downcast_ref::<SavedQuery>() {
        // A saved query must run: its query parses for its entity, its columns exist.
        return match crate::query::saved::check(saved) {
            Ok(_) => Ok(()),
            Err(e) => Err(crate::query::saved::invalid_error(saved, e)),
        };
    }
    if let Some(task) = record.as_any().downcast_ref::<OpportunityTask>() {
        // Marking a task done stamps its completion date; reopening clears it.
        let mut task = task.clone();
        match task.status.as_str() {
            "done" if task.completed_on.is_none() => task.completed_on = Some(today),
            "open" => task.completed_on = None,
            _ => {}
        }
        let i = OpportunityTask::DEF
            .field_index("completed_on")
            .expect("declared field");
        let value = (&task as &dyn Record).value("completed_on");
        return record.set(i, value).map_err(|message| {
            StoreError::invalid(
                OpportunityTask::DEF.name,
                &task.key,
                "completed_on",
                "",
                message,
            )
        });
    }
    if let Some(i) = record.as_any().downcast_ref::<Interaction>() {
        if i.contact.is_empty() || !i.customer.is_empty() || !i.prospect.is_empty() {
            return Ok(());
        }
        let mut i = i.clone();
        if let Some((customer, prospect)) = contact_company(store, &i.contact)? {
            i.customer = customer;
            i.prospect = prospect;
        }
        return copy_back(&i, record);
    }
    if let Some(quote) = record.as_any().downcast_ref::<Quote>() {
        let mut quote = quote.clone();
        quote_rules(store, &mut quote, today)?;
        return copy_back(&quote, record);
    }
    if record.def().name != Opportunity::DEF.name {
        return Ok(());
    }
    let Some(opp) = record.as_any().downcast_ref::<Opportunity>() else {
        return Ok(());
    };
    let old = old.and_then(|o| o.as_any().downcast_ref::<Opportunity>());
    let mut opp = opp.clone();
    opportunity_rules(store, old, &mut opp, today)?;
    for (i, f) in Opportunity::DEF.fields.iter().enumerate() {
        let v = (&opp as &dyn Record).value(f.name);
        record.set(i, v).map_err(|m| invalid(&opp, f.name, "", m))?;
    }
    Ok(())
}

/// A contact's company: its primary cross-reference's customer or prospect, else
/// its only one's.
fn contact_company(store: &Store, contact: &str) -> Result<Option<(String, String)>> {
    let mut xrefs = Vec::new();
    for k in store.keys_naming(SalesContact::DEF, contact, ContactXref::DEF)? {
        if let Some(x) = store.get_as::<ContactXref>(&k)? {
            xrefs.push(x);
        }
    }
    let chosen = match xrefs.iter().find(|x| x.primary) {
        Some(x) => Some(x),
        None if xrefs.len() == 1 => xrefs.first(),
        None => None,
    };
    Ok(chosen.map(|x| (x.customer.clone(), x.prospect.clone())))
}

/// Writes every field of `from` into `record` (same entity).
fn copy_back(from: &dyn Record, record: &mut dyn Record) -> Result<()> {
    let def = from.def();
    for (i, f) in def.fields.iter().enumerate() {
        record
            .set(i, from.get(i))
            .map_err(|m| StoreError::invalid(def.name, from.key(), f.name, "", m))?;
    }
    Ok(())
}

/// A quote made from an opportunity is to its customer or prospect; it is dated
/// today and starts as a draft unless the user said otherwise.
fn quote_rules(store: &Store, quote: &mut Quote, today: NaiveDate) -> Result<()> {
    if quote.customer.is_empty() && quote.prospect.is_empty() && !quote.opportunity.is_empty() {
        if let Some(opp) = store.get_as::<Opportunity>(&quote.opportunity)? {
            quote.customer = opp.customer;
            quote.prospect = opp.prospect;
        }
    }
    if quote.quote_date.is_none() {
        quote.quote_date = Some(today);
    }
    if quote.status.is_empty() {
        quote.status = "draft".into();
    }
    // A quote is valid for 30 days unless the user said otherwise.
    if let (None, Some(date)) = (quote.valid_until, quote.quote_date) {
        quote.valid_until = date.checked_add_days(chrono::Days::new(QUOTE_VALID_DAYS));
    }
    // A line without a price is at the item's catalogue price, so that the
    // quote's total is what its lines show.
    for line in &mut quote.lines {
        if line.unit_price.is_none() && !line.item.is_empty() {
            if let Some(item) = store.get_as::<crate::model::Item>(&line.item)? {
                line.unit_price = item.unit_price;
            }
        }
    }
    Ok(())
}

/// How long a new quote is valid.
pub const QUOTE_VALID_DAYS: u64 = 30;

/// A new opportunity's stage when it has none: the first by sequence.
pub(crate) fn first_stage(store: &Store) -> Result<Option<OpportunityStage>> {
    let mut first: Option<OpportunityStage> = None;
    for r in store.scan(OpportunityStage::DEF) {
        let r = r?;
        let Some(stage) = r.downcast_ref::<OpportunityStage>() else {
            continue;
        };
        let key = |s: &OpportunityStage| (s.sequence.unwrap_or(i64::MAX), s.key.clone());
        if first.as_ref().is_none_or(|f| key(stage) < key(f)) {
            first = Some(stage.clone());
        }
    }
    Ok(first)
}

/// A new opportunity's status when it has none: the first whose meaning is open.
pub(crate) fn open_status(store: &Store) -> Result<Option<String>> {
    for r in store.scan(OpportunityStatus::DEF) {
        let r = r?;
        if let Some(s) = r.downcast_ref::<OpportunityStatus>() {
            if s.meaning == "open" {
                return Ok(Some(s.key.clone()));
            }
        }
    }
    Ok(None)
}

fn invalid(opp: &Opportunity, field: &str, value: &str, message: String) -> StoreError {
    StoreError::invalid(Opportunity::DEF.name, &opp.key, field, value, message)
}

fn opportunity_rules(
    store: &Store,
    old: Option<&Opportunity>,
    opp: &mut Opportunity,
    today: NaiveDate,
) -> Result<()> {
    // Defaults from the customer or prospect, where the user left them empty.
    let party = if !opp.customer.is_empty() {
        store
            .get_as::<Customer>(&opp.customer)?
            .map(|c| (c.salesperson, c.territory, c.sales_team, c.currency))
    } else if !opp.prospect.is_empty() {
        store
            .get_as::<Prospect>(&opp.prospect)?
            .map(|p| (p.salesperson, p.territory, p.sales_team, p.currency))
    } else {
        None
    };
    if let Some((salesperson, territory, team, currency)) = party {
        let fill = |field: &mut String, value: String| {
            if field.is_empty() {
                *field = value;
            }
        };
        fill(&mut opp.salesperson, salesperson);
        fill(&mut opp.territory, territory);
        fill(&mut opp.sales_team, team);
        // A new amount typed without a currency takes the customer's.
        let new_amount = old.is_none_or(|o| o.amount != opp.amount);
        if let (true, Some(amount), Some(c)) = (
            new_amount,
            opp.amount,
            crate::model::Currency::parse(&currency),
        ) {
            if amount.currency == crate::model::Currency::EUR && c != amount.currency {
                opp.amount = Some(Money::new(amount.cents, c));
            }
        }
    }
    // A new opportunity without a stage or a status would drop out of the
    // pipeline and every open-opportunity query: it starts at the first stage,
    // open.
    if old.is_none() {
        if opp.stage.is_empty() {
            if let Some(stage) = first_stage(store)? {
                opp.stage = stage.key;
            }
        }
        if opp.status.is_empty() {
            if let Some(status) = open_status(store)? {
                opp.status = status;
            }
        }
    }
    // A newly chosen stage brings its probability, unless the user changed that too.
    let stage_changed = old.is_none_or(|o| o.stage != opp.stage);
    let probability_typed = match old {
        Some(o) => o.probability != opp.probability,
        None => opp.probability.is_some(),
    };
    if stage_changed && !probability_typed && !opp.stage.is_empty() {
        if let Some(stage) = store.get_as::<OpportunityStage>(&opp.stage)? {
            if stage.probability.is_some() {
                opp.probability = stage.probability;
            }
        }
    }
    // Won or lost needs a reason of that kind; closing sets the close date.
    let meaning = match opp.status.as_str() {
        "" => String::new(),
        code => store
            .get_as::<OpportunityStatus>(code)?
            .map(|s| s.meaning)
            .unwrap_or_default(),
    };
    if meaning == "won" || meaning == "lost" {
        if opp.reason.is_empty() {
            return Err(invalid(
                opp,
                "reason",
                "",
                format!("a {meaning} opportunity needs a reason code (reason=CODE)"),
            ));
        }
        if let Some(reason) = store.get_as::<ReasonCode>(&opp.reason)? {
            if !reason.kind.is_empty() && reason.kind != meaning {
                return Err(invalid(
                    opp,
                    "reason",
                    &opp.reason.clone(),
                    format!(
                        "{} is a reason for {} opportunities, this one is {meaning}",
                        reason.key, reason.kind
                    ),
                ));
            }
        }
    }
    let closed = matches!(meaning.as_str(), "won" | "lost" | "cancelled");
    if closed && opp.closed_on.is_none() {
        opp.closed_on = Some(today);
    }
    Ok(())
}

impl Opportunity {
    /// Amount × probability, in the amount's currency (cents rounded half up).
    pub fn weighted_amount(&self) -> Option<Money> {
        weighted(self.amount?, self.probability)
    }
}

/// `amount` × `probability` % (none: 0, clamped to 0–100), cents rounded half up.
pub fn weighted(amount: Money, probability: Option<i64>) -> Option<Money> {
    let p = probability.unwrap_or(0).clamp(0, 100);
    let cents = (i128::from(amount.cents) * i128::from(p) + 50) / 100;
    let cents = i64::try_from(cents).ok()?;
    Some(Money::new(cents, amount.currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, Store) {
        crate::ops::demo_store(1000)
    }

    fn first<E: Entity>(store: &Store, f: impl Fn(&E) -> bool) -> E {
        store
            .scan(E::DEF)
            .map(|r| r.unwrap().downcast_ref::<E>().unwrap().clone())
            .find(|e| f(e))
            .unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn defaults_come_from_the_customer_and_the_stage() {
        let (_dir, store) = demo();
        let customer = first::<Customer>(&store, |c| {
            !c.salesperson.is_empty() && !c.territory.is_empty()
        });
        let stage = first::<OpportunityStage>(&store, |s| s.probability.is_some());
        let mut opp = Opportunity {
            description: "x".into(),
            customer: customer.key.clone(),
            stage: stage.key.clone(),
            ..Default::default()
        };
        before_save_on(&store, None, &mut opp, day()).unwrap();
        assert_eq!(
            (&opp.salesperson, &opp.territory),
            (&customer.salesperson, &customer.territory)
        );
        assert_eq!(opp.probability, stage.probability);

        // A typed probability wins over the stage's.
        let mut typed = Opportunity {
            probability: Some(33),
            ..opp.clone()
        };
        before_save_on(&store, None, &mut typed, day()).unwrap();
        assert_eq!(typed.probability, Some(33));
        // On update, only a changed stage brings its probability.
        let old = Opportunity {
            probability: Some(33),
            ..opp.clone()
        };
        let mut same = old.clone();
        before_save_on(&store, Some(&old), &mut same, day()).unwrap();
        assert_eq!(same.probability, Some(33));
    }

    #[test]
    fn won_needs_a_reason_of_its_kind_and_closing_sets_the_date() {
        let (_dir, store) = demo();
        let won = first::<OpportunityStatus>(&store, |s| s.meaning == "won");
        let lost_reason = first::<ReasonCode>(&store, |r| r.kind == "lost");
        let won_reason = first::<ReasonCode>(&store, |r| r.kind == "won");
        let mut opp = Opportunity {
            description: "x".into(),
            status: won.key.clone(),
            ..Default::default()
        };
        let e = before_save_on(&store, None, &mut opp, day()).unwrap_err();
        assert!(e.to_string().contains("needs a reason"), "{e}");
        opp.reason = lost_reason.key.clone();
        let e = before_save_on(&store, None, &mut opp, day()).unwrap_err();
        assert!(e.to_string().contains("reason for lost"), "{e}");
        opp.reason = won_reason.key.clone();
        before_save_on(&store, None, &mut opp, day()).unwrap();
        assert_eq!(opp.closed_on, Some(day()));
    }

    #[test]
    fn a_task_marked_done_gets_its_completion_date() {
        let (_dir, store) = demo();
        let mut task = OpportunityTask {
            description: "Call back".into(),
            status: "done".into(),
            ..Default::default()
        };
        before_save_on(&store, None, &mut task, day()).unwrap();
        assert_eq!(task.completed_on, Some(day()));
        task.status = "open".into();
        before_save_on(&store, None, &mut task, day()).unwrap();
        assert_eq!(task.completed_on, None);
    }

    #[test]
    fn weighted_amount_is_amount_times_probability() {
        let opp = Opportunity {
            amount: Some(Money::eur(1_000_001)),
            probability: Some(25),
            ..Default::default()
        };
        assert_eq!(opp.weighted_amount(), Some(Money::eur(250_000)));
        assert_eq!(Opportunity::default().weighted_amount(), None);
    }

    #[test]
    fn a_new_opportunity_starts_at_the_first_stage_open_with_its_probability() {
        let (_dir, store) = demo();
        let customer = first::<Customer>(&store, |_| true);
        let mut opp = Opportunity {
            description: "Neue Linie".into(),
            customer: customer.key.clone(),
            ..Default::default()
        };
        before_save_on(&store, None, &mut opp, day()).unwrap();
        let stages: Vec<OpportunityStage> = store
            .scan(OpportunityStage::DEF)
            .map(|r| {
                r.unwrap()
                    .downcast_ref::<OpportunityStage>()
                    .unwrap()
                    .clone()
            })
            .collect();
        let lowest = stages.iter().filter_map(|s| s.sequence).min();
        let stage = stages.iter().find(|s| s.key == opp.stage).expect("a stage");
        assert_eq!(stage.sequence, lowest, "the first stage by sequence");
        assert_eq!(opp.probability, stage.probability);
        let status = store
            .get_as::<OpportunityStatus>(&opp.status)
            .unwrap()
            .unwrap();
        assert_eq!(status.meaning, "open");
        // A stored opportunity the user cleared keeps what the user chose.
        let mut cleared = opp.clone();
        cleared.stage.clear();
        before_save_on(&store, Some(&opp), &mut cleared, day()).unwrap();
        assert!(cleared.stage.is_empty());
    }

    #[test]
    fn a_quote_line_without_a_price_takes_the_catalogue_price_and_a_quote_is_valid_30_days() {
        let (_dir, store) = demo();
        let item = first::<crate::model::Item>(&store, |i| i.unit_price.is_some());
        let mut quote = Quote {
            lines: vec![crate::model::quote::QuoteLine {
                item: item.key.clone(),
                qty: Some(3),
                ..Default::default()
            }],
            ..Default::default()
        };
        before_save_on(&store, None, &mut quote, day()).unwrap();
        assert_eq!(quote.lines[0].unit_price, item.unit_price);
        assert_eq!(quote.quote_date, Some(day()));
        assert_eq!(
            quote.valid_until,
            day().checked_add_days(chrono::Days::new(30))
        );
    }

    #[test]
    fn a_call_logged_on_a_contact_is_on_its_company_too() {
        let (_dir, store) = demo();
        let x = first::<ContactXref>(&store, |x| x.primary && !x.customer.is_empty());
        let mut call = Interaction {
            contact: x.contact.clone(),
            occurred_at: day().and_hms_opt(10, 0, 0),
            ..Default::default()
        };
        before_save_on(&store, None, &mut call, day()).unwrap();
        assert_eq!(
            (call.customer.as_str(), call.prospect.as_str()),
            (x.customer.as_str(), "")
        );
        let key = store.insert(Box::new(call)).unwrap();
        let story = crate::ops::timeline::timeline(&store, Customer::DEF, &x.customer).unwrap();
        assert!(
            story.iter().any(|e| e.key == key),
            "the customer's timeline lists the contact's call"
        );
        // A company given by the user stays.
        let other = first::<Customer>(&store, |c| c.key != x.customer);
        let mut call = Interaction {
            contact: x.contact.clone(),
            customer: other.key.clone(),
            occurred_at: day().and_hms_opt(11, 0, 0),
            ..Default::default()
        };
        before_save_on(&store, None, &mut call, day()).unwrap();
        assert_eq!(call.customer, other.key);
    }
}
