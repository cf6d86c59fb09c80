//! `crm check [--repair]`.

use anyhow::bail;

use super::CliResult;
use crate::store::Store;

pub fn run(store: &Store, repair: bool) -> CliResult {
    let report = if repair {
        store.repair()?
    } else {
        store.audit()?
    };
    println!("{report}");
    if !report.is_clean() {
        bail!(
            "the indexes of {} drifted from the records",
            store.path().display()
        );
    }
    Ok(())
}
