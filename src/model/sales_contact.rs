use crate::model::KeyKind;

entity! {
    /// A person the sales force talks to; linked to customers and prospects by
    /// cross-references.
    SalesContact {
        name: "sales_contact",
        labels: ("Sales contact", "Vertriebskontakt"),
        key: KeyKind::Generated("CON"),
        fields: {
            last_name: String = text("Last name", "Nachname").search().required(),
            first_name: String = text("First name", "Vorname").search(),
            title: String = text("Title", "Titel"),
            company: String = text("Company", "Firma").search().width(28),
            phone: String = text("Phone", "Telefon").search(),
            mobile: String = text("Mobile", "Mobiltelefon").search(),
            email: String = email("E-mail", "E-Mail").search(),
            street: String = text("Street", "Straße"),
            postal_code: String = text("Postal code", "Postleitzahl").width(10),
            city: String = text("City", "Ort"),
            country: String = text("Country", "Land"),
            no_promotions: bool = boolean("No promotions", "Keine Werbung"),
            no_calls: bool = boolean("No calls", "Keine Anrufe"),
            no_email: bool = boolean("No e-mail", "Keine E-Mail"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [],
    }
}
