//! Version 7 → 8: an order has a status and the lines of its quote. A stored
//! order gains status "open" and the lines of the quote it names (none when the
//! quote is gone); the states in the history gain status "open" and no lines.

use serde::Deserialize;

use crate::model::{Entity, Money, Order, Quote};
use crate::store::{codec, Result, Store, StoreError};

/// An order as version 7 stored it.
#[derive(Deserialize, serde::Serialize, Default)]
pub(super) struct Old {
    pub key: String,
    pub quote: String,
    pub customer: String,
    pub order_date: Option<chrono::NaiveDate>,
    pub total: Option<Money>,
    pub notes: String,
}

fn read(key: &[u8], bytes: &[u8]) -> Result<Old> {
    codec::decode_stored(bytes).map_err(|message| StoreError::Corrupt {
        entity: Order::DEF.name.to_string(),
        key: String::from_utf8_lossy(key).into_owned(),
        message,
    })
}

fn new_of(old: Old) -> Order {
    Order {
        key: old.key,
        quote: old.quote,
        customer: old.customer,
        order_date: old.order_date,
        status: "open".into(),
        total: old.total,
        lines: Vec::new(),
        notes: old.notes,
    }
}

fn upgrade(key: &[u8], bytes: &[u8]) -> Result<Vec<u8>> {
    let new = new_of(read(key, bytes)?);
    let encode_at = codec::codec_for(Order::DEF).encode_at;
    Ok(encode_at(&new, codec::rev_of(bytes).max(1)))
}

pub fn order_status_and_lines(store: &Store) -> Result<()> {
    super::rewrite(store, Order::DEF, upgrade)?;
    // The records themselves take their quote's lines (the quote tree is read
    // here, after the rewrite, so every order decodes as version 8).
    let (tree, codec) = store.tree(Order::DEF);
    for kv in tree.iter() {
        let (k, v) = kv?;
        let Ok(record) = (codec.decode)(&v) else {
            continue;
        };
        let Some(mut order) = record.downcast_ref::<Order>().cloned() else {
            continue;
        };
        if order.quote.is_empty() {
            continue;
        }
        let Some(quote) = store.get_as::<Quote>(&order.quote)? else {
            continue;
        };
        order.lines = quote.lines;
        tree.insert(&k, (codec.encode_at)(&order, codec::rev_of(&v).max(1)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::quote::QuoteLine;
    use crate::store::migrate::SCHEMA_VERSION;

    #[test]
    fn a_version_7_order_gains_status_open_and_its_quotes_lines() {
        let dir = tempfile::tempdir().unwrap();
        let line = QuoteLine {
            item: "PUMP".into(),
            qty: Some(2),
            unit_price: Some(Money::eur(10_000)),
            discount: None,
        };
        {
            let store = Store::open(dir.path()).unwrap();
            let quote = Quote {
                key: "QUO0000001".into(),
                lines: vec![line.clone()],
                ..Default::default()
            };
            let (tree, codec) = store.tree(Quote::DEF);
            tree.insert("QUO0000001", (codec.encode_at)(&quote, 1))
                .unwrap();
            let (tree, _) = store.tree(Order::DEF);
            for (key, quote) in [("ORD0000001", "QUO0000001"), ("ORD0000002", "")] {
                let old = Old {
                    key: key.into(),
                    quote: quote.into(),
                    customer: "CUS0000001".into(),
                    notes: "Teillieferung".into(),
                    ..Default::default()
                };
                tree.insert(key, codec::encode(&old)).unwrap();
            }
            store.set_schema_version(7).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), Some(SCHEMA_VERSION));
        let o = store.get_as::<Order>("ORD0000001").unwrap().unwrap();
        assert_eq!(
            (o.status.as_str(), o.lines.clone(), o.notes.as_str()),
            ("open", vec![line], "Teillieferung")
        );
        let o = store.get_as::<Order>("ORD0000002").unwrap().unwrap();
        assert_eq!((o.status.as_str(), o.lines.len()), ("open", 0));
    }
}
