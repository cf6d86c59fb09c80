//! Reading the first sheet of an .xlsx workbook.

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, SheetType, SheetVisible, Xlsx};

use super::{Format, IoError, Sheet, SheetRow};

/// Reads the first visible worksheet (else the first worksheet): its first
/// non-empty row is the header, each later non-empty row a row whose line is
/// its row number in the spreadsheet.
pub fn read(path: &Path) -> Result<Sheet, IoError> {
    let file = path.display().to_string();
    let mut workbook: Xlsx<_> =
        calamine::open_workbook(path).map_err(|e| open_error(&file, path, e))?;
    let sheets = workbook.sheets_metadata().to_vec();
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    let Some(chosen) = worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
    else {
        return Err(IoError::new(
            &file,
            "holds no worksheet; put the data on a worksheet, or save it as CSV",
        ));
    };
    let name = chosen.name.clone();
    let range = workbook.worksheet_range(&name).map_err(|e| {
        IoError::new(
            &file,
            format!("its worksheet '{name}' cannot be read ({e}); open the workbook in a spreadsheet and save it again as .xlsx, or save it as CSV"),
        )
    })?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows().enumerate().map(|(i, cells)| {
        let line = usize::try_from(first_row)
            .unwrap_or(usize::MAX)
            .saturating_add(i + 1);
        (line, cells)
    });
    let column = |i: usize| column_letter(u64::from(first_col) + i as u64);

    // The header: the first row with a value.
    let mut headers = Vec::new();
    let mut header_line = 0;
    for (line, cells) in rows.by_ref() {
        if cells.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        for (i, cell) in cells.iter().enumerate() {
            let text = text(cell).map_err(|e| cell_error(&file, line, &column(i), e))?;
            headers.push(text.trim().to_string());
        }
        header_line = line;
        break;
    }
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    if headers.is_empty() {
        return Err(IoError::new(
            &file,
            format!("its worksheet '{name}' is empty; put a header row and rows on it"),
        ));
    }
    let width = headers.len();
    let label = |i: usize| match headers.get(i) {
        Some(h) if !h.is_empty() => format!("{} ({h})", column(i)),
        _ => column(i),
    };

    let mut out = Vec::new();
    for (line, cells) in rows {
        let mut row = Vec::with_capacity(width);
        for (i, cell) in cells.iter().enumerate() {
            let text = text(cell).map_err(|e| cell_error(&file, line, &label(i), e))?;
            if i < width {
                row.push(text);
            } else if !text.trim().is_empty() {
                return Err(IoError::new(
                    &file,
                    format!(
                        "this row has a value right of the header's last column ({}); name its column in the header row (row {header_line}) or delete the value",
                        label(width - 1)
                    ),
                )
                .at_line(line)
                .at_column(column(i)));
            }
        }
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.push(SheetRow { line, cells: row });
    }
    if out.is_empty() {
        return Err(IoError::new(
            &file,
            format!("its worksheet '{name}' has a header but no rows; add rows under the header"),
        )
        .at_line(header_line));
    }
    Ok(Sheet {
        format: Some(Format::Xlsx),
        encoding: "xlsx",
        delimiter: None,
        headers,
        rows: out,
    })
}

fn cell_error(file: &str, line: usize, column: &str, error: String) -> IoError {
    IoError::new(
        file,
        format!("the cell holds the error {error}; correct its formula in the workbook or clear the cell, then import again"),
    )
    .at_line(line)
    .at_column(column)
}

fn open_error(file: &str, path: &Path, error: calamine::XlsxError) -> IoError {
    if let calamine::XlsxError::Io(e) = &error {
        return super::detect::io_error(file, e);
    }
    let mut magic = [0u8; 8];
    let old_excel = std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    if old_excel {
        return IoError::new(
            file,
            "is an old Excel 97-2003 workbook (.xls), not .xlsx; open it in a spreadsheet and save it as .xlsx or CSV",
        );
    }
    match error {
        calamine::XlsxError::Zip(_) => IoError::new(
            file,
            "is not an Excel workbook (an .xlsx file is a zip archive, this is not one); save the data from its program as .xlsx or CSV, or name its format if it is CSV or vCard",
        ),
        other => IoError::new(
            file,
            format!("is not a readable Excel workbook ({other}); open it in a spreadsheet and save it again as .xlsx, or save it as CSV"),
        ),
    }
}

