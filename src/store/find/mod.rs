//! Quick find over every entity: the words of each record's searchable fields
//! (names, companies, e-mails, phones; see `FieldDef::search`) and its key.
//!
//! `idx:find` holds a posting per (word, record), where `word` is folded (lower case,
//! no accents) and the record is named by its entity's byte (its place in
//! `model::ENTITIES`) and its key; postings are packed many to a sled entry (see
//! `layout`). A query reads, for each of its words, the postings of every indexed
//! word it begins (one prefix range of buckets), and the entity trees for keys it
//! begins; only those candidates are fetched and fuzzy-scored (skim) on their key and
//! searchable text. The postings are written in the same transaction as the record
//! (`index::entries`), checked by `crm check` and rebuilt by `--repair`.

use std::collections::{HashMap, HashSet};

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use super::{Result, Store, StoreError};
use crate::model::{self, EntityDef, KeyKind, Record, Value};
use crate::util::fold::{fold, words};

pub mod check;
pub mod layout;

pub use layout::Posting;

/// Postings read per query word at most; a word with more is too common to narrow
/// the search alone and only the first ones are taken.
const SCAN_CAP: usize = 5_000;
/// Records fetched and scored per query at most (besides those found by key): a
/// fetch and a score cost a few microseconds each.
const FETCH_CAP: usize = 300;
/// Keys taken from each entity tree for a query word that begins keys.
const KEYS_PER_ENTITY: usize = 10;
/// Words shorter than this are not indexed: initials, top-level domains (`de`) and
/// area codes are in too many records to narrow a search, and each indexed word
/// costs an entry of its own.
const MIN_WORD: usize = 3;
/// A query of only shorter words still looks them up by prefix, from this length.
const MIN_QUERY: usize = 2;

/// One record quick find found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FindHit {
    #[serde(with = "crate::util::statics::entity_def")]
    pub entity: &'static EntityDef,
    pub key: String,
    /// The record's searchable fields, joined by " · ".
    pub text: String,
    /// Skim's score summed over the query's words; higher is better.
    pub score: i64,
    /// Where the record is (its `city`, when it has one; see `ops::names::detail`).
    pub city: String,
    /// A converted prospect: the customer it became.
    pub converted: Option<String>,
}

/// A record's searchable fields (in declaration order), joined by " · ".
pub fn search_text(record: &dyn Record) -> String {
    let def = record.def();
    let mut out = String::new();
    for (i, f) in def.fields.iter().enumerate() {
        if !f.search {
            continue;
        }
        if let Value::Text(t) = record.get(i) {
            let t = t.trim();
            if !t.is_empty() {
                if !out.is_empty() {
                    out.push_str(" · ");
                }
                out.push_str(t);
            }
        }
    }
    out
}

/// The entity's one-byte code in the find index.
fn entity_code(def: &EntityDef) -> u8 {
    let at = model::ENTITIES.iter().position(|d| d.name == def.name);
    // The registry holds 31 entities; the registry test keeps it under 256.
    at.unwrap_or(0) as u8
}

/// The folded words a record is found by: every word of its searchable fields; of a
/// phone number, its digits run together (`+49 40 4711` as `49404711`) and its
/// groups after the country and area codes.
pub fn index_words(record: &dyn Record) -> Vec<String> {
    let def = record.def();
    let mut out = Vec::new();
    for (i, f) in def.fields.iter().enumerate() {
        if !f.search {
            continue;
        }
        let Value::Text(t) = record.get(i) else {
            continue;
        };
        let folded = fold(&t);
        match phone_digits(&folded) {
            Some(digits) => {
                out.push(digits);
                let codes = if folded.trim_start().starts_with('+') {
                    2
                } else {
                    1
                };
                out.extend(words(&folded).skip(codes).map(str::to_string));
            }
            None => out.extend(words(&folded).map(str::to_string)),
        }
    }
    out.retain(|w| w.chars().count() >= MIN_WORD);
    out.sort();
    out.dedup();
    out
}

/// The digits of a text that is a phone number of several groups.
fn phone_digits(text: &str) -> Option<String> {
    let phone_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '/' | '(' | ')' | '.'));
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let groups = words(text).count();
    (phone_like && groups > 1 && digits.len() >= MIN_WORD).then_some(digits)
}

