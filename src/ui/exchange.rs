//! The popups of import and export: the preview of an import (a line per row,
//! the totals, and the question), and the progress of a long run.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Wrap};
use ratatui::Frame;

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use crate::model::Lang;
use crate::util::safe_text;

/// What an import would do, before it does it.
pub struct PreviewPopup {
    pub title: String,
    /// The totals, first, then a line per row.
    pub summary: String,
    pub lines: Vec<String>,
    /// Whether there is anything to write (otherwise the question is only "close").
    pub can_import: bool,
    scroll: usize,
    page: std::cell::Cell<usize>,
}

impl PreviewPopup {
    pub fn new(
        title: String,
        summary: String,
        lines: Vec<String>,
        can_import: bool,
    ) -> PreviewPopup {
        PreviewPopup {
            title,
            summary,
            lines,
            can_import,
            scroll: 0,
            page: std::cell::Cell::new(10),
        }
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    popup
}

impl Component for PreviewPopup {
    fn context(&self) -> Context {
        Context::Confirm
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        let last = self.lines.len().saturating_sub(1);
        let page = self.page.get().max(1);
        match (key.code, action) {
            (KeyCode::Up, _) => self.scroll = self.scroll.saturating_sub(1),
            (KeyCode::Down, _) => self.scroll = (self.scroll + 1).min(last),
            (KeyCode::PageUp, _) => self.scroll = self.scroll.saturating_sub(page),
            (KeyCode::PageDown, _) => self.scroll = (self.scroll + page).min(last),
            (_, Some(Action::Yes | Action::Select)) => {
                ctx.request(Request::Back);
                if self.can_import {
                    ctx.request(Request::ImportNow);
                }
            }
            (_, Some(Action::No | Action::Cancel | Action::Back)) => ctx.request(Request::Back),
            _ => {}
        }
        Handled::Consumed
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let popup = centered(
            area,
            area.width.saturating_sub(4).max(20),
            area.height.saturating_sub(2).max(5),
        );
        let inner_height = popup.height.saturating_sub(5) as usize;
        self.page.set(inner_height.max(1));
        let question = match (lang, self.can_import) {
            (Lang::En, true) => "Import? y/Enter: yes · n/Esc: no · ↑↓ PgUp PgDn: scroll",
            (Lang::De, true) => "Importieren? y/Enter: ja · n/Esc: nein · ↑↓ Bild: blättern",
            (Lang::En, false) => "Nothing to write. Esc: close · ↑↓: scroll",
            (Lang::De, false) => "Nichts zu schreiben. Esc: schließen · ↑↓: blättern",
        };
        let mut text = vec![Line::from(safe_text(&self.summary)).bold()];
        text.extend(
            self.lines
                .iter()
                .skip(self.scroll)
                .take(inner_height)
                .map(|l| Line::from(safe_text(l))),
        );
        while text.len() < inner_height + 1 {
            text.push(Line::from(""));
        }
        text.push(Line::from(""));
        text.push(Line::from(question).dim());
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: false }).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!(" {} ", safe_text(&self.title)))
                    .style(Style::default()),
            ),
            popup,
        );
    }

    fn commands(&self) -> Vec<Action> {
        vec![Action::Yes, Action::No]
    }
}

/// A long import or export: how far it is, and Esc to cancel.
pub struct ProgressPopup {
    pub what: String,
    pub done: Arc<AtomicUsize>,
    pub total: usize,
    pub cancel: Arc<AtomicBool>,
    /// Whether cancelling still changes nothing (an import being written lands whole).
    pub cancellable: bool,
}

impl Component for ProgressPopup {
    fn context(&self) -> Context {
        Context::Confirm
    }

    fn handle(&mut self, _key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        if let Some(Action::No | Action::Cancel | Action::Back | Action::Quit) = action {
            if self.cancellable {
                self.cancel.store(true, Ordering::Relaxed);
            } else {
                ctx.request(Request::Status(
                    "the import is being written and lands whole; :revert BATCH takes it back afterwards".into(),
                ));
            }
        }
        Handled::Consumed
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let popup = centered(area, area.width.saturating_sub(8).clamp(20, 70), 5);
        let done = self.done.load(Ordering::Relaxed);
        let ratio = if self.total == 0 {
            0.0
        } else {
            (done as f64 / self.total as f64).clamp(0.0, 1.0)
        };
        let hint = match (lang, self.cancellable, self.cancel.load(Ordering::Relaxed)) {
            (Lang::En, _, true) => " cancelling… ",
            (Lang::De, _, true) => " wird abgebrochen… ",
            (Lang::En, true, false) => " Esc: cancel ",
            (Lang::De, true, false) => " Esc: abbrechen ",
            (_, false, false) => "",
        };
        frame.render_widget(Clear, popup);
        let gauge = Gauge::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!(" {} ", safe_text(&self.what)))
                    .title_bottom(hint),
            )
            .ratio(ratio)
            .label(format!("{done} / {}", self.total));
        frame.render_widget(gauge, popup);
    }

    fn commands(&self) -> Vec<Action> {
        vec![Action::Cancel]
    }
}
