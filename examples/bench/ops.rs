//! The workflow rows of the bench: conversions through the real ops and store.

use std::time::Instant;

use termcrm::model::{Entity, Interaction, Opportunity, Prospect};
use termcrm::ops::convert::convert_prospect;
use termcrm::store::{Change, Store};

use super::{at_most_dur, dur, ms, row, Res};

/// A prospect named by 100 records (opportunities and interactions), converted.
pub fn workflow_rows(store: &Store) -> Res<()> {
    let territory = store
        .list(
            termcrm::model::entity("territory").expect("registered"),
            Some(1),
        )?
        .first()
        .map(|t| t.key().to_string())
        .unwrap_or_default();
    let prospect = Prospect {
        key: store.reserve_key(Prospect::DEF)?,
        name: "Bench Konvertierung GmbH".into(),
        territory,
        status: "open".into(),
        ..Default::default()
    };
    let key = prospect.key.clone();
    let mut changes = vec![Change::Insert(Box::new(prospect))];
    for i in 0..50 {
        changes.push(Change::Insert(Box::new(Opportunity {
            description: format!("Bench opportunity {i}"),
            prospect: key.clone(),
            ..Default::default()
        })));
        changes.push(Change::Insert(Box::new(Interaction {
            prospect: key.clone(),
            occurred_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
                .and_then(|d| d.and_hms_opt(10, 0, 0)),
            ..Default::default()
        })));
    }
    store.apply(changes)?;
    let t = Instant::now();
    let done = convert_prospect(store, &key)?;
    let took = t.elapsed();
    row(
        "convert a prospect with 100 related",
        &dur(took),
        "<= 50 ms",
        &at_most_dur(took, ms(50)),
        &format!("{} records moved, one transaction", done.moved.len()),
    );
    Ok(())
}
