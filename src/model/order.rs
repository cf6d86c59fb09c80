use chrono::NaiveDate;

use crate::model::{KeyKind, Money};

entity! {
    /// A customer order, usually made from an accepted quote.
    Order {
        name: "order",
        labels: ("Order", "Auftrag"),
        key: KeyKind::Generated("ORD"),
        fields: {
            quote: String = reference("quote", "Quote", "Angebot"),
            customer: String = reference("customer", "Customer", "Kunde").required(),
            order_date: Option<NaiveDate> = date("Order date", "Auftragsdatum"),
            total: Option<Money> = money("Total", "Gesamtbetrag"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [],
        columns: ["key", "customer", "quote", "order_date", "total"],
    }
}
