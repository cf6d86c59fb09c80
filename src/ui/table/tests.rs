//! The table view's tests: first screen and background load through an
//! in-process client, filter, sort, keys, rendering.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::*;
use crate::api::local::Local;
use crate::ui::keymap::Keymap;
use crate::ui::masks;

fn demo_api() -> (tempfile::TempDir, Client) {
    let dir = tempfile::tempdir().unwrap();
    let api = Local::open(&dir.path().join("db")).unwrap();
    api.demo(2000, 1, false, &|_| {}).unwrap();
    (dir, api)
}

fn mask(name: &str) -> Mask {
    masks::all()
        .into_iter()
        .find(|m| m.name_en == name)
        .unwrap()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Runs `f` with a `Ctx` over an in-process client of the api, returning the
/// requests it made.
fn with_ctx(api: &Client, f: impl FnOnce(&mut Ctx)) -> Vec<Request> {
    let keymap = Keymap::builtin();
    let client = api.clone();
    let mut requests = Vec::new();
    let mut ctx = Ctx {
        api: &client,
        keymap: &keymap,
        lang: Lang::En,
        requests: &mut requests,
    };
    f(&mut ctx);
    requests
}

fn loaded(api: &Client, name: &str) -> TableView {
    let mut tv = TableView::new(mask(name));
    with_ctx(api, |ctx| {
        tv.prepare(Rect::new(0, 0, 80, 22), ctx);
        tv.wait_loaded(ctx);
    });
    tv
}

fn act(tv: &mut TableView, api: &Client, action: Action) -> Vec<Request> {
    with_ctx(api, |ctx| {
        tv.handle(key(KeyCode::Null), Some(action), ctx);
        tv.prepare(Rect::new(0, 0, 80, 22), ctx);
    })
}

fn type_filter(tv: &mut TableView, api: &Client, text: &str) {
    with_ctx(api, |ctx| {
        if !tv.is_editing() {
            tv.handle(key(KeyCode::Char('/')), Some(Action::Filter), ctx);
        }
        for c in text.chars() {
            tv.handle(key(KeyCode::Char(c)), None, ctx);
        }
        tv.prepare(Rect::new(0, 0, 80, 22), ctx);
    });
}

fn all_keys(tv: &TableView) -> Vec<String> {
    (0..tv.data.hits().len())
        .map(|n| tv.data.hit_key(n).unwrap().to_string())
        .collect()
}

fn screen(tv: &mut TableView, api: &Client, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    with_ctx(api, |ctx| tv.prepare(Rect::new(0, 0, w, h), ctx));
    terminal.draw(|f| tv.render(f, f.area(), Lang::En)).unwrap();
    let buf = terminal.backend().buffer();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn first_prepare_shows_a_screenful_then_the_loader_brings_everything() {
    let (_dir, api) = demo_api();
    let def = mask("Prospects").entity;
    let mut tv = TableView::new(mask("Prospects"));
    assert_eq!(tv.position(), (0, 0), "new reads nothing");
    with_ctx(&api, |ctx| tv.prepare(Rect::new(0, 0, 80, 24), ctx));
    assert!(tv.position().1 >= 22.min(api.count(def).unwrap()));
    with_ctx(&api, |ctx| tv.wait_loaded(ctx));
    assert_eq!(tv.position(), (1, api.count(def).unwrap()));
    assert!(tv.loading().is_none());
}

#[test]
fn filter_is_live_case_insensitive_inverts_narrows_and_clears() {
    let (_dir, api) = demo_api();
    let mut tv = loaded(&api, "Prospects");
    let total = tv.position().1;
    type_filter(&mut tv, &api, "MÜLLER");
    let hits = all_keys(&tv);
    assert!(!hits.is_empty(), "demo data has a Müller");
    for (k, cells) in tv.read_cells(&api, hits.clone()).unwrap() {
        let text = format!("{k} {}", cells.join(" "));
        assert!(text.to_lowercase().contains("müller"), "{text}");
    }
    // Growing the query narrows.
    let before = hits.len();
    type_filter(&mut tv, &api, " ");
    assert!(tv.position().1 <= before);
    // Enter keeps it, Esc clears it.
    with_ctx(&api, |ctx| {
        tv.handle(key(KeyCode::Enter), Some(Action::Open), ctx);
    });
    assert!(!tv.is_editing());
    assert_eq!(tv.query(), "MÜLLER ");
    act(&mut tv, &api, Action::ClearFilter);
    assert_eq!(tv.position().1, total);
    // Inverted.
    type_filter(&mut tv, &api, "!müller");
    assert_eq!(tv.position().1, total - before);
    with_ctx(&api, |ctx| {
        tv.handle(key(KeyCode::Esc), Some(Action::Back), ctx);
    });
    assert_eq!(tv.query(), "");
    assert_eq!(tv.position().1, total);
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let (_dir, api) = demo_api();
    let mut tv = loaded(&api, "Prospects");
    let by_key = all_keys(&tv);
    let mut sorted = by_key.clone();
    sorted.sort();
    assert_eq!(by_key, sorted);
    act(&mut tv, &api, Action::SortNext); // name
    let names: Vec<String> = tv
        .data
        .hits()
        .iter()
        .map(|&i| tv.data.rows().segment(i as usize, 1).to_string())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));
    act(&mut tv, &api, Action::SortReverse);
    let reversed: Vec<String> = tv
        .data
        .hits()
        .iter()
        .map(|&i| tv.data.rows().segment(i as usize, 1).to_string())
        .collect();
    assert!(reversed.windows(2).all(|w| w[0] >= w[1]));
    let text = screen(&mut tv, &api, 80, 24);
    assert!(text.contains("Name ▼"), "{text}");
    // Back round to the key.
    for _ in 1..tv.columns.len() {
        act(&mut tv, &api, Action::SortNext);
    }
    assert_eq!(tv.data.sort_state(), (0, false));
    assert_eq!(all_keys(&tv), by_key);
}

