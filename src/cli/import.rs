//! `crm import FILE`: reads and maps the file here, where the user's file is;
//! the server matches and writes (all or nothing), and this prints what became
//! of each row.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::CliResult;
use crate::api::{Client, ImportAction, ImportMode, ImportOptions, ImportReport};
use crate::io::{self, Mapped, ReadOptions, Sheet};
use crate::model::entity_or_suggest;
use crate::util::safe_text;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crm import outlook-kontakte.csv --dry-run
  crm import iphone.vcf
  crm import leads.xlsx --entity lead --skip-bad --errors bad-leads.csv
  crm import prospects.csv --entity prospect --match name,city
  crm import --list
  crm import --revert IMP0000003

--format (auto, outlook-csv, google-csv, thunderbird-csv, vcard, csv, xlsx)
overrides the detected format.")]
pub struct ImportArgs {
    /// The file to import.
    #[arg(required_unless_present_any = ["revert", "list"])]
    pub file: Option<PathBuf>,
    /// The entity the rows become (default: sales contacts for address books).
    #[arg(long, short, value_name = "ENTITY")]
    pub entity: Option<String>,
    /// create: every row is new; upsert: a match is updated, the rest created
    /// (default); update: only matches are updated.
    #[arg(long, value_name = "MODE", default_value = "upsert")]
    pub mode: String,
    /// Fields that make two records the same (default: key, then e-mail, then
    /// first name + last name + company).
    #[arg(long = "match", value_name = "FIELDS", value_delimiter = ',')]
    pub match_fields: Vec<String>,
    /// Replace stored values that differ (otherwise an update only fills empty fields).
    #[arg(long)]
    pub overwrite: bool,
    /// Show what each row would do; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows; leave out the bad ones (and unknown columns).
    #[arg(long)]
    pub skip_bad: bool,
    /// With --skip-bad: write the bad rows, with why, to this CSV (fix it and
    /// import it again).
    #[arg(long, value_name = "OUT.csv", requires = "skip_bad")]
    pub errors: Option<PathBuf>,
    /// The file's text encoding (utf-8, windows-1252, utf-16le, ...).
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// The CSV separator (, ; tab |).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Take an import back: deletes what it created, restores what it updated.
    #[arg(long, value_name = "BATCH", conflicts_with_all = ["file", "list"])]
    pub revert: Option<String>,
    /// List the imports, newest first.
    #[arg(long, conflicts_with = "file")]
    pub list: bool,
}

/// A separator as typed: one character, or `tab`.
pub fn delimiter(text: &str) -> anyhow::Result<u8> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() => Ok(t.as_bytes()[0]),
        t => anyhow::bail!("--delimiter '{t}': give one character (, ; | or tab)"),
    }
}

pub fn run(api: &Client, args: ImportArgs, format: Option<io::Format>) -> CliResult {
    if let Some(batch) = &args.revert {
        let r = api.revert_import(batch)?;
        outln!(
            "took back import {}: {} created records deleted, {} updated records restored",
            batch.trim().to_uppercase(),
            r.deleted,
            r.restored
        )?;
        for why in &r.left {
            outln!("left as it is: {why}")?;
        }
        return Ok(());
    }
    if args.list {
        for b in api.import_batches()? {
            outln!(
                "{}  {}  {:<10} {:<14} {:>6} created {:>6} updated  {:?}  {}",
                b.id,
                crate::api::local_time(b.at_ms),
                b.user,
                b.entity,
                b.created,
                b.updated,
                b.state,
                b.source
            )?;
        }
        return Ok(());
    }
    let path = args.file.clone().unwrap_or_default();
    let file = path.display().to_string();
    let mode = ImportMode::parse(&args.mode)
        .ok_or_else(|| anyhow::anyhow!("--mode '{}': use create, upsert or update", args.mode))?;
    let options = ReadOptions {
        format,
        encoding: args.encoding.clone(),
        delimiter: args.delimiter.as_deref().map(delimiter).transpose()?,
        ..ReadOptions::default()
    };
    let sheet = io::read(&path, &options)?;
    let kind = sheet.format.unwrap_or(io::Format::Csv);
    let rows = sheet.rows.len();
    let def = match &args.entity {
        Some(e) => entity_or_suggest(e).map_err(anyhow::Error::msg)?,
        None if kind.is_address_book() => crate::model::entity("sales_contact")
            .ok_or_else(|| anyhow::anyhow!("no sales contacts in this build"))?,
        None => anyhow::bail!(
            "{file}: say which entity the rows are (--entity prospect, lead, ...); only address books (Outlook, Google, Thunderbird, vCard) import into sales contacts by themselves"
        ),
    };
    eprintln!("{}", describe(&file, &sheet));
    let delimiter = sheet.delimiter;
    let mut mapped = io::map::map_owned(&file, sheet, def, !args.skip_bad)?;
    for why in &mapped.ignored {
        eprintln!("column {why}");
    }
    let bar = progress(rows as u64, "importing");
    let report = api.import(
        std::mem::take(&mut mapped.rows),
        ImportOptions {
            entity: def.name.to_string(),
            mode,
            match_fields: args.match_fields.clone(),
            overwrite: args.overwrite,
            dry_run: args.dry_run,
            skip_bad: args.skip_bad,
            source: format!("{file} ({})", kind.name()),
        },
        &|n| bar.set_position(n as u64),
    );
    bar.finish_and_clear();
    let report = report?;
    print_rows(&report, &mapped, args.dry_run)?;
    if let (Some(out), true) = (&args.errors, report.errors() > 0) {
        // The bad rows as the file has them: read again (the rows were let go
        // once mapped).
        let sheet = io::read(&path, &options)?;
        write_errors(out, &sheet, &mapped, &report, delimiter)?;
        eprintln!("the {} bad rows are in {}", report.errors(), out.display());
    }
    outln!("{}", report.totals(rows))?;
    if let Some(batch) = &report.batch {
        outln!("batch {batch} (crm import --revert {batch} takes it back)")?;
    }
    if report.errors() > 0 && !args.skip_bad && !args.dry_run {
        anyhow::bail!(
            "nothing was imported: {} bad rows; fix them, or import with --skip-bad (and --errors OUT.csv) to leave them out",
            report.errors()
        );
    }
    Ok(())
}

