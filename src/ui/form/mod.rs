//! The form of one record, generated from its entity's declaration: a labelled
//! text input per field, saved all-or-nothing through the client with the error
//! shown at its field; a stored record comes with its child lists and figures.

mod conflict;
mod focus;
mod input;
mod live;
mod names;
mod render;
mod save;

pub use conflict::Conflict;
#[cfg(test)]
mod tests;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::{layout::Rect, Frame};

use super::action::{Action, Context};
use super::component::{Component, Ctx, Handled, Request};
use crate::api::{ChildList, Client, Entry, Figure, FormData, Rec, TimelineEvent};
use crate::model::{self, assign, EntityDef, KeyKind, Lang, Record};
use input::{FieldInput, Slot};

pub struct FormView {
    pub entity: &'static EntityDef,
    /// The record as loaded (or as created from its template); saves start from a
    /// clone of it so that fields the form does not show survive.
    record: Box<dyn Record>,
    /// False until a new record is saved.
    saved: bool,
    inputs: Vec<FieldInput>,
    focus: usize,
    /// (list, row) of the focused child row, when the focus is below the fields.
    child_focus: Option<(usize, usize)>,
    /// A save error that names no field.
    message: Option<String>,
    children: Vec<ChildList>,
    /// Derived figures shown under the fields (campaign efficiency, forecast totals).
    figures: Vec<Figure>,
    /// The first screen row of the field list shown; kept by `render` so that the
    /// view scrolls only as far as the focus needs.
    scroll: std::cell::Cell<u16>,
    /// The revision the form was read at: its save names it, so that a change
    /// made meanwhile by someone else is merged or offered, never overwritten.
    rev: u64,
    /// The record's latest changes, newest first (the History list).
    history: Vec<Entry>,
    /// Its story by date (customers, prospects, contacts, opportunities).
    timeline: Vec<TimelineEvent>,
    /// What happened to the record meanwhile ("changed by bob at 10:42").
    notice: Option<String>,
    /// The record was deleted meanwhile: a save stores it as new.
    gone: bool,
    /// A save that met another user's change to the same fields: the choice.
    conflict: Option<Conflict>,
    /// The History entry shown whole.
    detail: Option<usize>,
    /// The names of the records reference fields name: (field, key, name); a
    /// name shows beside its field while the field holds that key.
    names: Vec<(String, String, String)>,
    /// The language money, dates and flags are shown (and typed) in.
    lang: Lang,
}

impl FormView {
    /// The form of an existing record (`key` Some) or of a new one with `template`
    /// field=value pairs applied.
    pub fn open(
        entity: &'static EntityDef,
        key: Option<String>,
        template: Vec<(String, String)>,
        client: &Client,
    ) -> Result<FormView, String> {
        FormView::open_in(entity, key, template, client, Lang::En)
    }

    /// `open`, with money, dates and flags in `lang`.
    pub fn open_in(
        entity: &'static EntityDef,
        key: Option<String>,
        template: Vec<(String, String)>,
        client: &Client,
        lang: Lang,
    ) -> Result<FormView, String> {
        let (data, saved) = match key {
            Some(key) => (
                client.form_data(entity, &key).map_err(|e| e.to_string())?,
                true,
            ),
            None => {
                let mut record = (entity.new_record)();
                names_me(record.as_mut(), client);
                let pairs: Vec<(&str, &str)> = template
                    .iter()
                    .map(|(f, v)| (f.as_str(), v.as_str()))
                    .collect();
                assign::apply(record.as_mut(), &pairs).map_err(|e| {
                    format!("{} {}='{}': {}", entity.name, e.field, e.value, e.message)
                })?;
                // A new record has no children and no figures yet.
                let data = FormData {
                    record: Rec(record),
                    rev: 0,
                    children: Vec::new(),
                    figures: Vec::new(),
                    history: Vec::new(),
                    timeline: Vec::new(),
                    names: Vec::new(),
                };
                (data, false)
            }
        };
        let mut form = FormView {
            entity,
            record: data.record.0,
            saved,
            inputs: Vec::new(),
            focus: 0,
            child_focus: None,
            message: None,
            children: data.children,
            figures: data.figures,
            scroll: std::cell::Cell::new(0),
            rev: data.rev,
            history: data.history,
            timeline: data.timeline,
            notice: None,
            gone: false,
            conflict: None,
            detail: None,
            names: data.names,
            lang,
        };
        if !saved {
            form.name_references(client);
        }
        form.load_inputs();
        Ok(form)
    }

