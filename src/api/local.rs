//! The operations themselves, run against the store: `handle` serves one request
//! for one session. The server calls it for every client; `Local` calls it in this
//! process (tests, the library example). Writes take one lock, so that a
//! read-decide-write (a conversion, a quote's acceptance) of one user never
//! interleaves with another's.

use std::path::Path;
use std::sync::Arc;

use super::state::Shared;
use super::wire::{
    Base, ChangeNote, FormData, Push, QuerySpec, Rec, Request, Response, SaveReport, SavedInfo, Who,
};
use super::{ApiError, ConflictField, ErrorKind, Result, Role, Session, Transport};
use crate::model::{self, entity_or_suggest, Entity, EntityDef, KeyKind, Record};
use crate::model::{OpportunityTask, Salesperson, SavedQuery};
use crate::ops;
use crate::query::{self, saved, Env, Query, RunOptions, Sort};
use crate::store::history::{self, Actor};
use crate::store::{IndexKind, Store, StoreError};

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let message = e.to_string();
        let (kind, field, detail) = match &e {
            StoreError::Invalid { field, message, .. } => {
                (ErrorKind::Invalid, Some(field.clone()), message.clone())
            }
            StoreError::DanglingRef {
                field,
                target,
                suggestion,
                ..
            } => (
                ErrorKind::DanglingRef,
                Some(field.clone()),
                format!("names no existing {target}{suggestion}"),
            ),
            StoreError::NotFound { .. } => (ErrorKind::NotFound, None, String::new()),
            StoreError::Duplicate { .. } => (ErrorKind::Duplicate, None, String::new()),
            StoreError::Referenced { .. } => (ErrorKind::Referenced, None, String::new()),
            StoreError::Refused(_) => (ErrorKind::Refused, None, String::new()),
            _ => (ErrorKind::Store, None, String::new()),
        };
        ApiError {
            kind,
            message,
            field,
            detail,
        }
    }
}

impl From<query::Error> for ApiError {
    fn from(e: query::Error) -> ApiError {
        match e {
            query::Error::Query(q) => {
                ApiError::new(ErrorKind::Query { column: q.column }, q.to_string())
            }
            query::Error::Store(s) => s.into(),
        }
    }
}

fn usage(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::Invalid, message)
}

fn entity(name: &str) -> Result<&'static EntityDef> {
    entity_or_suggest(name).map_err(|e| ApiError::new(ErrorKind::NotFound, e))
}

/// Setup data: only admins change it (code tables, salespersons, teams,
/// territories, periods, items). Competitors and saved queries are everyday data.
pub fn is_setup(def: &EntityDef) -> bool {
    matches!(def.key, KeyKind::Code) && !matches!(def.name, "competitor" | "saved_query")
}

/// Refuses what the session's role does not allow, before anything is read.
pub fn authorize(session: &Session, request: &Request) -> Result<()> {
    let who = &session.user;
    if session.role == Role::ReadOnly && request.writes() {
        return Err(ApiError::denied(format!(
            "{who} is read-only: reading is allowed, changing is not; an admin can change the role on the salesperson record"
        )));
    }
    if session.role == Role::Admin {
        return Ok(());
    }
    let admin_only = match request {
        Request::Delete { entity, .. } => entity != SavedQuery::DEF.name,
        Request::Save { record, .. } => is_setup(record.0.def()),
        Request::Demo { .. } | Request::ServerStop | Request::PruneHistory { .. } => true,
        Request::Check { repair } => *repair,
        _ => false,
    };
    if admin_only {
        let what = match request {
            Request::Delete { entity, key } => format!("delete {entity} {key}"),
            Request::Save { record, .. } => format!("change setup data ({})", record.0.def().name),
            Request::Demo { .. } => "load demo data".into(),
            Request::ServerStop => "stop the server".into(),
            Request::PruneHistory { .. } => "prune the history".into(),
            _ => "repair the database".into(),
        };
        return Err(ApiError::denied(format!(
            "{who} ({}) may not {what}: only admins may; ask an admin or the database's owner",
            session.role.name()
        )));
    }
    Ok(())
}

