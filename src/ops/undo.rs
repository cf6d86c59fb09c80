//! Undo and restore: a user's last change taken back as one (a save, a delete, a
//! whole workflow such as a conversion), and a deleted record brought back from its
//! history. Both write through the store's multi-record path, so indexes and the
//! history follow like for any other write.

use std::collections::HashMap;

use chrono::TimeZone;
use serde::{Deserialize, Serialize};

use crate::model::{self, EntityDef};
use crate::store::history::{mark_undo, Kind};
use crate::store::{codec, Change, Result, Store, StoreError};

/// What an undo took back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undone {
    /// The change taken back: its workflow or command, and when.
    pub via: String,
    pub at_ms: i64,
    /// (entity, key, what the undo did to it)
    pub records: Vec<(String, String, Kind)>,
}

/// A time as the user's clock shows it.
pub fn local_time(at_ms: i64) -> String {
    match chrono::Local.timestamp_millis_opt(at_ms) {
        chrono::LocalResult::Single(t) => {
            let today = chrono::Local::now().date_naive();
            if t.date_naive() == today {
                t.format("%H:%M").to_string()
            } else {
                t.format("%Y-%m-%d %H:%M").to_string()
            }
        }
        _ => "?".into(),
    }
}

/// Who last changed a record, and when: "bob at 10:42 (Save)".
pub fn last_changed_by(store: &Store, def: &EntityDef, key: &str) -> Result<String> {
    Ok(match store.last_change(def, key)? {
        Some((head, _)) => {
            let via = if head.via.is_empty() {
                String::new()
            } else {
                format!(" ({})", head.via)
            };
            format!("{} at {}{via}", head.user, local_time(head.at_ms))
        }
        None => "someone".into(),
    })
}

fn def_of(name: &str) -> Result<&'static EntityDef> {
    model::entity(name)
        .ok_or_else(|| StoreError::Refused(format!("unknown entity {name} in the history")))
}

/// Takes back `user`'s last change that is not undone yet, if nobody changed
/// those records since; otherwise says who did and changes nothing.
pub fn undo(store: &Store, user: &str) -> Result<Undone> {
    let Some(commits) = store.last_undoable(user)? else {
        return Err(StoreError::Refused(format!(
            "nothing to undo: {user} has no change left to take back"
        )));
    };
    let group = commits[0].0.group;
    let (via, at_ms) = (commits[0].0.via.clone(), commits[0].0.at_ms);
    if via == "Import" {
        return Err(StoreError::Refused(format!(
            "your last change is an import ({}); `crm import --list` shows its batch and `crm import --revert BATCH` takes it back — nothing was undone",
            local_time(at_ms)
        )));
    }
    if commits.iter().any(|(head, _)| head.bulk) {
        let n: usize = commits.iter().map(|(h, _)| h.items.len()).sum();
        return Err(StoreError::Refused(format!(
            "your last change is a bulk load ({via} of {}, {n} records); undo takes back saves, deletes and workflows, not bulk loads — nothing was undone",
            local_time(at_ms)
        )));
    }
    // Per record: its state before the change's first commit and its revision
    // after the last.
    let mut order: Vec<(String, String)> = Vec::new();
    type Id = (String, String);
    let mut first: HashMap<Id, (Kind, Option<codec::Bytes>)> = HashMap::new();
    let mut last: HashMap<Id, (Kind, u64, u64)> = HashMap::new();
    for (head, states) in &commits {
        for (item, st) in head.items.iter().zip(states) {
            let id = (item.entity.clone(), item.key.clone());
            if !first.contains_key(&id) {
                order.push(id.clone());
                first.insert(id.clone(), (item.kind, st.before.clone()));
            }
            last.insert(id, (item.kind, item.rev, head.id));
        }
    }
    let mut changes = Vec::new();
    let mut records = Vec::new();
    for id in &order {
        let def = def_of(&id.0)?;
        let (last_kind, last_rev, last_id) = &last[id];
        let current = store.get_rev(def, &id.1)?;
        // A record changed since and changed back (someone's own undo) is as the
        // change left it: the next change's state before is the state it left.
        let as_left = |now: &dyn crate::model::Record| -> bool {
            let Ok(changes) = store.record_changes(def, &id.1) else {
                return false;
            };
            changes
                .iter()
                .find(|(cid, _)| cid > last_id)
                .and_then(|(_, st)| st.before.as_deref())
                .and_then(|b| (codec::codec_for(def).decode)(b).ok())
                .is_some_and(|then| then.eq_record(now))
        };
        let moved_on = match (&current, last_kind) {
            (None, Kind::Deleted) => false,
            (Some(_), Kind::Deleted) | (None, _) => true,
            (Some((rev, now)), _) => *rev != *last_rev && !as_left(now.as_ref()),
        };
        if moved_on {
            let what = if current.is_none() {
                "deleted"
            } else {
                "changed"
            };
            return Err(StoreError::Refused(format!(
                "cannot undo your {via} of {}: {} {} was {what} since by {}; nothing was undone",
                local_time(at_ms),
                def.name,
                id.1,
                last_changed_by(store, def, &id.1)?
            )));
        }
        let (first_kind, before) = &first[id];
        match (first_kind, before) {
            (Kind::Created, _) | (_, None) => {
                if current.is_some() {
                    changes.push(Change::Delete(def, id.1.clone()));
                    records.push((id.0.clone(), id.1.clone(), Kind::Deleted));
                }
            }
            (_, Some(bytes)) => {
                let record = (codec::codec_for(def).decode)(bytes).map_err(|message| {
                    StoreError::Corrupt {
                        entity: def.name.to_string(),
                        key: id.1.clone(),
                        message,
                    }
                })?;
                if current.is_some() {
                    changes.push(Change::Update(record));
                    records.push((id.0.clone(), id.1.clone(), Kind::Updated));
                } else {
                    changes.push(Change::Insert(record));
                    records.push((id.0.clone(), id.1.clone(), Kind::Created));
                }
            }
        }
    }
    if changes.is_empty() {
        return Err(StoreError::Refused(format!(
            "nothing to undo: your {via} of {} left nothing to take back",
            local_time(at_ms)
        )));
    }
    mark_undo(group);
    store.apply(changes)?;
    Ok(Undone {
        via,
        at_ms,
        records,
    })
}

/// Brings a deleted record back as it was before its deletion; returns its key.
pub fn restore(store: &Store, def: &'static EntityDef, key: &str) -> Result<String> {
    let key = key.trim().to_uppercase();
    if store.contains(def, &key)? {
        return Err(StoreError::Refused(format!(
            "{} {key} exists; only a deleted record can be restored (`crm history {} {key}` lists its changes, `crm undo` takes back your last one)",
            def.name, def.name
        )));
    }
    let Some((head, states)) = store.last_change(def, &key)? else {
        let suggestion = store.suggest_key(def, &key);
        return Err(StoreError::Refused(format!(
            "{} {key} has no history to restore it from{suggestion}",
            def.name
        )));
    };
    let (Some(Kind::Deleted), Some(bytes)) = (states.kind, states.before) else {
        return Err(StoreError::Refused(format!(
            "{} {key} was not deleted (its last change: {} by {})",
            def.name,
            states.kind.map_or("created", Kind::name),
            head.user
        )));
    };
    let record = (codec::codec_for(def).decode)(&bytes).map_err(|message| StoreError::Corrupt {
        entity: def.name.to_string(),
        key: key.clone(),
        message,
    })?;
    let keys = store.apply(vec![Change::Insert(record)])?;
    Ok(keys.into_iter().next().unwrap_or(key))
}
