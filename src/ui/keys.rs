//! Key macros for driving the app headless, helix style: `"n<tab>ACME<ret>"`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Parses a key macro: plain characters are typed; `<name>` is a named key or a
/// chord: `<ret>`, `<esc>`, `<tab>`, `<s-tab>`, `<bs>`, `<up>`, `<down>`, `<left>`,
/// `<right>`, `<pgup>`, `<pgdn>`, `<home>`, `<end>`, `<del>`, `<space>`, `<f1>`..,
/// `<c-p>`, `<a-x>`, `<lt>` for a literal `<`.
pub fn parse(text: &str) -> Result<Vec<KeyEvent>, String> {
    let mut keys = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '<' {
            let mods = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            keys.push(KeyEvent::new(KeyCode::Char(c), mods));
            continue;
        }
        let name: String = chars.by_ref().take_while(|c| *c != '>').collect();
        keys.push(named(&name).ok_or_else(|| format!("unknown key <{name}> in key macro"))?);
    }
    Ok(keys)
}

fn named(name: &str) -> Option<KeyEvent> {
    let (mods, base) = match name.split_once('-') {
        Some(("c", rest)) if !rest.is_empty() => (KeyModifiers::CONTROL, rest),
        Some(("a", rest)) if !rest.is_empty() => (KeyModifiers::ALT, rest),
        Some(("s", rest)) if !rest.is_empty() => (KeyModifiers::SHIFT, rest),
        _ => (KeyModifiers::NONE, name),
    };
    let code = match base {
        "ret" | "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" if mods == KeyModifiers::SHIFT => KeyCode::BackTab,
        "tab" => KeyCode::Tab,
        "bs" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" => KeyCode::PageUp,
        "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "del" => KeyCode::Delete,
        "space" => KeyCode::Char(' '),
        "lt" => KeyCode::Char('<'),
        f if f.starts_with('f') && f.len() > 1 => KeyCode::F(f[1..].parse().ok()?),
        c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
        _ => return None,
    };
    Some(KeyEvent::new(code, mods))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_named_keys_and_chords() {
        let keys = parse("nA<tab><s-tab><c-p><ret><lt><f2>").unwrap();
        assert_eq!(keys.len(), 8);
        assert_eq!(
            keys[1],
            KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT)
        );
        assert_eq!(
            keys[3],
            KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)
        );
        assert_eq!(
            keys[4],
            KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)
        );
        assert_eq!(keys[6].code, KeyCode::Char('<'));
        assert_eq!(keys[7].code, KeyCode::F(2));
        assert!(parse("<nope>").is_err());
    }
}
