//! The built `crm` binary, run as a user runs it: each test on its own database.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use tempfile::TempDir;
use termcrm::model::{entity, ENTITIES};
use termcrm::store::Store;

/// What one run of `crm` gave.
#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    /// Asserts success and returns stdout.
    fn ok(self) -> String {
        assert_eq!(self.code, 0, "expected success: {self:?}");
        self.stdout
    }

    /// Asserts exit code 1 with exactly one line on stderr and returns that line.
    fn error_line(self) -> String {
        assert_eq!(self.code, 1, "expected exit code 1: {self:?}");
        assert!(!self.stderr.contains("panicked"), "{self:?}");
        assert!(self.stderr.ends_with('\n'), "{self:?}");
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "expected one line on stderr: {self:?}");
        assert!(lines[0].starts_with("crm: "), "{self:?}");
        lines[0].to_string()
    }
}

/// A temporary home with a database path inside it.
struct Db {
    dir: TempDir,
}

impl Db {
    fn new() -> Db {
        Db {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("db")
    }

    /// `crm` with no database option and a private environment.
    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_crm"));
        cmd.env_remove("CRM_DB")
            .env("HOME", self.dir.path().join("home"))
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"))
            .env("COLUMNS", "200");
        cmd
    }

    fn run_command(mut cmd: Command) -> Out {
        let out = cmd.output().expect("run crm");
        Out {
            code: out.status.code().expect("exit code, not a signal"),
            stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
        }
    }

    /// `crm --db PATH args...`
    fn crm(&self, args: &[&str]) -> Out {
        let mut cmd = self.command();
        cmd.arg("--db").arg(self.path()).args(args);
        let out = Self::run_command(cmd);
        common::cli::watch(&self.path());
        out
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.crm(args);
        assert_eq!(out.code, 0, "crm {args:?}: {out:?}");
        out.stdout
    }

    /// Adds a record and returns the key it printed.
    fn add(&self, entity: &str, fields: &[&str]) -> String {
        let mut args = vec!["add", entity];
        args.extend_from_slice(fields);
        let stdout = self.ok(&args);
        assert_eq!(
            stdout.lines().count(),
            1,
            "add prints the key alone: {stdout:?}"
        );
        stdout.trim_end().to_string()
    }

    fn csv(&self, args: &[&str]) -> Csv {
        let mut args = args.to_vec();
        args.extend(["--format", "csv"]);
        Csv::parse(&self.ok(&args))
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let text = self.ok(&args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    /// `crm check`, which must pass; its report holds the record count of every
    /// entity and the entry count of every index.
    fn check(&self) -> String {
        let out = self.crm(&["check"]);
        assert_eq!(out.code, 0, "crm check: {out:?}");
        assert!(out.stdout.contains("clean"), "{out:?}");
        out.stdout
    }
}

/// Parsed CSV output: the header and the rows.
#[derive(Debug, PartialEq)]
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn parse(text: &str) -> Csv {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader
            .headers()
            .expect("a header")
            .iter()
            .map(String::from)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.expect("a csv row").iter().map(String::from).collect())
            .collect();
        Csv { header, rows }
    }

    fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    fn get(&self, row: usize, name: &str) -> &str {
        &self.rows[row][self.column(name)]
    }

    fn keys(&self) -> Vec<&str> {
        self.rows.iter().map(|r| r[0].as_str()).collect()
    }
}

/// `key` followed by the schema's field names.
fn schema_header(entity_name: &str) -> Vec<String> {
    let def = entity(entity_name).expect("registered entity");
    std::iter::once("key".to_string())
        .chain(def.fields.iter().map(|f| f.name.to_string()))
        .collect()
}

/// Territories, teams, a prospect, a customer and two opportunities.
fn sample(db: &Db) {
    assert_eq!(
        db.add("territory", &["key=nord", "description=Norddeutschland"]),
        "NORD"
    );
    assert_eq!(
        db.add("territory", &["key=SUED", "description=Süddeutschland"]),
        "SUED"
    );
    assert_eq!(
        db.add("sales_team", &["key=TEAM_A", "name=Team Alpha"]),
        "TEAM_A"
    );
    assert_eq!(
        db.add("prospect", &["name=Bäckerei Groß", "territory=NORD"]),
        "PRO0000001"
    );
    assert_eq!(
        db.add("customer", &["name=Müller & Söhne GmbH"]),
        "CUS0000001"
    );
    let first = db.add(
        "opportunity",
        &[
            "description=Öfen für die Backstube",
            "prospect=PRO0000001",
            "territory=NORD",
            "sales_team=team_a",
            "amount=1500",
            "probability=40",
            "expected_close=2026-06-30",
        ],
    );
    assert_eq!(first, "OPP0000001");
    let second = db.add(
        "opportunity",
        &[
            "description=Kran, 40 t \"Liebherr\"",
            "customer=CUS0000001",
            "territory=SUED",
            "amount=1.234,50 USD",
        ],
    );
    assert_eq!(second, "OPP0000002");
}

