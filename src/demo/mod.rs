//! Realistic, deterministic demo data, streamed in dependency order.
//!
//! Every record is a pure function of (seed, entity, index): a record that names
//! another (an opportunity its customer, a quote its opportunity) recomputes the few
//! facts it needs from the other's index instead of looking them up, so nothing but
//! the code tables and the forecast lines being collected is held in memory.

mod activity;
mod campaigns;
mod codes;
mod geo;
mod names;
mod parties;
mod reference;
mod rng;
mod sales;

use chrono::NaiveDate;

use crate::model::sales_forecast::ForecastLine;
use crate::model::Record;
use parties::Co;

/// Realistic, deterministic demo data: about `records` records in total across ALL entities,
/// yielded in dependency order (every record is yielded after every record it references).
pub fn generate(records: usize, seed: u64) -> impl Iterator<Item = Box<dyn crate::model::Record>> {
    let codes = reference::records();
    let plan = Plan::new(records as u64, seed, codes.len() as u64);
    let buckets = vec![Vec::new(); plan.forecasts as usize];
    Demo {
        plan,
        codes: codes.into_iter(),
        phase: 0,
        index: 0,
        buckets,
    }
}

/// The day the demo data is "as of": past-due and follow-up dates count from it.
pub fn today() -> NaiveDate {
    rng::ymd(2026, 11, 20)
}

/// Stream tags: one per kind of record, so that streams never overlap.
mod tag {
    pub const CUSTOMER: u64 = 1;
    pub const PROSPECT: u64 = 2;
    pub const PROSPECT_EXTRA: u64 = 3;
    pub const CONTACT: u64 = 4;
    pub const XREF: u64 = 5;
    pub const CAMPAIGN: u64 = 6;
    pub const CAMPAIGN_ITEM: u64 = 7;
    pub const OPPORTUNITY: u64 = 8;
    pub const OPP_ITEMS: u64 = 9;
    pub const TASK: u64 = 10;
    pub const QUOTE: u64 = 11;
    pub const ORDER: u64 = 12;
    pub const LEAD: u64 = 13;
    pub const INTERACTION: u64 = 14;
    pub const FORECAST: u64 = 15;
}

/// `items` spread over `groups` of consecutive items, the groups spread evenly over
/// `targets` (items ≥ groups, targets ≥ groups): contacts over companies, tasks over
/// opportunities, campaign items over campaigns.
#[derive(Debug, Clone, Copy)]
pub struct Spread {
    items: u64,
    groups: u64,
    targets: u64,
}

impl Spread {
    fn new(items: u64, groups: u64, targets: u64) -> Spread {
        Spread {
            items,
            groups: groups.clamp(1, targets.min(items).max(1)),
            targets,
        }
    }
    pub fn group_of(&self, item: u64) -> u64 {
        item * self.groups / self.items
    }
    pub fn target_of(&self, group: u64) -> u64 {
        group * self.targets / self.groups
    }
    pub fn first_item(&self, group: u64) -> u64 {
        (group * self.items).div_ceil(self.groups)
    }
    pub fn group_of_target(&self, target: u64) -> Option<u64> {
        let g = (target * self.groups).div_ceil(self.targets);
        (g < self.groups && self.target_of(g) == target).then_some(g)
    }
}

/// How many records of each entity; everything else derives from these counts.
#[derive(Debug, Clone)]
pub struct Plan {
    pub seed: u64,
    pub campaigns: u64,
    pub campaign_items: u64,
    pub customers: u64,
    pub prospects: u64,
    /// Sales contacts, and as many cross-references (one each).
    pub contacts: u64,
    pub opps: u64,
    pub tasks: u64,
    pub quotes: u64,
    pub orders: u64,
    pub leads: u64,
    pub interactions: u64,
    pub forecasts: u64,
}

impl Plan {
    fn new(records: u64, seed: u64, fixed: u64) -> Plan {
        let rest = records.saturating_sub(fixed);
        let forecasts = (rest / 250).clamp(
            1,
            (reference::ACTIVE_SALESPERSONS * reference::PERIODS) as u64,
        );
        let rest = rest.saturating_sub(forecasts);
        // Per mille of the remaining records. With the cross-references (one per
        // contact, 120) and the orders (one per five quotes, 10) they add up to 1000.
        let share = |per_mille: u64| (rest * per_mille / 1000).max(1);
        let quotes = share(50);
        let plan = Plan {
            seed,
            campaigns: share(5),
            campaign_items: share(10),
            customers: share(80),
            prospects: share(80),
            contacts: share(120),
            opps: share(150),
            tasks: share(120),
            quotes,
            orders: quotes.div_ceil(5),
            leads: share(100),
            interactions: share(155),
            forecasts,
        };
        debug_assert!(plan.prospects <= plan.customers);
        plan
    }

    /// Prospect `j` was converted into customer `j / 10` (every tenth prospect; there
    /// are never more prospects than customers).
    pub fn converted(&self, j: u64) -> Option<u64> {
        (j % 10 == 3).then_some(j / 10)
    }

    /// Customers and prospects not converted: what other records name.
    pub fn companies(&self) -> u64 {
        self.customers + self.prospects - (self.prospects + 6) / 10
    }

