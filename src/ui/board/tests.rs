use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;

use super::layout::{self, card_lines, cards_down, fit, geometry, lanes_across, window};
use super::*;
use crate::api::report::{Lane, Sums};
use crate::model::Money;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn card(key: &str, company: &str, close: Option<NaiveDate>) -> Card {
    Card {
        key: key.into(),
        company: company.into(),
        description: format!("about {key}"),
        amount: Some(Money::eur(1_250_000)),
        expected_close: close,
        salesperson: "ANNA".into(),
        past_due: false,
    }
}

fn lane(stage: &str, cards: Vec<Card>, count: u64) -> Lane {
    let mut amount = Sums::default();
    amount.add(Money::eur(100_000_000)).unwrap();
    Lane {
        stage: stage.into(),
        description: format!("{stage} stage"),
        count,
        amount: amount.clone(),
        weighted: amount,
        cards,
    }
}

/// Five lanes; the first has 12 cards of which the server sent 10.
fn board() -> Board {
    let first: Vec<Card> = (1..=10)
        .map(|i| {
            card(
                &format!("OPP{i:07}"),
                &format!("Firm {i}"),
                Some(day(12, i)),
            )
        })
        .collect();
    Board {
        scope: "all records".into(),
        scope_de: "alle Datensätze".into(),
        lanes: vec![
            lane("PROSPECT", first, 12),
            lane("QUALIFY", vec![card("OPP0000011", "Acme", None)], 1),
            lane("PROPOSAL", Vec::new(), 0),
            lane(
                "NEGOTIATE",
                vec![card("OPP0000012", "Zeta", Some(day(11, 2)))],
                1,
            ),
            lane("CLOSE", Vec::new(), 0),
        ],
    }
}

fn view(area: Rect) -> BoardView {
    let mut v = BoardView::new(Some(day(11, 20)));
    let g = geometry(area).unwrap();
    v.across = g.across;
    v.down = g.down;
    v.needs_load = false;
    v.take(board());
    v
}

