//! Import and export (DESIGN §9). Readers turn a file into a `Sheet`: a header and
//! rows of text cells with their line numbers, whatever the format (CSV in any
//! encoding and separator, the address books' CSV dialects, vCard, XLSX). One
//! mapping step turns a sheet into field values through the schema (`map`, and
//! `contacts` for the address books' columns); the matching and the write run in
//! the server (`ops::import`). Exports stream records into a `Sink` per format.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::{EntityDef, Lang, Record};

pub mod contacts;
pub mod csv_in;
pub mod csv_out;
pub mod detect;
pub mod json_out;
pub mod map;
pub mod report_out;
pub mod report_xlsx;
pub mod text;
pub mod vcard;
pub mod xlsx_in;
pub mod xlsx_out;

/// The formats a file can be read or written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    /// Outlook's CSV contacts (desktop 2003/2007/365 in English or German, Outlook.com).
    OutlookCsv,
    /// Google Contacts' CSV (current and legacy).
    GoogleCsv,
    /// Thunderbird's address book CSV (English or German).
    ThunderbirdCsv,
    /// vCard 2.1, 3.0 or 4.0.
    Vcard,
    /// Any entity's records, headed by field names or labels.
    Csv,
    /// The first sheet of an Excel workbook.
    Xlsx,
    /// Export only: an array of objects.
    Json,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::OutlookCsv,
        Format::GoogleCsv,
        Format::ThunderbirdCsv,
        Format::Vcard,
        Format::Csv,
        Format::Xlsx,
        Format::Json,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::OutlookCsv => "outlook-csv",
            Format::GoogleCsv => "google-csv",
            Format::ThunderbirdCsv => "thunderbird-csv",
            Format::Vcard => "vcard",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        let t = text.trim().to_lowercase();
        let t = match t.as_str() {
            "vcf" => "vcard",
            "outlook" => "outlook-csv",
            "google" => "google-csv",
            "thunderbird" => "thunderbird-csv",
            other => other,
        };
        Format::ALL.iter().copied().find(|f| f.name() == t)
    }

    /// The format a file name's extension says (`.csv` is plain CSV: the
    /// address-book dialects are told apart by their headers).
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_lowercase();
        match ext.as_str() {
            "csv" | "txt" | "tsv" => Some(Format::Csv),
            "vcf" | "vcard" => Some(Format::Vcard),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// Formats whose rows are people from an address book: they import into
    /// sales contacts through the alias tables of `contacts`.
    pub fn is_address_book(self) -> bool {
        matches!(
            self,
            Format::OutlookCsv | Format::GoogleCsv | Format::ThunderbirdCsv | Format::Vcard
        )
    }
}

/// A file read into a header and rows of text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    /// The format as detected or as given.
    pub format: Option<Format>,
    /// The text encoding as detected or as given (`UTF-8`, `UTF-16LE`,
    /// `windows-1252`, ...).
    pub encoding: &'static str,
    /// The CSV separator, for CSV formats.
    pub delimiter: Option<u8>,
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// One data row: its first line in the file (1-based, the header is line 1 of a
/// CSV) and its cells, never more than the header has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetRow {
    pub line: usize,
    pub cells: Vec<String>,
}

impl SheetRow {
    /// The cell of column `i`, empty when the row is shorter.
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", String::as_str)
    }
}

/// What went wrong with a file, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl IoError {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> IoError {
        IoError {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
    pub fn at_line(mut self, line: usize) -> IoError {
        self.line = Some(line);
        self
    }
    pub fn at_column(mut self, column: impl Into<String>) -> IoError {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ": line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {}", crate::util::excerpt(column))?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for IoError {}

/// How to read a file; each `None` is detected.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub format: Option<Format>,
    /// An encoding label encoding_rs knows (`utf-8`, `windows-1252`, `utf-16le`, ...).
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
    /// The longest line (or cell) a file may hold before it is refused.
    pub max_line: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: None,
            encoding: None,
            delimiter: None,
            max_line: 4 << 20,
        }
    }
}

/// Reads a file into a sheet, detecting what `options` leaves open.
pub fn read(path: &Path, options: &ReadOptions) -> Result<Sheet, IoError> {
    let mut sheet = detect::read(path, options)?;
    // What an export neutralised against formula injection reads back as it was.
    if sheet.delimiter.is_some() {
        for row in &mut sheet.rows {
            for cell in &mut row.cells {
                if let Some(plain) = unneutralised(cell) {
                    *cell = plain;
                }
            }
        }
    }
    Ok(sheet)
}

/// The cell `neutralise` made of this one, if it is one.
pub(crate) fn unneutralised(cell: &str) -> Option<String> {
    let rest = cell.strip_prefix('\'')?;
    let made = matches!(
        rest.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && neutralise(rest) == cell;
    made.then(|| rest.to_string())
}

/// Which vCard version an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VcardVersion {
    /// 2.1 in windows-1252 with quoted-printable, as older Outlook reads it.
    V21,
    #[default]
    V30,
    V40,
}

