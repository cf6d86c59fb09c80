//! Territories, the sales teams that cover them, and their cities with postal codes
//! and phone area codes; addresses and phone numbers are drawn from these.

use super::rng::{push_num, push_padded, Rng};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    De,
    At,
    Ch,
    Gb,
}

impl Country {
    pub fn code(self) -> &'static str {
        match self {
            Country::De => "DE",
            Country::At => "AT",
            Country::Ch => "CH",
            Country::Gb => "GB",
        }
    }
    pub fn dial(self) -> &'static str {
        match self {
            Country::De => "+49 ",
            Country::At => "+43 ",
            Country::Ch => "+41 ",
            Country::Gb => "+44 ",
        }
    }
    pub fn tld(self) -> &'static str {
        match self {
            Country::De => ".de",
            Country::At => ".at",
            Country::Ch => ".ch",
            Country::Gb => ".co.uk",
        }
    }
    pub fn english(self) -> bool {
        self == Country::Gb
    }
}

/// A city: postal codes `lo..=hi` (for Great Britain the district numbers after the
/// `outward` letters), the phone area code and the country.
pub struct City {
    pub name: &'static str,
    pub lo: u32,
    pub hi: u32,
    pub outward: &'static str,
    pub area: &'static str,
    pub country: Country,
}

const fn c(name: &'static str, lo: u32, hi: u32, area: &'static str, country: Country) -> City {
    City {
        name,
        lo,
        hi,
        outward: "",
        area,
        country,
    }
}
const fn uk(
    name: &'static str,
    outward: &'static str,
    lo: u32,
    hi: u32,
    area: &'static str,
) -> City {
    City {
        name,
        lo,
        hi,
        outward,
        area,
        country: Country::Gb,
    }
}

use Country::{At, Ch, De};

/// A territory: code, description, team (index into `TEAMS`) and cities.
pub struct Territory {
    pub code: &'static str,
    pub description: &'static str,
    pub team: usize,
    pub cities: &'static [City],
}

