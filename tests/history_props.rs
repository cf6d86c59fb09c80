//! Saves made on older revisions, through the server's real socket: several
//! clients edit the same few opportunities at once, each save naming the revision
//! and the record it was made on. Whatever the interleaving, a committed field
//! value survives until a later committed save sets that field again, every save
//! makes exactly one revision (one history entry, no gaps), and a merge reports
//! exactly the fields others changed in between. A fixed two-user case pins the
//! merge and the conflict down step by step.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use proptest::prelude::*;
use tempfile::TempDir;
use termcrm::api::remote::{Remote, Target};
use termcrm::api::{ApiError, ChangeKind, Client, Entry, ErrorKind};
use termcrm::model::{
    format_value, Entity, EntityDef, Money, Opportunity, OpportunityStage, Record, Value,
};
use termcrm::server::{Config, Server};
use termcrm::store::{OpenOptions, Store};

/// The opportunity fields the clients edit: free text, multi-line text, a
/// percentage and an amount, none with a rule that rewrites it on save.
const FIELDS: [&str; 4] = ["description", "notes", "probability", "amount"];
/// Opportunities in each database.
const OPPS: usize = 2;
/// Steps per client at most (values stay unique and valid below it).
const MAX_STEPS: usize = 7;

/// A running server, stopped when it goes out of scope however the test ends.
struct Running(Option<Server>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.0.take() {
            s.stop();
        }
    }
}

/// A server on a temporary database; the server stops before the directory goes.
struct Fixture {
    _server: Running,
    path: PathBuf,
    store: Arc<Store>,
    _dir: TempDir,
}

/// A database holding `opportunities` and `stages`, served in this process.
fn serve(opportunities: Vec<Opportunity>, stages: Vec<OpportunityStage>) -> (Fixture, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let options = OpenOptions {
        flush_each_write: false,
        ..Default::default()
    };
    let store = Arc::new(Store::open_with(&path, &options).expect("open"));
    for s in stages {
        store.insert(Box::new(s)).expect("stage inserted");
    }
    let keys = opportunities
        .into_iter()
        .map(|o| store.insert(Box::new(o)).expect("opportunity inserted"))
        .collect();
    let config = Config::quiet(&path);
    let server = Server::start_on(Arc::clone(&store), config).expect("server starts");
    let fixture = Fixture {
        _server: Running(Some(server)),
        path,
        store,
        _dir: dir,
    };
    (fixture, keys)
}

fn connect(db: &Path) -> Client {
    Remote::client(Target::Local(db.to_path_buf())).expect("connects")
}

fn def() -> &'static EntityDef {
    Opportunity::DEF
}

fn index(field: &str) -> usize {
    def()
        .field_index(field)
        .unwrap_or_else(|| panic!("opportunity has a field {field}"))
}

fn shown(field: &str, v: &Value) -> String {
    if v.is_empty() {
        String::new()
    } else {
        format_value(&def().fields[index(field)].kind, v)
    }
}

/// The value client `c` sets `FIELDS[f]` to at step `s`: different for every
/// (client, step) and from every starting value, and valid for the field.
fn value_of(c: usize, s: usize, f: usize) -> Value {
    match FIELDS[f] {
        "description" => Value::Text(format!("Angebot K{c} S{s}")),
        "notes" => Value::Text(format!("Notiz von K{c}\nSchritt {s}: Grüße")),
        // 0..=99 for c < 4 and s < 25; the starting records have none.
        "probability" => Value::Int((c * 25 + s) as i64),
        "amount" => Value::Money(Money::eur(1_000_000 * (c as i64 + 1) + 100 * s as i64)),
        other => unreachable!("no values for {other}"),
    }
}

/// The record with its revision, read together (see
/// `fetch_rev_pairs_a_record_with_its_own_revision`).
fn read_at(client: &Client, key: &str) -> Result<(u64, Box<dyn Record>), ApiError> {
    client.fetch_rev(def(), key)
}

/// One edit a client makes: which opportunity, which fields, how often it
/// re-reads and tries again after a conflict, and how long it lingers between its
/// read and its save (microseconds).
#[derive(Debug, Clone)]
struct Step {
    opp: usize,
    fields: Vec<usize>,
    retries: u8,
    pause_us: u16,
}

