//! How a group is named on screen: its lower-case label from the search text,
//! upper-cased where the column holds codes (stored upper-case anyway), and read
//! from a row of the group where it is free text (fetched through the client for
//! the groups on screen only); the group view's titles.

use super::group::first_row;
use super::TableView;
use crate::api::report::GroupSort;
use crate::api::Client;
use crate::model::{FieldKind, Lang};

/// How a group's lower-case label is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Case {
    /// Codes (keys, references, currencies) are stored upper-case: upper-cased.
    Upper,
    /// Words, numbers, dates are stored as shown.
    AsIs,
    /// Free text: read from the cells of a row of the group.
    Fetch,
}

impl TableView {
    pub(super) fn label_case(&self, col: usize) -> Case {
        if self.columns[col].column.shows_name(self.mask.entity) {
            // A reference shown by name: free text.
            return Case::Fetch;
        }
        match self.columns[col]
            .field
            .map(|i| &self.mask.entity.fields[i].kind)
        {
            None | Some(FieldKind::Ref(_) | FieldKind::Money) => Case::Upper,
            Some(FieldKind::Text | FieldKind::Email) => Case::Fetch,
            Some(_) => Case::AsIs,
        }
    }

    pub(super) fn column_name(&self, col: usize, lang: Lang) -> String {
        self.heading(col, lang)
    }

    /// Reads the cells of one row of each group on screen whose label is free text
    /// (the search text holds it lower-case).
    pub(super) fn fetch_labels(&mut self, client: &Client) {
        let cases: Vec<Case> = match &self.grouping {
            Some(g) => g.by.iter().map(|&c| self.label_case(c)).collect(),
            None => return,
        };
        let Some(g) = &self.grouping else { return };
        if g.open.is_some() || !cases.contains(&Case::Fetch) {
            return;
        }
        let rows = self.data.rows();
        let missing: Vec<String> = g.lines[g.offset.min(g.lines.len())..]
            .iter()
            .take(g.page)
            .filter_map(|&l| first_row(g.group(l)?))
            .map(|r| rows.key(r as usize).to_string())
            .filter(|k| !g.cased.contains_key(k))
            .collect();
        if missing.is_empty() {
            return;
        }
        let Ok(rows) = self.read_cells(client, missing) else {
            return;
        };
        let fetched: Vec<(String, Vec<String>)> = rows
            .into_iter()
            .map(|(k, cells)| {
                let row = std::iter::once(k.clone()).chain(cells).collect();
                (k, row)
            })
            .collect();
        if let Some(g) = &mut self.grouping {
            g.cased.extend(fetched);
        }
    }

    /// A group's label as shown: codes upper-case, free text as a row of the group
    /// holds it; "" for rows without a value.
    pub(super) fn group_label(&self, line: (usize, Option<usize>)) -> String {
        let Some(g) = &self.grouping else {
            return String::new();
        };
        let depth = usize::from(line.1.is_some());
        let (Some(group), Some(&col)) = (g.group(line), g.by.get(depth)) else {
            return String::new();
        };
        match self.label_case(col) {
            Case::Upper => group.label.to_uppercase(),
            Case::AsIs => group.label.clone(),
            Case::Fetch => first_row(group)
                .and_then(|r| g.cased.get(self.data.rows().key(r as usize)))
                .and_then(|cells| cells.get(col))
                .cloned()
                .unwrap_or_else(|| group.label.clone()),
        }
    }

    /// "Salesperson › Stage".
    pub(super) fn group_title(&self, lang: Lang) -> String {
        let Some(g) = &self.grouping else {
            return String::new();
        };
        g.by.iter()
            .map(|&c| self.column_name(c, lang))
            .collect::<Vec<_>>()
            .join(" › ")
    }

    /// The open group as the table's title: "Salesperson SP001 › Stage PROPOSAL".
    pub(super) fn open_title(&self, lang: Lang) -> Option<String> {
        let g = self.grouping.as_ref()?;
        let open = g.open.as_ref()?;
        let parts: Vec<String> =
            g.by.iter()
                .zip(open)
                .map(|(&c, label)| {
                    let shown = match self.label_case(c) {
                        Case::Upper => label.to_uppercase(),
                        _ => label.clone(),
                    };
                    format!("{} {}", self.column_name(c, lang), shown)
                })
                .collect();
        Some(parts.join(" › "))
    }

    /// The name of the current sort, for the group view's title.
    pub(super) fn group_sort_name(&self, lang: Lang) -> String {
        let Some(g) = &self.grouping else {
            return String::new();
        };
        let name = match (g.sort, lang) {
            (GroupSort::Label, Lang::En) => "label".to_string(),
            (GroupSort::Label, Lang::De) => "Bezeichnung".to_string(),
            (GroupSort::Count, Lang::En) => "count".to_string(),
            (GroupSort::Count, Lang::De) => "Anzahl".to_string(),
            (GroupSort::Sum(i), _) => match g.sums.get(i) {
                Some(&c) => format!("Σ {}", self.column_name(c, lang)),
                None => "Σ".to_string(),
            },
        };
        format!("{name} {}", if g.descending { "▼" } else { "▲" })
    }
}
