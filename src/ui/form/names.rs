//! The names beside a form's reference fields (`PRO0000778 — Hanse Robotik
//! GmbH`): from the server's name cache when the form is read, and asked for
//! when a pick (or a new record's template) puts another key into a field.

use super::FormView;
use crate::api::Client;
use crate::model;

impl FormView {
    /// The name shown beside a reference field: the named record's, while the
    /// field holds its key.
    pub fn reference_name(&self, field: &str) -> Option<&str> {
        let text = self.field_text(field)?;
        let key = text.trim();
        self.names
            .iter()
            .find(|(f, k, _)| f == field && k.eq_ignore_ascii_case(key))
            .map(|(_, _, name)| name.as_str())
    }

    /// Names the record a reference field now holds (a pick, a template).
    pub fn name_reference(&mut self, field: &str, key: &str, client: &Client) {
        let Some(target) = self
            .entity
            .field(field)
            .and_then(|f| f.kind.target())
            .and_then(model::entity)
        else {
            return;
        };
        let key = key.trim().to_uppercase();
        if key.is_empty() || self.names.iter().any(|(f, k, _)| f == field && *k == key) {
            return;
        }
        if let Ok(mut names) = client.names(target, vec![key.clone()]) {
            let name = names.pop().unwrap_or_default();
            if !name.is_empty() {
                self.names.push((field.to_string(), key, name));
            }
        }
    }

    /// Names every reference a new record starts with (its template, "me").
    pub(super) fn name_references(&mut self, client: &Client) {
        for (i, f) in self.entity.fields.iter().enumerate() {
            if let (model::FieldKind::Ref(_), model::Value::Text(key)) =
                (f.kind, self.record.get(i))
            {
                self.name_reference(f.name, &key, client);
            }
        }
    }
}
