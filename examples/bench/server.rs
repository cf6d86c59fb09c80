//! The server rows of the bench: a server in this process on the bench's database,
//! 50 socket clients for `--load-secs` seconds (70 % reads, 30 % writes through the
//! workflows), its throughput, latencies and errors, `crm check` after the load, and
//! what one `get` costs from a fresh connection (the server's share of `crm get`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use termcrm::api::remote::{Remote, Target};
use termcrm::api::{By, Client, Who};
use termcrm::model::{
    Customer, Entity, Interaction, Opportunity, OpportunityTask, Record, Salesperson, Territory,
};
use termcrm::server::{Config, Server};
use termcrm::store::{OpenOptions, Store};

use super::{at_most, at_most_dur, dur, median, ms, note, row, thousands, Res, XorShift};

/// Concurrent clients of the load.
const CLIENTS: usize = 50;
/// Records each client owns for its writes (none writes another's).
const OWN: usize = 20;
/// Fresh connections timed for the connect + handshake + get row.
const FRESH_RUNS: usize = 51;
/// Saves timed one after another before the load.
const QUIET_SAVES: usize = 21;
pub const DEFAULT_LOAD_SECS: u64 = 30;

const KINDS: [&str; 7] = [
    "get",
    "find",
    "list by territory",
    "alerts",
    "save opportunity",
    "task done",
    "add interaction",
];

/// What the clients work on, read once before the load.
struct Material {
    opportunities: Vec<String>,
    tasks: Vec<String>,
    customers: Vec<String>,
    territories: Vec<String>,
    salespersons: Vec<String>,
    words: Vec<String>,
}

/// One client's results: latencies in µs per kind, and its errors.
#[derive(Default)]
struct Tally {
    micros: BTreeMap<&'static str, Vec<u32>>,
    errors: Vec<String>,
}

fn connect(db: &Path) -> Res<Client> {
    Ok(Remote::client(Target::Local(db.to_path_buf()))?)
}

pub fn server_rows(path: &Path, load_secs: u64) -> Res<()> {
    let store = Store::open_with(path, &OpenOptions::default())?;
    termcrm::query::saved::ensure_preconfigured(&store)?;
    let store = Arc::new(store);
    let config = Config::quiet(path);
    let server = Server::start_on(Arc::clone(&store), config)?;
    let result = measure(path, &store, load_secs);
    server.stop();
    result
}

fn measure(path: &Path, store: &Store, load_secs: u64) -> Res<()> {
    let material = Arc::new(material(store)?);
    if material.opportunities.is_empty() || material.territories.is_empty() {
        row("server load", "n/a", "", "no opportunities", "");
        return Ok(());
    }
    fresh_get(path, &material)?;
    quiet_saves(path, store)?;
    // Saturated: no pause between operations. Paced: each client at most
    // `PACED_OPS` operations a second, a brisk user's pace or faster.
    load(path, &material, Duration::from_secs(load_secs), None)?;
    load(
        path,
        &material,
        Duration::from_secs(load_secs),
        Some(PACED_OPS),
    )?;
    let t = Instant::now();
    let report = connect(path)?.check(false)?;
    row(
        "crm check after the load",
        &dur(t.elapsed()),
        "clean",
        if report.is_clean() {
            "ok"
        } else {
            "MISS: index drift"
        },
        "",
    );
    if !report.is_clean() {
        note(&report.to_string());
    }
    Ok(())
}

/// Keys spread over the database (every n-th), and words users search for.
fn material(store: &Store) -> Res<Material> {
    fn keys(store: &Store, def: &'static termcrm::model::EntityDef, want: usize) -> Vec<String> {
        let step = (store.count(def) / want.max(1)).max(1);
        store
            .scan(def)
            .step_by(step)
            .take(want)
            .filter_map(|r| r.ok().map(|r| r.key().to_string()))
            .collect()
    }
    let opportunities = keys(store, Opportunity::DEF, CLIENTS * OWN);
    let mut words: Vec<String> = Vec::new();
    for key in opportunities.iter().take(200) {
        if let Some(o) = store.get_as::<Opportunity>(key)? {
            let word = o.description.split_whitespace().next().unwrap_or("");
            if word.chars().count() >= 3 && !words.iter().any(|w| w == word) {
                words.push(word.to_lowercase());
            }
        }
    }
    words.extend(["mü", "gmbh", "opp12"].map(String::from));
    Ok(Material {
        opportunities,
        tasks: keys(store, OpportunityTask::DEF, CLIENTS * OWN),
        customers: keys(store, Customer::DEF, 500),
        territories: keys(store, Territory::DEF, 100),
        salespersons: keys(store, Salesperson::DEF, 100),
        words,
    })
}

