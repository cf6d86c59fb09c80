//! Campaigns, opportunities with their tasks, quotes and orders. An opportunity's head
//! (company, status, stage, amount, close date) and its items are pure functions of
//! its index, so tasks, quotes and leads recompute them instead of storing them.

use chrono::{Days, NaiveDate};

use super::parties::{self, Co};
use super::reference::{
    salesperson_key, territory_salesperson, ACTIVE_SALESPERSONS, COMPETITORS, ITEMS, OPP_SOURCES,
    OPP_STATUSES, REASONS, STAGES, TASK_TYPES, WON_REASONS,
};
use super::rng::{key, ymd, Rng};
use super::{tag, today, Plan};
use crate::model::opportunity::OpportunityItem;
use crate::model::quote::QuoteLine;
use crate::model::{Money, Opportunity, OpportunityTask, Order, Quote};

pub const OPEN: usize = 0;
pub const WON: usize = 1;
pub const LOST: usize = 2;
pub const CANCELLED: usize = 3;

#[rustfmt::skip]
/// What others need of an opportunity.
pub struct OppHead {
    pub co: Co,
    pub status: usize,
    pub stage: usize,
    /// Whole euros.
    pub amount: i64,
    pub close: NaiveDate,
    rng: Rng,
}

pub fn opp_head(plan: &Plan, o: u64) -> OppHead {
    let mut rng = Rng::of(plan.seed, tag::OPPORTUNITY, o);
    let co = plan.company(rng.below(plan.companies()));
    let status = match rng.below(100) {
        0..=54 => OPEN,
        55..=74 => WON,
        75..=92 => LOST,
        _ => CANCELLED,
    };
    let stage = match status {
        OPEN => rng.pick(&[0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4]),
        WON => STAGES.len() - 1,
        _ => rng.range(1, 3) as usize,
    };
    let amount = (rng.log_uniform(5_000, 500_000) / 100 * 100).max(5_000);
    let close = if status == OPEN {
        rng.date(ymd(2026, 10, 15), ymd(2027, 12, 31))
    } else {
        rng.date(ymd(2025, 11, 1), ymd(2026, 11, 15))
    };
    OppHead {
        co,
        status,
        stage,
        amount,
        close,
        rng,
    }
}

/// The items of opportunity `o`: (item index, quantity), worth about its amount.
pub fn opp_items(plan: &Plan, o: u64, amount: i64) -> Vec<(usize, i64)> {
    let mut rng = Rng::of(plan.seed, tag::OPP_ITEMS, o);
    let n = 1 + rng.below(3) as i64;
    let share = amount * 100 / n;
    let mut out: Vec<(usize, i64)> = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let fits = (0..6)
            .map(|_| rng.below_usize(ITEMS.len()))
            .find(|&i| ITEMS[i].2 <= share && out.iter().all(|(j, _)| *j != i));
        if let Some(i) = fits {
            out.push((i, (share + ITEMS[i].2 / 2) / ITEMS[i].2));
        }
    }
    if out.is_empty() {
        let eng = ITEMS.iter().position(|it| it.0 == "SVC-ENG").unwrap_or(0);
        out.push((eng, (amount * 100 / ITEMS[eng].2).max(1)));
    }
    out
}

#[rustfmt::skip]
const DE_OPPS: &[&str] = &[
    "Ersatzteilrahmenvertrag 2027", "Retrofit Bearbeitungszentrum", "Neue Montagelinie",
    "Modernisierung Hydraulik", "Automatisierung Verpackungslinie", "Wartungsvertrag 2027",
    "Erweiterung Fertigung", "Austausch Antriebe", "Servicepaket und Schulung",
    "Ersatz Altmaschine", "Umrüstung auf Servotechnik", "Zentralschmierung nachrüsten",
];
#[rustfmt::skip]
const EN_OPPS: &[&str] = &[
    "Spare parts framework 2027", "Machining centre retrofit", "New assembly line",
    "Hydraulics upgrade", "Packaging line automation", "Service contract 2027",
    "Capacity expansion", "Drive replacement", "Service and training package",
    "Legacy press replacement", "Conversion to servo drives", "Central lubrication retrofit",
];

