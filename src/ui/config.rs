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
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// The language the file asks for, if any.
    pub fn lang(&self) -> Result<Option<Lang>, String> {
        match self.lang.as_deref().map(str::to_lowercase).as_deref() {
            None => Ok(None),
            Some("en") => Ok(Some(Lang::En)),
            Some("de") => Ok(Some(Lang::De)),
            Some(other) => Err(format!("config: lang = \"{other}\" is not en or de")),
        }
    }
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
        assert!(e.contains("config.toml") && e.contains("keymapp"), "{e}");
    }
}
