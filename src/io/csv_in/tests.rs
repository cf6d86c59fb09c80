//! The CSV reader's tests: every line end, quoting, the errors, and a timing.

use super::*;

const MAX: usize = 1 << 20;

fn sheet(text: &str) -> Sheet {
    read("t.csv", text, None, MAX).unwrap()
}

fn lines(s: &Sheet) -> Vec<usize> {
    s.rows.iter().map(|r| r.line).collect()
}

fn err(text: &str) -> IoError {
    read("t.csv", text, None, MAX).unwrap_err()
}

#[test]
fn comma_header_and_rows() {
    let s = sheet(" Name , E-mail\nAda,ada@example.org\nBob,bob@example.org\n");
    assert_eq!(s.headers, ["Name", "E-mail"]);
    assert_eq!(s.delimiter, Some(b','));
    assert_eq!(s.rows[0].cells, ["Ada", "ada@example.org"]);
    assert_eq!(lines(&s), [2, 3]);
}

#[test]
fn semicolon_tab_and_pipe_are_sniffed_from_the_header() {
    let s = sheet("Vorname;Nachname;Betrag\nAnna;Schmidt;1,5\n");
    assert_eq!(s.delimiter, Some(b';'));
    assert_eq!(s.rows[0].cells, ["Anna", "Schmidt", "1,5"]);
    let s = sheet("a\tb, c\tc\n1\t2\t3\n");
    assert_eq!(s.delimiter, Some(b'\t'));
    assert_eq!(s.headers, ["a", "b, c", "c"]);
    let s = sheet("a|b|c\n1|2|3\n");
    assert_eq!(s.delimiter, Some(b'|'));
    // Separators inside quotes do not count.
    let s = sheet("\"a;b;c\",d\n1,2\n");
    assert_eq!(s.delimiter, Some(b','));
    assert_eq!(s.headers, ["a;b;c", "d"]);
}

#[test]
fn a_given_separator_wins_and_a_bad_one_is_refused() {
    let s = read("t.csv", "a,b;c\n1,2;3\n", Some(b';'), MAX).unwrap();
    assert_eq!(s.headers, ["a,b", "c"]);
    assert!(read("t.csv", "a\n1\n", Some(b'"'), MAX).is_err());
    assert!(read("t.csv", "a\n1\n", Some(0xa7), MAX).is_err());
}

#[test]
fn every_line_end_counts_one_line() {
    for end in ["\r\n", "\n", "\r", "\r\r\n"] {
        let text = ["h1,h2", "a,b", "c,d", "e,f"].join(end) + end;
        let s = sheet(&text);
        assert_eq!(lines(&s), [2, 3, 4], "line end {end:?}");
        assert_eq!(s.rows[2].cells, ["e", "f"], "line end {end:?}");
        // Without a final line end too.
        let s = sheet(text.trim_end());
        assert_eq!(lines(&s), [2, 3, 4], "line end {end:?}");
    }
    // Mixed, and two bare CRs are two line ends (a blank line between).
    let s = sheet("h\r\na\nb\r\rc\r\r\nd");
    assert_eq!(lines(&s), [2, 3, 5, 6]);
}

#[test]
fn quoted_line_ends_become_newlines_and_later_lines_count_them() {
    for end in ["\r\n", "\n", "\r", "\r\r\n"] {
        let text = format!("name,note{end}Ada,\"first{end}second{end}third\"{end}Bob,plain{end}");
        let s = sheet(&text);
        assert_eq!(s.rows[0].cells, ["Ada", "first\nsecond\nthird"], "{end:?}");
        assert_eq!(lines(&s), [2, 5], "{end:?}");
    }
}

#[test]
fn doubled_quotes_are_one() {
    let s = sheet("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n\"x,y\",\"\"\n");
    assert_eq!(s.rows[0].cells, ["say \"hi\"", "\""]);
    assert_eq!(s.rows[1].cells, ["x,y", ""]);
}

#[test]
fn quotes_after_spaces_and_text_after_closing_quotes() {
    let s = sheet("a,b,c\n1, \"x,y\" ,\"q\"r\n");
    assert_eq!(s.rows[0].cells, ["1", "x,y", "qr"]);
    // A quote inside an unquoted cell is text.
    let s = sheet("a,b\n5\" disk,ok\n");
    assert_eq!(s.rows[0].cells, ["5\" disk", "ok"]);
}

