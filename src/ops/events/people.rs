//! Who a rule's target is, for one record: salespersons (for a task's owner) and
//! the OS users whose inboxes get the message.

use super::spec::Target;
use crate::model::{Entity, FieldKind, Record, SalesTeam, Salesperson, Value};
use crate::ops::alerts::salespersons_of;
use crate::store::{Result, Store};

/// One person a target names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub salesperson: Option<String>,
    /// The OS user (none: a salesperson without one, who has no inbox).
    pub user: Option<String>,
}

fn salesperson(store: &Store, code: &str) -> Result<Person> {
    let user = store
        .get_as::<Salesperson>(code)?
        .map(|s| s.os_user)
        .filter(|u| !u.is_empty());
    Ok(Person {
        salesperson: Some(code.to_string()),
        user,
    })
}

/// The record's sales team: its own `sales_team` reference, else the team its
/// (first) salesperson leads or belongs to.
fn team_of(store: &Store, record: &dyn Record) -> Result<Option<SalesTeam>> {
    team_within(store, record, 1)
}

/// `team_of`, following at most `hops` references to find it.
fn team_within(store: &Store, record: &dyn Record, hops: usize) -> Result<Option<SalesTeam>> {
    if record.def().name == SalesTeam::DEF.name {
        return Ok(record.downcast_ref::<SalesTeam>().cloned());
    }
    for (i, f) in record.def().fields.iter().enumerate() {
        if let (FieldKind::Ref("sales_team"), Value::Text(t)) = (&f.kind, record.get(i)) {
            if !t.is_empty() {
                return store.get_as::<SalesTeam>(&t);
            }
        }
    }
    let Some(sp) = salespersons_of(record).into_iter().next() else {
        // One reference away: a quote's opportunity, a task's opportunity.
        if hops == 0 {
            return Ok(None);
        }
        for (i, f) in record.def().fields.iter().enumerate() {
            let (FieldKind::Ref(target), Value::Text(k)) = (&f.kind, record.get(i)) else {
                continue;
            };
            if k.is_empty() || *target == "salesperson" || *target == "sales_team" {
                continue;
            }
            let Some(def) = crate::model::entity(target) else {
                continue;
            };
            let names = def
                .fields
                .iter()
                .any(|g| matches!(g.kind, FieldKind::Ref("sales_team" | "salesperson")));
            if !names {
                continue;
            }
            if let Some(other) = store.get(def, &k)? {
                if other.def().name != record.def().name {
                    if let Some(t) = team_within(store, other.as_ref(), hops - 1)? {
                        return Ok(Some(t));
                    }
                }
            }
        }
        return Ok(None);
    };
    let mut member_of = None;
    for r in store.scan(SalesTeam::DEF) {
        let r = r?;
        if let Some(t) = r.downcast_ref::<SalesTeam>() {
            if t.leader == sp {
                return Ok(Some(t.clone()));
            }
            if member_of.is_none() && t.members.contains(&sp) {
                member_of = Some(t.clone());
            }
        }
    }
    Ok(member_of)
}

/// The people `target` names for `record`; `actor` is the user whose change fired
/// the rule. An empty list: nobody (the caller says so in the event log).
pub fn resolve(
    store: &Store,
    target: &Target,
    record: &dyn Record,
    actor: &str,
) -> Result<Vec<Person>> {
    let mut out = Vec::new();
    match target {
        Target::Field(i) => match record.get(*i) {
            Value::Text(s) if !s.is_empty() => out.push(salesperson(store, &s)?),
            Value::List(v) => {
                for s in v {
                    out.push(salesperson(store, &s)?);
                }
            }
            _ => {}
        },
        Target::Leader => {
            if let Some(t) = team_of(store, record)? {
                if !t.leader.is_empty() {
                    out.push(salesperson(store, &t.leader)?);
                }
            }
        }
        Target::Team => {
            if let Some(t) = team_of(store, record)? {
                for s in std::iter::once(&t.leader).chain(t.members.iter()) {
                    if !s.is_empty() {
                        out.push(salesperson(store, s)?);
                    }
                }
            }
        }
        Target::Role(role) => {
            for r in store.scan(Salesperson::DEF) {
                let r = r?;
                if let Some(s) = r.downcast_ref::<Salesperson>() {
                    let has = if s.role.is_empty() { "sales" } else { &s.role };
                    if has == role && !s.os_user.is_empty() {
                        out.push(Person {
                            salesperson: Some(s.key.clone()),
                            user: Some(s.os_user.clone()),
                        });
                    }
                }
            }
        }
        Target::User(name) => {
            if store.get_as::<Salesperson>(&name.to_uppercase())?.is_some() {
                out.push(salesperson(store, &name.to_uppercase())?);
            } else {
                out.push(Person {
                    salesperson: crate::ops::alerts::me(store, name)?,
                    user: super::rules::user_of(store, name)?,
                });
            }
        }
        Target::Actor => out.push(Person {
            salesperson: crate::ops::alerts::me(store, actor)?,
            user: Some(actor.to_string()),
        }),
    }
    let mut seen = Vec::new();
    out.retain(|p| {
        let fresh = !seen.contains(p);
        seen.push(p.clone());
        fresh
    });
    Ok(out)
}

/// The OS users of every target, without repeats.
pub fn users(
    store: &Store,
    targets: &[Target],
    record: &dyn Record,
    actor: &str,
) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in targets {
        for p in resolve(store, t, record, actor)? {
            if let Some(u) = p.user {
                if !out.contains(&u) {
                    out.push(u);
                }
            }
        }
    }
    Ok(out)
}
