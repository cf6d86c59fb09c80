//! Palette queries with an argument: `save NAME`, `import FILE`, `export FILE`,
//! `revert BATCH`, `approve APPROVAL`, `reject APPROVAL REASON`, `group
//! FIELD[,FIELD]` (and `group` alone) — what each asks the app, and the line that
//! says what Enter does.

use crate::model::Lang;
use crate::ui::component::Request;

/// The request a palette query with an argument makes.
pub(super) fn request(query: &str) -> Option<Request> {
    let query = query.trim();
    let (verb, rest) = query.split_once(' ').unwrap_or((query, ""));
    // `group` alone ungroups.
    if verb.eq_ignore_ascii_case("group") {
        return Some(Request::Group(rest.trim().to_string()));
    }
    // `columns` alone opens the chooser.
    if verb.eq_ignore_ascii_case("columns") || verb.eq_ignore_ascii_case("spalten") {
        return Some(Request::Columns(rest.trim().to_string()));
    }
    let arg = rest.trim();
    if arg.is_empty() {
        return None;
    }
    match verb.to_lowercase().as_str() {
        "save" if !arg.contains(' ') => Some(Request::SaveQuery(arg.to_string())),
        "import" => Some(Request::Import(arg.to_string())),
        "export" => Some(Request::Export(arg.to_string())),
        "revert" if !arg.contains(' ') => Some(Request::Revert(arg.to_string())),
        "approve" => Some(Request::Answer {
            approval: arg.parse().ok()?,
            approve: true,
            reason: String::new(),
        }),
        // A rejection says why.
        "reject" => {
            let (id, reason) = arg.split_once(' ')?;
            Some(Request::Answer {
                approval: id.parse().ok()?,
                approve: false,
                reason: reason.trim().to_string(),
            })
        }
        _ => None,
    }
}

/// What the palette shows instead of "no matches": what Enter will do.
pub(super) fn hint(query: &str, lang: Lang) -> &'static str {
    match (request(query), lang) {
        (Some(Request::Group(by)), Lang::En) if by.is_empty() => " enter: ungroup the table",
        (Some(Request::Group(by)), Lang::De) if by.is_empty() => {
            " Enter: die Gruppierung der Tabelle aufheben"
        }
        (Some(Request::Group(_)), Lang::En) => {
            " enter: group the table's rows by these fields (FIELD[,FIELD])"
        }
        (Some(Request::Group(_)), Lang::De) => {
            " Enter: die Zeilen der Tabelle nach diesen Feldern gruppieren (FELD[,FELD])"
        }
        (Some(Request::Columns(c)), Lang::En) if c.is_empty() => {
            " enter: choose the table's columns (add, remove, reorder)"
        }
        (Some(Request::Columns(c)), Lang::De) if c.is_empty() => {
            " Enter: die Spalten der Tabelle wählen (hinzufügen, entfernen, ordnen)"
        }
        (Some(Request::Columns(_)), Lang::En) => {
            " enter: show these columns and keep them (key, FIELD, FIELD.key, A|B)"
        }
        (Some(Request::Columns(_)), Lang::De) => {
            " Enter: diese Spalten zeigen und behalten (key, FELD, FELD.key, A|B)"
        }
        (Some(Request::Export(_)), Lang::En) => {
            " enter: export to this file (the name's ending picks the format)"
        }
        (Some(Request::Export(_)), Lang::De) => {
            " Enter: in diese Datei exportieren (die Endung wählt das Format)"
        }
        (Some(Request::Import(_)), Lang::En) => {
            " enter: read this file and show what each row would do"
        }
        (Some(Request::Import(_)), Lang::De) => {
            " Enter: Datei lesen und zeigen, was mit jeder Zeile geschähe"
        }
        (Some(Request::SaveQuery(_)), Lang::En) => " enter: save the table's query under this name",
        (Some(Request::SaveQuery(_)), Lang::De) => {
            " Enter: die Abfrage der Tabelle unter diesem Namen speichern"
        }
        (Some(Request::Revert(_)), Lang::En) => " enter: take this import back",
        (Some(Request::Revert(_)), Lang::De) => " Enter: diesen Import zurücknehmen",
        (Some(Request::Answer { approve: true, .. }), Lang::En) => {
            " enter: approve the held change"
        }
        (Some(Request::Answer { approve: true, .. }), Lang::De) => {
            " Enter: die zurückgehaltene Änderung genehmigen"
        }
        (Some(Request::Answer { .. }), Lang::En) => {
            " enter: reject the held change for this reason"
        }
        (Some(Request::Answer { .. }), Lang::De) => {
            " Enter: die zurückgehaltene Änderung aus diesem Grund ablehnen"
        }
        (None, Lang::En) if is_reject(query) => " type why it is rejected, then enter",
        (None, Lang::De) if is_reject(query) => " Grund der Ablehnung eingeben, dann Enter",
        (_, Lang::En) => " no matches",
        (_, Lang::De) => " keine Treffer",
    }
}

/// `reject APPROVAL` still without its reason.
fn is_reject(query: &str) -> bool {
    let mut words = query.split_whitespace();
    words
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("reject"))
        && words.next().is_some_and(|id| id.parse::<u64>().is_ok())
        && words.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_with_an_argument_make_their_request_and_say_what_enter_does() {
        assert_eq!(
            request("save MY-Q"),
            Some(Request::SaveQuery("MY-Q".into()))
        );
        assert_eq!(
            request("export ~/a b.csv"),
            Some(Request::Export("~/a b.csv".into()))
        );
        assert_eq!(
            request("import x.vcf"),
            Some(Request::Import("x.vcf".into()))
        );
        assert_eq!(
            request("revert IMP0000001"),
            Some(Request::Revert("IMP0000001".into()))
        );
        assert_eq!(request("save two words"), None);
        assert_eq!(request("export "), None);
        assert!(hint("export x.xlsx", Lang::En).contains("export to this file"));
        assert_eq!(hint("opportunities", Lang::De), " keine Treffer");
        assert_eq!(
            request("reject 42  too expensive "),
            Some(Request::Answer {
                approval: 42,
                approve: false,
                reason: "too expensive".into()
            })
        );
        assert_eq!(request("reject 42 "), None, "a rejection says why");
        assert!(hint("reject 42 ", Lang::En).contains("type why"));
        assert_eq!(
            request("approve 7"),
            Some(Request::Answer {
                approval: 7,
                approve: true,
                reason: String::new()
            })
        );
        assert_eq!(request("approve x"), None);
        assert_eq!(
            request("group salesperson,stage"),
            Some(Request::Group("salesperson,stage".into()))
        );
        assert_eq!(request(" Group "), Some(Request::Group(String::new())));
        assert!(hint("group", Lang::En).contains("ungroup"));
        assert!(hint("group stage", Lang::De).contains("gruppieren"));
    }
}
