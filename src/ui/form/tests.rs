//! The form's tests: typing, saving through an in-process client, errors at
//! their fields, child lists, picking.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::FormView;
use crate::api::local::Local;
use crate::api::Client;
use crate::model::{self, EntityDef, Lang};
use crate::ui::action::Action;
use crate::ui::component::{Component, Ctx, Request};
use crate::ui::keymap::Keymap;

fn demo_api() -> (tempfile::TempDir, Client) {
    let dir = tempfile::tempdir().unwrap();
    let api = Local::open(&dir.path().join("db")).unwrap();
    api.demo(300, 1, false, &|_| {}).unwrap();
    (dir, api)
}

/// An in-process client of the api (the owner's session).
fn client(api: &Client) -> Client {
    api.clone()
}

fn def(name: &str) -> &'static EntityDef {
    model::entity(name).unwrap()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Drives a component with a context whose requests are collected.
struct Harness {
    client: Client,
    keymap: Keymap,
    requests: Vec<Request>,
}

impl Harness {
    fn new(api: &Client) -> Harness {
        Harness {
            client: client(api),
            keymap: Keymap::builtin(),
            requests: Vec::new(),
        }
    }
    fn send(&mut self, c: &mut dyn Component, k: KeyEvent, action: Option<Action>) {
        let mut ctx = Ctx {
            api: &self.client,
            keymap: &self.keymap,
            lang: Lang::En,
            requests: &mut self.requests,
        };
        c.handle(k, action, &mut ctx);
    }
    fn act(&mut self, c: &mut dyn Component, action: Action) {
        self.send(c, key(KeyCode::Null), Some(action));
    }
    fn type_text(&mut self, c: &mut dyn Component, text: &str) {
        for ch in text.chars() {
            self.send(c, key(KeyCode::Char(ch)), None);
        }
    }
    /// Empties the focused input (its cursor sits at the end) and types `text`.
    fn replace(&mut self, form: &mut FormView, field: &str, text: &str) {
        assert!(form.focus_field(field), "{field}");
        let old = form.field_text(field).unwrap();
        for _ in old.chars() {
            self.send(form, key(KeyCode::Backspace), None);
        }
        assert_eq!(form.field_text(field).unwrap(), "");
        self.type_text(form, text);
    }
}

fn first_key(api: &Client, entity: &str) -> String {
    api.list(def(entity), None, Some(1)).unwrap()[0]
        .key()
        .to_string()
}

fn screen(form: &FormView, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| form.render(f, f.area(), Lang::En))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn typing_and_saving_updates_the_record() {
    let (_dir, api) = demo_api();
    let opp = first_key(&api, "opportunity");
    let mut form =
        FormView::open(def("opportunity"), Some(opp.clone()), vec![], &client(&api)).unwrap();
    assert!(!form.is_dirty());
    assert_eq!(form.title(), format!("Opportunity {opp}"));
    let mut h = Harness::new(&api);
    h.replace(&mut form, "description", "Neue Anlage");
    assert!(form.is_dirty());
    assert!(form.title().ends_with("[modified]"));
    h.act(&mut form, Action::Save);
    assert_eq!(form.message(), None);
    assert_eq!(form.field_error("description"), None);
    let saved = api.fetch(def("opportunity"), &opp).unwrap();
    assert_eq!(saved.value("description").as_str(), Some("Neue Anlage"));
    assert!(!form.is_dirty());
    assert!(h.requests.contains(&Request::Changed {
        entity: def("opportunity")
    }));
    assert!(h
        .requests
        .contains(&Request::Status(format!("saved Opportunity {opp}"))));
}

#[test]
fn a_new_record_gets_its_generated_key() {
    let (_dir, api) = demo_api();
    let prospect = first_key(&api, "prospect");
    let template = vec![("prospect".to_string(), prospect.clone())];
    let mut form = FormView::open(def("opportunity"), None, template, &client(&api)).unwrap();
    assert_eq!(form.title(), "New opportunity");
    assert_eq!(form.field_text("prospect").unwrap(), prospect);
    let mut h = Harness::new(&api);
    // Tab walks the fields from the first; the description comes first.
    assert_eq!(form.focused_field(), Some("description"));
    h.type_text(&mut form, "Ersatzteile");
    h.send(&mut form, key(KeyCode::Tab), Some(Action::NextField));
    assert_eq!(form.focused_field(), Some("customer"));
    let before = api.count(def("opportunity"));
    h.act(&mut form, Action::Save);
    assert_eq!(
        form.message(),
        None,
        "{:?}",
        form.field_error("description")
    );
    assert_eq!(api.count(def("opportunity")).unwrap(), before.unwrap() + 1);
    let key = form.key().unwrap().to_string();
    assert!(key.starts_with("OPP"), "{key}");
    assert_eq!(form.title(), format!("Opportunity {key}"));
    let saved = api.fetch(def("opportunity"), &key).unwrap();
    assert_eq!(saved.value("description").as_str(), Some("Ersatzteile"));
    assert_eq!(saved.value("prospect").as_str(), Some(prospect.as_str()));
    assert!(!form.is_dirty());
}

