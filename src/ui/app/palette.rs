//! The palette's entries: every mask by its English and German name, every action
//! with the key that runs it here, every saved query, and the current mask's
//! records.

use super::{App, Popup, Request, PALETTE_RECORDS};
use crate::model::Lang;
use crate::ui::action::{Action, Context};
use crate::ui::component::Component;
use crate::ui::palette::PaletteEntry;
use crate::ui::palette::PalettePopup;

impl App {
    /// Every action with its key, every mask by its English and German name.
    /// Opens the palette with `query` typed (`export FILE` to be edited).
    pub(super) fn open_palette_with(&mut self, query: &str) {
        let entries = self.palette_entries();
        let mut palette = PalettePopup::new(entries);
        if !query.is_empty() {
            palette.set_query(query);
        }
        self.popups.push(Popup::Palette(palette));
    }

    pub(super) fn palette_entries(&self) -> Vec<PaletteEntry> {
        let context = match self.forms.last() {
            Some(f) => f.context(),
            // The group view offers its own keys.
            None if !self.on_home => self.tabs[self.current].context(),
            None => Context::Table,
        };
        let mut entries = Vec::new();
        for (i, m) in self.masks.iter().enumerate() {
            let other = match self.lang {
                Lang::En => m.name_de,
                Lang::De => m.name_en,
            };
            entries.push(PaletteEntry {
                label: m.name(self.lang).to_string(),
                detail: format!("{} · {other}", m.group.label(self.lang)),
                request: Request::SwitchTab(i),
            });
        }
        for ctx in [context, Context::Global] {
            for b in self.keymap.bindings(ctx) {
                let listed = entries.iter().any(|e| e.request == Request::Run(b.action));
                if listed || b.action == Action::Palette {
                    continue;
                }
                // The key that really runs it where the palette was opened.
                let key = self.keymap.key_for(context, b.action).unwrap_or(&b.on);
                entries.push(PaletteEntry {
                    label: b.desc(self.lang).to_string(),
                    detail: format!("{key} · {}", b.action.name()),
                    request: Request::Run(b.action),
                });
            }
        }
        entries.extend(self.saved_query_entries());
        // The current mask's records by key and name (the loaded rows; the palette
        // prefilters before it scores).
        let mask = &self.masks[self.current];
        for (key, name) in self.tabs[self.current].records(PALETTE_RECORDS) {
            entries.push(PaletteEntry {
                label: key.clone(),
                // The prepared search text is lower-case; it is there to be found.
                detail: format!("{name} · {}", mask.name(self.lang)),
                request: Request::OpenForm {
                    entity: mask.entity,
                    key: Some(key),
                    template: Vec::new(),
                },
            });
        }
        entries
    }

    /// Every saved query as a palette entry.
    fn saved_query_entries(&self) -> Vec<PaletteEntry> {
        let Ok(list) = self.client.saved_queries() else {
            return Vec::new();
        };
        list.into_iter()
            .map(|q| {
                let mask = crate::model::entity(&q.entity)
                    .map_or(q.entity.clone(), |d| d.label(self.lang).to_string());
                let label = match self.lang {
                    Lang::En => format!("Query {}", q.name),
                    Lang::De => format!("Abfrage {}", q.name),
                };
                let about = if q.description.is_empty() {
                    q.query.clone()
                } else {
                    q.description.clone()
                };
                PaletteEntry {
                    label,
                    detail: format!("{about} · {mask}"),
                    request: Request::RunSaved(q.name),
                }
            })
            .collect()
    }
}
