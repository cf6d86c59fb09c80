//! Record text never acts on the terminal: the table output and the error
//! messages of the built `crm` show control characters, escape sequences and
//! bidirectional overrides as `·`; CSV and JSON keep the text exact; C0 control
//! characters are refused at input (a multiline field keeps line ends and tabs);
//! overlong input is refused at once, with a short message.

mod common;

use std::time::{Duration, Instant};

use common::cli::{crm, stop_server};

/// Every C0 control but NUL (an argument cannot hold one), escape sequences,
/// DEL, a C1 CSI and the bidirectional overrides: what an error may echo.
fn nasty() -> String {
    let mut s: String = (1u8..0x20).map(char::from).collect();
    s.push_str("\u{1b}]0;title\u{7}\u{1b}[2J\r\u{7f}\u{9b}31m\u{202e}evil\u{2066}\u{200f}");
    s
}

/// What a single-line field stores that would still act on a terminal: DEL, C1
/// controls (a CSI, an OSC up to its string terminator) and the bidirectional
/// overrides.
fn storable() -> String {
    "\u{7f}\u{9b}31m\u{9d}0;title\u{9c}\u{85}\u{202e}evil\u{2066}\u{200f}".to_string()
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
    let text = storable();
    let notes = format!("first\tcolumn\r\n{text}\nsecond");
    let (code, key, err) = crm(
        &db,
        &[
            "add",
            "opportunity",
            &format!("description=A{text}Z"),
            &format!("notes={notes}"),
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
    assert_eq!(v["notes"], notes);
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

#[test]
fn control_characters_are_refused_at_input_naming_the_field_and_the_character() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (code, _, err) = crm(&db, &["demo", "--records", "300"]);
    assert_eq!(code, 0, "{err}");
    let mut cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "add".into(),
                "opportunity".into(),
                "description=A\u{1b}]0;title\u{7}Z".into(),
            ],
            "description = 'A·]0;title·Z': Description holds the control character U+001B at character 2",
        ),
        (
            vec!["add".into(), "prospect".into(), "name=ACME\tGmbH".into()],
            "name = 'ACME·GmbH': Name holds a tab (U+0009) at character 5; a single-line field takes no tabs",
        ),
        (
            vec!["add".into(), "prospect".into(), "name=ACME\nGmbH".into()],
            "Name holds a line break (U+000A) at character 5",
        ),
        (
            vec![
                "add".into(),
                "opportunity".into(),
                "description=x".into(),
                "notes=ok\u{8}".into(),
            ],
            "Notes holds the control character U+0008 at character 3",
        ),
    ];
    cases.push((
        vec![
            "add".into(),
            "opportunity".into(),
            format!("description=A{}Z", nasty()),
        ],
        "Description holds the control character U+0001 at character 2",
    ));
    for (args, says) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = crm(&db, &args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_shown_only("the error", &err);
    }
    // `set` validates as `add` does.
    let (code, key, err) = crm(&db, &["add", "prospect", "name=Clean GmbH"]);
    assert_eq!(code, 0, "{err}");
    let key = key.trim().to_string();
    let (code, _, err) = crm(&db, &["set", "prospect", &key, "city=K\u{1b}[2Jöln"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("City holds the control character U+001B"),
        "{err}"
    );

    // An import names the row, the line and the column; nothing is imported.
    let (_, before, _) = crm(&db, &["list", "prospect", "--format", "csv"]);
    let file = dir.path().join("prospects.csv");
    std::fs::write(
        &file,
        "Name;Ort\nAlpha Antriebe GmbH;Kiel\nBeta\u{1b}[2J Guss AG;Bonn\nGamma;Ulm\u{7}\n",
    )
    .unwrap();
    let (code, out, err) = crm(
        &db,
        &["import", file.to_str().unwrap(), "--entity", "prospect"],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("row 3: error: line 3, column Name: Name holds the control character U+001B at character 5"),
        "{out}"
    );
    assert!(
        out.contains("row 4: error: line 4, column Ort: City holds the control character U+0007"),
        "{out}"
    );
    assert_shown_only("the import report", &out);
    let (_, after, _) = crm(&db, &["list", "prospect", "--format", "csv"]);
    assert_eq!(before, after, "nothing was imported");
    stop_server(&db);
}
