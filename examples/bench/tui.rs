//! The TUI rows of the bench: the real App, headless, on the bench database, in a
//! process of its own so that its RSS is the TUI's — once on the store in this
//! process, once as a client of the database's server (connect included).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use termcrm::model::Lang;
use termcrm::store::Store;
use termcrm::ui::app::App;
use termcrm::ui::keymap::Keymap;
use termcrm::ui::keys;
use termcrm::ui::table::data::{Data, Rows, SEP};
use termcrm::ui::table::group::{group_rows, By};

use super::{at_most_dur, dur, mib, ms, note, peak_rss, row, Res, MIB};

const AREA: Rect = Rect::new(0, 0, 120, 40);

fn press(app: &mut App, terminal: &mut Terminal<TestBackend>, text: &str) -> Res<Duration> {
    let t = Instant::now();
    for key in keys::parse(text)? {
        app.handle_key(key);
    }
    app.prepare(AREA);
    terminal.draw(|f| app.render(f))?;
    Ok(t.elapsed())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

pub fn tui_rows(path: &Path, remote: bool) -> Res<()> {
    let result = rows(path, remote);
    if remote {
        stop_server(path);
    }
    result
}

/// Stops the server the socket TUI started, and waits until it has let go.
fn stop_server(path: &Path) {
    let pid = std::fs::read_to_string(termcrm::server::Paths::of(path).pid).unwrap_or_default();
    use termcrm::api::remote::{Remote, Target};
    if let Ok(c) = Remote::client(Target::Local(path.to_path_buf())) {
        let _ = c.server_stop();
    }
    let proc = std::path::PathBuf::from(format!("/proc/{}", pid.trim()));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !pid.trim().is_empty() && proc.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// TUIs beside the measured one in the socket phase, each on the largest mask.
const OTHER_TUIS: usize = 19;

/// `--tui-idle`: a TUI on the server with the Opportunities mask loaded, kept
/// open until its standard input closes.
pub fn idle(path: &Path) -> Res<()> {
    use std::io::{BufRead, Write};
    use termcrm::api::remote::{Remote, Target};
    let client = Remote::client(Target::Local(path.to_path_buf()))?;
    let mut app = App::new(client, Keymap::builtin(), Lang::En);
    for key in keys::parse(":Opportunities<ret>")? {
        app.handle_key(key);
    }
    app.settle(AREA);
    println!("ready");
    std::io::stdout().flush()?;
    let mut line = String::new();
    while std::io::stdin().lock().read_line(&mut line)? > 0 {}
    Ok(())
}

/// Starts the other TUIs and waits until each has its mask loaded.
fn other_tuis(path: &Path) -> Res<Vec<std::process::Child>> {
    use std::io::BufRead;
    let mut out = Vec::new();
    for _ in 0..OTHER_TUIS {
        out.push(
            std::process::Command::new(std::env::current_exe()?)
                .args(["--tui-idle", "--db"])
                .arg(path)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()?,
        );
    }
    for child in &mut out {
        let mut line = String::new();
        if let Some(stdout) = child.stdout.as_mut() {
            std::io::BufReader::new(stdout).read_line(&mut line)?;
        }
    }
    Ok(out)
}

fn rows(path: &Path, remote: bool) -> Res<()> {
    let mut terminal = Terminal::new(TestBackend::new(AREA.width, AREA.height))?;
    let t = Instant::now();
    let mut others = Vec::new();
    let mut local_store: Option<Arc<Store>> = None;
    let client = if remote {
        use termcrm::api::remote::{Remote, Target};
        // Started here, untimed: the first screen is timed on a running server.
        drop(Remote::client(Target::Local(path.to_path_buf()))?);
        others = other_tuis(path)?;
        note(&format!(
            "{} other TUIs have the Opportunities mask open on the server",
            others.len()
        ));
        let t = Instant::now();
        let c = Remote::client(Target::Local(path.to_path_buf()))?;
        note(&format!(
            "TUI client connected to the server in {}",
            dur(t.elapsed())
        ));
        c
    } else {
        let store = Arc::new(Store::open_with(
            path,
            &termcrm::store::OpenOptions::interactive(),
        )?);
        local_store = Some(Arc::clone(&store));
        termcrm::api::local::Local::client(store)
    };
    let t = if remote { Instant::now() } else { t };
    let p = if remote { "TUI/server" } else { "TUI" };
    let mut app = App::new(client, Keymap::builtin(), Lang::En);
    app.prepare(AREA);
    terminal.draw(|f| app.render(f))?;
    let first = t.elapsed();
    row(
        &format!("{p}: open + first screen (home)"),
        &dur(first),
        "<= 250 ms",
        &at_most_dur(first, ms(250)),
        "alerts computed in the background",
    );
    let t = Instant::now();
    app.settle(AREA);
    let alerts = t.elapsed();
    row(
        &format!("{p}: home alerts ready"),
        &dur(first + alerts),
        "",
        "",
        &format!("{} alerts (every salesperson's)", app.home().rows().len()),
    );
    let campaigns = press(&mut app, &mut terminal, "1")?;
    row(
        &format!("{p}: first mask (Campaigns), 1st screen"),
        &dur(campaigns),
        "<= 250 ms",
        &at_most_dur(campaigns, ms(250)),
        "",
    );

    // The largest mask: the first screen comes before its rows are all loaded.
    let switch = press(&mut app, &mut terminal, ":Opportunities<ret>")?;
    let rows_on_screen = app.table().position().1;
    row(
        &format!("{p}: switch to Opportunities, 1st screen"),
        &dur(switch),
        "<= 250 ms",
        &at_most_dur(switch, ms(250)),
        &format!("{rows_on_screen} rows known at the first frame"),
    );
    let t = Instant::now();
    app.settle(AREA);
    let loaded = t.elapsed();
    let rows = app.table().total();
    note(&format!(
        "Opportunities: {rows} rows, search column ready after {}",
        dur(loaded)
    ));

    // Filter keystrokes: each one re-filters the prepared column and draws.
    let mut strokes = vec![press(&mut app, &mut terminal, "/")?];
    for c in ["m", "o", "n", "t", "a", "g"] {
        strokes.push(press(&mut app, &mut terminal, c)?);
    }
    let worst = strokes.iter().max().copied().unwrap_or_default();
    let scaled = worst.mul_f64(1_000_000.0 / rows.max(1) as f64);
    row(
        &format!("{p}: filter keystroke, worst of 7"),
        &dur(worst),
        "",
        "",
        &format!("{} hits for 'montag'", app.table().position().1),
    );
    row(
        &format!("{p}: filter keystroke, scaled to 1M"),
        &dur(scaled),
        "",
        "ref",
        "linear from the rows above",
    );
    press(&mut app, &mut terminal, "<esc><c-l>")?;

    let palette = press(&mut app, &mut terminal, ":")?;
    let palette_key = press(&mut app, &mut terminal, "o")?;
    press(&mut app, &mut terminal, "<esc>")?;
    row(
        &format!("{p}: open the palette on it"),
        &dur(palette),
        "<= 100 ms",
        &at_most_dur(palette, ms(100)),
        &format!("first keystroke {}", dur(palette_key)),
    );

    board(&mut app, &mut terminal, p)?;

    let mut pages = Vec::new();
    for _ in 0..20 {
        pages.push(press(&mut app, &mut terminal, "<pgdn>")?);
    }
    let page = median(pages);
    row(
        &format!("{p}: scroll a page"),
        &dur(page),
        "<= 5 ms",
        &at_most_dur(page, ms(5)),
        "",
    );

    let hwm = peak_rss();
    row(
        &format!("{p}: peak RSS, largest mask open"),
        &mib(hwm),
        "<= 300 MiB (1M-row mask)",
        &super::at_most(hwm, 300.0 * MIB, mib),
        &format!("{rows} rows open"),
    );
    if remote {
        if let Some(rss) = super::whole::server_rss(path) {
            row(
                "server RSS with 20 TUIs on the mask",
                &mib(rss),
                "<= 500 MiB (1M, 20 TUIs)",
                &super::at_most(rss, 500.0 * MIB, mib),
                "peak",
            );
        }
        for mut child in others {
            drop(child.stdin.take());
            let _ = child.wait();
        }
        return Ok(());
    }
    if let Some(store) = &local_store {
        name_cache(store)?;
    }
    // The real filter path on a million rows: the mask's own rows repeated.
    let base = app.table().rows();
    let mut big = Rows::with_capacity(1_000_000);
    for i in 0..1_000_000 {
        let r = i % base.len().max(1);
        let key = format!("{}-{i}", base.key(r));
        big.push(&key, base.text(r).split(SEP).skip(1));
    }
    let mut data = Data::default();
    data.set_rows(big);
    let mut worst = Duration::ZERO;
    let mut hits = 0;
    for query in [
        "m", "mo", "mon", "mont", "monta", "montag", "", "k", "kö", "köl",
    ] {
        let t = Instant::now();
        data.set_query(query);
        worst = worst.max(t.elapsed());
        if query == "montag" {
            hits = data.hits().len();
        }
    }
    row(
        &format!("{p}: filter keystroke on 1M rows"),
        &dur(worst),
        "<= 16 ms",
        &at_most_dur(worst, ms(16)),
        &format!("worst of 10; {hits} hits for 'montag'"),
    );
    group_rows_1m(&app, &mut data, p);
    let hwm = peak_rss();
    row(
        &format!("{p}: peak RSS with 1M rows in the table"),
        &mib(hwm),
        "<= 300 MiB (1M-row mask)",
        &super::at_most(hwm, 300.0 * MIB, mib),
        &format!("{} KiB of rows", data.rows().heap_bytes() / 1024),
    );
    Ok(())
}

/// The pipeline board from the Opportunities mask: `b`, then frames until its
/// lanes are in (the board is computed in the server, asked for in the
/// background); then a card moved with `L` until the board shows it moved.
fn board(app: &mut App, terminal: &mut Terminal<TestBackend>, p: &str) -> Res<()> {
    let t = Instant::now();
    press(app, terminal, "b")?;
    let asked = t.elapsed();
    while app.board().is_some_and(|b| b.board().is_none()) && t.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(1));
        app.prepare(AREA);
    }
    terminal.draw(|f| app.render(f))?;
    let first = t.elapsed();
    let (lanes, open) = app.board().and_then(|b| b.board()).map_or((0, 0), |b| {
        (b.lanes.len(), b.lanes.iter().map(|l| l.count).sum::<u64>())
    });
    row(
        &format!("{p}: board, first frame with its lanes"),
        &dur(first),
        "<= 250 ms",
        &at_most_dur(first, ms(250)),
        &format!(
            "{lanes} stages, {open} open opportunities; key to frame {}",
            dur(asked)
        ),
    );
    press(app, terminal, "ll")?;
    let t = Instant::now();
    press(app, terminal, "L")?;
    let moved = t.elapsed();
    // The change comes back through the feed; the board is read again.
    let mut asked = false;
    while t.elapsed() < Duration::from_secs(30) {
        app.prepare(AREA);
        let loading = app.board().is_some_and(|b| b.is_loading());
        if asked && !loading {
            break;
        }
        asked |= loading;
        std::thread::sleep(Duration::from_millis(1));
    }
    terminal.draw(|f| app.render(f))?;
    row(
        &format!("{p}: board, a card moved with L"),
        &dur(moved),
        "",
        "",
        &format!(
            "saved and on screen; the board read again after {}; {}",
            dur(t.elapsed()),
            app.status()
        ),
    );
    press(app, terminal, "H<esc>")?;
    Ok(())
}

