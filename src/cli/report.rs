//! `crm report pipeline|forecast|win-loss|activity|campaigns`: a report computed
//! in the server, printed as a table, CSV or JSON, or written to a file (CSV,
//! JSON, or XLSX with a native chart beside each section's data). The table and
//! file writers are shared with `crm query --group-by` (see `query_group`).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::usage::Usage;
use super::{CliResult, FormatArg};
use crate::api::report::{Cell, ColumnKind, Params, Report, ReportKind, Section};
use crate::api::{ApiError, Client, ErrorKind};
use crate::io::report_out::{self, ReportFormat};
use crate::model::value::{parse_date, today};
use crate::model::Lang;
use crate::util::safe_text;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crm report pipeline
  crm report pipeline --by salesperson --territory NORD --format csv
  crm report forecast --period 2026-Q4 --by team
  crm report win-loss --from 2026-07-01 --to today
  crm report activity --salesperson me
  crm report pipeline --out pipeline.xlsx     (a sheet per section, with a chart)

--by: pipeline stage (default), salesperson, sales_team, territory, source,
campaign, status or month; forecast salesperson (default), team or territory;
win-loss reason (default), salesperson, sales_team, territory, source,
campaign, stage or month. Dates: 2026-12-01, today, +7d, -30d.")]
pub struct ReportArgs {
    /// pipeline, forecast, win-loss, activity or campaigns.
    #[arg(value_name = "REPORT")]
    pub name: String,
    /// A sales period's code (e.g. 2026-Q4).
    #[arg(long, value_name = "CODE", conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// The first day covered.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub from: Option<String>,
    /// The last day covered.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub to: Option<String>,
    /// What the rows are grouped by (see below).
    #[arg(long, value_name = "FIELD")]
    pub by: Option<String>,
    /// Only this salesperson's records (`me`: yours).
    #[arg(long, value_name = "CODE")]
    pub salesperson: Option<String>,
    /// Only this sales team's records.
    #[arg(long, value_name = "CODE")]
    pub team: Option<String>,
    /// Only this territory's records.
    #[arg(long, value_name = "CODE")]
    pub territory: Option<String>,
    /// Only the records of this query (pipeline and win-loss).
    #[arg(long, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Write the report to this file; its ending (.csv .json .xlsx) gives the
    /// format unless --format says it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// A report as the command line asked for it, its arguments checked.
pub struct Plan {
    kind: ReportKind,
    params: Params,
    output: Output,
}

impl Plan {
    /// Checks what can be checked without the database: the report's name, the
    /// dates and the output.
    pub fn of(args: &ReportArgs, format: Option<FormatArg>) -> Result<Plan, Usage> {
        let kind = ReportKind::parse(&args.name).map_err(Usage)?;
        let date = |flag: &str, text: &Option<String>| -> Result<_, Usage> {
            text.as_deref()
                .map(|t| parse_date(t.trim(), today()).map_err(|e| Usage(format!("--{flag}: {e}"))))
                .transpose()
        };
        let (from, to) = (date("from", &args.from)?, date("to", &args.to)?);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(Usage(format!(
                    "--from {f} is after --to {t}; give the earlier date first"
                )));
            }
        }
        let given = |v: &Option<String>| v.as_deref().map(str::trim).map(str::to_string);
        let params = Params {
            period: given(&args.period),
            from,
            to,
            by: given(&args.by),
            salesperson: given(&args.salesperson),
            team: given(&args.team),
            territory: given(&args.territory),
            query: args.query.clone(),
        };
        Ok(Plan {
            kind,
            params,
            output: Output::of(format, args.out.clone())?,
        })
    }

    pub fn run(self, api: &Client, lang: Lang) -> CliResult {
        let report = api.report(self.kind, self.params).map_err(refused)?;
        self.output.emit(Shown::Report(&report), lang)
    }
}