#[test]
fn only_with_mask_lists_records_with_the_field_set() {
    let (_dir, api) = demo_api();
    let tv = loaded(&api, "Contact Interactions");
    let keys = all_keys(&tv);
    assert!(!keys.is_empty());
    let def = tv.mask.entity;
    let contact = def.field_index("contact").unwrap();
    let with = api
        .list(def, None, None)
        .unwrap()
        .iter()
        .filter(|r| !r.get(contact).is_empty())
        .count();
    assert_eq!(keys.len(), with);
    assert!(with < api.count(def).unwrap());
}

#[test]
fn keys_move_open_new_copy_and_delete() {
    let (_dir, api) = demo_api();
    let mut tv = loaded(&api, "Prospects");
    let keys = all_keys(&tv);
    act(&mut tv, &api, Action::Down);
    assert_eq!(tv.position().0, 2);
    let r = act(&mut tv, &api, Action::Open);
    assert!(
        matches!(&r[..], [Request::OpenForm { key: Some(k), template, .. }]
        if *k == keys[1] && template.is_empty())
    );
    act(&mut tv, &api, Action::Bottom);
    assert_eq!(tv.position(), (keys.len(), keys.len()));
    act(&mut tv, &api, Action::PageUp);
    assert_eq!(tv.position().0, keys.len() - 20);
    act(&mut tv, &api, Action::Top);
    assert_eq!(tv.selected_key().as_deref(), Some(keys[0].as_str()));
    act(&mut tv, &api, Action::PageDown);
    assert_eq!(tv.position().0, 21);
    let r = act(&mut tv, &api, Action::NewRecord);
    assert!(
        matches!(&r[..], [Request::OpenForm { key: None, template, .. }] if template.is_empty())
    );
    let r = act(&mut tv, &api, Action::CopyRecord);
    match &r[..] {
        [Request::OpenForm {
            key: None,
            template,
            ..
        }] => assert!(template.iter().any(|(f, v)| f == "name" && !v.is_empty())),
        other => panic!("{other:?}"),
    }
    let r = act(&mut tv, &api, Action::DeleteRecord);
    let k = tv.selected_key().unwrap();
    match &r[..] {
        [Request::AskDelete { entity, key }] => {
            assert_eq!((entity.name, key.as_str()), ("prospect", k.as_str()));
        }
        other => panic!("{other:?}"),
    }
    // Horizontal scroll moves by column and stops when the last one is in view.
    for _ in 0..50 {
        act(&mut tv, &api, Action::Right);
    }
    assert!(tv.hscroll > 0);
    let text = screen(&mut tv, &api, 80, 24);
    let last = tv.heading(tv.columns.len() - 1, Lang::En);
    let shown: String = last.chars().take(8).collect();
    assert!(text.contains(&shown), "{text}");
    for _ in 0..50 {
        act(&mut tv, &api, Action::Left);
    }
    assert_eq!(tv.hscroll, 0);
}

