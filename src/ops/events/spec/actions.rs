//! Actions: what a rule does, one per line (`notify leader "{description} is won"`,
//! `set stage=WON`, `task "Call back" due=+3d`).

use std::time::Duration;

use crate::model::{field_or_suggest, format_value, parse_value, EntityDef, FieldKind, Value};
use crate::util::suggest::nearest;

use super::target::target_hint;
use super::tokens::{tokenize, Text, Token};
use super::{offset_text, parse_offset, parse_target, SpecError, Target, Template, Trigger};

/// The value a `set` action gives a field.
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    Literal(Value),
    /// A date field: today + n days.
    Offset(i64),
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Notify {
        to: Vec<Target>,
        text: Template,
    },
    Set {
        fields: Vec<(usize, SetValue)>,
    },
    Task {
        text: Template,
        task_type: Option<String>,
        owner: Option<Target>,
        due: Option<i64>,
        priority: Option<String>,
    },
    Interaction {
        text: Template,
        kind: Option<String>,
        topic: Option<String>,
    },
    Hold {
        approvers: Vec<Target>,
        reason: Option<Template>,
    },
    Run {
        command: String,
        timeout: Duration,
    },
    /// A date rule's records stand on their owners' home pane as alerts labelled
    /// `label`, from their due day on (until the date itself, for a rule that
    /// fires before it), while the condition holds. It does nothing at a tick.
    Alert {
        label: String,
        text: Template,
    },
}

const VERBS: &[&str] = &[
    "notify",
    "set",
    "task",
    "interaction",
    "hold",
    "run",
    "alert",
];
/// The longest alert label: it is a column of the home pane.
const MAX_LABEL: usize = 16;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_TIMEOUT_SECS: u64 = 300;
const PRIORITIES: &[&str] = &["low", "normal", "high"];

impl Action {
    /// "notify", "set", "task", "interaction", "hold", "run".
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Notify { .. } => "notify",
            Action::Set { .. } => "set",
            Action::Task { .. } => "task",
            Action::Interaction { .. } => "interaction",
            Action::Hold { .. } => "hold",
            Action::Run { .. } => "run",
            Action::Alert { .. } => "alert",
        }
    }

    /// One line for `crm rules test`: `notify leader: "{description} is won"`,
    /// `set stage=WON`, `task "Call back" due=+3d`.
    pub fn describe(&self, def: &EntityDef) -> String {
        let targets = |ts: &[Target]| {
            ts.iter()
                .map(|t| t.describe(def))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = self.verb().to_string();
        match self {
            Action::Notify { to, text } => {
                out = format!("notify {}: {}", targets(to), quote(text.text()));
            }
            Action::Hold { approvers, reason } => {
                out = format!("hold {}", targets(approvers));
                if let Some(r) = reason {
                    out.push_str(&format!(": {}", quote(r.text())));
                }
            }
            Action::Set { fields } => {
                for (i, v) in fields {
                    let Some(f) = def.fields.get(*i) else {
                        continue;
                    };
                    let text = match v {
                        SetValue::Literal(v) => format_value(&f.kind, v),
                        SetValue::Offset(n) => offset_text(*n),
                    };
                    push_opt(&mut out, f.name, &text);
                }
            }
            Action::Task {
                text,
                task_type,
                owner,
                due,
                priority,
            } => {
                out.push_str(&format!(" {}", quote(text.text())));
                if let Some(t) = task_type {
                    push_opt(&mut out, "type", t);
                }
                if let Some(o) = owner {
                    push_opt(&mut out, "owner", &o.describe(def));
                }
                if let Some(d) = due {
                    push_opt(&mut out, "due", &offset_text(*d));
                }
                if let Some(p) = priority {
                    push_opt(&mut out, "priority", p);
                }
            }
            Action::Interaction { text, kind, topic } => {
                out.push_str(&format!(" {}", quote(text.text())));
                if let Some(k) = kind {
                    push_opt(&mut out, "type", k);
                }
                if let Some(t) = topic {
                    push_opt(&mut out, "topic", t);
                }
            }
            Action::Run { command, timeout } => {
                out.push_str(&format!(" {}", quote(command)));
                push_opt(&mut out, "timeout", &format!("{}s", timeout.as_secs()));
            }
            Action::Alert { label, text } => {
                out.push_str(&format!(" {} {}", quote(label), quote(text.text())));
            }
        }
        out
    }

    /// Whether the action acts before the record is saved (Set and Hold), so that
    /// it needs a created or updated trigger.
    pub fn before_save(&self) -> bool {
        matches!(self, Action::Set { .. } | Action::Hold { .. })
    }
}