#[test]
fn blank_lines_and_separator_only_lines_are_skipped() {
    let s = sheet("\n\na,b\n\n1,2\n,\n \n3,4\n\n");
    assert_eq!(s.headers, ["a", "b"]);
    assert_eq!(lines(&s), [5, 8]);
}

#[test]
fn more_cells_than_the_header_is_an_error_naming_the_line() {
    let mut text = String::from("h1,h2,h3\n");
    for i in 2..17 {
        text.push_str(&format!("{i},x,y\n"));
    }
    text.push_str("a,b,c,d,e\n");
    let e = err(&text);
    assert_eq!(e.line, Some(17));
    assert!(
        e.message.starts_with("this row has 5 cells, the header 3"),
        "{e}"
    );
    assert!(e.to_string().starts_with("t.csv: line 17: "), "{e}");
}

#[test]
fn trailing_empty_cells_are_dropped() {
    let s = sheet("a;b;;\n1;2;;;\n3;;;\n4\n");
    assert_eq!(s.headers, ["a", "b"]);
    assert_eq!(s.rows[0].cells, ["1", "2"]);
    assert_eq!(s.rows[1].cells, ["3", ""]);
    // Shorter rows stay short; `cell` reads the missing ones as empty.
    assert_eq!(s.rows[2].cells, ["4"]);
    assert_eq!(s.rows[2].cell(1), "");
}

#[test]
fn empty_file_and_header_only() {
    for text in ["", "\n\r\n", "\u{feff}"] {
        let e = err(text);
        assert!(e.message.starts_with("is empty"), "{text:?}: {e}");
    }
    let e = err("a,b,c\r\n\r\n");
    assert!(e.message.starts_with("has a header but no rows"), "{e}");
    assert_eq!(e.line, Some(1));
    // A line of separators only is blank, not a header.
    assert_eq!(sheet(",,\na,b\n1,2\n").headers, ["a", "b"]);
}

#[test]
fn an_unterminated_quote_names_the_line_it_opened_on() {
    let e = err("a,b\n1,2\n3,\"open\nmore\nlines\n");
    assert_eq!(e.line, Some(3));
    assert_eq!(e.column.as_deref(), Some("b"));
    assert!(e.message.contains("never closed"), "{e}");
}

#[test]
fn long_lines_and_cells_are_refused() {
    let long = "x".repeat(200);
    let e = read("t.csv", &format!("a,b\n1,2\n{long},3\n"), None, 100).unwrap_err();
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("longer than 100 bytes"), "{e}");
    // A quoted cell of short lines that is long altogether.
    let cell = "abc\n".repeat(50);
    let e = read("t.csv", &format!("a,b\n1,\"{cell}\"\n"), None, 100).unwrap_err();
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("b")));
    // The last line, without a line end.
    let e = read("t.csv", &format!("a\n{long}"), None, 100).unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(read("t.csv", &format!("a\n{long}"), None, 200).is_ok());
}

#[test]
fn a_bom_in_the_text_is_not_part_of_the_header() {
    assert_eq!(sheet("\u{feff}Name\nAda\n").headers, ["Name"]);
}

#[test]
fn utf8_text_is_never_split() {
    let s = sheet("Ort;Straße\n\"Köln\";Hauptstraße 1\n“quote”;€\n");
    assert_eq!(s.rows[0].cells, ["Köln", "Hauptstraße 1"]);
    assert_eq!(s.rows[1].cells, ["“quote”", "€"]);
}

#[test]
fn odd_inputs_never_panic() {
    for text in [
        "\"",
        "\"\"",
        "a\r",
        "\r\r",
        "a,\"",
        "a\n\"",
        "a\n\"\"\"",
        "a\n \"x\" y \"",
        "a\n,,,,",
        "\"a\"\"",
        "a\n\r\r\r\n\n\r",
        "a;b\n1;\"2\r\r",
    ] {
        let _ = read("t.csv", text, None, MAX);
        let _ = read("t.csv", text, None, 0);
    }
}

