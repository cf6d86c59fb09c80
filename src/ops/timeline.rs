//! A record's timeline: everything that happened to it and around it, by date —
//! its own changes from the history (creation, stage changes, a conversion), and
//! the records that name it (interactions, tasks, quotes, orders, opportunities,
//! leads, contacts) at their own dates. Which records count is read from the
//! schema: every entity with a reference to this one.

use serde::{Deserialize, Serialize};

use crate::model::{self, format_value, EntityDef, FieldKind, Value};
use crate::store::{Kind, Result, Store};

/// One thing on a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// `YYYY-MM-DD HH:MM` (or a date alone), sortable as text.
    pub when: String,
    pub entity: String,
    pub key: String,
    /// What happened: "changed by anja (Save): stage QUALIFY → PROPOSAL", or the
    /// related record's own description.
    pub what: String,
}

/// The entities whose forms show a timeline.
pub const HAS_TIMELINE: &[&str] = &["customer", "prospect", "sales_contact", "opportunity"];

/// Records of one kind around a record listed at most (the newest by date).
const PER_KIND: usize = 500;

fn when_of(record: &dyn model::Record) -> Option<String> {
    let def = record.def();
    def.fields
        .iter()
        .enumerate()
        .find_map(|(i, f)| match (f.kind, record.get(i)) {
            (FieldKind::DateTime, Value::DateTime(t)) => {
                Some(t.format("%Y-%m-%d %H:%M").to_string())
            }
            (FieldKind::Date, Value::Date(d)) => Some(d.format("%Y-%m-%d").to_string()),
            _ => None,
        })
}

fn text_of(record: &dyn model::Record) -> String {
    let def = record.def();
    let mut parts = Vec::new();
    for (i, f) in def.fields.iter().enumerate() {
        let shown = matches!(
            f.kind,
            FieldKind::Text | FieldKind::Choice(_) | FieldKind::Money
        );
        let v = record.get(i);
        if shown && !v.is_empty() {
            parts.push(format_value(&f.kind, &v));
        }
        if parts.len() == 3 {
            break;
        }
    }
    parts.join(" · ")
}

/// The timeline of `key` of `def`, newest first.
pub fn timeline(store: &Store, def: &'static EntityDef, key: &str) -> Result<Vec<Event>> {
    let record = store.fetch(def, key)?;
    let key = record.key().to_string();
    let mut out = Vec::new();
    for e in store.history(def, &key, None)? {
        let at = chrono::DateTime::from_timestamp_millis(e.at_ms)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        let fields = e
            .fields
            .iter()
            .filter(|_| e.kind == Kind::Updated)
            .map(|f| format!("{} {} → {}", f.field, f.old, f.new))
            .collect::<Vec<_>>()
            .join("; ");
        let what = match e.kind {
            Kind::Updated => format!("changed by {} ({}): {fields}", e.user, e.via),
            kind => format!("{} by {} ({})", kind.name(), e.user, e.via),
        };
        out.push(Event {
            when: at,
            entity: def.name.to_string(),
            key: key.clone(),
            what,
        });
    }
    for source in model::ENTITIES.iter().copied() {
        let names_it = source
            .fields
            .iter()
            .any(|f| matches!(f.kind, FieldKind::Ref(t) if t == def.name));
        if !names_it || model::is_setting(source.name) {
            continue;
        }
        let keys = store.keys_naming(def, &key, source)?;
        let mut events = Vec::new();
        for k in keys {
            let Some(r) = store.get(source, &k)? else {
                continue;
            };
            events.push(Event {
                when: when_of(r.as_ref()).unwrap_or_default(),
                entity: source.name.to_string(),
                key: k,
                what: format!("{}: {}", source.label_en, text_of(r.as_ref())),
            });
        }
        events.sort_by(|a, b| b.when.cmp(&a.when));
        events.truncate(PER_KIND);
        out.extend(events);
    }
    // Newest first; undated records last.
    out.sort_by(|a, b| match (a.when.is_empty(), b.when.is_empty()) {
        (false, true) => std::cmp::Ordering::Less,
        (true, false) => std::cmp::Ordering::Greater,
        _ => b.when.cmp(&a.when),
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, Opportunity, OpportunityTask};

    #[test]
    fn an_opportunity_s_timeline_holds_its_changes_and_the_records_around_it() {
        let (_dir, store) = crate::ops::demo_store(3000);
        let opp = store
            .list(OpportunityTask::DEF, None)
            .unwrap()
            .iter()
            .map(|t| {
                t.downcast_ref::<OpportunityTask>()
                    .unwrap()
                    .opportunity
                    .clone()
            })
            .find(|o| !o.is_empty())
            .unwrap();
        let mut o = store.fetch_as::<Opportunity>(&opp).unwrap();
        o.stage = "PROPOSAL".into();
        store.update(Box::new(o)).unwrap();
        let t = timeline(&store, Opportunity::DEF, &opp).unwrap();
        let change = t
            .iter()
            .find(|e| e.entity == Opportunity::DEF.name)
            .expect("its own change");
        assert!(change.what.contains("→ PROPOSAL"), "{t:?}");
        assert!(
            t.iter().any(|e| e.entity == OpportunityTask::DEF.name),
            "{t:?}"
        );
        let dated: Vec<&str> = t
            .iter()
            .map(|e| e.when.as_str())
            .filter(|w| !w.is_empty())
            .collect();
        assert!(
            dated.windows(2).all(|w| w[0] >= w[1]),
            "newest first: {dated:?}"
        );
    }
}
