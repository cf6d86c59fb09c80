//! "Did you mean": the nearest of a set of names by edit distance.

/// Levenshtein distance over characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name`, if it is close enough to be a plausible typo
/// (or `name` is a prefix of it).
/// A name or candidate longer than `MAX_CHARS` is no typo of anything: it is
/// skipped, so that a huge input never costs a long search.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = name.chars().count();
    if len > MAX_CHARS {
        return None;
    }
    let lower = name.to_lowercase();
    let limit = (len / 3).max(2);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let clen = c.chars().count();
        if clen > MAX_CHARS {
            continue;
        }
        let cl = c.to_lowercase();
        let d = if cl.starts_with(&lower) && !lower.is_empty() {
            1
        } else if clen.abs_diff(len) > limit {
            // The distance is at least the difference in length: too far.
            continue;
        } else {
            distance(&lower, &cl)
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.filter(|(d, _)| *d <= limit).map(|(_, c)| c)
}

/// Names longer than this are not compared.
pub const MAX_CHARS: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_prefixes() {
        assert_eq!(distance("kitten", "sitting"), 3);
        let names = ["territory", "sales_team", "opportunity"];
        assert_eq!(nearest("teritory", names), Some("territory"));
        assert_eq!(nearest("opp", names), Some("opportunity"));
        assert_eq!(nearest("zzzzzz", names), None);
        let huge = "t".repeat(100_000);
        let start = std::time::Instant::now();
        assert_eq!(nearest(&huge, names), None);
        assert_eq!(
            nearest("territory", [huge.as_str(), "territory"]),
            Some("territory")
        );
        assert!(start.elapsed() < std::time::Duration::from_millis(100));
    }
}