/// A report request the server refused for its arguments (a `--by` it does not
/// group by, a period that does not exist) is a usage error, told without the
/// store's record prefix; anything else stays as it came.
pub fn refused(e: ApiError) -> anyhow::Error {
    match e.kind {
        ErrorKind::Invalid if !e.detail.is_empty() => Usage(e.detail).into(),
        ErrorKind::Invalid | ErrorKind::NotFound => Usage(e.message).into(),
        _ => e.into(),
    }
}

/// A report or a query's group-by, its arguments checked before a database is
/// opened.
pub enum Prepared {
    Report(Plan),
    Group(super::query_group::Plan),
}

impl Prepared {
    pub fn run(self, api: &Client, lang: Lang) -> CliResult {
        match self {
            Prepared::Report(p) => p.run(api, lang),
            Prepared::Group(p) => p.run(api, lang),
        }
    }
}

/// The formats a report is shown or written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Shape {
    Table,
    Csv,
    Json,
    Xlsx,
}

/// Where a report goes, and in what format.
pub struct Output {
    shape: Shape,
    out: Option<PathBuf>,
}

impl Output {
    /// `--format` and `--out` as given: without `--out` a table, CSV or JSON on
    /// standard output; with it, the format `--format` or the file's ending says.
    pub fn of(format: Option<FormatArg>, out: Option<PathBuf>) -> Result<Output, Usage> {
        let shape = match format {
            Some(FormatArg::Table) => Shape::Table,
            Some(FormatArg::Csv) => Shape::Csv,
            Some(FormatArg::Json) => Shape::Json,
            Some(FormatArg::Xlsx) => Shape::Xlsx,
            Some(other) => {
                let name = other
                    .to_possible_value()
                    .map(|v| v.get_name().to_string())
                    .unwrap_or_default();
                return Err(Usage(format!(
                    "--format {name} is a file format of `crm import` and `crm export`; a report is written as table, csv, json or xlsx"
                )));
            }
            None => match out.as_deref() {
                None => Shape::Table,
                Some(path) => match ReportFormat::of_path(path) {
                    Some(ReportFormat::Csv) => Shape::Csv,
                    Some(ReportFormat::Json) => Shape::Json,
                    Some(ReportFormat::Xlsx) => Shape::Xlsx,
                    None => {
                        return Err(Usage(format!(
                            "--out {}: name the file .csv, .json or .xlsx, or say the format (--format table, csv, json or xlsx)",
                            safe_text(&path.display().to_string())
                        )))
                    }
                },
            },
        };
        if shape == Shape::Xlsx && out.is_none() {
            return Err(Usage(
                "--format xlsx writes a file: give --out FILE.xlsx (without --out, use table, csv or json)".into(),
            ));
        }
        Ok(Output { shape, out })
    }

