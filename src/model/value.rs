//! Field values: the one dynamic representation every layer above the typed structs
//! uses, with parsing from text (CLI, CSV, forms) and formatting back.

use std::fmt;

use chrono::{Datelike, Duration, Local, Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::schema::{FieldDef, FieldKind, LineDef, LineRecord};
use crate::util::excerpt;

pub use super::currency::Currency;

/// Money: integer hundredths of the major unit (cents) with a currency, whatever
/// the currency's decimals. Never a float.
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

    /// The sum of two amounts of one currency; an error when the currencies differ
    /// or the sum exceeds the largest amount.
    pub fn checked_add(self, other: Money) -> Result<Money, String> {
        if self.currency != other.currency {
            return Err(format!(
                "{self} and {other} are in different currencies and do not add up"
            ));
        }
        self.cents
            .checked_add(other.cents)
            .map(|cents| Money::new(cents, self.currency))
            .ok_or_else(|| format!("{self} + {other} exceeds the largest amount"))
    }

    /// Parses `1234.56`, `1.234,56`, `1,234.56`, `1.234.567`, `-12`, optionally with
    /// a currency code before or after (`EUR 10`, `10 USD`) or a trailing `€`.
    /// Without a code the default is EUR.
    ///
    /// With both `.` and `,` the last one is the decimal mark. With one of them
    /// once, followed by exactly three digits after a group of one to three
    /// (`1.234`, `12,500`), it separates thousands; otherwise it is the decimal
    /// mark (`0.001`, `1234.567` are decimals, and refused: EUR has two). More
    /// decimals than the currency has are refused unless they are zeros.
    pub fn parse(text: &str) -> Result<Money, String> {
        super::money_parse::parse(text)
    }

    /// An amount as `Display` wrote it (`1234.56 EUR`, any case), read back
    /// exactly and without allocating; None for other text (see `parse` for typed
    /// amounts).
    pub fn parse_shown(text: &str) -> Option<Money> {
        super::money_parse::parse_shown(text)
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
        FieldKind::Percent => Value::Int(
            parse_int(t.strip_suffix('%').unwrap_or(t).trim()).map_err(|_| {
                format!("'{}' is not a whole number (write a percentage from 0 to 100, as in 75 or 75%)", excerpt(t))
            })?,
        ),
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
    let body = digits.strip_prefix(['-', '+']).unwrap_or(&digits);
    if body.is_empty() || !body.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "'{}' is not a whole number (write digits 0-9, as in 42 or 1_000)",
            excerpt(t)
        ));
    }
    digits.parse().map_err(|_| {
        format!(
            "'{}' is too large a number (the largest is {})",
            excerpt(t),
            i64::MAX
        )
    })
}

fn parse_bool(t: &str) -> Result<bool, String> {
    match t.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "ja" | "j" | "on" => Ok(true),
        "no" | "n" | "false" | "0" | "nein" | "off" | "-" => Ok(false),
        _ => Err(format!("'{}' is not yes or no", excerpt(t))),
    }
}

/// The farthest a date offset reaches: about a hundred years, in each unit.
pub const MAX_OFFSET_DAYS: i64 = 36_500;
const MAX_OFFSET_WEEKS: i64 = MAX_OFFSET_DAYS / 7;
const MAX_OFFSET_MONTHS: i64 = 1_200;
const MAX_OFFSET_YEARS: i64 = 100;

/// `+7d`, `-2w`, `+1m`, `+1y`, `+3` (days) from `today`; `t` is the text as typed.
fn parse_offset(t: &str, offset: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let how = "write a sign, a number and a unit, as in +7d, -2w, +1m or +1y";
    let (sign, body) = offset.split_at(1);
    let (num, unit) = match body.char_indices().next_back() {
        None => return Err(format!("'{}' is not a date offset: {how}", excerpt(t))),
        Some((_, c)) if c.is_ascii_digit() => (body, 'd'),
        Some((i, c)) => (&body[..i], c),
    };
    let limit = match unit {
        'd' | 't' => MAX_OFFSET_DAYS,
        'w' => MAX_OFFSET_WEEKS,
        'm' => MAX_OFFSET_MONTHS,
        'y' | 'j' => MAX_OFFSET_YEARS,
        _ => {
            return Err(format!(
                "'{}': unknown unit '{}' (use d, w, m or y)",
                excerpt(t),
                excerpt(unit.encode_utf8(&mut [0; 4]))
            ))
        }
    };
    if num.is_empty() || !num.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("'{}' is not a date offset: {how}", excerpt(t)));
    }
    let too_far = || {
        format!(
            "'{}' reaches too far: an offset spans at most about 100 years \
             ({MAX_OFFSET_DAYS}d, {MAX_OFFSET_WEEKS}w, {MAX_OFFSET_MONTHS}m or {MAX_OFFSET_YEARS}y)", excerpt(t)
        )
    };
    let n: i64 = num.parse().map_err(|_| too_far())?;
    if n > limit {
        return Err(too_far());
    }
    let n = if sign == "-" { -n } else { n };
    let shifted = match unit {
        'd' | 't' => today.checked_add_signed(Duration::days(n)),
        'w' => today.checked_add_signed(Duration::weeks(n)),
        _ => {
            let months = if unit == 'm' { n } else { n * 12 };
            let m = Months::new(u32::try_from(months.unsigned_abs()).map_err(|_| too_far())?);
            if months >= 0 {
                today.checked_add_months(m)
            } else {
                today.checked_sub_months(m)
            }
        }
    };
    shifted.ok_or_else(|| format!("'{}' lies outside the calendar", excerpt(t)))
}

/// ISO dates, `today`, and offsets from today: `+7d`, `-2w`, `+1m`, `+1y`, also
/// written `today+7d`.
pub fn parse_date(t: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let lower = t.to_lowercase();
    match lower.as_str() {
        "today" | "heute" => return Ok(today),
        "tomorrow" | "morgen" => return Ok(today + Duration::days(1)),
        "yesterday" | "gestern" => return Ok(today - Duration::days(1)),
        _ => {}
    }
    let offset = lower
        .strip_prefix("today")
        .or_else(|| lower.strip_prefix("heute"))
        .filter(|rest| rest.starts_with(['+', '-']))
        .unwrap_or(&lower);
    if offset.starts_with(['+', '-']) {
        return parse_offset(t, offset, today);
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
        Err(e) if e.contains("offset") || e.contains("reaches too far") => Err(e),
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
#[path = "value_tests.rs"]
mod tests;
