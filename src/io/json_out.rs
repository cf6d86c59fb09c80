//! JSON out: an array of objects keyed by field name.
//!
//! Each object is what `crm list --format json` prints for a record (`key` first,
//! then the fields; numbers, yes/no, lists and lines typed, the rest as text),
//! one object a line, streamed: the array is never held in memory.

use std::io::Write;

use super::csv_out::{check_columns, check_entity};
use super::{IoError, Sink};
use crate::model::value::value_to_json;
use crate::model::{EntityDef, Record};

/// A record as a JSON object: its key, then the fields at `fields` (indexes into
/// its entity's fields; others are left out) by name.
pub fn record_json(record: &dyn Record, fields: &[usize]) -> serde_json::Value {
    let def = record.def();
    let mut map = serde_json::Map::new();
    map.insert(
        "key".into(),
        serde_json::Value::String(record.key().to_string()),
    );
    for &i in fields {
        if let Some(f) = def.fields.get(i) {
            map.insert(f.name.to_string(), value_to_json(&f.kind, &record.get(i)));
        }
    }
    serde_json::Value::Object(map)
}

pub fn sink(
    out: Box<dyn Write + Send>,
    file: &str,
    def: &'static EntityDef,
    columns: Vec<usize>,
) -> Box<dyn Sink> {
    Box::new(JsonSink {
        file: file.to_string(),
        refused: check_columns(file, def, &columns).err(),
        def,
        columns,
        out,
        rows: 0,
    })
}

struct JsonSink {
    file: String,
    def: &'static EntityDef,
    columns: Vec<usize>,
    out: Box<dyn Write + Send>,
    /// Why nothing can be written (a column the entity lacks).
    refused: Option<IoError>,
    rows: usize,
}

impl JsonSink {
    fn fail(&self, e: impl std::fmt::Display) -> IoError {
        IoError::new(&self.file, format!("cannot write the file: {e}"))
    }

    fn refused(&self) -> Result<(), IoError> {
        match &self.refused {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

impl Sink for JsonSink {
    fn push(&mut self, record: &dyn Record) -> Result<(), IoError> {
        self.refused()?;
        check_entity(&self.file, self.def, record)?;
        let lead: &[u8] = if self.rows == 0 { b"[\n" } else { b",\n" };
        self.out.write_all(lead).map_err(|e| self.fail(e))?;
        let object = record_json(record, &self.columns);
        serde_json::to_writer(&mut self.out, &object).map_err(|e| self.fail(e))?;
        self.rows += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), IoError> {
        self.refused()?;
        let end: &[u8] = if self.rows == 0 { b"[]\n" } else { b"\n]\n" };
        self.out.write_all(end).map_err(|e| self.fail(e))?;
        self.out.flush().map_err(|e| self.fail(e))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value as J};

    use super::*;
    use crate::io::csv_out::tests::{opportunity, Shared};
    use crate::model::{Entity, Opportunity, SalesContact};

    fn export(def: &'static EntityDef, columns: Vec<usize>, records: &[&dyn Record]) -> J {
        let out = Shared::default();
        let mut s = sink(Box::new(out.clone()), "t.json", def, columns);
        for r in records {
            s.push(*r).unwrap();
        }
        s.finish().unwrap();
        serde_json::from_str(&out.text()).unwrap()
    }

    #[test]
    fn objects_are_typed_and_keyed_by_field_name() {
        let def = Opportunity::DEF;
        let all: Vec<usize> = (0..def.fields.len()).collect();
        let (a, b) = (opportunity(1), opportunity(2));
        let parsed = export(def, all.clone(), &[&a, &b]);
        let rows = parsed.as_array().unwrap();
        assert_eq!(rows.len(), 2);
        let first = rows[0].as_object().unwrap();
        let names: Vec<&str> = first.keys().map(String::as_str).collect();
        let expected: Vec<&str> = std::iter::once("key")
            .chain(def.fields.iter().map(|f| f.name))
            .collect();
        assert_eq!(names, expected);
        assert_eq!(first["key"], "OPP0000001");
        assert_eq!(first["description"], "Rollout; phase 1, \"Berlin\"");
        assert_eq!(first["probability"], 75);
        assert_eq!(first["amount"], "123456.78 EUR");
        assert_eq!(first["expected_close"], "2026-12-01");
        assert_eq!(first["closed_on"], J::Null);
        assert_eq!(first["competitors"], json!(["ACME", "INITECH"]));
        assert_eq!(
            first["items"],
            json!([{"item": "WIDGET", "qty": 3, "comment": null}])
        );
        assert_eq!(first["notes"], "first line\nsecond line");
        assert_eq!(rows[1]["key"], "OPP0000002");
        // The same objects `crm list --format json` prints.
        assert_eq!(rows[0], record_json(&a, &all));
    }

    #[test]
    fn booleans_and_chosen_columns() {
        let def = SalesContact::DEF;
        let contact = SalesContact {
            key: "CON0000001".into(),
            last_name: "Müller".into(),
            no_calls: true,
            ..Default::default()
        };
        let columns = vec![
            def.field_index("no_calls").unwrap(),
            def.field_index("last_name").unwrap(),
            def.field_index("no_email").unwrap(),
        ];
        let parsed = export(def, columns, &[&contact]);
        assert_eq!(
            parsed,
            json!([{"key": "CON0000001", "no_calls": true, "last_name": "Müller", "no_email": false}])
        );
    }

    #[test]
    fn no_records_give_an_empty_array() {
        assert_eq!(export(SalesContact::DEF, vec![0], &[]), json!([]));
    }

    #[test]
    fn a_record_of_another_entity_or_a_bad_column_is_refused() {
        let mut s = sink(
            Box::new(Shared::default()),
            "t.json",
            SalesContact::DEF,
            vec![0],
        );
        let e = s.push(&opportunity(1)).unwrap_err();
        assert!(e.message.contains("opportunity"), "{e}");
        let s = sink(
            Box::new(Shared::default()),
            "t.json",
            SalesContact::DEF,
            vec![99],
        );
        assert!(s.finish().is_err());
    }

    #[test]
    fn io_sink_writes_each_format_to_its_file() {
        use crate::io::{ExportOptions, Format};
        let dir = tempfile::tempdir().unwrap();
        let def = Opportunity::DEF;
        let columns = vec![def.field_index("amount").unwrap()];
        for format in [Format::Csv, Format::Json, Format::Xlsx] {
            let path = dir.path().join(format!("o.{}", format.name()));
            let options = ExportOptions {
                format,
                delimiter: b';',
                ..ExportOptions::default()
            };
            let mut s = crate::io::sink(&path, def, columns.clone(), &options).unwrap();
            s.push(&opportunity(1)).unwrap();
            s.finish().unwrap();
            let bytes = std::fs::read(&path).unwrap();
            match format {
                Format::Csv => assert_eq!(
                    bytes,
                    b"\xEF\xBB\xBFkey;amount\r\nOPP0000001;123456.78 EUR\r\n"
                ),
                Format::Json => assert_eq!(
                    serde_json::from_slice::<J>(&bytes).unwrap(),
                    json!([{"key": "OPP0000001", "amount": "123456.78 EUR"}])
                ),
                _ => assert!(bytes.starts_with(b"PK")),
            }
        }
    }
}
