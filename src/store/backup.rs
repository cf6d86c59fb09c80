//! `crm backup` and `crm restore`: a versioned, compressed copy of every tree
//! that holds what users made — the records of every entity (saved queries and
//! event rules included), the key sequences, `meta` (schema version, settings),
//! the history (`hist`, `hist:rec`), the inboxes and event log (`events`) and the
//! import batches (`imports`) — and a new database built from one. Indexes are
//! not copied: a restore writes them anew from the records.
//!
//! Format: a header (`MAGIC`, format version u16, schema version u32, time of
//! the backup in ms i64, the next inbox id u64, all big-endian), then a gzip
//! stream of frames (u32 length, bincode of an `Item`), ending with `End`.
//!
//! Consistency without stopping writes: the trees are read while writers go on;
//! then, with writes paused (the `pause` lock), every change committed since the
//! backup began — each named by its history head — is appended as the record's
//! state now (or its removal), with those heads and states, and the small trees
//! (`seq`, `meta`, `events`, `imports`) are copied whole. Applied in order, the
//! backup is the database as it was at that pause.

use std::io::{self, Read, Write};
use std::ops::Bound;
use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};

use super::codec::{self, Bytes};
use super::history::{rec_key, Head};
use super::{Result, Store, StoreError};
use crate::model;

/// The first bytes of every backup file.
pub const MAGIC: &[u8; 15] = b"TERMCRM-BACKUP\n";
/// The backup format this build writes and reads.
pub const FORMAT: u16 = 1;
/// The longest entry a backup holds (a record is far smaller).
const MAX_ENTRY: usize = 64 << 20;
const HEADER_LEN: usize = MAGIC.len() + 2 + 4 + 8 + 8;

/// Trees copied while writers go on (large, append-mostly), beside the entities.
const STREAMED: &[&str] = &["hist", "hist:rec"];
/// Trees copied whole while writes are paused (small).
const PAUSED: &[&str] = &["seq", "meta", "events", "imports"];

/// Set in `meta` while a restore writes: a database opened with it was cut off.
const RESTORE_OPEN: &[u8] = b"restore open";

#[derive(Debug, Serialize, Deserialize)]
enum Item {
    Tree(String),
    Put(Bytes, Bytes),
    Remove(Bytes),
    End { entries: u64 },
}

/// What a backup file says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupHeader {
    pub format: u16,
    pub schema: u32,
    pub at_ms: i64,
    pub next_id: u64,
}

/// What a backup or a restore did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupReport {
    /// CRM records and settings records.
    pub records: u64,
    /// Every entry written or read, records included.
    pub entries: u64,
    /// How long writers waited for the backup (ms).
    pub paused_ms: u64,
    pub schema: u32,
}

/// Reads and checks a backup's header; the error is one line naming `file`.
pub fn read_header(input: &mut dyn Read, file: &str) -> Result<BackupHeader> {
    let mut h = [0u8; HEADER_LEN];
    let not_ours = |why: &str| {
        StoreError::Refused(format!(
            "{file} is no termcrm backup ({why}); `crm backup FILE` writes one"
        ))
    };
    input
        .read_exact(&mut h)
        .map_err(|_| not_ours("too short"))?;
    if &h[..MAGIC.len()] != MAGIC {
        return Err(not_ours("it does not start as one"));
    }
    let at = MAGIC.len();
    let be = |r: std::ops::Range<usize>| -> u64 {
        h[r].iter().fold(0u64, |n, b| (n << 8) | u64::from(*b))
    };
    let header = BackupHeader {
        format: be(at..at + 2) as u16,
        schema: be(at + 2..at + 6) as u32,
        at_ms: be(at + 6..at + 14) as i64,
        next_id: be(at + 14..at + 22),
    };
    if header.format != FORMAT {
        return Err(StoreError::Refused(format!(
            "{file} is a backup of format {}, this crm reads format {FORMAT}; restore it with the crm that wrote it",
            header.format
        )));
    }
    if header.schema > super::SCHEMA_VERSION {
        return Err(StoreError::Refused(format!(
            "{file} holds schema version {}, newer than this crm knows ({}); update crm",
            header.schema,
            super::SCHEMA_VERSION
        )));
    }
    Ok(header)
}

struct Frames<W: Write> {
    out: W,
    entries: u64,
}

