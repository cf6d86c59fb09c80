//! An import as the server runs it: mapped rows (field → text) become records
//! through the schema (`build`), each is matched against the database and the
//! rows before it (`matching`), and the whole batch is written through the
//! store's journaled import, or, with errors and no `skip_bad`, nothing is.

use serde::{Deserialize, Serialize};

use crate::io::MappedRow;
use crate::model::{entity_or_suggest, Entity, Record, SalesContact};
use crate::ops::rules;
use crate::store::{Change, Result, Store, StoreError};

mod build;
mod matching;
mod report;
#[cfg(test)]
mod tests;

pub use matching::Rule;

/// What happens to a row that matches a stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Mode {
    /// Every row is a new record (duplicates are not looked for).
    Create,
    /// A match is updated, the rest created.
    #[default]
    Upsert,
    /// A match is updated, the rest left out.
    Update,
}

impl Mode {
    pub fn parse(text: &str) -> Option<Mode> {
        match text.trim().to_lowercase().as_str() {
            "create" => Some(Mode::Create),
            "upsert" => Some(Mode::Upsert),
            "update" => Some(Mode::Update),
            _ => None,
        }
    }
}

/// How to import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    pub entity: String,
    pub mode: Mode,
    /// Fields to match on, instead of the entity's rules (`email`,
    /// `first_name,last_name,company`, `key`).
    pub match_fields: Vec<String>,
    /// An update overwrites stored values that differ (otherwise it only fills
    /// empty fields).
    pub overwrite: bool,
    /// Decide and report, write nothing.
    pub dry_run: bool,
    /// Import the good rows and report the bad ones (otherwise one bad row
    /// stops the whole file).
    pub skip_bad: bool,
    /// The file, for the batch's record.
    pub source: String,
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Create,
    Update {
        key: String,
        rule: String,
        /// The fields the update fills or overwrites.
        fields: Vec<String>,
        /// Fields whose stored value differs and was kept (no `overwrite`).
        kept: Vec<String>,
    },
    Unchanged {
        key: String,
        rule: String,
    },
    /// The same record as an earlier row of the file; its values went there.
    SameAs {
        line: usize,
        rule: String,
    },
    /// Two or more stored records match: the row is left alone.
    Ambiguous {
        keys: Vec<String>,
        rule: String,
    },
    /// `update` mode, and nothing matches.
    NoMatch,
    Error {
        field: Option<String>,
        message: String,
    },
}

/// One row's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOutcome {
    pub line: usize,
    pub action: Action,
    /// The created record's key, once written.
    pub key: Option<String>,
}

/// What an import did (or, in a dry run or refused, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub entity: String,
    pub rows: Vec<RowOutcome>,
    /// The batch id, when something was written (`crm import --revert` takes it).
    pub batch: Option<String>,
    pub written: bool,
    /// Cross-references made from contacts' company names.
    pub xrefs: usize,
}

impl ImportReport {
    fn count(&self, f: impl Fn(&Action) -> bool) -> usize {
        self.rows.iter().filter(|r| f(&r.action)).count()
    }
    pub fn created(&self) -> usize {
        self.count(|a| matches!(a, Action::Create))
    }
    pub fn updated(&self) -> usize {
        self.count(|a| matches!(a, Action::Update { .. }))
    }
    pub fn unchanged(&self) -> usize {
        self.count(|a| matches!(a, Action::Unchanged { .. } | Action::SameAs { .. }))
    }
    pub fn ambiguous(&self) -> usize {
        self.count(|a| matches!(a, Action::Ambiguous { .. }))
    }
    pub fn unmatched(&self) -> usize {
        self.count(|a| matches!(a, Action::NoMatch))
    }
    pub fn errors(&self) -> usize {
        self.count(|a| matches!(a, Action::Error { .. }))
    }
}

/// A row on its way to the store.
enum Planned {
    New(Box<dyn Record>),
    Update(Box<dyn Record>),
}

