use chrono::NaiveDate;

use crate::model::{Check, KeyKind};

entity! {
    /// A sales lead; belongs to a customer or a prospect (or neither yet) and converts
    /// into an opportunity.
    Lead {
        name: "lead",
        labels: ("Lead", "Lead"),
        key: KeyKind::Generated("LEA"),
        fields: {
            last_name: String = text("Last name", "Nachname").search().required(),
            first_name: String = text("First name", "Vorname").search(),
            company: String = text("Company", "Firma").search().width(28),
            title: String = text("Title", "Titel"),
            street: String = text("Street", "Straße"),
            postal_code: String = text("Postal code", "Postleitzahl").width(10),
            city: String = text("City", "Ort"),
            country: String = text("Country", "Land"),
            phone: String = text("Phone", "Telefon").search(),
            email: String = email("E-mail", "E-Mail").search(),
            source: String = reference("lead_source", "Source", "Quelle"),
            quality: Option<i64> = percent("Quality %", "Qualität %"),
            status: String = reference("lead_status", "Status", "Status"),
            campaign: String = reference("campaign", "Campaign", "Kampagne"),
            territory: String = reference("territory", "Territory", "Gebiet"),
            salesperson: String = reference("salesperson", "Salesperson", "Verkäufer"),
            sales_team: String = reference("sales_team", "Sales team", "Verkaufsteam"),
            customer: String = reference("customer", "Customer", "Kunde"),
            prospect: String = reference("prospect", "Prospect", "Interessent"),
            interest: String = text("Interest", "Interesse"),
            follow_up: Option<NaiveDate> = date("Follow-up", "Wiedervorlage").dated(),
            opportunity: String = reference("opportunity", "Opportunity", "Verkaufschance"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [Check::NotBoth("customer", "prospect")],
        columns: ["first_name", "last_name", "company", "city", "status", "salesperson", "follow_up"],
    }
}
