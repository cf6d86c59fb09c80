//! `crm query 'QUERY' --entity E` and `crm query --saved NAME`; `crm queries`.

use super::output::print_columns;
use super::{CliResult, Format};
use crate::api::{Client, QuerySpec};
use crate::model::{Entity, SavedQuery};

pub fn query(api: &Client, spec: QuerySpec, format: Format) -> CliResult {
    let (def, columns, records, saved_as) = api.query(spec)?;
    if let Some(key) = saved_as {
        eprintln!("saved query {key}");
    }
    let columns = if columns.is_empty() {
        def.list_fields()
    } else {
        columns
    };
    print_columns(def, &records, &columns, format)
}

/// `crm queries`: every saved query.
pub fn list(api: &Client, format: Format) -> CliResult {
    let def = SavedQuery::DEF;
    let records = api.list(def, None, None)?;
    let fields: Vec<usize> = ["entity", "query", "description"]
        .iter()
        .filter_map(|f| def.field_index(f))
        .collect();
    let fields = if format == Format::Table {
        fields
    } else {
        (0..def.fields.len()).collect()
    };
    print_columns(def, &records, &fields, format)
}

/// `crm queries --rename OLD NEW` / `--delete NAME`.
pub fn rename(api: &Client, old: &str, new: &str) -> CliResult {
    outln!("{}", api.rename_saved(old, new)?)?;
    Ok(())
}

pub fn delete(api: &Client, name: &str) -> CliResult {
    api.delete_saved(name)?;
    Ok(())
}
