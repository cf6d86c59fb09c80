//! XLSX out: typed cells (money, dates, percent), a header row, frozen panes,
//! autofilter, column widths; constant memory for large exports.
//!
//! The sheet is written row by row in rust_xlsxwriter's constant-memory mode:
//! each row goes to a temporary file (beside the export, not in a possibly
//! RAM-backed /tmp) as soon as the next one starts, so a long export holds one
//! row. The temporary directory must be named before the worksheet is added
//! (its file is created then); the column widths, frozen panes and autofilter
//! are written when the workbook is saved, so they may come at any time, and
//! the autofilter comes at `finish`, when the row count is known.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::csv_out::{check_columns, check_entity};
use super::{IoError, Sink};
use crate::model::{format_value, Currency, EntityDef, FieldKind, Record, Value};

/// Excel's rows on a sheet, the header's included.
const EXCEL_ROWS: u32 = 1_048_576;
/// The key column's width in characters.
const KEY_WIDTH: u16 = 12;
/// Room for the autofilter's drop-down arrow beside a header name.
const ARROW: u16 = 2;

pub fn sink(
    path: &Path,
    def: &'static EntityDef,
    columns: Vec<usize>,
) -> Result<Box<dyn Sink>, IoError> {
    Ok(Box::new(XlsxSink::new(path, def, columns, EXCEL_ROWS)?))
}

struct XlsxSink {
    path: PathBuf,
    file: String,
    def: &'static EntityDef,
    columns: Vec<usize>,
    workbook: Workbook,
    formats: Formats,
    /// The next row to write (0 is the header).
    row: u32,
    /// The rows the sheet may hold, the header's included.
    max_rows: u32,
}

/// The cell formats, made once each (one per currency met).
struct Formats {
    header: Format,
    percent: Format,
    date: Format,
    datetime: Format,
    money: HashMap<Currency, Format>,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            percent: Format::new().set_num_format("0%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            money: HashMap::new(),
        }
    }

    /// Thousands separators, two decimals and the currency: `#,##0.00 "EUR"`.
    fn money(&mut self, currency: Currency) -> &Format {
        self.money.entry(currency).or_insert_with(|| {
            // A currency is three letters; anything else is kept out of the quotes.
            let code: String = currency
                .as_str()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            Format::new().set_num_format(format!("#,##0.00 \"{code}\""))
        })
    }
}

impl XlsxSink {
    fn new(
        path: &Path,
        def: &'static EntityDef,
        columns: Vec<usize>,
        max_rows: u32,
    ) -> Result<XlsxSink, IoError> {
        let file = path.display().to_string();
        check_columns(&file, def, &columns)?;
        let fail = |e: XlsxError| fail(&file, e);
        let mut workbook = Workbook::new();
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        workbook.set_tempdir(dir).map_err(fail)?;
        let formats = Formats::new();
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(fail)?;
        sheet.set_name(sheet_name(def)).map_err(fail)?;
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
        sheet.set_column_width(0, KEY_WIDTH).map_err(fail)?;
        sheet
            .write_string_with_format(0, 0, "key", &formats.header)
            .map_err(fail)?;
        for (n, &i) in columns.iter().enumerate() {
            let f = &def.fields[i];
            let col = column(n).ok_or_else(|| too_many_columns(&file))?;
            let name_width = u16::try_from(f.name.len()).unwrap_or(u16::MAX);
            let width = f.width.max(name_width.saturating_add(ARROW));
            sheet.set_column_width(col, width).map_err(fail)?;
            sheet
                .write_string_with_format(0, col, f.name, &formats.header)
                .map_err(fail)?;
        }
        Ok(XlsxSink {
            path: path.to_path_buf(),
            file,
            def,
            columns,
            workbook,
            formats,
            row: 1,
            max_rows,
        })
    }
}

fn fail(file: &str, e: XlsxError) -> IoError {
    IoError::new(file, format!("cannot write the workbook: {e}"))
}

