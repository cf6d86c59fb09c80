//! `crm demo [--records N]`.

use std::io::Write;
use std::time::Instant;

use anyhow::bail;

use super::CliResult;
use crate::api::Client;

pub fn run(api: &Client, records: usize, seed: u64, if_empty: bool) -> CliResult {
    let (path, _, existing) = api.info()?;
    if existing > 0 && if_empty {
        eprintln!("database {path} already holds {existing} records");
        return Ok(());
    }
    if existing > 0 {
        bail!(
            "database {path} already holds {existing} records; demo data goes into an empty database (pass --db NEW_PATH)"
        );
    }
    let start = Instant::now();
    let last = std::cell::Cell::new(Instant::now());
    let report = api.demo(records, seed, if_empty, &|n| {
        if last.get().elapsed().as_millis() > 500 {
            last.set(Instant::now());
            eprint!("\rloading demo data: {n} records");
            let _ = std::io::stderr().flush();
        }
    })?;
    eprintln!(
        "\rloaded {} demo records into {path} in {:.1} s",
        report.inserted,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