#[test]
fn add_get_set_rm_list_in_every_format() {
    let db = Db::new();
    sample(&db);

    // get, json: one object with the schema's names, references as keys.
    let o = db.json(&["get", "opportunity", "OPP0000001"]);
    let obj = o.as_object().expect("get --format json gives one object");
    let names: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    let want: BTreeSet<String> = schema_header("opportunity").into_iter().collect();
    assert_eq!(names, want.iter().map(String::as_str).collect());
    assert_eq!(o["key"], "OPP0000001");
    assert_eq!(o["description"], "Öfen für die Backstube");
    assert_eq!(o["prospect"], "PRO0000001");
    assert_eq!(o["territory"], "NORD");
    assert_eq!(o["sales_team"], "TEAM_A");
    assert_eq!(o["amount"], "1500.00 EUR");
    assert_eq!(o["probability"], 40);
    assert_eq!(o["expected_close"], "2026-06-30");
    assert!(o["customer"].is_null(), "{o}");

    // get, csv: the header and one row.
    let c = db.csv(&["get", "opportunity", "opp0000001"]);
    assert_eq!(c.header, schema_header("opportunity"));
    assert_eq!(c.rows.len(), 1);
    assert_eq!(c.get(0, "key"), "OPP0000001");
    assert_eq!(c.get(0, "amount"), "1500.00 EUR");
    assert_eq!(c.get(0, "prospect"), "PRO0000001");
    assert_eq!(c.get(0, "probability"), "40");

    // get, table (the default).
    let table = db.ok(&["get", "opportunity", "OPP0000001"]);
    let line_of = |label: &str| {
        table
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no line {label} in:\n{table}"))
            .to_string()
    };
    assert!(line_of("Key").ends_with("OPP0000001"), "{table}");
    assert!(
        line_of("Projected amount").ends_with("1500.00 EUR"),
        "{table}"
    );
    assert!(line_of("Prospect").ends_with("PRO0000001"), "{table}");

    // list in each format.
    let all = db.json(&["list", "opportunity"]);
    let all = all.as_array().expect("list --format json gives an array");
    let keys: Vec<&str> = all.iter().map(|o| o["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["OPP0000001", "OPP0000002"]);
    assert_eq!(all[1]["amount"], "1234.50 USD");
    assert_eq!(all[1]["customer"], "CUS0000001");
    let c = db.csv(&["list", "opportunity"]);
    assert_eq!(c.header, schema_header("opportunity"));
    assert_eq!(c.keys(), ["OPP0000001", "OPP0000002"]);
    assert_eq!(c.get(1, "territory"), "SUED");
    assert_eq!(c.get(1, "description"), "Kran, 40 t \"Liebherr\"");
    let table = db.ok(&["list", "opportunity"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("Key"), "{table}");
    assert!(
        lines[1].starts_with("OPP0000001") && lines[2].starts_with("OPP0000002"),
        "{table}"
    );
    assert_eq!(lines.last(), Some(&"(2 records)"), "{table}");
    let p = db.csv(&["list", "prospect"]);
    assert_eq!(p.get(0, "name"), "Bäckerei Groß");

    // list through the indexes, and with a limit.
    assert_eq!(
        db.csv(&["list", "opportunity", "--territory", "NORD"])
            .keys(),
        ["OPP0000001"]
    );
    assert_eq!(
        db.csv(&["list", "opportunity", "--territory", "sued"])
            .keys(),
        ["OPP0000002"]
    );
    let team = db.json(&["list", "opportunity", "--team", "TEAM_A"]);
    assert_eq!(team.as_array().unwrap().len(), 1);
    assert_eq!(team[0]["key"], "OPP0000001");
    assert_eq!(
        db.csv(&["list", "opportunity", "--limit", "1"]).keys(),
        ["OPP0000001"]
    );
    let prospects = db.csv(&["list", "prospect", "--territory", "NORD"]);
    assert_eq!(prospects.keys(), ["PRO0000001"]);
    let empty = db.json(&["list", "customer", "--territory", "NORD"]);
    assert_eq!(empty, serde_json::json!([]));

    // set: silent on success; the change shows everywhere, indexes included.
    assert_eq!(
        db.ok(&[
            "set",
            "opportunity",
            "OPP0000001",
            "territory=SUED",
            "probability=60"
        ]),
        ""
    );
    let o = db.json(&["get", "opportunity", "OPP0000001"]);
    assert_eq!(
        (o["territory"].as_str(), o["probability"].as_i64()),
        (Some("SUED"), Some(60))
    );
    assert_eq!(o["amount"], "1500.00 EUR", "fields not named stay");
    assert!(db
        .csv(&["list", "opportunity", "--territory", "NORD"])
        .rows
        .is_empty());
    assert_eq!(
        db.csv(&["list", "opportunity", "--territory", "SUED"])
            .keys(),
        ["OPP0000001", "OPP0000002"]
    );
    db.ok(&[
        "set",
        "opportunity",
        "OPP0000001",
        "notes=erste Zeile\\nzweite Zeile",
    ]);
    let o = db.json(&["get", "opportunity", "OPP0000001"]);
    assert_eq!(o["notes"], "erste Zeile\nzweite Zeile");

    // rm: silent on success; the record is gone.
    assert_eq!(db.ok(&["rm", "opportunity", "OPP0000002"]), "");
    let gone = db.crm(&["get", "opportunity", "OPP0000002"]).error_line();
    assert!(
        gone.contains("OPP0000002") && gone.contains("does not exist"),
        "{gone}"
    );
    assert_eq!(db.csv(&["list", "opportunity"]).keys(), ["OPP0000001"]);
    db.ok(&["rm", "customer", "CUS0000001"]);
    // A new record gets the next key; a deleted one's key is not reused.
    assert_eq!(db.add("opportunity", &["description=Neu"]), "OPP0000003");
    db.check();
}

#[test]
fn schema_lists_entities_then_fields() {
    let db = Db::new();
    let out = db.ok(&["schema"]);
    let first: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(first.len(), 33, "{out}");
    let names: Vec<&str> = ENTITIES.iter().map(|d| d.name).collect();
    assert_eq!(first, names);
    assert!(first.contains(&"opportunity"));
    let csv = db.ok(&["schema", "--format", "csv"]);
    assert_eq!(csv.lines().collect::<Vec<_>>(), names);

    let out = db.ok(&["schema", "opportunity"]);
    let listed: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    let fields: Vec<&str> = entity("opportunity")
        .unwrap()
        .fields
        .iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(listed, fields, "{out}");
    assert!(
        out.lines().next().unwrap().starts_with("opportunity"),
        "{out}"
    );
    let description = out
        .lines()
        .find(|l| l.trim_start().starts_with("description"))
        .unwrap();
    assert!(description.contains("required"), "{description}");
    let json: serde_json::Value =
        serde_json::from_str(&db.ok(&["schema", "opportunity", "--format", "json"])).unwrap();
    assert_eq!(json["fields"].as_array().unwrap().len(), fields.len());

    let err = db.crm(&["schema", "oportunity"]).error_line();
    assert!(err.contains("did you mean 'opportunity'"), "{err}");
    assert!(!db.path().exists(), "schema needs no database");
}

/// The state a refused command must leave alone: the audit's counts and the
/// listing of the entity concerned.
fn state(db: &Db, entity: &str) -> (String, String) {
    let listing = db.ok(&["list", entity, "--format", "csv"]);
    (db.check(), listing)
}

/// Sample data plus a campaign, for the bad-input tests.
fn bad_input_db() -> Db {
    let db = Db::new();
    sample(&db);
    db.add(
        "campaign",
        &[
            "description=Messe",
            "start_date=2026-03-01",
            "end_date=2026-03-05",
        ],
    );
    db
}

/// (arguments, entity whose listing must not change, what the error line must say)
type BadInput<'a> = (&'a [&'a str], &'a str, &'a [&'a str]);

/// Each command fails with exit code 1 and one line saying what is wanted, and
/// leaves the database as it was: the same listing, the same counts, `crm check`
/// clean. The refusals draw no keys either.
fn assert_refused_without_change(db: &Db, cases: &[BadInput]) {
    // Nothing changes, so the state after one refusal is the state before the next.
    let mut before: BTreeMap<&str, (String, String)> = BTreeMap::new();
    for (args, entity, wanted) in cases {
        let expected = match before.get(entity) {
            Some(state) => state.clone(),
            None => state(db, entity),
        };
        let line = db.crm(args).error_line();
        for w in *wanted {
            assert!(line.contains(w), "crm {args:?}: '{w}' missing in: {line}");
        }
        let after = state(db, entity);
        assert_eq!(after, expected, "crm {args:?} changed the database");
        before.insert(entity, after);
    }
    assert_eq!(db.add("opportunity", &["description=danach"]), "OPP0000003");
}

#[test]
fn bad_field_values_are_refused_with_one_line_and_change_nothing() {
    let db = bad_input_db();
    let cases: &[BadInput] = &[
        (
            &["add", "opportunity", "description"],
            "opportunity",
            &["'description' is not field=value"],
        ),
        (
            &["add", "oportunity", "description=x"],
            "opportunity",
            &["unknown entity 'oportunity'", "did you mean 'opportunity'"],
        ),
        (
            &["add", "opportunity", "descripton=x"],
            "opportunity",
            &["descripton", "did you mean 'description'"],
        ),
        (
            &["add", "opportunity", "description=x", "amount=abc"],
            "opportunity",
            &["amount", "abc", "not an amount"],
        ),
        (
            &["add", "opportunity", "description=x", "probability=abc"],
            "opportunity",
            &["probability", "abc"],
        ),
        (
            &["add", "opportunity", "description=x", "probability=150"],
            "opportunity",
            &["probability", "150", "between 0 and 100"],
        ),
        (
            &["add", "prospect", "name=x", "email=anna(at)example.de"],
            "prospect",
            &["email", "anna(at)example.de"],
        ),
        (
            &["add", "opportunity", "description=x", "territory=NORTH"],
            "opportunity",
            &["opportunity", "territory", "NORTH", "did you mean NORD"],
        ),
        (
            &["add", "opportunity", "description="],
            "opportunity",
            &["opportunity (new): description = '': Description is required"],
        ),
    ];
    assert_refused_without_change(&db, cases);
}

#[test]
fn bad_keys_references_and_deletes_are_refused_with_one_line_and_change_nothing() {
    let db = bad_input_db();
    let cases: &[BadInput] = &[
        (
            &[
                "add",
                "opportunity",
                "description=x",
                "expected_close=2026-13-45",
            ],
            "opportunity",
            &["expected_close", "2026-13-45"],
        ),
        (
            &[
                "add",
                "campaign",
                "description=x",
                "start_date=2026-03-10",
                "end_date=2026-03-01",
            ],
            "campaign",
            &["end_date", "2026-03-01", "before"],
        ),
        (
            &[
                "add",
                "opportunity",
                "description=x",
                "customer=CUS0000001",
                "prospect=PRO0000001",
            ],
            "opportunity",
            &["customer", "prospect", "not both"],
        ),
        (
            &["set", "opportunity", "OPP0000001", "description=  "],
            "opportunity",
            &["OPP0000001", "description", "required"],
        ),
        (
            &["add", "territory", "key=a b", "description=x"],
            "territory",
            &["key", "A B"],
        ),
        (
            &["add", "territory", "key=NORD", "description=noch einmal"],
            "territory",
            &["NORD", "exists already"],
        ),
        (
            &["set", "opportunity", "OPP0000001", "probability=150"],
            "opportunity",
            &["OPP0000001", "probability", "150"],
        ),
        (
            &["set", "opportunity", "OPP0000001", "territory=NORTH"],
            "opportunity",
            &["OPP0000001", "NORTH", "did you mean NORD"],
        ),
        (
            &["set", "opportunity", "OPP0000001", "key=OPP0000009"],
            "opportunity",
            &["key"],
        ),
        (
            &["rm", "territory", "NORD"],
            "territory",
            &[
                "cannot delete territory NORD",
                "prospect PRO0000001 (territory)",
                "opportunity OPP0000001 (territory)",
            ],
        ),
        (
            &["rm", "prospect", "PRO0000001"],
            "prospect",
            &["opportunity OPP0000001 (prospect)"],
        ),
        (
            &["get", "opportunity", "OPP0000009"],
            "opportunity",
            &["opportunity OPP0000009 does not exist", "did you mean"],
        ),
        (
            &["list", "opportunity", "--territory", "NORTH"],
            "opportunity",
            &["territory NORTH does not exist", "did you mean NORD"],
        ),
        (
            &["list", "item", "--territory", "NORD"],
            "item",
            &["item has no territory"],
        ),
    ];
    assert_refused_without_change(&db, cases);
}

#[test]
fn usage_errors_exit_2() {
    let db = Db::new();
    for args in [
        &["frobnicate"][..],
        &["add"],
        &["get", "opportunity"],
        &["set", "opportunity", "OPP0000001"],
        &["rm"],
        &["list"],
        &["list", "opportunity", "--territory", "A", "--team", "B"],
        &["list", "opportunity", "--limit", "many"],
        &["list", "opportunity", "--format", "xml"],
        &["demo", "--records", "-5"],
    ] {
        let out = db.crm(args);
        assert_eq!(out.code, 2, "crm {args:?}: {out:?}");
        assert!(
            !out.stderr.is_empty() && out.stdout.is_empty(),
            "crm {args:?}: {out:?}"
        );
        assert!(!out.stderr.contains("panicked"), "{out:?}");
    }
    assert!(!db.path().exists(), "a usage error opens no database");
    let help = db.crm(&["--help"]);
    assert_eq!(help.code, 0, "{help:?}");
    assert!(help.stdout.contains("Usage"), "{help:?}");
}

#[test]
fn a_database_in_use_gives_one_clear_line() {
    let db = Db::new();
    db.add("territory", &["key=NORD", "description=Nord"]);
    common::cli::stop_server(&db.path());
    let store = Store::open(db.path()).expect("open in the test process");
    for args in [
        &["list", "territory"][..],
        &["add", "territory", "key=SUED", "description=Süd"],
        &["check"],
    ] {
        let line = db.crm(args).error_line();
        assert!(line.contains("is in use by another crm process"), "{line}");
        assert!(line.contains(&db.path().display().to_string()), "{line}");
        assert!(
            line.contains(&format!("pid {}", std::process::id())),
            "{line}"
        );
    }
    assert_eq!(store.total_records(), 1, "the refused add wrote nothing");
    drop(store);
    assert_eq!(db.csv(&["list", "territory"]).keys(), ["NORD"]);
}

#[test]
fn the_database_comes_from_crm_db_or_the_data_directory_owner_only() {
    let db = Db::new();
    let mut cmd = db.command();
    cmd.env("CRM_DB", db.path())
        .args(["add", "territory", "key=NORD", "description=Nord"]);
    assert_eq!(Db::run_command(cmd).ok(), "NORD\n");
    assert_eq!(
        db.csv(&["list", "territory"]).keys(),
        ["NORD"],
        "--db and CRM_DB agree"
    );

    // Without either, the database lives under $XDG_DATA_HOME/termcrm.
    let mut cmd = db.command();
    cmd.args(["add", "territory", "key=SUED", "description=Süd"]);
    assert_eq!(Db::run_command(cmd).ok(), "SUED\n");
    let default = db.dir.path().join("xdg").join("termcrm").join("db");
    assert!(default.is_dir(), "no database at {}", default.display());
    let mut cmd = db.command();
    cmd.args(["list", "territory", "--format", "csv"]);
    assert_eq!(Csv::parse(&Db::run_command(cmd).ok()).keys(), ["SUED"]);

    for dir in [db.path(), default] {
        assert_owner_only(&dir);
    }
}

fn assert_owner_only(dir: &Path) {
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}", dir.display());
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o077,
            0,
            "{} is readable by others",
            entry.path().display()
        );
    }
}

