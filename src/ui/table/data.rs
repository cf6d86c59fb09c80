//! The loaded rows of a table and the filter and sort over them, without a terminal
//! or a store: one compact record per row (its key and one prepared lower-case search
//! string of its column texts), a sort order and the filter's hits.
//!
//! Memory: the keys and the search texts live in two `String` arenas with `u32` end
//! offsets, so a row costs its text plus 24 bytes (two ends, a byte signature, one
//! order slot, one hit slot); nothing is decoded to filter.

use std::cmp::Ordering;

/// Separates the columns of a search text; typed text never contains it, so a query
/// cannot match across two columns.
pub const SEP: char = '\u{1}';

/// Every row of a mask: the key and the lower-case search text (key and column texts
/// joined with `SEP`).
#[derive(Debug, Default, Clone)]
pub struct Rows {
    keys: String,
    key_ends: Vec<u32>,
    text: String,
    text_ends: Vec<u32>,
    /// Which bytes each row's text holds (see `signature`): a row whose signature
    /// lacks a byte of the needle is skipped without reading its text.
    sigs: Vec<u64>,
    /// Rows whose text was replaced since the load (a record another session
    /// changed): row → (start, end) of its new text, appended to the arena.
    moved: std::collections::HashMap<u32, (u32, u32)>,
    /// Whether any row's text moved (one test per row, not a map lookup).
    has_moved: Vec<bool>,
    /// Rows whose record was deleted since the load (empty: none).
    dead: Vec<bool>,
    /// The rows in key order, as loaded; rows added later follow unordered.
    sorted: usize,
}

/// A 64-bit set of the bytes of a text: letters and digits have a bit each, other
/// bytes (the parts of umlauts, punctuation) share the rest. `SEP` is left out.
pub fn signature(text: &str) -> u64 {
    text.bytes().fold(0u64, |sig, b| {
        let bit = match b {
            b'a'..=b'z' => b - b'a',
            b'0'..=b'9' => 26 + (b - b'0'),
            1 => return sig,
            _ => 36 + b % 28,
        };
        sig | 1 << bit
    })
}

fn push_lower(out: &mut String, s: &str) {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| b.to_ascii_lowercase() as char));
    } else {
        out.push_str(&s.to_lowercase());
    }
}

impl Rows {
    pub fn with_capacity(rows: usize) -> Rows {
        Rows {
            key_ends: Vec::with_capacity(rows),
            text_ends: Vec::with_capacity(rows),
            sigs: Vec::with_capacity(rows),
            ..Rows::default()
        }
    }

    pub fn len(&self) -> usize {
        self.key_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.key_ends.is_empty()
    }

