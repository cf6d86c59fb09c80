//! The address books' columns by header name: what each one carries. The Outlook
//! table is in the desktop export's column order and gives each column's English
//! and German header; `outlook_sink` writes exactly these headers, so one table
//! serves reading and writing.

use crate::io::Format;
use crate::model::{Entity, SalesContact};

/// What a column carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A sales-contact field, as it is (the field's index in `person::FIELDS`).
    Field(usize),
    /// Middle names: they join the first name.
    Middle,
    /// A display name or "File As": the last name when there is none.
    Display,
    Phone(Phone),
    /// The n-th e-mail address (0-based).
    Email(u8),
    /// Outlook's generated "Name (address)" of the n-th address.
    EmailDisplay(u8),
    Addr(Addr, Part),
    Birthday,
    /// Thunderbird's birthday in parts: 0 year, 1 month, 2 day.
    BirthPart(u8),
    /// Outlook's initials, generated from the names.
    Initials,
    /// No field: into the notes as "header: value".
    Note,
    /// Into the notes unless the value is one of these, which mean none.
    NoteUnless(&'static [&'static str]),
    /// A date into the notes; Outlook's zero dates mean none.
    NoteDate,
    /// Google's labels (" ::: " list); the system group "* myContacts" goes.
    Groups,
    /// Photo links: not carried anywhere.
    Skip,
}

/// A phone column's kind; the kinds no field takes are `Role::Note`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phone {
    Work,
    Mobile,
    Home,
    WorkFax,
    HomeFax,
}

/// Which address of a contact (and its rank when choosing the one address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Addr {
    Work = 0,
    Home = 1,
    Other = 2,
}

/// A part of an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Part {
    /// An extended address line (apartment, building): before the street.
    Extended,
    /// Street line 1, 2, 3.
    Street(u8),
    City,
    Region,
    Code,
    Country,
    PoBox,
    /// Google's whole address in one cell: used only when no part is given.
    Formatted,
}

/// One column of a dialect: its role and its English and German header.
pub(crate) struct Col {
    pub role: Role,
    pub en: &'static str,
    pub de: &'static str,
}

const fn c(role: Role, en: &'static str, de: &'static str) -> Col {
    Col { role, en, de }
}

use super::person::f;
use Addr::{Home as H, Other as O, Work as W};
use Part::{City, Code, Country, Region, Street};
use Role::{Addr as A, BirthPart, Email, EmailDisplay, Field, Middle, Note, NoteUnless};

const NORMAL: &[&str] = &["Normal"];
const FALSE: &[&str] = &["False", "Falsch", "Aus", "Nein", "No"];
const SMTP: &[&str] = &["SMTP"];
const GENDER: &[&str] = &["Unspecified", "Unbestimmt", "Nicht angegeben"];

