//! The interface's errors: one line for the user, and the kind a front end reacts
//! to (a form puts an invalid value at its field, a conflict offers the choice).

use serde::{Deserialize, Serialize};

use crate::query;
use crate::store::StoreError;

/// What kind of failure an error is, so a front end can react (a form puts an
/// invalid value at its field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    /// A value breaks a rule; `field` names it.
    Invalid,
    /// A reference names no record; `field` names it.
    DanglingRef,
    NotFound,
    /// A record with that key exists already.
    Duplicate,
    /// Other records name the one to delete.
    Referenced,
    /// A query that does not parse; `column` is where.
    Query {
        column: usize,
    },
    /// The user's role does not allow it.
    Denied,
    /// No server could be reached.
    Unavailable,
    /// Client and server speak different protocols or schemas.
    Incompatible,
    /// A malformed message.
    Protocol,
    /// The record changed since the form or command read it, in a field this
    /// save changes too: the user chooses (nothing was saved).
    Conflict {
        rev: u64,
        fields: Vec<ConflictField>,
    },
    /// The record changed since revision `base`; it is at `rev` now (a save that
    /// named a revision and has nothing to merge with).
    Stale {
        base: u64,
        rev: u64,
    },
    /// The record was deleted since it was read: it can be saved as new.
    Gone,
    /// The request cannot be carried out as things stand (nothing to undo, a
    /// record to restore that exists); nothing was changed.
    Refused,
    /// An event rule holds the change for approval: nothing was saved yet.
    Held {
        approval: u64,
    },
    /// Anything else the store reported.
    Store,
}

/// One field both this save and another user's change changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictField {
    pub field: String,
    /// The value both started from, this save's, and the stored one.
    pub base: String,
    pub mine: String,
    pub theirs: String,
    /// Who made theirs, and when ("bob at 10:42 (Save)").
    pub by: String,
}

/// A typed error that crosses the socket: one line of text for the user, plus what
/// a front end needs to place it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub kind: ErrorKind,
    /// The whole message: names the record, field or line and what to do.
    pub message: String,
    /// The field at fault, for `Invalid` and `DanglingRef`.
    pub field: Option<String>,
    /// The rule the field breaks, without the record's name (shown at the field).
    pub detail: String,
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: message.into(),
            field: None,
            detail: String::new(),
        }
    }
    pub fn denied(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Denied, message)
    }
    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Unavailable, message)
    }
    pub fn protocol(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Protocol, message)
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

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
            StoreError::Held { approval, .. } => (
                ErrorKind::Held {
                    approval: *approval,
                },
                None,
                String::new(),
            ),
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
