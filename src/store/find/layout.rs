//! How `idx:find` stores its postings (one posting: one indexed word of one record).
//!
//! Postings are packed, many to a sled entry: sled splits a leaf every 16 entries, so
//! an entry per posting (3.3 per record) made the index the largest tree of the
//! database and every open slower. A posting goes into the bucket of its word's
//! first `HEAD` characters, its entity and its key's block (the key without its last
//! `TAIL` bytes: a thousand generated keys in a row):
//!
//! - key: `head \0 entity-byte block`;
//! - value: the bucket's entries, each `varint n, n bytes` of the word after the head,
//!   then `varint n, n bytes` of the key after the block; sorted by their bytes, no
//!   duplicates. A bucket without entries has no sled entry.
//!
//! A word looked up is found in the buckets of its head (one prefix range); a write
//! reads, changes and writes back the buckets of the words it adds or removes, in the
//! transaction of the record. The layout depends only on the postings, never on the
//! order of writes, so a rebuilt index is byte for byte the one the writes kept.

use std::collections::{BTreeMap, HashMap};

use sled::transaction::{TransactionalTree, UnabortableTransactionError};

use crate::store::index::SEP;

/// Characters of a word that pick its bucket.
pub const HEAD: usize = 2;
/// Bytes of a key left to the entry; the rest names the bucket.
pub const TAIL: usize = 3;

/// One posting: (bucket key, entry).
pub type Posting = (Vec<u8>, Vec<u8>);

/// The posting of `word` for the record `key` of the entity with byte `code`.
pub fn posting(word: &str, code: u8, key: &str) -> Posting {
    let head = word.char_indices().nth(HEAD).map_or(word.len(), |(i, _)| i);
    let (head, rest) = word.as_bytes().split_at(head);
    let (block, tail) = key.as_bytes().split_at(key.len().saturating_sub(TAIL));
    let mut bucket = Vec::with_capacity(head.len() + 2 + block.len());
    bucket.extend_from_slice(head);
    bucket.push(SEP);
    bucket.push(code);
    bucket.extend_from_slice(block);
    let mut entry = Vec::with_capacity(rest.len() + tail.len() + 2);
    put(&mut entry, rest);
    put(&mut entry, tail);
    (bucket, entry)
}

/// The key prefix of every bucket that may hold words beginning with `word`.
pub fn scan_prefix(word: &str) -> Vec<u8> {
    match word.char_indices().nth(HEAD) {
        Some((i, _)) => {
            let mut p = word.as_bytes()[..i].to_vec();
            p.push(SEP);
            p
        }
        // A word shorter than a head: every head it begins.
        None => word.as_bytes().to_vec(),
    }
}

/// A bucket key's parts: (head, entity byte, block).
pub fn bucket_parts(bucket: &[u8]) -> Option<(&[u8], u8, &[u8])> {
    let at = bucket.iter().position(|b| *b == SEP)?;
    let code = *bucket.get(at + 1)?;
    Some((&bucket[..at], code, &bucket[at + 2..]))
}

/// An entry's parts: (the word after the head, the key after the block).
pub fn entry_parts(entry: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut at = entry;
    let rest = take(&mut at)?;
    let tail = take(&mut at)?;
    at.is_empty().then_some((rest, tail))
}

/// The word, entity byte and key a posting stands for.
pub fn decode(bucket: &[u8], entry: &[u8]) -> Option<(String, u8, String)> {
    let (head, code, block) = bucket_parts(bucket)?;
    let (rest, tail) = entry_parts(entry)?;
    Some((join(head, rest), code, join(block, tail)))
}

fn join(a: &[u8], b: &[u8]) -> String {
    let mut v = Vec::with_capacity(a.len() + b.len());
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    String::from_utf8_lossy(&v).into_owned()
}

/// The entries of a bucket's value, each as its bytes; `None` if it is malformed.
pub fn entries(value: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    let mut at = value;
    while !at.is_empty() {
        let start = at;
        take(&mut at)?;
        take(&mut at)?;
        out.push(&start[..start.len() - at.len()]);
    }
    Some(out)
}

