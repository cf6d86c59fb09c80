//! Key-macro tests of bugs found by trying crm as a new user would: each failed
//! before its fix.

mod common;

use common::harness::{harness, Harness};

/// Over SSH an Esc and the key after it often arrive in one read, which the
/// terminal reader turns into alt-KEY: unbound, it is the two keys.
#[test]
fn esc_merged_with_the_next_key_is_both_keys() {
    let mut h = harness(300);
    h.goto("Territories");
    let first = h.app.table().selected_key().unwrap();
    h.keys("<ret>");
    assert_eq!(h.form_key().as_deref(), Some(first.as_str()));
    h.keys("<a-j>");
    assert!(
        h.app.form().is_none(),
        "Esc closed the form:\n{}",
        h.screen()
    );
    assert_eq!(
        h.app.table().position().0,
        2,
        "j moved down:\n{}",
        h.screen()
    );
    // A bound alt key is still itself: alt-i logs an interaction from a prospect.
    h.goto("Prospects");
    h.keys("<ret><a-i>");
    assert_eq!(
        h.app.form().map(|f| f.entity.name),
        Some("interaction"),
        "{}",
        h.screen()
    );
}

/// The palette's record entries show the records' own text, not the lower-cased
/// search text they are matched on.
#[test]
fn the_palette_shows_record_texts_in_their_own_case() {
    let mut h = harness(300);
    h.goto("Prospects");
    let key = h.app.table().selected_key().unwrap();
    let name = h
        .store
        .get_as::<termcrm::model::Prospect>(&key)
        .unwrap()
        .unwrap()
        .name;
    assert_ne!(name, name.to_lowercase(), "a name with capitals");
    h.keys(&format!(":{key}"));
    let screen = h.screen();
    assert!(screen.contains(&name), "{name} on:\n{screen}");
    assert!(!screen.contains(&name.to_lowercase()), "{screen}");
}

/// While `save NAME` (or another verb) is typed, the palette says what Enter does,
/// not "0 matches".
#[test]
fn the_palette_names_the_command_being_typed() {
    let mut h = harness(300);
    h.goto("Opportunities");
    h.keys(":save MY-Q");
    let screen = h.screen();
    assert!(!screen.contains("0 matches"), "{screen}");
    assert!(screen.contains("save the table's query"), "{screen}");
}

/// In the Queries mask, `:NAME⏎` runs the saved query, as it does everywhere.
#[test]
fn a_saved_query_runs_from_the_palette_in_the_queries_mask() {
    let mut h = harness(300);
    h.goto("Opportunities");
    h.keys("fprobability>=50<ret>:save BIG-CHANCES<ret>");
    assert!(h.app.status().contains("saved query"), "{}", h.app.status());
    h.goto("Queries");
    assert_eq!(h.app.table().selected_key().as_deref(), Some("BIG-CHANCES"));
    h.keys(":big-chances<ret>");
    assert!(h.app.form().is_none(), "no record opened:\n{}", h.screen());
    assert_eq!(
        h.app.current_mask().name_en,
        "Opportunities",
        "{}",
        h.screen()
    );
}

/// The tab line says when more tabs lie beyond its ends, and numbers only the
/// tabs a digit key reaches (the Sales group has fifteen).
#[test]
fn the_tab_line_marks_hidden_tabs_and_numbers_only_reachable_ones() {
    let mut h = harness(300);
    h.goto("Orders");
    let screen = h.screen();
    let tabs = screen.lines().next().unwrap();
    assert!(tabs.starts_with(" Sales ‹"), "{tabs}");
    assert!(tabs.contains(" Orders "), "{tabs}");
    assert!(!tabs.contains("15:") && !tabs.contains("14:"), "{tabs}");
    // The first tab of the group: more to the right.
    h.keys("1");
    let screen = h.screen();
    let tabs = screen.lines().next().unwrap();
    assert!(tabs.contains(" 1:") && tabs.ends_with('›'), "{tabs}");
    assert!(!tabs.contains('‹'), "{tabs}");
    // 9 reaches the ninth; beyond it, ] does.
    h.keys("9");
    let ninth = h.app.current_mask().name_en;
    h.keys("]");
    let tabs = h.screen().lines().next().unwrap().to_string();
    assert_ne!(h.app.current_mask().name_en, ninth);
    assert!(
        tabs.contains(&format!(" {} ", h.app.current_mask().name_en)),
        "{tabs}"
    );
}

fn first_key(h: &mut Harness, filter: &str) -> String {
    h.keys(&format!("<c-l>/{filter}<ret>"));
    h.app.table().selected_key().unwrap()
}

