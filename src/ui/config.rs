//! The user's settings file, `$XDG_CONFIG_HOME/termcrm/config.toml`:
//!
//! ```toml
//! keymap = "vim"   # default, vim or emacs
//! lang = "de"      # en or de
//! ```
//!
//! Command-line flags win over the file; the file wins over the defaults.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Lang;
use crate::util::{excerpt, safe_text, short_quotes};

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub keymap: Option<String>,
    pub lang: Option<String>,
}

pub fn config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "termcrm").map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// The file's settings; a missing file is no settings, a broken one an error
    /// that names the file and the problem.
    pub fn load(path: Option<&Path>) -> Result<Config, String> {
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let file = safe_text(&path.display().to_string());
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| toml_message(&file, &text, &e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("{file}: {e}")),
        }
    }

    /// The language the file asks for, if any.
    pub fn lang(&self) -> Result<Option<Lang>, String> {
        match self.lang.as_deref().map(str::to_lowercase).as_deref() {
            None => Ok(None),
            Some("en") => Ok(Some(Lang::En)),
            Some("de") => Ok(Some(Lang::De)),
            Some(other) => Err(format!(
                "config.toml: lang = \"{}\" is not en or de",
                excerpt(other)
            )),
        }
    }
}

/// A TOML file's error as one line, "FILE line L, column C: MESSAGE": toml's own
/// message without its snippet of the file, every line of it joined, quoted
/// input cut to an excerpt and the whole safe for a terminal.
pub fn toml_message(file: &str, text: &str, e: &toml::de::Error) -> String {
    let at = match e.span() {
        Some(span) => {
            let start = floor_char(text, span.start);
            let before = &text[..start];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(" line {line}, column {column}")
        }
        None => String::new(),
    };
    let message: Vec<&str> = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // toml quotes names and values in backticks: each one cut to an excerpt.
    let message = message
        .join("; ")
        .split('`')
        .enumerate()
        .map(|(i, piece)| match i % 2 {
            1 => excerpt(piece),
            _ => piece.to_string(),
        })
        .collect::<Vec<_>>()
        .join("`");
    format!("{file}{at}: {}", short_quotes(&message))
}

/// The largest char boundary of `text` at or before `at`.
fn floor_char(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_names_mistakes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(Config::load(Some(&path)).unwrap(), Config::default());
        std::fs::write(&path, "keymap = \"vim\"\nlang = \"de\"\n").unwrap();
        let c = Config::load(Some(&path)).unwrap();
        assert_eq!(c.keymap.as_deref(), Some("vim"));
        assert_eq!(c.lang().unwrap(), Some(Lang::De));
        std::fs::write(&path, "keymapp = \"vim\"\n").unwrap();
        let e = Config::load(Some(&path)).unwrap_err();
        assert!(
            e.contains("config.toml line 1, column 1: ") && e.contains("keymapp"),
            "{e}"
        );
        assert_eq!(e.lines().count(), 1, "{e}");
    }

    #[test]
    fn a_broken_file_is_one_short_line_with_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "keymap = \"vim\"\nlang = de\n").unwrap();
        let e = Config::load(Some(&path)).unwrap_err();
        assert!(e.contains("config.toml line 2, column 8: "), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
        // A 100,000-character line: the message stays short and safe.
        let short = |e: &str| e.chars().count() < 300 + path.display().to_string().len();
        for huge in [
            format!("{} = 1\n", "k".repeat(100_000)),
            format!("lang = \"{}\u{1b}\"\n", "x".repeat(100_000)),
            format!("lang = {}\n", "x".repeat(100_000)),
        ] {
            std::fs::write(&path, &huge).unwrap();
            let e = Config::load(Some(&path)).unwrap_err();
            assert!(short(&e), "{e}");
            assert!(e.contains("config.toml line 1, column "), "{e}");
            assert_eq!(e.lines().count(), 1, "{e}");
            assert!(!e.chars().any(crate::util::is_unsafe), "{e:?}");
        }
        std::fs::write(
            &path,
            format!("lang = \"{}\\u001b[2J\"\n", "x".repeat(100_000)),
        )
        .unwrap();
        let c = Config::load(Some(&path)).unwrap();
        let e = c.lang().unwrap_err();
        assert!(e.chars().count() < 200, "{e}");
        assert!(!e.contains('\u{1b}'), "{e}");
        // Non-ASCII text before the error counts characters, not bytes.
        std::fs::write(&path, "# Grüße\nlang = \"de\"\nkeymap = ü\n").unwrap();
        let e = Config::load(Some(&path)).unwrap_err();
        assert!(e.contains("line 3, column 10"), "{e}");
    }
}
