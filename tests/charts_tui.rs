//! The Reports masks, driven by keys: each chart from fixed-seed demo data at
//! 80×24 and 120×40 (with fixed periods and ranges, so the snapshots do not move
//! with the calendar), the plain table behind it, German, changing what a chart
//! reads, `e` writing the report, and terminals too small for a chart.

mod common;

use common::harness::{harness, harness_in, Harness, AREA};
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use termcrm::api::report::{Params, Report, ReportKind};
use termcrm::model::{Lang, Opportunity};
use termcrm::ui::action::Context;

const LARGE: Rect = Rect::new(0, 0, 120, 40);

/// Each chart with the keys that give it fixed params: the demo's periods are
/// 2026-Q1…2027-Q4, its "today" 2026-11-20.
const CHARTS: [(usize, &str, &str); 5] = [
    (1, "pipeline", ""),
    (2, "forecast", "p2026-Q4<ret>"),
    (3, "win_loss", "p2026-Q3<ret>"),
    (4, "activity", "d2026-08-31..2026-11-20<ret>"),
    (5, "campaigns", ""),
];

/// The n-th mask of the Reports group.
fn open(h: &mut Harness, n: usize) {
    h.goto("Pipeline");
    h.keys(&n.to_string());
    assert!(h.app.chart().is_some(), "{}", h.screen());
}

fn report(h: &Harness) -> Report {
    h.app
        .chart()
        .and_then(|c| c.report())
        .cloned()
        .unwrap_or_else(|| panic!("no report:\n{}", h.screen()))
}

#[test]
fn snapshots_of_every_chart() {
    let mut h = harness(2000);
    for (n, slug, keys) in CHARTS {
        open(&mut h, n);
        h.keys(keys);
        let r = report(&h);
        assert_eq!(r.kind, ReportKind::ALL[n - 1]);
        let screen = h.screen();
        assert!(screen.contains(&r.scope), "{screen}");
        assert!(screen.contains(r.sections[0].title(Lang::En)), "{screen}");
        insta::assert_snapshot!(format!("chart_{slug}"), screen);
        h.app.settle(LARGE);
        insta::assert_snapshot!(format!("chart_{slug}_120x40"), h.screen_at(LARGE));
        h.app.settle(AREA);
    }
}

#[test]
fn the_reports_group_has_its_tabs_and_help_lists_the_chart_keys() {
    let mut h = harness(300);
    open(&mut h, 1);
    let screen = h.screen();
    assert!(
        screen.contains(" Reports ") && screen.contains("3:Won and lost"),
        "{screen}"
    );
    h.keys("?");
    assert_eq!(h.app.popup_context(), Some(Context::Help));
    let screen = h.screen_at(LARGE);
    for desc in [
        "Sales period of the report",
        "Filter by salesperson, team or territory",
        "Chart / plain table",
        "Export the report's data",
    ] {
        assert!(screen.contains(desc), "{desc}:\n{screen}");
    }
    h.keys("<esc>");
    // The campaigns table is where it was; the report of the same name is the 5th.
    h.goto("Campaigns");
    assert!(h.app.chart().is_none());
    open(&mut h, 5);
    assert_eq!(h.app.current_mask().name_en, "Campaigns");
    assert_eq!(report(&h).kind, ReportKind::Campaigns);
}

#[test]
fn the_plain_table_shows_every_section_with_money_in_full() {
    let mut h = harness(2000);
    open(&mut h, 3);
    h.keys("p2026-Q3<ret>t");
    assert!(h.app.chart().unwrap().showing_table());
    let r = report(&h);
    let screen = h.screen();
    let total = r.sections[0].total.as_ref().unwrap();
    // Σ won of every reason, in full with its currency.
    assert!(screen.contains(&total[4].text()), "{screen}");
    insta::assert_snapshot!("chart_win_loss_table", screen);
    // Down the second section, and right to its last column.
    h.keys("G");
    let screen = h.screen();
    assert!(screen.contains("Won and lost by competitor"), "{screen}");
    h.keys("<right><right><right><right><right><right><right><right>");
    assert!(h.screen().contains("Σ lost"), "{}", h.screen());
    h.keys("t");
    assert!(!h.app.chart().unwrap().showing_table());
}

#[test]
fn charts_in_german() {
    let mut h = harness_in(2000, Lang::De);
    open(&mut h, 1);
    let screen = h.screen();
    assert!(
        screen.contains("Offene Pipeline nach Phase") && screen.contains("Mio. €"),
        "{screen}"
    );
    insta::assert_snapshot!("chart_pipeline_de", screen);
    open(&mut h, 2);
    h.keys("p2026-Q4<ret>");
    let screen = h.screen();
    assert!(screen.contains("Prognose nach Verkäufer"), "{screen}");
    insta::assert_snapshot!("chart_forecast_de", screen);
    open(&mut h, 4);
    h.keys("d2026-08-31..2026-11-20<ret>t");
    insta::assert_snapshot!("chart_activity_table_de", h.screen());
}

