//! Text -> syntax tree. A hand-written recursive descent over characters: what a
//! value is depends on the operator before it, so lexing happens as the parser goes.
//! Fields are resolved against the entity's declaration here; values are typed later
//! (`compile`), when today's date and "me" are known.

use super::{QueryError, MAX_DEPTH};
use crate::model::{self, field_or_suggest, EntityDef, FieldKind};

mod terms;

/// A condition's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `:` text contains; codes, numbers and dates equal; `a..b` ranges.
    Match,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Match => ":",
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// What a condition tests: the record key or a field (by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Key,
    Field(usize),
    /// A field of a record's lines (`lines.discount>20`): some line's value.
    Line(usize, usize),
}

/// A value as typed, with where it starts (1-based column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue {
    pub text: String,
    pub quoted: bool,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every condition holds (an empty list: every record).
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Cond {
        subject: Subject,
        name: String,
        op: Op,
        value: RawValue,
        column: usize,
    },
    /// A bare word or phrase: contained in the key or any text field.
    Bare(RawValue),
    /// `has:ENTITY(...)` / `no:ENTITY(...)`: some / no record of `source` that
    /// matches `filter` names this record.
    Related {
        has: bool,
        source: &'static EntityDef,
        filter: Option<Box<Expr>>,
        column: usize,
    },
    /// `ref.…`: the condition holds for the record the reference field names.
    Via {
        field: usize,
        target: &'static EntityDef,
        inner: Box<Expr>,
        column: usize,
    },
    /// `changed:a,b` (rule conditions only): some of these fields differs between
    /// the old and the new record; with no old record, some is not empty.
    Changed {
        fields: Vec<usize>,
        column: usize,
    },
    /// `was.…` (rule conditions only): the condition holds for the old record;
    /// false when there is none.
    Was {
        inner: Box<Expr>,
        column: usize,
    },
    /// `followed:FIELD`: another record of the entity, naming the same party (the
    /// first reference of the record that is filled in), has a later FIELD, as a
    /// later call answers an interaction's follow-up.
    Followed {
        field: usize,
        column: usize,
    },
}

/// Parses `text` as a query over `def`'s records.
pub fn parse(text: &str, def: &'static EntityDef) -> Result<Expr, QueryError> {
    parse_in(text, def, false)
}

/// Parses `text` as an event rule's condition over `def`'s records: a query that
/// may also use `changed:` and `was.`, which see the record before the change.
pub fn parse_rule(text: &str, def: &'static EntityDef) -> Result<Expr, QueryError> {
    parse_in(text, def, true)
}

