//! Text encodings of imported files: BOM sniffing, strict UTF-8, UTF-16 without a
//! BOM, else windows-1252.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::IoError;

/// How many bytes the UTF-16 sniff and the control-byte count look at.
const SNIFF_BYTES: usize = 4096;
const CONTROL_SAMPLE: usize = 64 * 1024;

/// Decodes a whole file; `forced` is an encoding label that overrides detection.
/// Returns the text and the encoding's name.
pub fn decode(
    file: &str,
    bytes: &[u8],
    forced: Option<&str>,
) -> Result<(String, &'static str), IoError> {
    decode_cow(file, Cow::Borrowed(bytes), forced)
}

/// `decode` of bytes it may keep: valid UTF-8 without a BOM becomes the text
/// without a copy.
pub fn decode_owned(
    file: &str,
    bytes: Vec<u8>,
    forced: Option<&str>,
) -> Result<(String, &'static str), IoError> {
    decode_cow(file, Cow::Owned(bytes), forced)
}

fn decode_cow(
    file: &str,
    bytes: Cow<'_, [u8]>,
    forced: Option<&str>,
) -> Result<(String, &'static str), IoError> {
    if let Some(label) = forced {
        return decode_forced(file, &bytes, label);
    }
    if let Some((encoding, bom)) = marked(&bytes) {
        let body = bytes.get(bom..).unwrap_or_default();
        check_binary(file, body, bom, encoding)?;
        let (text, _) = encoding.decode_without_bom_handling(body);
        return Ok((text.into_owned(), encoding.name()));
    }
    check_binary(file, &bytes, 0, UTF_8)?;
    let bytes = match bytes {
        Cow::Owned(vec) => match String::from_utf8(vec) {
            Ok(text) => return Ok((text, UTF_8.name())),
            Err(e) => Cow::Owned(e.into_bytes()),
        },
        Cow::Borrowed(slice) => match std::str::from_utf8(slice) {
            Ok(text) => return Ok((text.to_string(), UTF_8.name())),
            Err(_) => Cow::Borrowed(slice),
        },
    };
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(&bytes);
    Ok((text.into_owned(), WINDOWS_1252.name()))
}

/// The encoding the bytes look like and the length of their byte-order mark:
/// a BOM's; else UTF-16 when the zero bytes say so; else UTF-8 when the bytes are
/// valid UTF-8; else windows-1252.
pub fn guess(bytes: &[u8]) -> (&'static Encoding, usize) {
    if let Some(found) = marked(bytes) {
        return found;
    }
    if std::str::from_utf8(bytes).is_ok() {
        (UTF_8, 0)
    } else {
        (WINDOWS_1252, 0)
    }
}

/// An encoding the bytes say themselves: by a BOM, or UTF-16's zero bytes.
fn marked(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    Encoding::for_bom(bytes).or_else(|| utf16_without_bom(bytes).map(|e| (e, 0)))
}

/// UTF-16 without a BOM: in the first few KiB most bytes at odd offsets are 0
/// (little endian, ASCII-range text) and few at even ones, or the other way round.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let pairs = sample.len() / 2;
    if pairs == 0 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if odd * 2 > pairs && even * 4 < odd {
        Some(UTF_16LE)
    } else if even * 2 > pairs && odd * 4 < even {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn decode_forced(file: &str, bytes: &[u8], label: &str) -> Result<(String, &'static str), IoError> {
    let encoding = Encoding::for_label_no_replacement(label.trim().as_bytes()).ok_or_else(|| {
        IoError::new(
            file,
            format!(
                "unknown encoding '{}'; name one such as utf-8, windows-1252, utf-16le, utf-16be or iso-8859-15, or leave it out to detect it",
                crate::util::excerpt(label)
            ),
        )
    })?;
    // A BOM of the named encoding is not text.
    let bom = match Encoding::for_bom(bytes) {
        Some((found, len)) if found == encoding => len,
        _ => 0,
    };
    let body = bytes.get(bom..).unwrap_or_default();
    check_binary(file, body, bom, encoding)?;
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len());
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok((text, encoding.name())),
        DecoderResult::Malformed(bad, after) => {
            let at = bom + read.saturating_sub(usize::from(bad) + usize::from(after));
            let line = line_at(body, at.saturating_sub(bom), encoding);
            Err(IoError::new(
                file,
                format!(
                    "is not {} text (a malformed sequence at byte {at}); name the file's real encoding (utf-8, windows-1252, utf-16le, ...) or leave it out to detect it",
                    encoding.name()
                ),
            )
            .at_line(line))
        }
        DecoderResult::OutputFull => Err(IoError::new(
            file,
            format!(
                "could not be decoded as {}; leave the encoding out to detect it",
                encoding.name()
            ),
        )),
    }
}

