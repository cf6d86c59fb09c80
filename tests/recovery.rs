//! Damage and recovery: each damage a user's disk can do to a database (a cut-off
//! log, damaged snapshots, a leftover unfinished snapshot, a damaged log page, a
//! lost or cut-off blob, a full disk) is done to a copy of a small demo database,
//! and what crm then says (one line, naming the file and what to do) and what
//! `crm check --repair` recovers are checked.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::cli::{crm, crm_with, stop_server};

/// A demo database of about 2,000 records, opened once more so that sled has
/// written its snapshot; no server runs on it.
fn demo(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    let (code, _, err) = crm(&db, &["demo", "--records", "2000"]);
    assert_eq!(code, 0, "{err}");
    stop_server(&db);
    let (code, _, err) = in_process(&db, &["list", "territory", "--limit", "1"]);
    assert_eq!(code, 0, "{err}");
    db
}

/// `crm` with the database opened in the command's own process.
fn in_process(db: &Path, args: &[&str]) -> (i32, String, String) {
    crm_with(db, &[("CRM_NO_SERVER", Some("1"))], args)
}

fn snapshots(db: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(db)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("snap.")
        })
        .collect();
    out.sort();
    out
}

fn damaged_folders(db: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(db)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("damaged-")
        })
        .collect()
}

/// The one line a failing command prints: exit 1, one line, crm's own words.
fn one_line(code: i32, err: &str) -> String {
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for noise in [
        "panicked",
        "backtrace",
        "RUST_BACKTRACE",
        "file offset None",
    ] {
        assert!(!err.contains(noise), "{noise} in: {err}");
    }
    err.trim_end().to_string()
}

/// What the territories list holds, as csv: the records to compare before and after.
fn territories(db: &Path) -> String {
    let (code, out, err) = crm(db, &["list", "territory", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    out
}

fn total_records(check_output: &str) -> Option<usize> {
    check_output
        .lines()
        .find(|l| l.starts_with("records "))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|n| n.parse().ok())
}

#[test]
fn a_cut_off_log_gives_one_line_through_the_server_and_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let base = demo(dir.path(), "base");
    // With its snapshot sled reads damaged data; without it, a log cut this
    // short holds nothing sled can read (sled used to panic in its page cache on
    // such cuts). A cut further in, without a snapshot, sled reads back to its
    // last whole segment: that loss is not detected yet.
    for (name, size, keep_snapshot) in [("cut", 100_000, true), ("empty", 4096, false)] {
        let db = dir.path().join(name);
        copy_dir(&base, &db);
        if !keep_snapshot {
            for s in snapshots(&db) {
                std::fs::remove_file(s).unwrap();
            }
        }
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(db.join("db"))
            .unwrap();
        f.set_len(size).unwrap();
        for run in [crm, in_process] {
            let (code, _, err) = run(&db, &["get", "territory", "NORD"]);
            let line = one_line(code, &err);
            assert!(line.contains(&db.display().to_string()), "{line}");
            assert!(line.contains("log file db"), "{line}");
            assert!(line.contains("crm restore"), "what to do: {line}");
        }
        stop_server(&db);
    }
}

