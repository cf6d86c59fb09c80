//! `map`: what each column carries, worked out once from the header; then each
//! row's cells through it into a `Person`.

use std::borrow::Cow;

use super::aliases::{self, GPart, Kind, Part, Phone, Role};
use super::dates::{self, Bday};
use super::person::{self, f, Check, Person, Src, FIELDS};
use crate::io::{Format, Mapped, MappedRow, Sheet, SheetRow};

/// What one column does.
#[derive(Debug, Clone, Copy)]
enum Act {
    Role(Role),
    /// Google's "Kind N - Part", with the column of its "Kind N - Label".
    Pair {
        kind: Kind,
        n: u16,
        part: GPart,
        label: Option<usize>,
    },
}

struct Column<'h> {
    idx: usize,
    header: &'h str,
    act: Act,
}

struct Plan<'h> {
    cols: Vec<Column<'h>>,
    /// Thunderbird's birthday columns: year, month, day.
    birth: [Option<usize>; 3],
}

/// What a header means: in the sheet's dialect first, then as one of our own
/// fields, then in the other dialects; else a notes column.
fn resolve(dialect: Option<Format>, h: &str) -> Act {
    let pair = || {
        aliases::google_pair(h).map(|(kind, n, part)| Act::Pair {
            kind,
            n,
            part,
            label: None,
        })
    };
    let order: [Format; 4] = match dialect {
        Some(Format::OutlookCsv) => [
            Format::OutlookCsv,
            Format::Csv,
            Format::ThunderbirdCsv,
            Format::GoogleCsv,
        ],
        Some(Format::GoogleCsv) => [
            Format::GoogleCsv,
            Format::Csv,
            Format::OutlookCsv,
            Format::ThunderbirdCsv,
        ],
        Some(Format::ThunderbirdCsv) => [
            Format::ThunderbirdCsv,
            Format::Csv,
            Format::OutlookCsv,
            Format::GoogleCsv,
        ],
        _ => [
            Format::Csv,
            Format::OutlookCsv,
            Format::GoogleCsv,
            Format::ThunderbirdCsv,
        ],
    };
    for d in order {
        if let Some(role) = aliases::lookup(d, h) {
            return Act::Role(role);
        }
        if d == Format::GoogleCsv {
            if let Some(act) = pair() {
                return act;
            }
        }
    }
    Act::Role(Role::Note)
}

impl<'h> Plan<'h> {
    fn new(headers: &'h [String], dialect: Option<Format>) -> Plan<'h> {
        let normed: Vec<String> = headers.iter().map(|h| aliases::norm(h)).collect();
        let mut cols: Vec<Column<'h>> = Vec::with_capacity(headers.len());
        let mut birth = [None; 3];
        for (idx, (header, h)) in headers.iter().zip(&normed).enumerate() {
            if h.is_empty() {
                continue;
            }
            let act = resolve(dialect, h);
            if let Act::Role(Role::BirthPart(p)) = act {
                if let Some(slot) = birth.get_mut(usize::from(p)) {
                    slot.get_or_insert(idx);
                }
            }
            cols.push(Column {
                idx,
                header: header.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'),
                act,
            });
        }
        // Each numbered value finds its label column: the same "Kind N" before " - ".
        let left = |idx: usize| {
            normed
                .get(idx)
                .and_then(|h| h.split_once(" - "))
                .map(|(l, _)| l.trim())
        };
        let labels: Vec<(&str, usize)> = cols
            .iter()
            .filter(|c| {
                matches!(
                    c.act,
                    Act::Pair {
                        part: GPart::Label,
                        ..
                    }
                )
            })
            .filter_map(|c| Some((left(c.idx)?, c.idx)))
            .collect();
        for c in &mut cols {
            if let Act::Pair { label, .. } = &mut c.act {
                let key = left(c.idx);
                *label = labels
                    .iter()
                    .find(|(k, _)| Some(*k) == key)
                    .map(|(_, i)| *i);
            }
        }
        Plan { cols, birth }
    }

    /// Which column fills which field, for the report.
    fn columns(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for c in &self.cols {
            let target: Cow<'static, str> = match c.act {
                Act::Role(role) => match role {
                    Role::Field(i) => FIELDS[i].into(),
                    Role::Middle => "first_name".into(),
                    Role::Display => "last_name (when there is none)".into(),
                    Role::Phone(p) => FIELDS[phone_field(p).0].into(),
                    Role::Email(n) => FIELDS[f::EMAIL + usize::from(n.min(2))].into(),
                    Role::Addr(_, part) => match addr_field(part) {
                        Some(i) => FIELDS[i].into(),
                        None => continue,
                    },
                    Role::Birthday | Role::BirthPart(_) => "birthday".into(),
                    _ => continue,
                },
                Act::Pair { kind, part, .. } => match (kind, part) {
                    (Kind::Email, GPart::Value) => "email, email2 or email3".into(),
                    (Kind::Phone, GPart::Value) => {
                        "phone, mobile, home_phone or fax (by its label)".into()
                    }
                    (Kind::Website, GPart::Value) => "web".into(),
                    (Kind::Address, GPart::Addr(part)) => match addr_field(part) {
                        Some(i) => FIELDS[i].into(),
                        None => continue,
                    },
                    (Kind::Organization, GPart::Name) => "company".into(),
                    (Kind::Organization, GPart::Title) => "title".into(),
                    _ => continue,
                },
            };
            out.push((c.header.to_string(), target.into_owned()));
        }
        out
    }
}

