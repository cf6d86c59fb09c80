//! A section as gauges (ratatui's `LineGauge`): a line per row with its
//! percentage (a salesperson's attainment of quota), the figures beside it in
//! short form. Over 100 % the gauge is full and the figure says how far over.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::{LineGauge, Widget};

use super::layout::{self, draw_left, put, Plan};
use crate::api::report::{Cell, Section};
use crate::model::Lang;

/// The narrowest gauge, its percentage included.
const MIN_GAUGE: u16 = 24;

pub(super) struct Gauges<'a> {
    section: &'a Section,
    pub plan: Plan,
    value: usize,
}

impl<'a> Gauges<'a> {
    pub fn new(section: &'a Section, width: u16, lang: Lang) -> Gauges<'a> {
        Gauges {
            plan: layout::plan(section, width, lang, MIN_GAUGE),
            value: layout::drawn(section).first().copied().unwrap_or(0),
            section,
        }
    }

    pub fn heading(&self, buf: &mut Buffer, line: Rect, lang: Lang) {
        let style = layout::heading_style();
        draw_left(buf, line, &self.plan, self.section, None, lang, style);
        let name = self.section.columns[self.value].label(lang);
        put(buf, line, self.plan.chart_x, self.plan.chart_w, name, style);
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
            self.line(buf, line, &label, cells, Style::new(), lang);
        }
    }

    pub fn total(&self, buf: &mut Buffer, line: Rect, lang: Lang) {
        if let Some(cells) = &self.section.total {
            let style = layout::heading_style();
            self.line(buf, line, layout::total_label(lang), cells, style, lang);
        }
    }

    fn line(
        &self,
        buf: &mut Buffer,
        line: Rect,
        label: &str,
        cells: &[Cell],
        style: Style,
        lang: Lang,
    ) {
        draw_left(
            buf,
            line,
            &self.plan,
            self.section,
            Some((label, cells)),
            lang,
            style,
        );
        let percent = match cells.get(self.value) {
            Some(Cell::Percent(p)) => *p,
            _ => None,
        };
        let figure = percent.map_or_else(|| "–".to_string(), |p| layout::percent(p, lang));
        let ratio = percent.map_or(0.0, |p| (p / 100.0).clamp(0.0, 1.0));
        let ratio = if ratio.is_finite() { ratio } else { 0.0 };
        let color = if ratio >= 1.0 {
            Color::Green
        } else {
            Color::Cyan
        };
        let area = Rect {
            x: line.x + self.plan.chart_x,
            width: self.plan.chart_w,
            ..line
        };
        LineGauge::default()
            .ratio(ratio)
            .label(format!("{figure:>7}"))
            .style(style)
            .filled_symbol("█")
            .unfilled_symbol("░")
            .filled_style(Style::new().fg(color))
            .unfilled_style(Style::new().fg(Color::DarkGray))
            .render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::report::{Chart, Column, ColumnKind};

    #[test]
    fn a_gauge_over_quota_is_full_and_one_without_quota_is_empty() {
        let section = Section {
            name: "by_salesperson".into(),
            en: "Forecast".into(),
            de: "Prognose".into(),
            columns: vec![
                Column::new("salesperson", "Salesperson", "Verkäufer", ColumnKind::Text),
                Column::new(
                    "attainment",
                    "Attainment %",
                    "Zielerreichung %",
                    ColumnKind::Percent,
                ),
            ],
            rows: vec![
                vec![Cell::Text("SMITH".into()), Cell::Percent(Some(132.5))],
                vec![Cell::Text("JONES".into()), Cell::Percent(None)],
                vec![Cell::Text("NAN".into()), Cell::Percent(Some(f64::NAN))],
            ],
            total: None,
            chart: Chart::Gauges { label: 0, value: 1 },
        };
        let gauges = Gauges::new(&section, 50, Lang::En);
        let mut buf = Buffer::empty(Rect::new(0, 0, 50, 3));
        let area = buf.area;
        gauges.rows(&mut buf, area, 0..3, Lang::En);
        let line = |y: u16| -> String { (0..50).map(|x| buf[(x, y)].symbol()).collect() };
        assert!(
            line(0).contains("132.5%") && !line(0).contains('░'),
            "{}",
            line(0)
        );
        assert!(
            line(1).contains('–') && !line(1).contains('█'),
            "{}",
            line(1)
        );
        assert!(!line(2).contains('█'), "{}", line(2));
    }
}
