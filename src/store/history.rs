//! History: every commit is kept as who made it, when, through which workflow or
//! command, and each record's state before and after. Two trees, written in the
//! same transaction as the records:
//!
//! - `hist`: change id (u64, big-endian, rising) → [`Head`]: when, who, how, and
//!   the records it changed. Read backwards, it is the database's log by time.
//! - `hist:rec`: `entity \0 key \0 id` → [`States`]: that record's revision and
//!   stored bytes before the change. A record's history is one prefix read; the
//!   state after a change is the next change's state before, or the record as it
//!   is; the bytes before a deletion bring the record back. A bulk load (demo
//!   data, an import) keeps its heads only: who, when, and the records it made.
//!
//! The actor scope tells the store, on the thread that writes, who is writing and
//! collects what each commit changed: the server turns that into its change feed.

mod read;
mod upkeep;

use std::cell::RefCell;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{codec, index, Result, Store, StoreError};
use crate::model::{self, format_value, EntityDef, FieldKind, Record, Value};

/// Who writes, and through what (a request's name, a command).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    pub via: String,
}

/// What a change did to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Created,
    Updated,
    Deleted,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Created => "created",
            Kind::Updated => "updated",
            Kind::Deleted => "deleted",
        }
    }
}

/// One record a commit changed, and its revision after it (a deletion: the
/// revision deleted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changed {
    pub entity: String,
    pub key: String,
    pub rev: u64,
    pub kind: Kind,
}

/// One commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub id: u64,
    /// The first commit of the request this one belongs to: a workflow of several
    /// commits is undone as one.
    pub group: u64,
    /// Milliseconds since the epoch, UTC.
    pub at_ms: i64,
    pub user: String,
    pub via: String,
    /// The group this change took back, when it is an undo.
    pub undoes: Option<u64>,
    /// A bulk load's commit: its records have no states of their own (each one's
    /// first state is the record as loaded).
    pub bulk: bool,
    pub items: Vec<Changed>,
}

/// A commit's head and the states of each record it names, in the head's order.
pub type Commit = (Head, Vec<States>);

/// One record's states around a change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct States {
    pub kind: Option<Kind>,
    pub rev: u64,
    /// The stored bytes before (none for a creation).
    pub before: Option<codec::Bytes>,
}

/// One field's change, formatted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// One change of one record, as `crm history` and a form's History list show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: u64,
    pub group: u64,
    pub at_ms: i64,
    pub user: String,
    pub via: String,
    pub entity: String,
    pub key: String,
    pub kind: Kind,
    pub rev: u64,
    pub fields: Vec<FieldChange>,
}

/// Which changes a log lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogFilter {
    pub since_ms: Option<i64>,
    pub user: Option<String>,
    pub entity: Option<String>,
    pub limit: Option<usize>,
}

struct ScopeState {
    actor: Actor,
    group: Option<u64>,
    undoes: Option<u64>,
    changed: Vec<Changed>,
    /// Entities of changes beyond `NOTED` (a bulk load's), not listed one by one.
    more: Vec<String>,
    /// The stored bytes before each change of `changed`, when the scope keeps
    /// them (the event rules read old and new record).
    befores: Option<Vec<Option<Vec<u8>>>>,
}

/// Changes a scope lists one by one; beyond, only their entities.
pub const NOTED: usize = 10_000;

thread_local! {
    static SCOPE: RefCell<Option<ScopeState>> = const { RefCell::new(None) };
}

/// What the writes of one scope did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scoped {
    /// The first change id of the scope (none when it wrote nothing).
    pub group: Option<u64>,
    pub changed: Vec<Changed>,
    /// Entities with more changes than were listed (a bulk load's).
    pub more: Vec<String>,
    /// With `scope_with_states`: each listed change's stored bytes before it (a
    /// bulk load's changes have none and are not listed here).
    pub befores: Vec<(Changed, Option<Vec<u8>>)>,
}

/// Runs `f` with `actor` as the writer of every commit it makes on this thread,
/// and returns what they changed.
pub fn scope<R>(actor: Actor, f: impl FnOnce() -> R) -> (R, Scoped) {
    scope_keeping(actor, false, f)
}

/// Like `scope`, and keeps each change's state before it (`Scoped::befores`).
pub fn scope_with_states<R>(actor: Actor, f: impl FnOnce() -> R) -> (R, Scoped) {
    scope_keeping(actor, true, f)
}

