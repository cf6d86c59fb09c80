//! A table grouped by one or two of its columns (`g` on the current column,
//! `:group FIELD[,FIELD]`): the group view replaces the body with one line per
//! group (its count and the per-currency sums of every money column), sorted by
//! label, count or any sum; Enter shows a group's rows in the table, Esc goes back.
//!
//! The groups follow the rows shown: when the filter, the query or the rows change
//! (another session's edit included), they are grouped again before the next
//! frame. An open group is held by its labels, so it follows its rows too.

use std::collections::HashMap;

use super::group::{group_rows, rows_of, By};
use super::TableView;
use crate::api::report::{Group, GroupSort};
use crate::model::{FieldKind, Lang};
use crate::ui::action::{Action, Context};
use crate::ui::component::{Ctx, Handled, Request};

/// The grouping of one table.
pub(super) struct Grouping {
    /// The grouped columns (indices into the table's columns), outer first.
    pub by: Vec<usize>,
    /// The money columns summed, in the table's order.
    pub sums: Vec<usize>,
    pub sort: GroupSort,
    pub descending: bool,
    pub groups: Vec<Group>,
    pub total: Group,
    /// The lines shown: an outer group, and one of its subgroups if it is one.
    pub lines: Vec<(usize, Option<usize>)>,
    pub selected: usize,
    pub offset: usize,
    /// The group lines the view has room for.
    pub page: usize,
    /// The data generations the groups were computed from (None: never).
    computed: Option<(u64, u64)>,
    /// The group whose rows the table shows, by its labels (outer first).
    pub open: Option<Vec<String>>,
    /// The cells of rows standing for groups, by key: their labels as stored.
    pub cased: HashMap<String, Vec<String>>,
    /// The key that nests (`g`), for the title.
    pub key: Option<String>,
}

impl Grouping {
    fn new(by: Vec<usize>, sums: Vec<usize>) -> Grouping {
        Grouping {
            by,
            sums,
            sort: GroupSort::Label,
            descending: false,
            groups: Vec::new(),
            total: Group::default(),
            lines: Vec::new(),
            selected: 0,
            offset: 0,
            page: 1,
            computed: None,
            open: None,
            cased: HashMap::new(),
            key: None,
        }
    }

    /// The group of a line.
    pub fn group(&self, line: (usize, Option<usize>)) -> Option<&Group> {
        let outer = self.groups.get(line.0)?;
        match line.1 {
            Some(i) => outer.children.get(i),
            None => Some(outer),
        }
    }

    /// The labels leading to a line's group, outer first.
    fn path(&self, line: (usize, Option<usize>)) -> Vec<String> {
        let mut path = Vec::new();
        if let Some(outer) = self.groups.get(line.0) {
            path.push(outer.label.clone());
            if let Some(inner) = line.1.and_then(|i| outer.children.get(i)) {
                path.push(inner.label.clone());
            }
        }
        path
    }

    fn find(&self, path: &[String]) -> Option<(usize, Option<usize>)> {
        self.lines
            .iter()
            .copied()
            .find(|&line| self.path(line) == path)
    }

    fn flatten(&mut self) {
        self.lines.clear();
        for (i, g) in self.groups.iter().enumerate() {
            self.lines.push((i, None));
            self.lines
                .extend((0..g.children.len()).map(|j| (i, Some(j))));
        }
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.lines.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        let page = self.page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(self.lines.len().saturating_sub(page));
    }

    /// `s`: label ▲, label ▼, count ▼, count ▲, then each sum ▼ and ▲; a criterion
    /// starts in its natural order (labels A–Z, totals largest first) and the second
    /// press turns it round.
    fn sort_next(&mut self) {
        let natural = |s: GroupSort| s != GroupSort::Label;
        if self.descending == natural(self.sort) {
            self.descending = !self.descending;
            return;
        }
        self.sort = match self.sort {
            GroupSort::Label => GroupSort::Count,
            GroupSort::Count if !self.sums.is_empty() => GroupSort::Sum(0),
            GroupSort::Sum(i) if i + 1 < self.sums.len() => GroupSort::Sum(i + 1),
            _ => GroupSort::Label,
        };
        self.descending = natural(self.sort);
    }

