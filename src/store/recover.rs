//! Damage and recovery around sled's open. sled reads the newest `snap.*` file
//! (a `.generating` one a full disk left behind sorts last, so it is read first),
//! then replays its log (`db`); a damaged file makes it fail with "Read corrupted
//! data" or panic inside its page cache. Here the open is guarded (a panic becomes
//! an error), a failure is turned into one line naming the file, what is wrong
//! and what to do, and the files sled can do without are set aside — kept in a
//! `damaged-YYYYMMDD-HHMMSS/` folder inside the database, never deleted: a
//! leftover `.generating` snapshot always (it is never valid to read), damaged
//! snapshots and blobs with `repair` (`crm check --repair`); without its
//! snapshot sled rebuilds the page table from the log.

use std::cell::Cell;
use std::fs;
use std::io::Read;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use super::{Result, Store, StoreError};

/// What the open of this store set aside (kept for `crm check` to report).
#[derive(Default)]
pub struct SetAside(pub Mutex<Vec<String>>);

impl Store {
    /// What opening this database set aside, one line each.
    pub fn set_aside(&self) -> Vec<String> {
        self.slot(SetAside::default)
            .0
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }

    pub(super) fn note_set_aside(&self, notes: Vec<String>) {
        if let Ok(mut v) = self.slot(SetAside::default).0.lock() {
            v.extend(notes);
        }
    }
}

/// A snapshot or blob file's state, as far as its own checksum tells.
fn snapshot_fault(bytes: &[u8]) -> Option<String> {
    if bytes.len() <= 12 {
        return Some(if bytes.is_empty() {
            "is empty".into()
        } else {
            format!("is cut short ({} bytes)", bytes.len())
        });
    }
    let (body, tail) = bytes.split_at(bytes.len() - 12);
    let expected = u32::from_le_bytes(tail[8..12].try_into().unwrap_or_default());
    (crc32(&[body]) != expected).then(|| "fails its checksum".to_string())
}

fn blob_fault(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 5 {
        return Some(format!("is cut short ({} bytes)", bytes.len()));
    }
    let expected = u32::from_le_bytes(bytes[..4].try_into().unwrap_or_default());
    (crc32(&[&bytes[4..]]) != expected)
        .then(|| "fails its checksum (cut short or overwritten)".into())
}

fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = flate2::Crc::new();
    for p in parts {
        crc.update(p);
    }
    crc.sum()
}

fn read(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    if let Ok(mut f) = fs::File::open(path) {
        let _ = f.read_to_end(&mut out);
    }
    out
}

/// The database's `snap.*` files, sorted as sled sorts them (the last is read).
fn snapshots(path: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| name(p).starts_with("snap."))
        .collect();
    out.sort();
    out
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Damaged blob files: (file name under `blobs/`, what is wrong).
pub(super) fn damaged_blobs(path: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(path.join("blobs"))
        .into_iter()
        .flatten()
        .flatten()
    {
        if let Some(fault) = blob_fault(&read(&entry.path())) {
            out.push((name(&entry.path()), fault));
        }
    }
    out.sort();
    out
}

/// Sets aside every blob file whose checksum fails (an open store's repair: such
/// a file is unreadable whether sled still names it or not).
pub(super) fn set_aside_blobs(path: &Path) -> Result<Vec<String>> {
    let files: Vec<(PathBuf, String)> = damaged_blobs(path)
        .into_iter()
        .map(|(blob, fault)| {
            (
                path.join("blobs").join(blob),
                format!("a blob that {fault}"),
            )
        })
        .collect();
    move_aside(path, &files)
}

fn blob_line(blob: &str, fault: &str) -> String {
    format!(
        "blob file blobs/{blob} (a large record's stored content) {fault}; `crm check --repair` sets it aside and sled goes back to the log before it — the records it held, and what was written after it, are lost: only a backup brings them back (`crm restore FILE --db NEW`)"
    )
}

/// Whether `name`, inside a database directory, is a folder of set-aside files.
pub(super) fn is_damaged_folder(name: &str) -> bool {
    name.starts_with("damaged-")
}

/// sled's lock (an exclusive flock on `db`), held while files are set aside so
/// that nothing is moved under a process that has the database open.
fn alone(path: &Path) -> Option<fs::File> {
    let file = fs::File::open(path.join("db")).ok()?;
    // SAFETY: flock on a descriptor we own; released when `file` closes.
    let got = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
    got.then_some(file)
}

/// A new `damaged-YYYYMMDD-HHMMSS` folder in the database.
fn damaged_folder(path: &Path) -> Result<PathBuf> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let mut folder = path.join(format!("damaged-{stamp}"));
    let mut n = 1;
    while folder.exists() {
        n += 1;
        folder = path.join(format!("damaged-{stamp}-{n}"));
    }
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .mode(0o700)
        .create(&folder)
        .map_err(|e| io(path, format!("cannot create {}: {e}", folder.display())))?;
    Ok(folder)
}

