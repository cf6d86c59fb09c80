//! Field values: the one dynamic representation every layer above the typed structs
//! uses, with parsing from text (CLI, CSV, forms) and formatting back.

use std::fmt;

use chrono::{Datelike, Duration, Local, Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::schema::{FieldDef, FieldKind, LineDef, LineRecord};
use crate::util::excerpt;

/// An ISO 4217 currency code, three upper-case letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Currency(pub [u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");
    pub const USD: Currency = Currency(*b"USD");

    pub fn parse(s: &str) -> Option<Currency> {
        let b = s.as_bytes();
        if b.len() == 3 && b.iter().all(|c| c.is_ascii_alphabetic()) {
            Some(Currency([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
                b[2].to_ascii_uppercase(),
            ]))
        } else {
            None
        }
    }
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::EUR
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Money: integer minor units (cents) with a currency. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Money {
    pub cents: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(cents: i64, currency: Currency) -> Money {
        Money { cents, currency }
    }
    pub fn eur(cents: i64) -> Money {
        Money::new(cents, Currency::EUR)
    }

    /// Parses `1234.56`, `1.234,56`, `1,234.56`, `-12`, optionally with a currency
    /// code before or after (`EUR 10`, `10 USD`). Without a code the default is EUR.
    pub fn parse(text: &str) -> Result<Money, String> {
        let mut s = text.trim();
        let mut currency = Currency::EUR;
        if s.len() > 3 {
            if let Some(c) =
                Currency::parse(&s[s.len() - 3..]).filter(|_| s.is_char_boundary(s.len() - 3))
            {
                currency = c;
                s = s[..s.len() - 3].trim_end();
            } else if let Some(c) = Currency::parse(s.get(..3).unwrap_or("")) {
                currency = c;
                s = s[3..].trim_start();
            }
        }
        let s = s.trim_end_matches('€').trim();
        let bad = || {
            format!(
                "'{}' is not an amount (try 1234.56 or 1.234,56 EUR)",
                excerpt(text)
            )
        };
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, s),
        };
        if digits.is_empty()
            || !digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        {
            return Err(bad());
        }
        // The last separator followed by one or two digits is the decimal mark.
        let last_sep = digits.rfind(['.', ',']);
        let (int_part, frac_part) = match last_sep {
            Some(i) if digits.len() - i - 1 <= 2 => (&digits[..i], &digits[i + 1..]),
            _ => (digits, ""),
        };
        let int_digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
        if frac_part.contains(['.', ',']) {
            return Err(bad());
        }
        let units: i64 = if int_digits.is_empty() {
            0
        } else {
            int_digits.parse().map_err(|_| bad())?
        };
        let frac: i64 = match frac_part.len() {
            0 => 0,
            1 => frac_part.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac_part.parse().map_err(|_| bad())?,
        };
        let cents = units
            .checked_mul(100)
            .and_then(|c| c.checked_add(frac))
            .ok_or_else(|| format!("'{}' is too large an amount", excerpt(text)))?;
        Ok(Money::new(if neg { -cents } else { cents }, currency))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        write!(f, "{sign}{}.{:02} {}", abs / 100, abs % 100, self.currency)
    }
}

/// A field's value, whatever the entity.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Empty,
    Text(String),
    Int(i64),
    Money(Money),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Bool(bool),
    List(Vec<String>),
    Lines(Vec<Vec<Value>>),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.is_empty(),
            Value::List(l) => l.is_empty(),
            Value::Lines(l) => l.is_empty(),
            _ => false,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

pub const DATE_FORMAT: &str = "%Y-%m-%d";
pub const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M";

