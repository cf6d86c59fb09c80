//! The store through its public API: round trips, keys, referential integrity,
//! validation, indexes, the one-process lock and durability.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{
    add, assert_clean, counts, def, fast_store, fill_every_entity, keys, record, snapshot,
    temp_store,
};
use termcrm::model::{
    Campaign, Entity, Lead, Money, Opportunity, Prospect, Record, SalesTeam, Territory, ENTITIES,
};
use termcrm::store::{IndexKind, OpenOptions, Referrer, Store, StoreError};

/// The reference data most tests need: two territories, two teams, a salesperson.
fn base(store: &Store) {
    add(
        store,
        "territory",
        &[("key", "NORD"), ("description", "Norddeutschland")],
    );
    add(
        store,
        "territory",
        &[("key", "SUED"), ("description", "Süddeutschland")],
    );
    add(
        store,
        "sales_team",
        &[("key", "TEAM_A"), ("name", "Team Alpha")],
    );
    add(
        store,
        "sales_team",
        &[("key", "TEAM_B"), ("name", "Team Beta")],
    );
    add(
        store,
        "salesperson",
        &[("key", "AM"), ("name", "Anna Müller")],
    );
}

fn opportunity(fields: &[(&str, &str)]) -> Box<dyn Record> {
    record("opportunity", fields)
}

#[test]
fn every_entity_round_trips_with_every_field_filled() {
    let (_dir, store) = fast_store();
    let inserted = fill_every_entity(&store, 2);
    let covered: BTreeSet<&str> = inserted.iter().map(|r| r.def().name).collect();
    assert_eq!(covered.len(), ENTITIES.len(), "covered: {covered:?}");
    for r in &inserted {
        let back = store
            .get(r.def(), r.key())
            .unwrap()
            .unwrap_or_else(|| panic!("{} {} not found", r.def().name, r.key()));
        assert!(back.eq_record(r.as_ref()), "{r:?}\nread back as\n{back:?}");
    }
    // The typed path gives the same.
    let opp = inserted
        .iter()
        .find(|r| r.def().name == "opportunity")
        .unwrap();
    let typed: Opportunity = store.get_as(opp.key()).unwrap().unwrap();
    assert!(typed.eq_record(opp.as_ref()));
    assert!(!typed.items.is_empty() && !typed.competitors.is_empty());
    for def in ENTITIES {
        assert_eq!(store.count(def), 2, "{}", def.name);
    }
    assert_clean(&store);
}

#[test]
fn demo_records_round_trip_through_single_inserts() {
    let (_dir, store) = fast_store();
    let records: Vec<Box<dyn Record>> = termcrm::demo::generate(400, 7).collect();
    assert!(
        !records.is_empty(),
        "the demo generator gives no records (still the placeholder?)"
    );
    let mut stored = Vec::with_capacity(records.len());
    for r in records {
        let mut r = r;
        let key = store
            .insert(r.clone())
            .unwrap_or_else(|e| panic!("insert {r:?}: {e}"));
        if r.key().is_empty() {
            r.set_key(key.clone());
        }
        assert_eq!(
            r.key().to_uppercase(),
            key,
            "the key a record came with is kept"
        );
        stored.push(r);
    }
    let mut covered = BTreeSet::new();
    for r in &stored {
        let back = store
            .get(r.def(), &r.key().to_uppercase())
            .unwrap()
            .unwrap_or_else(|| panic!("{} {} not found", r.def().name, r.key()));
        assert!(back.eq_record(r.as_ref()), "{r:?}\nread back as\n{back:?}");
        covered.insert(r.def().name);
    }
    // Settings (saved queries) are the user's, not demo data.
    let missing: Vec<_> = ENTITIES
        .iter()
        .map(|d| d.name)
        .filter(|n| !covered.contains(n) && !termcrm::model::is_setting(n))
        .collect();
    assert!(missing.is_empty(), "demo data lacks {missing:?}");
    assert_eq!(store.total_records(), stored.len());
    assert_clean(&store);
}

