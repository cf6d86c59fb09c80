//! The command line: `crm <command>`. One file per command group; all data goes
//! through the application interface (`api::Client`), normally to the database's
//! server, which the first command starts when none runs.

/// `println!` that returns the write's error: a closed pipe (`crm … | head`) ends
/// the command quietly instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

mod alerts;
mod backup;
mod campaign;
mod check;
mod convert;
mod demo;
mod events;
mod export;
mod find;
mod forecast;
mod format;
mod history;
mod import;
mod lang;
mod output;
mod query;
mod query_group;
mod records;
mod report;
mod schema;
mod server;
mod tui;
mod usage;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::api::default_db_path;
use crate::api::{Client, QuerySpec};
use crate::model::Lang;
use crate::ui::config::{config_path, Config};
pub use format::{Format, FormatArg};
pub use lang::UiLang;

/// termcrm — a keyboard-driven CRM for the terminal.
#[derive(Debug, Parser)]
#[command(name = "crm", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Database directory (default: $XDG_DATA_HOME/termcrm/db).
    #[arg(long, global = true, env = "CRM_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Output format of reading commands (table, csv, json; default table); the
    /// file format of `import` and `export` (default: from the file).
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Keymap of the full-screen interface: default, vim or emacs
    /// (default: `keymap` in the config file, else default).
    #[arg(long, global = true, value_name = "NAME")]
    pub keymap: Option<String>,
    /// Language of the full-screen interface (default: from LANG).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<UiLang>,
    /// Use the team's server on another host: runs `ssh USER@HOST crm proxy`
    /// (--db then names the database there).
    #[arg(long, global = true, value_name = "USER@HOST")]
    pub remote: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

const EXAMPLES: &str = "Examples:
  crm demo --records 10000
  crm list opportunity --territory NORD --format csv
  crm add territory key=HAMBURG description=\"Hamburg und Umland\"
  crm get prospect PRO0000001 --format json
  crm find müller gmbh
  crm set opportunity OPP0000001 stage=PROPOSAL probability=50
  crm schema opportunity";

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

/// A failure to report: one line on stderr, exit code 1.
pub type CliResult = anyhow::Result<()>;

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            if !e.use_stderr() {
                let _ = e.print();
                return 0;
            }
            // Clap quotes what was typed: shown, never interpreted.
            eprint!("{}", crate::util::safe_lines(&e.render().to_string()));
            return 2;
        }
    };
    match run_to_exit(cli) {
        Ok(()) => 0,
        // `crm log | head`: the reader has what it wanted.
        Err(e) if closed_pipe(&e) => 0,
        Err(e) => {
            // One line, whatever the values in the message hold.
            let message = format!("{e:#}").replace('\r', "").replace('\n', "\\n");
            let message = crate::util::safe_text(&message);
            // A full disk (a server's log) must not turn this line into a panic.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "crm: {message}");
            usage::exit_code(&e)
        }
    }
}

/// Whether the error is a write to a reader that went away, wherever in the chain.
fn closed_pipe(e: &anyhow::Error) -> bool {
    let broken = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
    e.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(broken)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if broken(io)))
    })
}

/// Runs a command.
pub fn run(cli: Cli) -> CliResult {
    run_to_exit(cli)
}

/// Runs a command in a process that exits right after.
pub fn run_to_exit(cli: Cli) -> CliResult {
    execute(cli)
}

/// The client of the database `db` (or of `--remote`): the server's, started when
/// none runs; with `CRM_NO_SERVER=1`, the database opened in this process (a rescue
/// for when no server can run; it fails while a server holds the database).
pub fn client(db: Option<PathBuf>, remote: Option<String>) -> anyhow::Result<Client> {
    client_of(db, remote, true)
}

/// `client`; without `start`, a local server that does not run is an error.
fn client_of(db: Option<PathBuf>, remote: Option<String>, start: bool) -> anyhow::Result<Client> {
    use crate::api::remote::{Remote, Target};
    if let Some(dest) = remote {
        return Remote::client(Target::Ssh { dest, db });
    }
    let path = db.unwrap_or_else(default_db_path);
    if std::env::var("CRM_NO_SERVER").is_ok_and(|v| v == "1") {
        let repair = crate::server::spawn::repairs();
        return Ok(crate::api::local::Local::open_with(&path, repair)?);
    }
    if !start {
        return Remote::client(Target::Running(path));
    }
    Remote::client(Target::Local(path))
}

