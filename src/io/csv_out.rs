//! CSV out: a UTF-8 BOM, a header of field names, cells neutralised against
//! formula injection.
//!
//! The header is `key` and the field names, so an export reads back in as an
//! import. Rows end in CRLF (what Excel writes); cells are quoted only when they
//! hold the delimiter, a quote or a line break, quotes doubled.

use std::fmt::Write as _;
use std::io::Write;

use super::{neutralise, IoError, Sink};
use crate::model::value::{DATETIME_FORMAT, DATE_FORMAT};
use crate::model::{format_value, EntityDef, FieldKind, Record, Value};

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn sink(
    mut out: Box<dyn Write + Send>,
    file: &str,
    def: &'static EntityDef,
    columns: Vec<usize>,
    delimiter: u8,
) -> Box<dyn Sink> {
    let fail = |e: std::io::Error| IoError::new(file, format!("cannot write the file: {e}"));
    let mut refused = check_columns(file, def, &columns).err();
    if refused.is_none() && matches!(delimiter, b'"' | b'\r' | b'\n' | 0x80..=0xFF) {
        refused = Some(IoError::new(
            file,
            format!(
                "{:?} cannot separate CSV cells; use , ; or a tab",
                char::from(delimiter)
            ),
        ));
    }
    if refused.is_none() {
        refused = out.write_all(BOM).map_err(fail).err();
    }
    let out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .buffer_capacity(1 << 16)
        .from_writer(out);
    let mut sink = CsvSink {
        file: file.to_string(),
        def,
        columns,
        out,
        refused,
        row: csv::ByteRecord::new(),
        text: String::new(),
    };
    if sink.refused.is_none() {
        sink.refused = sink.header().err();
    }
    Box::new(sink)
}

struct CsvSink {
    file: String,
    def: &'static EntityDef,
    columns: Vec<usize>,
    out: csv::Writer<Box<dyn Write + Send>>,
    /// Why nothing can be written (a column the entity lacks, a bad delimiter,
    /// a file that took no BOM).
    refused: Option<IoError>,
    /// The row being written and the text of the cell being formatted: reused
    /// from row to row, so the sink allocates nothing per cell beyond what
    /// `record.get` does (and a neutralised cell's copy).
    row: csv::ByteRecord,
    text: String,
}

impl CsvSink {
    fn fail(&self, e: impl std::fmt::Display) -> IoError {
        IoError::new(&self.file, format!("cannot write the file: {e}"))
    }

    fn header(&mut self) -> Result<(), IoError> {
        self.row.clear();
        self.row.push_field(b"key");
        for &i in &self.columns {
            self.row.push_field(self.def.fields[i].name.as_bytes());
        }
        self.out
            .write_byte_record(&self.row)
            .map_err(|e| self.fail(e))
    }

