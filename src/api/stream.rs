//! Requests that stream data beside their reply: a backup the server writes to
//! the client, a backup the client sends for a restore. Over the socket the data
//! travels as `Frame::Data` pieces of the request; in-process it is a reader or
//! a writer handed down to the handler.

use std::io::{Read, Write};

use super::wire::{Request, Response};
use super::{ApiError, Client, ErrorKind, Result};
use crate::store::BackupReport;

/// What a request reads from or writes to, besides its reply.
#[derive(Default)]
pub struct Stream<'a> {
    pub input: Option<&'a mut dyn Read>,
    pub output: Option<&'a mut dyn Write>,
}

impl<'a> Stream<'a> {
    pub fn none() -> Stream<'a> {
        Stream::default()
    }
}

/// A request that needs a stream it was not given.
pub(super) fn missing(what: &str) -> ApiError {
    ApiError::new(
        ErrorKind::Protocol,
        format!("{what} needs a data stream; this client sent none"),
    )
}

impl Client {
    /// Writes a backup of the whole database to `out` (admins only).
    pub fn backup(&self, out: &mut dyn Write) -> Result<BackupReport> {
        let stream = Stream {
            input: None,
            output: Some(out),
        };
        match self.transport.call_stream(Request::Backup, stream)? {
            Response::Backup(r) => Ok(r),
            other => Err(ApiError::protocol(format!(
                "unexpected reply to a backup: {other:?}"
            ))),
        }
    }

    /// Builds the (new, empty) database from the backup `input` (admins only);
    /// `file` names it in messages.
    pub fn restore_backup(&self, input: &mut dyn Read, file: &str) -> Result<BackupReport> {
        let stream = Stream {
            input: Some(input),
            output: None,
        };
        let req = Request::RestoreBackup { file: file.into() };
        match self.transport.call_stream(req, stream)? {
            Response::Backup(r) => Ok(r),
            other => Err(ApiError::protocol(format!(
                "unexpected reply to a restore: {other:?}"
            ))),
        }
    }
}
