//! Import and export through the built `crm`, as a user runs them: a German
//! Outlook file saved by Excel, an iPhone's vCard, an XLSX of one territory's
//! opportunities, bad rows and their error file, a kill -9 in the middle of a
//! 100,000-row import, and round trips (demo → CSV → an empty database; contacts
//! → vCard → import).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{crm, server_pid, stop_server};
use tempfile::TempDir;

fn db() -> (TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    (dir, db)
}

fn ok(db: &Path, args: &[&str]) -> String {
    let (code, out, err) = crm(db, args);
    assert_eq!(code, 0, "crm {args:?} failed: {err}\n{out}");
    format!("{out}{err}")
}

fn count(db: &Path, entity: &str) -> usize {
    let (code, out, err) = crm(db, &["list", entity, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    rows.as_array().map_or(0, Vec::len)
}

const FIRST: &[&str] = &[
    "Jürgen",
    "Ähnlich",
    "Björn",
    "Grete",
    "Øyvind",
    "Zoë",
    "Hans-Peter",
    "Ülkü",
];
const LAST: &[&str] = &[
    "Größe", "Müller", "Weiß", "Dörr", "Schäfer", "Krüger", "Lüdtke", "Öztürk",
];

/// A German Outlook contacts export of `n` rows as Excel saves it: semicolons,
/// windows-1252, CRLF.
fn german_outlook(n: usize) -> Vec<u8> {
    let mut text = String::from(
        "Anrede;Vorname;Weitere Vornamen;Nachname;Suffix;Firma;Abteilung;Position;Straße geschäftlich;Ort geschäftlich;Region geschäftlich;Postleitzahl geschäftlich;Land/Region geschäftlich;Telefon geschäftlich;Mobiltelefon;E-Mail-Adresse;E-Mail-Typ;E-Mail: Angezeigter Name;Geburtstag;Notizen\r\n",
    );
    for i in 0..n {
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len()) % LAST.len()];
        text.push_str(&format!(
            "Herr;{first};;{last};;Süßwaren Nürnberg GmbH;Einkauf;Einkäufer;Königstraße {i};Nürnberg;Bayern;9040{};Deutschland;+49 911 {i};;{}.{}{i}@suesswaren.de;SMTP;{first} {last};0.0.00;\"Größter Kunde; \"\"wichtig\"\"\"\r\n",
            i % 10,
            first.to_lowercase().replace(['ü', 'ä', 'ö', 'ø', 'ë'], "x"),
            last.to_lowercase().replace(['ü', 'ä', 'ö', 'ß'], "x"),
        ));
    }
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!bad, "every test character has a windows-1252 byte");
    bytes.into_owned()
}

#[test]
fn a_german_outlook_file_from_excel_imports_with_umlauts_and_a_second_time_changes_nothing() {
    let (dir, db) = db();
    let file = dir.path().join("Kontakte.CSV");
    std::fs::write(&file, german_outlook(1000)).unwrap();
    let f = file.to_str().unwrap();
    let out = ok(&db, &["import", f, "--dry-run"]);
    assert!(
        out.contains("outlook-csv, windows-1252, separator ';', 1000 rows"),
        "{out}"
    );
    assert!(out.contains("row 2: create"), "{out}");
    assert!(
        out.contains("1000 rows: 1000 created, 0 updated, 0 unchanged"),
        "{out}"
    );
    assert_eq!(count(&db, "sales_contact"), 0, "a dry run writes nothing");

    let out = ok(&db, &["import", f]);
    assert!(out.contains("1000 rows: 1000 created"), "{out}");
    assert!(out.contains("batch IMP"), "{out}");
    let list = ok(&db, &["list", "sales_contact", "--format", "csv"]);
    assert!(
        list.contains("Größe")
            && list.contains("Jürgen")
            && list.contains("Süßwaren Nürnberg GmbH"),
        "{list}"
    );
    let found = ok(&db, &["find", "Öztürk", "--format", "csv"]);
    assert!(found.contains("Öztürk"), "{found}");

    let out = ok(&db, &["import", f]);
    assert!(
        out.contains("1000 rows: 0 created, 0 updated, 1000 unchanged"),
        "{out}"
    );
    assert!(
        !out.contains("batch IMP"),
        "nothing written, no batch: {out}"
    );
    assert_eq!(count(&db, "sales_contact"), 1000);
    ok(&db, &["check"]);
}

