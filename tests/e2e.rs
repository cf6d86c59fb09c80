//! End-to-end tests of the built binary in a real terminal: tmux runs `crm`, keys
//! go in with send-keys, the screen comes back with capture-pane.

mod common;

use common::tmux::{assert_ended, assert_restored, crm_pid, Session};

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_crm");

fn crm(db: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    common::cli::watch(db);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn welcome_then_demo_data_then_quit_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("welcome");
    let s = Session::start(&db, "");
    s.wait_for("Welcome to termcrm");
    s.send(&["d"]);
    // Demo data opens on the home pane's alerts; 1 goes to the first tab.
    s.wait_for("Alerts");
    s.send(&["1"]);
    s.wait_for("Budget");
    s.send(&["q"]);
    assert_restored(&s.wait_for("icanon"));
}

#[test]
fn create_a_record_find_it_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("create");
    crm(&db, &["demo", "--records", "500"]);
    let s = Session::start(&db, "");
    s.wait_for("Alerts");
    s.type_text(":Territories");
    s.send(&["Enter"]);
    s.wait_for("NORD");
    s.send(&["n"]);
    s.type_text("KIEL");
    s.send(&["Tab"]);
    s.type_text("Kiel und Förde");
    s.send(&["C-s"]);
    s.wait_for("saved");
    s.send(&["Escape"]);
    // A key right after Esc would read as Alt+key.
    std::thread::sleep(Duration::from_millis(300));
    s.type_text("/förde");
    s.send(&["Enter"]);
    let screen = s.wait_for("1 of 1");
    assert!(screen.contains("KIEL"), "{screen}");
    s.send(&["q"]);
    assert_restored(&s.wait_for("icanon"));
    assert!(crm(&db, &["get", "territory", "KIEL"]).contains("Kiel und Förde"));
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sigterm");
    crm(&db, &["demo", "--records", "300"]);
    let s = Session::start(&db, "--keymap vim");
    s.wait_for("Alerts");
    let pid = crm_pid(&db).expect("the crm process runs");
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // 128 + 15: a script tells the signal from a quit.
    assert_ended(&s.wait_for("icanon"), 143);
}

#[test]
fn without_a_terminal_crm_explains_and_prints_the_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("--db")
        .arg(dir.path().join("pipe"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
}

#[test]
fn a_closed_terminal_ends_crm_instead_of_leaving_it_spinning() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hangup");
    crm(&db, &["demo", "--records", "300"]);
    let s = Session::start(&db, "");
    s.wait_for("Alerts");
    assert!(crm_pid(&db).is_some());
    drop(s);
    let deadline = Instant::now() + Duration::from_secs(5);
    while crm_pid(&db).is_some() {
        assert!(
            Instant::now() < deadline,
            "crm still runs after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn two_tuis_and_a_command_loop_share_one_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("team");
    crm(&db, &["demo", "--records", "500"]);
    let a = Session::start(&db, "");
    let b = Session::start(&db, "");
    a.wait_for("Alerts");
    b.wait_for("Alerts");
    // A third user looks records up in a loop meanwhile.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let looper = {
        let (db, stop) = (db.clone(), std::sync::Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = Command::new(BIN)
                    .arg("--db")
                    .arg(&db)
                    .args(["get", "territory", "NORD"])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                n += 1;
            }
            n
        })
    };
    a.type_text(":Territories");
    a.send(&["Enter"]);
    a.wait_for("NORD");
    a.send(&["n"]);
    a.type_text("KIEL");
    a.send(&["Tab"]);
    a.type_text("Kiel und Förde");
    a.send(&["C-s"]);
    a.wait_for("saved");
    // The other session opens the table afterwards and sees the new record.
    b.type_text(":Territories");
    b.send(&["Enter"]);
    b.wait_for("NORD");
    b.type_text("/förde");
    b.send(&["Enter"]);
    let screen = b.wait_for("1 of 1");
    assert!(screen.contains("KIEL"), "{screen}");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let lookups = looper.join().expect("every lookup succeeded");
    assert!(lookups > 0);
    assert!(crm(&db, &["get", "territory", "KIEL"]).contains("Kiel und Förde"));
    for s in [&a, &b] {
        s.send(&["Escape"]);
        std::thread::sleep(Duration::from_millis(300));
        s.send(&["q"]);
        assert_restored(&s.wait_for("icanon"));
    }
}

