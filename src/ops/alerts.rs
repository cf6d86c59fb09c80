//! Alerts, the salesperson's to-do list: past-due opportunities and tasks, quotes
//! that expire within a week, and leads and interactions whose follow-up date has
//! come — for one salesperson ("me": the one whose OS user name matches) or for all.

use chrono::{Duration, NaiveDate};

use crate::model::{
    Entity, Interaction, Lead, Opportunity, OpportunityStatus, OpportunityTask, Quote, Salesperson,
};
use crate::store::{Result, Store};

/// The kinds of alert, as `Alert::kind` holds them.
pub const PAST_DUE: &str = "past due";
pub const TASK_PAST_DUE: &str = "task past due";
pub const QUOTE_EXPIRES: &str = "quote expires";
pub const FOLLOW_UP: &str = "follow up";

/// One thing that needs attention.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Alert {
    pub date: NaiveDate,
    #[serde(with = "crate::util::statics")]
    pub kind: crate::util::statics::Name,
    #[serde(with = "crate::util::statics")]
    pub entity: crate::util::statics::Name,
    pub key: String,
    pub text: String,
}

/// The salesperson whose OS user name is `user`.
pub fn me(store: &Store, user: &str) -> Result<Option<String>> {
    for r in store.scan(Salesperson::DEF) {
        let r = r?;
        if let Some(s) = r.downcast_ref::<Salesperson>() {
            if !user.is_empty() && s.os_user.eq_ignore_ascii_case(user) {
                return Ok(Some(s.key.clone()));
            }
        }
    }
    Ok(None)
}

