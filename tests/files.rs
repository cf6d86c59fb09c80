//! What crm does to the files a user points it at: a lookup on a mistyped
//! `--db` creates nothing, a directory of other files is refused untouched, and
//! what crm creates is its user's alone whatever the umask.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::cli::{crm, stop_server};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_lookup_on_a_path_with_no_database_says_so_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo").join("db");
    for args in [
        &["list", "territory"][..],
        &["get", "opportunity", "OPP0000001"],
        &["find", "müller"],
        &["check"],
        &["inbox"],
    ] {
        let (code, _, err) = crm(&db, args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            err.contains(&format!("no database at {}", db.display())),
            "{err}"
        );
    }
    assert!(!dir.path().join("typo").exists(), "nothing was created");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_directory_of_other_files_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("README"), "mine\n").unwrap();
    std::fs::set_permissions(docs.join("README"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&docs, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, _, err) = crm(
        &docs,
        &["add", "territory", "key=NORD", "description=Norden"],
    );
    stop_server(&docs);
    assert_ne!(code, 0);
    assert!(err.contains("holds other files (README"), "{err}");
    let names: Vec<_> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["README"], "nothing added");
    assert_eq!(mode(&docs.join("README")), 0o644);
    assert_eq!(mode(&docs), 0o755);
    assert_eq!(
        std::fs::read_to_string(docs.join("README")).unwrap(),
        "mine\n"
    );
    // A plain file is no database either.
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "x").unwrap();
    let (code, _, err) = crm(
        &file,
        &["add", "territory", "key=NORD", "description=Norden"],
    );
    stop_server(&file);
    assert_ne!(code, 0);
    assert!(err.contains("is not a directory"), "{err}");
}

#[test]
fn what_crm_creates_is_its_user_s_alone_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let script = format!(
        "umask 000; {} --db {} add territory key=NORD description=Norden",
        env!("CARGO_BIN_EXE_crm"),
        db.display()
    );
    let out = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    common::cli::watch(&db);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut seen = 0;
    for entry in std::fs::read_dir(dir.path())
        .unwrap()
        .chain(std::fs::read_dir(&db).unwrap())
    {
        let path = entry.unwrap().path();
        let m = mode(&path);
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(m, want, "{} is {m:o}", path.display());
        seen += 1;
    }
    assert!(
        seen >= 4,
        "the database, its files, the server's socket and log"
    );
    stop_server(&db);
}
