//! `crm check`: every record has its index entries and every index entry belongs
//! to a record that still produces it. `repair` rebuilds the indexes from the records.

use std::fmt;

use super::find::layout::Buckets;
use super::index;
use super::{Result, Store};
use crate::model;

/// What an audit found.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AuditReport {
    /// (entity, records) for every entity.
    #[serde(with = "crate::util::statics::pairs")]
    pub records: Vec<(crate::util::statics::Name, usize)>,
    /// Index entries found, per index.
    pub territory_entries: usize,
    pub team_entries: usize,
    pub ref_entries: usize,
    pub find_entries: usize,
    /// Index entries a record should have but the index lacks (or holds stale).
    pub missing: Vec<String>,
    /// Index entries no record produces.
    pub stale: Vec<String>,
    /// Records that cannot be decoded.
    pub unreadable: Vec<String>,
    /// Commits in the history, and records' states kept.
    pub history_changes: usize,
    pub history_states: usize,
    /// History entries that point at no record and no deletion.
    pub history: Vec<String>,
    /// What the open set aside and the repair rewrote (done, not drift).
    pub repaired: Vec<String>,
    /// Parts of the database sled cannot read, and damaged blob files.
    pub damaged: Vec<String>,
    /// Records whose stored content is missing or unreadable ("entity KEY").
    pub lost: Vec<String>,
    /// The repair needs the database opened anew (the server restarts for it).
    pub reopen: bool,
}

impl AuditReport {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty()
            && self.stale.is_empty()
            && self.unreadable.is_empty()
            && self.history.is_empty()
            && self.damaged.is_empty()
            && self.lost.is_empty()
    }
    /// CRM records, settings (saved queries) not counted, as `Store::total_records`.
    pub fn total_records(&self) -> usize {
        self.records
            .iter()
            .filter(|(e, _)| !model::is_setting(e))
            .map(|(_, n)| n)
            .sum()
    }
}

impl fmt::Display for AuditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.repaired {
            writeln!(f, "repaired: {line}")?;
        }
        for line in &self.damaged {
            writeln!(f, "damaged: {line}")?;
        }
        for line in &self.lost {
            writeln!(f, "lost record: {line} (its stored content cannot be read; only a backup brings it back: `crm restore FILE --db NEW`)")?;
        }
        if !self.damaged.is_empty() || !self.lost.is_empty() {
            return write!(
                f,
                "damaged: {} part(s) of the database unreadable, {} record(s) lost; {}",
                self.damaged.len(),
                self.lost.len(),
                if self.reopen {
                    "the server restarts to repair it"
                } else {
                    "run `crm check --repair`: it rewrites what can be read and names what is lost"
                }
            );
        }
        for (entity, n) in &self.records {
            writeln!(f, "{entity:<20} {n:>9}")?;
        }
        writeln!(f, "{:<20} {:>9}", "records", self.total_records())?;
        writeln!(f, "{:<20} {:>9}", "idx:territory", self.territory_entries)?;
        writeln!(f, "{:<20} {:>9}", "idx:team", self.team_entries)?;
        writeln!(f, "{:<20} {:>9}", "idx:ref", self.ref_entries)?;
        writeln!(f, "{:<20} {:>9}", "idx:find", self.find_entries)?;
        writeln!(f, "{:<20} {:>9}", "history changes", self.history_changes)?;
        writeln!(f, "{:<20} {:>9}", "history states", self.history_states)?;
        for (what, list) in [
            ("missing index entry", &self.missing),
            ("stale index entry", &self.stale),
            ("unreadable record", &self.unreadable),
            ("history", &self.history),
        ] {
            for item in list.iter().take(50) {
                writeln!(f, "{what}: {item}")?;
            }
            if list.len() > 50 {
                writeln!(f, "{what}: ... and {} more", list.len() - 50)?;
            }
        }
        if self.is_clean() {
            write!(
                f,
                "clean: every record has its index entries, every entry its record, and every change in the history a record or a deletion"
            )
        } else {
            write!(
                f,
                "drift: {} missing, {} stale, {} unreadable, {} history; run `crm check --repair`",
                self.missing.len(),
                self.stale.len(),
                self.unreadable.len(),
                self.history.len()
            )
        }
    }
}

