//! The Reports masks: one report (pipeline, forecast, won and lost, activity,
//! campaigns) as the server computed it, drawn as bars, gauges or sparklines —
//! each section says how — or as a plain table (`t`). The view keeps the report
//! as a snapshot with the params it was asked with; `prepare` asks for another in
//! the background when the params change, `render` only draws what is there. A
//! request the server refuses leaves the report as it was and says why on the
//! status line.

mod bars;
mod body;
mod gauges;
mod layout;
mod prompt;
mod sparklines;
mod table;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use self::layout::Item;
pub use self::prompt::{Prompt, PromptKind};
use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use super::job::Job;
use crate::api::report::{Params, Report, ReportKind};
use crate::model::Lang;
use crate::util::safe_text;

/// Columns the plain table scrolls per key.
const HSCROLL: usize = 8;
/// The smallest area a chart is drawn in; below it a message says so (the plain
/// table is drawn in any).
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 6;

/// What a report request brings back: the params it was asked with and the
/// report or why there is none.
type Loaded = (Params, Result<Report, String>);

pub struct ChartView {
    kind: ReportKind,
    /// What the report on screen was asked with.
    params: Params,
    report: Option<Report>,
    /// Why there is no report at all (a later refusal keeps the last report).
    error: Option<String>,
    job: Job<Loaded>,
    /// The params to ask with next: a change, a reload, or the first read.
    wanted: Option<Params>,
    /// The params of the request under way.
    asked: Option<Params>,
    /// Records changed since the report was read.
    changed: bool,
    /// The plain table instead of the chart.
    table: bool,
    /// The first item (chart) or line (table) on screen.
    scroll: usize,
    /// Columns of the plain table scrolled off to the left.
    hscroll: usize,
    /// Body lines and width at the last `prepare`.
    page: usize,
    width: usize,
    prompt: Option<Prompt>,
    /// The keys of the params line as the keymap binds them, with what they change.
    keys: Vec<(String, &'static str)>,
}

/// What an empty section says.
pub(super) fn nothing(kind: ReportKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (ReportKind::Pipeline, Lang::En) => "no open opportunities in this scope",
        (ReportKind::Pipeline, Lang::De) => "keine offenen Verkaufschancen in diesem Rahmen",
        (ReportKind::Forecast, Lang::En) => "no forecasts in this period and scope",
        (ReportKind::Forecast, Lang::De) => "keine Prognosen in dieser Periode und diesem Rahmen",
        (ReportKind::WinLoss, Lang::En) => "no won or lost opportunities in this scope",
        (ReportKind::WinLoss, Lang::De) => {
            "keine gewonnenen oder verlorenen Verkaufschancen in diesem Rahmen"
        }
        (ReportKind::Activity, Lang::En) => "no interactions or completed tasks in this scope",
        (ReportKind::Activity, Lang::De) => {
            "keine Interaktionen oder erledigten Aufgaben in diesem Rahmen"
        }
        (ReportKind::Campaigns, Lang::En) => "no campaigns in this scope",
        (ReportKind::Campaigns, Lang::De) => "keine Kampagnen in diesem Rahmen",
    }
}

/// What a params-line key changes, in a word.
fn key_word(action: Action, lang: Lang) -> &'static str {
    match (action, lang) {
        (Action::ReportPeriod, Lang::En) => "period",
        (Action::ReportPeriod, Lang::De) => "Periode",
        (Action::ReportRange, Lang::En) => "dates",
        (Action::ReportRange, Lang::De) => "Zeitraum",
        (Action::ReportFilter, Lang::En) => "filter",
        (Action::ReportFilter, Lang::De) => "Filter",
        (Action::ReportBy, Lang::En) => "by",
        (Action::ReportBy, Lang::De) => "nach",
        (_, Lang::En) => "table",
        (_, Lang::De) => "Tabelle",
    }
}

impl ChartView {
    pub fn new(kind: ReportKind) -> ChartView {
        ChartView {
            kind,
            params: Params::default(),
            report: None,
            error: None,
            job: Job::default(),
            wanted: Some(Params::default()),
            asked: None,
            changed: false,
            table: false,
            scroll: 0,
            hscroll: 0,
            page: 0,
            width: 0,
            prompt: None,
            keys: Vec::new(),
        }
    }

