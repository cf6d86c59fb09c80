//! Sales forecasts: a salesperson's opportunities for one sales period. While a
//! forecast is draft its lines follow their opportunities (every opportunity write
//! refreshes them in the same transaction, see `follow`); submitting freezes them.
//! Figures and roll-ups are derived from the lines alone, never stored.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::model::sales_forecast::ForecastLine;
use crate::model::{
    Entity, Money, Opportunity, OpportunityStatus, SalesForecast, SalesPeriod, SalesTeam,
    Salesperson,
};
use crate::store::{Change, Result, Store, StoreError};

/// A line that mirrors the opportunity now.
pub fn line_of(opp: &Opportunity) -> ForecastLine {
    ForecastLine {
        opportunity: opp.key.clone(),
        amount: opp.amount,
        probability: opp.probability,
        stage: opp.stage.clone(),
        status: opp.status.clone(),
        territory: opp.territory.clone(),
        sales_team: opp.sales_team.clone(),
    }
}

/// Whether the forecast's lines still follow their opportunities.
pub fn is_draft(f: &SalesForecast) -> bool {
    f.status.is_empty() || f.status == "draft"
}

fn refuse(key: &str, field: &str, value: &str, message: impl Into<String>) -> StoreError {
    StoreError::invalid(SalesForecast::DEF.name, key, field, value, message)
}

/// The forecast `key`, which must still be a draft (`why`: what a submitted one
/// cannot do).
fn draft(store: &Store, key: &str, why: &str) -> Result<SalesForecast> {
    let f = forecast(store, key)?;
    if is_draft(&f) {
        Ok(f)
    } else {
        Err(refuse(&f.key, "status", &f.status, why))
    }
}

/// The updates that make every draft forecast listing `opp` follow it; written by
/// the caller in the same transaction as the opportunity.
pub fn follow(store: &Store, opp: &Opportunity) -> Result<Vec<Change>> {
    let mut out = Vec::new();
    let line = line_of(opp);
    let mut meaning = None;
    for key in store.keys_naming(Opportunity::DEF, &opp.key, SalesForecast::DEF)? {
        let Some(mut f) = store.get_as::<SalesForecast>(&key)? else {
            continue;
        };
        if !is_draft(&f) {
            continue;
        }
        if meaning.is_none() {
            meaning = Some(meanings(store)?);
        }
        let meanings = meaning.as_ref().expect("read above");
        let before = weighted(&f, meanings);
        let mut changed = false;
        for l in f.lines.iter_mut().filter(|l| l.opportunity == opp.key) {
            if *l != line {
                *l = line.clone();
                changed = true;
            }
        }
        if changed {
            track_amount(&mut f, before, meanings);
            out.push(Change::Update(Box::new(f)));
        }
    }
    Ok(out)
}

/// A draft's weighted total (in its first currency), if it can be summed.
fn weighted(f: &SalesForecast, meanings: &HashMap<String, String>) -> Option<Money> {
    Figures::of(f, meanings).ok()?.weighted.first()
}

/// While a forecast is draft, an empty forecast amount, or one still at the
/// weighted total of `before` the change, follows the weighted total; a figure
/// typed in stays.
fn track_amount(f: &mut SalesForecast, before: Option<Money>, meanings: &HashMap<String, String>) {
    if is_draft(f) && (f.forecast_amount.is_none() || f.forecast_amount == before) {
        if let Some(now) = weighted(f, meanings) {
            f.forecast_amount = Some(now);
        }
    }
}

/// Refreshes a draft forecast's lines from their opportunities before it is saved
/// (lines typed in the form get their stage, status, territory and team).
pub fn refresh_lines(store: &Store, f: &mut SalesForecast) -> Result<()> {
    if !is_draft(f) {
        return Ok(());
    }
    let meanings = meanings(store)?;
    let stored = store.get_as::<SalesForecast>(&f.key)?;
    let before = stored.and_then(|s| weighted(&s, &meanings));
    for l in &mut f.lines {
        if let Some(opp) = store.get_as::<Opportunity>(&l.opportunity)? {
            *l = line_of(&opp);
        }
    }
    track_amount(f, before, &meanings);
    Ok(())
}

