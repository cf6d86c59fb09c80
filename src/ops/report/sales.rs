//! The forecast report (a period's forecasts per salesperson, team or territory
//! against quota) and the won-and-lost report (closed opportunities by reason
//! and by competitor, with the win rate).

use super::pipeline::{label_de, label_en, By};
use super::{scope, too_large, usage, with_opps, Meanings, Range};
use crate::ops::forecast::{self, Figures};
use crate::query::Env;
use crate::report::{
    Cell, Chart, Column, ColumnKind, Group, GroupSort, Grouper, Params, Report, ReportKind, Section,
};
use crate::store::{Result, Store};

fn forecast_row(label: &str, f: &Figures) -> Vec<Cell> {
    vec![
        Cell::Text(label.to_string()),
        Cell::Count(f.lines as u64),
        Cell::Money(f.potential.clone()),
        Cell::Money(f.weighted.clone()),
        Cell::Money(f.won.clone()),
        Cell::Money(f.quota.clone()),
        Cell::Percent(f.attainment()),
    ]
}

pub(super) fn forecast(store: &Store, env: &Env, p: &Params) -> Result<Report> {
    if p.query.is_some() {
        return Err(usage("query", p.query.as_deref().unwrap_or_default(), "the forecast report reads forecasts, not a query; filter with --salesperson, --team or --territory"));
    }
    if p.from.is_some() || p.to.is_some() {
        return Err(usage(
            "from",
            "",
            "a forecast is per sales period: give --period, not --from/--to",
        ));
    }
    let range = match &p.period {
        Some(_) => Range::of(store, p)?.expect("a period gives a range"),
        None => match Range::current(store, env.today)? {
            Some(r) => r,
            None => {
                return Err(usage("period", "", format!("no sales period contains today ({}); give --period (`crm list sales_period` lists them)", env.today)));
            }
        },
    };
    let by =
        p.by.as_deref()
            .unwrap_or("salesperson")
            .trim()
            .to_ascii_lowercase();
    let kind = match by.as_str() {
        "salesperson" => "salesperson",
        "team" | "sales_team" => "sales_team",
        "territory" => "territory",
        other => return Err(super::bad_by(other, &["salesperson", "team", "territory"])),
    };
    let me = |s: &Option<String>| -> Result<Option<String>> {
        match s.as_deref() {
            Some(v) if v.trim().eq_ignore_ascii_case("me") => {
                env.me.clone().map(Some).ok_or_else(|| {
                    usage(
                        "salesperson",
                        "me",
                        format!("OS user '{}' is no salesperson; name one", env.user),
                    )
                })
            }
            other => Ok(other.map(str::to_string)),
        }
    };
    let filter = forecast::Filter {
        salesperson: me(&p.salesperson)?,
        team: p.team.clone(),
        territory: p.territory.clone(),
    };
    let period = range.period.clone().unwrap_or_default();
    let rollup = forecast::rollup(store, &period, &filter)?;
    let rows: Vec<Vec<Cell>> = rollup
        .groups
        .iter()
        .filter(|g| g.kind == kind)
        .map(|g| forecast_row(&g.key, &g.figures))
        .collect();
    let (en, de) = (label_en(kind), label_de(kind));
    let (scope_en, scope_de) = scope(("", ""), Some(&range), p);
    Ok(Report {
        kind: ReportKind::Forecast,
        scope: scope_en,
        scope_de,
        from: range.from,
        to: range.to,
        sections: vec![Section {
            name: format!("by_{kind}"),
            en: format!("Forecast by {}", en.to_lowercase()),
            de: format!("Prognose nach {de}"),
            columns: vec![
                Column::new(kind, &en, &de, ColumnKind::Text),
                Column::new(
                    "lines",
                    "Opportunities",
                    "Verkaufschancen",
                    ColumnKind::Count,
                ),
                Column::new("potential", "Potential", "Potenzial", ColumnKind::Money),
                Column::new("weighted", "Weighted", "Gewichtet", ColumnKind::Money),
                Column::new("won", "Closed won", "Gewonnen", ColumnKind::Money),
                Column::new("quota", "Quota", "Soll", ColumnKind::Money),
                Column::new(
                    "attainment",
                    "Attainment %",
                    "Zielerreichung %",
                    ColumnKind::Percent,
                ),
            ],
            rows,
            total: Some(forecast_row("Total", &rollup.total)),
            chart: Chart::Gauges { label: 0, value: 6 },
        }],
    })
}

