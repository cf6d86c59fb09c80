//! The grammar of event rules: a trigger (what fires a rule), its date or schedule,
//! and its actions (one per line), with the templates those actions render. Pure:
//! every function here reads text and an entity's declaration, nothing else.
//!
//! Errors say where the text is wrong (`SpecError`: line and column, 1-based) and
//! what would be right.

use std::fmt;

use chrono::NaiveDate;

use crate::model::{field_or_suggest, EntityDef, FieldKind};
use crate::util::suggest::nearest;

mod actions;
mod schedule;
mod target;
mod template;
mod tokens;

#[cfg(test)]
mod tests;

pub use actions::{check_actions_for, parse_actions, Action, SetValue};
pub use schedule::Schedule;
pub use target::{parse_target, Target};
pub use template::{RenderCtx, Template};

/// Where a rule's text is wrong: 1-based line (0 when the text is one line, like a
/// trigger) and column. A column of 0 (with line 0) means the error is about the
/// rule as a whole, not a place in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl SpecError {
    /// An error in one-line text (a trigger, a schedule, a template) at `column`.
    pub(crate) fn at(column: usize, message: impl Into<String>) -> SpecError {
        SpecError {
            line: 0,
            column,
            message: message.into(),
        }
    }

    /// The same error, found in text that starts at `column` of line `line` of a
    /// larger text.
    pub(crate) fn shifted(mut self, line: usize, column: usize) -> SpecError {
        self.line = line;
        self.column = column + self.column.max(1) - 1;
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The messages quote the rule's text: shown short and safe, whatever it holds.
        let message = crate::util::short_quotes(&self.message);
        match (self.line, self.column) {
            (0, 0) => f.write_str(&message),
            (0, c) => write!(f, "column {c}: {message}"),
            (l, c) => write!(f, "line {l}, column {c}: {message}"),
        }
    }
}

impl std::error::Error for SpecError {}

/// What fires a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    Created,
    /// Only when one of these fields changes; empty: any change.
    Updated {
        fields: Vec<usize>,
    },
    Deleted,
    Date(DateSpec),
    Schedule(Schedule),
}

const TRIGGER_KINDS: &[&str] = &["created", "updated", "deleted", "date", "schedule"];

/// kind: "created" | "updated" | "deleted" | "date" | "schedule" (case-insensitive,
/// trimmed). spec: updated → comma-separated field names (empty = any); date → a
/// DateSpec text; schedule → a Schedule text; created/deleted → must be empty.
/// Columns count in `spec`; an unknown kind is reported at column 1.
pub fn parse_trigger(
    kind: &str,
    spec: &str,
    def: &'static EntityDef,
) -> Result<Trigger, SpecError> {
    let lower = kind.trim().to_lowercase();
    match lower.as_str() {
        "created" | "deleted" => {
            if let Some((col, word)) = words(spec).into_iter().next() {
                return Err(SpecError::at(
                    col,
                    format!("a {lower} trigger takes nothing more, found '{word}'"),
                ));
            }
            Ok(if lower == "created" {
                Trigger::Created
            } else {
                Trigger::Deleted
            })
        }
        "updated" => parse_updated(spec, def),
        "date" => DateSpec::parse(spec, def).map(Trigger::Date),
        "schedule" => Schedule::parse(spec).map(Trigger::Schedule),
        _ => {
            let mut msg = format!("'{}' is not a trigger", kind.trim());
            if let Some(s) = nearest(&lower, TRIGGER_KINDS.iter().copied()) {
                msg.push_str(&format!(" (did you mean '{s}'?)"));
            }
            msg.push_str(": write created, updated, deleted, date or schedule");
            Err(SpecError::at(1, msg))
        }
    }
}

fn parse_updated(spec: &str, def: &'static EntityDef) -> Result<Trigger, SpecError> {
    let mut fields = Vec::new();
    let mut col = 1;
    for part in spec.split(',') {
        let lead = part.chars().take_while(|c| c.is_whitespace()).count();
        let name = part.trim();
        if !name.is_empty() {
            if let Some(c) = name.chars().find(|c| c.is_whitespace()) {
                let at = col + lead + name.chars().position(|x| x == c).unwrap_or(0);
                return Err(SpecError::at(
                    at,
                    format!("'{name}' is not one field name: separate fields with commas"),
                ));
            }
            let i = field_or_suggest(def, &name.to_lowercase())
                .map_err(|e| SpecError::at(col + lead, e))?;
            if !fields.contains(&i) {
                fields.push(i);
            }
        }
        col += part.chars().count() + 1;
    }
    Ok(Trigger::Updated { fields })
}