/// The `idx:find` postings of a record, sorted.
pub fn postings(record: &dyn Record) -> Vec<Posting> {
    let code = entity_code(record.def());
    let mut out: Vec<Posting> = index_words(record)
        .into_iter()
        .map(|w| layout::posting(&w, code, record.key()))
        .collect();
    out.sort_unstable();
    out
}

/// A readable form of a posting, for `crm check`.
pub fn show_posting(bucket: &[u8], entry: &[u8]) -> String {
    match layout::decode(bucket, entry) {
        Some((word, code, key)) => match model::ENTITIES.get(usize::from(code)) {
            Some(def) => format!("find / {word} / {} / {key}", def.name),
            None => format!("find / {word} / (entity {code}) / {key}"),
        },
        None => format!(
            "find / {} / (unreadable entry)",
            String::from_utf8_lossy(layout::bucket_parts(bucket).map_or(bucket, |p| p.0))
        ),
    }
}

/// The words of a query that pick candidates from the index. A word shorter than
/// any indexed one finds only longer words by its prefix, never itself, so it is
/// looked up only when the query has no longer word; otherwise the scoring alone
/// checks it.
fn lookup_words(terms: &[String]) -> Vec<String> {
    let all: Vec<&str> = terms.iter().flat_map(|t| words(t)).collect();
    let long: Vec<String> = all
        .iter()
        .filter(|w| w.chars().count() >= MIN_WORD)
        .map(|w| w.to_string())
        .collect();
    if !long.is_empty() {
        return long;
    }
    all.iter()
        .filter(|w| w.chars().count() >= MIN_QUERY)
        .map(|w| w.to_string())
        .collect()
}

type Candidate = (u8, String);

/// Whether `upper` begins some key generated with `prefix` (prefix and digits).
fn begins_generated(upper: &str, prefix: &str) -> bool {
    match upper.strip_prefix(prefix) {
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
        None => prefix.starts_with(upper),
    }
}

/// The longest text quick find looks for (in characters): names, e-mails and
/// phones are far shorter, and a longer one would take seconds to score.
pub const MAX_FIND_CHARS: usize = 200;

impl Store {
    /// The `limit` records that match every word of `query` best, by fuzzy score over
    /// their key and searchable fields (names, companies, e-mails, phones).
    pub fn find(&self, query: &str, limit: usize) -> Result<Vec<FindHit>> {
        let n = query.trim().chars().count();
        if n > MAX_FIND_CHARS {
            return Err(StoreError::Refused(format!(
                "the text to find is too long: {n} characters, at most {MAX_FIND_CHARS}"
            )));
        }
        let terms: Vec<String> = query.split_whitespace().map(fold).collect();
        if terms.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut seen: HashSet<Candidate> = HashSet::new();
        for term in &terms {
            for c in self.key_candidates(term)? {
                if seen.insert(c.clone()) {
                    candidates.push(c);
                }
            }
        }
        for c in self.word_candidates(&terms)? {
            if seen.insert(c.clone()) {
                candidates.push(c);
            }
        }

        let matcher = SkimMatcherV2::default().respect_case();
        let mut hits = Vec::new();
        for (code, key) in candidates {
            let Some(def) = model::ENTITIES.get(usize::from(code)).copied() else {
                continue;
            };
            // An entry left by a crash mid-load has no record; `crm check --repair`
            // removes it, a search skips it.
            let Some(record) = self.get(def, &key)? else {
                continue;
            };
            let text = search_text(record.as_ref());
            let haystack = fold(&format!("{key} {text}"));
            // The record's own name (its first searchable field) matching every
            // word ranks it before records that merely mention the words.
            let title = fold(text.split(" · ").next().unwrap_or_default());
            let named = terms.iter().all(|t| title.contains(t.as_str()));
            let mut score = 0;
            let all = terms
                .iter()
                .all(|t| match matcher.fuzzy_match(&haystack, t) {
                    Some(s) => {
                        score += s;
                        true
                    }
                    None => false,
                });
            if all {
                hits.push((
                    !named,
                    FindHit {
                        entity: def,
                        key,
                        text,
                        score,
                        city: String::new(),
                        converted: None,
                    },
                ));
            }
        }
        hits.sort_by(|(an, a), (bn, b)| {
            an.cmp(bn)
                .then_with(|| b.score.cmp(&a.score))
                .then_with(|| entity_code(a.entity).cmp(&entity_code(b.entity)))
                .then_with(|| a.key.cmp(&b.key))
        });
        hits.truncate(limit);
        Ok(hits.into_iter().map(|(_, hit)| hit).collect())
    }