    fn refused(&self) -> Result<(), IoError> {
        match &self.refused {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

impl Sink for CsvSink {
    fn push(&mut self, record: &dyn Record) -> Result<(), IoError> {
        self.refused()?;
        check_entity(&self.file, self.def, record)?;
        self.row.clear();
        self.row.push_field(neutralise(record.key()).as_bytes());
        for &i in &self.columns {
            let kind = &self.def.fields[i].kind;
            let value = record.get(i);
            let text = cell_text(&mut self.text, kind, &value);
            self.row.push_field(neutralise(text).as_bytes());
        }
        self.out
            .write_byte_record(&self.row)
            .map_err(|e| self.fail(e))
    }

    fn finish(mut self: Box<Self>) -> Result<(), IoError> {
        self.refused()?;
        self.out.flush().map_err(|e| self.fail(e))
    }
}

/// The text `format_value` gives `value`, written into `buf` (or borrowed from
/// the value) instead of a fresh string per cell. Lines, rare and nested, go
/// through `format_value` itself; a test holds the two together.
fn cell_text<'a>(buf: &'a mut String, kind: &FieldKind, value: &'a Value) -> &'a str {
    buf.clear();
    // Writing into a String cannot fail.
    let _ = match value {
        Value::Empty => return "",
        Value::Text(s) => return s,
        Value::Bool(b) => return if *b { "yes" } else { "no" },
        Value::Int(n) => write!(buf, "{n}"),
        Value::Money(m) => write!(buf, "{m}"),
        Value::Date(d) => write!(buf, "{}", d.format(DATE_FORMAT)),
        Value::DateTime(d) => write!(buf, "{}", d.format(DATETIME_FORMAT)),
        Value::List(items) => {
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    buf.push(',');
                }
                buf.push_str(item);
            }
            Ok(())
        }
        Value::Lines(_) => {
            buf.push_str(&format_value(kind, value));
            Ok(())
        }
    };
    buf
}

/// Refuses columns `def` does not have (they index `def.fields`).
pub(super) fn check_columns(file: &str, def: &EntityDef, columns: &[usize]) -> Result<(), IoError> {
    match columns.iter().find(|&&i| i >= def.fields.len()) {
        Some(i) => Err(IoError::new(
            file,
            format!("{} has no field number {i} to export", def.name),
        )),
        None => Ok(()),
    }
}

/// Refuses a record of another entity than the export's.
pub(super) fn check_entity(
    file: &str,
    def: &EntityDef,
    record: &dyn Record,
) -> Result<(), IoError> {
    let theirs = record.def();
    if theirs == def {
        Ok(())
    } else {
        Err(IoError::new(
            file,
            format!(
                "record {} is a {} record; this export holds {} records",
                record.key(),
                theirs.name,
                def.name
            ),
        ))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::{Arc, Mutex};

    use chrono::NaiveDate;

    use super::*;
    use crate::model::opportunity::OpportunityItem;
    use crate::model::{parse_value, Currency, Entity, Money, Opportunity, SalesContact};

    /// A writer whose bytes the test reads after the sink is done.
    #[derive(Clone, Default)]
    pub(crate) struct Shared(pub Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        pub(crate) fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// An opportunity with a value in every kind of field.
    pub(crate) fn opportunity(n: usize) -> Opportunity {
        Opportunity {
            key: format!("OPP{n:07}"),
            description: format!("Rollout; phase {n}, \"Berlin\""),
            customer: "CUS0000042".into(),
            salesperson: "AB".into(),
            probability: Some(75),
            amount: Some(Money::new(12_345_678, Currency::EUR)),
            expected_close: Some(date(2026, 12, 1)),
            competitors: vec!["ACME".into(), "INITECH".into()],
            items: vec![OpportunityItem {
                item: "WIDGET".into(),
                qty: Some(3),
                comment: String::new(),
            }],
            notes: "first line\nsecond line".into(),
            ..Default::default()
        }
    }

    fn all(def: &EntityDef) -> Vec<usize> {
        (0..def.fields.len()).collect()
    }

    fn export(def: &'static EntityDef, delimiter: u8, records: &[&dyn Record]) -> String {
        let out = Shared::default();
        let mut s = sink(Box::new(out.clone()), "t.csv", def, all(def), delimiter);
        for r in records {
            s.push(*r).unwrap();
        }
        s.finish().unwrap();
        out.text()
    }

    fn read(text: &str, delimiter: u8) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn bom_header_and_crlf_rows() {
        let def = Opportunity::DEF;
        let text = export(def, b',', &[&opportunity(1)]);
        assert!(text.starts_with("\u{feff}key,description,customer,"));
        let header: Vec<&str> = std::iter::once("key")
            .chain(def.fields.iter().map(|f| f.name))
            .collect();
        let header = format!("\u{feff}{}\r\n", header.join(","));
        assert!(text.starts_with(&header), "{text}");
        assert!(text.ends_with("\r\n"));
        // Every line break outside the quoted notes is CRLF.
        assert_eq!(text.matches("\r\n").count(), 2);
        assert_eq!(text.matches('\n').count(), 3);
    }

    #[test]
    fn no_records_give_the_header_alone() {
        let def = SalesContact::DEF;
        let out = Shared::default();
        let s = sink(Box::new(out.clone()), "t.csv", def, vec![0, 1], b';');
        s.finish().unwrap();
        assert_eq!(out.text(), "\u{feff}key;last_name;first_name\r\n");
    }

    #[test]
    fn semicolons_quotes_and_line_breaks_are_quoted() {
        let text = export(Opportunity::DEF, b';', &[&opportunity(7)]);
        let line = text.lines().nth(1).unwrap();
        assert!(
            line.starts_with("OPP0000007;\"Rollout; phase 7, \"\"Berlin\"\"\";CUS0000042;"),
            "{line}"
        );
        assert!(text.contains("\"first line\nsecond line\"\r\n"));
        let rows = read(&text, b';');
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][1], "Rollout; phase 7, \"Berlin\"");
        let notes = 1 + Opportunity::DEF.field_index("notes").unwrap();
        assert_eq!(rows[1][notes], "first line\nsecond line");
    }

    #[test]
    fn formula_cells_are_neutralised_and_negative_amounts_are_not() {
        let contact = SalesContact {
            key: "CON0000001".into(),
            last_name: "=1+1".into(),
            first_name: "@x".into(),
            title: "-cmd|' /C calc'!A0".into(),
            phone: "+49 30 1234567".into(),
            ..Default::default()
        };
        let rows = read(&export(SalesContact::DEF, b',', &[&contact]), b',');
        assert_eq!(
            rows[1][1..6],
            ["'=1+1", "'@x", "'-cmd|' /C calc'!A0", "", "'+49 30 1234567"]
        );
        let mut opp = opportunity(2);
        opp.amount = Some(Money::eur(-120_050));
        let rows = read(&export(Opportunity::DEF, b',', &[&opp]), b',');
        let amount = 1 + Opportunity::DEF.field_index("amount").unwrap();
        assert_eq!(rows[1][amount], "-1200.50 EUR");
    }

    #[test]
    fn cells_read_back_through_parse_value() {
        let def = Opportunity::DEF;
        let mut opp = opportunity(3);
        opp.amount = Some(Money::new(-9_999_999_999, Currency::USD));
        opp.closed_on = Some(date(1999, 2, 28));
        let rows = read(&export(def, b';', &[&opp]), b';');
        assert_eq!(rows[0][0], "key");
        assert_eq!(rows[1][0], "OPP0000003");
        let record: &dyn Record = &opp;
        for (i, f) in def.fields.iter().enumerate() {
            let parsed = parse_value(&f.kind, &rows[1][i + 1]).unwrap();
            let value = record.get(i);
            if value.is_empty() {
                assert_eq!(parsed, Value::Empty, "{}", f.name);
            } else {
                assert_eq!(parsed, value, "{}", f.name);
            }
        }
    }

    #[test]
    fn cell_text_is_format_value() {
        let kind = Opportunity::DEF.field("items").unwrap().kind;
        let values = [
            (FieldKind::Text, Value::Empty),
            (FieldKind::Text, Value::Text("Müller; \"x\"".into())),
            (FieldKind::Int, Value::Int(-42)),
            (FieldKind::Percent, Value::Int(100)),
            (FieldKind::Money, Value::Money(Money::eur(-5))),
            (
                FieldKind::Money,
                Value::Money(Money::new(i64::MIN, Currency::USD)),
            ),
            (FieldKind::Date, Value::Date(date(2026, 2, 28))),
            (FieldKind::Date, Value::Date(date(12, 1, 1))),
            (
                FieldKind::DateTime,
                Value::DateTime(date(2026, 2, 28).and_hms_opt(9, 5, 59).unwrap()),
            ),
            (FieldKind::Bool, Value::Bool(true)),
            (FieldKind::Bool, Value::Bool(false)),
            (FieldKind::RefList("x"), Value::List(vec![])),
            (
                FieldKind::RefList("x"),
                Value::List(vec!["A".into(), "B".into()]),
            ),
            (kind, opportunity(1).to_value_of("items")),
        ];
        let mut buf = String::from("left over");
        for (kind, value) in &values {
            assert_eq!(cell_text(&mut buf, kind, value), format_value(kind, value));
        }
    }

    trait ValueOf {
        fn to_value_of(&self, name: &str) -> Value;
    }
    impl ValueOf for Opportunity {
        fn to_value_of(&self, name: &str) -> Value {
            (self as &dyn Record).value(name)
        }
    }

    #[test]
    fn a_record_of_another_entity_is_refused() {
        let out = Shared::default();
        let mut s = sink(Box::new(out), "t.csv", SalesContact::DEF, vec![0], b',');
        let e = s.push(&opportunity(1)).unwrap_err();
        assert!(e.message.contains("opportunity"), "{e}");
        assert!(e.message.contains("sales_contact"), "{e}");
    }

    #[test]
    fn bad_columns_and_delimiters_are_refused() {
        let def = SalesContact::DEF;
        let s = sink(Box::new(Shared::default()), "t.csv", def, vec![999], b',');
        assert!(s.finish().unwrap_err().message.contains("999"));
        let s = sink(Box::new(Shared::default()), "t.csv", def, vec![0], b'"');
        assert!(s.finish().is_err());
    }

    /// `cargo test --release --lib io::csv_out -- --ignored --nocapture`;
    /// `EXPORT_ROWS` for another count. Compares with `sqlite3 -csv` writing the
    /// same rows when sqlite3 is installed.
    #[test]
    #[ignore]
    fn a_million_rows_quickly() {
        use std::time::Instant;
        let n: usize = std::env::var("EXPORT_ROWS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000);
        let def = Opportunity::DEF;
        let t = Instant::now();
        let demo: Vec<Opportunity> = crate::demo::generate(200_000, 7)
            .filter_map(|r| r.downcast_ref::<Opportunity>().cloned())
            .collect();
        assert!(!demo.is_empty());
        let records: Vec<Opportunity> = (0..n)
            .map(|i| {
                let mut r = demo[i % demo.len()].clone();
                r.key = format!("OPP{i:07}");
                r
            })
            .collect();
        println!("{n} opportunities built in {:?}", t.elapsed());

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opportunities.csv");
        let t = Instant::now();
        let file = std::fs::File::create(&path).unwrap();
        let out = Box::new(std::io::BufWriter::with_capacity(1 << 16, file));
        let mut s = sink(out, "opportunities.csv", def, all(def), b',');
        for r in &records {
            s.push(r).unwrap();
        }
        s.finish().unwrap();
        let ours = t.elapsed();
        let bytes = std::fs::metadata(&path).unwrap().len();
        println!(
            "csv_out: {n} rows, {} MB in {ours:?}: {:.0} rows/s",
            bytes >> 20,
            n as f64 / ours.as_secs_f64()
        );

        let db = dir.path().join("t.db");
        let imported = std::process::Command::new("sqlite3")
            .arg(&db)
            .arg(format!(".import --csv {} t", path.display()))
            .status();
        if !imported.is_ok_and(|s| s.success()) {
            println!("no sqlite3 to compare with");
            return;
        }
        let sqlite_out = std::fs::File::create(dir.path().join("sqlite.csv")).unwrap();
        let t = Instant::now();
        let status = std::process::Command::new("sqlite3")
            .args(["-csv", "-header"])
            .arg(&db)
            .arg("SELECT * FROM t")
            .stdout(sqlite_out)
            .status()
            .unwrap();
        let theirs = t.elapsed();
        assert!(status.success());
        println!(
            "sqlite3 -csv: {theirs:?}: {:.0} rows/s; csv_out takes {:.2}x",
            n as f64 / theirs.as_secs_f64(),
            ours.as_secs_f64() / theirs.as_secs_f64()
        );
        // The budget: within 1.5 times sqlite3's time.
        assert!(ours.as_secs_f64() <= 1.5 * theirs.as_secs_f64());
    }
}
