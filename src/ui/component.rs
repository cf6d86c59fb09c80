//! How the views and popups talk to the app: they consume key events (already
//! resolved to an action where the keymap binds one), say which actions they offer
//! right now, and ask the app for anything beyond themselves through `Request`s.

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::action::{Action, Context};
use super::keymap::Keymap;
use crate::api::Client;
use crate::model::{EntityDef, Lang};

/// Whether a component used a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Consumed,
    Ignored,
}

/// What a component asks of the app (gitui's internal events).
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Open the form of a record (`key` None: a new record, with `template` values).
    OpenForm {
        entity: &'static EntityDef,
        key: Option<String>,
        /// field=value text to start a new record with (copy, child of a parent).
        template: Vec<(String, String)>,
    },
    /// Switch to the mask of a record and open its form (from quick find).
    OpenRecord {
        entity: &'static EntityDef,
        key: String,
    },
    /// Close the current popup, or the form (asking first when it has changes).
    Back,
    /// Close the top form without asking (its changes are discarded).
    CloseForm,
    /// Close every open form without asking.
    CloseAllForms,
    /// Several requests, in order.
    All(Vec<Request>),
    /// Switch to the mask of that index.
    SwitchTab(usize),
    /// Ask before doing `then`.
    Confirm {
        message: String,
        then: Box<Request>,
    },
    /// Delete a record (after confirmation).
    Delete {
        entity: &'static EntityDef,
        key: String,
    },
    /// Convert a prospect into a customer or a lead into an opportunity (after
    /// confirmation).
    Convert {
        entity: &'static EntityDef,
        key: String,
    },
    /// A record was saved or deleted: lists of that entity must reload.
    Changed {
        entity: &'static EntityDef,
    },
    /// Show a line in the status bar.
    Status(String),
    /// `:columns` (open the chooser) or `:columns A,B,C` (show and keep those).
    Columns(String),
    /// Keep a mask's columns as the user's choice (None: back to its defaults).
    SaveColumns {
        mask: &'static str,
        columns: Option<String>,
    },
    /// Run an action as if its key had been pressed (from the palette).
    Run(Action),
    /// Open the picker for a reference field of the current form.
    Pick {
        entity: &'static EntityDef,
        field: &'static str,
        current: String,
    },
    /// The picker chose a key for a field.
    Picked {
        field: &'static str,
        key: String,
    },
    /// Show the home pane (alerts).
    GoHome,
    /// Save the current table's query under this name (`:save NAME`).
    SaveQuery(String),
    /// Ask where to export the entity's marked (or shown) rows: the palette,
    /// filled with `export FILE`.
    AskExport(&'static EntityDef),
    /// Ask where to write the current chart's report: the palette, filled with
    /// `export FILE`.
    AskReportExport(crate::report::ReportKind),
    /// `:export FILE`: the current table's marked rows, or all it shows (on a
    /// chart: its report).
    Export(String),
    /// `:import FILE`: read, map and preview the file.
    Import(String),
    /// The previewed import, for real.
    ImportNow,
    /// `:revert BATCH`: take an import back.
    Revert(String),
    /// Delete a record, asking first; one that others name is refused at once,
    /// with them, rather than after the question.
    AskDelete {
        entity: &'static EntityDef,
        key: String,
    },
    /// Run a saved query: its mask, restricted to its result, in its sort.
    RunSaved(String),
    /// A yes/no question with something to do on either answer.
    Choose {
        message: String,
        yes: Box<Request>,
        no: Box<Request>,
    },
    /// Answer a held change from the inbox (a rejection with its reason).
    Answer {
        approval: u64,
        approve: bool,
        reason: String,
    },
    /// Ask why a held change is rejected: the palette, filled with
    /// `reject APPROVAL `, for the reason.
    AskReject(u64),
    /// Show the pipeline board (over the Opportunities mask).
    OpenBoard,
    /// `:group FIELD[,FIELD]`: group the current table by these fields (empty:
    /// ungroup).
    Group(String),
    /// A step of a workflow (accept or reject a quote, a forecast's opportunities…).
    Flow(Flow),
    Quit,
}

/// Workflow steps, run by the app through the client once the user has confirmed.
#[derive(Debug, Clone, PartialEq)]
pub enum Flow {
    /// Ask whether accepting the quote also wins its opportunity.
    AskWon(String),
    /// Pick the won reason, then accept.
    PickWonReason(String),
    /// Ask whether the quote's total replaces the opportunity's amount, then accept.
    AskAmount {
        quote: String,
        reason: String,
    },
    Accept {
        quote: String,
        reason: Option<String>,
        keep_amount: bool,
    },
    Reject(String),
    Submit(String),
    AddToForecast {
        forecast: String,
        opportunities: Vec<String>,
    },
    ToggleDone(String),
}

/// What every component may read while handling a key.
pub struct Ctx<'a> {
    /// The CRM; cheap to clone, so that a view can hand it to a background thread.
    pub api: &'a Client,
    pub keymap: &'a Keymap,
    pub lang: Lang,
    pub requests: &'a mut Vec<Request>,
}

impl Ctx<'_> {
    pub fn request(&mut self, r: Request) {
        self.requests.push(r);
    }
}

/// A view or popup.
pub trait Component {
    /// The keymap section its keys are looked up in.
    fn context(&self) -> Context;
    /// A key, with the action the keymap binds it to in `context()` (if any).
    /// Text inputs use the raw key when no action is bound.
    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled;
    /// Data the next frame needs (fetching the visible rows), done before
    /// `render`, which never calls the client.
    fn prepare(&mut self, _area: Rect, _ctx: &mut Ctx) {}
    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang);
    /// The actions it offers right now, for the hint bar and help.
    fn commands(&self) -> Vec<Action> {
        Vec::new()
    }
}

/// The first row to show so that `selected` stays within a window of `page` rows
/// that scrolls no further than needed; remembers it in `offset`.
pub fn scrolled_to(selected: usize, offset: &std::cell::Cell<usize>, page: usize) -> usize {
    let page = page.max(1);
    let mut top = offset.get();
    if selected < top {
        top = selected;
    } else if selected >= top + page {
        top = selected + 1 - page;
    }
    offset.set(top);
    top
}

/// A `width` × `height` rectangle in the middle of `area` (both clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let (width, height) = (width.min(area.width), height.min(area.height));
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}
