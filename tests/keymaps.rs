//! The shipped keymaps are complete and consistent; user files override them per
//! section; keys resolve the way a user typing into the TUI expects.

use std::collections::{BTreeSet, HashSet};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use termcrm::model::Lang;
use termcrm::ui::action::{Action, Context};
use termcrm::ui::keymap::{self, blocks_plain_globals, KeyChord, Keymap};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}
fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}
fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn shipped() -> Vec<Keymap> {
    keymap::names()
        .into_iter()
        .map(|name| Keymap::load(name, None).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

#[test]
fn every_shipped_keymap_parses_with_every_context() {
    assert_eq!(keymap::names(), ["default", "vim", "emacs"]);
    for km in shipped() {
        for context in Context::ALL {
            assert!(
                !km.bindings(context).is_empty(),
                "{} has no [{}]",
                km.name(),
                context.name()
            );
        }
    }
    assert_eq!(Keymap::builtin().name(), "default");
}

#[test]
fn every_binding_is_described_in_both_languages() {
    for km in shipped() {
        for context in Context::ALL {
            for b in km.bindings(context) {
                for lang in [Lang::En, Lang::De] {
                    assert!(
                        !b.desc(lang).trim().is_empty(),
                        "{} [{}] {}: no {lang:?} description",
                        km.name(),
                        context.name(),
                        b.on
                    );
                }
            }
        }
    }
}

#[test]
fn no_key_is_bound_twice_in_one_context() {
    for km in shipped() {
        for context in Context::ALL {
            let mut seen = HashSet::new();
            for b in km.bindings(context) {
                assert_eq!(b.keys.len(), b.chords.len());
                assert_eq!(b.on, b.keys[0]);
                for chord in &b.chords {
                    assert!(
                        seen.insert(*chord),
                        "{} [{}]: {chord} bound twice",
                        km.name(),
                        context.name()
                    );
                }
            }
        }
    }
}

#[test]
fn every_action_is_bound_and_every_flavour_is_complete() {
    let actions = |km: &Keymap, c: Context| -> BTreeSet<&'static str> {
        km.bindings(c).iter().map(|b| b.action.name()).collect()
    };
    let all = shipped();
    for km in &all {
        for action in Action::ALL {
            assert!(
                km.find_any(*action).is_some(),
                "{}: '{}' is bound nowhere",
                km.name(),
                action.name()
            );
        }
        for context in Context::ALL {
            let missing: Vec<_> = actions(&all[0], context)
                .difference(&actions(km, context))
                .copied()
                .collect();
            assert!(
                missing.is_empty(),
                "{} [{}] lacks {missing:?}",
                km.name(),
                context.name()
            );
        }
    }
}

#[test]
fn text_contexts_bind_no_plain_characters() {
    // Help may: its plain keys close it only while its filter is empty.
    for km in shipped() {
        for context in [Context::Form, Context::Picker, Context::Palette] {
            for b in km.bindings(context) {
                assert!(
                    !b.chords.iter().any(KeyChord::is_plain_char),
                    "{} [{}] binds {:?}: that character could not be typed",
                    km.name(),
                    context.name(),
                    b.keys
                );
            }
        }
    }
}

#[test]
fn global_plain_keys_do_not_fire_where_text_is_typed() {
    let km = Keymap::builtin();
    assert_eq!(km.resolve(Context::Table, &ch('q')), Some(Action::Quit));
    assert_eq!(km.resolve(Context::Form, &ch('q')), None);
    assert_eq!(km.resolve(Context::Form, &ch('1')), None);
    assert_eq!(km.resolve(Context::Palette, &ch(':')), None);
    assert_eq!(km.resolve(Context::Picker, &ch('?')), None);
    assert_eq!(km.resolve(Context::Confirm, &ch('q')), None);
    assert_eq!(km.resolve(Context::Form, &ctrl('c')), Some(Action::Quit));
    assert_eq!(
        km.resolve(Context::Form, &key(KeyCode::F(1))),
        Some(Action::Help)
    );
    assert_eq!(
        km.resolve(Context::Form, &key(KeyCode::Esc)),
        Some(Action::Back)
    );
    assert_eq!(
        km.resolve(Context::Picker, &key(KeyCode::Esc)),
        Some(Action::Cancel)
    );
    assert_eq!(km.resolve(Context::Table, &ch('1')), Some(Action::Tab1));
    assert_eq!(km.resolve(Context::Table, &ch(']')), Some(Action::NextTab));
    assert_eq!(km.resolve(Context::Table, &ch('z')), None);
    // The context's own keys come first: ctrl-p is palette globally, up in a picker.
    assert_eq!(
        km.resolve(Context::Table, &ctrl('p')),
        Some(Action::Palette)
    );
    assert_eq!(km.resolve(Context::Picker, &ctrl('p')), Some(Action::Up));
    // Help's own plain keys fire (the popup decides what they mean while filtering).
    assert_eq!(km.resolve(Context::Help, &ch('q')), Some(Action::Cancel));
    // The table's filter line takes text: nothing plain resolves there.
    assert_eq!(km.resolve_typing(Context::Table, &ch('q')), None);
    assert_eq!(km.resolve_typing(Context::Table, &ch('n')), None);
    assert_eq!(
        km.resolve_typing(Context::Table, &key(KeyCode::Enter)),
        Some(Action::Open)
    );
    assert_eq!(
        km.resolve_typing(Context::Table, &ctrl('c')),
        Some(Action::Quit)
    );
    assert!(blocks_plain_globals(Context::Form) && !blocks_plain_globals(Context::Table));
}

#[test]
fn shifted_keys_match_however_the_terminal_reports_them() {
    let km = Keymap::builtin();
    let shift = |code| KeyEvent::new(code, KeyModifiers::SHIFT);
    assert_eq!(
        km.resolve(Context::Table, &shift(KeyCode::Char('G'))),
        Some(Action::Bottom)
    );
    assert_eq!(km.resolve(Context::Table, &ch('G')), Some(Action::Bottom));
    // Lower case stays apart: `g` groups, the home key goes to the top.
    assert_eq!(km.resolve(Context::Table, &ch('g')), Some(Action::GroupBy));
    assert_eq!(
        km.resolve(Context::Table, &key(KeyCode::Home)),
        Some(Action::Top)
    );
    assert_eq!(
        km.resolve(Context::Table, &shift(KeyCode::Char('S'))),
        Some(Action::SortReverse)
    );
    assert_eq!(
        km.resolve(Context::Form, &shift(KeyCode::BackTab)),
        Some(Action::PrevField)
    );
    assert_eq!(
        km.resolve(Context::Form, &key(KeyCode::BackTab)),
        Some(Action::PrevField)
    );
    assert_eq!(
        km.resolve(Context::Form, &shift(KeyCode::Tab)),
        Some(Action::PrevField)
    );
    assert_eq!(
        km.resolve(Context::Form, &key(KeyCode::Tab)),
        Some(Action::NextField)
    );
    let emacs = Keymap::load("emacs", None).unwrap();
    let alt_shift = KeyEvent::new(KeyCode::Char('>'), KeyModifiers::ALT | KeyModifiers::SHIFT);
    assert_eq!(
        emacs.resolve(Context::Table, &alt_shift),
        Some(Action::Bottom)
    );
    let vim = Keymap::load("vim", None).unwrap();
    assert_eq!(
        vim.resolve(Context::Table, &ctrl('d')),
        Some(Action::PageDown)
    );
    assert_eq!(
        vim.resolve(Context::Table, &ch('x')),
        Some(Action::DeleteRecord)
    );
}

#[test]
fn key_for_shows_a_key_that_works_there() {
    let km = Keymap::builtin();
    assert_eq!(km.key_for(Context::Table, Action::Quit), Some("ctrl-c"));
    assert_eq!(km.key_for(Context::Table, Action::Filter), Some("/"));
    assert_eq!(km.key_for(Context::Table, Action::Help), Some("?"));
    // "?" does not fire in a form, f1 does.
    assert_eq!(km.key_for(Context::Form, Action::Help), Some("f1"));
    assert_eq!(km.key_for(Context::Form, Action::Save), Some("ctrl-s"));
    // ":" is blocked and ctrl-p means up in a picker: no key opens the palette there.
    assert_eq!(km.key_for(Context::Picker, Action::Palette), None);
    assert_eq!(km.key_for(Context::Table, Action::Save), None);
    assert_eq!(
        km.describe(Context::Table, Action::Quit, Lang::De),
        Some("Beenden")
    );
    assert_eq!(
        km.describe(Context::Table, Action::SortBy, Lang::En),
        Some("Sort by a column (then its letter)")
    );
    assert_eq!(km.describe(Context::Table, Action::Save, Lang::En), None);
    let (context, binding) = km.find_any(Action::Save).unwrap();
    assert_eq!(
        (context, binding.keys_label().as_str()),
        (Context::Form, "ctrl-s, f2")
    );
}

#[test]
fn user_file_overrides_per_section() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.toml");
    std::fs::write(
        &path,
        r#"
[confirm]
keys = [
  { on = "j", run = "yes", desc = "Ja doch", desc_de = "Ja doch" },
  { on = "esc", run = "no" },
]

[table]
prepend_keys = [{ on = "d", run = "copy_record", desc = "Duplicate" }]
append_keys = [{ on = "z", run = "delete_record" }]
"#,
    )
    .unwrap();
    let km = Keymap::load("default", Some(&path)).unwrap();
    // [confirm] replaced: y no longer answers, j does.
    assert_eq!(km.resolve(Context::Confirm, &ch('y')), None);
    assert_eq!(km.resolve(Context::Confirm, &ch('j')), Some(Action::Yes));
    assert_eq!(km.bindings(Context::Confirm).len(), 2);
    // A binding without desc keeps the shipped description of its action.
    assert_eq!(
        km.describe(Context::Confirm, Action::No, Lang::De),
        Some("Nein")
    );
    // [table] prepended: d now copies, delete still deletes, x deletes too.
    let table = km.bindings(Context::Table);
    assert_eq!(table[0].action, Action::CopyRecord);
    assert_eq!(table[0].desc(Lang::De), "Duplicate");
    assert_eq!(
        km.resolve(Context::Table, &ch('d')),
        Some(Action::CopyRecord)
    );
    assert_eq!(
        km.resolve(Context::Table, &key(KeyCode::Delete)),
        Some(Action::DeleteRecord)
    );
    assert_eq!(
        km.resolve(Context::Table, &ch('z')),
        Some(Action::DeleteRecord)
    );
    let delete = km.find(Context::Table, Action::DeleteRecord).unwrap();
    assert_eq!(delete.keys, ["delete"]);
    assert_eq!(delete.on, "delete");
    assert_eq!(table.last().unwrap().keys, ["z"]);
    assert_eq!(
        km.describe(Context::Table, Action::DeleteRecord, Lang::En),
        Some("Delete record")
    );
    // Untouched sections stay as shipped.
    assert_eq!(km.resolve(Context::Table, &ch('G')), Some(Action::Bottom));
    assert_eq!(
        km.bindings(Context::Form),
        Keymap::builtin().bindings(Context::Form)
    );

    // A user file over another flavour; vim binds x to delete already, so the
    // appended x is left out rather than doubled.
    let vim = Keymap::load("vim", Some(&path)).unwrap();
    let vim_delete = vim.find(Context::Table, Action::DeleteRecord).unwrap();
    assert_eq!(vim_delete.keys, ["x", "delete"]);
    assert!(vim
        .bindings(Context::Table)
        .iter()
        .all(|b| b.action != Action::DeleteRecord || b.keys != ["x"]));
    assert_eq!(
        vim.resolve(Context::Table, &ch('x')),
        Some(Action::DeleteRecord)
    );
    assert_eq!(vim.resolve(Context::Table, &ch('k')), Some(Action::Up));
}

