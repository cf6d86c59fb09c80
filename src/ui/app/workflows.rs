//! Workflows started from the TUI: converting a prospect or a lead, logging an
//! interaction, marking a task done, accepting or rejecting a quote, adding
//! opportunities to a forecast and submitting it — after a confirmation where
//! something is created or frozen; the work itself is the server's, one client
//! call per step, so that two users cannot interleave it.

use super::{App, Popup, Request};
use crate::api::ApiError;
use crate::model::{
    Entity, EntityDef, Interaction, Lang, Lead, Opportunity, Quote, ReasonCode, SalesForecast,
};
use crate::ui::action::Action;
use crate::ui::component::Flow;
use crate::ui::form::FormView;
use crate::ui::multipick::MultiPickPopup;
use crate::ui::picker::PickerPopup;

impl App {
    /// Asks whether to convert the record under the cursor (or in the form).
    pub(super) fn ask_convert(&mut self, requests: &mut Vec<Request>) {
        let (entity, key) = match self.forms.last() {
            Some(f) => (f.entity, f.key().map(str::to_string)),
            None => (
                self.masks[self.current].entity,
                self.tabs[self.current].selected_key(),
            ),
        };
        let into = match (entity.name, self.lang) {
            ("prospect", Lang::En) => "a customer",
            ("prospect", Lang::De) => "einen Kunden",
            ("lead", Lang::En) => "an opportunity",
            ("lead", Lang::De) => "eine Verkaufschance",
            _ => {
                self.status = match self.lang {
                    Lang::En => "only prospects and leads convert".into(),
                    Lang::De => "nur Interessenten und Leads lassen sich umwandeln".into(),
                };
                return;
            }
        };
        if let Some(key) = key {
            let label = entity.label(self.lang);
            requests.push(Request::Confirm {
                message: match self.lang {
                    Lang::En => format!("Convert {label} {key} into {into}?"),
                    Lang::De => format!("{label} {key} in {into} umwandeln?"),
                },
                then: Box::new(Request::Convert { entity, key }),
            });
        }
    }

    /// Runs a conversion; on success the new record's form opens and every list of
    /// the entities it touched reloads.
    pub(super) fn convert(
        &mut self,
        entity: &'static EntityDef,
        key: &str,
        queue: &mut Vec<Request>,
    ) {
        let result = match entity.name {
            "prospect" => self
                .client
                .convert_prospect(key)
                .map(|d| ("customer", d.customer)),
            // A lead without customer or prospect gets its prospect made first.
            _ => {
                let bare = self
                    .client
                    .get(Lead::DEF, key)
                    .ok()
                    .flatten()
                    .and_then(|r| r.downcast_ref::<Lead>().cloned())
                    .is_some_and(|l| l.customer.is_empty() && l.prospect.is_empty());
                self.client
                    .convert_lead(key, bare)
                    .map(|d| ("opportunity", d.opportunity))
            }
        };
        match result {
            Ok((target, new_key)) => {
                let target = crate::model::entity(target).expect("registered");
                self.status = format!(
                    "{} {key} → {} {new_key}",
                    entity.label(self.lang),
                    target.label(self.lang)
                );
                for def in crate::model::ENTITIES {
                    queue.push(Request::Changed { entity: def });
                }
                self.forms.clear();
                queue.push(Request::OpenForm {
                    entity: target,
                    key: Some(new_key),
                    template: Vec::new(),
                });
            }
            Err(e) => self.status = e.to_string(),
        }
    }

    /// Opens a record's form in its mask (after asking, if open forms have
    /// changes): the first mask of its entity whose narrowing field it has set.
    pub(super) fn open_record(
        &mut self,
        entity: &'static EntityDef,
        key: String,
        queue: &mut Vec<Request>,
    ) {
        let again = Request::OpenRecord {
            entity,
            key: key.clone(),
        };
        if let Some(guard) = self.form_guard(true, again) {
            queue.push(guard);
            return;
        }
        let record = self.client.get(entity, &key).ok().flatten();
        let has = |field: &str| record.as_ref().is_some_and(|r| !r.value(field).is_empty());
        let mask = self
            .masks
            .iter()
            .position(|m| m.entity == entity && m.only_with.is_none_or(has))
            .or_else(|| self.masks.iter().position(|m| m.entity == entity));
        let Some(mask) = mask else {
            self.status = match self.lang {
                Lang::En => format!("no mask shows {} records", entity.label(self.lang)),
                Lang::De => format!("keine Maske zeigt {}", entity.label(self.lang)),
            };
            return;
        };
        self.forms.clear();
        self.current = mask;
        queue.push(Request::OpenForm {
            entity,
            key: Some(key),
            template: Vec::new(),
        });
    }
}

