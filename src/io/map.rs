//! The one mapping step: a sheet's columns onto an entity's fields, by field name
//! or by English or German label; the address books' dialects through `contacts`.

use super::{contacts, IoError, Mapped, MappedRow, Sheet};
use crate::model::EntityDef;
use crate::util::excerpt;
use crate::util::fold::fold;
use crate::util::suggest::nearest;

/// The column `crm import --errors` adds to the rows it writes out; importing
/// that file again leaves it out.
pub const ERROR_COLUMN: &str = "import error";

/// Headers that name the key column.
const KEY_HEADERS: &[&str] = &["key", "code", "schlussel", "schluessel", "nummer"];

/// A header as it is compared: folded, with `-` and spaces as `_`.
fn norm(header: &str) -> String {
    fold(header.trim())
        .chars()
        .map(|c| if c == '-' || c == ' ' { '_' } else { c })
        .collect()
}

/// The field a header names: `key`, or a field's index.
fn field_for(def: &EntityDef, header: &str) -> Option<Option<usize>> {
    let h = norm(header);
    if KEY_HEADERS.contains(&h.as_str()) {
        return Some(None);
    }
    def.fields
        .iter()
        .position(|f| f.name == h || norm(f.label_en) == h || norm(f.label_de) == h)
        .map(Some)
}

/// Maps `sheet` onto `def`'s fields. Columns no field takes are listed in
/// `ignored` with a did-you-mean; `strict` refuses them instead.
pub fn map(
    file: &str,
    sheet: &Sheet,
    def: &'static EntityDef,
    strict: bool,
) -> Result<Mapped, IoError> {
    if sheet.format.is_some_and(|f| f.is_address_book()) {
        if def.name != "sales_contact" {
            return Err(IoError::new(
                file,
                format!(
                    "this is an address book ({}): it imports into sales contacts, not {}; leave out --entity, or use a CSV with {} field names",
                    sheet.format.map_or("", |f| f.name()),
                    def.name,
                    def.name
                ),
            ));
        }
        // A file of bad rows written by an earlier import, fixed: its error
        // column is not the contact's.
        if let Some(e) = sheet.headers.iter().position(|h| h.trim() == ERROR_COLUMN) {
            let mut sheet = sheet.clone();
            sheet.headers.remove(e);
            for r in &mut sheet.rows {
                if e < r.cells.len() {
                    r.cells.remove(e);
                }
            }
            return Ok(contacts::map(&sheet));
        }
        return Ok(contacts::map(sheet));
    }
    let mut columns: Vec<(usize, String)> = Vec::new();
    let mut mapped = Mapped::default();
    for (i, header) in sheet.headers.iter().enumerate() {
        if header.trim() == ERROR_COLUMN {
            continue;
        }
        if header.trim().is_empty() {
            if sheet.rows.iter().any(|r| !r.cell(i).trim().is_empty()) {
                mapped
                    .ignored
                    .push(format!("column {} (no header): no field", i + 1));
            }
            continue;
        }
        match field_for(def, header) {
            Some(f) => {
                let name = f.map_or("key", |i| def.fields[i].name).to_string();
                if let Some((_, other)) = mapped.columns.iter().find(|(_, n)| *n == name) {
                    return Err(IoError::new(
                        file,
                        format!("columns '{other}' and '{header}' both fill {name}; remove one"),
                    )
                    .at_line(1)
                    .at_column(header.clone()));
                }
                mapped.columns.push((header.clone(), name.clone()));
                columns.push((i, name));
            }
            None => {
                let names = def
                    .fields
                    .iter()
                    .map(|f| f.name)
                    .chain(def.fields.iter().map(|f| f.label_en));
                let hint = match nearest(&norm(header), names) {
                    Some(s) => format!(" (did you mean '{s}'?)"),
                    None => String::new(),
                };
                mapped.ignored.push(format!(
                    "{}: {} has no such field{hint}",
                    excerpt(header),
                    def.name
                ));
            }
        }
    }
    if strict && !mapped.ignored.is_empty() {
        let more = match mapped.ignored.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        return Err(IoError::new(
            file,
            format!(
                "unknown columns: {}{more}; rename them to field names (`crm schema {}`) or import with --skip-bad to leave them out",
                mapped.ignored[0],
                def.name
            ),
        )
        .at_line(1));
    }
    if columns.is_empty() {
        return Err(IoError::new(
            file,
            format!(
                "no column names a field of {}; the header should hold field names or labels (`crm schema {}`)",
                def.name, def.name
            ),
        )
        .at_line(1));
    }
    mapped.rows = sheet
        .rows
        .iter()
        .map(|r| MappedRow {
            line: r.line,
            values: columns
                .iter()
                .filter(|(i, _)| !r.cell(*i).trim().is_empty())
                .map(|(i, name)| (name.clone(), r.cell(*i).to_string()))
                .collect(),
        })
        .collect();
    Ok(mapped)
}

