//! The command line: `crm <command>`. One file per command group; all data goes
//! through the store API.

mod alerts;
mod campaign;
mod check;
mod convert;
mod demo;
mod find;
mod forecast;
mod output;
mod query;
mod records;
mod schema;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::model::Lang;
use crate::store::{default_db_path, OpenOptions, Store};
use crate::ui::config::{config_path, Config};
use crate::ui::terminal::{self, UiOptions};

/// termcrm — a keyboard-driven CRM for the terminal.
#[derive(Debug, Parser)]
#[command(name = "crm", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Database directory (default: $XDG_DATA_HOME/termcrm/db).
    #[arg(long, global = true, env = "CRM_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Output format of reading commands.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Keymap of the full-screen interface: default, vim or emacs
    /// (default: `keymap` in the config file, else default).
    #[arg(long, global = true, value_name = "NAME")]
    pub keymap: Option<String>,
    /// Language of the full-screen interface (default: from LANG).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<UiLang>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UiLang {
    En,
    De,
}

impl UiLang {
    /// `--lang`, else the config file, else a German LANG/LC_ALL/LC_MESSAGES, else
    /// English.
    fn resolve(choice: Option<UiLang>, configured: Option<Lang>) -> Lang {
        match choice {
            Some(UiLang::De) => Lang::De,
            Some(UiLang::En) => Lang::En,
            None if configured.is_some() => configured.unwrap_or_default(),
            None => {
                let german = ["LC_ALL", "LC_MESSAGES", "LANG"]
                    .iter()
                    .filter_map(|v| std::env::var(v).ok())
                    .find(|v| !v.is_empty())
                    .is_some_and(|v| v.starts_with("de"));
                if german {
                    Lang::De
                } else {
                    Lang::En
                }
            }
        }
    }
}

const EXAMPLES: &str = "Examples:
  crm demo --records 10000
  crm list opportunity --territory NORD --format csv
  crm add territory key=HAMBURG description=\"Hamburg und Umland\"
  crm get prospect PRO0000001 --format json
  crm find müller gmbh
  crm set opportunity OPP0000001 stage=PROPOSAL probability=50
  crm schema opportunity";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

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
    /// Change fields of a record: crm set ENTITY KEY field=value...
    Set {
        entity: String,
        key: String,
        #[arg(value_name = "FIELD=VALUE", required = true)]
        fields: Vec<String>,
    },
    /// Delete a record (refused while other records name it).
    Rm { entity: String, key: String },
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
    /// Sales forecasts: roll up a period, or add opportunities to / submit one forecast.
    Forecast(forecast::ForecastArgs),
    /// Campaign efficiency: leads, prospects, opportunities, won revenue, cost per
    /// lead and ROI, for one campaign or all.
    CampaignReport { campaign: Option<String> },
    /// Records that match a query (see the README's "Queries"), or a saved query.
    #[command(after_help = "Examples:
  crm query 'stage:PROPOSAL amount>=10000 expected_close<today+30d' --entity opportunity
  crm query 'territory:NORD (city:München OR city:\"Bad Tölz\")' --entity prospect
  crm query 'no:interaction -status:converted' --entity prospect --columns name,city
  crm query --saved PIPELINE-BY-STAGE --format csv")]
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
}

/// A failure to report: one line on stderr, exit code 1.
pub type CliResult = anyhow::Result<()>;

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run_to_exit(cli) {
        Ok(()) => 0,
        Err(e) => {
            // One line, whatever the values in the message hold.
            let message = format!("{e:#}").replace('\r', "").replace('\n', "\\n");
            eprintln!("crm: {message}");
            1
        }
    }
}

/// Runs a command; the store is closed before it returns.
pub fn run(cli: Cli) -> CliResult {
    execute(cli, false)
}

/// Runs a command in a process that exits right after: a command that only reads
/// leaves its store to the OS instead of closing it. Closing joins sled's flusher
/// thread and flushes a log that has nothing to write, which cost 10-20 ms of a
/// 50 ms `crm get`; every write has been flushed before it returned (the store
/// flushes each write, migrations and saved-query installs included), and sled's
/// lock goes with the process.
pub fn run_to_exit(cli: Cli) -> CliResult {
    execute(cli, true)
}

impl Command {
    /// Whether the command only reads the database.
    fn reads_only(&self) -> bool {
        match self {
            Command::Get { .. }
            | Command::Find { .. }
            | Command::List { .. }
            | Command::Alerts { .. }
            | Command::CampaignReport { .. } => true,
            Command::Query { save, .. } => save.is_none(),
            Command::Forecast(args) => matches!(
                args.action,
                None | Some(forecast::ForecastAction::Candidates { .. })
            ),
            _ => false,
        }
    }
}

