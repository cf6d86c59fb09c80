//! Whole-process rows with the server running, beside `sqlite3` on the same rows
//! measured in the same run: `crm get`, `crm find` and `crm list --territory
//! --format csv` are each a fresh process (this program again with `--crm`) that
//! connects to the database's server, asks, prints and exits. The bench writes the
//! SQLite file itself from the same demo data (every field as text, an index on
//! territory), and times the `sqlite3` shell answering the same question.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use termcrm::model::{format_value, Customer, Entity, EntityDef, Opportunity, Territory};
use termcrm::store::{IndexKind, Store};

use super::find::Lookups;
use super::{at_most, at_most_dur, dur, median, mib, ms, note, row, Res, MIB};

/// Runs per whole-process figure (the median is reported).
const WHOLE_RUNS: usize = 11;

/// The SQLite copy of the rows the whole-process rows ask for, and what to ask.
pub struct Sqlite {
    file: PathBuf,
    territory: String,
    territory_rows: usize,
}

fn columns(def: &EntityDef) -> Vec<String> {
    std::iter::once("key".to_string())
        .chain(def.fields.iter().map(|f| f.name.to_string()))
        .collect()
}

/// Writes customers and opportunities into `<db>.bench.sqlite` (when sqlite3 is
/// installed), and picks the territory with the most opportunities.
pub fn prepare(store: &Store, path: &Path) -> Res<Option<Sqlite>> {
    if Command::new("sqlite3").arg("--version").output().is_err() {
        note("sqlite3 is not installed: no SQLite comparison (apt-get install sqlite3)");
        return Ok(None);
    }
    let file = path.with_extension("bench.sqlite");
    let _ = std::fs::remove_file(&file);
    let mut script = String::from("PRAGMA journal_mode=OFF;\n.mode csv\n");
    for def in [Customer::DEF, Opportunity::DEF] {
        let csv_path = path.with_extension(format!("{}.csv", def.name));
        let mut w = csv::Writer::from_path(&csv_path)?;
        for r in store.scan(def) {
            let r = r?;
            let mut cells = vec![r.key().to_string()];
            cells.extend(
                def.fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| format_value(&f.kind, &r.get(i))),
            );
            w.write_record(&cells)?;
        }
        w.flush()?;
        let cols: Vec<String> = columns(def)
            .iter()
            .map(|c| format!("\"{c}\" TEXT"))
            .collect();
        script.push_str(&format!(
            "CREATE TABLE {} ({});\n.import '{}' {}\n",
            def.name,
            cols.join(", "),
            csv_path.display(),
            def.name
        ));
    }
    script.push_str("CREATE UNIQUE INDEX customer_key ON customer(key);\n");
    script.push_str("CREATE INDEX opportunity_territory ON opportunity(territory);\n");
    sqlite_script(&file, &script)?;
    for def in [Customer::DEF, Opportunity::DEF] {
        let _ = std::fs::remove_file(path.with_extension(format!("{}.csv", def.name)));
    }
    let mut best = (String::new(), 0usize);
    for t in store.scan(Territory::DEF) {
        let t = t?;
        let n = store
            .keys_by(IndexKind::Territory, t.key(), Opportunity::DEF, None)?
            .len();
        if n > best.1 {
            best = (t.key().to_string(), n);
        }
    }
    Ok(Some(Sqlite {
        file,
        territory: best.0,
        territory_rows: best.1,
    }))
}

/// Runs a command to its end; its wall time and peak RSS (bytes). The RSS comes
/// from `/usr/bin/time` when it is installed: a child forked from this large process
/// starts with this process's resident pages counted, so its own `ru_maxrss` says
/// more than the command used.
/// Runs `script` in the `sqlite3` shell on `file` (building a comparison file).
pub fn sqlite_script(file: &Path, script: &str) -> Res<()> {
    let mut child = Command::new("sqlite3")
        .arg(file)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    child
        .stdin
        .take()
        .ok_or("sqlite3 without stdin")?
        .write_all(script.as_bytes())?;
    if !child.wait()?.success() {
        return Err("sqlite3 could not build the comparison file".into());
    }
    Ok(())
}

pub fn timed(cmd: &mut Command) -> Res<(Duration, f64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return timed_direct(cmd);
    }
    let out = std::env::temp_dir().join(format!("bench-rss-{}", std::process::id()));
    let mut wrapped = Command::new(time);
    wrapped
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&out)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    let (elapsed, _) = timed_direct(&mut wrapped)?;
    let kb: f64 = std::fs::read_to_string(&out)?
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0.0);
    let _ = std::fs::remove_file(&out);
    Ok((elapsed, kb * 1024.0))
}

pub fn timed_direct(cmd: &mut Command) -> Res<(Duration, f64)> {
    let t = Instant::now();
    let child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn()?;
    let pid = child.id() as i32;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter; `pid` is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = t.elapsed();
    if rc != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        let mut err = String::new();
        if let Some(mut e) = child.stderr {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        return Err(format!("{cmd:?} failed: {err}").into());
    }
    Ok((elapsed, usage.ru_maxrss as f64 * 1024.0))
}

pub fn crm(db: &Path, args: &[&str]) -> Res<Command> {
    let mut c = Command::new(std::env::current_exe()?);
    c.arg("--crm").arg("--db").arg(db).args(args);
    Ok(c)
}

