//! The loaded rows of a table: the keys and one prepared lower-case search text per
//! row (its column texts joined with `SEP`) in two `String` arenas with `u32` end
//! offsets, a byte signature per row to skip rows cheaply, and the rows changed or
//! deleted since the load.

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
    pub(super) dead: Vec<bool>,
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

    /// The lower-case texts of the columns `cols` of row `i` (0 is the key) into
    /// `out`, one slot per entry of `cols` ("" for a column past the row's last),
    /// in one pass over the row's text up to the last column wanted.
    pub fn columns<'a>(&'a self, i: usize, cols: &[usize], out: &mut [&'a str]) {
        out.iter_mut().for_each(|slot| *slot = "");
        let Some(&last) = cols.iter().max() else {
            return;
        };
        let text = self.text(i);
        // The columns wanted as bits, so that the others cost one test each.
        let wanted = cols
            .iter()
            .fold(0u64, |m, &c| m | 1u64.checked_shl(c as u32).unwrap_or(0));
        let mut put = |col: usize, start: usize, end: usize| {
            if col < 64 && wanted & (1 << col) == 0 {
                return;
            }
            for (slot, &want) in out.iter_mut().zip(cols) {
                if want == col {
                    *slot = text.get(start..end).unwrap_or("");
                }
            }
        };
        let (mut col, mut start) = (0, 0);
        for end in memchr::memchr_iter(SEP as u8, text.as_bytes()) {
            put(col, start, end);
            if col == last {
                return;
            }
            col += 1;
            start = end + 1;
        }
        put(col, start, text.len());
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
