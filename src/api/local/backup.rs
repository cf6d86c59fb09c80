//! `crm backup` and `crm restore` in the server: the store writes the backup to
//! the request's output stream, pausing writers (the shared write lock) only for
//! a moment at its start and while it adds what changed meanwhile; a restore
//! reads the request's input stream into a new database.

use crate::api::state::Shared;
use crate::api::stream::{missing, Stream};
use crate::api::wire::Response;
use crate::api::Result;
use crate::store::Store;

pub(super) fn backup(store: &Store, shared: &Shared, stream: Stream<'_>) -> Result<Response> {
    let out = stream.output.ok_or_else(|| missing("a backup"))?;
    Ok(Response::Backup(store.backup(out, || shared.write_lock())?))
}

pub(super) fn restore(
    store: &Store,
    shared: &Shared,
    stream: Stream<'_>,
    file: &str,
) -> Result<Response> {
    let input = stream.input.ok_or_else(|| missing("a restore"))?;
    let report = store.restore_backup(input, file)?;
    // The rules and every cached projection are the backup's now.
    shared.forget_rules();
    Ok(Response::Backup(report))
}
