//! Keeping the history in shape: pruning old changes, its size, and `crm check`'s
//! look at it (every change points at a record or a deletion).

use super::{
    codec, corrupt, id_of_head_key, index, model, rec_key, Head, Kind, Result, States, Store,
};

impl Store {
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
    pub fn history_counts(&self) -> (usize, usize) {
        (self.hist.len(), self.hist_rec.len())
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

    /// History entries that point at no record and no deletion (`crm check`):
    /// the last recorded change of a record that is not a deletion must leave a
    /// record behind; and every head's records have their states.
    pub(in crate::store) fn audit_history(&self, repair: bool) -> Result<Vec<String>> {
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
