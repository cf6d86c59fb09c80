//! termcrm as a library: open a store, add a few related records, list them through
//! the territory index, and see referential integrity at work.
//!
//! Run with `cargo run --example library`. It works in a temporary directory and
//! leaves nothing behind.

use termcrm::model::{Entity, Money, Opportunity, Prospect, Salesperson, Territory};
use termcrm::store::{IndexKind, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A database is a directory. `Store::open` creates it (owner-only permissions),
    // bounds sled's cache and takes the one-process lock; `open_with` tunes that.
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path().join("crm"))?;

    // Records are the typed structs of `termcrm::model`; unset fields keep their
    // defaults. Code-table keys (territories, salespersons) are the user's code and
    // are upper-cased on insert, so `insert` returns the key actually stored.
    let rep = store.insert(Box::new(Salesperson {
        key: "jdoe".into(),
        name: "Jana Doe".into(),
        email: "jana.doe@example.com".into(),
        active: true,
        ..Default::default()
    }))?;

    // A reference is the referenced record's key; it must exist, or the insert is
    // refused (with the nearest existing key suggested). That is why the
    // salesperson came first.
    let north = store.insert(Box::new(Territory {
        key: "north".into(),
        description: "Norddeutschland".into(),
        salesperson: rep.clone(),
    }))?;

    // Prospects and opportunities get generated keys (PRO0000001, OPP0000001) when
    // they come without one.
    let prospect = store.insert(Box::new(Prospect {
        name: "Müller & Söhne GmbH".into(),
        city: "Lübeck".into(),
        territory: north.clone(),
        salesperson: rep.clone(),
        status: "open".into(),
        ..Default::default()
    }))?;

    // Money is integer cents with a currency, never a float: 12,500,000 cents is
    // 125,000.00 EUR.
    let opportunity = store.insert(Box::new(Opportunity {
        description: "Fräsmaschinen für das Werk Lübeck".into(),
        prospect: prospect.clone(),
        territory: north.clone(),
        salesperson: rep.clone(),
        probability: Some(40),
        amount: Some(Money::eur(12_500_000)),
        ..Default::default()
    }))?;
    println!("added salesperson {rep}, territory {north}, prospect {prospect}, opportunity {opportunity}");

    // Listing by territory reads the `idx:territory` index alone: one range read, no
    // scan of the opportunity tree, because each index entry carries the record.
    let listed = store.list_by(IndexKind::Territory, &north, Opportunity::DEF, None)?;
    println!("opportunities in territory {north}: {}", listed.len());
    for record in &listed {
        // The store hands out `Box<dyn Record>`; downcast to use the typed fields.
        if let Some(o) = record.downcast_ref::<Opportunity>() {
            let amount = o.amount.map(|m| m.to_string()).unwrap_or_default();
            println!(
                "  {}  {}  prospect {}  {}  {}%",
                o.key,
                o.description,
                o.prospect,
                amount,
                o.probability.unwrap_or(0)
            );
        }
    }

    // A record that others name cannot be deleted: the error lists who names it, so
    // no opportunity is ever left pointing at nothing.
    match store.delete(Prospect::DEF, &prospect) {
        Ok(()) => println!("unexpected: prospect {prospect} was deleted"),
        Err(e) => println!("deleting prospect {prospect} is refused: {e}"),
    }

    // Delete the referrer first, and the prospect can go.
    store.delete(Opportunity::DEF, &opportunity)?;
    store.delete(Prospect::DEF, &prospect)?;
    println!(
        "after deleting {opportunity} first, {prospect} could be deleted too; {} records left",
        store.total_records()
    );
    Ok(())
}
