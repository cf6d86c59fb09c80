//! Reports computed in the server: the pipeline board, the pipeline, forecast,
//! won-and-lost, activity and campaign reports, and the generic group-by of a
//! query. Each selects its records once (through the query planner, so a
//! territory or salesperson filter reads an index), groups them with
//! `report::Grouper`, and hands out a `report::Report` every front end shares.

mod activity;
mod board;
pub mod cache;
mod group;
mod pipeline;
mod sales;
#[cfg(test)]
mod tests;

pub use board::board;
pub use group::group_query;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::model::{Entity, Opportunity, OpportunityStage, Record, SalesPeriod};
use crate::query::{self, Env, Query};
use crate::report::{Params, Report, ReportKind};
use crate::store::{Result, Store, StoreError};
use cache::{Codes, OppRow};

/// Runs one report.
pub fn run(store: &Store, env: &Env, kind: ReportKind, params: &Params) -> Result<Report> {
    check_range(params)?;
    match kind {
        ReportKind::Pipeline => pipeline::pipeline(store, env, params),
        ReportKind::Forecast => sales::forecast(store, env, params),
        ReportKind::WinLoss => sales::win_loss(store, env, params),
        ReportKind::Activity => activity::activity(store, env, params),
        ReportKind::Campaigns => activity::campaigns(store, params),
    }
}

fn usage(field: &str, value: &str, message: impl Into<String>) -> StoreError {
    StoreError::invalid("report", "", field, value, message)
}

fn check_range(p: &Params) -> Result<()> {
    if let (Some(f), Some(t)) = (p.from, p.to) {
        if f > t {
            return Err(usage(
                "from",
                &f.to_string(),
                format!("--from {f} is after --to {t}; give the earlier date first"),
            ));
        }
    }
    if p.period.is_some() && (p.from.is_some() || p.to.is_some()) {
        return Err(usage(
            "period",
            p.period.as_deref().unwrap_or_default(),
            "give either --period or --from/--to, not both",
        ));
    }
    Ok(())
}

/// A sales period's code and dates; the error lists the periods when the code
/// names none.
fn period(store: &Store, code: &str) -> Result<(String, NaiveDate, NaiveDate)> {
    let code = code.trim().to_uppercase();
    let p = store.fetch_as::<SalesPeriod>(&code)?;
    match (p.start_date, p.end_date) {
        (Some(s), Some(e)) => Ok((p.key, s, e)),
        _ => Err(usage(
            "period",
            &code,
            "the sales period has no start or end date",
        )),
    }
}

/// The period containing `day`, if any. When several do (a month inside a
/// quarter), the one with the most forecasts, then the latest starting.
fn period_of(store: &Store, day: NaiveDate) -> Result<Option<(String, NaiveDate, NaiveDate)>> {
    let mut candidates: Vec<(String, NaiveDate, NaiveDate)> = Vec::new();
    for r in store.scan(SalesPeriod::DEF) {
        let r = r?;
        let Some(p) = r.downcast_ref::<SalesPeriod>() else {
            continue;
        };
        if let (Some(s), Some(e)) = (p.start_date, p.end_date) {
            if s <= day && day <= e {
                candidates.push((p.key.clone(), s, e));
            }
        }
    }
    if candidates.len() > 1 {
        let mut forecasts: HashMap<String, usize> = HashMap::new();
        for r in store.scan(crate::model::SalesForecast::DEF) {
            if let Some(f) = r?.downcast_ref::<crate::model::SalesForecast>() {
                if candidates.iter().any(|c| c.0 == f.period) {
                    *forecasts.entry(f.period.clone()).or_default() += 1;
                }
            }
        }
        let n = |c: &(String, NaiveDate, NaiveDate)| forecasts.get(&c.0).copied().unwrap_or(0);
        candidates.sort_by_key(|c| (n(c), c.1));
    }
    Ok(candidates.pop())
}

/// The date range a report covers: `--period`, else `--from`/`--to` (either end
/// open), else `default`.
struct Range {
    label: String,
    label_de: String,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    period: Option<String>,
}