/// Spreadsheet column letters of a 0-based column: A, B, ..., Z, AA, ...
fn column_letter(col: u64) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A cell as text; an error cell is its error's name.
fn text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(dt) if dt.is_duration() => duration(dt.as_f64()),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            let value = dt.as_f64();
            if (0.0..1.0).contains(&value) {
                clock(h, mi, s)
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {}", clock(h, mi, s))
            }
        }
        Data::DateTimeIso(s) => iso(s),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// `HH:MM`, with `:SS` when there are seconds.
fn clock(h: u8, m: u8, s: u8) -> String {
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// A duration in days as `H:MM` (`H:MM:SS` with seconds), hours unbounded.
fn duration(days: f64) -> String {
    let total = (days.abs() * 86_400.0).round();
    if !total.is_finite() || total > 1e15 {
        return number(days);
    }
    let total = total as u64;
    let sign = if days < 0.0 && total > 0 { "-" } else { "" };
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if s == 0 {
        format!("{sign}{h}:{m:02}")
    } else {
        format!("{sign}{h}:{m:02}:{s:02}")
    }
}

/// An ISO 8601 date or time in the CRM's notation (`YYYY-MM-DD`, `YYYY-MM-DD
/// HH:MM`, `HH:MM`); anything else as it is.
fn iso(s: &str) -> String {
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
    let s = s.trim();
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        let (h, m, sec) = (t.hour() as u8, t.minute() as u8, t.second() as u8);
        return if (h, m, sec) == (0, 0, 0) {
            t.format("%Y-%m-%d").to_string()
        } else {
            format!("{} {}", t.format("%Y-%m-%d"), clock(h, m, sec))
        };
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.format("%Y-%m-%d").to_string();
    }
    if let Ok(t) = NaiveTime::parse_from_str(s, "%H:%M:%S%.f") {
        return clock(t.hour() as u8, t.minute() as u8, t.second() as u8);
    }
    s.to_string()
}