#[test]
fn an_iphone_vcard_imports() {
    let (dir, db) = db();
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.2//EN\r\nN:Kröger;Anna;Maria;Dr.;\r\nFN:Dr. Anna Maria Kröger\r\nORG:Hanse Robotik GmbH;Vertrieb\r\nTITLE:Leiterin Einkauf\r\nEMAIL;type=INTERNET;type=WORK;type=pref:anna.kroeger@hanse-robotik.de\r\nTEL;type=CELL;type=VOICE;type=pref:+49 170 1234567\r\nitem1.TEL:+49 40 555 0\r\nitem1.X-ABLabel:_$!<Main>!$_\r\nitem2.ADR;type=WORK;type=pref:;;Am Sandtorkai 1;Hamburg;;20457;Deutschland\r\nitem2.X-ABADR:de\r\nBDAY;value=date:1980-02-29\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQN\r\n DBgSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgN\r\nNOTE:Messe Hannover\\, Halle 17\\nRückruf erbeten\r\nEND:VCARD\r\n";
    let file = dir.path().join("Anna Kröger.vcf");
    std::fs::write(&file, card).unwrap();
    let out = ok(&db, &["import", file.to_str().unwrap()]);
    assert!(out.contains("1 row: 1 created"), "{out}");
    let got = ok(&db, &["list", "sales_contact", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(
        got.lines()
            .filter(|l| !l.starts_with("crm"))
            .collect::<Vec<_>>()
            .join("\n")
            .as_str(),
    )
    .unwrap_or_default();
    let text = v.to_string();
    for want in [
        "Kröger",
        "Anna",
        "Hanse Robotik GmbH",
        "anna.kroeger@hanse-robotik.de",
        "+49 170 1234567",
        "Hamburg",
        "20457",
        "1980-02-29",
    ] {
        assert!(text.contains(want), "{want} missing: {got}");
    }
    assert!(!text.contains("/9j/4AAQ"), "the photo is left out: {got}");
}

#[test]
fn one_territorys_opportunities_export_to_an_xlsx_with_numbers_and_dates() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let (dir, db) = db();
    ok(&db, &["demo", "--records", "2000"]);
    let file = dir.path().join("nord.xlsx");
    let out = ok(
        &db,
        &[
            "export",
            file.to_str().unwrap(),
            "--entity",
            "opportunity",
            "--query",
            "territory:NORD",
        ],
    );
    assert!(out.contains("exported"), "{out}");
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    let (amount, close, territory) = (col("amount"), col("expected_close"), col("territory"));
    let rows: Vec<&[Data]> = sheet.rows().skip(1).collect();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| r[territory] == Data::String("NORD".into())));
    assert!(
        rows.iter().any(|r| matches!(r[amount], Data::Float(_))),
        "amounts are numbers"
    );
    assert!(
        rows.iter()
            .any(|r| matches!(r[close], Data::DateTime(_) | Data::DateTimeIso(_))),
        "dates are dates"
    );
}