#[test]
fn check_prints_the_counts() {
    let db = Db::new();
    sample(&db);
    let report = db.check();
    let count = |name: &str| -> usize {
        let line = report
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in:\n{report}"));
        line.split_whitespace().last().unwrap().parse().unwrap()
    };
    assert_eq!(count("opportunity"), 2);
    assert_eq!(count("territory"), 2);
    assert_eq!(count("records"), 7);
    assert_eq!(count("idx:territory"), 3);
    assert_eq!(count("idx:team"), 1);
    // The repair says what it did, then reports as a check does.
    let repaired = db.ok(&["check", "--repair"]);
    assert_eq!(
        repaired.strip_prefix(
            "repaired: every index written anew from the records, the history checked\n"
        ),
        Some(report.as_str()),
        "{repaired}"
    );
}

/// For the territory (`field` "territory") or team ("sales_team") holding the most
/// opportunities, the index listing (`--territory` / `--team`) equals the full
/// listing filtered on that column, row for row. Returns the code and its count.
fn assert_index_listing_matches_full_listing(db: &Db, all: &Csv, field: &str) -> (String, usize) {
    let column = all.column(field);
    let mut per_code: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &all.rows {
        if !row[column].is_empty() {
            *per_code.entry(&row[column]).or_default() += 1;
        }
    }
    let (code, n) = per_code
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(t, n)| (t.to_string(), *n))
        .unwrap_or_else(|| panic!("no opportunity has a {field}"));
    let flag = if field == "territory" {
        "--territory"
    } else {
        "--team"
    };
    let by_index = db.csv(&["list", "opportunity", flag, &code]);
    assert_eq!(by_index.header, all.header);
    let filtered: BTreeSet<&Vec<String>> = all.rows.iter().filter(|r| r[column] == code).collect();
    let listed: BTreeSet<&Vec<String>> = by_index.rows.iter().collect();
    assert_eq!(listed.len(), by_index.rows.len(), "a row listed twice");
    assert_eq!(listed, filtered, "{field} {code}");
    (code, n)
}