/// Outlook desktop (2007–365) in the export's column order; English and German.
pub(crate) static OUTLOOK: &[Col] = &[
    c(Note, "Title", "Anrede"),
    c(Field(f::FIRST), "First Name", "Vorname"),
    c(Middle, "Middle Name", "Weitere Vornamen"),
    c(Field(f::LAST), "Last Name", "Nachname"),
    c(Note, "Suffix", "Suffix"),
    c(Field(f::COMPANY), "Company", "Firma"),
    c(Note, "Department", "Abteilung"),
    c(Field(f::TITLE), "Job Title", "Position"),
    c(A(W, Street(0)), "Business Street", "Straße geschäftlich"),
    c(
        A(W, Street(1)),
        "Business Street 2",
        "Straße geschäftlich 2",
    ),
    c(
        A(W, Street(2)),
        "Business Street 3",
        "Straße geschäftlich 3",
    ),
    c(A(W, City), "Business City", "Ort geschäftlich"),
    c(A(W, Region), "Business State", "Region geschäftlich"),
    c(
        A(W, Code),
        "Business Postal Code",
        "Postleitzahl geschäftlich",
    ),
    c(
        A(W, Country),
        "Business Country/Region",
        "Land/Region geschäftlich",
    ),
    c(A(H, Street(0)), "Home Street", "Straße privat"),
    c(A(H, Street(1)), "Home Street 2", "Straße privat 2"),
    c(A(H, Street(2)), "Home Street 3", "Straße privat 3"),
    c(A(H, City), "Home City", "Ort privat"),
    c(A(H, Region), "Home State", "Bundesland/Kanton privat"),
    c(A(H, Code), "Home Postal Code", "Postleitzahl privat"),
    c(A(H, Country), "Home Country/Region", "Land/Region privat"),
    c(A(O, Street(0)), "Other Street", "Weitere Straße"),
    c(A(O, Street(1)), "Other Street 2", "Weitere Straße 2"),
    c(A(O, Street(2)), "Other Street 3", "Weitere Straße 3"),
    c(A(O, City), "Other City", "Weiterer Ort"),
    c(A(O, Region), "Other State", "Weiteres/r Bundesland/Kanton"),
    c(A(O, Code), "Other Postal Code", "Weitere Postleitzahl"),
    c(
        A(O, Country),
        "Other Country/Region",
        "Weiteres/e Land/Region",
    ),
    c(Note, "Assistant's Phone", "Telefon Assistent"),
    c(
        Role::Phone(Phone::WorkFax),
        "Business Fax",
        "Fax geschäftlich",
    ),
    c(
        Role::Phone(Phone::Work),
        "Business Phone",
        "Telefon geschäftlich",
    ),
    c(Note, "Business Phone 2", "Telefon geschäftlich 2"),
    c(Note, "Callback", "Rückmeldung"),
    c(Note, "Car Phone", "Autotelefon"),
    c(Note, "Company Main Phone", "Telefon Firma"),
    c(Role::Phone(Phone::HomeFax), "Home Fax", "Fax privat"),
    c(Role::Phone(Phone::Home), "Home Phone", "Telefon privat"),
    c(Note, "Home Phone 2", "Telefon privat 2"),
    c(Note, "ISDN", "ISDN"),
    c(Role::Phone(Phone::Mobile), "Mobile Phone", "Mobiltelefon"),
    c(Note, "Other Fax", "Weiteres Fax"),
    c(Note, "Other Phone", "Weiteres Telefon"),
    c(Note, "Pager", "Pager"),
    c(Note, "Primary Phone", "Haupttelefon"),
    c(Note, "Radio Phone", "Mobiltelefon 2"),
    c(Note, "TTY/TDD Phone", "Telefon für Hörbehinderte"),
    c(Note, "Telex", "Telex"),
    c(Note, "Account", "Konto"),
    c(Role::NoteDate, "Anniversary", "Jahrestag"),
    c(Note, "Assistant's Name", "Name Assistent"),
    c(Note, "Billing Information", "Abrechnungsinformation"),
    c(Role::Birthday, "Birthday", "Geburtstag"),
    c(Note, "Business Address PO Box", "Postfach geschäftlich"),
    c(Note, "Categories", "Kategorien"),
    c(Note, "Children", "Kinder"),
    c(Note, "Directory Server", "Verzeichnisserver"),
    c(Email(0), "E-mail Address", "E-Mail-Adresse"),
    c(NoteUnless(SMTP), "E-mail Type", "E-Mail-Typ"),
    c(
        EmailDisplay(0),
        "E-mail Display Name",
        "E-Mail: Angezeigter Name",
    ),
    c(Email(1), "E-mail 2 Address", "E-Mail 2: Adresse"),
    c(NoteUnless(SMTP), "E-mail 2 Type", "E-Mail 2: Typ"),
    c(
        EmailDisplay(1),
        "E-mail 2 Display Name",
        "E-Mail 2: Angezeigter Name",
    ),
    c(Email(2), "E-mail 3 Address", "E-Mail 3: Adresse"),
    c(NoteUnless(SMTP), "E-mail 3 Type", "E-Mail 3: Typ"),
    c(
        EmailDisplay(2),
        "E-mail 3 Display Name",
        "E-Mail 3: Angezeigter Name",
    ),
    c(NoteUnless(GENDER), "Gender", "Geschlecht"),
    c(Note, "Government ID Number", "Regierungsnr."),
    c(Note, "Hobby", "Hobby"),
    c(Note, "Home Address PO Box", "Postfach privat"),
    c(Role::Initials, "Initials", "Initialen"),
    c(Note, "Internet Free Busy", "Internet-Frei/Gebucht"),
    c(Note, "Keywords", "Stichwörter"),
    c(Note, "Language", "Sprache"),
    c(Note, "Location", "Ort"),
    c(Note, "Manager's Name", "Name des/der Vorgesetzten"),
    c(Note, "Mileage", "Reisekilometer"),
    c(Field(f::NOTES), "Notes", "Notizen"),
    c(Note, "Office Location", "Büro"),
    c(Note, "Organizational ID Number", "Organisationsnr."),
    c(Note, "Other Address PO Box", "Weiteres Postfach"),
    c(NoteUnless(NORMAL), "Priority", "Priorität"),
    c(NoteUnless(FALSE), "Private", "Privat"),
    c(Note, "Profession", "Beruf"),
    c(Note, "Referred By", "Empfohlen von"),
    c(NoteUnless(NORMAL), "Sensitivity", "Vertraulichkeit"),
    c(Note, "Spouse", "Partner"),
    c(Note, "User 1", "Benutzer 1"),
    c(Note, "User 2", "Benutzer 2"),
    c(Note, "User 3", "Benutzer 3"),
    c(Note, "User 4", "Benutzer 4"),
    c(Field(f::WEB), "Web Page", "Webseite"),
];