    pub fn kind(&self) -> ReportKind {
        self.kind
    }
    /// The report on screen, as it was read.
    pub fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }
    /// What the report on screen was asked with.
    pub fn params(&self) -> &Params {
        &self.params
    }
    /// What the next change starts from: the params last asked for.
    fn latest(&self) -> &Params {
        self.wanted
            .as_ref()
            .or(self.asked.as_ref())
            .unwrap_or(&self.params)
    }

    /// Whether a report is being read or waits to be.
    pub fn is_loading(&self) -> bool {
        self.job.is_running() || self.wanted.is_some()
    }
    pub fn showing_table(&self) -> bool {
        self.table
    }
    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    /// Records changed somewhere: a chart on screen says so (`r` reads it
    /// again); one that is not is read again when it is next shown.
    pub fn changed(&mut self, on_screen: bool) {
        if on_screen && self.report.is_some() {
            self.changed = true;
        } else if self.wanted.is_none() {
            self.wanted = Some(self.params.clone());
        }
    }

    /// "n/m" for the status line: the first row on screen and how many there are.
    pub fn position(&self) -> (usize, usize) {
        let Some(report) = &self.report else {
            return (0, 0);
        };
        let rows: usize = report.sections.iter().map(|s| s.rows.len()).sum();
        if self.table || rows == 0 {
            return (usize::from(rows > 0), rows);
        }
        let items = layout::items(report);
        let before = items[..self.scroll.min(items.len())]
            .iter()
            .filter(|i| matches!(i, Item::Row(..)))
            .count();
        ((before + 1).min(rows), rows)
    }

    /// The furthest the body scrolls.
    fn max_scroll(&self, lang: Lang) -> usize {
        let Some(report) = &self.report else { return 0 };
        if self.table {
            table::lines(report, lang).len().saturating_sub(self.page)
        } else {
            layout::max_start(report, &layout::items(report), self.page)
        }
    }

    fn scroll_by(&mut self, action: Action, lang: Lang) {
        let max = self.max_scroll(lang);
        let page = match (&self.report, self.table) {
            (Some(r), false) => layout::fitting(r, &layout::items(r), self.scroll, self.page),
            _ => self.page.max(1),
        };
        self.scroll = match action {
            Action::Up => self.scroll.saturating_sub(1),
            Action::Down => self.scroll + 1,
            Action::PageUp => self.scroll.saturating_sub(page),
            Action::PageDown => self.scroll + page,
            Action::Top => 0,
            _ => max,
        }
        .min(max);
    }

    fn hscroll_by(&mut self, right: bool, lang: Lang) {
        let Some(report) = &self.report else { return };
        let max = table::width(&table::lines(report, lang)).saturating_sub(self.width);
        self.hscroll = if right {
            (self.hscroll + HSCROLL).min(max)
        } else {
            self.hscroll.saturating_sub(HSCROLL)
        };
    }

    /// Keys while the prompt line is open: text, Enter applies, Esc closes; they
    /// are the line's own, as in the table's filter line.
    fn prompt_key(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        if key.code == KeyCode::Enter {
            let today = crate::model::value::today();
            let applied = self.prompt.as_ref().map(|p| p.apply(self.latest(), today));
            match applied {
                Some(Ok(params)) => {
                    self.prompt = None;
                    self.wanted = Some(params);
                }
                Some(Err(e)) => ctx.request(Request::Status(e)),
                None => return Handled::Ignored,
            }
            return Handled::Consumed;
        }
        let Some(prompt) = &mut self.prompt else {
            return Handled::Ignored;
        };
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => self.prompt = None,
            // Ctrl-U empties the line, as in a shell.
            KeyCode::Char('u') if key.modifiers == KeyModifiers::CONTROL => prompt.input.clear(),
            KeyCode::Backspace => {
                prompt.input.pop();
            }
            KeyCode::Char(c) if plain => prompt.input.push(c),
            // Ctrl-C and the like still work while typing.
            _ if action.is_some() => return Handled::Ignored,
            _ => {}
        }
        Handled::Consumed
    }

    fn params_line(&self, width: u16, lang: Lang) -> Line<'static> {
        if let Some(p) = &self.prompt {
            let hint = match lang {
                Lang::En => "  enter: apply · ctrl-u: clear · esc: cancel",
                Lang::De => "  Enter: übernehmen · Strg-U: leeren · Esc: abbrechen",
            };
            // What is typed stays in view; the label gives way.
            let input = safe_text(&p.input);
            let room = width.saturating_sub(input.width() as u16 + 3);
            return Line::from(vec![
                Span::styled(
                    format!("{}: ", layout::fit(p.label(lang), room)),
                    Style::new().fg(Color::Cyan),
                ),
                Span::raw(input),
                Span::styled("█", Style::new().fg(Color::Cyan)),
                Span::styled(hint, layout::dim()),
            ]);
        }
        let mut spans = Vec::new();
        if let Some(r) = &self.report {
            spans.push(Span::styled(
                format!(" {} ", safe_text(r.scope_in(lang))),
                Style::new().fg(Color::Black).bg(Color::Cyan),
            ));
        }
        if self.is_loading() && self.report.is_some() {
            spans.push(Span::styled(
                match lang {
                    Lang::En => " reading…",
                    Lang::De => " wird gelesen…",
                },
                Style::new().fg(Color::Yellow),
            ));
        } else if self.changed {
            spans.push(Span::styled(
                match lang {
                    Lang::En => " records changed: r reads again",
                    Lang::De => " Datensätze geändert: r liest neu",
                },
                Style::new().fg(Color::Yellow),
            ));
        }
        let keys: Vec<String> = self
            .keys
            .iter()
            .map(|(key, word)| format!("{key} {word}"))
            .collect();
        spans.push(Span::styled(
            format!("  {}", keys.join(" · ")),
            layout::dim(),
        ));
        Line::from(spans)
    }
}

