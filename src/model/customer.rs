use crate::model::{KeyKind, Money};

entity! {
    /// A customer with its CRM data (territory, SIC, revenue, salesperson, team).
    Customer {
        name: "customer",
        labels: ("Customer", "Kunde"),
        key: KeyKind::Generated("CUS"),
        fields: {
            name: String = text("Name", "Name").search().required().width(28),
            street: String = text("Street", "Straße"),
            postal_code: String = text("Postal code", "Postleitzahl").width(10),
            city: String = text("City", "Ort"),
            country: String = text("Country", "Land"),
            phone: String = text("Phone", "Telefon").search(),
            email: String = email("E-mail", "E-Mail").search(),
            web: String = text("Web site", "Webseite"),
            currency: String = text("Currency", "Währung").width(5),
            territory: String = reference("territory", "Territory", "Gebiet"),
            sic_code: String = reference("sic_code", "SIC code", "SIC-Code"),
            company_revenue: Option<Money> = money("Company revenue", "Firmenumsatz"),
            employees: Option<i64> = int("Employees", "Mitarbeiter"),
            salesperson: String = reference("salesperson", "Salesperson", "Verkäufer"),
            sales_team: String = reference("sales_team", "Sales team", "Verkaufsteam"),
            prospect: String = reference("prospect", "Converted from prospect", "Umgewandelt aus Interessent"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [],
        columns: ["name", "city", "country", "territory", "salesperson", "phone"],
    }
}
