//! The quick-find rows of the bench: `Store::find` in this process, and `crm find`
//! (and `crm get` beside it, for the open it shares) as a whole process: this
//! program again with `--crm`, which runs the real command line.

use std::time::Instant;

use termcrm::model::{Customer, Entity, Opportunity, SalesContact};
use termcrm::store::Store;

use super::{dur, median, note, row, Res, RUNS};

/// Runs `crm ARGS...` in this process as the binary does (the `--crm` mode of the
/// bench); the process exits right after.
pub fn run_crm(args: &[String]) -> i32 {
    use clap::Parser;
    let cli = match termcrm::cli::Cli::try_parse_from(
        std::iter::once("crm".to_string()).chain(args.iter().cloned()),
    ) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return 2;
        }
    };
    match termcrm::cli::run_to_exit(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("crm: {e:#}");
            1
        }
    }
}

/// What a user types: a company's first word, a contact's first and last name, an
/// e-mail, a phone's last group, an abbreviated key, a short prefix.
fn queries(store: &Store) -> Res<Vec<String>> {
    let mut out = Vec::new();
    let nth = |def, n: usize| -> Res<Option<Box<dyn termcrm::model::Record>>> {
        Ok(store.scan(def).nth(n).transpose()?)
    };
    if let Some(c) = nth(Customer::DEF, 17)? {
        let c = c.downcast_ref::<Customer>().cloned().unwrap_or_default();
        out.push(c.name.split_whitespace().next().unwrap_or("").to_string());
        out.push(c.email.clone());
        out.push(c.phone.rsplit(' ').next().unwrap_or("").to_string());
    }
    if let Some(s) = nth(SalesContact::DEF, 42)? {
        let s = s
            .downcast_ref::<SalesContact>()
            .cloned()
            .unwrap_or_default();
        out.push(format!("{} {}", s.first_name, s.last_name));
    }
    if let Some(o) = nth(Opportunity::DEF, 123)? {
        let digits = o.key().trim_start_matches("OPP").trim_start_matches('0');
        out.push(format!("opp{digits}"));
    }
    out.push("mü".into());
    out.retain(|q| !q.trim().is_empty());
    Ok(out)
}

/// The in-process rows and the index size; returns what the whole-process rows
/// (run once the store is closed) look up.
pub fn find_rows(store: &Store, total: usize) -> Res<Lookups> {
    let queries = queries(store)?;
    let key = store
        .scan(Customer::DEF)
        .next()
        .transpose()?
        .map(|c| c.key().to_string())
        .unwrap_or_default();
    if queries.is_empty() || key.is_empty() {
        row("find", "n/a", "", "no records", "");
        return Ok(Lookups::default());
    }
    note(&format!("find queries: {}", queries.join(" | ")));

    // In this process, store open already: the query alone.
    let mut per_query = Vec::new();
    let mut hits = 0;
    for q in &queries {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            hits += store.find(q, 20)?.len();
            times.push(t.elapsed());
        }
        per_query.push(median(times));
    }
    let worst = per_query.iter().max().copied().unwrap_or_default();
    row(
        "find in-process, median query",
        &dur(median(per_query.clone())),
        "",
        "ref",
        &format!("worst {}; {} hits", dur(worst), hits / RUNS),
    );

    // The index: postings packed into sled entries, and their bytes.
    let (entries, postings, bytes) = store.find_index_size()?;
    let per = |n: usize| n as f64 / total.max(1) as f64;
    row(
        "find index postings per record",
        &format!("{:.2}", per(postings)),
        "",
        "",
        &format!("{postings} postings (word, record)"),
    );
    row(
        "find index sled entries per record",
        &format!("{:.3}", per(entries)),
        "",
        "",
        &format!("{entries} entries (buckets)"),
    );
    row(
        "find index bytes per record",
        &format!("{:.0} B", per(bytes)),
        "",
        "",
        "keys and values, before sled's overhead",
    );
    Ok(Lookups {
        queries,
        customer: key,
    })
}

/// What the whole-process rows look up.
#[derive(Default)]
pub struct Lookups {
    pub queries: Vec<String>,
    pub customer: String,
}
