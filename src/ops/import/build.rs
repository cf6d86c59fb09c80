//! A mapped row into a record of the import's entity: each value parsed through
//! its field's kind, references found by key or by name ("Nord" finds
//! territory NORD), money and dates in either convention.

use std::collections::HashMap;

use crate::io::MappedRow;
use crate::model::value::{format_value, parse_value_at, today};
use crate::model::{ContactXref, Customer, Entity, EntityDef, FieldKind, Prospect, Record, Value};
use crate::store::{Result, Store};
use crate::util::fold::fold;

/// A row's problem: the field (if one) and what is wrong.
pub type RowError = (Option<String>, String);

/// Folded name → keys of an entity's records.
fn names(store: &Store, def: &'static EntityDef) -> Result<HashMap<String, Vec<String>>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    if let Some(i) = name_field(def) {
        for r in store.scan(def) {
            let r = r?;
            let name = fold(&format_value(&def.fields[i].kind, &r.get(i)));
            if !name.is_empty() {
                map.entry(name).or_default().push(r.key().to_string());
            }
        }
    }
    Ok(map)
}

/// The text of a record's field (empty for an unknown field).
pub fn text(record: &dyn Record, field: &str) -> String {
    match record.def().field(field) {
        Some(f) => format_value(&f.kind, &record.value(field)),
        None => String::new(),
    }
}

/// The field a record is known by besides its key (a customer's name, a
/// territory's description).
pub fn name_field(def: &EntityDef) -> Option<usize> {
    ["name", "description"]
        .iter()
        .find_map(|n| def.field_index(n))
        .filter(|&i| matches!(def.fields[i].kind, FieldKind::Text))
}

pub struct Builder<'a> {
    store: &'a Store,
    def: &'static EntityDef,
    /// Per referenced entity: folded name → keys.
    names: HashMap<&'static str, HashMap<String, Vec<String>>>,
    /// Relative dates ("today", "+7d") count from the import's start; asking
    /// the clock and the time zone per value cost an eighth of the import.
    pub today: chrono::NaiveDate,
}

impl<'a> Builder<'a> {
    pub fn new(store: &'a Store, def: &'static EntityDef) -> Builder<'a> {
        Builder {
            store,
            def,
            names: HashMap::new(),
            today: today(),
        }
    }

    pub fn record(&mut self, row: &MappedRow) -> Result<Box<dyn Record>, RowError> {
        let mut record = (self.def.new_record)();
        for (field, text) in &row.values {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            if field == "key" {
                record.set_key(text.to_string());
                continue;
            }
            let Some(i) = self.def.field_index(field) else {
                return Err((
                    Some(field.clone()),
                    format!("{} has no field '{field}'", self.def.name),
                ));
            };
            let f = &self.def.fields[i];
            let bad = |message: String| (Some(field.clone()), message);
            // An address book's street or company may span lines (a quoted cell,
            // a vCard's `\n`): a single-line field takes them as one, with spaces;
            // any other control character is the row's error (validation's).
            let joined;
            let text = if matches!(f.kind, FieldKind::Text) && text.contains(['\n', '\r', '\t']) {
                joined = text.replace("\r\n", " ").replace(['\n', '\r', '\t'], " ");
                joined.as_str()
            } else {
                text
            };
            let value = match f.kind {
                FieldKind::Ref(target) => Value::Text(self.resolve(target, text).map_err(bad)?),
                FieldKind::RefList(target) => {
                    let mut keys = Vec::new();
                    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        keys.push(self.resolve(target, part).map_err(bad)?);
                    }
                    Value::List(keys)
                }
                _ => parse_value_at(&f.kind, text, self.today).map_err(bad)?,
            };
            record.set(i, value).map_err(bad)?;
        }
        Ok(record)
    }

    /// The key of the `target` record that `text` names by key or by name.
    fn resolve(&mut self, target: &'static str, text: &str) -> Result<String, String> {
        let Some(def) = crate::model::entity(target) else {
            return Err(format!("unknown entity '{target}'"));
        };
        let key = text.to_uppercase();
        if self.store.contains(def, &key).map_err(|e| e.to_string())? {
            return Ok(key);
        }
        let names = self.names_of(def).map_err(|e| e.to_string())?;
        match names.get(&fold(text)).map(Vec::as_slice) {
            Some([one]) => Ok(one.clone()),
            Some(many) if many.len() > 1 => Err(format!(
                "'{text}' names {} {} records ({}); give the key instead",
                many.len(),
                def.name,
                many.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            )),
            _ => Err(format!(
                "there is no {} with the key or name '{text}'; `crm list {}` shows them",
                def.name, def.name
            )),
        }
    }

    fn names_of(&mut self, def: &'static EntityDef) -> Result<&HashMap<String, Vec<String>>> {
        if !self.names.contains_key(def.name) {
            let map = names(self.store, def)?;
            self.names.insert(def.name, map);
        }
        Ok(&self.names[def.name])
    }

    /// Reads the names of the companies a contact's company may be (customers,
    /// prospects) now, on another thread than the caller's own scan.
    pub fn prefetch_companies(&mut self, with: impl FnOnce() -> Result<()>) -> Result<()> {
        let store = self.store;
        let (customers, prospects, done) = std::thread::scope(|s| {
            let customers = s.spawn(|| names(store, Customer::DEF));
            let prospects = names(store, Prospect::DEF);
            let done = with();
            let customers = customers
                .join()
                .unwrap_or_else(|_| names(store, Customer::DEF));
            (customers, prospects, done)
        });
        done?;
        self.names.insert(Customer::DEF.name, customers?);
        self.names.insert(Prospect::DEF.name, prospects?);
        Ok(())
    }

    /// A cross-reference from a new contact to the one customer (else the one
    /// prospect) whose name is its company's.
    pub fn company_link(&mut self, company: &str) -> Result<Option<ContactXref>> {
        let folded = fold(company.trim());
        if folded.is_empty() {
            return Ok(None);
        }
        let one = |names: &HashMap<String, Vec<String>>| match names.get(&folded).map(Vec::as_slice)
        {
            Some([k]) => Some(k.clone()),
            _ => None,
        };
        if let Some(customer) = one(self.names_of(Customer::DEF)?) {
            return Ok(Some(ContactXref {
                customer,
                ..ContactXref::default()
            }));
        }
        Ok(
            one(self.names_of(Prospect::DEF)?).map(|prospect| ContactXref {
                prospect,
                ..ContactXref::default()
            }),
        )
    }
}
