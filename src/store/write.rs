//! Inserts, updates and deletes: each one validated, reference-checked and written
//! with its index entries in a single sled transaction, then flushed.

use std::collections::HashSet;

use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};

use super::find::layout;
use super::history::{Item, Kind, Plan};
use super::index::{self, IndexEntries};
use super::{codec, Result, Store, StoreError};
use crate::model::validate::validate;
use crate::model::{self, EntityDef, KeyKind, Record};

/// Keys written earlier in the same bulk chunk, which count as existing; and, for a
/// whole bulk load, reference-data keys already found, so that the same salesperson
/// or stage is not looked up again for every record.
#[derive(Default)]
pub(super) struct Pending {
    pub written: HashSet<(&'static str, String)>,
    pub known_codes: HashSet<(&'static str, String)>,
}

impl Pending {
    fn has(&self, entity: &'static str, key: &str) -> bool {
        let probe = (entity, key.to_string());
        self.written.contains(&probe) || self.known_codes.contains(&probe)
    }
}

/// Upper-cases a typed key and checks its characters.
pub fn normalize_key(def: &EntityDef, raw: &str) -> Result<String> {
    let key = raw.trim().to_uppercase();
    let bad = |message: String| StoreError::Invalid {
        entity: def.name,
        key: if key.is_empty() {
            "(new)".into()
        } else {
            key.clone()
        },
        field: "key".into(),
        value: raw.to_string(),
        message,
    };
    if key.is_empty() {
        return Err(bad("a code is required (key=CODE)".into()));
    }
    if key.chars().count() > 32 {
        return Err(bad("a key has at most 32 characters".into()));
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    {
        return Err(bad(
            "a key may hold only letters A-Z, digits and - _ . /".into()
        ));
    }
    Ok(key)
}

pub(super) fn generated_key(prefix: &str, n: u64) -> String {
    format!("{prefix}{n:07}")
}

/// How far ahead of the counter an explicit key in the generated form may move it.
const COUNTER_JUMP: u64 = 1_000_000;

impl Store {
    pub(super) fn next_seq(&self, entity: &str) -> Result<u64> {
        Ok(self
            .seq
            .get(entity.as_bytes())?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0))
    }

    /// Gives a record without a key its generated key, or checks the one it has.
    /// Returns the counter value to store when a key was generated.
    pub(super) fn assign_key(
        &self,
        record: &mut dyn Record,
        counter: &mut Option<u64>,
        pending: Option<&Pending>,
    ) -> Result<Option<u64>> {
        let def = record.def();
        match def.key {
            KeyKind::Generated(prefix) if record.key().trim().is_empty() => {
                let mut n = match counter {
                    Some(n) => *n,
                    None => self.next_seq(def.name)?,
                };
                loop {
                    n += 1;
                    let key = generated_key(prefix, n);
                    let taken =
                        self.contains(def, &key)? || pending.is_some_and(|p| p.has(def.name, &key));
                    if !taken {
                        record.set_key(key);
                        *counter = Some(n);
                        return Ok(Some(n));
                    }
                }
            }
            KeyKind::Generated(prefix) => {
                // An explicit key in the generated form (an import, the demo data)
                // moves the counter past it, so later generated keys do not collide.
                let key = normalize_key(def, record.key())?;
                let number = key
                    .strip_prefix(prefix)
                    .filter(|digits| digits.len() == 7)
                    .and_then(|digits| digits.parse::<u64>().ok());
                record.set_key(key);
                let Some(number) = number else {
                    return Ok(None);
                };
                let current = match counter {
                    Some(n) => *n,
                    None => self.next_seq(def.name)?,
                };
                // A key far ahead (OPP9999999 typed by hand) does not move it: the
                // keys generated after would outgrow seven digits and sort before
                // it; generation skips a taken key anyway.
                if number > current && number - current <= COUNTER_JUMP {
                    *counter = Some(number);
                    Ok(Some(number))
                } else {
                    Ok(None)
                }
            }
            KeyKind::Code => {
                let key = normalize_key(def, record.key())?;
                record.set_key(key);
                Ok(None)
            }
        }
    }

    /// Schema rules, then every reference must name an existing record.
    pub(super) fn check(
        &self,
        record: &dyn Record,
        mut pending: Option<&mut Pending>,
    ) -> Result<()> {
        let def = record.def();
        let shown_key = match record.key() {
            "" => "(new)".to_string(),
            key => key.to_string(),
        };
        validate(record).map_err(|e| StoreError::Invalid {
            entity: def.name,
            key: shown_key.clone(),
            field: e.field.to_string(),
            value: e.value,
            message: e.message,
        })?;
        for (field, target, key) in index::references(record) {
            let target_def =
                model::entity(target).expect("targets are checked by the registry test");
            if pending.as_ref().is_some_and(|p| p.has(target, &key)) {
                continue;
            }
            let exists = self.contains(target_def, &key)?;
            if exists && matches!(target_def.key, KeyKind::Code) {
                if let Some(p) = pending.as_mut() {
                    p.known_codes.insert((target, key.clone()));
                }
            }
            if !exists {
                return Err(StoreError::DanglingRef {
                    entity: def.name,
                    key: shown_key,
                    field,
                    target,
                    suggestion: self.suggest_key(target_def, &key),
                    value: key,
                });
            }
        }
        Ok(())
    }

    /// Adds a new record and returns its key (generated when the entity has a
    /// prefix and the record came without one).
    pub fn insert(&self, mut record: Box<dyn Record>) -> Result<String> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        // A record about to get a generated key is checked before the key is drawn,
        // so that an error names it "(new)" rather than a key it never gets.
        self.check(record.as_ref(), None)?;
        let seq = self.assign_key(record.as_mut(), &mut None, None)?;
        let def = record.def();
        let key = record.key().to_string();
        let rev = self.next_rev_of_new(def, &key)?;
        let bytes = (self.tree(def).1.encode_at)(record.as_ref(), rev);
        let entries = index::entries(record.as_ref());
        let plan = self.plan_history(vec![Item {
            def,
            key: key.clone(),
            kind: Kind::Created,
            rev,
            before: None,
        }]);
        self.commit(def, &key, None, Some((&bytes, &entries)), seq, true, &plan)?;
        plan.committed(self);
        self.after_write()?;
        Ok(key)
    }

    /// The stored bytes and decoded record of an existing record, or NotFound.
    pub(super) fn fetch_stored(
        &self,
        def: &'static EntityDef,
        key: &str,
    ) -> Result<(Vec<u8>, Box<dyn Record>)> {
        let key = key.trim().to_uppercase();
        super::check_key(def, &key)?;
        match self.tree(def).0.get(key.as_bytes())? {
            Some(bytes) => {
                let record = self.decode(def, key.as_bytes(), &bytes)?;
                Ok((bytes.to_vec(), record))
            }
            None => Err(StoreError::NotFound {
                entity: def.name,
                suggestion: self.suggest_key(def, &key),
                key,
            }),
        }
    }

    /// Replaces an existing record (same entity and key) with `record`.
    pub fn update(&self, mut record: Box<dyn Record>) -> Result<()> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let def = record.def();
        let (old_bytes, old) = self.fetch_stored(def, record.key())?;
        // The stored key wins: `opp0000001` updates OPP0000001, never a second record.
        let key = old.key().to_string();
        record.set_key(key.clone());
        self.check(record.as_ref(), None)?;
        let rev = codec::rev_of(&old_bytes) + 1;
        let bytes = (self.tree(def).1.encode_at)(record.as_ref(), rev);
        let entries = index::entries(record.as_ref());
        let old_entries = index::entries(old.as_ref());
        let plan = self.plan_history(vec![Item {
            def,
            key: key.clone(),
            kind: Kind::Updated,
            rev,
            before: Some(old_bytes),
        }]);
        self.commit(
            def,
            &key,
            Some(&old_entries),
            Some((&bytes, &entries)),
            None,
            false,
            &plan,
        )?;
        plan.committed(self);
        self.after_write()
    }

