//! Key-macro tests of the group-by on a table: the Opportunities of one territory
//! (an `f` query) grouped by salesperson, then by stage within, checked against a
//! brute-force count over the same records read through the client; Enter on a
//! group shows exactly its rows; a notes field is refused; the group view at 80×24
//! and 120×40 from fixed-seed demo data.

mod common;

use std::collections::BTreeMap;

use common::harness::{harness_in, Harness};
use ratatui::layout::Rect;
use termcrm::api::report::{Group, Sums};
use termcrm::model::{self, Lang, Value};
use termcrm::ui::action::Context;

const LARGE: Rect = Rect::new(0, 0, 120, 40);
const QUERY: &str = "territory:NORD";

/// Per-currency amounts, comparable whatever order the currencies came in.
fn amounts(s: &Sums) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = s
        .iter()
        .map(|m| (m.currency.to_string(), m.cents))
        .collect();
    v.sort();
    v
}

/// (count, Σ amount) per label path (lower case), over the opportunities the query
/// matches, each read through the client.
fn brute_force(h: &Harness, fields: &[&str]) -> BTreeMap<Vec<String>, (u64, Sums)> {
    let def = model::entity("opportunity").unwrap();
    let keys = h.client.query_keys(def, QUERY).unwrap();
    assert!(keys.len() > 10, "the demo has opportunities in {QUERY}");
    let records = h.client.get_many(def, keys).unwrap();
    let at: Vec<usize> = fields.iter().map(|f| def.field_index(f).unwrap()).collect();
    let amount = def.field_index("amount").unwrap();
    let mut out: BTreeMap<Vec<String>, (u64, Sums)> = BTreeMap::new();
    for r in records.into_iter().flatten() {
        let path = at
            .iter()
            .map(|&i| match r.get(i) {
                Value::Text(s) => s.to_lowercase(),
                _ => String::new(),
            })
            .collect();
        let entry = out.entry(path).or_default();
        entry.0 += 1;
        if let Value::Money(m) = r.get(amount) {
            entry.1.add(m).unwrap();
        }
    }
    out
}

/// Count and per-currency amounts by label path.
type Totals = BTreeMap<Vec<String>, (u64, Vec<(String, i64)>)>;

/// The groups as (label path, count, Σ amount), innermost levels only when nested.
fn shown(groups: &[Group], nested: bool) -> Totals {
    let mut out = BTreeMap::new();
    for g in groups {
        if nested {
            for c in &g.children {
                out.insert(
                    vec![g.label.clone(), c.label.clone()],
                    (c.count, amounts(&c.sums[0])),
                );
            }
        } else {
            out.insert(vec![g.label.clone()], (g.count, amounts(&g.sums[0])));
        }
    }
    out
}

/// Left or right until the current column is `field`.
fn to_column(h: &mut Harness, field: &str) {
    for key in ["<right>", "<left>"] {
        for _ in 0..40 {
            if h.app.table().current_field() == field {
                return;
            }
            h.keys(key);
        }
    }
    panic!("no column {field}:\n{}", h.screen());
}

/// The Opportunities of the query's territory, the cursor on the salesperson column.
fn filtered(records: usize, lang: Lang) -> Harness {
    let mut h = harness_in(records, lang);
    h.goto("Opportunities");
    h.keys(&format!("f{QUERY}<ret>"));
    assert_eq!(h.app.table().applied_query(), Some(QUERY), "{}", h.screen());
    // The codes, as the query names them: the groups compare with the records.
    h.keys(&format!(":columns {KEY_COLUMNS}<ret>"));
    assert_eq!(
        h.app.table().columns_text(),
        KEY_COLUMNS,
        "{}",
        h.app.status()
    );
    to_column(&mut h, "salesperson");
    h
}

/// The Opportunities' columns with references by key.
const KEY_COLUMNS: &str =
    "key,description,salesperson.key,sales_team.key,stage.key,amount,expected_close";

#[test]
fn a_reference_shown_by_name_groups_by_name() {
    let mut h = harness_in(2000, Lang::En);
    h.goto("Opportunities");
    h.keys(&format!("f{QUERY}<ret>"));
    to_column(&mut h, "salesperson");
    h.keys("g");
    let (groups, _) = h.app.table().groups().unwrap();
    let labels: Vec<String> = groups.iter().map(|g| g.label.clone()).collect();
    let def = model::entity("salesperson").unwrap();
    let codes: Vec<String> = h
        .store
        .scan(def)
        .map(|r| r.unwrap().key().to_string())
        .collect();
    let names = h.client.names(def, codes).unwrap();
    for label in labels.iter().filter(|l| !l.is_empty()) {
        assert!(
            names.iter().any(|n| n.to_lowercase() == *label),
            "{label} is a salesperson's name: {names:?}"
        );
    }
    // The screen shows the name as stored.
    let first = names
        .iter()
        .find(|n| n.to_lowercase() == labels[0])
        .unwrap();
    assert!(h.screen().contains(first.as_str()), "{}", h.screen());
}

