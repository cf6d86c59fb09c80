//! Serde for the `&'static str` names results carry (entity names, alert kinds,
//! field names): a name read back from the wire is the registry's own when the schema
//! knows it, else interned once, so a client never leaks per message.

use std::collections::HashSet;
use std::sync::Mutex;

use serde::{Deserialize, Deserializer, Serializer};

/// A static name; an alias, so that serde's derive does not take the field for
/// data borrowed from the input.
pub type Name = &'static str;

static INTERNED: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);

/// The `'static` copy of a name.
pub fn intern(name: &str) -> &'static str {
    if let Some(def) = crate::model::entity(name) {
        return def.name;
    }
    let mut guard = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
    let set = guard.get_or_insert_with(HashSet::new);
    if let Some(s) = set.get(name) {
        return s;
    }
    let s: &'static str = Box::leak(name.to_string().into_boxed_str());
    set.insert(s);
    s
}

pub fn serialize<S: Serializer>(s: &&'static str, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<&'static str, D::Error> {
    let s = String::deserialize(de)?;
    Ok(intern(&s))
}

/// `(name, value)` pairs whose names are static.
pub mod pairs {
    use super::*;
    use serde::Serialize;

    pub fn serialize<S: Serializer, T: Serialize>(
        v: &[(&'static str, T)],
        ser: S,
    ) -> Result<S::Ok, S::Error> {
        ser.collect_seq(v.iter())
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        de: D,
    ) -> Result<Vec<(&'static str, T)>, D::Error> {
        let v: Vec<(String, T)> = Vec::deserialize(de)?;
        Ok(v.into_iter().map(|(s, t)| (intern(&s), t)).collect())
    }
}

/// An entity definition, by its name.
pub mod entity_def {
    use super::*;
    use crate::model::EntityDef;

    pub fn serialize<S: Serializer>(d: &&'static EntityDef, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(d.name)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<&'static EntityDef, D::Error> {
        let s = String::deserialize(de)?;
        crate::model::entity(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown entity '{s}'")))
    }
}

/// A field of some entity, by the entity's and the field's names.
pub mod field_def {
    use super::*;
    use crate::model::{FieldDef, ENTITIES};
    use serde::Serialize;

    pub fn serialize<S: Serializer>(
        f: &Option<&'static FieldDef>,
        ser: S,
    ) -> Result<S::Ok, S::Error> {
        // By content, not address: a constant's data may be placed more than once.
        let same = |g: &FieldDef, f: &FieldDef| {
            g.name == f.name && g.label_en == f.label_en && g.label_de == f.label_de
        };
        let named = f.and_then(|f| {
            let owner = ENTITIES
                .iter()
                .find(|d| d.fields.iter().any(|g| same(g, f)))?;
            Some((owner.name, f.name))
        });
        named.serialize(ser)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        de: D,
    ) -> Result<Option<&'static FieldDef>, D::Error> {
        let named: Option<(String, String)> = Option::deserialize(de)?;
        Ok(named.and_then(|(e, f)| {
            let def = crate::model::entity(&e)?;
            def.fields.iter().find(|g| g.name == f)
        }))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_field_crosses_by_its_entity_and_name() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Holder {
            #[serde(with = "super::field_def")]
            field: Option<&'static crate::model::FieldDef>,
        }
        let def = crate::model::entity("opportunity").unwrap();
        let field = def.field("competitors");
        let bytes = serde_json::to_vec(&Holder { field }).unwrap();
        let back: Holder = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back.field.map(|f| f.name), Some("competitors"));
        assert_eq!(back.field.map(|f| f.label_en), field.map(|f| f.label_en));
    }

    #[test]
    fn entity_names_come_back_as_the_registry_s_own() {
        let a = super::intern("opportunity");
        assert!(std::ptr::eq(
            a,
            crate::model::entity("opportunity").unwrap().name
        ));
        let k1 = super::intern("task past due");
        let k2 = super::intern("task past due");
        assert!(std::ptr::eq(k1, k2));
    }
}
