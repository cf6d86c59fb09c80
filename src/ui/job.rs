//! One background job: a closure run on a thread of its own, whose result the
//! frames poll for without waiting (gitui's single async job). Dropping the job
//! forgets its result; the thread runs to its end and its send goes nowhere.

use std::sync::mpsc::{channel, Receiver, TryRecvError};

/// What a poll found.
#[derive(Debug, PartialEq)]
pub enum Polled<T> {
    /// Still running.
    Pending,
    Done(T),
    /// The thread ended without a result (it panicked).
    Lost,
}

pub struct Job<T> {
    rx: Receiver<T>,
}

impl<T: Send + 'static> Job<T> {
    /// Runs `work` on a new thread.
    pub fn spawn(work: impl FnOnce() -> T + Send + 'static) -> Job<T> {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let _ = tx.send(work());
        });
        Job { rx }
    }

    /// The result if it is in; never blocks.
    pub fn poll(&self) -> Polled<T> {
        match self.rx.try_recv() {
            Ok(v) => Polled::Done(v),
            Err(TryRecvError::Empty) => Polled::Pending,
            Err(TryRecvError::Disconnected) => Polled::Lost,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_reports_its_result_once_and_a_panic_as_lost() {
        let job = Job::spawn(|| 6 * 7);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let got = loop {
            match job.poll() {
                Polled::Pending if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(1))
                }
                other => break other,
            }
        };
        assert_eq!(got, Polled::Done(42));
        assert_eq!(job.poll(), Polled::Lost, "the result is taken once");
        let job: Job<u8> = Job::spawn(|| panic!("the job fails"));
        while job.poll() == Polled::Pending {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(job.poll(), Polled::Lost);
    }
}