/// Runs an import for `user`; `progress` hears how many records are written.
pub fn run(
    store: &Store,
    user: &str,
    rows: Vec<MappedRow>,
    options: &ImportOptions,
    progress: &dyn Fn(usize),
    cancelled: &dyn Fn() -> bool,
) -> Result<ImportReport> {
    let def = entity_or_suggest(&options.entity).map_err(StoreError::Refused)?;
    if rows.is_empty() {
        return Err(StoreError::Refused(format!(
            "{}: the file has no rows to import",
            options.source
        )));
    }
    let mut builder = build::Builder::new(store, def);
    let company_links = def.name == SalesContact::DEF.name && !options.dry_run;
    // The stored contacts to match against, and (beside them, on another core)
    // the companies a new contact's company may name.
    let mut matcher = None;
    let mut read_matcher = || -> Result<()> {
        matcher = Some(matching::Matcher::new(store, def, options)?);
        Ok(())
    };
    if company_links {
        builder.prefetch_companies(read_matcher)?;
    } else {
        read_matcher()?;
    }
    let Some(mut matcher) = matcher else {
        return Err(StoreError::Refused("the import could not start".into()));
    };
    let mut report = ImportReport {
        entity: def.name.to_string(),
        ..ImportReport::default()
    };
    // Per row: its plan (None: nothing to write), in file order.
    let mut planned: Vec<Option<Planned>> = Vec::with_capacity(rows.len());
    for (n, row) in rows.iter().enumerate() {
        if n % 1000 == 999 && cancelled() {
            return Err(gave_up());
        }
        let outcome = |action| RowOutcome {
            line: row.line,
            action,
            key: None,
        };
        let record = match builder.record(row) {
            Ok(r) => r,
            Err((field, message)) => {
                report.rows.push(outcome(Action::Error { field, message }));
                planned.push(None);
                continue;
            }
        };
        let present: Vec<usize> = row
            .values
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .filter_map(|(f, _)| def.field_index(f))
            .collect();
        let (action, plan) = matcher.decide(store, row.line, record, &present, &mut planned)?;
        report.rows.push(outcome(action));
        planned.push(plan);
    }
    // The rows are records now: their text goes (a large import holds much).
    drop(rows);
    // The entity's save rules, then its validation, for every record to write.
    for (i, plan) in planned.iter_mut().enumerate() {
        let Some(p) = plan else { continue };
        let (record, old) = match p {
            Planned::New(r) => (r, None),
            Planned::Update(r) => {
                let old = store.get(def, r.key())?;
                (r, old)
            }
        };
        let checked = rules::before_save_on(store, old.as_deref(), record.as_mut(), builder.today)
            .map_err(|e| (None, e.to_string()))
            .and_then(|()| {
                crate::model::validate::validate(record.as_ref())
                    .map_err(|e| (Some(e.field.to_string()), e.message))
            });
        if let Err((field, message)) = checked {
            report.rows[i].action = Action::Error { field, message };
            *plan = None;
        }
    }
    if options.dry_run || (report.errors() > 0 && !options.skip_bad) {
        return Ok(report);
    }
    let mut changes = Vec::new();
    let mut order = Vec::new();
    for (i, plan) in planned.into_iter().enumerate() {
        match plan {
            Some(Planned::New(mut r)) => {
                let link = match company_links {
                    true => builder.company_link(&build::text(r.as_ref(), "company"))?,
                    false => None,
                };
                // The cross-reference names the contact: its key is drawn now.
                let link = match link {
                    Some(mut x) => {
                        if r.key().is_empty() {
                            r.set_key(store.reserve_key(r.def())?);
                        }
                        x.contact = r.key().to_string();
                        Some(x)
                    }
                    None => None,
                };
                changes.push(Change::Insert(r));
                order.push(Some(i));
                if let Some(x) = link {
                    changes.push(Change::Insert(Box::new(x)));
                    order.push(None);
                    report.xrefs += 1;
                }
            }
            Some(Planned::Update(r)) => {
                changes.push(Change::Update(r));
                order.push(Some(i));
            }
            None => {}
        }
    }
    if changes.is_empty() {
        return Ok(report);
    }
    let keys = {
        let (batch, keys) = store.import(
            user,
            &options.source,
            def.name,
            changes,
            progress,
            cancelled,
        )?;
        report.batch = Some(batch);
        keys
    };
    for (slot, key) in order.into_iter().zip(keys) {
        if let Some(i) = slot {
            if matches!(report.rows[i].action, Action::Create) {
                report.rows[i].key = Some(key);
            }
        }
    }
    report.written = true;
    Ok(report)
}

fn gave_up() -> StoreError {
    StoreError::Refused("the import was cancelled; nothing changed".into())
}
