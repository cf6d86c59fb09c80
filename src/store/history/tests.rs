use super::*;
use crate::model::{Competitor, Entity};

fn competitor(key: &str, name: &str) -> Box<dyn Record> {
    Box::new(Competitor {
        key: key.into(),
        name: name.into(),
        ..Default::default()
    })
}

#[test]
fn every_write_keeps_who_when_how_and_the_fields_old_and_new() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let actor = Actor {
        user: "anja".into(),
        via: "crm add".into(),
    };
    let ((), scoped) = scope(actor, || {
        store.insert(competitor("ACME", "Acme")).unwrap();
        store.update(competitor("ACME", "Acme Werkzeuge")).unwrap();
    });
    assert_eq!(scoped.changed.len(), 2);
    let group = scoped.group.unwrap();
    store.delete(Competitor::DEF, "ACME").unwrap();
    let h = store.history(Competitor::DEF, "ACME", None).unwrap();
    assert_eq!(
        h.iter()
            .map(|e| (e.kind, e.rev, e.user.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (Kind::Deleted, 2, process_user().as_str()),
            (Kind::Updated, 2, "anja"),
            (Kind::Created, 1, "anja")
        ]
    );
    assert_eq!(h[1].group, group);
    assert_eq!(h[2].group, group, "one request's commits are one group");
    assert_eq!(
        h[1].fields,
        vec![FieldChange {
            field: "name".into(),
            old: "Acme".into(),
            new: "Acme Werkzeuge".into()
        }]
    );
    assert!(h[2]
        .fields
        .iter()
        .any(|f| f.field == "name" && f.new == "Acme"));
    assert!(h[0]
        .fields
        .iter()
        .any(|f| f.old == "Acme Werkzeuge" && f.new.is_empty()));
    // A key used again goes on from the last revision.
    store.insert(competitor("ACME", "Acme neu")).unwrap();
    assert_eq!(
        store.get_rev(Competitor::DEF, "ACME").unwrap().unwrap().0,
        3
    );
    let log = store.log(&LogFilter {
        user: Some("anja".into()),
        ..Default::default()
    });
    assert_eq!(log.unwrap().len(), 2);
    assert!(store.audit().unwrap().is_clean());
}

#[test]
fn check_finds_a_change_whose_record_is_gone_and_prune_removes_old_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.insert(competitor("ACME", "Acme")).unwrap();
    store.insert(competitor("BETA", "Beta")).unwrap();
    // The record vanishes behind the history's back (a damaged database).
    store.tree(Competitor::DEF).0.remove("BETA").unwrap();
    store.rebuild_indexes(false).unwrap();
    let report = store.audit().unwrap();
    // Its content is gone: a lost record, named.
    assert_eq!(report.lost.len(), 1, "{report}");
    assert!(report.lost[0].starts_with("competitor BETA"), "{report}");
    assert!(!report.is_clean());
    let repaired = store.repair().unwrap();
    assert!(repaired.is_clean(), "{repaired}");
    assert!(
        repaired
            .repaired
            .iter()
            .any(|l| l.contains("competitor BETA")),
        "the repair says it is lost: {repaired}"
    );

    let (commits, _) = store.history_counts();
    let later = now_ms() + 1;
    std::thread::sleep(std::time::Duration::from_millis(5));
    store.update(competitor("ACME", "Acme 2")).unwrap();
    assert_eq!(store.prune_history(later).unwrap(), commits);
    let h = store.history(Competitor::DEF, "ACME", None).unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].rev, 2);
    assert!(store.audit().unwrap().is_clean());
}
