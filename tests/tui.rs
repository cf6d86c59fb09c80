//! Key-macro tests: the real App, driven headless through the real key handling
//! (keymap included), as a user would type.

mod common;

use common::harness::{harness, harness_in, Harness};
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use termcrm::model::{self, Lang, Territory};
use termcrm::ui::action::Context;

#[test]
fn create_a_territory_and_find_it_by_filter() {
    let mut h = harness(300);
    h.goto("Territories");
    h.keys("n");
    assert!(
        h.app.form().is_some(),
        "n opens a new form:\n{}",
        h.screen()
    );
    h.keys("HAMBURG<tab>Hamburg und Umland<c-s>");
    assert!(
        h.app.status().contains("saved"),
        "status: {}",
        h.app.status()
    );
    let saved = h.store.get_as::<Territory>("HAMBURG").unwrap().unwrap();
    assert_eq!(saved.description, "Hamburg und Umland");
    h.keys("<esc>");
    assert!(h.app.form().is_none());
    h.keys("/hamburg und<ret>");
    assert_eq!(h.app.table().position().1, 1, "{}", h.screen());
    assert_eq!(h.app.table().selected_key().as_deref(), Some("HAMBURG"));
    h.keys("<c-l>");
    assert!(h.app.table().position().1 > 1);
}

#[test]
fn a_bad_value_is_shown_at_its_field_and_nothing_is_saved() {
    let mut h = harness(300);
    h.goto("Opportunities");
    let before = h.store.count(model::entity("opportunity").unwrap());
    h.keys("n");
    h.focus("description");
    h.keys("Neue Fräsanlage");
    h.focus("probability");
    h.keys("150<c-s>");
    let form = h.app.form().expect("form stays open");
    assert_eq!(form.focused_field(), Some("probability"));
    assert!(form.field_error("probability").is_some(), "{}", h.screen());
    assert_eq!(h.store.count(model::entity("opportunity").unwrap()), before);
    // Fixed, it saves.
    h.keys("<bs><bs><bs>40<c-s>");
    assert!(h.app.status().contains("saved"), "{}", h.app.status());
    assert_eq!(
        h.store.count(model::entity("opportunity").unwrap()),
        before + 1
    );
}

#[test]
fn a_reference_is_picked_from_the_picker() {
    let mut h = harness(300);
    h.goto("Opportunities");
    h.keys("n");
    h.focus("territory");
    h.keys("<c-o>");
    assert_eq!(
        h.app.popup_context(),
        Some(Context::Picker),
        "{}",
        h.screen()
    );
    h.keys("bayern<ret>");
    assert_eq!(h.app.popup_context(), None);
    assert_eq!(h.field("territory"), "BAYERN");
    assert!(h.app.form().unwrap().is_dirty());
}

#[test]
fn delete_asks_first_and_names_the_record() {
    let mut h = harness(300);
    h.goto("Territories");
    h.keys("nTEMP<tab>Vorübergehend<c-s><esc>");
    h.keys("/temp<ret>");
    assert_eq!(h.app.table().selected_key().as_deref(), Some("TEMP"));
    h.keys("d");
    assert_eq!(h.app.popup_context(), Some(Context::Confirm));
    assert!(h.screen().contains("TEMP"), "{}", h.screen());
    h.keys("n");
    assert!(
        h.store.get_as::<Territory>("TEMP").unwrap().is_some(),
        "no keeps it"
    );
    h.keys("dy");
    assert!(h.store.get_as::<Territory>("TEMP").unwrap().is_none());
    assert!(h.app.status().contains("deleted"), "{}", h.app.status());
}

#[test]
fn deleting_a_referenced_record_is_refused_with_its_referrers() {
    let mut h = harness(2000);
    h.goto("Territories");
    h.keys("/nord<ret>");
    assert_eq!(h.app.table().selected_key().as_deref(), Some("NORD"));
    // Refused at once, naming the referrers: no question comes first.
    h.keys("d");
    assert_eq!(h.app.popup_context(), None, "{}", h.screen());
    assert!(h.store.get_as::<Territory>("NORD").unwrap().is_some());
    assert!(
        h.app.status().contains("cannot be deleted") && h.app.status().contains("(territory)"),
        "{}",
        h.app.status()
    );
}

