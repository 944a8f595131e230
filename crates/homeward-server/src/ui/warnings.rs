//! The supervisor's early-warning queue: what the detectors found across the organisation's
//! cases (the same child missing again, several children gone from one place, one identifier
//! in several cases), most urgent first, each with its evidence, its cases and what was decided
//! about it, and the decision form for a supervisor.
//!
//! A refused decision (no reason given for closing, or a warning decided by someone else in the
//! meantime) comes back on the queue itself, with the problem next to the form and the reason
//! that was typed kept, because the supervisor has to see the warning again to correct it.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::org::Role;
use homeward_domain::policy::{self, Action, Scope};
use homeward_domain::warning::{Level, MAX_WARNING_REASON, WarningDecision, WarningKind, WarningState, WarningView};
use homeward_domain::{DomainError, FieldError, UserId, WarningId};
use homeward_store::StoreError;
use maud::{Markup, html};

use super::layout::{self, nothing, time, user_text};
use super::{Viewer, error_page, key, parse_key, problem_text};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::routes::warnings::WarningsState;

/// May this role see the warnings at all? The navigation and the case page ask, so that a
/// role that may not is neither shown the way in nor made to ask the store.
pub(crate) fn may_read(role: Role) -> bool {
    policy::authorize(role, Action::WarningRead, Scope::Own).is_ok()
}

fn may_decide(role: Role) -> bool {
    policy::authorize(role, Action::WarningDecide, Scope::Own).is_ok()
}

/// Why the store did not take a decision, as the queue shows it.
enum Refusal {
    /// The reason is missing or not acceptable.
    Invalid(Vec<FieldError>),
    /// The warning was closed, or acknowledged already, in the meantime.
    Decided,
}

/// A decision that was refused, with what was typed.
struct Attempt {
    warning: WarningId,
    reason: String,
    refusal: Refusal,
}

