//! The find popup, driven by keys like a user: ctrl-f (f3) opens it, typing refreshes
//! the best 20 records of any entity, Enter opens the chosen one in its mask.

mod common;

use common::harness::{harness_at_home, harness_with, Harness};
use termcrm::model::{Customer, Entity, Interaction, Lang};
use termcrm::ui::action::Context;
use termcrm::ui::keymap::Keymap;

/// Demo records every test here starts with.
const RECORDS: usize = 1_500;

fn harness(keymap: Keymap, lang: Lang) -> Harness {
    harness_with(RECORDS, keymap, lang)
}

fn nth_customer(h: &Harness, n: usize) -> Customer {
    let r = h.store.scan(Customer::DEF).nth(n).unwrap().unwrap();
    r.downcast_ref::<Customer>().unwrap().clone()
}

#[test]
fn ctrl_f_finds_a_customer_by_name_and_enter_opens_it_in_its_mask() {
    let mut h = harness(Keymap::builtin(), Lang::En);
    let c = nth_customer(&h, 3);
    assert_eq!(h.app.current_mask().name_en, "Campaigns");
    h.keys("<c-f>");
    assert_eq!(h.app.popup_context(), Some(Context::Palette));
    assert!(
        h.screen().contains("type a name, company"),
        "{}",
        h.screen()
    );
    h.keys(&c.name);
    let screen = h.screen();
    assert!(screen.contains(&c.key), "{screen}");
    // The customer is among the hits; move to it and open it.
    let hits: Vec<String> = h
        .store
        .find(&c.name, 20)
        .unwrap()
        .into_iter()
        .map(|h| h.key)
        .collect();
    let at = hits.iter().position(|k| *k == c.key).unwrap();
    h.keys(&"<down>".repeat(at));
    h.keys("<ret>");
    assert_eq!(h.app.popup_context(), None);
    assert_eq!(h.app.current_mask().name_en, "Customers");
    assert_eq!(h.form_key(), Some(c.key.clone()), "{}", h.screen());
    // Esc goes back to the customers' table.
    h.keys("<esc>");
    assert_eq!(h.app.form_depth(), 0);
    assert_eq!(h.app.current_mask().name_en, "Customers");
}

#[test]
fn f3_finds_by_key_shorthand_and_esc_closes_without_opening() {
    let mut h = harness(Keymap::builtin(), Lang::En);
    h.keys("<f3>opp7");
    assert!(h.screen().contains("OPP0000007"), "{}", h.screen());
    h.keys("<esc>");
    assert_eq!(h.app.popup_context(), None);
    assert_eq!(h.app.form_depth(), 0);
    assert_eq!(h.app.current_mask().name_en, "Campaigns");

    h.keys("<f3>zzqxv");
    assert!(h.screen().contains("no matches"), "{}", h.screen());
    h.keys("<ret>");
    assert_eq!(
        h.app.popup_context(),
        Some(Context::Palette),
        "nothing to open"
    );
    h.keys("<c-u>opp7<ret>");
    assert_eq!(h.app.current_mask().name_en, "Opportunities");
    assert_eq!(h.form_key().as_deref(), Some("OPP0000007"));
}

#[test]
fn an_interaction_opens_in_the_mask_of_its_subject() {
    let mut h = harness(Keymap::builtin(), Lang::En);
    let interaction = h
        .store
        .scan(Interaction::DEF)
        .map(|r| r.unwrap())
        .find(|r| !r.value("customer").is_empty())
        .unwrap();
    let key = interaction.key().to_string();
    h.keys(&format!("<c-f>{key}<ret>"));
    assert_eq!(
        h.form_key().as_deref(),
        Some(key.as_str()),
        "{}",
        h.screen()
    );
    assert_eq!(h.app.current_mask().only_with, Some("customer"));
}

#[test]
fn a_changed_form_is_not_left_without_asking() {
    let mut h = harness(Keymap::builtin(), Lang::En);
    h.keys(":Territories<ret>n");
    h.keys("NEU");
    assert!(h.app.form().is_some_and(|f| f.is_dirty()));
    h.keys("<c-f>opp7<ret>");
    assert_eq!(
        h.app.popup_context(),
        Some(Context::Confirm),
        "{}",
        h.screen()
    );
    h.keys("y");
    assert_eq!(h.form_key().as_deref(), Some("OPP0000007"));
    assert_eq!(h.app.form_depth(), 1);
}

#[test]
fn find_opens_from_the_home_pane_and_enter_leaves_it_for_the_record() {
    let mut h = harness_at_home(RECORDS, Keymap::builtin(), Lang::En);
    h.keys("<c-f>opp7");
    assert!(h.screen().contains("OPP0000007"), "{}", h.screen());
    h.keys("<ret>");
    assert!(!h.app.is_home(), "{}", h.screen());
    assert_eq!(h.app.current_mask().name_en, "Opportunities");
    assert_eq!(h.form_key().as_deref(), Some("OPP0000007"));
}

#[test]
fn every_keymap_opens_find_with_f3() {
    for name in ["vim", "emacs"] {
        let keymap = Keymap::load(name, None).unwrap();
        let mut h = harness(keymap, Lang::En);
        h.keys("<f3>opp7<ret>");
        assert_eq!(h.form_key().as_deref(), Some("OPP0000007"), "{name}");
    }
}

#[test]
fn snapshot_of_the_find_popup() {
    let mut h = harness(Keymap::builtin(), Lang::En);
    h.keys("<c-f>müller");
    insta::assert_snapshot!("find_popup", h.screen());
    // The last of 20 hits scrolls into view.
    h.keys(&"<down>".repeat(19));
    let last = h.store.find("müller", 20).unwrap().pop().unwrap();
    assert!(h.screen().contains(&last.key), "{}", h.screen());
    let mut h = harness(Keymap::builtin(), Lang::De);
    h.keys("<f3>");
    insta::assert_snapshot!("find_popup_empty_german", h.screen());
}
