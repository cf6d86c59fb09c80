use crate::model::{KeyKind, Money};

entity! {
    /// A product that campaigns, opportunities and quotes name.
    Item {
        name: "item",
        labels: ("Item", "Artikel"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
            unit_price: Option<Money> = money("Unit price", "Stückpreis"),
        },
        checks: [],
    }
}
