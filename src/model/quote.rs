use chrono::NaiveDate;

use crate::model::{Check, KeyKind, Money};

line! {
    /// One quoted item: item × quantity × price, less a discount.
    QuoteLine {
        name: "quote_line",
        fields: {
            item: String = reference("item", "Item", "Artikel").required(),
            qty: Option<i64> = int("Quantity", "Menge"),
            unit_price: Option<Money> = money("Unit price", "Stückpreis"),
            discount: Option<i64> = percent("Discount %", "Rabatt %"),
        },
    }
}

entity! {
    /// A quote to a customer or prospect, tracked on an opportunity; an accepted quote
    /// becomes an order.
    Quote {
        name: "quote",
        labels: ("Quote", "Angebot"),
        key: KeyKind::Generated("QUO"),
        fields: {
            opportunity: String = reference("opportunity", "Opportunity", "Verkaufschance"),
            customer: String = reference("customer", "Customer", "Kunde"),
            prospect: String = reference("prospect", "Prospect", "Interessent"),
            quote_date: Option<NaiveDate> = date("Quote date", "Angebotsdatum"),
            valid_until: Option<NaiveDate> = date("Valid until", "Gültig bis").dated(),
            status: String = choice(&["draft", "sent", "accepted", "rejected", "expired"], "Status", "Status"),
            lines: Vec<QuoteLine> = lines(&QuoteLine::LINE, "Lines", "Positionen"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [
            Check::NotBoth("customer", "prospect"),
            Check::DateOrder("quote_date", "valid_until"),
        ],
        columns: ["key", "opportunity", "customer|prospect", "quote_date", "valid_until", "status"],
    }
}
