//! A save that met another user's change to the same fields: the stored version
//! is read, the form keeps the user's other changes, and the user chooses per
//! field between theirs and the other user's value.

use crossterm::event::{KeyCode, KeyEvent};

use super::FormView;
use crate::api::ConflictField;
use crate::ui::component::{Ctx, Handled};

/// The fields both this form and another user changed, and the choice made for
/// each (true: keep mine).
pub struct Conflict {
    pub by: String,
    pub fields: Vec<ConflictField>,
    pub keep_mine: Vec<bool>,
    pub cursor: usize,
}

impl FormView {
    /// Another user changed fields this form changed too: the stored version is
    /// read, and the user chooses per field (the form's other changes stay).
    pub(super) fn open_conflict(&mut self, fields: Vec<ConflictField>, ctx: &mut Ctx) {
        let by = fields
            .first()
            .map_or_else(|| "another user".to_string(), |f| f.by.clone());
        // Mine: every input the user changed, as typed.
        let mine: Vec<(&'static str, String)> = self
            .inputs
            .iter()
            .filter(|i| i.is_modified())
            .map(|i| (i.name(), i.text()))
            .collect();
        match ctx.api.form_data(self.entity, self.record.key()) {
            Ok(data) => {
                self.take(data);
                let focus = self.focus;
                self.load_inputs();
                // On top of theirs, every change of mine; the conflicting ones
                // stay mine until the user takes theirs.
                for (name, text) in mine {
                    if let Some(row) = self.row_of(name) {
                        self.inputs[row].set_text(&text);
                    }
                }
                self.focus_row(focus);
            }
            Err(e) => {
                self.message = Some(e.to_string());
                return;
            }
        }
        let n = fields.len();
        self.conflict = Some(Conflict {
            by,
            fields,
            keep_mine: vec![true; n],
            cursor: 0,
        });
    }

    /// Applies the choice: a field taken from the other user gets their value back.
    pub(super) fn resolve_conflict(&mut self) {
        let Some(c) = self.conflict.take() else {
            return;
        };
        for (f, mine) in c.fields.iter().zip(&c.keep_mine) {
            if !mine {
                if let Some(row) = self.row_of(&f.field) {
                    self.inputs[row].set_text(&f.theirs);
                }
            }
        }
        let kept: Vec<&str> = c
            .fields
            .iter()
            .zip(&c.keep_mine)
            .filter(|(_, m)| **m)
            .map(|(f, _)| f.field.as_str())
            .collect();
        self.notice = Some(if kept.is_empty() {
            format!(
                "took {}'s values; the form holds your other changes — save to keep them",
                c.by
            )
        } else {
            format!(
                "keeping yours for {} over {}'s — save to store it",
                kept.join(", "),
                c.by
            )
        });
    }

    /// Keys while the conflict is open: ↑/↓ a field, m/← keep mine, t/→ take
    /// theirs, Enter done, Esc edit (every field mine, to change by hand).
    pub(super) fn conflict_key(&mut self, key: KeyEvent) -> Handled {
        let Some(c) = self.conflict.as_mut() else {
            return Handled::Ignored;
        };
        let n = c.fields.len();
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => c.cursor = c.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                c.cursor = (c.cursor + 1).min(n.saturating_sub(1))
            }
            KeyCode::Char('m') | KeyCode::Left => {
                c.keep_mine[c.cursor] = true;
                c.cursor = (c.cursor + 1).min(n.saturating_sub(1));
            }
            KeyCode::Char('t') | KeyCode::Right => {
                c.keep_mine[c.cursor] = false;
                c.cursor = (c.cursor + 1).min(n.saturating_sub(1));
            }
            KeyCode::Char('M') => c.keep_mine.iter_mut().for_each(|m| *m = true),
            KeyCode::Char('T') => c.keep_mine.iter_mut().for_each(|m| *m = false),
            KeyCode::Enter => self.resolve_conflict(),
            KeyCode::Esc => {
                c.keep_mine.iter_mut().for_each(|m| *m = true);
                self.resolve_conflict();
            }
            _ => {}
        }
        Handled::Consumed
    }
}