    /// Adds a row from its key and the texts of its other columns. Returns false (and
    /// adds nothing) once the arenas would pass 4 GiB.
    pub fn push<'a>(&mut self, key: &str, cells: impl IntoIterator<Item = &'a str>) -> bool {
        let (keys_len, text_len) = (self.keys.len(), self.text.len());
        self.keys.push_str(key);
        push_lower(&mut self.text, key);
        for cell in cells {
            self.text.push(SEP);
            push_lower(&mut self.text, cell);
        }
        match (
            u32::try_from(self.keys.len()),
            u32::try_from(self.text.len()),
        ) {
            (Ok(k), Ok(t)) => {
                self.sigs.push(signature(&self.text[text_len..]));
                self.key_ends.push(k);
                self.text_ends.push(t);
                true
            }
            _ => {
                self.keys.truncate(keys_len);
                self.text.truncate(text_len);
                false
            }
        }
    }

    /// Replaces a row's column texts (its record changed); false when the arena
    /// is full (the caller loads again).
    pub fn replace<'a>(&mut self, i: usize, cells: impl IntoIterator<Item = &'a str>) -> bool {
        let start = self.text.len();
        let key = self.key(i).to_string();
        push_lower(&mut self.text, &key);
        for cell in cells {
            self.text.push(SEP);
            push_lower(&mut self.text, cell);
        }
        let (Ok(s), Ok(e)) = (u32::try_from(start), u32::try_from(self.text.len())) else {
            self.text.truncate(start);
            return false;
        };
        self.sigs[i] = signature(&self.text[start..]);
        if self.has_moved.len() < self.len() {
            self.has_moved.resize(self.len(), false);
        }
        self.has_moved[i] = true;
        self.moved.insert(i as u32, (s, e));
        if self.dead.get(i).copied().unwrap_or(false) {
            self.dead[i] = false;
        }
        true
    }

    /// Marks a row's record deleted: it is no longer shown or found.
    pub fn kill(&mut self, i: usize) {
        if self.dead.len() < self.len() {
            self.dead.resize(self.len(), false);
        }
        self.dead[i] = true;
    }

    /// Whether a row's record was deleted since the load.
    pub fn is_dead(&self, i: usize) -> bool {
        self.dead.get(i).copied().unwrap_or(false)
    }

    /// Rows whose records exist.
    pub fn live(&self) -> usize {
        self.len() - self.dead.iter().filter(|d| **d).count()
    }

    /// Marks the rows so far as the load's, in key order (for `find`).
    pub fn loaded(&mut self) {
        self.sorted = self.len();
    }

    /// Gives back the spare capacity of a finished load.
    pub fn shrink(&mut self) {
        self.keys.shrink_to_fit();
        self.key_ends.shrink_to_fit();
        self.text.shrink_to_fit();
        self.text_ends.shrink_to_fit();
        self.sigs.shrink_to_fit();
    }

    fn span(ends: &[u32], i: usize) -> (usize, usize) {
        let end = ends[i] as usize;
        let start = if i == 0 { 0 } else { ends[i - 1] as usize };
        (start, end)
    }

    pub fn key(&self, i: usize) -> &str {
        let (s, e) = Self::span(&self.key_ends, i);
        &self.keys[s..e]
    }

    /// The prepared lower-case search text of a row.
    pub fn text(&self, i: usize) -> &str {
        if self.has_moved.get(i).copied().unwrap_or(false) {
            if let Some(&(s, e)) = self.moved.get(&(i as u32)) {
                return &self.text[s as usize..e as usize];
            }
        }
        let (s, e) = Self::span(&self.text_ends, i);
        &self.text[s..e]
    }

    /// Whether a row's text contains a lower-case needle whose signature is `sig`.
    pub fn contains(&self, i: usize, needle: &str, sig: u64) -> bool {
        self.sigs[i] & sig == sig && self.text(i).contains(needle)
    }

    /// The same with a searcher built once per keystroke rather than once per row.
    pub fn contains_with(&self, i: usize, finder: &memchr::memmem::Finder, sig: u64) -> bool {
        self.sigs[i] & sig == sig && finder.find(self.text(i).as_bytes()).is_some()
    }

    /// The lower-case text of one column of a row (0 is the key).
    pub fn segment(&self, i: usize, col: usize) -> &str {
        self.text(i).split(SEP).nth(col).unwrap_or("")
    }

    /// The row of a key (deleted rows included): a binary search of the rows
    /// loaded in key order, then the few added since.
    pub fn find(&self, key: &str) -> Option<usize> {
        let sorted = self.sorted.min(self.len());
        let (mut lo, mut hi) = (0, sorted);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.key(mid).cmp(key) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        (sorted..self.len()).find(|&i| self.key(i) == key)
    }

    /// Bytes the rows hold on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity()
            + self.text.capacity()
            + 4 * (self.key_ends.capacity() + self.text_ends.capacity())
            + 8 * self.sigs.capacity()
            + self.has_moved.capacity()
            + self.dead.capacity()
            + 12 * self.moved.capacity()
    }
}

/// How a column sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKind {
    /// By its (lower-case) text; ISO dates sort right that way.
    Text,
    /// By the number its text starts with (integers, percentages, money); empty first.
    Number,
}

/// Filter passes over at least this many rows use two threads.
const PARALLEL_FROM: usize = 100_000;

