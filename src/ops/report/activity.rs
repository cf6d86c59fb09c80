//! The activity report (interactions and completed tasks per salesperson per
//! week) and the campaigns report (leads, opportunities, won revenue and ROI per
//! campaign).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};

use super::{scope, too_large, usage, Range};
use crate::model::{Campaign, Entity, SalesTeam};
use crate::ops::campaign;
use crate::query::Env;
use crate::report::{Cell, Chart, Column, ColumnKind, Params, Report, ReportKind, Section, Sums};
use crate::store::{Result, Store};

/// Weeks the activity report covers without a range.
const WEEKS: i64 = 12;
/// The most weeks one report covers.
const MAX_WEEKS: i64 = 106;

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Per salesperson: interactions and completed tasks per week.
#[derive(Default)]
struct Counts {
    interactions: Vec<u64>,
    tasks: Vec<u64>,
}

pub(super) fn activity(store: &Store, env: &Env, p: &Params) -> Result<Report> {
    if p.query.is_some() || p.territory.is_some() {
        return Err(usage(
            "query",
            "",
            "the activity report filters by --salesperson or --team only",
        ));
    }
    if let Some(by) =
        p.by.as_deref()
            .filter(|b| !b.eq_ignore_ascii_case("salesperson"))
    {
        return Err(super::bad_by(by, &["salesperson"]));
    }
    let range = Range::of(store, p)?;
    let to = range.as_ref().and_then(|r| r.to).unwrap_or(env.today);
    let first = monday(
        range
            .as_ref()
            .and_then(|r| r.from)
            .unwrap_or(to - Duration::weeks(WEEKS - 1)),
    );
    let weeks = ((monday(to) - first).num_days() / 7 + 1).clamp(1, MAX_WEEKS);
    if (monday(to) - first).num_days() / 7 + 1 > MAX_WEEKS {
        return Err(usage(
            "from",
            &first.to_string(),
            format!("the activity report covers at most {MAX_WEEKS} weeks; give a shorter range"),
        ));
    }
    let week_of = |d: NaiveDate| -> Option<usize> {
        if d < first || d > to {
            return None;
        }
        usize::try_from((d - first).num_days() / 7).ok()
    };
    let people: Option<Vec<String>> = match (&p.salesperson, &p.team) {
        (Some(s), _) if s.trim().eq_ignore_ascii_case("me") => {
            Some(vec![env.me.clone().ok_or_else(|| {
                usage(
                    "salesperson",
                    "me",
                    format!("OS user '{}' is no salesperson; name one", env.user),
                )
            })?])
        }
        (Some(s), _) => {
            let s = s.trim().to_uppercase();
            store.fetch_as::<crate::model::Salesperson>(&s)?;
            Some(vec![s])
        }
        (None, Some(t)) => {
            let t = store.fetch_as::<SalesTeam>(&t.trim().to_uppercase())?;
            let mut m = t.members.clone();
            m.push(t.leader.clone());
            Some(m)
        }
        (None, None) => None,
    };
    let wanted = |s: &str| people.as_ref().is_none_or(|p| p.iter().any(|x| x == s));
    let n = weeks as usize;
    let mut by: BTreeMap<String, Counts> = BTreeMap::new();
    super::cache::with(store, super::cache::Need::Activity, |proj| {
        let codes = &proj.codes;
        for i in proj.interactions.rows.values() {
            let Some(w) = i.day.and_then(week_of) else {
                continue;
            };
            let who = codes.name(i.salesperson);
            if wanted(who) {
                counts(&mut by, who, n).interactions[w] += 1;
            }
        }
        for t in proj.tasks.rows.values() {
            let Some(w) = t.done_on.and_then(week_of) else {
                continue;
            };
            let who = codes.name(t.owner);
            if wanted(who) {
                counts(&mut by, who, n).tasks[w] += 1;
            }
        }
        Ok(())
    })?;
    let mut total = Counts {
        interactions: vec![0; n],
        tasks: vec![0; n],
    };
    let row = |label: &str, c: &Counts| {
        vec![
            Cell::Text(label.to_string()),
            Cell::Count(c.interactions.iter().sum()),
            Cell::Count(c.tasks.iter().sum()),
            Cell::Series(c.interactions.clone()),
            Cell::Series(c.tasks.clone()),
        ]
    };
    let mut rows = Vec::new();
    for (s, c) in &by {
        for w in 0..n {
            total.interactions[w] += c.interactions[w];
            total.tasks[w] += c.tasks[w];
        }
        rows.push(row(s, c));
    }
    let last = first + Duration::weeks(weeks) - Duration::days(1);
    let covered = Range {
        label: format!("{weeks} weeks {first} – {}", last.min(to)),
        label_de: format!("{weeks} Wochen {first} – {}", last.min(to)),
        from: Some(first),
        to: Some(to),
        period: None,
    };
    let (scope_en, scope_de) = scope(("", ""), Some(&covered), p);
    Ok(Report {
        kind: ReportKind::Activity,
        scope: scope_en,
        scope_de,
        from: Some(first),
        to: Some(to),
        sections: vec![Section {
            name: "by_salesperson".into(),
            en: "Activity per salesperson and week".into(),
            de: "Aktivität je Verkäufer und Woche".into(),
            columns: vec![
                Column::new("salesperson", "Salesperson", "Verkäufer", ColumnKind::Text),
                Column::new(
                    "interactions",
                    "Interactions",
                    "Interaktionen",
                    ColumnKind::Count,
                ),
                Column::new(
                    "tasks_done",
                    "Tasks done",
                    "Erledigte Aufgaben",
                    ColumnKind::Count,
                ),
                Column::new(
                    "interactions_weekly",
                    "Interactions per week",
                    "Interaktionen je Woche",
                    ColumnKind::Series,
                ),
                Column::new(
                    "tasks_weekly",
                    "Tasks per week",
                    "Aufgaben je Woche",
                    ColumnKind::Series,
                ),
            ],
            rows,
            total: Some(row("Total", &total)),
            chart: Chart::Sparklines {
                label: 0,
                series: vec![3, 4],
            },
        }],
    })
}

