//! Import and export in the TUI: `:import FILE` reads and maps the file and shows
//! what each row would do (the server's dry run) before anything is written; `e`
//! (or `:export FILE`) writes the table's marked rows, or every row it shows. Both
//! run in the background behind a progress popup; an export cancelled with Esc
//! leaves no file.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;

use super::{App, Popup, Request};
use crate::api::{ImportOptions, ImportReport};
use crate::io::{self, ExportOptions, Format, Mapped, ReadOptions};
use crate::model::{EntityDef, Lang};
use crate::ui::exchange::{PreviewPopup, ProgressPopup};

/// Records per request of an export.
const CHUNK: usize = 2_000;

/// A previewed import, waiting for its "yes".
pub(super) struct Pending {
    file: String,
    mapped: Mapped,
    options: ImportOptions,
}

enum Done {
    Preview(Pending, ImportReport),
    Imported(String, ImportReport, &'static EntityDef),
    Exported(String),
    Failed(String),
}

/// What runs in the background, and the import waiting for its answer.
#[derive(Default)]
pub(super) struct Exchange {
    pending: Option<Pending>,
    job: Option<Receiver<Done>>,
}

/// `~/x` is in the home directory; anything else as typed.
pub(super) fn expand(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

impl App {
    pub(super) fn exchange_request(&mut self, request: Request) {
        if self.exchange.job.is_some() {
            self.status = "an import or export is running; wait for it or press Esc".into();
            return;
        }
        match request {
            Request::AskExport(def) => {
                let today = chrono::Local::now().format("%Y-%m-%d");
                let name = format!("export ~/{}-{today}.xlsx", def.name.replace('_', "-"));
                self.open_palette_with(&name);
            }
            Request::AskReportExport(kind) => self.ask_report_export(kind),
            Request::Export(path) => self.export(&path),
            Request::Import(path) => self.preview(&path),
            Request::ImportNow => self.import_now(),
            Request::Revert(batch) => {
                self.status = match self.client.revert_import(&batch) {
                    Ok(r) => format!(
                        "took back {}: {} deleted, {} restored{}",
                        batch.to_uppercase(),
                        r.deleted,
                        r.restored,
                        if r.left.is_empty() {
                            String::new()
                        } else {
                            format!("; left as they are: {}", r.left.join("; "))
                        }
                    ),
                    Err(e) => e.to_string(),
                };
                self.awaiting.get_or_insert_with(std::time::Instant::now);
            }
            _ => {}
        }
    }

    fn start(
        &mut self,
        what: String,
        total: usize,
        cancellable: bool,
    ) -> (
        Arc<AtomicUsize>,
        Arc<AtomicBool>,
        std::sync::mpsc::Sender<Done>,
    ) {
        let done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        self.exchange.job = Some(rx);
        self.popups.push(Popup::Progress(ProgressPopup {
            what,
            done: Arc::clone(&done),
            total,
            cancel: Arc::clone(&cancel),
            cancellable,
        }));
        (done, cancel, tx)
    }

    fn preview(&mut self, path: &str) {
        let file = path.trim().to_string();
        let (_, cancel, tx) = self.start(format!("reading {file}"), 0, true);
        let client = self.client.clone();
        let current = self.masks[self.current].entity;
        std::thread::spawn(move || {
            let result = (|| -> Result<Done, String> {
                let sheet =
                    io::read(&expand(&file), &ReadOptions::default()).map_err(|e| e.to_string())?;
                let address_book = sheet.format.is_some_and(Format::is_address_book);
                let def = match crate::model::entity("sales_contact") {
                    Some(c) if address_book => c,
                    _ => current,
                };
                let source = format!("{file} ({})", sheet.format.unwrap_or(Format::Csv).name());
                let mapped =
                    io::map::map_owned(&file, sheet, def, false).map_err(|e| e.to_string())?;
                if cancel.load(Ordering::Relaxed) {
                    return Err(format!("import of {file} cancelled; nothing changed"));
                }
                let options = ImportOptions {
                    entity: def.name.to_string(),
                    dry_run: true,
                    source,
                    ..ImportOptions::default()
                };
                let report = client
                    .import(mapped.rows.clone(), options.clone(), &|_| {})
                    .map_err(|e| e.to_string())?;
                if cancel.load(Ordering::Relaxed) {
                    return Err(format!("import of {file} cancelled; nothing changed"));
                }
                Ok(Done::Preview(
                    Pending {
                        file,
                        mapped,
                        options,
                    },
                    report,
                ))
            })();
            let _ = tx.send(result.unwrap_or_else(Done::Failed));
        });
    }

    fn import_now(&mut self) {
        let Some(pending) = self.exchange.pending.take() else {
            return;
        };
        let total = pending.mapped.rows.len();
        let (done, _, tx) = self.start(format!("importing {}", pending.file), total, false);
        let client = self.client.clone();
        let def = crate::model::entity(&pending.options.entity)
            .unwrap_or(self.masks[self.current].entity);
        std::thread::spawn(move || {
            let options = ImportOptions {
                dry_run: false,
                ..pending.options
            };
            let result = client.import(pending.mapped.rows, options, &|n| {
                done.store(n, Ordering::Relaxed)
            });
            let _ = tx.send(match result {
                Ok(report) => Done::Imported(pending.file, report, def),
                Err(e) => Done::Failed(e.to_string()),
            });
        });
    }

    fn export(&mut self, path: &str) {
        if self.is_home() {
            self.status = "an export writes a table's rows: open a table first".into();
            return;
        }
        if self.chart().is_some() {
            return self.export_report(path);
        }
        let tab = &self.tabs[self.current];
        let def = self.masks[self.current].entity;
        let keys: Vec<String> = if tab.marked().is_empty() {
            tab.shown_keys()
        } else {
            tab.marked().iter().cloned().collect()
        };
        let target = expand(path.trim());
        let file = target.display().to_string();
        let Some(format) = Format::from_extension(&target) else {
            self.status = format!(
                "{file}: name the file .xlsx, .csv, .json or .vcf (the format follows the name)"
            );
            return;
        };
        let (done, cancel, tx) = self.start(format!("exporting to {file}"), keys.len(), true);
        let client = self.client.clone();
        std::thread::spawn(move || {
            let result = (|| -> Result<usize, String> {
                let options = ExportOptions {
                    format,
                    ..ExportOptions::default()
                };
                let columns = (0..def.fields.len()).collect();
                let mut sink =
                    io::sink(&target, def, columns, &options).map_err(|e| e.to_string())?;
                let mut n = 0;
                for chunk in keys.chunks(CHUNK) {
                    if cancel.load(Ordering::Relaxed) {
                        return Err("cancelled".into());
                    }
                    for r in client
                        .get_many(def, chunk.to_vec())
                        .map_err(|e| e.to_string())?
                        .into_iter()
                        .flatten()
                    {
                        sink.push(r.as_ref()).map_err(|e| e.to_string())?;
                        n += 1;
                    }
                    done.store(n, Ordering::Relaxed);
                }
                sink.finish().map_err(|e| e.to_string())?;
                Ok(n)
            })();
            let _ = tx.send(match result {
                Ok(n) => Done::Exported(format!("exported {n} {} records to {file}", def.name)),
                Err(e) => {
                    let _ = std::fs::remove_file(&target);
                    Done::Failed(format!("export to {file}: {e}; no file written"))
                }
            });
        });
    }

    /// Takes in a finished background run.
    pub(super) fn poll_exchange(&mut self) {
        let Some(done) = self.exchange.job.as_ref().and_then(|rx| rx.try_recv().ok()) else {
            return;
        };
        self.exchange.job = None;
        if matches!(self.popups.last(), Some(Popup::Progress(_))) {
            self.popups.pop();
        }
        match done {
            Done::Preview(pending, report) => {
                let lines: Vec<String> = report
                    .rows
                    .iter()
                    .map(|r| report.line(r, &pending.mapped))
                    .collect();
                let mut summary = report.totals(pending.mapped.rows.len());
                if !pending.mapped.ignored.is_empty() {
                    summary.push_str(&format!(
                        " · ignored columns: {}",
                        pending.mapped.ignored.join("; ")
                    ));
                }
                let can = report.errors() == 0 && report.created() + report.updated() > 0;
                if report.errors() > 0 {
                    summary.push_str(" · fix the bad rows (or use crm import --skip-bad) first");
                }
                let title = match self.lang {
                    Lang::En => format!("Import {} into {}", pending.file, pending.options.entity),
                    Lang::De => format!("Import {} nach {}", pending.file, pending.options.entity),
                };
                self.popups.push(Popup::Preview(PreviewPopup::new(
                    title, summary, lines, can,
                )));
                self.exchange.pending = Some(pending);
            }
            Done::Imported(file, report, def) => {
                let rows = report.rows.len();
                // The batch first: the status line is one line of the terminal.
                self.status = match &report.batch {
                    Some(batch) => format!(
                        "import {batch}: {} · :revert {batch} takes it back · {file}",
                        report.totals(rows)
                    ),
                    None => format!("imported {file}: {}", report.totals(rows)),
                };
                self.home_stale = true;
                for (tab, mask) in self.tabs.iter_mut().zip(&self.masks) {
                    if mask.entity == def {
                        tab.reload();
                    }
                }
            }
            Done::Exported(message) | Done::Failed(message) => self.status = message,
        }
    }

    /// Whether an import or export is running (tests wait for it).
    pub fn exchanging(&self) -> bool {
        self.exchange.job.is_some()
    }
}
