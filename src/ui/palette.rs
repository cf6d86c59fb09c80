//! PLACEHOLDER being replaced by the command palette (see the brief).
use crossterm::event::KeyEvent;
use ratatui::{layout::Rect, Frame};

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use crate::model::Lang;

/// One thing the palette can run or jump to.
#[derive(Debug, Clone, PartialEq)]
pub struct PaletteEntry {
    /// What the user searches and sees ("Opportunities", "Save the record").
    pub label: String,
    /// Shown dimmed beside the label: the key, the German name, the kind.
    pub detail: String,
    /// What choosing it asks of the app.
    pub request: Request,
}

pub struct PalettePopup {
    pub entries: Vec<PaletteEntry>,
}

impl PalettePopup {
    pub fn new(entries: Vec<PaletteEntry>) -> PalettePopup {
        PalettePopup { entries }
    }
}

impl Component for PalettePopup {
    fn context(&self) -> Context {
        Context::Palette
    }
    fn handle(&mut self, _key: KeyEvent, _action: Option<Action>, _ctx: &mut Ctx) -> Handled {
        Handled::Ignored
    }
    fn render(&self, _frame: &mut Frame, _area: Rect, _lang: Lang) {}
}