#[test]
fn a_code_keyed_record_takes_its_code() {
    let (_dir, api) = demo_api();
    let mut form = FormView::open(def("territory"), None, vec![], &client(&api)).unwrap();
    let mut h = Harness::new(&api);
    assert_eq!(form.focused_field(), None, "the code comes first");
    h.type_text(&mut form, "zz-test");
    h.send(&mut form, key(KeyCode::Tab), None);
    assert_eq!(form.focused_field(), Some("description"));
    h.act(&mut form, Action::Save);
    assert!(form.field_error("description").is_some(), "required");
    assert_eq!(form.focused_field(), Some("description"));
    h.type_text(&mut form, "Testgebiet");
    h.act(&mut form, Action::Save);
    assert_eq!(form.key(), Some("ZZ-TEST"));
    assert!(api.get(def("territory"), "ZZ-TEST").unwrap().is_some());
    // A saved code is no longer editable.
    h.act(&mut form, Action::PrevField);
    assert_eq!(form.focused_field(), Some("description"));
}

#[test]
fn a_bad_percent_is_shown_at_its_field_and_nothing_is_saved() {
    let (_dir, api) = demo_api();
    let opp = first_key(&api, "opportunity");
    let before = api.fetch(def("opportunity"), &opp).unwrap();
    let mut form =
        FormView::open(def("opportunity"), Some(opp.clone()), vec![], &client(&api)).unwrap();
    let mut h = Harness::new(&api);
    h.replace(&mut form, "description", "Changed");
    h.replace(&mut form, "probability", "150");
    h.act(&mut form, Action::NextField);
    h.act(&mut form, Action::Save);
    let error = form
        .field_error("probability")
        .expect("error at probability");
    assert!(error.contains("between 0 and 100"), "{error}");
    assert_eq!(form.focused_field(), Some("probability"));
    assert!(form.is_dirty());
    let after = api.fetch(def("opportunity"), &opp).unwrap();
    assert!(after.as_ref() == before.as_ref(), "nothing saved");
    assert!(screen(&form, 80, 24).contains("between 0 and 100"));
    // Text that is no number at all fails while parsing, at the same field.
    h.replace(&mut form, "probability", "viel");
    h.act(&mut form, Action::Save);
    assert!(form.field_error("probability").is_some());
    assert!(!h
        .requests
        .iter()
        .any(|r| matches!(r, Request::Changed { .. })));
}

#[test]
fn a_misspelled_reference_suggests_the_nearest_code() {
    let (_dir, api) = demo_api();
    let opp = first_key(&api, "opportunity");
    let territory = first_key(&api, "territory");
    let mut typo = territory.clone();
    let last = typo.pop().unwrap();
    typo.push(if last == 'X' { 'Y' } else { 'X' });
    let mut form = FormView::open(def("opportunity"), Some(opp), vec![], &client(&api)).unwrap();
    let mut h = Harness::new(&api);
    h.replace(&mut form, "territory", &typo);
    h.act(&mut form, Action::Top);
    h.act(&mut form, Action::Save);
    let error = form.field_error("territory").expect("error at territory");
    assert!(error.contains("did you mean"), "{error}");
    assert_eq!(form.focused_field(), Some("territory"));
}

