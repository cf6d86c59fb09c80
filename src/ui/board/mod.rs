//! The pipeline board: the open opportunities as cards in a lane per stage, in
//! the stages' order, each lane headed by its count, Σ amount and Σ weighted;
//! under it a bar per stage of Σ weighted (issue 14).
//!
//! The server computes the board (`Client::board`); it is asked for in a
//! background job from `prepare`, again after a move and whenever opportunities
//! change, and the last board stays on screen meanwhile. `render` draws the
//! state only. `/` filters the cards here; `f` sends a query to the server;
//! `H`/`L` save the card's new stage through the normal save path.

mod filter;
mod layout;
mod moves;
mod render;
#[cfg(test)]
mod tests;
pub mod text;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use super::job::Job;
use super::palette::PaletteEntry;
use crate::api::report::{Board, Card, Params};
use crate::api::Client;
use crate::model::{Entity, EntityDef, Lang, Opportunity, OpportunityStage, OpportunityStatus};

pub use layout::{LANE_MIN, MIN_HEIGHT};

/// The entity whose records the board shows as cards: the tables of its masks
/// offer the board (`b`).
pub const ENTITY: &EntityDef = Opportunity::DEF;

/// The entities whose changes the board reads again for.
const HEARS: [&EntityDef; 3] = [ENTITY, OpportunityStage::DEF, OpportunityStatus::DEF];

/// Whether the board shows records of `def`.
pub fn shows(def: &EntityDef) -> bool {
    *def == *ENTITY
}

/// The palette's entry for the board (`:board`), from wherever it is opened.
pub fn palette_entry(lang: Lang) -> PaletteEntry {
    PaletteEntry {
        label: text::title(lang).to_string(),
        detail: text::palette_detail(lang).to_string(),
        request: Request::Run(Action::Board),
    }
}

/// What a load brings back: the query it asked with, and the board or why not.
type Loaded = (String, Result<Board, String>);

/// The query line (`f`): what is typed, and why the last query failed.
#[derive(Default)]
struct QueryLine {
    input: String,
    editing: bool,
    error: Option<String>,
}

pub struct BoardView {
    board: Option<Board>,
    /// Per lane and card: "key company description salesperson" lower-cased
    /// once per board, for `/`.
    haystacks: Vec<Vec<String>>,
    /// Per lane, the cards `/` lets through (indices into the lane's cards).
    shown: Vec<Vec<usize>>,
    job: Job<Loaded>,
    /// A load was started and its result not taken yet.
    asked: bool,
    /// A load is wanted (first frame, a change heard, a move).
    needs_load: bool,
    /// When the running load started; when the last one ended and how long it
    /// took. Changes heard start the next load no sooner than that long after
    /// the last: a board that costs the server a second, on a database where
    /// someone saves every moment, is read at most every other second.
    started: Instant,
    last_load: Option<(Instant, Duration)>,
    /// The query the board shows ("" for none).
    query: String,
    query_line: QueryLine,
    /// The `/` filter and whether it is being typed.
    filter: String,
    filtering: bool,
    /// Why the board could not be read.
    error: Option<String>,
    /// The selected lane; per lane, the selected card and the first card shown
    /// (indices into `shown`); the first lane shown.
    lane: usize,
    cards: Vec<usize>,
    tops: Vec<usize>,
    first_lane: usize,
    /// Lanes across and cards down in the last `prepare`'s area.
    across: usize,
    down: usize,
    /// The card to select once the next board is in (a moved one).
    keep: Option<String>,
    /// The day past due counts from (tests, scripted runs); None: the server's.
    today: Option<NaiveDate>,
}

impl BoardView {
    pub fn new(today: Option<NaiveDate>) -> BoardView {
        BoardView {
            board: None,
            haystacks: Vec::new(),
            shown: Vec::new(),
            job: Job::default(),
            asked: false,
            needs_load: true,
            started: Instant::now(),
            last_load: None,
            query: String::new(),
            query_line: QueryLine::default(),
            filter: String::new(),
            filtering: false,
            error: None,
            lane: 0,
            cards: Vec::new(),
            tops: Vec::new(),
            first_lane: 0,
            across: 1,
            down: 1,
            keep: None,
            today,
        }
    }

