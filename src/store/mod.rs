//! The store: the only code that touches sled. Everything above reaches data
//! through `Store`, whose methods take and return model types, never sled's.

// Errors carry the entity, key, field, value and a suggestion so that every message
// says what to fix; they are rare, so their size costs nothing that matters.
#![allow(clippy::result_large_err)]

mod audit;
pub mod backup;
mod bulk;
pub mod codec;
mod dated;
mod error;
pub mod events;
pub mod find;
pub mod history;
mod import;
pub mod index;
mod many;
mod migrate;
mod open;
mod recover;
mod referrers;
mod salvage;
mod typed;
pub mod watch;
mod write;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

pub use audit::AuditReport;
pub use backup::{BackupHeader, BackupReport};
pub use bulk::BulkReport;
use error::check_key;
pub use error::{Referrer, Result, StoreError, MAX_KEY_CHARS};
pub use find::FindHit;
pub use history::{Actor, Changed, Entry, FieldChange, Head, Kind, LogFilter};
pub use import::{Batch, BatchState, Reverted};
pub use index::ListRow;
pub use many::Change;
pub use migrate::{Migration, SCHEMA_VERSION};
pub use open::{default_db_path, is_database, OpenOptions};

use crate::model::{self, EntityDef, Record};
use crate::util::suggest::nearest;
use codec::Codec;

/// An open CRM database.
pub struct Store {
    db: sled::Db,
    path: PathBuf,
    trees: HashMap<&'static str, (sled::Tree, Codec)>,
    idx_territory: sled::Tree,
    idx_team: sled::Tree,
    idx_ref: sled::Tree,
    idx_find: sled::Tree,
    seq: sled::Tree,
    meta: sled::Tree,
    /// Change id → the commit's head (see `history`).
    hist: sled::Tree,
    /// entity, key, change id → that record's states around the change.
    hist_rec: sled::Tree,
    /// Import batches and their journals (see `import`).
    imports: sled::Tree,
    /// Inboxes, approvals, the event log and the rules' firings (see `events`).
    events: sled::Tree,
    /// The id the next commit's history takes.
    next_change: AtomicU64,
    /// Serialises writers, so that reference and referrer checks made before a
    /// transaction still hold when it commits.
    write_lock: Mutex<()>,
    flush_each_write: bool,
    keep_history: bool,
    /// Records decoded since open: lets tests prove that a read used an index.
    decoded: AtomicU64,
    /// Caches in this process that follow the writes (see `watch`).
    watches: watch::Watches,
    slots: watch::Slots,
}

/// Which secondary index a listing reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    Territory,
    Team,
}

impl Store {
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn tree(&self, def: &EntityDef) -> &(sled::Tree, Codec) {
        // Every registered entity gets its tree on open.
        &self.trees[def.name]
    }

    fn decode(&self, def: &EntityDef, key: &[u8], bytes: &[u8]) -> Result<Box<dyn Record>> {
        self.decoded.fetch_add(1, Ordering::Relaxed);
        (self.tree(def).1.decode)(bytes).map_err(|message| StoreError::Corrupt {
            entity: def.name.to_string(),
            key: String::from_utf8_lossy(key).into_owned(),
            message,
        })
    }

    /// One record by key, if it exists.
    pub fn get(&self, def: &EntityDef, key: &str) -> Result<Option<Box<dyn Record>>> {
        match self.tree(def).0.get(key.as_bytes())? {
            Some(bytes) => Ok(Some(self.decode(def, key.as_bytes(), &bytes)?)),
            None => Ok(None),
        }
    }

    /// The stored encoding of each record of an entity whose territory or sales team
    /// is `code`, in key order: what the server sends on as it is, undecoded.
    pub fn encoded_by(
        &self,
        index: IndexKind,
        code: &str,
        def: &EntityDef,
        limit: Option<usize>,
    ) -> Result<Vec<Vec<u8>>> {
        let tree = &self.tree(def).0;
        let keys = self.keys_by(index, code, def, limit)?;
        let fetch = |keys: &[String]| -> Result<Vec<Vec<u8>>> {
            let mut out = Vec::with_capacity(keys.len());
            for key in keys {
                // A stale index entry (a crash during a bulk load) is skipped.
                if let Some(bytes) = tree.get(key.as_bytes())? {
                    out.push(bytes.to_vec());
                }
            }
            Ok(out)
        };
        if keys.len() < 1024 {
            return fetch(&keys);
        }
        // Point reads of a large listing in two halves at once: on a database larger
        // than the page cache, most of their time is waiting for pages.
        let (a, b) = keys.split_at(keys.len() / 2);
        std::thread::scope(|s| {
            let second = s.spawn(|| fetch(b));
            let mut out = fetch(a)?;
            match second.join() {
                Ok(rest) => out.extend(rest?),
                Err(_) => out.extend(fetch(b)?),
            }
            Ok(out)
        })
    }