    fn resort(&mut self) {
        let path = self.lines.get(self.selected).map(|&l| self.path(l));
        self.sort.apply(&mut self.groups, self.descending);
        self.flatten();
        self.select(path);
    }

    /// Selects the line of the group these labels lead to; where it is gone, the
    /// line at the same place.
    fn select(&mut self, path: Option<Vec<String>>) {
        let found = path
            .and_then(|p| self.find(&p))
            .and_then(|l| self.lines.iter().position(|x| *x == l));
        if let Some(n) = found {
            self.selected = n;
        }
        self.move_by(0);
    }
}

/// Why a column of this kind cannot be grouped by, if it cannot.
fn refusal(kind: &FieldKind, lang: Lang) -> Option<&'static str> {
    Some(match (kind, lang) {
        (FieldKind::Multiline, Lang::En) => "it is multiline text, not one value per row",
        (FieldKind::Multiline, Lang::De) => "mehrzeiliger Text, kein Wert je Zeile",
        (FieldKind::Lines(_), Lang::En) => "it holds lines (several per row)",
        (FieldKind::Lines(_), Lang::De) => "es enthält Positionen (mehrere je Zeile)",
        (FieldKind::RefList(_), Lang::En) => "it holds a list of keys, not one value per row",
        (FieldKind::RefList(_), Lang::De) => "es enthält eine Liste von Schlüsseln",
        _ => return None,
    })
}

impl TableView {
    /// Whether the group view shows (grouped, no group open).
    pub fn is_grouped_view(&self) -> bool {
        self.grouping.as_ref().is_some_and(|g| g.open.is_none())
    }

