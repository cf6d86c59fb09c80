//! The server's names: per referenced entity a map from key to the name a person
//! reads (a company's name, a contact's "Anja Müller", a code's description; see
//! `EntityDef::title_fields`). Built on first use from one scan (the server warms
//! them at start) and kept true by a store watch, as the report projections are:
//! before each use the keys written since are read again. A table's cells then
//! show names without a record lookup per row.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::model::{self, EntityDef, FieldKind, Record};
use crate::store::watch::Watched;
use crate::store::{Result, Store};

/// One entity's names, kept true by a store watch.
#[derive(Default)]
struct Names(Watched<Box<str>>);

/// The name of a record: its title fields' texts joined by a space; None when
/// they are empty (or the entity has none).
pub fn title(record: &dyn Record) -> Option<String> {
    let def = record.def();
    let parts: Vec<String> = def
        .title_fields()
        .into_iter()
        .map(|i| model::format_value(&def.fields[i].kind, &record.get(i)))
        .filter(|t| !t.trim().is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

impl Names {
    fn refresh(&mut self, store: &Store, def: &'static EntityDef) -> Result<()> {
        if self
            .0
            .refresh(store, def, |r| title(r).map(String::into_boxed_str))?
        {
            self.0.rows.shrink_to_fit();
        }
        Ok(())
    }

    fn bytes(&self) -> usize {
        self.0
            .rows
            .iter()
            .map(|(k, v)| k.len() + v.len() + 48)
            .sum::<usize>()
    }
}

/// Every entity's names in one store: refreshed under the write lock, read by
/// every session at once under the read lock.
#[derive(Default)]
pub struct Cache(RwLock<HashMap<&'static str, Names>>);

/// Names of the entities a call asked for, up to date; an entity whose names
/// are not built yet (a small request before the first big one) is read record
/// by record instead.
pub struct Resolver<'a> {
    maps: &'a HashMap<&'static str, Names>,
    store: &'a Store,
    read: std::cell::RefCell<HashMap<(String, String), Option<String>>>,
}

impl Resolver<'_> {
    /// The name of `key` in `entity`, if it has one.
    pub fn name(&self, entity: &str, key: &str) -> Option<String> {
        if let Some(names) = self.maps.get(entity).filter(|n| n.0.is_built()) {
            return names.0.rows.get(key).map(|n| n.to_string());
        }
        let mut read = self.read.borrow_mut();
        read.entry((entity.to_string(), key.to_string()))
            .or_insert_with(|| {
                let def = model::entity(entity)?;
                title(self.store.get(def, key).ok()??.as_ref())
            })
            .clone()
    }
}

/// The entities whose names a table of `def` with these columns shows.
pub fn targets(def: &EntityDef, columns: &[model::Column]) -> Vec<&'static EntityDef> {
    let mut out: Vec<&'static EntityDef> = Vec::new();
    for c in columns {
        if !c.shows_name(def) {
            continue;
        }
        let fields = match *c {
            model::Column::Either(a, b) => vec![a, b],
            model::Column::Field(i) => vec![i],
            _ => vec![],
        };
        for i in fields {
            if let FieldKind::Ref(t) = def.fields[usize::from(i)].kind {
                if let Some(t) = model::entity(t).filter(|t| !t.title_fields().is_empty()) {
                    if !out.contains(&t) {
                        out.push(t);
                    }
                }
            }
        }
    }
    out
}

/// Runs `f` with the names of `entities`, brought up to date first; with
/// `build` false, names not built yet are not built now (the first screen
/// does not wait for a scan: the load behind it builds them).
pub fn with<T>(
    store: &Store,
    entities: &[&'static EntityDef],
    build: bool,
    f: impl FnOnce(&Resolver) -> T,
) -> Result<T> {
    let cache: Arc<Cache> = store.slot(Cache::default);
    let stale = |maps: &HashMap<&'static str, Names>| {
        entities.iter().any(|def| match maps.get(def.name) {
            Some(Names(n)) if n.is_built() => n.is_dirty(),
            _ => build,
        })
    };
    let maps = cache.0.read().unwrap_or_else(|e| e.into_inner());
    if !stale(&maps) {
        // Up to date: every session reads at once, nobody waits for a writer.
        return Ok(f(&Resolver {
            maps: &maps,
            store,
            read: Default::default(),
        }));
    }
    drop(maps);
    {
        let mut maps = cache.0.write().unwrap_or_else(|e| e.into_inner());
        for def in entities {
            let names = maps.entry(def.name).or_default();
            if build || names.0.is_built() {
                names.refresh(store, def)?;
            }
        }
    }
    let maps = cache.0.read().unwrap_or_else(|e| e.into_inner());
    Ok(f(&Resolver {
        maps: &maps,
        store,
        read: Default::default(),
    }))
}

