//! The application interface: the operations a user performs, with owned,
//! serializable arguments and results and typed errors. `ui/` and `cli/` reach the
//! data only through a `Client`; behind it is either the store in this process
//! (`local`, for tests and the library) or the server over its socket (`remote`).

mod error;
pub mod events;
pub mod local;
pub mod remote;
pub mod report;
pub mod state;
pub mod stream;
pub mod wire;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::ops::alerts::{Alert, FOLLOW_UP, PAST_DUE, QUOTE_EXPIRES, TASK_PAST_DUE};
pub use crate::ops::campaign::Efficiency;
pub use crate::ops::children::ChildList;
pub use crate::ops::convert::Converted;
pub use crate::ops::figures::Figure;
pub use crate::ops::forecast::{Figures, Filter, Group, Rollup};
pub use crate::ops::import::{
    Action as ImportAction, ImportOptions, ImportReport, Mode as ImportMode,
};
pub use crate::ops::lead::FromLead;
pub use crate::ops::quote::{Acceptance, Accepted};
pub use crate::ops::timeline::Event as TimelineEvent;
pub use crate::ops::undo::{local_time, Undone};
pub use crate::store::history::{Changed, Entry, FieldChange, Head, Kind as ChangeKind, LogFilter};
pub use crate::store::{
    backup::read_header, default_db_path, is_database, AuditReport, BackupReport, Batch,
    BatchState, BulkReport, FindHit, Reverted,
};
pub use error::{ApiError, ConflictField, ErrorKind, Result};
pub use state::Feed;
pub use wire::{
    Base, By, ChangeNote, FormData, Push, QuerySpec, Rec, Request, Response, SaveReport, SavedInfo,
    ServerStatus, Who,
};

use crate::model::{EntityDef, Record};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Everything, setup data and deletes included; the database's owner always is.
    Admin,
    /// Reads everything, writes CRM records, deletes nothing.
    Sales,
    /// Reads everything, writes nothing.
    ReadOnly,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "" | "sales" => Some(Role::Sales),
            "read-only" | "readonly" => Some(Role::ReadOnly),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Sales => "sales",
            Role::ReadOnly => "read-only",
        }
    }
}

/// Who is asking: the OS user (from the socket's peer credentials), the
/// salesperson whose `os_user` that is, and the role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub uid: u32,
    pub user: String,
    pub salesperson: Option<String>,
    pub role: Role,
}

/// Carries a request to whatever serves it.
pub trait Transport: Send + Sync {
    /// Sends `request`; `progress` hears how far a long request has got.
    fn call(&self, request: Request, progress: Option<&dyn Fn(usize)>) -> Result<Response>;
    /// The session this transport acts for.
    fn session(&self) -> Session;
    /// The database, as the user named it.
    fn database(&self) -> String;
    /// This session's end of the change feed: every commit's changes from now on.
    fn subscribe(&self) -> Result<state::Feed>;
    /// `call` for a request that streams data (see `stream`); a transport that
    /// carries none refuses it.
    fn call_stream(&self, request: Request, _stream: stream::Stream<'_>) -> Result<Response> {
        Err(stream::missing(&request.name()))
    }
}

/// The front ends' handle on the CRM: cheap to clone, shareable across threads.
#[derive(Clone)]
pub struct Client {
    transport: Arc<dyn Transport>,
}

fn unexpected(what: &str, got: Response) -> ApiError {
    ApiError::protocol(format!("unexpected reply to {what}: {got:?}"))
}

macro_rules! expect {
    ($self:ident, $req:expr, $pat:pat => $out:expr) => {
        match $self.call($req)? {
            $pat => Ok($out),
            other => Err(unexpected(stringify!($req), other)),
        }
    };
}

mod rows;

fn records(v: Vec<Rec>) -> Vec<Box<dyn Record>> {
    v.into_iter().map(|r| r.0).collect()
}

/// Records of `entity` from their stored encoding.
fn decode_all(entity: &str, values: &[wire::Bytes]) -> Result<Vec<Box<dyn Record>>> {
    let def = crate::model::entity(entity)
        .ok_or_else(|| ApiError::protocol(format!("unknown entity '{entity}'")))?;
    let decode = crate::store::codec::codec_for(def).decode;
    let run = |part: &[wire::Bytes]| -> Result<Vec<Box<dyn Record>>> {
        part.iter()
            .map(|v| decode(&v.0).map_err(|e| ApiError::protocol(format!("{entity}: {e}"))))
            .collect()
    };
    if values.len() < 1024 {
        return run(values);
    }
    // A long listing decodes in two halves at once.
    let (a, b) = values.split_at(values.len() / 2);
    std::thread::scope(|s| {
        let second = s.spawn(|| run(b));
        let mut out = run(a)?;
        out.extend(second.join().unwrap_or_else(|_| run(b))?);
        Ok(out)
    })
}

