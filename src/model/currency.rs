//! ISO 4217 currencies: the codes termcrm knows and how many decimals each has.
//! Amounts are held in hundredths of the major unit whatever the currency, so a
//! currency with three decimals (BHD, KWD, ...) cannot be held and is refused by
//! name.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency code, three upper-case letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Currency(pub [u8; 3]);

/// The known currencies and their decimals (minor-unit digits).
const KNOWN: &[(&str, u8)] = &[
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JPY", 0),
    ("KES", 2),
    ("KRW", 0),
    ("MAD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NGN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("PEN", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("UYU", 2),
    ("VND", 0),
    ("ZAR", 2),
];

/// ISO currencies with three decimals, which hundredths cannot hold.
const THREE_DECIMALS: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");
    pub const USD: Currency = Currency(*b"USD");

    /// A known currency code, any case; None for anything else.
    pub fn parse(s: &str) -> Option<Currency> {
        Currency::lookup(s).ok()
    }

    /// A known currency code, any case, or an error naming the code and what to
    /// write instead.
    pub fn lookup(s: &str) -> Result<Currency, String> {
        let upper = s.trim().to_ascii_uppercase();
        if upper.len() != 3 || !upper.bytes().all(|c| c.is_ascii_uppercase()) {
            return Err(format!(
                "'{s}' is not a currency code (three letters, as in EUR, USD, CHF)"
            ));
        }
        if THREE_DECIMALS.contains(&upper.as_str()) {
            return Err(format!(
                "{upper} has three decimals, which amounts here (hundredths) cannot hold"
            ));
        }
        match KNOWN.iter().find(|(code, _)| *code == upper) {
            Some((code, _)) => {
                let b = code.as_bytes();
                Ok(Currency([b[0], b[1], b[2]]))
            }
            None => Err(format!(
                "{upper} is not an ISO 4217 currency code known here (use EUR, USD, GBP, CHF, JPY, ...)"
            )),
        }
    }

    /// How many decimals amounts in this currency have (JPY 0, EUR 2); 2 for a
    /// code outside the list (read from an older database).
    pub fn decimals(&self) -> u8 {
        KNOWN
            .iter()
            .find(|(code, _)| code.as_bytes() == self.0)
            .map_or(2, |(_, d)| *d)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::EUR
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
