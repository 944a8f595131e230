//! Child alerts in the staff interface: the list of requests and live alerts (`/alerts`), the
//! request form from a case (`/cases/{id}/alerts`, supervisors), and each request's page
//! (`/alerts/{id}`): every criterion with who confirmed it, the approvals, the consent, what is
//! published, and Publish / Update / Extend / Cancel. The same store commands as the API.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::alert::{
    AlertChange, AlertContent, AlertId, AlertState, AlertView, Approval, ApprovalKind, Criterion, MAX_SHORT, MAX_TEXT,
    NewAlertRequest, PublicField,
};
use homeward_domain::org::Role;
use homeward_domain::policy::{self, Action, Scope};
use homeward_domain::{CaseId, Problem};
use maud::{Markup, html};
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use super::layout::{self, nothing, time, user_text};
use super::{Viewer, error_page, hours, key, optional};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;

fn may(role: Role, action: Action) -> bool {
    policy::authorize(role, action, Scope::Own).is_ok()
}

/// May this role see alerts? The navigation and the case page ask.
pub(crate) fn may_read(role: Role) -> bool {
    may(role, Action::AlertRead)
}

/// May this role request an alert? The case page asks, to offer "Request a child alert".
pub(crate) fn may_request(role: Role) -> bool {
    may(role, Action::AlertRequest)
}

/// The link the case page shows a supervisor.
pub(crate) fn case_link(tr: &Tr<'_>, role: Role, case: CaseId) -> Markup {
    if !may_request(role) {
        return nothing();
    }
    html! { p #request-alert { a href=(format!("/cases/{case}/alerts")) { (tr.t("alerts-request")) } } }
}

fn state_text(tr: &Tr<'_>, state: AlertState) -> String {
    tr.t(&format!("alerts-state-{}", state.as_str()))
}

/// `/alerts`: the organisation's requests and live alerts.
pub(crate) async fn list(State(state): State<AppState>, viewer: Viewer) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let actor = viewer.actor.clone();
    let alerts = match state.run(move |store| store.list_alerts(&actor)).await {
        Ok(alerts) => alerts,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let body = html! {
        p { (tr.t("alerts-intro")) }
        @if alerts.is_empty() {
            p.muted #no-alerts { (tr.t("alerts-empty")) }
        } @else {
            div.table-wrap { table #alerts {
                thead { tr {
                    th scope="col" { (tr.t("desk-col-case")) }
                    th scope="col" { (tr.t("alerts-col-state")) }
                    th scope="col" { (tr.t("alerts-col-requested")) }
                    th scope="col" { (tr.t("alerts-col-ends")) }
                } }
                tbody {
                    @for a in &alerts {
                        tr id=(format!("a-{}", a.id)) {
                            td { a href=(format!("/alerts/{}", a.id)) { (a.case_number) } }
                            td { (state_text(&tr, a.state)) }
                            td { (time(a.requested_at)) }
                            td { @if let Some(end) = a.ends_at { (time(end)) } }
                        }
                    }
                }
            } }
        }
    };
    layout::page(&tr, Some(&viewer.user), StatusCode::OK, &tr.t("alerts-title"), body)
}

