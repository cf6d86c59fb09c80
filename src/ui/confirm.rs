//! A yes/no question before a destructive or lossy step.

use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use crate::model::Lang;

pub struct ConfirmPopup {
    pub message: String,
    pub then: Request,
    /// Done on "no" (besides closing the question).
    pub otherwise: Option<Request>,
}

impl ConfirmPopup {
    pub fn new(message: String, then: Request) -> ConfirmPopup {
        ConfirmPopup {
            message,
            then,
            otherwise: None,
        }
    }

    pub fn choose(message: String, yes: Request, no: Request) -> ConfirmPopup {
        ConfirmPopup {
            message,
            then: yes,
            otherwise: Some(no),
        }
    }
}

impl Component for ConfirmPopup {
    fn context(&self) -> Context {
        Context::Confirm
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        match action {
            Some(Action::Yes | Action::Select) => {
                ctx.request(Request::Back);
                ctx.request(self.then.clone());
            }
            Some(Action::No) => {
                ctx.request(Request::Back);
                // Esc only closes the question, even where "no" does something.
                let escape = key.code == crossterm::event::KeyCode::Esc;
                if let Some(no) = self.otherwise.as_ref().filter(|_| !escape) {
                    ctx.request(no.clone());
                }
            }
            Some(Action::Cancel | Action::Back) => ctx.request(Request::Back),
            // A question waits for its answer; no other key gets through.
            _ => {}
        }
        Handled::Consumed
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let width = (self.message.chars().count() as u16 + 6).clamp(20, area.width.max(1));
        let [row] = Layout::vertical([Constraint::Length(5)])
            .flex(Flex::Center)
            .areas(area);
        let [popup] = Layout::horizontal([Constraint::Length(width)])
            .flex(Flex::Center)
            .areas(row);
        let title = match lang {
            Lang::En => " Confirm ",
            Lang::De => " Bestätigen ",
        };
        let text = vec![Line::from(self.message.clone()).bold(), Line::from("")];
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(title)
                    .style(Style::default()),
            ),
            popup,
        );
    }

    fn commands(&self) -> Vec<Action> {
        vec![Action::Yes, Action::No]
    }
}
