use crate::model::{Check, KeyKind};

entity! {
    /// Links a sales contact to a customer or a prospect, with the contact's role there.
    ContactXref {
        name: "contact_xref",
        labels: ("Contact cross-reference", "Kontaktzuordnung"),
        key: KeyKind::Generated("XRF"),
        fields: {
            contact: String = reference("sales_contact", "Contact", "Kontakt").required(),
            customer: String = reference("customer", "Customer", "Kunde"),
            prospect: String = reference("prospect", "Prospect", "Interessent"),
            role: String = text("Role", "Rolle"),
            primary: bool = boolean("Primary", "Hauptkontakt"),
        },
        checks: [Check::NotBoth("customer", "prospect")],
        columns: ["contact", "customer|prospect", "role", "primary"],
    }
}
