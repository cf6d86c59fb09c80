//! Names of people and companies (German and English, with their umlauts), job titles
//! and the ASCII folding that turns them into e-mail addresses and web sites.

use super::geo::Country;
use super::rng::Rng;

#[rustfmt::skip]
pub const DE_FIRST: &[&str] = &[
    "Jürgen", "Jörg", "Björn", "Sören", "Günther", "Uwe", "Klaus", "Stefan", "Thomas", "Michael",
    "Andreas", "Matthias", "Frank", "Markus", "Tobias", "Lukas", "Maximilian", "Jonas", "Felix",
    "Florian", "Sebastian", "Dieter", "Helmut", "René", "André", "Holger", "Ralf", "Torsten",
    "Anna", "Katrin", "Sabine", "Petra", "Ursula", "Käthe", "Bärbel", "Hannelore", "Lena", "Julia",
    "Sophie", "Marie", "Claudia", "Andrea", "Susanne", "Birgit", "Gülay", "Özlem", "Zoë", "Chloé",
    "Renée", "Jördis", "Anja", "Heike", "Nicole", "Franziska", "Mia", "Leonie",
];
#[rustfmt::skip]
pub const DE_LAST: &[&str] = &[
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner",
    "Schmitz", "Krause", "Meier", "Lehmann", "Köhler", "Weiß", "Jäger", "Günther", "Böhm", "Groß",
    "Vogel", "Möller", "Brückner", "Kühn", "Seidel", "Fuchs", "Dörr", "Sommer", "Özdemir", "Yılmaz",
    "Nowak", "Kowalski", "Müller-Lüdenscheidt", "Straßburger", "Hölzl", "Gruber", "Huber",
    "Pichler", "Steiner", "Brunner", "Egli", "Zürcher", "Würth",
];
#[rustfmt::skip]
pub const EN_FIRST: &[&str] = &[
    "James", "Oliver", "Harry", "George", "William", "Thomas", "Jack", "Daniel", "Matthew",
    "Richard", "David", "Ian", "Graham", "Niall", "Rhys", "Alistair", "Callum", "Gareth", "Emily",
    "Olivia", "Amelia", "Sophie", "Charlotte", "Emma", "Zoë", "Chloë", "Niamh", "Siobhan", "Aoife",
    "Fiona", "Rachel", "Hannah", "Eleanor", "Priya", "Aisha", "Bethan",
];
pub const EN_LAST: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Hughes", "O'Brien", "McDonald", "Campbell", "Stewart", "Patel", "Khan",
    "Singh", "Murphy", "Kelly", "Fraser", "Lloyd", "Morgan", "Price", "Ashworth",
];

#[rustfmt::skip]
const DE_TITLES: &[&str] = &[
    "Geschäftsführung", "Leitung Einkauf", "Technische Leitung", "Produktionsleitung",
    "Leitung Instandhaltung", "Strategischer Einkauf", "Konstruktion", "Betriebsleitung",
    "Projektierung", "Werksleitung", "Qualitätsmanagement", "Disposition", "Arbeitsvorbereitung",
];
#[rustfmt::skip]
const EN_TITLES: &[&str] = &[
    "Managing Director", "Purchasing Manager", "Head of Procurement", "Engineering Manager",
    "Operations Director", "Maintenance Manager", "Plant Manager", "Project Engineer", "Buyer",
    "Technical Director", "Quality Manager", "Production Supervisor",
];

#[rustfmt::skip]
const DE_BRANCHES: &[&str] = &[
    "Maschinenbau", "Metallbau", "Antriebstechnik", "Fördertechnik", "Hydraulik",
    "Präzisionstechnik", "Kunststofftechnik", "Werkzeugbau", "Stahlbau", "Automation",
    "Elektrotechnik", "Anlagenbau", "Gießerei", "Verpackungstechnik", "Lebensmitteltechnik",
    "Feinmechanik", "Blechbearbeitung", "Oberflächentechnik", "Getriebebau", "Umformtechnik",
];
#[rustfmt::skip]
const EN_BRANCHES: &[&str] = &[
    "Engineering", "Precision", "Fabrications", "Hydraulics", "Automation", "Tooling", "Plastics",
    "Castings", "Controls", "Packaging", "Components", "Industrial Services", "Motion Systems",
    "Steel", "Machining",
];
#[rustfmt::skip]
const COINED: &[&str] = &[
    "Hydrotec", "Metallux", "Präzitec", "Stahlform", "Kraftwerk Süd", "Fördertec", "Rotatek",
    "Zahnradwerk", "Technoplast", "Formteile Nord", "Lüfterbau", "Ventiltechnik", "Kühlsysteme",
    "Mechatronik", "Schweißtechnik", "Drucklufttechnik",
];

/// A person's first and last name.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub first: &'static str,
    pub last: &'static str,
}

pub fn person(rng: &mut Rng, english: bool) -> Person {
    if english {
        Person {
            first: rng.pick(EN_FIRST),
            last: rng.pick(EN_LAST),
        }
    } else {
        Person {
            first: rng.pick(DE_FIRST),
            last: rng.pick(DE_LAST),
        }
    }
}

