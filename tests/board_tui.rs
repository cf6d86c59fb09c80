//! The pipeline board driven headless through the real keymap, as a user would:
//! opened with `b` in the Opportunities mask or `:board`, snapshots at 80×24 and
//! 120×40 in English and German, a card moved with `L` (its stage saved, the
//! history written) over the server and in process, a read-only user refused,
//! `f` narrowing it to one territory, `/` to a company, another session's change
//! showing, and a terminal too small for it.

mod common;

use std::sync::Arc;

use common::harness::{harness, harness_in, Harness, AREA};
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use termcrm::api::local::Local;
use termcrm::api::{Client, Role, Session};
use termcrm::model::{Entity, Lang, Opportunity, Value};
use termcrm::ui::app::App;
use termcrm::ui::keymap::Keymap;

const LARGE: Rect = Rect::new(0, 0, 120, 40);

/// The app on the board over the fixed-seed demo, past due counted from the
/// demo's day so that the screens do not age.
fn on_board(lang: Lang) -> Harness {
    let mut h = harness_in(2000, lang);
    h.app.set_today(termcrm::demo::today());
    h.goto("Opportunities");
    h.keys("b");
    assert!(h.app.board().is_some(), "{}", h.screen());
    h
}

/// The app again over an in-process client of the same store, on the board.
fn in_process(h: &mut Harness, session: Option<Session>) {
    let local = match session {
        Some(s) => Local::with_session(Arc::clone(&h.store), s),
        None => Local::new(Arc::clone(&h.store)),
    };
    h.client = Client::new(Arc::new(local));
    h.app = App::new(h.client.clone(), Keymap::builtin(), Lang::En);
    h.app.settle(AREA);
    h.keys("1:board<ret>");
    assert!(h.app.board().is_some(), "{}", h.screen());
}

fn stage_of(h: &Harness, key: &str) -> String {
    h.store
        .get_as::<Opportunity>(key)
        .unwrap()
        .map(|o| o.stage)
        .unwrap_or_default()
}

fn selected(h: &Harness) -> (String, String) {
    let b = h.app.board().unwrap();
    let key = b.selected_key().expect("a card is selected");
    (key, b.selected_stage().unwrap().to_string())
}

