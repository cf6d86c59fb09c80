//! Reporting for the bench: the table of figures beside their budgets, verdicts,
//! units, and what the machine is.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use termcrm::store::Store;

use super::*;

pub fn header() {
    say!();
    row(
        "measurement",
        "value",
        "budget",
        "verdict",
        "full scan / note",
    );
    say!("{}", "-".repeat(120));
}

/// One line of the table; columns are aligned by character count.
pub fn row(name: &str, value: &str, budget: &str, verdict: &str, extra: &str) {
    let text = format!("{name:<38} {value:>12}  {budget:<26} {verdict:<24} {extra}");
    say!("{}", text.trim_end());
}

pub fn note(text: &str) {
    say!("# {text}");
}

pub fn at_most(measured: f64, budget: f64, unit: fn(f64) -> String) -> String {
    if measured <= budget {
        "ok".into()
    } else {
        format!(
            "MISS by {} ({:.1}x)",
            unit(measured - budget),
            measured / budget
        )
    }
}

pub fn at_most_dur(measured: Duration, budget: Duration) -> String {
    at_most(measured.as_secs_f64(), budget.as_secs_f64(), |s| {
        dur(Duration::from_secs_f64(s))
    })
}

pub fn ref_at_most(measured: f64, reference: f64) -> String {
    if measured <= reference {
        "ref: ok".into()
    } else {
        format!("ref: {:.2}x of it", measured / reference)
    }
}

pub fn ref_at_least(measured: f64, reference: f64) -> String {
    if measured >= reference {
        format!("ref: ok ({:.1}x)", measured / reference)
    } else {
        format!("ref: {:.2}x slower", reference / measured)
    }
}

// --- Measuring -----------------------------------------------------------------------

pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

pub fn median_of(runs: usize, mut f: impl FnMut() -> Res<Duration>) -> Res<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        times.push(f()?);
    }
    Ok(median(times))
}

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A small deterministic generator for picking keys.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

// --- Facts about the machine and the process ------------------------------------------

/// Peak resident set of this process, in bytes.
pub fn peak_rss() -> f64 {
    proc_status_kb("VmHWM").unwrap_or(0) as f64 * 1024.0
}

/// The 1, 5 and 15 minute load averages: other work on the machine skews timings.
pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".into())
}

/// A field of /proc/self/status in kB (VmHWM: peak resident set, VmRSS: current).
pub fn proc_status_kb(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

pub fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

pub fn mem_total() -> String {
    fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map_or_else(|| "? GiB".into(), |kb| format!("{:.1} GiB", kb / MIB))
}

/// Bytes of every file under `path`.
pub fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// The largest entities with their record counts, on one line.
pub fn entity_mix(store: &Store) -> String {
    let mut counts: Vec<(&str, usize)> = model::ENTITIES
        .iter()
        .map(|d| (d.name, store.count(d)))
        .filter(|(_, n)| *n > 0)
        .collect();
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let shown: Vec<String> = counts
        .iter()
        .take(8)
        .map(|(e, n)| format!("{e} {}", short_count(*n)))
        .collect();
    format!(
        "{} records in {} entities: {}{}",
        thousands(total as u64),
        counts.len(),
        shown.join(", "),
        if counts.len() > 8 { ", ..." } else { "" }
    )
}

// --- Formatting ----------------------------------------------------------------------

pub fn dur(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1e-3 {
        format!("{:.2} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

pub fn mib(bytes: f64) -> String {
    format!("{:.0} MiB", bytes / MIB)
}

pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn short_count(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 100_000 == 0 => format!("{}M", n as f64 / 1e6),
        n if n >= 10_000 => format!("{}k", n / 1000),
        n => thousands(n as u64),
    }
}