/// The group-by path of a table (`g` on a column) on a million rows: the rows the
/// filter shows (all of them here) grouped by salesperson with the count and the
/// per-currency sum of the amount, then sorted; the rows are the mask's own,
/// repeated.
fn group_rows_1m(app: &App, data: &mut Data, p: &str) {
    data.set_query("");
    let table = app.table();
    let (Some(salesperson), Some(amount)) = (
        table.column_index("salesperson"),
        table.column_index("amount"),
    ) else {
        note("group-by: the Opportunities mask shows no salesperson or amount column");
        return;
    };
    let by = [By {
        col: salesperson,
        day: false,
    }];
    let mut times = Vec::new();
    let mut groups = 0;
    for _ in 0..5 {
        let t = Instant::now();
        match group_rows(data.rows(), data.filtered(), &by, &[amount]) {
            Ok((mut g, _)) => {
                termcrm::api::report::GroupSort::Label.apply(&mut g, false);
                groups = g.len();
            }
            Err(e) => return note(&format!("group-by failed: {e}")),
        }
        times.push(t.elapsed());
    }
    let time = median(times);
    row(
        &format!("{p}: group-by of 1M rows by one field"),
        &dur(time),
        "<= 300 ms",
        &at_most_dur(time, ms(300)),
        &format!(
            "{} rows by salesperson, Σ amount; {groups} groups; median of 5",
            data.filtered().len()
        ),
    );
}

/// The server's name cache (what a table's references are shown by): the rest of
/// it built as the server builds it at start, with its size and the RSS it added.
fn name_cache(store: &Store) -> Res<()> {
    let rss = || super::proc_status_kb("VmRSS").unwrap_or(0) as f64 * 1024.0;
    let (before, part) = (rss(), termcrm::ops::names::heap_bytes(store));
    let t = Instant::now();
    termcrm::ops::names::warm(store)?;
    let took = t.elapsed();
    let bytes = termcrm::ops::names::heap_bytes(store);
    row(
        "server name cache, every referenced entity",
        &mib(bytes as f64),
        "",
        "",
        &format!(
            "estimated; {} of it for the Opportunities' columns; the rest built in {}, RSS +{}",
            mib(part as f64),
            dur(took),
            mib((rss() - before).max(0.0))
        ),
    );
    Ok(())
}
