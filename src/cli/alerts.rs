//! `crm alerts [--as SALESPERSON] [--all]`.

use anyhow::bail;

use super::output::print_report;
use super::{CliResult, Format};
use crate::api::{Client, Who};

pub fn run(api: &Client, as_salesperson: Option<String>, all: bool, format: Format) -> CliResult {
    let who = match (as_salesperson, all) {
        (Some(s), _) => Who::Salesperson(s),
        (None, true) => Who::Everyone,
        (None, false) => {
            let session = api.session();
            if session.salesperson.is_none() {
                bail!(
                    "no salesperson has the OS user name '{}': pass --as SALESPERSON or --all \
                     (or set os_user on your salesperson record)",
                    session.user
                );
            }
            Who::Me
        }
    };
    let (list, who) = api.alerts(who)?;
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
