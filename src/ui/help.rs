//! The hint bar and the help popup, both built from the keymap's descriptions so
//! they always say what the keys really do.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use super::keymap::{Binding, KeyChord, Keymap};
use crate::model::Lang;

fn key_style() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

/// The hint bar: "key desc" for each action the component offers that has a key
/// here, in the order given; the caller truncates to the width it has.
pub fn hint_line(
    keymap: &Keymap,
    context: Context,
    actions: &[Action],
    lang: Lang,
) -> Line<'static> {
    let mut spans = Vec::new();
    for &action in actions {
        let (Some(key), Some(desc)) = (
            keymap.key_for(context, action),
            keymap.describe(context, action, lang),
        ) else {
            continue;
        };
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(key.to_string(), key_style()));
        spans.push(Span::raw(format!(" {desc}")));
    }
    Line::from(spans)
}

/// The heading of a context's keys in help.
fn context_title(context: Context, lang: Lang) -> &'static str {
    match (lang, context) {
        (_, Context::Global) => "Global",
        (Lang::En, Context::Table) => "Table",
        (Lang::En, Context::Form) => "Form",
        (Lang::En, Context::Picker) => "Picker",
        (Lang::En, Context::Palette) => "Command palette",
        (Lang::En, Context::Confirm) => "Confirmation",
        (Lang::En, Context::Help) => "Help",
        (Lang::En, Context::Home) => "Home (inbox, alerts)",
        (Lang::De, Context::Home) => "Start (Posteingang, Hinweise)",
        (Lang::En, Context::Group) => "Groups (group-by)",
        (Lang::De, Context::Group) => "Gruppen (Gruppierung)",
        (Lang::De, Context::Table) => "Tabelle",
        (Lang::De, Context::Form) => "Formular",
        (Lang::De, Context::Picker) => "Auswahl",
        (Lang::De, Context::Palette) => "Befehlspalette",
        (Lang::De, Context::Confirm) => "Rückfrage",
        (Lang::De, Context::Help) => "Hilfe",
        (Lang::En, Context::Board) => "Pipeline board",
        (Lang::De, Context::Board) => "Pipeline-Tafel",
        (Lang::En, Context::Chart) => "Chart",
        (Lang::De, Context::Chart) => "Diagramm",
        (Lang::En, Context::Sort) => "Sort menu",
        (Lang::De, Context::Sort) => "Sortiermenü",
        (Lang::En, Context::Columns) => "Column chooser",
        (Lang::De, Context::Columns) => "Spaltenauswahl",
    }
}

/// One line of the help list.
enum Row<'a> {
    Heading(Context),
    Entry { keys: String, desc: &'a str },
}

/// The keys of the context it was opened for and the global ones, filtered by
/// what the user types.
pub struct HelpPopup {
    pub context: Context,
    groups: Vec<(Context, Vec<Binding>)>,
    filter: String,
    scroll: usize,
    /// List rows shown at the last render, for paging and clamping the scroll.
    page: Cell<usize>,
}

impl HelpPopup {
    pub fn new(context: Context, keymap: &Keymap) -> HelpPopup {
        let mut groups = Vec::new();
        for c in [context, Context::Global] {
            if groups.iter().any(|(g, _)| *g == c) {
                continue;
            }
            // Only keys that do this here: a global "q" is typed in a form, not run.
            let bindings: Vec<Binding> = keymap
                .bindings(c)
                .iter()
                .filter_map(|b| {
                    let works =
                        |chord: &KeyChord| keymap.resolve_chord(context, *chord) == Some(b.action);
                    let (keys, chords): (Vec<String>, Vec<KeyChord>) = b
                        .keys
                        .iter()
                        .zip(&b.chords)
                        .filter(|(_, chord)| works(chord))
                        .map(|(k, chord)| (k.clone(), *chord))
                        .unzip();
                    Some(Binding {
                        on: keys.first()?.clone(),
                        keys,
                        chords,
                        ..b.clone()
                    })
                })
                .collect();
            if !bindings.is_empty() {
                groups.push((c, bindings));
            }
        }
        HelpPopup {
            context,
            groups,
            filter: String::new(),
            scroll: 0,
            page: Cell::new(10),
        }
    }