    /// Company `k` of `companies()`: customers first, then the open prospects.
    pub fn company(&self, k: u64) -> Co {
        if k < self.customers {
            return Co::Customer(k);
        }
        // The t-th prospect that is not converted skips every index ≡ 3 (mod 10).
        let t = k - self.customers;
        let r = t % 9;
        Co::Prospect(t / 9 * 10 + if r < 3 { r } else { r + 1 })
    }

    fn company_index(&self, co: Co) -> u64 {
        match co {
            Co::Customer(c) => c,
            Co::Prospect(j) => self.customers + j / 10 * 9 + j % 10 - u64::from(j % 10 > 3),
        }
    }

    /// Contacts in groups of one to two per company (about 1.5 each).
    pub fn contact_spread(&self) -> Spread {
        Spread::new(self.contacts, self.contacts * 2 / 3, self.companies())
    }

    /// The primary contact of a company, if it has contacts.
    pub fn contact_of(&self, co: Co) -> Option<u64> {
        let spread = self.contact_spread();
        spread
            .group_of_target(self.company_index(co))
            .map(|g| spread.first_item(g))
    }

    /// Tasks in groups of about 2.5 on 40 % of the opportunities.
    pub fn task_spread(&self) -> Spread {
        Spread::new(self.tasks, self.tasks * 2 / 5, self.opps)
    }

    pub fn campaign_item_spread(&self) -> Spread {
        Spread::new(self.campaign_items, self.campaigns, self.campaigns)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Campaign,
    CampaignItem,
    Customer,
    Prospect,
    Contact,
    Xref,
    Opportunity,
    Task,
    Quote,
    Order,
    Lead,
    Interaction,
    Forecast,
}

/// Dependency order: each phase names only the code tables and earlier phases.
const PHASES: &[Phase] = &[
    Phase::Campaign,
    Phase::CampaignItem,
    Phase::Customer,
    Phase::Prospect,
    Phase::Contact,
    Phase::Xref,
    Phase::Opportunity,
    Phase::Task,
    Phase::Quote,
    Phase::Order,
    Phase::Lead,
    Phase::Interaction,
    Phase::Forecast,
];

struct Demo {
    plan: Plan,
    codes: std::vec::IntoIter<Box<dyn Record>>,
    phase: usize,
    index: u64,
    /// The lines of each forecast, collected while the opportunities stream past.
    buckets: Vec<Vec<ForecastLine>>,
}

impl Demo {
    fn planned(&self, phase: Phase) -> u64 {
        let p = &self.plan;
        match phase {
            Phase::Campaign => p.campaigns,
            Phase::CampaignItem => p.campaign_items,
            Phase::Customer => p.customers,
            Phase::Prospect => p.prospects,
            Phase::Contact | Phase::Xref => p.contacts,
            Phase::Opportunity => p.opps,
            Phase::Task => p.tasks,
            Phase::Quote => p.quotes,
            Phase::Order => p.orders,
            Phase::Lead => p.leads,
            Phase::Interaction => p.interactions,
            Phase::Forecast => p.forecasts,
        }
    }

    fn make(&mut self, phase: Phase, i: u64) -> Box<dyn Record> {
        let p = &self.plan;
        match phase {
            Phase::Campaign => Box::new(campaigns::campaign(p, i)),
            Phase::CampaignItem => Box::new(campaigns::campaign_item(p, i)),
            Phase::Customer => Box::new(parties::customer(p, i)),
            Phase::Prospect => Box::new(parties::prospect(p, i)),
            Phase::Contact => Box::new(parties::sales_contact(p, i)),
            Phase::Xref => Box::new(parties::contact_xref(p, i)),
            Phase::Opportunity => {
                let (opp, sp) = sales::opportunity(p, i);
                if let Some((quarter, month)) = opp.expected_close.and_then(reference::periods_of) {
                    for period in [quarter, month] {
                        let Some(f) = activity::forecast_index(p, period, sp) else {
                            continue;
                        };
                        if self.buckets[f].len() < activity::MAX_LINES
                            && activity::forecasts_opportunity(&opp, period)
                        {
                            self.buckets[f].push(activity::forecast_line(&opp));
                        }
                    }
                }
                Box::new(opp)
            }
            Phase::Task => Box::new(sales::opportunity_task(p, i)),
            Phase::Quote => Box::new(sales::quote(p, i)),
            Phase::Order => Box::new(sales::order(p, i)),
            Phase::Lead => Box::new(activity::lead(p, i)),
            Phase::Interaction => Box::new(activity::interaction(p, i)),
            Phase::Forecast => {
                let lines = std::mem::take(&mut self.buckets[i as usize]);
                Box::new(activity::sales_forecast(p, i, lines))
            }
        }
    }
}

impl Iterator for Demo {
    type Item = Box<dyn Record>;

    fn next(&mut self) -> Option<Box<dyn Record>> {
        if let Some(r) = self.codes.next() {
            return Some(r);
        }
        while let Some(&phase) = PHASES.get(self.phase) {
            if self.index < self.planned(phase) {
                let i = self.index;
                self.index += 1;
                return Some(self.make(phase, i));
            }
            self.phase += 1;
            self.index = 0;
        }
        None
    }
}

#[cfg(test)]
mod tests;
