//! The find popup, driven by keys like a user: ctrl-f (f3) opens it, typing refreshes
//! the best 20 records of any entity, Enter opens the chosen one in its mask.

use std::sync::Arc;

use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use termcrm::model::{Customer, Entity, Interaction, Lang};
use termcrm::store::Store;
use termcrm::ui::action::Context;
use termcrm::ui::app::App;
use termcrm::ui::keymap::Keymap;
use termcrm::ui::keys;

const AREA: Rect = Rect::new(0, 0, 80, 24);

struct Harness {
    dir: tempfile::TempDir,
    store: Arc<Store>,
    app: App,
}

/// The app as it opens: on the home pane (alerts).
fn harness_at_home(keymap: Keymap, lang: Lang) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .bulk_insert(termcrm::demo::generate(1_500, 1), |_| {})
        .unwrap();
    let store = Arc::new(store);
    let mut app = App::new(Arc::clone(&store), keymap, lang);
    app.settle(AREA);
    Harness { dir, store, app }
}

/// The app on its first tab, as the other key-macro tests start.
fn harness(keymap: Keymap, lang: Lang) -> Harness {
    let mut h = harness_at_home(keymap, lang);
    assert!(h.app.is_home());
    h.keys("1");
    h
}

impl Harness {
    fn keys(&mut self, text: &str) {
        for key in keys::parse(text).unwrap() {
            self.app.handle_key(key);
            self.app.settle(AREA);
        }
    }

    fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(AREA.width, AREA.height)).unwrap();
        terminal.draw(|f| self.app.render(f)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out.replace(&self.dir.path().display().to_string(), "<db>")
    }

    fn form_key(&self) -> Option<String> {
        self.app.form().and_then(|f| f.key()).map(str::to_string)
    }

    fn nth_customer(&self, n: usize) -> Customer {
        let r = self.store.scan(Customer::DEF).nth(n).unwrap().unwrap();
        r.downcast_ref::<Customer>().unwrap().clone()
    }
}

#[test]
fn ctrl_f_finds_a_customer_by_name_and_enter_opens_it_in_its_mask() {
    let mut h = harness(Keymap::builtin(), Lang::En);
    let c = h.nth_customer(3);
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
    let mut h = harness_at_home(Keymap::builtin(), Lang::En);
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
