//! The command palette (`:` / Ctrl-P): type to fuzzy-match every action, mask and
//! record, Enter runs or jumps. Matching follows DESIGN.md §5: an in-order prefilter
//! on prepared lowercase haystacks, at most `MAX_SCORED` candidates scored per
//! keystroke, and a query that grows re-matches only the previous hits.
use std::cell::Cell;
use std::cmp::Reverse;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use crate::model::Lang;

/// The most candidates fuzzy-scored per keystroke; further matches follow unranked.
pub const MAX_SCORED: usize = 50_000;
/// Scoring also stops after this long, so a keystroke stays within a frame even
/// on a slow or busy machine (skim costs ~1 µs per candidate of ~40 characters).
const SCORING_BUDGET: Duration = Duration::from_millis(12);
/// The most match rows the popup shows at once.
const MAX_ROWS: u16 = 14;

/// One thing the palette can run or jump to.
#[derive(Debug, Clone, PartialEq)]
pub struct PaletteEntry {
    /// What the user searches and sees ("Opportunities", "Save the record").
    pub label: String,
    /// Shown dimmed beside the label: the key, the German name, the kind.
    pub detail: String,
    /// What choosing it asks of the app.
    pub request: Request,
}

/// The matches of one query.
struct Matches {
    query: String,
    /// Every matching entry, in entry order: where a longer query starts from.
    pool: Vec<u32>,
    /// The same entries in display order: scored best first, then any unscored.
    hits: Vec<u32>,
    /// How many of the hits were scored.
    ranked: usize,
}

/// What a keystroke searches; shared by the scoring threads.
struct Haystacks {
    /// "label detail" lowercased once, so a keystroke never lowercases an entry.
    texts: Vec<String>,
    /// Where the label ends in each text.
    label_ends: Vec<u32>,
    matcher: SkimMatcherV2,
}

impl Haystacks {
    fn text(&self, i: u32) -> &str {
        &self.texts[i as usize]
    }

    /// Skim scores summed over the terms, until `deadline`; also the candidates
    /// left unscored. A term that matches in the label is scored on the label
    /// alone (shorter, so cheaper, and a label hit ranks as one).
    fn score<'c>(
        &self,
        candidates: &'c [u32],
        terms: &[String],
        deadline: Instant,
    ) -> (Vec<(i64, u32)>, &'c [u32]) {
        let mut ranked = Vec::with_capacity(candidates.len());
        for chunk in candidates.chunks(1024) {
            for &i in chunk {
                let text = self.text(i);
                let label = &text[..self.label_ends[i as usize] as usize];
                let score = terms
                    .iter()
                    .map(|t| {
                        let text = if occurs_in_order(label, t) {
                            label
                        } else {
                            text
                        };
                        self.matcher.fuzzy_match(text, t).unwrap_or(0)
                    })
                    .sum();
                ranked.push((score, i));
            }
            if Instant::now() >= deadline {
                break;
            }
        }
        let rest = &candidates[ranked.len()..];
        (ranked, rest)
    }
}

pub struct PalettePopup {
    entries: Vec<PaletteEntry>,
    haystacks: Haystacks,
    threads: usize,
    max_scored: usize,
    current: Matches,
    /// The matches of the shorter queries typed on the way, so backspace is instant.
    earlier: Vec<Matches>,
    selected: usize,
    /// First visible match row; kept by `render` so the selection stays in view.
    offset: Cell<usize>,
    /// Match rows of the last frame, for PageUp/PageDown.
    page: Cell<usize>,
    /// The record entries' texts in their own case, read as they come on screen.
    names: Option<names::RecordNames>,
}

impl PalettePopup {
    pub fn new(entries: Vec<PaletteEntry>) -> PalettePopup {
        let mut texts = Vec::with_capacity(entries.len());
        let mut label_ends = Vec::with_capacity(entries.len());
        for e in &entries {
            let mut haystack = e.label.to_lowercase();
            label_ends.push(haystack.len() as u32);
            haystack.push(' ');
            haystack.push_str(&e.detail.to_lowercase());
            texts.push(haystack);
        }
        let all: Vec<u32> = (0..entries.len() as u32).collect();
        PalettePopup {
            entries,
            haystacks: Haystacks {
                texts,
                label_ends,
                // Both sides are lowercased already; exact comparison is the fast path.
                matcher: SkimMatcherV2::default().respect_case(),
            },
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
            max_scored: MAX_SCORED,
            current: Matches {
                query: String::new(),
                pool: all.clone(),
                hits: all,
                ranked: 0,
            },
            earlier: Vec::new(),
            selected: 0,
            offset: Cell::new(0),
            page: Cell::new(10),
            names: None,
        }
    }

