//! The chart's prompt line: what `p` (sales period), `d` (date range), `s`
//! (salesperson, team or territory) and `b` (group by) ask, prefilled with what
//! the report reads now, and the params the typed text makes. A text that cannot
//! be read says why in one line and changes nothing.

use chrono::NaiveDate;

use crate::api::report::Params;
use crate::model::value::parse_date;
use crate::model::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Period,
    Range,
    Filter,
    By,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
}

/// `from..to` of the params, either end left out when open.
fn range_text(p: &Params) -> String {
    let show = |d: Option<NaiveDate>| d.map_or_else(String::new, |d| d.to_string());
    match (p.from, p.to) {
        (None, None) => String::new(),
        (from, to) => format!("{}..{}", show(from), show(to)),
    }
}

/// The filters of the params as `s` takes them.
fn filter_text(p: &Params) -> String {
    let mut parts = Vec::new();
    for (name, v) in [
        ("salesperson", &p.salesperson),
        ("team", &p.team),
        ("territory", &p.territory),
    ] {
        if let Some(v) = v {
            parts.push(format!("{name}:{v}"));
        }
    }
    parts.extend(p.query.clone());
    parts.join(" ")
}

impl Prompt {
    pub fn open(kind: PromptKind, p: &Params) -> Prompt {
        let input = match kind {
            PromptKind::Period => p.period.clone().unwrap_or_default(),
            PromptKind::Range => range_text(p),
            PromptKind::Filter => filter_text(p),
            PromptKind::By => p.by.clone().unwrap_or_default(),
        };
        Prompt { kind, input }
    }

    pub fn label(&self, lang: Lang) -> &'static str {
        match (self.kind, lang) {
            (PromptKind::Period, Lang::En) => "Sales period (e.g. 2026-Q4; empty: the default)",
            (PromptKind::Period, Lang::De) => "Verkaufsperiode (z. B. 2026-Q4; leer: Vorgabe)",
            (PromptKind::Range, Lang::En) => {
                "Dates from..to (2026-01-01, today, -90d; empty: none)"
            }
            (PromptKind::Range, Lang::De) => {
                "Zeitraum von..bis (2026-01-01, heute, -90d; leer: keiner)"
            }
            (PromptKind::Filter, Lang::En) => {
                "Filter (salesperson:CODE or me, team:CODE, territory:CODE; empty: none)"
            }
            (PromptKind::Filter, Lang::De) => {
                "Filter (salesperson:CODE oder me, team:CODE, territory:CODE; leer: keiner)"
            }
            (PromptKind::By, Lang::En) => {
                "Group by (a field, e.g. salesperson; empty: the default)"
            }
            (PromptKind::By, Lang::De) => {
                "Gruppieren nach (ein Feld, z. B. salesperson; leer: Vorgabe)"
            }
        }
    }

    /// The params the typed text makes of `p`; dates count from `today`.
    pub fn apply(&self, p: &Params, today: NaiveDate) -> Result<Params, String> {
        let text = self.input.trim();
        let some = |t: &str| Some(t.to_string()).filter(|t| !t.is_empty());
        let mut out = p.clone();
        match self.kind {
            // A period and a date range exclude each other: the one given wins.
            PromptKind::Period => {
                out.period = some(text);
                out.from = None;
                out.to = None;
            }
            PromptKind::Range => {
                let (from, to) = text.split_once("..").unwrap_or((text, ""));
                let date = |t: &str| -> Result<Option<NaiveDate>, String> {
                    let t = t.trim();
                    if t.is_empty() {
                        return Ok(None);
                    }
                    parse_date(t, today).map(Some)
                };
                out.from = date(from)?;
                out.to = date(to)?;
                if let (Some(f), Some(t)) = (out.from, out.to) {
                    if f > t {
                        return Err(format!(
                            "dates: {f} is after {t}; give the earlier date first (from..to)"
                        ));
                    }
                }
                out.period = None;
            }
            PromptKind::Filter => {
                out.salesperson = None;
                out.team = None;
                out.territory = None;
                let mut query = Vec::new();
                for word in text.split_whitespace() {
                    let (field, value) = word.split_once(':').unwrap_or(("", word));
                    let slot = match field.to_ascii_lowercase().as_str() {
                        "salesperson" => &mut out.salesperson,
                        "team" | "sales_team" => &mut out.team,
                        "territory" => &mut out.territory,
                        // Anything else is a query over the report's records.
                        _ => {
                            query.push(word);
                            continue;
                        }
                    };
                    if value.is_empty() {
                        return Err(format!(
                            "filter: {field}: needs a code, such as {field}:NORD"
                        ));
                    }
                    *slot = Some(value.to_string());
                }
                out.query = some(&query.join(" "));
            }
            PromptKind::By => out.by = some(text),
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn apply(kind: PromptKind, p: &Params, input: &str) -> Result<Params, String> {
        let prompt = Prompt {
            kind,
            input: input.into(),
        };
        prompt.apply(p, day("2026-11-20"))
    }

    #[test]
    fn a_range_reads_dates_relative_ones_and_open_ends() {
        let p = apply(PromptKind::Range, &Params::default(), "-90d..today").unwrap();
        assert_eq!(
            (p.from, p.to),
            (Some(day("2026-08-22")), Some(day("2026-11-20")))
        );
        let p = apply(PromptKind::Range, &p, "2026-01-01").unwrap();
        assert_eq!((p.from, p.to), (Some(day("2026-01-01")), None));
        assert_eq!(Prompt::open(PromptKind::Range, &p).input, "2026-01-01..");
        let p = apply(PromptKind::Range, &p, "..2026-03-31").unwrap();
        assert_eq!((p.from, p.to), (None, Some(day("2026-03-31"))));
        let err = apply(PromptKind::Range, &p, "2026-05-01..2026-01-01").unwrap_err();
        assert!(err.contains("earlier date first"), "{err}");
        let err = apply(PromptKind::Range, &p, "soon").unwrap_err();
        assert!(err.contains("'soon' is not a date"), "{err}");
        // A period replaces the range, and the other way round.
        let p = apply(PromptKind::Period, &p, " 2026-Q4 ").unwrap();
        assert_eq!(
            (p.period.as_deref(), p.from, p.to),
            (Some("2026-Q4"), None, None)
        );
        let p = apply(PromptKind::Range, &p, "").unwrap();
        assert_eq!((p.period, p.from, p.to), (None, None, None));
    }

    #[test]
    fn a_filter_takes_salesperson_team_territory_and_a_query() {
        let p = apply(
            PromptKind::Filter,
            &Params::default(),
            "team:UK territory:NORD stage:PROPOSAL",
        )
        .unwrap();
        assert_eq!(p.team.as_deref(), Some("UK"));
        assert_eq!(p.territory.as_deref(), Some("NORD"));
        assert_eq!(p.query.as_deref(), Some("stage:PROPOSAL"));
        assert_eq!(
            Prompt::open(PromptKind::Filter, &p).input,
            "team:UK territory:NORD stage:PROPOSAL"
        );
        let p = apply(PromptKind::Filter, &p, "salesperson:me").unwrap();
        assert_eq!(p.salesperson.as_deref(), Some("me"));
        assert_eq!((p.team, p.territory, p.query), (None, None, None));
        let err = apply(PromptKind::Filter, &Params::default(), "territory:").unwrap_err();
        assert!(err.contains("needs a code"), "{err}");
        let p = apply(PromptKind::By, &Params::default(), "team").unwrap();
        assert_eq!(p.by.as_deref(), Some("team"));
    }
}
