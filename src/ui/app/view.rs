//! Drawing the app: tab line, the current view, hint bar, status line, popups.
//! Reads state only; never calls the client.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::{main_layout, App, MIN_HEIGHT, MIN_WIDTH};
use crate::model::Lang;
use crate::ui::component::Component;
use crate::ui::help::hint_line;

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
            frame.render_widget(Paragraph::new(self.tab_line(tabs.width)), tabs);
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

    /// The current group, then as many of its masks as fit in `width` columns, the
    /// current one highlighted; `‹` and `›` say that more lie to the left or right.
    /// The first nine carry the number of their key (`1`–`9`); the others are
    /// reached with `]`/`[` or the palette, so they carry none.
    fn tab_line(&self, width: u16) -> Line<'static> {
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
        let group_label = format!(" {} ", mask.group.label(self.lang));
        let group: Vec<(usize, String)> = self
            .masks
            .iter()
            .enumerate()
            .filter(|(_, m)| m.group == mask.group)
            .enumerate()
            .map(|(n, (i, m))| match n {
                0..=8 => (i, format!(" {}:{} ", n + 1, m.name(self.lang))),
                _ => (i, format!(" {} ", m.name(self.lang))),
            })
            .collect();
        let at = group
            .iter()
            .position(|(i, _)| *i == self.current)
            .unwrap_or(0);
        let labels: Vec<&str> = group.iter().map(|(_, l)| l.as_str()).collect();
        let room = usize::from(width).saturating_sub(group_label.width());
        let (from, to) = tab_window(&labels, at, room);
        let mut spans = vec![Span::styled(
            group_label,
            Style::default().fg(Color::Black).bg(Color::Cyan),
        )];
        let mut used = 0;
        if from > 0 {
            spans.push(Span::raw("‹"));
            used += 1;
        }
        for (i, label) in group.iter().take(to).skip(from) {
            used += label.width();
            spans.push(if *i == self.current {
                Span::styled(label.clone(), Style::default().bold().reversed())
            } else {
                Span::raw(label.clone())
            });
        }
        if to < group.len() {
            spans.push(Span::raw(" ".repeat(room.saturating_sub(used + 1))));
            spans.push(Span::raw("›"));
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

/// Which tab labels `[from, to)` the tab line shows in `room` columns: from a
/// little before the current one (`at`), or from the first when that fits, as
/// far right as fits with a column for each `‹`/`›` marker, then as far left as
/// the room left allows; the current one always.
fn tab_window(labels: &[&str], at: usize, room: usize) -> (usize, usize) {
    let fits = |from: usize, to: usize| {
        let marks = usize::from(from > 0) + usize::from(to < labels.len());
        labels[from..to].iter().map(|l| l.width()).sum::<usize>() + marks <= room
    };
    let from = if fits(0, at + 1) {
        0
    } else {
        (at.saturating_sub(2)..=at)
            .find(|&f| fits(f, at + 1))
            .unwrap_or(at)
    };
    let mut to = at + 1;
    let mut from = from;
    while to < labels.len() && fits(from, to + 1) {
        to += 1;
    }
    // Room left over at the end shows more of the tabs before.
    while from > 0 && fits(from - 1, to) {
        from -= 1;
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::tab_window;

    #[test]
    fn the_tab_window_keeps_the_current_tab_and_room_for_the_markers() {
        let labels = [" 1:Aaaa ", " 2:Bbbb ", " 3:Cccc ", " 4:Dddd ", " 5:Eeee "];
        // Everything fits: no markers.
        assert_eq!(tab_window(&labels, 4, 45), (0, 5));
        // From the first, as far as fits with the › column.
        assert_eq!(tab_window(&labels, 0, 20), (0, 2));
        // The current one far right: from two before it, ‹ in front, and more
        // before it as room allows.
        assert_eq!(tab_window(&labels, 4, 28), (2, 5));
        assert_eq!(tab_window(&labels, 4, 38), (1, 5));
        // Too narrow even for the current one with its neighbours: it alone.
        assert_eq!(tab_window(&labels, 2, 5), (2, 3));
    }
}
