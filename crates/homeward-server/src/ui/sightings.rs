//! Sightings from the public, in the interface. The public form (`/public/sightings`, with
//! `?alert=ID` for one child alert) needs no login, sets no cookie and works without a script
//! (`/assets/sightings.js` only adds "use my location" and the sender's offset from UTC). Staff
//! read the inbox (`/sightings`), a page per sighting with its photo, attach one to a case of
//! their organisation or dismiss it with a reason; the case page shows the attached sightings
//! beside the last-seen point ([`case_panel`]), drawn on the server as an SVG with a list beside
//! it (no map tiles: nothing is fetched from elsewhere).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::org::Role;
use homeward_domain::policy::{self, Action, Scope};
use homeward_domain::sighting::{MAX_DESCRIPTION, MAX_PHOTO_BYTES, MAX_PLACE, MAX_REASON, SightingView};
use homeward_domain::view::{CaseFilter, CaseOrder, CaseSummary, CaseView};
use homeward_domain::{CaseId, FieldError, SightingId, UserId};
use homeward_store::Store;
use maud::{Markup, html};

use super::layout::{self, nothing, time, user_text};
use super::{Viewer, error_page, problem_text};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::routes::sightings::{Fields, Refusal, photo_response, receive};

/// May this role read the inbox? The navigation asks.
pub(crate) fn may_read(role: Role) -> bool {
    policy::authorize(role, Action::SightingRead, Scope::Own).is_ok()
}

fn may_decide(role: Role) -> bool {
    policy::authorize(role, Action::SightingDecide, Scope::Own).is_ok()
}

/// The public pages' language: the browser's, or `?lang=`.
fn public_words<'a>(state: &'a AppState, headers: &HeaderMap, query: &HashMap<String, String>) -> Tr<'a> {
    let asked = query.get("lang").map(String::as_str).filter(|l| state.locales.has(l));
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let tag = asked.unwrap_or_else(|| state.locales.negotiate(accept));
    state.locales.get(tag)
}

/// The alert a public page is about, if the address names one that could be an alert's.
fn alert_of(query: &HashMap<String, String>) -> Option<String> {
    query
        .get("alert")
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty() && a.len() <= 100 && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c)))
}

/// `GET /public/sightings[?alert=ID]`: the form.
pub(crate) async fn public_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let tr = public_words(&state, &headers, &query);
    let mut fields = Fields::new();
    if let Some(alert) = alert_of(&query) {
        fields.insert("alert".into(), alert);
    }
    form_page(&tr, StatusCode::OK, &fields, None)
}

/// `POST /public/sightings`: sends the form; a refusal comes back on the form with what was
/// typed (all but the photo) and what to do about it.
pub(crate) async fn public_submit(State(state): State<AppState>, request: Request) -> Response {
    let tr = public_words(&state, request.headers(), &HashMap::new());
    let tr_lang = tr.lang.to_owned();
    let (outcome, fields) = receive(&state, request).await;
    match outcome {
        Ok(receipt) => {
            let mut to = format!("/public/sightings/sent?ref={}&lang={tr_lang}", receipt.id);
            if let Some(alert) = fields.get("alert").filter(|a| !a.trim().is_empty()) {
                to.push_str(&format!("&alert={}", super::encode_component(alert.trim())));
            }
            Redirect::to(&to).into_response()
        }
        Err(refusal) => {
            let status = refusal.status();
            form_page(&tr, status, &fields, Some(&refusal))
        }
    }
}

/// `GET /public/sightings/sent`: thanks, with the reference.
pub(crate) async fn sent(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let tr = public_words(&state, &headers, &query);
    let reference = query.get("ref").and_then(|r| r.parse::<SightingId>().ok());
    let again = match alert_of(&query) {
        Some(alert) => format!("/public/sightings?alert={alert}"),
        None => "/public/sightings".to_owned(),
    };
    let body = html! {
        div.notice role="status" #sent {
            p { (tr.t("sighting-sent")) }
            @if let Some(reference) = reference { p { (tr.t("sighting-reference")) " " code { (reference) } } }
        }
        p { (tr.t("sighting-urgent")) }
        p { a href=(again) { (tr.t("sighting-send-another")) } }
    };
    layout::page(&tr, None, StatusCode::OK, &tr.t("sighting-sent-title"), body)
}

