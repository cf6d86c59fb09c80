//! The keymap file format: sections per context, each with `keys`, `prepend_keys`
//! and `append_keys` lists of `{ on, run, desc, desc_de }`; errors name the file,
//! section and binding.

use std::collections::BTreeMap;

use super::{Binding, KeyChord};
use crate::ui::action::{Action, Context};
use crate::util::suggest::nearest;
use crate::util::{excerpt, excerpt_to};

/// One section of a file before merging.
#[derive(Default)]
pub(super) struct RawSection {
    pub keys: Option<Vec<Binding>>,
    pub prepend: Vec<Binding>,
    pub append: Vec<Binding>,
}

const LISTS: [&str; 3] = ["keys", "prepend_keys", "append_keys"];
const FIELDS: [&str; 4] = ["on", "run", "desc", "desc_de"];

pub(super) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    nearest(name, candidates)
        .map(|n| format!(" (did you mean '{n}'?)"))
        .unwrap_or_default()
}

/// Parse a keymap file; `strict` (shipped files) wants both descriptions and only `keys`.
pub(super) fn parse_file(
    file: &str,
    text: &str,
    strict: bool,
) -> Result<BTreeMap<Context, RawSection>, String> {
    let table: toml::Table =
        toml::from_str(text).map_err(|e| crate::ui::config::toml_message(file, text, &e))?;
    let mut sections = BTreeMap::new();
    for (name, value) in &table {
        let Some(context) = Context::ALL.into_iter().find(|c| c.name() == name) else {
            return Err(format!(
                "{file}: unknown section [{}]{}; the sections are: {}",
                excerpt(name),
                did_you_mean(name, Context::ALL.iter().map(|c| c.name())),
                Context::ALL.map(|c| c.name()).join(", ")
            ));
        };
        let toml::Value::Table(lists) = value else {
            return Err(format!(
                "{file}: [{name}] must be a section with `keys = [...]`"
            ));
        };
        let mut section = RawSection::default();
        for (list_name, list) in lists {
            let allowed: &[&str] = if strict { &LISTS[..1] } else { &LISTS };
            if !allowed.contains(&list_name.as_str()) {
                return Err(format!(
                    "{file} [{name}]: unknown entry '{}'{}; a section has {}",
                    excerpt(list_name),
                    did_you_mean(list_name, allowed.iter().copied()),
                    allowed.join(", ")
                ));
            }
            let toml::Value::Array(items) = list else {
                return Err(format!(
                    "{file} [{name}]: {list_name} must be a list of bindings"
                ));
            };
            let bindings = items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    parse_binding(item, strict)
                        .map_err(|e| format!("{file} [{name}] {list_name} #{}{e}", i + 1))
                })
                .collect::<Result<Vec<_>, _>>()?;
            match list_name.as_str() {
                "keys" => section.keys = Some(bindings),
                "prepend_keys" => section.prepend = bindings,
                _ => section.append = bindings,
            }
        }
        sections.insert(context, section);
    }
    Ok(sections)
}

