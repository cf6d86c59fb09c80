//! Outlook CSV out: the desktop layout's columns from the alias table in English
//! or German, then our three opt-out fields (Outlook has none); UTF-8 with a BOM,
//! every cell through `neutralise`.

use std::io::Write;

use super::aliases::{Addr, Col, Part, Phone, Role, OUTLOOK};
use super::person::{f, FIELDS};
use crate::io::{neutralise, IoError, Sink};
use crate::model::{Entity, Lang, Record, SalesContact, Value};

/// The field a column of the layout is written from.
fn source(col: &Col) -> Option<usize> {
    Some(match col.role {
        Role::Field(i) => i,
        Role::Phone(Phone::Work) => f::PHONE,
        Role::Phone(Phone::Mobile) => f::MOBILE,
        Role::Phone(Phone::Home) => f::HOME,
        Role::Phone(Phone::WorkFax) => f::FAX,
        Role::Email(n) => f::EMAIL + usize::from(n.min(2)),
        Role::Addr(Addr::Work, part) => match part {
            Part::Street(0) => f::STREET,
            Part::City => f::CITY,
            Part::Region => f::REGION,
            Part::Code => f::CODE,
            Part::Country => f::COUNTRY,
            _ => return None,
        },
        Role::Birthday => f::BIRTHDAY,
        _ => return None,
    })
}

const EXTRA: [usize; 3] = [f::NO_PROMOTIONS, f::NO_CALLS, f::NO_EMAIL];

struct OutlookSink {
    /// The output until the header is written, then the CSV writer over it.
    out: Option<Box<dyn Write + Send>>,
    writer: Option<csv::Writer<Box<dyn Write + Send>>>,
    delimiter: u8,
    file: String,
    lang: Lang,
    /// Per column: the field it is written from.
    sources: Vec<Option<usize>>,
    started: bool,
}

pub(crate) fn sink(
    out: Box<dyn Write + Send>,
    file: &str,
    lang: Lang,
    delimiter: u8,
) -> Box<dyn Sink> {
    let mut sources: Vec<Option<usize>> = OUTLOOK.iter().map(source).collect();
    sources.extend(EXTRA.iter().map(|i| Some(*i)));
    Box::new(OutlookSink {
        out: Some(out),
        writer: None,
        delimiter,
        file: file.to_string(),
        lang,
        sources,
        started: false,
    })
}

impl OutlookSink {
    fn start(&mut self) -> Result<(), IoError> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let lang = self.lang;
        let mut headers: Vec<&str> = OUTLOOK
            .iter()
            .map(|c| match lang {
                Lang::En => c.en,
                Lang::De => c.de,
            })
            .collect();
        for i in EXTRA {
            if let Some(fd) = SalesContact::DEF.field(FIELDS[i]) {
                headers.push(fd.label(lang));
            }
        }
        let Some(mut out) = self.out.take() else {
            return Err(failed(&self.file, "the file is closed"));
        };
        out.write_all(b"\xEF\xBB\xBF")
            .map_err(|e| failed(&self.file, e))?;
        let mut writer = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(out);
        writer
            .write_record(headers.iter().map(|h| neutralise(h).into_owned()))
            .map_err(|e| failed(&self.file, e))?;
        self.writer = Some(writer);
        Ok(())
    }
}

fn failed(file: &str, e: impl std::fmt::Display) -> IoError {
    IoError::new(file, format!("cannot write the file: {e}"))
}

/// A field's text for Outlook: dates as Outlook writes them in that language
/// ("1/31/1980", "31.01.1980").
fn cell(record: &dyn Record, field: usize, lang: Lang) -> String {
    let name = FIELDS[field];
    let value = record.value(name);
    match (&value, lang) {
        (Value::Date(d), Lang::En) => d.format("%-m/%-d/%Y").to_string(),
        (Value::Date(d), Lang::De) => d.format("%d.%m.%Y").to_string(),
        _ => match record.def().field(name) {
            Some(fd) => crate::model::format_value(&fd.kind, &value),
            None => String::new(),
        },
    }
}

impl Sink for OutlookSink {
    fn push(&mut self, record: &dyn Record) -> Result<(), IoError> {
        if record.def().name != SalesContact::DEF.name {
            return Err(IoError::new(
                &self.file,
                format!(
                    "an Outlook CSV file holds sales contacts, not {} records",
                    record.def().name
                ),
            ));
        }
        self.start()?;
        let lang = self.lang;
        let cells: Vec<String> = self
            .sources
            .iter()
            .map(|s| match s {
                Some(i) => neutralise(&cell(record, *i, lang)).into_owned(),
                None => String::new(),
            })
            .collect();
        match self.writer.as_mut() {
            Some(w) => w.write_record(&cells).map_err(|e| failed(&self.file, e)),
            None => Err(failed(&self.file, "the file is closed")),
        }
    }

    fn finish(mut self: Box<Self>) -> Result<(), IoError> {
        self.start()?;
        match self.writer.take() {
            Some(mut w) => w.flush().map_err(|e| failed(&self.file, e)),
            None => Ok(()),
        }
    }
}
