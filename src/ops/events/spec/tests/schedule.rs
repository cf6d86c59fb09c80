//! Schedules: their texts, their errors, and the newest time each was due.

use chrono::{Datelike, NaiveDateTime, NaiveTime, Weekday};

use super::{assert_err, d};
use crate::ops::events::spec::Schedule;

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("a time")
}

fn at(y: i32, mo: u32, day: u32, h: u32, mi: u32) -> NaiveDateTime {
    d(y, mo, day).and_time(hm(h, mi))
}

#[test]
fn every_form_parses() {
    let seven = hm(7, 0);
    let cases = [
        ("daily", Schedule::Daily { at: seven }),
        ("Daily at 18:30", Schedule::Daily { at: hm(18, 30) }),
        ("every day at 7:05", Schedule::Daily { at: hm(7, 5) }),
        ("every day", Schedule::Daily { at: seven }),
        ("weekdays", Schedule::Weekdays { at: seven }),
        ("weekdays at 00:00", Schedule::Weekdays { at: hm(0, 0) }),
        (
            "every weekday at 23:59",
            Schedule::Weekdays { at: hm(23, 59) },
        ),
        (
            "every Monday",
            Schedule::Weekly {
                day: Weekday::Mon,
                at: seven,
            },
        ),
        (
            "every fri at 16:00",
            Schedule::Weekly {
                day: Weekday::Fri,
                at: hm(16, 0),
            },
        ),
        (
            "EVERY SUNDAY AT 9:00",
            Schedule::Weekly {
                day: Weekday::Sun,
                at: hm(9, 0),
            },
        ),
        (
            "weekly on wednesday",
            Schedule::Weekly {
                day: Weekday::Wed,
                at: seven,
            },
        ),
        (
            "weekly on thu at 12:00",
            Schedule::Weekly {
                day: Weekday::Thu,
                at: hm(12, 0),
            },
        ),
        ("monthly on 15", Schedule::Monthly { day: 15, at: seven }),
        (
            "monthly on 31 at 06:00",
            Schedule::Monthly {
                day: 31,
                at: hm(6, 0),
            },
        ),
        ("monthly on 1st", Schedule::Monthly { day: 1, at: seven }),
        ("every month on 1", Schedule::Monthly { day: 1, at: seven }),
        (
            "every month on 28 at 20:15",
            Schedule::Monthly {
                day: 28,
                at: hm(20, 15),
            },
        ),
        ("  daily   at  07:00  ", Schedule::Daily { at: seven }),
    ];
    for (text, want) in cases {
        assert_eq!(Schedule::parse(text), Ok(want), "{text}");
    }
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let long = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    for (short, long) in days.iter().zip(long) {
        let a = Schedule::parse(&format!("every {short}")).unwrap();
        let b = Schedule::parse(&format!("every {long}")).unwrap();
        assert_eq!(a, b, "{short}");
    }
}

#[test]
fn errors_say_what_was_expected() {
    let e = assert_err(Schedule::parse("daily at 25:00"), 0, 7, "");
    assert_eq!(
        e.message,
        "'at 25:00' is not a time of day: write HH:MM, like 07:00"
    );
    assert_err(
        Schedule::parse("daily at 7"),
        0,
        7,
        "'at 7' is not a time of day",
    );
    assert_err(Schedule::parse("daily at 7:5"), 0, 7, "not a time of day");
    assert_err(Schedule::parse("daily at 07:60"), 0, 7, "not a time of day");
    assert_err(
        Schedule::parse("daily at"),
        0,
        9,
        "'at' needs a time of day",
    );
    assert_err(
        Schedule::parse("daily at 7:00 pm"),
        0,
        15,
        "unexpected 'pm'",
    );
    assert_err(Schedule::parse("daily 07:00"), 0, 7, "unexpected '07:00'");
    assert_err(
        Schedule::parse("hourly"),
        0,
        1,
        "'hourly' is not a schedule",
    );
    assert_err(Schedule::parse(""), 0, 1, "empty");
    assert_err(
        Schedule::parse("every fortnight"),
        0,
        7,
        "'every fortnight' is not a schedule",
    );
    assert_err(Schedule::parse("every"), 0, 6, "is not a schedule");
    assert_err(Schedule::parse("weekly monday"), 0, 8, "weekly on DAY");
    assert_err(
        Schedule::parse("weekly on funday"),
        0,
        11,
        "'funday' is not a day of the week",
    );
    assert_err(
        Schedule::parse("monthly on 32"),
        0,
        12,
        "'32' is not a day of the month",
    );
    assert_err(
        Schedule::parse("monthly on 0"),
        0,
        12,
        "not a day of the month",
    );
    assert_err(
        Schedule::parse("monthly on"),
        0,
        11,
        "not a day of the month",
    );
    assert_err(Schedule::parse("monthly 15"), 0, 9, "monthly on 15");
    assert_err(
        Schedule::parse("every month on 15x"),
        0,
        16,
        "not a day of the month",
    );
}

