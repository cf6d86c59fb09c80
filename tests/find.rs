//! Quick find through the store on demo data: names, companies, e-mails, phones and
//! keys of every entity, folded for case and accents, kept by bulk loads and
//! multi-record writes, rebuilt by repair; and `crm find` as a user runs it.

mod common;

use std::process::Command;

use common::{add, assert_clean, fast_store};
use termcrm::demo::generate;
use termcrm::model::{Customer, Entity, Prospect, SalesContact};
use termcrm::ops::convert::convert_prospect;
use termcrm::store::find::search_text;
use termcrm::store::Store;

fn demo_store(records: usize) -> (tempfile::TempDir, Store) {
    let (dir, store) = fast_store();
    store.bulk_insert(generate(records, 7), |_| {}).unwrap();
    (dir, store)
}

fn first<E: Entity>(store: &Store) -> E {
    let r = store.list(E::DEF, Some(1)).unwrap().remove(0);
    r.downcast_ref::<E>().unwrap().clone()
}

fn found(store: &Store, query: &str, entity: &str, key: &str) -> bool {
    store
        .find(query, 20)
        .unwrap()
        .iter()
        .any(|h| h.entity.name == entity && h.key == key)
}

#[test]
fn a_bulk_loaded_record_is_found_by_name_email_phone_and_key() {
    let (_dir, store) = demo_store(3_000);
    assert_clean(&store);
    let c: Customer = first(&store);
    assert!(found(&store, &c.name, "customer", &c.key), "{}", c.name);
    assert!(found(&store, &c.email, "customer", &c.key), "{}", c.email);
    assert!(found(&store, &c.phone, "customer", &c.key), "{}", c.phone);
    assert!(found(&store, &c.key, "customer", &c.key));
    let digits = c.key.trim_start_matches("CUS").trim_start_matches('0');
    assert!(found(&store, &format!("cus{digits}"), "customer", &c.key));

    let s: SalesContact = first(&store);
    let who = format!("{} {}", s.first_name, s.last_name).to_uppercase();
    assert!(found(&store, &who, "sales_contact", &s.key), "{who}");

    let hits = store.find(&c.name, 20).unwrap();
    assert!(hits.len() <= 20);
    assert!(
        hits.windows(2).all(|w| w[0].score >= w[1].score),
        "best first"
    );
    let hit = hits.iter().find(|h| h.key == c.key).unwrap();
    assert_eq!(hit.text, search_text(&c));
}

#[test]
fn case_and_accents_do_not_matter_and_nonsense_finds_nothing() {
    let (_dir, store) = fast_store();
    let key = add(
        &store,
        "customer",
        &[
            ("name", "Größe & Söhne Maschinenbau"),
            ("email", "info@groesse.de"),
            ("phone", "+49 40 4711-0815"),
        ],
    );
    for query in [
        "grosse",
        "GRÖSSE söhne",
        "sohne masch",
        "groesse.de",
        "4711",
        "+49 40 4711",
        "040 4711 0815",
        "0815",
    ] {
        assert!(found(&store, query, "customer", &key), "{query}");
    }
    assert!(store.find("zzqxv", 20).unwrap().is_empty());
    assert!(store.find("   ", 20).unwrap().is_empty());
    assert!(store.find("grosse hamburg", 20).unwrap().is_empty());
    // A text longer than 200 characters is refused at once, saying so.
    let start = std::time::Instant::now();
    let e = store.find(&"müller ".repeat(15_000), 20).unwrap_err();
    assert!(e.to_string().contains("too long"), "{e}");
    assert!(e.to_string().contains("at most 200"), "{e}");
    assert!(start.elapsed() < std::time::Duration::from_secs(1));
    assert!(store.find(&"g".repeat(200), 20).is_ok());
}

#[test]
fn a_conversion_and_an_update_keep_the_index_and_repair_rebuilds_it() {
    let (_dir, store) = fast_store();
    let key = add(
        &store,
        "prospect",
        &[("name", "Kühne Logistik"), ("status", "open")],
    );
    let done = convert_prospect(&store, &key).unwrap();
    assert!(found(&store, "kuhne", "customer", &done.customer));
    assert!(found(&store, "kuhne", "prospect", &key));

    let mut p: Prospect = store.get_as(&key).unwrap().unwrap();
    p.name = "Albrecht Spedition".into();
    store.update(Box::new(p)).unwrap();
    assert!(!found(&store, "kuhne", "prospect", &key));
    assert!(found(&store, "albrecht", "prospect", &key));
    assert_clean(&store);
    let before = store.find_index().unwrap();
    let repaired = store.repair().unwrap();
    assert!(repaired.is_clean(), "{repaired}");
    assert_eq!(store.find_index().unwrap(), before);
}

