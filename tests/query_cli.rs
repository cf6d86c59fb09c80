//! `crm query` and `crm queries` as a user runs them: output through the list
//! printer, one-line errors with their columns, usage errors, saving and renaming.

mod common;

use common::cli::crm;

#[test]
fn crm_query_prints_like_list_and_reports_errors_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (code, _, err) = crm(&db, &["demo", "--records", "2000"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = crm(
        &db,
        &[
            "query",
            "stage:CLOSE amount>1000",
            "--entity",
            "opportunity",
            "--format",
            "csv",
            "--columns",
            "stage,amount",
            "--sort",
            "-amount",
            "--limit",
            "5",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "key,stage,amount");
    assert!(lines.len() > 1 && lines.len() <= 6, "{out}");
    assert!(lines[1..].iter().all(|l| l.contains(",CLOSE,")), "{out}");

    let (code, out, _) = crm(
        &db,
        &["query", "--saved", "past-due-tasks", "--format", "json"],
    );
    assert_eq!(code, 0);
    assert!(out.trim_start().starts_with('['));
    let (code, out, _) = crm(&db, &["queries"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("PIPELINE-BY-STAGE") && out.contains("STALE-LEADS"),
        "{out}"
    );

    for (args, want) in [
        (
            vec!["query", "stage:", "--entity", "opportunity"],
            "crm: expected a value after 'stage:' at column 7",
        ),
        (
            vec!["query", "amount:abc", "-e", "opportunity"],
            "at column 8",
        ),
        (
            vec!["query", "(stage:CLOSE", "-e", "opportunity"],
            "expected ')'",
        ),
        (
            vec!["query", "stge:X", "-e", "opportunity"],
            "did you mean 'stage'",
        ),
        (
            vec!["query", "x", "-e", "oportunity"],
            "did you mean 'opportunity'",
        ),
        (vec!["query", "--saved", "NOPE"], "does not exist"),
        (
            vec![
                "query",
                "stage:CLOSE",
                "-e",
                "opportunity",
                "--columns",
                "stage,colour",
            ],
            "--columns",
        ),
        (vec!["query", "salesperson:me", "-e", "opportunity"], "'me'"),
    ] {
        let (code, out, err) = crm(&db, &args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("crm: ") && err.contains(want),
            "{args:?}: {err}"
        );
    }
    let (code, _, _) = crm(&db, &["query", "stage:CLOSE"]);
    assert_eq!(code, 2, "no --entity is a usage error");

    // Save, rename, run and delete from the command line.
    let (code, _, err) = crm(
        &db,
        &[
            "query",
            "stage:CLOSE",
            "-e",
            "opportunity",
            "--columns",
            "stage",
            "--save",
            "mine",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // Saving onto a name in use asks for --replace, and changes nothing without it.
    let again = [
        "query",
        "stage:PROPOSAL",
        "-e",
        "opportunity",
        "--save",
        "mine",
    ];
    let (code, _, err) = crm(&db, &again);
    assert_ne!(code, 0);
    assert!(
        err.contains("MINE exists already") && err.contains("--replace"),
        "{err}"
    );
    let (code, out, _) = crm(&db, &["query", "--saved", "mine", "--format", "csv"]);
    assert_eq!((code, out.lines().next()), (0, Some("key,stage")));
    let (code, _, err) = crm(
        &db,
        &[&again[..], &["--columns", "stage", "--replace"]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = crm(&db, &["queries", "--rename", "mine", "closing"]);
    assert_eq!((code, out.trim()), (0, "CLOSING"));
    let (code, out, _) = crm(&db, &["query", "--saved", "closing", "--format", "csv"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().next(), Some("key,stage"));
    let (code, _, _) = crm(&db, &["queries", "--delete", "closing"]);
    assert_eq!(code, 0);
    let (code, out, _) = crm(&db, &["queries", "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(
        !out.contains("CLOSING") && out.contains("STALE-LEADS"),
        "{out}"
    );
}
