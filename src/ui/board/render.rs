//! Drawing the board from its state: the window of lanes (head, cards, "+N
//! more"), the bar of Σ weighted per stage, and the bottom line with the query,
//! the filter and where the window is. Reads state only; never calls the client.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::layout::{self, fit, Geometry, CARD_ROWS, HEAD_ROWS, MIN_HEIGHT};
use super::{text, BoardView, LANE_MIN};
use crate::api::report::{short_money, short_sums, Lane};
use crate::model::Lang;

/// Rows the app draws around the board (tab line, hint bar, status line).
const APP_ROWS: u16 = 3;

pub(super) fn render(view: &BoardView, frame: &mut Frame, area: Rect, lang: Lang) {
    let area = area.intersection(frame.area());
    if area.width == 0 || area.height == 0 {
        return;
    }
    let Some(g) = layout::geometry(area) else {
        // Wrapped, so that a narrow window still reads all of it.
        let message = text::too_small(lang, LANE_MIN, MIN_HEIGHT + APP_ROWS);
        frame.render_widget(Paragraph::new(message).wrap(Wrap { trim: true }), area);
        return;
    };
    bottom_line(view, frame, &g, lang);
    let Some(board) = &view.board else {
        let message = match &view.error {
            Some(e) => crate::util::safe_text(e),
            None => text::loading(lang).to_string(),
        };
        frame.render_widget(Paragraph::new(message), g.lanes);
        return;
    };
    if board.lanes.is_empty() {
        frame.render_widget(Paragraph::new(text::no_stages(lang)), g.lanes);
        return;
    }
    let last = (view.first_lane + g.across).min(board.lanes.len());
    for (n, l) in (view.first_lane..last).enumerate() {
        let rect = layout::lane_area(&g, n).intersection(area);
        draw_lane(view, frame, rect, l, &g, lang);
        // A rule between two lanes.
        if n + 1 < g.across && rect.right() < area.right() {
            let rule = Rect {
                x: rect.right(),
                width: 1,
                ..rect
            };
            let bar = vec![Line::from("│"); usize::from(rule.height)];
            frame.render_widget(Paragraph::new(bar).style(dim()), rule);
        }
    }
    if let Some(bars) = g.bars {
        draw_bars(view, &board.lanes, frame, bars, lang);
    }
}

fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

fn row(rect: Rect, y: u16) -> Option<Rect> {
    (y < rect.height).then_some(Rect {
        y: rect.y + y,
        height: 1,
        ..rect
    })
}

fn put(frame: &mut Frame, rect: Rect, y: u16, line: Line) {
    if let Some(r) = row(rect, y) {
        frame.render_widget(Paragraph::new(line), r);
    }
}

fn draw_lane(view: &BoardView, frame: &mut Frame, rect: Rect, l: usize, g: &Geometry, lang: Lang) {
    let Some(lane) = view.board.as_ref().and_then(|b| b.lanes.get(l)) else {
        return;
    };
    let width = usize::from(rect.width);
    let selected_lane = l == view.lane;
    let shown = &view.shown[l];
    let head = if lane.description.is_empty() {
        lane.stage.clone()
    } else {
        format!("{} {}", lane.stage, lane.description)
    };
    let head_style = if selected_lane {
        Style::new().fg(Color::Black).bg(Color::Cyan)
    } else {
        Style::new().fg(Color::Cyan)
    }
    .add_modifier(Modifier::BOLD);
    let head = fit(&crate::util::safe_text(&head), width);
    let pad = " ".repeat(width.saturating_sub(head.width()));
    put(
        frame,
        rect,
        0,
        Line::styled(format!("{head}{pad}"), head_style),
    );
    let count = if view.filter.trim().is_empty() {
        lane.count.to_string()
    } else {
        format!("{}/{}", shown.len(), lane.count)
    };
    let sums = format!("{count} · Σ {}", short_sums(&lane.amount, lang));
    put(frame, rect, 1, Line::from(fit(&sums, width)));
    let weighted = format!(
        "Σ {} {}",
        short_sums(&lane.weighted, lang),
        text::weighted(lang)
    );
    put(
        frame,
        rect,
        2,
        Line::from(fit(&weighted, width)).style(dim()),
    );
    let top = view.tops[l];
    let rule = if top > 0 {
        format!("── ↑{top} {}", "─".repeat(width))
    } else {
        "─".repeat(width)
    };
    put(frame, rect, 3, Line::from(fit(&rule, width)).style(dim()));
    if shown.is_empty() {
        put(
            frame,
            rect,
            HEAD_ROWS,
            Line::from(text::none(lang)).style(dim()),
        );
    }
    let visible = shown.len().saturating_sub(top).min(g.down);
    let mut y = HEAD_ROWS;
    for (k, &i) in shown[top..top + visible].iter().enumerate() {
        let card = &lane.cards[i];
        let selected = selected_lane && top + k == view.cards[l];
        let due = layout::past_due(card, view.today);
        // A gutter marks the selected card where colours do not show.
        let inner = width.saturating_sub(1);
        let lines = layout::card_lines(card, inner, lang, due);
        let (gutter, base) = if selected {
            ("▌", Style::new().add_modifier(Modifier::REVERSED))
        } else {
            (" ", Style::new())
        };
        for (n, line) in lines.into_iter().enumerate() {
            let pad = " ".repeat(inner.saturating_sub(line.width()));
            let style = match n {
                0 => base.add_modifier(Modifier::BOLD),
                2 if due => base.fg(Color::Red),
                3 => base.fg(Color::DarkGray),
                _ => base,
            };
            let y = y + u16::try_from(n).unwrap_or(0);
            let line = Line::from(vec![
                Span::styled(gutter, Style::new().fg(Color::Yellow)),
                Span::styled(format!("{line}{pad}"), style),
            ]);
            put(frame, rect, y, line);
        }
        y += CARD_ROWS + 1;
    }
    // Cards below the window, and those the server did not send.
    let unsent = if view.filter.trim().is_empty() {
        usize::try_from(lane.count)
            .unwrap_or(usize::MAX)
            .saturating_sub(lane.cards.len())
    } else {
        0
    };
    let more = shown.len().saturating_sub(top + visible) + unsent;
    if more > 0 {
        let y = y.saturating_sub(1);
        let line = Line::from(fit(&text::more(lang, more), width)).style(dim());
        put(frame, rect, y, line);
    }
}

