//! Revisions, merges, conflicts, the history, undo and restore, and the change
//! feed: through the application interface, as two users on one database (two
//! sessions in this process, and two socket clients of one server), and through the
//! command line.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::assert_clean;
use common::cli::{crm, stop_server};
use termcrm::api::local::Local;
use termcrm::api::remote::{Remote, Target};
use termcrm::api::{ChangeKind, Client, ErrorKind, Push, Role, Session};
use termcrm::model::{Entity, Lead, Opportunity, OpportunityTask, Prospect, Value};
use termcrm::server::{Config, Server};
use termcrm::store::{IndexKind, Store};

fn demo_store() -> (tempfile::TempDir, Arc<Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("db")).unwrap());
    store
        .bulk_insert(termcrm::demo::generate(2000, 1), |_| {})
        .unwrap();
    (dir, store)
}

/// A session of `user` on `store`, in this process.
fn as_user(store: &Arc<Store>, user: &str, role: Role) -> Client {
    Client::new(Arc::new(Local::with_session(
        Arc::clone(store),
        Session {
            uid: 1000,
            user: user.into(),
            salesperson: None,
            role,
        },
    )))
}

fn opp(api: &Client, key: &str) -> (u64, Opportunity) {
    let (rev, r) = api.fetch_rev(Opportunity::DEF, key).unwrap();
    (rev, r.downcast_ref::<Opportunity>().cloned().unwrap())
}

fn first_key(store: &Store, def: &'static termcrm::model::EntityDef) -> String {
    store.list(def, Some(1)).unwrap()[0].key().to_string()
}

#[test]
fn two_users_change_different_fields_and_both_changes_are_kept() {
    let (_dir, store) = demo_store();
    let (anja, bob) = (
        as_user(&store, "anja", Role::Sales),
        as_user(&store, "bob", Role::Sales),
    );
    let key = first_key(&store, Opportunity::DEF);
    let (rev_a, base_a) = opp(&anja, &key);
    let (rev_b, base_b) = opp(&bob, &key);
    assert_eq!(rev_a, rev_b);

    let mut mine = base_a.clone();
    mine.description = "Fräszentrum, zweite Stufe".into();
    let a = anja
        .save_on(Box::new(mine), false, Some((rev_a, Some(Box::new(base_a)))))
        .unwrap();
    assert_eq!(a.rev, rev_a + 1);
    assert!(a.merged.is_empty());

    let mut theirs = base_b.clone();
    theirs.probability = Some(90);
    let b = bob
        .save_on(
            Box::new(theirs),
            false,
            Some((rev_b, Some(Box::new(base_b)))),
        )
        .unwrap();
    assert_eq!(b.rev, rev_a + 2);
    assert_eq!(b.merged, vec!["description".to_string()]);
    assert!(b.merged_from.starts_with("anja at "), "{}", b.merged_from);

    let (_, stored) = opp(&anja, &key);
    assert_eq!(stored.description, "Fräszentrum, zweite Stufe");
    assert_eq!(stored.probability, Some(90));
    let h = anja.history(Opportunity::DEF, &key, None).unwrap();
    assert_eq!(
        (h[0].user.as_str(), h[0].fields[0].field.as_str()),
        ("bob", "probability")
    );
    assert_eq!(
        (h[1].user.as_str(), h[1].fields[0].field.as_str()),
        ("anja", "description")
    );
    assert_eq!(h[0].via, "Save");
    assert_clean(&store);
}

#[test]
fn the_same_field_changed_by_both_is_a_choice_and_nothing_is_written() {
    let (_dir, store) = demo_store();
    let (anja, bob) = (
        as_user(&store, "anja", Role::Sales),
        as_user(&store, "bob", Role::Sales),
    );
    let key = first_key(&store, Opportunity::DEF);
    let (rev, base) = opp(&anja, &key);
    let mut b = base.clone();
    b.probability = Some(60);
    bob.save_on(
        Box::new(b),
        false,
        Some((rev, Some(Box::new(base.clone())))),
    )
    .unwrap();

    let mut a = base.clone();
    a.probability = Some(70);
    a.notes = "Angebot nachfassen".into();
    let e = anja
        .save_on(
            Box::new(a),
            false,
            Some((rev, Some(Box::new(base.clone())))),
        )
        .unwrap_err();
    let ErrorKind::Conflict { rev: now, fields } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(*now, rev + 1);
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(
        (
            fields[0].field.as_str(),
            fields[0].mine.as_str(),
            fields[0].theirs.as_str()
        ),
        ("probability", "70", "60")
    );
    assert!(e.message.contains("changed by bob"), "{}", e.message);
    assert!(fields[0].by.starts_with("bob at "), "{}", fields[0].by);
    let (after, stored) = opp(&anja, &key);
    assert_eq!(after, rev + 1, "nothing written");
    assert_eq!(stored.probability, Some(60));
    assert_ne!(stored.notes, "Angebot nachfassen");

    // Without an original there is nothing to merge with: a stale revision is refused.
    let mut c = stored.clone();
    c.notes = "x".into();
    let e = anja
        .save_on(Box::new(c.clone()), false, Some((rev, None)))
        .unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Stale {
            base: rev,
            rev: rev + 1
        }
    );
    let e = anja
        .save_on(Box::new(c), false, Some((rev + 5, None)))
        .unwrap_err();
    assert!(e.message.contains("ahead of the record"), "{}", e.message);
    assert_eq!(opp(&anja, &key).0, rev + 1);
}