/// Other spellings: Outlook 2003 in English and German, Outlook.com, older exports.
pub(crate) static OUTLOOK_VARIANTS: &[(&str, Role)] = &[
    ("Business Country", A(W, Country)),
    ("Home Country", A(H, Country)),
    ("Other Country", A(O, Country)),
    ("Business Address", A(W, Street(0))),
    ("Home Address", A(H, Street(0))),
    ("Other Address", A(O, Street(0))),
    ("Given Yomi", Note),
    ("Surname Yomi", Note),
    ("Company Yomi", Note),
    ("IMAddress", Note),
    ("Personal Web Page", Note),
    ("Schools", Note),
    ("Namenszusatz", Note),
    ("Land geschäftlich", A(W, Country)),
    ("Land privat", A(H, Country)),
    ("Weiteres Land", A(O, Country)),
    ("Land/Region privat", A(H, Country)),
    ("PLZ geschäftlich", A(W, Code)),
    ("PLZ privat", A(H, Code)),
    ("Weitere PLZ", A(O, Code)),
    ("Bundesland/Kanton geschäftlich", A(W, Region)),
    ("Bundesland geschäftlich", A(W, Region)),
    ("Region privat", A(H, Region)),
    ("Bundesland privat", A(H, Region)),
    ("Weitere Region", A(O, Region)),
    ("Weiteres Bundesland", A(O, Region)),
    ("E-Mail Adresse", Email(0)),
    ("E-Mail-Anzeigename", EmailDisplay(0)),
    ("E-Mail: Anzeigename", EmailDisplay(0)),
    ("E-Mail 2 Adresse", Email(1)),
    ("E-Mail 2-Adresse", Email(1)),
    ("E-Mail 2: Anzeigename", EmailDisplay(1)),
    ("E-Mail 3 Adresse", Email(2)),
    ("E-Mail 3-Adresse", Email(2)),
    ("E-Mail 3: Anzeigename", EmailDisplay(2)),
    ("E-Mail-Typ 2", NoteUnless(SMTP)),
    ("E-Mail 2-Typ", NoteUnless(SMTP)),
    ("E-Mail 3-Typ", NoteUnless(SMTP)),
    ("Abrechnungsinformationen", Note),
    ("Organisations-Nr.", Note),
    ("Regierungs-Nr.", Note),
    ("Telefon Firma 2", Note),
    ("Geschäftlich: Postfach", Note),
    ("Webseite persönlich", Note),
    ("E-mail 1 Address", Email(0)),
    ("Email Address", Email(0)),
    ("Display Name", Role::Display),
    ("File As", Role::Display),
    ("Speichern unter", Role::Display),
];

/// Google Contacts' own columns, current and legacy; the numbered "Kind N - Part"
/// columns are told apart by `google_pair`.
pub(crate) static GOOGLE: &[(&str, Role)] = &[
    ("First Name", Field(f::FIRST)),
    ("Middle Name", Middle),
    ("Last Name", Field(f::LAST)),
    ("Phonetic First Name", Note),
    ("Phonetic Middle Name", Note),
    ("Phonetic Last Name", Note),
    ("Name Prefix", Note),
    ("Name Suffix", Note),
    ("Nickname", Note),
    ("File As", Role::Display),
    ("Organization Name", Field(f::COMPANY)),
    ("Organization Title", Field(f::TITLE)),
    ("Organization Department", Note),
    ("Birthday", Role::Birthday),
    ("Notes", Field(f::NOTES)),
    ("Photo", Role::Skip),
    ("Labels", Role::Groups),
    // Legacy.
    ("Name", Role::Display),
    ("Given Name", Field(f::FIRST)),
    ("Additional Name", Middle),
    ("Family Name", Field(f::LAST)),
    ("Yomi Name", Note),
    ("Given Name Yomi", Note),
    ("Additional Name Yomi", Note),
    ("Family Name Yomi", Note),
    ("Initials", Role::Initials),
    ("Short Name", Note),
    ("Maiden Name", Note),
    ("Gender", Note),
    ("Occupation", Note),
    ("Subject", Note),
    ("Group Membership", Role::Groups),
];