#[test]
fn snapshots_of_the_board_in_english_and_german() {
    for (lang, name) in [(Lang::En, "en"), (Lang::De, "de")] {
        let mut h = on_board(lang);
        let screen = h.screen();
        let weighted = if lang == Lang::En {
            "Σ weighted per stage"
        } else {
            "Σ gewichtet je Phase"
        };
        assert!(screen.contains(weighted), "{screen}");
        assert!(
            screen.contains("PROSPECT") && screen.contains("▶"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("board_{name}"), screen);
        h.app.settle(LARGE);
        insta::assert_snapshot!(format!("board_{name}_120x40"), h.screen_at(LARGE));
        // Scrolled to the last stage, the window follows.
        h.keys("llll");
        insta::assert_snapshot!(format!("board_{name}_last_stage"), h.screen());
    }
}

#[test]
fn b_opens_the_board_only_over_opportunities_and_esc_closes_it() {
    let mut h = harness(2000);
    h.goto("Customers");
    h.keys("b");
    assert!(h.app.board().is_none());
    assert!(
        h.app.status().contains("the board shows opportunities"),
        "{}",
        h.screen()
    );
    // From anywhere by the palette, over the Opportunities mask.
    h.keys(":board<ret>");
    assert!(h.app.board().is_some(), "{}", h.screen());
    assert_eq!(h.app.current_mask().name_en, "Opportunities");
    h.keys("<esc>");
    assert!(h.app.board().is_none());
    assert_eq!(h.app.current_mask().name_en, "Opportunities");
    h.keys("bq");
    assert!(
        h.app.board().is_none() && !h.app.should_quit(),
        "q closes the board"
    );
    // A tab switch and home close it too.
    h.keys("b]");
    assert!(h.app.board().is_none());
    h.keys("[b0");
    assert!(h.app.board().is_none() && h.app.is_home());
}

#[test]
fn enter_opens_the_cards_form_and_esc_comes_back_to_the_board() {
    let mut h = on_board(Lang::En);
    h.keys("lj");
    let (key, _) = selected(&h);
    h.keys("<ret>");
    assert_eq!(
        h.form_key().as_deref(),
        Some(key.as_str()),
        "{}",
        h.screen()
    );
    h.keys("<esc>");
    assert!(h.app.form().is_none());
    assert_eq!(selected(&h).0, key, "{}", h.screen());
    // A stage saved in the form moves the card when the board shows again.
    h.keys("<ret>");
    h.focus("stage");
    let old = h.field("stage");
    let erase = "<bs>".repeat(old.chars().count());
    h.keys(&format!("{erase}CLOSE<c-s><esc>"));
    assert!(h.app.status().contains("saved"), "{}", h.screen());
    assert_eq!(stage_of(&h, &key), "CLOSE");
    assert_eq!(selected(&h), (key, "CLOSE".into()), "{}", h.screen());
}

#[test]
fn help_lists_the_boards_keys() {
    let mut h = on_board(Lang::En);
    h.keys("?");
    let screen = h.screen();
    for text in [
        "Pipeline board",
        "Card to the next stage",
        "Next stage column",
    ] {
        assert!(screen.contains(text), "{text}:\n{screen}");
    }
    h.keys("<esc>");
    assert!(
        h.screen().contains("L Card to the next stage"),
        "the hint bar"
    );
}

/// `L` on the first card of PROPOSAL: the stored stage is NEGOTIATE, with the
/// stage's probability, the history says so, and the card is selected there.
fn move_a_card(h: &mut Harness) {
    h.keys("ll");
    let (key, stage) = selected(h);
    assert_eq!(stage, "PROPOSAL");
    h.keys("L");
    assert_eq!(stage_of(h, &key), "NEGOTIATE", "{}", h.screen());
    let o = h.store.get_as::<Opportunity>(&key).unwrap().unwrap();
    assert_eq!(
        o.probability,
        Some(75),
        "the save rules ran: the stage's probability"
    );
    assert_eq!(
        selected(h),
        (key.clone(), "NEGOTIATE".into()),
        "{}",
        h.screen()
    );
    assert!(
        h.app.status().contains("to NEGOTIATE"),
        "{}",
        h.app.status()
    );
    let history = h.client.history(Opportunity::DEF, &key, Some(5)).unwrap();
    let change = history
        .iter()
        .flat_map(|e| &e.fields)
        .find(|f| f.field == "stage")
        .unwrap_or_else(|| panic!("no stage change in {history:?}"));
    assert_eq!(
        (change.old.as_str(), change.new.as_str()),
        ("PROPOSAL", "NEGOTIATE")
    );
    // And back: H.
    h.keys("H");
    assert_eq!(stage_of(h, &key), "PROPOSAL");
    assert_eq!(selected(h), (key, "PROPOSAL".into()));
}

#[test]
fn l_moves_a_card_to_the_next_stage_over_the_server() {
    let mut h = on_board(Lang::En);
    move_a_card(&mut h);
}

#[test]
fn l_moves_a_card_to_the_next_stage_in_process() {
    let mut h = harness(2000);
    in_process(&mut h, None);
    move_a_card(&mut h);
}

#[test]
fn a_refused_move_says_why_and_changes_nothing() {
    let mut h = harness(2000);
    let viewer = Session {
        uid: 4242,
        user: "viewer".into(),
        salesperson: None,
        role: Role::ReadOnly,
    };
    in_process(&mut h, Some(viewer));
    h.keys("ll");
    let (key, _) = selected(&h);
    let before = h.app.board().unwrap().clone_lanes();
    h.keys("L");
    assert_eq!(stage_of(&h, &key), "PROPOSAL");
    assert!(!h.app.status().is_empty() && !h.app.status().contains("moved"));
    assert_eq!(h.app.board().unwrap().clone_lanes(), before);
    // The ends of the board: nothing before the first stage.
    h.keys("hhhhH");
    assert!(
        h.app.status().contains("first stage already"),
        "{}",
        h.app.status()
    );
}

#[test]
fn f_narrows_the_board_to_one_territory_and_a_bad_query_keeps_it() {
    let mut h = on_board(Lang::En);
    let all: u64 = lane_counts(&h).iter().sum();
    h.keys("fterritory:NORD<ret>");
    let b = h.app.board().unwrap();
    assert_eq!(b.query(), "territory:NORD", "{}", h.screen());
    let nord: u64 = lane_counts(&h).iter().sum();
    assert!(0 < nord && nord < all, "{nord} of {all}");
    for lane in &h.app.board().unwrap().board().unwrap().lanes {
        for card in &lane.cards {
            let o = h.store.get_as::<Opportunity>(&card.key).unwrap().unwrap();
            assert_eq!(o.territory, "NORD", "{}", card.key);
        }
    }
    // Every open opportunity of NORD is counted.
    let expected = h
        .client
        .query_keys(Opportunity::DEF, "territory:NORD status:OPEN")
        .unwrap()
        .len() as u64;
    assert_eq!(nord, expected);
    let screen = h.screen();
    assert!(screen.contains("query territory:NORD"), "{screen}");
    insta::assert_snapshot!("board_territory_nord", screen);
    // A query that does not parse: the server's message, the same board.
    h.keys("f<c-l>nosuchfield:1<ret>");
    assert!(
        h.app.board().unwrap().query_error().is_some(),
        "{}",
        h.screen()
    );
    assert!(h.screen().contains("✗"), "{}", h.screen());
    assert_eq!(h.app.board().unwrap().query(), "territory:NORD");
    assert_eq!(lane_counts(&h).iter().sum::<u64>(), nord);
    // Esc closes the line; ctrl-l shows every opportunity again.
    h.keys("<esc><c-l>");
    assert_eq!(lane_counts(&h).iter().sum::<u64>(), all);
}

#[test]
fn slash_filters_the_cards_by_company() {
    let mut h = on_board(Lang::En);
    let company = {
        let b = h.app.board().unwrap().board().unwrap();
        b.lanes[1].cards[0].company.clone()
    };
    let word = company.split_whitespace().next().unwrap().to_lowercase();
    h.keys(&format!("/{word}"));
    assert!(h.screen().contains(&format!("/{word}█")), "{}", h.screen());
    h.keys("<ret>");
    let view = h.app.board().unwrap();
    let b = view.board().unwrap();
    let (key, _) = selected(&h);
    let card = b
        .lanes
        .iter()
        .flat_map(|l| &l.cards)
        .find(|c| c.key == key)
        .unwrap();
    assert!(card.company.to_lowercase().contains(&word), "{card:?}");
    // Lanes say how many of their cards show.
    assert!(
        h.screen().contains(&format!("/{}", b.lanes[1].count)),
        "{}",
        h.screen()
    );
    h.keys("/<esc>");
    assert_eq!(h.app.board().unwrap().filter(), "");
}

#[test]
fn another_sessions_move_shows_on_the_board() {
    if std::env::var_os("CRM_TEST_LOCAL").is_some() {
        eprintln!("note: skipped: live changes need the server");
        return;
    }
    let mut h = on_board(Lang::En);
    h.keys("ll");
    let (key, _) = selected(&h);
    let (rev, record) = h.client.fetch_rev(Opportunity::DEF, &key).unwrap();
    let mut changed = record.clone();
    let stage = Opportunity::DEF.field_index("stage").unwrap();
    changed.set(stage, Value::Text("CLOSE".into())).unwrap();
    h.client
        .save_on(changed, false, Some((rev, Some(record))))
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    loop {
        h.app.settle(AREA);
        let b = h.app.board().unwrap().board().unwrap();
        if b.lanes[4].cards.iter().any(|c| c.key == key) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{}", h.screen());
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(selected(&h), (key, "CLOSE".into()), "the card is followed");
}

#[test]
fn a_terminal_too_small_for_the_board_says_so() {
    let mut h = on_board(Lang::En);
    for (w, hgt, says) in [
        (23, 24, "the board needs"),
        (80, 12, "the board needs"),
        (24, 13, "Pipeline board"),
        (19, 30, "termcrm needs a larger window"),
        (1, 1, ""),
    ] {
        let area = Rect::new(0, 0, w, hgt);
        h.app.settle(area);
        h.keys("lljL");
        let mut terminal = Terminal::new(TestBackend::new(w, hgt)).unwrap();
        terminal.draw(|f| h.app.render(f)).unwrap();
        let screen = h.screen_at(area);
        let text = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(says), "{w}×{hgt}:\n{screen}");
    }
}

fn lane_counts(h: &Harness) -> Vec<u64> {
    let b = h.app.board().unwrap().board().unwrap();
    b.lanes.iter().map(|l| l.count).collect()
}

/// What a refused move must leave as it was.
trait Lanes {
    fn clone_lanes(&self) -> Vec<(String, Vec<String>)>;
}

impl Lanes for termcrm::ui::board::BoardView {
    fn clone_lanes(&self) -> Vec<(String, Vec<String>)> {
        self.board()
            .map(|b| {
                b.lanes
                    .iter()
                    .map(|l| {
                        (
                            l.stage.clone(),
                            l.cards.iter().map(|c| c.key.clone()).collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}
