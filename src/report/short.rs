//! Figures short enough for a chart's label at 80 columns: `1.2M €`, `350k $`,
//! `1,2 Mio. €` in German.

use super::Sums;
use crate::model::{Lang, Money};

fn symbol(code: &str) -> &str {
    match code {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        "JPY" => "¥",
        other => other,
    }
}

/// A number of whole units scaled to k, M or bn with one decimal below ten.
fn scaled(units: f64, lang: Lang) -> String {
    let (value, suffix) = match units.abs() {
        a if a >= 1e9 => (units / 1e9, if lang == Lang::De { " Mrd." } else { "bn" }),
        a if a >= 1e6 => (units / 1e6, if lang == Lang::De { " Mio." } else { "M" }),
        a if a >= 1e3 => (units / 1e3, if lang == Lang::De { " Tsd." } else { "k" }),
        _ => (units, ""),
    };
    let text = if suffix.is_empty() || value.abs() >= 10.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    let text = if lang == Lang::De {
        text.replace('.', ",")
    } else {
        text
    };
    format!("{text}{suffix}")
}

/// An amount in a chart's words: `1.2M €`.
pub fn short_money(m: Money, lang: Lang) -> String {
    let units = m.cents as f64 / 10f64.powi(i32::from(m.currency.decimals()));
    format!("{} {}", scaled(units, lang), symbol(m.currency.as_str()))
}

/// A sum per currency in a chart's words: `1.2M € + 40k $`; `0` when empty.
pub fn short_sums(s: &Sums, lang: Lang) -> String {
    if s.is_empty() {
        return "0".into();
    }
    s.iter()
        .map(|m| short_money(m, lang))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A count in a chart's words: `12`, `1.5k`.
pub fn short_count(n: u64, lang: Lang) -> String {
    scaled(n as f64, lang)
}
