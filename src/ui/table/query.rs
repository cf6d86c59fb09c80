//! The table's query line (`f`): a query in the filter language (see the README's
//! "Queries") runs on the server (through its planner) in a background thread and
//! restricts the rows to the keys it matched; the `/` filter then works within
//! them. A query that does not parse says where and why, the query line stays
//! open, and the previous result stays on screen.

use std::collections::HashSet;
use std::sync::mpsc::{channel, Receiver};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::TableView;
use crate::api::{Client, ErrorKind};
use crate::ui::action::Action;
use crate::ui::component::Handled;

/// The keys a query matched, or why it failed (and whether it did not parse);
/// sent back by its thread.
type QueryResult = Result<HashSet<String>, (String, bool)>;

/// The query state of one table.
#[derive(Default)]
pub struct TableQuery {
    /// The query whose result the rows show ("" when none).
    pub applied: String,
    /// The query line being typed.
    pub input: String,
    pub editing: bool,
    /// Why the last query did not run (with its column).
    pub error: Option<String>,
    running: Option<(String, Receiver<QueryResult>)>,
    /// The query line closes once the running query has its result.
    close_when_done: bool,
    /// Keys typed after Enter while the query runs: handled once it has its
    /// result (by the table, or by the line again when the query did not parse),
    /// so that typing ahead loses nothing.
    typeahead: Vec<KeyEvent>,
}

impl TableQuery {
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }
}

impl TableView {
    /// The query the rows are restricted to, if any.
    pub fn applied_query(&self) -> Option<&str> {
        Some(self.query_line.applied.as_str()).filter(|q| !q.is_empty())
    }

    /// Why the last query did not run.
    pub fn query_error(&self) -> Option<&str> {
        self.query_line.error.as_deref()
    }

    /// Whether a query is still running in the background.
    pub fn query_running(&self) -> bool {
        self.query_line.is_running()
    }

    /// Whether the query line is taking typed text.
    pub fn is_typing_query(&self) -> bool {
        self.query_line.editing
    }

    /// Starts editing the query line with the applied query.
    pub(super) fn edit_query(&mut self) {
        self.query_line.input = self.query_line.applied.clone();
        self.query_line.editing = true;
        self.query_line.error = None;
        self.query_line.close_when_done = false;
    }

    /// Runs `text` in the background; an empty text lifts the restriction at once.
    pub fn run_query(&mut self, text: &str, client: &Client) {
        let text = text.trim().to_string();
        self.query_line.error = None;
        self.query_line.close_when_done = false;
        if text.is_empty() {
            self.query_line.applied.clear();
            self.query_line.running = None;
            self.data.set_allowed(None);
            self.clamp();
            return;
        }
        let (tx, rx) = channel();
        let client = client.clone();
        let def = self.mask.entity;
        let query = text.clone();
        std::thread::spawn(move || {
            let result = client
                .query_keys(def, &query)
                .map(|keys| keys.into_iter().collect())
                .map_err(|e| {
                    let parse = matches!(e.kind, ErrorKind::Query { .. });
                    (e.to_string(), parse)
                });
            let _ = tx.send(result);
        });
        self.query_line.running = Some((text, rx));
    }

    /// Takes a finished query's result. One that did not parse keeps the query
    /// line open on it; the message names the column.
    pub(super) fn poll_query(&mut self) {
        let Some((_, rx)) = &self.query_line.running else {
            return;
        };
        let Ok(result) = rx.try_recv() else {
            return;
        };
        let Some((text, _)) = self.query_line.running.take() else {
            return;
        };
        let close = std::mem::take(&mut self.query_line.close_when_done);
        match result {
            Ok(keys) => {
                self.query_line.applied = text;
                self.data.set_allowed(Some(keys));
                self.selected = 0;
                self.clamp();
                if close {
                    self.query_line.editing = false;
                }
            }
            Err((e, parse)) => {
                self.query_line.error = Some(e);
                if close && !parse {
                    self.query_line.editing = false;
                }
            }
        }
    }

    /// A key while the query line is open: Enter runs, Esc closes it (the applied
    /// query stays), Backspace and characters edit.
    pub(super) fn handle_query_key(
        &mut self,
        key: KeyEvent,
        action: Option<Action>,
        client: &Client,
    ) -> Handled {
        if self.query_line.running.is_some() && self.query_line.close_when_done {
            self.query_line.typeahead.push(key);
            return Handled::Consumed;
        }
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => self.query_line.editing = false,
            KeyCode::Enter => {
                let text = self.query_line.input.clone();
                self.run_query(&text, client);
                if self.query_line.running.is_some() {
                    self.query_line.close_when_done = true;
                } else {
                    self.query_line.editing = false;
                }
            }
            KeyCode::Backspace => {
                self.query_line.input.pop();
                self.query_line.error = None;
            }
            KeyCode::Char(c) if plain => {
                self.query_line.input.push(c);
                self.query_line.error = None;
            }
            _ => match action {
                Some(Action::Back | Action::Cancel) => self.query_line.editing = false,
                Some(Action::ClearFilter) => self.query_line.input.clear(),
                _ => return Handled::Ignored,
            },
        }
        Handled::Consumed
    }

    /// The keys typed ahead while a query ran, once it has its result.
    pub fn take_typeahead(&mut self) -> Vec<KeyEvent> {
        if self.query_line.running.is_some() {
            return Vec::new();
        }
        std::mem::take(&mut self.query_line.typeahead)
    }

    /// The sort as query text ("-amount", "close"), None when sorted by key.
    pub fn sort_text(&self) -> Option<String> {
        let (col, descending) = self.data.sort_state();
        let field = self.columns.get(col)?.field?;
        let name = self.mask.entity.fields[field].name;
        Some(if descending {
            format!("-{name}")
        } else {
            name.to_string()
        })
    }
}

impl TableView {
    /// Sorts by a field named as query text ("-amount": descending); unknown or
    /// hidden fields leave the sort as it is.
    pub fn sort_by_text(&mut self, text: &str) {
        let (descending, name) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let Some(field) = self.mask.entity.field_index(name) else {
            return;
        };
        if let Some(col) = self.columns.iter().position(|c| c.field == Some(field)) {
            self.sort(col, descending);
        }
    }
}

impl TableView {
    /// The fields shown beside the key when a saved query chose them (None: the
    /// mask's own columns).
    pub fn chosen_fields(&self) -> Option<Vec<usize>> {
        let default = super::columns_of(self.mask.entity, None);
        let same = default
            .iter()
            .map(|c| c.field)
            .eq(self.columns.iter().map(|c| c.field));
        (!same).then(|| self.columns.iter().filter_map(|c| c.field).collect())
    }

    /// Shows these fields as columns beside the key (a saved query's), or every
    /// field again (None); the rows are read again for the new columns.
    pub fn show_fields(&mut self, fields: Option<&[usize]>) {
        let columns = super::columns_of(self.mask.entity, fields.filter(|f| !f.is_empty()));
        let same = columns
            .iter()
            .map(|c| c.field)
            .eq(self.columns.iter().map(|c| c.field));
        if same {
            return;
        }
        self.columns = columns;
        self.hscroll = 0;
        self.col = 0;
        self.grouping = None;
        self.data.set_within(None);
        self.data.sort(0, super::SortKind::Text, false);
        self.data.set_rows(super::Rows::default());
        self.cells.clear();
        self.loader = None;
        self.started = false;
        self.needs_load = true;
    }
}