#[test]
fn the_palette_jumps_to_masks_by_english_and_german_name() {
    let mut h = harness(300);
    h.keys(":Verkaufschancen<ret>");
    assert_eq!(h.app.current_mask().name_en, "Opportunities");
    h.keys("<c-p>sales contacts<ret>");
    assert_eq!(h.app.current_mask().name_en, "Sales Contacts");
    h.keys(":<esc>");
    assert_eq!(h.app.popup_context(), None);
}

#[test]
fn filter_narrows_inverts_and_clears() {
    let mut h = harness(2000);
    h.goto("Customers");
    let total = h.app.table().position().1;
    assert!(total > 50, "{total}");
    h.keys("/gmbh");
    let with = h.app.table().position().1;
    assert!(with > 0 && with < total, "{with} of {total}");
    h.keys("<esc>/!gmbh<ret>");
    let without = h.app.table().position().1;
    assert_eq!(with + without, total);
    h.keys("<c-l>");
    assert_eq!(h.app.table().position().1, total);
}

#[test]
fn sort_changes_the_order_both_ways() {
    let mut h = harness(300);
    h.goto("Territories");
    h.keys("<home>");
    let first = h.app.table().selected_key();
    h.keys("S");
    h.keys("<home>");
    let reversed = h.app.table().selected_key();
    assert_ne!(first, reversed, "S reverses the key order");
    h.keys("s");
    assert!(h.screen().contains('▲') || h.screen().contains('▼'));
}

#[test]
fn leaving_a_changed_form_asks_and_can_stay() {
    let mut h = harness(300);
    h.goto("Territories");
    h.keys("<home><ret>");
    assert!(h.app.form().is_some());
    h.focus("description");
    h.keys("X<esc>");
    assert_eq!(
        h.app.popup_context(),
        Some(Context::Confirm),
        "{}",
        h.screen()
    );
    h.keys("n");
    assert!(h.app.form().is_some(), "no stays in the form");
    h.keys("<esc>y");
    assert!(h.app.form().is_none(), "yes discards");
}

#[test]
fn an_empty_database_opens_on_the_welcome_pane_which_loads_demo_data() {
    let mut h = harness(0);
    assert!(h.app.is_welcome());
    assert!(h.screen().contains("empty"));
    h.keys("d");
    assert!(!h.app.is_welcome());
    assert!(h.store.total_records() > 5000);
    assert!(h.app.is_home(), "demo data opens on the alerts");
    h.keys("1");
    assert!(h.app.table().position().1 > 0, "{}", h.screen());
}

#[test]
fn quit_from_the_table_and_guarded_from_a_changed_form() {
    let mut h = harness(300);
    h.goto("Territories");
    h.keys("<home><ret>");
    h.focus("description");
    h.keys("Z<c-c>");
    assert!(!h.app.should_quit(), "a changed form asks first");
    h.keys("y");
    assert!(h.app.should_quit());
}

#[test]
fn tiny_terminals_ask_for_room_without_panicking() {
    let h = harness(300);
    for (w, hgt) in [(20, 5), (10, 3), (1, 1), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(w, hgt)).unwrap();
        terminal.draw(|f| h.app.render(f)).unwrap();
    }
}

