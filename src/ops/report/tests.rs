//! Report figures checked against brute-force sums over a full listing.

use std::collections::BTreeMap;

use super::*;
use crate::model::{Currency, Money};
use crate::report::{Cell, Sums};

fn env() -> Env {
    Env {
        today: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        me: None,
        user: "tester".into(),
    }
}

fn all(store: &Store) -> Vec<Opportunity> {
    store
        .scan(Opportunity::DEF)
        .map(|r| r.unwrap().downcast_ref::<Opportunity>().unwrap().clone())
        .collect()
}

fn money(c: &Cell) -> Sums {
    match c {
        Cell::Money(s) => s.clone(),
        other => panic!("not money: {other:?}"),
    }
}

fn count(c: &Cell) -> u64 {
    match c {
        Cell::Count(n) => *n,
        other => panic!("not a count: {other:?}"),
    }
}

#[test]
fn pipeline_by_stage_matches_brute_force_sums() {
    let (_dir, store) = crate::ops::demo_store(3000);
    let m = Meanings::of(&store).unwrap();
    let mut want: BTreeMap<String, (u64, Sums, Sums)> = BTreeMap::new();
    for o in all(&store).into_iter().filter(|o| m.is(&o.status, "open")) {
        let e = want.entry(o.stage.clone()).or_default();
        e.0 += 1;
        if let Some(a) = o.amount {
            e.1.add(a).unwrap();
        }
        if let Some(w) = o.weighted_amount() {
            e.2.add(w).unwrap();
        }
    }
    let r = run(&store, &env(), ReportKind::Pipeline, &Params::default()).unwrap();
    assert_eq!(
        r.scope_in(crate::model::Lang::En),
        "open opportunities · all records"
    );
    assert_eq!(
        r.scope_in(crate::model::Lang::De),
        "offene Verkaufschancen · alle Datensätze"
    );
    let s = &r.sections[0];
    assert_eq!(s.rows.len(), want.len());
    for row in &s.rows {
        let Cell::Text(stage) = &row[0] else { panic!() };
        let (n, a, w) = &want[stage];
        assert_eq!(count(&row[1]), *n, "{stage}");
        assert_eq!(&money(&row[2]), a, "{stage}");
        assert_eq!(&money(&row[3]), w, "{stage}");
    }
    // Stages in sequence order.
    let order: Vec<String> = stages(&store).unwrap().into_iter().map(|s| s.key).collect();
    let shown: Vec<String> = s.rows.iter().map(|r| r[0].text()).collect();
    let mut sorted = shown.clone();
    sorted.sort_by_key(|l| order.iter().position(|k| k == l).unwrap_or(usize::MAX));
    assert_eq!(shown, sorted);
    let total: u64 = want.values().map(|v| v.0).sum();
    assert_eq!(count(&s.total.as_ref().unwrap()[1]), total);
}

#[test]
fn board_lanes_hold_every_open_opportunity_of_the_filter() {
    let (_dir, store) = crate::ops::demo_store(3000);
    let m = Meanings::of(&store).unwrap();
    let territory = all(&store)
        .into_iter()
        .find(|o| !o.territory.is_empty())
        .unwrap()
        .territory;
    let p = Params {
        territory: Some(territory.clone()),
        ..Params::default()
    };
    let b = board(&store, &env(), &p).unwrap();
    let want: Vec<Opportunity> = all(&store)
        .into_iter()
        .filter(|o| o.territory == territory && m.is(&o.status, "open"))
        .collect();
    let got: u64 = b.lanes.iter().map(|l| l.count).sum();
    assert_eq!(got, want.len() as u64);
    for lane in &b.lanes {
        assert!(lane
            .cards
            .iter()
            .all(|c| want.iter().any(|o| o.key == c.key && o.stage == lane.stage)));
        let closes: Vec<_> = lane.cards.iter().map(|c| c.expected_close).collect();
        let mut sorted = closes.clone();
        sorted.sort_by_key(|d| (d.is_none(), *d));
        assert_eq!(closes, sorted);
    }
}

#[test]
fn mixed_currencies_are_never_added_together() {
    let (_dir, store) = crate::ops::demo_store(500);
    let mut o = all(&store)
        .into_iter()
        .find(|o| o.amount.is_some() && Meanings::of(&store).unwrap().is(&o.status, "open"))
        .unwrap();
    let old = o.clone();
    o.amount = Some(Money::new(12_345, Currency::USD));
    crate::ops::save::save(&store, Some(&old as &dyn Record), Box::new(o.clone())).unwrap();
    let r = run(&store, &env(), ReportKind::Pipeline, &Params::default()).unwrap();
    let total = money(&r.sections[0].total.as_ref().unwrap()[2]);
    assert_eq!(total.cents(Currency::USD), 12_345);
    assert!(total.cents(Currency::EUR) > 0);
    assert!(total.to_string().contains(" + "), "{total}");
}

#[test]
fn group_query_counts_and_sums_every_selected_record() {
    let (_dir, store) = crate::ops::demo_store(2000);
    let s = group_query(
        &store,
        &env(),
        &Query::parse("", Opportunity::DEF).unwrap(),
        &["salesperson".into(), "stage".into()],
        &[],
        crate::report::GroupSort::Label,
        false,
    )
    .unwrap();
    let opps = all(&store);
    let rows_total: u64 = s.rows.iter().map(|r| count(&r[2])).sum();
    assert_eq!(rows_total, opps.len() as u64);
    let mut want = Sums::default();
    for o in &opps {
        if let Some(a) = o.amount {
            want.add(a).unwrap();
        }
    }
    assert_eq!(money(&s.total.as_ref().unwrap()[3]), want);
}

