//! Key-macro tests of names beside keys and tables that use the screen: the
//! Opportunities mask reads description, company, stage, amount and close date
//! at 80×24, references show names (forms the key and the name), money and
//! dates follow the user's language, the column chooser (`c`, `:columns`) adds,
//! removes, reorders and keeps the columns per mask, and `s` sorts by a picked
//! column with the cursor on top.

mod common;

use common::harness::{harness, harness_in, AREA};
use termcrm::model::{Entity, Lang, Money, Opportunity, Prospect};
use termcrm::ui::action::Context;
use termcrm::ui::app::App;
use termcrm::ui::component::Component;
use termcrm::ui::keymap::Keymap;

/// The second line of the screen: the table's headings.
fn headings(screen: &str) -> String {
    screen.lines().nth(1).unwrap_or_default().to_string()
}

#[test]
fn opportunities_show_company_stage_amount_and_close_at_80_columns() {
    let mut h = harness(2000);
    h.goto("Opportunities");
    let screen = h.screen();
    let head = headings(&screen);
    for label in [
        "Description",
        "Company",
        "Stage",
        "Projected amo",
        "Expected",
    ] {
        assert!(head.contains(label), "{label}: {screen}");
    }
    // Names, not keys: the first row's company is its customer's or prospect's name.
    let key = h.app.table().selected_key().unwrap();
    let opp = h.store.get_as::<Opportunity>(&key).unwrap().unwrap();
    let company = if opp.customer.is_empty() {
        h.store
            .get_as::<Prospect>(&opp.prospect)
            .unwrap()
            .unwrap()
            .name
    } else {
        let c = h
            .store
            .get_as::<termcrm::model::Customer>(&opp.customer)
            .unwrap()
            .unwrap();
        c.name
    };
    let row = screen.lines().nth(2).unwrap();
    let start: String = company.chars().take(10).collect();
    assert!(row.contains(&start), "{company}: {screen}");
    assert!(
        !screen.contains("CUS0") && !screen.contains("PRO0"),
        "{screen}"
    );
    // Money with thousands separators; a cut text ends with an ellipsis.
    assert!(
        screen.contains(",") && screen.contains(".00 EUR"),
        "{screen}"
    );
    assert!(screen.contains('…'), "{screen}");
    // `/` finds a row by its company's name.
    h.keys(&format!("/{}<ret>", start.to_lowercase()));
    assert!(h.app.table().position().1 >= 1, "{}", h.screen());
}

#[test]
fn german_money_and_dates_in_the_table_and_a_form_that_saves_what_it_shows() {
    let mut h = harness_in(300, Lang::De);
    h.goto("Opportunities");
    let key = h.app.table().selected_key().unwrap();
    let mut opp = h.store.get_as::<Opportunity>(&key).unwrap().unwrap();
    opp.amount = Some(Money::eur(21_638_000_000));
    opp.expected_close = chrono::NaiveDate::from_ymd_opt(2026, 12, 31);
    h.client.save(Box::new(opp), false).unwrap();
    // The change comes back through the feed.
    let t = std::time::Instant::now();
    while !h.screen().contains("216.380.000,00 €") && t.elapsed().as_secs() < 5 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.app.prepare(AREA);
    }
    h.keys("<home>");
    let screen = h.screen();
    assert!(screen.contains("216.380.000,00 €"), "{screen}");
    assert!(screen.contains("31.12.2026"), "{screen}");
    h.keys("<ret>");
    assert_eq!(h.field("amount"), "216.380.000,00 €");
    assert_eq!(h.field("expected_close"), "31.12.2026");
    // Saved unchanged but for the description, the amount and date stay exact.
    h.focus("description");
    h.keys("X<c-s>");
    let saved = h.store.get_as::<Opportunity>(&key).unwrap().unwrap();
    assert_eq!(saved.amount, Some(Money::eur(21_638_000_000)));
    assert_eq!(
        saved.expected_close,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 31)
    );
}

#[test]
fn a_reference_field_shows_the_key_and_the_name_also_after_a_pick() {
    let mut h = harness(300);
    h.goto("Opportunities");
    h.keys("n");
    h.focus("territory");
    h.keys("<c-o>bayern<ret>");
    assert_eq!(h.field("territory"), "BAYERN");
    let screen = h.screen();
    assert!(screen.contains("BAYERN — Bayern"), "{screen}");
    // Typing another key: the name of the old one goes.
    h.keys("<bs>");
    assert!(!h.screen().contains("— Bayern"), "{}", h.screen());
}

