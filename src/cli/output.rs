//! Printing records as an aligned table, CSV or JSON, from the schema.

use std::io::Write;

use super::{CliResult, Format};
use crate::io::json_out::record_json;
use crate::model::{format_value, EntityDef, FieldKind, Record};
use crate::util::{safe_lines, safe_text};

/// Every field of an entity, in declaration order.
fn all_fields(def: &EntityDef) -> Vec<usize> {
    (0..def.fields.len()).collect()
}

fn csv_row(record: &dyn Record, fields: &[usize]) -> Vec<String> {
    let def = record.def();
    std::iter::once(record.key().to_string())
        .chain(
            fields
                .iter()
                .map(|&i| format_value(&def.fields[i].kind, &record.get(i))),
        )
        .collect()
}

/// Listings at least this long are formatted on two threads.
const PARALLEL_FROM: usize = 1024;

/// The CSV lines of `records` (no header).
fn csv_text(records: &[Box<dyn Record>], fields: &[usize]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(records.len() * 256));
    for r in records {
        w.write_record(csv_row(r.as_ref(), fields))?;
    }
    Ok(w.into_inner()?)
}

fn header(def: &EntityDef, fields: &[usize]) -> Vec<&'static str> {
    std::iter::once("key")
        .chain(fields.iter().map(|&i| def.fields[i].name))
        .collect()
}

/// One record; the table also shows its revision (what `crm set --if-rev` names).
pub fn print_record(record: &dyn Record, rev: Option<u64>, format: Format) -> CliResult {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&record_json(record, &all_fields(record.def())))?
        )?,
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let fields = all_fields(record.def());
            w.write_record(header(record.def(), &fields))?;
            w.write_record(csv_row(record, &fields))?;
            w.flush()?;
        }
        Format::Table => {
            let def = record.def();
            let width = def
                .fields
                .iter()
                .map(|f| f.label_en.chars().count())
                .max()
                .unwrap_or(3)
                .max(3);
            writeln!(out, "{:<width$}  {}", "Key", safe_text(record.key()))?;
            for (i, f) in def.fields.iter().enumerate() {
                // A multiline value goes on on indented lines, each of them safe.
                let text = format_value(&f.kind, &record.get(i));
                let text = match f.kind {
                    FieldKind::Multiline => safe_lines(&text),
                    _ => safe_text(&text),
                };
                let text = text.replace('\n', &format!("\n{:width$}  ", ""));
                writeln!(out, "{:<width$}  {}", f.label_en, text)?;
            }
            if let Some(rev) = rev {
                writeln!(out, "{:<width$}  {rev}", "Revision")?;
            }
        }
    }
    Ok(())
}

pub fn print_records(def: &EntityDef, records: &[Box<dyn Record>], format: Format) -> CliResult {
    print_columns(def, records, &all_fields(def), format)
}

/// Records with the key and the given fields (by index), in that order.
pub fn print_columns(
    def: &EntityDef,
    records: &[Box<dyn Record>],
    fields: &[usize],
    format: Format,
) -> CliResult {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let all: Vec<_> = records
                .iter()
                .map(|r| record_json(r.as_ref(), fields))
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(header(def, fields))?;
            out.write_all(&w.into_inner()?)?;
            // Long listings are formatted in two halves at once, then written in order.
            let halves = if records.len() >= PARALLEL_FROM {
                records.split_at(records.len() / 2)
            } else {
                (records, &records[..0])
            };
            let (first, second) = std::thread::scope(|s| {
                let second = s.spawn(|| csv_text(halves.1, fields));
                (csv_text(halves.0, fields), second.join())
            });
            out.write_all(&first?)?;
            match second {
                Ok(text) => out.write_all(&text?)?,
                Err(_) => out.write_all(&csv_text(halves.1, fields)?)?,
            }
            out.flush()?;
        }
        Format::Table => print_table(&mut out, def, records, fields)?,
    }
    Ok(())
}

/// The key and as many of the given columns as fit the terminal width.
fn print_table(
    out: &mut impl Write,
    def: &EntityDef,
    records: &[Box<dyn Record>],
    fields: &[usize],
) -> CliResult {
    let max_width: usize = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(160);
    let key_width = records
        .iter()
        .map(|r| safe_text(r.key()).chars().count())
        .max()
        .unwrap_or(3)
        .max(3);
    let mut columns = Vec::new();
    let mut used = key_width;
    for &i in fields {
        let f = &def.fields[i];
        let w = (f.width as usize).max(f.label_en.chars().count().min(f.width as usize));
        if used + 2 + w > max_width {
            break;
        }
        used += 2 + w;
        columns.push((i, w));
    }
    let mut line = format!("{:<key_width$}", "Key");
    for (i, w) in &columns {
        line.push_str("  ");
        line.push_str(&fit(def.fields[*i].label_en, *w));
    }
    writeln!(out, "{}", line.trim_end())?;
    for r in records {
        let mut line = format!("{:<key_width$}", safe_text(r.key()));
        for (i, w) in &columns {
            line.push_str("  ");
            let text = safe_text(&format_value(&def.fields[*i].kind, &r.get(*i)));
            line.push_str(&fit(&text, *w));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(
        out,
        "({} {})",
        records.len(),
        if records.len() == 1 {
            "record"
        } else {
            "records"
        }
    )?;
    Ok(())
}

/// Pads or cuts to exactly `width` characters.
pub(super) fn fit(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        format!("{text}{}", " ".repeat(width - n))
    } else {
        let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A cell of a report as written: record text is shown, never interpreted. The
/// table shows every unsafe character (`util::safe_text`) as `·`; CSV and JSON
/// keep the data exact (quoted or escaped there).
fn clean_cell(text: &str, format: Format) -> String {
    match format {
        Format::Table => safe_text(text),
        Format::Csv | Format::Json => text.to_string(),
    }
}

/// A derived report (alerts, forecasts, campaign figures, rules, the inbox):
/// named columns of text. JSON gives one object per row, CSV a header line, the
/// table aligned columns and a count line naming `what`.
pub fn print_report(
    headers: &[&str],
    rows: &[Vec<String>],
    what: &str,
    format: Format,
) -> CliResult {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| clean_cell(c, format)).collect())
        .collect();
    let rows = &rows;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let all: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| {
                    let map = headers
                        .iter()
                        .zip(row)
                        .map(|(h, v)| (h.to_string(), serde_json::Value::String(v.clone())))
                        .collect();
                    serde_json::Value::Object(map)
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(headers)?;
            for row in rows {
                w.write_record(row)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
            for row in rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count().min(48));
                }
            }
            let line = |cells: &mut dyn Iterator<Item = &str>| {
                let parts: Vec<String> = cells.zip(&widths).map(|(c, w)| fit(c, *w)).collect();
                parts.join("  ").trim_end().to_string()
            };
            writeln!(out, "{}", line(&mut headers.iter().copied()))?;
            for row in rows {
                writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
            }
            writeln!(out, "({} {what})", rows.len())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_cells_never_carry_control_characters_raw() {
        let text = "a\u{1b}[2Jb\r\nc\u{9b}d\te\u{202e}f";
        assert_eq!(clean_cell(text, Format::Table), "a·[2Jb··c·d·e·f");
        assert_eq!(clean_cell(text, Format::Csv), text);
        assert_eq!(clean_cell(text, Format::Json), text);
    }
}
