//! The notation's quirks one by one, the errors, and garbage.

use encoding_rs::WINDOWS_1252;
use proptest::prelude::*;

use super::*;

#[test]
fn every_line_end_reads_the_same() {
    let lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:Smith;Jane;;;",
        "NOTE:a long",
        "  note",
        "TEL;TYPE=CELL:+1 555",
        "END:VCARD",
    ];
    for end in ["\r\n", "\n", "\r", "\r\r\n"] {
        let text = lines.join(end) + end;
        let r = one(&text);
        assert_eq!(r.get("last_name"), Some("Smith"), "{end:?}");
        assert_eq!(r.get("notes"), Some("a long note"), "{end:?}");
        assert_eq!(r.get("mobile"), Some("+1 555"), "{end:?}");
    }
}

#[test]
fn folding_by_space_or_tab_a_bom_and_several_cards() {
    let text = "\u{feff}BEGIN:VCARD\r\nVERSION:3.0\r\nN:Wal\r\n ker;Ann;;;\r\nEMAIL:ann@\r\n\texample.org\r\nEND:VCARD\r\n\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nN:Berg;Ole;;;\r\nEND:VCARD";
    let sheet = read("two.vcf", text.as_bytes()).expect("read");
    assert_eq!(sheet.encoding, "UTF-8");
    assert_eq!(sheet.headers, ["last_name", "first_name", "email"]);
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[0].line, 1);
    assert_eq!(sheet.rows[1].line, 9);
    assert_eq!(sheet.rows[0].cells, ["Walker", "Ann", "ann@example.org"]);
    assert_eq!(sheet.rows[1].cells, ["Berg", "Ole", ""]);
}

#[test]
fn escapes_are_undone() {
    let r = one(&card(&[
        "VERSION:3.0",
        "N:O\\;Neil;Mary\\, Ann;;;",
        "ORG:A\\, B\\; C;Dept\\nTwo",
        "NOTE:one\\ntwo\\Nthree \\\\ back\\:slash \\x stays",
    ]));
    assert_eq!(r.get("last_name"), Some("O;Neil"));
    assert_eq!(r.get("first_name"), Some("Mary, Ann"));
    assert_eq!(r.get("company"), Some("A, B; C"));
    assert_eq!(
        notes(&r),
        [
            "one",
            "two",
            "three \\ back:slash \\x stays",
            "Department: Dept",
            "Two"
        ]
    );
}

#[test]
fn type_parameters_in_every_notation() {
    let r = one(&card(&[
        "VERSION:2.1",
        "N:X;;;;",
        "TEL;CELL:1",
        "TEL;TYPE=WORK;TYPE=FAX:2",
        "TEL;TYPE=\"home,voice\":3",
        "TEL;TYPE=work,voice:4",
        "TEL;PAGER:5",
        "TEL:6",
    ]));
    assert_eq!(r.get("mobile"), Some("1"));
    assert_eq!(r.get("fax"), Some("2"));
    assert_eq!(r.get("home_phone"), Some("3"));
    assert_eq!(r.get("phone"), Some("4"));
    assert_eq!(notes(&r), ["Phone (pager): 5", "Phone: 6"]);
}

#[test]
fn preferred_emails_first_and_only_three() {
    let r = one(&card(&[
        "VERSION:3.0",
        "N:X;;;;",
        "EMAIL:a@x",
        "EMAIL:b@x",
        "EMAIL;TYPE=INTERNET,PREF:c@x",
        "EMAIL:d@x",
        "EMAIL:mailto:e@x",
    ]));
    assert_eq!(r.get("email"), Some("c@x"));
    assert_eq!(r.get("email2"), Some("a@x"));
    assert_eq!(r.get("email3"), Some("b@x"));
    assert_eq!(notes(&r), ["E-mail: d@x", "E-mail: e@x"]);
}

#[test]
fn the_full_name_is_the_fallback() {
    let r = one(&card(&["VERSION:3.0", "FN:Maria de la Cruz"]));
    assert_eq!(r.get("last_name"), Some("Cruz"));
    assert_eq!(r.get("first_name"), Some("Maria de la"));
    let r = one(&card(&[
        "VERSION:3.0",
        "N:;;;;",
        "FN:Acme GmbH",
        "ORG:Acme GmbH",
    ]));
    assert_eq!(r.get("last_name"), Some("Acme GmbH"));
    assert_eq!(r.get("first_name"), None);
    // 3.0's lists in N: given names "John,Paul".
    let r = one(&card(&["VERSION:3.0", "N:Doe;John,Paul;;;"]));
    assert_eq!(r.get("first_name"), Some("John Paul"));
    let r = one(&card(&[
        "VERSION:3.0",
        "N:Doe;John;Paul;Dr.;Jr.",
        "FN:Dr. John Doe",
    ]));
    assert_eq!(r.get("first_name"), Some("John Paul"));
    assert_eq!(notes(&r), ["Prefix: Dr.", "Suffix: Jr."]);
}

#[test]
fn birthdays_in_every_notation() {
    for (bday, want) in [
        ("BDAY:19800131", Some("1980-01-31")),
        ("BDAY:1980-01-31", Some("1980-01-31")),
        ("BDAY:1980-01-31T00:00:00Z", Some("1980-01-31")),
        ("BDAY;VALUE=date:1980-01-31", Some("1980-01-31")),
        ("BDAY:--0131", None),
        ("BDAY:--01-31", None),
    ] {
        let r = one(&card(&["VERSION:4.0", "N:X;;;;", bday]));
        assert_eq!(r.get("birthday"), want, "{bday}");
        if want.is_none() {
            assert_eq!(notes(&r), ["Birthday: --01-31"], "{bday}");
        }
    }
    let r = one(&card(&[
        "VERSION:4.0",
        "N:X;;;;",
        "BDAY;VALUE=text:circa 1800",
    ]));
    assert_eq!(notes(&r), ["Birthday: circa 1800"]);
}

