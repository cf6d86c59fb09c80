//! The code tables: a fixed set of reference records, whatever the size of the demo.
//! The transactional generators name these codes by index.

use chrono::{Datelike, Months, NaiveDate};

pub use super::codes::*;
use super::geo::{SP_PER_TERRITORY, TEAMS, TERRITORIES};
use super::names::fold_into;
use super::rng::ymd;
use crate::model::{
    CampaignStatus, CampaignType, Competitor, InteractionTopic, InteractionType, Item, LeadSource,
    LeadStatus, Money, OpportunitySource, OpportunityStage, OpportunityStatus, ReasonCode, Record,
    SalesPeriod, SalesTeam, Salesperson, SicCode, TaskType, Territory,
};

/// Salespersons: three per territory in territory order, then two who left.
pub static SALESPERSONS: &[(&str, &str)] = &[
    ("Anna", "Müller"),
    ("Jürgen", "Weiß"),
    ("Sören", "Petersen"),
    ("Katrin", "Schulz"),
    ("Uwe", "Lehmann"),
    ("Björn", "Krüger"),
    ("Stefan", "Schmitz"),
    ("Özlem", "Yıldız"),
    ("Thomas", "Becker"),
    ("Sabine", "Hoffmann"),
    ("Frank", "Köhler"),
    ("Lena", "Wagner"),
    ("Markus", "Schäfer"),
    ("Julia", "Bäuerle"),
    ("Tobias", "Maier"),
    ("Michael", "Huber"),
    ("Franziska", "Obermeier"),
    ("Maximilian", "Wimmer"),
    ("Andreas", "Schmitt"),
    ("Heike", "Dörr"),
    ("Ralf", "Klein"),
    ("Christoph", "Pichler"),
    ("Elisabeth", "Gruber"),
    ("Lukas", "Steiner"),
    ("Reto", "Brunner"),
    ("Simone", "Egli"),
    ("Urs", "Zürcher"),
    ("James", "Hughes"),
    ("Charlotte", "Evans"),
    ("Priya", "Patel"),
    ("Richard", "Walker"),
    ("Emma", "Clarke"),
    ("Gareth", "Lloyd"),
    ("Oliver", "Ashworth"),
    ("Siobhan", "Murphy"),
    ("Daniel", "Wright"),
    ("Matthew", "Hall"),
    ("Zoë", "Robinson"),
    ("Ian", "Thompson"),
    ("Callum", "Fraser"),
    ("Fiona", "Campbell"),
    ("Alistair", "Stewart"),
    ("Dieter", "Braun"),
    ("Graham", "Wilson"),
];

/// Salespersons who work a territory (the two after them have left the company).
pub const ACTIVE_SALESPERSONS: usize = 42;
pub const KEY_ACCOUNT_MEMBERS: &[usize] = &[12, 0, 6, 15, 27];

/// The key of salesperson `i`: the initial and the folded last name (`AMUELLER`).
pub fn salesperson_key(i: usize) -> String {
    os_user(i).to_ascii_uppercase()
}

fn os_user(i: usize) -> String {
    let (first, last) = SALESPERSONS[i];
    let mut s = String::with_capacity(12);
    fold_into(
        &mut s,
        &first[..first.chars().next().map_or(0, char::len_utf8)],
    );
    fold_into(&mut s, last);
    s
}

/// The salesperson a territory's records fall to: one of its three.
pub fn territory_salesperson(territory: usize, k: usize) -> usize {
    territory * SP_PER_TERRITORY + k % SP_PER_TERRITORY
}

pub fn team_of_salesperson(sp: usize) -> usize {
    TERRITORIES[(sp / SP_PER_TERRITORY).min(TERRITORIES.len() - 1)].team
}

/// Sales periods: quarters of 2026 and 2027 (0..8), then months (8..32).
pub const PERIODS: usize = 32;

/// The key, first and last day of period `p`.
pub fn period(p: usize) -> (String, NaiveDate, NaiveDate) {
    let (key, start, months) = if p < 8 {
        let (year, q) = (2026 + (p / 4) as i32, (p % 4) as u32);
        (format!("{year}-Q{}", q + 1), ymd(year, q * 3 + 1, 1), 3)
    } else {
        let (year, m) = (2026 + ((p - 8) / 12) as i32, ((p - 8) % 12) as u32);
        (format!("{year}-{:02}", m + 1), ymd(year, m + 1, 1), 1)
    };
    let end = start + Months::new(months) - chrono::Days::new(1);
    (key, start, end)
}

/// The quarter and month periods a date falls in, if it lies in 2026 or 2027.
pub fn periods_of(date: NaiveDate) -> Option<(usize, usize)> {
    let y = date.year() - 2026;
    if !(0..2).contains(&y) {
        return None;
    }
    let m = date.month0() as usize;
    Some((y as usize * 4 + m / 3, 8 + y as usize * 12 + m))
}

