//! Reads of the date index (`@date` entries in `idx:ref`): the records due on a
//! day, and those whose date lies in a span (the alerts that stand).

use super::{index, EntityDef, Result, Store};

impl Store {
    /// The keys of `def` records whose dated field `field` is `day`, from the date
    /// index; None when the field is not in it.
    pub fn keys_dated(
        &self,
        def: &EntityDef,
        field: usize,
        day: chrono::NaiveDate,
    ) -> Result<Option<Vec<String>>> {
        let f = &def.fields[field];
        if !f.dated {
            return Ok(None);
        }
        let prefix = index::prefix(&[index::DATE_INDEX, &index::date_day(def.name, f.name, day)]);
        let mut out = Vec::new();
        for k in self.idx_ref.scan_prefix(prefix).keys() {
            let parts = index::split(&k?);
            if let Some(key) = parts.get(3) {
                out.push(key.clone());
            }
        }
        Ok(Some(out))
    }

    /// The (date, key) of `def` records whose dated field `field` lies in
    /// `from..=to` (`from` None: since ever), in date order; None when the field is
    /// not in the date index.
    pub fn keys_dated_between(
        &self,
        def: &EntityDef,
        field: usize,
        from: Option<chrono::NaiveDate>,
        to: chrono::NaiveDate,
    ) -> Result<Option<Vec<(chrono::NaiveDate, String)>>> {
        let f = &def.fields[field];
        if !f.dated || from.is_some_and(|from| from > to) {
            return Ok(f.dated.then(Vec::new));
        }
        let start = match from {
            Some(day) => {
                index::prefix(&[index::DATE_INDEX, &index::date_day(def.name, f.name, day)])
            }
            None => index::join(&[index::DATE_INDEX, &format!("{}.{}=", def.name, f.name)]),
        };
        let mut end = index::join(&[index::DATE_INDEX, &index::date_day(def.name, f.name, to)]);
        end.push(index::SEP + 1);
        let mut out = Vec::new();
        for k in self.idx_ref.range(start..end).keys() {
            let parts = index::split(&k?);
            let day = parts
                .get(1)
                .and_then(|d| d.rsplit_once('='))
                .and_then(|(_, d)| d.parse().ok());
            if let (Some(day), Some(key)) = (day, parts.get(3)) {
                out.push((day, key.clone()));
            }
        }
        Ok(Some(out))
    }
}