/// The median time and the largest RSS of `WHOLE_RUNS` runs.
pub fn runs(mut make: impl FnMut() -> Res<Command>) -> Res<(Duration, f64)> {
    let mut times = Vec::with_capacity(WHOLE_RUNS);
    let mut rss: f64 = 0.0;
    for _ in 0..WHOLE_RUNS {
        let (t, _) = timed_direct(&mut make()?)?;
        times.push(t);
    }
    // The peak RSS from one more run, under /usr/bin/time (untimed).
    let (_, r) = timed(&mut make()?)?;
    rss = rss.max(r);
    Ok((median(times), rss))
}

/// The peak RSS of the database's server, from its pid file and /proc.
pub fn server_rss(db: &Path) -> Option<f64> {
    let pid = std::fs::read_to_string(termcrm::server::Paths::of(db).pid).ok()?;
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid.trim())).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb * 1024.0)
}

pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

/// `crm get`, `crm find` and `crm list --territory --format csv` as whole processes
/// with the server running, beside sqlite3.
pub fn rows(db: &Path, lookups: &Lookups, sqlite: Option<&Sqlite>) -> Res<()> {
    if lookups.queries.is_empty() {
        return Ok(());
    }
    with_server(db, "the whole-process rows", || {
        measured(db, lookups, sqlite)
    })
}

/// Starts the database's server through a first `crm` command (untimed), runs
/// `f`, then stops the server and waits for it to go.
pub fn with_server(db: &Path, what: &str, f: impl FnOnce() -> Res<()>) -> Res<()> {
    // The caller's store was just closed; sled lets go of its lock when its
    // flusher thread ends. The first command starts the server (untimed).
    let start = Instant::now();
    loop {
        match timed(&mut crm(db, &["list", "territory", "--limit", "1"])?) {
            Ok(_) => break,
            Err(e) if start.elapsed() > Duration::from_secs(30) => return Err(e),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    note(&format!(
        "server started for {what} in {}",
        dur(start.elapsed())
    ));
    let result = f();
    let pid = std::fs::read_to_string(termcrm::server::Paths::of(db).pid).unwrap_or_default();
    let _ = timed(&mut crm(db, &["server", "stop"])?);
    // The rows after these open the database themselves: wait for the server to go.
    let proc = PathBuf::from(format!("/proc/{}", pid.trim()));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !pid.trim().is_empty() && proc.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    result
}

fn measured(db: &Path, lookups: &Lookups, sqlite: Option<&Sqlite>) -> Res<()> {
    let mut client_rss: f64 = 0.0;
    let customer = lookups.customer.as_str();
    let (get, rss) = runs(|| crm(db, &["get", "customer", customer]))?;
    client_rss = client_rss.max(rss);
    let sqlite_get = match sqlite {
        Some(s) => Some(runs(|| {
            let mut c = Command::new("sqlite3");
            c.arg(&s.file)
                .arg(format!("SELECT * FROM customer WHERE key = '{customer}';"));
            Ok(c)
        })?),
        None => None,
    };
    let vs = sqlite_get.map_or_else(String::new, |(t, _)| {
        format!(
            "sqlite3 {} ({:.1}x); <= 2x: {}",
            dur(t),
            ratio(get, t),
            if ratio(get, t) <= 2.0 { "ok" } else { "MISS" }
        )
    });
    row(
        "crm get, whole process, server up",
        &dur(get),
        "<= 10 ms, <= 2x sqlite3",
        &at_most_dur(get, ms(10)),
        &vs,
    );

    let mut finds = Vec::new();
    for q in &lookups.queries {
        let (t, rss) = runs(|| crm(db, &["find", q]))?;
        client_rss = client_rss.max(rss);
        finds.push(t);
    }
    let worst = finds.iter().max().copied().unwrap_or_default();
    let find = median(finds);
    row(
        "crm find, whole process (median q.)",
        &dur(find),
        "<= 15 ms",
        &at_most_dur(find, ms(15)),
        &format!("worst query {}", dur(worst)),
    );

    if let Some(s) = sqlite {
        let t = s.territory.as_str();
        let (list, rss) = runs(|| {
            crm(
                db,
                &["list", "opportunity", "--territory", t, "--format", "csv"],
            )
        })?;
        client_rss = client_rss.max(rss);
        let (lite, _) = runs(|| {
            let mut c = Command::new("sqlite3");
            c.args(["-csv", "-header"]).arg(&s.file).arg(format!(
                "SELECT * FROM opportunity WHERE territory = '{t}' ORDER BY key;"
            ));
            Ok(c)
        })?;
        row(
            &format!("crm list --territory csv ({} rows)", s.territory_rows),
            &dur(list),
            "<= 1.0x sqlite3",
            &at_most(ratio(list, lite), 1.0, |x| format!("{x:.2}x")),
            &format!("sqlite3 {} ({:.2}x)", dur(lite), ratio(list, lite)),
        );
    }
    row(
        "client RSS, whole-process commands",
        &mib(client_rss),
        "<= 50 MiB",
        &at_most(client_rss, 50.0 * MIB, mib),
        "largest of the runs above",
    );
    if let Some(rss) = server_rss(db) {
        row(
            "server RSS (peak so far)",
            &mib(rss),
            "<= 500 MiB",
            &at_most(rss, 500.0 * MIB, mib),
            "",
        );
    }
    Ok(())
}
