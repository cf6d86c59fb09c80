//! XLSX reports: one worksheet per section with its title, a bold frozen header,
//! typed cells (counts, money in its currency's number format, percentages),
//! the total row in bold, fitted column widths, and a native Excel chart beside
//! the data when the section has one.
//!
//! Money is written as a number only when a cell holds one currency; a sum of
//! several currencies is written as its text ("1.00 EUR + 2.00 USD"): amounts in
//! different currencies are never added, not even by a chart.

use std::collections::HashMap;
use std::path::Path;

use chrono::{Duration, NaiveDate};
use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};

use super::IoError;
use crate::model::{Currency, Lang};
use crate::report::{self, Cell, Report, Section};

/// Excel's rows on a sheet.
const EXCEL_ROWS: usize = 1_048_576;
/// The sheet row of the section's header (its title and scope are above).
const HEADER: u32 = 2;
/// A chart shows at most this many rows; more would be unreadable bars.
const CHART_ROWS: usize = 100;
/// Column widths are measured over this many rows (a group-by may have many).
const MEASURED_ROWS: usize = 1_000;
/// A section of more rows is written in constant-memory mode (each row goes to
/// a temporary file as soon as the next one starts) and without a chart: a
/// chart's figures are read from rows kept in memory, and a chart of so many
/// groups shows nothing anyway.
const LARGE: usize = 20_000;

/// The report as an XLSX workbook: a sheet per section. A large section's rows
/// are kept in a temporary file in `tempdir` (beside the report, rather than in
/// a possibly RAM-backed /tmp) while the workbook is made.
pub fn report_bytes(report: &Report, lang: Lang, tempdir: &Path) -> Result<Vec<u8>, IoError> {
    let scope = format!("{} · {}", report.kind.title(lang), report.scope_in(lang));
    book(&report.sections, Some(&scope), report.from, lang, tempdir)
}

/// One section (a query's group-by) as an XLSX workbook.
pub fn section_bytes(section: &Section, lang: Lang, tempdir: &Path) -> Result<Vec<u8>, IoError> {
    book(std::slice::from_ref(section), None, None, lang, tempdir)
}

fn fail(e: XlsxError) -> IoError {
    IoError::new("report", format!("cannot write the workbook: {e}"))
}

fn book(
    sections: &[Section],
    scope: Option<&str>,
    first_week: Option<NaiveDate>,
    lang: Lang,
    tempdir: &Path,
) -> Result<Vec<u8>, IoError> {
    let mut workbook = Workbook::new();
    if sections.iter().any(|s| s.rows.len() > LARGE) {
        workbook.set_tempdir(tempdir).map_err(fail)?;
    }
    let mut formats = Formats::new();
    let mut names: Vec<String> = Vec::with_capacity(sections.len());
    for s in sections {
        if s.rows.len() + HEADER as usize + 2 > EXCEL_ROWS {
            return Err(IoError::new(
                "report",
                format!(
                    "section {} has {} rows; an Excel sheet holds {EXCEL_ROWS}: group by fewer values or write CSV",
                    s.name,
                    s.rows.len()
                ),
            ));
        }
        let name = sheet_name(&s.name, &names);
        let large = s.rows.len() > LARGE;
        let sheet = if large {
            workbook
                .add_worksheet_with_constant_memory()
                .map_err(fail)?
        } else {
            workbook.add_worksheet()
        };
        sheet.set_name(&name).map_err(fail)?;
        let note = (large && s.chart != report::Chart::None).then(|| match lang {
            Lang::En => format!(
                "No chart: charts are drawn for at most {LARGE} rows; this sheet has {}.",
                s.rows.len()
            ),
            Lang::De => format!(
                "Kein Diagramm: Diagramme gibt es bis {LARGE} Zeilen; dieses Blatt hat {}.",
                s.rows.len()
            ),
        });
        write_section(sheet, &mut formats, s, scope, note.as_deref(), lang)?;
        let chart = match large {
            true => None,
            false => chart_of(sheet, &formats, &name, s, first_week, lang)?,
        };
        if let Some(chart) = chart {
            sheet
                .insert_chart(HEADER, chart_column(s), &chart)
                .map_err(fail)?;
        }
        names.push(name);
    }
    if sections.is_empty() {
        let sheet = workbook.add_worksheet();
        sheet
            .write_string(0, 0, scope.unwrap_or("Report"))
            .map_err(fail)?;
    }
    workbook.save_to_buffer().map_err(fail)
}

