use crate::model::KeyKind;

entity! {
    /// Where an opportunity came from.
    OpportunitySource {
        name: "opportunity_source",
        labels: ("Opportunity source", "Verkaufschancenquelle"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
        },
        checks: [],
    }
}