    /// The board on screen, once one came in.
    pub fn board(&self) -> Option<&Board> {
        self.board.as_ref()
    }

    /// The query the board shows ("" for none).
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Why the last query did not run.
    pub fn query_error(&self) -> Option<&str> {
        self.query_line.error.as_deref()
    }

    /// Whether a load is running.
    pub fn is_loading(&self) -> bool {
        self.asked || (self.needs_load && self.error.is_none())
    }

    /// Whether `/` or `f` is taking typed text: letters are typed, not run.
    pub fn is_editing(&self) -> bool {
        self.filtering || self.query_line.editing
    }

    /// The selected lane's stage.
    pub fn selected_stage(&self) -> Option<&str> {
        let board = self.board.as_ref()?;
        board.lanes.get(self.lane).map(|l| l.stage.as_str())
    }

    /// The selected card.
    pub fn selected_card(&self) -> Option<&Card> {
        let board = self.board.as_ref()?;
        let shown = self.shown.get(self.lane)?;
        let i = *shown.get(*self.cards.get(self.lane)?)?;
        board.lanes.get(self.lane)?.cards.get(i)
    }

    pub fn selected_key(&self) -> Option<String> {
        self.selected_card().map(|c| c.key.clone())
    }

    /// The first lane on screen.
    pub fn first_lane(&self) -> usize {
        self.first_lane
    }

    /// "n of m" for the status line: the selected card of the cards its lane shows.
    pub fn position(&self) -> (usize, usize) {
        let n = self.shown.get(self.lane).map_or(0, Vec::len);
        let at = self.cards.get(self.lane).copied().unwrap_or(0);
        if n == 0 {
            (0, 0)
        } else {
            (at.min(n - 1) + 1, n)
        }
    }

    /// Read the board again on the next frame, keeping the selected card.
    pub fn reload(&mut self) {
        self.needs_load = true;
    }

    /// Whether a change of `def` changes the board: its cards, their stages and
    /// statuses (a company's new name shows with the next load).
    pub fn hears(def: &EntityDef) -> bool {
        HEARS.iter().any(|d| **d == *def)
    }

    fn start_load(&mut self, client: &Client, query: String) {
        self.needs_load = false;
        self.started = Instant::now();
        let client = client.clone();
        self.asked = true;
        self.job.start(move || {
            let params = Params {
                query: Some(query.clone()).filter(|q| !q.trim().is_empty()),
                ..Params::default()
            };
            let result = client.board(params).map_err(|e| e.to_string());
            (query, result)
        });
    }

    /// Takes a finished load. A new query that fails keeps the last board and
    /// says why on the query line, which stays open.
    fn poll(&mut self, ctx: &mut Ctx) {
        if !self.asked {
            return;
        }
        let (query, result) = match self.job.poll() {
            Some(done) => done,
            None if self.job.is_running() => return,
            // The thread ended without a board.
            None => (
                self.query.clone(),
                Err("the board could not be read".into()),
            ),
        };
        self.asked = false;
        self.last_load = Some((Instant::now(), self.started.elapsed()));
        match result {
            Ok(board) => {
                if query != self.query {
                    self.query = query;
                    self.query_line.editing = false;
                }
                self.query_line.error = None;
                self.error = None;
                self.take(board);
            }
            Err(e) if query != self.query => {
                self.query_line.error = Some(e.clone());
                ctx.request(Request::Status(e));
            }
            Err(e) => {
                if self.error.is_none() {
                    ctx.request(Request::Status(e.clone()));
                }
                self.error = Some(e);
            }
        }
    }

    /// A new board: the filter applied again, the selected (or kept) card
    /// selected again where it is now.
    fn take(&mut self, board: Board) {
        let keep = self.keep.take().or_else(|| self.selected_key());
        self.haystacks = board
            .lanes
            .iter()
            .map(|l| l.cards.iter().map(haystack).collect())
            .collect();
        let n = board.lanes.len();
        self.board = Some(board);
        self.cards.resize(n, 0);
        self.tops.resize(n, 0);
        self.refilter(keep.as_deref());
    }

