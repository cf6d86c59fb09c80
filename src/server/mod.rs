//! `crm serve`: the one process that opens a database. It listens on a Unix socket
//! beside the database, admits the owner (and with `--group` that group's members),
//! takes each connection's identity from the OS, and serves the application
//! interface (`api::local::handle`) to every client, one thread per connection and
//! one per request, so a long request or a slow client stalls nobody else.

pub use crate::util::peer;
pub mod spawn;

mod background;
mod feed;
mod limits;
mod socket;
mod status;
mod stream;

use background::{idle_watch, tick_loop, warm_reports};
use feed::{publish_users, subscribe};
use limits::{InFlight, TABLE_LOADING};
use socket::{bind, file_id, open_store};
use status::status;

use std::collections::HashMap;
use std::io::{BufReader, BufWriter};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::io::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::api::local::{handle, session_for};
use crate::api::wire::{read_frame, write_frame, Frame, Hello, Request, Response};
use crate::api::{ApiError, ErrorKind, Session};
use crate::store::Store;

/// Where the server of the database `db` listens, keeps its pid and logs: beside
/// the database, named with the protocol so that a client never reaches a server
/// of another protocol.
#[derive(Debug, Clone)]
pub struct Paths {
    pub socket: PathBuf,
    pub lock: PathBuf,
    pub pid: PathBuf,
    pub log: PathBuf,
}

impl Paths {
    pub fn of(db: &Path) -> Paths {
        let name = db
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "db".into());
        let dir = db.parent().unwrap_or(Path::new("."));
        let v = crate::api::wire::PROTOCOL;
        Paths {
            socket: dir.join(format!("{name}.crm-v{v}.sock")),
            lock: dir.join(format!("{name}.crm-v{v}.lock")),
            pid: dir.join(format!("{name}.crm-v{v}.pid")),
            log: dir.join(format!("{name}.crm-server.log")),
        }
    }
}

/// Maps a connection's peer uid to the uid it is taken for (tests simulate other
/// users at the peer-credential layer).
pub type PeerMap = Arc<dyn Fn(u32) -> u32 + Send + Sync>;

/// How a server runs.
#[derive(Clone)]
pub struct Config {
    pub db: PathBuf,
    /// Members of this group may connect besides the owner.
    pub group: Option<String>,
    /// Leave after this long without clients (auto-started servers).
    pub idle_exit: Option<Duration>,
    pub peer_map: Option<PeerMap>,
    /// Log every change with its user (off for tests and the bench's load).
    pub log_changes: bool,
    /// Run the event rules' date and schedule triggers once a minute (off where a
    /// test drives the tick itself, with its own clock).
    pub ticks: bool,
    /// Open with damaged snapshot and blob files set aside (`crm check --repair`).
    pub repair: bool,
}

impl Config {
    /// A server of `db` for its owner alone, staying up, logging no changes (tests
    /// and the bench start these in their own process).
    pub fn quiet(db: &Path) -> Config {
        Config {
            db: db.to_path_buf(),
            group: None,
            idle_exit: None,
            peer_map: None,
            log_changes: false,
            ticks: true,
            repair: false,
        }
    }
}

struct Shared {
    store: Arc<Store>,
    shared: crate::api::state::Shared,
    owner: u32,
    group: Option<u32>,
    group_name: Option<String>,
    peer_map: Option<PeerMap>,
    started: Instant,
    requests: AtomicU64,
    /// Connection id → user name.
    sessions: Mutex<HashMap<u64, String>>,
    /// Connection id → its socket, to close every connection when the server stops.
    conns: Mutex<HashMap<u64, UnixStream>>,
    last_active: Mutex<Instant>,
    idle_exit: Option<Duration>,
    log_changes: bool,
    stop: AtomicBool,
    paths: Paths,
    /// The listening socket, shut down to wake the accept loop on stop.
    listen_fd: i32,
    /// The socket file as bound (device, inode): on stop it is removed only if
    /// it is still this server's, not a successor's on the same path.
    socket_id: Option<(u64, u64)>,
}

