//! crm in a real terminal: tmux runs the built binary in an 80×24 session inside a
//! shell that reports its exit code and the terminal's modes afterwards; keys go in
//! with send-keys, the screen comes back with capture-pane.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_crm");

pub struct Session {
    pub name: String,
    /// The database, whose server the session's crm started and its drop stops.
    db: PathBuf,
}

impl Session {
    /// Starts `crm --db DB` in an 80×24 tmux session, inside a shell that reports the
    /// exit code and whether the terminal is back in cooked mode afterwards.
    pub fn start(db: &Path, extra: &str) -> Session {
        static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!(
            "crm-e2e-{}-{}-{n}",
            std::process::id(),
            db.file_name().unwrap().to_string_lossy()
        );
        let script = format!(
            "{BIN} --db {} {extra}; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo; sleep 60",
            db.display()
        );
        // Tests start and end sessions at once: a new session can meet the tmux
        // server that the last session's end is taking down; it tries again.
        let mut tries = 0;
        loop {
            let out = Command::new("tmux")
                .args(["new-session", "-d", "-s", &name, "-x", "80", "-y", "24"])
                .arg("env")
                .args(["LANG=C.UTF-8", "TERM=xterm-256color", "sh", "-c", &script])
                .output()
                .expect("tmux runs");
            if out.status.success() {
                break;
            }
            tries += 1;
            assert!(
                tries < 30,
                "tmux new-session failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Session {
            name,
            db: db.to_path_buf(),
        }
    }

    pub fn send(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn type_text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name, "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("'{text}' never appeared; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
        super::cli::stop_server(&self.db);
    }
}

/// The crm process on `db`, not the shell around it (whose command line holds the
/// same words).
pub fn crm_pid(db: &Path) -> Option<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
            args.first() == Some(&BIN.as_bytes())
                && args.contains(&db.as_os_str().as_encoded_bytes())
                // The database's server has the same words; this is the TUI.
                && !args.contains(&b"serve".as_slice())
        })
}

/// The terminal is back to normal: the shell after crm saw cooked mode with echo.
pub fn assert_restored(screen: &str) {
    assert_ended(screen, 0);
}

/// crm ended with `code` and the shell after it saw cooked mode with echo.
pub fn assert_ended(screen: &str, code: i32) {
    assert!(
        screen.contains(&format!("EXIT={code}\n")),
        "crm did not exit with {code}:\n{screen}"
    );
    let modes = screen
        .lines()
        .skip_while(|l| !l.contains("EXIT="))
        .nth(1)
        .unwrap_or("");
    assert!(
        modes.contains("icanon") && !modes.contains("-icanon"),
        "raw mode left on: {modes}"
    );
    assert!(
        modes.contains("echo") && !modes.contains("-echo"),
        "echo left off: {modes}"
    );
}