#[test]
fn a_filtered_table_groups_by_salesperson_with_counts_and_sums() {
    let mut h = filtered(2000, Lang::En);
    let shown_rows = h.app.table().position().1;
    h.keys("g");
    let table = h.app.table();
    assert!(table.is_grouped_view(), "{}", h.screen());
    assert_eq!(table.grouped_by(), ["salesperson"]);
    assert_eq!(h.app.popup_context(), None);
    let (groups, total) = table.groups().unwrap();
    let (groups, total) = (groups.to_vec(), total.clone());
    let expected = brute_force(&h, &["salesperson"]);
    let expected: BTreeMap<_, _> = expected
        .into_iter()
        .map(|(k, (n, s))| (k, (n, amounts(&s))))
        .collect();
    assert_eq!(shown(&groups, false), expected);
    assert_eq!(total.count as usize, shown_rows, "only the rows shown");
    let sum: i64 = groups
        .iter()
        .map(|g| g.sums[0].cents(model::Currency::EUR))
        .sum();
    assert_eq!(total.sums[0].cents(model::Currency::EUR), sum);
    // Labels sort by default; the screen shows them as stored (codes upper-case).
    let labels: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
    let mut sorted = labels.clone();
    sorted.sort_by_key(|l| (l.is_empty(), *l));
    assert_eq!(labels, sorted);
    let screen = h.screen();
    assert!(screen.contains("By Salesperson"), "{screen}");
    assert!(screen.contains(&groups[0].label.to_uppercase()), "{screen}");
    assert!(screen.contains("Total"), "{screen}");

    // `s` cycles: label ▼, then count (largest first), then count ▲, then Σ amount.
    h.keys("s");
    let labels: Vec<String> = groups_of(&h).iter().map(|g| g.label.clone()).collect();
    assert_eq!(
        labels.first(),
        sorted
            .iter()
            .filter(|l| !l.is_empty())
            .max()
            .map(|l| l.to_string())
            .as_ref()
    );
    h.keys("s");
    let counts: Vec<u64> = groups_of(&h).iter().map(|g| g.count).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(h.screen().contains("sorted by count ▼"), "{}", h.screen());
    h.keys("S");
    let counts: Vec<u64> = groups_of(&h).iter().map(|g| g.count).collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    h.keys("s");
    let sums: Vec<i64> = groups_of(&h)
        .iter()
        .map(|g| g.sums[0].first().map_or(0, |m| m.cents))
        .collect();
    assert!(sums.windows(2).all(|w| w[0] >= w[1]), "{sums:?}");
    assert!(
        h.screen().contains("Σ Projected amount ▼"),
        "{}",
        h.screen()
    );

    // `j` moves; the status line counts groups; Esc ungroups.
    h.keys("j");
    assert_eq!(h.app.table().position(), (2, groups_of(&h).len()));
    h.keys("<esc>");
    assert!(!h.app.table().is_grouped_view());
    assert!(h.app.table().groups().is_none());
    assert_eq!(h.app.table().position().1, shown_rows);
}

fn groups_of(h: &Harness) -> Vec<Group> {
    h.app.table().groups().unwrap().0.to_vec()
}

