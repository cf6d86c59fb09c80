//! The `alert` action: a date rule's records standing on the home pane.

use super::{assert_err, opp};
use crate::ops::events::spec::*;

#[test]
fn alert_takes_a_label_and_a_text() {
    let def = opp();
    let actions = parse_actions("alert \"past due\" \"{description}\"", def).unwrap();
    let Action::Alert { label, text } = &actions[0] else {
        panic!("{actions:?}");
    };
    assert_eq!(label, "past due");
    assert_eq!(text.text(), "{description}");
    // Described as written, so `rules test` shows what the rule says.
    assert_eq!(
        actions[0].describe(def),
        "alert \"past due\" \"{description}\""
    );
    // The text defaults to the record's key.
    let only = parse_actions("alert \"due\"", def).unwrap();
    assert!(matches!(&only[0], Action::Alert { text, .. } if text.text() == "{key}"));
}

#[test]
fn alert_errors() {
    let def = opp();
    assert_err(parse_actions("alert", def), 1, 1, "alert needs a label");
    assert_err(
        parse_actions("alert \"a\" \"b\" \"c\"", def),
        1,
        15,
        "this is a third",
    );
    assert_err(
        parse_actions("alert \"a label far too long\"", def),
        1,
        8,
        "1 to 16 characters",
    );
    assert_err(
        parse_actions("alert \"due\" \"{nosuch}\"", def),
        1,
        14,
        "nosuch",
    );
    assert_err(parse_actions("alert due", def), 1, 7, "unexpected 'due'");
}

#[test]
fn alert_needs_a_date_trigger_on_a_field() {
    let def = opp();
    let alert = parse_actions("notify leader \"x\"\nalert \"due\"", def).unwrap();
    let on_field = Trigger::Date(DateSpec::parse("1 day after expected_close", def).unwrap());
    assert_eq!(check_actions_for(&on_field, &alert), Ok(()));
    let quiet = Trigger::Date(DateSpec::parse("30 days after the last change", def).unwrap());
    for t in [
        quiet,
        Trigger::Created,
        Trigger::Deleted,
        Trigger::Schedule(Schedule::parse("daily").unwrap()),
    ] {
        let e = assert_err(check_actions_for(&t, &alert), 0, 0, "action 2 (alert)");
        assert!(e.message.contains("date trigger on a date field"), "{e}");
    }
}
