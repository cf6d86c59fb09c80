//! Outlook desktop (365 English, 2010 German, 2003 German) and Outlook.com.

use super::*;

/// The header Outlook 365 (English) writes on "Export to a file".
pub(super) const OUTLOOK_365_EN: &str = "\"Title\",\"First Name\",\"Middle Name\",\"Last Name\",\"Suffix\",\"Company\",\"Department\",\"Job Title\",\"Business Street\",\"Business Street 2\",\"Business Street 3\",\"Business City\",\"Business State\",\"Business Postal Code\",\"Business Country/Region\",\"Home Street\",\"Home Street 2\",\"Home Street 3\",\"Home City\",\"Home State\",\"Home Postal Code\",\"Home Country/Region\",\"Other Street\",\"Other Street 2\",\"Other Street 3\",\"Other City\",\"Other State\",\"Other Postal Code\",\"Other Country/Region\",\"Assistant's Phone\",\"Business Fax\",\"Business Phone\",\"Business Phone 2\",\"Callback\",\"Car Phone\",\"Company Main Phone\",\"Home Fax\",\"Home Phone\",\"Home Phone 2\",\"ISDN\",\"Mobile Phone\",\"Other Fax\",\"Other Phone\",\"Pager\",\"Primary Phone\",\"Radio Phone\",\"TTY/TDD Phone\",\"Telex\",\"Account\",\"Anniversary\",\"Assistant's Name\",\"Billing Information\",\"Birthday\",\"Business Address PO Box\",\"Categories\",\"Children\",\"Directory Server\",\"E-mail Address\",\"E-mail Type\",\"E-mail Display Name\",\"E-mail 2 Address\",\"E-mail 2 Type\",\"E-mail 2 Display Name\",\"E-mail 3 Address\",\"E-mail 3 Type\",\"E-mail 3 Display Name\",\"Gender\",\"Government ID Number\",\"Hobby\",\"Home Address PO Box\",\"Initials\",\"Internet Free Busy\",\"Keywords\",\"Language\",\"Location\",\"Manager's Name\",\"Mileage\",\"Notes\",\"Office Location\",\"Organizational ID Number\",\"Other Address PO Box\",\"Priority\",\"Private\",\"Profession\",\"Referred By\",\"Sensitivity\",\"Spouse\",\"User 1\",\"User 2\",\"User 3\",\"User 4\",\"Web Page\"";

/// One contact as Outlook 365 writes it: empty columns, "0/0/00" for no
/// anniversary, "Normal" and "False" defaults, generated initials and display
/// name, a quoted multi-line note.
pub(super) const OUTLOOK_365_ROW: &str = "\"Mr.\",\"John\",\"Q.\",\"Smith\",\"Jr.\",\"Acme Corp\",\"Sales\",\"Account Manager\",\"1 Main St\",\"Suite 200\",\"\",\"Springfield\",\"IL\",\"62701\",\"United States of America\",\"5 Elm Rd\",\"\",\"\",\"Shelbyville\",\"IL\",\"62565\",\"United States of America\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"+1 217 555 0199\",\"+1 217 555 0100\",\"+1 217 555 0101\",\"\",\"+1 217 555 0177\",\"\",\"+1 217 555 0288\",\"+1 217 555 0200\",\"\",\"\",\"+1 217 555 0300\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"0/0/00\",\"\",\"\",\"1/31/1980\",\"\",\"Customers;VIP\",\"\",\"\",\"john.smith@acme.example\",\"SMTP\",\"John Smith (john.smith@acme.example)\",\"jsmith@home.example\",\"SMTP\",\"John Smith (jsmith@home.example)\",\"\",\"\",\"\",\"Unspecified\",\"\",\"Golf\",\"\",\"J.Q.S.\",\"\",\"\",\"\",\"\",\"\",\"\",\"Met at the fair.\r\nCall in March.\",\"\",\"\",\"\",\"Normal\",\"False\",\"\",\"\",\"Normal\",\"\",\"\",\"\",\"\",\"\",\"www.acme.example\"";