    /// Shows the record entries of `def` with the text of `field` read from the
    /// records themselves (their entries carry it lower-cased, for matching).
    pub fn with_record_names(
        mut self,
        def: &'static crate::model::EntityDef,
        field: usize,
    ) -> Self {
        self.names = Some(names::RecordNames::new(def, field));
        self
    }

    pub fn entries(&self) -> &[PaletteEntry] {
        &self.entries
    }

    pub fn query(&self) -> &str {
        &self.current.query
    }

    /// How many entries match the query.
    pub fn match_count(&self) -> usize {
        self.current.hits.len()
    }

    /// How many of the matches are in score order; the rest (beyond `MAX_SCORED`
    /// or the scoring time budget) follow in entry order.
    pub fn ranked_count(&self) -> usize {
        self.current.ranked
    }

    /// The matching entries, best first (entry order for an empty query).
    pub fn matches(&self) -> impl Iterator<Item = &PaletteEntry> + '_ {
        self.current.hits.iter().map(|&i| &self.entries[i as usize])
    }

    /// The entry Enter would choose.
    pub fn selected(&self) -> Option<&PaletteEntry> {
        let i = *self.current.hits.get(self.selected)?;
        Some(&self.entries[i as usize])
    }

    /// Replace the query and re-match, starting from the hits of the longest
    /// earlier query it extends.
    pub fn set_query(&mut self, query: &str) {
        if query == self.current.query {
            return;
        }
        // The empty query at the bottom of `earlier` is a prefix of every query.
        while !query.starts_with(self.current.query.as_str()) {
            match self.earlier.pop() {
                Some(m) => self.current = m,
                None => break,
            }
        }
        if query != self.current.query {
            let next = self.refine(&self.current.pool, query);
            let shorter = std::mem::replace(&mut self.current, next);
            self.earlier.push(shorter);
        }
        self.selected = 0;
        self.offset.set(0);
    }

    /// Match `query` against `pool`, which must hold every entry that can match it.
    fn refine(&self, pool: &[u32], query: &str) -> Matches {
        let terms = terms(query);
        let pool: Vec<u32> = pool
            .iter()
            .copied()
            .filter(|&i| {
                terms
                    .iter()
                    .all(|t| occurs_in_order(self.haystacks.text(i), t))
            })
            .collect();
        if terms.is_empty() {
            return Matches {
                query: query.to_string(),
                hits: pool.clone(),
                pool,
                ranked: 0,
            };
        }
        let scored = pool.len().min(self.max_scored);
        let candidates = &pool[..scored];
        let deadline = Instant::now() + SCORING_BUDGET;
        let parts = if candidates.len() < 8192 || self.threads < 2 {
            vec![self.haystacks.score(candidates, &terms, deadline)]
        } else {
            let chunk = candidates.len().div_ceil(self.threads);
            let haystacks = &self.haystacks;
            std::thread::scope(|s| {
                let threads: Vec<_> = candidates
                    .chunks(chunk)
                    .map(|part| s.spawn(|| haystacks.score(part, &terms, deadline)))
                    .collect();
                threads
                    .into_iter()
                    .map(|t| t.join().expect("palette scoring"))
                    .collect::<Vec<_>>()
            })
        };
        let mut ranked = Vec::with_capacity(scored);
        let mut unranked = Vec::new();
        for (scores, rest) in parts {
            ranked.extend(scores);
            unranked.extend_from_slice(rest);
        }
        // Stable on an entry-ordered list: ties keep entry order.
        ranked.sort_by_key(|&(score, _)| Reverse(score));
        let ranked_count = ranked.len();
        let mut hits: Vec<u32> = ranked.into_iter().map(|(_, i)| i).collect();
        hits.extend(unranked);
        hits.extend_from_slice(&pool[scored..]);
        Matches {
            query: query.to_string(),
            pool,
            hits,
            ranked: ranked_count,
        }
    }

    fn move_down(&mut self, n: usize) {
        let last = self.current.hits.len().saturating_sub(1);
        self.selected = self.selected.saturating_add(n).min(last);
    }

    fn edit(&mut self, key: KeyEvent) -> Handled {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let mut query = self.current.query.clone();
        match key.code {
            KeyCode::Char('u') if ctrl && !alt => query.clear(),
            KeyCode::Char('w') if ctrl && !alt => delete_word(&mut query),
            KeyCode::Backspace if ctrl || alt => delete_word(&mut query),
            KeyCode::Backspace => {
                query.pop();
            }
            // Ctrl+Alt is AltGr on some terminals ('@', '€' on German keyboards).
            KeyCode::Char(c) if ctrl == alt => query.push(c),
            _ => return Handled::Ignored,
        }
        self.set_query(&query);
        Handled::Consumed
    }

    /// One match row: the label with its matched characters highlighted, the detail
    /// dimmed and right-aligned, padded to `width` columns.
    fn row(&self, entry: &PaletteEntry, terms: &[String], width: usize) -> Line<'_> {
        let avail = width.saturating_sub(2);
        let marks = self.label_marks(&entry.label, terms);
        let (label, label_width) = fit(&entry.label, avail);
        let detail = self.names.as_ref().and_then(|n| n.detail(entry));
        let detail = detail.as_deref().unwrap_or(&entry.detail);
        let mut spans = vec![Span::raw(" ")];
        let mark = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
        let mut run = String::new();
        let mut run_marked = false;
        for (i, c) in label.chars().enumerate() {
            let marked = marks.get(i).copied().unwrap_or(false);
            if marked != run_marked && !run.is_empty() {
                let style = if run_marked { mark } else { Style::new() };
                spans.push(Span::styled(std::mem::take(&mut run), style));
            }
            run_marked = marked;
            run.push(c);
        }
        if !run.is_empty() {
            spans.push(Span::styled(
                run,
                if run_marked { mark } else { Style::new() },
            ));
        }
        let rest = avail.saturating_sub(label_width);
        if !detail.is_empty() && rest >= 4 {
            let (detail, detail_width) = fit(detail, rest - 2);
            spans.push(Span::raw(" ".repeat(rest - detail_width)));
            spans.push(Span::styled(
                detail,
                Style::new().add_modifier(Modifier::DIM),
            ));
        } else {
            spans.push(Span::raw(" ".repeat(rest)));
        }
        spans.push(Span::raw(" "));
        Line::from(spans)
    }

    /// Which characters of `label` the query terms matched.
    fn label_marks(&self, label: &str, terms: &[String]) -> Vec<bool> {
        let lower = label.to_lowercase();
        let count = label.chars().count();
        let mut marks = vec![false; count];
        // Indices are in characters of `lower`; only map them when lowercasing kept the count.
        if lower.chars().count() != count {
            return marks;
        }
        for term in terms {
            if let Some((_, indices)) = self.haystacks.matcher.fuzzy_indices(&lower, term) {
                for i in indices {
                    if let Some(m) = marks.get_mut(i) {
                        *m = true;
                    }
                }
            }
        }
        marks
    }
}

