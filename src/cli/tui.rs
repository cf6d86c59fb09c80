//! `crm` without a command: the full-screen interface.

use std::path::PathBuf;

use super::{client, Cli, CliResult};
use crate::model::Lang;
use crate::ui::terminal::{self, UiOptions};

/// `crm` without a command: the full-screen interface, on a terminal only.
pub(super) fn run_tui(
    db: Option<PathBuf>,
    remote: Option<String>,
    keymap: &str,
    lang: Lang,
) -> CliResult {
    if !terminal::has_terminal() {
        use clap::CommandFactory;
        eprintln!(
            "crm: the full-screen interface needs a terminal (stdin and stdout are not one); \
             use a command from the list below"
        );
        Cli::command().print_help()?;
        std::process::exit(2);
    }
    let client = client(db, remote)?;
    let options = UiOptions {
        keymap: keymap.to_string(),
        lang,
    };
    if let Some(code) = terminal::run(client, &options)? {
        // Ended by a signal: the terminal is restored; the exit code names it.
        std::process::exit(code);
    }
    Ok(())
}