    /// Fills the inputs from `self.record`; the focus moves to the first editable row.
    fn load_inputs(&mut self) {
        let record = self.record.as_ref();
        let mut inputs = Vec::with_capacity(self.entity.fields.len() + 1);
        let key_editable = !self.saved && self.entity.key == KeyKind::Code;
        inputs.push(FieldInput::new(Slot::Key, key_editable, record.key()));
        for (i, f) in self.entity.fields.iter().enumerate() {
            let text = model::show_value(&f.kind, &record.get(i), self.lang);
            inputs.push(FieldInput::new(Slot::Field(f), true, &text));
        }
        self.inputs = inputs;
        self.focus = usize::from(!key_editable);
        self.focus_row(self.focus);
    }

    /// Reloads the child lists after a record of `changed` was saved or deleted
    /// (a task added from this opportunity's form shows up when the user comes back).
    pub fn refresh_children(&mut self, client: &Client, changed: &EntityDef) {
        if self.children.iter().any(|c| c.entity == changed) {
            let focus = self.child_focus;
            self.load_children(client);
            // Keep the focus on the same list, on its heading if the row is gone.
            self.child_focus = focus.and_then(|(l, r)| {
                let list = self.children.get(l)?;
                Some((
                    l,
                    if r < list.rows.len() {
                        r
                    } else {
                        focus::HEADING
                    },
                ))
            });
        }
    }

    /// Reads the child lists and figures of the stored record again (the record
    /// itself stays as the form holds it).
    fn load_children(&mut self, client: &Client) {
        if !self.saved {
            self.children = Vec::new();
            self.figures = Vec::new();
            return;
        }
        match client.form_data(self.entity, self.record.key()) {
            Ok(data) => {
                self.children = data.children;
                self.figures = data.figures;
                self.history = data.history;
                self.timeline = data.timeline;
            }
            Err(e) => self.message = Some(e.to_string()),
        }
    }

    fn take(&mut self, data: FormData) {
        self.record = data.record.0;
        self.rev = data.rev;
        self.children = data.children;
        self.figures = data.figures;
        self.history = data.history;
        self.timeline = data.timeline;
        self.names = data.names;
    }

    /// The revision the form holds.
    pub fn rev(&self) -> u64 {
        self.rev
    }

    /// What happened to the record meanwhile, if anything.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The record's latest changes, newest first.
    pub fn history(&self) -> &[Entry] {
        &self.history
    }

    /// The open conflict, if a save met one.
    pub fn conflict(&self) -> Option<&Conflict> {
        self.conflict.as_ref()
    }

    /// The History entry shown whole, if one is.
    pub fn detail(&self) -> Option<&Entry> {
        self.detail.and_then(|i| self.history.get(i))
    }

    /// Whether any input differs from what was loaded.
    pub fn is_dirty(&self) -> bool {
        self.inputs.iter().any(FieldInput::is_modified)
    }

    /// The key of the record shown, once it is saved.
    pub fn key(&self) -> Option<&str> {
        self.saved.then(|| self.record.key())
    }

