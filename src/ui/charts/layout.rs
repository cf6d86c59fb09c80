//! What every chart section shares: the items of the body it scrolls over (a
//! heading, the rows, the total), a row's label, the figures shown beside the
//! label (the columns the chart does not draw) and where each goes at the width
//! there is.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use unicode_width::UnicodeWidthStr;

use crate::api::report::{short_count, short_sums, Cell, Chart, ColumnKind, Report, Section};
use crate::model::Lang;
use crate::util::safe_text;

/// The narrowest a label column gets.
const MIN_LABEL: u16 = 6;
/// The narrowest a figure's heading gets before the figure is left out.
const MIN_HEADING: u16 = 4;

/// How the series of a section are told apart without colour: a symbol each.
pub(super) const SERIES: [(&str, Color); 3] = [
    ("█", Color::Cyan),
    ("▒", Color::Yellow),
    ("░", Color::Magenta),
];

/// One thing of the chart body, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item {
    /// A section's title and its column headings.
    Heading(usize),
    Row(usize, usize),
    Total(usize),
    /// A section without rows says so.
    Empty(usize),
    Blank,
}

pub(super) fn items(report: &Report) -> Vec<Item> {
    let mut out = Vec::new();
    for (s, section) in report.sections.iter().enumerate() {
        if s > 0 {
            out.push(Item::Blank);
        }
        out.push(Item::Heading(s));
        if section.rows.is_empty() {
            out.push(Item::Empty(s));
            continue;
        }
        out.extend((0..section.rows.len()).map(|r| Item::Row(s, r)));
        if section.total.is_some() {
            out.push(Item::Total(s));
        }
    }
    out
}

/// The bars a row of this section draws (one line each).
pub(super) fn bar_count(section: &Section) -> u16 {
    match &section.chart {
        Chart::Bars { values, .. } => values.len().max(1) as u16,
        _ => 1,
    }
}

/// Lines an item takes: a row of several bars has a line each.
pub(super) fn height(report: &Report, item: Item) -> u16 {
    match item {
        Item::Heading(s) if report.sections[s].rows.is_empty() => 1,
        Item::Heading(_) => 2,
        Item::Row(s, _) => bar_count(&report.sections[s]),
        _ => 1,
    }
}

/// The section whose heading is repeated on top when the body starts at `item`
/// (scrolled into that section's rows).
pub(super) fn sticky(item: Item) -> Option<usize> {
    match item {
        Item::Row(s, _) | Item::Total(s) | Item::Empty(s) => Some(s),
        _ => None,
    }
}

/// Lines the body takes from `start` on, with its sticky heading.
fn lines_from(report: &Report, items: &[Item], start: usize) -> usize {
    let heading = items
        .get(start)
        .and_then(|i| sticky(*i))
        .map_or(0, |s| usize::from(height(report, Item::Heading(s))));
    heading
        + items[start.min(items.len())..]
            .iter()
            .map(|i| usize::from(height(report, *i)))
            .sum::<usize>()
}

/// The first item the body may start at: the rest then fills the page.
pub(super) fn max_start(report: &Report, items: &[Item], page: usize) -> usize {
    (0..items.len())
        .find(|&s| lines_from(report, items, s) <= page)
        .unwrap_or(items.len().saturating_sub(1))
}

/// How many items from `start` fit in `page` lines (at least one).
pub(super) fn fitting(report: &Report, items: &[Item], start: usize, page: usize) -> usize {
    let Some(first) = items.get(start) else {
        return 1;
    };
    let mut used = sticky(*first).map_or(0, |s| usize::from(height(report, Item::Heading(s))))
        + usize::from(height(report, *first));
    let mut n = 1;
    for item in items.iter().skip(start + 1) {
        used += usize::from(height(report, *item));
        if used > page {
            break;
        }
        n += 1;
    }
    n
}

/// A figure in a chart's words: `1.2M €`, `144`, `57.1%`.
pub(super) fn short(cell: &Cell, lang: Lang) -> String {
    match cell {
        Cell::Count(n) => short_count(*n, lang),
        Cell::Money(s) => short_sums(s, lang),
        Cell::Percent(Some(p)) => percent(*p, lang),
        Cell::Percent(None) => "–".into(),
        Cell::Text(t) => safe_text(t),
        Cell::Series(v) => short_count(v.iter().sum(), lang),
    }
}

pub(super) fn percent(p: f64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{p:.1}%"),
        Lang::De => format!("{p:.1} %").replace('.', ","),
    }
}

/// A heading in `width` columns: as it is when it fits, else with its leading
/// words cut to their initial (`C. won`), else cut as `fit` does.
pub(super) fn abbreviate(text: &str, width: u16) -> String {
    if text.width() <= usize::from(width) {
        return text.to_string();
    }
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() > 1 && words[words.len() - 1].chars().count() >= 3 {
        for k in 1..words.len() {
            let initials = words[..k].iter().filter_map(|w| w.chars().next());
            let mut short: Vec<String> = initials.map(|c| format!("{c}.")).collect();
            short.extend(words[k..].iter().map(|w| w.to_string()));
            let short = short.join(" ");
            if short.width() <= usize::from(width) {
                return short;
            }
        }
    }
    fit(text, width)
}