/// Sorts row numbers by their texts (ties by row number): first by the texts' first
/// eight bytes as one integer, then each run of equal prefixes by the whole text.
fn sort_by_text(order: &mut [u32], keys: &[&str]) {
    let prefix = |s: &str| {
        let mut b = [0u8; 8];
        let n = s.len().min(8);
        b[..n].copy_from_slice(&s.as_bytes()[..n]);
        u64::from_be_bytes(b)
    };
    let mut pairs: Vec<(u64, u32)> = order
        .iter()
        .map(|&i| (prefix(keys[i as usize]), i))
        .collect();
    pairs.sort_unstable();
    let mut start = 0;
    while start < pairs.len() {
        let p = pairs[start].0;
        let end = pairs[start..]
            .iter()
            .position(|&(q, _)| q != p)
            .map_or(pairs.len(), |n| start + n);
        if end - start > 1 && keys[pairs[start].1 as usize].len() >= 8 {
            pairs[start..end].sort_by(|&(_, a), &(_, b)| keys[a as usize].cmp(keys[b as usize]));
        }
        start = end;
    }
    for (slot, (_, i)) in order.iter_mut().zip(pairs) {
        *slot = i;
    }
}

/// The number a column text starts with ("1234.56 eur" -> 1234.56).
fn number(text: &str) -> Option<f64> {
    text.split_whitespace().next()?.parse::<f64>().ok()
}

/// Rows, their sort order and the rows the filter lets through.
#[derive(Debug, Default)]
pub struct Data {
    rows: Rows,
    /// Every row, in sort order.
    order: Vec<u32>,
    /// The rows matching the filter, in sort order.
    hits: Vec<u32>,
    /// The applied filter: lower-case needle, inverted or not.
    needle: String,
    invert: bool,
    sort_col: usize,
    sort_kind: Option<SortKind>,
    descending: bool,
    /// The keys a query let through (None: every row), and per row whether it is one.
    allowed: Option<std::collections::HashSet<String>>,
    allowed_rows: Option<Vec<bool>>,
}

impl Data {
    /// Applies records changed since the load: (key, its cells, or None when it
    /// is gone), keeping the sort and the filter. False when the rows are full (the
    /// caller loads again).
    pub fn apply(&mut self, changes: &[(String, Option<Vec<String>>)]) -> bool {
        for (key, cells) in changes {
            let row = self.rows.find(key);
            let ok = match (row, cells) {
                (Some(i), Some(cells)) => self.rows.replace(i, cells.iter().map(String::as_str)),
                (None, Some(cells)) => self.rows.push(key, cells.iter().map(String::as_str)),
                (Some(i), None) => {
                    self.rows.kill(i);
                    true
                }
                (None, None) => true,
            };
            if !ok {
                return false;
            }
        }
        self.mark_allowed();
        self.resort();
        true
    }

    /// Replaces the rows, keeping the sort and the filter.
    pub fn set_rows(&mut self, rows: Rows) {
        self.rows = rows;
        self.mark_allowed();
        self.resort();
    }

    /// Restricts the rows to these keys (a query's result), or lifts that (None).
    pub fn set_allowed(&mut self, keys: Option<std::collections::HashSet<String>>) {
        self.allowed = keys;
        self.mark_allowed();
        self.refilter();
    }

    fn mark_allowed(&mut self) {
        self.allowed_rows = self.allowed.as_ref().map(|keys| {
            (0..self.rows.len())
                .map(|i| keys.contains(self.rows.key(i)))
                .collect()
        });
    }

    pub fn rows(&self) -> &Rows {
        &self.rows
    }

    /// The rows the filter lets through, in sort order.
    pub fn hits(&self) -> &[u32] {
        &self.hits
    }

    /// The key of the `n`th visible row.
    pub fn hit_key(&self, n: usize) -> Option<&str> {
        self.hits.get(n).map(|&i| self.rows.key(i as usize))
    }

    /// Where a key is among the visible rows.
    pub fn hit_position(&self, key: &str) -> Option<usize> {
        let row = self.rows.find(key)? as u32;
        self.hits.iter().position(|&i| i == row)
    }

