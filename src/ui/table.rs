//! PLACEHOLDER being replaced by the table view (see the brief).
use crossterm::event::KeyEvent;
use ratatui::{layout::Rect, Frame};

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled};
use super::masks::Mask;
use crate::model::Lang;

pub struct TableView {
    pub mask: Mask,
}

impl TableView {
    pub fn new(mask: Mask) -> TableView {
        TableView { mask }
    }
    pub fn selected_key(&self) -> Option<String> {
        None
    }
    pub fn reload(&mut self) {}
    /// "n of m" for the status line.
    pub fn position(&self) -> (usize, usize) {
        (0, 0)
    }
}

impl Component for TableView {
    fn context(&self) -> Context {
        Context::Table
    }
    fn handle(&mut self, _key: KeyEvent, _action: Option<Action>, _ctx: &mut Ctx) -> Handled {
        Handled::Ignored
    }
    fn render(&self, _frame: &mut Frame, _area: Rect, _lang: Lang) {}
}
