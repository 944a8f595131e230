//! The supervisors' escalation queue (`/escalations`): every response target missed and every
//! task overdue on the organisation's cases that nobody has acknowledged yet, most overdue first,
//! each with its case, how long it has been overdue and how often it was raised; a supervisor
//! acknowledges one with an optional note. The case page lists its own case's escalations and
//! the form that records a hand-over to the police.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::escalation::{Duty, EscalationView, MAX_ACK_NOTE, MAX_DUTY_HOURS};
use homeward_domain::org::{Organisation, Role};
use homeward_domain::policy::{self, Action, Scope};
use homeward_domain::view::CaseView;
use homeward_domain::{EscalationId, UserId};
use homeward_risk::response::ResponsePlan;
use maud::{Markup, html};
use time::OffsetDateTime;

use super::layout::{self, clock, nothing, time, user_text};
use super::{Viewer, error_page, key, parse_key};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::routes::escalations::EscalationsState;

/// May this role see escalations? The navigation and the case page ask.
pub(crate) fn may_read(role: Role) -> bool {
    policy::authorize(role, Action::EscalationRead, Scope::Own).is_ok()
}

fn may_acknowledge(role: Role) -> bool {
    policy::authorize(role, Action::EscalationAcknowledge, Scope::Own).is_ok()
}

/// The queue (`/escalations`) or the acknowledged escalations (`?state=acknowledged`).
pub(crate) async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let words = state.locales.get(&viewer.user.language);
    let tr = &words;
    let open = match parse_key::<EscalationsState>("state", query.get("state").map(String::as_str)) {
        Ok(which) => which != Some(EscalationsState::Acknowledged),
        Err(e) => return error_page(tr, Some(&viewer.user), e),
    };
    let actor = viewer.actor.clone();
    let loaded = state
        .run(move |store| {
            let escalations = store.list_escalations(&actor, open)?;
            let by: Vec<UserId> = escalations.iter().filter_map(|e| e.acknowledged.as_ref()?.by).collect();
            let names = store.who_is(&actor, &by)?;
            // Supervisors also see, above the queue, the notifications that never reached anyone.
            let failed = match actor.role {
                Some(role) if open && super::notifications::may_read(role) => store.failed_notifications(&actor)?,
                _ => Vec::new(),
            };
            let duty = store.duty(&actor)?;
            Ok((escalations, names, failed, duty))
        })
        .await;
    let (escalations, names, failed, duty) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return error_page(tr, Some(&viewer.user), e),
    };
    let now = OffsetDateTime::now_utc();
    let body = html! {
        (super::notifications::failed_section(tr, &failed))
        p { (tr.t("escalations-intro")) }
        (duty_section(tr, &duty, may_acknowledge(viewer.user.role)))
        p {
            @if open { a href="/escalations?state=acknowledged" { (tr.t("escalations-show-acknowledged")) } }
            @else { a href="/escalations" { (tr.t("escalations-show-open")) } }
        }
        @if escalations.is_empty() {
            p.muted #no-escalations { (tr.t(if open { "escalations-empty" } else { "escalations-acknowledged-empty" })) }
        } @else {
            div.table-wrap { table #escalations {
                thead { tr {
                    th scope="col" { (tr.t("desk-col-case")) }
                    th scope="col" { (tr.t("escalations-col-what")) }
                    th scope="col" { (tr.t("desk-col-risk")) }
                    th scope="col" { (tr.t("escalations-col-due")) }
                    th scope="col" { (tr.t("escalations-col-raised")) }
                    th scope="col" { @if open { (tr.t("escalations-col-action")) } @else { (tr.t("escalations-col-acknowledged")) } }
                } }
                tbody {
                    @for e in &escalations {
                        tr id=(format!("e-{}", e.id)) {
                            td { a href=(format!("/cases/{}", e.case_id)) { (e.case_number) } }
                            td { (what(tr, &state.response, e)) }
                            td { (risk(tr, e)) }
                            td {
                                (time(e.due_at)) br;
                                @if let Some(cleared) = e.cleared_at {
                                    span.muted { (tr.t("escalations-cleared")) " " (time(cleared)) }
                                } @else {
                                    span.muted { (tr.t("escalations-overdue")) " " (clock(tr, e.due_at, now)) }
                                }
                            }
                            td {
                                (time(e.raised_at))
                                @if e.repeats > 0 { br; span.muted { (tr.t1("escalations-repeats", "count", e.repeats)) } }
                            }
                            td {
                                @if let Some(ack) = &e.acknowledged {
                                    (time(ack.at)) " "
                                    span.muted { (tr.t1("event-by", "who", super::case::who(tr, &viewer, ack.by, &names))) }
                                    @if let Some(note) = &ack.note { br; (user_text(note)) }
                                } @else if may_acknowledge(viewer.user.role) {
                                    (acknowledge_form(tr, e.id))
                                }
                            }
                        }
                    }
                }
            } }
        }
    };
    let title = tr.t(if open { "escalations-title" } else { "escalations-acknowledged-title" });
    layout::page(tr, Some(&viewer.user), StatusCode::OK, &title, body)
}