#[test]
fn bad_input_is_one_clear_line() {
    let (_dir, store) = crate::ops::demo_store(300);
    let e = |k, p: Params| run(&store, &env(), k, &p).unwrap_err().to_string();
    let msg = e(
        ReportKind::Pipeline,
        Params {
            by: Some("stag".into()),
            ..Params::default()
        },
    );
    assert!(msg.contains("did you mean 'stage'"), "{msg}");
    let msg = e(
        ReportKind::Forecast,
        Params {
            period: Some("NOPE".into()),
            ..Params::default()
        },
    );
    assert!(msg.contains("NOPE"), "{msg}");
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let msg = e(
        ReportKind::WinLoss,
        Params {
            from: d("2026-12-01"),
            to: d("2026-01-01"),
            ..Params::default()
        },
    );
    assert!(msg.contains("after --to"), "{msg}");
    let msg = group_query(
        &store,
        &env(),
        &Query::parse("", Opportunity::DEF).unwrap(),
        &["notes".into()],
        &[],
        crate::report::GroupSort::Label,
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(msg.contains("multiline"), "{msg}");
}

#[test]
fn campaigns_report_agrees_with_each_campaigns_efficiency() {
    let (_dir, store) = crate::ops::demo_store(3000);
    let r = run(&store, &env(), ReportKind::Campaigns, &Params::default()).unwrap();
    let want = crate::ops::campaign::report(&store).unwrap();
    let s = &r.sections[0];
    assert_eq!(s.rows.len(), want.len());
    for (row, e) in s.rows.iter().zip(&want) {
        assert_eq!(row[0].text(), e.campaign);
        assert_eq!(count(&row[2]), e.leads as u64, "{}", e.campaign);
        assert_eq!(count(&row[3]), e.opportunities as u64, "{}", e.campaign);
        assert_eq!(count(&row[4]), e.won as u64, "{}", e.campaign);
        assert_eq!(money(&row[5]), e.won_revenue, "{}", e.campaign);
        assert_eq!(row[7], Cell::Percent(e.roi()), "{}", e.campaign);
    }
}

#[test]
fn the_projection_follows_saves_deletes_and_new_records() {
    let (_dir, store) = crate::ops::demo_store(1500);
    let m = Meanings::of(&store).unwrap();
    let total = |store: &Store| {
        let r = run(store, &env(), ReportKind::Pipeline, &Params::default()).unwrap();
        count(&r.sections[0].total.as_ref().unwrap()[1])
    };
    let before = total(&store);
    let open: Vec<Opportunity> = all(&store)
        .into_iter()
        .filter(|o| m.is(&o.status, "open"))
        .collect();
    // A new open opportunity, one deleted, one closed.
    let mut new = open[0].clone();
    new.key = "OPP9000001".into();
    store.insert(Box::new(new)).unwrap();
    assert_eq!(total(&store), before + 1);
    store.delete(Opportunity::DEF, &open[1].key).unwrap();
    assert_eq!(total(&store), before);
    let status = crate::ops::forecast::meanings(&store)
        .unwrap()
        .into_iter()
        .find(|(_, m)| m == "lost")
        .unwrap()
        .0;
    let reason = store
        .scan(crate::model::ReasonCode::DEF)
        .map(|r| {
            r.unwrap()
                .downcast_ref::<crate::model::ReasonCode>()
                .unwrap()
                .clone()
        })
        .find(|r| r.kind == "lost")
        .unwrap()
        .key;
    let mut closed = open[2].clone();
    let old = closed.clone();
    closed.status = status;
    closed.reason = reason;
    crate::ops::save::save(&store, Some(&old as &dyn Record), Box::new(closed)).unwrap();
    assert_eq!(total(&store), before - 1);
    // The board agrees with a brute-force count after the writes.
    let b = board(&store, &env(), &Params::default()).unwrap();
    let m = Meanings::of(&store).unwrap();
    let want = all(&store)
        .iter()
        .filter(|o| m.is(&o.status, "open"))
        .count() as u64;
    assert_eq!(b.lanes.iter().map(|l| l.count).sum::<u64>(), want);
}

#[test]
fn activity_counts_interactions_and_done_tasks_per_week() {
    use crate::model::{Interaction, OpportunityTask};
    let (_dir, store) = crate::ops::demo_store(3000);
    let p = Params {
        from: NaiveDate::from_ymd_opt(2020, 1, 1),
        to: NaiveDate::from_ymd_opt(2021, 12, 31),
        ..Params::default()
    };
    let r = run(&store, &env(), ReportKind::Activity, &p).unwrap();
    let (from, to) = (r.from.unwrap(), r.to.unwrap());
    let want_i = store
        .scan(Interaction::DEF)
        .map(|r| r.unwrap().downcast_ref::<Interaction>().unwrap().clone())
        .filter(|i| {
            i.occurred_at
                .is_some_and(|t| from <= t.date() && t.date() <= to)
        })
        .count() as u64;
    let want_t = store
        .scan(OpportunityTask::DEF)
        .map(|r| {
            r.unwrap()
                .downcast_ref::<OpportunityTask>()
                .unwrap()
                .clone()
        })
        .filter(|t| t.status == "done" && t.completed_on.is_some_and(|d| from <= d && d <= to))
        .count() as u64;
    let total = r.sections[0].total.as_ref().unwrap();
    assert_eq!(count(&total[1]), want_i);
    assert_eq!(count(&total[2]), want_t);
}