fn push_opt(out: &mut String, key: &str, value: &str) {
    out.push_str(&format!(" {key}={}", quote_if_needed(value)));
}

/// `s` in double quotes, with \" and \\.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn quote_if_needed(s: &str) -> String {
    if s.is_empty() || s.contains(|c: char| c.is_whitespace() || c == '"') {
        quote(s)
    } else {
        s.to_string()
    }
}

/// One action per line; empty lines and lines starting with '#' are skipped.
pub fn parse_actions(text: &str, def: &'static EntityDef) -> Result<Vec<Action>, SpecError> {
    let mut actions = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let tokens = tokenize(line, n + 1)?;
        actions.push(parse_line(&tokens, n + 1, def)?);
    }
    if actions.is_empty() {
        return Err(SpecError {
            line: 1,
            column: 1,
            message: "a rule needs at least one action".into(),
        });
    }
    Ok(actions)
}

/// Set and Hold act before a save: only with a Created or Updated trigger. Also
/// refuses an empty list. The errors are about the rule as a whole (line and
/// column 0).
pub fn check_actions_for(trigger: &Trigger, actions: &[Action]) -> Result<(), SpecError> {
    if actions.is_empty() {
        return Err(SpecError::at(0, "a rule needs at least one action"));
    }
    if let Some(n) = actions
        .iter()
        .position(|a| matches!(a, Action::Alert { .. }))
    {
        let on_a_date_field = matches!(
            trigger,
            Trigger::Date(super::DateSpec {
                base: super::DateBase::Field(_),
                ..
            })
        );
        if !on_a_date_field {
            return Err(SpecError::at(
                0,
                format!(
                    "action {} (alert) shows a record while a date of it is due: it needs a date trigger on a date field, like 'on follow_up'",
                    n + 1
                ),
            ));
        }
    }
    let kind = match trigger {
        Trigger::Created | Trigger::Updated { .. } => return Ok(()),
        Trigger::Deleted => "deleted",
        Trigger::Date(_) => "date",
        Trigger::Schedule(_) => "schedule",
    };
    match actions.iter().position(Action::before_save) {
        Some(n) => Err(SpecError::at(
            0,
            format!(
                "action {} ({}) acts before a save: it needs a created or updated trigger, not {kind}",
                n + 1,
                actions[n].verb()
            ),
        )),
        None => Ok(()),
    }
}

/// The parts of a line after its verb.
struct Parts<'t> {
    words: Vec<&'t Text>,
    strings: Vec<&'t Text>,
    pairs: Vec<(&'t Text, &'t Text)>,
}

