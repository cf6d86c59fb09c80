//! Two TUI sessions on one server, driven headless through the real keymap: a
//! change made in one shows in the other's table and form as it happens; saves made
//! on an older revision merge by field or offer the choice; a record deleted under
//! an open form can be saved as new; `u` takes a change back; the form's History
//! list shows what changed. (These need the server's change feed: with
//! `CRM_TEST_LOCAL` they are skipped.)

mod common;

use std::time::{Duration, Instant};

use common::harness::{harness, Harness, AREA};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use termcrm::api::remote::{Remote, Target};
use termcrm::model::{Entity, Lang, Opportunity};
use termcrm::ui::app::App;
use termcrm::ui::keymap::Keymap;
use termcrm::ui::keys;

/// A second user's session: the app over its own connection to the harness's server.
struct Other {
    app: App,
}

impl Other {
    fn of(h: &Harness) -> Option<Other> {
        if std::env::var_os("CRM_TEST_LOCAL").is_some() {
            eprintln!("note: skipped: two live sessions need the server");
            return None;
        }
        let client = Remote::client(Target::Local(h.dir.path().join("db"))).unwrap();
        let mut app = App::new(client, Keymap::builtin(), Lang::En);
        app.settle(AREA);
        Some(Other { app })
    }

    fn keys(&mut self, text: &str) {
        for key in keys::parse(text).unwrap() {
            self.app.handle_key(key);
            self.app.settle(AREA);
        }
    }

    fn screen(&self) -> String {
        render(&self.app)
    }

