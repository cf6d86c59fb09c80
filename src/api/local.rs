//! The operations themselves, run against the store: `handle` serves one request
//! for one session. The server calls it for every client; `Local` calls it in this
//! process (tests, the library example). Writes take one lock, so that a
//! read-decide-write (a conversion, a quote's acceptance) of one user never
//! interleaves with another's.

use std::path::Path;
use std::sync::Arc;

mod access;
mod backup;
mod events;
mod queries;
mod reports;
mod rows;
mod save;

pub use access::{authorize, is_setup, session_for};
pub use events::tick;
pub use reports::warm as warm_reports;
use save::{fetch_rev, save_at, FORM_HISTORY};

use super::state::Shared;
use super::stream::Stream;
use super::wire::{FormData, Rec, Request, Response, Who};
use super::{ApiError, ErrorKind, Result, Role, Session, Transport};
use crate::model::{self, entity_or_suggest, Entity, EntityDef, Record};
use crate::model::{OpportunityTask, Salesperson};
use crate::ops;
use crate::query::{saved, Env};
use crate::store::history::{self, Actor};
use crate::store::{IndexKind, Store};

fn usage(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::Invalid, message)
}

fn entity(name: &str) -> Result<&'static EntityDef> {
    entity_or_suggest(name).map_err(|e| ApiError::new(ErrorKind::NotFound, e))
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
    stream: Stream<'_>,
) -> Result<Response> {
    authorize(session, &request)?;
    if !request.writes() {
        return serve(store, session, shared, request, progress, stream);
    }
    let via = request.name();
    let actor = Actor {
        user: session.user.clone(),
        via: via.clone(),
    };
    let rules = shared.rules(store)?;
    let (result, n, scoped, after) = {
        let _guard = shared.write_lock();
        let me = session.salesperson.clone();
        let run = || {
            ops::events::with_rules(Arc::clone(&rules), &session.user, me.clone(), || {
                ops::events::set_admin(session.role == super::Role::Admin);
                serve(store, session, shared, request, progress, stream)
            })
        };
        // The rules read each change's record before it; without rules, no copy.
        let ((result, posted), scoped) = if rules.is_empty() {
            history::scope(actor, run)
        } else {
            history::scope_with_states(actor, run)
        };
        if events::touches_rules(&scoped) {
            shared.forget_rules();
        }
        let mut after = match &result {
            Ok(_) => ops::events::after_commit(store, &rules, &session.user, me, &scoped.befores),
            Err(_) => ops::events::After::default(),
        };
        after.inbox.extend(posted);
        (result, shared.wrote(session.uid), scoped, after)
    };
    // Group commit: the flush comes after the lock is let go, so that the writers
    // queued behind it share one flush; nobody hears "saved" before it is on disk.
    shared.flush_after(store, n)?;
    events::publish(store, shared, session, via, scoped, after);
    result
}

fn serve(
    store: &Store,
    session: &Session,
    shared: &Shared,
    request: Request,
    progress: &dyn Fn(usize),
    stream: Stream<'_>,
) -> Result<Response> {
    Ok(match request {
        Request::Backup => backup::backup(store, shared, stream)?,
        Request::RestoreBackup { file } => backup::restore(store, shared, stream, &file)?,
        Request::Whoami => Response::Session(session.clone()),
        Request::Inbox { .. }
        | Request::Unread
        | Request::InboxRead { .. }
        | Request::Answer { .. }
        | Request::RuleTest { .. }
        | Request::Events(_) => events::serve(store, session, shared, request)?,
        Request::Report { .. } | Request::Board(_) | Request::Group { .. } => {
            reports::serve(store, session, request)?
        }
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
        Request::ScanStored {
            entity: e,
            after,
            limit,
        } => {
            let def = entity(&e)?;
            let values = store.stored_after(def, after.as_deref(), limit)?;
            Response::Encoded {
                entity: def.name.to_string(),
                values: values.into_iter().map(super::wire::Bytes).collect(),
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
            columns,
            lang,
            only,
            after,
            limit,
            keys,
        } => Response::Rows(rows::serve(
            store,
            entity(&e)?,
            &columns,
            lang,
            only,
            after,
            limit,
            keys,
        )?),
        Request::Names { entity: e, keys } => {
            Response::Keys(ops::names::names_of(store, entity(&e)?, &keys)?)
        }
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
        Request::AcceptQuote { key, how } => {
            Response::Accepted(ops::quote::accept(store, &key, &how)?)
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
        Request::Query(spec) => queries::run_query(store, session, spec)?,
        Request::SavedList => Response::Saved(queries::saved_list(store)?),
        Request::SavedRename { old, new } => Response::Key(saved::rename(store, &old, &new)?),
        Request::SavedDelete { name } => {
            saved::delete(store, &name)?;
            Response::Done
        }
        Request::Find { text, limit } => {
            let mut hits = store.find(&text, limit)?;
            ops::names::detail(store, &mut hits)?;
            Response::Hits(hits)
        }
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
            let names = rows::reference_names(store, record.as_ref())?;
            Response::FormData(Box::new(FormData {
                names,
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
            Response::Log(ops::filters::log(store, &filter)?)
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
        Request::Import { rows, options } => Response::Imported(ops::import::run(
            store,
            &session.user,
            rows,
            &options,
            progress,
            &super::state::request_cancelled,
        )?),
        Request::Referrers { entity: e, key } => {
            let (listed, total) = store.referrers(entity(&e)?, &key, 10)?;
            Response::Referrers {
                total,
                listed: listed.iter().map(|r| r.to_string()).collect(),
            }
        }
        Request::ImportRevert { batch } => Response::Reverted(store.revert_import(&batch)?),
        Request::ImportBatches => Response::Batches(store.import_batches()?),
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
        Local::open_with(path, false)
    }

    /// `open`; with `repair`, damaged snapshot and blob files are set aside first.
    pub fn open_with(path: &Path, repair: bool) -> Result<super::Client> {
        let options = crate::store::OpenOptions {
            repair,
            ..Default::default()
        };
        let store = Store::open_with(path, &options)?;
        saved::ensure_preconfigured(&store)?;
        ops::events::ensure_shipped(&store)?;
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
            Stream::none(),
        )
    }

    fn call_stream(&self, request: Request, stream: Stream<'_>) -> Result<Response> {
        handle(
            &self.store,
            &self.session,
            &self.shared,
            request,
            &|_| {},
            stream,
        )
    }

    fn session(&self) -> Session {
        self.session.clone()
    }

    fn database(&self) -> String {
        self.store.path().display().to_string()
    }

    fn subscribe(&self) -> Result<super::state::Feed> {
        Ok(self.shared.subscribe(&self.session.user))
    }
}
