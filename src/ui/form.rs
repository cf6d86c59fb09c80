//! PLACEHOLDER being replaced by the form view (see the brief).
use crossterm::event::KeyEvent;
use ratatui::{layout::Rect, Frame};

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled};
use crate::model::{EntityDef, Lang};
use crate::store::Store;

pub struct FormView {
    pub entity: &'static EntityDef,
}

impl FormView {
    pub fn open(
        entity: &'static EntityDef,
        _key: Option<String>,
        _template: Vec<(String, String)>,
        _store: &Store,
    ) -> Result<FormView, String> {
        Ok(FormView { entity })
    }
    pub fn is_dirty(&self) -> bool {
        false
    }
    pub fn apply_pick(&mut self, _field: &str, _key: &str) {}
    pub fn title(&self) -> String {
        self.entity.label_en.to_string()
    }
}

impl Component for FormView {
    fn context(&self) -> Context {
        Context::Form
    }
    fn handle(&mut self, _key: KeyEvent, _action: Option<Action>, _ctx: &mut Ctx) -> Handled {
        Handled::Ignored
    }
    fn render(&self, _frame: &mut Frame, _area: Rect, _lang: Lang) {}
}
