//! A table's rows and the names of records: the cells the server writes for a
//! mask (references by name, money and dates in the user's language).

use super::{unexpected, Client, Request, Response, Result};
use crate::model::{Column, EntityDef, Lang};

impl Client {
    /// A chunk of a table's rows in key order after `after`: key and the cells
    /// of `columns` in `lang`, references by name.
    pub fn mask_rows(
        &self,
        def: &EntityDef,
        columns: &[Column],
        lang: Lang,
        only: Option<usize>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, Vec<String>)>> {
        let req = Request::MaskRows {
            entity: def.name.into(),
            columns: columns.to_vec(),
            lang,
            only,
            after: after.map(str::to_string),
            limit,
            keys: None,
        };
        expect!(self, req, Response::Rows(v) => v)
    }

    /// The rows of these records as `mask_rows` gives them, in this order; the
    /// gone (and those `only` leaves out) are left out.
    pub fn mask_cells(
        &self,
        def: &EntityDef,
        columns: &[Column],
        lang: Lang,
        only: Option<usize>,
        keys: Vec<String>,
    ) -> Result<Vec<(String, Vec<String>)>> {
        let req = Request::MaskRows {
            entity: def.name.into(),
            columns: columns.to_vec(),
            lang,
            only,
            after: None,
            limit: keys.len(),
            keys: Some(keys),
        };
        expect!(self, req, Response::Rows(v) => v)
    }

    /// The names of records of `def`, as tables show them ("" for one without).
    pub fn names(&self, def: &EntityDef, keys: Vec<String>) -> Result<Vec<String>> {
        let req = Request::Names {
            entity: def.name.into(),
            keys,
        };
        expect!(self, req, Response::Keys(v) => v)
    }
}
