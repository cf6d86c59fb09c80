use crate::model::KeyKind;

entity! {
    /// A kind of interaction (call, visit, e-mail, ...).
    InteractionType {
        name: "interaction_type",
        labels: ("Interaction type", "Interaktionsart"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
        },
        checks: [],
    }
}
