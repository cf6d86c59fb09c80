//! Sales contacts as vCards: 3.0 and 4.0 in UTF-8, escaped, folded at 75 octets;
//! 2.1 in windows-1252 with quoted-printable for values that need it, as older
//! Outlook reads them. Lines end in CRLF.

use std::io::Write;

use encoding_rs::WINDOWS_1252;

use super::card::OPT_OUTS;
use crate::io::{IoError, Sink, VcardVersion};
use crate::model::{format_value, Entity, Record, SalesContact, Value};

pub(super) struct VcardSink {
    out: Box<dyn Write + Send>,
    file: String,
    version: VcardVersion,
    buf: Vec<u8>,
}

pub(super) fn sink(out: Box<dyn Write + Send>, file: &str, version: VcardVersion) -> VcardSink {
    VcardSink {
        out,
        file: file.to_string(),
        version,
        buf: Vec::with_capacity(1024),
    }
}

/// A property's value.
enum Val<'a> {
    /// Text: escaped.
    Text(&'a str),
    /// A structured value's components (N, ADR, ORG), each escaped.
    Parts(&'a [&'a str]),
    /// As it is (dates, URIs).
    Raw(&'a str),
}

impl VcardSink {
    fn v21(&self) -> bool {
        self.version == VcardVersion::V21
    }

    /// The name and parameters of a property in this version's notation.
    fn head(&self, v21: &'static str, v30: &'static str, v40: &'static str) -> &'static str {
        match self.version {
            VcardVersion::V21 => v21,
            VcardVersion::V30 => v30,
            VcardVersion::V40 => v40,
        }
    }

    fn prop(&mut self, head: &str, value: Val<'_>) {
        if self.v21() {
            self.prop21(head, value);
            return;
        }
        let value = match value {
            Val::Text(t) => escape(t),
            Val::Parts(parts) => parts
                .iter()
                .map(|p| escape(p))
                .collect::<Vec<_>>()
                .join(";"),
            Val::Raw(r) => r.replace(['\r', '\n'], ""),
        };
        fold(&format!("{head}:{value}"), &mut self.buf);
    }

    /// 2.1: `;` escaped inside components only; quoted-printable (windows-1252,
    /// else UTF-8 for what that code page lacks) for non-ASCII, line breaks and
    /// long values.
    fn prop21(&mut self, head: &str, value: Val<'_>) {
        let value = match value {
            Val::Text(t) => t.replace("\r\n", "\n"),
            Val::Parts(parts) => parts
                .iter()
                .map(|p| p.replace(';', "\\;"))
                .collect::<Vec<_>>()
                .join(";"),
            Val::Raw(r) => r.replace(['\r', '\n'], ""),
        };
        let plain = value.bytes().all(|b| (0x20..0x7f).contains(&b));
        if plain && head.len() + value.len() < 75 {
            self.buf.extend_from_slice(head.as_bytes());
            self.buf.push(b':');
            self.buf.extend_from_slice(value.as_bytes());
            self.buf.extend_from_slice(b"\r\n");
            return;
        }
        let value = value.replace('\n', "\r\n");
        let (bytes, charset) = if value.is_ascii() {
            (value.into_bytes(), "")
        } else {
            match WINDOWS_1252.encode(&value) {
                (bytes, _, false) => (bytes.into_owned(), ";CHARSET=WINDOWS-1252"),
                (_, _, true) => (value.into_bytes(), ";CHARSET=UTF-8"),
            }
        };
        let start = format!("{head}{charset};ENCODING=QUOTED-PRINTABLE:");
        self.buf.extend_from_slice(start.as_bytes());
        qp_encode(&bytes, start.len(), &mut self.buf);
        self.buf.extend_from_slice(b"\r\n");
    }

    fn card(&mut self, r: &dyn Record) {
        let text = |name: &str| -> String {
            match r.def().field(name) {
                Some(fd) => format_value(&fd.kind, &r.value(name)),
                None => String::new(),
            }
            .trim()
            .to_string()
        };
        let (last, first, company) = (text("last_name"), text("first_name"), text("company"));
        self.buf.extend_from_slice(b"BEGIN:VCARD\r\n");
        let version = self.head("2.1", "3.0", "4.0");
        self.prop("VERSION", Val::Raw(version));
        self.prop("PRODID", Val::Raw("-//termcrm//termcrm//EN"));
        self.prop("N", Val::Parts(&[&last, &first, "", "", ""]));
        let full = [first.as_str(), last.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let full = if full.is_empty() {
            company.clone()
        } else {
            full
        };
        self.prop("FN", Val::Text(&full));
        if !company.is_empty() {
            self.prop("ORG", Val::Parts(&[&company]));
        }
        let title = text("title");
        if !title.is_empty() {
            self.prop("TITLE", Val::Text(&title));
        }
        let phones = [
            (
                "phone",
                self.head(
                    "TEL;WORK;VOICE",
                    "TEL;TYPE=WORK,VOICE",
                    "TEL;VALUE=text;TYPE=\"work,voice\"",
                ),
            ),
            (
                "mobile",
                self.head(
                    "TEL;CELL;VOICE",
                    "TEL;TYPE=CELL,VOICE",
                    "TEL;VALUE=text;TYPE=\"cell,voice\"",
                ),
            ),
            (
                "home_phone",
                self.head(
                    "TEL;HOME;VOICE",
                    "TEL;TYPE=HOME,VOICE",
                    "TEL;VALUE=text;TYPE=\"home,voice\"",
                ),
            ),
            (
                "fax",
                self.head(
                    "TEL;WORK;FAX",
                    "TEL;TYPE=WORK,FAX",
                    "TEL;VALUE=text;TYPE=\"work,fax\"",
                ),
            ),
        ];
        for (field, head) in phones {
            let v = text(field);
            if !v.is_empty() {
                self.prop(head, Val::Text(&v));
            }
        }
        let mut first_email = true;
        for field in ["email", "email2", "email3"] {
            let v = text(field);
            if v.is_empty() {
                continue;
            }
            let head = if first_email {
                self.head(
                    "EMAIL;PREF;INTERNET",
                    "EMAIL;TYPE=INTERNET,PREF",
                    "EMAIL;PREF=1",
                )
            } else {
                self.head("EMAIL;INTERNET", "EMAIL;TYPE=INTERNET", "EMAIL")
            };
            first_email = false;
            self.prop(head, Val::Text(&v));
        }
        let web = text("web");
        if !web.is_empty() {
            self.prop("URL", Val::Raw(&web));
        }
        let adr = ["street", "city", "region", "postal_code", "country"].map(text);
        if adr.iter().any(|a| !a.is_empty()) {
            let head = self.head(
                "ADR;WORK;PREF",
                "ADR;TYPE=WORK,PREF",
                "ADR;TYPE=work;PREF=1",
            );
            let parts = ["", "", &adr[0], &adr[1], &adr[2], &adr[3], &adr[4]];
            self.prop(head, Val::Parts(&parts));
        }
        if let Value::Date(d) = r.value("birthday") {
            let notation = self.head("%Y%m%d", "%Y-%m-%d", "%Y%m%d");
            self.prop("BDAY", Val::Raw(&d.format(notation).to_string()));
        }
        let notes = text("notes");
        if !notes.is_empty() {
            self.prop("NOTE", Val::Text(&notes));
        }
        for (name, field) in OPT_OUTS {
            let fname = crate::io::contacts::person::FIELDS[field];
            if r.value(fname) == Value::Bool(true) {
                self.prop(name, Val::Raw("yes"));
            }
        }
        self.buf.extend_from_slice(b"END:VCARD\r\n");
    }
}

/// 3.0/4.0 text escaping.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let text = text.replace("\r\n", "\n");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            c => out.push(c),
        }
    }
    out
}