/// The session of a user on this store: the salesperson whose `os_user` is the
/// user's name, and its role (the database's owner is always admin).
pub fn session_for(store: &Store, uid: u32, user: &str, owner: bool) -> Result<Session> {
    let salesperson = ops::alerts::me(store, user)?;
    let role = match &salesperson {
        _ if owner => Role::Admin,
        Some(key) => store
            .get_as::<Salesperson>(key)?
            .and_then(|s| Role::parse(&s.role))
            .unwrap_or(Role::Sales),
        None => Role::Sales,
    };
    Ok(Session {
        uid,
        user: user.to_string(),
        salesperson,
        role,
    })
}

fn env(session: &Session) -> Env {
    Env {
        me: session.salesperson.clone(),
        user: session.user.clone(),
        ..Env::now()
    }
}

fn recs(v: Vec<Box<dyn Record>>) -> Response {
    Response::Records(v.into_iter().map(Rec).collect())
}

/// Serves one request. `shared` is what every session's requests share (the
/// write lock, the alerts); `progress` hears how far a bulk load has got.
pub fn handle(
    store: &Store,
    session: &Session,
    shared: &Shared,
    request: Request,
    progress: &dyn Fn(usize),
) -> Result<Response> {
    authorize(session, &request)?;
    if !request.writes() {
        return serve(store, session, shared, request, progress);
    }
    let via = request.name();
    let actor = Actor {
        user: session.user.clone(),
        via: via.clone(),
    };
    let (result, n, scoped) = {
        let _guard = shared.write_lock();
        let (result, scoped) =
            history::scope(actor, || serve(store, session, shared, request, progress));
        (result, shared.wrote(session.uid), scoped)
    };
    // Group commit: the flush comes after the lock is let go, so that the writers
    // queued behind it share one flush; nobody hears "saved" before it is on disk.
    shared.flush_after(store, n)?;
    if let Some(id) = scoped.group {
        // Every session hears what the request changed, once it is durable.
        shared.publish(Push::Changes(ChangeNote {
            id,
            at_ms: chrono::Utc::now().timestamp_millis(),
            user: session.user.clone(),
            via,
            items: scoped.changed,
            more: scoped.more,
        }));
    }
    result
}

