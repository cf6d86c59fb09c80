//! Event rule rows (issue 13), on `--db`, with a server running in this process
//! and socket clients, as a user works:
//!
//! - a single save of an opportunity with no rules, then with 50 enabled rules
//!   watching opportunities (none of whose conditions holds, so each is tested and
//!   none acts — the cost every save pays); budget: at most 10 % more;
//! - the date tick: finding the records the shipped date rules have due on a day
//!   (budget 200 ms), and the first tick of that day, which also acts on them;
//! - a stage change heard as an inbox push by the team leader's open session
//!   (budget 100 ms).
//!
//! It adds rules, messages, tasks and one opportunity's changes to the database.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use termcrm::api::remote::{Remote, Target};
use termcrm::api::{Client, Push, Role, Session};
use termcrm::model::{Entity, EventRule, Opportunity, OpportunityStage, SalesTeam, Salesperson};
use termcrm::server::{peer, Config, Server};
use termcrm::store::{OpenOptions, Store};

use super::{at_most, at_most_dur, dur, header, median, note, row, Res};

const SAVES: usize = 300;
const RULES: usize = 50;
const PUSHES: usize = 20;

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

fn set_shipped(client: &Client, enabled: bool) -> Res<()> {
    for mut r in termcrm::ops::events::shipped() {
        r.enabled = enabled;
        client.save(Box::new(r), false)?;
    }
    Ok(())
}

pub fn event_rows(path: &Path) -> Res<()> {
    let store = Arc::new(Store::open_with(path, &OpenOptions::server())?);
    termcrm::query::saved::ensure_preconfigured(&store)?;
    termcrm::ops::events::ensure_shipped(&store)?;
    let server = Server::start_on(Arc::clone(&store), Config::quiet(path))?;
    let result = measure(path, &store);
    server.stop();
    result
}

fn measure(path: &Path, store: &Arc<Store>) -> Res<()> {
    let client = Remote::client(Target::Local(path.to_path_buf()))?;
    let opp = store
        .scan(Opportunity::DEF)
        .filter_map(|r| r.ok())
        .filter_map(|r| r.downcast_ref::<Opportunity>().cloned())
        .find(|o| !o.sales_team.is_empty())
        .ok_or("no opportunity with a sales team")?;
    let team = store
        .get_as::<SalesTeam>(&opp.sales_team)?
        .ok_or("the opportunity's team is missing")?;
    // The bench's own user leads the team: its session hears the notifications.
    let mut leader = store
        .get_as::<Salesperson>(&team.leader)?
        .ok_or("the team's leader is missing")?;
    leader.os_user = peer::user_name(peer::current_uid()).unwrap_or_default();
    client.save(Box::new(leader), false)?;
    header();

    set_shipped(&client, false)?;
    let without = saves(&client, &opp)?;
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
        client.save(Box::new(r), true)?;
    }
    let with = saves(&client, &opp)?;
    for i in 0..RULES {
        client.delete(EventRule::DEF, &format!("BENCH{i:02}"))?;
    }
    // Without rules again: the two baselines bracket any drift of the store.
    let after = saves(&client, &opp)?;
    let none = (without + after) / 2;
    let extra = with.as_secs_f64() / none.as_secs_f64() - 1.0;
    row(
        "save, 50 rules on the entity",
        &format!("{} (none: {} / {})", dur(with), dur(without), dur(after)),
        "+10%",
        &at_most(extra * 100.0, 10.0, |v| format!("{v:+.1}%")),
        &format!("median of {SAVES} socket saves each"),
    );
    set_shipped(&client, true)?;

    // Tomorrow's first tick: what the shipped date rules find due, then all of it.
    let rules = termcrm::ops::events::load(store)?;
    let tomorrow = chrono::Local::now().date_naive() + chrono::Duration::days(1);
    let started = Instant::now();
    let due = termcrm::ops::events::tick::count_due(store, &rules, tomorrow)?;
    let find = started.elapsed();
    row(
        "date tick: records due (date rules)",
        &dur(find),
        "200 ms",
        &at_most_dur(find, Duration::from_millis(200)),
        &format!("{due} due, through the date index and the history"),
    );
    // The home pane's alerts: the standing view of the date rules with an alert.
    let today = chrono::Local::now().date_naive();
    let started = Instant::now();
    let all = termcrm::ops::alerts::alerts(store, &rules, None, today)?;
    let everyone = started.elapsed();
    let started = Instant::now();
    let mine = termcrm::ops::alerts::alerts(store, &rules, Some(&team.leader), today)?;
    let one = started.elapsed();
    row(
        "alerts: everyone's / one salesperson's",
        &format!("{} / {}", dur(everyone), dur(one)),
        "ref",
        "",
        &format!(
            "{} / {} alerts, from the date rules over the date index",
            all.len(),
            mine.len()
        ),
    );
    let shared = termcrm::api::state::Shared::default();
    let server = Session {
        uid: peer::current_uid(),
        user: "bench-server".into(),
        salesperson: None,
        role: Role::Admin,
    };
    let at = tomorrow.and_hms_opt(7, 0, 0).ok_or("no 07:00")?;
    let started = Instant::now();
    termcrm::api::local::tick(store, &shared, &server, at)?;
    let first = started.elapsed();
    let again = Instant::now();
    termcrm::api::local::tick(store, &shared, &server, at + chrono::Duration::minutes(1))?;
    let next = again.elapsed();
    note(&format!(
        "date tick, first of a day, acting on {due} records (messages, call tasks): {}; the next minute's: {}",
        dur(first),
        dur(next)
    ));

    // A stage change heard by the leader's open session.
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
        let next = stages[i % stages.len()].clone();
        if o.stage == next {
            continue;
        }
        o.stage = next;
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
        &format!("median of {PUSHES}: socket save to the leader's push"),
    );
    Ok(())
}
