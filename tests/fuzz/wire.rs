//! The wire: the frame decoder on garbage, truncated, damaged and oversized
//! frames; the server's handshake on whatever a peer sends first — after which
//! the server still serves everyone else.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use proptest::prelude::*;
use termcrm::api::remote::{Remote, Target};
use termcrm::api::wire::{read_frame, write_frame, Frame, Hello, Rec, Request, MAX_FRAME};
use termcrm::api::{ApiError, ErrorKind};
use termcrm::model::{Money, Opportunity};
use termcrm::server::Paths;

use crate::gen::{grammar, mangled, number, NASTY};
use crate::{assert_message, fuzz, Ctx, Outcome};

fn encoded<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    write_frame(&mut out, value).expect("a frame");
    out
}

/// Frames as the client and the server send them, to cut and damage.
fn frames() -> Vec<Vec<u8>> {
    let o = Opportunity {
        key: "OPP0000001".into(),
        description: "Fräszentrum".into(),
        amount: Some(Money::eur(4_850_000)),
        ..Default::default()
    };
    vec![
        encoded(&Hello::ours()),
        encoded(&Frame::Call {
            id: 1,
            request: Request::Whoami,
        }),
        encoded(&Frame::Call {
            id: 2,
            request: Request::Get {
                entity: "opportunity".into(),
                key: "OPP0000001".into(),
            },
        }),
        encoded(&Frame::Call {
            id: 3,
            request: Request::Save {
                record: Rec(Box::new(o)),
                new: true,
                base: None,
            },
        }),
        encoded(&Frame::Welcome(Err(ApiError::new(
            ErrorKind::Incompatible,
            "no",
        )))),
        encoded(&Frame::Progress { id: 4, done: 10 }),
    ]
}

/// Bytes as frames: a length over the limit, a length and less than it, damaged
/// frames, frames one after another.
fn frame_bytes() -> BoxedStrategy<Vec<u8>> {
    let oversized = prop_oneof![
        Just((MAX_FRAME as u32 + 1).to_le_bytes().to_vec()),
        Just(u32::MAX.to_le_bytes().to_vec()),
    ];
    let short = (1u32..(1 << 20), prop::collection::vec(any::<u8>(), 0..32)).prop_map(|(n, b)| {
        let mut v = n.to_le_bytes().to_vec();
        v.extend(b);
        v
    });
    prop_oneof![
        6 => mangled(frames()),
        1 => prop::collection::vec(mangled(frames()), 2..4).prop_map(|v| v.concat()),
        1 => oversized,
        1 => short,
    ]
    .boxed()
}

/// Frames decoded one after another until one does not; each way of ending is an
/// error with one short line.
pub fn frame(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    if let Err(e) = read_frame::<Hello>(&mut a[0].as_slice()) {
        assert_message(&e.to_string());
    }
    let mut input = a[0].as_slice();
    while !input.is_empty() {
        read_frame::<Frame>(&mut input).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A hello as a peer may write it: any protocol and schema, any version text.
fn hellos() -> BoxedStrategy<Vec<u8>> {
    let ours = Hello::ours();
    let version = prop_oneof![
        Just(ours.version.clone()),
        grammar(NASTY.to_vec(), 10),
        (prop::sample::select(NASTY), 1000usize..100_000).prop_map(|(p, n)| p.repeat(n)),
    ];
    let protocol = prop_oneof![Just(ours.protocol), any::<u32>()];
    let schema = prop_oneof![Just(ours.schema), any::<u64>()];
    (
        protocol,
        schema,
        version,
        prop::option::of(mangled(frames())),
    )
        .prop_map(|(protocol, schema, version, after)| {
            let mut v = encoded(&Hello {
                protocol,
                schema,
                version,
            });
            v.extend(after.unwrap_or_default());
            v
        })
        .boxed()
}

/// The bytes as the first thing a peer sends the server; the server's answer
/// (if any) is read to its end. Then a proper client must still be served.
pub fn handshake(ctx: &Ctx, a: &[Vec<u8>]) -> Outcome {
    ctx.server();
    let db = ctx.db();
    let mut s = UnixStream::connect(Paths::of(&db).socket).expect("the socket answers");
    s.set_read_timeout(Some(Duration::from_secs(15)))
        .expect("a timeout");
    // The server may close before it read everything: a broken pipe is its answer.
    let _ = s.write_all(&a[0]);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let outcome = match read_frame::<Frame>(&mut answer.as_slice()) {
        Ok(Frame::Welcome(Err(e))) => Err(e.message),
        _ => Ok(()),
    };
    let client = Remote::client(Target::Local(db)).expect("a client is still welcome");
    client.whoami().expect("and served");
    outcome
}

#[test]
fn frames_decode_or_fail_in_one_short_line() {
    let ctx = Ctx::default();
    fuzz(
        &ctx,
        "frame",
        frame,
        3000,
        frame_bytes().prop_map(|b| vec![b]),
    );
}

#[test]
fn the_handshake_refuses_what_it_cannot_speak_and_serves_on() {
    let ctx = Ctx::default();
    let input = prop_oneof![
        3 => hellos(),
        1 => frame_bytes(),
        1 => number().prop_map(String::into_bytes),
    ];
    fuzz(
        &ctx,
        "handshake",
        handshake,
        120,
        input.prop_map(|b| vec![b]),
    );
}