/// A whole `get` from a fresh connection: connect, handshake, one record.
fn fresh_get(path: &Path, m: &Material) -> Res<()> {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut times = Vec::with_capacity(FRESH_RUNS);
    for _ in 0..FRESH_RUNS {
        let key = &m.opportunities[rng.below(m.opportunities.len())];
        let t = Instant::now();
        let client = connect(path)?;
        let found = client.get(Opportunity::DEF, key)?;
        times.push(t.elapsed());
        if found.is_none() {
            return Err(format!("opportunity {key} not found over the socket").into());
        }
    }
    let took = median(times);
    row(
        "get over the socket, fresh connection",
        &dur(took),
        "<= 10 ms (crm get, whole)",
        &at_most_dur(took, ms(10)),
        &format!("connect + handshake + get, median of {FRESH_RUNS}"),
    );
    Ok(())
}

/// Saves one after another on a quiet server: the floor under the load's writes.
fn quiet_saves(path: &Path, store: &Store) -> Res<()> {
    let client = connect(path)?;
    let Some(o) = store.scan(Opportunity::DEF).next().transpose()? else {
        return Ok(());
    };
    let mut o = o.downcast_ref::<Opportunity>().cloned().unwrap_or_default();
    let mut times = Vec::with_capacity(QUIET_SAVES);
    for i in 0..QUIET_SAVES {
        o.probability = Some((i as i64 * 10) % 101);
        let t = Instant::now();
        client.save(Box::new(o.clone()), false)?;
        times.push(t.elapsed());
    }
    row(
        "save over the socket, quiet server",
        &dur(median(times)),
        "",
        "",
        &format!("an opportunity, median of {QUIET_SAVES}; flushed each"),
    );
    Ok(())
}

/// Operations a second of each client in the paced load.
const PACED_OPS: u32 = 10;

fn load(path: &Path, m: &Arc<Material>, length: Duration, pace: Option<u32>) -> Res<()> {
    let clients = (0..CLIENTS)
        .map(|_| connect(path))
        .collect::<Res<Vec<_>>>()?;
    let start = Arc::new(Barrier::new(CLIENTS + 1));
    let tallies = Arc::new(Mutex::new(Vec::new()));
    let mut threads = Vec::new();
    for (i, client) in clients.into_iter().enumerate() {
        let (m, start, tallies) = (Arc::clone(m), Arc::clone(&start), Arc::clone(&tallies));
        threads.push(thread::spawn(move || {
            let mut worker = Worker::new(i, client, &m);
            start.wait();
            let begin = Instant::now();
            let until = begin + length;
            let mut n: u32 = 0;
            while Instant::now() < until {
                if let Some(per_sec) = pace {
                    // The next operation's slot, the clients spread over the
                    // interval (real users are not in step); a slow one is not
                    // made up for.
                    let phase = Duration::from_secs(1) * i as u32 / (per_sec * CLIENTS as u32);
                    let slot = begin + phase + Duration::from_secs(1) * n / per_sec;
                    if let Some(wait) = slot.checked_duration_since(Instant::now()) {
                        thread::sleep(wait);
                    }
                    n += 1;
                }
                worker.one(&m);
            }
            if let Ok(mut t) = tallies.lock() {
                t.push(worker.tally);
            }
        }));
    }
    start.wait();
    let t = Instant::now();
    for th in threads {
        th.join().map_err(|_| "a load client panicked")?;
    }
    let took = t.elapsed();
    let tallies = std::mem::take(&mut *tallies.lock().map_err(|_| "poisoned")?);
    report(&tallies, took, pace);
    Ok(())
}

/// One load client: its connection, its own records to write, its dice.
struct Worker {
    client: Client,
    rng: XorShift,
    /// This client's opportunities as it last saved them.
    mine: Vec<Opportunity>,
    tasks: Vec<String>,
    tally: Tally,
}

impl Worker {
    fn new(i: usize, client: Client, m: &Material) -> Worker {
        let own = |keys: &[String]| -> Vec<String> {
            keys.iter().skip(i).step_by(CLIENTS).cloned().collect()
        };
        let mut tally = Tally::default();
        let mine = match client.get_many(Opportunity::DEF, own(&m.opportunities)) {
            Ok(v) => v
                .into_iter()
                .flatten()
                .filter_map(|r| r.downcast_ref::<Opportunity>().cloned())
                .collect(),
            Err(e) => {
                tally.errors.push(format!("load own opportunities: {e}"));
                Vec::new()
            }
        };
        Worker {
            client,
            rng: XorShift(0x9E37_79B9_7F4A_7C15 ^ ((i as u64 + 1) * 0x1000_0001)),
            mine,
            tasks: own(&m.tasks),
            tally,
        }
    }

