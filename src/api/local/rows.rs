//! A table's rows and a form's reference names, from the server's name cache
//! (`ops::names`): what the TUI shows of references without a lookup per row.

use super::usage;
use crate::api::Result;
use crate::model::{self, Column, EntityDef, FieldKind, Lang, Record};
use crate::ops::{names, rows};
use crate::store::Store;

/// Serves `Request::MaskRows`.
#[allow(clippy::too_many_arguments)]
pub(super) fn serve(
    store: &Store,
    def: &'static EntityDef,
    columns: &[Column],
    lang: Lang,
    only: Option<usize>,
    after: Option<String>,
    limit: usize,
    keys: Option<Vec<String>>,
) -> Result<Vec<(String, Vec<String>)>> {
    let n = def.fields.len();
    let bad = columns
        .iter()
        .flat_map(|c| match *c {
            Column::Key => vec![],
            Column::Field(i) | Column::RefKey(i) => vec![usize::from(i)],
            Column::Either(a, b) => vec![usize::from(a), usize::from(b)],
        })
        .chain(only)
        .find(|&i| i >= n);
    if let Some(bad) = bad {
        return Err(usage(format!("{} has no field number {bad}", def.name)));
    }
    let ask = rows::Ask {
        def,
        columns,
        only,
        lang,
    };
    Ok(match keys {
        Some(keys) => rows::rows_of(store, &ask, &keys)?,
        None => rows::rows_after(store, &ask, after.as_deref(), limit)?,
    })
}

/// (field, key, name) of every reference field of `record` that names a record
/// with a name.
pub(super) fn reference_names(
    store: &Store,
    record: &dyn Record,
) -> Result<Vec<(String, String, String)>> {
    let def = record.def();
    let mut out = Vec::new();
    for (i, f) in def.fields.iter().enumerate() {
        let FieldKind::Ref(target) = f.kind else {
            continue;
        };
        let value = record.get(i);
        let Some(key) = value.as_str().filter(|k| !k.is_empty()) else {
            continue;
        };
        let Some(target) = model::entity(target) else {
            continue;
        };
        let name = names::names_of(store, target, &[key.to_string()])?.remove(0);
        if !name.is_empty() {
            out.push((f.name.to_string(), key.to_string(), name));
        }
    }
    Ok(out)
}
