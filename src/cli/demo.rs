//! `crm demo [--records N]`.

use std::io::Write;
use std::time::Instant;

use super::CliResult;
use crate::api::Client;

pub fn run(api: &Client, records: usize, seed: u64, if_empty: bool) -> CliResult {
    // The server decides, in one step, whether the database is empty.
    let path = api.database();
    let start = Instant::now();
    let last = std::cell::Cell::new(Instant::now());
    let report = api.demo(records, seed, if_empty, &|n| {
        if last.get().elapsed().as_millis() > 500 {
            last.set(Instant::now());
            eprint!("\rloading demo data: {n} records");
            let _ = std::io::stderr().flush();
        }
    })?;
    if report.inserted == 0 && if_empty && records > 0 {
        eprintln!("database {path} already holds records; nothing loaded");
        return Ok(());
    }
    eprintln!(
        "\rloaded {} demo records into {path} in {:.1} s",
        report.inserted,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
