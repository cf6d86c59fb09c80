//! The app and what is not a single key: a paste (bracketed, so it arrives whole),
//! a burst of typed characters (inserted at once: each edit of the text input costs
//! time in proportion to its text), and ctrl-z, which suspends crm where the keymap
//! gives it nothing to do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::App;

impl App {
    /// Pasted text: into the focused form input as one edit, or typed into the
    /// table's open filter line or the chart's prompt. Anywhere else it is
    /// dropped, so pasted letters never run as commands.
    pub fn paste(&mut self, text: &str) {
        if self.welcome || !self.popups.is_empty() {
            return;
        }
        if let Some(form) = self.forms.last_mut() {
            form.paste(text);
        } else if !self.on_home
            && (self.tabs[self.current].is_editing()
                || self.chart().is_some_and(|c| c.prompt().is_some()))
        {
            for c in text.chars().filter(|c| !c.is_control()) {
                self.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            }
        }
    }

    /// Whether typed characters go straight into a form input now; the event loop
    /// then inserts a burst of them with `type_text`, as one edit.
    pub fn takes_typing(&self) -> bool {
        !self.welcome
            && self.popups.is_empty()
            && self.forms.last().is_some_and(|f| f.takes_typing())
    }

    /// Keys typed while the current table's query ran, handled now that it has
    /// its result.
    pub(super) fn replay_typeahead(&mut self) {
        if self.on_home || !self.forms.is_empty() {
            return;
        }
        for key in self.tabs[self.current].take_typeahead() {
            self.handle_key(key);
        }
    }

    /// Characters typed into the focused form input (see `takes_typing`).
    pub fn type_text(&mut self, text: &str) {
        if let Some(form) = self.forms.last_mut() {
            form.paste(text);
        }
    }

    /// Whether a key suspends crm (as ctrl-z does in a shell): ctrl-z, unless the
    /// keymap binds it where the key goes (the form's undo).
    pub fn suspends_on(&self, key: &KeyEvent) -> bool {
        let ctrl_z = key.code == KeyCode::Char('z') && key.modifiers == KeyModifiers::CONTROL;
        ctrl_z
            && (self.welcome
                || self
                    .keymap
                    .resolve(self.active_view().context(), key)
                    .is_none())
    }
}
