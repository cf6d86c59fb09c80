//! Alerts, the salesperson's to-do list — past-due opportunities and tasks, quotes
//! about to expire, leads and interactions whose follow-up date has come — for one
//! salesperson ("me": the one whose OS user name matches) or for all. They are not
//! a list of their own: each is a date rule (`event_rule`) with an `alert` action,
//! shown while it is due, so an admin edits, adds or disables them as rules.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::model::{Entity, FieldKind, Record, Salesperson, Value};
use crate::ops::events::spec::{Action, DateBase, RenderCtx, Template, Trigger};
use crate::ops::events::{Rule, RuleSet};
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

/// Every alert standing on `today`, for `salesperson` (None: everyone), oldest
/// first. The alerts are the standing view of the date rules that carry an
/// `alert` action: a record stands from the day its rule is due (until the date
/// itself, for a rule that fires before it) while the rule's condition holds. The
/// date index gives each rule's span in one range read.
pub fn alerts(
    store: &Store,
    rules: &RuleSet,
    salesperson: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<Alert>> {
    let mut standing = Vec::new();
    for rule in &rules.rules {
        let Trigger::Date(spec) = &rule.trigger else {
            continue;
        };
        let DateBase::Field(field) = spec.base else {
            continue;
        };
        let Some((label, text)) = rule.actions.iter().find_map(|a| match a {
            Action::Alert { label, text } => Some((label, text)),
            _ => None,
        }) else {
            continue;
        };
        // Due from base + offset on: every base up to today - offset; a rule that
        // fires before the date stands only until the date itself.
        let to = spec.base_for(today);
        let from = (spec.offset_days < 0).then_some(today);
        if let Some(dated) = store.keys_dated_between(rule.def, field, from, to)? {
            standing.push(Standing {
                rule,
                label,
                text,
                dated,
            });
        }
    }
    // Two cores: each thread takes half of every rule's records.
    let half = |second: bool| -> Result<Vec<Alert>> {
        let mut out = Vec::new();
        for s in &standing {
            let (a, b) = s.dated.split_at(s.dated.len() / 2);
            let part = if second { b } else { a };
            out.extend(rule_alerts(store, s, part, salesperson, today)?);
        }
        Ok(out)
    };
    let (a, b) = std::thread::scope(|s| {
        let b = s.spawn(|| half(true));
        (half(false), b.join())
    });
    let b = b.map_err(|_| crate::store::StoreError::Io {
        path: store.path().display().to_string(),
        message: "reading the alerts failed; try again".into(),
    })?;
    let mut out = a?;
    out.extend(b?);
    out.sort();
    out.dedup_by(|x, y| x.entity == y.entity && x.key == y.key && x.kind == y.kind);
    Ok(out)
}

/// A date rule with an alert, and the records whose date lies in its span.
struct Standing<'r> {
    rule: &'r Arc<Rule>,
    label: &'r str,
    text: &'r Template,
    dated: Vec<(NaiveDate, String)>,
}

