//! Random sequences of inserts, updates and deletes against a model of what the
//! store should hold. After each sequence the indexes must equal what a full scan
//! computes, every write must have been accepted or refused exactly as the model
//! predicts, and the audit must be clean.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use termcrm::model::{
    self, Customer, Entity, EntityDef, Lead, Opportunity, Prospect, Record, SalesTeam, Territory,
    Value,
};
use termcrm::store::{find, Change, IndexKind, Store, StoreError};

/// Territory codes a write may name; the last one is never created.
const TERRITORIES: [&str; 4] = ["NORD", "SUED", "WEST", "OST"];
const CREATED_TERRITORIES: usize = 3;
const TEAMS: [&str; 3] = ["ALPHA", "BETA", "GAMMA"];
const CREATED_TEAMS: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Opportunity,
    Lead,
    Prospect,
}

impl Kind {
    fn def(self) -> &'static EntityDef {
        match self {
            Kind::Opportunity => Opportunity::DEF,
            Kind::Lead => Lead::DEF,
            Kind::Prospect => Prospect::DEF,
        }
    }
}

/// Whom an opportunity or lead names; slots index into every prospect key ever
/// handed out (deleted ones included) or the fixed customers.
#[derive(Debug, Clone, Copy)]
enum Party {
    None,
    Prospect(usize),
    Customer(usize),
    Both(usize, usize),
}

/// The referencing fields of one write: territory, team and party, each optional.
#[derive(Debug, Clone, Copy)]
struct Refs {
    territory: Option<usize>,
    team: Option<usize>,
    party: Party,
}

#[derive(Debug, Clone)]
enum Op {
    Insert(Kind, Refs),
    Update(Kind, usize, Refs),
    Delete(Kind, usize),
    DeleteTerritory(usize),
    DeleteTeam(usize),
    /// A new name (and phone) through a multi-record write: quick find's words change.
    Rename(Kind, usize),
}

fn refs() -> impl Strategy<Value = Refs> {
    let party = prop_oneof![
        3 => Just(Party::None),
        4 => (0..8usize).prop_map(Party::Prospect),
        2 => (0..2usize).prop_map(Party::Customer),
        1 => (0..8usize, 0..2usize).prop_map(|(p, c)| Party::Both(p, c)),
    ];
    let territory = prop_oneof![
        1 => Just(None),
        6 => (0..CREATED_TERRITORIES).prop_map(Some),
        1 => Just(Some(TERRITORIES.len() - 1)),
    ];
    let team = prop_oneof![
        1 => Just(None),
        4 => (0..CREATED_TEAMS).prop_map(Some),
        1 => Just(Some(TEAMS.len() - 1)),
    ];
    (territory, team, party).prop_map(|(territory, team, party)| Refs {
        territory,
        team,
        party,
    })
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        3 => Just(Kind::Opportunity),
        2 => Just(Kind::Lead),
        2 => Just(Kind::Prospect),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (kind(), refs()).prop_map(|(k, r)| Op::Insert(k, r)),
        5 => (kind(), any::<usize>(), refs()).prop_map(|(k, i, r)| Op::Update(k, i, r)),
        3 => (kind(), any::<usize>()).prop_map(|(k, i)| Op::Delete(k, i)),
        1 => (0..TERRITORIES.len()).prop_map(Op::DeleteTerritory),
        1 => (0..TEAMS.len()).prop_map(Op::DeleteTeam),
        3 => (kind(), any::<usize>()).prop_map(|(k, i)| Op::Rename(k, i)),
    ]
}

/// What a record names, as the model keeps it.
#[derive(Debug, Clone, Default, PartialEq)]
struct Row {
    territory: String,
    team: String,
    prospect: String,
    customer: String,
}

/// The outcome the model predicts for a write.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Ok,
    Invalid,
    Dangling,
    Referenced,
    NotFound,
}

fn outcome<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(StoreError::Invalid { .. }) => Outcome::Invalid,
        Err(StoreError::DanglingRef { .. }) => Outcome::Dangling,
        Err(StoreError::Referenced { .. }) => Outcome::Referenced,
        Err(StoreError::NotFound { .. }) => Outcome::NotFound,
        Err(other) => panic!("unexpected error: {other:?}"),
    }
}

struct Model {
    territories: BTreeSet<String>,
    teams: BTreeSet<String>,
    customers: Vec<String>,
    /// Every prospect key the store handed out, deleted ones included.
    prospect_keys: Vec<String>,
    rows: BTreeMap<(Kind, String), Row>,
    /// Successful inserts per kind: the next generated key follows from it.
    inserted: BTreeMap<Kind, u64>,
}

