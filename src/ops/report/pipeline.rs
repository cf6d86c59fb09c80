//! The pipeline report: open opportunities by stage (or another field, or the
//! month they are expected to close), with their number, Σ amount and Σ weighted.

use super::{bad_by, opportunities, scope, stages, too_large, Meanings, Range};
use crate::model::{format_value, Entity, Opportunity, Record};
use crate::query::Env;
use crate::report::{
    Cell, Chart, Column, ColumnKind, GroupSort, Grouper, Params, Report, ReportKind, Section,
};
use crate::store::{Result, Store};

/// The fields the pipeline may be grouped by, beside `month`.
pub(super) const BY: [&str; 8] = [
    "stage",
    "salesperson",
    "sales_team",
    "territory",
    "source",
    "campaign",
    "status",
    "month",
];

/// How a row is labelled when grouped by `by`: a field's text, or the month of
/// the expected close.
pub(super) enum By {
    Field(usize),
    Month,
}

impl By {
    pub(super) fn parse(by: &str, allowed: &[&str]) -> Result<By> {
        let by = by.trim().to_ascii_lowercase().replace('-', "_");
        let by = match by.as_str() {
            "team" => "sales_team".to_string(),
            _ => by,
        };
        if !allowed.contains(&by.as_str()) {
            return Err(bad_by(&by, allowed));
        }
        if by == "month" {
            return Ok(By::Month);
        }
        Ok(By::Field(
            Opportunity::DEF
                .field_index(&by)
                .ok_or_else(|| bad_by(&by, allowed))?,
        ))
    }

    pub(super) fn label(&self, o: &Opportunity) -> String {
        match self {
            By::Field(i) => format_value(&Opportunity::DEF.fields[*i].kind, &o.get(*i)),
            By::Month => o
                .expected_close
                .map_or_else(String::new, |d| d.format("%Y-%m").to_string()),
        }
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
    for (i, o) in opportunities(store, env, p)?.iter().enumerate() {
        if !meanings.is(&o.status, "open") {
            continue;
        }
        if range.as_ref().is_some_and(|r| !r.holds(o.expected_close)) {
            continue;
        }
        let label = by.label(o);
        grouper
            .add(i as u32, &[&label], &[o.amount, o.weighted_amount()])
            .map_err(too_large("pipeline"))?;
    }
    let (mut groups, total) = grouper.finish();
    match by {
        By::Field(i) if Opportunity::DEF.fields[i].name == "stage" => {
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
    Ok(Report {
        kind: ReportKind::Pipeline,
        scope: format!("open opportunities · {}", scope(range.as_ref(), p)),
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
