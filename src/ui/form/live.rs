//! A form and the change feed: its record changed or deleted by someone else
//! while it is open, and reading it again after a gap in the feed.

use super::FormView;
use crate::api::{local_time, ChangeKind, Changed, Client};

impl FormView {
    /// The feed says a record changed. When it is this form's, at a newer
    /// revision than the form read: an untouched form shows the new version, an
    /// edited one says who changed it (its save will merge), a deleted one offers
    /// to save it as new.
    pub fn changed_elsewhere(&mut self, item: &Changed, user: &str, at_ms: i64, client: &Client) {
        if !self.saved || item.entity != self.entity.name || item.key != self.record.key() {
            return;
        }
        if item.rev <= self.rev && item.kind != ChangeKind::Deleted {
            return;
        }
        let when = local_time(at_ms);
        match item.kind {
            ChangeKind::Deleted => {
                if self.gone {
                    return;
                }
                self.gone = true;
                self.notice = Some(format!(
                    "deleted by {user} at {when} — {} saves it as new",
                    "Ctrl-S"
                ));
            }
            _ if self.is_dirty() => {
                self.gone = false;
                self.notice = Some(format!(
                    "changed by {user} at {when} — saving keeps their change beside yours"
                ));
                self.load_children(client);
            }
            _ => {
                self.gone = false;
                self.reload(client);
                self.notice = Some(format!("changed by {user} at {when} (shown)"));
            }
        }
    }

    /// After a gap in the feed: an untouched form reads its record again.
    pub fn resync(&mut self, client: &Client) {
        if self.saved && !self.is_dirty() {
            self.reload(client);
        } else {
            self.load_children(client);
        }
    }

    /// Reads the stored record again into the inputs, keeping the focused field.
    pub(super) fn reload(&mut self, client: &Client) {
        match client.form_data(self.entity, self.record.key()) {
            Ok(data) => {
                self.take(data);
                let focus = self.focus;
                self.load_inputs();
                self.focus_row(if self.inputs.get(focus).is_some_and(|i| i.editable) {
                    focus
                } else {
                    self.focus
                });
            }
            Err(e) => self.message = Some(e.to_string()),
        }
    }
}
