//! Reports out: a `report::Report` (or a group-by's section) as CSV, JSON or
//! XLSX. CSV holds one block per section (its title, header, rows and total,
//! a blank line between); JSON an object per section with typed cells; XLSX a
//! sheet per section with its chart (`report_xlsx`).

use std::path::Path;

use serde_json::{json, Value};

use super::{neutralise, IoError};
use crate::model::Lang;
use crate::report::{Cell, Report, Section};

/// The formats a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Csv,
    Json,
    Xlsx,
}

impl ReportFormat {
    /// The format a file name's ending says, if it says one.
    pub fn of_path(path: &Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(ReportFormat::Csv),
            "json" => Some(ReportFormat::Json),
            "xlsx" => Some(ReportFormat::Xlsx),
            _ => None,
        }
    }
}

/// Writes the report to `path` in `format`; the file is whole or not there.
pub fn write(
    report: &Report,
    path: &Path,
    format: ReportFormat,
    lang: Lang,
) -> Result<(), IoError> {
    let bytes = match format {
        ReportFormat::Csv => csv_bytes(&report.sections, lang)?,
        ReportFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&json_of(report))
                .map_err(|e| IoError::new(path.display().to_string(), e.to_string()))?;
            v.push(b'\n');
            v
        }
        ReportFormat::Xlsx => {
            super::report_xlsx::report_bytes(report, lang, dir_of(path)).map_err(|e| at(path, e))?
        }
    };
    write_whole(path, &bytes)
}

/// Writes one section (a query's group-by) to `path` in `format`; the file is
/// whole or not there.
pub fn write_section(
    section: &Section,
    path: &Path,
    format: ReportFormat,
    lang: Lang,
) -> Result<(), IoError> {
    let bytes = match format {
        ReportFormat::Csv => csv_bytes(std::slice::from_ref(section), lang)?,
        ReportFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&section_json(section))
                .map_err(|e| IoError::new(path.display().to_string(), e.to_string()))?;
            v.push(b'\n');
            v
        }
        ReportFormat::Xlsx => super::report_xlsx::section_bytes(section, lang, dir_of(path))
            .map_err(|e| at(path, e))?,
    };
    write_whole(path, &bytes)
}

/// The directory a file is written in.
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// An error of the report writer, named by the file it was writing.
fn at(path: &Path, e: IoError) -> IoError {
    IoError {
        file: path.display().to_string(),
        ..e
    }
}

/// Writes bytes to a hidden file beside `path` and renames it into place, so a
/// reader never sees half a report.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let fail = |e: std::io::Error| IoError::new(path.display().to_string(), e.to_string());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.part", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// The sections as CSV: a UTF-8 BOM, then per section its title, header, rows and
/// total; cells neutralised against formulas.
pub fn csv_bytes(sections: &[Section], lang: Lang) -> Result<Vec<u8>, IoError> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| IoError::new("report", e.to_string());
    for (n, s) in sections.iter().enumerate() {
        if n > 0 {
            w.write_record([""]).map_err(fail)?;
        }
        if sections.len() > 1 {
            w.write_record([s.title(lang)]).map_err(fail)?;
        }
        w.write_record(s.columns.iter().map(|c| c.name.as_str()))
            .map_err(fail)?;
        for row in s.rows.iter().chain(s.total.iter()) {
            let cells: Vec<String> = row
                .iter()
                .map(|c| neutralise(&c.text()).into_owned())
                .collect();
            w.write_record(&cells).map_err(fail)?;
        }
    }
    w.into_inner()
        .map_err(|e| IoError::new("report", e.to_string()))
}

fn cell_json(c: &Cell) -> Value {
    match c {
        Cell::Text(s) => json!(s),
        Cell::Count(n) => json!(n),
        Cell::Money(s) => Value::Array(
            s.iter()
                .map(|m| json!({"amount": m.cents as f64 / 10f64.powi(i32::from(m.currency.decimals())), "currency": m.currency.as_str()}))
                .collect(),
        ),
        Cell::Percent(p) => json!(p),
        Cell::Series(v) => json!(v),
    }
}

/// One section as JSON (a group-by's, or a report's).
pub fn section_json(s: &Section) -> Value {
    let obj = |row: &Vec<Cell>| -> Value {
        Value::Object(
            s.columns
                .iter()
                .zip(row)
                .map(|(c, v)| (c.name.clone(), cell_json(v)))
                .collect(),
        )
    };
    json!({
        "name": s.name,
        "title": s.en,
        "rows": s.rows.iter().map(obj).collect::<Vec<_>>(),
        "total": s.total.as_ref().map(obj),
    })
}

/// The report as JSON: its kind, scope and sections.
pub fn json_of(report: &Report) -> Value {
    json!({
        "report": report.kind.name(),
        "scope": report.scope,
        "from": report.from.map(|d| d.to_string()),
        "to": report.to.map(|d| d.to_string()),
        "sections": report.sections.iter().map(section_json).collect::<Vec<_>>(),
    })
}
