//! Group-by over a table's loaded rows: the rows the filter shows (after `/` and
//! `f`) exist only in the client, so they are grouped here, by the one aggregation
//! module the server's reports use (`report::Grouper`). A row's label is its
//! column's lower-case text; its amounts are its money columns read back from that
//! text in either language (`model::display::parse_display`); sums stay per currency.

use super::data::Rows;
use crate::api::report::{Group, Grouper};
use crate::model::Money;

/// A column rows are grouped by: its index in the row's text (0 is the key), and
/// whether only its first ten characters count (a date-time's day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct By {
    pub col: usize,
    pub day: bool,
}

/// Groupings of at least this many rows use two threads.
const PARALLEL_FROM: usize = 100_000;

/// The rows `hits` grouped by `by` (outer first, one or two), each group with its
/// count and the sums of the money columns `sums`; the groups in the order first
/// seen, and the total. An error when a sum would pass the largest amount. Long
/// lists are grouped in two halves on two threads, then merged.
pub fn group_rows(
    rows: &Rows,
    hits: &[u32],
    by: &[By],
    sums: &[usize],
) -> Result<(Vec<Group>, Group), String> {
    if hits.len() < PARALLEL_FROM {
        return Ok(grouped(rows, hits, by, sums)?.finish());
    }
    let (a, b) = hits.split_at(hits.len() / 2);
    let (first, second) = std::thread::scope(|s| {
        let second = s.spawn(|| grouped(rows, b, by, sums));
        let first = grouped(rows, a, by, sums);
        (first, second.join())
    });
    let mut whole = first?;
    whole.merge(match second {
        Ok(part) => part?,
        Err(_) => grouped(rows, b, by, sums)?,
    })?;
    Ok(whole.finish())
}

/// One pass over the rows: each row's text is read once for its labels and amounts.
fn grouped(rows: &Rows, hits: &[u32], by: &[By], sums: &[usize]) -> Result<Grouper, String> {
    let mut grouper = Grouper::new(by.len(), sums.len());
    let cols: Vec<usize> = by
        .iter()
        .map(|b| b.col)
        .chain(sums.iter().copied())
        .collect();
    let mut cells: Vec<&str> = vec![""; cols.len()];
    let mut labels: Vec<&str> = vec![""; by.len()];
    let mut amounts: Vec<Option<Money>> = vec![None; sums.len()];
    for &row in hits {
        rows.columns(row as usize, &cols, &mut cells);
        for ((label, b), cell) in labels.iter_mut().zip(by).zip(&cells) {
            *label = match (b.day, cell.get(..10)) {
                (true, Some(day)) => day,
                _ => cell,
            };
        }
        for (amount, cell) in amounts.iter_mut().zip(&cells[by.len()..]) {
            *amount = crate::model::display::parse_display(cell);
        }
        grouper.add(row, &labels, &amounts)?;
    }
    Ok(grouper)
}

/// The rows of a group: its own (innermost) or its subgroups' (outer).
pub fn rows_of(group: &Group) -> Vec<u32> {
    if group.children.is_empty() {
        return group.rows.clone();
    }
    group.children.iter().flat_map(rows_of).collect()
}