fn parse_line(tokens: &[Token], line: usize, def: &'static EntityDef) -> Result<Action, SpecError> {
    let err = |column: usize, message: String| SpecError {
        line,
        column,
        message,
    };
    let verb_text = match &tokens[0] {
        Token::Word(w) => w,
        t => {
            return Err(err(
                t.col(),
                format!("a line starts with what to do: {}", VERBS.join(", ")),
            ))
        }
    };
    let verb = verb_text.text.to_lowercase();
    let verb_col = verb_text.start();
    let mut parts = Parts {
        words: Vec::new(),
        strings: Vec::new(),
        pairs: Vec::new(),
    };
    for t in &tokens[1..] {
        match t {
            Token::Word(w) => parts.words.push(w),
            Token::Str(s) => parts.strings.push(s),
            Token::Pair { key, value } => parts.pairs.push((key, value)),
        }
    }
    let template = |s: &Text| Template::parse(&s.text, def).map_err(|e| s.place(e, line));
    let one_text = |what: &str| -> Result<&Text, SpecError> {
        match parts.strings.as_slice() {
            [s] => Ok(s),
            [] => Err(err(
                verb_col,
                format!("{verb} needs {what} in double quotes, like {verb} \"…\""),
            )),
            [_, second, ..] => Err(err(
                second.start() - 1,
                format!("{verb} takes one text in quotes; this is a second"),
            )),
        }
    };
    let no_words = |usage: &str| -> Result<(), SpecError> {
        match parts.words.first() {
            Some(w) => Err(err(
                w.start(),
                format!("unexpected '{}': write {usage}", w.text),
            )),
            None => Ok(()),
        }
    };
    let targets = || -> Result<Vec<Target>, SpecError> {
        let mut out = Vec::new();
        for w in &parts.words {
            let mut start = 1;
            for piece in w.text.split(',') {
                if !piece.trim().is_empty() {
                    let t =
                        parse_target(piece, def).map_err(|e| w.place(e.shifted(0, start), line))?;
                    if !out.contains(&t) {
                        out.push(t);
                    }
                }
                start += piece.chars().count() + 1;
            }
        }
        if out.is_empty() {
            return Err(err(
                verb_col,
                format!("{verb} needs someone to address: {}", target_hint(def)),
            ));
        }
        Ok(out)
    };
    match verb.as_str() {
        "notify" => {
            options(&parts, &verb, &[], line)?;
            let to = targets()?;
            let text = template(one_text("a text")?)?;
            Ok(Action::Notify { to, text })
        }
        "hold" => {
            options(&parts, &verb, &[], line)?;
            let approvers = targets()?;
            let reason = match parts.strings.as_slice() {
                [] => None,
                [_] => Some(template(one_text("a reason")?)?),
                [_, second, ..] => {
                    return Err(err(
                        second.start() - 1,
                        "hold takes one reason in quotes; this is a second".into(),
                    ))
                }
            };
            Ok(Action::Hold { approvers, reason })
        }
        "set" => {
            let words = parts.words.iter().map(|w| (w.start(), w.text.clone()));
            let strings =
                (parts.strings.iter()).map(|s| (s.start() - 1, format!("\"{}\"", s.text)));
            if let Some((col, text)) = words.chain(strings).min_by_key(|(c, _)| *c) {
                return Err(err(
                    col,
                    format!("unexpected '{text}': write FIELD=VALUE, like set stage=WON"),
                ));
            }
            parse_set(&parts.pairs, line, def)
        }
        "task" => {
            no_words("task \"TEXT\" [type=CODE] [owner=TARGET] [due=+3d] [priority=high]")?;
            let text = template(one_text("a text")?)?;
            let opts = options(&parts, &verb, &["type", "owner", "due", "priority"], line)?;
            let (mut task_type, mut owner, mut due, mut priority) = (None, None, None, None);
            for (key, v) in opts {
                let place = |e: SpecError| v.place(e, line);
                match key {
                    "type" => task_type = Some(v.text.trim().to_uppercase()),
                    "owner" => owner = Some(parse_target(&v.text, def).map_err(place)?),
                    "due" => due = Some(parse_offset(&v.text).map_err(place)?),
                    _ => {
                        let p = v.text.trim().to_lowercase();
                        if !PRIORITIES.contains(&p.as_str()) {
                            return Err(err(
                                v.start(),
                                format!(
                                    "'{}' is not a priority: write low, normal or high",
                                    v.text
                                ),
                            ));
                        }
                        priority = Some(p);
                    }
                }
            }
            Ok(Action::Task {
                text,
                task_type,
                owner,
                due,
                priority,
            })
        }
        "interaction" => {
            no_words("interaction \"TEXT\" [type=CODE] [topic=CODE]")?;
            let text = template(one_text("a text")?)?;
            let (mut kind, mut topic) = (None, None);
            for (key, v) in options(&parts, &verb, &["type", "topic"], line)? {
                let code = Some(v.text.trim().to_uppercase());
                if key == "type" {
                    kind = code;
                } else {
                    topic = code;
                }
            }
            Ok(Action::Interaction { text, kind, topic })
        }
        "alert" => {
            no_words("alert \"LABEL\" [\"TEXT\"]")?;
            options(&parts, &verb, &[], line)?;
            let (label, text) = match parts.strings.as_slice() {
                [label] => (label, None),
                [label, text] => (label, Some(text)),
                [] => {
                    return Err(err(
                        verb_col,
                        "alert needs a label in double quotes, like alert \"past due\" \"{description}\"".into(),
                    ))
                }
                [_, _, third, ..] => {
                    return Err(err(
                        third.start() - 1,
                        "alert takes a label and a text in quotes; this is a third".into(),
                    ))
                }
            };
            let name = label.text.trim();
            if name.is_empty() || name.chars().count() > MAX_LABEL {
                return Err(err(
                    label.start(),
                    format!("an alert's label has 1 to {MAX_LABEL} characters, like \"past due\""),
                ));
            }
            let text = match text {
                Some(t) => template(t)?,
                None => Template::parse("{key}", def).map_err(|e| label.place(e, line))?,
            };
            Ok(Action::Alert {
                label: name.to_string(),
                text,
            })
        }
        "run" => {
            no_words("run \"COMMAND\" [timeout=10s]")?;
            let s = one_text("a command")?;
            if s.text.trim().is_empty() {
                return Err(err(s.start() - 1, "run needs a command to run".into()));
            }
            let mut timeout = DEFAULT_TIMEOUT;
            for (_, v) in options(&parts, &verb, &["timeout"], line)? {
                timeout = parse_timeout(&v.text).map_err(|m| err(v.start(), m))?;
            }
            Ok(Action::Run {
                command: s.text.clone(),
                timeout,
            })
        }
        _ => {
            let mut msg = format!("'{}' is not an action", verb_text.text);
            if let Some(s) = nearest(&verb, VERBS.iter().copied()) {
                msg.push_str(&format!(" (did you mean '{s}'?)"));
            }
            msg.push_str(&format!(": write {}", VERBS.join(", ")));
            Err(err(verb_col, msg))
        }
    }
}

