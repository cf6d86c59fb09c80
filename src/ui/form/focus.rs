//! Moving the focus: over the editable inputs, then on into the child lists below
//! them, whose rows open the child's own form.

use crossterm::event::{KeyCode, KeyEvent};

use super::FormView;

/// The row index that stands for a child list's heading.
pub(super) const HEADING: usize = usize::MAX;
use crate::ui::component::{Ctx, Handled, Request};

impl FormView {
    /// Focuses an input (and leaves the child lists).
    pub(super) fn focus_row(&mut self, row: usize) {
        self.child_focus = None;
        if let Some(old) = self.inputs.get_mut(self.focus) {
            old.set_focused(false);
        }
        self.focus = row.min(self.inputs.len().saturating_sub(1));
        if let Some(new) = self.inputs.get_mut(self.focus) {
            new.set_focused(true);
        }
    }

    /// Every child list's heading and rows, in screen order. A heading takes the
    /// focus too, so that a list with no rows yet can get its first one (`n`).
    /// The History list follows them as one more list, whose rows show a change.
    fn child_rows(&self) -> Vec<(usize, usize)> {
        let history = self.children.len();
        self.children
            .iter()
            .enumerate()
            .flat_map(|(l, list)| {
                std::iter::once((l, HEADING)).chain((0..list.rows.len()).map(move |r| (l, r)))
            })
            .chain((0..self.history.len()).map(move |r| (history, r)))
            .collect()
    }

    /// The focused History entry, if a History row has the focus.
    pub fn focused_history(&self) -> Option<usize> {
        match self.child_focus? {
            (l, r) if l == self.children.len() && r < self.history.len() => Some(r),
            _ => None,
        }
    }

    /// The field holding the focused child list, when the record keeps it itself.
    pub fn focused_list_field(&self) -> Option<&'static crate::model::FieldDef> {
        let (l, _) = self.child_focus?;
        self.children.get(l)?.field
    }

    /// The entity of the child list that has the focus (on its heading or a row).
    pub fn focused_list(&self) -> Option<&'static crate::model::EntityDef> {
        let (l, _) = self.child_focus?;
        Some(self.children.get(l)?.entity)
    }

    /// The focused child row, as (entity, key).
    pub fn focused_child(&self) -> Option<(&'static crate::model::EntityDef, &str)> {
        let (l, r) = self.child_focus?;
        let list = self.children.get(l)?;
        Some((list.entity, list.rows.get(r)?.0.as_str()))
    }

    fn step_forward(&mut self) {
        let rows = self.child_rows();
        match self.child_focus {
            Some(at) => {
                if let Some(i) = rows.iter().position(|&p| p == at) {
                    if let Some(&next) = rows.get(i + 1) {
                        self.child_focus = Some(next);
                    }
                }
            }
            None => {
                let next = (self.focus + 1..self.inputs.len()).find(|&r| self.inputs[r].editable);
                match (next, rows.first()) {
                    (Some(r), _) => self.focus_row(r),
                    (None, Some(&first)) => {
                        if let Some(input) = self.inputs.get_mut(self.focus) {
                            input.set_focused(false);
                        }
                        self.child_focus = Some(first);
                    }
                    (None, None) => {}
                }
            }
        }
    }

    fn step_back(&mut self) {
        match self.child_focus {
            Some(at) => {
                let rows = self.child_rows();
                match rows.iter().position(|&p| p == at) {
                    Some(i) if i > 0 => self.child_focus = Some(rows[i - 1]),
                    // Back from the first child row to the last field.
                    _ => self.focus_row(self.focus),
                }
            }
            None => {
                if let Some(r) = (0..self.focus).rev().find(|&r| self.inputs[r].editable) {
                    self.focus_row(r);
                }
            }
        }
    }

    /// Moves the focus by `steps` rows (negative: backwards), stopping at the ends.
    pub(super) fn move_focus(&mut self, steps: isize) {
        for _ in 0..steps.unsigned_abs() {
            if steps > 0 {
                self.step_forward();
            } else {
                self.step_back();
            }
        }
    }

    /// Up: within a notes input first, then to the row above.
    pub(super) fn up(&mut self) {
        match self.inputs.get_mut(self.focus) {
            Some(i) if self.child_focus.is_none() && i.is_multiline() && !i.at_top() => {
                i.cursor_up()
            }
            _ => self.step_back(),
        }
    }

    pub(super) fn down(&mut self) {
        match self.inputs.get_mut(self.focus) {
            Some(i) if self.child_focus.is_none() && i.is_multiline() && !i.at_bottom() => {
                i.cursor_down()
            }
            _ => self.step_forward(),
        }
    }

    /// Opens the focused child's form.
    pub(super) fn open_child(&self, ctx: &mut Ctx) -> Handled {
        match self.focused_child() {
            Some((entity, key)) => {
                ctx.request(Request::OpenForm {
                    entity,
                    key: Some(key.to_string()),
                    template: Vec::new(),
                });
                Handled::Consumed
            }
            None => Handled::Ignored,
        }
    }

    /// A key no action took while a child row has the focus.
    pub(super) fn child_key(&mut self, key: KeyEvent) -> Handled {
        match key.code {
            KeyCode::Tab | KeyCode::Down => self.step_forward(),
            KeyCode::BackTab | KeyCode::Up => self.step_back(),
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }
}
