//! Schema versions. The `meta` tree holds the version a database was written with;
//! on open, every migration from that version to `SCHEMA_VERSION` runs in order.

use super::{Result, Store, StoreError};

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = 8;

/// Moves a database from version N to N+1.
pub type Migration = fn(&Store) -> Result<()>;

/// `MIGRATIONS[i]` moves a database from version `i + 1` to `i + 2`.
pub static MIGRATIONS: &[Migration] = &[
    v1::forecast_lines_follow,
    build_find_index,
    v3::salesperson_role,
    revisions_begin,
    v5::contact_fields,
    v6::task_lead_and_date_index,
    v7::order_status_and_lines,
];

/// 4 -> 5: records carry revisions and changes are kept in the history. A record
/// stored before reads as revision 1 (its bytes say so: see `codec`), and its
/// first change writes it with revision 2; the history starts empty. Nothing is
/// rewritten, so a million-record database migrates at once.
fn revisions_begin(_store: &Store) -> Result<()> {
    Ok(())
}

mod v5;
mod v6;
mod v7;

/// Rewrites every stored record of `def` and every state of it in the history
/// through `upgrade` (stored bytes in, stored bytes out, revision kept).
fn rewrite(
    store: &Store,
    def: &crate::model::EntityDef,
    upgrade: fn(&[u8], &[u8]) -> Result<Vec<u8>>,
) -> Result<()> {
    use super::{codec, history::States};
    let (tree, _) = store.tree(def);
    for kv in tree.iter() {
        let (k, v) = kv?;
        tree.insert(&k, upgrade(&k, &v)?)?;
    }
    let prefix = format!("{}\0", def.name);
    for kv in store.hist_rec.scan_prefix(prefix.as_bytes()) {
        let (k, v) = kv?;
        let mut states: States = codec::decode(&v).map_err(|message| StoreError::Corrupt {
            entity: "history".to_string(),
            key: String::from_utf8_lossy(&k).into_owned(),
            message,
        })?;
        if let Some(before) = states.before.take() {
            states.before = Some(codec::Bytes(upgrade(&k, &before)?));
            store.hist_rec.insert(&k, codec::encode(&states))?;
        }
    }
    Ok(())
}

/// 2 -> 3: quick find's index (`idx:find`) is built from the records once; from
/// then on every write keeps it.
fn build_find_index(store: &Store) -> Result<()> {
    store.rebuild_indexes(true)
}

const VERSION_KEY: &[u8] = b"schema_version";

impl Store {
    /// The schema version recorded in the database.
    pub fn schema_version(&self) -> Result<Option<u32>> {
        Ok(self.meta.get(VERSION_KEY)?.and_then(|v| {
            let bytes: [u8; 4] = v.as_ref().try_into().ok()?;
            Some(u32::from_be_bytes(bytes))
        }))
    }

    fn set_schema_version(&self, version: u32) -> Result<()> {
        self.meta.insert(VERSION_KEY, &version.to_be_bytes())?;
        self.flush()
    }
}

/// Brings the database to the version `migrations` lead to. A new database is
/// stamped with that version; one from a newer build is refused.
pub fn run(store: &Store, migrations: &[Migration]) -> Result<()> {
    let target = 1 + migrations.len() as u32;
    let found = match store.schema_version()? {
        Some(v) => v,
        None => return store.set_schema_version(target),
    };
    if found > target {
        return Err(StoreError::NewerSchema {
            path: store.path().display().to_string(),
            found,
            known: target,
        });
    }
    for version in found..target {
        migrations[(version - 1) as usize](store)?;
        store.set_schema_version(version + 1)?;
    }
    Ok(())
}

/// Version 1 → 2: forecast lines gained the opportunity's status, territory and
/// sales team, so roll-ups read forecasts alone.
mod v1 {
    use serde::Deserialize;

    use super::{Result, Store};
    use crate::model::sales_forecast::ForecastLine;
    use crate::model::{Entity, Money, Opportunity, SalesForecast};
    use crate::store::{codec, StoreError};

    #[derive(Deserialize)]
    struct Line {
        opportunity: String,
        amount: Option<Money>,
        probability: Option<i64>,
        stage: String,
    }

    #[derive(Deserialize)]
    struct Forecast {
        key: String,
        salesperson: String,
        period: String,
        status: String,
        quota: Option<Money>,
        forecast_amount: Option<Money>,
        lines: Vec<Line>,
        notes: String,
    }

