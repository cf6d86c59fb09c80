//! What crosses the seam between a front end and the server: the requests a user's
//! operations make, their replies, and the frames that carry them over a socket
//! (a u32 length, then bincode 2 of a `Frame`). Records travel in the store's own
//! codec (version byte + bincode), named by their entity.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod frame;

pub use frame::{read_frame, schema_fingerprint, write_frame, Frame, Hello, MAX_FRAME, PROTOCOL};

use super::Session;
use crate::io::MappedRow;
use crate::model::{self, Record};
use crate::ops::alerts::Alert;
use crate::ops::campaign::Efficiency;
use crate::ops::children::ChildList;
use crate::ops::convert::Converted;
use crate::ops::events::{InboxItem, RuleHit};
use crate::ops::figures::Figure;
use crate::ops::forecast::{Filter, Rollup};
use crate::ops::import::{ImportOptions, ImportReport};
use crate::ops::lead::FromLead;
use crate::ops::quote::Accepted;
use crate::ops::timeline::Event;
use crate::ops::undo::Undone;
pub use crate::store::codec::Bytes;
use crate::store::events::{EventFilter, Fired};
use crate::store::history::{Changed, Entry, Head, LogFilter};
use crate::store::{codec, AuditReport, Batch, BulkReport, FindHit, Reverted};

/// One record, carried as its entity's name and its stored encoding.
#[derive(Debug, Clone)]
pub struct Rec(pub Box<dyn Record>);

impl Serialize for Rec {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let codec = codec::codec_for(self.0.def());
        (self.0.def().name, Bytes((codec.encode)(self.0.as_ref()))).serialize(ser)
    }
}

impl<'de> Deserialize<'de> for Rec {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Rec, D::Error> {
        let (name, Bytes(bytes)): (String, Bytes) = Deserialize::deserialize(de)?;
        let def = model::entity(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown entity '{name}'")))?;
        (codec::codec_for(def).decode)(&bytes)
            .map(Rec)
            .map_err(serde::de::Error::custom)
    }
}

/// Which secondary index a listing reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum By {
    Territory(String),
    Team(String),
}

/// Whose alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Who {
    /// The session's salesperson (everyone's when the session has none).
    Me,
    Salesperson(String),
    Everyone,
}

/// A query as the command line or a table asks it: the server parses and checks it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct QuerySpec {
    pub entity: Option<String>,
    pub text: Option<String>,
    /// A saved query to start from (its text, columns and sort).
    pub saved: Option<String>,
    pub columns: Option<String>,
    pub sort: Option<String>,
    pub limit: Option<usize>,
    /// Also save it under this name.
    pub save: Option<String>,
    /// Saving may replace a saved query of that name (else it is refused).
    pub replace: bool,
    /// Only the keys, in key order (a table's query line): no records are sent.
    pub keys_only: bool,
}

/// A saved query as the palette lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedInfo {
    pub name: String,
    pub entity: String,
    pub query: String,
    /// Field indexes beside the key; empty: the entity's list columns.
    pub columns: Vec<usize>,
    /// `field` or `-field`.
    pub sort: Option<String>,
    pub description: String,
}

/// What a record's form shows besides its fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FormData {
    pub record: Rec,
    /// The record's revision: a save names it, so that nobody's change is lost.
    pub rev: u64,
    pub children: Vec<ChildList>,
    pub figures: Vec<Figure>,
    /// Its latest changes, newest first.
    pub history: Vec<Entry>,
    /// For a customer, prospect, contact or opportunity: its story by date
    /// (its changes and the records around it), newest first.
    pub timeline: Vec<Event>,
    /// The names of the records its reference fields name: (field, key, name).
    pub names: Vec<(String, String, String)>,
}

/// The version of a record a change was made on: its revision and, for a
/// field-level merge, the record as it was then.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Base {
    pub rev: u64,
    pub original: Option<Rec>,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveReport {
    pub key: String,
    pub rev: u64,
    /// Fields another user changed since the base, kept beside this save's.
    pub merged: Vec<String>,
    /// Who made those changes ("bob at 10:42 (Save)").
    pub merged_from: String,
}

