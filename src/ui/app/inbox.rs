//! The app and the inbox: answers to held changes, asked for from the home pane,
//! go through the client; the server's answer shows in the status line.

use super::{App, Popup};
use crate::ui::component::Request;
use crate::ui::palette::PalettePopup;

impl App {
    pub(super) fn inbox_request(&mut self, request: Request) {
        match request {
            Request::Answer {
                approval,
                approve,
                reason,
            } => {
                self.status = match self.client.answer(approval, approve, &reason) {
                    Ok(said) => crate::util::safe_text(&said),
                    Err(e) => e.to_string(),
                };
                self.home_stale = true;
            }
            // The palette as a prompt: nothing to match, its line says what Enter does.
            Request::AskReject(approval) => {
                let mut palette = PalettePopup::new(Vec::new());
                palette.set_query(&format!("reject {approval} "));
                self.popups.push(Popup::Palette(palette));
            }
            _ => {}
        }
    }

    /// This user's unread messages, as the server last said.
    pub fn unread(&self) -> usize {
        self.unread
    }
}