fn execute(cli: Cli) -> CliResult {
    let Some(command) = cli.command else {
        let config = Config::load(config_path().as_deref()).map_err(anyhow::Error::msg)?;
        let lang = UiLang::resolve(cli.lang, config.lang().map_err(anyhow::Error::msg)?);
        let keymap = cli
            .keymap
            .or(config.keymap)
            .unwrap_or_else(|| "default".into());
        return tui::run_tui(cli.db, cli.remote, &keymap, lang);
    };
    match command {
        Command::Schema { entity } => {
            return schema::run(entity.as_deref(), FormatArg::output(cli.format)?)
        }
        Command::Serve {
            group,
            auto,
            repair,
        } => return server::serve(cli.db.unwrap_or_else(default_db_path), group, auto, repair),
        Command::Proxy => {
            return crate::api::remote::proxy(&cli.db.unwrap_or_else(default_db_path))
        }
        _ => {}
    }
    let lang = match cli.lang {
        Some(UiLang::De) => Lang::De,
        _ => Lang::En,
    };
    // Reports and group-bys check their arguments before a database is opened.
    let prepared = match &command {
        Command::Report(args) => Some(report::Prepared::Report(report::Plan::of(
            args, cli.format,
        )?)),
        Command::Query {
            entity,
            query,
            saved,
            group,
            ..
        } => query_group::Plan::of(entity, query, saved, group, cli.format)?
            .map(report::Prepared::Group),
        _ => None,
    };
    // `crm server status` and `stop` ask a running server; they start none.
    let start = !matches!(command, Command::Server { .. });
    // Only what writes records may make a database; a lookup on a mistyped
    // `--db` says so and creates nothing.
    let creates = matches!(
        command,
        Command::Add { .. }
            | Command::Demo { .. }
            | Command::Import(_)
            | Command::Restore { key: None, .. }
    );
    if let Command::Restore { what, key: None } = &command {
        backup::check_file(what)?;
    }
    if start && !creates && cli.remote.is_none() {
        let path = cli.db.clone().unwrap_or_else(default_db_path);
        if !crate::api::is_database(&path) {
            return Err(anyhow::anyhow!(
                "no database at {}: nothing was created — `crm demo` loads demo data there, `crm --db {}` opens it in the full-screen CRM",
                path.display(),
                path.display()
            ));
        }
    }
    if matches!(command, Command::Check { repair: true }) {
        crate::server::spawn::start_with_repair();
    }
    let api = client_of(cli.db, cli.remote, start)?;
    let result = match (prepared, command) {
        (Some(prepared), _) => prepared.run(&api, lang),
        (None, Command::Import(args)) => import::run(&api, args, FormatArg::file(cli.format)),
        (None, Command::Export(args)) => export::run(&api, args, FormatArg::file(cli.format), lang),
        (None, command) => dispatch(&api, command, FormatArg::output(cli.format)?),
    };
    use std::io::Write;
    let _ = std::io::stdout().flush();
    result
}

fn dispatch(api: &Client, command: Command, format: Format) -> CliResult {
    match command {
        Command::Schema { .. }
        | Command::Serve { .. }
        | Command::Proxy
        | Command::Import(_)
        | Command::Export(_)
        | Command::Report(_) => {
            unreachable!("handled before dispatch")
        }
        Command::Add { entity, fields } => records::add(api, &entity, &fields),
        Command::Get { entity, key } => records::get(api, &entity, &key, format),
        Command::Find { text, limit } => find::run(api, &text, limit, format),
        Command::Set {
            entity,
            key,
            fields,
            if_rev,
        } => records::set(api, &entity, &key, &fields, if_rev),
        Command::History {
            entity,
            key,
            limit,
            prune,
            before,
        } => history::run(
            api,
            entity.as_deref(),
            key.as_deref(),
            limit,
            before.as_deref().filter(|_| prune),
            format,
        ),
        Command::Log {
            since,
            user,
            entity,
            limit,
        } => history::log(
            api,
            since.as_deref(),
            user,
            entity.as_deref(),
            limit,
            format,
        ),
        Command::Undo => history::undo(api),
        Command::Timeline { entity, key } => history::timeline(api, &entity, &key, format),
        Command::Restore {
            what,
            key: Some(key),
        } => history::restore(api, &what, &key),
        Command::Restore { what, key: None } => backup::restore(api, &what),
        Command::Backup { file } => backup::backup(api, &file),
        Command::Rm { entity, key } => records::rm(api, &entity, &key),
        Command::List {
            entity,
            territory,
            team,
            limit,
        } => records::list(api, &entity, territory, team, limit, format),
        Command::Demo {
            records,
            seed,
            if_empty,
        } => demo::run(api, records, seed, if_empty),
        Command::Convert {
            what,
            key,
            new_prospect,
        } => convert::run(api, &what, &key, new_prospect),
        Command::Accept {
            quote,
            won,
            keep_amount,
        } => convert::accept(api, &quote, won, keep_amount),
        Command::Alerts {
            as_salesperson,
            all,
        } => alerts::run(api, as_salesperson, all, format),
        Command::Reject { quote } => convert::reject(api, &quote),
        Command::Rules(args) => events::rules(api, args, format),
        Command::Inbox(args) => events::inbox(api, args, format),
        Command::Events(args) => events::events(api, args, format),
        Command::Forecast(args) => forecast::run(api, args, format),
        Command::CampaignReport { campaign } => campaign::run(api, campaign.as_deref(), format),
        Command::Query {
            query: text,
            entity,
            saved,
            columns,
            sort,
            limit,
            save,
            replace,
            group: _,
        } => query::query(
            api,
            QuerySpec {
                entity,
                text,
                saved,
                columns,
                sort,
                limit,
                save,
                replace,
                keys_only: false,
            },
            format,
        ),
        Command::Queries { rename, delete } => match (rename.as_deref(), delete) {
            (Some([old, new]), _) => query::rename(api, old, new),
            (_, Some(name)) => query::delete(api, &name),
            _ => query::list(api, format),
        },
        Command::Check { repair } => check::run(api, repair),
        Command::Server { action } => server::run(api, action, format),
    }
}
