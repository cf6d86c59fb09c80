//! Several records written in one sled transaction: a workflow (a conversion, an
//! accepted quote) changes all of them or none.

use std::collections::HashMap;

use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};

use super::find::layout;
use super::index::{self, IndexEntries};
use super::write::Pending;
use super::{Result, Store, StoreError};
use crate::model::{EntityDef, KeyKind, Record};

/// One change of a multi-record write.
pub enum Change {
    /// A new record; a generated key is drawn when it has none.
    Insert(Box<dyn Record>),
    /// An existing record (same entity and key) replaced.
    Update(Box<dyn Record>),
}

/// What the transaction writes for one record.
struct Planned {
    def: &'static EntityDef,
    key: String,
    old: Option<IndexEntries>,
    bytes: Vec<u8>,
    new: IndexEntries,
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
        let mut pending = Pending::default();
        let mut counters: HashMap<&'static str, Option<u64>> = HashMap::new();
        let mut seq: Vec<(&'static str, u64)> = Vec::new();
        let mut planned = Vec::with_capacity(changes.len());
        for change in changes {
            let (mut record, insert) = match change {
                Change::Insert(r) => (r, true),
                Change::Update(r) => (r, false),
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
                let old = self.fetch(def, record.key())?;
                record.set_key(old.key().to_string());
                Some(index::entries(old.as_ref()))
            };
            pending.written.insert((def.name, record.key().to_string()));
            planned.push((record, old, insert));
        }
        let mut plans = Vec::with_capacity(planned.len());
        for (record, old, insert) in planned {
            self.check(record.as_ref(), Some(&mut pending))?;
            let def = record.def();
            plans.push(Planned {
                def,
                key: record.key().to_string(),
                old,
                bytes: (self.tree(def).1.encode)(record.as_ref()),
                new: index::entries(record.as_ref()),
                insert,
            });
        }
        self.commit_plans(&plans, &seq)?;
        if self.flush_each_write {
            self.flush()?;
        }
        Ok(plans.into_iter().map(|p| p.key).collect())
    }

    fn commit_plans(&self, plans: &[Planned], seq: &[(&'static str, u64)]) -> Result<()> {
        // The trees: the indexes, the counters, then each entity's once.
        let mut trees: Vec<&sled::Tree> = vec![
            &self.idx_territory,
            &self.idx_team,
            &self.idx_ref,
            &self.seq,
            &self.idx_find,
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
            .map(|p| layout::delta(p.old.as_ref().map_or(&[][..], |o| &o.find), &p.new.find))
            .collect();
        let result = trees.as_slice().transaction(|t| {
            for (p, find_delta) in plans.iter().zip(&find_deltas) {
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
                records.insert(p.key.as_bytes(), p.bytes.as_slice())?;
                for k in &p.new.territory {
                    t[0].insert(k.as_slice(), p.new.row.as_slice())?;
                }
                for k in &p.new.team {
                    t[1].insert(k.as_slice(), p.new.row.as_slice())?;
                }
                for k in &p.new.refs {
                    t[2].insert(k.as_slice(), &[])?;
                }
                layout::apply(&t[4], find_delta)?;
            }
            for (name, n) in seq {
                t[3].insert(name.as_bytes(), &n.to_be_bytes())?;
            }
            Ok(())
        });
        match result {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        }
    }
}
