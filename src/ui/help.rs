//! PLACEHOLDER being replaced by the help popup and hint bar (see the brief).
use crossterm::event::KeyEvent;
use ratatui::{layout::Rect, text::Line, Frame};

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled};
use super::keymap::Keymap;
use crate::model::Lang;

/// The hint bar: the context's main actions with their keys, from the keymap.
pub fn hint_line(
    _keymap: &Keymap,
    _context: Context,
    _actions: &[Action],
    _lang: Lang,
) -> Line<'static> {
    Line::default()
}

pub struct HelpPopup {
    pub context: Context,
}

impl HelpPopup {
    pub fn new(context: Context, _keymap: &Keymap) -> HelpPopup {
        HelpPopup { context }
    }
}

impl Component for HelpPopup {
    fn context(&self) -> Context {
        Context::Help
    }
    fn handle(&mut self, _key: KeyEvent, _action: Option<Action>, _ctx: &mut Ctx) -> Handled {
        Handled::Ignored
    }
    fn render(&self, _frame: &mut Frame, _area: Rect, _lang: Lang) {}
}
