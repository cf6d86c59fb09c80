//! The columns a table can show of an entity: its key, a field (a reference by the
//! name of the record it names), a reference's bare key, or the first set of two
//! references (an opportunity's customer or prospect: its company). Each entity
//! declares the columns a user reads first (`columns: [...]` in its `entity!`);
//! the column chooser offers the rest. Columns are named in text (a user's saved
//! choice, `:columns`) as `key`, `stage`, `customer.key`, `customer|prospect`.

use serde::{Deserialize, Serialize};

use super::schema::{EntityDef, FieldKind, Lang};

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Column {
    Key,
    /// A field; a reference shows the name of the record it names.
    Field(u16),
    /// A reference as stored: the key of the record it names.
    RefKey(u16),
    /// The first of two references that is set, by name.
    Either(u16, u16),
}

/// How a column sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// By its (lower-case) text.
    Text,
    /// By the number its text holds (integers, percentages, money); empty first.
    Number,
    /// By the date its text holds, in either language's convention; empty first.
    Date,
}

/// Two references shown as one column, and its label.
const EITHER_LABELS: &[(&str, &str, &str, &str)] = &[("customer", "prospect", "Company", "Firma")];

fn shown(kind: &FieldKind) -> bool {
    !matches!(
        kind,
        FieldKind::Lines(_) | FieldKind::RefList(_) | FieldKind::Multiline
    )
}

impl Column {
    /// The column a name means for `def`, or why there is none.
    pub fn parse(def: &EntityDef, name: &str) -> Result<Column, String> {
        let name = name.trim();
        let field = |n: &str| -> Result<u16, String> {
            let i = super::field_or_suggest(def, n)?;
            if !shown(&def.fields[i].kind) {
                return Err(format!(
                    "{}.{n} is a list or notes field, which a table does not show",
                    def.name
                ));
            }
            Ok(i as u16)
        };
        let is_ref = |i: u16| matches!(def.fields[usize::from(i)].kind, FieldKind::Ref(_));
        if name == "key" {
            return Ok(Column::Key);
        }
        if let Some((a, b)) = name.split_once('|') {
            let (a, b) = (field(a)?, field(b)?);
            if !is_ref(a) || !is_ref(b) {
                return Err(format!(
                    "'{name}': only two references make one column (customer|prospect)"
                ));
            }
            return Ok(Column::Either(a, b));
        }
        if let Some(f) = name.strip_suffix(".key") {
            let i = field(f)?;
            if !is_ref(i) {
                return Err(format!(
                    "{}.{f} is not a reference: it has no key",
                    def.name
                ));
            }
            return Ok(Column::RefKey(i));
        }
        field(name).map(Column::Field)
    }

    /// The column's name as `parse` reads it.
    pub fn name(self, def: &EntityDef) -> String {
        let f = |i: u16| def.fields[usize::from(i)].name;
        match self {
            Column::Key => "key".into(),
            Column::Field(i) => f(i).into(),
            Column::RefKey(i) => format!("{}.key", f(i)),
            Column::Either(a, b) => format!("{}|{}", f(a), f(b)),
        }
    }

    /// The heading of the column.
    pub fn label(self, def: &EntityDef, lang: Lang) -> String {
        let f = |i: u16| &def.fields[usize::from(i)];
        match self {
            Column::Key => match lang {
                Lang::En => "Key".into(),
                Lang::De => "Schlüssel".into(),
            },
            Column::Field(i) => f(i).label(lang).into(),
            Column::RefKey(i) => match lang {
                Lang::En => format!("{} key", f(i).label(lang)),
                Lang::De => format!("{} (Schlüssel)", f(i).label(lang)),
            },
            Column::Either(a, b) => {
                let named = EITHER_LABELS
                    .iter()
                    .find(|(x, y, _, _)| *x == f(a).name && *y == f(b).name);
                match (named, lang) {
                    (Some((_, _, en, _)), Lang::En) => (*en).into(),
                    (Some((_, _, _, de)), Lang::De) => (*de).into(),
                    (None, _) => format!("{} / {}", f(a).label(lang), f(b).label(lang)),
                }
            }
        }
    }

    /// The field the column shows (the first of two), None for the key.
    pub fn field(self) -> Option<usize> {
        match self {
            Column::Key => None,
            Column::Field(i) | Column::RefKey(i) | Column::Either(i, _) => Some(usize::from(i)),
        }
    }

    /// The kind of the values the column shows: a reference's key is a code, its
    /// name free text.
    pub fn shows_name(self, def: &EntityDef) -> bool {
        match self {
            Column::Field(i) => matches!(def.fields[usize::from(i)].kind, FieldKind::Ref(_)),
            Column::Either(..) => true,
            _ => false,
        }
    }