/// Field rows below Description on the opportunity form, in order.
const TO_STAGE: usize = 9;
const TO_AMOUNT: usize = 11;

/// Moves `n` fields on and replaces the field's text with `text`.
fn retype_after_tabs(s: &Session, tabs: usize, text: &str) {
    for _ in 0..tabs {
        s.send(&["Tab"]);
    }
    s.send(&["End"]);
    for _ in 0..20 {
        s.send(&["BSpace"]);
    }
    s.type_text(text);
}

/// The issue's scenario, in two real terminals on one database: A edits an
/// opportunity's amount while B edits its stage, both save, the record has both
/// and A's form shows B's stage; then A changes the amount B just changed: A's form
/// shows both values and A chooses; `u` takes back A's last change.
#[test]
fn two_users_edit_one_opportunity_merge_choose_and_undo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live");
    crm(&db, &["demo", "--records", "2000"]);
    let a = Session::start(&db, "");
    let b = Session::start(&db, "");
    for s in [&a, &b] {
        s.wait_for("Alerts");
        s.type_text(":Opportunities");
        s.send(&["Enter"]);
        s.wait_for("Company");
        s.send(&["Enter"]);
        s.wait_for("Opportunity OPP0000001");
    }
    retype_after_tabs(&a, TO_AMOUNT, "70000");
    retype_after_tabs(&b, TO_STAGE, "PROPOSAL");
    a.send(&["C-s"]);
    a.wait_for("saved Opportunity");
    b.wait_for("saving keeps their change");
    b.send(&["C-s"]);
    b.wait_for("saved beside the change of amount");
    // A's form, untouched since its save, shows B's stage.
    a.wait_for("PROPOSAL");
    let got = crm(&db, &["get", "opportunity", "OPP0000001"]);
    assert!(
        got.contains("PROPOSAL") && got.contains("70000.00 EUR"),
        "{got}"
    );
    let history = crm(&db, &["history", "opportunity", "OPP0000001"]);
    assert!(history.contains("amount: "), "{history}");
    assert!(
        history.contains("stage: QUALIFY → PROPOSAL") || history.contains("→ PROPOSAL"),
        "{history}"
    );

    // The same field: A types an amount, B saves another one first; A's save
    // then offers both.
    a.send(&["End"]);
    for _ in 0..20 {
        a.send(&["BSpace"]);
    }
    a.type_text("75000");
    a.wait_for("[modified]");
    retype_after_tabs(&b, TO_AMOUNT - TO_STAGE, "80000");
    b.send(&["C-s"]);
    a.wait_for("saving keeps their change");
    a.send(&["C-s"]);
    let screen = a.wait_for("Changed meanwhile by");
    assert!(
        screen.contains("yours 75000.00 EUR") && screen.contains("theirs 80000.00 EUR"),
        "{screen}"
    );
    a.send(&["m", "Enter"]);
    a.wait_for("keeping yours for amount");
    a.send(&["C-s"]);
    let started = Instant::now();
    while !crm(&db, &["get", "opportunity", "OPP0000001"]).contains("75000.00 EUR") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{}",
            a.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    a.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    a.send(&["u"]);
    a.wait_for("undid your Save");
    assert!(crm(&db, &["get", "opportunity", "OPP0000001"]).contains("80000.00 EUR"));
    // The form shows money with thousands separators.
    b.wait_for("80,000.00 EUR");
}

#[test]
fn mark_rows_export_them_and_import_a_file_after_its_preview() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("exchange");
    crm(&db, &["demo", "--records", "500"]);
    let csv = dir.path().join("neu.csv");
    std::fs::write(&csv, "Name;Ort;Territory\nFörde Fräsen GmbH;Kiel;Nord\n").unwrap();
    let s = Session::start(&db, "");
    s.wait_for("Alerts");
    s.type_text(":Competitors");
    s.send(&["Enter"]);
    s.wait_for("of 10");
    s.send(&["Space", "Space"]);
    s.wait_for("2 marked");
    // `e` asks for the file in the palette; ctrl-w clears the suggested name.
    s.send(&["e"]);
    s.wait_for("export ~/competitor-");
    s.send(&["C-w"]);
    let out = dir.path().join("zwei.xlsx");
    s.type_text(&out.display().to_string());
    s.wait_for("enter: export to this file");
    s.send(&["Enter"]);
    s.wait_for("exported 2 competitor records");
    assert!(out.exists());

    s.type_text(":Prospects");
    s.send(&["Enter"]);
    s.wait_for("Territory");
    s.type_text(&format!(":import {}", csv.display()));
    s.send(&["Enter"]);
    s.wait_for("1 row: 1 created");
    s.send(&["y"]);
    s.wait_for("import IMP0000001: 1 row: 1 created");
    s.send(&["q"]);
    assert_restored(&s.wait_for("icanon"));
    assert!(crm(&db, &["find", "Förde Fräsen"]).contains("Förde Fräsen GmbH"));
}

