//! `crm rules`, `crm inbox` and `crm events`: the event rules, the messages and
//! approvals they leave for you, and the log of what they did.

use anyhow::{bail, Context};
use clap::{Args, Subcommand};

use super::history::{parse_when, when};
use super::output::print_report;
use super::{CliResult, Format};
use crate::api::events::{Approval, ApprovalState, EventFilter, InboxItem, RuleHit};
use crate::api::{local_time, Client};
use crate::model::{Entity, EventRule, Value};

/// `crm rules [list | enable RULE | disable RULE | test RULE [KEY]]`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crm add event_rule key=WON entity=opportunity trigger=updated when=stage \\
      condition=stage:WON actions='notify leader \"{description} is won\"' enabled=yes
  crm rules
  crm rules test WON OPP0000001
  crm rules disable WON")]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: Option<RulesAction>,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// List the rules: key, entity, trigger, when, enabled, description (the default).
    List,
    /// Switch a rule on.
    Enable { rule: String },
    /// Switch a rule off (it stays, and `enable` brings it back).
    Disable { rule: String },
    /// What a rule would do now, on one record or on every record it fires on;
    /// changes nothing.
    Test {
        rule: String,
        /// The record to test it on (default: every record it fires on, at most 50).
        key: Option<String>,
    },
}

/// `crm inbox`: your messages from the rules, and the approvals you may answer.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crm inbox --unread
  crm inbox --read all
  crm inbox --approve 42
  crm inbox --reject 42 --reason \"discount too high\"")]
pub struct InboxArgs {
    /// Only the unread messages.
    #[arg(long)]
    pub unread: bool,
    /// At most this many messages, newest first.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: usize,
    /// Mark messages read: an id, ids (3,5,8) or all.
    #[arg(long, value_name = "ID|all", conflicts_with_all = ["approve", "reject"])]
    pub read: Option<String>,
    /// Approve a held change (the id of its message or of the approval).
    #[arg(long, value_name = "ID", conflicts_with = "reject")]
    pub approve: Option<u64>,
    /// Reject a held change (the id of its message or of the approval); needs --reason.
    #[arg(long, value_name = "ID", requires = "reason")]
    pub reject: Option<u64>,
    /// Why the change is rejected (the requester reads it).
    #[arg(long, value_name = "TEXT", requires = "reject")]
    pub reason: Option<String>,
}

/// `crm events`: what the rules did, newest first.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crm events --since 1d
  crm events --rule WON --limit 20 --format csv")]
pub struct EventsArgs {
    /// Only the firings of this rule.
    #[arg(long, value_name = "RULE")]
    pub rule: Option<String>,
    /// Only firings since: 90m, 12h, 1d, 2w, or a date.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// At most this many firings.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub limit: usize,
}

pub fn rules(api: &Client, args: RulesArgs, format: Format) -> CliResult {
    match args.action.unwrap_or(RulesAction::List) {
        RulesAction::List => list(api, format),
        RulesAction::Enable { rule } => switch(api, &rule, true),
        RulesAction::Disable { rule } => switch(api, &rule, false),
        RulesAction::Test { rule, key } => test(api, &rule, key.as_deref(), format),
    }
}

