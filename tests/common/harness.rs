//! The key-macro harness shared by the TUI test files: the real App over a demo
//! database, driven headless through the real keymap, as a user would type. The
//! app is a client of a server on a temporary socket, as `crm` is; with
//! `CRM_TEST_LOCAL=1` it talks to the store in this process instead.

use std::sync::Arc;

use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use termcrm::api::local::Local;
use termcrm::api::remote::{Remote, Target};
use termcrm::api::Client;
use termcrm::model::Lang;
use termcrm::server::{Config, Server};
use termcrm::store::Store;
use termcrm::ui::app::App;
use termcrm::ui::keymap::Keymap;
use termcrm::ui::keys;

pub const AREA: Rect = Rect::new(0, 0, 80, 24);

pub struct Harness {
    pub dir: tempfile::TempDir,
    /// The store itself, for assertions.
    pub store: Arc<Store>,
    /// What the app talks to: a socket client of `server` (or an in-process client
    /// of `store`).
    pub client: Client,
    pub app: App,
    /// The server on `store`, stopped with the harness.
    server: Option<Server>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop();
        }
    }
}

/// A client of `store` at `db`: over a socket to a server started here, unless
/// `CRM_TEST_LOCAL` asks for the in-process one.
fn connect(store: &Arc<Store>, db: &std::path::Path) -> (Client, Option<Server>) {
    if std::env::var_os("CRM_TEST_LOCAL").is_some() {
        return (Local::client(Arc::clone(store)), None);
    }
    // The tests that need the date rules' tick drive it with their own clock.
    let config = Config {
        ticks: false,
        ..Config::quiet(db)
    };
    let server = Server::start_on(Arc::clone(store), config).expect("a server on the test store");
    let client = Remote::client(Target::Local(db.to_path_buf())).expect("connect to it");
    (client, Some(server))
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
    let db = dir.path().join("db");
    let store = Store::open(&db).unwrap();
    if records > 0 {
        store
            .bulk_insert(termcrm::demo::generate(records, 1), |_| {})
            .unwrap();
    }
    // As a server opening a database does: the shipped rules, the alerts among them.
    termcrm::ops::events::ensure_shipped(&store).unwrap();
    let store = Arc::new(store);
    let (client, server) = connect(&store, &db);
    let mut app = App::new(client.clone(), keymap, lang);
    app.settle(AREA);
    Harness {
        dir,
        store,
        client,
        app,
        server,
    }
}

impl Harness {
    /// Starts the app again as the OS user `user` would get it from a server (the
    /// salesperson with that `os_user`, if any), on the home pane; in-process, as
    /// this machine may have no such OS user to connect as.
    pub fn log_in_as(&mut self, user: &str) {
        let session = termcrm::api::local::session_for(&self.store, 0, user, true).unwrap();
        let local = Local::with_session(Arc::clone(&self.store), session);
        self.client = Client::new(Arc::new(local));
        self.app = App::new(self.client.clone(), Keymap::builtin(), Lang::En);
        self.app.settle(AREA);
    }

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
        out.replace(&self.dir.path().join("db").display().to_string(), "<db>")
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
