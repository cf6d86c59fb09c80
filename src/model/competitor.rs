use crate::model::KeyKind;

entity! {
    /// A competing company that opportunities name.
    Competitor {
        name: "competitor",
        labels: ("Competitor", "Wettbewerber"),
        key: KeyKind::Code,
        fields: {
            name: String = text("Name", "Name").search().required().width(28),
            street: String = text("Street", "Straße"),
            postal_code: String = text("Postal code", "Postleitzahl").width(10),
            city: String = text("City", "Ort"),
            country: String = text("Country", "Land"),
            phone: String = text("Phone", "Telefon").search(),
            web: String = text("Web site", "Webseite"),
            strengths: String = multiline("Strengths", "Stärken"),
            weaknesses: String = multiline("Weaknesses", "Schwächen"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [],
    }
}