fn serve(
    store: &Store,
    session: &Session,
    shared: &Shared,
    request: Request,
    progress: &dyn Fn(usize),
) -> Result<Response> {
    Ok(match request {
        Request::Whoami => Response::Session(session.clone()),
        Request::Info { count } => Response::Info {
            path: store.path().display().to_string(),
            empty: store.is_empty(),
            total: if count { store.total_records() } else { 0 },
        },
        Request::Count { entity: e } => Response::Count(store.count(entity(&e)?)),
        Request::Get { entity: e, key } => Response::Record(store.get(entity(&e)?, &key)?.map(Rec)),
        Request::Fetch { entity: e, key } => {
            Response::Record(Some(Rec(store.fetch(entity(&e)?, &key)?)))
        }
        Request::FetchRev { entity: e, key } => {
            let (rev, record) = fetch_rev(store, entity(&e)?, &key)?;
            Response::RecordAt {
                record: Rec(record),
                rev,
            }
        }
        Request::GetMany { entity: e, keys } => {
            let def = entity(&e)?;
            let mut out = Vec::with_capacity(keys.len());
            for k in keys {
                out.push(store.get(def, &k)?.map(Rec));
            }
            Response::Many(out)
        }
        Request::List {
            entity: e,
            by,
            limit,
        } => {
            let def = entity(&e)?;
            match by {
                None => recs(store.list(def, limit)?),
                Some(by) => Response::Encoded {
                    entity: def.name.to_string(),
                    values: list_by(store, def, by, limit)?
                        .into_iter()
                        .map(super::wire::Bytes)
                        .collect(),
                },
            }
        }
        Request::Scan {
            entity: e,
            after,
            limit,
        } => {
            let def = entity(&e)?;
            let mut out = Vec::new();
            let iter: Box<dyn Iterator<Item = crate::store::Result<Box<dyn Record>>>> = match &after
            {
                Some(a) => Box::new(store.scan_after(def, a)),
                None => Box::new(store.scan(def)),
            };
            for r in iter.take(limit) {
                out.push(Rec(r?));
            }
            Response::Records(out)
        }
        Request::MaskRows {
            entity: e,
            fields,
            only,
            after,
            limit,
        } => Response::Rows(mask_rows(store, entity(&e)?, &fields, only, after, limit)?),
        Request::Save { record, new, base } => {
            Response::Stored(save_at(store, record.0, new, base)?)
        }
        Request::Delete { entity: e, key } => {
            store.delete(entity(&e)?, &key)?;
            Response::Done
        }
        Request::ConvertProspect { key } => {
            Response::Converted(ops::convert::convert_prospect(store, &key)?)
        }
        Request::ConvertLead { key, new_prospect } => {
            Response::FromLead(ops::lead::convert_lead(store, &key, new_prospect)?)
        }
        Request::AcceptQuote { key, won_reason } => {
            Response::Accepted(ops::quote::accept(store, &key, won_reason.as_deref())?)
        }
        Request::RejectQuote { key } => {
            ops::quote::reject(store, &key)?;
            Response::Done
        }
        Request::TaskDone { key } => Response::Message(task_done(store, &key)?),
        Request::ForecastCandidates { key } => recs(
            ops::forecast::candidates(store, &key)?
                .into_iter()
                .map(|o| Box::new(o) as Box<dyn Record>)
                .collect(),
        ),
        Request::ForecastAdd { key, opportunities } => {
            Response::Count(ops::forecast::add(store, &key, &opportunities)?)
        }
        Request::ForecastSubmit { key } => {
            Response::Record(Some(Rec(Box::new(ops::forecast::submit(store, &key)?))))
        }
        Request::ForecastRollup { period, filter } => {
            Response::Rollup(ops::forecast::rollup(store, &period, &filter)?)
        }
        Request::CampaignReport { key } => Response::Efficiencies(match key {
            Some(k) => vec![ops::campaign::efficiency(store, &k)?],
            None => ops::campaign::report(store)?,
        }),
        Request::Query(spec) => run_query(store, session, spec)?,
        Request::SavedList => Response::Saved(saved_list(store)?),
        Request::SavedRename { old, new } => Response::Key(saved::rename(store, &old, &new)?),
        Request::SavedDelete { name } => {
            saved::delete(store, &name)?;
            Response::Done
        }
        Request::Find { text, limit } => Response::Hits(store.find(&text, limit)?),
        Request::Alerts { who } => alerts(store, session, shared, who, model::value::today())?,
        Request::AlertsOn { who, today } => alerts(store, session, shared, who, today)?,
        Request::FormData { entity: e, key } => {
            let def = entity(&e)?;
            // The record and its revision from one read: a save in between would
            // pair an old record with a newer revision, and the form's save would
            // then overwrite that change unseen.
            let (rev, record) = fetch_rev(store, def, &key)?;
            let mut children = ops::children::load(store, def, record.key());
            children.extend(ops::children::embedded(store, record.as_ref()));
            let figures = ops::figures::of(store, record.as_ref());
            let history = store.history(def, record.key(), Some(FORM_HISTORY))?;
            let timeline = if ops::timeline::HAS_TIMELINE.contains(&def.name) {
                let mut t = ops::timeline::timeline(store, def, record.key())?;
                t.truncate(FORM_HISTORY);
                t
            } else {
                Vec::new()
            };
            Response::FormData(Box::new(FormData {
                record: Rec(record),
                rev,
                children,
                figures,
                history,
                timeline,
            }))
        }
        Request::Demo {
            records,
            seed,
            if_empty,
        } => demo(store, records, seed, if_empty, progress)?,
        Request::Check { repair } => Response::Audit(if repair {
            store.repair()?
        } else {
            store.audit()?
        }),
        Request::History {
            entity: e,
            key,
            limit,
        } => {
            let def = entity(&e)?;
            let key = key.trim().to_uppercase();
            if !store.contains(def, &key)? && !store.has_history(def, &key)? {
                // Through fetch: NotFound with a did-you-mean.
                store.fetch(def, &key)?;
            }
            Response::History(store.history(def, &key, limit)?)
        }
        Request::Log(filter) => {
            if let Some(e) = &filter.entity {
                entity(e)?;
            }
            Response::Log(store.log(&filter)?)
        }
        Request::Timeline { entity: e, key } => {
            Response::Timeline(ops::timeline::timeline(store, entity(&e)?, &key)?)
        }
        Request::Undo => Response::Undone(ops::undo::undo(store, &session.user)?),
        Request::Restore { entity: e, key } => {
            Response::Key(ops::undo::restore(store, entity(&e)?, &key)?)
        }
        Request::PruneHistory { before_ms } => Response::Count(store.prune_history(before_ms)?),
        // A local client subscribes through its transport; the server answers
        // this request itself.
        Request::Subscribe => Response::Done,
        Request::ServerStatus | Request::ServerStop => {
            return Err(usage(
                "this database is open in this process, not through a server",
            ))
        }
    })
}

