//! What the event rules keep besides records, in one tree (`events`) under four
//! prefixes:
//!
//! - `inbox \0 user \0 id`: a message for a user (a notification, or an approval
//!   to answer), and whether it was read;
//! - `approval \0 id`: a change held for approval — the record as proposed, the
//!   revision it was made on, who asked, who may answer, and the answer;
//! - `log \0 id`: the event log — which rule fired on which record, why, what its
//!   actions did;
//! - `unread \0 user`: how many of the user's messages are unread, kept with
//!   each message write;
//! - `fired \0 rule \0 entity \0 key \0 due`: a date or schedule firing that was
//!   done, so that a restart neither repeats nor misses one; `tick \0 rule`: when
//!   a rule's schedule last ran.
//!
//! Ids come from sled's id generator: rising, never repeated across restarts.

use serde::{Deserialize, Serialize};

use super::history::FieldChange;
use super::{codec, index, Result, Store, StoreError};

/// A message in a user's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: u64,
    /// The OS user it is for.
    pub to: String,
    pub at_ms: i64,
    /// The rule that wrote it ("" for the answer to an approval).
    pub rule: String,
    pub entity: String,
    pub key: String,
    pub text: String,
    pub read: bool,
    /// The approval this message asks for, or answers.
    pub approval: Option<u64>,
}

/// Where a held change stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApprovalState {
    Pending,
    Approved {
        by: String,
        at_ms: i64,
    },
    Rejected {
        by: String,
        at_ms: i64,
        reason: String,
    },
    /// The record changed after the request: the held change was not applied.
    Stale {
        by: String,
        at_ms: i64,
    },
}

impl ApprovalState {
    pub fn name(&self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved { .. } => "approved",
            ApprovalState::Rejected { .. } => "rejected",
            ApprovalState::Stale { .. } => "stale",
        }
    }
}

/// A change held for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub id: u64,
    pub rule: String,
    pub at_ms: i64,
    /// Who made the change, and who may answer (OS users).
    pub requester: String,
    pub approvers: Vec<String>,
    pub entity: String,
    pub key: String,
    /// The revision the change was made on (0: a new record).
    pub base_rev: u64,
    /// The record as proposed, encoded like a stored record.
    pub proposed: codec::Bytes,
    pub changes: Vec<FieldChange>,
    pub reason: String,
    pub state: ApprovalState,
}

/// One firing of a rule, in the event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fired {
    pub id: u64,
    pub at_ms: i64,
    pub rule: String,
    pub entity: String,
    pub key: String,
    /// What set it off: "created", "updated stage", "date 2026-12-01", …
    pub trigger: String,
    /// The user whose change (or the server's tick) fired it.
    pub user: String,
    /// Each action, and what came of it.
    pub actions: Vec<String>,
    /// The first action that failed, with why; None when all went through.
    pub error: Option<String>,
    /// The chain of rules firing rules was cut here.
    pub cut: bool,
}

/// Which firings `crm events` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFilter {
    pub rule: Option<String>,
    pub since_ms: Option<i64>,
    pub limit: Option<usize>,
}

fn bad(what: &str, key: &[u8], message: String) -> StoreError {
    StoreError::Corrupt {
        entity: what.into(),
        key: String::from_utf8_lossy(key).into_owned(),
        message,
    }
}

