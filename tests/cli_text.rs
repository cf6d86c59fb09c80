//! Record text never acts on the terminal: the table output and the error
//! messages of the built `crm` show control characters, escape sequences and
//! bidirectional overrides as `·`; CSV and JSON keep the text exact; overlong
//! input is refused at once, with a short message.

mod common;

use std::time::{Duration, Instant};

use common::cli::{crm, stop_server};

/// Every C0 control but NUL (an argument cannot hold one), escape sequences,
/// DEL, a C1 CSI and the bidirectional overrides.
fn nasty() -> String {
    let mut s: String = (1u8..0x20).map(char::from).collect();
    s.push_str("\u{1b}]0;title\u{7}\u{1b}[2J\r\u{7f}\u{9b}31m\u{202e}evil\u{2066}\u{200f}");
    s
}

/// Whether `c` would act on a terminal (line ends of the output itself aside).
fn acts(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_shown_only(what: &str, text: &str) {
    let bad: Vec<char> = text.chars().filter(|&c| acts(c)).collect();
    assert!(bad.is_empty(), "{what} holds {bad:?}: {text:?}");
}

#[test]
fn table_output_and_errors_show_control_characters_and_overrides_as_dots() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let text = nasty();
    let (code, key, err) = crm(
        &db,
        &[
            "add",
            "opportunity",
            &format!("description=A{text}Z"),
            &format!("notes=first{text}\nsecond"),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let key = key.trim().to_string();

    let (code, get, _) = crm(&db, &["get", "opportunity", &key]);
    assert_eq!(code, 0);
    assert_shown_only("crm get", &get);
    assert!(get.contains("A·"), "{get}");
    assert!(get.contains("evil"), "{get}");
    let (code, list, _) = crm(&db, &["list", "opportunity"]);
    assert_eq!(code, 0);
    assert_shown_only("crm list", &list);
    assert!(list.contains(&key), "{list}");
    let (_, query, _) = crm(&db, &["query", "description:evil", "-e", "opportunity"]);
    assert_shown_only("crm query", &query);
    assert!(query.contains(&key), "{query}");
    let (_, history, _) = crm(&db, &["history", "opportunity", &key]);
    assert_shown_only("crm history", &history);
    let (_, log, _) = crm(&db, &["log"]);
    assert_shown_only("crm log", &log);
    let (_, timeline, _) = crm(&db, &["timeline", "opportunity", &key]);
    assert_shown_only("crm timeline", &timeline);

    // CSV and JSON keep the text exact.
    let (_, json, _) = crm(&db, &["get", "opportunity", &key, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["description"], format!("A{text}Z"));
    let (_, csv, _) = crm(&db, &["list", "opportunity", "--format", "csv"]);
    assert!(csv.contains(&format!("A{text}Z")), "{csv:?}");

    // Errors that echo what was typed show it so too.
    for args in [
        vec![
            "get",
            "opportunity",
            "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}x",
        ],
        vec![
            "set",
            "opportunity",
            &key,
            "probability=\u{1b}[2J\u{9b}1m\u{202e}",
        ],
        vec!["add", "opportunity", "description=x", "\u{1b}[2Jbogus=1"],
        vec![
            "query",
            "probability>\u{1b}[2J\u{202e}",
            "-e",
            "opportunity",
        ],
        vec!["list", "opportunity", "--limit", "\u{1b}[2J\u{202e}"],
    ] {
        let (code, out, err) = crm(&db, &args);
        assert_ne!(code, 0, "{args:?}");
        assert_shown_only("stdout", &out);
        assert_shown_only("an error", &err);
        assert!(err.contains('·'), "{args:?}: {err}");
    }
    stop_server(&db);
}

#[test]
fn overlong_keys_finds_and_values_are_refused_at_once_with_a_short_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (code, _, err) = crm(&db, &["demo", "--records", "500"]);
    assert_eq!(code, 0, "{err}");
    let huge = "O".repeat(100_000);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["get".into(), "opportunity".into(), huge.clone()],
            "at most 64 characters",
        ),
        (vec!["find".into(), "m".repeat(100_000)], "at most 200"),
        (
            vec![
                "query".into(),
                format!("{}stage:WON{}", "(".repeat(10_000), ")".repeat(10_000)),
                "-e".into(),
                "opportunity".into(),
            ],
            "at most 4000",
        ),
        (
            vec![
                "add".into(),
                "opportunity".into(),
                format!("description={}", "d".repeat(20_000)),
            ],
            "description",
        ),
    ];
    for (args, says) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let start = Instant::now();
        let (code, _, err) = crm(&db, &args);
        assert!(start.elapsed() < Duration::from_secs(1), "{:?}", &args[..1]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(says), "{err}");
        assert!(err.len() < 400, "a short line: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    stop_server(&db);
}
