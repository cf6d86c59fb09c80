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
mod command;
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

use clap::Parser;

use crate::api::default_db_path;
use crate::api::{Client, QuerySpec};
use crate::model::Lang;
use crate::ui::config::{config_path, Config};
pub use command::Command;
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
