//! The address books' CSV dialects (Outlook desktop and Outlook.com in English and
//! German, Google current and legacy, Thunderbird in English and German): their
//! columns by header name, mapped onto sales-contact fields; and Outlook CSV out.
//!
//! `aliases` holds the dialects' columns (the Outlook table also gives the
//! export's headers), `plan` maps a sheet through them, `person` gathers one
//! contact (the vCard reader fills the same), `dates` reads birthdays.

use std::io::Write;

use super::{Format, Mapped, Sheet, Sink};
use crate::model::Lang;

pub(crate) mod aliases;
pub(crate) mod dates;
mod outlook;
pub(crate) mod person;
mod plan;

#[cfg(test)]
pub(crate) mod tests;

/// The address-book dialect these headers are, if any: the dialect with the most
/// headers that only it has (our own field names and labels count for none),
/// compared case-insensitively and trimmed.
pub fn recognise(headers: &[String]) -> Option<Format> {
    aliases::recognise(headers)
}

/// The sheet's rows as sales-contact field values: by header name through the
/// dialect's alias table (the sheet's format, else the recognised one), each
/// value in its field; what no field takes goes into the notes as "Label: value"
/// lines. A vCard sheet, or one headed by field names, maps as it is.
pub fn map(sheet: &Sheet) -> Mapped {
    plan::map(sheet)
}

/// Writes sales contacts as Outlook CSV (the desktop layout with English or
/// German headers), UTF-8 with a BOM, cells neutralised against formulas.
pub fn outlook_sink(
    out: Box<dyn Write + Send>,
    file: &str,
    lang: Lang,
    delimiter: u8,
) -> Box<dyn Sink> {
    outlook::sink(out, file, lang, delimiter)
}