#[test]
fn reload_keeps_filter_sort_and_selection() {
    let (_dir, api) = demo_api();
    let mut tv = loaded(&api, "Prospects");
    act(&mut tv, &api, Action::SortNext);
    act(&mut tv, &api, Action::Down);
    act(&mut tv, &api, Action::Down);
    let k = tv.selected_key();
    tv.reload();
    with_ctx(&api, |ctx| tv.wait_loaded(ctx));
    assert_eq!(tv.selected_key(), k);
    assert_eq!(tv.data.sort_state(), (1, false));
}

#[test]
fn renders_header_rows_and_count_and_survives_tiny_sizes() {
    let (_dir, api) = demo_api();
    let mut tv = loaded(&api, "Prospects");
    let text = screen(&mut tv, &api, 80, 24);
    // Sorted by the key, which Prospects does not show: the marker is on the
    // bottom line.
    assert!(text.contains("Name"), "{text}");
    assert!(
        text.contains(&format!("Key ▲ · 1 of {}", tv.total())),
        "{text}"
    );
    let first = tv.selected_key().unwrap();
    let name: String = tv.cells[&first][1].chars().take(10).collect();
    assert!(text.contains(&name), "{text}");
    type_filter(&mut tv, &api, "zzzzzz");
    let text = screen(&mut tv, &api, 80, 24);
    assert!(text.contains("/zzzzzz"), "{text}");
    assert!(text.contains("0 of 0"), "{text}");
    for (w, h) in [(20, 5), (1, 1), (0, 0), (3, 2), (80, 1)] {
        screen(&mut tv, &api, w, h);
    }
    let mut empty = TableView::new(mask("Campaigns"));
    screen(&mut empty, &api, 20, 5);
}

#[test]
fn umlauts_and_cjk_stay_aligned() {
    let (_dir, api) = demo_api();
    let mut tv = loaded(&api, "Territories");
    screen(&mut tv, &api, 80, 24);
    // Pretend the first two rows on screen hold wide and accented text.
    for (n, name) in [(0, "東京都 Zentrale"), (1, "Müller Öst")] {
        let k = tv.data.hit_key(n).unwrap().to_string();
        tv.cells.get_mut(&k).unwrap()[1] = name.to_string();
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| tv.render(f, f.area(), Lang::En)).unwrap();
    let buf = terminal.backend().buffer();
    // The third column starts at the same cell on both rows, where the layout
    // puts it.
    let layout = tv.layout(80, Lang::En);
    let x = layout[0].1 + 1 + layout[1].1 + 1;
    let third = |y: u16| buf[(x, y)].symbol().to_string();
    let cells2 = |n: usize| {
        let k = tv.data.hit_key(n).unwrap();
        tv.cells[k][2]
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default()
    };
    assert_eq!(third(1), cells2(0));
    assert_eq!(third(2), cells2(1));
    assert_eq!(buf[(layout[0].1 + 1, 1)].symbol(), "東");
}