fn step() -> impl Strategy<Value = Step> {
    (
        0..OPPS,
        prop::sample::subsequence((0..FIELDS.len()).collect::<Vec<_>>(), 1..=2),
        0u8..3,
        prop_oneof![2 => Just(0u16), 1 => 0u16..1500],
    )
        .prop_map(|(opp, fields, retries, pause_us)| Step {
            opp,
            fields,
            retries,
            pause_us,
        })
}

/// A save the server accepted.
#[derive(Debug, Clone)]
struct Committed {
    client: usize,
    step: usize,
    opp: usize,
    /// The revision it was made on, and the one it produced.
    base: u64,
    rev: u64,
    /// The fields it set (names) and their values.
    set: Vec<(&'static str, Value)>,
    /// Fields of others' changes the server reports as kept beside it.
    merged: Vec<String>,
}

/// Everything one client saw.
#[derive(Debug, Default)]
struct Seen {
    committed: Vec<Committed>,
    conflicts: usize,
    gave_up: usize,
}

/// Client `c` runs its plan; any answer other than a stored save or a conflict
/// on the fields it set is an error.
fn run_client(
    c: usize,
    client: &Client,
    keys: &[String],
    plan: &[Step],
    start: &Barrier,
) -> Result<Seen, String> {
    let mut seen = Seen::default();
    start.wait();
    for (s, step) in plan.iter().enumerate() {
        let key = &keys[step.opp];
        let set: Vec<(&'static str, Value)> = step
            .fields
            .iter()
            .map(|&f| (FIELDS[f], value_of(c, s, f)))
            .collect();
        let mut tries = 0;
        loop {
            let (base, original) = read_at(client, key)
                .map_err(|e| format!("client {c} step {s}: read {key}: {e:?}"))?;
            let mut edited = original.clone();
            for (field, v) in &set {
                edited
                    .set(index(field), v.clone())
                    .map_err(|e| format!("client {c} step {s}: {field}: {e}"))?;
            }
            if step.pause_us > 0 {
                std::thread::sleep(Duration::from_micros(step.pause_us.into()));
            }
            match client.save_on(edited, false, Some((base, Some(original.clone())))) {
                Ok(report) => {
                    if report.key != *key {
                        return Err(format!(
                            "client {c} step {s}: saved {} instead of {key}",
                            report.key
                        ));
                    }
                    seen.committed.push(Committed {
                        client: c,
                        step: s,
                        opp: step.opp,
                        base,
                        rev: report.rev,
                        set: set.clone(),
                        merged: report.merged,
                    });
                    break;
                }
                Err(ApiError {
                    kind: ErrorKind::Conflict { rev, fields },
                    message,
                    ..
                }) => {
                    seen.conflicts += 1;
                    if rev <= base {
                        return Err(format!(
                            "client {c} step {s}: conflict at revision {rev} on base {base}: {message}"
                        ));
                    }
                    for f in &fields {
                        let mine = set.iter().find(|(name, _)| *name == f.field);
                        let Some((name, v)) = mine else {
                            return Err(format!(
                                "client {c} step {s}: conflict names {} which this save left alone: {message}",
                                f.field
                            ));
                        };
                        let base_value = shown(name, &original.get(index(name)));
                        if f.mine != shown(name, v) || f.base != base_value || f.theirs == f.mine {
                            return Err(format!(
                                "client {c} step {s}: conflict field {f:?} does not fit base {base_value:?}, mine {:?}",
                                shown(name, v)
                            ));
                        }
                    }
                    if fields.is_empty() {
                        return Err(format!(
                            "client {c} step {s}: conflict naming no field: {message}"
                        ));
                    }
                    if tries >= step.retries {
                        seen.gave_up += 1;
                        break;
                    }
                    tries += 1;
                }
                Err(e) => return Err(format!("client {c} step {s}: save {key}: {e:?}")),
            }
        }
    }
    Ok(seen)
}

/// Checks one opportunity's final state and history against the saves that were
/// committed on it, in revision order.
fn check_record(
    client: &Client,
    key: &str,
    initial: &Opportunity,
    commits: &[&Committed],
) -> Result<(), String> {
    let (rev, stored) = client
        .fetch_rev(def(), key)
        .map_err(|e| format!("final read of {key}: {e:?}"))?;

    // Every save made one revision of its own: 2, 3, … after the creation's 1.
    let revs: Vec<u64> = commits.iter().map(|c| c.rev).collect();
    let expected: Vec<u64> = (2..2 + commits.len() as u64).collect();
    if revs != expected {
        return Err(format!(
            "{key}: committed saves have revisions {revs:?}, expected {expected:?}"
        ));
    }
    if rev != 1 + commits.len() as u64 {
        return Err(format!(
            "{key} is at revision {rev} after {} saves",
            commits.len()
        ));
    }

    // The last committed value of every field is the one stored.
    for field in FIELDS {
        let i = index(field);
        let last = commits
            .iter()
            .rev()
            .find_map(|c| c.set.iter().find(|(f, _)| *f == field).map(|(_, v)| (c, v)));
        let (want, from) = match last {
            Some((c, v)) => (
                v.clone(),
                format!("client {} step {} at rev {}", c.client, c.step, c.rev),
            ),
            None => (
                (initial as &dyn Record).get(i),
                "the starting record".into(),
            ),
        };
        if stored.get(i) != want {
            return Err(format!(
                "{key}.{field} is {:?}, but the last committed value is {want:?} ({from})",
                stored.get(i)
            ));
        }
    }

    // A save on the revision before its own merged nothing; a save on an older
    // one kept exactly the fields the saves in between set, none of them its own.
    for c in commits {
        let between: BTreeSet<&str> = commits
            .iter()
            .filter(|o| o.rev > c.base && o.rev < c.rev)
            .flat_map(|o| o.set.iter().map(|(f, _)| *f))
            .collect();
        let mine: BTreeSet<&str> = c.set.iter().map(|(f, _)| *f).collect();
        if let Some(f) = between.intersection(&mine).next() {
            return Err(format!(
                "{key}: client {} step {} (base {}, rev {}) set {f}, which a save in between set too, and was not refused",
                c.client, c.step, c.base, c.rev
            ));
        }
        let merged: BTreeSet<&str> = c.merged.iter().map(String::as_str).collect();
        if merged != between {
            return Err(format!(
                "{key}: client {} step {} (base {}, rev {}) reports {merged:?} merged, the saves in between set {between:?}",
                c.client, c.step, c.base, c.rev
            ));
        }
    }

    // The history: one creation and one update per save, revisions without gaps,
    // each update changing exactly the fields its save set, to its values.
    let history: Vec<Entry> = client
        .history(def(), key, None)
        .map_err(|e| format!("history of {key}: {e:?}"))?;
    let updates = history
        .iter()
        .filter(|e| e.kind == ChangeKind::Updated)
        .count();
    if updates != commits.len() {
        return Err(format!(
            "{key}: {updates} updates in the history, {} saves committed",
            commits.len()
        ));
    }
    let kinds: Vec<(u64, ChangeKind)> = history.iter().map(|e| (e.rev, e.kind)).collect();
    let mut want: Vec<(u64, ChangeKind)> =
        (2..=rev).rev().map(|r| (r, ChangeKind::Updated)).collect();
    want.push((1, ChangeKind::Created));
    if kinds != want {
        return Err(format!(
            "{key}: history (newest first) is {kinds:?}, expected {want:?}"
        ));
    }
    let by_rev: BTreeMap<u64, &Committed> = commits.iter().map(|c| (c.rev, *c)).collect();
    for e in history.iter().filter(|e| e.kind == ChangeKind::Updated) {
        let c = by_rev[&e.rev];
        let changed: BTreeMap<&str, &str> = e
            .fields
            .iter()
            .map(|f| (f.field.as_str(), f.new.as_str()))
            .collect();
        let set: BTreeMap<&str, String> = c.set.iter().map(|(f, v)| (*f, shown(f, v))).collect();
        let set: BTreeMap<&str, &str> = set.iter().map(|(f, v)| (*f, v.as_str())).collect();
        if changed != set {
            return Err(format!(
                "{key} rev {}: the history shows {changed:?} changed, client {} step {} set {set:?}",
                e.rev, c.client, c.step
            ));
        }
    }
    Ok(())
}

fn starting(n: usize) -> Opportunity {
    Opportunity {
        description: format!("Ersatzteile {n}"),
        notes: format!("Erstkontakt {n}"),
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        // Interleavings do not replay: a failure is reported as found.
        max_shrink_iters: 0,
        ..ProptestConfig::default()
    })]

