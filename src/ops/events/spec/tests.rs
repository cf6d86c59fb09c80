//! The grammar's tests: triggers, date specs and offsets here; schedules,
//! templates and actions in their own files.

use chrono::NaiveDate;

use super::*;
use crate::model::{Entity, Interaction, Lead, Opportunity, OpportunityTask, Quote, SalesTeam};

mod actions;
mod alert;
mod schedule;
mod targets;
mod template;

pub(super) fn opp() -> &'static EntityDef {
    Opportunity::DEF
}

/// The index of a field that must exist.
pub(super) fn fi(def: &EntityDef, name: &str) -> usize {
    def.field_index(name)
        .unwrap_or_else(|| panic!("{} has {name}", def.name))
}

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a date")
}

/// The error, asserting its place and that its message contains `part`.
pub(super) fn assert_err<T: std::fmt::Debug>(
    r: Result<T, SpecError>,
    line: usize,
    column: usize,
    part: &str,
) -> SpecError {
    let e = r.expect_err("an error");
    assert_eq!((e.line, e.column), (line, column), "{e}");
    assert!(e.message.contains(part), "'{part}' not in: {e}");
    e
}

#[test]
fn errors_say_where() {
    let e = SpecError {
        line: 3,
        column: 7,
        message: "bad".into(),
    };
    assert_eq!(e.to_string(), "line 3, column 7: bad");
    let e = SpecError::at(4, "bad");
    assert_eq!(e.to_string(), "column 4: bad");
    assert_eq!(SpecError::at(0, "whole rule").to_string(), "whole rule");
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert_eq!(boxed.to_string(), "column 4: bad");
}

#[test]
fn created_and_deleted_take_nothing() {
    assert_eq!(parse_trigger("created", "", opp()), Ok(Trigger::Created));
    assert_eq!(
        parse_trigger("  Created ", "  ", opp()),
        Ok(Trigger::Created)
    );
    assert_eq!(parse_trigger("DELETED", "", opp()), Ok(Trigger::Deleted));
    assert_err(
        parse_trigger("created", "  stage", opp()),
        0,
        3,
        "a created trigger takes nothing more, found 'stage'",
    );
    assert_err(parse_trigger("deleted", "x", opp()), 0, 1, "deleted");
}

#[test]
fn updated_names_fields_or_any() {
    let def = opp();
    assert_eq!(
        parse_trigger("updated", "", def),
        Ok(Trigger::Updated { fields: vec![] })
    );
    assert_eq!(
        parse_trigger("updated", "stage, probability,stage", def),
        Ok(Trigger::Updated {
            fields: vec![fi(def, "stage"), fi(def, "probability")]
        })
    );
    assert_eq!(
        parse_trigger("Updated", " Stage ,", def),
        Ok(Trigger::Updated {
            fields: vec![fi(def, "stage")]
        })
    );
    let e = assert_err(
        parse_trigger("updated", "stage, stge", def),
        0,
        8,
        "opportunity has no field 'stge'",
    );
    assert!(e.message.contains("did you mean 'stage'"), "{e}");
    assert_err(
        parse_trigger("updated", "stage probability", def),
        0,
        6,
        "separate fields with commas",
    );
}

#[test]
fn date_and_schedule_triggers_read_their_spec() {
    let def = opp();
    assert_eq!(
        parse_trigger("date", "3 days before expected_close", def),
        Ok(Trigger::Date(DateSpec {
            base: DateBase::Field(fi(def, "expected_close")),
            offset_days: -3
        }))
    );
    assert_eq!(
        parse_trigger(" schedule ", "weekdays at 8:30", def),
        Ok(Trigger::Schedule(Schedule::Weekdays {
            at: chrono::NaiveTime::from_hms_opt(8, 30, 0).unwrap()
        }))
    );
    assert_err(parse_trigger("date", "on amount", def), 0, 4, "not a date");
    assert_err(
        parse_trigger("schedule", "hourly", def),
        0,
        1,
        "not a schedule",
    );
}

