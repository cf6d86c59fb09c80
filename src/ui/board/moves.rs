//! `H`/`L`: the selected card to the previous or next stage, saved through the
//! normal save path — the record read with its revision, its `stage` field set
//! through the schema, saved on that revision — so that the server's save rules
//! (the stage's probability), the event rules, the history and every other
//! session's live view see it like any save from a form. A refusal (a conflict,
//! a check, a read-only user) is said on the status line; nothing changes.

use super::{text, BoardView, ENTITY};
use crate::api::report::Card;
use crate::model::Value;
use crate::ui::component::{Ctx, Request};

impl BoardView {
    pub(super) fn move_stage(&mut self, step: isize, ctx: &mut Ctx) {
        let lang = ctx.lang;
        let Some(card) = self.selected_card().cloned() else {
            ctx.request(Request::Status(text::no_card(lang).into()));
            return;
        };
        let Some(board) = &self.board else { return };
        let from = self.lane;
        let to = match from.checked_add_signed(step) {
            Some(to) if to < board.lanes.len() => to,
            _ => {
                let message = text::at_end(lang, &card.key, step < 0);
                ctx.request(Request::Status(message));
                return;
            }
        };
        let stage = board.lanes[to].stage.clone();
        if stage.is_empty() {
            ctx.request(Request::Status(text::not_a_stage(lang).into()));
            return;
        }
        match save_stage(ctx, &card.key, &stage) {
            // The app reloads the board on the change (through the feed, when
            // there is one), so the sums come from the server.
            Ok(()) => {
                ctx.request(Request::Status(text::moved(lang, &card.key, &stage)));
                ctx.request(Request::Changed { entity: ENTITY });
                self.relocate(&card, from, to);
            }
            Err(e) => ctx.request(Request::Status(e)),
        }
    }

    /// Moves the card between lanes on screen at once (its place by close date),
    /// selected; the load that follows brings the sums the server computes.
    pub(super) fn relocate(&mut self, card: &Card, from: usize, to: usize) {
        let Some(board) = &mut self.board else { return };
        let lane = &mut board.lanes[from];
        let Some(i) = lane.cards.iter().position(|c| c.key == card.key) else {
            return;
        };
        let card = lane.cards.remove(i);
        lane.count = lane.count.saturating_sub(1);
        let lane = &mut board.lanes[to];
        let at = lane
            .cards
            .partition_point(|c| close_order(c) <= close_order(&card));
        lane.count += 1;
        self.keep = Some(card.key.clone());
        lane.cards.insert(at, card);
        if let Some(board) = self.board.take() {
            self.take(board);
        }
    }
}

/// The board's card order: soonest close first, no date last, then by key.
fn close_order(c: &Card) -> (bool, Option<chrono::NaiveDate>, &str) {
    (c.expected_close.is_none(), c.expected_close, c.key.as_str())
}

/// Sets the opportunity's stage on the revision just read; the error as one line.
fn save_stage(ctx: &mut Ctx, key: &str, stage: &str) -> Result<(), String> {
    let field = ENTITY
        .field_index("stage")
        .ok_or_else(|| format!("{} has no stage field", ENTITY.name))?;
    let (rev, original) = ctx.api.fetch_rev(ENTITY, key).map_err(|e| e.to_string())?;
    let mut record = original.clone();
    record
        .set(field, Value::Text(stage.to_string()))
        .map_err(|e| format!("{key}: stage {stage}: {e}"))?;
    ctx.api
        .save_on(record, false, Some((rev, Some(original))))
        .map(|_| ())
        .map_err(|e| e.to_string())
}
