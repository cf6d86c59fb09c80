//! Tests of value parsing and formatting.

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
    // Two decimal marks, or groups not of three, are not an amount.
    assert!(Money::parse("1,2,3.4.5").is_err());
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

fn money_err(text: &str) -> String {
    Money::parse(text).expect_err(text)
}

#[test]
fn money_starting_with_a_non_ascii_character_is_refused_not_a_panic() {
    for text in ["€5", "ü12", "٣٤", "5ü", "€", "12 €UR", "١٢٣٤٥٦"] {
        let e = money_err(text);
        assert!(e.contains(text), "{text}: {e}");
        assert!(e.contains("1234.56"), "says what to write: {e}");
    }
    // A trailing euro sign is still the euro.
    assert_eq!(Money::parse("5€").unwrap(), Money::eur(500));
}

#[test]
fn money_without_digits_is_refused() {
    for text in [",", ".", "-", "-,", ",.", "EUR", "EUR ,"] {
        let e = money_err(text);
        assert!(e.contains("not an amount"), "{text}: {e}");
    }
    assert!(parse_value(&FieldKind::Money, ",").is_err());
    assert!(parse_value(&FieldKind::Money, ".").is_err());
    // A decimal mark needs digits after it.
    assert!(money_err("5.").contains("5.00"));
    assert!(Money::parse("1.234,").is_err());
    assert_eq!(Money::parse(".5").unwrap(), Money::eur(50));
}

#[test]
fn more_decimals_than_the_currency_has_are_refused() {
    assert!(money_err("0.001").starts_with("'0.001': EUR has 2 decimals: write at most 2"));
    assert!(money_err("0,001").starts_with("'0,001': EUR has 2 decimals"));
    assert!(money_err("1234.567").contains("EUR has 2 decimals"));
    assert!(money_err("1.234,567").contains("EUR has 2 decimals"));
    assert!(money_err("5.5 JPY").contains("JPY has no decimals"));
    // Zeros past the currency's decimals change nothing.
    assert_eq!(Money::parse("1.500").unwrap(), Money::eur(150_000));
    assert_eq!(Money::parse("2.10 CHF").unwrap().cents, 210);
    let yen = Money::parse("100.00 JPY").unwrap();
    assert_eq!((yen.cents, yen.currency.as_str()), (10_000, "JPY"));
    assert_eq!(Money::parse("1.000 JPY").unwrap().cents, 100_000);
}

#[test]
fn german_and_english_separators_are_read_unambiguously() {
    // German: dots group thousands, the comma is the decimal mark.
    assert_eq!(Money::parse("1.234,56").unwrap().cents, 123_456);
    assert_eq!(Money::parse("1.234.567,8").unwrap().cents, 123_456_780);
    assert_eq!(Money::parse("12,5").unwrap().cents, 1_250);
    // English: commas group thousands, the dot is the decimal mark.
    assert_eq!(Money::parse("1,234.56").unwrap().cents, 123_456);
    assert_eq!(Money::parse("1,234,567.8").unwrap().cents, 123_456_780);
    assert_eq!(Money::parse("12.5").unwrap().cents, 1_250);
    // One separator before three digits groups thousands, in either convention.
    assert_eq!(Money::parse("1.234").unwrap().cents, 123_400);
    assert_eq!(Money::parse("1,234").unwrap().cents, 123_400);
    // Groups must be of three; the decimal mark appears once.
    assert!(money_err("1.23.456").contains("groups of three"));
    assert!(money_err("1,2345.6").contains("groups of three"));
    assert!(money_err("1.234.56,7").contains("groups of three"));
    assert!(money_err("1.234,56,7").contains("appears twice"));
    // What an amount prints reads back as itself.
    for cents in [0, 5, -5, 123_456, i64::MAX, i64::MIN + 1] {
        let m = Money::eur(cents);
        assert_eq!(Money::parse(&m.to_string()).unwrap(), m, "{m}");
    }
    assert!(money_err("92233720368547758.08").contains("too large"));
}

#[test]
fn currencies_are_iso_codes_with_their_decimals() {
    let e = money_err("10 XYZ");
    assert!(e.contains("XYZ") && e.contains("ISO 4217"), "{e}");
    assert!(money_err("XYZ 10").contains("XYZ"));
    assert!(money_err("10 KWD").contains("three decimals"));
    for code in [
        "EUR", "USD", "GBP", "CHF", "JPY", "CNY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "AUD",
        "CAD", "NZD", "SGD", "HKD", "INR", "BRL", "MXN", "ZAR", "TRY", "RUB", "KRW",
    ] {
        let m = Money::parse(&format!("10 {code}")).unwrap();
        assert_eq!((m.cents, m.currency.as_str()), (1_000, code));
        let lower = Money::parse(&format!("{} 10", code.to_lowercase())).unwrap();
        assert_eq!(lower.currency.as_str(), code);
    }
    assert_eq!(Currency::parse("jpy").unwrap().decimals(), 0);
    assert_eq!(Currency::parse("KRW").unwrap().decimals(), 0);
    assert_eq!(Currency::EUR.decimals(), 2);
    assert_eq!(Currency::parse("XYZ"), None);
    assert!(Currency::lookup("EU")
        .unwrap_err()
        .contains("three letters"));
}

