//! The home pane, the first tab: this user's inbox (what the event rules posted,
//! approvals to answer) above the alerts for "me" (the session's salesperson, whom
//! the server knows from the connection's peer identity) or for everyone —
//! past-due opportunities and tasks, quotes that expire within a week, follow-ups
//! due. Asked for in a background thread, since the server reads every
//! opportunity, task, quote, lead and interaction for them.

use std::sync::mpsc::{channel, Receiver};

use chrono::{Datelike, NaiveDate};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::action::{Action, Context};
use super::component::{scrolled_to, Component, Ctx, Handled, Request};
use super::inbox;
use crate::api::events::InboxItem;
use crate::api::{Alert, Client, Session, Who, FOLLOW_UP, PAST_DUE, QUOTE_EXPIRES, TASK_PAST_DUE};
use crate::model::{self, Lang};
use crate::util::safe_text;

/// What the pane shows, as read: the alerts, the session they were read for, the
/// inbox and the unread count (neither when the server could not say).
struct Read {
    alerts: Vec<Alert>,
    session: Session,
    inbox: Vec<InboxItem>,
    unread: Option<usize>,
}

/// What was read, or why the alerts were not.
type Loaded = Result<Read, String>;

pub struct HomeView {
    /// The session's OS user name.
    user: String,
    /// The session's salesperson, if any.
    me: Option<String>,
    /// Everyone's alerts rather than mine.
    all: bool,
    /// The day the alerts are for; None: the server's today.
    today: Option<NaiveDate>,
    rows: Vec<Alert>,
    /// The inbox, unread first then newest; the selection runs over these first,
    /// then over the alerts.
    inbox: Vec<InboxItem>,
    /// The unread count last read, until the app takes it for the status line.
    unread: Option<usize>,
    /// The alerts on their way, with the session they were read for (a reconnect
    /// may bring another one).
    loading: Option<Receiver<Loaded>>,
    error: Option<String>,
    selected: usize,
    offset: std::cell::Cell<usize>,
    /// The first inbox line shown.
    inbox_offset: std::cell::Cell<usize>,
    page: std::cell::Cell<usize>,
}

impl HomeView {
    /// The alerts of the client's session; `today` fixes the day (tests).
    pub fn new(client: &Client, today: Option<NaiveDate>) -> HomeView {
        let session = client.session();
        let me = session.salesperson;
        let mut home = HomeView {
            user: session.user,
            all: me.is_none(),
            me,
            today,
            rows: Vec::new(),
            inbox: Vec::new(),
            unread: None,
            loading: None,
            error: None,
            selected: 0,
            offset: std::cell::Cell::new(0),
            inbox_offset: std::cell::Cell::new(0),
            page: std::cell::Cell::new(10),
        };
        home.reload(client);
        home
    }

    /// Reads the alerts and the inbox again in the background; the old rows stay
    /// until then.
    pub fn reload(&mut self, client: &Client) {
        let (tx, rx) = channel();
        let client = client.clone();
        let who = if self.all { Who::Everyone } else { Who::Me };
        let today = self.today;
        std::thread::spawn(move || {
            let result = match today {
                Some(day) => client.alerts_on(who, day),
                None => client.alerts(who),
            };
            let result = result.map(|(alerts, _)| Read {
                alerts,
                session: client.session(),
                // A server without the inbox still has alerts.
                inbox: client.inbox(false, inbox::LIMIT).unwrap_or_default(),
                unread: client.unread().ok(),
            });
            let _ = tx.send(result.map_err(|e| e.to_string()));
        });
        self.loading = Some(rx);
    }

    /// The day the alerts are for, when one was fixed (tests, scripted runs).
    pub fn today(&self) -> Option<NaiveDate> {
        self.today
    }

    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// The selected line (inbox messages first, then alerts), counted from 1 (0
    /// when there is none), for the status line's "n/m".
    pub fn position(&self) -> usize {
        if self.count() == 0 {
            0
        } else {
            self.selected.min(self.count() - 1) + 1
        }
    }

    /// Inbox messages and alerts: the lines the selection runs over.
    pub fn count(&self) -> usize {
        self.inbox.len() + self.rows.len()
    }

    pub fn rows(&self) -> &[Alert] {
        &self.rows
    }

    /// The inbox as shown: unread first, then newest.
    pub fn inbox(&self) -> &[InboxItem] {
        &self.inbox
    }

    /// The unread count read with the inbox, once (the app's status line keeps it).
    pub fn take_unread(&mut self) -> Option<usize> {
        self.unread.take()
    }

    /// The selected inbox message, if the selection is in the inbox.
    fn message(&self) -> Option<&InboxItem> {
        self.inbox.get(self.selected)
    }

    /// The selected alert, if the selection is in the alerts.
    fn alert(&self) -> Option<&Alert> {
        self.selected
            .checked_sub(self.inbox.len())
            .and_then(|i| self.rows.get(i))
    }

