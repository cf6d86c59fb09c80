//! Outlook CSV out, read back; sample contacts for the round trips (the vCard
//! tests use them too); the mapping's speed.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use super::outlook::{OUTLOOK_365_EN, OUTLOOK_365_ROW};
use super::*;
use crate::model::{format_value, Customer, Record};

/// An output the test reads after the sink is done.
#[derive(Clone, Default)]
pub(crate) struct Shared(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().expect("lock").clone()
    }
}

/// Contacts with every field, awkward characters, formula-like values.
pub(crate) fn samples() -> Vec<SalesContact> {
    vec![
        SalesContact {
            key: "CON0000001".into(),
            last_name: "Müller".into(),
            first_name: "Anna Maria".into(),
            title: "Leiterin Einkauf".into(),
            company: "Müller & Söhne; GmbH, Berlin".into(),
            phone: "+49 30 1234-0".into(),
            mobile: "0171 2345678".into(),
            home_phone: "030 555".into(),
            fax: "+49 30 1234-99".into(),
            email: "anna@mueller.example".into(),
            email2: "a.mueller@privat.example".into(),
            email3: "anna@verein.example".into(),
            web: "https://mueller.example/a,b".into(),
            street: "Hauptstraße 1, Hinterhaus".into(),
            postal_code: "10115".into(),
            city: "Berlin".into(),
            region: "BE".into(),
            country: "Deutschland".into(),
            birthday: NaiveDate::from_ymd_opt(1980, 1, 31),
            no_promotions: true,
            no_calls: false,
            no_email: true,
            notes: "Erste Zeile\nZweite: mit Doppelpunkt; Semikolon, Komma \\ Backslash\n=1+2 ist keine Formel".into(),
        },
        SalesContact {
            key: "CON0000002".into(),
            last_name: "O'Brien".into(),
            ..SalesContact::default()
        },
        SalesContact {
            key: "CON0000003".into(),
            last_name: "=cmd|' /C calc'!A0".into(),
            first_name: "-Peter".into(),
            company: "@SUM(A1)".into(),
            notes: "+1 line".into(),
            no_calls: true,
            ..SalesContact::default()
        },
        SalesContact {
            key: "CON0000004".into(),
            last_name: "Kowalski".into(),
            first_name: "Łukasz".into(),
            title: "山田商事の営業部長、東京本社勤務の担当者です。".into(),
            email: "lukasz@kowalski.example".into(),
            city: "Kraków".into(),
            notes: "A long note that goes on and on well past the seventy-five octets a line may hold, with ünïcödé.".into(),
            birthday: NaiveDate::from_ymd_opt(2000, 2, 29),
            ..SalesContact::default()
        },
    ]
}

