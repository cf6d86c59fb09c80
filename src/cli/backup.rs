//! `crm backup FILE` and `crm restore FILE --db NEW`: the server writes the backup
//! and this command stores it (under a temporary name until it is complete); a
//! restore sends the file to the server of the new database, then checks it.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context};

use super::usage::Usage;
use super::CliResult;
use crate::api::{read_header, Client};

pub fn backup(api: &Client, file: &Path) -> CliResult {
    let started = Instant::now();
    let partial = file.with_extension(match file.extension() {
        Some(e) => format!("{}.partial", e.to_string_lossy()),
        None => "partial".into(),
    });
    let out = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&partial)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    let mut writer = BufWriter::with_capacity(1 << 20, out);
    let written = api
        .backup(&mut writer)
        .map_err(anyhow::Error::from)
        .and_then(|r| {
            writer.flush()?;
            writer.get_ref().sync_all()?;
            Ok(r)
        });
    let report = match written {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e.context(format!("no backup was written to {}", file.display())));
        }
    };
    std::fs::rename(&partial, file)
        .with_context(|| format!("cannot rename {} to {}", partial.display(), file.display()))?;
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "backed up {}: {} records ({} entries with the history, settings and inboxes) to {}, {:.1} MB, in {:.1} s; writes waited {} ms",
        api.database(),
        report.records,
        report.entries,
        file.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        report.paused_ms
    );
    Ok(())
}

/// Refuses, before any database is made, a FILE that is no backup.
pub fn check_file(file: &str) -> CliResult {
    let mut f = match File::open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if crate::model::entity(file).is_some() {
                bail!(Usage::new(format!(
                    "crm restore {file} KEY brings a deleted {file} back: name its key (a backup file: crm restore FILE --db NEW)"
                )));
            }
            bail!("no backup file {file}: nothing was restored");
        }
        Err(e) => bail!("cannot read {file}: {e}"),
    };
    read_header(&mut f, file)?;
    Ok(())
}

pub fn restore(api: &Client, file: &str) -> CliResult {
    let started = Instant::now();
    let f = File::open(file).with_context(|| format!("cannot read {file}"))?;
    let mut input = BufReader::with_capacity(1 << 20, f);
    let report = api.restore_backup(&mut input, file)?;
    println!(
        "restored {} records ({} entries, schema {}) from {file} into {} in {:.1} s",
        report.records,
        report.entries,
        report.schema,
        api.database(),
        started.elapsed().as_secs_f64()
    );
    let check = api.check(false)?;
    println!("{}", check.to_string().lines().last().unwrap_or_default());
    if !check.is_clean() {
        bail!(
            "the restored database {} is not clean: run `crm check`",
            api.database()
        );
    }
    Ok(())
}
