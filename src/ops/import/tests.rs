use super::*;
use crate::model::{ContactXref, Customer, Prospect, SalesContact};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let options = crate::store::OpenOptions {
        flush_each_write: false,
        ..Default::default()
    };
    let store = Store::open_with(dir.path(), &options).unwrap();
    (dir, store)
}

fn row(line: usize, values: &[(&str, &str)]) -> MappedRow {
    MappedRow {
        line,
        values: values
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect(),
    }
}

fn contact(store: &Store, last: &str, first: &str, company: &str, email: &str) -> String {
    store
        .insert(Box::new(SalesContact {
            last_name: last.into(),
            first_name: first.into(),
            company: company.into(),
            email: email.into(),
            ..Default::default()
        }))
        .unwrap()
}

fn contacts() -> ImportOptions {
    ImportOptions {
        entity: "sales_contact".into(),
        source: "test.csv".into(),
        ..ImportOptions::default()
    }
}

fn get(store: &Store, key: &str) -> SalesContact {
    store.get_as::<SalesContact>(key).unwrap().unwrap()
}

#[test]
fn rows_match_by_email_then_by_name_and_company_and_updates_only_fill_empty_fields() {
    let (_d, store) = store();
    let a = contact(
        &store,
        "Dörr",
        "Jürgen",
        "Hanse Robotik",
        "j.doerr@hanse.de",
    );
    let b = contact(&store, "Weber", "Anna", "Nordlicht AG", "");
    let rows = vec![
        // Same e-mail, other case: fills the phone, keeps the stored first name.
        row(
            2,
            &[
                ("last_name", "Doerr"),
                ("first_name", "J."),
                ("email", "J.Doerr@Hanse.de "),
                ("phone", "040 1234"),
            ],
        ),
        // Same name and company, folded for case and accents.
        row(
            3,
            &[
                ("last_name", "WEBER"),
                ("first_name", "anna"),
                ("company", "Nordlicht AG"),
                ("city", "Kiel"),
            ],
        ),
        row(4, &[("last_name", "Neu"), ("email", "neu@example.com")]),
    ];
    let r = run(&store, "anja", rows, &contacts(), &|_| {}, &|| false).unwrap();
    assert_eq!(
        r.rows[0].action,
        Action::Update {
            key: a.clone(),
            rule: "e-mail".into(),
            fields: vec!["phone".into()],
            kept: vec!["last_name".into(), "first_name".into(), "email".into()],
        }
    );
    assert!(
        matches!(&r.rows[1].action, Action::Update { key, rule, .. } if *key == b && rule == "name + company")
    );
    assert_eq!(r.rows[2].action, Action::Create);
    assert!(r.written && r.batch.is_some());
    let da = get(&store, &a);
    assert_eq!(
        (da.first_name.as_str(), da.phone.as_str()),
        ("Jürgen", "040 1234")
    );
    assert_eq!(get(&store, &b).city, "Kiel");
    assert_eq!(store.count(SalesContact::DEF), 3);

    // The same file again changes nothing.
    let again = vec![
        row(
            2,
            &[
                ("last_name", "Doerr"),
                ("email", "j.doerr@hanse.de"),
                ("phone", "040 1234"),
            ],
        ),
        row(4, &[("last_name", "Neu"), ("email", "neu@example.com")]),
    ];
    let r = run(&store, "anja", again, &contacts(), &|_| {}, &|| false).unwrap();
    assert_eq!((r.unchanged(), r.created(), r.updated()), (2, 0, 0));
    assert!(r.batch.is_none(), "nothing written, no batch");

    // --overwrite replaces what differs; an empty cell never blanks a value.
    let over = vec![row(
        2,
        &[
            ("last_name", ""),
            ("email", "j.doerr@hanse.de"),
            ("phone", "040 9999"),
        ],
    )];
    let options = ImportOptions {
        overwrite: true,
        ..contacts()
    };
    run(&store, "anja", over, &options, &|_| {}, &|| false).unwrap();
    let da = get(&store, &a);
    assert_eq!(
        (da.last_name.as_str(), da.phone.as_str()),
        ("Dörr", "040 9999")
    );
}

#[test]
fn duplicates_within_the_file_merge_and_two_candidates_are_ambiguous() {
    let (_d, store) = store();
    contact(&store, "Schmidt", "Paul", "Acme", "info@acme.de");
    contact(&store, "Schmidt", "Petra", "Acme", "info@acme.de");
    let rows = vec![
        row(2, &[("last_name", "Schmidt"), ("email", "info@acme.de")]),
        row(3, &[("last_name", "Berg"), ("email", "berg@x.de")]),
        row(
            4,
            &[
                ("last_name", "Berg"),
                ("email", "BERG@x.de"),
                ("mobile", "0170 1"),
            ],
        ),
    ];
    let r = run(&store, "anja", rows, &contacts(), &|_| {}, &|| false).unwrap();
    assert!(matches!(&r.rows[0].action, Action::Ambiguous { keys, .. } if keys.len() == 2));
    assert_eq!(r.rows[1].action, Action::Create);
    assert_eq!(
        r.rows[2].action,
        Action::SameAs {
            line: 3,
            rule: "e-mail".into()
        }
    );
    let key = r.rows[1].key.clone().unwrap();
    assert_eq!(
        get(&store, &key).mobile,
        "0170 1",
        "the repeat's values went to the first row"
    );
    assert_eq!(store.count(SalesContact::DEF), 3);
}

