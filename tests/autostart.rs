//! The server as a user meets it through the built binary: the first `crm` starts
//! it, racing starts end with one server, a killed server is replaced by the next
//! command with nothing saved lost, and identity comes from the OS, not `$USER`.

mod common;

use std::process::Command;

use common::cli::{crm, crm_with, running as alive, server_pid, stop_server};

/// A new database holding the territory NORD (its server started by that command).
fn with_nord() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (code, _, err) = crm(&db, &["add", "territory", "key=NORD", "description=Nord"]);
    assert_eq!(code, 0, "{err}");
    (dir, db)
}

/// The OS name of the user running the tests.
fn os_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn racing_first_commands_end_with_one_server_and_all_succeed() {
    let (_dir, db) = with_nord();
    stop_server(&db);
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let db = db.clone();
            // Not `crm`: its per-thread guard would stop the server as each thread ends.
            std::thread::spawn(move || {
                let out = Command::new(env!("CARGO_BIN_EXE_crm"))
                    .arg("--db")
                    .arg(&db)
                    .args(["get", "territory", "NORD"])
                    .output()
                    .unwrap();
                (
                    out.status.code().unwrap_or(-1),
                    String::from_utf8_lossy(&out.stdout).into_owned(),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                )
            })
        })
        .collect();
    for h in handles {
        let (code, out, err) = h.join().unwrap();
        let log = std::fs::read_to_string(termcrm::server::Paths::of(&db).log).unwrap_or_default();
        assert_eq!(code, 0, "{err}\nserver log:\n{log}");
        assert!(out.contains("Nord"), "{out}");
    }
    let pid = server_pid(&db).expect("a server runs");
    let servers = Command::new("pgrep")
        .args(["-f", &format!("serve --auto --db {}", db.display())])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().count())
        .unwrap_or(1);
    assert_eq!(servers, 1, "one server for the database");
    assert!(alive(pid));
    let (code, out, _) = crm(&db, &["server", "status"]);
    assert_eq!(code, 0);
    assert!(out.contains(&pid.to_string()), "{out}");
    stop_server(&db);
}

#[test]
fn a_killed_server_is_replaced_and_nothing_saved_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (code, key, err) = crm(&db, &["add", "prospect", "name=Hanse Robotik GmbH"]);
    assert_eq!(code, 0, "{err}");
    let key = key.trim().to_string();
    let pid = server_pid(&db).expect("the first command started a server");
    // SAFETY: killing the server this test started.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    while alive(pid) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(
        termcrm::server::Paths::of(&db).socket.exists(),
        "kill -9 leaves the socket file behind"
    );
    let (code, out, err) = crm(&db, &["get", "prospect", &key]);
    assert_eq!(code, 0, "the stale socket is replaced: {err}");
    assert!(out.contains("Hanse Robotik GmbH"), "{out}");
    let new = server_pid(&db).expect("a new server");
    assert_ne!(new, pid);
    let (code, out, _) = crm(&db, &["check"]);
    assert_eq!(code, 0, "{out}");
    stop_server(&db);
}

#[test]
fn me_comes_from_the_os_user_even_without_user_set() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let me = os_user();
    let run = |args: &[&str]| crm_with(&db, &[("USER", None)], args);
    // A lookup makes no database: the first write does.
    let (code, _, err) = run(&["alerts"]);
    assert_eq!(code, 1);
    assert!(err.contains("no database at"), "{err}");
    assert!(!db.exists());
    let (code, _, err) = run(&["add", "territory", "key=HOME", "description=Heim"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["alerts"]);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("'{me}'")), "names the OS user: {err}");
    let user = format!("os_user={me}");
    let (code, _, err) = run(&["add", "salesperson", "key=ME", "name=Ich Selbst", &user]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&[
        "add",
        "salesperson",
        "key=OTHER",
        "name=Jemand",
        "os_user=jemand",
    ]);
    assert_eq!(code, 0, "{err}");
    run(&["add", "territory", "key=NORD", "description=Nord"]);
    for (sp, d) in [("ME", "Meine"), ("OTHER", "Fremde")] {
        let (code, _, err) = run(&[
            "add",
            "opportunity",
            &format!("description={d}"),
            &format!("salesperson={sp}"),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, err) = run(&[
        "query",
        "salesperson:me",
        "--entity",
        "opportunity",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Meine") && !out.contains("Fremde"), "{out}");
    // A forged $USER changes nothing: identity is the connection's uid.
    let (_, text, _) = crm_with(
        &db,
        &[("USER", Some("jemand"))],
        &[
            "query",
            "salesperson:me",
            "--entity",
            "opportunity",
            "--format",
            "csv",
        ],
    );
    assert!(text.contains("Meine") && !text.contains("Fremde"), "{text}");
    stop_server(&db);
}

#[test]
fn remote_runs_commands_through_ssh_and_crm_proxy() {
    let (dir, db) = with_nord();
    // A stand-in for ssh: `ssh -T HOST crm proxy --db DB` runs `crm proxy --db DB` here.
    let ssh = dir.path().join("ssh");
    std::fs::write(
        &ssh,
        format!(
            "#!/bin/sh\nshift 3\nexec {} \"$@\"\n",
            env!("CARGO_BIN_EXE_crm")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o700)).unwrap();
    let ssh = ssh.display().to_string();
    let remote = |key: &str| {
        let args = ["--remote", "anja@crm-host", "get", "territory", key];
        crm_with(&db, &[("CRM_SSH", Some(ssh.as_str()))], &args)
    };
    let (code, out, err) = remote("NORD");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Nord"), "{out}");
    let (code, _, err) = remote("SUED");
    assert_eq!(code, 1);
    assert!(err.contains("territory SUED does not exist"), "{err}");
    stop_server(&db);
}

#[test]
fn server_status_and_stop_start_no_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    for action in ["status", "stop"] {
        let (code, _, err) = crm(&db, &["server", action]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("no server runs for"), "{err}");
    }
    assert!(!db.exists(), "no database was created");
    assert!(server_pid(&db).is_none());
}

#[test]
fn a_server_of_another_version_is_named_when_it_holds_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    // As an older crm's server leaves it: the database open, its socket answering.
    let _store = termcrm::store::Store::open(&db).unwrap();
    let old = dir.path().join("db.crm-v1.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&old).unwrap();
    std::fs::write(dir.path().join("db.crm-v1.pid"), "4242").unwrap();
    let (code, _, err) = crm(&db, &["get", "territory", "NORD"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("another crm version (protocol 1) (pid 4242)"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_server_stopped_while_another_starts_on_the_path_leaves_the_new_socket_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = std::sync::Arc::new(termcrm::store::Store::open(&db).unwrap());
    let config = termcrm::server::Config::quiet(&db);
    let first = termcrm::server::Server::start_on(std::sync::Arc::clone(&store), config).unwrap();
    let paths = termcrm::server::Paths::of(&db);
    // A successor binds the same path (the first one's socket file replaced).
    std::fs::remove_file(&paths.socket).unwrap();
    let listener = std::os::unix::net::UnixListener::bind(&paths.socket).unwrap();
    first.stop();
    assert!(paths.socket.exists(), "the successor's socket stays");
    drop(listener);
}
