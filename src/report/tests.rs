use super::*;
use crate::model::{Currency, Lang, Money};

fn eur(c: i64) -> Option<Money> {
    Some(Money::eur(c))
}

#[test]
fn groups_count_and_sum_per_currency_nested() {
    let mut g = Grouper::new(2, 1);
    let usd = Some(Money::new(500, Currency::USD));
    g.add(0, &["SMITH", "PROPOSAL"], &[eur(100)]).unwrap();
    g.add(1, &["SMITH", "PROPOSAL"], &[usd]).unwrap();
    g.add(2, &["SMITH", "WON"], &[eur(300)]).unwrap();
    g.add(3, &["JONES", "PROPOSAL"], &[None]).unwrap();
    let (mut groups, total) = g.finish();
    GroupSort::Label.apply(&mut groups, false);
    assert_eq!(total.count, 4);
    assert_eq!(total.sums[0].to_string(), "4.00 EUR + 5.00 USD");
    assert_eq!(groups[0].label, "JONES");
    assert_eq!(groups[1].label, "SMITH");
    assert_eq!(groups[1].count, 3);
    assert_eq!(groups[1].sums[0].cents(Currency::EUR), 400);
    assert_eq!(groups[1].sums[0].cents(Currency::USD), 500);
    assert_eq!(groups[1].children[0].label, "PROPOSAL");
    assert_eq!(groups[1].children[0].rows, vec![0, 1]);
    assert!(groups[1].rows.is_empty());
}

#[test]
fn sorts_by_count_and_sum_with_empty_labels_last() {
    let mut g = Grouper::new(1, 1);
    g.add(0, &[""], &[eur(900)]).unwrap();
    g.add(1, &["B"], &[eur(100)]).unwrap();
    g.add(2, &["B"], &[eur(100)]).unwrap();
    g.add(3, &["A"], &[eur(500)]).unwrap();
    let (mut groups, _) = g.finish();
    GroupSort::Label.apply(&mut groups, false);
    let labels = |g: &[Group]| g.iter().map(|g| g.label.clone()).collect::<Vec<_>>();
    assert_eq!(labels(&groups), ["A", "B", ""]);
    GroupSort::Count.apply(&mut groups, true);
    assert_eq!(labels(&groups)[0], "B");
    GroupSort::Sum(0).apply(&mut groups, true);
    assert_eq!(labels(&groups), ["", "A", "B"]);
}

#[test]
fn an_overflowing_sum_is_an_error_and_counts_nothing() {
    let mut g = Grouper::new(1, 1);
    g.add(0, &["A"], &[eur(i64::MAX - 10)]).unwrap();
    assert!(g.add(1, &["A"], &[eur(100)]).is_err());
    let (groups, total) = g.finish();
    assert_eq!(total.count, 1);
    assert_eq!(groups[0].count, 1);
}

#[test]
fn short_figures_for_charts() {
    assert_eq!(short_money(Money::eur(123_456_789), Lang::En), "1.2M €");
    assert_eq!(short_money(Money::eur(123_456_789), Lang::De), "1,2 Mio. €");
    assert_eq!(short_money(Money::eur(35_000_000), Lang::En), "350k €");
    assert_eq!(short_money(Money::eur(99_00), Lang::En), "99 €");
    assert_eq!(
        short_money(Money::new(5_000, Currency(*b"JPY")), Lang::En),
        "5.0k ¥"
    );
    assert_eq!(short_count(1_500, Lang::En), "1.5k");
    let mut s = Sums::default();
    assert_eq!(short_sums(&s, Lang::En), "0");
    s.add(Money::eur(20_000_000)).unwrap();
    s.add(Money::new(4_000_000, Currency::USD)).unwrap();
    assert_eq!(short_sums(&s, Lang::En), "200k € + 40k $");
}

#[test]
fn report_names_parse_with_a_did_you_mean() {
    assert_eq!(ReportKind::parse("win_loss"), Ok(ReportKind::WinLoss));
    assert_eq!(ReportKind::parse("PIPELINE"), Ok(ReportKind::Pipeline));
    let e = ReportKind::parse("pipline").unwrap_err();
    assert!(e.contains("did you mean 'pipeline'"), "{e}");
    assert!(e.contains("campaigns"), "{e}");
}

#[test]
fn merged_parts_group_as_one_pass_does() {
    let rows: Vec<(&str, &str, Option<Money>)> = vec![
        ("SMITH", "WON", eur(100)),
        ("JONES", "LOST", Some(Money::new(7, Currency::USD))),
        ("SMITH", "LOST", None),
        ("KIM", "WON", eur(5)),
        ("JONES", "LOST", eur(-40)),
        ("SMITH", "WON", eur(1)),
    ];
    let add = |g: &mut Grouper, part: &[(&str, &str, Option<Money>)], from: u32| {
        for (i, (a, b, m)) in part.iter().enumerate() {
            g.add(from + i as u32, &[a, b], &[*m]).unwrap();
        }
    };
    let mut whole = Grouper::new(2, 1);
    add(&mut whole, &rows, 0);
    let (mut first, mut second) = (Grouper::new(2, 1), Grouper::new(2, 1));
    add(&mut first, &rows[..3], 0);
    add(&mut second, &rows[3..], 3);
    first.merge(second).unwrap();
    assert_eq!(first.finish(), whole.finish());
    // A merge past the largest amount is refused.
    let (mut a, mut b) = (Grouper::new(1, 1), Grouper::new(1, 1));
    a.add(0, &["X"], &[eur(i64::MAX)]).unwrap();
    b.add(1, &["X"], &[eur(1)]).unwrap();
    assert!(a.merge(b).unwrap_err().contains("largest amount"));
}
