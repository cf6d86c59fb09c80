//! `crm query … --group-by FIELD[,FIELD] [--sum FIELD,…]`: a query's records
//! grouped in the server, with the count and the money sums per group and a
//! total; shown like a report (table, CSV, JSON, or a file with `--out`).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::report::{Output, Shown};
use super::usage::Usage;
use super::{CliResult, FormatArg};
use crate::api::report::GroupSort;
use crate::api::Client;
use crate::model::Lang;

#[derive(Debug, Args)]
pub struct GroupArgs {
    /// Group the records by one field or two (FIELD or FIELD,FIELD), with the
    /// count and the money sums of each group and a total.
    #[arg(
        long,
        value_name = "FIELDS",
        value_delimiter = ',',
        conflicts_with_all = ["columns", "sort", "limit", "save"]
    )]
    pub group_by: Vec<String>,
    /// With --group-by: the money fields to sum (default: every money field).
    #[arg(
        long,
        value_name = "FIELDS",
        value_delimiter = ',',
        requires = "group_by"
    )]
    pub sum: Vec<String>,
    /// With --group-by: order the groups by label (default), count or the
    /// first sum.
    #[arg(long, value_enum, value_name = "BY", requires = "group_by")]
    pub sort_groups: Option<SortGroups>,
    /// With --group-by: the largest (or last) first.
    #[arg(long, requires = "group_by")]
    pub desc: bool,
    /// With --group-by: write the groups to this file (.csv, .json, .xlsx).
    #[arg(long, value_name = "FILE", requires = "group_by")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortGroups {
    Label,
    Count,
    Sum,
}

/// A group-by as the command line asked for it, its output checked.
pub struct Plan {
    entity: Option<String>,
    text: Option<String>,
    saved: Option<String>,
    by: Vec<String>,
    sum: Vec<String>,
    sort: GroupSort,
    descending: bool,
    output: Output,
}

impl Plan {
    /// The plan of `crm query` with `--group-by` (None without it).
    pub fn of(
        entity: &Option<String>,
        text: &Option<String>,
        saved: &Option<String>,
        args: &GroupArgs,
        format: Option<FormatArg>,
    ) -> Result<Option<Plan>, Usage> {
        if args.group_by.is_empty() {
            return Ok(None);
        }
        let by: Vec<String> = args.group_by.iter().map(|b| b.trim().to_string()).collect();
        if by.len() > 2 || by.iter().any(String::is_empty) {
            return Err(Usage::new(format!(
                "--group-by {}: group by one field or two (FIELD or FIELD,FIELD)",
                crate::util::excerpt(&args.group_by.join(","))
            )));
        }
        let sort = match args.sort_groups.unwrap_or(SortGroups::Label) {
            SortGroups::Label => GroupSort::Label,
            SortGroups::Count => GroupSort::Count,
            SortGroups::Sum => GroupSort::Sum(0),
        };
        Ok(Some(Plan {
            entity: entity.clone(),
            text: text.clone(),
            saved: saved.clone(),
            by,
            sum: args.sum.iter().map(|s| s.trim().to_string()).collect(),
            sort,
            descending: args.desc,
            output: Output::of(format, args.out.clone())?,
        }))
    }

    pub fn run(self, api: &Client, lang: Lang) -> CliResult {
        let section = api
            .group(
                self.entity.as_deref(),
                self.text.as_deref(),
                self.saved.as_deref(),
                self.by,
                self.sum,
                self.sort,
                self.descending,
            )
            .map_err(super::report::refused)?;
        self.output.emit(Shown::Section(&section), lang)
    }
}
