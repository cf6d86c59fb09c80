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
use crate::model as m;
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
        if !matches!(self.columns[col].column, m::Column::Field(_)) {
            return None;
        }
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
        if let Some(col) = self.column_of_field(field) {
            self.sort(col, descending);
        }
    }
}

impl TableView {
    /// The fields shown when they are not the mask's defaults (a saved query's
    /// or the user's columns): a pair and a reference's key count as their
    /// (first) field.
    pub fn chosen_fields(&self) -> Option<Vec<usize>> {
        let def = self.mask.entity;
        let shown = self.shown_columns();
        if shown == m::columns::defaults(def) {
            return None;
        }
        let mut fields: Vec<usize> = Vec::new();
        for c in shown {
            if let Some(i) = c.field() {
                if !fields.contains(&i) {
                    fields.push(i);
                }
            }
        }
        Some(fields)
    }

    /// Shows these fields as columns beside the key (a saved query's), or the
    /// mask's own columns again (None); the rows are read again for the new
    /// columns.
    pub fn show_fields(&mut self, fields: Option<&[usize]>) {
        let def = self.mask.entity;
        let chosen: Vec<m::Column> = match fields.filter(|f| !f.is_empty()) {
            Some(fields) => std::iter::once(m::Column::Key)
                .chain(
                    fields
                        .iter()
                        .filter(|&&i| i < def.fields.len())
                        .map(|&i| m::Column::Field(i as u16)),
                )
                .collect(),
            None => self.own_columns.clone(),
        };
        self.set_columns(&chosen);
    }

    /// The columns the table shows when no saved query chose any: the user's
    /// choice for this mask, else the mask's defaults.
    pub fn set_own_columns(&mut self, chosen: Option<Vec<m::Column>>) {
        self.own_columns = chosen.unwrap_or_else(|| m::columns::defaults(self.mask.entity));
        let own = self.own_columns.clone();
        self.set_columns(&own);
    }

    /// Every row is read again (the language changed): filter, query and the
    /// selected record stay.
    pub(super) fn set_rows_stale(&mut self) {
        self.data.set_rows(super::Rows::default());
        self.cells.clear();
        self.loader = None;
        self.started = false;
        self.needs_load = true;
    }
}