fn alerts(
    store: &Store,
    session: &Session,
    shared: &Shared,
    who: Who,
    today: chrono::NaiveDate,
) -> Result<Response> {
    let salesperson = match who {
        Who::Me => session.salesperson.clone(),
        Who::Salesperson(s) => Some(store.fetch(Salesperson::DEF, &s)?.key().to_string()),
        Who::Everyone => None,
    };
    let alerts = shared
        .alerts(store, session.uid, salesperson.as_deref(), today)?
        .as_ref()
        .clone();
    Ok(Response::Alerts {
        alerts,
        salesperson,
    })
}

fn list_by(
    store: &Store,
    def: &'static EntityDef,
    by: super::By,
    limit: Option<usize>,
) -> Result<Vec<Vec<u8>>> {
    let (index, code, target, flag) = match &by {
        super::By::Territory(c) => (IndexKind::Territory, c, "territory", "territory"),
        super::By::Team(c) => (IndexKind::Team, c, "sales_team", "team"),
    };
    if def.field(target).is_none() {
        return Err(usage(format!(
            "{} has no {target}; `crm schema {}` lists its fields",
            def.name, def.name
        )));
    }
    // An unknown code is an error, not an empty list: it is most likely a typo.
    if code.trim().is_empty() {
        return Err(usage(format!("--{flag} needs a code")));
    }
    let target_def = model::entity(target).expect("registered");
    store.fetch(target_def, code)?;
    Ok(store.encoded_by(index, code, def, limit)?)
}

fn mask_rows(
    store: &Store,
    def: &'static EntityDef,
    fields: &[usize],
    only: Option<usize>,
    after: Option<String>,
    limit: usize,
) -> Result<Vec<(String, Vec<String>)>> {
    if let Some(&bad) = fields
        .iter()
        .chain(only.iter())
        .find(|&&i| i >= def.fields.len())
    {
        return Err(usage(format!("{} has no field number {bad}", def.name)));
    }
    let iter: Box<dyn Iterator<Item = crate::store::Result<Box<dyn Record>>>> = match &after {
        Some(a) => Box::new(store.scan_after(def, a)),
        None => Box::new(store.scan(def)),
    };
    let mut out = Vec::with_capacity(limit.min(65_536));
    for r in iter {
        let Ok(r) = r else { continue };
        if only.is_some_and(|f| r.get(f).is_empty()) {
            continue;
        }
        let cells = fields
            .iter()
            .map(|&i| model::format_value(&def.fields[i].kind, &r.get(i)))
            .collect();
        out.push((r.key().to_string(), cells));
        if out.len() >= limit {
            break;
        }
    }
    Ok(out)
}

