//! Keys are data: the shipped keymaps (`keymaps/*.toml`, embedded) bind keys to
//! `Action`s per context, each binding with a description in English and German;
//! a user file overrides a section or adds to it. Help, the hint bar and the
//! palette read the descriptions from here, so they cannot drift from behaviour.

mod file;
mod key;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crossterm::event::KeyEvent;

use self::file::{check_unique, did_you_mean, parse_file, without_keys, RawSection};
pub use self::key::KeyChord;
use super::action::{Action, Context};
use crate::model::Lang;

/// The shipped keymaps by name, with the file they come from.
const SHIPPED: [(&str, &str, &str); 3] = [
    (
        "default",
        "keymaps/default.toml",
        include_str!("../../keymaps/default.toml"),
    ),
    (
        "vim",
        "keymaps/vim.toml",
        include_str!("../../keymaps/vim.toml"),
    ),
    (
        "emacs",
        "keymaps/emacs.toml",
        include_str!("../../keymaps/emacs.toml"),
    ),
];

/// The names `--keymap` accepts.
pub fn names() -> Vec<&'static str> {
    SHIPPED.iter().map(|(name, _, _)| *name).collect()
}

/// Where the user's keymap lives: `$XDG_CONFIG_HOME/termcrm/keymap.toml` on Linux.
pub fn user_keymap_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "termcrm").map(|d| d.config_dir().join("keymap.toml"))
}

/// Contexts in which a global key on a plain character ("q", "?", "1") does not
/// fire: where text is typed, and in a confirmation, where a stray key must not
/// act behind the question. Ctrl/alt keys, F-keys, esc, enter and tab still do.
pub fn blocks_plain_globals(context: Context) -> bool {
    matches!(
        context,
        Context::Form
            | Context::Picker
            | Context::Palette
            | Context::Help
            | Context::Confirm
            | Context::Sort
            | Context::Columns
    )
}

/// One key binding of a context.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The first key as written in the file ("ctrl-p", "?", "G", "enter").
    pub on: String,
    /// All keys of the binding as written (`on` is the first).
    pub keys: Vec<String>,
    /// `keys` parsed, in the same order.
    pub chords: Vec<KeyChord>,
    pub action: Action,
    pub desc_en: String,
    pub desc_de: String,
}

impl Binding {
    pub fn desc(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.desc_en,
            Lang::De => &self.desc_de,
        }
    }
    /// The keys for help: "ctrl-c, q".
    pub fn keys_label(&self) -> String {
        self.keys.join(", ")
    }
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    name: String,
    sections: BTreeMap<Context, Vec<Binding>>,
}

impl Keymap {
    /// A shipped keymap ("default", "vim", "emacs") with the user's file laid over it
    /// (if given and present).
    pub fn load(name: &str, user_file: Option<&Path>) -> Result<Keymap, String> {
        let Some((_, file, text)) = SHIPPED.iter().find(|(n, _, _)| *n == name) else {
            return Err(format!(
                "unknown keymap '{}'{}; the shipped keymaps are: {}",
                crate::util::excerpt(name),
                did_you_mean(name, names()),
                names().join(", ")
            ));
        };
        let mut keymap = Keymap::parse_shipped(name, file, text)?;
        if let Some(path) = user_file.filter(|p| p.exists()) {
            let file = crate::util::safe_text(&path.display().to_string());
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{file}: cannot read the keymap: {e}"))?;
            keymap.overlay(&file, &text)?;
        }
        Ok(keymap)
    }

    /// The embedded default keymap.
    pub fn builtin() -> Keymap {
        let (name, file, text) = SHIPPED[0];
        Keymap::parse_shipped(name, file, text)
            .expect("the embedded default keymap is valid (tested)")
    }

    /// A complete keymap: every context has a section, every binding both descriptions.
    pub fn parse_shipped(name: &str, file: &str, text: &str) -> Result<Keymap, String> {
        let parsed = parse_file(file, text, true)?;
        let mut sections = BTreeMap::new();
        for context in Context::ALL {
            let section = match parsed.get(&context) {
                Some(RawSection {
                    keys: Some(keys), ..
                }) if !keys.is_empty() => keys.clone(),
                _ => {
                    return Err(format!(
                        "{file}: section [{}] with `keys = [...]` is missing",
                        context.name()
                    ))
                }
            };
            check_unique(file, context, &section)?;
            sections.insert(context, section);
        }
        Ok(Keymap {
            name: name.to_string(),
            sections,
        })
    }

