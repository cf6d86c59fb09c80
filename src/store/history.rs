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
    #[serde(with = "byte_run")]
    pub before: Option<Vec<u8>>,
}

/// Bytes written as one run rather than element by element.
mod byte_run {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&serde_bytes_ref(b)),
            None => s.serialize_none(),
        }
    }

    struct Run<'a>(&'a [u8]);
    impl serde::Serialize for Run<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }
    fn serde_bytes_ref(b: &[u8]) -> Run<'_> {
        Run(b)
    }

    struct Owned(Vec<u8>);
    impl<'de> Deserialize<'de> for Owned {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Owned, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Owned;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Owned, E> {
                    Ok(Owned(v.to_vec()))
                }
                fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Owned, E> {
                    Ok(Owned(v))
                }
            }
            d.deserialize_byte_buf(V)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Ok(Option::<Owned>::deserialize(d)?.map(|o| o.0))
    }
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
}

/// Runs `f` with `actor` as the writer of every commit it makes on this thread,
/// and returns what they changed.
pub fn scope<R>(actor: Actor, f: impl FnOnce() -> R) -> (R, Scoped) {
    let outer = SCOPE.with(|s| {
        s.borrow_mut().replace(ScopeState {
            actor,
            group: None,
            undoes: None,
            changed: Vec::new(),
            more: Vec::new(),
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
                via: "system".into(),
            },
            id,
            None,
        ),
    })
}

