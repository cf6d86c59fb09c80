//! `crm serve` (the server in the foreground), `crm server status` and
//! `crm server stop`.

use std::path::PathBuf;

use clap::Subcommand;

use super::output::print_report;
use super::{CliResult, Format};
use crate::api::Client;
use crate::server::{self, spawn, Config, Server};

#[derive(Debug, Subcommand)]
pub enum ServerAction {
    /// Pid, uptime, database, connected users and requests served.
    Status,
    /// Stop the server (admins only); the next `crm` starts a new one.
    Stop,
}

pub fn serve(db: PathBuf, group: Option<String>, auto: bool, repair: bool) -> CliResult {
    let config = Config {
        db,
        group,
        idle_exit: auto.then(spawn::idle_exit),
        peer_map: None,
        log_changes: true,
        ticks: true,
        repair,
    };
    let server = Server::start(config)?;
    let stop = server::stop_handle(&server);
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGHUP,
    ])?;
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            stop();
        }
    });
    server.wait();
    Ok(())
}

pub fn run(api: &Client, action: ServerAction, format: Format) -> CliResult {
    match action {
        ServerAction::Status => {
            let s = api.server_status()?;
            let rows = vec![
                vec!["pid".into(), s.pid.to_string()],
                vec!["uptime".into(), uptime(s.uptime_secs)],
                vec!["database".into(), s.database],
                vec!["users".into(), s.users.join(", ")],
                vec!["connections".into(), s.connections.to_string()],
                vec!["requests".into(), s.requests.to_string()],
                vec![
                    "idle exit".into(),
                    s.idle_exit_secs.map_or_else(
                        || "never (foreground)".into(),
                        |n| format!("after {n} s without clients"),
                    ),
                ],
            ];
            print_report(&["what", "value"], &rows, "server", format)
        }
        ServerAction::Stop => {
            let pid = api.server_status()?.pid;
            api.server_stop()?;
            // "Stopped" means gone: a server started next finds the path free.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while crate::util::peer::alive(pid) && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            eprintln!("server of {} stopped", api.database());
            Ok(())
        }
    }
}

fn uptime(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match d {
        0 => format!("{h:02}:{m:02}:{s:02}"),
        _ => format!("{d} d {h:02}:{m:02}:{s:02}"),
    }
}
