//! Drawing the app: tab line, the current view, hint bar, status line, popups.
//! Reads state only; never calls the client.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::{main_layout, App, MIN_HEIGHT, MIN_WIDTH};
use crate::model::Lang;
use crate::ui::component::Component;
use crate::ui::help::hint_line;
use crate::ui::masks::Mask;

impl App {
    pub fn render(&self, frame: &mut Frame) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = match self.lang {
                Lang::En => "termcrm needs a larger window",
                Lang::De => "termcrm braucht ein größeres Fenster",
            };
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
            return;
        }
        let [tabs, main, hints, status] = main_layout(area);
        if self.welcome {
            self.render_welcome(frame, main);
        } else {
            frame.render_widget(Paragraph::new(self.tab_line()), tabs);
            match self.forms.last() {
                Some(f) => f.render(frame, main, self.lang),
                None if self.board.is_some() => self
                    .board
                    .iter()
                    .for_each(|b| b.render(frame, main, self.lang)),
                None if self.on_home => self.home.render(frame, main, self.lang),
                None => self.main_view().render(frame, main, self.lang),
            }
            let view = self.active_view();
            let hint = hint_line(&self.keymap, view.context(), &view.commands(), self.lang);
            frame.render_widget(Paragraph::new(hint), hints);
        }
        frame.render_widget(Paragraph::new(self.status_line()), status);
        for p in &self.popups {
            p.view().render(frame, main, self.lang);
        }
    }

    /// The current group, then its masks with numbers, the current one highlighted.
    fn tab_line(&self) -> Line<'static> {
        let home = match self.lang {
            Lang::En => " 0:Home ",
            Lang::De => " 0:Start ",
        };
        if self.on_home {
            return Line::from(vec![
                Span::styled(home, Style::default().fg(Color::Black).bg(Color::Cyan)),
                Span::styled(
                    match self.lang {
                        Lang::En => " Alerts ",
                        Lang::De => " Hinweise ",
                    },
                    Style::default().bold().reversed(),
                ),
            ]);
        }
        let mask = &self.masks[self.current];
        let mut spans = vec![Span::styled(
            format!(" {} ", mask.group.label(self.lang)),
            Style::default().fg(Color::Black).bg(Color::Cyan),
        )];
        let group: Vec<(usize, &Mask)> = self
            .masks
            .iter()
            .enumerate()
            .filter(|(_, m)| m.group == mask.group)
            .collect();
        let at = group
            .iter()
            .position(|(i, _)| *i == self.current)
            .unwrap_or(0);
        // Start a little before the current mask so it stays on screen.
        for (n, (i, m)) in group.iter().enumerate().skip(at.saturating_sub(2)) {
            let label = format!(" {}:{} ", n + 1, m.name(self.lang));
            spans.push(if *i == self.current {
                Span::styled(label, Style::default().bold().reversed())
            } else {
                Span::raw(label)
            });
        }
        Line::from(spans)
    }

    fn status_line(&self) -> Line<'static> {
        let (pos, count) = if self.is_home() {
            (self.home.position(), self.home.count())
        } else if let Some(b) = self.shown_board() {
            b.position()
        } else {
            self.main_position()
        };
        let path = &self.database;
        // Who else is on the database, once anyone is.
        let others = match (self.users, self.lang) {
            (Some((1, s)), Lang::En) if s > 1 => format!(" 1 user, {s} sessions "),
            (Some((1, s)), Lang::De) if s > 1 => format!(" 1 Benutzer, {s} Sitzungen "),
            (Some((u, _)), Lang::En) if u > 1 => format!(" {u} users "),
            (Some((u, _)), Lang::De) if u > 1 => format!(" {u} Benutzer "),
            _ => String::new(),
        };
        let inbox = match (self.unread, self.lang) {
            (0, _) => String::new(),
            (n, Lang::En) => format!(" ✉ {n} unread "),
            (n, Lang::De) => format!(" ✉ {n} ungelesen "),
        };
        Line::from(vec![
            Span::styled(format!(" {path} "), Style::default().dim()),
            Span::raw(format!(" {pos}/{count} ")),
            Span::styled(inbox, Style::default().fg(Color::Magenta).bold()),
            Span::styled(others, Style::default().fg(Color::Cyan)),
            Span::styled(
                format!(" {}", self.status),
                Style::default().fg(Color::Yellow),
            ),
        ])
    }

    fn render_welcome(&self, frame: &mut Frame, area: Rect) {
        let lines = match self.lang {
            Lang::En => vec![
                Line::from("Welcome to termcrm").bold(),
                Line::from(""),
                Line::from(format!("The database {} is empty.", self.database)),
                Line::from(""),
                Line::from(
                    "  d   load demo data (10,000 records: campaigns, leads, prospects, ...)",
                ),
                Line::from("  e   start with an empty database"),
                Line::from("  q   quit"),
            ],
            Lang::De => vec![
                Line::from("Willkommen bei termcrm").bold(),
                Line::from(""),
                Line::from(format!("Die Datenbank {} ist leer.", self.database)),
                Line::from(""),
                Line::from("  d   Demodaten laden (10.000 Datensätze)"),
                Line::from("  e   mit einer leeren Datenbank beginnen"),
                Line::from("  q   beenden"),
            ],
        };
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL)),
            area,
        );
    }
}
