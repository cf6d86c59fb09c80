//! One row of a form: a field's label and its text input, with what was loaded into
//! it (for dirty tracking) and the error a save found there.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use tui_textarea::{CursorMove, TextArea};
use unicode_width::UnicodeWidthChar;

use crate::model::{FieldDef, FieldKind, Lang};

/// Pasted text as an input of this kind takes it: line ends as `\n` (spaces in a
/// single-line input, tabs too), other C0 control characters left out (their
/// count and the first one beside the text).
pub fn clean_paste(text: &str, multiline: bool) -> (String, Option<(usize, char)>) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut dropped: Option<(usize, char)> = None;
    let cleaned = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\t' if multiline => Some(c),
            '\n' | '\t' => Some(' '),
            c if c < ' ' => {
                match &mut dropped {
                    Some((n, _)) => *n += 1,
                    None => dropped = Some((1, c)),
                }
                None
            }
            c => Some(c),
        })
        .collect();
    (cleaned, dropped)
}

/// How many rows a multi-line notes input takes.
pub const MULTILINE_ROWS: u16 = 4;

/// What a row edits: the record key (new code-keyed records only) or a field.
#[derive(Debug, Clone, Copy)]
pub enum Slot {
    Key,
    Field(&'static FieldDef),
}

pub struct FieldInput {
    pub slot: Slot,
    /// Read-only rows (the key of a saved or generated record) take no focus.
    pub editable: bool,
    pub area: TextArea<'static>,
    /// The text the input was loaded with.
    pub original: String,
    pub error: Option<String>,
    focused: bool,
    /// The first line and the first char (of every line) drawn, kept from frame
    /// to frame so the view only moves when the cursor would leave it.
    scroll: Cell<(usize, usize)>,
}

impl FieldInput {
    pub fn new(slot: Slot, editable: bool, text: &str) -> FieldInput {
        let lines: Vec<String> = if matches!(slot, Slot::Field(f) if f.kind == FieldKind::Multiline)
        {
            text.split('\n').map(str::to_string).collect()
        } else {
            vec![text.replace('\n', " ")]
        };
        let area = TextArea::new(lines);
        let mut input = FieldInput {
            slot,
            editable,
            original: String::new(),
            area,
            error: None,
            focused: false,
            scroll: Cell::new((0, 0)),
        };
        input.original = input.text();
        input.set_focused(false);
        input
    }

    /// The name `model::assign::apply` knows the row by.
    pub fn name(&self) -> &'static str {
        match self.slot {
            Slot::Key => "key",
            Slot::Field(f) => f.name,
        }
    }