#[test]
fn an_outlook_365_row_lands_in_its_fields() {
    let s = csv_sheet(&format!("{OUTLOOK_365_EN}\r\n{OUTLOOK_365_ROW}\r\n"), b',');
    assert_eq!(recognise(&s.headers), Some(Format::OutlookCsv));
    let m = map(&s);
    let r = row(&m, 0);
    assert_eq!(r.line, 2);
    assert_eq!(r.get("last_name"), Some("Smith"));
    assert_eq!(r.get("first_name"), Some("John Q."));
    assert_eq!(r.get("title"), Some("Account Manager"));
    assert_eq!(r.get("company"), Some("Acme Corp"));
    assert_eq!(r.get("phone"), Some("+1 217 555 0100"));
    assert_eq!(r.get("mobile"), Some("+1 217 555 0300"));
    assert_eq!(r.get("home_phone"), Some("+1 217 555 0200"));
    assert_eq!(r.get("fax"), Some("+1 217 555 0199"));
    assert_eq!(r.get("email"), Some("john.smith@acme.example"));
    assert_eq!(r.get("email2"), Some("jsmith@home.example"));
    assert_eq!(r.get("email3"), None);
    assert_eq!(r.get("web"), Some("www.acme.example"));
    assert_eq!(r.get("street"), Some("1 Main St, Suite 200"));
    assert_eq!(r.get("postal_code"), Some("62701"));
    assert_eq!(r.get("city"), Some("Springfield"));
    assert_eq!(r.get("region"), Some("IL"));
    assert_eq!(r.get("country"), Some("United States of America"));
    assert_eq!(r.get("birthday"), Some("1980-01-31"));
    let n = notes(r);
    assert_eq!(&n[..2], ["Met at the fair.", "Call in March."]);
    for line in [
        "Title: Mr.",
        "Suffix: Jr.",
        "Department: Sales",
        "Home Street: 5 Elm Rd",
        "Home City: Shelbyville",
        "Home State: IL",
        "Home Postal Code: 62565",
        "Home Country/Region: United States of America",
        "Business Phone 2: +1 217 555 0101",
        "Car Phone: +1 217 555 0177",
        "Home Fax: +1 217 555 0288",
        "Categories: Customers;VIP",
        "Hobby: Golf",
    ] {
        assert!(n.contains(&line), "{line} in {n:?}");
    }
    // Outlook's defaults and generated values are no information.
    let all = n.join("\n");
    for noise in [
        "SMTP",
        "Normal",
        "False",
        "Unspecified",
        "0/0/00",
        "J.Q.S.",
        "(john",
    ] {
        assert!(!all.contains(noise), "{noise} in {all}");
    }
    assert!(m
        .ignored
        .contains(&"Home Street: kept in the notes".to_string()));
    assert!(m.ignored.contains(&"Title: kept in the notes".to_string()));
    assert!(!m.ignored.iter().any(|i| i.starts_with("Gender")));
    assert!(!m.ignored.iter().any(|i| i.starts_with("Telex")));
    assert!(m
        .columns
        .contains(&("E-mail Address".into(), "email".into())));
    assert!(m
        .columns
        .contains(&("Middle Name".into(), "first_name".into())));
    assert!(m.columns.contains(&("Business Fax".into(), "fax".into())));
}

/// German Outlook 2010's export header (the columns that matter here, in its order).
const OUTLOOK_2010_DE: &str = "Anrede;Vorname;Weitere Vornamen;Nachname;Suffix;Firma;Abteilung;Position;Straße geschäftlich;Straße geschäftlich 2;Straße geschäftlich 3;Ort geschäftlich;Region geschäftlich;Postleitzahl geschäftlich;Land/Region geschäftlich;Straße privat;Ort privat;Postleitzahl privat;Land/Region privat;Fax geschäftlich;Telefon geschäftlich;Fax privat;Telefon privat;Mobiltelefon;Jahrestag;Geburtstag;E-Mail-Adresse;E-Mail-Typ;E-Mail: Angezeigter Name;E-Mail 2: Adresse;Geschlecht;Initialen;Notizen;Ort;Priorität;Privat;Vertraulichkeit;Webseite";

