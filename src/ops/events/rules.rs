//! The rules in force: every enabled `event_rule` record, parsed once (trigger,
//! condition, actions) and grouped by the entity it watches. The server keeps one
//! set and reads it again after a commit that changes a rule.

use std::collections::HashMap;
use std::sync::Arc;

use super::spec::{self, Action, SpecError, Target, Trigger};
use crate::model::{self, Entity, EntityDef, EventRule, Record, Salesperson};
use crate::query::Query;
use crate::store::{Result, Store, StoreError};

/// Entities no rule may watch: the rules themselves (a rule changing rules).
const UNWATCHED: &[&str] = &["event_rule"];

/// One rule, ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub key: String,
    pub description: String,
    pub def: &'static EntityDef,
    pub trigger: Trigger,
    pub condition: Query,
    pub actions: Vec<Action>,
}

impl Rule {
    /// Whether any action acts before the save (set, hold).
    pub fn before_save(&self) -> bool {
        self.actions.iter().any(Action::before_save)
    }
    /// Whether any action acts after a commit or at a tick (an alert only
    /// stands on the home pane).
    pub fn after_commit(&self) -> bool {
        self.actions
            .iter()
            .any(|a| !a.before_save() && !matches!(a, Action::Alert { .. }))
    }
}

/// The enabled rules, by the entity each watches.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Arc<Rule>>,
    by_entity: HashMap<&'static str, Vec<Arc<Rule>>>,
}

impl RuleSet {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
    /// The enabled rules of `entity` of a record trigger.
    pub fn on_record(&self, entity: &str) -> impl Iterator<Item = &Arc<Rule>> {
        let rules = self.by_entity.get(entity).map_or(&[][..], Vec::as_slice);
        rules.iter().filter(|r| {
            matches!(
                r.trigger,
                Trigger::Created | Trigger::Updated { .. } | Trigger::Deleted
            )
        })
    }
}

/// Reads and parses every enabled rule.
pub fn load(store: &Store) -> Result<RuleSet> {
    let mut set = RuleSet::default();
    for r in store.scan(EventRule::DEF) {
        let r = r?;
        let Some(rule) = r.downcast_ref::<EventRule>() else {
            continue;
        };
        if !rule.enabled {
            continue;
        }
        // A rule checked when saved that no longer fits the schema does not run;
        // saving it again names what is wrong.
        if let Ok(rule) = compile(rule) {
            let rule = Arc::new(rule);
            set.by_entity
                .entry(rule.def.name)
                .or_default()
                .push(Arc::clone(&rule));
            set.rules.push(rule);
        }
    }
    Ok(set)
}

/// A stored rule's parts, or the field that is wrong and why.
pub fn compile(rule: &EventRule) -> std::result::Result<Rule, (&'static str, String)> {
    let def = model::entity_or_suggest(rule.entity.trim()).map_err(|m| ("entity", m))?;
    if UNWATCHED.contains(&def.name) {
        return Err(("entity", format!("rules cannot watch {}", def.name)));
    }
    let at = |field: &'static str| move |e: SpecError| (field, e.to_string());
    let trigger = spec::parse_trigger(&rule.trigger, &rule.when, def).map_err(at("when"))?;
    let condition =
        Query::parse_rule(&rule.condition, def).map_err(|e| ("condition", e.to_string()))?;
    let actions = spec::parse_actions(&rule.actions, def).map_err(at("actions"))?;
    spec::check_actions_for(&trigger, &actions).map_err(at("actions"))?;
    Ok(Rule {
        key: rule.key.clone(),
        description: rule.description.clone(),
        def,
        trigger,
        condition,
        actions,
    })
}

/// Refuses a rule that cannot run, naming the field: called when one is saved.
pub fn check(store: &Store, rule: &EventRule) -> Result<()> {
    let invalid = |field: &str, value: &str, message: String| {
        StoreError::invalid(EventRule::DEF.name, &rule.key, field, value, message)
    };
    let compiled = match compile(rule) {
        Ok(c) => c,
        Err((field, message)) => {
            let value = (rule as &dyn Record).value(field);
            let shown = model::format_value(&model::FieldKind::Text, &value);
            return Err(invalid(field, &shown, message));
        }
    };
    // A command runs on the server as its user: only admins write one.
    if !super::engine::is_admin()
        && compiled
            .actions
            .iter()
            .any(|a| matches!(a, Action::Run { .. }))
    {
        return Err(invalid(
            "actions",
            "run",
            "only admins may save a rule that runs a command (run); ask an admin, or use notify, task or interaction".into(),
        ));
    }
    // Named users must be someone: a salesperson's code or OS user.
    for action in &compiled.actions {
        let targets: Vec<&Target> = match action {
            Action::Notify { to, .. } => to.iter().collect(),
            Action::Hold { approvers, .. } => approvers.iter().collect(),
            Action::Task { owner, .. } => owner.iter().collect(),
            _ => Vec::new(),
        };
        for t in targets {
            if let Target::User(name) = t {
                if user_of(store, name)?.is_none() {
                    return Err(invalid(
                        "actions",
                        name,
                        format!(
                            "notify target '{}' is no salesperson code and no salesperson's OS user; name one that exists",
                            crate::util::excerpt(name)
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The OS user a name stands for: a salesperson's code (its `os_user`), or a
/// salesperson's OS user itself.
pub fn user_of(store: &Store, name: &str) -> Result<Option<String>> {
    if let Some(s) = store.get_as::<Salesperson>(&name.to_uppercase())? {
        return Ok((!s.os_user.is_empty()).then(|| s.os_user.clone()));
    }
    for r in store.scan(Salesperson::DEF) {
        let r = r?;
        if let Some(s) = r.downcast_ref::<Salesperson>() {
            if s.os_user.eq_ignore_ascii_case(name) {
                return Ok(Some(s.os_user.clone()));
            }
        }
    }
    Ok(None)
}
