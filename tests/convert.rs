//! `crm convert prospect` from the command line.

mod common;

use common::cli::crm;

#[test]
fn a_prospect_becomes_a_customer_and_takes_its_opportunities_along() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(crm(&db, &["demo", "--records", "2000"]).0, 0);
    let (_, csv, _) = crm(&db, &["list", "opportunity", "--format", "csv"]);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let prospect_col = rows
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "prospect")
        .unwrap();
    let prospect = rows
        .records()
        .map(|r| r.unwrap()[prospect_col].to_string())
        .find(|p| !p.is_empty())
        .expect("an opportunity of a prospect");
    let of = |csv: &str, col: &str, value: &str| -> usize {
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        let i = r.headers().unwrap().iter().position(|h| h == col).unwrap();
        r.records()
            .filter(|x| &x.as_ref().unwrap()[i] == value)
            .count()
    };
    let before = of(&csv, "prospect", &prospect);

    let (code, out, err) = crm(&db, &["convert", "prospect", &prospect]);
    assert_eq!(code, 0, "{err}");
    let customer = out.trim().to_string();
    assert!(customer.starts_with("CUS"), "{out}");
    let (_, csv, _) = crm(&db, &["list", "opportunity", "--format", "csv"]);
    assert_eq!(of(&csv, "prospect", &prospect), 0);
    assert_eq!(of(&csv, "customer", &customer), before);
    let (_, json, _) = crm(&db, &["get", "prospect", &prospect, "--format", "json"]);
    assert!(
        json.contains("\"converted\"") && json.contains(&customer),
        "{json}"
    );

    let (code, _, err) = crm(&db, &["convert", "prospect", &prospect]);
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("converted already"), "{err}");
    assert_eq!(crm(&db, &["check"]).0, 0);
}

#[test]
fn a_lead_becomes_an_opportunity_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(crm(&db, &["demo", "--records", "1000"]).0, 0);
    let (code, out, err) = crm(&db, &["convert", "lead", "LEA0000001"]);
    assert_eq!(code, 0, "{err}");
    let opp = out.trim().to_string();
    assert!(opp.starts_with("OPP"), "{out}");
    let (_, json, _) = crm(&db, &["get", "lead", "LEA0000001", "--format", "json"]);
    assert!(
        json.contains(&format!("\"opportunity\": \"{opp}\"")),
        "{json}"
    );
    let (code, _, err) = crm(&db, &["convert", "lead", "LEA0000001"]);
    assert_eq!((code, err.lines().count()), (1, 1), "{err}");
    let (code, _, err) = crm(&db, &["convert", "quote", "QUO0000001"]);
    assert_eq!(code, 1);
    assert!(err.contains("crm convert lead"), "{err}");
    assert_eq!(crm(&db, &["check"]).0, 0);
}

#[test]
fn a_won_opportunity_needs_its_reason_and_gets_its_close_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(crm(&db, &["demo", "--records", "500"]).0, 0);
    let (_, before, _) = crm(
        &db,
        &["get", "opportunity", "OPP0000001", "--format", "json"],
    );
    let (code, _, err) = crm(
        &db,
        &["set", "opportunity", "OPP0000001", "status=WON", "reason="],
    );
    assert_eq!((code, err.lines().count()), (1, 1), "{err}");
    assert!(err.contains("needs a reason code"), "{err}");
    let (_, after, _) = crm(
        &db,
        &["get", "opportunity", "OPP0000001", "--format", "json"],
    );
    assert_eq!(before, after, "refused: nothing changed");
    let (_, reasons, _) = crm(&db, &["list", "reason_code", "--format", "csv"]);
    let won = reasons
        .lines()
        .find(|l| l.ends_with(",won"))
        .and_then(|l| l.split(',').next())
        .unwrap()
        .to_string();
    let (code, _, err) = crm(
        &db,
        &[
            "set",
            "opportunity",
            "OPP0000001",
            "status=WON",
            &format!("reason={won}"),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (_, json, _) = crm(
        &db,
        &["get", "opportunity", "OPP0000001", "--format", "json"],
    );
    assert!(
        !json.contains("\"closed_on\": null"),
        "the close date is set: {json}"
    );
}

#[test]
fn accepting_a_quote_makes_its_order_and_wins_its_opportunity() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(crm(&db, &["demo", "--records", "3000"]).0, 0);
    let (_, csv, _) = crm(&db, &["list", "quote", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (key, opp) = r
        .records()
        .map(|x| x.unwrap())
        .find(|q| {
            !q[col("customer")].is_empty()
                && !q[col("opportunity")].is_empty()
                && matches!(&q[col("status")], "draft" | "sent")
        })
        .map(|q| (q[col("key")].to_string(), q[col("opportunity")].to_string()))
        .expect("an open quote");
    // The demo's dates are fixed; keep the quote valid whatever today is.
    let (code, _, err) = crm(&db, &["set", "quote", &key, "valid_until=+30d"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = crm(&db, &["accept", &key, "--won", "WPRICE"]);
    assert_eq!(code, 0, "{err}");
    let order = out.trim().to_string();
    let (_, json, _) = crm(&db, &["get", "order", &order, "--format", "json"]);
    assert!(json.contains(&key), "{json}");
    let (_, json, _) = crm(&db, &["get", "opportunity", &opp, "--format", "json"]);
    assert!(
        json.contains("\"WON\"") && json.contains("\"WPRICE\""),
        "{json}"
    );
    let (code, _, err) = crm(&db, &["accept", &key]);
    assert_eq!((code, err.lines().count()), (1, 1), "{err}");
    assert_eq!(crm(&db, &["check"]).0, 0);
}

#[test]
fn alerts_for_everyone_and_for_one_salesperson() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(crm(&db, &["demo", "--records", "1000"]).0, 0);
    let (code, all, err) = crm(&db, &["alerts", "--all", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(all.starts_with("date,kind,entity,key,text"), "{all}");
    assert!(
        all.lines().count() > 1,
        "the demo data has due items: {all}"
    );
    let (code, _, err) = crm(&db, &["alerts", "--as", "NOBODY"]);
    assert_eq!((code, err.lines().count()), (1, 1), "{err}");
}
