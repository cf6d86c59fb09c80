//! `crm check [--repair]`.

use anyhow::bail;

use super::CliResult;
use crate::api::{Client, ErrorKind};

pub fn run(api: &Client, repair: bool) -> CliResult {
    let mut report = api.check(repair)?;
    if report.reopen {
        // The server stops so that the next one opens the database repairing it.
        outln!("{report}")?;
        report = again(api)?;
    }
    outln!("{report}")?;
    if !report.is_clean() {
        bail!("the indexes of {} drifted from the records", api.database());
    }
    Ok(())
}

/// `check --repair` once more, on the server that starts after the last one left.
fn again(api: &Client) -> anyhow::Result<crate::api::AuditReport> {
    for _ in 0..100 {
        match api.check(true) {
            Err(e) if e.kind == ErrorKind::Unavailable => {
                std::thread::sleep(std::time::Duration::from_millis(100))
            }
            other => return Ok(other?),
        }
    }
    Ok(api.check(true)?)
}
