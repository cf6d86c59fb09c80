//! Prospect → customer: one transaction creates the customer with every field the
//! two share (address, phones, the CRM tab: territory, SIC, revenue, employees,
//! salesperson, sales team, ...), moves every record that named the prospect (contact
//! cross-references, interactions, leads, opportunities, quotes) to the customer, and
//! marks the prospect converted, pointing at its customer.

use crate::model::{self, Customer, Entity, EntityDef, FieldKind, Prospect, Record, Value};
use crate::store::{Change, Result, Store, StoreError};

/// What a conversion did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Converted {
    pub customer: String,
    /// (entity, key) of every record moved from the prospect to the customer.
    #[serde(with = "crate::util::statics::pairs")]
    pub moved: Vec<(crate::util::statics::Name, String)>,
}

fn refuse(key: &str, field: &str, value: &str, message: impl Into<String>) -> StoreError {
    StoreError::invalid(Prospect::DEF.name, key, field, value, message)
}

/// The entities whose records name a customer or a prospect (one or the other).
fn party_entities() -> impl Iterator<Item = &'static EntityDef> {
    fn names(def: &EntityDef, field: &str, target: &str) -> bool {
        def.field(field)
            .is_some_and(|f| f.kind.target() == Some(target) && matches!(f.kind, FieldKind::Ref(_)))
    }
    model::ENTITIES.iter().copied().filter(move |d| {
        names(d, "prospect", "prospect")
            && names(d, "customer", "customer")
            && d.name != "customer"
            && d.name != "prospect"
    })
}

pub fn convert_prospect(store: &Store, key: &str) -> Result<Converted> {
    let prospect = store.fetch_as::<Prospect>(key)?;
    if !prospect.customer.is_empty() || prospect.status == "converted" {
        return Err(refuse(
            &prospect.key,
            "customer",
            &prospect.customer,
            "this prospect was converted already; work with its customer",
        ));
    }

    // Every field the customer shares with the prospect, by name and kind.
    let mut customer = Customer::default();
    for (i, f) in Customer::DEF.fields.iter().enumerate() {
        if let Some(pf) = Prospect::DEF.field(f.name).filter(|pf| pf.kind == f.kind) {
            let value = (&prospect as &dyn Record).value(pf.name);
            customer
                .set(i, value)
                .map_err(|m| refuse(&prospect.key, f.name, "", m))?;
        }
    }
    customer.key = store.reserve_key(Customer::DEF)?;
    customer.prospect = prospect.key.clone();

    let mut changes = Vec::new();
    let mut moved = Vec::new();
    for def in party_entities() {
        let (Some(p), Some(c)) = (def.field_index("prospect"), def.field_index("customer")) else {
            continue;
        };
        for k in store.keys_naming(Prospect::DEF, &prospect.key, def)? {
            let mut record = store.fetch(def, &k)?;
            if record.get(p) != Value::Text(prospect.key.clone()) {
                continue;
            }
            record
                .set(p, Value::Empty)
                .map_err(|m| refuse(&prospect.key, "prospect", &k, m))?;
            record
                .set(c, Value::Text(customer.key.clone()))
                .map_err(|m| refuse(&prospect.key, "customer", &k, m))?;
            moved.push((def.name, k));
            changes.push(Change::Update(record));
        }
    }
    let mut converted = prospect.clone();
    converted.status = "converted".into();
    converted.customer = customer.key.clone();
    let customer_key = customer.key.clone();
    let mut all = vec![Change::Insert(Box::new(customer))];
    all.extend(changes);
    all.push(Change::Update(Box::new(converted)));
    store.apply(all)?;
    Ok(Converted {
        customer: customer_key,
        moved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, Store) {
        crate::ops::demo_store(3000)
    }

    /// The unconverted prospect that most records name.
    fn busiest_prospect(store: &Store) -> (String, usize) {
        store
            .scan(Prospect::DEF)
            .map(|r| r.unwrap())
            .filter(|r| r.value("status") != Value::Text("converted".into()))
            .map(|r| {
                let n: usize = party_entities()
                    .map(|d| store.keys_naming(Prospect::DEF, r.key(), d).unwrap().len())
                    .sum();
                (r.key().to_string(), n)
            })
            .max_by_key(|(_, n)| *n)
            .unwrap()
    }

    #[test]
    fn everything_that_named_the_prospect_names_the_customer() {
        let (_dir, store) = demo();
        let (key, named) = busiest_prospect(&store);
        assert!(named >= 2, "{key} is named by {named}");
        let before = store.get_as::<Prospect>(&key).unwrap().unwrap();
        let counts: Vec<usize> = model::ENTITIES.iter().map(|d| store.count(d)).collect();

        let done = convert_prospect(&store, &key).unwrap();
        assert_eq!(done.moved.len(), named);

        let customer = store.get_as::<Customer>(&done.customer).unwrap().unwrap();
        assert_eq!(customer.name, before.name);
        assert_eq!(
            (
                &customer.territory,
                &customer.sic_code,
                &customer.salesperson,
                &customer.sales_team
            ),
            (
                &before.territory,
                &before.sic_code,
                &before.salesperson,
                &before.sales_team
            )
        );
        assert_eq!(
            (customer.company_revenue, customer.employees),
            (before.company_revenue, before.employees)
        );
        assert_eq!(
            (&customer.street, &customer.city, &customer.phone),
            (&before.street, &before.city, &before.phone)
        );
        assert_eq!(customer.prospect, key);

        let after = store.get_as::<Prospect>(&key).unwrap().unwrap();
        assert_eq!(
            (after.status.as_str(), after.customer.as_str()),
            ("converted", done.customer.as_str())
        );
        for def in party_entities() {
            assert!(
                store
                    .keys_naming(Prospect::DEF, &key, def)
                    .unwrap()
                    .is_empty(),
                "{}",
                def.name
            );
        }
        let now_naming: usize = party_entities()
            .map(|d| {
                store
                    .keys_naming(Customer::DEF, &done.customer, d)
                    .unwrap()
                    .len()
            })
            .sum();
        assert_eq!(now_naming, named, "nothing lost, nothing gained");
        let counts_after: Vec<usize> = model::ENTITIES.iter().map(|d| store.count(d)).collect();
        for ((def, b), a) in model::ENTITIES.iter().zip(&counts).zip(&counts_after) {
            let expected = b + usize::from(def.name == "customer");
            assert_eq!(*a, expected, "{}", def.name);
        }
        assert!(store.audit().unwrap().is_clean());
    }

    #[test]
    fn a_converted_prospect_is_refused_and_nothing_changes() {
        let (_dir, store) = demo();
        let (key, _) = busiest_prospect(&store);
        convert_prospect(&store, &key).unwrap();
        let customers = store.count(Customer::DEF);
        let err = convert_prospect(&store, &key).unwrap_err();
        assert!(err.to_string().contains("converted already"), "{err}");
        assert_eq!(store.count(Customer::DEF), customers);
        assert!(matches!(
            convert_prospect(&store, "PRO9999999"),
            Err(StoreError::NotFound { .. })
        ));
    }
}
