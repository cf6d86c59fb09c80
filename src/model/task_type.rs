use crate::model::KeyKind;

entity! {
    /// A kind of opportunity task.
    TaskType {
        name: "task_type",
        labels: ("Task type", "Aufgabenart"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
        },
        checks: [],
    }
}
