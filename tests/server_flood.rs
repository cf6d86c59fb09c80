//! A client that floods the server with requests and reads no reply gets a few of
//! them served at a time; the server stays quick for everyone else.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use termcrm::api::remote::{Remote, Target};
use termcrm::api::wire::{read_frame, write_frame, Frame, Hello, Request};
use termcrm::model::{Entity, Territory};
use termcrm::server::{Config, Paths, Server};
use termcrm::store::Store;

#[test]
fn a_flooding_client_does_not_stall_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = Arc::new(Store::open(&db).unwrap());
    store
        .bulk_insert(termcrm::demo::generate(2000, 1), |_| {})
        .unwrap();
    let config = Config::quiet(&db);
    let server = Server::start_on(Arc::clone(&store), config).unwrap();

    let mut flood = UnixStream::connect(Paths::of(&db).socket).unwrap();
    write_frame(&mut flood, &Hello::ours()).unwrap();
    let welcome: Frame = read_frame(&mut flood).unwrap();
    assert!(matches!(welcome, Frame::Welcome(Ok(_))));
    // Thousands of requests, written in one go and never read.
    let mut burst = Vec::new();
    for id in 0..5_000 {
        let call = Frame::Call {
            id,
            request: Request::Alerts {
                who: termcrm::api::Who::Everyone,
            },
        };
        write_frame(&mut burst, &call).unwrap();
    }
    let _ = flood.set_write_timeout(Some(Duration::from_secs(2)));
    let writer = std::thread::spawn(move || {
        let _ = flood.write_all(&burst);
        flood
    });

    let other = Remote::client(Target::Local(db.clone())).unwrap();
    let mut worst = Duration::ZERO;
    for _ in 0..50 {
        let t = Instant::now();
        let r = other.get(Territory::DEF, "NORD").unwrap();
        assert!(r.is_some());
        worst = worst.max(t.elapsed());
    }
    assert!(worst < Duration::from_secs(2), "a get took {worst:?}");
    let threads = std::fs::read_dir("/proc/self/task").unwrap().count();
    assert!(threads < 200, "{threads} threads: the flood is not bounded");
    drop(writer.join());
    drop(other);
    server.stop();
}