/// A record that must exist and its revision, read together.
fn fetch_rev(store: &Store, def: &'static EntityDef, key: &str) -> Result<(u64, Box<dyn Record>)> {
    let key = key.trim().to_uppercase();
    match store.get_rev(def, &key)? {
        Some(found) => Ok(found),
        // Through fetch: NotFound with a did-you-mean.
        None => Err(store.fetch(def, &key).err().map_or_else(
            || {
                ApiError::new(
                    ErrorKind::NotFound,
                    format!("{} {key} does not exist", def.name),
                )
            },
            ApiError::from,
        )),
    }
}

/// Changes a form's History list shows.
const FORM_HISTORY: usize = 50;

/// Saves `record`; with a base, a record changed since the base is merged by
/// field, or refused with the conflicting fields, never written blindly.
fn save_at(
    store: &Store,
    record: Box<dyn Record>,
    new: bool,
    base: Option<Base>,
) -> Result<SaveReport> {
    let def = record.def();
    let report = |key: String, merged: Vec<String>, merged_from: String| -> Result<SaveReport> {
        let rev = store.get_rev(def, &key)?.map_or(0, |(r, _)| r);
        Ok(SaveReport {
            key,
            rev,
            merged,
            merged_from,
        })
    };
    if new {
        let key = ops::save::save(store, None, record)?;
        return report(key, Vec::new(), String::new());
    }
    let key = record.key().trim().to_uppercase();
    let Some((rev, current)) = store.get_rev(def, &key)? else {
        if base.is_some() && store.has_history(def, &key)? {
            let by = ops::undo::last_changed_by(store, def, &key)?;
            return Err(ApiError::new(
                ErrorKind::Gone,
                format!(
                    "{} {key} was deleted by {by}; nothing was saved — save it as new to keep your version",
                    def.name
                ),
            ));
        }
        // Through fetch: NotFound with a did-you-mean.
        store.fetch(def, &key)?;
        unreachable!("fetch of a missing record fails");
    };
    // A save that changes nothing writes nothing (no empty revision in the history).
    let plain = base
        .as_ref()
        .is_none_or(|b| b.rev == rev || (b.rev < rev && b.original.is_some()));
    if plain && record.eq_record(current.as_ref()) {
        return report(key, Vec::new(), String::new());
    }
    let Some(base) = base else {
        let k = ops::save::save(store, Some(current.as_ref()), record)?;
        return report(k, Vec::new(), String::new());
    };
    if base.rev > rev {
        return Err(usage(format!(
            "{} {key}: revision {} is ahead of the record, which is at revision {rev}; nothing was saved",
            def.name, base.rev
        )));
    }
    if base.rev == rev {
        let k = ops::save::save(store, Some(current.as_ref()), record)?;
        return report(k, Vec::new(), String::new());
    }
    let by = ops::undo::last_changed_by(store, def, &key)?;
    let Some(Rec(original)) = base.original else {
        return Err(ApiError::new(
            ErrorKind::Stale { base: base.rev, rev },
            format!(
                "{} {key} changed since revision {}: it is at revision {rev}, last changed by {by}; nothing was saved (`crm history {} {key}` shows what changed)",
                def.name, base.rev, def.name
            ),
        ));
    };
    let mut mine = Vec::new();
    let mut conflicts = Vec::new();
    let mut theirs = Vec::new();
    for (i, f) in def.fields.iter().enumerate() {
        let (o, m, t) = (original.get(i), record.get(i), current.get(i));
        let changed_mine = m != o;
        let changed_theirs = t != o;
        if changed_theirs {
            theirs.push(f.name.to_string());
        }
        if changed_mine && changed_theirs && m != t {
            let shown = |v: &model::Value| model::format_value(&f.kind, v);
            conflicts.push(ConflictField {
                field: f.name.to_string(),
                base: shown(&o),
                mine: shown(&m),
                theirs: shown(&t),
            });
        } else if changed_mine && !changed_theirs {
            mine.push(i);
        }
    }
    if !conflicts.is_empty() {
        let list = conflicts
            .iter()
            .map(|c| format!("{}: yours '{}', theirs '{}'", c.field, c.mine, c.theirs))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ApiError::new(
            ErrorKind::Conflict { rev, fields: conflicts },
            format!(
                "{} {key} was changed by {by} in the fields you changed ({list}); nothing was saved — choose for each: keep yours or take theirs",
                def.name
            ),
        ));
    }
    let mut merged = current.clone();
    for &i in &mine {
        merged
            .set(i, record.get(i))
            .map_err(|e| usage(format!("{} {key}: {e}", def.name)))?;
    }
    if mine.is_empty() || merged.eq_record(current.as_ref()) {
        // Theirs already holds everything this save changed.
        return report(key, Vec::new(), String::new());
    }
    let k = ops::save::save(store, Some(current.as_ref()), merged)?;
    // Their fields kept: those this save left alone and its rules did not change.
    let stored = store.get(def, &k)?;
    theirs.retain(|f| {
        def.field_index(f).is_some_and(|i| {
            record.get(i) == original.get(i)
                && stored.as_ref().is_some_and(|s| s.get(i) == current.get(i))
        })
    });
    report(k, theirs, by)
}

