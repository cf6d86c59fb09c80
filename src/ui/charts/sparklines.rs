//! A section as sparklines (ratatui's `Sparkline`): per row (a salesperson) one
//! sparkline per series column (interactions, tasks done per week, oldest
//! first), with the totals beside the label. A week without any is a `·`, so a
//! quiet week reads as one. The rows share one scale per series; the total row
//! has its own.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols;
use ratatui::widgets::{Sparkline, Widget};

use super::layout::{self, abbreviate, draw_left, put, Plan, SERIES};
use crate::api::report::{Cell, Section};
use crate::model::Lang;

/// Columns between two sparklines.
const GAP: u16 = 2;
/// The most columns one week gets.
const MAX_SCALE: u16 = 4;

pub(super) struct Sparks<'a> {
    section: &'a Section,
    pub plan: Plan,
    series: Vec<usize>,
    weeks: u16,
    /// Columns per week.
    scale: u16,
    /// Per series, the most in one week of any row.
    max: Vec<u64>,
}

fn series_of(cells: &[Cell], column: usize) -> &[u64] {
    match cells.get(column) {
        Some(Cell::Series(v)) => v,
        _ => &[],
    }
}

impl<'a> Sparks<'a> {
    pub fn new(section: &'a Section, width: u16, lang: Lang) -> Sparks<'a> {
        let series = layout::drawn(section);
        let rows = || section.rows.iter().chain(section.total.iter());
        let weeks = rows()
            .flat_map(|r| series.iter().map(|s| series_of(r, *s).len()))
            .max()
            .unwrap_or(0);
        let weeks = u16::try_from(weeks).unwrap_or(u16::MAX);
        let n = series.len() as u16;
        let chart_min = (weeks * n + GAP * n.saturating_sub(1)).min(width / 2);
        let plan = layout::plan(section, width, lang, chart_min);
        let room = plan.chart_w.saturating_sub(GAP * n.saturating_sub(1));
        let scale = (room / (weeks * n).max(1)).clamp(1, MAX_SCALE);
        let max = series
            .iter()
            .map(|s| {
                section
                    .rows
                    .iter()
                    .flat_map(|r| series_of(r, *s).iter().copied())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        Sparks {
            section,
            plan,
            series,
            weeks,
            scale,
            max,
        }
    }

    fn spark_width(&self) -> u16 {
        self.weeks * self.scale
    }

    /// Where sparkline `j` starts, from the line's left.
    fn spark_x(&self, j: usize) -> u16 {
        self.plan.chart_x + j as u16 * (self.spark_width() + GAP)
    }

    pub fn heading(&self, buf: &mut Buffer, line: Rect, lang: Lang) {
        let style = layout::heading_style();
        draw_left(buf, line, &self.plan, self.section, None, lang, style);
        for (j, s) in self.series.iter().enumerate() {
            let name = abbreviate(self.section.columns[*s].label(lang), self.spark_width());
            put(buf, line, self.spark_x(j), self.spark_width(), &name, style);
        }
    }

    pub fn rows(&self, buf: &mut Buffer, area: Rect, rows: std::ops::Range<usize>, lang: Lang) {
        for (n, r) in rows.enumerate() {
            let line = Rect {
                y: area.y + n as u16,
                height: 1,
                ..area
            };
            if line.y >= area.bottom() {
                break;
            }
            let cells = &self.section.rows[r];
            let label = layout::label(self.section, cells, lang);
            let style = Style::new();
            draw_left(
                buf,
                line,
                &self.plan,
                self.section,
                Some((&label, cells)),
                lang,
                style,
            );
            self.sparks(buf, line, cells, &self.max);
        }
    }

    pub fn total(&self, buf: &mut Buffer, line: Rect, lang: Lang) {
        let Some(cells) = layout::draw_total(buf, line, &self.plan, self.section, lang) else {
            return;
        };
        let own: Vec<u64> = self
            .series
            .iter()
            .map(|s| series_of(cells, *s).iter().copied().max().unwrap_or(0))
            .collect();
        self.sparks(buf, line, cells, &own);
    }

    fn sparks(&self, buf: &mut Buffer, line: Rect, cells: &[Cell], max: &[u64]) {
        let set = symbols::bar::Set {
            empty: "·",
            ..symbols::bar::NINE_LEVELS
        };
        for (j, s) in self.series.iter().enumerate() {
            let x = self.spark_x(j);
            if x >= line.width {
                break;
            }
            let data: Vec<u64> = series_of(cells, *s)
                .iter()
                .flat_map(|v| std::iter::repeat_n(*v, usize::from(self.scale)))
                .collect();
            let area = Rect {
                x: line.x + x,
                width: self.spark_width().min(line.width - x),
                ..line
            };
            Sparkline::default()
                .data(&data)
                .max(max.get(j).copied().unwrap_or(0).max(1))
                .bar_set(set.clone())
                .style(Style::new().fg(SERIES[j % SERIES.len()].1))
                .render(area, buf);
        }
    }
}
