//! The battery: the built `crm` over a demo database, run as a careless or hostile
//! user would — malformed values, keys, queries, finds, report and forecast
//! options, files, saved-query names, control characters in records printed by
//! every table — on one server. For every invocation: no panic (exit 101 or
//! "panicked"), no byte that acts on a terminal in its output or its error, an
//! error in one short line, and an answer within a second (three under a debug
//! build); an invocation that must be refused exits non-zero and leaves the
//! database as it was (the command that shows what it would change prints the
//! same before and after).

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{crm, stop_server};

/// Whether `c` would act on a terminal (the output's own line ends aside).
fn acts(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Every C0 control but NUL (an argument cannot hold one), escape sequences
/// (title, clipboard, clear screen), DEL, C1 and the bidirectional overrides.
fn nasty() -> String {
    let mut s: String = (1u8..0x20).map(char::from).collect();
    s.push_str("\u{1b}]0;title\u{7}\u{1b}]52;c;QUFB\u{7}\u{1b}[2J\r\u{7f}\u{9b}31m\u{85}");
    s.push_str("\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}evil\u{2066}\u{2067}\u{2068}\u{2069}");
    s
}

#[derive(Clone)]
struct Case {
    args: Vec<String>,
    /// Must exit non-zero, and `probe` must print the same before and after.
    refused: bool,
    /// Must exit 0 (a table whose text is checked must be printed at all).
    accepted: bool,
    probe: Option<Vec<String>>,
}

fn case(args: &[&str]) -> Case {
    Case {
        args: args.iter().map(|a| a.to_string()).collect(),
        refused: false,
        accepted: false,
        probe: None,
    }
}

fn refused(args: &[&str], probe: &[&str]) -> Case {
    Case {
        refused: true,
        probe: Some(probe.iter().map(|a| a.to_string()).collect()),
        ..case(args)
    }
}

/// Must exit non-zero (what it would change, if anything, is named by its message).
fn bad(args: &[&str]) -> Case {
    Case {
        refused: true,
        ..case(args)
    }
}

fn list(entity: &str) -> Vec<&str> {
    vec!["list", entity, "--format", "csv"]
}

const OPP: &str = "OPP0000001";

/// The malformed invocations, from the causes the hardening issue names.
fn cases(files: &Path) -> Vec<Case> {
    let mut c = Vec::new();
    let get_opp = ["get", "opportunity", OPP, "--format", "json"];
    let long_key = "K".repeat(100_000);
    // 240,000 characters in the issue; one argument holds at most 128 KiB here.
    let huge_amount = "9".repeat(130_000);
    let find_text = "müller ".repeat(15_000);
    let nasty = nasty();

    // Money that panicked or was accepted wrongly, on add and on set.
    let amounts = [
        "€5",
        "ü12",
        "٣٤٥",
        "١٢٫٥",
        "５",
        ",",
        ".",
        "0.001",
        "1234.567",
        "XYZ 10",
        "10 XYZ",
        "-5",
        "-0.01",
        "5.",
        "1,2,3.4.5",
        "1e9",
        "9223372036854775808",
        "92233720368547758.08",
        "JPY 1.5",
        "KWD 1.2345",
        "\u{1b}[2J5",
        "5\u{202e}",
        &huge_amount,
    ];
    for a in amounts {
        let amount = format!("amount={a}");
        c.push(refused(
            &["add", "opportunity", "description=x", &amount],
            &list("opportunity"),
        ));
        c.push(refused(&["set", "opportunity", OPP, &amount], &get_opp));
    }
    for a in ["-100", "0.001", "€5", ","] {
        c.push(refused(
            &["add", "campaign", "description=x", &format!("budget={a}")],
            &list("campaign"),
        ));
        c.push(refused(
            &[
                "add",
                "item",
                "key=FUZZITEM",
                "description=x",
                &format!("unit_price={a}"),
            ],
            &list("item"),
        ));
    }
    // Dates and offsets.
    let dates = [
        "+",
        "-",
        "today+",
        "today-",
        "heute+",
        "+99999999d",
        "+9999999999w",
        "-9999999999w",
        "+4294967297m",
        "+4294967296m",
        "+36501d",
        "+1201m",
        "+101y",
        "+5q",
        "+٣d",
        "+d",
        "2026-02-30",
        "0000-01-01",
        "\u{1b}]0;x\u{7}",
        &huge_amount,
    ];
    for d in dates {
        let close = format!("expected_close={d}");
        c.push(refused(
            &["add", "opportunity", "description=x", &close],
            &list("opportunity"),
        ));
        c.push(refused(&["set", "opportunity", OPP, &close], &get_opp));
    }
    c.push(refused(
        &["add", "lead", "last_name=x", "follow_up=+99999999d"],
        &list("lead"),
    ));
    c.push(refused(
        &[
            "add",
            "campaign",
            "description=x",
            "start_date=+4294967297m",
        ],
        &list("campaign"),
    ));
    // Counts, percentages and quantities.
    for (field, v) in [
        ("probability", "101"),
        ("probability", "-1"),
        ("probability", "١٠"),
        ("probability", "1e2"),
    ] {
        c.push(refused(
            &["set", "opportunity", OPP, &format!("{field}={v}")],
            &get_opp,
        ));
    }
    c.push(refused(
        &["add", "prospect", "name=x", "employees=-5"],
        &list("prospect"),
    ));
    c.push(refused(
        &[
            "add",
            "prospect",
            "name=x",
            "employees=99999999999999999999",
        ],
        &list("prospect"),
    ));
    c.push(refused(
        &["add", "customer", "name=x", "employees=-1"],
        &list("customer"),
    ));
    c.push(refused(
        &[
            "add",
            "quote",
            &format!("opportunity={OPP}"),
            "lines=ITEM|-2|10.00",
        ],
        &list("quote"),
    ));
    c.push(refused(
        &[
            "add",
            "quote",
            &format!("opportunity={OPP}"),
            "lines=ITEM|2|0.001",
        ],
        &list("quote"),
    ));
    c.push(refused(
        &[
            "add",
            "quote",
            &format!("opportunity={OPP}"),
            "lines=ITEM|1|1|1|1|1|1|1|1",
        ],
        &list("quote"),
    ));
    // Keys, fields and lengths.
    let key = format!("key={long_key}");
    c.push(refused(
        &["add", "territory", &key, "description=x"],
        &list("territory"),
    ));
    c.push(bad(&["get", "territory", &long_key]));
    c.push(refused(&["rm", "territory", &long_key], &list("territory")));
    c.push(refused(
        &["set", "territory", &long_key, "description=x"],
        &list("territory"),
    ));
    c.push(bad(&["get", "opportunity", &format!("{OPP}{nasty}")]));
    c.push(bad(&["history", "opportunity", &long_key]));
    c.push(bad(&["timeline", "customer", &long_key]));
    let long_text = format!("description={}", "x".repeat(10_001));
    c.push(refused(
        &["add", "opportunity", &long_text],
        &list("opportunity"),
    ));
    c.push(refused(
        &[
            "set",
            "opportunity",
            OPP,
            &format!("notes={}", "n".repeat(100_001)),
        ],
        &get_opp,
    ));
    c.push(refused(
        &["add", "opportunity", "stge=PROPOSAL"],
        &list("opportunity"),
    ));
    // No field stores a C0 control: not in a single-line field (tab and line
    // ends too), not in notes (but their tabs and line ends).
    for (field, value) in [
        ("description", format!("A{nasty}Z")),
        ("description", "a\tb".to_string()),
        ("description", "a\nb".to_string()),
        ("notes", "ok\u{1b}[2J".to_string()),
        ("notes", "ok\u{7}".to_string()),
    ] {
        c.push(refused(
            &["set", "opportunity", OPP, &format!("{field}={value}")],
            &get_opp,
        ));
    }
    c.push(refused(
        &["add", "opportunity", &format!("{nasty}=5")],
        &list("opportunity"),
    ));
    c.push(refused(
        &["add", "opportunity", &"a".repeat(130_000)],
        &list("opportunity"),
    ));
    c.push(refused(
        &["add", "opportunity", "description"],
        &list("opportunity"),
    ));
    c.push(refused(&["add", "opportunity", "=x"], &list("opportunity")));
    c.push(bad(&["add", "nosuch", "a=b"]));
    c.push(bad(&["add", &format!("x{nasty}"), "a=b"]));
    c.push(bad(&["add", &"e".repeat(100_000), "a=b"]));
    c.push(refused(
        &["set", "opportunity", OPP, "key=OPP9999999"],
        &get_opp,
    ));
    c.push(refused(
        &[
            "set",
            "opportunity",
            OPP,
            "--if-rev",
            "999999",
            "description=x",
        ],
        &get_opp,
    ));
    c.push(refused(
        &["set", "opportunity", OPP, "territory=NOSUCH"],
        &get_opp,
    ));
    c.push(refused(
        &["set", "opportunity", OPP, "stage=NOSUCH"],
        &get_opp,
    ));
    c.push(refused(
        &["set", "opportunity", OPP, "status=draft"],
        &get_opp,
    ));
    c.push(bad(&["set", "opportunity", "NOSUCH", "description=x"]));
    c.push(refused(
        &["rm", "territory", "NORTHWEST"],
        &list("territory"),
    ));
    c.push(bad(&["rm", "opportunity", "NOSUCH"]));
    c.push(bad(&["schema", "nosuch"]));
    c.push(bad(&["schema", &nasty]));
    c.push(bad(&["list", "nosuch"]));
    c.push(bad(&["list", "opportunity", "--territory", &nasty]));
    c.push(bad(&["list", "opportunity", "--team", &long_key]));
    // Queries: depth, length, fields, values, options, saving.
    let q = |text: &str| {
        vec![
            "query".to_string(),
            text.to_string(),
            "-e".into(),
            "opportunity".into(),
        ]
    };
    let deep = [
        "(".repeat(10_000) + "x" + &")".repeat(10_000),
        "NOT ".repeat(10_000) + "x",
        "-".repeat(10_000) + "x",
        "(".repeat(65) + "x" + &")".repeat(65),
        "x ".repeat(2001),
        "has:opportunity(".repeat(100) + "x" + &")".repeat(100),
    ];
    let mut texts: Vec<String> = deep.to_vec();
    texts.extend(
        [
            "stge:PROPOSAL",
            "amount>0.001",
            "amount>€5",
            "expected_close<today+99999999d",
            "expected_close<+4294967297m",
            "stage:",
            "(",
            ")",
            "\"",
            "changed:stage",
            "was.stage:x",
            "AND",
            "OR OR",
            "has:nosuch",
            "probability>١٠",
            "amount>0\u{202e}",
            "expected_close>today+\u{1b}",
        ]
        .map(str::to_string),
    );
    for t in &texts {
        let args = q(t);
        c.push(bad(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    c.push(case(&["query", &nasty, "-e", "opportunity"]));
    c.push(bad(&["query", "x", "-e", "nosuch"]));
    c.push(bad(&[
        "query",
        "x",
        "-e",
        "opportunity",
        "--sort",
        "nosuch",
    ]));
    c.push(bad(&["query", "x", "-e", "opportunity", "--sort", &nasty]));
    c.push(bad(&[
        "query",
        "x",
        "-e",
        "opportunity",
        "--columns",
        "a,b,c",
    ]));
    c.push(bad(&[
        "query",
        "x",
        "-e",
        "opportunity",
        "--limit",
        "99999999999999999999",
    ]));
    c.push(bad(&[
        "query",
        "",
        "-e",
        "opportunity",
        "--group-by",
        "notes",
    ]));
    c.push(bad(&[
        "query",
        "",
        "-e",
        "opportunity",
        "--group-by",
        "a,b,c",
    ]));
    c.push(bad(&[
        "query",
        "",
        "-e",
        "opportunity",
        "--group-by",
        "stage",
        "--sum",
        "description",
    ]));
    c.push(bad(&["query", "--saved", "NOSUCH"]));
    c.push(bad(&["query", "--saved", &long_key]));
    let saved = ["queries", "--format", "csv"];
    c.push(refused(
        &[
            "query",
            "stage:PROPOSAL",
            "-e",
            "opportunity",
            "--save",
            "PAST-DUE-OPPS",
        ],
        &saved,
    ));
    c.push(refused(
        &["query", "(((", "-e", "opportunity", "--save", "FUZZ-BAD"],
        &saved,
    ));
    c.push(refused(
        &["query", "x", "-e", "opportunity", "--save", &nasty],
        &saved,
    ));
    c.push(refused(
        &["queries", "--rename", "PAST-DUE-OPPS", "PAST-DUE-TASKS"],
        &saved,
    ));
    c.push(bad(&["queries", "--delete", "NOSUCH"]));
    // Quick find.
    c.push(bad(&["find", &find_text]));
    c.push(bad(&["find", &"a".repeat(201)]));
    c.push(case(&["find", &nasty]));
    c.push(bad(&["find", ""]));
    c.push(bad(&["find", "müller", "--limit", "0"]));
    // Forecasts and reports.
    let fc = ["list", "sales_forecast", "--format", "csv"];
    // An unknown team, territory or salesperson once answered with an empty table.
    for (opt, v) in [
        ("--team", "NOSUCH"),
        ("--territory", "NOSUCH"),
        ("--salesperson", "NOSUCH"),
        ("--team", &nasty),
    ] {
        c.push(bad(&["forecast", "2026-Q4", opt, v]));
    }
    c.push(bad(&["forecast", "NOSUCHPERIOD"]));
    c.push(bad(&["forecast", &long_key]));
    c.push(refused(&["forecast", "add", "FCS0000001", "NOSUCH"], &fc));
    c.push(refused(&["forecast", "add", "NOSUCH", OPP], &fc));
    c.push(refused(&["forecast", "submit", "NOSUCH"], &fc));
    c.push(refused(
        &["set", "sales_forecast", "FCS0000001", "status=draft"],
        &fc,
    ));
    c.push(bad(&["forecast", "candidates", "NOSUCH"]));
    for args in [
        vec!["report", "nosuch"],
        vec!["report", "pipeline", "--by", "nosuch"],
        vec!["report", "pipeline", "--by", "notes"],
        vec!["report", "forecast", "--period", "NOSUCH"],
        vec![
            "report",
            "win-loss",
            "--from",
            "2026-12-01",
            "--to",
            "2026-01-01",
        ],
        vec!["report", "win-loss", "--from", "+99999999d"],
        vec!["report", "win-loss", "--from", "+"],
        vec!["report", "activity", "--salesperson", "NOSUCH"],
        vec!["report", "pipeline", "--team", "NOSUCH"],
        vec!["report", "pipeline", "--territory", "NOSUCH"],
        vec!["report", "pipeline", "--query", "(((("],
        vec!["report", "pipeline", "--query", "stge:x"],
        vec!["report", "pipeline", "--territory", &nasty],
        vec!["report", "pipeline", "--out", "/nonexistent/dir/p.xlsx"],
        vec!["report", "pipeline", "--out", "p.nosuch"],
        vec!["campaign-report", "NOSUCH"],
        vec!["campaign-report", &nasty],
        vec!["alerts", "--as", "NOSUCH"],
        vec!["alerts", "--as", &nasty],
    ] {
        c.push(bad(&args));
    }
    // Workflows on what does not exist or does not fit.
    c.push(refused(
        &["convert", "prospect", "NOSUCH"],
        &list("customer"),
    ));
    c.push(refused(&["convert", "lead", &nasty], &list("opportunity")));
    c.push(refused(
        &["accept", "NOSUCH", "--won", "WPRICE"],
        &list("order"),
    ));
    c.push(refused(&["reject", "NOSUCH"], &list("quote")));
    c.push(bad(&["restore", "opportunity", "NOSUCH"]));
    c.push(bad(&["history", "nosuch", "X"]));
    c.push(bad(&["log", "--since", "+99999999d"]));
    c.push(bad(&["log", "--since", "garbage"]));
    c.push(bad(&["log", "--user", &nasty]));
    c.push(bad(&["events", "--since", "+"]));
    c.push(bad(&["events", "--rule", &long_key]));
    // Rules and the inbox.
    let rules = list("event_rule");
    c.push(bad(&["rules", "test", "NOSUCH"]));
    c.push(bad(&["rules", "enable", &nasty]));
    c.push(refused(
        &[
            "add",
            "event_rule",
            "key=FUZZRULE",
            "description=x",
            "entity=opportunity",
            "trigger=updated",
            "when=stage",
            &format!("actions=notify leader \"{}", "{".repeat(3)),
        ],
        &rules,
    ));
    c.push(refused(
        &[
            "add",
            "event_rule",
            "key=FUZZRULE",
            "description=x",
            "entity=opportunity",
            "trigger=updated",
            &format!("actions={nasty}"),
        ],
        &rules,
    ));
    c.push(refused(
        &[
            "add",
            "event_rule",
            "key=FUZZRULE",
            "description=x",
            &format!("entity={nasty}"),
            "trigger=updated",
            "actions=notify leader \"x\"",
        ],
        &rules,
    ));
    c.push(refused(
        &[
            "add",
            "event_rule",
            "key=FUZZRULE",
            "description=x",
            "entity=opportunity",
            "trigger=schedule",
            "when=monthly on 99999999999999999999",
            "actions=notify leader \"x\"",
        ],
        &rules,
    ));
    c.push(bad(&["inbox", "--read", "garbage"]));
    c.push(bad(&["inbox", "--approve", "99999999999999999999"]));
    c.push(bad(&["inbox", "--reject", "1"]));
    // Demo loads onto a database that holds records.
    let counts = list("opportunity");
    c.push(refused(&["demo", "--records", "100"], &counts));
    c.push(Case {
        refused: false,
        probe: Some(counts.iter().map(|s| s.to_string()).collect()),
        ..case(&["demo", "--if-empty", "--records", "100"])
    });
    c.push(bad(&["demo", "--records", "99999999999999999999"]));
    // Files: missing, a folder, binary, runaway lines, a broken vCard, a fake workbook.
    let write = |name: &str, bytes: &[u8]| {
        let p = files.join(name);
        std::fs::write(&p, bytes).expect("a file");
        p.display().to_string()
    };
    let garbage = write(
        "garbage.csv",
        &(0..=255u8).cycle().take(20_000).collect::<Vec<_>>(),
    );
    let runaway = write(
        "runaway.csv",
        format!("name\n{}\n", "x".repeat(5 << 20)).as_bytes(),
    );
    let vcf = write("broken.vcf", b"BEGIN:VCARD\r\nFN:\x1b]0;t\x07\r\n");
    let xlsx = write("fake.xlsx", b"PK\x03\x04 not really a workbook");
    let nasty_csv = write("nasty.csv", format!("name,{nasty}\nx,y\n").as_bytes());
    let dir = files.display().to_string();
    for path in [
        &garbage,
        &runaway,
        &vcf,
        &xlsx,
        &nasty_csv,
        &dir,
        &"/nonexistent/f.csv".to_string(),
    ] {
        c.push(refused(
            &["import", path, "--entity", "prospect"],
            &list("prospect"),
        ));
    }
    c.push(refused(
        &[
            "import",
            &garbage,
            "--entity",
            "prospect",
            "--encoding",
            &nasty,
        ],
        &list("prospect"),
    ));
    c.push(refused(
        &[
            "import",
            &nasty_csv,
            "--entity",
            "prospect",
            "--delimiter",
            "\u{1}",
        ],
        &list("prospect"),
    ));
    c.push(bad(&["import", &garbage, "--entity", "nosuch"]));
    c.push(bad(&["export", &dir, "--entity", "opportunity"]));
    c.push(bad(&[
        "export",
        &files.join("x.csv").display().to_string(),
        "--entity",
        "nosuch",
    ]));
    c.push(bad(&[
        "export",
        &files.join("x.csv").display().to_string(),
        "--entity",
        "opportunity",
        "--query",
        "((((",
    ]));
    c.push(bad(&[
        "export",
        &files.join("x.nosuch").display().to_string(),
        "--entity",
        "opportunity",
    ]));
    c.push(case(&["check"]));
    c
}

/// One invocation's verdicts; its time.
fn run(db: &Path, args: &[String], failures: &mut Vec<String>) -> (i32, Duration) {
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let shown = termcrm::util::excerpt(&args.join(" "));
    let start = Instant::now();
    let (code, out, err) = crm(db, &argv);
    let took = start.elapsed();
    if code == 101 || err.contains("panicked") {
        failures.push(format!(
            "{shown}: panicked: {}",
            termcrm::util::excerpt(&err)
        ));
    }
    for (what, text) in [("stdout", &out), ("stderr", &err)] {
        if let Some(c) = text.chars().find(|&c| acts(c)) {
            failures.push(format!("{shown}: {what} holds {c:?}"));
        }
    }
    // An error is one line of reasonable length (usage errors print their usage).
    if code == 1 && (err.trim_end().lines().count() != 1 || err.chars().count() > 400) {
        failures.push(format!(
            "{shown}: the error is {} lines, {} characters: {}",
            err.trim_end().lines().count(),
            err.chars().count(),
            termcrm::util::excerpt(&err)
        ));
    }
    let limit = if cfg!(debug_assertions) { 3 } else { 1 };
    if took > Duration::from_secs(limit) {
        failures.push(format!("{shown}: took {took:?} (at most {limit} s)"));
    }
    (code, took)
}

#[test]
fn the_battery_finds_no_panic_no_raw_control_character_no_slow_answer_and_no_wrong_acceptance() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let files = dir.path().join("files");
    std::fs::create_dir(&files).unwrap();
    let (code, _, err) = crm(&db, &["demo", "--records", "400"]);
    assert_eq!(code, 0, "{err}");

    // Records whose text would act on a terminal, printed by every table: all
    // of it but the C0 controls, which no field stores (notes keep tabs and line
    // ends).
    let nasty: String = nasty().chars().filter(|&c| c >= ' ').collect();
    let (code, key, err) = crm(
        &db,
        &["add", "prospect", &format!("name=A{nasty}Z"), "city=Köln"],
    );
    assert_eq!(code, 0, "{err}");
    let key = key.trim().to_string();
    let (code, _, err) = crm(
        &db,
        &[
            "set",
            "opportunity",
            OPP,
            &format!("description=B{nasty}"),
            &format!("notes=n{nasty}\tcolumn\r\nline two"),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let mut cases = cases(&files);
    for args in [
        vec!["get", "prospect", &key],
        vec!["list", "prospect"],
        vec!["get", "opportunity", OPP],
        vec!["list", "opportunity", "--limit", "50"],
        vec!["query", "name:evil", "-e", "prospect"],
        vec![
            "query",
            "",
            "-e",
            "opportunity",
            "--group-by",
            "description",
        ],
        vec!["find", "evil"],
        vec!["history", "prospect", &key],
        vec!["history", "opportunity", OPP],
        vec!["timeline", "prospect", &key],
        vec!["log", "--limit", "20"],
        vec!["alerts", "--all"],
        vec!["report", "pipeline", "--by", "salesperson"],
    ] {
        cases.push(Case {
            accepted: true,
            ..case(&args)
        });
    }
    assert!(cases.len() >= 150, "{} invocations", cases.len());

    let mut failures = Vec::new();
    let mut probes: HashMap<Vec<String>, String> = HashMap::new();
    let mut times = Vec::new();
    let total = Instant::now();
    for c in &cases {
        let before = c.probe.as_ref().map(|p| {
            probes
                .entry(p.clone())
                .or_insert_with(|| {
                    let argv: Vec<&str> = p.iter().map(String::as_str).collect();
                    crm(&db, &argv).1
                })
                .clone()
        });
        let (code, took) = run(&db, &c.args, &mut failures);
        if std::env::var_os("CRM_BATTERY_VERBOSE").is_some() {
            eprintln!("{code} {}", termcrm::util::excerpt(&c.args.join(" ")));
        }
        times.push((took, termcrm::util::excerpt(&c.args.join(" "))));
        let shown = termcrm::util::excerpt(&c.args.join(" "));
        if c.refused && code == 0 {
            failures.push(format!("{shown}: accepted, must be refused"));
        }
        if c.accepted && code != 0 {
            failures.push(format!("{shown}: refused (exit {code}), must succeed"));
        }
        if let (Some(p), Some(before)) = (&c.probe, before) {
            let argv: Vec<&str> = p.iter().map(String::as_str).collect();
            let after = crm(&db, &argv).1;
            if after != before {
                failures.push(format!("{shown}: changed what `crm {}` shows", p.join(" ")));
                probes.insert(p.clone(), after);
            }
        }
    }
    times.sort();
    eprintln!(
        "battery: {} invocations in {:?}; slowest: {}",
        cases.len(),
        total.elapsed(),
        times
            .iter()
            .rev()
            .take(5)
            .map(|(t, a)| format!("{t:?} {a}"))
            .collect::<Vec<_>>()
            .join("; ")
    );
    stop_server(&db);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
