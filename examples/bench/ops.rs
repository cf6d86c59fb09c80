//! The workflow rows of the bench: conversions through the real ops and store.

use std::time::Instant;

use termcrm::model::sales_forecast::ForecastLine;
use termcrm::model::{
    Entity, Interaction, Opportunity, Prospect, SalesForecast, SalesPeriod, Salesperson,
};
use termcrm::ops::convert::convert_prospect;
use termcrm::ops::forecast::{line_of, rollup, Filter};
use termcrm::store::{Change, Store};

use super::{at_most_dur, dur, ms, note, row, thousands, Res};

/// A prospect named by 100 records (opportunities and interactions), converted.
pub fn workflow_rows(store: &Store) -> Res<()> {
    let territory = store
        .list(
            termcrm::model::entity("territory").expect("registered"),
            Some(1),
        )?
        .first()
        .map(|t| t.key().to_string())
        .unwrap_or_default();
    let prospect = Prospect {
        key: store.reserve_key(Prospect::DEF)?,
        name: "Bench Konvertierung GmbH".into(),
        territory,
        status: "open".into(),
        ..Default::default()
    };
    let key = prospect.key.clone();
    let mut changes = vec![Change::Insert(Box::new(prospect))];
    for i in 0..50 {
        changes.push(Change::Insert(Box::new(Opportunity {
            description: format!("Bench opportunity {i}"),
            prospect: key.clone(),
            ..Default::default()
        })));
        changes.push(Change::Insert(Box::new(Interaction {
            prospect: key.clone(),
            occurred_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
                .and_then(|d| d.and_hms_opt(10, 0, 0)),
            ..Default::default()
        })));
    }
    store.apply(changes)?;
    let t = Instant::now();
    let done = convert_prospect(store, &key)?;
    let took = t.elapsed();
    row(
        "convert a prospect with 100 related",
        &dur(took),
        "<= 50 ms",
        &at_most_dur(took, ms(50)),
        &format!("{} records moved, one transaction", done.moved.len()),
    );
    Ok(())
}

/// Lines over all forecasts of the bench's own period.
const FORECAST_LINES: usize = 100_000;

/// A period whose forecasts (one per salesperson) list 100,000 opportunities in
/// all, rolled up by salesperson, team and territory — in a new process's view:
/// written, closed, opened again (as `crm forecast` finds them).
pub fn forecast_rows(path: &std::path::Path) -> Res<()> {
    let store = Store::open(path)?;
    let mut lines = Vec::new();
    for r in store.scan(Opportunity::DEF) {
        if let Some(o) = r?.downcast_ref::<Opportunity>() {
            lines.push(line_of(o));
        }
    }
    let salespersons: Vec<String> = store
        .scan(Salesperson::DEF)
        .filter_map(|r| r.ok().map(|r| r.key().to_string()))
        .collect();
    if lines.is_empty() || salespersons.is_empty() {
        return Ok(());
    }
    // A database an earlier run kept has its bench forecasts already.
    if store.get(SalesPeriod::DEF, "BENCH-Q")?.is_some() {
        note("the bench forecasts of an earlier run are reused");
    } else {
        write_forecasts(&store, &lines, &salespersons)?;
    }
    drop(store);
    let store = Store::open(path)?;
    let mut runs = Vec::new();
    let mut total = None;
    for _ in 0..5 {
        let t = Instant::now();
        let r = rollup(&store, "BENCH-Q", &Filter::default())?;
        runs.push(t.elapsed());
        total = Some(r);
    }
    runs.sort();
    let took = runs[runs.len() / 2];
    let r = total.expect("ran");
    row(
        "forecast roll-up of 100k opportunities",
        &dur(took),
        "<= 200 ms",
        &at_most_dur(took, ms(200)),
        &format!(
            "median of 5; {} forecasts, {} lines, {} groups",
            r.total.forecasts,
            r.total.lines,
            r.groups.len()
        ),
    );
    // Saving an opportunity refreshes its line in every draft forecast naming it.
    let Some(key) = lines.first().map(|l| l.opportunity.clone()) else {
        return Ok(());
    };
    let naming = store.keys_naming(Opportunity::DEF, &key, SalesForecast::DEF)?;
    let mut runs = Vec::new();
    for i in 0..3 {
        let old = store.fetch_as::<Opportunity>(&key)?;
        let mut new = old.clone();
        new.probability = Some(10 + i * 20);
        let t = Instant::now();
        termcrm::ops::save::save(&store, Some(&old), Box::new(new))?;
        runs.push(t.elapsed());
    }
    runs.sort();
    row(
        &format!("save an opportunity in {} forecasts", naming.len()),
        &dur(runs[1]),
        "",
        "ref",
        &format!(
            "median of 3; lines of {} opportunities each",
            thousands((FORECAST_LINES / salespersons.len()) as u64)
        ),
    );
    Ok(())
}

/// The bench period and its forecasts: `FORECAST_LINES` lines over the salespersons.
fn write_forecasts(store: &Store, lines: &[ForecastLine], salespersons: &[String]) -> Res<()> {
    store.apply(vec![Change::Insert(Box::new(SalesPeriod {
        key: "BENCH-Q".into(),
        description: "Bench quarter".into(),
        start_date: chrono::NaiveDate::from_ymd_opt(2030, 1, 1),
        end_date: chrono::NaiveDate::from_ymd_opt(2030, 3, 31),
    }))])?;
    let per = FORECAST_LINES.div_ceil(salespersons.len());
    let mut written = 0;
    for sp in salespersons {
        let n = per.min(FORECAST_LINES - written);
        let forecast = SalesForecast {
            salesperson: sp.clone(),
            period: "BENCH-Q".into(),
            status: "draft".into(),
            quota: Some(termcrm::model::Money::eur(50_000_000)),
            lines: (written..written + n)
                .map(|i| lines[i % lines.len()].clone())
                .collect(),
            ..Default::default()
        };
        store.apply(vec![Change::Insert(Box::new(forecast))])?;
        written += n;
    }
    store.flush()?;
    Ok(())
}
