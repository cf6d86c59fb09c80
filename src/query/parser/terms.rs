//! The parser's special terms: `changed:`, `has:`/`no:` and `followed:`.

use super::{ends_word, Expr, Op, Parser};
use crate::model::{entity_or_suggest, field_or_suggest, EntityDef, FieldKind};
use crate::query::QueryError;

impl Parser {
    /// After `changed`: `:` and a comma-separated list of fields (not the key).
    pub(super) fn changed(
        &mut self,
        def: &'static EntityDef,
        column: usize,
        op: Op,
        op_column: usize,
    ) -> Result<Expr, QueryError> {
        if op != Op::Match {
            return Err(QueryError::new(
                op_column,
                "'changed' takes ':' and fields, as in changed:stage or changed:stage,amount",
            ));
        }
        let mut fields = Vec::new();
        loop {
            let at = self.column();
            let name = self.ident();
            if name.is_empty() {
                let after = if fields.is_empty() { "changed:" } else { "," };
                return Err(self.error_here(format!("expected a field after '{after}'")));
            }
            if name == "key" {
                return Err(QueryError::new(
                    at,
                    "a record's key does not change: 'changed:' takes fields",
                ));
            }
            let field = field_or_suggest(def, &name).map_err(|m| QueryError::new(at, m))?;
            if !fields.contains(&field) {
                fields.push(field);
            }
            if self.peek() != Some(',') {
                if self.peek().is_some_and(|c| !ends_word(c)) {
                    return Err(self.error_here(format!("expected ',' or a space after '{name}'")));
                }
                break;
            }
            self.pos += 1;
        }
        Ok(Expr::Changed { fields, column })
    }

    /// After `has:` / `no:`: an entity whose records name `def`, and an optional
    /// `(filter)` over that entity.
    pub(super) fn related(
        &mut self,
        def: &'static EntityDef,
        has: bool,
        column: usize,
    ) -> Result<Expr, QueryError> {
        let entity_column = self.column();
        let name = self.ident();
        if name.is_empty() {
            return Err(self.error_here(format!(
                "expected an entity after '{}:' (as in has:interaction)",
                if has { "has" } else { "no" }
            )));
        }
        let source = entity_or_suggest(&name).map_err(|m| QueryError::new(entity_column, m))?;
        let names_def = source.fields.iter().any(|f| match f.kind {
            FieldKind::Ref(t) | FieldKind::RefList(t) => t == def.name,
            FieldKind::Lines(line) => line
                .fields
                .iter()
                .any(|l| l.kind.target() == Some(def.name)),
            _ => false,
        });
        if !names_def {
            return Err(QueryError::new(
                entity_column,
                format!("no field of {} names a {}", source.name, def.name),
            ));
        }
        let mut filter = None;
        if self.peek() == Some('(') {
            let open = self.column();
            self.pos += 1;
            // The filter is over other records, which have no "before".
            let rule = std::mem::replace(&mut self.rule, false);
            let inner = self.nested(open, |p| p.or(source));
            self.rule = rule;
            let inner = inner?;
            self.close(open, &inner)?;
            filter = Some(Box::new(inner));
        } else if self.peek().is_some_and(|c| !ends_word(c)) {
            return Err(self.error_here(format!("expected '(' or a space after '{name}'")));
        }
        Ok(Expr::Related {
            has,
            source,
            filter,
            column,
        })
    }

    /// After `followed`: `:` and a date or date-time field.
    pub(super) fn followed(
        &mut self,
        def: &'static EntityDef,
        column: usize,
        op: Op,
        op_column: usize,
    ) -> Result<Expr, QueryError> {
        if op != Op::Match {
            return Err(QueryError::new(
                op_column,
                "'followed' takes ':' and a date field, as in followed:occurred_at",
            ));
        }
        let at = self.column();
        let name = self.ident();
        if name.is_empty() {
            return Err(self.error_here("expected a date field after 'followed:'"));
        }
        let field = field_or_suggest(def, &name).map_err(|m| QueryError::new(at, m))?;
        if !matches!(
            def.fields[field].kind,
            FieldKind::Date | FieldKind::DateTime
        ) {
            return Err(QueryError::new(
                at,
                format!(
                    "'followed:' compares dates, and {}.{name} is no date",
                    def.name
                ),
            ));
        }
        let names_party = def.fields.iter().any(
            |f| matches!(f.kind, FieldKind::Ref(t) if crate::store::index::is_reverse_indexed(t)),
        );
        if !names_party {
            return Err(QueryError::new(
                column,
                format!("{} names no record (a customer, prospect, contact …) whose later records could follow it", def.name),
            ));
        }
        if self.peek().is_some_and(|c| !ends_word(c)) {
            return Err(self.error_here(format!("expected a space after '{name}'")));
        }
        Ok(Expr::Followed { field, column })
    }
}