#[test]
fn describe_reads_back() {
    for text in [
        "daily",
        "daily at 18:30",
        "weekdays at 6:00",
        "every tue at 13:45",
        "weekly on saturday",
        "monthly on 31 at 23:59",
        "every month on 1",
    ] {
        let s = Schedule::parse(text).unwrap();
        assert_eq!(
            Schedule::parse(&s.describe()),
            Ok(s),
            "{text} -> {}",
            s.describe()
        );
    }
    assert_eq!(
        Schedule::parse("daily").unwrap().describe(),
        "daily at 07:00"
    );
    assert_eq!(
        Schedule::parse("every mon at 9:30").unwrap().describe(),
        "every Monday at 09:30"
    );
    assert_eq!(
        Schedule::parse("every month on 15").unwrap().describe(),
        "monthly on 15 at 07:00"
    );
    assert_eq!(
        Schedule::parse("every weekday").unwrap().describe(),
        "weekdays at 07:00"
    );
}

#[test]
fn daily_across_midnight() {
    let s = Schedule::Daily { at: hm(7, 0) };
    assert_eq!(
        s.latest_due(at(2026, 3, 1, 23, 0), at(2026, 3, 2, 8, 0)),
        Some(at(2026, 3, 2, 7, 0))
    );
    assert_eq!(
        s.latest_due(at(2026, 3, 1, 23, 0), at(2026, 3, 2, 6, 59)),
        None
    );
    // Late at night: yesterday's is the newest.
    let late = Schedule::Daily { at: hm(23, 30) };
    assert_eq!(
        late.latest_due(at(2026, 3, 1, 12, 0), at(2026, 3, 2, 1, 0)),
        Some(at(2026, 3, 1, 23, 30))
    );
}

#[test]
fn weekly_on_its_day() {
    assert_eq!(d(2026, 3, 2).weekday(), Weekday::Mon);
    let s = Schedule::Weekly {
        day: Weekday::Mon,
        at: hm(9, 0),
    };
    // From Tuesday to the next Sunday: nothing.
    assert_eq!(
        s.latest_due(at(2026, 3, 3, 0, 0), at(2026, 3, 8, 23, 59)),
        None
    );
    // Across a Monday.
    assert_eq!(
        s.latest_due(at(2026, 3, 3, 0, 0), at(2026, 3, 10, 12, 0)),
        Some(at(2026, 3, 9, 9, 0))
    );
    // Three weeks down: the newest Monday only.
    assert_eq!(
        s.latest_due(at(2026, 2, 10, 0, 0), at(2026, 3, 4, 0, 0)),
        Some(at(2026, 3, 2, 9, 0))
    );
}

#[test]
fn weekdays_skip_the_weekend() {
    let s = Schedule::Weekdays { at: hm(7, 0) };
    assert_eq!(d(2026, 3, 6).weekday(), Weekday::Fri);
    // Friday after its run, through the weekend, to Monday before its run.
    assert_eq!(
        s.latest_due(at(2026, 3, 6, 8, 0), at(2026, 3, 9, 6, 0)),
        None
    );
    assert_eq!(
        s.latest_due(at(2026, 3, 6, 8, 0), at(2026, 3, 9, 7, 0)),
        Some(at(2026, 3, 9, 7, 0))
    );
    // On Sunday evening the newest run is Friday's.
    assert_eq!(
        s.latest_due(at(2026, 3, 6, 6, 0), at(2026, 3, 8, 22, 0)),
        Some(at(2026, 3, 6, 7, 0))
    );
}

