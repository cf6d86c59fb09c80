//! One card's properties into a contact's fields: names, company, phones by
//! type and label, e-mails by preference, the one address, birthday, notes; what
//! a user wrote that no field takes becomes a "Label: value" line of the notes.

use std::borrow::Cow;

use super::lines::{split_raw, split_unescape, unescape, Prop};
use crate::io::contacts::aliases::Part;
use crate::io::contacts::person::{self, f, Check, Person, Src};

/// Properties the writing software adds: nothing a user wrote.
const IGNORED: &[&str] = &[
    "BEGIN",
    "END",
    "VERSION",
    "PRODID",
    "UID",
    "REV",
    "CLASS",
    "SOURCE",
    "NAME",
    "PROFILE",
    "KIND",
    "MAILER",
    "SORT-STRING",
    "LABEL",
    "CLIENTPIDMAP",
    "MEMBER",
    "XML",
    "TZ",
    "AGENT",
    "X-ABUID",
    "X-ABSHOWAS",
    "X-ABADR",
    "X-ABLABEL",
    "X-MS-OL-DESIGN",
    "X-MS-OL-DEFAULT-POSTAL-ADDRESS",
    "X-MS-CARDPICTURE",
    "X-MOZILLA-HTML",
    "X-MOZILLA-PROPERTY",
    "X-EVOLUTION-FILE-AS",
    "X-WAB-GENDER",
    "X-IMAGETYPE",
    "X-IMAGEHASH",
    "X-ADDRESSBOOKSERVER-KIND",
    "X-ADDRESSBOOKSERVER-MEMBER",
    "X-ACTIVITY-ALERT",
];

/// Binary properties: never carried, whatever their encoding.
const SKIPPED: &[&str] = &["PHOTO", "LOGO", "SOUND", "KEY"];

/// Readable labels for the properties that go into the notes.
const LABELS: &[(&str, &str)] = &[
    ("NICKNAME", "Nickname"),
    ("ROLE", "Role"),
    ("GENDER", "Gender"),
    ("ANNIVERSARY", "Anniversary"),
    ("IMPP", "IM"),
    ("RELATED", "Related"),
    ("LANG", "Language"),
    ("GEO", "Geo"),
    ("CATEGORIES", "Categories"),
    ("X-ABDATE", "Date"),
    ("X-ABRELATEDNAMES", "Related name"),
    ("X-SOCIALPROFILE", "Social profile"),
    ("X-ANNIVERSARY", "Anniversary"),
    ("X-SPOUSE", "Spouse"),
    ("X-ASSISTANT", "Assistant"),
    ("X-MANAGER", "Manager"),
];

/// Our own opt-out fields, which the writer puts in X- properties.
pub(super) const OPT_OUTS: [(&str, usize); 3] = [
    ("X-TERMCRM-NO-PROMOTIONS", f::NO_PROMOTIONS),
    ("X-TERMCRM-NO-CALLS", f::NO_CALLS),
    ("X-TERMCRM-NO-EMAIL", f::NO_EMAIL),
];

/// A structured value's components (ORG, ADR), unescaped, line breaks as `\n`.
fn components(value: &str) -> Vec<String> {
    split_raw(value, ';')
        .into_iter()
        .map(|c| unescape(c).trim().to_string())
        .collect()
}

/// N's components, each a list in 3.0 ("Anna,Maria") read as words.
fn name_parts(value: &str) -> Vec<String> {
    split_raw(value, ';')
        .into_iter()
        .map(|c| {
            let words = split_unescape(c, Some(','));
            let words: Vec<&str> = words
                .iter()
                .map(|w| w.trim())
                .filter(|w| !w.is_empty())
                .collect();
            words.join(" ")
        })
        .collect()
}

fn comp(parts: &[String], i: usize) -> &str {
    parts.get(i).map_or("", String::as_str)
}