#[test]
fn the_column_chooser_adds_removes_reorders_and_keeps_the_columns() {
    let mut h = harness(300);
    let file = h.dir.path().join("config").join("columns.toml");
    let start = |h: &mut common::harness::Harness| {
        h.app = App::new(h.client.clone(), Keymap::builtin(), Lang::En)
            .with_column_file(Some(file.clone()));
        h.app.settle(AREA);
        h.goto("Opportunities");
    };
    start(&mut h);
    h.keys("c");
    assert_eq!(h.app.table().context(), Context::Columns);
    let screen = h.screen();
    assert!(screen.contains("[x] Description"), "{screen}");
    assert!(screen.contains("[ ] Customer key"), "{screen}");
    // Hide the description, move the company up to the first place.
    h.keys("<space>jK");
    // Show the key (the first column not shown): it is pinned left.
    for _ in 0..7 {
        h.keys("j");
    }
    h.keys("<space><ret>");
    assert_eq!(h.app.table().context(), Context::Table);
    let chosen = "key,customer|prospect,stage,amount,expected_close,salesperson,status";
    assert_eq!(h.app.table().columns_text(), chosen);
    assert!(h.app.status().contains("kept"), "{}", h.app.status());
    let head = headings(&h.screen());
    assert!(
        head.starts_with("Key") && head.contains(" Company "),
        "{head}"
    );
    // Kept in the user's file, read again at the next start.
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(kept.contains("Opportunities"), "{kept}");
    start(&mut h);
    assert_eq!(h.app.table().columns_text(), chosen);
    // `:columns A,B` shows those; `r` in the chooser goes back to the defaults.
    h.keys(":columns key,description,customer.key<ret>");
    assert_eq!(h.app.table().columns_text(), "key,description,customer.key");
    let head = headings(&h.screen());
    assert!(
        head.starts_with("Key") && head.contains("Customer key"),
        "{head}"
    );
    h.keys(":columns stge<ret>");
    assert!(
        h.app.status().contains("stage"),
        "did you mean: {}",
        h.app.status()
    );
    h.keys("cr<ret>");
    let def = Opportunity::DEF;
    let defaults: Vec<String> = termcrm::model::columns::defaults(def)
        .iter()
        .map(|c| c.name(def))
        .collect();
    assert_eq!(h.app.table().columns_text(), defaults.join(","));
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(!kept.contains("Opportunities"), "{kept}");
    // Esc closes the chooser without a change.
    h.keys("c<space><esc>");
    assert_eq!(h.app.table().columns_text(), defaults.join(","));
}

#[test]
fn s_and_a_letter_sort_by_that_column_and_the_cursor_goes_to_the_top() {
    let mut h = harness(2000);
    h.goto("Opportunities");
    h.keys("jjj");
    h.keys("s");
    assert_eq!(h.app.table().context(), Context::Sort);
    let screen = h.screen();
    assert!(
        screen.contains("a  Key ▲") && screen.contains("e  Projected amount"),
        "{screen}"
    );
    // e: the amount (a is the key, b the description, c the company, d the stage).
    h.keys("e");
    assert_eq!(h.app.table().context(), Context::Table);
    assert_eq!(h.app.table().position().0, 1, "the cursor is on top");
    let amounts = |h: &common::harness::Harness| -> Vec<i64> {
        h.app
            .table()
            .shown_keys()
            .iter()
            .map(|k| {
                let o = h.store.get_as::<Opportunity>(k).unwrap().unwrap();
                o.amount.map_or(-1, |m| m.cents)
            })
            .collect()
    };
    let up = amounts(&h);
    assert!(up.windows(2).all(|w| w[0] <= w[1]), "ascending");
    assert!(headings(&h.screen()).contains('▲'), "{}", h.screen());
    // Upper case: descending; S reverses again.
    h.keys("jjsE");
    let down = amounts(&h);
    assert!(down.windows(2).all(|w| w[0] >= w[1]), "descending");
    assert_eq!(h.app.table().position().0, 1);
    assert!(headings(&h.screen()).contains('▼'), "{}", h.screen());
    h.keys("S");
    assert_eq!(amounts(&h), up);
    // The date sorts as a date, in German too.
    let mut de = harness_in(2000, Lang::De);
    de.goto("Opportunities");
    de.keys("sf");
    let dates: Vec<_> = de
        .app
        .table()
        .shown_keys()
        .iter()
        .filter_map(|k| {
            de.store
                .get_as::<Opportunity>(k)
                .unwrap()
                .unwrap()
                .expected_close
        })
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "by date, not by text"
    );
    // Esc closes the menu, nothing sorted.
    de.keys("s<esc>");
    assert_eq!(de.app.table().context(), Context::Table);
}
