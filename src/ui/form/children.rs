//! The records that hang off a record (an opportunity's tasks and quotes, a
//! customer's contacts, interactions and opportunities), read when the form opens
//! or saves, never while it draws.

use crate::model::{self, format_value, EntityDef, Lang, Record};
use crate::store::Store;

/// At most this many children of one kind are read and listed.
pub const MAX_CHILDREN: usize = 50;

/// (parent, child entity, field of the child that leads on to the record shown).
/// Contacts hang off customers and prospects through cross-references.
const RELATIONS: &[(&str, &str, Option<&str>)] = &[
    ("opportunity", "opportunity_task", None),
    ("opportunity", "quote", None),
    ("prospect", "contact_xref", Some("contact")),
    ("prospect", "interaction", None),
    ("prospect", "opportunity", None),
    ("customer", "contact_xref", Some("contact")),
    ("customer", "interaction", None),
    ("customer", "opportunity", None),
    ("customer", "order", None),
];

/// One list of children: the entity shown and its rows (key, first column).
#[derive(Debug, Clone, PartialEq)]
pub struct ChildList {
    pub entity: &'static EntityDef,
    pub rows: Vec<(String, String)>,
    /// How many there are in all (rows holds at most `MAX_CHILDREN`).
    pub total: usize,
}

impl ChildList {
    pub fn heading(&self, lang: Lang) -> String {
        format!("{} ({})", self.entity.label(lang), self.total)
    }
}

/// The child lists of the record `key` of `parent`; empty for entities without.
pub fn load(store: &Store, parent: &'static EntityDef, key: &str) -> Vec<ChildList> {
    let mut out = Vec::new();
    for &(p, child, via) in RELATIONS {
        if p != parent.name {
            continue;
        }
        let Some(child_def) = model::entity(child) else {
            continue;
        };
        let Ok(keys) = store.keys_naming(parent, key, child_def) else {
            continue;
        };
        let total = keys.len();
        // Cross-references list the records they lead to.
        let shown = via
            .and_then(|f| child_def.field(f))
            .and_then(|f| f.kind.target())
            .and_then(model::entity)
            .unwrap_or(child_def);
        let mut rows = Vec::new();
        for k in keys.iter().take(MAX_CHILDREN) {
            let Ok(Some(record)) = store.get(child_def, k) else {
                continue;
            };
            match via.and_then(|f| linked(store, record.as_ref(), f)) {
                Some(linked) => {
                    let text = summary(linked.as_ref(), parent.name);
                    rows.push((linked.key().to_string(), text));
                }
                None if via.is_none() => {
                    rows.push((k.clone(), summary(record.as_ref(), parent.name)));
                }
                None => {}
            }
        }
        out.push(ChildList {
            entity: shown,
            rows,
            total,
        });
    }
    out
}

/// The record a reference field of `record` names.
fn linked(store: &Store, record: &dyn Record, field: &str) -> Option<Box<dyn Record>> {
    let def = record.def().field(field)?;
    let target = model::entity(def.kind.target()?)?;
    let key = record.value(field);
    store.get(target, key.as_str()?).ok()?
}

/// A child as its list row shows it: the first few non-empty list columns, less
/// the reference back to the parent every row would repeat.
pub fn summary(record: &dyn Record, parent: &str) -> String {
    let def = record.def();
    def.list_fields()
        .into_iter()
        .filter(|&i| def.fields[i].kind.target() != Some(parent))
        .map(|i| format_value(&def.fields[i].kind, &record.get(i)))
        .filter(|t| !t.is_empty())
        .take(3)
        .collect::<Vec<_>>()
        .join("  ")
}
