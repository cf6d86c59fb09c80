//! Saved queries: `saved_query` records (name, entity, query, columns, sort) kept in
//! the database like any other record, checked against the schema when saved and
//! again when run; and the preconfigured ones, installed once per database.

use super::{parse_columns, run, Env, Error, Query, QueryError, RunOptions, Sort};
use crate::model::{entity_or_suggest, Entity, EntityDef, Record, SavedQuery};
use crate::store::{Store, StoreError};

/// A saved query checked against today's schema, ready to run.
#[derive(Debug, Clone)]
pub struct Saved {
    pub name: String,
    pub query: Query,
    /// Field indexes to show beside the key; empty: the entity's list columns.
    pub columns: Vec<usize>,
    pub sort: Option<Sort>,
    pub description: String,
}

/// Which field of the saved query is wrong, and why (the column is in `error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub error: QueryError,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.error)
    }
}

/// Checks a saved query against the schema: its entity exists, its query parses
/// for that entity, its columns and sort name fields of it.
pub fn check(record: &SavedQuery) -> Result<Saved, Invalid> {
    let invalid = |field, error| Invalid { field, error };
    let entity = entity_or_suggest(record.entity.trim())
        .map_err(|m| invalid("entity", QueryError::new(1, m)))?;
    let query = Query::parse(&record.query, entity).map_err(|e| invalid("query", e))?;
    let columns = parse_columns(entity, &record.columns).map_err(|e| invalid("columns", e))?;
    let sort = match record.sort.trim() {
        "" => None,
        s => Some(Sort::parse(entity, s).map_err(|e| invalid("sort", e))?),
    };
    Ok(Saved {
        name: record.key.clone(),
        query,
        columns,
        sort,
        description: record.description.clone(),
    })
}

/// The store error for a saved query that does not check.
pub fn invalid_error(record: &SavedQuery, e: Invalid) -> StoreError {
    let value = match e.field {
        "entity" => &record.entity,
        "query" => &record.query,
        "columns" => &record.columns,
        _ => &record.sort,
    };
    StoreError::invalid(
        SavedQuery::DEF.name,
        &record.key,
        e.field,
        value,
        e.error.to_string(),
    )
}

/// Creates the saved query `name` (checked first), or replaces one of that name
/// when `replace` says so; returns its key.
/// This is "save the current filter": pass the table's query, columns and sort.
pub fn save(
    store: &Store,
    name: &str,
    query: &Query,
    columns: &[usize],
    sort: Option<Sort>,
    description: &str,
    replace: bool,
) -> Result<String, StoreError> {
    let def = query.entity;
    let key = name.trim().to_uppercase();
    if !replace && store.contains(SavedQuery::DEF, &key)? {
        return Err(StoreError::Refused(format!(
            "a saved query {key} exists already; nothing was saved — `--replace` replaces it, `crm queries` lists them"
        )));
    }
    let record = SavedQuery {
        key: name.trim().to_uppercase(),
        entity: def.name.to_string(),
        query: query.text.clone(),
        columns: columns_text(def, columns),
        sort: sort.map(|s| s.to_text(def)).unwrap_or_default(),
        description: description.to_string(),
    };
    put(store, record)
}

/// Writes a saved-query record after checking it; replaces one of the same name.
pub fn put(store: &Store, record: SavedQuery) -> Result<String, StoreError> {
    if let Err(e) = check(&record) {
        return Err(invalid_error(&record, e));
    }
    if store.contains(SavedQuery::DEF, &record.key.trim().to_uppercase())? {
        let key = record.key.trim().to_uppercase();
        store.update(Box::new(SavedQuery {
            key: key.clone(),
            ..record
        }))?;
        Ok(key)
    } else {
        store.insert(Box::new(record))
    }
}

fn columns_text(def: &EntityDef, columns: &[usize]) -> String {
    columns
        .iter()
        .map(|&i| def.fields[i].name)
        .collect::<Vec<_>>()
        .join(",")
}

/// Every saved query, by name.
pub fn list(store: &Store) -> Result<Vec<SavedQuery>, StoreError> {
    store
        .scan(SavedQuery::DEF)
        .map(|r| r.map(|r| r.downcast_ref::<SavedQuery>().cloned().unwrap_or_default()))
        .collect()
}

/// The saved query `name`, checked against today's schema (a column or field that
/// no longer exists is an error naming the saved query, the field and the column).
pub fn load(store: &Store, name: &str) -> Result<Saved, Error> {
    let record = store.fetch(SavedQuery::DEF, name)?;
    let record = record
        .downcast_ref::<SavedQuery>()
        .cloned()
        .unwrap_or_default();
    check(&record).map_err(|e| {
        Error::Query(QueryError::new(
            e.error.column,
            format!(
                "saved query {}: {}: {}",
                record.key, e.field, e.error.message
            ),
        ))
    })
}

/// Runs the saved query `name`; `limit` caps the rows.
pub fn run_saved(
    store: &Store,
    name: &str,
    env: &Env,
    limit: Option<usize>,
) -> Result<(Saved, Vec<Box<dyn Record>>), Error> {
    let saved = load(store, name)?;
    let options = RunOptions {
        sort: saved.sort,
        limit,
    };
    let rows = run(store, &saved.query, env, &options)?;
    Ok((saved, rows))
}