/// The names of these keys of `def` ("" for a key without one).
pub fn names_of(store: &Store, def: &'static EntityDef, keys: &[String]) -> Result<Vec<String>> {
    if def.title_fields().is_empty() {
        return Ok(vec![String::new(); keys.len()]);
    }
    with(store, &[def], keys.len() > SMALL, |r| {
        keys.iter()
            .map(|k| r.name(def.name, k).unwrap_or_default())
            .collect()
    })
}

/// Builds the names of every entity a reference can name, ahead of the first
/// table (the server does this at start, in the background).
pub fn warm(store: &Store) -> Result<()> {
    let mut all: Vec<&'static EntityDef> = Vec::new();
    for def in model::ENTITIES {
        for t in targets(def, &model::columns::offered(def)) {
            if !all.contains(&t) {
                all.push(t);
            }
        }
    }
    with(store, &all, true, |_| ())
}

/// Requests of at most this many records read names not built yet one by one.
pub const SMALL: usize = 1_000;

/// What a found record's line says besides its name: its city and, for a
/// prospect, the customer it was converted to.
pub fn detail(store: &Store, hits: &mut [crate::store::FindHit]) -> Result<()> {
    for hit in hits {
        let Some(record) = store.get(hit.entity, &hit.key)? else {
            continue;
        };
        if let Some(city) = record.value("city").as_str() {
            hit.city = city.to_string();
        }
        if let Some(p) = record.downcast_ref::<model::Prospect>() {
            let converted = p.status == "converted" || !p.customer.is_empty();
            hit.converted = converted.then(|| p.customer.clone());
        }
    }
    Ok(())
}

/// Roughly the bytes the names hold (keys, names and the maps' slots).
pub fn heap_bytes(store: &Store) -> usize {
    let cache: Arc<Cache> = store.slot(Cache::default);
    let maps = cache.0.read().unwrap_or_else(|e| e.into_inner());
    maps.values().map(Names::bytes).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, Prospect, SalesContact};

    #[test]
    fn names_follow_every_write_without_a_lookup_per_row() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("db")).unwrap();
        let key = store
            .insert(Box::new(Prospect {
                name: "Hanse Robotik GmbH".into(),
                ..Prospect::default()
            }))
            .unwrap();
        let contact = store
            .insert(Box::new(SalesContact {
                first_name: "Anja".into(),
                last_name: "Müller".into(),
                ..SalesContact::default()
            }))
            .unwrap();
        let both = [Prospect::DEF, SalesContact::DEF];
        let name = |k: &str, e: &str| with(&store, &both, true, |r| r.name(e, k));
        assert_eq!(
            name(&key, "prospect").unwrap().as_deref(),
            Some("Hanse Robotik GmbH")
        );
        assert_eq!(
            name(&contact, "sales_contact").unwrap().as_deref(),
            Some("Anja Müller")
        );
        let mut p = store.get_as::<Prospect>(&key).unwrap().unwrap();
        p.name = "Hanse Robotik AG".into();
        store.update(Box::new(p)).unwrap();
        assert_eq!(
            name(&key, "prospect").unwrap().as_deref(),
            Some("Hanse Robotik AG")
        );
        store.delete(Prospect::DEF, &key).unwrap();
        assert_eq!(name(&key, "prospect").unwrap(), None);
        assert!(heap_bytes(&store) > 0);
        // Before the names are built, a small request reads the record itself.
        let fresh = tempfile::tempdir().unwrap();
        let store = Store::open(fresh.path().join("db")).unwrap();
        let key = store
            .insert(Box::new(Prospect {
                name: "Kalt GmbH".into(),
                ..Prospect::default()
            }))
            .unwrap();
        let got = with(&store, &[Prospect::DEF], false, |r| {
            r.name("prospect", &key)
        })
        .unwrap();
        assert_eq!(got.as_deref(), Some("Kalt GmbH"));
        assert_eq!(heap_bytes(&store), 0, "nothing built");
    }
}
