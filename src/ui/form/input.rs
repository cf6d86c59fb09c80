//! One row of a form: a field's label and its text input, with what was loaded into
//! it (for dirty tracking) and the error a save found there.

use ratatui::style::{Modifier, Style};
use tui_textarea::{CursorMove, TextArea};

use crate::model::{FieldDef, FieldKind, Lang};

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

    /// Inserts pasted text at the cursor as one edit; a single-line input takes
    /// its line breaks as spaces.
    pub fn paste(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if self.is_multiline() {
            self.area.insert_str(text);
        } else {
            self.area.insert_str(text.replace('\n', " "));
        }
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
}
