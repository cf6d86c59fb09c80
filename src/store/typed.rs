//! Records that must exist, and typed records: a key that names nothing is an
//! error naming the nearest key; a record of another type than asked for is an
//! error, never a default record that a workflow would then write back.

use super::error::check_key;
use super::{Result, Store, StoreError};
use crate::model::{Entity, EntityDef, Record};

impl Store {
    /// One record by key, or an error that names the nearest existing key.
    pub fn fetch(&self, def: &'static EntityDef, key: &str) -> Result<Box<dyn Record>> {
        let key = key.trim().to_uppercase();
        check_key(def, &key)?;
        match self.get(def, &key)? {
            Some(r) => Ok(r),
            None => Err(StoreError::NotFound {
                entity: def.name,
                suggestion: self.suggest_key(def, &key),
                key,
            }),
        }
    }

    /// A typed record that must exist (key trimmed, upper-cased); NotFound names
    /// the nearest key otherwise.
    pub fn fetch_as<E: Entity>(&self, key: &str) -> Result<E> {
        let record = self.fetch(E::DEF, key)?;
        typed(record)
    }

    /// A typed record by key.
    pub fn get_as<E: Entity>(&self, key: &str) -> Result<Option<E>> {
        self.get(E::DEF, key)?.map(typed).transpose()
    }
}

/// The record as `E`, or an error naming what it is instead.
fn typed<E: Entity>(record: Box<dyn Record>) -> Result<E> {
    match record.downcast_ref::<E>() {
        Some(r) => Ok(r.clone()),
        None => Err(StoreError::Corrupt {
            entity: E::DEF.name.to_string(),
            key: record.key().to_string(),
            message: format!(
                "it reads as a {} record, not as {}",
                record.def().name,
                std::any::type_name::<E>()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Territory, Value};

    /// A type that claims the territory table without being `Territory`: what a
    /// wrong registration would look like.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct NotTerritory(Territory);

    impl Record for NotTerritory {
        fn def(&self) -> &'static EntityDef {
            Territory::DEF
        }
        fn key(&self) -> &str {
            &self.0.key
        }
        fn set_key(&mut self, key: String) {
            self.0.key = key;
        }
        fn get(&self, index: usize) -> Value {
            self.0.get(index)
        }
        fn set(&mut self, index: usize, value: Value) -> std::result::Result<(), String> {
            self.0.set(index, value)
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
        fn clone_record(&self) -> Box<dyn Record> {
            Box::new(self.clone())
        }
        fn eq_record(&self, other: &dyn Record) -> bool {
            other.as_any().downcast_ref::<Self>() == Some(self)
        }
    }

    impl Entity for NotTerritory {
        const DEF: &'static EntityDef = Territory::DEF;
    }

    #[test]
    fn a_record_of_another_type_is_an_error_not_a_default() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .insert(Box::new(Territory {
                key: "NORD".into(),
                description: "Nord".into(),
                ..Default::default()
            }))
            .unwrap();
        assert_eq!(
            store.fetch_as::<Territory>("nord").unwrap().description,
            "Nord"
        );
        let e = store.fetch_as::<NotTerritory>("NORD").unwrap_err();
        assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
        assert!(e.to_string().contains("territory NORD"), "{e}");
        assert!(store.get_as::<NotTerritory>("NORD").is_err());
        assert_eq!(store.get_as::<NotTerritory>("SUED").unwrap(), None);
    }
}