#[test]
fn generated_keys_count_up_and_move_past_explicit_ones() {
    let (_dir, store) = fast_store();
    let a = store
        .insert(opportunity(&[("description", "eins")]))
        .unwrap();
    let b = store
        .insert(opportunity(&[("description", "zwei")]))
        .unwrap();
    assert_eq!((a.as_str(), b.as_str()), ("OPP0000001", "OPP0000002"));
    let explicit = store
        .insert(opportunity(&[
            ("key", "opp0000050"),
            ("description", "fünfzig"),
        ]))
        .unwrap();
    assert_eq!(explicit, "OPP0000050");
    let next = store
        .insert(opportunity(&[("description", "danach")]))
        .unwrap();
    assert_eq!(next, "OPP0000051");
    // An explicit key below the counter does not move it back.
    let low = store
        .insert(opportunity(&[
            ("key", "OPP0000010"),
            ("description", "zehn"),
        ]))
        .unwrap();
    assert_eq!(low, "OPP0000010");
    let after = store
        .insert(opportunity(&[("description", "weiter")]))
        .unwrap();
    assert_eq!(after, "OPP0000052");
    // Deleting the newest does not hand its key out again.
    store.delete(Opportunity::DEF, &after).unwrap();
    let again = store
        .insert(opportunity(&[("description", "neu")]))
        .unwrap();
    assert_eq!(again, "OPP0000053");
    // A key far ahead, typed by hand, leaves the counter where it is: the keys
    // generated after keep seven digits and their order.
    let far = store
        .insert(opportunity(&[
            ("key", "OPP9999999"),
            ("description", "weit"),
        ]))
        .unwrap();
    assert_eq!(far, "OPP9999999");
    let near = store
        .insert(opportunity(&[("description", "nah")]))
        .unwrap();
    assert_eq!(near, "OPP0000054");
    // Each entity counts on its own.
    let p = add(&store, "prospect", &[("name", "Bäckerei Groß")]);
    assert_eq!(p, "PRO0000001");
    let dup = store
        .insert(opportunity(&[
            ("key", "OPP0000050"),
            ("description", "doppelt"),
        ]))
        .unwrap_err();
    assert!(
        matches!(&dup, StoreError::Duplicate { entity: "opportunity", key } if key == "OPP0000050"),
        "{dup:?}"
    );
    assert_clean(&store);
}

#[test]
fn code_keys_are_upper_cased_and_bad_ones_refused() {
    let (_dir, store) = fast_store();
    let key = add(
        &store,
        "territory",
        &[("key", " nord "), ("description", "Nord")],
    );
    assert_eq!(key, "NORD");
    let t: Territory = store.get_as("NORD").unwrap().unwrap();
    assert_eq!(t.key, "NORD");
    assert!(
        store.get(Territory::DEF, "nord").unwrap().is_none(),
        "keys are stored upper-case"
    );
    assert_eq!(store.fetch(Territory::DEF, "nord").unwrap().key(), "NORD");

    let mut lower = record("territory", &[("description", "Süd")]);
    lower.set_key(" sued".into());
    assert_eq!(store.insert(lower).unwrap(), "SUED");

    let before = snapshot(&store);
    for bad in ["a b", "", "   ", "NÖRD", "x;y", &"X".repeat(33)] {
        let mut r = record("territory", &[("description", "Falsch")]);
        r.set_key(bad.to_string());
        let err = store.insert(r).unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid { entity: "territory", field, .. } if field == "key"),
            "key {bad:?}: {err:?}"
        );
    }
    let err = store
        .insert(record(
            "territory",
            &[("key", "NORD"), ("description", "noch einmal")],
        ))
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err:?}");
    assert_eq!(snapshot(&store), before);
    assert_clean(&store);
}