    #[test]
    fn committed_fields_survive_concurrent_saves(
        plans in prop::collection::vec(prop::collection::vec(step(), 2..=MAX_STEPS), 3..=4),
    ) {
        let initial: Vec<Opportunity> = (0..OPPS).map(starting).collect();
        let (db, keys) = serve(initial.clone(), Vec::new());
        let clients: Vec<Client> = plans.iter().map(|_| connect(&db.path)).collect();
        let start = Barrier::new(plans.len());

        let seen: Vec<Result<Seen, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = plans
                .iter()
                .zip(&clients)
                .enumerate()
                .map(|(c, (plan, client))| {
                    let (keys, start) = (&keys, &start);
                    scope.spawn(move || run_client(c, client, keys, plan, start))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err("a client thread panicked".into())))
                .collect()
        });
        let mut committed = Vec::new();
        for s in seen {
            let s = s.map_err(TestCaseError::fail)?;
            prop_assert!(s.gave_up <= s.conflicts);
            committed.extend(s.committed);
        }

        let checker = connect(&db.path);
        for (n, key) in keys.iter().enumerate() {
            let mut commits: Vec<&Committed> = committed.iter().filter(|c| c.opp == n).collect();
            commits.sort_by_key(|c| c.rev);
            check_record(&checker, key, &initial[n], &commits).map_err(TestCaseError::fail)?;
        }
        let audit = db.store.audit().expect("audit runs");
        prop_assert!(audit.is_clean(), "index drift:\n{}", audit);
    }
}

