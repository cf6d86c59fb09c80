//! Leads, interactions and sales forecasts: the records that come last because they
//! name companies, contacts and opportunities.

use chrono::Days;

use super::geo::{self, TEAMS, TERRITORIES};
use super::names;
use super::parties::{self, Co};
use super::reference::{
    self, period, salesperson_key, territory_salesperson, ACTIVE_SALESPERSONS, INTERACTION_TYPES,
    ITEMS, LEAD_SOURCES, OPP_STATUSES, PERIODS, TOPICS,
};
use super::rng::{key, ymd, Rng};
use super::sales::{self, OPEN};
use super::{tag, today, Plan};
use crate::model::sales_forecast::ForecastLine;
use crate::model::{Interaction, Lead, Money, SalesForecast};

#[rustfmt::skip]
const DE_INTEREST: &[&str] = &[
    "Ersatzteile", "Retrofit", "Wartungsvertrag", "Schulung", "Neue Maschine", "Automatisierung",
];
#[rustfmt::skip]
const EN_INTEREST: &[&str] = &[
    "Spare parts", "Retrofit", "Service contract", "Training", "New machine", "Automation",
];

pub fn lead(plan: &Plan, l: u64) -> Lead {
    let mut rng = Rng::of(plan.seed, tag::LEAD, l);
    // A converted lead belongs to its opportunity's company; others to a company
    // already known, or to none yet.
    let converted = rng.chance(15);
    let (co, opportunity) = if converted {
        let o = rng.below(plan.opps);
        (Some(sales::opp_head(plan, o).co), key("OPP", o + 1))
    } else if rng.chance(55) {
        (
            Some(plan.company(rng.below(plan.companies()))),
            String::new(),
        )
    } else {
        (None, String::new())
    };
    let (head, name, address, phone) = match co {
        Some(co) => {
            let c = parties::company(plan, co);
            (c.head, c.name, c.address, c.phone)
        }
        None => {
            let territory = geo::pick_territory(&mut rng);
            let city = rng.pick_ref(TERRITORIES[territory].cities);
            let name = names::company_name(&mut rng, city.country, city.name);
            let address = geo::address(&mut rng, city);
            let phone = geo::phone(&mut rng, city);
            let salesperson = territory_salesperson(territory, rng.below_usize(3));
            let head = parties::Head {
                territory,
                city,
                salesperson,
                team: TERRITORIES[territory].team,
            };
            (head, name, address, phone)
        }
    };
    let english = head.english();
    let person = names::person(&mut rng, english);
    let source = rng.pick(LEAD_SOURCES).0;
    let campaign = parties::campaign_for(plan, &mut rng, source);
    let status = if converted {
        "CONVERTED"
    } else {
        rng.pick(&[
            "NEW",
            "NEW",
            "CONTACTED",
            "CONTACTED",
            "QUALIFIED",
            "NURTURE",
            "DISQUAL",
        ])
    };
    let follow_up = matches!(status, "NEW" | "CONTACTED" | "QUALIFIED" | "NURTURE")
        .then(|| rng.date(ymd(2026, 11, 2), ymd(2027, 2, 26)));
    let mut interest = rng
        .pick(if english { EN_INTEREST } else { DE_INTEREST })
        .to_string();
    interest.push_str(": ");
    interest.push_str(ITEMS[rng.below_usize(ITEMS.len())].1);
    let (customer, prospect) = co.map(Co::keys).unwrap_or_default();
    Lead {
        key: key("LEA", l + 1),
        last_name: person.last.to_string(),
        first_name: person.first.to_string(),
        company: name.name,
        title: names::title(&mut rng, english).to_string(),
        street: address.street,
        postal_code: address.postal_code,
        city: address.city.to_string(),
        country: address.country.code().to_string(),
        phone,
        email: names::email(person, &name.domain),
        source: source.to_string(),
        quality: Some(rng.range(2, 19) * 5),
        status: status.to_string(),
        campaign,
        territory: TERRITORIES[head.territory].code.to_string(),
        salesperson: salesperson_key(head.salesperson),
        sales_team: TEAMS[head.team].0.to_string(),
        customer,
        prospect,
        interest,
        follow_up,
        opportunity,
        notes: if rng.chance(5) {
            "Rückruf erbeten.".to_string()
        } else {
            String::new()
        },
    }
}

/// A note per interaction topic (same order as `TOPICS`): German, English.
const TOPIC_NOTES: &[(&str, &str)] = &[
    (
        "Firmenprofil und Ansprechpartner vorgestellt.",
        "Introduced our company and contacts.",
    ),
    (
        "Newsletter und Produktkatalog zugeschickt.",
        "Sent newsletter and product catalogue.",
    ),
    (
        "Einladung zur Hausmesse ausgesprochen.",
        "Invited to our open house.",
    ),
    (
        "Neue Durchwahl und E-Mail-Adresse notiert.",
        "Updated phone extension and e-mail.",
    ),
    (
        "Bedarf besprochen, Unterlagen zugesagt.",
        "Discussed requirements; brochure promised.",
    ),
    (
        "Produktpräsentation beim Kunden vor Ort.",
        "Presented the product range on site.",
    ),
    (
        "Angebot nachgefasst, Entscheidung bis Monatsende.",
        "Followed up on the quote; decision by month end.",
    ),
    (
        "Referenzbesuch bei Bestandskunden organisiert.",
        "Arranged a reference visit.",
    ),
    (
        "Liefertermin für offene Bestellung bestätigt.",
        "Confirmed delivery date of an open order.",
    ),
    ("Wartungstermin vereinbart.", "Scheduled maintenance visit."),
    (
        "Reklamation aufgenommen, Techniker informiert.",
        "Complaint logged, engineer informed.",
    ),
    (
        "Interesse an Retrofit, Budget 2027.",
        "Interested in a retrofit, budget in 2027.",
    ),
    (
        "Jahresgespräch: Umsatz und Ziele 2027 besprochen.",
        "Annual review: sales and 2027 targets discussed.",
    ),
];

