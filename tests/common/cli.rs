//! Running the built `crm` binary on a database, as a user would from a shell. The
//! first command on a database starts its server; every server a test's commands
//! started is stopped (by its pid) when the test's thread ends, or earlier by
//! `stop_server`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `crm --db DB ARGS…` with `USER` set to "nobody" (identity comes from the
/// OS, not from it); returns the exit code, standard output and standard error.
pub fn crm(db: &Path, args: &[&str]) -> (i32, String, String) {
    crm_with(db, &[("USER", Some("nobody"))], args)
}

/// `crm --db DB ARGS…` with environment variables set (`Some`) or removed (`None`).
pub fn crm_with(db: &Path, env: &[(&str, Option<&str>)], args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crm"));
    cmd.env_remove("CRM_DB");
    for (name, value) in env {
        match value {
            Some(v) => cmd.env(name, v),
            None => cmd.env_remove(name),
        };
    }
    let out = cmd
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("crm runs");
    watch(db);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The pid file a server of `db` writes (see `termcrm::server::Paths`).
pub fn pid_file(db: &Path) -> PathBuf {
    termcrm::server::Paths::of(db).pid
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid, 0) == 0 }
}

/// Whether `pid` runs (a zombie does not).
pub fn running(pid: i32) -> bool {
    alive(pid) && !zombie(pid)
}

/// The pid of the server of `db`, from its pid file.
pub fn server_pid(db: &Path) -> Option<i32> {
    std::fs::read_to_string(pid_file(db))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Stops the server of `db`, if one runs.
pub fn stop_server(db: &Path) {
    if let Some(pid) = server_pid(db) {
        stop_pid(pid);
    }
    let _ = std::fs::remove_file(pid_file(db));
}

/// Stops a server by its pid: SIGTERM, then SIGKILL after 5 s.
fn stop_pid(pid: i32) {
    // SAFETY: sending a signal to a pid the server wrote for itself.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let start = Instant::now();
    while alive(pid) && !zombie(pid) {
        if start.elapsed() > Duration::from_secs(5) {
            // SAFETY: as above.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(true)
}

/// The pids of the servers this thread's commands started.
struct Watched(Vec<i32>);

impl Drop for Watched {
    fn drop(&mut self) {
        for &pid in &self.0 {
            stop_pid(pid);
        }
    }
}

thread_local! {
    static WATCHED: RefCell<Watched> = const { RefCell::new(Watched(Vec::new())) };
}

/// Remembers the server of `db` (after a command ran on it), so that it is stopped
/// when this test's thread ends.
pub fn watch(db: &Path) {
    let Some(pid) = server_pid(db) else { return };
    WATCHED.with(|w| {
        let mut w = w.borrow_mut();
        if !w.0.contains(&pid) {
            w.0.push(pid);
        }
    });
}
