//! The table view of one mask: virtualised, filtered and sorted.
//!
//! `new` only reads the schema. The first `prepare` asks the client for the first
//! screenful of rows (so the first frame shows rows) and starts a background
//! thread that pulls the mask's rows in chunks into compact `data::Rows` (key and
//! a prepared lower-case search text per row). Filtering and sorting work on those;
//! the cells on screen are fetched in `prepare` for the visible window only, and
//! `render` never calls the client.

mod columns;
pub mod data;
pub mod group;
mod group_labels;
mod group_view;
mod grouped;
mod load;
mod menus;
mod query;
mod view;

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::{layout::Rect, Frame};

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use super::masks::Mask;
use crate::api::Client;
use crate::model::{self as m, format_value, Lang};
use columns::{columns_for, Column};
use data::{Data, Rows};
use load::Loader;
use menus::Menu;

pub struct TableView {
    pub mask: Mask,
    columns: Vec<Column>,
    data: Data,
    loader: Option<Loader>,
    /// The first screen was read (rows may still be partial while `loader` runs).
    started: bool,
    needs_load: bool,
    error: Option<String>,
    /// Index into the filter's hits.
    selected: usize,
    /// First hit on screen.
    offset: usize,
    /// Non-key columns scrolled off to the left.
    hscroll: usize,
    /// The current column (0 is the key): what `g` groups by.
    col: usize,
    /// The group-by, when the rows are grouped.
    grouping: Option<grouped::Grouping>,
    /// Body rows and width of the last `prepare`.
    page: usize,
    width: u16,
    query: String,
    editing: bool,
    /// The query line (`f`) and the query the rows are restricted to.
    query_line: query::TableQuery,
    /// The cells (key first) of the rows on screen, by key.
    cells: HashMap<String, Vec<String>>,
    /// Rows marked with space (`a` marks every row shown): what `e` exports.
    marked: std::collections::BTreeSet<String>,
    /// Whether the key column (`columns[0]`, always there) is shown.
    key_shown: bool,
    /// The sort menu or the column chooser, when open.
    menu: Option<Menu>,
    /// The language the server writes the cells in (money, dates).
    lang: Lang,
    /// The columns shown when no saved query chose any (`set_own_columns`).
    own_columns: Vec<m::Column>,
}

impl TableView {
    pub fn new(mask: Mask) -> TableView {
        let (columns, key_shown) = columns_for(mask.entity, &m::columns::defaults(mask.entity));
        TableView {
            key_shown,
            menu: None,
            lang: Lang::En,
            own_columns: m::columns::defaults(mask.entity),
            mask,
            columns,
            data: Data::default(),
            loader: None,
            started: false,
            needs_load: true,
            error: None,
            selected: 0,
            offset: 0,
            hscroll: 0,
            col: usize::from(!key_shown),
            grouping: None,
            page: 0,
            width: 0,
            query: String::new(),
            editing: false,
            query_line: query::TableQuery::default(),
            cells: HashMap::new(),
            marked: Default::default(),
        }
    }

    pub fn selected_key(&self) -> Option<String> {
        self.data.hit_key(self.selected).map(str::to_string)
    }

    /// A record of this entity changed: load again, keeping filter, sort and (where
    /// it still exists) the selected record. The next `prepare` starts the load.
    pub fn reload(&mut self) {
        self.needs_load = true;
        self.cells.clear();
    }

    /// "n of m" for the status line: (selected row + 1, rows shown); (0, 0) if none.
    pub fn position(&self) -> (usize, usize) {
        if let Some(g) = self.grouping.as_ref().filter(|g| g.open.is_none()) {
            return (
                g.selected.min(g.lines.len()) + usize::from(!g.lines.is_empty()),
                g.lines.len(),
            );
        }
        let n = self.data.hits().len();
        if n == 0 {
            (0, 0)
        } else {
            (self.selected.min(n - 1) + 1, n)
        }
    }

    /// Whether the whole entity is still being read (how many rows so far).
    pub fn loading(&self) -> Option<usize> {
        self.loader
            .as_ref()
            .map(|l| l.progress.load(Ordering::Relaxed))
    }

    /// Whether the filter line is taking typed text: the app must then hand every
    /// key to the table before resolving global keys.
    pub fn is_editing(&self) -> bool {
        self.editing || self.query_line.editing
    }

    /// The filter as typed ("" when none).
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The loaded rows (before the filter), for measurements.
    pub fn rows(&self) -> &Rows {
        self.data.rows()
    }

    /// Up to `limit` loaded rows as (key, first column text, lower-case), for the
    /// palette's record entries.
    pub fn records(&self, limit: usize) -> Vec<(String, String)> {
        let rows = self.data.rows();
        (0..rows.len().min(limit))
            .map(|i| (rows.key(i).to_string(), rows.segment(i, 1).to_string()))
            .collect()
    }

    /// The field of the text `records` gives beside each key (the first column).
    pub fn records_field(&self) -> Option<usize> {
        self.columns.get(1).and_then(|c| c.field)
    }

