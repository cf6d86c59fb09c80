//! `--lang`: the language of the full-screen interface.

use clap::ValueEnum;

use crate::model::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UiLang {
    En,
    De,
}

impl UiLang {
    /// `--lang`, else the config file, else a German LANG/LC_ALL/LC_MESSAGES, else
    /// English.
    pub(super) fn resolve(choice: Option<UiLang>, configured: Option<Lang>) -> Lang {
        match choice {
            Some(UiLang::De) => Lang::De,
            Some(UiLang::En) => Lang::En,
            None if configured.is_some() => configured.unwrap_or_default(),
            None => {
                let german = ["LC_ALL", "LC_MESSAGES", "LANG"]
                    .iter()
                    .filter_map(|v| std::env::var(v).ok())
                    .find(|v| !v.is_empty())
                    .is_some_and(|v| v.starts_with("de"));
                if german {
                    Lang::De
                } else {
                    Lang::En
                }
            }
        }
    }
}
