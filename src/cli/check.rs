//! `crm check [--repair]`.

use anyhow::bail;

use super::CliResult;
use crate::api::Client;

pub fn run(api: &Client, repair: bool) -> CliResult {
    let report = api.check(repair)?;
    outln!("{report}")?;
    if !report.is_clean() {
        bail!("the indexes of {} drifted from the records", api.database());
    }
    Ok(())
}