fn stage(code: &str, description: &str) -> OpportunityStage {
    OpportunityStage {
        key: code.into(),
        description: description.into(),
        ..Default::default()
    }
}

fn opp(r: &dyn Record) -> Opportunity {
    r.downcast_ref::<Opportunity>()
        .cloned()
        .expect("an opportunity")
}

/// Two users read the same revision; one changes the amount, the other the stage;
/// both saves land and the record has both. Then the first, still on its old
/// read, changes the stage as well: a conflict naming the stage, nothing written.
#[test]
fn merge_then_conflict_on_the_field_changed_since() {
    let start = Opportunity {
        description: "Ersatzteile".into(),
        amount: Some(Money::eur(10_000)),
        ..Default::default()
    };
    let (db, keys) = serve(
        vec![start],
        vec![stage("QUAL", "Qualifiziert"), stage("PROP", "Angebot")],
    );
    let key = &keys[0];
    let (a, b) = (connect(&db.path), connect(&db.path));
    let amount = index("amount");
    let stage_field = index("stage");

    let (rev_a, read_a) = a.fetch_rev(def(), key).expect("A reads");
    let (rev_b, read_b) = b.fetch_rev(def(), key).expect("B reads");
    assert_eq!(rev_a, rev_b);
    assert_eq!(rev_a, 1);

    // A: amount, on the current revision.
    let mut mine_a = read_a.clone();
    mine_a
        .set(amount, Value::Money(Money::eur(25_000)))
        .unwrap();
    let report_a = a
        .save_on(mine_a.clone(), false, Some((rev_a, Some(read_a.clone()))))
        .expect("A's save lands");
    assert_eq!(report_a.rev, rev_a + 1);
    assert!(report_a.merged.is_empty(), "{report_a:?}");

    // B: stage, on the revision before A's save; A's amount is kept.
    let mut mine_b = read_b.clone();
    mine_b.set(stage_field, Value::Text("QUAL".into())).unwrap();
    let report_b = b
        .save_on(mine_b, false, Some((rev_b, Some(read_b))))
        .expect("B's save merges");
    assert_eq!(report_b.rev, rev_a + 2);
    assert_eq!(report_b.merged, vec!["amount".to_string()]);
    assert!(!report_b.merged_from.is_empty(), "{report_b:?}");

    let (rev, both) = a.fetch_rev(def(), key).expect("read back");
    assert_eq!(rev, rev_a + 2);
    let both = opp(both.as_ref());
    assert_eq!(both.amount, Some(Money::eur(25_000)));
    assert_eq!(both.stage, "QUAL");
    assert_eq!(both.description, "Ersatzteile");

    // A, still on its first read, now changes the stage too.
    let mut again = mine_a;
    again.set(stage_field, Value::Text("PROP".into())).unwrap();
    let err = a
        .save_on(again.clone(), false, Some((rev_a, Some(read_a.clone()))))
        .expect_err("the stage changed since A's read");
    match &err.kind {
        ErrorKind::Conflict { rev, fields } => {
            assert_eq!(*rev, rev_a + 2, "{err:?}");
            let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(named, ["stage"], "{err:?}");
            let f = &fields[0];
            assert_eq!(
                (f.base.as_str(), f.mine.as_str(), f.theirs.as_str()),
                ("", "PROP", "QUAL")
            );
        }
        other => panic!("expected a conflict, got {other:?}: {err}"),
    }
    assert!(err.message.contains("stage"), "{}", err.message);

    // Nothing was written: same revision, same record, two updates in the history.
    let (rev, after) = b.fetch_rev(def(), key).expect("read after the conflict");
    assert_eq!(rev, rev_a + 2);
    assert_eq!(opp(after.as_ref()), both);
    let history = b.history(def(), key, None).expect("history");
    let kinds: Vec<(u64, ChangeKind)> = history.iter().map(|e| (e.rev, e.kind)).collect();
    assert_eq!(
        kinds,
        [
            (3, ChangeKind::Updated),
            (2, ChangeKind::Updated),
            (1, ChangeKind::Created)
        ]
    );
    let fields_of = |e: &Entry| -> Vec<(String, String, String)> {
        e.fields
            .iter()
            .map(|f| (f.field.clone(), f.old.clone(), f.new.clone()))
            .collect()
    };
    assert_eq!(
        fields_of(&history[0]),
        [("stage".to_string(), String::new(), "QUAL".to_string())]
    );
    assert_eq!(fields_of(&history[1])[0].0, "amount");
    assert_eq!(fields_of(&history[1]).len(), 1);

    // Without the record as read there is nothing to merge with: stale.
    let err = a
        .save_on(again, false, Some((rev_a, None)))
        .expect_err("changed since revision 1");
    assert_eq!(
        err.kind,
        ErrorKind::Stale {
            base: rev_a,
            rev: rev_a + 2
        },
        "{err}"
    );
    let (rev, _) = b.fetch_rev(def(), key).expect("read after the stale save");
    assert_eq!(rev, rev_a + 2);
}