#[test]
fn a_record_deleted_meanwhile_is_gone_and_can_be_saved_as_new() {
    let (_dir, store) = demo_store();
    let (anja, admin) = (
        as_user(&store, "anja", Role::Sales),
        as_user(&store, "chef", Role::Admin),
    );
    let key = first_key(&store, OpportunityTask::DEF);
    let (rev, task) = anja.fetch_rev(OpportunityTask::DEF, &key).unwrap();
    admin.delete(OpportunityTask::DEF, &key).unwrap();
    let mut mine = task.clone();
    let i = OpportunityTask::DEF.field_index("description").unwrap();
    mine.set(i, Value::Text("Rückruf".into())).unwrap();
    let e = anja
        .save_on(mine.clone(), false, Some((rev, Some(task))))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Gone, "{e:?}");
    assert!(e.message.contains("deleted by chef"), "{}", e.message);
    let again = anja.save_on(mine, true, None).unwrap();
    assert_eq!(again.key, key);
    assert_eq!(
        again.rev,
        rev + 1,
        "a key used again never repeats a revision"
    );
    assert_clean(&store);
}

#[test]
fn undo_takes_back_a_whole_conversion_and_refuses_after_someone_else_s_change() {
    let (_dir, store) = demo_store();
    let (anja, bob) = (
        as_user(&store, "anja", Role::Sales),
        as_user(&store, "bob", Role::Sales),
    );
    // A prospect with opportunities and contacts, as the conversion moves them.
    let prospect = store
        .list(Opportunity::DEF, None)
        .unwrap()
        .iter()
        .map(|r| r.downcast_ref::<Opportunity>().unwrap().prospect.clone())
        .find(|p| !p.is_empty())
        .expect("an opportunity of a prospect");
    let opps_before = store
        .keys_naming(Prospect::DEF, &prospect, Opportunity::DEF)
        .unwrap();
    let before = store.get(Prospect::DEF, &prospect).unwrap().unwrap();
    let total = store.total_records();

    let converted = anja.convert_prospect(&prospect).unwrap();
    let customer = converted.customer.clone();
    assert!(store
        .get(termcrm::model::Customer::DEF, &customer)
        .unwrap()
        .is_some());

    let undone = anja.undo().unwrap();
    assert_eq!(undone.via, "ConvertProspect");
    assert!(store
        .get(termcrm::model::Customer::DEF, &customer)
        .unwrap()
        .is_none());
    let back = store.get(Prospect::DEF, &prospect).unwrap().unwrap();
    assert!(back.eq_record(before.as_ref()), "{back:?} / {before:?}");
    assert_eq!(
        store
            .keys_naming(Prospect::DEF, &prospect, Opportunity::DEF)
            .unwrap(),
        opps_before
    );
    assert_eq!(store.total_records(), total);
    assert_clean(&store);
    let h = anja.history(Prospect::DEF, &prospect, Some(1)).unwrap();
    assert_eq!((h[0].user.as_str(), h[0].via.as_str()), ("anja", "Undo"));

    // Nothing more of anja's to take back; bob has nothing at all.
    let e = anja.undo().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused);
    assert!(e.message.contains("nothing to undo"), "{}", e.message);
    let e = bob.undo().unwrap_err();
    assert!(e.message.contains("nothing to undo"), "{}", e.message);

    // Anja changes a record, bob changes it after her: her undo is refused, naming him.
    let key = opps_before[0].clone();
    let (_, mut o) = opp(&anja, &key);
    o.notes = "von Anja".into();
    anja.save(Box::new(o), false).unwrap();
    let (_, mut o) = opp(&bob, &key);
    o.probability = Some(33);
    bob.save(Box::new(o), false).unwrap();
    let rev = opp(&anja, &key).0;
    let e = anja.undo().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused);
    assert!(e.message.contains("by bob"), "{}", e.message);
    assert_eq!(opp(&anja, &key).0, rev, "nothing changed");
    // Bob's own undo takes his change back; then anja's goes through.
    bob.undo().unwrap();
    anja.undo().unwrap();
    let (_, o) = opp(&anja, &key);
    assert_ne!(o.notes, "von Anja");
    assert_clean(&store);
}