    /// The field of the focused row (None on the key row and the child lists).
    pub fn focused_field(&self) -> Option<&'static str> {
        if self.child_focus.is_some() {
            return None;
        }
        self.inputs
            .get(self.focus)
            .and_then(|i| i.field())
            .map(|f| f.name)
    }

    /// Moves the focus to a field's input (false: no such editable field).
    pub fn focus_field(&mut self, field: &str) -> bool {
        match self.row_of(field) {
            Some(row) if self.inputs[row].editable => {
                self.focus_row(row);
                true
            }
            _ => false,
        }
    }

    /// The child lists shown below the fields: (entity, rows of key and name).
    pub fn child_lists(&self) -> impl Iterator<Item = (&'static EntityDef, &[(String, String)])> {
        self.children.iter().map(|c| (c.entity, c.rows.as_slice()))
    }

    /// The text of a field's input.
    pub fn field_text(&self, field: &str) -> Option<String> {
        self.row_of(field).map(|i| self.inputs[i].text())
    }

    /// The error shown at a field after a failed save.
    pub fn field_error(&self, field: &str) -> Option<&str> {
        self.row_of(field)
            .and_then(|i| self.inputs[i].error.as_deref())
    }

    /// A save error that names no field.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Sets the input of a field as if typed (the picker's choice). A reference list
    /// gains the key unless it holds it already.
    pub fn apply_pick(&mut self, field: &str, key: &str) {
        let Some(row) = self.row_of(field) else {
            return;
        };
        let input = &mut self.inputs[row];
        let text = match input.field().map(|f| f.kind) {
            Some(model::FieldKind::RefList(_)) => {
                let current = input.text();
                let mut keys: Vec<&str> = current
                    .split([',', ';', ' '])
                    .filter(|k| !k.is_empty())
                    .collect();
                if !keys.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                    keys.push(key);
                }
                keys.join(",")
            }
            _ => key.to_string(),
        };
        input.set_text(&text);
        input.error = None;
        self.focus_row(row);
    }

    /// "Opportunity OPP0000001", or "New opportunity".
    pub fn title(&self) -> String {
        self.title_in(Lang::En)
    }

    pub fn title_in(&self, lang: Lang) -> String {
        let label = self.entity.label(lang);
        let mut title = if self.saved {
            format!("{label} {}", self.record.key())
        } else {
            match lang {
                Lang::En => format!("New {}", label.to_lowercase()),
                Lang::De => format!("Neu: {label}"),
            }
        };
        if self.is_dirty() {
            title.push_str(match lang {
                Lang::En => " [modified]",
                Lang::De => " [geändert]",
            });
        }
        title
    }

    fn row_of(&self, field: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name() == field)
    }

    fn pick_reference(&self, ctx: &mut Ctx) -> Handled {
        if self.child_focus.is_some() {
            return Handled::Ignored;
        }
        let Some(input) = self.inputs.get(self.focus) else {
            return Handled::Ignored;
        };
        let (Some(field), Some(target)) = (input.field(), input.target()) else {
            return Handled::Ignored;
        };
        let Some(target) = model::entity(target) else {
            return Handled::Ignored;
        };
        ctx.request(Request::Pick {
            entity: target,
            field: field.name,
            current: input.text(),
        });
        Handled::Consumed
    }

    /// A new record: of the focused child list's entity, naming this record, when
    /// a child row has the focus; otherwise of this entity.
    fn new_record_request(&self) -> Request {
        if let Some(child) = self.focused_list() {
            let link = child
                .fields
                .iter()
                .find(|f| f.kind == model::FieldKind::Ref(self.entity.name));
            if let Some(link) = link {
                return Request::OpenForm {
                    entity: child,
                    key: None,
                    template: vec![(link.name.to_string(), self.record.key().to_string())],
                };
            }
        }
        Request::OpenForm {
            entity: self.entity,
            key: None,
            template: Vec::new(),
        }
    }

    /// A new record with this one's field values (the key excepted).
    fn copy_template(&self) -> Vec<(String, String)> {
        self.inputs
            .iter()
            .filter(|i| i.field().is_some())
            .map(|i| (i.name().to_string(), i.text()))
            .filter(|(_, t)| !t.trim().is_empty())
            .collect()
    }

    /// Whether a typed character would go into the focused input (no conflict, no
    /// History entry open, an editable input focused), so a run of them can be
    /// inserted at once.
    pub fn takes_typing(&self) -> bool {
        self.conflict.is_none()
            && self.detail.is_none()
            && self.child_focus.is_none()
            && self.inputs.get(self.focus).is_some_and(|i| i.editable)
    }

    /// Pasted text goes into the focused input whole; elsewhere it is dropped.
    pub fn paste(&mut self, text: &str) {
        if self.child_focus.is_some() {
            return;
        }
        if let Some(input) = self.inputs.get_mut(self.focus).filter(|i| i.editable) {
            let dropped = input.paste(text);
            input.error = None;
            if let Some((n, first)) = dropped {
                let what = match n {
                    1 => "a control character".to_string(),
                    n => format!("{n} control characters"),
                };
                self.notice = Some(format!(
                    "the paste held {what} (U+{:04X}), which no field stores: left out",
                    u32::from(first)
                ));
            }
        }
    }

    /// A key no action took: edits the focused input, with Tab, Enter (single-line)
    /// and the arrows moving between fields where no keymap binds them.
    fn edit(&mut self, key: KeyEvent) -> Handled {
        if self.child_focus.is_some() {
            return self.child_key(key);
        }
        let multiline = self
            .inputs
            .get(self.focus)
            .is_some_and(FieldInput::is_multiline);
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Tab if plain => self.move_focus(1),
            KeyCode::BackTab => self.move_focus(-1),
            KeyCode::Up if plain => self.up(),
            KeyCode::Down if plain => self.down(),
            KeyCode::Enter if !multiline => self.move_focus(1),
            KeyCode::Esc => return Handled::Ignored,
            _ => match self.inputs.get_mut(self.focus) {
                Some(input) if input.editable => {
                    input.input(key);
                    input.error = None;
                }
                _ => return Handled::Ignored,
            },
        }
        Handled::Consumed
    }
}

