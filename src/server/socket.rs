//! The files a server holds: its database, opened once a predecessor has let go
//! of it, and its socket, bound 0600 whatever the umask, a stale one replaced.

use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::store::{OpenOptions, Store};

/// A file's device and inode.
pub(super) fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Binds the socket; a socket file nobody answers on is a crashed server's and is
/// replaced, one that answers belongs to a running server.
pub(super) fn bind(socket: &Path) -> anyhow::Result<UnixListener> {
    if socket.exists() {
        if UnixStream::connect(socket).is_ok() {
            anyhow::bail!(
                "a server already serves this database on {}; `crm server stop` stops it",
                socket.display()
            );
        }
        std::fs::remove_file(socket)?;
    }
    // Created 0600 whatever the umask: only the owner may connect until told otherwise.
    // SAFETY: umask only changes this process's file creation mask.
    let old = unsafe { libc::umask(0o177) };
    let listener = UnixListener::bind(socket);
    // SAFETY: as above, restoring the previous mask.
    unsafe { libc::umask(old) };
    listener.map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", socket.display()))
}

/// Opens the database. A server that just stopped lets go of sled's lock only when
/// its last thread has exited, a moment after it stopped answering: wait for that
/// (a live server keeps its socket, so no client starts a second one beside it).
pub(super) fn open_store(db: &Path, repair: bool) -> anyhow::Result<Store> {
    let deadline = Instant::now() + Duration::from_secs(3);
    let options = OpenOptions {
        repair,
        ..OpenOptions::server()
    };
    loop {
        match Store::open_with(db, &options) {
            Err(crate::store::StoreError::Locked { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return Ok(other?),
        }
    }
}
