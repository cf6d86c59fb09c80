//! A list to mark several entries of (space marks, `a` marks all or none, Enter
//! takes the marked ones, or the highlighted one when none is marked): the
//! opportunities to add to a forecast.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::action::{Action, Context};
use super::component::{Component, Ctx, Flow, Handled, Request};
use crate::model::Lang;

pub struct MultiPickPopup {
    title: String,
    forecast: String,
    /// (key, text) per entry.
    rows: Vec<(String, String)>,
    marked: Vec<bool>,
    selected: usize,
    offset: std::cell::Cell<usize>,
}

impl MultiPickPopup {
    pub fn new(title: String, forecast: String, rows: Vec<(String, String)>) -> MultiPickPopup {
        MultiPickPopup {
            title,
            forecast,
            marked: vec![false; rows.len()],
            rows,
            selected: 0,
            offset: std::cell::Cell::new(0),
        }
    }

    pub fn marked_keys(&self) -> Vec<String> {
        self.rows
            .iter()
            .zip(&self.marked)
            .filter(|(_, m)| **m)
            .map(|((k, _), _)| k.clone())
            .collect()
    }

    fn move_to(&mut self, to: usize) {
        self.selected = to.min(self.rows.len().saturating_sub(1));
    }
}

impl Component for MultiPickPopup {
    fn context(&self) -> Context {
        Context::Picker
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        match (action, key.code) {
            (Some(Action::Up), _) => self.move_to(self.selected.saturating_sub(1)),
            (Some(Action::Down), _) => self.move_to(self.selected + 1),
            (Some(Action::PageUp), _) => self.move_to(self.selected.saturating_sub(10)),
            (Some(Action::PageDown), _) => self.move_to(self.selected + 10),
            (Some(Action::Cancel | Action::Back), _) => ctx.request(Request::Back),
            (Some(Action::Select), _) => {
                let mut keys = self.marked_keys();
                if keys.is_empty() {
                    keys.extend(self.rows.get(self.selected).map(|(k, _)| k.clone()));
                }
                ctx.request(Request::Back);
                if !keys.is_empty() {
                    ctx.request(Request::Flow(Flow::AddToForecast {
                        forecast: self.forecast.clone(),
                        opportunities: keys,
                    }));
                }
            }
            (_, KeyCode::Char(' ')) => {
                if let Some(m) = self.marked.get_mut(self.selected) {
                    *m = !*m;
                }
                self.move_to(self.selected + 1);
            }
            (_, KeyCode::Char('a')) => {
                let all = !self.marked.iter().all(|m| *m);
                self.marked.iter_mut().for_each(|m| *m = all);
            }
            _ => {}
        }
        Handled::Consumed
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let width = area.width.min(100).max(area.width.min(40));
        let height = area.height.min(
            u16::try_from(self.rows.len())
                .unwrap_or(u16::MAX)
                .saturating_add(3)
                .max(5),
        );
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + (area.height - height) / 2,
            width,
            height,
        };
        frame.render_widget(Clear, popup);
        let marked = self.marked.iter().filter(|m| **m).count();
        let hint = match lang {
            Lang::En => format!(" {marked} marked · space mark · a all · enter add "),
            Lang::De => {
                format!(" {marked} markiert · Leertaste markieren · a alle · Enter hinzufügen ")
            }
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} ", self.title))
            .title_bottom(hint);
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        if self.rows.is_empty() {
            let text = match lang {
                Lang::En => "No open opportunity of this salesperson closes in the period.",
                Lang::De => {
                    "Keine offene Verkaufschance dieses Verkäufers schließt in der Periode."
                }
            };
            frame.render_widget(Paragraph::new(text), inner);
            return;
        }
        let page = usize::from(inner.height).max(1);
        let mut offset = self.offset.get();
        if self.selected < offset {
            offset = self.selected;
        } else if self.selected >= offset + page {
            offset = self.selected + 1 - page;
        }
        self.offset.set(offset);
        let lines: Vec<Line> = self
            .rows
            .iter()
            .enumerate()
            .skip(offset)
            .take(page)
            .map(|(i, (key, text))| {
                let mark = if self.marked[i] { "[x]" } else { "[ ]" };
                let line = Line::from(format!("{mark} {key}  {text}"));
                if i == self.selected {
                    line.style(Style::default().add_modifier(Modifier::REVERSED))
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn commands(&self) -> Vec<Action> {
        vec![Action::Select, Action::Cancel]
    }
}