#[test]
fn damaged_snapshots_are_set_aside_by_repair_and_every_record_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let base = demo(dir.path(), "base");
    let before = territories(&base);
    let (_, checked, _) = crm(&base, &["check"]);
    stop_server(&base);
    let records = total_records(&checked).expect("a record count");
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 5] = [
        ("garbage", |p| std::fs::write(p, vec![0xa5; 4096]).unwrap()),
        ("empty", |p| std::fs::write(p, b"").unwrap()),
        ("cut", |p| {
            let len = std::fs::metadata(p).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
            f.set_len(len / 2).unwrap();
        }),
        ("one-byte", |p| {
            let mut bytes = std::fs::read(p).unwrap();
            let at = bytes.len() / 3;
            bytes[at] ^= 0x40;
            std::fs::write(p, bytes).unwrap();
        }),
        ("zeroed", |p| {
            let len = std::fs::metadata(p).unwrap().len() as usize;
            std::fs::write(p, vec![0; len]).unwrap();
        }),
    ];
    for (name, damage) in damages {
        let db = dir.path().join(name);
        copy_dir(&base, &db);
        let snap = snapshots(&db).pop().expect("a snapshot");
        let snap_name = snap.file_name().unwrap().to_string_lossy().into_owned();
        damage(&snap);
        let (code, _, err) = crm(&db, &["get", "territory", "NORD"]);
        let line = one_line(code, &err);
        assert!(line.contains(&snap_name), "{name}: {line}");
        assert!(line.contains("crm check --repair"), "{name}: {line}");

        let (code, out, err) = crm(&db, &["check", "--repair"]);
        assert_eq!(code, 0, "{name}: {out}{err}");
        assert!(
            out.contains(&format!("set aside {snap_name}")),
            "{name}: {out}"
        );
        assert!(
            out.lines().last().unwrap().starts_with("clean"),
            "{name}: {out}"
        );
        assert_eq!(
            total_records(&out),
            Some(records),
            "{name}: every record back"
        );
        let kept = damaged_folders(&db);
        assert_eq!(kept.len(), 1, "{name}");
        assert!(
            kept[0].join(&snap_name).is_file(),
            "{name}: the snapshot is kept"
        );
        assert_eq!(territories(&db), before, "{name}");
        stop_server(&db);
        let (code, out, _) = crm(&db, &["check"]);
        assert_eq!(code, 0, "{name}: clean after a restart too: {out}");
        stop_server(&db);
    }
}