    pub fn forecast_lines_follow(store: &Store) -> Result<()> {
        let (tree, _) = store.tree(SalesForecast::DEF);
        for kv in tree.iter() {
            let (k, v) = kv?;
            let old: Forecast =
                codec::decode_stored(&v).map_err(|message| StoreError::Corrupt {
                    entity: SalesForecast::DEF.name.to_string(),
                    key: String::from_utf8_lossy(&k).into_owned(),
                    message,
                })?;
            let mut lines = Vec::with_capacity(old.lines.len());
            for l in old.lines {
                let opp = store.get_as::<Opportunity>(&l.opportunity)?;
                lines.push(ForecastLine {
                    status: opp.as_ref().map(|o| o.status.clone()).unwrap_or_default(),
                    territory: opp
                        .as_ref()
                        .map(|o| o.territory.clone())
                        .unwrap_or_default(),
                    sales_team: opp.map(|o| o.sales_team).unwrap_or_default(),
                    opportunity: l.opportunity,
                    amount: l.amount,
                    probability: l.probability,
                    stage: l.stage,
                });
            }
            let new = SalesForecast {
                key: old.key,
                salesperson: old.salesperson,
                period: old.period,
                status: old.status,
                quota: old.quota,
                forecast_amount: old.forecast_amount,
                lines,
                notes: old.notes,
            };
            tree.insert(k, codec::encode(&new))?;
        }
        Ok(())
    }
}

/// Version 3 → 4: a salesperson has a role (admin, sales, read-only); existing
/// salespersons get none, which means sales.
mod v3 {
    use serde::Deserialize;

    use super::{Result, Store};
    use crate::model::{Entity, Salesperson};
    use crate::store::{codec, StoreError};

    #[derive(Deserialize)]
    struct Old {
        key: String,
        name: String,
        email: String,
        os_user: String,
        active: bool,
    }

