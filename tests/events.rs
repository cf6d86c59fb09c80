//! Event rules through the application interface, as several users of one
//! database in this process: record triggers and their conditions over the
//! change, each action, approval (approved, rejected, stale), the chain cut, a
//! failing command, the idempotent date tick across a reopen, `rules test`
//! changing nothing, and the rules refused when saved.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use termcrm::api::local::Local;
use termcrm::api::{Client, ErrorKind, Role, Session};
use termcrm::model::{
    Entity, EventRule, Lead, Opportunity, OpportunityTask, SalesTeam, Salesperson,
};
use termcrm::store::Store;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Arc<Store>,
    /// The opportunity the tests change, its salesperson and its team's leader.
    opp: String,
    leader: String,
}

fn as_user(store: &Arc<Store>, user: &str, salesperson: Option<&str>, role: Role) -> Client {
    Client::new(Arc::new(Local::with_session(
        Arc::clone(store),
        Session {
            uid: 1000,
            user: user.into(),
            salesperson: salesperson.map(str::to_string),
            role,
        },
    )))
}

/// Demo data; the first opportunity with a team gets salesperson "sam" (OS user)
/// and its team's leader "lea".
fn fixture() -> Fixture {
    fixture_led_by("lea")
}

/// The same, with the team's leader the OS user `leader`.
fn fixture_led_by(leader: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("db")).unwrap());
    store
        .bulk_insert(termcrm::demo::generate(2000, 3), |_| {})
        .unwrap();
    let admin = as_user(&store, "root", None, Role::Admin);
    let opp = store
        .scan(Opportunity::DEF)
        .filter_map(|r| r.ok())
        .filter_map(|r| r.downcast_ref::<Opportunity>().cloned())
        .find(|o| !o.sales_team.is_empty() && !o.salesperson.is_empty())
        .expect("a demo opportunity with a team");
    let team = store.get_as::<SalesTeam>(&opp.sales_team).unwrap().unwrap();
    let mut lead_sp = store.get_as::<Salesperson>(&team.leader).unwrap().unwrap();
    lead_sp.os_user = leader.into();
    admin.save(Box::new(lead_sp), false).unwrap();
    if opp.salesperson != team.leader {
        let mut sp = store
            .get_as::<Salesperson>(&opp.salesperson)
            .unwrap()
            .unwrap();
        sp.os_user = "sam".into();
        admin.save(Box::new(sp), false).unwrap();
    }
    Fixture {
        _dir: dir,
        opp: opp.key,
        leader: team.leader,
        store,
    }
}

fn rule(
    key: &str,
    entity: &str,
    trigger: &str,
    when: &str,
    condition: &str,
    actions: &str,
) -> EventRule {
    EventRule {
        key: key.into(),
        description: format!("rule {key}"),
        entity: entity.into(),
        trigger: trigger.into(),
        when: when.into(),
        condition: condition.into(),
        actions: actions.into(),
        enabled: true,
    }
}

fn add_rule(store: &Arc<Store>, r: EventRule) {
    as_user(store, "root", None, Role::Admin)
        .save(Box::new(r), true)
        .unwrap();
}

fn get_opp(c: &Client, key: &str) -> Opportunity {
    c.fetch(Opportunity::DEF, key)
        .unwrap()
        .downcast_ref::<Opportunity>()
        .cloned()
        .unwrap()
}

fn other_stage(store: &Store, than: &str) -> String {
    store
        .scan(termcrm::model::OpportunityStage::DEF)
        .filter_map(|r| r.ok())
        .map(|r| r.key().to_string())
        .find(|k| k != than)
        .unwrap()
}

