//! The server over its real socket, in this process: the same answers as the
//! in-process client, bad frames that close only their own connection, the
//! handshake's refusals, identity and roles from the peer's uid, two users racing
//! one workflow, a client that vanishes mid-load, restarts and stale sockets.
//! Every server a test starts is stopped before the test ends (`Running`).

mod common;

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::{assert_clean, nobody_in_nogroup, record};
use tempfile::TempDir;
use termcrm::api::local::Local;
use termcrm::api::remote::{Remote, Target};
use termcrm::api::wire::{self, read_frame, write_frame, Frame, Hello, Request};
use termcrm::api::{By, Client, ErrorKind, Role, Who};
use termcrm::model::assign::apply;
use termcrm::model::{Customer, Entity, Opportunity, Prospect, Record, Territory, Value};
use termcrm::server::{Config, Paths, PeerMap, Server};
use termcrm::store::Store;

const RECORDS: usize = 2000;

/// A database in a temporary directory, open in this process.
struct Db {
    path: PathBuf,
    store: Arc<Store>,
    _dir: TempDir,
}

fn empty_db() -> Db {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let store = Arc::new(Store::open(&path).expect("open"));
    Db {
        path,
        store,
        _dir: dir,
    }
}

fn demo_db() -> Db {
    let db = empty_db();
    db.store
        .bulk_insert(termcrm::demo::generate(RECORDS, 1), |_| {})
        .expect("demo data");
    db
}

/// A demo database on disk, not open (for `Server::start`, which opens it itself).
fn demo_dir() -> (TempDir, PathBuf) {
    let Db { path, store, _dir } = demo_db();
    drop(store);
    (_dir, path)
}

/// A running server, stopped when it goes out of scope however the test ends.
struct Running(Option<Server>);

impl Running {
    fn stop(self) {}
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.0.take() {
            s.stop();
        }
    }
}

fn config(db: &Path) -> Config {
    Config::quiet(db)
}

fn serve(db: &Db, config: Config) -> Running {
    Running(Some(
        Server::start_on(Arc::clone(&db.store), config).expect("server starts"),
    ))
}

fn client(db: &Path) -> Client {
    Remote::client(Target::Local(db.to_path_buf())).expect("connects")
}

