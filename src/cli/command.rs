//! The commands of `crm`, as clap reads them: each variant's arguments and help.

use std::path::PathBuf;

use clap::Subcommand;

use super::{events, export, forecast, import, query_group, report, server};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the entities, or the fields of one entity.
    Schema { entity: Option<String> },
    /// Add a record: crm add ENTITY field=value... (prints the new key).
    Add {
        entity: String,
        #[arg(value_name = "FIELD=VALUE")]
        fields: Vec<String>,
    },
    /// Show one record.
    Get { entity: String, key: String },
    /// Find records of any entity by key, name, company, e-mail or phone (fuzzy,
    /// case and accents ignored), best first.
    Find {
        /// What to look for: `müller`, `info@acme`, `4711`, `opp123`.
        #[arg(required = true, value_name = "TEXT")]
        text: Vec<String>,
        /// At most this many records.
        #[arg(long, default_value_t = 20, value_name = "N")]
        limit: usize,
    },
    /// Change fields of a record: crm set ENTITY KEY field=value... A change made
    /// meanwhile by someone else to other fields is kept beside yours.
    Set {
        entity: String,
        key: String,
        #[arg(value_name = "FIELD=VALUE", required = true)]
        fields: Vec<String>,
        /// Only if the record is still at this revision (`crm get` shows it);
        /// otherwise refused, naming the current one.
        #[arg(long, value_name = "N")]
        if_rev: Option<u64>,
    },
    /// Delete a record (refused while other records name it; `crm restore` brings
    /// it back).
    Rm { entity: String, key: String },
    /// A record's changes, newest first: when, who, through what, old → new.
    #[command(after_help = "Examples:
  crm history opportunity OPP0000042
  crm history opportunity OPP0000042 --format csv
  crm history --prune --before 2025-01-01   (admins)")]
    History {
        entity: Option<String>,
        key: Option<String>,
        /// At most this many changes.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Remove every change made before --before (admins only).
        #[arg(long, requires = "before")]
        prune: bool,
        /// With --prune: a date (2025-01-01) or a time ago (90d).
        #[arg(long, value_name = "WHEN", requires = "prune")]
        before: Option<String>,
    },
    /// Changes across the database, newest first, for auditing.
    #[command(after_help = "Examples:
  crm log --since 1d
  crm log --user anja --entity opportunity --since 2026-11-01")]
    Log {
        /// Only changes since: 90m, 12h, 1d, 2w, or a date.
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
        /// Only changes of this user (the OS user name).
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
        /// Only changes of records of this entity.
        #[arg(long, value_name = "ENTITY")]
        entity: Option<String>,
        /// At most this many changes.
        #[arg(long, default_value_t = 100, value_name = "N")]
        limit: usize,
    },
    /// A record's story by date, newest first: its own changes (stage changes, a
    /// conversion) and the interactions, tasks, quotes, orders, opportunities,
    /// leads and contacts that name it.
    Timeline { entity: String, key: String },
    /// Take back your last change (a save, a delete, a whole conversion), if
    /// nobody changed those records since.
    Undo,
    /// Bring a deleted record back from its history (`crm restore ENTITY KEY`), or
    /// build a new database from a backup (`crm restore FILE --db NEW`).
    Restore {
        /// The entity of the deleted record, or the backup file.
        what: String,
        key: Option<String>,
    },
    /// Write a compressed backup of every record, setting and the history to
    /// FILE, while the server runs (admins only).
    Backup { file: PathBuf },
    /// List the records of an entity, all or by territory or sales team.
    List {
        entity: String,
        /// Only records of this territory (read from the territory index).
        #[arg(long, value_name = "CODE", conflicts_with = "team")]
        territory: Option<String>,
        /// Only records of this sales team (read from the team index).
        #[arg(long, value_name = "CODE")]
        team: Option<String>,
        /// At most this many records.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Fill an empty database with realistic demo data.
    Demo {
        /// About this many records in total, across all entities.
        #[arg(long, default_value_t = 10_000, value_name = "N")]
        records: usize,
        /// Seed of the generator (the same seed gives the same data).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Do nothing (and succeed) when the database already holds records.
        #[arg(long)]
        if_empty: bool,
    },
    /// Convert a prospect into a customer, or a lead into an opportunity (prints the
    /// new key); one transaction each.
    Convert {
        /// What to convert: prospect or lead.
        what: String,
        key: String,
        /// For a lead without customer or prospect: make a prospect from its company.
        #[arg(long)]
        new_prospect: bool,
    },
    /// Accept a quote: creates its order (prints the order's key); with --won, also
    /// sets its opportunity won with the quote's total.
    Accept {
        /// The quote's key.
        quote: String,
        /// Set the quote's opportunity won, with this won reason code.
        #[arg(long, value_name = "REASON")]
        won: Option<String>,
        /// With --won: keep the opportunity's amount instead of replacing it by
        /// the quote's total.
        #[arg(long, requires = "won")]
        keep_amount: bool,
    },
    /// What needs attention: past-due opportunities and tasks, quotes expiring within
    /// a week, follow-ups due — for you (your OS user name), a salesperson, or all.
    Alerts {
        /// For this salesperson instead of you.
        #[arg(long = "as", value_name = "SALESPERSON", conflicts_with = "all")]
        as_salesperson: Option<String>,
        /// For everyone.
        #[arg(long)]
        all: bool,
    },
    /// Reject a quote (it can no longer be accepted).
    Reject { quote: String },
    /// The event rules: list them, enable or disable one, test what one would do.
    Rules(events::RulesArgs),
    /// Your messages from the rules, and the changes held for your approval.
    Inbox(events::InboxArgs),
    /// The event log: which rule fired on which record, and what its actions did.
    Events(events::EventsArgs),
    /// Import a file: contacts from Outlook, Google, Thunderbird or vCard, any
    /// entity from CSV or XLSX; duplicates update their match (see the README's
    /// "Import and export").
    Import(import::ImportArgs),
    /// Export records to CSV, XLSX, JSON, vCard or Outlook CSV.
    Export(export::ExportArgs),
    /// Sales forecasts: roll up a period, or add opportunities to / submit one forecast.
    Forecast(forecast::ForecastArgs),
    /// Campaign efficiency: leads, prospects, opportunities, won revenue, cost per
    /// lead and ROI, for one campaign or all.
    CampaignReport { campaign: Option<String> },
    /// A report computed in the server (pipeline, forecast, win-loss, activity,
    /// campaigns), as a table, CSV, JSON or an XLSX file with charts.
    Report(report::ReportArgs),
    /// Records that match a query (see the README's "Queries"), or a saved query.
    #[command(after_help = "Examples:
  crm query 'stage:PROPOSAL amount>=10000 expected_close<today+30d' --entity opportunity
  crm query 'territory:NORD (city:München OR city:\"Bad Tölz\")' --entity prospect
  crm query 'no:interaction -status:converted' --entity prospect --columns name,city
  crm query --saved PIPELINE-BY-STAGE --format csv
  crm query '' -e opportunity --group-by salesperson,stage --sum amount
  crm query 'territory:NORD' -e opportunity --group-by stage --out stages.xlsx")]
    Query {
        /// The query; empty matches every record.
        #[arg(required_unless_present = "saved", conflicts_with = "saved")]
        query: Option<String>,
        /// The entity the query reads.
        #[arg(
            long,
            short,
            required_unless_present = "saved",
            conflicts_with = "saved"
        )]
        entity: Option<String>,
        /// Run this saved query (`crm queries` lists them).
        #[arg(long, value_name = "NAME")]
        saved: Option<String>,
        /// Fields to show beside the key: a,b,c.
        #[arg(long, value_name = "FIELDS")]
        columns: Option<String>,
        /// Sort by a field; -field sorts descending.
        #[arg(long, value_name = "FIELD", allow_hyphen_values = true)]
        sort: Option<String>,
        /// At most this many records.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Also save the query (with --columns and --sort) under this name.
        #[arg(long, value_name = "NAME")]
        save: Option<String>,
        /// Let --save replace a saved query of that name.
        #[arg(long, requires = "save")]
        replace: bool,
        #[command(flatten)]
        group: query_group::GroupArgs,
    },
    /// List the saved queries; rename or delete one.
    Queries {
        /// Rename a saved query: --rename OLD NEW.
        #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with = "delete")]
        rename: Option<Vec<String>>,
        /// Delete a saved query.
        #[arg(long, value_name = "NAME")]
        delete: Option<String>,
    },
    /// Verify that the indexes match the records.
    Check {
        /// Rebuild the indexes from the records.
        #[arg(long)]
        repair: bool,
    },
    /// Run the database's server in the foreground (a team host runs it under
    /// systemd); every `crm` on the database connects to it.
    Serve {
        /// Also admit the members of this group (the owner is always admitted).
        #[arg(long, value_name = "NAME")]
        group: Option<String>,
        /// Started by a client: leave after a while without clients.
        #[arg(long, hide = true)]
        auto: bool,
        /// Set damaged snapshot and blob files aside before opening (what
        /// `crm check --repair` starts a server with).
        #[arg(long, hide = true)]
        repair: bool,
    },
    /// The running server: `status` (pid, uptime, users, requests) or `stop`.
    Server {
        #[command(subcommand)]
        action: server::ServerAction,
    },
    /// Bridge standard input and output to the server (what `crm --remote` runs
    /// over ssh).
    #[command(hide = true)]
    Proxy,
}
