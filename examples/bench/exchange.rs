//! Import and export rows (issue 12), whole processes with the server running:
//! every entity exported to CSV (all the database's rows) beside `sqlite3 -csv`
//! writing the same rows from a SQLite copy made of those files; one entity's
//! 100,000 rows (or all it has) to XLSX; and 100,000 contacts imported from an
//! Outlook CSV (half of them already stored, found by their e-mail among every
//! stored contact; half new), then taken back so the database is as before.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use termcrm::io::{self, ExportOptions, Format};
use termcrm::model::{self, Entity, Lang, SalesContact};
use termcrm::store::Store;

use super::whole::{crm, ratio, server_rss, sqlite_script, timed, with_server};
use super::{at_most, at_most_dur, dur, mib, note, row, thousands, Res, MIB};

const IMPORT_ROWS: usize = 100_000;
const XLSX_ROWS: usize = 100_000;

/// Writes the Outlook CSV the import row reads: stored contacts (they match by
/// e-mail) and as many changed copies (new e-mail and last name: they are new).
fn outlook_file(store: &Store, dir: &Path) -> Res<(PathBuf, usize, usize)> {
    let file = dir.join("outlook-100k.csv");
    let options = ExportOptions {
        format: Format::OutlookCsv,
        delimiter: b';',
        lang: Lang::De,
        ..ExportOptions::default()
    };
    let stored = store.count(SalesContact::DEF);
    let mut sink = io::sink(&file, SalesContact::DEF, Vec::new(), &options)?;
    let half = IMPORT_ROWS / 2;
    let mut n = 0;
    let mut matched = 0;
    for r in store.scan(SalesContact::DEF) {
        let c = r?;
        let Some(c) = c.downcast_ref::<SalesContact>() else {
            continue;
        };
        if c.email.is_empty() {
            continue;
        }
        if matched < half {
            sink.push(c)?;
            matched += 1;
        } else {
            let mut new = c.clone();
            new.key = String::new();
            new.email = format!("neu{n}.{}", c.email);
            new.last_name = format!("{}-Neu", c.last_name);
            sink.push(&new)?;
        }
        n += 1;
        if n == IMPORT_ROWS {
            break;
        }
    }
    sink.finish()?;
    Ok((file, n, stored))
}

/// Runs a command with its output to `out`, timed.
fn timed_to(cmd: &mut Command, out: &Path) -> Res<Duration> {
    let file = std::fs::File::create(out)?;
    let t = Instant::now();
    let status = cmd.stdout(file).stderr(Stdio::null()).status()?;
    if !status.success() {
        return Err(format!("{cmd:?} failed").into());
    }
    Ok(t.elapsed())
}

pub fn exchange_rows(db: &Path) -> Res<()> {
    let dir = tempfile::tempdir()?;
    let (outlook, import_rows, stored_contacts, counts) = {
        let store = Store::open(db)?;
        let (file, n, stored) = outlook_file(&store, dir.path())?;
        let counts: Vec<(&'static model::EntityDef, usize)> = model::ENTITIES
            .iter()
            .map(|d| (*d, store.count(d)))
            .filter(|(_, n)| *n > 0)
            .collect();
        (file, n, stored, counts)
    };
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let sqlite = Command::new("sqlite3").arg("--version").output().is_ok();
    with_server(db, "the import and export rows", || {
        // Every entity to CSV, one process each.
        let mut ours = Duration::ZERO;
        let mut client_rss: f64 = 0.0;
        for (def, _) in &counts {
            let file = dir.path().join(format!("{}.csv", def.name));
            let f = file.display().to_string();
            let (t, rss) = timed(&mut crm(db, &["export", &f, "--entity", def.name])?)?;
            ours += t;
            client_rss = client_rss.max(rss);
        }
        let mut vs = String::from("sqlite3 not installed");
        let mut verdict = String::new();
        if sqlite {
            let lite = dir.path().join("copy.sqlite");
            let mut script = String::from(".mode csv\n");
            for (def, _) in &counts {
                script.push_str(&format!(
                    ".import {} \"{}\"\n",
                    dir.path().join(format!("{}.csv", def.name)).display(),
                    def.name
                ));
            }
            sqlite_script(&lite, &script)?;
            let mut theirs = Duration::ZERO;
            for (def, _) in &counts {
                let out = dir.path().join(format!("{}.lite.csv", def.name));
                theirs += timed_to(
                    Command::new("sqlite3")
                        .args(["-csv", "-header"])
                        .arg(&lite)
                        .arg(format!("SELECT * FROM \"{}\";", def.name)),
                    &out,
                )?;
            }
            let x = ratio(ours, theirs);
            vs = format!("sqlite3 -csv {} ({x:.2}x)", dur(theirs));
            verdict = at_most(x, 1.5, |v| format!("{v:.2}x"));
        }
        row(
            &format!("export all to CSV ({} rows)", thousands(total as u64)),
            &dur(ours),
            "<= 1.5x sqlite3 -csv",
            &verdict,
            &vs,
        );

        // One entity's rows to XLSX.
        let (def, n) = counts
            .iter()
            .copied()
            .filter(|(_, n)| *n <= XLSX_ROWS)
            .max_by_key(|(_, n)| *n)
            .unwrap_or((SalesContact::DEF, 0));
        let xlsx = dir.path().join("export.xlsx").display().to_string();
        let (t, rss) = timed(&mut crm(db, &["export", &xlsx, "--entity", def.name])?)?;
        client_rss = client_rss.max(rss);
        let scaled = t.mul_f64(XLSX_ROWS as f64 / n.max(1) as f64);
        row(
            &format!(
                "export {} rows of {} to XLSX",
                thousands(n as u64),
                def.name
            ),
            &dur(t),
            "100k rows <= 3 s",
            &at_most_dur(scaled, Duration::from_secs(3)),
            &format!("{} per 100k", dur(scaled)),
        );
        row("client RSS, exports", &mib(client_rss), "", "", "");

        // The Outlook import, then its revert (untimed).
        let f = outlook.display().to_string();
        let before = server_rss(db).unwrap_or(0.0);
        let (t, rss) = timed(&mut crm(db, &["import", &f])?)?;
        let server = server_rss(db).unwrap_or(0.0);
        let scaled = t.mul_f64(IMPORT_ROWS as f64 / import_rows.max(1) as f64);
        row(
            &format!("import {} Outlook contacts", thousands(import_rows as u64)),
            &dur(t),
            "100k <= 3 s",
            &at_most_dur(scaled, Duration::from_secs(3)),
            &format!(
                "half new, half matched among {} stored",
                thousands(stored_contacts as u64)
            ),
        );
        row(
            "import RSS (client)",
            &mib(rss),
            "<= 500 MiB",
            &at_most(rss, 500.0 * MIB, mib),
            "",
        );
        row(
            "import RSS (server peak)",
            &mib(server),
            "<= 500 MiB",
            &at_most(server, 500.0 * MIB, mib),
            &format!("before the import {}", mib(before)),
        );
        let list = crm(db, &["import", "--list"])?.output()?;
        let batch = String::from_utf8_lossy(&list.stdout)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        if !batch.is_empty() {
            let (t, _) = timed(&mut crm(db, &["import", "--revert", &batch])?)?;
            note(&format!("import {batch} taken back in {}", dur(t)));
        }
        Ok(())
    })
}
