//! The palette's tests: fuzzy matching, ranking, moving and the requests it makes.

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::*;
use crate::api::local::Local;
use crate::ui::keymap::Keymap;

fn entry(label: &str, detail: &str, request: Request) -> PaletteEntry {
    PaletteEntry {
        label: label.into(),
        detail: detail.into(),
        request,
    }
}

fn masks() -> Vec<PaletteEntry> {
    [
        ("Campaigns", "Marketing · Kampagnen"),
        ("Opportunities", "Marketing · Verkaufschancen"),
        ("Opportunity Tasks", "Marketing · Verkaufschancen-Aufgaben"),
        ("Leads", "Sales · Interessenten"),
        ("Customers", "Sales · Kunden"),
        ("Sales Forecasts", "Sales · Absatzprognosen"),
        ("Opportunity Stages", "Setup · Verkaufsphasen"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (label, detail))| entry(label, detail, Request::SwitchTab(i)))
    .chain([entry(
        "Save the record",
        "ctrl-s · save",
        Request::Run(Action::Save),
    )])
    .collect()
}

/// Feed keys (raw chars, or actions) to the palette; the requests it made.
fn drive(palette: &mut PalettePopup, keys: &[(KeyCode, Option<Action>)]) -> Vec<Request> {
    let dir = tempfile::tempdir().unwrap();
    let client = Local::open(dir.path()).unwrap();
    let keymap = Keymap::builtin();
    let mut requests = Vec::new();
    let mut ctx = Ctx {
        api: &client,
        keymap: &keymap,
        lang: Lang::En,
        requests: &mut requests,
    };
    for (code, action) in keys {
        palette.handle(KeyEvent::new(*code, KeyModifiers::NONE), *action, &mut ctx);
    }
    requests
}

fn typed(text: &str) -> Vec<(KeyCode, Option<Action>)> {
    text.chars().map(|c| (KeyCode::Char(c), None)).collect()
}

fn labels(palette: &PalettePopup) -> Vec<&str> {
    palette.matches().map(|e| e.label.as_str()).collect()
}

#[test]
fn fuzzy_matches_rank_and_drop() {
    let mut p = PalettePopup::new(masks());
    drive(&mut p, &typed("opp"));
    let found = labels(&p);
    assert!(found[..3].contains(&"Opportunities"), "{found:?}");
    assert!(found.contains(&"Opportunity Stages"));
    assert!(!found.contains(&"Leads"));
    assert!(!found.contains(&"Campaigns"));
    assert_eq!(p.match_count(), found.len());
}

#[test]
fn german_names_are_found() {
    let de: Vec<PaletteEntry> = ["Kampagnen", "Verkaufschancen", "Kunden", "Verkaufsphasen"]
        .iter()
        .enumerate()
        .map(|(i, l)| entry(l, "", Request::SwitchTab(i)))
        .collect();
    let mut p = PalettePopup::new(de);
    drive(&mut p, &typed("verk"));
    assert_eq!(labels(&p), ["Verkaufschancen", "Verkaufsphasen"]);
    // Umlauts lowercase too.
    let mut p = PalettePopup::new(vec![entry("Änderungen", "", Request::Quit)]);
    drive(&mut p, &typed("änd"));
    assert_eq!(p.match_count(), 1);
}

#[test]
fn empty_query_keeps_entry_order() {
    let p = PalettePopup::new(masks());
    let all: Vec<String> = masks().into_iter().map(|e| e.label).collect();
    assert_eq!(labels(&p), all);
    let mut p = PalettePopup::new(masks());
    drive(&mut p, &typed("xy"));
    assert_eq!(p.match_count(), 0);
    drive(&mut p, &[(KeyCode::Backspace, None); 2]);
    assert_eq!(labels(&p), all);
}

#[test]
fn growing_query_narrows_and_backspace_widens() {
    let mut p = PalettePopup::new(masks());
    drive(&mut p, &typed("o"));
    let one = p.match_count();
    drive(&mut p, &typed("ppt"));
    let four = p.match_count();
    assert!(four < one, "{four} < {one}");
    assert!(labels(&p).contains(&"Opportunity Tasks"));
    drive(&mut p, &[(KeyCode::Backspace, None); 3]);
    assert_eq!(p.query(), "o");
    assert_eq!(p.match_count(), one);
    // Words match separately and in any order; Ctrl-W drops the last one.
    p.set_query("task opp");
    assert_eq!(labels(&p)[0], "Opportunity Tasks");
    assert!(!labels(&p).contains(&"Opportunities"));
    let dir = tempfile::tempdir().unwrap();
    let client = Local::open(dir.path()).unwrap();
    let keymap = Keymap::builtin();
    let mut requests = Vec::new();
    let mut ctx = Ctx {
        api: &client,
        keymap: &keymap,
        lang: Lang::En,
        requests: &mut requests,
    };
    p.handle(
        KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL),
        None,
        &mut ctx,
    );
    assert_eq!(p.query(), "task ");
    p.handle(
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        None,
        &mut ctx,
    );
    assert_eq!(p.query(), "");
    assert_eq!(p.match_count(), masks().len());
}

