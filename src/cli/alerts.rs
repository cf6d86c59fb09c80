//! `crm alerts [--as SALESPERSON] [--all]`.

use std::io::Write;

use anyhow::bail;

use super::{CliResult, Format};
use crate::model::value::today;
use crate::ops::alerts::{alerts, me};
use crate::store::Store;

pub fn run(store: &Store, as_salesperson: Option<String>, all: bool, format: Format) -> CliResult {
    let who = match (as_salesperson, all) {
        (Some(s), _) => Some(
            store
                .fetch(crate::model::entity("salesperson").expect("registered"), &s)?
                .key()
                .to_string(),
        ),
        (None, true) => None,
        (None, false) => {
            let user = std::env::var("USER").unwrap_or_default();
            match me(store, &user)? {
                Some(s) => Some(s),
                None => bail!(
                    "no salesperson has the OS user name '{user}': pass --as SALESPERSON or --all \
                     (or set os_user on your salesperson record)"
                ),
            }
        }
    };
    let list = alerts(store, who.as_deref(), today())?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let items: Vec<_> = list
                .iter()
                .map(|a| serde_json::json!({"date": a.date.to_string(), "kind": a.kind, "entity": a.entity, "key": a.key, "text": a.text}))
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(["date", "kind", "entity", "key", "text"])?;
            for a in &list {
                w.write_record([
                    a.date.to_string().as_str(),
                    a.kind,
                    a.entity,
                    &a.key,
                    &a.text,
                ])?;
            }
            w.flush()?;
        }
        Format::Table => {
            for a in &list {
                writeln!(
                    out,
                    "{}  {:<13}  {:<16}  {:<10}  {}",
                    a.date, a.kind, a.entity, a.key, a.text
                )?;
            }
            writeln!(
                out,
                "({} alerts{})",
                list.len(),
                who.map(|w| format!(" for {w}")).unwrap_or_default()
            )?;
        }
    }
    Ok(())
}
