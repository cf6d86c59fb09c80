use crate::model::KeyKind;

entity! {
    /// A step in the sales process, with its default probability.
    OpportunityStage {
        name: "opportunity_stage",
        labels: ("Opportunity stage", "Verkaufsphase"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
            sequence: Option<i64> = int("Sequence", "Reihenfolge"),
            probability: Option<i64> = percent("Default probability %", "Standardwahrscheinlichkeit %"),
        },
        checks: [],
    }
}