#[test]
fn unknown_trigger_suggests() {
    let e = assert_err(
        parse_trigger("update", "", opp()),
        0,
        1,
        "'update' is not a trigger",
    );
    assert!(e.message.contains("did you mean 'updated'"), "{e}");
    assert!(e
        .message
        .contains("created, updated, deleted, date or schedule"));
    assert_err(parse_trigger("", "", opp()), 0, 1, "is not a trigger");
}

fn field_spec(def: &EntityDef, name: &str, offset_days: i64) -> DateSpec {
    DateSpec {
        base: DateBase::Field(fi(def, name)),
        offset_days,
    }
}

fn last_change(offset_days: i64) -> DateSpec {
    DateSpec {
        base: DateBase::LastChange,
        offset_days,
    }
}

#[test]
fn date_specs_in_words() {
    let def = opp();
    let lead = Lead::DEF;
    let cases = [
        ("on follow_up", lead, field_spec(lead, "follow_up", 0)),
        ("On  Follow_Up ", lead, field_spec(lead, "follow_up", 0)),
        (
            "3 days before expected_close",
            def,
            field_spec(def, "expected_close", -3),
        ),
        (
            "1 day after expected_close",
            def,
            field_spec(def, "expected_close", 1),
        ),
        (
            "2 weeks before expected_close",
            def,
            field_spec(def, "expected_close", -14),
        ),
        (
            "1 week after closed_on",
            def,
            field_spec(def, "closed_on", 7),
        ),
        (
            "0 days after closed_on",
            def,
            field_spec(def, "closed_on", 0),
        ),
        ("30 days after the last change", def, last_change(30)),
        ("30 days after last change", def, last_change(30)),
        ("2 weeks after last_change", def, last_change(14)),
        ("on the last change", def, last_change(0)),
    ];
    for (text, def, want) in cases {
        assert_eq!(DateSpec::parse(text, def), Ok(want), "{text}");
    }
    // A date-time field is a date too.
    let int = Interaction::DEF;
    assert_eq!(
        DateSpec::parse("1 day after occurred_at", int),
        Ok(field_spec(int, "occurred_at", 1))
    );
}

#[test]
fn date_specs_compact() {
    let def = opp();
    let cases = [
        ("expected_close-3d", field_spec(def, "expected_close", -3)),
        ("expected_close+2w", field_spec(def, "expected_close", 14)),
        ("expected_close", field_spec(def, "expected_close", 0)),
        ("Expected_Close - 3d", field_spec(def, "expected_close", -3)),
        ("last_change+30d", last_change(30)),
        ("last_change", last_change(0)),
    ];
    for (text, want) in cases {
        assert_eq!(DateSpec::parse(text, def), Ok(want), "{text}");
    }
}

#[test]
fn date_spec_errors() {
    let def = opp();
    let e = assert_err(
        DateSpec::parse("on amount", def),
        0,
        4,
        "'amount' is not a date",
    );
    assert!(e.message.contains("money"), "{e}");
    let e = assert_err(
        DateSpec::parse("3 days before expectd_close", def),
        0,
        15,
        "opportunity has no field 'expectd_close'",
    );
    assert!(e.message.contains("did you mean 'expected_close'"), "{e}");
    assert_err(
        DateSpec::parse("3 fortnights before closed_on", def),
        0,
        3,
        "days or weeks",
    );
    assert_err(
        DateSpec::parse("3 days around closed_on", def),
        0,
        8,
        "before or after",
    );
    assert_err(DateSpec::parse("3 days before", def), 0, 14, "date field");
    assert_err(DateSpec::parse("on", def), 0, 3, "'on' needs a field");
    assert_err(
        DateSpec::parse("on closed_on now", def),
        0,
        14,
        "unexpected 'now'",
    );
    assert_err(DateSpec::parse("", def), 0, 1, "needs a date");
    assert_err(
        DateSpec::parse("3 days before the last change", def),
        0,
        8,
        "cannot fire before the last change",
    );
    assert_err(
        DateSpec::parse("last_change-3d", def),
        0,
        1,
        "before the last change",
    );
    assert_err(
        DateSpec::parse("expected_close-3x", def),
        0,
        1,
        "not an offset",
    );
    assert_err(
        DateSpec::parse("stage-3d", def),
        0,
        1,
        "'stage' is not a date",
    );
    assert_err(DateSpec::parse("-3d", def), 0, 1, "needs a field");
    assert_err(
        DateSpec::parse("closed_on soon", def),
        0,
        11,
        "unexpected 'soon'",
    );
    assert_err(
        DateSpec::parse("last change", def),
        0,
        6,
        "unexpected 'change'",
    );
    assert_err(
        DateSpec::parse("999999 days after closed_on", def),
        0,
        1,
        "too many",
    );
}

