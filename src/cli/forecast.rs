//! `crm forecast PERIOD [--salesperson S] [--team T] [--territory T]` rolls a
//! period's forecasts up; `crm forecast add FORECAST OPP…`, `crm forecast
//! candidates FORECAST` and `crm forecast submit FORECAST` work on one forecast.

use clap::{Args, Subcommand};

use super::output::print_report;
use super::{CliResult, Format};
use crate::api::{Client, Figures, Filter};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ForecastArgs {
    #[command(subcommand)]
    pub action: Option<ForecastAction>,
    /// The sales period to roll up (e.g. 2026-Q4).
    #[arg(value_name = "PERIOD")]
    pub period: Option<String>,
    /// Only this salesperson's forecast.
    #[arg(long, value_name = "CODE")]
    pub salesperson: Option<String>,
    /// Only lines of opportunities of this sales team.
    #[arg(long, value_name = "CODE")]
    pub team: Option<String>,
    /// Only lines of opportunities in this territory.
    #[arg(long, value_name = "CODE")]
    pub territory: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ForecastAction {
    /// Add opportunities to a draft forecast (its salesperson's, open, closing in its period).
    Add {
        forecast: String,
        #[arg(value_name = "OPPORTUNITY", required = true)]
        opportunities: Vec<String>,
    },
    /// The opportunities a forecast can take.
    Candidates { forecast: String },
    /// Freeze a draft forecast's lines.
    Submit { forecast: String },
}

pub fn run(api: &Client, args: ForecastArgs, format: Format) -> CliResult {
    match args.action {
        Some(ForecastAction::Add {
            forecast,
            opportunities,
        }) => {
            let n = api.forecast_add(&forecast, opportunities)?;
            eprintln!(
                "added {n} opportunit{} to {}",
                if n == 1 { "y" } else { "ies" },
                forecast.to_uppercase()
            );
            Ok(())
        }
        Some(ForecastAction::Submit { forecast }) => {
            let f = api.forecast_submit(&forecast)?;
            let f = f
                .downcast_ref::<crate::model::SalesForecast>()
                .cloned()
                .unwrap_or_default();
            eprintln!(
                "forecast {} submitted with {} line(s); its lines are frozen",
                f.key,
                f.lines.len()
            );
            Ok(())
        }
        Some(ForecastAction::Candidates { forecast }) => {
            let list: Vec<crate::model::Opportunity> = api
                .forecast_candidates(&forecast)?
                .into_iter()
                .filter_map(|r| r.downcast_ref::<crate::model::Opportunity>().cloned())
                .collect();
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|o| {
                    vec![
                        o.key.clone(),
                        o.description.clone(),
                        o.expected_close.map(|d| d.to_string()).unwrap_or_default(),
                        o.amount.map(|m| m.to_string()).unwrap_or_default(),
                        o.probability.map(|p| p.to_string()).unwrap_or_default(),
                        o.stage.clone(),
                    ]
                })
                .collect();
            let headers = [
                "key",
                "description",
                "expected_close",
                "amount",
                "probability",
                "stage",
            ];
            print_report(&headers, &rows, "opportunities", format)
        }
        None => {
            let Some(period) = args.period else {
                anyhow::bail!(
                    "name a sales period: crm forecast PERIOD (e.g. `crm list sales_period` shows them)"
                );
            };
            let filter = Filter {
                salesperson: args.salesperson,
                team: args.team,
                territory: args.territory,
            };
            let r = api.forecast_rollup(&period, filter)?;
            let mut rows: Vec<Vec<String>> = r
                .groups
                .iter()
                .map(|g| row(g.kind, &g.key, &g.figures))
                .collect();
            rows.push(row("total", &r.period, &r.total));
            print_report(
                &HEADERS,
                &rows,
                &format!("rows for period {}", r.period),
                format,
            )
        }
    }
}

const HEADERS: [&str; 9] = [
    "group",
    "key",
    "forecasts",
    "lines",
    "potential",
    "weighted",
    "won",
    "quota",
    "attainment_pct",
];

fn row(kind: &str, key: &str, f: &Figures) -> Vec<String> {
    let key = if key.is_empty() { "(none)" } else { key };
    vec![
        kind.to_string(),
        key.to_string(),
        f.forecasts.to_string(),
        f.lines.to_string(),
        f.potential.to_string(),
        f.weighted.to_string(),
        f.won.to_string(),
        if f.quota.is_empty() {
            String::new()
        } else {
            f.quota.to_string()
        },
        f.attainment()
            .map(|a| format!("{a:.1}"))
            .unwrap_or_default(),
    ]
}
