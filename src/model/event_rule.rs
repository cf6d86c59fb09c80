//! An event rule: when a record of an entity is created, updated or deleted, a
//! date of it is reached, or a schedule comes round — and a condition holds — run
//! actions (notify people, set fields, create a task, log an interaction, hold the
//! change for approval, run a command). The server runs them; `ops::events` reads
//! these fields.

use crate::model::KeyKind;

entity! {
    /// A rule the server runs on changes and dates (`crm rules`).
    EventRule {
        name: "event_rule",
        labels: ("Event rule", "Ereignisregel"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").required().width(30),
            entity: String = text("Entity", "Entität").required().width(18),
            trigger: String = choice(&["created", "updated", "deleted", "date", "schedule"], "Trigger", "Auslöser").required(),
            when: String = text("When", "Wann").width(28),
            condition: String = text("Condition", "Bedingung").width(36),
            actions: String = multiline("Actions", "Aktionen").required(),
            enabled: bool = boolean("Enabled", "Aktiv"),
        },
        checks: [],
    }
}
