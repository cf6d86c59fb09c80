//! The query language: the parser's answers and errors, the planner's reads, saved
//! and preconfigured queries, and `crm query` as a user runs it.

mod common;

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use common::{def, fast_store};
use termcrm::model::{
    Campaign, ContactXref, Entity, Interaction, Lead, Opportunity, OpportunityStatus,
    OpportunityTask, Prospect, Record, SalesContact, SalesForecast, SalesPeriod, SavedQuery,
};
use termcrm::query::saved::{self, ensure_preconfigured, PRECONFIGURED};
use termcrm::query::{run, select, Access, Env, Query, RunOptions};
use termcrm::store::Store;

enum Expect {
    Ok,
    Err(usize, &'static str),
}
use Expect::{Err as E, Ok as K};

/// (entity, query, expected): at least 40 cases, errors with their columns.
fn cases() -> Vec<(&'static str, &'static str, Expect)> {
    vec![
        ("opportunity", "", K),
        ("opportunity", "stage:PROPOSAL", K),
        ("opportunity", "stage=proposal", K),
        ("opportunity", "stage!=CLOSE", K),
        ("opportunity", "amount>=1000", K),
        ("opportunity", "amount:1000..5000", K),
        ("opportunity", "amount:..5000", K),
        ("opportunity", "amount>\"10.000,00 EUR\"", K),
        ("opportunity", "probability>50", K),
        ("opportunity", "expected_close<today+30d", K),
        ("opportunity", "expected_close>=-1w", K),
        ("opportunity", "expected_close:this_month", K),
        ("opportunity", "expected_close:this_quarter", K),
        ("opportunity", "expected_close:2026-12-01..2027-01-31", K),
        ("opportunity", "salesperson:me", K),
        ("opportunity", "territory:NORD AND stage:CLOSE", K),
        ("opportunity", "territory:NORD OR territory:SUED", K),
        ("opportunity", "NOT stage:CLOSE", K),
        ("opportunity", "-stage:CLOSE", K),
        (
            "opportunity",
            "(territory:NORD OR territory:SUED) amount>1000",
            K,
        ),
        ("opportunity", "description:\"Neue Montagelinie\"", K),
        ("opportunity", "description:\"Fräszentrum für Müller\"", K),
        ("opportunity", "montage", K),
        ("opportunity", "\"neue montage\" -linie", K),
        ("opportunity", "status.meaning:open", K),
        ("opportunity", "has:opportunity_task", K),
        ("opportunity", "no:quote", K),
        (
            "opportunity",
            "has:opportunity_task(status:open due_date<today)",
            K,
        ),
        ("opportunity", "competitors:TECNOFLUID", K),
        ("opportunity", "customer=\"\"", K),
        ("opportunity", "key:OPP0000001", K),
        ("opportunity", "prospect.name:müller", K),
        ("opportunity", "items:FRAES", K),
        ("sales_forecast", "period:current", K),
        ("lead", "prospect.has:interaction(occurred_at>=-30d)", K),
        ("sales_contact", "no_promotions:yes no:contact_xref", K),
        ("opportunity_task", "priority:high status:open", K),
        (
            "opportunity",
            "stage:",
            E(7, "expected a value after 'stage:'"),
        ),
        ("opportunity", "stge:CLOSE", E(1, "did you mean 'stage'")),
        ("opportunity", "amount:abc", E(8, "is not an amount")),
        (
            "opportunity",
            "expected_close<thismonth",
            E(16, "did you mean 'this_month'"),
        ),
        (
            "opportunity",
            "expected_close<today+3q",
            E(16, "d, w, m or y"),
        ),
        (
            "opportunity",
            "(stage:CLOSE",
            E(13, "expected ')' to close the '(' at column 1"),
        ),
        ("opportunity", "stage:CLOSE)", E(12, "unexpected ')'")),
        (
            "opportunity",
            "((stage:CLOSE)",
            E(15, "close the '(' at column 1"),
        ),
        ("opportunity", "description<x", E(13, "compares numbers")),
        (
            "opportunity",
            "description:\"open",
            E(13, "unterminated quote"),
        ),
        (
            "opportunity",
            "stage:CLOSE AND",
            E(16, "expected a condition after 'AND'"),
        ),
        (
            "opportunity",
            "stage:CLOSE OR",
            E(15, "expected a condition after 'OR'"),
        ),
        (
            "opportunity",
            "OR stage:CLOSE",
            E(1, "expected a condition before 'OR'"),
        ),
        (
            "opportunity",
            "AND stage:CLOSE",
            E(1, "expected a condition before 'AND'"),
        ),
        (
            "opportunity",
            "NOT",
            E(4, "expected a condition after 'NOT'"),
        ),
        (
            "opportunity",
            "has:interactions",
            E(5, "did you mean 'interaction'"),
        ),
        (
            "lead",
            "has:interaction",
            E(5, "no field of interaction names a lead"),
        ),
        ("opportunity", "description.name:x", E(1, "not a reference")),
        (
            "opportunity",
            "probability:high",
            E(13, "not a whole number"),
        ),
        (
            "opportunity_task",
            "priority:urgent",
            E(10, "one of low, normal, high"),
        ),
        ("opportunity", "()", E(1, "expected a condition inside")),
        (
            "opportunity",
            ":CLOSE",
            E(1, "expected a field name before ':'"),
        ),
        ("opportunity", "has=quote", E(4, "'has' takes ':'")),
        (
            "opportunity",
            "amount:..",
            E(8, "a range needs at least one end"),
        ),
        (
            "opportunity",
            "stage:CLOSE amount>",
            E(20, "expected a value after 'amount>'"),
        ),
        (
            "opportunity",
            "stage.sequenz>2",
            E(7, "did you mean 'sequence'"),
        ),
        ("prospect", "employees>viele", E(11, "not a whole number")),
        (
            "prospect",
            "status:bought",
            E(8, "one of open, qualified, converted, lost"),
        ),
        ("sales_contact", "no_calls:maybe", E(10, "not yes or no")),
    ]
}

#[test]
fn parser_table() {
    let all = cases();
    assert!(all.len() >= 40);
    for (entity, text, expect) in all {
        let result = Query::parse(text, def(entity));
        match (expect, result) {
            (K, Ok(_)) => {}
            (K, Err(e)) => panic!("{entity} '{text}': unexpected error {e}"),
            (E(col, msg), Ok(q)) => {
                panic!("{entity} '{text}': parsed {q:?}, expected {msg} at {col}")
            }
            (E(col, msg), Err(e)) => {
                assert!(
                    e.message.contains(msg),
                    "{entity} '{text}': {e} lacks '{msg}'"
                );
                assert_eq!(e.column, col, "{entity} '{text}': {e}");
            }
        }
    }
}

#[test]
fn deep_nesting_and_long_queries_are_refused_with_their_column() {
    let opp = def("opportunity");
    let start = std::time::Instant::now();
    // 10,000 parentheses or NOTs: an error, not a stack overflow.
    for n in [10_000, 1_990] {
        let parens = format!("{}stage:WON{}", "(".repeat(n), ")".repeat(n));
        assert!(Query::parse(&parens, opp).is_err());
    }
    let parens = format!("{}stage:WON{}", "(".repeat(1_990), ")".repeat(1_990));
    let e = Query::parse(&parens, opp).unwrap_err();
    assert!(e.message.contains("nests too deep"), "{e}");
    assert_eq!(e.column, 65, "{e}");
    assert!(Query::parse(&"NOT ".repeat(10_000), opp).is_err());
    let nots = format!("{}stage:WON", "NOT ".repeat(990));
    let e = Query::parse(&nots, opp).unwrap_err();
    assert!(e.message.contains("nests too deep"), "{e}");
    assert_eq!(e.column, 64 * 4 + 1, "{e}");
    let dashes = format!("{}stage:WON", "-(".repeat(1_900));
    assert!(Query::parse(&dashes, opp)
        .unwrap_err()
        .message
        .contains("nests too deep"));
    let has = format!(
        "{}stage:WON{}",
        "has:opportunity_task(".repeat(150),
        ")".repeat(150)
    );
    assert!(Query::parse(&has, def("opportunity")).is_err());
    // 64 levels still parse.
    let ok = format!("{}stage:WON{}", "(".repeat(64), ")".repeat(64));
    Query::parse(&ok, opp).unwrap();
    let ok = format!("{}stage:WON", "NOT ".repeat(64));
    Query::parse(&ok, opp).unwrap();
    // At most 4,000 characters.
    let long = format!("description:{}", "x".repeat(4_000));
    let e = Query::parse(&long, opp).unwrap_err();
    assert!(
        e.message
            .contains("too long: 4012 characters, at most 4000"),
        "{e}"
    );
    assert_eq!(e.column, 4001);
    Query::parse(&format!("description:{}", "x".repeat(3_988)), opp).unwrap();
    assert!(start.elapsed() < std::time::Duration::from_secs(1));
}

fn demo(records: usize) -> (tempfile::TempDir, Store) {
    let (dir, store) = fast_store();
    store
        .bulk_insert(termcrm::demo::generate(records, 1), |_| {})
        .expect("demo data loads");
    (dir, store)
}

fn env() -> Env {
    Env {
        today: termcrm::demo::today(),
        me: None,
        user: "nobody".into(),
    }
}

fn keys(records: &[Box<dyn Record>]) -> BTreeSet<String> {
    records.iter().map(|r| r.key().to_string()).collect()
}

fn query(store: &Store, entity: &str, text: &str) -> Vec<Box<dyn Record>> {
    let q = Query::parse(text, def(entity)).unwrap_or_else(|e| panic!("{text}: {e}"));
    run(store, &q, &env(), &RunOptions::default()).expect("runs")
}

#[test]
fn a_pinned_territory_reads_the_index_and_decodes_only_its_records() {
    let (_dir, store) = demo(20_000);
    let opp = Opportunity::DEF;
    let total = store.count(opp);
    let q = Query::parse("territory:NORD amount>1000", opp).unwrap();
    let compiled = q.compile(&store, &env()).unwrap();
    assert!(matches!(compiled.access().unwrap(), Access::Keys(_)));
    let before = store.decoded_count();
    let rows = select(&compiled, None).unwrap();
    let decoded = store.decoded_count() - before;
    let in_territory = store
        .keys_by(termcrm::store::IndexKind::Territory, "NORD", opp, None)
        .unwrap()
        .len();
    assert!(!rows.is_empty());
    assert_eq!(
        decoded as usize, in_territory,
        "decoded only the territory's records"
    );
    assert!(decoded as usize * 5 < total, "{decoded} of {total}");

    // A reference with a reverse index: the prospect's opportunities only.
    let prospect = rows
        .iter()
        .find_map(|r| r.value("prospect").as_str().map(str::to_string));
    if let Some(p) = prospect {
        let before = store.decoded_count();
        let rows = query(&store, "opportunity", &format!("prospect:{p}"));
        assert_eq!(store.decoded_count() - before, rows.len() as u64);
    }

    // A full scan decodes no record whose key the query already excludes.
    let with_tasks = query(&store, "opportunity", "has:opportunity_task").len();
    let before = store.decoded_count();
    let without = query(&store, "opportunity", "no:opportunity_task");
    assert_eq!(store.decoded_count() - before, without.len() as u64);
    assert_eq!(with_tasks + without.len(), total);
    let before = store.decoded_count();
    query(&store, "opportunity", "NOT key:OPP0000001 amount>0");
    assert_eq!(store.decoded_count() - before, total as u64 - 1);
}

#[test]
fn values_match_case_and_accent_insensitively_and_by_type() {
    let (_dir, store) = demo(3_000);
    let plain = keys(&query(&store, "prospect", "name:zurcher"));
    let umlaut = keys(&query(&store, "prospect", "name:\"ZÜRCHER\""));
    assert!(!plain.is_empty());
    assert_eq!(plain, umlaut);
    let bare = keys(&query(&store, "prospect", "zürcher"));
    assert!(bare.is_superset(&plain));
    for r in query(&store, "opportunity", "amount:10000..50000") {
        let cents = match r.value("amount") {
            termcrm::model::Value::Money(m) => m.cents,
            v => panic!("{v:?}"),
        };
        assert!((1_000_000..=5_000_000).contains(&cents));
    }
    let a = keys(&query(
        &store,
        "opportunity",
        "stage:CLOSE OR stage:PROPOSAL",
    ));
    let b = keys(&query(&store, "opportunity", "stage:CLOSE"));
    let c = keys(&query(&store, "opportunity", "stage:proposal"));
    assert_eq!(a, b.union(&c).cloned().collect());
    let not_b = keys(&query(&store, "opportunity", "-stage:CLOSE"));
    assert!(not_b.is_disjoint(&b));
    assert_eq!(not_b.len() + b.len(), store.count(Opportunity::DEF));
}

fn open_statuses(store: &Store) -> BTreeSet<String> {
    store
        .scan(OpportunityStatus::DEF)
        .map(|r| {
            r.unwrap()
                .downcast_ref::<OpportunityStatus>()
                .cloned()
                .unwrap()
        })
        .filter(|s| s.meaning == "open")
        .map(|s| s.key)
        .collect()
}

fn all<E: Entity>(store: &Store) -> Vec<E> {
    store
        .scan(E::DEF)
        .map(|r| r.unwrap().downcast_ref::<E>().cloned().unwrap())
        .collect()
}

#[test]
fn preconfigured_queries_return_the_expected_rows_on_the_demo() {
    let (_dir, store) = demo(8_000);
    let today = termcrm::demo::today();
    let open = open_statuses(&store);
    let opps: Vec<Opportunity> = all(&store);
    let is_open = |o: &Opportunity| open.contains(&o.status);
    let month = (
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    );
    let closing = |o: &Opportunity| {
        o.expected_close
            .is_some_and(|d| d >= month.0 && d <= month.1)
    };
    let me = opps
        .iter()
        .find(|o| is_open(o) && closing(o))
        .map(|o| o.salesperson.clone())
        .expect("an open opportunity closes this month");
    // A contact without a cross-reference, so that that query has a row to find.
    let lonely = store
        .insert(Box::new(SalesContact {
            last_name: "Einsam".into(),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(ensure_preconfigured(&store).unwrap(), PRECONFIGURED.len());

    let interactions: Vec<Interaction> = all(&store);
    let recent = |k: &str| {
        !k.is_empty()
            && interactions.iter().any(|i| {
                (i.prospect == k || i.customer == k)
                    && i.occurred_at
                        .is_some_and(|t| t.date() >= today - Duration::days(30))
            })
    };
    let periods: Vec<SalesPeriod> = all(&store);
    let current = |p: &str| {
        periods.iter().any(|s| {
            s.key == p
                && s.start_date.is_some_and(|d| d <= today)
                && s.end_date.is_some_and(|d| d >= today)
        })
    };
    let set = |it: Vec<String>| it.into_iter().collect::<BTreeSet<String>>();
    let expected = |name: &str| -> BTreeSet<String> {
        match name {
            "MY-OPEN-OPPS-THIS-MONTH" => set(opps
                .iter()
                .filter(|o| o.salesperson == me && is_open(o) && closing(o))
                .map(|o| o.key.clone())
                .collect()),
            "PIPELINE-BY-STAGE" => set(opps
                .iter()
                .filter(|o| is_open(o))
                .map(|o| o.key.clone())
                .collect()),
            "PAST-DUE-OPPS" => set(opps
                .iter()
                .filter(|o| is_open(o) && o.expected_close.is_some_and(|d| d < today))
                .map(|o| o.key.clone())
                .collect()),
            "PAST-DUE-TASKS" => set(all::<OpportunityTask>(&store)
                .into_iter()
                .filter(|t| t.status == "open" && t.due_date.is_some_and(|d| d < today))
                .map(|t| t.key)
                .collect()),
            "STALE-LEADS" => set(all::<Lead>(&store)
                .into_iter()
                .filter(|l| {
                    l.opportunity.is_empty() && !recent(&l.prospect) && !recent(&l.customer)
                })
                .map(|l| l.key)
                .collect()),
            "ACTIVE-CAMPAIGNS" => set(all::<Campaign>(&store)
                .into_iter()
                .filter(|c| c.status == "ACTIVE")
                .map(|c| c.key)
                .collect()),
            "CURRENT-FORECASTS" => set(all::<SalesForecast>(&store)
                .into_iter()
                .filter(|f| current(&f.period))
                .map(|f| f.key)
                .collect()),
            "PROSPECTS-WITHOUT-INTERACTION" => set(all::<Prospect>(&store)
                .into_iter()
                .filter(|p| {
                    p.status != "converted" && !interactions.iter().any(|i| i.prospect == p.key)
                })
                .map(|p| p.key)
                .collect()),
            "CONTACTS-WITHOUT-XREF" => {
                let xrefs: Vec<ContactXref> = all(&store);
                set(all::<SalesContact>(&store)
                    .into_iter()
                    .filter(|c| !xrefs.iter().any(|x| x.contact == c.key))
                    .map(|c| c.key)
                    .collect())
            }
            "COMPETITORS-ON-OPEN-OPPS" => set(opps
                .iter()
                .filter(|o| is_open(o))
                .flat_map(|o| o.competitors.clone())
                .collect()),
            "TEAMS-WITH-OPEN-OPPS" => set(opps
                .iter()
                .filter(|o| is_open(o) && !o.sales_team.is_empty())
                .map(|o| o.sales_team.clone())
                .collect()),
            other => panic!("no expectation for {other}"),
        }
    };
    let env = Env {
        me: Some(me.clone()),
        ..env()
    };
    let mut entities = BTreeSet::new();
    for &(name, entity, ..) in PRECONFIGURED {
        let (saved, rows) = saved::run_saved(&store, name, &env, None).unwrap();
        let want = expected(name);
        assert!(!want.is_empty(), "{name} finds nothing in the demo");
        assert_eq!(keys(&rows), want, "{name}");
        assert_eq!(saved.query.entity.name, entity);
        entities.insert(entity);
        if let Some(sort) = saved.sort {
            let mut sorted = rows.clone();
            sort.apply(&mut sorted);
            assert_eq!(keys(&sorted), keys(&rows));
            let order: Vec<&str> = rows.iter().map(|r| r.key()).collect();
            let again: Vec<&str> = sorted.iter().map(|r| r.key()).collect();
            assert_eq!(order, again, "{name} comes sorted");
        }
    }
    assert!(keys(&query(&store, "sales_contact", "no:contact_xref")).contains(&lonely));
    for e in [
        "campaign",
        "competitor",
        "sales_contact",
        "sales_team",
        "sales_forecast",
        "prospect",
        "lead",
        "opportunity",
        "opportunity_task",
    ] {
        assert!(entities.contains(e), "no preconfigured query for {e}");
    }
}

#[test]
fn saved_queries_round_trip_and_are_installed_once() {
    let (_dir, store) = demo(2_000);
    assert_eq!(ensure_preconfigured(&store).unwrap(), PRECONFIGURED.len());
    assert_eq!(ensure_preconfigured(&store).unwrap(), 0);
    // Deleted and edited preconfigured queries stay as the user left them.
    saved::delete(&store, "PAST-DUE-TASKS").unwrap();
    let mut edited = store
        .get_as::<SavedQuery>("ACTIVE-CAMPAIGNS")
        .unwrap()
        .unwrap();
    edited.query = "status:PLANNED".into();
    saved::put(&store, edited).unwrap();
    assert_eq!(ensure_preconfigured(&store).unwrap(), 0);
    assert!(store
        .get_as::<SavedQuery>("PAST-DUE-TASKS")
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .get_as::<SavedQuery>("ACTIVE-CAMPAIGNS")
            .unwrap()
            .unwrap()
            .query,
        "status:PLANNED"
    );

    let opp = Opportunity::DEF;
    let q = Query::parse("territory:NORD stage:CLOSE", opp).unwrap();
    let columns = termcrm::query::parse_columns(opp, "description, amount").unwrap();
    let sort = termcrm::query::Sort::parse(opp, "-amount").ok();
    let key = saved::save(
        &store,
        "nord-close",
        &q,
        &columns,
        sort,
        "Nord closing",
        false,
    )
    .unwrap();
    assert_eq!(key, "NORD-CLOSE");
    assert!(saved::list(&store)
        .unwrap()
        .iter()
        .any(|s| s.key == "NORD-CLOSE"));
    let (loaded, rows) = saved::run_saved(&store, "nord-close", &env(), None).unwrap();
    assert_eq!(loaded.query, q);
    assert_eq!(loaded.columns, columns);
    assert_eq!(loaded.sort, sort);
    assert_eq!(
        keys(&rows),
        keys(&query(&store, "opportunity", "territory:NORD stage:CLOSE"))
    );
    assert_eq!(
        saved::rename(&store, "nord-close", "NORD-2").unwrap(),
        "NORD-2"
    );
    assert!(saved::load(&store, "NORD-CLOSE").is_err());
    assert_eq!(saved::load(&store, "NORD-2").unwrap().query, q);
    saved::delete(&store, "NORD-2").unwrap();
    assert!(saved::load(&store, "NORD-2").is_err());

    // A query that does not check is refused, naming the field and the column.
    let bad = SavedQuery {
        key: "BAD".into(),
        entity: "opportunity".into(),
        query: "amount:abc".into(),
        ..Default::default()
    };
    let err = saved::put(&store, bad.clone()).unwrap_err().to_string();
    assert!(err.contains("query") && err.contains("column 8"), "{err}");
    // One stored before its entity lost a column reports it when run.
    store
        .insert(Box::new(SavedQuery {
            query: "stage:CLOSE".into(),
            columns: "description,colour".into(),
            ..bad
        }))
        .unwrap();
    let err = saved::run_saved(&store, "BAD", &env(), None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("saved query BAD: columns") && err.contains("colour"),
        "{err}"
    );
    assert!(err.contains("column 13"), "{err}");
}

#[test]
fn me_without_a_salesperson_is_an_error_with_its_column() {
    let (_dir, store) = demo(1_000);
    let q = Query::parse("stage:CLOSE salesperson:me", Opportunity::DEF).unwrap();
    let err = run(&store, &q, &env(), &RunOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("'me'") && err.contains("column 25"), "{err}");
}