/// The queue (`/warnings`) or the closed warnings (`/warnings?state=closed`).
pub(crate) async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let live = match parse_key::<WarningsState>("state", query.get("state").map(String::as_str)) {
        Ok(which) => which != Some(WarningsState::Closed),
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    match load(&state, &viewer, live).await {
        Ok((warnings, names)) => render(&tr, &viewer, StatusCode::OK, live, &warnings, &names, None),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

/// The organisation's warnings and the names of those who decided them.
async fn load(
    state: &AppState,
    viewer: &Viewer,
    live: bool,
) -> Result<(Vec<WarningView>, HashMap<UserId, String>), AppError> {
    let actor = viewer.actor.clone();
    state
        .run(move |store| {
            let warnings = store.list_warnings(&actor, live)?;
            let deciders: Vec<UserId> = warnings.iter().flat_map(|w| w.decisions.iter().filter_map(|d| d.by)).collect();
            let names = store.who_is(&actor, &deciders)?;
            Ok((warnings, names))
        })
        .await
}

/// A supervisor's decision from the queue.
pub(crate) async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let parsed = (|| -> Result<(WarningId, WarningDecision), AppError> {
        let id = id.parse().map_err(|_| AppError::not_found("no such warning"))?;
        let decision = parse_key::<WarningDecision>("decision", form.get("decision").map(String::as_str))?
            .ok_or_else(|| AppError::bad_request("Choose to acknowledge, act on or dismiss the warning."))?;
        Ok((id, decision))
    })();
    let (id, decision) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let reason = form.get("reason").cloned().unwrap_or_default();
    let actor = viewer.actor.clone();
    let typed = reason.clone();
    let outcome = state
        .run(move |store| match store.decide_warning(&actor, id, decision, Some(typed)) {
            Ok(_) => Ok(None),
            Err(StoreError::Domain(DomainError::Invalid(problems))) => Ok(Some(Refusal::Invalid(problems))),
            Err(StoreError::Domain(DomainError::NoChange(_))) => Ok(Some(Refusal::Decided)),
            Err(e) => Err(e),
        })
        .await;
    let refusal = match outcome {
        Ok(None) => return Redirect::to("/warnings").into_response(),
        Ok(Some(refusal)) => refusal,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let status = match refusal {
        Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Refusal::Decided => StatusCode::CONFLICT,
    };
    let attempt = Attempt { warning: id, reason, refusal };
    match load(&state, &viewer, true).await {
        Ok((warnings, names)) => render(&tr, &viewer, status, true, &warnings, &names, Some(&attempt)),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

fn render(
    tr: &Tr<'_>,
    viewer: &Viewer,
    status: StatusCode,
    live: bool,
    warnings: &[WarningView],
    names: &HashMap<UserId, String>,
    attempt: Option<&Attempt>,
) -> Response {
    let shown = attempt.is_some_and(|a| warnings.iter().any(|w| w.id == a.warning));
    let body = html! {
        @if let Some(a) = attempt.filter(|a| !shown || matches!(a.refusal, Refusal::Invalid(_))) {
            (refused(tr, a, shown))
        }
        p { (tr.t("warnings-intro")) }
        p {
            @if live { a href="/warnings?state=closed" { (tr.t("warnings-show-closed")) } }
            @else { a href="/warnings" { (tr.t("warnings-show-live")) } }
        }
        @if warnings.is_empty() {
            p.muted #no-warnings { (tr.t(if live { "warnings-empty" } else { "warnings-closed-empty" })) }
        }
        @for w in warnings {
            (warning(tr, viewer, w, names, attempt.filter(|a| a.warning == w.id)))
        }
    };
    let title = tr.t(if live { "warnings-title" } else { "warnings-closed-title" });
    layout::page(tr, Some(&viewer.user), status, &title, body)
}

/// What was wrong with the decision, at the top of the page: each problem of the reason, linked
/// to its field, or that the warning was decided meanwhile when the queue no longer shows it.
fn refused(tr: &Tr<'_>, attempt: &Attempt, shown: bool) -> Markup {
    let field = format!("#reason-{}", attempt.warning);
    html! {
        div.notice.error role="alert" #problems {
            @match &attempt.refusal {
                Refusal::Invalid(problems) => {
                    p { (tr.t("warnings-refused")) }
                    ul {
                        @for p in problems {
                            li {
                                @if shown { a href=(field) { (tr.t("warnings-reason")) } } @else { (tr.t("warnings-reason")) }
                                ": " (problem_text(tr, p))
                            }
                        }
                    }
                }
                Refusal::Decided => p { (tr.t("warnings-already-decided")) },
            }
        }
    }
}

fn warning(
    tr: &Tr<'_>,
    viewer: &Viewer,
    w: &WarningView,
    names: &HashMap<UserId, String>,
    attempt: Option<&Attempt>,
) -> Markup {
    let anchor = format!("w-{}", w.id);
    html! {
        section.panel.warning id=(anchor) aria-labelledby=(format!("{anchor}-h")) {
            h2 id=(format!("{anchor}-h")) { (kind(tr, w.kind)) }
            dl.facts {
                dt { (tr.t("warnings-level")) } dd { (level(tr, w.level)) }
                dt { (tr.t("warnings-state")) } dd.state { (state_words(tr, w.state)) }
                dt { (tr.t("warnings-raised")) } dd { (time(w.raised_at)) }
                dt { (tr.t("warnings-updated")) } dd { (time(w.updated_at)) }
            }
            h3 { (tr.t("warnings-evidence")) }
            // The detectors' own lines, in English whatever the page's language.
            ul.evidence lang="en" { @for line in &w.evidence { li { (line) } } }
            h3 { (tr.t("warnings-cases")) }
            div.table-wrap { table.warning-cases {
                thead { tr {
                    th scope="col" { (tr.t("desk-col-case")) }
                    th scope="col" { (tr.t("desk-col-category")) }
                    th scope="col" { (tr.t("desk-col-status")) }
                    th scope="col" { (tr.t("case-last-seen")) }
                } }
                tbody {
                    @for c in &w.cases {
                        tr {
                            td { a href=(format!("/cases/{}", c.case_id)) { (c.number) } }
                            td { (tr.t(&format!("category-{}", key(&c.category)))) }
                            td { (tr.t(&format!("status-{}", c.status.as_str()))) }
                            td { (time(c.last_seen_at)) }
                        }
                    }
                }
            } }
            @if !w.decisions.is_empty() {
                h3 { (tr.t("warnings-decisions")) }
                ul.decisions {
                    @for d in &w.decisions {
                        li {
                            (tr.t(&format!("warning-decision-{}", key(&d.decision)))) " "
                            span.muted { (tr.t1("event-by", "who", super::case::who(tr, viewer, d.by, names))) }
                            " · " (time(d.at))
                            @if let Some(reason) = &d.reason { ": " (user_text(reason)) }
                        }
                    }
                }
            }
            @if w.state.is_live() && may_decide(viewer.user.role) { (decision_form(tr, w, attempt)) }
        }
    }
}

/// Acknowledge (only while open), act on or dismiss; the reason is needed to close a warning.
fn decision_form(tr: &Tr<'_>, w: &WarningView, attempt: Option<&Attempt>) -> Markup {
    let field = format!("reason-{}", w.id);
    let problems: &[FieldError] = match attempt.map(|a| &a.refusal) {
        Some(Refusal::Invalid(problems)) => problems,
        _ => &[],
    };
    let decided = matches!(attempt.map(|a| &a.refusal), Some(Refusal::Decided));
    let error = format!("{field}-error");
    html! {
        form.decision method="post" action=(format!("/warnings/{}/decision", w.id)) {
            label for=(field) {
                (tr.t("warnings-reason")) span.hint id=(format!("{field}-hint")) { (tr.t("warnings-reason-hint")) }
            }
            textarea id=(field) name="reason" maxlength=(MAX_WARNING_REASON)
                aria-invalid=[(!problems.is_empty()).then_some("true")]
                aria-describedby=(if problems.is_empty() { format!("{field}-hint") } else { format!("{field}-hint {error}") }) {
                (attempt.map(|a| a.reason.as_str()).unwrap_or_default())
            }
            @if !problems.is_empty() {
                span.field-error id=(error) {
                    @for (n, p) in problems.iter().enumerate() { @if n > 0 { "; " } (problem_text(tr, p)) }
                }
            }
            @if decided { p.field-error { (tr.t("warnings-already-decided")) } }
            div.actions {
                @if w.state == WarningState::Open {
                    button.secondary type="submit" name="decision" value="acknowledge" { (tr.t("warnings-acknowledge")) }
                }
                button type="submit" name="decision" value="act" { (tr.t("warnings-act")) }
                button.secondary type="submit" name="decision" value="dismiss" { (tr.t("warnings-dismiss")) }
            }
        }
    }
}

fn kind(tr: &Tr<'_>, kind: WarningKind) -> String {
    tr.t(&format!("warning-kind-{}", key(&kind)))
}

fn level(tr: &Tr<'_>, level: Level) -> Markup {
    let k = key(&level);
    html! { span class=(format!("level level-{k}")) { (tr.t(&format!("warning-level-{k}"))) } }
}

fn state_words(tr: &Tr<'_>, state: WarningState) -> String {
    tr.t(&format!("warning-state-{}", state.name()))
}

/// The live warnings a case is part of, on its page: each links to its place in the queue.
pub(crate) fn case_section(tr: &Tr<'_>, warnings: &[(WarningId, WarningKind, Level)]) -> Markup {
    if warnings.is_empty() {
        return nothing();
    }
    html! {
        section.panel #warnings aria-labelledby="warnings-h" {
            h2 #warnings-h { (tr.t("case-warnings")) }
            ul {
                @for (id, k, l) in warnings {
                    li { a href=(format!("/warnings#w-{id}")) { (kind(tr, *k)) } " · " (level(tr, *l)) }
                }
            }
        }
    }
}
