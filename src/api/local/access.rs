//! Who may do what: a session's role, from the salesperson whose `os_user` the
//! connecting user is, and the requests each role may send.

use crate::api::wire::Request;
use crate::api::{ApiError, Result, Role, Session};
use crate::model::{Entity, EntityDef, KeyKind, Salesperson, SavedQuery};
use crate::ops;
use crate::store::Store;

/// Setup data: only admins change it (code tables, salespersons, teams,
/// territories, periods, items). Competitors, saved queries and event rules are
/// everyday data (a rule that runs a command is an admin's: see `ops::events`).
pub fn is_setup(def: &EntityDef) -> bool {
    matches!(def.key, KeyKind::Code)
        && !matches!(def.name, "competitor" | "saved_query" | "event_rule")
}

/// Refuses what the session's role does not allow, before anything is read.
pub fn authorize(session: &Session, request: &Request) -> Result<()> {
    let who = &session.user;
    if session.role == Role::ReadOnly && request.writes() {
        return Err(ApiError::denied(format!(
            "{who} is read-only: reading is allowed, changing is not; an admin can change the role on the salesperson record"
        )));
    }
    if session.role == Role::Admin {
        return Ok(());
    }
    let admin_only = match request {
        Request::Delete { entity, .. } => entity != SavedQuery::DEF.name,
        Request::Save { record, .. } => is_setup(record.0.def()),
        Request::Import { options, .. } => {
            crate::model::entity(&options.entity).is_some_and(is_setup)
        }
        Request::Demo { .. }
        | Request::ServerStop
        | Request::PruneHistory { .. }
        | Request::Backup
        | Request::RestoreBackup { .. } => true,
        Request::Check { repair } => *repair,
        _ => false,
    };
    if admin_only {
        let what = match request {
            Request::Delete { entity, key } => format!("delete {entity} {key}"),
            Request::Save { record, .. } => format!("change setup data ({})", record.0.def().name),
            Request::Import { options, .. } => format!("import setup data ({})", options.entity),
            Request::Demo { .. } => "load demo data".into(),
            Request::ServerStop => "stop the server".into(),
            Request::PruneHistory { .. } => "prune the history".into(),
            Request::Backup => "back up the database".into(),
            Request::RestoreBackup { .. } => "restore a backup".into(),
            _ => "repair the database".into(),
        };
        return Err(ApiError::denied(format!(
            "{who} ({}) may not {what}: only admins may; ask an admin or the database's owner",
            session.role.name()
        )));
    }
    Ok(())
}

/// The session of a user on this store: the salesperson whose `os_user` is the
/// user's name, and its role (the database's owner is always admin).
pub fn session_for(store: &Store, uid: u32, user: &str, owner: bool) -> Result<Session> {
    let salesperson = ops::alerts::me(store, user)?;
    let role = match &salesperson {
        _ if owner => Role::Admin,
        Some(key) => store
            .get_as::<Salesperson>(key)?
            .and_then(|s| Role::parse(&s.role))
            .unwrap_or(Role::Sales),
        None => Role::Sales,
    };
    Ok(Session {
        uid,
        user: user.to_string(),
        salesperson,
        role,
    })
}
