//! What a file is: its format from the options, the extension, the content and
//! the headers; then the reader for it.

use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind};
use std::path::Path;

use super::{contacts, csv_in, text, vcard, xlsx_in, Format, IoError, ReadOptions, Sheet};

const CHUNK: usize = 64 * 1024;

pub fn read(path: &Path, options: &ReadOptions) -> Result<Sheet, IoError> {
    let file = path.display().to_string();
    let named = options.format.or_else(|| Format::from_extension(path));
    match named {
        Some(Format::Json) => {
            return Err(IoError::new(
                &file,
                "JSON is written, not read; import the data as CSV or XLSX (or contacts as vCard)",
            ))
        }
        Some(Format::Xlsx) => return xlsx(path),
        _ => {}
    }
    if path.is_dir() {
        return Err(IoError::new(
            &file,
            "is a folder, not a file; name the file to import",
        ));
    }
    let opened = File::open(path).map_err(|e| io_error(&file, &e))?;
    let mut reader = BufReader::with_capacity(CHUNK, opened);
    if named.is_none() {
        let head = reader.fill_buf().map_err(|e| io_error(&file, &e))?;
        if head.starts_with(b"PK\x03\x04") {
            return xlsx(path);
        }
    }
    // A size to reserve, so that the buffer does not grow by copies.
    let size = reader.get_ref().metadata().map_or(0, |m| m.len());
    let hint = usize::try_from(size).unwrap_or(0).min(256 << 20);
    let bytes = read_limited(&file, reader, options.max_line, hint)?;
    let format = named.unwrap_or_else(|| {
        if looks_like_vcard(&bytes) {
            Format::Vcard
        } else {
            Format::Csv
        }
    });
    match format {
        Format::Vcard => read_vcard(&file, &bytes, options),
        _ => {
            let (text, encoding) = text::decode_owned(&file, bytes, options.encoding.as_deref())?;
            let mut sheet = csv_in::read(&file, &text, options.delimiter, options.max_line)?;
            sheet.encoding = encoding;
            sheet.format = Some(match options.format {
                Some(forced) => forced,
                None => contacts::recognise(&sheet.headers).unwrap_or(Format::Csv),
            });
            Ok(sheet)
        }
    }
}

fn xlsx(path: &Path) -> Result<Sheet, IoError> {
    let mut sheet = xlsx_in::read(path)?;
    sheet.format = Some(Format::Xlsx);
    sheet.encoding = "xlsx";
    sheet.delimiter = None;
    Ok(sheet)
}

/// A vCard file goes to its reader as bytes (a 2.1 card may name its own
/// charset); a named encoding decodes it to UTF-8 first.
fn read_vcard(file: &str, bytes: &[u8], options: &ReadOptions) -> Result<Sheet, IoError> {
    let (mut sheet, encoding) = match options.encoding.as_deref() {
        Some(label) => {
            let (text, encoding) = text::decode(file, bytes, Some(label))?;
            (vcard::read(file, text.as_bytes())?, encoding)
        }
        None => (vcard::read(file, bytes)?, text::guess(bytes).0.name()),
    };
    if sheet.encoding.is_empty() {
        sheet.encoding = encoding;
    }
    sheet.format = Some(Format::Vcard);
    sheet.delimiter = None;
    Ok(sheet)
}

/// After a BOM and white space, `BEGIN:VCARD` (in any case, in UTF-8, UTF-16
/// or an 8-bit encoding).
fn looks_like_vcard(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let (encoding, bom) = text::guess(head);
    let (decoded, _) = encoding.decode_without_bom_handling(head.get(bom..).unwrap_or_default());
    decoded
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .get(..11)
        .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
}

/// Reads the whole file, refusing it as soon as a line (up to a CR or LF) is
/// longer than `max_line` bytes: a file with a runaway line is read only that
/// far.
fn read_limited(
    file: &str,
    mut reader: impl BufRead,
    max_line: usize,
    hint: usize,
) -> Result<Vec<u8>, IoError> {
    let mut data = Vec::with_capacity(hint);
    // Where the current line starts: just after the last CR or LF.
    let mut line_start = 0usize;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(file, &e)),
        };
        if chunk.is_empty() {
            return Ok(data);
        }
        let n = chunk.len();
        let base = data.len();
        data.extend_from_slice(chunk);
        reader.consume(n);
        let new = data.get(base..).unwrap_or_default();
        for end in memchr::memchr2_iter(b'\n', b'\r', new) {
            let at = base + end;
            if at - line_start > max_line {
                return Err(too_long(file, &data, line_start, max_line));
            }
            line_start = at + 1;
        }
        if data.len() - line_start > max_line {
            return Err(too_long(file, &data, line_start, max_line));
        }
    }
}

