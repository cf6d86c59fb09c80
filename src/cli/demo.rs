//! `crm demo [--records N]`.

use std::io::Write;
use std::time::Instant;

use anyhow::bail;

use super::CliResult;
use crate::store::Store;

pub fn run(store: &Store, records: usize, seed: u64, if_empty: bool) -> CliResult {
    let existing = store.total_records();
    if existing > 0 && if_empty {
        eprintln!(
            "database {} already holds {existing} records",
            store.path().display()
        );
        return Ok(());
    }
    if existing > 0 {
        bail!(
            "database {} already holds {existing} records; demo data goes into an empty database (pass --db NEW_PATH)",
            store.path().display()
        );
    }
    let start = Instant::now();
    let mut last = Instant::now();
    let report = store.bulk_insert(crate::demo::generate(records, seed), |n| {
        if last.elapsed().as_millis() > 500 {
            last = Instant::now();
            eprint!("\rloading demo data: {n} records");
            let _ = std::io::stderr().flush();
        }
    })?;
    eprintln!(
        "\rloaded {} demo records into {} in {:.1} s",
        report.inserted,
        store.path().display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