    /// Applies `/` to every lane; selects `keep` if it is shown.
    fn refilter(&mut self, keep: Option<&str>) {
        let needle = self.filter.trim().to_lowercase();
        self.shown = self
            .haystacks
            .iter()
            .map(|lane| {
                (0..lane.len())
                    .filter(|&i| needle.is_empty() || lane[i].contains(&needle))
                    .collect()
            })
            .collect();
        if let Some(key) = keep {
            self.select_key(key);
        }
        self.clamp();
    }

    /// Selects the card of `key` if it is shown; whether it is.
    fn select_key(&mut self, key: &str) -> bool {
        let Some(board) = &self.board else {
            return false;
        };
        for (l, lane) in board.lanes.iter().enumerate() {
            let found = self.shown[l].iter().position(|&i| lane.cards[i].key == key);
            if let Some(at) = found {
                self.lane = l;
                self.cards[l] = at;
                return true;
            }
        }
        false
    }

    /// Keeps the selection within the board and the windows around it.
    fn clamp(&mut self) {
        let lanes = self.shown.len();
        self.lane = self.lane.min(lanes.saturating_sub(1));
        self.first_lane = layout::window(self.lane, self.first_lane, self.across, lanes);
        for l in 0..lanes {
            let n = self.shown[l].len();
            self.cards[l] = self.cards[l].min(n.saturating_sub(1));
            self.tops[l] = layout::window(self.cards[l], self.tops[l], self.down, n);
        }
    }

    fn step_lane(&mut self, delta: isize) {
        self.lane = self.lane.saturating_add_signed(delta);
        self.clamp();
    }

    fn step_card(&mut self, delta: isize) {
        if let Some(at) = self.cards.get_mut(self.lane) {
            *at = at.saturating_add_signed(delta);
        }
        self.clamp();
    }
}

/// What `/` searches in a card.
fn haystack(c: &Card) -> String {
    format!(
        "{} {} {} {}",
        c.key, c.company, c.description, c.salesperson
    )
    .to_lowercase()
}

impl Component for BoardView {
    fn context(&self) -> Context {
        Context::Board
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        // A load that failed (the server was away) is tried again on the next key.
        if self.error.is_some() && !self.asked {
            self.needs_load = true;
        }
        if self.query_line.editing {
            return self.query_key(key, action, ctx);
        }
        if self.filtering {
            return self.filter_key(key, action);
        }
        let Some(action) = action else {
            return Handled::Ignored;
        };
        let page = isize::try_from(self.down.max(1)).unwrap_or(1);
        match action {
            Action::Left => self.step_lane(-1),
            Action::Right => self.step_lane(1),
            Action::Up => self.step_card(-1),
            Action::Down => self.step_card(1),
            Action::PageUp => self.step_card(-page),
            Action::PageDown => self.step_card(page),
            Action::Top => self.step_card(isize::MIN),
            Action::Bottom => self.step_card(isize::MAX),
            Action::StageNext => self.move_stage(1, ctx),
            Action::StagePrev => self.move_stage(-1, ctx),
            Action::Open | Action::Select => match self.selected_key() {
                Some(key) => ctx.request(Request::OpenForm {
                    entity: ENTITY,
                    key: Some(key),
                    template: Vec::new(),
                }),
                None => return Handled::Ignored,
            },
            Action::Filter => self.filtering = true,
            Action::QueryFilter => self.edit_query(),
            Action::ClearFilter => self.clear(ctx.api),
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    fn prepare(&mut self, area: Rect, ctx: &mut Ctx) {
        if let Some(g) = layout::geometry(area) {
            self.across = g.across;
            self.down = g.down.max(1);
        }
        let rested = self
            .last_load
            .is_none_or(|(ended, took)| ended.elapsed() >= took);
        if self.needs_load && !self.asked && rested {
            let query = self.query.clone();
            self.start_load(ctx.api, query);
        }
        self.poll(ctx);
        self.clamp();
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        render::render(self, frame, area, lang);
    }

    fn commands(&self) -> Vec<Action> {
        // While a line is typed, Esc closes the line, not the board: no hints.
        if self.is_editing() {
            Vec::new()
        } else {
            vec![
                Action::Open,
                Action::StageNext,
                Action::StagePrev,
                Action::Filter,
                Action::QueryFilter,
                Action::Back,
            ]
        }
    }
}
