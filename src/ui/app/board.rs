//! The app and the pipeline board: opened over the Opportunities mask (`b` in
//! its table, `:board` from anywhere), closed by Back, a tab switch or home, and
//! read again when what it shows changes.

use super::{App, Request};
use crate::model::EntityDef;
use crate::ui::board::{self, BoardView};

impl App {
    /// The board, while it is open (a form may be over it).
    pub fn board(&self) -> Option<&BoardView> {
        self.board.as_ref()
    }

    /// The board, when it is what shows: open, and no form over it.
    pub(super) fn shown_board(&self) -> Option<&BoardView> {
        self.board.as_ref().filter(|_| self.forms.is_empty())
    }

    /// Shows the board over the mask of the records it shows (after asking, if
    /// open forms have changes); an open board stays as it is.
    pub(super) fn open_board(&mut self, queue: &mut Vec<Request>) {
        if let Some(guard) = self.form_guard(true, Request::OpenBoard) {
            queue.push(guard);
            return;
        }
        self.forms.clear();
        self.on_home = false;
        // The table mask of its records (a report mask may be about them too).
        let table = |m: &crate::ui::masks::Mask| m.report.is_none() && board::shows(m.entity);
        if let Some(i) = self.masks.iter().position(table) {
            self.current = i;
        }
        if self.board.is_none() {
            self.board = Some(BoardView::new(self.home.today()));
        }
    }

    /// Records of these entities changed (or, with `all`, anything may have):
    /// the board reads again if it shows them.
    pub(super) fn board_heard<'a>(
        &mut self,
        changed: impl IntoIterator<Item = &'a EntityDef>,
        all: bool,
    ) {
        let Some(b) = &mut self.board else { return };
        if all || changed.into_iter().any(BoardView::hears) {
            b.reload();
        }
    }
}
