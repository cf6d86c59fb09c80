//! The user's columns per mask: read from `columns.toml` (see `ui::config`) when
//! the app starts, kept there when the column chooser (`c`) or `:columns A,B,C`
//! changes them; without a file (tests, scripted runs) they last the session.

use std::path::PathBuf;

use super::App;
use crate::model::{columns, Lang};
use crate::ui::config::ColumnChoices;

impl App {
    /// The app with the user's column choices from `path` (None: none are kept).
    pub fn with_column_file(mut self, path: Option<PathBuf>) -> App {
        self.column_file = path;
        let choices = match &self.column_file {
            Some(path) => ColumnChoices::load(path),
            None => Ok(ColumnChoices::default()),
        };
        match choices {
            Ok(c) => self.column_choices = c,
            Err(e) => self.status = e,
        }
        let mut bad = Vec::new();
        for (tab, mask) in self.tabs.iter_mut().zip(&self.masks) {
            let Some(text) = self.column_choices.columns.get(mask.name_en) else {
                continue;
            };
            match columns::parse_list(mask.entity, text) {
                Ok(chosen) => tab.set_own_columns(Some(chosen)),
                Err(e) => bad.push(format!("{}: {e}", mask.name_en)),
            }
        }
        if let (Some(first), Some(path)) = (bad.first(), &self.column_file) {
            self.status = format!(
                "{}: {first}; the mask shows its default columns (choose again with c)",
                path.display()
            );
        }
        self
    }

    /// Keeps a mask's columns (None: its defaults again) for the next start.
    pub(super) fn save_columns(&mut self, mask: &str, text: Option<String>) {
        match text {
            Some(t) => self.column_choices.columns.insert(mask.to_string(), t),
            None => self.column_choices.columns.remove(mask),
        };
        let saved = match &self.column_file {
            Some(path) => self.column_choices.save(path),
            None => Ok(()),
        };
        self.status = match (saved, self.lang) {
            (Err(e), _) => e,
            (Ok(()), Lang::En) => format!("columns of {mask} kept"),
            (Ok(()), Lang::De) => format!("Spalten von {mask} behalten"),
        };
    }

    /// `:columns` opens the chooser; `:columns A,B,C` shows (and keeps) those.
    pub(super) fn columns_command(&mut self, text: &str, queue: &mut Vec<super::Request>) {
        if self.is_home() || !self.forms.is_empty() {
            return self.say(
                "columns are chosen in a table: open a mask, then c or :columns",
                "Spalten werden in einer Tabelle gewählt: eine Maske öffnen, dann c oder :columns",
            );
        }
        let tab = &mut self.tabs[self.current];
        if text.trim().is_empty() {
            tab.open_columns();
            return;
        }
        match columns::parse_list(self.masks[self.current].entity, text) {
            Ok(chosen) => {
                let mut requests = Vec::new();
                {
                    let client = self.client.clone();
                    let keymap = self.keymap.clone();
                    let mut ctx = crate::ui::component::Ctx {
                        api: &client,
                        keymap: &keymap,
                        lang: self.lang,
                        requests: &mut requests,
                    };
                    self.tabs[self.current].keep_columns(&chosen, &mut ctx);
                }
                queue.extend(requests);
            }
            Err(e) => self.status = e,
        }
    }
}
