//! `crm history`, `crm log`, `crm undo` and `crm restore`: who changed what, when,
//! and taking a change back.

use anyhow::{bail, Context};

use super::output::print_report;
use super::{CliResult, Format};
use crate::api::{local_time, ChangeKind, Client, Entry, LogFilter};
use crate::model::{entity_or_suggest, value::parse_date, EntityDef};

fn entity(name: &str) -> anyhow::Result<&'static EntityDef> {
    entity_or_suggest(name).map_err(anyhow::Error::msg)
}

/// A moment a user names: `90m`, `12h`, `1d`, `2w` ago, or a date (`2026-11-01`,
/// `today`, `today-30d`), from its midnight; in milliseconds since the epoch.
pub fn parse_when(text: &str) -> anyhow::Result<i64> {
    let t = text.trim();
    let now = chrono::Utc::now().timestamp_millis();
    let unit = t.chars().last().unwrap_or(' ');
    let number = &t[..t.len().saturating_sub(unit.len_utf8())];
    if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
        let n: i64 = number
            .parse()
            .with_context(|| format!("'{text}' is too large"))?;
        let minutes = match unit {
            'm' => 1,
            'h' => 60,
            'd' => 60 * 24,
            'w' => 60 * 24 * 7,
            _ => bail!("'{text}': a time ago ends in m, h, d or w (90m, 12h, 1d, 2w), or give a date like 2026-11-01"),
        };
        return Ok(now - n.saturating_mul(minutes).saturating_mul(60_000));
    }
    let today = chrono::Local::now().date_naive();
    let date = parse_date(t, today).map_err(|e| {
        anyhow::anyhow!("'{text}' is neither a time ago (90m, 12h, 1d, 2w) nor a date: {e}")
    })?;
    let midnight = date
        .and_hms_opt(0, 0, 0)
        .and_then(|d| d.and_local_timezone(chrono::Local).earliest())
        .with_context(|| format!("'{text}': no such local time"))?;
    Ok(midnight.timestamp_millis())
}

fn fields_text(entry: &Entry) -> String {
    entry
        .fields
        .iter()
        .map(|f| match entry.kind {
            ChangeKind::Created => format!("{}={}", f.field, f.new),
            ChangeKind::Deleted => format!("{}={}", f.field, f.old),
            ChangeKind::Updated => format!("{}: {} → {}", f.field, f.old, f.new),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn when(at_ms: i64, format: Format) -> String {
    match format {
        Format::Table => local_time(at_ms),
        _ => chrono::DateTime::from_timestamp_millis(at_ms)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default(),
    }
}

/// `crm history ENTITY KEY`, or `crm history --prune --before DATE`.
pub fn run(
    api: &Client,
    entity_name: Option<&str>,
    key: Option<&str>,
    limit: Option<usize>,
    prune_before: Option<&str>,
    format: Format,
) -> CliResult {
    if let Some(before) = prune_before {
        let at = parse_when(before)?;
        let n = api.prune_history(at)?;
        eprintln!(
            "removed {n} change(s) made before {}",
            when(at, Format::Json)
        );
        return Ok(());
    }
    let (Some(entity_name), Some(key)) = (entity_name, key) else {
        bail!("crm history ENTITY KEY lists a record's changes (crm log lists the database's; crm history --prune --before DATE removes old ones)");
    };
    let def = entity(entity_name)?;
    let entries = api.history(def, key, limit)?;
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                when(e.at_ms, format),
                e.user.clone(),
                e.via.clone(),
                e.kind.name().to_string(),
                e.rev.to_string(),
                fields_text(e),
            ]
        })
        .collect();
    print_report(
        &["when", "user", "via", "change", "rev", "fields"],
        &rows,
        "changes",
        format,
    )
}

/// `crm log`: changes across the database, newest first.
pub fn log(
    api: &Client,
    since: Option<&str>,
    user: Option<String>,
    entity_name: Option<&str>,
    limit: usize,
    format: Format,
) -> CliResult {
    let since_ms = since.map(parse_when).transpose()?;
    let entity = entity_name.map(entity).transpose()?;
    let heads = api.log(LogFilter {
        since_ms,
        user,
        entity: entity.map(|d| d.name.to_string()),
        limit: Some(limit),
    })?;
    let mut rows = Vec::new();
    for h in &heads {
        let shown: Vec<String> = h
            .items
            .iter()
            .take(5)
            .map(|i| format!("{} {} {}", i.entity, i.key, i.kind.name()))
            .collect();
        let mut records = shown.join(", ");
        if h.items.len() > 5 {
            records.push_str(&format!(", … {} in all", h.items.len()));
        }
        let via = match (h.undoes, h.via.is_empty()) {
            (Some(_), true) => "Undo".to_string(),
            _ => h.via.clone(),
        };
        rows.push(vec![when(h.at_ms, format), h.user.clone(), via, records]);
    }
    print_report(
        &["when", "user", "via", "records"],
        &rows,
        "changes",
        format,
    )
}

/// `crm timeline ENTITY KEY`: what happened to a record and around it.
pub fn timeline(api: &Client, entity_name: &str, key: &str, format: Format) -> CliResult {
    let def = entity(entity_name)?;
    let rows: Vec<Vec<String>> = api
        .timeline(def, key)?
        .into_iter()
        .map(|e| vec![e.when, e.entity, e.key, e.what])
        .collect();
    print_report(&["when", "entity", "key", "what"], &rows, "events", format)
}

/// `crm undo`: takes back your last change.
pub fn undo(api: &Client) -> CliResult {
    let u = api.undo()?;
    let list: Vec<String> = u
        .records
        .iter()
        .map(|(e, k, kind)| format!("{e} {k} {}", kind.name()))
        .collect();
    eprintln!(
        "undid your {} of {}: {}",
        u.via,
        local_time(u.at_ms),
        list.join(", ")
    );
    Ok(())
}

/// `crm restore ENTITY KEY`: a deleted record back from its history.
pub fn restore(api: &Client, entity_name: &str, key: &str) -> CliResult {
    let def = entity(entity_name)?;
    let key = api.restore(def, key)?;
    outln!("{key}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_ago_and_dates_parse_and_nonsense_is_named() {
        let now = chrono::Utc::now().timestamp_millis();
        let day = parse_when("1d").unwrap();
        assert!((now - day - 86_400_000).abs() < 5_000);
        assert!(parse_when("2026-11-01").unwrap() < now);
        let e = parse_when("soon").unwrap_err().to_string();
        assert!(e.contains("'soon'"), "{e}");
        let e = parse_when("3y").unwrap_err().to_string();
        assert!(e.contains("m, h, d or w"), "{e}");
    }
}