/// How `audit_history` ends the line of a record that should exist and does not.
const LOST: &str = "but does not exist";

/// "competitor BIGCO (its history says it was last updated)" from that line.
fn lost_record(line: &str) -> String {
    let text = line
        .trim_start_matches("history: ")
        .trim_end_matches(LOST)
        .trim();
    match text.split_once(" was last ") {
        Some((record, kind)) => format!("{record} (its history says it was last {kind})"),
        None => text.to_string(),
    }
}

fn show(key: &[u8]) -> String {
    index::split(key).join(" / ")
}

impl Store {
    /// Checks the indexes against the records. Expected entries are looked up one by
    /// one; if every expected entry exists and the index holds exactly as many, it
    /// holds nothing else — only then is a second, slower pass skipped.
    pub fn audit(&self) -> Result<AuditReport> {
        let mut report = match self.audit_indexes() {
            Ok(report) => report,
            Err(super::StoreError::Sled(e)) if super::recover::is_damage(&e) => {
                self.damage_report(&e)
            }
            Err(e) => return Err(e),
        };
        report.repaired = self.set_aside();
        // A record its history says exists, and no tree holds: its content is gone
        // (a blob file lost, a page sled fell back from).
        let (lost, history): (Vec<String>, Vec<String>) = std::mem::take(&mut report.history)
            .into_iter()
            .partition(|line| line.ends_with(LOST));
        report.history = history;
        report.lost.extend(lost.iter().map(|l| lost_record(l)));
        for (blob, fault) in super::recover::damaged_blobs(self.path()) {
            report
                .damaged
                .push(format!("blob file blobs/{blob} {fault}"));
        }
        Ok(report)
    }

    /// What cannot be read, tree by tree, and the records lost with it.
    fn damage_report(&self, e: &sled::Error) -> AuditReport {
        let mut report = AuditReport::default();
        for d in super::salvage::scan(&self.db) {
            report.damaged.push(format!(
                "tree {}: {} ({} entries readable)",
                d.tree,
                d.error,
                d.readable.len()
            ));
            report
                .lost
                .extend(d.lost.iter().map(|k| format!("{} {k}", d.tree)));
        }
        if report.damaged.is_empty() {
            report.damaged.push(super::salvage::words(e));
        }
        report
    }

    fn audit_indexes(&self) -> Result<AuditReport> {
        let mut report = AuditReport::default();
        let (mut want_territory, mut want_team, mut want_refs) = (0usize, 0usize, 0usize);
        let mut want_find = Buckets::default();
        for def in model::ENTITIES {
            let (tree, codec) = self.tree(def);
            let mut n = 0;
            for kv in tree.iter() {
                let (k, v) = kv?;
                n += 1;
                let record = match (codec.decode)(&v) {
                    Ok(r) => r,
                    Err(e) => {
                        report.unreadable.push(format!(
                            "{} {}: {e}",
                            def.name,
                            String::from_utf8_lossy(&k)
                        ));
                        continue;
                    }
                };
                let e = index::entries(record.as_ref());
                want_territory += e.territory.len();
                want_team += e.team.len();
                want_refs += e.refs.len();
                for (tree, keys, value) in [
                    (&self.idx_territory, &e.territory, e.row.as_slice()),
                    (&self.idx_team, &e.team, e.row.as_slice()),
                    (&self.idx_ref, &e.refs, &[][..]),
                ] {
                    for key in keys {
                        match tree.get(key)? {
                            Some(stored) if stored == value => {}
                            _ => report.missing.push(show(key)),
                        }
                    }
                }
                want_find.add(e.find);
            }
            report.records.push((def.name, n));
        }
        report.territory_entries = self.idx_territory.len();
        report.team_entries = self.idx_team.len();
        report.ref_entries = self.idx_ref.len();
        let counts_match = report.territory_entries == want_territory
            && report.team_entries == want_team
            && report.ref_entries == want_refs;
        if !counts_match || !report.missing.is_empty() {
            report.stale = self.stale_entries()?;
        }
        let find = self.audit_find(want_find)?;
        report.find_entries = find.postings;
        report.missing.extend(find.missing);
        report.stale.extend(find.stale);
        let (changes, states) = self.history_counts();
        report.history_changes = changes;
        report.history_states = states;
        report.history = self.audit_history(false)?;
        Ok(report)
    }

