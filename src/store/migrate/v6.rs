//! Version 6 → 7: a task belongs to an opportunity or to a lead (a lead's
//! follow-up makes a call task before there is an opportunity), so a stored task
//! gains an empty lead; and the date index (`@date` entries in `idx:ref`) is
//! written for the records stored before — from then on every write keeps it.

use serde::Deserialize;

use crate::model::{Entity, OpportunityTask};
use crate::store::{codec, Result, Store, StoreError};

/// A task as version 6 stored it.
#[derive(Deserialize, serde::Serialize, Default)]
pub(super) struct Old {
    pub key: String,
    pub opportunity: String,
    pub seq: Option<i64>,
    pub description: String,
    pub task_type: String,
    pub owner: String,
    pub due_date: Option<chrono::NaiveDate>,
    pub priority: String,
    pub status: String,
    pub completed_on: Option<chrono::NaiveDate>,
    pub notes: String,
}

fn upgrade(key: &[u8], bytes: &[u8]) -> Result<Vec<u8>> {
    let old: Old = codec::decode_stored(bytes).map_err(|message| StoreError::Corrupt {
        entity: OpportunityTask::DEF.name.to_string(),
        key: String::from_utf8_lossy(key).into_owned(),
        message,
    })?;
    let new = OpportunityTask {
        key: old.key,
        opportunity: old.opportunity,
        lead: String::new(),
        seq: old.seq,
        description: old.description,
        task_type: old.task_type,
        owner: old.owner,
        due_date: old.due_date,
        priority: old.priority,
        status: old.status,
        completed_on: old.completed_on,
        notes: old.notes,
    };
    let encode_at = codec::codec_for(OpportunityTask::DEF).encode_at;
    Ok(encode_at(&new, codec::rev_of(bytes).max(1)))
}

pub fn task_lead_and_date_index(store: &Store) -> Result<()> {
    super::rewrite(store, OpportunityTask::DEF, upgrade)?;
    date_index(store)
}

/// 6 -> 7: the date index (`@date` entries in `idx:ref`) is written for the
/// records stored before; from then on every write keeps it.
fn date_index(store: &Store) -> Result<()> {
    for def in crate::model::ENTITIES {
        if !def.fields.iter().any(|f| f.dated) {
            continue;
        }
        let (tree, codec) = store.tree(def);
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for kv in tree.iter() {
            let (_, v) = kv?;
            let Ok(record) = (codec.decode)(&v) else {
                continue;
            };
            for k in crate::store::index::entries(record.as_ref()).refs {
                if k.starts_with(crate::store::index::DATE_INDEX.as_bytes()) {
                    batch.insert(k, &[][..]);
                    n += 1;
                }
            }
            if n >= 50_000 {
                store.idx_ref.apply_batch(std::mem::take(&mut batch))?;
                n = 0;
            }
        }
        store.idx_ref.apply_batch(batch)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrate::SCHEMA_VERSION;

    #[test]
    fn a_version_6_database_gets_its_date_index() {
        use crate::model::{Entity, Lead};
        let dir = tempfile::tempdir().unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let field = Lead::DEF.field_index("follow_up").unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let key = store
                .insert(Box::new(Lead {
                    last_name: "Kraft".into(),
                    follow_up: Some(day),
                    ..Default::default()
                }))
                .unwrap();
            assert_eq!(
                store.keys_dated(Lead::DEF, field, day).unwrap(),
                Some(vec![key])
            );
            // As a version 6 build left it: no date entries.
            for k in store.idx_ref.iter().keys() {
                let k = k.unwrap();
                if k.starts_with(b"@date") {
                    store.idx_ref.remove(k).unwrap();
                }
            }
            assert_eq!(
                store.keys_dated(Lead::DEF, field, day).unwrap(),
                Some(vec![])
            );
            store.set_schema_version(6).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(
            store
                .keys_dated(Lead::DEF, field, day)
                .unwrap()
                .unwrap()
                .len(),
            1
        );
        assert!(store.audit().unwrap().is_clean());
    }

    #[test]
    fn a_version_6_task_and_its_history_gain_an_empty_lead() {
        let dir = tempfile::tempdir().unwrap();
        let old = Old {
            key: "TSK0000001".into(),
            opportunity: "OPP0000001".into(),
            description: "Anrufen".into(),
            status: "open".into(),
            ..Default::default()
        };
        {
            let store = Store::open(dir.path()).unwrap();
            let (tree, _) = store.tree(OpportunityTask::DEF);
            tree.insert("TSK0000001", codec::encode(&old)).unwrap();
            store.set_schema_version(6).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), Some(SCHEMA_VERSION));
        let t = store
            .get_as::<OpportunityTask>("TSK0000001")
            .unwrap()
            .unwrap();
        assert_eq!(
            (t.opportunity.as_str(), t.lead.as_str()),
            ("OPP0000001", "")
        );
        assert_eq!(t.description, "Anrufen");
    }
}
