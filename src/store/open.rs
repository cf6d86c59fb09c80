//! Opening a database: sled configuration, the one-process lock, file permissions.

use std::collections::HashMap;
use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::codec::codec_for;
use super::{migrate, recover, Result, Store, StoreError};
use crate::model;

const PID_FILE: &str = "crm.pid";

/// How to open a database.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// sled's page cache; sled's own default (1 GiB) is far more than a CRM needs.
    pub cache_bytes: u64,
    /// Flush after every committed change (the UI and CLI rely on it: "saved" means
    /// on disk). Tests that make thousands of changes may turn it off.
    pub flush_each_write: bool,
    /// Keep every change in the history (always, but for the bench's measure of
    /// what the history costs).
    pub keep_history: bool,
    /// Set aside damaged snapshot and blob files before sled reads them
    /// (`crm check --repair`; see `recover`).
    pub repair: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            cache_bytes: 64 * 1024 * 1024,
            flush_each_write: true,
            keep_history: true,
            repair: false,
        }
    }
}

impl OpenOptions {
    /// For the full-screen interface, which keeps its own compact copy of the rows
    /// it shows: a smaller page cache (measured at 1M records: 55 MB less peak
    /// memory with the home pane's alerts and the largest mask open, same speed).
    pub fn interactive() -> OpenOptions {
        OpenOptions {
            cache_bytes: 16 * 1024 * 1024,
            ..OpenOptions::default()
        }
    }
}

impl OpenOptions {
    /// For the server, which serves every client of the database and stays up: a
    /// page cache that holds the hot part of a large database, and one flush per
    /// writing request, after its write lock is let go (see `api::local::handle`),
    /// rather than one inside each write.
    pub fn server() -> OpenOptions {
        OpenOptions {
            cache_bytes: 256 * 1024 * 1024,
            flush_each_write: false,
            ..OpenOptions::default()
        }
    }
}

/// `$XDG_DATA_HOME/termcrm/db` (or the platform's equivalent).
pub fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("", "", "termcrm")
        .map(|d| d.data_dir().join("db"))
        .unwrap_or_else(|| PathBuf::from("termcrm-db"))
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Whether `name`, inside a database directory, is sled's or crm's own.
fn ours(name: &str) -> bool {
    matches!(name, "conf" | "db" | "blobs" | PID_FILE)
        || name.starts_with("snap.")
        || recover::is_damaged_folder(name)
}

/// Whether `path` holds a database (sled's `conf` and `db`).
pub fn is_database(path: &Path) -> bool {
    path.join("conf").is_file() && path.join("db").is_file()
}

