//! A section as horizontal bars (ratatui's `BarChart`): a group per row, a bar
//! per value column told apart by symbol and colour, each with its figure after
//! it; the total as figures. A money bar is its first currency's amount; the
//! figure shows every currency, so nothing is silently added.

use ratatui::buffer::Buffer;
use ratatui::layout::{Direction, Rect};
use ratatui::style::Style;
use ratatui::symbols;
use ratatui::widgets::{Bar, BarChart, BarGroup, Widget};
use unicode_width::UnicodeWidthStr;

use super::layout::{self, draw_left, fit, put, short, Plan, SERIES};
use crate::api::report::{Cell, Section};
use crate::model::Lang;

/// The narrowest bar area.
const MIN_BAR: u16 = 12;

pub(super) struct Bars<'a> {
    section: &'a Section,
    pub plan: Plan,
    values: Vec<usize>,
    /// The widest figure after a bar.
    figure: u16,
    /// The value a full bar stands for (every row and series on one scale).
    max: u64,
}

/// A cell as a bar's length: whole units of the first currency, a count, a
/// percentage; nothing below zero.
fn length(cell: Option<&Cell>) -> u64 {
    // `as` saturates and turns NaN into 0.
    cell.map_or(0, |c| c.number().max(0.0).round() as u64)
}

