//! Pages sled cannot read: a log damaged in its middle, a blob file gone. The
//! database opens, but reading one of its trees past the damaged page fails
//! every time. `scan` reads every tree through and says where each one fails;
//! for a tree of records it asks the history which records the tree should hold
//! and reads those one by one, so that the records lost with the page are named.
//! `salvage` (at a repairing open, before the store takes its trees) writes each
//! damaged tree anew from what can still be read; what cannot is reported lost —
//! only a backup brings it back.

use std::collections::BTreeMap;
use std::path::Path;

use super::history::{Head, Kind};
use super::{codec, Result};
use crate::model;

/// What could not be read in one tree.
#[derive(Debug, Clone, Default)]
pub struct Damage {
    pub tree: String,
    /// Entries read before the damage, and (records) read one by one after it.
    pub readable: Vec<(Vec<u8>, Vec<u8>)>,
    /// Keys of records the history says the tree holds that cannot be read.
    pub lost: Vec<String>,
    pub error: String,
}

/// sled's error in words a user can act on.
pub(super) fn words(e: &sled::Error) -> String {
    match e {
        sled::Error::Corruption { at: Some(at), .. } => {
            let offset: String = format!("{at:?}")
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            format!("a damaged page at offset {offset} of the log file db")
        }
        sled::Error::Corruption { .. } => "damaged data".into(),
        sled::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "a blob file (a large record's stored content) is missing".into()
        }
        other => other.to_string(),
    }
}

/// The records of `entity` that its history says exist now, in key order.
fn expected(db: &sled::Db, entity: &str) -> Vec<String> {
    let Ok(hist) = db.open_tree("hist") else {
        return Vec::new();
    };
    let mut last: BTreeMap<String, Kind> = BTreeMap::new();
    for (_, v) in hist.iter().flatten() {
        let Ok(head) = codec::decode::<Head>(&v) else {
            continue;
        };
        for item in head.items.into_iter().filter(|i| i.entity == entity) {
            last.insert(item.key, item.kind);
        }
    }
    last.into_iter()
        .filter(|(_, kind)| *kind != Kind::Deleted)
        .map(|(key, _)| key)
        .collect()
}

/// Reads every tree of `db` through; one `Damage` per tree that cannot be.
pub(super) fn scan(db: &sled::Db) -> Vec<Damage> {
    let mut out = Vec::new();
    for name in db.tree_names() {
        let Ok(tree) = db.open_tree(&name) else {
            continue;
        };
        let mut readable = Vec::new();
        let mut failed = None;
        for kv in tree.iter() {
            match kv {
                Ok((k, v)) => readable.push((k.to_vec(), v.to_vec())),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let Some(e) = failed else { continue };
        let tree_name = String::from_utf8_lossy(&name).into_owned();
        let mut damage = Damage {
            error: words(&e),
            tree: tree_name.clone(),
            ..Damage::default()
        };
        if model::entity(&tree_name).is_some() {
            let after = readable.last().map(|(k, _)| k.clone());
            for key in expected(db, &tree_name) {
                if after
                    .as_ref()
                    .is_some_and(|a| key.as_bytes() <= a.as_slice())
                {
                    continue;
                }
                match tree.get(key.as_bytes()) {
                    Ok(Some(v)) => readable.push((key.into_bytes(), v.to_vec())),
                    Ok(None) => {}
                    Err(_) => damage.lost.push(key),
                }
            }
        }
        damage.readable = readable;
        out.push(damage);
    }
    out
}

/// At a repairing open, before the store takes its trees: a database with a tree
/// sled cannot read through is copied — every tree whole, a damaged one with
/// what can still be read of it — into a fresh database, which takes its place;
/// the damaged files are kept in a `damaged-…` folder. Returns a line per
/// damaged tree, for the report.
pub(super) fn rebuild_if_damaged(path: &Path, config: &sled::Config) -> Result<Vec<String>> {
    let Ok(Ok(old)) = super::recover::guarded(|| config.open()) else {
        return Ok(Vec::new()); // the open that follows says what is wrong
    };
    let damage = scan(&old);
    if damage.is_empty() {
        drop(old);
        super::recover::wait_alone(path);
        return Ok(Vec::new());
    }
    let fresh_path = path.join(REBUILDING);
    if fresh_path.exists() {
        // An earlier repair cut off: only ever our own copy.
        std::fs::remove_dir_all(&fresh_path).map_err(|e| io(path, e))?;
    }
    let fresh = sled::Config::new()
        .path(&fresh_path)
        .mode(sled::Mode::LowSpace)
        .open()?;
    let mut notes = Vec::new();
    for name in old.tree_names() {
        let tree = fresh.open_tree(&name)?;
        let shown = String::from_utf8_lossy(&name).into_owned();
        match damage.iter().find(|d| d.tree == shown) {
            Some(d) => {
                copy(
                    &tree,
                    d.readable.iter().map(|(k, v)| Ok((k.clone(), v.clone()))),
                )?;
                notes.push(format!(
                    "tree {} ({}): copied with the {} entries still readable{}",
                    d.tree,
                    d.error,
                    d.readable.len(),
                    lost_list(d)
                ));
            }
            None => copy(
                &tree,
                old.open_tree(&name)?
                    .iter()
                    .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec()))),
            )?,
        }
    }
    // Inbox and approval ids go on from where the damaged database was.
    let next_id = old.generate_id()?;
    while fresh.generate_id()? < next_id {}
    fresh.flush()?;
    drop(fresh);
    drop(old);
    let kept = super::recover::swap_in(path, &fresh_path)?;
    notes.push(format!(
        "the database was rebuilt from what could be read; its damaged files are kept in {kept}"
    ));
    Ok(notes)
}

/// The folder a rebuilding repair writes the fresh copy into.
pub(super) const REBUILDING: &str = "damaged-rebuilding";

fn copy(
    tree: &sled::Tree,
    entries: impl Iterator<Item = sled::Result<(Vec<u8>, Vec<u8>)>>,
) -> Result<()> {
    let mut batch = sled::Batch::default();
    let mut n = 0;
    for kv in entries {
        let (k, v) = kv?;
        batch.insert(k, v);
        n += 1;
        if n % super::bulk::CHUNK == 0 {
            tree.apply_batch(std::mem::take(&mut batch))?;
        }
    }
    tree.apply_batch(batch)?;
    Ok(())
}

fn io(path: &Path, e: impl std::fmt::Display) -> super::StoreError {
    super::StoreError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// "; lost: opportunity OPP1, …" for a damage that lost records.
pub(super) fn lost_list(damage: &Damage) -> String {
    if damage.lost.is_empty() {
        return String::new();
    }
    let mut names: Vec<String> = damage
        .lost
        .iter()
        .take(20)
        .map(|k| format!("{} {k}", damage.tree))
        .collect();
    if damage.lost.len() > 20 {
        names.push(format!("… and {} more", damage.lost.len() - 20));
    }
    format!(
        "; lost (only a backup brings them back: `crm restore FILE --db NEW`): {}",
        names.join(", ")
    )
}
