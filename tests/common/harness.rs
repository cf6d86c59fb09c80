//! The key-macro harness shared by the TUI test files: the real App over a demo
//! database, driven headless through the real keymap, as a user would type.

use std::sync::Arc;

use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use termcrm::model::Lang;
use termcrm::store::Store;
use termcrm::ui::app::App;
use termcrm::ui::keymap::Keymap;
use termcrm::ui::keys;

pub const AREA: Rect = Rect::new(0, 0, 80, 24);

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub store: Arc<Store>,
    pub app: App,
}

pub fn harness(records: usize) -> Harness {
    harness_in(records, Lang::En)
}

pub fn harness_in(records: usize, lang: Lang) -> Harness {
    harness_with(records, Keymap::builtin(), lang)
}

/// The app on its first tab, with this keymap.
pub fn harness_with(records: usize, keymap: Keymap, lang: Lang) -> Harness {
    let mut h = harness_at_home(records, keymap, lang);
    if records > 0 {
        // The app opens on the home pane (alerts); these tests start from the first tab.
        assert!(h.app.is_home());
        h.keys("1");
    }
    h
}

/// The app as it opens: on the home pane (alerts) when there are records.
pub fn harness_at_home(records: usize, keymap: Keymap, lang: Lang) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    if records > 0 {
        store
            .bulk_insert(termcrm::demo::generate(records, 1), |_| {})
            .unwrap();
    }
    let store = Arc::new(store);
    let mut app = App::new(Arc::clone(&store), keymap, lang);
    app.settle(AREA);
    Harness { dir, store, app }
}

impl Harness {
    pub fn keys(&mut self, text: &str) {
        for key in keys::parse(text).unwrap() {
            self.app.handle_key(key);
            self.app.settle(AREA);
        }
    }

    pub fn screen(&self) -> String {
        self.screen_at(AREA)
    }

    pub fn screen_at(&self, area: Rect) -> String {
        let mut terminal = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
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

    /// The key of the record in the top form, once saved.
    pub fn form_key(&self) -> Option<String> {
        self.app.form().and_then(|f| f.key()).map(str::to_string)
    }

    pub fn goto(&mut self, mask: &str) {
        self.keys(&format!(":{mask}<ret>"));
        assert_eq!(self.app.current_mask().name_en, mask, "{}", self.screen());
    }

    /// Tab through the form until `field` has the focus.
    pub fn focus(&mut self, field: &str) {
        for _ in 0..80 {
            if self.app.form().and_then(|f| f.focused_field()) == Some(field) {
                return;
            }
            self.keys("<tab>");
        }
        panic!("never reached field {field}:\n{}", self.screen());
    }

    pub fn field(&self, field: &str) -> String {
        self.app
            .form()
            .and_then(|f| f.field_text(field))
            .unwrap_or_default()
    }
}
