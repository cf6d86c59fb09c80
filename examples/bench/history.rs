//! The history rows of the bench: what keeping every change costs a single save
//! and a bulk load (the same work on a store opened without history beside it),
//! how many bytes a change adds, how fast a change reaches the other clients of a
//! server, and `crm history` of a record with 1,000 changes as a whole process.
//!
//! The saves run on the bench's own database (saves on a big database are what
//! matters), opened in turn with and without history, never both at once (sled
//! locks the database); the bulk loads run into empty temporary databases.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use termcrm::api::remote::{Remote, Target};
use termcrm::api::{Client, Push};
use termcrm::demo::generate;
use termcrm::model::{Entity, Opportunity, Record};
use termcrm::server::{Config, Server};
use termcrm::store::{OpenOptions, Store};

use super::whole;
use super::{
    at_most, at_most_dur, dir_size, dur, load_average, median, mib, ms, note, row, short_count,
    thousands, Res, SEED,
};

/// Opportunities the single saves go round.
const SAVE_KEYS: usize = 500;
/// Rounds of saves per way of opening, alternating (history, none, history, ...),
/// so that a drift of the machine falls on both alike.
const ROUNDS: usize = 10;
/// Saves per round without a flush, and with one after each save.
const SAVES: usize = 200;
const FLUSHED_SAVES: usize = 20;
/// Records of each bulk load, and loads per way of opening (history first, then
/// none, then none, then history: ABBA).
const BULK: usize = 100_000;
/// Changes of the record `crm history` lists.
const CHANGES: usize = 1_000;
/// Subscribed clients, and saves whose arrival they time.
const CLIENTS: usize = 50;
const FEED_SAVES: usize = 250;
const FEED_GAP: Duration = Duration::from_millis(20);

/// Percentage that `with` adds to `without`.
fn added(with: Duration, without: Duration) -> f64 {
    100.0 * (with.as_secs_f64() / without.as_secs_f64().max(1e-12) - 1.0)
}

fn percent(p: f64) -> String {
    format!("{p:+.1} %")
}

fn points(p: f64) -> String {
    format!("{p:.1} pts")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn options(keep_history: bool) -> OpenOptions {
    OpenOptions {
        keep_history,
        ..OpenOptions::server()
    }
}

pub fn history_rows(path: &Path) -> Res<()> {
    let (opps, many, fed) = {
        let store = Store::open_with(path, &options(true))?;
        pick(&store)?
    };
    if opps.is_empty() {
        row("history rows", "n/a", "", "no opportunities", "");
        return Ok(());
    }
    // Other work on the machine moves these figures more than most: say how much.
    note(&format!("history rows; load average {}", load_average()));
    single_saves(path, opps)?;
    let listed = give_changes(path, &many)?;
    bulk_loads()?;
    feed_latency(path, &fed)?;
    whole::with_server(path, "crm history", || {
        let (took, _) = whole::runs(|| whole::crm(path, &["history", "opportunity", &many]))?;
        row(
            &format!(
                "crm history, {} changes, whole proc.",
                thousands(CHANGES as u64)
            ),
            &dur(took),
            "<= 20 ms",
            &at_most_dur(took, ms(20)),
            &format!("{listed} entries listed; server up, median of 11"),
        );
        Ok(())
    })
}

/// The opportunities the saves go round (every n-th), the one given
/// `CHANGES` changes and the one the feed's saves change: neither of those two
/// among the first.
fn pick(store: &Store) -> Res<(Vec<Opportunity>, String, String)> {
    let count = store.count(Opportunity::DEF);
    let step = (count / SAVE_KEYS).max(3);
    let mut opps = Vec::with_capacity(SAVE_KEYS);
    let (mut many, mut fed) = (String::new(), String::new());
    for (i, r) in store.scan(Opportunity::DEF).enumerate() {
        let r = r?;
        match i % step {
            0 if opps.len() < SAVE_KEYS => {
                if let Some(o) = r.downcast_ref::<Opportunity>() {
                    opps.push(o.clone());
                }
            }
            1 if many.is_empty() => many = r.key().to_string(),
            2 if fed.is_empty() => fed = r.key().to_string(),
            _ => {}
        }
    }
    Ok((opps, many, fed))
}

/// A probability other than `p`, so that every save changes one field.
fn another(p: Option<i64>) -> Option<i64> {
    Some((p.unwrap_or(0) + 7) % 101)
}

/// One round: the store opened one way, its records warm, then `n` saves one
/// after another (each flushed when `flush`), each timed.
fn save_round(
    path: &Path,
    keep_history: bool,
    flush: bool,
    opps: &mut [Opportunity],
    n: usize,
    next: &mut usize,
) -> Res<Vec<Duration>> {
    let store = Store::open_with(path, &options(keep_history))?;
    for o in opps.iter() {
        black_box(store.get(Opportunity::DEF, o.key())?);
    }
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let o = &mut opps[*next % opps.len()];
        *next += 1;
        o.probability = another(o.probability);
        let record: Box<dyn Record> = Box::new(o.clone());
        let t = Instant::now();
        store.update(record)?;
        if flush {
            store.flush()?;
        }
        times.push(t.elapsed());
    }
    store.flush()?;
    Ok(times)
}

