//! Saving a record made on a revision: written plainly while the record is still
//! at it; otherwise merged by field with what changed since, or refused with the
//! conflicting fields, never written blindly.

use super::usage;
use crate::api::wire::{Base, Rec, SaveReport};
use crate::api::{ApiError, ConflictField, ErrorKind, Result};
use crate::model::{self, EntityDef, Record};
use crate::ops;
use crate::store::Store;

/// A record that must exist and its revision, read together.
pub(super) fn fetch_rev(
    store: &Store,
    def: &'static EntityDef,
    key: &str,
) -> Result<(u64, Box<dyn Record>)> {
    let key = key.trim().to_uppercase();
    match store.get_rev(def, &key)? {
        Some(found) => Ok(found),
        // Through fetch: NotFound with a did-you-mean.
        None => Err(store.fetch(def, &key).err().map_or_else(
            || {
                ApiError::new(
                    ErrorKind::NotFound,
                    format!("{} {key} does not exist", def.name),
                )
            },
            ApiError::from,
        )),
    }
}

/// Changes a form's History list shows.
pub(super) const FORM_HISTORY: usize = 50;

/// Saves `record`; with a base, a record changed since the base is merged by
/// field, or refused with the conflicting fields, never written blindly.
pub(super) fn save_at(
    store: &Store,
    record: Box<dyn Record>,
    new: bool,
    base: Option<Base>,
) -> Result<SaveReport> {
    let def = record.def();
    let report = |key: String, merged: Vec<String>, merged_from: String| -> Result<SaveReport> {
        let rev = store.get_rev(def, &key)?.map_or(0, |(r, _)| r);
        Ok(SaveReport {
            key,
            rev,
            merged,
            merged_from,
        })
    };
    if new {
        let key = ops::save::save(store, None, record)?;
        return report(key, Vec::new(), String::new());
    }
    let key = record.key().trim().to_uppercase();
    let Some((rev, current)) = store.get_rev(def, &key)? else {
        if base.is_some() && store.has_history(def, &key)? {
            let by = ops::undo::last_changed_by(store, def, &key)?;
            return Err(ApiError::new(
                ErrorKind::Gone,
                format!(
                    "{} {key} was deleted by {by}; nothing was saved — save it as new to keep your version",
                    def.name
                ),
            ));
        }
        // Through fetch: NotFound with a did-you-mean.
        store.fetch(def, &key)?;
        unreachable!("fetch of a missing record fails");
    };
    // A save that changes nothing writes nothing (no empty revision in the history).
    let plain = base
        .as_ref()
        .is_none_or(|b| b.rev == rev || (b.rev < rev && b.original.is_some()));
    if plain && record.eq_record(current.as_ref()) {
        return report(key, Vec::new(), String::new());
    }
    let Some(base) = base else {
        let k = ops::save::save(store, Some(current.as_ref()), record)?;
        return report(k, Vec::new(), String::new());
    };
    if base.rev > rev {
        return Err(usage(format!(
            "{} {key}: revision {} is ahead of the record, which is at revision {rev}; nothing was saved",
            def.name, base.rev
        )));
    }
    if base.rev == rev {
        let k = ops::save::save(store, Some(current.as_ref()), record)?;
        return report(k, Vec::new(), String::new());
    }
    let by = ops::undo::last_changed_by(store, def, &key)?;
    let Some(Rec(original)) = base.original else {
        return Err(ApiError::new(
            ErrorKind::Stale { base: base.rev, rev },
            format!(
                "{} {key} changed since revision {}: it is at revision {rev}, last changed by {by}; nothing was saved (`crm history {} {key}` shows what changed)",
                def.name, base.rev, def.name
            ),
        ));
    };
    let mut mine = Vec::new();
    let mut conflicts = Vec::new();
    let mut theirs = Vec::new();
    for (i, f) in def.fields.iter().enumerate() {
        let (o, m, t) = (original.get(i), record.get(i), current.get(i));
        let changed_mine = m != o;
        let changed_theirs = t != o;
        if changed_theirs {
            theirs.push(f.name.to_string());
        }
        if changed_mine && changed_theirs && m != t {
            let shown = |v: &model::Value| model::format_value(&f.kind, v);
            conflicts.push(ConflictField {
                field: f.name.to_string(),
                base: shown(&o),
                mine: shown(&m),
                theirs: shown(&t),
                by: by.clone(),
            });
        } else if changed_mine && !changed_theirs {
            mine.push(i);
        }
    }
    if !conflicts.is_empty() {
        let list = conflicts
            .iter()
            .map(|c| format!("{}: yours '{}', theirs '{}'", c.field, c.mine, c.theirs))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ApiError::new(
            ErrorKind::Conflict {
                rev,
                fields: conflicts,
            },
            format!(
                "{} {key} was changed by {by} in the fields you changed ({list}); nothing was saved — choose for each: keep yours or take theirs",
                def.name
            ),
        ));
    }
    let mut merged = current.clone();
    for &i in &mine {
        merged
            .set(i, record.get(i))
            .map_err(|e| usage(format!("{} {key}: {e}", def.name)))?;
    }
    if mine.is_empty() || merged.eq_record(current.as_ref()) {
        // Theirs already holds everything this save changed.
        return report(key, Vec::new(), String::new());
    }
    let k = ops::save::save(store, Some(current.as_ref()), merged)?;
    // Their fields kept: those this save left alone and its rules did not change.
    let stored = store.get(def, &k)?;
    theirs.retain(|f| {
        def.field_index(f).is_some_and(|i| {
            record.get(i) == original.get(i)
                && stored.as_ref().is_some_and(|s| s.get(i) == current.get(i))
        })
    });
    report(k, theirs, by)
}
