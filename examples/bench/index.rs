//! The index rows of the bench: a territory's or team's rows through the index
//! against the same rows found by a full scan.

use std::time::{Duration, Instant};

use termcrm::model::{EntityDef, Value};
use termcrm::store::{IndexKind, Store};

use super::*;

/// The code of `code_def` holding the most records, listed through the index and
/// found again by a full scan of the same entity trees.
pub fn index_listing(
    store: &Store,
    index: IndexKind,
    code_def: &EntityDef,
    target: &str,
) -> Res<()> {
    let label = match index {
        IndexKind::Territory => "territory",
        IndexKind::Team => "team",
    };
    let codes = keys_of(store, code_def)?;
    let t = Instant::now();
    let mut best: Option<(String, usize)> = None;
    for code in &codes {
        let n: usize = store.count_by(index, code)?.iter().map(|(_, n)| n).sum();
        if best.as_ref().is_none_or(|(_, b)| n > *b) {
            best = Some((code.clone(), n));
        }
    }
    let count_time = t.elapsed();
    let Some((code, _)) = best else {
        row(&format!("{label} listing"), "n/a", "", "no codes", "");
        return Ok(());
    };
    row(
        &format!("{label}: count_by x {} codes", codes.len()),
        &dur(count_time),
        "",
        "",
        "",
    );

    // The entities whose own (not child-line) fields name a `target`: exactly those
    // the index holds.
    let defs: Vec<&EntityDef> = model::ENTITIES
        .iter()
        .copied()
        .filter(|d| {
            d.fields
                .iter()
                .any(|f| matches!(f.kind, FieldKind::Ref(t) | FieldKind::RefList(t) if t == target))
        })
        .collect();

    let mut rows = 0;
    // Timed until the rows are in hand, as a table would hold them; freeing them
    // afterwards is not part of the listing. The list rows (key and list columns,
    // carried by the index entries) are what a list shows.
    let listed = median_of(RUNS, || {
        let mut lists = Vec::with_capacity(defs.len());
        let t = Instant::now();
        for def in &defs {
            lists.push(store.rows_by(index, &code, def, None)?);
        }
        let elapsed = t.elapsed();
        rows = lists.iter().map(Vec::len).sum();
        drop(lists);
        Ok(elapsed)
    })?;
    // Whole records (index keys, then one lookup each), as `crm list --format csv`.
    let mut record_rows = 0;
    let records = median_of(RUNS, || {
        let mut lists = Vec::with_capacity(defs.len());
        let t = Instant::now();
        for def in &defs {
            lists.push(store.list_by(index, &code, def, None)?);
        }
        let elapsed = t.elapsed();
        record_rows = lists.iter().map(Vec::len).sum();
        drop(lists);
        Ok(elapsed)
    })?;

    let mut scan_rows = 0;
    let scanned = median_of(SCAN_RUNS, || {
        let t = Instant::now();
        scan_rows = 0;
        for def in &defs {
            let fields: Vec<usize> = def
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| matches!(f.kind, FieldKind::Ref(t) | FieldKind::RefList(t) if t == target))
                .map(|(i, _)| i)
                .collect();
            for r in store.scan(def) {
                let r = r?;
                if fields.iter().any(|&i| names(&r.get(i), &code)) {
                    scan_rows += 1;
                }
            }
        }
        Ok(t.elapsed())
    })?;

    let names_of: Vec<&str> = defs.iter().map(|d| d.name).collect();
    note(&format!(
        "{label} {code}: {} rows of {}",
        thousands(rows as u64),
        names_of.join("+")
    ));
    let speedup = scanned.as_secs_f64() / listed.as_secs_f64().max(1e-9);
    row(
        &format!("{label} rows_by, all rows"),
        &dur(listed),
        "",
        &if rows == scan_rows && record_rows == scan_rows {
            String::new()
        } else {
            format!("MISMATCH: scan {scan_rows}")
        },
        &format!("{} ({speedup:.0}x)", dur(scanned)),
    );
    if rows > 0 {
        let per_50k = listed.mul_f64(50_000.0 / rows as f64);
        row(
            &format!("{label} rows_by, per 50k rows"),
            &dur(per_50k),
            "<= 85 ms (SQLite)",
            &at_most_dur(per_50k, ms(85)),
            "",
        );
        let per_50k = records.mul_f64(50_000.0 / rows as f64);
        row(
            &format!("{label} list_by records, per 50k"),
            &dur(per_50k),
            "",
            "ref",
            &format!("whole records: {}", dur(records)),
        );
    }
    Ok(())
}

/// Every key of an entity, in key order.
pub fn keys_of(store: &Store, def: &EntityDef) -> Res<Vec<String>> {
    let mut keys = Vec::with_capacity(store.count(def));
    for r in store.scan(def) {
        keys.push(r?.key().to_string());
    }
    Ok(keys)
}

/// Whether a field value is, or (for a list) contains, `code`.
pub fn names(value: &Value, code: &str) -> bool {
    match value {
        Value::Text(t) => t == code,
        Value::List(l) => l.iter().any(|t| t == code),
        _ => false,
    }
}

pub fn scan_rows(name: &str, rows: usize, time: Duration) {
    let rate = rows as f64 / time.as_secs_f64().max(1e-9);
    row(
        &format!("{name} ({})", short_count(rows)),
        &dur(time),
        "",
        "",
        &format!("{}/s", thousands(rate as u64)),
    );
    if rows > 0 {
        let per_m = time.mul_f64(1_000_000.0 / rows as f64);
        row(
            "  same, per 1M rows",
            &dur(per_m),
            "~1.45 s (DESIGN)",
            &ref_at_most(per_m.as_secs_f64(), 1.45),
            "SQLite: 0.9 s",
        );
    }
}

// --- Table ---------------------------------------------------------------------------