    pub fn order(self, def: &EntityDef) -> Order {
        let Some(i) = self.field() else {
            return Order::Text;
        };
        match def.fields[i].kind {
            FieldKind::Int | FieldKind::Money | FieldKind::Percent
                if !matches!(self, Column::Either(..)) =>
            {
                Order::Number
            }
            FieldKind::Date | FieldKind::DateTime => Order::Date,
            _ => Order::Text,
        }
    }

    /// How wide the column would like to be, before the terminal and the content
    /// have their say: a name is wider than the key it stands for.
    pub fn width(self, def: &EntityDef) -> u16 {
        let key_width = |d: &EntityDef| match d.key {
            super::KeyKind::Generated(prefix) => (prefix.len() + 7) as u16,
            super::KeyKind::Code => 12,
        };
        match self {
            Column::Key => key_width(def),
            Column::RefKey(i) => {
                let target = def.fields[usize::from(i)]
                    .kind
                    .target()
                    .and_then(super::entity);
                target.map_or(12, key_width)
            }
            Column::Field(i) if self.shows_name(def) => def.fields[usize::from(i)].width.max(20),
            Column::Either(..) => 24,
            Column::Field(i) => match def.fields[usize::from(i)].kind {
                FieldKind::Money => 18,
                FieldKind::Date => 10,
                _ => def.fields[usize::from(i)].width,
            },
        }
    }
}

/// The columns a table of `def` shows first: its declared ones, else its key and
/// every field a table can show.
pub fn defaults(def: &EntityDef) -> Vec<Column> {
    let declared: Vec<Column> = def
        .columns
        .iter()
        .filter_map(|n| Column::parse(def, n).ok())
        .collect();
    if !declared.is_empty() {
        return declared;
    }
    std::iter::once(Column::Key)
        .chain(
            def.fields
                .iter()
                .enumerate()
                .filter(|(_, f)| shown(&f.kind))
                .map(|(i, _)| Column::Field(i as u16)),
        )
        .collect()
}

/// Every column the chooser offers: the key, the declared pairs, every field a
/// table can show, and every reference's key.
pub fn offered(def: &EntityDef) -> Vec<Column> {
    let mut out = vec![Column::Key];
    out.extend(
        defaults(def)
            .into_iter()
            .filter(|c| matches!(c, Column::Either(..))),
    );
    for (i, f) in def.fields.iter().enumerate() {
        if shown(&f.kind) {
            out.push(Column::Field(i as u16));
        }
    }
    for (i, f) in def.fields.iter().enumerate() {
        if matches!(f.kind, FieldKind::Ref(_)) {
            out.push(Column::RefKey(i as u16));
        }
    }
    out
}

/// Columns from their names (`description,customer|prospect,stage`); the first
/// name that means none is the error.
pub fn parse_list(def: &EntityDef, names: &str) -> Result<Vec<Column>, String> {
    let mut out = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let c = Column::parse(def, name)?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err(format!(
            "name at least one column of {} (key, a field, FIELD.key)",
            def.name
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{self, Entity, Opportunity, Territory};

    #[test]
    fn every_declared_column_is_a_column() {
        for def in model::ENTITIES {
            for name in def.columns {
                let c = Column::parse(def, name).unwrap_or_else(|e| panic!("{}: {e}", def.name));
                assert_eq!(c.name(def), *name);
            }
            for c in offered(def) {
                assert_eq!(Column::parse(def, &c.name(def)), Ok(c), "{}", def.name);
            }
        }
    }

    #[test]
    fn opportunities_read_company_stage_amount_and_close_first() {
        let def = Opportunity::DEF;
        let names: Vec<String> = defaults(def).iter().map(|c| c.name(def)).collect();
        assert_eq!(
            names,
            [
                "description",
                "customer|prospect",
                "stage",
                "amount",
                "expected_close",
                "salesperson",
                "status"
            ]
        );
        let company = Column::parse(def, "customer|prospect").unwrap();
        assert_eq!(company.label(def, Lang::De), "Firma");
        assert!(offered(def).contains(&Column::parse(def, "customer.key").unwrap()));
        assert!(Column::parse(def, "notes").is_err());
        assert!(Column::parse(def, "amount.key").is_err());
        assert!(Column::parse(def, "stge").unwrap_err().contains("stage"));
        // An entity without a declaration shows its key and every field.
        assert_eq!(defaults(Territory::DEF)[0], Column::Key);
        assert_eq!(defaults(Territory::DEF).len(), 3);
    }
}
