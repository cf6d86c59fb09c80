//! Event rule rows (issue 13), on `--db`, through the request handler the server
//! runs for every client (in this process: the socket adds the same to every
//! save with and without rules, and would only hide the rules' share):
//!
//! - a single save of an opportunity with no rules, then with 50 enabled rules
//!   watching opportunities (none of whose conditions holds, so each is tested and
//!   none acts — the cost every save pays); budget: at most 10 % more;
//! - the first date tick of a day with the shipped rules over every record
//!   (budget 200 ms);
//! - a stage change heard as an inbox push by the team leader's open session
//!   (budget 100 ms after the save returns... measured from before the save).
//!
//! It adds rules, messages and one opportunity's changes to the database.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use termcrm::api::local::Local;
use termcrm::api::{Client, Push, Role, Session};
use termcrm::model::{Entity, EventRule, Opportunity, OpportunityStage, SalesTeam, Salesperson};
use termcrm::store::Store;

use super::{at_most, at_most_dur, dur, median, note, row, Res};

const SAVES: usize = 200;
const RULES: usize = 50;
const PUSHES: usize = 20;

fn session(user: &str, salesperson: Option<String>) -> Session {
    Session {
        uid: 1000,
        user: user.into(),
        salesperson,
        role: Role::Admin,
    }
}

fn saves(client: &Client, opp: &Opportunity) -> Res<Duration> {
    let mut times = Vec::with_capacity(SAVES);
    for i in 0..SAVES {
        let mut o = opp.clone();
        o.description = format!("{} #{i}", opp.description);
        let started = Instant::now();
        client.save(Box::new(o), false)?;
        times.push(started.elapsed());
    }
    Ok(median(times))
}

fn rule(key: String, trigger: &str, when: &str, condition: &str) -> EventRule {
    EventRule {
        key,
        description: "bench".into(),
        entity: "opportunity".into(),
        trigger: trigger.into(),
        when: when.into(),
        condition: condition.into(),
        actions: "notify leader \"{description}: {was.stage} → {stage}\"".into(),
        enabled: true,
    }
}

pub fn event_rows(path: &Path) -> Res<()> {
    let store = Arc::new(Store::open(path)?);
    termcrm::ops::events::ensure_shipped(&store)?;
    let opp = store
        .scan(Opportunity::DEF)
        .filter_map(|r| r.ok())
        .filter_map(|r| r.downcast_ref::<Opportunity>().cloned())
        .find(|o| !o.sales_team.is_empty())
        .ok_or("no opportunity with a sales team")?;
    let team = store
        .get_as::<SalesTeam>(&opp.sales_team)?
        .ok_or("the opportunity's team is missing")?;
    let mut leader = store
        .get_as::<Salesperson>(&team.leader)?
        .ok_or("the team's leader is missing")?;
    leader.os_user = "bench-leader".into();
    let admin = Client::new(Arc::new(Local::with_session(
        Arc::clone(&store),
        session("bench", None),
    )));
    admin.save(Box::new(leader.clone()), false)?;
    // Without rules of its own: the shipped ones, disabled for this row.
    let shipped: Vec<EventRule> = termcrm::ops::events::shipped();
    for r in &shipped {
        let mut r = r.clone();
        r.enabled = false;
        admin.save(Box::new(r), false)?;
    }
    let plain = Client::new(Arc::new(Local::with_session(
        Arc::clone(&store),
        session("bench", None),
    )));
    let without = saves(&plain, &opp)?;
    for i in 0..RULES {
        let r = match i % 3 {
            0 => rule(
                format!("BENCH{i:02}"),
                "updated",
                "stage",
                "amount>999999999",
            ),
            1 => rule(
                format!("BENCH{i:02}"),
                "updated",
                "",
                "changed:amount AND amount>999999999",
            ),
            _ => rule(format!("BENCH{i:02}"), "created", "", ""),
        };
        admin.save(Box::new(r), true)?;
    }
    let ruled = Client::new(Arc::new(Local::with_session(
        Arc::clone(&store),
        session("bench", None),
    )));
    let with = saves(&ruled, &opp)?;
    let extra = with.as_secs_f64() / without.as_secs_f64() - 1.0;
    row(
        "save, 50 rules on the entity",
        &format!("{} (none: {})", dur(with), dur(without)),
        "+10%",
        &at_most(extra * 100.0, 10.0, |v| format!("{v:+.1}%")),
        &format!("median of {SAVES} saves"),
    );
    for i in 0..RULES {
        let _ = admin.delete(EventRule::DEF, &format!("BENCH{i:02}"));
    }
    for r in shipped {
        admin.save(Box::new(r), false)?;
    }

    // The first tick of a day: every shipped date rule reads its records.
    let shared = termcrm::api::state::Shared::default();
    let server = session("bench-server", None);
    let tomorrow = chrono::Local::now().date_naive() + chrono::Duration::days(1);
    let at = tomorrow.and_hms_opt(7, 0, 0).ok_or("no 07:00")?;
    let started = Instant::now();
    termcrm::api::local::tick(&store, &shared, &server, at)?;
    let tick = started.elapsed();
    row(
        "date tick, 6 shipped rules",
        &dur(tick),
        "200 ms",
        &at_most_dur(tick, Duration::from_millis(200)),
        "first tick of a day: every due record",
    );

    // A stage change heard by the leader's open session.
    let local = Arc::new(Local::with_session(
        Arc::clone(&store),
        session("bench-leader", Some(leader.key.clone())),
    ));
    let client = Client::new(local);
    let feed = client.subscribe()?;
    let stages: Vec<String> = store
        .scan(OpportunityStage::DEF)
        .filter_map(|r| r.ok())
        .map(|r| r.key().to_string())
        .collect();
    let mut times = Vec::new();
    for i in 0..PUSHES {
        let mut o = client
            .fetch(Opportunity::DEF, &opp.key)?
            .downcast_ref::<Opportunity>()
            .cloned()
            .ok_or("not an opportunity")?;
        o.stage = stages[i % stages.len()].clone();
        if i > 0 && o.stage == stages[(i - 1) % stages.len()] {
            continue;
        }
        while feed.next(Duration::ZERO).is_some() {}
        let started = Instant::now();
        client.save(Box::new(o), false)?;
        loop {
            match feed.next(Duration::from_secs(2)) {
                Some(Push::Inbox { .. }) => {
                    times.push(started.elapsed());
                    break;
                }
                Some(_) => continue,
                None => return Err("no inbox push within 2 s".into()),
            }
        }
    }
    let heard = median(times);
    row(
        "notification to an open session",
        &dur(heard),
        "100 ms",
        &at_most_dur(heard, Duration::from_millis(100)),
        &format!("median of {PUSHES}, from before the save"),
    );
    note("event rows: in-process request handler (the server's), rules read from the store");
    Ok(())
}
