//! PLACEHOLDER being replaced by the reference picker (see the brief).
use crossterm::event::KeyEvent;
use ratatui::{layout::Rect, Frame};

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled};
use crate::model::{EntityDef, Lang};
use crate::store::Store;

pub struct PickerPopup {
    pub field: &'static str,
}

impl PickerPopup {
    pub fn new(
        _target: &'static EntityDef,
        field: &'static str,
        _current: &str,
        _store: &Store,
    ) -> PickerPopup {
        PickerPopup { field }
    }
}

impl Component for PickerPopup {
    fn context(&self) -> Context {
        Context::Picker
    }
    fn handle(&mut self, _key: KeyEvent, _action: Option<Action>, _ctx: &mut Ctx) -> Handled {
        Handled::Ignored
    }
    fn render(&self, _frame: &mut Frame, _area: Rect, _lang: Lang) {}
}
