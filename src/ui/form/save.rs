//! Saving the form: every input parsed over a clone of the record, written with
//! the revision the form read (so a change made meanwhile is merged or offered),
//! and a refusal shown where it belongs.

use super::FormView;
use crate::api::{ApiError, ErrorKind};
use crate::model::{assign, Lang};
use crate::ui::component::{Ctx, Request};

impl FormView {
    /// Parses every input over a clone of the record and writes it; an error is
    /// shown at its field, which takes the focus.
    pub fn save(&mut self, ctx: &mut Ctx) {
        self.message = None;
        for i in &mut self.inputs {
            i.error = None;
        }
        let texts: Vec<(&'static str, String)> = self
            .inputs
            .iter()
            .filter(|i| i.editable)
            .map(|i| (i.name(), i.text()))
            .collect();
        let pairs: Vec<(&str, &str)> = texts.iter().map(|(f, t)| (*f, t.as_str())).collect();
        let mut record = self.record.clone();
        if let Err(e) = assign::apply(record.as_mut(), &pairs) {
            self.show_error(&e.field, e.message);
            return;
        }
        let key = record.key().to_string();
        let new = !self.saved || self.gone;
        let base = (!new).then(|| (self.rev, Some(self.record.clone())));
        match ctx.api.save_on(record, new, base) {
            Ok(report) => {
                self.gone = false;
                self.notice = (!report.merged.is_empty()).then(|| {
                    format!(
                        "saved beside the change of {} by {}",
                        report.merged.join(", "),
                        report.merged_from
                    )
                });
                self.saved_as(&report.key, ctx)
            }
            Err(e) => self.save_failed(e, &key, ctx),
        }
    }

    /// Puts a refused save's error where it belongs: at its field, or on the
    /// message line.
    pub(super) fn save_failed(&mut self, e: ApiError, key: &str, ctx: &mut Ctx) {
        if let ErrorKind::Conflict { fields, .. } = e.kind {
            self.open_conflict(fields, ctx);
            return;
        }
        if e.kind == ErrorKind::Gone {
            self.gone = true;
            self.notice = Some(e.message);
            return;
        }
        match (&e.kind, e.field) {
            (ErrorKind::Invalid | ErrorKind::DanglingRef, Some(field)) => {
                let detail = if e.detail.is_empty() {
                    e.message
                } else {
                    e.detail
                };
                self.show_error(&field, detail)
            }
            (ErrorKind::Duplicate, _) if !self.saved => {
                self.show_error("key", format!("{key} exists already; choose another code"))
            }
            _ => self.message = Some(e.message),
        }
    }

    fn saved_as(&mut self, key: &str, ctx: &mut Ctx) {
        self.saved = true;
        match ctx.api.form_data(self.entity, key) {
            Ok(data) => self.take(data),
            Err(e) => self.message = Some(e.to_string()),
        }
        let focus = self.focus;
        self.load_inputs();
        self.focus_row(if self.inputs[focus].editable {
            focus
        } else {
            self.focus
        });
        ctx.request(Request::Changed {
            entity: self.entity,
        });
        let verb = match ctx.lang {
            Lang::En => "saved",
            Lang::De => "gespeichert:",
        };
        ctx.request(Request::Status(format!(
            "{verb} {} {key}",
            self.entity.label(ctx.lang)
        )));
    }

    /// Shows an error at the row of `field` ("items.item" at "items") and focuses
    /// it; an error naming no row goes to the message line.
    pub(super) fn show_error(&mut self, field: &str, message: String) {
        let base = field.split(['.', '[']).next().unwrap_or(field);
        match self.row_of(field).or_else(|| self.row_of(base)) {
            Some(row) if self.inputs[row].editable => {
                self.inputs[row].error = Some(message);
                self.focus_row(row);
            }
            _ => self.message = Some(format!("{field}: {message}")),
        }
    }
}
