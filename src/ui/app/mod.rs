//! The app: the tabs (one table per mask), the form over the current tab, the popup
//! stack, the status line. `handle_key` changes state and runs requests through the
//! client; `prepare` fetches what the next frame shows; `render` only draws.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};

use super::board::BoardView;
use super::charts::ChartView;
use super::component::{Component, Ctx, Flow, Request};
use super::confirm::ConfirmPopup;
use super::find::FindPopup;
use super::form::FormView;
use super::help::HelpPopup;
use super::home::HomeView;
use super::keymap::Keymap;
use super::masks::{self, Mask};
use super::picker::PickerPopup;
use super::table::TableView;
use crate::api::Client;
use crate::model::Lang;
use crate::ui::action::{Action, Context};

mod board;
mod charts;
mod columns;
mod exchange;
mod inbox;
mod input;
mod live;
mod palette;
mod paste;
mod popup;
mod queries;
mod status;
mod view;
mod welcome;
mod workflows;

use popup::Popup;

/// At most this many records of the current mask go into the palette.
const PALETTE_RECORDS: usize = 50_000;

/// The smallest terminal the app draws into; below it, a message asks for room.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 5;

pub struct App {
    client: Client,
    /// The database as the client names it, for the status line.
    database: String,
    keymap: Keymap,
    lang: Lang,
    masks: Vec<Mask>,
    tabs: Vec<TableView>,
    /// The report masks' charts, by mask index (None for a table mask).
    charts: Vec<Option<ChartView>>,
    current: usize,
    /// Open forms, the current one last: a child opened from a form comes back to it.
    forms: Vec<FormView>,
    popups: Vec<Popup>,
    status: String,
    /// The status as last noted, where it was said, and the recent messages.
    status_seen: String,
    status_place: status::Place,
    messages: Vec<crate::ui::messages::Message>,
    /// The database was empty at start: offer demo data or an empty start.
    welcome: bool,
    /// Demo data being loaded in the background: its result arrives here, and
    /// how many records are in so far.
    demo_loading: Option<std::sync::mpsc::Receiver<String>>,
    demo_progress: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    quit: bool,
    /// The home pane (alerts), shown instead of the current tab while `on_home`.
    home: HomeView,
    on_home: bool,
    /// Something was saved since the alerts were read.
    home_stale: bool,
    /// A quote waiting for its won reason from the picker.
    pending_accept: Option<String>,
    /// The field a just-opened form should start on (an interaction's type).
    focus_after_open: Option<&'static str>,
    /// Every commit's changes, pushed by the server: tables and forms follow them.
    feed: Option<crate::api::Feed>,
    /// Users and sessions connected, as the server last said.
    users: Option<(usize, usize)>,
    /// This user's unread inbox messages, as the server last said.
    unread: usize,
    /// A write of this session whose change has not come back through the feed
    /// yet (`settle` waits for it).
    awaiting: Option<std::time::Instant>,
    /// An import or export in the background, or an import's preview.
    exchange: exchange::Exchange,
    /// The pipeline board, shown over the Opportunities mask while open.
    board: Option<BoardView>,
    /// Where the user's columns per mask are kept (None: for this session).
    column_file: Option<std::path::PathBuf>,
    column_choices: crate::ui::config::ColumnChoices,
}

impl App {
    pub fn new(client: Client, keymap: Keymap, lang: Lang) -> App {
        let masks = masks::all();
        let tabs = masks.iter().map(|m| TableView::new(*m)).collect();
        // A server that cannot be reached: no welcome; the tables say why.
        let welcome = client.is_empty().unwrap_or(false);
        let home = HomeView::new(&client, None);
        let feed = client.subscribe().ok();
        // The status line's count before any push: errors leave it at none.
        let unread = client.unread().unwrap_or(0);
        App {
            feed,
            exchange: Default::default(),
            board: None,
            column_file: None,
            column_choices: Default::default(),
            users: None,
            unread,
            awaiting: None,
            database: client.database(),
            client,
            keymap,
            lang,
            charts: masks.iter().map(|m| m.report.map(ChartView::new)).collect(),
            masks,
            tabs,
            current: 0,
            forms: Vec::new(),
            popups: Vec::new(),
            status: String::new(),
            status_seen: String::new(),
            status_place: (0, 0, !welcome, false),
            messages: Vec::new(),
            welcome,
            demo_loading: None,
            demo_progress: Default::default(),
            quit: false,
            home,
            on_home: !welcome,
            home_stale: false,
            pending_accept: None,
            focus_after_open: None,
        }
    }

    /// The day the home pane's alerts are for (tests, scripted runs); whose they
    /// are is the session's business.
    pub fn set_today(&mut self, today: chrono::NaiveDate) {
        self.home = HomeView::new(&self.client, Some(today));
    }

