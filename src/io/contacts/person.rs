//! One contact as a reader gathers it, value by value from whatever columns or
//! properties the file has; `finish` settles what goes where: the best phone of
//! each kind, e-mails in order, the one address, names from a display name,
//! and every value no field takes as a "Label: value" line of the notes.

use std::borrow::Cow;

use super::aliases::Part;
use super::dates::{self, Bday};

/// The sales-contact fields in the schema's order (a test holds them to it).
pub(crate) const FIELDS: [&str; 22] = [
    "last_name",
    "first_name",
    "title",
    "company",
    "phone",
    "mobile",
    "home_phone",
    "fax",
    "email",
    "email2",
    "email3",
    "web",
    "street",
    "postal_code",
    "city",
    "region",
    "country",
    "birthday",
    "no_promotions",
    "no_calls",
    "no_email",
    "notes",
];

/// Indexes into `FIELDS`.
pub(crate) mod f {
    pub(crate) const LAST: usize = 0;
    pub(crate) const FIRST: usize = 1;
    pub(crate) const TITLE: usize = 2;
    pub(crate) const COMPANY: usize = 3;
    pub(crate) const PHONE: usize = 4;
    pub(crate) const MOBILE: usize = 5;
    pub(crate) const HOME: usize = 6;
    pub(crate) const FAX: usize = 7;
    pub(crate) const EMAIL: usize = 8;
    pub(crate) const WEB: usize = 11;
    pub(crate) const STREET: usize = 12;
    pub(crate) const CODE: usize = 13;
    pub(crate) const CITY: usize = 14;
    pub(crate) const REGION: usize = 15;
    pub(crate) const COUNTRY: usize = 16;
    pub(crate) const BIRTHDAY: usize = 17;
    pub(crate) const NO_PROMOTIONS: usize = 18;
    pub(crate) const NO_CALLS: usize = 19;
    pub(crate) const NO_EMAIL: usize = 20;
    pub(crate) const NOTES: usize = 21;
}

pub(crate) fn field_index(name: &str) -> Option<usize> {
    FIELDS.iter().position(|n| *n == name)
}

/// Where a value came from: its column (for the report of columns kept in the
/// notes; `NO_COL` for a vCard property) and the label its notes line gets.
#[derive(Debug, Clone)]
pub(crate) struct Src<'a> {
    pub col: u32,
    pub label: Cow<'a, str>,
}

pub(crate) const NO_COL: u32 = u32::MAX;

impl<'a> Src<'a> {
    pub fn col(col: usize, label: &'a str) -> Src<'a> {
        Src {
            col: u32::try_from(col).unwrap_or(NO_COL),
            label: Cow::Borrowed(label),
        }
    }
    pub fn named(label: impl Into<Cow<'a, str>>) -> Src<'a> {
        Src {
            col: NO_COL,
            label: label.into(),
        }
    }
    /// The same column under another label.
    pub fn relabel(&self, label: &'a str) -> Src<'a> {
        Src {
            col: self.col,
            label: Cow::Borrowed(label),
        }
    }
}

/// Values that are checked once everything is read: they stay out of the notes
/// when the names or addresses already say them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// A display name: the last (and first) name when there is none.
    Display,
    /// Outlook's generated initials.
    Initials,
    /// Outlook's generated "Name (address)".
    EmailDisplay,
}

#[derive(Debug)]
struct Slot<'a> {
    prio: u8,
    src: Src<'a>,
    value: Cow<'a, str>,
}

#[derive(Debug)]
struct Address<'a> {
    key: u32,
    rank: u8,
    /// A label for the whole address as one notes line ("Home address");
    /// without one, each part is its own line under its column's header.
    label: Option<Cow<'a, str>>,
}

/// One contact being gathered. Values borrow from the sheet where they can: a
/// row allocates little more than what it gives back.
#[derive(Debug, Default)]
pub(crate) struct Person<'a> {
    slots: [Option<Slot<'a>>; 22],
    middle: Option<Cow<'a, str>>,
    /// E-mails of a list (vCard, Google): they fill the free e-mail fields by rank.
    emails: Vec<(u8, Src<'a>, Cow<'a, str>)>,
    addrs: Vec<Address<'a>>,
    /// Address parts: the address's index, the part, where from, the value.
    parts: Vec<(usize, Part, Src<'a>, Cow<'a, str>)>,
    notes: Vec<Cow<'a, str>>,
    /// The "Label: value" lines, each ending in a line break.
    lines: String,
    noted: Vec<u32>,
    pending: Vec<(Check, Src<'a>, Cow<'a, str>)>,
}

