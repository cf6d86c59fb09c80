//! Key-macro tests of the sales process in the TUI: the home pane's alerts, logging
//! an interaction, marking a task done, quotes, forecasts, and the whole path from
//! a campaign to a won quote in a forecast.

mod common;

use chrono::NaiveDate;
use common::harness::{harness, Harness, AREA};
use termcrm::model::{
    Entity, Interaction, Item, Lead, Money, Opportunity, OpportunityTask, Order, Prospect, Quote,
    SalesForecast,
};
use termcrm::ops::forecast::{rollup, Filter};

fn count(h: &Harness, e: &str) -> usize {
    h.store.count(termcrm::model::entity(e).unwrap())
}

fn form_key(h: &Harness) -> String {
    h.form_key()
        .unwrap_or_else(|| panic!("no saved form:\n{}", h.screen()))
}

/// Tabs in the form until the child list of `entity` has the focus.
fn focus_list(h: &mut Harness, entity: &str) {
    for _ in 0..80 {
        if h.app.form().unwrap().focused_list().map(|e| e.name) == Some(entity) {
            return;
        }
        h.keys("<tab>");
    }
    panic!("no {entity} list:\n{}", h.screen());
}

fn eur(units: i64) -> Option<Money> {
    Some(Money::eur(units * 100))
}