/// The first territory holds about 12 % of territory-bearing records, the rest share
/// the remainder evenly (see `pick_territory`).
#[rustfmt::skip]
pub static TERRITORIES: &[Territory] = &[
    Territory { code: "NORD", description: "Norddeutschland (Hamburg, Bremen, Niedersachsen)", team: 0, cities: &[
        c("Hamburg", 20095, 22769, "40", De), c("Bremen", 28195, 28779, "421", De),
        c("Hannover", 30159, 30669, "511", De), c("Kiel", 24103, 24159, "431", De),
        c("Lübeck", 23552, 23570, "451", De), c("Osnabrück", 49074, 49090, "541", De),
        c("Oldenburg", 26121, 26135, "441", De),
    ] },
    Territory { code: "OST", description: "Ostdeutschland (Berlin, Sachsen, Sachsen-Anhalt)", team: 0, cities: &[
        c("Berlin", 10115, 14199, "30", De), c("Leipzig", 4103, 4357, "341", De),
        c("Dresden", 1067, 1326, "351", De), c("Chemnitz", 9111, 9247, "371", De),
        c("Magdeburg", 39104, 39130, "391", De), c("Rostock", 18055, 18147, "381", De),
    ] },
    Territory { code: "WEST", description: "Nordrhein-Westfalen", team: 1, cities: &[
        c("Köln", 50667, 51149, "221", De), c("Düsseldorf", 40210, 40629, "211", De),
        c("Dortmund", 44135, 44388, "231", De), c("Essen", 45127, 45359, "201", De),
        c("Bielefeld", 33602, 33739, "521", De), c("Münster", 48143, 48167, "251", De),
        c("Wuppertal", 42103, 42399, "202", De),
    ] },
    Territory { code: "MITTE", description: "Hessen und Thüringen", team: 1, cities: &[
        c("Frankfurt am Main", 60306, 60599, "69", De), c("Kassel", 34117, 34134, "561", De),
        c("Erfurt", 99084, 99099, "361", De), c("Darmstadt", 64283, 64297, "6151", De),
        c("Gießen", 35390, 35398, "641", De), c("Fulda", 36037, 36043, "661", De),
    ] },
    Territory { code: "SUED", description: "Baden-Württemberg", team: 2, cities: &[
        c("Stuttgart", 70173, 70629, "711", De), c("Karlsruhe", 76131, 76229, "721", De),
        c("Mannheim", 68159, 68309, "621", De), c("Freiburg im Breisgau", 79098, 79117, "761", De),
        c("Ulm", 89073, 89081, "731", De), c("Heilbronn", 74072, 74081, "7131", De),
        c("Reutlingen", 72760, 72770, "7121", De),
    ] },
    Territory { code: "BAYERN", description: "Bayern", team: 2, cities: &[
        c("München", 80331, 81929, "89", De), c("Nürnberg", 90402, 90491, "911", De),
        c("Augsburg", 86150, 86199, "821", De), c("Regensburg", 93047, 93059, "941", De),
        c("Würzburg", 97070, 97084, "931", De), c("Ingolstadt", 85049, 85057, "841", De),
    ] },
    Territory { code: "SUEDWEST", description: "Rheinland-Pfalz und Saarland", team: 1, cities: &[
        c("Mainz", 55116, 55131, "6131", De), c("Saarbrücken", 66111, 66133, "681", De),
        c("Kaiserslautern", 67655, 67663, "631", De), c("Ludwigshafen am Rhein", 67059, 67071, "621", De),
        c("Trier", 54290, 54296, "651", De), c("Koblenz", 56068, 56077, "261", De),
    ] },
    Territory { code: "AT", description: "Österreich", team: 3, cities: &[
        c("Wien", 1010, 1230, "1", At), c("Graz", 8010, 8063, "316", At),
        c("Linz", 4020, 4040, "732", At), c("Salzburg", 5020, 5071, "662", At),
        c("Innsbruck", 6020, 6080, "512", At), c("Wels", 4600, 4600, "7242", At),
    ] },
    Territory { code: "CH", description: "Schweiz", team: 3, cities: &[
        c("Zürich", 8001, 8099, "44", Ch), c("Basel", 4001, 4059, "61", Ch),
        c("Bern", 3001, 3030, "31", Ch), c("Winterthur", 8400, 8411, "52", Ch),
        c("St. Gallen", 9000, 9016, "71", Ch), c("Luzern", 6003, 6015, "41", Ch),
    ] },
    Territory { code: "LONDON", description: "London and the South East", team: 4, cities: &[
        uk("London", "SE", 1, 28, "20"), uk("London", "EC", 1, 4, "20"),
        uk("Reading", "RG", 1, 31, "118"), uk("Croydon", "CR", 0, 9, "20"),
        uk("Brighton", "BN", 1, 45, "1273"), uk("Guildford", "GU", 1, 5, "1483"),
        uk("Slough", "SL", 1, 3, "1753"),
    ] },
    Territory { code: "MIDLANDS", description: "East and West Midlands", team: 4, cities: &[
        uk("Birmingham", "B", 1, 45, "121"), uk("Coventry", "CV", 1, 8, "24"),
        uk("Leicester", "LE", 1, 19, "116"), uk("Nottingham", "NG", 1, 17, "115"),
        uk("Derby", "DE", 1, 24, "1332"), uk("Wolverhampton", "WV", 1, 14, "1902"),
    ] },
    Territory { code: "NORTHWEST", description: "North West England", team: 4, cities: &[
        uk("Manchester", "M", 1, 40, "161"), uk("Liverpool", "L", 1, 38, "151"),
        uk("Preston", "PR", 1, 5, "1772"), uk("Bolton", "BL", 1, 7, "1204"),
        uk("Warrington", "WA", 1, 5, "1925"), uk("Stockport", "SK", 1, 8, "161"),
    ] },
    Territory { code: "NORTHEAST", description: "Yorkshire and the North East", team: 4, cities: &[
        uk("Leeds", "LS", 1, 29, "113"), uk("Sheffield", "S", 1, 36, "114"),
        uk("Newcastle upon Tyne", "NE", 1, 15, "191"), uk("Bradford", "BD", 1, 15, "1274"),
        uk("Hull", "HU", 1, 17, "1482"), uk("Sunderland", "SR", 1, 7, "191"),
    ] },
    Territory { code: "SCOTLAND", description: "Scotland", team: 4, cities: &[
        uk("Glasgow", "G", 1, 46, "141"), uk("Edinburgh", "EH", 1, 17, "131"),
        uk("Aberdeen", "AB", 10, 25, "1224"), uk("Dundee", "DD", 1, 5, "1382"),
        uk("Inverness", "IV", 1, 3, "1463"),
    ] },
];

/// Sales teams: code and name. Every territory belongs to one of the first five; the
/// key-account team draws its members from all of them.
pub static TEAMS: &[(&str, &str)] = &[
    ("NORDOST", "Vertrieb Nord/Ost"),
    ("WEST", "Vertrieb West/Mitte"),
    ("SUED", "Vertrieb Süd"),
    ("DACH", "Export Österreich/Schweiz"),
    ("UK", "UK Sales"),
    ("KEYACC", "Key Accounts"),
];

/// Salespersons per territory; salesperson `3 t + k` works territory `t`.
pub const SP_PER_TERRITORY: usize = 3;

/// A territory index: the first territory about 12 %, the others evenly.
pub fn pick_territory(rng: &mut Rng) -> usize {
    let u = rng.below(1000) as usize;
    if u < 120 {
        0
    } else {
        1 + (u - 120) * (TERRITORIES.len() - 1) / 880
    }
}

