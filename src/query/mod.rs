//! The query language (see the README's "Queries"): `field:value`, comparisons,
//! ranges, relative dates, `me`, `AND`/`OR`/`NOT`, `has:`/`no:` and `ref.field`.
//!
//! Use: `Query::parse(text, entity)` checks a query against the schema;
//! `query.compile(&store, &env)` types its values for today and "me" and gives a
//! `Compiled` predicate; `select` (or `run`, which also sorts) reads the matching
//! records through the planner. `saved` keeps named queries in the database.

// Queries return the store's errors, which carry what a message needs (see store).
#![allow(clippy::result_large_err)]

mod compile;
mod fold;
mod parser;
pub mod plan;
pub mod saved;
mod values;

#[cfg(test)]
mod changes_tests;

use std::cmp::Ordering;
use std::fmt;

use chrono::NaiveDate;

pub use compile::{Lookups, Pred, Test};
pub use fold::fold;
pub use parser::{Expr, Op, RawValue, Subject};
pub use plan::{access, for_each, select, Access};

use crate::model::{field_or_suggest, EntityDef, Record, Value};
use crate::store::{Store, StoreError};

/// The longest query (in characters).
pub const MAX_QUERY_CHARS: usize = 4000;
/// How deep parentheses, `NOT`s and `-`s may nest (what a person writes is far
/// shallower; a deeper one would take the parser's stack).
pub const MAX_DEPTH: usize = 64;

/// Refuses a query longer than `MAX_QUERY_CHARS`, at the first column too many.
fn check_length(text: &str) -> Result<(), QueryError> {
    let n = text.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(QueryError::new(
            MAX_QUERY_CHARS + 1,
            format!("the query is too long: {n} characters, at most {MAX_QUERY_CHARS}"),
        ));
    }
    Ok(())
}

/// A query that does not parse or does not fit the schema: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// 1-based character column in the query text.
    pub column: usize,
    pub message: String,
}

impl QueryError {
    pub fn new(column: usize, message: impl Into<String>) -> QueryError {
        QueryError {
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}", self.message, self.column)
    }
}

impl std::error::Error for QueryError {}

/// Why a query could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Query(#[from] QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a query's words mean today: the date relative dates count from, and the
/// salesperson "me" stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Env {
    pub today: NaiveDate,
    /// The salesperson mapped to the OS user, if any.
    pub me: Option<String>,
    /// The OS user name, for the message when `me` maps to nobody.
    pub user: String,
}

impl Env {
    /// Today's local date, and no "me".
    pub fn now() -> Env {
        Env {
            today: crate::model::value::today(),
            me: None,
            user: String::new(),
        }
    }
}

/// A parsed query over one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub entity: &'static EntityDef,
    pub text: String,
    pub expr: Expr,
}

impl Query {
    /// Parses `text` for `entity` and checks every field and value against the
    /// schema (a value of the wrong type, an unknown relative date: an error with
    /// its column). An empty text matches every record.
    pub fn parse(text: &str, entity: &'static EntityDef) -> Result<Query, QueryError> {
        Query::checked(text, entity, parser::parse(text, entity)?)
    }

    /// Like `parse`, for an event rule's condition: it may also say `changed:FIELD`
    /// (`changed:a,b`: any of them) and `was.FIELD OP VALUE`, which look at the
    /// record before the change (see `Compiled::matches_change`).
    pub fn parse_rule(text: &str, entity: &'static EntityDef) -> Result<Query, QueryError> {
        Query::checked(text, entity, parser::parse_rule(text, entity)?)
    }

    /// The parsed `expr`, its values checked against the schema.
    fn checked(text: &str, entity: &'static EntityDef, expr: Expr) -> Result<Query, QueryError> {
        let check_env = Env {
            today: crate::model::value::today(),
            me: Some(String::new()),
            user: String::new(),
        };
        match compile::compile(&expr, entity, &check_env, compile::Mode::Check) {
            Ok(_) => {}
            Err(Error::Query(e)) => return Err(e),
            Err(Error::Store(e)) => return Err(QueryError::new(1, e.to_string())),
        }
        Ok(Query {
            entity,
            text: text.to_string(),
            expr,
        })
    }

    /// The predicate for today and "me"; reads the store for `has:`/`no:` sets.
    pub fn compile<'s>(&self, store: &'s Store, env: &Env) -> Result<Compiled<'s>, Error> {
        let pred = compile::compile(&self.expr, self.entity, env, compile::Mode::Run(store))?;
        Ok(Compiled::new(store, self.entity, pred))
    }
}

