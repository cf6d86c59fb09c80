//! Companies (customers and prospects), their sales contacts and the
//! cross-references between them. A company is a pure function of its index, so
//! records naming it can recompute what they need (territory, salesperson, name).

use super::geo::{self, Address, City, Country, TEAMS, TERRITORIES};
use super::names::{self, CompanyName};
use super::reference::{
    salesperson_key, territory_salesperson, CAMPAIGN_TYPES, KEY_ACCOUNT_MEMBERS, LEAD_SOURCES,
    SIC_CODES,
};
use super::rng::{key, Rng};
use super::{tag, Plan};
use crate::model::{ContactXref, Customer, Money, Prospect, SalesContact};

/// A customer or a prospect by index (0-based; the key is index + 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Co {
    Customer(u64),
    Prospect(u64),
}

impl Co {
    pub fn key(self) -> String {
        match self {
            Co::Customer(c) => key("CUS", c + 1),
            Co::Prospect(p) => key("PRO", p + 1),
        }
    }
    /// (customer key, prospect key): one of them set.
    pub fn keys(self) -> (String, String) {
        match self {
            Co::Customer(_) => (self.key(), String::new()),
            Co::Prospect(_) => (String::new(), self.key()),
        }
    }
}

/// What other records need of a company: where it is and who sells to it.
#[derive(Clone, Copy)]
pub struct Head {
    pub territory: usize,
    pub city: &'static City,
    pub salesperson: usize,
    pub team: usize,
}

impl Head {
    pub fn country(&self) -> Country {
        self.city.country
    }
    pub fn english(&self) -> bool {
        self.city.country.english()
    }
    pub fn territory_key(&self) -> String {
        TERRITORIES[self.territory].code.to_string()
    }
    pub fn salesperson_key(&self) -> String {
        salesperson_key(self.salesperson)
    }
    pub fn team_key(&self) -> String {
        TEAMS[self.team].0.to_string()
    }
}

/// The stream a company is drawn from; a converted prospect is its customer.
fn stream(plan: &Plan, co: Co) -> Rng {
    match co {
        Co::Customer(c) => Rng::of(plan.seed, tag::CUSTOMER, c),
        Co::Prospect(p) => match plan.converted(p) {
            Some(c) => Rng::of(plan.seed, tag::CUSTOMER, c),
            None => Rng::of(plan.seed, tag::PROSPECT, p),
        },
    }
}

fn draw_head(rng: &mut Rng) -> Head {
    let territory = geo::pick_territory(rng);
    let city = rng.pick_ref(TERRITORIES[territory].cities);
    let mut salesperson = territory_salesperson(territory, rng.below_usize(3));
    let mut team = TERRITORIES[territory].team;
    if rng.chance(5) {
        team = TEAMS.len() - 1;
        salesperson = rng.pick(KEY_ACCOUNT_MEMBERS);
    }
    Head {
        territory,
        city,
        salesperson,
        team,
    }
}

pub fn head(plan: &Plan, co: Co) -> Head {
    draw_head(&mut stream(plan, co))
}

/// Everything a customer or prospect record holds about the company itself.
pub struct Company {
    pub head: Head,
    pub name: CompanyName,
    pub address: Address,
    pub phone: String,
    rng: Rng,
}

pub fn company(plan: &Plan, co: Co) -> Company {
    let mut rng = stream(plan, co);
    let head = draw_head(&mut rng);
    let name = names::company_name(&mut rng, head.country(), head.city.name);
    let address = geo::address(&mut rng, head.city);
    let phone = geo::phone(&mut rng, head.city);
    Company {
        head,
        name,
        address,
        phone,
        rng,
    }
}

/// The company fields shared by customers and prospects.
struct Profile {
    email: String,
    web: String,
    sic: String,
    revenue: Money,
    employees: i64,
}

fn profile(c: &mut Company) -> Profile {
    let rng = &mut c.rng;
    let mut email = String::with_capacity(c.name.domain.len() + 10);
    email.push_str(if c.head.english() {
        rng.pick(&["info@", "sales@", "enquiries@"])
    } else {
        rng.pick(&["info@", "kontakt@", "einkauf@", "zentrale@"])
    });
    email.push_str(&c.name.domain);
    let employees = rng.log_uniform(8, 12_000);
    // Revenue per employee 90k–260k EUR, rounded to 10,000 EUR.
    let revenue = employees * rng.range(90, 260) * 1000;
    Profile {
        email,
        web: names::web(&c.name.domain),
        sic: rng.pick(SIC_CODES).0.to_string(),
        revenue: Money::eur(revenue / 10_000 * 10_000 * 100),
        employees,
    }
}

#[rustfmt::skip]
const CUSTOMER_NOTES: &[&str] = &[
    "Rahmenvertrag für Ersatzteile bis Ende 2027.",
    "Zahlungsziel 30 Tage netto; Skonto 2 % bei 10 Tagen.",
    "Framework agreement for spare parts; prefers delivery on Fridays.", "Werksferien in KW 31–33.",
    "Audit passed in March 2026.", "Anlieferung nur über Tor 4, Anmeldung beim Pförtner.",
];

