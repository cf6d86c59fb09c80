//! The date and schedule triggers, run by the server once a minute. Each firing
//! is recorded under (rule, record, due) before its actions run, so a restart
//! neither repeats nor misses one; a server that was down catches up once: a date
//! rule looks at the days it missed (at most `CATCH_UP_DAYS`), a schedule fires
//! for its newest due time only.

use std::sync::Arc;

use chrono::{Duration, Local, NaiveDate, NaiveDateTime, TimeZone};

use super::engine::{after_commit, after_each, env, query_error, with_rules, After};
use super::rules::{Rule, RuleSet};
use super::spec::{DateBase, DateSpec, Trigger};
use crate::model::{Record, Value};
use crate::query::{self, Compiled};
use crate::store::history::Changed;
use crate::store::{Result, Store};

/// How many missed days a date rule catches up on after the server was down.
pub const CATCH_UP_DAYS: i64 = 7;

/// The record's base date (its date field, or the day it last changed).
fn base_date(store: &Store, spec: &DateSpec, r: &dyn Record) -> Result<Option<NaiveDate>> {
    Ok(match spec.base {
        DateBase::Field(i) => match r.get(i) {
            Value::Date(d) => Some(d),
            Value::DateTime(t) => Some(t.date()),
            _ => None,
        },
        DateBase::LastChange => store
            .last_changed_ms(r.def(), r.key())?
            .and_then(|ms| Local.timestamp_millis_opt(ms).single())
            .map(|t| t.date_naive()),
    })
}

/// Whether `r` is due on `day`.
pub fn is_due(store: &Store, spec: &DateSpec, r: &dyn Record, day: NaiveDate) -> Result<bool> {
    Ok(base_date(store, spec, r)? == Some(spec.base_for(day)))
}

