//! The pipeline board: a lane per stage in sequence order with its open
//! opportunities as cards, soonest close first, and the lane's totals.

use std::collections::HashMap;

use super::cache::OppRow;
use super::{stages, too_large, with_opps, Meanings};
use crate::model::{Customer, Prospect};
use crate::query::Env;
use crate::report::{Board, Card, Lane, Params, Sums};
use crate::store::{Result, Store};

pub fn board(store: &Store, env: &Env, p: &Params) -> Result<Board> {
    let meanings = Meanings::of(store)?;
    let mut lanes: Vec<Lane> = stages(store)?
        .into_iter()
        .map(|s| Lane {
            stage: s.key,
            description: s.description,
            count: 0,
            amount: Sums::default(),
            weighted: Sums::default(),
            cards: Vec::new(),
        })
        .collect();
    let mut slot: HashMap<String, usize> = lanes
        .iter()
        .enumerate()
        .map(|(i, l)| (l.stage.clone(), i))
        .collect();
    with_opps(store, env, p, |codes, rows| {
        let mut open: Vec<&OppRow> = rows
            .filter(|o| meanings.is(codes.name(o.status), "open"))
            .collect();
        open.sort_by(|a, b| {
            (a.expected_close.is_none(), a.expected_close, &a.key).cmp(&(
                b.expected_close.is_none(),
                b.expected_close,
                &b.key,
            ))
        });
        let mut names = Names::default();
        for o in open {
            let stage = codes.name(o.stage);
            let i = match slot.get(stage) {
                Some(&i) => i,
                None => {
                    // A stage no longer in the list (or none): a lane of its own, last.
                    lanes.push(Lane {
                        stage: stage.to_string(),
                        description: if stage.is_empty() {
                            "no stage".into()
                        } else {
                            String::new()
                        },
                        count: 0,
                        amount: Sums::default(),
                        weighted: Sums::default(),
                        cards: Vec::new(),
                    });
                    slot.insert(stage.to_string(), lanes.len() - 1);
                    lanes.len() - 1
                }
            };
            let lane = &mut lanes[i];
            lane.count += 1;
            if let Some(a) = o.amount {
                lane.amount.add(a).map_err(too_large("board"))?;
            }
            if let Some(w) = o.weighted() {
                lane.weighted.add(w).map_err(too_large("board"))?;
            }
            if lane.cards.len() < Board::CARDS {
                lane.cards.push(Card {
                    company: names.of(store, &o.company, o.is_customer)?,
                    past_due: o.expected_close.is_some_and(|d| d < env.today),
                    key: o.key.to_string(),
                    description: o.description.to_string(),
                    amount: o.amount,
                    expected_close: o.expected_close,
                    salesperson: codes.name(o.salesperson).to_string(),
                });
            }
        }
        Ok(())
    })?;
    let (scope, scope_de) = super::scope(("", ""), None, p);
    Ok(Board {
        scope,
        scope_de,
        lanes,
    })
}

/// Company names by key, each read once per board.
#[derive(Default)]
struct Names(HashMap<String, String>);

impl Names {
    fn of(&mut self, store: &Store, key: &str, customer: bool) -> Result<String> {
        if key.is_empty() {
            return Ok(String::new());
        }
        if let Some(n) = self.0.get(key) {
            return Ok(n.clone());
        }
        let name = if customer {
            store.get_as::<Customer>(key)?.map(|c| c.name)
        } else {
            store.get_as::<Prospect>(key)?.map(|c| c.name)
        }
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| key.to_string());
        self.0.insert(key.to_string(), name.clone());
        Ok(name)
    }
}