    /// Deletes a record no other record names; otherwise lists the referrers.
    pub fn delete(&self, def: &'static EntityDef, key: &str) -> Result<()> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let (old_bytes, old) = self.fetch_stored(def, key)?;
        let key = old.key().to_string();
        let (referrers, total) = self.referrers(def, &key, 10)?;
        if total > 0 {
            return Err(StoreError::Referenced {
                entity: def.name,
                key,
                referrers,
                total,
            });
        }
        let old_entries = index::entries(old.as_ref());
        let plan = self.plan_history(vec![Item {
            def,
            key: key.clone(),
            kind: Kind::Deleted,
            rev: codec::rev_of(&old_bytes),
            before: Some(old_bytes),
        }]);
        self.commit(def, &key, Some(&old_entries), None, None, false, &plan)?;
        plan.committed(self);
        self.after_write()
    }

    fn after_write(&self) -> Result<()> {
        if self.flush_each_write {
            self.flush()?;
        }
        Ok(())
    }

    /// One transaction over the record's tree, the four indexes, the counters and
    /// the history.
    #[allow(clippy::too_many_arguments)]
    fn commit(
        &self,
        def: &'static EntityDef,
        key: &str,
        old: Option<&IndexEntries>,
        new: Option<(&[u8], &IndexEntries)>,
        seq: Option<u64>,
        must_be_new: bool,
        plan: &Plan,
    ) -> Result<()> {
        let tree = &self.tree(def).0;
        let find_delta = layout::delta(
            old.map_or(&[][..], |o| &o.find),
            new.map_or(&[][..], |(_, e)| &e.find),
        );
        let result = (
            tree,
            &self.idx_territory,
            &self.idx_team,
            &self.idx_ref,
            &self.idx_find,
            &self.seq,
            &self.hist,
            &self.hist_rec,
        )
            .transaction(
                |(records, territory, team, refs, find, counters, hist, hist_rec)| {
                    if must_be_new && records.get(key.as_bytes())?.is_some() {
                        return Err(ConflictableTransactionError::Abort(StoreError::Duplicate {
                            entity: def.name,
                            key: key.to_string(),
                        }));
                    }
                    if let Some(old) = old {
                        for k in &old.territory {
                            territory.remove(k.as_slice())?;
                        }
                        for k in &old.team {
                            team.remove(k.as_slice())?;
                        }
                        for k in &old.refs {
                            refs.remove(k.as_slice())?;
                        }
                    }
                    match new {
                        Some((bytes, entries)) => {
                            records.insert(key.as_bytes(), bytes)?;
                            for k in &entries.territory {
                                territory.insert(k.as_slice(), entries.row.as_slice())?;
                            }
                            for k in &entries.team {
                                team.insert(k.as_slice(), entries.row.as_slice())?;
                            }
                            for k in &entries.refs {
                                refs.insert(k.as_slice(), &[])?;
                            }
                        }
                        None => {
                            records.remove(key.as_bytes())?;
                        }
                    }
                    layout::apply(find, &find_delta)?;
                    if let Some(n) = seq {
                        counters.insert(def.name.as_bytes(), &n.to_be_bytes())?;
                    }
                    for (k, v) in &plan.recs {
                        hist_rec.insert(k.as_slice(), v.as_slice())?;
                    }
                    if !plan.head.is_empty() {
                        hist.insert(&plan.head_key, plan.head.as_slice())?;
                    }
                    Ok(())
                },
            );
        match result {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        }
    }
}
