//! The reference picker: a popup listing records of the target entity as
//! "code — name", narrowed by fuzzy matching as the user types.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use std::sync::{mpsc, Arc};

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use crate::model::{format_value, EntityDef, Lang, Record};
use crate::store::Store;

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

/// Up to `limit` candidates from `records`.
fn read_candidates(
    records: impl Iterator<Item = crate::store::Result<Box<dyn Record>>>,
    target: &EntityDef,
    limit: usize,
) -> Loaded {
    let column = target.list_fields().first().copied();
    let mut out = Vec::new();
    for record in records {
        if out.len() == limit {
            return (out, true, None);
        }
        match record {
            Ok(r) => {
                let key = r.key().to_string();
                let name = column
                    .map(|i| format_value(&target.fields[i].kind, &r.get(i)))
                    .unwrap_or_default();
                let haystack = format!("{key} {name}").to_lowercase();
                out.push(Candidate {
                    key,
                    name,
                    haystack,
                });
            }
            Err(e) => return (out, false, Some(e.to_string())),
        }
    }
    (out, false, None)
}

impl PickerPopup {
    /// Opens the picker. The first `LOADED_AT_ONCE` records are read now (all of a
    /// code table); a larger entity's further records come from a background thread,
    /// so the key press that opened the picker never waits on a big scan.
    pub fn new(
        target: &'static EntityDef,
        field: &'static str,
        current: &str,
        store: &Arc<Store>,
    ) -> PickerPopup {
        let (candidates, more, error) = read_candidates(store.scan(target), target, LOADED_AT_ONCE);
        let loading = match (more, candidates.last()) {
            (true, Some(last)) => {
                let (tx, rx) = mpsc::channel();
                let store = Arc::clone(store);
                let after = last.key.clone();
                std::thread::spawn(move || {
                    let rest = MAX_CANDIDATES - LOADED_AT_ONCE;
                    let _ = tx.send(read_candidates(
                        store.scan_after(target, &after),
                        target,
                        rest,
                    ));
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
mod tests {
    use std::sync::Arc;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    use super::*;
    use crate::model;
    use crate::ui::keymap::Keymap;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn send(
        picker: &mut PickerPopup,
        store: &Arc<Store>,
        k: KeyEvent,
        action: Option<Action>,
    ) -> Vec<Request> {
        let keymap = Keymap::builtin();
        let mut requests = Vec::new();
        let mut ctx = Ctx {
            store,
            keymap: &keymap,
            lang: Lang::En,
            requests: &mut requests,
        };
        picker.handle(k, action, &mut ctx);
        requests
    }

    #[test]
    fn typing_narrows_and_select_picks() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path().join("db")).unwrap());
        store
            .bulk_insert(crate::demo::generate(300, 1), |_| {})
            .unwrap();
        let prospects = model::entity("prospect").unwrap();
        let all: Vec<_> = store.list(prospects, None).unwrap();
        let wanted = all[all.len() / 2].key().to_string();

        let mut picker = PickerPopup::new(prospects, "prospect", &wanted, &store);
        assert_eq!(picker.selected_key(), Some(wanted.as_str()), "preselected");
        assert_eq!(picker.shown_keys().len(), all.len());

        for c in wanted.chars() {
            send(&mut picker, &store, key(KeyCode::Char(c)), None);
        }
        assert_eq!(picker.query(), wanted);
        assert!(picker.shown_keys().len() < all.len(), "narrowed");
        assert_eq!(picker.selected_key(), Some(wanted.as_str()), "best match");
        // Backspace widens again.
        send(&mut picker, &store, key(KeyCode::Backspace), None);
        assert!(picker.shown_keys().len() > 1);
        send(&mut picker, &store, key(KeyCode::Char('q')), None);
        send(&mut picker, &store, key(KeyCode::Char('q')), None);
        send(&mut picker, &store, key(KeyCode::Char('q')), None);
        assert!(picker.shown_keys().is_empty(), "{:?}", picker.shown_keys());
        assert!(send(
            &mut picker,
            &store,
            key(KeyCode::Enter),
            Some(Action::Select)
        )
        .is_empty());

        picker.set_query(&wanted.to_lowercase());
        let requests = send(
            &mut picker,
            &store,
            key(KeyCode::Enter),
            Some(Action::Select),
        );
        assert_eq!(
            requests,
            vec![
                Request::Picked {
                    field: "prospect",
                    key: wanted.clone()
                },
                Request::Back
            ]
        );
        let requests = send(&mut picker, &store, key(KeyCode::Esc), Some(Action::Cancel));
        assert_eq!(requests, vec![Request::Back]);

        // Moving stays within the list.
        picker.set_query("");
        send(&mut picker, &store, key(KeyCode::Up), Some(Action::Top));
        send(&mut picker, &store, key(KeyCode::Up), Some(Action::Up));
        assert_eq!(picker.selected_key(), Some(all[0].key()));
        send(&mut picker, &store, key(KeyCode::Down), Some(Action::Down));
        assert_eq!(picker.selected_key(), Some(all[1].key()));
        send(&mut picker, &store, key(KeyCode::End), Some(Action::Bottom));
        assert_eq!(picker.selected_key(), Some(all[all.len() - 1].key()));
        send(
            &mut picker,
            &store,
            key(KeyCode::PageDown),
            Some(Action::PageDown),
        );
        assert_eq!(picker.selected_key(), Some(all[all.len() - 1].key()));

        // The popup shows "code — name" and survives any size.
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|f| picker.render(f, f.area(), Lang::En))
            .unwrap();
        let text: String = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(text.contains(" — "), "{text}");
        assert!(text.contains("Choose Prospect"), "{text}");
        for (w, h) in [(20, 5), (1, 1), (0, 0), (3, 40)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal
                .draw(|f| picker.render(f, f.area(), Lang::De))
                .unwrap();
        }
    }

    #[test]
    fn a_large_entity_loads_its_first_records_at_once_and_the_rest_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .bulk_insert(crate::demo::generate(20_000, 1), |_| {})
            .unwrap();
        let store = Arc::new(store);
        let target = crate::model::entity("interaction").unwrap();
        let total = store.count(target);
        assert!(total > LOADED_AT_ONCE, "{total}");
        let mut picker = PickerPopup::new(target, "x", "", &store);
        assert_eq!(picker.candidates.len(), LOADED_AT_ONCE);
        picker.set_query("int");
        let keymap = crate::ui::keymap::Keymap::builtin();
        let mut requests = Vec::new();
        let mut ctx = Ctx {
            store: &store,
            keymap: &keymap,
            lang: Lang::En,
            requests: &mut requests,
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while picker.loading.is_some() && std::time::Instant::now() < deadline {
            picker.prepare(Rect::new(0, 0, 80, 24), &mut ctx);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(picker.candidates.len(), total);
        assert_eq!(picker.query(), "int", "the query survives the load");
        assert!(!picker.shown_keys().is_empty());
    }
}
