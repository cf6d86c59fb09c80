use crate::model::{KeyKind, Money};

line! {
    /// An opportunity added to a forecast; follows the opportunity (amount,
    /// probability, stage, status, territory, team) while the forecast is draft,
    /// frozen once submitted. Roll-ups read the lines alone.
    ForecastLine {
        name: "forecast_line",
        fields: {
            opportunity: String = reference("opportunity", "Opportunity", "Verkaufschance").required(),
            amount: Option<Money> = money("Amount", "Betrag"),
            probability: Option<i64> = percent("Probability %", "Wahrscheinlichkeit %"),
            stage: String = reference("opportunity_stage", "Stage", "Phase"),
            status: String = reference("opportunity_status", "Status", "Status"),
            territory: String = reference("territory", "Territory", "Gebiet"),
            sales_team: String = reference("sales_team", "Sales team", "Verkaufsteam"),
        },
    }
}

entity! {
    /// A salesperson's forecast for one sales period, with the opportunities in it.
    SalesForecast {
        name: "sales_forecast",
        labels: ("Sales forecast", "Verkaufsprognose"),
        key: KeyKind::Generated("FCS"),
        fields: {
            salesperson: String = reference("salesperson", "Salesperson", "Verkäufer").required(),
            period: String = reference("sales_period", "Sales period", "Verkaufsperiode").required(),
            status: String = choice(&["draft", "submitted", "final"], "Status", "Status"),
            quota: Option<Money> = money("Quota", "Soll"),
            forecast_amount: Option<Money> = money("Forecast amount", "Prognosebetrag"),
            lines: Vec<ForecastLine> = lines(&ForecastLine::LINE, "Opportunities", "Verkaufschancen"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [],
        columns: ["key", "salesperson", "period", "status", "quota", "forecast_amount"],
    }
}
