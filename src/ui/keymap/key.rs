//! One key with its modifiers, as written in keymap files ("ctrl-p", "G", "alt-<")
//! and as reported by crossterm, brought to one normal form so that both compare.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::util::excerpt_to;
use crate::util::suggest::nearest;

/// Named keys, in the spelling the files use (and `Display` prints).
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("delete", KeyCode::Delete),
    ("backspace", KeyCode::Backspace),
    ("insert", KeyCode::Insert),
    ("space", KeyCode::Char(' ')),
];

/// Other spellings people write.
const ALIASES: &[(&str, &str)] = &[
    ("return", "enter"),
    ("escape", "esc"),
    ("del", "delete"),
    ("ins", "insert"),
    ("pgup", "pageup"),
    ("pgdown", "pagedown"),
    ("pgdn", "pagedown"),
    ("bs", "backspace"),
];

/// A key press in normal form: modifiers are only ctrl, alt and shift; a character
/// carries its shift in its case ("G", "?"), so SHIFT is never set with `Char`;
/// shift-tab is `BackTab` without SHIFT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> KeyChord {
        let mut mods =
            modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        // Terminals speaking the kitty protocol may report alt as meta.
        if modifiers.contains(KeyModifiers::META) {
            mods |= KeyModifiers::ALT;
        }
        let shift = mods.contains(KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                // Some terminals send shift+g as 'g' with SHIFT, most as 'G'.
                if shift && c.is_lowercase() {
                    let mut upper = c.to_uppercase();
                    match (upper.next(), upper.next()) {
                        (Some(u), None) => KeyCode::Char(u),
                        _ => KeyCode::Char(c),
                    }
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Tab if shift => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeyChord {
            code,
            modifiers: mods,
        }
    }

    pub fn from_event(key: &KeyEvent) -> KeyChord {
        KeyChord::new(key.code, key.modifiers)
    }

    /// Parse a key as written in a keymap file.
    pub fn parse(text: &str) -> Result<KeyChord, String> {
        let mut rest = text;
        if rest.is_empty() {
            return Err("empty key".to_string());
        }
        let mut mods = KeyModifiers::NONE;
        // A single character is always the key itself, so "-" and "ctrl--" work.
        while rest.chars().count() > 1 {
            let lower = rest.to_ascii_lowercase();
            let (flag, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            mods |= flag;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (None, _) => return Err(format!("'{}' has modifiers but no key", shown(text))),
            (Some(c), None) => KeyCode::Char(c),
            _ => named(rest)?,
        };
        Ok(KeyChord::new(code, mods))
    }

    /// A character typed without ctrl or alt: text in an input field.
    pub fn is_plain_char(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }
}

/// A key as a message quotes it: keys are short, so is the excerpt.
fn shown(key: &str) -> String {
    excerpt_to(key, 24)
}

fn named(name: &str) -> Result<KeyCode, String> {
    let lower = name.to_ascii_lowercase();
    let canonical = ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map_or(lower.as_str(), |(_, to)| *to);
    if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == canonical) {
        return Ok(*code);
    }
    if let Some(n) = canonical
        .strip_prefix('f')
        .and_then(|d| d.parse::<u8>().ok())
    {
        if (1..=12).contains(&n) {
            return Ok(KeyCode::F(n));
        }
    }
    let hint = nearest(&lower, NAMED.iter().map(|(n, _)| *n))
        .map(|n| format!(" (did you mean '{n}'?)"))
        .unwrap_or_default();
    Err(format!(
        "unknown key '{}'{hint}; a key is one character, f1..f12 or one of: {}",
        shown(name),
        NAMED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    ))
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (flag, prefix) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
        ] {
            if self.modifiers.contains(flag) {
                f.write_str(prefix)?;
            }
        }
        if let Some((name, _)) = NAMED.iter().find(|(_, code)| *code == self.code) {
            return f.write_str(name);
        }
        match self.code {
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{}", format!("{other:?}").to_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn canonical_names_round_trip() {
        let names = [
            "a",
            "G",
            "?",
            "/",
            ":",
            "[",
            "]",
            "1",
            "-",
            "<",
            "ä",
            "enter",
            "esc",
            "tab",
            "backtab",
            "up",
            "down",
            "left",
            "right",
            "pageup",
            "pagedown",
            "home",
            "end",
            "delete",
            "backspace",
            "insert",
            "space",
            "f1",
            "f12",
            "ctrl-c",
            "ctrl--",
            "alt-<",
            "alt->",
            "ctrl-alt-x",
            "shift-up",
            "ctrl-f5",
            "alt-enter",
        ];
        for name in names {
            let chord = KeyChord::parse(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(chord.to_string(), name);
            assert_eq!(KeyChord::parse(&chord.to_string()), Ok(chord));
        }
    }

    #[test]
    fn spellings_meet_in_one_normal_form() {
        let p = |s| KeyChord::parse(s).unwrap();
        assert_eq!(p("shift-tab"), p("backtab"));
        assert_eq!(p("shift-g"), p("G"));
        assert_eq!(p("CTRL-p"), p("ctrl-p"));
        // Upper case means shift, with ctrl too.
        assert_ne!(p("ctrl-P"), p("ctrl-p"));
        assert_eq!(p("Enter"), p("return"));
        assert_eq!(p("space"), p(" "));
        assert_ne!(p("g"), p("G"));
    }

    #[test]
    fn events_match_how_terminals_send_them() {
        let g = KeyChord::parse("G").unwrap();
        assert_eq!(
            KeyChord::from_event(&event(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            g
        );
        assert_eq!(
            KeyChord::from_event(&event(KeyCode::Char('G'), KeyModifiers::NONE)),
            g
        );
        assert_eq!(
            KeyChord::from_event(&event(KeyCode::Char('g'), KeyModifiers::SHIFT)),
            g
        );
        let backtab = KeyChord::parse("backtab").unwrap();
        assert_eq!(
            KeyChord::from_event(&event(KeyCode::BackTab, KeyModifiers::SHIFT)),
            backtab
        );
        assert_eq!(
            KeyChord::from_event(&event(KeyCode::Tab, KeyModifiers::SHIFT)),
            backtab
        );
        assert_eq!(
            KeyChord::from_event(&event(
                KeyCode::Char('<'),
                KeyModifiers::ALT | KeyModifiers::SHIFT
            )),
            KeyChord::parse("alt-<").unwrap()
        );
    }

    #[test]
    fn bad_keys_say_what_is_wrong() {
        assert!(KeyChord::parse("").is_err());
        assert!(KeyChord::parse("ctrl-").unwrap_err().contains("no key"));
        let err = KeyChord::parse("pagdown").unwrap_err();
        assert!(err.contains("did you mean 'pagedown'"), "{err}");
        assert!(KeyChord::parse("f13").is_err());
    }
}
