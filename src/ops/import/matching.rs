//! Deciding what a row is: the stored record it updates, an earlier row of the
//! file it repeats, a new record, or ambiguous. Rows match by key, then by the
//! entity's rules (a normalised e-mail; first name + last name + company folded
//! for case and accents; a company's name), or by the fields `--match` names.

use std::collections::HashMap;

use super::build::name_field;
use super::{Action, ImportOptions, Mode, Planned};
use crate::model::{EntityDef, FieldKind, KeyKind, Record};
use crate::store::{Result, Store, StoreError};
use crate::util::fold::fold;

/// One way two records are the same.
#[derive(Debug, Clone)]
pub struct Rule {
    /// As the report says it ("e-mail", "name + company", "fields city,street").
    pub name: String,
    fields: Vec<usize>,
    /// Any of the fields alike (e-mails), rather than all of them together.
    any: bool,
    /// Two records that both have e-mails (and no e-mail in common, or the
    /// e-mail rule would have matched them) are not the same under this rule.
    not_other_emails: bool,
}

/// Whether a record has an e-mail in any e-mail field.
fn has_email(record: &dyn Record) -> bool {
    let def = record.def();
    (0..def.fields.len())
        .any(|i| matches!(def.fields[i].kind, FieldKind::Email) && !record.get(i).is_empty())
}

impl Rule {
    /// The values a record is found by under this rule (none: the rule does not
    /// apply to it).
    fn values(&self, record: &dyn Record) -> Vec<String> {
        let def = record.def();
        let one = |i: usize| {
            let f = &def.fields[i];
            let t = crate::model::value::format_value(&f.kind, &record.get(i));
            match f.kind {
                FieldKind::Email => t.trim().to_lowercase(),
                _ => fold(t.trim()),
            }
        };
        if self.any {
            let mut out: Vec<String> = self.fields.iter().map(|&i| one(i)).collect();
            out.retain(|v| !v.is_empty());
            out.dedup();
            return out;
        }
        let parts: Vec<String> = self.fields.iter().map(|&i| one(i)).collect();
        // Names need the last name (or the rule's first field) at least.
        if parts.first().is_none_or(|p| p.is_empty()) || parts.iter().all(|p| p.is_empty()) {
            return Vec::new();
        }
        vec![parts.join("\u{1f}")]
    }
}

/// The rules of an entity when `--match` names none.
fn default_rules(def: &'static EntityDef) -> Vec<Rule> {
    let mut rules = Vec::new();
    let emails: Vec<usize> = (0..def.fields.len())
        .filter(|&i| matches!(def.fields[i].kind, FieldKind::Email))
        .collect();
    if !emails.is_empty() {
        rules.push(Rule {
            name: "e-mail".into(),
            fields: emails,
            any: true,
            not_other_emails: false,
        });
    }
    if let (Some(last), Some(first)) = (def.field_index("last_name"), def.field_index("first_name"))
    {
        let mut fields = vec![last, first];
        let mut name = "name".to_string();
        if let Some(c) = def.field_index("company") {
            fields.push(c);
            name.push_str(" + company");
        }
        let not_other_emails = !rules.is_empty();
        rules.push(Rule {
            name,
            fields,
            any: false,
            not_other_emails,
        });
    } else if let (Some(i), KeyKind::Generated(_)) = (name_field(def), def.key) {
        let not_other_emails = !rules.is_empty();
        rules.push(Rule {
            name: def.fields[i].name.replace('_', " "),
            fields: vec![i],
            any: false,
            not_other_emails,
        });
    }
    rules
}

pub struct Matcher {
    mode: Mode,
    overwrite: bool,
    /// Whether rows match by key (`--match` without `key` turns it off).
    by_key: bool,
    rules: Vec<Rule>,
    /// Per rule: value → stored keys, each with whether it has an e-mail.
    stored: Vec<HashMap<String, Vec<(String, bool)>>>,
    /// Per rule: value → the new rows (their indexes) that had it, each with
    /// whether it has an e-mail.
    in_file: Vec<HashMap<String, Vec<(usize, bool)>>>,
    /// Key → the row that first named it (stored records matched, keys given).
    keys: HashMap<String, usize>,
    lines: Vec<usize>,
}

