//! The terminal side: raw mode and the alternate screen, restored on every exit
//! path (normal exit, error, panic, Ctrl-C as a key, SIGINT/SIGQUIT/SIGTERM/SIGHUP,
//! which end crm with 128 + the signal's number), suspended and re-entered on
//! SIGTSTP (or ctrl-z) and SIGCONT, and the event loop that never blocks longer
//! than a frame and handles all input that has arrived before it draws.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crossterm::cursor::Show;
use crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEvent, KeyEventKind,
    KeyModifiers,
};
use crossterm::execute;
use crossterm::terminal::EnterAlternateScreen;
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};

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

/// The signals that end crm; each ends it with 128 + its number, as a shell reports
/// a process killed by it, so a script tells them from a quit (0).
const ENDINGS: [libc::c_int; 4] = [SIGINT, SIGQUIT, SIGTERM, SIGHUP];

/// Runs the TUI until the user quits (`Ok(None)`) or a signal ends it
/// (`Ok(Some(exit code))`, the terminal already restored).
pub fn run(client: Client, options: &UiOptions) -> anyhow::Result<Option<i32>> {
    let keymap = Keymap::load(&options.keymap, user_keymap_path().as_deref())
        .map_err(|e| anyhow::anyhow!(e))?;
    // The number of the signal that ends crm, 0 while none has come.
    let ending = Arc::new(AtomicUsize::new(0));
    for signal in ENDINGS {
        signal_hook::flag::register_usize(signal, Arc::clone(&ending), signal as usize)?;
    }
    let suspend = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(SIGTSTP, Arc::clone(&suspend))?;
    // A stop crm could not catch (SIGSTOP) leaves the screen to whoever drew on it
    // meanwhile: every continuation draws it whole again.
    let continued = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(SIGCONT, Arc::clone(&continued))?;
    let mut app =
        App::new(client, keymap, options.lang).with_column_file(super::config::columns_path());
    watch_for_hangup(Arc::clone(&ending));
    // ratatui::init enters raw mode and the alternate screen and installs a panic
    // hook that restores the terminal before the panic message is printed; ours
    // runs first and ends bracketed paste and shows the cursor.
    let mut terminal = ratatui::init();
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableBracketedPaste, Show);
        ratatui_hook(info);
    }));
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    let signals = Signals {
        ending: &ending,
        suspend: &suspend,
        continued: &continued,
    };
    let result = event_loop(&mut terminal, &mut app, &signals);
    restore();
    result?;
    Ok(match ending.load(Ordering::Relaxed) {
        0 => None,
        n => Some(128 + n as i32),
    })
}

/// Raw mode off, bracketed paste off, the main screen, the cursor shown.
fn restore() {
    let _ = execute!(std::io::stdout(), DisableBracketedPaste, Show);
    ratatui::restore();
}

/// Back from a suspension: raw mode, the alternate screen, and a full redraw on
/// the next frame (the screen holds the shell's lines now).
fn resume(terminal: &mut ratatui::DefaultTerminal) -> anyhow::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste
    )?;
    terminal.clear()?;
    Ok(())
}

/// Suspends crm as the shell's ctrl-z does: the terminal restored, the process
/// stopped (SIGTSTP's default action); on SIGCONT it continues here.
fn suspend(terminal: &mut ratatui::DefaultTerminal) -> anyhow::Result<()> {
    restore();
    signal_hook::low_level::emulate_default_handler(SIGTSTP)?;
    resume(terminal)
}

/// What the signal handlers noted for the event loop.
struct Signals<'a> {
    ending: &'a AtomicUsize,
    suspend: &'a AtomicBool,
    continued: &'a AtomicBool,
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    signals: &Signals,
) -> anyhow::Result<()> {
    // Every pass draws a frame: after input, or after 100 ms without any, when
    // background loaders may have delivered rows.
    while !app.should_quit() && signals.ending.load(Ordering::Relaxed) == 0 {
        if signals.suspend.swap(false, Ordering::Relaxed) {
            suspend(terminal)?;
        }
        if signals.continued.swap(false, Ordering::Relaxed) {
            terminal.clear()?;
        }
        let size = terminal.size()?;
        app.prepare(ratatui::layout::Rect::new(0, 0, size.width, size.height));
        terminal.draw(|frame| app.render(frame))?;
        if !event::poll(Duration::from_millis(100))? {
            continue;
        }
        // Everything that has arrived (a burst of keys, a paste) is handled before
        // the next frame, which is drawn once for all of it. Characters typed into
        // a form input go in together, as one edit.
        let mut typed = String::new();
        loop {
            match event::read()? {
                Event::Key(key) if key.kind == KeyEventKind::Release => {}
                Event::Key(key) if app.suspends_on(&key) => {
                    signals.suspend.store(true, Ordering::Relaxed)
                }
                Event::Key(key) if typing(&key).is_some() && app.takes_typing() => {
                    typed.extend(typing(&key));
                }
                event => {
                    if !typed.is_empty() {
                        app.type_text(&std::mem::take(&mut typed));
                    }
                    match event {
                        Event::Key(key) => app.handle_key(key),
                        Event::Paste(text) => app.paste(&text),
                        _ => {}
                    }
                }
            }
            if app.should_quit()
                || signals.suspend.load(Ordering::Relaxed)
                || !event::poll(Duration::from_millis(1))?
            {
                break;
            }
        }
        if !typed.is_empty() {
            app.type_text(&typed);
        }
    }
    Ok(())
}

/// The character a key types, if it is a plain one (no ctrl, no alt).
fn typing(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// A closed terminal (an SSH connection that dropped) makes crossterm's reader spin
/// on end-of-file without ever returning, so the event loop cannot notice. This
/// thread does: on a hang-up of stdin, or a stop signal the loop has not acted on
/// within a second, it restores what it can and ends the process. Every saved
/// record is already on disk (each save is written before its reply).
fn watch_for_hangup(ending: Arc<AtomicUsize>) {
    std::thread::spawn(move || {
        let mut stopping_since: Option<std::time::Instant> = None;
        loop {
            std::thread::sleep(Duration::from_millis(250));
            if stdin_hung_up() {
                restore();
                std::process::exit(128 + SIGHUP);
            }
            let signal = ending.load(Ordering::Relaxed);
            if signal != 0 {
                let since = *stopping_since.get_or_insert_with(std::time::Instant::now);
                if since.elapsed() > Duration::from_secs(1) {
                    restore();
                    std::process::exit(128 + signal as i32);
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