    pub fn salesperson_role(store: &Store) -> Result<()> {
        let (tree, _) = store.tree(Salesperson::DEF);
        for kv in tree.iter() {
            let (k, v) = kv?;
            let old: Old = codec::decode_stored(&v).map_err(|message| StoreError::Corrupt {
                entity: Salesperson::DEF.name.to_string(),
                key: String::from_utf8_lossy(&k).into_owned(),
                message,
            })?;
            let new = Salesperson {
                key: old.key,
                name: old.name,
                email: old.email,
                os_user: old.os_user,
                active: old.active,
                role: String::new(),
            };
            tree.insert(k, codec::encode(&new))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(store: &Store) -> Result<()> {
        let n = store.meta.get(b"marks")?.map(|v| v[0]).unwrap_or(0);
        store.meta.insert(b"marks", &[n + 1])?;
        Ok(())
    }

    #[test]
    fn a_version_2_database_gets_its_find_index() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            store
                .insert(Box::new(crate::model::Competitor {
                    key: "ACME".into(),
                    name: "Acme Werkzeuge".into(),
                    ..Default::default()
                }))
                .unwrap();
            // As a version 2 build left it: no find index.
            store.idx_find.clear().unwrap();
            store.set_schema_version(2).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), Some(SCHEMA_VERSION));
        let hits = store.find("werkz", 20).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].key, "ACME");
        assert!(store.audit().unwrap().is_clean());
    }

    #[test]
    fn a_version_3_salesperson_gets_the_sales_role() {
        use crate::model::{Entity, Salesperson};
        #[derive(serde::Serialize)]
        struct Old<'a> {
            key: &'a str,
            name: &'a str,
            email: &'a str,
            os_user: &'a str,
            active: bool,
        }
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let (tree, _) = store.tree(Salesperson::DEF);
            let old = Old {
                key: "AMUELLER",
                name: "Anja Müller",
                email: "anja@example.com",
                os_user: "anja",
                active: true,
            };
            tree.insert("AMUELLER", super::super::codec::encode(&old))
                .unwrap();
            store.set_schema_version(3).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let s = store.fetch_as::<Salesperson>("AMUELLER").unwrap();
        assert_eq!(
            (s.name.as_str(), s.os_user.as_str(), s.active),
            ("Anja Müller", "anja", true)
        );
        assert_eq!(s.role, "");
    }

    #[test]
    fn a_version_5_contact_and_its_history_gain_the_address_book_fields() {
        use super::v5::Old;
        use crate::model::{Entity, SalesContact};
        use crate::store::codec;
        use crate::store::history::States;
        let old = |city: &str| Old {
            key: "CON0000001".into(),
            last_name: "Dörr".into(),
            email: "doerr@example.de".into(),
            city: city.into(),
            no_calls: true,
            notes: "Nur vormittags".into(),
            ..Old::default()
        };
        let at = |o: &Old, rev: u64| {
            let mut out = vec![codec::RECORD_VERSION];
            bincode::serde::encode_into_std_write((rev, o), &mut out, bincode::config::standard())
                .unwrap();
            out
        };
        let dir = tempfile::tempdir().unwrap();
        let hist_key = super::super::history::rec_key("sales_contact", "CON0000001", 7);
        {
            let store = Store::open(dir.path()).unwrap();
            let (tree, _) = store.tree(SalesContact::DEF);
            tree.insert("CON0000001", at(&old("Köln"), 3)).unwrap();
            let states = States {
                kind: None,
                rev: 3,
                before: Some(codec::Bytes(at(&old("Bonn"), 2))),
            };
            store
                .hist_rec
                .insert(&hist_key, codec::encode(&states))
                .unwrap();
            store.set_schema_version(5).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let c = store.fetch_as::<SalesContact>("CON0000001").unwrap();
        assert_eq!(
            (
                c.last_name.as_str(),
                c.city.as_str(),
                c.no_calls,
                c.notes.as_str()
            ),
            ("Dörr", "Köln", true, "Nur vormittags")
        );
        assert_eq!((c.email2.as_str(), c.birthday), ("", None));
        let (tree, _) = store.tree(SalesContact::DEF);
        assert_eq!(codec::rev_of(&tree.get("CON0000001").unwrap().unwrap()), 3);
        let states: States =
            codec::decode(&store.hist_rec.get(&hist_key).unwrap().unwrap()).unwrap();
        let before = states.before.unwrap();
        assert_eq!(codec::rev_of(&before), 2);
        let was: SalesContact = codec::decode_stored(&before).unwrap();
        assert_eq!(was.city, "Bonn");
    }

    #[test]
    fn a_version_4_database_s_records_are_at_revision_1_and_go_on_from_there() {
        use crate::model::{Competitor, Entity};
        let dir = tempfile::tempdir().unwrap();
        let old = Competitor {
            key: "ACME".into(),
            name: "Acme Werkzeuge".into(),
            ..Default::default()
        };
        {
            let store = Store::open(dir.path()).unwrap();
            // As a version 4 build stored it: no revision, no history.
            let (tree, _) = store.tree(Competitor::DEF);
            tree.insert("ACME", super::super::codec::encode(&old))
                .unwrap();
            store.set_schema_version(4).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), Some(SCHEMA_VERSION));
        let (rev, record) = store.get_rev(Competitor::DEF, "ACME").unwrap().unwrap();
        assert_eq!(rev, 1);
        assert!(record.eq_record(&old));
        assert!(store
            .history(Competitor::DEF, "ACME", None)
            .unwrap()
            .is_empty());
        let mut changed = old.clone();
        changed.name = "Acme Werkzeugbau".into();
        store.update(Box::new(changed)).unwrap();
        assert_eq!(
            store.get_rev(Competitor::DEF, "ACME").unwrap().unwrap().0,
            2
        );
        let h = store.history(Competitor::DEF, "ACME", None).unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(
            (h[0].rev, h[0].fields[0].old.as_str()),
            (2, "Acme Werkzeuge")
        );
        assert!(store.audit().unwrap().history.is_empty());
    }

    #[test]
    fn runs_each_pending_migration_once_and_refuses_newer() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), Some(SCHEMA_VERSION));
        assert_eq!(SCHEMA_VERSION as usize, 1 + MIGRATIONS.len());
        store.set_schema_version(1).unwrap();
        run(&store, &[mark, mark]).unwrap();
        assert_eq!(store.schema_version().unwrap(), Some(3));
        assert_eq!(store.meta.get(b"marks").unwrap().unwrap()[0], 2);
        run(&store, &[mark, mark]).unwrap();
        assert_eq!(
            store.meta.get(b"marks").unwrap().unwrap()[0],
            2,
            "ran twice"
        );
        let err = run(&store, &[]).unwrap_err();
        assert!(matches!(
            err,
            StoreError::NewerSchema {
                found: 3,
                known: 1,
                ..
            }
        ));
    }

    #[test]
    fn version_1_forecast_lines_gain_their_opportunitys_status_territory_and_team() {
        use crate::model::Entity;
        #[derive(serde::Serialize)]
        struct Line(String, Option<crate::model::Money>, Option<i64>, String);
        #[derive(serde::Serialize)]
        struct Forecast(
            String,
            String,
            String,
            String,
            Option<i64>,
            Option<i64>,
            Vec<Line>,
            String,
        );
        let (_dir, store) = crate::ops::demo_store(3000);
        let opp = store
            .scan(crate::model::Opportunity::DEF)
            .map(|r| {
                r.unwrap()
                    .downcast_ref::<crate::model::Opportunity>()
                    .unwrap()
                    .clone()
            })
            .find(|o| !o.territory.is_empty() && !o.sales_team.is_empty())
            .unwrap();
        let old = Forecast(
            "FCS9000001".into(),
            opp.salesperson.clone(),
            "2026-Q4".into(),
            "draft".into(),
            None,
            None,
            vec![Line(
                opp.key.clone(),
                opp.amount,
                Some(40),
                opp.stage.clone(),
            )],
            "from version 1".into(),
        );
        // A version-1 database holds only version-1 forecasts.
        let (tree, _) = store.tree(crate::model::SalesForecast::DEF);
        tree.clear().unwrap();
        tree.insert("FCS9000001", crate::store::codec::encode(&old))
            .unwrap();
        store.set_schema_version(1).unwrap();
        run(&store, &MIGRATIONS[..1]).unwrap();
        let f = store
            .get_as::<crate::model::SalesForecast>("FCS9000001")
            .unwrap()
            .unwrap();
        assert_eq!(f.notes, "from version 1");
        let l = &f.lines[0];
        assert_eq!(
            (
                l.opportunity.as_str(),
                l.probability,
                l.territory.as_str(),
                l.sales_team.as_str(),
                l.status.as_str()
            ),
            (
                opp.key.as_str(),
                Some(40),
                opp.territory.as_str(),
                opp.sales_team.as_str(),
                opp.status.as_str()
            )
        );
        assert_eq!(store.schema_version().unwrap(), Some(2));
    }
}