#[test]
fn a_deleted_record_comes_back_with_its_index_entries() {
    let (_dir, store) = demo_store();
    let admin = as_user(&store, "chef", Role::Admin);
    // A lead nothing names, in a territory.
    let lead = store
        .list(Lead::DEF, None)
        .unwrap()
        .into_iter()
        .find(|c| {
            store.referrers(Lead::DEF, c.key(), 1).unwrap().1 == 0
                && !c.value("territory").is_empty()
        })
        .expect("a lead nobody names");
    let key = lead.key().to_string();
    let territory = lead
        .value("territory")
        .as_str()
        .unwrap_or_default()
        .to_string();
    let listed = |store: &Store| {
        store
            .keys_by(IndexKind::Territory, &territory, Lead::DEF, None)
            .unwrap()
            .contains(&key)
    };
    assert!(listed(&store));
    admin.delete(Lead::DEF, &key).unwrap();
    assert!(!listed(&store));
    let e = admin.restore(Lead::DEF, "LEA9999999").unwrap_err();
    assert!(e.message.contains("no history"), "{}", e.message);

    assert_eq!(admin.restore(Lead::DEF, &key).unwrap(), key);
    let back = store.get(Lead::DEF, &key).unwrap().unwrap();
    assert!(back.eq_record(lead.as_ref()));
    assert!(listed(&store), "its territory index entry is back");
    assert_eq!(
        store.find(&key, 5).unwrap()[0].key,
        key,
        "and its find entry"
    );
    let e = admin.restore(Lead::DEF, &key).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused);
    assert!(e.message.contains("exists"), "{}", e.message);
    let h = admin.history(Lead::DEF, &key, None).unwrap();
    assert_eq!(
        h.iter()
            .map(|e| (e.kind, e.via.as_str()))
            .collect::<Vec<_>>(),
        // The demo load's creation is in the log, not in the record's own list.
        vec![
            (ChangeKind::Created, "Restore"),
            (ChangeKind::Deleted, "Delete"),
        ]
    );
    assert_clean(&store);
}

#[test]
fn every_workflow_leaves_its_history() {
    let (_dir, store) = demo_store();
    let api = as_user(&store, "anja", Role::Admin);
    let lead = api.convert_lead("LEA0000001", true).unwrap();
    let log = api.log(Default::default()).unwrap();
    assert_eq!(log[0].via, "ConvertLead");
    assert!(log[0].items.iter().any(|i| i.key == lead.opportunity));
    let task = first_key(&store, OpportunityTask::DEF);
    api.task_done(&task).unwrap();
    let h = api.history(OpportunityTask::DEF, &task, Some(1)).unwrap();
    assert_eq!(h[0].via, "TaskDone");
    assert!(h[0].fields.iter().any(|f| f.field == "status"), "{h:?}");
    let e = api
        .history(Opportunity::DEF, "OPP00000001", None)
        .unwrap_err();
    assert!(e.message.contains("did you mean"), "{}", e.message);
    let by = |user: &str| termcrm::api::LogFilter {
        user: Some(user.into()),
        ..Default::default()
    };
    assert!(!api.log(by("anja")).unwrap().is_empty());
    let e = api.log(by("nobody-else")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused);
    assert!(
        e.message
            .contains("user 'nobody-else' is not in the history"),
        "{}",
        e.message
    );
}

/// A server on a database, stopped when dropped.
struct Running(Option<Server>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.0.take() {
            s.stop();
        }
    }
}

#[test]
fn a_change_reaches_every_other_session_at_once() {
    let (dir, store) = demo_store();
    let path = dir.path().join("db");
    let _server = Running(Some(
        Server::start_on(Arc::clone(&store), Config::quiet(&path)).unwrap(),
    ));
    let watcher = Remote::client(Target::Local(path.clone())).unwrap();
    let feed = watcher.subscribe().unwrap();
    let writer = Remote::client(Target::Local(path.clone())).unwrap();
    let key = first_key(&store, Opportunity::DEF);
    let (rev, mut o) = opp(&writer, &key);
    o.probability = Some(11);
    let started = Instant::now();
    writer.save(Box::new(o), false).unwrap();
    let heard = loop {
        match feed
            .next(Duration::from_secs(5))
            .expect("a push within 5 s")
        {
            Push::Changes(note) => break note,
            Push::Users { .. } => continue,
            other => panic!("{other:?}"),
        }
    };
    let took = started.elapsed();
    assert_eq!(heard.items.len(), 1);
    assert_eq!(
        (
            heard.items[0].key.as_str(),
            heard.items[0].rev,
            heard.items[0].kind
        ),
        (key.as_str(), rev + 1, ChangeKind::Updated)
    );
    assert_eq!(heard.via, "Save");
    assert!(took < Duration::from_secs(1), "{took:?}");
    // A third session connecting is counted.
    let _third = Remote::client(Target::Local(path)).unwrap();
    let users = loop {
        match feed
            .next(Duration::from_secs(5))
            .expect("a push within 5 s")
        {
            Push::Users { sessions, .. } => break sessions,
            _ => continue,
        }
    };
    assert_eq!(users, 3);
}