/// A query ready to test records of its entity.
pub struct Compiled<'s> {
    pub store: &'s Store,
    pub def: &'static EntityDef,
    pub pred: Pred,
    lookups: Lookups,
}

impl<'s> Compiled<'s> {
    pub fn new(store: &'s Store, def: &'static EntityDef, pred: Pred) -> Compiled<'s> {
        Compiled {
            store,
            def,
            pred,
            lookups: Lookups::default(),
        }
    }

    /// Whether a record (of the query's entity) matches; `changed:` and `was.` see
    /// it as just created.
    pub fn matches(&self, record: &dyn Record) -> Result<bool, StoreError> {
        self.pred.matches(record, self.store, &self.lookups)
    }

    /// Whether a change matches: `new` as saved, `old` as it was before (None: `new`
    /// was created). Only `changed:` and `was.` look at `old`.
    pub fn matches_change(
        &self,
        new: &dyn Record,
        old: Option<&dyn Record>,
    ) -> Result<bool, StoreError> {
        self.pred.matches_with(new, old, self.store, &self.lookups)
    }

    /// How the planner reads the records.
    pub fn access(&self) -> Result<Access, StoreError> {
        plan::access(self.store, self.def, &self.pred)
    }
}

/// A sort order: a field (or the key), ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// None: the key.
    pub field: Option<usize>,
    pub descending: bool,
}

impl Sort {
    /// `field` or `-field` (`key` for the key).
    pub fn parse(def: &EntityDef, text: &str) -> Result<Sort, QueryError> {
        let t = text.trim();
        let (descending, name) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let column = text.len() - text.trim_start().len() + 1 + usize::from(descending);
        if name.is_empty() {
            return Err(QueryError::new(column, "expected a field to sort by"));
        }
        let field = if name == "key" {
            None
        } else {
            Some(field_or_suggest(def, name).map_err(|m| QueryError::new(column, m))?)
        };
        Ok(Sort { field, descending })
    }

    pub fn to_text(self, def: &EntityDef) -> String {
        let name = self.field.map_or("key", |i| def.fields[i].name);
        format!("{}{name}", if self.descending { "-" } else { "" })
    }

    /// Sorts records (stable: equal values keep key order).
    pub fn apply(self, records: &mut [Box<dyn Record>]) {
        records.sort_by(|a, b| {
            let o = match self.field {
                None => a.key().cmp(b.key()),
                Some(i) => compare_values(&a.get(i), &b.get(i)),
            };
            if self.descending {
                o.reverse()
            } else {
                o
            }
        });
    }
}

/// The order of two values of one field; empty values first.
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Empty, Value::Empty) => Ordering::Equal,
        (Value::Empty, _) => Ordering::Less,
        (_, Value::Empty) => Ordering::Greater,
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Money(x), Value::Money(y)) => x
            .cents
            .cmp(&y.cents)
            .then_with(|| x.currency.as_str().cmp(y.currency.as_str())),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::DateTime(x), Value::DateTime(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) => fold(x).cmp(&fold(y)),
        (Value::List(x), Value::List(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// A comma-separated list of field names (`description,amount,stage`): their
/// indexes, or the first unknown one with its column.
pub fn parse_columns(def: &EntityDef, text: &str) -> Result<Vec<usize>, QueryError> {
    let mut out = Vec::new();
    let mut column = 1;
    for part in text.split(',') {
        let name = part.trim();
        let at = column + (part.len() - part.trim_start().len());
        column += part.chars().count() + 1;
        if name.is_empty() || name == "key" {
            continue;
        }
        let i = field_or_suggest(def, name).map_err(|m| QueryError::new(at, m))?;
        if !out.contains(&i) {
            out.push(i);
        }
    }
    Ok(out)
}

/// How to run a query.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub sort: Option<Sort>,
    pub limit: Option<usize>,
}

/// The records that match `query` today, sorted and limited.
pub fn run(
    store: &Store,
    query: &Query,
    env: &Env,
    options: &RunOptions,
) -> Result<Vec<Box<dyn Record>>, Error> {
    let compiled = query.compile(store, env)?;
    // Without a sort, the first N in key order are the answer and reading can stop.
    let early = if options.sort.is_none() {
        options.limit
    } else {
        None
    };
    let mut records = select(&compiled, early)?;
    if let Some(sort) = options.sort {
        sort.apply(&mut records);
    }
    if let Some(n) = options.limit {
        records.truncate(n);
    }
    Ok(records)
}
