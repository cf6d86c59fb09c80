//! Report rows (issue 14), on `--db`, with a server running in this process and a
//! socket client, as a manager works: the pipeline board's data (all open
//! opportunities, and one territory's), each report the charts draw, the group-by
//! of a query in the server, and `crm report pipeline --format xlsx` as a whole
//! process. It writes nothing to the database.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use termcrm::api::remote::{Remote, Target};
use termcrm::api::report::{GroupSort, Params, ReportKind};
use termcrm::model::{Entity, Opportunity, SalesForecast};
use termcrm::server::{Config, Server};
use termcrm::store::{OpenOptions, Store};

use super::{at_most_dur, dur, header, median, note, row, Res};

const RUNS: usize = 5;

fn timed(mut f: impl FnMut() -> Res<()>) -> Res<Duration> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed());
    }
    Ok(median(times))
}

pub fn report_rows(path: &Path) -> Res<()> {
    let store = Arc::new(Store::open_with(path, &OpenOptions::server())?);
    termcrm::query::saved::ensure_preconfigured(&store)?;
    let server = Server::start_on(Arc::clone(&store), Config::quiet(path))?;
    let result = measure(path, &store);
    server.stop();
    result
}

/// The sales period with the most forecasts (the forecast report's period).
fn busiest_period(store: &Store) -> Option<String> {
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for r in store.scan(SalesForecast::DEF).flatten() {
        if let Some(f) = r.downcast_ref::<SalesForecast>() {
            *counts.entry(f.period.clone()).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(p, _)| p)
}

fn measure(path: &Path, store: &Arc<Store>) -> Res<()> {
    let client = Remote::client(Target::Local(path.to_path_buf()))?;
    let opportunities = store.count(Opportunity::DEF);
    let territory = store
        .scan(Opportunity::DEF)
        .flatten()
        .filter_map(|r| r.downcast_ref::<Opportunity>().map(|o| o.territory.clone()))
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    header();
    note(&format!(
        "reports: {} records, {opportunities} opportunities, server in this process, socket client",
        store.total_records()
    ));
    let budget = Duration::from_millis(250);
    // The server builds its report projections at start; the first board waits
    // for them (a user opens the board seconds after `crm` starts the server).
    let rss_before = super::proc_status_kb("VmRSS").unwrap_or(0) as f64 * 1024.0;
    let t = Instant::now();
    client.board(Params::default())?;
    row(
        "board right after server start",
        &dur(t.elapsed()),
        "ref: projections built",
        "",
        "once per server start",
    );
    let mut cards = 0;
    let t = timed(|| {
        let b = client.board(Params::default())?;
        cards = b.lanes.iter().map(|l| l.count).sum::<u64>();
        Ok(())
    })?;
    row(
        "board, every open opportunity",
        &dur(t),
        "≤ 250 ms (first frame)",
        &at_most_dur(t, budget),
        &format!("{cards} open"),
    );
    let p = Params {
        territory: Some(territory.clone()),
        ..Params::default()
    };
    let t = timed(|| client.board(p.clone()).map(|_| ()).map_err(Into::into))?;
    row(
        &format!("board, territory {territory}"),
        &dur(t),
        "≤ 250 ms (first frame)",
        &at_most_dur(t, budget),
        "",
    );
    let period = busiest_period(store);
    for kind in ReportKind::ALL {
        let params = match kind {
            ReportKind::Forecast => Params {
                period: period.clone(),
                ..Params::default()
            },
            _ => Params::default(),
        };
        let mut rows = 0;
        let t = timed(|| {
            let r = client.report(kind, params.clone())?;
            rows = r.sections.iter().map(|s| s.rows.len()).sum::<usize>();
            Ok(())
        })?;
        row(
            &format!("chart: {}", kind.name()),
            &dur(t),
            "≤ 300 ms",
            &at_most_dur(t, Duration::from_millis(300)),
            &format!("{rows} rows"),
        );
    }
    let rss = super::proc_status_kb("VmRSS").unwrap_or(0) as f64 * 1024.0;
    row(
        "server + client RSS after the charts",
        &super::mib(rss),
        "≤ 500 MiB (server)",
        &super::at_most(rss / super::MIB, 500.0, |v| format!("{v:.0} MiB")),
        &format!(
            "one process; {} before the first report",
            super::mib(rss_before)
        ),
    );
    let t = timed(|| {
        client
            .group(
                Some("opportunity"),
                Some(""),
                None,
                vec!["salesperson".into()],
                Vec::new(),
                GroupSort::Label,
                false,
            )
            .map(|_| ())
            .map_err(Into::into)
    })?;
    row(
        "group-by in the server, opportunities",
        &dur(t),
        "ref: TUI group-by ≤ 300 ms",
        "",
        &format!("{opportunities} rows by salesperson"),
    );
    xlsx_row(path)?;
    Ok(())
}

/// `crm report pipeline --format xlsx --out FILE` as a whole process.
fn xlsx_row(path: &Path) -> Res<()> {
    let out = path.with_extension("bench-pipeline.xlsx");
    let args = ["report", "pipeline", "--format", "xlsx", "--out"];
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let mut cmd = super::whole::crm(path, &args)?;
        cmd.arg(&out);
        match super::whole::timed_direct(&mut cmd) {
            Ok((t, _)) => times.push(t),
            Err(e) => {
                note(&format!("crm report pipeline --format xlsx: {e}"));
                return Ok(());
            }
        }
    }
    let _ = std::fs::remove_file(&out);
    let t = median(times);
    row(
        "crm report pipeline --format xlsx",
        &dur(t),
        "≤ 1 s",
        &at_most_dur(t, Duration::from_secs(1)),
        "whole process, server running",
    );
    Ok(())
}