#[test]
fn german_outlook_2010_with_german_dates() {
    let text = format!(
        "{OUTLOOK_2010_DE}\r\nFrau;Anna;;Müller;;Müller & Söhne GmbH;Einkauf;Leiterin Einkauf;Hauptstraße 1;Hinterhaus;;Berlin;;10115;Deutschland;;;;;030 1234-99;030 1234-0;;030 555;0171 2345678;0.0.00;31.01.1980;anna@mueller.example;SMTP;Anna Müller (anna@mueller.example);;Unbestimmt;A.M.;Bitte siezen.;Raum 4;Normal;Aus;Normal;www.mueller.example\r\n\
         Herr;Bernd;;Schulz;;;;;;;;;;;;Gartenweg 2;Potsdam;14467;Deutschland;;;033 1111;;;;0.0.00;;;;;;;;;;;;\r\n"
    );
    let s = csv_sheet(&text, b';');
    assert_eq!(recognise(&s.headers), Some(Format::OutlookCsv));
    let m = map(&s);
    let r = row(&m, 0);
    assert_eq!(r.get("last_name"), Some("Müller"));
    assert_eq!(r.get("first_name"), Some("Anna"));
    assert_eq!(r.get("title"), Some("Leiterin Einkauf"));
    assert_eq!(r.get("company"), Some("Müller & Söhne GmbH"));
    assert_eq!(r.get("phone"), Some("030 1234-0"));
    assert_eq!(r.get("fax"), Some("030 1234-99"));
    assert_eq!(r.get("home_phone"), Some("030 555"));
    assert_eq!(r.get("mobile"), Some("0171 2345678"));
    assert_eq!(r.get("street"), Some("Hauptstraße 1, Hinterhaus"));
    assert_eq!(r.get("city"), Some("Berlin"));
    assert_eq!(r.get("postal_code"), Some("10115"));
    assert_eq!(r.get("country"), Some("Deutschland"));
    assert_eq!(r.get("birthday"), Some("1980-01-31"));
    assert_eq!(r.get("web"), Some("www.mueller.example"));
    assert_eq!(
        notes(r),
        [
            "Bitte siezen.",
            "Anrede: Frau",
            "Abteilung: Einkauf",
            "Ort: Raum 4"
        ]
    );
    // No business address: the home address is the one; home fax is the fax.
    let r = row(&m, 1);
    assert_eq!(r.get("street"), Some("Gartenweg 2"));
    assert_eq!(r.get("city"), Some("Potsdam"));
    assert_eq!(r.get("postal_code"), Some("14467"));
    assert_eq!(r.get("fax"), Some("033 1111"));
    assert_eq!(r.get("birthday"), None);
    assert_eq!(notes(r), ["Anrede: Herr"]);
}

#[test]
fn outlook_2003_german_spellings() {
    let s = sheet(
        &[
            "Anrede",
            "Vorname",
            "Nachname",
            "Namenszusatz",
            "Firma",
            "Position",
            "Straße geschäftlich",
            "Ort geschäftlich",
            "PLZ geschäftlich",
            "Land geschäftlich",
            "Telefon geschäftlich",
            "Fax privat",
            "Fax geschäftlich",
            "E-Mail Adresse",
            "E-Mail 2 Adresse",
            "E-Mail 3 Adresse",
            "Geburtstag",
        ],
        &[&[
            "Herr",
            "Jürgen",
            "Weiß",
            "sen.",
            "Weiß KG",
            "Inhaber",
            "Am Markt 3",
            "Köln",
            "50667",
            "Deutschland",
            "0221 100",
            "0221 199",
            "0221 101",
            "jw@weiss.example",
            "juergen@privat.example",
            "j.weiss@verein.example",
            "1.2.1965",
        ]],
    );
    assert_eq!(recognise(&s.headers), Some(Format::OutlookCsv));
    let m = map(&s);
    let r = row(&m, 0);
    assert_eq!(r.get("last_name"), Some("Weiß"));
    assert_eq!(r.get("postal_code"), Some("50667"));
    assert_eq!(r.get("country"), Some("Deutschland"));
    assert_eq!(r.get("fax"), Some("0221 101"));
    assert_eq!(r.get("email3"), Some("j.weiss@verein.example"));
    assert_eq!(r.get("birthday"), Some("1965-02-01"));
    assert_eq!(
        notes(r),
        ["Anrede: Herr", "Namenszusatz: sen.", "Fax privat: 0221 199"]
    );
}

#[test]
fn outlook_com_in_its_own_order() {
    let header = "First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,E-mail Address,E-mail 2 Address,E-mail 3 Address,Home Phone,Home Phone 2,Business Phone,Business Phone 2,Mobile Phone,Car Phone,Other Phone,Primary Phone,Pager,Business Fax,Home Fax,Other Fax,Company Main Phone,Callback,Radio Phone,Telex,TTY/TDD Phone,IMAddress,Job Title,Department,Company,Office Location,Manager's Name,Assistant's Name,Assistant's Phone,Company Yomi,Business Street,Business City,Business State,Business Postal Code,Business Country/Region,Home Street,Home City,Home State,Home Postal Code,Home Country/Region,Other Street,Other City,Other State,Other Postal Code,Other Country/Region,Personal Web Page,Spouse,Schools,Hobby,Location,Web Page,Birthday,Anniversary,Notes";
    let cells = [
        ("First Name", "Mia"),
        ("Last Name", "Lee"),
        ("Nickname", "Mimi"),
        ("E-mail Address", "mia@lee.example"),
        ("Business Phone", "+44 20 7946 0000"),
        ("Mobile Phone", "+44 7700 900123"),
        ("IMAddress", "mia.lee@chat.example"),
        ("Job Title", "CTO"),
        ("Company", "Lee Ltd"),
        ("Business Street", "10 Downing Lane"),
        ("Business City", "London"),
        ("Business Postal Code", "SW1A 2AA"),
        ("Business Country/Region", "United Kingdom"),
        ("Web Page", "lee.example"),
        ("Birthday", "1985-07-04"),
    ];
    let row_text: Vec<&str> = header
        .split(',')
        .map(|h| cells.iter().find(|(c, _)| *c == h).map_or("", |(_, v)| *v))
        .collect();
    let s = csv_sheet(&format!("{header}\n{}\n", row_text.join(",")), b',');
    assert_eq!(recognise(&s.headers), Some(Format::OutlookCsv));
    let m = map(&s);
    let r = row(&m, 0);
    assert_eq!(r.get("first_name"), Some("Mia"));
    assert_eq!(r.get("company"), Some("Lee Ltd"));
    assert_eq!(r.get("title"), Some("CTO"));
    assert_eq!(r.get("phone"), Some("+44 20 7946 0000"));
    assert_eq!(r.get("mobile"), Some("+44 7700 900123"));
    assert_eq!(r.get("city"), Some("London"));
    assert_eq!(r.get("postal_code"), Some("SW1A 2AA"));
    assert_eq!(r.get("web"), Some("lee.example"));
    assert_eq!(r.get("birthday"), Some("1985-07-04"));
    assert_eq!(
        notes(r),
        ["Nickname: Mimi", "IMAddress: mia.lee@chat.example"]
    );
}

