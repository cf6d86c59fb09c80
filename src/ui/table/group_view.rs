//! Drawing the group view: a title (what is grouped, how it is sorted, what `g`
//! would nest), one line per group on screen (subgroups indented) with its count
//! and per-currency sums, the total, and the filter line. Sums are written in full
//! (`1234.56 EUR`) where they fit, else short (`1.2k €`).

use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::TableView;
use crate::api::report::{short_sums, Group, Sums};
use crate::model::Lang;

/// Group lines the area has room for: below the title and the header, above the
/// total and the filter line.
pub(super) fn page(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(4)).max(1)
}

fn sums_text(sums: &Sums, short: bool, lang: Lang) -> String {
    match (sums.is_empty(), short) {
        (true, _) => String::new(),
        (false, true) => short_sums(sums, lang),
        (false, false) => sums.to_string(),
    }
}

fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).right_aligned())
}

/// The texts of one line: label, count, sums.
fn cells(label: String, group: &Group, short: bool, lang: Lang) -> Vec<String> {
    let mut out = vec![label, group.count.to_string()];
    out.extend(group.sums.iter().map(|s| sums_text(s, short, lang)));
    out
}

pub(super) fn render(tv: &TableView, frame: &mut Frame, area: Rect, lang: Lang) {
    let area = area.intersection(frame.area());
    let Some(g) = &tv.grouping else { return };
    if area.width == 0 || area.height < 4 {
        return;
    }
    let def = tv.mask.entity;
    let none = match lang {
        Lang::En => "(none)",
        Lang::De => "(ohne)",
    };
    let visible: Vec<(usize, Option<usize>)> = g
        .lines
        .iter()
        .copied()
        .skip(g.offset)
        .take(page(area))
        .collect();
    let label_of = |line: (usize, Option<usize>)| {
        let label = tv.group_label(line);
        let label = if label.is_empty() {
            none.to_string()
        } else {
            label
        };
        let indent = if line.1.is_some() { "  " } else { "" };
        crate::util::safe_text(&format!("{indent}{label}"))
    };
    let total_label = match lang {
        Lang::En => "Total",
        Lang::De => "Gesamt",
    };
    let mut header = vec![
        tv.group_title(lang),
        match lang {
            Lang::En => "Count".to_string(),
            Lang::De => "Anzahl".to_string(),
        },
    ];
    header.extend(g.sums.iter().map(|&c| match tv.columns[c].field {
        Some(i) => def.fields[i].label(lang).to_string(),
        None => String::new(),
    }));
    // Full sums where every column fits, short ones otherwise.
    let lines_of = |short: bool| -> Vec<Vec<String>> {
        let mut lines: Vec<Vec<String>> = visible
            .iter()
            .filter_map(|&l| Some(cells(label_of(l), g.group(l)?, short, lang)))
            .collect();
        lines.push(cells(total_label.to_string(), &g.total, short, lang));
        lines
    };
    let widths_of = |lines: &[Vec<String>]| -> Vec<usize> {
        (0..header.len())
            .map(|c| {
                lines
                    .iter()
                    .map(|l| l.get(c).map_or(0, |t| t.width()))
                    .chain([header[c].width()])
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    };
    let fits = |w: &[usize]| w.iter().sum::<usize>() + w.len() <= usize::from(area.width);
    let mut lines = lines_of(false);
    let mut widths = widths_of(&lines);
    if !fits(&widths) {
        lines = lines_of(true);
        widths = widths_of(&lines);
    }
    // The label gives way first.
    let rest: usize = widths[1..].iter().map(|w| w + 1).sum();
    widths[0] = widths[0].min(usize::from(area.width).saturating_sub(rest).max(12));
    let total = lines.pop().unwrap_or_default();

    frame.render_widget(
        Paragraph::new(Line::styled(
            title(tv, lang),
            Style::new().add_modifier(Modifier::BOLD),
        )),
        Rect { height: 1, ..area },
    );
    let constraints: Vec<Constraint> = widths
        .iter()
        .map(|&w| Constraint::Length(u16::try_from(w).unwrap_or(u16::MAX)))
        .collect();
    let row_of = |texts: Vec<String>| {
        let mut it = texts.into_iter();
        let first = Cell::from(it.next().unwrap_or_default());
        Row::new(std::iter::once(first).chain(it.map(right)))
    };
    let head =
        row_of(header).style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let body = Rect {
        y: area.y + 1,
        height: area.height - 3,
        ..area
    };
    if lines.is_empty() {
        let text = match lang {
            Lang::En => "no rows to group: the filter shows none",
            Lang::De => "keine Zeilen zum Gruppieren: der Filter zeigt keine",
        };
        frame.render_widget(
            Table::new([row_of(vec![text.to_string()])], [Constraint::Fill(1)]),
            body,
        );
    } else {
        let table = Table::new(lines.into_iter().map(row_of), constraints.clone())
            .header(head)
            .column_spacing(1)
            .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
        let mut state = TableState::default();
        state.select(Some(g.selected.saturating_sub(g.offset)));
        frame.render_stateful_widget(table, body, &mut state);
    }
    let total_area = Rect {
        y: area.bottom() - 2,
        height: 1,
        ..area
    };
    let total = Table::new([row_of(total)], constraints)
        .column_spacing(1)
        .style(Style::new().add_modifier(Modifier::BOLD));
    frame.render_widget(total, total_area);
    let count = match tv.loading() {
        Some(n) => format!("loading {n}…"),
        None => {
            let (n, m) = tv.position();
            match lang {
                Lang::En => format!("{n} of {m} groups"),
                Lang::De => format!("{n} von {m} Gruppen"),
            }
        }
    };
    super::view::bottom_line(tv, frame, area, count);
}

/// "By Salesperson › Stage · 12 groups, 340 rows · sorted by count ▼ · g: Salesperson › Territory".
fn title(tv: &TableView, lang: Lang) -> String {
    let Some(g) = &tv.grouping else {
        return String::new();
    };
    let groups = g.groups.len();
    let rows = g.total.count;
    let (by, sort) = (tv.group_title(lang), tv.group_sort_name(lang));
    let mut text = match lang {
        Lang::En => format!(
            " By {by} · {} · sorted by {sort}",
            counted(groups, "group", "groups", rows, "row", "rows")
        ),
        Lang::De => format!(
            " Nach {by} · {} · sortiert nach {sort}",
            counted(groups, "Gruppe", "Gruppen", rows, "Zeile", "Zeilen")
        ),
    };
    // What `g` on the current column would group by.
    if let (Some(key), Some(&first)) = (&g.key, g.by.first()) {
        // (Not the key: a group per row is no second level worth offering.)
        if tv.col != 0 && !g.by.contains(&tv.col) {
            let names = [first, tv.col].map(|c| tv.column_name(c, lang));
            text.push_str(&format!(" · {key}: {} › {}", names[0], names[1]));
        }
    }
    text
}

/// "1 group, 2 rows".
fn counted(groups: usize, one: &str, many: &str, rows: u64, row: &str, rows_word: &str) -> String {
    let groups = format!("{groups} {}", if groups == 1 { one } else { many });
    let rows = format!("{rows} {}", if rows == 1 { row } else { rows_word });
    format!("{groups}, {rows}")
}