#[test]
fn a_second_column_nests_salesperson_and_stage() {
    let mut h = filtered(2000, Lang::En);
    h.keys("g");
    to_column(&mut h, "stage");
    assert!(
        h.screen_at(LARGE)
            .contains("g: Salesperson key › Stage key"),
        "{}",
        h.screen()
    );
    h.keys("g");
    let table = h.app.table();
    assert_eq!(table.grouped_by(), ["salesperson", "stage"]);
    let groups = table.groups().unwrap().0.to_vec();
    let expected: BTreeMap<_, _> = brute_force(&h, &["salesperson", "stage"])
        .into_iter()
        .map(|(k, (n, s))| (k, (n, amounts(&s))))
        .collect();
    assert_eq!(shown(&groups, true), expected);
    for g in &groups {
        assert_eq!(g.count, g.children.iter().map(|c| c.count).sum::<u64>());
    }
    let screen = h.screen();
    assert!(
        screen.contains("By Salesperson key › Stage key"),
        "{screen}"
    );
    // Subgroups are indented under their group.
    let first = &groups[0];
    let inner = first.children[0].label.to_uppercase();
    assert!(
        screen.lines().any(|l| l.starts_with(&format!("  {inner}"))),
        "{screen}"
    );
    // `g` on the first level's column again is refused with a reason.
    to_column(&mut h, "salesperson");
    h.keys("g");
    assert!(
        h.app.status().contains("already grouped by Salesperson"),
        "{}",
        h.app.status()
    );
    assert_eq!(h.app.table().grouped_by(), ["salesperson", "stage"]);
    // The palette does both levels at once, and `:group` alone ungroups.
    h.keys("<esc>");
    h.keys(":group stage,salesperson<ret>");
    assert_eq!(h.app.table().grouped_by(), ["stage", "salesperson"]);
    // Labels work as well as names, in any case.
    h.keys(":group Sales team, STAGE<ret>");
    assert_eq!(
        h.app.table().grouped_by(),
        ["sales_team", "stage"],
        "{}",
        h.app.status()
    );
    h.keys(":group<ret>");
    assert!(h.app.table().groups().is_none());
}

#[test]
fn enter_on_a_group_shows_exactly_its_rows() {
    let mut h = filtered(2000, Lang::En);
    h.keys("gj");
    let group = h.app.table().selected_group().unwrap().clone();
    let label = group.label.to_uppercase();
    h.keys("<ret>");
    let table = h.app.table();
    assert_eq!(table.open_group(), Some(&[group.label.clone()][..]));
    let mut got = table.shown_keys();
    got.sort();
    assert!(!table.is_grouped_view());
    let def = model::entity("opportunity").unwrap();
    let sp = def.field_index("salesperson").unwrap();
    let keys = h.client.query_keys(def, QUERY).unwrap();
    let mut expected: Vec<String> = h
        .client
        .get_many(def, keys)
        .unwrap()
        .into_iter()
        .flatten()
        .filter(|r| r.get(sp) == Value::Text(label.clone()))
        .map(|r| r.key().to_string())
        .collect();
    expected.sort();
    assert_eq!(got, expected);
    assert_eq!(got.len() as u64, group.count);
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Salesperson key {label} · {} rows", group.count)),
        "the title says which group:\n{screen}"
    );
    // Enter on a row opens its record, as in the table; Esc comes back.
    h.keys("<ret>");
    assert!(h.app.form().is_some(), "{}", h.screen());
    h.keys("<esc>");
    assert!(h.app.form().is_none());
    // `/` narrows within the group.
    h.keys("/zzzz-no-such-text<ret>");
    assert_eq!(h.app.table().position().1, 0);
    h.keys("/<esc>");
    assert_eq!(h.app.table().position().1 as u64, group.count);
    // Esc: back to the groups, the same group selected; again: ungrouped.
    h.keys("<esc>");
    assert!(h.app.table().is_grouped_view(), "{}", h.screen());
    assert_eq!(
        h.app.table().selected_group().map(|g| &g.label),
        Some(&group.label)
    );
    h.keys("<esc>");
    assert!(h.app.table().groups().is_none());
}

#[test]
fn grouping_by_notes_is_refused_with_a_reason_and_changes_nothing() {
    let mut h = filtered(300, Lang::En);
    let before = h.app.table().position();
    h.keys(":group notes<ret>");
    let status = h.app.status().to_string();
    assert!(
        status.contains("notes") && status.contains("multiline"),
        "{status}"
    );
    assert!(!status.contains('\n'));
    assert!(h.app.table().groups().is_none());
    assert_eq!(h.app.table().position(), before);
    h.keys(":group items<ret>");
    assert!(h.app.status().contains("lines"), "{}", h.app.status());
    h.keys(":group salesprson<ret>");
    assert!(
        h.app.status().contains("did you mean 'salesperson'"),
        "{}",
        h.app.status()
    );
    h.keys(":group a,b,c<ret>");
    assert!(h.app.status().contains("at most two"), "{}", h.app.status());
    assert!(h.app.table().groups().is_none());
    // In German too.
    let mut de = filtered(300, Lang::De);
    de.keys(":group notes<ret>");
    assert!(
        de.app.status().contains("mehrzeilig"),
        "{}",
        de.app.status()
    );
}

