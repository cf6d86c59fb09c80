use calamine::{open_workbook, Data, Reader, Xlsx};

use super::*;
use crate::io::report_out::{write, write_section, ReportFormat};
use crate::model::Money;
use crate::report::{Chart, Column, ColumnKind, ReportKind, Sums};

fn sums(amounts: &[(i64, Currency)]) -> Sums {
    let mut s = Sums::default();
    for &(cents, c) in amounts {
        s.add(Money::new(cents, c)).unwrap();
    }
    s
}

fn pipeline_section(chart: Chart) -> Section {
    Section {
        name: "by_stage".into(),
        en: "Open pipeline by stage".into(),
        de: "Offene Pipeline nach Phase".into(),
        columns: vec![
            Column::new("stage", "Stage", "Phase", ColumnKind::Text),
            Column::new(
                "count",
                "Opportunities",
                "Verkaufschancen",
                ColumnKind::Count,
            ),
            Column::new("amount", "Σ amount", "Σ Betrag", ColumnKind::Money),
            Column::new("rate", "Win rate %", "Gewinnquote %", ColumnKind::Percent),
        ],
        rows: vec![
            vec![
                Cell::Text("PROPOSAL".into()),
                Cell::Count(3),
                Cell::Money(sums(&[(123_456, Currency::EUR)])),
                Cell::Percent(Some(40.0)),
            ],
            vec![
                Cell::Text("NEGOTIATION".into()),
                Cell::Count(2),
                Cell::Money(sums(&[(100, Currency::EUR), (200, Currency::USD)])),
                Cell::Percent(None),
            ],
            vec![
                Cell::Text("=cmd|' /C calc'!A0".into()),
                Cell::Count(0),
                Cell::Money(Sums::default()),
                Cell::Percent(Some(12.5)),
            ],
        ],
        total: Some(vec![
            Cell::Text("Total".into()),
            Cell::Count(5),
            Cell::Money(sums(&[(123_556, Currency::EUR), (200, Currency::USD)])),
            Cell::Percent(Some(33.3)),
        ]),
        chart,
    }
}

fn report(sections: Vec<Section>) -> Report {
    Report {
        kind: ReportKind::Pipeline,
        scope: "open opportunities · all records".into(),
        scope_de: "offene Verkaufschancen · alle Datensätze".into(),
        from: None,
        to: None,
        sections,
    }
}

/// Writes the report and opens it: the path, the workbook and its bytes.
fn written(
    r: &Report,
    lang: Lang,
) -> (
    tempfile::TempDir,
    Xlsx<std::io::BufReader<std::fs::File>>,
    Vec<u8>,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    write(r, &path, ReportFormat::Xlsx, lang).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (dir, open_workbook(&path).unwrap(), bytes)
}

fn has_entry(bytes: &[u8], name: &str) -> bool {
    bytes.windows(name.len()).any(|w| w == name.as_bytes())
}

#[test]
fn cells_are_typed_and_mixed_currencies_are_text() {
    let r = report(vec![pipeline_section(Chart::Bars {
        label: 0,
        values: vec![1, 2],
    })]);
    let (_dir, mut book, bytes) = written(&r, Lang::En);
    assert_eq!(book.sheet_names(), ["by_stage"]);
    let range = book.worksheet_range("by_stage").unwrap();
    let at = |row: u32, col: u32| range.get_value((row, col)).cloned();
    assert_eq!(
        at(0, 0),
        Some(Data::String("Open pipeline by stage".into()))
    );
    assert_eq!(
        at(1, 0),
        Some(Data::String(
            "Pipeline · open opportunities · all records".into()
        ))
    );
    assert_eq!(at(2, 0), Some(Data::String("Stage".into())));
    assert_eq!(at(2, 2), Some(Data::String("Σ amount".into())));
    assert_eq!(at(3, 0), Some(Data::String("PROPOSAL".into())));
    assert_eq!(at(3, 1), Some(Data::Float(3.0)));
    assert_eq!(at(3, 2), Some(Data::Float(1234.56)));
    assert_eq!(at(3, 3), Some(Data::Float(0.4)));
    // Two currencies are never added: the cell is their text.
    assert_eq!(at(4, 2), Some(Data::String("1.00 EUR + 2.00 USD".into())));
    assert_eq!(at(4, 3), Some(Data::Empty));
    // A text that looks like a formula stays text.
    assert_eq!(at(5, 0), Some(Data::String("=cmd|' /C calc'!A0".into())));
    assert_eq!(at(5, 2), Some(Data::Float(0.0)));
    assert_eq!(at(6, 0), Some(Data::String("Total".into())));
    assert_eq!(at(6, 1), Some(Data::Float(5.0)));
    assert_eq!(
        at(6, 2),
        Some(Data::String("1235.56 EUR + 2.00 USD".into()))
    );
    assert!(has_entry(&bytes, "xl/charts/chart1.xml"));
    assert!(!has_entry(&bytes, "xl/charts/chart2.xml"));
}

