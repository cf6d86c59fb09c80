//! The corpus: every input that ever failed, one file per target
//! (`tests/corpus/TARGET.txt`), replayed on every `cargo test`.
//!
//! A line is `EXPECT<TAB>ARG<TAB>ARG…`; `#` starts a comment line. EXPECT is
//! `refused` (it was wrongly accepted once: it must be refused), `accepted` (it
//! must parse), or `any` (it must merely not panic). Every refusal must be one
//! short line (see `check_message`). In an ARG, `\\`, `\t`, `\n`, `\r`, `\0`,
//! `\u{…}` and `\xHH` (a raw byte) are escapes, and `\(`…`\)N` repeats what it
//! holds N times (10,000 parentheses in a few characters).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use crate::{check_message, Ctx, TARGETS};

/// What an entry demands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Refused,
    Accepted,
    Any,
}

/// One argument from its escaped form.
fn unescape(arg: &str) -> Result<Vec<u8>, String> {
    let mut out: Vec<u8> = Vec::new();
    // Where each open repetition started in `out`.
    let mut groups: Vec<usize> = Vec::new();
    let mut chars = arg.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('\\') => out.push(b'\\'),
            Some('t') => out.push(b'\t'),
            Some('n') => out.push(b'\n'),
            Some('r') => out.push(b'\r'),
            Some('0') => out.push(0),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).map_err(|_| format!("bad \\x{hex}"))?);
            }
            Some('u') => {
                if chars.next() != Some('{') {
                    return Err("\\u needs {".into());
                }
                let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let c = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("bad \\u{{{hex}}}"))?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Some('(') => groups.push(out.len()),
            Some(')') => {
                let start = groups.pop().ok_or("\\) without \\(")?;
                let mut n = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    n.push(*d);
                    chars.next();
                }
                let n: usize = n.parse().map_err(|_| "\\) needs a count")?;
                let unit = out[start..].to_vec();
                out.truncate(start);
                for _ in 0..n {
                    out.extend_from_slice(&unit);
                }
            }
            other => return Err(format!("unknown escape \\{other:?}")),
        }
    }
    if !groups.is_empty() {
        return Err("\\( without \\)".into());
    }
    Ok(out)
}

fn entry(line: &str) -> Result<(Expect, Vec<Vec<u8>>), String> {
    let mut parts = line.split('\t');
    let expect = match parts.next() {
        Some("refused") => Expect::Refused,
        Some("accepted") => Expect::Accepted,
        Some("any") => Expect::Any,
        other => return Err(format!("unknown expectation {other:?}")),
    };
    let args = parts.map(unescape).collect::<Result<Vec<_>, _>>()?;
    Ok((expect, args))
}

/// Replays one corpus file; returns what went wrong, one line per entry.
fn replay(ctx: &Ctx, target: &str, text: &str) -> (usize, Vec<String>) {
    let run = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("tests/corpus/{target}.txt names no fuzz target"))
        .1;
    let mut failures = Vec::new();
    let mut count = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        count += 1;
        let at = format!("{target}.txt:{}", n + 1);
        let (expect, args) = match entry(line) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{at}: {e}"));
                continue;
            }
        };
        let outcome = match catch_unwind(AssertUnwindSafe(|| run(ctx, &args))) {
            Ok(outcome) => outcome,
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{at}: panicked: {}", termcrm::util::excerpt(&why)));
                continue;
            }
        };
        match (&outcome, expect) {
            (Ok(()), Expect::Refused) => failures.push(format!("{at}: accepted, must be refused")),
            (Err(e), Expect::Accepted) => failures.push(format!("{at}: refused: {e}")),
            _ => {}
        }
        if let Err(message) = outcome {
            if let Err(why) = check_message(&message) {
                failures.push(format!("{at}: {why}"));
            }
        }
    }
    (count, failures)
}

#[test]
fn corpus_replays_clean() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/corpus")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let ctx = Ctx::default();
    let mut failures = Vec::new();
    let mut total = 0;
    let mut seen = Vec::new();
    for path in &files {
        let target = path.file_stem().and_then(|s| s.to_str()).expect("a name");
        let text = std::fs::read_to_string(path).expect("a corpus file");
        let (count, f) = replay(&ctx, target, &text);
        total += count;
        failures.extend(f);
        seen.push(target.to_string());
    }
    for (name, _) in TARGETS {
        assert!(
            seen.iter().any(|s| s == name),
            "no corpus for target {name}"
        );
    }
    eprintln!("corpus: {total} entries in {} files", files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_format_reads_escapes_and_repetitions() {
    assert_eq!(unescape("a\\tb").unwrap(), b"a\tb");
    assert_eq!(unescape("\\x00\\xff").unwrap(), vec![0, 0xff]);
    assert_eq!(unescape("\\u{202e}").unwrap(), "\u{202e}".as_bytes());
    assert_eq!(unescape("\\(ab\\)3c").unwrap(), b"abababc");
    assert_eq!(unescape("x\\(\\(1\\)2-\\)2").unwrap(), b"x11-11-");
    assert!(unescape("\\(a").is_err());
    let (e, args) = entry("refused\tamount\t\\(9\\)5").unwrap();
    assert_eq!(e, Expect::Refused);
    assert_eq!(args, vec![b"amount".to_vec(), b"99999".to_vec()]);
}
