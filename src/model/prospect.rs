use crate::model::{KeyKind, Money};

entity! {
    /// A potential customer; converts into a customer and is kept, pointing at it.
    Prospect {
        name: "prospect",
        labels: ("Prospect", "Interessent"),
        key: KeyKind::Generated("PRO"),
        fields: {
            name: String = text("Name", "Name").search().required().width(28),
            street: String = text("Street", "Straße"),
            postal_code: String = text("Postal code", "Postleitzahl").width(10),
            city: String = text("City", "Ort"),
            country: String = text("Country", "Land"),
            phone: String = text("Phone", "Telefon").search(),
            email: String = email("E-mail", "E-Mail").search(),
            web: String = text("Web site", "Webseite"),
            territory: String = reference("territory", "Territory", "Gebiet"),
            sic_code: String = reference("sic_code", "SIC code", "SIC-Code"),
            company_revenue: Option<Money> = money("Company revenue", "Firmenumsatz"),
            employees: Option<i64> = int("Employees", "Mitarbeiter"),
            salesperson: String = reference("salesperson", "Salesperson", "Verkäufer"),
            sales_team: String = reference("sales_team", "Sales team", "Verkaufsteam"),
            source: String = reference("lead_source", "Source", "Quelle"),
            campaign: String = reference("campaign", "Campaign", "Kampagne"),
            status: String = choice(&["open", "qualified", "converted", "lost"], "Status", "Status"),
            currency: String = text("Currency", "Währung").width(5),
            customer: String = reference("customer", "Converted to customer", "Umgewandelt in Kunde"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [],
        columns: ["name", "city", "status", "territory", "salesperson", "phone"],
    }
}
