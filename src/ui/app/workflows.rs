//! Workflows started from the TUI: converting a prospect or a lead, after a
//! confirmation; the store work happens in `ops`.

use super::{App, Request};
use crate::model::{EntityDef, Lang, Lead};
use crate::ops::convert::convert_prospect;
use crate::ops::lead::convert_lead;

impl App {
    /// Asks whether to convert the record under the cursor (or in the form).
    pub(super) fn ask_convert(&mut self, requests: &mut Vec<Request>) {
        let (entity, key) = match self.forms.last() {
            Some(f) => (f.entity, f.key().map(str::to_string)),
            None => (
                self.masks[self.current].entity,
                self.tabs[self.current].selected_key(),
            ),
        };
        let into = match (entity.name, self.lang) {
            ("prospect", Lang::En) => "a customer",
            ("prospect", Lang::De) => "einen Kunden",
            ("lead", Lang::En) => "an opportunity",
            ("lead", Lang::De) => "eine Verkaufschance",
            _ => {
                self.status = match self.lang {
                    Lang::En => "only prospects and leads convert".into(),
                    Lang::De => "nur Interessenten und Leads lassen sich umwandeln".into(),
                };
                return;
            }
        };
        if let Some(key) = key {
            let label = entity.label(self.lang);
            requests.push(Request::Confirm {
                message: match self.lang {
                    Lang::En => format!("Convert {label} {key} into {into}?"),
                    Lang::De => format!("{label} {key} in {into} umwandeln?"),
                },
                then: Box::new(Request::Convert { entity, key }),
            });
        }
    }

    /// Runs a conversion; on success the new record's form opens and every list of
    /// the entities it touched reloads.
    pub(super) fn convert(
        &mut self,
        entity: &'static EntityDef,
        key: &str,
        queue: &mut Vec<Request>,
    ) {
        let result = match entity.name {
            "prospect" => convert_prospect(&self.store, key).map(|d| ("customer", d.customer)),
            // A lead without customer or prospect gets its prospect made first.
            _ => {
                let bare = self
                    .store
                    .get_as::<Lead>(key)
                    .ok()
                    .flatten()
                    .is_some_and(|l| l.customer.is_empty() && l.prospect.is_empty());
                convert_lead(&self.store, key, bare).map(|d| ("opportunity", d.opportunity))
            }
        };
        match result {
            Ok((target, new_key)) => {
                let target = crate::model::entity(target).expect("registered");
                self.status = format!(
                    "{} {key} → {} {new_key}",
                    entity.label(self.lang),
                    target.label(self.lang)
                );
                for def in crate::model::ENTITIES {
                    queue.push(Request::Changed { entity: def });
                }
                self.forms.clear();
                queue.push(Request::OpenForm {
                    entity: target,
                    key: Some(new_key),
                    template: Vec::new(),
                });
            }
            Err(e) => self.status = e.to_string(),
        }
    }

    /// Opens a record's form in its mask (after asking, if open forms have
    /// changes): the first mask of its entity whose narrowing field it has set.
    pub(super) fn open_record(
        &mut self,
        entity: &'static EntityDef,
        key: String,
        queue: &mut Vec<Request>,
    ) {
        let again = Request::OpenRecord {
            entity,
            key: key.clone(),
        };
        if let Some(guard) = self.form_guard(true, again) {
            queue.push(guard);
            return;
        }
        let record = self.store.get(entity, &key).ok().flatten();
        let has = |field: &str| record.as_ref().is_some_and(|r| !r.value(field).is_empty());
        let mask = self
            .masks
            .iter()
            .position(|m| m.entity == entity && m.only_with.is_none_or(has))
            .or_else(|| self.masks.iter().position(|m| m.entity == entity));
        let Some(mask) = mask else {
            self.status = match self.lang {
                Lang::En => format!("no mask shows {} records", entity.label(self.lang)),
                Lang::De => format!("keine Maske zeigt {}", entity.label(self.lang)),
            };
            return;
        };
        self.forms.clear();
        self.current = mask;
        queue.push(Request::OpenForm {
            entity,
            key: Some(key),
            template: Vec::new(),
        });
    }
}
