//! The change feed on the server's side: every subscribed connection gets each
//! commit's changes and the count of who is connected, from a thread of its own.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::{send, Shared, Writer};
use crate::api::wire::{Frame, Push};

/// Tells every subscribed session how many users and sessions are connected.
pub(super) fn publish_users(s: &Shared) {
    let sessions = s.sessions.lock().map(|m| m.clone()).unwrap_or_default();
    let mut users: Vec<&String> = sessions.values().collect();
    users.sort();
    users.dedup();
    s.shared.publish(Push::Users {
        users: users.len(),
        sessions: sessions.len(),
    });
}

/// Pushes every commit's changes to connection `id` until it closes; a session
/// that does not keep up is told to resync and never holds up the others.
pub(super) fn subscribe(s: &Arc<Shared>, id: u64, user: &str, writer: &Arc<Writer>) {
    let feed = s.shared.subscribe(user);
    let (s, writer) = (Arc::clone(s), Arc::clone(writer));
    std::thread::spawn(move || loop {
        let open = s.conns.lock().map(|c| c.contains_key(&id)).unwrap_or(false);
        if !open || s.stop.load(Ordering::SeqCst) {
            return;
        }
        let Some(push) = feed.next(Duration::from_millis(500)) else {
            continue;
        };
        if !send(&writer, &Frame::Push(push)) {
            return;
        }
    });
}