/// The text form of a value: what the CLI prints and CSV holds, and what
/// `parse_value` reads back.
pub fn format_value(kind: &FieldKind, value: &Value) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(s) => s.clone(),
        Value::Int(n) => n.to_string(),
        Value::Money(m) => m.to_string(),
        Value::Date(d) => d.format(DATE_FORMAT).to_string(),
        Value::DateTime(d) => d.format(DATETIME_FORMAT).to_string(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Value::List(items) => items.join(","),
        Value::Lines(lines) => {
            let line_fields = match kind {
                FieldKind::Lines(def) => def.fields,
                _ => &[],
            };
            lines
                .iter()
                .map(|line| {
                    line.iter()
                        .zip(line_fields)
                        .map(|(v, f)| format_value(&f.kind, v))
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect::<Vec<_>>()
                .join(";")
        }
    }
}

/// Reads a value of the given kind from text. Empty text is `Value::Empty`.
pub fn parse_value(kind: &FieldKind, text: &str) -> Result<Value, String> {
    parse_value_at(kind, text, today())
}

/// The local date; relative dates count from it.
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

pub fn parse_value_at(kind: &FieldKind, text: &str, today: NaiveDate) -> Result<Value, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Value::Empty);
    }
    Ok(match kind {
        FieldKind::Text | FieldKind::Email => Value::Text(t.to_string()),
        FieldKind::Multiline => Value::Text(text.replace("\\n", "\n")),
        FieldKind::Int => Value::Int(parse_int(t)?),
        FieldKind::Percent => Value::Int(parse_int(t.trim_end_matches('%').trim())?),
        FieldKind::Money => Value::Money(Money::parse(t)?),
        FieldKind::Date => Value::Date(parse_date(t, today)?),
        FieldKind::DateTime => Value::DateTime(parse_datetime(t, today)?),
        FieldKind::Bool => Value::Bool(parse_bool(t)?),
        FieldKind::Choice(options) => {
            let lower = t.to_lowercase();
            match options.iter().find(|o| **o == lower) {
                Some(o) => Value::Text(o.to_string()),
                None => {
                    return Err(format!(
                        "'{}' is not one of {}",
                        excerpt(t),
                        options.join(", ")
                    ))
                }
            }
        }
        FieldKind::Ref(_) => Value::Text(t.to_uppercase()),
        FieldKind::RefList(_) => {
            let mut items: Vec<String> = Vec::new();
            for part in t.split([',', ';', ' ']).filter(|p| !p.is_empty()) {
                let code = part.to_uppercase();
                if !items.contains(&code) {
                    items.push(code);
                }
            }
            Value::List(items)
        }
        FieldKind::Lines(def) => Value::Lines(parse_lines(def, t, today)?),
    })
}

fn parse_lines(def: &LineDef, text: &str, today: NaiveDate) -> Result<Vec<Vec<Value>>, String> {
    let mut lines = Vec::new();
    for (n, line) in text
        .split(';')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let parts: Vec<&str> = line.split('|').collect();
        if parts.len() > def.fields.len() {
            return Err(format!(
                "line {} has {} parts; a {} line has {} ({})",
                n + 1,
                parts.len(),
                def.name,
                def.fields.len(),
                field_names(def.fields)
            ));
        }
        let mut values = Vec::with_capacity(def.fields.len());
        for (i, f) in def.fields.iter().enumerate() {
            let part = parts.get(i).copied().unwrap_or("");
            let v = parse_value_at(&f.kind, part, today)
                .map_err(|e| format!("line {}, {}: {e}", n + 1, f.name))?;
            values.push(v);
        }
        lines.push(values);
    }
    Ok(lines)
}

fn field_names(fields: &[FieldDef]) -> String {
    fields.iter().map(|f| f.name).collect::<Vec<_>>().join("|")
}

fn parse_int(t: &str) -> Result<i64, String> {
    let digits: String = t.chars().filter(|c| *c != '_' && *c != '\'').collect();
    digits
        .parse()
        .map_err(|_| format!("'{}' is not a whole number", excerpt(t)))
}

fn parse_bool(t: &str) -> Result<bool, String> {
    match t.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "ja" | "j" | "on" => Ok(true),
        "no" | "n" | "false" | "0" | "nein" | "off" | "-" => Ok(false),
        _ => Err(format!("'{}' is not yes or no", excerpt(t))),
    }
}

