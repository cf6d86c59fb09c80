//! The planner is an optimisation only: for random queries over random demo data,
//! what it returns equals a brute-force filter over a full scan; and a `has:` set
//! read from the reference index equals one computed from the records.

mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use termcrm::model::{Entity, EntityDef, Opportunity, Prospect};
use termcrm::query::{select, Env, Query};
use termcrm::store::index::references;
use termcrm::store::Store;

fn leaf() -> impl Strategy<Value = String> {
    let territory = prop::sample::select(vec!["NORD", "SUED", "WEST", "OST", "LONDON", "XX"]);
    let team = prop::sample::select(vec!["NORDOST", "SUED", "UK", "KEYACC", "NONE"]);
    let stage = prop::sample::select(vec!["PROSPECT", "QUALIFY", "PROPOSAL", "CLOSE"]);
    let word = prop::sample::select(vec!["montage", "linie", "Fräs", "retrofit", "MÜLLER"]);
    prop_oneof![
        territory.prop_map(|t| format!("territory:{t}")),
        team.prop_map(|t| format!("sales_team={t}")),
        stage.prop_map(|s| format!("stage:{s}")),
        (1u32..60).prop_map(|n| format!("prospect:PRO{n:07}")),
        (1u32..60).prop_map(|n| format!("customer:CUS{n:07}")),
        (1u32..400).prop_map(|n| format!("key:OPP{n:07}")),
        (1u32..400).prop_map(|n| format!("-key:OPP{n:07}")),
        (0i64..200).prop_map(|n| format!("amount>={}", n * 1000)),
        (0i64..100, 0i64..100).prop_map(|(a, b)| format!("amount:{}..{}", a * 2000, b * 4000)),
        (0i64..100).prop_map(|n| format!("probability<{n}")),
        (-200i64..400).prop_map(|n| format!("expected_close<today{n:+}d")),
        Just("expected_close:this_quarter".to_string()),
        word.clone().prop_map(|w| format!("description:{w}")),
        word.prop_map(|w| w.to_string()),
        Just("status.meaning:open".to_string()),
        Just("has:opportunity_task".to_string()),
        Just("no:quote".to_string()),
        Just("has:opportunity_task(status:open)".to_string()),
        Just("customer=\"\"".to_string()),
        Just("salesperson:me".to_string()),
        Just("competitors:TECNOFLUID".to_string()),
    ]
}

fn query() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" ")),
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("({})", v.join(" OR "))),
            inner.clone().prop_map(|q| format!("NOT ({q})")),
            inner.prop_map(|q| format!("-({q})")),
        ]
    })
}

fn demo(seed: u64) -> (tempfile::TempDir, Store) {
    let (dir, store) = common::fast_store();
    store
        .bulk_insert(termcrm::demo::generate(1_500, seed), |_| {})
        .expect("demo data loads");
    (dir, store)
}

fn brute_force(store: &Store, def: &'static EntityDef, q: &Query, env: &Env) -> BTreeSet<String> {
    let compiled = q.compile(store, env).unwrap();
    store
        .scan(def)
        .map(|r| r.unwrap())
        .filter(|r| compiled.matches(r.as_ref()).unwrap())
        .map(|r| r.key().to_string())
        .collect()
}

fn planned(store: &Store, q: &Query, env: &Env) -> BTreeSet<String> {
    let compiled = q.compile(store, env).unwrap();
    select(&compiled, None)
        .unwrap()
        .iter()
        .map(|r| r.key().to_string())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn planned_equals_brute_force(seed in 1u64..1000, texts in prop::collection::vec(query(), 10)) {
        let (_dir, store) = demo(seed);
        let env = Env {
            today: termcrm::demo::today(),
            me: Some("AMUELLER".into()),
            user: "amueller".into(),
        };
        for text in texts {
            let q = Query::parse(&text, Opportunity::DEF)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            prop_assert_eq!(planned(&store, &q, &env), brute_force(&store, Opportunity::DEF, &q, &env), "{}", text);
        }
        // has:/no: from the reference index equal the references the records hold.
        for source in ["interaction", "opportunity", "contact_xref", "lead"] {
            let source_def = termcrm::model::entity(source).unwrap();
            let mut named = BTreeSet::new();
            for r in store.scan(source_def) {
                for (_, target, key) in references(r.unwrap().as_ref()) {
                    if target == Prospect::DEF.name {
                        named.insert(key);
                    }
                }
            }
            let q = Query::parse(&format!("has:{source}"), Prospect::DEF).unwrap();
            prop_assert_eq!(planned(&store, &q, &env), named.clone());
            let q = Query::parse(&format!("has:{source}(key:\"\" OR -key:\"\")"), Prospect::DEF).unwrap();
            prop_assert_eq!(planned(&store, &q, &env), named);
        }
    }
}