#[test]
fn outlook_birthdays_and_their_none() {
    let s = sheet(
        &["Last Name", "E-mail Address", "Birthday", "Anniversary"],
        &[
            &["A", "a@x", "1/31/1980", "6/1/2010"],
            &["B", "b@x", "0.0.00", "1/0/00"],
            &["C", "c@x", "1/0/00", "0.0.00"],
            &["D", "d@x", "31.01.1980", ""],
            &["E", "e@x", "2/30/1980", ""],
        ],
    );
    let m = map(&s);
    assert_eq!(m.rows[0].get("birthday"), Some("1980-01-31"));
    assert_eq!(notes(&m.rows[0]), ["Anniversary: 6/1/2010"]);
    assert_eq!(m.rows[1].get("birthday"), None);
    assert_eq!(m.rows[1].get("notes"), None);
    assert_eq!(m.rows[2].get("birthday"), None);
    assert_eq!(m.rows[3].get("birthday"), Some("1980-01-31"));
    assert_eq!(m.rows[4].get("birthday"), None);
    assert_eq!(notes(&m.rows[4]), ["Birthday: 2/30/1980"]);
}

#[test]
fn a_missing_last_name_comes_from_the_display_name() {
    let s = sheet(
        &["First Name", "Last Name", "Display Name", "E-mail Address"],
        &[
            &["", "", "Maria Garcia Lopez", "m@x"],
            &["Tom", "", "Tom Baker", "t@x"],
            &["", "", "Hill, Ann", "h@x"],
            &["Jo", "Doe", "Jo Doe", "j@x"],
            &["Jo", "Doe", "Dr. Jo Doe", "j@x"],
        ],
    );
    let m = map(&s);
    assert_eq!(m.rows[0].get("last_name"), Some("Lopez"));
    assert_eq!(m.rows[0].get("first_name"), Some("Maria Garcia"));
    assert_eq!(m.rows[1].get("last_name"), Some("Baker"));
    assert_eq!(m.rows[1].get("first_name"), Some("Tom"));
    assert_eq!(m.rows[2].get("last_name"), Some("Hill"));
    assert_eq!(m.rows[2].get("first_name"), Some("Ann"));
    assert_eq!(m.rows[3].get("notes"), None);
    assert_eq!(notes(&m.rows[4]), ["Display Name: Dr. Jo Doe"]);
}

#[test]
fn values_are_trimmed_and_empty_cells_left_out() {
    let s = sheet(
        &["Last Name", "First Name", "Company", "E-mail Address"],
        &[&["  Smith ", "   ", "\tAcme\t", ""]],
    );
    let m = map(&s);
    assert_eq!(
        m.rows[0].values,
        vec![
            ("last_name".to_string(), "Smith".to_string()),
            ("company".to_string(), "Acme".to_string()),
        ]
    );
}

#[test]
fn a_short_row_and_an_unknown_column_lose_nothing() {
    let s = sheet(
        &[
            "Last Name",
            "E-mail Address",
            "Lieblingsfarbe",
            "Business Phone",
        ],
        &[&["Smith", "s@x", "blau"], &["Jones", "j@x", "", "+1 555"]],
    );
    let m = map(&s);
    assert_eq!(notes(&m.rows[0]), ["Lieblingsfarbe: blau"]);
    assert_eq!(m.rows[1].get("phone"), Some("+1 555"));
    assert_eq!(m.ignored, ["Lieblingsfarbe: kept in the notes"]);
}