impl Sink for XlsxSink {
    fn push(&mut self, record: &dyn Record) -> Result<(), IoError> {
        check_entity(&self.file, self.def, record)?;
        if self.row >= self.max_rows {
            return Err(IoError::new(
                &self.file,
                format!(
                    "an Excel sheet holds {} rows, the header's included: narrow the export \
                     (fewer records, e.g. by a query) or export as CSV",
                    self.max_rows
                ),
            ));
        }
        let row = self.row;
        let file = &self.file;
        let sheet = self
            .workbook
            .worksheet_from_index(0)
            .map_err(|e| fail(file, e))?;
        sheet
            .write_string(row, 0, record.key())
            .map_err(|e| fail(file, e))?;
        for (n, &i) in self.columns.iter().enumerate() {
            let f = &self.def.fields[i];
            let col = column(n).ok_or_else(|| too_many_columns(file))?;
            if let Err(e) = write_cell(sheet, &mut self.formats, row, col, &f.kind, record.get(i)) {
                return Err(IoError::new(
                    file,
                    format!("record {}: cannot write {}: {e}", record.key(), f.name),
                )
                .at_line(row as usize + 1)
                .at_column(f.name));
            }
        }
        self.row += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), IoError> {
        // The header and every row written; the columns fit (`new` set their widths).
        let last_col = u16::try_from(self.columns.len()).unwrap_or(u16::MAX);
        let last_row = self.row - 1;
        let filtered = self
            .workbook
            .worksheet_from_index(0)
            .and_then(|sheet| sheet.autofilter(0, 0, last_row, last_col).map(drop));
        filtered.map_err(|e| fail(&self.file, e))?;
        let saved = self.workbook.save(&self.path);
        saved.map_err(|e| fail(&self.file, e))
    }
}

/// The sheet column of the `n`-th exported field (the key is column 0).
fn column(n: usize) -> Option<u16> {
    u16::try_from(n + 1).ok().filter(|&c| c < 16_384)
}

fn too_many_columns(file: &str) -> IoError {
    IoError::new(file, "an Excel sheet holds at most 16,384 columns")
}

/// One cell, typed: amounts, numbers and percentages as numbers, dates as
/// dates, yes/no as booleans, the rest as the text the CLI prints.
fn write_cell(
    sheet: &mut Worksheet,
    formats: &mut Formats,
    row: u32,
    col: u16,
    kind: &FieldKind,
    value: Value,
) -> Result<(), XlsxError> {
    match value {
        Value::Empty => return Ok(()),
        // The record's own copy of the text becomes the cell's.
        Value::Text(s) => sheet.write_string(row, col, s),
        // Money is integer cents everywhere in the program; this float is only
        // the spreadsheet's representation of the amount: the double nearest
        // cents/100, which Excel shows (15 significant digits) to the cent for
        // amounts below ten trillion.
        Value::Money(m) => {
            let format = formats.money(m.currency);
            sheet.write_number_with_format(row, col, m.cents as f64 / 100.0, format)
        }
        Value::Int(n) if matches!(kind, FieldKind::Percent) => {
            sheet.write_number_with_format(row, col, n as f64 / 100.0, &formats.percent)
        }
        Value::Int(n) => sheet.write_number(row, col, n as f64),
        Value::Date(d) if in_excel(&d) => sheet.write_date_with_format(row, col, d, &formats.date),
        Value::DateTime(d) if in_excel(&d.date()) => {
            sheet.write_datetime_with_format(row, col, d, &formats.datetime)
        }
        Value::Bool(b) => sheet.write_boolean(row, col, b),
        // Dates Excel cannot hold, lists and lines: their text.
        other => sheet.write_string(row, col, format_value(kind, &other)),
    }
    .map(drop)
}

/// Excel's dates run from 1900-01-01 to 9999-12-31.
fn in_excel(d: &NaiveDate) -> bool {
    (1900..=9999).contains(&d.year())
}