/// The alerts of `dated`, some of a rule's records in its span, on `today`.
fn rule_alerts(
    store: &Store,
    standing: &Standing,
    dated: &[(NaiveDate, String)],
    salesperson: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<Alert>> {
    let Standing {
        rule, label, text, ..
    } = standing;
    let def = rule.def;
    let env = crate::query::Env {
        today,
        me: salesperson.map(str::to_string),
        user: String::new(),
    };
    let compiled = rule.condition.compile(store, &env).map_err(|e| {
        crate::store::StoreError::invalid("event_rule", &rule.key, "condition", "", e.to_string())
    })?;
    let ctx = RenderCtx {
        user: "",
        rule: &rule.key,
    };
    let kind = crate::util::statics::intern(label);
    let mut owners = Owners::default();
    let mut out = Vec::new();
    for (date, key) in dated {
        let Some(r) = store.get(def, key)? else {
            continue;
        };
        if let Some(me) = salesperson {
            if !owners.of(store, r.as_ref())?.iter().any(|s| s == me) {
                continue;
            }
        }
        if !compiled.matches(r.as_ref())? {
            continue;
        }
        out.push(Alert {
            date: *date,
            kind,
            entity: def.name,
            key: key.clone(),
            // An alert is one line: a template's first (notes have many).
            text: text
                .render(Some(r.as_ref()), None, &ctx)
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or_default()
                .to_string(),
        });
    }
    Ok(out)
}

/// Whose a record is: the salespersons its fields name, or for a record that
/// names none (a quote), those of the record it belongs to (its opportunity),
/// looked up once per run.
#[derive(Default)]
struct Owners {
    looked_up: HashMap<(&'static str, String), Vec<String>>,
}

impl Owners {
    fn of(&mut self, store: &Store, r: &dyn Record) -> Result<Vec<String>> {
        let own = salespersons_of(r);
        if !own.is_empty() {
            return Ok(own);
        }
        for (i, f) in r.def().fields.iter().enumerate() {
            let (FieldKind::Ref(target), Value::Text(k)) = (&f.kind, r.get(i)) else {
                continue;
            };
            let Some(def) = crate::model::entity(target) else {
                continue;
            };
            let names = def.fields.iter().any(|g| {
                matches!(
                    g.kind,
                    FieldKind::Ref("salesperson") | FieldKind::RefList("salesperson")
                )
            });
            if k.is_empty() || !names || def.name == r.def().name {
                continue;
            }
            let probe = (def.name, k);
            if let Some(hit) = self.looked_up.get(&probe) {
                return Ok(hit.clone());
            }
            let found = store
                .get(def, &probe.1)?
                .map(|o| salespersons_of(o.as_ref()))
                .unwrap_or_default();
            self.looked_up.insert(probe, found.clone());
            return Ok(found);
        }
        Ok(Vec::new())
    }
}

/// The salesperson codes of the record's fields that name salespersons.
pub fn salespersons_of(record: &dyn Record) -> Vec<String> {
    let mut out = Vec::new();
    for (i, f) in record.def().fields.iter().enumerate() {
        match (&f.kind, record.get(i)) {
            (FieldKind::Ref("salesperson"), Value::Text(s)) if !s.is_empty() => out.push(s),
            (FieldKind::RefList("salesperson"), Value::List(v)) => out.extend(v),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Interaction, Opportunity};

    fn shipped_rules(store: &Store) -> RuleSet {
        crate::ops::events::ensure_shipped(store).unwrap();
        crate::ops::events::load(store).unwrap()
    }

    #[test]
    fn alerts_are_due_items_of_the_salesperson_oldest_first() {
        let (_dir, store) = crate::ops::demo_store(2000);
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let rules = shipped_rules(&store);
        let all = alerts(&store, &rules, None, day).unwrap();
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
        let theirs = alerts(&store, &rules, Some(&someone), day).unwrap();
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
        let rules = shipped_rules(&store);
        let due = |store: &Store| {
            alerts(store, &rules, None, day)
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

    #[test]
    fn the_alerts_are_rules_an_admin_edits() {
        use crate::model::{EventRule, Quote};
        let (_dir, store) = crate::ops::demo_store(2000);
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let count = |store: &Store, kind: &str| {
            let rules = crate::ops::events::load(store).unwrap();
            let all = alerts(store, &rules, None, day).unwrap();
            all.iter().filter(|a| a.kind == kind).count()
        };
        crate::ops::events::ensure_shipped(&store).unwrap();
        let past_due = count(&store, "past due");
        assert!(past_due > 0);
        // Disabled, the rule's alerts leave the home pane.
        let mut rule = store.get_as::<EventRule>("OPP_PAST_DUE").unwrap().unwrap();
        rule.enabled = false;
        store.update(Box::new(rule)).unwrap();
        assert_eq!(count(&store, "past due"), 0);
        // A rule of the admin's own: quotes within a week, labelled as they like.
        store
            .insert(Box::new(EventRule {
                key: "QUOTE_WEEK".into(),
                description: "Quotes expiring this week".into(),
                entity: "quote".into(),
                trigger: "date".into(),
                when: "7 days before valid_until".into(),
                actions: "alert \"quote this week\" \"{opportunity}\"".into(),
                enabled: true,
                ..Default::default()
            }))
            .unwrap();
        let rules = crate::ops::events::load(&store).unwrap();
        let week = alerts(&store, &rules, None, day).unwrap();
        let week: Vec<_> = week
            .iter()
            .filter(|a| a.kind == "quote this week")
            .collect();
        assert!(!week.is_empty());
        for a in &week {
            let q = store.get_as::<Quote>(&a.key).unwrap().unwrap();
            let until = q.valid_until.unwrap();
            assert!(
                until >= day && until <= day + chrono::Duration::days(7),
                "{a:?}"
            );
            assert_eq!(a.date, until);
        }
        // The shipped three-day rule stands for fewer of them.
        assert!(count(&store, "quote expires") <= week.len());
    }

    #[test]
    fn rules_installed_by_an_earlier_version_gain_their_alert() {
        use crate::model::EventRule;
        let (_dir, store) = crate::ops::demo_store(200);
        crate::ops::events::ensure_shipped(&store).unwrap();
        let set = |key: &str, condition: &str, actions: &str| {
            let mut r = store.get_as::<EventRule>(key).unwrap().unwrap();
            r.condition = condition.into();
            r.actions = actions.into();
            store.update(Box::new(r)).unwrap();
        };
        let earlier = "notify owner \"task {description} is past due (due {due_date})\"";
        set("TASK_OVERDUE", "status:open", earlier);
        set("QUOTE_EXPIRY", "status:sent", "notify leader \"mine\"");
        crate::ops::events::ensure_shipped(&store).unwrap();
        let task = store.get_as::<EventRule>("TASK_OVERDUE").unwrap().unwrap();
        assert!(
            task.actions.contains("alert \"task past due\""),
            "{}",
            task.actions
        );
        assert_eq!(task.condition, "NOT status:done AND NOT status:cancelled");
        let edited = store.get_as::<EventRule>("QUOTE_EXPIRY").unwrap().unwrap();
        assert_eq!(
            edited.actions, "notify leader \"mine\"",
            "an edited rule stays"
        );
    }
}