fn forecast(store: &Store, key: &str) -> Result<SalesForecast> {
    store.fetch_as::<SalesForecast>(key)
}

fn period(store: &Store, f: &SalesForecast) -> Result<(NaiveDate, NaiveDate)> {
    let p = store
        .get_as::<SalesPeriod>(&f.period)?
        .ok_or_else(|| refuse(&f.key, "period", &f.period, "names no sales period"))?;
    match (p.start_date, p.end_date) {
        (Some(s), Some(e)) => Ok((s, e)),
        _ => Err(refuse(
            &f.key,
            "period",
            &f.period,
            "the sales period has no start or end date",
        )),
    }
}

/// What each opportunity status code means (open, won, lost, cancelled).
pub fn meanings(store: &Store) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    for r in store.scan(OpportunityStatus::DEF) {
        if let Some(s) = r?.downcast_ref::<OpportunityStatus>() {
            out.insert(s.key.clone(), s.meaning.clone());
        }
    }
    Ok(out)
}

fn is_open(meanings: &HashMap<String, String>, status: &str) -> bool {
    status.is_empty() || meanings.get(status).is_some_and(|m| m == "open")
}

/// The salesperson's open opportunities closing in the forecast's period that it
/// does not list yet, soonest first: what "add opportunities" offers.
pub fn candidates(store: &Store, key: &str) -> Result<Vec<Opportunity>> {
    let f = forecast(store, key)?;
    let (start, end) = period(store, &f)?;
    let meanings = meanings(store)?;
    let mut out = Vec::new();
    for k in store.keys_naming(Salesperson::DEF, &f.salesperson, Opportunity::DEF)? {
        let Some(opp) = store.get_as::<Opportunity>(&k)? else {
            continue;
        };
        let in_period = opp.expected_close.is_some_and(|d| start <= d && d <= end);
        let listed = f.lines.iter().any(|l| l.opportunity == opp.key);
        if opp.salesperson == f.salesperson
            && in_period
            && !listed
            && is_open(&meanings, &opp.status)
        {
            out.push(opp);
        }
    }
    out.sort_by(|a, b| (a.expected_close, &a.key).cmp(&(b.expected_close, &b.key)));
    Ok(out)
}

/// Adds opportunities to a draft forecast; each must be its salesperson's, open and
/// closing in its period. All or none are added. Returns the number added.
pub fn add(store: &Store, key: &str, opportunities: &[String]) -> Result<usize> {
    let mut f = draft(
        store,
        key,
        "the forecast is submitted and its lines are frozen; only draft forecasts take opportunities",
    )?;
    let (start, end) = period(store, &f)?;
    let meanings = meanings(store)?;
    let before = weighted(&f, &meanings);
    for k in opportunities {
        let k = k.trim().to_uppercase();
        let opp = store.fetch_as::<Opportunity>(&k)?;
        let why = if opp.salesperson != f.salesperson {
            Some(format!(
                "opportunity {k} belongs to salesperson '{}', not to {}, whose forecast this is",
                opp.salesperson, f.salesperson
            ))
        } else if !is_open(&meanings, &opp.status) {
            Some(format!(
                "opportunity {k} is {}; only open opportunities are forecast",
                meanings.get(&opp.status).map_or("closed", String::as_str)
            ))
        } else if f.lines.iter().any(|l| l.opportunity == k) {
            Some(format!("opportunity {k} is in the forecast already"))
        } else {
            match opp.expected_close {
                Some(d) if start <= d && d <= end => None,
                Some(d) => Some(format!(
                    "opportunity {k} is expected to close on {d}, outside period {} ({start} – {end})",
                    f.period
                )),
                None => Some(format!(
                    "opportunity {k} has no expected close date; set one in period {} first",
                    f.period
                )),
            }
        };
        if let Some(why) = why {
            return Err(refuse(&f.key, "lines", &k, why));
        }
        f.lines.push(line_of(&opp));
    }
    track_amount(&mut f, before, &meanings);
    let added = opportunities.len();
    store.apply(vec![Change::Update(Box::new(f))])?;
    Ok(added)
}