#[test]
fn bad_rows_stop_the_file_or_with_skip_bad_go_to_an_error_file_that_imports_once_fixed() {
    let (dir, db) = db();
    ok(&db, &["demo", "--records", "300"]);
    let before = count(&db, "prospect");
    let file = dir.path().join("prospects.csv");
    std::fs::write(
        &file,
        "Name;Ort;Territory;Company revenue\nAlpha Antriebe GmbH;Kiel;Nord;1.200.000,00 EUR\nBeta Guss AG;Bonn;Atlantis;5000\nGamma Gerätebau;Ulm;NORD;12,5 EUR\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let (code, out, err) = crm(&db, &["import", f, "--entity", "prospect"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("row 3: error: line 3, column Territory:"),
        "{out}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(count(&db, "prospect"), before);

    let errors = dir.path().join("bad.csv");
    let out = ok(
        &db,
        &[
            "import",
            f,
            "--entity",
            "prospect",
            "--skip-bad",
            "--errors",
            errors.to_str().unwrap(),
        ],
    );
    assert!(out.contains("2 created") && out.contains("1 bad"), "{out}");
    assert_eq!(count(&db, "prospect"), before + 2);
    let bad = std::fs::read_to_string(&errors).unwrap();
    assert!(
        bad.contains("Beta Guss AG") && bad.contains("import error"),
        "{bad}"
    );
    std::fs::write(&errors, bad.replace("Atlantis", "NORD")).unwrap();
    let out = ok(
        &db,
        &["import", errors.to_str().unwrap(), "--entity", "prospect"],
    );
    assert!(out.contains("1 row: 1 created"), "{out}");
    assert_eq!(count(&db, "prospect"), before + 3);
}

#[test]
fn a_kill_9_during_a_100k_row_import_leaves_the_database_as_before_and_check_clean() {
    let (dir, db) = db();
    ok(&db, &["demo", "--records", "300"]);
    let before = count(&db, "sales_contact");
    let file = dir.path().join("many.csv");
    let mut text = String::from("last_name,first_name,email,city\n");
    for i in 0..100_000 {
        text.push_str(&format!("Massen{i},Max,max{i}@massen.example,Ulm\n"));
    }
    std::fs::write(&file, text).unwrap();
    let mut import = std::process::Command::new(env!("CARGO_BIN_EXE_crm"))
        .env_remove("CRM_DB")
        .arg("--db")
        .arg(&db)
        .args([
            "import",
            file.to_str().unwrap(),
            "--entity",
            "sales_contact",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the batch is being written, then kill the server.
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let (_, out, _) = crm(&db, &["import", "--list"]);
        if out.contains("Open") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the import never started writing"
        );
        assert!(
            import.try_wait().unwrap().is_none(),
            "the import ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = server_pid(&db).expect("a server runs");
    // SAFETY: the pid the server wrote for itself.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let _ = import.wait();
    stop_server(&db);
    // The next command starts a server, whose open rolls the cut-off batch back.
    // `crm check` exits 1 on any missing or stale index entry.
    ok(&db, &["check"]);
    assert_eq!(count(&db, "sales_contact"), before);
    let list = ok(&db, &["import", "--list"]);
    assert!(list.contains("RolledBack"), "{list}");
}

/// Entities in an order where references point back, and per entity the fields
/// whose references close a cycle (a converted prospect names its customer, which
/// names the prospect): those are filled in a second pass.
fn dependency_order() -> Vec<(&'static termcrm::model::EntityDef, Vec<&'static str>)> {
    use termcrm::model::{FieldKind, ENTITIES};
    let targets = |d: &termcrm::model::EntityDef| -> Vec<(&'static str, &'static str)> {
        let mut t = Vec::new();
        for f in d.fields {
            match f.kind {
                FieldKind::Ref(x) | FieldKind::RefList(x) => t.push((f.name, x)),
                FieldKind::Lines(l) => t.extend(
                    l.fields
                        .iter()
                        .filter_map(|lf| lf.kind.target())
                        .map(|x| (f.name, x)),
                ),
                _ => {}
            }
        }
        t.retain(|(_, x)| *x != d.name);
        t
    };
    let mut done: Vec<(&'static termcrm::model::EntityDef, Vec<&'static str>)> = Vec::new();
    let is_done = |done: &[(&termcrm::model::EntityDef, Vec<&str>)], name: &str| {
        done.iter().any(|(e, _)| e.name == name)
    };
    while done.len() < ENTITIES.len() {
        let rest: Vec<_> = ENTITIES
            .iter()
            .copied()
            .filter(|d| !is_done(&done, d.name))
            .collect();
        let ready = rest
            .iter()
            .copied()
            .find(|d| targets(d).iter().all(|(_, t)| is_done(&done, t)));
        // Stuck in a cycle: the entity with the fewest open references goes
        // first, those fields deferred.
        let next = ready.unwrap_or_else(|| {
            *rest
                .iter()
                .min_by_key(|d| {
                    targets(d)
                        .iter()
                        .filter(|(_, t)| !is_done(&done, t))
                        .count()
                })
                .unwrap()
        });
        let deferred: Vec<&str> = targets(next)
            .into_iter()
            .filter(|(_, t)| !is_done(&done, t))
            .map(|(f, _)| f)
            .collect();
        done.push((next, deferred));
    }
    done
}

#[test]
fn the_demo_data_exported_to_csv_imports_into_an_empty_database_as_the_same_records() {
    let (dir, a) = db();
    let b = dir.path().join("empty");
    ok(&a, &["demo", "--records", "1500"]);
    let order = dependency_order();
    for (def, deferred) in &order {
        let file = dir.path().join(format!("{}.csv", def.name));
        let f = file.to_str().unwrap();
        let columns: Vec<&str> = def
            .fields
            .iter()
            .map(|x| x.name)
            .filter(|n| !deferred.contains(n))
            .collect();
        ok(
            &a,
            &[
                "export",
                f,
                "--entity",
                def.name,
                "--columns",
                &columns.join(","),
            ],
        );
        let out = ok(&b, &["import", f, "--entity", def.name]);
        assert!(!out.contains("error"), "{}: {out}", def.name);
    }
    // The second pass fills what closed a cycle.
    for (def, deferred) in order.iter().filter(|(_, d)| !d.is_empty()) {
        let file = dir.path().join(format!("{}.all.csv", def.name));
        let f = file.to_str().unwrap();
        ok(&a, &["export", f, "--entity", def.name]);
        let out = ok(&b, &["import", f, "--entity", def.name, "--mode", "update"]);
        assert!(!out.contains("error"), "{} ({deferred:?}): {out}", def.name);
    }
    let mut differ = Vec::new();
    for (def, _) in &order {
        let left = ok(&a, &["list", def.name, "--format", "csv"]);
        let right = ok(&b, &["list", def.name, "--format", "csv"]);
        if left != right {
            let first = left.lines().zip(right.lines()).find(|(l, r)| l != r);
            differ.push(format!("{}: {first:?}", def.name));
        }
    }
    assert!(differ.is_empty(), "{differ:#?}");
}

#[test]
fn contacts_exported_to_vcard_and_outlook_csv_import_back_unchanged() {
    let (dir, db) = db();
    ok(&db, &["demo", "--records", "600"]);
    let n = count(&db, "sales_contact");
    for (name, extra) in [
        ("c3.vcf", vec![]),
        ("c4.vcf", vec!["--vcard", "4.0"]),
        ("o.csv", vec!["--format", "outlook-csv", "--lang", "de"]),
    ] {
        let file = dir.path().join(name);
        let f = file.to_str().unwrap();
        let mut args = vec!["export", f, "--entity", "sales_contact"];
        args.extend(extra);
        ok(&db, &args);
        let out = ok(&db, &["import", f]);
        assert!(
            out.contains(&format!("{n} rows: 0 created, 0 updated")),
            "{name}: {out}"
        );
    }
}

#[test]
fn exported_csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let (dir, db) = db();
    ok(
        &db,
        &[
            "add",
            "sales_contact",
            "last_name==HYPERLINK(\"http://x\")",
            "company=@SUM(A1)",
            "phone=+49 30 1",
        ],
    );
    let file = dir.path().join("c.csv");
    ok(
        &db,
        &[
            "export",
            file.to_str().unwrap(),
            "--entity",
            "sales_contact",
            "--delimiter",
            ";",
        ],
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(
        text.contains("'=HYPERLINK") && text.contains("'@SUM(A1)") && text.contains("'+49 30 1"),
        "{text}"
    );
}
