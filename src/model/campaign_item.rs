use crate::model::{KeyKind, Money};

entity! {
    /// An item promoted by a campaign, with its campaign price.
    CampaignItem {
        name: "campaign_item",
        labels: ("Campaign item", "Kampagnenartikel"),
        key: KeyKind::Generated("CMI"),
        fields: {
            campaign: String = reference("campaign", "Campaign", "Kampagne").required(),
            item: String = reference("item", "Item", "Artikel").required(),
            price: Option<Money> = money("Price", "Preis"),
            notes: String = text("Notes", "Notizen"),
        },
        checks: [],
        columns: ["campaign", "item", "price"],
    }
}