/// A server running in this process's threads.
pub struct Server {
    shared: Arc<Shared>,
    accept: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Opens the database, binds its socket (replacing a stale one) and starts
    /// accepting. Fails when another server serves the database.
    pub fn start(config: Config) -> anyhow::Result<Server> {
        // Many short-lived request threads would each get a malloc arena of their
        // own, and memory freed in one is not reused by the others.
        // SAFETY: mallopt only tunes this process's allocator.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, 2) };
        // Every file the server creates holds customer data — sled's blobs too,
        // which it makes as it goes: only the owner reads them, whatever the umask.
        // SAFETY: umask only changes this process's file creation mask.
        unsafe { libc::umask(0o077) };
        if let Some(name) = &config.group {
            if peer::group_id(name).is_none() {
                anyhow::bail!(
                    "no group '{name}' on this system; create it or pass another --group"
                );
            }
        }
        let paths = Paths::of(&config.db);
        if UnixStream::connect(&paths.socket).is_ok() {
            let pid = std::fs::read_to_string(&paths.pid).unwrap_or_default();
            anyhow::bail!(
                "a server already serves {} (pid {}); `crm server stop` stops it",
                config.db.display(),
                pid.trim()
            );
        }
        // The store first: sled's lock makes a second server on the same database
        // fail here, before it touches the first one's socket.
        let store = open_store(&config.db, config.repair)?;
        for line in store.set_aside() {
            log(&line);
        }
        crate::query::saved::ensure_preconfigured(&store)?;
        crate::ops::events::ensure_shipped(&store)?;
        Server::start_on(Arc::new(store), config)
    }

    /// Serves a store this process opened already (tests keep it to look at).
    pub fn start_on(store: Arc<Store>, config: Config) -> anyhow::Result<Server> {
        let paths = Paths::of(&config.db);
        let group = match &config.group {
            Some(name) => Some(peer::group_id(name).ok_or_else(|| {
                anyhow::anyhow!(
                    "no group '{name}' on this system; create it or pass another --group"
                )
            })?),
            None => None,
        };
        let listener = bind(&paths.socket)?;
        if let Some(gid) = group {
            let c = std::ffi::CString::new(paths.socket.as_os_str().as_encoded_bytes())?;
            // SAFETY: `c` is a valid NUL-terminated path; -1 keeps the owner.
            unsafe { libc::chown(c.as_ptr(), u32::MAX, gid) };
            std::fs::set_permissions(&paths.socket, std::fs::Permissions::from_mode(0o660))?;
        }
        std::fs::write(&paths.pid, std::process::id().to_string())?;
        std::fs::set_permissions(&paths.pid, std::fs::Permissions::from_mode(0o600))?;
        let socket_id = file_id(&paths.socket);
        let shared = Arc::new(Shared {
            store,
            shared: Default::default(),
            owner: peer::current_uid(),
            group,
            group_name: config.group.clone(),
            peer_map: config.peer_map.clone(),
            started: Instant::now(),
            requests: AtomicU64::new(0),
            sessions: Mutex::new(HashMap::new()),
            conns: Mutex::new(HashMap::new()),
            last_active: Mutex::new(Instant::now()),
            idle_exit: config.idle_exit,
            log_changes: config.log_changes,
            stop: AtomicBool::new(false),
            paths,
            listen_fd: listener.as_raw_fd(),
            socket_id,
        });
        log(&format!(
            "serving {} on {} (pid {})",
            config.db.display(),
            shared.paths.socket.display(),
            std::process::id()
        ));
        let s = Arc::clone(&shared);
        let accept = std::thread::spawn(move || accept_loop(listener, s));
        if let Some(idle) = config.idle_exit {
            let s = Arc::clone(&shared);
            std::thread::spawn(move || idle_watch(s, idle));
        }
        if config.ticks {
            let s = Arc::clone(&shared);
            std::thread::spawn(move || tick_loop(s));
        }
        let s = Arc::clone(&shared);
        std::thread::spawn(move || warm_reports(s));
        Ok(Server {
            shared,
            accept: Some(accept),
        })
    }

    pub fn socket(&self) -> &Path {
        &self.shared.paths.socket
    }

    /// Runs until stopped (`crm server stop`, idle exit, SIGTERM/SIGINT).
    pub fn wait(mut self) {
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        self.finish();
    }

    /// Stops accepting, then closes the database.
    pub fn stop(mut self) {
        request_stop(&self.shared);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        self.finish();
    }

    /// Closes every connection and waits for the requests in flight (a bulk load
    /// runs to its end), so that no thread of this server serves on, nor keeps the
    /// database open, once it has stopped.
    fn finish(&self) {
        let conns =
            std::mem::take(&mut *self.shared.conns.lock().unwrap_or_else(|e| e.into_inner()));
        for stream in conns.values() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        while Arc::strong_count(&self.shared) > 1 {
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.shared.store.flush();
        // A server started on the same path meanwhile keeps its socket and pid file.
        if self.shared.socket_id.is_some()
            && file_id(&self.shared.paths.socket) == self.shared.socket_id
        {
            let _ = std::fs::remove_file(&self.shared.paths.socket);
        }
        let ours = std::fs::read_to_string(&self.shared.paths.pid)
            .is_ok_and(|p| p.trim() == std::process::id().to_string());
        if ours {
            let _ = std::fs::remove_file(&self.shared.paths.pid);
        }
        log("stopped");
    }
}

/// Asks a server in this process to stop (from a signal handler thread). It does
/// not keep the server alive: stopping waits for every other holder of its state.
pub fn stop_handle(server: &Server) -> impl Fn() + Send + 'static {
    let s = Arc::downgrade(&server.shared);
    move || {
        if let Some(s) = s.upgrade() {
            request_stop(&s)
        }
    }
}

