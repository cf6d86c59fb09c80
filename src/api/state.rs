//! What the operations share across every session's requests: the write lock that
//! makes each workflow one step, a count of the writes so far, and the alerts,
//! computed once for all who ask at the same time. Alerts read five whole entities
//! (seconds on a million records), so a home pane opened by twenty users at once
//! must not cost twenty such reads. A user always sees their own writes in their
//! alerts; other users' writes show within `SHARED_FOR`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::api::wire::Push;
use crate::api::{ApiError, Result};
use crate::ops::alerts::Alert;
use crate::ops::events::RuleSet;
use crate::store::Store;

/// How long a list of alerts serves other users after a write it does not show.
pub const SHARED_FOR: Duration = Duration::from_secs(1);

/// One computed list of alerts.
struct Computed {
    started: Instant,
    /// The writes counted when it started.
    writes: u64,
    alerts: Arc<Vec<Alert>>,
}

/// State shared by the requests of every session on one store.
#[derive(Default)]
pub struct Shared {
    write: Mutex<()>,
    writes: AtomicU64,
    alerts: Mutex<HashMap<(Option<String>, NaiveDate), Computed>>,
    /// One alerts computation at a time; the others wait for its result.
    computing: Mutex<()>,
    /// When each user (uid) last wrote.
    last_write: Mutex<HashMap<u32, Instant>>,
    /// The count of writes the last flush made durable.
    flushed: Mutex<u64>,
    /// The sessions that hear every commit.
    feed: Mutex<Vec<Subscriber>>,
    /// The event rules in force, read again after a commit that changes one.
    rules: Mutex<Option<Arc<RuleSet>>>,
}

/// Pushes a session may fall behind by before it is told to resync instead.
pub const FEED_DEPTH: usize = 1024;

struct Subscriber {
    /// The OS user the session is for: pushes meant for one user reach only theirs.
    user: String,
    tx: SyncSender<Push>,
    behind: Arc<AtomicBool>,
}

/// A session's end of the change feed.
pub struct Feed {
    pub rx: Receiver<Push>,
    /// Set when pushes were dropped because the session did not keep up: it
    /// should reload rather than apply the pushes that follow one by one.
    pub behind: Arc<AtomicBool>,
}

impl Feed {
    /// The next push, waiting at most `timeout`; a session that fell behind gets
    /// one `Resync` (and the pushes queued before it are dropped).
    pub fn next(&self, timeout: Duration) -> Option<Push> {
        let push = self.rx.recv_timeout(timeout).ok()?;
        if self.behind.swap(false, Ordering::SeqCst) {
            while self.rx.try_recv().is_ok() {}
            return Some(Push::Resync);
        }
        Some(push)
    }
}

impl Shared {
    /// The lock a writing request holds.
    pub fn write_lock(&self) -> MutexGuard<'_, ()> {
        self.write.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a write of user `uid` (after it committed): cached alerts older than
    /// it are stale for that user at once, and for the others after `SHARED_FOR`.
    /// Returns the write's number, for `flush_after`.
    pub fn wrote(&self, uid: u32) -> u64 {
        let n = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(mut m) = self.last_write.lock() {
            m.insert(uid, Instant::now());
        }
        n
    }

    /// Makes write number `n` durable. Group commit: one flush covers every write
    /// counted before it began, so writers that queue behind a flush find their
    /// write already on disk and return without one of their own.
    pub fn flush_after(&self, store: &Store, n: u64) -> Result<()> {
        let mut flushed = self.flushed.lock().unwrap_or_else(|e| e.into_inner());
        if *flushed >= n {
            return Ok(());
        }
        // Every write counted so far has reached sled before it was counted.
        let upto = self.writes.load(Ordering::SeqCst);
        store.flush().map_err(ApiError::from)?;
        *flushed = upto;
        Ok(())
    }

    /// The alerts of `salesperson` (None: everyone's) on `today` for user `uid`:
    /// a list computed after this call began, or since the last write, or — when
    /// the writes since were other users' — within `SHARED_FOR`.
    pub fn alerts(
        &self,
        store: &Store,
        uid: u32,
        salesperson: Option<&str>,
        today: NaiveDate,
    ) -> Result<Arc<Vec<Alert>>> {
        let asked = Instant::now();
        let key = (salesperson.map(str::to_string), today);
        let mine = self
            .last_write
            .lock()
            .ok()
            .and_then(|m| m.get(&uid).copied());
        let fresh = |map: &HashMap<_, Computed>, writes: u64| {
            map.get(&key)
                .filter(|c| {
                    c.started >= asked
                        || c.writes == writes
                        || (c.started.elapsed() < SHARED_FOR && mine.is_none_or(|w| c.started >= w))
                })
                .map(|c| Arc::clone(&c.alerts))
        };
        let writes = self.writes.load(Ordering::SeqCst);
        if let Some(a) = fresh(&self.lock_alerts(), writes) {
            return Ok(a);
        }
        let _one = self.computing.lock().unwrap_or_else(|e| e.into_inner());
        // Someone may have computed it while this caller waited.
        let writes = self.writes.load(Ordering::SeqCst);
        if let Some(a) = fresh(&self.lock_alerts(), writes) {
            return Ok(a);
        }
        let started = Instant::now();
        let rules = self.rules(store)?;
        let alerts = Arc::new(
            crate::ops::alerts::alerts(store, &rules, salesperson, today)
                .map_err(ApiError::from)?,
        );
        self.lock_alerts().insert(
            key.clone(),
            Computed {
                started,
                writes,
                alerts: Arc::clone(&alerts),
            },
        );
        Ok(alerts)
    }

