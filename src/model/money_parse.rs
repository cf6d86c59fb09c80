//! Reading an amount from text: the currency code, the sign, and which of `.` and
//! `,` is the decimal mark. Every refusal names the text and what to write.

use super::value::{Currency, Money};
use crate::util::excerpt;

const HOW: &str = "write digits 0-9, as in 1234.56, 1.234,56 EUR or USD 10";

pub(super) fn parse(text: &str) -> Result<Money, String> {
    let t = text.trim();
    let bad = |why: &str| format!("'{}' is not an amount: {why}", excerpt(text));
    let (body, code) = split_code(t);
    let currency = match code {
        Some(code) => Currency::lookup(code).map_err(|e| format!("'{}': {e}", excerpt(text)))?,
        None => Currency::EUR,
    };
    let body = body.strip_suffix('€').unwrap_or(body).trim();
    let (neg, digits) = match body.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, body),
    };
    if !digits.bytes().any(|c| c.is_ascii_digit()) {
        return Err(bad(HOW));
    }
    if let Some(c) = digits
        .chars()
        .find(|c| !(c.is_ascii_digit() || *c == '.' || *c == ','))
    {
        return Err(bad(&format!(
            "'{}' is neither a digit nor a separator; {HOW}",
            excerpt(c.encode_utf8(&mut [0; 4]))
        )));
    }
    let (int_part, frac_part) = split_decimal(digits).map_err(|why| bad(&why))?;
    let decimals = usize::from(currency.decimals());
    if frac_part.len() > decimals && frac_part[decimals..].bytes().any(|c| c != b'0') {
        let what = match decimals {
            0 => format!("{currency} has no decimals: write a whole amount (1234 {currency})"),
            d => format!("{currency} has {d} decimals: write at most {d} after the decimal mark"),
        };
        return Err(format!("'{}': {what}", excerpt(t)));
    }
    let too_large = || format!("'{}' is too large an amount", excerpt(text));
    let units: i128 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| too_large())?
    };
    let frac = frac_part.get(..2).unwrap_or(frac_part);
    let frac: i128 = match frac.len() {
        0 => 0,
        1 => i128::from(frac.as_bytes()[0] - b'0') * 10,
        _ => frac.parse().map_err(|_| bad(HOW))?,
    };
    let cents = units
        .checked_mul(100)
        .and_then(|c| c.checked_add(frac))
        .ok_or_else(too_large)?;
    let cents = i64::try_from(if neg { -cents } else { cents }).map_err(|_| too_large())?;
    Ok(Money::new(cents, currency))
}

/// The text without its currency code, and the code: three letters at the end or
/// at the start, next to something that is not a letter.
fn split_code(t: &str) -> (&str, Option<&str>) {
    let letters = |s: &str| s.len() == 3 && s.bytes().all(|c| c.is_ascii_alphabetic());
    let rest_ok = |rest: &str, next: Option<char>| {
        !next.is_some_and(char::is_alphabetic) && !rest.trim().is_empty()
    };
    if t.len() > 3 {
        if let Some((rest, code)) = t
            .is_char_boundary(t.len() - 3)
            .then(|| t.split_at(t.len() - 3))
        {
            if letters(code) && rest_ok(rest, rest.chars().next_back()) {
                return (rest.trim_end(), Some(code));
            }
        }
        if let Some((code, rest)) = t.is_char_boundary(3).then(|| t.split_at(3)) {
            if letters(code) && rest_ok(rest, rest.chars().next()) {
                return (rest.trim_start(), Some(code));
            }
        }
    }
    (t, None)
}