/// A won-and-lost row from a group whose children are the outcomes.
fn outcome_row(label: &str, g: &Group) -> Vec<Cell> {
    let part = |o: &str| g.children.iter().find(|c| c.label == o);
    let won = part("won");
    let lost = part("lost");
    let count = |g: Option<&Group>| g.map_or(0, |g| g.count);
    let sum = |g: Option<&Group>| g.map(|g| g.sums[0].clone()).unwrap_or_default();
    let closed = count(won) + count(lost);
    let rate = (closed > 0).then(|| (count(won) as f64 * 1000.0 / closed as f64).round() / 10.0);
    vec![
        Cell::Text(label.to_string()),
        Cell::Count(count(won)),
        Cell::Count(count(lost)),
        Cell::Percent(rate),
        Cell::Money(sum(won)),
        Cell::Money(sum(lost)),
    ]
}

fn outcome_columns(name: &str, en: &str, de: &str) -> Vec<Column> {
    vec![
        Column::new(name, en, de, ColumnKind::Text),
        Column::new("won", "Won", "Gewonnen", ColumnKind::Count),
        Column::new("lost", "Lost", "Verloren", ColumnKind::Count),
        Column::new(
            "win_rate",
            "Win rate %",
            "Gewinnquote %",
            ColumnKind::Percent,
        ),
        Column::new("won_amount", "Σ won", "Σ gewonnen", ColumnKind::Money),
        Column::new("lost_amount", "Σ lost", "Σ verloren", ColumnKind::Money),
    ]
}

fn section(name: &str, en: &str, de: &str, grouper: Grouper) -> Section {
    let (mut groups, total) = grouper.finish();
    GroupSort::Label.apply(&mut groups, false);
    let whole = Group {
        children: merged_outcomes(&groups),
        ..total
    };
    Section {
        name: format!("by_{name}"),
        en: format!("Won and lost by {}", name.replace('_', " ")),
        de: format!("Gewonnen und verloren nach {de}"),
        columns: outcome_columns(name, en, de),
        rows: groups.iter().map(|g| outcome_row(&g.label, g)).collect(),
        total: Some(outcome_row("Total", &whole)),
        chart: Chart::Bars {
            label: 0,
            values: vec![1, 2],
        },
    }
}

/// The outcomes over every group (each group's won and lost children added up).
fn merged_outcomes(groups: &[Group]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for c in groups.iter().flat_map(|g| &g.children) {
        match out.iter_mut().find(|o| o.label == c.label) {
            Some(o) => {
                o.count += c.count;
                let _ = o.sums[0].merge(&c.sums[0]);
            }
            None => out.push(Group {
                label: c.label.clone(),
                count: c.count,
                sums: c.sums.clone(),
                ..Group::default()
            }),
        }
    }
    out
}

pub(super) fn win_loss(store: &Store, env: &Env, p: &Params) -> Result<Report> {
    let range = match Range::of(store, p)? {
        Some(r) => r,
        // Without a range: the last 90 days, which always holds recent closes
        // (the current period may have just begun).
        None => Range::recent(env.today, 90),
    };
    let by_name = p.by.as_deref().unwrap_or("reason");
    let by = By::parse(
        by_name,
        &[
            "reason",
            "salesperson",
            "sales_team",
            "territory",
            "source",
            "campaign",
            "stage",
            "month",
        ],
    )?;
    let meanings = Meanings::of(store)?;
    let mut by_reason = Grouper::new(2, 1);
    let mut by_competitor = Grouper::new(2, 1);
    with_opps(store, env, p, |codes, rows| {
        for (i, o) in rows.enumerate() {
            let status = codes.name(o.status);
            let outcome = if meanings.is(status, "won") {
                "won"
            } else if meanings.is(status, "lost") {
                "lost"
            } else {
                continue;
            };
            if !range.holds(o.closed_on) {
                continue;
            }
            let label = by.label(o, codes, true);
            by_reason
                .add(i as u32, &[&label, outcome], &[o.amount])
                .map_err(too_large("win-loss"))?;
            if o.competitors.is_empty() {
                by_competitor
                    .add(i as u32, &["", outcome], &[o.amount])
                    .map_err(too_large("win-loss"))?;
            }
            for &c in o.competitors.iter() {
                by_competitor
                    .add(i as u32, &[codes.name(c), outcome], &[o.amount])
                    .map_err(too_large("win-loss"))?;
            }
        }
        Ok(())
    })?;
    let (en, de) = (label_en(by_name), label_de(by_name));
    let first = section(by_name, &en, &de, by_reason);
    // An opportunity is in as many competitor rows as it names competitors; the
    // total counts it once.
    let second = Section {
        total: first.total.clone(),
        ..section("competitor", "Competitor", "Wettbewerber", by_competitor)
    };
    let (scope_en, scope_de) = scope(("closed", "abgeschlossen"), Some(&range), p);
    Ok(Report {
        kind: ReportKind::WinLoss,
        scope: scope_en,
        scope_de,
        from: range.from,
        to: range.to,
        sections: vec![first, second],
    })
}