#[test]
fn dangling_reference_is_refused_and_nothing_changes() {
    let (_dir, store) = fast_store();
    base(&store);
    let opp = store
        .insert(opportunity(&[
            ("description", "Anlage"),
            ("territory", "NORD"),
        ]))
        .unwrap();
    let before = snapshot(&store);
    let before_counts = counts(&store);

    let err = store
        .insert(opportunity(&[
            ("description", "Anlage"),
            ("territory", "NORTH"),
        ]))
        .unwrap_err();
    match &err {
        StoreError::DanglingRef {
            entity,
            field,
            value,
            target,
            suggestion,
            ..
        } => {
            assert_eq!(
                (*entity, field.as_str(), value.as_str()),
                ("opportunity", "territory", "NORTH")
            );
            assert_eq!(*target, "territory");
            assert!(suggestion.contains("NORD"), "{suggestion}");
        }
        other => panic!("expected a dangling reference, got {other:?}"),
    }
    let text = err.to_string();
    for part in ["opportunity", "territory", "NORTH", "did you mean NORD"] {
        assert!(text.contains(part), "'{part}' missing in: {text}");
    }

    // Nothing close: no suggestion, still refused.
    let err = store
        .insert(opportunity(&[
            ("description", "x"),
            ("stage", "QQQQQQQQQQ"),
        ]))
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::DanglingRef { field, .. } if field == "stage"),
        "{err:?}"
    );
    assert!(!err.to_string().contains("did you mean"), "{err}");

    // In a list, in a child line, and on update.
    let err = store
        .insert(opportunity(&[
            ("description", "x"),
            ("competitors", "ACME"),
        ]))
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::DanglingRef { field, value, .. } if field == "competitors" && value == "ACME"),
        "{err:?}"
    );
    let err = store
        .insert(opportunity(&[("description", "x"), ("items", "WIDGET|2|")]))
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::DanglingRef { field, value, .. } if field == "items.item" && value == "WIDGET"),
        "{err:?}"
    );
    let mut changed = store.fetch(Opportunity::DEF, &opp).unwrap();
    termcrm::model::assign::apply(changed.as_mut(), &[("sales_team", "TEAM_C")]).unwrap();
    let err = store.update(changed).unwrap_err();
    assert!(
        matches!(&err, StoreError::DanglingRef { key, field, value, .. } if key == &opp && field == "sales_team" && value == "TEAM_C"),
        "{err:?}"
    );

    assert_eq!(counts(&store), before_counts);
    assert_eq!(snapshot(&store), before);
    assert_clean(&store);
    // The refused inserts drew no keys.
    let next = store.insert(opportunity(&[("description", "y")])).unwrap();
    assert_eq!(next, "OPP0000002");
}

