//! `crm query 'QUERY' --entity E` and `crm query --saved NAME`; `crm queries`.

use anyhow::anyhow;

use super::output::print_columns;
use super::{CliResult, Format};
use crate::model::{entity_or_suggest, Entity, SavedQuery};
use crate::ops::alerts::me;
use crate::query::saved::{self, Saved};
use crate::query::{parse_columns, run, Env, Query, RunOptions, Sort};
use crate::store::Store;

/// What `crm query` was asked.
pub struct Request {
    pub query: Option<String>,
    pub entity: Option<String>,
    pub saved: Option<String>,
    pub columns: Option<String>,
    pub sort: Option<String>,
    pub limit: Option<usize>,
    pub save: Option<String>,
}

/// Today, and "me" from the OS user name.
pub fn env(store: &Store) -> anyhow::Result<Env> {
    let user = std::env::var("USER").unwrap_or_default();
    Ok(Env {
        me: me(store, &user)?,
        user,
        ..Env::now()
    })
}

pub fn query(store: &Store, req: Request, format: Format) -> CliResult {
    let base = match &req.saved {
        Some(name) => saved::load(store, name)?,
        None => {
            let entity_name = req.entity.as_deref().unwrap_or_default();
            let def = entity_or_suggest(entity_name).map_err(|e| anyhow!(e))?;
            let text = req.query.clone().unwrap_or_default();
            Saved {
                name: String::new(),
                query: Query::parse(&text, def)?,
                columns: Vec::new(),
                sort: None,
                description: String::new(),
            }
        }
    };
    let def = base.query.entity;
    let columns = match &req.columns {
        Some(text) => parse_columns(def, text).map_err(|e| anyhow!("--columns: {e}"))?,
        None => base.columns.clone(),
    };
    let sort = match &req.sort {
        Some(text) => Some(Sort::parse(def, text).map_err(|e| anyhow!("--sort: {e}"))?),
        None => base.sort,
    };
    if let Some(name) = &req.save {
        let key = saved::save(store, name, &base.query, &columns, sort, "")?;
        eprintln!("saved query {key}");
    }
    let options = RunOptions {
        sort,
        limit: req.limit,
    };
    let records = run(store, &base.query, &env(store)?, &options)?;
    let columns = if columns.is_empty() {
        def.list_fields()
    } else {
        columns
    };
    print_columns(def, &records, &columns, format)
}

/// `crm queries`: every saved query.
pub fn list(store: &Store, format: Format) -> CliResult {
    let records: Vec<Box<dyn crate::model::Record>> = saved::list(store)?
        .into_iter()
        .map(|q| Box::new(q) as Box<dyn crate::model::Record>)
        .collect();
    let def = SavedQuery::DEF;
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
pub fn rename(store: &Store, old: &str, new: &str) -> CliResult {
    println!("{}", saved::rename(store, old, new)?);
    Ok(())
}

pub fn delete(store: &Store, name: &str) -> CliResult {
    saved::delete(store, name)?;
    Ok(())
}
