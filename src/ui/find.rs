//! The find popup: quick find over every entity (`Client::find`) as you type, the
//! best 20 with their entity, key and text; Enter opens the record's form in its
//! mask. Its keys are the palette's.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use super::palette::{delete_word, fallback_action, fit, query_line};
use crate::api::FindHit;
use crate::model::Lang;

/// How many records a query shows.
pub const FIND_LIMIT: usize = 20;

#[derive(Default)]
pub struct FindPopup {
    query: String,
    hits: Vec<FindHit>,
    selected: usize,
    /// Why the last query failed,, shown instead of the hits.
    error: Option<String>,
}

impl FindPopup {
    pub fn new() -> FindPopup {
        FindPopup::default()
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn hits(&self) -> &[FindHit] {
        &self.hits
    }

    pub fn selected(&self) -> Option<&FindHit> {
        self.hits.get(self.selected)
    }

    fn edit(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Handled {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let mut query = self.query.clone();
        match key.code {
            KeyCode::Char('u') if ctrl && !alt => query.clear(),
            KeyCode::Char('w') if ctrl && !alt => delete_word(&mut query),
            KeyCode::Backspace if ctrl || alt => delete_word(&mut query),
            KeyCode::Backspace => {
                query.pop();
            }
            // Ctrl+Alt is AltGr on some terminals ('@' on German keyboards).
            KeyCode::Char(c) if ctrl == alt => query.push(c),
            _ => return Handled::Ignored,
        }
        if query != self.query {
            self.query = query;
            self.refresh(ctx);
        }
        Handled::Consumed
    }

    /// Runs the query: a few index ranges and at most a few hundred records, so a
    /// keystroke stays within a frame.
    fn refresh(&mut self, ctx: &mut Ctx) {
        self.selected = 0;
        match ctx.api.find(&self.query, FIND_LIMIT) {
            Ok(hits) => {
                self.hits = hits;
                self.error = None;
            }
            Err(e) => {
                self.hits.clear();
                self.error = Some(e.to_string());
            }
        }
    }
}

impl Component for FindPopup {
    fn context(&self) -> Context {
        Context::Palette
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        if key.kind == KeyEventKind::Release {
            return Handled::Ignored;
        }
        let last = self.hits.len().saturating_sub(1);
        match action.or_else(|| fallback_action(&key)) {
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::PageUp | Action::Top) => self.selected = 0,
            Some(Action::PageDown | Action::Bottom) => self.selected = last,
            Some(Action::Select) => {
                if let Some(hit) = self.selected() {
                    let open = Request::OpenRecord {
                        entity: hit.entity,
                        key: hit.key.clone(),
                    };
                    ctx.request(Request::Back);
                    ctx.request(open);
                }
            }
            Some(Action::Cancel | Action::Back) => ctx.request(Request::Back),
            _ => return self.edit(key, ctx),
        }
        Handled::Consumed
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let area = area.intersection(frame.area());
        let width = (area.width.saturating_mul(3) / 4)
            .clamp(60, 110)
            .min(area.width);
        let top = if area.height >= 16 { 2 } else { 0 };
        let rows = u16::try_from(self.hits.len()).unwrap_or(1).clamp(1, 20);
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + top,
            width,
            height: (rows + 3).min(area.height.saturating_sub(top)),
        };
        if popup.is_empty() {
            return;
        }
        frame.render_widget(Clear, popup);
        let title = match lang {
            Lang::En => " Find: keys, names, companies, e-mails, phones ",
            Lang::De => " Suchen: Schlüssel, Namen, Firmen, E-Mails, Telefon ",
        };
        let block = Block::bordered().title(title);
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        if inner.is_empty() {
            return;
        }
        let list = query_line(frame, inner, &self.query);
        let dim = Style::new().add_modifier(Modifier::DIM);
        let note = match (
            &self.error,
            self.hits.is_empty(),
            self.query.trim().is_empty(),
            lang,
        ) {
            (Some(e), _, _, _) => Some(e.clone()),
            (None, true, true, Lang::En) => {
                Some("type a name, company, e-mail, phone or key".into())
            }
            (None, true, true, Lang::De) => {
                Some("Name, Firma, E-Mail, Telefon oder Schlüssel eingeben".into())
            }
            (None, true, false, Lang::En) => Some("no matches".into()),
            (None, true, false, Lang::De) => Some("keine Treffer".into()),
            _ => None,
        };
        if let Some(note) = note {
            let (text, _) = fit(&note, usize::from(list.width).saturating_sub(1));
            frame.render_widget(Paragraph::new(Line::styled(format!(" {text}"), dim)), list);
            return;
        }
        let label_width = self
            .hits
            .iter()
            .map(|h| h.entity.label(lang).width())
            .max()
            .unwrap_or(0);
        let key_width = self
            .hits
            .iter()
            .map(|h| crate::util::safe_text(&h.key).width())
            .max()
            .unwrap_or(0);
        let text_width = usize::from(list.width).saturating_sub(label_width + key_width + 5);
        // The selection stays in view when the popup is shorter than the hits.
        let rows = usize::from(list.height).max(1);
        let offset = self.selected.saturating_sub(rows - 1);
        let lines: Vec<Line> = self
            .hits
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .map(|(i, h)| {
                let label = h.entity.label(lang);
                let safe = crate::util::safe_text(&found_line(h, lang));
                let key = crate::util::safe_text(&h.key);
                let (text, used) = fit(&safe, text_width);
                let line = Line::from(vec![
                    Span::styled(
                        format!(" {label}{} ", " ".repeat(label_width - label.width())),
                        dim,
                    ),
                    Span::styled(
                        format!(
                            " {key}{} ",
                            " ".repeat(key_width.saturating_sub(key.width()))
                        ),
                        Style::new().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(format!(" {text}{}", " ".repeat(text_width - used))),
                ]);
                if i == self.selected {
                    line.style(Style::new().add_modifier(Modifier::REVERSED))
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
    }

    fn commands(&self) -> Vec<Action> {
        vec![Action::Select, Action::Cancel]
    }
}

/// A hit's line: its fields, its city and, for a converted prospect, the
/// customer it became.
fn found_line(h: &crate::api::FindHit, lang: Lang) -> String {
    let mut text = h.text.clone();
    if !h.city.is_empty() && !text.contains(h.city.as_str()) {
        text.push_str(&format!(" · {}", h.city));
    }
    let word = match lang {
        Lang::En => "converted",
        Lang::De => "umgewandelt",
    };
    match h.converted.as_deref() {
        Some("") => text.push_str(&format!(" · {word}")),
        Some(customer) => text.push_str(&format!(" · {word} → {customer}")),
        None => {}
    }
    text
}
