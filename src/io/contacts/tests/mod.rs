//! Tests of the address books' CSV dialects, with files built from what each
//! writer is known to produce.

use super::person::FIELDS;
use super::*;
use crate::io::{Mapped, MappedRow, SheetRow};
use crate::model::{Entity, SalesContact};

pub(crate) mod export;
mod google;
mod outlook;
mod thunderbird;

/// A sheet parsed from CSV text with the csv crate (header first).
pub(super) fn csv_sheet(text: &str, delimiter: u8) -> Sheet {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records().map(|r| r.expect("csv"));
    let headers: Vec<String> = records
        .next()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    let rows = records
        .enumerate()
        .map(|(i, r)| SheetRow {
            line: i + 2,
            cells: r.iter().take(headers.len()).map(String::from).collect(),
        })
        .collect();
    Sheet {
        format: None,
        encoding: "UTF-8",
        delimiter: Some(delimiter),
        headers,
        rows,
    }
}

/// A sheet of the given headers and rows.
pub(super) fn sheet(headers: &[&str], rows: &[&[&str]]) -> Sheet {
    crate::io::test_sheet(headers, rows)
}

pub(super) fn row(m: &Mapped, i: usize) -> &MappedRow {
    &m.rows[i]
}

pub(super) fn notes(r: &MappedRow) -> Vec<&str> {
    r.get("notes").map_or(Vec::new(), |n| n.lines().collect())
}

fn headers(list: &[&str]) -> Vec<String> {
    list.iter().map(|h| h.to_string()).collect()
}

#[test]
fn the_field_list_is_the_schemas() {
    let names: Vec<&str> = SalesContact::DEF.fields.iter().map(|f| f.name).collect();
    assert_eq!(names, FIELDS);
}

#[test]
fn each_dialect_is_recognised_and_our_own_csv_is_none() {
    let outlook = headers(&[
        "Title",
        "First Name",
        "Middle Name",
        "Last Name",
        "Company",
        "Job Title",
        "Business Street",
        "Business Phone",
        "Mobile Phone",
        "E-mail Address",
    ]);
    assert_eq!(recognise(&outlook), Some(Format::OutlookCsv));
    let german = headers(&[
        "Anrede",
        "Vorname",
        "Nachname",
        "Firma",
        "Position",
        "Straße geschäftlich",
        "Telefon geschäftlich",
        "E-Mail-Adresse",
    ]);
    assert_eq!(recognise(&german), Some(Format::OutlookCsv));
    let google = headers(&[
        "First Name",
        "Last Name",
        "Organization Name",
        "E-mail 1 - Label",
        "E-mail 1 - Value",
        "Phone 1 - Label",
        "Phone 1 - Value",
        "Address 1 - Street",
    ]);
    assert_eq!(recognise(&google), Some(Format::GoogleCsv));
    let legacy = headers(&[
        "Name",
        "Given Name",
        "Family Name",
        "Billing Information",
        "Location",
        "E-mail 1 - Type",
        "E-mail 1 - Value",
        "Organization 1 - Name",
    ]);
    assert_eq!(recognise(&legacy), Some(Format::GoogleCsv));
    let thunderbird = headers(&[
        "First Name",
        "Last Name",
        "Display Name",
        "Primary Email",
        "Work Phone",
        "Mobile Number",
        "Work ZipCode",
        "Birth Year",
        "Web Page 1",
    ]);
    assert_eq!(recognise(&thunderbird), Some(Format::ThunderbirdCsv));
    let tb_de = headers(&[
        " Vorname ",
        "Nachname",
        "Primäre E-Mail-Adresse",
        "Tel. dienstlich",
        "Mobil-Tel.-Nr.",
        "Dienstlich: PLZ",
        "Geburtsjahr",
    ]);
    assert_eq!(recognise(&tb_de), Some(Format::ThunderbirdCsv));
    // Upper case and stray spaces do not matter.
    let shouting = headers(&["  E-MAIL ADDRESS ", "BUSINESS PHONE", "job title"]);
    assert_eq!(recognise(&shouting), Some(Format::OutlookCsv));
    // Our own export: field names, or labels (some of which Outlook shares).
    let own = headers(&["last_name", "first_name", "company", "phone", "email"]);
    assert_eq!(recognise(&own), None);
    let labels = headers(&["Last name", "First name", "Home phone", "Web page", "Notes"]);
    assert_eq!(recognise(&labels), None);
    assert_eq!(recognise(&[]), None);
}

#[test]
fn our_own_field_names_map_as_they_are() {
    let s = sheet(
        &["last_name", "first_name", "birthday", "notes"],
        &[&[" Smith ", "", "1980-01-31", "a\nb"]],
    );
    let m = map(&s);
    assert_eq!(
        m.rows[0].values,
        vec![
            ("last_name".to_string(), "Smith".to_string()),
            ("birthday".to_string(), "1980-01-31".to_string()),
            ("notes".to_string(), "a\nb".to_string()),
        ]
    );
    assert!(m.ignored.is_empty());
    assert_eq!(m.columns.len(), 4);
}

#[test]
fn a_vcard_sheet_maps_as_it_is() {
    let mut s = sheet(&["last_name", "email"], &[&["Smith", "j@x.de"]]);
    s.format = Some(Format::Vcard);
    let m = map(&s);
    assert_eq!(m.rows[0].get("email"), Some("j@x.de"));
    assert_eq!(m.rows[0].line, 2);
}

#[test]
fn garbage_never_panics() {
    let weird = [
        "",
        " ",
        "\u{feff}",
        "Phone - Value",
        "Phone x - Value",
        "E-mail 99999999 - Value",
        " - ",
        "Birth Year",
        "Birth Day",
        "ß",
    ];
    let s = sheet(
        &weird,
        &[
            &["x", "y", "z", "1", "2", "3", "4", "abc", "99", "ü"],
            &[],
            &["'", "'=", "--", "::: :::", "* ", "0.0.00", "", "1980", "31"],
        ],
    );
    let m = map(&s);
    assert_eq!(m.rows.len(), 3);
}
