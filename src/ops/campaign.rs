//! Campaign efficiency, derived and never stored: the leads, prospects and
//! opportunities a campaign brought, the revenue its won opportunities made, its
//! cost per lead and its return on investment.

use std::collections::HashMap;

use crate::model::{Campaign, Entity, Lead, Money, Opportunity, Prospect};
use crate::ops::forecast::{meanings, Sums};
use crate::store::{Result, Store, StoreError};

/// One campaign's figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Efficiency {
    pub campaign: String,
    pub description: String,
    pub leads: usize,
    pub prospects: usize,
    pub opportunities: usize,
    pub won: usize,
    pub won_revenue: Sums,
    /// The actual cost, or the budget while no actual cost is recorded.
    pub cost: Option<Money>,
}

impl Efficiency {
    pub fn cost_per_lead(&self) -> Option<Money> {
        let cost = self.cost?;
        let leads = i64::try_from(self.leads).ok().filter(|n| *n > 0)?;
        let per_lead = (i128::from(cost.cents) + i128::from(leads / 2)).div_euclid(leads.into());
        Some(Money::new(
            i64::try_from(per_lead).expect("a share of an amount is an amount"),
            cost.currency,
        ))
    }

    /// (won revenue − cost) / cost in percent, one decimal, in the cost's currency.
    pub fn roi(&self) -> Option<f64> {
        let cost = self.cost.filter(|c| c.cents > 0)?;
        let revenue = self.won_revenue.cents(cost.currency) as f64;
        let roi = (revenue - cost.cents as f64) * 100.0 / cost.cents as f64;
        Some((roi * 10.0).round() / 10.0)
    }
}

/// The figures of one campaign.
pub fn efficiency(store: &Store, key: &str) -> Result<Efficiency> {
    let key = key.trim().to_uppercase();
    let campaign = store.fetch_as::<Campaign>(&key)?;
    of(store, &campaign, &meanings(store)?)
}

fn of(store: &Store, c: &Campaign, meanings: &HashMap<String, String>) -> Result<Efficiency> {
    let leads = store.keys_naming(Campaign::DEF, &c.key, Lead::DEF)?.len();
    let prospects = store
        .keys_naming(Campaign::DEF, &c.key, Prospect::DEF)?
        .len();
    let opps = store.keys_naming(Campaign::DEF, &c.key, Opportunity::DEF)?;
    let mut won = 0;
    let mut won_revenue = Sums::default();
    for k in &opps {
        let Some(o) = store.get_as::<Opportunity>(k)? else {
            continue;
        };
        if meanings.get(&o.status).is_some_and(|m| m == "won") {
            won += 1;
            if let Some(a) = o.amount {
                won_revenue.add(a).map_err(|e| {
                    StoreError::invalid(Campaign::DEF.name, &c.key, "won revenue", "", e)
                })?;
            }
        }
    }
    Ok(Efficiency {
        campaign: c.key.clone(),
        description: c.description.clone(),
        leads,
        prospects,
        opportunities: opps.len(),
        won,
        won_revenue,
        cost: c.actual_cost.or(c.budget),
    })
}

/// Every campaign's figures, in key order.
pub fn report(store: &Store) -> Result<Vec<Efficiency>> {
    let meanings = meanings(store)?;
    let mut out = Vec::new();
    for r in store.scan(Campaign::DEF) {
        if let Some(c) = r?.downcast_ref::<Campaign>() {
            out.push(of(store, c, &meanings)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_match_a_count_over_every_record() {
        let (_dir, store) = crate::ops::demo_store(3000);
        let all = report(&store).unwrap();
        assert_eq!(all.len(), store.count(Campaign::DEF));
        let total_leads: usize = all.iter().map(|e| e.leads).sum();
        let with_campaign = store
            .scan(Lead::DEF)
            .filter(|r| !r.as_ref().unwrap().value("campaign").is_empty())
            .count();
        assert_eq!(total_leads, with_campaign);
        let e = all.iter().max_by_key(|e| e.won).unwrap();
        assert!(e.won > 0, "the demo wins opportunities from campaigns");
        let mut revenue = 0;
        for r in store.scan(Opportunity::DEF) {
            let o = r.unwrap().downcast_ref::<Opportunity>().unwrap().clone();
            if o.campaign == e.campaign && o.status == "WON" {
                revenue += o.amount.map_or(0, |m| m.cents);
            }
        }
        assert_eq!(e.won_revenue.first().map(|m| m.cents), Some(revenue));
    }

    #[test]
    fn won_revenue_past_the_largest_amount_is_an_error() {
        let (_dir, store) = crate::ops::demo_store(3000);
        let e = report(&store)
            .unwrap()
            .into_iter()
            .find(|e| e.won >= 2)
            .expect("a campaign with two won opportunities");
        let won: Vec<Opportunity> = store
            .scan(Opportunity::DEF)
            .map(|r| r.unwrap().downcast_ref::<Opportunity>().unwrap().clone())
            .filter(|o| o.campaign == e.campaign && o.status == "WON")
            .take(2)
            .collect();
        for old in won {
            let o = Opportunity {
                amount: Some(Money::eur(i64::MAX)),
                ..old.clone()
            };
            crate::ops::save::save(&store, Some(&old as &dyn crate::model::Record), Box::new(o))
                .unwrap();
        }
        let err = efficiency(&store, &e.campaign).unwrap_err().to_string();
        assert!(err.contains("exceeds the largest amount"), "{err}");
        let c = store.fetch_as::<Campaign>(&e.campaign).unwrap();
        let shown = crate::ops::figures::of(&store, &c);
        assert!(
            shown[0].value.contains("exceeds the largest amount"),
            "{shown:?}"
        );
    }

    #[test]
    fn cost_per_lead_and_roi() {
        let e = Efficiency {
            campaign: "CMP1".into(),
            description: String::new(),
            leads: 3,
            prospects: 1,
            opportunities: 2,
            won: 1,
            won_revenue: {
                let mut s = Sums::default();
                s.add(Money::eur(500_000)).unwrap();
                s
            },
            cost: Some(Money::eur(100_000)),
        };
        assert_eq!(e.cost_per_lead(), Some(Money::eur(33_333)));
        assert_eq!(e.roi(), Some(400.0));
        let free = Efficiency { cost: None, ..e };
        assert_eq!((free.cost_per_lead(), free.roi()), (None, None));
    }
}
