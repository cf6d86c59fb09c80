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
    let under_umask_000 = |args: &[&str]| {
        let out = Command::new("sh")
            .arg("-c")
            .arg("umask 000; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_crm"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    under_umask_000(&["add", "territory", "key=NORD", "description=Norden"]);
    common::cli::watch(&db);
    // A large record: sled keeps it in a blob file of its own, which it creates
    // later, under the server's umask.
    let text = "€".repeat(40_000);
    let fields: Vec<String> = ["notes", "strengths", "weaknesses"]
        .iter()
        .map(|f| format!("{f}={text}"))
        .collect();
    let mut args = vec!["add", "competitor", "key=BIGCO", "name=Big Co"];
    args.extend(fields.iter().map(String::as_str));
    under_umask_000(&args);
    let mut seen = 0;
    let blobs = std::fs::read_dir(db.join("blobs")).expect("sled's blob folder");
    for entry in std::fs::read_dir(dir.path())
        .unwrap()
        .chain(std::fs::read_dir(&db).unwrap())
        .chain(blobs)
    {
        let path = entry.unwrap().path();
        let m = mode(&path);
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(m, want, "{} is {m:o}", path.display());
        seen += 1;
    }
    assert!(
        seen >= 5,
        "the database, its files and blob, the server's socket and log"
    );
    stop_server(&db);
}

/// A bulk load (`crm demo`) killed at any moment leaves the database as it was
/// before — empty, its settings kept — and `crm check` clean without a repair.
#[test]
fn a_demo_load_killed_at_random_moments_lands_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = 0x9e37_79b9_u64;
    let mut outcomes = (0, 0);
    for round in 0..10 {
        let db = dir.path().join(format!("db{round}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_crm"))
            .env("CRM_NO_SERVER", "1")
            .arg("--db")
            .arg(&db)
            .args(["demo", "--records", "20000"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        if round < 8 {
            std::thread::sleep(std::time::Duration::from_millis(50 + seed % 900));
            let _ = child.kill();
        }
        let _ = child.wait();
        let check = Command::new(env!("CARGO_BIN_EXE_crm"))
            .env("CRM_NO_SERVER", "1")
            .arg("--db")
            .arg(&db)
            .arg("check")
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&check.stdout).into_owned()
            + &String::from_utf8_lossy(&check.stderr);
        if !db.join("db").exists() {
            continue; // killed before the database was made
        }
        assert!(check.status.success(), "round {round}: {out}");
        let count = Command::new(env!("CARGO_BIN_EXE_crm"))
            .env("CRM_NO_SERVER", "1")
            .arg("--db")
            .arg(&db)
            .args(["list", "territory", "--format", "csv"])
            .output()
            .unwrap();
        let rows = String::from_utf8_lossy(&count.stdout).lines().count();
        if rows <= 1 {
            outcomes.0 += 1;
        } else {
            outcomes.1 += 1;
        }
    }
    eprintln!("taken back: {}, landed whole: {}", outcomes.0, outcomes.1);
    assert!(outcomes.1 >= 2, "the loads left alone landed whole");
}