/// Every alert due on `today`, for `salesperson` (None: everyone), oldest first.
pub fn alerts(store: &Store, salesperson: Option<&str>, today: NaiveDate) -> Result<Vec<Alert>> {
    let mine = |s: &str| salesperson.is_none_or(|me| me == s);
    let open_statuses: Vec<String> = store
        .scan(OpportunityStatus::DEF)
        .filter_map(|r| r.ok())
        .filter(|r| {
            r.downcast_ref::<OpportunityStatus>()
                .is_some_and(|s| s.meaning == "open")
        })
        .map(|r| r.key().to_string())
        .collect();
    let first = || -> Result<Vec<Alert>> {
        let mut out = Vec::new();
        for r in store.scan(Opportunity::DEF) {
            let r = r?;
            let Some(o) = r.downcast_ref::<Opportunity>() else {
                continue;
            };
            let open = o.status.is_empty() || open_statuses.contains(&o.status);
            if let Some(close) = o
                .expected_close
                .filter(|d| open && *d < today && mine(&o.salesperson))
            {
                out.push(Alert {
                    date: close,
                    kind: PAST_DUE,
                    entity: Opportunity::DEF.name,
                    key: o.key.clone(),
                    text: o.description.clone(),
                });
            }
        }
        for r in store.scan(OpportunityTask::DEF) {
            let r = r?;
            let Some(t) = r.downcast_ref::<OpportunityTask>() else {
                continue;
            };
            if let Some(due) = t.due_date.filter(|d| {
                t.status != "done" && t.status != "cancelled" && *d < today && mine(&t.owner)
            }) {
                out.push(Alert {
                    date: due,
                    kind: TASK_PAST_DUE,
                    entity: OpportunityTask::DEF.name,
                    key: t.key.clone(),
                    text: format!(
                        "{} ({})",
                        t.description,
                        if t.opportunity.is_empty() {
                            &t.lead
                        } else {
                            &t.opportunity
                        }
                    ),
                });
            }
        }
        Ok(out)
    };
    let second = || -> Result<Vec<Alert>> {
        let mut out = Vec::new();
        let week = today + Duration::days(7);
        for r in store.scan(Quote::DEF) {
            let r = r?;
            let Some(q) = r.downcast_ref::<Quote>() else {
                continue;
            };
            let open = matches!(q.status.as_str(), "" | "draft" | "sent");
            let owner = if salesperson.is_some() && !q.opportunity.is_empty() {
                store
                    .get_as::<Opportunity>(&q.opportunity)?
                    .map(|o| o.salesperson)
                    .unwrap_or_default()
            } else {
                String::new()
            };
            if let Some(until) = q
                .valid_until
                .filter(|d| open && *d >= today && *d <= week && mine(&owner))
            {
                out.push(Alert {
                    date: until,
                    kind: QUOTE_EXPIRES,
                    entity: Quote::DEF.name,
                    key: q.key.clone(),
                    text: q.opportunity.clone(),
                });
            }
        }
        for r in store.scan(Lead::DEF) {
            let r = r?;
            let Some(l) = r.downcast_ref::<Lead>() else {
                continue;
            };
            if let Some(d) = l
                .follow_up
                .filter(|d| *d <= today && l.opportunity.is_empty() && mine(&l.salesperson))
            {
                out.push(Alert {
                    date: d,
                    kind: FOLLOW_UP,
                    entity: Lead::DEF.name,
                    key: l.key.clone(),
                    text: format!("{} {} {}", l.first_name, l.last_name, l.company)
                        .trim()
                        .to_string(),
                });
            }
        }
        // An interaction's follow-up is done once a later interaction with the same
        // contact, prospect or customer took place.
        let mut latest: std::collections::HashMap<String, chrono::NaiveDateTime> =
            std::collections::HashMap::new();
        let mut due = Vec::new();
        for r in store.scan(Interaction::DEF) {
            let r = r?;
            let Some(i) = r.downcast_ref::<Interaction>() else {
                continue;
            };
            let party = [&i.contact, &i.prospect, &i.customer]
                .into_iter()
                .find(|p| !p.is_empty())
                .cloned()
                .unwrap_or_default();
            if let (Some(at), false) = (i.occurred_at, party.is_empty()) {
                let e = latest.entry(party.clone()).or_insert(at);
                *e = (*e).max(at);
            }
            if let Some(d) = i.follow_up.filter(|d| *d <= today && mine(&i.salesperson)) {
                let text = match i.notes.lines().next() {
                    Some(line) if !line.trim().is_empty() => line.to_string(),
                    _ => party.clone(),
                };
                due.push((
                    party,
                    i.occurred_at,
                    Alert {
                        date: d,
                        kind: FOLLOW_UP,
                        entity: Interaction::DEF.name,
                        key: i.key.clone(),
                        text,
                    },
                ));
            }
        }
        for (party, at, alert) in due {
            let followed = at.is_some_and(|at| latest.get(&party).is_some_and(|l| *l > at));
            if !followed {
                out.push(alert);
            }
        }
        Ok(out)
    };
    // The halves read different entities: on two cores they take half as long.
    let (first, second) = std::thread::scope(|s| {
        let second = s.spawn(second);
        (first(), second.join())
    });
    let mut out = first?;
    out.extend(second.map_err(|_| crate::store::StoreError::Io {
        path: store.path().display().to_string(),
        message: "reading the alerts failed; try again".into(),
    })??);
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_due_items_of_the_salesperson_oldest_first() {
        let (_dir, store) = crate::ops::demo_store(2000);
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let all = alerts(&store, None, day).unwrap();
        assert!(!all.is_empty());
        assert!(all.windows(2).all(|w| w[0] <= w[1]), "sorted");
        for kind in ["past due", "task past due", "follow up"] {
            assert!(
                all.iter().any(|a| a.kind == kind),
                "{kind} in the demo data"
            );
        }
        let someone = store
            .get_as::<Opportunity>(&all.iter().find(|a| a.entity == "opportunity").unwrap().key)
            .unwrap()
            .unwrap()
            .salesperson;
        let theirs = alerts(&store, Some(&someone), day).unwrap();
        assert!(!theirs.is_empty() && theirs.len() < all.len());
        let os_user = store
            .get_as::<Salesperson>(&someone)
            .unwrap()
            .unwrap()
            .os_user;
        assert_eq!(me(&store, &os_user).unwrap(), Some(someone));
        assert_eq!(me(&store, "nobody-here").unwrap(), None);
    }

    #[test]
    fn a_later_interaction_with_the_same_party_is_the_follow_up() {
        let (_dir, store) = crate::ops::demo_store(1000);
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let prospect = store
            .scan(crate::model::Prospect::DEF)
            .next()
            .unwrap()
            .unwrap()
            .key()
            .to_string();
        let at = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).and_then(|d| d.and_hms_opt(9, 0, 0));
        let first = store
            .insert(Box::new(Interaction {
                prospect: prospect.clone(),
                occurred_at: at(2),
                follow_up: NaiveDate::from_ymd_opt(2026, 11, 10),
                notes: "Call back about the retrofit".into(),
                ..Default::default()
            }))
            .unwrap();
        let due = |store: &Store| {
            alerts(store, None, day)
                .unwrap()
                .iter()
                .any(|a| a.key == first)
        };
        assert!(due(&store));
        store
            .insert(Box::new(Interaction {
                prospect,
                occurred_at: at(12),
                ..Default::default()
            }))
            .unwrap();
        assert!(!due(&store), "called back on the 12th");
    }
}