/// The opportunity and the index of its salesperson.
pub fn opportunity(plan: &Plan, o: u64) -> (Opportunity, usize) {
    let OppHead {
        co,
        status,
        stage,
        amount,
        close,
        mut rng,
    } = opp_head(plan, o);
    let head = parties::head(plan, co);
    let english = head.english();
    let mut description = rng
        .pick(if english { EN_OPPS } else { DE_OPPS })
        .to_string();
    if rng.chance(30) {
        description.push_str(if english { ", line " } else { ", Linie " });
        super::rng::push_num(&mut description, rng.range(1, 6) as u64);
    }
    let contact = plan
        .contact_of(co)
        .map(|i| key("CON", i + 1))
        .unwrap_or_default();
    let campaign = if rng.chance(15) {
        key("CMP", rng.below(plan.campaigns) + 1)
    } else {
        String::new()
    };
    let source = if !campaign.is_empty() {
        "CAMPAIGN"
    } else if matches!(co, Co::Customer(_)) && rng.chance(50) {
        "EXISTING"
    } else {
        // Not "CAMPAIGN" (the last but one): that source goes with a campaign.
        let n = rng.below_usize(OPP_SOURCES.len() - 1);
        OPP_SOURCES[if n >= 5 { n + 1 } else { n }].0
    };
    let (probability, reason, closed_on) = match status {
        OPEN => (STAGES[stage].3, "", None),
        WON => (100, REASONS[rng.below_usize(WON_REASONS)].0, Some(close)),
        LOST => (
            0,
            REASONS[WON_REASONS + rng.below_usize(REASONS.len() - WON_REASONS)].0,
            Some(close),
        ),
        _ => (0, if rng.chance(50) { "LNODEC" } else { "" }, Some(close)),
    };
    let n_comp = rng.below(4) as usize;
    let (start, step) = (
        rng.below_usize(COMPETITORS.len()),
        rng.pick(&[1usize, 3, 7, 9]),
    );
    let competitors = (0..n_comp)
        .map(|n| {
            COMPETITORS[(start + n * step) % COMPETITORS.len()]
                .0
                .to_string()
        })
        .collect();
    let items = opp_items(plan, o, amount)
        .into_iter()
        .map(|(i, qty)| OpportunityItem {
            item: ITEMS[i].0.to_string(),
            qty: Some(qty),
            comment: String::new(),
        })
        .collect();
    let members = if rng.chance(30) {
        let other = territory_salesperson(head.territory, head.salesperson + 1);
        vec![salesperson_key(if other == head.salesperson {
            (other + 1) % ACTIVE_SALESPERSONS
        } else {
            other
        })]
    } else {
        Vec::new()
    };
    let notes = if rng.chance(12) {
        rng.pick(&[
            "Entscheidung im Vorstand geplant.",
            "Budget freigegeben.",
            "Customer wants a trial installation first.",
            "Wettbewerber bietet 10 % günstiger an.",
            "Decision expected after the trade fair.",
        ])
        .to_string()
    } else {
        String::new()
    };
    let (customer, prospect) = co.keys();
    let opp = Opportunity {
        key: key("OPP", o + 1),
        description,
        customer,
        prospect,
        contact,
        salesperson: head.salesperson_key(),
        sales_team: head.team_key(),
        territory: head.territory_key(),
        campaign,
        source: source.to_string(),
        stage: STAGES[stage].0.to_string(),
        probability: Some(probability),
        amount: Some(Money::eur(amount * 100)),
        expected_close: Some(close),
        status: OPP_STATUSES[status].0.to_string(),
        reason: reason.to_string(),
        closed_on,
        competitors,
        items,
        members,
        notes,
    };
    (opp, head.salesperson)
}

#[rustfmt::skip]
const DE_TASKS: &[&str] = &[
    "Bedarf telefonisch klären", "Vor-Ort-Termin vereinbaren", "Vorführung vorbereiten",
    "Angebot erstellen", "Nachfassen beim Einkauf", "Technische Klärung mit Konstruktion",
    "Testinstallation planen",
];
#[rustfmt::skip]
const EN_TASKS: &[&str] = &[
    "Call to clarify requirements", "Arrange site visit", "Prepare demonstration", "Prepare quote",
    "Follow up with purchasing", "Technical review with engineering", "Plan trial installation",
];

