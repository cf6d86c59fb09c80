//! What comes from files: keymaps and the config (TOML), CSV text and its mapping
//! onto an entity, vCards, encoding detection, XLSX workbooks.

use proptest::prelude::*;
use termcrm::io::{self, csv_in, map, text as encoding_text, vcard, xlsx_in, ReadOptions};
use termcrm::model::entity;
use termcrm::ui::action::{Action, Context};
use termcrm::ui::config::Config;
use termcrm::ui::keymap::{KeyChord, Keymap};

use crate::gen::{grammar, mangled, NASTY};
use crate::{assert_message, fuzz, text, Ctx, Outcome};

/// A user keymap: sections, lists and bindings from the real vocabulary, with
/// wrong names, types and keys among them.
fn keymap_text() -> BoxedStrategy<String> {
    let contexts: Vec<&'static str> = Context::ALL
        .iter()
        .map(|c| c.name())
        .chain(["nope"])
        .collect();
    let actions: Vec<&'static str> = Action::ALL
        .iter()
        .map(|a| a.name())
        .chain(["nope", ""])
        .collect();
    let key = grammar(
        vec![
            "ctrl-",
            "alt-",
            "shift-",
            "a",
            "G",
            "?",
            "enter",
            "esc",
            "tab",
            "backtab",
            "f1",
            "f12",
            "f13",
            "f99999999999",
            "space",
            "-",
            "pageup",
            "x",
        ],
        4,
    );
    let value = prop_oneof![
        4 => key.clone().prop_map(|k| format!("{k:?}")),
        1 => prop::collection::vec(key.clone(), 0..3).prop_map(|ks| format!("{ks:?}")),
        1 => Just("1".to_string()),
    ];
    let binding = (
        value,
        prop::sample::select(actions),
        prop::option::of(grammar(vec!["Quit", "x", "ü"], 3)),
        prop::option::of(Just("nope = 1")),
    )
        .prop_map(|(on, run, desc, extra)| {
            let mut b = format!("{{ on = {on}, run = {run:?}");
            if let Some(d) = desc {
                b.push_str(&format!(", desc = {d:?}"));
            }
            if let Some(e) = extra {
                b.push_str(&format!(", {e}"));
            }
            b.push_str(" }");
            b
        });
    let list = prop::sample::select(vec!["keys", "prepend_keys", "append_keys", "kyes"]);
    let section = (
        prop::sample::select(contexts),
        list,
        prop::collection::vec(binding, 0..4),
    )
        .prop_map(|(c, l, bs)| format!("[{c}]\n{l} = [\n  {}\n]\n", bs.join(",\n  ")));
    prop_oneof![
        5 => prop::collection::vec(section, 0..3).prop_map(|s| s.concat()),
        1 => grammar(vec!["[", "]", "=", "{", "}", "\"", "keys", "global", "on", "run", "\n", ","], 20),
    ]
    .boxed()
}

fn config_text() -> BoxedStrategy<String> {
    let value = grammar(
        vec!["vim", "emacs", "default", "de", "en", "DE", "\\u001b", "x"],
        3,
    );
    prop_oneof![
        4 => (prop::sample::select(vec!["keymap", "lang", "colour", "keymap"]), value, any::<bool>())
            .prop_map(|(k, v, quoted)| if quoted { format!("{k} = {v:?}\n") } else { format!("{k} = {v}\n") }),
        1 => grammar(vec!["keymap", "lang", "=", "\"", "\n", "[", "]", "'''"], 12),
    ]
    .boxed()
}

pub fn keymap(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    Keymap::builtin().overlay("keymap.toml", text(&a[0]))
}

/// A key as a keymap file writes it.
pub fn key(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    KeyChord::parse(text(&a[0])).map(|_| ())
}

pub fn config(ctx: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let path = ctx.dir().join("config.toml");
    std::fs::write(&path, &a[0]).expect("write the config");
    let shown = |e: String| e.replace(&ctx.dir().display().to_string(), "D");
    let config = Config::load(Some(&path)).map_err(shown)?;
    config.lang().map(|_| ())
}

const CSV: &[&str] = &[
    ",",
    ";",
    "\t",
    "|",
    "\"",
    "\"\"",
    "\n",
    "\r\n",
    "\r",
    "\r\r\n",
    " ",
    "name",
    "Name",
    "key",
    "city",
    "territory",
    "email",
    "amount",
    "E-Mail-Adresse",
    "Vorname",
    "Nachname",
    "First Name",
    "Last Name",
    "Given Name",
    "NORD",
    "1.234,56",
    "=1+1",
    "'=1",
    "\u{feff}",
];

pub fn csv(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let t = text(&a[0]);
    let delimiter = a.get(1).and_then(|d| d.first().copied());
    let sheet = csv_in::read("f.csv", t, delimiter, 400).map_err(|e| e.to_string())?;
    if sheet.format.is_some_and(|f| f.is_address_book()) {
        io::contacts::map(&sheet);
    }
    for name in ["prospect", "sales_contact", "opportunity"] {
        let def = entity(name).expect("an entity");
        if let Err(e) = map::map("f.csv", &sheet, def, true) {
            assert_message(&e.to_string());
        }
    }
    Ok(())
}

