//! The Reports masks in the app: a report mask shows its chart view where a table
//! mask shows its table (keys, frames and the status line's count go to it),
//! changed records mark the charts stale, and `e` writes the chart's report.

use super::App;
use crate::io::report_out::{self, ReportFormat};
use crate::model::Lang;
use crate::report::ReportKind;
use crate::ui::action::Context;
use crate::ui::charts::ChartView;
use crate::ui::component::Component;
use crate::ui::table::TableView;

/// The view of mask `i`: its chart if it is a report mask, else its table.
pub(super) fn main_view_mut<'a>(
    tabs: &'a mut [TableView],
    charts: &'a mut [Option<ChartView>],
    i: usize,
) -> &'a mut dyn Component {
    match charts.get_mut(i).and_then(Option::as_mut) {
        Some(chart) => chart,
        None => &mut tabs[i],
    }
}

impl App {
    /// The chart of the current mask, if it is a report mask.
    pub fn chart(&self) -> Option<&ChartView> {
        self.charts.get(self.current).and_then(Option::as_ref)
    }

    pub(super) fn main_view_mut(&mut self) -> &mut dyn Component {
        main_view_mut(&mut self.tabs, &mut self.charts, self.current)
    }

    pub(super) fn main_view(&self) -> &dyn Component {
        match self.chart() {
            Some(chart) => chart,
            None => &self.tabs[self.current],
        }
    }

    /// Where the palette lists the actions of when no form is open.
    pub(super) fn main_context(&self) -> Context {
        self.main_view().context()
    }

    /// "n/m" of the current mask's view.
    pub(super) fn main_position(&self) -> (usize, usize) {
        match self.chart() {
            Some(chart) => chart.position(),
            None => self.tabs[self.current].position(),
        }
    }

    /// Whether the chart on screen is still reading its report (tests wait).
    pub(super) fn chart_loading(&self) -> bool {
        !self.welcome
            && !self.on_home
            && self.forms.is_empty()
            && self.chart().is_some_and(ChartView::is_loading)
    }

    /// Records changed: the chart on screen says so, the others read again when
    /// shown.
    pub(super) fn charts_changed(&mut self) {
        let shown = (!self.on_home && self.forms.is_empty()).then_some(self.current);
        for (i, chart) in self.charts.iter_mut().enumerate() {
            if let Some(chart) = chart {
                chart.changed(shown == Some(i));
            }
        }
    }

    /// `e` on a chart: the palette with a file name for the report to edit.
    pub(super) fn ask_report_export(&mut self, kind: ReportKind) {
        let today = chrono::Local::now().format("%Y-%m-%d");
        self.open_palette_with(&format!("export ~/report-{}-{today}.csv", kind.name()));
    }

    /// `:export FILE` on a chart: its report as the file's ending says.
    pub(super) fn export_report(&mut self, path: &str) {
        let target = super::exchange::expand(path.trim());
        let file = target.display().to_string();
        let Some(report) = self.chart().and_then(ChartView::report) else {
            return self.say(
                "no report to export yet: wait for it, or change what it reads",
                "noch kein Bericht zum Exportieren: abwarten oder ändern, was er liest",
            );
        };
        let Some(format) = ReportFormat::of_path(&target) else {
            self.status = match self.lang {
                Lang::En => format!(
                    "{file}: name the file .csv, .json or .xlsx (the format follows the name)"
                ),
                Lang::De => format!(
                    "{file}: die Datei .csv, .json oder .xlsx nennen (die Endung wählt das Format)"
                ),
            };
            return;
        };
        let title = report.kind.title(self.lang);
        self.status = match (
            report_out::write(report, &target, format, self.lang),
            self.lang,
        ) {
            (Ok(()), Lang::En) => format!("exported the {title} report to {file}"),
            (Ok(()), Lang::De) => format!("Bericht {title} nach {file} exportiert"),
            (Err(e), Lang::En) => format!("{e}; no file written"),
            (Err(e), Lang::De) => format!("{e}; keine Datei geschrieben"),
        };
    }
}
