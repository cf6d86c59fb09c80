use chrono::{NaiveDate, NaiveDateTime};

use crate::model::{Check, KeyKind};

entity! {
    /// A call, visit or message with a sales contact, a prospect or a customer; the
    /// three interaction masks are views of this one entity. One with a contact also
    /// names the contact's company, so that it is in the company's story too.
    Interaction {
        name: "interaction",
        labels: ("Interaction", "Interaktion"),
        key: KeyKind::Generated("INT"),
        fields: {
            contact: String = reference("sales_contact", "Contact", "Kontakt"),
            prospect: String = reference("prospect", "Prospect", "Interessent"),
            customer: String = reference("customer", "Customer", "Kunde"),
            occurred_at: Option<NaiveDateTime> = datetime("Date/time", "Datum/Uhrzeit").required(),
            interaction_type: String = reference("interaction_type", "Type", "Art"),
            topic: String = reference("interaction_topic", "Topic", "Thema"),
            salesperson: String = reference("salesperson", "Salesperson", "Verkäufer"),
            notes: String = multiline("Notes", "Notizen"),
            follow_up: Option<NaiveDate> = date("Follow-up", "Wiedervorlage").dated(),
        },
        checks: [Check::NotBoth("customer", "prospect")],
        columns: ["occurred_at", "interaction_type", "contact", "customer|prospect", "topic", "salesperson", "follow_up"],
    }
}
