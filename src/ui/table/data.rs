//! The loaded rows of a table and the filter and sort over them, without a terminal
//! or a store: one compact record per row (its key and one prepared lower-case search
//! string of its column texts), a sort order and the filter's hits.
//!
//! Memory: the keys and the search texts live in two `String` arenas with `u32` end
//! offsets, so a row costs its text plus 24 bytes (two ends, a byte signature, one
//! order slot, one hit slot); nothing is decoded to filter.

use std::cmp::Ordering;

mod rows;
pub use rows::{signature, Rows, SEP};

/// How a column sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKind {
    /// By its (lower-case) text; ISO dates sort right that way.
    Text,
    /// By the number its text holds (integers, percentages, money in either
    /// language's form); empty first.
    Number,
    /// By the date its text holds, in either language's convention; empty first.
    Date,
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

/// The number a column text holds ("1.234,56 €" -> 1234.56).
fn number(text: &str) -> Option<f64> {
    crate::model::display::display_number(text)
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
    /// The rows of one group (a group-by shows them), by row, and the hits among
    /// them; `hits` is then these.
    within: Option<Vec<bool>>,
    within_hits: Vec<u32>,
    /// Counts the times the filter's hits were computed, and the rows changed:
    /// what was computed from them (a group-by) is stale when these moved on.
    hits_generation: u64,
    rows_generation: u64,
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
        self.rows_generation += 1;
        self.mark_allowed();
        self.resort();
        true
    }

    /// Replaces the rows, keeping the sort and the filter.
    pub fn set_rows(&mut self, rows: Rows) {
        self.rows = rows;
        self.rows_generation += 1;
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

    /// The rows shown: the ones the filter lets through, in sort order (within a
    /// group, when one is open).
    pub fn hits(&self) -> &[u32] {
        match self.within {
            Some(_) => &self.within_hits,
            None => &self.hits,
        }
    }

    /// The rows the filter (`/` and the query) lets through, whether a group is
    /// open or not: what a group-by groups.
    pub fn filtered(&self) -> &[u32] {
        &self.hits
    }

    /// Shows only these rows (by row: a group's), within the filter; None: all.
    pub fn set_within(&mut self, rows: Option<Vec<bool>>) {
        self.within = rows;
        self.restrict();
    }

    /// (hits, rows) generations: each moves on when the filter's hits are computed
    /// again or the rows change.
    pub fn generations(&self) -> (u64, u64) {
        (self.hits_generation, self.rows_generation)
    }

    fn set_hits(&mut self, hits: Vec<u32>) {
        self.hits = hits;
        self.hits_generation += 1;
        self.restrict();
    }

    fn restrict(&mut self) {
        self.within_hits = match &self.within {
            Some(rows) => self
                .hits
                .iter()
                .copied()
                .filter(|&i| rows.get(i as usize).copied().unwrap_or(false))
                .collect(),
            None => Vec::new(),
        };
    }

    /// The key of the `n`th visible row.
    pub fn hit_key(&self, n: usize) -> Option<&str> {
        self.hits().get(n).map(|&i| self.rows.key(i as usize))
    }

    /// Where a key is among the visible rows.
    pub fn hit_position(&self, key: &str) -> Option<usize> {
        let row = self.rows.find(key)? as u32;
        self.hits().iter().position(|&i| i == row)
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
            let narrowed = self.matching(&hits);
            self.set_hits(narrowed);
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
            let hits = if self.needle.is_empty() {
                self.order.clone()
            } else {
                self.matching(&self.order)
            };
            return self.set_hits(hits);
        };
        let base: Vec<u32> = self
            .order
            .iter()
            .copied()
            .filter(|&i| ok.get(i as usize).copied().unwrap_or(false))
            .collect();
        let hits = if self.needle.is_empty() {
            base
        } else {
            self.matching(&base)
        };
        self.set_hits(hits);
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
            Some(SortKind::Date) => {
                let keys: Vec<Option<u64>> = (0..rows.len())
                    .map(|i| crate::model::display::display_date_key(rows.segment(i, col)))
                    .collect();
                self.order.sort_unstable_by(|&a, &b| {
                    keys[a as usize].cmp(&keys[b as usize]).then(a.cmp(&b))
                });
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