fn rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// First screen, full load, memory on a big database (default /tmp/m1, or
/// TABLE_BENCH_DB). Only reads.
/// `cargo test --release --lib first_screen_on_a_big_database -- --ignored --nocapture`
#[test]
#[ignore]
fn first_screen_on_a_big_database() {
    let path = std::env::var("TABLE_BENCH_DB").unwrap_or_else(|_| "/tmp/m1".into());
    let t = std::time::Instant::now();
    let api = Local::open(std::path::Path::new(&path)).unwrap();
    let opened = t.elapsed();
    let m = masks::all()
        .into_iter()
        .max_by_key(|m| api.count(m.entity).unwrap())
        .unwrap();
    let count = api.count(m.entity).unwrap();
    let mut tv = TableView::new(m);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let t2 = std::time::Instant::now();
    with_ctx(&api, |ctx| tv.prepare(Rect::new(0, 0, 80, 24), ctx));
    terminal.draw(|f| tv.render(f, f.area(), Lang::En)).unwrap();
    let first = t2.elapsed();
    let rss_before = rss_mb();
    let t3 = std::time::Instant::now();
    with_ctx(&api, |ctx| tv.wait_loaded(ctx));
    let load = t3.elapsed();
    let t4 = std::time::Instant::now();
    with_ctx(&api, |ctx| {
        tv.handle(key(KeyCode::Null), Some(Action::PageDown), ctx);
        tv.prepare(Rect::new(0, 0, 80, 24), ctx);
    });
    terminal.draw(|f| tv.render(f, f.area(), Lang::En)).unwrap();
    let page = t4.elapsed();
    let mut keystrokes = Vec::new();
    for q in ["m", "mü", "mül", "e", "!e", "0000", ""] {
        tv.data.set_query("");
        let t = std::time::Instant::now();
        tv.data.set_query(q);
        keystrokes.push(format!(
            "{q:?} {:?} ({} hits)",
            t.elapsed(),
            tv.data.hits().len()
        ));
    }
    println!(
        "{} ({count} rows): open {opened:?}, first screen (prepare+render) {first:?}, \
         open+first {:?}; full load {load:?}; page down {page:?}; \
         {} bytes/row; RSS {rss_before} MB before load, {} MB after; filter {keystrokes:?}",
        m.name_en,
        opened + first,
        tv.data.heap_bytes() / tv.total().max(1),
        rss_mb()
    );
}

/// A transport that counts the requests it passes on, by kind.
struct Counting {
    inner: crate::api::Client,
    calls: std::sync::Mutex<Vec<&'static str>>,
}

impl crate::api::Transport for Counting {
    fn call(
        &self,
        request: crate::api::Request,
        progress: Option<&dyn Fn(usize)>,
    ) -> crate::api::Result<crate::api::Response> {
        let kind = match &request {
            crate::api::Request::Get { .. } => "get",
            crate::api::Request::GetMany { .. } => "get_many",
            crate::api::Request::MaskRows { .. } => "mask_rows",
            _ => "other",
        };
        self.calls.lock().unwrap().push(kind);
        let _ = progress;
        self.inner.call(request)
    }
    fn session(&self) -> crate::api::Session {
        self.inner.session()
    }
    fn database(&self) -> String {
        self.inner.database()
    }
    fn subscribe(&self) -> crate::api::Result<crate::api::Feed> {
        self.inner.subscribe()
    }
}

#[test]
fn a_page_of_rows_it_lacks_comes_in_one_call() {
    let (_dir, api) = demo_api();
    let counting = Arc::new(Counting {
        inner: api.clone(),
        calls: Default::default(),
    });
    let client = crate::api::Client::new(counting.clone());
    let keymap = Keymap::builtin();
    let mut requests = Vec::new();
    let mut ctx = Ctx {
        api: &client,
        keymap: &keymap,
        lang: Lang::En,
        requests: &mut requests,
    };
    let mut tv = TableView::new(mask("Prospects"));
    tv.prepare(Rect::new(0, 0, 80, 24), &mut ctx);
    tv.wait_loaded(&mut ctx);
    // The first screen came with its cells: nothing more to fetch for it.
    let calls = counting.calls.lock().unwrap().clone();
    assert!(
        !calls.contains(&"get") && !calls.contains(&"get_many"),
        "{calls:?}"
    );
    counting.calls.lock().unwrap().clear();
    tv.handle(key(KeyCode::Null), Some(Action::Bottom), &mut ctx);
    tv.prepare(Rect::new(0, 0, 80, 24), &mut ctx);
    assert_eq!(*counting.calls.lock().unwrap(), vec!["mask_rows"]);
    let text = {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| tv.render(f, f.area(), Lang::En)).unwrap();
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect::<String>()
    };
    let last = tv.selected_key().unwrap();
    let name: String = tv.cells[&last][1].chars().take(10).collect();
    assert!(text.contains(&name), "{text}");
}
