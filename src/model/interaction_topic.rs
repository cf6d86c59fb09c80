use crate::model::KeyKind;

entity! {
    /// A topic of interactions, split by the kind of subject it applies to.
    InteractionTopic {
        name: "interaction_topic",
        labels: ("Interaction topic", "Interaktionsthema"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
            subject: String = choice(&["contact", "prospect", "customer"], "Subject kind", "Art des Gegenstands"),
        },
        checks: [],
    }
}
