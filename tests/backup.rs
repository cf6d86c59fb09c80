//! `crm backup FILE` while the server runs and writes go on, `crm restore FILE
//! --db NEW`: every record comes back equal (its history, settings and saved
//! queries too), the restored database is clean, and a cut-off or foreign file
//! is refused with one line.

mod common;

use std::path::Path;

use common::cli::{crm, stop_server};

fn entities() -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crm"))
        .arg("schema")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// Every record of every entity, as `crm list --format json` prints it.
fn every_record(db: &Path) -> Vec<(String, String)> {
    entities()
        .into_iter()
        .map(|e| {
            let (code, out, err) = crm(db, &["list", &e, "--format", "json"]);
            assert_eq!(code, 0, "{e}: {err}");
            (e, out)
        })
        .collect()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let (code, out, err) = crm(db, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

#[test]
fn a_backup_restores_into_a_new_database_with_every_record_equal_and_check_clean() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&db, &["demo", "--records", "2000"]);
    // Changes with a history, a saved query of the user's own, a message.
    ok(&db, &["set", "opportunity", "OPP0000001", "probability=55"]);
    ok(
        &db,
        &["add", "territory", "key=KUESTE", "description=Küste"],
    );
    ok(
        &db,
        &[
            "query",
            "territory:NORD",
            "-e",
            "prospect",
            "--save",
            "MY-NORD",
        ],
    );
    let before = every_record(&db);
    let history = ok(&db, &["history", "opportunity", "OPP0000001"]);
    let file = dir.path().join("nightly.crmbak");
    let said = ok(&db, &["backup", file.to_str().unwrap()]);
    assert!(said.contains("backed up"), "{said}");
    let new = dir.path().join("restored");
    let said = ok(&new, &["restore", file.to_str().unwrap()]);
    assert!(said.contains("restored"), "{said}");
    assert!(said.lines().last().unwrap().starts_with("clean"), "{said}");
    assert_eq!(every_record(&new), before, "every record equal");
    assert_eq!(ok(&new, &["history", "opportunity", "OPP0000001"]), history);
    assert!(ok(&new, &["queries"]).contains("MY-NORD"));
    // New keys go on after the restored ones.
    let key = ok(
        &new,
        &[
            "add",
            "opportunity",
            "description=Neu",
            "prospect=PRO0000001",
        ],
    );
    assert!(key.trim() > "OPP0000200", "{key}");
    let (code, out, err) = crm(&new, &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    // A database that holds records is never restored over.
    let (code, _, err) = crm(&new, &["restore", file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("already holds"), "{err}");
    stop_server(&db);
    stop_server(&new);
}

#[test]
fn a_backup_taken_while_others_write_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&db, &["demo", "--records", "3000"]);
    let writer_db = db.clone();
    let writer = std::thread::spawn(move || {
        // Not through `crm()`: a thread's helper stops the servers it saw when
        // the thread ends, and this one ends before the backup does.
        for i in 0..40 {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_crm"))
                .arg("--db")
                .arg(&writer_db)
                .args(["add", "competitor", &format!("key=C{i:03}"), "name=Rival"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let file = dir.path().join("b.crmbak");
    ok(&db, &["backup", file.to_str().unwrap()]);
    writer.join().unwrap();
    let new = dir.path().join("restored");
    let said = ok(&new, &["restore", file.to_str().unwrap()]);
    assert!(said.lines().last().unwrap().starts_with("clean"), "{said}");
    let (code, out, err) = crm(&new, &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    stop_server(&db);
    stop_server(&new);
}

#[test]
fn a_cut_off_or_foreign_backup_is_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&db, &["demo", "--records", "2000"]);
    let file = dir.path().join("b.crmbak");
    ok(&db, &["backup", file.to_str().unwrap()]);
    stop_server(&db);
    let bytes = std::fs::read(&file).unwrap();
    let cut = dir.path().join("cut.crmbak");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let garbage = dir.path().join("garbage.crmbak");
    std::fs::write(&garbage, b"not a backup at all, just some text").unwrap();
    let mut flipped = bytes.clone();
    let at = flipped.len() * 2 / 3;
    flipped[at] ^= 0xff;
    let damaged = dir.path().join("damaged.crmbak");
    std::fs::write(&damaged, flipped).unwrap();
    for (file, words) in [
        (&cut, "cut short or damaged"),
        (&garbage, "is no termcrm backup"),
        (&damaged, "cut short or damaged"),
    ] {
        let new = dir.path().join(format!(
            "new-{}",
            file.file_name().unwrap().to_string_lossy()
        ));
        let (code, out, err) = crm(&new, &["restore", file.to_str().unwrap()]);
        assert_eq!(code, 1, "{out}{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(words), "{err}");
        assert!(
            err.contains(&file.display().to_string()),
            "names the file: {err}"
        );
        stop_server(&new);
    }
    // A foreign file is refused before any database is made.
    assert!(!dir.path().join("new-garbage.crmbak").exists());
}
