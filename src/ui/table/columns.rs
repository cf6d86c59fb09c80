//! A table's columns: which it shows (the mask's declared defaults, a saved
//! query's, or the user's own choice from the chooser), and how wide each is on
//! this terminal: as wide as its text on screen needs, up to a cap; when they do
//! not all fit, text columns give way first (to at least `TEXT_FLOOR`), numbers,
//! dates and codes never — a cut text ends with `…`.

use unicode_width::UnicodeWidthStr;

use super::data::SortKind;
use super::TableView;
use crate::model::{self, columns::Order, EntityDef, FieldKind, Lang};

/// A text column is cut to no less than this (or its text, when shorter).
const TEXT_FLOOR: u16 = 14;

/// One column of the table. `columns[0]` is always the key (shown or not): the
/// rows' first search segment, and the order they arrive in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    pub column: model::Column,
    /// The field it shows (the first of two; a reference's key: the reference).
    pub field: Option<usize>,
    /// The widest it grows.
    pub width: u16,
    pub sort: SortKind,
    /// Free text, which may be cut.
    pub text: bool,
}

impl Column {
    fn of(def: &EntityDef, column: model::Column) -> Column {
        let sort = match column.order(def) {
            Order::Text => SortKind::Text,
            Order::Number => SortKind::Number,
            Order::Date => SortKind::Date,
        };
        let text = column.shows_name(def)
            || matches!(column, model::Column::Field(i)
                if matches!(def.fields[usize::from(i)].kind, FieldKind::Text | FieldKind::Email));
        let width = match column {
            _ if column.shows_name(def) => 28,
            model::Column::Field(i) => match def.fields[usize::from(i)].kind {
                FieldKind::Text | FieldKind::Email => def.fields[usize::from(i)].width.max(20),
                FieldKind::Money => 20,
                FieldKind::Date => 14,
                FieldKind::DateTime => 16,
                _ => column.width(def).max(12),
            },
            _ => column.width(def),
        };
        Column {
            column,
            field: column.field(),
            width,
            sort,
            text,
        }
    }
}

/// The key column, then `chosen` (less the key); and whether the key is shown.
pub(super) fn columns_for(def: &EntityDef, chosen: &[model::Column]) -> (Vec<Column>, bool) {
    let mut out = vec![Column::of(def, model::Column::Key)];
    out.extend(
        chosen
            .iter()
            .filter(|c| **c != model::Column::Key)
            .map(|&c| Column::of(def, c)),
    );
    // A table with no column but the key shows the key.
    let key_shown = chosen.contains(&model::Column::Key) || out.len() == 1;
    (out, key_shown)
}

impl TableView {
    /// The columns shown, in order (the key first when shown).
    pub fn shown_columns(&self) -> Vec<model::Column> {
        let first = usize::from(!self.key_shown);
        self.columns[first..].iter().map(|c| c.column).collect()
    }