const VCARD: &[&str] = &[
    "BEGIN:VCARD",
    "END:VCARD",
    "VERSION:2.1",
    "VERSION:3.0",
    "VERSION:4.0",
    "\r\n",
    "\n",
    " ",
    "\t",
    "FN:",
    "N:",
    ";",
    ":",
    "=",
    "EMAIL;TYPE=work:",
    "TEL;PREF=1:",
    "ADR:;;",
    "ORG:",
    "BDAY:",
    "1980-01-31",
    "--0131",
    "ENCODING=QUOTED-PRINTABLE",
    "CHARSET=UTF-8",
    "CHARSET=nope",
    "=C3=BC",
    "=",
    "=\r\n",
    "\\n",
    "\\,",
    "\\",
    "item1.",
    "X-",
    "NOTE:",
];

pub fn vcard(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    vcard::read("f.vcf", &a[0])
        .map(|_| ())
        .map_err(|e| e.to_string())
}

pub fn encoding(_: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let bytes = &a[0];
    encoding_text::guess(bytes);
    let forced = a.get(1).map(|l| String::from_utf8_lossy(l).into_owned());
    encoding_text::decode("f.csv", bytes, forced.as_deref())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A workbook from bytes, as a named .xlsx and as a file whose content decides.
pub fn xlsx(ctx: &Ctx, a: &[Vec<u8>]) -> Outcome {
    let named = ctx.dir().join("f.xlsx");
    std::fs::write(&named, &a[0]).expect("write the workbook");
    let unnamed = ctx.dir().join("f.dat");
    std::fs::write(&unnamed, &a[0]).expect("write the file");
    if let Err(e) = io::read(&unnamed, &ReadOptions::default()) {
        assert_message(&e.to_string().replace(&ctx.dir().display().to_string(), "D"));
    }
    xlsx_in::read(&named)
        .map(|_| ())
        .map_err(|e| e.to_string().replace(&ctx.dir().display().to_string(), "D"))
}

/// A few real workbooks to cut and damage.
fn workbooks() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for rows in [1u32, 3, 20] {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["name", "city", "amount", "close"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).expect("a header");
        }
        for r in 1..=rows {
            sheet
                .write_string(r, 0, format!("Müller {r} \u{1b}[2J"))
                .expect("a cell");
            sheet
                .write_number(r, 2, f64::from(r) * 1234.5)
                .expect("a number");
            sheet.write_boolean(r, 3, r % 2 == 0).expect("a bool");
        }
        out.push(book.save_to_buffer().expect("a workbook"));
    }
    out
}

fn bytes_of(s: String) -> Vec<Vec<u8>> {
    vec![s.into_bytes()]
}

#[test]
fn keymap_files_and_keys() {
    let ctx = Ctx::default();
    fuzz(
        &ctx,
        "keymap",
        keymap,
        600,
        keymap_text().prop_map(bytes_of),
    );
}

#[test]
fn keys_as_keymaps_write_them() {
    let ctx = Ctx::default();
    let keys = grammar(
        vec![
            "ctrl-",
            "alt-",
            "shift-",
            "CTRL-",
            "a",
            "G",
            "-",
            "enter",
            "esc",
            "f1",
            "f12",
            "f0",
            "f13",
            "f99999999999",
            "space",
            "pageup",
            "backtab",
            "ü",
        ],
        5,
    );
    fuzz(&ctx, "key", key, 1500, keys.prop_map(bytes_of));
}

#[test]
fn the_config_file() {
    let ctx = Ctx::default();
    fuzz(
        &ctx,
        "config",
        config,
        1000,
        config_text().prop_map(bytes_of),
    );
}

#[test]
fn csv_text_and_its_mapping() {
    let ctx = Ctx::default();
    let input = (
        grammar(CSV.to_vec(), 40),
        prop::option::of(prop::sample::select(vec![
            b',', b';', b'\t', b'"', b'\n', 0xff, 0,
        ])),
    )
        .prop_map(|(t, d)| {
            let mut a = vec![t.into_bytes()];
            a.extend(d.map(|d| vec![d]));
            a
        });
    fuzz(&ctx, "csv", csv, 1500, input);
}

#[test]
fn vcards() {
    let ctx = Ctx::default();
    let cards = prop_oneof![
        4 => grammar(VCARD.to_vec(), 40).prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..400),
    ];
    fuzz(&ctx, "vcard", vcard, 1500, cards.prop_map(|b| vec![b]));
}

#[test]
fn encoding_detection() {
    let ctx = Ctx::default();
    let boms: Vec<Vec<u8>> = vec![
        vec![0xEF, 0xBB, 0xBF, b'a'],
        vec![0xFF, 0xFE, b'a', 0],
        vec![0xFE, 0xFF, 0, b'a'],
        "a,b\nü,ß\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect(),
        "a,b\nü,ß\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect(),
        b"Name;Stadt\nM\xfcller;K\xf6ln\n".to_vec(),
    ];
    let labels = prop::option::of(prop_oneof![
        prop::sample::select(vec![
            "utf-8",
            "windows-1252",
            "utf-16le",
            "latin1",
            "replacement",
            "x"
        ])
        .prop_map(str::to_string),
        prop::sample::select(NASTY).prop_map(|n| format!("utf{n}")),
        "\\PC{0,300}",
    ]);
    let input = (mangled(boms), labels).prop_map(|(b, l)| {
        let mut a = vec![b];
        a.extend(l.map(String::into_bytes));
        a
    });
    fuzz(&ctx, "encoding", encoding, 1500, input);
}

#[test]
fn xlsx_workbooks_damaged_and_garbage() {
    let ctx = Ctx::default();
    let mut input = mangled(workbooks());
    input = prop_oneof![
        5 => input,
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(|mut b| {
            let mut v = b"PK\x03\x04".to_vec();
            v.append(&mut b);
            v
        }),
    ]
    .boxed();
    fuzz(&ctx, "xlsx", xlsx, 250, input.prop_map(|b| vec![b]));
}
