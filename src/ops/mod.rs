//! Workflows that span entities. Each is one multi-record store write: it changes
//! every record it touches, or none.

// Workflows return the store's errors, which carry what a message needs (see store).
#![allow(clippy::result_large_err)]

pub mod alerts;
pub mod campaign;
pub mod children;
pub mod convert;
pub mod events;
pub mod figures;
pub mod filters;
pub mod forecast;
pub mod import;
pub mod lead;
pub mod names;
pub mod quote;
pub mod report;
pub mod rows;
pub mod rules;
pub mod save;
pub mod timeline;
pub mod undo;

/// A store with `records` demo records, flushed only at the end (workflow tests).
#[cfg(test)]
pub(crate) fn demo_store(records: usize) -> (tempfile::TempDir, crate::store::Store) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = crate::store::OpenOptions {
        flush_each_write: false,
        ..Default::default()
    };
    let store = crate::store::Store::open_with(dir.path(), &options).expect("a new store");
    store
        .bulk_insert(crate::demo::generate(records, 1), |_| {})
        .expect("demo data loads");
    (dir, store)
}
