//! The board's geometry, pure: how many lanes fit across and how wide each is,
//! which window of lanes and of cards keeps the selection in view, how many cards
//! a lane's height holds, and the text lines of one card for its width.

use chrono::NaiveDate;
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use crate::api::report::{short_money, Card};
use crate::model::Lang;

/// A lane is at least this wide (narrower, a card says nothing) …
pub const LANE_MIN: u16 = 24;
/// … and at most this wide (wider lanes would only show blank space).
pub const LANE_MAX: u16 = 30;
/// Rows of a lane's head: the stage, count and Σ amount, Σ weighted, a rule.
pub const HEAD_ROWS: u16 = 4;
/// Rows of a card: company, description, amount and close date, salesperson.
pub const CARD_ROWS: u16 = 4;
/// Rows of the weighted-per-stage bar chart under the lanes (title included).
pub const BAR_ROWS: u16 = 6;
/// The smallest lanes area: a head, one card and the "+N more" line.
pub const MIN_LANE_HEIGHT: u16 = HEAD_ROWS + CARD_ROWS + 1;
/// The smallest area the board draws into: the lanes and its bottom line.
pub const MIN_HEIGHT: u16 = MIN_LANE_HEIGHT + 1;

/// Where the parts of the board go in its area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub lanes: Rect,
    /// The weighted-per-stage bars, when there is room for them.
    pub bars: Option<Rect>,
    /// The line of the filter, the query and the counts.
    pub bottom: Rect,
    /// Lanes side by side, and the width of each.
    pub across: usize,
    pub lane_width: u16,
    /// Cards one lane shows.
    pub down: usize,
}

/// The board's parts in `area`; None when it is too small for one lane.
pub fn geometry(area: Rect) -> Option<Geometry> {
    let across = lanes_across(area.width);
    if across == 0 || area.height < MIN_HEIGHT {
        return None;
    }
    let rest = area.height - 1;
    let (lanes_height, bars) = if rest >= MIN_LANE_HEIGHT + BAR_ROWS {
        let bars = Rect {
            y: area.y + rest - BAR_ROWS,
            height: BAR_ROWS,
            ..area
        };
        (rest - BAR_ROWS, Some(bars))
    } else {
        (rest, None)
    };
    Some(Geometry {
        lanes: Rect {
            height: lanes_height,
            ..area
        },
        bars,
        bottom: Rect {
            y: area.y + rest,
            height: 1,
            ..area
        },
        across,
        lane_width: lane_width(area.width, across),
        down: cards_down(lanes_height),
    })
}

/// The area of the `n`th lane on screen.
pub fn lane_area(g: &Geometry, n: usize) -> Rect {
    let step = u32::from(g.lane_width) + 1;
    let x = u32::from(g.lanes.x) + step * u32::try_from(n).unwrap_or(u32::MAX);
    Rect {
        x: u16::try_from(x).unwrap_or(u16::MAX),
        width: g.lane_width,
        ..g.lanes
    }
}

/// Lanes that fit across `width` (one column between two lanes); 0 when not even
/// one does.
pub fn lanes_across(width: u16) -> usize {
    if width < LANE_MIN {
        return 0;
    }
    usize::from((width + 1) / (LANE_MIN + 1)).max(1)
}

/// The width of each of `across` lanes in `width`.
pub fn lane_width(width: u16, across: usize) -> u16 {
    let across = u16::try_from(across.max(1)).unwrap_or(u16::MAX);
    (width.saturating_sub(across - 1) / across).min(LANE_MAX)
}

/// Cards a lane of `height` rows shows: its head, cards with a blank row between
/// them, and one row kept for "+N more".
pub fn cards_down(height: u16) -> usize {
    usize::from(height.saturating_sub(HEAD_ROWS) / (CARD_ROWS + 1))
}

/// The first item of a window of `page` items over `len` that moves from `top`
/// no further than needed to show `selected`, and leaves no blank at the end.
pub fn window(selected: usize, top: usize, page: usize, len: usize) -> usize {
    let page = page.max(1);
    let mut top = top.min(len.saturating_sub(page));
    if selected < top {
        top = selected;
    } else if selected >= top + page {
        top = selected + 1 - page;
    }
    top
}

/// `text` cut to `width` columns, an ellipsis marking the cut.
pub fn fit(text: &str, width: usize) -> String {
    crate::util::text::fit_width(text, width)
}

/// Whether a card counts as past due: its close date before `today` when the app
/// was given a day (tests, scripted runs), else as the server said.
pub fn past_due(card: &Card, today: Option<NaiveDate>) -> bool {
    match today {
        Some(day) => card.expected_close.is_some_and(|d| d < day),
        None => card.past_due,
    }
}

/// The lines of one card: company, description, amount and close date (`!`
/// before a past-due date), salesperson; each cut to `width`, control
/// characters made visible.
pub fn card_lines(card: &Card, width: usize, lang: Lang, due: bool) -> [String; 4] {
    let safe = |s: &str| fit(&crate::util::safe_text(s), width);
    let company = if card.company.is_empty() {
        card.key.clone()
    } else {
        card.company.clone()
    };
    let amount = card
        .amount
        .map(|m| short_money(m, lang))
        .unwrap_or_default();
    let close = card
        .expected_close
        .map(|d| format!("{}{d}", if due { "! " } else { "" }))
        .unwrap_or_default();
    let gap = width.saturating_sub(amount.width() + close.width()).max(1);
    let who = if card.salesperson.is_empty() {
        card.key.clone()
    } else {
        format!("{} · {}", card.salesperson, card.key)
    };
    [
        safe(&company),
        safe(&card.description),
        fit(&format!("{amount}{}{close}", " ".repeat(gap)), width),
        safe(&who),
    ]
}