/// The cell formats, made once each: plain and bold (the total row), and one
/// pair per currency met.
struct Formats {
    title: Format,
    scope: Format,
    header: Format,
    bold: Format,
    count: [Format; 2],
    percent: [Format; 2],
    /// An empty sum: no amount, so no currency.
    nothing: [Format; 2],
    money: HashMap<(Currency, bool), Format>,
}

impl Formats {
    fn new() -> Formats {
        let count = Format::new().set_num_format("#,##0");
        let percent = Format::new().set_num_format("0.0%");
        let nothing = Format::new().set_num_format("#,##0.00");
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            scope: Format::new().set_italic(),
            header: Format::new()
                .set_bold()
                .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin),
            bold: Format::new().set_bold(),
            count: [count.clone(), count.set_bold()],
            percent: [percent.clone(), percent.set_bold()],
            nothing: [nothing.clone(), nothing.set_bold()],
            money: HashMap::new(),
        }
    }

    /// Thousands separators, two decimals and the currency: `#,##0.00 "EUR"`.
    fn money(&mut self, currency: Currency, bold: bool) -> &Format {
        self.money.entry((currency, bold)).or_insert_with(|| {
            // A currency is three letters; anything else is kept out of the quotes.
            let code: String = currency
                .as_str()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            let f = Format::new().set_num_format(format!("#,##0.00 \"{code}\""));
            if bold {
                f.set_bold()
            } else {
                f
            }
        })
    }
}

fn write_section(
    sheet: &mut Worksheet,
    formats: &mut Formats,
    s: &Section,
    scope: Option<&str>,
    note: Option<&str>,
    lang: Lang,
) -> Result<(), IoError> {
    sheet
        .write_string_with_format(0, 0, s.title(lang), &formats.title)
        .map_err(fail)?;
    if let Some(note) = note {
        // Beside the title, where a chart would be: constant-memory mode
        // writes rows in order.
        sheet
            .write_string(0, column_number(s.columns.len() + 1)?, note)
            .map_err(fail)?;
    }
    if let Some(scope) = scope {
        sheet
            .write_string_with_format(1, 0, scope, &formats.scope)
            .map_err(fail)?;
    }
    let mut widths: Vec<usize> = Vec::with_capacity(s.columns.len());
    for (c, column) in s.columns.iter().enumerate() {
        let col = column_number(c)?;
        let label = column.label(lang);
        sheet
            .write_string_with_format(HEADER, col, label, &formats.header)
            .map_err(fail)?;
        widths.push(label.chars().count());
    }
    sheet.set_freeze_panes(HEADER + 1, 0).map_err(fail)?;
    let mut row = HEADER + 1;
    for (n, cells) in s.rows.iter().enumerate() {
        write_row(sheet, formats, row, cells, false)?;
        if n < MEASURED_ROWS {
            measure(&mut widths, cells);
        }
        row += 1;
    }
    if let Some(total) = &s.total {
        write_row(sheet, formats, row, total, true)?;
        measure(&mut widths, total);
    }
    for (c, w) in widths.iter().enumerate() {
        // Room for the digits Excel adds (thousands separators) and a margin.
        let width = (*w + 2).clamp(8, 60) as f64;
        sheet
            .set_column_width(column_number(c)?, width)
            .map_err(fail)?;
    }
    Ok(())
}

fn column_number(c: usize) -> Result<u16, IoError> {
    u16::try_from(c)
        .ok()
        .filter(|&c| c < 16_384)
        .ok_or_else(|| IoError::new("report", "an Excel sheet holds at most 16,384 columns"))
}

