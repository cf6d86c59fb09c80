//! The server's background threads: the idle watch of an auto-started server,
//! and the minute tick of the event rules' date and schedule triggers.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::{log, peer, request_stop, Shared};
use crate::api::Session;

pub(super) fn idle_watch(s: Arc<Shared>, idle: Duration) {
    while !s.stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(200).min(idle));
        if !s.store.path().exists() {
            log("the database directory is gone; leaving");
            request_stop(&s);
            break;
        }
        let empty = s.sessions.lock().map(|m| m.is_empty()).unwrap_or(false);
        let quiet = s
            .last_active
            .lock()
            .map(|t| t.elapsed() >= idle)
            .unwrap_or(false);
        if empty && quiet {
            log(&format!("no clients for {} s; leaving", idle.as_secs()));
            request_stop(&s);
        }
    }
}

/// Runs the date and schedule rules once a minute (and once at start, which
/// catches up on what was due while the server was down).
pub(super) fn tick_loop(s: Arc<Shared>) {
    let user = peer::user_name(s.owner).unwrap_or_else(|| "server".into());
    let session = Session {
        uid: s.owner,
        user,
        salesperson: None,
        role: crate::api::Role::Admin,
    };
    let mut last = None;
    while !s.stop.load(Ordering::SeqCst) {
        let now = chrono::Local::now().naive_local();
        let minute = now.format("%Y-%m-%d %H:%M").to_string();
        if last.as_ref() != Some(&minute) {
            last = Some(minute);
            let run = std::panic::AssertUnwindSafe(|| {
                crate::api::local::tick(&s.store, &s.shared, &session, now)
            });
            match std::panic::catch_unwind(run) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => log(&format!("event rules' tick: {e}")),
                Err(_) => log("event rules' tick: internal error; the next tick tries again"),
            }
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Builds the names tables show and the report projections, so that the first
/// table, board or chart a user opens does not wait for them.
pub(super) fn warm_reports(s: Arc<Shared>) {
    let run = std::panic::AssertUnwindSafe(|| crate::api::local::warm_reports(&s.store));
    match std::panic::catch_unwind(run) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => log(&format!("report projections: {e}")),
        Err(_) => log("report projections: internal error; the first report builds them"),
    }
}
