//! The picker's tests: narrowing, picking, moving, and the background load of a
//! large entity, through an in-process client.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::*;
use crate::api::local::Local;
use crate::model;
use crate::ui::keymap::Keymap;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn send(
    picker: &mut PickerPopup,
    client: &Client,
    k: KeyEvent,
    action: Option<Action>,
) -> Vec<Request> {
    let keymap = Keymap::builtin();
    let mut requests = Vec::new();
    let mut ctx = Ctx {
        api: client,
        keymap: &keymap,
        lang: Lang::En,
        requests: &mut requests,
    };
    picker.handle(k, action, &mut ctx);
    requests
}

#[test]
fn typing_narrows_and_select_picks() {
    let dir = tempfile::tempdir().unwrap();
    let api = Local::open(&dir.path().join("db")).unwrap();
    api.demo(300, 1, false, &|_| {}).unwrap();
    let prospects = model::entity("prospect").unwrap();
    let all: Vec<_> = api.list(prospects, None, None).unwrap();
    let wanted = all[all.len() / 2].key().to_string();

    let client = api.clone();
    let mut picker = PickerPopup::new(prospects, "prospect", &wanted, &client);
    assert_eq!(picker.selected_key(), Some(wanted.as_str()), "preselected");
    assert_eq!(picker.shown_keys().len(), all.len());

    for c in wanted.chars() {
        send(&mut picker, &client, key(KeyCode::Char(c)), None);
    }
    assert_eq!(picker.query(), wanted);
    assert!(picker.shown_keys().len() < all.len(), "narrowed");
    assert_eq!(picker.selected_key(), Some(wanted.as_str()), "best match");
    // Backspace widens again.
    send(&mut picker, &client, key(KeyCode::Backspace), None);
    assert!(picker.shown_keys().len() > 1);
    send(&mut picker, &client, key(KeyCode::Char('q')), None);
    send(&mut picker, &client, key(KeyCode::Char('q')), None);
    send(&mut picker, &client, key(KeyCode::Char('q')), None);
    assert!(picker.shown_keys().is_empty(), "{:?}", picker.shown_keys());
    assert!(send(
        &mut picker,
        &client,
        key(KeyCode::Enter),
        Some(Action::Select)
    )
    .is_empty());

    picker.set_query(&wanted.to_lowercase());
    let requests = send(
        &mut picker,
        &client,
        key(KeyCode::Enter),
        Some(Action::Select),
    );
    assert_eq!(
        requests,
        vec![
            Request::Picked {
                field: "prospect",
                key: wanted.clone()
            },
            Request::Back
        ]
    );
    let requests = send(
        &mut picker,
        &client,
        key(KeyCode::Esc),
        Some(Action::Cancel),
    );
    assert_eq!(requests, vec![Request::Back]);

    // Moving stays within the list.
    picker.set_query("");
    send(&mut picker, &client, key(KeyCode::Up), Some(Action::Top));
    send(&mut picker, &client, key(KeyCode::Up), Some(Action::Up));
    assert_eq!(picker.selected_key(), Some(all[0].key()));
    send(&mut picker, &client, key(KeyCode::Down), Some(Action::Down));
    assert_eq!(picker.selected_key(), Some(all[1].key()));
    send(
        &mut picker,
        &client,
        key(KeyCode::End),
        Some(Action::Bottom),
    );
    assert_eq!(picker.selected_key(), Some(all[all.len() - 1].key()));
    send(
        &mut picker,
        &client,
        key(KeyCode::PageDown),
        Some(Action::PageDown),
    );
    assert_eq!(picker.selected_key(), Some(all[all.len() - 1].key()));

    // The popup shows "code — name" and survives any size.
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|f| picker.render(f, f.area(), Lang::En))
        .unwrap();
    let text: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(text.contains(" — "), "{text}");
    assert!(text.contains("Choose Prospect"), "{text}");
    for (w, h) in [(20, 5), (1, 1), (0, 0), (3, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|f| picker.render(f, f.area(), Lang::De))
            .unwrap();
    }
}

#[test]
fn a_large_entity_loads_its_first_records_at_once_and_the_rest_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let api = Local::open(dir.path()).unwrap();
    api.demo(20_000, 1, false, &|_| {}).unwrap();
    let api = api;
    let target = crate::model::entity("interaction").unwrap();
    let total = api.count(target).unwrap();
    assert!(total > LOADED_AT_ONCE, "{total}");
    let client = api.clone();
    let mut picker = PickerPopup::new(target, "x", "", &client);
    assert_eq!(picker.candidates.len(), LOADED_AT_ONCE);
    picker.set_query("int");
    let keymap = crate::ui::keymap::Keymap::builtin();
    let mut requests = Vec::new();
    let mut ctx = Ctx {
        api: &client,
        keymap: &keymap,
        lang: Lang::En,
        requests: &mut requests,
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while picker.loading.is_some() && std::time::Instant::now() < deadline {
        picker.prepare(Rect::new(0, 0, 80, 24), &mut ctx);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(picker.candidates.len(), total);
    assert_eq!(picker.query(), "int", "the query survives the load");
    assert!(!picker.shown_keys().is_empty());
}
