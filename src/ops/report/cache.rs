//! The server's report projections: a compact row per opportunity, interaction
//! and task holding only what the reports read, codes interned. Built once from
//! the records (the server warms them at start) and kept true by a store watch:
//! before each report the keys written since are read again. A 1M-record
//! database's 150k opportunities take about 30 MB this way, and a report reads
//! them without touching sled or decoding a record.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use crate::model::{
    Entity, Interaction, Lead, Money, Opportunity, OpportunityTask, Prospect, Record,
};
use crate::store::{Result, Store};

/// Interned codes: 0 is the empty code.
#[derive(Default)]
pub struct Codes {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Codes {
    pub fn id(&mut self, code: &str) -> u32 {
        if code.is_empty() {
            return 0;
        }
        if let Some(&i) = self.ids.get(code) {
            return i;
        }
        if self.names.is_empty() {
            self.names.push(String::new());
        }
        let i = self.names.len() as u32;
        self.names.push(code.to_string());
        self.ids.insert(code.to_string(), i);
        i
    }

    /// The id of a code seen before (None: no row names it).
    pub fn find(&self, code: &str) -> Option<u32> {
        if code.is_empty() {
            return Some(0);
        }
        self.ids.get(code).copied()
    }

    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

/// What the reports read of an opportunity.
pub struct OppRow {
    pub key: Box<str>,
    pub description: Box<str>,
    /// The customer's key, else the prospect's.
    pub company: Box<str>,
    pub is_customer: bool,
    pub salesperson: u32,
    pub sales_team: u32,
    pub territory: u32,
    pub campaign: u32,
    pub source: u32,
    pub stage: u32,
    pub status: u32,
    pub reason: u32,
    pub amount: Option<Money>,
    pub probability: Option<i64>,
    pub expected_close: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub competitors: Box<[u32]>,
}

impl OppRow {
    pub fn of(o: &Opportunity, c: &mut Codes) -> OppRow {
        let is_customer = !o.customer.is_empty();
        OppRow {
            key: o.key.as_str().into(),
            description: o.description.as_str().into(),
            company: if is_customer {
                &o.customer
            } else {
                &o.prospect
            }
            .as_str()
            .into(),
            is_customer,
            salesperson: c.id(&o.salesperson),
            sales_team: c.id(&o.sales_team),
            territory: c.id(&o.territory),
            campaign: c.id(&o.campaign),
            source: c.id(&o.source),
            stage: c.id(&o.stage),
            status: c.id(&o.status),
            reason: c.id(&o.reason),
            amount: o.amount,
            probability: o.probability,
            expected_close: o.expected_close,
            closed_on: o.closed_on,
            competitors: o.competitors.iter().map(|k| c.id(k)).collect(),
        }
    }

    pub fn weighted(&self) -> Option<Money> {
        crate::ops::rules::weighted(self.amount?, self.probability)
    }
}

/// What the activity report reads of an interaction.
pub struct InteractionRow {
    pub salesperson: u32,
    pub day: Option<NaiveDate>,
}

/// What the activity report reads of a task: its owner and, when done, the day.
pub struct TaskRow {
    pub owner: u32,
    pub done_on: Option<NaiveDate>,
}

/// One entity's rows by key, kept true by a store watch.
pub type Rows<R> = crate::store::watch::Watched<R>;

/// Every projection of one store.
#[derive(Default)]
pub struct Projections {
    pub codes: Codes,
    pub opps: Rows<OppRow>,
    pub interactions: Rows<InteractionRow>,
    pub tasks: Rows<TaskRow>,
    /// The campaign each lead and prospect came from.
    pub leads: Rows<u32>,
    pub prospects: Rows<u32>,
}

fn lead_of(r: &dyn Record, c: &mut Codes) -> Option<u32> {
    r.as_any().downcast_ref::<Lead>().map(|l| c.id(&l.campaign))
}

fn prospect_of(r: &dyn Record, c: &mut Codes) -> Option<u32> {
    r.as_any()
        .downcast_ref::<Prospect>()
        .map(|p| c.id(&p.campaign))
}

fn opp_of(r: &dyn Record, c: &mut Codes) -> Option<OppRow> {
    r.as_any()
        .downcast_ref::<Opportunity>()
        .map(|o| OppRow::of(o, c))
}

fn interaction_of(r: &dyn Record, c: &mut Codes) -> Option<InteractionRow> {
    r.as_any()
        .downcast_ref::<Interaction>()
        .map(|i| InteractionRow {
            salesperson: c.id(&i.salesperson),
            day: i.occurred_at.map(|t| t.date()),
        })
}

fn task_of(r: &dyn Record, c: &mut Codes) -> Option<TaskRow> {
    r.as_any()
        .downcast_ref::<OpportunityTask>()
        .map(|t| TaskRow {
            owner: c.id(&t.owner),
            done_on: if t.status == "done" {
                t.completed_on
            } else {
                None
            },
        })
}

/// Which projections a report reads.
#[derive(Clone, Copy)]
pub enum Need {
    Opportunities,
    Activity,
    Campaigns,
}

/// Runs `f` on the store's projections, brought up to date for `need` first and
/// locked while `f` reads them.
pub fn with<T>(store: &Store, need: Need, f: impl FnOnce(&Projections) -> Result<T>) -> Result<T> {
    let slot: Arc<Mutex<Projections>> = store.slot(|| Mutex::new(Projections::default()));
    let mut p = slot.lock().unwrap_or_else(|e| e.into_inner());
    let Projections {
        codes,
        opps,
        interactions,
        tasks,
        leads,
        prospects,
    } = &mut *p;
    match need {
        Need::Opportunities => {
            opps.refresh(store, Opportunity::DEF, |r| opp_of(r, codes))?;
        }
        Need::Activity => {
            interactions.refresh(store, Interaction::DEF, |r| interaction_of(r, codes))?;
            tasks.refresh(store, OpportunityTask::DEF, |r| task_of(r, codes))?;
        }
        Need::Campaigns => {
            opps.refresh(store, Opportunity::DEF, |r| opp_of(r, codes))?;
            leads.refresh(store, Lead::DEF, |r| lead_of(r, codes))?;
            prospects.refresh(store, Prospect::DEF, |r| prospect_of(r, codes))?;
        }
    }
    f(&p)
}

/// Builds the projections ahead of the first report (the server does this at
/// start, in the background).
pub fn warm(store: &Store) -> Result<()> {
    with(store, Need::Campaigns, |_| Ok(()))?;
    with(store, Need::Activity, |_| Ok(()))
}