#[test]
fn records_sharing_a_bucket_are_written_together_and_apart() {
    use termcrm::model::Competitor;
    use termcrm::store::Change;
    let (_dir, store) = fast_store();
    let competitor = |key: &str, name: &str| -> Box<dyn termcrm::model::Record> {
        Box::new(Competitor {
            key: key.into(),
            name: name.into(),
            ..Default::default()
        })
    };
    // One transaction, two records whose words land in the same packed entries.
    store
        .apply(vec![
            Change::Insert(competitor("ANL1", "Anlagenbau Nord")),
            Change::Insert(competitor("ANL2", "Anlagenbau Nordost")),
        ])
        .unwrap();
    assert_clean(&store);
    assert!(found(&store, "anlagenbau", "competitor", "ANL1"));
    assert!(found(&store, "anlagenbau", "competitor", "ANL2"));
    // One record's word goes, the other's stays; then the whole record goes.
    store.update(competitor("ANL1", "Zerspanung Nord")).unwrap();
    assert_clean(&store);
    assert!(!found(&store, "anlagenbau", "competitor", "ANL1"));
    assert!(found(&store, "anlagenbau", "competitor", "ANL2"));
    assert!(found(&store, "zersp", "competitor", "ANL1"));
    store.delete(Competitor::DEF, "ANL2").unwrap();
    assert_clean(&store);
    assert!(store.find("anlagenbau", 20).unwrap().is_empty());
    let (entries, postings, _) = store.find_index_size().unwrap();
    assert_eq!(postings, 2, "zerspanung, nord");
    assert!(entries <= postings);
}

/// `crm --db DB args...`: exit code, stdout, stderr.
fn crm(db: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_crm"))
        .env_remove("CRM_DB")
        .env("COLUMNS", "120")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    common::cli::watch(db);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn crm_find_prints_entity_key_text_and_score_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    for args in [
        &[
            "add",
            "customer",
            "name=Größe & Söhne",
            "email=info@groesse.de",
        ][..],
        &[
            "add",
            "prospect",
            "name=Grosse Bäckerei",
            "phone=+49 40 4711",
            "city=Hamburg",
        ],
        &["add", "competitor", "key=GROSS", "name=Gross Werkzeug"],
    ] {
        assert_eq!(crm(&db, args).0, 0, "{args:?}");
    }

    let (code, table, _) = crm(&db, &["find", "grosse"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("Entity") && lines[0].ends_with("Score"),
        "{table}"
    );
    assert_eq!(lines.len(), 3, "{table}");
    assert!(
        table.contains("Customer  CUS0000001  Größe & Söhne · info@groesse.de"),
        "{table}"
    );
    assert!(
        table.contains("Prospect  PRO0000001  Grosse Bäckerei · +49 40 4711 · Hamburg"),
        "{table}"
    );

    let (_, csv, _) = crm(&db, &["find", "gross", "--format", "csv", "--limit", "2"]);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "entity,key,text,city,converted,score");
    assert_eq!(rows.len(), 3, "--limit 2: {csv}");

    let (_, json, _) = crm(&db, &["find", "4711", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["entity"], "prospect");
    assert_eq!(v[0]["key"], "PRO0000001");
    assert!(v[0]["score"].as_i64().unwrap() > 0);
    assert_eq!(v[0]["city"], "Hamburg");
    assert_eq!(v[0]["converted"], serde_json::Value::Null);
    // A converted prospect says so, naming its customer.
    assert_eq!(crm(&db, &["convert", "prospect", "PRO0000001"]).0, 0);
    let (_, table, _) = crm(&db, &["find", "4711"]);
    assert!(
        table.contains("Hamburg · converted → CUS0000002"),
        "{table}"
    );

    let (code, out, err) = crm(&db, &["find", "zzqxv"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "no match for 'zzqxv'\n", "")
    );
    let (code, out, _) = crm(&db, &["find", "zzqxv", "--format", "json"]);
    assert_eq!((code, out.trim()), (0, "[]"));

    let (code, _, err) = crm(&db, &["find", " "]);
    assert_eq!(code, 1);
    assert!(err.starts_with("crm: nothing to find"), "{err}");
    assert_eq!(crm(&db, &["find"]).0, 2, "no text is a usage error");
}