/// How to write an export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub format: Format,
    /// CSV separator (`;` for German Excel).
    pub delimiter: u8,
    /// Header language for Outlook CSV.
    pub lang: Lang,
    pub vcard: VcardVersion,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            format: Format::Csv,
            delimiter: b',',
            lang: Lang::En,
            vcard: VcardVersion::V30,
        }
    }
}

/// Where exported records go, one at a time; `finish` completes the file.
pub trait Sink {
    fn push(&mut self, record: &dyn Record) -> Result<(), IoError>;
    fn finish(self: Box<Self>) -> Result<(), IoError>;
}

/// A sink that writes `def`'s records (the key, then the fields at `columns`)
/// to `path` in `options.format`.
pub fn sink(
    path: &Path,
    def: &'static EntityDef,
    columns: Vec<usize>,
    options: &ExportOptions,
) -> Result<Box<dyn Sink>, IoError> {
    let file_name = path.display().to_string();
    let open = || -> Result<Box<dyn std::io::Write + Send>, IoError> {
        let file = std::fs::File::create(path)
            .map_err(|e| IoError::new(&file_name, format!("cannot write the file: {e}")))?;
        Ok(Box::new(std::io::BufWriter::with_capacity(1 << 16, file)))
    };
    let contacts_only = |what: &str| -> Result<(), IoError> {
        if def.name == "sales_contact" {
            Ok(())
        } else {
            Err(IoError::new(
                &file_name,
                format!(
                    "{what} holds sales contacts, not {} records; export with --entity sales_contact or choose csv, xlsx or json",
                    def.name
                ),
            ))
        }
    };
    match options.format {
        Format::Csv => Ok(csv_out::sink(
            open()?,
            &file_name,
            def,
            columns,
            options.delimiter,
        )),
        Format::Xlsx => xlsx_out::sink(path, def, columns),
        Format::Json => Ok(json_out::sink(open()?, &file_name, def, columns)),
        Format::Vcard => {
            contacts_only("a vCard file")?;
            Ok(vcard::sink(open()?, &file_name, options.vcard))
        }
        Format::OutlookCsv => {
            contacts_only("an Outlook CSV file")?;
            Ok(contacts::outlook_sink(
                open()?,
                &file_name,
                options.lang,
                options.delimiter,
            ))
        }
        Format::GoogleCsv | Format::ThunderbirdCsv => Err(IoError::new(
            &file_name,
            format!(
                "{} is read, not written; export contacts as outlook-csv or vcard",
                options.format.name()
            ),
        )),
    }
}

/// A sheet's rows as field values of one entity, ready for the server's import.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mapped {
    /// Which column fills which field ("E-mail Address → email"), for the report.
    pub columns: Vec<(String, String)>,
    /// Columns no field takes, each with why ("Fax2: no such field (did you mean 'fax'?)").
    pub ignored: Vec<String>,
    pub rows: Vec<MappedRow>,
}

/// One row's field values as text, each field at most once, in the schema's
/// notation (the server parses them through the field's kind).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MappedRow {
    pub line: usize,
    pub values: Vec<(String, String)>,
}

impl MappedRow {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.as_str())
    }
}

/// A cell that a spreadsheet would run as a formula (`= + - @`, or a tab or
/// carriage return first) gets a leading apostrophe; every CSV export writes
/// its cells through this.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => {
            // A plain negative number stays a number.
            if cell.starts_with('-')
                && cell[1..].trim().starts_with(|c: char| c.is_ascii_digit())
                && cell[1..]
                    .chars()
                    .all(|c| c.is_ascii_digit() || ".,  ".contains(c) || c.is_ascii_uppercase())
            {
                return cell.into();
            }
            format!("'{cell}").into()
        }
        _ => cell.into(),
    }
}

/// A sheet of the given headers and rows (the first row on line 2), for tests.
#[cfg(test)]
pub(crate) fn test_sheet(headers: &[&str], rows: &[&[&str]]) -> Sheet {
    Sheet {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| SheetRow {
                line: i + 2,
                cells: r.iter().map(|c| c.to_string()).collect(),
            })
            .collect(),
        ..Sheet::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_numbers_are_not() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+49 30 1234"), "'+49 30 1234");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-1200.50 EUR"), "-1200.50 EUR");
        assert_eq!(neutralise("-cmd|' /C calc'!A0"), "'-cmd|' /C calc'!A0");
        assert_eq!(neutralise("Müller"), "Müller");
        for cell in [
            "=HYPERLINK(\"x\")",
            "+49 30 1234",
            "@SUM(A1)",
            "-cmd|' /C calc'!A0",
        ] {
            assert_eq!(unneutralised(&neutralise(cell)).as_deref(), Some(cell));
        }
        assert_eq!(unneutralised("'quoted on purpose"), None);
        assert_eq!(unneutralised("-1200.50 EUR"), None);
    }
}
