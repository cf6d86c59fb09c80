use crate::model::KeyKind;

entity! {
    /// A salesperson; the OS user name tells who "me" is, and the role what that user
    /// may do (admin, sales — the default —, read-only).
    Salesperson {
        name: "salesperson",
        labels: ("Salesperson", "Verkäufer"),
        key: KeyKind::Code,
        fields: {
            name: String = text("Name", "Name").search().required().width(28),
            email: String = email("E-mail", "E-Mail").search(),
            os_user: String = text("OS user name", "Betriebssystem-Benutzername").width(12),
            active: bool = boolean("Active", "Aktiv"),
            role: String = choice(&["admin", "sales", "read-only"], "Role", "Rolle"),
        },
        checks: [],
    }
}