fn with_id(prefix: &[&str], id: u64) -> Vec<u8> {
    let mut k = index::prefix(prefix);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

fn unread_key(user: &str) -> Vec<u8> {
    index::join(&["unread", user])
}

fn read_count(v: &[u8]) -> u64 {
    v.try_into().map(u64::from_be_bytes).unwrap_or(0)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Store {
    fn next_event_id(&self) -> Result<u64> {
        // Ids start above zero, so that 0 can mean "none".
        Ok(self.db.generate_id()? + 1)
    }

    /// Puts a message in `m.to`'s inbox (its id and time are set here).
    pub fn post_message(&self, mut m: Message) -> Result<Message> {
        m.id = self.next_event_id()?;
        if m.at_ms == 0 {
            m.at_ms = now_ms();
        }
        self.write_message(&m, 1)?;
        Ok(m)
    }

    /// Writes a message and moves its user's unread count by `delta`, in one
    /// transaction: the count a session hears is read, not counted.
    fn write_message(&self, m: &Message, delta: i64) -> Result<()> {
        self.unread(&m.to)?;
        let (key, count) = (with_id(&["inbox", &m.to], m.id), unread_key(&m.to));
        let bytes = codec::encode(m);
        self.events
            .transaction(|t| {
                let n = t.get(&count)?.map_or(0, |v| read_count(&v));
                t.insert(key.as_slice(), bytes.as_slice())?;
                let n = (n as i64 + delta).max(0) as u64;
                t.insert(count.as_slice(), &n.to_be_bytes())?;
                Ok(())
            })
            .map_err(|e: sled::transaction::TransactionError<()>| match e {
                sled::transaction::TransactionError::Storage(e) => StoreError::from(e),
                sled::transaction::TransactionError::Abort(()) => {
                    StoreError::Refused("the inbox write was given up".into())
                }
            })
    }

    /// `user`'s messages, newest first; `unread` only: those not read yet.
    pub fn inbox(&self, user: &str, unread: bool, limit: usize) -> Result<Vec<Message>> {
        let mut out = Vec::new();
        for item in self
            .events
            .scan_prefix(index::prefix(&["inbox", user]))
            .rev()
        {
            let (k, v) = item?;
            let m: Message = codec::decode(&v).map_err(|e| bad("inbox", &k, e))?;
            if unread && m.read {
                continue;
            }
            out.push(m);
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// How many of `user`'s messages are unread.
    pub fn unread(&self, user: &str) -> Result<usize> {
        if let Some(v) = self.events.get(unread_key(user))? {
            return Ok(read_count(&v) as usize);
        }
        // An inbox from before the count: counted once.
        let n = self.inbox(user, true, usize::MAX)?.len();
        self.events
            .insert(unread_key(user), &(n as u64).to_be_bytes())?;
        Ok(n)
    }

    /// One of `user`'s messages.
    pub fn message(&self, user: &str, id: u64) -> Result<Option<Message>> {
        match self.events.get(with_id(&["inbox", user], id))? {
            Some(v) => Ok(Some(
                codec::decode(&v).map_err(|e| bad("inbox", &id.to_be_bytes(), e))?,
            )),
            None => Ok(None),
        }
    }

    /// Marks `user`'s messages `ids` read (all of them when `ids` is empty); how
    /// many were unread.
    pub fn mark_read(&self, user: &str, ids: &[u64]) -> Result<usize> {
        let targets = if ids.is_empty() {
            self.inbox(user, true, usize::MAX)?
        } else {
            let mut v = Vec::new();
            for &id in ids {
                match self.message(user, id)? {
                    Some(m) => v.push(m),
                    None => {
                        return Err(StoreError::NotFound {
                            entity: "message",
                            key: id.to_string(),
                            suggestion: String::new(),
                        })
                    }
                }
            }
            v
        };
        let mut n = 0;
        for mut m in targets {
            if !m.read {
                m.read = true;
                n += 1;
                self.write_message(&m, -1)?;
            }
        }
        Ok(n)
    }

    /// Keeps a held change (its id is set here).
    pub fn put_approval(&self, mut a: Approval) -> Result<Approval> {
        if a.id == 0 {
            a.id = self.next_event_id()?;
        }
        self.events
            .insert(with_id(&["approval"], a.id), codec::encode(&a))?;
        Ok(a)
    }

    pub fn approval(&self, id: u64) -> Result<Option<Approval>> {
        match self.events.get(with_id(&["approval"], id))? {
            Some(v) => Ok(Some(
                codec::decode(&v).map_err(|e| bad("approval", &id.to_be_bytes(), e))?,
            )),
            None => Ok(None),
        }
    }

    /// Writes a firing into the event log (its id is set here).
    pub fn log_fired(&self, mut f: Fired) -> Result<Fired> {
        f.id = self.next_event_id()?;
        if f.at_ms == 0 {
            f.at_ms = now_ms();
        }
        self.events
            .insert(with_id(&["log"], f.id), codec::encode(&f))?;
        Ok(f)
    }

    /// The event log, newest first.
    pub fn fired_log(&self, filter: &EventFilter) -> Result<Vec<Fired>> {
        let limit = filter.limit.unwrap_or(usize::MAX);
        let mut out = Vec::new();
        for item in self.events.scan_prefix(index::prefix(&["log"])).rev() {
            let (k, v) = item?;
            let f: Fired = codec::decode(&v).map_err(|e| bad("event log", &k, e))?;
            if filter.since_ms.is_some_and(|s| f.at_ms < s) {
                break;
            }
            if filter
                .rule
                .as_ref()
                .is_some_and(|r| !r.eq_ignore_ascii_case(&f.rule))
            {
                continue;
            }
            out.push(f);
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// Records that the firing `(rule, entity, key, due)` was done; false when it
    /// already had been.
    pub fn mark_firing(&self, rule: &str, entity: &str, key: &str, due: &str) -> Result<bool> {
        let k = index::join(&["fired", rule, entity, key, due]);
        let before = self.events.compare_and_swap(
            k,
            None as Option<&[u8]>,
            Some(&now_ms().to_be_bytes()[..]),
        )?;
        Ok(before.is_ok())
    }

    /// Whether the firing was done.
    pub fn has_fired(&self, rule: &str, entity: &str, key: &str, due: &str) -> Result<bool> {
        Ok(self
            .events
            .contains_key(index::join(&["fired", rule, entity, key, due]))?)
    }

    /// When a rule's schedule last ran (local time, "YYYY-MM-DD HH:MM").
    pub fn last_tick(&self, rule: &str) -> Result<Option<String>> {
        Ok(self
            .events
            .get(index::join(&["tick", rule]))?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    pub fn set_last_tick(&self, rule: &str, at: &str) -> Result<()> {
        self.events
            .insert(index::join(&["tick", rule]), at.as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(to: &str, text: &str) -> Message {
        Message {
            id: 0,
            to: to.into(),
            at_ms: 0,
            rule: "R".into(),
            entity: "opportunity".into(),
            key: "OPP1".into(),
            text: text.into(),
            read: false,
            approval: None,
        }
    }

    #[test]
    fn an_inbox_lists_newest_first_counts_unread_and_marks_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = store.post_message(message("ann", "one")).unwrap();
        let b = store.post_message(message("ann", "two")).unwrap();
        store.post_message(message("bob", "other")).unwrap();
        assert!(b.id > a.id);
        let texts: Vec<_> = store
            .inbox("ann", false, 10)
            .unwrap()
            .into_iter()
            .map(|m| m.text)
            .collect();
        assert_eq!(texts, ["two", "one"]);
        assert_eq!(store.unread("ann").unwrap(), 2);
        assert_eq!(store.mark_read("ann", &[a.id]).unwrap(), 1);
        assert_eq!(store.unread("ann").unwrap(), 1);
        assert_eq!(store.mark_read("ann", &[]).unwrap(), 1);
        assert_eq!(store.unread("ann").unwrap(), 0);
        assert_eq!(store.unread("bob").unwrap(), 1);
        assert!(store.mark_read("ann", &[999_999]).is_err());
    }

    #[test]
    fn a_firing_is_done_once_even_across_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            assert!(store.mark_firing("R", "lead", "L1", "2026-12-01").unwrap());
            assert!(!store.mark_firing("R", "lead", "L1", "2026-12-01").unwrap());
            store.flush().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert!(store.has_fired("R", "lead", "L1", "2026-12-01").unwrap());
        assert!(!store.mark_firing("R", "lead", "L1", "2026-12-01").unwrap());
        assert!(store.mark_firing("R", "lead", "L1", "2026-12-02").unwrap());
    }
}
