//! `crm report` and `crm query --group-by` through the built binary on demo data:
//! every report in every format, the pipeline's figures against sums over the
//! full listing, the XLSX report opened with calamine (numbers, mixed currencies
//! as text, a chart part), group-by totals, and the bad input each refuses with
//! one line and nothing changed. Every server a test's commands start is stopped
//! when the test ends (`common::cli`).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::cli::crm;
use serde_json::Value;
use tempfile::TempDir;

/// A demo database of about a thousand records, with one opportunity in US
/// dollars (open, in PROPOSAL), so that one stage sums two currencies.
fn demo() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&db, &["demo", "--records", "1000"]);
    let customer = first_key(&db, "customer");
    ok(
        &db,
        &[
            "add",
            "opportunity",
            "description=Export USA",
            &format!("customer={customer}"),
            "stage=PROPOSAL",
            "amount=1000.50 USD",
            "probability=33",
            "status=OPEN",
        ],
    );
    (dir, db)
}

fn ok(db: &Path, args: &[&str]) -> String {
    let (code, out, err) = crm(db, args);
    assert_eq!(code, 0, "crm {args:?}: {err}");
    out
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn first_key(db: &Path, entity: &str) -> String {
    let rows = json(&ok(
        db,
        &["list", entity, "--limit", "1", "--format", "json"],
    ));
    rows[0]["key"].as_str().unwrap().to_string()
}

/// Sums per currency, in cents.
type Sums = BTreeMap<String, i64>;

/// "64400.00 EUR" as (cents, currency).
fn money(text: &str) -> (i64, String) {
    let (number, currency) = text.split_once(' ').unwrap();
    (
        number.replace('.', "").parse().unwrap(),
        currency.to_string(),
    )
}

/// A report's JSON money cell (`[{amount, currency}]`) as cents per currency.
fn sums(cell: &Value) -> Sums {
    cell.as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let cents = (m["amount"].as_f64().unwrap() * 100.0).round() as i64;
            (m["currency"].as_str().unwrap().to_string(), cents)
        })
        .collect()
}

#[derive(Debug, Default, PartialEq)]
struct Figures {
    count: u64,
    amount: Sums,
    weighted: Sums,
}

/// The pipeline by stage, summed over every opportunity the listing shows that
/// is open (its status means open, or it has none).
fn brute_force_pipeline(db: &Path) -> BTreeMap<String, Figures> {
    let statuses = json(&ok(db, &["list", "opportunity_status", "--format", "json"]));
    let open: Vec<&str> = statuses
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["meaning"] == "open")
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    let all = json(&ok(db, &["list", "opportunity", "--format", "json"]));
    let mut out: BTreeMap<String, Figures> = BTreeMap::new();
    for o in all.as_array().unwrap() {
        let status = o["status"].as_str().unwrap_or("");
        if !status.is_empty() && !open.contains(&status) {
            continue;
        }
        let f = out
            .entry(o["stage"].as_str().unwrap_or("").to_string())
            .or_default();
        f.count += 1;
        if let Some(amount) = o["amount"].as_str() {
            let (cents, currency) = money(amount);
            let p = o["probability"].as_i64().unwrap_or(0).clamp(0, 100);
            *f.amount.entry(currency.clone()).or_default() += cents;
            *f.weighted.entry(currency).or_default() += (cents * p + 50) / 100;
        }
    }
    out
}

/// The pipeline report's rows by stage, from its JSON.
fn reported_pipeline(report: &Value) -> BTreeMap<String, Figures> {
    report["sections"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let f = Figures {
                count: r["count"].as_u64().unwrap(),
                amount: sums(&r["amount"]),
                weighted: sums(&r["weighted"]),
            };
            (r["stage"].as_str().unwrap().to_string(), f)
        })
        .collect()
}

/// Each report with arguments that give it rows on the demo data (dated as of
/// 2026-11-20, whatever today is).
const REPORTS: [&[&str]; 5] = [
    &["report", "pipeline"],
    &["report", "forecast", "--period", "2026-Q4"],
    &[
        "report",
        "win-loss",
        "--from",
        "2026-01-01",
        "--to",
        "2026-11-20",
    ],
    &[
        "report",
        "activity",
        "--from",
        "2026-08-31",
        "--to",
        "2026-11-20",
    ],
    &["report", "campaigns"],
];

