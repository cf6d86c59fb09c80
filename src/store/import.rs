//! An import's write: every record checked before anything is written, then a
//! journal of the batch (what it creates, what it updates and each one's stored
//! bytes before) made durable, then the records in chunks (each written tree by
//! tree: records, indexes, counters, history — an order a crash can be taken back
//! from), then the batch marked done. A crash (kill -9) in between leaves the journal open, and
//! the next open takes the batch's committed chunks back: a file imports whole or
//! not at all. The same journal lets a user take a finished import back.

use serde::{Deserialize, Serialize};

use super::history::{self, Actor};
use super::{codec, Change, Result, Store, StoreError};
use crate::model::{self, Record};

/// Records per transaction of an import.
const CHUNK: usize = 2_000;

/// What the journal keeps of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub id: String,
    pub at_ms: i64,
    pub user: String,
    /// The file it came from, and its format.
    pub source: String,
    pub entity: String,
    pub state: BatchState,
    pub created: usize,
    pub updated: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchState {
    /// Being written (a batch still open at start-up was cut off and is rolled back).
    Open,
    Done,
    /// Taken back by a user, or rolled back after a crash.
    Reverted,
    RolledBack,
}

/// One record an import wrote: the revision it wrote and its bytes before (none:
/// the import created it).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Written {
    entity: String,
    key: String,
    rev: u64,
    before: Option<codec::Bytes>,
}

/// What taking an import back did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reverted {
    pub deleted: usize,
    pub restored: usize,
    /// Records left as they are, each with why.
    pub left: Vec<String>,
}

fn head_key(id: &str) -> Vec<u8> {
    let mut k = id.as_bytes().to_vec();
    k.push(0);
    k
}

fn part_key(id: &str, part: u32) -> Vec<u8> {
    let mut k = head_key(id);
    k.push(1);
    k.extend_from_slice(&part.to_be_bytes());
    k
}

fn corrupt(id: &str, message: String) -> StoreError {
    StoreError::Corrupt {
        entity: "import journal".into(),
        key: id.to_string(),
        message,
    }
}

impl Store {
    /// A new batch id: `IMP` and a sequence number.
    fn next_batch_id(&self) -> Result<String> {
        let n = self
            .seq
            .update_and_fetch(b"import batch", |old| {
                let n = old
                    .and_then(|b| b.try_into().ok())
                    .map(u64::from_be_bytes)
                    .unwrap_or(0);
                Some((n + 1).to_be_bytes().to_vec())
            })?
            .and_then(|b| b.as_ref().try_into().ok())
            .map(u64::from_be_bytes)
            .unwrap_or(1);
        Ok(format!("IMP{n:07}"))
    }

    /// Checks every change, then writes them as one import batch (see the module's
    /// comment); returns the batch id and the keys in the order of the changes.
    /// `progress` hears how many records are written; once `cancelled` says so,
    /// the chunks written are taken back and the import is refused.
    pub fn import(
        &self,
        user: &str,
        source: &str,
        entity: &str,
        changes: Vec<Change>,
        progress: &dyn Fn(usize),
        cancelled: &dyn Fn() -> bool,
    ) -> Result<(String, Vec<String>)> {
        let guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let set = self.plan_changes(changes)?;
        let id = self.next_batch_id()?;
        let written: Vec<Written> = set
            .plans
            .iter()
            .zip(&set.items)
            .map(|(p, item)| Written {
                entity: p.def.name.to_string(),
                key: p.key.clone(),
                rev: item.rev,
                before: item.before.clone().map(codec::Bytes),
            })
            .collect();
        let mut batch = Batch {
            id: id.clone(),
            at_ms: chrono::Utc::now().timestamp_millis(),
            user: user.to_string(),
            source: source.to_string(),
            entity: entity.to_string(),
            state: BatchState::Open,
            created: written.iter().filter(|w| w.before.is_none()).count(),
            updated: written.iter().filter(|w| w.before.is_some()).count(),
        };
        // The journal is on disk before the first record is.
        for (part, chunk) in written.chunks(CHUNK).enumerate() {
            self.imports
                .insert(part_key(&id, part as u32), codec::encode(&chunk))?;
        }
        self.imports.insert(head_key(&id), codec::encode(&batch))?;
        self.flush()?;
        let mut items = set.items;
        let mut done = 0;
        for (i, plans) in set.plans.chunks(CHUNK).enumerate() {
            if cancelled() {
                // Given up (the client went away): what was written goes again
                // (taking back writes through `apply`, which takes the lock).
                drop(guard);
                let _ = self.take_back(&id)?;
                batch.state = BatchState::RolledBack;
                self.imports.insert(head_key(&id), codec::encode(&batch))?;
                self.flush()?;
                return Err(StoreError::Refused(format!(
                    "import {id} was cancelled; nothing changed"
                )));
            }
            let rest = items.split_off(plans.len().min(items.len()));
            let history = self.plan_history(std::mem::replace(&mut items, rest));
            // The counters move with the first chunk (numbers may have gaps, never
            // repeats).
            let seq = if i == 0 { &set.seq[..] } else { &[] };
            self.write_plans(plans, seq, &history)?;
            history.committed(self);
            done += plans.len();
            progress(done);
        }
        batch.state = BatchState::Done;
        self.imports.insert(head_key(&id), codec::encode(&batch))?;
        drop(guard);
        self.flush()?;
        Ok((id, set.plans.into_iter().map(|p| p.key).collect()))
    }