/// One row, each cell typed: counts and percentages as numbers, money as a
/// number in its currency's format when it holds one currency, else as text.
fn write_row(
    sheet: &mut Worksheet,
    formats: &mut Formats,
    row: u32,
    cells: &[Cell],
    bold: bool,
) -> Result<(), IoError> {
    let b = usize::from(bold);
    for (c, cell) in cells.iter().enumerate() {
        let col = column_number(c)?;
        let written = match cell {
            Cell::Text(t) if bold => sheet.write_string_with_format(row, col, t, &formats.bold),
            Cell::Text(t) => sheet.write_string(row, col, t),
            Cell::Count(n) => {
                sheet.write_number_with_format(row, col, *n as f64, &formats.count[b])
            }
            Cell::Percent(Some(p)) => {
                sheet.write_number_with_format(row, col, p / 100.0, &formats.percent[b])
            }
            Cell::Percent(None) => continue,
            Cell::Money(sums) if sums.is_empty() => {
                sheet.write_number_with_format(row, col, 0.0, &formats.nothing[b])
            }
            Cell::Money(sums) if sums.currencies() == 1 => {
                let m = sums.first().unwrap_or_default();
                // Money is integer cents in the program; this float is only the
                // spreadsheet's representation of the amount.
                let format = formats.money(m.currency, bold);
                sheet.write_number_with_format(row, col, m.cents as f64 / 100.0, format)
            }
            // Several currencies: their text, never a sum.
            Cell::Money(_) | Cell::Series(_) if bold => {
                sheet.write_string_with_format(row, col, cell.text(), &formats.bold)
            }
            Cell::Money(_) | Cell::Series(_) => sheet.write_string(row, col, cell.text()),
        };
        written.map_err(fail)?;
    }
    Ok(())
}

/// Widens each column to its cells' text.
fn measure(widths: &mut [usize], cells: &[Cell]) {
    for (w, cell) in widths.iter_mut().zip(cells) {
        let n = match cell {
            Cell::Text(t) => t.chars().count(),
            Cell::Count(n) => n.checked_ilog10().map_or(1, |d| d as usize + 1) * 4 / 3,
            Cell::Percent(_) => 6,
            // Excel adds thousands separators to a single currency's amount.
            Cell::Money(_) => {
                let n = cell.text().chars().count();
                n + n / 4
            }
            Cell::Series(_) => cell.text().chars().count(),
        };
        *w = (*w).max(n);
    }
}

/// The column a section's chart starts at: right of its data and of the weeks
/// a sparkline chart draws from.
fn chart_column(s: &Section) -> u16 {
    let helper = match &s.chart {
        report::Chart::Sparklines { series, .. } => series.len() + 2,
        _ => 0,
    };
    u16::try_from(s.columns.len() + 1 + helper).unwrap_or(u16::MAX)
}

/// The native chart of a section, if it has one (and rows to draw).
fn chart_of(
    sheet: &mut Worksheet,
    formats: &Formats,
    name: &str,
    s: &Section,
    first_week: Option<NaiveDate>,
    lang: Lang,
) -> Result<Option<Chart>, IoError> {
    let rows = s.rows.len().min(CHART_ROWS);
    let first = HEADER + 1;
    let last = HEADER + u32::try_from(rows.max(1)).unwrap_or(1);
    let mut title = s.title(lang).to_string();
    if s.rows.len() > CHART_ROWS {
        title.push_str(&match lang {
            Lang::En => format!(" (first {CHART_ROWS} rows)"),
            Lang::De => format!(" (erste {CHART_ROWS} Zeilen)"),
        });
    }
    let column = |i: usize| -> Result<u16, IoError> {
        match s.columns.get(i) {
            Some(_) => column_number(i),
            None => Err(IoError::new(
                "report",
                format!("section {}: its chart names no column {i}", s.name),
            )),
        }
    };
    let mut chart = match &s.chart {
        report::Chart::None => return Ok(None),
        _ if rows == 0 && !matches!(s.chart, report::Chart::Sparklines { .. }) => return Ok(None),
        report::Chart::Bars { label, values } => {
            let mut chart = Chart::new(ChartType::Column);
            let label = column(*label)?;
            for &v in values {
                let v = column(v)?;
                chart
                    .add_series()
                    .set_name((name, HEADER, v))
                    .set_categories((name, first, label, last, label))
                    .set_values((name, first, v, last, v));
            }
            chart
        }
        report::Chart::Gauges { label, value } => {
            let mut chart = Chart::new(ChartType::Bar);
            let (label, value) = (column(*label)?, column(*value)?);
            chart
                .add_series()
                .set_name((name, HEADER, value))
                .set_categories((name, first, label, last, label))
                .set_values((name, first, value, last, value));
            chart.legend().set_hidden();
            chart
        }
        report::Chart::Sparklines { series, .. } => {
            let at = u16::try_from(s.columns.len() + 1).unwrap_or(u16::MAX);
            match weeks_table(sheet, formats, at, s, series, first_week, lang)? {
                Some(weeks) => {
                    let mut chart = Chart::new(ChartType::Line);
                    let (first, last) = (HEADER + 1, HEADER + weeks);
                    for (n, _) in series.iter().enumerate() {
                        let col = at + 1 + u16::try_from(n).unwrap_or(0);
                        chart
                            .add_series()
                            .set_name((name, HEADER, col))
                            .set_categories((name, first, at, last, at))
                            .set_values((name, first, col, last, col));
                    }
                    chart
                }
                None => return Ok(None),
            }
        }
    };
    chart.title().set_name(&title);
    chart.set_width(640).set_height(360);
    Ok(Some(chart))
}