#[test]
fn deleting_a_referenced_record_lists_its_referrers() {
    let (_dir, store) = fast_store();
    base(&store);
    let pro = add(
        &store,
        "prospect",
        &[("name", "Bäckerei Groß"), ("territory", "NORD")],
    );
    let opp = add(
        &store,
        "opportunity",
        &[
            ("description", "Öfen"),
            ("prospect", &pro),
            ("territory", "SUED"),
        ],
    );
    let lead = add(&store, "lead", &[("last_name", "Groß"), ("prospect", &pro)]);
    let before = snapshot(&store);

    let err = store.delete(Prospect::DEF, &pro).unwrap_err();
    match &err {
        StoreError::Referenced {
            entity,
            key,
            referrers,
            total,
        } => {
            assert_eq!(
                (*entity, key.as_str(), *total),
                ("prospect", pro.as_str(), 2)
            );
            let mut got: Vec<(String, String, String)> = referrers
                .iter()
                .map(|r| (r.entity.clone(), r.key.clone(), r.field.clone()))
                .collect();
            got.sort();
            let want = vec![
                ("lead".to_string(), lead.clone(), "prospect".to_string()),
                (
                    "opportunity".to_string(),
                    opp.clone(),
                    "prospect".to_string(),
                ),
            ];
            assert_eq!(got, want);
        }
        other => panic!("expected Referenced, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains(&opp) && text.contains(&lead), "{text}");
    let err = store.delete(Territory::DEF, "NORD").unwrap_err();
    assert!(
        matches!(&err, StoreError::Referenced { referrers, .. } if referrers == &[Referrer { entity: "prospect".into(), key: pro.clone(), field: "territory".into() }]),
        "{err:?}"
    );
    assert_eq!(snapshot(&store), before);
    assert_clean(&store);

    // Once nothing names it, it goes, and its index entries with it.
    store.delete(Opportunity::DEF, &opp).unwrap();
    assert!(store
        .referrers(Territory::DEF, "SUED", 10)
        .unwrap()
        .0
        .is_empty());
    let err = store.delete(Prospect::DEF, &pro).unwrap_err();
    assert!(
        matches!(&err, StoreError::Referenced { total: 1, .. }),
        "{err:?}"
    );
    store.delete(Lead::DEF, &lead).unwrap();
    store.delete(Prospect::DEF, &pro).unwrap();
    assert!(store.get(Prospect::DEF, &pro).unwrap().is_none());
    assert!(store
        .list_by(IndexKind::Territory, "NORD", Prospect::DEF, None)
        .unwrap()
        .is_empty());
    assert_eq!(
        store.referrers(Territory::DEF, "NORD", 10).unwrap(),
        (vec![], 0)
    );
    store.delete(Territory::DEF, "NORD").unwrap();
    assert_clean(&store);
    let report = store.audit().unwrap();
    assert_eq!(
        (
            report.territory_entries,
            report.team_entries,
            report.ref_entries
        ),
        (0, 0, 0)
    );

    let err = store.delete(Prospect::DEF, &pro).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                entity: "prospect",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_territory_or_team_change_moves_the_record_between_listings() {
    let (_dir, store) = fast_store();
    base(&store);
    let opp = add(
        &store,
        "opportunity",
        &[
            ("description", "Kran"),
            ("territory", "NORD"),
            ("sales_team", "TEAM_A"),
        ],
    );
    let other = add(
        &store,
        "opportunity",
        &[("description", "Bagger"), ("territory", "NORD")],
    );
    let listed =
        |index, code: &str| keys(&store.list_by(index, code, Opportunity::DEF, None).unwrap());
    assert_eq!(
        listed(IndexKind::Territory, "NORD"),
        vec![opp.clone(), other.clone()]
    );
    assert_eq!(
        listed(IndexKind::Territory, "nord"),
        vec![opp.clone(), other.clone()]
    );
    assert!(listed(IndexKind::Territory, "SUED").is_empty());
    assert_eq!(listed(IndexKind::Team, "TEAM_A"), vec![opp.clone()]);
    assert_eq!(listed(IndexKind::Territory, "NORD").len(), 2);
    assert_eq!(
        store
            .list_by(IndexKind::Territory, "NORD", Opportunity::DEF, Some(1))
            .unwrap()
            .len(),
        1
    );

    let mut o: Opportunity = store.get_as(&opp).unwrap().unwrap();
    o.territory = "SUED".into();
    o.sales_team = "TEAM_B".into();
    o.amount = Some(Money::eur(99_00));
    store.update(Box::new(o.clone())).unwrap();
    assert_eq!(listed(IndexKind::Territory, "NORD"), vec![other.clone()]);
    assert_eq!(listed(IndexKind::Territory, "SUED"), vec![opp.clone()]);
    assert!(listed(IndexKind::Team, "TEAM_A").is_empty());
    assert_eq!(listed(IndexKind::Team, "TEAM_B"), vec![opp.clone()]);
    // The index carries the record as it is now.
    let via_index = store
        .list_by(IndexKind::Territory, "SUED", Opportunity::DEF, None)
        .unwrap();
    assert!(via_index[0].eq_record(&o));
    assert_eq!(
        store.count_by(IndexKind::Territory, "NORD").unwrap(),
        vec![("opportunity".to_string(), 1)]
    );

    // Clearing the territory takes the record out of every territory listing.
    o.territory.clear();
    store.update(Box::new(o)).unwrap();
    assert!(listed(IndexKind::Territory, "SUED").is_empty());
    assert_eq!(listed(IndexKind::Territory, "NORD"), vec![other]);
    assert_clean(&store);
}

#[test]
fn reverse_lookups_follow_updates() {
    let (_dir, store) = fast_store();
    base(&store);
    let p1 = add(&store, "prospect", &[("name", "Schäfer KG")]);
    let p2 = add(&store, "prospect", &[("name", "Weiß AG")]);
    let c1 = add(&store, "customer", &[("name", "Größer GmbH")]);
    let o1 = add(
        &store,
        "opportunity",
        &[("description", "a"), ("prospect", &p1)],
    );
    let o2 = add(
        &store,
        "opportunity",
        &[("description", "b"), ("prospect", &p1)],
    );
    let naming = |target: &str, key: &str, entity: &str| {
        store.keys_naming(def(target), key, def(entity)).unwrap()
    };
    assert_eq!(
        naming("prospect", &p1, "opportunity"),
        vec![o1.clone(), o2.clone()]
    );
    assert!(naming("prospect", &p2, "opportunity").is_empty());

    let mut o: Opportunity = store.get_as(&o1).unwrap().unwrap();
    o.prospect = p2.clone();
    store.update(Box::new(o.clone())).unwrap();
    assert_eq!(naming("prospect", &p1, "opportunity"), vec![o2.clone()]);
    assert_eq!(naming("prospect", &p2, "opportunity"), vec![o1.clone()]);

    o.prospect.clear();
    o.customer = c1.clone();
    store.update(Box::new(o)).unwrap();
    assert!(naming("prospect", &p2, "opportunity").is_empty());
    assert_eq!(naming("customer", &c1, "opportunity"), vec![o1.clone()]);
    let (referrers, total) = store.referrers(def("customer"), &c1, 10).unwrap();
    assert_eq!(total, 1);
    assert_eq!(referrers[0].key, o1);

    // A task hangs off its opportunity.
    let t = add(
        &store,
        "opportunity_task",
        &[("opportunity", &o2), ("description", "anrufen")],
    );
    assert_eq!(
        naming("opportunity", &o2, "opportunity_task"),
        vec![t.clone()]
    );
    store.delete(def("opportunity_task"), &t).unwrap();
    assert!(naming("opportunity", &o2, "opportunity_task").is_empty());
    store.delete(Opportunity::DEF, &o2).unwrap();
    assert!(naming("prospect", &p1, "opportunity").is_empty());
    assert_clean(&store);
}

#[test]
fn invalid_values_are_refused_and_nothing_changes() {
    let (_dir, store) = fast_store();
    base(&store);
    let pro = add(&store, "prospect", &[("name", "Köhler OHG")]);
    let cus = add(&store, "customer", &[("name", "Brückner GmbH")]);
    let opp = add(
        &store,
        "opportunity",
        &[("description", "Pumpen"), ("prospect", &pro)],
    );
    add(
        &store,
        "item",
        &[("key", "ITEM"), ("description", "Pumpe P-100")],
    );
    let cmp = add(
        &store,
        "campaign",
        &[
            ("description", "Messe"),
            ("start_date", "2026-03-01"),
            ("end_date", "2026-03-01"),
        ],
    );
    let before = snapshot(&store);

    // (entity, fields, the field the error names, the value it names)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            "opportunity",
            vec![("description", "x"), ("probability", "150")],
            "probability",
            "150",
        ),
        (
            "opportunity",
            vec![("description", "x"), ("probability", "-1")],
            "probability",
            "-1",
        ),
        (
            "campaign",
            vec![
                ("description", "Messe"),
                ("start_date", "2026-03-10"),
                ("end_date", "2026-03-01"),
            ],
            "end_date",
            "2026-03-01",
        ),
        (
            "prospect",
            vec![("name", "x"), ("email", "anna.example.de")],
            "email",
            "anna.example.de",
        ),
        (
            "prospect",
            vec![("name", "x"), ("email", "anna@localhost")],
            "email",
            "anna@localhost",
        ),
        ("opportunity", vec![("amount", "100")], "description", ""),
        (
            "opportunity",
            vec![("description", "   ")],
            "description",
            "",
        ),
        ("territory", vec![("key", "WEST")], "description", ""),
        (
            "opportunity",
            vec![("description", "x"), ("customer", &cus), ("prospect", &pro)],
            "prospect",
            &pro,
        ),
        (
            "lead",
            vec![("last_name", "x"), ("customer", &cus), ("prospect", &pro)],
            "prospect",
            &pro,
        ),
        (
            "quote",
            vec![("customer", &cus), ("lines", "ITEM|1|10|120")],
            "lines",
            "",
        ),
    ];
    for (entity, fields, field, value) in cases {
        let err = store.insert(record(entity, &fields)).unwrap_err();
        match &err {
            StoreError::Invalid {
                entity: e,
                field: f,
                value: v,
                ..
            } => {
                assert_eq!((*e, f.as_str()), (entity, field), "{fields:?}: {err}");
                if field != "lines" {
                    assert_eq!(v, value, "{fields:?}: {err}");
                }
            }
            other => panic!("{entity} {fields:?}: expected Invalid, got {other:?}"),
        }
        let text = err.to_string();
        assert!(text.starts_with(entity) && text.contains(field), "{text}");
    }

    // The same rules hold on update.
    let mut o: Opportunity = store.get_as(&opp).unwrap().unwrap();
    o.customer = cus.clone();
    let err = store.update(Box::new(o)).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { key, field, .. } if key == &opp && field == "prospect"),
        "{err}"
    );
    let mut o: Opportunity = store.get_as(&opp).unwrap().unwrap();
    o.probability = Some(101);
    assert!(matches!(
        store.update(Box::new(o)).unwrap_err(),
        StoreError::Invalid { .. }
    ));
    let mut c: Campaign = store.get_as(&cmp).unwrap().unwrap();
    c.end_date = chrono::NaiveDate::from_ymd_opt(2026, 2, 28);
    let err = store.update(Box::new(c)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&cmp) && text.contains("end_date lies before start_date"),
        "{text}"
    );
    assert_eq!(snapshot(&store), before, "refused writes changed records");
    assert_clean(&store);
}