/// Rows 1 and 3: a single save with and without history, without a flush (the
/// server's store flushes once per request, after its write lock) and with one
/// after each save (what a request waits for); the history's bytes per change.
fn single_saves(path: &Path, mut opps: Vec<Opportunity>) -> Res<()> {
    let before = Store::open_with(path, &options(true))?.history_size();
    let mut next = 0;
    let mut changes = 0;
    for flush in [false, true] {
        let n = if flush { FLUSHED_SAVES } else { SAVES };
        let (mut with, mut without) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS * 2 {
            let keep = round % 2 == 0;
            let times = save_round(path, keep, flush, &mut opps, n, &mut next)?;
            if keep {
                changes += times.len();
                with.extend(times);
            } else {
                without.extend(times);
            }
        }
        let saves = with.len();
        let (with, without) = (median(with), median(without));
        let how = if flush { "flushed each" } else { "no flush" };
        row(
            &format!("save, history ({how})"),
            &dur(with),
            "",
            "",
            &format!(
                "opportunity, 1 field; median of {}; {} records",
                thousands(saves as u64),
                short_count(Store::open_with(path, &options(true))?.total_records())
            ),
        );
        row(
            &format!("save, no history ({how})"),
            &dur(without),
            "",
            "",
            &format!("same saves, keep_history=false, {ROUNDS} rounds each, alternating"),
        );
        let pct = added(with, without);
        row(
            &format!("  history adds to a save ({how})"),
            &percent(pct),
            "<= 20 % (single save)",
            &at_most(pct, 20.0, points),
            &format!("+{}", dur(with.saturating_sub(without))),
        );
    }
    let after = Store::open_with(path, &options(true))?.history_size();
    let commits = after.0.saturating_sub(before.0);
    let states = after.1.saturating_sub(before.1);
    let bytes = after.2.saturating_sub(before.2);
    row(
        "history bytes per change (1 record)",
        &format!("{:.0} B", bytes as f64 / commits.max(1) as f64),
        "",
        "",
        &format!(
            "{} commits, {} states for {} saves; keys + values",
            thousands(commits as u64),
            thousands(states as u64),
            thousands(changes as u64)
        ),
    );
    Ok(())
}

/// Gives one opportunity `CHANGES` changes through the store; how many entries
/// its history lists then.
fn give_changes(path: &Path, key: &str) -> Res<usize> {
    let store = Store::open_with(path, &options(true))?;
    let mut o: Opportunity = store.fetch_as(key)?;
    for _ in 0..CHANGES {
        o.probability = another(o.probability);
        store.update(Box::new(o.clone()))?;
    }
    store.flush()?;
    Ok(store.history(Opportunity::DEF, key, None)?.len())
}

/// Row 2: a bulk load into an empty store with and without history, the records
/// generated before the clock starts; the history's bytes per loaded record.
fn bulk_loads() -> Res<()> {
    // Beside no database of the user's: in the temporary directory.
    let dir = |n: usize| -> PathBuf {
        std::env::temp_dir().join(format!("termcrm-bench-{}-bulk-{n}", std::process::id()))
    };
    let mut with = Vec::new();
    let mut without = Vec::new();
    let (mut hist, mut disk_with, mut disk_without) = ((0, 0, 0), 0, 0);
    let mut inserted = 0;
    for (i, keep) in [true, false, false, true].into_iter().enumerate() {
        let db = dir(i);
        let _ = std::fs::remove_dir_all(&db);
        let records: Vec<Box<dyn Record>> = generate(BULK, SEED).collect();
        let store = Store::open_with(&db, &options(keep))?;
        let t = Instant::now();
        let report = store.bulk_insert(records, |_| {})?;
        let took = t.elapsed();
        inserted = report.inserted;
        if keep {
            with.push(took);
            hist = store.history_size();
        } else {
            without.push(took);
        }
        drop(store);
        let size = dir_size(&db);
        if keep {
            disk_with = size;
        } else {
            disk_without = size;
        }
        let _ = std::fs::remove_dir_all(&db);
    }
    let mean = |v: &[Duration]| v.iter().sum::<Duration>() / v.len().max(1) as u32;
    let (with, without) = (mean(&with), mean(&without));
    let rate = |d: Duration| {
        format!(
            "{}/s",
            thousands((inserted as f64 / d.as_secs_f64()) as u64)
        )
    };
    let size = short_count(inserted);
    row(
        &format!("bulk insert ({size}), history"),
        &rate(with),
        "",
        "",
        &format!("{}; store only, generated before; mean of 2", dur(with)),
    );
    row(
        &format!("bulk insert ({size}), no history"),
        &rate(without),
        "",
        "",
        &format!("{}; into an empty store, ABBA", dur(without)),
    );
    let pct = added(with, without);
    row(
        "  history adds to a bulk load",
        &percent(pct),
        "<= 15 % (bulk load)",
        &at_most(pct, 15.0, points),
        "",
    );
    row(
        "history bytes per bulk-loaded record",
        &format!("{:.0} B", hist.2 as f64 / inserted.max(1) as f64),
        "",
        "",
        &format!(
            "{} commits, {} states; files {} vs {} without",
            thousands(hist.0 as u64),
            thousands(hist.1 as u64),
            mib(disk_with as f64),
            mib(disk_without as f64)
        ),
    );
    Ok(())
}