/// An Outlook-style export: ~90 quoted columns, most empty, 100,000 rows.
pub(in crate::io) fn outlook_like(rows: usize) -> String {
    let header: Vec<String> = (0..90).map(|i| format!("\"Column {i}\"")).collect();
    let mut text = header.join(",") + "\r\n";
    for r in 0..rows {
        for c in 0..90 {
            if c > 0 {
                text.push(',');
            }
            match c {
                0 => text.push_str(&format!("\"First{r}\"")),
                1 => text.push_str(&format!("\"Last name {r}\"")),
                5 => text.push_str("\"Müller & Söhne GmbH\""),
                8 => text.push_str("\"Hauptstraße 12\r\n2. Stock\""),
                14 => text.push_str(&format!("\"+49 30 {r:07}\"")),
                30 => text.push_str(&format!("\"user{r}@example.org\"")),
                40 => text.push_str("\"a note with \"\"quotes\"\" and, commas\""),
                50 => text.push_str("0.0.00"),
                60 => text.push_str("\"Normal\""),
                70 => text.push_str("\"Privat;Kunden\""),
                _ => text.push_str("\"\""),
            }
        }
        text.push_str("\r\n");
    }
    text
}

#[test]
fn outlook_like_rows_read_with_their_lines() {
    let s = sheet(&outlook_like(3));
    assert_eq!(s.headers.len(), 90);
    assert_eq!(lines(&s), [2, 4, 6]);
    assert_eq!(s.rows[2].cell(8), "Hauptstraße 12\n2. Stock");
    assert_eq!(s.rows[2].cell(40), "a note with \"quotes\" and, commas");
}

/// `cargo test --release --lib io::csv_in -- --ignored --nocapture`
#[test]
#[ignore]
fn timing_100k_outlook_rows() {
    let text = outlook_like(100_000);
    // The best of a few runs: a busy machine adds to the others.
    let mut best = std::time::Duration::MAX;
    for _ in 0..5 {
        let start = std::time::Instant::now();
        let s = read("t.csv", &text, None, 4 << 20).unwrap();
        best = best.min(start.elapsed());
        assert_eq!(s.rows.len(), 100_000);
    }
    eprintln!(
        "{} MB, 100000 rows of 90 columns: {best:?}",
        text.len() / 1_000_000
    );
}

/// Writes a cell as a spreadsheet would: quoted when it holds a quote, the
/// separator, a line end or white space at its ends.
fn quote(cell: &str, end: &str) -> String {
    let plain =
        !cell.contains(['"', ',', '\n', '\r']) && !cell.starts_with(' ') && !cell.ends_with(' ');
    if plain {
        cell.to_string()
    } else {
        format!("\"{}\"", cell.replace('"', "\"\"").replace('\n', end))
    }
}

proptest::proptest! {
    #[test]
    fn written_rows_read_back_with_their_lines(
        width in 1usize..5,
        rows in proptest::collection::vec(
            proptest::collection::vec("[a\"ä, \n;]{0,6}", 5),
            1..8,
        ),
        end in proptest::sample::select(vec!["\r\n", "\n", "\r", "\r\r\n"]),
    ) {
        let headers: Vec<String> = (0..width).map(|i| format!("h{i}")).collect();
        let mut text = headers.join(",") + end;
        let mut expected = Vec::new();
        let mut line = 2;
        for row in &rows {
            let cells: Vec<String> = row[..width].to_vec();
            let written: Vec<String> = cells.iter().map(|c| quote(c, end)).collect();
            text.push_str(&written.join(","));
            text.push_str(end);
            if !cells.iter().all(|c| c.trim().is_empty()) {
                expected.push(SheetRow { line, cells: cells.clone() });
            }
            line += 1 + cells.iter().map(|c| c.matches('\n').count()).sum::<usize>();
        }
        let got = read("t.csv", &text, None, MAX);
        if expected.is_empty() {
            proptest::prop_assert!(got.is_err());
        } else {
            let got = got.unwrap();
            proptest::prop_assert_eq!(&got.headers, &headers);
            proptest::prop_assert_eq!(got.rows, expected);
        }
    }

    #[test]
    fn any_text_reads_or_fails_without_panicking(
        text in "[a\"ä,; \r\n\t|]{0,40}",
        max_line in 0usize..20,
    ) {
        let _ = read("t.csv", &text, None, max_line);
        let _ = read("t.csv", &text, Some(b';'), MAX);
    }
}
