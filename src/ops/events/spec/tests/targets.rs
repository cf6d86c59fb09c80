//! Targets, and which triggers the actions before a save go with.

use super::{assert_err, fi, opp};
use crate::model::{Entity, Item, Lead, OpportunityTask, SalesTeam};
use crate::ops::events::spec::*;

#[test]
fn targets() {
    let def = opp();
    let cases = [
        ("salesperson", Target::Field(fi(def, "salesperson"))),
        (" Members ", Target::Field(fi(def, "members"))),
        ("leader", Target::Leader),
        ("TEAM", Target::Team),
        ("role:admin", Target::Role("admin".into())),
        ("role:Read-Only", Target::Role("read-only".into())),
        ("role:readonly", Target::Role("read-only".into())),
        ("role:sales", Target::Role("sales".into())),
        ("user:alice", Target::User("alice".into())),
        ("user:JD", Target::User("JD".into())),
        ("actor", Target::Actor),
    ];
    for (text, want) in cases {
        assert_eq!(parse_target(text, def), Ok(want.clone()), "{text}");
        if !text.contains(':') {
            continue;
        }
        assert_eq!(parse_target(&want.describe(def), def), Ok(want));
    }
    let task = OpportunityTask::DEF;
    assert_eq!(
        parse_target("owner", task),
        Ok(Target::Field(fi(task, "owner")))
    );
    // A team's "leader" is the keyword, though the team has a field of that name.
    assert_eq!(parse_target("leader", SalesTeam::DEF), Ok(Target::Leader));
    assert_eq!(parse_target("leader", Lead::DEF), Ok(Target::Leader));
}

#[test]
fn target_errors() {
    let def = opp();
    let e = assert_err(
        parse_target("customer", def),
        0,
        1,
        "'customer' does not name a salesperson",
    );
    assert!(
        e.message.contains("salesperson, members, leader, team"),
        "{e}"
    );
    let e = assert_err(
        parse_target("salesperon", def),
        0,
        1,
        "'salesperon' is not a target",
    );
    assert!(e.message.contains("did you mean 'salesperson'"), "{e}");
    let e = assert_err(
        parse_target("  role:admn", def),
        0,
        8,
        "'admn' is not a role",
    );
    assert!(e.message.contains("did you mean 'role:admin'"), "{e}");
    assert_err(parse_target("user:", def), 0, 6, "user: needs a name");
    assert_err(parse_target("", def), 0, 1, "a target is missing");
    for t in ["leader", "team"] {
        assert_err(
            parse_target(t, Item::DEF),
            0,
            1,
            "item has no salesperson or sales team to find a leader in",
        );
    }
}

#[test]
fn set_and_hold_need_a_save() {
    let def = opp();
    let set = parse_actions("notify actor \"x\"\nset stage=WON", def).unwrap();
    let hold = parse_actions("hold leader", def).unwrap();
    let notify = parse_actions("notify leader \"x\"\nrun \"y\"", def).unwrap();
    let date = Trigger::Date(DateSpec::parse("on closed_on", def).unwrap());
    let schedule = Trigger::Schedule(Schedule::parse("daily").unwrap());
    for ok in [Trigger::Created, Trigger::Updated { fields: vec![] }] {
        assert_eq!(check_actions_for(&ok, &set), Ok(()));
        assert_eq!(check_actions_for(&ok, &hold), Ok(()));
    }
    for t in [&date, &schedule, &Trigger::Deleted] {
        assert_eq!(check_actions_for(t, &notify), Ok(()));
    }
    let e = assert_err(
        check_actions_for(&date, &set),
        0,
        0,
        "action 2 (set) acts before a save",
    );
    assert!(e.message.contains("not date"), "{e}");
    assert_err(
        check_actions_for(&Trigger::Deleted, &hold),
        0,
        0,
        "not deleted",
    );
    assert_err(check_actions_for(&schedule, &hold), 0, 0, "hold");
    assert_err(
        check_actions_for(&Trigger::Created, &[]),
        0,
        0,
        "at least one action",
    );
}