/// The record a workflow key acts on: the top form's, else the table's selected row
/// (none on the home pane).
impl App {
    fn current_record(&self) -> Option<(&'static EntityDef, String)> {
        match self.forms.last() {
            Some(f) => Some((f.entity, f.key()?.to_string())),
            None if self.on_home => None,
            None => Some((
                self.masks[self.current].entity,
                self.tabs[self.current].selected_key()?,
            )),
        }
    }

    pub(super) fn say(&mut self, en: &str, de: &str) {
        self.status = match self.lang {
            Lang::En => en.to_string(),
            Lang::De => de.to_string(),
        };
    }

    /// The workflow keys: log an interaction, mark a task done, accept or reject a
    /// quote, add opportunities to a forecast or submit it.
    pub(super) fn workflow_action(&mut self, action: Action, requests: &mut Vec<Request>) {
        let Some((entity, key)) = self.current_record() else {
            return self.say("select a record first", "zuerst einen Datensatz wählen");
        };
        let lang = self.lang;
        let ask = |en: String, de: String, then: Flow| Request::Confirm {
            message: if lang == Lang::En { en } else { de },
            then: Box::new(Request::Flow(then)),
        };
        match (action, entity.name) {
            (Action::LogInteraction, "sales_contact" | "prospect" | "customer") => {
                let field = match entity.name {
                    "sales_contact" => "contact",
                    other => other,
                };
                let mut template = vec![
                    (field.to_string(), key),
                    ("occurred_at".to_string(), "now".to_string()),
                ];
                if let Some(me) = self.home.me() {
                    template.push(("salesperson".to_string(), me.to_string()));
                }
                requests.push(Request::OpenForm {
                    entity: Interaction::DEF,
                    key: None,
                    template,
                });
                self.focus_after_open = Some("interaction_type");
            }
            (Action::LogInteraction, _) => self.say(
                "interactions are logged from a contact, prospect or customer",
                "Interaktionen werden bei Kontakt, Interessent oder Kunde erfasst",
            ),
            (Action::MarkDone, "opportunity_task") => {
                requests.push(Request::Flow(Flow::ToggleDone(key)));
            }
            (Action::MarkDone, _) => self.say(
                "only opportunity tasks are marked done",
                "nur Aufgaben werden erledigt",
            ),
            (Action::AcceptQuote, "quote") => {
                let Some(quote) = self.quote(&key) else {
                    return self.say("the quote cannot be read", "das Angebot ist nicht lesbar");
                };
                // What would refuse it is said now, not after the questions.
                if let Some((_, _, why)) = quote.refusal(crate::model::value::today()) {
                    self.status = format!("quote {key}: {why}");
                    return;
                }
                let total = quote.total().map_or_else(|e| e, |m| m.to_string());
                requests.push(ask(
                    format!("Accept quote {key} ({total})? An order is created."),
                    format!("Angebot {key} ({total}) annehmen? Ein Auftrag wird erzeugt."),
                    Flow::AskWon(key),
                ));
            }
            (Action::RejectQuote, "quote") => requests.push(ask(
                format!("Reject quote {key}?"),
                format!("Angebot {key} ablehnen?"),
                Flow::Reject(key),
            )),
            (Action::AcceptQuote | Action::RejectQuote, _) => {
                self.say("open or select a quote first", "zuerst ein Angebot wählen")
            }
            (Action::AddOpportunities, "sales_forecast") => self.pick_opportunities(&key),
            (Action::SubmitForecast, "sales_forecast") => requests.push(ask(
                format!("Submit forecast {key}? Its lines are frozen."),
                format!("Prognose {key} einreichen? Ihre Zeilen werden eingefroren."),
                Flow::Submit(key),
            )),
            (Action::AddOpportunities | Action::SubmitForecast, _) => self.say(
                "open or select a sales forecast first",
                "zuerst eine Prognose wählen",
            ),
            _ => {}
        }
    }

