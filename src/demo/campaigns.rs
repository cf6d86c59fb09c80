//! Marketing campaigns and the items they promote.

use chrono::Days;

use super::reference::{salesperson_key, ACTIVE_SALESPERSONS, CAMPAIGN_TYPES, ITEMS};
use super::rng::{key, ymd, Rng};
use super::{tag, today, Plan};
use crate::model::{Campaign, CampaignItem, Money};

const FAIRS: &[&str] = &[
    "Hannover Messe",
    "EMO Hannover",
    "SPS Nürnberg",
    "AMB Stuttgart",
    "Motek Stuttgart",
    "Intec Leipzig",
    "MACH Birmingham",
    "Southern Manufacturing",
    "Intertool Wien",
    "Prodex Basel",
];
const CAMPAIGN_NAMES: &[&[&str]] = &[
    FAIRS,
    &[
        "Frühjahrsmailing Ersatzteile",
        "Herbstaktion Wartungsverträge",
        "Katalogversand",
        "Spare parts mailing UK",
    ],
    &[
        "Newsletter Retrofit",
        "E-Mail-Aktion Antriebstechnik",
        "Service reminder e-mail",
        "Newsletter Hydraulik",
    ],
    &[
        "Webinar Predictive Maintenance",
        "Webinar Energieeffiziente Antriebe",
        "Webinar: Retrofit statt Neukauf",
        "Webinar: Hydraulics troubleshooting",
    ],
    &[
        "Telefonaktion Bestandskunden",
        "Call campaign lapsed customers",
        "Telefonaktion Wartung",
    ],
    &[
        "Anzeigen Fachpresse",
        "LinkedIn Ads Automation",
        "Google Ads Ersatzteile",
    ],
    &[
        "Hausmesse",
        "Open house Manchester",
        "Kundentag Technologie",
        "Anwendertreffen",
    ],
];
const CAMPAIGN_DAYS: &[(i64, i64)] = &[
    (3, 6),
    (14, 42),
    (7, 30),
    (0, 0),
    (30, 90),
    (30, 120),
    (0, 1),
];

pub fn campaign(plan: &Plan, c: u64) -> Campaign {
    let mut rng = Rng::of(plan.seed, tag::CAMPAIGN, c);
    let t = rng.below_usize(CAMPAIGN_TYPES.len());
    let start = rng.date(ymd(2025, 9, 1), ymd(2027, 6, 30));
    let (lo, hi) = CAMPAIGN_DAYS[t];
    let end = start + Days::new(rng.range(lo, hi) as u64);
    let now = today();
    let status = if end < now {
        if rng.chance(5) {
            "CANCELLED"
        } else {
            "COMPLETED"
        }
    } else if start > now {
        if rng.chance(5) {
            "ONHOLD"
        } else {
            "PLANNED"
        }
    } else {
        "ACTIVE"
    };
    let mut budget = rng.log_uniform(2_000, 150_000) / 500 * 500;
    if t == 0 {
        budget = (budget * 3).min(400_000);
    }
    let actual = match status {
        "COMPLETED" => Some(budget * rng.range(70, 120) / 100),
        "ACTIVE" => Some(budget * rng.range(10, 70) / 100),
        "CANCELLED" => Some(budget * rng.range(0, 20) / 100),
        _ => None,
    };
    let notes = if t == 0 && rng.chance(50) {
        format!(
            "Stand {} m², Halle {}",
            rng.range(2, 12) * 12,
            rng.range(1, 27)
        )
    } else {
        String::new()
    };
    Campaign {
        key: key("CMP", c + 1),
        description: format!(
            "{} {}",
            rng.pick(CAMPAIGN_NAMES[t]),
            chrono::Datelike::year(&start)
        ),
        campaign_type: CAMPAIGN_TYPES[t].0.to_string(),
        status: status.to_string(),
        start_date: Some(start),
        end_date: Some(end),
        budget: Some(Money::eur(budget * 100)),
        actual_cost: actual.map(|a| Money::eur(a * 100)),
        expected_revenue: Some(Money::eur(budget * rng.range(4, 20) * 100)),
        owner: salesperson_key(rng.below_usize(ACTIVE_SALESPERSONS)),
        notes,
    }
}

pub fn campaign_item(plan: &Plan, i: u64) -> CampaignItem {
    let spread = plan.campaign_item_spread();
    let group = spread.group_of(i);
    let campaign = spread.target_of(group);
    let base = Rng::of(plan.seed, tag::CAMPAIGN, campaign).next_u64() as usize;
    // 7 is coprime to the number of items, so a campaign's items are distinct.
    let item = (base + (i - spread.first_item(group)) as usize * 7) % ITEMS.len();
    let mut rng = Rng::of(plan.seed, tag::CAMPAIGN_ITEM, i);
    let price = ITEMS[item].2 * rng.range(85, 97) / 100 / 10 * 10;
    CampaignItem {
        key: key("CMI", i + 1),
        campaign: key("CMP", campaign + 1),
        item: ITEMS[item].0.to_string(),
        price: Some(Money::eur(price)),
        notes: rng
            .pick(&[
                "Messepreis",
                "Aktionspreis bis Kampagnenende",
                "Show price",
                "",
                "",
            ])
            .to_string(),
    }
}
