//! Narrowing the board as a table is narrowed: `/` filters the cards on screen
//! by text (key, company, description, salesperson), here; `f` types a query
//! (`salesperson:me`, `territory:NORD`) that the server's board is computed
//! for, so counts and sums follow it. A query that fails says why on the query
//! line, which stays open, and the last board stays.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::BoardView;
use crate::api::Client;
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Handled};

fn plain(key: &KeyEvent) -> bool {
    !key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

impl BoardView {
    /// The `/` filter as typed ("" when none).
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Filters anew; when the selected lane has no card left, the first lane
    /// that has one is selected.
    pub(super) fn set_filter(&mut self, text: String) {
        self.filter = text;
        let keep = self.selected_key();
        self.refilter(keep.as_deref());
        if self.shown.get(self.lane).is_some_and(Vec::is_empty) {
            if let Some(l) = self.shown.iter().position(|s| !s.is_empty()) {
                self.lane = l;
                self.clamp();
            }
        }
    }

    /// A key while `/` is open: characters narrow, Enter keeps the filter, Esc
    /// drops it, Backspace on nothing closes the line.
    pub(super) fn filter_key(&mut self, key: KeyEvent, action: Option<Action>) -> Handled {
        match key.code {
            KeyCode::Esc => {
                self.filtering = false;
                self.set_filter(String::new());
            }
            KeyCode::Enter => self.filtering = false,
            KeyCode::Backspace => {
                let mut text = self.filter.clone();
                if text.pop().is_none() {
                    self.filtering = false;
                }
                self.set_filter(text);
            }
            KeyCode::Char(c) if plain(&key) => {
                let mut text = self.filter.clone();
                text.push(c);
                self.set_filter(text);
            }
            KeyCode::Up => self.step_card(-1),
            KeyCode::Down => self.step_card(1),
            _ => match action {
                Some(Action::Back | Action::Cancel | Action::ClearFilter) => {
                    self.filtering = false;
                    self.set_filter(String::new());
                }
                _ => return Handled::Ignored,
            },
        }
        Handled::Consumed
    }

    /// Opens the query line on the query the board shows.
    pub(super) fn edit_query(&mut self) {
        self.query_line.input = self.query.clone();
        self.query_line.editing = true;
        self.query_line.error = None;
    }

    /// A key while the query line is open: Enter asks the server for the board
    /// of the query (the line closes when it is in), Esc closes the line.
    pub(super) fn query_key(
        &mut self,
        key: KeyEvent,
        action: Option<Action>,
        ctx: &mut Ctx,
    ) -> Handled {
        match key.code {
            KeyCode::Esc => {
                self.query_line.editing = false;
                self.query_line.error = None;
            }
            KeyCode::Enter => {
                let text = self.query_line.input.trim().to_string();
                if text == self.query {
                    self.query_line.editing = false;
                }
                self.start_load(ctx.api, text);
            }
            KeyCode::Backspace => {
                self.query_line.input.pop();
                self.query_line.error = None;
            }
            KeyCode::Char(c) if plain(&key) => {
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

    /// Ctrl-L: no filter, no query; every open opportunity again.
    pub(super) fn clear(&mut self, client: &Client) {
        self.set_filter(String::new());
        self.query_line.error = None;
        if !self.query.is_empty() {
            self.start_load(client, String::new());
        }
    }

    /// Whether a query other than the board's is being asked for.
    pub(super) fn query_pending(&self) -> bool {
        self.asked && self.query_line.editing
    }
}