/// A connection that has not said hello yet.
fn raw(db: &Path) -> UnixStream {
    let s = UnixStream::connect(Paths::of(db).socket).expect("socket answers");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

fn handshake(s: &mut UnixStream, hello: &Hello) -> Frame {
    write_frame(s, hello).expect("hello sent");
    read_frame(s).expect("welcome read")
}

/// Whether the server closed `s`: end of stream or a reset, not a timeout.
fn closed_by_server(s: &mut UnixStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

fn first(store: &Store, def: &'static termcrm::model::EntityDef) -> Box<dyn Record> {
    store
        .list(def, Some(1))
        .unwrap()
        .pop()
        .unwrap_or_else(|| panic!("a {}", def.name))
}

fn opportunity(store: &Store) -> Opportunity {
    first(store, Opportunity::DEF)
        .downcast_ref::<Opportunity>()
        .cloned()
        .unwrap()
}

/// The opportunity with its probability moved, to save.
fn bumped(o: &Opportunity) -> Box<dyn Record> {
    let mut o = o.clone();
    o.probability = Some((o.probability.unwrap_or(0) + 7) % 100);
    Box::new(o)
}

fn debug(r: &[Box<dyn Record>]) -> Vec<String> {
    r.iter().map(|r| format!("{r:?}")).collect()
}

/// Connections are taken for `uid` while it is set, for themselves otherwise.
fn switchable() -> (Arc<AtomicU32>, PeerMap) {
    let who = Arc::new(AtomicU32::new(u32::MAX));
    let w = Arc::clone(&who);
    let map: PeerMap = Arc::new(move |real| match w.load(Ordering::SeqCst) {
        u32::MAX => real,
        uid => uid,
    });
    (who, map)
}

#[test]
fn the_socket_answers_as_the_in_process_client_does() {
    let db = demo_db();
    let _server = serve(&db, config(&db.path));
    let remote = client(&db.path);
    let local = Local::client(Arc::clone(&db.store));

    for def in [Opportunity::DEF, Prospect::DEF, Territory::DEF] {
        let listed = local.list(def, None, Some(20)).unwrap();
        assert_eq!(
            debug(&remote.list(def, None, Some(20)).unwrap()),
            debug(&listed)
        );
        for r in &listed {
            let there = remote.get(def, r.key()).unwrap().expect("found remotely");
            assert!(there.eq_record(r.as_ref()), "{there:?} / {r:?}");
        }
    }
    assert!(remote
        .get(Opportunity::DEF, "OPP9999999")
        .unwrap()
        .is_none());
    let territory = first(&db.store, Territory::DEF).key().to_string();
    let by = || Some(By::Territory(territory.clone()));
    let near = remote.list(Opportunity::DEF, by(), Some(15)).unwrap();
    assert!(!near.is_empty());
    assert_eq!(
        debug(&near),
        debug(&local.list(Opportunity::DEF, by(), Some(15)).unwrap())
    );
    assert_eq!(
        format!("{:?}", remote.alerts(Who::Everyone).unwrap()),
        format!("{:?}", local.alerts(Who::Everyone).unwrap())
    );

    // A save over the socket is what the in-process client reads back, and the other
    // way round.
    let o = opportunity(&db.store);
    let saved = bumped(&o);
    assert_eq!(remote.save(saved.clone(), false).unwrap(), o.key);
    let back = local.get(Opportunity::DEF, &o.key).unwrap().unwrap();
    assert!(back.eq_record(saved.as_ref()), "{back:?}");
    let again = bumped(back.downcast_ref::<Opportunity>().unwrap());
    local.save(again.clone(), false).unwrap();
    let there = remote.get(Opportunity::DEF, &o.key).unwrap().unwrap();
    assert!(there.eq_record(again.as_ref()));
    assert_eq!(remote.whoami().unwrap().role, Role::Admin);
    assert_clean(&db.store);

    // A client that is dropped closes its connection.
    let gone = client(&db.path);
    assert_eq!(remote.server_status().unwrap().connections, 2);
    drop(gone);
    let t = std::time::Instant::now();
    while remote.server_status().unwrap().connections > 1 {
        assert!(t.elapsed() < Duration::from_secs(5), "still connected");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_bad_connection_is_closed_alone() {
    let db = demo_db();
    let _server = serve(&db, config(&db.path));
    let before = client(&db.path);
    let count = before.count(Opportunity::DEF).unwrap();
    assert!(count > 0);

    let mut garbage_frame = 8u32.to_le_bytes().to_vec();
    garbage_frame.extend_from_slice(&[0xff; 8]);
    let oversized = (wire::MAX_FRAME as u32 + 1).to_le_bytes().to_vec();
    let mut truncated = 100u32.to_le_bytes().to_vec();
    truncated.extend_from_slice(&[1, 2, 3]);
    let cases: [(&str, bool, &[u8]); 5] = [
        (
            "garbage bytes",
            false,
            b"GET / HTTP/1.1\r\nHost: crm\r\n\r\n",
        ),
        ("a garbage frame", false, &garbage_frame),
        ("a truncated frame", false, &truncated),
        ("a frame over MAX_FRAME", false, &oversized),
        ("garbage after a valid hello", true, &garbage_frame),
    ];
    for (what, hello, bytes) in cases {
        let mut s = raw(&db.path);
        if hello {
            let welcome = handshake(&mut s, &Hello::ours());
            assert!(matches!(welcome, Frame::Welcome(Ok(_))), "{welcome:?}");
        }
        s.write_all(bytes).unwrap();
        // The truncated frame's rest never comes.
        let _ = s.shutdown(std::net::Shutdown::Write);
        assert!(closed_by_server(&mut s), "{what}: the server kept it open");
        assert_eq!(before.count(Opportunity::DEF).unwrap(), count, "{what}");
        assert_eq!(client(&db.path).count(Opportunity::DEF).unwrap(), count);
    }

    // A truncated frame after the hello: that client waits, nobody else does.
    let mut stalled = raw(&db.path);
    handshake(&mut stalled, &Hello::ours());
    stalled.write_all(&truncated).unwrap();
    assert_eq!(client(&db.path).count(Opportunity::DEF).unwrap(), count);
    assert_eq!(before.count(Opportunity::DEF).unwrap(), count);
}

#[test]
fn another_protocol_is_refused_naming_both_versions() {
    let db = empty_db();
    let _server = serve(&db, config(&db.path));
    let mut s = raw(&db.path);
    let theirs = Hello {
        protocol: wire::PROTOCOL + 1,
        ..Hello::ours()
    };
    let Frame::Welcome(Err(e)) = handshake(&mut s, &theirs) else {
        panic!("welcomed a client of another protocol")
    };
    assert_eq!(e.kind, ErrorKind::Incompatible);
    let (mine, other) = (
        format!("protocol {}", wire::PROTOCOL + 1),
        format!("protocol {}", wire::PROTOCOL),
    );
    assert!(
        e.message.contains(&mine) && e.message.contains(&other),
        "{e}"
    );
    assert!(closed_by_server(&mut s));

    let mut s = raw(&db.path);
    let theirs = Hello {
        schema: Hello::ours().schema ^ 1,
        ..Hello::ours()
    };
    let Frame::Welcome(Err(e)) = handshake(&mut s, &theirs) else {
        panic!("welcomed a client of another schema")
    };
    assert_eq!(e.kind, ErrorKind::Incompatible);
    assert!(e.message.contains("schema"), "{e}");
}

#[test]
fn a_stranger_is_refused_and_a_group_member_admitted() {
    if !nobody_in_nogroup() {
        return;
    }
    let db = empty_db();
    let nobody: PeerMap = Arc::new(|_| 65534);
    let server = serve(
        &db,
        Config {
            peer_map: Some(Arc::clone(&nobody)),
            log_changes: false,
            ticks: true,
            ..config(&db.path)
        },
    );
    let refused = Remote::client(Target::Local(db.path.clone()))
        .err()
        .expect("refused");
    let text = format!("{refused:#}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("user nobody may not"), "{text}");
    let mut s = raw(&db.path);
    let Frame::Welcome(Err(e)) = handshake(&mut s, &Hello::ours()) else {
        panic!("a stranger was welcomed")
    };
    assert_eq!(e.kind, ErrorKind::Denied);
    server.stop();

    let _server = serve(
        &db,
        Config {
            peer_map: Some(nobody),
            log_changes: false,
            ticks: true,
            group: Some("nogroup".into()),
            ..config(&db.path)
        },
    );
    let member = client(&db.path);
    let me = member.whoami().unwrap();
    assert_eq!((me.uid, me.user.as_str()), (65534, "nobody"));
    assert_eq!(me.role, Role::Sales);
    assert_eq!(me.salesperson, None);
}

#[test]
fn roles_decide_what_a_user_may_change() {
    if !nobody_in_nogroup() {
        return;
    }
    let db = demo_db();
    let (who, map) = switchable();
    let _server = serve(
        &db,
        Config {
            peer_map: Some(map),
            log_changes: false,
            ticks: true,
            group: Some("nogroup".into()),
            ..config(&db.path)
        },
    );
    let owner = Local::client(Arc::clone(&db.store));
    let mut nobody = record(
        "salesperson",
        &[
            ("key", "NOBODY"),
            ("name", "No Body"),
            ("os_user", "nobody"),
            ("role", "read-only"),
        ],
    );
    owner.save(nobody.clone(), true).unwrap();
    let o = opportunity(&db.store);
    let territory = first(&db.store, Territory::DEF);
    let denied = |r: Result<String, termcrm::api::ApiError>| {
        let e = r.expect_err("refused");
        assert_eq!(e.kind, ErrorKind::Denied, "{e}");
        e.message
    };

    who.store(65534, Ordering::SeqCst);
    let reader = client(&db.path);
    let me = reader.session();
    assert_eq!(me.role, Role::ReadOnly);
    assert_eq!(me.salesperson.as_deref(), Some("NOBODY"));
    assert!(reader.get(Opportunity::DEF, &o.key).unwrap().is_some());
    let m = denied(reader.save(bumped(&o), false));
    assert!(m.contains("read-only"), "{m}");
    assert!(reader.task_done("TSK0000001").is_err());
    assert_eq!(opportunity(&db.store), o, "a refused save changed nothing");

    apply(nobody.as_mut(), &[("role", "sales")]).unwrap();
    owner.save(nobody, false).unwrap();
    let seller = client(&db.path);
    assert_eq!(seller.session().role, Role::Sales);
    let e = seller.delete(Opportunity::DEF, &o.key).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Denied, "{e}");
    assert!(db.store.get(Opportunity::DEF, &o.key).unwrap().is_some());
    let mut t = territory.clone();
    apply(t.as_mut(), &[("description", "Umbenannt")]).unwrap();
    let m = denied(seller.save(t.clone(), false));
    assert!(m.contains("setup data"), "{m}");
    let stored = db
        .store
        .get(Territory::DEF, territory.key())
        .unwrap()
        .unwrap();
    assert!(stored.eq_record(territory.as_ref()));
    seller
        .save(bumped(&o), false)
        .expect("sales saves an opportunity");
    assert!(opportunity(&db.store).eq_record(bumped(&o).as_ref()));

    who.store(u32::MAX, Ordering::SeqCst);
    let admin = client(&db.path);
    assert_eq!(admin.session().role, Role::Admin);
    admin
        .save(t.clone(), false)
        .expect("the owner changes setup data");
    let new = record("territory", &[("key", "ZZTEST"), ("description", "Probe")]);
    admin.save(new, true).unwrap();
    admin
        .delete(Territory::DEF, "ZZTEST")
        .expect("the owner deletes");
    admin.save(Box::new(o.clone()), false).unwrap();
    assert_eq!(opportunity(&db.store), o);
    assert_clean(&db.store);
}

#[test]
fn two_users_converting_one_prospect_make_one_customer() {
    let db = demo_db();
    let _server = serve(&db, config(&db.path));
    let prospect = db
        .store
        .scan(Prospect::DEF)
        .map(|r| r.unwrap().downcast_ref::<Prospect>().cloned().unwrap())
        .find(|p| p.customer.is_empty() && p.status != "converted")
        .expect("an open prospect");
    let barrier = Arc::new(Barrier::new(2));
    let racers: Vec<_> = (0..2)
        .map(|_| {
            let (c, b, key) = (client(&db.path), Arc::clone(&barrier), prospect.key.clone());
            std::thread::spawn(move || {
                b.wait();
                c.convert_prospect(&key)
            })
        })
        .collect();
    let results: Vec<_> = racers.into_iter().map(|t| t.join().unwrap()).collect();
    let won: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let lost: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!((won.len(), lost.len()), (1, 1), "{results:?}");
    assert!(lost[0].message.contains("converted already"), "{}", lost[0]);
    let customers: Vec<String> = db
        .store
        .scan(Customer::DEF)
        .map(|r| r.unwrap())
        .filter(|c| c.value("prospect") == Value::Text(prospect.key.clone()))
        .map(|c| c.key().to_string())
        .collect();
    assert_eq!(customers, vec![won[0].customer.clone()]);
    assert_clean(&db.store);
}

#[test]
fn a_client_gone_mid_load_stalls_nobody() {
    let db = empty_db();
    let server = serve(&db, config(&db.path));
    let other = client(&db.path);
    assert!(other.is_empty().unwrap());

    let mut s = raw(&db.path);
    handshake(&mut s, &Hello::ours());
    let (records, seed, if_empty) = (20_000, 1, false);
    let request = Request::Demo {
        records,
        seed,
        if_empty,
    };
    write_frame(&mut s, &Frame::Call { id: 1, request }).unwrap();
    // Mid-load when it reports progress (a fast machine may finish first).
    let frame: Frame = read_frame(&mut s).expect("progress or reply");
    let ok = matches!(
        frame,
        Frame::Progress { id: 1, .. } | Frame::Reply { id: 1, .. }
    );
    assert!(ok, "{frame:?}");
    drop(s);

    assert!(other.whoami().is_ok());
    other.count(Opportunity::DEF).unwrap();
    let late = client(&db.path);
    assert_eq!(late.whoami().unwrap().role, Role::Admin);
    // Stopping waits for the load, which runs to its end.
    server.stop();
    let all = termcrm::demo::generate(records, seed).count();
    assert_eq!(db.store.total_records(), all, "the load ran to its end");
    assert_clean(&db.store);
}

#[test]
fn a_client_reconnects_to_a_restarted_server() {
    let (_dir, db) = demo_dir();
    let server = Running(Some(Server::start(config(&db)).expect("starts")));
    let c = client(&db);
    let total = c.info().unwrap().2;
    // A signal thread's handle does not keep a stopped server alive.
    let _signal = termcrm::server::stop_handle(server.0.as_ref().unwrap());
    server.stop();
    assert!(
        !Paths::of(&db).socket.exists(),
        "a stopped server leaves no socket"
    );

    let _again = Running(Some(
        Server::start(config(&db)).expect("restarts on the same db"),
    ));
    match c.info() {
        Ok(info) => assert_eq!(info.2, total),
        Err(e) => {
            eprintln!("note: the first call after the restart failed: {e}");
            assert_eq!(e.kind, ErrorKind::Unavailable, "{e}");
            assert!(e.message.contains("server stopped"), "{e}");
        }
    }
    assert_eq!(c.info().unwrap().2, total);
}

#[test]
fn a_stale_socket_is_replaced() {
    let (_dir, db) = demo_dir();
    let socket = Paths::of(&db).socket;
    drop(UnixListener::bind(&socket).unwrap());
    assert!(socket.exists());
    assert!(UnixStream::connect(&socket).is_err(), "nobody listens");
    let _server = Running(Some(Server::start(config(&db)).expect("replaces it")));
    assert!(client(&db).count(Opportunity::DEF).unwrap() > 0);
    // A socket somebody answers on is not replaced.
    let second = Server::start(config(&db));
    assert!(second.is_err());
}

/// Run by `the_session_user_comes_from_the_os_not_user` in a child process, so
/// that no other test's thread reads the environment while it differs.
#[test]
fn child_session_user_whatever_user_says() {
    if std::env::var_os("TERMCRM_SERVER_TEST_CHILD").is_none() {
        return;
    }
    let id = Command::new("id").arg("-un").output().unwrap();
    let name = String::from_utf8_lossy(&id.stdout).trim().to_string();
    assert_ne!(std::env::var("USER").ok().as_ref(), Some(&name));
    let db = empty_db();
    let _server = serve(&db, config(&db.path));
    let uid = termcrm::server::peer::current_uid();
    let me = client(&db.path).whoami().unwrap();
    assert_eq!((me.uid, &me.user, me.role), (uid, &name, Role::Admin));
    let local = Local::client(Arc::clone(&db.store));
    assert_eq!(local.whoami().unwrap().user, name);
}

#[test]
fn the_session_user_comes_from_the_os_not_user() {
    for user in [None, Some("mallory")] {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", "child_session_user_whatever_user_says"])
            .env("TERMCRM_SERVER_TEST_CHILD", "1");
        match user {
            Some(u) => child.env("USER", u),
            None => child.env_remove("USER"),
        };
        let out = child.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && text.contains("1 passed"),
            "{text}{err}"
        );
    }
}