    /// Whether the home pane (alerts) is showing.
    pub fn is_home(&self) -> bool {
        self.on_home && self.forms.is_empty()
    }
    pub fn home(&self) -> &HomeView {
        &self.home
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }
    pub fn status(&self) -> &str {
        &self.status
    }
    pub fn current_mask(&self) -> &Mask {
        &self.masks[self.current]
    }
    pub fn form(&self) -> Option<&FormView> {
        self.forms.last()
    }
    /// How many forms are open (a child form over its parent counts two).
    pub fn form_depth(&self) -> usize {
        self.forms.len()
    }
    pub fn table(&self) -> &TableView {
        &self.tabs[self.current]
    }
    pub fn popup_context(&self) -> Option<Context> {
        self.popups.last().map(|p| p.view().context())
    }
    pub fn is_welcome(&self) -> bool {
        self.welcome
    }

    fn active(&mut self) -> &mut dyn Component {
        if let Some(p) = self.popups.last_mut() {
            return p.component();
        }
        if let Some(b) = self.board.as_mut().filter(|_| self.forms.is_empty()) {
            return b;
        }
        match self.forms.last_mut() {
            Some(f) => f,
            None if self.on_home => &mut self.home,
            None => charts::main_view_mut(&mut self.tabs, &mut self.charts, self.current),
        }
    }

    fn active_view(&self) -> &dyn Component {
        if let Some(p) = self.popups.last() {
            return p.view();
        }
        if let Some(b) = self.shown_board() {
            return b;
        }
        match self.forms.last() {
            Some(f) => f,
            None if self.on_home => &self.home,
            None => self.main_view(),
        }
    }

    fn run_requests(&mut self, mut queue: Vec<Request>) {
        // Requests may produce more; handle them in order.
        let mut i = 0;
        while i < queue.len() {
            let request = queue[i].clone();
            i += 1;
            self.run_request(request, &mut queue);
        }
    }

    fn run_request(&mut self, request: Request, queue: &mut Vec<Request>) {
        match request {
            // A form opened from a form (a child, a copy, a new record) goes on top;
            // the one below keeps its state and comes back on Back.
            Request::OpenForm {
                entity,
                key,
                template,
            } => match FormView::open_in(entity, key, template, &self.client, self.lang) {
                Ok(mut form) => {
                    if let Some(field) = self.focus_after_open.take() {
                        form.focus_field(field);
                    }
                    self.forms.push(form);
                }
                Err(e) => self.status = e,
            },
            Request::OpenRecord { entity, key } => self.open_record(entity, key, queue),
            Request::Back => {
                if self.popups.pop().is_some() {
                    return;
                }
                if !self.forms.is_empty() {
                    match self.form_guard(false, Request::All(Vec::new())) {
                        Some(guard) => queue.push(guard),
                        None => {
                            self.forms.pop();
                        }
                    }
                } else {
                    self.board = None;
                }
            }
            Request::CloseForm => {
                self.forms.pop();
            }
            Request::CloseAllForms => self.forms.clear(),
            Request::SwitchTab(i) => {
                if let Some(guard) = self.form_guard(true, Request::SwitchTab(i)) {
                    queue.push(guard);
                    return;
                }
                self.forms.clear();
                self.board = None;
                self.on_home = false;
                self.current = i.min(self.masks.len() - 1);
            }
            Request::GoHome => {
                if let Some(guard) = self.form_guard(true, Request::GoHome) {
                    queue.push(guard);
                    return;
                }
                self.forms.clear();
                self.board = None;
                self.on_home = true;
            }
            Request::Choose { message, yes, no } => {
                let popup = ConfirmPopup::choose(message, *yes, *no);
                self.popups.push(Popup::Confirm(popup));
            }
            Request::Flow(flow) => self.run_flow(flow, queue),
            Request::OpenBoard | Request::Run(Action::Board) => self.open_board(queue),
            Request::SaveQuery(name) => self.save_query(&name, queue),
            Request::AskDelete { entity, key } => self.ask_delete(entity, key, queue),
            Request::AskExport(_)
            | Request::AskReportExport(_)
            | Request::Export(_)
            | Request::Import(_)
            | Request::ImportNow
            | Request::Revert(_) => self.exchange_request(request),
            Request::RunSaved(name) => self.run_saved(&name),
            Request::Group(by) => self.group_table(&by),
            Request::Columns(text) => self.columns_command(&text, queue),
            Request::SaveColumns { mask, columns } => self.save_columns(mask, columns),
            Request::Answer { .. } | Request::AskReject(_) => self.inbox_request(request),
            Request::Confirm { message, then } => {
                self.popups
                    .push(Popup::Confirm(ConfirmPopup::new(message, *then)));
            }
            Request::Delete { entity, key } => match self.client.delete(entity, &key) {
                Ok(()) => {
                    let verb = match self.lang {
                        Lang::En => "deleted",
                        Lang::De => "gelöscht:",
                    };
                    self.status = format!("{verb} {} {key}", entity.label(self.lang));
                    if self
                        .forms
                        .last()
                        .is_some_and(|f| f.key() == Some(key.as_str()))
                    {
                        self.forms.pop();
                    }
                    queue.push(Request::Changed { entity });
                }
                Err(e) => self.status = e.to_string(),
            },
            Request::Convert { entity, key } => self.convert(entity, &key, queue),
            Request::Changed { entity } => {
                self.home_stale = true;
                if self.feed.is_some() {
                    // The change comes back through the feed, naming each record.
                    self.awaiting.get_or_insert_with(std::time::Instant::now);
                    return;
                }
                self.charts_changed();
                for (tab, mask) in self.tabs.iter_mut().zip(&self.masks) {
                    if mask.entity == entity {
                        tab.reload();
                    }
                }
                for form in &mut self.forms {
                    form.refresh_children(&self.client, entity);
                }
                self.board_heard([entity], false);
            }
            Request::Status(s) => self.status = s,
            Request::Run(action) => {
                let key = KeyEvent::new(KeyCode::Null, KeyModifiers::NONE);
                self.dispatch(key, Some(action));
            }
            Request::Pick {
                entity,
                field,
                current,
            } => {
                self.pending_accept = None;
                let picker = PickerPopup::new(entity, field, &current, &self.client);
                self.popups.push(Popup::Picker(picker));
            }
            Request::Picked { field, key } => {
                if let Some(quote) = self.pending_accept.take() {
                    queue.push(Request::Flow(Flow::AskAmount { quote, reason: key }));
                } else if let Some(form) = self.forms.last_mut() {
                    form.apply_pick(field, &key);
                    form.name_reference(field, &key, &self.client);
                }
            }
            Request::Quit => match self.form_guard(true, Request::Quit) {
                Some(guard) => queue.push(guard),
                None => self.quit = true,
            },
            Request::All(requests) => {
                for r in requests {
                    self.run_request(r, queue);
                }
            }
        }
    }