impl<W: Write> Frames<W> {
    fn put(&mut self, item: &Item) -> io::Result<()> {
        let bytes = bincode::serde::encode_to_vec(item, bincode::config::standard())
            .map_err(io::Error::other)?;
        self.out.write_all(&(bytes.len() as u32).to_le_bytes())?;
        self.out.write_all(&bytes)?;
        if matches!(item, Item::Put(..) | Item::Remove(_)) {
            self.entries += 1;
        }
        Ok(())
    }

    fn tree(&mut self, name: &str, tree: &sled::Tree) -> Result<()> {
        self.put(&Item::Tree(name.into())).map_err(written)?;
        for kv in tree.iter() {
            let (k, v) = kv?;
            self.put(&Item::Put(Bytes(k.to_vec()), Bytes(v.to_vec())))
                .map_err(written)?;
        }
        Ok(())
    }
}

fn written(e: io::Error) -> StoreError {
    StoreError::Refused(format!(
        "the backup could not be sent on ({e}); nothing was changed"
    ))
}

impl Store {
    /// Writes a backup to `out`. `pause` stops writers while it is held: for a
    /// moment at the start, and while the changes made meanwhile are added.
    pub fn backup<G>(&self, out: &mut dyn Write, pause: impl Fn() -> G) -> Result<BackupReport> {
        let start = {
            let _quiet = pause();
            self.next_change.load(Ordering::SeqCst)
        };
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT.to_be_bytes());
        header.extend_from_slice(&super::SCHEMA_VERSION.to_be_bytes());
        header.extend_from_slice(&chrono::Utc::now().timestamp_millis().to_be_bytes());
        header.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
        out.write_all(&header).map_err(written)?;
        let gz = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
        let mut frames = Frames {
            out: gz,
            entries: 0,
        };
        let mut records = 0u64;
        for def in model::ENTITIES {
            records += self.tree(def).0.len() as u64;
            frames.tree(def.name, &self.tree(def).0)?;
        }
        frames.tree("hist", &self.hist)?;
        frames.tree("hist:rec", &self.hist_rec)?;
        let paused = std::time::Instant::now();
        {
            let _quiet = pause();
            records += self.changes_since(start, &mut frames)?;
            for (name, tree) in [
                ("seq", &self.seq),
                ("meta", &self.meta),
                ("events", &self.events),
                ("imports", &self.imports),
            ] {
                frames.tree(name, tree)?;
            }
        }
        let paused_ms = paused.elapsed().as_millis() as u64;
        let entries = frames.entries;
        frames.put(&Item::End { entries }).map_err(written)?;
        frames
            .out
            .finish()
            .map_err(written)?
            .flush()
            .map_err(written)?;
        Ok(BackupReport {
            records,
            entries,
            paused_ms,
            schema: super::SCHEMA_VERSION,
        })
    }

    /// The commits from `start` on, as the records, heads and states they left.
    /// Returns how many records they created (less those they deleted, as far as
    /// that count goes: it is for the report only).
    fn changes_since(&self, start: u64, frames: &mut Frames<impl Write>) -> Result<u64> {
        let mut heads = Vec::new();
        let from = Bound::Included(start.to_be_bytes().to_vec());
        for kv in self.hist.range::<Vec<u8>, _>((from, Bound::Unbounded)) {
            let (k, v) = kv?;
            heads.push((k.to_vec(), v.to_vec()));
        }
        let mut added = 0u64;
        for (k, v) in &heads {
            let Ok(head) = codec::decode::<Head>(v) else {
                continue;
            };
            for item in &head.items {
                let Some(def) = model::entity(&item.entity) else {
                    continue;
                };
                frames.put(&Item::Tree(def.name.into())).map_err(written)?;
                let key = Bytes(item.key.as_bytes().to_vec());
                // The count follows what the commits did; the frames carry the
                // record as it is now.
                match item.kind {
                    super::history::Kind::Created => added += 1,
                    super::history::Kind::Deleted => added = added.saturating_sub(1),
                    super::history::Kind::Updated => {}
                }
                match self.tree(def).0.get(item.key.as_bytes())? {
                    Some(v) => frames.put(&Item::Put(key, Bytes(v.to_vec()))),
                    None => frames.put(&Item::Remove(key)),
                }
                .map_err(written)?;
                if let Some(state) = self
                    .hist_rec
                    .get(rec_key(&item.entity, &item.key, head.id))?
                {
                    frames
                        .put(&Item::Tree("hist:rec".into()))
                        .map_err(written)?;
                    let rk = Bytes(rec_key(&item.entity, &item.key, head.id));
                    frames
                        .put(&Item::Put(rk, Bytes(state.to_vec())))
                        .map_err(written)?;
                }
            }
            frames.put(&Item::Tree("hist".into())).map_err(written)?;
            frames
                .put(&Item::Put(Bytes(k.clone()), Bytes(v.clone())))
                .map_err(written)?;
        }
        Ok(added)
    }

    /// Builds this database from a backup: refused unless it holds no CRM
    /// records; what it holds besides (the settings a new database starts with,
    /// their history) is replaced. A backup that is cut short or damaged leaves
    /// the database empty again, with one line naming `file`.
    pub fn restore_backup(&self, input: &mut dyn Read, file: &str) -> Result<BackupReport> {
        let existing = self.total_records();
        if existing > 0 {
            return Err(StoreError::Refused(format!(
                "database {} already holds {existing} records; a backup is restored into a new directory (`crm restore {file} --db NEW`)",
                self.path().display()
            )));
        }
        let header = read_header(input, file)?;
        self.clear_for_restore()?;
        self.meta.insert(RESTORE_OPEN, &[1])?;
        self.flush()?;
        match self.apply_backup(input) {
            Ok(mut report) => {
                self.meta.insert(RESTORE_OPEN, &[1])?;
                super::migrate::run(self, super::migrate::MIGRATIONS)?;
                self.rebuild_indexes(false)?;
                while self.db.generate_id()? < header.next_id {}
                let next = Store::last_change_id(&self.hist)? + 1;
                self.next_change.store(next, Ordering::SeqCst);
                self.watches.overflow_all();
                self.meta.remove(RESTORE_OPEN)?;
                self.flush()?;
                report.schema = header.schema;
                report.records = model::ENTITIES.iter().map(|d| self.count(d) as u64).sum();
                Ok(report)
            }
            Err(why) => {
                self.clear_for_restore()?;
                self.rebuild_indexes(false)?;
                self.flush()?;
                Err(StoreError::Refused(format!(
                    "{file} is cut short or damaged ({why}); nothing was restored — use another backup"
                )))
            }
        }
    }

    /// Empties every tree a backup holds.
    fn clear_for_restore(&self) -> Result<()> {
        for def in model::ENTITIES {
            self.tree(def).0.clear()?;
        }
        for name in STREAMED.iter().chain(PAUSED) {
            self.db.open_tree(name)?.clear()?;
        }
        Ok(())
    }

    /// Applies a backup's frames; the error says what is wrong with them.
    fn apply_backup(&self, input: &mut dyn Read) -> std::result::Result<BackupReport, String> {
        let mut gz = flate2::read::GzDecoder::new(input);
        let mut tree: Option<sled::Tree> = None;
        let mut batch = sled::Batch::default();
        let mut pending = 0usize;
        let mut entries = 0u64;
        loop {
            let mut len = [0u8; 4];
            gz.read_exact(&mut len)
                .map_err(|e| format!("it ends early: {e}"))?;
            let len = u32::from_le_bytes(len) as usize;
            if len > MAX_ENTRY {
                return Err(format!("an entry of {len} bytes"));
            }
            let mut buf = vec![0u8; len];
            gz.read_exact(&mut buf)
                .map_err(|e| format!("it ends early: {e}"))?;
            let (item, _): (Item, usize) =
                // Bounded: a length inside the entry claims no more than it holds.
                bincode::serde::decode_from_slice(
                    &buf,
                    bincode::config::standard().with_limit::<MAX_ENTRY>(),
                )
                    .map_err(|e| format!("an unreadable entry: {e}"))?;
            if tree.is_none() && matches!(item, Item::Put(..) | Item::Remove(_)) {
                return Err("an entry before its tree".into());
            }
            let flush = |tree: &Option<sled::Tree>,
                         batch: sled::Batch|
             -> std::result::Result<(), String> {
                if let Some(t) = tree {
                    t.apply_batch(batch).map_err(|e| e.to_string())?;
                }
                Ok(())
            };
            match item {
                Item::Tree(name) => {
                    flush(&tree, std::mem::take(&mut batch))?;
                    pending = 0;
                    let known = model::entity(&name).is_some()
                        || STREAMED.contains(&name.as_str())
                        || PAUSED.contains(&name.as_str());
                    if !known {
                        return Err(format!(
                            "a tree '{}' no termcrm database has",
                            crate::util::excerpt(&name)
                        ));
                    }
                    tree = Some(self.db.open_tree(&name).map_err(|e| e.to_string())?);
                }
                Item::Put(k, v) => {
                    batch.insert(k.0, v.0);
                    entries += 1;
                    pending += 1;
                }
                Item::Remove(k) => {
                    batch.remove(k.0);
                    entries += 1;
                    pending += 1;
                }
                Item::End { entries: want } => {
                    flush(&tree, batch)?;
                    if want != entries {
                        return Err(format!("{entries} entries where its end says {want}"));
                    }
                    // The rest of the stream: its checksum and length, checked.
                    let mut rest = Vec::new();
                    gz.read_to_end(&mut rest)
                        .map_err(|e| format!("its last bytes: {e}"))?;
                    if !rest.is_empty() {
                        return Err("bytes after its end".into());
                    }
                    return Ok(BackupReport {
                        entries,
                        ..BackupReport::default()
                    });
                }
            }
            if pending >= super::bulk::CHUNK {
                flush(&tree, std::mem::take(&mut batch))?;
                pending = 0;
            }
        }
    }

    /// A database whose restore was cut off (kill -9, a crash) is refused.
    pub(super) fn check_restore(&self) -> Result<()> {
        if self.meta.get(RESTORE_OPEN)?.is_some() {
            return Err(StoreError::Refused(format!(
                "database {} holds a restore that was cut off: remove the directory and run `crm restore FILE --db {}` again",
                self.path().display(),
                self.path().display()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Competitor, Entity};

    fn competitor(key: &str, name: &str) -> Box<dyn crate::model::Record> {
        Box::new(Competitor {
            key: key.into(),
            name: name.into(),
            ..Default::default()
        })
    }

    /// Each entity's stored (key, value) pairs.
    type Dump = Vec<(String, Vec<(Vec<u8>, Vec<u8>)>)>;

    fn all(store: &Store) -> Dump {
        model::ENTITIES
            .iter()
            .map(|d| {
                let rows = store
                    .tree(d)
                    .0
                    .iter()
                    .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
                    .collect();
                (d.name.to_string(), rows)
            })
            .collect()
    }

    /// Writes made while the trees are read (here: just before the pause that
    /// ends the backup) are in it: the restored database is the source as it
    /// was at that pause.
    #[test]
    fn changes_made_during_a_backup_are_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("a")).unwrap();
        for i in 0..50 {
            store
                .insert(competitor(&format!("C{i:02}"), "Rival"))
                .unwrap();
        }
        let lock = std::sync::Mutex::new(());
        let calls = std::cell::Cell::new(0);
        let mut out = Vec::new();
        let report = store
            .backup(&mut out, || {
                calls.set(calls.get() + 1);
                if calls.get() == 2 {
                    store.insert(competitor("NEW", "Late")).unwrap();
                    store.update(competitor("C10", "Renamed")).unwrap();
                    store.delete(Competitor::DEF, "C20").unwrap();
                }
                lock.lock().unwrap()
            })
            .unwrap();
        assert_eq!(calls.get(), 2, "paused twice: at the start and at the end");
        let copy = Store::open(dir.path().join("b")).unwrap();
        let restored = copy
            .restore_backup(&mut out.as_slice(), "b.crmbak")
            .unwrap();
        assert_eq!(restored.entries, report.entries);
        assert_eq!(all(&copy), all(&store));
        assert!(copy.audit().unwrap().is_clean());
        assert_eq!(
            copy.history(Competitor::DEF, "C10", None).unwrap(),
            store.history(Competitor::DEF, "C10", None).unwrap()
        );
        // Cut short anywhere: refused, and the database is empty again.
        let again = Store::open(dir.path().join("c")).unwrap();
        let err = again
            .restore_backup(&mut &out[..out.len() - 7], "c.crmbak")
            .unwrap_err();
        assert!(err.to_string().contains("cut short or damaged"), "{err}");
        assert_eq!(again.total_records(), 0);
        assert!(again.audit().unwrap().is_clean());
    }
}
