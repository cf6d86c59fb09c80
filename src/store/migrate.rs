//! Schema versions. The `meta` tree holds the version a database was written with;
//! on open, every migration from that version to `SCHEMA_VERSION` runs in order.

use super::{Result, Store, StoreError};

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = 2;

/// Moves a database from version N to N+1.
pub type Migration = fn(&Store) -> Result<()>;

/// `MIGRATIONS[i]` moves a database from version `i + 1` to `i + 2`.
pub static MIGRATIONS: &[Migration] = &[build_find_index];

/// 1 -> 2: quick find's index (`idx:find`) is built from the records once; from
/// then on every write keeps it.
fn build_find_index(store: &Store) -> Result<()> {
    store.rebuild_indexes(true)
}

const VERSION_KEY: &[u8] = b"schema_version";

impl Store {
    /// The schema version recorded in the database.
    pub fn schema_version(&self) -> Result<Option<u32>> {
        Ok(self.meta.get(VERSION_KEY)?.and_then(|v| {
            let bytes: [u8; 4] = v.as_ref().try_into().ok()?;
            Some(u32::from_be_bytes(bytes))
        }))
    }

    fn set_schema_version(&self, version: u32) -> Result<()> {
        self.meta.insert(VERSION_KEY, &version.to_be_bytes())?;
        self.flush()
    }
}

/// Brings the database to the version `migrations` lead to. A new database is
/// stamped with that version; one from a newer build is refused.
pub fn run(store: &Store, migrations: &[Migration]) -> Result<()> {
    let target = 1 + migrations.len() as u32;
    let found = match store.schema_version()? {
        Some(v) => v,
        None => return store.set_schema_version(target),
    };
    if found > target {
        return Err(StoreError::NewerSchema {
            path: store.path().display().to_string(),
            found,
            known: target,
        });
    }
    for version in found..target {
        migrations[(version - 1) as usize](store)?;
        store.set_schema_version(version + 1)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(store: &Store) -> Result<()> {
        let n = store.meta.get(b"marks")?.map(|v| v[0]).unwrap_or(0);
        store.meta.insert(b"marks", &[n + 1])?;
        Ok(())
    }

    #[test]
    fn a_version_1_database_gets_its_find_index() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            store
                .insert(Box::new(crate::model::Competitor {
                    key: "ACME".into(),
                    name: "Acme Werkzeuge".into(),
                    ..Default::default()
                }))
                .unwrap();
            // As a version 1 build left it: no find index.
            store.idx_find.clear().unwrap();
            store.set_schema_version(1).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), Some(2));
        let hits = store.find("werkz", 20).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].key, "ACME");
        assert!(store.audit().unwrap().is_clean());
    }

    #[test]
    fn runs_each_pending_migration_once_and_refuses_newer() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), Some(SCHEMA_VERSION));
        assert_eq!(SCHEMA_VERSION as usize, 1 + MIGRATIONS.len());
        store.set_schema_version(1).unwrap();
        run(&store, &[mark, mark]).unwrap();
        assert_eq!(store.schema_version().unwrap(), Some(3));
        assert_eq!(store.meta.get(b"marks").unwrap().unwrap()[0], 2);
        run(&store, &[mark, mark]).unwrap();
        assert_eq!(
            store.meta.get(b"marks").unwrap().unwrap()[0],
            2,
            "ran twice"
        );
        let err = run(&store, &[]).unwrap_err();
        assert!(matches!(
            err,
            StoreError::NewerSchema {
                found: 3,
                known: 1,
                ..
            }
        ));
    }
}
