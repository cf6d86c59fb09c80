//! One background job of a view: a value computed on a thread and taken in by
//! `prepare` without waiting (gitui's AsyncSingleJob). Starting it again while it
//! runs drops the older result, so what arrives is always the last asked for.

use std::sync::mpsc::{channel, Receiver, TryRecvError};

pub struct Job<T> {
    rx: Option<Receiver<T>>,
}

impl<T> Default for Job<T> {
    fn default() -> Self {
        Job { rx: None }
    }
}

impl<T: Send + 'static> Job<T> {
    /// Runs `work` on a thread; its value is `poll`ed later.
    pub fn start(&mut self, work: impl FnOnce() -> T + Send + 'static) {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            // The view may have gone or asked again; then nobody wants it.
            let _ = tx.send(work());
        });
        self.rx = Some(rx);
    }

    /// The value, once it is there (then the job is idle again).
    pub fn poll(&mut self) -> Option<T> {
        let rx = self.rx.as_ref()?;
        match rx.try_recv() {
            Ok(v) => {
                self.rx = None;
                Some(v)
            }
            Err(TryRecvError::Empty) => None,
            // The thread panicked: nothing will come.
            Err(TryRecvError::Disconnected) => {
                self.rx = None;
                None
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.rx.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_hands_over_its_value_once_and_a_restart_wins() {
        let mut job = Job::default();
        assert!(!job.is_running() && job.poll().is_none());
        job.start(|| 1);
        job.start(|| 2);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let value = loop {
            if let Some(v) = job.poll() {
                break v;
            }
            assert!(std::time::Instant::now() < deadline);
            std::thread::sleep(std::time::Duration::from_millis(1));
        };
        assert_eq!(value, 2);
        assert!(!job.is_running() && job.poll().is_none());
    }
}
