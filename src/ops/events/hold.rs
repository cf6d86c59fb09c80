//! Holding a change for approval: the record as proposed is kept with the
//! revision it was made on, the approvers find it in their inbox, and the answer
//! either saves it through the normal path (if the record has not changed since)
//! or tells the requester why not.

use super::engine::{approving, posted};
use super::people;
use super::rules::Rule;
use super::spec::{RenderCtx, Target, Template};
use crate::model::{self, Record};
use crate::store::codec::{self, codec_for};
use crate::store::events::{Approval, ApprovalState, Message};
use crate::store::history::{diff_records, FieldChange};
use crate::store::{Result, Store, StoreError};

fn shown_key(key: &str) -> &str {
    if key.is_empty() {
        "(new)"
    } else {
        key
    }
}

fn list(changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(|c| format!("{} {} → {}", c.field, c.old, c.new))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Keeps `record` (on `old`) for `approvers` instead of saving it: the error the
/// save fails with, or None when the user making the change is an approver.
pub fn hold(
    store: &Store,
    rule: &Rule,
    approvers: &[Target],
    reason: Option<&Template>,
    old: Option<&dyn Record>,
    record: &dyn Record,
    user: &str,
) -> Result<Option<StoreError>> {
    let def = record.def();
    let users = people::users(store, approvers, record, user)?;
    let key = record.key().to_string();
    if users.is_empty() {
        return Ok(Some(StoreError::invalid(
            def.name,
            &key,
            "",
            "",
            format!(
                "rule {} holds this change for approval, but its approvers name nobody with an OS user; nothing was saved — an admin fixes the rule or the salesperson records",
                rule.key
            ),
        )));
    }
    if users.iter().any(|u| u == user) {
        return Ok(None);
    }
    let base_rev = match old {
        Some(_) => store.get_rev(def, &key)?.map_or(0, |(r, _)| r),
        None => 0,
    };
    let ctx = RenderCtx {
        user,
        rule: &rule.key,
    };
    let reason = reason
        .map(|t| t.render(Some(record), old, &ctx))
        .unwrap_or_else(|| rule.description.clone());
    let changes = diff_records(def, old, Some(record));
    let approval = store.put_approval(Approval {
        id: 0,
        rule: rule.key.clone(),
        at_ms: chrono::Utc::now().timestamp_millis(),
        requester: user.to_string(),
        approvers: users.clone(),
        entity: def.name.to_string(),
        key: key.clone(),
        base_rev,
        proposed: codec::Bytes((codec_for(def).encode)(record)),
        changes: changes.clone(),
        reason: reason.clone(),
        state: ApprovalState::Pending,
    })?;
    for u in &users {
        store.post_message(Message {
            id: 0,
            to: u.clone(),
            at_ms: 0,
            rule: rule.key.clone(),
            entity: def.name.to_string(),
            key: key.clone(),
            text: format!("{user} asks for approval: {} ({reason})", list(&changes)),
            read: false,
            approval: Some(approval.id),
        })?;
        posted(u);
    }
    let _ = store.log_fired(crate::store::events::Fired {
        id: 0,
        at_ms: 0,
        rule: rule.key.clone(),
        entity: def.name.to_string(),
        key: shown_key(&key).to_string(),
        trigger: if old.is_some() { "updated" } else { "created" }.into(),
        user: user.to_string(),
        actions: vec![format!(
            "held for approval by {} (approval {})",
            users.join(", "),
            approval.id
        )],
        error: None,
        cut: false,
    });
    Ok(Some(StoreError::Held {
        approval: approval.id,
        message: format!(
            "{} {}: held for approval by {} (approval {}, rule {}: {reason}); nothing is saved until it is approved — the answer comes to your inbox",
            def.name,
            shown_key(&key),
            users.join(", "),
            approval.id,
            rule.key
        ),
    }))
}

/// Records the answer `state`, tells the requester `text`, and closes the
/// approvers' messages about it.
fn settle(store: &Store, a: &mut Approval, state: ApprovalState, text: String) -> Result<()> {
    a.state = state;
    store.put_approval(a.clone())?;
    tell(store, a, text)?;
    close(store, a)
}

fn tell(store: &Store, a: &Approval, text: String) -> Result<()> {
    store.post_message(Message {
        id: 0,
        to: a.requester.clone(),
        at_ms: 0,
        rule: a.rule.clone(),
        entity: a.entity.clone(),
        key: a.key.clone(),
        text,
        read: false,
        approval: Some(a.id),
    })?;
    posted(&a.requester);
    Ok(())
}

/// The approvers' messages about `a` are done with once it is answered.
fn close(store: &Store, a: &Approval) -> Result<()> {
    for u in &a.approvers {
        let ids: Vec<u64> = store
            .inbox(u, true, usize::MAX)?
            .into_iter()
            .filter(|m| m.approval == Some(a.id))
            .map(|m| m.id)
            .collect();
        if !ids.is_empty() {
            store.mark_read(u, &ids)?;
            posted(u);
        }
    }
    Ok(())
}

/// Answers approval `id` as `user` (an admin may answer any).
pub fn answer(
    store: &Store,
    user: &str,
    admin: bool,
    id: u64,
    approve: bool,
    reason: &str,
) -> Result<String> {
    let Some(mut a) = store.approval(id)? else {
        return Err(StoreError::Refused(format!(
            "approval {id} does not exist; `crm inbox` lists yours"
        )));
    };
    let what = format!("{} {}", a.entity, shown_key(&a.key));
    if a.state != ApprovalState::Pending {
        return Err(StoreError::Refused(format!(
            "approval {id} ({what}) was answered already: {}",
            a.state.name()
        )));
    }
    if !admin && !a.approvers.iter().any(|u| u == user) {
        return Err(StoreError::Refused(format!(
            "approval {id} ({what}) is for {} to answer, not {user}",
            a.approvers.join(", ")
        )));
    }
    let at_ms = chrono::Utc::now().timestamp_millis();
    if !approve {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Refused(format!(
                "a rejection needs a reason, for {}: say why (nothing was changed)",
                a.requester
            )));
        }
        let state = ApprovalState::Rejected {
            by: user.to_string(),
            at_ms,
            reason: reason.to_string(),
        };
        let text = format!("{user} rejected your change of {what}: {reason}; it was not saved");
        settle(store, &mut a, state, text)?;
        return Ok(format!("rejected: {what}; {} is told", a.requester));
    }
    let def = model::entity(&a.entity).ok_or_else(|| {
        StoreError::Refused(format!("approval {id}: unknown entity {}", a.entity))
    })?;
    let record = (codec_for(def).decode)(&a.proposed.0).map_err(|m| StoreError::Corrupt {
        entity: "approval".into(),
        key: id.to_string(),
        message: m,
    })?;
    let current = if a.key.is_empty() {
        None
    } else {
        store.get_rev(def, &a.key)?
    };
    let stale = match (&current, a.base_rev) {
        (None, 0) => false,
        (Some((rev, _)), base) => *rev != base,
        (None, _) => true,
    };
    if stale {
        let now = current
            .as_ref()
            .map_or("deleted".to_string(), |(r, _)| format!("at revision {r}"));
        let state = ApprovalState::Stale {
            by: user.to_string(),
            at_ms,
        };
        let text = format!(
            "{user} approved your change of {what}, but the record changed since you made it (revision {}, now {now}); it was not saved — make it again",
            a.base_rev
        );
        settle(store, &mut a, state, text)?;
        return Ok(format!(
            "not applied: {what} changed since the request (now {now}); {} is told",
            a.requester
        ));
    }
    let old = current.map(|(_, r)| r);
    let key = approving(|| crate::ops::save::save(store, old.as_deref(), record))?;
    a.key = key.clone();
    let state = ApprovalState::Approved {
        by: user.to_string(),
        at_ms,
    };
    let text = format!(
        "{user} approved your change of {} {key}; it is saved",
        a.entity
    );
    settle(store, &mut a, state, text)?;
    Ok(format!(
        "approved and saved: {} {key}; {} is told",
        a.entity, a.requester
    ))
}