    /// Index entries whose record is gone or no longer produces them.
    fn stale_entries(&self) -> Result<Vec<String>> {
        let mut stale = Vec::new();
        for (tree, entity_at, key_at) in [
            (&self.idx_territory, 1, 2),
            (&self.idx_team, 1, 2),
            (&self.idx_ref, 2, 3),
        ] {
            for k in tree.iter().keys() {
                let k = k?;
                let parts = index::split(&k);
                let produced = match (
                    parts.get(entity_at).and_then(|e| model::entity(e)),
                    parts.get(key_at),
                ) {
                    (Some(def), Some(key)) => match self.get(def, key) {
                        Ok(Some(record)) => {
                            let e = index::entries(record.as_ref());
                            e.territory.contains(&k.to_vec())
                                || e.team.contains(&k.to_vec())
                                || e.refs.contains(&k.to_vec())
                        }
                        _ => false,
                    },
                    _ => false,
                };
                if !produced {
                    stale.push(show(&k));
                }
            }
        }
        Ok(stale)
    }

    /// Drops every index and writes it anew from the records. A tree with a page
    /// sled cannot read is rewritten only by an open with `repair`: the report
    /// then asks for the database to be opened anew.
    pub fn repair(&self) -> Result<AuditReport> {
        let damage = super::salvage::scan(&self.db);
        if !damage.is_empty() {
            let mut report = self.damage_report(&sled::Error::Unsupported(String::new()));
            report.reopen = true;
            return Ok(report);
        }
        let blobs = super::recover::set_aside_blobs(self.path())?;
        self.rebuild_indexes(false)?;
        let lost: Vec<String> = self
            .audit_history(true)?
            .iter()
            .filter(|l| l.ends_with(LOST))
            .map(|l| lost_record(l))
            .collect();
        let mut report = self.audit()?;
        report.repaired.extend(blobs);
        report.repaired.extend(lost.into_iter().map(|l| {
            format!("lost record {l}: its stored content is gone, only a backup brings it back (`crm restore FILE --db NEW`)")
        }));
        report
            .repaired
            .push("every index written anew from the records, the history checked".into());
        Ok(report)
    }

