//! Key-macro tests of the home pane's inbox: a rule's message shows above the
//! alerts and is marked read with `r` (the status line's count follows); a change
//! held for this user's approval is approved with `y` and rejected with `n` and a
//! reason typed into the prompt.

mod common;

use std::sync::Arc;

use common::harness::{harness, Harness, AREA};
use termcrm::api::events::ApprovalState;
use termcrm::api::local::Local;
use termcrm::api::{Client, ErrorKind, Role, Session};
use termcrm::model::{Entity, EventRule, Opportunity, Salesperson};

fn rule(key: &str, actions: &str) -> EventRule {
    EventRule {
        key: key.into(),
        description: format!("rule {key}"),
        entity: "opportunity".into(),
        trigger: "updated".into(),
        when: String::new(),
        condition: String::new(),
        actions: actions.into(),
        enabled: true,
    }
}

fn first<T: Entity + Clone>(h: &Harness) -> T {
    h.store
        .scan(T::DEF)
        .filter_map(|r| r.ok())
        .find_map(|r| r.downcast_ref::<T>().cloned())
        .expect("a demo record")
}

/// Another user of the same database, in this process.
fn other(h: &Harness, user: &str) -> Client {
    Client::new(Arc::new(Local::with_session(
        Arc::clone(&h.store),
        Session {
            uid: 1001,
            user: user.into(),
            salesperson: None,
            role: Role::Admin,
        },
    )))
}