/// Thunderbird's address book export, English and German.
pub(crate) static THUNDERBIRD: &[Col] = &[
    c(Field(f::FIRST), "First Name", "Vorname"),
    c(Field(f::LAST), "Last Name", "Nachname"),
    c(Role::Display, "Display Name", "Anzeigename"),
    c(Note, "Nickname", "Spitzname"),
    c(Email(0), "Primary Email", "Primäre E-Mail-Adresse"),
    c(Email(1), "Secondary Email", "Sekundäre E-Mail-Adresse"),
    c(Note, "Screen Name", "Messenger-Name"),
    c(Role::Phone(Phone::Work), "Work Phone", "Tel. dienstlich"),
    c(Role::Phone(Phone::Home), "Home Phone", "Tel. privat"),
    c(Role::Phone(Phone::WorkFax), "Fax Number", "Fax-Nummer"),
    c(Note, "Pager Number", "Pager-Nummer"),
    c(
        Role::Phone(Phone::Mobile),
        "Mobile Number",
        "Mobil-Tel.-Nr.",
    ),
    c(A(H, Street(0)), "Home Address", "Privat: Adresse"),
    c(A(H, Street(1)), "Home Address 2", "Privat: Adresse 2"),
    c(A(H, City), "Home City", "Privat: Ort"),
    c(A(H, Region), "Home State", "Privat: Bundesland"),
    c(A(H, Code), "Home ZipCode", "Privat: PLZ"),
    c(A(H, Country), "Home Country", "Privat: Land"),
    c(A(W, Street(0)), "Work Address", "Dienstlich: Adresse"),
    c(A(W, Street(1)), "Work Address 2", "Dienstlich: Adresse 2"),
    c(A(W, City), "Work City", "Dienstlich: Ort"),
    c(A(W, Region), "Work State", "Dienstlich: Bundesland"),
    c(A(W, Code), "Work ZipCode", "Dienstlich: PLZ"),
    c(A(W, Country), "Work Country", "Dienstlich: Land"),
    c(Field(f::TITLE), "Job Title", "Arbeitstitel"),
    c(Note, "Department", "Abteilung"),
    c(Field(f::COMPANY), "Organization", "Organisation"),
    c(Field(f::WEB), "Web Page 1", "Webseite 1"),
    c(Note, "Web Page 2", "Webseite 2"),
    c(BirthPart(0), "Birth Year", "Geburtsjahr"),
    c(BirthPart(1), "Birth Month", "Geburtsmonat"),
    c(BirthPart(2), "Birth Day", "Geburtstag"),
    c(Note, "Custom 1", "Benutzerdef. 1"),
    c(Note, "Custom 2", "Benutzerdef. 2"),
    c(Note, "Custom 3", "Benutzerdef. 3"),
    c(Note, "Custom 4", "Benutzerdef. 4"),
    c(Field(f::NOTES), "Notes", "Notizen"),
];

/// Older Thunderbird spellings.
pub(crate) static THUNDERBIRD_VARIANTS: &[(&str, Role)] = &[
    ("Work ZIP Code", A(W, Code)),
    ("Home ZIP Code", A(H, Code)),
    ("Chat-Name", Note),
    ("Web Page", Field(f::WEB)),
    ("Webseite", Field(f::WEB)),
    ("Geburtstag (Tag)", BirthPart(2)),
];

/// A header as compared: trimmed (a stray BOM too), lower case.
pub(crate) fn norm(header: &str) -> String {
    header
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_lowercase()
}

fn in_cols(cols: &[Col], h: &str) -> Option<Role> {
    cols.iter()
        .find(|c| c.en.eq_ignore_ascii_case(h) || c.de.to_lowercase() == h)
        .map(|c| c.role)
}

fn in_pairs(pairs: &[(&str, Role)], h: &str) -> Option<Role> {
    pairs
        .iter()
        .find(|(n, _)| n.to_lowercase() == h)
        .map(|(_, r)| *r)
}

