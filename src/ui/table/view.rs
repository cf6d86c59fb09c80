//! Drawing the table: a header with the sort column marked, the visible window of
//! rows (decoded in `prepare`), and a bottom line with the filter and the count.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::util::text::fit_width;

use super::TableView;
use crate::model::Lang;

/// Rows of the body and the width of an area: one line for the header, one for the
/// filter and count.
pub(super) fn body_size(area: Rect) -> (usize, u16) {
    (usize::from(area.height.saturating_sub(2)), area.width)
}

pub(super) fn key_label(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Key",
        Lang::De => "Schlüssel",
    }
}

impl TableView {
    /// Where the rows go: below a title line while a group's rows are shown.
    pub(super) fn body_area(&self, area: Rect) -> Rect {
        if self.open_group().is_none() || area.height < 3 {
            return area;
        }
        Rect {
            y: area.y + 1,
            height: area.height - 1,
            ..area
        }
    }
}

pub(super) fn render(tv: &TableView, frame: &mut Frame, area: Rect, lang: Lang) {
    let area = area.intersection(frame.area());
    if area.width == 0 || area.height == 0 {
        return;
    }
    if let Some(title) = tv.open_title(lang) {
        let body = tv.body_area(area);
        if body != area {
            let rows = tv.data.hits().len();
            let text = match (lang, rows) {
                (Lang::En, 1) => format!(" {title} · 1 row"),
                (Lang::En, _) => format!(" {title} · {rows} rows"),
                (Lang::De, 1) => format!(" {title} · 1 Zeile"),
                (Lang::De, _) => format!(" {title} · {rows} Zeilen"),
            };
            let line = Line::styled(
                crate::util::safe_text(&text),
                Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            );
            frame.render_widget(Paragraph::new(line), Rect { height: 1, ..area });
        }
        return render_table(tv, frame, body, lang);
    }
    render_table(tv, frame, area, lang);
}

fn render_table(tv: &TableView, frame: &mut Frame, area: Rect, lang: Lang) {
    let layout = tv.layout(area.width, lang);
    let (sort_col, descending) = tv.data.sort_state();
    let arrow = if descending { "▼" } else { "▲" };
    let header = Row::new(layout.iter().map(|&(c, w)| {
        let label = tv.heading(c, lang);
        let w = usize::from(w);
        // The sort marker is never cut: the heading gives way.
        let text = if c == sort_col {
            match w {
                0..=2 => arrow.to_string(),
                _ => format!("{} {arrow}", fit_width(&label, w - 2)),
            }
        } else {
            fit_width(&label, w)
        };
        let cell = Cell::from(text);
        // The current column (what `g` groups by) stands out.
        if c == tv.col {
            cell.style(Style::new().add_modifier(Modifier::REVERSED))
        } else {
            cell
        }
    }))
    .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));

    let (page, _) = body_size(area);
    let end = tv.offset.saturating_add(page).min(tv.data.hits().len());
    let rows = (tv.offset..end).filter_map(|n| {
        let key = tv.data.hit_key(n)?;
        let cells = tv.cells.get(key);
        let marked = tv.marked.contains(key);
        let row_style = if marked {
            Style::new()
                .fg(ratatui::style::Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        Some(
            Row::new(layout.iter().map(|&(c, w)| {
                let text = match cells.and_then(|cells| cells.get(c)) {
                    Some(text) => text.as_str(),
                    None if c == 0 => key,
                    None => "",
                };
                Cell::from(fit_width(&crate::util::safe_text(text), usize::from(w)))
            }))
            .style(row_style),
        )
    });
    let widths = layout.iter().map(|&(_, w)| Constraint::Length(w));
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    let mut state = TableState::default();
    if !tv.data.hits().is_empty() {
        state.select(Some(tv.selected.saturating_sub(tv.offset)));
    }
    let table_area = Rect {
        height: area.height.saturating_sub(1).max(1),
        ..area
    };
    frame.render_stateful_widget(table, table_area, &mut state);

    if area.height < 2 {
        return;
    }
    let count = match (tv.loading(), &tv.error) {
        (_, Some(e)) => e.clone(),
        (Some(n), None) => format!("loading {n}…"),
        (None, None) => {
            let (n, m) = tv.position();
            let marked = match tv.marked.len() {
                0 => String::new(),
                k => format!("{k} marked · "),
            };
            // The sort column off screen (hidden, or scrolled away): the
            // marker moves here, so it never disappears.
            let sort = if layout.iter().any(|&(c, _)| c == sort_col) {
                String::new()
            } else {
                format!("{} {arrow} · ", tv.heading(sort_col, lang))
            };
            if tv.query.is_empty() {
                format!("{marked}{sort}{n} of {m}")
            } else {
                format!("{marked}{sort}{n} of {m} ({})", tv.total())
            }
        }
    };
    bottom_line(tv, frame, area, count);
}

/// The last line of the area: the filter and the query on the left, `count` right.
pub(super) fn bottom_line(tv: &TableView, frame: &mut Frame, area: Rect, count: String) {
    let bottom = Rect {
        y: area.bottom().saturating_sub(1),
        height: 1,
        ..area
    };
    let mut filter = if tv.editing {
        format!("/{}█", tv.query)
    } else if tv.query.is_empty() {
        String::new()
    } else {
        format!("/{}", tv.query)
    };
    let q = &tv.query_line;
    let query = if q.editing {
        format!("query: {}█ ", q.input)
    } else if q.is_running() {
        "query running… ".to_string()
    } else if let Some(applied) = tv.applied_query() {
        format!("query: {applied} ")
    } else {
        String::new()
    };
    filter.insert_str(0, &query);
    if let Some(e) = &q.error {
        filter.push_str(&format!("  ✗ {e}"));
    }
    let filter = crate::util::safe_text(&filter);
    let gap = usize::from(area.width)
        .saturating_sub(filter.width())
        .saturating_sub(count.width());
    let line = Line::from(vec![
        Span::styled(filter, Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(" ".repeat(gap)),
        Span::raw(count),
    ]);
    frame.render_widget(Paragraph::new(line), bottom);
}
