//! The frames on a socket: a u32 length, then bincode 2 of a `Frame`, at most
//! `MAX_FRAME`; the hello each side sends first, with the protocol and the schema.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

use super::{Push, Request, Response};
use crate::api::{ApiError, Session};
use crate::model;

/// The protocol this build speaks; a client and a server of different protocols
/// refuse each other in the handshake, each naming both versions.
pub const PROTOCOL: u32 = 7;

/// The largest frame either side reads; a longer one closes the connection.
pub const MAX_FRAME: usize = 64 << 20;

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
    use crate::api::wire::{Rec, Request, Response};
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
