//! vCard tests: each writer's cards as they are known to look, every quirk of
//! the notation, errors, the sink and round trips.

use super::*;
use crate::io::contacts;
use crate::io::MappedRow;

mod quirks;
mod roundtrip;
mod writers;

/// The cards of a file as mapped rows.
pub(super) fn cards(bytes: &[u8]) -> Vec<MappedRow> {
    let sheet = read("test.vcf", bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sheet.format, Some(Format::Vcard));
    for r in &sheet.rows {
        assert_eq!(r.cells.len(), sheet.headers.len());
    }
    contacts::map(&sheet).rows
}

pub(super) fn one(text: &str) -> MappedRow {
    let mut rows = cards(text.as_bytes());
    assert_eq!(rows.len(), 1);
    rows.remove(0)
}

pub(super) fn notes(r: &MappedRow) -> Vec<&str> {
    r.get("notes").map_or(Vec::new(), |n| n.lines().collect())
}

/// A card from lines, CRLF-terminated.
pub(super) fn card(lines: &[&str]) -> String {
    let mut s = String::from("BEGIN:VCARD\r\n");
    for l in lines {
        s.push_str(l);
        s.push_str("\r\n");
    }
    s.push_str("END:VCARD\r\n");
    s
}