fn log(line: &str) {
    // A full disk must not turn a log line into a panic.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "{} crm serve: {line}",
        chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
    );
}

fn request_stop(s: &Shared) {
    if !s.stop.swap(true, Ordering::SeqCst) {
        // Wakes the accept loop, even when the socket file is gone.
        // SAFETY: the listener lives until the accept loop ends, which this wakes.
        unsafe { libc::shutdown(s.listen_fd, libc::SHUT_RDWR) };
    }
}

fn accept_loop(listener: UnixListener, s: Arc<Shared>) {
    let mut next_id = 0u64;
    for stream in listener.incoming() {
        if s.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        next_id += 1;
        let Ok(handle) = stream.try_clone() else {
            continue;
        };
        s.conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(next_id, handle);
        let (id, s) = (next_id, Arc::clone(&s));
        std::thread::spawn(move || connection(stream, id, s));
    }
}

/// The session of a connecting peer, or why it is refused.
fn admit(s: &Shared, stream: &UnixStream) -> Result<Session, ApiError> {
    let real = peer::peer_uid(stream)
        .map_err(|e| ApiError::denied(format!("cannot tell who is connecting: {e}")))?;
    let uid = s.peer_map.as_ref().map_or(real, |m| m(real));
    let user = peer::user_name(uid).unwrap_or_else(|| format!("uid {uid}"));
    let member = s.group.is_some_and(|g| peer::in_group(uid, g));
    if uid != s.owner && !member {
        let owner = peer::user_name(s.owner).unwrap_or_else(|| format!("uid {}", s.owner));
        return Err(ApiError::denied(match &s.group_name {
            Some(g) => format!(
                "user {user} may not use this database: only {owner} and members of group {g} may"
            ),
            None => format!(
                "user {user} may not use this database: only its owner {owner} may (a team host runs `crm serve --group NAME`)"
            ),
        }));
    }
    session_for(&s.store, uid, &user, uid == s.owner)
}

fn connection(stream: UnixStream, id: u64, s: Arc<Shared>) {
    serve_connection(stream, id, &s);
    s.conns
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&id);
    let was_session = s.sessions.lock().is_ok_and(|mut m| m.remove(&id).is_some());
    if was_session {
        publish_users(&s);
    }
    if let Ok(mut t) = s.last_active.lock() {
        *t = Instant::now();
    }
}

fn serve_connection(stream: UnixStream, id: u64, s: &Arc<Shared>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let writer = Arc::new(Mutex::new(BufWriter::new(stream)));
    let hello: Hello = match read_frame(&mut reader) {
        Ok(h) => h,
        Err(_) => return, // not a client of ours, or the server's own wake-up
    };
    let ours = Hello::ours();
    let welcome = if hello.protocol != ours.protocol || hello.schema != ours.schema {
        Err(ApiError::new(
            ErrorKind::Incompatible,
            format!(
                "this client is crm {} (protocol {}), the server is crm {} (protocol {}){}; \
                 restart the server with the same crm (`crm server stop`)",
                crate::util::excerpt(&hello.version),
                hello.protocol,
                ours.version,
                ours.protocol,
                if hello.protocol == ours.protocol {
                    ", with another schema"
                } else {
                    ""
                }
            ),
        ))
    } else {
        admit(s, reader.get_ref())
    };
    let session = welcome.clone().ok();
    // Counted before it is welcomed: its first request may ask who is connected.
    if let (Some(session), Ok(mut m)) = (&session, s.sessions.lock()) {
        m.insert(id, session.user.clone());
    }
    {
        let mut w = writer.lock().unwrap_or_else(|e| e.into_inner());
        if write_frame(&mut *w, &Frame::Welcome(welcome)).is_err() {
            return;
        }
    }
    let Some(session) = session else { return };
    publish_users(s);
    let _ = reader.get_ref().set_read_timeout(None);
    let _ = writer
        .lock()
        .map(|w| w.get_ref().set_write_timeout(Some(Duration::from_secs(30))));
    let in_flight = Arc::new(InFlight::default());
    let mut uploads = stream::Uploads::new();
    loop {
        let frame: Frame = match read_frame(&mut reader) {
            Ok(f) => f,
            Err(e) => {
                if e.kind() == std::io::ErrorKind::InvalidData {
                    log(&format!("connection {id} ({}): {e}; closed", session.user));
                }
                break;
            }
        };
        if let Frame::Data { id, bytes } = frame {
            stream::deliver(&mut uploads, id, bytes.0);
            continue;
        }
        let Frame::Call { id: call, request } = frame else {
            log(&format!(
                "connection {id} ({}): not a request; closed",
                session.user
            ));
            break;
        };
        s.requests.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut t) = s.last_active.lock() {
            *t = Instant::now();
        }
        if matches!(request, Request::Subscribe) {
            subscribe(s, id, &session.user, &writer);
            // The new subscriber hears at once who is connected.
            publish_users(s);
            send(
                &writer,
                &Frame::Reply {
                    id: call,
                    result: Ok(Response::Done),
                },
            );
            continue;
        }
        // A client that sends without waiting for replies gets at most this many
        // served at once; it waits, the others do not.
        in_flight.acquire();
        let (s2, w2, sess) = (Arc::clone(s), Arc::clone(&writer), session.clone());
        let done = Arc::clone(&in_flight);
        let upload = matches!(request, Request::RestoreBackup { .. })
            .then(|| stream::open(&mut uploads, call));
        std::thread::spawn(move || {
            serve_call(&s2, &sess, call, request, &w2, upload);
            done.release();
        });
    }
}