#[test]
fn a_child_opened_from_a_form_comes_back_to_it() {
    let mut h = harness(2000);
    h.goto("Opportunities");
    // The first opportunity with a task among its children.
    let mut found = false;
    for _ in 0..40 {
        h.keys("<ret>");
        for _ in 0..60 {
            if h.app.form().unwrap().focused_child().is_some() {
                break;
            }
            h.keys("<tab>");
        }
        if h.app.form().unwrap().focused_child().is_some() {
            found = true;
            break;
        }
        h.keys("<esc><down>");
    }
    assert!(found, "no opportunity with children:\n{}", h.screen());
    let parent = h.app.form().unwrap().key().map(str::to_string);
    h.keys("<ret>");
    assert_eq!(h.app.form_depth(), 2, "{}", h.screen());
    assert_ne!(h.app.form().unwrap().entity.name, "opportunity");
    h.keys("<esc>");
    assert_eq!(h.app.form_depth(), 1);
    assert_eq!(h.app.form().unwrap().key().map(str::to_string), parent);
}

/// Every mask's table and the form of its first record, at 80×24 and 120×40, from
/// fixed-seed demo data: `]` walks the tabs, Enter opens, Esc goes back, as a user
/// would.
#[test]
fn snapshots_of_every_mask() {
    const LARGE: Rect = Rect::new(0, 0, 120, 40);
    let mut h = harness(2000);
    // The Reports masks come last; tests/charts_tui.rs snapshots them with fixed params.
    let masks = termcrm::ui::masks::all();
    for (i, mask) in masks.iter().filter(|m| m.report.is_none()).enumerate() {
        assert_eq!(h.app.current_mask().name_en, mask.name_en);
        let slug = mask.name_en.to_lowercase().replace([' ', '/'], "_");
        insta::assert_snapshot!(format!("{i:02}_{slug}_table"), h.screen());
        h.app.settle(LARGE);
        insta::assert_snapshot!(format!("{i:02}_{slug}_table_120x40"), h.screen_at(LARGE));
        h.keys("<home><ret>");
        if h.app.form().is_some() {
            insta::assert_snapshot!(format!("{i:02}_{slug}_form"), stable(h.screen()));
            h.app.settle(LARGE);
            insta::assert_snapshot!(
                format!("{i:02}_{slug}_form_120x40"),
                stable(h.screen_at(LARGE))
            );
            h.keys("<esc>");
        }
        h.keys("]");
    }
}