/// Σ weighted per stage, every stage, the selected one in yellow; a value in
/// its first currency (a `+` says there are more).
fn draw_bars(view: &BoardView, lanes: &[Lane], frame: &mut Frame, area: Rect, lang: Lang) {
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(dim())
        .title(text::bar_title(lang));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let n = u16::try_from(lanes.len()).unwrap_or(u16::MAX).max(1);
    let gap = 1;
    let width = (inner.width.saturating_sub(gap * (n - 1)) / n).clamp(1, 24);
    let bars: Vec<Bar> = lanes
        .iter()
        .enumerate()
        .map(|(i, lane)| {
            let first = lane.weighted.first();
            let units = first.map_or(0, |m| {
                let scale = 10i64.pow(u32::from(m.currency.decimals()));
                u64::try_from(m.cents / scale.max(1)).unwrap_or(0)
            });
            let more = if lane.weighted.currencies() > 1 {
                "+"
            } else {
                ""
            };
            let value = first.map(|m| short_money(m, lang)).unwrap_or_default();
            let color = if i == view.lane {
                Color::Yellow
            } else {
                Color::Cyan
            };
            Bar::default()
                .value(units)
                .text_value(format!("{value}{more}"))
                .label(Line::from(fit(
                    &crate::util::safe_text(&lane.stage),
                    usize::from(width),
                )))
                .style(Style::new().fg(color))
                .value_style(Style::new().fg(Color::Black).bg(color))
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(width)
        .bar_gap(gap);
    frame.render_widget(chart, inner);
}

fn bottom_line(view: &BoardView, frame: &mut Frame, g: &Geometry, lang: Lang) {
    let mut left = vec![Span::styled(
        text::title(lang),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    let q = &view.query_line;
    let query = if q.editing {
        format!("{}{}█", text::query(lang), q.input)
    } else if let Some(b) = view.board.as_ref().filter(|_| !view.query.is_empty()) {
        b.scope_in(lang).to_string()
    } else {
        String::new()
    };
    if !query.is_empty() {
        left.push(Span::raw(format!(" · {}", crate::util::safe_text(&query))));
    }
    if view.query_pending() {
        left.push(Span::raw(format!(" {}", text::query_running(lang))));
    }
    if view.filtering || !view.filter.is_empty() {
        let cursor = if view.filtering { "█" } else { "" };
        let filter = crate::util::safe_text(&view.filter);
        left.push(Span::styled(
            format!("  /{filter}{cursor}"),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(e) = &q.error {
        let e = crate::util::safe_text(e);
        left.push(Span::styled(
            format!("  ✗ {e}"),
            Style::new().fg(Color::Red),
        ));
    }
    let right = match &view.board {
        Some(b) if !b.lanes.is_empty() => {
            let open: u64 = b.lanes.iter().map(|l| l.count).sum();
            let last = (view.first_lane + g.across).min(b.lanes.len());
            let back = if view.first_lane > 0 { "◀ " } else { "" };
            let on = if last < b.lanes.len() { " ▶" } else { "" };
            let shown = text::stages_shown(lang, view.first_lane + 1, last, b.lanes.len());
            format!("{} · {back}{shown}{on}", text::open_count(lang, open))
        }
        _ => String::new(),
    };
    let used: usize = left.iter().map(|s| s.content.width()).sum();
    let width = usize::from(g.bottom.width);
    // The counts go right when they fit beside the rest.
    if used + right.width() < width {
        let gap = width - used - right.width();
        left.push(Span::raw(" ".repeat(gap)));
        left.push(Span::raw(right));
    }
    frame.render_widget(Paragraph::new(Line::from(left)), g.bottom);
}
