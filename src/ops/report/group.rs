//! The generic report: any entity's records a query selects, grouped by one or
//! two fields with the count and the sum of money fields per group
//! (`crm query … --group-by FIELD[,FIELD] --sum FIELD`).

use super::{too_large, usage};
use crate::model::{field_or_suggest, format_value, EntityDef, FieldKind, Value};
use crate::query::{Env, Query};
use crate::report::{Cell, Chart, Column, ColumnKind, Group, GroupSort, Grouper, Section};
use crate::store::{Result, Store};

/// The field a group-by may use, or why not.
pub fn groupable(def: &EntityDef, name: &str) -> Result<usize> {
    let i = field_or_suggest(def, name.trim()).map_err(|e| usage("group_by", name, e))?;
    let why = match def.fields[i].kind {
        FieldKind::Multiline => Some("it is a multiline notes field: every record's text differs, so each group would be one record"),
        FieldKind::Lines(_) => Some("it holds lines, not one value per record"),
        FieldKind::Money => Some("it is an amount; sum it with --sum instead"),
        _ => None,
    };
    match why {
        Some(why) => Err(usage(
            "group_by",
            name,
            format!("cannot group by {}.{}: {why}", def.name, def.fields[i].name),
        )),
        None => Ok(i),
    }
}

/// A money field to sum, or why not.
pub fn summable(def: &EntityDef, name: &str) -> Result<usize> {
    let i = field_or_suggest(def, name.trim()).map_err(|e| usage("sum", name, e))?;
    if def.fields[i].kind != FieldKind::Money {
        return Err(usage(
            "sum",
            name,
            format!(
                "{}.{} is not an amount; --sum takes money fields",
                def.name, def.fields[i].name
            ),
        ));
    }
    Ok(i)
}

/// Groups the records `query` selects by `by` (one or two fields), summing `sum`
/// (empty: every money field). Rows are the innermost groups, largest count
/// first unless `sort` says otherwise; the total covers every record.
#[allow(clippy::too_many_arguments)]
pub fn group_query(
    store: &Store,
    env: &Env,
    query: &Query,
    by: &[String],
    sum: &[String],
    sort: GroupSort,
    descending: bool,
) -> Result<Section> {
    let def = query.entity;
    if by.is_empty() || by.len() > 2 {
        return Err(usage(
            "group_by",
            &by.join(","),
            "group by one field or two (FIELD or FIELD,FIELD)",
        ));
    }
    let by: Vec<usize> = by
        .iter()
        .map(|b| groupable(def, b))
        .collect::<Result<_>>()?;
    let sums: Vec<usize> = if sum.is_empty() {
        (0..def.fields.len())
            .filter(|&i| def.fields[i].kind == FieldKind::Money)
            .collect()
    } else {
        sum.iter()
            .map(|s| summable(def, s))
            .collect::<Result<_>>()?
    };
    let mut grouper = Grouper::new(by.len(), sums.len());
    let compiled = query.compile(store, env).map_err(|e| match e {
        crate::query::Error::Store(e) => e,
        other => usage("query", "", other.to_string()),
    })?;
    let mut labels = vec![String::new(); by.len()];
    let mut amounts = vec![None; sums.len()];
    let mut n = 0u32;
    crate::query::for_each(&compiled, |r| {
        for (l, &i) in labels.iter_mut().zip(&by) {
            *l = format_value(&def.fields[i].kind, &r.get(i));
        }
        for (a, &i) in amounts.iter_mut().zip(&sums) {
            *a = match r.get(i) {
                Value::Money(m) => Some(m),
                _ => None,
            };
        }
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        grouper
            .add(n, &refs, &amounts)
            .map_err(too_large("group"))?;
        n += 1;
        Ok(true)
    })?;
    let (mut groups, total) = grouper.finish();
    sort.apply(&mut groups, descending);
    let mut columns: Vec<Column> = by
        .iter()
        .map(|&i| {
            let f = &def.fields[i];
            Column::new(f.name, f.label_en, f.label_de, ColumnKind::Text)
        })
        .collect();
    columns.push(Column::new("count", "Count", "Anzahl", ColumnKind::Count));
    for &i in &sums {
        let f = &def.fields[i];
        columns.push(Column::new(
            &format!("sum_{}", f.name),
            &format!("Σ {}", f.label_en),
            &format!("Σ {}", f.label_de),
            ColumnKind::Money,
        ));
    }
    let row = |labels: Vec<String>, g: &Group| {
        let mut cells: Vec<Cell> = labels.into_iter().map(Cell::Text).collect();
        cells.push(Cell::Count(g.count));
        cells.extend(g.sums.iter().cloned().map(Cell::Money));
        cells
    };
    let mut rows = Vec::new();
    for g in &groups {
        if by.len() == 1 {
            rows.push(row(vec![g.label.clone()], g));
        } else {
            for c in &g.children {
                rows.push(row(vec![g.label.clone(), c.label.clone()], c));
            }
        }
    }
    let mut total_labels = vec!["Total".to_string()];
    total_labels.resize(by.len(), String::new());
    let names: Vec<&str> = by.iter().map(|&i| def.fields[i].name).collect();
    Ok(Section {
        name: format!("by_{}", names.join("_")),
        en: format!("{} by {}", def.label_en, names.join(" and ")),
        de: format!("{} nach {}", def.label_de, names.join(" und ")),
        columns,
        rows,
        total: Some(row(total_labels, &total)),
        chart: Chart::Bars {
            label: 0,
            values: vec![by.len()],
        },
    })
}