#[test]
fn a_stage_change_notifies_the_team_leader_with_the_template_filled_in() {
    let f = fixture();
    add_rule(
        &f.store,
        rule(
            "STAGE",
            "opportunity",
            "updated",
            "stage",
            "",
            "notify leader \"{description}: stage {was.stage} → {stage}\"",
        ),
    );
    let sam = as_user(&f.store, "sam", None, Role::Sales);
    let lea = as_user(&f.store, "lea", Some(&f.leader), Role::Sales);
    assert!(lea.inbox(true, 10).unwrap().is_empty());
    let mut o = get_opp(&sam, &f.opp);
    let was = o.stage.clone();
    o.stage = other_stage(&f.store, &was);
    let now = o.stage.clone();
    // A change of another field does not fire it.
    let mut other = get_opp(&sam, &f.opp);
    other.description.push_str(" (2)");
    sam.save(Box::new(other), false).unwrap();
    assert!(lea.inbox(true, 10).unwrap().is_empty());
    let mut o2 = get_opp(&sam, &f.opp);
    o2.stage = now.clone();
    sam.save(Box::new(o2), false).unwrap();
    let inbox = lea.inbox(true, 10).unwrap();
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    let m = &inbox[0].message;
    assert!(
        m.text.ends_with(&format!("stage {was} → {now}")),
        "{}",
        m.text
    );
    assert_eq!(
        (m.entity.as_str(), m.key.as_str()),
        ("opportunity", f.opp.as_str())
    );
    assert_eq!(lea.unread().unwrap(), 1);
    lea.inbox_read(vec![m.id]).unwrap();
    assert_eq!(lea.unread().unwrap(), 0);
    let log = lea.events(Default::default()).unwrap();
    assert_eq!(log[0].rule, "STAGE");
    assert!(log[0].actions[0].contains("notified lea"), "{:?}", log[0]);
}

#[test]
fn a_notification_reaches_the_leaders_open_session_at_once() {
    let f = fixture();
    add_rule(
        &f.store,
        rule(
            "STAGE",
            "opportunity",
            "updated",
            "stage",
            "",
            "notify leader \"{description}\"",
        ),
    );
    // One Local serves both users' requests here through one shared state, as
    // the server does: the leader's feed is subscribed on the same client state.
    let local = Arc::new(Local::with_session(
        Arc::clone(&f.store),
        Session {
            uid: 1000,
            user: "lea".into(),
            salesperson: Some(f.leader.clone()),
            role: Role::Sales,
        },
    ));
    let lea = Client::new(local.clone());
    let feed = lea.subscribe().unwrap();
    let mut o = get_opp(&lea, &f.opp);
    o.stage = other_stage(&f.store, &o.stage);
    let saved = Instant::now();
    lea.save(Box::new(o), false).unwrap();
    let mut heard = None;
    while saved.elapsed() < Duration::from_secs(2) {
        match feed.next(Duration::from_millis(50)) {
            Some(termcrm::api::Push::Inbox { unread }) => {
                heard = Some((unread, saved.elapsed()));
                break;
            }
            _ => continue,
        }
    }
    let (unread, after) = heard.expect("an inbox push");
    assert_eq!(unread, 1);
    // At once, not at the next poll; a debug build beside the other tests is slow,
    // so the 100 ms budget is the bench's to hold.
    assert!(after < Duration::from_secs(1), "{after:?}");
}

#[test]
fn set_fields_act_before_the_save_and_tasks_and_interactions_are_created() {
    let f = fixture();
    add_rule(
        &f.store,
        rule(
            "WATCH",
            "opportunity",
            "updated",
            "",
            "changed:description",
            "set probability=77\ntask \"Call about {description}\" due=+3d priority=high\ninteraction \"Rule note: {description}\"",
        ),
    );
    let sam = as_user(&f.store, "sam", None, Role::Sales);
    let mut o = get_opp(&sam, &f.opp);
    o.description = "Bigger deal".into();
    sam.save(Box::new(o), false).unwrap();
    let o = get_opp(&sam, &f.opp);
    assert_eq!(o.probability, Some(77));
    let tasks: Vec<OpportunityTask> = f
        .store
        .scan(OpportunityTask::DEF)
        .filter_map(|r| r.ok())
        .filter_map(|r| r.downcast_ref::<OpportunityTask>().cloned())
        .filter(|t| t.opportunity == f.opp && t.description == "Call about Bigger deal")
        .collect();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].priority, "high");
    assert_eq!(tasks[0].owner, o.salesperson);
    assert_eq!(
        tasks[0].due_date,
        Some(termcrm::model::value::today() + chrono::Duration::days(3))
    );
    // The task is attributed to the rule, for the user whose change fired it.
    let h = sam
        .history(OpportunityTask::DEF, &tasks[0].key, None)
        .unwrap();
    assert_eq!(
        (h[0].user.as_str(), h[0].via.as_str()),
        ("sam", "rule WATCH")
    );
    let log = sam.events(Default::default()).unwrap();
    assert!(
        log[0]
            .actions
            .iter()
            .any(|a| a.starts_with("interaction INT")),
        "{:?}",
        log[0]
    );
    assert_eq!(log[0].error, None);
}