/// What a date trigger counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBase {
    Field(usize),
    LastChange,
}

/// The date a record is due: its base date plus offset_days ("3 days before
/// expected_close": offset -3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpec {
    pub base: DateBase,
    pub offset_days: i64,
}

/// Offsets beyond this many days (about 270 years) are surely typos, and would not
/// fit the calendar.
const MAX_OFFSET_DAYS: i64 = 100_000;

const DATE_HINT: &str =
    "write 'on FIELD', '3 days before FIELD', '30 days after the last change' or FIELD-3d";

impl DateSpec {
    /// `on FIELD`; `N day|days|week|weeks before|after FIELD`; `N days after the last
    /// change`; compact `FIELD-3d`, `FIELD+2w`, `last_change+30d`, `FIELD` alone.
    /// FIELD is a date or date-time field of `def`.
    pub fn parse(text: &str, def: &'static EntityDef) -> Result<DateSpec, SpecError> {
        let ws = words(text);
        let lower: Vec<String> = ws.iter().map(|(_, w)| w.to_lowercase()).collect();
        let Some(first) = lower.first() else {
            return Err(SpecError::at(
                1,
                format!("a date trigger needs a date: {DATE_HINT}"),
            ));
        };
        let end = text.chars().count() + 1;
        if first == "on" {
            let rest: Vec<&str> = lower[1..].iter().map(String::as_str).collect();
            if is_last_change(&rest) {
                return Ok(DateSpec {
                    base: DateBase::LastChange,
                    offset_days: 0,
                });
            }
            return match rest.as_slice() {
                [] => Err(SpecError::at(
                    end,
                    format!("'on' needs a field: {DATE_HINT}"),
                )),
                [name] => Ok(DateSpec {
                    base: DateBase::Field(date_field(def, name, ws[1].0)?),
                    offset_days: 0,
                }),
                _ => Err(SpecError::at(
                    ws[2].0,
                    format!("unexpected '{}': {DATE_HINT}", ws[2].1),
                )),
            };
        }
        if first.chars().all(|c| c.is_ascii_digit()) {
            return parse_long(&ws, &lower, end, def);
        }
        if first.starts_with(['-', '+']) {
            return Err(SpecError::at(
                ws[0].0,
                format!(
                    "'{}' needs a field before it, like expected_close{}",
                    ws[0].1, ws[0].1
                ),
            ));
        }
        // Compact: FIELD, FIELD-3d, FIELD + 2w (spaces around the sign are fine).
        let compact: String = lower.concat();
        if ws.len() > 1 && !compact.contains(['+', '-']) {
            return Err(SpecError::at(
                ws[1].0,
                format!("unexpected '{}': {DATE_HINT}", ws[1].1),
            ));
        }
        let col = ws[0].0;
        let (name, offset) = match compact.find(['+', '-']) {
            Some(i) => {
                let offset_text = &compact[i..];
                let n = parse_offset(offset_text).map_err(|e| SpecError::at(col, e.message))?;
                (&compact[..i], n)
            }
            None => (compact.as_str(), 0),
        };
        if name == "last_change" {
            if offset < 0 {
                return Err(SpecError::at(col, before_last_change()));
            }
            return Ok(DateSpec {
                base: DateBase::LastChange,
                offset_days: offset,
            });
        }
        Ok(DateSpec {
            base: DateBase::Field(date_field(def, name, col)?),
            offset_days: offset,
        })
    }

