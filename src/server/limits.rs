//! How much the server serves at once: requests per connection, and whole-mask
//! table loads across all connections.

use std::sync::Mutex;

/// Requests of one connection served at the same time, at most.
const IN_FLIGHT: usize = 8;

/// Table loads (a mask's rows, a chunk at a time) served at once, at most: each
/// builds and sends megabytes, and twenty TUIs opening one mask must not hold
/// twenty such chunks in the server's memory together.
const TABLE_LOADS: usize = 2;

/// A counting semaphore: the requests of one connection being served, or the
/// table loads of every connection.
pub(super) struct InFlight {
    max: usize,
    count: Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Default for InFlight {
    fn default() -> Self {
        InFlight::new(IN_FLIGHT)
    }
}

impl InFlight {
    pub(super) const fn new(max: usize) -> InFlight {
        InFlight {
            max,
            count: Mutex::new(0),
            freed: std::sync::Condvar::new(),
        }
    }

    pub(super) fn acquire(&self) {
        let mut n = self.count.lock().unwrap_or_else(|e| e.into_inner());
        while *n >= self.max {
            n = self.freed.wait(n).unwrap_or_else(|e| e.into_inner());
        }
        *n += 1;
    }

    pub(super) fn release(&self) {
        let mut n = self.count.lock().unwrap_or_else(|e| e.into_inner());
        *n = n.saturating_sub(1);
        self.freed.notify_one();
    }
}

/// The table loads being served, of every connection.
pub(super) static TABLE_LOADING: InFlight = InFlight::new(TABLE_LOADS);
