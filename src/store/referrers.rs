//! Who names a record: the referrers a delete is refused with, and the reverse
//! lookups the workflows make (a prospect's contacts, an opportunity's tasks).

use super::{index, IndexKind, Referrer, Result, Store, StoreError};
use crate::model::{self, EntityDef, FieldKind};

impl Store {
    /// The records that name `key` of `def` (at most `limit` listed) and their total.
    /// Transactional records are found through the reference index, territories and
    /// teams through theirs; other reference data through a scan of the entities that
    /// can name it, decoding only records whose bytes contain the key.
    pub fn referrers(
        &self,
        def: &EntityDef,
        key: &str,
        limit: usize,
    ) -> Result<(Vec<Referrer>, usize)> {
        let mut out = Vec::new();
        let mut total = 0;
        let mut note = |r: Referrer| {
            total += 1;
            if out.len() < limit {
                out.push(r);
            }
        };
        if index::is_reverse_indexed(def.name) {
            for k in self
                .idx_ref
                .scan_prefix(index::prefix(&[def.name, key]))
                .keys()
            {
                let mut parts = index::split(&k?).into_iter().skip(2);
                note(Referrer {
                    entity: parts.next().unwrap_or_default(),
                    key: parts.next().unwrap_or_default(),
                    field: parts.next().unwrap_or_default(),
                });
            }
        } else {
            for source in model::ENTITIES
                .iter()
                .copied()
                .filter(|e| names(e, def.name))
            {
                for (field, record_key) in self.scan_naming(def.name, key, source)? {
                    note(Referrer {
                        entity: source.name.to_string(),
                        key: record_key,
                        field,
                    });
                }
            }
        }
        Ok((out, total))
    }

    /// (field, key) of every `source` record that names `key` of `target`, by scan.
    fn scan_naming(
        &self,
        target: &str,
        key: &str,
        source: &EntityDef,
    ) -> Result<Vec<(String, String)>> {
        let (tree, codec) = self.tree(source);
        let needle = key.as_bytes();
        let mut out = Vec::new();
        for kv in tree.iter() {
            let (k, v) = kv?;
            if !contains_bytes(&v, needle) {
                continue;
            }
            let record = (codec.decode)(&v).map_err(|message| StoreError::Corrupt {
                entity: source.name.to_string(),
                key: String::from_utf8_lossy(&k).into_owned(),
                message,
            })?;
            for (field, t, tk) in index::references(record.as_ref()) {
                if t == target && tk == key {
                    out.push((field, record.key().to_string()));
                }
            }
        }
        Ok(out)
    }

    /// The keys of `entity` records that name `target_key` of `target` (reverse
    /// lookup: a prospect's contacts, an opportunity's tasks, a territory's leads).
    pub fn keys_naming(
        &self,
        target: &EntityDef,
        target_key: &str,
        entity: &EntityDef,
    ) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        if index::is_reverse_indexed(target.name) {
            let prefix = index::prefix(&[target.name, target_key, entity.name]);
            for k in self.idx_ref.scan_prefix(prefix).keys() {
                if let Some(key) = index::split(&k?).into_iter().nth(3) {
                    out.push(key);
                }
            }
        } else if target.name == "territory" {
            out = self.keys_by(IndexKind::Territory, target_key, entity, None)?;
        } else if target.name == "sales_team" {
            out = self.keys_by(IndexKind::Team, target_key, entity, None)?;
        } else if names(entity, target.name) {
            out = self
                .scan_naming(target.name, target_key, entity)?
                .into_iter()
                .map(|(_, k)| k)
                .collect();
        }
        out.dedup();
        Ok(out)
    }
}

/// Whether any field of `source` (or of its lines) refers to `target`.
fn names(source: &EntityDef, target: &str) -> bool {
    source.fields.iter().any(|f| match f.kind {
        FieldKind::Ref(t) | FieldKind::RefList(t) => t == target,
        FieldKind::Lines(line) => line
            .fields
            .iter()
            .any(|lf| lf.kind.target() == Some(target)),
        _ => false,
    })
}

fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}
