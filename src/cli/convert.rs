//! `crm convert prospect KEY`.

use anyhow::bail;

use super::CliResult;
use crate::ops::convert::convert_prospect;
use crate::store::Store;

pub fn run(store: &Store, what: &str, key: &str) -> CliResult {
    match what {
        "prospect" => {
            let done = convert_prospect(store, key)?;
            eprintln!(
                "prospect {} is now customer {}; {} record(s) moved to it",
                key.to_uppercase(),
                done.customer,
                done.moved.len()
            );
            println!("{}", done.customer);
            Ok(())
        }
        other => bail!(
            "cannot convert a {other}: `crm convert prospect KEY` makes a prospect a customer"
        ),
    }
}
