//! The query language: the parser on token soup, deep nesting and long text; the
//! planner and evaluator on well-formed queries over a small demo database.

use proptest::prelude::*;
use termcrm::model::{entity, EntityDef, FieldKind, ENTITIES};
use termcrm::query::{select, Env, Query};

use crate::gen::{grammar, nested, number, NASTY};
use crate::{args, fuzz, text, Ctx, Outcome};

const WORDS: &[&str] = &[
    ":",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "..",
    " ",
    " ",
    " ",
    "(",
    ")",
    "\"",
    "\\\"",
    "AND",
    "OR",
    "NOT",
    "-",
    "and",
    "has:",
    "no:",
    "changed:",
    "was.",
    ".",
    ",",
    "me",
    "current",
    "today",
    "today+30d",
    "-1w",
    "+2m",
    "this_month",
    "last_year",
    "next_quarter",
    "\"\"",
    "10000",
    "\"10.000,00 EUR\"",
    "1000..5000",
    "..5",
    "5..",
    "open",
    "won",
    "yes",
    "*",
    "OPP0000001",
    "NORD",
    "müller",
    "Straße",
    "meaning",
    "sequence",
];

fn def(name: &str) -> &'static EntityDef {
    entity(name).unwrap_or_else(|| panic!("no entity {name}"))
}

/// Tokens of queries over `def`: its fields, other entities' names, operators
/// and values.
fn tokens(def: &'static EntityDef) -> Vec<&'static str> {
    let mut t: Vec<&'static str> = def.fields.iter().map(|f| f.name).collect();
    t.extend(ENTITIES.iter().map(|d| d.name));
    t.extend(WORDS);
    t
}

fn values(kind: &FieldKind) -> Vec<&'static str> {
    match kind {
        FieldKind::Money => vec!["10000", "\"1.234,56 EUR\"", "0.001", "10 USD", "XYZ", "-5"],
        FieldKind::Date | FieldKind::DateTime => {
            vec![
                "today",
                "+7d",
                "-99999999d",
                "this_month",
                "2026-12-01",
                "+4294967297m",
            ]
        }
        FieldKind::Int | FieldKind::Percent => vec!["0", "50", "-1", "99999999999999999999"],
        FieldKind::Bool => vec!["yes", "no", "maybe"],
        FieldKind::Choice(options) => options.to_vec(),
        FieldKind::Ref(_) | FieldKind::RefList(_) => vec!["NORD", "me", "current", "OPP0000001"],
        _ => vec!["müller", "\"two words\"", "\"\"", "a"],
    }
}

/// One condition of `def`: `field OP value`, a word, `has:`/`no:`, `ref.field:v`.
fn condition(def: &'static EntityDef) -> BoxedStrategy<String> {
    let field = prop::sample::select(def.fields.iter().collect::<Vec<_>>());
    let op = prop::sample::select(vec![":", "=", "!=", "<", "<=", ">", ">=", ":..", ":1.."]);
    let plain = (field, op, any::<prop::sample::Index>()).prop_map(|(f, op, i)| {
        let vs = values(&f.kind);
        format!("{}{op}{}", f.name, vs[i.index(vs.len())])
    });
    let others = prop::sample::select(
        ENTITIES
            .iter()
            .flat_map(|d| [format!("has:{}", d.name), format!("no:{}", d.name)])
            .collect::<Vec<_>>(),
    );
    prop_oneof![
        6 => plain,
        1 => prop::sample::select(vec!["müller", "\"Neue Montagelinie\"", "x", "NORD"]).prop_map(str::to_string),
        1 => others,
        1 => Just("status.meaning:open".to_string()),
        1 => Just("has:opportunity(status.meaning:open)".to_string()),
        1 => Just("prospect.city:hamburg".to_string()),
    ]
    .boxed()
}

/// Well-formed queries of `def`: conditions joined, negated and grouped.
fn query_of(def: &'static EntityDef) -> BoxedStrategy<String> {
    condition(def)
        .prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.join(" ")),
                prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" OR ")),
                inner.clone().prop_map(|q| format!("NOT {q}")),
                inner.clone().prop_map(|q| format!("-{q}")),
                inner.prop_map(|q| format!("({q})")),
            ]
        })
        .boxed()
}

fn entity_names() -> Vec<&'static str> {
    ENTITIES.iter().map(|d| d.name).collect()
}

/// Any text as a query of an entity: soup, nesting, and well-formed queries.
fn query_input() -> BoxedStrategy<Vec<Vec<u8>>> {
    prop::sample::select(entity_names())
        .prop_flat_map(|e| {
            let d = def(e);
            let soup = grammar(tokens(d), 16);
            let text = prop_oneof![
                4 => soup.clone(),
                2 => query_of(d),
                1 => nested("(", ")", soup.clone()),
                1 => nested("NOT ", "", soup.clone()),
                1 => nested("-", "", query_of(d)),
                1 => nested("has:opportunity(", ")", Just("x".to_string()).boxed()),
                1 => (number(), prop::sample::select(NASTY)).prop_map(|(n, c)| format!("amount>{n}{c}")),
            ];
            text.prop_map(move |q| args(vec![e.to_string(), q]))
        })
        .boxed()
}

fn env() -> Env {
    Env {
        me: Some("AMUELLER".into()),
        user: "anja".into(),
        ..Env::now()
    }
}

pub fn query(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let def = def(text(&a[0]));
    let q = text(&a[1]);
    Query::parse(q, def).map_err(|e| e.to_string())?;
    if let Err(e) = Query::parse_rule(q, def) {
        crate::assert_message(&e.to_string());
    }
    Ok(())
}

/// Parsed, compiled for today and "me", and run through the planner.
pub fn plan(ctx: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let def = def(text(&a[0]));
    let q = Query::parse(text(&a[1]), def).map_err(|e| e.to_string())?;
    let store = ctx.store();
    let compiled = q.compile(store, &env()).map_err(|e| e.to_string())?;
    compiled.access().map_err(|e| e.to_string())?;
    select(&compiled, Some(50)).map_err(|e| e.to_string())?;
    Ok(())
}

#[test]
fn queries_parse_or_refuse_with_a_column() {
    let ctx = Ctx::default();
    fuzz(&ctx, "query", query, 2000, query_input());
}

#[test]
fn the_planner_runs_every_query_that_parses() {
    let ctx = Ctx::default();
    let main = [
        "opportunity",
        "prospect",
        "lead",
        "competitor",
        "quote",
        "sales_contact",
    ];
    let input = prop::sample::select(main.to_vec())
        .prop_flat_map(|e| query_of(def(e)).prop_map(move |q| args(vec![e.to_string(), q])))
        .boxed();
    fuzz(&ctx, "plan", plan, 300, input);
}