#[test]
fn home_shows_the_alerts_and_opens_their_records() {
    let mut h = harness(2000);
    h.log_in_as("nobody");
    assert!(h.app.is_home());
    h.app
        .set_today(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
    h.app.settle(AREA);
    let screen = h.screen();
    assert!(screen.contains("Alerts for everyone"), "{screen}");
    assert!(screen.contains("0:Home"), "{screen}");
    let rows = h.app.home().rows().to_vec();
    assert!(!rows.is_empty(), "the demo has past-due work on its today");
    insta::assert_snapshot!("home_alerts", screen);
    // The status line counts the selected alert, as a table counts its row.
    let n = rows.len();
    assert!(screen.contains(&format!(" 1/{n} ")), "{screen}");
    h.keys("jj");
    assert!(h.screen().contains(&format!(" 3/{n} ")), "{}", h.screen());
    h.keys("G");
    assert!(h.screen().contains(&format!(" {n}/{n} ")), "{}", h.screen());
    h.keys("g");
    // Enter opens the first alert's record; Esc comes back home.
    h.keys("<ret>");
    assert_eq!(form_key(&h), rows[0].key);
    h.keys("<esc>");
    assert!(h.app.is_home());
    // The tabs are one key away, and 0 comes back.
    h.keys("]");
    assert!(!h.app.is_home());
    h.keys("0");
    assert!(h.app.is_home());
}

#[test]
fn an_interaction_is_logged_from_a_prospect_in_two_keys() {
    let mut h = harness(300);
    h.goto("Prospects");
    let prospect = h.app.table().selected_key().unwrap();
    let before = count(&h, "interaction");
    h.keys("i");
    assert_eq!(h.field("prospect"), prospect);
    assert_eq!(
        h.app.form().unwrap().focused_field(),
        Some("interaction_type"),
        "the form starts on the type"
    );
    h.keys("<c-s>");
    assert_eq!(
        count(&h, "interaction"),
        before + 1,
        "{}",
        h.app.form().and_then(|f| f.message()).unwrap_or_default()
    );
    let i = h
        .store
        .get_as::<Interaction>(&form_key(&h))
        .unwrap()
        .unwrap();
    assert_eq!(i.prospect, prospect);
    let now = chrono::Local::now().naive_local();
    let logged = i.occurred_at.unwrap();
    assert!((now - logged).num_minutes().abs() <= 1, "{logged} vs {now}");
    // Elsewhere the key explains itself.
    h.keys("<esc>");
    h.goto("Territories");
    h.keys("i");
    assert!(h.app.form().is_none());
    assert!(h.app.status().contains("interactions are logged"));
}

#[test]
fn x_marks_a_task_done_and_open_again() {
    let mut h = harness(1000);
    h.goto("Opportunity Tasks");
    h.keys("/open<ret>");
    let key = h.app.table().selected_key().unwrap();
    // By key, so the row stays in the filter whatever its status.
    h.keys(&format!("<c-l>/{key}<ret>"));
    let task = |h: &Harness| h.store.get_as::<OpportunityTask>(&key).unwrap().unwrap();
    assert_eq!(task(&h).status, "open");
    h.keys("x");
    let done = task(&h);
    assert_eq!(done.status, "done", "{}", h.app.status());
    assert_eq!(done.completed_on, Some(termcrm::model::value::today()));
    h.keys("x");
    assert_eq!(
        (task(&h).status.as_str(), task(&h).completed_on),
        ("open", None)
    );
}

#[test]
fn a_quote_is_rejected_after_confirmation_and_then_cannot_be_accepted() {
    let mut h = harness(1000);
    h.goto("Quotes");
    h.keys("/sent<ret>");
    let key = h.app.table().selected_key().unwrap();
    h.keys(&format!("<c-l>/{key}<ret>"));
    h.keys("Rn");
    assert_eq!(
        h.store.get_as::<Quote>(&key).unwrap().unwrap().status,
        "sent",
        "no keeps it"
    );
    h.keys("Ry");
    assert_eq!(
        h.store.get_as::<Quote>(&key).unwrap().unwrap().status,
        "rejected"
    );
    let orders = count(&h, "order");
    // Refused at once, before any question.
    h.keys("A");
    assert_eq!(h.app.popup_context(), None, "{}", h.screen());
    assert!(
        h.app.status().contains("rejected quote cannot be accepted"),
        "{}",
        h.app.status()
    );
    assert_eq!(count(&h, "order"), orders);
}

/// The whole path: campaign → lead → prospect and opportunity → a task and a quote
/// → a forecast with the opportunity → prospect converted to customer → quote
/// accepted with the opportunity won → order, and the forecast shows the won amount.
#[test]
fn campaign_to_won_quote_in_the_forecast() {
    let mut h = harness(300);
    let item = h
        .store
        .scan(Item::DEF)
        .next()
        .unwrap()
        .unwrap()
        .key()
        .to_string();

    // A salesperson of our own, so the forecast offers just this opportunity.
    h.goto("Salespersons");
    h.keys("nWALKER");
    h.focus("name");
    h.keys("Wanda Walker<c-s><esc>");

    h.goto("Campaigns");
    h.keys("n");
    h.focus("description");
    h.keys("Hausmesse Kiel 2026");
    h.focus("budget");
    h.keys("3000<c-s>");
    let campaign = form_key(&h);
    h.keys("<esc>");

    h.goto("Leads");
    h.keys("n");
    h.focus("last_name");
    h.keys("Petersen");
    h.focus("company");
    h.keys("Förde Kran GmbH");
    h.focus("city");
    h.keys("Kiel");
    h.focus("campaign");
    h.keys(&campaign);
    h.focus("territory");
    h.keys("NORD");
    h.focus("salesperson");
    h.keys("WALKER<c-s>");
    let lead = form_key(&h);
    h.keys("<esc>");

    // Converting a lead without a company makes its prospect and the opportunity.
    h.keys(&format!("/{lead}<ret>Cy"));
    let opp = form_key(&h);
    let o = h.store.get_as::<Opportunity>(&opp).unwrap().unwrap();
    let prospect = o.prospect.clone();
    assert_eq!(
        (o.campaign.as_str(), o.salesperson.as_str()),
        (campaign.as_str(), "WALKER")
    );
    assert_eq!(
        h.store.get_as::<Lead>(&lead).unwrap().unwrap().opportunity,
        opp
    );
    h.focus("probability");
    // The stage's default probability is there; replace it.
    h.keys("<bs><bs><bs>40");
    h.focus("amount");
    h.keys("12000");
    h.focus("expected_close");
    h.keys("2026-12-15<c-s>");
    let o = h.store.get_as::<Opportunity>(&opp).unwrap().unwrap();
    assert_eq!((o.amount, o.probability), (eur(12_000), Some(40)));

    // Its first task and its quote, from the opportunity's lists.
    focus_list(&mut h, "opportunity_task");
    h.keys("<c-n>");
    h.focus("description");
    h.keys("Aufmaß vor Ort<c-s><esc>");
    focus_list(&mut h, "quote");
    h.keys("<c-n>");
    assert_eq!(h.field("opportunity"), opp);
    h.focus("valid_until");
    h.keys("+30d");
    h.focus("lines");
    h.keys(&format!("{item}|2|5000|10<c-s>"));
    let quote = form_key(&h);
    assert_eq!(
        h.store
            .get_as::<Quote>(&quote)
            .unwrap()
            .unwrap()
            .total()
            .ok(),
        eur(9_000)
    );
    h.keys("<esc><esc>");

    // The forecast of 2026-Q4: the opportunity added with the multi-select.
    h.goto("Sales Forecasts");
    h.keys("n");
    h.focus("salesperson");
    h.keys("WALKER");
    h.focus("period");
    h.keys("2026-Q4");
    h.focus("status");
    h.keys("draft");
    h.focus("quota");
    h.keys("20000<c-s>");
    let forecast = form_key(&h);
    h.keys("<a-o>");
    assert!(h.screen().contains(&opp), "{}", h.screen());
    h.keys("<space><ret>");
    let f = h.store.get_as::<SalesForecast>(&forecast).unwrap().unwrap();
    assert_eq!(f.lines.len(), 1, "{}", h.app.status());
    assert!(
        h.screen().contains("4800.00 EUR"),
        "weighted:\n{}",
        h.screen()
    );
    h.keys("<esc>");

    // The prospect becomes a customer; the quote follows it.
    h.goto("Prospects");
    h.keys(&format!("/{prospect}<ret>Cy"));
    let customer = form_key(&h);
    assert_eq!(
        h.store
            .get_as::<Prospect>(&prospect)
            .unwrap()
            .unwrap()
            .customer,
        customer
    );
    assert_eq!(
        h.store.get_as::<Quote>(&quote).unwrap().unwrap().customer,
        customer
    );
    h.keys("<esc>");

    // Accept the quote, win the opportunity with a won reason from the picker.
    h.goto("Quotes");
    h.keys(&format!("/{quote}<ret>"));
    let orders = count(&h, "order");
    h.keys("Ayy");
    h.keys("wprice<ret>");
    // The opportunity's own amount is replaced by the quote's total only if asked.
    assert!(h.screen().contains("Replace opportunity"), "{}", h.screen());
    assert_eq!(count(&h, "order"), orders);
    h.keys("y");
    assert_eq!(count(&h, "order"), orders + 1, "{}", h.app.status());
    assert!(h.app.status().contains("won"), "{}", h.app.status());
    let o = h.store.get_as::<Opportunity>(&opp).unwrap().unwrap();
    assert_eq!(
        (o.status.as_str(), o.reason.as_str(), o.amount),
        ("WON", "WPRICE", eur(9_000))
    );
    let order = h
        .store
        .scan(Order::DEF)
        .map(|r| r.unwrap().downcast_ref::<Order>().unwrap().clone())
        .find(|o| o.quote == quote)
        .unwrap();
    assert_eq!(
        (order.customer.as_str(), order.total),
        (customer.as_str(), eur(9_000))
    );

    // The draft forecast followed: 9,000 won of a 20,000 quota.
    let r = rollup(
        &h.store,
        "2026-Q4",
        &Filter {
            salesperson: Some("WALKER".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.total.won.first(), eur(9_000));
    assert_eq!(r.total.weighted.first(), eur(9_000));
    assert_eq!(r.total.attainment(), Some(45.0));
    h.goto("Sales Forecasts");
    h.keys(&format!("/{forecast}<ret><ret>"));
    let screen = h.screen_at(ratatui::layout::Rect::new(0, 0, 100, 40));
    assert!(
        screen.contains("Closed-won         9000.00 EUR"),
        "{screen}"
    );
    assert!(screen.contains("45.0 %"), "{screen}");

    // The campaign's figures count the lead, the prospect and the won revenue.
    h.keys("<esc>");
    h.goto("Campaigns");
    h.keys(&format!("/{campaign}<ret><ret>"));
    let screen = h.screen_at(ratatui::layout::Rect::new(0, 0, 100, 40));
    assert!(screen.contains("Won revenue"), "{screen}");
    assert!(screen.contains("9000.00 EUR"), "{screen}");
    assert!(
        screen.contains("200.0 %"),
        "ROI (9000-3000)/3000:\n{screen}"
    );
    assert!(h.store.audit().unwrap().is_clean());
}

/// A contact is linked to a customer from the customer's form with a role; making
/// it primary takes the flag from the customer's other contact; the contact's form
/// lists the link from its side.
#[test]
fn contact_links_are_edited_from_both_sides_with_one_primary_per_company() {
    use termcrm::model::{ContactXref, SalesContact};
    let mut h = harness(300);
    let xrefs = |h: &Harness, customer: &str| -> Vec<ContactXref> {
        h.store
            .scan(ContactXref::DEF)
            .map(|r| r.unwrap().downcast_ref::<ContactXref>().unwrap().clone())
            .filter(|x| x.customer == customer)
            .collect()
    };
    let primary = h
        .store
        .scan(ContactXref::DEF)
        .map(|r| r.unwrap().downcast_ref::<ContactXref>().unwrap().clone())
        .find(|x| x.primary && !x.customer.is_empty())
        .expect("a customer with a primary contact");
    let customer = primary.customer.clone();
    let contact = h
        .store
        .scan(SalesContact::DEF)
        .map(|r| r.unwrap().key().to_string())
        .find(|k| xrefs(&h, &customer).iter().all(|x| x.contact != *k))
        .unwrap();

    h.goto("Customers");
    h.keys(&format!("/{customer}<ret><ret>"));
    focus_list(&mut h, "contact_xref");
    h.keys("<c-n>");
    assert_eq!(h.field("customer"), customer);
    h.focus("contact");
    h.keys(&contact);
    h.focus("role");
    h.keys("Einkauf");
    h.focus("primary");
    h.keys("<bs><bs><bs>yes<c-s>");
    let new = form_key(&h);
    let now = xrefs(&h, &customer);
    let primaries: Vec<&str> = now
        .iter()
        .filter(|x| x.primary)
        .map(|x| x.key.as_str())
        .collect();
    assert_eq!(primaries, [new.as_str()], "one primary per company");
    h.keys("<esc>");
    assert!(h
        .screen_at(ratatui::layout::Rect::new(0, 0, 120, 60))
        .contains("Einkauf"));
    h.keys("<esc>");

    // From the contact's side: its link, role changed there.
    h.goto("Sales Contacts");
    h.keys(&format!("/{contact}<ret><ret>"));
    focus_list(&mut h, "contact_xref");
    for _ in 0..10 {
        if h.app.form().unwrap().focused_child().map(|(_, k)| k) == Some(new.as_str()) {
            break;
        }
        h.keys("<down>");
    }
    h.keys("<ret>");
    assert_eq!(form_key(&h), new);
    h.focus("role");
    h.keys(" und Logistik<c-s>");
    let x = h.store.get_as::<ContactXref>(&new).unwrap().unwrap();
    assert_eq!(x.role, "Einkauf und Logistik");
}

#[test]
fn delete_of_a_record_others_name_is_refused_before_the_question() {
    let mut h = harness(2000);
    h.goto("Territories");
    // The first territory is named by customers, prospects, opportunities…
    h.keys("d");
    assert_eq!(h.app.popup_context(), None, "no question: {}", h.screen());
    assert!(
        h.app.status().contains("cannot be deleted") && h.app.status().contains("records name it"),
        "{}",
        h.app.status()
    );
    // A record nobody names is asked about first.
    h.keys("n");
    h.keys("ZZLEER<tab>Leer<c-s><esc>");
    h.keys("G");
    assert_eq!(h.app.table().selected_key().as_deref(), Some("ZZLEER"));
    h.keys("d");
    assert_eq!(
        h.app.popup_context(),
        Some(termcrm::ui::action::Context::Confirm)
    );
    h.keys("y");
    assert!(h
        .store
        .get(termcrm::model::entity("territory").unwrap(), "ZZLEER")
        .unwrap()
        .is_none());
}

/// A new opportunity or task names the user's own salesperson; a new code-table
/// record (a sales team) gets no default, and a user who is no salesperson none.
#[test]
fn new_sales_records_name_the_users_own_salesperson() {
    let mut h = harness(300);
    let mut sp = h
        .store
        .scan(termcrm::model::Salesperson::DEF)
        .next()
        .unwrap()
        .unwrap()
        .downcast_ref::<termcrm::model::Salesperson>()
        .unwrap()
        .clone();
    sp.os_user = "lea".into();
    h.store.update(Box::new(sp.clone())).unwrap();
    h.log_in_as("lea");
    h.goto("Opportunities");
    h.keys("n");
    assert_eq!(h.field("salesperson"), sp.key, "{}", h.screen());
    h.keys("<esc>");
    h.goto("Opportunity Tasks");
    h.keys("n");
    assert_eq!(h.field("owner"), sp.key, "{}", h.screen());
    h.keys("<esc>");
    h.goto("Sales Teams");
    h.keys("n");
    assert!(
        h.app
            .form()
            .is_some_and(|f| f.field_text("leader").is_some()),
        "{}",
        h.screen()
    );
    assert_eq!(h.field("leader"), "", "{}", h.screen());
    h.keys("<esc>");
    h.log_in_as("nobody");
    h.goto("Opportunities");
    h.keys("n");
    assert!(
        h.app
            .form()
            .is_some_and(|f| f.field_text("salesperson").is_some()),
        "{}",
        h.screen()
    );
    assert_eq!(h.field("salesperson"), "", "{}", h.screen());
}
