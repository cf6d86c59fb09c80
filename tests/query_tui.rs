//! Queries in the TUI: `f` restricts a table to a query's result (through the
//! planner, in the background), a bad query says where and keeps the result on
//! screen, `:save NAME` keeps it, and the palette runs saved and preconfigured
//! queries in their mask.

mod common;

use common::harness::harness;
use termcrm::model::{Entity, Opportunity, SavedQuery};
use termcrm::query::saved;

fn big_proposals(h: &common::harness::Harness) -> usize {
    h.store
        .scan(Opportunity::DEF)
        .map(|r| r.unwrap().downcast_ref::<Opportunity>().unwrap().clone())
        .filter(|o| o.stage == "PROPOSAL" && o.amount.is_some_and(|m| m.cents >= 1_000_000))
        .count()
}

#[test]
fn a_query_restricts_the_table_and_is_saved_and_run_from_the_palette() {
    let mut h = harness(3000);
    let expected = big_proposals(&h);
    assert!(expected > 0);
    h.goto("Opportunities");
    let all = h.app.table().position().1;
    h.keys("fstage:PROPOSAL amount>=10000<ret>");
    assert_eq!(
        h.app.table().applied_query(),
        Some("stage:PROPOSAL amount>=10000")
    );
    assert_eq!(h.app.table().position().1, expected, "{}", h.screen());
    assert!(
        h.screen().contains("query: stage:PROPOSAL amount>=10000"),
        "{}",
        h.screen()
    );

    // A bad query names the column; the last result stays.
    h.keys("f<c-l>stage:<ret>");
    let error = h.app.table().query_error().unwrap_or_default().to_string();
    assert!(error.contains("column 7"), "{error}");
    assert!(h.screen().contains("column 7"), "{}", h.screen());
    assert_eq!(h.app.table().position().1, expected);
    h.keys("<esc>");
    assert_eq!(
        h.app.table().applied_query(),
        Some("stage:PROPOSAL amount>=10000")
    );

    // The `/` filter works within the query's rows.
    h.keys("S");
    h.keys(":save big-proposals<ret>");
    assert!(
        h.app.status().contains("saved query BIG-PROPOSALS"),
        "{}",
        h.app.status()
    );
    let s = h
        .store
        .get_as::<SavedQuery>("BIG-PROPOSALS")
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.entity.as_str(), s.query.as_str()),
        ("opportunity", "stage:PROPOSAL amount>=10000")
    );

    // ctrl-l lifts it; the palette runs it again, from another mask.
    h.keys("<c-l>");
    assert_eq!(h.app.table().position().1, all);
    assert_eq!(h.app.table().applied_query(), None);
    h.goto("Territories");
    h.keys(":query big-prop<ret>");
    assert_eq!(h.app.current_mask().name_en, "Opportunities");
    assert_eq!(h.app.table().position().1, expected, "{}", h.screen());

    // Saving needs a filter; the typed `/` filter saves as a quoted word.
    h.keys("<c-l>:save nothing<ret>");
    assert!(
        h.app.status().contains("no filter to save"),
        "{}",
        h.app.status()
    );
    assert!(h.store.get_as::<SavedQuery>("NOTHING").unwrap().is_none());
    h.keys("/montage<ret>");
    let typed = h.app.table().position().1;
    h.keys(":save montage<ret>");
    let s = h.store.get_as::<SavedQuery>("MONTAGE").unwrap().unwrap();
    assert_eq!(s.query, "\"montage\"");
    h.keys("<c-l>:query montage<ret>");
    assert_eq!(h.app.table().position().1, typed, "{}", h.screen());
}

#[test]
fn preconfigured_queries_run_from_the_palette() {
    let mut h = harness(3000);
    saved::ensure_preconfigured(&h.store).unwrap();
    let tasks = h
        .store
        .scan(termcrm::model::OpportunityTask::DEF)
        .map(|r| {
            r.unwrap()
                .downcast_ref::<termcrm::model::OpportunityTask>()
                .unwrap()
                .clone()
        })
        .filter(|t| {
            t.status == "open"
                && t.due_date
                    .is_some_and(|d| d < termcrm::model::value::today())
        })
        .count();
    h.keys(":past-due-tasks<ret>");
    assert_eq!(
        h.app.current_mask().name_en,
        "Opportunity Tasks",
        "{}",
        h.screen()
    );
    assert_eq!(h.app.table().position().1, tasks, "{}", h.screen());
    // Its saved columns, in their order, until ctrl-l brings the mask's own back.
    let def = termcrm::model::entity("opportunity_task").unwrap();
    let names: Vec<&str> = h
        .app
        .table()
        .chosen_fields()
        .unwrap()
        .into_iter()
        .map(|i| def.fields[i].name)
        .collect();
    assert_eq!(
        names,
        [
            "opportunity",
            "description",
            "owner",
            "due_date",
            "priority"
        ]
    );
    let header = h.screen().lines().nth(1).unwrap_or_default().to_string();
    assert!(header.starts_with("Key"), "{header}");
    assert!(
        header.contains("Opportunity") && header.contains("Owner"),
        "{header}"
    );
    h.keys("<c-l>");
    assert_eq!(h.app.table().chosen_fields(), None);
    assert!(h.app.table().position().1 > tasks);
}
