//! Palette queries with an argument: `save NAME`, `import FILE`, `export FILE`,
//! `revert BATCH` — what each asks the app, and the line that says what Enter does.

use crate::model::Lang;
use crate::ui::component::Request;

/// The request a palette query with an argument makes.
pub(super) fn request(query: &str) -> Option<Request> {
    let (verb, rest) = query.trim().split_once(' ')?;
    let arg = rest.trim();
    if arg.is_empty() {
        return None;
    }
    match verb.to_lowercase().as_str() {
        "save" if !arg.contains(' ') => Some(Request::SaveQuery(arg.to_string())),
        "import" => Some(Request::Import(arg.to_string())),
        "export" => Some(Request::Export(arg.to_string())),
        "revert" if !arg.contains(' ') => Some(Request::Revert(arg.to_string())),
        _ => None,
    }
}

/// What the palette shows instead of "no matches": what Enter will do.
pub(super) fn hint(query: &str, lang: Lang) -> &'static str {
    match (request(query), lang) {
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
        (_, Lang::En) => " no matches",
        (_, Lang::De) => " keine Treffer",
    }
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
    }
}