fn scope_keeping<R>(actor: Actor, states: bool, f: impl FnOnce() -> R) -> (R, Scoped) {
    let outer = SCOPE.with(|s| {
        s.borrow_mut().replace(ScopeState {
            actor,
            group: None,
            undoes: None,
            changed: Vec::new(),
            more: Vec::new(),
            befores: states.then(Vec::new),
        })
    });
    // Restored even when `f` panics (the server catches panics per request).
    struct Restore(Option<Option<ScopeState>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                SCOPE.with(|s| *s.borrow_mut() = outer);
            }
        }
    }
    let mut restore = Restore(Some(outer));
    let result = f();
    let outer = restore.0.take().unwrap_or(None);
    let state = SCOPE.with(|s| std::mem::replace(&mut *s.borrow_mut(), outer));
    let scoped = state
        .map(|s| Scoped {
            group: s.group,
            befores: match s.befores {
                Some(b) => s.changed.iter().cloned().zip(b).collect(),
                None => Vec::new(),
            },
            changed: s.changed,
            more: s.more,
        })
        .unwrap_or_default();
    (result, scoped)
}

/// Marks the current scope's changes as the undo of `group`.
pub fn mark_undo(group: u64) {
    SCOPE.with(|s| {
        if let Some(s) = s.borrow_mut().as_mut() {
            s.undoes = Some(group);
        }
    });
}

fn process_user() -> String {
    static USER: OnceLock<String> = OnceLock::new();
    USER.get_or_init(|| {
        crate::util::peer::user_name(crate::util::peer::current_uid())
            .unwrap_or_else(|| "unknown".into())
    })
    .clone()
}

/// The "via" of a write made outside any request: the server's own.
pub const SYSTEM: &str = "system";

/// The actor, group and undo mark of the commit about to be made with `id`.
fn current(id: u64) -> (Actor, u64, Option<u64>) {
    SCOPE.with(|s| match s.borrow_mut().as_mut() {
        Some(state) => {
            let group = *state.group.get_or_insert(id);
            (state.actor.clone(), group, state.undoes)
        }
        None => (
            Actor {
                user: process_user(),
                via: SYSTEM.into(),
            },
            id,
            None,
        ),
    })
}

/// Whether the current scope keeps the states before its changes.
fn wants_states() -> bool {
    SCOPE.with(|s| s.borrow().as_ref().is_some_and(|s| s.befores.is_some()))
}

fn note(changed: &[Changed], befores: Vec<Option<Vec<u8>>>) {
    let mut befores = befores.into_iter();
    SCOPE.with(|s| {
        if let Some(state) = s.borrow_mut().as_mut() {
            for c in changed {
                let before = befores.next();
                if state.changed.len() < NOTED {
                    if let (Some(b), Some(before)) = (state.befores.as_mut(), before) {
                        b.push(before);
                    }
                    state.changed.push(c.clone());
                } else if !state.more.contains(&c.entity) {
                    state.more.push(c.entity.clone());
                }
            }
        }
    });
}

/// One record's part in a commit about to be made.
pub(super) struct Item {
    pub def: &'static EntityDef,
    pub key: String,
    pub kind: Kind,
    pub rev: u64,
    pub before: Option<Vec<u8>>,
}

/// What a commit writes into the history trees.
pub(super) struct Plan {
    pub head_key: [u8; 8],
    /// Empty when the store keeps no history.
    pub head: Vec<u8>,
    pub recs: Vec<(Vec<u8>, Vec<u8>)>,
    pub changed: Vec<Changed>,
    /// The bytes before each change, when the scope keeps them (else empty).
    pub befores: Vec<Option<Vec<u8>>>,
}

impl Plan {
    /// Tells the scope and the store's watches what the commit changed, once it
    /// has committed.
    pub fn committed(self, store: &Store) {
        store.watches.committed(&self.changed);
        note(&self.changed, self.befores);
    }
}

