//! The table's two small menus over its rows: sort by a column (`s`, then the
//! column's letter — upper case for descending — or arrows and Enter; the cursor
//! goes to the first row), and the column chooser (`c`, `:columns`: show or hide,
//! move left or right, keep for this mask; `r` goes back to the mask's defaults).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::columns::Chooser;
use super::TableView;
use crate::model::{self, Lang};
use crate::ui::action::{Action, Context};
use crate::ui::component::{Ctx, Handled, Request};

/// A menu open over the table.
#[derive(Debug, Clone)]
pub(super) enum Menu {
    Sort { selected: usize },
    Columns(Chooser),
}

/// The letter that picks the `n`th column in the sort menu.
fn letter(n: usize) -> Option<char> {
    (n < 26).then(|| (b'a' + n as u8) as char)
}

impl TableView {
    /// The context of an open menu.
    pub(super) fn menu_context(&self) -> Option<Context> {
        self.menu.as_ref().map(|m| match m {
            Menu::Sort { .. } => Context::Sort,
            Menu::Columns(_) => Context::Columns,
        })
    }

    /// The sort menu's columns: the key, then the columns shown, in order.
    fn sortable(&self) -> Vec<usize> {
        let mut out = vec![0];
        out.extend(1..self.columns.len());
        out
    }

    pub(super) fn open_sort_menu(&mut self) {
        let (col, _) = self.data.sort_state();
        let selected = self.sortable().iter().position(|&c| c == col).unwrap_or(0);
        self.menu = Some(Menu::Sort { selected });
    }

    /// Opens the column chooser on the columns shown.
    pub fn open_columns(&mut self) {
        self.menu = Some(Menu::Columns(Chooser::new(
            self.mask.entity,
            &self.shown_columns(),
        )));
    }

    /// Sorts by column `col` (0 is the key); the cursor goes to the first row.
    pub(super) fn sort(&mut self, col: usize, descending: bool) {
        self.data.sort(col, self.columns[col].sort, descending);
        self.selected = 0;
        self.offset = 0;
        self.clamp();
    }

    pub(super) fn handle_menu(
        &mut self,
        key: KeyEvent,
        action: Option<Action>,
        ctx: &mut Ctx,
    ) -> Handled {
        let Some(menu) = self.menu.take() else {
            return Handled::Ignored;
        };
        match menu {
            Menu::Sort { selected } => self.sort_menu_key(selected, key, action),
            Menu::Columns(chooser) => self.chooser_key(chooser, action, ctx),
        }
        Handled::Consumed
    }

    fn sort_menu_key(&mut self, selected: usize, key: KeyEvent, action: Option<Action>) {
        let cols = self.sortable();
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if let (KeyCode::Char(c), true, None) = (key.code, plain, action) {
            let n = c.to_ascii_lowercase() as usize;
            if c.is_ascii_alphabetic() {
                if let Some(&col) = cols.get(n.wrapping_sub('a' as usize)) {
                    return self.sort(col, c.is_ascii_uppercase());
                }
            }
            // Another key keeps the menu open.
            self.menu = Some(Menu::Sort { selected });
            return;
        }
        let last = cols.len().saturating_sub(1);
        let selected = match action {
            Some(Action::Up) => selected.saturating_sub(1),
            Some(Action::Down) => (selected + 1).min(last),
            Some(Action::Select | Action::Open) => {
                let (col, descending) = self.data.sort_state();
                let pick = cols.get(selected).copied().unwrap_or(0);
                // The column sorted by already: the other way round.
                return self.sort(pick, pick == col && !descending);
            }
            Some(Action::SortReverse) => {
                let (col, descending) = self.data.sort_state();
                return self.sort(col, !descending);
            }
            Some(Action::Back | Action::Cancel) | None => return,
            Some(_) => selected,
        };
        self.menu = Some(Menu::Sort { selected });
    }