/// The label of a field of the form, in the reader's language.
fn label(tr: &Tr<'_>, field: &str) -> String {
    let id = match field {
        "place" => "sighting-place",
        "lat" => "sighting-lat",
        "lon" => "sighting-lon",
        "seen_at" => "sighting-seen-at",
        "utc_offset_minutes" => "sighting-offset",
        "description" => "sighting-description",
        "name" | "contact_name" => "sighting-contact-name",
        "phone" | "contact_phone" => "sighting-contact-phone",
        "email" | "contact_email" => "sighting-contact-email",
        "alert" => "sighting-alert",
        "reason" => "sighting-reason",
        other => return super::field_label(tr, other),
    };
    tr.t(id)
}

/// What the person is told when the form is sent back.
fn refusal_text(tr: &Tr<'_>, refusal: &Refusal) -> String {
    match refusal {
        Refusal::Throttled(wait) => tr.t1("sighting-throttled", "minutes", wait.div_ceil(60)),
        Refusal::TooLarge => tr.t1("sighting-too-large", "mb", MAX_PHOTO_BYTES / 1024 / 1024),
        Refusal::NotAnImage => tr.t("sighting-not-an-image"),
        Refusal::Unreadable(..) => tr.t("sighting-unreadable"),
        Refusal::Invalid(_) => tr.t("sighting-invalid"),
        Refusal::Failed(_) => tr.t("error-internal"),
    }
}

fn form_page(tr: &Tr<'_>, status: StatusCode, fields: &Fields, refusal: Option<&Refusal>) -> Response {
    if let Some(Refusal::Failed(e)) = refusal
        && let Some(cause) = &e.cause
    {
        tracing::error!(cause = %cause, "a sighting could not be kept");
    }
    let value = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let problems: &[FieldError] = match refusal {
        Some(Refusal::Invalid(e)) => &e.errors,
        _ => &[],
    };
    let problem = |name: &str| -> Markup {
        let mine: Vec<&FieldError> =
            problems.iter().filter(|p| p.field == name || p.field == name.trim_start_matches("contact_")).collect();
        html! { @for p in mine { span.problem id=(format!("{name}-problem")) { (problem_text(tr, p)) } } }
    };
    let alert = fields.get("alert").map(|a| a.trim()).filter(|a| !a.is_empty());
    let body = html! {
        @if let Some(refusal) = refusal {
            div.notice.error role="alert" #problems {
                p { (refusal_text(tr, refusal)) }
                @if !problems.is_empty() {
                    ul { @for p in problems { li { (label(tr, &p.field)) ": " (problem_text(tr, p)) } } }
                }
            }
        }
        @if let Some(alert) = alert { p #alert-ref { (tr.t("sighting-about-alert")) " " code { (alert) } } }
        p { (tr.t("sighting-intro")) }
        p { strong { (tr.t("sighting-urgent")) } }
        form #sighting method="post" action="/public/sightings" enctype="multipart/form-data" {
            @if let Some(alert) = alert { input type="hidden" name="alert" value=(alert); }
            label for="place" { (tr.t("sighting-place")) }
            input #place type="text" name="place" required maxlength=(MAX_PLACE) value=(value("place")) autofocus;
            (problem("place"))
            fieldset {
                legend { (tr.t("sighting-coordinates")) }
                p.muted { (tr.t("sighting-coordinates-hint")) }
                div.grid2 {
                    div {
                        label for="lat" { (tr.t("sighting-lat")) }
                        input #lat type="text" name="lat" inputmode="decimal" value=(value("lat"));
                        (problem("lat"))
                    }
                    div {
                        label for="lon" { (tr.t("sighting-lon")) }
                        input #lon type="text" name="lon" inputmode="decimal" value=(value("lon"));
                        (problem("lon"))
                    }
                }
                button.secondary #use-location type="button" hidden data-locating=(tr.t("sighting-locating"))
                    data-failed=(tr.t("sighting-location-failed")) { (tr.t("sighting-use-location")) }
                span #location-status role="status" {}
            }
            label for="seen_at" { (tr.t("sighting-seen-at")) }
            input #seen_at type="datetime-local" name="seen_at" required value=(value("seen_at"));
            (problem("seen_at"))
            input #utc_offset_minutes type="hidden" name="utc_offset_minutes" value=(value("utc_offset_minutes"));
            label for="description" { (tr.t("sighting-description")) }
            textarea #description name="description" required maxlength=(MAX_DESCRIPTION) rows="5" { (value("description")) }
            (problem("description"))
            fieldset {
                legend { (tr.t("sighting-contact")) }
                p.muted { (tr.t("sighting-contact-hint")) }
                label for="contact_name" { (tr.t("sighting-contact-name")) }
                input #contact_name type="text" name="contact_name" maxlength="200" value=(value("contact_name"));
                (problem("contact_name"))
                label for="contact_phone" { (tr.t("sighting-contact-phone")) }
                input #contact_phone type="tel" name="contact_phone" maxlength="50" value=(value("contact_phone"));
                (problem("contact_phone"))
                label for="contact_email" { (tr.t("sighting-contact-email")) }
                input #contact_email type="email" name="contact_email" maxlength="254" value=(value("contact_email"));
                (problem("contact_email"))
            }
            label for="photo" { (tr.t("sighting-photo")) }
            input #photo type="file" name="photo" accept="image/jpeg,image/png,image/webp";
            p.muted { (tr.t1("sighting-photo-hint", "mb", MAX_PHOTO_BYTES / 1024 / 1024)) }
            div.actions { button #send type="submit" { (tr.t("sighting-send")) } }
        }
        script src="/assets/sightings.js" defer {}
    };
    layout::page(tr, None, status, &tr.t("sighting-title"), body)
}

