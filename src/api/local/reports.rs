//! The report requests: a report, the pipeline board and a query's group-by,
//! each computed here from the records and handed out as data.

use super::{entity, env};
use crate::api::wire::{Request, Response};
use crate::api::{ApiError, Result, Session};
use crate::ops;
use crate::query::{self, saved, Query};
use crate::store::Store;

pub(super) fn serve(store: &Store, session: &Session, request: Request) -> Result<Response> {
    let env = env(session);
    Ok(match request {
        Request::Report { kind, params } => {
            Response::Report(Box::new(ops::report::run(store, &env, kind, &params)?))
        }
        Request::Board(params) => {
            Response::Board(Box::new(ops::report::board(store, &env, &params)?))
        }
        Request::Group {
            entity: e,
            text,
            saved: name,
            by,
            sum,
            sort,
            descending,
        } => {
            let q = match &name {
                Some(name) => saved::load(store, name)?.query,
                None => {
                    let def = entity(e.as_deref().unwrap_or_default())?;
                    Query::parse(text.as_deref().unwrap_or_default(), def)
                        .map_err(query::Error::from)?
                }
            };
            Response::Section(Box::new(ops::report::group_query(
                store, &env, &q, &by, &sum, sort, descending,
            )?))
        }
        other => {
            return Err(ApiError::protocol(format!(
                "not a report request: {}",
                other.name()
            )))
        }
    })
}

/// Builds the names tables show and the report projections ahead of the first
/// table and report (the server calls it at start, on a thread of its own).
pub fn warm(store: &Store) -> Result<()> {
    ops::names::warm(store)?;
    Ok(ops::report::cache::warm(store)?)
}
