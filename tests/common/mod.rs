//! Helpers shared by the store tests: temporary stores, records from `field=value`
//! text, snapshots of a whole database, and records with every field filled.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use tempfile::TempDir;
use termcrm::model::assign::apply;
use termcrm::model::{
    entity, Check, EntityDef, FieldKind, KeyKind, Money, Record, Value, ENTITIES,
};
use termcrm::store::{OpenOptions, Store};

/// A store in a fresh temporary directory; the directory lives as long as the guard.
pub fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open a new store");
    (dir, store)
}

/// Like `temp_store`, without a flush after every write (for tests making many).
pub fn fast_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let options = OpenOptions {
        flush_each_write: false,
        ..Default::default()
    };
    let store = Store::open_with(dir.path(), &options).expect("open a new store");
    (dir, store)
}

pub fn def(name: &str) -> &'static EntityDef {
    entity(name).unwrap_or_else(|| panic!("no entity {name}"))
}

/// A new record of `entity` with the given `field=value` texts applied.
pub fn record(entity: &str, fields: &[(&str, &str)]) -> Box<dyn Record> {
    let def = def(entity);
    let mut r = (def.new_record)();
    apply(r.as_mut(), fields).unwrap_or_else(|e| panic!("{entity} {fields:?}: {e:?}"));
    r
}

/// Inserts a record built from `field=value` texts and returns its key.
pub fn add(store: &Store, entity: &str, fields: &[(&str, &str)]) -> String {
    store
        .insert(record(entity, fields))
        .unwrap_or_else(|e| panic!("insert {entity} {fields:?}: {e}"))
}

/// Every record of every entity, in its debug form, by entity and key.
pub type Snapshot = BTreeMap<&'static str, BTreeMap<String, String>>;

pub fn snapshot(store: &Store) -> Snapshot {
    ENTITIES
        .iter()
        .map(|def| {
            let records = store
                .scan(def)
                .map(|r| {
                    let r = r.expect("readable record");
                    (r.key().to_string(), format!("{r:?}"))
                })
                .collect();
            (def.name, records)
        })
        .collect()
}

/// Record counts per entity.
pub fn counts(store: &Store) -> Vec<(&'static str, usize)> {
    ENTITIES.iter().map(|d| (d.name, store.count(d))).collect()
}

/// Asserts the audit finds no drift and returns nothing else.
pub fn assert_clean(store: &Store) {
    let report = store.audit().expect("audit runs");
    assert!(report.is_clean(), "index drift:\n{report}");
}

/// The keys of a record list.
pub fn keys(records: &[Box<dyn Record>]) -> Vec<String> {
    records.iter().map(|r| r.key().to_string()).collect()
}

/// A value of `kind` for slot `n` of field number `index`; references name existing
/// records (or are left empty when the target has none yet).
fn sample_value(store: &Store, kind: &FieldKind, index: usize, n: usize) -> Value {
    let base = NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date");
    match *kind {
        FieldKind::Text => Value::Text(format!("Müller & Söhne GmbH {n}-{index}")),
        FieldKind::Multiline => Value::Text(format!("Erste Zeile {n}\nzweite Zeile: Grüße")),
        FieldKind::Email => Value::Text(format!("anna.mueller{n}@example.de")),
        FieldKind::Int => Value::Int(7 + n as i64),
        FieldKind::Money => Value::Money(Money::eur(123_456 + n as i64)),
        FieldKind::Percent => Value::Int(40 + n as i64),
        // Later fields get later dates, so every start lies before its end.
        FieldKind::Date => Value::Date(base + Duration::days(index as i64)),
        FieldKind::DateTime => Value::DateTime(
            (base + Duration::days(index as i64))
                .and_hms_opt(14, 30, 0)
                .expect("valid time"),
        ),
        FieldKind::Bool => Value::Bool(true),
        FieldKind::Choice(options) => Value::Text(options[n % options.len()].to_string()),
        FieldKind::Ref(target) => {
            let existing = store.list(def(target), Some(n + 1)).expect("list");
            match existing.last() {
                Some(r) => Value::Text(r.key().to_string()),
                None => Value::Empty,
            }
        }
        FieldKind::RefList(target) => {
            let existing = store.list(def(target), Some(2)).expect("list");
            Value::List(keys(&existing))
        }
        FieldKind::Lines(line) => {
            let values: Vec<Value> = line
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| sample_value(store, &f.kind, i, n))
                .collect();
            let complete = line
                .fields
                .iter()
                .zip(&values)
                .all(|(f, v)| !f.required || !v.is_empty());
            if complete {
                Value::Lines(vec![values.clone(), values])
            } else {
                Value::Empty
            }
        }
    }
}

