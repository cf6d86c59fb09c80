//! Templates: the texts a rule sends or writes, with placeholders for the record's
//! fields, its values before the change, and who and what fired the rule.

use crate::model::{field_or_suggest, format_value, EntityDef, Record};
use crate::util::suggest::nearest;

use super::SpecError;

/// The placeholders that are not fields.
const SPECIAL: &[&str] = &["key", "entity", "user", "rule"];

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Literal(String),
    /// The field's value now.
    Field(usize),
    /// The field's value before the change.
    Was(usize),
    Key,
    Entity,
    User,
    Rule,
}

/// A text with placeholders: {field}, {was.field} (the value before the change),
/// {key}, {entity} (entity label), {user} (who made the change), {rule}. "{{" and
/// "}}" are literal braces.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    text: String,
    parts: Vec<Part>,
    def: &'static EntityDef,
}

/// What a template knows beyond the record: who made the change, which rule fired.
pub struct RenderCtx<'a> {
    pub user: &'a str,
    pub rule: &'a str,
}

impl Template {
    /// Reads `text`; an unknown placeholder or an unclosed '{' is an error at the
    /// column of its '{'.
    pub fn parse(text: &str, def: &'static EntityDef) -> Result<Template, SpecError> {
        let chars: Vec<char> = text.chars().collect();
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '{' if chars.get(i + 1) == Some(&'{') => {
                    lit.push('{');
                    i += 2;
                }
                '}' if chars.get(i + 1) == Some(&'}') => {
                    lit.push('}');
                    i += 2;
                }
                '{' => {
                    let close = chars[i + 1..]
                        .iter()
                        .position(|c| *c == '}' || *c == '{')
                        .filter(|n| chars[i + 1 + n] == '}')
                        .ok_or_else(|| {
                            SpecError::at(
                                i + 1,
                                "this '{' is not closed: write {field}, or {{ for a brace",
                            )
                        })?;
                    let name: String = chars[i + 1..i + 1 + close].iter().collect();
                    let part =
                        placeholder(name.trim(), def).map_err(|m| SpecError::at(i + 1, m))?;
                    if !lit.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut lit)));
                    }
                    parts.push(part);
                    i += close + 2;
                }
                c => {
                    lit.push(c);
                    i += 1;
                }
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Literal(lit));
        }
        Ok(Template {
            text: text.to_string(),
            parts,
            def,
        })
    }

    /// The text for a record. `new`: the record as it is (None when there is none,
    /// as after a delete); `old`: before the change (None on creation). A field
    /// placeholder shows `new`'s value, or `old`'s when there is no `new` (so that a
    /// rule on deletion can name what was deleted); {was.x} shows `old`'s, or ""
    /// without one. Empty values render as "".
    pub fn render(
        &self,
        new: Option<&dyn Record>,
        old: Option<&dyn Record>,
        ctx: &RenderCtx,
    ) -> String {
        let value = |r: Option<&dyn Record>, i: usize| -> String {
            match (r, self.def.fields.get(i)) {
                (Some(r), Some(f)) => format_value(&f.kind, &r.get(i)),
                _ => String::new(),
            }
        };
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(s) => out.push_str(s),
                Part::Field(i) => out.push_str(&value(new.or(old), *i)),
                Part::Was(i) => out.push_str(&value(old, *i)),
                Part::Key => out.push_str(new.or(old).map_or("", |r| r.key())),
                Part::Entity => out.push_str(self.def.label_en),
                Part::User => out.push_str(ctx.user),
                Part::Rule => out.push_str(ctx.rule),
            }
        }
        out
    }

    /// The source text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The part a placeholder's name stands for, or what is wrong with it.
fn placeholder(name: &str, def: &EntityDef) -> Result<Part, String> {
    let lower = name.to_lowercase();
    match lower.as_str() {
        "" => return Err("an empty placeholder: write {field}, or {{ }} for braces".into()),
        "key" => return Ok(Part::Key),
        "entity" => return Ok(Part::Entity),
        "user" => return Ok(Part::User),
        "rule" => return Ok(Part::Rule),
        _ => {}
    }
    if let Some(field) = lower.strip_prefix("was.") {
        return field_or_suggest(def, field.trim())
            .map(Part::Was)
            .map_err(|e| format!("in {{{}}}: {e}", crate::util::excerpt(name)));
    }
    if let Some(i) = def.field_index(&lower) {
        return Ok(Part::Field(i));
    }
    let mut msg = format!("unknown placeholder {{{}}}", crate::util::excerpt(name));
    let candidates = def
        .fields
        .iter()
        .map(|f| f.name)
        .chain(SPECIAL.iter().copied());
    if let Some(s) = nearest(&lower, candidates) {
        msg.push_str(&format!(" (did you mean {{{s}}}?)"));
    }
    msg.push_str(&format!(
        ": write a field of {}, {{was.FIELD}}, {{key}}, {{entity}}, {{user}} or {{rule}}",
        def.name
    ));
    Err(msg)
}