#[test]
fn a_task_quoting_notes_of_several_lines_gets_them_as_one_line() {
    let f = fixture();
    add_rule(
        &f.store,
        rule(
            "NOTED",
            "opportunity",
            "updated",
            "",
            "changed:notes",
            "task \"Note: {notes}\"",
        ),
    );
    let sam = as_user(&f.store, "sam", None, Role::Sales);
    let mut o = get_opp(&sam, &f.opp);
    o.notes = "eins\r\n\tzwei\ndrei".into();
    sam.save(Box::new(o), false).unwrap();
    let log = sam.events(Default::default()).unwrap();
    assert_eq!(log[0].error, None, "{:?}", log[0]);
    let made = f
        .store
        .scan(OpportunityTask::DEF)
        .filter_map(|r| r.ok())
        .filter_map(|r| r.downcast_ref::<OpportunityTask>().cloned())
        .any(|t| t.opportunity == f.opp && t.description == "Note: eins  zwei drei");
    assert!(made, "{:?}", log[0]);
}

#[test]
fn a_held_change_is_saved_when_approved_refused_when_rejected_and_stale_when_overtaken() {
    let f = fixture();
    add_rule(
        &f.store,
        rule(
            "BIG",
            "opportunity",
            "updated",
            "amount",
            "amount>900000",
            "hold leader \"amount over 900,000\"",
        ),
    );
    let sam = as_user(&f.store, "sam", None, Role::Sales);
    let lea = as_user(&f.store, "lea", Some(&f.leader), Role::Sales);
    let before = get_opp(&sam, &f.opp);
    let big = |o: &Opportunity, cents: i64| {
        let mut o = o.clone();
        o.amount = Some(termcrm::model::Money::new(
            cents,
            termcrm::model::Currency::EUR,
        ));
        o
    };
    // Approved.
    let e = sam
        .save(Box::new(big(&before, 100_000_000)), false)
        .unwrap_err();
    let ErrorKind::Held { approval } = e.kind else {
        panic!("{e:?}")
    };
    assert!(
        e.message.contains("held for approval by lea"),
        "{}",
        e.message
    );
    assert_eq!(
        get_opp(&sam, &f.opp).amount,
        before.amount,
        "nothing saved yet"
    );
    let inbox = lea.inbox(true, 10).unwrap();
    assert_eq!(inbox[0].approval.as_ref().unwrap().id, approval);
    assert!(
        inbox[0].message.text.contains("amount"),
        "{}",
        inbox[0].message.text
    );
    assert!(
        sam.answer(approval, true, "").is_err(),
        "only the approver answers"
    );
    lea.answer(approval, true, "").unwrap();
    assert_eq!(
        get_opp(&sam, &f.opp).amount,
        big(&before, 100_000_000).amount
    );
    assert!(sam.inbox(true, 10).unwrap()[0]
        .message
        .text
        .contains("approved"));
    assert!(lea.answer(approval, true, "").is_err(), "answered once");
    // Rejected, with a reason.
    let now = get_opp(&sam, &f.opp);
    let e = sam
        .save(Box::new(big(&now, 200_000_000)), false)
        .unwrap_err();
    let ErrorKind::Held { approval } = e.kind else {
        panic!("{e:?}")
    };
    assert!(
        lea.answer(approval, false, " ").is_err(),
        "a rejection needs a reason"
    );
    lea.answer(approval, false, "too much").unwrap();
    assert_eq!(get_opp(&sam, &f.opp).amount, now.amount);
    assert!(sam.inbox(true, 10).unwrap()[0]
        .message
        .text
        .contains("too much"));
    // Stale: the record changed after the request.
    let e = sam
        .save(Box::new(big(&now, 300_000_000)), false)
        .unwrap_err();
    let ErrorKind::Held { approval } = e.kind else {
        panic!("{e:?}")
    };
    let mut changed = get_opp(&sam, &f.opp);
    changed.description.push_str(" (changed)");
    sam.save(Box::new(changed), false).unwrap();
    let said = lea.answer(approval, true, "").unwrap();
    assert!(said.contains("not applied"), "{said}");
    assert_eq!(get_opp(&sam, &f.opp).amount, now.amount);
    // The approver's own change is not held.
    let mut mine = get_opp(&lea, &f.opp);
    mine = big(&mine, 400_000_000);
    lea.save(Box::new(mine), false).unwrap();
}