    /// Prints or writes the report or section.
    pub fn emit(&self, shown: Shown, lang: Lang) -> CliResult {
        let file_format = match self.shape {
            Shape::Table => None,
            Shape::Csv => Some(ReportFormat::Csv),
            Shape::Json => Some(ReportFormat::Json),
            Shape::Xlsx => Some(ReportFormat::Xlsx),
        };
        match (&self.out, file_format) {
            (Some(path), Some(format)) => {
                match shown {
                    Shown::Report(r) => report_out::write(r, path, format, lang)?,
                    Shown::Section(s) => report_out::write_section(s, path, format, lang)?,
                }
                eprintln!(
                    "wrote {} to {}",
                    shown.what(),
                    safe_text(&path.display().to_string())
                );
            }
            (Some(path), None) => {
                report_out::write_whole(path, table(&shown, lang).as_bytes())?;
                eprintln!(
                    "wrote {} to {}",
                    shown.what(),
                    safe_text(&path.display().to_string())
                );
            }
            (None, format) => {
                let bytes = match format {
                    None => table(&shown, lang).into_bytes(),
                    Some(ReportFormat::Json) => {
                        let v = match shown {
                            Shown::Report(r) => report_out::json_of(r),
                            Shown::Section(s) => report_out::section_json(s),
                        };
                        let mut b = serde_json::to_vec_pretty(&v)?;
                        b.push(b'\n');
                        b
                    }
                    // A file's byte-order mark is for Excel; a pipe gets none.
                    Some(_) => {
                        let csv = report_out::csv_bytes(shown.sections(), lang)?;
                        csv.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&csv).to_vec()
                    }
                };
                let mut out = std::io::stdout().lock();
                out.write_all(&bytes)?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

/// What is shown: a whole report, or one section (a query's group-by).
#[derive(Clone, Copy)]
pub enum Shown<'a> {
    Report(&'a Report),
    Section(&'a Section),
}

impl Shown<'_> {
    fn sections(&self) -> &[Section] {
        match self {
            Shown::Report(r) => &r.sections,
            Shown::Section(s) => std::slice::from_ref(*s),
        }
    }

    fn what(&self) -> String {
        match self {
            Shown::Report(r) => format!("the {} report", r.kind.name()),
            Shown::Section(s) => format!("{} groups", s.rows.len()),
        }
    }
}

/// The widest a text cell of the table gets; longer text ends in `…`.
const TEXT_WIDTH: usize = 48;

/// The report as aligned tables: its title and scope, then per section its
/// title, header, rows and total; numbers right-aligned, money per currency in
/// full, every cell made safe for the terminal.
fn table(shown: &Shown, lang: Lang) -> String {
    let mut out = String::new();
    if let Shown::Report(r) = shown {
        out.push_str(&format!(
            "{} — {}\n\n",
            r.kind.title(lang),
            safe_text(r.scope_in(lang))
        ));
    }
    for (n, s) in shown.sections().iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        section_table(&mut out, s, lang);
    }
    out
}

fn section_table(out: &mut String, s: &Section, lang: Lang) {
    out.push_str(&safe_text(s.title(lang)));
    out.push('\n');
    let header: Vec<String> = s.columns.iter().map(|c| safe_text(c.label(lang))).collect();
    let text = |row: &Vec<Cell>| -> Vec<String> {
        row.iter()
            .map(|c| match c {
                Cell::Text(t) => super::output::fit(&safe_text(t), TEXT_WIDTH)
                    .trim_end()
                    .to_string(),
                other => safe_text(&other.text()),
            })
            .collect()
    };
    let rows: Vec<Vec<String>> = s.rows.iter().map(text).collect();
    let total = s.total.as_ref().map(text);
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows.iter().chain(total.iter()) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let right: Vec<bool> = s
        .columns
        .iter()
        .map(|c| {
            matches!(
                c.kind,
                ColumnKind::Count | ColumnKind::Money | ColumnKind::Percent
            )
        })
        .collect();
    let line = |out: &mut String, cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .zip(&right)
            .map(|((c, &w), &r)| {
                let pad = " ".repeat(w.saturating_sub(c.chars().count()));
                if r {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(out, &header);
    for row in &rows {
        line(out, row);
    }
    if let Some(total) = &total {
        let rule = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        out.push_str(&"-".repeat(rule));
        out.push('\n');
        line(out, total);
    }
    let n = rows.len();
    let count = match (lang, n) {
        (Lang::En, 1) => "1 row".to_string(),
        (Lang::En, n) => format!("{n} rows"),
        (Lang::De, 1) => "1 Zeile".to_string(),
        (Lang::De, n) => format!("{n} Zeilen"),
    };
    out.push_str(&format!("({count})\n"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::report::{Chart, Column, Sums};
    use crate::model::{Currency, Money};

    fn section() -> Section {
        let mut two = Sums::default();
        two.add(Money::new(100, Currency::EUR)).unwrap();
        two.add(Money::new(250, Currency::USD)).unwrap();
        Section {
            name: "by_stage".into(),
            en: "Open pipeline by stage".into(),
            de: "Offene Pipeline nach Phase".into(),
            columns: vec![
                Column::new("stage", "Stage", "Phase", ColumnKind::Text),
                Column::new(
                    "count",
                    "Opportunities",
                    "Verkaufschancen",
                    ColumnKind::Count,
                ),
                Column::new("amount", "Σ amount", "Σ Betrag", ColumnKind::Money),
            ],
            rows: vec![
                vec![
                    Cell::Text("PROP\u{1b}[2J".into()),
                    Cell::Count(12),
                    Cell::Money(two.clone()),
                ],
                vec![
                    Cell::Text("WON".into()),
                    Cell::Count(3),
                    Cell::Money(Sums::default()),
                ],
            ],
            total: Some(vec![
                Cell::Text("Total".into()),
                Cell::Count(15),
                Cell::Money(two),
            ]),
            chart: Chart::None,
        }
    }

    #[test]
    fn a_table_shows_labels_in_the_language_numbers_right_and_text_safe() {
        let s = section();
        let text = table(&Shown::Section(&s), Lang::De);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Offene Pipeline nach Phase");
        assert_eq!(lines[1], "Phase     Verkaufschancen             Σ Betrag");
        assert_eq!(lines[2], "PROP·[2J               12  1.00 EUR + 2.50 USD");
        assert_eq!(lines[3], "WON                     3                 0.00");
        assert_eq!(lines[4], "-".repeat(lines[2].chars().count()));
        assert_eq!(lines[5], "Total                  15  1.00 EUR + 2.50 USD");
        assert_eq!(lines[6], "(2 Zeilen)");
        assert!(!text.contains('\u{1b}'));
    }

    #[test]
    fn the_output_comes_from_format_and_file_name() {
        let shape = |f: Option<FormatArg>, out: Option<&str>| {
            Output::of(f, out.map(PathBuf::from))
                .map(|o| o.shape)
                .map_err(|e| e.0)
        };
        assert_eq!(shape(None, None), Ok(Shape::Table));
        assert_eq!(shape(None, Some("x.XLSX")), Ok(Shape::Xlsx));
        assert_eq!(shape(None, Some("x.csv")), Ok(Shape::Csv));
        assert_eq!(
            shape(Some(FormatArg::Json), Some("x.xlsx")),
            Ok(Shape::Json)
        );
        assert!(shape(Some(FormatArg::Xlsx), None)
            .unwrap_err()
            .contains("--out FILE.xlsx"));
        assert!(shape(None, Some("x.txt")).unwrap_err().contains(".xlsx"));
        assert!(shape(Some(FormatArg::Vcard), None)
            .unwrap_err()
            .contains("table, csv, json or xlsx"));
    }

    #[test]
    fn a_plan_refuses_a_wrong_name_date_or_range() {
        let args = |name: &str, from: Option<&str>, to: Option<&str>| ReportArgs {
            name: name.into(),
            period: None,
            from: from.map(str::to_string),
            to: to.map(str::to_string),
            by: None,
            salesperson: None,
            team: None,
            territory: None,
            query: None,
            out: None,
        };
        let err = |a: ReportArgs| Plan::of(&a, None).err().map(|e| e.0).unwrap_or_default();
        assert!(err(args("pipelin", None, None)).contains("did you mean 'pipeline'"));
        assert!(
            err(args("pipeline", Some("soon"), None)).starts_with("--from: 'soon' is not a date")
        );
        assert!(
            err(args("win-loss", Some("2026-12-01"), Some("2026-11-01")))
                .contains("--from 2026-12-01 is after --to 2026-11-01")
        );
        let plan = Plan::of(
            &args("WIN_LOSS", Some("2026-11-01"), Some("2026-11-01")),
            None,
        );
        assert_eq!(plan.map(|p| p.kind).ok(), Some(ReportKind::WinLoss));
    }
}
