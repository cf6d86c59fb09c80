//! `crm find TEXT`: the records whose keys, names, companies, e-mails or phones
//! match best, across every entity.

use std::io::Write;

use anyhow::bail;

use super::output::fit;
use super::{CliResult, Format};
use crate::api::{Client, FindHit};
use crate::util::{excerpt, safe_text};

pub fn run(api: &Client, words: &[String], limit: usize, format: Format) -> CliResult {
    let query = words.join(" ");
    if query.trim().is_empty() {
        bail!(
            "nothing to find: give a name, company, e-mail, phone or key, e.g. `crm find müller`"
        );
    }
    if limit == 0 {
        bail!("--limit 0 lists nothing; give at least 1");
    }
    let hits = api.find(&query, limit)?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let all: Vec<serde_json::Value> = hits
                .iter()
                .map(|h| {
                    serde_json::json!({
                        "entity": h.entity.name,
                        "key": h.key,
                        "text": h.text,
                        "city": h.city,
                        "converted": h.converted,
                        "score": h.score,
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(["entity", "key", "text", "city", "converted", "score"])?;
            for h in &hits {
                let converted = h.converted.as_deref().unwrap_or_default();
                w.write_record([
                    h.entity.name,
                    &h.key,
                    &h.text,
                    &h.city,
                    converted,
                    &h.score.to_string(),
                ])?;
            }
            w.flush()?;
        }
        Format::Table if hits.is_empty() => {
            writeln!(out, "no match for '{}'", excerpt(query.trim()))?
        }
        Format::Table => print_table(&mut out, &hits)?,
    }
    Ok(())
}

fn print_table(out: &mut impl Write, hits: &[FindHit]) -> CliResult {
    let hits: Vec<FindHit> = hits
        .iter()
        .map(|h| FindHit {
            key: safe_text(&h.key),
            text: safe_text(&found_text(h)),
            ..h.clone()
        })
        .collect();
    let hits = &hits;
    let entity_width = width(hits.iter().map(|h| h.entity.label_en), "Entity");
    let key_width = width(hits.iter().map(|h| h.key.as_str()), "Key");
    let max_width: usize = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(160);
    let text_width = width(hits.iter().map(|h| h.text.as_str()), "Text").min(
        max_width
            .saturating_sub(entity_width + key_width + 6 + 7)
            .max(20),
    );
    writeln!(
        out,
        "{:<entity_width$}  {:<key_width$}  {:<text_width$}  Score",
        "Entity", "Key", "Text"
    )?;
    for h in hits {
        writeln!(
            out,
            "{:<entity_width$}  {:<key_width$}  {}  {:>5}",
            h.entity.label_en,
            h.key,
            fit(&h.text, text_width),
            h.score
        )?;
    }
    Ok(())
}

/// A hit's text as a person reads it: its fields, its city and, for a converted
/// prospect, the customer it became.
pub fn found_text(h: &FindHit) -> String {
    let mut text = h.text.clone();
    if !h.city.is_empty() && !text.contains(h.city.as_str()) {
        text.push_str(&format!(" · {}", h.city));
    }
    match h.converted.as_deref() {
        Some("") => text.push_str(" · converted"),
        Some(customer) => text.push_str(&format!(" · converted → {customer}")),
        None => {}
    }
    text
}

fn width<'a>(texts: impl Iterator<Item = &'a str>, header: &str) -> usize {
    texts
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0)
        .max(header.len())
}
