//! Running the rules around a request's writes. Before a save (on the thread that
//! saves, through the context `with_rules` sets): "set" actions change the record
//! and "hold" keeps the change for approval instead. After the request's commits:
//! every other action of every rule whose trigger and condition hold, with the old
//! and the new record. What the actions write goes through the normal save path
//! and may fire rules again, to `MAX_DEPTH`, never the same rule on the same
//! record twice in one chain.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};

use super::rules::{Rule, RuleSet};
use super::spec::{Action, SetValue, Trigger};
use super::{act, hold};
use crate::model::{self, Record, Value};
use crate::query::Env;
use crate::store::codec::codec_for;
use crate::store::events::Fired;
use crate::store::history::{self, Actor, Changed, Kind};
use crate::store::{Result, Store, StoreError};

/// How deep rules may fire rules: a rule's writes fire others, theirs fire more,
/// and there the chain is cut (the event log says so).
pub const MAX_DEPTH: usize = 3;

struct Ctx {
    rules: Arc<RuleSet>,
    user: String,
    me: Option<String>,
    /// An approved change is being applied: holds let it through.
    approved: bool,
    /// Users whose inbox changed.
    posted: Vec<String>,
    /// The day offsets count from: the tick's own (a fixed clock in tests).
    today: Option<NaiveDate>,
    /// The user is an admin (only admins save rules that run commands).
    admin: bool,
}

thread_local! {
    static CTX: RefCell<Option<Ctx>> = const { RefCell::new(None) };
}

/// Runs `f` with `rules` in force for saves on this thread, made by OS user `user`
/// (salesperson `me`); returns what `f` returned and the users whose inbox changed.
pub fn with_rules<R>(
    rules: Arc<RuleSet>,
    user: &str,
    me: Option<String>,
    f: impl FnOnce() -> R,
) -> (R, Vec<String>) {
    let outer = CTX.with(|c| {
        c.borrow_mut().replace(Ctx {
            rules,
            user: user.to_string(),
            me,
            approved: false,
            posted: Vec::new(),
            today: None,
            admin: false,
        })
    });
    struct Restore(Option<Option<Ctx>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                CTX.with(|c| *c.borrow_mut() = outer);
            }
        }
    }
    let mut restore = Restore(Some(outer));
    let result = f();
    let outer = restore.0.take().unwrap_or(None);
    let ctx = CTX.with(|c| std::mem::replace(&mut *c.borrow_mut(), outer));
    (result, ctx.map(|c| c.posted).unwrap_or_default())
}

/// Runs `f` as the application of an approved change: holds let it through.
pub(super) fn approving<R>(f: impl FnOnce() -> R) -> R {
    let was = CTX.with(|c| {
        c.borrow_mut()
            .as_mut()
            .map(|c| std::mem::replace(&mut c.approved, true))
    });
    let result = f();
    CTX.with(|c| {
        if let (Some(c), Some(was)) = (c.borrow_mut().as_mut(), was) {
            c.approved = was;
        }
    });
    result
}

/// The day the rules' offsets (`due=+3d`, `set follow_up=+1d`) count from.
pub(super) fn today() -> NaiveDate {
    CTX.with(|c| c.borrow().as_ref().and_then(|c| c.today))
        .unwrap_or_else(model::value::today)
}

/// Says whether the user of the request in progress is an admin.
pub fn set_admin(admin: bool) {
    CTX.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.admin = admin;
        }
    });
}

/// Whether the writer is an admin: outside a request (the store's own upkeep,
/// shipped rules) it is trusted.
pub(super) fn is_admin() -> bool {
    CTX.with(|c| c.borrow().as_ref().is_none_or(|c| c.admin))
}

/// Makes `day` the rules' today on this thread (inside `with_rules`).
pub(super) fn set_today(day: NaiveDate) {
    CTX.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.today = Some(day);
        }
    });
}

/// Notes that `user`'s inbox changed (their sessions hear the unread count).
pub(super) fn posted(user: &str) {
    CTX.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            if !c.posted.iter().any(|u| u == user) {
                c.posted.push(user.to_string());
            }
        }
    });
}

/// A rule's condition that cannot run now, as a store error naming the rule.
pub(super) fn query_error(rule: &Rule, e: crate::query::Error) -> StoreError {
    match e {
        crate::query::Error::Store(s) => s,
        crate::query::Error::Query(q) => {
            StoreError::Refused(format!("rule {}: condition: {q}", rule.key))
        }
    }
}

