//! Generators: text from a grammar's tokens mixed with what breaks parsers —
//! multi-byte and right-to-left characters, other scripts' digits, control
//! characters and escape sequences, huge numbers, long runs, deep nesting.

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

/// Pieces that have broken parsers or terminals.
pub const NASTY: &[&str] = &[
    "€",
    "ü",
    "ß",
    "٣",
    "١٢",
    "۴",
    "５",
    "𝟘",
    "東京",
    "é",
    "\u{301}",
    "\u{200b}",
    "\u{feff}",
    "\u{202e}",
    "\u{2066}",
    "\u{200f}",
    "\u{1b}[2J",
    "\u{1b}]0;title\u{7}",
    "\u{1b}]52;c;AAAA\u{7}",
    "\u{7}",
    "\u{0}",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u{7f}",
    "\u{85}",
    "\u{9b}",
    "\u{2028}",
    " ",
    "  ",
    "\"",
    "'",
    "\\",
    "\\\"",
    "\\n",
    "%",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "|",
    ";",
    ",",
    ".",
    ":",
    "=",
    "+",
    "-",
    "*",
    "/",
    "#",
    "&",
    "<",
    ">",
    "@",
    "~",
    "$",
    "😀",
    "\u{fffd}",
];

/// A decimal number of 1 to 40 digits, sometimes exactly at an integer limit.
pub fn number() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[0-9]{1,6}",
        2 => "[0-9]{7,40}",
        1 => prop::sample::select(vec![
            "0", "00", "127", "128", "255", "256", "65535", "65536",
            "2147483647", "2147483648", "4294967295", "4294967296", "4294967297",
            "9223372036854775807", "9223372036854775808", "18446744073709551615",
            "18446744073709551616", "170141183460469231731687303715884105727",
            "99999999", "9999999999", "36500", "36501", "1200", "1201", "100", "101",
        ])
        .prop_map(str::to_string),
    ]
    .boxed()
}

/// One piece of text: mostly a token of the grammar.
fn piece(tokens: Vec<&'static str>) -> BoxedStrategy<String> {
    prop_oneof![
        8 => prop::sample::select(tokens).prop_map(str::to_string),
        2 => number(),
        2 => prop::sample::select(NASTY).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        1 => "\\PC{0,4}",
    ]
    .boxed()
}

/// Text of up to `max` pieces from `tokens`, now and then one piece repeated
/// hundreds or thousands of times.
pub fn grammar(tokens: Vec<&'static str>, max: usize) -> BoxedStrategy<String> {
    let parts = prop::collection::vec(piece(tokens.clone()), 0..max).prop_map(|v| v.concat());
    let long = (piece(tokens), 100usize..12_000).prop_map(|(p, n)| p.repeat(n));
    prop_oneof![
        12 => parts,
        1 => long,
        1 => any::<String>(),
    ]
    .boxed()
}

/// `inner` inside `n` openers and closers (parentheses, NOTs …), n up to 10,000.
pub fn nested(
    open: &'static str,
    close: &'static str,
    inner: BoxedStrategy<String>,
) -> BoxedStrategy<String> {
    let depth = prop_oneof![4 => 0usize..80, 1 => 80usize..10_001];
    (depth, inner, any::<bool>())
        .prop_map(move |(n, inner, closed)| {
            let closers = if closed { n } else { n / 2 };
            format!("{}{inner}{}", open.repeat(n), close.repeat(closers))
        })
        .boxed()
}

/// Random bytes, or `valid` cut short, with bytes flipped, or with garbage after.
pub fn mangled(valid: Vec<Vec<u8>>) -> BoxedStrategy<Vec<u8>> {
    let pick = prop::sample::select(valid);
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..512),
        2 => (pick.clone(), any::<prop::sample::Index>())
            .prop_map(|(v, i)| v[..i.index(v.len() + 1)].to_vec()),
        3 => (pick.clone(), prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8))
            .prop_map(|(mut v, flips)| {
                if !v.is_empty() {
                    for (i, b) in flips {
                        let at = i.index(v.len());
                        v[at] = b;
                    }
                }
                v
            }),
        1 => (pick, prop::collection::vec(any::<u8>(), 1..64)).prop_map(|(mut v, tail)| {
            v.extend(tail);
            v
        }),
    ]
    .boxed()
}