fn draw(v: &BoardView, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| v.render(f, f.area(), Lang::En)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..height {
        for x in 0..width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn lanes_fit_across_the_width_with_a_rule_between() {
    assert_eq!(lanes_across(23), 0, "narrower than one lane");
    assert_eq!(lanes_across(24), 1);
    assert_eq!(lanes_across(49), 2);
    assert_eq!(lanes_across(80), 3);
    assert_eq!(lanes_across(120), 4);
    assert_eq!(layout::lane_width(80, 3), 26);
    assert_eq!(layout::lane_width(120, 4), 29);
    assert_eq!(
        layout::lane_width(40, 1),
        layout::LANE_MAX,
        "no wider than useful"
    );
}

#[test]
fn the_window_moves_no_further_than_the_selection_needs() {
    // Five lanes, three shown.
    assert_eq!(window(0, 0, 3, 5), 0);
    assert_eq!(window(2, 0, 3, 5), 0);
    assert_eq!(window(3, 0, 3, 5), 1);
    assert_eq!(window(4, 1, 3, 5), 2);
    assert_eq!(
        window(3, 2, 3, 5),
        2,
        "moving back inside the window keeps it"
    );
    assert_eq!(window(1, 2, 3, 5), 1);
    // No blank at the end: fewer items than before fill the window again.
    assert_eq!(window(1, 4, 3, 5), 1);
    assert_eq!(window(0, 3, 3, 2), 0);
    assert_eq!(window(0, 0, 0, 0), 0, "an empty list and no room");
}

#[test]
fn the_area_holds_lanes_bars_and_the_bottom_line() {
    // 80×24 less the tab line, hint bar and status line.
    let g = geometry(Rect::new(0, 1, 80, 21)).unwrap();
    assert_eq!((g.across, g.lane_width, g.down), (3, 26, 2));
    assert_eq!(g.lanes, Rect::new(0, 1, 80, 14));
    assert_eq!(g.bars, Some(Rect::new(0, 15, 80, layout::BAR_ROWS)));
    assert_eq!(g.bottom, Rect::new(0, 21, 80, 1));
    let g = geometry(Rect::new(0, 1, 120, 37)).unwrap();
    assert_eq!((g.across, g.down), (4, 5));
    // Too low for the bars: the lanes keep the room.
    let g = geometry(Rect::new(0, 0, 60, 12)).unwrap();
    assert_eq!((g.bars, g.lanes.height, g.down), (None, 11, 1));
    assert_eq!(geometry(Rect::new(0, 0, 23, 30)), None, "too narrow");
    assert_eq!(
        geometry(Rect::new(0, 0, 80, MIN_HEIGHT - 1)),
        None,
        "too low"
    );
    assert_eq!(cards_down(layout::MIN_LANE_HEIGHT), 1);
    assert_eq!(layout::lane_area(&g, 1).x, g.lane_width + 1);
}

#[test]
fn a_card_is_four_lines_cut_to_its_width_and_marks_past_due() {
    let mut c = card(
        "OPP0000001",
        "Hartmann Verpackungstechnik GmbH",
        Some(day(10, 18)),
    );
    let lines = card_lines(&c, 24, Lang::En, true);
    assert_eq!(lines[0], "Hartmann Verpackungstec…");
    assert_eq!(lines[1], "about OPP0000001");
    assert_eq!(lines[2], "12k €       ! 2026-10-18");
    assert_eq!(lines[3], "ANNA · OPP0000001");
    let de = card_lines(&c, 24, Lang::De, false);
    assert_eq!(de[2], "12 Tsd. €     2026-10-18");
    // No company: the key; control characters are shown, not sent.
    c.company.clear();
    c.description = "line\u{1b}[2Jone".into();
    c.salesperson.clear();
    let lines = card_lines(&c, 24, Lang::En, false);
    assert_eq!(lines[0], "OPP0000001");
    assert!(!lines[1].contains('\u{1b}'), "{}", lines[1]);
    assert_eq!(lines[3], "OPP0000001");
    for l in card_lines(&c, 3, Lang::En, true) {
        assert!(
            unicode_width::UnicodeWidthStr::width(l.as_str()) <= 3,
            "{l}"
        );
    }
    assert_eq!(fit("abc", 0), "");
}

#[test]
fn past_due_counts_from_the_given_day_else_as_the_server_said() {
    let mut c = card("OPP1", "A", Some(day(11, 19)));
    assert!(layout::past_due(&c, Some(day(11, 20))));
    assert!(!layout::past_due(&c, Some(day(11, 19))));
    assert!(!layout::past_due(&c, None));
    c.past_due = true;
    assert!(layout::past_due(&c, None));
    c.expected_close = None;
    assert!(!layout::past_due(&c, Some(day(11, 20))));
}

#[test]
fn moving_between_lanes_and_cards_keeps_the_selection_in_view() {
    let mut v = view(Rect::new(0, 0, 80, 21));
    assert_eq!(v.selected_key().as_deref(), Some("OPP0000001"));
    v.step_card(3);
    assert_eq!(v.selected_key().as_deref(), Some("OPP0000004"));
    assert_eq!(v.tops[0], 2, "two cards fit: the window follows");
    assert_eq!(v.position(), (4, 10));
    v.step_lane(3);
    assert_eq!(v.selected_stage(), Some("NEGOTIATE"));
    assert_eq!(v.first_lane(), 1);
    v.step_lane(5);
    assert_eq!(v.selected_stage(), Some("CLOSE"));
    assert_eq!(v.first_lane(), 2);
    assert_eq!(v.selected_card(), None, "an empty lane");
    assert_eq!(v.position(), (0, 0));
    v.step_lane(-4);
    assert_eq!(
        v.selected_key().as_deref(),
        Some("OPP0000004"),
        "each lane keeps its card"
    );
    assert_eq!(v.first_lane(), 0);
    v.step_card(isize::MAX);
    assert_eq!(v.selected_key().as_deref(), Some("OPP0000010"));
}

#[test]
fn slash_narrows_every_lane_and_keeps_the_card_where_it_can() {
    let mut v = view(Rect::new(0, 0, 80, 21));
    v.set_filter("firm 1".into());
    // "Firm 1" and "Firm 10".
    assert_eq!(v.shown[0], vec![0, 9]);
    assert!(v.shown[1].is_empty() && v.shown[3].is_empty());
    v.set_filter("ZETA".into());
    assert_eq!(v.shown[3], vec![0]);
    // Nothing left in the selected lane: the first lane with a card.
    assert_eq!(v.selected_key().as_deref(), Some("OPP0000012"));
    v.set_filter("anna".into());
    assert_eq!(
        v.selected_key().as_deref(),
        Some("OPP0000012"),
        "by salesperson too, and the selection stays"
    );
    assert_eq!(v.shown[0].len(), 10);
}

#[test]
fn a_new_board_selects_the_kept_card_in_its_new_lane() {
    let mut v = view(Rect::new(0, 0, 80, 21));
    v.step_card(1);
    let moving = v.selected_card().cloned().unwrap();
    v.relocate(&moving, 0, 1);
    assert_eq!(v.selected_stage(), Some("QUALIFY"));
    assert_eq!(v.selected_key().as_deref(), Some("OPP0000002"));
    let b = v.board().unwrap();
    assert_eq!((b.lanes[0].count, b.lanes[1].count), (11, 2));
    // By close date: the dated card before the one without.
    assert_eq!(b.lanes[1].cards[0].key, "OPP0000002");
    // The server's next board has it elsewhere: it is followed there.
    let mut next = board();
    let c = next.lanes[0].cards.remove(1);
    next.lanes[4].cards.push(c);
    v.take(next);
    assert_eq!(v.selected_stage(), Some("CLOSE"));
    assert_eq!(v.first_lane(), 2);
}

#[test]
fn the_board_draws_heads_cards_more_and_bars() {
    let v = view(Rect::new(0, 0, 80, 21));
    let screen = draw(&v, 80, 21);
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[0].starts_with("PROSPECT PROSPECT stage"), "{screen}");
    assert!(lines[1].starts_with("12 · Σ 1.0M €"), "{screen}");
    assert!(
        lines[4].starts_with("▌Firm 1 "),
        "the selected card: {screen}"
    );
    assert!(
        screen.contains("+10 more — filter with f"),
        "8 below, 2 unsent: {screen}"
    );
    assert!(screen.contains("(no cards)"), "{screen}");
    assert!(screen.contains("Σ weighted per stage"), "{screen}");
    assert!(
        lines[20].contains("14 open · stages 1–3 of 5 ▶"),
        "{screen}"
    );
    // The past-due card is marked.
    let mut v = view(Rect::new(0, 0, 80, 21));
    v.step_lane(3);
    assert!(draw(&v, 80, 21).contains("! 2026-11-02"));
}

#[test]
fn too_small_an_area_gets_one_line_and_no_panic() {
    let v = view(Rect::new(0, 0, 80, 21));
    let screen = draw(&v, 23, 12);
    let text = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.starts_with("the board needs at least 24×13 characters: enlarge the window"),
        "{screen}"
    );
    for (w, h) in [(1, 1), (24, MIN_HEIGHT - 1), (24, MIN_HEIGHT), (200, 60)] {
        draw(&v, w, h);
    }
    let empty = BoardView::new(None);
    assert!(draw(&empty, 80, 21).contains("loading the board…"));
}