/// Who is on duty, and for a supervisor the form to take the duty or end it.
fn duty_section(tr: &Tr<'_>, duty: &Duty, may_take: bool) -> Markup {
    html! {
        section #duty aria-labelledby="duty-h" {
            h2 #duty-h { (tr.t("duty-title")) }
            @if duty.on_duty.is_empty() {
                p.muted #duty-nobody { (tr.t("duty-nobody")) }
            } @else {
                p { (tr.t("duty-list")) }
                ul #duty-list {
                    @for d in &duty.on_duty { li { (d.email) " " (tr.t("duty-until")) " " (time(d.until)) } }
                }
            }
            @if may_take {
                @if let Some(until) = duty.mine {
                    p #duty-mine { (tr.t("duty-mine")) " " (time(until)) }
                }
                form.inline method="post" action="/escalations/duty" {
                    label for="duty-hours" { (tr.t("duty-hours")) }
                    " "
                    select #duty-hours name="hours" {
                        @for h in 1..=12 { option value=(h) selected[h == 8] { (h) } }
                    }
                    " " (tr.t("duty-hours-unit")) " "
                    button type="submit" { (tr.t("duty-take")) }
                    @if duty.mine.is_some() {
                        " " button.secondary type="submit" name="end" value="1" { (tr.t("duty-end")) }
                    }
                }
            }
        }
    }
}