/// Refuses binary data: a NUL or many control characters. `offset` is where
/// `body` starts in the file (after the BOM), for the byte position named.
fn check_binary(
    file: &str,
    body: &[u8],
    offset: usize,
    encoding: &'static Encoding,
) -> Result<(), IoError> {
    let binary = |at: usize| {
        IoError::new(
            file,
            format!(
                "is not a text file (binary data at byte {at}); import a CSV, vCard or XLSX file"
            ),
        )
    };
    if encoding == UTF_16LE || encoding == UTF_16BE {
        let unit = |pair: &[u8]| {
            if encoding == UTF_16LE {
                u16::from_le_bytes([pair[0], pair[1]])
            } else {
                u16::from_be_bytes([pair[0], pair[1]])
            }
        };
        if let Some(i) = body.chunks_exact(2).position(|pair| unit(pair) == 0) {
            return Err(binary(offset + 2 * i));
        }
        let sample = &body[..body.len().min(CONTROL_SAMPLE)];
        let (count, first) = count_controls(
            sample
                .chunks_exact(2)
                .map(|pair| u8::try_from(unit(pair)).unwrap_or(b' ')),
        );
        if too_many(count, sample.len() / 2) {
            return Err(binary(offset + 2 * first));
        }
        return Ok(());
    }
    if let Some(i) = memchr::memchr(0, body) {
        return Err(binary(offset + i));
    }
    let sample = &body[..body.len().min(CONTROL_SAMPLE)];
    let (count, first) = count_controls(sample.iter().copied());
    if too_many(count, sample.len()) {
        return Err(binary(offset + first));
    }
    Ok(())
}

/// Control characters that text files do not hold (tab, line ends, form feed
/// and the DOS end-of-file mark are text), and the index of the first.
fn count_controls(units: impl Iterator<Item = u8>) -> (usize, usize) {
    let mut count = 0;
    let mut first = 0;
    for (i, b) in units.enumerate() {
        if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1a) {
            if count == 0 {
                first = i;
            }
            count += 1;
        }
    }
    (count, first)
}

/// More than one in twenty characters a control character is binary.
fn too_many(count: usize, of: usize) -> bool {
    count > 0 && count * 20 > of
}

