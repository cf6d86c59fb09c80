//! A saved query: a named filter over one entity, with the columns and sort order to
//! show it in. The user's own and the preconfigured ones are the same records.

use crate::model::KeyKind;

entity! {
    /// A named query (`crm query --saved NAME`, the palette).
    SavedQuery {
        name: "saved_query",
        labels: ("Saved query", "Gespeicherte Abfrage"),
        key: KeyKind::Code,
        fields: {
            entity: String = text("Entity", "Entität").required().width(18),
            query: String = text("Query", "Abfrage").required().width(40),
            columns: String = text("Columns", "Spalten").width(30),
            sort: String = text("Sort", "Sortierung").width(16),
            description: String = text("Description", "Beschreibung").width(30),
        },
        checks: [],
    }
}
