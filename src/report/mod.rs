//! Reports as data: the one aggregation every report surface shares (the board,
//! the charts, a table's group-by, `crm report`, `crm query --group-by` and the
//! XLSX reports). Pure: no store, no terminal. The server fills a `Report` from
//! the records; the front ends draw, print or write it.
//!
//! Money is summed per currency (`Sums`): amounts in different currencies are never
//! added together, a total shows one figure per currency.

mod group;
mod short;
mod sums;
#[cfg(test)]
mod tests;

pub use group::{Group, GroupSort, Grouper};
pub use short::{short_count, short_money, short_sums};
pub use sums::Sums;

use serde::{Deserialize, Serialize};

use crate::model::Lang;

/// The reports there are, as `crm report NAME` and the Reports masks name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportKind {
    Pipeline,
    Forecast,
    WinLoss,
    Activity,
    Campaigns,
}

impl ReportKind {
    pub const ALL: [ReportKind; 5] = [
        ReportKind::Pipeline,
        ReportKind::Forecast,
        ReportKind::WinLoss,
        ReportKind::Activity,
        ReportKind::Campaigns,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ReportKind::Pipeline => "pipeline",
            ReportKind::Forecast => "forecast",
            ReportKind::WinLoss => "win-loss",
            ReportKind::Activity => "activity",
            ReportKind::Campaigns => "campaigns",
        }
    }

    pub fn title(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ReportKind::Pipeline, Lang::En) => "Pipeline",
            (ReportKind::Pipeline, Lang::De) => "Pipeline",
            (ReportKind::Forecast, Lang::En) => "Forecast",
            (ReportKind::Forecast, Lang::De) => "Prognose",
            (ReportKind::WinLoss, Lang::En) => "Won and lost",
            (ReportKind::WinLoss, Lang::De) => "Gewonnen und verloren",
            (ReportKind::Activity, Lang::En) => "Activity",
            (ReportKind::Activity, Lang::De) => "Aktivität",
            (ReportKind::Campaigns, Lang::En) => "Campaigns",
            (ReportKind::Campaigns, Lang::De) => "Kampagnen",
        }
    }

    /// The report a name means (`win_loss`, `winloss` and `WIN-LOSS` too); else a
    /// message with a did-you-mean and the list.
    pub fn parse(text: &str) -> Result<ReportKind, String> {
        let folded: String = text
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        if let Some(k) = ReportKind::ALL
            .into_iter()
            .find(|k| k.name().replace('-', "") == folded)
        {
            return Ok(k);
        }
        let names: Vec<&str> = ReportKind::ALL.iter().map(|k| k.name()).collect();
        let hint =
            crate::util::suggest::nearest(&text.trim().to_ascii_lowercase(), names.iter().copied())
                .map(|s| format!("did you mean '{s}'? "))
                .unwrap_or_default();
        Err(format!(
            "no report '{}'; {hint}the reports are {}",
            crate::util::excerpt(text),
            names.join(", ")
        ))
    }
}

/// What a report reads: a sales period or a date range, a grouping and filters.
/// Every field is optional; each report says what it does without one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// A sales period's code.
    pub period: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// The field (or `month`) the rows are grouped by.
    pub by: Option<String>,
    /// A salesperson code, or `me`.
    pub salesperson: Option<String>,
    pub team: Option<String>,
    pub territory: Option<String>,
    /// A query over the report's records (opportunities for the pipeline, board
    /// and win-loss), as `f` and `crm query` take it.
    pub query: Option<String>,
}

/// What a column holds, which says how it is printed, written and drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnKind {
    Text,
    Count,
    Money,
    Percent,
    /// Counts per week, oldest first (drawn as a sparkline).
    Series,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// A name for csv and json headers (`amount`, `won_count`).
    pub name: String,
    pub en: String,
    pub de: String,
    pub kind: ColumnKind,
}

impl Column {
    pub fn new(name: &str, en: &str, de: &str, kind: ColumnKind) -> Column {
        Column {
            name: name.into(),
            en: en.into(),
            de: de.into(),
            kind,
        }
    }

    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::De => &self.de,
        }
    }
}

/// One cell of a report table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Count(u64),
    Money(Sums),
    /// One decimal; None when it cannot be computed (no quota, no cost).
    Percent(Option<f64>),
    Series(Vec<u64>),
}

impl Cell {
    /// The cell as a table or csv prints it (money in full, per currency).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Money(s) => s.to_string(),
            Cell::Percent(Some(p)) => format!("{p:.1}"),
            Cell::Percent(None) => String::new(),
            Cell::Series(v) => v.iter().map(u64::to_string).collect::<Vec<_>>().join(" "),
        }
    }

    /// The cell as a chart's value: a count, money in its first currency's whole
    /// units, a percentage; 0 for text.
    pub fn number(&self) -> f64 {
        match self {
            Cell::Count(n) => *n as f64,
            Cell::Money(s) => s.first().map_or(0.0, |m| m.cents as f64 / 100.0),
            Cell::Percent(p) => p.unwrap_or(0.0),
            Cell::Series(v) => v.iter().sum::<u64>() as f64,
            Cell::Text(_) => 0.0,
        }
    }
}

/// How a section is best drawn; the table is always there too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Chart {
    /// Bars per row: the label column and the value columns drawn beside it.
    Bars {
        label: usize,
        values: Vec<usize>,
    },
    /// A gauge per row: the label column and a percent column.
    Gauges {
        label: usize,
        value: usize,
    },
    /// A sparkline per row of each series column.
    Sparklines {
        label: usize,
        series: Vec<usize>,
    },
    None,
}

/// One table of a report, with the chart that shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// A name for json and sheet names (`by_stage`).
    pub name: String,
    pub en: String,
    pub de: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub total: Option<Vec<Cell>>,
    pub chart: Chart,
}

impl Section {
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::De => &self.de,
        }
    }
}

/// A report: what it covers (period, filters) and its sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub kind: ReportKind,
    /// What the report covers, e.g. "period 2026-Q4 (2026-10-01 – 2026-12-31) ·
    /// territory NORD" (`scope_de`: in German; see `scope_in`).
    pub scope: String,
    pub scope_de: String,
    /// The date range it covers, when it has one.
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub sections: Vec<Section>,
}

impl Report {
    /// What the report covers, in `lang`.
    pub fn scope_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.scope,
            Lang::De => &self.scope_de,
        }
    }
}

/// One card of the pipeline board: an open opportunity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub key: String,
    /// The customer's or prospect's name (its key when it has no name).
    pub company: String,
    pub description: String,
    pub amount: Option<crate::model::Money>,
    pub expected_close: Option<chrono::NaiveDate>,
    pub salesperson: String,
    /// Its expected close is before today.
    pub past_due: bool,
}

/// One column of the board: a stage, its totals and its cards by close date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    pub stage: String,
    pub description: String,
    pub count: u64,
    pub amount: Sums,
    pub weighted: Sums,
    pub cards: Vec<Card>,
}

/// The pipeline board: every stage in sequence order, each with its open
/// opportunities. `cards` per lane are at most `Board::CARDS`; counts and sums
/// always cover all of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub scope: String,
    pub scope_de: String,
    pub lanes: Vec<Lane>,
}

impl Board {
    /// What the board covers, in `lang`.
    pub fn scope_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.scope,
            Lang::De => &self.scope_de,
        }
    }

    /// The most cards one lane carries; the rest are counted, and a filter
    /// narrows them.
    pub const CARDS: usize = 500;
}