/// The request form, from a case (supervisors).
pub(crate) async fn request_form(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let case = match super::case::case_id(&id) {
        Ok(case) => case,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    if !may_request(viewer.user.role) {
        return error_page(&tr, Some(&viewer.user), AppError::forbidden("only supervisors request alerts"));
    }
    let body = html! {
        p { (tr.t("alerts-request-intro")) }
        form method="post" action=(format!("/cases/{case}/alerts")) {
            fieldset {
                legend { (tr.t("alerts-consent")) }
                @for field in PublicField::ALL {
                    label.check {
                        input type="checkbox" name=(format!("consent_{}", field.as_str())) value="on";
                        " " (tr.t(&format!("alerts-field-{}", field.as_str())))
                    }
                }
            }
            label for="consent-given-by" { (tr.t("alerts-consent-given-by")) }
            input #consent-given-by type="text" name="consent_given_by" required maxlength=(MAX_SHORT);
            label for="photo-ref" { (tr.t("alerts-field-photo")) }
            input #photo-ref type="text" name="photo_ref" maxlength=(MAX_SHORT);
            label for="contact-phone" { (tr.t("alerts-field-contact_phone")) }
            input #contact-phone type="text" name="contact_phone" maxlength=(MAX_SHORT) value="116000";
            p.muted { (tr.t("alerts-request-from-case")) }
            div.actions { button type="submit" { (tr.t("alerts-request")) } }
        }
        p { a href=(format!("/cases/{case}")) { (tr.t("error-back")) } }
    };
    layout::page(&tr, Some(&viewer.user), StatusCode::OK, &tr.t("alerts-request"), body)
}

pub(crate) async fn request(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let case = match super::case::case_id(&id) {
        Ok(case) => case,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let consent_fields: Vec<PublicField> =
        PublicField::ALL.into_iter().filter(|f| form.contains_key(&format!("consent_{}", f.as_str()))).collect();
    // Only what the consent allows is taken from the form; the rest comes from the case.
    let content = AlertContent {
        photo_ref: optional(&form, "photo_ref").filter(|_| consent_fields.contains(&PublicField::Photo)),
        contact_phone: optional(&form, "contact_phone").filter(|_| consent_fields.contains(&PublicField::ContactPhone)),
        ..AlertContent::default()
    };
    let new = NewAlertRequest {
        consent_fields,
        consent_given_by: form.get("consent_given_by").cloned().unwrap_or_default(),
        content,
    };
    let actor = viewer.actor.clone();
    match state.run(move |store| store.request_alert(&actor, case, new)).await {
        Ok(alert) => Redirect::to(&format!("/alerts/{}", alert.id)).into_response(),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

fn parse_alert(id: &str) -> Result<AlertId, AppError> {
    super::path_id(id, "alert")
}

/// `/alerts/{id}`: one request with everything about it.
pub(crate) async fn page(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match parse_alert(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let actor = viewer.actor.clone();
    let alert = match state.run(move |store| store.get_alert(&actor, id)).await {
        Ok(alert) => alert,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let title = tr.t1("alerts-page-title", "case", alert.case_number.clone());
    layout::page(&tr, Some(&viewer.user), StatusCode::OK, &title, alert_body(&tr, &viewer, &alert))
}

fn who(tr: &Tr<'_>, name: Option<&String>) -> String {
    name.cloned().unwrap_or_else(|| tr.t("event-someone"))
}

fn alert_body(tr: &Tr<'_>, viewer: &Viewer, alert: &AlertView) -> Markup {
    let role = viewer.user.role;
    let open = alert.state == AlertState::Requested;
    let live = alert.is_live(OffsetDateTime::now_utc());
    let id = alert.id;
    html! {
        p {
            (tr.t("alerts-col-state")) ": " strong #alert-state { (state_text(tr, alert.state)) }
            " · " a href=(format!("/cases/{}", alert.case_id)) { (alert.case_number) }
            @if live { " · " a #public-link href=(format!("/public/alerts/{id}")) { (tr.t("alerts-public-page")) } }
        }
        section.panel #criteria aria-labelledby="criteria-h" {
            h2 #criteria-h { (tr.t("alerts-criteria")) }
            ul {
                @for criterion in Criterion::ALL {
                    li id=(format!("criterion-{}", criterion.as_str())) {
                        strong { (tr.t(&format!("alerts-criterion-{}", criterion.as_str()))) }
                        " — "
                        @if let Some(c) = alert.confirmation(criterion) {
                            (tr.t1("alerts-confirmed-by", "who", who(tr, c.by_name.as_ref()))) " " (time(c.at))
                            @if let Some(note) = &c.note { br; (user_text(note)) }
                        } @else {
                            span.muted { (tr.t("alerts-not-confirmed")) }
                            @if open && may(role, Action::AlertConfirm) {
                                form.inline method="post" action=(format!("/alerts/{id}/criteria")) {
                                    input type="hidden" name="criterion" value=(criterion.as_str());
                                    label for=(format!("note-{}", criterion.as_str())) { (tr.t("alerts-note")) }
                                    input id=(format!("note-{}", criterion.as_str())) type="text" name="note" maxlength=(MAX_TEXT);
                                    button.secondary type="submit" { (tr.t("alerts-confirm")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.panel #approvals aria-labelledby="approvals-h" {
            h2 #approvals-h { (tr.t("alerts-approvals")) }
            (approval(tr, viewer, alert, ApprovalKind::Police, alert.police_approval.as_ref()))
            (approval(tr, viewer, alert, ApprovalKind::Prosecutor, alert.prosecutor_order.as_ref()))
        }
        section.panel #consent aria-labelledby="consent-h" {
            h2 #consent-h { (tr.t("alerts-consent")) }
            p {
                (tr.t1("alerts-consent-recorded", "given_by", alert.consent.given_by.clone())) " " (time(alert.consent.recorded_at))
            }
            ul { @for f in &alert.consent.fields { li { (tr.t(&format!("alerts-field-{}", f.as_str()))) } } }
        }
        section.panel #content aria-labelledby="content-h" {
            h2 #content-h { (tr.t("alerts-content")) }
            (content_form(tr, viewer, alert))
        }
        section.panel #publication aria-labelledby="publication-h" {
            h2 #publication-h { (tr.t("alerts-publication")) }
            @if let (Some(at), Some(end)) = (alert.published_at, alert.ends_at) {
                p { (tr.t("alerts-published-at")) " " (time(at)) " · " (tr.t("alerts-col-ends")) " " (time(end)) }
            }
            @if !alert.messages.is_empty() {
                ol #messages { @for m in &alert.messages { li { (m.msg_type.as_str()) " " (time(m.sent_at)) } } }
            }
            @if may(role, Action::AlertPublish) {
                @if open {
                    @let missing = alert.missing_for_publication();
                    @if !missing.is_empty() { p.muted #publish-missing { (tr.t1("alerts-missing", "count", missing.len())) } }
                    form method="post" action=(format!("/alerts/{id}/publication")) {
                        label for="hours" { (tr.t("alerts-hours")) }
                        input #hours type="number" name="hours" min="1" max="24" value="6";
                        div.actions { button type="submit" { (tr.t("alerts-publish")) } }
                    }
                }
                @if alert.state == AlertState::Published {
                    form method="post" action=(format!("/alerts/{id}/extension")) {
                        label for="extend-hours" { (tr.t("alerts-extend-hours")) }
                        input #extend-hours type="number" name="hours" min="1" max="24" value="24";
                        div.actions { button.secondary type="submit" { (tr.t("alerts-extend")) } }
                    }
                }
                @if open || alert.state == AlertState::Published {
                    form method="post" action=(format!("/alerts/{id}/cancellation")) {
                        div.actions { button.danger type="submit" { (tr.t("alerts-cancel")) } }
                    }
                }
            }
        }
    }
}

fn approval(tr: &Tr<'_>, viewer: &Viewer, alert: &AlertView, kind: ApprovalKind, given: Option<&Approval>) -> Markup {
    let name = kind.as_str();
    html! {
        div id=(name) {
            h3 { (tr.t(&format!("alerts-{name}"))) }
            @if let Some(a) = given {
                p {
                    (tr.t("alerts-reference")) ": " (user_text(&a.reference)) " · " (time(a.given_at)) br;
                    span.muted { (tr.t1("alerts-recorded-by", "who", who(tr, a.recorded_by_name.as_ref()))) " " (time(a.recorded_at)) }
                }
            } @else {
                p.muted { (tr.t("alerts-not-recorded")) }
                @if alert.state == AlertState::Requested && may(viewer.user.role, Action::AlertApprove) {
                    form method="post" action=(format!("/alerts/{}/approvals", alert.id)) {
                        input type="hidden" name="kind" value=(key(&kind));
                        label for=(format!("{name}-reference")) { (tr.t("alerts-reference")) }
                        input id=(format!("{name}-reference")) type="text" name="reference" required maxlength=(MAX_SHORT);
                        label for=(format!("{name}-at")) { (tr.t("alerts-given-at")) }
                        input id=(format!("{name}-at")) type="text" name="given_at" placeholder="2026-11-30 10:00";
                        div.actions { button.secondary type="submit" { (tr.t("alerts-record")) } }
                    }
                }
            }
        }
    }
}

/// The content within the consent: shown, and for supervisors a form with only the consented
/// fields (an update once published).
fn content_form(tr: &Tr<'_>, viewer: &Viewer, alert: &AlertView) -> Markup {
    let c = &alert.content;
    let allowed = |f: PublicField| alert.consent.allows(f);
    let editable = matches!(alert.state, AlertState::Requested | AlertState::Published)
        && may(viewer.user.role, Action::AlertPublish);
    let fields: Vec<(&str, PublicField, String)> = vec![
        ("name", PublicField::Name, c.name.clone().unwrap_or_default()),
        ("age", PublicField::Age, c.age.map(|a| a.to_string()).unwrap_or_default()),
        ("description", PublicField::Description, c.description.clone().unwrap_or_default()),
        ("last_seen_place", PublicField::LastSeen, c.last_seen_place.clone().unwrap_or_default()),
        ("photo_ref", PublicField::Photo, c.photo_ref.clone().unwrap_or_default()),
        ("contact_phone", PublicField::ContactPhone, c.contact_phone.clone().unwrap_or_default()),
    ];
    html! {
        @if editable {
            form method="post" action=(format!("/alerts/{}/content", alert.id)) {
                @for (name, field, value) in &fields {
                    @if allowed(*field) {
                        label for=(format!("content-{name}")) { (tr.t(&format!("alerts-content-{name}"))) }
                        input id=(format!("content-{name}")) type="text" name=(name) value=(value) maxlength=(MAX_TEXT);
                    }
                }
                div.actions { button.secondary type="submit" {
                    (tr.t(if alert.state == AlertState::Published { "alerts-update" } else { "alerts-save-content" }))
                } }
            }
        } @else {
            dl {
                @for (name, field, value) in &fields {
                    @if allowed(*field) && !value.is_empty() {
                        dt { (tr.t(&format!("alerts-content-{name}"))) } dd { (user_text(value)) }
                    }
                }
            }
        }
    }
}

/// Runs a change from a form and goes back to the alert's page.
async fn changed(state: &AppState, viewer: &Viewer, id: &str, change: Result<AlertChange, AppError>) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match parse_alert(id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let change = match change {
        Ok(change) => change,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    match crate::routes::alerts::change(state, viewer.actor.clone(), id, change).await {
        Ok(_) => Redirect::to(&format!("/alerts/{id}")).into_response(),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

pub(crate) async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let change = form
        .get("criterion")
        .and_then(|c| Criterion::parse(c))
        .map(|criterion| AlertChange::Confirm { criterion, note: optional(&form, "note") })
        .ok_or_else(|| AppError::unprocessable("criterion", Problem::NotAChoice, "is not one of the criteria"));
    changed(&state, &viewer, &id, change).await
}

/// A time typed as `2026-11-30 10:00` (UTC); blank is now.
fn utc_time(form: &HashMap<String, String>, name: &str) -> Result<OffsetDateTime, AppError> {
    let Some(raw) = optional(form, name) else { return Ok(OffsetDateTime::now_utc()) };
    let raw = raw.replace('T', " ");
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    PrimitiveDateTime::parse(&raw, &format).map(PrimitiveDateTime::assume_utc).map_err(|_| {
        AppError::unprocessable(name, Problem::TimeFormat, format!("`{raw}` is not a time such as 2026-11-30 10:00"))
    })
}

pub(crate) async fn approve(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let kind = match form.get("kind").map(String::as_str) {
        Some("police") => Ok(ApprovalKind::Police),
        Some("prosecutor") => Ok(ApprovalKind::Prosecutor),
        _ => Err(AppError::unprocessable("kind", Problem::NotAChoice, "is not police or prosecutor")),
    };
    let change = kind.and_then(|kind| {
        let given_at = utc_time(&form, "given_at")?;
        Ok(AlertChange::Approve { kind, reference: form.get("reference").cloned().unwrap_or_default(), given_at })
    });
    changed(&state, &viewer, &id, change).await
}

pub(crate) async fn set_content(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let age = match optional(&form, "age").map(|a| a.parse::<u8>()) {
        None => Ok(None),
        Some(Ok(age)) => Ok(Some(age)),
        Some(Err(_)) => Err(AppError::unprocessable("age", Problem::AgeFormat, "is not a number of years")),
    };
    let change = age.map(|age| {
        AlertChange::SetContent(AlertContent {
            name: optional(&form, "name"),
            age,
            photo_ref: optional(&form, "photo_ref"),
            description: optional(&form, "description"),
            last_seen_place: optional(&form, "last_seen_place"),
            last_seen_at: None,
            contact_phone: optional(&form, "contact_phone"),
        })
    });
    changed(&state, &viewer, &id, change).await
}

pub(crate) async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let change = hours(&form, homeward_domain::alert::MAX_HOURS)
        .map(|h| AlertChange::Publish { ends_at: h.map(|h| OffsetDateTime::now_utc() + Duration::hours(h)) });
    changed(&state, &viewer, &id, change).await
}

/// Extends to `hours` after publication.
pub(crate) async fn extend(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let alert_id = match parse_alert(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let actor = viewer.actor.clone();
    let published = match state.run(move |store| store.get_alert(&actor, alert_id)).await {
        Ok(alert) => alert.published_at,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let change = hours(&form, homeward_domain::alert::MAX_HOURS).and_then(|h| match (published, h) {
        (Some(at), Some(h)) => Ok(AlertChange::Extend { ends_at: at + Duration::hours(h) }),
        _ => Err(AppError::unprocessable("hours", Problem::Required, "must be given")),
    });
    changed(&state, &viewer, &id, change).await
}

pub(crate) async fn cancel(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Response {
    changed(&state, &viewer, &id, Ok(AlertChange::Cancel)).await
}