impl Model {
    fn row_for(&self, kind: Kind, refs: Refs) -> Row {
        let territory = refs
            .territory
            .map(|i| TERRITORIES[i].to_string())
            .unwrap_or_default();
        let team = refs.team.map(|i| TEAMS[i].to_string()).unwrap_or_default();
        let prospect = |i: usize| {
            if self.prospect_keys.is_empty() {
                String::new()
            } else {
                self.prospect_keys[i % self.prospect_keys.len()].clone()
            }
        };
        let customer = |i: usize| self.customers[i % self.customers.len()].clone();
        let (prospect, customer) = match (kind, refs.party) {
            // A prospect names no customer or prospect in these tests.
            (Kind::Prospect, _) | (_, Party::None) => (String::new(), String::new()),
            (_, Party::Prospect(p)) => (prospect(p), String::new()),
            (_, Party::Customer(c)) => (String::new(), customer(c)),
            (_, Party::Both(p, c)) => (prospect(p), customer(c)),
        };
        Row {
            territory,
            team,
            prospect,
            customer,
        }
    }

    fn keys_of(&self, kind: Kind) -> Vec<String> {
        self.rows
            .keys()
            .filter(|(k, _)| *k == kind)
            .map(|(_, key)| key.clone())
            .collect()
    }

    /// Schema rules first, then references, as the store checks them.
    fn predict_write(&self, row: &Row) -> Outcome {
        if !row.prospect.is_empty() && !row.customer.is_empty() {
            return Outcome::Invalid;
        }
        let dangling = (!row.territory.is_empty() && !self.territories.contains(&row.territory))
            || (!row.team.is_empty() && !self.teams.contains(&row.team))
            || (!row.prospect.is_empty()
                && !self
                    .rows
                    .contains_key(&(Kind::Prospect, row.prospect.clone())));
        if dangling {
            Outcome::Dangling
        } else {
            Outcome::Ok
        }
    }

    fn named(&self, pred: impl Fn(&Row) -> bool) -> bool {
        self.rows.values().any(pred)
    }
}

fn build(kind: Kind, key: &str, n: usize, row: &Row) -> Box<dyn Record> {
    match kind {
        Kind::Opportunity => Box::new(Opportunity {
            key: key.to_string(),
            description: format!("Chance {n}"),
            territory: row.territory.clone(),
            sales_team: row.team.clone(),
            prospect: row.prospect.clone(),
            customer: row.customer.clone(),
            ..Default::default()
        }),
        Kind::Lead => Box::new(Lead {
            key: key.to_string(),
            last_name: format!("Müller {n}"),
            territory: row.territory.clone(),
            sales_team: row.team.clone(),
            prospect: row.prospect.clone(),
            customer: row.customer.clone(),
            ..Default::default()
        }),
        Kind::Prospect => Box::new(Prospect {
            key: key.to_string(),
            name: format!("Bäckerei {n}"),
            territory: row.territory.clone(),
            sales_team: row.team.clone(),
            ..Default::default()
        }),
    }
}

fn row_of(record: &dyn Record) -> Row {
    let text = |name: &str| record.value(name).as_str().unwrap_or("").to_string();
    Row {
        territory: text("territory"),
        team: text("sales_team"),
        prospect: text("prospect"),
        customer: text("customer"),
    }
}

fn setup(store: &Store) -> Model {
    for code in &TERRITORIES[..CREATED_TERRITORIES] {
        let t = Territory {
            key: code.to_string(),
            description: format!("Gebiet {code}"),
            ..Default::default()
        };
        store.insert(Box::new(t)).unwrap();
    }
    for code in &TEAMS[..CREATED_TEAMS] {
        let t = SalesTeam {
            key: code.to_string(),
            name: format!("Team {code}"),
            ..Default::default()
        };
        store.insert(Box::new(t)).unwrap();
    }
    let customers = (0..2)
        .map(|i| {
            let c = Customer {
                name: format!("Kunde {i}"),
                territory: TERRITORIES[i].to_string(),
                sales_team: TEAMS[i].to_string(),
                ..Default::default()
            };
            store.insert(Box::new(c)).unwrap()
        })
        .collect();
    Model {
        territories: TERRITORIES[..CREATED_TERRITORIES]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        teams: TEAMS[..CREATED_TEAMS]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        customers,
        prospect_keys: Vec::new(),
        rows: BTreeMap::new(),
        inserted: BTreeMap::new(),
    }
}

