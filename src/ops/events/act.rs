//! The actions a rule takes after a commit: notify (inbox messages), create a
//! task, log an interaction, run a command. A failing action is written into the
//! firing's log entry and never undoes the change that fired it.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Timelike;

use super::people;
use super::rules::Rule;
use super::spec::{Action, RenderCtx, Target, Template};
use crate::model::{
    Entity, FieldKind, Interaction, InteractionTopic, InteractionType, OpportunityTask, Record,
    TaskType, Value,
};
use crate::store::events::{Fired, Message};
use crate::store::Store;

/// Commands that finished after their firing was logged: written into the event
/// log by the next request or tick.
static FINISHED: Mutex<Vec<Fired>> = Mutex::new(Vec::new());

/// Writes the outcomes of finished commands into the event log.
pub fn drain_finished(store: &Store) {
    let done = std::mem::take(&mut *FINISHED.lock().unwrap_or_else(|e| e.into_inner()));
    for f in done {
        let _ = store.log_fired(f);
    }
}

/// Runs every after-commit action of `rule` on `record` (`old`: before the change);
/// each action's outcome goes into `fired`.
pub fn run(
    store: &Store,
    rule: &Rule,
    record: &dyn Record,
    old: Option<&dyn Record>,
    user: &str,
    fired: &mut Fired,
) {
    let ctx = RenderCtx {
        user,
        rule: &rule.key,
    };
    let render = |t: &Template| t.render(Some(record), old, &ctx);
    for action in &rule.actions {
        let outcome = match action {
            Action::Notify { to, text } => notify(store, rule, to, record, user, &render(text)),
            Action::Task {
                text,
                task_type,
                owner,
                due,
                priority,
            } => task(
                store,
                record,
                user,
                &render(text),
                task_type,
                owner,
                *due,
                priority,
            ),
            Action::Interaction { text, kind, topic } => {
                interaction(store, record, &render(text), kind, topic)
            }
            Action::Run { command, timeout } => {
                spawn(rule, record, command, *timeout, fired);
                Ok(format!("run: started `{command}`"))
            }
            Action::Set { .. } | Action::Hold { .. } | Action::Alert { .. } => continue,
        };
        match outcome {
            Ok(done) => fired.actions.push(done),
            Err(e) => {
                let e = format!("{}: {e}", action.verb());
                fired.actions.push(e.clone());
                fired.error.get_or_insert(e);
            }
        }
    }
}

fn notify(
    store: &Store,
    rule: &Rule,
    to: &[Target],
    record: &dyn Record,
    user: &str,
    text: &str,
) -> Result<String, String> {
    let users = people::users(store, to, record, user).map_err(|e| e.to_string())?;
    if users.is_empty() {
        return Err(format!(
            "nobody to notify: {} {} names no one with an OS user for it",
            record.def().name,
            record.key()
        ));
    }
    for u in &users {
        store
            .post_message(Message {
                id: 0,
                to: u.clone(),
                at_ms: 0,
                rule: rule.key.clone(),
                entity: record.def().name.to_string(),
                key: record.key().to_string(),
                text: text.to_string(),
                read: false,
                approval: None,
            })
            .map_err(|e| e.to_string())?;
        super::engine::posted(u);
    }
    Ok(format!("notified {}", users.join(", ")))
}

/// Fills the new record's empty references from `source`: its own key where the
/// reference is to the source's entity, else the source's reference to the same
/// entity (a task on a lead's opportunity, an interaction with a quote's customer).
fn link(new: &mut dyn Record, source: &dyn Record) {
    let sdef = source.def();
    for (i, f) in new.def().fields.iter().enumerate() {
        let FieldKind::Ref(target) = f.kind else {
            continue;
        };
        if !new.get(i).is_empty() {
            continue;
        }
        let value = if sdef.name == target {
            Some(source.key().to_string())
        } else {
            sdef.fields
                .iter()
                .enumerate()
                .find_map(|(j, g)| match (&g.kind, source.get(j)) {
                    (FieldKind::Ref(t), Value::Text(v)) if *t == target && !v.is_empty() => Some(v),
                    _ => None,
                })
        };
        if let Some(v) = value {
            let _ = new.set(i, Value::Text(v));
        }
    }
}

/// The first salesperson a target names, for a task's owner.
fn owner_of(store: &Store, target: &Target, record: &dyn Record, user: &str) -> Option<String> {
    people::resolve(store, target, record, user)
        .ok()?
        .into_iter()
        .find_map(|p| p.salesperson)
}

