//! Actions and targets: every verb, its options and its errors, with their places.

use std::time::Duration;

use super::{assert_err, fi, opp};
use crate::model::{Entity, Interaction, Item, Value};
use crate::ops::events::spec::*;

fn one(text: &str) -> Action {
    let mut actions = parse_actions(text, opp()).expect("an action");
    assert_eq!(actions.len(), 1, "{text}");
    actions.remove(0)
}

fn tpl(text: &str) -> Template {
    Template::parse(text, opp()).unwrap()
}

#[test]
fn notify() {
    let def = opp();
    assert_eq!(
        one(r#"notify leader,salesperson team "Stage of {description}: {stage}""#),
        Action::Notify {
            to: vec![
                Target::Leader,
                Target::Field(fi(def, "salesperson")),
                Target::Team
            ],
            text: tpl("Stage of {description}: {stage}"),
        }
    );
    assert_eq!(
        one(r#"  Notify "first" role:admin, user:bob"#),
        Action::Notify {
            to: vec![Target::Role("admin".into()), Target::User("bob".into())],
            text: tpl("first"),
        }
    );
    assert_eq!(
        one(r#"notify actor "say \"hi\" to {key} \\ bye""#),
        Action::Notify {
            to: vec![Target::Actor],
            text: tpl(r#"say "hi" to {key} \ bye"#),
        }
    );
}

#[test]
fn notify_errors() {
    let def = opp();
    assert_err(
        parse_actions(r#"notify "x""#, def),
        1,
        1,
        "notify needs someone to address",
    );
    assert_err(
        parse_actions("notify leader", def),
        1,
        1,
        "notify needs a text in double quotes",
    );
    assert_err(
        parse_actions(r#"notify leader "a" "b""#, def),
        1,
        19,
        "notify takes one text in quotes; this is a second",
    );
    assert_err(
        parse_actions(r#"notify leader "a" due=+1d"#, def),
        1,
        19,
        "notify has no option 'due': notify takes no options",
    );
    assert_err(
        parse_actions(r#"notify leader,bogus "x""#, def),
        1,
        15,
        "'bogus' is not a target",
    );
    assert_err(
        parse_actions(r#"notify role:boss "x""#, def),
        1,
        13,
        "'boss' is not a role",
    );
    let e = assert_err(
        parse_actions(r#"notify leader "Hi {descr}""#, def),
        1,
        19,
        "unknown placeholder",
    );
    assert!(e.message.contains("did you mean {description}"), "{e}");
    // An escape before the placeholder still points at its brace.
    assert_err(
        parse_actions(r#"notify leader "\"{x}""#, def),
        1,
        18,
        "unknown placeholder {x}",
    );
    assert_err(
        parse_actions(r#"notify leader "abc"#, def),
        1,
        15,
        "this quote is not closed",
    );
    assert_err(
        parse_actions(r#"notify leader "abc"x"#, def),
        1,
        20,
        "a space must follow",
    );
    assert_err(
        parse_actions(r#"notify lea"der "x""#, def),
        1,
        11,
        "a quote inside 'lea'",
    );
    assert_err(
        parse_actions(r#"notify leader "x""#, Item::DEF),
        1,
        8,
        "item has no salesperson or sales team to find a leader in",
    );
}

#[test]
fn set() {
    let def = opp();
    assert_eq!(
        one(
            r#"set stage=won probability=100 expected_close=+3d closed_on=today notes="two words" reason="#
        ),
        Action::Set {
            fields: vec![
                (
                    fi(def, "stage"),
                    SetValue::Literal(Value::Text("WON".into()))
                ),
                (fi(def, "probability"), SetValue::Literal(Value::Int(100))),
                (fi(def, "expected_close"), SetValue::Offset(3)),
                (fi(def, "closed_on"), SetValue::Offset(0)),
                (
                    fi(def, "notes"),
                    SetValue::Literal(Value::Text("two words".into()))
                ),
                (fi(def, "reason"), SetValue::Literal(Value::Empty)),
            ]
        }
    );
    assert_eq!(
        one("set closed_on=2026-12-01 expected_close=-2w members=ab,cd"),
        Action::Set {
            fields: vec![
                (
                    fi(def, "closed_on"),
                    SetValue::Literal(Value::Date(super::d(2026, 12, 1)))
                ),
                (fi(def, "expected_close"), SetValue::Offset(-14)),
                (
                    fi(def, "members"),
                    SetValue::Literal(Value::List(vec!["AB".into(), "CD".into()]))
                ),
            ]
        }
    );
    let int = Interaction::DEF;
    let a = parse_actions("set occurred_at=\"2026-12-01 14:30\"", int).unwrap();
    assert!(matches!(
        &a[0],
        Action::Set { fields } if matches!(fields[0].1, SetValue::Literal(Value::DateTime(_)))
    ));
}

#[test]
fn set_errors() {
    let def = opp();
    let e = assert_err(
        parse_actions("set stge=WON", def),
        1,
        5,
        "opportunity has no field 'stge'",
    );
    assert!(e.message.contains("did you mean 'stage'"), "{e}");
    assert_err(
        parse_actions("set items=X", def),
        1,
        5,
        "items holds lines of opportunity",
    );
    let e = assert_err(
        parse_actions("set probability=abc", def),
        1,
        17,
        "probability: ",
    );
    assert!(e.message.contains("'abc' is not a whole number"), "{e}");
    assert_err(
        parse_actions("set expected_close=+3x", def),
        1,
        20,
        "'+3x' is not an offset",
    );
    assert_err(
        parse_actions("set expected_close=someday", def),
        1,
        20,
        "expected_close: ",
    );
    assert_err(
        parse_actions("set occurred_at=+1d", Interaction::DEF),
        1,
        17,
        "a fixed time",
    );
    assert_err(
        parse_actions("set stage=WON stage=LOST", def),
        1,
        15,
        "stage is set twice",
    );
    assert_err(parse_actions("set stage", def), 1, 5, "write FIELD=VALUE");
    assert_err(parse_actions("set \"x\"", def), 1, 5, "write FIELD=VALUE");
    assert_err(parse_actions("set", def), 1, 1, "set needs FIELD=VALUE");
    assert_err(parse_actions("set =WON", def), 1, 5, "'=' needs a name");
}

#[test]
fn task_and_interaction() {
    let def = opp();
    assert_eq!(
        one(r#"task "Call {contact}" type=call owner=salesperson due=+3d priority=High"#),
        Action::Task {
            text: tpl("Call {contact}"),
            task_type: Some("CALL".into()),
            owner: Some(Target::Field(fi(def, "salesperson"))),
            due: Some(3),
            priority: Some("high".into()),
        }
    );
    assert_eq!(
        one(r#"task "Follow up""#),
        Action::Task {
            text: tpl("Follow up"),
            task_type: None,
            owner: None,
            due: None,
            priority: None,
        }
    );
    assert_eq!(
        one(r#"task owner=leader "x" due=1w"#),
        Action::Task {
            text: tpl("x"),
            task_type: None,
            owner: Some(Target::Leader),
            due: Some(7),
            priority: None,
        }
    );
    assert_eq!(
        one(r#"interaction "Won: {description}" type=note topic="sales""#),
        Action::Interaction {
            text: tpl("Won: {description}"),
            kind: Some("NOTE".into()),
            topic: Some("SALES".into()),
        }
    );
    assert_eq!(
        one(r#"interaction "x""#),
        Action::Interaction {
            text: tpl("x"),
            kind: None,
            topic: None,
        }
    );
}

#[test]
fn task_and_interaction_errors() {
    let def = opp();
    assert_err(
        parse_actions(r#"task "x" prio=high"#, def),
        1,
        10,
        "task has no option 'prio': task takes type, owner, due, priority",
    );
    assert_err(
        parse_actions(r#"task "x" priority=urgent"#, def),
        1,
        19,
        "'urgent' is not a priority",
    );
    assert_err(
        parse_actions(r#"task "x" due=soon"#, def),
        1,
        14,
        "'soon' is not an offset",
    );
    assert_err(
        parse_actions(r#"task "x" owner=customer"#, def),
        1,
        16,
        "does not name a salesperson",
    );
    assert_err(
        parse_actions(r#"task "x" due=1d due=2d"#, def),
        1,
        17,
        "due is given twice",
    );
    assert_err(
        parse_actions(r#"task "x" type="#, def),
        1,
        10,
        "type= needs a value",
    );
    assert_err(
        parse_actions("task type=CALL", def),
        1,
        1,
        "task needs a text in double quotes",
    );
    assert_err(
        parse_actions(r#"task "x" soon"#, def),
        1,
        10,
        "unexpected 'soon'",
    );
    assert_err(
        parse_actions(r#"interaction "x" kind=note"#, def),
        1,
        17,
        "interaction has no option 'kind': interaction takes type, topic",
    );
}

#[test]
fn hold() {
    assert_eq!(
        one(r#"hold leader,role:admin "Discount over {amount}""#),
        Action::Hold {
            approvers: vec![Target::Leader, Target::Role("admin".into())],
            reason: Some(tpl("Discount over {amount}")),
        }
    );
    assert_eq!(
        one("hold team"),
        Action::Hold {
            approvers: vec![Target::Team],
            reason: None,
        }
    );
    let def = opp();
    assert_err(
        parse_actions(r#"hold "why""#, def),
        1,
        1,
        "hold needs someone to address",
    );
    assert_err(
        parse_actions(r#"hold leader "a" "b""#, def),
        1,
        17,
        "one reason",
    );
    assert_err(
        parse_actions(r#"hold leader x=1"#, def),
        1,
        13,
        "hold takes no options",
    );
}

#[test]
fn run() {
    assert_eq!(
        one(r#"run "notify-send \"{key}\"" timeout=2m"#),
        Action::Run {
            command: r#"notify-send "{key}""#.into(),
            timeout: Duration::from_secs(120),
        }
    );
    assert_eq!(
        one(r#"run "backup.sh""#),
        Action::Run {
            command: "backup.sh".into(),
            timeout: Duration::from_secs(10),
        }
    );
    for (t, secs) in [("45s", 45), ("300s", 300), ("5m", 300), ("90", 90)] {
        let a = one(&format!("run \"x\" timeout={t}"));
        assert_eq!(
            a,
            Action::Run {
                command: "x".into(),
                timeout: Duration::from_secs(secs)
            }
        );
    }
    let def = opp();
    assert_err(
        parse_actions(r#"run "x" timeout=301s"#, def),
        1,
        17,
        "at most 300s",
    );
    assert_err(
        parse_actions(r#"run "x" timeout=6m"#, def),
        1,
        17,
        "too long",
    );
    assert_err(
        parse_actions(r#"run "x" timeout=0s"#, def),
        1,
        17,
        "at least 1s",
    );
    assert_err(
        parse_actions(r#"run "x" timeout=soon"#, def),
        1,
        17,
        "not a timeout",
    );
    assert_err(parse_actions(r#"run """#, def), 1, 5, "run needs a command");
    assert_err(
        parse_actions("run backup.sh", def),
        1,
        5,
        "unexpected 'backup.sh'",
    );
    assert_err(
        parse_actions(r#"run "x" wait=1s"#, def),
        1,
        9,
        "run takes timeout",
    );
}

#[test]
fn lines_comments_and_unknown_verbs() {
    let def = opp();
    let text = "# when won\n\n  notify leader \"won\"\n   # and\nset probability=100\n";
    let actions = parse_actions(text, def).unwrap();
    assert_eq!(
        actions.iter().map(Action::verb).collect::<Vec<_>>(),
        ["notify", "set"]
    );
    let e = assert_err(
        parse_actions("# c\n\nnotify leader \"x\"\n  notfy leader \"y\"", def),
        4,
        3,
        "'notfy' is not an action",
    );
    assert!(e.message.contains("did you mean 'notify'"), "{e}");
    assert!(
        e.message
            .contains("notify, set, task, interaction, hold, run"),
        "{e}"
    );
    assert_eq!(e.to_string().split(':').next(), Some("line 4, column 3"));
    assert_err(
        parse_actions("\"x\" notify", def),
        1,
        1,
        "a line starts with what to do",
    );
    assert_err(
        parse_actions("a=b", def),
        1,
        1,
        "a line starts with what to do",
    );
    for empty in ["", "\n\n", "# nothing\n  # yet"] {
        assert_err(
            parse_actions(empty, def),
            1,
            1,
            "a rule needs at least one action",
        );
    }
}

#[test]
fn verbs_and_before_save() {
    let text =
        "notify actor \"a\"\nset stage=WON\ntask \"t\"\ninteraction \"i\"\nhold leader\nrun \"r\"";
    let actions = parse_actions(text, opp()).unwrap();
    let verbs: Vec<_> = actions
        .iter()
        .map(|a| (a.verb(), a.before_save()))
        .collect();
    assert_eq!(
        verbs,
        [
            ("notify", false),
            ("set", true),
            ("task", false),
            ("interaction", false),
            ("hold", true),
            ("run", false)
        ]
    );
}

#[test]
fn describe_is_one_readable_line() {
    let def = opp();
    let cases = [
        (
            r#"notify leader, salesperson "{description}: won""#,
            r#"notify leader, salesperson: "{description}: won""#,
        ),
        (
            r#"hold role:admin "Over {amount}""#,
            r#"hold role:admin: "Over {amount}""#,
        ),
        ("hold leader", "hold leader"),
        (
            "set stage=won expected_close=+3d closed_on=today notes=\"a b\"",
            "set stage=WON expected_close=+3d closed_on=today notes=\"a b\"",
        ),
        (
            r#"task "Call" owner=salesperson due=-1d priority=HIGH type=call"#,
            r#"task "Call" type=CALL owner=salesperson due=-1d priority=high"#,
        ),
        (
            r#"interaction "Say \"hi\"" topic=x"#,
            r#"interaction "Say \"hi\"" topic=X"#,
        ),
        (r#"run "backup.sh""#, r#"run "backup.sh" timeout=10s"#),
    ];
    for (text, want) in cases {
        let a = one(text);
        assert_eq!(a.describe(def), want, "{text}");
        if !matches!(
            a,
            Action::Notify { .. }
                | Action::Hold {
                    reason: Some(_),
                    ..
                }
        ) {
            assert_eq!(one(want), a, "{want} reads back");
        }
    }
}