pub fn interaction(plan: &Plan, n: u64) -> Interaction {
    let mut rng = Rng::of(plan.seed, tag::INTERACTION, n);
    let mut contact = String::new();
    let co;
    let (kind, head) = match rng.below(100) {
        0..=34 => {
            let i = rng.below(plan.contacts);
            contact = key("CON", i + 1);
            let spread = plan.contact_spread();
            // A call with a contact is one with the contact's company too, as
            // the save rules make it.
            let company = plan.company(spread.target_of(spread.group_of(i)));
            co = Some(company);
            ("contact", parties::head(plan, company))
        }
        u => {
            let c = if u < 70 {
                Co::Customer(rng.below(plan.customers))
            } else {
                plan.company(plan.customers + rng.below(plan.companies() - plan.customers))
            };
            co = Some(c);
            (
                if matches!(c, Co::Customer(_)) {
                    "customer"
                } else {
                    "prospect"
                },
                parties::head(plan, c),
            )
        }
    };
    let first = TOPICS.iter().position(|t| t.2 == kind).unwrap_or(0);
    let count = TOPICS[first..].iter().take_while(|t| t.2 == kind).count();
    let topic = first + rng.below_usize(count);
    let occurred = rng.office_time(ymd(2025, 11, 3), today() - Days::new(1));
    let follow_up = rng
        .chance(25)
        .then(|| occurred.date() + Days::new(rng.range(3, 30) as u64));
    let (customer, prospect) = co.map(Co::keys).unwrap_or_default();
    Interaction {
        key: key("INT", n + 1),
        contact,
        prospect,
        customer,
        occurred_at: Some(occurred),
        interaction_type: rng.pick(INTERACTION_TYPES).0.to_string(),
        topic: TOPICS[topic].0.to_string(),
        salesperson: head.salesperson_key(),
        notes: if rng.chance(85) {
            let (de, en) = TOPIC_NOTES[topic];
            (if head.english() { en } else { de }).to_string()
        } else {
            String::new()
        },
        follow_up,
    }
}

/// The most opportunities a forecast lists.
pub const MAX_LINES: usize = 25;

/// The order forecasts are made in: the current and coming quarters first, then the
/// past ones, then months likewise (`PERIODS` indexes: quarters 0..8, months 8..32).
const FORECAST_ORDER: [usize; PERIODS] = [
    3, 4, 5, 6, 7, 2, 1, 0, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 17, 16, 15, 14,
    13, 12, 11, 10, 9, 8,
];

/// Forecast `f` is for period `FORECAST_ORDER[f / 42]` and active salesperson `f % 42`.
/// The forecast of that period and salesperson, if it is generated.
pub fn forecast_index(plan: &Plan, period: usize, salesperson: usize) -> Option<usize> {
    let slot = FORECAST_ORDER.iter().position(|&p| p == period)?;
    let f = slot * ACTIVE_SALESPERSONS + salesperson;
    (salesperson < ACTIVE_SALESPERSONS && (f as u64) < plan.forecasts).then_some(f)
}

/// Whether an opportunity belongs in the forecasts of a period: open ones closing in
/// it, and in periods already begun also those since won or lost (frozen lines).
pub fn forecasts_opportunity(opp: &crate::model::Opportunity, period: usize) -> bool {
    opp.status == OPP_STATUSES[OPEN].0 || reference::period(period).1 <= today()
}

/// The line an open opportunity adds to its salesperson's forecasts: what a draft
/// forecast's line holds.
pub fn forecast_line(opp: &crate::model::Opportunity) -> ForecastLine {
    crate::ops::forecast::line_of(opp)
}

pub fn sales_forecast(plan: &Plan, f: u64, lines: Vec<ForecastLine>) -> SalesForecast {
    let (p, sp) = (
        FORECAST_ORDER[f as usize / ACTIVE_SALESPERSONS],
        f as usize % ACTIVE_SALESPERSONS,
    );
    let (period_key, start, end) = period(p);
    let now = today();
    let status = if end < now {
        "final"
    } else if start <= now {
        "submitted"
    } else {
        "draft"
    };
    // A monthly quota of 40,000–120,000 EUR per salesperson, three times that a quarter.
    let monthly = Rng::of(plan.seed, tag::FORECAST, sp as u64).range(8, 24) * 5_000;
    let quota = if p < 8 { monthly * 3 } else { monthly };
    let weighted: i64 = lines
        .iter()
        .map(|l| l.amount.map_or(0, |m| m.cents) * l.probability.unwrap_or(0) / 100)
        .sum();
    let notes = if lines.len() == MAX_LINES {
        "Top opportunities only."
    } else {
        ""
    };
    SalesForecast {
        key: key("FCS", f + 1),
        salesperson: salesperson_key(sp),
        period: period_key,
        status: status.to_string(),
        quota: Some(Money::eur(quota * 100)),
        forecast_amount: Some(Money::eur(weighted)),
        lines,
        notes: notes.to_string(),
    }
}
