//! Usage errors found in a command's own arguments (a report that does not
//! exist, a date that is none, a format that needs a file): one line on stderr
//! and exit code 2, like the usage errors clap finds; no database is opened.

/// A command line that cannot be carried out as typed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

impl Usage {
    pub fn new(message: impl Into<String>) -> Usage {
        Usage(message.into())
    }
}

/// The exit code of a failed command: 2 for a usage error, else 1.
pub fn exit_code(e: &anyhow::Error) -> i32 {
    if e.downcast_ref::<Usage>().is_some() {
        2
    } else {
        1
    }
}
