//! The rules a database starts with, for the cases the CRM follows: a stage
//! change tells the team leader; a won or lost opportunity tells the team; an
//! opportunity nobody touched for 30 days, a task past due, a lead's follow-up
//! day and a quote about to expire tell whoever owns them; a quote line
//! discounted over 20 % waits for the team leader's approval. They are records like
//! any other rule: an admin edits, disables or deletes them, and a deleted one
//! does not come back.

use crate::model::{EventRule, Record};
use crate::store::{Result, Store};

/// Which shipped rules were ever installed (by key, one per line).
const INSTALLED: &str = "shipped_rules";

/// key, entity, trigger, when, condition, actions, description.
pub const SHIPPED: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "STAGE_MOVED",
        "opportunity",
        "updated",
        "stage",
        "",
        "notify leader \"{description}: stage {was.stage} → {stage} ({amount})\"",
        "An opportunity's stage changed: tell the team leader",
    ),
    (
        "WON_LOST",
        "opportunity",
        "updated",
        "status",
        "status.meaning:won OR status.meaning:lost",
        "notify team \"{description} is {status}: {amount} ({user})\"",
        "An opportunity was won or lost: tell the team",
    ),
    (
        "OPP_QUIET",
        "opportunity",
        "date",
        "30 days after the last change",
        "status.meaning:open",
        "notify salesperson \"{description}: no change for 30 days\"",
        "An open opportunity unchanged for 30 days: tell its salesperson",
    ),
    (
        "TASK_OVERDUE",
        "opportunity_task",
        "date",
        "1 day after due_date",
        "NOT status:done AND NOT status:cancelled",
        "notify owner \"task {description} is past due (due {due_date})\"\nalert \"task past due\" \"{description} ({opportunity}{lead})\"",
        "A task not done past its due date: tell its owner",
    ),
    (
        "FOLLOW_UP",
        "lead",
        "date",
        "on follow_up",
        "opportunity=\"\"",
        "notify salesperson \"follow up today: {first_name} {last_name}, {company}\"\ntask \"Call {first_name} {last_name} ({company})\" type=CALL due=+0d\nalert \"follow up\" \"{first_name} {last_name} {company}\"",
        "A lead's follow-up day: tell its salesperson and make a call task",
    ),
    (
        "QUOTE_EXPIRY",
        "quote",
        "date",
        "3 days before valid_until",
        "status:draft OR status:sent",
        "notify leader \"quote {key} for {opportunity} expires on {valid_until}\"\nalert \"quote expires\" \"{opportunity}\"",
        "A draft or sent quote expires in 3 days: tell the team leader",
    ),
    (
        "OPP_PAST_DUE",
        "opportunity",
        "date",
        "1 day after expected_close",
        "status.meaning:open OR status=\"\"",
        "alert \"past due\" \"{description}\"",
        "An open opportunity past its close date: on its salesperson's home pane",
    ),
    (
        "CALL_BACK",
        "interaction",
        "date",
        "on follow_up",
        "NOT followed:occurred_at",
        "alert \"follow up\" \"{notes}\"",
        "An interaction's follow-up day, until a later one with the same party: on the home pane",
    ),
    (
        "DISCOUNT_NEW",
        "quote",
        "created",
        "",
        "lines.discount>20",
        "hold leader \"a line's discount is over 20 %\"",
        "A new quote with a line discount over 20 %: the team leader approves it",
    ),
    (
        "DISCOUNT_CHG",
        "quote",
        "updated",
        "lines",
        "changed:lines AND lines.discount>20",
        "hold leader \"a line's discount is over 20 %\"",
        "A quote's lines changed with a discount over 20 %: the team leader approves it",
    ),
];

/// Shipped rules as an earlier version installed them: (key, condition, actions).
/// A stored rule still exactly so is brought up to the current version (the
/// alerts became rules); one an admin edited is left as it is.
const EARLIER: &[(&str, &str, &str)] = &[
    (
        "TASK_OVERDUE",
        "status:open",
        "notify owner \"task {description} is past due (due {due_date})\"",
    ),
    (
        "FOLLOW_UP",
        "",
        "notify salesperson \"follow up today: {first_name} {last_name}, {company}\"\ntask \"Call {first_name} {last_name} ({company})\" type=CALL due=+0d",
    ),
    (
        "QUOTE_EXPIRY",
        "status:draft OR status:sent",
        "notify leader \"quote {key} for {opportunity} expires on {valid_until}\"",
    ),
];

/// The shipped rules as records.
pub fn shipped() -> Vec<EventRule> {
    SHIPPED
        .iter()
        .map(
            |&(key, entity, trigger, when, condition, actions, description)| EventRule {
                key: key.into(),
                description: description.into(),
                entity: entity.into(),
                trigger: trigger.into(),
                when: when.into(),
                condition: condition.into(),
                actions: actions.into(),
                enabled: true,
            },
        )
        .collect()
}

/// Installs the shipped rules not installed before; how many it added.
pub fn ensure_shipped(store: &Store) -> Result<usize> {
    let installed = store.meta_get(INSTALLED)?.unwrap_or_default();
    let installed = String::from_utf8_lossy(&installed).into_owned();
    let mut names: Vec<String> = installed.lines().map(str::to_string).collect();
    let mut added = 0;
    for rule in shipped() {
        if names.contains(&rule.key) {
            continue;
        }
        names.push(rule.key.clone());
        if !store.contains(rule.def(), &rule.key)? {
            store.insert(Box::new(rule))?;
            added += 1;
        }
    }
    store.meta_set(INSTALLED, names.join("\n").as_bytes())?;
    upgrade(store)?;
    Ok(added)
}

/// Brings rules an earlier version installed, and nobody edited since, to the
/// current shipped text.
fn upgrade(store: &Store) -> Result<()> {
    for &(key, condition, actions) in EARLIER {
        let Some(mut stored) = store.get_as::<EventRule>(key)? else {
            continue;
        };
        if stored.condition != condition || stored.actions != actions {
            continue;
        }
        let Some(now) = shipped().into_iter().find(|r| r.key == key) else {
            continue;
        };
        stored.condition = now.condition;
        stored.actions = now.actions;
        store.update(Box::new(stored))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_rule_parses_and_is_installed_once() {
        for rule in shipped() {
            if let Err((field, m)) = super::super::rules::compile(&rule) {
                panic!("{}: {field}: {m}", rule.key);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(ensure_shipped(&store).unwrap(), SHIPPED.len());
        store
            .delete(<EventRule as crate::model::Entity>::DEF, "QUOTE_EXPIRY")
            .unwrap();
        assert_eq!(
            ensure_shipped(&store).unwrap(),
            0,
            "a deleted one stays deleted"
        );
    }
}