    /// Lay a user file over this keymap: a section with `keys` replaces that section;
    /// `prepend_keys` go before it (and take their keys from the bindings there),
    /// `append_keys` after it. A binding without `desc` keeps the description this
    /// keymap has for its action.
    pub fn overlay(&mut self, file: &str, text: &str) -> Result<(), String> {
        let parsed = parse_file(file, text, false)?;
        let mut merged = Vec::new();
        for (context, section) in parsed {
            let base = section
                .keys
                .unwrap_or_else(|| self.bindings(context).to_vec());
            check_unique(file, context, &section.prepend)?;
            let prepended: Vec<KeyChord> = section
                .prepend
                .iter()
                .flat_map(|b| b.chords.clone())
                .collect();
            let mut list = section.prepend;
            for binding in base {
                list.extend(without_keys(binding, |chord| prepended.contains(chord)));
            }
            for binding in section.append {
                for (key, chord) in binding.keys.iter().zip(&binding.chords) {
                    let taken = list.iter().find(|b| b.chords.contains(chord));
                    if let Some(taken) = taken.filter(|b| b.action != binding.action) {
                        return Err(format!(
                            "{file} [{}] append_keys: key \"{}\" is already bound to '{}'; \
                             put it in prepend_keys to override that",
                            context.name(),
                            crate::util::excerpt(key),
                            taken.action.name()
                        ));
                    }
                }
                // A key already bound to the same action is left out, not doubled.
                let bound: Vec<KeyChord> = list.iter().flat_map(|b| b.chords.clone()).collect();
                list.extend(without_keys(binding, |chord| bound.contains(chord)));
            }
            check_unique(file, context, &list)?;
            for binding in &mut list {
                self.fill_descriptions(context, binding);
            }
            merged.push((context, list));
        }
        self.sections.extend(merged);
        Ok(())
    }

    /// Descriptions a user binding left out: what this keymap says for the action.
    fn fill_descriptions(&self, context: Context, binding: &mut Binding) {
        if binding.desc_en.is_empty() {
            let known = self
                .find(context, binding.action)
                .or_else(|| self.find_any(binding.action).map(|(_, b)| b));
            let (en, de) = match known {
                Some(b) => (b.desc_en.clone(), b.desc_de.clone()),
                None => (binding.action.name().replace('_', " "), String::new()),
            };
            binding.desc_en = en;
            if binding.desc_de.is_empty() {
                binding.desc_de = de;
            }
        }
        if binding.desc_de.is_empty() {
            binding.desc_de = binding.desc_en.clone();
        }
    }

    /// "default", "vim" or "emacs".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The action a key means in `context`: the context's bindings first, then the
    /// global ones (except plain characters where `blocks_plain_globals`).
    pub fn resolve(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        self.lookup(context, KeyChord::from_event(key), false)
    }

    /// Like `resolve`, for a component that is taking text right now in a context
    /// that normally is not (the table's filter line): no plain character resolves.
    pub fn resolve_typing(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        self.lookup(context, KeyChord::from_event(key), true)
    }

    /// `resolve` for a key in normal form.
    pub fn resolve_chord(&self, context: Context, chord: KeyChord) -> Option<Action> {
        self.lookup(context, chord, false)
    }

    fn lookup(&self, context: Context, chord: KeyChord, typing: bool) -> Option<Action> {
        let plain = chord.is_plain_char();
        let find = |c: Context| {
            self.bindings(c)
                .iter()
                .find(|b| b.chords.contains(&chord))
                .map(|b| b.action)
        };
        if !(typing && plain) {
            if let Some(action) = find(context) {
                return Some(action);
            }
        }
        if context == Context::Global || (plain && (typing || blocks_plain_globals(context))) {
            return None;
        }
        find(Context::Global)
    }

    /// The bindings of one context, in file order.
    pub fn bindings(&self, context: Context) -> &[Binding] {
        self.sections.get(&context).map_or(&[], Vec::as_slice)
    }

    /// The key shown for an action in a context (or global), e.g. "ctrl-p": the
    /// first key that really runs the action there (not shadowed, not blocked).
    pub fn key_for(&self, context: Context, action: Action) -> Option<&str> {
        [context, Context::Global]
            .into_iter()
            .flat_map(|c| self.bindings(c))
            .filter(|b| b.action == action)
            .flat_map(|b| b.keys.iter().zip(&b.chords))
            .find(|(_, chord)| self.lookup(context, **chord, false) == Some(action))
            .map(|(key, _)| key.as_str())
    }

    /// The description of an action in a context (or global).
    pub fn describe(&self, context: Context, action: Action, lang: Lang) -> Option<&str> {
        self.find(context, action)
            .or_else(|| self.find(Context::Global, action))
            .map(|b| b.desc(lang))
    }

    /// The binding of an action in a context (or global).
    pub fn find(&self, context: Context, action: Action) -> Option<&Binding> {
        self.bindings(context).iter().find(|b| b.action == action)
    }

    /// The first binding of an action in any context, global first (for the palette).
    pub fn find_any(&self, action: Action) -> Option<(Context, &Binding)> {
        Context::ALL
            .into_iter()
            .find_map(|c| self.find(c, action).map(|b| (c, b)))
    }
}
