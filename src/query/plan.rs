//! The planner: which records a predicate has to see. A predicate that pins a
//! territory, a sales team, a reverse-indexed reference, a key or a `has:` set reads
//! those keys and looks up only their records; anything else scans the entity once,
//! skipping without decoding every record whose key already decides it.

use std::collections::BTreeSet;

use super::compile::{Pred, Test};
use super::Compiled;
use crate::model::{self, FieldKind};
use crate::store::index::is_reverse_indexed;
use crate::store::{Result, Store};

/// How a query reads its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Look up these keys (from indexes), then test each record.
    Keys(BTreeSet<String>),
    /// Read the whole entity once.
    Scan,
}

/// The records of `compiled`'s entity that match, in key order; at most `limit`.
pub fn select(
    compiled: &Compiled,
    limit: Option<usize>,
) -> Result<Vec<Box<dyn crate::model::Record>>> {
    let limit = limit.unwrap_or(usize::MAX);
    let mut out = Vec::new();
    if limit == 0 {
        return Ok(out);
    }
    for_each(compiled, |r| {
        out.push(r);
        Ok(out.len() < limit)
    })?;
    Ok(out)
}

/// Hands each matching record to `f` in key order, holding one at a time (a
/// report over every record never holds them all); `f` returns false to stop.
pub fn for_each(
    compiled: &Compiled,
    mut f: impl FnMut(Box<dyn crate::model::Record>) -> Result<bool>,
) -> Result<()> {
    let store = compiled.store;
    let def = compiled.def;
    let pred = &compiled.pred;
    match access(store, def, pred)? {
        Access::Keys(keys) => {
            for key in keys {
                if pred.on_key(&key) == Some(false) {
                    continue;
                }
                // An index entry whose record is gone (a crash mid bulk load) is skipped.
                let Some(r) = store.get(def, &key)? else {
                    continue;
                };
                if compiled.matches(r.as_ref())? && !f(r)? {
                    break;
                }
            }
        }
        Access::Scan => {
            for r in store.scan_where(def, |key| pred.on_key(key) != Some(false)) {
                let r = r?;
                if compiled.matches(r.as_ref())? && !f(r)? {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// The access path for `pred` over `def`'s records.
pub fn access(store: &Store, def: &'static model::EntityDef, pred: &Pred) -> Result<Access> {
    Ok(match candidates(store, def, pred)? {
        Some(keys) => Access::Keys(keys),
        None => Access::Scan,
    })
}

/// A superset of the keys that can match, when indexes give one.
fn candidates(
    store: &Store,
    def: &'static model::EntityDef,
    pred: &Pred,
) -> Result<Option<BTreeSet<String>>> {
    Ok(match pred {
        Pred::Key(Test::Code(code)) => Some(BTreeSet::from([code.to_uppercase()])),
        Pred::KeyIn(keys) => Some(keys.iter().cloned().collect()),
        Pred::Field(i, Test::Code(code)) => match def.fields[*i].kind {
            FieldKind::Ref(target) | FieldKind::RefList(target)
                if target == "territory"
                    || target == "sales_team"
                    || is_reverse_indexed(target) =>
            {
                let Some(target_def) = model::entity(target) else {
                    return Ok(None);
                };
                Some(
                    store
                        .keys_naming(target_def, code, def)?
                        .into_iter()
                        .collect(),
                )
            }
            _ => None,
        },
        Pred::And(parts) => {
            // The smallest pinned set among the conjuncts: every match lies in each.
            let mut best: Option<BTreeSet<String>> = None;
            for p in parts {
                if let Some(keys) = candidates(store, def, p)? {
                    if best.as_ref().is_none_or(|b| keys.len() < b.len()) {
                        best = Some(keys);
                    }
                }
            }
            best
        }
        Pred::Or(parts) if !parts.is_empty() => {
            let mut all = BTreeSet::new();
            for p in parts {
                match candidates(store, def, p)? {
                    Some(keys) => all.extend(keys),
                    None => return Ok(None),
                }
            }
            Some(all)
        }
        _ => None,
    })
}