impl Component for PalettePopup {
    fn context(&self) -> Context {
        Context::Palette
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        if key.kind == KeyEventKind::Release {
            return Handled::Ignored;
        }
        let page = self.page.get().max(1);
        match action.or_else(|| fallback_action(&key)) {
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.move_down(1),
            Some(Action::PageUp) => self.selected = self.selected.saturating_sub(page),
            Some(Action::PageDown) => self.move_down(page),
            Some(Action::Top) => self.selected = 0,
            Some(Action::Bottom) => self.move_down(usize::MAX),
            // ":save NAME", ":import FILE", ":export FILE", ":revert BATCH".
            Some(Action::Select) if verbs::request(&self.current.query).is_some() => {
                let request = verbs::request(&self.current.query);
                ctx.request(Request::Back);
                ctx.request(request.unwrap_or(Request::Back));
            }
            Some(Action::Select) => {
                if let Some(entry) = self.selected() {
                    let request = entry.request.clone();
                    // Back first: the app pops the palette, then runs the entry's
                    // request against the view beneath it.
                    ctx.request(Request::Back);
                    ctx.request(request);
                }
            }
            Some(Action::Cancel | Action::Back) => ctx.request(Request::Back),
            // Anything else is text for the query.
            _ => return self.edit(key),
        }
        Handled::Consumed
    }