    /// Writes the indexes (with `find_only`, only the find index) anew from the
    /// records, in chunks like a bulk load.
    pub(super) fn rebuild_indexes(&self, find_only: bool) -> Result<()> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let all = [
            &self.idx_territory,
            &self.idx_team,
            &self.idx_ref,
            &self.idx_find,
        ];
        let trees = if find_only { &all[3..] } else { &all[..] };
        for tree in trees {
            tree.clear()?;
        }
        let mut find = Buckets::default();
        for def in model::ENTITIES {
            let (tree, codec) = self.tree(def);
            let mut batches: [sled::Batch; 3] = Default::default();
            let mut n = 0;
            for kv in tree.iter() {
                let (_, v) = kv?;
                let Ok(record) = (codec.decode)(&v) else {
                    continue;
                };
                let e = index::entries(record.as_ref());
                if !find_only {
                    for k in e.territory {
                        batches[0].insert(k, e.row.as_slice());
                    }
                    for k in e.team {
                        batches[1].insert(k, e.row.as_slice());
                    }
                    for k in e.refs {
                        batches[2].insert(k, &[] as &[u8]);
                    }
                }
                find.add(e.find);
                n += 1;
                if n % super::bulk::CHUNK == 0 {
                    for (tree, batch) in all.iter().zip(std::mem::take(&mut batches)) {
                        tree.apply_batch(batch)?;
                    }
                }
            }
            for (tree, batch) in all.iter().zip(batches) {
                tree.apply_batch(batch)?;
            }
        }
        self.write_find(find)?;
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, Opportunity, Territory};

    /// A report without what the repair says it did, to compare with a check's.
    fn notes_aside(mut report: AuditReport) -> AuditReport {
        assert!(!report.repaired.is_empty(), "a repair says what it did");
        report.repaired.clear();
        report
    }

    fn store_with_one_opportunity(dir: &std::path::Path) -> Store {
        let store = Store::open(dir).unwrap();
        store
            .insert(Box::new(Territory {
                key: "NORD".into(),
                description: "Norden".into(),
                ..Default::default()
            }))
            .unwrap();
        store
            .insert(Box::new(Opportunity {
                description: "Anlage".into(),
                territory: "NORD".into(),
                ..Default::default()
            }))
            .unwrap();
        store
    }

    #[test]
    fn finds_missing_and_stale_entries_and_repair_fixes_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_one_opportunity(dir.path());
        let clean = store.audit().unwrap();
        assert!(clean.is_clean(), "{clean}");
        assert_eq!((clean.territory_entries, clean.ref_entries), (1, 0));

        let entry = index::join(&["NORD", "opportunity", "OPP0000001"]);
        store.idx_territory.remove(&entry).unwrap();
        store
            .idx_ref
            .insert(
                index::join(&[
                    "territory",
                    "NORD",
                    "opportunity",
                    "OPP0000099",
                    "territory",
                ]),
                &[],
            )
            .unwrap();
        let drift = store.audit().unwrap();
        assert_eq!(
            drift.missing,
            vec!["NORD / opportunity / OPP0000001".to_string()]
        );
        assert_eq!(drift.stale.len(), 1, "{drift}");
        assert!(drift.to_string().contains("crm check --repair"));

        let repaired = store.repair().unwrap();
        assert!(repaired.is_clean(), "{repaired}");
        assert_eq!(notes_aside(repaired), clean);
    }

    #[test]
    fn find_index_drift_is_reported_and_repaired() {
        use crate::store::find::{self, layout};
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_one_opportunity(dir.path());
        let clean = store.audit().unwrap();
        assert_eq!(clean.find_entries, 2, "norden, anlage");
        // One posting lost, one of a record that does not exist.
        let opp = store.get(Opportunity::DEF, "OPP0000001").unwrap().unwrap();
        let (bucket, entry) = find::postings(opp.as_ref()).remove(0);
        let (stale_bucket, stale_entry) = layout::posting("anlage", bucket[3], "OPP0000019");
        assert_eq!(stale_bucket, bucket);
        store.idx_find.insert(&bucket, stale_entry).unwrap();
        let drift = store.audit().unwrap();
        assert_eq!(drift.missing, ["find / anlage / opportunity / OPP0000001"]);
        assert_eq!(drift.stale, ["find / anlage / opportunity / OPP0000019"]);
        assert_eq!(notes_aside(store.repair().unwrap()), clean);

        // A bucket that decodes to the right postings but is not packed as writes
        // pack it (unsorted, or empty) is drift too.
        let mut other = entry.clone();
        other.extend_from_slice(&entry);
        store.idx_find.insert(&bucket, other).unwrap();
        store.idx_find.insert(b"zz\0\x01X", &[]).unwrap();
        let drift = store.audit().unwrap();
        assert!(drift.missing.is_empty(), "{drift}");
        assert_eq!(drift.stale.len(), 2, "{drift}");
        assert!(drift
            .stale
            .iter()
            .all(|s| s.ends_with("(bucket not packed)")));
        assert_eq!(notes_aside(store.repair().unwrap()), clean);
    }

    #[test]
    fn an_entry_with_an_old_list_row_counts_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_one_opportunity(dir.path());
        let entry = index::join(&["NORD", "opportunity", "OPP0000001"]);
        store
            .idx_territory
            .insert(&entry, b"old".as_slice())
            .unwrap();
        assert_eq!(store.audit().unwrap().missing.len(), 1);
    }
}