#[test]
fn a_bad_last_row_stops_the_whole_file_unless_bad_rows_are_skipped() {
    let (_d, store) = store();
    let rows = || {
        vec![
            row(2, &[("last_name", "Eins")]),
            row(3, &[("last_name", "Zwei"), ("birthday", "31.02.1980")]),
        ]
    };
    let r = run(&store, "anja", rows(), &contacts(), &|_| {}, &|| false).unwrap();
    assert!(!r.written);
    assert!(
        matches!(&r.rows[1].action, Action::Error { field: Some(f), message } if f == "birthday" && message.contains("31.02.1980"))
    );
    assert_eq!(store.count(SalesContact::DEF), 0, "nothing written");
    let options = ImportOptions {
        skip_bad: true,
        ..contacts()
    };
    let r = run(&store, "anja", rows(), &options, &|_| {}, &|| false).unwrap();
    assert!(r.written);
    assert_eq!((r.created(), r.errors()), (1, 1));
    assert_eq!(store.count(SalesContact::DEF), 1);
}

#[test]
fn references_are_found_by_key_or_name_and_companies_get_cross_references() {
    let (_d, store) = store();
    store
        .bulk_insert(crate::demo::generate(300, 3), |_| {})
        .unwrap();
    let customer = store.scan(Customer::DEF).next().unwrap().unwrap();
    let name = build::text(customer.as_ref(), "name");
    let rows = vec![row(
        2,
        &[("last_name", "Quer"), ("company", &name.to_uppercase())],
    )];
    let r = run(&store, "anja", rows, &contacts(), &|_| {}, &|| false).unwrap();
    assert_eq!(r.xrefs, 1);
    let key = r.rows[0].key.clone().unwrap();
    let xrefs = store
        .keys_naming(SalesContact::DEF, &key, ContactXref::DEF)
        .unwrap();
    assert_eq!(xrefs.len(), 1);
    let x = store.get_as::<ContactXref>(&xrefs[0]).unwrap().unwrap();
    assert_eq!(x.customer, customer.key());

    let territory = store
        .scan(crate::model::Territory::DEF)
        .next()
        .unwrap()
        .unwrap();
    let description = build::text(territory.as_ref(), "description");
    let options = ImportOptions {
        entity: "prospect".into(),
        ..contacts()
    };
    let rows = vec![row(
        2,
        &[
            ("name", "Neuland GmbH"),
            ("territory", &description.to_lowercase()),
        ],
    )];
    let r = run(&store, "anja", rows, &options, &|_| {}, &|| false).unwrap();
    let p = store
        .get(Prospect::DEF, r.rows[0].key.as_deref().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(build::text(p.as_ref(), "territory"), territory.key());
    let rows = vec![row(2, &[("name", "Irgendwo"), ("territory", "Atlantis")])];
    let r = run(&store, "anja", rows, &options, &|_| {}, &|| false).unwrap();
    assert!(
        matches!(&r.rows[0].action, Action::Error { message, .. } if message.contains("'Atlantis'"))
    );
}

#[test]
fn an_import_is_taken_back_and_a_cut_off_one_is_rolled_back_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let kept;
    {
        let store = Store::open(dir.path()).unwrap();
        kept = contact(&store, "Alt", "", "", "alt@x.de");
        let rows = vec![
            row(
                2,
                &[("last_name", "Alt"), ("email", "alt@x.de"), ("city", "Ulm")],
            ),
            row(3, &[("last_name", "Neu")]),
        ];
        let r = run(&store, "anja", rows, &contacts(), &|_| {}, &|| false).unwrap();
        let batch = r.batch.unwrap();
        let back = store.revert_import(&batch).unwrap();
        assert_eq!((back.deleted, back.restored), (1, 1));
        assert_eq!(store.count(SalesContact::DEF), 1);
        assert_eq!(get(&store, &kept).city, "");
        assert!(store.revert_import(&batch).is_err(), "twice is refused");

        // A batch that was cut off: written, but its journal still open.
        let rows = vec![
            row(
                2,
                &[
                    ("last_name", "Alt"),
                    ("email", "alt@x.de"),
                    ("city", "Bonn"),
                ],
            ),
            row(3, &[("last_name", "Neu")]),
        ];
        let r = run(&store, "anja", rows, &contacts(), &|_| {}, &|| false).unwrap();
        store.reopen_batch_for_test(r.batch.as_deref().unwrap());
        assert_eq!(store.count(SalesContact::DEF), 2);
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.count(SalesContact::DEF), 1);
    assert_eq!(get(&store, &kept).city, "");
    assert!(
        store.audit().unwrap().is_clean(),
        "{:?}",
        store.audit().unwrap()
    );
}