    /// Filters by a query as typed: a case-insensitive substring, or with a leading
    /// "!" the rows not containing it. When the query only narrows the last one,
    /// only the last hits are searched.
    pub fn set_query(&mut self, query: &str) {
        let (invert, needle) = match query.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, query),
        };
        let needle = needle.to_lowercase();
        let invert = invert && !needle.is_empty();
        if needle == self.needle && invert == self.invert {
            return;
        }
        let narrows = if invert {
            self.invert && self.needle.starts_with(needle.as_str())
        } else {
            !self.invert && needle.starts_with(self.needle.as_str())
        };
        self.needle = needle;
        self.invert = invert;
        if narrows {
            let hits = std::mem::take(&mut self.hits);
            self.hits = self.matching(&hits);
        } else {
            self.refilter();
        }
    }

    /// The rows of `candidates` (in their order) that the filter lets through; long
    /// lists are split over two threads.
    fn matching(&self, candidates: &[u32]) -> Vec<u32> {
        let (rows, invert) = (&self.rows, self.invert);
        let needle = self.needle.as_str();
        let sig = signature(needle);
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let pass = |part: &[u32]| -> Vec<u32> {
            part.iter()
                .copied()
                .filter(|&i| rows.contains_with(i as usize, &finder, sig) != invert)
                .collect()
        };
        if candidates.len() < PARALLEL_FROM {
            return pass(candidates);
        }
        let (a, b) = candidates.split_at(candidates.len() / 2);
        std::thread::scope(|s| {
            let second = s.spawn(|| pass(b));
            let mut out = pass(a);
            match second.join() {
                Ok(rest) => out.extend(rest),
                Err(_) => out.extend(pass(b)),
            }
            out
        })
    }

    /// Runs the filter over all rows.
    fn refilter(&mut self) {
        let Some(ok) = &self.allowed_rows else {
            // No query: the filter runs over every row, no copy made first.
            self.hits = if self.needle.is_empty() {
                self.order.clone()
            } else {
                self.matching(&self.order)
            };
            return;
        };
        let base: Vec<u32> = self
            .order
            .iter()
            .copied()
            .filter(|&i| ok.get(i as usize).copied().unwrap_or(false))
            .collect();
        self.hits = if self.needle.is_empty() {
            base
        } else {
            self.matching(&base)
        };
    }

    /// Sorts by column `col` (0 is the key) and re-runs the filter.
    pub fn sort(&mut self, col: usize, kind: SortKind, descending: bool) {
        self.sort_col = col;
        self.sort_kind = Some(kind);
        self.descending = descending;
        self.resort();
    }

    pub fn sort_state(&self) -> (usize, bool) {
        (self.sort_col, self.descending)
    }

    fn resort(&mut self) {
        let n = self.rows.len() as u32;
        self.order.clear();
        self.order.extend(0..n);
        if !self.rows.dead.is_empty() {
            let rows = &self.rows;
            self.order.retain(|&i| !rows.is_dead(i as usize));
        }
        let rows = &self.rows;
        let col = self.sort_col;
        match self.sort_kind {
            // Rows arrive in key order.
            _ if col == 0 => {}
            None => {}
            Some(SortKind::Text) => {
                let keys: Vec<&str> = (0..rows.len()).map(|i| rows.segment(i, col)).collect();
                sort_by_text(&mut self.order, &keys);
            }
            Some(SortKind::Number) => {
                let keys: Vec<Option<f64>> = (0..rows.len())
                    .map(|i| number(rows.segment(i, col)))
                    .collect();
                self.order.sort_unstable_by(|&a, &b| {
                    let (x, y) = (keys[a as usize], keys[b as usize]);
                    let by_value = match (x, y) {
                        (Some(x), Some(y)) => x.total_cmp(&y),
                        (None, Some(_)) => Ordering::Less,
                        (Some(_), None) => Ordering::Greater,
                        (None, None) => Ordering::Equal,
                    };
                    by_value.then(a.cmp(&b))
                });
            }
        }
        if self.descending {
            self.order.reverse();
        }
        self.refilter();
    }

    /// Bytes held on the heap (rows, order, hits).
    pub fn heap_bytes(&self) -> usize {
        self.rows.heap_bytes() + 4 * (self.order.capacity() + self.hits.capacity())
    }
}

#[cfg(test)]
mod tests;