#[test]
fn picking_and_other_requests() {
    let (_dir, api) = demo_api();
    let opp = first_key(&api, "opportunity");
    let mut form =
        FormView::open(def("opportunity"), Some(opp.clone()), vec![], &client(&api)).unwrap();
    let mut h = Harness::new(&api);
    assert!(form.focus_field("territory"));
    assert!(form.commands().contains(&Action::PickReference));
    let current = form.field_text("territory").unwrap();
    h.act(&mut form, Action::PickReference);
    assert_eq!(
        h.requests.pop(),
        Some(Request::Pick {
            entity: def("territory"),
            field: "territory",
            current,
        })
    );
    form.apply_pick("territory", "NEWCODE");
    assert_eq!(form.field_text("territory").unwrap(), "NEWCODE");
    assert!(form.is_dirty());

    form.apply_pick("competitors", "C1");
    form.apply_pick("competitors", "C2");
    form.apply_pick("competitors", "c1");
    let list = form.field_text("competitors").unwrap();
    assert!(list.ends_with("C1,C2"), "{list}");
    assert_eq!(list.matches("C1").count(), 1);

    assert!(form.focus_field("description"));
    assert!(!form.commands().contains(&Action::PickReference));
    h.act(&mut form, Action::PickReference);
    assert!(h.requests.is_empty(), "not a reference");

    h.act(&mut form, Action::DeleteRecord);
    assert_eq!(
        h.requests.pop(),
        Some(Request::AskDelete {
            entity: def("opportunity"),
            key: opp.clone(),
        })
    );
    h.act(&mut form, Action::NewRecord);
    assert!(matches!(
        h.requests.pop(),
        Some(Request::OpenForm { key: None, ref template, .. }) if template.is_empty()
    ));
    h.act(&mut form, Action::CopyRecord);
    let Some(Request::OpenForm { template, .. }) = h.requests.pop() else {
        panic!("copy opens a form");
    };
    assert!(template.iter().any(|(f, _)| f == "description"));
    assert!(FormView::open(def("opportunity"), None, template, &client(&api)).is_ok());
    assert!(FormView::open(
        def("opportunity"),
        Some("OPP9999999".into()),
        vec![],
        &client(&api)
    )
    .is_err());
}

#[test]
fn notes_take_several_lines() {
    let (_dir, api) = demo_api();
    let opp = first_key(&api, "opportunity");
    let mut form =
        FormView::open(def("opportunity"), Some(opp.clone()), vec![], &client(&api)).unwrap();
    let mut h = Harness::new(&api);
    h.replace(&mut form, "notes", "one");
    h.send(&mut form, key(KeyCode::Enter), None);
    h.type_text(&mut form, "two");
    assert_eq!(form.field_text("notes").unwrap(), "one\ntwo");
    // Up moves within the notes first, then to the field above.
    h.act(&mut form, Action::Up);
    assert_eq!(form.focused_field(), Some("notes"));
    h.send(&mut form, key(KeyCode::Down), Some(Action::NextField));
    assert_eq!(form.focused_field(), Some("notes"));
    h.send(&mut form, key(KeyCode::Up), Some(Action::PrevField));
    assert_eq!(form.focused_field(), Some("notes"));
    h.send(&mut form, key(KeyCode::Up), Some(Action::PrevField));
    assert_eq!(form.focused_field(), Some("members"));
    // Enter in a single-line input moves on instead of breaking the line.
    h.send(&mut form, key(KeyCode::Enter), None);
    assert_eq!(form.focused_field(), Some("notes"));
    h.act(&mut form, Action::Save);
    let saved = api.fetch(def("opportunity"), &opp).unwrap();
    assert_eq!(saved.value("notes").as_str(), Some("one\ntwo"));
}

#[test]
fn renders_labels_values_and_children_and_survives_tiny_sizes() {
    let (_dir, api) = demo_api();
    let task = api.list(def("opportunity_task"), None, Some(1)).unwrap();
    let opp = task[0].value("opportunity").as_str().unwrap().to_string();
    let form =
        FormView::open(def("opportunity"), Some(opp.clone()), vec![], &client(&api)).unwrap();
    let tasks: Vec<_> = form
        .child_lists()
        .filter(|(e, _)| e.name == "opportunity_task")
        .collect();
    assert_eq!(tasks.len(), 1);
    assert!(tasks[0].1.iter().any(|(k, _)| k == task[0].key()));
    let description = form.field_text("description").unwrap();
    let text = screen(&form, 80, 24);
    assert!(text.contains(&format!("Opportunity {opp}")), "{text}");
    assert!(text.contains("Description"), "{text}");
    assert!(text.contains("Probability %"), "{text}");
    assert!(
        text.contains(&description[..description.len().min(20)]),
        "{text}"
    );
    for (w, h) in [(20, 5), (1, 1), (0, 0), (200, 3), (3, 60)] {
        screen(&form, w, h);
    }
    // The view scrolls to keep the focus visible.
    let mut form = form;
    assert!(form.focus_field("notes"));
    let text = screen(&form, 80, 24);
    assert!(text.contains("Notes"), "{text}");
    let customer = first_key(&api, "customer");
    let form = FormView::open(def("customer"), Some(customer), vec![], &client(&api)).unwrap();
    assert!(form.child_lists().any(|(e, _)| e.name == "contact_xref"));
    screen(&form, 80, 24);
    screen(&form, 20, 5);
}