fn task_done(store: &Store, key: &str) -> Result<String> {
    let old = store.fetch(OpportunityTask::DEF, key)?;
    let mut task = old
        .downcast_ref::<OpportunityTask>()
        .cloned()
        .unwrap_or_default();
    task.status = if task.status == "done" {
        "open"
    } else {
        "done"
    }
    .into();
    let message = format!("task {}: {}", task.key, task.status);
    ops::save::save(store, Some(old.as_ref()), Box::new(task))?;
    Ok(message)
}

fn run_query(store: &Store, session: &Session, spec: QuerySpec) -> Result<Response> {
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
        Some(name) => Some(saved::save(store, name, &base.query, &columns, sort, "")?),
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

fn saved_list(store: &Store) -> Result<Vec<SavedInfo>> {
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

fn demo(
    store: &Store,
    records: usize,
    seed: u64,
    if_empty: bool,
    progress: &dyn Fn(usize),
) -> Result<Response> {
    let existing = store.total_records();
    if existing > 0 {
        if if_empty {
            return Ok(Response::Bulk(Default::default()));
        }
        return Err(usage(format!(
            "database {} already holds {existing} records; demo data goes into an empty database \
             (pass --db NEW_PATH, or --if-empty to skip)",
            store.path().display()
        )));
    }
    let report = store.bulk_insert(crate::demo::generate(records, seed), progress)?;
    Ok(Response::Bulk(report))
}

/// The store in this process, acting for one session.
pub struct Local {
    store: Arc<Store>,
    session: Session,
    shared: Shared,
}

impl Local {
    /// The store's owner's session: admin, "me" from the user's own uid.
    pub fn new(store: Arc<Store>) -> Local {
        let uid = crate::util::peer::current_uid();
        let user = crate::util::peer::user_name(uid).unwrap_or_default();
        let session = session_for(&store, uid, &user, true).unwrap_or(Session {
            uid,
            user,
            salesperson: None,
            role: Role::Admin,
        });
        Local::with_session(store, session)
    }

    pub fn with_session(store: Arc<Store>, session: Session) -> Local {
        Local {
            store,
            session,
            shared: Shared::default(),
        }
    }

    /// A client on `store` in this process.
    pub fn client(store: Arc<Store>) -> super::Client {
        super::Client::new(Arc::new(Local::new(store)))
    }

    /// Opens the database at `path` in this process (no server).
    pub fn open(path: &Path) -> Result<super::Client> {
        let store = Store::open(path)?;
        saved::ensure_preconfigured(&store)?;
        Ok(Local::client(Arc::new(store)))
    }
}

impl Transport for Local {
    fn call(&self, request: Request, progress: Option<&dyn Fn(usize)>) -> Result<Response> {
        handle(
            &self.store,
            &self.session,
            &self.shared,
            request,
            progress.unwrap_or(&|_| {}),
        )
    }

    fn session(&self) -> Session {
        self.session.clone()
    }

    fn database(&self) -> String {
        self.store.path().display().to_string()
    }

    fn subscribe(&self) -> Result<super::state::Feed> {
        Ok(self.shared.subscribe())
    }
}