/// Puts the fresh database at `fresh` (inside `path`) in the place of the one at
/// `path`, whose files go to a new `damaged-…` folder; returns that folder's name.
pub(super) fn swap_in(path: &Path, fresh: &Path) -> Result<String> {
    wait_alone(fresh);
    let folder = damaged_folder(path)?;
    let sled_files = |dir: &Path| -> Vec<PathBuf> {
        fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let n = name(p);
                matches!(n.as_str(), "conf" | "db" | "blobs") || n.starts_with("snap.")
            })
            .collect()
    };
    let moved = |from: &Path, to: &Path| {
        fs::rename(from, to).map_err(|e| io(path, format!("cannot move {}: {e}", from.display())))
    };
    for file in sled_files(path) {
        moved(&file, &folder.join(name(&file)))?;
    }
    for file in sled_files(fresh) {
        moved(&file, &path.join(name(&file)))?;
    }
    let _ = fs::remove_dir_all(fresh);
    Ok(name(&folder))
}

/// Waits (a little) until no sled in this process holds the database at `path`:
/// sled lets go of its lock when its background thread ends, a moment after the
/// database was dropped.
pub(super) fn wait_alone(path: &Path) {
    for _ in 0..200 {
        if alone(path).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// A repairing open's last resort: when sled cannot open the database even
/// without its damaged files, its snapshots go aside too (a valid snapshot may
/// name a blob file that is gone) and sled rebuilds from the log alone. The log
/// is copied into the folder first, as it was: sled's recovery may cut it where
/// it stops reading.
pub(super) fn without_snapshots_if_needed(
    path: &Path,
    config: &sled::Config,
) -> Result<Vec<String>> {
    match guarded(|| config.open()) {
        Ok(Ok(db)) => {
            drop(db);
            wait_alone(path);
            return Ok(Vec::new());
        }
        Ok(Err(e)) if !is_damage(&e) => return Ok(Vec::new()),
        _ => {}
    }
    wait_alone(path);
    let snaps = snapshots(path);
    if snaps.is_empty() || alone(path).is_none() {
        return Ok(Vec::new());
    }
    let folder = damaged_folder(path)?;
    let copy = folder.join("db");
    fs::copy(path.join("db"), &copy)
        .map_err(|e| io(path, format!("cannot keep a copy of db: {e}")))?;
    let mut notes = vec![format!(
        "sled could not open the database with its snapshot: a copy of the log db as it was is kept as {}/db",
        name(&folder)
    )];
    for snap in snaps {
        let to = folder.join(name(&snap));
        fs::rename(&snap, &to)
            .map_err(|e| io(path, format!("cannot move {} aside: {e}", name(&snap))))?;
        notes.push(format!(
            "set aside {} (sled rebuilds from the log without it): kept as {}/{}",
            name(&snap),
            name(&folder),
            name(&snap)
        ));
    }
    Ok(notes)
}

/// Moves `files` of the database at `path` into a new `damaged-…` folder in it.
fn move_aside(path: &Path, files: &[(PathBuf, String)]) -> Result<Vec<String>> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let folder = damaged_folder(path)?;
    let mut notes = Vec::new();
    for (file, why) in files {
        let shown = file
            .strip_prefix(path)
            .unwrap_or(file)
            .display()
            .to_string();
        let to = folder.join(shown.replace('/', "_"));
        fs::rename(file, &to).map_err(|e| io(path, format!("cannot move {shown} aside: {e}")))?;
        notes.push(format!(
            "set aside {shown} ({why}): kept as {}",
            to.strip_prefix(path).unwrap_or(&to).display()
        ));
    }
    Ok(notes)
}

fn io(path: &Path, message: String) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        message,
    }
}

/// Before sled opens an existing database: sets aside a leftover `.generating`
/// snapshot, and with `repair` every snapshot and blob file whose checksum fails.
/// Returns what it set aside; nothing when another process holds the database.
pub(super) fn prepare(path: &Path, repair: bool) -> Result<Vec<String>> {
    let Some(_alone) = alone(path) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for snap in snapshots(path) {
        if name(&snap).ends_with(".generating") {
            files.push((
                snap,
                "a snapshot left unfinished, by a full disk or a crash".into(),
            ));
        } else if repair {
            if let Some(fault) = snapshot_fault(&read(&snap)) {
                files.push((snap, format!("a snapshot that {fault}")));
            }
        }
    }
    let mut notes = move_aside(path, &files)?;
    if repair {
        notes.extend(set_aside_blobs(path)?);
    } else if let Some((blob, fault)) = damaged_blobs(path).into_iter().next() {
        // sled would take the log back to before it, silently: say so instead.
        return Err(StoreError::Damaged(format!(
            "database {}: {}",
            path.display(),
            blob_line(&blob, &fault)
        )));
    }
    Ok(notes)
}