fn parse_in(text: &str, def: &'static EntityDef, rule: bool) -> Result<Expr, QueryError> {
    super::check_length(text)?;
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        rule,
        depth: 0,
    };
    let expr = p.or(def)?;
    p.skip_ws();
    match p.peek() {
        None => Ok(expr),
        Some(')') => Err(p.error_here("unexpected ')' (no '(' before it to close)")),
        Some(c) => Err(p.error_here(format!("unexpected '{c}'"))),
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// Whether `changed:` and `was.` are allowed (a rule's condition, over the
    /// record being saved).
    rule: bool,
    /// Parentheses, `NOT`s and `-`s open around the current position.
    depth: usize,
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn ends_word(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')'
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }
    fn column(&self) -> usize {
        self.pos + 1
    }
    fn error_here(&self, message: impl Into<String>) -> QueryError {
        QueryError::new(self.column(), message)
    }
    /// `f`, one level deeper (opened at `column`); refused past `MAX_DEPTH`.
    fn nested<T>(
        &mut self,
        column: usize,
        f: impl FnOnce(&mut Self) -> Result<T, QueryError>,
    ) -> Result<T, QueryError> {
        if self.depth >= MAX_DEPTH {
            return Err(QueryError::new(column, format!(
                "the query nests too deep: at most {MAX_DEPTH} parentheses, NOTs and '-'s inside each other"
            )));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }
    fn text(&self, from: usize, to: usize) -> String {
        self.chars[from..to].iter().collect()
    }

    /// Whether the upper-case keyword stands here as a word of its own.
    fn at_keyword(&self, word: &str) -> bool {
        let n = word.chars().count();
        word.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
            && self.peek_at(n).is_none_or(ends_word)
    }

    fn or(&mut self, def: &'static EntityDef) -> Result<Expr, QueryError> {
        let mut parts = vec![self.and(def)?];
        loop {
            self.skip_ws();
            if !self.at_keyword("OR") {
                break;
            }
            let column = self.column();
            if parts.last() == Some(&Expr::And(Vec::new())) {
                return Err(QueryError::new(column, "expected a condition before 'OR'"));
            }
            self.pos += 2;
            let next = self.and(def)?;
            if next == Expr::And(Vec::new()) {
                return Err(QueryError::new(
                    column + 2,
                    "expected a condition after 'OR'",
                ));
            }
            parts.push(next);
        }
        Ok(if parts.len() == 1 {
            parts.pop().unwrap_or(Expr::And(Vec::new()))
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self, def: &'static EntityDef) -> Result<Expr, QueryError> {
        let mut parts = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None | Some(')') => break,
                _ if self.at_keyword("OR") => break,
                _ if self.at_keyword("AND") => {
                    let column = self.column();
                    self.pos += 3;
                    self.skip_ws();
                    if parts.is_empty() {
                        return Err(QueryError::new(column, "expected a condition before 'AND'"));
                    }
                    if self.peek().is_none_or(|c| c == ')') || self.at_keyword("OR") {
                        return Err(self.error_here("expected a condition after 'AND'"));
                    }
                }
                _ => parts.push(self.unary(def)?),
            }
        }
        Ok(if parts.len() == 1 {
            parts.pop().unwrap_or(Expr::And(Vec::new()))
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self, def: &'static EntityDef) -> Result<Expr, QueryError> {
        self.skip_ws();
        let column = self.column();
        if self.at_keyword("NOT") {
            self.pos += 3;
            self.skip_ws();
            if self.peek().is_none_or(|c| c == ')') {
                return Err(self.error_here("expected a condition after 'NOT'"));
            }
            return Ok(Expr::Not(Box::new(self.nested(column, |p| p.unary(def))?)));
        }
        if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| !c.is_whitespace()) {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(
                self.nested(column, |p| p.primary(def))?,
            )));
        }
        self.primary(def)
    }

    fn primary(&mut self, def: &'static EntityDef) -> Result<Expr, QueryError> {
        match self.peek() {
            Some('(') => {
                let open = self.column();
                let inner = self.nested(open, |p| {
                    p.pos += 1;
                    p.or(def)
                })?;
                self.close(open, &inner)?;
                Ok(inner)
            }
            Some(')') => Err(self.error_here("unexpected ')' (no '(' before it to close)")),
            Some('"') => Ok(Expr::Bare(self.quoted()?)),
            _ => self.term(def),
        }
    }

    /// The `)` that closes the `(` at column `open`.
    fn close(&mut self, open: usize, inner: &Expr) -> Result<(), QueryError> {
        self.skip_ws();
        if self.peek() != Some(')') {
            return Err(self.error_here(format!("expected ')' to close the '(' at column {open}")));
        }
        if *inner == Expr::And(Vec::new()) {
            return Err(QueryError::new(open, "expected a condition inside '( )'"));
        }
        self.pos += 1;
        Ok(())
    }

    fn quoted(&mut self) -> Result<RawValue, QueryError> {
        let column = self.column();
        self.pos += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(QueryError::new(
                        column,
                        "unterminated quote: the '\"' here has no closing '\"'",
                    ))
                }
                Some('"') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') if matches!(self.peek_at(1), Some('"') | Some('\\')) => {
                    text.push(self.peek_at(1).unwrap_or('\\'));
                    self.pos += 2;
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        Ok(RawValue {
            text,
            quoted: true,
            column,
        })
    }

    fn ident(&mut self) -> String {
        let from = self.pos;
        while self.peek().is_some_and(is_ident) {
            self.pos += 1;
        }
        self.text(from, self.pos)
    }

    fn op(&mut self) -> Option<Op> {
        let (op, len) = match (self.peek()?, self.peek_at(1)) {
            (':', _) => (Op::Match, 1),
            ('=', _) => (Op::Eq, 1),
            ('!', Some('=')) => (Op::Ne, 2),
            ('<', Some('=')) => (Op::Le, 2),
            ('<', _) => (Op::Lt, 1),
            ('>', Some('=')) => (Op::Ge, 2),
            ('>', _) => (Op::Gt, 1),
            _ => return None,
        };
        self.pos += len;
        Some(op)
    }

    /// `field OP value`, `ref.field OP value`, `has:ENTITY(...)`, or a bare word;
    /// in a rule also `changed:fields` and `was.field OP value`.
    fn term(&mut self, def: &'static EntityDef) -> Result<Expr, QueryError> {
        let start = self.pos;
        let first = self.ident();
        let mut second = None;
        if !first.is_empty() && self.peek() == Some('.') && self.peek_at(1).is_some_and(is_ident) {
            self.pos += 1;
            second = Some((self.column(), self.ident()));
        }
        let op_column = self.column();
        let Some(op) = self.op().filter(|_| !first.is_empty()) else {
            self.pos = start;
            return self.bare();
        };
        let column = start + 1;
        match second {
            None if self.rule && first == "changed" => self.changed(def, column, op, op_column),
            None => self.condition(def, &first, column, op, op_column),
            Some((inner_column, name)) if self.rule && first == "was" => {
                if name == "has" || name == "no" {
                    return Err(QueryError::new(
                        inner_column,
                        "'was.' takes a field's condition, as in was.stage:PROPOSAL",
                    ));
                }
                let inner = self.condition(def, &name, inner_column, op, op_column)?;
                Ok(Expr::Was {
                    inner: Box::new(inner),
                    column,
                })
            }
            Some((inner_column, name)) => {
                let field =
                    field_or_suggest(def, &first).map_err(|m| QueryError::new(column, m))?;
                if let FieldKind::Lines(line) = def.fields[field].kind {
                    let Some(sub) = line.fields.iter().position(|f| f.name == name) else {
                        let mut m = format!("{} has no field '{name}'", line.name);
                        if let Some(s) =
                            crate::util::suggest::nearest(&name, line.fields.iter().map(|f| f.name))
                        {
                            m.push_str(&format!(" (did you mean '{s}'?)"));
                        }
                        return Err(QueryError::new(inner_column, m));
                    };
                    let value = self.value(&name, op)?;
                    return Ok(Expr::Cond {
                        subject: Subject::Line(field, sub),
                        name,
                        op,
                        value,
                        column,
                    });
                }
                let FieldKind::Ref(target) = def.fields[field].kind else {
                    return Err(QueryError::new(
                        column,
                        format!(
                            "'{first}' is not a reference: only a reference (or lines) can be followed by '.field'"
                        ),
                    ));
                };
                let target = model::entity(target)
                    .ok_or_else(|| QueryError::new(column, format!("unknown entity {target}")))?;
                let inner = self.condition(target, &name, inner_column, op, op_column)?;
                Ok(Expr::Via {
                    field,
                    target,
                    inner: Box::new(inner),
                    column,
                })
            }
        }
    }

    fn bare(&mut self) -> Result<Expr, QueryError> {
        let column = self.column();
        let from = self.pos;
        while self.peek().is_some_and(|c| !ends_word(c)) {
            self.pos += 1;
        }
        if self.pos == from {
            return Err(self.error_here("expected a condition"));
        }
        let text = self.text(from, self.pos);
        if text.starts_with([':', '=', '<', '>', '!']) {
            return Err(QueryError::new(
                column,
                format!("expected a field name before '{}'", &text[..1]),
            ));
        }
        Ok(Expr::Bare(RawValue {
            text,
            quoted: false,
            column,
        }))
    }

    fn condition(
        &mut self,
        def: &'static EntityDef,
        name: &str,
        column: usize,
        op: Op,
        op_column: usize,
    ) -> Result<Expr, QueryError> {
        if name == "has" || name == "no" {
            if op != Op::Match {
                return Err(QueryError::new(
                    op_column,
                    format!("'{name}' takes ':' and an entity, as in {name}:interaction"),
                ));
            }
            return self.related(def, name == "has", column);
        }
        if name == "followed" && def.field(name).is_none() {
            return self.followed(def, column, op, op_column);
        }
        let subject = if name == "key" {
            Subject::Key
        } else {
            Subject::Field(field_or_suggest(def, name).map_err(|m| QueryError::new(column, m))?)
        };
        let value = self.value(name, op)?;
        Ok(Expr::Cond {
            subject,
            name: name.to_string(),
            op,
            value,
            column,
        })
    }

    fn value(&mut self, name: &str, op: Op) -> Result<RawValue, QueryError> {
        if self.peek() == Some('"') {
            return self.quoted();
        }
        let column = self.column();
        let from = self.pos;
        while self.peek().is_some_and(|c| !ends_word(c)) {
            self.pos += 1;
        }
        if self.pos == from {
            return Err(self.error_here(format!("expected a value after '{name}{}'", op.as_str())));
        }
        Ok(RawValue {
            text: self.text(from, self.pos),
            quoted: false,
            column,
        })
    }
}