impl<'a> Bars<'a> {
    pub fn new(section: &'a Section, width: u16, lang: Lang) -> Bars<'a> {
        let values = layout::drawn(section);
        let figure = section
            .rows
            .iter()
            .flat_map(|r| values.iter().filter_map(|v| r.get(*v)))
            .map(|c| short(c, lang).width() as u16)
            .max()
            .unwrap_or(0);
        let max = section
            .rows
            .iter()
            .flat_map(|r| values.iter().map(|v| length(r.get(*v))))
            .max()
            .unwrap_or(0);
        let chart_min = if values.is_empty() {
            0
        } else {
            figure + 1 + MIN_BAR
        };
        Bars {
            plan: layout::plan(section, width, lang, chart_min),
            section,
            values,
            figure,
            max,
        }
    }

    /// Lines between one row's first bar and the next row's.
    fn stride(&self) -> u16 {
        self.values.len().max(1) as u16
    }

    /// Cells a bar of `value` fills, as `BarChart` draws it.
    fn cells(&self, value: u64) -> u16 {
        let full = u128::from(value) * u128::from(self.bar_width()) / u128::from(self.max.max(1));
        u16::try_from(full)
            .unwrap_or(u16::MAX)
            .min(self.bar_width())
    }

    fn bar_width(&self) -> u16 {
        self.plan.chart_w.saturating_sub(self.figure + 1)
    }

    /// The column headings and, over the bars, which symbol is which column.
    pub fn heading(&self, buf: &mut Buffer, line: Rect, lang: Lang) {
        let style = layout::heading_style();
        draw_left(buf, line, &self.plan, self.section, None, lang, style);
        let mut x = self.plan.chart_x;
        for (j, v) in self.values.iter().enumerate() {
            let (symbol, color) = SERIES[j % SERIES.len()];
            let name = self.section.columns[*v].label(lang);
            let end = self.plan.chart_x + self.plan.chart_w;
            put(buf, line, x, 2, symbol, Style::new().fg(color));
            put(buf, line, x + 2, end.saturating_sub(x + 2), name, style);
            x += 2 + name.width() as u16 + 2;
        }
    }

    /// The rows `rows` from the top of `area`, a group of bars each.
    pub fn rows(&self, buf: &mut Buffer, area: Rect, rows: std::ops::Range<usize>, lang: Lang) {
        let stride = self.stride();
        let bars = Rect {
            x: area.x + self.plan.chart_x,
            width: self.bar_width(),
            ..area
        };
        for (j, v) in self.values.iter().enumerate() {
            let (symbol, color) = SERIES[j % SERIES.len()];
            if j as u16 >= bars.height || bars.width == 0 {
                break;
            }
            let group: Vec<Bar> = rows
                .clone()
                .map(|r| Bar::new(length(self.section.rows[r].get(*v))).text_value(""))
                .collect();
            let set = symbols::bar::Set {
                full: symbol,
                ..symbols::bar::NINE_LEVELS
            };
            BarChart::default()
                .direction(Direction::Horizontal)
                .bar_width(1)
                .bar_gap(stride - 1)
                .bar_set(set)
                .bar_style(Style::new().fg(color))
                .max(self.max.max(1))
                .data(BarGroup::new(group))
                .render(
                    Rect {
                        y: bars.y + j as u16,
                        height: bars.height - j as u16,
                        ..bars
                    },
                    buf,
                );
        }
        for (n, r) in rows.clone().enumerate() {
            let y = area.y + n as u16 * stride;
            if y >= area.bottom() {
                break;
            }
            let cells = &self.section.rows[r];
            let line = Rect {
                y,
                height: 1,
                ..area
            };
            let label = layout::label(self.section, cells, lang);
            draw_left(
                buf,
                line,
                &self.plan,
                self.section,
                Some((&label, cells)),
                lang,
                Style::new(),
            );
            for (j, v) in self.values.iter().enumerate() {
                let line = Rect {
                    y: y + j as u16,
                    ..line
                };
                if line.y >= area.bottom() {
                    break;
                }
                let text = cells.get(*v).map_or_else(String::new, |c| short(c, lang));
                // The figure right after its bar.
                let cells = self.cells(length(cells.get(*v)));
                let x = self.plan.chart_x + cells + u16::from(cells > 0);
                put(buf, line, x, self.figure, &text, Style::new());
            }
        }
    }

    /// The total: its figures, and each bar column's sum after its symbol.
    pub fn total(&self, buf: &mut Buffer, line: Rect, lang: Lang) {
        let Some(cells) = layout::draw_total(buf, line, &self.plan, self.section, lang) else {
            return;
        };
        let style = layout::heading_style();
        let parts: Vec<String> = self
            .values
            .iter()
            .enumerate()
            .map(|(j, v)| {
                let figure = cells.get(*v).map_or_else(String::new, |c| short(c, lang));
                format!("{} {figure}", SERIES[j % SERIES.len()].0)
            })
            .collect();
        let text = fit(&parts.join("  "), self.plan.chart_w);
        put(
            buf,
            line,
            self.plan.chart_x,
            self.plan.chart_w,
            &text,
            style,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::report::{Chart, Column, ColumnKind, Sums};
    use crate::model::{Currency, Money};

    fn line(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
    }

    #[test]
    fn a_bar_of_mixed_currencies_is_its_first_and_its_figure_shows_all() {
        let mut mixed = Sums::default();
        mixed.add(Money::eur(120_000_000)).unwrap();
        mixed
            .add(Money::new(4_000_000, Currency::parse("USD").unwrap()))
            .unwrap();
        let mut half = Sums::default();
        half.add(Money::eur(60_000_000)).unwrap();
        let section = Section {
            name: "by_stage".into(),
            en: "Open pipeline by stage".into(),
            de: "Offene Pipeline nach Phase".into(),
            columns: vec![
                Column::new("stage", "Stage", "Phase", ColumnKind::Text),
                Column::new("amount", "Σ amount", "Σ Betrag", ColumnKind::Money),
            ],
            rows: vec![
                vec![Cell::Text("PROPOSAL".into()), Cell::Money(mixed)],
                vec![Cell::Text("CLOSE".into()), Cell::Money(half)],
            ],
            total: None,
            chart: Chart::Bars {
                label: 0,
                values: vec![1],
            },
        };
        let bars = Bars::new(&section, 60, Lang::En);
        let mut buf = Buffer::empty(Rect::new(0, 0, 60, 2));
        let area = buf.area;
        bars.rows(&mut buf, area, 0..2, Lang::En);
        let (first, second) = (line(&buf, 0), line(&buf, 1));
        assert!(first.contains("1.2M € + 40k $"), "{first}");
        let length = |l: &str| l.matches('█').count();
        // 600k € is half of 1.2M €: the dollars are not added in.
        assert_eq!(length(&first), 2 * length(&second), "{first}\n{second}");
        assert!(second.starts_with("CLOSE"), "{second}");
    }
}
