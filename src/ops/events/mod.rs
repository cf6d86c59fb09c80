//! Event rules: records of `event_rule` that watch an entity's changes, dates and
//! schedules, test a condition over the old and the new record, and act — notify
//! users in their inbox, set fields before the save, create a task, log an
//! interaction, hold the change for approval, run a command. The server runs them
//! (`engine`), the one process that sees every write; `spec` is their grammar.

mod act;
mod engine;
mod hold;
mod people;
pub mod rules;
mod shipped;
pub mod spec;
mod test;
pub mod tick;

use serde::{Deserialize, Serialize};

pub use act::drain_finished;
pub use engine::{after_commit, before_save, set_admin, with_rules, After, MAX_DEPTH};
pub use hold::answer;
pub use rules::{load, Rule, RuleSet};
pub use shipped::{ensure_shipped, shipped, SHIPPED};
pub use test::{inbox, test_rule};
pub use tick::tick;

use crate::store::events::{Approval, Message};

/// A message in an inbox, with the approval it asks for or answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    pub message: Message,
    pub approval: Option<Approval>,
}

/// What a rule would do on one record now (`crm rules test`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleHit {
    pub rule: String,
    pub entity: String,
    pub key: String,
    /// What the rule would fire on ("as if just created", "due 2026-12-01").
    pub trigger: String,
    pub actions: Vec<String>,
}