impl Component for FormView {
    fn context(&self) -> Context {
        Context::Form
    }

    fn handle(&mut self, key: KeyEvent, action: Option<Action>, ctx: &mut Ctx) -> Handled {
        if self.conflict.is_some() {
            return self.conflict_key(key);
        }
        if self.detail.is_some() {
            // Any key closes the whole change again.
            self.detail = None;
            return Handled::Consumed;
        }
        if let Some(n) = self.focused_history() {
            if key.code == KeyCode::Enter || matches!(action, Some(Action::Open | Action::Select)) {
                self.detail = Some(n);
                return Handled::Consumed;
            }
        }
        // Typed text always reaches the input, whatever a global binding says.
        let typed = matches!(key.code, KeyCode::Char(_))
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if self.child_focus.is_some()
            && (key.code == KeyCode::Enter || matches!(action, Some(Action::Open | Action::Select)))
        {
            return self.open_child(ctx);
        }
        let Some(action) = action.filter(|_| !typed) else {
            return self.edit(key);
        };
        match action {
            // Arrows bound to field moves still move within a notes input first.
            Action::NextField if key.code == KeyCode::Down => self.down(),
            Action::PrevField if key.code == KeyCode::Up => self.up(),
            Action::NextField => self.move_focus(1),
            Action::PrevField => self.move_focus(-1),
            Action::Up => self.up(),
            Action::Down => self.down(),
            Action::Top => self.move_focus(-(self.inputs.len() as isize)),
            Action::Bottom => self.move_focus(self.inputs.len() as isize),
            Action::PageUp => self.move_focus(-8),
            Action::PageDown => self.move_focus(8),
            Action::Save => self.save(ctx),
            Action::PickReference => return self.pick_reference(ctx),
            // On a list the record holds itself, a new entry is typed into its field.
            Action::NewRecord if self.focused_list_field().is_some() => {
                let field = self
                    .focused_list_field()
                    .map(|f| f.name)
                    .unwrap_or_default();
                self.focus_field(field);
            }
            Action::NewRecord => ctx.request(self.new_record_request()),
            Action::CopyRecord => ctx.request(Request::OpenForm {
                entity: self.entity,
                key: None,
                template: self.copy_template(),
            }),
            Action::DeleteRecord if self.saved => {
                let key = self.record.key().to_string();
                ctx.request(Request::AskDelete {
                    entity: self.entity,
                    key,
                });
            }
            Action::Left | Action::Right | Action::Select => return self.edit(key),
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    fn render(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        render::form(self, frame, area, lang);
    }

    fn commands(&self) -> Vec<Action> {
        if self.child_focus.is_some() {
            return vec![
                Action::Open,
                Action::NewRecord,
                Action::PrevField,
                Action::Back,
            ];
        }
        let mut out = vec![Action::Save, Action::NextField];
        if self
            .inputs
            .get(self.focus)
            .is_some_and(|i| i.target().is_some())
        {
            out.push(Action::PickReference);
        }
        out.push(Action::NewRecord);
        if self.saved {
            out.push(Action::CopyRecord);
            out.push(Action::DeleteRecord);
        }
        out.push(Action::Back);
        out
    }
}

/// A new sales record (one with a generated key: an opportunity, task, lead,
/// interaction, customer …) names the user's own salesperson in its first
/// salesperson field, for them to keep or change; code tables get no default.
fn names_me(record: &mut dyn Record, client: &Client) {
    let Some(me) = client.session().salesperson else {
        return;
    };
    let def = record.def();
    if !matches!(def.key, KeyKind::Generated(_)) {
        return;
    }
    let salesperson = <model::Salesperson as model::Entity>::DEF.name;
    let first = def
        .fields
        .iter()
        .position(|f| matches!(f.kind, model::FieldKind::Ref(t) if t == salesperson));
    if let Some(i) = first {
        if record.get(i).is_empty() {
            let _ = record.set(i, model::Value::Text(me));
        }
    }
}