    fn pick_opportunities(&mut self, forecast: &str) {
        match self.client.forecast_candidates(forecast) {
            Ok(list) => {
                let rows = list
                    .iter()
                    .filter_map(|r| r.downcast_ref::<Opportunity>())
                    .map(|o| {
                        let close = o.expected_close.map(|d| d.to_string()).unwrap_or_default();
                        let amount = o.amount.map(|m| m.to_string()).unwrap_or_default();
                        let p = o.probability.map(|p| format!("{p} %")).unwrap_or_default();
                        (
                            o.key.clone(),
                            format!("{close}  {amount}  {p}  {}", o.description),
                        )
                    })
                    .collect();
                let title = match self.lang {
                    Lang::En => format!("Add opportunities to {forecast}"),
                    Lang::De => format!("Verkaufschancen zu {forecast} hinzufügen"),
                };
                let popup = MultiPickPopup::new(title, forecast.to_string(), rows);
                self.popups.push(Popup::MultiPick(popup));
            }
            Err(e) => self.status = e.to_string(),
        }
    }

    /// Runs a confirmed workflow step through the client; every list and the open
    /// form of what it changed reload.
    pub(super) fn run_flow(&mut self, flow: Flow, queue: &mut Vec<Request>) {
        let changed: Result<(String, Vec<&'static str>), ApiError> = match flow {
            Flow::AskWon(quote) => {
                let opp = self
                    .quote(&quote)
                    .map(|q| q.opportunity)
                    .unwrap_or_default();
                let accept_only = Request::Flow(Flow::Accept {
                    quote: quote.clone(),
                    reason: None,
                    keep_amount: false,
                });
                if opp.is_empty() {
                    queue.push(accept_only);
                } else {
                    queue.push(Request::Choose {
                        message: match self.lang {
                            Lang::En => format!("Also set opportunity {opp} won with the quote's total? (y: pick the reason, n: accept only)"),
                            Lang::De => format!("Verkaufschance {opp} auch als gewonnen setzen? (j/y: Grund wählen, n: nur annehmen)"),
                        },
                        yes: Box::new(Request::Flow(Flow::PickWonReason(quote))),
                        no: Box::new(accept_only),
                    });
                }
                return;
            }
            Flow::PickWonReason(quote) => {
                // Only the reasons for winning: a lost one would be refused.
                let won: std::collections::HashSet<String> = self
                    .client
                    .list(ReasonCode::DEF, None, None)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|r| r.downcast_ref::<ReasonCode>())
                    .filter(|r| r.kind == "won")
                    .map(|r| r.key.clone())
                    .collect();
                if won.is_empty() {
                    return self.say(
                        "no reason code is of kind won: add one in Reason Codes first",
                        "kein Grundcode der Art gewonnen: zuerst in Gründe anlegen",
                    );
                }
                let picker =
                    PickerPopup::new(ReasonCode::DEF, "reason", "", &self.client).keep_only(&won);
                self.popups.push(Popup::Picker(picker));
                self.pending_accept = Some(quote);
                return;
            }
            Flow::AskAmount { quote, reason } => return self.ask_amount(quote, reason, queue),
            Flow::Accept {
                quote,
                reason,
                keep_amount,
            } => self
                .client
                .accept_quote(
                    &quote,
                    crate::api::Acceptance {
                        won_reason: reason,
                        keep_amount,
                    },
                )
                .map(|done| {
                    let won = done
                        .won
                        .map(|o| format!(", opportunity {o} won"))
                        .unwrap_or_default();
                    (
                        format!("quote {quote} accepted: order {}{won}", done.order),
                        vec!["quote", "order", "opportunity", "sales_forecast"],
                    )
                }),
            Flow::Reject(quote) => self
                .client
                .reject_quote(&quote)
                .map(|()| (format!("quote {quote} rejected"), vec!["quote"])),
            Flow::Submit(f) => self.client.forecast_submit(&f).map(|x| {
                let lines = x
                    .downcast_ref::<SalesForecast>()
                    .map_or(0, |x| x.lines.len());
                (
                    format!("forecast {f} submitted with {lines} lines"),
                    vec!["sales_forecast"],
                )
            }),
            Flow::AddToForecast {
                forecast,
                opportunities,
            } => self.client.forecast_add(&forecast, opportunities).map(|n| {
                (
                    format!("{n} opportunities added to forecast {forecast}"),
                    vec!["sales_forecast"],
                )
            }),
            Flow::ToggleDone(task) => self.toggle_done(&task),
        };
        match changed {
            Ok((message, entities)) => {
                self.status = message;
                for name in entities {
                    if let Some(def) = crate::model::entity(name) {
                        queue.push(Request::Changed { entity: def });
                    }
                }
                self.reload_forms();
            }
            Err(e) => self.status = e.to_string(),
        }
    }

    /// Before winning the quote's opportunity: whether the quote's total replaces
    /// an amount of its own (asked only when they differ).
    fn ask_amount(&mut self, quote: String, reason: String, queue: &mut Vec<Request>) {
        let accept = |keep_amount| {
            Box::new(Request::Flow(Flow::Accept {
                quote: quote.clone(),
                reason: Some(reason.clone()),
                keep_amount,
            }))
        };
        let q = self.quote(&quote);
        let total = q.as_ref().and_then(|q| q.total().ok());
        let opp = q
            .and_then(|q| {
                self.client
                    .get(Opportunity::DEF, &q.opportunity)
                    .ok()
                    .flatten()
            })
            .and_then(|r| r.downcast_ref::<Opportunity>().cloned());
        match (opp, total) {
            (Some(o), Some(total)) if o.amount.is_some_and(|a| a != total) => {
                let amount = o.amount.map(|a| a.to_string()).unwrap_or_default();
                queue.push(Request::Choose {
                    message: match self.lang {
                        Lang::En => format!("Replace opportunity {}'s amount {amount} by the quote's total {total}? (y: replace, n: keep {amount})", o.key),
                        Lang::De => format!("Betrag {amount} der Verkaufschance {} durch die Angebotssumme {total} ersetzen? (j/y: ersetzen, n: {amount} behalten)", o.key),
                    },
                    yes: accept(false),
                    no: accept(true),
                });
            }
            _ => queue.push(*accept(false)),
        }
    }

    /// The quote `key`, if it can be read.
    fn quote(&self, key: &str) -> Option<Quote> {
        let record = self.client.get(Quote::DEF, key).ok().flatten()?;
        record.downcast_ref::<Quote>().cloned()
    }

    /// Marks a task done (or open again) on the server; not while the form on top
    /// has changes, which the server's write would silently overtake.
    fn toggle_done(&mut self, key: &str) -> Result<(String, Vec<&'static str>), ApiError> {
        if self.forms.last().is_some_and(|f| f.is_dirty()) {
            return Err(ApiError::new(
                crate::api::ErrorKind::Invalid,
                format!("task {key}: save or discard the changes in the form first"),
            ));
        }
        let message = self.client.task_done(key)?;
        Ok((message, vec!["opportunity_task"]))
    }

    /// Reopens the forms without unsaved changes, so they show what a workflow wrote.
    fn reload_forms(&mut self) {
        for form in &mut self.forms {
            if form.is_dirty() {
                continue;
            }
            if let Some(key) = form.key().map(str::to_string) {
                if let Ok(fresh) =
                    FormView::open_in(form.entity, Some(key), Vec::new(), &self.client, self.lang)
                {
                    *form = fresh;
                }
            }
        }
    }
}

impl App {
    /// The question before a delete, unless others name the record: then why not.
    pub(super) fn ask_delete(
        &mut self,
        entity: &'static crate::model::EntityDef,
        key: String,
        queue: &mut Vec<Request>,
    ) {
        let label = entity.label(self.lang);
        match self.client.referrers(entity, &key) {
            Ok((0, _)) => queue.push(Request::Confirm {
                message: match self.lang {
                    Lang::En => format!("Delete {label} {key}?"),
                    Lang::De => format!("{label} {key} löschen?"),
                },
                then: Box::new(Request::Delete { entity, key }),
            }),
            Ok((n, listed)) => {
                let more = if n > listed.len() { ", …" } else { "" };
                self.status = match self.lang {
                    Lang::En => format!(
                        "{label} {key} cannot be deleted: {n} records name it ({}{more}); change them first",
                        listed.join(", ")
                    ),
                    Lang::De => format!(
                        "{label} {key} kann nicht gelöscht werden: {n} Datensätze verweisen darauf ({}{more}); diese zuerst ändern",
                        listed.join(", ")
                    ),
                };
            }
            Err(e) => self.status = e.to_string(),
        }
    }
}
