//! Starting a server when none runs, the way tmux does: connect; failing that, take
//! the lock file, connect once more (another `crm` may have started one meanwhile),
//! then spawn `crm serve --auto` detached — its own session, stdin from /dev/null,
//! stdout and stderr to the log file — and wait until its socket answers.

use std::fs::OpenOptions;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Paths;

/// How long an auto-started server waits without clients before it leaves
/// (`CRM_SERVER_IDLE` seconds overrides it).
pub const IDLE_EXIT: Duration = Duration::from_secs(600);

/// How long a client waits for a server it started to answer: opening a large
/// database after a crash replays sled's log, which can take seconds.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether a server this process starts opens with damaged files set aside
/// (`crm check --repair` on a database sled cannot open).
static REPAIR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on, a server this process starts sets damaged files aside.
pub fn start_with_repair() {
    REPAIR.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether `start_with_repair` was called.
pub fn repairs() -> bool {
    REPAIR.load(std::sync::atomic::Ordering::SeqCst)
}

pub fn idle_exit() -> Duration {
    std::env::var("CRM_SERVER_IDLE")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(IDLE_EXIT, Duration::from_secs)
}

/// A connection to the server of `db`, starting one if none answers.
pub fn connect_or_start(db: &Path) -> anyhow::Result<UnixStream> {
    let paths = Paths::of(db);
    if let Ok(s) = UnixStream::connect(&paths.socket) {
        return Ok(s);
    }
    if let Some(dir) = paths.socket.parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        }
    }
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&paths.lock)
        .map_err(|e| cannot_open(&paths.lock, &e))?;
    // SAFETY: flock on a file descriptor we own; released when `lock` closes.
    unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) };
    if let Ok(s) = UnixStream::connect(&paths.socket) {
        return Ok(s);
    }
    let exe = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot find the crm binary to start a server: {e}"))?;
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&paths.log)
        .map_err(|e| cannot_open(&paths.log, &e))?;
    let mut command = Command::new(exe);
    command
        .arg("serve")
        .arg("--auto")
        .arg("--db")
        .arg(db)
        .args(repairs().then_some("--repair"))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    // SAFETY: setsid is async-signal-safe; the server leaves the client's session
    // and terminal, so a ctrl-c there does not reach it.
    unsafe {
        command.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start a server: {e}"))?;
    let started = Instant::now();
    loop {
        if let Ok(s) = UnixStream::connect(&paths.socket) {
            // Reaps the server when it leaves, so no zombie stays behind a long TUI.
            std::thread::spawn(move || {
                let _ = child.wait();
            });
            return Ok(s);
        }
        if let Ok(Some(status)) = child.try_wait() {
            if let Some(other) = other_version(db) {
                anyhow::bail!("{other}");
            }
            // What the server said names the database and what to do: the one line.
            let said = last_line(&paths.log);
            if said.contains(&db.display().to_string()) {
                anyhow::bail!("{said}");
            }
            if said.is_empty() && disk_full(db) {
                anyhow::bail!(
                    "database {}: the disk holding it is full, so its server cannot start: free some space and try again (nothing was changed)",
                    db.display()
                );
            }
            anyhow::bail!(
                "the server for {} did not start ({status}): {said}",
                db.display()
            );
        }
        if started.elapsed() > START_TIMEOUT {
            anyhow::bail!(
                "the server for {} did not answer within {} s; see {}",
                db.display(),
                START_TIMEOUT.as_secs(),
                paths.log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Whether the file system holding `db` has no space left.
fn disk_full(db: &Path) -> bool {
    let dir = if db.exists() {
        db
    } else {
        db.parent().unwrap_or(db)
    };
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    // SAFETY: statvfs fills a struct we own, from a valid NUL-terminated path.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    unsafe { libc::statvfs(c.as_ptr(), &mut st) == 0 && st.f_bavail == 0 }
}

/// A file beside the database that cannot be made: a full disk says what to do.
fn cannot_open(path: &Path, e: &std::io::Error) -> anyhow::Error {
    if matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT)) {
        return anyhow::anyhow!(
            "cannot create {}: the disk is full — free some space and try again (nothing was changed)",
            path.display()
        );
    }
    anyhow::anyhow!("cannot open {}: {e}", path.display())
}

/// The log's last line without its time stamp: what the server said when it failed.
fn last_line(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let line = line
        .split_once("crm serve: ")
        .map_or(line, |(_, rest)| rest);
    line.strip_prefix("crm: ").unwrap_or(line).to_string()
}

/// A server of another protocol that answers beside `db` (an older or newer crm
/// still running), described for the user.
fn other_version(db: &Path) -> Option<String> {
    let ours = Paths::of(db);
    let dir = ours.socket.parent()?;
    let name = db.file_name()?.to_string_lossy().into_owned();
    let prefix = format!("{name}.crm-v");
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(version) = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".sock"))
        else {
            continue;
        };
        if entry.path() == ours.socket || UnixStream::connect(entry.path()).is_err() {
            continue;
        }
        let pid = std::fs::read_to_string(dir.join(format!("{prefix}{version}.pid")))
            .map(|p| format!(" (pid {})", p.trim()))
            .unwrap_or_default();
        return Some(format!(
            "a server of another crm version (protocol {version}){pid} holds {}; this crm speaks protocol {}: stop that server with the crm that started it, or end it, then try again",
            db.display(),
            crate::api::wire::PROTOCOL
        ));
    }
    None
}
