//! vCard text into properties: every line-end convention, unfolding,
//! quoted-printable soft line breaks, parameters in each version's notation,
//! per-property charsets, and the escapes of values.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use crate::io::IoError;

/// One physical line: its number (1-based) and its bytes without the line end.
#[derive(Debug, Clone, Copy)]
pub(super) struct Phys<'a> {
    pub line: usize,
    pub text: &'a [u8],
}

/// Splits on CRLF, LF, bare CR and CRCRLF (one line end, as some Windows tools
/// write CRLF twice converted).
pub(super) fn physical(bytes: &[u8]) -> Vec<Phys<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut line = 1;
    while start < bytes.len() {
        let Some(rel) = memchr::memchr2(b'\r', b'\n', &bytes[start..]) else {
            out.push(Phys {
                line,
                text: &bytes[start..],
            });
            break;
        };
        let end = start + rel;
        out.push(Phys {
            line,
            text: &bytes[start..end],
        });
        let rest = &bytes[end..];
        let len = if rest.starts_with(b"\r\r\n") {
            3
        } else if rest.starts_with(b"\r\n") {
            2
        } else {
            1
        };
        start = end + len;
        line += 1;
    }
    out
}

/// A property as written: `group.NAME;params:value`.
#[derive(Debug, Clone)]
pub(super) struct Prop {
    /// Lower case (`item1`).
    pub group: Option<String>,
    /// Upper case.
    pub name: String,
    /// Keys upper case; a bare parameter (2.1's `TEL;CELL`) is a TYPE, a bare
    /// encoding an ENCODING; lists (`TYPE=WORK,VOICE`, `TYPE="work,voice"`) are
    /// one entry per value.
    pub params: Vec<(String, String)>,
    /// The value, decoded (quoted-printable, charset) but not unescaped.
    pub value: String,
}

impl Prop {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    /// The TYPE values, lower case.
    pub fn types(&self) -> Vec<String> {
        self.params
            .iter()
            .filter(|(k, _)| k == "TYPE")
            .map(|(_, v)| v.to_lowercase())
            .collect()
    }
    /// Preferred: TYPE=PREF (2.1, 3.0) or PREF=n (4.0); lower ranks first.
    pub fn pref_rank(&self) -> u8 {
        if let Some(n) = self.param("PREF") {
            return n
                .trim()
                .parse::<u8>()
                .map_or(0, |n| n.saturating_sub(1).min(99));
        }
        if self.types().iter().any(|t| t == "pref") {
            0
        } else {
            100
        }
    }
}

/// Reads logical lines from physical ones, one at a time.
pub(super) struct Reader<'a> {
    lines: Vec<Phys<'a>>,
    next: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            lines: physical(bytes),
            next: 0,
        }
    }

    /// The next non-blank logical line and its first physical line's number:
    /// folded lines (a space or tab first) joined without that character, and a
    /// quoted-printable value's soft line breaks (`=` last) joined as they are.
    pub fn next_line(&mut self) -> Option<(usize, Vec<u8>)> {
        loop {
            let first = *self.lines.get(self.next)?;
            self.next += 1;
            if first.text.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let mut text = first.text.to_vec();
            let mut qp: Option<bool> = None;
            while let Some(next) = self.lines.get(self.next).copied() {
                let is_qp = *qp.get_or_insert_with(|| quoted_printable(&text));
                if is_qp && text.last() == Some(&b'=') && !is_end(next.text) {
                    text.pop();
                    text.extend_from_slice(next.text);
                } else if matches!(next.text.first(), Some(b' ' | b'\t')) {
                    text.extend_from_slice(&next.text[1..]);
                } else {
                    break;
                }
                self.next += 1;
            }
            return Some((first.line, text));
        }
    }
}

fn is_end(text: &[u8]) -> bool {
    text.trim_ascii().eq_ignore_ascii_case(b"END:VCARD")
}

/// Where the name and parameters end: the first colon outside quotes.
fn colon(text: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, b) in text.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

fn quoted_printable(text: &[u8]) -> bool {
    let head = colon(text).map_or(text, |i| &text[..i]);
    head.to_ascii_uppercase()
        .windows(16)
        .any(|w| w == b"QUOTED-PRINTABLE")
}

/// Whether a line is `BEGIN:VCARD` / `END:VCARD`.
pub(super) fn is_marker(text: &[u8], marker: &[u8]) -> bool {
    text.trim_ascii().eq_ignore_ascii_case(marker)
}

/// Splits on `sep` outside double quotes.
fn split_quoted(text: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            out.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out
}

