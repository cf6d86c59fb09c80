//! Values as a person reads them, in the user's language: money with thousands
//! separators (`216.380.000,00 €`, `216,380,000.00 EUR`), dates in the user's
//! convention (`31.12.2026`, `2026-12-31`). The one formatter of tables and forms;
//! what they show is read back by `parse_value` (and `Money::parse_display`), so a
//! form saves what it shows. The command line, CSV and JSON keep `format_value`'s
//! exact, language-free text.

use super::schema::{FieldKind, Lang};
use super::value::{format_value, Money, Value};

/// The text of a value as a table cell or a form input shows it.
pub fn show_value(kind: &FieldKind, value: &Value, lang: Lang) -> String {
    match value {
        Value::Money(m) => show_money(*m, lang),
        Value::Date(d) => match lang {
            Lang::En => format_value(kind, value),
            Lang::De => d.format("%d.%m.%Y").to_string(),
        },
        Value::DateTime(t) => match lang {
            Lang::En => format_value(kind, value),
            Lang::De => t.format("%d.%m.%Y %H:%M").to_string(),
        },
        Value::Bool(b) => match (lang, b) {
            (Lang::De, true) => "ja".into(),
            (Lang::De, false) => "nein".into(),
            _ => format_value(kind, value),
        },
        _ => format_value(kind, value),
    }
}

/// An amount in full with thousands separators: `1.234,56 €` in German (a code
/// other than EUR stays a code: `1.234,56 USD`), `1,234.56 EUR` in English. A
/// currency without decimals shows none.
pub fn show_money(m: Money, lang: Lang) -> String {
    let (group, mark) = match lang {
        Lang::En => (',', '.'),
        Lang::De => ('.', ','),
    };
    let abs = m.cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut out = String::with_capacity(units.len() + units.len() / 3 + 8);
    if m.cents < 0 {
        out.push('-');
    }
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    if m.currency.decimals() > 0 {
        out.push(mark);
        out.push_str(&format!("{:02}", abs % 100));
    }
    out.push(' ');
    match (lang, m.currency.as_str()) {
        (Lang::De, "EUR") => out.push('€'),
        (_, code) => out.push_str(code),
    }
    out
}

/// Reads back what `show_money` (in either language) or `Money`'s `Display`
/// wrote, in any case, without allocating; None for other text. Sorting and
/// group sums read table cells with it.
pub fn parse_display(text: &str) -> Option<Money> {
    let t = text.trim();
    let (number, unit) = t.rsplit_once(' ')?;
    let currency = match unit {
        "€" => super::Currency::EUR,
        code => super::Currency::parse(code)?,
    };
    let (neg, digits) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let bytes = digits.as_bytes();
    // The decimal mark is a separator followed by exactly two digits at the end.
    let n = bytes.len();
    let has_frac = n >= 3 && matches!(bytes[n - 3], b'.' | b',') && currency.decimals() > 0;
    let (int_part, frac) = if has_frac {
        (&bytes[..n - 3], &bytes[n - 2..])
    } else {
        (bytes, &b""[..])
    };
    let mut units: i64 = 0;
    let mut any = false;
    for &b in int_part {
        match b {
            b'0'..=b'9' => {
                units = units.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
                any = true;
            }
            b'.' | b',' => {}
            _ => return None,
        }
    }
    if !any {
        return None;
    }
    let mut cents = units.checked_mul(100)?;
    if has_frac {
        if !frac.iter().all(u8::is_ascii_digit) {
            return None;
        }
        cents = cents.checked_add(i64::from((frac[0] - b'0') * 10 + (frac[1] - b'0')))?;
    }
    Some(Money::new(if neg { -cents } else { cents }, currency))
}

/// The number a cell starts with, whatever language wrote it: an amount
/// (`216.380.000,00 €`), a count or a percentage; None for other text.
pub fn display_number(text: &str) -> Option<f64> {
    if let Some(m) = parse_display(text) {
        return Some(m.cents as f64 / 100.0);
    }
    text.split_whitespace().next()?.parse::<f64>().ok()
}