impl<'a> Person<'a> {
    pub fn new() -> Person<'a> {
        Person::default()
    }

    /// Empty again for the next contact, keeping what it has allocated.
    pub fn clear(&mut self) {
        for slot in &mut self.slots {
            *slot = None;
        }
        self.middle = None;
        self.emails.clear();
        self.addrs.clear();
        self.parts.clear();
        self.notes.clear();
        self.lines.clear();
        self.noted.clear();
        self.pending.clear();
    }

    /// The columns that put something into the notes (after `finish`).
    pub fn noted(&self) -> &[u32] {
        &self.noted
    }

    /// Offers a value for a field: it takes an empty field, or one whose value
    /// has a worse (higher) priority, which then goes into the notes; else the
    /// offered value goes into the notes. The notes field collects.
    pub fn offer(&mut self, field: usize, prio: u8, src: Src<'a>, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        if value.is_empty() {
            return;
        }
        if field == f::NOTES {
            self.notes.push(match value.contains('\r') {
                true => value.replace("\r\n", "\n").into(),
                false => value,
            });
            return;
        }
        let Some(slot) = self.slots.get_mut(field) else {
            return;
        };
        match slot {
            None => *slot = Some(Slot { prio, src, value }),
            Some(s) if s.value == value => {}
            Some(s) if prio < s.prio => {
                let old = std::mem::replace(s, Slot { prio, src, value });
                self.line(&old.src, &old.value);
            }
            Some(_) => self.line(&src, &value),
        }
    }

    pub fn has(&self, field: usize) -> bool {
        self.slots.get(field).is_some_and(|s| s.is_some())
    }

    /// Middle names, which join the first name.
    pub fn middle(&mut self, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        self.middle = Some(match self.middle.take() {
            Some(m) => format!("{m} {value}").into(),
            None => value,
        });
    }

    /// A "Label: value" line of the notes.
    pub fn line(&mut self, src: &Src<'_>, value: &str) {
        if value.is_empty() {
            return;
        }
        if self.lines.is_empty() {
            self.lines.reserve(256);
        }
        self.lines.push_str(&src.label);
        self.lines.push_str(": ");
        self.lines.push_str(value);
        self.lines.push('\n');
        if src.col != NO_COL {
            self.noted.push(src.col);
        }
    }

    /// An e-mail of a list; rank 0 is preferred.
    pub fn email(&mut self, rank: u8, src: Src<'a>, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        if !value.is_empty() {
            self.emails.push((rank, src, value));
        }
    }

    /// The address under `key`, made with `rank` (lower is chosen first) when new.
    pub fn address(&mut self, key: u32, rank: u8, label: Option<Cow<'a, str>>) -> usize {
        if let Some(i) = self.addrs.iter().position(|a| a.key == key) {
            return i;
        }
        self.addrs.push(Address { key, rank, label });
        self.addrs.len() - 1
    }

    pub fn addr_part(
        &mut self,
        address: usize,
        part: Part,
        src: Src<'a>,
        value: impl Into<Cow<'a, str>>,
    ) {
        let value = value.into();
        if address < self.addrs.len() && !value.is_empty() {
            self.parts.push((address, part, src, value));
        }
    }

    /// A birthday in any notation; one without a year or that is no date goes
    /// into the notes.
    pub fn birthday(&mut self, src: Src<'a>, text: &str) {
        match dates::parse(text) {
            Bday::Date(d) => self.offer(f::BIRTHDAY, 0, src, d),
            Bday::NoYear(d) => self.line(&src, &d),
            Bday::None => {}
            Bday::Invalid => self.line(&src, text),
        }
    }

    /// A value checked at the end (see `Check`).
    pub fn check(&mut self, check: Check, src: Src<'a>, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        if !value.is_empty() {
            self.pending.push((check, src, value));
        }
    }

    fn value(&self, field: usize) -> &str {
        match self.slots.get(field) {
            Some(Some(s)) => &s.value,
            _ => "",
        }
    }

    fn set(&mut self, field: usize, value: impl Into<Cow<'a, str>>) {
        if let Some(slot) = self.slots.get_mut(field) {
            *slot = Some(Slot {
                prio: 0,
                src: Src::named(""),
                value: value.into(),
            });
        }
    }

    /// The contact's field values in the schema's order; the notes last, with
    /// every "Label: value" line.
    pub fn finish(&mut self) -> Vec<(String, String)> {
        self.settle_address();
        if let Some(middle) = self.middle.take() {
            let first = match self.value(f::FIRST) {
                "" => middle,
                first => format!("{first} {middle}").into(),
            };
            self.set(f::FIRST, first);
        }
        let mut emails = std::mem::take(&mut self.emails);
        emails.sort_by_key(|(rank, _, _)| *rank);
        for (_, src, value) in emails.drain(..) {
            let already = (0..3).any(|i| self.value(f::EMAIL + i).eq_ignore_ascii_case(&value));
            match (0..3).map(|i| f::EMAIL + i).find(|i| !self.has(*i)) {
                _ if already => {}
                Some(i) => self.offer(i, 0, src, value),
                None => self.line(&src, &value),
            }
        }
        self.emails = emails;
        let mut pending = std::mem::take(&mut self.pending);
        for (check, src, value) in pending.drain(..) {
            if !self.settles(check, &value) {
                self.line(&src, &value);
            }
        }
        self.pending = pending;
        let mut values = Vec::with_capacity(self.slots.iter().filter(|s| s.is_some()).count() + 1);
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if let Some(s) = slot.take() {
                values.push((FIELDS[i].to_string(), s.value.into_owned()));
            } else if i == f::NOTES {
                let size: usize = self.notes.iter().map(|n| n.len() + 1).sum();
                let mut notes = String::with_capacity(size + self.lines.len());
                for n in &self.notes {
                    notes.push_str(n);
                    notes.push('\n');
                }
                notes.push_str(&self.lines);
                let trimmed = notes.trim();
                if trimmed.len() != notes.len() {
                    notes = trimmed.to_string();
                }
                if !notes.is_empty() {
                    values.push((FIELDS[i].to_string(), notes));
                }
            }
        }
        values
    }

    /// Whether a word is one of the first, last or company name's words.
    fn in_names(&self, word: &str) -> bool {
        [f::FIRST, f::LAST, f::COMPANY]
            .iter()
            .flat_map(|i| words(self.value(*i)))
            .any(|w| same(w, word))
    }

    /// Whether a checked value is said already (or now fills the names).
    fn settles(&mut self, check: Check, value: &str) -> bool {
        match check {
            Check::Display if !self.has(f::LAST) => {
                let (last, rest): (Cow<'a, str>, Cow<'a, str>) = match value.split_once(',') {
                    Some((last, rest)) => (
                        last.trim().to_string().into(),
                        rest.trim().to_string().into(),
                    ),
                    None => {
                        let mut w: Vec<&str> = value.split_whitespace().collect();
                        let last = w.pop().unwrap_or("").to_string();
                        (last.into(), w.join(" ").into())
                    }
                };
                self.set(f::LAST, last);
                if !self.has(f::FIRST) && !rest.is_empty() {
                    self.set(f::FIRST, rest);
                }
                true
            }
            Check::Display => words(value).all(|w| self.in_names(w)),
            Check::Initials => {
                let given = words(self.value(f::FIRST))
                    .chain(words(self.value(f::LAST)))
                    .filter_map(|w| w.chars().next())
                    .flat_map(char::to_uppercase);
                let written = value
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .flat_map(char::to_uppercase);
                given.eq(written)
            }
            Check::EmailDisplay => {
                (0..3).any(|i| contains_ignore_case(value, self.value(f::EMAIL + i)))
                    || words(value).all(|w| self.in_names(w))
            }
        }
    }

    /// The one address: the best rank (work, home, other), its parts into the
    /// fields; the others into the notes.
    fn settle_address(&mut self) {
        if self.parts.is_empty() {
            return;
        }
        let mut parts = std::mem::take(&mut self.parts);
        let mut addrs = std::mem::take(&mut self.addrs);
        let chosen = addrs
            .iter()
            .enumerate()
            .filter(|(i, _)| parts.iter().any(|p| p.0 == *i))
            .min_by_key(|(i, a)| (a.rank, *i))
            .map(|(i, _)| i);
        parts.sort_by_key(|(a, part, _, _)| (*a, *part));
        for (i, a) in addrs.drain(..).enumerate() {
            let start = parts.partition_point(|p| p.0 < i);
            let end = parts.partition_point(|p| p.0 <= i);
            let mine = &mut parts[start..end];
            if mine.is_empty() {
                continue;
            }
            let only_formatted = mine.iter().all(|p| p.1 == Part::Formatted);
            if Some(i) == chosen {
                self.take_address(mine, only_formatted);
            } else if let Some(label) = a.label {
                let text = one_line(mine);
                let cols = mine.iter().map(|p| p.2.col);
                self.noted.extend(cols.filter(|c| *c != NO_COL));
                self.line(&Src::named(label), &text);
            } else {
                for (_, part, src, value) in mine.iter() {
                    if *part != Part::Formatted || only_formatted {
                        self.line(src, value);
                    }
                }
            }
        }
        parts.clear();
        self.parts = parts;
        self.addrs = addrs;
    }

    fn take_address(
        &mut self,
        parts: &mut [(usize, Part, Src<'a>, Cow<'a, str>)],
        only_formatted: bool,
    ) {
        let mut street: Option<(Src<'a>, String)> = None;
        for (_, part, src, value) in parts.iter_mut() {
            let value = std::mem::take(value);
            let field = match part {
                Part::Extended | Part::Street(_) => None,
                Part::Formatted if only_formatted => None,
                Part::Formatted => continue,
                Part::City => Some(f::CITY),
                Part::Region => Some(f::REGION),
                Part::Code => Some(f::CODE),
                Part::Country => Some(f::COUNTRY),
                Part::PoBox => {
                    self.line(src, &value);
                    continue;
                }
            };
            match field {
                Some(field) => self.offer(field, 0, src.clone(), value),
                None => {
                    let (_, text) =
                        street.get_or_insert_with(|| (src.clone(), String::with_capacity(64)));
                    for l in value.lines().map(str::trim).filter(|l| !l.is_empty()) {
                        if !text.is_empty() {
                            text.push_str(", ");
                        }
                        text.push_str(l);
                    }
                }
            }
        }
        if let Some((src, text)) = street {
            self.offer(f::STREET, 0, src, text);
        }
    }
}