#[test]
fn user_file_mistakes_are_reported_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.toml");
    let load = |text: &str| {
        std::fs::write(&path, text).unwrap();
        Keymap::load("default", Some(&path)).unwrap_err()
    };
    let err = load("[table]\nappend_keys = [{ on = \"j\", run = \"top\" }]");
    assert!(
        err.contains("key \"j\" is already bound to 'down'"),
        "{err}"
    );
    assert!(err.contains("prepend_keys"), "{err}");
    let err =
        load("[table]\nkeys = [{ on = \"j\", run = \"top\" }, { on = \"j\", run = \"down\" }]");
    assert!(err.contains("[table]: key \"j\" is bound twice"), "{err}");
    let err = load("[table]\nkeys = [{ on = \"j\", run = \"srot_next\" }]");
    assert!(err.starts_with(&path.display().to_string()), "{err}");
    assert!(
        err.contains(
            "[table] keys #1 (on = \"j\"): unknown action 'srot_next' (did you mean 'sort_next'?)"
        ),
        "{err}"
    );
    let err = load("[table]\nkeys = [{ on = \"pgdwn\", run = \"down\" }]");
    assert!(err.contains("unknown key 'pgdwn'"), "{err}");
    let err = load("[table\n");
    assert!(err.starts_with(&path.display().to_string()), "{err}");

    // A missing user file is no error: the shipped keymap is used.
    let absent = dir.path().join("absent.toml");
    assert!(Keymap::load("emacs", Some(&absent)).is_ok());
}

#[test]
fn user_keymap_lives_in_the_config_directory() {
    if let Some(path) = keymap::user_keymap_path() {
        assert!(path.ends_with("termcrm/keymap.toml"), "{}", path.display());
    }
}