    /// The event rules in force (read from the store the first time, and after
    /// `forget_rules`).
    pub fn rules(&self, store: &Store) -> Result<Arc<RuleSet>> {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = rules.as_ref() {
            return Ok(Arc::clone(r));
        }
        let loaded = Arc::new(crate::ops::events::load(store).map_err(ApiError::from)?);
        *rules = Some(Arc::clone(&loaded));
        Ok(loaded)
    }

    /// A commit changed the rules: the next request reads them again.
    pub fn forget_rules(&self) {
        *self.rules.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// A new session's end of the change feed, for OS user `user`.
    pub fn subscribe(&self, user: &str) -> Feed {
        let (tx, rx) = sync_channel(FEED_DEPTH);
        let behind = Arc::new(AtomicBool::new(false));
        self.feed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Subscriber {
                user: user.to_string(),
                tx,
                behind: Arc::clone(&behind),
            });
        Feed { rx, behind }
    }

    /// Tells every subscribed session; one that does not keep up is marked behind
    /// and never slows the others; one that left is forgotten.
    pub fn publish(&self, push: Push) {
        self.publish_where(push, |_| true);
    }

    /// Tells the sessions of OS user `user` alone.
    pub fn publish_to(&self, user: &str, push: Push) {
        self.publish_where(push, |s| s.user == user);
    }

    fn publish_where(&self, push: Push, to: impl Fn(&Subscriber) -> bool) {
        let mut feed = self.feed.lock().unwrap_or_else(|e| e.into_inner());
        feed.retain(|s| {
            if !to(s) {
                return true;
            }
            match s.tx.try_send(push.clone()) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => {
                    s.behind.store(true, Ordering::SeqCst);
                    true
                }
                Err(TrySendError::Disconnected(_)) => false,
            }
        });
    }

    fn lock_alerts(&self) -> MutexGuard<'_, HashMap<(Option<String>, NaiveDate), Computed>> {
        self.alerts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(id: u64) -> Push {
        Push::Changes(crate::api::wire::ChangeNote {
            id,
            at_ms: 0,
            user: "anja".into(),
            via: "Save".into(),
            items: Vec::new(),
            more: Vec::new(),
        })
    }

    #[test]
    fn a_session_that_falls_behind_is_told_to_resync_and_holds_up_nobody() {
        let shared = Shared::default();
        let stalled = shared.subscribe("u");
        let keeping_up = shared.subscribe("u");
        let started = Instant::now();
        for id in 0..(FEED_DEPTH as u64 + 50) {
            shared.publish(note(id));
            // The other session reads as it goes.
            assert_eq!(keeping_up.next(Duration::ZERO), Some(note(id)));
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "publishing never waits"
        );
        // The stalled one gets one Resync instead of what it missed, then goes on.
        assert_eq!(stalled.next(Duration::ZERO), Some(Push::Resync));
        assert_eq!(stalled.next(Duration::ZERO), None);
        shared.publish(note(9999));
        assert_eq!(stalled.next(Duration::ZERO), Some(note(9999)));
        // A session that left is dropped from the feed.
        drop(stalled);
        shared.publish(note(10_000));
        assert_eq!(shared.feed.lock().unwrap().len(), 1);
    }
    use crate::model::{Entity, OpportunityTask};

    #[test]
    fn alerts_are_read_again_after_a_write_and_shared_until_then() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .bulk_insert(crate::demo::generate(2000, 1), |_| {})
            .unwrap();
        crate::ops::events::ensure_shipped(&store).unwrap();
        let shared = Shared::default();
        let today = crate::model::value::today();
        let first = Instant::now();
        let a = shared.alerts(&store, 1, None, today).unwrap();
        let b = shared.alerts(&store, 2, None, today).unwrap();
        assert!(Arc::ptr_eq(&a, &b), "no write in between: one computation");
        let task = a
            .iter()
            .find(|x| x.entity == OpportunityTask::DEF.name)
            .expect("a past-due task in the demo data")
            .key
            .clone();
        let mut t = store.fetch_as::<OpportunityTask>(&task).unwrap();
        t.status = "done".into();
        store.update(Box::new(t)).unwrap();
        shared.wrote(1);
        let other = shared.alerts(&store, 2, None, today).unwrap();
        if first.elapsed() < SHARED_FOR / 2 {
            assert!(
                Arc::ptr_eq(&a, &other),
                "another user's write shows a moment later"
            );
        }
        let c = shared.alerts(&store, 1, None, today).unwrap();
        assert!(
            !Arc::ptr_eq(&a, &c),
            "the writer sees their own write at once"
        );
        assert!(c.iter().all(|x| x.key != task), "the done task is gone");
    }
}

thread_local! {
    /// The request this thread serves was given up by its client (it went away).
    static CANCELLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A new request starts on this thread: not cancelled.
pub fn begin_request() {
    CANCELLED.with(|c| c.set(false));
}

/// The client of this thread's request went away (its progress could not be sent).
pub fn cancel_request() {
    CANCELLED.with(|c| c.set(true));
}

/// Whether this thread's request was given up; a long write checks it between
/// its steps and takes back what it wrote.
pub fn request_cancelled() -> bool {
    CANCELLED.with(|c| c.get())
}