/// A number as a spreadsheet shows it: integral without decimals ("12"), else
/// the shortest form with a '.' of its value to 15 significant digits
/// ("1234.5", and 0.1 + 0.2 is "0.3").
fn number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == f.trunc() && f.abs() < 1e15 {
        return (f as i64).to_string();
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if rounded == 0.0 {
        return "0".to_string();
    }
    format!("{rounded}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{Format as CellFormat, Formula, Workbook};

    fn write(build: impl FnOnce(&mut Workbook)) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.xlsx");
        let mut book = Workbook::new();
        build(&mut book);
        book.save(&path).unwrap();
        (dir, path)
    }

    #[test]
    fn a_small_workbook_reads_back_as_text() {
        let (_dir, path) = write(|book| {
            let date = CellFormat::new().set_num_format("yyyy-mm-dd");
            let stamp = CellFormat::new().set_num_format("yyyy-mm-dd hh:mm");
            let sheet = book.add_worksheet();
            // The header on row 2, after an empty first row, from column B.
            for (c, h) in [" Name ", "Count", "Amount", "Since", "Active", "Seen"]
                .iter()
                .enumerate()
            {
                sheet.write_string(1, 1 + c as u16, *h).unwrap();
            }
            sheet.write_string(2, 1, "Müller GmbH").unwrap();
            sheet.write_number(2, 2, 12).unwrap();
            sheet.write_number(2, 3, 1234.5).unwrap();
            let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
            sheet.write_datetime_with_format(2, 4, day, &date).unwrap();
            sheet.write_boolean(2, 5, true).unwrap();
            let at = day.and_hms_opt(14, 30, 0).unwrap();
            sheet.write_datetime_with_format(2, 6, at, &stamp).unwrap();
            // An empty row in between, a short row, then trailing empty rows
            // that still carry a format.
            sheet.write_string(4, 1, "Zweite").unwrap();
            sheet.write_number(4, 2, -3.0).unwrap();
            sheet.write_number(4, 3, 0.1 + 0.2).unwrap();
            sheet.write_boolean(4, 5, false).unwrap();
            sheet.write_blank(8, 3, &date).unwrap();
        });
        let s = read(&path).unwrap();
        assert_eq!(s.format, Some(Format::Xlsx));
        assert_eq!(s.encoding, "xlsx");
        assert_eq!(
            s.headers,
            ["Name", "Count", "Amount", "Since", "Active", "Seen"]
        );
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[0].line, 3);
        assert_eq!(
            s.rows[0].cells,
            [
                "Müller GmbH",
                "12",
                "1234.5",
                "2024-03-05",
                "yes",
                "2024-03-05 14:30"
            ]
        );
        assert_eq!(s.rows[1].line, 5);
        assert_eq!(s.rows[1].cells, ["Zweite", "-3", "0.3", "", "no", ""]);
    }

    #[test]
    fn an_error_cell_is_named_by_row_and_column() {
        let (_dir, path) = write(|book| {
            let sheet = book.add_worksheet();
            sheet.write_string(0, 0, "Name").unwrap();
            sheet.write_string(0, 1, "Ratio").unwrap();
            sheet.write_string(1, 0, "a").unwrap();
            sheet.write_number(1, 1, 1).unwrap();
            sheet.write_string(2, 0, "b").unwrap();
            sheet
                .write_formula(2, 1, Formula::new("=1/0").set_result("#DIV/0!"))
                .unwrap();
        });
        let e = read(&path).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert_eq!(e.column.as_deref(), Some("B (Ratio)"));
        assert!(e.message.contains("#DIV/0!"), "{e}");
    }

    #[test]
    fn a_value_right_of_the_header_is_an_error() {
        let (_dir, path) = write(|book| {
            let sheet = book.add_worksheet();
            sheet.write_string(0, 0, "Name").unwrap();
            sheet.write_string(1, 0, "a").unwrap();
            sheet.write_string(1, 2, "stray").unwrap();
        });
        let e = read(&path).unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("C")));
    }

    #[test]
    fn empty_and_header_only_workbooks() {
        let (_dir, path) = write(|book| {
            book.add_worksheet();
        });
        assert!(read(&path).unwrap_err().message.contains("is empty"));
        let (_dir, path) = write(|book| {
            book.add_worksheet().write_string(0, 0, "Name").unwrap();
        });
        let e = read(&path).unwrap_err();
        assert!(e.message.contains("header but no rows"), "{e}");
    }

    #[test]
    fn the_first_visible_worksheet_is_read() {
        let (_dir, path) = write(|book| {
            let hidden = book.add_worksheet();
            hidden.write_string(0, 0, "Hidden").unwrap();
            hidden.write_string(1, 0, "x").unwrap();
            hidden.set_hidden(true);
            let shown = book.add_worksheet();
            shown.write_string(0, 0, "Shown").unwrap();
            shown.write_string(1, 0, "y").unwrap();
            shown.set_active(true);
        });
        assert_eq!(read(&path).unwrap().headers, ["Shown"]);
    }

    #[test]
    fn garbage_is_not_a_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.xlsx");
        std::fs::write(&path, b"Name,E-mail\nAda,ada@example.org\n").unwrap();
        let e = read(&path).unwrap_err();
        assert!(e.message.starts_with("is not an Excel workbook"), "{e}");
        assert!(e.to_string().contains("bad.xlsx"), "{e}");
        // A zip archive that is not a workbook.
        std::fs::write(&path, b"PK\x03\x04garbage").unwrap();
        assert!(read(&path).is_err());
        let mut old = vec![0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
        old.extend([0; 504]);
        std::fs::write(&path, old).unwrap();
        assert!(read(&path).unwrap_err().message.contains(".xls"));
        let e = read(&dir.path().join("missing.xlsx")).unwrap_err();
        assert!(e.message.contains("no such file"), "{e}");
    }

    #[test]
    fn numbers_letters_and_times() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1234.5), "1234.5");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(4930123456789.0), "4930123456789");
        assert_eq!(number(1e20), "100000000000000000000");
        assert_eq!(number(0.000125), "0.000125");
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        assert_eq!(duration(1.5 / 24.0), "1:30");
        assert_eq!(duration(26.0 / 24.0 + 5.0 / 86_400.0), "26:00:05");
        assert_eq!(iso("2024-03-05T00:00:00"), "2024-03-05");
        assert_eq!(iso("2024-03-05T09:05:00"), "2024-03-05 09:05");
        assert_eq!(iso("09:05:30"), "09:05:30");
        assert_eq!(iso("someday"), "someday");
    }
}