    /// What is typed into the filter line.
    pub fn filter(&self) -> &str {
        &self.filter
    }

    fn rows(&self, lang: Lang) -> Vec<Row<'_>> {
        let needle = self.filter.to_lowercase();
        let mut rows = Vec::new();
        for (context, bindings) in &self.groups {
            let mut entries = bindings
                .iter()
                .map(|b| (b.keys_label(), b))
                .filter(|(keys, b)| {
                    needle.is_empty()
                        || keys.to_lowercase().contains(&needle)
                        || b.desc(lang).to_lowercase().contains(&needle)
                        || b.action.name().contains(&needle)
                })
                .peekable();
            if entries.peek().is_some() {
                rows.push(Row::Heading(*context));
                rows.extend(entries.map(|(keys, b)| Row::Entry {
                    keys,
                    desc: b.desc(lang),
                }));
            }
        }
        rows
    }

    fn max_scroll(&self, lang: Lang) -> usize {
        self.rows(lang).len().saturating_sub(self.page.get())
    }

    fn scroll_by(&mut self, action: Action, lang: Lang) -> bool {
        let page = self.page.get().max(1);
        let max = self.max_scroll(lang);
        self.scroll = match action {
            Action::Up => self.scroll.saturating_sub(1),
            Action::Down => self.scroll + 1,
            Action::PageUp => self.scroll.saturating_sub(page),
            Action::PageDown => self.scroll + page,
            Action::Top => 0,
            Action::Bottom => max,
            _ => return false,
        }
        .min(max);
        true
    }
}

