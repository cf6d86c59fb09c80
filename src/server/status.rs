//! What `crm server status` shows: pid, uptime, database, users, requests.

use std::sync::atomic::Ordering;

use super::Shared;
use crate::api::wire::ServerStatus;

pub(super) fn status(s: &Shared) -> ServerStatus {
    let sessions = s.sessions.lock().map(|m| m.clone()).unwrap_or_default();
    let mut users: Vec<String> = sessions.values().cloned().collect();
    users.sort();
    users.dedup();
    ServerStatus {
        pid: std::process::id(),
        uptime_secs: s.started.elapsed().as_secs(),
        database: s.store.path().display().to_string(),
        users,
        connections: sessions.len(),
        requests: s.requests.load(Ordering::Relaxed),
        idle_exit_secs: s.idle_exit.map(|d| d.as_secs()),
    }
}
