use super::*;
use crate::model::{Currency, ReasonCode, Record};
use crate::ops::save::save;

fn eur(units: i64) -> Option<Money> {
    Some(Money::eur(units * 100))
}

/// A demo store with period T2030 (Q1 2030), a draft forecast of a salesperson
/// for it, and three of that salesperson's open opportunities moved into it with
/// amounts 1,000 / 2,000 / 3,000 EUR at 10 / 50 / 100 %.
fn setup() -> (tempfile::TempDir, Store, String, Vec<String>) {
    let (dir, store) = crate::ops::demo_store(3000);
    let meanings = meanings(&store).unwrap();
    let mut by_sp: HashMap<String, Vec<Opportunity>> = HashMap::new();
    for r in store.scan(Opportunity::DEF) {
        let o = r.unwrap().downcast_ref::<Opportunity>().unwrap().clone();
        if is_open(&meanings, &o.status) && !o.salesperson.is_empty() {
            by_sp.entry(o.salesperson.clone()).or_default().push(o);
        }
    }
    let (sp, opps) = by_sp.into_iter().max_by_key(|(_, v)| v.len()).unwrap();
    let period = SalesPeriod {
        key: "T2030".into(),
        description: "First quarter 2030".into(),
        start_date: NaiveDate::from_ymd_opt(2030, 1, 1),
        end_date: NaiveDate::from_ymd_opt(2030, 3, 31),
    };
    store.insert(Box::new(period)).unwrap();
    let mut keys = Vec::new();
    for (i, o) in opps.into_iter().take(3).enumerate() {
        let old = o.clone();
        let o = Opportunity {
            expected_close: NaiveDate::from_ymd_opt(2030, 2, 1 + i as u32),
            amount: eur(1000 * (i as i64 + 1)),
            probability: Some([10, 50, 100][i]),
            ..o
        };
        keys.push(o.key.clone());
        save(&store, Some(&old as &dyn Record), Box::new(o)).unwrap();
    }
    let f = SalesForecast {
        salesperson: sp,
        period: "T2030".into(),
        status: "draft".into(),
        quota: eur(10_000),
        ..Default::default()
    };
    let key = store.insert(Box::new(f)).unwrap();
    (dir, store, key, keys)
}

fn get(store: &Store, key: &str) -> SalesForecast {
    store.get_as::<SalesForecast>(key).unwrap().unwrap()
}

#[test]
fn candidates_are_the_salespersons_open_opportunities_in_the_period() {
    let (_d, store, key, opps) = setup();
    let c: Vec<String> = candidates(&store, &key)
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(c, opps);
    add(&store, &key, &opps[..1]).unwrap();
    assert_eq!(candidates(&store, &key).unwrap().len(), 2);
}

