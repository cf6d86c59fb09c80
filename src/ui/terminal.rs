//! The terminal side: raw mode and the alternate screen, restored on every exit
//! path (normal exit, error, panic, Ctrl-C as a key, SIGTERM/SIGHUP), and the event
//! loop that never blocks longer than a frame.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEventKind};

use super::app::App;
use super::keymap::{user_keymap_path, Keymap};
use crate::api::Client;
use crate::model::Lang;

/// How the TUI was asked to start.
#[derive(Debug, Clone)]
pub struct UiOptions {
    pub keymap: String,
    pub lang: Lang,
}

/// Whether both ends of the session are a terminal.
pub fn has_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Runs the TUI until the user quits.
pub fn run(client: Client, options: &UiOptions) -> anyhow::Result<()> {
    let keymap = Keymap::load(&options.keymap, user_keymap_path().as_deref())
        .map_err(|e| anyhow::anyhow!(e))?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    let mut app = App::new(client, keymap, options.lang);
    watch_for_hangup(Arc::clone(&stop));
    // ratatui::init enters raw mode and the alternate screen and installs a panic
    // hook that restores the terminal before the panic message is printed.
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, &mut app, &stop);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    let mut dirty = true;
    while !app.should_quit() && !stop.load(Ordering::Relaxed) {
        if dirty {
            let size = terminal.size()?;
            app.prepare(ratatui::layout::Rect::new(0, 0, size.width, size.height));
            terminal.draw(|frame| app.render(frame))?;
            dirty = false;
        }
        // Wake up regularly: background loaders deliver rows between key presses.
        if event::poll(Duration::from_millis(100))? {
            match event::read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => app.handle_key(key),
                Event::Resize(_, _) => {}
                _ => continue,
            }
        }
        dirty = true;
    }
    Ok(())
}

/// A closed terminal (an SSH connection that dropped) makes crossterm's reader spin
/// on end-of-file without ever returning, so the event loop cannot notice. This
/// thread does: on a hang-up of stdin, or a stop signal the loop has not acted on
/// within a second, it restores what it can and ends the process. Every saved
/// record is already on disk (each save is written before its reply).
fn watch_for_hangup(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let mut stopping_since: Option<std::time::Instant> = None;
        loop {
            std::thread::sleep(Duration::from_millis(250));
            if stdin_hung_up() {
                ratatui::restore();
                std::process::exit(129);
            }
            if stop.load(Ordering::Relaxed) {
                let since = *stopping_since.get_or_insert_with(std::time::Instant::now);
                if since.elapsed() > Duration::from_secs(1) {
                    ratatui::restore();
                    std::process::exit(143);
                }
            }
        }
    });
}

fn stdin_hung_up() -> bool {
    let mut fds = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout; poll only writes `revents`.
    let ready = unsafe { libc::poll(&mut fds, 1, 0) };
    ready > 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}