/// `GET /assets/sightings.js`: "use my location" and the sender's offset from UTC.
pub(crate) async fn script() -> Response {
    let mut response = include_str!("../../assets/sightings.js").into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    response
}

/// `GET /sightings`: the inbox, newest first.
pub(crate) async fn inbox(State(state): State<AppState>, viewer: Viewer) -> Response {
    let words = state.locales.get(&viewer.user.language);
    let tr = &words;
    let actor = viewer.actor.clone();
    let sightings = match state.run(move |store| store.list_sightings(&actor)).await {
        Ok(s) => s,
        Err(e) => return error_page(tr, Some(&viewer.user), e),
    };
    let body = html! {
        p { (tr.t("sightings-intro")) " " a href="/public/sightings" { (tr.t("sightings-public-link")) } }
        @if sightings.is_empty() {
            p.muted #no-sightings { (tr.t("sightings-empty")) }
        } @else {
            div.table-wrap { table #sightings {
                thead { tr {
                    th scope="col" { (tr.t("sightings-col-received")) }
                    th scope="col" { (tr.t("sighting-place")) }
                    th scope="col" { (tr.t("sightings-seen")) }
                    th scope="col" { (tr.t("sightings-what")) }
                    th scope="col" { (tr.t("sighting-photo")) }
                } }
                tbody {
                    @for s in &sightings {
                        tr id=(format!("s-{}", s.id)) {
                            td { a href=(format!("/sightings/{}", s.id)) { (time(s.received_at)) } }
                            td {
                                (user_text(&s.place))
                                @if let Some(alert) = &s.alert { br; span.muted { (tr.t("sighting-alert")) " " (alert) } }
                            }
                            td { (seen(tr, s)) }
                            td { (user_text(&clip(&s.description, 140))) }
                            td { @if s.photo.is_some() { (tr.t("sightings-photo-yes")) } @else { "—" } }
                        }
                    }
                }
            } }
        }
    };
    layout::page(tr, Some(&viewer.user), StatusCode::OK, &tr.t("sightings-title"), body)
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// When it was seen: the moment where the sender's offset is known, else their local time.
fn seen(tr: &Tr<'_>, s: &SightingView) -> Markup {
    match s.seen_at {
        Some(at) => time(at),
        None => html! { (s.seen_at_local.replace('T', " ")) " " span.muted { (tr.t("sighting-local-time")) } },
    }
}

fn sighting_id(text: &str) -> Result<SightingId, AppError> {
    super::path_id(text, "sighting")
}