/// A record of `def` with every field filled that can be, or `None` while a
/// required reference has no target yet.
pub fn full_record(store: &Store, def: &'static EntityDef, n: usize) -> Option<Box<dyn Record>> {
    let mut r = (def.new_record)();
    for (i, f) in def.fields.iter().enumerate() {
        let v = sample_value(store, &f.kind, i, n);
        if f.required && v.is_empty() {
            return None;
        }
        r.set(i, v)
            .unwrap_or_else(|e| panic!("{}.{}: {e}", def.name, f.name));
    }
    for check in def.checks {
        if let Check::NotBoth(a, b) | Check::OneOf(a, b) = *check {
            if !r.value(a).is_empty() {
                let i = def.field_index(b).expect("checked field exists");
                r.set(i, Value::Empty).expect("empty fits every field");
            }
        }
    }
    if let KeyKind::Code = def.key {
        r.set_key(format!("{}_{n}", def.name.to_uppercase()));
    }
    Some(r)
}

/// Inserts `per_entity` records with every field filled for every entity, one by
/// one, in an order where each required reference finds its target. Returns the
/// records as inserted, keys set.
pub fn fill_every_entity(store: &Store, per_entity: usize) -> Vec<Box<dyn Record>> {
    let mut inserted: Vec<Box<dyn Record>> = Vec::new();
    for n in 0..per_entity {
        let mut done: Vec<&str> = Vec::new();
        // Each pass inserts the entities whose required targets exist by now.
        for _pass in 0..ENTITIES.len() {
            for def in ENTITIES {
                if done.contains(&def.name) {
                    continue;
                }
                if let Some(mut r) = full_record(store, def, n) {
                    let key = store
                        .insert(r.clone())
                        .unwrap_or_else(|e| panic!("insert {r:?}: {e}"));
                    r.set_key(key);
                    inserted.push(r);
                    done.push(def.name);
                }
            }
            if done.len() == ENTITIES.len() {
                break;
            }
        }
        assert_eq!(done.len(), ENTITIES.len(), "entities left out: {done:?}");
    }
    inserted
}

pub mod cli;
pub mod harness;
pub mod tmux;

/// Whether the system has the user `nobody` (65534) in the group `nogroup`, and the
/// tests do not run as that user; prints why a test is skipped otherwise.
pub fn nobody_in_nogroup() -> bool {
    let getent = |db: &str, key: &str| {
        let out = std::process::Command::new("getent")
            .args([db, key])
            .output()
            .ok();
        let out = out.filter(|o| o.status.success()).map(|o| o.stdout);
        String::from_utf8(out.unwrap_or_default()).unwrap_or_default()
    };
    let (user, group) = (getent("passwd", "65534"), getent("group", "nogroup"));
    let gid = group.split(':').nth(2);
    let ok = user.starts_with("nobody:") && gid.is_some() && user.split(':').nth(3) == gid;
    if !ok || termcrm::server::peer::current_uid() == 65534 {
        eprintln!("note: skipped: needs user nobody (65534) in group nogroup, run as another user");
        return false;
    }
    true
}
