//! The CRM's entities. Each file declares one entity through `entity!`; this module
//! registers them. Adding an entity is adding one file and one line in
//! `with_entities!`.

#[macro_use]
mod macros;
pub mod assign;
pub mod columns;
pub mod currency;
pub mod display;
mod money_parse;
pub mod schema;
pub mod validate;
pub mod value;

pub use columns::Column;
pub use display::{show_money, show_value};
pub use schema::{
    Check, Entity, EntityDef, FieldDef, FieldKind, KeyKind, Lang, LineDef, LineRecord, Record,
};
pub use value::{format_value, parse_value, Currency, FieldValue, Money, Value};

use crate::util::suggest::nearest;

/// Calls `$callback!` with every entity as `module::Type`, in registry order.
/// The store builds its codec table from the same list, so the two never drift.
#[macro_export]
macro_rules! with_entities {
    ($callback:ident) => {
        $callback! {
            territory::Territory,
            sales_team::SalesTeam,
            salesperson::Salesperson,
            sales_period::SalesPeriod,
            campaign_type::CampaignType,
            campaign_status::CampaignStatus,
            campaign::Campaign,
            campaign_item::CampaignItem,
            competitor::Competitor,
            lead_source::LeadSource,
            lead_status::LeadStatus,
            lead::Lead,
            sic_code::SicCode,
            prospect::Prospect,
            customer::Customer,
            sales_contact::SalesContact,
            contact_xref::ContactXref,
            opportunity_stage::OpportunityStage,
            opportunity_status::OpportunityStatus,
            opportunity_source::OpportunitySource,
            reason_code::ReasonCode,
            item::Item,
            opportunity::Opportunity,
            task_type::TaskType,
            opportunity_task::OpportunityTask,
            quote::Quote,
            order::Order,
            interaction_type::InteractionType,
            interaction_topic::InteractionTopic,
            interaction::Interaction,
            sales_forecast::SalesForecast,
            saved_query::SavedQuery,
            event_rule::EventRule,
        }
    };
}

macro_rules! declare_entities {
    ($( $module:ident :: $ty:ident ),* $(,)?) => {
        $( pub mod $module; pub use $module::$ty; )*

        /// Every entity, in registry order (reference data before the records naming it).
        pub static ENTITIES: &[&EntityDef] = &[ $( <$ty as Entity>::DEF ),* ];
    };
}
with_entities!(declare_entities);

/// Entities that hold the user's settings rather than CRM records: they do not make
/// a database non-empty and are not counted as records.
pub const SETTINGS: &[&str] = &["saved_query", "event_rule"];

pub fn is_setting(entity: &str) -> bool {
    SETTINGS.contains(&entity)
}

/// The entity of that (snake_case) name.
pub fn entity(name: &str) -> Option<&'static EntityDef> {
    ENTITIES.iter().copied().find(|e| e.name == name)
}

/// The entity of that name, or an error that suggests the nearest name.
pub fn entity_or_suggest(name: &str) -> Result<&'static EntityDef, String> {
    let lower = name.to_lowercase().replace('-', "_");
    entity(&lower).ok_or_else(|| {
        let mut msg = format!("unknown entity '{}'", crate::util::excerpt(name));
        if let Some(s) = nearest(&lower, ENTITIES.iter().map(|e| e.name)) {
            msg.push_str(&format!(" (did you mean '{s}'?)"));
        }
        msg.push_str("; `crm schema` lists them");
        msg
    })
}

/// The field of that name, or an error that suggests the nearest field.
pub fn field_or_suggest(def: &EntityDef, name: &str) -> Result<usize, String> {
    def.field_index(name).ok_or_else(|| {
        let mut msg = format!("{} has no field '{}'", def.name, crate::util::excerpt(name));
        if let Some(s) = nearest(name, def.fields.iter().map(|f| f.name)) {
            msg.push_str(&format!(" (did you mean '{s}'?)"));
        }
        msg.push_str(&format!("; `crm schema {}` lists the fields", def.name));
        msg
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_is_registered_once_with_labels() {
        let mut names: Vec<_> = ENTITIES.iter().map(|e| e.name).collect();
        assert_eq!(names.len(), 33);
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 33, "duplicate entity names");
        for e in ENTITIES {
            assert!(
                !e.label_en.is_empty() && !e.label_de.is_empty(),
                "{}",
                e.name
            );
            for f in e.fields {
                assert!(
                    !f.label_en.is_empty() && !f.label_de.is_empty(),
                    "{}.{}",
                    e.name,
                    f.name
                );
                assert!(f.name != "key", "{}: 'key' is the record key", e.name);
                assert!(
                    !f.search || matches!(f.kind, FieldKind::Text | FieldKind::Email),
                    "{}.{}: only text and e-mail fields are searchable",
                    e.name,
                    f.name
                );
                if let Some(target) = f.kind.target() {
                    assert!(
                        entity(target).is_some(),
                        "{}.{} -> {target}",
                        e.name,
                        f.name
                    );
                }
                if let FieldKind::Lines(line) = f.kind {
                    for lf in line.fields {
                        if let Some(target) = lf.kind.target() {
                            assert!(
                                entity(target).is_some(),
                                "{}.{}.{}",
                                e.name,
                                f.name,
                                lf.name
                            );
                        }
                    }
                }
            }
            for c in e.checks {
                let (a, b) = match c {
                    Check::DateOrder(a, b) | Check::NotBoth(a, b) | Check::OneOf(a, b) => (a, b),
                };
                assert!(
                    e.field(a).is_some() && e.field(b).is_some(),
                    "{}: {c:?}",
                    e.name
                );
            }
        }
    }

    #[test]
    fn unknown_names_get_a_suggestion() {
        let err = entity_or_suggest("oportunity").unwrap_err();
        assert!(err.contains("did you mean 'opportunity'"), "{err}");
        let opp = entity("opportunity").unwrap();
        let err = field_or_suggest(opp, "probabilty").unwrap_err();
        assert!(err.contains("did you mean 'probability'"), "{err}");
    }
}
