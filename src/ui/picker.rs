//! The reference picker: a popup listing records of the target entity as
//! "code — name", narrowed by fuzzy matching as the user types; the records come
//! from the client in key order, the first ones at once, the rest in the background.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use std::sync::mpsc;

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use crate::api::Client;
use crate::model::{format_value, EntityDef, Lang, Record};

/// The most records a picker loads (DESIGN §5: what one keystroke can score).
pub const MAX_CANDIDATES: usize = 50_000;
/// Records read when the picker opens; the rest load in the background.
pub const LOADED_AT_ONCE: usize = 2_000;
/// The best matches shown for a query.
pub const MAX_SHOWN: usize = 200;
/// The most candidates fuzzy-scored per keystroke (a few milliseconds' work).
pub const SCORE_BUDGET: usize = 1_000;

/// One record to choose: its key and the text of its first list column.
struct Candidate {
    key: String,
    name: String,
    /// "key name" in lower case, what the query is matched against.
    haystack: String,
}

pub struct PickerPopup {
    pub field: &'static str,
    target: &'static EntityDef,
    candidates: Vec<Candidate>,
    /// Whether the target holds more records than were loaded.
    truncated: bool,
    query: String,
    /// Every candidate the query matches, best first (all of them for no query).
    hits: Vec<usize>,
    /// The queries the current one extends, with their hits, for Backspace.
    earlier: Vec<(String, Vec<usize>)>,
    selected: usize,
    matcher: SkimMatcherV2,
    /// Set when loading failed.
    error: Option<String>,
    /// Rows of the list on screen at the last draw, for page moves.
    page: std::cell::Cell<usize>,
    /// The rest of a large entity, being read in the background.
    loading: Option<mpsc::Receiver<Loaded>>,
    /// The key the field held when the picker opened.
    current: String,
}

/// Candidates read, whether more records remain, and an error that stopped reading.
type Loaded = (Vec<Candidate>, bool, Option<String>);

/// Records the background thread asks for at once.
const CHUNK: usize = 10_000;

fn candidate(target: &EntityDef, column: Option<usize>, r: &dyn Record) -> Candidate {
    let key = r.key().to_string();
    let name = column
        .map(|i| format_value(&target.fields[i].kind, &r.get(i)))
        .unwrap_or_default();
    let haystack = format!("{key} {name}").to_lowercase();
    Candidate {
        key,
        name,
        haystack,
    }
}

/// Up to `limit` candidates in key order after `after`, read at most `chunk` at
/// a time, and whether more records follow.
fn read_candidates(
    client: &Client,
    target: &EntityDef,
    mut after: Option<String>,
    limit: usize,
    chunk: usize,
) -> Loaded {
    let column = target.list_fields().first().copied();
    let mut out: Vec<Candidate> = Vec::new();
    loop {
        // Asking for one more than there is room for says whether more follow.
        let want = chunk.min(limit + 1 - out.len());
        let records = match client.scan(target, after.as_deref(), want) {
            Ok(records) => records,
            Err(e) => return (out, false, Some(e.to_string())),
        };
        let got = records.len();
        for r in records {
            if out.len() == limit {
                return (out, true, None);
            }
            out.push(candidate(target, column, r.as_ref()));
        }
        if got < want {
            return (out, false, None);
        }
        after = out.last().map(|c| c.key.clone());
    }
}