fn phone_field(p: Phone) -> (usize, u8) {
    match p {
        Phone::Work => (f::PHONE, 0),
        Phone::Mobile => (f::MOBILE, 0),
        Phone::Home => (f::HOME, 0),
        Phone::WorkFax => (f::FAX, 0),
        Phone::HomeFax => (f::FAX, 1),
    }
}

fn addr_field(part: Part) -> Option<usize> {
    match part {
        Part::Extended | Part::Street(_) | Part::Formatted => Some(f::STREET),
        Part::City => Some(f::CITY),
        Part::Region => Some(f::REGION),
        Part::Code => Some(f::CODE),
        Part::Country => Some(f::COUNTRY),
        Part::PoBox => None,
    }
}

/// A cell trimmed, with the apostrophe our CSV export puts before a formula-like
/// cell taken off again.
fn clean(cell: &str) -> &str {
    let t = cell.trim();
    match crate::io::unneutralised(t) {
        Some(_) => t[1..].trim(),
        None => t,
    }
}

/// Headers that are all our own field names.
fn plain(headers: &[String]) -> bool {
    let mut any = false;
    for h in headers {
        let h = h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if h.is_empty() {
            continue;
        }
        if !FIELDS.contains(&h) {
            return false;
        }
        any = true;
    }
    any
}

fn identity(sheet: &Sheet) -> Mapped {
    let mut fields: Vec<(usize, String)> = Vec::new();
    for (i, h) in sheet.headers.iter().enumerate() {
        let h = h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if !h.is_empty() && !fields.iter().any(|(_, g)| g == h) {
            fields.push((i, h.to_string()));
        }
    }
    let rows = sheet
        .rows
        .iter()
        .map(|row| MappedRow {
            line: row.line,
            values: fields
                .iter()
                .filter_map(|(i, h)| {
                    let v = row.cell(*i).trim();
                    (!v.is_empty()).then(|| (h.clone(), v.to_string()))
                })
                .collect(),
        })
        .collect();
    Mapped {
        columns: fields.iter().map(|(_, h)| (h.clone(), h.clone())).collect(),
        ignored: Vec::new(),
        rows,
    }
}

pub(crate) fn map(sheet: &Sheet) -> Mapped {
    if sheet.format == Some(Format::Vcard) || plain(&sheet.headers) {
        return identity(sheet);
    }
    let dialect = match sheet.format {
        Some(d @ (Format::OutlookCsv | Format::GoogleCsv | Format::ThunderbirdCsv)) => Some(d),
        _ => aliases::recognise(&sheet.headers),
    };
    let plan = Plan::new(&sheet.headers, dialect);
    let mut noted = vec![false; sheet.headers.len()];
    let mut rows = Vec::with_capacity(sheet.rows.len());
    let mut p = Person::new();
    for row in &sheet.rows {
        p.clear();
        map_row(&mut p, &plan, row);
        let values = p.finish();
        for col in p.noted() {
            if let Some(n) = noted.get_mut(*col as usize) {
                *n = true;
            }
        }
        rows.push(MappedRow {
            line: row.line,
            values,
        });
    }
    let ignored = plan
        .cols
        .iter()
        .filter(|c| noted.get(c.idx).copied().unwrap_or(false))
        .map(|c| format!("{}: kept in the notes", c.header))
        .collect();
    Mapped {
        columns: plan.columns(),
        ignored,
        rows,
    }
}

fn map_row<'a>(p: &mut Person<'a>, plan: &'a Plan<'a>, row: &'a SheetRow) {
    for c in &plan.cols {
        let raw = row.cell(c.idx);
        if raw.is_empty() {
            continue;
        }
        let cell = clean(raw);
        if cell.is_empty() {
            continue;
        }
        let src = Src::col(c.idx, c.header);
        match c.act {
            Act::Role(role) => apply(p, role, src, cell),
            Act::Pair {
                kind,
                n,
                part,
                label,
            } => {
                let label = label.map_or("", |i| clean(row.cell(i)));
                pair(p, (kind, n, part), label, src, cell);
            }
        }
    }
    if plan.birth.iter().any(Option::is_some) {
        birth_parts(p, plan, row);
    }
}

