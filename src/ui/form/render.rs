//! Drawing the form: a title, a scrolling list of "Label  [input]" rows with errors
//! under their inputs, the child lists, and a message line. Reads state only.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::FormView;
use crate::model::Lang;

/// The label column never takes more than this many cells.
const MAX_LABEL_WIDTH: u16 = 24;

/// One thing in the scrolling body and the screen rows it takes.
enum Item<'a> {
    Input(usize),
    Heading(String),
    Child(&'a str, &'a str),
    Figure(&'a str, &'a str),
    Blank,
}

pub fn form(view: &FormView, frame: &mut Frame, area: Rect, lang: Lang) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let title = Line::from(Span::styled(
        view.title_in(lang),
        Style::default().add_modifier(Modifier::BOLD),
    ));
    frame.render_widget(Paragraph::new(title), Rect { height: 1, ..area });
    let mut body = Rect {
        y: area.y.saturating_add(1),
        height: area.height.saturating_sub(1),
        ..area
    };
    // What happened meanwhile, then a save's error, on the body's last lines.
    if let Some(notice) = view.notice() {
        bottom_line(frame, &mut body, shown(notice), Color::Cyan);
    }
    if let Some(message) = view.message() {
        bottom_line(frame, &mut body, message.to_string(), Color::Red);
    }
    if body.height == 0 {
        return;
    }

    let mut items: Vec<(Item, u16)> = view
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| (Item::Input(i), input.height()))
        .collect();
    if !view.figures.is_empty() {
        items.push((Item::Blank, 1));
        let heading = match lang {
            Lang::En => "Figures",
            Lang::De => "Kennzahlen",
        };
        items.push((Item::Heading(heading.to_string()), 1));
        for f in &view.figures {
            items.push((Item::Figure(f.label(lang), &f.value), 1));
        }
    }
    let figure_items = items.len() - view.inputs.len();
    for list in &view.children {
        items.push((Item::Blank, 1));
        items.push((Item::Heading(list.heading(lang)), 1));
        for (key, text) in &list.rows {
            items.push((Item::Child(key, text), 1));
        }
    }
    let history: Vec<(String, String)> = view.history.iter().map(history_row).collect();
    if !history.is_empty() {
        items.push((Item::Blank, 1));
        let heading = match lang {
            Lang::En => "History (Enter shows a change)",
            Lang::De => "Verlauf (Enter zeigt eine Änderung)",
        };
        items.push((Item::Heading(heading.to_string()), 1));
        for (when, what) in &history {
            items.push((Item::Child(when, what), 1));
        }
    }
    let timeline: Vec<(String, String)> = view
        .timeline
        .iter()
        .map(|e| (shown(&e.when), shown(&format!("{} {}", e.key, e.what))))
        .collect();
    if !timeline.is_empty() {
        items.push((Item::Blank, 1));
        let heading = match lang {
            Lang::En => format!("Timeline ({})", timeline.len()),
            Lang::De => format!("Zeitleiste ({})", timeline.len()),
        };
        items.push((Item::Heading(heading), 1));
        for (when, what) in &timeline {
            items.push((Item::Child(when, what), 1));
        }
    }

    // Keep the focused input in view, scrolling no further than needed.
    let top_of = |n: usize| -> u16 { items[..n].iter().map(|(_, h)| *h).sum() };
    let (focus_item, focus_height) = match view.child_focus {
        // Each list has a blank line and a heading before its rows.
        Some((list, row)) => {
            let list = list.min(view.children.len());
            let before: usize = view.children[..list].iter().map(|c| c.rows.len() + 2).sum();
            let at = if row == super::focus::HEADING {
                1
            } else {
                2 + row
            };
            (view.inputs.len() + figure_items + before + at, 1)
        }
        None => (
            view.focus,
            view.inputs.get(view.focus).map_or(1, |i| i.height()),
        ),
    };
    let focus_top = top_of(focus_item.min(items.len()));
    let mut scroll = view.scroll.get();
    if focus_top < scroll {
        scroll = focus_top;
    }
    let mut focus_bottom = focus_top.saturating_add(focus_height);
    // On the last field the child lists below come into view as far as they fit.
    let last_editable = view.inputs.iter().rposition(|i| i.editable);
    if view.child_focus.is_none() && last_editable == Some(view.focus) {
        let total: u16 = items.iter().map(|(_, h)| *h).sum();
        focus_bottom = total.min(focus_top.saturating_add(body.height));
    }
    if focus_bottom > scroll.saturating_add(body.height) {
        scroll = focus_bottom.saturating_sub(body.height);
    }
    view.scroll.set(scroll);

    let label_width = view
        .inputs
        .iter()
        .map(|i| i.label(lang).width() as u16)
        .max()
        .unwrap_or(0)
        .min(MAX_LABEL_WIDTH)
        .min(body.width / 3);
    let input_x = body.x.saturating_add(label_width).saturating_add(2);
    let input_width = body.width.saturating_sub(label_width + 2);

    let mut y: u16 = 0;
    for (n, (item, height)) in items.iter().enumerate() {
        let start = y;
        y = y.saturating_add(*height);
        if y <= scroll || start >= scroll.saturating_add(body.height) {
            continue;
        }
        // Rows of this item that are visible, relative to its own top.
        let skip = scroll.saturating_sub(start);
        let screen_y = body.y + start.saturating_sub(scroll);
        let visible = (*height - skip).min(body.y + body.height - screen_y);
        match item {
            Item::Input(i) => {
                let input = &view.inputs[*i];
                let focused = *i == view.focus && view.child_focus.is_none();
                let label_style = if focused {
                    Style::default()
                        .fg(Color::Yellow)
                        .add_modifier(Modifier::BOLD)
                } else {
                    Style::default()
                };
                let input_rows = input.input_height().saturating_sub(skip).min(visible);
                if skip == 0 {
                    let marker = if focused { "▸" } else { " " };
                    let label = Line::from(vec![
                        Span::styled(input.label(lang), label_style),
                        Span::raw(" "),
                    ]);
                    let label_rect = Rect::new(body.x, screen_y, label_width, 1);
                    frame.render_widget(Paragraph::new(label), label_rect);
                    if input_x > body.x {
                        let marker_rect = Rect::new(input_x - 1, screen_y, 1, 1);
                        frame.render_widget(Paragraph::new(marker), marker_rect);
                    }
                }
                if input_rows > 0 && input_width > 0 {
                    let rect = Rect::new(input_x, screen_y, input_width, input_rows);
                    if input.editable {
                        // The focused input is a lighter block; the others keep
                        // an underline that shows where their text goes.
                        let fill = if focused {
                            Paragraph::new("").style(Style::default().bg(Color::DarkGray))
                        } else {
                            let underline = Style::default().add_modifier(Modifier::UNDERLINED);
                            let blank = " ".repeat(usize::from(input_width));
                            Paragraph::new(Line::from(Span::styled(blank, underline)))
                        };
                        frame.render_widget(fill, rect);
                        input.draw(rect, frame.buffer_mut());
                        if let Some(name) = input.field().and_then(|f| view.reference_name(f.name))
                        {
                            name_beside(frame, rect, &input.text(), name);
                        }
                    } else {
                        let text = match input.text() {
                            t if t.is_empty() => "(new)".to_string(),
                            t => t,
                        };
                        let dim = Style::default().add_modifier(Modifier::DIM);
                        frame.render_widget(Paragraph::new(shown(&text)).style(dim), rect);
                    }
                }
                if let Some(error) = &input.error {
                    let error_y = screen_y + input_rows;
                    if input_rows < visible && input_width > 0 {
                        let rect = Rect::new(input_x, error_y, input_width, 1);
                        let text = Span::styled(shown(error), Style::default().fg(Color::Red));
                        frame.render_widget(Paragraph::new(Line::from(text)), rect);
                    }
                }
            }
            Item::Heading(text) => {
                let rect = Rect::new(body.x, screen_y, body.width, 1);
                let mut style = Style::default().add_modifier(Modifier::BOLD);
                if view.child_focus.is_some() && n == focus_item {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                frame.render_widget(Paragraph::new(Span::styled(text.as_str(), style)), rect);
            }
            Item::Child(key, text) => {
                let rect = Rect::new(body.x, screen_y, body.width, 1);
                let style = if view.child_focus.is_some() && n == focus_item {
                    Style::default().add_modifier(Modifier::REVERSED)
                } else {
                    Style::default()
                };
                let line = Paragraph::new(format!("  {key}  {text}")).style(style);
                frame.render_widget(line, rect);
            }
            Item::Figure(label, value) => {
                let rect = Rect::new(body.x, screen_y, body.width, 1);
                let column = view
                    .figures
                    .iter()
                    .map(|f| f.label(lang).width())
                    .max()
                    .unwrap_or(0)
                    .max(usize::from(label_width));
                let pad = column.saturating_sub(label.width());
                let text = format!("{label}{}  {value}", " ".repeat(pad));
                frame.render_widget(Paragraph::new(text), rect);
            }
            Item::Blank => {}
        }
    }
    if let Some(conflict) = view.conflict() {
        conflict_box(conflict, frame, area, lang);
    } else if let Some(entry) = view.detail() {
        detail_box(entry, frame, area, lang);
    }
}

