use crate::model::KeyKind;

entity! {
    /// A kind of marketing campaign (trade fair, mailing, ...).
    CampaignType {
        name: "campaign_type",
        labels: ("Campaign type", "Kampagnenart"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
        },
        checks: [],
    }
}