#[test]
fn labels_are_in_the_language_and_no_chart_is_drawn_for_none() {
    let r = report(vec![pipeline_section(Chart::None)]);
    let (_dir, mut book, bytes) = written(&r, Lang::De);
    assert!(
        !has_entry(&bytes, "xl/charts/chart1.xml"),
        "Chart::None draws none"
    );
    let range = book.worksheet_range("by_stage").unwrap();
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String("Offene Pipeline nach Phase".into()))
    );
    assert_eq!(
        range.get_value((2, 1)),
        Some(&Data::String("Verkaufschancen".into()))
    );
}

#[test]
fn each_currency_has_one_format_plain_and_one_bold() {
    let mut formats = Formats::new();
    let plain = formats.money(Currency::EUR, false).clone();
    let bold = formats.money(Currency::EUR, true).clone();
    formats.money(Currency::EUR, false);
    assert_ne!(plain, bold);
    assert_eq!(plain, Format::new().set_num_format("#,##0.00 \"EUR\""));
    assert_eq!(formats.money.len(), 2);
}

#[test]
fn every_chart_kind_is_a_native_chart() {
    let mut gauges = pipeline_section(Chart::Gauges { label: 0, value: 3 });
    gauges.name = "by_salesperson".into();
    let activity = Section {
        name: "by_stage".into(),
        en: "Activity".into(),
        de: "Aktivität".into(),
        columns: vec![
            Column::new("salesperson", "Salesperson", "Verkäufer", ColumnKind::Text),
            Column::new("weekly", "Per week", "Je Woche", ColumnKind::Series),
        ],
        rows: vec![vec![Cell::Text("ANJA".into()), Cell::Series(vec![1, 0, 2])]],
        total: Some(vec![
            Cell::Text("Total".into()),
            Cell::Series(vec![1, 0, 2]),
        ]),
        chart: Chart::Sparklines {
            label: 0,
            series: vec![1],
        },
    };
    let r = Report {
        from: Some(NaiveDate::from_ymd_opt(2026, 9, 7).unwrap()),
        ..report(vec![
            pipeline_section(Chart::Bars {
                label: 0,
                values: vec![2],
            }),
            gauges,
            activity,
        ])
    };
    let (_dir, mut book, bytes) = written(&r, Lang::En);
    // The third section's name is taken: it gets a number.
    assert_eq!(
        book.sheet_names(),
        ["by_stage", "by_salesperson", "by_stage 2"]
    );
    for n in 1..=3 {
        assert!(
            has_entry(&bytes, &format!("xl/charts/chart{n}.xml")),
            "chart {n}"
        );
    }
    let range = book.worksheet_range("by_stage 2").unwrap();
    // The series are text in the table, numbers in the weeks the chart draws.
    assert_eq!(range.get_value((3, 1)), Some(&Data::String("1 0 2".into())));
    assert_eq!(range.get_value((2, 3)), Some(&Data::String("Week".into())));
    assert_eq!(
        range.get_value((5, 3)),
        Some(&Data::String("2026-09-21".into()))
    );
    assert_eq!(range.get_value((5, 4)), Some(&Data::Float(2.0)));
}

