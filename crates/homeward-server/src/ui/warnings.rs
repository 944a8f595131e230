//! The supervisor's early-warning queue: what the detectors found across the organisation's
//! cases (the same child missing again, several children gone from one place, one identifier
//! in several cases), most urgent first, each with its evidence, its cases and what was decided
//! about it, and the decision form for a supervisor. Each warning also has a page of its own
//! (`/warnings/{id}`), where a shared identifier is drawn as the network of cases and identifiers
//! around it: an inline SVG drawn on the server (no script, nothing fetched from elsewhere) with a
//! list beside it that says the same in text.
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
use homeward_domain::warning::{
    Level, MAX_NETWORK_CASES, MAX_NETWORK_IDENTIFIERS, MAX_WARNING_REASON, NetworkCase, NetworkIdentifier,
    WarningDecision, WarningKind, WarningNetwork, WarningState, WarningView,
};
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
            (warning(tr, viewer, w, names, attempt.filter(|a| a.warning == w.id), true))
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
    on_queue: bool,
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
            @if on_queue {
                p.open-page {
                    a href=(format!("/warnings/{}", w.id)) {
                        (tr.t(if w.kind == WarningKind::SharedIdentifier { "warnings-open-network" } else { "warnings-open-page" }))
                    }
                }
            }
            @if w.state.is_live() && may_decide(viewer.user.role) { (decision_form(tr, w, attempt)) }
        }
    }
}

/// One warning on a page of its own (`/warnings/{id}`): what the queue shows of it and, for a
/// shared identifier, its network of cases and identifiers. Both reads are the store's own
/// (`get_warning`, `warning_network`), so the policy and the audit log cover the page exactly as
/// they cover the API.
pub(crate) async fn page(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let Ok(id) = id.parse::<WarningId>() else {
        return error_page(&tr, Some(&viewer.user), AppError::not_found("no such warning"));
    };
    let actor = viewer.actor.clone();
    let loaded = state
        .run(move |store| {
            let warning = store.get_warning(&actor, id)?;
            let network = match warning.kind {
                WarningKind::SharedIdentifier => Some(store.warning_network(&actor, id)?),
                WarningKind::RepeatEpisodes | WarningKind::PlaceCluster | WarningKind::Trend => None,
            };
            let deciders: Vec<UserId> = warning.decisions.iter().filter_map(|d| d.by).collect();
            let names = store.who_is(&actor, &deciders)?;
            Ok((warning, network, names))
        })
        .await;
    let (w, network, names) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let back = if w.state.is_live() { "/warnings" } else { "/warnings?state=closed" };
    let body = html! {
        p { a href=(back) { (tr.t("warning-page-back")) } }
        (warning(&tr, &viewer, &w, &names, None, false))
        @if let Some(network) = &network { (network_section(&tr, network)) }
    };
    layout::page(&tr, Some(&viewer.user), StatusCode::OK, &tr.t("warning-page-title"), body)
}

/// The network section: the drawing, its legend, and beside it the same in words.
fn network_section(tr: &Tr<'_>, network: &WarningNetwork) -> Markup {
    let order = identifier_order(network);
    html! {
        section.panel.network #network aria-labelledby="network-h" {
            h2 #network-h { (tr.t("network-title")) }
            p { (tr.t("network-intro")) }
            @if network.truncated {
                p.notice #network-cut {
                    (tr.t2("network-cut", ("cases", MAX_NETWORK_CASES.into()), ("identifiers", MAX_NETWORK_IDENTIFIERS.into())))
                }
            }
            @if network.identifiers.is_empty() {
                p.muted #network-empty { (tr.t("network-empty")) }
            } @else {
                div.network-views {
                    figure {
                        (network_svg(tr, network, &order))
                        figcaption.legend {
                            span { span.swatch.in-warning {} " " (tr.t("network-in-warning")) }
                            span { span.swatch.hop {} " " (tr.t("network-hop")) }
                        }
                    }
                    div #network-list {
                        h3 { (tr.t("network-list")) }
                        ul.network-list {
                            @for &j in &order { (identifier_item(tr, network, &network.identifiers[j])) }
                        }
                    }
                }
            }
        }
    }
}

/// One identifier in the text version, with every case of the network that holds it.
fn identifier_item(tr: &Tr<'_>, network: &WarningNetwork, identifier: &NetworkIdentifier) -> Markup {
    let holders = network
        .edges
        .iter()
        .filter(|e| e.identifier_id == identifier.id)
        .filter_map(|e| network.cases.iter().find(|c| c.case_id == e.case_id));
    html! {
        li {
            (tr.t(&format!("identifier-{}", key(&identifier.kind)))) ": " strong { (user_text(&identifier.value)) }
            " " span.muted { (tr.t1("network-held-by", "count", identifier.held_by)) }
            ul {
                @for c in holders {
                    li {
                        a href=(format!("/cases/{}", c.case_id)) { (c.number) }
                        @if !c.in_warning { " " span.muted { "(" (tr.t("network-one-step")) ")" } }
                    }
                }
            }
        }
    }
}

/// The order identifiers are drawn and listed in: each at the mean height of the cases that hold
/// it (the barycentre heuristic), so that few lines cross; ties keep the store's order (the most
/// held first).
fn identifier_order(network: &WarningNetwork) -> Vec<usize> {
    let position = |case_id| network.cases.iter().position(|c| c.case_id == case_id);
    let centre = |identifier: &NetworkIdentifier| {
        let rows: Vec<usize> = network
            .edges
            .iter()
            .filter(|e| e.identifier_id == identifier.id)
            .filter_map(|e| position(e.case_id))
            .collect();
        if rows.is_empty() { f64::MAX } else { rows.iter().sum::<usize>() as f64 / rows.len() as f64 }
    };
    let centres: Vec<f64> = network.identifiers.iter().map(centre).collect();
    let mut order: Vec<usize> = (0..network.identifiers.len()).collect();
    order.sort_by(|&a, &b| centres[a].total_cmp(&centres[b]));
    order
}