#[test]
fn adding_copies_the_opportunity_and_refuses_what_does_not_belong() {
    let (_d, store, key, opps) = setup();
    assert_eq!(add(&store, &key, &opps).unwrap(), 3);
    let f = get(&store, &key);
    let opp = store.get_as::<Opportunity>(&opps[1]).unwrap().unwrap();
    assert_eq!(f.lines[1], line_of(&opp));
    let before = get(&store, &key);
    // Twice, another salesperson's, outside the period, unknown: refused, unchanged.
    let e = add(&store, &key, &opps[..1]).unwrap_err().to_string();
    assert!(e.contains("in the forecast already"), "{e}");
    let other = store
        .scan(Opportunity::DEF)
        .map(|r| r.unwrap().downcast_ref::<Opportunity>().unwrap().clone())
        .find(|o| o.salesperson != f.salesperson && !o.salesperson.is_empty())
        .unwrap();
    let e = add(&store, &key, std::slice::from_ref(&other.key))
        .unwrap_err()
        .to_string();
    assert!(e.contains("belongs to salesperson"), "{e}");
    let e = add(&store, &key, &["OPP9999999".into()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("OPP9999999"), "{e}");
    assert_eq!(get(&store, &key), before);
}

#[test]
fn draft_lines_follow_their_opportunity_and_submit_freezes_them() {
    let (_d, store, key, opps) = setup();
    add(&store, &key, &opps).unwrap();
    let old = store.get_as::<Opportunity>(&opps[0]).unwrap().unwrap();
    let new = Opportunity {
        amount: eur(1500),
        ..old.clone()
    };
    save(&store, Some(&old as &dyn Record), Box::new(new)).unwrap();
    assert_eq!(get(&store, &key).lines[0].amount, eur(1500));
    let f = submit(&store, &key).unwrap();
    assert_eq!(f.status, "submitted");
    // 1,500 × 10 % + 2,000 × 50 % + 3,000 × 100 %
    assert_eq!(f.forecast_amount, eur(150 + 1000 + 3000));
    let old = store.get_as::<Opportunity>(&opps[0]).unwrap().unwrap();
    let new = Opportunity {
        amount: eur(9999),
        ..old.clone()
    };
    save(&store, Some(&old as &dyn Record), Box::new(new)).unwrap();
    assert_eq!(get(&store, &key).lines[0].amount, eur(1500), "frozen");
    let e = submit(&store, &key).unwrap_err().to_string();
    assert!(e.contains("submitted already"), "{e}");
    let e = add(&store, &key, &opps[..1]).unwrap_err().to_string();
    assert!(e.contains("frozen"), "{e}");
    // Nor does `set status=draft` reopen it.
    let submitted = get(&store, &key);
    let reopened = SalesForecast {
        status: "draft".into(),
        ..submitted.clone()
    };
    let e = save(&store, Some(&submitted as &dyn Record), Box::new(reopened))
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not go back to draft"), "{e}");
    assert_eq!(get(&store, &key).status, "submitted");
    assert!(store.audit().unwrap().is_clean());
}

#[test]
fn a_rollup_filter_naming_nothing_is_an_error_with_a_suggestion() {
    let (_d, store, key, _opps) = setup();
    let period = get(&store, &key).period;
    let filter = |team: &str| Filter {
        team: Some(team.into()),
        ..Filter::default()
    };
    let e = rollup(&store, &period, &filter("NOSUCH"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("NOSUCH does not exist"), "{e}");
    let territory = Filter {
        territory: Some("NORDD".into()),
        ..Filter::default()
    };
    let e = rollup(&store, &period, &territory).unwrap_err().to_string();
    assert!(e.contains("NORDD does not exist"), "{e}");
}

#[test]
fn an_empty_forecast_is_not_submitted() {
    let (_d, store, key, _) = setup();
    let e = submit(&store, &key).unwrap_err().to_string();
    assert!(e.contains("empty forecast"), "{e}");
    assert_eq!(get(&store, &key).status, "draft");
}

#[test]
fn rollup_gives_potential_weighted_won_and_attainment() {
    let (_d, store, key, opps) = setup();
    add(&store, &key, &opps).unwrap();
    // Win the 3,000 one.
    let old = store.get_as::<Opportunity>(&opps[2]).unwrap().unwrap();
    let won_status = meanings(&store)
        .unwrap()
        .into_iter()
        .find(|(_, m)| m == "won")
        .unwrap()
        .0;
    let reason = store
        .scan(ReasonCode::DEF)
        .map(|r| r.unwrap().downcast_ref::<ReasonCode>().unwrap().clone())
        .find(|r| r.kind == "won")
        .unwrap();
    let new = Opportunity {
        status: won_status,
        reason: reason.key,
        ..old.clone()
    };
    save(&store, Some(&old as &dyn Record), Box::new(new)).unwrap();
    let r = rollup(&store, "t2030", &Filter::default()).unwrap();
    let t = &r.total;
    assert_eq!((t.forecasts, t.lines), (1, 3));
    assert_eq!(t.potential.first(), eur(6000));
    assert_eq!(t.weighted.first(), eur(100 + 1000 + 3000));
    assert_eq!(t.won.first(), eur(3000));
    assert_eq!(t.attainment(), Some(30.0));
    let sp = r.groups.iter().find(|g| g.kind == "salesperson").unwrap();
    assert_eq!(sp.figures, *t);
    let lines_by_territory: usize = r
        .groups
        .iter()
        .filter(|g| g.kind == "territory")
        .map(|g| g.figures.lines)
        .sum();
    assert_eq!(lines_by_territory, 3);
    // A filter on a territory that does not exist is an error, not an empty roll-up.
    let none = Filter {
        territory: Some("NOWHERE".into()),
        ..Default::default()
    };
    assert!(rollup(&store, "T2030", &none).is_err());
    let e = rollup(&store, "T2031", &Filter::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("T2031"), "{e}");
}

#[test]
fn sums_past_the_largest_amount_are_an_error_not_a_wrap() {
    let mut s = Sums::default();
    s.add(Money::eur(i64::MAX)).unwrap();
    let e = s.add(Money::eur(1)).unwrap_err();
    assert!(e.contains("exceeds the largest amount"), "{e}");
    assert_eq!(s.first(), Some(Money::eur(i64::MAX)), "nothing added");
    // Another currency is a sum of its own.
    s.add(Money::new(i64::MAX, Currency::USD)).unwrap();
    assert!(s.clone().merge(&s).is_err());
}

#[test]
fn two_opportunities_of_the_largest_amount_do_not_wrap_the_rollup() {
    let (_d, store, key, opps) = setup();
    add(&store, &key, &opps).unwrap();
    for k in &opps[..2] {
        let old = store.get_as::<Opportunity>(k).unwrap().unwrap();
        let o = Opportunity {
            amount: Some(Money::eur(i64::MAX)),
            ..old.clone()
        };
        save(&store, Some(&old as &dyn Record), Box::new(o)).unwrap();
    }
    let f = get(&store, &key);
    assert_eq!(f.lines[0].amount, Some(Money::eur(i64::MAX)));
    let e = Figures::of(&f, &meanings(&store).unwrap()).unwrap_err();
    assert!(e.contains("exceeds the largest amount"), "{e}");
    let e = rollup(&store, "T2030", &Filter::default()).unwrap_err();
    assert!(e.to_string().contains("exceeds the largest amount"), "{e}");
    let e = submit(&store, &key).unwrap_err();
    assert!(e.to_string().contains("exceeds the largest amount"), "{e}");
    assert!(is_draft(&get(&store, &key)), "nothing submitted");
}

#[test]
fn a_drafts_forecast_amount_follows_the_weighted_total_until_one_is_typed() {
    let (_d, store, key, opps) = setup();
    assert_eq!(get(&store, &key).forecast_amount, None);
    add(&store, &key, &opps[..2]).unwrap();
    // 1,000 × 10 % + 2,000 × 50 %
    assert_eq!(get(&store, &key).forecast_amount, eur(100 + 1000));
    let old = store.get_as::<Opportunity>(&opps[0]).unwrap().unwrap();
    let new = Opportunity {
        amount: eur(3000),
        ..old.clone()
    };
    save(&store, Some(&old as &dyn Record), Box::new(new)).unwrap();
    assert_eq!(get(&store, &key).forecast_amount, eur(300 + 1000));
    // A figure typed in the form stays, whatever the opportunities do.
    let old = get(&store, &key);
    let typed = SalesForecast {
        forecast_amount: eur(5000),
        ..old.clone()
    };
    save(&store, Some(&old as &dyn Record), Box::new(typed)).unwrap();
    add(&store, &key, &opps[2..]).unwrap();
    assert_eq!(get(&store, &key).forecast_amount, eur(5000));
    // Cleared, it follows again.
    let old = get(&store, &key);
    let cleared = SalesForecast {
        forecast_amount: None,
        ..old.clone()
    };
    save(&store, Some(&old as &dyn Record), Box::new(cleared)).unwrap();
    assert_eq!(get(&store, &key).forecast_amount, eur(300 + 1000 + 3000));
}
