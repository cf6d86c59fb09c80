//! The value parsers: money, dates and offsets, every field kind through
//! `parse_value` and validation, `field=value` as `crm add`/`set` read it, and
//! quote lines in their pipe form.

use chrono::NaiveDate;
use proptest::prelude::*;
use termcrm::model::assign::{apply, split_assignment};
use termcrm::model::validate::validate;
use termcrm::model::value::{parse_date, parse_datetime, parse_value_at};
use termcrm::model::{entity, EntityDef, FieldKind, Money, Record, Value, ENTITIES};
use termcrm::store::StoreError;

use crate::gen::{grammar, number};
use crate::{args, fuzz, text, Ctx, Outcome};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date")
}

const MONEY: &[&str] = &[
    "0", "1", "5", "12", "123", "1234", "1.234", "1,234", "1.234,56", "1,234.56", "0.001", "0.5",
    ".", ",", " ", "-", "+", "€", "$", "£", "EUR", "USD", "JPY", "KWD", "CHF", "XYZ", "eur", "usd",
    "Eur", "ABC", "E", "EU", "EURO", "00", "000", "_", "'", "e3", "1e9", "€5", "ü12", "٣",
];

const DATES: &[&str] = &[
    "today",
    "heute",
    "tomorrow",
    "morgen",
    "yesterday",
    "gestern",
    "now",
    "jetzt",
    "+",
    "-",
    "d",
    "w",
    "m",
    "y",
    "t",
    "j",
    "x",
    "D",
    "M",
    "2026-12-01",
    "01.12.2026",
    "20261201",
    "12/01/2026",
    "0000-01-01",
    "9999-12-31",
    "2026-02-30",
    "-2026-01-01",
    " ",
    "T",
    ":",
    "14:30",
    "24:00",
    ".",
    "/",
    "today+",
    "today-",
    "+7d",
    "-2w",
    "+1m",
    "+1y",
    "+99999999d",
    "+9999999999w",
    "+4294967297m",
    "+36500d",
    "+1200m",
    "-100y",
];

const INTS: &[&str] = &[
    "0",
    "1",
    "-1",
    "+1",
    "-",
    "+",
    "_",
    "'",
    "%",
    "1_000",
    "1'000",
    "1.5",
    "1,5",
    "1e3",
    " ",
    "-0",
    "100",
    "101",
    "٣",
    "５",
    "0x10",
    "-9223372036854775808",
    "9223372036854775807",
];

const BOOLS: &[&str] = &[
    "yes", "no", "y", "n", "true", "false", "1", "0", "x", "ja", "nein", "j", "on", "off", "-",
    "YES", "maybe", "jа",
];

const KEYS: &[&str] = &[
    "OPP0000001",
    "PRO0000001",
    "CUS0000001",
    "NORD",
    "SUED",
    "AMUELLER",
    "EUR",
    "ITEM1",
    ",",
    ";",
    " ",
    "opp",
    "-",
    "_",
    "KEY",
];

const LINES: &[&str] = &[
    "|", "|", "|", ";", ";", "ITEM", "ITEM1", "2", "0", "-1", "10.00", "1.234,56", "0.001", "EUR",
    "comment", "\\n", " ", "+7d", "yes",
];

const TEXT: &[&str] = &[
    "Müller", "GmbH", "a", "@", "x@y.de", "\\n", " ", "&", "Straße",
];

/// The tokens of a field kind's values.
fn tokens(kind: &FieldKind) -> Vec<&'static str> {
    let mut t: Vec<&'static str> = match kind {
        FieldKind::Money => MONEY.to_vec(),
        FieldKind::Date | FieldKind::DateTime => DATES.to_vec(),
        FieldKind::Int | FieldKind::Percent => INTS.to_vec(),
        FieldKind::Bool => BOOLS.to_vec(),
        FieldKind::Choice(options) => options.to_vec(),
        FieldKind::Ref(_) | FieldKind::RefList(_) => KEYS.to_vec(),
        FieldKind::Lines(def) => {
            let mut t = LINES.to_vec();
            for f in def.fields {
                t.extend(tokens(&f.kind));
            }
            t
        }
        FieldKind::Text | FieldKind::Multiline | FieldKind::Email => TEXT.to_vec(),
    };
    t.extend(["", " "]);
    t
}

/// An entity, one of its fields, and text for it.
fn field_input() -> BoxedStrategy<Vec<Vec<u8>>> {
    let fields: Vec<(&'static str, &'static str, &'static FieldKind)> = ENTITIES
        .iter()
        .flat_map(|d| d.fields.iter().map(move |f| (d.name, f.name, &f.kind)))
        .collect();
    prop::sample::select(fields)
        .prop_flat_map(|(e, f, kind)| {
            grammar(tokens(kind), 12).prop_map(move |v| args(vec![e.to_string(), f.to_string(), v]))
        })
        .boxed()
}

fn def(name: &str) -> &'static EntityDef {
    entity(name).unwrap_or_else(|| panic!("no entity {name}"))
}

/// A refusal of a record as the server words it.
fn invalid(def: &EntityDef, field: &str, value: &str, message: String) -> String {
    StoreError::invalid(def.name, "", field, value, message).to_string()
}

pub fn money(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    Money::parse(text(&a[0])).map(|_| ())
}

pub fn date(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let t = text(&a[0]);
    let d = parse_date(t, today()).map(|_| ());
    let dt = parse_datetime(t, today()).map(|_| ());
    if let Err(e) = &dt {
        crate::assert_message(e);
    }
    d
}