#[rustfmt::skip]
const DE_STREETS: &[&str] = &[
    "Hauptstraße", "Industriestraße", "Bahnhofstraße", "Gewerbestraße", "Schillerstraße",
    "Goethestraße", "Mühlenweg", "Lindenallee", "Werkstraße", "Max-Planck-Straße",
    "Robert-Bosch-Straße", "Carl-Zeiss-Ring", "Im Gewerbepark", "Dieselstraße", "Siemensstraße",
    "Gutenbergstraße", "Röntgenstraße", "Fürther Straße", "Weißenburger Straße", "Schloßstraße",
    "Am Röhrig", "Kölner Straße", "Otto-Hahn-Straße", "Zeppelinstraße", "Münchner Straße",
    "Ährenfeld", "Äußere Ringstraße", "Daimlerstraße", "Brückenstraße", "Friedrich-Ebert-Allee",
];
#[rustfmt::skip]
const CH_STREETS: &[&str] = &[
    "Bahnhofstrasse", "Industriestrasse", "Hauptstrasse", "Seestrasse", "Zürcherstrasse",
    "Gewerbestrasse", "Dorfstrasse", "Werkstrasse", "Kirchweg", "Güterstrasse",
];
#[rustfmt::skip]
const GB_STREETS: &[&str] = &[
    "High Street", "Station Road", "Mill Lane", "Church Street", "Victoria Road", "Park Road",
    "Queen Street", "Trafalgar Way", "Commercial Road", "Canal Street", "Riverside Drive",
    "Enterprise Way", "Innovation Park", "Kingsway", "Albert Road", "Brunel Way", "Foundry Lane",
    "Wharf Road", "Castle Street", "Harbour Road",
];

/// A postal address in a city.
#[derive(Debug, Clone)]
pub struct Address {
    pub street: String,
    pub postal_code: String,
    pub city: &'static str,
    pub country: Country,
}

pub fn address(rng: &mut Rng, city: &City) -> Address {
    let max = if rng.chance(70) { 60 } else { 240 };
    let number = rng.range(1, max) as u64;
    let mut street = String::with_capacity(28);
    match city.country {
        Country::Gb => {
            push_num(&mut street, number);
            street.push(' ');
            street.push_str(rng.pick(GB_STREETS));
        }
        country => {
            let list = if country == Country::Ch {
                CH_STREETS
            } else {
                DE_STREETS
            };
            street.push_str(rng.pick(list));
            street.push(' ');
            push_num(&mut street, number);
            if rng.chance(8) {
                street.push(rng.pick(&['a', 'b', 'c']));
            }
        }
    }
    Address {
        street,
        postal_code: postal_code(rng, city),
        city: city.name,
        country: city.country,
    }
}

/// Unit letters of British postcodes leave out C, I, K, M, O and V.
const UNIT_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

fn postal_code(rng: &mut Rng, city: &City) -> String {
    let mut s = String::with_capacity(8);
    let n = rng.range(city.lo as i64, city.hi as i64) as u64;
    match city.country {
        Country::Gb => {
            s.push_str(city.outward);
            push_num(&mut s, n);
            s.push(' ');
            push_num(&mut s, rng.below(10));
            s.push(rng.pick(UNIT_LETTERS) as char);
            s.push(rng.pick(UNIT_LETTERS) as char);
        }
        Country::De => push_padded(&mut s, n, 5),
        Country::At | Country::Ch => push_padded(&mut s, n, 4),
    }
    s
}

/// A phone number in the city: `+49 89 4521873`, `+44 161 496 0734`.
pub fn phone(rng: &mut Rng, city: &City) -> String {
    let mut s = String::with_capacity(20);
    s.push_str(city.country.dial());
    s.push_str(city.area);
    s.push(' ');
    if city.country == Country::Gb {
        push_num(&mut s, rng.range(200, 999) as u64);
        s.push(' ');
        push_padded(&mut s, rng.below(10_000), 4);
    } else {
        let digits = 10usize.saturating_sub(city.area.len()).clamp(5, 8);
        push_num(&mut s, rng.range(2, 9) as u64);
        push_padded(&mut s, rng.below(10u64.pow(digits as u32 - 1)), digits - 1);
    }
    s
}

/// A mobile number of the country.
pub fn mobile(rng: &mut Rng, country: Country) -> String {
    let mut s = String::with_capacity(20);
    s.push_str(country.dial());
    match country {
        Country::Gb => {
            s.push('7');
            push_num(&mut s, rng.range(400, 999) as u64);
            s.push(' ');
            push_padded(&mut s, rng.below(1_000_000), 6);
        }
        Country::De => {
            s.push_str(rng.pick(&["151 ", "160 ", "170 ", "171 ", "172 ", "176 "]));
            push_padded(&mut s, rng.below(100_000_000), 8);
        }
        Country::At => {
            s.push_str(rng.pick(&["664 ", "676 ", "699 "]));
            push_padded(&mut s, rng.below(10_000_000), 7);
        }
        Country::Ch => {
            s.push_str(rng.pick(&["76 ", "78 ", "79 "]));
            push_padded(&mut s, rng.below(10_000_000), 7);
        }
    }
    s
}
