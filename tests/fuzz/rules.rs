//! The event-rule grammar: a whole rule as it is saved (trigger, its date or
//! schedule, condition, actions), and templates, schedules and targets alone.

use proptest::prelude::*;
use termcrm::model::{entity, EventRule, ENTITIES};
use termcrm::ops::events::rules::compile;
use termcrm::ops::events::spec::{parse_target, RenderCtx, Schedule, Template};

use crate::gen::{grammar, nested};
use crate::{args, assert_message, fuzz, text, Ctx, Outcome};

const TRIGGERS: &[&str] = &[
    "created", "updated", "deleted", "date", "schedule", "UPDATED", "x",
];

const WHEN: &[&str] = &[
    "on",
    "before",
    "after",
    "day",
    "days",
    "week",
    "weeks",
    "the",
    "last",
    "change",
    "last_change",
    "+",
    "-",
    "3d",
    "2w",
    "30",
    "100001",
    "99999999999999999999",
    "daily",
    "weekdays",
    "every",
    "monday",
    "mon",
    "weekly",
    "monthly",
    "month",
    "on",
    "15",
    "31",
    "32",
    "at",
    "07:00",
    "24:00",
    "7:5",
    "99:99",
    ",",
    " ",
    " ",
    "stage",
    "amount",
    "expected_close",
    "follow_up",
    "due",
    "valid_until",
];

const ACTIONS: &[&str] = &[
    "notify",
    "set",
    "task",
    "interaction",
    "hold",
    "run",
    " ",
    " ",
    "\n",
    "#",
    "\"",
    "\"\"",
    "leader",
    "team",
    "role:admin",
    "user:",
    "actor",
    "salesperson",
    "owner",
    "=",
    "due=",
    "+3d",
    "priority=",
    "high",
    "type=",
    "topic=",
    "timeout=",
    "300",
    "301",
    "reason=",
    "{",
    "}",
    "{{",
    "}}",
    "{description}",
    "{stage}",
    "{was.stage}",
    "{user}",
    "{rule}",
    "{key}",
    "{nope}",
    "stage=WON",
    "amount=10",
    "probability=",
    "\\\"",
    ",",
];

const CONDITION: &[&str] = &[
    "changed:",
    "was.",
    "stage",
    "amount",
    ":",
    ">",
    "=",
    " ",
    "(",
    ")",
    "OR",
    "NOT",
    "won",
    "10000",
    "status.meaning:open",
    ",",
];

fn rule_input() -> BoxedStrategy<Vec<Vec<u8>>> {
    let names: Vec<&'static str> = ENTITIES.iter().map(|d| d.name).collect();
    (
        prop::sample::select(names),
        prop::sample::select(TRIGGERS),
        grammar(WHEN.to_vec(), 8),
        prop_oneof![
            3 => grammar(CONDITION.to_vec(), 8),
            1 => nested("(", ")", grammar(CONDITION.to_vec(), 3)),
        ],
        prop_oneof![
            3 => grammar(ACTIONS.to_vec(), 14),
            1 => nested("{", "}", grammar(ACTIONS.to_vec(), 3)),
        ],
    )
        .prop_map(|(e, t, w, c, a)| args(vec![e.into(), t.into(), w, c, a]))
        .boxed()
}

/// `entity trigger when condition actions`: the rule compiled as a save checks
/// it; the actions text also read as a template (and rendered), a schedule and a
/// target.
pub fn rule(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let rule = EventRule {
        key: "FUZZ".into(),
        description: "fuzz".into(),
        entity: text(&a[0]).into(),
        trigger: text(&a[1]).into(),
        when: text(&a[2]).into(),
        condition: text(&a[3]).into(),
        actions: text(&a[4]).into(),
        enabled: true,
    };
    let outcome = compile(&rule)
        .map(|_| ())
        .map_err(|(field, e)| format!("{field}: {e}"));
    let def = entity(text(&a[0])).unwrap_or(ENTITIES[0]);
    let actions = text(&a[4]);
    match Template::parse(actions, def) {
        Ok(t) => {
            let r = (def.new_record)();
            let ctx = RenderCtx {
                user: "anja",
                rule: "FUZZ",
            };
            t.render(Some(r.as_ref()), Some(r.as_ref()), &ctx);
        }
        Err(e) => assert_message(&e.to_string()),
    }
    for schedule in [text(&a[2]), actions] {
        if let Err(e) = Schedule::parse(schedule) {
            assert_message(&e.to_string());
        }
    }
    if let Err(e) = parse_target(actions, def) {
        assert_message(&e.to_string());
    }
    outcome
}

#[test]
fn event_rules_compile_or_refuse_with_line_and_column() {
    let ctx = Ctx::default();
    fuzz(&ctx, "rule", rule, 2000, rule_input());
}