    /// Prepares frames until the current table has finished loading (tests and
    /// scripted runs; the event loop never waits).
    pub fn settle(&mut self, area: Rect) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            self.prepare(area);
            let demo = self.demo_loading.is_some() || self.exchanging();
            let home = self.is_home() && self.home.is_loading();
            let query = !self.is_home() && self.tabs[self.current].query_running();
            let board = self.shown_board().is_some_and(BoardView::is_loading);
            let awaiting = self
                .awaiting
                .is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(2));
            if !demo
                && !awaiting
                && !home
                && !query
                && !board
                && !self.chart_loading()
                && (self.welcome || self.tabs[self.current].loading().is_none())
            {
                break;
            }
            if std::time::Instant::now() > deadline {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        self.prepare(area);
    }

    /// Data for the next frame (the visible rows), fetched outside of `render`.
    pub fn prepare(&mut self, area: Rect) {
        let written = self
            .demo_progress
            .load(std::sync::atomic::Ordering::Relaxed);
        if self.demo_loading.is_some() && written > 0 {
            self.status = match self.lang {
                Lang::En => format!("loading demo data… {written} records"),
                Lang::De => format!("Demodaten werden geladen… {written} Datensätze"),
            };
        }
        if let Some(done) = self.demo_loading.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.demo_loading = None;
            self.status = done;
            self.welcome = false;
            self.on_home = true;
            self.home_stale = true;
            for tab in &mut self.tabs {
                tab.reload();
            }
        }
        self.poll_feed();
        self.poll_exchange();
        self.track_status();
        if self.welcome || area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return;
        }
        let [_, main, _, _] = main_layout(area);
        let client = self.client.clone();
        let keymap = self.keymap.clone();
        let mut requests = Vec::new();
        let mut ctx = Ctx {
            api: &client,
            keymap: &keymap,
            lang: self.lang,
            requests: &mut requests,
        };
        match self.forms.last_mut() {
            Some(f) => f.prepare(main, &mut ctx),
            None if self.board.is_some() => self
                .board
                .iter_mut()
                .for_each(|b| b.prepare(main, &mut ctx)),
            None if self.on_home => {
                if std::mem::take(&mut self.home_stale) {
                    self.home.reload(&client);
                }
                self.home.prepare(main, &mut ctx);
                if let Some(n) = self.home.take_unread() {
                    self.unread = n;
                }
            }
            None => self.main_view_mut().prepare(main, &mut ctx),
        }
        if let Some(p) = self.popups.last_mut() {
            p.component().prepare(main, &mut ctx);
        }
        self.run_requests(requests);
        self.replay_typeahead();
    }
}

/// Tab line, main area, hint bar, status line.
fn main_layout(area: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}