fn note(changed: &[Changed]) {
    SCOPE.with(|s| {
        if let Some(state) = s.borrow_mut().as_mut() {
            for c in changed {
                if state.changed.len() < NOTED {
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
}

impl Plan {
    /// Tells the scope what the commit changed, once it has committed.
    pub fn committed(self) {
        note(&self.changed);
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
        if !self.keep_history {
            return Plan {
                head_key: id.to_be_bytes(),
                head: Vec::new(),
                recs: Vec::new(),
                changed,
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
                        before: i.before,
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

    /// The head of change `id`.
    pub fn change_head(&self, id: u64) -> Result<Option<Head>> {
        match self.hist.get(id.to_be_bytes())? {
            Some(v) => Ok(Some(
                codec::decode(&v).map_err(|m| corrupt(&format!("change {id}"), m))?,
            )),
            None => Ok(None),
        }
    }

    /// Every recorded change of one record, oldest first, with its states.
    pub fn record_changes(&self, def: &EntityDef, key: &str) -> Result<Vec<(u64, States)>> {
        let prefix = index::prefix(&[def.name, key]);
        let mut out = Vec::new();
        for kv in self.hist_rec.scan_prefix(&prefix) {
            let (k, v) = kv?;
            let id = id_of_rec_key(&k);
            let states: States = codec::decode(&v)
                .map_err(|m| corrupt(&format!("{} {key} change {id}", def.name), m))?;
            out.push((id, states));
        }
        Ok(out)
    }

    /// Whether any change of this record is recorded.
    pub fn has_history(&self, def: &EntityDef, key: &str) -> Result<bool> {
        Ok(self
            .hist_rec
            .scan_prefix(index::prefix(&[def.name, key]))
            .next()
            .is_some())
    }

    /// One record's history as a user reads it, newest first (`limit` at most).
    pub fn history(&self, def: &EntityDef, key: &str, limit: Option<usize>) -> Result<Vec<Entry>> {
        let changes = self.record_changes(def, key)?;
        let mut out = Vec::with_capacity(changes.len().min(limit.unwrap_or(usize::MAX)));
        // A change's state after is the next change's state before, or the record
        // as it is now.
        let current = self.tree(def).0.get(key.as_bytes())?.map(|v| v.to_vec());
        let mut later_before: Option<Vec<u8>> = current;
        for (id, states) in changes.into_iter().rev() {
            if limit.is_some_and(|l| out.len() >= l) {
                break;
            }
            let head = self.change_head(id)?.unwrap_or(Head {
                id,
                group: id,
                at_ms: 0,
                user: "?".into(),
                via: String::new(),
                undoes: None,
                bulk: false,
                items: Vec::new(),
            });
            let kind = states.kind.unwrap_or(Kind::Created);
            let after = match kind {
                Kind::Deleted => None,
                _ => later_before.clone(),
            };
            let fields = diff(def, states.before.as_deref(), after.as_deref());
            later_before = states.before.clone();
            out.push(Entry {
                id,
                group: head.group,
                at_ms: head.at_ms,
                user: head.user,
                via: if head.undoes.is_some() && head.via.is_empty() {
                    "undo".into()
                } else {
                    head.via
                },
                entity: def.name.to_string(),
                key: key.to_string(),
                kind,
                rev: states.rev,
                fields,
            });
        }
        Ok(out)
    }

    /// Changes across the database, newest first.
    pub fn log(&self, filter: &LogFilter) -> Result<Vec<Head>> {
        let mut out = Vec::new();
        let limit = filter.limit.unwrap_or(usize::MAX);
        for kv in self.hist.iter().rev() {
            let (k, v) = kv?;
            let head: Head = codec::decode(&v)
                .map_err(|m| corrupt(&format!("change {}", id_of_head_key(&k)), m))?;
            if filter.since_ms.is_some_and(|s| head.at_ms < s) {
                break;
            }
            if filter.user.as_ref().is_some_and(|u| *u != head.user) {
                continue;
            }
            let mut head = head;
            if let Some(e) = &filter.entity {
                head.items.retain(|i| i.entity == *e);
                if head.items.is_empty() {
                    continue;
                }
            }
            out.push(head);
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// The commits of `user`'s last change that is not undone and not itself an
    /// undo, oldest first, with each record's states.
    pub fn last_undoable(&self, user: &str) -> Result<Option<Vec<Commit>>> {
        let mut undone = std::collections::HashSet::new();
        let mut group: Option<u64> = None;
        let mut heads: Vec<Head> = Vec::new();
        for kv in self.hist.iter().rev() {
            let (k, v) = kv?;
            let head: Head = codec::decode(&v)
                .map_err(|m| corrupt(&format!("change {}", id_of_head_key(&k)), m))?;
            match group {
                Some(g) => {
                    let first = head.id <= g;
                    if head.group == g {
                        heads.push(head);
                    }
                    if first {
                        break;
                    }
                }
                None => {
                    if let Some(u) = head.undoes {
                        undone.insert(u);
                        continue;
                    }
                    if head.user != user || undone.contains(&head.group) {
                        continue;
                    }
                    group = Some(head.group);
                    let at_start = head.id == head.group;
                    heads.push(head);
                    if at_start {
                        break;
                    }
                }
            }
        }
        if heads.is_empty() {
            return Ok(None);
        }
        heads.reverse();
        let mut out = Vec::with_capacity(heads.len());
        for head in heads {
            let mut states = Vec::with_capacity(head.items.len());
            for item in &head.items {
                if head.bulk {
                    // A bulk load's records were new: taking it back removes them.
                    states.push(States {
                        kind: Some(item.kind),
                        rev: item.rev,
                        before: None,
                    });
                    continue;
                }
                let v = self
                    .hist_rec
                    .get(rec_key(&item.entity, &item.key, head.id))?
                    .ok_or_else(|| {
                        corrupt(
                            &format!("{} {}", item.entity, item.key),
                            format!("change {} lacks its record's states", head.id),
                        )
                    })?;
                states.push(codec::decode(&v).map_err(|m| corrupt(&item.key, m))?);
            }
            out.push((head, states));
        }
        Ok(Some(out))
    }

    /// The last change of a record, with its head.
    pub fn last_change(&self, def: &EntityDef, key: &str) -> Result<Option<(Head, States)>> {
        let prefix = index::prefix(&[def.name, key]);
        let Some(kv) = self.hist_rec.scan_prefix(&prefix).next_back() else {
            return Ok(None);
        };
        let (k, v) = kv?;
        let id = id_of_rec_key(&k);
        let states: States = codec::decode(&v).map_err(|m| corrupt(key, m))?;
        Ok(self.change_head(id)?.map(|h| (h, states)))
    }

    /// Removes every change made before `before_ms`; returns how many commits went.
    pub fn prune_history(&self, before_ms: i64) -> Result<usize> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut removed = 0;
        let mut heads = sled::Batch::default();
        let mut recs = sled::Batch::default();
        for kv in self.hist.iter() {
            let (k, v) = kv?;
            let head: Head = codec::decode(&v)
                .map_err(|m| corrupt(&format!("change {}", id_of_head_key(&k)), m))?;
            if head.at_ms >= before_ms {
                break;
            }
            for item in &head.items {
                recs.remove(rec_key(&item.entity, &item.key, head.id));
            }
            heads.remove(k.to_vec());
            removed += 1;
            if removed % 5_000 == 0 {
                // States first: a head never outlives the states it names.
                self.hist_rec.apply_batch(std::mem::take(&mut recs))?;
                self.hist.apply_batch(std::mem::take(&mut heads))?;
            }
        }
        self.hist_rec.apply_batch(recs)?;
        self.hist.apply_batch(heads)?;
        self.flush()?;
        Ok(removed)
    }

    /// Commits and states in the history (counts every key).
    pub fn history_counts(&self) -> (usize, usize, u64) {
        (self.hist.len(), self.hist_rec.len(), 0)
    }

    /// Entries and bytes of the history trees.
    pub fn history_size(&self) -> (usize, usize, u64) {
        let bytes = |t: &sled::Tree| -> u64 {
            t.iter()
                .filter_map(|kv| kv.ok())
                .map(|(k, v)| (k.len() + v.len()) as u64)
                .sum()
        };
        (
            self.hist.len(),
            self.hist_rec.len(),
            bytes(&self.hist) + bytes(&self.hist_rec),
        )
    }

    /// The last change id used (0 for none).
    pub(super) fn last_change_id(hist: &sled::Tree) -> Result<u64> {
        Ok(hist.last()?.map(|(k, _)| id_of_head_key(&k)).unwrap_or(0))
    }

    /// History entries that point at no record and no deletion (`crm check`):
    /// the last recorded change of a record that is not a deletion must leave a
    /// record behind; and every head's records have their states.
    pub(super) fn audit_history(&self, repair: bool) -> Result<Vec<String>> {
        let mut bad = Vec::new();
        // The last change of each record: (its full key, kind, entity, key).
        let mut lasts: Vec<(Vec<u8>, Kind, String, String)> = Vec::new();
        let mut last_prefix: Vec<u8> = Vec::new();
        for kv in self.hist_rec.iter() {
            let (k, v) = kv?;
            let prefix = &k[..k.len().saturating_sub(8)];
            let parts = index::split(prefix);
            let (entity, key) = (
                parts.first().cloned().unwrap_or_default(),
                parts.get(1).cloned().unwrap_or_default(),
            );
            let states: States = match codec::decode(&v) {
                Ok(s) => s,
                Err(m) => {
                    bad.push(format!("history: {entity} {key}: unreadable ({m})"));
                    continue;
                }
            };
            let kind = states.kind.unwrap_or(Kind::Created);
            if prefix == last_prefix.as_slice() {
                if let Some(l) = lasts.last_mut() {
                    *l = (k.to_vec(), kind, entity, key);
                }
            } else {
                last_prefix = prefix.to_vec();
                lasts.push((k.to_vec(), kind, entity, key));
            }
        }
        for (full, kind, entity, key) in lasts {
            if kind == Kind::Deleted {
                continue;
            }
            let exists = match model::entity(&entity) {
                Some(def) => self.contains(def, &key)?,
                None => false,
            };
            if !exists {
                bad.push(format!(
                    "history: {entity} {key} was last {} but does not exist",
                    kind.name()
                ));
                if repair {
                    self.hist_rec.remove(full)?;
                }
            }
        }
        for kv in self.hist.iter() {
            let (k, v) = kv?;
            let Ok(head) = codec::decode::<Head>(&v) else {
                bad.push(format!("history: change {} unreadable", id_of_head_key(&k)));
                continue;
            };
            if head.bulk {
                continue;
            }
            let mut kept = head.clone();
            kept.items.clear();
            for item in &head.items {
                if self
                    .hist_rec
                    .contains_key(rec_key(&item.entity, &item.key, head.id))?
                {
                    kept.items.push(item.clone());
                } else if !repair {
                    bad.push(format!(
                        "history: change {} names {} {} without its states",
                        head.id, item.entity, item.key
                    ));
                }
            }
            // Repair: a head names only the states that are kept.
            if repair && kept.items.len() < head.items.len() {
                if kept.items.is_empty() {
                    self.hist.remove(&k)?;
                } else {
                    self.hist.insert(&k, codec::encode(&kept))?;
                }
            }
        }
        Ok(bad)
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
mod tests {
    use super::*;
    use crate::model::{Competitor, Entity};

    fn competitor(key: &str, name: &str) -> Box<dyn Record> {
        Box::new(Competitor {
            key: key.into(),
            name: name.into(),
            ..Default::default()
        })
    }

    #[test]
    fn every_write_keeps_who_when_how_and_the_fields_old_and_new() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let actor = Actor {
            user: "anja".into(),
            via: "crm add".into(),
        };
        let ((), scoped) = scope(actor, || {
            store.insert(competitor("ACME", "Acme")).unwrap();
            store.update(competitor("ACME", "Acme Werkzeuge")).unwrap();
        });
        assert_eq!(scoped.changed.len(), 2);
        let group = scoped.group.unwrap();
        store.delete(Competitor::DEF, "ACME").unwrap();
        let h = store.history(Competitor::DEF, "ACME", None).unwrap();
        assert_eq!(
            h.iter()
                .map(|e| (e.kind, e.rev, e.user.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (Kind::Deleted, 2, process_user().as_str()),
                (Kind::Updated, 2, "anja"),
                (Kind::Created, 1, "anja")
            ]
        );
        assert_eq!(h[1].group, group);
        assert_eq!(h[2].group, group, "one request's commits are one group");
        assert_eq!(
            h[1].fields,
            vec![FieldChange {
                field: "name".into(),
                old: "Acme".into(),
                new: "Acme Werkzeuge".into()
            }]
        );
        assert!(h[2]
            .fields
            .iter()
            .any(|f| f.field == "name" && f.new == "Acme"));
        assert!(h[0]
            .fields
            .iter()
            .any(|f| f.old == "Acme Werkzeuge" && f.new.is_empty()));
        // A key used again goes on from the last revision.
        store.insert(competitor("ACME", "Acme neu")).unwrap();
        assert_eq!(
            store.get_rev(Competitor::DEF, "ACME").unwrap().unwrap().0,
            3
        );
        let log = store.log(&LogFilter {
            user: Some("anja".into()),
            ..Default::default()
        });
        assert_eq!(log.unwrap().len(), 2);
        assert!(store.audit().unwrap().is_clean());
    }

    #[test]
    fn check_finds_a_change_whose_record_is_gone_and_prune_removes_old_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.insert(competitor("ACME", "Acme")).unwrap();
        store.insert(competitor("BETA", "Beta")).unwrap();
        // The record vanishes behind the history's back (a damaged database).
        store.tree(Competitor::DEF).0.remove("BETA").unwrap();
        store.rebuild_indexes(false).unwrap();
        let report = store.audit().unwrap();
        assert_eq!(report.history.len(), 1, "{report}");
        assert!(report.history[0].contains("competitor BETA"), "{report}");
        assert!(!report.is_clean());
        assert!(store.repair().unwrap().is_clean());

        let (commits, _, _) = store.history_counts();
        let later = now_ms() + 1;
        std::thread::sleep(std::time::Duration::from_millis(5));
        store.update(competitor("ACME", "Acme 2")).unwrap();
        assert_eq!(store.prune_history(later).unwrap(), commits);
        let h = store.history(Competitor::DEF, "ACME", None).unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].rev, 2);
        assert!(store.audit().unwrap().is_clean());
    }
}
