//! PLACEHOLDER being replaced by the keymap implementation (see the brief).
use crossterm::event::KeyEvent;

use super::action::{Action, Context};
use crate::model::Lang;

/// One key binding of a context.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The key as written in the file ("ctrl-p", "?", "G", "enter").
    pub on: String,
    pub action: Action,
    pub desc_en: String,
    pub desc_de: String,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {}

impl Keymap {
    /// A shipped keymap ("default", "vim", "emacs") with the user's file laid over it.
    pub fn load(_name: &str, _user_file: Option<&std::path::Path>) -> Result<Keymap, String> {
        Ok(Keymap {})
    }
    /// The embedded default keymap.
    pub fn builtin() -> Keymap {
        Keymap {}
    }
    /// The action a key means in `context` (falling back to global where fitting).
    pub fn resolve(&self, _context: Context, _key: &KeyEvent) -> Option<Action> {
        None
    }
    /// The bindings of one context, in file order.
    pub fn bindings(&self, _context: Context) -> &[Binding] {
        &[]
    }
    /// The key shown for an action in a context (or global), e.g. "ctrl-p".
    pub fn key_for(&self, _context: Context, _action: Action) -> Option<&str> {
        None
    }
    /// The description of an action in a context (or global).
    pub fn describe(&self, _context: Context, _action: Action, _lang: Lang) -> Option<&str> {
        None
    }
}
