//! Issue 14's "done when" in a real terminal (tmux, 80×24, the built binary): a
//! manager opens the Forecast chart for a period, groups the Opportunities of one
//! territory by salesperson and stage, opens the board filtered to that
//! territory, moves a card from PROPOSAL to NEGOTIATE with `L`, and exports the
//! pipeline report to an .xlsx with a chart.

mod common;

use common::cli::crm;
use common::tmux::{assert_restored, Session};

fn ok(db: &std::path::Path, args: &[&str]) -> String {
    let (code, out, err) = crm(db, args);
    assert_eq!(code, 0, "crm {args:?}: {err}");
    out
}

/// The key on the selected card (its lines are marked ▌; the last names the key).
fn selected_card(screen: &str) -> String {
    screen
        .lines()
        .filter_map(|l| l.split('▌').nth(1))
        .find_map(|rest| rest.split_whitespace().find(|w| w.starts_with("OPP")))
        .map(|k| k.trim_end_matches('│').to_string())
        .unwrap_or_else(|| panic!("no selected card on the screen:\n{screen}"))
}

fn wait_for_screen(s: &Session, done: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let screen = s.screen();
        if done(&screen) {
            return screen;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the screen never came:\n{screen}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn wait_until(mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "the change never landed"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn a_manager_reads_the_forecast_groups_a_territory_moves_a_card_and_exports_the_pipeline() {
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
    s.wait_for("Company");
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

    // The board, filtered to the territory; a PROPOSAL card moves on with L.
    s.send(&["Escape"]);
    s.wait_for("enter Open record");
    s.send(&["b"]);
    s.wait_for("Pipeline board");
    s.send(&["f"]);
    s.type_text("territory:NORD");
    s.send(&["Enter"]);
    s.wait_for("query territory:NORD");
    s.send(&["l", "l"]);
    // The selection is in the third lane once its marks follow two lane borders.
    let screen = wait_for_screen(&s, |screen| {
        screen.lines().any(|l| {
            l.split('▌')
                .next()
                .is_some_and(|before| before.matches('│').count() == 2)
                && l.contains('▌')
        })
    });
    let key = selected_card(&screen);
    let (_, before, _) = crm(&db, &["get", "opportunity", &key]);
    assert!(
        before.contains("PROPOSAL"),
        "{key} is not in PROPOSAL: {before}\n{screen}"
    );
    s.send(&["L"]);
    wait_until(|| {
        crm(&db, &["get", "opportunity", &key])
            .1
            .contains("NEGOTIATE")
    });
    let history = ok(&db, &["history", "opportunity", &key]);
    assert!(
        history.contains("PROPOSAL") && history.contains("NEGOTIATE"),
        "{history}"
    );
    s.send(&["q"]);
    s.wait_for("enter Open record");
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
