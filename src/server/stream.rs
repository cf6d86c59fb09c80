//! The data pieces beside a request (`Frame::Data`): a backup's output sent on to
//! the client as it is written, a restore's input read as the client sends it.
//! An upload goes through a small bounded queue, so a client sending faster than
//! the restore writes waits (its socket fills) instead of filling memory.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use super::{send, Writer};
use crate::api::wire::Frame;
use crate::store::codec::Bytes;

/// A piece of a backup sent at once.
const PIECE: usize = 256 * 1024;

/// The uploads of one connection in progress: request id → its queue.
pub(super) type Uploads = HashMap<u64, SyncSender<Vec<u8>>>;

/// Opens the upload of request `id`.
pub(super) fn open(uploads: &mut Uploads, id: u64) -> Upload {
    let (tx, rx) = sync_channel(8);
    uploads.insert(id, tx);
    Upload {
        rx,
        piece: Vec::new(),
        at: 0,
        done: false,
    }
}

/// Hands a piece to its request; the empty piece ends the upload. A piece for a
/// request that no longer reads (it was refused) is dropped.
pub(super) fn deliver(uploads: &mut Uploads, id: u64, bytes: Vec<u8>) {
    let end = bytes.is_empty();
    let gone = match uploads.get(&id) {
        Some(tx) => end || tx.send(bytes).is_err(),
        None => false,
    };
    if gone {
        uploads.remove(&id);
    }
}

/// What a restore reads: the pieces its client sends. A client that goes away
/// ends it early (the restore then says the backup is cut short).
pub(super) struct Upload {
    rx: Receiver<Vec<u8>>,
    piece: Vec<u8>,
    at: usize,
    done: bool,
}

impl Read for Upload {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.piece.len() {
            if self.done {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(piece) => {
                    self.piece = piece;
                    self.at = 0;
                }
                Err(_) => self.done = true,
            }
        }
        let n = buf.len().min(self.piece.len() - self.at);
        buf[..n].copy_from_slice(&self.piece[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// What a backup writes, sent on as pieces of request `id`.
pub(super) struct Download<'a> {
    writer: &'a Writer,
    id: u64,
    buf: Vec<u8>,
}

impl<'a> Download<'a> {
    pub(super) fn new(writer: &'a Writer, id: u64) -> Download<'a> {
        Download {
            writer,
            id,
            buf: Vec::with_capacity(PIECE),
        }
    }

    fn send_piece(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Frame::Data {
            id: self.id,
            bytes: Bytes(std::mem::take(&mut self.buf)),
        };
        if !send(self.writer, &piece) {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the client went away",
            ));
        }
        Ok(())
    }
}

impl Write for Download<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= PIECE {
            self.send_piece()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_piece()
    }
}