    /// Records whose key begins with `term` (in any entity), or whose generated key
    /// it abbreviates: `opp12` and `12` for OPP0000012.
    fn key_candidates(&self, term: &str) -> Result<Vec<Candidate>> {
        let upper = term.to_uppercase();
        let mut out = Vec::new();
        if upper.is_empty()
            || !upper
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        {
            return Ok(out);
        }
        let letters: String = upper
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        let digits = &upper[letters.len()..];
        let number = (!digits.is_empty() && digits.len() <= 7)
            .then(|| digits.parse::<u64>().ok())
            .flatten();
        for (code, def) in model::ENTITIES.iter().enumerate() {
            let tree = &self.tree(def).0;
            if let (KeyKind::Generated(prefix), Some(n)) = (def.key, number) {
                if letters.is_empty() || letters == prefix {
                    let key = super::write::generated_key(prefix, n);
                    if tree.contains_key(key.as_bytes())? {
                        out.push((code as u8, key));
                    }
                }
            }
            // Generated keys are a prefix and digits: other terms begin none of them,
            // and their tree is not read (on a fresh open each tree read costs a
            // page load).
            if let KeyKind::Generated(prefix) = def.key {
                if !begins_generated(&upper, prefix) {
                    continue;
                }
            }
            for k in tree
                .scan_prefix(upper.as_bytes())
                .keys()
                .take(KEYS_PER_ENTITY)
            {
                out.push((code as u8, String::from_utf8_lossy(&k?).into_owned()));
            }
        }
        Ok(out)
    }

    /// Records with an indexed word that begins each lookup word of the query. Words
    /// whose postings were read completely are intersected; if every word is too
    /// common for that, the longest word's first postings stand in. Candidates whose
    /// indexed words are closest to the query's (shortest) come first, so that only
    /// the likeliest are fetched. A phone number typed differently from how it is
    /// stored (`040 4711` for `+49 40 4711`) finds nothing by its digits and is
    /// looked up by its groups instead.
    fn word_candidates(&self, terms: &[String]) -> Result<Vec<Candidate>> {
        let mut lookups = lookup_words(terms);
        if let Some(digits) = phone_digits(&terms.join(" ")) {
            if !self.postings_of(&digits, 0)?.is_empty() {
                lookups = vec![digits];
            }
        }
        // Per candidate: how many characters its indexed word has beyond the query's.
        let mut complete: Vec<HashMap<Candidate, usize>> = Vec::new();
        let mut longest: Option<(usize, Vec<(usize, Candidate)>)> = None;
        for word in lookups {
            let found = self.postings_of(&word, SCAN_CAP)?;
            // A word no record has (a city, a typo) picks nothing; the scoring
            // decides whether a candidate matches it anyway (skim allows gaps).
            if found.is_empty() {
                continue;
            }
            if found.len() <= SCAN_CAP {
                let mut set: HashMap<Candidate, usize> = HashMap::with_capacity(found.len());
                for (extra, c) in found {
                    let e = set.entry(c).or_insert(extra);
                    *e = (*e).min(extra);
                }
                complete.push(set);
            } else if longest.as_ref().is_none_or(|(n, _)| word.len() > *n) {
                longest = Some((word.len(), found));
            }
        }
        let mut ranked: Vec<(usize, Candidate)> = if complete.is_empty() {
            longest.map(|(_, found)| found).unwrap_or_default()
        } else {
            complete.sort_by_key(HashMap::len);
            let (first, rest) = complete.split_first().expect("not empty");
            first
                .iter()
                .filter_map(|(c, extra)| {
                    let mut sum = *extra;
                    for other in rest {
                        sum += other.get(c)?;
                    }
                    Some((sum, c.clone()))
                })
                .collect()
        };
        ranked.sort_unstable();
        ranked.truncate(FETCH_CAP);
        Ok(ranked.into_iter().map(|(_, c)| c).collect())
    }

