//! The record entries' texts as the records spell them. The palette searches the
//! table's prepared lower-case texts (no record is decoded to match), so those are
//! what a record entry carries; the few entries on screen are read from the
//! records in `prepare` and shown with their own case.

use std::collections::HashMap;

use super::PaletteEntry;
use crate::api::Client;
use crate::model::{format_value, EntityDef};
use crate::ui::component::Request;

/// The texts of one entity's record entries, read as they come on screen.
pub struct RecordNames {
    def: &'static EntityDef,
    /// The field whose text the entries carry (the table's first column).
    field: usize,
    /// Record key → its field text (empty when the record is gone).
    read: HashMap<String, String>,
}

impl RecordNames {
    pub fn new(def: &'static EntityDef, field: usize) -> RecordNames {
        RecordNames {
            def,
            field,
            read: HashMap::new(),
        }
    }

    fn key_of<'e>(&self, entry: &'e PaletteEntry) -> Option<&'e str> {
        match &entry.request {
            Request::OpenForm {
                entity,
                key: Some(key),
                ..
            } if *entity == self.def => Some(key),
            _ => None,
        }
    }

    /// Reads the records of these entries not read yet (one call for all).
    pub fn read<'e>(&mut self, api: &Client, entries: impl Iterator<Item = &'e PaletteEntry>) {
        let keys: Vec<String> = entries
            .filter_map(|e| self.key_of(e))
            .filter(|k| !self.read.contains_key(*k))
            .map(str::to_string)
            .collect();
        if keys.is_empty() {
            return;
        }
        let Ok(records) = api.get_many(self.def, keys.clone()) else {
            return;
        };
        let kind = &self.def.fields[self.field].kind;
        for (key, record) in keys.into_iter().zip(records) {
            let text = record
                .map(|r| crate::util::safe_text(&format_value(kind, &r.get(self.field))))
                .unwrap_or_default();
            self.read.insert(key, text);
        }
    }

    /// The entry's detail with the record's own text in front, once read.
    pub fn detail(&self, entry: &PaletteEntry) -> Option<String> {
        let text = self.read.get(self.key_of(entry)?)?;
        let (_, rest) = entry.detail.split_once(" · ")?;
        Some(if text.is_empty() {
            rest.to_string()
        } else {
            format!("{text} · {rest}")
        })
    }
}