#[test]
fn base_for_undoes_the_offset() {
    let def = opp();
    let before = field_spec(def, "expected_close", -3);
    assert_eq!(before.base_for(d(2026, 3, 10)), d(2026, 3, 13));
    assert_eq!(last_change(30).base_for(d(2026, 3, 31)), d(2026, 3, 1));
    assert_eq!(
        field_spec(def, "closed_on", 0).base_for(d(2026, 3, 1)),
        d(2026, 3, 1)
    );
    assert_eq!(
        field_spec(def, "closed_on", 5).base_for(NaiveDate::MIN),
        NaiveDate::MIN
    );
}

#[test]
fn date_specs_describe_and_read_back() {
    let def = opp();
    let specs = [
        (
            field_spec(def, "expected_close", -3),
            "3 days before expected_close",
        ),
        (
            field_spec(def, "expected_close", -1),
            "1 day before expected_close",
        ),
        (field_spec(def, "closed_on", 0), "on closed_on"),
        (field_spec(def, "closed_on", 14), "14 days after closed_on"),
        (last_change(30), "30 days after the last change"),
        (last_change(0), "on the last change"),
    ];
    for (spec, text) in specs {
        assert_eq!(spec.describe(def), text);
        assert_eq!(DateSpec::parse(text, def), Ok(spec), "{text}");
    }
    let lead = Lead::DEF;
    let spec = DateSpec::parse("follow_up+1w", lead).unwrap();
    assert_eq!(DateSpec::parse(&spec.describe(lead), lead), Ok(spec));
}

#[test]
fn offsets_count_days() {
    for (text, want) in [
        ("+3d", 3),
        ("-1d", -1),
        ("3d", 3),
        ("+2w", 14),
        ("-1w", -7),
        ("0d", 0),
        ("today", 0),
        (" Today ", 0),
        ("tomorrow", 1),
        ("+3D", 3),
    ] {
        assert_eq!(parse_offset(text), Ok(want), "{text}");
    }
    assert_eq!(
        parse_offset("+3x").unwrap_err().message,
        "'+3x' is not an offset: write days or weeks, like +3d or +2w"
    );
    for bad in ["", "d", "+d", "3", "three days", "+3.5d", "soon"] {
        assert_err(parse_offset(bad), 0, 1, "is not an offset");
    }
    assert_err(parse_offset("+99999999w"), 0, 1, "too far");
    for n in [0, 3, -1, 14] {
        assert_eq!(parse_offset(&offset_text(n)), Ok(n));
    }
}

#[test]
fn other_entities_have_their_own_fields() {
    let task = OpportunityTask::DEF;
    assert_eq!(
        DateSpec::parse("on due_date", task),
        Ok(field_spec(task, "due_date", 0))
    );
    assert_err(
        DateSpec::parse("on due_date", Quote::DEF),
        0,
        4,
        "quote has no field",
    );
    let team = SalesTeam::DEF;
    assert_eq!(
        parse_trigger("updated", "leader,members", team),
        Ok(Trigger::Updated {
            fields: vec![fi(team, "leader"), fi(team, "members")]
        })
    );
}