/// One commit, as every subscribed session hears of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNote {
    pub id: u64,
    pub at_ms: i64,
    pub user: String,
    pub via: String,
    pub items: Vec<Changed>,
    /// Entities changed beyond the items listed (a bulk load): reload them whole.
    pub more: Vec<String>,
}

/// What the server tells a subscribed session without being asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Push {
    Changes(ChangeNote),
    /// Changes were missed (the session fell behind, or reconnected): reload.
    Resync,
    /// This user's inbox changed: how many messages are unread now.
    Inbox {
        unread: usize,
    },
    /// How many users and sessions are connected now.
    Users {
        users: usize,
        sessions: usize,
    },
}

/// How the server is doing, for `crm server status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerStatus {
    pub pid: u32,
    pub uptime_secs: u64,
    pub database: String,
    pub users: Vec<String>,
    pub connections: usize,
    pub requests: u64,
    /// Seconds without clients before it leaves; none for a foreground server.
    pub idle_exit_secs: Option<u64>,
}

/// One operation a user performs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    /// Who the server takes this client for.
    Whoami,
    /// The database's path, whether it holds records, and (with `count`, which
    /// reads every key) how many.
    Info {
        count: bool,
    },
    Count {
        entity: String,
    },
    Get {
        entity: String,
        key: String,
    },
    /// Like `Get`, but a missing record is an error with a did-you-mean.
    Fetch {
        entity: String,
        key: String,
    },
    /// Like `Fetch`, with the record's revision.
    FetchRev {
        entity: String,
        key: String,
    },
    GetMany {
        entity: String,
        keys: Vec<String>,
    },
    List {
        entity: String,
        by: Option<By>,
        limit: Option<usize>,
    },
    /// Records in key order after `after`, at most `limit` (pickers, table loads).
    Scan {
        entity: String,
        after: Option<String>,
        limit: usize,
    },
    /// Like `Scan`, the records in their stored encoding (an export's chunks).
    ScanStored {
        entity: String,
        after: Option<String>,
        limit: usize,
    },
    /// A table's rows: key and the cells of `columns` in `lang` (references by
    /// name), in key order after `after` — or, with `keys`, those records in
    /// that order (the rows on screen, changed records), leaving out the gone —
    /// skipping records whose field `only` is empty.
    MaskRows {
        entity: String,
        columns: Vec<model::Column>,
        lang: model::Lang,
        only: Option<usize>,
        after: Option<String>,
        limit: usize,
        keys: Option<Vec<String>>,
    },
    /// The names of records (`""` for one without), as tables show them.
    Names {
        entity: String,
        keys: Vec<String>,
    },
    /// Saves through the entity's rules; the server reads the stored version itself.
    /// With a base, a record changed since is not written blindly: other fields'
    /// changes are merged, the same field's is a conflict (with no original: any
    /// change since is refused).
    Save {
        record: Rec,
        new: bool,
        base: Option<Base>,
    },
    Delete {
        entity: String,
        key: String,
    },
    ConvertProspect {
        key: String,
    },
    ConvertLead {
        key: String,
        new_prospect: bool,
    },
    AcceptQuote {
        key: String,
        how: crate::ops::quote::Acceptance,
    },
    RejectQuote {
        key: String,
    },
    /// Marks a task done, or open again when it is done.
    TaskDone {
        key: String,
    },
    ForecastCandidates {
        key: String,
    },
    ForecastAdd {
        key: String,
        opportunities: Vec<String>,
    },
    ForecastSubmit {
        key: String,
    },
    ForecastRollup {
        period: String,
        filter: Filter,
    },
    CampaignReport {
        key: Option<String>,
    },
    Query(QuerySpec),
    SavedList,
    SavedRename {
        old: String,
        new: String,
    },
    SavedDelete {
        name: String,
    },
    Find {
        text: String,
        limit: usize,
    },
    Alerts {
        who: Who,
    },
    /// Like `Alerts`, as of another day than the server's today (a fixed day for
    /// tests and scripted runs of the TUI's home pane).
    AlertsOn {
        who: Who,
        today: chrono::NaiveDate,
    },
    FormData {
        entity: String,
        key: String,
    },
    /// Demo data into an empty database; progress frames report records written.
    Demo {
        records: usize,
        seed: u64,
        if_empty: bool,
    },
    Check {
        repair: bool,
    },
    /// One record's changes, newest first.
    History {
        entity: String,
        key: String,
        limit: Option<usize>,
    },
    /// Changes across the database, newest first.
    Log(LogFilter),
    /// A record's own changes and the records around it, by date.
    Timeline {
        entity: String,
        key: String,
    },
    /// Takes back this user's last change.
    Undo,
    /// Brings a deleted record back from its history.
    Restore {
        entity: String,
        key: String,
    },
    /// Removes the history of changes before a time (admins).
    PruneHistory {
        before_ms: i64,
    },
    /// Imports mapped rows (see `ops::import`); a dry run writes nothing.
    Import {
        rows: Vec<MappedRow>,
        options: ImportOptions,
    },
    /// The records that name a record (at most 10 listed) and how many there are.
    Referrers {
        entity: String,
        key: String,
    },
    /// Takes an import batch back.
    ImportRevert {
        batch: String,
    },
    /// The import batches, newest first.
    ImportBatches,
    /// This user's inbox, newest first (`unread`: only what is not read yet).
    Inbox {
        unread: bool,
        limit: usize,
    },
    /// How many of this user's messages are unread.
    Unread,
    /// Marks this user's messages read (none named: all of them).
    InboxRead {
        ids: Vec<u64>,
    },
    /// Answers a change held for approval: approved, it is saved (if the record
    /// has not changed since); rejected, with a reason. The requester is told.
    Answer {
        approval: u64,
        approve: bool,
        reason: String,
    },
    /// What a rule would do now, on one record or on every record it fires on;
    /// changes nothing.
    RuleTest {
        rule: String,
        key: Option<String>,
    },
    /// The event log, newest first.
    Events(EventFilter),
    /// One report, computed in the server.
    Report {
        kind: crate::report::ReportKind,
        params: crate::report::Params,
    },
    /// The pipeline board (its filters are the params' salesperson, team,
    /// territory and query).
    Board(crate::report::Params),
    /// The records a query selects, grouped by one or two fields with counts and
    /// sums (`crm query --group-by`); `saved` names a saved query instead of
    /// `entity` and `text`.
    Group {
        entity: Option<String>,
        text: Option<String>,
        saved: Option<String>,
        by: Vec<String>,
        sum: Vec<String>,
        sort: crate::report::GroupSort,
        descending: bool,
    },
    /// A backup of the whole database, streamed to the client as `Frame::Data`
    /// (admins only).
    Backup,
    /// Builds this (new, empty) database from a backup the client streams as
    /// `Frame::Data`; `file` names it in messages (admins only).
    RestoreBackup {
        file: String,
    },
    /// From now on, push every commit's changes to this session.
    Subscribe,
    ServerStatus,
    ServerStop,
}

