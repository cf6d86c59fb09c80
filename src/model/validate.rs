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

/// Why `text`, the value of a field of `kind` labelled `label`, cannot be stored:
/// a C0 control character (U+0000–U+001F) in it. A multiline field keeps line
/// ends and tabs; a single-line one takes none of them. The message names the
/// character by its code point and where it stands (the value itself is quoted
/// safe, so the character would not show).
pub fn control_error(kind: &FieldKind, label: &str, text: &str) -> Option<String> {
    let multiline = matches!(kind, FieldKind::Multiline);
    let (at, c) = text
        .chars()
        .enumerate()
        .find(|&(_, c)| c < ' ' && !(multiline && matches!(c, '\n' | '\r' | '\t')))?;
    let code = format!("U+{:04X}", u32::from(c));
    let at = at + 1;
    Some(match c {
        '\t' => format!(
            "{label} holds a tab ({code}) at character {at}; a single-line field takes no tabs: \
             write spaces instead"
        ),
        '\n' | '\r' => format!(
            "{label} holds a line break ({code}) at character {at}; a single-line field is one \
             line: write spaces instead, or put the lines in the notes"
        ),
        _ if multiline => format!(
            "{label} holds the control character {code} at character {at}; text keeps line \
             breaks and tabs but no other control characters: remove it"
        ),
        _ => format!(
            "{label} holds the control character {code} at character {at}; a single-line \
             field takes no control characters: remove it"
        ),
    })
}

/// `control_error` for every text `value` holds (a list's keys, each line's text).
fn control_in(kind: &FieldKind, label: &str, value: &Value) -> Option<String> {
    match value {
        Value::Text(s) => control_error(kind, label, s),
        Value::List(keys) => keys.iter().find_map(|k| control_error(kind, label, k)),
        Value::Lines(lines) => {
            let FieldKind::Lines(def) = kind else {
                return None;
            };
            lines.iter().enumerate().find_map(|(n, line)| {
                def.fields.iter().zip(line).find_map(|(lf, lv)| {
                    let text = lv.as_str()?;
                    let why = control_error(&lf.kind, lf.label_en, text)?;
                    Some(format!("line {}: {why}", n + 1))
                })
            })
        }
        _ => None,
    }
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
        if let Some(why) = control_in(&f.kind, f.label_en, &value) {
            return Err(err(why));
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
    fn control_characters_are_refused_naming_field_and_code_point() {
        let mut o = opportunity();
        o.notes = "first line\r\n\tindented\nlast".into();
        assert!(validate(&o).is_ok(), "notes keep line ends and tabs");
        for (c, says) in [
            ('\u{1b}', "control character U+001B at character 3"),
            ('\0', "control character U+0000 at character 3"),
            ('\t', "a tab (U+0009) at character 3"),
            ('\n', "a line break (U+000A) at character 3"),
            ('\r', "a line break (U+000D) at character 3"),
        ] {
            let mut o = opportunity();
            o.description = format!("ab{c}cd");
            let e = validate(&o).unwrap_err();
            assert_eq!(e.field, "description");
            assert!(e.message.starts_with("Description holds "), "{}", e.message);
            assert!(e.message.contains(says), "{c:?}: {}", e.message);
            assert!(!e.message.contains(c), "{}", e.message);
        }
        for c in ['\0', '\u{7}', '\u{1b}', '\u{1f}'] {
            let mut o = opportunity();
            o.notes = format!("ok\n{c}");
            let e = validate(&o).unwrap_err();
            assert_eq!(e.field, "notes");
            assert!(e.message.contains("at character 4"), "{}", e.message);
            assert!(e.message.contains("no other control"), "{}", e.message);
        }
        // DEL, C1 controls and bidirectional overrides are kept (and shown safe).
        let mut o = opportunity();
        o.description = "a\u{7f}\u{9b}\u{202e}b".into();
        assert!(validate(&o).is_ok());
    }

    #[test]
    fn control_characters_in_child_lines_name_the_line() {
        use crate::model::quote::QuoteLine;
        use crate::model::Quote;
        let line = |item: &str| QuoteLine {
            item: item.into(),
            qty: Some(1),
            ..Default::default()
        };
        let q = Quote {
            lines: vec![line("WELLE"), line("WEL\u{1b}[2J")],
            ..Default::default()
        };
        let e = validate(&q).unwrap_err();
        assert_eq!(e.field, "lines");
        assert!(e.message.starts_with("line 2: Item holds"), "{}", e.message);
        assert!(e.message.contains("U+001B at character 4"), "{}", e.message);
    }

    #[test]
    fn email_shape() {
        assert!(is_email("anna.mueller@example.de"));
        assert!(!is_email("anna"));
        assert!(!is_email("anna@localhost"));
        assert!(!is_email("a b@example.com"));
    }
}
