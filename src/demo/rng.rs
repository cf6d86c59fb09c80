//! A tiny deterministic PRNG (splitmix64) and the small helpers the generator uses:
//! per-record streams, picks, dates and generated keys.

use chrono::{Duration, NaiveDate, NaiveDateTime};

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 finaliser: a good 64-bit mix of one value.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// splitmix64: tiny, fast, and good enough for demo data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The stream of one record: a pure function of (seed, stream tag, index), so any
    /// record (or the few facts others need of it) can be recomputed from its index.
    #[inline]
    pub fn of(seed: u64, tag: u64, index: u64) -> Rng {
        Rng(mix(seed
            ^ mix(
                tag.wrapping_mul(GOLDEN) ^ index.wrapping_add(tag << 40)
            )))
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n` > 0), by multiply-shift.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() >> 32) * n) >> 32
    }

    #[inline]
    pub fn below_usize(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    #[inline]
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent` / 100.
    #[inline]
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    #[inline]
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below_usize(items.len())]
    }

    #[inline]
    pub fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below_usize(items.len())]
    }

    /// Roughly log-uniform between `lo` and `hi` (both > 0): many small, few large.
    pub fn log_uniform(&mut self, lo: i64, hi: i64) -> i64 {
        let (l, h) = ((lo as f64).ln(), (hi as f64).ln());
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((l + (h - l) * u).exp() as i64).clamp(lo, hi)
    }

    /// A day in `from..=to`.
    pub fn date(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let days = (to - from).num_days().max(0);
        from + Duration::days(self.range(0, days))
    }

    /// A date-time in office hours (8:00–17:45, quarter hours) on a weekday-ish day.
    pub fn office_time(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDateTime {
        let day = self.date(from, to);
        let minutes = self.range(32, 71) * 15;
        day.and_hms_opt((minutes / 60) as u32, (minutes % 60) as u32, 0)
            .expect("office hours are valid times")
    }
}

pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("demo dates are valid")
}

/// `prefix` + seven zero-padded digits of `n`, as the store generates them.
pub fn key(prefix: &str, n: u64) -> String {
    let mut s = String::with_capacity(prefix.len() + 7);
    s.push_str(prefix);
    push_padded(&mut s, n, 7);
    s
}

/// Appends `n` zero-padded to `width` digits, without `format!`.
pub fn push_padded(s: &mut String, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    while n > 0 {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let start = buf.len() - width.max(buf.len() - i);
    s.extend(buf[start..].iter().map(|&b| b as char));
}

/// Appends `n` in decimal.
pub fn push_num(s: &mut String, n: u64) {
    push_padded(s, n, 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_numbers() {
        assert_eq!(key("OPP", 1), "OPP0000001");
        assert_eq!(key("OPP", 12_345_678), "OPP12345678");
        let mut s = String::new();
        push_num(&mut s, 0);
        push_num(&mut s, 8033);
        assert_eq!(s, "08033");
    }

    #[test]
    fn below_stays_in_range_and_streams_differ() {
        let mut r = Rng::of(1, 2, 3);
        assert!((0..10_000).all(|_| r.below(7) < 7));
        assert_ne!(Rng::of(1, 2, 3).next_u64(), Rng::of(1, 2, 4).next_u64());
        assert_ne!(Rng::of(1, 2, 3).next_u64(), Rng::of(1, 3, 3).next_u64());
        assert_ne!(Rng::of(1, 2, 3).next_u64(), Rng::of(2, 2, 3).next_u64());
    }
}
