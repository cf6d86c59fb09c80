//! Key-macro tests of bugs found by trying crm as a new user would: each failed
//! before its fix.

mod common;

use common::harness::harness;

/// Over SSH an Esc and the key after it often arrive in one read, which the
/// terminal reader turns into alt-KEY: unbound, it is the two keys.
#[test]
fn esc_merged_with_the_next_key_is_both_keys() {
    let mut h = harness(300);
    h.goto("Territories");
    let first = h.app.table().selected_key().unwrap();
    h.keys("<ret>");
    assert_eq!(h.form_key().as_deref(), Some(first.as_str()));
    h.keys("<a-j>");
    assert!(
        h.app.form().is_none(),
        "Esc closed the form:\n{}",
        h.screen()
    );
    assert_eq!(
        h.app.table().position().0,
        2,
        "j moved down:\n{}",
        h.screen()
    );
    // A bound alt key is still itself: alt-i logs an interaction from a prospect.
    h.goto("Prospects");
    h.keys("<ret><a-i>");
    assert_eq!(
        h.app.form().map(|f| f.entity.name),
        Some("interaction"),
        "{}",
        h.screen()
    );
}