#[test]
fn a_stage_change_from_the_command_line_reaches_the_team_leader_s_open_tui() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rules");
    crm(&db, &["demo", "--records", "500"]);
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        serde_json::from_str(&crm(&db, &all)).unwrap()
    };
    let opps = json(&["list", "opportunity"]);
    let opp = opps
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["sales_team"].as_str().is_some_and(|t| !t.is_empty()))
        .expect("an opportunity with a team");
    let (key, team) = (
        opp["key"].as_str().unwrap(),
        opp["sales_team"].as_str().unwrap(),
    );
    let team = json(&["get", "sales_team", team]);
    let leader = team["leader"].as_str().unwrap().to_string();
    let me = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
    crm(
        &db,
        &[
            "set",
            "salesperson",
            &leader,
            &format!("os_user={}", me.trim()),
        ],
    );
    let stage = opp["stage"].as_str().unwrap_or("");
    let other = if stage == "QUALIFY" {
        "PROPOSAL"
    } else {
        "QUALIFY"
    };

    let s = Session::start(&db, "");
    s.wait_for("Alerts");
    crm(&db, &["set", "opportunity", key, &format!("stage={other}")]);
    // The leader's open session hears it: the count, and the message on the home pane.
    s.wait_for("✉ 1 unread");
    let screen = s.wait_for("Inbox (1 unread of 1)");
    assert!(screen.contains(&format!("{key} ")), "{screen}");
    s.send(&["r"]);
    s.wait_for("Inbox (0 unread of 1)");
    s.send(&["q"]);
    assert_restored(&s.wait_for("icanon"));
}

#[test]
fn the_first_minute_path_shows_opportunities_with_company_stage_amount_and_close() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("minute");
    crm(&db, &["demo", "--records", "500"]);
    let s = Session::start(&db, "");
    s.wait_for("Alerts");
    // A prospect with a territory from the picker.
    s.type_text(":prospects");
    s.send(&["Enter"]);
    s.wait_for("Prospects");
    s.send(&["n"]);
    s.wait_for("New prospect");
    s.type_text("Hanse Robotik GmbH");
    for _ in 0..8 {
        s.send(&["Tab"]);
    }
    s.send(&["C-o"]);
    s.type_text("nord");
    s.send(&["Enter"]);
    s.send(&["C-s"]);
    let screen = s.wait_for("saved Prospect PRO");
    let at = screen.find("saved Prospect ").unwrap() + "saved Prospect ".len();
    let prospect: String = screen[at..].chars().take(10).collect();
    s.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    // An opportunity on it, by the prospect's key.
    s.type_text(":opportunities");
    s.send(&["Enter"]);
    s.wait_for("Opportunities");
    s.send(&["n"]);
    s.wait_for("New opportunity");
    s.type_text("Roboterzelle");
    s.send(&["Tab", "Tab"]);
    s.type_text(&prospect);
    s.send(&["C-s"]);
    // The form names the prospect beside its key.
    s.wait_for(&format!("{prospect} — Hanse Robotik GmbH"));
    s.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    // The first screen at 80×24: company names, stage, amount and close date.
    let screen = s.wait_for("Company");
    let head = screen.lines().nth(1).unwrap_or_default();
    for label in [
        "Description",
        "Company",
        "Stage",
        "Projected amo",
        "Expected",
    ] {
        assert!(head.contains(label), "{label}:\n{screen}");
    }
    assert!(
        screen.contains(".00 EUR") && screen.contains(','),
        "{screen}"
    );
    assert!(
        !screen.contains("CUS0") && !screen.contains("PRO0"),
        "{screen}"
    );
    s.type_text("/roboterzelle");
    s.send(&["Enter"]);
    let screen = s.wait_for("1 of 1");
    assert!(screen.contains("Hanse Robotik"), "{screen}");
    s.send(&["q"]);
    assert_restored(&s.wait_for("icanon"));
}