#[test]
fn an_import_given_up_between_its_chunks_takes_back_what_it_wrote() {
    let (_d, store) = store();
    contact(&store, "Bleibt", "", "", "bleibt@x.de");
    let rows: Vec<MappedRow> = (0..3000)
        .map(|i| {
            row(
                i + 2,
                &[
                    ("last_name", &format!("Neu{i}")),
                    ("email", &format!("n{i}@x.de")),
                ],
            )
        })
        .collect();
    // Three checks while planning, one before each of the two chunks: the
    // second chunk's check gives up, after the first chunk was written.
    let calls = std::cell::Cell::new(0);
    let cancelled = || {
        calls.set(calls.get() + 1);
        calls.get() >= 5
    };
    let err = run(&store, "anja", rows, &contacts(), &|_| {}, &cancelled).unwrap_err();
    assert!(
        err.to_string().contains("cancelled; nothing changed"),
        "{err}"
    );
    assert_eq!(calls.get(), 5);
    assert_eq!(store.count(SalesContact::DEF), 1);
    let batches = store.import_batches().unwrap();
    assert_eq!(batches[0].state, crate::store::BatchState::RolledBack);
    assert!(store.audit().unwrap().is_clean());
}

#[test]
fn namesakes_with_other_e_mails_are_two_people() {
    let (_d, store) = store();
    let stored = contact(&store, "Meyer", "Jan", "Acme", "jan@acme.de");
    let rows = vec![
        // Same name and company, another e-mail: someone else.
        row(
            2,
            &[
                ("last_name", "Meyer"),
                ("first_name", "Jan"),
                ("company", "Acme"),
                ("email", "j.meyer@privat.de"),
            ],
        ),
        row(
            3,
            &[
                ("last_name", "Meyer"),
                ("first_name", "Jan"),
                ("company", "Acme"),
                ("email", "jan.m@zweit.de"),
            ],
        ),
        // No e-mail: the name and company decide.
        row(
            4,
            &[
                ("last_name", "Meyer"),
                ("first_name", "Jan"),
                ("company", "Acme"),
                ("city", "Ulm"),
            ],
        ),
    ];
    let r = run(&store, "anja", rows, &contacts(), &|_| {}, &|| false).unwrap();
    assert_eq!(r.rows[0].action, Action::Create);
    assert_eq!(r.rows[1].action, Action::Create);
    assert_eq!(
        r.rows[2].action,
        Action::Ambiguous {
            keys: vec![stored, "row 2".into(), "row 3".into()],
            rule: "name + company".into()
        }
    );
}

#[test]
fn a_control_character_is_the_rows_error_and_line_breaks_join_a_single_line_field() {
    let (_d, store) = store();
    let rows = vec![
        row(
            2,
            &[("last_name", "Eins"), ("street", "Hauptstr. 1\r\nHof\tB")],
        ),
        row(3, &[("last_name", "Zw\u{1b}[2Jei")]),
        row(4, &[("last_name", "Drei"), ("notes", "eins\nzwei\u{0}")]),
        row(5, &[("last_name", "Vier"), ("notes", "eins\n\tzwei")]),
    ];
    let r = run(&store, "anja", rows, &contacts(), &|_| {}, &|| false).unwrap();
    assert!(!r.written);
    assert_eq!(r.rows[0].action, Action::Create);
    assert!(
        matches!(&r.rows[1].action, Action::Error { field: Some(f), message }
            if f == "last_name" && message.contains("U+001B at character 3")),
        "{:?}",
        r.rows[1]
    );
    assert!(
        matches!(&r.rows[2].action, Action::Error { field: Some(f), message }
            if f == "notes" && message.contains("U+0000")),
        "{:?}",
        r.rows[2]
    );
    assert_eq!(r.rows[3].action, Action::Create);
    let options = ImportOptions {
        skip_bad: true,
        ..contacts()
    };
    let rows = vec![
        row(
            2,
            &[("last_name", "Eins"), ("street", "Hauptstr. 1\r\nHof\tB")],
        ),
        row(3, &[("last_name", "Zw\u{1b}[2Jei")]),
    ];
    let r = run(&store, "anja", rows, &options, &|_| {}, &|| false).unwrap();
    assert_eq!((r.created(), r.errors()), (1, 1));
    let key = r.rows[0].key.clone().unwrap();
    assert_eq!(get(&store, &key).street, "Hauptstr. 1 Hof B");
}
