//! The performance harness: builds a database through the real store API with the
//! demo generator and measures it against the budgets of DESIGN.md §5 and issue 2.
//!
//! ```text
//! cargo run --release --example bench -- [--records N] [--db PATH] [--keep] [--load-secs N]
//! ```
//!
//! - `--records N` records to generate (default 100000; `1_000_000`, `100k`, `1m` work);
//! - `--db PATH` use that database: loaded when empty, reused as it is otherwise, and
//!   never removed;
//! - `--keep` keep the temporary database (its path is printed);
//! - `--load-secs N` how long the server load runs (default 30);
//! - `--events --db PATH` the event rule rows alone (they add rules and messages);
//! - `--reports --db PATH` the report rows alone (board, charts, group-by, XLSX);
//! - `--backup --db PATH` `crm backup` (with a writer beside it) and `crm restore`;
//! - `--crm ARGS...` run the `crm` command line instead (the bench times `crm find`
//!   and `crm get` as whole processes this way).
//!
//! The load runs in this process; the reads run in a fresh child process (this
//! program again, with `--reads`), so that its open is a real first open after the
//! load and its peak RSS is that of a reader alone, not of the loader's leftovers.
//! The TUI, the server (with 50 socket clients), the history and the forecasts run
//! in child processes of their own the same way, one after the other. The server's
//! load, the history's saves and the forecasts write, so they come last; the
//! forecasts (100,000 lines) last of all, so that the load's saves meet the demo
//! data's forecasts, not the bench's.
//!
//! Each read is run a few times and the median reported. Verdicts: `ok` / `MISS by`
//! against a budget; `ref:` against a figure DESIGN.md measured, which is no budget.

use std::fs;
use std::hint::black_box;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use termcrm::demo::generate;
use termcrm::model::{self, Entity, FieldKind, Opportunity, SalesTeam, Territory};
use termcrm::store::{IndexKind, OpenOptions, Store};

/// `println!` that ignores a closed stdout (`| head`), so that the run still
/// finishes and removes its temporary database.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod backup;
mod events;
mod exchange;
mod find;
mod history;
mod index;
mod ops;
mod queries;
mod report;
mod reports;
mod server;
mod tui;
mod whole;

pub use index::*;
pub use report::*;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const DEFAULT_RECORDS: usize = 100_000;
const SEED: u64 = 1;
/// Runs per read measurement (the median is reported); full scans run fewer times.
const RUNS: usize = 5;
const SCAN_RUNS: usize = 3;
const POINT_GETS: usize = 10_000;

const MIB: f64 = 1024.0 * 1024.0;