/// The parts of each entry of a bucket's value (see `entry_parts`), without
/// collecting them; a malformed rest ends the walk.
pub fn walk(value: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = value;
    std::iter::from_fn(move || {
        let rest = take(&mut at)?;
        let tail = take(&mut at)?;
        Some((rest, tail))
    })
}

/// The value of a bucket holding these entries: sorted, without duplicates.
pub fn pack(mut list: Vec<&[u8]>) -> Vec<u8> {
    list.sort_unstable();
    list.dedup();
    list.concat()
}

/// A bucket's value after a write removed and added entries; `None`: no entry left.
/// A malformed value (which `crm check` reports) is replaced by what is added.
pub fn merge(current: Option<&[u8]>, remove: &[Vec<u8>], add: &[Vec<u8>]) -> Option<Vec<u8>> {
    let mut list: Vec<&[u8]> = current.and_then(entries).unwrap_or_default();
    if !remove.is_empty() {
        let mut gone: Vec<&[u8]> = remove.iter().map(Vec::as_slice).collect();
        gone.sort_unstable();
        list.retain(|e| gone.binary_search(e).is_err());
    }
    list.extend(add.iter().map(Vec::as_slice));
    let value = pack(list);
    (!value.is_empty()).then_some(value)
}

/// Per bucket, the entries a write removes and adds. Postings the old and the new
/// record share are left out: an edit that changes no searchable word rewrites no
/// bucket.
pub type Delta = BTreeMap<Vec<u8>, (Vec<Vec<u8>>, Vec<Vec<u8>>)>;

/// What replacing a record with postings `old` by one with postings `new` (both
/// sorted, as `find::postings` returns them) changes.
pub fn delta(old: &[Posting], new: &[Posting]) -> Delta {
    let mut d = Delta::new();
    for p in old {
        if new.binary_search(p).is_err() {
            d.entry(p.0.clone()).or_default().0.push(p.1.clone());
        }
    }
    for p in new {
        if old.binary_search(p).is_err() {
            d.entry(p.0.clone()).or_default().1.push(p.1.clone());
        }
    }
    d
}

/// The deltas of several writes in one transaction, in their order, as one: per
/// entry the last write's say (added or removed), so that each bucket is read and
/// written once however many of the transaction's records it holds.
pub fn combine(deltas: &[Delta]) -> Delta {
    let mut last: BTreeMap<&[u8], BTreeMap<&[u8], bool>> = BTreeMap::new();
    for d in deltas {
        for (bucket, (remove, add)) in d {
            let entries = last.entry(bucket.as_slice()).or_default();
            for e in remove {
                entries.insert(e.as_slice(), false);
            }
            for e in add {
                entries.insert(e.as_slice(), true);
            }
        }
    }
    last.into_iter()
        .map(|(bucket, entries)| {
            let (mut remove, mut add) = (Vec::new(), Vec::new());
            for (e, added) in entries {
                if added {
                    add.push(e.to_vec());
                } else {
                    remove.push(e.to_vec());
                }
            }
            (bucket.to_vec(), (remove, add))
        })
        .collect()
}

/// Writes a delta inside a transaction (read, change, write back each bucket).
pub fn apply(tree: &TransactionalTree, delta: &Delta) -> Result<(), UnabortableTransactionError> {
    for (bucket, (remove, add)) in delta {
        let current = tree.get(bucket.as_slice())?;
        match merge(current.as_deref(), remove, add) {
            Some(value) => tree.insert(bucket.as_slice(), value)?,
            None => tree.remove(bucket.as_slice())?,
        };
    }
    Ok(())
}

/// Buckets being built from many records (rebuild, audit, bulk load): each bucket's
/// entries run together unsorted until `packed`.
#[derive(Default)]
pub struct Buckets(HashMap<Vec<u8>, Vec<u8>>);