impl Client {
    pub fn new(transport: Arc<dyn Transport>) -> Client {
        Client { transport }
    }

    pub fn call(&self, request: Request) -> Result<Response> {
        self.transport.call(request, None)
    }

    pub fn session(&self) -> Session {
        self.transport.session()
    }

    /// The database's path as the user named it (for the status line).
    pub fn database(&self) -> String {
        self.transport.database()
    }

    pub fn whoami(&self) -> Result<Session> {
        expect!(self, Request::Whoami, Response::Session(s) => s)
    }

    /// (path, holds no records, records in all): the count reads every key.
    pub fn info(&self) -> Result<(String, bool, usize)> {
        let req = Request::Info { count: true };
        expect!(self, req, Response::Info { path, empty, total } => (path, empty, total))
    }

    /// Whether the database holds no CRM records (cheap).
    pub fn is_empty(&self) -> Result<bool> {
        let req = Request::Info { count: false };
        expect!(self, req, Response::Info { empty, .. } => empty)
    }

    pub fn count(&self, def: &EntityDef) -> Result<usize> {
        expect!(self, Request::Count { entity: def.name.into() }, Response::Count(n) => n)
    }

    pub fn get(&self, def: &EntityDef, key: &str) -> Result<Option<Box<dyn Record>>> {
        let req = Request::Get {
            entity: def.name.into(),
            key: key.into(),
        };
        expect!(self, req, Response::Record(r) => r.map(|r| r.0))
    }

    /// The record, or an error naming it with a did-you-mean.
    pub fn fetch(&self, def: &EntityDef, key: &str) -> Result<Box<dyn Record>> {
        let req = Request::Fetch {
            entity: def.name.into(),
            key: key.into(),
        };
        match self.call(req)? {
            Response::Record(Some(r)) => Ok(r.0),
            other => Err(unexpected("fetch", other)),
        }
    }

    pub fn get_many(
        &self,
        def: &EntityDef,
        keys: Vec<String>,
    ) -> Result<Vec<Option<Box<dyn Record>>>> {
        let req = Request::GetMany {
            entity: def.name.into(),
            keys,
        };
        expect!(self, req, Response::Many(v) => v.into_iter().map(|r| r.map(|r| r.0)).collect())
    }

    pub fn list(
        &self,
        def: &EntityDef,
        by: Option<By>,
        limit: Option<usize>,
    ) -> Result<Vec<Box<dyn Record>>> {
        let req = Request::List {
            entity: def.name.into(),
            by,
            limit,
        };
        match self.call(req)? {
            Response::Records(v) => Ok(records(v)),
            Response::Encoded { entity, values } => decode_all(&entity, &values),
            other => Err(unexpected("list", other)),
        }
    }