    /// Marks the selected message read (and reads the pane again) if it is not.
    fn mark_read(&mut self, ctx: &mut Ctx) {
        let Some(m) = self.message().map(|i| &i.message) else {
            return;
        };
        if m.read {
            return;
        }
        match ctx.api.inbox_read(vec![m.id]) {
            Ok(_) => {
                if let Some(item) = self.inbox.get_mut(self.selected) {
                    item.message.read = true;
                }
                self.reload(ctx.api);
            }
            Err(e) => ctx.request(Request::Status(e.to_string())),
        }
    }

    fn title(&self, lang: Lang) -> String {
        let n = self.rows.len();
        match (&self.me, self.all, lang) {
            (Some(me), false, Lang::En) => format!("Alerts for {me} ({n}) — a: everyone's"),
            (Some(me), false, Lang::De) => format!("Hinweise für {me} ({n}) — a: alle"),
            (Some(me), true, Lang::En) => format!("Alerts for everyone ({n}) — a: only {me}'s"),
            (Some(me), true, Lang::De) => format!("Hinweise für alle ({n}) — a: nur {me}"),
            (None, _, Lang::En) => format!(
                "Alerts for everyone ({n}) — no salesperson has the OS user name '{}'",
                self.user
            ),
            (None, _, Lang::De) => format!(
                "Hinweise für alle ({n}) — kein Verkäufer hat den Benutzernamen '{}'",
                self.user
            ),
        }
    }

    fn move_to(&mut self, to: usize) {
        self.selected = to.min(self.count().saturating_sub(1));
    }
}

/// The order the home pane lists alerts in: quotes about to expire (soonest
/// first), then past-due tasks, past-due opportunities and follow-ups, each most
/// recent first — yesterday's miss matters more than last year's.
fn urgency(a: &Alert) -> (u8, i64) {
    let day = i64::from(a.date.num_days_from_ce());
    match a.kind {
        QUOTE_EXPIRES => (0, day),
        TASK_PAST_DUE => (1, -day),
        PAST_DUE => (2, -day),
        _ => (3, -day),
    }
}

fn kind_label(kind: &str, lang: Lang) -> &str {
    match (kind, lang) {
        (PAST_DUE, Lang::De) => "überfällig",
        (TASK_PAST_DUE, Lang::De) => "Aufgabe fällig",
        (QUOTE_EXPIRES, Lang::De) => "Angebot endet",
        (FOLLOW_UP, Lang::De) => "Wiedervorlage",
        (k, _) => k,
    }
}

impl Component for HomeView {
    fn context(&self) -> Context {
        Context::Home
    }

