use crate::model::KeyKind;

entity! {
    /// Where leads and prospects come from.
    LeadSource {
        name: "lead_source",
        labels: ("Lead source", "Lead-Quelle"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
        },
        checks: [],
    }
}