fn counts<'a>(by: &'a mut BTreeMap<String, Counts>, s: &str, n: usize) -> &'a mut Counts {
    by.entry(s.to_string()).or_insert_with(|| Counts {
        interactions: vec![0; n],
        tasks: vec![0; n],
    })
}

/// A campaign's figures before anything is counted.
fn blank(key: &str) -> campaign::Efficiency {
    campaign::Efficiency {
        campaign: key.to_string(),
        description: String::new(),
        leads: 0,
        prospects: 0,
        opportunities: 0,
        won: 0,
        won_revenue: Sums::default(),
        cost: None,
    }
}

pub(super) fn campaigns(store: &Store, p: &Params) -> Result<Report> {
    if p.query.is_some() || p.salesperson.is_some() || p.team.is_some() || p.territory.is_some() {
        return Err(usage(
            "query",
            "",
            "the campaigns report takes a --period or --from/--to only",
        ));
    }
    if let Some(by) = &p.by {
        return Err(super::bad_by(by, &["campaign"]));
    }
    let range = Range::of(store, p)?;
    let meanings = super::Meanings::of(store)?;
    let campaigns: Vec<Campaign> = store
        .scan(Campaign::DEF)
        .filter_map(|r| r.ok())
        .filter_map(|r| r.as_any().downcast_ref::<Campaign>().cloned())
        .collect();
    let figures = super::cache::with(store, super::cache::Need::Campaigns, |proj| {
        // Per campaign code id: leads, prospects, opportunities, won, won revenue.
        let mut by: HashMap<u32, campaign::Efficiency> = HashMap::new();
        let codes = &proj.codes;
        for &c in proj.leads.rows.values().filter(|c| **c != 0) {
            by.entry(c).or_insert_with(|| blank(codes.name(c))).leads += 1;
        }
        for &c in proj.prospects.rows.values().filter(|c| **c != 0) {
            by.entry(c)
                .or_insert_with(|| blank(codes.name(c)))
                .prospects += 1;
        }
        for o in proj.opps.rows.values().filter(|o| o.campaign != 0) {
            let e = by
                .entry(o.campaign)
                .or_insert_with(|| blank(codes.name(o.campaign)));
            e.opportunities += 1;
            if meanings.is(codes.name(o.status), "won") {
                e.won += 1;
                if let Some(a) = o.amount {
                    e.won_revenue.add(a).map_err(too_large("campaigns"))?;
                }
            }
        }
        Ok(by
            .into_values()
            .map(|e| (e.campaign.clone(), e))
            .collect::<HashMap<String, campaign::Efficiency>>())
    })?;
    let mut rows = Vec::new();
    for c in &campaigns {
        if let Some(r) = &range {
            let starts = c.start_date.unwrap_or(NaiveDate::MIN);
            let ends = c.end_date.unwrap_or(NaiveDate::MAX);
            if r.to.is_some_and(|t| starts > t) || r.from.is_some_and(|f| ends < f) {
                continue;
            }
        }
        let e = campaign::Efficiency {
            description: c.description.clone(),
            cost: c.actual_cost.or(c.budget),
            ..figures
                .get(&c.key)
                .cloned()
                .unwrap_or_else(|| blank(&c.key))
        };
        let mut cost = Sums::default();
        if let Some(m) = e.cost {
            cost.add(m).map_err(too_large("campaigns"))?;
        }
        rows.push(vec![
            Cell::Text(e.campaign.clone()),
            Cell::Text(e.description.clone()),
            Cell::Count(e.leads as u64),
            Cell::Count(e.opportunities as u64),
            Cell::Count(e.won as u64),
            Cell::Money(e.won_revenue.clone()),
            Cell::Money(cost),
            Cell::Percent(e.roi()),
        ]);
    }
    let (scope_en, scope_de) = scope(("", ""), range.as_ref(), p);
    Ok(Report {
        kind: ReportKind::Campaigns,
        scope: scope_en,
        scope_de,
        from: range.as_ref().and_then(|r| r.from),
        to: range.as_ref().and_then(|r| r.to),
        sections: vec![Section {
            name: "by_campaign".into(),
            en: "Campaign efficiency".into(),
            de: "Kampagneneffizienz".into(),
            columns: vec![
                Column::new("campaign", "Campaign", "Kampagne", ColumnKind::Text),
                Column::new(
                    "description",
                    "Description",
                    "Beschreibung",
                    ColumnKind::Text,
                ),
                Column::new("leads", "Leads", "Leads", ColumnKind::Count),
                Column::new(
                    "opportunities",
                    "Opportunities",
                    "Verkaufschancen",
                    ColumnKind::Count,
                ),
                Column::new("won", "Won", "Gewonnen", ColumnKind::Count),
                Column::new(
                    "won_revenue",
                    "Won revenue",
                    "Gewonnener Umsatz",
                    ColumnKind::Money,
                ),
                Column::new("cost", "Cost", "Kosten", ColumnKind::Money),
                Column::new("roi", "ROI %", "ROI %", ColumnKind::Percent),
            ],
            rows,
            total: None,
            chart: Chart::Bars {
                label: 0,
                values: vec![5],
            },
        }],
    })
}