impl Matcher {
    pub fn new(store: &Store, def: &'static EntityDef, options: &ImportOptions) -> Result<Matcher> {
        let (by_key, rules) = if options.match_fields.is_empty() {
            (true, default_rules(def))
        } else {
            let mut fields = Vec::new();
            let mut by_key = false;
            for name in &options.match_fields {
                if name == "key" {
                    by_key = true;
                    continue;
                }
                fields
                    .push(crate::model::field_or_suggest(def, name).map_err(StoreError::Refused)?);
            }
            let rules = if fields.is_empty() {
                Vec::new()
            } else {
                vec![Rule {
                    name: format!("fields {}", options.match_fields.join(",")),
                    fields,
                    any: false,
                    not_other_emails: false,
                }]
            };
            (by_key, rules)
        };
        let mut stored = vec![HashMap::new(); rules.len()];
        if options.mode != Mode::Create && !rules.is_empty() {
            for r in store.scan(def) {
                let r = r?;
                let email = has_email(r.as_ref());
                for (rule, map) in rules.iter().zip(stored.iter_mut()) {
                    for v in rule.values(r.as_ref()) {
                        let keys: &mut Vec<(String, bool)> = map.entry(v).or_default();
                        keys.push((r.key().to_string(), email));
                    }
                }
            }
        }
        Ok(Matcher {
            mode: options.mode,
            overwrite: options.overwrite,
            by_key,
            in_file: vec![HashMap::new(); rules.len()],
            rules,
            stored,
            keys: HashMap::new(),
            lines: Vec::new(),
        })
    }

    /// What row `line` (the next row, whose plan goes after `planned`) does.
    pub fn decide(
        &mut self,
        store: &Store,
        line: usize,
        record: Box<dyn Record>,
        present: &[usize],
        planned: &mut [Option<Planned>],
    ) -> Result<(Action, Option<Planned>)> {
        let def = record.def();
        let index = self.lines.len();
        self.lines.push(line);
        let key = record.key().trim().to_uppercase();
        if self.mode == Mode::Create {
            if !key.is_empty() && (store.contains(def, &key)? || self.keys.contains_key(&key)) {
                return Ok((
                    Action::Error {
                        field: Some("key".into()),
                        message: format!(
                            "{} {key} exists already; import with --mode upsert to update it",
                            def.name
                        ),
                    },
                    None,
                ));
            }
            if !key.is_empty() {
                self.keys.insert(key, index);
            }
            return Ok((Action::Create, Some(Planned::New(record))));
        }
        // By key: the stored record, or an earlier row with the same key.
        if self.by_key && !key.is_empty() {
            if let Some(&earlier) = self.keys.get(&key) {
                return Ok(self.same_as(earlier, "key", record, present, planned));
            }
            self.keys.insert(key.clone(), index);
            if store.contains(def, &key)? {
                return self.update(store, def, &key, "key", record, present);
            }
            // A key is the record's identity: a new one is a new record, whatever
            // else it shares with others.
            if self.mode == Mode::Update {
                return Ok((Action::NoMatch, None));
            }
            self.remember(index, record.as_ref());
            return Ok((Action::Create, Some(Planned::New(record))));
        }
        for r in 0..self.rules.len() {
            let values = self.rules[r].values(record.as_ref());
            if values.is_empty() {
                continue;
            }
            let rule = self.rules[r].name.clone();
            // Under a name rule, a row with an e-mail is not a record with another.
            let shut = self.rules[r].not_other_emails && has_email(record.as_ref());
            let mut found: Vec<String> = values
                .iter()
                .filter_map(|v| self.stored[r].get(v))
                .flatten()
                .filter(|(_, email)| !(shut && *email))
                .map(|(k, _)| k.clone())
                .collect();
            found.sort();
            found.dedup();
            let mut earlier: Vec<usize> = values
                .iter()
                .filter_map(|v| self.in_file[r].get(v))
                .flatten()
                .filter(|(_, email)| !(shut && *email))
                .map(|(i, _)| *i)
                .collect();
            earlier.sort_unstable();
            earlier.dedup();
            if found.len() + earlier.len() > 1 {
                let mut keys = found;
                keys.extend(
                    earlier
                        .iter()
                        .map(|&i| format!("row {}", self.lines.get(i).copied().unwrap_or(0))),
                );
                return Ok((Action::Ambiguous { keys, rule }, None));
            }
            if let Some(&earlier) = earlier.first() {
                return Ok(self.same_as(earlier, &rule, record, present, planned));
            }
            if let Some(k) = found.pop() {
                // A stored record an earlier row matched already.
                if let Some(&earlier) = self.keys.get(&k) {
                    return Ok(self.same_as(earlier, &rule, record, present, planned));
                }
                self.keys.insert(k.clone(), index);
                return self.update(store, def, &k, &rule, record, present);
            }
        }
        if self.mode == Mode::Update {
            return Ok((Action::NoMatch, None));
        }
        self.remember(index, record.as_ref());
        Ok((Action::Create, Some(Planned::New(record))))
    }

