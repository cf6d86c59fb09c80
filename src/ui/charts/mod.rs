//! The Reports masks: one report (pipeline, forecast, won and lost, activity,
//! campaigns) as the server computed it, drawn as bars, gauges or sparklines —
//! each section says how — or as a plain table (`t`). The view keeps the report
//! as a snapshot with the params it was asked with; `prepare` asks for another in
//! the background when the params change, `render` only draws what is there. A
//! request the server refuses leaves the report as it was and says why on the
//! status line.

mod bars;
mod gauges;
mod layout;
mod prompt;
mod sparklines;
mod table;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
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
use crate::api::report::{Chart, Params, Report, ReportKind, Section};
use crate::model::Lang;
use crate::util::safe_text;

/// Columns the plain table scrolls per key.
const HSCROLL: usize = 8;

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

/// The drawing of one section at one width.
enum Drawer<'a> {
    Bars(bars::Bars<'a>),
    Gauges(gauges::Gauges<'a>),
    Sparks(sparklines::Sparks<'a>),
}

impl<'a> Drawer<'a> {
    fn new(section: &'a Section, width: u16, lang: Lang) -> Drawer<'a> {
        match section.chart {
            Chart::Gauges { .. } => Drawer::Gauges(gauges::Gauges::new(section, width, lang)),
            Chart::Sparklines { .. } => {
                Drawer::Sparks(sparklines::Sparks::new(section, width, lang))
            }
            Chart::Bars { .. } | Chart::None => Drawer::Bars(bars::Bars::new(section, width, lang)),
        }
    }

    fn heading(&self, buf: &mut Buffer, line: Rect, lang: Lang) {
        match self {
            Drawer::Bars(d) => d.heading(buf, line, lang),
            Drawer::Gauges(d) => d.heading(buf, line, lang),
            Drawer::Sparks(d) => d.heading(buf, line, lang),
        }
    }

    fn rows(&self, buf: &mut Buffer, area: Rect, rows: std::ops::Range<usize>, lang: Lang) {
        match self {
            Drawer::Bars(d) => d.rows(buf, area, rows, lang),
            Drawer::Gauges(d) => d.rows(buf, area, rows, lang),
            Drawer::Sparks(d) => d.rows(buf, area, rows, lang),
        }
    }

    fn total(&self, buf: &mut Buffer, line: Rect, lang: Lang) {
        match self {
            Drawer::Bars(d) => d.total(buf, line, lang),
            Drawer::Gauges(d) => d.total(buf, line, lang),
            Drawer::Sparks(d) => d.total(buf, line, lang),
        }
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

    /// Keys while the prompt line is open: text, Enter applies, Esc closes.
    fn prompt_key(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        let Some(prompt) = &mut self.prompt else {
            return Handled::Ignored;
        };
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => self.prompt = None,
            KeyCode::Enter => {
                let today = crate::model::value::today();
                let base = self.wanted.as_ref().unwrap_or(&self.params);
                match prompt.apply(base, today) {
                    Ok(params) => {
                        self.prompt = None;
                        self.wanted = Some(params);
                    }
                    Err(e) => ctx.request(Request::Status(e)),
                }
            }
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
                Lang::En => "  enter: apply · esc: cancel",
                Lang::De => "  Enter: übernehmen · Esc: abbrechen",
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
                format!(" {} ", safe_text(&r.scope)),
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

    fn render_chart(&self, buf: &mut Buffer, area: Rect, report: &Report, lang: Lang) {
        let items = layout::items(report);
        let drawers: Vec<Drawer> = report
            .sections
            .iter()
            .map(|s| Drawer::new(s, area.width, lang))
            .collect();
        let start = self.scroll.min(items.len().saturating_sub(1));
        let mut y = area.y;
        let line = |y: u16| Rect {
            y,
            height: 1,
            ..area
        };
        let heading = |buf: &mut Buffer, s: usize, y: &mut u16| {
            let title = layout::title(&report.sections[s], lang);
            layout::put(
                buf,
                line(*y),
                0,
                area.width,
                &title,
                layout::heading_style(),
            );
            *y += 1;
            if !report.sections[s].rows.is_empty() && *y < area.bottom() {
                drawers[s].heading(buf, line(*y), lang);
                *y += 1;
            }
        };
        if let Some(s) = items.get(start).and_then(|i| layout::sticky(*i)) {
            heading(buf, s, &mut y);
        }
        let mut i = start;
        while i < items.len() && y < area.bottom() {
            match items[i] {
                Item::Heading(s) => heading(buf, s, &mut y),
                Item::Row(s, first) => {
                    let mut end = i;
                    while matches!(items.get(end), Some(Item::Row(t, _)) if *t == s) {
                        end += 1;
                    }
                    let lines: u16 = items[i..end]
                        .iter()
                        .map(|it| layout::height(report, *it))
                        .sum();
                    let rows = Rect {
                        y,
                        height: lines.min(area.bottom() - y),
                        ..area
                    };
                    drawers[s].rows(buf, rows, first..first + (end - i), lang);
                    y = y.saturating_add(lines);
                    i = end;
                    continue;
                }
                Item::Total(s) => {
                    drawers[s].total(buf, line(y), lang);
                    y += 1;
                }
                Item::Empty(_) => {
                    let text = nothing(report.kind, lang);
                    layout::put(buf, line(y), 2, area.width, text, layout::dim());
                    y += 1;
                }
                Item::Blank => y += 1,
            }
            i += 1;
        }
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
        let base = self.wanted.as_ref().unwrap_or(&self.params);
        match action {
            Action::ReportPeriod => self.prompt = Some(Prompt::open(PromptKind::Period, base)),
            Action::ReportRange => self.prompt = Some(Prompt::open(PromptKind::Range, base)),
            Action::ReportFilter => self.prompt = Some(Prompt::open(PromptKind::Filter, base)),
            Action::ReportBy => self.prompt = Some(Prompt::open(PromptKind::By, base)),
            Action::Reload => self.wanted = Some(self.params.clone()),
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
        if self.table {
            let lines = table::lines(report, lang);
            let scroll = (
                u16::try_from(self.scroll).unwrap_or(u16::MAX),
                u16::try_from(self.hscroll).unwrap_or(u16::MAX),
            );
            frame.render_widget(Paragraph::new(lines).scroll(scroll), body);
        } else {
            self.render_chart(frame.buffer_mut(), body, report, lang);
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