/// `text` in `width` columns, cut with `.` (or `…` when very short).
pub(super) fn fit(text: &str, width: u16) -> String {
    let width = usize::from(width);
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mark = if width >= 4 { "." } else { "…" };
    let kept = crate::util::text::take_width(text, width - 1).trim_end();
    format!("{kept}{mark}")
}

fn width_of(text: &str) -> u16 {
    u16::try_from(text.width()).unwrap_or(u16::MAX)
}

/// The label column of a section.
pub(super) fn label_column(section: &Section) -> usize {
    match &section.chart {
        Chart::Bars { label, .. }
        | Chart::Gauges { label, .. }
        | Chart::Sparklines { label, .. } => *label,
        Chart::None => 0,
    }
}

/// The columns the chart draws (besides the label).
pub(super) fn drawn(section: &Section) -> Vec<usize> {
    match &section.chart {
        Chart::Bars { values, .. } => values.clone(),
        Chart::Gauges { value, .. } => vec![*value],
        Chart::Sparklines { series, .. } => series.clone(),
        Chart::None => Vec::new(),
    }
}

/// A row's label: its label cell, then any other text (a campaign's
/// description); `(none)` when empty.
pub(super) fn label(section: &Section, row: &[Cell], lang: Lang) -> String {
    let at = label_column(section);
    let texts: Vec<String> = std::iter::once(at)
        .chain(
            (0..section.columns.len())
                .filter(|&i| i != at && section.columns[i].kind == ColumnKind::Text),
        )
        .filter_map(|i| match row.get(i) {
            Some(Cell::Text(t)) if !t.trim().is_empty() => Some(safe_text(t.trim())),
            _ => None,
        })
        .collect();
    match (texts.is_empty(), lang) {
        (false, _) => texts.join(" "),
        (true, Lang::En) => "(none)".into(),
        (true, Lang::De) => "(keine)".into(),
    }
}

/// A section's title, with the percentages of its total (the win rate over
/// every row) after it.
pub(super) fn title(section: &Section, lang: Lang) -> String {
    let mut out = safe_text(section.title(lang));
    let Some(total) = &section.total else {
        return out;
    };
    for (c, cell) in section.columns.iter().zip(total) {
        if let Cell::Percent(Some(p)) = cell {
            let name = c.label(lang).trim_end_matches('%').trim_end();
            out.push_str(&format!(" · {name} {}", percent(*p, lang)));
        }
    }
    out
}

pub(super) fn total_label(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Total",
        Lang::De => "Gesamt",
    }
}

/// Where a section's columns go at one width: the label, the figures beside it
/// (column, width) and the chart in what is left.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    pub label: u16,
    pub extras: Vec<(usize, u16)>,
    pub chart_x: u16,
    pub chart_w: u16,
}

/// The plan for `section` at `width`, leaving the chart at least `chart_min`
/// columns where it can: headings are cut first, then figures left out (counts
/// first, then from the right), then the label narrowed.
pub(super) fn plan(section: &Section, width: u16, lang: Lang, chart_min: u16) -> Plan {
    let rows = || section.rows.iter().chain(section.total.iter());
    let at = label_column(section);
    let drawn = drawn(section);
    let labels = section
        .rows
        .iter()
        .map(|r| width_of(&label(section, r, lang)))
        .chain([width_of(total_label(lang))])
        .max()
        .unwrap_or(0);
    let heading = width_of(section.columns[at].label(lang)).min(12);
    let mut label_w = labels.max(heading).clamp(MIN_LABEL, (width / 4).max(12));
    // (column, width, narrowest)
    let mut extras: Vec<(usize, u16, u16)> = section
        .columns
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            *i != at
                && !drawn.contains(i)
                && matches!(
                    c.kind,
                    ColumnKind::Count | ColumnKind::Money | ColumnKind::Percent
                )
        })
        .map(|(i, c)| {
            let value = rows()
                .filter_map(|r| r.get(i))
                .map(|cell| width_of(&short(cell, lang)))
                .max()
                .unwrap_or(1);
            let head = width_of(c.label(lang));
            (i, value.max(head), value.max(head.min(MIN_HEADING)))
        })
        .collect();
    let used = |label: u16, extras: &[(usize, u16, u16)]| -> u16 {
        label + 1 + extras.iter().map(|e| e.1 + 1).sum::<u16>()
    };
    while used(label_w, &extras) + chart_min > width {
        if let Some(e) = extras
            .iter_mut()
            .filter(|e| e.1 > e.2)
            .max_by_key(|e| e.1 - e.2)
        {
            e.1 -= 1;
        } else if !extras.is_empty() {
            let count = extras
                .iter()
                .rposition(|e| section.columns[e.0].kind == ColumnKind::Count);
            extras.remove(count.unwrap_or(extras.len() - 1));
        } else if label_w > MIN_LABEL {
            label_w -= 1;
        } else {
            break;
        }
    }
    let chart_x = used(label_w, &extras).min(width);
    Plan {
        label: label_w,
        extras: extras.into_iter().map(|(i, w, _)| (i, w)).collect(),
        chart_x,
        chart_w: width - chart_x,
    }
}

