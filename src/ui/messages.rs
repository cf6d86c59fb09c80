//! The recent status-line messages in full (`alt-m`, or "messages" in the
//! palette): the status line cuts a long one (a delete refusal listing its
//! referrers) to the terminal's width; here each is wrapped, oldest first, and
//! the list scrolls. It opens at the newest.

use std::cell::Cell;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::action::{Action, Context};
use super::component::{centered, Component, Ctx, Handled, Request};
use crate::model::Lang;
use crate::util::text::take_width;

/// How many messages the app keeps.
pub const KEPT: usize = 100;

/// One status-line message and when it was shown ("14:02:11").
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub at: String,
    pub text: String,
}

pub struct MessagesPopup {
    messages: Vec<Message>,
    /// First wrapped row shown; `usize::MAX` until the first render puts it at the end.
    scroll: usize,
    /// Rows and width of the last frame, for paging and clamping.
    page: Cell<usize>,
    rows: Cell<usize>,
}

impl MessagesPopup {
    pub fn new(messages: Vec<Message>) -> MessagesPopup {
        MessagesPopup {
            messages,
            scroll: usize::MAX,
            page: Cell::new(10),
            rows: Cell::new(0),
        }
    }

    /// Every message wrapped to `width` columns, the time in front of its first row.
    fn lines(&self, width: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        for m in &self.messages {
            let lead = m.at.width() + 1;
            let room = width.saturating_sub(lead).max(1);
            let mut rest = m.text.as_str();
            let mut first = true;
            loop {
                let mut part = take_width(rest, room);
                if part.is_empty() && !rest.is_empty() {
                    // A character wider than the room: it alone.
                    part = &rest[..rest.chars().next().map_or(0, char::len_utf8)];
                }
                let head = if first {
                    Span::styled(format!("{} ", m.at), Style::default().dim())
                } else {
                    Span::raw(" ".repeat(lead))
                };
                out.push(Line::from(vec![head, Span::raw(part.to_string())]));
                first = false;
                rest = &rest[part.len()..];
                if rest.is_empty() {
                    break;
                }
            }
        }
        out
    }

    fn max_scroll(&self) -> usize {
        self.rows.get().saturating_sub(self.page.get())
    }
}

impl Component for MessagesPopup {
    fn context(&self) -> Context {
        Context::Help
    }

    fn handle(&mut self, _key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        let page = self.page.get().max(1);
        let max = self.max_scroll();
        let at = self.scroll.min(max);
        self.scroll = match action {
            Some(Action::Cancel | Action::Back | Action::Help | Action::Messages) => {
                ctx.request(Request::Back);
                return Handled::Consumed;
            }
            Some(Action::Up) => at.saturating_sub(1),
            Some(Action::Down) => at + 1,
            Some(Action::PageUp) => at.saturating_sub(page),
            Some(Action::PageDown) => at + page,
            Some(Action::Top) => 0,
            Some(Action::Bottom) => max,
            _ => return Handled::Consumed,
        }
        .min(max);
        Handled::Consumed
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let area = area.intersection(frame.area());
        let popup = centered(area, area.width.saturating_sub(4).max(20), area.height);
        let title = match lang {
            Lang::En => " Messages (newest last) ",
            Lang::De => " Meldungen (neueste zuletzt) ",
        };
        let block = Block::bordered().title(title);
        let inner = block.inner(popup);
        frame.render_widget(Clear, popup);
        frame.render_widget(block, popup);
        let mut lines = self.lines(usize::from(inner.width));
        if lines.is_empty() {
            lines.push(Line::from(match lang {
                Lang::En => "no messages yet",
                Lang::De => "noch keine Meldungen",
            }));
        }
        let page = usize::from(inner.height);
        self.page.set(page);
        self.rows.set(lines.len());
        let top = self.scroll.min(lines.len().saturating_sub(page));
        let shown: Vec<Line> = lines.into_iter().skip(top).take(page).collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }

    fn commands(&self) -> Vec<Action> {
        vec![Action::Up, Action::Down, Action::Cancel]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_is_wrapped_whole_under_its_time() {
        let text = "Territory NORD cannot be deleted: 42 records name it (CUS0000001, CUS0000002, PRO0000003); change them first";
        let p = MessagesPopup::new(vec![Message {
            at: "14:02:11".into(),
            text: text.into(),
        }]);
        let lines = p.lines(40);
        assert!(lines.len() > 2);
        let joined: String = lines
            .iter()
            .map(|l| l.spans[1].content.to_string())
            .collect();
        assert_eq!(joined, text);
        assert!(lines.iter().all(|l| l.width() <= 40));
    }
}