#[test]
fn updating_or_deleting_a_missing_record_is_not_found() {
    let (_dir, store) = fast_store();
    add(
        &store,
        "territory",
        &[("key", "NORD"), ("description", "Nord")],
    );
    let t = Territory {
        key: "NORDX".into(),
        description: "x".into(),
        ..Default::default()
    };
    let err = store.update(Box::new(t)).unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::NotFound {
                entity: "territory",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("did you mean NORD"), "{err}");
    let err = store.delete(SalesTeam::DEF, "NOPE").unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert_eq!(store.total_records(), 1);
}

#[test]
fn a_second_open_of_the_same_database_is_refused_with_a_clear_error() {
    let (dir, store) = temp_store();
    add(
        &store,
        "territory",
        &[("key", "NORD"), ("description", "Nord")],
    );
    let err = match Store::open(dir.path()) {
        Ok(_) => panic!("a second open of a database in use succeeded"),
        Err(e) => e,
    };
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("is in use by another crm process"), "{text}");
    assert!(text.contains(&dir.path().display().to_string()), "{text}");
    assert!(
        text.contains(&format!("pid {}", std::process::id())),
        "{text}"
    );
    assert!(!text.contains('\n'), "{text}");
    // The first store is unaffected, and once it is closed the database opens.
    assert!(store.contains(Territory::DEF, "NORD").unwrap());
    drop(store);
    let again = Store::open(dir.path()).unwrap();
    assert!(again.contains(Territory::DEF, "NORD").unwrap());
}