    fn prepare(&mut self, _area: Rect, ctx: &mut Ctx) {
        let Some(names) = self.names.as_mut() else {
            return;
        };
        // The rows the next frame can show, whichever way it scrolls to the selection.
        let rows = usize::from(MAX_ROWS);
        let from = self.offset.get().min(self.selected);
        let to = (self.selected + 1).max(from + rows);
        let hits = &self.current.hits;
        let shown = hits[from.min(hits.len())..to.min(hits.len())].iter();
        names.read(ctx.api, shown.map(|&i| &self.entries[i as usize]));
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let area = area.intersection(frame.area());
        let popup = popup_area(area, self.current.hits.len());
        if popup.is_empty() {
            return;
        }
        frame.render_widget(Clear, popup);
        let count = self.current.hits.len();
        // `save NAME`, `export FILE`…: Enter runs the verb, whatever else matches.
        let verb = verbs::request(&self.current.query).is_some();
        let title = match lang {
            Lang::En if verb => " command ".to_string(),
            Lang::De if verb => " Befehl ".to_string(),
            Lang::En if count == 1 => " 1 match ".to_string(),
            Lang::En => format!(" {count} matches "),
            Lang::De => format!(" {count} Treffer "),
        };
        let block = Block::bordered().title(title);
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        if inner.is_empty() {
            return;
        }

        let list = query_line(frame, inner, &self.current.query);
        let rows = usize::from(list.height);
        if rows == 0 {
            return;
        }
        self.page.set(rows);
        if count == 0 || verb {
            let none = verbs::hint(&self.current.query, lang);
            let line = Line::styled(none, Style::new().add_modifier(Modifier::DIM));
            frame.render_widget(Paragraph::new(line), list);
            return;
        }
        let mut offset = self.offset.get().min(self.selected);
        if self.selected >= offset + rows {
            offset = self.selected + 1 - rows;
        }
        self.offset.set(offset);
        let terms = terms(&self.current.query);
        let width = usize::from(list.width);
        let lines: Vec<Line> = self.current.hits[offset..]
            .iter()
            .take(rows)
            .enumerate()
            .map(|(n, &i)| {
                let line = self.row(&self.entries[i as usize], &terms, width);
                if offset + n == self.selected {
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

/// Keys that work in the palette even where the keymap binds nothing to them.
pub(super) fn fallback_action(key: &KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Enter => Some(Action::Select),
        KeyCode::Esc => Some(Action::Cancel),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        _ => None,
    }
}

/// The lowercase words of a query; each must match on its own, in any order.
fn terms(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// Whether the characters of `term` occur in `haystack` in order — exactly the
/// condition under which skim finds a match, at the cost of a few `memchr`s.
fn occurs_in_order(haystack: &str, term: &str) -> bool {
    let mut rest = haystack;
    for c in term.chars() {
        match rest.find(c) {
            Some(at) => rest = &rest[at + c.len_utf8()..],
            None => return false,
        }
    }
    true
}

/// Remove trailing blanks and the word before them (Ctrl-W).
pub(super) fn delete_word(query: &mut String) {
    let kept = query
        .trim_end()
        .trim_end_matches(|c: char| !c.is_whitespace())
        .len();
    query.truncate(kept);
}

/// `text` cut to `width` columns (with "…" when cut), and its width.
pub(super) fn fit(text: &str, width: usize) -> (String, usize) {
    let out = crate::util::text::fit_width(text, width);
    let used = out.width();
    (out, used)
}

/// The end of `text` that fits in `width` columns.
/// Draws "> query" with the cursor on the first row of `inner` (the end of a query
/// too long for it) and returns the rows below it, for the list.
pub(super) fn query_line(frame: &mut Frame, inner: Rect, query: &str) -> Rect {
    let room = usize::from(inner.width).saturating_sub(3);
    let query = tail(query, room);
    let line = Line::from(vec![
        Span::styled("> ", Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(query),
    ]);
    frame.render_widget(Paragraph::new(line), Rect { height: 1, ..inner });
    let cursor_x = u16::try_from(2 + query.width()).unwrap_or(u16::MAX);
    if cursor_x < inner.width {
        frame.set_cursor_position(Position::new(inner.x + cursor_x, inner.y));
    }
    Rect {
        y: inner.y.saturating_add(1),
        height: inner.height.saturating_sub(1),
        ..inner
    }
}

pub(super) fn tail(text: &str, width: usize) -> &str {
    let mut used = 0;
    let mut start = text.len();
    for (i, c) in text.char_indices().rev() {
        used += c.width().unwrap_or(0);
        if used > width {
            break;
        }
        start = i;
    }
    &text[start..]
}

/// A box centered near the top of `area`, as tall as its matches need.
fn popup_area(area: Rect, matches: usize) -> Rect {
    let width = (area.width.saturating_mul(3) / 4)
        .clamp(60, 100)
        .min(area.width);
    let top = match area.height {
        h if h >= 16 => 2,
        h if h >= 8 => 1,
        _ => 0,
    };
    let rows = u16::try_from(matches)
        .unwrap_or(u16::MAX)
        .clamp(1, MAX_ROWS);
    let height = (rows + 3).min(area.height.saturating_sub(top));
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + top,
        width,
        height,
    }
}

mod names;
mod verbs;

#[cfg(test)]
mod tests;