/// A revision and the record `fetch_rev` returns with it belong together: one
/// writer saves a new description again and again while readers fetch; every
/// (revision, description) a reader gets must be the one that save produced.
/// (Were they read apart, a save landing in between would pair the new revision
/// with the old record, and a save made on that pair would pass as made on the
/// current revision and write the old values of the other fields back.)
#[test]
fn fetch_rev_pairs_a_record_with_its_own_revision() {
    let start = Opportunity {
        description: "Stand 1".into(),
        ..Default::default()
    };
    let (db, keys) = serve(vec![start], Vec::new());
    let key = &keys[0];
    let description = index("description");
    let writes = std::sync::Mutex::new(BTreeMap::from([(1u64, "Stand 1".to_string())]));
    let done = std::sync::atomic::AtomicBool::new(false);
    let reads: Vec<Vec<(u64, Value)>> = std::thread::scope(|scope| {
        scope.spawn(|| {
            let writer = connect(&db.path);
            for n in 2..=200 {
                let mut r = writer.fetch(def(), key).expect("writer reads");
                let text = format!("Stand {n}");
                r.set(description, Value::Text(text.clone())).unwrap();
                let report = writer.save_on(r, false, None).expect("writer saves");
                writes.lock().unwrap().insert(report.rev, text);
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        let readers: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(|| {
                    let reader = connect(&db.path);
                    let mut seen = Vec::new();
                    while !done.load(std::sync::atomic::Ordering::SeqCst) {
                        let (rev, r) = reader.fetch_rev(def(), key).expect("reader reads");
                        seen.push((rev, r.get(description)));
                    }
                    seen
                })
            })
            .collect();
        readers.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let writes = writes.into_inner().unwrap();
    let wrong: Vec<_> = reads
        .iter()
        .flatten()
        .filter(|(rev, v)| writes.get(rev).map(|t| Value::Text(t.clone())).as_ref() != Some(v))
        .collect();
    let total: usize = reads.iter().map(Vec::len).sum();
    assert!(
        wrong.is_empty(),
        "{} of {total} reads pair a revision with another revision's record, e.g. {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(3)]
    );
}
