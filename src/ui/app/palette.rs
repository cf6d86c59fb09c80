//! The palette's entries: every mask by its English and German name, every action
//! with the key that runs it here, every saved query, and the current mask's
//! records.

use super::{App, Popup, Request, PALETTE_RECORDS};
use crate::model::{Entity, Lang, SavedQuery};
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
        if let Some(field) = self.tabs[self.current].records_field() {
            palette = palette.with_record_names(self.masks[self.current].entity, field);
        }
        if !query.is_empty() {
            palette.set_query(query);
        }
        self.popups.push(Popup::Palette(palette));
    }

    pub(super) fn palette_entries(&self) -> Vec<PaletteEntry> {
        let context = self
            .forms
            .last()
            .map(|f| f.context())
            .or_else(|| self.board.as_ref().map(|b| b.context()))
            .unwrap_or_else(|| self.main_context());
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
        entries.push(crate::ui::board::palette_entry(self.lang));
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
        // In the Queries mask the records are the saved queries above: `:NAME⏎`
        // runs one rather than opening its record.
        let limit = if mask.entity == SavedQuery::DEF {
            0
        } else {
            PALETTE_RECORDS
        };
        for (key, name) in self.tabs[self.current].records(limit) {
            entries.push(PaletteEntry {
                label: key.clone(),
                // The prepared search text is lower-case, to be found; the palette
                // shows the record's own text once the entry is on screen.
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
