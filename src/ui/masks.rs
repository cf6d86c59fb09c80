//! The masks (tabs) of the TUI, in their groups. A mask is a view of one entity,
//! optionally narrowed to records whose field is set (the three interaction masks).

use crate::model::{self, EntityDef, Lang};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Marketing,
    Sales,
    Setup,
}

impl Group {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Group::Marketing, _) => "Marketing",
            (Group::Sales, Lang::En) => "Sales",
            (Group::Sales, Lang::De) => "Vertrieb",
            (Group::Setup, Lang::En) => "Setup",
            (Group::Setup, Lang::De) => "Einrichtung",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Mask {
    pub name_en: &'static str,
    pub name_de: &'static str,
    pub group: Group,
    pub entity: &'static EntityDef,
    /// Only records whose field of this name is set.
    pub only_with: Option<&'static str>,
}

impl Mask {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.name_en,
            Lang::De => self.name_de,
        }
    }
}

const MASKS: &[(&str, &str, Group, &str, Option<&str>)] = &[
    ("Campaigns", "Kampagnen", Group::Marketing, "campaign", None),
    (
        "Campaign Items",
        "Kampagnenartikel",
        Group::Marketing,
        "campaign_item",
        None,
    ),
    (
        "Competitors",
        "Wettbewerber",
        Group::Marketing,
        "competitor",
        None,
    ),
    (
        "Opportunities",
        "Verkaufschancen",
        Group::Marketing,
        "opportunity",
        None,
    ),
    (
        "Opportunity Tasks",
        "Aufgaben",
        Group::Marketing,
        "opportunity_task",
        None,
    ),
    ("Leads", "Leads", Group::Sales, "lead", None),
    ("Prospects", "Interessenten", Group::Sales, "prospect", None),
    ("Customers", "Kunden", Group::Sales, "customer", None),
    (
        "Sales Contacts",
        "Vertriebskontakte",
        Group::Sales,
        "sales_contact",
        None,
    ),
    (
        "Contact Cross-References",
        "Kontaktzuordnungen",
        Group::Sales,
        "contact_xref",
        None,
    ),
    (
        "Contact Interactions",
        "Kontakt-Interaktionen",
        Group::Sales,
        "interaction",
        Some("contact"),
    ),
    (
        "Prospect Interactions",
        "Interessenten-Interaktionen",
        Group::Sales,
        "interaction",
        Some("prospect"),
    ),
    (
        "Customer Interactions",
        "Kunden-Interaktionen",
        Group::Sales,
        "interaction",
        Some("customer"),
    ),
    (
        "Sales Teams",
        "Verkaufsteams",
        Group::Sales,
        "sales_team",
        None,
    ),
    ("Territories", "Gebiete", Group::Sales, "territory", None),
    (
        "Salespersons",
        "Verkäufer",
        Group::Sales,
        "salesperson",
        None,
    ),
    (
        "Sales Forecasts",
        "Verkaufsprognosen",
        Group::Sales,
        "sales_forecast",
        None,
    ),
    (
        "Sales Periods",
        "Verkaufsperioden",
        Group::Sales,
        "sales_period",
        None,
    ),
    ("Quotes", "Angebote", Group::Sales, "quote", None),
    ("Orders", "Aufträge", Group::Sales, "order", None),
    (
        "Campaign Types",
        "Kampagnenarten",
        Group::Setup,
        "campaign_type",
        None,
    ),
    (
        "Campaign Statuses",
        "Kampagnenstatus",
        Group::Setup,
        "campaign_status",
        None,
    ),
    (
        "Lead Sources",
        "Lead-Quellen",
        Group::Setup,
        "lead_source",
        None,
    ),
    (
        "Lead Statuses",
        "Lead-Status",
        Group::Setup,
        "lead_status",
        None,
    ),
    (
        "Opportunity Stages",
        "Phasen",
        Group::Setup,
        "opportunity_stage",
        None,
    ),
    (
        "Opportunity Statuses",
        "Chancenstatus",
        Group::Setup,
        "opportunity_status",
        None,
    ),
    (
        "Opportunity Sources",
        "Chancenquellen",
        Group::Setup,
        "opportunity_source",
        None,
    ),
    ("Reason Codes", "Gründe", Group::Setup, "reason_code", None),
    (
        "Task Types",
        "Aufgabenarten",
        Group::Setup,
        "task_type",
        None,
    ),
    (
        "Interaction Types",
        "Interaktionsarten",
        Group::Setup,
        "interaction_type",
        None,
    ),
    (
        "Interaction Topics",
        "Interaktionsthemen",
        Group::Setup,
        "interaction_topic",
        None,
    ),
    (
        "SIC Codes",
        "Branchenschlüssel",
        Group::Setup,
        "sic_code",
        None,
    ),
    ("Items", "Artikel", Group::Setup, "item", None),
    ("Queries", "Abfragen", Group::Setup, "saved_query", None),
    (
        "Event Rules",
        "Ereignisregeln",
        Group::Setup,
        "event_rule",
        None,
    ),
];

/// Every mask in tab order.
pub fn all() -> Vec<Mask> {
    MASKS
        .iter()
        .map(|&(en, de, group, entity, only_with)| Mask {
            name_en: en,
            name_de: de,
            group,
            entity: model::entity(entity).expect("masks name registered entities"),
            only_with,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_has_a_mask() {
        let masks = all();
        for def in model::ENTITIES {
            assert!(
                masks.iter().any(|m| m.entity.name == def.name),
                "{}",
                def.name
            );
        }
        for m in &masks {
            if let Some(f) = m.only_with {
                assert!(m.entity.field(f).is_some(), "{}", m.name_en);
            }
        }
    }
}
