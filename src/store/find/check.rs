//! `crm check` and `--repair` for `idx:find`: the buckets the records produce,
//! against the stored ones, byte for byte.

use std::collections::{BTreeSet, HashMap};

use super::layout::{self, Buckets};
use super::show_posting;
use crate::store::{Result, Store};

/// What the audit of the find index found.
#[derive(Debug, Default)]
pub struct FindAudit {
    /// Postings stored.
    pub postings: usize,
    pub missing: Vec<String>,
    pub stale: Vec<String>,
}

impl Store {
    /// Compares the stored buckets with the ones `expected` (every record's
    /// postings) packs: a bucket differs in bytes, its postings are compared.
    pub(in crate::store) fn audit_find(&self, expected: Buckets) -> Result<FindAudit> {
        let mut want: HashMap<Vec<u8>, Vec<u8>> = expected.packed().into_iter().collect();
        let mut out = FindAudit::default();
        for kv in self.idx_find.iter() {
            let (k, v) = kv?;
            let stored = layout::entries(&v);
            out.postings += stored.as_ref().map_or(0, Vec::len);
            let wanted = want.remove(k.as_ref());
            if wanted.as_deref() == Some(v.as_ref()) {
                continue;
            }
            let wanted = wanted.unwrap_or_default();
            let Some(stored) = stored else {
                out.stale
                    .push(format!("{} (unreadable bucket)", show_posting(&k, &[])));
                continue;
            };
            let stored: BTreeSet<&[u8]> = stored.into_iter().collect();
            let wanted: BTreeSet<&[u8]> = layout::entries(&wanted)
                .unwrap_or_default()
                .into_iter()
                .collect();
            for e in wanted.difference(&stored) {
                out.missing.push(show_posting(&k, e));
            }
            for e in stored.difference(&wanted) {
                out.stale.push(show_posting(&k, e));
            }
            if stored == wanted {
                out.stale
                    .push(format!("{} (bucket not packed)", show_posting(&k, &[])));
            }
        }
        for (k, v) in want {
            for e in layout::entries(&v).unwrap_or_default() {
                out.missing.push(show_posting(&k, e));
            }
        }
        out.missing.sort();
        out.stale.sort();
        Ok(out)
    }

    /// Writes the buckets of every record's postings into the (cleared) find index.
    pub(in crate::store) fn write_find(&self, buckets: Buckets) -> Result<()> {
        let mut batch = sled::Batch::default();
        for (n, (k, v)) in buckets.packed().into_iter().enumerate() {
            batch.insert(k, v);
            if n % 10_000 == 9_999 {
                self.idx_find.apply_batch(std::mem::take(&mut batch))?;
            }
        }
        self.idx_find.apply_batch(batch)?;
        Ok(())
    }

    /// Adds the postings of new records (a bulk load): each bucket is read, merged
    /// and written once.
    pub(in crate::store) fn add_find(&self, buckets: Buckets) -> Result<()> {
        let mut batch = sled::Batch::default();
        for (k, v) in buckets.packed() {
            let value = match self.idx_find.get(&k)? {
                Some(old) => {
                    let mut list = layout::entries(&old).unwrap_or_default();
                    list.extend(layout::entries(&v).unwrap_or_default());
                    layout::pack(list)
                }
                None => v,
            };
            batch.insert(k, value);
        }
        self.idx_find.apply_batch(batch)?;
        Ok(())
    }
}
