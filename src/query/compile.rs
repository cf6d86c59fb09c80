//! Syntax tree -> predicate: values typed by their field's kind, relative dates and
//! "me" resolved, `has:`/`no:` turned into key sets. A predicate tests one record;
//! the planner decides which records it sees.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use chrono::NaiveDate;

use super::fold::fold;
use super::parser::{Expr, Op, RawValue, Subject};
use super::values::{self, date_span, Scalar};
use super::{Env, Error, QueryError};
use crate::model::{format_value, EntityDef, FieldKind, Record, Value};
use crate::store::index::references;
use crate::store::{Result as StoreResult, Store};
use crate::util::suggest::nearest;

/// A test of one value.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Folded text contains.
    Contains(String),
    /// Folded text equals.
    TextEq(String),
    /// A code equals, ignoring case (references, choices, keys; any element of a list).
    Code(String),
    Empty,
    Bool(bool),
    Cmp(Op, Scalar),
    /// Inclusive; an open end is unbounded.
    Range(Option<Scalar>, Option<Scalar>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pred {
    And(Vec<Pred>),
    Or(Vec<Pred>),
    Not(Box<Pred>),
    Key(Test),
    Field(usize, Test),
    /// Folded text contained in the key or any text field.
    AnyText(String),
    KeyIn(Arc<HashSet<String>>),
    Via {
        field: usize,
        target: &'static EntityDef,
        inner: Box<Pred>,
    },
    /// Some of these fields differs from the old record's (with no old record: is
    /// not empty). Rule conditions only.
    Changed(Vec<usize>),
    /// The predicate holds for the old record; false without one. Rule conditions only.
    Was(Box<Pred>),
    /// Some line of the lines field holds a value (its field `.1`) that passes.
    Line(usize, usize, Test),
    /// Another record naming the same party has a later value of this date field.
    Followed(usize),
}

/// Where a predicate is being built: to check a query (no store, no key sets), or
/// to run it.
#[derive(Clone, Copy)]
pub enum Mode<'s> {
    Check,
    Run(&'s Store),
}

pub fn compile(expr: &Expr, def: &'static EntityDef, env: &Env, mode: Mode) -> Result<Pred, Error> {
    Ok(match expr {
        Expr::And(parts) => Pred::And(
            parts
                .iter()
                .map(|p| compile(p, def, env, mode))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Or(parts) => Pred::Or(
            parts
                .iter()
                .map(|p| compile(p, def, env, mode))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Not(inner) => Pred::Not(Box::new(compile(inner, def, env, mode)?)),
        Expr::Bare(v) => Pred::AnyText(fold(&v.text)),
        Expr::Via {
            field,
            target,
            inner,
            ..
        } => Pred::Via {
            field: *field,
            target,
            inner: Box::new(compile(inner, target, env, mode)?),
        },
        Expr::Changed { fields, .. } => Pred::Changed(fields.clone()),
        Expr::Was { inner, .. } => Pred::Was(Box::new(compile(inner, def, env, mode)?)),
        Expr::Followed { field, .. } => Pred::Followed(*field),
        Expr::Related {
            has,
            source,
            filter,
            ..
        } => {
            let filter = match filter {
                Some(f) => compile(f, source, env, mode)?,
                None => Pred::And(Vec::new()),
            };
            let keys = match mode {
                Mode::Check => HashSet::new(),
                Mode::Run(store) => related_keys(store, def, source, filter)?,
            };
            let set = Pred::KeyIn(Arc::new(keys));
            if *has {
                set
            } else {
                Pred::Not(Box::new(set))
            }
        }
        Expr::Cond {
            subject,
            name,
            op,
            value,
            ..
        } => condition(def, *subject, name, *op, value, env)
            .map_err(|m| Error::Query(QueryError::new(value.column, m)))?,
    })
}

/// The keys of `def` records that some `source` record matching `filter` names.
fn related_keys(
    store: &Store,
    def: &'static EntityDef,
    source: &'static EntityDef,
    filter: Pred,
) -> Result<HashSet<String>, Error> {
    if filter == Pred::And(Vec::new()) {
        if let Some(keys) = store.keys_named_by(def, source)? {
            return Ok(keys);
        }
    }
    let compiled = super::Compiled::new(store, source, filter);
    let mut keys = HashSet::new();
    for record in super::plan::select(&compiled, None)? {
        for (_, target, key) in references(record.as_ref()) {
            if target == def.name {
                keys.insert(key);
            }
        }
    }
    Ok(keys)
}

/// The kind of field `sub` of the lines in field `i`.
fn line_kind(def: &EntityDef, i: usize, sub: usize) -> FieldKind {
    match def.fields[i].kind {
        FieldKind::Lines(line) => line.fields[sub].kind,
        other => other,
    }
}

fn condition(
    def: &'static EntityDef,
    subject: Subject,
    name: &str,
    op: Op,
    value: &RawValue,
    env: &Env,
) -> Result<Pred, String> {
    let kind = match subject {
        Subject::Key => FieldKind::Ref(def.name),
        Subject::Field(i) => def.fields[i].kind,
        Subject::Line(i, sub) => line_kind(def, i, sub),
    };
    let wrap = |test: Test| match subject {
        Subject::Key => Pred::Key(test),
        Subject::Field(i) => Pred::Field(i, test),
        Subject::Line(i, sub) => Pred::Line(i, sub, test),
    };
    let text = value.text.trim();
    let negate = |p: Pred| {
        if op == Op::Ne {
            Pred::Not(Box::new(p))
        } else {
            p
        }
    };
    if value.quoted && text.is_empty() && matches!(op, Op::Match | Op::Eq | Op::Ne) {
        return Ok(negate(wrap(Test::Empty)));
    }
    let ordered = matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge);
    let no_order = |what: &str| {
        format!(
            "'{}' compares numbers, amounts, percentages and dates; {name} is {what}",
            op.as_str()
        )
    };
    match kind {
        FieldKind::Text | FieldKind::Multiline | FieldKind::Email => {
            if ordered {
                return Err(no_order("text"));
            }
            let folded = fold(text);
            Ok(negate(wrap(if op == Op::Match {
                Test::Contains(folded)
            } else {
                Test::TextEq(folded)
            })))
        }
        FieldKind::Lines(_) => {
            if op != Op::Match {
                return Err(format!("{name} holds lines: use '{name}:text'"));
            }
            Ok(wrap(Test::Contains(fold(text))))
        }
        FieldKind::Ref(target) | FieldKind::RefList(target) => {
            if ordered {
                return Err(no_order("a reference"));
            }
            let special = !value.quoted;
            if special && text.eq_ignore_ascii_case("me") && target == "salesperson" {
                return match &env.me {
                    Some(me) => Ok(negate(wrap(Test::Code(me.clone())))),
                    None => Err(format!(
                        "'me' is the salesperson whose OS user name is '{}', and there is none; \
                         set os_user on your salesperson record",
                        env.user
                    )),
                };
            }
            if special && text.eq_ignore_ascii_case("current") {
                if let (Subject::Field(field), Some(target_def)) =
                    (subject, crate::model::entity(target))
                {
                    if let Some(inner) = current(target_def, env.today) {
                        return Ok(negate(Pred::Via {
                            field,
                            target: target_def,
                            inner: Box::new(inner),
                        }));
                    }
                }
            }
            Ok(negate(wrap(Test::Code(text.to_uppercase()))))
        }
        FieldKind::Choice(options) => {
            if ordered {
                return Err(no_order("a choice"));
            }
            let lower = text.to_lowercase();
            if !options.contains(&lower.as_str()) {
                let mut msg = format!("{name} is one of {}, not '{text}'", options.join(", "));
                if let Some(s) = nearest(&lower, options.iter().copied()) {
                    msg.push_str(&format!(" (did you mean '{s}'?)"));
                }
                return Err(msg);
            }
            Ok(negate(wrap(Test::Code(lower))))
        }
        FieldKind::Bool => {
            if ordered {
                return Err(no_order("yes/no"));
            }
            Ok(negate(wrap(Test::Bool(values::boolean(text)?))))
        }
        FieldKind::Int | FieldKind::Percent => ordered_test(op, text, |t| {
            values::int(t).map(|n| (Scalar::Int(n), Scalar::Int(n)))
        })
        .map(|t| negate(wrap(t))),
        FieldKind::Money => {
            ordered_test(op, text, |t| values::money(t).map(|m| (m, m))).map(|t| negate(wrap(t)))
        }
        FieldKind::Date | FieldKind::DateTime => ordered_test(op, text, |t| {
            date_span(t, env.today).map(|(a, b)| (Scalar::Date(a), Scalar::Date(b)))
        })
        .map(|t| negate(wrap(t))),
    }
}

/// `start_date <= today <= end_date` of a record of `def`, when it has those fields.
fn current(def: &'static EntityDef, today: NaiveDate) -> Option<Pred> {
    let start = def.field_index("start_date")?;
    let end = def.field_index("end_date")?;
    let day = Scalar::Date(today);
    Some(Pred::And(vec![
        Pred::Field(start, Test::Cmp(Op::Le, day)),
        Pred::Field(end, Test::Cmp(Op::Ge, day)),
    ]))
}

/// A test of an ordered value; `parse` gives a value's first and last point (a
/// day range for `this_month`, the same point twice for a number).
fn ordered_test(
    op: Op,
    text: &str,
    parse: impl Fn(&str) -> Result<(Scalar, Scalar), String>,
) -> Result<Test, String> {
    if op == Op::Match {
        if let Some((lo, hi)) = text.split_once("..") {
            let lo = (!lo.trim().is_empty())
                .then(|| parse(lo).map(|p| p.0))
                .transpose()?;
            let hi = (!hi.trim().is_empty())
                .then(|| parse(hi).map(|p| p.1))
                .transpose()?;
            if lo.is_none() && hi.is_none() {
                return Err("a range needs at least one end, as in 1000..5000".into());
            }
            return Ok(Test::Range(lo, hi));
        }
    }
    let (first, last) = parse(text)?;
    Ok(match op {
        Op::Match | Op::Eq | Op::Ne if first == last => Test::Cmp(Op::Eq, first),
        Op::Match | Op::Eq | Op::Ne => Test::Range(Some(first), Some(last)),
        Op::Lt | Op::Ge => Test::Cmp(op, first),
        Op::Le | Op::Gt => Test::Cmp(op, last),
    })
}

/// Reference lookups made while testing records (`stage.sequence`, `period:current`),
/// remembered for the run.
#[derive(Default)]
pub struct Lookups {
    found: RefCell<HashMap<(&'static str, String), Found>>,
    /// `followed:`: the latest date of each party's records, by (entity, party
    /// entity, party key, field).
    latest: RefCell<HashMap<Party, Value>>,
}

type Party = (&'static str, &'static str, String, usize);

/// A looked-up record, or None when the reference names nothing.
type Found = Option<Rc<dyn Record>>;

impl Lookups {
    fn get(
        &self,
        store: &Store,
        def: &'static EntityDef,
        key: &str,
    ) -> StoreResult<Option<Rc<dyn Record>>> {
        let probe = (def.name, key.to_string());
        if let Some(hit) = self.found.borrow().get(&probe) {
            return Ok(hit.clone());
        }
        let record: Option<Rc<dyn Record>> = store.get(def, key)?.map(Rc::from);
        self.found.borrow_mut().insert(probe, record.clone());
        Ok(record)
    }
}

impl Pred {
    /// Whether the record passes (as a record just created: no old record).
    #[inline]
    pub fn matches(&self, r: &dyn Record, store: &Store, lookups: &Lookups) -> StoreResult<bool> {
        self.matches_with(r, None, store, lookups)
    }

    /// Whether the record `r`, which was `old` before the change (None: it is new),
    /// passes. Only `changed:` and `was.` look at `old`.
    pub fn matches_with(
        &self,
        r: &dyn Record,
        old: Option<&dyn Record>,
        store: &Store,
        lookups: &Lookups,
    ) -> StoreResult<bool> {
        Ok(match self {
            Pred::And(parts) => {
                for p in parts {
                    if !p.matches_with(r, old, store, lookups)? {
                        return Ok(false);
                    }
                }
                true
            }
            Pred::Or(parts) => {
                for p in parts {
                    if p.matches_with(r, old, store, lookups)? {
                        return Ok(true);
                    }
                }
                false
            }
            Pred::Not(p) => !p.matches_with(r, old, store, lookups)?,
            Pred::Key(t) => t.holds(&Value::Text(r.key().to_string()), &FieldKind::Text),
            Pred::Field(i, t) => t.holds(&r.get(*i), &r.def().fields[*i].kind),
            Pred::Line(i, sub, t) => {
                let kind = line_kind(r.def(), *i, *sub);
                match r.get(*i) {
                    Value::Lines(rows) => rows
                        .iter()
                        .any(|row| row.get(*sub).is_some_and(|v| t.holds(v, &kind))),
                    _ => false,
                }
            }
            Pred::AnyText(needle) => any_text(r, needle),
            Pred::KeyIn(keys) => keys.contains(r.key()),
            Pred::Via {
                field,
                target,
                inner,
            } => match r.get(*field) {
                Value::Text(key) => match lookups.get(store, target, &key)? {
                    Some(other) => inner.matches(other.as_ref(), store, lookups)?,
                    None => false,
                },
                _ => false,
            },
            Pred::Changed(fields) => match old {
                Some(o) => fields.iter().any(|&i| r.get(i) != o.get(i)),
                None => fields.iter().any(|&i| !r.get(i).is_empty()),
            },
            Pred::Was(inner) => match old {
                Some(o) => inner.matches(o, store, lookups)?,
                None => false,
            },
            Pred::Followed(field) => followed(r, *field, store, lookups)?,
        })
    }

    /// What the key alone tells: Some(result) when the predicate can be decided
    /// without the record, None when it needs it.
    pub fn on_key(&self, key: &str) -> Option<bool> {
        match self {
            Pred::And(parts) => {
                let mut all = Some(true);
                for p in parts {
                    match p.on_key(key) {
                        Some(false) => return Some(false),
                        None => all = None,
                        Some(true) => {}
                    }
                }
                all
            }
            Pred::Or(parts) => {
                let mut any = Some(false);
                for p in parts {
                    match p.on_key(key) {
                        Some(true) => return Some(true),
                        None => any = None,
                        Some(false) => {}
                    }
                }
                any
            }
            Pred::Not(p) => p.on_key(key).map(|b| !b),
            Pred::Key(t) => Some(t.holds(&Value::Text(key.to_string()), &FieldKind::Text)),
            Pred::KeyIn(keys) => Some(keys.contains(key)),
            // The fields, another record, the record before the change: not the key.
            Pred::Field(..)
            | Pred::AnyText(_)
            | Pred::Via { .. }
            | Pred::Changed(_)
            | Pred::Was(_)
            | Pred::Followed(_)
            | Pred::Line(..) => None,
        }
    }
}

/// Whether another record of `r`'s entity that names `r`'s party (its first filled-in
/// reference to a reverse-indexed record: the contact before the company) has a
/// later `field`. A record without the date is followed by nothing. Each party's
/// latest date is read once per run.
fn followed(r: &dyn Record, field: usize, store: &Store, lookups: &Lookups) -> StoreResult<bool> {
    let def = r.def();
    let mine = r.get(field);
    if mine.is_empty() {
        return Ok(false);
    }
    let party = def
        .fields
        .iter()
        .enumerate()
        .find_map(|(i, f)| match f.kind {
            FieldKind::Ref(t) if crate::store::index::is_reverse_indexed(t) => match r.get(i) {
                Value::Text(k) if !k.is_empty() => crate::model::entity(t).map(|d| (d, k)),
                _ => None,
            },
            _ => None,
        });
    let Some((target, key)) = party else {
        return Ok(false);
    };
    let probe: Party = (def.name, target.name, key, field);
    if let Some(latest) = lookups.latest.borrow().get(&probe) {
        return Ok(super::compare_values(latest, &mine).is_gt());
    }
    let mut latest = Value::Empty;
    for other in store.keys_naming(target, &probe.2, def)? {
        if let Some(o) = store.get(def, &other)? {
            let theirs = o.get(field);
            if latest.is_empty() || super::compare_values(&theirs, &latest).is_gt() {
                latest = theirs;
            }
        }
    }
    let followed = !latest.is_empty() && super::compare_values(&latest, &mine).is_gt();
    lookups.latest.borrow_mut().insert(probe, latest);
    Ok(followed)
}

fn any_text(r: &dyn Record, needle: &str) -> bool {
    if contains_folded(r.key(), needle) {
        return true;
    }
    r.def().fields.iter().enumerate().any(|(i, f)| {
        matches!(
            f.kind,
            FieldKind::Text | FieldKind::Multiline | FieldKind::Email
        ) && matches!(r.get(i), Value::Text(s) if contains_folded(&s, needle))
    })
}

/// Whether `text`, folded, contains the folded `needle`; ASCII text (most of it)
/// is compared in place, without folding a copy.
fn contains_folded(text: &str, needle: &str) -> bool {
    if text.is_ascii() {
        let (h, n) = (text.as_bytes(), needle.as_bytes());
        return n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    fold(text).contains(needle)
}

impl Test {
    pub fn holds(&self, v: &Value, kind: &FieldKind) -> bool {
        match (self, v) {
            (Test::Empty, v) => v.is_empty(),
            (_, Value::Empty) => false,
            (Test::Contains(n), Value::Text(s)) => contains_folded(s, n),
            (Test::Contains(n), Value::Lines(_)) => {
                fold(&format_value(kind, v)).contains(n.as_str())
            }
            (Test::TextEq(n), Value::Text(s)) => fold(s) == *n,
            (Test::Code(c), Value::Text(s)) => s.eq_ignore_ascii_case(c),
            (Test::Code(c), Value::List(items)) => items.iter().any(|s| s.eq_ignore_ascii_case(c)),
            (Test::Bool(b), Value::Bool(x)) => b == x,
            (Test::Cmp(op, s), v) => compare(v, s).is_some_and(|o| match op {
                Op::Lt => o.is_lt(),
                Op::Le => o.is_le(),
                Op::Gt => o.is_gt(),
                Op::Ge => o.is_ge(),
                _ => o.is_eq(),
            }),
            (Test::Range(lo, hi), v) => {
                lo.is_none_or(|lo| compare(v, &lo).is_some_and(|o| o.is_ge()))
                    && hi.is_none_or(|hi| compare(v, &hi).is_some_and(|o| o.is_le()))
                    && (lo.is_some() || hi.is_some())
            }
            _ => false,
        }
    }
}

/// How a record's value orders against a query's; None when they do not compare
/// (another currency, another type).
fn compare(v: &Value, s: &Scalar) -> Option<std::cmp::Ordering> {
    match (v, s) {
        (Value::Int(a), Scalar::Int(b)) => Some(a.cmp(b)),
        (Value::Money(m), Scalar::Money(cents, currency)) => {
            if currency.is_some_and(|c| c != m.currency) {
                None
            } else {
                Some(m.cents.cmp(cents))
            }
        }
        (Value::Date(d), Scalar::Date(b)) => Some(d.cmp(b)),
        (Value::DateTime(d), Scalar::Date(b)) => Some(d.date().cmp(b)),
        _ => None,
    }
}
