//! Command-line bugs found by trying crm as a new user would: each failed before
//! its fix.

mod common;

use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};

use common::cli::{crm, watch};

/// A pipe whose reading end is closed already: what `crm … | head` leaves once
/// `head` has read its lines.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: pipe writes two new descriptors into the array.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both descriptors are ours; the reading end is closed at once.
    unsafe {
        drop(OwnedFd::from_raw_fd(fds[0]));
        Stdio::from(OwnedFd::from_raw_fd(fds[1]))
    }
}

#[test]
fn a_closed_pipe_ends_a_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (code, _, err) = crm(&db, &["demo", "--records", "2000"]);
    assert_eq!(code, 0, "{err}");
    for args in [
        &["check"][..],
        &["list", "opportunity"],
        &["list", "opportunity", "--format", "csv"],
        &["log"],
        &["get", "territory", "NORD"],
        &["report", "pipeline"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_crm"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .stdout(closed_pipe())
            .output()
            .unwrap();
        watch(&db);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.is_empty(), "crm {args:?} says: {err}");
        assert_eq!(out.status.code(), Some(0), "crm {args:?}");
    }
}