impl Range {
    fn of(store: &Store, p: &Params) -> Result<Option<Range>> {
        if let Some(code) = &p.period {
            let (code, s, e) = period(store, code)?;
            return Ok(Some(Range {
                label: format!("period {code} ({s} – {e})"),
                label_de: format!("Periode {code} ({s} – {e})"),
                from: Some(s),
                to: Some(e),
                period: Some(code),
            }));
        }
        if p.from.is_none() && p.to.is_none() {
            return Ok(None);
        }
        let show = |d: Option<NaiveDate>| d.map_or("…".to_string(), |d| d.to_string());
        Ok(Some(Range {
            label: format!("{} – {}", show(p.from), show(p.to)),
            label_de: format!("{} – {}", show(p.from), show(p.to)),
            from: p.from,
            to: p.to,
            period: None,
        }))
    }

    /// The period containing today (the latest starting one), if any.
    fn current(store: &Store, today: NaiveDate) -> Result<Option<Range>> {
        Ok(period_of(store, today)?.map(|(code, s, e)| Range {
            label: format!("period {code} ({s} – {e})"),
            label_de: format!("Periode {code} ({s} – {e})"),
            from: Some(s),
            to: Some(e),
            period: Some(code),
        }))
    }

    /// The last `days` days up to today.
    fn recent(today: NaiveDate, days: i64) -> Range {
        let from = today - chrono::Duration::days(days - 1);
        Range {
            label: format!("last {days} days ({from} – {today})"),
            label_de: format!("letzte {days} Tage ({from} – {today})"),
            from: Some(from),
            to: Some(today),
            period: None,
        }
    }

    fn holds(&self, d: Option<NaiveDate>) -> bool {
        match d {
            Some(d) => self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t),
            None => false,
        }
    }
}

/// The query text of a report's filters over an entity with these field names
/// (None: the entity has no such field and the filter is refused).
fn filter_text(
    p: &Params,
    salesperson: &str,
    team: Option<&str>,
    territory: Option<&str>,
) -> Result<String> {
    let mut parts = Vec::new();
    let code = |field: &str, v: &str| -> Result<String> {
        let v = v.trim();
        if v.is_empty()
            || v.contains(|c: char| c.is_whitespace() || c == '"' || c == ')' || c == '(')
        {
            return Err(usage(
                field,
                v,
                format!("--{field} takes one code, such as NORD"),
            ));
        }
        Ok(v.to_string())
    };
    if let Some(s) = &p.salesperson {
        parts.push(format!("{salesperson}:{}", code("salesperson", s)?));
    }
    for (value, field, name) in [
        (&p.team, team, "team"),
        (&p.territory, territory, "territory"),
    ] {
        if let Some(v) = value {
            let Some(field) = field else {
                return Err(usage(
                    name,
                    v,
                    format!("this report has no {name} to filter by"),
                ));
            };
            parts.push(format!("{field}:{}", code(name, v)?));
        }
    }
    if let Some(q) = p.query.as_deref().filter(|q| !q.trim().is_empty()) {
        parts.push(format!("({q})"));
    }
    Ok(parts.join(" "))
}

/// The records of `def` that the filters select, through the planner.
fn select(
    store: &Store,
    env: &Env,
    def: &'static crate::model::EntityDef,
    text: &str,
) -> Result<Vec<Box<dyn Record>>> {
    let q = Query::parse(text, def).map_err(|e| usage("query", text, e.to_string()))?;
    let compiled = q.compile(store, env).map_err(|e| match e {
        query::Error::Store(e) => e,
        other => usage("query", text, other.to_string()),
    })?;
    query::select(&compiled, None)
}

