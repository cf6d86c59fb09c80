//! The user's settings file, `$XDG_CONFIG_HOME/termcrm/config.toml`:
//!
//! ```toml
//! keymap = "vim"   # default, vim or emacs
//! lang = "de"      # en or de
//! ```
//!
//! Command-line flags win over the file; the file wins over the defaults.
//!
//! Beside it, `columns.toml` keeps each mask's columns as the user chose them in
//! the column chooser (`c`), written by crm:
//!
//! ```toml
//! [columns]
//! Opportunities = "description,customer|prospect,stage,amount,expected_close"
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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

/// Where the column choices live: `$XDG_CONFIG_HOME/termcrm/columns.toml`.
pub fn columns_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "termcrm").map(|d| d.config_dir().join("columns.toml"))
}

/// The user's columns per mask (by its English name), as `:columns` names them.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnChoices {
    #[serde(default)]
    pub columns: std::collections::BTreeMap<String, String>,
}

impl ColumnChoices {
    /// The file's choices; a missing file is none, a broken one an error naming it.
    pub fn load(path: &Path) -> Result<ColumnChoices, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ColumnChoices::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Writes the choices (the file 0600, a new directory 0700), through a
    /// temporary file so that a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        use std::io::Write;
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        let fail =
            |e: &dyn std::fmt::Display| format!("{}: cannot keep the columns: {e}", path.display());
        if let Some(dir) = path.parent() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| fail(&e))?;
        }
        let text = toml::to_string(self).map_err(|e| fail(&e))?;
        let tmp = path.with_extension("toml.tmp");
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| fail(&e))?;
        f.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
        f.sync_all().map_err(|e| fail(&e))?;
        std::fs::rename(&tmp, path).map_err(|e| fail(&e))
    }
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

    #[test]
    fn column_choices_are_kept_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("termcrm").join("columns.toml");
        assert_eq!(
            ColumnChoices::load(&path).unwrap(),
            ColumnChoices::default()
        );
        let mut c = ColumnChoices::default();
        c.columns.insert(
            "Opportunities".into(),
            "description,customer|prospect".into(),
        );
        c.save(&path).unwrap();
        assert_eq!(ColumnChoices::load(&path).unwrap(), c);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::write(&path, "columns = 3").unwrap();
        assert!(ColumnChoices::load(&path)
            .unwrap_err()
            .contains("columns.toml"));
    }
}
