//! Watches: what a cache in this process (the server's report projections) needs
//! to stay true to the store without re-reading it. A watch on an entity hears the
//! key of every record of it that a commit wrote, after the commit, so re-reading
//! those keys always sees the committed state. A watch that falls far behind
//! (a bulk load) says so instead of holding every key, and its owner rebuilds.
//!
//! Every write path ends in `history::Plan::committed`, which tells the watches.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, Weak};

use super::history::Changed;
use super::{Result, Store};
use crate::model::{EntityDef, Record};

/// Keys held before a watch only says "rebuild".
const MAX_KEYS: usize = 20_000;

/// What changed in an entity since the last `take`.
#[derive(Debug, Default)]
pub struct Dirty {
    pub keys: HashSet<String>,
    /// More changed than `MAX_KEYS`: read the whole entity again.
    pub overflow: bool,
}

/// One watch on an entity's records.
#[derive(Debug)]
pub struct Watch {
    entity: &'static str,
    dirty: Mutex<Dirty>,
}

impl Watch {
    /// The keys written since the last take (and whether there were too many).
    pub fn take(&self) -> Dirty {
        std::mem::take(&mut *self.dirty.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Whether anything was written since the last take (without taking it).
    pub fn is_dirty(&self) -> bool {
        let d = self.dirty.lock().unwrap_or_else(|p| p.into_inner());
        d.overflow || !d.keys.is_empty()
    }

    fn note(&self, key: &str) {
        let mut d = self.dirty.lock().unwrap_or_else(|p| p.into_inner());
        if d.overflow {
            return;
        }
        if d.keys.len() >= MAX_KEYS {
            d.keys.clear();
            d.overflow = true;
            return;
        }
        if !d.keys.contains(key) {
            d.keys.insert(key.to_string());
        }
    }
}

/// The store's watches (dropped watches are forgotten on the next commit).
#[derive(Debug, Default)]
pub struct Watches(Mutex<Vec<Weak<Watch>>>);

impl Watches {
    /// Every watch hears "rebuild" (a restore replaced the records wholesale).
    pub(super) fn overflow_all(&self) {
        let list = self.0.lock().unwrap_or_else(|p| p.into_inner());
        for w in list.iter().filter_map(Weak::upgrade) {
            let mut d = w.dirty.lock().unwrap_or_else(|p| p.into_inner());
            d.keys.clear();
            d.overflow = true;
        }
    }

    pub(super) fn committed(&self, changed: &[Changed]) {
        let mut list = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if list.is_empty() {
            return;
        }
        list.retain(|w| w.strong_count() > 0);
        for w in list.iter().filter_map(Weak::upgrade) {
            for c in changed.iter().filter(|c| c.entity == w.entity) {
                w.note(&c.key);
            }
        }
    }
}

/// Process-local values kept beside a store (caches built from it), one per type.
#[derive(Default)]
pub struct Slots(Mutex<Vec<Arc<dyn std::any::Any + Send + Sync>>>);

impl std::fmt::Debug for Slots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Slots")
    }
}

impl Store {
    /// A new watch on `def`'s records: from now on it hears every key written.
    pub fn watch(&self, def: &'static EntityDef) -> Arc<Watch> {
        let w = Arc::new(Watch {
            entity: def.name,
            dirty: Mutex::default(),
        });
        self.watches
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Arc::downgrade(&w));
        w
    }

    /// The value of type `T` kept beside this store, made by `init` the first time.
    pub fn slot<T: Send + Sync + 'static>(&self, init: impl FnOnce() -> T) -> Arc<T> {
        let mut slots = self.slots.0.lock().unwrap_or_else(|p| p.into_inner());
        for s in slots.iter() {
            if let Ok(t) = Arc::clone(s).downcast::<T>() {
                return t;
            }
        }
        let t = Arc::new(init());
        slots.push(Arc::clone(&t) as Arc<dyn std::any::Any + Send + Sync>);
        t
    }
}

/// One entity's records by key, as `of` makes them (a name, a report row), kept
/// true by a watch: each refresh reads again the keys written since, or every
/// record the first time and after a bulk write. The report projections and the
/// server's names are such maps.
pub struct Watched<V> {
    watch: Option<Arc<Watch>>,
    pub rows: HashMap<Box<str>, V>,
}

impl<V> Default for Watched<V> {
    fn default() -> Self {
        Watched {
            watch: None,
            rows: HashMap::new(),
        }
    }
}

impl<V> Watched<V> {
    /// Whether the map was built (and is being kept true since).
    pub fn is_built(&self) -> bool {
        self.watch.is_some()
    }

    /// Whether a commit wrote some of its records since the last refresh.
    pub fn is_dirty(&self) -> bool {
        self.watch.as_ref().is_some_and(|w| w.is_dirty())
    }

    /// Reads what changed since the last refresh: a record `of` makes nothing of,
    /// or that is gone, leaves the map. Returns whether it read every record.
    pub fn refresh(
        &mut self,
        store: &Store,
        def: &'static EntityDef,
        mut of: impl FnMut(&dyn Record) -> Option<V>,
    ) -> Result<bool> {
        let rebuild = match &self.watch {
            None => true,
            Some(w) => {
                let dirty = w.take();
                if !dirty.overflow {
                    for key in dirty.keys {
                        match store.get(def, &key)?.and_then(|r| of(r.as_ref())) {
                            Some(v) => {
                                self.rows.insert(key.into(), v);
                            }
                            None => {
                                self.rows.remove(key.as_str());
                            }
                        }
                    }
                }
                dirty.overflow
            }
        };
        if rebuild {
            // Watch first: a write during the scan is read again next time.
            self.watch = Some(store.watch(def));
            self.rows.clear();
            for r in store.scan(def) {
                let r = r?;
                if let Some(v) = of(r.as_ref()) {
                    self.rows.insert(r.key().into(), v);
                }
            }
        }
        Ok(rebuild)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Entity, Territory};

    #[test]
    fn a_watch_hears_the_keys_committed_after_it_was_made() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path().join("db")).unwrap();
        let t = |k: &str| {
            Box::new(Territory {
                key: k.into(),
                description: "T".into(),
                ..Territory::default()
            })
        };
        store.insert(t("EARLY")).unwrap();
        let w = store.watch(Territory::DEF);
        store.insert(t("NORD")).unwrap();
        store.delete(Territory::DEF, "NORD").unwrap();
        store.insert(t("SUED")).unwrap();
        let d = w.take();
        let mut keys: Vec<_> = d.keys.into_iter().collect();
        keys.sort();
        assert_eq!(keys, ["NORD", "SUED"]);
        assert!(!d.overflow);
        assert!(w.take().keys.is_empty());
    }
}
