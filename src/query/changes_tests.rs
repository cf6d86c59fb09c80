//! Rule conditions over a change: `changed:` and `was.` (parsed by
//! `Query::parse_rule`, tested by `Compiled::matches_change`), and plain queries,
//! which refuse them.

use chrono::NaiveDate;
use tempfile::TempDir;

use super::{Env, Query, QueryError};
use crate::model::{field_or_suggest, Entity, Money, Opportunity, OpportunityStage};
use crate::store::{OpenOptions, Store};

fn store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let options = OpenOptions {
        flush_each_write: false,
        ..Default::default()
    };
    let store = Store::open_with(dir.path(), &options).unwrap();
    (dir, store)
}

fn env() -> Env {
    Env {
        today: NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(),
        me: None,
        user: String::new(),
    }
}

fn opp(stage: &str, amount: Option<i64>, close: Option<(i32, u32, u32)>) -> Opportunity {
    Opportunity {
        key: "OPP0000001".into(),
        description: "Neue Montagelinie".into(),
        stage: stage.into(),
        amount: amount.map(|euros| Money::eur(euros * 100)),
        expected_close: close.map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()),
        ..Default::default()
    }
}

/// Whether the rule condition `text` holds for `new`, which was `old`.
fn holds(store: &Store, text: &str, new: &Opportunity, old: Option<&Opportunity>) -> bool {
    let query = Query::parse_rule(text, Opportunity::DEF).unwrap_or_else(|e| panic!("{text}: {e}"));
    let compiled = query.compile(store, &env()).unwrap();
    let old = old.map(|o| o as &dyn crate::model::Record);
    compiled.matches_change(new, old).unwrap()
}

fn rule_error(text: &str) -> QueryError {
    Query::parse_rule(text, Opportunity::DEF).expect_err(text)
}

fn unknown(name: &str) -> String {
    field_or_suggest(Opportunity::DEF, name).unwrap_err()
}

#[test]
fn plain_queries_refuse_changed_and_was_as_unknown_fields() {
    let def = Opportunity::DEF;
    for (text, name) in [
        ("changed:stage", "changed"),
        ("changed:stage,amount", "changed"),
        ("was.stage:PROPOSAL", "was"),
        ("stage:WON AND was.amount>5", "was"),
    ] {
        let e = Query::parse(text, def).expect_err(text);
        let column = text.find(name).unwrap() + 1;
        assert_eq!(e, QueryError::new(column, unknown(name)), "{text}");
        assert!(e.message.contains(&format!("no field '{name}'")), "{e}");
    }
}

