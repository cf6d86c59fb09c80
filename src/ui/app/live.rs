//! The app and the change feed: what other sessions (and this one) changed flows
//! into the open tables, forms and the home pane; undo goes the same way back.

use super::App;
use crate::api::Push;
use crate::model::Lang;

impl App {
    /// Takes back this user's last change; tables and forms hear of it through the
    /// feed like of any other change.
    pub(super) fn undo(&mut self) {
        match self.client.undo() {
            Ok(u) => {
                let records: Vec<String> = u
                    .records
                    .iter()
                    .take(3)
                    .map(|(e, k, _)| {
                        let label =
                            crate::model::entity(e).map_or(e.as_str(), |d| d.label(self.lang));
                        format!("{label} {k}")
                    })
                    .collect();
                let more = u.records.len().saturating_sub(3);
                let more = if more > 0 {
                    format!(" +{more}")
                } else {
                    String::new()
                };
                self.status = match self.lang {
                    Lang::En => format!(
                        "undid your {} of {}: {}{more}",
                        u.via,
                        crate::api::local_time(u.at_ms),
                        records.join(", ")
                    ),
                    Lang::De => format!(
                        "zurückgenommen: {} von {}: {}{more}",
                        u.via,
                        crate::api::local_time(u.at_ms),
                        records.join(", ")
                    ),
                };
                self.home_stale = true;
                if self.feed.is_some() {
                    self.awaiting.get_or_insert_with(std::time::Instant::now);
                } else {
                    for tab in &mut self.tabs {
                        tab.reload();
                    }
                    self.board_heard([], true);
                }
            }
            Err(e) => self.status = e.to_string(),
        }
    }

    /// Users and sessions connected, once the server has said (for the status line).
    pub fn users(&self) -> Option<(usize, usize)> {
        self.users
    }

    /// Takes in what the server pushed since the last frame: changed rows into the
    /// open tables, a changed or deleted record into its open form, the alerts
    /// marked stale; after a gap in the feed, everything is read again.
    pub(super) fn poll_feed(&mut self) {
        let Some(feed) = &self.feed else { return };
        let mut notes = Vec::new();
        let mut resync = false;
        while let Some(push) = feed.next(std::time::Duration::ZERO) {
            match push {
                Push::Changes(note) => notes.push(note),
                Push::Resync => resync = true,
                Push::Users { users, sessions } => self.users = Some((users, sessions)),
                Push::Inbox { unread } => {
                    self.unread = unread;
                    self.home_stale = true;
                }
            }
        }
        if notes.is_empty() && !resync {
            return;
        }
        self.awaiting = None;
        self.home_stale = true;
        self.charts_changed();
        if resync {
            self.board_heard([], true);
            for tab in &mut self.tabs {
                tab.reload();
            }
            for form in &mut self.forms {
                form.resync(&self.client);
            }
            return;
        }
        // Per entity, the keys changed, in the order heard.
        let mut changed: Vec<(&'static crate::model::EntityDef, Vec<String>)> = Vec::new();
        let mut whole: Vec<&'static crate::model::EntityDef> = Vec::new();
        for note in &notes {
            for item in &note.items {
                let Some(def) = crate::model::entity(&item.entity) else {
                    continue;
                };
                match changed.iter_mut().find(|(d, _)| d.name == def.name) {
                    Some((_, keys)) => {
                        if !keys.contains(&item.key) {
                            keys.push(item.key.clone())
                        }
                    }
                    None => changed.push((def, vec![item.key.clone()])),
                }
                for form in &mut self.forms {
                    form.changed_elsewhere(item, &note.user, note.at_ms, &self.client);
                }
            }
            whole.extend(note.more.iter().filter_map(|e| crate::model::entity(e)));
        }
        let heard: Vec<&'static crate::model::EntityDef> = changed
            .iter()
            .map(|(d, _)| *d)
            .chain(whole.iter().copied())
            .collect();
        self.board_heard(heard, false);
        for (tab, mask) in self.tabs.iter_mut().zip(&self.masks) {
            if whole.iter().any(|d| d.name == mask.entity.name) {
                tab.reload();
            } else if let Some((_, keys)) = changed.iter().find(|(d, _)| d.name == mask.entity.name)
            {
                tab.apply_changes(&self.client, keys);
            }
        }
        for (def, _) in &changed {
            for form in &mut self.forms {
                form.refresh_children(&self.client, def);
            }
        }
    }
}
