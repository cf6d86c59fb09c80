use crate::model::KeyKind;

entity! {
    /// A state a lead can be in.
    LeadStatus {
        name: "lead_status",
        labels: ("Lead status", "Lead-Status"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
        },
        checks: [],
    }
}
