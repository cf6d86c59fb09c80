//! The sales process from the command line, end to end: campaign → lead →
//! prospect and opportunity → task and quote → forecast → customer → accepted
//! quote with the opportunity won → order, with every figure checked; and the bad
//! input each step refuses with nothing changed.

mod common;

use common::cli::crm;

use std::path::Path;

/// Runs a command that must succeed and returns its standard output, trimmed.
fn ok(db: &Path, args: &[&str]) -> String {
    let (code, out, err) = crm(db, args);
    assert_eq!(code, 0, "crm {args:?}: {err}");
    out.trim().to_string()
}

/// Runs a command that must fail with one line naming `needle`; the database
/// must not change.
fn refused(db: &Path, args: &[&str], needle: &str) {
    let before = ok(db, &["list", "sales_forecast", "--format", "csv"]);
    let orders = ok(db, &["list", "order", "--format", "csv"]);
    let (code, _, err) = crm(db, args);
    assert_eq!(code, 1, "crm {args:?} should fail");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(needle), "crm {args:?}: {err}");
    assert_eq!(
        ok(db, &["list", "sales_forecast", "--format", "csv"]),
        before
    );
    assert_eq!(ok(db, &["list", "order", "--format", "csv"]), orders);
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// WALKER's 2026-Q4 forecast rolled up, as JSON rows.
fn walkers_rollup(db: &Path) -> serde_json::Value {
    json(&ok(
        db,
        &[
            "forecast",
            "2026-Q4",
            "--salesperson",
            "WALKER",
            "--format",
            "json",
        ],
    ))
}

/// The row of a `crm forecast --format json` roll-up with that group and key.
fn group<'a>(rows: &'a serde_json::Value, kind: &str, key: &str) -> &'a serde_json::Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == kind && r["key"] == key)
        .unwrap_or_else(|| panic!("no {kind} {key} in {rows}"))
}

