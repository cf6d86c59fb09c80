use crate::model::KeyKind;

entity! {
    /// Why an opportunity was won or lost.
    ReasonCode {
        name: "reason_code",
        labels: ("Reason code", "Grundcode"),
        key: KeyKind::Code,
        fields: {
            description: String = text("Description", "Beschreibung").search().required().width(30),
            kind: String = choice(&["won", "lost"], "Won/lost", "Gewonnen/verloren"),
        },
        checks: [],
    }
}
