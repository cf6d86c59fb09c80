use chrono::NaiveDate;

use crate::model::{Check, KeyKind};

entity! {
    /// A period that sales forecasts are made for.
    SalesPeriod {
        name: "sales_period",
        labels: ("Sales period", "Verkaufsperiode"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
            start_date: Option<NaiveDate> = date("Start date", "Startdatum").required(),
            end_date: Option<NaiveDate> = date("End date", "Enddatum").required(),
        },
        checks: [Check::DateOrder("start_date", "end_date")],
    }
}
