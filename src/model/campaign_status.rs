use crate::model::KeyKind;

entity! {
    /// A state a campaign can be in.
    CampaignStatus {
        name: "campaign_status",
        labels: ("Campaign status", "Kampagnenstatus"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
        },
        checks: [],
    }
}