/// The total row's weekly series as a table a line chart draws from (week,
/// then one column per series), at column `at`; the weeks written, or None (and
/// a note) when there is no total to draw.
fn weeks_table(
    sheet: &mut Worksheet,
    formats: &Formats,
    at: u16,
    s: &Section,
    series: &[usize],
    first_week: Option<NaiveDate>,
    lang: Lang,
) -> Result<Option<u32>, IoError> {
    let total: Vec<&[u64]> = series
        .iter()
        .filter_map(|&i| match s.total.as_ref().and_then(|t| t.get(i)) {
            Some(Cell::Series(v)) => Some(v.as_slice()),
            _ => None,
        })
        .collect();
    let weeks = total.iter().map(|v| v.len()).max().unwrap_or(0);
    if total.len() != series.len() || weeks == 0 {
        let note = match lang {
            Lang::En => "No weekly totals to chart.",
            Lang::De => "Keine Wochensummen für ein Diagramm.",
        };
        sheet.write_string(HEADER, at, note).map_err(fail)?;
        return Ok(None);
    }
    let week = match lang {
        Lang::En => "Week",
        Lang::De => "Woche",
    };
    sheet
        .write_string_with_format(HEADER, at, week, &formats.header)
        .map_err(fail)?;
    sheet.set_column_width(at, 12).map_err(fail)?;
    for (n, (&i, values)) in series.iter().zip(&total).enumerate() {
        let col = at + 1 + u16::try_from(n).unwrap_or(0);
        let label = s.columns.get(i).map_or("", |c| c.label(lang));
        sheet
            .write_string_with_format(HEADER, col, label, &formats.header)
            .map_err(fail)?;
        for (w, v) in values.iter().enumerate() {
            let row = HEADER + 1 + u32::try_from(w).unwrap_or(0);
            sheet.write_number(row, col, *v as f64).map_err(fail)?;
        }
    }
    for w in 0..weeks {
        let row = HEADER + 1 + u32::try_from(w).unwrap_or(0);
        let label = match first_week {
            Some(d) => (d + Duration::weeks(w as i64)).to_string(),
            None => (w + 1).to_string(),
        };
        sheet.write_string(row, at, label).map_err(fail)?;
    }
    Ok(Some(u32::try_from(weeks).unwrap_or(0)))
}

/// A section's name as Excel allows a sheet's: at most 31 (UTF-16) characters,
/// none of `[]:*?/\`, no apostrophe first or last, not `History`, and unlike
/// the names already taken (Excel ignores case).
fn sheet_name(name: &str, taken: &[String]) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
        .collect();
    let clean = clean.trim_matches('\'').trim();
    let base = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
        format!("{clean} report").trim().to_string()
    } else {
        clean.to_string()
    };
    let fits = |text: &str, room: usize| -> String {
        let mut out = String::new();
        let mut used = 0;
        for c in text.chars() {
            used += c.len_utf16();
            if used > room {
                break;
            }
            out.push(c);
        }
        out.trim_end_matches('\'').to_string()
    };
    let is_taken = |n: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(n));
    let first = fits(&base, 31);
    if !is_taken(&first) {
        return first;
    }
    (2..)
        .map(|n| {
            let suffix = format!(" {n}");
            format!("{}{suffix}", fits(&base, 31 - suffix.len()))
        })
        .find(|n| !is_taken(n))
        .unwrap_or(first)
}

#[cfg(test)]
#[path = "report_xlsx_tests.rs"]
mod tests;