    /// Frames until `text` shows (the feed is asynchronous), at most 3 s; the time.
    fn wait_for(&mut self, text: &str) -> Duration {
        let started = Instant::now();
        loop {
            self.app.prepare(AREA);
            if self.screen().contains(text) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "'{text}' never showed:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

impl Other {
    /// Frames until `done` holds, at most 3 s.
    fn wait_until(&mut self, done: impl Fn(&App) -> bool) {
        let started = Instant::now();
        while !done(&self.app) {
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "{}",
                self.screen()
            );
            self.app.prepare(AREA);
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(AREA.width, AREA.height)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn stored(h: &Harness, key: &str) -> Opportunity {
    h.store.fetch_as::<Opportunity>(key).unwrap()
}

/// Sets a field's text as a user would: to its end, back over it, type anew.
fn retype(h: &mut Harness, field: &str, text: &str) {
    h.focus(field);
    h.keys("<end>");
    for _ in 0..h.field(field).chars().count() {
        h.keys("<bs>");
    }
    h.keys(text);
}

#[test]
fn a_save_in_one_session_shows_in_the_other_s_table_at_once_with_its_cursor_kept() {
    let mut h = harness(2000);
    let Some(mut b) = Other::of(&h) else { return };
    h.goto("Opportunities");
    b.keys("1");
    b.keys(":Opportunities<ret>");
    // B's cursor on the third row.
    b.keys("jj");
    let b_selected = b.app.table().selected_key().unwrap();
    assert!(b.screen().contains("3 of "), "{}", b.screen());

    // A opens the first opportunity, changes its description and saves.
    h.keys("<home><ret>");
    let key = h.form_key().unwrap();
    retype(&mut h, "description", "Fräszentrum Live");
    h.keys("<c-s>");
    assert_eq!(stored(&h, &key).description, "Fräszentrum Live");

    let took = b.wait_for("Fräszentrum Live");
    assert!(took < Duration::from_millis(500), "{took:?}");
    assert_eq!(b.app.table().selected_key().unwrap(), b_selected);
    assert!(
        b.screen().contains("2 users") || b.screen().contains("2 sessions"),
        "{}",
        b.screen()
    );

    // A new record appears in B's table, a deleted one goes, the count follows.
    let total = b.app.table().total();
    h.keys("<esc>n");
    retype(&mut h, "description", "Neu aus Sitzung A");
    h.keys("<c-s>");
    let new_key = h.form_key().unwrap();
    b.wait_until(|app| app.table().total() == total + 1);
    b.keys("G");
    // The Opportunities mask shows descriptions, not keys.
    assert!(b.screen().contains("Neu aus Sitzung A"), "{}", b.screen());
    h.keys("<c-d>y");
    assert!(h.store.get(Opportunity::DEF, &new_key).unwrap().is_none());
    b.wait_until(|app| app.table().total() == total);
    assert!(!b.screen().contains(&new_key));
}

#[test]
fn two_forms_on_one_record_merge_other_fields_and_offer_the_choice_on_the_same_field() {
    let mut h = harness(2000);
    let Some(mut b) = Other::of(&h) else { return };
    h.goto("Opportunities");
    h.keys("<home><ret>");
    let key = h.form_key().unwrap();
    b.keys(":Opportunities<ret><home><ret>");
    assert_eq!(b.app.form().and_then(|f| f.key()), Some(key.as_str()));

    // A: the description. B: the probability, on the revision both read.
    retype(&mut h, "description", "Angebot A");
    h.keys("<c-s>");
    let b_form_rev = b.app.form().unwrap().rev();
    // B's form hears of it; B has typed nothing yet, so it shows A's version.
    b.wait_for("changed by");
    assert!(b.app.form().unwrap().rev() > b_form_rev);
    assert_eq!(
        b.app.form().unwrap().field_text("description").unwrap(),
        "Angebot A"
    );

    // Now both edit before either saves: A the probability, B the notes and the
    // probability.
    retype(&mut h, "probability", "60");
    for _ in 0..80 {
        if b.app.form().and_then(|f| f.focused_field()) == Some("probability") {
            break;
        }
        b.keys("<tab>");
    }
    for _ in 0..4 {
        b.keys("<bs>");
    }
    b.keys("70");
    h.keys("<c-s>");
    assert_eq!(stored(&h, &key).probability, Some(60));
    b.wait_for("saving keeps their change");
    b.keys("<c-s>");
    let screen = b.screen();
    assert!(screen.contains("Changed meanwhile by"), "{screen}");
    assert!(
        screen.contains("yours 70") && screen.contains("theirs 60"),
        "{screen}"
    );
    assert_eq!(
        stored(&h, &key).probability,
        Some(60),
        "nothing written yet"
    );
    // B takes theirs, then saves: A's 60 stays.
    b.keys("t<ret>");
    assert_eq!(
        b.app.form().unwrap().field_text("probability").unwrap(),
        "60"
    );
    b.keys("<c-s>");
    assert!(b.app.form().unwrap().conflict().is_none());

    // Different fields at once: both kept, B is told.
    retype(&mut h, "probability", "65");
    let mut on_description = false;
    for _ in 0..80 {
        if b.app.form().and_then(|f| f.focused_field()) == Some("description") {
            on_description = true;
            break;
        }
        b.keys("<s-tab>");
    }
    assert!(on_description);
    b.keys("<end> (B)");
    h.keys("<c-s>");
    b.keys("<c-s>");
    let screen = b.screen();
    assert!(
        screen.contains("saved beside the change of probability"),
        "{screen}"
    );
    assert_eq!(stored(&h, &key).description, "Angebot A (B)");
    assert_eq!(stored(&h, &key).probability, Some(65));
}

#[test]
fn a_form_whose_record_was_deleted_saves_it_as_new() {
    let mut h = harness(2000);
    let Some(mut b) = Other::of(&h) else { return };
    // A new opportunity nothing names yet.
    h.goto("Opportunities");
    h.keys("n");
    retype(&mut h, "description", "Nur kurz");
    h.keys("<c-s>");
    let key = h.form_key().unwrap();
    b.keys(&format!(":Opportunities<ret>/{key}<ret><ret>"));
    assert_eq!(b.app.form().and_then(|f| f.key()), Some(key.as_str()));
    h.keys("<c-d>y");
    b.wait_for("deleted by");
    b.keys("<c-s>");
    let back = stored(&h, &key);
    assert_eq!(back.description, "Nur kurz");
    let history = h.client.history(Opportunity::DEF, &key, None).unwrap();
    assert_eq!(history.len(), 3, "{history:?}");
}

#[test]
fn u_undoes_the_last_change_and_the_history_list_shows_it() {
    let mut h = harness(2000);
    h.goto("Opportunities");
    h.keys("<home><ret>");
    let key = h.form_key().unwrap();
    let before = stored(&h, &key).description;
    retype(&mut h, "description", "Versehentlich");
    h.keys("<c-s>");
    assert_eq!(stored(&h, &key).description, "Versehentlich");
    let screen = h.screen_at(ratatui::layout::Rect::new(0, 0, 120, 60));
    assert!(screen.contains("History"), "{screen}");
    assert!(
        screen.contains(&format!("description: {before} → Versehentlich")),
        "{screen}"
    );
    // Enter on the newest History row shows the whole change.
    for _ in 0..200 {
        if h.app.form().is_some_and(|f| f.focused_history() == Some(0)) {
            break;
        }
        h.keys("<down>");
    }
    assert_eq!(h.app.form().unwrap().focused_history(), Some(0));
    h.keys("<ret>");
    let detail = h.screen();
    assert!(
        detail.contains("rev 2") && detail.contains("Versehentlich"),
        "{detail}"
    );
    h.keys("<esc><esc>");
    assert!(h.app.form().is_none());
    h.keys("u");
    assert!(
        h.app.status().starts_with("undid your Save"),
        "{}",
        h.app.status()
    );
    assert_eq!(stored(&h, &key).description, before);
    h.keys("u");
    // What is left is the test's demo load and the shipped rules, both written
    // outside any request: the server's own, which no user's undo takes back.
    assert!(
        h.app.status().starts_with("nothing to undo"),
        "{}",
        h.app.status()
    );
    assert_eq!(stored(&h, &key).description, before);
}