    fn handle(&mut self, _key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        // Alerts that could not be read (the server was away) are asked for again.
        if self.error.is_some() && self.loading.is_none() {
            self.reload(ctx.api);
        }
        let page = self.page.get().max(1);
        match action {
            Some(Action::Up) => self.move_to(self.selected.saturating_sub(1)),
            Some(Action::Down) => self.move_to(self.selected + 1),
            Some(Action::PageUp) => self.move_to(self.selected.saturating_sub(page)),
            Some(Action::PageDown) => self.move_to(self.selected + page),
            Some(Action::Top) => self.move_to(0),
            Some(Action::Bottom) => self.move_to(usize::MAX),
            Some(Action::Open) => {
                let (entity, key) = if let Some(item) = self.message() {
                    (item.message.entity.clone(), item.message.key.clone())
                } else if let Some(alert) = self.alert() {
                    (alert.entity.to_string(), alert.key.clone())
                } else {
                    return Handled::Consumed;
                };
                self.mark_read(ctx);
                if let Some(entity) = model::entity(&entity) {
                    ctx.request(Request::OpenForm {
                        entity,
                        key: Some(key),
                        template: Vec::new(),
                    });
                }
            }
            Some(Action::InboxRead) => self.mark_read(ctx),
            Some(action @ (Action::Approve | Action::Reject)) => {
                let Some(approval) = self.message().and_then(inbox::pending) else {
                    ctx.request(Request::Status(
                        match ctx.lang {
                            Lang::En => "no approval to answer here",
                            Lang::De => "hier ist keine Genehmigung zu beantworten",
                        }
                        .into(),
                    ));
                    return Handled::Consumed;
                };
                ctx.request(if action == Action::Approve {
                    Request::Answer {
                        approval,
                        approve: true,
                        reason: String::new(),
                    }
                } else {
                    Request::AskReject(approval)
                });
            }
            Some(Action::ToggleAll) => {
                if self.me.is_some() {
                    self.all = !self.all;
                    self.reload(ctx.api);
                }
            }
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    fn prepare(&mut self, area: Rect, ctx: &mut Ctx) {
        self.page.set(usize::from(area.height.saturating_sub(2)));
        if let Some(result) = self.loading.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.loading = None;
            match result {
                Ok(Read {
                    alerts: mut rows,
                    session,
                    mut inbox,
                    unread,
                }) => {
                    rows.sort_by_key(urgency);
                    inbox::sort(&mut inbox);
                    self.inbox = inbox;
                    self.unread = unread;
                    self.user = session.user;
                    if session.salesperson.is_none() {
                        self.all = true;
                    }
                    self.me = session.salesperson;
                    self.rows = rows;
                    self.error = None;
                }
                Err(e) => {
                    ctx.request(Request::Status(e.clone()));
                    self.error = Some(e);
                }
            }
            self.move_to(self.selected);
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let area = self.render_inbox(frame, area, lang);
        if area.height == 0 {
            return;
        }
        let mut title = vec![Span::styled(
            self.title(lang),
            Style::default().add_modifier(Modifier::BOLD),
        )];
        if self.loading.is_some() {
            title.push(Span::raw(match lang {
                Lang::En => "  loading…",
                Lang::De => "  wird geladen…",
            }));
        }
        frame.render_widget(
            Paragraph::new(Line::from(title)),
            Rect { height: 1, ..area },
        );
        let body = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(e.as_str()), body);
            return;
        }
        if self.rows.is_empty() && self.loading.is_none() {
            let text = match lang {
                Lang::En => "Nothing needs attention today.",
                Lang::De => "Heute ist nichts fällig.",
            };
            frame.render_widget(Paragraph::new(text), body);
            return;
        }
        let page = usize::from(body.height.saturating_sub(1)).max(1);
        // With the selection in the inbox, the alerts stay where they were.
        let selected = self.selected.checked_sub(self.inbox.len());
        let offset = match selected {
            Some(i) => scrolled_to(i, &self.offset, page),
            None => self.offset.get(),
        };
        let header = match lang {
            Lang::En => ["Date", "Alert", "Record", "Key", "What"],
            Lang::De => ["Datum", "Hinweis", "Datensatz", "Schlüssel", "Was"],
        };
        let rows = self
            .rows
            .iter()
            .enumerate()
            .skip(offset)
            .take(page)
            .map(|(i, a)| {
                let entity = model::entity(a.entity).map_or(a.entity, |d| d.label(lang));
                let row = Row::new([
                    Cell::from(a.date.to_string()),
                    Cell::from(kind_label(a.kind, lang).to_string()),
                    Cell::from(entity),
                    Cell::from(a.key.as_str()),
                    Cell::from(safe_text(&a.text)),
                ]);
                if Some(i) == selected {
                    row.style(Style::default().add_modifier(Modifier::REVERSED))
                } else {
                    row
                }
            });
        let widths = [
            Constraint::Length(10),
            Constraint::Length(13),
            Constraint::Length(18),
            Constraint::Length(10),
            Constraint::Fill(1),
        ];
        let table = Table::new(rows, widths).header(
            Row::new(header)
                .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)),
        );
        frame.render_widget(table, body);
    }

    fn commands(&self) -> Vec<Action> {
        let mut actions = vec![Action::Open];
        match self.message() {
            Some(item) if inbox::pending(item).is_some() => {
                actions.extend([Action::Approve, Action::Reject, Action::InboxRead])
            }
            Some(_) => actions.push(Action::InboxRead),
            None => {}
        }
        actions.extend([Action::ToggleAll, Action::Help, Action::Palette]);
        actions
    }
}

impl HomeView {
    /// Draws the inbox section (when there is anything in it) at the top of
    /// `area`, at most a third of it; what is left is for the alerts.
    fn render_inbox(&self, frame: &mut Frame, area: Rect, lang: Lang) -> Rect {
        if self.inbox.is_empty() {
            return area;
        }
        let lines = self.inbox.len().min(usize::from(area.height / 3).max(1));
        let height = (1 + lines as u16).min(area.height);
        let heading = Line::styled(
            inbox::title(&self.inbox, lang),
            Style::default().add_modifier(Modifier::BOLD),
        );
        frame.render_widget(Paragraph::new(heading), Rect { height: 1, ..area });
        let selected = (self.selected < self.inbox.len()).then_some(self.selected);
        let offset = match selected {
            Some(i) => scrolled_to(i, &self.inbox_offset, lines),
            None => self.inbox_offset.get(),
        };
        let shown: Vec<Line> = self
            .inbox
            .iter()
            .enumerate()
            .skip(offset)
            .take(lines)
            .map(|(i, item)| inbox::line(item, Some(i) == selected, lang))
            .collect();
        let list = Rect {
            y: area.y + 1,
            height: height.saturating_sub(1),
            ..area
        };
        frame.render_widget(Paragraph::new(shown), list);
        Rect {
            y: area.y + height,
            height: area.height - height,
            ..area
        }
    }

    /// The salesperson "me" is, if any.
    pub fn me(&self) -> Option<&str> {
        self.me.as_deref()
    }
}