/// The records of `keys` that pass the condition, at most `limit`.
fn matching(
    store: &Store,
    rule: &Rule,
    compiled: &Compiled,
    keys: Vec<String>,
    limit: usize,
) -> Result<Vec<Box<dyn Record>>> {
    let mut out = Vec::new();
    for k in keys {
        if let Some(r) = store.get(rule.def, &k)? {
            if compiled.matches(r.as_ref())? {
                out.push(r);
                if out.len() >= limit {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// The records of `rule` (whose condition is `compiled`) due on `day`.
pub fn due_records(
    store: &Store,
    rule: &Rule,
    spec: &DateSpec,
    compiled: &Compiled,
    day: NaiveDate,
    limit: usize,
) -> Result<Vec<Box<dyn Record>>> {
    let mut out = Vec::new();
    if let DateBase::Field(i) = spec.base {
        // A dated field: the day's records from the date index, the others unread.
        if let Some(keys) = store.keys_dated(rule.def, i, spec.base_for(day))? {
            return matching(store, rule, compiled, keys, limit);
        }
    }
    if spec.base == DateBase::LastChange {
        // The records last changed on the base day, from that day's history.
        let base = spec.base_for(day);
        let local_ms = |d: NaiveDate| {
            Local
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
                .earliest()
                .map_or(0, |t| t.timestamp_millis())
        };
        let (from, to) = (local_ms(base), local_ms(base + Duration::days(1)));
        let keys = store.last_changed_between(rule.def, from, to)?;
        return matching(store, rule, compiled, keys, limit);
    }
    for r in query::select(compiled, None)? {
        if is_due(store, spec, r.as_ref(), day)? {
            out.push(r);
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// How many records the date rules find due on `day`, acting on none (what the
/// first tick of a day reads before it acts).
pub fn count_due(store: &Store, rules: &RuleSet, day: NaiveDate) -> Result<usize> {
    let mut n = 0;
    for rule in &rules.rules {
        if let (Trigger::Date(spec), true) = (&rule.trigger, rule.after_commit()) {
            let compiled = compile(store, rule, "")?;
            n += due_records(store, rule, spec, &compiled, day, usize::MAX)?.len();
        }
    }
    Ok(n)
}

fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Runs every date and schedule rule due at `now` (local time), as `user` (the
/// server's own). Returns what the actions changed and whose inbox changed.
pub fn tick(store: &Store, rules: &Arc<RuleSet>, user: &str, now: NaiveDateTime) -> After {
    let mut after = After::default();
    let mut wrote = Vec::new();
    let ((), posted) = with_rules(Arc::clone(rules), user, None, || {
        super::engine::set_today(now.date());
        super::engine::set_admin(true);
        for rule in &rules.rules {
            if let Err(e) = tick_rule(store, rule, user, now, &mut after, &mut wrote) {
                let _ = store.log_fired(crate::store::events::Fired {
                    id: 0,
                    at_ms: 0,
                    rule: rule.key.clone(),
                    entity: rule.def.name.to_string(),
                    key: String::new(),
                    trigger: "tick".into(),
                    user: user.to_string(),
                    actions: Vec::new(),
                    error: Some(e.to_string()),
                    cut: false,
                });
            }
        }
    });
    after.inbox.extend(posted);
    // What the date rules wrote fires the record rules, like any change.
    let more = after_commit(store, rules, user, None, &wrote);
    after.changed.extend(more.changed);
    after.inbox.extend(more.inbox);
    after.inbox.sort();
    after.inbox.dedup();
    super::act::drain_finished(store);
    after
}

/// When a rule's tick last ran, as the store keeps it.
fn last_tick(store: &Store, rule: &Rule) -> Result<Option<NaiveDateTime>> {
    Ok(store
        .last_tick(&rule.key)?
        .and_then(|t| NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M").ok()))
}

fn tick_rule(
    store: &Store,
    rule: &Arc<Rule>,
    user: &str,
    now: NaiveDateTime,
    after: &mut After,
    wrote: &mut Vec<(Changed, Option<Vec<u8>>)>,
) -> Result<()> {
    if !rule.after_commit() {
        // Only an alert: it stands on the home pane, and nothing fires.
        return Ok(());
    }
    // What is due: (the firing's due text, the records), for each due time.
    let due: Vec<(String, Vec<Box<dyn Record>>)> = match &rule.trigger {
        Trigger::Date(spec) => {
            let today = now.date();
            let from = match last_tick(store, rule)?.map(|t| t.date()) {
                Some(d) if d >= today => return Ok(()),
                Some(d) => (d + Duration::days(1)).max(today - Duration::days(CATCH_UP_DAYS)),
                None => today,
            };
            let compiled = compile(store, rule, user)?;
            let mut due = Vec::new();
            for day in from.iter_days().take_while(|d| *d <= today) {
                let records = due_records(store, rule, spec, &compiled, day, usize::MAX)?;
                due.push((format!("date {day}"), records));
            }
            due
        }
        Trigger::Schedule(s) => {
            let Some(last) = last_tick(store, rule)? else {
                // A new schedule starts from now: nothing in the past is due.
                store.set_last_tick(&rule.key, &stamp(now))?;
                return Ok(());
            };
            let Some(at) = s.latest_due(last, now) else {
                return Ok(());
            };
            let compiled = compile(store, rule, user)?;
            vec![(
                format!("schedule {}", stamp(at)),
                query::select(&compiled, None)?,
            )]
        }
        _ => return Ok(()),
    };
    for (trigger, records) in due {
        let key = trigger.split_once(' ').map_or(trigger.as_str(), |(_, k)| k);
        for r in records {
            if store.mark_firing(&rule.key, rule.def.name, r.key(), key)? {
                let w = after_each(store, rule, r.as_ref(), user, trigger.clone(), after);
                wrote.extend(w);
            }
        }
    }
    store.set_last_tick(&rule.key, &stamp(now))?;
    Ok(())
}

/// The rule's condition, for the server's tick.
fn compile<'s>(store: &'s Store, rule: &Rule, user: &str) -> Result<Compiled<'s>> {
    rule.condition
        .compile(store, &env(None, user))
        .map_err(|e| query_error(rule, e))
}
