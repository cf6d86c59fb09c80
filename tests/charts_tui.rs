//! The Reports masks: each chart from fixed-seed demo data at 80×24 and 120×40.

mod common;

use common::harness::{harness, Harness};
use ratatui::layout::Rect;

const LARGE: Rect = Rect::new(0, 0, 120, 40);

fn open(h: &mut Harness, n: usize) {
    h.goto("Pipeline");
    h.keys(&n.to_string());
}

#[test]
fn look() {
    let mut h = harness(2000);
    for (n, keys) in [
        (1, ""),
        (2, "p2026-Q4<ret>"),
        (3, "p2026-Q3<ret>"),
        (4, "d2026-08-31..2026-11-20<ret>"),
        (5, ""),
    ] {
        open(&mut h, n);
        h.keys(keys);
        println!("{}", h.screen());
        h.app.settle(LARGE);
        println!("{}", h.screen_at(LARGE));
        h.keys("t");
        println!("{}", h.screen());
        h.keys("t");
    }
}