#[test]
fn monthly_on_31_in_february() {
    let s = Schedule::Monthly {
        day: 31,
        at: hm(7, 0),
    };
    assert_eq!(
        s.latest_due(at(2026, 2, 1, 0, 0), at(2026, 3, 1, 0, 0)),
        Some(at(2026, 2, 28, 7, 0))
    );
    // A leap year's February has 29 days.
    assert_eq!(
        s.latest_due(at(2028, 2, 1, 0, 0), at(2028, 3, 1, 0, 0)),
        Some(at(2028, 2, 29, 7, 0))
    );
    // April has 30.
    assert_eq!(
        s.latest_due(at(2026, 4, 1, 0, 0), at(2026, 5, 15, 0, 0)),
        Some(at(2026, 4, 30, 7, 0))
    );
    // Not on the 28th of a 31-day month.
    assert_eq!(
        s.latest_due(at(2026, 3, 1, 0, 0), at(2026, 3, 30, 23, 0)),
        None
    );
    let fifteenth = Schedule::Monthly {
        day: 15,
        at: hm(7, 0),
    };
    assert_eq!(
        fifteenth.latest_due(at(2026, 1, 20, 0, 0), at(2026, 3, 10, 0, 0)),
        Some(at(2026, 2, 15, 7, 0))
    );
}

#[test]
fn a_year_down_catches_up_once() {
    let upto = at(2026, 3, 2, 12, 0);
    let year_back = at(2025, 3, 1, 0, 0);
    let cases = [
        (Schedule::Daily { at: hm(7, 0) }, at(2026, 3, 2, 7, 0)),
        (Schedule::Weekdays { at: hm(7, 0) }, at(2026, 3, 2, 7, 0)),
        (
            Schedule::Weekly {
                day: Weekday::Sat,
                at: hm(7, 0),
            },
            at(2026, 2, 28, 7, 0),
        ),
        (
            Schedule::Monthly {
                day: 15,
                at: hm(7, 0),
            },
            at(2026, 2, 15, 7, 0),
        ),
        (
            Schedule::Monthly {
                day: 31,
                at: hm(7, 0),
            },
            at(2026, 2, 28, 7, 0),
        ),
    ];
    for (s, want) in cases {
        assert_eq!(s.latest_due(year_back, upto), Some(want), "{s:?}");
        // Centuries back is no slower and no different.
        assert_eq!(
            s.latest_due(at(1900, 1, 1, 0, 0), upto),
            Some(want),
            "{s:?}"
        );
    }
    assert_eq!(
        Schedule::Daily { at: hm(7, 0) }.latest_due(NaiveDateTime::MIN, NaiveDateTime::MAX),
        Some(NaiveDateTime::MAX.date().and_time(hm(7, 0)))
    );
}

#[test]
fn nothing_due_is_none() {
    let s = Schedule::Daily { at: hm(7, 0) };
    assert_eq!(
        s.latest_due(at(2026, 3, 2, 8, 0), at(2026, 3, 2, 12, 0)),
        None
    );
    // An empty or backwards window.
    let t = at(2026, 3, 2, 7, 0);
    assert_eq!(s.latest_due(t, t), None);
    assert_eq!(s.latest_due(at(2026, 3, 3, 0, 0), t), None);
}

#[test]
fn after_is_excluded_and_upto_included() {
    let s = Schedule::Daily { at: hm(7, 0) };
    let t = at(2026, 3, 2, 7, 0);
    assert_eq!(s.latest_due(t, at(2026, 3, 2, 23, 0)), None);
    assert_eq!(s.latest_due(at(2026, 3, 2, 6, 59), t), Some(t));
    assert_eq!(
        s.latest_due(t, at(2026, 3, 3, 7, 0)),
        Some(at(2026, 3, 3, 7, 0))
    );
}
