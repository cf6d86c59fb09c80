//! `crm rules`, `crm inbox` and `crm events` through the built binary: a rule added
//! with `crm add`, listed, switched off and on, tested, fired by `crm set`, its
//! message read in the inbox and its firing in the event log. The `actor` target
//! notifies whoever runs the test (the server knows them by the socket's peer uid).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{crm, stop_server};

/// `crm ARGS` that must succeed: its standard output and error.
fn ok(db: &Path, args: &[&str]) -> (String, String) {
    let (code, out, err) = crm(db, args);
    assert_eq!(code, 0, "crm {args:?}: {err}{out}");
    (out, err)
}

fn json(db: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (out, _) = ok(db, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("crm {args:?}: {e}: {out}"))
}

fn field<'a>(row: &'a serde_json::Value, name: &str) -> &'a str {
    row[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {row}"))
}

/// A database with a little demo data and the rule STAGEWATCH (not enabled yet).
fn db_with_rule(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let db = dir.path().join("db");
    ok(&db, &["demo", "--records", "300"]);
    let (out, _) = ok(
        &db,
        &[
            "add",
            "event_rule",
            "key=stagewatch",
            "description=Stage watch",
            "entity=opportunity",
            "trigger=updated",
            "when=stage",
            "actions=notify actor \"x {stage}\"",
        ],
    );
    assert_eq!(out.trim(), "STAGEWATCH");
    db
}

