use crate::model::KeyKind;

entity! {
    /// An industry classification (Standard Industrial Classification).
    SicCode {
        name: "sic_code",
        labels: ("SIC code", "SIC-Code"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
        },
        checks: [],
    }
}
