//! The plain table behind every chart (`t`): per section its title, the column
//! headings, every row and the total, money in full per currency; plain text
//! lines for a screen reader and for copy-and-paste.

use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use unicode_width::UnicodeWidthStr;

use super::layout::total_label;
use crate::api::report::{Cell, ColumnKind, Report};
use crate::model::Lang;
use crate::util::safe_text;

/// Columns between two table columns.
const GAP: &str = "  ";

/// The report as lines of text.
pub(super) fn lines(report: &Report, lang: Lang) -> Vec<Line<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut out = Vec::new();
    for (n, s) in report.sections.iter().enumerate() {
        if n > 0 {
            out.push(Line::from(""));
        }
        out.push(Line::styled(safe_text(s.title(lang)), bold));
        if s.rows.is_empty() {
            out.push(Line::from(super::nothing(report.kind, lang)));
            continue;
        }
        let header: Vec<String> = s
            .columns
            .iter()
            .map(|c| c.label(lang).to_string())
            .collect();
        let mut body: Vec<Vec<String>> = s
            .rows
            .iter()
            .map(|r| r.iter().map(|c| safe_text(&c.text())).collect())
            .collect();
        if let Some(total) = &s.total {
            let mut cells: Vec<String> = total.iter().map(|c| safe_text(&c.text())).collect();
            if let (Some(first), Some(Cell::Text(_))) = (cells.first_mut(), total.first()) {
                *first = total_label(lang).to_string();
            }
            body.push(cells);
        }
        let widths: Vec<usize> = (0..s.columns.len())
            .map(|i| {
                std::iter::once(&header)
                    .chain(&body)
                    .filter_map(|r| r.get(i))
                    .map(|t| t.width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let parts: Vec<String> = cells
                .iter()
                .zip(&widths)
                .zip(&s.columns)
                .map(|((text, w), c)| {
                    let pad = " ".repeat(w.saturating_sub(text.width()));
                    match c.kind {
                        ColumnKind::Text | ColumnKind::Series => format!("{text}{pad}"),
                        _ => format!("{pad}{text}"),
                    }
                })
                .collect();
            parts.join(GAP).trim_end().to_string()
        };
        out.push(Line::styled(line(&header), bold));
        let rows = s.rows.len();
        for (i, cells) in body.iter().enumerate() {
            let text = line(cells);
            out.push(if i >= rows {
                Line::styled(text, bold)
            } else {
                Line::from(text)
            });
        }
    }
    out
}

/// The widest line, for scrolling right.
pub(super) fn width(lines: &[Line]) -> usize {
    lines.iter().map(Line::width).max().unwrap_or(0)
}