/// `GET /sightings/{id}`: one sighting, its photo, and the forms to attach or dismiss it.
pub(crate) async fn page(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match sighting_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let actor = viewer.actor.clone();
    let deciding = may_decide(viewer.user.role);
    let loaded = state
        .run(move |store| {
            let sighting = store.get_sighting(&actor, id)?;
            let decided_by: Vec<UserId> = sighting.decided_by.into_iter().collect();
            let names = store.who_is(&actor, &decided_by)?;
            let cases = if deciding && sighting.case_id.is_none() && sighting.decided_at.is_none() {
                open_cases(store, &actor)?
            } else {
                Vec::new()
            };
            Ok((sighting, names, cases))
        })
        .await;
    let (s, names, cases) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let body = html! {
        (details(&tr, &s))
        @if s.photo.is_some() {
            figure #photo {
                img src=(format!("/sightings/{}/photo", s.id)) alt=(tr.t("sighting-photo-alt")) width="480";
            }
        }
        @match (s.case_id, &s.decided_at) {
            (Some(case), Some(at)) => {
                p #decided {
                    (tr.t("sighting-attached-to")) " "
                    a href=(format!("/cases/{case}#sightings")) { (s.case_number.clone().unwrap_or_default()) }
                    " · " (time(*at)) " · " (super::case::who(&tr, &viewer, s.decided_by, &names))
                }
            }
            (None, Some(at)) => {
                p #decided {
                    (tr.t("sighting-dismissed")) " · " (time(*at)) " · " (super::case::who(&tr, &viewer, s.decided_by, &names))
                    @if let Some(reason) = &s.reason { br; (user_text(reason)) }
                }
            }
            _ if deciding => { (decide_forms(&tr, &s, &cases)) }
            _ => {}
        }
        p { a href="/sightings" { (tr.t("sightings-back")) } }
    };
    layout::page(&tr, Some(&viewer.user), StatusCode::OK, &tr.t("sighting-page-title"), body)
}

/// The organisation's open cases, a sighting may be attached to.
fn open_cases(store: &dyn Store, actor: &homeward_domain::org::Actor) -> homeward_store::Result<Vec<CaseSummary>> {
    let filter = CaseFilter {
        status: Some(homeward_domain::case::Status::Open),
        organisation_id: actor.organisation_id,
        order: CaseOrder::Urgent,
        limit: 200,
        ..CaseFilter::default()
    };
    Ok(store.list_cases(actor, filter)?.items)
}

fn details(tr: &Tr<'_>, s: &SightingView) -> Markup {
    html! {
        dl #sighting-details {
            dt { (tr.t("sightings-col-received")) } dd { (time(s.received_at)) }
            @if let Some(alert) = &s.alert { dt { (tr.t("sighting-alert")) } dd { code { (alert) } } }
            dt { (tr.t("sighting-place")) } dd #sighting-place { (user_text(&s.place)) }
            @if let (Some(lat), Some(lon)) = (s.lat, s.lon) {
                dt { (tr.t("sighting-coordinates")) } dd #sighting-coordinates { (coordinates(lat, lon)) }
            }
            dt { (tr.t("sightings-seen")) } dd { (seen(tr, s)) }
            dt { (tr.t("sightings-what")) } dd #sighting-description { (user_text(&s.description)) }
            @if !s.contact.is_empty() {
                dt { (tr.t("sighting-contact")) }
                dd {
                    @for part in [&s.contact.name, &s.contact.phone, &s.contact.email].into_iter().flatten() {
                        (user_text(part)) br;
                    }
                }
            }
        }
    }
}

fn coordinates(lat: f64, lon: f64) -> String {
    format!("{lat:.5}, {lon:.5}")
}

fn decide_forms(tr: &Tr<'_>, s: &SightingView, cases: &[CaseSummary]) -> Markup {
    html! {
        section.panel #attach aria-labelledby="attach-h" {
            h2 #attach-h { (tr.t("sighting-attach-title")) }
            @if cases.is_empty() {
                p.muted { (tr.t("sighting-no-open-cases")) }
            } @else {
                form method="post" action=(format!("/sightings/{}/attach", s.id)) {
                    label for="case" { (tr.t("sighting-case")) }
                    select #case name="case" required {
                        @for c in cases {
                            option value=(c.id.to_string()) {
                                (c.number)
                                @if let Some(name) = &c.child_name { " · " (name) }
                            }
                        }
                    }
                    div.actions { button #attach-button type="submit" { (tr.t("sighting-attach")) } }
                }
            }
        }
        section.panel #dismiss aria-labelledby="dismiss-h" {
            h2 #dismiss-h { (tr.t("sighting-dismiss-title")) }
            form method="post" action=(format!("/sightings/{}/dismiss", s.id)) {
                label for="reason" { (tr.t("sighting-reason")) }
                input #reason type="text" name="reason" required maxlength=(MAX_REASON);
                div.actions { button.secondary type="submit" { (tr.t("sighting-dismiss")) } }
            }
        }
    }
}