    /// Notes a new row's values, so that later rows find it.
    fn remember(&mut self, index: usize, record: &dyn Record) {
        let email = has_email(record);
        for (rule, map) in self.rules.iter().zip(self.in_file.iter_mut()) {
            for v in rule.values(record) {
                map.entry(v).or_default().push((index, email));
            }
        }
    }

    /// A row that repeats row `earlier`: its values go into that row's record.
    fn same_as(
        &self,
        earlier: usize,
        rule: &str,
        record: Box<dyn Record>,
        present: &[usize],
        planned: &mut [Option<Planned>],
    ) -> (Action, Option<Planned>) {
        if let Some(Some(Planned::New(r) | Planned::Update(r))) = planned.get_mut(earlier) {
            merge(r.as_mut(), record.as_ref(), present, self.overwrite);
        }
        let line = self.lines.get(earlier).copied().unwrap_or(0);
        (
            Action::SameAs {
                line,
                rule: rule.to_string(),
            },
            None,
        )
    }

    fn update(
        &self,
        store: &Store,
        def: &'static EntityDef,
        key: &str,
        rule: &str,
        record: Box<dyn Record>,
        present: &[usize],
    ) -> Result<(Action, Option<Planned>)> {
        let Some(mut stored) = store.get(def, key)? else {
            return Ok((Action::Create, Some(Planned::New(record))));
        };
        let (fields, kept) = merge(stored.as_mut(), record.as_ref(), present, self.overwrite);
        let key = stored.key().to_string();
        let rule = rule.to_string();
        if fields.is_empty() {
            return Ok((Action::Unchanged { key, rule }, None));
        }
        Ok((
            Action::Update {
                key,
                rule,
                fields,
                kept,
            },
            Some(Planned::Update(stored)),
        ))
    }
}

/// Fills `into`'s empty fields from `from` (and, with `overwrite`, replaces the
/// ones that differ); an empty value never blanks one. Returns the fields
/// changed and the fields kept although `from` differs. Only the fields the
/// row gave (`present`) count: the others are a new record's defaults.
fn merge(
    into: &mut dyn Record,
    from: &dyn Record,
    present: &[usize],
    overwrite: bool,
) -> (Vec<String>, Vec<String>) {
    let def = into.def();
    let (mut changed, mut kept) = (Vec::new(), Vec::new());
    for &i in present {
        let f = &def.fields[i];
        let new = from.get(i);
        if new.is_empty() {
            continue;
        }
        let old = into.get(i);
        if old == new {
            continue;
        }
        // A yes/no field's "no" is its empty state: only a "yes" fills it.
        let fill = old.is_empty() || matches!(old, crate::model::Value::Bool(false));
        if fill || overwrite {
            if into.set(i, new).is_ok() {
                changed.push(f.name.to_string());
            }
        } else {
            kept.push(f.name.to_string());
        }
    }
    (changed, kept)
}