/// A date or date-time cell as one sortable number (yyyymmddhhmm), whichever
/// convention wrote it; None for other text.
pub fn display_date_key(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    let num = |s: &[u8]| -> Option<u64> {
        s.iter().try_fold(0u64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u64::from(c - b'0'))
        })
    };
    let (y, m, d) = match b.get(..10)? {
        [y @ .., b'-', _, _, b'-', _, _] if y.len() == 4 => {
            (num(&b[..4])?, num(&b[5..7])?, num(&b[8..10])?)
        }
        [_, _, b'.', _, _, b'.', ..] => (num(&b[6..10])?, num(&b[3..5])?, num(&b[..2])?),
        _ => return None,
    };
    let (h, min) = match b.get(11..16) {
        Some([_, _, b':', _, _]) => (num(&b[11..13])?, num(&b[14..16])?),
        _ => (0, 0),
    };
    Some((((y * 100 + m) * 100 + d) * 100 + h) * 100 + min)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Currency;
    use chrono::NaiveDate;

    #[test]
    fn money_has_thousands_separators_in_the_users_language() {
        let m = Money::eur(21_638_000_000);
        assert_eq!(show_money(m, Lang::De), "216.380.000,00 €");
        assert_eq!(show_money(m, Lang::En), "216,380,000.00 EUR");
        assert_eq!(show_money(Money::eur(-123_456), Lang::De), "-1.234,56 €");
        assert_eq!(show_money(Money::eur(5), Lang::En), "0.05 EUR");
        assert_eq!(show_money(Money::eur(100_000), Lang::En), "1,000.00 EUR");
        assert_eq!(
            show_money(Money::new(99_900, Currency::USD), Lang::De),
            "999,00 USD"
        );
        let yen = Money::new(123_400, Currency::parse("JPY").unwrap());
        assert_eq!(show_money(yen, Lang::En), "1,234 JPY");
    }

    #[test]
    fn what_is_shown_reads_back_exactly() {
        for cents in [
            0,
            5,
            99,
            100,
            123_456,
            -123_456,
            21_638_000_000,
            i64::MAX / 200,
        ] {
            for lang in [Lang::En, Lang::De] {
                for currency in ["EUR", "USD", "JPY"] {
                    let c = Currency::parse(currency).unwrap();
                    let cents = if c.decimals() == 0 {
                        cents / 100 * 100
                    } else {
                        cents
                    };
                    let m = Money::new(cents, c);
                    let shown = show_money(m, lang);
                    assert_eq!(parse_display(&shown), Some(m), "{shown}");
                    assert_eq!(parse_display(&shown.to_lowercase()), Some(m), "{shown}");
                    // A form saves what it shows.
                    assert_eq!(Money::parse(&shown), Ok(m), "{shown}");
                }
            }
        }
        assert_eq!(parse_display("1234.56 EUR"), Some(Money::eur(123_456)));
        assert_eq!(parse_display("Neue Montagelinie"), None);
        assert_eq!(parse_display("12 Stück"), None);
        assert_eq!(display_number("1.234,56 €"), Some(1234.56));
        assert_eq!(display_number("40"), Some(40.0));
    }

    #[test]
    fn dates_follow_the_language_and_sort_either_way() {
        let d = Value::Date(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(show_value(&FieldKind::Date, &d, Lang::De), "31.12.2026");
        assert_eq!(show_value(&FieldKind::Date, &d, Lang::En), "2026-12-31");
        let key = display_date_key("31.12.2026");
        assert_eq!(key, display_date_key("2026-12-31"));
        assert!(display_date_key("01.01.2027") > key);
        assert!(display_date_key("2026-12-31 10:30") > key);
        assert_eq!(
            display_date_key("31.12.2026 10:30"),
            display_date_key("2026-12-31 10:30")
        );
        assert_eq!(display_date_key("Montag"), None);
        let text = show_value(&FieldKind::Date, &d, Lang::De);
        assert_eq!(crate::model::parse_value(&FieldKind::Date, &text), Ok(d));
    }
}