/// "1 rule", "2 rules": the noun of a report's count line.
fn noun(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn list(api: &Client, format: Format) -> CliResult {
    let rows: Vec<Vec<String>> = api
        .list(EventRule::DEF, None, None)?
        .iter()
        .filter_map(|r| r.downcast_ref::<EventRule>())
        .map(|r| {
            vec![
                r.key.clone(),
                r.entity.clone(),
                r.trigger.clone(),
                r.when.clone(),
                yes_no(r.enabled),
                r.description.clone(),
            ]
        })
        .collect();
    print_report(
        &["key", "entity", "trigger", "when", "enabled", "description"],
        &rows,
        noun(rows.len(), "rule", "rules"),
        format,
    )
}

/// `crm rules enable|disable RULE`: the record with `enabled` flipped, saved on
/// the revision it was read at (merged with a change made meanwhile elsewhere).
fn switch(api: &Client, rule: &str, on: bool) -> CliResult {
    let def = EventRule::DEF;
    let (rev, mut record) = api.fetch_rev(def, rule)?;
    let key = record.key().to_string();
    let index = def
        .field_index("enabled")
        .context("event_rule has no field 'enabled'")?;
    let word = if on { "enabled" } else { "disabled" };
    if record.get(index) == Value::Bool(on) {
        eprintln!("rule {key} is already {word}");
        return Ok(());
    }
    let original = record.clone();
    record
        .set(index, Value::Bool(on))
        .map_err(|e| anyhow::anyhow!("event_rule {key}: enabled: {e}"))?;
    api.save_on(record, false, Some((rev, Some(original))))?;
    eprintln!("rule {key} {word}");
    Ok(())
}

fn test(api: &Client, rule: &str, key: Option<&str>, format: Format) -> CliResult {
    let hits = api.rule_test(rule, key)?;
    let name = rule.trim().to_uppercase();
    if format != Format::Table {
        let rows: Vec<Vec<String>> = hits
            .iter()
            .map(|h| {
                vec![
                    h.rule.clone(),
                    h.entity.clone(),
                    h.key.clone(),
                    h.trigger.clone(),
                    h.actions.join("; "),
                ]
            })
            .collect();
        print_report(
            &["rule", "entity", "key", "trigger", "actions"],
            &rows,
            "records",
            format,
        )?;
    } else if hits.is_empty() {
        outln!("{name} fires on no record now")?;
    } else {
        print_hits(&hits)?;
    }
    eprintln!("(a test: nothing was changed, nobody was notified)");
    Ok(())
}

fn print_hits(hits: &[RuleHit]) -> CliResult {
    use std::io::Write;
    let safe = crate::util::safe_text;
    let mut out = std::io::stdout().lock();
    for h in hits {
        writeln!(
            out,
            "{} {}: {}",
            safe(&h.entity),
            safe(&h.key),
            safe(&h.trigger)
        )?;
        for a in &h.actions {
            writeln!(out, "    {}", safe(a))?;
        }
    }
    let fired = hits.iter().filter(|h| !h.actions.is_empty()).count();
    writeln!(
        out,
        "({fired} of {} {} would fire)",
        hits.len(),
        noun(hits.len(), "record", "records")
    )?;
    Ok(())
}

pub fn inbox(api: &Client, args: InboxArgs, format: Format) -> CliResult {
    if let Some(which) = &args.read {
        let ids = read_ids(which)?;
        let n = api.inbox_read(ids)?;
        eprintln!("marked {n} message{} read", if n == 1 { "" } else { "s" });
        return Ok(());
    }
    let answer = match (args.approve, args.reject) {
        (Some(id), _) => Some((id, true)),
        (None, Some(id)) => Some((id, false)),
        (None, None) => None,
    };
    if let Some((id, approve)) = answer {
        let reason = args.reason.as_deref().unwrap_or("").trim();
        if !approve && reason.is_empty() {
            bail!("a rejection needs a reason: --reject ID --reason TEXT");
        }
        let approval = approval_id(api, id)?;
        outln!(
            "{}",
            crate::util::safe_text(&api.answer(approval, approve, reason)?)
        )?;
        return Ok(());
    }
    let items = api.inbox(args.unread, args.limit)?;
    let rows: Vec<Vec<String>> = items.iter().map(|i| inbox_row(i, format)).collect();
    print_report(
        &[
            "id", "when", "rule", "record", "text", "read", "approval", "changes",
        ],
        &rows,
        noun(rows.len(), "message", "messages"),
        format,
    )
}

/// `--read`: `all` (every message), or ids separated by commas.
fn read_ids(which: &str) -> anyhow::Result<Vec<u64>> {
    if which.trim().eq_ignore_ascii_case("all") {
        return Ok(Vec::new());
    }
    which
        .split(',')
        .map(|part| {
            part.trim().parse::<u64>().map_err(|_| {
                anyhow::anyhow!(
                    "--read '{}': give a message id, ids like 3,5,8, or all",
                    crate::util::safe_text(which)
                )
            })
        })
        .collect()
}

/// The approval an id names: a message's (what `crm inbox` lists), else the id
/// itself (messages and approvals never share an id).
fn approval_id(api: &Client, id: u64) -> anyhow::Result<u64> {
    let items = api.inbox(false, usize::MAX)?;
    Ok(items
        .iter()
        .find(|i| i.message.id == id)
        .and_then(|i| i.message.approval)
        .unwrap_or(id))
}

fn inbox_row(item: &InboxItem, format: Format) -> Vec<String> {
    let m = &item.message;
    let (state, changes) = match &item.approval {
        Some(a) => (approval_state(a), changes_text(a)),
        None => (String::new(), String::new()),
    };
    vec![
        m.id.to_string(),
        when(m.at_ms, format),
        m.rule.clone(),
        format!("{} {}", m.entity, m.key).trim().to_string(),
        m.text.clone(),
        yes_no(m.read),
        state,
        changes,
    ]
}

fn approval_state(a: &Approval) -> String {
    let detail = match &a.state {
        ApprovalState::Pending => format!("asked by {}", a.requester),
        ApprovalState::Approved { by, at_ms } => format!("by {by}, {}", local_time(*at_ms)),
        ApprovalState::Rejected { by, at_ms, reason } => {
            format!("by {by}, {}: {reason}", local_time(*at_ms))
        }
        ApprovalState::Stale { by, at_ms } => {
            format!(
                "the record changed before {by} answered, {}",
                local_time(*at_ms)
            )
        }
    };
    format!("{} #{} ({detail})", a.state.name(), a.id)
}

fn changes_text(a: &Approval) -> String {
    a.changes
        .iter()
        .map(|c| format!("{}: {} → {}", c.field, c.old, c.new))
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn events(api: &Client, args: EventsArgs, format: Format) -> CliResult {
    let since_ms = args.since.as_deref().map(parse_when).transpose()?;
    let fired = api.events(EventFilter {
        rule: args.rule.map(|r| r.trim().to_string()),
        since_ms,
        limit: Some(args.limit),
    })?;
    let rows: Vec<Vec<String>> = fired
        .iter()
        .map(|f| {
            let mut result = f.error.clone().unwrap_or_else(|| "ok".to_string());
            if f.cut {
                result.push_str(" (chain cut)");
            }
            vec![
                when(f.at_ms, format),
                f.rule.clone(),
                format!("{} {}", f.entity, f.key),
                f.trigger.clone(),
                f.user.clone(),
                f.actions.join("; "),
                result,
            ]
        })
        .collect();
    print_report(
        &[
            "when", "rule", "record", "trigger", "user", "actions", "result",
        ],
        &rows,
        noun(rows.len(), "firing", "firings"),
        format,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_takes_all_or_ids_and_names_nonsense() {
        assert_eq!(read_ids("all").unwrap(), Vec::<u64>::new());
        assert_eq!(read_ids("3, 5,8").unwrap(), vec![3, 5, 8]);
        let e = read_ids("3,x").unwrap_err().to_string();
        assert!(e.contains("'3,x'"), "{e}");
    }
}
