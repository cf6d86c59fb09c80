//! The client's side of the event rules: the inbox, answers to approvals, what a
//! rule would do, and the event log.

use super::wire::{Request, Response};
use super::{unexpected, Client, Result};
pub use crate::ops::events::{InboxItem, RuleHit};
pub use crate::store::events::{Approval, ApprovalState, EventFilter, Fired, Message};

impl Client {
    /// This user's inbox, newest first.
    pub fn inbox(&self, unread: bool, limit: usize) -> Result<Vec<InboxItem>> {
        match self.call(Request::Inbox { unread, limit })? {
            Response::Inbox(items) => Ok(items),
            other => Err(unexpected("Inbox", other)),
        }
    }

    /// How many of this user's messages are unread.
    pub fn unread(&self) -> Result<usize> {
        match self.call(Request::Unread)? {
            Response::Count(n) => Ok(n),
            other => Err(unexpected("Unread", other)),
        }
    }

    /// Marks messages read (none named: all); how many were unread.
    pub fn inbox_read(&self, ids: Vec<u64>) -> Result<usize> {
        match self.call(Request::InboxRead { ids })? {
            Response::Count(n) => Ok(n),
            other => Err(unexpected("InboxRead", other)),
        }
    }

    /// Approves or rejects a held change; what came of it.
    pub fn answer(&self, approval: u64, approve: bool, reason: &str) -> Result<String> {
        let req = Request::Answer {
            approval,
            approve,
            reason: reason.to_string(),
        };
        match self.call(req)? {
            Response::Message(m) => Ok(m),
            other => Err(unexpected("Answer", other)),
        }
    }

    /// What rule `rule` would do now (on record `key`, or on every record it
    /// fires on); changes nothing.
    pub fn rule_test(&self, rule: &str, key: Option<&str>) -> Result<Vec<RuleHit>> {
        let req = Request::RuleTest {
            rule: rule.to_string(),
            key: key.map(str::to_string),
        };
        match self.call(req)? {
            Response::RuleHits(h) => Ok(h),
            other => Err(unexpected("RuleTest", other)),
        }
    }

    /// The event log, newest first.
    pub fn events(&self, filter: EventFilter) -> Result<Vec<Fired>> {
        match self.call(Request::Events(filter))? {
            Response::Events(e) => Ok(e),
            other => Err(unexpected("Events", other)),
        }
    }
}
