use chrono::NaiveDate;

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
            home_phone: String = text("Home phone", "Telefon privat").search(),
            fax: String = text("Fax", "Fax"),
            email: String = email("E-mail", "E-Mail").search(),
            email2: String = email("E-mail 2", "E-Mail 2").search(),
            email3: String = email("E-mail 3", "E-Mail 3").search(),
            web: String = text("Web page", "Webseite").width(28),
            street: String = text("Street", "Straße"),
            postal_code: String = text("Postal code", "Postleitzahl").width(10),
            city: String = text("City", "Ort"),
            region: String = text("Region", "Region"),
            country: String = text("Country", "Land"),
            birthday: Option<NaiveDate> = date("Birthday", "Geburtstag"),
            no_promotions: bool = boolean("No promotions", "Keine Werbung"),
            no_calls: bool = boolean("No calls", "Keine Anrufe"),
            no_email: bool = boolean("No e-mail", "Keine E-Mail"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [],
        columns: ["first_name", "last_name", "company", "city", "phone", "email"],
    }
}