/// The integer digits and the decimal digits of a number with separators.
fn split_decimal(digits: &str) -> Result<(String, &str), String> {
    let dots = digits.matches('.').count();
    let commas = digits.matches(',').count();
    let (int_part, frac, group) = match (dots, commas) {
        (0, 0) => (digits, "", None),
        (_, _) if dots > 0 && commas > 0 => {
            let at = digits.rfind(['.', ',']).expect("a separator");
            let (mark, group) = if digits.as_bytes()[at] == b'.' {
                ('.', ',')
            } else {
                (',', '.')
            };
            if digits.matches(mark).count() > 1 {
                return Err(format!(
                    "'{mark}' is the decimal mark (it comes last) but appears twice; write 1.234,56 or 1,234.56"
                ));
            }
            (&digits[..at], &digits[at + 1..], Some(group))
        }
        _ => {
            let sep = if dots > 0 { '.' } else { ',' };
            let (a, b) = digits.split_once(sep).expect("a separator");
            // Twice or more, or once before three digits: thousands.
            if dots + commas > 1 || (b.len() == 3 && first_group(a)) {
                (digits, "", Some(sep))
            } else {
                (a, b, None)
            }
        }
    };
    // The integer part is shorter than the number exactly when a decimal mark follows.
    if int_part.len() < digits.len() && frac.is_empty() {
        return Err("a decimal mark needs digits after it (5.00, not 5.)".into());
    }
    let int_digits = match group {
        Some(g) => {
            let mut parts = int_part.split(g);
            let first = parts.next().unwrap_or("");
            if !(1..=3).contains(&first.len()) || parts.any(|p| p.len() != 3) {
                return Err(format!(
                    "'{g}' separates thousands here, in groups of three digits (1{g}234{g}567)"
                ));
            }
            int_part.replace(g, "")
        }
        None => int_part.to_string(),
    };
    Ok((int_digits, frac))
}

/// A leading group of thousands: one to three digits, not starting with 0.
fn first_group(a: &str) -> bool {
    (1..=3).contains(&a.len()) && !a.starts_with('0')
}

/// An amount as `Money`'s `Display` writes it (`-1234.56 EUR`), in any case (a
/// table's lower-case search text holds `1234.56 eur`): its exact inverse, read in
/// one pass without allocating. None for any other text, or past the largest
/// amount.
pub(super) fn parse_shown(text: &str) -> Option<Money> {
    let b = text.as_bytes();
    let (neg, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    // At least "0.00 eur": digits, '.', two digits, ' ', three letters.
    let n = b.len();
    if n < 8 || b[n - 4] != b' ' || b[n - 7] != b'.' {
        return None;
    }
    let letter = |c: u8| c.is_ascii_alphabetic().then(|| c.to_ascii_uppercase());
    let code = [letter(b[n - 3])?, letter(b[n - 2])?, letter(b[n - 1])?];
    let mut cents: u64 = 0;
    for &c in b[..n - 7].iter().chain(&b[n - 6..n - 4]) {
        if !c.is_ascii_digit() {
            return None;
        }
        cents = cents.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    let cents = if neg {
        // i64::MIN has no positive counterpart: its magnitude is one more than MAX.
        0i64.checked_sub_unsigned(cents)?
    } else {
        i64::try_from(cents).ok()?
    };
    Some(Money::new(cents, Currency(code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_amounts_read_back_exactly() {
        let eur = |c| Some(Money::eur(c));
        assert_eq!(parse_shown("1234.56 eur"), eur(123_456));
        assert_eq!(parse_shown("1234.56 EUR"), eur(123_456));
        assert_eq!(parse_shown("0.05 eur"), eur(5));
        assert_eq!(parse_shown("-0.05 eur"), eur(-5));
        assert_eq!(
            parse_shown("10.00 usd"),
            Some(Money::new(1000, Currency::USD))
        );
        assert_eq!(
            parse_shown("-92233720368547758.08 eur"),
            eur(i64::MIN),
            "the smallest amount"
        );
        assert_eq!(parse_shown("92233720368547758.07 eur"), eur(i64::MAX));
        for bad in [
            "",
            "eur",
            "1234.56",
            "1234.5 eur",
            ".56 eur",
            "12,34.56 eur",
            "1234.56eur",
            "1234.56 eu1",
            "1234.56  eur",
            "--1.00 eur",
            "92233720368547758.08 eur",
            "-92233720368547758.09 eur",
            "99999999999999999999.99 eur",
            "1 234.56 eur",
            "1234.56 €",
        ] {
            assert_eq!(parse_shown(bad), None, "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn format_lowercase_parse_round_trips(
            cents in proptest::num::i64::ANY,
            code in "[A-Z]{3}",
        ) {
            let b = code.as_bytes();
            let m = Money::new(cents, Currency([b[0], b[1], b[2]]));
            let shown = m.to_string();
            proptest::prop_assert_eq!(parse_shown(&shown.to_lowercase()), Some(m));
            proptest::prop_assert_eq!(parse_shown(&shown), Some(m));
        }
    }
}