    /// The marked rows' keys, in key order.
    pub fn marked(&self) -> &std::collections::BTreeSet<String> {
        &self.marked
    }

    /// The keys of the rows the filter shows, in their order.
    pub fn shown_keys(&self) -> Vec<String> {
        (0..self.data.hits().len())
            .filter_map(|n| self.data.hit_key(n).map(str::to_string))
            .collect()
    }

    /// Rows in the mask once loaded (all of them, before the filter).
    pub fn total(&self) -> usize {
        self.data.rows().live()
    }

    /// Blocks until the background load is in (tests, benchmarks).
    pub fn wait_loaded(&mut self, ctx: &mut Ctx) {
        if self.needs_load {
            self.start_load(ctx.api);
        }
        if let Some(loader) = self.loader.take() {
            match loader.rx.recv() {
                Ok(Ok(rows)) => self.take_rows(rows),
                Ok(Err(e)) => self.error = Some(e),
                Err(_) => self.error = Some("loading failed".into()),
            }
        }
        self.fetch_visible(ctx.api);
    }

    fn only_with(&self) -> Option<usize> {
        self.mask
            .only_with
            .and_then(|f| self.mask.entity.field_index(f))
    }

    fn clamp(&mut self) {
        let n = self.data.hits().len();
        self.selected = self.selected.min(n.saturating_sub(1));
        let page = self.page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset.saturating_add(page) {
            self.offset = self.selected.saturating_add(1).saturating_sub(page);
        }
        // Fill the screen when the end of the list comes into view.
        self.offset = self.offset.min(n.saturating_sub(page));
        self.col = self.col.clamp(
            self.first_col(),
            self.columns.len().saturating_sub(1).max(self.first_col()),
        );
        self.hscroll = self.hscroll.min(self.max_hscroll());
    }

    /// The column showing a field ("key": the key column), as the rows' texts
    /// number them: the field itself before its key or a pair it is part of.
    pub fn column_index(&self, field: &str) -> Option<usize> {
        if field == "key" {
            return Some(0);
        }
        let i = self.mask.entity.field_index(field)?;
        self.column_of_field(i)
    }

    fn column_of_field(&self, i: usize) -> Option<usize> {
        let exact = m::Column::Field(i as u16);
        (self.columns.iter().position(|c| c.column == exact))
            .or_else(|| self.columns.iter().position(|c| c.field == Some(i)))
    }

    /// The field of the current column ("key" for the key column).
    pub fn current_field(&self) -> &'static str {
        self.columns
            .get(self.col)
            .and_then(|c| c.field)
            .map_or("key", |i| self.mask.entity.fields[i].name)
    }

    fn refilter(&mut self) {
        self.data.set_query(&self.query);
        self.selected = 0;
        self.offset = 0;
    }

    /// Sorts by the next column shown (after the last: the key).
    fn sort_next(&mut self) {
        let (col, _) = self.data.sort_state();
        let next = (col + 1) % self.columns.len();
        self.sort(next, false);
    }

    fn handle_filter_key(&mut self, key: KeyEvent, action: Option<Action>) -> Handled {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => {
                self.editing = false;
                self.query.clear();
                self.refilter();
            }
            KeyCode::Enter => self.editing = false,
            KeyCode::Backspace => {
                if self.query.pop().is_none() {
                    self.editing = false;
                }
                self.refilter();
            }
            KeyCode::Char(c) if plain => {
                self.query.push(c);
                self.refilter();
            }
            KeyCode::Up => self.move_by(-1),
            KeyCode::Down => self.move_by(1),
            KeyCode::PageUp => self.move_by(-(self.page.max(1) as isize)),
            KeyCode::PageDown => self.move_by(self.page.max(1) as isize),
            _ => match action {
                Some(Action::Back | Action::Cancel | Action::ClearFilter) => {
                    self.editing = false;
                    self.query.clear();
                    self.refilter();
                }
                _ => return Handled::Ignored,
            },
        }
        Handled::Consumed
    }

    fn move_by(&mut self, delta: isize) {
        self.selected = self.selected.saturating_add_signed(delta);
        self.clamp();
    }

    /// Why there is nothing to group with the key given (or none).
    fn group_key(&mut self, ctx: &mut Ctx) {
        if let Err(e) = self.group_current(ctx.lang) {
            ctx.request(Request::Status(e));
        }
    }

    fn template(&self, client: &Client) -> Vec<(String, String)> {
        let def = self.mask.entity;
        let Some(key) = self.data.hit_key(self.selected) else {
            return Vec::new();
        };
        let Ok(Some(record)) = client.get(def, key) else {
            return Vec::new();
        };
        def.fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let v = record.get(i);
                (!v.is_empty()).then(|| (f.name.to_string(), format_value(&f.kind, &v)))
            })
            .collect()
    }
}