fn apply<'a>(p: &mut Person<'a>, role: Role, src: Src<'a>, cell: &'a str) {
    match role {
        Role::Field(i) if i == f::BIRTHDAY => p.birthday(src, cell),
        Role::Field(i) => p.offer(i, 0, src, cell),
        Role::Middle => p.middle(cell),
        Role::Display => p.check(Check::Display, src, cell),
        Role::Phone(kind) => {
            let (field, prio) = phone_field(kind);
            p.offer(field, prio, src, cell);
        }
        Role::Email(n) => p.offer(f::EMAIL + usize::from(n.min(2)), 0, src, cell),
        Role::EmailDisplay(_) => p.check(Check::EmailDisplay, src, cell),
        Role::Addr(kind, part) => {
            let a = p.address(kind as u32, kind as u8, None);
            p.addr_part(a, part, src, cell);
        }
        Role::Birthday => p.birthday(src, cell),
        Role::BirthPart(_) | Role::Skip => {}
        Role::Initials => p.check(Check::Initials, src, cell),
        Role::Note => p.line(&src, cell),
        Role::NoteUnless(none) => {
            if !none.iter().any(|n| n.eq_ignore_ascii_case(cell)) {
                p.line(&src, cell);
            }
        }
        Role::NoteDate => {
            if dates::parse(cell) != Bday::None {
                p.line(&src, cell);
            }
        }
        Role::Groups => {
            let groups: Vec<&str> = cell
                .split(":::")
                .map(str::trim)
                .filter(|g| {
                    !g.is_empty() && !SYSTEM_GROUPS.iter().any(|s| s.eq_ignore_ascii_case(g))
                })
                .collect();
            p.line(&src, &groups.join(", "));
        }
    }
}

/// Google's group of all contacts, current and legacy: no information.
const SYSTEM_GROUPS: [&str; 2] = ["* myContacts", "* My Contacts"];

/// One of Google's numbered cells; `label` is its "Label"/"Type" cell.
fn pair<'a>(
    p: &mut Person<'a>,
    (kind, n, part): (Kind, u16, GPart),
    label: &'a str,
    src: Src<'a>,
    cell: &'a str,
) {
    let starred = label.starts_with('*');
    let shown = person::clean_label(label);
    let labelled = if shown.is_empty() {
        src.clone()
    } else {
        src.relabel(shown)
    };
    let values = cell.split(":::").map(str::trim).filter(|v| !v.is_empty());
    match (kind, part) {
        (_, GPart::Label) => {}
        (Kind::Email, GPart::Value) => {
            for (i, v) in values.enumerate() {
                p.email(u8::from(!(starred && i == 0)), src.clone(), v);
            }
        }
        (Kind::Phone, GPart::Value) => {
            let target = match shown {
                "" => Some((f::PHONE, 2)),
                l => person::phone_label(l),
            };
            for v in values {
                match target {
                    Some((field, prio)) => p.offer(field, prio, labelled.clone(), v),
                    None => p.line(&labelled, v),
                }
            }
        }
        (Kind::Website, GPart::Value) => {
            for (i, v) in values.enumerate() {
                p.offer(
                    f::WEB,
                    u8::from(!(starred && i == 0)) + 1,
                    labelled.clone(),
                    v,
                );
            }
        }
        (Kind::Address, GPart::Addr(part)) => {
            let key = 100 + u32::from(n);
            let a = p.address(key, person::address_rank(shown), None);
            p.addr_part(a, part, src, cell);
        }
        (Kind::Organization, GPart::Name) if n == 1 => p.offer(f::COMPANY, 1, src, cell),
        (Kind::Organization, GPart::Title) if n == 1 => p.offer(f::TITLE, 1, src, cell),
        (_, GPart::Value) => {
            for v in values {
                p.line(&labelled, v);
            }
        }
        _ => p.line(&src, cell),
    }
}

/// Thunderbird's birthday from its year, month and day columns.
fn birth_parts<'a>(p: &mut Person<'a>, plan: &'a Plan<'a>, row: &'a SheetRow) {
    let cell = |i: Option<usize>| i.map_or("", |i| clean(row.cell(i)));
    let [y, m, d] = plan.birth;
    let header = |i: Option<usize>| {
        plan.cols
            .iter()
            .find(|c| Some(c.idx) == i)
            .map_or("Birthday", |c| c.header)
    };
    let src = |i: Option<usize>| Src::col(i.unwrap_or(usize::MAX), header(i));
    match dates::from_parts(cell(y), cell(m), cell(d)) {
        Bday::Date(date) => p.offer(f::BIRTHDAY, 0, src(y.or(m).or(d)), date),
        Bday::NoYear(date) => p.line(&src(d.or(m)), &date),
        Bday::None => {}
        Bday::Invalid => {
            for i in [y, m, d] {
                p.line(&src(i), cell(i));
            }
        }
    }
}