/// Our own field names and labels (English and German).
pub(crate) fn own(h: &str) -> Option<Role> {
    let fields = SalesContact::DEF.fields;
    let i = fields.iter().position(|fd| {
        fd.name == h || fd.label_en.to_lowercase() == h || fd.label_de.to_lowercase() == h
    })?;
    let name = fields[i].name;
    let index = super::person::field_index(name)?;
    Some(if index == f::BIRTHDAY {
        Role::Birthday
    } else {
        Field(index)
    })
}

/// What a (normalised) header means in a dialect, if the dialect has it.
pub(crate) fn lookup(dialect: Format, h: &str) -> Option<Role> {
    match dialect {
        Format::OutlookCsv => in_cols(OUTLOOK, h).or_else(|| in_pairs(OUTLOOK_VARIANTS, h)),
        Format::GoogleCsv => in_pairs(GOOGLE, h),
        Format::ThunderbirdCsv => {
            in_cols(THUNDERBIRD, h).or_else(|| in_pairs(THUNDERBIRD_VARIANTS, h))
        }
        _ => own(h),
    }
}

/// The kinds of Google's numbered columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Email,
    Phone,
    Address,
    Website,
    Organization,
    Other,
}

/// The parts of Google's numbered columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GPart {
    /// "Label" (current) or "Type" (legacy): decides where the value goes.
    Label,
    Value,
    Addr(Part),
    Name,
    Title,
    Department,
    Other,
}

/// Google's "Kind N - Part" columns: "Phone 1 - Label", "E-mail 2 - Value",
/// "Address 1 - Street", "Organization 1 - Name", ...
pub(crate) fn google_pair(h: &str) -> Option<(Kind, u16, GPart)> {
    let (left, part) = h.split_once(" - ")?;
    let (kind, n) = left.trim().rsplit_once(' ')?;
    let n: u16 = n.parse().ok()?;
    let kind = match kind.trim() {
        "e-mail" | "email" => Kind::Email,
        "phone" => Kind::Phone,
        "address" => Kind::Address,
        "website" => Kind::Website,
        "organization" => Kind::Organization,
        _ => Kind::Other,
    };
    let part = match (kind, part.trim()) {
        (_, "label" | "type") => GPart::Label,
        (_, "value") => GPart::Value,
        (Kind::Address, "street") => GPart::Addr(Part::Street(0)),
        (Kind::Address, "city") => GPart::Addr(Part::City),
        (Kind::Address, "po box") => GPart::Addr(Part::PoBox),
        (Kind::Address, "region") => GPart::Addr(Part::Region),
        (Kind::Address, "postal code") => GPart::Addr(Part::Code),
        (Kind::Address, "country") => GPart::Addr(Part::Country),
        (Kind::Address, "extended address") => GPart::Addr(Part::Extended),
        (Kind::Address, "formatted") => GPart::Addr(Part::Formatted),
        (Kind::Organization, "name") => GPart::Name,
        (Kind::Organization, "title") => GPart::Title,
        (Kind::Organization, "department") => GPart::Department,
        _ => GPart::Other,
    };
    Some((kind, n, part))
}

/// Whether the dialect knows this (normalised) header.
fn knows(dialect: Format, h: &str) -> bool {
    match dialect {
        Format::GoogleCsv => lookup(dialect, h).is_some() || google_pair(h).is_some(),
        _ => lookup(dialect, h).is_some(),
    }
}

const DIALECTS: [Format; 3] = [
    Format::OutlookCsv,
    Format::GoogleCsv,
    Format::ThunderbirdCsv,
];

/// The dialect with the most headers only it has (and none of our own field
/// names or labels), when that is at least two and more than any other's.
pub(crate) fn recognise(headers: &[String]) -> Option<Format> {
    let mut score = [0usize; 3];
    for h in headers {
        let h = norm(h);
        if h.is_empty() || own(&h).is_some() {
            continue;
        }
        let mut which = DIALECTS.iter().enumerate().filter(|(_, d)| knows(**d, &h));
        if let (Some((i, _)), None) = (which.next(), which.next()) {
            score[i] += 1;
        }
    }
    let best = (0..3).max_by_key(|i| score[*i])?;
    let beaten = (0..3).all(|i| i == best || score[i] < score[best]);
    (score[best] >= 2 && beaten).then_some(DIALECTS[best])
}
