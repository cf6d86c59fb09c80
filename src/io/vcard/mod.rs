//! vCard 2.1, 3.0 and 4.0: reading into a sheet of sales-contact fields, and
//! writing contacts.
//!
//! `lines` turns the bytes into properties (line ends, unfolding,
//! quoted-printable, charsets, parameters, escapes), `card` one card's properties
//! into a contact through the same gathering as the address books' CSV
//! (`contacts::person`), `write` the sink.

use std::borrow::Cow;
use std::io::Write;

use encoding_rs::{UTF_16BE, UTF_16LE};

use super::contacts::person::FIELDS;
use super::{Format, IoError, Sheet, SheetRow, Sink, VcardVersion};

mod card;
mod lines;
mod write;

#[cfg(test)]
mod tests;

/// Reads a vCard file (raw bytes: a 2.1 card may name its own CHARSET). The
/// sheet's headers are the sales-contact field names the cards use; each card
/// is a row whose line is its BEGIN:VCARD line.
pub fn read(file: &str, bytes: &[u8]) -> Result<Sheet, IoError> {
    let (bytes, encoding): (Cow<'_, [u8]>, &'static str) = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => (Cow::Borrowed(rest), "UTF-8"),
        [0xFF, 0xFE, rest @ ..] => (
            Cow::Owned(
                UTF_16LE
                    .decode_without_bom_handling(rest)
                    .0
                    .into_owned()
                    .into_bytes(),
            ),
            "UTF-16LE",
        ),
        [0xFE, 0xFF, rest @ ..] => (
            Cow::Owned(
                UTF_16BE
                    .decode_without_bom_handling(rest)
                    .0
                    .into_owned()
                    .into_bytes(),
            ),
            "UTF-16BE",
        ),
        _ => (Cow::Borrowed(bytes), ""),
    };
    let utf8 = std::str::from_utf8(&bytes).is_ok();
    let encoding = match (encoding, utf8) {
        ("", true) => "UTF-8",
        ("", false) => "windows-1252",
        (e, _) => e,
    };
    let mut reader = lines::Reader::new(&bytes);
    let mut cards: Vec<(usize, Vec<(String, String)>)> = Vec::new();
    let mut current: Option<(usize, Vec<lines::Prop>)> = None;
    let unended =
        |start: usize| IoError::new(file, "this vCard has no END:VCARD line").at_line(start);
    while let Some((line, text)) = reader.next_line() {
        if lines::is_marker(&text, b"BEGIN:VCARD") {
            if let Some((start, _)) = current {
                return Err(unended(start));
            }
            current = Some((line, Vec::new()));
        } else if lines::is_marker(&text, b"END:VCARD") {
            if let Some((start, props)) = current.take() {
                cards.push((start, card::contact(&props)));
            }
        } else if let Some((_, props)) = current.as_mut() {
            if let Some(prop) = lines::parse(file, line, &text, utf8)? {
                props.push(prop);
            }
        }
    }
    if let Some((start, _)) = current {
        return Err(unended(start));
    }
    if cards.is_empty() {
        return Err(IoError::new(
            file,
            "the file holds no vCard (no BEGIN:VCARD line)",
        ));
    }
    let headers: Vec<&str> = FIELDS
        .iter()
        .copied()
        .filter(|f| cards.iter().any(|(_, v)| v.iter().any(|(g, _)| g == f)))
        .collect();
    let rows = cards
        .into_iter()
        .map(|(line, values)| SheetRow {
            line,
            cells: headers
                .iter()
                .map(|h| {
                    values
                        .iter()
                        .find(|(f, _)| f == h)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect();
    Ok(Sheet {
        format: Some(Format::Vcard),
        encoding,
        delimiter: None,
        headers: headers.into_iter().map(String::from).collect(),
        rows,
    })
}

/// Writes sales contacts as vCards of `version`; a record of another entity is
/// refused.
pub fn sink(out: Box<dyn Write + Send>, file: &str, version: VcardVersion) -> Box<dyn Sink> {
    Box::new(write::sink(out, file, version))
}
