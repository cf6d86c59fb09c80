//! The event rules' requests (inbox, answers, `rules test`, the event log), what
//! a request's commits and its rules' actions tell the sessions, and the server's
//! minute tick for date and schedule rules.

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::env;
use crate::api::state::Shared;
use crate::api::wire::{ChangeNote, Push, Request, Response};
use crate::api::{ApiError, Result, Role, Session};
use crate::ops;
use crate::store::history::Scoped;
use crate::store::Store;

/// Whether the commits changed an event rule (the rules in force are read again).
pub(super) fn touches_rules(scoped: &Scoped) -> bool {
    let rule = <crate::model::EventRule as crate::model::Entity>::DEF.name;
    scoped.changed.iter().any(|c| c.entity == rule) || scoped.more.iter().any(|e| e == rule)
}

pub(super) fn serve(
    store: &Store,
    session: &Session,
    shared: &Shared,
    request: Request,
) -> Result<Response> {
    Ok(match request {
        Request::Inbox { unread, limit } => {
            Response::Inbox(ops::events::inbox(store, &session.user, unread, limit)?)
        }
        Request::Unread => Response::Count(store.unread(&session.user)?),
        Request::InboxRead { ids } => {
            let n = store.mark_read(&session.user, &ids)?;
            tell_inbox(store, shared, &session.user);
            Response::Count(n)
        }
        Request::Answer {
            approval,
            approve,
            reason,
        } => Response::Message(ops::events::answer(
            store,
            &session.user,
            session.role == Role::Admin,
            approval,
            approve,
            &reason,
        )?),
        Request::RuleTest { rule, key } => {
            let env = env(session);
            let today = env.today;
            Response::RuleHits(ops::events::test_rule(
                store,
                &env,
                &rule,
                key.as_deref(),
                today,
            )?)
        }
        Request::Events(filter) => {
            ops::events::drain_finished(store);
            Response::Events(ops::filters::events(store, &filter)?)
        }
        other => {
            return Err(ApiError::protocol(format!(
                "not an event request: {}",
                other.name()
            )))
        }
    })
}

/// Tells `user`'s sessions how many of their messages are unread.
fn tell_inbox(store: &Store, shared: &Shared, user: &str) {
    if let Ok(unread) = store.unread(user) {
        shared.publish_to(user, Push::Inbox { unread });
    }
}

/// Every session hears what the request (and the rules it fired) changed, once
/// it is durable; users whose inbox changed hear their unread count.
pub(super) fn publish(
    store: &Store,
    shared: &Shared,
    session: &Session,
    via: String,
    scoped: Scoped,
    after: ops::events::After,
) {
    let mut items = scoped.changed;
    items.extend(after.changed);
    if let Some(id) = scoped
        .group
        .or(if items.is_empty() { None } else { Some(0) })
    {
        shared.publish(Push::Changes(ChangeNote {
            id,
            at_ms: chrono::Utc::now().timestamp_millis(),
            user: session.user.clone(),
            via,
            items,
            more: scoped.more,
        }));
    }
    let mut users = after.inbox;
    users.sort();
    users.dedup();
    for u in users {
        tell_inbox(store, shared, &u);
    }
}

/// The date and schedule rules due at `now` (local time), run as the server's
/// user `user`; what they change and post is published like a request's.
pub fn tick(store: &Store, shared: &Shared, session: &Session, now: NaiveDateTime) -> Result<()> {
    let rules = shared.rules(store)?;
    if !rules.rules.iter().any(|r| {
        matches!(
            r.trigger,
            ops::events::spec::Trigger::Date(_) | ops::events::spec::Trigger::Schedule(_)
        )
    }) {
        return Ok(());
    }
    let (after, n) = {
        let _guard = shared.write_lock();
        let after = ops::events::tick(store, &Arc::clone(&rules), &session.user, now);
        (after, shared.wrote(session.uid))
    };
    shared.flush_after(store, n)?;
    let scoped = Scoped::default();
    publish(store, shared, session, "tick".into(), scoped, after);
    Ok(())
}