/// The card's contact.
pub(super) fn contact(props: &[Prop]) -> Vec<(String, String)> {
    let labels: Vec<(&str, String)> = props
        .iter()
        .filter(|p| p.name == "X-ABLABEL")
        .filter_map(|p| Some((p.group.as_deref()?, unescape(&p.value).trim().to_string())))
        .collect();
    let mut p: Person<'static> = Person::new();
    let mut full_name: Option<String> = None;
    let mut company = String::new();
    for (i, prop) in props.iter().enumerate() {
        let name = prop.name.as_str();
        if IGNORED.contains(&name) || SKIPPED.contains(&name) {
            continue;
        }
        let label = prop.group.as_deref().and_then(|g| {
            labels
                .iter()
                .find(|(h, _)| *h == g)
                .map(|(_, l)| person::clean_label(l).to_string())
                .filter(|l| !l.is_empty())
        });
        let text = unescape(&prop.value).trim().to_string();
        match name {
            "N" => {
                let c = name_parts(&prop.value);
                p.offer(f::LAST, 0, Src::named("Last name"), comp(&c, 0).to_string());
                p.offer(
                    f::FIRST,
                    0,
                    Src::named("First name"),
                    comp(&c, 1).to_string(),
                );
                if !comp(&c, 2).is_empty() {
                    p.middle(comp(&c, 2).to_string());
                }
                p.line(&Src::named("Prefix"), comp(&c, 3));
                p.line(&Src::named("Suffix"), comp(&c, 4));
            }
            "FN" => full_name = Some(text).filter(|t| !t.is_empty()),
            "ORG" => {
                let c = components(&prop.value);
                company = comp(&c, 0).to_string();
                p.offer(f::COMPANY, 0, Src::named("Company"), company.clone());
                let units: Vec<&str> = c
                    .iter()
                    .skip(1)
                    .map(String::as_str)
                    .filter(|u| !u.is_empty())
                    .collect();
                p.line(&Src::named("Department"), &units.join(", "));
            }
            "TITLE" => p.offer(f::TITLE, 0, Src::named("Title"), text),
            "EMAIL" => {
                let v = strip_scheme(&text, "mailto:").to_string();
                let src = Src::named(label.unwrap_or_else(|| "E-mail".into()));
                p.email(prop.pref_rank(), src, v);
            }
            "TEL" => tel(&mut p, prop, label, strip_scheme(&text, "tel:")),
            "ADR" => address(&mut p, prop, label, i),
            "URL" => {
                let src = Src::named(label.unwrap_or_else(|| "Web page".into()));
                p.offer(f::WEB, prop.pref_rank().min(100), src, text);
            }
            "BDAY" => birthday(&mut p, prop, label, &text),
            "NOTE" => p.offer(f::NOTES, 0, Src::named("Notes"), text),
            "CATEGORIES" => {
                let cats: Vec<String> = split_unescape(&prop.value, Some(','))
                    .into_iter()
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("myContacts"))
                    .collect();
                p.line(&Src::named("Categories"), &cats.join(", "));
            }
            "X-ANDROID-CUSTOM" => {
                let c = components(&prop.value);
                let kind = comp(&c, 0)
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .replace('_', " ");
                let mut chars = kind.chars();
                let kind: String = match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => "Android".into(),
                };
                p.line(&Src::named(kind), comp(&c, 1));
            }
            _ => {
                if let Some((_, field)) = OPT_OUTS.iter().find(|(n, _)| *n == name) {
                    p.offer(*field, 0, Src::named(name.to_string()), text);
                    continue;
                }
                let known = LABELS.iter().find(|(n, _)| *n == name).map(|(_, l)| *l);
                let label: Cow<'static, str> = match (label, known) {
                    (Some(l), _) => l.into(),
                    (None, Some(k)) => k.into(),
                    (None, None) => name.to_string().into(),
                };
                let text = text.trim_end_matches(';').trim().to_string();
                p.line(&Src::named(label), &text);
            }
        }
    }
    if let Some(full) = full_name {
        if !p.has(f::LAST) {
            if !company.is_empty() && full == company {
                // A company's card: its name is the only name.
                p.offer(f::LAST, 0, Src::named("Name"), full);
            } else {
                p.check(Check::Display, Src::named("Name"), full);
            }
        }
    }
    p.finish()
}