#[test]
fn campaign_to_won_quote_in_the_forecast_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&db, &["demo", "--records", "300"]);
    let item = ok(&db, &["list", "item", "--limit", "1", "--format", "csv"])
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    ok(
        &db,
        &["add", "salesperson", "key=WALKER", "name=Wanda Walker"],
    );
    let campaign = ok(
        &db,
        &[
            "add",
            "campaign",
            "description=Hausmesse Kiel 2026",
            "budget=3000",
        ],
    );
    let lead = ok(
        &db,
        &[
            "add",
            "lead",
            "last_name=Petersen",
            "company=Förde Kran GmbH",
            "city=Kiel",
            &format!("campaign={campaign}"),
            "territory=NORD",
            "salesperson=WALKER",
        ],
    );
    let opp = ok(&db, &["convert", "lead", &lead, "--new-prospect"]);
    let o = json(&ok(&db, &["get", "opportunity", &opp, "--format", "json"]));
    let prospect = o["prospect"].as_str().unwrap().to_string();
    assert!(prospect.starts_with("PRO"), "{o}");
    assert_eq!(
        (o["campaign"].as_str(), o["salesperson"].as_str()),
        (Some(campaign.as_str()), Some("WALKER"))
    );
    ok(
        &db,
        &[
            "set",
            "opportunity",
            &opp,
            "probability=40",
            "amount=12000",
            "expected_close=2026-12-15",
        ],
    );
    ok(
        &db,
        &[
            "add",
            "opportunity_task",
            &format!("opportunity={opp}"),
            "description=Aufmaß vor Ort",
        ],
    );
    let quote = ok(
        &db,
        &[
            "add",
            "quote",
            &format!("opportunity={opp}"),
            "valid_until=+30d",
            &format!("lines={item}|2|5000|10"),
        ],
    );
    let q = json(&ok(&db, &["get", "quote", &quote, "--format", "json"]));
    assert_eq!(
        q["prospect"],
        prospect.as_str(),
        "the quote is to the opportunity's prospect"
    );

    let forecast = ok(
        &db,
        &[
            "add",
            "sales_forecast",
            "salesperson=WALKER",
            "period=2026-Q4",
            "status=draft",
            "quota=20000",
        ],
    );
    refused(&db, &["forecast", "submit", &forecast], "empty forecast");
    let candidates = ok(
        &db,
        &["forecast", "candidates", &forecast, "--format", "csv"],
    );
    assert_eq!(candidates.lines().count(), 2, "{candidates}");
    assert!(candidates.contains(&opp));
    ok(&db, &["forecast", "add", &forecast, &opp]);
    refused(
        &db,
        &["forecast", "add", &forecast, &opp],
        "in the forecast already",
    );
    let rows = walkers_rollup(&db);
    let total = group(&rows, "total", "2026-Q4");
    assert_eq!(total["potential"], "12000.00 EUR");
    assert_eq!(total["weighted"], "4800.00 EUR");
    assert_eq!(total["won"], "0.00");
    assert_eq!(total["attainment_pct"], "0.0");
    assert_eq!(group(&rows, "territory", "NORD")["lines"], "1");

    // A quote to a prospect makes no order: the prospect becomes a customer first.
    refused(
        &db,
        &["accept", &quote, "--won", "WPRICE"],
        "convert prospect",
    );
    let customer = ok(&db, &["convert", "prospect", &prospect]);
    assert_eq!(
        json(&ok(&db, &["get", "quote", &quote, "--format", "json"]))["customer"],
        customer.as_str()
    );
    refused(
        &db,
        &["accept", &quote, "--won", "LBUDGET"],
        "reason code for won",
    );
    let order = ok(&db, &["accept", &quote, "--won", "WPRICE"]);
    let o = json(&ok(&db, &["get", "order", &order, "--format", "json"]));
    assert_eq!(
        (o["customer"].as_str(), o["total"].as_str()),
        (Some(customer.as_str()), Some("9000.00 EUR"))
    );
    let won = json(&ok(&db, &["get", "opportunity", &opp, "--format", "json"]));
    assert_eq!(
        (won["status"].as_str(), won["amount"].as_str()),
        (Some("WON"), Some("9000.00 EUR"))
    );
    refused(
        &db,
        &["accept", &quote],
        "accepted quote cannot be accepted",
    );

    // The draft forecast followed its opportunity.
    let rows = walkers_rollup(&db);
    let total = group(&rows, "total", "2026-Q4");
    assert_eq!(total["won"], "9000.00 EUR");
    assert_eq!(total["weighted"], "9000.00 EUR");
    assert_eq!(total["quota"], "20000.00 EUR");
    assert_eq!(total["attainment_pct"], "45.0");
    ok(&db, &["forecast", "submit", &forecast]);
    refused(&db, &["forecast", "submit", &forecast], "submitted already");

    // The campaign's efficiency: one lead, its prospect, the won revenue.
    let report = json(&ok(
        &db,
        &["campaign-report", &campaign, "--format", "json"],
    ));
    let c = &report[0];
    assert_eq!(
        (
            c["leads"].as_str(),
            c["opportunities"].as_str(),
            c["won"].as_str()
        ),
        (Some("1"), Some("1"), Some("1"))
    );
    assert_eq!(c["won_revenue"], "9000.00 EUR");
    assert_eq!(c["cost_per_lead"], "3000.00 EUR");
    assert_eq!(c["roi_pct"], "200.0");
    assert_eq!(
        ok(&db, &["check"])
            .lines()
            .last()
            .map(|l| l.contains("clean") || l.contains("ok")),
        Some(true)
    );
}

#[test]
fn forecasts_refuse_what_does_not_belong() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&db, &["demo", "--records", "2000"]);
    ok(
        &db,
        &["add", "salesperson", "key=WALKER", "name=Wanda Walker"],
    );
    let forecast = ok(
        &db,
        &[
            "add",
            "sales_forecast",
            "salesperson=WALKER",
            "period=2026-Q4",
            "status=draft",
        ],
    );
    let opps = ok(
        &db,
        &["list", "opportunity", "--limit", "1", "--format", "csv"],
    );
    let other = opps
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    refused(
        &db,
        &["forecast", "add", &forecast, &other],
        "belongs to salesperson",
    );
    refused(
        &db,
        &["forecast", "add", &forecast, "OPP9999999"],
        "OPP9999999",
    );
    refused(
        &db,
        &["forecast", "add", "FCS9999999", &other],
        "FCS9999999",
    );
    refused(&db, &["forecast", "2031-Q9"], "2031-Q9");
    refused(&db, &["reject", "QUO9999999"], "QUO9999999");
    let (code, _, err) = crm(&db, &["forecast"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("name a sales period"), "{err}");
}
