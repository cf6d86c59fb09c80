//! Thunderbird's address book CSV in English and German.

use super::*;

const TB_EN: &str = "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,Home City,Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,Work State,Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,Web Page 2,Birth Year,Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes";

#[test]
fn thunderbird_english_with_birthday_parts() {
    let text = format!(
        "{TB_EN}\r\n\
         Sara,Nilsson,Sara Nilsson,,sara@nilsson.example,sara.n@mail.example,,+46 8 123,+46 8 456,+46 8 129,,+46 70 111,Björkvägen 2,,Uppsala,,75220,Sweden,,,,,,,Engineer,R&D,Nilsson AB,https://nilsson.example,https://blog.example,1990,4,7,Badminton,,,,\"Two\r\nlines\"\r\n\
         Ola,Berg,,,ola@berg.example,,,,,,,,,,,,,,,,,,,,,,,,,,12,24,,,,,\r\n"
    );
    let s = csv_sheet(&text, b',');
    assert_eq!(recognise(&s.headers), Some(Format::ThunderbirdCsv));
    let m = map(&s);
    let r = &m.rows[0];
    assert_eq!(r.get("first_name"), Some("Sara"));
    assert_eq!(r.get("last_name"), Some("Nilsson"));
    assert_eq!(r.get("email"), Some("sara@nilsson.example"));
    assert_eq!(r.get("email2"), Some("sara.n@mail.example"));
    assert_eq!(r.get("phone"), Some("+46 8 123"));
    assert_eq!(r.get("home_phone"), Some("+46 8 456"));
    assert_eq!(r.get("fax"), Some("+46 8 129"));
    assert_eq!(r.get("mobile"), Some("+46 70 111"));
    assert_eq!(r.get("street"), Some("Björkvägen 2"));
    assert_eq!(r.get("city"), Some("Uppsala"));
    assert_eq!(r.get("postal_code"), Some("75220"));
    assert_eq!(r.get("country"), Some("Sweden"));
    assert_eq!(r.get("title"), Some("Engineer"));
    assert_eq!(r.get("company"), Some("Nilsson AB"));
    assert_eq!(r.get("web"), Some("https://nilsson.example"));
    assert_eq!(r.get("birthday"), Some("1990-04-07"));
    assert_eq!(
        notes(r),
        [
            "Two",
            "lines",
            "Department: R&D",
            "Web Page 2: https://blog.example",
            "Custom 1: Badminton"
        ]
    );
    // Month and day without a year: kept in the notes.
    let r = &m.rows[1];
    assert_eq!(r.get("birthday"), None);
    assert_eq!(notes(r), ["Birth Day: --12-24"]);
}

#[test]
fn thunderbird_german_headers() {
    let s = sheet(
        &[
            "Vorname",
            "Nachname",
            "Anzeigename",
            "Primäre E-Mail-Adresse",
            "Sekundäre E-Mail-Adresse",
            "Tel. dienstlich",
            "Tel. privat",
            "Fax-Nummer",
            "Mobil-Tel.-Nr.",
            "Privat: Adresse",
            "Privat: Ort",
            "Privat: PLZ",
            "Dienstlich: Adresse",
            "Dienstlich: Adresse 2",
            "Dienstlich: Ort",
            "Dienstlich: Bundesland",
            "Dienstlich: PLZ",
            "Dienstlich: Land",
            "Arbeitstitel",
            "Abteilung",
            "Organisation",
            "Webseite 1",
            "Geburtsjahr",
            "Geburtsmonat",
            "Geburtstag",
            "Notizen",
        ],
        &[&[
            "Klaus",
            "Becker",
            "Klaus Becker",
            "k.becker@firma.example",
            "",
            "0711 100",
            "0711 200",
            "0711 109",
            "0160 1234",
            "Lindenallee 5",
            "Esslingen",
            "73728",
            "Industriestr. 10",
            "Halle 3",
            "Stuttgart",
            "Baden-Württemberg",
            "70565",
            "Deutschland",
            "Einkäufer",
            "Beschaffung",
            "Becker Maschinenbau",
            "becker.example",
            "1968",
            "11",
            "3",
            "",
        ]],
    );
    assert_eq!(recognise(&s.headers), Some(Format::ThunderbirdCsv));
    let m = map(&s);
    let r = &m.rows[0];
    assert_eq!(r.get("email"), Some("k.becker@firma.example"));
    assert_eq!(r.get("phone"), Some("0711 100"));
    assert_eq!(r.get("home_phone"), Some("0711 200"));
    assert_eq!(r.get("fax"), Some("0711 109"));
    assert_eq!(r.get("mobile"), Some("0160 1234"));
    assert_eq!(r.get("street"), Some("Industriestr. 10, Halle 3"));
    assert_eq!(r.get("city"), Some("Stuttgart"));
    assert_eq!(r.get("region"), Some("Baden-Württemberg"));
    assert_eq!(r.get("postal_code"), Some("70565"));
    assert_eq!(r.get("country"), Some("Deutschland"));
    assert_eq!(r.get("title"), Some("Einkäufer"));
    assert_eq!(r.get("company"), Some("Becker Maschinenbau"));
    assert_eq!(r.get("web"), Some("becker.example"));
    // "Geburtstag" is the day of the month here, not a date as in Outlook.
    assert_eq!(r.get("birthday"), Some("1968-11-03"));
    assert_eq!(
        notes(r),
        [
            "Abteilung: Beschaffung",
            "Privat: Adresse: Lindenallee 5",
            "Privat: Ort: Esslingen",
            "Privat: PLZ: 73728",
        ]
    );
}

#[test]
fn thunderbird_broken_birthday_parts_are_kept() {
    let s = sheet(
        &[
            "Primary Email",
            "Last Name",
            "Birth Year",
            "Birth Month",
            "Birth Day",
            "Work Phone",
        ],
        &[&["x@y", "Z", "1980", "13", "1", ""]],
    );
    let m = map(&s);
    assert_eq!(m.rows[0].get("birthday"), None);
    assert_eq!(
        notes(&m.rows[0]),
        ["Birth Year: 1980", "Birth Month: 13", "Birth Day: 1"]
    );
}
