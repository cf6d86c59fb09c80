//! `--backup --db PATH`: `crm backup` through the server's socket while a writer
//! saves records beside it (how long its saves wait is the point), then `crm
//! restore` of that file into a new database and `crm check` of the result. The
//! issue names no budget: the figures are printed as `ref`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use termcrm::api::remote::{Remote, Target};
use termcrm::api::Client;
use termcrm::model::Competitor;
use termcrm::server::{Config, Server};
use termcrm::store::{OpenOptions, Store};

use super::*;

fn serve(path: &Path) -> Res<(Server, Client)> {
    let store = Arc::new(Store::open_with(path, &OpenOptions::server())?);
    let server = Server::start_on(store, Config::quiet(path))?;
    let client = Remote::client(Target::Running(path.to_path_buf()))?;
    Ok((server, client))
}

pub fn backup_rows(path: &Path) -> Res<()> {
    let file = std::env::temp_dir().join(format!("bench-backup-{}.crmbak", std::process::id()));
    let restored = std::env::temp_dir().join(format!("bench-restored-{}", std::process::id()));
    let result = measure(path, &file, &restored);
    let _ = fs::remove_file(&file);
    let _ = fs::remove_dir_all(&restored);
    result
}

fn measure(path: &Path, file: &Path, restored: &Path) -> Res<()> {
    let (server, client) = serve(path)?;
    // A writer beside the backup: one save after another, each one timed.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (client, stop) = (client.clone(), Arc::clone(&stop));
        std::thread::spawn(move || -> Vec<Duration> {
            let mut waits = Vec::new();
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                i += 1;
                let record = Competitor {
                    key: format!("BENCHBK{i:06}"),
                    name: "Bench rival".into(),
                    ..Default::default()
                };
                let t = Instant::now();
                let _ = client.save(Box::new(record), true);
                waits.push(t.elapsed());
                std::thread::sleep(Duration::from_millis(5));
            }
            waits
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    let mut out = std::io::BufWriter::new(fs::File::create(file)?);
    let report = client.backup(&mut out)?;
    out.flush()?;
    drop(out);
    let took = t.elapsed();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::SeqCst);
    let mut waits = writer.join().map_err(|_| "the writer panicked")?;
    waits.sort();
    let size = fs::metadata(file)?.len();
    let disk = dir_size(path);
    row(
        &format!("crm backup ({} records)", report.records),
        &dur(took),
        "ref: none named",
        "ref",
        &format!(
            "{} file ({:.0}% of the database's {}), {} entries, writes waited {} ms",
            mib(size as f64),
            size as f64 * 100.0 / disk.max(1) as f64,
            mib(disk as f64),
            report.entries,
            report.paused_ms
        ),
    );
    if let (Some(p50), Some(max)) = (waits.get(waits.len() / 2), waits.last()) {
        row(
            "a save during the backup (p50 / max)",
            &dur(*max),
            "ref: a moment",
            "ref",
            &format!("p50 {}, {} saves while it ran", dur(*p50), waits.len()),
        );
    }
    server.stop();

    let _ = fs::remove_dir_all(restored);
    let (server, client) = serve(restored)?;
    let t = Instant::now();
    let mut input = std::io::BufReader::new(fs::File::open(file)?);
    let back = client.restore_backup(&mut input, &file.display().to_string())?;
    let took = t.elapsed();
    row(
        &format!("crm restore ({} records)", back.records),
        &dur(took),
        "ref: none named",
        "ref",
        "records and history written, every index written anew",
    );
    let t = Instant::now();
    let check = client.check(false)?;
    row(
        "crm check after the restore",
        &dur(t.elapsed()),
        "clean",
        if check.is_clean() {
            "ok"
        } else {
            "MISS: not clean"
        },
        &format!("{} records", check.total_records()),
    );
    server.stop();
    Ok(())
}

fn dir_size(path: &Path) -> u64 {
    fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}