/// Runs `f` over the opportunities the filters select, as projection rows. Without
/// a query they come from the server's projection (filters on interned codes, no
/// record read); a query goes through the planner and the rows are made from the
/// records it selects.
fn with_opps<T>(
    store: &Store,
    env: &Env,
    p: &Params,
    f: impl FnOnce(&Codes, &mut dyn Iterator<Item = &OppRow>) -> Result<T>,
) -> Result<T> {
    if p.query.as_deref().is_some_and(|q| !q.trim().is_empty()) {
        let text = filter_text(p, "salesperson", Some("sales_team"), Some("territory"))?;
        let mut codes = Codes::default();
        let rows: Vec<OppRow> = select(store, env, Opportunity::DEF, &text)?
            .iter()
            .filter_map(|r| r.as_any().downcast_ref::<Opportunity>())
            .map(|o| OppRow::of(o, &mut codes))
            .collect();
        return f(&codes, &mut rows.iter());
    }
    // Each filter must name a record (with a did-you-mean), as the query would.
    filter_text(p, "salesperson", Some("sales_team"), Some("territory"))?;
    let code = |v: &Option<String>| v.as_deref().map(|v| v.trim().to_uppercase());
    let salesperson = match code(&p.salesperson) {
        Some(s) if s == "ME" => Some(env.me.clone().ok_or_else(|| {
            usage(
                "salesperson",
                "me",
                format!("OS user '{}' is no salesperson; name one", env.user),
            )
        })?),
        other => other,
    };
    if let Some(s) = &salesperson {
        store.fetch_as::<crate::model::Salesperson>(s)?;
    }
    let team = code(&p.team);
    if let Some(t) = &team {
        store.fetch_as::<crate::model::SalesTeam>(t)?;
    }
    let territory = code(&p.territory);
    if let Some(t) = &territory {
        store.fetch_as::<crate::model::Territory>(t)?;
    }
    cache::with(store, cache::Need::Opportunities, |proj| {
        // A code no row names selects nothing (u32::MAX matches no row).
        let id = |c: &Option<String>| c.as_deref().map(|c| proj.codes.find(c).unwrap_or(u32::MAX));
        let (s, t, r) = (id(&salesperson), id(&team), id(&territory));
        let mut rows = proj.opps.rows.values().filter(|o| {
            s.is_none_or(|s| o.salesperson == s)
                && t.is_none_or(|t| o.sales_team == t)
                && r.is_none_or(|r| o.territory == r)
        });
        f(&proj.codes, &mut rows)
    })
}

/// The stages in sequence order (then by code), with their descriptions.
fn stages(store: &Store) -> Result<Vec<OpportunityStage>> {
    let mut out = Vec::new();
    for r in store.scan(OpportunityStage::DEF) {
        if let Some(s) = r?.downcast_ref::<OpportunityStage>() {
            out.push(s.clone());
        }
    }
    out.sort_by(|a, b| {
        (a.sequence.unwrap_or(i64::MAX), &a.key).cmp(&(b.sequence.unwrap_or(i64::MAX), &b.key))
    });
    Ok(out)
}

/// What each status means (open, won, lost, cancelled); an empty status is open.
struct Meanings(HashMap<String, String>);

impl Meanings {
    fn of(store: &Store) -> Result<Meanings> {
        Ok(Meanings(crate::ops::forecast::meanings(store)?))
    }

    fn is(&self, status: &str, meaning: &str) -> bool {
        if status.is_empty() {
            return meaning == "open";
        }
        self.0.get(status).is_some_and(|m| m == meaning)
    }
}

/// The scope line in English and German: `prefix`, the range and the filters
/// given.
fn scope(prefix: (&str, &str), range: Option<&Range>, p: &Params) -> (String, String) {
    let (mut en, mut de) = (Vec::new(), Vec::new());
    if let Some(r) = range {
        en.push(r.label.clone());
        de.push(r.label_de.clone());
    }
    for (name, name_de, v) in [
        ("salesperson", "Verkäufer", &p.salesperson),
        ("team", "Team", &p.team),
        ("territory", "Gebiet", &p.territory),
        ("query", "Abfrage", &p.query),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            let v = crate::util::excerpt(v.trim());
            en.push(format!("{name} {v}"));
            de.push(format!("{name_de} {v}"));
        }
    }
    if en.is_empty() {
        en.push("all records".into());
        de.push("alle Datensätze".into());
    }
    let join = |prefix: &str, parts: Vec<String>| {
        let body = parts.join(" · ");
        if prefix.is_empty() {
            body
        } else {
            format!("{prefix} · {body}")
        }
    };
    (join(prefix.0, en), join(prefix.1, de))
}

/// A report's `--by` refused: the field and what it may be.
fn bad_by(by: &str, allowed: &[&str]) -> StoreError {
    let hint = crate::util::suggest::nearest(by, allowed.iter().copied())
        .map(|s| format!("did you mean '{s}'? "))
        .unwrap_or_default();
    usage(
        "by",
        by,
        format!(
            "cannot group by '{}'; {hint}this report groups by {}",
            crate::util::excerpt(by),
            allowed.join(", ")
        ),
    )
}

/// Checked money sums fail with the section's name.
fn too_large(section: &str) -> impl Fn(String) -> StoreError + '_ {
    move |e| usage("sum", section, e)
}
