//! `crm alerts [--as SALESPERSON] [--all]`.

use anyhow::bail;

use super::output::print_report;
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
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            vec![
                a.date.to_string(),
                a.kind.to_string(),
                a.entity.to_string(),
                a.key.clone(),
                a.text.clone(),
            ]
        })
        .collect();
    let what = match &who {
        Some(w) => format!("alerts for {w}"),
        None => "alerts".to_string(),
    };
    print_report(
        &["date", "kind", "entity", "key", "text"],
        &rows,
        &what,
        format,
    )
}
