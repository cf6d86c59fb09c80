use chrono::NaiveDate;

use crate::model::{Check, KeyKind};

entity! {
    /// A step to be done on an opportunity (the "opportunity activities"), or on a
    /// lead before it has one (a follow-up call).
    OpportunityTask {
        name: "opportunity_task",
        labels: ("Opportunity task", "Verkaufschancenaufgabe"),
        key: KeyKind::Generated("TSK"),
        fields: {
            opportunity: String = reference("opportunity", "Opportunity", "Verkaufschance"),
            lead: String = reference("lead", "Lead", "Lead"),
            seq: Option<i64> = int("Sequence", "Reihenfolge"),
            description: String = text("Description", "Beschreibung").required().width(30),
            task_type: String = reference("task_type", "Type", "Art"),
            owner: String = reference("salesperson", "Owner", "Verantwortlicher"),
            due_date: Option<NaiveDate> = date("Due date", "Fälligkeitsdatum").dated(),
            priority: String = choice(&["low", "normal", "high"], "Priority", "Priorität"),
            status: String = choice(&["open", "done", "cancelled"], "Status", "Status"),
            completed_on: Option<NaiveDate> = date("Completed on", "Erledigt am"),
            notes: String = multiline("Notes", "Notizen"),
        },
        checks: [Check::OneOf("opportunity", "lead")],
        columns: ["description", "opportunity", "owner", "due_date", "priority", "status"],
    }
}