pub fn opportunity_task(plan: &Plan, i: u64) -> OpportunityTask {
    let spread = plan.task_spread();
    let group = spread.group_of(i);
    let o = spread.target_of(group);
    let opp = opp_head(plan, o);
    let head = parties::head(plan, opp.co);
    let mut rng = Rng::of(plan.seed, tag::TASK, i);
    let t = rng.below_usize(TASK_TYPES.len());
    let last = spread.first_item(group + 1) == i + 1;
    let now = today();
    let status = match opp.status {
        OPEN if last || rng.chance(30) => "open",
        OPEN => "done",
        _ if rng.chance(80) => "done",
        _ => "cancelled",
    };
    let (due, completed) = if status == "open" {
        (rng.date(ymd(2026, 11, 1), ymd(2027, 2, 28)), None)
    } else {
        let due = rng.date(ymd(2026, 1, 5), ymd(2026, 11, 18));
        let done = (due + Days::new(rng.below(6))).min(now);
        (due, (status == "done").then_some(done))
    };
    OpportunityTask {
        key: key("TSK", i + 1),
        opportunity: key("OPP", o + 1),
        lead: String::new(),
        seq: Some(((i - spread.first_item(group) + 1) * 10) as i64),
        description: (if head.english() { EN_TASKS } else { DE_TASKS })[t].to_string(),
        task_type: TASK_TYPES[t].0.to_string(),
        owner: head.salesperson_key(),
        due_date: Some(due),
        priority: rng
            .pick(&["low", "normal", "normal", "normal", "high"])
            .to_string(),
        status: status.to_string(),
        completed_on: completed,
        notes: if rng.chance(8) {
            "Siehe E-Mail vom Kunden.".to_string()
        } else {
            String::new()
        },
    }
}

/// Quote `q`; every fifth (q % 5 == 0) is an accepted customer quote that an order
/// is made from.
pub fn quote(plan: &Plan, q: u64) -> Quote {
    let mut rng = Rng::of(plan.seed, tag::QUOTE, q);
    let ordered = q.is_multiple_of(5);
    let start = rng.below(plan.opps);
    let tries = if ordered { 64 } else { 8 };
    let found = (0..tries).map(|n| (start + n) % plan.opps).find(|&o| {
        let h = opp_head(plan, o);
        if ordered {
            h.status == WON && matches!(h.co, Co::Customer(_))
        } else {
            h.status != OPEN || h.stage >= 2
        }
    });
    let found = found.or((!ordered).then_some(start % plan.opps));
    let (opportunity, co, lines, date, status_of) = match found {
        Some(o) => {
            let h = opp_head(plan, o);
            let date = match h.status {
                OPEN => rng.date(ymd(2026, 7, 1), today()),
                _ => h.close - Days::new(rng.range(7, 60) as u64),
            };
            (
                key("OPP", o + 1),
                h.co,
                opp_items(plan, o, h.amount),
                date,
                h.status,
            )
        }
        None => {
            let co = Co::Customer(rng.below(plan.customers));
            let date = rng.date(ymd(2026, 1, 10), ymd(2026, 10, 31));
            (
                String::new(),
                co,
                opp_items(plan, u64::MAX - q, rng.log_uniform(5_000, 80_000)),
                date,
                WON,
            )
        }
    };
    let valid_until = date + Days::new(rng.pick(&[30, 45, 60, 90]));
    let status = match status_of {
        WON => "accepted",
        LOST => "rejected",
        CANCELLED => "expired",
        _ if valid_until < today() => "expired",
        _ if rng.chance(25) => "draft",
        _ => "sent",
    };
    let lines = lines
        .into_iter()
        .map(|(i, qty)| QuoteLine {
            item: ITEMS[i].0.to_string(),
            qty: Some(qty),
            unit_price: Some(Money::eur(ITEMS[i].2)),
            discount: Some(rng.pick(&[0, 0, 0, 3, 5, 5, 10, 15])),
        })
        .collect();
    let (customer, prospect) = co.keys();
    Quote {
        key: key("QUO", q + 1),
        opportunity,
        customer,
        prospect,
        quote_date: Some(date),
        valid_until: Some(valid_until),
        status: status.to_string(),
        lines,
        notes: if rng.chance(10) {
            "Preise zzgl. MwSt., ab Werk.".to_string()
        } else {
            String::new()
        },
    }
}

/// The net total of a quote's lines, in cents.
pub fn quote_total(quote: &Quote) -> i64 {
    quote
        .lines
        .iter()
        .map(|l| {
            let gross = l.qty.unwrap_or(0) * l.unit_price.map_or(0, |m| m.cents);
            gross - gross * l.discount.unwrap_or(0) / 100
        })
        .sum()
}

/// Order `k`, made from the accepted quote `5 k`.
pub fn order(plan: &Plan, k: u64) -> Order {
    let q = quote(plan, k * 5);
    let mut rng = Rng::of(plan.seed, tag::ORDER, k);
    let date = q.quote_date.unwrap_or_else(today) + Days::new(rng.range(2, 20) as u64);
    Order {
        key: key("ORD", k + 1),
        quote: q.key.clone(),
        customer: q.customer.clone(),
        order_date: Some(date),
        status: if k % 5 < 3 { "delivered" } else { "open" }.to_string(),
        total: Some(Money::eur(quote_total(&q))),
        lines: q.lines.clone(),
        notes: if rng.chance(10) {
            "Teillieferung möglich.".to_string()
        } else {
            String::new()
        },
    }
}