fn apply(store: &Store, model: &mut Model, n: usize, op: &Op) -> Result<(), TestCaseError> {
    match *op {
        Op::Insert(kind, refs) => {
            let row = model.row_for(kind, refs);
            let want = model.predict_write(&row);
            let result = store.insert(build(kind, "", n, &row));
            prop_assert_eq!(outcome(&result), want, "{:?} {:?}: {:?}", op, row, result);
            if let Ok(key) = result {
                let count = model.inserted.entry(kind).or_insert(0);
                *count += 1;
                let prefix = &kind.def().name[..3].to_uppercase();
                prop_assert_eq!(
                    &key,
                    &format!("{prefix}{:07}", *count),
                    "keys are never reused"
                );
                if kind == Kind::Prospect {
                    model.prospect_keys.push(key.clone());
                }
                model.rows.insert((kind, key), row);
            }
        }
        Op::Update(kind, pick, refs) => {
            let existing = model.keys_of(kind);
            if existing.is_empty() {
                return Ok(());
            }
            let key = existing[pick % existing.len()].clone();
            let row = model.row_for(kind, refs);
            let want = model.predict_write(&row);
            let mut record = store.fetch(kind.def(), &key).unwrap();
            let fresh = build(kind, &key, n, &row);
            // Change only the referencing fields; the rest stays as stored.
            for field in ["territory", "sales_team", "prospect", "customer"] {
                if let Some(i) = kind.def().field_index(field) {
                    record.set(i, fresh.value(field)).unwrap();
                }
            }
            let result = store.update(record);
            prop_assert_eq!(outcome(&result), want, "{:?} {:?}: {:?}", op, row, result);
            if result.is_ok() {
                model.rows.insert((kind, key), row);
            }
        }
        Op::Rename(kind, pick) => {
            let existing = model.keys_of(kind);
            if existing.is_empty() {
                return Ok(());
            }
            let key = existing[pick % existing.len()].clone();
            let mut record = store.fetch(kind.def(), &key).unwrap();
            let name = ["description", "last_name", "name"]
                .iter()
                .find_map(|f| kind.def().field_index(f))
                .unwrap();
            record
                .set(name, Value::Text(format!("Neue Straße {n} GmbH")))
                .unwrap();
            if let Some(phone) = kind.def().field_index("phone") {
                record
                    .set(phone, Value::Text(format!("+49 40 47{n:02}-0{}", n % 7)))
                    .unwrap();
            }
            let result = store.apply(vec![Change::Update(record)]);
            prop_assert!(result.is_ok(), "{:?}: {:?}", op, result);
        }
        Op::Delete(kind, pick) => {
            let existing = model.keys_of(kind);
            // Now and then a key that was never handed out.
            let key = if existing.is_empty() || pick % 10 == 0 {
                format!("{}9999999", &kind.def().name[..3].to_uppercase())
            } else {
                existing[pick % existing.len()].clone()
            };
            let want = if !model.rows.contains_key(&(kind, key.clone())) {
                Outcome::NotFound
            } else if kind == Kind::Prospect && model.named(|r| r.prospect == key) {
                Outcome::Referenced
            } else {
                Outcome::Ok
            };
            let result = store.delete(kind.def(), &key);
            prop_assert_eq!(outcome(&result), want, "{:?} {}: {:?}", op, key, result);
            if let Err(StoreError::Referenced {
                referrers, total, ..
            }) = &result
            {
                let mut got: Vec<(String, String)> = referrers
                    .iter()
                    .map(|r| (r.entity.clone(), r.key.clone()))
                    .collect();
                got.sort();
                let mut expected: Vec<(String, String)> = model
                    .rows
                    .iter()
                    .filter(|(_, r)| r.prospect == key)
                    .map(|((k, key), _)| (k.def().name.to_string(), key.clone()))
                    .collect();
                expected.sort();
                prop_assert_eq!(*total, expected.len());
                expected.truncate(10);
                prop_assert_eq!(got.len(), expected.len());
                if *total <= 10 {
                    prop_assert_eq!(got, expected);
                }
            }
            if result.is_ok() {
                model.rows.remove(&(kind, key));
            }
        }
        Op::DeleteTerritory(i) => {
            let code = TERRITORIES[i].to_string();
            let want = if !model.territories.contains(&code) {
                Outcome::NotFound
            } else if model.named(|r| r.territory == code) || i < model.customers.len() {
                // The fixed customers name the first territories.
                Outcome::Referenced
            } else {
                Outcome::Ok
            };
            let result = store.delete(Territory::DEF, &code);
            prop_assert_eq!(outcome(&result), want, "{:?}: {:?}", op, result);
            if result.is_ok() {
                model.territories.remove(&code);
            }
        }
        Op::DeleteTeam(i) => {
            let code = TEAMS[i].to_string();
            let want = if !model.teams.contains(&code) {
                Outcome::NotFound
            } else if model.named(|r| r.team == code) || i < model.customers.len() {
                Outcome::Referenced
            } else {
                Outcome::Ok
            };
            let result = store.delete(SalesTeam::DEF, &code);
            prop_assert_eq!(outcome(&result), want, "{:?}: {:?}", op, result);
            if result.is_ok() {
                model.teams.remove(&code);
            }
        }
    }
    Ok(())
}

type Keys = BTreeSet<String>;

