//! The client side of the socket: one connection per process, shared by all its
//! threads. Requests carry ids and a reader thread hands each reply to its caller,
//! so a long request (a bulk load) does not hold up a quick one. When the server
//! goes away, calls fail with "server stopped — reconnecting" and the next call
//! connects again (starting a server if none runs).

use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Sender, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use super::state::{Feed, FEED_DEPTH};
use super::stream::Stream;
use super::wire::{read_frame, write_frame, Frame, Hello, Push, Request, Response};
use super::{ApiError, ErrorKind, Result, Session, Transport};

/// The message a front end shows while the server is gone.
pub const STOPPED: &str = "server stopped — reconnecting";

/// Where the server is.
#[derive(Debug, Clone)]
pub enum Target {
    /// The server of this database on this host, started when none runs.
    Local(PathBuf),
    /// The server of this database on this host if one runs; none is started.
    Running(PathBuf),
    /// `ssh DEST crm proxy [--db PATH]`: the team's server on another host.
    Ssh { dest: String, db: Option<PathBuf> },
}

type Pending = Arc<Mutex<HashMap<u64, Sender<Frame>>>>;

/// Where the reader thread hands the server's pushes: the subscribed session's
/// queue and its "fell behind" flag (kept across reconnects).
type Pushes = Arc<Mutex<Option<(SyncSender<Push>, Arc<AtomicBool>)>>>;

