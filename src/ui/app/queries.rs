//! Saved queries in the TUI: `:save NAME` keeps the current table's query (and its
//! sort and columns) in the database; the palette lists every saved query and runs
//! it in its mask. The server checks and stores them.

use super::{App, Request};
use crate::api::QuerySpec;
use crate::model::{Entity, Lang, SavedQuery};

impl App {
    /// `:save NAME`: the current table's query under NAME.
    pub(super) fn save_query(&mut self, name: &str, queue: &mut Vec<Request>) {
        if self.is_home() || !self.forms.is_empty() {
            return self.say(
                "a query is saved from a table: open one, press f, type the query",
                "Abfragen werden aus einer Tabelle gespeichert: f drücken, Abfrage eingeben",
            );
        }
        let tab = &self.tabs[self.current];
        let Some(text) = current_filter(tab.applied_query(), tab.query()) else {
            return self.say(
                "no filter to save: press f for a query or / to filter first",
                "kein Filter zum Speichern: zuerst f (Abfrage) oder / (Filter) drücken",
            );
        };
        let def = self.masks[self.current].entity;
        let columns = tab.chosen_fields().map(|fields| {
            fields
                .iter()
                .map(|&i| def.fields[i].name)
                .collect::<Vec<_>>()
                .join(",")
        });
        let spec = QuerySpec {
            entity: Some(def.name.to_string()),
            text: Some(text.clone()),
            columns,
            sort: tab.sort_text(),
            save: Some(name.to_string()),
            // The palette's `save NAME` updates a query of that name on purpose.
            replace: true,
            limit: Some(0),
            ..Default::default()
        };
        let result = self
            .client
            .query(spec)
            .map(|(_, _, _, saved_as)| saved_as.unwrap_or_else(|| name.to_uppercase()));
        match result {
            Ok(key) => {
                self.status = match self.lang {
                    Lang::En => format!("saved query {key}: {text}"),
                    Lang::De => format!("Abfrage {key} gespeichert: {text}"),
                };
                queue.push(Request::Changed {
                    entity: SavedQuery::DEF,
                });
            }
            Err(e) => self.status = e.to_string(),
        }
    }

    /// `:group FIELD[,FIELD]`: the current table grouped by these fields; `:group`
    /// alone ungroups. A refusal says why on the status line and changes nothing.
    pub(super) fn group_table(&mut self, by: &str) {
        if self.is_home() || !self.forms.is_empty() {
            return self.say(
                "group-by works on a table: open one (a mask), then :group FIELD",
                "Gruppieren geht in einer Tabelle: eine Maske öffnen, dann :group FELD",
            );
        }
        let lang = self.lang;
        match self.tabs[self.current].group_by_names(by, lang) {
            Ok(()) => self.status.clear(),
            Err(e) => self.status = e,
        }
    }

    /// Runs a saved query in the first mask of its entity.
    pub(super) fn run_saved(&mut self, name: &str) {
        let list = match self.client.saved_queries() {
            Ok(list) => list,
            Err(e) => return self.status = e.to_string(),
        };
        let Some(saved) = list.into_iter().find(|q| q.name.eq_ignore_ascii_case(name)) else {
            return self.status = match self.lang {
                Lang::En => format!("no saved query {name}"),
                Lang::De => format!("keine gespeicherte Abfrage {name}"),
            };
        };
        let Some(entity) = crate::model::entity(&saved.entity) else {
            return self.status = format!(
                "saved query {}: unknown entity {}",
                saved.name, saved.entity
            );
        };
        let Some(i) = self
            .masks
            .iter()
            .position(|m| m.entity == entity && m.only_with.is_none())
        else {
            return self.status = format!("no mask shows {}", entity.name);
        };
        if self.forms.iter().any(|f| f.is_dirty()) {
            return self.say(
                "save or close the open form first",
                "zuerst das offene Formular speichern oder schließen",
            );
        }
        self.forms.clear();
        self.on_home = false;
        self.current = i;
        let tab = &mut self.tabs[i];
        tab.show_fields(Some(&saved.columns));
        tab.run_query(&saved.query, &self.client);
        if let Some(sort) = &saved.sort {
            tab.sort_by_text(sort);
        }
        self.status = format!("{}: {}", saved.name, saved.query);
    }
}

/// The table's current filter as one query: the query (`f`) and the typed `/`
/// filter, which becomes a quoted bare word (`!x` its negation).
fn current_filter(query: Option<&str>, typed: &str) -> Option<String> {
    let word = match typed.strip_prefix('!') {
        Some(rest) if !rest.is_empty() => Some(format!("NOT {}", quoted(rest))),
        Some(_) => None,
        None if typed.is_empty() => None,
        None => Some(quoted(typed)),
    };
    match (query, word) {
        (Some(q), Some(w)) => Some(format!("({q}) {w}")),
        (Some(q), None) => Some(q.to_string()),
        (None, w) => w,
    }
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::current_filter;

    #[test]
    fn the_typed_filter_becomes_a_quoted_word_beside_the_query() {
        assert_eq!(current_filter(None, ""), None);
        assert_eq!(current_filter(None, "!"), None);
        assert_eq!(current_filter(None, "montage"), Some("\"montage\"".into()));
        assert_eq!(current_filter(None, "!nord"), Some("NOT \"nord\"".into()));
        assert_eq!(
            current_filter(Some("stage:PROPOSAL"), "linie 3"),
            Some("(stage:PROPOSAL) \"linie 3\"".into())
        );
        assert_eq!(current_filter(Some("a:b"), ""), Some("a:b".into()));
        assert_eq!(
            current_filter(None, "say \"hi\""),
            Some("\"say \\\"hi\\\"\"".into())
        );
    }
}
