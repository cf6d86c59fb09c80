//! The terminal survives every ending and every input: each signal that ends crm
//! restores the terminal and exits with 128 + its number, a suspension (SIGTSTP or
//! ctrl-z) gives the terminal back and takes it again on SIGCONT, and a large paste
//! lands at once, as one edit.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::tmux::{assert_ended, assert_restored, crm_pid, Session, BIN};

/// A database with demo data.
fn demo(db: &Path) {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["demo", "--records", "300"])
        .output()
        .unwrap();
    common::cli::watch(db);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn kill(signal: &str, pid: u32) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// tmux's view of the pane: whether it shows the alternate screen, and whether
/// the cursor is visible.
fn pane_modes(s: &Session) -> (bool, bool) {
    let out = Command::new("tmux")
        .args(["display-message", "-p", "-t", &s.name])
        .arg("#{alternate_on} #{cursor_flag}")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut flags = text.split_whitespace().map(|f| f == "1");
    (flags.next().unwrap(), flags.next().unwrap())
}

/// The process state letter from /proc (`T` while stopped).
fn state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    after_name.trim_start().chars().next().unwrap_or('?')
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// crm on the home pane, killed by `signal`, exits with `code`: raw mode off, the
/// main screen back, the cursor shown.
fn ended_by(signal: &str, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(signal.to_lowercase());
    demo(&db);
    let s = Session::start(&db, "");
    s.wait_for("Alerts");
    kill(signal, crm_pid(&db).expect("the crm process runs"));
    let screen = s.wait_for("icanon");
    assert_ended(&screen, code);
    assert!(
        !screen.contains("Alerts"),
        "still the alternate screen:\n{screen}"
    );
    assert_eq!(
        pane_modes(&s),
        (false, true),
        "alternate screen, cursor shown"
    );
}

#[test]
fn sigint_restores_the_terminal_and_exits_130() {
    ended_by("INT", 130);
}

#[test]
fn sigquit_restores_the_terminal_and_exits_131() {
    ended_by("QUIT", 131);
}

#[test]
fn sigterm_restores_the_terminal_and_exits_143() {
    ended_by("TERM", 143);
}

#[test]
fn sighup_restores_the_terminal_and_exits_129() {
    ended_by("HUP", 129);
}

/// After a suspension crm is stopped with the terminal given back; SIGCONT brings
/// its screen back whole, and keys work again.
fn suspended_then_continued(s: &Session, pid: u32) {
    wait_until("the stop", || state(pid) == 'T');
    wait_until("the main screen", || pane_modes(s) == (false, true));
    assert!(!s.screen().contains("Alerts"), "{}", s.screen());
    kill("CONT", pid);
    let screen = s.wait_for("Alerts");
    // The first line and the last (the keys line) are both there again.
    assert!(
        screen.contains("Keys of this view"),
        "not redrawn whole:\n{screen}"
    );
    assert!(pane_modes(s).0, "back on the alternate screen");
    s.send(&["1"]);
    s.wait_for("Budget");
    s.send(&["q"]);
    let screen = s.wait_for("icanon");
    assert_restored(&screen);
    assert_eq!(pane_modes(s), (false, true));
}

#[test]
fn sigtstp_gives_the_terminal_back_and_sigcont_takes_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tstp");
    demo(&db);
    let s = Session::start(&db, "");
    s.wait_for("Alerts");
    let pid = crm_pid(&db).expect("the crm process runs");
    kill("TSTP", pid);
    suspended_then_continued(&s, pid);
}

#[test]
fn ctrl_z_suspends_like_the_shell_s_job_control() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ctrlz");
    demo(&db);
    let s = Session::start(&db, "");
    s.wait_for("Alerts");
    let pid = crm_pid(&db).expect("the crm process runs");
    s.send(&["C-z"]);
    suspended_then_continued(&s, pid);
}

/// A new territory's form with the code typed and the name field focused.
fn territory_form(s: &Session) {
    s.wait_for("Alerts");
    s.type_text(":Territories");
    s.send(&["Enter"]);
    s.wait_for("NORD");
    s.send(&["n"]);
    s.type_text("PASTE");
    s.send(&["Tab"]);
}

fn stored_name(db: &Path) -> String {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["get", "territory", "PASTE"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// 20,000 bytes ending in a mark the screen shows once all of them are in.
fn long_text() -> String {
    let mut text = "kiel-foerde ".repeat(1700);
    text.truncate(20_000 - "END-OF-PASTE".len());
    text + "END-OF-PASTE"
}

#[test]
fn a_20_kb_paste_lands_at_once_and_the_field_limit_refuses_its_save() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("paste");
    demo(&db);
    let s = Session::start(&db, "");
    territory_form(&s);
    let text = long_text();
    let file = dir.path().join("paste.txt");
    std::fs::write(&file, &text).unwrap();
    let buffer = format!("{}-buffer", s.name);
    let status = Command::new("tmux")
        .args(["load-buffer", "-b", &buffer])
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    // -p: as a bracketed paste, which crm asked the terminal for.
    let status = Command::new("tmux")
        .args(["paste-buffer", "-p", "-d", "-b", &buffer, "-t", &s.name])
        .status()
        .unwrap();
    assert!(status.success());
    s.wait_for("END-OF-PASTE");
    let took = started.elapsed();
    eprintln!("20 KB paste on screen after {took:?}");
    assert!(took < Duration::from_secs(1), "the paste took {took:?}");
    // A single-line field holds at most 10,000 characters: the save says so at
    // the field and stores nothing.
    s.send(&["C-s"]);
    s.wait_for("is too long: 20000 characters, at most 10000");
    assert!(
        !stored_name(&db).contains("END-OF-PASTE"),
        "nothing was saved"
    );
    s.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    s.send(&["y"]);
    std::thread::sleep(Duration::from_millis(300));
    s.send(&["q"]);
    assert_restored(&s.wait_for("icanon"));
}

#[test]
fn a_burst_of_typed_keys_is_handled_whole_before_the_next_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("burst");
    demo(&db);
    let s = Session::start(&db, "");
    territory_form(&s);
    // Keys, not a paste: 5,000 characters in one go, far more than one read takes.
    let text = long_text()[15_000..].to_string();
    let started = Instant::now();
    s.type_text(&text);
    s.wait_for("END-OF-PASTE");
    let took = started.elapsed();
    eprintln!("5,000 typed keys on screen after {took:?}");
    assert!(took < Duration::from_secs(1), "the keys took {took:?}");
    s.send(&["C-s"]);
    s.wait_for("saved");
    assert!(stored_name(&db).contains(&text), "not every key arrived");
    s.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    s.send(&["q"]);
    assert_restored(&s.wait_for("icanon"));
}