/// Gives the saved query `old` the name `new`.
pub fn rename(store: &Store, old: &str, new: &str) -> Result<String, StoreError> {
    let record = store.fetch(SavedQuery::DEF, old)?;
    let mut record = record
        .downcast_ref::<SavedQuery>()
        .cloned()
        .unwrap_or_default();
    let old_key = record.key.clone();
    record.key = new.trim().to_uppercase();
    if record.key == old_key {
        return Ok(old_key);
    }
    // Written first, removed second: a failure in between leaves two, never none.
    let key = store.insert(Box::new(record))?;
    store.delete(SavedQuery::DEF, &old_key)?;
    Ok(key)
}

pub fn delete(store: &Store, name: &str) -> Result<(), StoreError> {
    store.delete(SavedQuery::DEF, &name.trim().to_uppercase())
}

/// The queries every database starts with: (name, entity, query, columns, sort,
/// description). They are ordinary saved queries: the user may edit or delete them.
pub static PRECONFIGURED: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "MY-OPEN-OPPS-THIS-MONTH",
        "opportunity",
        "salesperson:me status.meaning:open expected_close:this_month",
        "description,customer,prospect,stage,amount,expected_close",
        "expected_close",
        "My open opportunities closing this month",
    ),
    (
        "PIPELINE-BY-STAGE",
        "opportunity",
        "status.meaning:open",
        "stage,description,amount,probability,expected_close,salesperson",
        "stage",
        "Open opportunities by stage",
    ),
    (
        "PAST-DUE-OPPS",
        "opportunity",
        "status.meaning:open expected_close<today",
        "description,salesperson,stage,amount,expected_close",
        "expected_close",
        "Open opportunities whose close date has passed",
    ),
    (
        "PAST-DUE-TASKS",
        "opportunity_task",
        "status:open due_date<today",
        "opportunity,description,owner,due_date,priority",
        "due_date",
        "Open tasks past their due date",
    ),
    (
        "STALE-LEADS",
        "lead",
        "opportunity=\"\" NOT prospect.has:interaction(occurred_at>=-30d) \
         NOT customer.has:interaction(occurred_at>=-30d)",
        "last_name,company,status,salesperson,follow_up",
        "follow_up",
        "Unconverted leads whose company had no interaction for 30 days",
    ),
    (
        "ACTIVE-CAMPAIGNS",
        "campaign",
        "status:ACTIVE",
        "description,campaign_type,start_date,end_date,budget,owner",
        "end_date",
        "Campaigns running now",
    ),
    (
        "CURRENT-FORECASTS",
        "sales_forecast",
        "period:current",
        "salesperson,period,status,quota,forecast_amount",
        "salesperson",
        "Forecasts of the current sales period",
    ),
    (
        "PROSPECTS-WITHOUT-INTERACTION",
        "prospect",
        "no:interaction -status:converted",
        "name,city,territory,salesperson,status",
        "name",
        "Prospects nobody has talked to yet",
    ),
    (
        "CONTACTS-WITHOUT-XREF",
        "sales_contact",
        "no:contact_xref",
        "last_name,first_name,company,email",
        "last_name",
        "Sales contacts linked to no customer or prospect",
    ),
    (
        "COMPETITORS-ON-OPEN-OPPS",
        "competitor",
        "has:opportunity(status.meaning:open)",
        "name,city,web",
        "name",
        "Competitors named on open opportunities",
    ),
    (
        "TEAMS-WITH-OPEN-OPPS",
        "sales_team",
        "has:opportunity(status.meaning:open)",
        "name,leader",
        "",
        "Sales teams with open opportunities",
    ),
];

const INSTALLED: &str = "preconfigured_queries";

/// Installs the preconfigured queries this database has not had yet; returns how
/// many. One the user deleted or changed is never put back: the names installed
/// once are remembered in `meta`.
pub fn ensure_preconfigured(store: &Store) -> Result<usize, StoreError> {
    let installed = store.meta_get(INSTALLED)?.unwrap_or_default();
    let installed = String::from_utf8_lossy(&installed).into_owned();
    let mut names: Vec<&str> = installed.lines().filter(|l| !l.is_empty()).collect();
    let mut added = 0;
    for &(name, entity, query, columns, sort, description) in PRECONFIGURED {
        if names.contains(&name) {
            continue;
        }
        if !store.contains(SavedQuery::DEF, name)? {
            put(
                store,
                SavedQuery {
                    key: name.into(),
                    entity: entity.into(),
                    query: query.into(),
                    columns: columns.into(),
                    sort: sort.into(),
                    description: description.into(),
                },
            )?;
            added += 1;
        }
        names.push(name);
    }
    if added > 0 || names.len() != installed.lines().filter(|l| !l.is_empty()).count() {
        store.meta_set(INSTALLED, names.join("\n").as_bytes())?;
    }
    Ok(added)
}