struct Conn {
    writer: Mutex<Box<dyn Write + Send>>,
    pending: Pending,
    next: AtomicU64,
    alive: Arc<AtomicBool>,
    /// The ssh process of a remote connection, ended with the connection.
    child: Mutex<Option<Child>>,
    /// The socket of a local connection, shut down with the connection (the reader
    /// thread holds a clone of it, which alone would keep it open).
    socket: Option<std::os::unix::net::UnixStream>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(s) = &self.socket {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        if let Ok(Some(mut c)) = self.child.lock().map(|mut c| c.take()) {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A connection to the server, reconnecting on demand.
pub struct Remote {
    target: Target,
    conn: Mutex<Option<Arc<Conn>>>,
    session: Mutex<Session>,
    pushes: Pushes,
}

fn unavailable(e: impl std::fmt::Display) -> ApiError {
    ApiError::unavailable(format!("{STOPPED} ({e})"))
}

impl Remote {
    /// Connects (starting a server for a local database when none runs).
    pub fn connect(target: Target) -> anyhow::Result<Remote> {
        let pushes: Pushes = Arc::default();
        let (conn, session) = open(&target, &pushes)?;
        Ok(Remote {
            target,
            conn: Mutex::new(Some(conn)),
            session: Mutex::new(session),
            pushes,
        })
    }

    /// A client over this connection.
    pub fn client(target: Target) -> anyhow::Result<super::Client> {
        Ok(super::Client::new(Arc::new(Remote::connect(target)?)))
    }

    fn conn(&self) -> Result<Arc<Conn>> {
        let mut guard = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = guard.as_ref().filter(|c| c.alive.load(Ordering::SeqCst)) {
            return Ok(Arc::clone(c));
        }
        *guard = None;
        // A refusal in the handshake keeps its kind (denied, incompatible); any
        // other failure to connect means the server is away.
        let (conn, session) =
            open(&self.target, &self.pushes).map_err(|e| match e.downcast::<ApiError>() {
                Ok(refused) => refused,
                Err(e) => unavailable(format!("{e:#}")),
            })?;
        *self.session.lock().unwrap_or_else(|e| e.into_inner()) = session;
        *guard = Some(Arc::clone(&conn));
        // A subscribed session subscribes again on the new connection, and reloads:
        // it missed what changed while it was away.
        if let Some((tx, _)) = self
            .pushes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let id = conn.next.fetch_add(1, Ordering::Relaxed);
            let mut w = conn.writer.lock().unwrap_or_else(|e| e.into_inner());
            let _ = write_frame(
                &mut *w,
                &Frame::Call {
                    id,
                    request: Request::Subscribe,
                },
            );
            let _ = tx.try_send(Push::Resync);
        }
        Ok(conn)
    }
}

/// Opens a connection and performs the handshake.
fn open(target: &Target, pushes: &Pushes) -> anyhow::Result<(Arc<Conn>, Session)> {
    let mut socket = None;
    let (reader, writer, child): (Box<dyn Read + Send>, Box<dyn Write + Send>, Option<Child>) =
        match target {
            Target::Running(db) => {
                let socket_path = crate::server::Paths::of(db).socket;
                let stream = std::os::unix::net::UnixStream::connect(&socket_path)
                    .map_err(|_| anyhow::anyhow!("no server runs for {}", db.display()))?;
                let r = stream.try_clone()?;
                socket = Some(stream.try_clone()?);
                (Box::new(r), Box::new(stream), None)
            }
            Target::Local(db) => {
                let stream = crate::server::spawn::connect_or_start(db)?;
                let r = stream.try_clone()?;
                socket = Some(stream.try_clone()?);
                (Box::new(r), Box::new(stream), None)
            }
            Target::Ssh { dest, db } => {
                // CRM_SSH names another ssh (a wrapper with options, or a test's stand-in).
                let ssh = std::env::var("CRM_SSH").unwrap_or_else(|_| "ssh".into());
                let mut cmd = Command::new(ssh);
                cmd.arg("-T").arg(dest).arg("crm").arg("proxy");
                if let Some(db) = db {
                    cmd.arg("--db").arg(db);
                }
                let mut child = cmd
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::inherit())
                    .spawn()
                    .map_err(|e| anyhow::anyhow!("cannot run ssh {dest}: {e}"))?;
                let out = child.stdout.take().expect("piped");
                let inp = child.stdin.take().expect("piped");
                (Box::new(out), Box::new(inp), Some(child))
            }
        };
    let mut reader = BufReader::new(reader);
    let mut writer: Box<dyn Write + Send> = Box::new(BufWriter::new(writer));
    write_frame(&mut writer, &Hello::ours())?;
    let welcome: Frame = read_frame(&mut reader).map_err(|e| {
        anyhow::anyhow!("the server did not answer the handshake ({e}); it may be of another crm version — `crm server stop` and try again")
    })?;
    let session = match welcome {
        Frame::Welcome(Ok(s)) => s,
        Frame::Welcome(Err(e)) => return Err(e.into()),
        other => anyhow::bail!("unexpected first message from the server: {other:?}"),
    };
    let pending: Pending = Arc::new(Mutex::new(HashMap::new()));
    let alive = Arc::new(AtomicBool::new(true));
    let (p, a) = (Arc::clone(&pending), Arc::clone(&alive));
    let pushes = Arc::clone(pushes);
    std::thread::spawn(move || {
        loop {
            let frame: Frame = match read_frame(&mut reader) {
                Ok(f) => f,
                Err(_) => break,
            };
            let id = match frame {
                Frame::Progress { id, .. } | Frame::Reply { id, .. } | Frame::Data { id, .. } => id,
                Frame::Push(push) => {
                    if let Some((tx, behind)) =
                        pushes.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
                    {
                        if let Err(TrySendError::Full(_)) = tx.try_send(push) {
                            behind.store(true, Ordering::SeqCst);
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            let done = matches!(frame, Frame::Reply { .. });
            let mut map = p.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(tx) = map.get(&id) {
                let _ = tx.send(frame);
            }
            if done {
                map.remove(&id);
            }
        }
        a.store(false, Ordering::SeqCst);
        // Every waiting caller hears that the server is gone.
        p.lock().unwrap_or_else(|e| e.into_inner()).clear();
    });
    Ok((
        Arc::new(Conn {
            writer: Mutex::new(writer),
            pending,
            next: AtomicU64::new(1),
            alive,
            child: Mutex::new(child),
            socket,
        }),
        session,
    ))
}

/// A piece of a restore's upload.
const PIECE: usize = 256 * 1024;

impl Remote {
    /// Sends a request (and its stream's input), hands progress and the data
    /// pieces of the reply on, and returns the reply.
    fn exchange(
        &self,
        request: Request,
        progress: Option<&dyn Fn(usize)>,
        stream: Stream<'_>,
    ) -> Result<Response> {
        let conn = self.conn()?;
        let id = conn.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = channel();
        conn.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, tx);
        // The reader may have ended (and dropped every waiting sender) before the
        // insert; nobody would answer this call then.
        if !conn.alive.load(Ordering::SeqCst) {
            conn.pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
            return Err(unavailable("the connection closed"));
        }
        let sent = {
            let mut w = conn.writer.lock().unwrap_or_else(|e| e.into_inner());
            write_frame(&mut *w, &Frame::Call { id, request })
        };
        if let Err(e) = sent {
            conn.pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
            if e.kind() == std::io::ErrorKind::InvalidData {
                return Err(ApiError::new(ErrorKind::Protocol, e.to_string()));
            }
            conn.alive.store(false, Ordering::SeqCst);
            return Err(unavailable(e));
        }
        let Stream { input, mut output } = stream;
        let mut early = None;
        if let Some(input) = input {
            early = upload(&conn, id, input, &rx)?;
        }
        let mut frames = early
            .into_iter()
            .map(Ok)
            .chain(std::iter::from_fn(|| Some(rx.recv())));
        loop {
            match frames.next().unwrap_or(Err(std::sync::mpsc::RecvError)) {
                Ok(Frame::Progress { done, .. }) => {
                    if let Some(p) = progress {
                        p(done);
                    }
                }
                Ok(Frame::Data { bytes, .. }) => {
                    if let Some(out) = output.as_mut() {
                        if let Err(e) = out.write_all(&bytes.0) {
                            // The server stops sending when the connection closes.
                            conn.alive.store(false, Ordering::SeqCst);
                            if let Some(s) = &conn.socket {
                                let _ = s.shutdown(std::net::Shutdown::Both);
                            }
                            return Err(ApiError::new(
                                ErrorKind::Refused,
                                format!("cannot write what the server sends: {e}"),
                            ));
                        }
                    }
                }
                Ok(Frame::Reply { result, .. }) => return result,
                Ok(_) => continue,
                Err(_) => return Err(unavailable("the connection closed")),
            }
        }
    }
}

/// Sends `input` as the data pieces of request `id`, then the empty piece that
/// ends it; stops early when the reply comes first (a refusal), returning it.
fn upload(
    conn: &Conn,
    id: u64,
    input: &mut dyn Read,
    rx: &std::sync::mpsc::Receiver<Frame>,
) -> Result<Option<Frame>> {
    let mut buf = vec![0u8; PIECE];
    loop {
        if let Ok(frame) = rx.try_recv() {
            return Ok(Some(frame));
        }
        let n = match input.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(ApiError::new(
                    ErrorKind::Refused,
                    format!("cannot read what is to be sent: {e}"),
                ))
            }
        };
        let piece = Frame::Data {
            id,
            bytes: crate::store::codec::Bytes(buf[..n].to_vec()),
        };
        let sent = {
            let mut w = conn.writer.lock().unwrap_or_else(|e| e.into_inner());
            write_frame(&mut *w, &piece)
        };
        if let Err(e) = sent {
            conn.alive.store(false, Ordering::SeqCst);
            return Err(unavailable(e));
        }
        if n == 0 {
            return Ok(None);
        }
    }
}

impl Transport for Remote {
    fn call(&self, request: Request, progress: Option<&dyn Fn(usize)>) -> Result<Response> {
        self.exchange(request, progress, Stream::none())
    }

    fn call_stream(&self, request: Request, stream: Stream<'_>) -> Result<Response> {
        self.exchange(request, None, stream)
    }

    fn session(&self) -> Session {
        self.session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn subscribe(&self) -> Result<Feed> {
        let (tx, rx) = sync_channel(FEED_DEPTH);
        let behind = Arc::new(AtomicBool::new(false));
        *self.pushes.lock().unwrap_or_else(|e| e.into_inner()) = Some((tx, Arc::clone(&behind)));
        match self.call(Request::Subscribe, None)? {
            Response::Done => Ok(Feed { rx, behind }),
            other => Err(ApiError::protocol(format!(
                "unexpected reply to a subscription: {other:?}"
            ))),
        }
    }

    fn database(&self) -> String {
        match &self.target {
            Target::Local(db) | Target::Running(db) => db.display().to_string(),
            Target::Ssh { dest, db } => match db {
                Some(db) => format!("{dest}:{}", db.display()),
                None => dest.clone(),
            },
        }
    }
}

/// `crm proxy`: bridges stdin and stdout to the server's socket, for
/// `crm --remote` over ssh (ssh authenticates; the server sees this user's uid).
pub fn proxy(db: &std::path::Path) -> anyhow::Result<()> {
    let stream = crate::server::spawn::connect_or_start(db)?;
    let mut up = stream.try_clone()?;
    let mut down = stream;
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin();
        let _ = pump(&mut stdin, &mut up);
        let _ = up.shutdown(std::net::Shutdown::Write);
    });
    let mut out = std::io::stdout();
    let _ = pump(&mut down, &mut out);
    Ok(())
}

/// Copies until the end of `from`, handing on each read at once (a frame must not
/// wait in a buffer for the next one).
fn pump(from: &mut impl Read, to: &mut impl Write) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        to.write_all(&buf[..n])?;
        to.flush()?;
    }
}