/// A line folded at 75 octets (never inside a UTF-8 character), CRLF.
pub(super) fn fold(line: &str, out: &mut Vec<u8>) {
    let mut start = 0;
    let mut limit = 75;
    while line.len() - start > limit {
        let mut end = start + limit;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        out.extend_from_slice(&line.as_bytes()[start..end]);
        out.extend_from_slice(b"\r\n ");
        start = end;
        limit = 74;
    }
    out.extend_from_slice(&line.as_bytes()[start..]);
    out.extend_from_slice(b"\r\n");
}

/// Quoted-printable with soft line breaks: lines of at most 76 characters, the
/// first `col` of them taken by the property's name.
pub(super) fn qp_encode(bytes: &[u8], mut col: usize, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for (i, &b) in bytes.iter().enumerate() {
        let last = i + 1 == bytes.len();
        let literal = (b'!'..=b'~').contains(&b) && b != b'=' || (b == b' ' && !last);
        let width = if literal { 1 } else { 3 };
        if col + width > 75 {
            out.extend_from_slice(b"=\r\n");
            col = 0;
        }
        if literal {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'=', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
        col += width;
    }
}

impl Sink for VcardSink {
    fn push(&mut self, record: &dyn Record) -> Result<(), IoError> {
        if record.def().name != SalesContact::DEF.name {
            return Err(IoError::new(
                &self.file,
                format!(
                    "a vCard file holds sales contacts, not {} records",
                    record.def().name
                ),
            ));
        }
        self.buf.clear();
        self.card(record);
        self.out
            .write_all(&self.buf)
            .map_err(|e| IoError::new(&self.file, format!("cannot write the file: {e}")))
    }

    fn finish(mut self: Box<Self>) -> Result<(), IoError> {
        self.out
            .flush()
            .map_err(|e| IoError::new(&self.file, format!("cannot write the file: {e}")))
    }
}