impl Request {
    /// The request's variant name, read from the head of its `Debug` text: the
    /// formatting stops at the name, so no record is formatted.
    pub fn name(&self) -> String {
        struct Head(String);
        impl std::fmt::Write for Head {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                for c in s.chars() {
                    if !c.is_alphanumeric() {
                        return Err(std::fmt::Error);
                    }
                    self.0.push(c);
                }
                Ok(())
            }
        }
        let mut head = Head(String::new());
        let _ = std::fmt::write(&mut head, format_args!("{self:?}"));
        head.0
    }

    /// A short line naming the request and its record, for the server's log.
    pub fn summary(&self) -> String {
        let name = self.name();
        let what = match self {
            Request::Save { record, new, .. } => format!(
                "{} {}{}",
                record.0.def().name,
                record.0.key(),
                if *new { " (new)" } else { "" }
            ),
            Request::Delete { entity, key } | Request::Restore { entity, key } => {
                format!("{entity} {key}")
            }
            Request::ConvertProspect { key }
            | Request::ConvertLead { key, .. }
            | Request::AcceptQuote { key, .. }
            | Request::RejectQuote { key }
            | Request::TaskDone { key }
            | Request::ForecastAdd { key, .. }
            | Request::ForecastSubmit { key } => key.clone(),
            Request::SavedRename { old, new } => format!("{old} -> {new}"),
            Request::SavedDelete { name } => name.clone(),
            Request::Import { rows, options } => {
                format!(
                    "{} {} ({} rows)",
                    options.entity,
                    options.source,
                    rows.len()
                )
            }
            Request::ImportRevert { batch } => batch.clone(),
            _ => String::new(),
        };
        // Typed keys go into a log file: no control character reaches it raw.
        let what: String = what
            .chars()
            .take(120)
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        format!("{name} {what}").trim_end().to_string()
    }

    /// Whether the request writes (read-only users may not send it).
    pub fn writes(&self) -> bool {
        match self {
            Request::Save { .. }
            | Request::Delete { .. }
            | Request::ConvertProspect { .. }
            | Request::ConvertLead { .. }
            | Request::AcceptQuote { .. }
            | Request::RejectQuote { .. }
            | Request::TaskDone { .. }
            | Request::ForecastAdd { .. }
            | Request::ForecastSubmit { .. }
            | Request::SavedRename { .. }
            | Request::SavedDelete { .. }
            | Request::Demo { .. }
            | Request::Undo
            | Request::Restore { .. }
            | Request::PruneHistory { .. }
            | Request::ImportRevert { .. }
            | Request::Answer { .. }
            | Request::RestoreBackup { .. }
            | Request::ServerStop => true,
            Request::Import { options, .. } => !options.dry_run,
            Request::Check { repair } => *repair,
            Request::Query(q) => q.save.is_some(),
            _ => false,
        }
    }
}