fn main() {
    // `--crm ARGS...`: the real command line, for whole-process timings.
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("--crm") {
        std::process::exit(find::run_crm(&argv[1..]));
    }
    // The server a `--crm` command starts runs this program as `serve --auto`.
    if argv.first().map(String::as_str) == Some("serve") {
        std::process::exit(find::run_crm(&argv));
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let result = if args.reads
        || args.tui
        || args.tui_remote
        || args.tui_idle
        || args.server
        || args.history
        || args.forecasts
        || args.exchange
        || args.events
        || args.reports
        || args.backup
    {
        match &args.db {
            Some(path) if args.tui => tui::tui_rows(path, false),
            Some(path) if args.tui_remote => tui::tui_rows(path, true),
            Some(path) if args.tui_idle => tui::idle(path),
            Some(path) if args.server => server::server_rows(path, args.load_secs),
            Some(path) if args.history => history::history_rows(path),
            Some(path) if args.forecasts => ops::forecast_rows(path),
            Some(path) if args.exchange => exchange::exchange_rows(path),
            Some(path) if args.events => events::event_rows(path),
            Some(path) if args.reports => reports::report_rows(path),
            Some(path) if args.backup => backup::backup_rows(path),
            Some(path) => reads(path),
            None => Err("--reads, --tui, --server, --history and --forecasts need --db".into()),
        }
    } else {
        run(&args)
    };
    if let Err(e) = result {
        eprintln!("bench: {e}");
        std::process::exit(1);
    }
}

const USAGE: &str = "usage: cargo run --release --example bench -- [--records N] [--db PATH] [--keep] [--load-secs N]";

struct Args {
    records: usize,
    db: Option<PathBuf>,
    keep: bool,
    /// Internal: the read phase, run as a child process on `--db`.
    reads: bool,
    /// Internal: the TUI phase, run as a child process on `--db`.
    tui: bool,
    /// Internal: the TUI phase as a client of the server.
    tui_remote: bool,
    /// Internal: one of the other TUIs open beside it.
    tui_idle: bool,
    /// Internal: the server phase, run as a child process on `--db`.
    server: bool,
    /// Internal: the history phase, run as a child process on `--db`.
    history: bool,
    /// Internal: the forecast phase, run as a child process on `--db`.
    forecasts: bool,
    /// The import and export rows alone, on `--db` (they also run in a full run).
    exchange: bool,
    /// The event rule rows alone, on `--db` (they change it: rules, messages).
    events: bool,
    /// The report rows alone, on `--db` (read only).
    reports: bool,
    /// The backup and restore rows alone, on `--db` (a writer adds competitors).
    backup: bool,
    /// Seconds of the server load.
    load_secs: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        records: DEFAULT_RECORDS,
        db: None,
        keep: false,
        reads: false,
        tui: false,
        tui_remote: false,
        tui_idle: false,
        server: false,
        history: false,
        forecasts: false,
        exchange: false,
        events: false,
        reports: false,
        backup: false,
        load_secs: server::DEFAULT_LOAD_SECS,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--records" | "-n" => args.records = parse_count(&value("--records")?)?,
            "--db" => args.db = Some(PathBuf::from(value("--db")?)),
            "--keep" => args.keep = true,
            "--reads" => args.reads = true,
            "--tui" => args.tui = true,
            "--tui-remote" => args.tui_remote = true,
            "--tui-idle" => args.tui_idle = true,
            "--server" => args.server = true,
            "--history" => args.history = true,
            "--forecasts" => args.forecasts = true,
            "--exchange" => args.exchange = true,
            "--events" => args.events = true,
            "--reports" => args.reports = true,
            "--backup" => args.backup = true,
            "--load-secs" => {
                let v = value("--load-secs")?;
                args.load_secs = v
                    .parse()
                    .map_err(|_| format!("'{v}' is not a number of seconds"))?;
            }
            "-h" | "--help" => {
                say!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    Ok(args)
}

/// `100000`, `100_000`, `100,000`, `100k`, `1m`.
fn parse_count(text: &str) -> Result<usize, String> {
    let t: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '_' | ','))
        .collect();
    let (digits, factor) = match t.strip_suffix('k') {
        Some(d) => (d, 1_000),
        None => match t.strip_suffix('m') {
            Some(d) => (d, 1_000_000),
            None => (t.as_str(), 1),
        },
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("'{text}' is not a record count"))
}

fn run(args: &Args) -> Res<()> {
    let (path, temporary) = match &args.db {
        Some(p) => (p.clone(), false),
        None => {
            let p = std::env::temp_dir().join(format!("termcrm-bench-{}", std::process::id()));
            if p.exists() {
                fs::remove_dir_all(&p)?;
            }
            (p, true)
        }
    };
    let result = load(args, &path).and_then(|()| read_in_child(&path, args.load_secs));
    if temporary && !args.keep {
        let _ = fs::remove_dir_all(&path);
        let server = termcrm::server::Paths::of(&path);
        for file in [server.lock, server.log, server.pid, server.socket] {
            let _ = fs::remove_file(file);
        }
        let _ = fs::remove_file(path.with_extension("bench.sqlite"));
    } else {
        say!("database kept: {}", path.display());
    }
    result
}

