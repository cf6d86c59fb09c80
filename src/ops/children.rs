//! The records that hang off a record (an opportunity's tasks and quotes, a
//! customer's contacts, interactions and opportunities), read when the form opens
//! or saves, never while it draws.

use crate::model::{self, format_value, EntityDef, FieldDef, FieldKind, Lang, Record, Value};
use crate::store::Store;

/// At most this many children of one kind are read and listed.
pub const MAX_CHILDREN: usize = 50;

/// (parent, child entity, field of the child whose record names the row). Contacts
/// hang off customers and prospects through cross-references: a row shows the
/// contact's name with the role and the primary flag, and opens the
/// cross-reference, where role and primary are edited; a contact lists its
/// cross-references the same way from the other side.
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
    ("sales_contact", "contact_xref", None),
    ("sales_contact", "interaction", None),
];

/// One list of children: the entity shown and its rows (key, first column).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChildList {
    #[serde(with = "crate::util::statics::entity_def")]
    pub entity: &'static EntityDef,
    pub rows: Vec<(String, String)>,
    /// How many there are in all (rows holds at most `MAX_CHILDREN`).
    pub total: usize,
    /// For a list kept inside the record (competitors, items, members, lines): the
    /// field that holds it, which is where a new entry is typed.
    #[serde(with = "crate::util::statics::field_def")]
    pub field: Option<&'static FieldDef>,
}

impl ChildList {
    pub fn heading(&self, lang: Lang) -> String {
        let label = match self.field {
            Some(f) => f.label(lang),
            None => self.entity.label(lang),
        };
        format!("{label} ({})", self.total)
    }
}

/// The lists a record holds itself whose entries name other records: each entry
/// opens the record it names (an opportunity's competitors, items and members, a
/// quote's or forecast's lines, a team's members).
pub fn embedded(store: &Store, record: &dyn Record) -> Vec<ChildList> {
    let def = record.def();
    let mut out = Vec::new();
    for (i, f) in def.fields.iter().enumerate() {
        // (target entity, entries as (key, rest of the line))
        let (target, entries): (&str, Vec<(String, String)>) = match (f.kind, record.get(i)) {
            (FieldKind::RefList(t), Value::List(keys)) => {
                (t, keys.into_iter().map(|k| (k, String::new())).collect())
            }
            (FieldKind::Lines(line), Value::Lines(lines)) => {
                let Some(t) = line.fields.first().and_then(|lf| lf.kind.target()) else {
                    continue;
                };
                let entries = lines
                    .into_iter()
                    .filter_map(|l| {
                        let key = l.first()?.as_str()?.to_string();
                        let rest = line.fields[1..]
                            .iter()
                            .zip(&l[1..])
                            .map(|(lf, v)| format_value(&lf.kind, v))
                            .filter(|t| !t.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · ");
                        Some((key, rest))
                    })
                    .collect();
                (t, entries)
            }
            _ => continue,
        };
        let Some(target_def) = model::entity(target) else {
            continue;
        };
        let total = entries.len();
        let rows = entries
            .into_iter()
            .take(MAX_CHILDREN)
            .map(|(key, rest)| {
                let name = match store.get(target_def, &key) {
                    Ok(Some(r)) => summary(r.as_ref(), def.name),
                    _ => String::new(),
                };
                let text = [name, rest]
                    .into_iter()
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>();
                (key, text.join("  "))
            })
            .collect();
        out.push(ChildList {
            entity: target_def,
            rows,
            total,
            field: Some(f),
        });
    }
    out
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
        let mut rows = Vec::new();
        for k in keys.iter().take(MAX_CHILDREN) {
            let Ok(Some(record)) = store.get(child_def, k) else {
                continue;
            };
            let skip = [
                Some(parent.name),
                via.and_then(|f| child_def.field(f)?.kind.target()),
            ];
            let own = summary_without(store, record.as_ref(), &skip);
            let text = match via.and_then(|f| linked(store, record.as_ref(), f)) {
                Some(linked) => [summary(linked.as_ref(), parent.name), own]
                    .into_iter()
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join("  "),
                None => own,
            };
            rows.push((k.clone(), text));
        }
        out.push(ChildList {
            entity: child_def,
            rows,
            total,
            field: None,
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

/// A child row's summary without the references to any of `targets`; a
/// reference to a record with a generated key (CUS0000001) shows that record's
/// name too, a flag shows its label when set.
fn summary_without(store: &Store, record: &dyn Record, targets: &[Option<&str>]) -> String {
    let def = record.def();
    def.list_fields()
        .into_iter()
        .filter(|&i| {
            let t = def.fields[i].kind.target();
            t.is_none() || !targets.contains(&t)
        })
        .map(|i| {
            let f = &def.fields[i];
            let value = record.get(i);
            match (f.kind, &value) {
                // A set flag as a star with its field (the primary contact).
                (FieldKind::Bool, Value::Bool(true)) => format!("★ {}", f.name),
                (FieldKind::Bool, _) => String::new(),
                (FieldKind::Ref(target), Value::Text(key)) => {
                    let generated = model::entity(target)
                        .filter(|d| matches!(d.key, model::KeyKind::Generated(_)));
                    match generated.and_then(|d| store.get(d, key).ok().flatten()) {
                        Some(r) => {
                            let d = r.def();
                            let name = d
                                .list_fields()
                                .into_iter()
                                .map(|j| format_value(&d.fields[j].kind, &r.get(j)))
                                .find(|t| !t.is_empty())
                                .unwrap_or_default();
                            format!("{key} {name}")
                        }
                        None => key.clone(),
                    }
                }
                _ => format_value(&f.kind, &value),
            }
        })
        .filter(|t| !t.is_empty())
        .take(3)
        .collect::<Vec<_>>()
        .join("  ")
}
