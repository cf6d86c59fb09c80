//! The sink: what it writes in each version, and contacts → vCard → read → map
//! giving the same field values.

use encoding_rs::WINDOWS_1252;

use super::*;
use crate::io::contacts::tests::export::{samples, values, Shared};
use crate::model::Customer;

fn write(version: VcardVersion) -> Vec<u8> {
    let out = Shared::default();
    let mut s = sink(Box::new(out.clone()), "out.vcf", version);
    for c in samples() {
        s.push(&c).expect("push");
    }
    s.finish().expect("finish");
    out.bytes()
}

/// Our opt-outs are written only when set: "no" reads back as nothing.
fn set(values: Vec<(String, String)>) -> Vec<(String, String)> {
    values
        .into_iter()
        .filter(|(f, v)| !(f.starts_with("no_") && v == "no"))
        .collect()
}

fn round_trip(version: VcardVersion) {
    let bytes = write(version);
    let rows = cards(&bytes);
    assert_eq!(rows.len(), 4);
    for (row, c) in rows.iter().zip(samples()) {
        assert_eq!(row.values, set(values(&c)), "{version:?}");
    }
}

#[test]
fn contacts_round_trip_through_vcard_30() {
    round_trip(VcardVersion::V30);
}

#[test]
fn contacts_round_trip_through_vcard_40() {
    round_trip(VcardVersion::V40);
}

#[test]
fn contacts_round_trip_through_vcard_21() {
    round_trip(VcardVersion::V21);
}

/// Every line ends in CRLF and (3.0, 4.0) holds at most 75 octets.
fn check_lines(bytes: &[u8], limit: usize) {
    assert!(bytes.ends_with(b"\r\n"));
    for line in bytes.split(|b| *b == b'\n') {
        if line.is_empty() {
            continue;
        }
        assert_eq!(
            line.last(),
            Some(&b'\r'),
            "{:?}",
            String::from_utf8_lossy(line)
        );
        assert!(!line[..line.len() - 1].contains(&b'\r'));
        assert!(
            line.len() - 1 <= limit,
            "{} octets: {:?}",
            line.len() - 1,
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn vcard_30_is_utf8_escaped_and_folded() {
    let bytes = write(VcardVersion::V30);
    check_lines(&bytes, 75);
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.contains("\r\n "), "long lines are folded");
    let text = text.replace("\r\n ", "");
    assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"));
    assert!(text.contains("\r\nN:Müller;Anna Maria;;;\r\n"));
    assert!(text.contains("\r\nORG:Müller & Söhne\\; GmbH\\, Berlin\r\n"));
    assert!(text.contains("\r\nTEL;TYPE=CELL,VOICE:0171 2345678\r\n"));
    assert!(text.contains("\r\nTEL;TYPE=WORK,FAX:+49 30 1234-99\r\n"));
    assert!(text.contains("\r\nEMAIL;TYPE=INTERNET,PREF:anna@mueller.example\r\n"));
    assert!(text.contains(
        "\r\nADR;TYPE=WORK,PREF:;;Hauptstraße 1\\, Hinterhaus;Berlin;BE;10115;Deutschland\r\n"
    ));
    assert!(text.contains("\r\nBDAY:1980-01-31\r\n"));
    assert!(text.contains(
        "\r\nNOTE:Erste Zeile\\nZweite: mit Doppelpunkt\\; Semikolon\\, Komma \\\\ Backslash\\n"
    ));
    assert!(text.contains("\r\nX-TERMCRM-NO-PROMOTIONS:yes\r\n"));
    assert!(!text.contains("X-TERMCRM-NO-CALLS:yes\r\nX-TERMCRM-NO-EMAIL"));
    assert_eq!(text.matches("BEGIN:VCARD").count(), 4);
}

#[test]
fn vcard_40_notation() {
    let bytes = write(VcardVersion::V40);
    check_lines(&bytes, 75);
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.contains("\r\nVERSION:4.0\r\n"));
    assert!(text.contains("\r\nTEL;VALUE=text;TYPE=\"work,voice\":+49 30 1234-0\r\n"));
    assert!(text.contains("\r\nEMAIL;PREF=1:anna@mueller.example\r\n"));
    assert!(text.contains("\r\nBDAY:19800131\r\n"));
}

#[test]
fn vcard_21_is_windows_1252_with_quoted_printable() {
    let bytes = write(VcardVersion::V21);
    check_lines(&bytes, 76);
    let text = WINDOWS_1252
        .decode_without_bom_handling(&bytes)
        .0
        .into_owned();
    assert!(text.contains("\r\nVERSION:2.1\r\n"));
    assert!(text.contains(
        "\r\nN;CHARSET=WINDOWS-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;Anna Maria;;;\r\n"
    ));
    assert!(text.contains("\r\nTEL;WORK;VOICE:+49 30 1234-0\r\n"));
    assert!(text.contains("\r\nEMAIL;PREF;INTERNET:anna@mueller.example\r\n"));
    assert!(text.contains("\r\nBDAY:19800131\r\n"));
    // ASCII with line breaks: quoted-printable without a charset.
    assert!(text.contains("\r\nNOTE;ENCODING=QUOTED-PRINTABLE:Erste Zeile=0D=0AZweite"));
    // What windows-1252 cannot hold goes as UTF-8.
    assert!(
        text.contains("\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Kowalski;=C5=81ukasz;;;\r\n")
    );
    assert!(text.contains("=\r\n"), "soft line breaks");
    // Nothing but ASCII in the file: every other byte is quoted.
    assert!(bytes.iter().all(|b| b.is_ascii()));
}

#[test]
fn a_vcard_of_another_entity_is_refused() {
    let mut s = sink(Box::new(Shared::default()), "out.vcf", VcardVersion::V30);
    let e = s.push(&Customer::default()).expect_err("a customer");
    assert_eq!(e.file, "out.vcf");
    assert!(e.message.contains("customer"), "{}", e.message);
}
