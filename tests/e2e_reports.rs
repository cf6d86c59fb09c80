//! Issue 14's "done when" in a real terminal (tmux, 80×24, the built binary): a
//! manager opens the Forecast chart for the current period, groups the
//! Opportunities of one territory by salesperson and stage, and exports the
//! pipeline report to an .xlsx with a chart.

mod common;

use common::cli::crm;
use common::tmux::{assert_restored, Session};

fn ok(db: &std::path::Path, args: &[&str]) -> String {
    let (code, out, err) = crm(db, args);
    assert_eq!(code, 0, "crm {args:?}: {err}");
    out
}

#[test]
fn a_manager_reads_the_forecast_groups_a_territory_and_exports_the_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reports");
    ok(&db, &["demo", "--records", "3000"]);
    let s = Session::start(&db, "");
    s.wait_for("Alerts");

    // The Forecast chart of a quarter: each salesperson against quota.
    s.type_text(":Forecast");
    s.send(&["Enter"]);
    s.wait_for("p period");
    s.send(&["p"]);
    s.type_text("2026-Q4");
    s.send(&["Enter"]);
    let screen = s.wait_for("period 2026-Q4");
    assert!(screen.contains("Forecast by salesperson"), "{screen}");
    assert!(screen.contains("Total"), "{screen}");
    assert!(screen.contains('%'), "{screen}");

    // The Opportunities of one territory, grouped by salesperson and stage.
    s.type_text(":Opportunities");
    s.send(&["Enter"]);
    s.wait_for("OPP0000001");
    s.send(&["f"]);
    s.type_text("territory:NORD");
    // Typed ahead while the query runs: nothing is lost.
    s.send(&["Enter"]);
    s.type_text(":group salesperson,stage");
    s.wait_for("enter: group the table's rows");
    s.send(&["Enter"]);
    let screen = s.wait_for("Total");
    let csv = ok(
        &db,
        &[
            "query",
            "territory:NORD",
            "-e",
            "opportunity",
            "--format",
            "csv",
        ],
    );
    let rows = csv.lines().count() - 1;
    assert!(screen.contains("By Salesperson › Stage"), "{screen}");
    assert!(
        screen.contains(&format!("groups, {rows} rows")),
        "{rows} rows? {screen}"
    );
    s.send(&["q"]);
    assert_restored(&s.wait_for("icanon"));

    // The pipeline report as an .xlsx with a chart.
    let xlsx = dir.path().join("pipeline.xlsx");
    ok(
        &db,
        &["report", "pipeline", "--out", xlsx.to_str().unwrap()],
    );
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(bytes.windows(20).any(|w| w == b"xl/charts/chart1.xml"));
}
