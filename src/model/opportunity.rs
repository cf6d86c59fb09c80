use chrono::NaiveDate;

use crate::model::{Check, KeyKind, Money};

line! {
    /// A product the opportunity is about.
    OpportunityItem {
        name: "opportunity_item",
        fields: {
            item: String = reference("item", "Item", "Artikel").required(),
            qty: Option<i64> = int("Quantity", "Menge"),
            comment: String = text("Comment", "Kommentar"),
        },
    }
}

entity! {
    /// A chance to sell to a customer or prospect, moving through stages.
    Opportunity {
        name: "opportunity",
        labels: ("Opportunity", "Verkaufschance"),
        key: KeyKind::Generated("OPP"),
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
            customer: String = reference("customer", "Customer", "Kunde"),
            prospect: String = reference("prospect", "Prospect", "Interessent"),
            contact: String = reference("sales_contact", "Contact", "Kontakt"),
            salesperson: String = reference("salesperson", "Salesperson", "Verkäufer"),
            sales_team: String = reference("sales_team", "Sales team", "Verkaufsteam"),
            territory: String = reference("territory", "Territory", "Gebiet"),
            campaign: String = reference("campaign", "Campaign", "Kampagne"),
            source: String = reference("opportunity_source", "Source", "Quelle"),
            stage: String = reference("opportunity_stage", "Stage", "Phase"),
            probability: Option<i64> = percent("Probability %", "Wahrscheinlichkeit %"),
            amount: Option<Money> = money("Projected amount", "Erwarteter Betrag"),
            expected_close: Option<NaiveDate> = date("Expected close", "Erwarteter Abschluss").dated(),
            status: String = reference("opportunity_status", "Status", "Status"),
            reason: String = reference("reason_code", "Reason won/lost", "Grund gewonnen/verloren"),
            closed_on: Option<NaiveDate> = date("Closed on", "Abgeschlossen am"),
            competitors: Vec<String> = ref_list("competitor", "Competitors", "Wettbewerber"),
            items: Vec<OpportunityItem> = lines(&OpportunityItem::LINE, "Items", "Artikel"),
            members: Vec<String> = ref_list("salesperson", "Team members", "Teammitglieder"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [Check::NotBoth("customer", "prospect")],
        columns: ["description", "customer|prospect", "stage", "amount", "expected_close", "salesperson", "status"],
    }
}
