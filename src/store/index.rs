//! Secondary index entries of a record. One function computes them, so insert,
//! update, delete, bulk load, audit and repair can never disagree.
//!
//! - `idx:territory`: `territory \0 entity \0 key` -> the record's list row (its key
//!   and list columns as text), so that a territory's list is one range read with no
//!   lookups and a cheap decode;
//! - `idx:team`: `team \0 entity \0 key` -> the list row;
//! - `idx:ref`: `target_entity \0 target_key \0 entity \0 key \0 field` -> empty: every
//!   reference to a transactional record (customer, prospect, opportunity, campaign,
//!   ...), for reverse lookups and for refusing to delete a named record. References
//!   to reference data (code tables, salespersons, items) are not indexed: they are
//!   many, and deleting a code is rare, so its referrers are found by a scan instead;
//!   The same tree holds the date index: `@date \0 entity.field=YYYY-MM-DD \0
//!   entity \0 key \0 field` for every date field declared `dated`, so that the
//!   records due on a day are one prefix read (event rules, alerts), written and
//!   checked by the same code as the references;
//! - `idx:find`: the words quick find looks up, packed many postings to an entry
//!   (see `find::layout`).

use serde::{Deserialize, Serialize};

use super::codec;
use crate::model::{self, format_value, FieldKind, KeyKind, Record, Value};

pub const SEP: u8 = 0;

/// The index keys of one record, and the list row its territory and team entries carry.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct IndexEntries {
    pub territory: Vec<Vec<u8>>,
    pub team: Vec<Vec<u8>>,
    pub refs: Vec<Vec<u8>>,
    /// `idx:find`: one posting per searchable word (see `find`), sorted.
    pub find: Vec<super::find::Posting>,
    pub row: Vec<u8>,
}

/// A record as a list shows it: the key and the entity's list columns as text
/// (see `EntityDef::list_fields`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRow {
    pub key: String,
    pub columns: Vec<String>,
}

impl ListRow {
    pub fn of(record: &dyn Record) -> ListRow {
        let def = record.def();
        ListRow {
            key: record.key().to_string(),
            columns: def
                .list_fields()
                .into_iter()
                .map(|i| format_value(&def.fields[i].kind, &record.get(i)))
                .collect(),
        }
    }
}

/// Whether references to this entity go into `idx:ref`.
pub fn is_reverse_indexed(target: &str) -> bool {
    model::entity(target).is_some_and(|d| matches!(d.key, KeyKind::Generated(_)))
}

pub fn join(parts: &[&str]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(SEP);
        }
        out.extend_from_slice(p.as_bytes());
    }
    out
}

/// A prefix that matches every key starting with these parts.
pub fn prefix(parts: &[&str]) -> Vec<u8> {
    let mut p = join(parts);
    p.push(SEP);
    p
}

pub fn split(key: &[u8]) -> Vec<String> {
    key.split(|b| *b == SEP)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

/// Every (field path, target entity, target key) a record names.
pub fn references(record: &dyn Record) -> Vec<(String, &'static str, String)> {
    let def = record.def();
    let mut out = Vec::new();
    for (i, f) in def.fields.iter().enumerate() {
        match (f.kind, record.get(i)) {
            (FieldKind::Ref(target), Value::Text(k)) => out.push((f.name.to_string(), target, k)),
            (FieldKind::RefList(target), Value::List(keys)) => {
                out.extend(keys.into_iter().map(|k| (f.name.to_string(), target, k)))
            }
            (FieldKind::Lines(line), Value::Lines(lines)) => {
                for l in lines {
                    for (lf, v) in line.fields.iter().zip(l) {
                        if let (FieldKind::Ref(target), Value::Text(k)) = (lf.kind, v) {
                            out.push((format!("{}.{}", f.name, lf.name), target, k));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The first part of every date index entry (no entity is named so).
pub const DATE_INDEX: &str = "@date";

/// The part of a date entry that a day's records share.
pub fn date_day(entity: &str, field: &str, day: chrono::NaiveDate) -> String {
    format!("{entity}.{field}={day}")
}

fn date_entry(entity: &str, field: &str, day: chrono::NaiveDate, key: &str) -> Vec<u8> {
    join(&[
        DATE_INDEX,
        &date_day(entity, field, day),
        entity,
        key,
        field,
    ])
}

pub fn entries(record: &dyn Record) -> IndexEntries {
    let entity = record.def().name;
    let key = record.key();
    let mut e = IndexEntries::default();
    for (field, target, target_key) in references(record) {
        if !field.contains('.') {
            match target {
                "territory" => e.territory.push(join(&[&target_key, entity, key])),
                "sales_team" => e.team.push(join(&[&target_key, entity, key])),
                _ => {}
            }
        }
        if is_reverse_indexed(target) {
            e.refs
                .push(join(&[target, &target_key, entity, key, &field]));
        }
    }
    for (i, f) in record.def().fields.iter().enumerate() {
        if f.dated {
            if let Value::Date(d) = record.get(i) {
                e.refs.push(date_entry(entity, f.name, d, key));
            }
        }
    }
    for list in [&mut e.territory, &mut e.team, &mut e.refs] {
        list.sort();
        list.dedup();
    }
    e.find = super::find::postings(record);
    if !e.territory.is_empty() || !e.team.is_empty() {
        e.row = codec::encode(&ListRow::of(record));
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::opportunity::OpportunityItem;
    use crate::model::Opportunity;

    #[test]
    fn entries_cover_territory_team_and_transactional_references_once() {
        let o = Opportunity {
            key: "OPP0000001".into(),
            description: "x".into(),
            territory: "NORTH".into(),
            sales_team: "T1".into(),
            prospect: "PRO0000001".into(),
            competitors: vec!["ACME".into(), "ACME".into()],
            items: vec![OpportunityItem {
                item: "ITEM1".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let e = entries(&o);
        assert_eq!(
            e.territory,
            vec![join(&["NORTH", "opportunity", "OPP0000001"])]
        );
        assert_eq!(e.team, vec![join(&["T1", "opportunity", "OPP0000001"])]);
        let refs: Vec<Vec<String>> = e.refs.iter().map(|k| split(k)).collect();
        assert_eq!(
            refs,
            vec![vec![
                "prospect".to_string(),
                "PRO0000001".into(),
                "opportunity".into(),
                "OPP0000001".into(),
                "prospect".into()
            ]],
            "code tables (territory, competitor, item) are not reverse-indexed"
        );
        let row: ListRow = codec::decode(&e.row).unwrap();
        assert_eq!(row.key, "OPP0000001");
        assert_eq!(row.columns[0], "x");
    }
}