#[test]
fn rule_conditions_parse() {
    for text in [
        "changed:stage",
        "changed:stage,amount",
        "changed:stage AND was.stage:PROPOSAL AND stage:WON",
        "NOT was.amount>50000",
        "-was.stage:WON",
        "(changed:amount OR changed:expected_close) was.expected_close:2026-01-01..2026-12-31",
        "was.description:montage",
        "was.key:OPP0000001",
        "stage.sequence>2 changed:stage",
        "has:opportunity_task(status:open) changed:stage",
    ] {
        Query::parse_rule(text, Opportunity::DEF).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

#[test]
fn rule_parse_errors_have_their_columns() {
    let cases: Vec<(&str, usize, String)> = vec![
        ("changed:stge", 9, unknown("stge")),
        ("changed:stage,amont", 15, unknown("amont")),
        (
            "stage:WON changed:key",
            19,
            "a record's key does not change".into(),
        ),
        (
            "changed:stage,key",
            15,
            "a record's key does not change".into(),
        ),
        ("changed:", 9, "expected a field after 'changed:'".into()),
        ("changed:stage,", 15, "expected a field after ','".into()),
        ("changed=stage", 8, "'changed' takes ':' and fields".into()),
        (
            "changed:stage.x",
            14,
            "expected ',' or a space after 'stage'".into(),
        ),
        ("was.stge:WON", 5, unknown("stge")),
        ("NOT was.amont>5", 9, unknown("amont")),
        ("was.amount>abc", 12, "is not an amount".into()),
        ("was.description>x", 17, "compares numbers".into()),
        ("was.stage:", 11, "expected a value after 'stage:'".into()),
        (
            "was.has:interaction",
            5,
            "'was.' takes a field's condition".into(),
        ),
        // A `has:` filter is over other records: no before there.
        (
            "has:opportunity_task(changed:status)",
            22,
            "opportunity_task has no field 'changed'".into(),
        ),
    ];
    for (text, column, message) in cases {
        let e = rule_error(text);
        assert_eq!(e.column, column, "{text}: {e}");
        assert!(e.message.contains(&message), "{text}: {e}");
    }
    // The usual message, naming the rule's entity.
    let e = rule_error("changed:x");
    assert!(e.message.starts_with("opportunity has no field 'x'"), "{e}");
}

#[test]
fn changed_on_update_and_creation() {
    let (_dir, store) = store();
    let before = opp("PROPOSAL", Some(1000), None);
    let moved = opp("WON", Some(1000), None);
    assert!(holds(&store, "changed:stage", &moved, Some(&before)));
    assert!(!holds(&store, "changed:amount", &moved, Some(&before)));
    assert!(!holds(&store, "changed:stage", &before, Some(&before)));
    assert!(holds(&store, "changed:amount,stage", &moved, Some(&before)));
    assert!(!holds(
        &store,
        "changed:amount,expected_close",
        &moved,
        Some(&before)
    ));
    // Text is compared exactly: a change of case is a change.
    let renamed = Opportunity {
        description: "neue montagelinie".into(),
        ..before.clone()
    };
    assert!(holds(
        &store,
        "changed:description",
        &renamed,
        Some(&before)
    ));
    // Emptied is changed.
    let cleared = opp("PROPOSAL", None, None);
    assert!(holds(&store, "changed:amount", &cleared, Some(&before)));
    // Creation: changed is "not empty".
    assert!(holds(&store, "changed:stage", &moved, None));
    assert!(!holds(&store, "changed:expected_close", &moved, None));
    assert!(holds(&store, "changed:expected_close,amount", &moved, None));
    assert!(!holds(&store, "changed:amount", &cleared, None));
    // Negated.
    assert!(holds(&store, "NOT changed:amount", &moved, Some(&before)));
    assert!(!holds(&store, "-changed:stage", &moved, Some(&before)));
}

#[test]
fn was_with_each_kind_of_operator() {
    let (_dir, store) = store();
    let old = opp("PROPOSAL", Some(60000), Some((2026, 3, 31)));
    let new = opp("WON", Some(40000), Some((2026, 9, 30)));
    let cases = [
        // Codes.
        ("was.stage:PROPOSAL", true),
        ("was.stage:proposal", true),
        ("was.stage:WON", false),
        ("was.stage!=WON", true),
        ("stage:WON", true),
        ("changed:stage AND was.stage:PROPOSAL AND stage:WON", true),
        ("changed:stage AND was.stage:WON", false),
        // Money.
        ("was.amount>50000", true),
        ("amount>50000", false),
        ("NOT was.amount>50000", false),
        ("was.amount<=60000", true),
        ("was.amount:50000..70000", true),
        ("was.amount=40000", false),
        // Dates.
        ("was.expected_close:2026-01-01..2026-03-31", true),
        ("expected_close:2026-01-01..2026-03-31", false),
        ("was.expected_close:2026-04-01..", false),
        ("was.expected_close<today", true),
        ("expected_close<today", false),
        // Text contains.
        ("was.description:montage", true),
        ("was.description:fräs", false),
        ("was.description=\"neue montagelinie\"", true),
        // Empty.
        ("was.reason=\"\"", true),
        // Combined.
        ("was.stage:WON OR was.amount>50000", true),
        ("was.stage:WON OR stage:PROPOSAL", false),
        ("(was.stage:WON OR stage:WON) AND NOT was.amount<1000", true),
        ("NOT (was.stage:PROPOSAL amount>50000)", true),
    ];
    for (text, expected) in cases {
        assert_eq!(holds(&store, text, &new, Some(&old)), expected, "{text}");
    }
}

#[test]
fn was_is_false_on_a_creation() {
    let (_dir, store) = store();
    let new = opp("WON", Some(60000), None);
    for (text, expected) in [
        ("was.stage:WON", false),
        ("was.amount>0", false),
        ("was.stage!=WON", false),
        ("was.reason=\"\"", false),
        ("NOT was.stage:WON", true),
        ("changed:stage AND NOT was.stage:WON AND stage:WON", true),
    ] {
        assert_eq!(holds(&store, text, &new, None), expected, "{text}");
    }
}

#[test]
fn plain_conditions_ignore_the_old_record() {
    let (_dir, store) = store();
    store
        .insert(Box::new(OpportunityStage {
            key: "WON".into(),
            description: "Won".into(),
            sequence: Some(9),
            ..Default::default()
        }))
        .unwrap();
    let old = opp("PROPOSAL", Some(60000), None);
    let new = opp("WON", Some(40000), None);
    for (text, expected) in [
        ("stage:WON", true),
        ("amount>50000", false),
        ("montage", true),
        ("stage.sequence>5", true),
        ("stage:PROPOSAL OR amount<50000", true),
        ("", true),
    ] {
        let query = Query::parse(text, Opportunity::DEF).unwrap();
        let compiled = query.compile(&store, &env()).unwrap();
        assert_eq!(compiled.matches(&new).unwrap(), expected, "{text}");
        assert_eq!(
            compiled.matches_change(&new, Some(&old)).unwrap(),
            expected,
            "{text}"
        );
        assert_eq!(
            compiled.matches_change(&new, None).unwrap(),
            expected,
            "{text}"
        );
    }
    // `matches` is a change with no old record.
    let query = Query::parse_rule("changed:stage NOT was.stage:WON", Opportunity::DEF).unwrap();
    let compiled = query.compile(&store, &env()).unwrap();
    assert!(compiled.matches(&new).unwrap());
    assert!(!compiled.matches_change(&new, Some(&new)).unwrap());
}

#[test]
fn the_planner_scans_for_change_conditions() {
    let (_dir, store) = store();
    let query =
        Query::parse_rule("changed:territory was.territory:NORD", Opportunity::DEF).unwrap();
    let compiled = query.compile(&store, &env()).unwrap();
    assert_eq!(compiled.access().unwrap(), super::Access::Scan);
    assert_eq!(compiled.pred.on_key("OPP0000001"), None);
    assert!(super::select(&compiled, None).unwrap().is_empty());
    // Beside an index-pinned condition, the index still decides the reads.
    let query = Query::parse_rule("key:OPP0000001 changed:stage", Opportunity::DEF).unwrap();
    let compiled = query.compile(&store, &env()).unwrap();
    assert!(matches!(compiled.access().unwrap(), super::Access::Keys(_)));
}

#[test]
fn a_condition_on_a_line_field_holds_when_some_line_passes() {
    use crate::model::quote::QuoteLine;
    use crate::model::{Entity, Quote};
    let q = Query::parse("lines.discount>20", Quote::DEF).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = crate::store::Store::open(dir.path()).unwrap();
    let env = Env::now();
    let c = q.compile(&store, &env).unwrap();
    let line = |d| QuoteLine {
        item: "X".into(),
        discount: Some(d),
        ..Default::default()
    };
    let quote = |lines| Quote {
        key: "QUO1".into(),
        lines,
        ..Default::default()
    };
    assert!(c.matches(&quote(vec![line(5), line(25)])).unwrap());
    assert!(!c.matches(&quote(vec![line(5), line(20)])).unwrap());
    assert!(!c.matches(&quote(Vec::new())).unwrap());
    let e = Query::parse("lines.discont>20", Quote::DEF).unwrap_err();
    assert_eq!(e.column, 7);
    assert!(
        e.message.contains("did you mean 'discount'"),
        "{}",
        e.message
    );
}

#[test]
fn followed_is_a_later_record_with_the_same_party() {
    use crate::model::{Interaction, Prospect};
    let (_dir, store) = store();
    let p = store
        .insert(Box::new(Prospect {
            name: "Hanse Robotik".into(),
            ..Default::default()
        }))
        .unwrap();
    let at = |d: u32| NaiveDate::from_ymd_opt(2026, 6, d).and_then(|d| d.and_hms_opt(9, 0, 0));
    let call = |d: u32| Interaction {
        prospect: p.clone(),
        occurred_at: at(d),
        ..Default::default()
    };
    let first = store.insert(Box::new(call(2))).unwrap();
    let q = Query::parse("NOT followed:occurred_at", Interaction::DEF).unwrap();
    let open = |store: &Store| {
        let c = q.compile(store, &env()).unwrap();
        let r = store.get(Interaction::DEF, &first).unwrap().unwrap();
        c.matches(r.as_ref()).unwrap()
    };
    assert!(open(&store), "nobody called since");
    store.insert(Box::new(call(1))).unwrap();
    assert!(open(&store), "an earlier call does not follow it");
    store.insert(Box::new(call(5))).unwrap();
    assert!(!open(&store), "the call of the 5th follows it");

    let err = |text: &str| {
        Query::parse(text, Interaction::DEF)
            .unwrap_err()
            .to_string()
    };
    assert!(
        err("followed:notes").contains("compares dates"),
        "{}",
        err("followed:notes")
    );
    assert!(err("followed>occurred_at").contains("takes ':'"));
    assert!(err("followed:ocurred_at").contains("did you mean 'occurred_at'"));
    let none = Query::parse("followed:expected_close", Opportunity::DEF);
    assert!(none.is_ok() || none.unwrap_err().to_string().contains("names no record"));
}
