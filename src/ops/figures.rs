//! The derived figures a form shows under its fields: a campaign's efficiency, an
//! opportunity's weighted amount, a quote's total, a forecast's potential,
//! weighted, closed-won and quota attainment. Computed when the form opens or
//! saves, never stored.

use crate::model::{Campaign, Lang, Money, Opportunity, Quote, Record, SalesForecast};
use crate::ops::{campaign, forecast};
use crate::store::Store;

/// One labelled figure.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    #[serde(with = "crate::util::statics")]
    pub en: crate::util::statics::Name,
    #[serde(with = "crate::util::statics")]
    pub de: crate::util::statics::Name,
    pub value: String,
}

impl Figure {
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::De => self.de,
        }
    }
}

fn fig(en: &'static str, de: &'static str, value: impl ToString) -> Figure {
    Figure {
        en,
        de,
        value: value.to_string(),
    }
}

fn money(m: Option<Money>) -> String {
    m.map_or_else(|| "—".to_string(), |m| m.to_string())
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_string(), |p| format!("{p:.1} %"))
}

/// The figures of a stored record; none for entities without derived figures or
/// when they cannot be read.
pub fn of(store: &Store, record: &dyn Record) -> Vec<Figure> {
    let any = record.as_any();
    if any.downcast_ref::<Campaign>().is_some() {
        let e = match campaign::efficiency(store, record.key()) {
            Ok(e) => e,
            Err(crate::store::StoreError::Invalid { message, .. }) => {
                return vec![fig("Won revenue", "Gewonnener Umsatz", message)];
            }
            Err(_) => return Vec::new(),
        };
        return vec![
            fig("Leads", "Leads", e.leads),
            fig("Prospects", "Interessenten", e.prospects),
            fig("Opportunities", "Verkaufschancen", e.opportunities),
            fig("Won", "Gewonnen", e.won),
            fig("Won revenue", "Gewonnener Umsatz", &e.won_revenue),
            fig("Cost per lead", "Kosten pro Lead", money(e.cost_per_lead())),
            fig("ROI", "ROI", pct(e.roi())),
        ];
    }
    if let Some(o) = any.downcast_ref::<Opportunity>() {
        return vec![fig(
            "Weighted amount",
            "Gewichteter Betrag",
            money(o.weighted_amount()),
        )];
    }
    if let Some(q) = any.downcast_ref::<Quote>() {
        let total = q.total().map_or_else(|e| e, |m| m.to_string());
        return vec![fig("Total", "Summe", total)];
    }
    if let Some(f) = any.downcast_ref::<SalesForecast>() {
        let Ok(meanings) = forecast::meanings(store) else {
            return Vec::new();
        };
        let x = match forecast::Figures::of(f, &meanings) {
            Ok(x) => x,
            Err(e) => return vec![fig("Potential (100 %)", "Potenzial (100 %)", e)],
        };
        return vec![
            fig("Potential (100 %)", "Potenzial (100 %)", &x.potential),
            fig("Weighted", "Gewichtet", &x.weighted),
            fig("Closed-won", "Gewonnen", &x.won),
            fig("Quota attainment", "Zielerreichung", pct(x.attainment())),
        ];
    }
    Vec::new()
}
