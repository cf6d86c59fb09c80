//! The popups the app stacks over its tabs and forms, and the question asked
//! before unsaved changes are left.

use super::{App, Request};
use crate::model::Lang;
use crate::ui::form::FormView;

use crate::ui::component::Component;
use crate::ui::confirm::ConfirmPopup;
use crate::ui::exchange::{PreviewPopup, ProgressPopup};
use crate::ui::find::FindPopup;
use crate::ui::help::HelpPopup;
use crate::ui::messages::MessagesPopup;
use crate::ui::multipick::MultiPickPopup;
use crate::ui::palette::PalettePopup;
use crate::ui::picker::PickerPopup;

pub(super) enum Popup {
    Palette(PalettePopup),
    Find(FindPopup),
    Help(HelpPopup),
    Picker(PickerPopup),
    Confirm(ConfirmPopup),
    MultiPick(MultiPickPopup),
    Preview(PreviewPopup),
    Progress(ProgressPopup),
    Messages(MessagesPopup),
}

impl Popup {
    pub(super) fn component(&mut self) -> &mut dyn Component {
        match self {
            Popup::Palette(p) => p,
            Popup::Find(p) => p,
            Popup::Help(p) => p,
            Popup::Picker(p) => p,
            Popup::Messages(p) => p,
            Popup::Confirm(p) => p,
            Popup::MultiPick(p) => p,
            Popup::Preview(p) => p,
            Popup::Progress(p) => p,
        }
    }
    pub(super) fn view(&self) -> &dyn Component {
        match self {
            Popup::Palette(p) => p,
            Popup::Find(p) => p,
            Popup::Help(p) => p,
            Popup::Picker(p) => p,
            Popup::Messages(p) => p,
            Popup::Confirm(p) => p,
            Popup::MultiPick(p) => p,
            Popup::Preview(p) => p,
            Popup::Progress(p) => p,
        }
    }
}

impl super::App {
    /// The keys the picker on top offers now (none without a picker).
    pub fn picker_keys(&self) -> Vec<String> {
        match self.popups.last() {
            Some(Popup::Picker(p)) => p.shown_keys().into_iter().map(str::to_string).collect(),
            _ => Vec::new(),
        }
    }
}

impl App {
    /// When the top form (or, with `all`, any open form) has unsaved changes: a
    /// question whose "yes" discards them and then does `then`.
    pub(super) fn form_guard(&self, all: bool, then: Request) -> Option<Request> {
        let dirty = if all {
            self.forms.iter().any(FormView::is_dirty)
        } else {
            self.forms.last().is_some_and(FormView::is_dirty)
        };
        if !dirty {
            return None;
        }
        let close = if all {
            Request::CloseAllForms
        } else {
            Request::CloseForm
        };
        Some(Request::Confirm {
            message: match self.lang {
                Lang::En => "Discard the unsaved changes?".into(),
                Lang::De => "Ungespeicherte Änderungen verwerfen?".into(),
            },
            then: Box::new(Request::All(vec![close, then])),
        })
    }
}
