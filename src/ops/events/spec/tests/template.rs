//! Templates: their placeholders, their errors, and what they render for a real
//! opportunity.

use super::{assert_err, d, opp};
use crate::model::{Money, Opportunity, Record};
use crate::ops::events::spec::{RenderCtx, Template};

fn deal() -> Opportunity {
    Opportunity {
        key: "OPP0000042".into(),
        description: "Big deal".into(),
        stage: "WON".into(),
        amount: Some(Money::eur(123_456)),
        expected_close: Some(d(2026, 3, 31)),
        probability: Some(100),
        competitors: vec!["ACME".into(), "GLOBEX".into()],
        ..Default::default()
    }
}

fn ctx() -> RenderCtx<'static> {
    RenderCtx {
        user: "alice",
        rule: "won-deals",
    }
}

fn render(text: &str, new: Option<&dyn Record>, old: Option<&dyn Record>) -> String {
    Template::parse(text, opp())
        .expect("a template")
        .render(new, old, &ctx())
}

#[test]
fn fields_and_specials_render() {
    let new = deal();
    let old = Opportunity {
        stage: "PROPOSAL".into(),
        probability: Some(60),
        ..deal()
    };
    assert_eq!(
        render(
            "{description}: {was.stage} -> {stage} ({was.probability}% -> {probability}%)",
            Some(&new),
            Some(&old)
        ),
        "Big deal: PROPOSAL -> WON (60% -> 100%)"
    );
    assert_eq!(
        render("{amount} by {expected_close}", Some(&new), None),
        "1234.56 EUR by 2026-03-31"
    );
    assert_eq!(
        render(
            "{entity} {key} changed by {user} ({rule})",
            Some(&new),
            None
        ),
        "Opportunity OPP0000042 changed by alice (won-deals)"
    );
    assert_eq!(
        render("against {competitors}", Some(&new), None),
        "against ACME,GLOBEX"
    );
    assert_eq!(render("{ Description }", Some(&new), None), "Big deal");
}

#[test]
fn empty_and_missing_values_render_empty() {
    let new = deal();
    assert_eq!(render("[{customer}]", Some(&new), None), "[]");
    assert_eq!(render("[{was.stage}]", Some(&new), None), "[]");
    assert_eq!(render("[{key}|{description}]", None, None), "[|]");
    assert_eq!(render("{entity}", None, None), "Opportunity");
}

#[test]
fn a_deleted_record_renders_from_old() {
    let old = deal();
    assert_eq!(
        render("{key} {description} was {was.stage}", None, Some(&old)),
        "OPP0000042 Big deal was WON"
    );
}

#[test]
fn braces_double_to_be_literal() {
    let new = deal();
    assert_eq!(
        render("{{stage}} is {{{stage}}}", Some(&new), None),
        "{stage} is {WON}"
    );
    assert_eq!(render("a } alone", Some(&new), None), "a } alone");
    assert_eq!(render("", Some(&new), None), "");
    let t = Template::parse("Hi {{x}} {stage}", opp()).unwrap();
    assert_eq!(t.text(), "Hi {{x}} {stage}");
}

#[test]
fn unknown_placeholders_are_errors() {
    let e = assert_err(
        Template::parse("Deal {descripton} won", opp()),
        0,
        6,
        "unknown placeholder {descripton}",
    );
    assert!(e.message.contains("did you mean {description}"), "{e}");
    let e = assert_err(Template::parse("{usr}", opp()), 0, 1, "unknown placeholder");
    assert!(e.message.contains("did you mean {user}"), "{e}");
    let e = assert_err(
        Template::parse("x {was.stge}", opp()),
        0,
        3,
        "opportunity has no field 'stge'",
    );
    assert!(e.message.contains("did you mean 'stage'"), "{e}");
    assert_err(Template::parse("hello {desc", opp()), 0, 7, "is not closed");
    assert_err(Template::parse("{a{stage}", opp()), 0, 1, "is not closed");
    assert_err(Template::parse("é {}", opp()), 0, 3, "empty placeholder");
}

#[test]
fn templates_compare_by_text_and_entity() {
    let a = Template::parse("{stage}", opp()).unwrap();
    assert_eq!(a, Template::parse("{stage}", opp()).unwrap());
    assert_ne!(a, Template::parse("{ stage }", opp()).unwrap());
}