/// The drawing's geometry, in its own units: the browser scales it to the width it has
/// (`viewBox` and `width="100%"`), so the page never scrolls sideways.
const SVG_WIDTH: usize = 720;
const NODE_HEIGHT: usize = 40;
const ROW: usize = 50;
const MARGIN: usize = 4;
const CASE_X: usize = MARGIN;
const CASE_WIDTH: usize = 210;
const IDENTIFIER_X: usize = 396;
const IDENTIFIER_WIDTH: usize = SVG_WIDTH - MARGIN - IDENTIFIER_X;

/// Cases in the left column, identifiers in the right, a line from each case to each identifier
/// it holds. A case of the warning is drawn solid and bold, one a step further dashed, so the two
/// differ in more than colour; each case is a link to its page. Every value is interpolated by
/// `maud`, which escapes it inside SVG text as anywhere else. The colours are presentation
/// attributes, which the page's content security policy allows (inline styles it does not).
fn network_svg(tr: &Tr<'_>, network: &WarningNetwork, order: &[usize]) -> Markup {
    let (cases, identifiers) = (network.cases.len(), order.len());
    let rows = cases.max(identifiers).max(1);
    let height = 2 * MARGIN + (rows - 1) * ROW + NODE_HEIGHT;
    // The shorter column is centred against the longer one.
    let case_top = |i: usize| MARGIN + (rows - cases) * ROW / 2 + i * ROW;
    let identifier_top = |j: usize| MARGIN + (rows - identifiers) * ROW / 2 + j * ROW;
    let row_of: std::collections::HashMap<_, usize> =
        order.iter().enumerate().map(|(row, &j)| (network.identifiers[j].id, row)).collect();
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {SVG_WIDTH} {height}")) width="100%"
            aria-labelledby="network-svg-title" {
            title #network-svg-title { (tr.t("network-svg-title")) }
            g.edges stroke="#7a828e" stroke-width="1.5" {
                @for edge in &network.edges {
                    @if let (Some(i), Some(j)) = (network.cases.iter().position(|c| c.case_id == edge.case_id), row_of.get(&edge.identifier_id)) {
                        line x1=(CASE_X + CASE_WIDTH) y1=(case_top(i) + NODE_HEIGHT / 2)
                            x2=(IDENTIFIER_X) y2=(identifier_top(*j) + NODE_HEIGHT / 2) {}
                    }
                }
            }
            @for (i, c) in network.cases.iter().enumerate() { (case_node(tr, c, case_top(i))) }
            @for (row, &j) in order.iter().enumerate() { (identifier_node(tr, &network.identifiers[j], identifier_top(row))) }
        }
    }
}

fn case_node(tr: &Tr<'_>, c: &NetworkCase, top: usize) -> Markup {
    let (class, fill, stroke, dashes, weight) = if c.in_warning {
        ("node case in-warning", "#e8f0fa", "#0b5cad", None, "700")
    } else {
        ("node case hop", "#ffffff", "#4a5260", Some("6 4"), "400")
    };
    let role = tr.t(if c.in_warning { "network-in-warning" } else { "network-hop" });
    let status = tr.t(&format!("status-{}", c.status.as_str()));
    html! {
        a class=(class) href=(format!("/cases/{}", c.case_id)) {
            title { (c.number) " · " (status) " · " (role) }
            (node_box(CASE_X, top, CASE_WIDTH, html! {
                rect x="1" y="1" width=(CASE_WIDTH - 2) height=(NODE_HEIGHT - 2) rx="4" fill=(fill) stroke=(stroke)
                    stroke-width="1.5" stroke-dasharray=[dashes] {}
                text x="10" y="17" font-size="14" font-weight=(weight) fill="#0b5cad" { (c.number) }
                text x="10" y="33" font-size="12" fill="#4a5260" { (clip(&status, 28)) }
            }))
        }
    }
}

fn identifier_node(tr: &Tr<'_>, identifier: &NetworkIdentifier, top: usize) -> Markup {
    let kind = tr.t(&format!("identifier-{}", key(&identifier.kind)));
    let held = tr.t1("network-held-by", "count", identifier.held_by);
    html! {
        g.node.identifier {
            title { (kind) ": " (identifier.value) " · " (held) }
            (node_box(IDENTIFIER_X, top, IDENTIFIER_WIDTH, html! {
                rect x="1" y="1" width=(IDENTIFIER_WIDTH - 2) height=(NODE_HEIGHT - 2) rx="4" fill="#f3f5f8"
                    stroke="#7a828e" stroke-width="1" {}
                text x="10" y="15" font-size="12" fill="#4a5260" { (clip(&format!("{kind} · {held}"), 46)) }
                text x="10" y="32" font-size="14" fill="#1b1f24" { (clip(&identifier.value, 36)) }
            }))
        }
    }
}

/// A node's box: a nested `svg`, which clips what it holds, so that a value in wide letters
/// never runs over its neighbour whatever the clipping by characters left.
fn node_box(x: usize, y: usize, width: usize, content: Markup) -> Markup {
    html! { svg x=(x) y=(y) width=(width) height=(NODE_HEIGHT) { (content) } }
}

/// At most `max` characters of a text, the last one an ellipsis when it was cut; the full text
/// is in the node's title and in the list beside the drawing.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(max.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
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
