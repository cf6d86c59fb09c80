//! How a table gets its rows from the client: the first screenful at once, the
//! whole mask in chunks from a background thread (cancelled when the table no
//! longer wants it), and the cells of the rows on screen in one call per frame.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;

use super::data::Rows;
use super::TableView;
use crate::api::Client;

/// Rows the background loader asks for at once.
const LOAD_CHUNK: usize = 10_000;

/// Changed records a table reads one by one; more at once, it loads again.
const LIVE_AT_ONCE: usize = 2_000;

/// A background load in flight.
pub(super) struct Loader {
    /// The rows, or why they could not be read.
    pub(super) rx: Receiver<Result<Rows, String>>,
    pub(super) progress: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
}

impl Drop for Loader {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl TableView {
    pub(super) fn start_load(&mut self, client: &Client) {
        self.needs_load = false;
        let def = self.mask.entity;
        let only = self.only_with();
        let columns = self.cell_columns();
        let lang = self.lang;
        if !self.started {
            // The first screen, read now: one chunk of rows, no full scan.
            self.started = true;
            let want = self.page.max(50);
            let mut rows = Rows::default();
            match client.mask_rows(def, &columns, lang, only, None, want) {
                Ok(chunk) => {
                    for (key, cells) in chunk {
                        rows.push(&key, cells.iter().map(String::as_str));
                        let mut row = Vec::with_capacity(cells.len() + 1);
                        row.push(key.clone());
                        row.extend(cells);
                        self.cells.insert(key, row);
                    }
                    self.error = None;
                }
                Err(e) => self.error = Some(e.to_string()),
            }
            rows.loaded();
            self.data.set_rows(rows);
            self.data.set_query(&self.query);
        }
        let (tx, rx) = mpsc::channel();
        let progress = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (client, thread_progress, thread_cancel) =
            (client.clone(), Arc::clone(&progress), Arc::clone(&cancel));
        std::thread::spawn(move || {
            let capacity = client.count(def).unwrap_or(0);
            let mut rows = Rows::with_capacity(capacity);
            let mut after: Option<String> = None;
            loop {
                if thread_cancel.load(Ordering::Relaxed) {
                    return;
                }
                let chunk =
                    match client.mask_rows(def, &columns, lang, only, after.as_deref(), LOAD_CHUNK)
                    {
                        Ok(chunk) => chunk,
                        Err(e) => {
                            let _ = tx.send(Err(e.to_string()));
                            return;
                        }
                    };
                let short = chunk.len() < LOAD_CHUNK;
                after = chunk.last().map(|(k, _)| k.clone());
                let mut full = false;
                for (key, cells) in &chunk {
                    if !rows.push(key, cells.iter().map(String::as_str)) {
                        full = true;
                        break;
                    }
                }
                thread_progress.store(rows.len(), Ordering::Relaxed);
                if short || full || after.is_none() {
                    break;
                }
            }
            rows.shrink();
            rows.loaded();
            let _ = tx.send(Ok(rows));
        });
        self.loader = Some(Loader {
            rx,
            progress,
            cancel,
        });
    }

    pub(super) fn poll_loader(&mut self) {
        let Some(loader) = &self.loader else { return };
        match loader.rx.try_recv() {
            Ok(Ok(rows)) => {
                self.loader = None;
                self.error = None;
                self.take_rows(rows);
            }
            Ok(Err(e)) => {
                self.loader = None;
                self.error = Some(e);
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => {
                self.loader = None;
                self.error = Some("loading failed".into());
            }
        }
    }

    /// Swaps in freshly loaded rows, keeping filter, sort and the selected key.
    pub(super) fn take_rows(&mut self, rows: Rows) {
        let key = self.selected_key();
        let had = self.data.hits().len();
        self.data.set_rows(rows);
        let kept = key.and_then(|k| self.data.hit_position(&k));
        match kept {
            Some(n) => self.selected = n,
            // The first screen's selection stays where it was.
            None if had == 0 => self.selected = 0,
            None => {}
        }
        self.clamp();
    }

    /// Records of this mask changed elsewhere (another session, a workflow): their
    /// rows are read again, added or dropped in place, and the cursor stays on its
    /// record. A table still loading, or told of many changes at once, loads again.
    pub fn apply_changes(&mut self, client: &Client, keys: &[String]) {
        if self.needs_load || !self.started {
            return;
        }
        // A load in flight may have read the rows before the change.
        if self.loader.is_some() || keys.len() > LIVE_AT_ONCE {
            self.reload();
            return;
        }
        let rows = match self.read_cells(client, keys.to_vec()) {
            Ok(rows) => rows,
            Err(e) => {
                self.error = Some(e.to_string());
                return;
            }
        };
        let mut found: HashMap<String, Vec<String>> = rows.into_iter().collect();
        let changes: Vec<(String, Option<Vec<String>>)> = keys
            .iter()
            .map(|key| (key.clone(), found.remove(key)))
            .collect();
        let selected = self.selected_key();
        if !self.data.apply(&changes) {
            self.reload();
            return;
        }
        for key in keys {
            self.cells.remove(key);
        }
        if let Some(n) = selected.and_then(|k| self.data.hit_position(&k)) {
            self.selected = n;
        }
        self.clamp();
    }

    /// The columns whose cells the server sends (every one but the key).
    pub(super) fn cell_columns(&self) -> Vec<crate::model::Column> {
        self.columns[1..].iter().map(|c| c.column).collect()
    }

    /// The cells of these records (their rows' texts, the key not among them)
    /// as the server writes them; the gone (and those the mask leaves out) are
    /// left out.
    pub(super) fn read_cells(
        &self,
        client: &Client,
        keys: Vec<String>,
    ) -> crate::api::Result<Vec<(String, Vec<String>)>> {
        let def = self.mask.entity;
        client.mask_cells(def, &self.cell_columns(), self.lang, self.only_with(), keys)
    }

    /// Fetches the rows on screen that are not fetched yet (in one call);
    /// forgets the others.
    pub(super) fn fetch_visible(&mut self, client: &Client) {
        let end = self
            .offset
            .saturating_add(self.page.max(1))
            .min(self.data.hits().len());
        let keys: Vec<String> = (self.offset..end)
            .map_while(|n| self.data.hit_key(n).map(str::to_string))
            .collect();
        let missing: Vec<String> = keys
            .iter()
            .filter(|k| !self.cells.contains_key(k.as_str()))
            .cloned()
            .collect();
        let mut fetched: HashMap<String, Vec<String>> = HashMap::with_capacity(missing.len());
        if !missing.is_empty() {
            match self.read_cells(client, missing) {
                Ok(rows) => {
                    for (key, cells) in rows {
                        let mut row = Vec::with_capacity(cells.len() + 1);
                        row.push(key.clone());
                        row.extend(cells);
                        fetched.insert(key, row);
                    }
                }
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        let mut cells = HashMap::with_capacity(keys.len());
        for key in keys {
            let row = self
                .cells
                .remove(&key)
                .or_else(|| fetched.remove(&key))
                .unwrap_or_else(|| vec![key.clone()]);
            cells.insert(key, row);
        }
        self.cells = cells;
    }
}