#[test]
fn a_filter_changes_the_scope_and_a_refusal_changes_nothing() {
    let mut h = harness(2000);
    open(&mut h, 1);
    let all = report(&h);
    h.keys("s");
    assert!(
        h.screen().contains("Filter (salesperson:CODE"),
        "{}",
        h.screen()
    );
    h.keys("territory:NORD<ret>");
    let nord = report(&h);
    assert!(nord.scope.contains("territory NORD"), "{}", nord.scope);
    assert!(h.screen().contains("territory NORD"), "{}", h.screen());
    assert_ne!(nord, all);
    let direct = h
        .client
        .report(
            ReportKind::Pipeline,
            Params {
                territory: Some("NORD".into()),
                ..Params::default()
            },
        )
        .unwrap();
    assert_eq!(nord, direct, "the chart shows what the server computes");
    // The prompt opens with what the chart reads now.
    h.keys("s");
    assert!(h.screen().contains("territory:NORD█"), "{}", h.screen());
    h.keys("<esc>");
    assert!(h.app.chart().unwrap().prompt().is_none());

    // A grouping the report does not have: one line, the chart as it was.
    h.keys("bcolour<ret>");
    assert!(
        h.app.status().contains("cannot group by 'colour'"),
        "{}",
        h.app.status()
    );
    assert_eq!(report(&h), nord);
    assert_eq!(h.app.chart().unwrap().params().by, None);
    h.keys("bsalesperson<ret>");
    assert_eq!(report(&h).sections[0].columns[0].name, "salesperson");

    // A date that is none: said at once, the prompt stays for the fix.
    h.keys("dsoon<ret>");
    assert!(
        h.app.status().contains("'soon' is not a date"),
        "{}",
        h.app.status()
    );
    assert!(h.app.chart().unwrap().prompt().is_some());
    h.keys("<esc>");

    // A change made while the one before is still being read builds on it.
    h.keys("s<bs><bs><bs><bs>SUED<ret>");
    assert!(
        report(&h).scope.contains("territory SUED"),
        "{}",
        report(&h).scope
    );
    let type_now = |h: &mut Harness, text: &str| {
        for key in termcrm::ui::keys::parse(text).unwrap() {
            h.app.handle_key(key);
        }
    };
    type_now(&mut h, "s<c-u>territory:NORD<ret>");
    h.app.prepare(AREA);
    type_now(&mut h, "b<c-u>stage<ret>");
    h.app.settle(AREA);
    let p = h.app.chart().unwrap().params().clone();
    assert_eq!(
        (p.territory.as_deref(), p.by.as_deref()),
        (Some("NORD"), Some("stage"))
    );

    // A pasted range goes into the prompt, not to the keys.
    h.keys("d");
    h.app.paste("2026-01-01..2026-06-30");
    h.keys("<ret>");
    let p = h.app.chart().unwrap().params().clone();
    assert_eq!(p.from.map(|d| d.to_string()).as_deref(), Some("2026-01-01"));
    assert!(
        report(&h).scope.contains("2026-01-01 – 2026-06-30"),
        "{}",
        report(&h).scope
    );

    // A period that does not exist, on the forecast.
    open(&mut h, 2);
    h.keys("p2031-Q9<ret>");
    assert!(h.app.status().contains("2031-Q9"), "{}", h.app.status());
    h.keys("p2026-Q4<ret>");
    h.keys("bteam<ret>");
    let by_team = report(&h);
    assert!(
        by_team.sections[0].en.contains("team"),
        "{}",
        by_team.sections[0].en
    );
}