#[test]
fn money_adds_up_checked() {
    let max = Money::eur(i64::MAX);
    let e = max.checked_add(Money::eur(1)).unwrap_err();
    assert!(e.contains("exceeds the largest amount"), "{e}");
    assert!(Money::eur(1)
        .checked_add(Money::new(1, Currency::USD))
        .is_err());
    assert_eq!(
        Money::eur(1).checked_add(Money::eur(-3)),
        Ok(Money::eur(-2))
    );
}

#[test]
fn a_sign_alone_or_after_today_is_refused_not_a_panic() {
    let t = d("2026-01-31");
    for text in [
        "+", "-", "today+", "today-", "heute+", "+d", "-w", "+-3d", "++3", "+3ü",
    ] {
        let e = parse_date(text, t).expect_err(text);
        assert!(e.contains(text), "{text}: {e}");
        assert!(parse_value_at(&FieldKind::Date, text, t).is_err());
        assert!(parse_value_at(&FieldKind::DateTime, text, t).is_err());
    }
    assert!(parse_date("+", t).unwrap_err().contains("+7d"));
    assert_eq!(parse_date("today+7d", t).unwrap(), d("2026-02-07"));
    assert_eq!(parse_date("TODAY-1w", t).unwrap(), d("2026-01-24"));
}

#[test]
fn date_offsets_are_bounded_to_about_a_century() {
    let t = d("2026-01-31");
    for text in [
        "+99999999d",
        "+9999999999w",
        "-9999999999w",
        "+4294967297m",
        "-4294967297m",
        "+99999999999999999999y",
        "+36501d",
        "+5215w",
        "+1201m",
        "+101y",
        "-101y",
    ] {
        let e = parse_date(text, t).expect_err(text);
        assert!(
            e.contains("reaches too far") && e.contains("36500d"),
            "{text}: {e}"
        );
        let e = parse_datetime(text, t).expect_err(text);
        assert!(e.contains("reaches too far"), "{text}: {e}");
    }
    assert_eq!(parse_date("+36500d", t).unwrap(), d("2126-01-07"));
    assert_eq!(parse_date("-100y", t).unwrap(), d("1926-01-31"));
    assert_eq!(parse_date("+1200m", t).unwrap(), d("2126-01-31"));
    assert!(parse_date("+5214w", t).is_ok());
}

#[test]
fn whole_numbers_and_percentages_say_what_to_write() {
    let e = parse_value(&FieldKind::Int, "12a").unwrap_err();
    assert!(e.contains("'12a'") && e.contains("42"), "{e}");
    let e = parse_value(&FieldKind::Int, "99999999999999999999").unwrap_err();
    assert!(e.contains("too large"), "{e}");
    assert!(parse_value(&FieldKind::Int, "_").is_err());
    assert_eq!(
        parse_value(&FieldKind::Int, "1_000").unwrap(),
        Value::Int(1000)
    );
    let e = parse_value(&FieldKind::Percent, "%").unwrap_err();
    assert!(e.contains("'%'") && e.contains("0 to 100"), "{e}");
    assert_eq!(
        parse_value(&FieldKind::Percent, "75 %").unwrap(),
        Value::Int(75)
    );
}

#[test]
fn negative_counts_and_amounts_are_refused_by_declaration() {
    use crate::model::quote::QuoteLine;
    use crate::model::validate::validate;
    use crate::model::{Customer, Entity, Opportunity, Quote};
    let amount = FieldDef::money("amount", "Amount", "Betrag");
    let e = amount.sign_error(&Value::Money(Money::eur(-500))).unwrap();
    assert_eq!(
        e,
        "amount cannot be negative (-5.00 EUR); credit notes are not supported"
    );
    assert_eq!(amount.sign_error(&Value::Money(Money::eur(0))), None);
    assert_eq!(
        amount.signed().sign_error(&Value::Money(Money::eur(-500))),
        None
    );
    let qty = FieldDef::int("qty", "Quantity", "Menge");
    assert!(qty.sign_error(&Value::Int(-1)).unwrap().contains("(-1)"));

    let opp = Opportunity {
        description: "Ersatzteile".into(),
        amount: Some(Money::eur(-500)),
        ..Default::default()
    };
    let e = validate(&opp).unwrap_err();
    assert_eq!((e.field, e.value.as_str()), ("amount", "-5.00 EUR"));
    assert!(e.message.contains("credit notes"), "{}", e.message);
    let employees = Customer::DEF.field("employees").unwrap();
    assert!(employees.sign_error(&Value::Int(-3)).is_some());
    let q = Quote {
        lines: vec![QuoteLine {
            item: "A".into(),
            qty: Some(-2),
            unit_price: Some(Money::eur(100)),
            discount: None,
        }],
        ..Default::default()
    };
    let e = validate(&q).unwrap_err();
    assert!(
        e.message.starts_with("line 1: qty cannot be negative"),
        "{}",
        e.message
    );
    // Every integer and money field of the model is unsigned.
    for def in crate::model::ENTITIES {
        for f in def.fields {
            assert!(!f.signed, "{}.{}", def.name, f.name);
        }
    }
}