/// A supervisor takes the duty for some hours from now, or ends it (`end`).
pub(crate) async fn set_duty(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let until = if form.contains_key("end") {
        None
    } else {
        match super::hours(&form, MAX_DUTY_HOURS) {
            Ok(Some(hours)) => Some(OffsetDateTime::now_utc() + time::Duration::hours(hours)),
            Ok(None) => {
                let e = AppError::unprocessable("hours", homeward_domain::Problem::Required, "must be given");
                return error_page(&tr, Some(&viewer.user), e);
            }
            Err(e) => return error_page(&tr, Some(&viewer.user), e),
        }
    };
    let actor = viewer.actor.clone();
    match state.run(move |store| store.set_duty(&actor, until)).await {
        Ok(_) => Redirect::to("/escalations#duty").into_response(),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

fn acknowledge_form(tr: &Tr<'_>, id: EscalationId) -> Markup {
    let field = format!("note-{id}");
    html! {
        form.acknowledge method="post" action=(format!("/escalations/{id}/acknowledge")) {
            label for=(field) { (tr.t("escalations-note")) }
            input id=(field) type="text" name="note" maxlength=(MAX_ACK_NOTE);
            div.actions { button type="submit" { (tr.t("escalations-acknowledge")) } }
        }
    }
}

/// A supervisor's acknowledgement from the queue or the case page; back to where it was sent.
pub(crate) async fn acknowledge(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id: EscalationId = match super::path_id(&id, "escalation") {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let note = form.get("note").cloned();
    let actor = viewer.actor.clone();
    match state.run(move |store| store.acknowledge_escalation(&actor, id, note)).await {
        Ok(e) if form.get("back").map(String::as_str) == Some("case") => {
            Redirect::to(&format!("/cases/{}?saved=acknowledged#escalations", e.case_id)).into_response()
        }
        Ok(_) => Redirect::to("/escalations").into_response(),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

/// What an escalation is about, in the reader's language.
fn what(tr: &Tr<'_>, plan: &ResponsePlan, e: &EscalationView) -> Markup {
    match (&e.target, &e.task_title) {
        (Some(target), _) => {
            let name = plan.target(target).map(|t| t.name.get(tr.lang).to_owned()).unwrap_or_else(|| target.clone());
            html! {
                (name)
                @if e.cycle > 1 { " " span.muted { (tr.t1("escalations-cycle", "cycle", e.cycle)) } }
            }
        }
        (None, Some(title)) => html! { (tr.t("escalations-task")) ": " (user_text(title)) },
        (None, None) => html! { (tr.t("escalations-task")) },
    }
}

fn risk(tr: &Tr<'_>, e: &EscalationView) -> String {
    match e.risk_level {
        Some(level) => tr.t(&format!("risk-{}", key(&level))),
        None => tr.t("risk-none"),
    }
}

/// The case's escalations on its page, open first; a supervisor acknowledges from here too.
pub(crate) fn case_section(
    tr: &Tr<'_>,
    viewer: &Viewer,
    plan: &ResponsePlan,
    escalations: &[EscalationView],
) -> Markup {
    if escalations.is_empty() {
        return nothing();
    }
    let now = OffsetDateTime::now_utc();
    html! {
        section.panel #escalations aria-labelledby="escalations-h" {
            h2 #escalations-h { (tr.t("case-escalations")) }
            ul {
                @for e in escalations {
                    li id=(format!("e-{}", e.id)) {
                        (what(tr, plan, e)) " · "
                        @if let Some(cleared) = e.cleared_at {
                            (tr.t("escalations-cleared")) " " (time(cleared))
                        } @else {
                            (tr.t("escalations-overdue")) " " (clock(tr, e.due_at, now))
                        }
                        @if let Some(ack) = &e.acknowledged {
                            " · " span.muted { (tr.t("escalations-acknowledged")) " " (time(ack.at)) }
                        } @else if may_acknowledge(viewer.user.role) {
                            form.acknowledge method="post" action=(format!("/escalations/{}/acknowledge", e.id)) {
                                input type="hidden" name="back" value="case";
                                label for=(format!("note-{}", e.id)) { (tr.t("escalations-note")) }
                                input id=(format!("note-{}", e.id)) type="text" name="note" maxlength=(MAX_ACK_NOTE);
                                div.actions { button.secondary type="submit" { (tr.t("escalations-acknowledge")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The form that records a hand-over to a police unit, for those who may hand the case over.
pub(crate) fn handover_form(tr: &Tr<'_>, view: &CaseView, police: &[Organisation]) -> Markup {
    html! {
        section.panel #police aria-labelledby="police-h" {
            h2 #police-h { (tr.t("case-police")) }
            @if police.is_empty() {
                p.muted { (tr.t("case-police-none")) }
            } @else {
                form method="post" action=(format!("/cases/{}/police-handover", view.case.id)) {
                    label for="police-unit" { (tr.t("case-police-unit")) }
                    select #police-unit name="to_organisation" required {
                        @for unit in police { option value=(unit.id.to_string()) { (unit.name) } }
                    }
                    label for="police-reference" { (tr.t("case-police-reference")) }
                    input #police-reference type="text" name="reference" maxlength="200";
                    div.actions { button.secondary type="submit" { (tr.t("case-police-hand-over")) } }
                }
            }
        }
    }
}