/// A contact's field values as text, as the mapping should give them back.
pub(crate) fn values(c: &SalesContact) -> Vec<(String, String)> {
    let r: &dyn Record = c;
    SalesContact::DEF
        .fields
        .iter()
        .map(|fd| {
            (
                fd.name.to_string(),
                format_value(&fd.kind, &r.value(fd.name)),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn export(lang: crate::model::Lang, delimiter: u8) -> String {
    let out = Shared::default();
    let mut sink = outlook_sink(Box::new(out.clone()), "out.csv", lang, delimiter);
    for c in samples() {
        sink.push(&c).expect("push");
    }
    sink.finish().expect("finish");
    let bytes = out.bytes();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a UTF-8 BOM first");
    String::from_utf8(bytes).expect("UTF-8")
}

#[test]
fn outlook_csv_in_english_reads_back_the_same() {
    let text = export(crate::model::Lang::En, b',');
    assert!(text.starts_with("\u{feff}\"Title\",\"First Name\",\"Middle Name\",\"Last Name\""));
    assert!(text.contains("\"1/31/1980\""));
    assert!(text.contains("\r\n"));
    let s = csv_sheet(&text, b',');
    assert_eq!(s.headers.len(), 95);
    assert_eq!(recognise(&s.headers), Some(Format::OutlookCsv));
    let m = map(&s);
    assert!(m.ignored.is_empty(), "{:?}", m.ignored);
    for (row, c) in m.rows.iter().zip(samples()) {
        assert_eq!(row.values, values(&c));
    }
}

#[test]
fn outlook_csv_in_german_reads_back_the_same() {
    let text = export(crate::model::Lang::De, b';');
    assert!(text.starts_with("\u{feff}\"Anrede\";\"Vorname\";\"Weitere Vornamen\";\"Nachname\""));
    assert!(text.contains("\"31.01.1980\""));
    assert!(text.contains("\"Keine Werbung\""));
    let s = csv_sheet(&text, b';');
    assert_eq!(recognise(&s.headers), Some(Format::OutlookCsv));
    let m = map(&s);
    assert_eq!(m.rows.len(), 4);
    for (row, c) in m.rows.iter().zip(samples()) {
        assert_eq!(row.values, values(&c));
    }
}

#[test]
fn outlook_csv_cells_are_neutralised() {
    let text = export(crate::model::Lang::En, b',');
    assert!(text.contains("\"'=cmd|' /C calc'!A0\""));
    assert!(text.contains("\"'-Peter\""));
    assert!(text.contains("\"'@SUM(A1)\""));
    assert!(text.contains("\"'+49 30 1234-0\""));
    assert!(text.contains("\"'+1 line\""));
    assert!(!text.contains(",\"=") && !text.contains(",\"+") && !text.contains(",\"@"));
}

#[test]
fn outlook_csv_refuses_other_records_and_writes_a_header_when_empty() {
    let out = Shared::default();
    let mut sink = outlook_sink(
        Box::new(out.clone()),
        "out.csv",
        crate::model::Lang::En,
        b',',
    );
    let err = sink.push(&Customer::default()).expect_err("a customer");
    assert_eq!(err.file, "out.csv");
    assert!(err.message.contains("customer"), "{}", err.message);
    sink.finish().expect("finish");
    let text = String::from_utf8(out.bytes()).expect("UTF-8");
    assert_eq!(text.lines().count(), 1);
}

/// A usual Outlook 365 row: name, company, one address, two phones, an e-mail,
/// and the defaults Outlook writes into every row.
fn usual_row(header: &[String], i: usize) -> Vec<String> {
    let last = format!("Schmidt{i}");
    let cells: [(&str, &str); 21] = [
        ("First Name", "Anna"),
        ("Last Name", &last),
        ("Company", "Schmidt Logistik GmbH"),
        ("Job Title", "Einkauf"),
        ("Business Street", "Hauptstraße 5"),
        ("Business City", "Hamburg"),
        ("Business Postal Code", "20095"),
        ("Business Country/Region", "Deutschland"),
        ("Business Phone", "+49 40 123456"),
        ("Mobile Phone", "+49 170 1234567"),
        ("E-mail Address", "anna.schmidt@example.com"),
        ("E-mail Type", "SMTP"),
        (
            "E-mail Display Name",
            "Anna Schmidt (anna.schmidt@example.com)",
        ),
        ("Birthday", "0/0/00"),
        ("Anniversary", "0/0/00"),
        ("Gender", "Unspecified"),
        ("Initials", "A.S."),
        ("Priority", "Normal"),
        ("Private", "False"),
        ("Sensitivity", "Normal"),
        ("Categories", "Kunden"),
    ];
    header
        .iter()
        .map(|h| {
            cells
                .iter()
                .find(|(c, _)| c == h)
                .map_or("", |(_, v)| *v)
                .to_string()
        })
        .collect()
}

fn time_map(sheet: &Sheet) -> std::time::Duration {
    (0..5)
        .map(|_| {
            let t = std::time::Instant::now();
            let m = map(sheet);
            let took = t.elapsed();
            assert_eq!(m.rows.len(), 100_000);
            drop(m);
            took
        })
        .min()
        .expect("runs")
}

/// 100,000 Outlook 365 rows through `map`; run with
/// `cargo test --release --lib io::contacts::tests::export::mapping -- --ignored --nocapture`.
#[test]
#[ignore]
fn mapping_100k_outlook_rows_is_fast() {
    let mut sheet = csv_sheet(&format!("{OUTLOOK_365_EN}\r\n"), b',');
    sheet.rows = (0..100_000)
        .map(|i| SheetRow {
            line: i + 2,
            cells: usual_row(&sheet.headers, i),
        })
        .collect();
    let m = map(&sheet);
    assert_eq!(m.rows[7].get("last_name"), Some("Schmidt7"));
    assert_eq!(m.rows[7].values.len(), 12, "{:?}", m.rows[7]);
    // The least any mapping costs here: allocating the same output.
    let shape = m.rows[7].values.clone();
    drop(m);
    let floor = (0..5)
        .map(|_| {
            let t = std::time::Instant::now();
            let out: Vec<Vec<(String, String)>> = (0..100_000)
                .map(|_| {
                    shape
                        .iter()
                        .map(|(f, v)| (f.as_str().to_string(), v.as_str().to_string()))
                        .collect()
                })
                .collect();
            let took = t.elapsed();
            drop(out);
            took
        })
        .min()
        .expect("runs");
    let usual = time_map(&sheet);
    // Every feature in each row: 18 fields and 14 notes lines.
    let dense = csv_sheet(&format!("{OUTLOOK_365_EN}\r\n{OUTLOOK_365_ROW}\r\n"), b',');
    sheet.rows = (0..100_000)
        .map(|i| SheetRow {
            line: i + 2,
            cells: dense.rows[0].cells.clone(),
        })
        .collect();
    let full = time_map(&sheet);
    println!(
        "map of 100,000 Outlook rows: {usual:?} usual rows, {full:?} rows with every column \
         (best of 5; allocating the usual rows' output alone: {floor:?})"
    );
    assert!(usual.as_millis() < 200, "{usual:?}");
}