    /// The base date a record must have to be due on `due` (due - offset).
    pub fn base_for(&self, due: NaiveDate) -> NaiveDate {
        let shifted = due.checked_sub_signed(chrono::Duration::days(self.offset_days));
        shifted.unwrap_or(if self.offset_days > 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
    }

    /// "3 days before expected_close", "on follow_up", "30 days after the last
    /// change": a text `parse` reads back to the same spec.
    pub fn describe(&self, def: &EntityDef) -> String {
        let base = match self.base {
            DateBase::Field(i) => def.fields.get(i).map_or("?", |f| f.name).to_string(),
            DateBase::LastChange => "the last change".to_string(),
        };
        let n = self.offset_days.unsigned_abs();
        let days = if n == 1 { "day" } else { "days" };
        match self.offset_days {
            0 => format!("on {base}"),
            d if d < 0 => format!("{n} {days} before {base}"),
            _ => format!("{n} {days} after {base}"),
        }
    }
}

/// `N unit before|after BASE`, `ws` being the words of the text.
fn parse_long(
    ws: &[(usize, String)],
    lower: &[String],
    end: usize,
    def: &'static EntityDef,
) -> Result<DateSpec, SpecError> {
    let n: i64 = lower[0]
        .parse()
        .ok()
        .filter(|n| *n <= MAX_OFFSET_DAYS)
        .ok_or_else(|| SpecError::at(ws[0].0, format!("'{}' is too many days", ws[0].1)))?;
    let col_of = |i: usize| ws.get(i).map_or(end, |w| w.0);
    let days = match lower.get(1).map(String::as_str) {
        Some("day" | "days") => n,
        Some("week" | "weeks") => n * 7,
        _ => {
            return Err(SpecError::at(
                col_of(1),
                format!("after '{}' write days or weeks: {DATE_HINT}", ws[0].1),
            ))
        }
    };
    let sign = match lower.get(2).map(String::as_str) {
        Some("before") => -1,
        Some("after") => 1,
        _ => {
            return Err(SpecError::at(
                col_of(2),
                format!("write before or after: {DATE_HINT}"),
            ))
        }
    };
    let rest: Vec<&str> = lower[3..].iter().map(String::as_str).collect();
    if is_last_change(&rest) {
        if sign < 0 {
            return Err(SpecError::at(ws[2].0, before_last_change()));
        }
        return Ok(DateSpec {
            base: DateBase::LastChange,
            offset_days: days,
        });
    }
    match rest.as_slice() {
        [] => Err(SpecError::at(
            end,
            format!("'{}' what? Name a date field: {DATE_HINT}", ws[2].1),
        )),
        [name] => Ok(DateSpec {
            base: DateBase::Field(date_field(def, name, ws[3].0)?),
            offset_days: sign * days,
        }),
        _ => Err(SpecError::at(
            ws[4].0,
            format!("unexpected '{}': {DATE_HINT}", ws[4].1),
        )),
    }
}

fn is_last_change(words: &[&str]) -> bool {
    matches!(
        words,
        ["the", "last", "change"] | ["last", "change"] | ["last_change"] | ["the", "last_change"]
    )
}

fn before_last_change() -> String {
    "a rule cannot fire before the last change: write 'N days after the last change'".into()
}

/// The index of a date or date-time field of `def` named `name`.
fn date_field(def: &EntityDef, name: &str, col: usize) -> Result<usize, SpecError> {
    let i = field_or_suggest(def, name).map_err(|e| SpecError::at(col, e))?;
    let f = &def.fields[i];
    match f.kind {
        FieldKind::Date | FieldKind::DateTime => Ok(i),
        kind => Err(SpecError::at(
            col,
            format!(
                "'{name}' is not a date: {}.{name} is {}",
                def.name,
                kind.type_name()
            ),
        )),
    }
}

/// A number of days from today: "+3d", "-1d", "3d", "+2w", "0d", "today" (and
/// "tomorrow", "yesterday").
pub fn parse_offset(text: &str) -> Result<i64, SpecError> {
    let t = text.trim().to_lowercase();
    let bad = || {
        SpecError::at(
            1,
            format!(
                "'{}' is not an offset: write days or weeks, like +3d or +2w",
                text.trim()
            ),
        )
    };
    match t.as_str() {
        "today" => return Ok(0),
        "tomorrow" => return Ok(1),
        "yesterday" => return Ok(-1),
        _ => {}
    }
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, t.strip_prefix('+').unwrap_or(&t)),
    };
    let body = body.trim_start();
    let (digits, per) = if let Some(d) = body.strip_suffix('d') {
        (d, 1)
    } else if let Some(w) = body.strip_suffix('w') {
        (w, 7)
    } else {
        return Err(bad());
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let n: i64 = digits.parse().map_err(|_| bad())?;
    match n.checked_mul(per) {
        Some(days) if days <= MAX_OFFSET_DAYS => Ok(sign * days),
        _ => Err(SpecError::at(
            1,
            format!("'{}' is too far from today", text.trim()),
        )),
    }
}

/// The text form of a day offset, which `parse_offset` reads back: "+3d", "-1d",
/// "today".
pub(crate) fn offset_text(days: i64) -> String {
    match days {
        0 => "today".into(),
        d if d > 0 => format!("+{d}d"),
        d => format!("{d}d"),
    }
}

/// The whitespace-separated words of `text`, each with its 1-based column.
pub(crate) fn words(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (i, c) in text.chars().enumerate() {
        if c.is_whitespace() {
            out.extend(cur.take());
        } else {
            cur.get_or_insert_with(|| (i + 1, String::new())).1.push(c);
        }
    }
    out.extend(cur);
    out
}
