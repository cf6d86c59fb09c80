use std::collections::{BTreeMap, HashMap, HashSet};

use super::*;
use crate::model::validate::validate;
use crate::model::{self, KeyKind, Value, ENTITIES};
use crate::store::index::references;

fn counts(records: &[Box<dyn Record>]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for r in records {
        *out.entry(r.def().name).or_insert(0) += 1;
    }
    out
}

fn text(r: &dyn Record, field: &str) -> String {
    r.value(field).as_str().unwrap_or("").to_string()
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a: Vec<_> = generate(3_000, 42).collect();
    let b: Vec<_> = generate(3_000, 42).collect();
    assert_eq!(a.len(), b.len());
    assert!(a.iter().zip(&b).all(|(x, y)| x.eq_record(y.as_ref())));
    let c: Vec<_> = generate(3_000, 43).collect();
    let differ = a
        .iter()
        .zip(&c)
        .filter(|(x, y)| !x.eq_record(y.as_ref()))
        .count();
    assert!(
        differ > a.len() / 2,
        "only {differ} records differ between seeds"
    );
}

#[test]
fn small_demos_still_hold_every_entity() {
    for n in [0, 1, 200, 300] {
        let records: Vec<_> = generate(n, 7).collect();
        let counts = counts(&records);
        // Settings (saved queries) are the user's, not demo data.
        for e in ENTITIES.iter().filter(|e| !model::is_setting(e.name)) {
            assert!(
                counts.contains_key(e.name),
                "n={n}: no {} in {counts:?}",
                e.name
            );
        }
    }
}

#[test]
fn total_is_about_the_requested_number() {
    for n in [10_000, 50_000] {
        let total = generate(n, 1).count();
        assert!(total.abs_diff(n) <= n / 10, "asked for {n}, got {total}");
    }
}

