//! Import and export in the TUI, driven by keys: rows marked with space, `e`
//! asking for the file in the palette, the export written in the background; an
//! import's preview (a line per row) before anything is written, `y` to import.

mod common;

use common::harness::harness;

#[test]
fn marked_rows_export_and_with_none_marked_the_whole_filtered_table() {
    let mut h = harness(600);
    h.goto("Competitors");
    h.keys("<space><space>");
    assert!(h.screen().contains("2 marked · 3 of"), "{}", h.screen());
    // `e` asks for the file in the palette, with a name ready to edit.
    h.keys("e");
    let screen = h.screen();
    assert!(screen.contains("export ~/competitor-"), "{screen}");
    assert!(screen.contains(".xlsx"), "{screen}");
    h.keys("<esc>");

    let file = h.dir.path().join("two.csv");
    h.keys(&format!(":export {}<ret>", file.display()));
    assert!(
        h.app.status().starts_with("exported 2 competitor records"),
        "{}",
        h.app.status()
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 3, "header and two rows: {text}");

    // `a` marks every row shown, again clears them: then the whole table goes.
    h.keys("a");
    assert!(h.screen().contains(" marked · "), "{}", h.screen());
    h.keys("a");
    assert!(!h.screen().contains(" marked · "), "{}", h.screen());
    let all = h.dir.path().join("all.json");
    h.keys(&format!(":export {}<ret>", all.display()));
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&all).unwrap()).unwrap();
    let n = rows.as_array().map_or(0, Vec::len);
    assert_eq!(n, h.app.table().total(), "every competitor");
}

#[test]
fn an_import_shows_each_rows_fate_and_writes_only_on_yes() {
    let mut h = harness(600);
    h.goto("Prospects");
    let before = h.app.table().total();
    let file = h.dir.path().join("neu.csv");
    std::fs::write(
        &file,
        "Name;Ort;Territory\nAlpha Antriebe GmbH;Kiel;NORD\nBeta Guss AG;Bonn;NORD\n",
    )
    .unwrap();
    h.keys(&format!(":import {}<ret>", file.display()));
    let screen = h.screen();
    assert!(screen.contains("2 rows: 2 created"), "{screen}");
    assert!(screen.contains("row 2: create"), "{screen}");
    assert!(screen.contains("Import? y/Enter"), "{screen}");
    // No: nothing written.
    h.keys("n");
    assert_eq!(
        h.store.count(termcrm::model::entity("prospect").unwrap()),
        before
    );

    h.keys(&format!(":import {}<ret>", file.display()));
    h.keys("y");
    assert!(
        h.app.status().starts_with("import IMP"),
        "{}",
        h.app.status()
    );
    assert!(
        h.app.status().contains("2 rows: 2 created"),
        "{}",
        h.app.status()
    );
    assert_eq!(
        h.store.count(termcrm::model::entity("prospect").unwrap()),
        before + 2
    );
}