#[test]
fn a_sparkline_section_without_a_total_has_a_note_instead_of_a_chart() {
    let s = Section {
        name: "weekly".into(),
        en: "Weekly".into(),
        de: "Wöchentlich".into(),
        columns: vec![
            Column::new("who", "Who", "Wer", ColumnKind::Text),
            Column::new("weekly", "Per week", "Je Woche", ColumnKind::Series),
        ],
        rows: vec![vec![Cell::Text("A".into()), Cell::Series(vec![1])]],
        total: None,
        chart: Chart::Sparklines {
            label: 0,
            series: vec![1],
        },
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weekly.xlsx");
    write_section(&s, &path, ReportFormat::Xlsx, Lang::En).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(!has_entry(&bytes, "xl/charts/chart1.xml"));
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("weekly").unwrap();
    assert_eq!(
        range.get_value((2, 3)),
        Some(&Data::String("No weekly totals to chart.".into()))
    );
}

#[test]
fn a_chart_naming_a_missing_column_is_an_error_and_no_file() {
    let s = pipeline_section(Chart::Bars {
        label: 0,
        values: vec![9],
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.xlsx");
    let e = write_section(&s, &path, ReportFormat::Xlsx, Lang::En).unwrap_err();
    assert!(e.to_string().contains("bad.xlsx"), "{e}");
    assert!(e.to_string().contains("no column 9"), "{e}");
    assert!(!path.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn sheet_names_are_what_excel_allows() {
    let taken = vec!["by_stage".to_string()];
    assert_eq!(sheet_name("by_stage", &[]), "by_stage");
    assert_eq!(sheet_name("BY_STAGE", &taken), "BY_STAGE 2");
    assert_eq!(sheet_name("a/b:c*d?[e]\\", &[]), "abcde");
    assert_eq!(sheet_name("'quoted'", &[]), "quoted");
    assert_eq!(sheet_name("", &[]), "report");
    assert_eq!(sheet_name("History", &[]), "History report");
    let long = "by_a_very_long_field_name_and_another_one";
    let first = sheet_name(long, &[]);
    assert_eq!(first.encode_utf16().count(), 31);
    let second = sheet_name(long, std::slice::from_ref(&first));
    assert_eq!(second.encode_utf16().count(), 31);
    assert!(second.ends_with(" 2"), "{second}");
    assert_eq!(
        sheet_name("Ümsätze€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€", &[])
            .encode_utf16()
            .count(),
        31
    );
}

#[test]
fn a_large_section_is_written_row_by_row_with_its_numbers_and_a_note_for_its_chart() {
    let n = LARGE + 5;
    let mut s = pipeline_section(Chart::Bars {
        label: 0,
        values: vec![1],
    });
    s.rows = (0..n)
        .map(|i| {
            vec![
                Cell::Text(format!("G{i:06}")),
                Cell::Count(i as u64),
                Cell::Money(sums(&[(i as i64, Currency::EUR)])),
                Cell::Percent(Some(50.0)),
            ]
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.xlsx");
    write_section(&s, &path, ReportFormat::Xlsx, Lang::En).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(!has_entry(&bytes, "xl/charts/chart1.xml"));
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("by_stage").unwrap();
    match range.get_value((0, 5)) {
        Some(Data::String(note)) => assert!(
            note.starts_with("No chart") && note.contains("20005"),
            "{note}"
        ),
        other => panic!("no note: {other:?}"),
    }
    let last = HEADER + n as u32;
    assert_eq!(
        range.get_value((last, 0)),
        Some(&Data::String(format!("G{:06}", n - 1)))
    );
    assert_eq!(
        range.get_value((last, 2)),
        Some(&Data::Float((n - 1) as f64 / 100.0))
    );
    assert_eq!(
        range.get_value((last + 1, 0)),
        Some(&Data::String("Total".into()))
    );
    // Only the written file is left: the rows' temporary file is gone.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
