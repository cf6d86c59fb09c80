//! `crm schema [ENTITY]`.

use std::io::Write;

use anyhow::anyhow;

use super::{CliResult, Format};
use crate::model::{entity_or_suggest, KeyKind, ENTITIES};

pub fn run(entity: Option<&str>, format: Format) -> CliResult {
    let mut out = std::io::stdout().lock();
    let Some(name) = entity else {
        for def in ENTITIES {
            match format {
                Format::Csv | Format::Json => writeln!(out, "{}", def.name)?,
                Format::Table => writeln!(out, "{:<20} {}", def.name, def.label_en)?,
            }
        }
        return Ok(());
    };
    let def = entity_or_suggest(name).map_err(|e| anyhow!(e))?;
    let key = match def.key {
        KeyKind::Code => "code typed by the user".to_string(),
        KeyKind::Generated(p) => format!("generated, {p}0000001"),
    };
    match format {
        Format::Json => {
            let fields: Vec<_> = def
                .fields
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "name": f.name, "label": f.label_en, "label_de": f.label_de,
                        "type": f.kind.type_name(), "required": f.required, "width": f.width,
                    })
                })
                .collect();
            let doc = serde_json::json!({"entity": def.name, "label": def.label_en, "key": key, "fields": fields});
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Csv => {
            writeln!(out, "name,label,type,required")?;
            for f in def.fields {
                writeln!(
                    out,
                    "{},{},{},{}",
                    f.name,
                    f.label_en,
                    f.kind.type_name(),
                    f.required
                )?;
            }
        }
        Format::Table => {
            writeln!(
                out,
                "{} ({} / {}); key: {key}",
                def.name, def.label_en, def.label_de
            )?;
            for f in def.fields {
                let req = if f.required { "required" } else { "" };
                writeln!(
                    out,
                    "  {:<18} {:<24} {:<26} {req}",
                    f.name,
                    f.label_en,
                    f.kind.type_name()
                )?;
            }
        }
    }
    Ok(())
}