/// The screen with an inbox line's time of today ("16:34") as "HH:MM".
fn today_fixed(screen: &str) -> String {
    screen
        .lines()
        .map(|line| {
            let chars: Vec<char> = line.chars().collect();
            let time = chars.get(2..7).is_some_and(|t| {
                t[2] == ':' && [0, 1, 3, 4].iter().all(|&i| t[i].is_ascii_digit())
            });
            if time && (line.starts_with("• ") || line.starts_with("  ")) {
                format!(
                    "{}HH:MM{}",
                    &chars[..2].iter().collect::<String>(),
                    chars[7..].iter().collect::<String>()
                )
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_rule_s_message_shows_in_the_inbox_and_r_marks_it_read() {
    let mut h = harness(2000);
    h.log_in_as("nobody");
    // The alerts below are those of a fixed day, for the snapshot.
    h.app
        .set_today(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
    h.app.settle(AREA);
    assert_eq!(h.app.unread(), 0);
    assert!(!h.screen().contains("Inbox"), "{}", h.screen());
    h.client
        .save(
            Box::new(rule("R", "notify actor \"changed {description}\"")),
            true,
        )
        .unwrap();
    let mut opp: Opportunity = first(&h);
    opp.description = "Inbox test".into();
    h.client.save(Box::new(opp.clone()), false).unwrap();
    // The push marks the pane stale; it reads the inbox again.
    h.app.settle(AREA);
    assert_eq!(h.app.unread(), 1);
    let screen = h.screen();
    assert!(screen.contains("Inbox (1 unread of 1)"), "{screen}");
    let line = format!(" {} changed Inbox test · R", opp.key);
    assert!(screen.contains(&line), "{screen}");
    assert!(screen.contains("✉ 1 unread"), "{screen}");
    assert!(screen.contains("r Mark the message read"), "{screen}");
    insta::assert_snapshot!("home_inbox", today_fixed(&screen));
    // The selection starts on the message; the status line counts it as a line.
    let n = 1 + h.app.home().rows().len();
    assert!(screen.contains(&format!(" 1/{n} ")), "{screen}");
    h.keys("r");
    assert_eq!(h.app.unread(), 0);
    let screen = h.screen();
    assert!(screen.contains("Inbox (0 unread of 1)"), "{screen}");
    assert!(!screen.contains("✉"), "{screen}");
    assert!(h.app.home().inbox()[0].message.read);
    // Record text is shown, never run: a C1 escape sequence arrives as text (C0
    // controls are refused at input).
    opp.description = "Bad\u{9b}2Jtext".into();
    h.client.save(Box::new(opp.clone()), false).unwrap();
    h.app.settle(AREA);
    let screen = h.screen();
    assert!(screen.contains("changed Bad·2Jtext"), "{screen}");
    assert!(!screen.contains('\u{9b}'));
    h.keys("r");
    assert_eq!(h.app.unread(), 0);
    // Enter opens the message's record.
    h.keys("<ret>");
    assert_eq!(h.form_key(), Some(opp.key.clone()));
    h.keys("<esc>");
    assert!(h.app.is_home());
    // Help lists the inbox's keys.
    h.keys("?");
    let help = h.screen();
    assert!(help.contains("Mark the message read"), "{help}");
    assert!(help.contains("Approve the held change"), "{help}");
    assert!(help.contains("Reject the held change"), "{help}");
}

#[test]
fn a_held_change_is_approved_with_y_and_rejected_with_n_and_a_reason() {
    let mut h = harness(2000);
    let sam = other(&h, "sam");
    // "lea" is a salesperson's OS user: the rule's approver.
    let mut sp: Salesperson = first(&h);
    sp.os_user = "lea".into();
    sam.save(Box::new(sp), false).unwrap();
    sam.save(
        Box::new(rule("H", "hold user:lea \"check {description}\"")),
        true,
    )
    .unwrap();
    let before: Opportunity = first(&h);
    let held = |description: &str| {
        let mut o = sam
            .fetch(Opportunity::DEF, &before.key)
            .unwrap()
            .downcast_ref::<Opportunity>()
            .cloned()
            .unwrap();
        o.description = description.into();
        let e = sam.save(Box::new(o), false).unwrap_err();
        let ErrorKind::Held { approval } = e.kind else {
            panic!("{e:?}")
        };
        approval
    };
    let description = |h: &Harness| {
        h.store
            .get_as::<Opportunity>(&before.key)
            .unwrap()
            .unwrap()
            .description
    };

    // Approved: lea starts the app and finds the question.
    let approval = held("Approve me");
    h.log_in_as("lea");
    assert_eq!(h.app.unread(), 1);
    let screen = h.screen();
    assert!(
        screen.contains(&format!(" {} [approve?]", before.key)),
        "{screen}"
    );
    assert!(
        screen.contains("[approve?] sam asks for approval"),
        "{screen}"
    );
    let text = &h.app.home().inbox()[0].message.text;
    assert!(text.contains("check Approve me"), "{text}");
    assert!(screen.contains("y Approve the held change"), "{screen}");
    h.keys("y");
    assert!(
        h.app.status().contains("approved and saved"),
        "{}",
        h.screen()
    );
    assert_eq!(description(&h), "Approve me");
    assert_eq!(h.app.unread(), 0, "an answered question is read");
    let screen = h.screen();
    assert!(screen.contains("[approved] sam asks"), "{screen}");
    // Answered: nothing more to answer there.
    h.keys("y");
    assert!(h.app.status().contains("no approval to answer"));

    // Rejected, with the reason typed into the prompt.
    let second = held("Reject me");
    assert_ne!(second, approval);
    h.log_in_as("lea");
    let screen = h.screen();
    assert!(screen.contains("[approve?] sam asks"), "{screen}");
    let text = &h.app.home().inbox()[0].message.text;
    assert!(text.contains("check Reject me"), "{text}");
    h.keys("n");
    assert_eq!(
        h.app.popup_context(),
        Some(termcrm::ui::action::Context::Palette)
    );
    assert!(
        h.screen().contains("type why it is rejected"),
        "{}",
        h.screen()
    );
    h.keys("too much<ret>");
    assert_eq!(h.app.popup_context(), None);
    assert!(h.app.status().contains("rejected"), "{}", h.screen());
    assert_eq!(description(&h), "Approve me");
    let item = h
        .app
        .home()
        .inbox()
        .iter()
        .find(|i| i.approval.as_ref().is_some_and(|a| a.id == second))
        .expect("the rejected approval")
        .clone();
    let Some(ApprovalState::Rejected { reason, .. }) = item.approval.map(|a| a.state) else {
        panic!("not rejected")
    };
    assert_eq!(reason, "too much");
    assert!(h.screen().contains("[rejected] sam asks"), "{}", h.screen());
}
