//! Saving a record the way a user saves it (form or `crm add`/`crm set`): the
//! entity's rules first, then the record and what follows from it in one
//! transaction — draft forecasts follow an opportunity, a forecast's lines follow
//! their opportunities, and a company keeps one primary contact.

use crate::model::{ContactXref, Customer, Entity, Opportunity, Prospect, Record, SalesForecast};
use crate::ops::{forecast, rules};
use crate::store::{Change, Result, Store};

/// Saves `record` (`old` is the stored version on update) and returns its key.
pub fn save(
    store: &Store,
    old: Option<&dyn Record>,
    mut record: Box<dyn Record>,
) -> Result<String> {
    rules::before_save(store, old, record.as_mut())?;
    // The event rules' "set" and "hold" actions, with the record as the rules left it.
    crate::ops::events::before_save(store, old, record.as_mut())?;
    if let Some(f) = record.as_any().downcast_ref::<SalesForecast>() {
        let mut f = f.clone();
        forecast::refresh_lines(store, &mut f)?;
        record = Box::new(f);
    }
    let mut follow = Vec::new();
    if let Some(opp) = record.as_any().downcast_ref::<Opportunity>() {
        if old.is_some() {
            follow = forecast::follow(store, opp)?;
        }
    }
    if let Some(x) = record.as_any().downcast_ref::<ContactXref>() {
        follow = one_primary(store, x)?;
    }
    if follow.is_empty() {
        // The single-record path validates before it draws a generated key.
        return match old {
            Some(_) => {
                let key = record.key().to_string();
                store.update(record).map(|()| key)
            }
            None => store.insert(record),
        };
    }
    let mut changes = vec![if old.is_some() {
        Change::Update(record)
    } else {
        Change::Insert(record)
    }];
    changes.extend(follow);
    let keys = store.apply(changes)?;
    Ok(keys.into_iter().next().unwrap_or_default())
}

/// When `x` is its company's primary contact, the other cross-references of that
/// company stop being primary.
fn one_primary(store: &Store, x: &ContactXref) -> Result<Vec<Change>> {
    if !x.primary {
        return Ok(Vec::new());
    }
    let (def, key) = if x.customer.is_empty() {
        (Prospect::DEF, &x.prospect)
    } else {
        (Customer::DEF, &x.customer)
    };
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for k in store.keys_naming(def, key, ContactXref::DEF)? {
        if k == x.key {
            continue;
        }
        if let Some(mut other) = store.get_as::<ContactXref>(&k)? {
            if other.primary {
                other.primary = false;
                out.push(Change::Update(Box::new(other)));
            }
        }
    }
    Ok(out)
}
