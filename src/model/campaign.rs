use chrono::NaiveDate;

use crate::model::{Check, KeyKind, Money};

entity! {
    /// A marketing campaign; its efficiency is derived, never stored.
    Campaign {
        name: "campaign",
        labels: ("Campaign", "Kampagne"),
        key: KeyKind::Generated("CMP"),
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
            campaign_type: String = reference("campaign_type", "Type", "Art"),
            status: String = reference("campaign_status", "Status", "Status"),
            start_date: Option<NaiveDate> = date("Start date", "Startdatum"),
            end_date: Option<NaiveDate> = date("End date", "Enddatum"),
            budget: Option<Money> = money("Budget", "Budget"),
            actual_cost: Option<Money> = money("Actual cost", "Tatsächliche Kosten"),
            expected_revenue: Option<Money> = money("Expected revenue", "Erwarteter Umsatz"),
            owner: String = reference("salesperson", "Owner", "Verantwortlicher"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [Check::DateOrder("start_date", "end_date")],
        columns: ["description", "campaign_type", "status", "start_date", "end_date", "budget", "owner"],
    }
}