impl PickerPopup {
    /// Opens the picker. The first `LOADED_AT_ONCE` records are read now (all of a
    /// code table); a larger entity's further records come from a background thread,
    /// so the key press that opened the picker never waits on a big scan.
    pub fn new(
        target: &'static EntityDef,
        field: &'static str,
        current: &str,
        client: &Client,
    ) -> PickerPopup {
        let (candidates, more, error) =
            read_candidates(client, target, None, LOADED_AT_ONCE, LOADED_AT_ONCE + 1);
        let loading = match (more, candidates.last()) {
            (true, Some(last)) => {
                let (tx, rx) = mpsc::channel();
                let client = client.clone();
                let after = last.key.clone();
                std::thread::spawn(move || {
                    let rest = MAX_CANDIDATES - LOADED_AT_ONCE;
                    let _ = tx.send(read_candidates(&client, target, Some(after), rest, CHUNK));
                });
                Some(rx)
            }
            _ => None,
        };
        // A reference list's last key is the one to start from.
        let current = current
            .rsplit([',', ';', ' '])
            .find(|k| !k.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_uppercase();
        let mut picker = PickerPopup {
            field,
            target,
            candidates,
            truncated: false,
            query: String::new(),
            hits: Vec::new(),
            earlier: Vec::new(),
            selected: 0,
            matcher: SkimMatcherV2::default().ignore_case(),
            error,
            page: std::cell::Cell::new(10),
            loading,
            current,
        };
        picker.rematch();
        picker
    }

    /// Offers only the records of these keys (the won reasons of the reason codes).
    pub fn keep_only(mut self, keys: &std::collections::HashSet<String>) -> PickerPopup {
        self.candidates.retain(|c| keys.contains(&c.key));
        self.loading = None;
        self.rematch();
        self
    }

    /// Matches the current query over all candidates again (after more arrived),
    /// keeping the selection on the current key while nothing is typed.
    fn rematch(&mut self) {
        let query = std::mem::take(&mut self.query);
        self.earlier.clear();
        self.hits = (0..self.candidates.len()).collect();
        if query.is_empty() {
            self.selected = self
                .candidates
                .binary_search_by(|c| c.key.as_str().cmp(self.current.as_str()))
                .unwrap_or(0);
        } else {
            self.set_query(&query);
        }
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    /// The keys shown, best match first.
    pub fn shown_keys(&self) -> Vec<&str> {
        self.shown()
            .iter()
            .map(|&i| self.candidates[i].key.as_str())
            .collect()
    }

    /// The key under the cursor.
    pub fn selected_key(&self) -> Option<&str> {
        self.shown()
            .get(self.selected)
            .map(|&i| self.candidates[i].key.as_str())
    }

    fn shown(&self) -> &[usize] {
        if self.query.is_empty() {
            &self.hits
        } else {
            &self.hits[..self.hits.len().min(MAX_SHOWN)]
        }
    }

    /// Changes the query and matches again. A longer query narrows the hits of the
    /// query it extends (a shorter one returns to them); candidates must hold the
    /// query's characters in order, those holding it whole are scored first, and at
    /// most `SCORE_BUDGET` are scored per keystroke: the rest follow in key order.
    pub fn set_query(&mut self, query: &str) {
        self.selected = 0;
        while !query.starts_with(self.query.as_str()) {
            match self.earlier.pop() {
                Some((q, hits)) => {
                    self.query = q;
                    self.hits = hits;
                }
                None => break,
            }
        }
        if query == self.query {
            return;
        }
        let mut pool = self.hits.clone();
        pool.sort_unstable();
        let whole = query.to_lowercase();
        let (mut first, rest): (Vec<usize>, Vec<usize>) = pool
            .into_iter()
            .filter(|&i| holds_in_order(&self.candidates[i].haystack, &whole))
            .partition(|&i| self.candidates[i].haystack.contains(&whole));
        first.extend(rest);
        let budget = first.len().min(SCORE_BUDGET);
        let mut scored: Vec<(i64, usize)> = first[..budget]
            .iter()
            .filter_map(|&i| {
                self.matcher
                    .fuzzy_match(&self.candidates[i].haystack, query)
                    .map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut hits: Vec<usize> = scored.into_iter().map(|(_, i)| i).collect();
        hits.extend_from_slice(&first[budget..]);
        let previous = std::mem::replace(&mut self.hits, hits);
        let previous_query = std::mem::replace(&mut self.query, query.to_string());
        self.earlier.push((previous_query, previous));
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.shown().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    fn select(&self, ctx: &mut Ctx) {
        if let Some(key) = self.selected_key() {
            ctx.request(Request::Picked {
                field: self.field,
                key: key.to_string(),
            });
            ctx.request(Request::Back);
        }
    }

    /// A key no action took: typing edits the query; Enter, Esc and the arrows work
    /// where no keymap binds them.
    fn edit(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Handled {
        let page = self.page.get().max(1) as isize;
        match key.code {
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                let mut q = self.query.clone();
                q.push(c);
                self.set_query(&q);
            }
            KeyCode::Backspace => {
                let mut q = self.query.clone();
                q.pop();
                self.set_query(&q);
            }
            KeyCode::Enter => self.select(ctx),
            KeyCode::Esc => ctx.request(Request::Back),
            KeyCode::Up => self.move_by(-1),
            KeyCode::Down => self.move_by(1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }
}

/// Whether `haystack` holds the characters of `needle` in order.
fn holds_in_order(haystack: &str, needle: &str) -> bool {
    let mut rest = haystack;
    for c in needle.chars() {
        match rest.find(c) {
            Some(at) => rest = &rest[at + c.len_utf8()..],
            None => return false,
        }
    }
    true
}

impl Component for PickerPopup {
    fn context(&self) -> Context {
        Context::Picker
    }

    /// Takes the background-loaded records when they are in.
    fn prepare(&mut self, _area: Rect, _ctx: &mut Ctx) {
        let Some(loaded) = self.loading.as_ref().and_then(|rx| rx.try_recv().ok()) else {
            return;
        };
        self.loading = None;
        let (more, truncated, error) = loaded;
        self.candidates.extend(more);
        self.truncated = truncated;
        if error.is_some() {
            self.error = error;
        }
        self.rematch();
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        let typed = matches!(key.code, KeyCode::Char(_))
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let page = self.page.get().max(1) as isize;
        match action.filter(|_| !typed) {
            Some(Action::Up) => self.move_by(-1),
            Some(Action::Down) => self.move_by(1),
            Some(Action::PageUp) => self.move_by(-page),
            Some(Action::PageDown) => self.move_by(page),
            Some(Action::Top) => self.selected = 0,
            Some(Action::Bottom) => self.move_by(isize::MAX),
            Some(Action::Select) => self.select(ctx),
            Some(Action::Cancel | Action::Back) => ctx.request(Request::Back),
            Some(_) => return Handled::Ignored,
            None => return self.edit(key, ctx),
        }
        Handled::Consumed
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let width = area
            .width
            .min(area.width.saturating_mul(4) / 5)
            .max(area.width.min(40));
        // Borders, the query line and the list, never taller than the records need.
        let rows = u16::try_from(self.candidates.len())
            .unwrap_or(u16::MAX)
            .max(3);
        let height = area.height.min(22).min(rows.saturating_add(3));
        let popup = super::component::centered(area, width, height);
        frame.render_widget(Clear, popup);
        let shown = self.shown();
        let count = if self.loading.is_some() {
            format!(" {} of {}, loading… ", shown.len(), self.candidates.len())
        } else if self.truncated {
            format!(" {} of {}+ ", shown.len(), self.candidates.len())
        } else {
            format!(" {} of {} ", shown.len(), self.candidates.len())
        };
        let title = match lang {
            Lang::En => format!(" Choose {} ", self.target.label(lang)),
            Lang::De => format!(" {} wählen ", self.target.label(lang)),
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .title(title)
            .title_bottom(Line::from(count).right_aligned());
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        if inner.height == 0 || inner.width == 0 {
            return;
        }
        let query = Line::from(vec![
            Span::styled("> ", Style::default().fg(Color::Yellow)),
            Span::raw(self.query.as_str()),
            Span::styled(" ", Style::default().add_modifier(Modifier::REVERSED)),
        ]);
        frame.render_widget(Paragraph::new(query), Rect { height: 1, ..inner });
        let list = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        let rows = list.height as usize;
        self.page.set(rows);
        if let Some(e) = &self.error {
            let text = Span::styled(e.as_str(), Style::default().fg(Color::Red));
            frame.render_widget(Paragraph::new(Line::from(text)), list);
            return;
        }
        // The selection stays on screen: the list starts a page above it at most.
        let start = self.selected.saturating_sub(rows.saturating_sub(1));
        let lines: Vec<Line> = shown
            .iter()
            .enumerate()
            .skip(start)
            .take(rows)
            .map(|(n, &i)| {
                let c = &self.candidates[i];
                let text = if c.name.is_empty() {
                    c.key.clone()
                } else {
                    format!("{} — {}", c.key, c.name)
                };
                if n == self.selected {
                    Line::from(Span::styled(
                        text,
                        Style::default().add_modifier(Modifier::REVERSED),
                    ))
                } else {
                    Line::from(text)
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
    }

    fn commands(&self) -> Vec<Action> {
        vec![Action::Select, Action::Up, Action::Down, Action::Cancel]
    }
}

#[cfg(test)]
mod tests;