pub(super) fn heading_style() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub(super) fn dim() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}

/// The label and the figures of one row (or of the headings, when `cells` is
/// None) at the left of `line`.
/// Draws the total row's label and figures on `line` in the heading style; its
/// cells, or None when the section has no total.
pub(super) fn draw_total<'s>(
    buf: &mut Buffer,
    line: Rect,
    plan: &Plan,
    section: &'s Section,
    lang: Lang,
) -> Option<&'s [Cell]> {
    let cells = section.total.as_deref()?;
    let row = Some((total_label(lang), cells));
    draw_left(buf, line, plan, section, row, lang, heading_style());
    Some(cells)
}

pub(super) fn draw_left(
    buf: &mut Buffer,
    line: Rect,
    plan: &Plan,
    section: &Section,
    row: Option<(&str, &[Cell])>,
    lang: Lang,
    style: Style,
) {
    let (label, figures): (String, Vec<String>) = match row {
        Some((label, cells)) => (
            label.to_string(),
            plan.extras
                .iter()
                .map(|(i, _)| cells.get(*i).map_or_else(String::new, |c| short(c, lang)))
                .collect(),
        ),
        None => (
            section.columns[label_column(section)]
                .label(lang)
                .to_string(),
            plan.extras
                .iter()
                .map(|(i, _)| section.columns[*i].label(lang).to_string())
                .collect(),
        ),
    };
    let cut = if row.is_some() { fit } else { abbreviate };
    put(buf, line, 0, plan.label, &cut(&label, plan.label), style);
    let mut x = plan.label + 1;
    for ((_, w), text) in plan.extras.iter().zip(figures) {
        let text = cut(&text, *w);
        let pad = w.saturating_sub(width_of(&text));
        put(buf, line, x + pad, *w - pad, &text, style);
        x += w + 1;
    }
}

/// Text at column `x` of `line`, at most `width` columns and never past the line.
pub(super) fn put(buf: &mut Buffer, line: Rect, x: u16, width: u16, text: &str, style: Style) {
    if x >= line.width || line.height == 0 {
        return;
    }
    let width = width.min(line.width - x);
    buf.set_stringn(line.x + x, line.y, text, usize::from(width), style);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::report::{Column, Sums};
    use crate::model::Money;

    fn section() -> Section {
        let mut big = Sums::default();
        big.add(Money::eur(123_456_700)).unwrap();
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
                Column::new("rate", "Win rate %", "Gewinnquote %", ColumnKind::Percent),
            ],
            rows: vec![vec![
                Cell::Text("NEGOTIATION-AND-MORE".into()),
                Cell::Count(12),
                Cell::Money(big),
                Cell::Percent(Some(57.14)),
            ]],
            total: None,
            chart: Chart::Bars {
                label: 0,
                values: vec![2],
            },
        }
    }

    #[test]
    fn figures_are_short_and_labels_cut_with_a_mark() {
        assert_eq!(fit("Opportunities", 9), "Opportun.");
        assert_eq!(abbreviate("Closed won", 8), "C. won");
        assert_eq!(abbreviate("Interactions per week", 12), "I. per week");
        assert_eq!(abbreviate("Gewinnquote %", 8), "Gewinnq.");
        assert_eq!(fit("CMP0000001 Telefonaktion", 16), "CMP0000001 Tele.");
        assert_eq!(fit("Stage", 9), "Stage");
        assert_eq!(fit("abc", 2), "a…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(percent(57.14, Lang::En), "57.1%");
        assert_eq!(percent(57.14, Lang::De), "57,1 %");
        assert_eq!(short(&Cell::Percent(None), Lang::En), "–");
        let s = section();
        assert_eq!(short(&s.rows[0][2], Lang::En), "1.2M €");
        assert_eq!(label(&s, &[Cell::Text(" ".into())], Lang::De), "(keine)");
    }

    #[test]
    fn a_narrow_plan_cuts_headings_then_leaves_figures_out() {
        let s = section();
        let wide = plan(&s, 120, Lang::En, 30);
        assert_eq!(wide.extras.len(), 2);
        assert_eq!(wide.extras[0], (1, 13), "the heading fits whole");
        assert_eq!(wide.chart_x + wide.chart_w, 120);
        let narrow = plan(&s, 60, Lang::En, 30);
        assert!(narrow.chart_w >= 30, "{narrow:?}");
        assert!(narrow.extras.iter().all(|e| e.1 < 13), "{narrow:?}");
        let tiny = plan(&s, 30, Lang::En, 30);
        assert!(tiny.extras.is_empty(), "{tiny:?}");
        assert_eq!(tiny.label, MIN_LABEL);
    }
}
