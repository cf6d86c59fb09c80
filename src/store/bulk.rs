//! Bulk loading (demo data into an empty database): records are checked one by
//! one like single inserts, but written in bounded chunks of per-tree batches and
//! flushed once. The load lands whole or not at all: a marker is made durable
//! before the first chunk and removed after the last flush; a database opened with
//! the marker still set was cut off mid-load (kill -9, a crash) and is taken back
//! to what it was — empty of records, its settings (saved queries, event rules)
//! kept, every index rebuilt — so `crm check` finds it clean without a repair.
//! The history of a chunk (one commit naming its records) is written with its
//! indexes.

use std::collections::HashMap;

use super::find::layout::Buckets;
use super::history::{Item, Kind};
use super::index;
use super::write::Pending;
use super::{Result, Store, StoreError};
use crate::model::Record;

/// What a bulk load wrote.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BulkReport {
    pub inserted: usize,
}

/// Set in `meta` while a bulk load runs.
const BULK_OPEN: &str = "bulk load open";

/// Records per chunk: large enough to amortise, small enough that sled's batches
/// stay small in memory.
pub const CHUNK: usize = 5_000;

impl Store {
    /// Inserts every record, or none: the first invalid one stops the load with
    /// its error and what was written is taken back.
    pub fn bulk_insert(
        &self,
        records: impl IntoIterator<Item = Box<dyn Record>>,
        mut progress: impl FnMut(usize),
    ) -> Result<BulkReport> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        // Taking a cut-off load back empties the records: only an empty database
        // takes one.
        let existing = self.total_records();
        if existing > 0 {
            return Err(StoreError::Refused(format!(
                "database {} already holds {existing} records; a bulk load goes into an empty database",
                self.path().display()
            )));
        }
        self.meta_set(BULK_OPEN, b"1")?;
        match self.load(records, &mut progress) {
            Ok(report) => Ok(report),
            Err(e) => {
                // A refused load is taken back whole, as a cut-off one would be.
                drop(_guard);
                self.recover_bulk()?;
                Err(e)
            }
        }
    }

    fn load(
        &self,
        records: impl IntoIterator<Item = Box<dyn Record>>,
        progress: &mut impl FnMut(usize),
    ) -> Result<BulkReport> {
        let mut report = BulkReport::default();
        let mut counters: HashMap<&'static str, Option<u64>> = HashMap::new();
        let mut chunk: Vec<Box<dyn Record>> = Vec::with_capacity(CHUNK);
        let mut pending = Pending::default();
        let mut records = records.into_iter();
        loop {
            chunk.clear();
            chunk.extend(records.by_ref().take(CHUNK));
            if chunk.is_empty() {
                break;
            }
            pending.written.clear();
            self.write_chunk(&mut chunk, &mut counters, &mut pending)?;
            report.inserted += chunk.len();
            progress(report.inserted);
        }
        self.flush()?;
        self.meta.remove(BULK_OPEN.as_bytes())?;
        self.flush()?;
        Ok(report)
    }

    /// Takes a bulk load that was cut off back (see the module's comment).
    pub(super) fn recover_bulk(&self) -> Result<()> {
        if self.meta.get(BULK_OPEN.as_bytes())?.is_none() {
            return Ok(());
        }
        for def in crate::model::ENTITIES {
            if crate::model::is_setting(def.name) {
                continue;
            }
            self.tree(def).0.clear()?;
            self.seq.remove(def.name.as_bytes())?;
        }
        // The load's commits name records that are gone.
        for kv in self.hist.iter() {
            let (k, v) = kv?;
            let bulk = crate::store::codec::decode::<super::history::Head>(&v)
                .map(|h| h.bulk)
                .unwrap_or(true);
            if bulk {
                self.hist.remove(k)?;
            }
        }
        self.rebuild_indexes(false)?;
        self.meta.remove(BULK_OPEN.as_bytes())?;
        self.flush()
    }

    fn write_chunk(
        &self,
        chunk: &mut [Box<dyn Record>],
        counters: &mut HashMap<&'static str, Option<u64>>,
        pending: &mut Pending,
    ) -> Result<()> {
        let mut record_batches: HashMap<&'static str, sled::Batch> = HashMap::new();
        let (mut territory, mut team, mut refs) = (
            sled::Batch::default(),
            sled::Batch::default(),
            sled::Batch::default(),
        );
        let mut find = Buckets::default();
        let mut seq = sled::Batch::default();
        let mut items = Vec::with_capacity(chunk.len());
        for record in chunk.iter_mut() {
            let def = record.def();
            let counter = counters.entry(def.name).or_insert(None);
            if let Some(n) = self.assign_key(record.as_mut(), counter, Some(pending))? {
                seq.insert(def.name.as_bytes(), &n.to_be_bytes());
            }
            let key = record.key().to_string();
            if pending.written.contains(&(def.name, key.clone())) || self.contains(def, &key)? {
                return Err(StoreError::Duplicate {
                    entity: def.name,
                    key,
                });
            }
            self.check(record.as_ref(), Some(pending))?;
            let bytes = (self.tree(def).1.encode_at)(record.as_ref(), 1);
            let entries = index::entries(record.as_ref());
            for k in entries.territory {
                territory.insert(k, entries.row.as_slice());
            }
            for k in entries.team {
                team.insert(k, entries.row.as_slice());
            }
            for k in entries.refs {
                refs.insert(k, &[] as &[u8]);
            }
            find.add(entries.find);
            record_batches
                .entry(def.name)
                .or_default()
                .insert(key.as_bytes(), bytes);
            // A bulk load's history keeps who, when and which records, not their
            // values: each one's first state is the record as loaded.
            items.push(Item {
                def,
                key: key.clone(),
                kind: Kind::Created,
                rev: 1,
                before: None,
            });
            pending.written.insert((def.name, key));
        }
        let history = self.plan_bulk_history(items);
        if !history.head.is_empty() {
            self.hist
                .insert(history.head_key, history.head.as_slice())?;
        }
        self.idx_territory.apply_batch(territory)?;
        self.idx_team.apply_batch(team)?;
        self.idx_ref.apply_batch(refs)?;
        self.add_find(find)?;
        self.seq.apply_batch(seq)?;
        for (name, batch) in record_batches {
            self.trees[name].0.apply_batch(batch)?;
        }
        history.committed(self);
        Ok(())
    }
}
