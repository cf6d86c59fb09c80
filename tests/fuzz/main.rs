//! Fuzzing on stable Rust: proptest drives every parser a user's text or a peer's
//! bytes reach — values (money, dates, offsets, numbers, yes/no, codes, child
//! lines, `field=value`), queries and their plans, event rules, keymaps and the
//! config, the CSV, vCard, encoding and XLSX readers, and the wire's frames and
//! handshake — with inputs built from each grammar's own tokens, odd unicode,
//! huge numbers and deep nesting as well as random bytes.
//!
//! The property everywhere: no panic, and a refusal is one line of at most 300
//! characters with no control character or bidirectional override in it.
//!
//! Every input that ever failed is kept in `tests/corpus/TARGET.txt` and replayed
//! by `corpus_replays_clean` (see `corpus.rs` for the format).
//!
//! The case counts are small enough for `cargo test` (the file runs in well under
//! a minute in debug on two cores); `CRM_FUZZ_CASES=20000 cargo test --release
//! --test fuzz` runs every target that many times.

mod corpus;
mod files;
mod gen;
mod queries;
mod rules;
mod values;
mod wire;

use std::cell::OnceCell;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use termcrm::server::Server;
use termcrm::store::Store;

/// The longest refusal a target may give, in characters.
pub const MAX_MESSAGE: usize = 300;

/// What a target's input did: accepted, or refused with this message.
pub type Outcome = Result<(), String>;

/// A target: runs one input (its arguments, as bytes) through a parser.
pub type Target = fn(&Ctx, &[Vec<u8>]) -> Outcome;

/// Every target by name, as the corpus files name them.
pub const TARGETS: &[(&str, Target)] = &[
    ("money", values::money),
    ("date", values::date),
    ("field", values::field),
    ("assign", values::assign),
    ("quote_lines", values::quote_lines),
    ("query", queries::query),
    ("plan", queries::plan),
    ("rule", rules::rule),
    ("keymap", files::keymap),
    ("key", files::key),
    ("config", files::config),
    ("csv", files::csv),
    ("vcard", files::vcard),
    ("encoding", files::encoding),
    ("xlsx", files::xlsx),
    ("frame", wire::frame),
    ("handshake", wire::handshake),
];

/// What the targets share, made on first use and dropped (the server stopped, the
/// directory removed) with the test that made it.
#[derive(Default)]
pub struct Ctx {
    store: OnceCell<(tempfile::TempDir, Arc<Store>)>,
    server: OnceCell<Server>,
    files: OnceCell<tempfile::TempDir>,
}

impl Drop for Ctx {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop();
        }
    }
}

impl Ctx {
    /// A small demo database (300 records), open in this process.
    pub fn store(&self) -> &Arc<Store> {
        &self
            .store
            .get_or_init(|| {
                let dir = tempfile::tempdir().expect("tempdir");
                let store = Store::open(dir.path().join("db")).expect("open a store");
                store
                    .bulk_insert(termcrm::demo::generate(300, 7), |_| {})
                    .expect("demo data");
                (dir, Arc::new(store))
            })
            .1
    }

    /// The database path of `store`.
    pub fn db(&self) -> std::path::PathBuf {
        self.store();
        self.store.get().expect("made above").0.path().join("db")
    }

    /// A server on `store`, on a socket beside it.
    pub fn server(&self) {
        self.server.get_or_init(|| {
            let db = self.db();
            Server::start_on(
                Arc::clone(self.store()),
                termcrm::server::Config::quiet(&db),
            )
            .expect("a server on the fuzz store")
        });
    }

    /// A directory for files a target writes.
    pub fn dir(&self) -> &std::path::Path {
        self.files
            .get_or_init(|| tempfile::tempdir().expect("tempdir"))
            .path()
    }
}

/// The argument as text (corpus inputs of text targets are UTF-8).
pub fn text(arg: &[u8]) -> &str {
    std::str::from_utf8(arg).expect("a text target's input is UTF-8")
}

/// Whether a refusal is fit for a terminal: one line, short, nothing that acts.
pub fn check_message(message: &str) -> Result<(), String> {
    let n = message.chars().count();
    if n > MAX_MESSAGE {
        return Err(format!(
            "the message is {n} characters long (at most {MAX_MESSAGE}): {}",
            termcrm::util::excerpt(message)
        ));
    }
    if let Some(c) = message
        .chars()
        .find(|&c| c == '\n' || termcrm::util::is_unsafe(c))
    {
        return Err(format!("the message holds {c:?}: {message:?}"));
    }
    Ok(())
}

/// `check_message` for a message a target meets on its way (beside its outcome).
pub fn assert_message(message: &str) {
    if let Err(e) = check_message(message) {
        panic!("{e}");
    }
}

/// Proptest's settings for a target: `default` cases, or `CRM_FUZZ_CASES`.
pub fn config(default: u32) -> Config {
    let cases = std::env::var("CRM_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        // Failures go into the corpus by hand; no regression files beside the tests.
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    }
}

/// Runs `target` on `cases` inputs from `inputs`, asserting the property.
pub fn fuzz<S>(ctx: &Ctx, name: &str, target: Target, cases: u32, inputs: S)
where
    S: Strategy<Value = Vec<Vec<u8>>>,
{
    let mut runner = TestRunner::new(config(cases));
    let result = runner.run(&inputs.prop_map(Shown), |Shown(args)| {
        if let Err(message) = target(ctx, &args) {
            if let Err(why) = check_message(&message) {
                return Err(TestCaseError::fail(why));
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("fuzz target {name}: {e}");
    }
}

/// A target's arguments as a failure report shows them: as escaped text, long
/// ones cut.
#[derive(Clone)]
pub struct Shown(pub Vec<Vec<u8>>);

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: Vec<String> = self
            .0
            .iter()
            .map(|a| {
                let t = String::from_utf8_lossy(a);
                let n = t.chars().count();
                let head: String = t.chars().take(200).collect();
                if n > 200 {
                    format!("{head:?}… ({n} characters)")
                } else {
                    format!("{head:?}")
                }
            })
            .collect();
        write!(f, "[{}]", shown.join(", "))
    }
}

/// Arguments from strings.
pub fn args(parts: Vec<String>) -> Vec<Vec<u8>> {
    parts.into_iter().map(String::into_bytes).collect()
}
