//! `--format`: the output format of a reading command, or the file format of
//! import and export.

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// `--format` as typed: an output format, or a file format of import and export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Csv,
    Json,
    Auto,
    OutlookCsv,
    GoogleCsv,
    ThunderbirdCsv,
    Vcard,
    Xlsx,
}

impl FormatArg {
    /// The output format of a reading command.
    pub(super) fn output(arg: Option<FormatArg>) -> anyhow::Result<Format> {
        match arg {
            None | Some(FormatArg::Table) => Ok(Format::Table),
            Some(FormatArg::Csv) => Ok(Format::Csv),
            Some(FormatArg::Json) => Ok(Format::Json),
            Some(other) => Err(anyhow::anyhow!(
                "--format {} is a file format of `crm import` and `crm export`; this command writes table, csv or json",
                other.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default()
            )),
        }
    }

    /// The file format of import and export (none: detect it / from the file name).
    pub(super) fn file(arg: Option<FormatArg>) -> Option<crate::io::Format> {
        use crate::io::Format as F;
        match arg? {
            FormatArg::Table | FormatArg::Auto => None,
            FormatArg::Csv => Some(F::Csv),
            FormatArg::Json => Some(F::Json),
            FormatArg::OutlookCsv => Some(F::OutlookCsv),
            FormatArg::GoogleCsv => Some(F::GoogleCsv),
            FormatArg::ThunderbirdCsv => Some(F::ThunderbirdCsv),
            FormatArg::Vcard => Some(F::Vcard),
            FormatArg::Xlsx => Some(F::Xlsx),
        }
    }
}
