//! The log's and the event log's filters name a user or a rule: a name that
//! stands for nobody and nothing is an error with a did-you-mean, never an empty
//! answer that looks like "nothing happened". The check runs only when the
//! answer is empty, so a filter that matches costs nothing more.

use crate::model::{Entity, EventRule, Salesperson};
use crate::store::events::{EventFilter, Fired};
use crate::store::{Head, LogFilter, Result, Store, StoreError};
use crate::util::excerpt;
use crate::util::suggest::nearest;

/// How many of the latest changes offer their users to a did-you-mean.
const RECENT: usize = 2000;

/// The event log for `filter`. A rule that is no event rule and never fired is
/// refused, naming the nearest rule.
pub fn events(store: &Store, filter: &EventFilter) -> Result<Vec<Fired>> {
    let fired = store.fired_log(filter)?;
    let Some(rule) = filter.rule.as_deref().filter(|_| fired.is_empty()) else {
        return Ok(fired);
    };
    let key = rule.trim().to_uppercase();
    if key.is_empty() || store.contains(EventRule::DEF, &key)? {
        return Ok(fired);
    }
    // A deleted rule's firings stay in the log, perhaps before `since`.
    let ever = EventFilter {
        rule: Some(key.clone()),
        since_ms: None,
        limit: Some(1),
    };
    if filter.since_ms.is_some() && !store.fired_log(&ever)?.is_empty() {
        return Ok(fired);
    }
    Err(StoreError::Refused(format!(
        "no event rule '{}'{}; `crm rules` lists them",
        excerpt(rule),
        store.suggest_key(EventRule::DEF, &key)
    )))
}

/// The change log for `filter`. A user may be named by an OS user or by a
/// salesperson's code (which stands for its `os_user`); a name that is neither a
/// salesperson's nor in the history is refused, naming the nearest user.
pub fn log(store: &Store, filter: &LogFilter) -> Result<Vec<Head>> {
    let heads = store.log(filter)?;
    let Some(user) = filter.user.as_deref().filter(|_| heads.is_empty()) else {
        return Ok(heads);
    };
    let salespeople: Vec<Salesperson> = store
        .scan(Salesperson::DEF)
        .filter_map(|r| r.ok())
        .filter_map(|r| r.downcast_ref::<Salesperson>().cloned())
        .collect();
    let code = user.trim().to_uppercase();
    if let Some(s) = salespeople.iter().find(|s| s.key == code) {
        if !s.os_user.is_empty() && s.os_user != user {
            let theirs = LogFilter {
                user: Some(s.os_user.clone()),
                ..filter.clone()
            };
            return store.log(&theirs);
        }
        return Ok(heads);
    }
    if salespeople.iter().any(|s| s.os_user == user) {
        return Ok(heads);
    }
    // Without `since` or an entity the log read every change: none was theirs.
    if filter.since_ms.is_some() || filter.entity.is_some() {
        let ever = LogFilter {
            user: Some(user.to_string()),
            limit: Some(1),
            ..LogFilter::default()
        };
        if !store.log(&ever)?.is_empty() {
            return Ok(heads);
        }
    }
    let recent = store.recent_users(RECENT)?;
    let names = salespeople
        .iter()
        .flat_map(|s| [s.os_user.as_str(), s.key.as_str()])
        .filter(|n| !n.is_empty())
        .chain(recent.iter().map(String::as_str));
    let hint = nearest(user, names)
        .map(|n| format!(" (did you mean {n}?)"))
        .unwrap_or_default();
    Err(StoreError::Refused(format!(
        "user '{}' is not in the history and no salesperson has that code or os_user{hint}; \
         name an OS user or a salesperson's code",
        excerpt(user)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Actor;

    #[test]
    fn an_unknown_user_or_rule_is_refused_with_the_nearest_name() {
        let (_dir, store) = crate::ops::demo_store(200);
        let seller = store
            .scan(Salesperson::DEF)
            .filter_map(|r| r.ok())
            .find_map(|r| r.downcast_ref::<Salesperson>().cloned())
            .unwrap();
        let actor = Actor {
            user: "wilma".into(),
            via: "test".into(),
        };
        crate::store::history::scope(actor, || {
            let mut s = seller.clone();
            s.name.push_str(" Jr.");
            store.update(Box::new(s)).unwrap();
        });
        let by = |user: &str| LogFilter {
            user: Some(user.into()),
            ..LogFilter::default()
        };
        assert_eq!(log(&store, &by("wilma")).unwrap().len(), 1);
        let e = log(&store, &by("wilm")).unwrap_err().to_string();
        assert!(
            e.contains("user 'wilm' is not in the history") && e.contains("(did you mean wilma?)"),
            "{e}"
        );
        // A salesperson's OS user and code are known even with no change of theirs;
        // the code stands for the OS user.
        assert!(log(&store, &by(&seller.os_user)).unwrap().is_empty());
        assert!(log(&store, &by(&seller.key.to_lowercase()))
            .unwrap()
            .is_empty());
        // Known from the history though `since` hides the change.
        let later = LogFilter {
            since_ms: Some(i64::MAX),
            ..by("wilma")
        };
        assert!(log(&store, &later).unwrap().is_empty());
        let huge = "u".repeat(100_000);
        let e = log(&store, &by(&huge)).unwrap_err().to_string();
        assert!(e.len() < 300, "{e}");

        let rule = |r: &str| EventFilter {
            rule: Some(r.into()),
            ..EventFilter::default()
        };
        crate::ops::events::ensure_shipped(&store).unwrap();
        assert!(events(&store, &rule("opp_quiet")).unwrap().is_empty());
        let e = events(&store, &rule("OPP_QIET")).unwrap_err().to_string();
        assert!(
            e.contains("no event rule 'OPP_QIET' (did you mean OPP_QUIET?)"),
            "{e}"
        );
    }
}
