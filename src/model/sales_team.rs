use crate::model::KeyKind;

entity! {
    /// A team of salespersons with a leader.
    SalesTeam {
        name: "sales_team",
        labels: ("Sales team", "Verkaufsteam"),
        key: KeyKind::Code,
        fields: {
            name: String = text("Name", "Name").search().required().width(28),
            leader: String = reference("salesperson", "Leader", "Teamleiter"),
            members: Vec<String> = ref_list("salesperson", "Members", "Mitglieder"),
        },
        checks: [],
    }
}