fn too_long(file: &str, data: &[u8], line_start: usize, max_line: usize) -> IoError {
    let line = 1 + count_line_ends(data.get(..line_start).unwrap_or_default());
    IoError::new(
        file,
        format!(
            "this line is longer than {max_line} bytes, so the file is not read on; check that it is the file you mean, or raise the line limit"
        ),
    )
    .at_line(line)
}

/// Line ends as the CSV reader counts them: `\r\r\n`, `\r\n`, `\n` and `\r`
/// are one each.
fn count_line_ends(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while let Some(found) = bytes
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'\n', b'\r', rest))
    {
        let at = i + found;
        count += 1;
        i = at + csv_in::line_end_len(bytes, at);
    }
    count
}

/// A failure to open or read `file`, with what to do about it.
pub fn io_error(file: &str, error: &std::io::Error) -> IoError {
    let message = match error.kind() {
        ErrorKind::NotFound => "no such file; check the path and the file's name".to_string(),
        ErrorKind::PermissionDenied => {
            "cannot be read: permission denied; check the file's permissions, or copy it to a folder of yours".to_string()
        }
        ErrorKind::IsADirectory => "is a folder, not a file; name the file to import".to_string(),
        _ => format!("cannot be read ({error}); check that the file is there and readable"),
    };
    IoError::new(file, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn xlsx_bytes() -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Name").unwrap();
        sheet.write_string(1, 0, "Ada").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn csv_by_extension_with_encoding_and_separator() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "k.csv", b"Name;Ort\r\nM\xfcller;K\xf6ln\r\n");
        let s = read(&path, &ReadOptions::default()).unwrap();
        assert_eq!(s.format, Some(Format::Csv));
        assert_eq!(s.encoding, "windows-1252");
        assert_eq!(s.delimiter, Some(b';'));
        assert_eq!(s.rows[0].cells, ["Müller", "Köln"]);
        assert_eq!(s.rows[0].line, 2);
    }

    #[test]
    fn options_are_passed_on_and_a_forced_format_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "k.txt", "a|b;c\n\u{e4}|2;3\n".as_bytes());
        let options = ReadOptions {
            format: Some(Format::OutlookCsv),
            encoding: Some("windows-1252".into()),
            delimiter: Some(b'|'),
            ..ReadOptions::default()
        };
        let s = read(&path, &options).unwrap();
        assert_eq!(s.format, Some(Format::OutlookCsv));
        assert_eq!(s.encoding, "windows-1252");
        assert_eq!(s.headers, ["a", "b;c"]);
        assert_eq!(s.rows[0].cells, ["Ã¤", "2;3"]);
    }

    #[test]
    fn xlsx_by_extension_and_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = xlsx_bytes();
        for name in ["book.xlsx", "book.dat", "book"] {
            let path = write(&dir, name, &bytes);
            let s = read(&path, &ReadOptions::default()).unwrap();
            assert_eq!(s.format, Some(Format::Xlsx), "{name}");
            assert_eq!(s.encoding, "xlsx");
            assert_eq!(s.delimiter, None);
            assert_eq!(s.headers, ["Name"]);
            assert_eq!(s.rows[0].cells, ["Ada"]);
        }
        // A CSV file named .xlsx is refused with what to do.
        let path = write(&dir, "fake.xlsx", b"a,b\n1,2\n");
        let e = read(&path, &ReadOptions::default()).unwrap_err();
        assert!(e.message.contains("is not an Excel workbook"), "{e}");
        // ... and read as CSV when the format is named.
        let options = ReadOptions {
            format: Some(Format::Csv),
            ..ReadOptions::default()
        };
        assert_eq!(read(&path, &options).unwrap().headers, ["a", "b"]);
    }

    #[test]
    fn content_without_a_known_extension() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "export.dat", b"x\ty\n1\t2\n");
        let s = read(&path, &ReadOptions::default()).unwrap();
        assert_eq!((s.format, s.delimiter), (Some(Format::Csv), Some(b'\t')));
        // vCard content after a BOM and white space goes to the vCard reader.
        let card = b"\xef\xbb\xbf\r\n  begin:vcard\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n";
        let path = write(&dir, "export.dat", card);
        let e = read(&path, &ReadOptions::default());
        assert_eq!(
            e,
            vcard::read(&path.display().to_string(), card).map(|mut s| {
                s.format = Some(Format::Vcard);
                s.delimiter = None;
                if s.encoding.is_empty() {
                    s.encoding = "UTF-8";
                }
                s
            })
        );
        assert!(looks_like_vcard(card));
        let mut utf16 = vec![0xff, 0xfe];
        for unit in "BEGIN:VCARD\r\n".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert!(looks_like_vcard(&utf16));
        assert!(!looks_like_vcard(b"Name,BEGIN:VCARD\n"));
        assert!(!looks_like_vcard(b""));
    }

    #[test]
    fn json_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "a.json", b"[]");
        let e = read(&path, &ReadOptions::default()).unwrap_err();
        assert!(e.message.starts_with("JSON is written, not read"), "{e}");
    }

    #[test]
    fn missing_files_and_folders_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.csv");
        let e = read(&path, &ReadOptions::default()).unwrap_err();
        assert_eq!(e.file, path.display().to_string());
        assert!(e.message.starts_with("no such file"), "{e}");
        let e = read(dir.path(), &ReadOptions::default()).unwrap_err();
        assert!(e.message.contains("folder"), "{e}");
    }

    #[test]
    fn an_empty_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "e.csv", b"");
        let e = read(&path, &ReadOptions::default()).unwrap_err();
        assert!(e.message.starts_with("is empty"), "{e}");
    }

    /// A reader that counts what is taken from it.
    struct Counting<R>(R, std::rc::Rc<std::cell::Cell<usize>>);

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.set(self.1.get() + n);
            Ok(n)
        }
    }

    #[test]
    fn a_long_line_is_refused_after_reading_about_max_line() {
        let mut bytes = b"a,b\r\n1,2\r\r\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 4 << 20));
        bytes.extend_from_slice(b"\n3,4\n");
        let taken = std::rc::Rc::new(std::cell::Cell::new(0));
        let reader = BufReader::with_capacity(CHUNK, Counting(&bytes[..], taken.clone()));
        let e = read_limited("big.csv", reader, 100_000, 0).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("longer than 100000 bytes"), "{e}");
        assert!(
            taken.get() <= 100_000 + 2 * CHUNK,
            "read {} bytes",
            taken.get()
        );
        // Through a file, with CR-only line ends counting too.
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "big.csv", &bytes);
        let options = ReadOptions {
            max_line: 100_000,
            ..ReadOptions::default()
        };
        assert_eq!(read(&path, &options).unwrap_err().line, Some(3));
        let short = format!("a\r{}", "1\r".repeat(100_000));
        let path = write(&dir, "cr.csv", short.as_bytes());
        assert_eq!(read(&path, &options).unwrap().rows.len(), 100_000);
        // A line exactly at the limit is accepted.
        let path = write(
            &dir,
            "edge.csv",
            format!("a\n{}", "y".repeat(100)).as_bytes(),
        );
        let options = ReadOptions {
            max_line: 100,
            ..ReadOptions::default()
        };
        assert!(read(&path, &options).is_ok());
    }

    #[test]
    fn line_ends_count_like_the_csv_reader() {
        assert_eq!(count_line_ends(b""), 0);
        assert_eq!(count_line_ends(b"a\r\nb\nc\rd\r\r\ne\r\r"), 6);
    }

    /// `cargo test --release --lib io::detect -- --ignored --nocapture`: the
    /// whole way from a file, reading, decoding and parsing.
    #[test]
    #[ignore]
    fn timing_100k_outlook_rows_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let text = csv_in::tests::outlook_like(100_000);
        let path = write(&dir, "outlook.csv", text.as_bytes());
        let mut best = std::time::Duration::MAX;
        for _ in 0..5 {
            let start = std::time::Instant::now();
            let s = read(&path, &ReadOptions::default()).unwrap();
            best = best.min(start.elapsed());
            assert_eq!(s.rows.len(), 100_000);
        }
        eprintln!("{} MB file, 100000 rows: {best:?}", text.len() / 1_000_000);
    }
}