#[test]
fn a_leftover_unfinished_snapshot_is_set_aside_on_open_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "db");
    let before = territories(&db);
    stop_server(&db);
    // What a full disk leaves: an empty `.generating` file that sorts last.
    let leftover = format!(
        "{}.generating",
        snapshots(&db)
            .pop()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
    );
    std::fs::write(db.join(&leftover), b"").unwrap();
    assert_eq!(territories(&db), before);
    let (code, out, err) = crm(&db, &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("set aside {leftover}")), "{out}");
    let kept = damaged_folders(&db);
    assert!(kept[0].join(&leftover).is_file());
    stop_server(&db);
    // In-process opens do the same.
    std::fs::write(db.join(&leftover), b"").unwrap();
    let (code, _, err) = in_process(&db, &["get", "territory", "NORD"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn damage_inside_the_log_never_makes_check_or_repair_fail_for_good() {
    let dir = tempfile::tempdir().unwrap();
    let base = demo(dir.path(), "base");
    let size = std::fs::metadata(base.join("db")).unwrap().len();
    let mut repaired_with_loss = 0;
    for (i, at) in [0.70, 0.80, 0.90, 0.93, 0.97, 0.995].iter().enumerate() {
        let db = dir.path().join(format!("db{i}"));
        copy_dir(&base, &db);
        let mut bytes = std::fs::read(db.join("db")).unwrap();
        let offset = (size as f64 * at) as usize;
        bytes[offset..offset + 64].fill(0x5a);
        std::fs::write(db.join("db"), bytes).unwrap();
        for args in [&["check"][..], &["check", "--repair"]] {
            let (code, out, err) = crm(&db, args);
            assert!(code == 0 || code == 1, "{args:?} at {at}: {out}{err}");
            if code == 1 && !err.contains("drifted") {
                one_line(code, &err);
                assert!(err.contains("crm"), "says what to do: {err}");
            }
        }
        let (code, out, err) = crm(&db, &["check"]);
        if code == 0 {
            assert!(out.lines().last().unwrap().starts_with("clean"), "{out}");
            repaired_with_loss += usize::from(out.contains("lost"));
        } else {
            // What sled cannot open at all is a backup's to bring back, said so.
            let line = one_line(code, &err);
            assert!(line.contains("crm restore"), "{line}");
        }
        stop_server(&db);
    }
    eprintln!("repairs that named lost records: {repaired_with_loss}");
}

/// A record of over 240 KB: sled keeps it in a file of its own under `blobs/`.
fn with_a_blob(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let db = demo(dir, name);
    let text = "€".repeat(40_000);
    let fields: Vec<String> = ["notes", "strengths", "weaknesses"]
        .iter()
        .map(|f| format!("{f}={text}"))
        .collect();
    let mut args = vec!["add", "competitor", "key=BIGCO", "name=Big Co"];
    args.extend(fields.iter().map(String::as_str));
    let (code, _, err) = crm(&db, &args);
    assert_eq!(code, 0, "{err}");
    stop_server(&db);
    let blob = std::fs::read_dir(db.join("blobs"))
        .unwrap()
        .next()
        .expect("a blob file")
        .unwrap()
        .path();
    (db, blob)
}

/// What `crm check` and `crm check --repair` make of a database whose blob was
/// damaged: the record is named (or, when sled cannot open the database at all,
/// the blob file is), the repair says what it did and leaves it clean.
fn check_names_the_lost_record_and_repair_cleans_up(db: &Path, blob_name: &str) {
    let (code, out, err) = crm(db, &["check"]);
    assert_ne!(code, 0, "a lost blob is no clean database: {out}");
    if out.is_empty() {
        let line = one_line(code, &err);
        assert!(line.contains(&format!("blobs/{blob_name}")), "{line}");
        assert!(line.contains("crm check --repair"), "{line}");
    } else {
        assert!(out.contains("lost record: competitor BIGCO"), "{out}");
    }
    let (code, out, err) = crm(db, &["check", "--repair"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("competitor BIGCO") || out.contains(&format!("set aside blobs/{blob_name}")),
        "says what it did: {out}"
    );
    assert!(out.lines().last().unwrap().starts_with("clean"), "{out}");
    // The other records are there, and a new server finds it clean.
    let (code, _, err) = crm(db, &["get", "territory", "NORD"]);
    assert_eq!(code, 0, "{err}");
    stop_server(db);
    let (code, out, _) = crm(db, &["check"]);
    assert_eq!(code, 0, "{out}");
    stop_server(db);
}

#[test]
fn a_lost_blob_is_named_by_check_and_repair_says_what_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let (db, blob) = with_a_blob(dir.path(), "db");
    let blob_name = blob.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::remove_file(&blob).unwrap();
    check_names_the_lost_record_and_repair_cleans_up(&db, &blob_name);
}

#[test]
fn a_cut_off_blob_is_named_and_set_aside_by_repair() {
    let dir = tempfile::tempdir().unwrap();
    let (db, blob) = with_a_blob(dir.path(), "db");
    let blob_name = blob.file_name().unwrap().to_string_lossy().into_owned();
    let f = std::fs::OpenOptions::new().write(true).open(&blob).unwrap();
    f.set_len(1000).unwrap();
    check_names_the_lost_record_and_repair_cleans_up(&db, &blob_name);
    let kept = damaged_folders(&db);
    assert!(
        kept.iter()
            .any(|k| k.join(format!("blobs_{blob_name}")).is_file()),
        "the damaged blob is kept"
    );
}

/// A small tmpfs, unmounted on drop (needs root; the test says so and passes
/// without one).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_gives_one_line_and_the_database_works_once_space_is_free() {
    let dir = tempfile::tempdir().unwrap();
    let base = demo(dir.path(), "base");
    let before = territories(&base);
    stop_server(&base);
    let Some(disk) = Tmpfs::mount(&dir.path().join("small"), "16m") else {
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    };
    let db = disk.0.join("db");
    copy_dir(&base, &db);
    let fill = disk.0.join("fill");
    let _ = Command::new("dd")
        .arg("if=/dev/zero")
        .arg(format!("of={}", fill.display()))
        .arg("bs=4k")
        .stderr(std::process::Stdio::null())
        .status();
    for run in [in_process, crm] {
        let (code, _, err) = run(&db, &["get", "territory", "NORD"]);
        let line = one_line(code, &err);
        assert!(line.contains("full"), "{line}");
        assert!(line.contains("free some space"), "{line}");
        stop_server(&db);
    }
    std::fs::remove_file(&fill).unwrap();
    assert_eq!(territories(&db), before, "works again, every record there");
    let (code, out, err) = crm(&db, &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    stop_server(&db);
    drop(disk);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
