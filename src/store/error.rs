//! The store's errors: each names the record, the field or the path, and what to do.

use std::fmt;

use crate::util::excerpt;

/// A record that names another one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referrer {
    pub entity: String,
    pub key: String,
    pub field: String,
}

impl fmt::Display for Referrer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.entity, self.key, self.field)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path} is in use by another crm process{pid}; close that one, or pass --db for another database")]
    Locked { path: String, pid: String },
    #[error("{entity} {}: {field} = '{}': {message}", excerpt(.key), excerpt(.value))]
    Invalid {
        entity: &'static str,
        key: String,
        field: String,
        value: String,
        message: String,
    },
    #[error("{entity} {}: {field} = '{}' names no existing {target}{suggestion}", excerpt(.key), excerpt(.value))]
    DanglingRef {
        entity: &'static str,
        key: String,
        field: String,
        value: String,
        target: &'static str,
        suggestion: String,
    },
    #[error("{entity} {} does not exist{suggestion}", excerpt(.key))]
    NotFound {
        entity: &'static str,
        key: String,
        suggestion: String,
    },
    #[error("{entity} {} exists already; use `crm set` to change it", excerpt(.key))]
    Duplicate { entity: &'static str, key: String },
    #[error("cannot delete {entity} {key}: {total} record(s) name it: {}{}; change or delete those first", list_referrers(.referrers), if *.total > .referrers.len() { ", ..." } else { "" })]
    Referenced {
        entity: &'static str,
        key: String,
        referrers: Vec<Referrer>,
        total: usize,
    },
    #[error("{entity} {key}: the stored record cannot be read ({message}); run `crm check`")]
    Corrupt {
        entity: String,
        key: String,
        message: String,
    },
    #[error("database {path}: schema version {found} is newer than this crm knows ({known}); update crm")]
    NewerSchema {
        path: String,
        found: u32,
        known: u32,
    },
    #[error("database {path}: {message}")]
    Io { path: String, message: String },
    /// A file of the database is damaged: the line names the database, the file,
    /// what is wrong and what to do.
    #[error("{0}")]
    Damaged(String),
    /// A request that cannot be carried out as things stand; the text says why
    /// and what to do (nothing was changed).
    #[error("{0}")]
    Refused(String),
    /// The change waits for an approver (an event rule's "hold"): nothing was
    /// saved yet; approval `approval` applies it.
    #[error("{message}")]
    Held { approval: u64, message: String },
    #[error("{}", sled_message(.0))]
    Sled(#[from] sled::Error),
}

impl StoreError {
    /// A rule the record `key` of `entity` breaks at `field` (holding `value`).
    pub fn invalid(
        entity: &'static str,
        key: &str,
        field: &str,
        value: &str,
        message: impl Into<String>,
    ) -> StoreError {
        StoreError::Invalid {
            entity,
            key: if key.is_empty() {
                "(new)".into()
            } else {
                key.to_string()
            },
            field: field.to_string(),
            value: value.to_string(),
            message: message.into(),
        }
    }
}

/// Whether an I/O error is a full disk (ENOSPC) or an exceeded quota (EDQUOT).
pub(crate) fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
}

/// The words a full disk gets: what to do, and that nothing half-done stays.
pub(crate) const DISK_FULL: &str = "the disk holding it is full: free some space and try again (what was not saved is not in the database; it works again as soon as there is space)";

fn sled_message(e: &sled::Error) -> String {
    match e {
        sled::Error::Io(io) if is_disk_full(io) => format!("database: {DISK_FULL}"),
        other => format!("database error: {other}; if it persists, run `crm check`"),
    }
}

fn list_referrers(referrers: &[Referrer]) -> String {
    referrers
        .iter()
        .map(Referrer::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The longest key a record may have (in characters): a longer one names no
/// record and is refused before any search for a similar key.
pub const MAX_KEY_CHARS: usize = 64;

/// Refuses a key longer than `MAX_KEY_CHARS`.
pub(crate) fn check_key(def: &crate::model::EntityDef, key: &str) -> Result<()> {
    let n = key.chars().count();
    if n > MAX_KEY_CHARS {
        return Err(StoreError::Refused(format!(
            "{} key '{}' is too long: a key has at most {MAX_KEY_CHARS} characters",
            def.name,
            excerpt(key)
        )));
    }
    Ok(())
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
