//! Birthdays as the address books write them, normalised to `YYYY-MM-DD`.

use std::sync::OnceLock;

use chrono::{Datelike, Local, NaiveDate};

/// What a birthday cell says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bday {
    /// A whole date, `YYYY-MM-DD`.
    Date(String),
    /// Day and month without a year, as `--MM-DD`.
    NoYear(String),
    /// Nothing (empty, or Outlook's "0.0.00", "1/0/00").
    None,
    /// Text that is no date: kept as written.
    Invalid,
}

/// Reads "1980-01-31", "19800131", "1980-01-31T00:00:00Z", "31.01.1980",
/// "1/31/1980", "31/1/1980" (a first number above 12 is the day), "--01-31",
/// "--0131", two-digit years, and Outlook's zero dates meaning none.
pub(crate) fn parse(text: &str) -> Bday {
    let t = text.trim();
    if t.is_empty() {
        return Bday::None;
    }
    // A time after the date ("T00:00:00Z", " 00:00:00", " 12:00:00 AM") goes.
    let date = t
        .split(|c: char| c == 'T' || c.is_whitespace())
        .next()
        .unwrap_or("");
    if let Some(rest) = date.strip_prefix("--") {
        let digits: String = rest.chars().filter(|c| *c != '-').collect();
        return match (num(digits.get(..2)), num(digits.get(2..))) {
            (Some(m), Some(d)) if digits.len() == 4 => no_year(m, d),
            _ => Bday::Invalid,
        };
    }
    let (y, m, d) = if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) {
        (num(date.get(..4)), num(date.get(4..6)), num(date.get(6..)))
    } else if date.contains('-') {
        match three(date, '-') {
            Some([y, m, d]) if y.len() == 4 => (num(Some(y)), num(Some(m)), num(Some(d))),
            _ => return Bday::Invalid,
        }
    } else if date.contains('.') {
        match three(date.trim_end_matches('.'), '.') {
            Some([d, m, y]) => (year(y), num(Some(m)), num(Some(d))),
            None => return Bday::Invalid,
        }
    } else if date.contains('/') {
        let Some([a, b, y]) = three(date, '/') else {
            return Bday::Invalid;
        };
        match (num(Some(a)), num(Some(b))) {
            (Some(a), Some(b)) if a > 12 && b <= 12 => (year(y), Some(b), Some(a)),
            (a, b) => (year(y), a, b),
        }
    } else {
        return Bday::Invalid;
    };
    match (y, m, d) {
        (Some(_), Some(0), Some(_)) | (Some(_), Some(_), Some(0)) => Bday::None,
        // Outlook's "no date" inside: 4501-01-01.
        (Some(4501), _, _) => Bday::None,
        (Some(y), Some(m), Some(d)) => whole(y, m, d),
        _ => Bday::Invalid,
    }
}

/// Thunderbird's year, month and day cells (each may be empty).
pub(crate) fn from_parts(y: &str, m: &str, d: &str) -> Bday {
    let (y, m, d) = (y.trim(), m.trim(), d.trim());
    if y.is_empty() && m.is_empty() && d.is_empty() {
        return Bday::None;
    }
    match (num(Some(y)), num(Some(m)), num(Some(d))) {
        (Some(y), Some(m), Some(d)) if y > 0 => whole(y, m, d),
        (None, Some(m), Some(d)) if y.is_empty() => no_year(m, d),
        _ => Bday::Invalid,
    }
}

fn whole(y: u32, m: u32, d: u32) -> Bday {
    match i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
    {
        Some(date) if y >= 1000 => Bday::Date(format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            date.month(),
            date.day()
        )),
        _ => Bday::Invalid,
    }
}

fn no_year(m: u32, d: u32) -> Bday {
    // 2000 is a leap year: the 29th of February is a birthday.
    if NaiveDate::from_ymd_opt(2000, m, d).is_some() {
        Bday::NoYear(format!("--{m:02}-{d:02}"))
    } else {
        Bday::Invalid
    }
}

/// Exactly three parts between `sep`.
fn three(text: &str, sep: char) -> Option<[&str; 3]> {
    let mut it = text.split(sep);
    let parts = [it.next()?, it.next()?, it.next()?];
    it.next().is_none().then_some(parts)
}

fn num(s: Option<&str>) -> Option<u32> {
    let s = s?.trim();
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A year of four digits, or two (up to this year's two digits: this century,
/// else the last).
fn year(s: &str) -> Option<u32> {
    let s = s.trim();
    let y = num(Some(s))?;
    if s.len() > 2 {
        return Some(y);
    }
    static NOW: OnceLock<u32> = OnceLock::new();
    let now = *NOW.get_or_init(|| u32::try_from(Local::now().year()).unwrap_or(2000));
    let century = now / 100 * 100;
    Some(if century + y > now {
        century - 100 + y
    } else {
        century + y
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Bday {
        Bday::Date(s.to_string())
    }

    #[test]
    fn birthdays_in_every_notation() {
        assert_eq!(parse("1980-01-31"), date("1980-01-31"));
        assert_eq!(parse("19800131"), date("1980-01-31"));
        assert_eq!(parse("1980-01-31T00:00:00Z"), date("1980-01-31"));
        assert_eq!(parse("31.01.1980"), date("1980-01-31"));
        assert_eq!(parse("31.1.1980"), date("1980-01-31"));
        assert_eq!(parse("1/31/1980"), date("1980-01-31"));
        assert_eq!(parse("1/31/1980 12:00:00 AM"), date("1980-01-31"));
        assert_eq!(parse("31/1/1980"), date("1980-01-31"));
        assert_eq!(parse("1/31/80"), date("1980-01-31"));
        assert_eq!(parse("--01-31"), Bday::NoYear("--01-31".into()));
        assert_eq!(parse("--0131"), Bday::NoYear("--01-31".into()));
        assert_eq!(parse("--0229"), Bday::NoYear("--02-29".into()));
    }

    #[test]
    fn outlooks_zero_dates_mean_none_and_garbage_is_kept() {
        assert_eq!(parse("0.0.00"), Bday::None);
        assert_eq!(parse("1/0/00"), Bday::None);
        assert_eq!(parse("0/0/00"), Bday::None);
        assert_eq!(parse("1/1/4501"), Bday::None);
        assert_eq!(parse(""), Bday::None);
        assert_eq!(parse("2/30/1980"), Bday::Invalid);
        assert_eq!(parse("soon"), Bday::Invalid);
        assert_eq!(parse("--13-01"), Bday::Invalid);
        assert_eq!(parse("1.2"), Bday::Invalid);
        assert_eq!(parse("99999999"), Bday::Invalid);
        assert_eq!(parse("ü.ö.ä"), Bday::Invalid);
    }

    #[test]
    fn thunderbirds_parts() {
        assert_eq!(from_parts("1980", "1", "31"), date("1980-01-31"));
        assert_eq!(from_parts("", "01", "31"), Bday::NoYear("--01-31".into()));
        assert_eq!(from_parts("", "", ""), Bday::None);
        assert_eq!(from_parts("1980", "", ""), Bday::Invalid);
        assert_eq!(from_parts("1980", "2", "30"), Bday::Invalid);
    }
}