impl Buckets {
    pub fn add(&mut self, postings: Vec<Posting>) {
        for (bucket, entry) in postings {
            self.0.entry(bucket).or_default().extend_from_slice(&entry);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every bucket with its value, in key order.
    pub fn packed(self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut out: Vec<(Vec<u8>, Vec<u8>)> = self
            .0
            .into_iter()
            .map(|(k, run)| {
                let value = pack(entries(&run).unwrap_or_default());
                (k, value)
            })
            .collect();
        out.sort_unstable();
        out
    }
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut n = bytes.len();
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out.extend_from_slice(bytes);
}

fn take<'a>(at: &mut &'a [u8]) -> Option<&'a [u8]> {
    let mut n = 0usize;
    let mut shift = 0;
    loop {
        let (&b, rest) = at.split_first()?;
        *at = rest;
        n |= usize::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 28 {
            return None;
        }
    }
    let (bytes, rest) = (at.get(..n)?, at.get(n..)?);
    *at = rest;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_posting_round_trips_and_shares_its_bucket_with_its_neighbours() {
        let (bucket, entry) = posting("muller", 13, "CON0000046");
        assert_eq!(bucket, b"mu\0\x0dCON0000");
        assert_eq!(entry, b"\x04ller\x03046");
        assert_eq!(
            decode(&bucket, &entry),
            Some(("muller".into(), 13, "CON0000046".into()))
        );
        assert_eq!(posting("mueller", 13, "CON0000999").0, bucket);
        assert_ne!(posting("muller", 13, "CON0001000").0, bucket);
        // Short keys and multi-byte heads.
        let (b, e) = posting("ωμέγα", 1, "AB");
        assert_eq!(decode(&b, &e), Some(("ωμέγα".into(), 1, "AB".into())));
        assert!(b.starts_with(&scan_prefix("ωμέ")));
        let long = "x".repeat(300);
        let (b, e) = posting(&long, 2, "K");
        assert_eq!(decode(&b, &e), Some((long, 2, "K".into())));
    }

    #[test]
    fn merge_keeps_a_bucket_sorted_and_drops_it_when_empty() {
        let a = posting("anlage", 7, "OPP0000001").1;
        let b = posting("angebot", 7, "OPP0000002").1;
        let one = merge(None, &[], std::slice::from_ref(&a)).unwrap();
        let two = merge(Some(&one), &[], &[b.clone(), a.clone()]).unwrap();
        assert_eq!(two, pack(vec![&b, &a]));
        assert_eq!(entries(&two).unwrap().len(), 2);
        let words: Vec<&[u8]> = walk(&two).map(|(rest, _)| rest).collect();
        // Sorted by the entries' bytes: their lengths first.
        assert_eq!(words, [b"lage".as_slice(), b"gebot"]);
        assert_eq!(
            walk(b"\x04lage\x03001\x05ab").count(),
            1,
            "stops at a bad rest"
        );
        assert_eq!(
            merge(Some(&two), std::slice::from_ref(&a), &[]),
            Some(b.clone())
        );
        assert_eq!(merge(Some(&b), std::slice::from_ref(&b), &[]), None);
        assert_eq!(entries(b"\x05ab"), None, "malformed");
        assert_eq!(
            merge(Some(b"\x05ab"), &[], std::slice::from_ref(&a)),
            Some(a)
        );
    }

    #[test]
    fn a_delta_leaves_shared_postings_alone() {
        let old = vec![posting("anlage", 7, "OPP1"), posting("norden", 7, "OPP1")];
        let mut new = vec![posting("anlage", 7, "OPP1"), posting("sueden", 7, "OPP1")];
        new.sort();
        let d = delta(&old, &new);
        assert_eq!(d.len(), 2);
        assert!(d.values().all(|(r, a)| r.len() + a.len() == 1));
        assert!(delta(&new, &new).is_empty());
    }

    #[test]
    fn buckets_pack_like_single_writes() {
        let ps = vec![
            posting("anlage", 7, "OPP0000002"),
            posting("anlage", 7, "OPP0000001"),
            posting("angebot", 7, "OPP0000001"),
        ];
        let mut buckets = Buckets::default();
        buckets.add(ps.clone());
        let packed = buckets.packed();
        assert_eq!(packed.len(), 1);
        let mut value: Option<Vec<u8>> = None;
        for (_, e) in &ps {
            value = merge(value.as_deref(), &[], std::slice::from_ref(e));
        }
        assert_eq!(packed[0].1, value.unwrap());
    }
}