/// Prints the machine facts and the header, and fills the database if it is empty.
fn load(args: &Args, path: &Path) -> Res<()> {
    let options = OpenOptions::default();
    let store = Store::open_with(path, &options)?;
    let existing = store.total_records();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    say!(
        "termcrm bench: {}; {cores} cores ({}), {} RAM; sled cache {} MiB{}",
        if existing > 0 {
            format!(
                "existing database, no load ({} records)",
                thousands(existing as u64)
            )
        } else {
            format!(
                "{} demo records, seed {SEED}",
                thousands(args.records as u64)
            )
        },
        cpu_model(),
        mem_total(),
        options.cache_bytes / (1024 * 1024),
        if cfg!(debug_assertions) {
            "; DEBUG BUILD, use --release"
        } else {
            ""
        }
    );
    say!(
        "database: {}; load average at start: {}",
        path.display(),
        load_average()
    );
    header();
    if existing > 0 {
        return Ok(());
    }

    // The generator alone, so that the store's share of the load can be told apart.
    let t = Instant::now();
    let generated = generate(args.records, SEED).count();
    let gen_time = t.elapsed();
    if generated == 0 {
        return Err("the demo generator returned no records (still a placeholder?)".into());
    }
    row(
        &format!("demo generate only ({})", short_count(generated)),
        &dur(gen_time),
        "",
        "",
        "",
    );

    let progress = std::io::stderr().is_terminal();
    let t = Instant::now();
    let mut last = Instant::now();
    let report = store.bulk_insert(generate(args.records, SEED), |n| {
        if progress && last.elapsed() > Duration::from_millis(500) {
            last = Instant::now();
            eprint!("\rloading: {} records", thousands(n as u64));
            let _ = std::io::stderr().flush();
        }
    })?;
    let load = t.elapsed();
    if progress {
        eprint!("\r{:40}\r", "");
    }
    let rate = report.inserted as f64 / load.as_secs_f64();
    row("bulk load total (incl. generate)", &dur(load), "", "", "");
    row(
        "bulk insert rate (incl. generate)",
        &format!("{}/s", thousands(rate as u64)),
        ">= 59,000/s (1 at a time)",
        &ref_at_least(rate, 59_000.0),
        "",
    );
    let store_only = load.saturating_sub(gen_time).as_secs_f64().max(1e-9);
    row(
        "bulk insert rate (store only)",
        &format!(
            "{}/s",
            thousands((report.inserted as f64 / store_only) as u64)
        ),
        "",
        "ref",
        "",
    );
    let hwm = peak_rss();
    row(
        "peak RSS, generate + load",
        &mib(hwm),
        "<= 1024 MiB (crm demo 1M)",
        &at_most(hwm, 1024.0 * MIB, mib),
        "",
    );
    // `crm demo` re-opens once after loading: sled replays its log on the first open
    // after a bulk load, and the user should not pay that on the next command.
    drop(store);
    let t = Instant::now();
    drop(Store::open_with(path, &options)?);
    row(
        "first re-open after load (crm demo)",
        &dur(t.elapsed()),
        "",
        "ref",
        "paid once by the load",
    );
    Ok(())
}

/// Runs the read, TUI, server, history and forecast phases, each in a fresh
/// process: this program again, with `--reads`, `--tui`, `--server`, `--history`,
/// `--forecasts`.
fn read_in_child(path: &Path, load_secs: u64) -> Res<()> {
    let _ = std::io::stdout().flush();
    for phase in [
        "--reads",
        "--tui",
        "--tui-remote",
        "--server",
        "--history",
        "--forecasts",
    ] {
        let status = Command::new(std::env::current_exe()?)
            .arg(phase)
            .arg("--db")
            .arg(path)
            .arg("--load-secs")
            .arg(load_secs.to_string())
            .status()?;
        if !status.success() {
            return Err(format!("the {phase} phase failed ({status})").into());
        }
    }
    Ok(())
}