#[test]
fn bulk_insert_writes_records_and_their_index_entries() {
    let (_dir, store) = fast_store();
    // Records naming records earlier in the same load.
    let mut batch: Vec<Box<dyn Record>> = vec![
        record("territory", &[("key", "NORD"), ("description", "Nord")]),
        record("sales_team", &[("key", "TEAM_A"), ("name", "Alpha")]),
        record(
            "prospect",
            &[
                ("key", "PRO0000007"),
                ("name", "Bäcker"),
                ("territory", "NORD"),
            ],
        ),
    ];
    for i in 0..120 {
        let territory = if i % 3 == 0 { "" } else { "NORD" };
        batch.push(record(
            "opportunity",
            &[
                ("description", &format!("Chance {i}")),
                ("territory", territory),
                ("sales_team", "TEAM_A"),
                ("prospect", "PRO0000007"),
            ],
        ));
    }
    let mut progress = Vec::new();
    let report = store.bulk_insert(batch, |n| progress.push(n)).unwrap();
    assert_eq!(report.inserted, 123);
    assert_eq!(progress.last(), Some(&123));
    assert_eq!(store.count(Opportunity::DEF), 120);
    assert_eq!(
        store
            .list_by(IndexKind::Territory, "NORD", Opportunity::DEF, None)
            .unwrap()
            .len(),
        80
    );
    assert_eq!(
        store
            .list_by(IndexKind::Team, "TEAM_A", Opportunity::DEF, None)
            .unwrap()
            .len(),
        120
    );
    assert_eq!(
        store
            .keys_naming(Prospect::DEF, "PRO0000007", Opportunity::DEF)
            .unwrap()
            .len(),
        120
    );
    assert_clean(&store);
    // Generated keys continue after the load, for both kinds of key.
    assert_eq!(
        store.insert(opportunity(&[("description", "x")])).unwrap(),
        "OPP0000121"
    );
    assert_eq!(add(&store, "prospect", &[("name", "y")]), "PRO0000008");

    // A bulk load goes into an empty database only.
    let more = vec![record(
        "territory",
        &[("key", "OST"), ("description", "Ost")],
    )];
    assert!(matches!(
        store.bulk_insert(more, |_| {}).unwrap_err(),
        StoreError::Refused(_)
    ));
    assert_clean(&store);
    // An invalid record stops the load with its error, and the load is taken
    // back whole.
    let (_fresh_dir, fresh) = fast_store();
    let bad = vec![
        record("territory", &[("key", "SUED"), ("description", "Süd")]),
        record(
            "opportunity",
            &[("description", "x"), ("territory", "WEST")],
        ),
    ];
    let err = fresh.bulk_insert(bad, |_| {}).unwrap_err();
    assert!(
        matches!(&err, StoreError::DanglingRef { value, .. } if value == "WEST"),
        "{err:?}"
    );
    assert!(
        !fresh.contains(Territory::DEF, "SUED").unwrap(),
        "a refused load is not written"
    );
    let dup = vec![
        record("territory", &[("key", "NORD"), ("description", "Nord")]),
        record("territory", &[("key", "NORD"), ("description", "again")]),
    ];
    assert!(matches!(
        fresh.bulk_insert(dup, |_| {}).unwrap_err(),
        StoreError::Duplicate { .. }
    ));
    assert_eq!(fresh.total_records(), 0);
    assert_clean(&fresh);

    let mut report = store.repair().unwrap();
    assert!(report.is_clean());
    assert_eq!(report.territory_entries, 80 + 1);
    // The repair says what it did; the rest is the check's report.
    assert!(!std::mem::take(&mut report.repaired).is_empty());
    assert_eq!(report, store.audit().unwrap());
}