/// A reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Response {
    Done,
    Session(Session),
    Info {
        path: String,
        empty: bool,
        total: usize,
    },
    Count(usize),
    Key(String),
    Record(Option<Rec>),
    RecordAt {
        record: Rec,
        rev: u64,
    },
    Records(Vec<Rec>),
    /// Records of one entity in their stored encoding (listings the server passes
    /// on without decoding them).
    Encoded {
        entity: String,
        values: Vec<Bytes>,
    },
    Many(Vec<Option<Rec>>),
    Rows(Vec<(String, Vec<String>)>),
    Keys(Vec<String>),
    Converted(Converted),
    FromLead(FromLead),
    Accepted(Accepted),
    Message(String),
    Rollup(Rollup),
    Efficiencies(Vec<Efficiency>),
    /// The query's entity, the columns to show and the matching records.
    QueryResult {
        entity: String,
        columns: Vec<usize>,
        records: Vec<Rec>,
        saved_as: Option<String>,
    },
    Saved(Vec<SavedInfo>),
    Hits(Vec<FindHit>),
    /// The alerts, and the salesperson they are for (none: everyone's).
    Alerts {
        alerts: Vec<Alert>,
        salesperson: Option<String>,
    },
    FormData(Box<FormData>),
    Bulk(BulkReport),
    Audit(AuditReport),
    Backup(crate::store::BackupReport),
    Status(ServerStatus),
    Stored(SaveReport),
    History(Vec<Entry>),
    Log(Vec<Head>),
    Undone(Undone),
    Timeline(Vec<Event>),
    Imported(ImportReport),
    Referrers {
        total: usize,
        listed: Vec<String>,
    },
    Reverted(Reverted),
    Batches(Vec<Batch>),
    Inbox(Vec<InboxItem>),
    RuleHits(Vec<RuleHit>),
    Events(Vec<Fired>),
    Report(Box<crate::report::Report>),
    Board(Box<crate::report::Board>),
    Section(Box<crate::report::Section>),
}
