//! Keys into the app: the focused component first, then the app's global actions
//! (palette, help, tabs, home, workflows); an Esc merged with the next key by the
//! terminal reader is taken apart again.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, FindPopup, HelpPopup, Popup};
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Handled, Request};

impl App {
    /// One key press: to the focused component, then the app's own actions, then
    /// every request that produced.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if self.welcome {
            self.handle_welcome_key(key);
            return;
        }
        let context = self.active_view().context();
        // While the table's filter line is open, letters are typed, not run.
        let typing = self.popups.is_empty()
            && self.forms.is_empty()
            && !self.on_home
            && match &self.board {
                Some(b) => b.is_editing(),
                None => self.tabs[self.current].is_editing(),
            };
        let action = if typing {
            self.keymap.resolve_typing(context, &key)
        } else {
            self.keymap.resolve(context, &key)
        };
        if action.is_none() {
            if let Some(after) = escape_then(&key) {
                // Esc and the next key in one read (over SSH) arrive as alt-KEY:
                // unbound, it was meant as the two keys.
                self.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
                self.handle_key(after);
                return;
            }
        }
        self.dispatch(key, action);
    }

    pub(super) fn dispatch(&mut self, key: KeyEvent, action: Option<Action>) {
        let mut requests = Vec::new();
        let handled = {
            let client = self.client.clone();
            let keymap = self.keymap.clone();
            let lang = self.lang;
            let mut ctx = Ctx {
                api: &client,
                keymap: &keymap,
                lang,
                requests: &mut requests,
            };
            self.active().handle(key, action, &mut ctx)
        };
        if handled == Handled::Ignored {
            if let Some(action) = action {
                self.app_action(action, &mut requests);
            }
        }
        self.run_requests(requests);
    }

    /// Actions no component took: the global ones.
    pub(super) fn app_action(&mut self, action: Action, requests: &mut Vec<Request>) {
        let in_group = |app: &App, n: usize| {
            let group = app.masks[app.current].group;
            app.masks
                .iter()
                .enumerate()
                .filter(|(_, m)| m.group == group)
                .nth(n)
                .map(|(i, _)| i)
        };
        match action {
            Action::Quit => requests.push(Request::Quit),
            Action::Help => {
                let context = self.active_view().context();
                self.popups
                    .push(Popup::Help(HelpPopup::new(context, &self.keymap)));
            }
            Action::Palette => self.open_palette_with(""),
            Action::Import => self.open_palette_with("import "),
            Action::Find => self.popups.push(Popup::Find(FindPopup::new())),
            Action::Messages => self.open_messages(),
            // From home, the tabs continue where they were left.
            Action::NextTab if self.is_home() => requests.push(Request::SwitchTab(self.current)),
            Action::NextTab => {
                requests.push(Request::SwitchTab((self.current + 1) % self.masks.len()))
            }
            Action::PrevTab => requests.push(Request::SwitchTab(
                (self.current + self.masks.len() - 1) % self.masks.len(),
            )),
            Action::Tab1
            | Action::Tab2
            | Action::Tab3
            | Action::Tab4
            | Action::Tab5
            | Action::Tab6
            | Action::Tab7
            | Action::Tab8
            | Action::Tab9 => {
                let n = Action::ALL
                    .iter()
                    .position(|a| *a == action)
                    .unwrap_or(0)
                    .saturating_sub(
                        Action::ALL
                            .iter()
                            .position(|a| *a == Action::Tab1)
                            .unwrap_or(0),
                    );
                if let Some(i) = in_group(self, n) {
                    requests.push(Request::SwitchTab(i));
                }
            }
            Action::Back | Action::Cancel => requests.push(Request::Back),
            Action::ConvertRecord if !self.is_home() => self.ask_convert(requests),
            Action::Home => requests.push(Request::GoHome),
            Action::Undo => self.undo(),
            Action::Board => self.status = crate::ui::board::text::not_here(self.lang).into(),
            Action::LogInteraction
            | Action::MarkDone
            | Action::AcceptQuote
            | Action::RejectQuote
            | Action::AddOpportunities
            | Action::SubmitForecast => self.workflow_action(action, requests),
            _ => {}
        }
    }
}

/// The key after an Esc that the terminal reader merged with it: alt and a
/// character (or Enter) without ctrl — ctrl+alt is AltGr on some keyboards.
fn escape_then(key: &KeyEvent) -> Option<KeyEvent> {
    let mods = key.modifiers;
    if !mods.contains(KeyModifiers::ALT) || mods.contains(KeyModifiers::CONTROL) {
        return None;
    }
    matches!(key.code, KeyCode::Char(_) | KeyCode::Enter)
        .then(|| KeyEvent::new(key.code, mods - KeyModifiers::ALT))
}