/// One `{ on = ..., run = ..., desc = ..., desc_de = ... }`; the error starts with
/// the key(s) if known, then ": what is wrong".
fn parse_binding(item: &toml::Value, strict: bool) -> Result<Binding, String> {
    let toml::Value::Table(fields) = item else {
        return Err(": a binding is `{ on = \"key\", run = \"action\", desc = \"...\" }`".into());
    };
    let keys: Vec<String> = match fields.get("on") {
        Some(toml::Value::String(key)) => vec![key.clone()],
        Some(toml::Value::Array(keys)) => keys
            .iter()
            .map(|k| k.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or(": `on` must be a key or a list of keys")?,
        Some(_) => return Err(": `on` must be a key or a list of keys".into()),
        None => return Err(": `on` (the key) is missing".into()),
    };
    let at = format!(" (on = \"{}\")", excerpt_to(&keys.join("\", \""), 24));
    if keys.is_empty() {
        return Err(format!("{at}: `on` has no key"));
    }
    if let Some(unknown) = fields.keys().find(|f| !FIELDS.contains(&f.as_str())) {
        return Err(format!(
            "{at}: unknown field '{}'{}; a binding has {}",
            excerpt(unknown),
            did_you_mean(unknown, FIELDS),
            FIELDS.join(", ")
        ));
    }
    let chords = keys
        .iter()
        .map(|k| KeyChord::parse(k))
        .collect::<Result<Vec<_>, _>>()
        // The error names the key.
        .map_err(|e| format!(": {e}"))?;
    let text = |field: &str| -> Result<String, String> {
        match fields.get(field) {
            Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(toml::Value::String(_)) | None if !strict && field != "run" => Ok(String::new()),
            Some(toml::Value::String(_)) => Err(format!("{at}: `{field}` is empty")),
            Some(_) => Err(format!("{at}: `{field}` must be text")),
            None => Err(format!("{at}: `{field}` is missing")),
        }
    };
    let run = text("run")?;
    let action = Action::from_name(&run).ok_or_else(|| {
        format!(
            "{at}: unknown action '{}'{}",
            excerpt(&run),
            did_you_mean(&run, Action::ALL.iter().map(|a| a.name()))
        )
    })?;
    Ok(Binding {
        on: keys[0].clone(),
        keys,
        chords,
        action,
        desc_en: text("desc")?,
        desc_de: text("desc_de")?,
    })
}

/// The binding without the keys `drop` selects; None if no key is left.
pub(super) fn without_keys(
    mut binding: Binding,
    drop: impl Fn(&KeyChord) -> bool,
) -> Option<Binding> {
    let (keys, chords): (Vec<_>, Vec<_>) = binding
        .keys
        .into_iter()
        .zip(binding.chords)
        .filter(|(_, chord)| !drop(chord))
        .unzip();
    binding.on = keys.first()?.clone();
    binding.keys = keys;
    binding.chords = chords;
    Some(binding)
}

/// No key twice in one context.
pub(super) fn check_unique(
    file: &str,
    context: Context,
    bindings: &[Binding],
) -> Result<(), String> {
    let mut seen: BTreeMap<String, Action> = BTreeMap::new();
    for binding in bindings {
        for (key, chord) in binding.keys.iter().zip(&binding.chords) {
            if let Some(first) = seen.insert(chord.to_string(), binding.action) {
                return Err(format!(
                    "{file} [{}]: key \"{}\" is bound twice (to '{}' and '{}')",
                    context.name(),
                    excerpt(key),
                    first.name(),
                    binding.action.name()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::keymap::Keymap;

    #[test]
    fn errors_name_file_section_binding_and_fix() {
        let err = Keymap::parse_shipped(
            "x",
            "keymaps/vim.toml",
            "[table]\nkeys = [{ on = \"s\", run = \"srot_next\", desc = \"Sort\", desc_de = \"Sortieren\" }]",
        )
        .unwrap_err();
        assert_eq!(
            err,
            "keymaps/vim.toml [table] keys #1 (on = \"s\"): unknown action 'srot_next' (did you mean 'sort_next'?)"
        );
        let err = parse_file("u.toml", "[tabel]\nkeys = []", false)
            .err()
            .unwrap();
        assert!(
            err.contains("unknown section [tabel] (did you mean 'table'?)"),
            "{err}"
        );
        let err = parse_file(
            "u.toml",
            "[table]\nkeys = [{ on = \"x\", run = \"up\", dsc = \"a\" }]",
            false,
        )
        .err()
        .unwrap();
        assert!(
            err.contains("unknown field 'dsc' (did you mean 'desc'?)"),
            "{err}"
        );
        let err = parse_file(
            "s.toml",
            "[table]\nkeys = [{ on = \"x\", run = \"up\", desc = \"Up\" }]",
            true,
        )
        .err()
        .unwrap();
        assert_eq!(
            err,
            "s.toml [table] keys #1 (on = \"x\"): `desc_de` is missing"
        );
        let err = parse_file(
            "u.toml",
            "[table]\nkeys = [{ on = \"ctrl-\", run = \"up\" }]",
            false,
        )
        .err()
        .unwrap();
        assert!(err.contains("no key"), "{err}");
    }

    #[test]
    fn every_error_is_one_short_safe_line_whatever_the_input() {
        let huge = "x".repeat(100_000);
        let nasty = format!("\u{1b}]0;t\u{7}\u{202e}{huge}");
        let escaped = nasty
            .replace('\u{1b}', "\\u001b")
            .replace('\u{7}', "\\u0007");
        let cases = [
            // TOML's own errors: where, and what, without its snippet.
            (
                "[table]\nkeys = [\n  { on = \"x\", run = }\n]".to_string(),
                "u.toml line 3, column 21: ",
            ),
            (
                format!("[table]\nkeys = [{{ on = \"x\", run = \"up\" }}]\n{huge} = [\n"),
                "u.toml line 3, column ",
            ),
            (format!("[\"{escaped}\"]\nkeys = []"), "unknown section ["),
            (format!("[table]\n\"{escaped}\" = []"), "unknown entry '"),
            (
                format!("[table]\nkeys = [{{ on = \"x\", run = \"{escaped}\" }}]"),
                "unknown action '",
            ),
            (
                format!("[table]\nkeys = [{{ on = \"x\", run = \"up\", \"{escaped}\" = 1 }}]"),
                "unknown field '",
            ),
            (
                format!("[table]\nkeys = [{{ on = \"{escaped}\", run = \"up\" }}]"),
                "unknown key '",
            ),
            (
                format!("[table]\nkeys = [{{ on = \"ctrl-{escaped}\", run = \"up\" }}]"),
                "unknown key '",
            ),
        ];
        for (text, says) in cases {
            let err = parse_file("u.toml", &text, false).err().unwrap();
            assert!(err.contains(says), "{says}: {err}");
            assert!(
                err.chars().count() <= 300,
                "{} characters: {err}",
                err.chars().count()
            );
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(!err.chars().any(crate::util::is_unsafe), "{err:?}");
        }
        let mut keymap = Keymap::builtin();
        let twice = format!(
            "[table]\nappend_keys = [{{ on = \"j\", run = \"quit\" }}]\nprepend_keys = [{{ on = \"{escaped}\", run = \"up\" }}]"
        );
        let err = keymap.overlay("u.toml", &twice).unwrap_err();
        assert!(
            err.chars().count() <= 300 && !err.chars().any(crate::util::is_unsafe),
            "{err}"
        );
        let err = Keymap::load(&nasty, None).unwrap_err();
        assert!(
            err.chars().count() <= 300 && !err.chars().any(crate::util::is_unsafe),
            "{err}"
        );
    }

    #[test]
    fn missing_section_in_a_shipped_file_is_an_error() {
        let err = Keymap::parse_shipped("x", "k.toml", "[global]\nkeys = [{ on = \"q\", run = \"quit\", desc = \"Quit\", desc_de = \"Beenden\" }]")
            .unwrap_err();
        assert!(err.contains("section [table]"), "{err}");
    }

    #[test]
    fn unknown_keymap_lists_the_names() {
        let err = Keymap::load("vi", None).unwrap_err();
        assert!(
            err.contains("'vim'") && err.contains("default, vim, emacs"),
            "{err}"
        );
    }
}
