//! The workflow commands: `crm convert prospect KEY`, `crm convert lead KEY
//! [--new-prospect]`, `crm accept QUOTE [--won REASON]`.

use anyhow::bail;

use super::CliResult;
use crate::api::Client;

pub fn run(api: &Client, what: &str, key: &str, new_prospect: bool) -> CliResult {
    if new_prospect && what != "lead" {
        bail!("--new-prospect goes with `crm convert lead KEY`");
    }
    match what {
        "lead" => {
            let done = api.convert_lead(key, new_prospect)?;
            if let Some(p) = &done.prospect {
                eprintln!("made prospect {p} from the lead's company");
            }
            if let Some(c) = &done.contact {
                eprintln!("the lead's person is contact {c}");
            }
            eprintln!(
                "lead {} is now opportunity {}",
                key.to_uppercase(),
                done.opportunity
            );
            outln!("{}", done.opportunity)?;
            Ok(())
        }
        "prospect" => {
            let done = api.convert_prospect(key)?;
            eprintln!(
                "prospect {} is now customer {}; {} record(s) moved to it",
                key.to_uppercase(),
                done.customer,
                done.moved.len()
            );
            outln!("{}", done.customer)?;
            Ok(())
        }
        other => bail!(
            "cannot convert '{other}': `crm convert prospect KEY` makes a customer, \
             `crm convert lead KEY` an opportunity"
        ),
    }
}

pub fn accept(api: &Client, key: &str, won: Option<String>, keep_amount: bool) -> CliResult {
    let how = crate::api::Acceptance {
        won_reason: won,
        keep_amount,
    };
    let done = api.accept_quote(key, how)?;
    match &done.won {
        Some(opp) => eprintln!(
            "quote {} accepted: order {}, opportunity {opp} won",
            key.to_uppercase(),
            done.order
        ),
        None => eprintln!(
            "quote {} accepted: order {}",
            key.to_uppercase(),
            done.order
        ),
    }
    outln!("{}", done.order)?;
    Ok(())
}

pub fn reject(api: &Client, key: &str) -> CliResult {
    api.reject_quote(key)?;
    eprintln!("quote {} rejected", key.trim().to_uppercase());
    Ok(())
}