/// 70% × 80% of the area, but no smaller than 50 × 10 where the area allows.
fn popup_area(area: Rect) -> Rect {
    let width = (area.width * 7 / 10).max(area.width.min(50));
    let height = (area.height * 8 / 10).max(area.height.min(10));
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

impl Component for HelpPopup {
    fn context(&self) -> Context {
        Context::Help
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        let plain_char = matches!(key.code, KeyCode::Char(_))
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        // While a filter is typed, help's own plain keys ("q", "?") are text.
        if let Some(action) = action.filter(|_| !plain_char || self.filter.is_empty()) {
            match action {
                Action::Cancel | Action::Back if !self.filter.is_empty() => {
                    self.filter.clear();
                    self.scroll = 0;
                    return Handled::Consumed;
                }
                Action::Cancel | Action::Back | Action::Help => {
                    ctx.request(Request::Back);
                    return Handled::Consumed;
                }
                other if self.scroll_by(other, ctx.lang) => return Handled::Consumed,
                _ => return Handled::Ignored,
            }
        }
        match key.code {
            KeyCode::Char(c) if plain_char => self.filter.push(c),
            KeyCode::Backspace => {
                self.filter.pop();
            }
            _ => return Handled::Ignored,
        }
        self.scroll = 0;
        Handled::Consumed
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let popup = popup_area(area);
        frame.render_widget(Clear, popup);
        let title = match lang {
            Lang::En => format!(" Keys: {} ", context_title(self.context, lang)),
            Lang::De => format!(" Tasten: {} ", context_title(self.context, lang)),
        };
        let rows = self.rows(lang);
        let block = Block::bordered().title(title.bold());
        let inner = block.inner(popup);
        if inner.height < 2 {
            frame.render_widget(block, popup);
            return;
        }
        let [filter_area, list_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
        let height = usize::from(list_area.height);
        self.page.set(height);
        let top = self.scroll.min(rows.len().saturating_sub(height));
        let block = if rows.len() > height {
            let last = (top + height).min(rows.len());
            block.title_bottom(
                Line::from(format!(" {}-{last}/{} ", top + 1, rows.len())).right_aligned(),
            )
        } else {
            block
        };
        frame.render_widget(block, popup);

        let filter_line = if self.filter.is_empty() {
            let prompt = match lang {
                Lang::En => "Type to filter",
                Lang::De => "Tippen zum Filtern",
            };
            Line::from(Span::raw(prompt).dim())
        } else {
            Line::from(vec![
                Span::raw("/ ").dim(),
                Span::raw(self.filter.clone()).bold(),
            ])
        };
        frame.render_widget(Paragraph::new(filter_line), filter_area);

        if rows.is_empty() {
            let none = match lang {
                Lang::En => "No key matches",
                Lang::De => "Keine Taste passt",
            };
            frame.render_widget(Paragraph::new(Line::from(none).dim()), list_area);
            return;
        }
        let key_width = rows
            .iter()
            .map(|r| match r {
                Row::Entry { keys, .. } => keys.width(),
                Row::Heading(_) => 0,
            })
            .max()
            .unwrap_or(0)
            .min(usize::from(list_area.width) / 2);
        let lines: Vec<Line> = rows
            .iter()
            .skip(top)
            .take(height)
            .map(|row| match row {
                Row::Heading(c) => Line::from(context_title(*c, lang).bold().fg(Color::Cyan)),
                Row::Entry { keys, desc } => {
                    let pad = key_width.saturating_sub(keys.width());
                    Line::from(vec![
                        Span::raw("  "),
                        Span::styled(keys.clone(), key_style()),
                        Span::raw(format!("{}  {desc}", " ".repeat(pad))),
                    ])
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list_area);
    }

    fn commands(&self) -> Vec<Action> {
        vec![Action::Cancel, Action::Down, Action::Up, Action::PageDown]
    }
}

#[cfg(test)]
mod tests {

    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    use super::*;
    use crate::api::local::Local;
    use crate::api::Client;

    fn screen(popup: &HelpPopup, lang: Lang, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| popup.render(frame, frame.area(), lang))
            .unwrap();
        let buffer = terminal.backend().buffer();
        let mut text = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                text.push_str(buffer[(x, y)].symbol());
            }
            text.push('\n');
        }
        text
    }

    /// Feeds keys the way the app does: resolved in the Help context.
    struct Driver {
        _dir: tempfile::TempDir,
        client: Client,
        keymap: Keymap,
        lang: Lang,
    }

    impl Driver {
        fn new(lang: Lang) -> Driver {
            let dir = tempfile::tempdir().unwrap();
            let api = Local::open(&dir.path().join("db")).unwrap();
            Driver {
                _dir: dir,
                client: api,
                keymap: Keymap::builtin(),
                lang,
            }
        }
        fn press(&self, popup: &mut HelpPopup, code: KeyCode) -> Vec<Request> {
            let key = KeyEvent::new(code, KeyModifiers::NONE);
            let action = self.keymap.resolve(popup.context(), &key);
            let mut requests = Vec::new();
            let mut ctx = Ctx {
                api: &self.client,
                keymap: &self.keymap,
                lang: self.lang,
                requests: &mut requests,
            };
            popup.handle(key, action, &mut ctx);
            requests
        }
        fn type_text(&self, popup: &mut HelpPopup, text: &str) {
            for c in text.chars() {
                assert!(self.press(popup, KeyCode::Char(c)).is_empty());
            }
        }
    }

    #[test]
    fn hint_line_takes_keys_and_descriptions_from_the_keymap() {
        let keymap = Keymap::builtin();
        let actions = [Action::Filter, Action::SortBy, Action::Quit, Action::Save];
        let text = |lang| hint_line(&keymap, Context::Table, &actions, lang).to_string();
        assert_eq!(
            text(Lang::En),
            "/ Filter  s Sort by a column (then its letter)  ctrl-c Quit"
        );
        assert_eq!(
            text(Lang::De),
            "/ Filtern  s Nach einer Spalte sortieren (dann ihr Buchstabe)  ctrl-c Beenden"
        );
        let form = hint_line(
            &keymap,
            Context::Form,
            &[Action::Save, Action::Help],
            Lang::En,
        );
        assert_eq!(form.to_string(), "ctrl-s Save  f1 Keys of this view");
    }

    #[test]
    fn popup_lists_context_and_global_keys_and_filters_live() {
        let driver = Driver::new(Lang::En);
        let mut popup = HelpPopup::new(Context::Table, &driver.keymap);
        let first = screen(&popup, Lang::En, 80, 24);
        assert!(first.contains("Keys: Table"), "{first}");
        assert!(first.contains("Type to filter"), "{first}");
        // Keys in one column, padded to the widest ("ctrl-f, f3").
        assert!(
            first.contains("│  s           Sort by a column (then its letter)"),
            "{first}"
        );
        assert!(first.contains("│  up, k       Previous row"), "{first}");
        assert!(first.contains("1-16/52"), "{first}");

        // Scroll down to the global section.
        driver.press(&mut popup, KeyCode::PageDown);
        // The table's keys run a little past a page: a few rows more.
        for _ in 0..3 {
            if screen(&popup, Lang::En, 80, 24).contains("ctrl-c, q") {
                break;
            }
            driver.press(&mut popup, KeyCode::Down);
        }
        let scrolled = screen(&popup, Lang::En, 80, 24);
        assert!(scrolled.contains("ctrl-c, q"), "{scrolled}");
        assert!(scrolled.contains("Global"), "{scrolled}");

        // With the filter empty "q" closes help; once a filter is typed it is text.
        driver.type_text(&mut popup, "u");
        driver.press(&mut popup, KeyCode::Backspace);
        driver.type_text(&mut popup, "Sort");
        let sorted = screen(&popup, Lang::En, 80, 24);
        assert!(sorted.contains("/ Sort"), "{sorted}");
        assert!(
            sorted.contains("Reverse sort") && !sorted.contains("Previous row"),
            "{sorted}"
        );
        for _ in 0..4 {
            driver.press(&mut popup, KeyCode::Backspace);
        }
        driver.type_text(&mut popup, "uiq");
        assert_eq!(popup.filter(), "uiq");
        for _ in 0..2 {
            driver.press(&mut popup, KeyCode::Backspace);
        }
        driver.type_text(&mut popup, "it");
        let filtered = screen(&popup, Lang::En, 80, 24);
        assert!(filtered.contains("/ uit"), "{filtered}");
        assert!(
            filtered.contains("ctrl-c, q") && filtered.contains("Quit"),
            "{filtered}"
        );
        assert!(!filtered.contains("Sort by a column"), "{filtered}");
        assert!(
            !filtered.contains("│Table") && filtered.contains("│Global"),
            "{filtered}"
        );

        driver.press(&mut popup, KeyCode::Backspace);
        assert_eq!(popup.filter(), "ui");
        driver.type_text(&mut popup, "zzz");
        assert!(screen(&popup, Lang::En, 80, 24).contains("No key matches"));

        // Esc clears the filter first, then closes.
        assert!(driver.press(&mut popup, KeyCode::Esc).is_empty());
        assert_eq!(popup.filter(), "");
        assert!(screen(&popup, Lang::En, 80, 24).contains("Sort by a column"));
        assert_eq!(driver.press(&mut popup, KeyCode::Esc), vec![Request::Back]);
        assert_eq!(
            driver.press(&mut popup, KeyCode::Char('q')),
            vec![Request::Back]
        );
    }

    #[test]
    fn popup_speaks_german_and_survives_tiny_areas() {
        let driver = Driver::new(Lang::De);
        let mut popup = HelpPopup::new(Context::Form, &driver.keymap);
        let text = screen(&popup, Lang::De, 80, 24);
        assert!(text.contains("Tasten: Formular"), "{text}");
        assert!(
            text.contains("Speichern") && text.contains("ctrl-s, f2"),
            "{text}"
        );
        driver.type_text(&mut popup, "löschen");
        let text = screen(&popup, Lang::De, 80, 24);
        assert!(
            text.contains("Datensatz löschen") && !text.contains("Speichern"),
            "{text}"
        );
        for (w, h) in [(20, 5), (10, 3), (1, 1), (0, 0)] {
            screen(&popup, Lang::De, w, h);
        }
        driver.press(&mut popup, KeyCode::End);
        driver.press(&mut popup, KeyCode::PageDown);
        screen(&popup, Lang::De, 20, 5);
    }
}
