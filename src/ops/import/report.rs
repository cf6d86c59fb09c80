//! An import's outcome in words, the same for the command line and the TUI's
//! preview: a line per row and the totals.

use super::{Action, ImportReport, RowOutcome};
use crate::io::Mapped;

/// The header a field came from (the field's name when none).
fn column<'a>(mapped: &'a Mapped, field: &'a str) -> &'a str {
    mapped
        .columns
        .iter()
        .find(|(_, f)| f == field)
        .map_or(field, |(h, _)| h.as_str())
}

impl ImportReport {
    /// One line for a row: what it does, or why not.
    pub fn line(&self, row: &RowOutcome, mapped: &Mapped) -> String {
        let line = row.line;
        let what = match &row.action {
            Action::Create => match &row.key {
                Some(k) => format!("create {k}"),
                None => "create".to_string(),
            },
            Action::Update {
                key,
                rule,
                fields,
                kept,
            } => {
                let mut s = format!("update {key} ({rule} match): {}", fields.join(", "));
                if !kept.is_empty() {
                    s.push_str(&format!(
                        "; kept {} (--overwrite replaces)",
                        kept.join(", ")
                    ));
                }
                s
            }
            Action::Unchanged { key, rule } => format!("unchanged {key} ({rule} match)"),
            Action::SameAs { line, rule } => {
                format!("same as row {line} ({rule} match): merged into it")
            }
            Action::Ambiguous { keys, rule } => {
                format!("ambiguous: {} ({rule} match): left alone", keys.join(", "))
            }
            Action::NoMatch => "no match: left out (--mode update)".to_string(),
            Action::Error { field, message } => match field {
                Some(f) => format!(
                    "error: line {line}, column {}: {message}",
                    column(mapped, f)
                ),
                None => format!("error: line {line}: {message}"),
            },
        };
        format!("row {line}: {what}")
    }

    /// "1000 rows: 12 created, 30 updated, 950 unchanged, 3 ambiguous, 5 bad".
    pub fn totals(&self, rows: usize) -> String {
        let noun = if rows == 1 { "row" } else { "rows" };
        let mut s = format!(
            "{rows} {noun}: {} created, {} updated, {} unchanged",
            self.created(),
            self.updated(),
            self.unchanged()
        );
        for (n, what) in [
            (self.ambiguous(), "ambiguous"),
            (self.unmatched(), "without a match"),
            (self.errors(), "bad"),
            (self.xrefs, "cross-references to companies"),
        ] {
            if n > 0 {
                s.push_str(&format!(", {n} {what}"));
            }
        }
        if !self.written && self.created() + self.updated() > 0 {
            s.push_str(" — nothing written");
        }
        s
    }
}
