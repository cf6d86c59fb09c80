//! A table's rows as the server sends them: per record its key and the text of
//! each column in the user's language, a reference by the name of the record it
//! names (from the name cache, never a lookup per row), money and dates as
//! `model::show_value` writes them.

use super::names::{self, Resolver};
use crate::model::{self, Column, EntityDef, FieldKind, Lang, Record};
use crate::store::{Result, Store};

/// What a table asks for.
pub struct Ask<'a> {
    pub def: &'static EntityDef,
    pub columns: &'a [Column],
    /// Skips records whose field of this number is empty.
    pub only: Option<usize>,
    pub lang: Lang,
}

/// The text of one column of a record.
pub fn cell(record: &dyn Record, column: Column, names: &Resolver, lang: Lang) -> String {
    let def = record.def();
    let named = |i: u16| -> String {
        let f = &def.fields[usize::from(i)];
        let value = record.get(usize::from(i));
        match (f.kind, value.as_str()) {
            (FieldKind::Ref(target), Some(key)) if !key.is_empty() => {
                names.name(target, key).unwrap_or_else(|| key.to_string())
            }
            _ => model::show_value(&f.kind, &value, lang),
        }
    };
    match column {
        Column::Key => record.key().to_string(),
        Column::Field(i) => named(i),
        Column::RefKey(i) => model::format_value(
            &def.fields[usize::from(i)].kind,
            &record.get(usize::from(i)),
        ),
        Column::Either(a, b) => {
            let first = named(a);
            if first.is_empty() {
                named(b)
            } else {
                first
            }
        }
    }
}

fn row(record: &dyn Record, ask: &Ask, names: &Resolver) -> (String, Vec<String>) {
    let cells = ask
        .columns
        .iter()
        .map(|&c| cell(record, c, names, ask.lang))
        .collect();
    (record.key().to_string(), cells)
}

/// Up to `limit` rows in key order after `after`.
pub fn rows_after(
    store: &Store,
    ask: &Ask,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<(String, Vec<String>)>> {
    let def = ask.def;
    let iter: Box<dyn Iterator<Item = Result<Box<dyn Record>>>> = match after {
        Some(a) => Box::new(store.scan_after(def, a)),
        None => Box::new(store.scan(def)),
    };
    let mut records = Vec::with_capacity(limit.min(65_536));
    for r in iter {
        let Ok(r) = r else { continue };
        if ask.only.is_some_and(|f| r.get(f).is_empty()) {
            continue;
        }
        records.push(r);
        if records.len() >= limit {
            break;
        }
    }
    let build = records.len() > names::SMALL;
    names::with(store, &names::targets(def, ask.columns), build, |names| {
        records
            .iter()
            .map(|r| row(r.as_ref(), ask, names))
            .collect()
    })
}

/// The rows of these keys, in their order; a record that is gone (or that
/// `only` leaves out) is left out.
pub fn rows_of(store: &Store, ask: &Ask, keys: &[String]) -> Result<Vec<(String, Vec<String>)>> {
    let mut records = Vec::with_capacity(keys.len());
    for k in keys {
        if let Some(r) = store.get(ask.def, k)? {
            if !ask.only.is_some_and(|f| r.get(f).is_empty()) {
                records.push(r);
            }
        }
    }
    let build = records.len() > names::SMALL;
    names::with(
        store,
        &names::targets(ask.def, ask.columns),
        build,
        |names| {
            records
                .iter()
                .map(|r| row(r.as_ref(), ask, names))
                .collect()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{columns, Entity, Money, Opportunity, Prospect};

    #[test]
    fn a_row_names_its_company_and_shows_money_in_the_users_language() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("db")).unwrap();
        let prospect = store
            .insert(Box::new(Prospect {
                name: "Hanse Robotik GmbH".into(),
                ..Prospect::default()
            }))
            .unwrap();
        let opp = store
            .insert(Box::new(Opportunity {
                description: "Neue Montagelinie".into(),
                prospect: prospect.clone(),
                amount: Some(Money::eur(21_638_000_000)),
                ..Opportunity::default()
            }))
            .unwrap();
        let def = Opportunity::DEF;
        let cols =
            columns::parse_list(def, "description,customer|prospect,amount,prospect.key").unwrap();
        let ask = Ask {
            def,
            columns: &cols,
            only: None,
            lang: Lang::De,
        };
        let rows = rows_after(&store, &ask, None, 10).unwrap();
        assert_eq!(
            rows,
            [(
                opp.clone(),
                vec![
                    "Neue Montagelinie".to_string(),
                    "Hanse Robotik GmbH".into(),
                    "216.380.000,00 €".into(),
                    prospect.clone()
                ]
            )]
        );
        let en = Ask {
            lang: Lang::En,
            ..ask
        };
        let rows = rows_of(&store, &en, &[opp, "OPP9999999".into()]).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1[2], "216,380,000.00 EUR");
    }
}