/// A row standing for the group: its first (its label's cells are read from it).
pub fn first_row(group: &Group) -> Option<u32> {
    match group.children.first() {
        Some(child) => first_row(child),
        None => group.rows.first().copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::report::GroupSort;
    use crate::model::Currency;

    fn rows(data: &[(&str, &str, &str, &str)]) -> Rows {
        let mut rows = Rows::default();
        for (key, salesperson, stage, amount) in data {
            rows.push(key, [*salesperson, "Some Text", *stage, *amount]);
        }
        rows.loaded();
        rows
    }

    #[test]
    fn columns_are_read_in_one_pass_in_any_order() {
        let r = rows(&[("OPP1", "SP1", "Won", "10.00 EUR")]);
        let mut out = [""; 3];
        r.columns(0, &[4, 0, 9], &mut out);
        assert_eq!(out, ["10.00 eur", "opp1", ""]);
        r.columns(0, &[], &mut []);
        let mut one = ["x"];
        r.columns(0, &[3], &mut one);
        assert_eq!(one, ["won"]);
    }

    #[test]
    fn groups_count_and_sum_per_currency_and_nest() {
        let r = rows(&[
            ("OPP1", "SP1", "Won", "10.00 EUR"),
            ("OPP2", "SP2", "Lost", "5.50 EUR"),
            ("OPP3", "SP1", "Lost", "1.00 USD"),
            ("OPP4", "SP1", "Won", ""),
            ("OPP5", "SP1", "Won", "-2.25 EUR"),
        ]);
        let all: Vec<u32> = (0..5).collect();
        let one = [By { col: 1, day: false }];
        let (mut groups, total) = group_rows(&r, &all, &one, &[4]).unwrap();
        GroupSort::Label.apply(&mut groups, false);
        assert_eq!(total.count, 5);
        assert_eq!(groups.len(), 2);
        let sp1 = &groups[0];
        assert_eq!((sp1.label.as_str(), sp1.count), ("sp1", 4));
        assert_eq!(sp1.sums[0].cents(Currency::EUR), 775);
        assert_eq!(sp1.sums[0].cents(Currency::USD), 100, "never added to EUR");
        assert_eq!(sp1.rows, [0, 2, 3, 4]);
        // Only the rows shown are grouped.
        let (groups, total) = group_rows(&r, &[1, 2], &one, &[4]).unwrap();
        assert_eq!((groups.len(), total.count), (2, 2));
        // Nested: salesperson, then stage.
        let two = [By { col: 1, day: false }, By { col: 3, day: false }];
        let (mut groups, _) = group_rows(&r, &all, &two, &[4]).unwrap();
        GroupSort::Count.apply(&mut groups, true);
        let sp1 = &groups[0];
        assert_eq!(sp1.label, "sp1");
        assert_eq!(sp1.children.len(), 2);
        assert_eq!(
            (sp1.children[0].label.as_str(), sp1.children[0].count),
            ("won", 3)
        );
        assert!(
            sp1.rows.is_empty(),
            "outer groups keep no rows of their own"
        );
        assert_eq!(rows_of(sp1), [0, 3, 4, 2]);
        assert_eq!(first_row(sp1), Some(0));
    }

    #[test]
    fn long_lists_group_in_two_halves_as_in_one() {
        let mut r = Rows::default();
        for i in 0..PARALLEL_FROM + 7 {
            let amount = Money::new(
                i as i64,
                if i % 3 == 0 {
                    Currency::USD
                } else {
                    Currency::EUR
                },
            );
            r.push(
                &format!("K{i:07}"),
                [format!("sp{}", i % 5).as_str(), &amount.to_string()],
            );
        }
        let hits: Vec<u32> = (0..r.len() as u32).rev().collect();
        let by = [By { col: 1, day: false }];
        let (groups, total) = group_rows(&r, &hits, &by, &[2]).unwrap();
        let mut one = grouped(&r, &hits, &by, &[2]).unwrap();
        let empty = Grouper::new(1, 1);
        one.merge(empty).unwrap();
        assert_eq!((groups, total), one.finish());
    }

    #[test]
    fn a_date_time_groups_by_its_day() {
        let mut r = Rows::default();
        r.push("A", ["2026-11-20 09:00"]);
        r.push("B", ["2026-11-20 17:30"]);
        r.push("C", ["2026-11-21 08:00"]);
        r.push("D", [""]);
        let (groups, _) = group_rows(&r, &[0, 1, 2, 3], &[By { col: 1, day: true }], &[]).unwrap();
        let got: Vec<(&str, u64)> = groups.iter().map(|g| (g.label.as_str(), g.count)).collect();
        assert_eq!(got, [("2026-11-20", 2), ("2026-11-21", 1), ("", 1)]);
    }

    #[test]
    fn a_sum_past_the_largest_amount_is_an_error() {
        let big = Money::eur(i64::MAX).to_string();
        let r = rows(&[("A", "SP1", "Won", &big), ("B", "SP1", "Won", "1.00 EUR")]);
        let e = group_rows(&r, &[0, 1], &[By { col: 1, day: false }], &[4]).unwrap_err();
        assert!(e.contains("largest amount"), "{e}");
    }
}