    /// One operation: 70 % reads (get 34, find 20, a territory's first 50
    /// opportunities 15, a salesperson's alerts 1 — a home pane opened), 30 %
    /// writes (an opportunity's probability and amount 15, a task done or open
    /// again 8, a new interaction 7). No pause between operations: the load
    /// saturates the machine on purpose.
    fn one(&mut self, m: &Material) {
        let dice = self.rng.below(100);
        let kind = match dice {
            0..=33 => 0,
            34..=53 => 1,
            54..=68 => 2,
            69 => 3,
            70..=84 => 4,
            85..=92 => 5,
            _ => 6,
        };
        let t = Instant::now();
        let result = self.run(kind, m);
        let micros = t.elapsed().as_micros().min(u32::MAX as u128) as u32;
        if let Err(e) = result {
            self.tally.errors.push(format!("{}: {e}", KINDS[kind]));
        }
        let times = self.tally.micros.entry(KINDS[kind]).or_default();
        times.push(micros);
    }

    fn run(&mut self, kind: usize, m: &Material) -> Result<(), String> {
        let c = self.client.clone();
        let rng = &mut self.rng;
        let mut pick = |v: &[String]| -> Result<String, String> {
            match v.len() {
                0 => Err("nothing to pick from".into()),
                n => Ok(v[rng.below(n)].clone()),
            }
        };
        let e = |e: termcrm::api::ApiError| e.to_string();
        match kind {
            0 => {
                let key = pick(&m.opportunities)?;
                c.get(Opportunity::DEF, &key).map_err(e)?.ok_or("missing")?;
            }
            1 => {
                let word = pick(&m.words)?;
                c.find(&word, 20).map_err(e)?;
            }
            2 => {
                let code = pick(&m.territories)?;
                c.list(Opportunity::DEF, Some(By::Territory(code)), Some(50))
                    .map_err(e)?;
            }
            3 => {
                let who = pick(&m.salespersons).map_or(Who::Everyone, Who::Salesperson);
                c.alerts(who).map_err(e)?;
            }
            4 => {
                if self.mine.is_empty() {
                    return Err("no opportunity of its own".into());
                }
                let i = self.rng.below(self.mine.len());
                let step = self.rng.below(9) as i64 + 1;
                let o = &mut self.mine[i];
                o.probability = Some((o.probability.unwrap_or(0) + step * 10) % 101);
                if let Some(a) = o.amount.as_mut() {
                    a.cents = (a.cents + step * 1_000) % 100_000_000;
                }
                c.save(Box::new(o.clone()), false).map_err(e)?;
            }
            5 => {
                let key = pick(&self.tasks)?;
                c.task_done(&key).map_err(e)?;
            }
            _ => {
                let customer = pick(&m.customers)?;
                let now = chrono::Local::now().naive_local();
                let i = Interaction {
                    customer,
                    occurred_at: Some(now),
                    notes: "bench: a call during the server load".into(),
                    ..Default::default()
                };
                c.save(Box::new(i) as Box<dyn Record>, true).map_err(e)?;
            }
        }
        Ok(())
    }
}

fn percentile(sorted: &[u32], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    Duration::from_micros(u64::from(sorted[i]))
}

fn report(tallies: &[Tally], took: Duration, pace: Option<u32>) {
    let how = match pace {
        Some(n) => format!("paced {n}/s each"),
        None => "saturated".to_string(),
    };
    let mut all: Vec<u32> = Vec::new();
    let mut by_kind: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut errors: Vec<&String> = Vec::new();
    for t in tallies {
        for (k, v) in &t.micros {
            all.extend(v);
            by_kind.entry(k).or_default().extend(v);
        }
        errors.extend(&t.errors);
    }
    all.sort_unstable();
    let ops = all.len();
    let rate = ops as f64 / took.as_secs_f64().max(1e-9);
    let writes: usize = KINDS[4..]
        .iter()
        .map(|k| by_kind.get(k).map_or(0, Vec::len))
        .sum();
    row(
        &format!(
            "server load ({how}): {CLIENTS} clients, {} s",
            took.as_secs()
        ),
        &format!("{}/s", thousands(rate as u64)),
        "",
        "",
        &format!(
            "{} ops, {:.0} % writes",
            thousands(ops as u64),
            100.0 * writes as f64 / ops.max(1) as f64
        ),
    );
    let (p50, p99) = (percentile(&all, 0.50), percentile(&all, 0.99));
    row(&format!("  {how}: p50 latency"), &dur(p50), "", "", "");
    row(
        &format!("  {how}: p99 latency"),
        &dur(p99),
        "<= 50 ms",
        &at_most_dur(p99, ms(50)),
        &format!("max {}", dur(percentile(&all, 1.0))),
    );
    row(
        &format!("  {how}: errors"),
        &thousands(errors.len() as u64),
        "0",
        &at_most(errors.len() as f64, 0.0, |n| format!("{n:.0}")),
        "",
    );
    for e in errors.iter().take(5) {
        note(e);
    }
    for kind in KINDS {
        let Some(v) = by_kind.get_mut(kind) else {
            continue;
        };
        v.sort_unstable();
        note(&format!(
            "{kind}: {} ops, p50 {}, p99 {}",
            thousands(v.len() as u64),
            dur(percentile(v, 0.50)),
            dur(percentile(v, 0.99))
        ));
    }
}