/// Takes the last line of `body` for `text` in `color`.
fn bottom_line(frame: &mut Frame, body: &mut Rect, text: String, color: Color) {
    if body.height == 0 {
        return;
    }
    body.height -= 1;
    let line = Rect {
        y: body.y + body.height,
        height: 1,
        ..*body
    };
    let text = Span::styled(text, Style::default().fg(color));
    frame.render_widget(Paragraph::new(Line::from(text)), line);
}

use crate::util::safe_text as shown;

/// A History row: "10:42 bob Save" and what changed.
fn history_row(e: &crate::api::Entry) -> (String, String) {
    let when = format!("{} {} {}", crate::api::local_time(e.at_ms), e.user, e.via);
    let what = match e.kind {
        crate::api::ChangeKind::Updated => e
            .fields
            .iter()
            .map(|f| format!("{}: {} → {}", f.field, f.old, f.new))
            .collect::<Vec<_>>()
            .join("; "),
        kind => format!("{} ({} fields)", kind.name(), e.fields.len()),
    };
    (shown(&when), shown(&what))
}

/// A box over the lower part of the form.
fn overlay(frame: &mut Frame, area: Rect, lines: Vec<Line<'_>>, title: String) {
    use ratatui::widgets::{Block, Borders, Clear, Wrap};
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = Rect {
        y: area.y + area.height - height,
        height,
        ..area
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

fn conflict_box(c: &super::Conflict, frame: &mut Frame, area: Rect, lang: Lang) {
    let (mine, theirs) = match lang {
        Lang::En => ("yours", "theirs"),
        Lang::De => ("Ihres", "fremdes"),
    };
    let mut lines = Vec::new();
    for (i, (f, keep)) in c.fields.iter().zip(&c.keep_mine).enumerate() {
        let pick = |on: bool| {
            if on {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            }
        };
        let marker = if i == c.cursor { "▸ " } else { "  " };
        lines.push(Line::from(vec![
            Span::raw(format!("{marker}{}: ", shown(&f.field))),
            Span::styled(format!("{mine} {}", shown(&f.mine)), pick(*keep)),
            Span::raw("  |  "),
            Span::styled(format!("{theirs} {}", shown(&f.theirs)), pick(!*keep)),
        ]));
    }
    lines.push(Line::from(match lang {
        Lang::En => "m/← keep yours  t/→ take theirs  M/T all  Enter done  Esc edit",
        Lang::De => "m/← Ihres  t/→ fremdes  M/T alle  Enter fertig  Esc bearbeiten",
    }));
    let title = match lang {
        Lang::En => format!(" Changed meanwhile by {} ", shown(&c.by)),
        Lang::De => format!(" Inzwischen geändert von {} ", shown(&c.by)),
    };
    overlay(frame, area, lines, title);
}

fn detail_box(e: &crate::api::Entry, frame: &mut Frame, area: Rect, lang: Lang) {
    let mut lines: Vec<Line> = e
        .fields
        .iter()
        .map(|f| match e.kind {
            crate::api::ChangeKind::Updated => Line::from(format!(
                "{}: {} → {}",
                shown(&f.field),
                shown(&f.old),
                shown(&f.new)
            )),
            crate::api::ChangeKind::Created => {
                Line::from(format!("{}: {}", shown(&f.field), shown(&f.new)))
            }
            crate::api::ChangeKind::Deleted => {
                Line::from(format!("{}: {}", shown(&f.field), shown(&f.old)))
            }
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(match lang {
            Lang::En => "(no field changed)",
            Lang::De => "(kein Feld geändert)",
        }));
    }
    let title = format!(
        " {} {} · {} · {} · rev {} ",
        crate::api::local_time(e.at_ms),
        shown(&e.user),
        shown(&e.via),
        e.kind.name(),
        e.rev
    );
    overlay(frame, area, lines, title);
}

/// `PRO0000778 — Hanse Robotik GmbH`: the name of the record a reference names,
/// after its key in the input, as far as it fits.
fn name_beside(frame: &mut Frame, rect: Rect, key: &str, name: &str) {
    let used = key.width() as u16 + 1;
    if used >= rect.width {
        return;
    }
    let room = usize::from(rect.width - used);
    let text = crate::util::text::fit_width(&shown(&format!("— {name}")), room);
    let area = Rect::new(rect.x + used, rect.y, rect.width - used, 1);
    let dim = Style::default().add_modifier(Modifier::DIM);
    frame.render_widget(Paragraph::new(Span::styled(text, dim)), area);
}