pub(super) fn rec_key(entity: &str, key: &str, id: u64) -> Vec<u8> {
    let mut k = index::prefix(&[entity, key]);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn corrupt(what: &str, message: String) -> StoreError {
    StoreError::Corrupt {
        entity: "history".into(),
        key: what.to_string(),
        message,
    }
}

impl Store {
    /// The history entries a commit of `items` writes, under a new change id; a
    /// bulk load's, its head alone.
    pub(super) fn plan_history(&self, items: Vec<Item>) -> Plan {
        self.plan(items, false)
    }

    pub(super) fn plan_bulk_history(&self, items: Vec<Item>) -> Plan {
        self.plan(items, true)
    }

    fn plan(&self, items: Vec<Item>, bulk: bool) -> Plan {
        let id = self
            .next_change
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let (actor, group, undoes) = current(id);
        let changed: Vec<Changed> = items
            .iter()
            .map(|i| Changed {
                entity: i.def.name.to_string(),
                key: i.key.clone(),
                rev: i.rev,
                kind: i.kind,
            })
            .collect();
        let befores = if !bulk && wants_states() {
            items.iter().map(|i| i.before.clone()).collect()
        } else {
            Vec::new()
        };
        if !self.keep_history {
            return Plan {
                head_key: id.to_be_bytes(),
                head: Vec::new(),
                recs: Vec::new(),
                changed,
                befores,
            };
        }
        let recs = if bulk {
            Vec::new()
        } else {
            items
                .into_iter()
                .map(|i| {
                    let states = States {
                        kind: Some(i.kind),
                        rev: i.rev,
                        before: i.before.map(codec::Bytes),
                    };
                    (rec_key(i.def.name, &i.key, id), codec::encode(&states))
                })
                .collect()
        };
        let head = Head {
            id,
            group,
            at_ms: now_ms(),
            user: actor.user,
            via: actor.via,
            undoes,
            bulk,
            items: changed.clone(),
        };
        Plan {
            head_key: id.to_be_bytes(),
            head: codec::encode(&head),
            recs,
            changed,
            befores,
        }
    }

    /// The revision a record newly stored under `key` gets: one past the last its
    /// history knows (a key deleted and used again never repeats a revision).
    pub(super) fn next_rev_of_new(&self, def: &EntityDef, key: &str) -> Result<u64> {
        let prefix = index::prefix(&[def.name, key]);
        match self.hist_rec.scan_prefix(&prefix).next_back() {
            Some(kv) => {
                let (_, v) = kv?;
                let states: States =
                    codec::decode(&v).map_err(|m| corrupt(&format!("{} {key}", def.name), m))?;
                Ok(states.rev + 1)
            }
            None => Ok(1),
        }
    }

    /// A record with its revision.
    pub fn get_rev(&self, def: &EntityDef, key: &str) -> Result<Option<(u64, Box<dyn Record>)>> {
        match self.tree(def).0.get(key.as_bytes())? {
            Some(bytes) => Ok(Some((
                codec::rev_of(&bytes),
                self.decode(def, key.as_bytes(), &bytes)?,
            ))),
            None => Ok(None),
        }
    }

    /// The last change id used (0 for none).
    pub(super) fn last_change_id(hist: &sled::Tree) -> Result<u64> {
        Ok(hist.last()?.map(|(k, _)| id_of_head_key(&k)).unwrap_or(0))
    }
}

fn id_of_rec_key(k: &[u8]) -> u64 {
    k.len()
        .checked_sub(8)
        .and_then(|at| k[at..].try_into().ok())
        .map(u64::from_be_bytes)
        .unwrap_or(0)
}

fn id_of_head_key(k: &[u8]) -> u64 {
    k.try_into().map(u64::from_be_bytes).unwrap_or(0)
}

/// The fields that differ between two stored states, formatted.
pub fn diff(def: &EntityDef, before: Option<&[u8]>, after: Option<&[u8]>) -> Vec<FieldChange> {
    let codec = codec::codec_for(def);
    let decode = |b: Option<&[u8]>| b.and_then(|b| (codec.decode)(b).ok());
    let (old, new) = (decode(before), decode(after));
    diff_records(def, old.as_deref(), new.as_deref())
}

/// The fields that differ between two records (either may be absent), formatted.
pub fn diff_records(
    def: &EntityDef,
    old: Option<&dyn Record>,
    new: Option<&dyn Record>,
) -> Vec<FieldChange> {
    let value = |r: Option<&dyn Record>, i: usize| r.map(|r| r.get(i)).unwrap_or(Value::Empty);
    def.fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let (a, b) = (value(old, i), value(new, i));
            (a != b && !(a.is_empty() && b.is_empty())).then(|| FieldChange {
                field: f.name.to_string(),
                old: shown(&f.kind, &a),
                new: shown(&f.kind, &b),
            })
        })
        .collect()
}

fn shown(kind: &FieldKind, v: &Value) -> String {
    if v.is_empty() {
        String::new()
    } else {
        format_value(kind, v)
    }
}

#[cfg(test)]
mod tests;