/// The 1-based line of byte `at` of `body` (approximate for UTF-16: counts the
/// line-feed units before it).
fn line_at(body: &[u8], at: usize, encoding: &'static Encoding) -> usize {
    let before = &body[..at.min(body.len())];
    if encoding == UTF_16LE || encoding == UTF_16BE {
        let lf: [u8; 2] = if encoding == UTF_16LE {
            [b'\n', 0]
        } else {
            [0, b'\n']
        };
        1 + before.chunks_exact(2).filter(|pair| *pair == lf).count()
    } else {
        1 + memchr::memchr_iter(b'\n', before).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if little { &[0xff, 0xfe] } else { &[0xfe, 0xff] });
        }
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    const SAMPLE: &str = "Name;Ort\nMüller;Köln\n";

    #[test]
    fn plain_utf8_is_utf8() {
        let (text, enc) = decode("f.csv", SAMPLE.as_bytes(), None).unwrap();
        assert_eq!((text.as_str(), enc), (SAMPLE, "UTF-8"));
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let mut bytes = vec![0xef, 0xbb, 0xbf];
        bytes.extend_from_slice(SAMPLE.as_bytes());
        let (text, enc) = decode("f.csv", &bytes, None).unwrap();
        assert_eq!((text.as_str(), enc), (SAMPLE, "UTF-8"));
    }

    #[test]
    fn utf16_le_and_be_with_bom() {
        let (text, enc) = decode("f.csv", &utf16(SAMPLE, true, true), None).unwrap();
        assert_eq!((text.as_str(), enc), (SAMPLE, "UTF-16LE"));
        let (text, enc) = decode("f.csv", &utf16(SAMPLE, false, true), None).unwrap();
        assert_eq!((text.as_str(), enc), (SAMPLE, "UTF-16BE"));
    }

    #[test]
    fn utf16_without_bom_is_found_by_its_zero_bytes() {
        let (text, enc) = decode("f.csv", &utf16(SAMPLE, true, false), None).unwrap();
        assert_eq!((text.as_str(), enc), (SAMPLE, "UTF-16LE"));
        let (text, enc) = decode("f.csv", &utf16(SAMPLE, false, false), None).unwrap();
        assert_eq!((text.as_str(), enc), (SAMPLE, "UTF-16BE"));
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let bytes = [
            b'x', b';', 0xe4, 0xf6, 0xfc, 0xdf, 0xc4, 0xd6, 0xdc, b' ', 0x80, b'\n',
        ];
        let (text, enc) = decode("f.csv", &bytes, None).unwrap();
        assert_eq!(enc, "windows-1252");
        assert_eq!(text, "x;äöüßÄÖÜ €\n");
    }

    #[test]
    fn a_forced_encoding_wins() {
        // Valid UTF-8 ("Ã¤" in windows-1252), read as windows-1252 because it is named.
        let bytes = "ä".as_bytes();
        let (text, enc) = decode("f.csv", bytes, Some("windows-1252")).unwrap();
        assert_eq!((text.as_str(), enc), ("Ã¤", "windows-1252"));
        let (text, enc) = decode("f.csv", &[0xe4], Some("latin1")).unwrap();
        assert_eq!((text.as_str(), enc), ("ä", "windows-1252"));
        let (text, enc) = decode("f.csv", &utf16("a;b", true, true), Some("utf-16le")).unwrap();
        assert_eq!((text.as_str(), enc), ("a;b", "UTF-16LE"));
        let (text, _) = decode("f.csv", b"\xef\xbb\xbfa", Some(" UTF-8 ")).unwrap();
        assert_eq!(text, "a");
    }

    #[test]
    fn a_forced_encoding_that_does_not_fit_is_an_error() {
        let err = decode("f.csv", b"ok\nbad \xe4 byte\n", Some("utf-8")).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("byte 7"), "{err}");
        assert!(err.message.contains("UTF-8"), "{err}");
    }

    #[test]
    fn an_unknown_label_is_named_with_examples() {
        let err = decode("f.csv", b"a", Some("klingon")).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("f.csv: unknown encoding 'klingon'"),
            "{shown}"
        );
        assert!(shown.contains("utf-8, windows-1252, utf-16le"), "{shown}");
        // A label that only maps to the replacement encoding is refused too.
        assert!(decode("f.csv", b"a", Some("iso-2022-kr")).is_err());
    }

    #[test]
    fn binary_garbage_is_refused_with_its_position() {
        let err = decode("f.bin", b"abc\0def", None).unwrap_err();
        assert_eq!(
            err.message.split(';').next().unwrap(),
            "is not a text file (binary data at byte 3)"
        );
        let mut noise = b"name\n".to_vec();
        noise.extend((0..200u8).map(|i| i % 8 + 1));
        let err = decode("f.bin", &noise, None).unwrap_err();
        assert!(err.message.contains("binary data at byte 5"), "{err}");
        // A few stray control characters in a long text are text.
        let mut text = "a,b\n".repeat(100).into_bytes();
        text.push(0x01);
        assert!(decode("f.csv", &text, None).is_ok());
        // UTF-16 holding NUL characters.
        let mut bytes = utf16("ab", true, true);
        bytes.extend_from_slice(&[0, 0]);
        let err = decode("f.bin", &bytes, None).unwrap_err();
        assert!(err.message.contains("binary data at byte 6"), "{err}");
    }

    #[test]
    fn empty_input_is_empty_utf8() {
        assert_eq!(
            decode("f.csv", b"", None).unwrap(),
            (String::new(), "UTF-8")
        );
    }

    #[test]
    fn odd_bytes_never_panic() {
        for bytes in [
            &b"\xff"[..],
            b"\xfe",
            b"\xff\xfe\x00",
            b"\xfe\xff\xd8\x00",
            b"\x00",
            b"\xef\xbb",
        ] {
            let _ = decode("f", bytes, None);
            let _ = decode("f", bytes, Some("utf-16be"));
            let _ = decode("f", bytes, Some("utf-8"));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_decode_or_fail_without_panicking(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            let _ = decode("f", &bytes, None);
            let _ = decode_owned("f", bytes.clone(), None);
            let _ = decode("f", &bytes, Some("utf-16le"));
            let _ = decode("f", &bytes, Some("utf-8"));
        }
    }
}