/// Valid, unique, keyed like the store keys them, and naming only earlier records.
fn check_stream(n: usize, seed: u64) {
    let mut seen: HashSet<(&'static str, String)> = HashSet::new();
    for r in generate(n, seed) {
        let def = r.def();
        if let Err(e) = validate(r.as_ref()) {
            panic!("{} {}: {e:?}\n{r:?}", def.name, r.key());
        }
        let key = r.key();
        match def.key {
            KeyKind::Generated(prefix) => {
                let digits = key.strip_prefix(prefix).unwrap_or_else(|| panic!("{key}"));
                assert!(
                    digits.len() == 7 && digits.bytes().all(|b| b.is_ascii_digit()),
                    "{key}"
                );
            }
            KeyKind::Code => assert!(
                !key.is_empty()
                    && key.chars().all(|c| c.is_ascii_uppercase()
                        || c.is_ascii_digit()
                        || "-_./".contains(c)),
                "{}: bad code {key:?}",
                def.name
            ),
        }
        for (field, target, target_key) in references(r.as_ref()) {
            assert!(
                seen.contains(&(target, target_key.clone())),
                "{} {key}: {field} names {target} {target_key}, not yielded before",
                def.name
            );
        }
        assert!(
            seen.insert((def.name, key.to_string())),
            "duplicate {} {key}",
            def.name
        );
    }
}

#[test]
fn every_record_is_valid_unique_and_names_only_earlier_records() {
    check_stream(300, 1);
    check_stream(20_000, 99);
}

#[test]
fn relations_are_consistent() {
    let records: Vec<_> = generate(20_000, 5).collect();
    let by_key: HashMap<(&str, &str), &dyn Record> = records
        .iter()
        .map(|r| ((r.def().name, r.key()), r.as_ref()))
        .collect();
    let get =
        |entity: &'static str, key: &str| *by_key.get(&(entity, key)).expect("named record exists");

    // The first territory holds about 12 % of the territory-bearing records.
    let bearing: Vec<&Box<dyn Record>> = records
        .iter()
        .filter(|r| r.def().field("territory").is_some() && r.def().name != "salesperson")
        .collect();
    let bearing: Vec<_> = bearing
        .into_iter()
        .filter(|r| !r.value("territory").is_empty())
        .collect();
    let first = bearing
        .iter()
        .filter(|r| text(r.as_ref(), "territory") == "NORD")
        .count();
    let share = first as f64 / bearing.len() as f64;
    assert!(
        (0.10..0.15).contains(&share),
        "first territory share {share}"
    );

    // One primary contact per company that has contacts.
    let mut primaries: HashMap<String, usize> = HashMap::new();
    for r in records.iter().filter(|r| r.def().name == "contact_xref") {
        let company = text(r.as_ref(), "customer") + &text(r.as_ref(), "prospect");
        *primaries.entry(company).or_insert(0) +=
            usize::from(r.value("primary") == Value::Bool(true));
    }
    assert!(primaries.values().all(|&n| n == 1), "{primaries:?}");

    let opps_seen: Vec<_> = records
        .iter()
        .filter(|r| r.def().name == "opportunity")
        .collect();
    let mut stages = HashSet::new();
    for o in &opps_seen {
        let o = o.downcast_ref::<model::Opportunity>().unwrap();
        let amount = o.amount.unwrap().cents;
        assert!((500_000..=50_000_000).contains(&amount), "{amount}");
        if o.status == "OPEN" {
            let stage = get("opportunity_stage", &o.stage)
                .downcast_ref::<model::OpportunityStage>()
                .unwrap();
            assert_eq!(o.probability, stage.probability);
        }
        stages.insert(o.stage.clone());
        assert!(o.source != "CAMPAIGN" || !o.campaign.is_empty(), "{o:?}");
        // Salesperson and territory come from the customer or prospect.
        let company = if o.customer.is_empty() {
            get("prospect", &o.prospect)
        } else {
            get("customer", &o.customer)
        };
        assert_eq!(text(company, "territory"), o.territory);
        assert_eq!(text(company, "salesperson"), o.salesperson);
    }
    assert_eq!(stages.len(), 5, "{stages:?}");

    for r in records.iter().filter(|r| r.def().name == "order") {
        let order = r.downcast_ref::<model::Order>().unwrap();
        let quote = get("quote", &order.quote)
            .downcast_ref::<model::Quote>()
            .unwrap();
        assert_eq!(
            (quote.status.as_str(), &quote.customer),
            ("accepted", &order.customer)
        );
        assert!(order.total.unwrap().cents > 0);
    }

    for r in records.iter().filter(|r| r.def().name == "sales_forecast") {
        let f = r.downcast_ref::<model::SalesForecast>().unwrap();
        for line in &f.lines {
            let o = get("opportunity", &line.opportunity)
                .downcast_ref::<model::Opportunity>()
                .unwrap();
            assert_eq!(o.salesperson, f.salesperson);
            assert!(o.status == "OPEN" || f.status != "draft", "{f:?}");
        }
    }
    assert!(records.iter().any(|r| r
        .downcast_ref::<model::SalesForecast>()
        .is_some_and(|f| !f.lines.is_empty())));

    for r in records.iter().filter(|r| r.def().name == "prospect") {
        let p = r.downcast_ref::<model::Prospect>().unwrap();
        if p.status == "converted" {
            assert_eq!(p.name, text(get("customer", &p.customer), "name"));
        }
    }
}

#[test]
fn names_and_addresses_look_real() {
    let records: Vec<_> = generate(5_000, 3).collect();
    let all = |entity: &str, field: &str| -> Vec<String> {
        records
            .iter()
            .filter(|r| r.def().name == entity)
            .map(|r| text(r.as_ref(), field))
            .collect()
    };
    let companies = all("customer", "name");
    assert!(
        companies.iter().any(|n| n.contains(['ä', 'ö', 'ü', 'ß'])),
        "no umlauts"
    );
    assert!(companies.iter().any(|n| n.ends_with(" Ltd")));
    assert!(companies.iter().any(|n| n.ends_with(" GmbH")));
    assert!(all("sales_contact", "email")
        .iter()
        .all(|e| e.is_ascii() && e.contains('@')));
    let cities = all("customer", "city");
    assert!(cities.contains(&"München".to_string()) || cities.contains(&"Köln".to_string()));
}

/// `cargo test --release --lib demo -- --ignored --nocapture`; `DEMO_RECORDS=10000`
/// for another size.
#[test]
#[ignore]
fn one_million_records_quickly() {
    let n = std::env::var("DEMO_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let start = std::time::Instant::now();
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for r in generate(n, 1) {
        *per.entry(r.def().name).or_insert(0) += 1;
    }
    let elapsed = start.elapsed();
    let total: usize = per.values().sum();
    println!("{total} records in {elapsed:?}: {per:?}");
    assert!(total.abs_diff(n) <= n / 10);
}