    pub fn contains(&self, def: &EntityDef, key: &str) -> Result<bool> {
        Ok(self.tree(def).0.contains_key(key.as_bytes())?)
    }

    /// Every record of an entity in key order, decoded one at a time.
    pub fn scan<'a>(
        &'a self,
        def: &'a EntityDef,
    ) -> impl Iterator<Item = Result<Box<dyn Record>>> + 'a {
        self.tree(def).0.iter().map(move |kv| {
            let (k, v) = kv?;
            self.decode(def, &k, &v)
        })
    }

    /// The records of an entity whose stored bytes contain `needle` (a code they
    /// name, say), decoded; the others are skipped undecoded. Callers still check
    /// the field: the bytes may hold the text elsewhere.
    pub fn scan_containing<'a>(
        &'a self,
        def: &'a EntityDef,
        needle: &'a str,
    ) -> impl Iterator<Item = Result<Box<dyn Record>>> + 'a {
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        self.tree(def).0.iter().filter_map(move |kv| match kv {
            Err(e) => Some(Err(e.into())),
            Ok((k, v)) => finder.find(&v).map(|_| self.decode(def, &k, &v)),
        })
    }

    /// The records of an entity in key order whose key passes `keep`; a key that
    /// fails is skipped without decoding its record.
    pub fn scan_where<'a>(
        &'a self,
        def: &'a EntityDef,
        mut keep: impl FnMut(&str) -> bool + 'a,
    ) -> impl Iterator<Item = Result<Box<dyn Record>>> + 'a {
        self.tree(def).0.iter().filter_map(move |kv| match kv {
            Err(e) => Some(Err(e.into())),
            Ok((k, v)) => {
                let key = std::str::from_utf8(&k).unwrap_or_default();
                keep(key).then(|| self.decode(def, &k, &v))
            }
        })
    }

    /// How many records this store has decoded since it was opened.
    pub fn decoded_count(&self) -> u64 {
        self.decoded.load(Ordering::Relaxed)
    }

    /// The keys of `target` records that at least one `source` record names, read
    /// from the reference index alone (None when references to `target` are not
    /// reverse-indexed).
    pub fn keys_named_by(
        &self,
        target: &EntityDef,
        source: &EntityDef,
    ) -> Result<Option<std::collections::HashSet<String>>> {
        if !index::is_reverse_indexed(target.name) {
            return Ok(None);
        }
        let mut out = std::collections::HashSet::new();
        for k in self
            .idx_ref
            .scan_prefix(index::prefix(&[target.name]))
            .keys()
        {
            let parts = index::split(&k?);
            if parts.get(2).map(String::as_str) == Some(source.name) {
                out.insert(parts[1].clone());
            }
        }
        Ok(Some(out))
    }

    /// A value the program keeps beside the records (flags, settings), by name.
    pub fn meta_get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.meta.get(name.as_bytes())?.map(|v| v.to_vec()))
    }

    /// Sets a value kept beside the records, flushed at once.
    pub fn meta_set(&self, name: &str, value: &[u8]) -> Result<()> {
        self.meta.insert(name.as_bytes(), value)?;
        self.flush()
    }

    /// The records of an entity after `key`, in key order (to go on where an earlier
    /// read stopped).
    pub fn scan_after<'a>(
        &'a self,
        def: &'a EntityDef,
        key: &str,
    ) -> impl Iterator<Item = Result<Box<dyn Record>>> + 'a {
        use std::ops::Bound;
        let from = Bound::Excluded(key.as_bytes().to_vec());
        self.tree(def)
            .0
            .range::<Vec<u8>, _>((from, Bound::Unbounded))
            .map(move |kv| {
                let (k, v) = kv?;
                self.decode(def, &k, &v)
            })
    }

    /// Up to `limit` records of an entity after `after` (from the first without
    /// it), in key order, as stored: nothing is decoded (an export's chunks).
    pub fn stored_after(
        &self,
        def: &EntityDef,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>> {
        use std::ops::Bound;
        let from = match after {
            Some(key) => Bound::Excluded(key.as_bytes().to_vec()),
            None => Bound::Unbounded,
        };
        self.tree(def)
            .0
            .range::<Vec<u8>, _>((from, Bound::Unbounded))
            .values()
            .take(limit)
            .map(|v| Ok(v?.to_vec()))
            .collect()
    }

    /// Up to `limit` records of an entity in key order.
    pub fn list(&self, def: &EntityDef, limit: Option<usize>) -> Result<Vec<Box<dyn Record>>> {
        self.scan(def).take(limit.unwrap_or(usize::MAX)).collect()
    }

    fn index_tree(&self, index: IndexKind) -> &sled::Tree {
        match index {
            IndexKind::Territory => &self.idx_territory,
            IndexKind::Team => &self.idx_team,
        }
    }

    /// The list rows (key and list columns) of an entity's records whose territory or
    /// sales team is `code`: one range read of the index, no record lookups.
    pub fn rows_by(
        &self,
        index: IndexKind,
        code: &str,
        def: &EntityDef,
        limit: Option<usize>,
    ) -> Result<Vec<ListRow>> {
        let code = code.trim().to_uppercase();
        self.index_tree(index)
            .scan_prefix(index::prefix(&[&code, def.name]))
            .values()
            .take(limit.unwrap_or(usize::MAX))
            .map(|v| {
                let v = v?;
                codec::decode::<ListRow>(&v).map_err(|message| StoreError::Corrupt {
                    entity: format!("{} index", def.name),
                    key: code.clone(),
                    message,
                })
            })
            .collect()
    }

    /// The keys of an entity's records whose territory or sales team is `code`.
    pub fn keys_by(
        &self,
        index: IndexKind,
        code: &str,
        def: &EntityDef,
        limit: Option<usize>,
    ) -> Result<Vec<String>> {
        let code = code.trim().to_uppercase();
        self.index_tree(index)
            .scan_prefix(index::prefix(&[&code, def.name]))
            .keys()
            .take(limit.unwrap_or(usize::MAX))
            .map(|k| Ok(index::split(&k?).pop().unwrap_or_default()))
            .collect()
    }

    /// The whole records of an entity whose territory or sales team is `code`: keys
    /// from the index, then one lookup each.
    pub fn list_by(
        &self,
        index: IndexKind,
        code: &str,
        def: &EntityDef,
        limit: Option<usize>,
    ) -> Result<Vec<Box<dyn Record>>> {
        let mut out = Vec::new();
        for key in self.keys_by(index, code, def, limit)? {
            // An index entry without its record can only be left by a crash during a
            // bulk load; `crm check --repair` removes it, a listing skips it.
            if let Some(r) = self.get(def, &key)? {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// How many records of each entity a territory or team holds, from the index.
    pub fn count_by(&self, index: IndexKind, code: &str) -> Result<Vec<(String, usize)>> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        let tree = self.index_tree(index);
        for k in tree
            .scan_prefix(index::prefix(&[&code.to_uppercase()]))
            .keys()
        {
            let parts = index::split(&k?);
            let entity = parts.get(1).cloned().unwrap_or_default();
            match counts.last_mut() {
                Some((e, n)) if *e == entity => *n += 1,
                _ => counts.push((entity, 1)),
            }
        }
        Ok(counts)
    }

    /// Number of records of an entity.
    pub fn count(&self, def: &EntityDef) -> usize {
        self.tree(def).0.len()
    }

    /// Whether no entity holds a CRM record (cheap: looks at one key per tree).
    /// The user's settings (saved queries) do not count: a database holding only
    /// them is still new.
    pub fn is_empty(&self) -> bool {
        self.trees
            .iter()
            .filter(|(name, _)| !model::is_setting(name))
            .all(|(_, (tree, _))| tree.is_empty())
    }

    /// Total CRM records over all entities, settings not counted (counts every key:
    /// slow on a big database).
    pub fn total_records(&self) -> usize {
        model::ENTITIES
            .iter()
            .filter(|d| !model::is_setting(d.name))
            .map(|d| self.count(d))
            .sum()
    }

    /// A " (did you mean X?)" for a key that does not exist; looks at no more than a
    /// few thousand keys so that a typo never costs a full scan.
    pub fn suggest_key(&self, def: &EntityDef, key: &str) -> String {
        if key.chars().count() > MAX_KEY_CHARS {
            return String::new();
        }
        let keys: Vec<String> = self
            .tree(def)
            .0
            .iter()
            .keys()
            .take(5000)
            .filter_map(|k| k.ok())
            .map(|k| String::from_utf8_lossy(&k).into_owned())
            .collect();
        match nearest(key, keys.iter().map(String::as_str)) {
            Some(s) => format!(" (did you mean {s}?)"),
            None => String::new(),
        }
    }

    /// Writes everything to disk now.
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    /// Bytes the database occupies on disk.
    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0)
    }
}