#[test]
fn every_report_prints_as_a_table_csv_and_json() {
    let (_dir, db) = demo();
    for args in REPORTS {
        let report = json(&ok(&db, &[args, &["--format", "json"]].concat()));
        assert_eq!(report["report"], args[1], "{report}");
        let sections = report["sections"].as_array().unwrap();
        assert!(!sections.is_empty());
        for s in sections {
            assert!(
                !s["rows"].as_array().unwrap().is_empty(),
                "crm {args:?}: no rows in {s}"
            );
        }

        let table = ok(&db, args);
        let mut lines = table.lines();
        let first = lines.next().unwrap();
        assert!(first.contains(" — "), "a title and scope: {first}");
        for s in sections {
            assert!(table.contains(s["title"].as_str().unwrap()), "{table}");
            if !s["total"].is_null() {
                assert!(table.lines().any(|l| l.starts_with("Total ")), "{table}");
            }
        }
        assert!(!table.contains('\u{1b}'));

        let csv = ok(&db, &[args, &["--format", "csv"]].concat());
        assert!(!csv.starts_with('\u{feff}'), "no byte-order mark on a pipe");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(csv.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        // The first section's header names its JSON fields.
        let header = records.iter().find(|r| r.len() > 1).expect("a header row");
        let names: Vec<&str> = sections[0]["rows"][0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(header.iter().collect::<Vec<_>>(), names, "crm {args:?}");
    }

    // German labels with --lang de.
    let table = ok(&db, &["report", "pipeline", "--lang", "de"]);
    assert!(table.contains("Offene Pipeline nach Phase"), "{table}");
    assert!(table.contains("Verkaufschancen"), "{table}");
}

#[test]
fn the_pipeline_is_the_sum_of_the_open_opportunities() {
    let (_dir, db) = demo();
    let expected = brute_force_pipeline(&db);
    let report = json(&ok(&db, &["report", "pipeline", "--format", "json"]));
    let reported = reported_pipeline(&report);
    assert_eq!(reported, expected);
    // The dollar opportunity is summed apart from the euros.
    assert_eq!(reported["PROPOSAL"].amount["USD"], 100_050);
    assert!(reported["PROPOSAL"].amount["EUR"] > 0);

    let total = &report["sections"][0]["total"];
    let count: u64 = expected.values().map(|f| f.count).sum();
    assert_eq!(total["count"].as_u64(), Some(count));
    let mut amount = Sums::new();
    for f in expected.values() {
        for (c, v) in &f.amount {
            *amount.entry(c.clone()).or_default() += v;
        }
    }
    assert_eq!(sums(&total["amount"]), amount);

    // The table shows the same figures, each currency in full.
    let table = ok(&db, &["report", "pipeline"]);
    let proposal = table.lines().find(|l| l.starts_with("PROPOSAL ")).unwrap();
    assert!(proposal.contains(" EUR + 1000.50 USD"), "{proposal}");
}

#[test]
fn the_pipeline_as_xlsx_has_the_numbers_and_a_chart() {
    let (dir, db) = demo();
    let report = json(&ok(&db, &["report", "pipeline", "--format", "json"]));
    let reported = reported_pipeline(&report);
    let path = dir.path().join("pipeline.xlsx");
    let (code, out, err) = crm(
        &db,
        &[
            "report",
            "pipeline",
            "--format",
            "xlsx",
            "--out",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("wrote the pipeline report"), "{err}");

    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["by_stage"]);
    let range = book.worksheet_range("by_stage").unwrap();
    let cell = |row: usize, col: usize| range.get((row, col)).cloned().unwrap_or(Data::Empty);
    assert_eq!(cell(0, 0), Data::String("Open pipeline by stage".into()));
    assert_eq!(cell(2, 0), Data::String("Stage".into()));
    assert_eq!(cell(2, 1), Data::String("Opportunities".into()));
    let mut seen = 0;
    for row in 3..range.height() {
        let Data::String(stage) = cell(row, 0) else {
            continue;
        };
        if stage == "Total" {
            assert_eq!(
                cell(row, 1),
                Data::Float(report["sections"][0]["total"]["count"].as_f64().unwrap())
            );
            continue;
        }
        let f = &reported[&stage];
        assert_eq!(cell(row, 1), Data::Float(f.count as f64), "{stage}");
        for (col, sums) in [(2, &f.amount), (3, &f.weighted)] {
            match sums.len() {
                1 => {
                    let cents = sums.values().next().unwrap();
                    assert_eq!(
                        cell(row, col),
                        Data::Float(*cents as f64 / 100.0),
                        "{stage}"
                    );
                }
                // Two currencies: their text, never one number.
                _ => {
                    let Data::String(text) = cell(row, col) else {
                        panic!("{stage}: {:?}", cell(row, col))
                    };
                    assert!(text.contains(" EUR + ") && text.ends_with(" USD"), "{text}");
                }
            }
        }
        seen += 1;
    }
    assert_eq!(seen, reported.len());

    // The chart is a part of the zip; its name is stored uncompressed in the
    // central directory.
    let bytes = std::fs::read(&path).unwrap();
    let name = b"xl/charts/chart1.xml";
    assert!(bytes.windows(name.len()).any(|w| w == name));

    // --out with an .xlsx ending needs no --format; a .csv ending writes CSV.
    let by_ending = dir.path().join("again.xlsx");
    ok(
        &db,
        &["report", "pipeline", "--out", by_ending.to_str().unwrap()],
    );
    assert!(std::fs::read(&by_ending).unwrap().starts_with(b"PK"));
    let csv = dir.path().join("pipeline.csv");
    ok(&db, &["report", "pipeline", "--out", csv.to_str().unwrap()]);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("\u{feff}stage,count,amount,weighted"),
        "{text}"
    );
}

#[test]
fn group_by_totals_equal_the_record_count() {
    let (dir, db) = demo();
    let records = json(&ok(&db, &["list", "opportunity", "--format", "json"]));
    let n = records.as_array().unwrap().len() as u64;
    let section = json(&ok(
        &db,
        &[
            "query",
            "",
            "-e",
            "opportunity",
            "--group-by",
            "salesperson,stage",
            "--format",
            "json",
        ],
    ));
    let rows = section["rows"].as_array().unwrap();
    assert_eq!(section["total"]["count"].as_u64(), Some(n));
    assert_eq!(
        rows.iter()
            .map(|r| r["count"].as_u64().unwrap())
            .sum::<u64>(),
        n
    );
    // Each (salesperson, stage) pair is one row, counted as the listing counts it.
    let mut pairs: BTreeMap<(String, String), u64> = BTreeMap::new();
    for o in records.as_array().unwrap() {
        let s = |f: &str| o[f].as_str().unwrap_or("").to_string();
        *pairs.entry((s("salesperson"), s("stage"))).or_default() += 1;
    }
    assert_eq!(rows.len(), pairs.len());
    for r in rows {
        let key = (
            r["salesperson"].as_str().unwrap().to_string(),
            r["stage"].as_str().unwrap().to_string(),
        );
        assert_eq!(r["count"].as_u64(), Some(pairs[&key]), "{key:?}");
    }

    // The table and CSV hold the same total; the groups sort by count.
    let table = ok(
        &db,
        &[
            "query",
            "",
            "-e",
            "opportunity",
            "--group-by",
            "salesperson,stage",
        ],
    );
    let total = table.lines().find(|l| l.starts_with("Total ")).unwrap();
    assert!(total.contains(&format!(" {n} ")), "{total}");
    let csv = ok(
        &db,
        &[
            "query",
            "",
            "-e",
            "opportunity",
            "--group-by",
            "stage",
            "--sum",
            "amount",
            "--sort-groups",
            "count",
            "--desc",
            "--format",
            "csv",
        ],
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "stage,count,sum_amount");
    let counts: Vec<u64> = lines[1..lines.len() - 1]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{csv}");
    assert_eq!(counts.iter().sum::<u64>(), n);
    assert!(lines[lines.len() - 1].starts_with(&format!("Total,{n},")));

    // A group-by to an .xlsx file: a sheet with the groups and a chart.
    let path = dir.path().join("groups.xlsx");
    ok(
        &db,
        &[
            "query",
            "territory:NORD",
            "-e",
            "opportunity",
            "--group-by",
            "stage",
            "--out",
            path.to_str().unwrap(),
        ],
    );
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("by_stage").unwrap();
    assert_eq!(range.get((2, 1)), Some(&Data::String("Count".into())));
    assert!(matches!(range.get((3, 1)), Some(Data::Float(_))));
}

/// What a refused command must leave alone: the opportunities and the files
/// beside the database.
fn state(dir: &Path, db: &Path) -> (String, Vec<PathBuf>) {
    let listing = ok(db, &["list", "opportunity", "--format", "csv"]);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    (listing, files)
}

#[test]
fn bad_input_is_one_clear_line_and_changes_nothing() {
    let (dir, db) = demo();
    let out = dir.path().join("out.xlsx");
    let out = out.to_str().unwrap();
    let cases: [(&[&str], &str); 9] = [
        (&["report", "pipelin"], "did you mean 'pipeline'"),
        (
            &["report", "pipeline", "--by", "stagee"],
            "did you mean 'stage'",
        ),
        (
            &["report", "forecast", "--by", "teem"],
            "did you mean 'team'",
        ),
        (&["report", "forecast", "--period", "2031-Q9"], "2031-Q9"),
        (
            &[
                "report",
                "win-loss",
                "--from",
                "2026-12-01",
                "--to",
                "2026-11-01",
            ],
            "--from 2026-12-01 is after --to 2026-11-01",
        ),
        (
            &["report", "pipeline", "--from", "soon"],
            "'soon' is not a date",
        ),
        (
            &["query", "", "-e", "opportunity", "--group-by", "notes"],
            "multiline",
        ),
        (
            &["report", "pipeline", "--format", "xlsx"],
            "--out FILE.xlsx",
        ),
        (
            &[
                "query",
                "",
                "-e",
                "opportunity",
                "--group-by",
                "notes",
                "--out",
                out,
            ],
            "cannot group by opportunity.notes",
        ),
    ];
    let before = state(dir.path(), &db);
    for (args, needle) in cases {
        let (code, stdout, err) = crm(&db, args);
        assert_eq!(code, 2, "crm {args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "crm {args:?}: {err}");
        assert!(err.starts_with("crm: "), "{err}");
        assert!(err.contains(needle), "crm {args:?}: {err}");
        assert!(stdout.is_empty(), "crm {args:?}: {stdout}");
        assert_eq!(
            state(dir.path(), &db),
            before,
            "crm {args:?} changed something"
        );
    }
    // The notes field is refused with the reason.
    let (_, _, err) = crm(
        &db,
        &["query", "", "-e", "opportunity", "--group-by", "notes"],
    );
    assert!(err.contains("each group would be one record"), "{err}");
}