#[test]
fn select_closes_then_runs_and_cancel_closes() {
    let mut p = PalettePopup::new(masks());
    let mut keys = typed("save");
    keys.push((KeyCode::Enter, Some(Action::Select)));
    assert_eq!(
        drive(&mut p, &keys),
        [Request::Back, Request::Run(Action::Save)]
    );

    let mut p = PalettePopup::new(masks());
    let keys = [
        (KeyCode::Down, Some(Action::Down)),
        (KeyCode::Enter, Some(Action::Select)),
    ];
    assert_eq!(drive(&mut p, &keys), [Request::Back, Request::SwitchTab(1)]);

    let mut p = PalettePopup::new(masks());
    assert_eq!(
        drive(&mut p, &[(KeyCode::Esc, Some(Action::Cancel))]),
        [Request::Back]
    );

    let mut p = PalettePopup::new(masks());
    assert!(drive(&mut p, &typed("zzz")).is_empty());
    assert!(drive(&mut p, &[(KeyCode::Enter, Some(Action::Select))]).is_empty());
}

#[test]
fn selection_moves_within_bounds() {
    let mut p = PalettePopup::new(masks());
    drive(&mut p, &[(KeyCode::Up, Some(Action::Up))]);
    assert_eq!(p.selected().unwrap().label, "Campaigns");
    drive(&mut p, &[(KeyCode::PageDown, Some(Action::PageDown)); 3]);
    assert_eq!(p.selected().unwrap().label, "Save the record");
    drive(&mut p, &[(KeyCode::PageUp, Some(Action::PageUp))]);
    assert_eq!(p.selected().unwrap().label, "Campaigns");
}

#[test]
fn beyond_the_scoring_cap_every_match_still_counts() {
    let mut p = PalettePopup::new(masks());
    p.max_scored = 2;
    p.set_query("s");
    let all_s = masks()
        .iter()
        .filter(|e| format!("{} {}", e.label, e.detail).contains(['s', 'S']))
        .count();
    assert_eq!(p.match_count(), all_s);
    p.set_query("sa");
    assert!(labels(&p).contains(&"Save the record"));
}

fn screen(p: &PalettePopup, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| p.render(f, f.area(), Lang::En)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

#[test]
fn renders_query_labels_and_count() {
    let mut entries = masks();
    entries.push(entry(
        "Geschäftsfälle",
        "Verkäufe · Übersicht",
        Request::Quit,
    ));
    let mut p = PalettePopup::new(entries);
    let rows = screen(&p, 80, 24);
    let text = rows.join("\n");
    assert!(text.contains("> "), "{text}");
    assert!(
        text.contains("Campaigns") && text.contains("Opportunities"),
        "{text}"
    );
    assert!(text.contains("9 matches"), "{text}");
    // Details end in one column, umlauts or not.
    let end = |needle: &str| {
        let row = rows.iter().find(|r| r.contains(needle)).unwrap();
        row[..row.find(needle).unwrap()].chars().count() + needle.chars().count()
    };
    assert_eq!(end("Kampagnen"), end("Übersicht"), "{text}");

    p.set_query("opp");
    let text = screen(&p, 80, 24).join("\n");
    assert!(
        text.contains("> opp") && text.contains("Opportunity Stages"),
        "{text}"
    );
}

#[test]
fn tiny_sizes_do_not_panic() {
    let mut p = PalettePopup::new(masks());
    p.set_query("a very long query that does not fit anywhere ä 漢字");
    for (w, h) in [(20, 5), (1, 1), (0, 0), (3, 3), (5, 2), (200, 60)] {
        screen(&p, w, h);
    }
    let p = PalettePopup::new(masks());
    assert!(screen(&p, 20, 5).join("").contains("Campaigns"));
}

/// `cargo test --release --lib palette -- --ignored --nocapture`
#[test]
#[ignore]
fn keystroke_on_100k_entries_is_quick() {
    let words = [
        "Müller",
        "Schmidt",
        "Acme",
        "Contoso",
        "Fabrikam",
        "Northwind",
        "Globex",
        "Initech",
    ];
    let entries: Vec<PaletteEntry> = (0..100_000)
        .map(|i| {
            let label = format!("{} {} GmbH {i:06}", words[i % 8], words[(i / 8) % 8]);
            entry(
                &label,
                &format!("Customers · C{i:06}"),
                Request::SwitchTab(i % 30),
            )
        })
        .collect();
    let built = Instant::now();
    let mut p = PalettePopup::new(entries);
    println!(
        "prepare 100k entries: {:.1} ms",
        built.elapsed().as_secs_f64() * 1e3
    );
    let mut worst = 0.0f64;
    for query in [
        "m",
        "mu",
        "mue",
        "mül",
        "müll",
        "müller 0",
        "müller 04",
        "müller 042",
        "m",
    ] {
        let start = Instant::now();
        p.set_query(query);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        worst = worst.max(ms);
        let (count, ranked) = (p.match_count(), p.ranked_count());
        println!("query {query:12} {count:6} matches, {ranked:6} ranked, {ms:7.2} ms");
    }
    assert!(worst < 100.0, "worst keystroke {worst:.1} ms");
}
