//! The chart body: the items of every section (heading, rows, total) from the
//! scrolled-to one down, each section drawn by its kind (bars, gauges,
//! sparklines) at the width there is.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::layout::{self, Item};
use super::{bars, gauges, sparklines};
use crate::api::report::{Chart, Report, Section};
use crate::model::Lang;

/// The drawing of one section at one width.
enum Drawer<'a> {
    Bars(bars::Bars<'a>),
    Gauges(gauges::Gauges<'a>),
    Sparks(sparklines::Sparks<'a>),
}

impl<'a> Drawer<'a> {
    fn new(section: &'a Section, width: u16, lang: Lang) -> Drawer<'a> {
        match section.chart {
            Chart::Gauges { .. } => Drawer::Gauges(gauges::Gauges::new(section, width, lang)),
            Chart::Sparklines { .. } => {
                Drawer::Sparks(sparklines::Sparks::new(section, width, lang))
            }
            Chart::Bars { .. } | Chart::None => Drawer::Bars(bars::Bars::new(section, width, lang)),
        }
    }

    fn heading(&self, buf: &mut Buffer, line: Rect, lang: Lang) {
        match self {
            Drawer::Bars(d) => d.heading(buf, line, lang),
            Drawer::Gauges(d) => d.heading(buf, line, lang),
            Drawer::Sparks(d) => d.heading(buf, line, lang),
        }
    }

    fn rows(&self, buf: &mut Buffer, area: Rect, rows: std::ops::Range<usize>, lang: Lang) {
        match self {
            Drawer::Bars(d) => d.rows(buf, area, rows, lang),
            Drawer::Gauges(d) => d.rows(buf, area, rows, lang),
            Drawer::Sparks(d) => d.rows(buf, area, rows, lang),
        }
    }

    fn total(&self, buf: &mut Buffer, line: Rect, lang: Lang) {
        match self {
            Drawer::Bars(d) => d.total(buf, line, lang),
            Drawer::Gauges(d) => d.total(buf, line, lang),
            Drawer::Sparks(d) => d.total(buf, line, lang),
        }
    }
}

/// The chart of every section from item `scroll` on, the heading of the
/// section scrolled into repeated on top.
pub(super) fn draw(buf: &mut Buffer, area: Rect, report: &Report, scroll: usize, lang: Lang) {
    let items = layout::items(report);
    let drawers: Vec<Drawer> = report
        .sections
        .iter()
        .map(|s| Drawer::new(s, area.width, lang))
        .collect();
    let start = scroll.min(items.len().saturating_sub(1));
    let mut y = area.y;
    let line = |y: u16| Rect {
        y,
        height: 1,
        ..area
    };
    let heading = |buf: &mut Buffer, s: usize, y: &mut u16| {
        let title = layout::title(&report.sections[s], lang);
        layout::put(
            buf,
            line(*y),
            0,
            area.width,
            &title,
            layout::heading_style(),
        );
        *y += 1;
        if !report.sections[s].rows.is_empty() && *y < area.bottom() {
            drawers[s].heading(buf, line(*y), lang);
            *y += 1;
        }
    };
    if let Some(s) = items.get(start).and_then(|i| layout::sticky(*i)) {
        heading(buf, s, &mut y);
    }
    let mut i = start;
    while i < items.len() && y < area.bottom() {
        match items[i] {
            Item::Heading(s) => heading(buf, s, &mut y),
            Item::Row(s, first) => {
                let mut end = i;
                while matches!(items.get(end), Some(Item::Row(t, _)) if *t == s) {
                    end += 1;
                }
                let lines: u16 = items[i..end]
                    .iter()
                    .map(|it| layout::height(report, *it))
                    .sum();
                let rows = Rect {
                    y,
                    height: lines.min(area.bottom() - y),
                    ..area
                };
                drawers[s].rows(buf, rows, first..first + (end - i), lang);
                y = y.saturating_add(lines);
                i = end;
                continue;
            }
            Item::Total(s) => {
                drawers[s].total(buf, line(y), lang);
                y += 1;
            }
            Item::Empty(_) => {
                let text = super::nothing(report.kind, lang);
                layout::put(buf, line(y), 2, area.width, text, layout::dim());
                y += 1;
            }
            Item::Blank => y += 1,
        }
        i += 1;
    }
}