#[test]
fn a_territory_listing_equals_the_filtered_full_listing() {
    let db = Db::new();
    sample(&db);
    for i in 0..6 {
        let territory = if i % 3 == 0 {
            "territory=SUED"
        } else {
            "territory=NORD"
        };
        db.add(
            "opportunity",
            &[&format!("description=Chance {i}"), territory],
        );
    }
    db.ok(&["set", "opportunity", "OPP0000004", "territory=SUED"]);
    db.ok(&["set", "opportunity", "OPP0000005", "territory=SUED"]);
    let all = db.csv(&["list", "opportunity"]);
    let (territory, n) = assert_index_listing_matches_full_listing(&db, &all, "territory");
    assert_eq!((territory.as_str(), n), ("SUED", 5));
    let (team, n) = assert_index_listing_matches_full_listing(&db, &all, "sales_team");
    assert_eq!((team.as_str(), n), ("TEAM_A", 1));
    db.check();
}

#[test]
fn demo_data_lists_by_territory_like_a_filtered_full_listing() {
    let db = Db::new();
    let out = db.crm(&["demo", "--records", "3000"]);
    assert_eq!(out.code, 0, "{out:?}");
    let report = db.check();
    let total: usize = report
        .lines()
        .find(|l| l.starts_with("records"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no record count in:\n{report}"));
    assert!(
        (1500..=6000).contains(&total),
        "about 3000 records, got {total}"
    );
    let all = db.csv(&["list", "opportunity"]);
    let (territory, n) = assert_index_listing_matches_full_listing(&db, &all, "territory");
    assert!(n > 1, "territory {territory} holds {n} opportunities");
    let (team, n) = assert_index_listing_matches_full_listing(&db, &all, "sales_team");
    assert!(n > 1, "team {team} holds {n} opportunities");

    // A second demo into the same database is refused, and changes nothing.
    let before = state(&db, "opportunity");
    let line = db.crm(&["demo", "--records", "100"]).error_line();
    assert!(line.contains("already holds"), "{line}");
    assert_eq!(state(&db, "opportunity"), before);
}

#[test]
fn demo_refuses_a_database_that_holds_records() {
    let db = Db::new();
    db.add("territory", &["key=NORD", "description=Nord"]);
    let before = state(&db, "territory");
    let line = db.crm(&["demo", "--records", "200"]).error_line();
    assert!(line.contains("already holds 1 records"), "{line}");
    assert!(line.contains(&db.path().display().to_string()), "{line}");
    assert_eq!(state(&db, "territory"), before);
}

/// A value holding a line break is echoed into the error as it is, so the error
/// takes more than one line on stderr.
#[test]
fn an_error_stays_one_line_when_a_value_holds_a_line_break() {
    let db = Db::new();
    let line = db
        .crm(&["add", "opportunity", "description=x", "probability=1\n2"])
        .error_line();
    assert!(line.contains("probability"), "{line}");
}
