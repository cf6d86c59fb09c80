//! add, get, set, rm, list.

use anyhow::{anyhow, bail};

use super::output::{print_record, print_records};
use super::{CliResult, Format};
use crate::api::{By, Client};
use crate::model::assign::{apply, split_assignment};
use crate::model::{entity_or_suggest, EntityDef};

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
            crate::util::excerpt(&e.value),
            e.message
        )
    })
}

pub fn add(api: &Client, entity_name: &str, args: &[String]) -> CliResult {
    let def = entity(entity_name)?;
    let pairs = parse_assignments(def, "(new)", args)?;
    let mut record = (def.new_record)();
    assign(def, "(new)", record.as_mut(), &pairs)?;
    let key = api.save(record, true)?;
    outln!("{key}")?;
    Ok(())
}

pub fn get(api: &Client, entity_name: &str, key: &str, format: Format) -> CliResult {
    let def = entity(entity_name)?;
    let (rev, record) = api.fetch_rev(def, key)?;
    print_record(record.as_ref(), Some(rev), format)
}

/// `crm set`: with `if_rev`, refused unless the record is still at that revision;
/// without, merged by field with whatever changed since it was read.
pub fn set(
    api: &Client,
    entity_name: &str,
    key: &str,
    args: &[String],
    if_rev: Option<u64>,
) -> CliResult {
    let def = entity(entity_name)?;
    let pairs = parse_assignments(def, key, args)?;
    if pairs.iter().any(|(f, _)| f == "key") {
        bail!("{} {key}: the key of a record cannot change", def.name);
    }
    let (rev, mut record) = api.fetch_rev(def, key)?;
    let key = record.key().to_string();
    let original = record.clone();
    assign(def, &key, record.as_mut(), &pairs)?;
    let base = match if_rev {
        Some(n) => (n, None),
        None => (rev, Some(original)),
    };
    let report = api.save_on(record, false, Some(base))?;
    if !report.merged.is_empty() {
        eprintln!(
            "{} {key}: saved at revision {}, merged with the change of {} by {}",
            def.name,
            report.rev,
            report.merged.join(", "),
            report.merged_from
        );
    }
    Ok(())
}

pub fn rm(api: &Client, entity_name: &str, key: &str) -> CliResult {
    let def = entity(entity_name)?;
    api.delete(def, key)?;
    Ok(())
}

pub fn list(
    api: &Client,
    entity_name: &str,
    territory: Option<String>,
    team: Option<String>,
    limit: Option<usize>,
    format: Format,
) -> CliResult {
    let def = entity(entity_name)?;
    let by = match (territory, team) {
        (Some(code), _) => Some(By::Territory(code)),
        (None, Some(code)) => Some(By::Team(code)),
        (None, None) => None,
    };
    let records = api.list(def, by, limit)?;
    print_records(def, &records, format)
}
