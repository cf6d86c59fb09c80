//! Targets: whom an action addresses (a salesperson field of the record, the team
//! leader, a role, a user, the one who made the change).

use crate::model::{EntityDef, FieldKind};
use crate::util::suggest::nearest;

use super::SpecError;

/// Whom an action addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A field of the record that names a salesperson (Ref("salesperson") or
    /// RefList("salesperson")): "salesperson", "owner"; "leader" is NOT this.
    Field(usize),
    /// The leader of the record's sales team (or of its salesperson's team).
    Leader,
    /// Every member of that team, leader included.
    Team,
    /// Every user with that role: "admin" | "sales" | "read-only".
    Role(String),
    /// An OS user name or a salesperson code (resolved by the engine).
    User(String),
    /// The user whose change fired the rule.
    Actor,
}

const ROLES: &[&str] = &["admin", "sales", "read-only"];
const KEYWORDS: &[&str] = &["leader", "team", "actor", "role:", "user:"];

impl Target {
    /// The text `parse_target` reads back: "salesperson", "leader", "role:admin".
    pub fn describe(&self, def: &EntityDef) -> String {
        match self {
            Target::Field(i) => def.fields.get(*i).map_or("?", |f| f.name).to_string(),
            Target::Leader => "leader".into(),
            Target::Team => "team".into(),
            Target::Role(r) => format!("role:{r}"),
            Target::User(u) => format!("user:{u}"),
            Target::Actor => "actor".into(),
        }
    }
}

/// The fields of `def` that name salespersons.
fn salesperson_fields(def: &EntityDef) -> impl Iterator<Item = &'static str> + '_ {
    def.fields
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                FieldKind::Ref("salesperson") | FieldKind::RefList("salesperson")
            )
        })
        .map(|f| f.name)
}

pub(super) fn target_hint(def: &EntityDef) -> String {
    let fields: Vec<&str> = salesperson_fields(def).collect();
    let fields = if fields.is_empty() {
        String::new()
    } else {
        format!("{}, ", fields.join(", "))
    };
    format!("write {fields}leader, team, role:admin, user:NAME or actor")
}

/// "salesperson", "owner" (any field of def naming a salesperson), "leader",
/// "team", "role:admin", "user:alice", "actor". Columns count in `text`.
pub fn parse_target(text: &str, def: &'static EntityDef) -> Result<Target, SpecError> {
    let col = text.chars().take_while(|c| c.is_whitespace()).count() + 1;
    let t = text.trim();
    let lower = t.to_lowercase();
    let err = |offset: usize, msg: String| SpecError::at(col + offset, msg);
    match lower.as_str() {
        "" => return Err(err(0, format!("a target is missing: {}", target_hint(def)))),
        "leader" | "team" => {
            let names_team = |d: &EntityDef| {
                d.fields.iter().any(|f| {
                    matches!(
                        f.kind,
                        FieldKind::Ref("sales_team" | "salesperson")
                            | FieldKind::RefList("salesperson")
                    )
                })
            };
            // Or one reference away: a quote's opportunity has the team.
            let has_team = names_team(def)
                || def.fields.iter().any(|f| match f.kind {
                    FieldKind::Ref(t) => crate::model::entity(t).is_some_and(names_team),
                    _ => false,
                });
            if !has_team {
                return Err(err(
                    0,
                    format!(
                        "{} has no salesperson or sales team to find a leader in",
                        def.name
                    ),
                ));
            }
            return Ok(if lower == "leader" {
                Target::Leader
            } else {
                Target::Team
            });
        }
        "actor" => return Ok(Target::Actor),
        _ => {}
    }
    if let Some(role) = lower.strip_prefix("role:") {
        let role = role.trim();
        let role = if role == "readonly" {
            "read-only"
        } else {
            role
        };
        if ROLES.contains(&role) {
            return Ok(Target::Role(role.to_string()));
        }
        let mut msg = format!("'{role}' is not a role");
        if let Some(s) = nearest(role, ROLES.iter().copied()) {
            msg.push_str(&format!(" (did you mean 'role:{s}'?)"));
        }
        msg.push_str(": write role:admin, role:sales or role:read-only");
        return Err(err(5, msg));
    }
    if lower.starts_with("user:") {
        let name = t.get(5..).unwrap_or("").trim();
        if name.is_empty() {
            return Err(err(
                5,
                "user: needs a name: an OS user or a salesperson code, like user:alice".into(),
            ));
        }
        return Ok(Target::User(name.to_string()));
    }
    match def.field_index(&lower) {
        Some(i) if salesperson_fields(def).any(|n| n == def.fields[i].name) => Ok(Target::Field(i)),
        Some(i) => Err(err(
            0,
            format!(
                "'{t}' does not name a salesperson ({}.{t} is {}): {}",
                def.name,
                def.fields[i].kind.type_name(),
                target_hint(def)
            ),
        )),
        None => {
            let mut msg = format!("'{t}' is not a target");
            let candidates = salesperson_fields(def).chain(KEYWORDS.iter().copied());
            if let Some(s) = nearest(&lower, candidates) {
                msg.push_str(&format!(" (did you mean '{s}'?)"));
            }
            msg.push_str(&format!(": {}", target_hint(def)));
            Err(err(0, msg))
        }
    }
}
