//! The client's side of the reports: a report, the pipeline board and a query's
//! group-by, all computed in the server; and the report data types the front
//! ends draw, print and write (see `crate::report`).

use super::wire::{Request, Response};
use super::{unexpected, Client, Result};
pub use crate::report::{
    short_count, short_money, short_sums, Board, Card, Cell, Chart, Column, ColumnKind, Group,
    GroupSort, Grouper, Lane, Params, Report, ReportKind, Section, Sums,
};

impl Client {
    /// One report.
    pub fn report(&self, kind: ReportKind, params: Params) -> Result<Report> {
        match self.call(Request::Report { kind, params })? {
            Response::Report(r) => Ok(*r),
            other => Err(unexpected("Report", other)),
        }
    }

    /// The pipeline board for these filters.
    pub fn board(&self, params: Params) -> Result<Board> {
        match self.call(Request::Board(params))? {
            Response::Board(b) => Ok(*b),
            other => Err(unexpected("Board", other)),
        }
    }

    /// A query's records grouped by `by` (one or two fields), with counts and the
    /// sums of `sum` (empty: every money field). `saved` names a saved query
    /// instead of `entity` and `text`.
    #[allow(clippy::too_many_arguments)]
    pub fn group(
        &self,
        entity: Option<&str>,
        text: Option<&str>,
        saved: Option<&str>,
        by: Vec<String>,
        sum: Vec<String>,
        sort: GroupSort,
        descending: bool,
    ) -> Result<Section> {
        let req = Request::Group {
            entity: entity.map(str::to_string),
            text: text.map(str::to_string),
            saved: saved.map(str::to_string),
            by,
            sum,
            sort,
            descending,
        };
        match self.call(req)? {
            Response::Section(s) => Ok(*s),
            other => Err(unexpected("Group", other)),
        }
    }
}
