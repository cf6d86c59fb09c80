//! What crosses the seam between a front end and the server: the requests a user's
//! operations make, their replies, and the frames that carry them over a socket
//! (a u32 length, then bincode 2 of a `Frame`). Records travel in the store's own
//! codec (version byte + bincode), named by their entity.

use std::io::{self, Read, Write};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ApiError, Session};
use crate::model::{self, Record};
use crate::ops::alerts::Alert;
use crate::ops::campaign::Efficiency;
use crate::ops::children::ChildList;
use crate::ops::convert::Converted;
use crate::ops::figures::Figure;
use crate::ops::forecast::{Filter, Rollup};
use crate::ops::lead::FromLead;
use crate::ops::quote::Accepted;
use crate::ops::timeline::Event;
use crate::ops::undo::Undone;
use crate::store::history::{Changed, Entry, Head, LogFilter};
use crate::store::{codec, AuditReport, BulkReport, FindHit};

/// The protocol this build speaks; a client and a server of different protocols
/// refuse each other in the handshake, each naming both versions.
pub const PROTOCOL: u32 = 3;

/// The largest frame either side reads; a longer one closes the connection.
pub const MAX_FRAME: usize = 64 << 20;

/// Bytes that cross as one run (serde's default writes a `Vec<u8>` element by
/// element, which dominated the cost of sending records).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Bytes, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Bytes, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes(out))
            }
        }
        de.deserialize_byte_buf(Visit)
    }
}

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
    /// A table's rows: key and the formatted cells of `fields`, in key order after
    /// `after`, skipping records whose field `only` is empty.
    MaskRows {
        entity: String,
        fields: Vec<usize>,
        only: Option<usize>,
        after: Option<String>,
        limit: usize,
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
        won_reason: Option<String>,
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
            | Request::ServerStop => true,
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
    Status(ServerStatus),
    Stored(SaveReport),
    History(Vec<Entry>),
    Log(Vec<Head>),
    Undone(Undone),
    Timeline(Vec<Event>),
}

/// The first frame of each side.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    pub schema: u64,
    /// The crm version that speaks, for the messages of a mismatch.
    pub version: String,
}

impl Hello {
    pub fn ours() -> Hello {
        Hello {
            protocol: PROTOCOL,
            schema: schema_fingerprint(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Everything after the hello.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Frame {
    /// The server's answer to a hello: the session, or why the client is refused.
    Welcome(Result<Session, ApiError>),
    Call {
        id: u64,
        request: Request,
    },
    /// Records written so far by the long request `id`.
    Progress {
        id: u64,
        done: usize,
    },
    Reply {
        id: u64,
        result: Result<Response, ApiError>,
    },
    /// Sent unasked to a subscribed session.
    Push(Push),
}

/// A hash of every entity's name, fields and their kinds: two builds with the
/// same fingerprint encode records alike.
pub fn schema_fingerprint() -> u64 {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for def in model::ENTITIES {
        eat(def.name);
        for f in def.fields {
            eat(f.name);
            eat(&f.kind.type_name());
        }
    }
    h
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// Writes one frame: its length, then its bincode.
pub fn write_frame<T: Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    let body = bincode::serde::encode_to_vec(value, config())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    if body.len() > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "a message of {} MiB is over the limit of {} MiB; ask for less at once",
                body.len() >> 20,
                MAX_FRAME >> 20
            ),
        ));
    }
    let mut buf = Vec::with_capacity(4 + body.len());
    buf.extend_from_slice(&(body.len() as u32).to_le_bytes());
    buf.extend_from_slice(&body);
    out.write_all(&buf)?;
    out.flush()
}

/// Reads one frame; a frame over `MAX_FRAME` or one that does not decode is an
/// `InvalidData` error (the connection is then closed).
pub fn read_frame<T: serde::de::DeserializeOwned>(input: &mut impl Read) -> io::Result<T> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes is over the limit of {MAX_FRAME}"),
        ));
    }
    let mut body = vec![0u8; len];
    input.read_exact(&mut body)?;
    bincode::serde::decode_from_slice(&body, config())
        .map(|(v, _)| v)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("bad frame: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Money, Opportunity};

    #[test]
    fn a_record_crosses_in_its_stored_encoding() {
        let o = Opportunity {
            key: "OPP0000001".into(),
            description: "Fräszentrum".into(),
            amount: Some(Money::eur(4_850_000)),
            ..Default::default()
        };
        let frame = Frame::Reply {
            id: 7,
            result: Ok(Response::Record(Some(Rec(Box::new(o.clone()))))),
        };
        let mut buf = Vec::new();
        write_frame(&mut buf, &frame).unwrap();
        let back: Frame = read_frame(&mut buf.as_slice()).unwrap();
        let Frame::Reply {
            id: 7,
            result: Ok(Response::Record(Some(Rec(r)))),
        } = back
        else {
            panic!("{back:?}")
        };
        assert!(r.eq_record(&o));
    }

    #[test]
    fn oversized_and_garbage_frames_are_errors_not_panics() {
        let mut big = (MAX_FRAME as u32 + 1).to_le_bytes().to_vec();
        big.extend_from_slice(&[0; 16]);
        let e = read_frame::<Frame>(&mut big.as_slice()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        let mut junk = 8u32.to_le_bytes().to_vec();
        junk.extend_from_slice(&[0xff; 8]);
        let e = read_frame::<Frame>(&mut junk.as_slice()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        let mut short = 100u32.to_le_bytes().to_vec();
        short.extend_from_slice(&[1, 2, 3]);
        assert!(read_frame::<Frame>(&mut short.as_slice()).is_err());
    }

    #[test]
    fn a_request_s_summary_names_it_and_its_record() {
        let o = Opportunity {
            key: "OPP0000007".into(),
            notes: "line one\nline two".into(),
            ..Default::default()
        };
        let save = Request::Save {
            record: Rec(Box::new(o)),
            new: false,
            base: None,
        };
        assert_eq!(save.name(), "Save");
        assert_eq!(save.summary(), "Save opportunity OPP0000007");
        assert_eq!(Request::Whoami.summary(), "Whoami");
        let bad = Request::Delete {
            entity: "territory".into(),
            key: "A\u{1b}[2J".into(),
        };
        assert_eq!(bad.summary(), "Delete territory A?[2J");
    }

    #[test]
    fn the_fingerprint_is_stable_within_a_build() {
        assert_eq!(schema_fingerprint(), schema_fingerprint());
        assert_ne!(schema_fingerprint(), 0);
    }
}