#[test]
fn bulk_insert_of_demo_data_audits_clean() {
    let (_dir, store) = fast_store();
    let report = store
        .bulk_insert(termcrm::demo::generate(1500, 3), |_| {})
        .unwrap();
    assert!(report.inserted > 0, "the demo generator gives no records");
    assert_eq!(store.total_records(), report.inserted);
    let audit = store.audit().unwrap();
    assert!(audit.is_clean(), "{audit}");
    assert!(
        audit.territory_entries > 0 && audit.team_entries > 0 && audit.ref_entries > 0,
        "{audit}"
    );
    let by_entity: BTreeMap<_, _> = audit.records.iter().cloned().collect();
    for def in ENTITIES
        .iter()
        .filter(|d| !termcrm::model::is_setting(d.name))
    {
        assert!(by_entity[def.name] > 0, "demo data lacks {}", def.name);
    }
}

#[test]
fn saved_records_survive_a_reopen_and_the_counter_continues() {
    let dir = tempfile::tempdir().unwrap();
    let (opp, pro) = {
        let store = Store::open(dir.path()).unwrap();
        base(&store);
        let pro = add(
            &store,
            "prospect",
            &[("name", "Jürgen Weiß"), ("territory", "NORD")],
        );
        let opp = add(
            &store,
            "opportunity",
            &[
                ("description", "Förderband"),
                ("prospect", &pro),
                ("amount", "1.500,00"),
                ("territory", "NORD"),
            ],
        );
        (opp, pro)
    };
    let store = Store::open(dir.path()).unwrap();
    let o: Opportunity = store
        .get_as(&opp)
        .unwrap()
        .expect("saved before the reopen");
    assert_eq!(o.description, "Förderband");
    assert_eq!(o.amount, Some(Money::eur(150_000)));
    assert_eq!(o.prospect, pro);
    assert_eq!(
        keys(
            &store
                .list_by(IndexKind::Territory, "NORD", Opportunity::DEF, None)
                .unwrap()
        ),
        vec![opp]
    );
    assert_eq!(
        store
            .insert(opportunity(&[("description", "zwei")]))
            .unwrap(),
        "OPP0000002"
    );
    assert_eq!(
        store.schema_version().unwrap(),
        Some(termcrm::store::SCHEMA_VERSION)
    );
    assert_clean(&store);
    drop(store);

    // Without a flush after each write, a clean close still keeps everything.
    let options = OpenOptions {
        flush_each_write: false,
        ..Default::default()
    };
    {
        let store = Store::open_with(dir.path(), &options).unwrap();
        assert_eq!(
            store
                .insert(opportunity(&[("description", "drei")]))
                .unwrap(),
            "OPP0000003"
        );
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.count(Opportunity::DEF), 3);
    assert_eq!(
        store
            .insert(opportunity(&[("description", "vier")]))
            .unwrap(),
        "OPP0000004"
    );
}