impl Component for ChartView {
    fn context(&self) -> Context {
        Context::Chart
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        if self.prompt.is_some() {
            return self.prompt_key(key, action, ctx);
        }
        let Some(action) = action else {
            return Handled::Ignored;
        };
        let base = self.latest();
        match action {
            Action::ReportPeriod => self.prompt = Some(Prompt::open(PromptKind::Period, base)),
            Action::ReportRange => self.prompt = Some(Prompt::open(PromptKind::Range, base)),
            Action::ReportFilter => self.prompt = Some(Prompt::open(PromptKind::Filter, base)),
            Action::ReportBy => self.prompt = Some(Prompt::open(PromptKind::By, base)),
            Action::Reload => self.wanted = Some(self.latest().clone()),
            Action::ToggleTable => {
                self.table = !self.table;
                self.scroll = 0;
                self.hscroll = 0;
            }
            Action::Export => ctx.request(Request::AskReportExport(self.kind)),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => self.scroll_by(action, ctx.lang),
            Action::Left | Action::Right if self.table => {
                self.hscroll_by(action == Action::Right, ctx.lang)
            }
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    fn prepare(&mut self, area: Rect, ctx: &mut Ctx) {
        if let Some((params, result)) = self.job.poll() {
            self.asked = None;
            match result {
                Ok(report) => {
                    self.report = Some(report);
                    self.params = params;
                    self.error = None;
                    self.changed = false;
                }
                Err(e) => {
                    if self.report.is_none() {
                        self.error = Some(e.clone());
                    }
                    ctx.request(Request::Status(e));
                }
            }
        }
        if !self.job.is_running() {
            if let Some(params) = self.wanted.take() {
                self.asked = Some(params.clone());
                let client = ctx.api.clone();
                let kind = self.kind;
                self.job.start(move || {
                    let result = client.report(kind, params.clone());
                    (params, result.map_err(|e| e.to_string()))
                });
            }
        }
        self.page = usize::from(area.height.saturating_sub(1));
        self.width = usize::from(area.width);
        self.scroll = self.scroll.min(self.max_scroll(ctx.lang));
        self.keys = [
            Action::ReportPeriod,
            Action::ReportRange,
            Action::ReportFilter,
            Action::ReportBy,
            Action::ToggleTable,
        ]
        .into_iter()
        .filter_map(|a| {
            let key = ctx.keymap.key_for(Context::Chart, a)?;
            Some((key.to_string(), key_word(a, ctx.lang)))
        })
        .collect();
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        if area.height == 0 {
            return;
        }
        let top = Rect { height: 1, ..area };
        frame.render_widget(Paragraph::new(self.params_line(area.width, lang)), top);
        let body = Rect {
            y: area.y + 1,
            height: area.height - 1,
            ..area
        };
        let Some(report) = &self.report else {
            let text = match (&self.error, lang) {
                (Some(e), Lang::En) => {
                    format!("{}\n\nThe keys above change what it reads.", safe_text(e))
                }
                (Some(e), Lang::De) => {
                    format!(
                        "{}\n\nDie Tasten darüber ändern, was er liest.",
                        safe_text(e)
                    )
                }
                (None, Lang::En) => format!("reading the {} report…", self.kind.title(lang)),
                (None, Lang::De) => format!("Bericht {} wird gelesen…", self.kind.title(lang)),
            };
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), body);
            return;
        };
        if !self.table && (area.width < MIN_WIDTH || area.height < MIN_HEIGHT) {
            let word = key_word(Action::ToggleTable, lang);
            let key = self.keys.iter().find(|(_, w)| *w == word);
            let key = key.map_or("", |(k, _)| k.as_str());
            let text = match lang {
                Lang::En => format!(
                    "The chart needs {MIN_WIDTH}×{MIN_HEIGHT}: enlarge the window, or {key} shows the table."
                ),
                Lang::De => format!(
                    "Das Diagramm braucht {MIN_WIDTH}×{MIN_HEIGHT}: Fenster vergrößern, oder {key} zeigt die Tabelle."
                ),
            };
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), body);
        } else if self.table {
            let lines = table::lines(report, lang);
            let scroll = (
                u16::try_from(self.scroll).unwrap_or(u16::MAX),
                u16::try_from(self.hscroll).unwrap_or(u16::MAX),
            );
            frame.render_widget(Paragraph::new(lines).scroll(scroll), body);
        } else {
            body::draw(frame.buffer_mut(), body, report, self.scroll, lang);
        }
    }

    fn commands(&self) -> Vec<Action> {
        vec![
            Action::ReportPeriod,
            Action::ReportRange,
            Action::ReportFilter,
            Action::ReportBy,
            Action::ToggleTable,
            Action::Export,
            Action::Reload,
            Action::Help,
        ]
    }
}
