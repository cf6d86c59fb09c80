//! add, get, set, rm, list.

use anyhow::{anyhow, bail};

use super::output::{print_record, print_records};
use super::{CliResult, Format};
use crate::model::assign::{apply, split_assignment};
use crate::model::{entity_or_suggest, EntityDef};
use crate::ops::save::save;
use crate::store::{IndexKind, Store};

fn entity(name: &str) -> anyhow::Result<&'static EntityDef> {
    entity_or_suggest(name).map_err(|e| anyhow!(e))
}

fn parse_assignments(
    def: &EntityDef,
    key: &str,
    args: &[String],
) -> anyhow::Result<Vec<(String, String)>> {
    args.iter()
        .map(|a| {
            split_assignment(a)
                .map(|(f, v)| (f.to_string(), v.to_string()))
                .map_err(|e| anyhow!("{} {key}: {e}", def.name))
        })
        .collect()
}

fn assign(
    def: &EntityDef,
    key: &str,
    record: &mut dyn crate::model::Record,
    pairs: &[(String, String)],
) -> CliResult {
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(f, v)| (f.as_str(), v.as_str()))
        .collect();
    apply(record, &refs).map_err(|e| {
        anyhow!(
            "{} {key}: {} = '{}': {}",
            def.name,
            e.field,
            e.value,
            e.message
        )
    })
}

pub fn add(store: &Store, entity_name: &str, args: &[String]) -> CliResult {
    let def = entity(entity_name)?;
    let pairs = parse_assignments(def, "(new)", args)?;
    let mut record = (def.new_record)();
    assign(def, "(new)", record.as_mut(), &pairs)?;
    let key = save(store, None, record)?;
    println!("{key}");
    Ok(())
}

pub fn get(store: &Store, entity_name: &str, key: &str, format: Format) -> CliResult {
    let def = entity(entity_name)?;
    let record = store.fetch(def, key)?;
    print_record(record.as_ref(), format)
}

pub fn set(store: &Store, entity_name: &str, key: &str, args: &[String]) -> CliResult {
    let def = entity(entity_name)?;
    let pairs = parse_assignments(def, key, args)?;
    if pairs.iter().any(|(f, _)| f == "key") {
        bail!("{} {key}: the key of a record cannot change", def.name);
    }
    let mut record = store.fetch(def, key)?;
    let old = record.clone();
    let key = record.key().to_string();
    assign(def, &key, record.as_mut(), &pairs)?;
    save(store, Some(old.as_ref()), record)?;
    Ok(())
}

pub fn rm(store: &Store, entity_name: &str, key: &str) -> CliResult {
    let def = entity(entity_name)?;
    store.delete(def, key)?;
    Ok(())
}

pub fn list(
    store: &Store,
    entity_name: &str,
    territory: Option<String>,
    team: Option<String>,
    limit: Option<usize>,
    format: Format,
) -> CliResult {
    let def = entity(entity_name)?;
    let records = match (territory, team) {
        (Some(code), _) => by_index(store, IndexKind::Territory, &code, def, limit)?,
        (None, Some(code)) => by_index(store, IndexKind::Team, &code, def, limit)?,
        (None, None) => store.list(def, limit)?,
    };
    print_records(def, &records, format)
}

fn by_index(
    store: &Store,
    index: IndexKind,
    code: &str,
    def: &'static EntityDef,
    limit: Option<usize>,
) -> anyhow::Result<Vec<Box<dyn crate::model::Record>>> {
    let (target, field) = match index {
        IndexKind::Territory => ("territory", "territory"),
        IndexKind::Team => ("sales_team", "sales_team"),
    };
    if def.field(field).is_none() {
        bail!(
            "{} has no {field}; `crm schema {}` lists its fields",
            def.name,
            def.name
        );
    }
    let target_def = crate::model::entity(target).expect("registered");
    // An unknown code is an error, not an empty list: it is most likely a typo.
    if code.trim().is_empty() {
        bail!(
            "--{} needs a code",
            if target == "territory" {
                "territory"
            } else {
                "team"
            }
        );
    }
    store.fetch(target_def, code)?;
    Ok(store.list_by(index, code, def, limit)?)
}
