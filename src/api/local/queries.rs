//! Queries as a user runs them: a query's text or a saved query, with columns
//! and sort, its records or only its keys, saved under a name on request; and
//! the saved queries as the palette lists them.

use super::{entity, env, usage};
use crate::api::wire::{QuerySpec, Rec, Response, SavedInfo};
use crate::api::{Result, Session};
use crate::query::{self, saved, Query, RunOptions, Sort};
use crate::store::Store;

pub(super) fn run_query(store: &Store, session: &Session, spec: QuerySpec) -> Result<Response> {
    let base = match &spec.saved {
        Some(name) => saved::load(store, name)?,
        None => {
            let def = entity(spec.entity.as_deref().unwrap_or_default())?;
            let text = spec.text.clone().unwrap_or_default();
            saved::Saved {
                name: String::new(),
                query: Query::parse(&text, def).map_err(query::Error::from)?,
                columns: Vec::new(),
                sort: None,
                description: String::new(),
            }
        }
    };
    let def = base.query.entity;
    let columns = match &spec.columns {
        Some(text) => {
            query::parse_columns(def, text).map_err(|e| usage(format!("--columns: {e}")))?
        }
        None => base.columns.clone(),
    };
    let sort = match &spec.sort {
        Some(text) => Some(Sort::parse(def, text).map_err(|e| usage(format!("--sort: {e}")))?),
        None => base.sort,
    };
    let env = env(session);
    if spec.keys_only {
        let compiled = base.query.compile(store, &env)?;
        let records = query::select(&compiled, None)?;
        return Ok(Response::Keys(
            records.iter().map(|r| r.key().to_string()).collect(),
        ));
    }
    let saved_as = match &spec.save {
        Some(name) => Some(saved::save(
            store,
            name,
            &base.query,
            &columns,
            sort,
            "",
            spec.replace,
        )?),
        None => None,
    };
    let options = RunOptions {
        sort,
        limit: spec.limit,
    };
    let records = query::run(store, &base.query, &env, &options)?;
    Ok(Response::QueryResult {
        entity: def.name.to_string(),
        columns,
        records: records.into_iter().map(Rec).collect(),
        saved_as,
    })
}

pub(super) fn saved_list(store: &Store) -> Result<Vec<SavedInfo>> {
    Ok(saved::list(store)?
        .into_iter()
        .map(|q| {
            let checked = saved::check(&q).ok();
            SavedInfo {
                columns: checked
                    .as_ref()
                    .map(|s| s.columns.clone())
                    .unwrap_or_default(),
                sort: checked
                    .as_ref()
                    .and_then(|s| s.sort.map(|o| o.to_text(s.query.entity))),
                name: q.key,
                entity: q.entity,
                query: q.query,
                description: q.description,
            }
        })
        .collect())
}
