//! The masks (tabs) of the TUI, in their groups. A mask is a view of one entity,
//! optionally narrowed to records whose field is set (the three interaction masks),
//! or one of the Reports group's charts.

use crate::model::{self, EntityDef, Lang};
use crate::report::ReportKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Marketing,
    Sales,
    Setup,
    Reports,
}

impl Group {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Group::Marketing, _) => "Marketing",
            (Group::Sales, Lang::En) => "Sales",
            (Group::Sales, Lang::De) => "Vertrieb",
            (Group::Setup, Lang::En) => "Setup",
            (Group::Setup, Lang::De) => "Einrichtung",
            (Group::Reports, Lang::En) => "Reports",
            (Group::Reports, Lang::De) => "Berichte",
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
    /// A report mask shows this report's chart instead of a table of `entity`
    /// (the records the report is mostly about).
    pub report: Option<ReportKind>,
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

/// The Reports group: a chart per report. They come after every table mask, so
/// that the first mask of an entity is always its table.
const REPORTS: &[(&str, &str, ReportKind, &str)] = &[
    ("Pipeline", "Pipeline", ReportKind::Pipeline, "opportunity"),
    (
        "Forecast",
        "Prognose",
        ReportKind::Forecast,
        "sales_forecast",
    ),
    (
        "Won and lost",
        "Gewonnen und verloren",
        ReportKind::WinLoss,
        "opportunity",
    ),
    ("Activity", "Aktivität", ReportKind::Activity, "interaction"),
    ("Campaigns", "Kampagnen", ReportKind::Campaigns, "campaign"),
];

/// Every mask in tab order: the tables, then the reports.
pub fn all() -> Vec<Mask> {
    let entity = |name| model::entity(name).expect("masks name registered entities");
    let tables = MASKS.iter().map(|&(en, de, group, name, only_with)| Mask {
        name_en: en,
        name_de: de,
        group,
        entity: entity(name),
        only_with,
        report: None,
    });
    let reports = REPORTS.iter().map(|&(en, de, kind, name)| Mask {
        name_en: en,
        name_de: de,
        group: Group::Reports,
        entity: entity(name),
        only_with: None,
        report: Some(kind),
    });
    tables.chain(reports).collect()
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

    #[test]
    fn every_report_has_a_mask_after_the_tables() {
        let masks = all();
        for kind in ReportKind::ALL {
            let i = masks.iter().position(|m| m.report == Some(kind)).unwrap();
            assert_eq!(masks[i].group, Group::Reports);
            assert_eq!(masks[i].name_en, kind.title(Lang::En));
            assert_eq!(masks[i].name_de, kind.title(Lang::De));
            // The first mask of its entity is a table, where records are opened.
            let first = masks.iter().position(|m| m.entity == masks[i].entity);
            assert!(first.is_some_and(|f| masks[f].report.is_none()));
        }
        let reports = masks.iter().skip_while(|m| m.report.is_none());
        assert!(reports.clone().all(|m| m.report.is_some()));
    }
}