#[test]
fn a_long_list_of_referrers_is_cut_at_ten() {
    let (_dir, store) = fast_store();
    base(&store);
    let pro = add(&store, "prospect", &[("name", "Hoffmann")]);
    for i in 0..12 {
        add(
            &store,
            "opportunity",
            &[("description", &format!("Chance {i}")), ("prospect", &pro)],
        );
    }
    let err = store.delete(Prospect::DEF, &pro).unwrap_err();
    match &err {
        StoreError::Referenced {
            referrers, total, ..
        } => {
            assert_eq!((referrers.len(), *total), (10, 12));
            assert_eq!(referrers[0].key, "OPP0000001");
        }
        other => panic!("expected Referenced, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("12 record(s) name it"), "{text}");
    assert!(text.contains("OPP0000010 (prospect), ...;"), "{text}");
    assert!(!text.contains("OPP0000011"), "{text}");
}

/// `Store::update` looks the old record up by the normalised key but writes the
/// new one under the key as given, so a lower-case key adds a second record and
/// strips the first of its index entries.
#[test]
fn an_update_by_a_differently_cased_key_changes_the_stored_record() {
    let (_dir, store) = fast_store();
    base(&store);
    let key = add(
        &store,
        "opportunity",
        &[("description", "alt"), ("territory", "NORD")],
    );
    let mut o: Opportunity = store.get_as(&key).unwrap().unwrap();
    o.key = key.to_lowercase();
    o.description = "neu".into();
    store.update(Box::new(o)).unwrap();
    assert_eq!(
        keys(&store.list(Opportunity::DEF, None).unwrap()),
        vec![key.clone()]
    );
    let stored: Opportunity = store.get_as(&key).unwrap().unwrap();
    assert_eq!(stored.description, "neu");
    assert_clean(&store);
}