/// `entity field value`: the value parsed by its kind, set, and the record checked.
pub fn field(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let def = def(text(&a[0]));
    let name = text(&a[1]);
    let value = text(&a[2]);
    let index = def
        .field_index(name)
        .unwrap_or_else(|| panic!("{} has no field {name}", def.name));
    let f = &def.fields[index];
    let parsed = parse_value_at(&f.kind, value, today())?;
    let mut record = (def.new_record)();
    record
        .set(index, parsed)
        .map_err(|e| invalid(def, f.name, value, e))?;
    verdict(record.as_mut(), &[f.name])
}

/// A plain valid value of a kind, for the fields a test does not look at.
fn sample(kind: &FieldKind) -> Value {
    match kind {
        FieldKind::Text | FieldKind::Multiline => Value::Text("x".into()),
        FieldKind::Email => Value::Text("a@example.de".into()),
        FieldKind::Int => Value::Int(1),
        FieldKind::Percent => Value::Int(50),
        FieldKind::Money => Value::Money(Money::eur(100)),
        FieldKind::Date => Value::Date(today()),
        FieldKind::DateTime => Value::DateTime(today().and_hms_opt(9, 0, 0).expect("a time")),
        FieldKind::Bool => Value::Bool(true),
        FieldKind::Choice(options) => Value::Text(options[0].to_string()),
        FieldKind::Ref(_) => Value::Text("X".into()),
        FieldKind::RefList(_) => Value::List(vec!["X".into()]),
        FieldKind::Lines(_) => Value::Empty,
    }
}

/// The record validated with every other field made valid: a refusal of one of
/// `fields` (or of the key) is the verdict; one that no plain value of the other
/// fields lifts is none.
fn verdict(record: &mut dyn Record, fields: &[&str]) -> Outcome {
    let def = record.def();
    let mut filled: Vec<&str> = Vec::new();
    loop {
        let e = match validate(&*record) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        if fields.contains(&e.field) || e.field == "key" {
            return Err(invalid(def, e.field, &e.value, e.message));
        }
        let Some(i) = def
            .field_index(e.field)
            .filter(|_| !filled.contains(&e.field))
        else {
            return Ok(());
        };
        filled.push(e.field);
        if record.set(i, sample(&def.fields[i].kind)).is_err() {
            return Ok(());
        }
    }
}

/// `entity field=value …` as `crm add` reads its arguments.
pub fn assign(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let def = termcrm::model::entity_or_suggest(text(&a[0]))?;
    let mut pairs = Vec::new();
    for arg in &a[1..] {
        pairs.push(split_assignment(text(arg))?);
    }
    let mut record = (def.new_record)();
    apply(record.as_mut(), &pairs).map_err(|e| {
        format!(
            "{} (new): {} = '{}': {}",
            def.name,
            termcrm::util::excerpt(&e.field),
            termcrm::util::excerpt(&e.value),
            e.message
        )
    })?;
    let touched: Vec<&str> = pairs.iter().map(|(f, _)| *f).collect();
    verdict(record.as_mut(), &touched)
}

/// Quote lines in their pipe form: `ITEM|qty|price|…;…`.
pub fn quote_lines(ctx: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let lines = text(&a[0]);
    field(
        ctx,
        &args(vec!["quote".into(), "lines".into(), lines.into()]),
    )
}

fn assign_input() -> BoxedStrategy<Vec<Vec<u8>>> {
    let names: Vec<&'static str> = ENTITIES.iter().map(|d| d.name).collect();
    prop::sample::select(names)
        .prop_flat_map(|e| {
            let d = def(e);
            let mut t: Vec<&'static str> = d.fields.iter().map(|f| f.name).collect();
            t.extend(["key", "=", "==", " ", "amount", "employees", "qty"]);
            for f in d.fields {
                t.extend(tokens(&f.kind));
            }
            prop::collection::vec(grammar(t, 8), 1..4).prop_map(move |mut v| {
                v.insert(0, e.to_string());
                args(v)
            })
        })
        .boxed()
}

#[test]
fn money_never_panics_and_refuses_in_one_short_line() {
    let ctx = Ctx::default();
    let amounts = prop_oneof![
        3 => grammar(MONEY.to_vec(), 10),
        1 => (number(), prop::sample::select(vec![".", ","]), number())
            .prop_map(|(a, s, b)| format!("{a}{s}{b}")),
    ];
    fuzz(
        &ctx,
        "money",
        money,
        2000,
        amounts.prop_map(|m| args(vec![m])),
    );
}

#[test]
fn dates_and_offsets_never_panic() {
    let ctx = Ctx::default();
    let dates = prop_oneof![
        3 => grammar(DATES.to_vec(), 6),
        2 => (prop::sample::select(vec!["+", "-", "today+", "heute-"]), number(),
              prop::sample::select(vec!["", "d", "w", "m", "y", "t", "j", "q", "ü"]))
            .prop_map(|(s, n, u)| format!("{s}{n}{u}")),
    ];
    fuzz(&ctx, "date", date, 2000, dates.prop_map(|d| args(vec![d])));
}

#[test]
fn every_field_kind_parses_or_refuses_in_one_short_line() {
    let ctx = Ctx::default();
    fuzz(&ctx, "field", field, 3000, field_input());
}

#[test]
fn field_assignments_as_the_command_line_reads_them() {
    let ctx = Ctx::default();
    fuzz(&ctx, "assign", assign, 1500, assign_input());
}

#[test]
fn quote_lines_in_pipe_form() {
    let ctx = Ctx::default();
    let lines = grammar(
        tokens(&def("quote").fields[def("quote").field_index("lines").unwrap()].kind),
        30,
    );
    fuzz(
        &ctx,
        "quote_lines",
        quote_lines,
        1500,
        lines.prop_map(|l| args(vec![l])),
    );
}