pub fn customer(plan: &Plan, c: u64) -> Customer {
    let mut co = company(plan, Co::Customer(c));
    let p = profile(&mut co);
    let notes = if co.rng.chance(6) {
        co.rng.pick(CUSTOMER_NOTES).to_string()
    } else {
        String::new()
    };
    Customer {
        key: key("CUS", c + 1),
        name: co.name.name,
        street: co.address.street,
        postal_code: co.address.postal_code,
        city: co.address.city.to_string(),
        country: co.head.country().code().to_string(),
        phone: co.phone,
        email: p.email,
        web: p.web,
        currency: "EUR".to_string(),
        territory: co.head.territory_key(),
        sic_code: p.sic,
        company_revenue: Some(p.revenue),
        employees: Some(p.employees),
        salesperson: co.head.salesperson_key(),
        sales_team: co.head.team_key(),
        prospect: String::new(),
        notes,
    }
}

/// A campaign key for a record that came from a campaign-like source, if any.
pub fn campaign_for(plan: &Plan, rng: &mut Rng, source: &str) -> String {
    if source == "CAMPAIGN" || (source == "FAIR" && rng.chance(85)) {
        key("CMP", rng.below(plan.campaigns) + 1)
    } else {
        String::new()
    }
}

pub fn prospect(plan: &Plan, j: u64) -> Prospect {
    let mut co = company(plan, Co::Prospect(j));
    let p = profile(&mut co);
    // A converted prospect's own draws come after its customer's: a separate stream.
    let mut rng = Rng::of(plan.seed, tag::PROSPECT_EXTRA, j);
    let source = rng.pick(LEAD_SOURCES).0;
    let campaign = campaign_for(plan, &mut rng, source);
    let (status, customer) = match plan.converted(j) {
        Some(c) => ("converted", key("CUS", c + 1)),
        None => (
            rng.pick(&["open", "open", "open", "qualified", "qualified", "lost"]),
            String::new(),
        ),
    };
    let notes = match status {
        "lost" => rng
            .pick(&[
                "Kein Bedarf in 2026.",
                "Chose a competitor.",
                "Budget gestrichen.",
            ])
            .to_string(),
        _ if !campaign.is_empty() && rng.chance(30) => {
            format!(
                "Kontakt über Kampagne ({})",
                CAMPAIGN_TYPES[rng.below_usize(CAMPAIGN_TYPES.len())].1
            )
        }
        _ => String::new(),
    };
    Prospect {
        key: key("PRO", j + 1),
        name: co.name.name,
        street: co.address.street,
        postal_code: co.address.postal_code,
        city: co.address.city.to_string(),
        country: co.head.country().code().to_string(),
        phone: co.phone,
        email: p.email,
        web: p.web,
        territory: co.head.territory_key(),
        sic_code: p.sic,
        company_revenue: Some(p.revenue),
        employees: Some(p.employees),
        salesperson: co.head.salesperson_key(),
        sales_team: co.head.team_key(),
        source: source.to_string(),
        campaign,
        status: status.to_string(),
        currency: "EUR".to_string(),
        customer,
        notes,
    }
}

pub fn sales_contact(plan: &Plan, i: u64) -> SalesContact {
    let spread = plan.contact_spread();
    let co = company(plan, plan.company(spread.target_of(spread.group_of(i))));
    let mut rng = Rng::of(plan.seed, tag::CONTACT, i);
    let english = co.head.english();
    let person = names::person(&mut rng, english);
    let mobile = if rng.chance(60) {
        geo::mobile(&mut rng, co.head.country())
    } else {
        String::new()
    };
    let notes = if rng.chance(5) {
        rng.pick(&[
            "Bevorzugt Kontakt per E-Mail.",
            "Prefers calls in the morning.",
            "Entscheidet gemeinsam mit der Geschäftsführung.",
            "Met at Hannover Messe 2026.",
        ])
        .to_string()
    } else {
        String::new()
    };
    SalesContact {
        key: key("CON", i + 1),
        last_name: person.last.to_string(),
        first_name: person.first.to_string(),
        title: names::title(&mut rng, english).to_string(),
        company: co.name.name,
        phone: geo::phone(&mut rng, co.head.city),
        mobile,
        email: names::email(person, &co.name.domain),
        street: co.address.street,
        postal_code: co.address.postal_code,
        city: co.address.city.to_string(),
        country: co.head.country().code().to_string(),
        no_promotions: rng.chance(10),
        no_calls: rng.chance(3),
        no_email: rng.chance(3),
        notes,
        ..Default::default()
    }
}

#[rustfmt::skip]
const DE_ROLES: &[&str] = &[
    "Einkauf", "Technik", "Instandhaltung", "Geschäftsleitung", "Konstruktion",
];
#[rustfmt::skip]
const EN_ROLES: &[&str] = &[
    "Purchasing", "Engineering", "Maintenance", "Management", "Design",
];

pub fn contact_xref(plan: &Plan, i: u64) -> ContactXref {
    let spread = plan.contact_spread();
    let group = spread.group_of(i);
    let co = plan.company(spread.target_of(group));
    let primary = spread.first_item(group) == i;
    let english = head(plan, co).english();
    let mut rng = Rng::of(plan.seed, tag::XREF, i);
    let role = match (primary, english) {
        (true, false) => "Hauptansprechpartner",
        (true, true) => "Main contact",
        (false, false) => rng.pick(DE_ROLES),
        (false, true) => rng.pick(EN_ROLES),
    };
    let (customer, prospect) = co.keys();
    ContactXref {
        key: key("XRF", i + 1),
        contact: key("CON", i + 1),
        customer,
        prospect,
        role: role.to_string(),
        primary,
    }
}
