//! The status line's message belongs to where it was said: switching the tab,
//! opening a form, going home or to the board clears it (going back from a form
//! keeps the form's last word, "saved"). Every
//! message is kept (the last `messages::KEPT`), so that one cut by the status
//! line's width can be read whole in the messages popup.

use super::{App, Popup};
use crate::ui::messages::{Message, MessagesPopup, KEPT};

/// Where the user is, as far as a message is concerned.
pub(super) type Place = (usize, usize, bool, bool);

impl App {
    fn place(&self) -> Place {
        (
            self.current,
            self.forms.len(),
            self.on_home,
            self.board.is_some(),
        )
    }

    /// Notes a new status message (and where it was said) and clears one that
    /// the user has moved away from. Run before each frame.
    pub(super) fn track_status(&mut self) {
        let place = self.place();
        if self.status != self.status_seen {
            self.status_seen.clone_from(&self.status);
            self.status_place = place;
            // Demo loading counts in the status line: its end is the message.
            if !self.status.is_empty() && self.demo_loading.is_none() {
                if self.messages.len() == KEPT {
                    self.messages.remove(0);
                }
                self.messages.push(Message {
                    at: chrono::Local::now().format("%H:%M:%S").to_string(),
                    text: crate::util::safe_text(&self.status),
                });
            }
        } else if place != self.status_place && !self.status.is_empty() {
            let (mask, depth, home, board) = place;
            let (said_mask, said_depth, said_home, said_board) = self.status_place;
            // Back from a form ("saved", then esc) keeps its message; anywhere
            // else (another mask, another form, home, the board) drops it.
            if (mask, home, board) == (said_mask, said_home, said_board) && depth < said_depth {
                self.status_place = place;
            } else {
                self.status.clear();
                self.status_seen.clear();
            }
        }
    }

    /// The recent messages, oldest first.
    pub fn messages(&self) -> Vec<String> {
        self.messages.iter().map(|m| m.text.clone()).collect()
    }

    pub(super) fn open_messages(&mut self) {
        let popup = MessagesPopup::new(self.messages.clone());
        self.popups.push(Popup::Messages(popup));
    }
}