#[rustfmt::skip]
const MONTHS: &[&str] = &[
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
];

fn code<R: Record + Default>(key: &str, fill: impl FnOnce(&mut R)) -> Box<dyn Record> {
    let mut r = R::default();
    r.set_key(key.to_string());
    fill(&mut r);
    Box::new(r)
}

/// Every code-table record, in dependency order (salespersons before the territories
/// and teams that name them).
pub fn records() -> Vec<Box<dyn Record>> {
    let mut out: Vec<Box<dyn Record>> = Vec::with_capacity(300);
    for (i, &(first, last)) in SALESPERSONS.iter().enumerate() {
        let user = os_user(i);
        let english = (i / SP_PER_TERRITORY >= 9 && i < ACTIVE_SALESPERSONS) || i == 43;
        let mut email = String::with_capacity(40);
        fold_into(&mut email, first);
        email.push('.');
        fold_into(&mut email, last);
        email.push_str(if english {
            "@kraemer-antriebe.co.uk"
        } else {
            "@kraemer-antriebe.de"
        });
        out.push(code(&user.to_ascii_uppercase(), |s: &mut Salesperson| {
            s.name = format!("{first} {last}");
            s.email = email;
            s.os_user = user;
            s.active = i < ACTIVE_SALESPERSONS;
        }));
    }
    for (t, terr) in TERRITORIES.iter().enumerate() {
        out.push(code(terr.code, |r: &mut Territory| {
            r.description = terr.description.into();
            r.salesperson = salesperson_key(territory_salesperson(t, 0));
        }));
    }
    for (n, &(team, name)) in TEAMS.iter().enumerate() {
        let members: Vec<usize> = if team == "KEYACC" {
            KEY_ACCOUNT_MEMBERS.to_vec()
        } else {
            (0..ACTIVE_SALESPERSONS)
                .filter(|&sp| team_of_salesperson(sp) == n)
                .collect()
        };
        out.push(code(team, |r: &mut SalesTeam| {
            r.name = name.into();
            r.leader = salesperson_key(members[0]);
            r.members = members.iter().map(|&m| salesperson_key(m)).collect();
        }));
    }
    for p in 0..PERIODS {
        let (key, start, end) = period(p);
        let description = if p < 8 {
            format!("Q{} {}", start.month0() / 3 + 1, start.year())
        } else {
            format!("{} {}", MONTHS[start.month0() as usize], start.year())
        };
        out.push(code(&key, |r: &mut SalesPeriod| {
            r.description = description;
            r.start_date = Some(start);
            r.end_date = Some(end);
        }));
    }
    macro_rules! described {
        ($ty:ty, $table:expr) => {
            for &(key, d) in $table.iter() {
                out.push(code(key, |r: &mut $ty| r.description = d.into()));
            }
        };
    }
    described!(CampaignType, CAMPAIGN_TYPES);
    described!(CampaignStatus, CAMPAIGN_STATUSES);
    described!(LeadSource, LEAD_SOURCES);
    described!(LeadStatus, LEAD_STATUSES);
    described!(SicCode, SIC_CODES);
    for &(key, d, seq, p) in STAGES {
        out.push(code(key, |r: &mut OpportunityStage| {
            r.description = d.into();
            r.sequence = Some(seq);
            r.probability = Some(p);
        }));
    }
    for &(key, d, meaning) in OPP_STATUSES {
        out.push(code(key, |r: &mut OpportunityStatus| {
            r.description = d.into();
            r.meaning = meaning.into();
        }));
    }
    described!(OpportunitySource, OPP_SOURCES);
    for &(key, d, kind) in REASONS {
        out.push(code(key, |r: &mut ReasonCode| {
            r.description = d.into();
            r.kind = kind.into();
        }));
    }
    for &(key, d, cents) in ITEMS {
        out.push(code(key, |r: &mut Item| {
            r.description = d.into();
            r.unit_price = Some(Money::eur(cents));
        }));
    }
    for c in COMPETITORS {
        out.push(code(c.0, |r: &mut Competitor| {
            (r.name, r.street, r.postal_code, r.city) =
                (c.1.into(), c.2.into(), c.3.into(), c.4.into());
            (r.country, r.phone, r.web) = (c.5.into(), c.6.into(), c.7.into());
            (r.strengths, r.weaknesses) = (c.8.into(), c.9.into());
        }));
    }
    described!(TaskType, TASK_TYPES);
    described!(InteractionType, INTERACTION_TYPES);
    for &(key, d, subject) in TOPICS {
        out.push(code(key, |r: &mut InteractionTopic| {
            r.description = d.into();
            r.subject = subject.into();
        }));
    }
    out
}