type Writer = Mutex<BufWriter<UnixStream>>;

/// Sends a frame; false when the client left or stalls (its connection is then
/// closed, so that its reader ends).
fn send(writer: &Writer, frame: &Frame) -> bool {
    let mut w = writer.lock().unwrap_or_else(|e| e.into_inner());
    if write_frame(&mut *w, frame).is_err() {
        let _ = w.get_ref().shutdown(std::net::Shutdown::Both);
        return false;
    }
    true
}

fn serve_call(
    s: &Shared,
    session: &Session,
    id: u64,
    request: Request,
    writer: &Writer,
    upload: Option<stream::Upload>,
) {
    // A first screen's few rows never wait behind other TUIs' whole-mask loads.
    let heavy = matches!(request, Request::MaskRows { limit, .. } if limit > 1_000);
    if heavy {
        TABLE_LOADING.acquire();
    }
    serve_one(s, session, id, request, writer, upload);
    if heavy {
        TABLE_LOADING.release();
    }
}

fn serve_one(
    s: &Shared,
    session: &Session,
    id: u64,
    request: Request,
    writer: &Writer,
    mut upload: Option<stream::Upload>,
) {
    let result = match request {
        Request::ServerStatus => Ok(Response::Status(status(s))),
        Request::ServerStop => match crate::api::local::authorize(session, &Request::ServerStop) {
            Ok(()) => {
                log(&format!("stop asked by {}", session.user));
                send(
                    writer,
                    &Frame::Reply {
                        id,
                        result: Ok(Response::Done),
                    },
                );
                request_stop(s);
                return;
            }
            Err(e) => Err(e),
        },
        request => {
            let writes = request.writes();
            let shown = request.summary();
            let last = Mutex::new(Instant::now());
            let progress = |done: usize| {
                let mut t = last.lock().unwrap_or_else(|e| e.into_inner());
                if t.elapsed() >= Duration::from_millis(100) {
                    *t = Instant::now();
                    // A client that went away (ctrl-c) gives its request up.
                    if !send(writer, &Frame::Progress { id, done }) {
                        crate::api::state::cancel_request();
                    }
                }
            };
            crate::api::state::begin_request();
            let mut download =
                matches!(request, Request::Backup).then(|| stream::Download::new(writer, id));
            let run = std::panic::AssertUnwindSafe(|| {
                let data = crate::api::stream::Stream {
                    input: upload.as_mut().map(|u| u as &mut dyn std::io::Read),
                    output: download.as_mut().map(|d| d as &mut dyn std::io::Write),
                };
                handle(&s.store, session, &s.shared, request, &progress, data)
            });
            match std::panic::catch_unwind(run) {
                // Every change is logged with the user who made it.
                Ok(r) if writes && s.log_changes => {
                    match &r {
                        Ok(_) => log(&format!("{}: {shown}", session.user)),
                        Err(e) => log(&format!("{}: {shown} refused: {e}", session.user)),
                    }
                    r
                }
                Ok(r) => r,
                Err(p) => {
                    let what = p
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    log(&format!(
                        "internal error serving {} ({shown}): {what}",
                        session.user
                    ));
                    Err(ApiError::new(
                        ErrorKind::Store,
                        "internal error in the server while serving this request (it is logged); nothing was changed half-way, please report it",
                    ))
                }
            }
        }
    };
    // A repair that must rewrite damaged trees needs the database opened anew.
    let reopen = matches!(&result, Ok(Response::Audit(a)) if a.reopen);
    send(writer, &Frame::Reply { id, result });
    if reopen {
        log("stopping: the repair needs the database opened anew");
        request_stop(s);
    }
}
