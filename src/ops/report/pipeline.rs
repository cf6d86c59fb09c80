//! The pipeline report: open opportunities by stage (or another field, or the
//! month they are expected to close), with their number, Σ amount and Σ weighted.

use super::cache::{Codes, OppRow};
use super::{bad_by, scope, stages, too_large, with_opps, Meanings, Range};
use crate::model::{Entity, Opportunity};
use crate::query::Env;
use crate::report::{
    Cell, Chart, Column, ColumnKind, GroupSort, Grouper, Params, Report, ReportKind, Section,
};
use crate::store::{Result, Store};

/// The fields the pipeline may be grouped by, beside `month`.
pub(super) const BY: [&str; 9] = [
    "stage",
    "salesperson",
    "sales_team",
    "territory",
    "source",
    "campaign",
    "status",
    "reason",
    "month",
];

/// What rows are grouped by: a code of the opportunity, or the month of a date
/// (the expected close; the closing day for closed opportunities).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum By {
    Stage,
    Salesperson,
    SalesTeam,
    Territory,
    Source,
    Campaign,
    Status,
    Reason,
    Month,
}

impl By {
    pub(super) fn parse(by: &str, allowed: &[&str]) -> Result<By> {
        let by = by.trim().to_ascii_lowercase().replace('-', "_");
        let by = if by == "team" {
            "sales_team".to_string()
        } else {
            by
        };
        if !allowed.contains(&by.as_str()) {
            return Err(bad_by(&by, allowed));
        }
        Ok(match by.as_str() {
            "stage" => By::Stage,
            "salesperson" => By::Salesperson,
            "sales_team" => By::SalesTeam,
            "territory" => By::Territory,
            "source" => By::Source,
            "campaign" => By::Campaign,
            "status" => By::Status,
            "reason" => By::Reason,
            "month" => By::Month,
            _ => return Err(bad_by(&by, allowed)),
        })
    }

    /// The row's label; `closed` months go by the closing day.
    pub(super) fn label<'a>(
        &self,
        o: &OppRow,
        codes: &'a Codes,
        closed: bool,
    ) -> std::borrow::Cow<'a, str> {
        let code = match self {
            By::Stage => o.stage,
            By::Salesperson => o.salesperson,
            By::SalesTeam => o.sales_team,
            By::Territory => o.territory,
            By::Source => o.source,
            By::Campaign => o.campaign,
            By::Status => o.status,
            By::Reason => o.reason,
            By::Month => {
                let day = if closed {
                    o.closed_on
                } else {
                    o.expected_close
                };
                return day
                    .map_or_else(String::new, |d| d.format("%Y-%m").to_string())
                    .into();
            }
        };
        codes.name(code).into()
    }
}

pub(super) fn money_columns() -> Vec<Column> {
    vec![
        Column::new(
            "count",
            "Opportunities",
            "Verkaufschancen",
            ColumnKind::Count,
        ),
        Column::new("amount", "Σ amount", "Σ Betrag", ColumnKind::Money),
        Column::new("weighted", "Σ weighted", "Σ gewichtet", ColumnKind::Money),
    ]
}

pub(super) fn pipeline(store: &Store, env: &Env, p: &Params) -> Result<Report> {
    let range = Range::of(store, p)?;
    let by_name = p.by.as_deref().unwrap_or("stage");
    let by = By::parse(by_name, &BY)?;
    let meanings = Meanings::of(store)?;
    let mut grouper = Grouper::new(1, 2);
    with_opps(store, env, p, |codes, rows| {
        for (i, o) in rows.enumerate() {
            if !meanings.is(codes.name(o.status), "open") {
                continue;
            }
            if range.as_ref().is_some_and(|r| !r.holds(o.expected_close)) {
                continue;
            }
            let label = by.label(o, codes, false);
            grouper
                .add(i as u32, &[&label], &[o.amount, o.weighted()])
                .map_err(too_large("pipeline"))?;
        }
        Ok(())
    })?;
    let (mut groups, total) = grouper.finish();
    match by {
        By::Stage => {
            let order: Vec<String> = stages(store)?.into_iter().map(|s| s.key).collect();
            let rank = |l: &str| order.iter().position(|k| k == l).unwrap_or(usize::MAX);
            groups.sort_by(|a, b| (rank(&a.label), &a.label).cmp(&(rank(&b.label), &b.label)));
        }
        _ => GroupSort::Label.apply(&mut groups, false),
    }
    let field = Column::new(
        by_name,
        &label_en(by_name),
        &label_de(by_name),
        ColumnKind::Text,
    );
    let mut columns = vec![field];
    columns.extend(money_columns());
    let row = |label: String, g: &crate::report::Group| {
        vec![
            Cell::Text(label),
            Cell::Count(g.count),
            Cell::Money(g.sums[0].clone()),
            Cell::Money(g.sums[1].clone()),
        ]
    };
    let rows = groups.iter().map(|g| row(g.label.clone(), g)).collect();
    let prefix = ("open opportunities", "offene Verkaufschancen");
    let (scope_en, scope_de) = scope(prefix, range.as_ref(), p);
    Ok(Report {
        kind: ReportKind::Pipeline,
        scope: scope_en,
        scope_de,
        from: range.as_ref().and_then(|r| r.from),
        to: range.as_ref().and_then(|r| r.to),
        sections: vec![Section {
            name: format!("by_{by_name}"),
            en: format!("Open pipeline by {}", label_en(by_name).to_lowercase()),
            de: format!("Offene Pipeline nach {}", label_de(by_name)),
            columns,
            rows,
            total: Some(row("Total".into(), &total)),
            chart: Chart::Bars {
                label: 0,
                values: vec![2, 3],
            },
        }],
    })
}

/// A grouping field's label: the schema's, or `Month`.
pub(super) fn label_en(by: &str) -> String {
    match by {
        "month" => "Month".into(),
        f => Opportunity::DEF.field_index(f).map_or_else(
            || f.to_string(),
            |i| Opportunity::DEF.fields[i].label_en.to_string(),
        ),
    }
}

pub(super) fn label_de(by: &str) -> String {
    match by {
        "month" => "Monat".into(),
        f => Opportunity::DEF.field_index(f).map_or_else(
            || f.to_string(),
            |i| Opportunity::DEF.fields[i].label_de.to_string(),
        ),
    }
}