/// ISO dates, `today`, and offsets from today: `+7d`, `-2w`, `+1m`, `+1y`.
pub fn parse_date(t: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let lower = t.to_lowercase();
    match lower.as_str() {
        "today" | "heute" => return Ok(today),
        "tomorrow" | "morgen" => return Ok(today + Duration::days(1)),
        "yesterday" | "gestern" => return Ok(today - Duration::days(1)),
        _ => {}
    }
    if let Some(sign) = lower.chars().next().filter(|c| *c == '+' || *c == '-') {
        let body = &lower[1..];
        let unit = body.chars().last().unwrap_or('d');
        let (num, unit) = if unit.is_ascii_digit() {
            (body, 'd')
        } else {
            (&body[..body.len() - unit.len_utf8()], unit)
        };
        let n: i64 = num
            .parse()
            .map_err(|_| format!("'{}' is not a date offset (try +7d, -2w, +1m)", excerpt(t)))?;
        let n = if sign == '-' { -n } else { n };
        let shifted = match unit {
            'd' | 't' => today.checked_add_signed(Duration::days(n)),
            'w' => today.checked_add_signed(Duration::weeks(n)),
            'm' | 'y' | 'j' => {
                let months = if unit == 'm' { n } else { n * 12 };
                if months >= 0 {
                    today.checked_add_months(Months::new(months as u32))
                } else {
                    today.checked_sub_months(Months::new((-months) as u32))
                }
            }
            _ => {
                return Err(format!(
                    "'{}': unknown unit '{unit}' (use d, w, m or y)",
                    excerpt(t)
                ))
            }
        };
        return shifted.ok_or_else(|| format!("'{}' lies outside the calendar", excerpt(t)));
    }
    // ISO, German (31.01.1980), compact (19800131) and English (1/31/1980).
    for fmt in [DATE_FORMAT, "%d.%m.%Y", "%Y%m%d", "%m/%d/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            if d.year() > 0 {
                return Ok(d);
            }
        }
    }
    Err(format!(
        "'{}' is not a date (use 2026-12-01, 01.12.2026, today or +7d)",
        excerpt(t)
    ))
}

pub fn parse_datetime(t: &str, today: NaiveDate) -> Result<NaiveDateTime, String> {
    if t.eq_ignore_ascii_case("now") || t.eq_ignore_ascii_case("jetzt") {
        return Ok(Local::now().naive_local().with_nanosecond_zero());
    }
    for fmt in [
        DATETIME_FORMAT,
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%d.%m.%Y %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, fmt) {
            return Ok(d);
        }
    }
    match parse_date(t, today) {
        Ok(d) => Ok(d.and_hms_opt(0, 0, 0).expect("midnight exists")),
        Err(_) => Err(format!(
            "'{}' is not a date-time (use 2026-12-01 14:30 or now)",
            excerpt(t)
        )),
    }
}

trait NoNanos {
    fn with_nanosecond_zero(self) -> Self;
}
impl NoNanos for NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0)
            .unwrap_or(self)
            .with_second(0)
            .unwrap_or(self)
    }
}

/// The JSON form of a value: numbers and booleans as such, lists as arrays, lines
/// as arrays of objects, everything else as its text form.
pub fn value_to_json(kind: &FieldKind, value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Empty => J::Null,
        Value::Int(n) => J::from(*n),
        Value::Bool(b) => J::Bool(*b),
        Value::List(items) => J::Array(items.iter().map(|s| J::String(s.clone())).collect()),
        Value::Lines(lines) => {
            let fields = match kind {
                FieldKind::Lines(def) => def.fields,
                _ => &[],
            };
            J::Array(
                lines
                    .iter()
                    .map(|line| {
                        J::Object(
                            fields
                                .iter()
                                .zip(line)
                                .map(|(f, v)| (f.name.to_string(), value_to_json(&f.kind, v)))
                                .collect(),
                        )
                    })
                    .collect(),
            )
        }
        other => J::String(format_value(kind, other)),
    }
}

/// Conversion between a struct field's Rust type and `Value`.
pub trait FieldValue: Sized {
    fn to_value(&self) -> Value;
    fn from_value(value: Value) -> Result<Self, String>;
}

fn wrong(expected: &str, got: &Value) -> String {
    format!("expected {expected}, got {}", excerpt(&format!("{got:?}")))
}

impl FieldValue for String {
    fn to_value(&self) -> Value {
        if self.is_empty() {
            Value::Empty
        } else {
            Value::Text(self.clone())
        }
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Empty => Ok(String::new()),
            Value::Text(s) => Ok(s),
            other => Err(wrong("text", &other)),
        }
    }
}

