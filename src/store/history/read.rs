//! Reading the history: one record's changes as a user reads them, the log
//! across the database, and the last change of a user or a record.

use super::{
    codec, corrupt, diff, id_of_head_key, id_of_rec_key, index, rec_key, Commit, Entry, Head, Kind,
    LogFilter, Result, States, Store, SYSTEM,
};
use crate::model::EntityDef;

impl Store {
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

    /// When the record last changed (milliseconds since the epoch, UTC); None
    /// when its history holds no change of it (a bulk load's record).
    pub fn last_changed_ms(&self, def: &EntityDef, key: &str) -> Result<Option<i64>> {
        let Some(kv) = self
            .hist_rec
            .scan_prefix(index::prefix(&[def.name, key]))
            .next_back()
        else {
            return Ok(None);
        };
        let (k, _) = kv?;
        let id = id_of_rec_key(&k);
        match self.hist.get(id.to_be_bytes())? {
            Some(v) => {
                let head: super::Head =
                    codec::decode(&v).map_err(|m| corrupt(&format!("change {id}"), m))?;
                Ok(Some(head.at_ms))
            }
            None => Ok(None),
        }
    }

    /// The first change at or after `ms` (its id), or None: a binary search over
    /// the change ids, which rise with time, reading only each head's time.
    fn first_change_from(&self, ms: i64) -> Result<Option<u64>> {
        let at = |from: u64| -> Result<Option<(u64, i64)>> {
            let Some(kv) = self.hist.range(from.to_be_bytes()..).next() else {
                return Ok(None);
            };
            let (k, v) = kv?;
            let id = id_of_head_key(&k);
            // A head begins with its id, group and time: read those alone.
            let (_, _, at_ms): (u64, u64, i64) =
                codec::decode(&v).map_err(|m| corrupt(&format!("change {id}"), m))?;
            Ok(Some((id, at_ms)))
        };
        let (mut lo, mut hi) = (
            0u64,
            self.next_change.load(std::sync::atomic::Ordering::SeqCst),
        );
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match at(mid)? {
                Some((id, t)) if t < ms => lo = id + 1,
                _ => hi = mid,
            }
        }
        Ok(at(lo)?.map(|(id, _)| id))
    }

    /// The keys of `def` records whose last change was made in `[from_ms, to_ms)`
    /// and which still exist: the heads of that span are read, not the records.
    pub fn last_changed_between(
        &self,
        def: &EntityDef,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let Some(first) = self.first_change_from(from_ms)? else {
            return Ok(out);
        };
        for kv in self.hist.range(first.to_be_bytes()..) {
            let (k, v) = kv?;
            let id = id_of_head_key(&k);
            let head: Head = codec::decode(&v).map_err(|m| corrupt(&format!("change {id}"), m))?;
            if head.at_ms >= to_ms {
                break;
            }
            for item in head.items.iter().filter(|i| i.entity == def.name) {
                if item.kind == Kind::Deleted {
                    continue;
                }
                let later = match self
                    .hist_rec
                    .scan_prefix(index::prefix(&[def.name, &item.key]))
                    .next_back()
                {
                    Some(kv) => id_of_rec_key(&kv?.0) > id,
                    None => false,
                };
                if !later && seen.insert(item.key.clone()) {
                    out.push(item.key.clone());
                }
            }
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
            later_before = states.before.map(|b| b.0);
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

    /// The users of the latest `heads` changes (for a did-you-mean).
    pub fn recent_users(&self, heads: usize) -> Result<std::collections::BTreeSet<String>> {
        let mut users = std::collections::BTreeSet::new();
        for kv in self.hist.iter().rev().take(heads) {
            let (k, v) = kv?;
            let head: Head = codec::decode(&v)
                .map_err(|m| corrupt(&format!("change {}", id_of_head_key(&k)), m))?;
            users.insert(head.user);
        }
        Ok(users)
    }

    /// The commits of `user`'s last change that is not undone, not itself an undo
    /// and not the server's own, oldest first, with each record's states.
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
                    // The server's own writes (shipped rules, setup, upgrades) are
                    // no user's change to take back.
                    if head.user != user || head.via == SYSTEM || undone.contains(&head.group) {
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
}