#[allow(clippy::too_many_arguments)]
fn task(
    store: &Store,
    record: &dyn Record,
    user: &str,
    text: &str,
    task_type: &Option<String>,
    owner: &Option<Target>,
    due: Option<i64>,
    priority: &Option<String>,
) -> Result<String, String> {
    let mut t = OpportunityTask {
        // The text may quote a multiline field: a task's description is one line.
        description: crate::util::one_line(text),
        task_type: task_type.clone().unwrap_or_default(),
        due_date: due.map(|d| super::engine::today() + chrono::Duration::days(d)),
        priority: priority.clone().unwrap_or_else(|| "normal".into()),
        status: "open".into(),
        ..Default::default()
    };
    if let Some(o) = owner {
        t.owner = owner_of(store, o, record, user).unwrap_or_default();
    }
    link(&mut t, record);
    // A lead's task that has an opportunity already belongs to the opportunity.
    if !t.opportunity.is_empty() {
        t.lead.clear();
    }
    // A task type this database lacks is left out (noted), not a failed task.
    let mut note = String::new();
    if !t.task_type.is_empty() {
        let known = store
            .contains(TaskType::DEF, &t.task_type)
            .map_err(|e| e.to_string())?;
        if !known {
            note = format!(" (no task type {}: left empty)", t.task_type);
            t.task_type.clear();
        }
    }
    if t.owner.is_empty() {
        if let Some(sp) = record.def().fields.iter().enumerate().find_map(|(i, f)| {
            match (&f.kind, record.get(i)) {
                (FieldKind::Ref("salesperson"), Value::Text(s)) if !s.is_empty() => Some(s),
                _ => None,
            }
        }) {
            t.owner = sp;
        }
    }
    if t.opportunity.is_empty() && t.lead.is_empty() {
        return Err(format!(
            "a task belongs to an opportunity or a lead, and {} {} names neither",
            record.def().name,
            record.key()
        ));
    }
    let key = crate::ops::save::save(store, None, Box::new(t)).map_err(|e| e.to_string())?;
    Ok(format!("task {key} created{note}"))
}

fn interaction(
    store: &Store,
    record: &dyn Record,
    text: &str,
    kind: &Option<String>,
    topic: &Option<String>,
) -> Result<String, String> {
    let now = chrono::Local::now().naive_local();
    let mut i = Interaction {
        occurred_at: now.with_nanosecond(0),
        interaction_type: kind.clone().unwrap_or_default(),
        topic: topic.clone().unwrap_or_default(),
        notes: text.to_string(),
        ..Default::default()
    };
    link(&mut i, record);
    if !i.customer.is_empty() && !i.prospect.is_empty() {
        i.prospect.clear();
    }
    // Codes this database lacks are left out (noted), not a failed interaction.
    let mut note = String::new();
    for (code, def) in [
        (&mut i.interaction_type, InteractionType::DEF),
        (&mut i.topic, InteractionTopic::DEF),
    ] {
        if !code.is_empty() && !store.contains(def, code).map_err(|e| e.to_string())? {
            note.push_str(&format!(" (no {} {code}: left empty)", def.name));
            code.clear();
        }
    }
    let key = crate::ops::save::save(store, None, Box::new(i)).map_err(|e| e.to_string())?;
    Ok(format!("interaction {key} logged{note}"))
}

/// Starts `command` with the record as JSON on its stdin, in a thread of its own:
/// its exit code and output reach the event log when it ends or is stopped at
/// `timeout`; the save that fired it does not wait.
fn spawn(rule: &Rule, record: &dyn Record, command: &str, timeout: Duration, fired: &Fired) {
    let fields: Vec<usize> = (0..record.def().fields.len()).collect();
    let json = crate::io::json_out::record_json(record, &fields).to_string();
    let mut entry = fired.clone();
    entry.trigger = format!("command of rule {}", rule.key);
    entry.actions.clear();
    let command = command.to_string();
    std::thread::spawn(move || {
        let outcome = run_command(&command, &json, timeout);
        match outcome {
            Ok(line) => entry.actions.push(line),
            Err(e) => {
                entry.actions.push(e.clone());
                entry.error = Some(e);
            }
        }
        FINISHED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
    });
}

/// Runs `sh -c command`, writes `input` to it, waits at most `timeout`.
pub fn run_command(command: &str, input: &str, timeout: Duration) -> Result<String, String> {
    use std::os::unix::process::CommandExt;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        // A group of its own: a time limit stops the command and all it started.
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("run `{command}`: cannot start it: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(o) = out.as_mut() {
            let _ = o.take(4096).read_to_string(&mut text);
        }
        if let Some(e) = err.as_mut() {
            let _ = e.take(4096).read_to_string(&mut text);
        }
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= timeout => {
                // SAFETY: kill(2) on the child's own process group; no memory is touched.
                unsafe {
                    libc::kill(-(child.id() as i32), libc::SIGKILL);
                }
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("run `{command}`: {e}")),
        }
    };
    let output: String = reader
        .join()
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() && c != '\n' { '?' } else { c })
        .collect();
    let output = output.trim().replace('\n', " | ");
    match status {
        None => Err(format!(
            "run `{command}`: stopped after {} s (its time limit); output: {output}",
            timeout.as_secs()
        )),
        Some(s) if s.success() => Ok(format!("run `{command}`: exit 0; output: {output}")),
        Some(s) => Err(format!(
            "run `{command}`: exit {}; output: {output}",
            s.code().map_or("by signal".to_string(), |c| c.to_string())
        )),
    }
}