/// A screen with the History rows' time and user (the clock's, the test's) fixed.
fn stable(screen: String) -> String {
    screen
        .lines()
        .map(|line| {
            let rest = line.trim_start_matches(' ');
            let indent = line.len() - rest.len();
            let b = rest.as_bytes();
            let clock = b.len() > 6
                && b[..5].iter().enumerate().all(|(i, c)| {
                    if i == 2 {
                        *c == b':'
                    } else {
                        c.is_ascii_digit()
                    }
                })
                && b[5] == b' ';
            if !clock {
                return line.to_string();
            }
            let after_user = rest[6..].find(' ').map_or(rest.len(), |n| 6 + n);
            format!("{}--:-- user{}", &line[..indent], &rest[after_user..])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// German labels, mask names and key descriptions.
#[test]
fn snapshot_in_german() {
    let mut h = harness_in(300, Lang::De);
    h.keys(":Verkaufschancen<ret><home><ret>");
    let screen = h.screen();
    assert!(
        screen.contains("Beschreibung") && screen.contains("Speichern"),
        "{screen}"
    );
    insta::assert_snapshot!("german_opportunity_form", stable(screen));
}

/// The README's first minute: campaign, prospect with a picked territory, an
/// opportunity for it, its first task from the opportunity's form, then find it.
#[test]
fn a_new_user_creates_campaign_prospect_opportunity_and_task() {
    use termcrm::model::{Campaign, Opportunity, OpportunityTask, Prospect};
    let mut h = harness(300);
    let count = |h: &Harness, e: &str| h.store.count(model::entity(e).unwrap());
    let (campaigns, prospects) = (count(&h, "campaign"), count(&h, "prospect"));

    h.keys(":campaigns<ret>n");
    h.focus("description");
    h.keys("Hausmesse Kiel 2027<c-s>");
    assert_eq!(count(&h, "campaign"), campaigns + 1, "{}", h.app.status());
    let campaign = h.app.form().unwrap().key().unwrap().to_string();
    assert!(h.store.get_as::<Campaign>(&campaign).unwrap().is_some());
    h.keys("<esc>");

    h.keys(":prospects<ret>n");
    h.focus("name");
    h.keys("Förde Werft GmbH");
    h.focus("territory");
    h.keys("<c-o>nord<ret><c-s>");
    assert_eq!(count(&h, "prospect"), prospects + 1, "{}", h.app.status());
    let prospect = h.app.form().unwrap().key().unwrap().to_string();
    let p = h.store.get_as::<Prospect>(&prospect).unwrap().unwrap();
    assert_eq!(p.territory, "NORD");
    h.keys("<esc>");

    h.keys(":opportunities<ret>n");
    h.focus("description");
    h.keys("Kranbahn Halle 3");
    h.focus("prospect");
    h.keys(&format!("{prospect}<c-s>"));
    let opp = h.app.form().unwrap().key().expect("saved").to_string();
    assert_eq!(
        h.store
            .get_as::<Opportunity>(&opp)
            .unwrap()
            .unwrap()
            .prospect,
        prospect
    );

    // Past the last field: the (empty) task list's heading; n adds a linked task.
    for _ in 0..60 {
        if h.app.form().unwrap().focused_list().map(|e| e.name) == Some("opportunity_task") {
            break;
        }
        h.keys("<tab>");
    }
    assert_eq!(
        h.app.form().unwrap().focused_list().map(|e| e.name),
        Some("opportunity_task")
    );
    h.keys("<c-n>");
    assert_eq!(h.app.form_depth(), 2);
    assert_eq!(h.field("opportunity"), opp);
    h.focus("description");
    h.keys("Angebot abstimmen<c-s>");
    let task = h.app.form().unwrap().key().expect("task saved").to_string();
    assert_eq!(
        h.store
            .get_as::<OpportunityTask>(&task)
            .unwrap()
            .unwrap()
            .opportunity,
        opp
    );
    h.keys("<esc>");
    assert_eq!(h.app.form_depth(), 1);
    assert!(
        h.app
            .form()
            .unwrap()
            .child_lists()
            .any(|(e, rows)| e.name == "opportunity_task" && rows.iter().any(|(k, _)| *k == task)),
        "the new task shows under its opportunity:\n{}",
        h.screen()
    );
    h.keys("<esc>/kranbahn<ret>");
    assert_eq!(h.app.table().selected_key(), Some(opp));
    h.keys("q");
    assert!(h.app.should_quit());
}

#[test]
fn the_palette_finds_records_of_the_current_mask_by_key_and_name() {
    let mut h = harness(300);
    h.goto("Territories");
    h.keys(":SCOTLAND<ret>");
    let form = h.app.form().expect("the record's form opens");
    assert_eq!(form.key(), Some("SCOTLAND"));
    h.keys("<esc>:österreich<ret>");
    assert_eq!(
        h.app.form().and_then(|f| f.key()),
        Some("AT"),
        "{}",
        h.screen()
    );
}

#[test]
fn lists_a_record_holds_open_the_records_they_name() {
    let mut h = harness(2000);
    h.goto("Sales Teams");
    h.keys("<home><ret>");
    let team = h.app.form().unwrap().key().unwrap().to_string();
    for _ in 0..20 {
        if h.app.form().unwrap().focused_child().is_some() {
            break;
        }
        h.keys("<tab>");
    }
    let (entity, member) = h.app.form().unwrap().focused_child().expect("a member row");
    assert_eq!(entity.name, "salesperson");
    let member = member.to_string();
    h.keys("<ret>");
    assert_eq!(
        h.app.form().unwrap().key(),
        Some(member.as_str()),
        "{}",
        h.screen()
    );
    h.keys("<esc>");
    assert_eq!(h.app.form().unwrap().key(), Some(team.as_str()));
    // ctrl-n on the list goes to the field where entries are typed.
    h.keys("<s-tab><c-n>");
    assert_eq!(h.app.form().unwrap().focused_field(), Some("members"));
    assert_eq!(h.app.form_depth(), 1);
}

#[test]
fn converting_a_prospect_and_a_lead_from_their_masks() {
    use termcrm::model::{Lead, Prospect};
    let mut h = harness(2000);
    h.goto("Prospects");
    h.keys("/open<ret>");
    let key = h.app.table().selected_key().expect("an open prospect");
    h.keys("C");
    assert_eq!(
        h.app.popup_context(),
        Some(Context::Confirm),
        "{}",
        h.screen()
    );
    h.keys("y");
    let form = h.app.form().expect("the customer's form opens");
    assert_eq!(form.entity.name, "customer");
    let customer = form.key().unwrap().to_string();
    let p = h.store.get_as::<Prospect>(&key).unwrap().unwrap();
    assert_eq!(
        (p.status.as_str(), p.customer.as_str()),
        ("converted", customer.as_str())
    );

    h.keys("<esc>");
    h.goto("Leads");
    h.keys("<home><ret><f6>y");
    let opp = h
        .app
        .form()
        .expect("the opportunity's form opens")
        .key()
        .unwrap()
        .to_string();
    let lead = h
        .store
        .list(model::entity("lead").unwrap(), Some(1))
        .unwrap();
    assert_eq!(lead[0].downcast_ref::<Lead>().unwrap().opportunity, opp);

    h.keys("<esc>");
    h.goto("Territories");
    h.keys("C");
    assert_eq!(h.app.popup_context(), None);
    assert!(
        h.app.status().contains("only prospects and leads"),
        "{}",
        h.app.status()
    );
}

/// A server that can be stopped and started again: while `down`, every request
/// fails the way the socket client's do when no server answers.
struct Flaky {
    inner: termcrm::api::local::Local,
    down: std::sync::atomic::AtomicBool,
}

impl termcrm::api::Transport for Flaky {
    fn call(
        &self,
        request: termcrm::api::Request,
        progress: Option<&dyn Fn(usize)>,
    ) -> termcrm::api::Result<termcrm::api::Response> {
        if self.down.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(termcrm::api::ApiError::unavailable(
                "server stopped — reconnecting …",
            ));
        }
        self.inner.call(request, progress)
    }
    fn session(&self) -> termcrm::api::Session {
        self.inner.session()
    }
    fn database(&self) -> String {
        self.inner.database()
    }
    fn subscribe(&self) -> termcrm::api::Result<termcrm::api::Feed> {
        self.inner.subscribe()
    }
}

#[test]
fn a_stopped_server_is_a_message_and_the_next_key_calls_again() {
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    let mut h = harness(300);
    let flaky = Arc::new(Flaky {
        inner: termcrm::api::local::Local::new(Arc::clone(&h.store)),
        down: Default::default(),
    });
    h.client = termcrm::api::Client::new(flaky.clone());
    h.app = termcrm::ui::app::App::new(
        h.client.clone(),
        termcrm::ui::keymap::Keymap::builtin(),
        Lang::En,
    );
    h.keys("1");
    h.goto("Territories");
    let first = h.app.table().selected_key().unwrap();

    flaky.down.store(true, Ordering::Relaxed);
    h.keys("<ret>");
    assert!(h.app.form().is_none());
    assert!(
        h.app.status().contains("server stopped"),
        "{}",
        h.app.status()
    );
    // Every view keeps drawing while the server is away.
    h.keys("0");
    h.keys("]");
    h.keys("fname:x<ret>");
    h.screen();

    flaky.down.store(false, Ordering::Relaxed);
    h.keys("<esc><c-l>");
    h.goto("Territories");
    h.keys("<ret>");
    assert_eq!(
        h.form_key().as_deref(),
        Some(first.as_str()),
        "{}",
        h.screen()
    );
}