/// Like `map`, taking the sheet: its rows are mapped a block at a time and
/// dropped as they are, so that a large file is never held twice (as cells and
/// as field values).
pub fn map_owned(
    file: &str,
    mut sheet: Sheet,
    def: &'static EntityDef,
    strict: bool,
) -> Result<Mapped, IoError> {
    const BLOCK: usize = 10_000;
    let rows = std::mem::take(&mut sheet.rows);
    let mut rows = rows.into_iter();
    let mut out: Option<Mapped> = None;
    loop {
        let block = Sheet {
            rows: rows.by_ref().take(BLOCK).collect(),
            headers: sheet.headers.clone(),
            ..sheet.clone()
        };
        let last = block.rows.len() < BLOCK;
        if block.rows.is_empty() && out.is_some() {
            break;
        }
        let part = map(file, &block, def, strict)?;
        drop(block);
        match &mut out {
            None => out = Some(part),
            Some(o) => o.rows.extend(part.rows),
        }
        if last {
            break;
        }
    }
    Ok(out.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, Opportunity};

    use crate::io::test_sheet as sheet;

    #[test]
    fn headers_are_field_names_or_english_or_german_labels() {
        let s = sheet(
            &["Key", "Beschreibung", "expected_close", "Amount", "Frabble"],
            &[&["OPP0000001", "Fräsen", "01.12.2026", "1.234,56 EUR", "x"]],
        );
        let m = map("f.csv", &s, Opportunity::DEF, false).unwrap();
        assert_eq!(
            m.rows[0].values,
            vec![
                ("key".to_string(), "OPP0000001".to_string()),
                ("description".into(), "Fräsen".into()),
                ("expected_close".into(), "01.12.2026".into()),
                ("amount".into(), "1.234,56 EUR".into()),
            ]
        );
        assert_eq!(m.ignored.len(), 1);
        assert!(m.ignored[0].starts_with("Frabble: opportunity has no such field"));
        let err = map("f.csv", &s, Opportunity::DEF, true).unwrap_err();
        assert!(
            err.to_string().contains("unknown columns: Frabble"),
            "{err}"
        );
    }

    #[test]
    fn two_columns_for_one_field_and_no_known_column_are_refused() {
        let s = sheet(&["description", "Description"], &[&["a", "b"]]);
        let err = map("f.csv", &s, Opportunity::DEF, false).unwrap_err();
        assert!(err.to_string().contains("both fill description"), "{err}");
        let s = sheet(&["foo", "bar"], &[&["a", "b"]]);
        let err = map("f.csv", &s, Opportunity::DEF, false).unwrap_err();
        assert!(err.to_string().contains("no column names a field"), "{err}");
    }

    #[test]
    fn a_sheet_mapped_by_blocks_is_the_sheet_mapped_whole() {
        let rows: Vec<Vec<String>> = (0..25_003)
            .map(|i| vec![format!("OPP{i:07}"), format!("Nr. {i}")])
            .collect();
        let refs: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
        let s = sheet(&["key", "description"], &slices);
        let whole = map("f.csv", &s, Opportunity::DEF, false).unwrap();
        let blocks = map_owned("f.csv", s, Opportunity::DEF, false).unwrap();
        assert_eq!(blocks.rows.len(), 25_003);
        assert_eq!(blocks, whole);
    }
}
