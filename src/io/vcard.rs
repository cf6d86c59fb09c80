//! vCard 2.1, 3.0 and 4.0: reading into a sheet of sales-contact fields, and
//! writing contacts.

use std::io::Write;

use super::{IoError, Sheet, Sink, VcardVersion};

/// Reads a vCard file (raw bytes: a 2.1 card may name its own CHARSET).
pub fn read(file: &str, bytes: &[u8]) -> Result<Sheet, IoError> {
    let _ = bytes;
    Err(IoError::new(file, "reading vCard is not built yet"))
}

pub fn sink(out: Box<dyn Write + Send>, file: &str, version: VcardVersion) -> Box<dyn Sink> {
    let _ = (out, version);
    Box::new(Unbuilt(file.to_string()))
}

struct Unbuilt(String);

impl Sink for Unbuilt {
    fn push(&mut self, _: &dyn crate::model::Record) -> Result<(), IoError> {
        Err(IoError::new(&self.0, "writing vCard is not built yet"))
    }
    fn finish(self: Box<Self>) -> Result<(), IoError> {
        Ok(())
    }
}