/// An address on one line: "street, code city, region, country".
fn one_line(parts: &[(usize, Part, Src<'_>, Cow<'_, str>)]) -> String {
    let get = |p: Part| -> Vec<&str> {
        parts
            .iter()
            .filter(|q| q.1 == p)
            .map(|q| q.3.as_ref())
            .collect()
    };
    if parts.iter().all(|q| q.1 == Part::Formatted) {
        return get(Part::Formatted).join(", ").replace('\n', ", ");
    }
    let mut out: Vec<String> = Vec::new();
    for (_, p, _, v) in parts {
        if matches!(p, Part::PoBox | Part::Extended | Part::Street(_)) {
            out.extend(
                v.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from),
            );
        }
    }
    let place = [get(Part::Code).join(" "), get(Part::City).join(" ")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    for s in [
        place,
        get(Part::Region).join(" "),
        get(Part::Country).join(" "),
    ] {
        if !s.is_empty() {
            out.push(s);
        }
    }
    out.join(", ")
}

/// The words of a name, without commas and dots.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
}

/// Two words equal ignoring case.
fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || a.chars()
            .flat_map(char::to_lowercase)
            .eq(b.chars().flat_map(char::to_lowercase))
}

/// Whether `hay` holds `needle` (an e-mail address), ASCII case ignored.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    !n.is_empty() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Which field a phone label names ("Mobile", "* Work", "Work Fax", Apple's
/// "_$!<HomeFAX>!$_", a German "Büro"), with its priority; `None` for labels no
/// field takes ("Other", "Pager", a custom label).
pub(crate) fn phone_label(label: &str) -> Option<(usize, u8)> {
    let l = clean_label(label)
        .to_lowercase()
        .replace([' ', '-', '_'], "");
    Some(match l.as_str() {
        "mobile" | "cell" | "cellular" | "iphone" | "handy" | "mobil" | "mobiltelefon"
        | "mobilfunk" => (f::MOBILE, 0),
        "work" | "business" | "office" | "büro" | "arbeit" | "geschäftlich" | "dienstlich"
        | "firma" => (f::PHONE, 0),
        "home" | "privat" | "private" | "zuhause" | "daheim" => (f::HOME, 0),
        "workfax" | "businessfax" | "fax" | "faxgeschäftlich" | "faxbüro" => (f::FAX, 0),
        "homefax" | "faxprivat" => (f::FAX, 1),
        "main" | "zentrale" | "haupttelefon" => (f::PHONE, 1),
        _ => return None,
    })
}

/// An address label's rank: work 0, home 1, anything else 2.
pub(crate) fn address_rank(label: &str) -> u8 {
    match clean_label(label).to_lowercase().as_str() {
        "work" | "business" | "office" | "büro" | "arbeit" | "geschäftlich" | "dienstlich" => 0,
        "home" | "privat" | "zuhause" => 1,
        _ => 2,
    }
}

/// A label without Apple's `_$!<…>!$_` wrapping and Google's "* " (primary) mark.
pub(crate) fn clean_label(label: &str) -> &str {
    let l = label.trim();
    let l = l
        .strip_prefix("_$!<")
        .and_then(|l| l.strip_suffix(">!$_"))
        .unwrap_or(l);
    l.trim_start_matches('*').trim()
}
