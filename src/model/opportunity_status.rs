use crate::model::KeyKind;

entity! {
    /// A status of an opportunity, with what it means (open, won, lost, cancelled).
    OpportunityStatus {
        name: "opportunity_status",
        labels: ("Opportunity status", "Verkaufschancenstatus"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
            meaning: String = choice(&["open", "won", "lost", "cancelled"], "Meaning", "Bedeutung").required(),
        },
        checks: [],
    }
}