/// The options of a line, each key one of `allowed` and given once, with a value.
fn options<'t>(
    parts: &Parts<'t>,
    verb: &str,
    allowed: &[&'static str],
    line: usize,
) -> Result<Vec<(&'static str, &'t Text)>, SpecError> {
    let mut out: Vec<(&'static str, &'t Text)> = Vec::new();
    for (key, value) in &parts.pairs {
        let err = |column: usize, message: String| SpecError {
            line,
            column,
            message,
        };
        let lower = key.text.to_lowercase();
        let Some(k) = allowed.iter().copied().find(|a| *a == lower) else {
            let takes = if allowed.is_empty() {
                format!("{verb} takes no options")
            } else {
                format!("{verb} takes {}", allowed.join(", "))
            };
            return Err(err(
                key.start(),
                format!("{verb} has no option '{}': {takes}", key.text),
            ));
        };
        if out.iter().any(|(o, _)| *o == k) {
            return Err(err(key.start(), format!("{k} is given twice")));
        }
        if value.text.trim().is_empty() {
            return Err(err(key.start(), format!("{k}= needs a value")));
        }
        out.push((k, value));
    }
    Ok(out)
}

fn parse_set(
    pairs: &[(&Text, &Text)],
    line: usize,
    def: &'static EntityDef,
) -> Result<Action, SpecError> {
    let err = |column: usize, message: String| SpecError {
        line,
        column,
        message,
    };
    if pairs.is_empty() {
        return Err(err(1, "set needs FIELD=VALUE, like set stage=WON".into()));
    }
    let mut fields: Vec<(usize, SetValue)> = Vec::new();
    for (key, value) in pairs {
        let name = key.text.to_lowercase();
        let i = field_or_suggest(def, &name).map_err(|e| err(key.start(), e))?;
        if fields.iter().any(|(f, _)| *f == i) {
            return Err(err(key.start(), format!("{name} is set twice")));
        }
        let kind = def.fields[i].kind;
        let v = value.text.trim();
        let lower = v.to_lowercase();
        let relative = v.starts_with(['+', '-'])
            || matches!(lower.as_str(), "today" | "tomorrow" | "yesterday" | "now");
        let bad = |m: String| err(value.start(), format!("{name}: {m}"));
        let set = match kind {
            FieldKind::Lines(_) => {
                return Err(err(
                    key.start(),
                    format!("{name} holds lines of {}: set cannot change them", def.name),
                ))
            }
            FieldKind::Date if relative => {
                SetValue::Offset(parse_offset(v).map_err(|e| bad(e.message))?)
            }
            FieldKind::DateTime if relative => {
                return Err(bad(format!(
                    "'{v}' moves with the day; set gives a date-time field a fixed time, \
                     like 2026-12-01 14:30"
                )))
            }
            kind => SetValue::Literal(parse_value(&kind, v).map_err(bad)?),
        };
        fields.push((i, set));
    }
    Ok(Action::Set { fields })
}

/// "10s", "2m", "90" (seconds): 1 s to 300 s.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let t = text.trim().to_lowercase();
    let (digits, per) = if let Some(m) = t.strip_suffix('m') {
        (m, 60)
    } else {
        (t.strip_suffix('s').unwrap_or(&t), 1)
    };
    let secs = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(per))
        .ok_or_else(|| {
            format!(
                "'{}' is not a timeout: write seconds or minutes, like 10s or 2m",
                text.trim()
            )
        })?;
    match secs {
        0 => Err("a timeout of 0 would stop the command at once: write at least 1s".into()),
        s if s > MAX_TIMEOUT_SECS => Err(format!(
            "a timeout of {s}s is too long: at most {MAX_TIMEOUT_SECS}s (5m)"
        )),
        s => Ok(Duration::from_secs(s)),
    }
}
