//! `crm export FILE`: records from the server, streamed in chunks into the
//! file's format (CSV, XLSX, JSON, vCard, Outlook CSV).

use std::path::PathBuf;

use clap::Args;

use super::import::{delimiter, progress};
use super::CliResult;
use crate::api::{Client, QuerySpec};
use crate::io::{self, ExportOptions, Format, VcardVersion};
use crate::model::{entity_or_suggest, field_or_suggest, EntityDef, Lang, Record};

/// Records per request of an export.
const CHUNK: usize = 5_000;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crm export pipeline.xlsx --entity opportunity --query 'territory:NORD'
  crm export kontakte.csv --entity sales_contact --delimiter ';'
  crm export contacts.vcf --entity sales_contact --vcard 4.0
  crm export outlook.csv --entity sales_contact --format outlook-csv --lang de
  crm export alt-outlook.vcf --entity sales_contact --outlook
  crm export offen.json --saved MY-OPEN-OPPORTUNITIES

The format comes from the file name (.csv .xlsx .json .vcf) unless --format
(csv, xlsx, json, vcard, outlook-csv) says otherwise.")]
pub struct ExportArgs {
    pub file: PathBuf,
    /// The entity to export (a saved query names its own).
    #[arg(long, short, value_name = "ENTITY")]
    pub entity: Option<String>,
    /// Only the records that match this query.
    #[arg(long, value_name = "QUERY", conflicts_with = "saved")]
    pub query: Option<String>,
    /// Only the records of this saved query.
    #[arg(long, value_name = "NAME")]
    pub saved: Option<String>,
    /// Fields to write beside the key: a,b,c (default: all).
    #[arg(long, value_name = "FIELDS", value_delimiter = ',')]
    pub columns: Vec<String>,
    /// CSV separator (`;` for German Excel).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// vCard version: 3.0 or 4.0.
    #[arg(long, value_name = "VERSION", default_value = "3.0")]
    pub vcard: String,
    /// vCard 2.1 in windows-1252, as older Outlook reads it.
    #[arg(long)]
    pub outlook: bool,
}

/// `lang`: the headers of Outlook CSV (the global `--lang`).
pub fn run(api: &Client, args: ExportArgs, format: Option<Format>, lang: Lang) -> CliResult {
    let file = args.file.display().to_string();
    let format = match (format, args.outlook) {
        (_, true) => Format::Vcard,
        (Some(f), _) => f,
        (None, _) => Format::from_extension(&args.file).ok_or_else(|| {
            anyhow::anyhow!(
                "{file}: say the format (--format csv, xlsx, json, vcard or outlook-csv) or name the file .csv, .xlsx, .json or .vcf"
            )
        })?,
    };
    let vcard = match (args.outlook, args.vcard.as_str()) {
        (true, _) => VcardVersion::V21,
        (_, "3.0" | "3") => VcardVersion::V30,
        (_, "4.0" | "4") => VcardVersion::V40,
        (_, "2.1") => VcardVersion::V21,
        (_, v) => anyhow::bail!("--vcard {v}: write 3.0 or 4.0 (or --outlook for 2.1)"),
    };
    let options = ExportOptions {
        format,
        delimiter: args
            .delimiter
            .as_deref()
            .map(delimiter)
            .transpose()?
            .unwrap_or(b','),
        lang,
        vcard,
    };
    let filtered = args.query.is_some() || args.saved.is_some();
    let (def, records) = if filtered {
        let spec = QuerySpec {
            entity: args.entity.clone(),
            text: args.query.clone(),
            saved: args.saved.clone(),
            ..QuerySpec::default()
        };
        let (def, _, records, _) = api.query(spec)?;
        (def, Some(records))
    } else {
        let Some(e) = &args.entity else {
            anyhow::bail!(
                "say what to export: --entity ENTITY, --query with --entity, or --saved NAME"
            );
        };
        (entity_or_suggest(e).map_err(anyhow::Error::msg)?, None)
    };
    let columns = columns(def, &args.columns)?;
    let total = match &records {
        Some(r) => r.len(),
        None => api.count(def)?,
    };
    let bar = progress(total as u64, "exporting");
    let mut sink = io::sink(&args.file, def, columns, &options)?;
    let mut n = 0;
    let mut push = |r: &dyn Record| -> CliResult {
        sink.push(r)?;
        n += 1;
        if n % 1000 == 0 {
            bar.set_position(n as u64);
        }
        Ok(())
    };
    match records {
        Some(records) => {
            for r in &records {
                push(r.as_ref())?;
            }
        }
        None => {
            // One thread fetches the next chunk while this one writes.
            let (tx, rx) =
                std::sync::mpsc::sync_channel::<crate::api::Result<Vec<Box<dyn Record>>>>(2);
            let fetcher = api.clone();
            std::thread::spawn(move || {
                let mut after: Option<String> = None;
                loop {
                    let chunk = fetcher.scan_stored(def, after.as_deref(), CHUNK);
                    let next = match &chunk {
                        Ok(c) if c.len() == CHUNK => c.last().map(|r| r.key().to_string()),
                        _ => None,
                    };
                    if tx.send(chunk).is_err() || next.is_none() {
                        break;
                    }
                    after = next;
                }
            });
            for chunk in rx {
                for r in &chunk? {
                    push(r.as_ref())?;
                }
            }
        }
    }
    sink.finish()?;
    bar.finish_and_clear();
    eprintln!(
        "exported {n} {} records to {file} ({})",
        def.name,
        format.name()
    );
    Ok(())
}

/// The field indexes to write: the named ones, or every field.
fn columns(def: &EntityDef, names: &[String]) -> anyhow::Result<Vec<usize>> {
    if names.is_empty() {
        return Ok((0..def.fields.len()).collect());
    }
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| *n != "key")
        .map(|n| field_or_suggest(def, n).map_err(anyhow::Error::msg))
        .collect()
}