    /// The columns shown as `:columns` names them ("description,customer|prospect,…").
    pub fn columns_text(&self) -> String {
        let def = self.mask.entity;
        self.shown_columns()
            .iter()
            .map(|c| c.name(def))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The first column the cursor can be on.
    pub(super) fn first_col(&self) -> usize {
        usize::from(!self.key_shown).min(self.columns.len().saturating_sub(1))
    }

    /// Shows these columns (the key pinned left when among them); the rows are read
    /// again for them. Filter and query stay; sort and grouping start over.
    pub fn set_columns(&mut self, chosen: &[model::Column]) {
        let (columns, key_shown) = columns_for(self.mask.entity, chosen);
        let same = key_shown == self.key_shown
            && columns
                .iter()
                .map(|c| c.column)
                .eq(self.columns.iter().map(|c| c.column));
        if same {
            return;
        }
        self.columns = columns;
        self.key_shown = key_shown;
        self.hscroll = 0;
        self.col = self.first_col();
        self.grouping = None;
        self.data.set_within(None);
        self.data.sort(0, SortKind::Text, false);
        self.data.set_rows(super::Rows::default());
        self.cells.clear();
        self.loader = None;
        self.started = false;
        self.needs_load = true;
    }

    /// The heading of column `c`.
    pub(super) fn heading(&self, c: usize, lang: Lang) -> String {
        self.columns[c].column.label(self.mask.entity, lang)
    }

    /// The width of column `c`'s widest text on screen.
    fn content_width(&self, c: usize) -> u16 {
        self.cells
            .values()
            .filter_map(|cells| cells.get(c))
            .map(|t| t.width())
            .max()
            .unwrap_or(0)
            .min(usize::from(u16::MAX)) as u16
    }

    /// The width column `c`'s whole heading (and sort marker) takes, up to its cap.
    fn heading_width(&self, c: usize, lang: Lang) -> u16 {
        let sort_mark = if self.data.sort_state().0 == c { 2 } else { 0 };
        let w = self.heading(c, lang).width() + sort_mark;
        w.min(usize::from(self.columns[c].width.max(12))) as u16
    }

    /// (narrowest, widest) column `c` takes: its text on screen and its heading,
    /// up to its cap; a text column may be cut to `TEXT_FLOOR`.
    fn needs(&self, c: usize, lang: Lang) -> (u16, u16) {
        let col = &self.columns[c];
        let content = self
            .cells
            .values()
            .filter_map(|cells| cells.get(c))
            .map(|t| t.width())
            .max()
            .unwrap_or(0);
        let sort_mark = if self.data.sort_state().0 == c { 2 } else { 0 };
        let heading = self.heading(c, lang).width() + sort_mark;
        let cap = usize::from(col.width).max(content.min(usize::from(col.width)));
        // A number's or a date's heading gives way to the text columns' content.
        let heading = if col.text || content == 0 {
            heading
        } else {
            heading.min(content)
        };
        let widest = content.max(heading).min(cap).max(1);
        let narrowest = if col.text {
            widest.min(usize::from(TEXT_FLOOR))
        } else {
            content.max(heading.min(4)).min(widest).max(1)
        };
        (narrowest as u16, widest as u16)
    }

    /// The columns on screen from `hscroll` on, with their widths: the key pinned
    /// left when shown, then as many as fit at their narrowest, then the room
    /// left shared out up to each one's widest.
    pub(super) fn layout(&self, width: u16, lang: Lang) -> Vec<(usize, u16)> {
        self.layout_at(self.hscroll, width, lang)
    }

    fn layout_at(&self, hscroll: usize, width: u16, lang: Lang) -> Vec<(usize, u16)> {
        let mut out: Vec<(usize, u16)> = Vec::new();
        let mut wants: Vec<u16> = Vec::new();
        let mut used: u16 = 0;
        if self.key_shown {
            let (_, w) = self.needs(0, lang);
            let w = w.max(self.columns[0].width).min(width);
            out.push((0, w));
            wants.push(w);
            used = w;
        }
        for c in (1 + hscroll)..self.columns.len() {
            let gap = u16::from(!out.is_empty());
            let (narrow, wide) = self.needs(c, lang);
            if used.saturating_add(gap).saturating_add(narrow) > width {
                if !out.is_empty() {
                    break;
                }
                out.push((c, width));
                wants.push(width);
                return out;
            }
            used += gap + narrow;
            out.push((c, narrow));
            wants.push(wide);
        }
        // The room left is shared a cell at a time, in the columns' order: first
        // for their text, then for the headings cut short.
        let mut room = width.saturating_sub(used);
        let headings: Vec<u16> = out
            .iter()
            .zip(&wants)
            .map(|(&(c, _), &want)| want.max(self.heading_width(c, lang)))
            .collect();
        // Last, a text still cut may pass its cap where the terminal has room.
        let whole: Vec<u16> = out
            .iter()
            .zip(&headings)
            .map(|(&(c, _), &want)| want.max(self.content_width(c)))
            .collect();
        for wants in [&wants, &headings, &whole] {
            while room > 0 {
                let mut grew = false;
                for (n, (_, w)) in out.iter_mut().enumerate() {
                    if room > 0 && *w < wants[n] {
                        *w += 1;
                        room -= 1;
                        grew = true;
                    }
                }
                if !grew {
                    break;
                }
            }
        }
        out
    }

    /// The column numbers on screen.
    pub(super) fn visible_columns(&self, width: u16) -> Vec<usize> {
        self.layout(width, self.lang)
            .into_iter()
            .map(|(c, _)| c)
            .collect()
    }

    /// Moves the current column; the columns scroll to keep it in view.
    pub(super) fn move_column(&mut self, delta: isize) {
        let last = self.columns.len().saturating_sub(1);
        let first = self.first_col();
        self.col = self
            .col
            .saturating_add_signed(delta)
            .clamp(first, last.max(first));
        if self.col == 0 {
            // The key is pinned left: scroll back only when nothing is off screen.
            return;
        }
        if self.col <= self.hscroll {
            self.hscroll = self.col - 1;
        }
        while self.hscroll + 1 < self.col && !self.visible_columns(self.width).contains(&self.col) {
            self.hscroll += 1;
        }
    }

    /// How far right scrolling goes: until the last column is in view.
    pub(super) fn max_hscroll(&self) -> usize {
        let n = self.columns.len().saturating_sub(1);
        (0..n)
            .find(|&h| {
                self.layout_at(h, self.width, self.lang)
                    .iter()
                    .any(|&(c, _)| c == n)
            })
            .unwrap_or(n.saturating_sub(1))
    }
}

/// The choices of the column chooser (`c`, `:columns`): every column the mask
/// offers, the shown ones first in their order, each shown or not.
#[derive(Debug, Clone)]
pub(super) struct Chooser {
    pub rows: Vec<(model::Column, bool)>,
    pub selected: usize,
}

impl Chooser {
    pub fn new(def: &EntityDef, shown: &[model::Column]) -> Chooser {
        let mut rows: Vec<(model::Column, bool)> = shown.iter().map(|&c| (c, true)).collect();
        for c in model::columns::offered(def) {
            if !shown.contains(&c) {
                rows.push((c, false));
            }
        }
        Chooser { rows, selected: 0 }
    }

    /// The columns chosen, in order.
    pub fn chosen(&self) -> Vec<model::Column> {
        self.rows
            .iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| *c)
            .collect()
    }

    pub fn toggle(&mut self) {
        if let Some(row) = self.rows.get_mut(self.selected) {
            row.1 = !row.1;
        }
    }

    /// Moves the selected column up (-1) or down (1) the list, that is left or right
    /// in the table.
    pub fn shift(&mut self, delta: isize) {
        let to = self.selected.saturating_add_signed(delta);
        if to < self.rows.len() && to != self.selected {
            self.rows.swap(self.selected, to);
            self.selected = to;
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }
}