/// Every read measurement, on an existing database, in a process that did no load.
fn reads(path: &Path) -> Res<()> {
    let options = OpenOptions::default();

    // --- Re-open ----------------------------------------------------------------
    let t = Instant::now();
    let mut store = Some(Store::open_with(path, &options)?);
    let first_open = t.elapsed();
    let total = store.as_ref().map_or(0, Store::total_records);
    note(&entity_mix(store.as_ref().expect("open")));
    let mut opens = vec![];
    for _ in 0..RUNS {
        drop(store.take());
        let t = Instant::now();
        store = Some(Store::open_with(path, &options)?);
        opens.push(t.elapsed());
    }
    drop(store.take());
    let reopen = median(opens);
    row(
        "open, first in a new process",
        &dur(first_open),
        "<= 130 ms",
        &at_most_dur(first_open, ms(130)),
        "",
    );
    row(
        &format!("re-open, median of {RUNS}"),
        &dur(reopen),
        "<= 130 ms",
        &at_most_dur(reopen, ms(130)),
        "",
    );
    // What a first screen costs: open, then the first rows of a table.
    let first_screen = median_of(RUNS, || {
        let t = Instant::now();
        let s = Store::open_with(path, &options)?;
        black_box(s.list(Opportunity::DEF, Some(50))?);
        let d = t.elapsed();
        drop(s);
        Ok(d)
    })?;
    row(
        "open + first 50 opportunities",
        &dur(first_screen),
        "<= 250 ms (1st screen)",
        &at_most_dur(first_screen, ms(250)),
        "",
    );
    let store = Store::open_with(path, &options)?;

    // --- Point get ----------------------------------------------------------------
    let keys = keys_of(&store, Opportunity::DEF)?;
    if keys.is_empty() {
        row("point get opportunity", "n/a", "", "no opportunities", "");
    } else {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let sample: Vec<&str> = (0..POINT_GETS)
            .map(|_| keys[rng.below(keys.len())].as_str())
            .collect();
        let mut missing = 0;
        let per_get = median_of(RUNS, || {
            let t = Instant::now();
            for k in &sample {
                match store.get(Opportunity::DEF, k)? {
                    Some(r) => {
                        black_box(r);
                    }
                    None => missing += 1,
                }
            }
            Ok(t.elapsed() / POINT_GETS as u32)
        })?;
        row(
            &format!("point get opportunity ({}k keys)", POINT_GETS / 1000),
            &dur(per_get),
            "~3 µs",
            &if missing > 0 {
                format!("{missing} KEYS MISSING")
            } else {
                at_most_dur(per_get, Duration::from_nanos(3_000))
            },
            "",
        );
    }
    drop(keys);

    // --- Index listings ------------------------------------------------------------
    index_listing(&store, IndexKind::Territory, Territory::DEF, "territory")?;
    index_listing(&store, IndexKind::Team, SalesTeam::DEF, "sales_team")?;

    // --- Quick find ------------------------------------------------------------------
    let lookups = find::find_rows(&store, total)?;

    // --- Full scans ----------------------------------------------------------------
    let all = median_of(SCAN_RUNS, || {
        let t = Instant::now();
        for def in model::ENTITIES {
            for r in store.scan(def) {
                black_box(r?);
            }
        }
        Ok(t.elapsed())
    })?;
    scan_rows("full scan+decode, all entities", total, all);
    let opps = store.count(Opportunity::DEF);
    let opp_scan = median_of(SCAN_RUNS, || {
        let t = Instant::now();
        for r in store.scan(Opportunity::DEF) {
            black_box(r?);
        }
        Ok(t.elapsed())
    })?;
    scan_rows("full scan+decode, opportunity", opps, opp_scan);

    // --- Memory and disk -------------------------------------------------------------
    let hwm = peak_rss();
    row(
        "peak RSS, reads (this process)",
        &mib(hwm),
        "<= 300 MiB (TUI, 1M)",
        &ref_at_most(hwm, 300.0 * MIB),
        "",
    );
    let sled_size = store.size_on_disk();
    queries::query_rows(&store)?;
    ops::workflow_rows(&store)?;
    let sqlite = whole::prepare(&store, path)?;
    drop(store);
    whole::rows(path, &lookups, sqlite.as_ref())?;
    exchange::exchange_rows(path)?;
    let files = dir_size(path);
    let per_record = files as f64 / total.max(1) as f64;
    row("database size (files)", &mib(files as f64), "", "", "");
    row(
        "database size (store.size_on_disk)",
        &mib(sled_size as f64),
        "",
        "",
        "",
    );
    row(
        "bytes per record on disk",
        &format!("{per_record:.0} B"),
        "556 B (sled, DESIGN)",
        &ref_at_most(per_record, 556.0),
        "SQLite: 142 B",
    );
    note(&format!("load average at end: {}", load_average()));
    Ok(())
}