macro_rules! optional_field_value {
    ($ty:ty, $variant:ident, $what:literal) => {
        impl FieldValue for Option<$ty> {
            fn to_value(&self) -> Value {
                match self {
                    Some(v) => Value::$variant(v.clone()),
                    None => Value::Empty,
                }
            }
            fn from_value(value: Value) -> Result<Self, String> {
                match value {
                    Value::Empty => Ok(None),
                    Value::$variant(v) => Ok(Some(v)),
                    other => Err(wrong($what, &other)),
                }
            }
        }
    };
}
optional_field_value!(i64, Int, "a number");
optional_field_value!(Money, Money, "an amount");
optional_field_value!(NaiveDate, Date, "a date");
optional_field_value!(NaiveDateTime, DateTime, "a date-time");

impl FieldValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Empty => Ok(false),
            Value::Bool(b) => Ok(b),
            other => Err(wrong("yes or no", &other)),
        }
    }
}

impl FieldValue for Vec<String> {
    fn to_value(&self) -> Value {
        Value::List(self.clone())
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Empty => Ok(Vec::new()),
            Value::List(l) => Ok(l),
            other => Err(wrong("a list of keys", &other)),
        }
    }
}

impl<L: LineRecord> FieldValue for Vec<L> {
    fn to_value(&self) -> Value {
        Value::Lines(self.iter().map(LineRecord::to_values).collect())
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Empty => Ok(Vec::new()),
            Value::Lines(lines) => lines.into_iter().map(L::from_values).collect(),
            other => Err(wrong("lines", &other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, DATE_FORMAT).unwrap()
    }

    #[test]
    fn money_accepts_both_decimal_conventions() {
        assert_eq!(Money::parse("1.234,56").unwrap().cents, 123_456);
        assert_eq!(Money::parse("1,234.56").unwrap().cents, 123_456);
        assert_eq!(Money::parse("1234.5").unwrap().cents, 123_450);
        assert_eq!(Money::parse("1.234.567").unwrap().cents, 123_456_700);
        assert_eq!(Money::parse("-12").unwrap().cents, -1200);
        let usd = Money::parse("10.00 USD").unwrap();
        assert_eq!((usd.cents, usd.currency), (1000, Currency::USD));
        assert_eq!(Money::parse("EUR 5").unwrap().cents, 500);
        assert!(Money::parse("abc").is_err());
        assert!(Money::parse("1,2,3.4.5").is_ok());
        assert!(Money::parse("").is_err());
        assert_eq!(Money::eur(-5).to_string(), "-0.05 EUR");
        assert_eq!(
            Money::parse(&Money::eur(123_456).to_string()).unwrap(),
            Money::eur(123_456)
        );
    }

    #[test]
    fn relative_dates_count_from_today() {
        let t = d("2026-01-31");
        assert_eq!(parse_date("today", t).unwrap(), t);
        assert_eq!(parse_date("+7d", t).unwrap(), d("2026-02-07"));
        assert_eq!(parse_date("-2w", t).unwrap(), d("2026-01-17"));
        assert_eq!(parse_date("+1m", t).unwrap(), d("2026-02-28"));
        assert_eq!(parse_date("+3", t).unwrap(), d("2026-02-03"));
        assert_eq!(parse_date("01.12.2026", t).unwrap(), d("2026-12-01"));
        assert!(parse_date("+3q", t).is_err());
        assert!(parse_date("2026-13-01", t).is_err());
    }

    #[test]
    fn text_forms_round_trip() {
        let kinds_and_texts = [
            (FieldKind::Int, "42"),
            (FieldKind::Percent, "75"),
            (FieldKind::Money, "12.50 EUR"),
            (FieldKind::Date, "2026-12-01"),
            (FieldKind::DateTime, "2026-12-01 14:30"),
            (FieldKind::Bool, "yes"),
            (FieldKind::Ref("territory"), "NORTH"),
            (FieldKind::RefList("salesperson"), "AB,CD"),
        ];
        for (kind, text) in kinds_and_texts {
            let v = parse_value(&kind, text).unwrap();
            assert_eq!(format_value(&kind, &v), text, "{kind:?}");
        }
        assert_eq!(
            parse_value(&FieldKind::Ref("territory"), "north").unwrap(),
            Value::Text("NORTH".into())
        );
        assert!(parse_value(&FieldKind::Choice(&["draft", "final"]), "Draft").is_ok());
        assert!(parse_value(&FieldKind::Choice(&["draft", "final"]), "open").is_err());
    }
}
