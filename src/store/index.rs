//! Secondary index entries of a record. One function computes them, so insert,
//! update, delete, bulk load, audit and repair can never disagree.
//!
//! - `idx:territory`: `territory \0 entity \0 key` -> the encoded record, so that a
//!   territory's list is one range read with no lookups;
//! - `idx:team`: `team \0 entity \0 key` -> the encoded record;
//! - `idx:ref`: `target_entity \0 target_key \0 entity \0 key \0 field` -> empty: every
//!   reference, for reverse lookups and for refusing to delete a named record.

use crate::model::{FieldKind, Record, Value};

pub const SEP: u8 = 0;

/// The index keys of one record.
#[derive(Debug, Default, PartialEq)]
pub struct IndexEntries {
    pub territory: Vec<Vec<u8>>,
    pub team: Vec<Vec<u8>>,
    pub refs: Vec<Vec<u8>>,
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
        e.refs
            .push(join(&[target, &target_key, entity, key, &field]));
    }
    for list in [&mut e.territory, &mut e.team, &mut e.refs] {
        list.sort();
        list.dedup();
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::opportunity::OpportunityItem;
    use crate::model::Opportunity;

    #[test]
    fn entries_cover_every_reference_once() {
        let o = Opportunity {
            key: "OPP0000001".into(),
            description: "x".into(),
            territory: "NORTH".into(),
            sales_team: "T1".into(),
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
        assert_eq!(refs.len(), 4, "{refs:?}");
        assert!(refs.contains(&vec![
            "item".into(),
            "ITEM1".into(),
            "opportunity".into(),
            "OPP0000001".into(),
            "items.item".into()
        ]));
    }
}
