use crate::model::KeyKind;

entity! {
    /// A sales territory: for tracking and reporting only, never for hiding data.
    Territory {
        name: "territory",
        labels: ("Territory", "Gebiet"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
            salesperson: String = reference("salesperson", "Salesperson", "Verkäufer"),
        },
        checks: [],
    }
}