#[test]
fn the_command_line_shows_history_and_refuses_stale_or_bad_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(crm(&db, &["demo", "--records", "1000"]).0, 0);
    let (code, _, err) = crm(&db, &["set", "opportunity", "OPP0000001", "probability=40"]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = crm(&db, &["get", "opportunity", "OPP0000001"]);
    assert!(out.lines().last().unwrap().ends_with(" 2"), "{out}");
    let (code, _, err) = crm(
        &db,
        &[
            "set",
            "opportunity",
            "OPP0000001",
            "--if-rev",
            "1",
            "probability=50",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("changed since revision 1: it is at revision 2"),
        "{err}"
    );
    let (code, _, err) = crm(
        &db,
        &[
            "set",
            "opportunity",
            "OPP0000001",
            "--if-rev",
            "2",
            "probability=50",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = crm(
        &db,
        &[
            "set",
            "opportunity",
            "OPP0000001",
            "--if-rev",
            "two",
            "probability=50",
        ],
    );
    assert_eq!(code, 2, "{err}");
    let (code, csv, err) = crm(
        &db,
        &["history", "opportunity", "OPP0000001", "--format", "csv"],
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "when,user,via,change,rev,fields");
    assert!(
        lines[1].contains(",Save,updated,3,probability: 40 → 50"),
        "{csv}"
    );
    assert!(lines[2].contains(",Save,updated,2,probability: "), "{csv}");
    let (code, json, _) = crm(
        &db,
        &["history", "opportunity", "OPP0000001", "--format", "json"],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    let (code, _, err) = crm(&db, &["undo"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("undid your Save"), "{err}");
    let (_, out, _) = crm(
        &db,
        &["get", "opportunity", "OPP0000001", "--format", "json"],
    );
    assert!(out.contains("\"probability\": 40"), "{out}");
    let (code, out, _) = crm(&db, &["log", "--since", "1h", "--entity", "opportunity"]);
    assert_eq!(code, 0);
    assert!(out.lines().nth(1).unwrap().contains("Undo"), "{out}");
    let (code, _, err) = crm(&db, &["log", "--since", "yesterday-ish"]);
    assert_eq!(code, 1);
    assert!(err.contains("'yesterday-ish'"), "{err}");
    // An unknown user, entity or rule is an error with a did-you-mean, never an
    // empty log; a salesperson's code stands for its OS user.
    let (_, json, _) = crm(&db, &["log", "--format", "json", "--limit", "1"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let me = v[0]["user"].as_str().unwrap().to_string();
    let (code, out, err) = crm(&db, &["log", "--user", &me]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Undo"), "{out}");
    for (args, says) in [
        (
            vec!["log", "--user", &format!("{me}x")],
            format!("user '{me}x' is not in the history and no salesperson has that code or os_user (did you mean {me}?)"),
        ),
        (
            vec!["log", "--entity", "oportunity"],
            "unknown entity 'oportunity' (did you mean 'opportunity'?)".to_string(),
        ),
        (
            vec!["events", "--rule", "STAGE_MOVD"],
            "no event rule 'STAGE_MOVD' (did you mean STAGE_MOVED?)".to_string(),
        ),
        (
            vec!["events", "--rule", "NOSUCH", "--since", "1d"],
            "no event rule 'NOSUCH'".to_string(),
        ),
    ] {
        let (code, out, err) = crm(&db, &args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(err.contains(&says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(out.is_empty(), "{out}");
    }
    let (code, _, err) = crm(&db, &["log", "--user", "AMUELLER", "--since", "1h"]);
    assert_eq!(code, 0, "a salesperson's code: {err}");
    let (code, _, err) = crm(&db, &["events", "--rule", "stage_moved"]);
    assert_eq!(code, 0, "an existing rule that has not fired: {err}");
    let (code, _, err) = crm(&db, &["restore", "opportunity", "OPP0000001"]);
    assert_eq!(code, 1);
    assert!(err.contains("exists"), "{err}");
    let (code, _, err) = crm(&db, &["check"]);
    assert_eq!(code, 0, "{err}");
    stop_server(&db);
}
