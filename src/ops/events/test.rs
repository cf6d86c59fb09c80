//! Reading what the rules did and would do: a user's inbox with its approvals,
//! and `crm rules test` — the records a rule would fire on now and what it would
//! do to each, changing nothing.

use chrono::NaiveDate;

use super::rules::{compile, Rule};
use super::spec::{Action, RenderCtx, Trigger};
use super::tick;
use super::{InboxItem, RuleHit};
use crate::model::{EventRule, Record};
use crate::query::{self, Env};
use crate::store::{Result, Store, StoreError};

/// `user`'s messages, newest first, each with its approval.
pub fn inbox(store: &Store, user: &str, unread: bool, limit: usize) -> Result<Vec<InboxItem>> {
    let mut out = Vec::new();
    for message in store.inbox(user, unread, limit)? {
        let approval = match message.approval {
            Some(id) => store.approval(id)?,
            None => None,
        };
        out.push(InboxItem { message, approval });
    }
    Ok(out)
}

/// How many records `crm rules test` shows at most.
pub const TEST_LIMIT: usize = 50;

fn describe(rule: &Rule, record: &dyn Record, user: &str) -> Vec<String> {
    let ctx = RenderCtx {
        user,
        rule: &rule.key,
    };
    rule.actions
        .iter()
        .map(|a| match a {
            Action::Notify { text, .. } => format!(
                "{} — \"{}\"",
                a.describe(rule.def),
                text.render(Some(record), None, &ctx)
            ),
            Action::Task { text, .. } | Action::Alert { text, .. } => format!(
                "{} — \"{}\"",
                a.describe(rule.def),
                text.render(Some(record), None, &ctx)
            ),
            _ => a.describe(rule.def),
        })
        .collect()
}

/// What rule `key` would do now: on record `record` if named (whether it fires
/// or not), else on the records it fires on (at most `TEST_LIMIT`). A record
/// trigger is tested as if the record had just been created.
pub fn test_rule(
    store: &Store,
    env: &Env,
    key: &str,
    record: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<RuleHit>> {
    let key = key.trim().to_uppercase();
    let Some(stored) = store.get_as::<EventRule>(&key)? else {
        store.fetch(<EventRule as crate::model::Entity>::DEF, &key)?;
        unreachable!("fetch of a missing record fails");
    };
    let rule = compile(&stored)
        .map_err(|(field, m)| StoreError::invalid("event_rule", &key, field, "", m))?;
    let compiled = rule
        .condition
        .compile(store, env)
        .map_err(|e| super::engine::query_error(&rule, e))?;
    let due_label = |d: NaiveDate| format!("due {d}");
    let mut hits = Vec::new();
    let mut push = |r: &dyn Record, trigger: String, fires: bool| {
        hits.push(RuleHit {
            rule: rule.key.clone(),
            entity: rule.def.name.to_string(),
            key: r.key().to_string(),
            trigger,
            actions: if fires {
                describe(&rule, r, &env.user)
            } else {
                Vec::new()
            },
        });
    };
    match (&rule.trigger, record) {
        (_, Some(k)) => {
            let r = store.fetch(rule.def, &k.trim().to_uppercase())?;
            let fires = match &rule.trigger {
                Trigger::Date(spec) => tick::is_due(store, spec, r.as_ref(), today)?,
                _ => true,
            } && compiled.matches_change(r.as_ref(), None)?;
            let trigger = if fires {
                match &rule.trigger {
                    Trigger::Date(_) => due_label(today),
                    Trigger::Schedule(s) => format!("at the schedule ({})", s.describe()),
                    _ => "as if just created".into(),
                }
            } else {
                "does not fire: the condition or the date does not hold".into()
            };
            push(r.as_ref(), trigger, fires);
        }
        (Trigger::Date(spec), None) => {
            for r in tick::due_records(store, &rule, spec, &compiled, today, TEST_LIMIT)? {
                push(r.as_ref(), due_label(today), true);
            }
        }
        (trigger, None) => {
            let label = match trigger {
                Trigger::Schedule(s) => format!("at the schedule ({})", s.describe()),
                _ => "as if just created".into(),
            };
            for r in query::select(&compiled, Some(TEST_LIMIT))? {
                push(r.as_ref(), label.clone(), true);
            }
        }
    }
    Ok(hits)
}