#[test]
fn rules_firing_rules_are_cut_and_a_failing_command_is_logged() {
    let f = fixture();
    // Every new task makes another task: a chain the engine must cut.
    add_rule(
        &f.store,
        rule(
            "ECHO",
            "opportunity_task",
            "created",
            "",
            "",
            "task \"again: {description}\"",
        ),
    );
    add_rule(
        &f.store,
        rule(
            "FAIL",
            "opportunity",
            "updated",
            "",
            "",
            "run \"echo broken >&2; exit 3\"",
        ),
    );
    let sam = as_user(&f.store, "sam", None, Role::Sales);
    let t = OpportunityTask {
        opportunity: f.opp.clone(),
        description: "start".into(),
        status: "open".into(),
        ..Default::default()
    };
    sam.save(Box::new(t), true).unwrap();
    let log = sam.events(Default::default()).unwrap();
    assert!(log.iter().any(|e| e.cut), "{log:#?}");
    let made = f
        .store
        .scan(OpportunityTask::DEF)
        .filter_map(|r| r.ok())
        .filter_map(|r| r.downcast_ref::<OpportunityTask>().cloned())
        .filter(|t| t.description.contains("again: "))
        .count();
    assert_eq!(made, termcrm::ops::events::MAX_DEPTH, "one task per level");
    let mut o = get_opp(&sam, &f.opp);
    o.description.push('!');
    sam.save(Box::new(o.clone()), false).unwrap();
    assert_eq!(
        get_opp(&sam, &f.opp).description,
        o.description,
        "the save stands"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let log = sam.events(Default::default()).unwrap();
        if let Some(e) = log
            .iter()
            .find(|e| e.rule == "FAIL" && e.trigger.starts_with("command"))
        {
            let error = e.error.clone().unwrap();
            assert!(
                error.contains("exit 3") && error.contains("broken"),
                "{error}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "no command outcome: {log:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_follow_up_date_fires_once_across_a_restart_and_rules_test_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let now = today.and_hms_opt(7, 1, 0).unwrap();
    let lead_key;
    {
        let store = Arc::new(Store::open(&path).unwrap());
        store
            .bulk_insert(termcrm::demo::generate(1000, 5), |_| {})
            .unwrap();
        let admin = as_user(&store, "root", None, Role::Admin);
        let mut lead = store
            .scan(Lead::DEF)
            .filter_map(|r| r.ok())
            .filter_map(|r| r.downcast_ref::<Lead>().cloned())
            .find(|l| !l.salesperson.is_empty())
            .unwrap();
        let mut sp = store
            .get_as::<Salesperson>(&lead.salesperson)
            .unwrap()
            .unwrap();
        sp.os_user = "sam".into();
        admin.save(Box::new(sp), false).unwrap();
        lead.follow_up = Some(today);
        lead_key = lead.key.clone();
        admin.save(Box::new(lead), false).unwrap();
        add_rule(
            &store,
            rule(
                "FOLLOW",
                "lead",
                "date",
                "on follow_up",
                "",
                "notify salesperson \"follow up {first_name} {last_name}\"\ntask \"Call {last_name}\" type=CALL due=+0d",
            ),
        );
        // `rules test` names the lead and changes nothing.
        let hits = admin.rule_test("FOLLOW", Some(&lead_key)).unwrap();
        assert_eq!(hits.len(), 1);
        let sam = as_user(&store, "sam", None, Role::Sales);
        assert!(sam.inbox(false, 10).unwrap().is_empty());
        let shared = termcrm::api::state::Shared::default();
        let session = Session {
            uid: 0,
            user: "server".into(),
            salesperson: None,
            role: Role::Admin,
        };
        termcrm::api::local::tick(&store, &shared, &session, now).unwrap();
        let inbox = sam.inbox(false, 10).unwrap();
        assert_eq!(inbox.len(), 1, "{inbox:?}");
        assert_eq!(inbox[0].message.key, lead_key);
        // The next tick the same day does not fire again.
        termcrm::api::local::tick(
            &store,
            &shared,
            &session,
            now + chrono::Duration::minutes(1),
        )
        .unwrap();
        assert_eq!(sam.inbox(false, 10).unwrap().len(), 1);
        store.flush().unwrap();
    }
    // After a restart, neither the same day nor a repeated tick fires it again.
    let store = Arc::new(Store::open(&path).unwrap());
    let shared = termcrm::api::state::Shared::default();
    let session = Session {
        uid: 0,
        user: "server".into(),
        salesperson: None,
        role: Role::Admin,
    };
    termcrm::api::local::tick(
        &store,
        &shared,
        &session,
        now + chrono::Duration::minutes(5),
    )
    .unwrap();
    let sam = as_user(&store, "sam", None, Role::Sales);
    assert_eq!(sam.inbox(false, 10).unwrap().len(), 1);
    // One call task on the lead, due that day, made once.
    let calls: Vec<OpportunityTask> = store
        .scan(OpportunityTask::DEF)
        .filter_map(|r| r.ok())
        .filter_map(|r| r.downcast_ref::<OpportunityTask>().cloned())
        .filter(|t| t.lead == lead_key)
        .collect();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let due = Some(today);
    assert_eq!(
        (calls[0].task_type.as_str(), calls[0].due_date),
        ("CALL", due)
    );
    assert!(calls[0].opportunity.is_empty());
}

#[test]
fn a_rule_that_cannot_run_is_refused_when_saved_with_the_field_and_why() {
    let f = fixture();
    let admin = as_user(&f.store, "root", None, Role::Admin);
    let cases = [
        (
            rule(
                "R1",
                "opportunity",
                "updated",
                "",
                "stage:(",
                "notify leader \"x\"",
            ),
            "condition",
        ),
        (
            rule(
                "R2",
                "opportunity",
                "updated",
                "",
                "nosuch:1",
                "notify leader \"x\"",
            ),
            "condition",
        ),
        (
            rule(
                "R3",
                "opportunity",
                "updated",
                "",
                "",
                "notify leader \"{nosuch}\"",
            ),
            "actions",
        ),
        (
            rule("R4", "opportunity", "updated", "", "", "task \"x\" due=+3x"),
            "actions",
        ),
        (
            rule(
                "R5",
                "opportunity",
                "schedule",
                "every blursday",
                "",
                "notify leader \"x\"",
            ),
            "when",
        ),
        (
            rule(
                "R6",
                "opportunity",
                "updated",
                "",
                "",
                "notify user:nobody_here \"x\"",
            ),
            "actions",
        ),
        (
            rule("R7", "nosuch", "updated", "", "", "notify leader \"x\""),
            "entity",
        ),
    ];
    for (r, field) in cases {
        let key = r.key.clone();
        let e = admin.save(Box::new(r), true).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{key}: {e:?}");
        assert!(
            f.store.get_as::<EventRule>(&key).unwrap().is_none(),
            "{key} not saved"
        );
    }
    // A salesperson saves rules of their own, but none that runs a command.
    let sam = as_user(&f.store, "sam", None, Role::Sales);
    let e = sam
        .save(
            Box::new(rule("R8", "opportunity", "updated", "", "", "run \"true\"")),
            true,
        )
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("actions"), "{e:?}");
    assert!(e.message.contains("only admins"), "{}", e.message);
    assert!(f.store.get_as::<EventRule>("R8").unwrap().is_none());
    let mine = rule("R9", "opportunity", "updated", "", "", "notify actor \"x\"");
    sam.save(Box::new(mine), true).unwrap();
}

#[test]
fn a_quote_with_a_25_percent_discount_waits_for_the_team_leader_s_approval() {
    use termcrm::model::quote::QuoteLine;
    use termcrm::model::{Item, Quote};
    let f = fixture();
    termcrm::ops::events::ensure_shipped(&f.store).unwrap();
    let sam = as_user(&f.store, "sam", None, Role::Sales);
    let lea = as_user(&f.store, "lea", Some(&f.leader), Role::Sales);
    let item = f.store.list(Item::DEF, Some(1)).unwrap()[0]
        .key()
        .to_string();
    let quote = |discount| Quote {
        opportunity: f.opp.clone(),
        lines: vec![QuoteLine {
            item: item.clone(),
            qty: Some(2),
            discount: Some(discount),
            ..Default::default()
        }],
        ..Default::default()
    };
    let quotes = || f.store.count(Quote::DEF);
    let before = quotes();
    // 15 % goes through at once.
    sam.save(Box::new(quote(15)), true).unwrap();
    assert_eq!(quotes(), before + 1);
    let e = sam.save(Box::new(quote(25)), true).unwrap_err();
    let ErrorKind::Held { approval } = e.kind else {
        panic!("{e:?}")
    };
    assert!(
        e.message.contains("held for approval by lea"),
        "{}",
        e.message
    );
    assert_eq!(quotes(), before + 1, "held, not saved");
    let inbox = lea.inbox(true, 10).unwrap();
    let asked = inbox
        .iter()
        .find(|i| i.approval.as_ref().is_some_and(|a| a.id == approval))
        .expect("the approval in the leader's inbox");
    assert!(
        asked.message.text.contains("sam asks for approval"),
        "{}",
        asked.message.text
    );
    let said = lea.answer(approval, true, "").unwrap();
    assert!(said.starts_with("approved and saved: quote QUO"), "{said}");
    assert_eq!(quotes(), before + 2);
    assert!(lea
        .inbox(true, 10)
        .unwrap()
        .iter()
        .all(|i| i.message.approval != Some(approval)));
}

#[test]
fn over_the_socket_a_stage_change_reaches_the_leader_s_other_session_at_once() {
    use std::sync::atomic::{AtomicU32, Ordering};
    use termcrm::api::remote::{Remote, Target};
    use termcrm::server::{Config, PeerMap, Server};
    if !common::nobody_in_nogroup() {
        return;
    }
    let f = fixture_led_by("nobody");
    termcrm::ops::events::ensure_shipped(&f.store).unwrap();
    let path = f._dir.path().join("db");
    // Connections are taken for `who` while it is set, for themselves otherwise.
    let who = Arc::new(AtomicU32::new(u32::MAX));
    let w = Arc::clone(&who);
    let map: PeerMap = Arc::new(move |real| match w.load(Ordering::SeqCst) {
        u32::MAX => real,
        uid => uid,
    });
    struct Running(Option<Server>);
    impl Drop for Running {
        fn drop(&mut self) {
            if let Some(s) = self.0.take() {
                s.stop();
            }
        }
    }
    let _server = Running(Some(
        Server::start_on(
            Arc::clone(&f.store),
            Config {
                peer_map: Some(map),
                group: Some("nogroup".into()),
                ..Config::quiet(&path)
            },
        )
        .unwrap(),
    ));
    who.store(65534, Ordering::SeqCst);
    let leader = Remote::client(Target::Local(path.clone())).unwrap();
    assert_eq!(
        leader.session().salesperson.as_deref(),
        Some(f.leader.as_str())
    );
    let feed = leader.subscribe().unwrap();
    who.store(u32::MAX, Ordering::SeqCst);
    let owner = Remote::client(Target::Local(path.clone())).unwrap();
    let mut o = get_opp(&owner, &f.opp);
    let was = o.stage.clone();
    o.stage = other_stage(&f.store, &was);
    let saved = Instant::now();
    owner.save(Box::new(o), false).unwrap();
    let heard = loop {
        match feed.next(Duration::from_millis(100)) {
            Some(termcrm::api::Push::Inbox { unread }) => break (unread, saved.elapsed()),
            _ if saved.elapsed() > Duration::from_secs(5) => panic!("no inbox push"),
            _ => continue,
        }
    };
    eprintln!(
        "the leader heard of the stage change {:?} after the save began",
        heard.1
    );
    assert_eq!(heard.0, 1);
    // Not instantly in a debug build on a busy machine; the bench holds the budget.
    assert!(heard.1 < Duration::from_secs(1), "{:?}", heard.1);
    let inbox = leader.inbox(true, 10).unwrap();
    assert_eq!(inbox.len(), 1);
    assert!(
        inbox[0].message.text.contains(&format!("stage {was} →")),
        "{}",
        inbox[0].message.text
    );
    assert_eq!(inbox[0].message.rule, "STAGE_MOVED");
    // The owner's own sessions hear nothing of the leader's inbox.
    assert_eq!(owner.unread().unwrap(), 0);
}

#[test]
fn a_schedule_fires_once_per_due_time_and_a_deletion_fires_its_rule() {
    let f = fixture();
    let admin = as_user(&f.store, "root", None, Role::Admin);
    add_rule(
        &f.store,
        rule(
            "DAILY",
            "opportunity",
            "schedule",
            "daily at 07:00",
            &format!("key:{}", f.opp),
            "notify leader \"daily: {description}\"",
        ),
    );
    let shared = termcrm::api::state::Shared::default();
    let server = Session {
        uid: 0,
        user: "server".into(),
        salesperson: None,
        role: Role::Admin,
    };
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let tick = |h: u32, m: u32, d: i64| {
        let at = (day + chrono::Duration::days(d))
            .and_hms_opt(h, m, 0)
            .unwrap();
        termcrm::api::local::tick(&f.store, &shared, &server, at).unwrap();
    };
    let lea = as_user(&f.store, "lea", Some(&f.leader), Role::Sales);
    let daily = || {
        lea.inbox(false, 50)
            .unwrap()
            .iter()
            .filter(|i| i.message.rule == "DAILY")
            .count()
    };
    // A new schedule starts from its first tick: nothing before it is due.
    tick(6, 59, 0);
    assert_eq!(daily(), 0);
    tick(7, 1, 0);
    assert_eq!(daily(), 1);
    tick(7, 2, 0);
    assert_eq!(daily(), 1, "not twice for one due time");
    // Down for three days: one firing for the newest due time, not three.
    tick(8, 0, 4);
    assert_eq!(daily(), 2);

    add_rule(
        &f.store,
        rule(
            "GONE",
            "opportunity_task",
            "deleted",
            "",
            "",
            "notify actor \"deleted {key}: {description}\"",
        ),
    );
    let t = OpportunityTask {
        opportunity: f.opp.clone(),
        description: "short-lived".into(),
        status: "open".into(),
        ..Default::default()
    };
    let key = admin.save(Box::new(t), true).unwrap();
    admin.delete(OpportunityTask::DEF, &key).unwrap();
    let inbox = admin.inbox(false, 10).unwrap();
    assert!(
        inbox
            .iter()
            .any(|i| i.message.rule == "GONE"
                && i.message.text == format!("deleted {key}: short-lived")),
        "{inbox:?}"
    );
}