    /// The import batches, newest first.
    pub fn import_batches(&self) -> Result<Vec<Batch>> {
        let mut out = Vec::new();
        for kv in self.imports.iter() {
            let (k, v) = kv?;
            if k.iter().position(|&b| b == 0) == Some(k.len() - 1) {
                let id = String::from_utf8_lossy(&k[..k.len() - 1]).into_owned();
                out.push(codec::decode::<Batch>(&v).map_err(|e| corrupt(&id, e))?);
            }
        }
        out.reverse();
        Ok(out)
    }

    fn batch(&self, id: &str) -> Result<Option<Batch>> {
        let id = id.trim().to_uppercase();
        match self.imports.get(head_key(&id))? {
            Some(v) => Ok(Some(codec::decode(&v).map_err(|e| corrupt(&id, e))?)),
            None => Ok(None),
        }
    }

    fn batch_records(&self, id: &str) -> Result<Vec<Written>> {
        let mut out = Vec::new();
        let mut prefix = head_key(id);
        prefix.push(1);
        for kv in self.imports.scan_prefix(prefix) {
            let (_, v) = kv?;
            out.extend(codec::decode::<Vec<Written>>(&v).map_err(|e| corrupt(id, e))?);
        }
        Ok(out)
    }

    /// Takes back what import `id` created and updated: created records are
    /// deleted, updated ones get their state before the import back. Records
    /// changed since, and created records that others name now, are left as they
    /// are and listed.
    pub fn revert_import(&self, id: &str) -> Result<Reverted> {
        let Some(mut batch) = self.batch(id)? else {
            let known: Vec<String> = self
                .import_batches()?
                .into_iter()
                .take(5)
                .map(|b| b.id)
                .collect();
            return Err(StoreError::Refused(format!(
                "there is no import {id}; the latest are: {}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        };
        match batch.state {
            BatchState::Reverted | BatchState::RolledBack => {
                return Err(StoreError::Refused(format!(
                    "import {} was already taken back; nothing changed",
                    batch.id
                )))
            }
            BatchState::Open | BatchState::Done => {}
        }
        let report = self.take_back(&batch.id)?;
        batch.state = BatchState::Reverted;
        self.imports
            .insert(head_key(&batch.id), codec::encode(&batch))?;
        self.flush()?;
        Ok(report)
    }

    fn take_back(&self, id: &str) -> Result<Reverted> {
        let written = self.batch_records(id)?;
        let mut report = Reverted::default();
        let in_batch: std::collections::HashSet<(&str, &str)> = written
            .iter()
            .filter(|w| w.before.is_none())
            .map(|w| (w.entity.as_str(), w.key.as_str()))
            .collect();
        let mut changes: Vec<Change> = Vec::new();
        // Newest first: records that name others of the batch go before them.
        for w in written.iter().rev() {
            let Some(def) = model::entity(&w.entity) else {
                continue;
            };
            let current = self.tree(def).0.get(w.key.as_bytes())?;
            let rev_now = current.as_deref().map(codec::rev_of);
            if rev_now != Some(w.rev) {
                // Never written (a crash before its chunk), or changed since.
                if current.is_some() && rev_now.is_some_and(|r| r > w.rev) {
                    report
                        .left
                        .push(format!("{} {}: changed since the import", def.name, w.key));
                }
                continue;
            }
            match &w.before {
                None => {
                    let (others, _) = self.referrers(def, &w.key, 10)?;
                    let outside: Vec<String> = others
                        .iter()
                        .filter(|r| !in_batch.contains(&(r.entity.as_str(), r.key.as_str())))
                        .map(|r| format!("{} {}", r.entity, r.key))
                        .collect();
                    if !outside.is_empty() {
                        report.left.push(format!(
                            "{} {}: named by {} since the import",
                            def.name,
                            w.key,
                            outside.join(", ")
                        ));
                        continue;
                    }
                    changes.push(Change::Delete(def, w.key.clone()));
                    report.deleted += 1;
                }
                Some(before) => {
                    let record: Box<dyn Record> = (self.tree(def).1.decode)(before)
                        .map_err(|e| corrupt(id, format!("{} {}: {e}", def.name, w.key)))?;
                    changes.push(Change::Update(record));
                    report.restored += 1;
                }
            }
        }
        let mut rest = changes;
        while !rest.is_empty() {
            let tail = rest.split_off(rest.len().min(CHUNK));
            self.apply(rest)?;
            rest = tail;
        }
        Ok(report)
    }

    /// At open: an import cut off by a crash is rolled back.
    pub(super) fn recover_imports(&self) -> Result<()> {
        for batch in self.import_batches()? {
            if batch.state != BatchState::Open {
                continue;
            }
            let actor = Actor {
                user: batch.user.clone(),
                via: "ImportRollback".into(),
            };
            let (result, _) = history::scope(actor, || self.take_back(&batch.id));
            result?;
            let mut batch = batch;
            batch.state = BatchState::RolledBack;
            self.imports
                .insert(head_key(&batch.id), codec::encode(&batch))?;
            self.flush()?;
        }
        Ok(())
    }
}

#[cfg(test)]
impl Store {
    /// Marks a finished batch as still open, as a crash during its write leaves it.
    pub fn reopen_batch_for_test(&self, id: &str) {
        let mut batch = self.batch(id).unwrap().unwrap();
        batch.state = BatchState::Open;
        self.imports
            .insert(head_key(id), codec::encode(&batch))
            .unwrap();
        self.flush().unwrap();
    }
}