fn describe(file: &str, sheet: &Sheet) -> String {
    let mut out = format!(
        "{file}: {}, {}",
        sheet.format.map_or("csv", |f| f.name()),
        sheet.encoding
    );
    if let Some(d) = sheet.delimiter {
        let shown = match d {
            b'\t' => "tab".to_string(),
            d => format!("'{}'", d as char),
        };
        out.push_str(&format!(", separator {shown}"));
    }
    let n = sheet.rows.len();
    out.push_str(&format!(", {n} {}", if n == 1 { "row" } else { "rows" }));
    out
}

/// A progress bar on stderr when it is a terminal.
pub fn progress(len: u64, what: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() || len < 1000 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:40}] {pos}/{len} ({eta} left; ctrl-c cancels)",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what.to_string());
    bar
}

fn print_rows(report: &ImportReport, mapped: &Mapped, all: bool) -> CliResult {
    let mut out = std::io::stdout().lock();
    let mut quiet = 0;
    for r in &report.rows {
        let notable = matches!(
            r.action,
            ImportAction::Error { .. } | ImportAction::Ambiguous { .. }
        );
        if all || (notable && quiet < 50) {
            writeln!(out, "{}", safe_text(&report.line(r, mapped)))?;
            if !all {
                quiet += 1;
            }
        }
    }
    Ok(())
}

/// The bad rows as they were in the file, with an `import error` column: fix
/// them and import the file again.
fn write_errors(
    out: &Path,
    sheet: &Sheet,
    mapped: &Mapped,
    report: &ImportReport,
    delimiter: Option<u8>,
) -> CliResult {
    let file = std::fs::File::create(out)
        .map_err(|e| anyhow::anyhow!("{}: cannot write the error file: {e}", out.display()))?;
    let mut w = std::io::BufWriter::new(file);
    w.write_all(b"\xEF\xBB\xBF")?;
    let mut csv = csv::WriterBuilder::new()
        .delimiter(delimiter.unwrap_or(b','))
        .from_writer(w);
    let mut header = sheet.headers.clone();
    header.push(io::map::ERROR_COLUMN.to_string());
    csv.write_record(&header)?;
    let by_line: std::collections::HashMap<usize, &io::SheetRow> =
        sheet.rows.iter().map(|r| (r.line, r)).collect();
    for r in &report.rows {
        let ImportAction::Error { .. } = r.action else {
            continue;
        };
        let why = report.line(r, mapped);
        let mut cells: Vec<String> = match by_line.get(&r.line) {
            Some(row) => (0..sheet.headers.len())
                .map(|i| row.cell(i).to_string())
                .collect(),
            None => vec![String::new(); sheet.headers.len()],
        };
        cells.push(why);
        csv.write_record(cells.iter().map(|c| io::neutralise(c).into_owned()))?;
    }
    csv.flush()?;
    Ok(())
}