#[test]
fn child_rows_take_the_focus_after_the_fields_and_open_their_forms() {
    let (_dir, api) = demo_api();
    let task = api.list(def("opportunity_task"), None, Some(1)).unwrap();
    let task_key = task[0].key().to_string();
    let opp = task[0].value("opportunity").as_str().unwrap().to_string();
    let mut form =
        FormView::open(def("opportunity"), Some(opp.clone()), vec![], &client(&api)).unwrap();
    let mut h = Harness::new(&api);
    assert!(form.focus_field("notes"));
    h.send(&mut form, key(KeyCode::Tab), Some(Action::NextField));
    assert_eq!(form.focused_field(), None);
    // First the list's heading (where ctrl-n adds a child), then its rows.
    assert_eq!(form.focused_list(), Some(def("opportunity_task")));
    assert_eq!(form.focused_child(), None);
    h.send(&mut form, key(KeyCode::Tab), Some(Action::NextField));
    assert_eq!(
        form.focused_child(),
        Some((def("opportunity_task"), task_key.as_str()))
    );
    assert!(screen(&form, 80, 24).contains(&task_key));
    h.send(&mut form, key(KeyCode::Enter), None);
    assert_eq!(
        h.requests.pop(),
        Some(Request::OpenForm {
            entity: def("opportunity_task"),
            key: Some(task_key.clone()),
            template: vec![],
        })
    );
    h.act(&mut form, Action::NewRecord);
    assert_eq!(
        h.requests.pop(),
        Some(Request::OpenForm {
            entity: def("opportunity_task"),
            key: None,
            template: vec![("opportunity".into(), opp.clone())],
        })
    );
    // Typing does nothing here; back up to the notes.
    h.type_text(&mut form, "x");
    assert!(!form.is_dirty());
    h.send(&mut form, key(KeyCode::BackTab), Some(Action::PrevField));
    assert_eq!(
        form.focused_list(),
        Some(def("opportunity_task")),
        "the heading"
    );
    h.send(&mut form, key(KeyCode::BackTab), Some(Action::PrevField));
    assert_eq!(form.focused_field(), Some("notes"));
    h.act(&mut form, Action::NewRecord);
    assert!(matches!(
        h.requests.pop(),
        Some(Request::OpenForm { entity, key: None, .. }) if entity.name == "opportunity"
    ));
}

#[test]
fn a_paste_with_control_characters_is_cleaned_and_says_so() {
    let (_dir, api) = demo_api();
    let opp = first_key(&api, "opportunity");
    let mut form =
        FormView::open(def("opportunity"), Some(opp.clone()), vec![], &client(&api)).unwrap();
    let mut h = Harness::new(&api);
    h.replace(&mut form, "description", "");
    form.paste("Anlage\tNord\u{1b}[2J\r\nSüd\u{7}");
    assert_eq!(
        form.field_text("description").unwrap(),
        "Anlage Nord[2J Süd"
    );
    let notice = form.notice().unwrap();
    assert!(notice.contains("2 control characters (U+001B)"), "{notice}");
    h.replace(&mut form, "notes", "");
    form.paste("eins\r\n\tzwei\u{0}\ndrei");
    assert_eq!(form.field_text("notes").unwrap(), "eins\n\tzwei\ndrei");
    assert!(form
        .notice()
        .unwrap()
        .contains("a control character (U+0000)"));
    h.act(&mut form, Action::Save);
    assert_eq!(
        form.message(),
        None,
        "{:?}",
        form.field_error("description")
    );
    let saved = api.fetch(def("opportunity"), &opp).unwrap();
    assert_eq!(
        saved.value("description").as_str(),
        Some("Anlage Nord[2J Süd")
    );
    assert_eq!(saved.value("notes").as_str(), Some("eins\n\tzwei\ndrei"));
}