    fn chooser_key(&mut self, mut chooser: Chooser, action: Option<Action>, ctx: &mut Ctx) {
        let def = self.mask.entity;
        match action {
            Some(Action::Up) => chooser.move_by(-1),
            Some(Action::Down) => chooser.move_by(1),
            Some(Action::ToggleMark) => chooser.toggle(),
            Some(Action::ColumnEarlier) => chooser.shift(-1),
            Some(Action::ColumnLater) => chooser.shift(1),
            Some(Action::ColumnsReset) => {
                chooser = Chooser::new(def, &model::columns::defaults(def));
            }
            Some(Action::Select | Action::Open) => {
                let chosen = chooser.chosen();
                if chosen.is_empty() {
                    ctx.request(Request::Status(match ctx.lang {
                        Lang::En => "show at least one column (space shows one)".into(),
                        Lang::De => "mindestens eine Spalte zeigen (Leertaste zeigt eine)".into(),
                    }));
                    self.menu = Some(Menu::Columns(chooser));
                    return;
                }
                self.keep_columns(&chosen, ctx);
                return;
            }
            Some(Action::Back | Action::Cancel) => return,
            _ => {}
        }
        self.menu = Some(Menu::Columns(chooser));
    }

    /// Shows these columns and keeps them as the user's choice for this mask
    /// (the mask's defaults: the choice is forgotten).
    pub fn keep_columns(&mut self, chosen: &[model::Column], ctx: &mut Ctx) {
        self.own_columns = chosen.to_vec();
        self.set_columns(chosen);
        let def = self.mask.entity;
        let text = self.columns_text();
        let default = model::columns::defaults(def)
            .iter()
            .map(|c| c.name(def))
            .collect::<Vec<_>>()
            .join(",");
        ctx.request(Request::SaveColumns {
            mask: self.mask.name_en,
            columns: (text != default).then_some(text),
        });
    }

    pub(super) fn render_menu(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let Some(menu) = &self.menu else { return };
        let def = self.mask.entity;
        let (sort_col, descending) = self.data.sort_state();
        let arrow = if descending { "▼" } else { "▲" };
        let (title, lines, selected): (&str, Vec<String>, usize) = match menu {
            Menu::Sort { selected } => {
                let lines = self
                    .sortable()
                    .iter()
                    .enumerate()
                    .map(|(n, &c)| {
                        let mark = if c == sort_col { arrow } else { " " };
                        let key = letter(n).map_or(' ', |l| l);
                        format!("{key}  {} {mark}", self.heading(c, lang))
                    })
                    .collect();
                let title = match lang {
                    Lang::En => " Sort by (A–Z: descending) ",
                    Lang::De => " Sortieren nach (A–Z: absteigend) ",
                };
                (title, lines, *selected)
            }
            Menu::Columns(chooser) => {
                let lines = chooser
                    .rows
                    .iter()
                    .map(|(c, on)| {
                        let check = if *on { "[x]" } else { "[ ]" };
                        format!("{check} {}", c.label(def, lang))
                    })
                    .collect();
                let title = match lang {
                    Lang::En => " Columns ",
                    Lang::De => " Spalten ",
                };
                (title, lines, chooser.selected)
            }
        };
        let widest = lines
            .iter()
            .map(|l| unicode_width::UnicodeWidthStr::width(l.as_str()))
            .chain([unicode_width::UnicodeWidthStr::width(title)])
            .max()
            .unwrap_or(0) as u16;
        let width = (widest + 4).min(area.width);
        let height = (lines.len() as u16 + 2).min(area.height);
        let rect = Rect {
            x: area.x + area.width.saturating_sub(width) / 2,
            y: area.y + 1.min(area.height.saturating_sub(height)),
            width,
            height,
        };
        let rows = usize::from(height.saturating_sub(2)).max(1);
        let offset = selected.saturating_sub(rows - 1);
        let text: Vec<Line> = lines
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .map(|(n, l)| {
                let l = crate::util::safe_text(&format!(" {l}"));
                let l = crate::util::text::fit_width(&l, usize::from(width.saturating_sub(2)));
                if n == selected {
                    Line::styled(l, Style::new().add_modifier(Modifier::REVERSED))
                } else {
                    Line::from(l)
                }
            })
            .collect();
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(text).block(Block::default().borders(Borders::ALL).title(title)),
            rect,
        );
    }
}