fn strip_scheme<'t>(text: &'t str, scheme: &str) -> &'t str {
    match text.get(..scheme.len()) {
        Some(s) if s.eq_ignore_ascii_case(scheme) => text[scheme.len()..].trim(),
        _ => text,
    }
}

/// A phone by its label (Apple's X-ABLabel) or else its types.
fn tel(p: &mut Person<'static>, prop: &Prop, label: Option<String>, value: &str) {
    let types = prop.types();
    let has = |t: &str| types.iter().any(|x| x == t);
    let pref = u8::from(prop.pref_rank() > 0);
    let target = match label.as_deref() {
        Some(l) => person::phone_label(l).map(|(field, prio)| (field, prio * 2 + pref)),
        None => {
            let base = if has("fax") {
                Some(if has("home") && !has("work") {
                    (f::FAX, 1)
                } else {
                    (f::FAX, 0)
                })
            } else if has("cell") || has("mobile") || has("iphone") {
                Some((f::MOBILE, 0))
            } else if [
                "pager",
                "car",
                "isdn",
                "modem",
                "bbs",
                "video",
                "textphone",
                "other",
            ]
            .iter()
            .any(|t| has(t))
            {
                None
            } else if has("home") {
                Some((f::HOME, 0))
            } else if has("work") {
                Some((f::PHONE, 0))
            } else if has("main") || has("x-main") {
                Some((f::PHONE, 1))
            } else {
                Some((f::PHONE, 2))
            };
            base.map(|(field, prio)| (field, prio * 2 + pref))
        }
    };
    let label = label.unwrap_or_else(|| {
        let shown: Vec<&str> = types
            .iter()
            .map(String::as_str)
            .filter(|t| !matches!(*t, "voice" | "pref" | "internet"))
            .collect();
        if shown.is_empty() {
            "Phone".into()
        } else {
            format!("Phone ({})", shown.join(", "))
        }
    });
    let src = Src::named(label);
    match target {
        Some((field, prio)) => p.offer(field, prio, src, value.to_string()),
        None => p.line(&src, value),
    }
}

/// An address: work first, then home, then any other; the preferred first
/// within a kind.
fn address(p: &mut Person<'static>, prop: &Prop, label: Option<String>, key: usize) {
    let types = prop.types();
    let has = |t: &str| types.iter().any(|x| x == t);
    let kind = match &label {
        Some(l) => person::address_rank(l),
        None if has("work") => 0,
        None if has("home") => 1,
        None => 2,
    };
    let rank = kind * 2 + u8::from(prop.pref_rank() > 0);
    let shown = match (label, kind) {
        (Some(l), _) => format!("{l} address"),
        (None, 0) => "Work address".into(),
        (None, 1) => "Home address".into(),
        (None, _) => "Address".into(),
    };
    let c = components(&prop.value);
    let a = p.address(
        u32::try_from(key).unwrap_or(u32::MAX),
        rank,
        Some(shown.into()),
    );
    let parts = [
        (0, Part::PoBox, "PO box"),
        (1, Part::Extended, "Extended address"),
        (2, Part::Street(0), "Street"),
        (3, Part::City, "City"),
        (4, Part::Region, "Region"),
        (5, Part::Code, "Postal code"),
        (6, Part::Country, "Country"),
    ];
    for (i, part, name) in parts {
        p.addr_part(a, part, Src::named(name), comp(&c, i).to_string());
    }
}

/// BDAY in 2.1, 3.0 and 4.0 notation; Apple's year 1604 (with or without
/// X-APPLE-OMIT-YEAR) means no year.
fn birthday(p: &mut Person<'static>, prop: &Prop, label: Option<String>, text: &str) {
    let src = Src::named(label.unwrap_or_else(|| "Birthday".into()));
    let omit = prop.param("X-APPLE-OMIT-YEAR").unwrap_or("1604");
    let is_text = prop
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("text"));
    if is_text {
        p.line(&src, text);
    } else if let Some(rest) = text.strip_prefix(omit).filter(|r| !r.is_empty()) {
        let rest = rest.trim_start_matches('-');
        p.birthday(src, &format!("--{rest}"));
    } else {
        p.birthday(src, text);
    }
}