impl Component for TableView {
    fn context(&self) -> Context {
        if let Some(c) = self.menu_context() {
            c
        } else if self.is_grouped_view() {
            Context::Group
        } else {
            Context::Table
        }
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        // A load that failed (the server was away) is tried again on the next key.
        if self.error.is_some() && self.loader.is_none() {
            self.reload();
        }
        if self.menu.is_some() {
            return self.handle_menu(key, action, ctx);
        }
        if self.query_line.editing {
            return self.handle_query_key(key, action, ctx.api);
        }
        if self.editing {
            return self.handle_filter_key(key, action);
        }
        let Some(action) = action else {
            return Handled::Ignored;
        };
        if let Some(handled) = self.handle_group_action(action, ctx) {
            return handled;
        }
        let entity = self.mask.entity;
        let page = self.page.max(1) as isize;
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Top => self.move_by(isize::MIN),
            Action::Bottom => self.move_by(isize::MAX),
            Action::Left => self.move_column(-1),
            Action::Right => self.move_column(1),
            Action::GroupBy => self.group_key(ctx),
            Action::Filter => self.editing = true,
            Action::QueryFilter => self.edit_query(),
            // Clears the typed filter and the query both: every row again.
            Action::ClearFilter => {
                self.query.clear();
                self.refilter();
                self.show_fields(None);
                self.run_query("", ctx.api);
            }
            Action::SortNext => self.sort_next(),
            Action::SortBy => self.open_sort_menu(),
            Action::Columns => self.open_columns(),
            Action::SortReverse => {
                let (col, descending) = self.data.sort_state();
                self.sort(col, !descending);
            }
            Action::Open | Action::Select => match self.selected_key() {
                Some(key) => ctx.request(Request::OpenForm {
                    entity,
                    key: Some(key),
                    template: vec![],
                }),
                None => return Handled::Ignored,
            },
            Action::NewRecord => ctx.request(Request::OpenForm {
                entity,
                key: None,
                template: vec![],
            }),
            Action::CopyRecord => {
                let template = self.template(ctx.api);
                if template.is_empty() {
                    return Handled::Ignored;
                }
                ctx.request(Request::OpenForm {
                    entity,
                    key: None,
                    template,
                });
            }
            Action::ToggleMark => {
                let Some(key) = self.selected_key() else {
                    return Handled::Ignored;
                };
                if !self.marked.remove(&key) {
                    self.marked.insert(key);
                }
                self.move_by(1);
            }
            Action::MarkAll => {
                let shown = self.shown_keys();
                if shown.iter().all(|k| self.marked.contains(k)) {
                    self.marked.clear();
                } else {
                    self.marked.extend(shown);
                }
            }
            Action::Export => ctx.request(Request::AskExport(entity)),
            Action::Board if super::board::shows(entity) => ctx.request(Request::OpenBoard),
            Action::DeleteRecord => match self.selected_key() {
                Some(key) => ctx.request(Request::AskDelete { entity, key }),
                None => return Handled::Ignored,
            },
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    fn prepare(&mut self, area: Rect, ctx: &mut Ctx) {
        if self.lang != ctx.lang {
            // The server writes money and dates in the user's language.
            self.lang = ctx.lang;
            if self.started {
                self.set_rows_stale();
            }
        }
        let (page, width) = view::body_size(self.body_area(area));
        self.page = page;
        self.width = width;
        let had_error = self.error.is_some();
        if self.needs_load {
            self.start_load(ctx.api);
        }
        self.poll_loader();
        self.poll_query();
        self.prepare_groups(group_view::page(area), ctx);
        self.clamp();
        self.fetch_visible(ctx.api);
        // A new failure (the server went away) is said in the status line too.
        if let (false, Some(e)) = (had_error, &self.error) {
            ctx.request(Request::Status(e.clone()));
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        if self.is_grouped_view() {
            group_view::render(self, frame, area, lang);
        } else {
            view::render(self, frame, area, lang);
        }
        self.render_menu(frame, area, lang);
    }

    fn commands(&self) -> Vec<Action> {
        if let Some(menu) = &self.menu {
            return match menu {
                Menu::Sort { .. } => vec![Action::Select, Action::Cancel],
                Menu::Columns(_) => vec![
                    Action::ToggleMark,
                    Action::ColumnEarlier,
                    Action::ColumnLater,
                    Action::ColumnsReset,
                    Action::Select,
                    Action::Cancel,
                ],
            };
        }
        if self.editing {
            vec![Action::Back]
        } else if self.is_grouped_view() {
            vec![
                Action::Open,
                Action::SortNext,
                Action::SortReverse,
                Action::GroupBy,
                Action::Ungroup,
                Action::Filter,
                Action::QueryFilter,
                Action::Right,
            ]
        } else if self.grouping.is_some() {
            vec![Action::Back, Action::Open, Action::Filter, Action::GroupBy]
        } else {
            let mut offered = vec![
                Action::Open,
                Action::Filter,
                Action::QueryFilter,
                Action::NewRecord,
                Action::DeleteRecord,
                Action::GroupBy,
                Action::SortBy,
                Action::Columns,
                Action::ToggleMark,
                Action::Export,
            ];
            if super::board::shows(self.mask.entity) {
                offered.push(Action::Board);
            }
            offered
        }
    }
}

#[cfg(test)]
mod tests;