/// Submits a draft forecast: its lines take their opportunities' figures once more
/// and stay so; the forecast amount becomes the weighted total unless one was typed.
pub fn submit(store: &Store, key: &str) -> Result<SalesForecast> {
    let mut f = draft(store, key, "the forecast is submitted already")?;
    if f.lines.is_empty() {
        return Err(refuse(
            &f.key,
            "lines",
            "",
            format!(
                "an empty forecast cannot be submitted; add opportunities first (crm forecast add {} OPP…)",
                f.key
            ),
        ));
    }
    refresh_lines(store, &mut f)?;
    let figures = Figures::of(&f, &meanings(store)?).map_err(|e| refuse(&f.key, "lines", "", e))?;
    if f.forecast_amount.is_none() {
        f.forecast_amount = figures.weighted.first();
    }
    f.status = "submitted".into();
    store.apply(vec![Change::Update(Box::new(f.clone()))])?;
    Ok(f)
}

pub use crate::report::Sums;

/// A forecast's (or a group's) derived figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    pub forecasts: usize,
    pub lines: usize,
    /// Every amount at 100 %.
    pub potential: Sums,
    /// Amount × probability, each line rounded half up.
    pub weighted: Sums,
    /// Amounts of the lines whose opportunity is won.
    pub won: Sums,
    pub quota: Sums,
}

/// The figures' sums: an error when one exceeds the largest amount.
type Summed = std::result::Result<(), String>;

impl Figures {
    /// The forecast's figures; an error when a sum exceeds the largest amount.
    pub fn of(
        f: &SalesForecast,
        meanings: &HashMap<String, String>,
    ) -> std::result::Result<Figures, String> {
        let mut out = Figures::default();
        out.add_forecast(f)?;
        for l in &f.lines {
            out.add(&LineFigures::of(l, meanings))?;
        }
        Ok(out)
    }

    fn add_forecast(&mut self, f: &SalesForecast) -> Summed {
        self.forecasts += 1;
        if let Some(q) = f.quota {
            self.quota.add(q)?;
        }
        Ok(())
    }

    fn add(&mut self, l: &LineFigures) -> Summed {
        self.lines += 1;
        let Some((amount, weighted)) = l.amounts else {
            return Ok(());
        };
        self.potential.add(amount)?;
        self.weighted.add(weighted)?;
        if l.won {
            self.won.add(amount)?;
        }
        Ok(())
    }

    fn merge(&mut self, o: &Figures) -> Summed {
        self.forecasts += o.forecasts;
        self.lines += o.lines;
        self.potential.merge(&o.potential)?;
        self.weighted.merge(&o.weighted)?;
        self.won.merge(&o.won)?;
        self.quota.merge(&o.quota)
    }

    /// Closed-won as a percentage of the quota (in the quota's currency), one decimal.
    pub fn attainment(&self) -> Option<f64> {
        let quota = self.quota.first().filter(|q| q.cents > 0)?;
        let won = self.won.cents(quota.currency) as f64;
        Some((won * 1000.0 / quota.cents as f64).round() / 10.0)
    }
}

/// What one line adds: its amount and weighted amount, and whether it is won.
struct LineFigures {
    amounts: Option<(Money, Money)>,
    won: bool,
}

impl LineFigures {
    fn of(l: &ForecastLine, meanings: &HashMap<String, String>) -> LineFigures {
        let amounts = l.amount.map(|amount| {
            let p = i128::from(l.probability.unwrap_or(0).clamp(0, 100));
            let w = (i128::from(amount.cents) * p + 50).div_euclid(100);
            let w = Money::new(i64::try_from(w).unwrap_or(i64::MAX), amount.currency);
            (amount, w)
        });
        let won = !l.status.is_empty() && meanings.get(&l.status).is_some_and(|m| m == "won");
        LineFigures { amounts, won }
    }
}

/// Adds a line's figures to its group, creating the group on first sight.
fn add_to(map: &mut BTreeMap<String, Figures>, group: &str, l: &LineFigures) -> Summed {
    match map.get_mut(group) {
        Some(f) => f.add(l),
        None => map.entry(group.to_string()).or_default().add(l),
    }
}