    /// The grouped fields (the key as "key"), outer first; empty when not grouped.
    pub fn grouped_by(&self) -> Vec<&'static str> {
        let Some(g) = &self.grouping else {
            return Vec::new();
        };
        g.by.iter()
            .map(|&c| match self.columns[c].field {
                Some(i) => self.mask.entity.fields[i].name,
                None => "key",
            })
            .collect()
    }

    /// The groups (sorted as shown) and the total, once grouped.
    pub fn groups(&self) -> Option<(&[Group], &Group)> {
        self.grouping.as_ref().map(|g| (&g.groups[..], &g.total))
    }

    /// The labels of the group whose rows are shown, outer first.
    pub fn open_group(&self) -> Option<&[String]> {
        self.grouping.as_ref()?.open.as_deref()
    }

    /// The selected line's group in the group view.
    pub fn selected_group(&self) -> Option<&Group> {
        let g = self.grouping.as_ref()?;
        g.group(*g.lines.get(g.selected)?)
    }

    /// `:group FIELD[,FIELD]`: groups by these fields (names or labels, any case);
    /// `:group` alone ungroups. Errors say which field and why, and change nothing.
    pub fn group_by_names(&mut self, text: &str, lang: Lang) -> Result<(), String> {
        let names: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            self.ungroup();
            return Ok(());
        }
        if names.len() > 2 {
            return Err(match lang {
                Lang::En => format!("group by at most two fields, not {}", names.len()),
                Lang::De => format!(
                    "höchstens nach zwei Feldern gruppieren, nicht {}",
                    names.len()
                ),
            });
        }
        let mut by = Vec::new();
        for name in names {
            let col = self.column_named(name, lang)?;
            if by.contains(&col) {
                let name = crate::util::excerpt(name);
                return Err(match lang {
                    Lang::En => format!("{name} is named twice: group by two different fields"),
                    Lang::De => format!("{name} ist doppelt genannt: nach zwei Feldern gruppieren"),
                });
            }
            by.push(col);
        }
        self.group(by);
        Ok(())
    }

    /// The column of a field named as `:group` takes it; an error names the field
    /// and why it cannot be grouped by (a did-you-mean for a typo).
    fn column_named(&self, name: &str, lang: Lang) -> Result<usize, String> {
        let def = self.mask.entity;
        let lower = name.to_lowercase();
        let key = super::view::key_label(lang).to_lowercase();
        if lower == "key" || lower == key {
            return Ok(0);
        }
        let field = def.fields.iter().position(|f| {
            f.name == lower
                || f.label_en.to_lowercase() == lower
                || f.label_de.to_lowercase() == lower
        });
        let Some(i) = field else {
            let names = def.fields.iter().map(|f| f.name).chain(["key"]);
            let hint = crate::util::suggest::nearest(&lower, names)
                .map(|n| match lang {
                    Lang::En => format!("; did you mean '{n}'?"),
                    Lang::De => format!("; meinten Sie '{n}'?"),
                })
                .unwrap_or_default();
            let name = crate::util::excerpt(name);
            return Err(match lang {
                Lang::En => format!("no field '{name}' in {}{hint}", def.label(lang)),
                Lang::De => format!("kein Feld '{name}' in {}{hint}", def.label(lang)),
            });
        };
        let f = &def.fields[i];
        if let Some(why) = refusal(&f.kind, lang) {
            return Err(match lang {
                Lang::En => format!(
                    "cannot group by {} ({}): {why}; group by a column of the table",
                    f.label(lang),
                    f.name
                ),
                Lang::De => format!(
                    "nach {} ({}) kann nicht gruppiert werden: {why}; nach einer Spalte der Tabelle gruppieren",
                    f.label(lang),
                    f.name
                ),
            });
        }
        self.columns
            .iter()
            .position(|c| c.field == Some(i))
            .ok_or_else(|| match lang {
                Lang::En => format!(
                    "cannot group by {} ({}): it is not a column of this table",
                    f.label(lang),
                    f.name
                ),
                Lang::De => format!(
                    "nach {} ({}) kann nicht gruppiert werden: keine Spalte dieser Tabelle",
                    f.label(lang),
                    f.name
                ),
            })
    }

    /// `g`: groups by the current column, or (already grouped) nests it as the
    /// second level, in place of a second one there was.
    pub(super) fn group_current(&mut self, lang: Lang) -> Result<(), String> {
        let col = self.col;
        if let Some(kind) = self.columns[col]
            .field
            .map(|i| &self.mask.entity.fields[i].kind)
        {
            if let Some(why) = refusal(kind, lang) {
                let name = self.column_name(col, lang);
                return Err(match lang {
                    Lang::En => format!("cannot group by {name}: {why}"),
                    Lang::De => format!("nach {name} kann nicht gruppiert werden: {why}"),
                });
            }
        }
        let by = match &self.grouping {
            None => vec![col],
            Some(g) if g.by[0] == col => {
                let name = self.column_name(col, lang);
                return Err(match lang {
                    Lang::En => format!(
                        "already grouped by {name}: choose another column (left/right) to nest"
                    ),
                    Lang::De => format!(
                        "schon nach {name} gruppiert: eine andere Spalte wählen (links/rechts)"
                    ),
                });
            }
            Some(g) => vec![g.by[0], col],
        };
        self.group(by);
        Ok(())
    }

    fn group(&mut self, by: Vec<usize>) {
        let sums = (0..self.columns.len())
            .filter(|&c| {
                self.columns[c]
                    .field
                    .is_some_and(|i| self.mask.entity.fields[i].kind == FieldKind::Money)
            })
            .collect();
        self.data.set_within(None);
        self.grouping = Some(Grouping::new(by, sums));
    }

    pub(super) fn ungroup(&mut self) {
        let key = self.selected_key();
        self.grouping = None;
        self.data.set_within(None);
        self.selected = key.and_then(|k| self.data.hit_position(&k)).unwrap_or(0);
        self.clamp();
    }

    /// Enter on a group: the table shows its rows.
    fn open_selected(&mut self) {
        let rows_len = self.data.rows().len();
        let Some(g) = &mut self.grouping else { return };
        let Some(&line) = g.lines.get(g.selected) else {
            return;
        };
        let Some(group) = g.group(line) else { return };
        let mut member = vec![false; rows_len];
        for r in rows_of(group) {
            if let Some(m) = member.get_mut(r as usize) {
                *m = true;
            }
        }
        g.open = Some(g.path(line));
        self.data.set_within(Some(member));
        self.selected = 0;
        self.offset = 0;
    }

    /// Esc with a group open: back to the groups.
    fn close_group(&mut self) {
        if let Some(g) = &mut self.grouping {
            g.open = None;
        }
        self.data.set_within(None);
    }

    /// A key the grouping takes: in the group view the group keys, with a group
    /// open Esc (back to the groups) and `g`. None: the table's own handling.
    pub(super) fn handle_group_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Handled> {
        let open = self.grouping.as_ref()?.open.is_some();
        if open {
            match action {
                Action::Back | Action::Ungroup => self.close_group(),
                Action::GroupBy => {
                    self.close_group();
                    return self.handle_group_action(action, ctx);
                }
                _ => return None,
            }
            return Some(Handled::Consumed);
        }
        match action {
            Action::Open | Action::Select => self.open_selected(),
            Action::Back | Action::Ungroup => self.ungroup(),
            Action::GroupBy => {
                if let Err(e) = self.group_current(ctx.lang) {
                    ctx.request(Request::Status(e));
                }
            }
            // The filter, the query and the current column work as in the table.
            Action::Left
            | Action::Right
            | Action::Filter
            | Action::QueryFilter
            | Action::ClearFilter => return None,
            _ => {
                let g = self.grouping.as_mut()?;
                let page = g.page.max(1) as isize;
                match action {
                    Action::Up => g.move_by(-1),
                    Action::Down => g.move_by(1),
                    Action::PageUp => g.move_by(-page),
                    Action::PageDown => g.move_by(page),
                    Action::Top => g.move_by(isize::MIN),
                    Action::Bottom => g.move_by(isize::MAX),
                    Action::SortNext => {
                        g.sort_next();
                        g.resort();
                    }
                    Action::SortReverse => {
                        g.descending = !g.descending;
                        g.resort();
                    }
                    _ => return Some(Handled::Ignored),
                }
            }
        }
        Some(Handled::Consumed)
    }

    /// Groups again when what was grouped changed (the filter's hits, or with a
    /// group open the rows), and reads the labels of the groups on screen.
    pub(super) fn prepare_groups(&mut self, page: usize, ctx: &mut Ctx) {
        let gens = self.data.generations();
        let Some(g) = &mut self.grouping else { return };
        g.page = page.max(1);
        g.key = ctx
            .keymap
            .key_for(Context::Group, Action::GroupBy)
            .map(str::to_string);
        let stale = match g.open {
            None => g.computed != Some(gens),
            Some(_) => g.computed.map(|c| c.1) != Some(gens.1),
        };
        if stale {
            if let Err(e) = self.regroup() {
                self.grouping = None;
                self.data.set_within(None);
                ctx.request(Request::Status(e));
                return;
            }
        }
        self.fetch_labels(ctx.api);
    }

    fn regroup(&mut self) -> Result<(), String> {
        let gens = self.data.generations();
        let Some(g) = &mut self.grouping else {
            return Ok(());
        };
        let by: Vec<By> =
            g.by.iter()
                .map(|&col| By {
                    col,
                    day: self.columns[col]
                        .field
                        .is_some_and(|i| self.mask.entity.fields[i].kind == FieldKind::DateTime),
                })
                .collect();
        let (groups, total) = group_rows(self.data.rows(), self.data.filtered(), &by, &g.sums)?;
        let path = g.lines.get(g.selected).map(|&l| g.path(l));
        if g.computed.map(|c| c.1) != Some(gens.1) {
            g.cased.clear();
        }
        g.groups = groups;
        g.total = total;
        g.computed = Some(gens);
        g.sort.apply(&mut g.groups, g.descending);
        g.flatten();
        g.select(path);
        let Some(open) = &g.open else { return Ok(()) };
        let mut member = vec![false; self.data.rows().len()];
        let line = g.find(open);
        for r in line
            .and_then(|l| g.group(l))
            .map(rows_of)
            .unwrap_or_default()
        {
            if let Some(m) = member.get_mut(r as usize) {
                *m = true;
            }
        }
        self.data.set_within(Some(member));
        Ok(())
    }
}