/// Refuses a path that is not a directory, or a directory holding files that are
/// no database's: nothing in it is touched.
fn check_directory(path: &Path) -> Result<()> {
    if !path.is_dir() {
        return Err(StoreError::Refused(format!(
            "{} is not a directory: a database is a directory of its own; pass --db with a new or empty one",
            path.display()
        )));
    }
    let entries = fs::read_dir(path).map_err(|e| io_error(path, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !ours(&name) {
            return Err(StoreError::Refused(format!(
                "{} holds other files ({name}, …) and no termcrm database; nothing in it was touched — pass --db with a new or empty directory",
                path.display()
            )));
        }
    }
    Ok(())
}

impl Store {
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Self::open_with(path, &OpenOptions::default())
    }

    /// Opens (creating a new database where there is none); damage sled meets on
    /// the way is one line naming the file (see `recover`).
    pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> Result<Store> {
        let path = path.as_ref();
        Self::open_unguarded(path, options).map_err(|e| match e {
            StoreError::Sled(e) if recover::is_damage(&e) => {
                recover::diagnose(path, &e.to_string())
            }
            e => e,
        })
    }

    fn open_unguarded(path: &Path, options: &OpenOptions) -> Result<Store> {
        let path = path.to_path_buf();
        let existed = super::is_database(&path);
        if path.exists() {
            check_directory(&path)?;
        } else {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&path)
                .map_err(|e| io_error(&path, format!("cannot create the directory: {e}")))?;
        }
        let set_aside = if existed {
            recover::prepare(&path, options.repair)?
        } else {
            Vec::new()
        };
        let config = sled::Config::new()
            .path(&path)
            .cache_capacity(options.cache_bytes)
            .mode(sled::Mode::LowSpace)
            .flush_every_ms(Some(1000));
        let mut set_aside = set_aside;
        if existed && options.repair {
            set_aside.extend(recover::without_snapshots_if_needed(&path, &config)?);
            set_aside.extend(super::salvage::rebuild_if_damaged(&path, &config)?);
        }
        let mut attempts = 0;
        let db = loop {
            let opened = recover::guarded(|| config.open())
                .map_err(|panic| recover::diagnose(&path, &panic))?;
            match opened.map_err(|e| open_error(&path, e)) {
                Ok(db) => break db,
                // A store this process just dropped lets go of its lock only when
                // sled's background thread ends; wait a little for our own.
                Err(StoreError::Locked { .. })
                    if attempts < 40 && locked_by_us(&path) && !open_here(&path) =>
                {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(e),
            }
        };
        let _ = fs::write(path.join(PID_FILE), std::process::id().to_string());
        restrict_permissions(&path);

        let mut trees = HashMap::new();
        for def in model::ENTITIES {
            trees.insert(def.name, (db.open_tree(def.name)?, codec_for(def)));
        }
        let hist = db.open_tree("hist")?;
        let next_change = Store::last_change_id(&hist)? + 1;
        let store = Store {
            hist,
            hist_rec: db.open_tree("hist:rec")?,
            imports: db.open_tree("imports")?,
            events: db.open_tree("events")?,
            next_change: next_change.into(),
            idx_territory: db.open_tree("idx:territory")?,
            idx_team: db.open_tree("idx:team")?,
            idx_ref: db.open_tree("idx:ref")?,
            idx_find: db.open_tree("idx:find")?,
            seq: db.open_tree("seq")?,
            meta: db.open_tree("meta")?,
            db,
            path,
            trees,
            write_lock: Mutex::new(()),
            flush_each_write: options.flush_each_write,
            keep_history: options.keep_history,
            decoded: Default::default(),
            watches: Default::default(),
            slots: Default::default(),
        };
        // From here on the Store's Drop takes the path off the list again.
        if let Ok(mut open) = OPEN_HERE.lock() {
            open.push(store.path.clone());
        }
        store.note_set_aside(set_aside);
        let ready = (|| {
            if existed && store.schema_version()?.is_none() {
                return Err(recover::emptied(&store.path));
            }
            store.check_restore()?;
            migrate::run(&store, migrate::MIGRATIONS)?;
            store.recover_imports()?;
            store.recover_bulk()
        })();
        ready.map(|()| store)
    }
}

fn open_error(path: &Path, e: sled::Error) -> StoreError {
    let text = e.to_string();
    if text.contains("could not acquire lock") || text.contains("WouldBlock") {
        let pid = fs::read_to_string(path.join(PID_FILE))
            .ok()
            .map(|p| format!(" (pid {}?)", p.trim()))
            .unwrap_or_else(|| " (pid ?)".to_string());
        return StoreError::Locked {
            path: path.display().to_string(),
            pid,
        };
    }
    if recover::is_damage(&e) {
        return recover::diagnose(path, &e.to_string());
    }
    if matches!(&e, sled::Error::Io(io) if super::error::is_disk_full(io)) {
        return io_error(path, super::error::DISK_FULL);
    }
    match e {
        sled::Error::Io(io) => io_error(path, io),
        other => io_error(path, other),
    }
}

/// The databases this process holds open, so that a re-open can tell "still open
/// here" (refuse at once) from "just closed here" (wait for sled to let go).
static OPEN_HERE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn open_here(path: &Path) -> bool {
    OPEN_HERE
        .lock()
        .map(|open| open.iter().any(|p| p == path))
        .unwrap_or(false)
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Ok(mut open) = OPEN_HERE.lock() {
            if let Some(i) = open.iter().position(|p| *p == self.path) {
                open.swap_remove(i);
            }
        }
    }
}

fn locked_by_us(path: &Path) -> bool {
    fs::read_to_string(path.join(PID_FILE))
        .is_ok_and(|pid| pid.trim() == std::process::id().to_string())
}

/// The database holds customer data: only its owner may read it.
fn restrict_permissions(path: &Path) {
    let _ = fs::set_permissions(path, fs::Permissions::from_mode(0o700));
    let Ok(entries) = fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let mode = if entry.path().is_dir() { 0o700 } else { 0o600 };
        let _ = fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode));
    }
}