fn scan_keys(store: &Store, def: &EntityDef, field: &str, code: &str) -> Keys {
    store
        .scan(def)
        .map(|r| r.unwrap())
        .filter(|r| r.value(field).as_str() == Some(code))
        .map(|r| r.key().to_string())
        .collect()
}

fn check_indexes(store: &Store, model: &Model) -> Result<(), TestCaseError> {
    let report = store.audit().unwrap();
    prop_assert!(report.is_clean(), "{}", report);

    let defs = [Opportunity::DEF, Lead::DEF, Prospect::DEF, Customer::DEF];
    for def in defs {
        // The store holds what the model says, field for field.
        for r in store.scan(def) {
            let r = r.unwrap();
            let kind = match def.name {
                "opportunity" => Kind::Opportunity,
                "lead" => Kind::Lead,
                "prospect" => Kind::Prospect,
                _ => continue,
            };
            let row = model.rows.get(&(kind, r.key().to_string()));
            prop_assert_eq!(Some(&row_of(r.as_ref())), row, "{} {}", def.name, r.key());
        }
        for (index, field, codes) in [
            (IndexKind::Territory, "territory", &TERRITORIES[..]),
            (IndexKind::Team, "sales_team", &TEAMS[..]),
        ] {
            for code in codes {
                let listed = store.list_by(index, code, def, None).unwrap();
                let listed_keys: Keys = listed.iter().map(|r| r.key().to_string()).collect();
                prop_assert_eq!(listed_keys.len(), listed.len(), "a key listed twice");
                prop_assert_eq!(
                    &listed_keys,
                    &scan_keys(store, def, field, code),
                    "{:?} {} {}",
                    index,
                    code,
                    def.name
                );
                // The index carries the record as stored now.
                for r in &listed {
                    let stored = store.get(def, r.key()).unwrap().unwrap();
                    prop_assert!(stored.eq_record(r.as_ref()), "stale copy of {}", r.key());
                }
            }
        }
    }

    // The find index holds exactly the words a full scan computes, and each record is
    // found by its searchable text.
    let mut by_scan: Vec<(String, &'static str, String)> = Vec::new();
    for def in model::ENTITIES {
        for r in store.scan(def) {
            let r = r.unwrap();
            for w in find::index_words(r.as_ref()) {
                by_scan.push((w, def.name, r.key().to_string()));
            }
        }
    }
    by_scan.sort();
    let mut by_index = store.find_index().unwrap();
    by_index.sort();
    prop_assert_eq!(by_index, by_scan, "find index against a full scan");
    for def in defs {
        for r in store.scan(def) {
            let r = r.unwrap();
            let text = find::search_text(r.as_ref());
            let hits = store.find(&text, usize::MAX).unwrap();
            prop_assert!(
                hits.iter()
                    .any(|h| h.entity.name == def.name && h.key == r.key()),
                "{} {} not found by '{}'",
                def.name,
                r.key(),
                text
            );
        }
    }

    // Reverse lookups agree with a scan.
    let mut targets: Vec<(&EntityDef, String)> = model
        .prospect_keys
        .iter()
        .map(|k| (Prospect::DEF, k.clone()))
        .collect();
    targets.extend(model.customers.iter().map(|k| (Customer::DEF, k.clone())));
    targets.extend(TERRITORIES.iter().map(|t| (Territory::DEF, t.to_string())));
    targets.extend(TEAMS.iter().map(|t| (SalesTeam::DEF, t.to_string())));
    for (target, key) in &targets {
        // Each of these entities names its target in a field of the target's name.
        let field = target.name;
        let mut by_scan: BTreeSet<(String, String)> = BTreeSet::new();
        for def in defs {
            if def.field(field).is_none() {
                continue;
            }
            let named = scan_keys(store, def, field, key);
            let naming: Keys = store
                .keys_naming(target, key, def)
                .unwrap()
                .into_iter()
                .collect();
            prop_assert_eq!(&naming, &named, "{} {} <- {}", target.name, key, def.name);
            by_scan.extend(named.into_iter().map(|k| (def.name.to_string(), k)));
        }
        let (referrers, total) = store.referrers(target, key, usize::MAX).unwrap();
        prop_assert_eq!(total, referrers.len());
        let by_index: BTreeSet<(String, String)> =
            referrers.into_iter().map(|r| (r.entity, r.key)).collect();
        prop_assert_eq!(by_index, by_scan, "referrers of {} {}", target.name, key);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        ..ProptestConfig::default()
    })]

    #[test]
    fn indexes_equal_a_full_scan_after_any_sequence_of_writes(
        ops in prop::collection::vec(op(), 1..40)
    ) {
        let (_dir, store) = common::fast_store();
        let mut model = setup(&store);
        for (n, op) in ops.iter().enumerate() {
            apply(&store, &mut model, n, op)?;
        }
        check_indexes(&store, &model)?;
    }
}