#[test]
fn a_rule_is_listed_switched_tested_fired_read_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_rule(&dir);

    // The shipped rules, and the one added.
    let rules = json(&db, &["rules"]);
    assert_eq!(
        rules.len(),
        1 + termcrm::ops::events::SHIPPED.len(),
        "{rules:?}"
    );
    let stagewatch = |rules: &[serde_json::Value]| {
        rules
            .iter()
            .find(|r| field(r, "key") == "STAGEWATCH")
            .cloned()
            .expect("STAGEWATCH listed")
    };
    let r = &stagewatch(&rules);
    assert_eq!(field(r, "key"), "STAGEWATCH");
    assert_eq!(field(r, "entity"), "opportunity");
    assert_eq!(field(r, "trigger"), "updated");
    assert_eq!(field(r, "when"), "stage");
    assert_eq!(field(r, "enabled"), "no");
    assert_eq!(field(r, "description"), "Stage watch");

    let (_, err) = ok(&db, &["rules", "enable", "stagewatch"]);
    assert!(err.contains("rule STAGEWATCH enabled"), "{err}");
    let (out, _) = ok(&db, &["rules"]);
    assert!(out.contains("STAGEWATCH") && out.contains(" yes "), "{out}");
    let (_, err) = ok(&db, &["rules", "disable", "STAGEWATCH"]);
    assert!(err.contains("rule STAGEWATCH disabled"), "{err}");
    assert_eq!(field(&stagewatch(&json(&db, &["rules"])), "enabled"), "no");
    let (_, err) = ok(&db, &["rules", "disable", "STAGEWATCH"]);
    assert!(err.contains("already disabled"), "{err}");
    ok(&db, &["rules", "enable", "STAGEWATCH"]);

    // A test on one record: what it would do, and nothing done.
    let (opp, _) = ok(
        &db,
        &["get", "opportunity", "OPP0000001", "--format", "json"],
    );
    let opp: serde_json::Value = serde_json::from_str(&opp).unwrap();
    let stage = opp["stage"].as_str().map(str::to_string);
    assert!(stage.is_some(), "{opp}");
    let (out, err) = ok(&db, &["rules", "test", "STAGEWATCH", "OPP0000001"]);
    assert!(out.starts_with("opportunity OPP0000001: "), "{out}");
    assert!(out.contains("\n    notify actor"), "{out}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(json(&db, &["inbox"]).is_empty(), "a test notifies nobody");
    assert!(json(&db, &["events"]).is_empty(), "a test fires nothing");
    let hits = json(&db, &["rules", "test", "STAGEWATCH"]);
    assert!(!hits.is_empty() && hits.len() <= 50, "{hits:?}");

    // A stage change fires it: the message is in the runner's inbox.
    let new_stage = if stage.as_deref() == Some("PROPOSAL") {
        "CLOSE"
    } else {
        "PROPOSAL"
    };
    ok(
        &db,
        &[
            "set",
            "opportunity",
            "OPP0000001",
            &format!("stage={new_stage}"),
        ],
    );
    let start = Instant::now();
    let inbox = loop {
        let inbox = json(&db, &["inbox", "--unread"]);
        if !inbox.is_empty() || start.elapsed() > Duration::from_secs(5) {
            break inbox;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    let m = &inbox[0];
    assert_eq!(field(m, "rule"), "STAGEWATCH");
    assert_eq!(field(m, "record"), "opportunity OPP0000001");
    assert_eq!(field(m, "text"), format!("x {new_stage}"));
    assert_eq!(field(m, "read"), "no");
    let (table, _) = ok(&db, &["inbox"]);
    assert!(table.contains(&format!("x {new_stage}")), "{table}");
    assert!(table.ends_with("(1 message)\n"), "{table}");

    let (_, err) = ok(&db, &["inbox", "--read", "all"]);
    assert!(err.contains("marked 1 message read"), "{err}");
    assert!(json(&db, &["inbox", "--unread"]).is_empty());
    assert_eq!(field(&json(&db, &["inbox"])[0], "read"), "yes");

    // The event log has the firing, newest first, by rule and since.
    let events = json(&db, &["events", "--since", "1h", "--rule", "stagewatch"]);
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(field(e, "rule"), "STAGEWATCH");
    assert_eq!(field(e, "record"), "opportunity OPP0000001");
    assert!(field(e, "trigger").starts_with("updated"), "{e}");
    assert!(field(e, "actions").starts_with("notified "), "{e}");
    assert_eq!(field(e, "result"), "ok");
    assert_eq!(json(&db, &["events", "--rule", "stagewatch"]).len(), 1);
    // A rule that has not fired lists nothing; one that does not exist is an error.
    assert!(json(&db, &["events", "--rule", "QUOTE_EXPIRY"]).is_empty());
    let (code, _, err) = crm(&db, &["events", "--rule", "STAGEWACH"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("(did you mean STAGEWATCH?)"), "{err}");
    let (csv, _) = ok(&db, &["events", "--format", "csv"]);
    assert!(
        csv.starts_with("when,rule,record,trigger,user,actions,result\n"),
        "{csv}"
    );
    stop_server(&db);
}

#[test]
fn unknown_rules_bad_answers_and_bad_times_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_rule(&dir);

    let (code, out, err) = crm(&db, &["rules", "test", "NOSUCH"]);
    assert_ne!(code, 0);
    assert!(out.is_empty(), "{out}");
    assert!(err.starts_with("crm: ") && err.contains("NOSUCH"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, _, err) = crm(&db, &["rules", "enable", "STAGEWACH"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean STAGEWATCH"), "{err}");

    let (code, _, err) = crm(&db, &["inbox", "--reject", "7"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--reason"), "{err}");
    let (code, _, err) = crm(&db, &["inbox", "--reject", "7", "--reason", " "]);
    assert_eq!(code, 1);
    assert!(err.contains("a rejection needs a reason"), "{err}");
    let (code, _, err) = crm(&db, &["inbox", "--approve", "999999"]);
    assert_eq!(code, 1);
    assert!(err.contains("999999"), "{err}");
    let (code, _, err) = crm(&db, &["inbox", "--read", "3,x"]);
    assert_eq!(code, 1);
    assert!(err.contains("'3,x'"), "{err}");
    let (code, _, err) = crm(&db, &["events", "--since", "soon"]);
    assert_eq!(code, 1);
    assert!(err.contains("'soon'"), "{err}");

    // A disabled rule fires on nothing; the test says so in so many words.
    ok(
        &db,
        &[
            "add",
            "event_rule",
            "key=NEVER",
            "description=Never",
            "entity=opportunity",
            "trigger=created",
            "condition=amount>999999999",
            "actions=notify actor \"x\"",
        ],
    );
    let (out, _) = ok(&db, &["rules", "test", "NEVER"]);
    assert_eq!(out, "NEVER fires on no record now\n");
    stop_server(&db);
}

#[test]
fn rule_text_reaches_the_terminal_without_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (code, _, err) = crm(
        &db,
        &[
            "add",
            "event_rule",
            "key=ESC",
            "description=red\u{9b}31mtext",
            "entity=opportunity",
            "trigger=created",
            "actions=notify actor \"x\"",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // The table shows it harmlessly; json and csv keep the data exact.
    let (table, _) = ok(&db, &["rules"]);
    assert!(!table.contains('\u{9b}'), "{table:?}");
    assert!(table.contains("red·31mtext"), "{table:?}");
    let (json, _) = ok(&db, &["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let shown = v.to_string();
    assert!(shown.contains("red\u{9b}31mtext"), "{json:?}");
    let (csv, _) = ok(&db, &["rules", "--format", "csv"]);
    assert!(csv.contains("red\u{9b}31mtext"), "{csv:?}");
    // A C0 escape is refused at input.
    let (code, _, err) = crm(
        &db,
        &[
            "add",
            "event_rule",
            "key=ESC0",
            "description=red\u{1b}[31mtext",
            "entity=opportunity",
            "trigger=created",
            "actions=notify actor \"x\"",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("U+001B"), "{err}");
    stop_server(&db);
}

#[test]
fn a_held_change_is_rejected_with_a_reason_and_the_inbox_shows_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&db, &["demo", "--records", "300"]);
    // The approver is another user (a salesperson's OS user), so the change of
    // the runner is held; the runner owns the database and answers as its admin.
    let (list, _) = ok(&db, &["list", "salesperson", "--format", "csv"]);
    let salesperson = list.lines().nth(1).unwrap().split(',').next().unwrap();
    ok(
        &db,
        &["set", "salesperson", salesperson, "os_user=approver-x"],
    );
    ok(
        &db,
        &[
            "add",
            "event_rule",
            "key=BIG",
            "description=Big deals",
            "entity=opportunity",
            "trigger=updated",
            "when=amount",
            "actions=hold user:approver-x \"amount needs a nod\"",
            "enabled=yes",
        ],
    );
    let (code, _, err) = crm(&db, &["set", "opportunity", "OPP0000004", "amount=888888"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("held for approval"), "{err}");
    // Its id is in the approver's inbox, not the runner's: the first that answers.
    let answered = (1..=20).find_map(|id| {
        let id = id.to_string();
        let (code, out, _) = crm(&db, &["inbox", "--reject", &id, "--reason", "too much"]);
        (code == 0).then_some(out)
    });
    let out = answered.expect("an approval to answer");
    assert!(out.starts_with("rejected"), "{out}");
    let inbox = json(&db, &["inbox"]);
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    let m = &inbox[0];
    assert_eq!(field(m, "rule"), "BIG");
    assert!(field(m, "text").contains("too much"), "{m}");
    assert!(field(m, "approval").starts_with("rejected #"), "{m}");
    assert!(field(m, "approval").ends_with(": too much)"), "{m}");
    assert!(field(m, "changes").starts_with("amount: "), "{m}");
    assert!(field(m, "changes").contains(" → 888888"), "{m}");
    stop_server(&db);
}