/// Which lines a roll-up counts.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Filter {
    pub salesperson: Option<String>,
    pub team: Option<String>,
    pub territory: Option<String>,
}

/// One group of a roll-up.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Group {
    /// "salesperson", "sales_team", "territory" or "total".
    #[serde(with = "crate::util::statics")]
    pub kind: crate::util::statics::Name,
    pub key: String,
    pub figures: Figures,
}

/// A period's forecasts rolled up by salesperson, sales team and territory.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rollup {
    pub period: String,
    pub groups: Vec<Group>,
    pub total: Figures,
}

/// Rolls up the period's forecasts. Teams and territories group the lines by their
/// opportunity's; a team's quota is the sum of its members' forecast quotas.
pub fn rollup(store: &Store, period: &str, filter: &Filter) -> Result<Rollup> {
    let period = period.trim().to_uppercase();
    store.fetch_as::<SalesPeriod>(&period)?;
    let up = |s: &Option<String>| s.as_ref().map(|v| v.trim().to_uppercase());
    let (sp, team, territory) = (
        up(&filter.salesperson),
        up(&filter.team),
        up(&filter.territory),
    );
    // A filter naming nothing is a mistake to say, with a did-you-mean, not an
    // empty roll-up.
    if let Some(s) = &sp {
        store.fetch_as::<crate::model::Salesperson>(s)?;
    }
    if let Some(t) = &team {
        store.fetch_as::<crate::model::SalesTeam>(t)?;
    }
    if let Some(t) = &territory {
        store.fetch_as::<crate::model::Territory>(t)?;
    }
    let meanings = meanings(store)?;
    let mut by_sp: BTreeMap<String, Figures> = BTreeMap::new();
    let mut by_team: BTreeMap<String, Figures> = BTreeMap::new();
    let mut by_territory: BTreeMap<String, Figures> = BTreeMap::new();
    let mut quotas: HashMap<String, Sums> = HashMap::new();
    let mut total = Figures::default();
    for r in store.scan_containing(SalesForecast::DEF, &period) {
        let r = r?;
        let Some(f) = r.downcast_ref::<SalesForecast>() else {
            continue;
        };
        if f.period != period || sp.as_ref().is_some_and(|s| *s != f.salesperson) {
            continue;
        }
        let too_large = |e: String| refuse(&f.key, "lines", "", e);
        let mut own = Figures::default();
        own.add_forecast(f).map_err(too_large)?;
        for l in &f.lines {
            let team_ok = team.as_ref().is_none_or(|t| *t == l.sales_team);
            let territory_ok = territory.as_ref().is_none_or(|t| *t == l.territory);
            if !(team_ok && territory_ok) {
                continue;
            }
            let figures = LineFigures::of(l, &meanings);
            own.add(&figures)
                .and_then(|()| add_to(&mut by_team, &l.sales_team, &figures))
                .and_then(|()| add_to(&mut by_territory, &l.territory, &figures))
                .map_err(too_large)?;
        }
        quotas
            .entry(f.salesperson.clone())
            .or_default()
            .merge(&own.quota)
            .and_then(|()| total.merge(&own))
            .and_then(|()| by_sp.entry(f.salesperson.clone()).or_default().merge(&own))
            .map_err(too_large)?;
    }
    for (code, figures) in by_team.iter_mut() {
        if let Some(t) = store.get_as::<SalesTeam>(code)? {
            let mut members = t.members.clone();
            members.push(t.leader.clone());
            members.sort();
            members.dedup();
            for m in members {
                if let Some(q) = quotas.get(&m) {
                    figures.quota.merge(q).map_err(|e| {
                        StoreError::invalid(SalesTeam::DEF.name, code, "quota", "", e)
                    })?;
                }
            }
        }
    }
    let mut groups = Vec::new();
    for (kind, map) in [
        ("salesperson", by_sp),
        ("sales_team", by_team),
        ("territory", by_territory),
    ] {
        groups.extend(
            map.into_iter()
                .map(|(key, figures)| Group { kind, key, figures }),
        );
    }
    Ok(Rollup {
        period,
        groups,
        total,
    })
}

#[cfg(test)]
#[path = "forecast_tests.rs"]
mod tests;
