//! Typing a condition's value by the field's kind: amounts, numbers, dates
//! (absolute, relative, named ranges), yes/no, choices. Every error names what was
//! expected; the caller adds the column.

use chrono::{Datelike, Duration, NaiveDate};

use crate::model::value::parse_date;
use crate::model::{Currency, Money};
use crate::util::suggest::nearest;

/// A value that orders: what `<`, `>=` and ranges compare against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    Int(i64),
    /// Cents, and the currency when the query named one.
    Money(i64, Option<Currency>),
    Date(NaiveDate),
}

/// The named date ranges.
pub const DATE_RANGES: &[&str] = &[
    "this_week",
    "last_week",
    "next_week",
    "this_month",
    "last_month",
    "next_month",
    "this_quarter",
    "last_quarter",
    "next_quarter",
    "this_year",
    "last_year",
    "next_year",
];

/// A date or a named range of dates, as (first day, last day).
pub fn date_span(text: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), String> {
    let lower = text.trim().to_lowercase();
    if let Some(span) = named_range(&lower, today) {
        return span.ok_or_else(|| format!("'{text}' lies outside the calendar"));
    }
    let rest = lower
        .strip_prefix("today")
        .or_else(|| lower.strip_prefix("heute"));
    let day = match rest {
        Some("") => Ok(today),
        Some(offset) if offset.starts_with(['+', '-']) => parse_date(offset, today),
        Some(_) => Err(String::new()),
        None => parse_date(&lower, today),
    };
    day.map(|d| (d, d)).map_err(|e| {
        let text = crate::util::excerpt(text);
        let mut msg = if e.contains("unknown unit") {
            format!("'{text}': a date offset counts d, w, m or y (as in today+30d, -1w)")
        } else {
            format!("'{text}' is not a date")
        };
        let names = DATE_RANGES.iter().copied().chain(["today"]);
        if let Some(s) = nearest(&lower, names).filter(|_| lower.chars().any(char::is_alphabetic)) {
            msg.push_str(&format!(" (did you mean '{s}'?)"));
        }
        msg.push_str("; use 2026-12-01, today, today+30d, -1w, this_month or this_quarter");
        msg
    })
}

fn named_range(name: &str, today: NaiveDate) -> Option<Option<(NaiveDate, NaiveDate)>> {
    let (shift, unit): (i32, &str) = match name.split_once('_')? {
        ("this", u) => (0, u),
        ("last", u) => (-1, u),
        ("next", u) => (1, u),
        _ => return None,
    };
    Some(match unit {
        "week" => {
            let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
            let start = monday + Duration::weeks(shift as i64);
            Some((start, start + Duration::days(6)))
        }
        "month" => months_span(today.year(), today.month0() as i32 + shift, 1),
        "quarter" => months_span(today.year(), (today.month0() as i32 / 3 + shift) * 3, 3),
        "year" => months_span(today.year() + shift, 0, 12),
        _ => return None,
    })
}

/// `count` months starting at month `month0` (0-based, may run past the year).
fn months_span(year: i32, month0: i32, count: i32) -> Option<(NaiveDate, NaiveDate)> {
    let start_index = year * 12 + month0;
    let end_index = start_index + count;
    let first = |i: i32| NaiveDate::from_ymd_opt(i.div_euclid(12), i.rem_euclid(12) as u32 + 1, 1);
    Some((first(start_index)?, first(end_index)?.pred_opt()?))
}

pub fn int(text: &str) -> Result<i64, String> {
    let t = text.trim().trim_end_matches('%');
    t.replace(['_', '\''], "")
        .parse()
        .map_err(|_| format!("'{text}' is not a whole number"))
}

pub fn money(text: &str) -> Result<Scalar, String> {
    let m = Money::parse(text)?;
    let named = text.chars().any(|c| c.is_ascii_alphabetic());
    Ok(Scalar::Money(m.cents, named.then_some(m.currency)))
}

pub fn boolean(text: &str) -> Result<bool, String> {
    match text.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "ja" | "j" | "x" | "on" => Ok(true),
        "no" | "n" | "false" | "0" | "nein" | "off" => Ok(false),
        _ => Err(format!("'{text}' is not yes or no")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn named_ranges_and_offsets() {
        let t = d("2026-11-20");
        assert_eq!(
            date_span("this_month", t).unwrap(),
            (d("2026-11-01"), d("2026-11-30"))
        );
        assert_eq!(
            date_span("this_quarter", t).unwrap(),
            (d("2026-10-01"), d("2026-12-31"))
        );
        assert_eq!(
            date_span("next_quarter", t).unwrap(),
            (d("2027-01-01"), d("2027-03-31"))
        );
        assert_eq!(
            date_span("last_month", t).unwrap(),
            (d("2026-10-01"), d("2026-10-31"))
        );
        assert_eq!(
            date_span("this_week", t).unwrap(),
            (d("2026-11-16"), d("2026-11-22"))
        );
        assert_eq!(date_span("today+30d", t).unwrap().0, d("2026-12-20"));
        assert_eq!(date_span("-1w", t).unwrap().0, d("2026-11-13"));
        assert_eq!(date_span("2026-12-01", t).unwrap().0, d("2026-12-01"));
        let e = date_span("thismonth", t).unwrap_err();
        assert!(e.contains("did you mean 'this_month'"), "{e}");
        assert!(date_span("today+3q", t)
            .unwrap_err()
            .contains("d, w, m or y"));
    }
}
