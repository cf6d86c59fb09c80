//! Group-by: rows grouped by one or more labels, with the count and the sum of
//! every money column per group, nested for a second label. The board, the
//! charts, a table's `g`, `crm query --group-by` and the reports all group here.
//!
//! Rows are given as their index, their labels and their amounts; the grouper
//! keeps the row indices per innermost group, so a front end can show a group's
//! rows.

use std::collections::HashMap;

use super::Sums;
use crate::model::Money;

/// A group: its label, its totals, and its subgroups or (innermost) its rows.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Group {
    pub label: String,
    pub count: u64,
    /// One sum per money column, in the order the amounts were given.
    pub sums: Vec<Sums>,
    pub children: Vec<Group>,
    /// The rows of an innermost group (empty for outer groups).
    pub rows: Vec<u32>,
}

/// A group's place in its level: the label's slot, so each row costs one hash
/// lookup per level and no allocation once its labels were seen.
#[derive(Default)]
struct Level {
    slots: HashMap<String, usize>,
    groups: Vec<Group>,
    inner: Vec<Level>,
}

impl Level {
    fn slot(&mut self, label: &str, sums: usize) -> usize {
        if let Some(&i) = self.slots.get(label) {
            return i;
        }
        let i = self.groups.len();
        self.slots.insert(label.to_string(), i);
        self.groups.push(Group {
            label: label.to_string(),
            sums: vec![Sums::default(); sums],
            ..Group::default()
        });
        self.inner.push(Level::default());
        i
    }

    /// Takes in another level's groups, after this one's (see `Grouper::merge`).
    fn merge(&mut self, other: Level, sums: usize) -> Result<(), String> {
        for (g, inner) in other.groups.into_iter().zip(other.inner) {
            let i = self.slot(&g.label, sums);
            let mine = &mut self.groups[i];
            mine.count += g.count;
            for (s, o) in mine.sums.iter_mut().zip(&g.sums) {
                s.merge(o)?;
            }
            mine.rows.extend(g.rows);
            self.inner[i].merge(inner, sums)?;
        }
        Ok(())
    }

    fn finish(self) -> Vec<Group> {
        self.groups
            .into_iter()
            .zip(self.inner)
            .map(|(mut g, inner)| {
                g.children = inner.finish();
                g
            })
            .collect()
    }
}

/// Collects rows into groups; `finish` hands them out in the order first seen
/// (sort them with `sort`).
pub struct Grouper {
    levels: usize,
    sums: usize,
    top: Level,
    total: Group,
}

impl Grouper {
    /// Groups by `levels` labels (1 or 2 in practice) with `sums` money columns.
    pub fn new(levels: usize, sums: usize) -> Grouper {
        Grouper {
            levels: levels.max(1),
            sums,
            top: Level::default(),
            total: Group {
                sums: vec![Sums::default(); sums],
                ..Group::default()
            },
        }
    }

    /// Adds a row: one label per level, one amount per money column (None: no
    /// amount). An error names the sum that would pass the largest amount; the row
    /// is then not counted anywhere.
    pub fn add(
        &mut self,
        row: u32,
        labels: &[&str],
        amounts: &[Option<Money>],
    ) -> Result<(), String> {
        let sums = self.sums;
        // Check the total first: every group's sum is at most the total's.
        for (s, a) in self.total.sums.iter().zip(amounts) {
            if let Some(m) = a {
                s.check(*m)?;
            }
        }
        for (s, a) in self.total.sums.iter_mut().zip(amounts) {
            if let Some(m) = a {
                s.add(*m)?;
            }
        }
        self.total.count += 1;
        let mut level = &mut self.top;
        for depth in 0..self.levels {
            let label = labels.get(depth).copied().unwrap_or("");
            let i = level.slot(label, sums);
            let g = &mut level.groups[i];
            g.count += 1;
            for (s, a) in g.sums.iter_mut().zip(amounts) {
                if let Some(m) = a {
                    s.add(*m)?;
                }
            }
            if depth + 1 == self.levels {
                g.rows.push(row);
            }
            level = &mut level.inner[i];
        }
        Ok(())
    }

    /// Takes in the rows another grouper of the same shape collected, as if they
    /// had been added here after this one's rows (so that rows can be grouped in
    /// parallel, in parts). An error names the sum that would pass the largest
    /// amount.
    pub fn merge(&mut self, other: Grouper) -> Result<(), String> {
        self.total.count += other.total.count;
        for (s, o) in self.total.sums.iter_mut().zip(&other.total.sums) {
            s.merge(o)?;
        }
        self.top.merge(other.top, self.sums)
    }

    /// The groups (in the order first seen) and the total over every row.
    pub fn finish(self) -> (Vec<Group>, Group) {
        (self.top.finish(), self.total)
    }
}

/// How groups are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum GroupSort {
    /// By label; an empty label last.
    Label,
    Count,
    /// By the first currency's amount of a money column.
    Sum(usize),
}

impl GroupSort {
    /// Sorts groups this way at every level; `descending` turns the order round
    /// (labels too).
    pub fn apply(self, groups: &mut [Group], descending: bool) {
        groups.sort_by(|a, b| {
            let o = match self {
                GroupSort::Label => {
                    (a.label.is_empty(), &a.label).cmp(&(b.label.is_empty(), &b.label))
                }
                GroupSort::Count => a.count.cmp(&b.count),
                GroupSort::Sum(i) => {
                    let v = |g: &Group| g.sums.get(i).and_then(Sums::first).map_or(0, |m| m.cents);
                    v(a).cmp(&v(b))
                }
            };
            let o = o.then_with(|| a.label.cmp(&b.label));
            if descending {
                o.reverse()
            } else {
                o
            }
        });
        for g in groups {
            self.apply(&mut g.children, descending);
        }
    }
}
