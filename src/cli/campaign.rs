//! `crm campaign-report [CAMPAIGN]`: campaign efficiency, derived on the spot.

use super::output::print_report;
use super::{CliResult, Format};
use crate::api::{Client, Efficiency};

pub fn run(api: &Client, campaign: Option<&str>, format: Format) -> CliResult {
    let list = api.campaign_report(campaign)?;
    let rows: Vec<Vec<String>> = list.iter().map(row).collect();
    let headers = [
        "campaign",
        "description",
        "leads",
        "prospects",
        "opportunities",
        "won",
        "won_revenue",
        "cost",
        "cost_per_lead",
        "roi_pct",
    ];
    print_report(&headers, &rows, "campaigns", format)
}

fn row(e: &Efficiency) -> Vec<String> {
    let money = |m: Option<crate::model::Money>| m.map(|m| m.to_string()).unwrap_or_default();
    vec![
        e.campaign.clone(),
        e.description.clone(),
        e.leads.to_string(),
        e.prospects.to_string(),
        e.opportunities.to_string(),
        e.won.to_string(),
        e.won_revenue.to_string(),
        money(e.cost),
        money(e.cost_per_lead()),
        e.roi().map(|r| format!("{r:.1}")).unwrap_or_default(),
    ]
}