#[test]
fn e_writes_the_report_with_its_numbers() {
    let mut h = harness(2000);
    open(&mut h, 1);
    h.keys("e");
    let screen = h.screen();
    assert!(screen.contains("export ~/report-pipeline-"), "{screen}");
    assert!(screen.contains(".csv"), "{screen}");
    h.keys("<esc>");
    let file = h.dir.path().join("pipeline.csv");
    h.keys(&format!(":export {}<ret>", file.display()));
    assert!(
        h.app
            .status()
            .starts_with("exported the Pipeline report to"),
        "{}",
        h.app.status()
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("stage,count,amount,weighted"));
    let r = report(&h);
    let section = &r.sections[0];
    let expected: Vec<String> = section
        .rows
        .iter()
        .chain(section.total.iter())
        .map(|row| row.iter().map(|c| c.text()).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(lines.map(str::to_string).collect::<Vec<_>>(), expected);
    let count: u64 = section.rows.iter().map(|r| r[1].number() as u64).sum();
    assert_eq!(section.total.as_ref().unwrap()[1].number() as u64, count);

    // Another format by the name's ending; none the format knows, a line why.
    let json = h.dir.path().join("pipeline.json");
    h.keys(&format!(":export {}<ret>", json.display()));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(v.to_string().contains("by_stage"), "{v}");
    let txt = h.dir.path().join("pipeline.txt");
    h.keys(&format!(":export {}<ret>", txt.display()));
    assert!(h
        .app
        .status()
        .contains("name the file .csv, .json or .xlsx"));
    assert!(!txt.exists());
    // XLSX is written, or says why not; never a panic.
    let xlsx = h.dir.path().join("pipeline.xlsx");
    h.keys(&format!(":export {}<ret>", xlsx.display()));
    assert!(
        h.app.status().contains("pipeline.xlsx"),
        "{}",
        h.app.status()
    );
}

#[test]
fn rows_that_do_not_fit_scroll_under_their_headings() {
    let mut h = harness(2000);
    open(&mut h, 4);
    h.keys("d2026-08-31..2026-11-20<ret>");
    let rows = report(&h).sections[0].rows.len();
    assert!(rows > 20, "{rows}");
    let status = |h: &Harness| h.screen().lines().last().unwrap_or_default().to_string();
    assert!(
        status(&h).contains(&format!(" 1/{rows} ")),
        "{}",
        status(&h)
    );
    h.keys("jjj");
    assert!(
        status(&h).contains(&format!(" 3/{rows} ")),
        "{}",
        status(&h)
    );
    let screen = h.screen();
    assert!(
        screen.contains("Salesperson"),
        "the heading stays:\n{screen}"
    );
    h.keys("G");
    let screen = h.screen();
    assert!(screen.contains("Total"), "{screen}");
    h.keys("g");
    assert!(
        status(&h).contains(&format!(" 1/{rows} ")),
        "{}",
        status(&h)
    );
}

#[test]
fn a_change_elsewhere_marks_the_chart_and_r_reads_it_again() {
    let mut h = harness(600);
    open(&mut h, 1);
    let before = report(&h);
    let def = termcrm::model::entity("opportunity").unwrap();
    let keys = h.client.query_keys(def, "stage:PROSPECT").unwrap();
    let mut o = h.store.get_as::<Opportunity>(&keys[0]).unwrap().unwrap();
    o.stage = "PROPOSAL".into();
    h.client.save(Box::new(o), false).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !h.screen().contains("records changed") {
        assert!(std::time::Instant::now() < deadline, "{}", h.screen());
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.app.settle(AREA);
    }
    assert_eq!(
        report(&h),
        before,
        "the chart on screen is not redrawn under the user"
    );
    h.keys("r");
    assert_ne!(report(&h), before);
    assert!(!h.screen().contains("records changed"), "{}", h.screen());
}

#[test]
fn a_terminal_too_small_for_a_chart_says_so_and_none_panics() {
    let mut h = harness(2000);
    for (n, _, keys) in CHARTS {
        open(&mut h, n);
        h.keys(keys);
        for table in [false, true] {
            assert_eq!(h.app.chart().unwrap().showing_table(), table);
            for (w, hgt) in [(20, 5), (21, 6), (33, 7), (47, 9), (64, 12), (80, 3)] {
                let area = Rect::new(0, 0, w, hgt);
                h.app.settle(area);
                let mut terminal = Terminal::new(TestBackend::new(w, hgt)).unwrap();
                terminal.draw(|f| h.app.render(f)).unwrap();
            }
            h.keys("Gt");
        }
        h.keys("g");
    }
    // Too small for a chart: it says so; the plain table is drawn in any size.
    let narrow = Rect::new(0, 0, 36, 12);
    open(&mut h, 1);
    h.app.settle(narrow);
    let screen = h.screen_at(narrow);
    assert!(screen.contains("The chart needs 40×6"), "{screen}");
    insta::assert_snapshot!("chart_too_small", screen);
    h.keys("t");
    h.app.settle(narrow);
    assert!(
        h.screen_at(narrow).contains("PROSPECT"),
        "{}",
        h.screen_at(narrow)
    );
    let small = Rect::new(0, 0, 19, 4);
    h.app.settle(small);
    assert!(
        h.screen_at(small).contains("termcrm"),
        "{}",
        h.screen_at(small)
    );
    assert!(
        h.screen_at(small).contains("larger"),
        "{}",
        h.screen_at(small)
    );
}