    /// The postings of every indexed word that begins `word`, as (how many bytes
    /// the indexed word has beyond it, record), in index order; at most `cap + 1`.
    fn postings_of(&self, word: &str, cap: usize) -> Result<Vec<(usize, Candidate)>> {
        let typed = word.as_bytes();
        let mut out = Vec::new();
        for kv in self.idx_find.scan_prefix(layout::scan_prefix(word)) {
            let (k, v) = kv?;
            let Some((head, code, block)) = layout::bucket_parts(&k) else {
                continue;
            };
            // The typed word beyond the head; a bucket whose head it does not begin
            // holds none of its words.
            if !typed.starts_with(&head[..head.len().min(typed.len())]) {
                continue;
            }
            let beyond = typed.get(head.len()..).unwrap_or_default();
            for (rest, tail) in layout::walk(&v) {
                if !rest.starts_with(beyond) {
                    continue;
                }
                let extra = (head.len() + rest.len()).saturating_sub(typed.len());
                let mut key = Vec::with_capacity(block.len() + tail.len());
                key.extend_from_slice(block);
                key.extend_from_slice(tail);
                let key = String::from_utf8_lossy(&key).into_owned();
                out.push((extra, (code, key)));
                if out.len() > cap {
                    return Ok(out);
                }
            }
        }
        Ok(out)
    }

    /// The size of the find index: sled entries, postings, and bytes of keys and
    /// values (before sled's own overhead).
    pub fn find_index_size(&self) -> Result<(usize, usize, usize)> {
        let (mut entries, mut postings, mut bytes) = (0, 0, 0);
        for kv in self.idx_find.iter() {
            let (k, v) = kv?;
            entries += 1;
            postings += layout::entries(&v).map_or(0, |l| l.len());
            bytes += k.len() + v.len();
        }
        Ok((entries, postings, bytes))
    }

    /// Every posting of the find index as (word, entity, key), sorted (for checks
    /// against the records).
    pub fn find_index(&self) -> Result<Vec<(String, &'static str, String)>> {
        let mut out = Vec::new();
        for kv in self.idx_find.iter() {
            let (k, v) = kv?;
            for e in layout::entries(&v).unwrap_or_default() {
                out.push(match layout::decode(&k, e) {
                    Some((word, code, key)) => {
                        let entity = model::ENTITIES
                            .get(usize::from(code))
                            .map_or("?", |d| d.name);
                        (word, entity, key)
                    }
                    None => (String::new(), "?", String::new()),
                });
            }
        }
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Customer, SalesContact};

    #[test]
    fn words_come_from_searchable_fields_folded_with_phone_digits() {
        let c = Customer {
            key: "CUS0000001".into(),
            name: "Müller Maschinenbau GmbH".into(),
            phone: "+49 40 4711-0815".into(),
            email: "Info@Mueller.de".into(),
            city: "Hamburg".into(),
            ..Default::default()
        };
        assert_eq!(
            index_words(&c),
            [
                "0815",
                "4711",
                "494047110815",
                "gmbh",
                "info",
                "maschinenbau",
                "mueller",
                "muller"
            ],
            "no city (not searchable), no area code, no top-level domain"
        );
        assert_eq!(
            search_text(&c),
            "Müller Maschinenbau GmbH · +49 40 4711-0815 · Info@Mueller.de"
        );
    }

    #[test]
    fn only_a_prefix_and_digits_begin_a_generated_key() {
        for (term, begins) in [
            ("OPP0000123", true),
            ("OPP12", true),
            ("OP", true),
            ("OPP", true),
            ("SCHWARZ", false),
            ("OPPX", false),
            ("OPP12A", false),
            ("12", false),
        ] {
            assert_eq!(begins_generated(term, "OPP"), begins, "{term}");
        }
    }

    #[test]
    fn every_entity_has_a_one_byte_code() {
        assert!(model::ENTITIES.len() <= 256);
        for (i, def) in model::ENTITIES.iter().enumerate() {
            assert_eq!(usize::from(entity_code(def)), i);
        }
    }

    #[test]
    fn a_posting_names_its_record() {
        let s = SalesContact {
            key: "CON0000007".into(),
            last_name: "Özdemir".into(),
            ..Default::default()
        };
        let p = postings(&s);
        assert_eq!(p.len(), 1);
        assert_eq!(
            show_posting(&p[0].0, &p[0].1),
            "find / ozdemir / sales_contact / CON0000007"
        );
    }
}