/// Accepting a quote: a prospect's quote is refused before any question; the
/// won-reason picker offers won reasons only; winning moves the opportunity to
/// the last stage; keeping its amount is a choice; the order has the quote's
/// lines and a status.
#[test]
fn accepting_a_quote_asks_only_what_can_be_done() {
    use termcrm::model::{Entity, Opportunity, Order, Quote, ReasonCode};
    let mut h = harness(2000);
    h.goto("Quotes");
    let day = termcrm::model::value::today();
    let quotes: Vec<Quote> = h
        .store
        .scan(Quote::DEF)
        .map(|r| r.unwrap().downcast_ref::<Quote>().unwrap().clone())
        .filter(|q| matches!(q.status.as_str(), "draft" | "sent"))
        .filter(|q| q.valid_until.is_none_or(|d| d >= day) && !q.opportunity.is_empty())
        .collect();
    let orders = h.store.count(Order::DEF);
    // A prospect's quote: refused at once, nothing asked.
    let of_prospect = quotes.iter().find(|q| !q.prospect.is_empty()).unwrap();
    first_key(&mut h, &of_prospect.key);
    h.keys("A");
    assert_eq!(h.app.popup_context(), None, "{}", h.screen());
    assert!(
        h.app.status().contains("convert prospect"),
        "{}",
        h.app.status()
    );
    // A customer's quote whose opportunity has an amount of its own.
    let quote = quotes
        .iter()
        .find(|q| {
            let opp = h.store.get_as::<Opportunity>(&q.opportunity).unwrap();
            !q.customer.is_empty()
                && opp.is_some_and(|o| o.amount.is_some() && o.amount != q.total().ok())
        })
        .expect("a customer's quote below or above its opportunity's amount");
    let before = h
        .store
        .get_as::<Opportunity>(&quote.opportunity)
        .unwrap()
        .unwrap();
    first_key(&mut h, &quote.key);
    h.keys("Ayy");
    let offered = h.app.picker_keys();
    let kinds: Vec<String> = offered
        .iter()
        .map(|k| h.store.get_as::<ReasonCode>(k).unwrap().unwrap().kind)
        .collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| k == "won"),
        "{offered:?} {kinds:?}"
    );
    h.keys("<ret>");
    assert!(h.screen().contains("Replace opportunity"), "{}", h.screen());
    h.keys("n");
    assert_eq!(h.store.count(Order::DEF), orders + 1, "{}", h.app.status());
    let opp = h
        .store
        .get_as::<Opportunity>(&quote.opportunity)
        .unwrap()
        .unwrap();
    assert_eq!(opp.amount, before.amount, "kept");
    assert_eq!(opp.reason, offered[0]);
    assert_eq!(opp.stage, "CLOSE", "the last stage");
    let order = h
        .store
        .scan(Order::DEF)
        .map(|r| r.unwrap().downcast_ref::<Order>().unwrap().clone())
        .find(|o| o.quote == quote.key)
        .unwrap();
    assert_eq!(
        (order.status.as_str(), &order.lines),
        ("open", &quote.lines)
    );
}

/// A status message belongs to where it was said; a long one (a delete refusal
/// listing its referrers) can be read whole in the messages popup (alt-m).
#[test]
fn status_messages_stay_where_they_belong_and_read_whole_on_demand() {
    let mut h = harness(2000);
    h.goto("Territories");
    h.keys("d");
    let refusal = h.app.status().to_string();
    assert!(refusal.contains("cannot be deleted"), "{refusal}");
    assert!(
        refusal.chars().count() > 80,
        "long enough to be cut: {refusal}"
    );
    h.keys("j");
    assert_eq!(h.app.status(), refusal, "moving in the mask keeps it");
    h.keys("]");
    assert_eq!(h.app.status(), "", "another mask: gone");
    assert_eq!(h.app.messages().last(), Some(&refusal));
    h.keys("<a-m>");
    let screen = h.screen();
    let tail: String = refusal.split_whitespace().last().unwrap().to_string();
    assert!(screen.contains("Messages"), "{screen}");
    assert!(
        screen.contains(&tail),
        "the end of the message: {tail}\n{screen}"
    );
    h.keys("<esc>");
    assert_eq!(h.app.popup_context(), None);
    // Opening a record leaves the table's message behind; a form's "saved"
    // stays when going back from it.
    h.keys("[<home>d");
    assert!(
        h.app.status().contains("cannot be deleted"),
        "{}",
        h.app.status()
    );
    h.keys("<ret>");
    assert_eq!(h.app.status(), "", "a form: gone");
    h.keys("<c-s><esc>");
    assert!(h.app.status().contains("saved"), "{}", h.app.status());
}