    /// At most `limit` records in key order after `after`.
    pub fn scan(
        &self,
        def: &EntityDef,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Box<dyn Record>>> {
        let req = Request::Scan {
            entity: def.name.into(),
            after: after.map(str::to_string),
            limit,
        };
        expect!(self, req, Response::Records(v) => records(v))
    }

    /// Like `scan`, passed on by the server as stored and decoded here (in two
    /// halves at once): an export's chunks.
    pub fn scan_stored(
        &self,
        def: &EntityDef,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Box<dyn Record>>> {
        let req = Request::ScanStored {
            entity: def.name.into(),
            after: after.map(str::to_string),
            limit,
        };
        match self.call(req)? {
            Response::Encoded { entity, values } => decode_all(&entity, &values),
            other => Err(unexpected("scan", other)),
        }
    }

    /// Saves a record through its entity's rules; returns its key.
    pub fn save(&self, record: Box<dyn Record>, new: bool) -> Result<String> {
        Ok(self.save_on(record, new, None)?.key)
    }

    /// Saves a record made on `base` (its revision, and the record as read): a
    /// record changed since is merged by field, or the save is refused with the
    /// conflicting fields (`ErrorKind::Conflict`) or, without an original, as
    /// stale (`ErrorKind::Stale`).
    pub fn save_on(
        &self,
        record: Box<dyn Record>,
        new: bool,
        base: Option<(u64, Option<Box<dyn Record>>)>,
    ) -> Result<SaveReport> {
        let req = Request::Save {
            record: Rec(record),
            new,
            base: base.map(|(rev, original)| Base {
                rev,
                original: original.map(Rec),
            }),
        };
        expect!(self, req, Response::Stored(r) => r)
    }

    /// A record that must exist, with its revision.
    pub fn fetch_rev(&self, def: &EntityDef, key: &str) -> Result<(u64, Box<dyn Record>)> {
        let req = Request::FetchRev {
            entity: def.name.into(),
            key: key.into(),
        };
        expect!(self, req, Response::RecordAt { record, rev } => (rev, record.0))
    }

    /// One record's changes, newest first.
    pub fn history(&self, def: &EntityDef, key: &str, limit: Option<usize>) -> Result<Vec<Entry>> {
        let req = Request::History {
            entity: def.name.into(),
            key: key.into(),
            limit,
        };
        expect!(self, req, Response::History(h) => h)
    }

    /// Changes across the database, newest first.
    pub fn log(&self, filter: LogFilter) -> Result<Vec<Head>> {
        expect!(self, Request::Log(filter), Response::Log(l) => l)
    }

    /// A record's own changes and the records around it, newest first.
    pub fn timeline(&self, def: &EntityDef, key: &str) -> Result<Vec<TimelineEvent>> {
        let req = Request::Timeline {
            entity: def.name.into(),
            key: key.into(),
        };
        expect!(self, req, Response::Timeline(t) => t)
    }

    /// Takes back this user's last change.
    pub fn undo(&self) -> Result<Undone> {
        expect!(self, Request::Undo, Response::Undone(u) => u)
    }

    /// Brings a deleted record back; returns its key.
    pub fn restore(&self, def: &EntityDef, key: &str) -> Result<String> {
        let req = Request::Restore {
            entity: def.name.into(),
            key: key.into(),
        };
        expect!(self, req, Response::Key(k) => k)
    }

    /// Removes the changes before `before_ms`; returns how many went.
    pub fn prune_history(&self, before_ms: i64) -> Result<usize> {
        expect!(self, Request::PruneHistory { before_ms }, Response::Count(n) => n)
    }

    /// This session's end of the change feed.
    pub fn subscribe(&self) -> Result<state::Feed> {
        self.transport.subscribe()
    }

    pub fn delete(&self, def: &EntityDef, key: &str) -> Result<()> {
        let req = Request::Delete {
            entity: def.name.into(),
            key: key.into(),
        };
        expect!(self, req, Response::Done => ())
    }

    pub fn convert_prospect(&self, key: &str) -> Result<Converted> {
        expect!(self, Request::ConvertProspect { key: key.into() }, Response::Converted(c) => c)
    }

    pub fn convert_lead(&self, key: &str, new_prospect: bool) -> Result<FromLead> {
        let req = Request::ConvertLead {
            key: key.into(),
            new_prospect,
        };
        expect!(self, req, Response::FromLead(f) => f)
    }

    pub fn accept_quote(&self, key: &str, how: Acceptance) -> Result<Accepted> {
        let req = Request::AcceptQuote {
            key: key.into(),
            how,
        };
        expect!(self, req, Response::Accepted(a) => a)
    }

    pub fn reject_quote(&self, key: &str) -> Result<()> {
        expect!(self, Request::RejectQuote { key: key.into() }, Response::Done => ())
    }

    /// Marks a task done (or open again); returns what happened, for the status line.
    pub fn task_done(&self, key: &str) -> Result<String> {
        expect!(self, Request::TaskDone { key: key.into() }, Response::Message(m) => m)
    }

    pub fn forecast_candidates(&self, key: &str) -> Result<Vec<Box<dyn Record>>> {
        expect!(self, Request::ForecastCandidates { key: key.into() }, Response::Records(v) => records(v))
    }

    pub fn forecast_add(&self, key: &str, opportunities: Vec<String>) -> Result<usize> {
        let req = Request::ForecastAdd {
            key: key.into(),
            opportunities,
        };
        expect!(self, req, Response::Count(n) => n)
    }

    pub fn forecast_submit(&self, key: &str) -> Result<Box<dyn Record>> {
        match self.call(Request::ForecastSubmit { key: key.into() })? {
            Response::Record(Some(r)) => Ok(r.0),
            other => Err(unexpected("forecast submit", other)),
        }
    }

    pub fn forecast_rollup(&self, period: &str, filter: Filter) -> Result<Rollup> {
        let req = Request::ForecastRollup {
            period: period.into(),
            filter,
        };
        expect!(self, req, Response::Rollup(r) => r)
    }

    pub fn campaign_report(&self, key: Option<&str>) -> Result<Vec<Efficiency>> {
        let req = Request::CampaignReport {
            key: key.map(str::to_string),
        };
        expect!(self, req, Response::Efficiencies(v) => v)
    }

    /// Runs a query: (entity, columns beside the key, records, saved as).
    #[allow(clippy::type_complexity)]
    pub fn query(
        &self,
        spec: QuerySpec,
    ) -> Result<(
        &'static EntityDef,
        Vec<usize>,
        Vec<Box<dyn Record>>,
        Option<String>,
    )> {
        match self.call(Request::Query(spec))? {
            Response::QueryResult {
                entity,
                columns,
                records: r,
                saved_as,
            } => {
                let def = crate::model::entity(&entity)
                    .ok_or_else(|| ApiError::protocol(format!("unknown entity '{entity}'")))?;
                Ok((def, columns, records(r), saved_as))
            }
            other => Err(unexpected("query", other)),
        }
    }

    /// The keys of the records of `def` that match `text`, in key order.
    pub fn query_keys(&self, def: &EntityDef, text: &str) -> Result<Vec<String>> {
        let spec = QuerySpec {
            entity: Some(def.name.into()),
            text: Some(text.into()),
            keys_only: true,
            ..QuerySpec::default()
        };
        expect!(self, Request::Query(spec), Response::Keys(k) => k)
    }

    pub fn saved_queries(&self) -> Result<Vec<SavedInfo>> {
        expect!(self, Request::SavedList, Response::Saved(v) => v)
    }

    pub fn rename_saved(&self, old: &str, new: &str) -> Result<String> {
        let req = Request::SavedRename {
            old: old.into(),
            new: new.into(),
        };
        expect!(self, req, Response::Key(k) => k)
    }

    pub fn delete_saved(&self, name: &str) -> Result<()> {
        expect!(self, Request::SavedDelete { name: name.into() }, Response::Done => ())
    }

    pub fn find(&self, text: &str, limit: usize) -> Result<Vec<FindHit>> {
        let req = Request::Find {
            text: text.into(),
            limit,
        };
        expect!(self, req, Response::Hits(h) => h)
    }

    /// The alerts, and the salesperson they are for (none: everyone's).
    pub fn alerts(&self, who: Who) -> Result<(Vec<Alert>, Option<String>)> {
        expect!(self, Request::Alerts { who }, Response::Alerts { alerts, salesperson } => (alerts, salesperson))
    }

    /// The alerts as of `today` rather than the server's today (a fixed day for
    /// tests and scripted runs).
    pub fn alerts_on(
        &self,
        who: Who,
        today: chrono::NaiveDate,
    ) -> Result<(Vec<Alert>, Option<String>)> {
        expect!(self, Request::AlertsOn { who, today }, Response::Alerts { alerts, salesperson } => (alerts, salesperson))
    }

    /// A stored record with its child lists and figures.
    pub fn form_data(&self, def: &EntityDef, key: &str) -> Result<FormData> {
        let req = Request::FormData {
            entity: def.name.into(),
            key: key.into(),
        };
        expect!(self, req, Response::FormData(f) => *f)
    }

    /// Demo data; `progress` hears the records written so far.
    pub fn demo(
        &self,
        records: usize,
        seed: u64,
        if_empty: bool,
        progress: &dyn Fn(usize),
    ) -> Result<BulkReport> {
        let req = Request::Demo {
            records,
            seed,
            if_empty,
        };
        match self.transport.call(req, Some(progress))? {
            Response::Bulk(b) => Ok(b),
            other => Err(unexpected("demo", other)),
        }
    }

    /// Imports mapped rows; `progress` hears the records written so far.
    pub fn import(
        &self,
        rows: Vec<crate::io::MappedRow>,
        options: ImportOptions,
        progress: &dyn Fn(usize),
    ) -> Result<ImportReport> {
        match self
            .transport
            .call(Request::Import { rows, options }, Some(progress))?
        {
            Response::Imported(r) => Ok(r),
            other => Err(unexpected("import", other)),
        }
    }

    /// How many records name this one, and up to 10 of them ("opportunity
    /// OPP0000001 (customer)").
    pub fn referrers(&self, def: &EntityDef, key: &str) -> Result<(usize, Vec<String>)> {
        let req = Request::Referrers {
            entity: def.name.into(),
            key: key.into(),
        };
        expect!(self, req, Response::Referrers { total, listed } => (total, listed))
    }

    pub fn revert_import(&self, batch: &str) -> Result<Reverted> {
        let req = Request::ImportRevert {
            batch: batch.into(),
        };
        expect!(self, req, Response::Reverted(r) => r)
    }

    pub fn import_batches(&self) -> Result<Vec<Batch>> {
        expect!(self, Request::ImportBatches, Response::Batches(b) => b)
    }

    pub fn check(&self, repair: bool) -> Result<AuditReport> {
        expect!(self, Request::Check { repair }, Response::Audit(a) => a)
    }

    pub fn server_status(&self) -> Result<ServerStatus> {
        expect!(self, Request::ServerStatus, Response::Status(s) => s)
    }

    pub fn server_stop(&self) -> Result<()> {
        expect!(self, Request::ServerStop, Response::Done => ())
    }
}
