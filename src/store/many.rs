//! Several records written in one sled transaction: a workflow (a conversion, an
//! accepted quote) changes all of them or none.

use std::collections::HashMap;

use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};

use super::find::layout;
use super::history::{Item, Kind, Plan};
use super::index::{self, IndexEntries};
use super::write::Pending;
use super::{codec, Result, Store, StoreError};
use crate::model::{EntityDef, KeyKind, Record};

/// One change of a multi-record write.
pub enum Change {
    /// A new record; a generated key is drawn when it has none.
    Insert(Box<dyn Record>),
    /// An existing record (same entity and key) replaced.
    Update(Box<dyn Record>),
    /// An existing record removed; the records that name it must stop naming it
    /// in the same call (an undo takes a customer back with its contacts' moves).
    Delete(&'static EntityDef, String),
}

/// What a multi-record write will do: per record what it writes and its history
/// item (in the same order), and the counters it moves.
pub(super) struct PlanSet {
    pub plans: Vec<Planned>,
    pub seq: Vec<(&'static str, u64)>,
    pub items: Vec<Item>,
}

/// What the transaction writes for one record.
pub(super) struct Planned {
    pub def: &'static EntityDef,
    pub key: String,
    old: Option<IndexEntries>,
    /// The new stored bytes and index entries (none: a deletion).
    pub new: Option<(Vec<u8>, IndexEntries)>,
    insert: bool,
}

impl Store {
    /// Draws the next generated key of an entity now (the counter moves even if the
    /// key is never used: numbers may have gaps, never repeats).
    pub fn reserve_key(&self, def: &EntityDef) -> Result<String> {
        let KeyKind::Generated(prefix) = def.key else {
            return Err(StoreError::Invalid {
                entity: def.name,
                key: "(new)".into(),
                field: "key".into(),
                value: String::new(),
                message: "this entity's records take a typed code, not a generated key".into(),
            });
        };
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut n = self.next_seq(def.name)?;
        let key = loop {
            n += 1;
            let key = super::write::generated_key(prefix, n);
            if !self.contains(def, &key)? {
                break key;
            }
        };
        self.seq.insert(def.name.as_bytes(), &n.to_be_bytes())?;
        Ok(key)
    }

    /// Writes every change in one transaction, after checking each like a single
    /// write (records inserted in the same call count as existing for references).
    /// Returns the keys in the order of the changes.
    pub fn apply(&self, changes: Vec<Change>) -> Result<Vec<String>> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let set = self.plan_changes(changes)?;
        let history = self.plan_history(set.items);
        self.commit_plans(&set.plans, &set.seq, &history)?;
        history.committed(self);
        if self.flush_each_write {
            self.flush()?;
        }
        Ok(set.plans.into_iter().map(|p| p.key).collect())
    }