/// The entity's English label as Excel allows a sheet name: at most 31
/// characters, none of `[]:*?/\`, no apostrophe first or last.
fn sheet_name(def: &EntityDef) -> String {
    let cut: String = def
        .label_en
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    let name = cut.trim_matches('\'').trim();
    if name.is_empty() {
        "Export".to_string()
    } else if name.eq_ignore_ascii_case("history") {
        // Excel keeps "History" for itself.
        format!("{name} records")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use calamine::{open_workbook, Data, Reader, Xlsx};

    use super::*;
    use crate::io::csv_out::tests::{date, opportunity};
    use crate::model::{Customer, Entity, Interaction, Money, Opportunity, SalesContact};

    fn all(def: &EntityDef) -> Vec<usize> {
        (0..def.fields.len()).collect()
    }

    fn col(def: &EntityDef, name: &str) -> usize {
        1 + def.field_index(name).unwrap()
    }

    fn export(path: &Path, def: &'static EntityDef, records: &[&dyn Record]) {
        let mut s = sink(path, def, all(def)).unwrap();
        for r in records {
            s.push(*r).unwrap();
        }
        s.finish().unwrap();
    }

    /// Days since Excel's epoch: the serial number of a date cell.
    fn serial(d: NaiveDate) -> f64 {
        (d - date(1899, 12, 30)).num_days() as f64
    }

    #[test]
    fn opportunities_are_typed_cells() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opportunities.xlsx");
        let def = Opportunity::DEF;
        let mut second = opportunity(2);
        second.amount = Some(Money::new(-5, Currency::USD));
        second.probability = None;
        export(&path, def, &[&opportunity(1), &second]);

        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(book.sheet_names(), ["Opportunity"]);
        let range = book.worksheet_range("Opportunity").unwrap();
        assert_eq!(range.get_size(), (3, 1 + def.fields.len()));
        let at = |row: usize, name: &str| range.get((row, col(def, name))).cloned();
        assert_eq!(range.get((0, 0)), Some(&Data::String("key".into())));
        for (i, f) in def.fields.iter().enumerate() {
            assert_eq!(range.get((0, i + 1)), Some(&Data::String(f.name.into())));
        }
        assert_eq!(range.get((1, 0)), Some(&Data::String("OPP0000001".into())));
        assert_eq!(
            at(1, "description"),
            Some(Data::String("Rollout; phase 1, \"Berlin\"".into()))
        );
        assert_eq!(at(1, "amount"), Some(Data::Float(123_456.78)));
        assert_eq!(at(2, "amount"), Some(Data::Float(-0.05)));
        assert_eq!(at(1, "probability"), Some(Data::Float(0.75)));
        assert_eq!(at(2, "probability"), Some(Data::Empty));
        match at(1, "expected_close") {
            Some(Data::DateTime(d)) => assert_eq!(d.as_f64(), serial(date(2026, 12, 1))),
            other => panic!("expected a date, got {other:?}"),
        }
        assert_eq!(
            at(1, "competitors"),
            Some(Data::String("ACME,INITECH".into()))
        );
        assert_eq!(at(1, "items"), Some(Data::String("WIDGET|3|".into())));
        assert_eq!(
            at(1, "notes"),
            Some(Data::String("first line\nsecond line".into()))
        );

        let styles = book.worksheet_style("Opportunity").unwrap();
        let bold = |row: u32, col: u32| {
            styles
                .get((row, col))
                .and_then(|s| s.font.as_ref())
                .is_some_and(|f| f.is_bold())
        };
        assert!(bold(0, 0) && bold(0, 5));
        assert!(!bold(1, 0));
        let number_format = |row: usize, name: &str| {
            let c = u32::try_from(col(def, name)).unwrap();
            styles
                .get((u32::try_from(row).unwrap(), c))
                .and_then(|s| s.number_format.clone())
                .map(|f| f.format_code)
        };
        assert_eq!(
            number_format(1, "amount").as_deref(),
            Some("#,##0.00 \"EUR\"")
        );
        assert_eq!(
            number_format(2, "amount").as_deref(),
            Some("#,##0.00 \"USD\"")
        );
        assert_eq!(number_format(1, "probability").as_deref(), Some("0%"));
        assert_eq!(
            number_format(1, "expected_close").as_deref(),
            Some("yyyy-mm-dd")
        );
    }

    #[test]
    fn numbers_booleans_and_date_times() {
        let dir = tempfile::tempdir().unwrap();
        let customer = Customer {
            key: "CUS0000001".into(),
            name: "Müller & Söhne GmbH".into(),
            employees: Some(1_250),
            company_revenue: Some(Money::eur(100_000_000)),
            ..Default::default()
        };
        let path = dir.path().join("customers.xlsx");
        export(&path, Customer::DEF, &[&customer]);
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range("Customer").unwrap();
        let def = Customer::DEF;
        assert_eq!(
            range.get((1, col(def, "employees"))),
            Some(&Data::Float(1250.0))
        );
        assert_eq!(
            range.get((1, col(def, "company_revenue"))),
            Some(&Data::Float(1_000_000.0))
        );
        assert_eq!(
            range.get((1, col(def, "name"))),
            Some(&Data::String("Müller & Söhne GmbH".into()))
        );

        let contact = SalesContact {
            key: "CON0000001".into(),
            last_name: "=1+1".into(),
            no_calls: true,
            birthday: Some(date(1850, 3, 1)),
            ..Default::default()
        };
        let path = dir.path().join("contacts.xlsx");
        export(&path, SalesContact::DEF, &[&contact]);
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range("Sales contact").unwrap();
        let def = SalesContact::DEF;
        assert_eq!(
            range.get((1, col(def, "no_calls"))),
            Some(&Data::Bool(true))
        );
        assert_eq!(
            range.get((1, col(def, "no_email"))),
            Some(&Data::Bool(false))
        );
        // A string cell is no formula: nothing to neutralise.
        assert_eq!(
            range.get((1, col(def, "last_name"))),
            Some(&Data::String("=1+1".into()))
        );
        // Before Excel's calendar: the text.
        assert_eq!(
            range.get((1, col(def, "birthday"))),
            Some(&Data::String("1850-03-01".into()))
        );

        let at = date(2026, 11, 20).and_hms_opt(14, 30, 0).unwrap();
        let interaction = Interaction {
            key: "INT0000001".into(),
            occurred_at: Some(at),
            ..Default::default()
        };
        let path = dir.path().join("interactions.xlsx");
        export(&path, Interaction::DEF, &[&interaction]);
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range("Interaction").unwrap();
        match range.get((1, col(Interaction::DEF, "occurred_at"))) {
            Some(Data::DateTime(d)) => {
                let expected = serial(at.date()) + 14.5 / 24.0;
                assert!((d.as_f64() - expected).abs() < 1e-6, "{d:?}");
                assert!(d.is_datetime());
            }
            other => panic!("expected a date-time, got {other:?}"),
        }
    }

    #[test]
    fn header_is_frozen_filtered_and_sized() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.xlsx");
        let def = Opportunity::DEF;
        let columns = vec![
            def.field_index("description").unwrap(),
            def.field_index("probability").unwrap(),
        ];
        let mut s = sink(&path, def, columns).unwrap();
        for n in 0..3 {
            s.push(&opportunity(n)).unwrap();
        }
        s.finish().unwrap();
        let Ok(out) = std::process::Command::new("unzip")
            .arg("-p")
            .arg(&path)
            .arg("xl/worksheets/sheet1.xml")
            .output()
        else {
            println!("no unzip to look inside the workbook");
            return;
        };
        let xml = String::from_utf8_lossy(&out.stdout);
        assert!(xml.contains("<autoFilter ref=\"A1:C4\"/>"), "{xml}");
        assert!(xml.contains("ySplit=\"1\""), "{xml}");
        assert!(xml.contains("state=\"frozen\""), "{xml}");
        // Key 12, description 30, probability 5 widened to its name.
        assert!(
            xml.contains("<col min=\"1\" max=\"1\" width=\"12.7"),
            "{xml}"
        );
        assert!(
            xml.contains("<col min=\"2\" max=\"2\" width=\"30.7"),
            "{xml}"
        );
        assert!(
            xml.contains("<col min=\"3\" max=\"3\" width=\"13.7"),
            "{xml}"
        );
    }

    #[test]
    fn no_records_give_the_header_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.xlsx");
        sink(&path, SalesContact::DEF, vec![0])
            .unwrap()
            .finish()
            .unwrap();
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range("Sales contact").unwrap();
        assert_eq!(range.get_size(), (1, 2));
        assert_eq!(range.get((0, 1)), Some(&Data::String("last_name".into())));
    }

    #[test]
    fn past_the_row_limit_the_user_is_told_to_narrow_or_use_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.xlsx");
        let mut s = XlsxSink::new(&path, SalesContact::DEF, vec![0], 3).unwrap();
        let contact = SalesContact {
            key: "CON0000001".into(),
            ..Default::default()
        };
        s.push(&contact).unwrap();
        s.push(&contact).unwrap();
        let e = s.push(&contact).unwrap_err();
        assert!(
            e.message.contains("narrow") && e.message.contains("CSV"),
            "{e}"
        );
        // What was written still makes a workbook.
        Box::new(s).finish().unwrap();
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range("Sales contact").unwrap();
        assert_eq!(range.get_size(), (3, 2));
    }

    #[test]
    fn a_record_of_another_entity_or_a_bad_column_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.xlsx");
        let mut s = sink(&path, SalesContact::DEF, vec![0]).unwrap();
        let e = s.push(&opportunity(1)).unwrap_err();
        assert!(e.message.contains("opportunity"), "{e}");
        assert!(sink(&path, SalesContact::DEF, vec![500]).is_err());
        let cell = "x".repeat(40_000);
        let mut s = sink(&path, SalesContact::DEF, vec![0]).unwrap();
        let long = SalesContact {
            key: "CON0000009".into(),
            last_name: cell,
            ..Default::default()
        };
        let e = s.push(&long).unwrap_err();
        assert!(e.message.contains("CON0000009"), "{e}");
        assert_eq!(e.column.as_deref(), Some("last_name"));
    }

    #[test]
    fn sheet_names_are_what_excel_allows() {
        let mut def = Opportunity::ENTITY;
        def.label_en = "Opportunities: [open]/won? * and a very long tail";
        assert_eq!(sheet_name(&def), "Opportunities openwon  and a ve");
        def.label_en = "'History'";
        assert_eq!(sheet_name(&def), "History records");
        def.label_en = "???";
        assert_eq!(sheet_name(&def), "Export");
        assert_eq!(sheet_name(SalesContact::DEF), "Sales contact");
    }

    /// `cargo test --release --lib io::xlsx_out -- --ignored --nocapture`;
    /// `EXPORT_ROWS` for another count.
    #[test]
    #[ignore]
    fn a_hundred_thousand_rows_quickly() {
        use std::time::Instant;
        let n: usize = std::env::var("EXPORT_ROWS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000);
        let def = Opportunity::DEF;
        let demo: Vec<Opportunity> = crate::demo::generate(100_000, 7)
            .filter_map(|r| r.downcast_ref::<Opportunity>().cloned())
            .collect();
        let records: Vec<Opportunity> = (0..n)
            .map(|i| {
                let mut r = demo[i % demo.len()].clone();
                r.key = format!("OPP{i:07}");
                r
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opportunities.xlsx");
        let t = Instant::now();
        let mut s = sink(&path, def, all(def)).unwrap();
        for r in &records {
            s.push(r).unwrap();
        }
        s.finish().unwrap();
        let took = t.elapsed();
        let bytes = std::fs::metadata(&path).unwrap().len();
        println!(
            "xlsx_out: {n} rows, {} MB in {took:?}: {:.0} rows/s",
            bytes >> 20,
            n as f64 / took.as_secs_f64()
        );
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range("Opportunity").unwrap();
        assert_eq!(range.get_size().0, n + 1);
        // The budget: 100,000 rows in 3 s.
        assert!(took.as_secs_f64() <= 3.0 * n as f64 / 100_000.0, "{took:?}");
    }
}