fn execute(cli: Cli, to_exit: bool) -> CliResult {
    let Some(command) = cli.command else {
        let config = Config::load(config_path().as_deref()).map_err(anyhow::Error::msg)?;
        let lang = UiLang::resolve(cli.lang, config.lang().map_err(anyhow::Error::msg)?);
        let keymap = cli
            .keymap
            .or(config.keymap)
            .unwrap_or_else(|| "default".into());
        return run_tui(cli.db, &keymap, lang);
    };
    if let Command::Schema { entity } = &command {
        return schema::run(entity.as_deref(), cli.format);
    }
    let path = cli.db.unwrap_or_else(default_db_path);
    let store = Store::open(&path)?;
    crate::query::saved::ensure_preconfigured(&store)?;
    let format = cli.format;
    if let Command::Demo {
        records,
        seed,
        if_empty,
    } = command
    {
        demo::run(&store, records, seed, if_empty)?;
        // sled replays its log on the first open after a bulk load, which takes
        // seconds on a large database; pay that here rather than on the next run.
        drop(store);
        Store::open(&path)?;
        return Ok(());
    }
    let leave_store = to_exit && command.reads_only();
    let result = dispatch(&store, command, format);
    if leave_store {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        std::mem::forget(store);
    }
    result
}

fn dispatch(store: &Store, command: Command, format: Format) -> CliResult {
    match command {
        Command::Schema { .. } => unreachable!("handled before the store opens"),
        Command::Add { entity, fields } => records::add(store, &entity, &fields),
        Command::Get { entity, key } => records::get(store, &entity, &key, format),
        Command::Find { text, limit } => find::run(store, &text, limit, format),
        Command::Set {
            entity,
            key,
            fields,
        } => records::set(store, &entity, &key, &fields),
        Command::Rm { entity, key } => records::rm(store, &entity, &key),
        Command::List {
            entity,
            territory,
            team,
            limit,
        } => records::list(store, &entity, territory, team, limit, format),
        Command::Demo { .. } => unreachable!("handled where the store can be closed"),
        Command::Convert {
            what,
            key,
            new_prospect,
        } => convert::run(store, &what, &key, new_prospect),
        Command::Accept { quote, won } => convert::accept(store, &quote, won.as_deref()),
        Command::Alerts {
            as_salesperson,
            all,
        } => alerts::run(store, as_salesperson, all, format),
        Command::Reject { quote } => convert::reject(store, &quote),
        Command::Forecast(args) => forecast::run(store, args, format),
        Command::CampaignReport { campaign } => campaign::run(store, campaign.as_deref(), format),
        Command::Query {
            query: text,
            entity,
            saved,
            columns,
            sort,
            limit,
            save,
        } => query::query(
            store,
            query::Request {
                query: text,
                entity,
                saved,
                columns,
                sort,
                limit,
                save,
            },
            format,
        ),
        Command::Queries { rename, delete } => match (rename.as_deref(), delete) {
            (Some([old, new]), _) => query::rename(store, old, new),
            (_, Some(name)) => query::delete(store, &name),
            _ => query::list(store, format),
        },
        Command::Check { repair } => check::run(store, repair),
    }
}

/// `crm` without a command: the full-screen interface, on a terminal only.
fn run_tui(db: Option<PathBuf>, keymap: &str, lang: Lang) -> CliResult {
    if !terminal::has_terminal() {
        use clap::CommandFactory;
        eprintln!(
            "crm: the full-screen interface needs a terminal (stdin and stdout are not one); \
             use a command from the list below"
        );
        Cli::command().print_help()?;
        std::process::exit(2);
    }
    let path = db.unwrap_or_else(default_db_path);
    let store = Store::open_with(&path, &OpenOptions::interactive())?;
    crate::query::saved::ensure_preconfigured(&store)?;
    let client = crate::api::local::Local::client(std::sync::Arc::new(store));
    terminal::run(
        client,
        &UiOptions {
            keymap: keymap.to_string(),
            lang,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads_only(args: &str) -> bool {
        let cli = Cli::try_parse_from(std::iter::once("crm").chain(args.split(' '))).unwrap();
        cli.command.unwrap().reads_only()
    }

    #[test]
    fn only_reading_commands_leave_their_store_to_the_os() {
        for args in [
            "get customer CUS0000001",
            "find müller",
            "list customer",
            "query territory:NORD --entity opportunity",
            "alerts --all",
            "forecast 2026-Q4",
            "forecast candidates FCS0000001",
            "campaign-report",
        ] {
            assert!(reads_only(args), "{args}");
        }
        for args in [
            "add territory key=NORD description=Norden",
            "set territory NORD description=Nord",
            "rm territory NORD",
            "query territory:NORD --entity opportunity --save mine",
            "forecast submit FCS0000001",
            "forecast add FCS0000001 OPP0000001",
            "queries",
            "check",
            "demo --records 10",
        ] {
            assert!(!reads_only(args), "{args}");
        }
    }
}