    /// Checks every change like a single write (records inserted in the same
    /// call count as existing for references) and works out what each writes;
    /// nothing is written. The caller holds the write lock.
    pub(super) fn plan_changes(&self, changes: Vec<Change>) -> Result<PlanSet> {
        let mut pending = Pending::default();
        let mut counters: HashMap<&'static str, Option<u64>> = HashMap::new();
        let mut seq: Vec<(&'static str, u64)> = Vec::new();
        // (record or deletion, old stored bytes and index entries, insert)
        type Staged = (
            Result<Box<dyn Record>, (&'static EntityDef, String)>,
            Option<(Vec<u8>, IndexEntries)>,
            bool,
        );
        let mut staged: Vec<Staged> = Vec::with_capacity(changes.len());
        for change in changes {
            let (mut record, insert) = match change {
                Change::Insert(r) => (r, true),
                Change::Update(r) => (r, false),
                Change::Delete(def, key) => {
                    let (bytes, old) = self.fetch_stored(def, &key)?;
                    let key = old.key().to_string();
                    staged.push((
                        Err((def, key)),
                        Some((bytes, index::entries(old.as_ref()))),
                        false,
                    ));
                    continue;
                }
            };
            let def = record.def();
            let old = if insert {
                let counter = counters.entry(def.name).or_insert(None);
                if let Some(n) = self.assign_key(record.as_mut(), counter, Some(&pending))? {
                    seq.push((def.name, n));
                }
                if self.contains(def, record.key())?
                    || pending
                        .written
                        .contains(&(def.name, record.key().to_string()))
                {
                    return Err(StoreError::Duplicate {
                        entity: def.name,
                        key: record.key().to_string(),
                    });
                }
                None
            } else {
                let (bytes, old) = self.fetch_stored(def, record.key())?;
                record.set_key(old.key().to_string());
                Some((bytes, index::entries(old.as_ref())))
            };
            pending.written.insert((def.name, record.key().to_string()));
            staged.push((Ok(record), old, insert));
        }
        // What each touched record will name once the call has committed.
        let after: HashMap<(&'static str, String), Option<&dyn Record>> = staged
            .iter()
            .map(|(r, _, _)| match r {
                Ok(r) => ((r.def().name, r.key().to_string()), Some(r.as_ref())),
                Err((def, key)) => ((def.name, key.clone()), None),
            })
            .collect();
        let mut plans = Vec::with_capacity(staged.len());
        let mut items = Vec::with_capacity(staged.len());
        for (record, old, insert) in &staged {
            let record = match record {
                Ok(r) => r,
                Err((def, key)) => {
                    self.check_deletable(def, key, &after)?;
                    let (bytes, entries) = old.as_ref().expect("a deletion has its old record");
                    items.push(Item {
                        def,
                        key: key.clone(),
                        kind: Kind::Deleted,
                        rev: codec::rev_of(bytes),
                        before: Some(bytes.clone()),
                    });
                    plans.push(Planned {
                        def,
                        key: key.clone(),
                        old: Some(entries.clone()),
                        new: None,
                        insert: false,
                    });
                    continue;
                }
            };
            self.check(record.as_ref(), Some(&mut pending))?;
            let def = record.def();
            let key = record.key().to_string();
            let rev = match old {
                Some((bytes, _)) => codec::rev_of(bytes) + 1,
                None => self.next_rev_of_new(def, &key)?,
            };
            let bytes = (self.tree(def).1.encode_at)(record.as_ref(), rev);
            items.push(Item {
                def,
                key: key.clone(),
                kind: if *insert {
                    Kind::Created
                } else {
                    Kind::Updated
                },
                rev,
                before: old.as_ref().map(|(b, _)| b.clone()),
            });
            plans.push(Planned {
                def,
                key,
                old: old.as_ref().map(|(_, e)| e.clone()),
                new: Some((bytes, index::entries(record.as_ref()))),
                insert: *insert,
            });
        }
        Ok(PlanSet { plans, seq, items })
    }

    /// A record about to be deleted in a call that also writes `after`: the records
    /// that name it must be deleted or stop naming it in the same call.
    fn check_deletable(
        &self,
        def: &'static EntityDef,
        key: &str,
        after: &HashMap<(&'static str, String), Option<&dyn Record>>,
    ) -> Result<()> {
        let (all, _) = self.referrers(def, key, usize::MAX)?;
        let still: Vec<_> = all
            .into_iter()
            .filter(|r| {
                let Some(source) = crate::model::entity(&r.entity) else {
                    return true;
                };
                match after.get(&(source.name, r.key.clone())) {
                    None => true,
                    Some(None) => false,
                    Some(Some(new)) => index::references(*new)
                        .iter()
                        .any(|(_, t, k)| *t == def.name && k == key),
                }
            })
            .collect();
        if still.is_empty() {
            return Ok(());
        }
        let total = still.len();
        Err(StoreError::Referenced {
            entity: def.name,
            key: key.to_string(),
            referrers: still.into_iter().take(10).collect(),
            total,
        })
    }

    pub(super) fn commit_plans(
        &self,
        plans: &[Planned],
        seq: &[(&'static str, u64)],
        history: &Plan,
    ) -> Result<()> {
        // The trees: the indexes, the counters, the history, then each entity's once.
        let mut trees: Vec<&sled::Tree> = vec![
            &self.idx_territory,
            &self.idx_team,
            &self.idx_ref,
            &self.seq,
            &self.idx_find,
            &self.hist,
            &self.hist_rec,
        ];
        let mut slot: HashMap<&'static str, usize> = HashMap::new();
        for p in plans {
            slot.entry(p.def.name).or_insert_with(|| {
                trees.push(&self.tree(p.def).0);
                trees.len() - 1
            });
        }
        let find_deltas: Vec<layout::Delta> = plans
            .iter()
            .map(|p| {
                layout::delta(
                    p.old.as_ref().map_or(&[][..], |o| &o.find),
                    p.new.as_ref().map_or(&[][..], |(_, n)| &n.find),
                )
            })
            .collect();
        // Each bucket once per transaction, however many of its records change.
        let find_delta = layout::combine(&find_deltas);
        let result = trees.as_slice().transaction(|t| {
            for p in plans {
                let records = &t[slot[p.def.name]];
                if p.insert && records.get(p.key.as_bytes())?.is_some() {
                    return Err(ConflictableTransactionError::Abort(StoreError::Duplicate {
                        entity: p.def.name,
                        key: p.key.clone(),
                    }));
                }
                if let Some(old) = &p.old {
                    for k in &old.territory {
                        t[0].remove(k.as_slice())?;
                    }
                    for k in &old.team {
                        t[1].remove(k.as_slice())?;
                    }
                    for k in &old.refs {
                        t[2].remove(k.as_slice())?;
                    }
                }
                match &p.new {
                    Some((bytes, new)) => {
                        records.insert(p.key.as_bytes(), bytes.as_slice())?;
                        for k in &new.territory {
                            t[0].insert(k.as_slice(), new.row.as_slice())?;
                        }
                        for k in &new.team {
                            t[1].insert(k.as_slice(), new.row.as_slice())?;
                        }
                        for k in &new.refs {
                            t[2].insert(k.as_slice(), &[])?;
                        }
                    }
                    None => {
                        records.remove(p.key.as_bytes())?;
                    }
                }
            }
            layout::apply(&t[4], &find_delta)?;
            for (name, n) in seq {
                t[3].insert(name.as_bytes(), &n.to_be_bytes())?;
            }
            for (k, v) in &history.recs {
                t[6].insert(k.as_slice(), v.as_slice())?;
            }
            if !history.head.is_empty() {
                t[5].insert(&history.head_key, history.head.as_slice())?;
            }
            Ok(())
        });
        match result {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        }
    }

    /// Writes plans without a transaction, tree by tree in an order a crash can be
    /// taken back from (an import's journal does that, see `import`): the records,
    /// then their index entries, then the counters, then the history. Much faster
    /// than a transaction for thousands of records. The caller holds the write lock.
    pub(super) fn write_plans(
        &self,
        plans: &[Planned],
        seq: &[(&'static str, u64)],
        history: &Plan,
    ) -> Result<()> {
        let mut records: HashMap<&'static str, sled::Batch> = HashMap::new();
        let (mut territory, mut team, mut refs) = (
            sled::Batch::default(),
            sled::Batch::default(),
            sled::Batch::default(),
        );
        let mut find_deltas = Vec::with_capacity(plans.len());
        for p in plans {
            let batch = records.entry(p.def.name).or_default();
            match &p.new {
                Some((bytes, _)) => batch.insert(p.key.as_bytes(), bytes.as_slice()),
                None => batch.remove(p.key.as_bytes()),
            }
            // A batch keeps the last word per key: removals first, then inserts.
            if let Some(old) = &p.old {
                old.territory
                    .iter()
                    .for_each(|k| territory.remove(k.as_slice()));
                old.team.iter().for_each(|k| team.remove(k.as_slice()));
                old.refs.iter().for_each(|k| refs.remove(k.as_slice()));
            }
            if let Some((_, new)) = &p.new {
                for k in &new.territory {
                    territory.insert(k.as_slice(), new.row.as_slice());
                }
                for k in &new.team {
                    team.insert(k.as_slice(), new.row.as_slice());
                }
                for k in &new.refs {
                    refs.insert(k.as_slice(), &[] as &[u8]);
                }
            }
            find_deltas.push(layout::delta(
                p.old.as_ref().map_or(&[][..], |o| &o.find),
                p.new.as_ref().map_or(&[][..], |(_, n)| &n.find),
            ));
        }
        for (name, batch) in records {
            self.trees[name].0.apply_batch(batch)?;
        }
        self.idx_territory.apply_batch(territory)?;
        self.idx_team.apply_batch(team)?;
        self.idx_ref.apply_batch(refs)?;
        for (bucket, (remove, add)) in layout::combine(&find_deltas) {
            let current = self.idx_find.get(&bucket)?;
            match layout::merge(current.as_deref(), &remove, &add) {
                Some(value) => self.idx_find.insert(bucket, value)?,
                None => self.idx_find.remove(bucket)?,
            };
        }
        for (name, n) in seq {
            self.seq.insert(name.as_bytes(), &n.to_be_bytes())?;
        }
        let mut recs = sled::Batch::default();
        for (k, v) in &history.recs {
            recs.insert(k.as_slice(), v.as_slice());
        }
        self.hist_rec.apply_batch(recs)?;
        if !history.head.is_empty() {
            self.hist
                .insert(history.head_key, history.head.as_slice())?;
        }
        Ok(())
    }
}