    pub fn label(&self, lang: Lang) -> &'static str {
        match (self.slot, lang) {
            (Slot::Key, _) if self.editable => "Code",
            (Slot::Key, Lang::En) => "Key",
            (Slot::Key, Lang::De) => "Schlüssel",
            (Slot::Field(f), _) => f.label(lang),
        }
    }

    pub fn field(&self) -> Option<&'static FieldDef> {
        match self.slot {
            Slot::Key => None,
            Slot::Field(f) => Some(f),
        }
    }

    pub fn is_multiline(&self) -> bool {
        self.field().is_some_and(|f| f.kind == FieldKind::Multiline)
    }

    /// The entity a reference input points at.
    pub fn target(&self) -> Option<&'static str> {
        self.field().and_then(|f| f.kind.target())
    }

    /// Screen rows of the input itself (without its error line).
    pub fn input_height(&self) -> u16 {
        if self.is_multiline() {
            MULTILINE_ROWS
        } else {
            1
        }
    }

    /// Screen rows of the whole row, error line included.
    pub fn height(&self) -> u16 {
        self.input_height() + u16::from(self.error.is_some())
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn set_text(&mut self, text: &str) {
        self.area = FieldInput::new(self.slot, self.editable, text).area;
        self.set_focused(self.focused);
    }

    pub fn is_modified(&self) -> bool {
        self.editable && self.text() != self.original
    }

    /// Only the focused input shows a cursor, at the end of its text; the others
    /// show their text from the start.
    pub fn set_focused(&mut self, focused: bool) {
        self.focused = focused;
        let cursor = if focused {
            self.area.move_cursor(CursorMove::Bottom);
            self.area.move_cursor(CursorMove::End);
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            self.area.move_cursor(CursorMove::Top);
            self.area.move_cursor(CursorMove::Head);
            Style::default()
        };
        self.area.set_cursor_style(cursor);
        self.area.set_cursor_line_style(Style::default());
    }

    /// Edits the text with a key; a single-line input stays one line.
    pub fn input(&mut self, key: crossterm::event::KeyEvent) {
        self.area.input(key);
        if !self.is_multiline() && self.area.lines().len() > 1 {
            let joined = self.area.lines().join(" ");
            self.set_text(&joined);
        }
    }

    /// Inserts pasted text at the cursor as one edit: a single-line input takes
    /// its line breaks and tabs as spaces; other control characters (which no
    /// field stores) are left out, and their count and the first one returned.
    pub fn paste(&mut self, text: &str) -> Option<(usize, char)> {
        let (text, dropped) = clean_paste(text, self.is_multiline());
        self.area.insert_str(text);
        dropped
    }

    /// The cursor is on the first (or last) line: Up (Down) leaves the input.
    pub fn at_top(&self) -> bool {
        self.area.cursor().0 == 0
    }
    pub fn at_bottom(&self) -> bool {
        self.area.cursor().0 + 1 >= self.area.lines().len()
    }
    pub fn cursor_up(&mut self) {
        self.area.move_cursor(CursorMove::Up);
    }
    pub fn cursor_down(&mut self) {
        self.area.move_cursor(CursorMove::Down);
    }

    /// Draws the text into `rect`: only the lines and columns that show, scrolled so
    /// the cursor stays in view, so a frame costs the same however long the text is
    /// (the text area's own drawing measures every char of a line, each frame).
    pub fn draw(&self, rect: Rect, buf: &mut Buffer) {
        let (width, height) = (usize::from(rect.width), usize::from(rect.height));
        if width == 0 || height == 0 {
            return;
        }
        let lines = self.area.lines();
        let cursor = self.area.cursor();
        let (row, col) = (cursor.0, cursor.1);
        let (mut top, mut left) = self.scroll.get();
        top = top.min(row).max((row + 1).saturating_sub(height));
        if col < left {
            left = col;
        } else {
            // Walk back from the cursor over at most a screen's width of chars:
            // the cursor's cell and the chars before it that fit.
            let line = &lines[row];
            let mut used = 1;
            let mut first = col;
            for c in line[..byte_at(line, col)].chars().rev() {
                let w = c.width().unwrap_or(0);
                if first == left || used + w > width {
                    break;
                }
                used += w;
                first -= 1;
            }
            left = left.max(first);
        }
        self.scroll.set((top, left));
        let cursor_style = if self.focused {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        for (y, (n, line)) in lines.iter().enumerate().skip(top).take(height).enumerate() {
            let y = rect.y + y as u16;
            let shown = &line[byte_at(line, left)..];
            buf.set_stringn(rect.x, y, shown, width, Style::default());
            if n == row && self.focused {
                let at = &line[byte_at(line, col)..];
                let c = at.chars().next().unwrap_or(' ');
                let mut cells = 0u16;
                for c in line[byte_at(line, left)..byte_at(line, col)]
                    .chars()
                    .take(width)
                {
                    cells += c.width().unwrap_or(0) as u16;
                }
                if cells < rect.width {
                    let symbol = c.to_string();
                    buf.set_stringn(rect.x + cells, y, &symbol, 1, cursor_style);
                }
            }
        }
    }
}

/// The byte offset of char number `n` of `line` (its end if shorter).
fn byte_at(line: &str, n: usize) -> usize {
    if line.is_ascii() {
        return n.min(line.len());
    }
    line.char_indices().nth(n).map_or(line.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn focused_input(text: &str) -> FieldInput {
        let def = crate::model::entity("territory").unwrap();
        let field = def.fields.iter().find(|f| f.name == "description").unwrap();
        let mut input = FieldInput::new(Slot::Field(field), true, text);
        input.set_focused(true);
        input
    }

    fn drawn(input: &FieldInput, width: u16) -> String {
        let rect = Rect::new(0, 0, width, 1);
        let mut buf = Buffer::empty(rect);
        input.draw(rect, &mut buf);
        (0..width).map(|x| buf[(x, 0)].symbol()).collect()
    }

    #[test]
    fn a_long_line_shows_its_end_with_the_cursor_after_it() {
        let mut text = "ab".repeat(10_000);
        text.push_str("END");
        let input = focused_input(&text);
        let shown = drawn(&input, 10);
        assert_eq!(shown, format!("{} ", &text[text.len() - 9..]));
        let rect = Rect::new(0, 0, 10, 1);
        let mut buf = Buffer::empty(rect);
        input.draw(rect, &mut buf);
        assert!(buf[(9, 0)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn the_view_moves_only_when_the_cursor_would_leave_it() {
        let mut input = focused_input("");
        for c in "hello world".chars() {
            input.input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            drawn(&input, 8);
        }
        assert_eq!(drawn(&input, 8), "o world ");
        for _ in 0..4 {
            input.input(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
        }
        assert_eq!(drawn(&input, 8), "o world ", "still in view: no scroll");
        input.input(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE));
        assert_eq!(drawn(&input, 8), "hello wo");
        assert_eq!(drawn(&focused_input(&"ü".repeat(3)), 8), "üüü     ");
    }

    /// A frame of a 20,000-char input draws the 60 cells that show; only finding
    /// the cursor's byte scans the line (a fast check that it is ASCII).
    #[test]
    fn drawing_a_long_text_draws_only_what_shows() {
        let time = |len: usize| {
            let input = focused_input(&"x".repeat(len));
            let rect = Rect::new(0, 0, 60, 1);
            let mut buf = Buffer::empty(rect);
            let started = std::time::Instant::now();
            for _ in 0..200 {
                input.draw(rect, &mut buf);
            }
            started.elapsed() / 200
        };
        let (short, long) = (time(200), time(20_000));
        eprintln!("a frame at 200 chars: {short:?}, at 20,000: {long:?}");
        // 24 ms before; a loaded machine may take a few times the 0.2 ms it takes.
        assert!(long < std::time::Duration::from_millis(5), "{long:?}");
    }
}
