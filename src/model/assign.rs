//! Setting fields from `field=value` text, as the CLI, imports and forms do.

use super::field_or_suggest;
use super::schema::Record;
use super::value::parse_value;

/// Why a `field=value` could not be applied; names the field and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignError {
    pub field: String,
    pub value: String,
    pub message: String,
}

/// Splits `field=value`; the value may contain further `=`.
pub fn split_assignment(text: &str) -> Result<(&str, &str), String> {
    match text.split_once('=') {
        Some((field, value)) if !field.trim().is_empty() => Ok((field.trim(), value)),
        _ => Err(format!(
            "'{}' is not field=value (e.g. description=\"Neue Anlage\")",
            crate::util::excerpt(text)
        )),
    }
}

/// Parses each value by its field's kind and sets it. `key` sets the record key.
/// Nothing is set unless every assignment parses.
pub fn apply(record: &mut dyn Record, assignments: &[(&str, &str)]) -> Result<(), AssignError> {
    let def = record.def();
    let mut parsed = Vec::with_capacity(assignments.len());
    for (field, text) in assignments {
        let err = |message: String| AssignError {
            field: field.to_string(),
            value: text.to_string(),
            message,
        };
        if *field == "key" {
            parsed.push((None, text.trim().to_uppercase()));
            continue;
        }
        let index = field_or_suggest(def, field).map_err(err)?;
        let value = parse_value(&def.fields[index].kind, text).map_err(err)?;
        parsed.push((Some((index, value)), String::new()));
    }
    for (slot, key) in parsed {
        match slot {
            Some((index, value)) => record.set(index, value).map_err(|message| AssignError {
                field: def.fields[index].name.to_string(),
                value: String::new(),
                message,
            })?,
            None => record.set_key(key),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Money, Opportunity};

    #[test]
    fn applies_typed_values_or_nothing() {
        let mut o = Opportunity::default();
        apply(
            &mut o,
            &[
                ("description", "Neue Anlage"),
                ("amount", "1.500,00"),
                ("probability", "40"),
            ],
        )
        .unwrap();
        assert_eq!(o.amount, Some(Money::eur(150_000)));
        assert_eq!(o.probability, Some(40));
        let before = o.clone();
        let e = apply(&mut o, &[("description", "changed"), ("amount", "abc")]).unwrap_err();
        assert_eq!(e.field, "amount");
        assert_eq!(o, before, "a failed assignment changes nothing");
        let e = apply(&mut o, &[("stag", "X")]).unwrap_err();
        assert!(e.message.contains("did you mean 'stage'"), "{}", e.message);
        assert!(split_assignment("noequals").is_err());
        assert_eq!(split_assignment("notes=a=b").unwrap(), ("notes", "a=b"));
    }
}