#[test]
fn help_and_the_hint_bar_list_the_group_keys() {
    let mut h = filtered(2000, Lang::En);
    h.app.settle(LARGE);
    let wide = h.screen_at(LARGE);
    assert!(wide.contains("g Group by this column"), "{wide}");
    h.keys("g");
    let screen = h.screen();
    assert!(screen.contains("enter Show the group's rows"), "{screen}");
    h.keys("?");
    assert_eq!(h.app.popup_context(), Some(Context::Help));
    let help = h.screen();
    assert!(help.contains("Keys: Groups"), "{help}");
    assert!(help.contains("enter       Show the group's rows"), "{help}");
    h.keys("ungr");
    let help = h.screen();
    assert!(help.contains("esc  Ungroup"), "{help}");
}

#[test]
fn a_change_elsewhere_regroups() {
    if std::env::var_os("CRM_TEST_LOCAL").is_some() {
        eprintln!("note: skipped: live changes need the server");
        return;
    }
    let mut h = filtered(2000, Lang::En);
    h.keys("g");
    let groups = groups_of(&h);
    let (from, to) = (&groups[0], &groups[1]);
    let key = {
        h.keys("<home><ret>");
        let key = h.app.table().shown_keys()[0].clone();
        h.keys("<esc>");
        key
    };
    let mut opp = h.store.get_as::<model::Opportunity>(&key).unwrap().unwrap();
    opp.salesperson = to.label.to_uppercase();
    let other = termcrm::api::remote::Remote::client(termcrm::api::remote::Target::Local(
        h.dir.path().join("db"),
    ))
    .unwrap();
    other.save(Box::new(opp), false).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    let (want_from, want_to) = (from.count - 1, to.count + 1);
    loop {
        h.app.prepare(common::harness::AREA);
        let now = groups_of(&h);
        let count = |label: &str| now.iter().find(|g| g.label == label).map_or(0, |g| g.count);
        if count(&from.label) == want_from && count(&to.label) == want_to {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{}", h.screen());
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn snapshots_of_the_group_view() {
    let mut h = filtered(2000, Lang::En);
    h.keys("g");
    insta::assert_snapshot!("group_by_salesperson", h.screen());
    h.app.settle(LARGE);
    insta::assert_snapshot!("group_by_salesperson_120x40", h.screen_at(LARGE));
    to_column(&mut h, "stage");
    h.keys("g");
    insta::assert_snapshot!("group_by_salesperson_stage", h.screen());
    h.app.settle(LARGE);
    insta::assert_snapshot!("group_by_salesperson_stage_120x40", h.screen_at(LARGE));
    h.keys("j<ret>");
    insta::assert_snapshot!("group_rows", h.screen());
    let mut de = filtered(2000, Lang::De);
    de.keys("g");
    insta::assert_snapshot!("group_by_salesperson_de", de.screen());
    // Where the full sums do not fit, they are short.
    let narrow = Rect::new(0, 0, 30, 12);
    h.keys("<esc><esc>g");
    h.app.settle(narrow);
    let screen = h.screen_at(narrow);
    assert!(screen.contains("1.3M €"), "{screen}");
    assert!(!screen.contains("1292300.00 EUR"), "{screen}");
}

#[test]
fn labels_show_as_stored_and_date_times_group_by_day() {
    let mut h = harness_in(2000, Lang::En);
    h.goto("Prospects");
    h.keys(":columns key,name,city,company_revenue<ret>");
    let def = model::entity("prospect").unwrap();
    let city = def.field_index("city").unwrap();
    let keys = h.app.table().shown_keys();
    let cities: std::collections::BTreeSet<String> = h
        .client
        .get_many(def, keys)
        .unwrap()
        .into_iter()
        .flatten()
        .filter_map(|r| match r.get(city) {
            Value::Text(s) if !s.is_empty() => Some(s),
            _ => None,
        })
        .collect();
    h.keys(":group city<ret>");
    assert_eq!(h.app.table().grouped_by(), ["city"], "{}", h.app.status());
    let screen = h.screen();
    // Free text is read from a row of the group, not upper- or lower-cased.
    let body: Vec<&str> = screen.lines().skip(3).take(10).collect();
    let shown = body
        .iter()
        .filter(|l| cities.iter().any(|c| l.starts_with(&format!("{c} "))))
        .count();
    assert!(shown >= 5, "{screen}");
    assert!(
        screen.contains("Company revenue"),
        "every money column summed:\n{screen}"
    );

    h.goto("Contact Interactions");
    h.keys(":group occurred_at<ret>");
    let (groups, _) = h.app.table().groups().unwrap();
    assert!(!groups.is_empty());
    for g in groups {
        assert!(
            g.label.is_empty() || chrono::NaiveDate::parse_from_str(&g.label, "%Y-%m-%d").is_ok(),
            "{}",
            g.label
        );
    }
}