pub fn title(rng: &mut Rng, english: bool) -> &'static str {
    rng.pick(if english { EN_TITLES } else { DE_TITLES })
}

/// A company's name and web domain (`mueller-maschinenbau.de`).
#[derive(Debug, Clone)]
pub struct CompanyName {
    pub name: String,
    pub domain: String,
}

pub fn company_name(rng: &mut Rng, country: Country, city: &str) -> CompanyName {
    let english = country.english();
    let (lasts, branches) = if english {
        (EN_LAST, EN_BRANCHES)
    } else {
        (DE_LAST, DE_BRANCHES)
    };
    let last = rng.pick(lasts);
    let branch = rng.pick(branches);
    let pattern = rng.below(10);
    let mut name = String::with_capacity(40);
    let mut domain = String::with_capacity(32);
    let legal = match (country, rng.below(10)) {
        (Country::Gb, 0..=7) => " Ltd",
        (Country::Gb, _) => " plc",
        (Country::Ch, 0..=6) => " AG",
        (Country::Ch, _) => " GmbH",
        (_, 0..=6) => " GmbH",
        (_, 7) => " AG",
        (_, _) => " GmbH & Co. KG",
    };
    match pattern {
        0..=3 => {
            name.push_str(last);
            name.push(' ');
            name.push_str(branch);
            fold_into(&mut domain, last);
            domain.push('-');
            fold_into(&mut domain, branch);
            name.push_str(legal);
        }
        4 | 5 => {
            name.push_str(last);
            name.push_str(if english { " & Sons" } else { " & Söhne" });
            name.push_str(match country {
                Country::Gb => " Ltd",
                Country::Ch => " AG",
                _ => " KG",
            });
            fold_into(&mut domain, last);
            domain.push_str(if english { "-sons" } else { "-soehne" });
        }
        6 | 7 => {
            let other = rng.pick(lasts);
            let other = if other == last { lasts[0] } else { other };
            name.push_str(last);
            name.push_str(" & ");
            name.push_str(other);
            name.push_str(legal);
            fold_into(&mut domain, last);
            domain.push('-');
            fold_into(&mut domain, other);
        }
        8 => {
            name.push_str(branch);
            name.push(' ');
            name.push_str(city);
            name.push_str(legal);
            fold_into(&mut domain, branch);
            domain.push('-');
            fold_into(&mut domain, city);
        }
        _ => {
            let coined = rng.pick(COINED);
            name.push_str(coined);
            name.push_str(legal);
            fold_into(&mut domain, coined);
        }
    }
    domain.push_str(country.tld());
    CompanyName { name, domain }
}

/// Appends the ASCII folding of `text`, lower-case: `ü` → `ue`, `ß` → `ss`, `é` → `e`;
/// spaces become `-`, other characters are dropped.
pub fn fold_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            'a'..='z' | '0'..='9' => out.push(ch),
            'A'..='Z' => out.push(ch.to_ascii_lowercase()),
            ' ' | '-' if !out.is_empty() && !out.ends_with(['-', '.', '@']) => out.push('-'),
            'ä' | 'Ä' => out.push_str("ae"),
            'ö' | 'Ö' => out.push_str("oe"),
            'ü' | 'Ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'é' | 'è' | 'ë' | 'ê' | 'É' => out.push('e'),
            'á' | 'à' | 'â' => out.push('a'),
            'ı' | 'í' | 'ï' => out.push('i'),
            'ó' | 'ô' => out.push('o'),
            'ç' => out.push('c'),
            _ => {}
        }
    }
}

/// `first.last@domain`, folded to ASCII.
pub fn email(person: Person, domain: &str) -> String {
    let mut s = String::with_capacity(person.first.len() + person.last.len() + domain.len() + 4);
    fold_into(&mut s, person.first);
    s.push('.');
    fold_into(&mut s, person.last);
    s.push('@');
    s.push_str(domain);
    s
}

/// `www.domain`.
pub fn web(domain: &str) -> String {
    let mut s = String::with_capacity(domain.len() + 4);
    s.push_str("www.");
    s.push_str(domain);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_makes_ascii_addresses() {
        let p = Person {
            first: "Jürgen",
            last: "Weiß",
        };
        assert_eq!(email(p, "example.de"), "juergen.weiss@example.de");
        let p = Person {
            first: "Zoë",
            last: "O'Brien",
        };
        assert_eq!(
            email(p, "hughes-engineering.co.uk"),
            "zoe.obrien@hughes-engineering.co.uk"
        );
        let mut s = String::new();
        fold_into(&mut s, "Freiburg im Breisgau");
        assert_eq!(s, "freiburg-im-breisgau");
    }

    #[test]
    fn company_names_fit_their_country() {
        let mut rng = Rng::of(7, 1, 1);
        for _ in 0..200 {
            let c = company_name(&mut rng, Country::De, "Köln");
            assert!(c.domain.ends_with(".de") && c.domain.is_ascii(), "{c:?}");
            let c = company_name(&mut rng, Country::Gb, "Leeds");
            assert!(c.name.ends_with("Ltd") || c.name.ends_with("plc"), "{c:?}");
        }
    }
}