fn connect(db: &Path) -> Res<Client> {
    Ok(Remote::client(Target::Local(db.to_path_buf()))?)
}

/// Row 4: a server in this process on the bench's database, `CLIENTS` socket
/// clients subscribed, one more saving an opportunity every `FEED_GAP`; from just
/// before each save to each subscriber's receipt of the change naming its key and
/// revision.
fn feed_latency(path: &Path, key: &str) -> Res<()> {
    let store = Arc::new(Store::open_with(path, &OpenOptions::server())?);
    termcrm::query::saved::ensure_preconfigured(&store)?;
    let config = Config::quiet(path);
    let server = Server::start_on(Arc::clone(&store), config)?;
    let result = feed_measure(path, key);
    server.stop();
    drop(store);
    result
}

/// What one subscriber heard: (key, revision, when) of each opportunity change,
/// and how many times it was told to reload instead.
type Heard = (Vec<(String, u64, Instant)>, usize);

fn feed_measure(path: &Path, key: &str) -> Res<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(Barrier::new(CLIENTS + 1));
    let mut threads = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        let client = connect(path)?;
        let feed = client.subscribe()?;
        let (stop, ready) = (Arc::clone(&stop), Arc::clone(&ready));
        threads.push(thread::spawn(move || -> Heard {
            // The connection stays open as long as its feed is read.
            let _client = client;
            let mut heard = Vec::new();
            let mut resyncs = 0;
            ready.wait();
            while !stop.load(Ordering::SeqCst) {
                match feed.next(Duration::from_millis(50)) {
                    Some(Push::Changes(note)) => {
                        let at = Instant::now();
                        for item in note.items {
                            if item.entity == Opportunity::DEF.name {
                                heard.push((item.key, item.rev, at));
                            }
                        }
                    }
                    Some(Push::Resync) => resyncs += 1,
                    _ => {}
                }
            }
            (heard, resyncs)
        }));
    }
    ready.wait();
    let saver = connect(path)?;
    let (_, record) = saver.fetch_rev(Opportunity::DEF, key)?;
    let mut o = record
        .downcast_ref::<Opportunity>()
        .cloned()
        .ok_or("not an opportunity")?;
    let mut sent: Vec<(String, u64, Instant)> = Vec::with_capacity(FEED_SAVES);
    let mut save_times = Vec::with_capacity(FEED_SAVES);
    let begin = Instant::now();
    for i in 0..FEED_SAVES {
        if let Some(wait) = (begin + FEED_GAP * i as u32).checked_duration_since(Instant::now()) {
            thread::sleep(wait);
        }
        o.probability = another(o.probability);
        let record: Box<dyn Record> = Box::new(o.clone());
        let t = Instant::now();
        let report = saver.save_on(record, false, None)?;
        save_times.push(t.elapsed());
        sent.push((report.key, report.rev, t));
    }
    thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::SeqCst);
    let mut latencies = Vec::with_capacity(FEED_SAVES * CLIENTS);
    let (mut missed, mut resyncs) = (0, 0);
    for th in threads {
        let (heard, r) = th.join().map_err(|_| "a subscriber panicked")?;
        resyncs += r;
        for (k, rev, t) in &sent {
            match heard.iter().find(|(hk, hr, _)| hk == k && hr == rev) {
                Some((_, _, at)) => latencies.push(at.saturating_duration_since(*t)),
                None => missed += 1,
            }
        }
    }
    latencies.sort_unstable();
    save_times.sort_unstable();
    let (p50, p99) = (percentile(&latencies, 0.50), percentile(&latencies, 0.99));
    row(
        &format!("change reaches {CLIENTS} clients, p50"),
        &dur(p50),
        "",
        "",
        &format!(
            "{FEED_SAVES} saves {} apart; the save itself p50 {}, p99 {}",
            dur(FEED_GAP),
            dur(percentile(&save_times, 0.50)),
            dur(percentile(&save_times, 0.99))
        ),
    );
    row(
        &format!("change reaches {CLIENTS} clients, p99"),
        &dur(p99),
        "<= 100 ms",
        &at_most_dur(p99, ms(100)),
        &format!(
            "max {}; {} (save, client) pairs",
            dur(percentile(&latencies, 1.0)),
            thousands(latencies.len() as u64)
        ),
    );
    row(
        "  changes missed by a subscriber",
        &thousands(missed as u64),
        "0",
        &at_most(missed as f64, 0.0, |n| format!("{n:.0}")),
        &format!("{resyncs} resyncs"),
    );
    if missed > 0 {
        note("a missed change counts as no latency: the percentiles above leave it out");
    }
    Ok(())
}
