//! Validation that needs nothing but the record and its declaration: required
//! fields, ranges, shapes and cross-field rules. Reference checks need the store
//! and live there.

use super::schema::{Check, FieldKind, Record};
use super::value::{format_value, Value};

/// A rule a field's value breaks.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: &'static str,
    pub value: String,
    pub message: String,
}

/// The longest value of a single-line field (text, e-mail, a key it names, a
/// line's text), in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// The longest value of a multiline text field (notes), in characters.
pub const MAX_MULTILINE_CHARS: usize = 100_000;

/// "is too long" when some text of `value` is longer than `kind` allows.
fn too_long(kind: &FieldKind, value: &Value) -> Option<String> {
    let max = match kind {
        FieldKind::Multiline => MAX_MULTILINE_CHARS,
        _ => MAX_TEXT_CHARS,
    };
    let longest = match value {
        Value::Text(s) => s.chars().count(),
        Value::List(keys) => keys.iter().map(|k| k.chars().count()).max().unwrap_or(0),
        Value::Lines(lines) => lines
            .iter()
            .flatten()
            .map(|v| v.as_str().map_or(0, |s| s.chars().count()))
            .max()
            .unwrap_or(0),
        _ => 0,
    };
    (longest > max).then(|| format!("is too long: {longest} characters, at most {max}"))
}

/// Checks one record against its declaration; the first problem found is returned.
pub fn validate(record: &dyn Record) -> Result<(), FieldError> {
    let def = record.def();
    let key = record.key();
    let key_chars = key.chars().count();
    if key_chars > crate::store::MAX_KEY_CHARS {
        return Err(FieldError {
            field: "key",
            value: key.to_string(),
            message: format!(
                "the key is too long: {key_chars} characters, at most {}",
                crate::store::MAX_KEY_CHARS
            ),
        });
    }
    for (i, f) in def.fields.iter().enumerate() {
        let value = record.get(i);
        let err = |message: String| FieldError {
            field: f.name,
            value: format_value(&f.kind, &value),
            message,
        };
        if let Some(why) = too_long(&f.kind, &value) {
            return Err(err(format!("{} {why}", f.label_en)));
        }
        if f.required && value.is_empty() {
            return Err(err(format!("{} is required", f.label_en)));
        }
        if let Some(message) = f.sign_error(&value) {
            return Err(err(message));
        }
        match (&f.kind, &value) {
            (FieldKind::Percent, Value::Int(p)) if !(0..=100).contains(p) => {
                return Err(err(format!("{} must lie between 0 and 100", f.label_en)));
            }
            (FieldKind::Email, Value::Text(s)) if !is_email(s) => {
                return Err(err(format!(
                    "'{}' is not an e-mail address (name@example.com)",
                    crate::util::excerpt(s)
                )));
            }
            (FieldKind::Choice(options), Value::Text(s)) if !options.contains(&s.as_str()) => {
                return Err(err(format!("must be one of {}", options.join(", "))));
            }
            (FieldKind::Lines(line), Value::Lines(lines)) => {
                for (n, l) in lines.iter().enumerate() {
                    for (lf, lv) in line.fields.iter().zip(l) {
                        if lf.required && lv.is_empty() {
                            return Err(err(format!(
                                "line {}: {} is required",
                                n + 1,
                                lf.label_en
                            )));
                        }
                        if let Some(message) = lf.sign_error(lv) {
                            return Err(err(format!("line {}: {message}", n + 1)));
                        }
                        if let (FieldKind::Percent, Value::Int(p)) = (&lf.kind, lv) {
                            if !(0..=100).contains(p) {
                                return Err(err(format!(
                                    "line {}: {} must lie between 0 and 100",
                                    n + 1,
                                    lf.label_en
                                )));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for check in def.checks {
        match *check {
            Check::DateOrder(start, end) => {
                let (s, e) = (record.value(start), record.value(end));
                let before = match (&s, &e) {
                    (Value::Date(s), Value::Date(e)) => e < s,
                    (Value::DateTime(s), Value::DateTime(e)) => e < s,
                    _ => false,
                };
                if before {
                    let kind = &def.field(end).expect("checked field exists").kind;
                    return Err(FieldError {
                        field: end,
                        value: format_value(kind, &e),
                        message: format!("{end} lies before {start} ({})", format_value(kind, &s)),
                    });
                }
            }
            Check::OneOf(a, b) => {
                let (sa, sb) = (!record.value(a).is_empty(), !record.value(b).is_empty());
                if sa == sb {
                    return Err(FieldError {
                        field: if sa { b } else { a },
                        value: record.value(b).as_str().unwrap_or("").to_string(),
                        message: if sa {
                            format!(
                                "{a} and {b} are both set: it belongs to one of them; clear one"
                            )
                        } else {
                            format!("it belongs to {a} or a {b}: set one of them", a = an(a))
                        },
                    });
                }
            }
            Check::NotBoth(a, b) => {
                if !record.value(a).is_empty() && !record.value(b).is_empty() {
                    return Err(FieldError {
                        field: b,
                        value: record.value(b).as_str().unwrap_or("").to_string(),
                        message: format!("a {} names a {a} or a {b}, not both", def.name),
                    });
                }
            }
        }
    }
    Ok(())
}

/// "an opportunity", "a lead".
fn an(word: &str) -> String {
    let vowel = word.starts_with(|c: char| "aeiou".contains(c));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

/// A plausible e-mail address: one @, a non-empty local part, a dotted domain.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Money, Opportunity, Record};

    fn opportunity() -> Opportunity {
        Opportunity {
            description: "Ersatzteile".into(),
            amount: Some(Money::eur(10_000)),
            ..Default::default()
        }
    }

    #[test]
    fn required_percent_and_exclusive_fields() {
        assert!(validate(&opportunity()).is_ok());
        let mut o = opportunity();
        o.description.clear();
        assert_eq!(validate(&o).unwrap_err().field, "description");
        let mut o = opportunity();
        o.probability = Some(150);
        let e = validate(&o).unwrap_err();
        assert_eq!((e.field, e.value.as_str()), ("probability", "150"));
        let mut o = opportunity();
        o.customer = "CUS0000001".into();
        o.prospect = "PRO0000001".into();
        assert_eq!(validate(&o).unwrap_err().field, "prospect");
        assert_eq!(o.def().name, "opportunity");
    }

    #[test]
    fn overlong_text_keys_and_notes_are_refused_naming_the_field() {
        let mut o = opportunity();
        o.description = "x".repeat(MAX_TEXT_CHARS);
        o.notes = "y\n".repeat(MAX_MULTILINE_CHARS / 2);
        assert!(validate(&o).is_ok());
        o.description.push('x');
        let e = validate(&o).unwrap_err();
        assert_eq!(e.field, "description");
        assert!(
            e.message
                .contains("too long: 10001 characters, at most 10000"),
            "{}",
            e.message
        );
        let mut o = opportunity();
        o.notes = "y".repeat(MAX_MULTILINE_CHARS + 1);
        assert_eq!(validate(&o).unwrap_err().field, "notes");
        let mut o = opportunity();
        o.key = "K".repeat(65);
        let e = validate(&o).unwrap_err();
        assert_eq!(e.field, "key");
        assert!(e.message.contains("at most 64"), "{}", e.message);
    }

    #[test]
    fn email_shape() {
        assert!(is_email("anna.mueller@example.de"));
        assert!(!is_email("anna"));
        assert!(!is_email("anna@localhost"));
        assert!(!is_email("a b@example.com"));
    }
}
