use chrono::NaiveDate;

use crate::model::quote::QuoteLine;
use crate::model::{KeyKind, Money};

entity! {
    /// A customer order, usually made from an accepted quote, whose lines it takes.
    Order {
        name: "order",
        labels: ("Order", "Auftrag"),
        key: KeyKind::Generated("ORD"),
        fields: {
            quote: String = reference("quote", "Quote", "Angebot"),
            customer: String = reference("customer", "Customer", "Kunde").required(),
            order_date: Option<NaiveDate> = date("Order date", "Auftragsdatum"),
            status: String = choice(&["open", "delivered", "invoiced", "cancelled"], "Status", "Status"),
            total: Option<Money> = money("Total", "Gesamtbetrag"),
            lines: Vec<QuoteLine> = lines(&QuoteLine::LINE, "Lines", "Positionen"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [],
        columns: ["key", "customer", "quote", "order_date", "total"],
    }
}