pub(super) fn env(me: Option<String>, user: &str) -> Env {
    Env {
        me,
        user: user.to_string(),
        ..Env::now()
    }
}

/// Whether `rule`'s trigger is a change of this kind (for an update: of one of
/// its fields).
fn triggered(rule: &Rule, kind: Kind, old: Option<&dyn Record>, new: Option<&dyn Record>) -> bool {
    match (&rule.trigger, kind) {
        (Trigger::Created, Kind::Created) | (Trigger::Deleted, Kind::Deleted) => true,
        (Trigger::Updated { fields }, Kind::Updated) => {
            fields.is_empty()
                || fields
                    .iter()
                    .any(|&i| old.map(|o| o.get(i)) != new.map(|n| n.get(i)))
        }
        _ => false,
    }
}

/// The value a "set" action writes.
fn set_value(v: &SetValue, today: NaiveDate) -> Value {
    match v {
        SetValue::Literal(v) => v.clone(),
        SetValue::Offset(days) => Value::Date(today + Duration::days(*days)),
    }
}

/// The rules' part before a save: "set" actions fill in fields, "hold" keeps the
/// change for approval (the save fails with `StoreError::Held`). Without rules in
/// force (a test calling the store directly) it does nothing.
pub fn before_save(store: &Store, old: Option<&dyn Record>, record: &mut dyn Record) -> Result<()> {
    let Some((rules, user, me, approved)) = CTX.with(|c| {
        c.borrow().as_ref().map(|c| {
            (
                Arc::clone(&c.rules),
                c.user.clone(),
                c.me.clone(),
                c.approved,
            )
        })
    }) else {
        return Ok(());
    };
    let def = record.def();
    let kind = if old.is_some() {
        Kind::Updated
    } else {
        Kind::Created
    };
    let today = today();
    for rule in rules.on_record(def.name) {
        if !rule.before_save() || !triggered(rule, kind, old, Some(&*record)) {
            continue;
        }
        let compiled = rule
            .condition
            .compile(store, &env(me.clone(), &user))
            .map_err(|e| query_error(rule, e))?;
        if !compiled.matches_change(&*record, old)? {
            continue;
        }
        for action in &rule.actions {
            match action {
                Action::Set { fields } => {
                    for (i, v) in fields {
                        record.set(*i, set_value(v, today)).map_err(|m| {
                            StoreError::invalid(
                                def.name,
                                record.key(),
                                def.fields[*i].name,
                                "",
                                format!("rule {} could not set it: {m}", rule.key),
                            )
                        })?;
                    }
                }
                Action::Hold { approvers, reason } if !approved => {
                    let held = hold::hold(
                        store,
                        rule,
                        approvers,
                        reason.as_ref(),
                        old,
                        &*record,
                        &user,
                    )?;
                    if let Some(e) = held {
                        return Err(e);
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// What the rules did after a request's commits.
#[derive(Debug, Default)]
pub struct After {
    /// Records the rules' actions changed (for the change feed).
    pub changed: Vec<Changed>,
    /// Users whose inbox changed.
    pub inbox: Vec<String>,
}

/// Runs the after-commit actions of every rule the changes `befores` (each with
/// its stored bytes before) trigger; `user` made them.
pub fn after_commit(
    store: &Store,
    rules: &Arc<RuleSet>,
    user: &str,
    me: Option<String>,
    befores: &[(Changed, Option<Vec<u8>>)],
) -> After {
    let mut after = After::default();
    if rules.is_empty() || befores.is_empty() {
        return after;
    }
    let ((), posted) = with_rules(Arc::clone(rules), user, me.clone(), || {
        // The request's own changes are read where they are; only what the rules
        // write is kept for the next wave.
        let mut owned: Vec<(Changed, Option<Vec<u8>>)> = Vec::new();
        let mut chain: HashSet<(String, String, String)> = HashSet::new();
        for depth in 0..=MAX_DEPTH {
            let wave = if depth == 0 { befores } else { &owned[..] };
            if wave.is_empty() {
                break;
            }
            let mut next = Vec::new();
            for (c, before) in wave {
                fire_on(
                    store,
                    rules,
                    user,
                    &me,
                    c,
                    before.as_deref(),
                    depth,
                    &mut chain,
                    &mut next,
                    &mut after,
                );
            }
            owned = next;
        }
    });
    for u in posted {
        if !after.inbox.contains(&u) {
            after.inbox.push(u);
        }
    }
    act::drain_finished(store);
    after
}

#[allow(clippy::too_many_arguments)]
fn fire_on(
    store: &Store,
    rules: &RuleSet,
    user: &str,
    me: &Option<String>,
    c: &Changed,
    before: Option<&[u8]>,
    depth: usize,
    chain: &mut HashSet<(String, String, String)>,
    next: &mut Vec<(Changed, Option<Vec<u8>>)>,
    after: &mut After,
) {
    let Some(def) = model::entity(&c.entity) else {
        return;
    };
    let candidates: Vec<&Arc<Rule>> = rules
        .on_record(def.name)
        .filter(|r| r.after_commit())
        .collect();
    if candidates.is_empty() {
        return;
    }
    let decode = codec_for(def).decode;
    let old = before.and_then(|b| decode(b).ok());
    let new = match c.kind {
        Kind::Deleted => None,
        _ => store.get(def, &c.key).ok().flatten(),
    };
    for rule in candidates {
        if !triggered(rule, c.kind, old.as_deref(), new.as_deref()) {
            continue;
        }
        // A deletion's condition is tested on the record as it was.
        let (subject, was) = match (&new, &old) {
            (Some(n), o) => (n.as_ref(), o.as_deref()),
            (None, Some(o)) => (o.as_ref(), None),
            (None, None) => continue,
        };
        let matched = rule
            .condition
            .compile(store, &env(me.clone(), user))
            .map_err(|e| e.to_string())
            .and_then(|q| q.matches_change(subject, was).map_err(|e| e.to_string()));
        if matched == Ok(false) {
            continue;
        }
        let trigger = describe_trigger(c, old.as_deref(), new.as_deref());
        let mut fired = Fired {
            id: 0,
            at_ms: 0,
            rule: rule.key.clone(),
            entity: c.entity.clone(),
            key: c.key.clone(),
            trigger,
            user: user.to_string(),
            actions: Vec::new(),
            error: None,
            cut: false,
        };
        if let Err(e) = matched {
            fired.error = Some(format!("condition: {e}"));
            let _ = store.log_fired(fired);
            continue;
        }
        let link = (rule.key.clone(), c.entity.clone(), c.key.clone());
        if depth == MAX_DEPTH || chain.contains(&link) {
            fired.cut = true;
            fired.actions.push(if depth == MAX_DEPTH {
                format!("chain cut: rules fired rules {MAX_DEPTH} deep")
            } else {
                "chain cut: this rule already fired on this record in this chain".into()
            });
            let _ = store.log_fired(fired);
            continue;
        }
        chain.insert(link);
        let actor = Actor {
            user: user.to_string(),
            via: format!("rule {}", rule.key),
        };
        let ((), scoped) = history::scope_with_states(actor, || {
            act::run(store, rule, subject, was, user, &mut fired);
        });
        after.changed.extend(scoped.changed);
        next.extend(scoped.befores);
        let _ = store.log_fired(fired);
    }
}

/// Runs `rule`'s after-commit actions on `record` for a date or schedule trigger
/// (no change before it) and logs the firing; what the actions wrote is returned
/// (with its states before), for the record rules to see.
pub(super) fn after_each(
    store: &Store,
    rule: &Rule,
    record: &dyn Record,
    user: &str,
    trigger: String,
    after: &mut After,
) -> Vec<(Changed, Option<Vec<u8>>)> {
    let mut fired = Fired {
        id: 0,
        at_ms: 0,
        rule: rule.key.clone(),
        entity: rule.def.name.to_string(),
        key: record.key().to_string(),
        trigger,
        user: user.to_string(),
        actions: Vec::new(),
        error: None,
        cut: false,
    };
    let actor = Actor {
        user: user.to_string(),
        via: format!("rule {}", rule.key),
    };
    let ((), scoped) = history::scope_with_states(actor, || {
        act::run(store, rule, record, None, user, &mut fired);
    });
    after.changed.extend(scoped.changed);
    let _ = store.log_fired(fired);
    scoped.befores
}

/// "created", "updated stage, amount", "deleted".
fn describe_trigger(c: &Changed, old: Option<&dyn Record>, new: Option<&dyn Record>) -> String {
    match (c.kind, old, new) {
        (Kind::Updated, Some(o), Some(n)) => {
            let fields: Vec<&str> = o
                .def()
                .fields
                .iter()
                .enumerate()
                .filter(|(i, _)| o.get(*i) != n.get(*i))
                .map(|(_, f)| f.name)
                .collect();
            format!("updated {}", fields.join(", "))
        }
        (kind, ..) => kind.name().to_string(),
    }
}
