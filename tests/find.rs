//! Quick find through the store on demo data: names, companies, e-mails, phones and
//! keys of every entity, folded for case and accents, kept by bulk loads and
//! multi-record writes, rebuilt by repair.

mod common;

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