#[test]
fn other_properties_a_user_wrote_go_into_the_notes() {
    let r = one(&card(&[
        "VERSION:3.0",
        "UID:123",
        "REV:2024",
        "PRODID:-//x//y",
        "N:X;;;;",
        "ROLE:Buyer",
        "X-SKYPE:x.skype",
        "IMPP:xmpp:x@jabber.example",
        "GENDER:F;",
        "KEY;ENCODING=b:QUJDREVG",
        "SOUND;VALUE=uri:http://x/y.wav",
        "LOGO;ENCODING=BASE64:QUJD",
    ]));
    assert_eq!(
        notes(&r),
        [
            "Role: Buyer",
            "X-SKYPE: x.skype",
            "IM: xmpp:x@jabber.example",
            "Gender: F"
        ]
    );
}

#[test]
fn charsets_and_the_files_default() {
    // No CHARSET: UTF-8 when the file is valid UTF-8 ...
    let r = one(&card(&["VERSION:2.1", "N:Jürgens;Björn"]));
    assert_eq!(r.get("last_name"), Some("Jürgens"));
    // ... else windows-1252; ISO-8859-1 by name.
    let text = card(&[
        "VERSION:2.1",
        "N:Jürgens;Björn",
        "NOTE;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Gr=FC=DFe",
        "TITLE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gesch=C3=A4ftsf=C3=BChrer",
    ]);
    let (bytes, _, _) = WINDOWS_1252.encode(&text);
    let rows = cards(&bytes);
    assert_eq!(rows[0].get("last_name"), Some("Jürgens"));
    assert_eq!(rows[0].get("first_name"), Some("Björn"));
    assert_eq!(rows[0].get("notes"), Some("Grüße"));
    assert_eq!(rows[0].get("title"), Some("Geschäftsführer"));
    // UTF-16 with a BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in card(&["VERSION:3.0", "N:Øster;Åse;;;"]).encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let sheet = read("u16.vcf", &utf16).expect("read");
    assert_eq!(sheet.encoding, "UTF-16LE");
    assert_eq!(sheet.rows[0].cells[0], "Øster");
}

#[test]
fn errors_name_the_file_and_line() {
    let e = read("a.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:X;;;;\r\n").expect_err("no end");
    assert_eq!((e.file.as_str(), e.line), ("a.vcf", Some(1)));
    assert!(e.message.contains("END:VCARD"), "{}", e.message);
    let two = "BEGIN:VCARD\r\nN:A;;;;\r\nEND:VCARD\r\nBEGIN:VCARD\r\nN:B;;;;\r\nBEGIN:VCARD\r\nN:C;;;;\r\nEND:VCARD\r\n";
    let e = read("b.vcf", two.as_bytes()).expect_err("nested");
    assert_eq!(e.line, Some(4));
    let e = read("c.vcf", b"Name,E-mail\r\nx,y\r\n").expect_err("no vcard");
    assert_eq!(e.file, "c.vcf");
    assert!(e.message.contains("no vCard"), "{}", e.message);
    let e = read("d.vcf", b"").expect_err("empty");
    assert!(e.message.contains("no vCard"));
    let bad = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:X;;;;\r\nNOTE;ENCODING=QUOTED-PRINTABLE:bad =ZZ escape\r\nEND:VCARD\r\n";
    let e = read("e.vcf", bad.as_bytes()).expect_err("bad qp");
    assert_eq!((e.file.as_str(), e.line), ("e.vcf", Some(4)));
    assert!(e.message.contains("quoted-printable"), "{}", e.message);
}

#[test]
fn lines_outside_cards_and_without_colons_are_passed_over() {
    let text = "junk before\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nN:X;;;;\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n/9j/4AAQSkZJRgABAQ\r\nAAAQABAAD\r\n\r\nEND:VCARD\r\nEND:VCARD\r\ntrailing";
    let r = one(text);
    assert_eq!(r.get("last_name"), Some("X"));
    assert_eq!(r.get("notes"), None);
}

#[test]
fn a_trailing_soft_break_before_the_end_is_no_error() {
    let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:X;;;;\r\nNOTE;ENCODING=QUOTED-PRINTABLE:abc=\r\nEND:VCARD\r\n";
    let r = one(text);
    assert_eq!(r.get("notes"), Some("abc"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = read("g.vcf", &bytes);
    }

    #[test]
    fn card_shaped_garbage_never_panics(
        body in proptest::collection::vec(
            prop_oneof![
                Just("N:".to_string()),
                Just(";".to_string()),
                Just(":".to_string()),
                Just("=".to_string()),
                Just("\\".to_string()),
                Just("\"".to_string()),
                Just("\r\n".to_string()),
                Just("\r\n ".to_string()),
                Just("TEL;TYPE=".to_string()),
                Just("ADR:".to_string()),
                Just("BDAY:".to_string()),
                Just("item1.".to_string()),
                Just("X-ABLabel:".to_string()),
                Just(";ENCODING=QUOTED-PRINTABLE:".to_string()),
                Just(";CHARSET=".to_string()),
                Just("--".to_string()),
                "[a-z0-9ü ]{0,6}",
            ],
            0..60,
        )
    ) {
        let text = format!("BEGIN:VCARD\r\n{}\r\nEND:VCARD\r\n", body.concat());
        if let Ok(sheet) = read("g.vcf", text.as_bytes()) {
            let _ = contacts::map(&sheet);
        }
    }
}