/// `GET /sightings/{id}/photo`: the photo, for staff who may read the sighting.
pub(crate) async fn photo(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match sighting_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let actor = viewer.actor.clone();
    match state.run(move |store| store.sighting_photo(&actor, id)).await {
        Ok(photo) => photo_response(photo),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

/// `POST /sightings/{id}/attach`: to the case chosen; on to the case's page.
pub(crate) async fn attach(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match sighting_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let Some(case) = form.get("case").and_then(|c| c.trim().parse::<CaseId>().ok()) else {
        let e = AppError::unprocessable("case", homeward_domain::Problem::Required, "choose a case");
        return error_page(&tr, Some(&viewer.user), e);
    };
    let actor = viewer.actor.clone();
    match state.run(move |store| store.attach_sighting(&actor, id, case)).await {
        Ok(_) => Redirect::to(&format!("/cases/{case}?saved=sighting#sightings")).into_response(),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

/// `POST /sightings/{id}/dismiss`: with the reason; back to the inbox.
pub(crate) async fn dismiss(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match sighting_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let reason = form.get("reason").cloned();
    let actor = viewer.actor.clone();
    match state.run(move |store| store.dismiss_sighting(&actor, id, reason)).await {
        Ok(_) => Redirect::to("/sightings").into_response(),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

/// A point on the plot: its label, latitude and longitude.
struct Point {
    label: String,
    lat: f64,
    lon: f64,
    last_seen: bool,
}

/// The case page's panel: the attached sightings on a plot with the last-seen point, and the
/// same in a list (with the distance from where the child was last seen).
pub(crate) fn case_panel(tr: &Tr<'_>, view: &CaseView, sightings: &[SightingView]) -> Markup {
    if sightings.is_empty() {
        return nothing();
    }
    let last_seen = view.last_seen.as_ref().and_then(|l| Some((l.lat?, l.lon?)));
    let mut points: Vec<Point> = Vec::new();
    if let Some((lat, lon)) = last_seen {
        points.push(Point { label: "L".into(), lat, lon, last_seen: true });
    }
    for (i, s) in sightings.iter().enumerate() {
        if let (Some(lat), Some(lon)) = (s.lat, s.lon) {
            points.push(Point { label: (i + 1).to_string(), lat, lon, last_seen: false });
        }
    }
    html! {
        section.panel #sightings aria-labelledby="sightings-h" {
            h2 #sightings-h { (tr.t("case-sightings")) }
            @if points.len() > 1 || (points.len() == 1 && last_seen.is_none()) { (plot(tr, &points)) }
            ul #sightings-list {
                @if let Some(ls) = &view.last_seen {
                    li.last-seen {
                        strong { "L · " (tr.t("case-sightings-last-seen")) } " "
                        @if let Some(place) = &ls.place { (user_text(place)) " " }
                        @if let (Some(lat), Some(lon)) = (ls.lat, ls.lon) { span.coords { "(" (coordinates(lat, lon)) ")" } " " }
                        (time(ls.at))
                    }
                }
                @for (i, s) in sightings.iter().enumerate() {
                    li id=(format!("sighting-{}", s.id)) {
                        strong { (i + 1) " · " (user_text(&s.place)) } " "
                        @if let (Some(lat), Some(lon)) = (s.lat, s.lon) {
                            span.coords { "(" (coordinates(lat, lon)) ")" }
                            @if let Some((from_lat, from_lon)) = last_seen {
                                " " span.muted { (tr.t1("case-sightings-distance", "km", format!("{:.1}", km(from_lat, from_lon, lat, lon)))) }
                            }
                        }
                        br;
                        (tr.t("sightings-seen")) ": " (seen(tr, s))
                        br;
                        (user_text(&s.description))
                        @if !s.contact.is_empty() {
                            br; span.muted { (tr.t("sighting-contact")) ": "
                                @for part in [&s.contact.name, &s.contact.phone, &s.contact.email].into_iter().flatten() { (user_text(part)) " " }
                            }
                        }
                        @if s.photo.is_some() {
                            br; a href=(format!("/sightings/{}/photo", s.id)) { (tr.t("case-sightings-photo")) }
                        }
                    }
                }
            }
        }
    }
}

/// The distance between two points on the earth, in kilometres (haversine).
fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().atan2((1.0 - a).sqrt())
}

const PLOT_WIDTH: f64 = 480.0;
const PLOT_HEIGHT: f64 = 300.0;
const PLOT_MARGIN: f64 = 28.0;

/// The points projected onto the plot (equirectangular, east-west shrunk by the cosine of the
/// middle latitude, so that a kilometre is about as long either way), north up.
fn project(points: &[Point]) -> Vec<(f64, f64)> {
    let (mut min_lat, mut max_lat, mut min_lon, mut max_lon) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in points {
        min_lat = min_lat.min(p.lat);
        max_lat = max_lat.max(p.lat);
        min_lon = min_lon.min(p.lon);
        max_lon = max_lon.max(p.lon);
    }
    let shrink = ((min_lat + max_lat) / 2.0).to_radians().cos().max(0.01);
    // At least about a kilometre across, so that one point or points on top of each other sit
    // in the middle.
    let span_x = ((max_lon - min_lon) * shrink).max(0.01);
    let span_y = (max_lat - min_lat).max(0.01);
    let scale = ((PLOT_WIDTH - 2.0 * PLOT_MARGIN) / span_x).min((PLOT_HEIGHT - 2.0 * PLOT_MARGIN) / span_y);
    let (mid_x, mid_y) = ((min_lon + max_lon) / 2.0 * shrink, (min_lat + max_lat) / 2.0);
    points
        .iter()
        .map(|p| (PLOT_WIDTH / 2.0 + (p.lon * shrink - mid_x) * scale, PLOT_HEIGHT / 2.0 - (p.lat - mid_y) * scale))
        .collect()
}

fn plot(tr: &Tr<'_>, points: &[Point]) -> Markup {
    let at = project(points);
    let last_seen = points.iter().position(|p| p.last_seen).map(|i| at[i]);
    html! {
        figure #sightings-plot {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {PLOT_WIDTH} {PLOT_HEIGHT}")) width="100%"
                aria-labelledby="sightings-plot-title" {
                title #sightings-plot-title { (tr.t("case-sightings-plot")) }
                rect x="0.5" y="0.5" width=(PLOT_WIDTH - 1.0) height=(PLOT_HEIGHT - 1.0) fill="#f3f5f8" stroke="#7a828e" {}
                text x=(PLOT_WIDTH - 14.0) y="20" font-size="13" fill="#4a5260" text-anchor="middle" { "N ↑" }
                @if let Some((lx, ly)) = last_seen {
                    g stroke="#7a828e" stroke-width="1" stroke-dasharray="4 4" {
                        @for (p, (x, y)) in points.iter().zip(&at) {
                            @if !p.last_seen { line x1=(format!("{lx:.1}")) y1=(format!("{ly:.1}")) x2=(format!("{x:.1}")) y2=(format!("{y:.1}")) {} }
                        }
                    }
                }
                @for (p, (x, y)) in points.iter().zip(&at) {
                    @if p.last_seen {
                        g.point.last-seen {
                            title { (tr.t("case-sightings-last-seen")) }
                            rect x=(format!("{:.1}", x - 9.0)) y=(format!("{:.1}", y - 9.0)) width="18" height="18" fill="#b3261e" {}
                            text x=(format!("{x:.1}")) y=(format!("{:.1}", y + 5.0)) font-size="13" font-weight="700" fill="#ffffff" text-anchor="middle" { "L" }
                        }
                    } @else {
                        g.point.sighting {
                            title { (tr.t("case-sightings-point")) " " (p.label) }
                            circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="10" fill="#0b5cad" {}
                            text x=(format!("{x:.1}")) y=(format!("{:.1}", y + 5.0)) font-size="13" font-weight="700" fill="#ffffff" text-anchor="middle" { (p.label) }
                        }
                    }
                }
            }
            figcaption.muted { (tr.t("case-sightings-plot-caption")) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plot_keeps_north_up_and_every_point_inside() {
        let points = [
            Point { label: "L".into(), lat: 37.984, lon: 23.728, last_seen: true },
            Point { label: "1".into(), lat: 39.639, lon: 22.419, last_seen: false },
            Point { label: "2".into(), lat: 39.639, lon: 22.419, last_seen: false },
        ];
        let at = project(&points);
        assert!(at[1].1 < at[0].1, "the northern point is higher: {at:?}");
        assert!(at[1].0 < at[0].0, "the western point is further left: {at:?}");
        for (x, y) in &at {
            assert!((0.0..=PLOT_WIDTH).contains(x) && (0.0..=PLOT_HEIGHT).contains(y), "{at:?}");
        }
        let one = project(&points[..1]);
        assert_eq!(one, vec![(PLOT_WIDTH / 2.0, PLOT_HEIGHT / 2.0)]);
    }

    #[test]
    fn distances_are_in_kilometres() {
        // Athens, Omonia to Larissa station: about 216 km as the crow flies.
        let d = km(37.984, 23.728, 39.639, 22.419);
        assert!((210.0..222.0).contains(&d), "{d}");
        assert!(km(37.984, 23.728, 37.984, 23.728) < 1e-9);
    }
}