/// A logical line as a property; `None` for a line with no colon (stray base64
/// lines of an unfolded photo) and for base64 values, which are skipped whole.
pub(super) fn parse(
    file: &str,
    line: usize,
    text: &[u8],
    utf8_file: bool,
) -> Result<Option<Prop>, IoError> {
    let Some(at) = colon(text) else {
        return Ok(None);
    };
    let head = String::from_utf8_lossy(&text[..at]);
    let raw = &text[at + 1..];
    let mut parts = split_quoted(&head, ';').into_iter();
    let full = parts.next().unwrap_or("").trim();
    let (group, name) = match full.rsplit_once('.') {
        Some((g, n)) => (Some(g.trim().to_lowercase()), n.trim()),
        None => (None, full),
    };
    if name.is_empty() {
        return Ok(None);
    }
    let mut params = Vec::new();
    for p in parts {
        let (key, values) = match p.split_once('=') {
            Some((k, v)) => (k.trim().to_uppercase(), v),
            None => {
                let bare = p.trim().to_uppercase();
                let key = match bare.as_str() {
                    "QUOTED-PRINTABLE" | "BASE64" | "B" | "8BIT" | "7BIT" => "ENCODING",
                    _ => "TYPE",
                };
                (key.to_string(), p)
            }
        };
        let values = values.trim();
        let inner = values
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(values);
        for v in inner.split(',') {
            let v = v.trim().trim_matches('"').trim();
            if !v.is_empty() {
                params.push((key.clone(), v.to_string()));
            }
        }
    }
    let encoding = params
        .iter()
        .find(|(k, _)| k == "ENCODING")
        .map(|(_, v)| v.to_uppercase());
    let bytes: Cow<'_, [u8]> = match encoding.as_deref() {
        Some("BASE64" | "B") => return Ok(None),
        Some("QUOTED-PRINTABLE" | "QP") => Cow::Owned(qp_decode(raw).ok_or_else(|| {
            IoError::new(
                file,
                format!("{name}: the quoted-printable value has a broken '=' escape"),
            )
            .at_line(line)
        })?),
        _ => Cow::Borrowed(raw),
    };
    let charset = params
        .iter()
        .find(|(k, _)| k == "CHARSET")
        .and_then(|(_, v)| Encoding::for_label(v.as_bytes()));
    let value = decode(&bytes, charset, utf8_file);
    Ok(Some(Prop {
        group,
        name: name.to_uppercase(),
        params,
        value,
    }))
}

/// A value's text: in its CHARSET, else UTF-8 when it is valid UTF-8 (and the
/// file is), else windows-1252.
fn decode(bytes: &[u8], charset: Option<&'static Encoding>, utf8_file: bool) -> String {
    let enc = match charset {
        Some(e) => e,
        None if utf8_file || std::str::from_utf8(bytes).is_ok() => UTF_8,
        None => WINDOWS_1252,
    };
    let (text, bad) = enc.decode_without_bom_handling(bytes);
    if bad && enc == UTF_8 {
        // Claimed UTF-8 that is not: the Windows code page it most likely is.
        return WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned();
    }
    text.into_owned()
}

/// Quoted-printable: `=XX` escapes (either case), `=` at the end (a soft break
/// left over) dropped; `None` for an `=` that starts no escape.
pub(super) fn qp_decode(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        let rest = &raw[i + 1..];
        if rest.iter().all(|b| b.is_ascii_whitespace()) {
            break;
        }
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            rest.first().and_then(|b| hex(*b)),
            rest.get(1).and_then(|b| hex(*b)),
        ) {
            (Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).ok()?);
                i += 3;
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Splits a value on `sep` where it is not escaped, and unescapes each part:
/// `\n` `\N` as a line break, `\,` `\;` `\:` `\\` as the character; any other
/// backslash stays.
pub(super) fn split_unescape(value: &str, sep: Option<char>) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => cur.push('\n'),
                Some(e @ (',' | ';' | ':' | '\\')) => cur.push(e),
                Some(other) => {
                    cur.push('\\');
                    cur.push(other);
                }
                None => cur.push('\\'),
            }
        } else if Some(c) == sep {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// Splits on `sep` where it is not escaped, leaving the escapes in.
pub(super) fn split_raw(value: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            out.push(&value[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&value[start..]);
    out
}

/// A whole value unescaped, with CRLF inside (2.1's quoted-printable `=0D=0A`)
/// as one line break.
pub(super) fn unescape(value: &str) -> String {
    let text = split_unescape(value, None).pop().unwrap_or_default();
    text.replace("\r\n", "\n").replace('\r', "\n")
}