thread_local! {
    /// Set while this thread opens sled: a panic there is reported as an error.
    static OPENING: Cell<bool> = const { Cell::new(false) };
}

/// sled's open with a panic inside it turned into an error (and not printed).
pub(super) fn guarded<T>(open: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !OPENING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    OPENING.with(|o| o.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(open));
    OPENING.with(|o| o.set(false));
    result.map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into())
    })
}

/// Whether an open failed because of damage (not a lock, a permission, ...).
pub(super) fn is_damage(e: &sled::Error) -> bool {
    matches!(e, sled::Error::Corruption { .. })
        || matches!(e, sled::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound
            || io.kind() == std::io::ErrorKind::UnexpectedEof)
}

/// The one line for a database sled cannot open: which file, what is wrong,
/// what to do. `cause` is sled's own words.
pub(super) fn diagnose(path: &Path, cause: &str) -> StoreError {
    let shown = path.display();
    let repair = "`crm check --repair` sets it aside (kept in a damaged-… folder in the database) and sled rebuilds from its log";
    let mut why = None;
    for snap in snapshots(path).into_iter().rev() {
        let file = name(&snap);
        if file.ends_with(".generating") {
            why = Some(format!(
                "snapshot file {file} was left unfinished (a full disk?); {repair}"
            ));
            break;
        }
        if let Some(fault) = snapshot_fault(&read(&snap)) {
            why = Some(format!("snapshot file {file} {fault}; {repair}"));
            break;
        }
    }
    if why.is_none() {
        if let Some((blob, fault)) = damaged_blobs(path).into_iter().next() {
            why = Some(blob_line(&blob, &fault));
        }
    }
    let size = fs::metadata(path.join("db")).map(|m| m.len()).unwrap_or(0);
    let why = why.unwrap_or_else(|| {
        format!(
            "its log file db ({size} bytes) is damaged or cut short, so sled cannot read it ({}); `crm check --repair` tries to rebuild it from the log alone (keeping a copy of every file it changes); if that fails, restore your last backup into a new directory: `crm restore FILE --db NEW`",
            sled_words(cause)
        )
    });
    StoreError::Damaged(format!("database {shown}: {why}"))
}

/// sled's error text without its debugging noise ("at file offset None
/// backtrace ()").
fn sled_words(cause: &str) -> String {
    let cause = cause.trim();
    if cause.starts_with("Read corrupted data") {
        let offset: String = cause
            .split("Some(")
            .nth(1)
            .map(|rest| rest.chars().filter(char::is_ascii_digit).collect())
            .unwrap_or_default();
        return if offset.is_empty() {
            "sled reads damaged data".into()
        } else {
            format!("sled reads damaged data at offset {offset}")
        };
    }
    format!("sled stopped: {cause}")
}

/// The line for a database whose files opened but hold nothing — not even the
/// schema version every database has: its log lost its contents.
pub(super) fn emptied(path: &Path) -> StoreError {
    let size = fs::metadata(path.join("db")).map(|m| m.len()).unwrap_or(0);
    StoreError::Damaged(format!(
        "database {}: its log file db ({size} bytes) holds nothing, not even the schema version every database has: it was cut short or overwritten; restore your last backup into a new directory: `crm restore FILE --db NEW` (what a repair set aside is kept in the database's damaged-… folders)",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_is_judged_by_its_own_checksum() {
        let body = b"some page table";
        let mut good = body.to_vec();
        good.extend_from_slice(&(body.len() as u64).to_le_bytes());
        good.extend_from_slice(&crc32(&[body]).to_le_bytes());
        assert_eq!(snapshot_fault(&good), None);
        assert_eq!(snapshot_fault(b""), Some("is empty".into()));
        assert!(snapshot_fault(&good[..10]).unwrap().contains("cut short"));
        let mut bad = good.clone();
        bad[2] ^= 1;
        assert!(snapshot_fault(&bad).unwrap().contains("checksum"));
    }

    #[test]
    fn a_blob_is_judged_by_its_own_checksum() {
        let data = b"\x01a large record";
        let mut good = crc32(&[data]).to_le_bytes().to_vec();
        good.extend_from_slice(data);
        assert_eq!(blob_fault(&good), None);
        assert!(blob_fault(&good[..good.len() - 3]).is_some());
    }

    #[test]
    fn a_panic_while_opening_is_an_error() {
        let r: std::result::Result<(), String> =
            guarded(|| panic!("tried to serialize Uninitialized"));
        assert_eq!(r.unwrap_err(), "tried to serialize Uninitialized");
        assert_eq!(guarded(|| 5), Ok(5));
    }
}
