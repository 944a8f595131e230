//! The public alert URLs, no login: the CAP feed (`/public/alerts.cap.xml`), each alert's CAP
//! document (`/public/alerts/{id}.cap.xml`), the Atom feed (`/public/alerts.atom`) and each live
//! alert's page (`/public/alerts/{id}`).
//!
//! Every answer comes from the in-memory snapshot (`crate::alerts::PublicAlerts`), never from a
//! database read, and none reads or sets a cookie. Answers may be cached, but must be revalidated
//! (`no-cache` with an entity tag, answered 304 when unchanged), so that a cancelled alert is not
//! served from a cache. An alert that is not live — never published, expired, cancelled — has a
//! page that says it is not active, and nothing else.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use homeward_domain::alert::{AlertId, AlertState, PublicAlert};
use maud::{DOCTYPE, Markup, html};
use time::OffsetDateTime;

use crate::AppState;
use crate::i18n::Tr;

/// The public routes. They are merged outside the staff interface's layers: they set their own
/// headers (a cacheable answer, not `no-store`).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/public/alerts.cap.xml", get(cap_feed))
        .route("/public/alerts.atom", get(atom_feed))
        .route("/public/alerts/{file}", get(alert))
}

/// Public pages allow only Homeward's own stylesheet; no script, no frames, no forms elsewhere.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const FEED: &str = "application/atom+xml; charset=utf-8";
const CAP: &str = "application/cap+xml; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// An answer from the snapshot with the public headers, or 304 when the client holds it.
fn answer(request: &HeaderMap, etag: &str, status: StatusCode, content_type: &'static str, body: Bytes) -> Response {
    let fresh = request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == etag);
    let mut response = if fresh && status == StatusCode::OK {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (status, body).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Shared caches may keep it, and must ask again each time: a cancellation reaches everyone.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    if let Ok(tag) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, tag);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if content_type == HTML {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
        // The page's language follows the reader's Accept-Language: a shared cache must keep one
        // copy a language.
        headers.insert(header::VARY, HeaderValue::from_static("accept-language"));
    } else {
        // Feeds and CAP documents are for anyone's systems to read.
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    }
    response
}

async fn cap_feed(State(state): State<AppState>, request: HeaderMap) -> Response {
    let snapshot = state.alerts.at(OffsetDateTime::now_utc());
    answer(&request, &snapshot.etag, StatusCode::OK, FEED, snapshot.cap_feed.clone())
}

async fn atom_feed(State(state): State<AppState>, request: HeaderMap) -> Response {
    let snapshot = state.alerts.at(OffsetDateTime::now_utc());
    answer(&request, &snapshot.etag, StatusCode::OK, FEED, snapshot.atom_feed.clone())
}

/// `/public/alerts/{id}` (the page) or `/public/alerts/{id}.cap.xml` (the CAP document).
async fn alert(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    request: HeaderMap,
) -> Response {
    let now = OffsetDateTime::now_utc();
    let snapshot = state.alerts.at(now);
    if let Some(id) = file.strip_suffix(".cap.xml") {
        let found = id.parse::<AlertId>().ok().and_then(|id| snapshot.alerts.get(&id)).filter(|a| now < a.ends_at);
        return match found {
            Some(rendered) => answer(&request, &snapshot.etag, StatusCode::OK, CAP, rendered.cap.clone()),
            None => answer(
                &request,
                &snapshot.etag,
                StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                Bytes::from_static(b"No alert in force has this identifier.\n"),
            ),
        };
    }
    let wanted = query.get("lang").map(String::as_str).filter(|l| state.locales.has(l));
    let accept = request.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = wanted.unwrap_or_else(|| state.locales.negotiate(accept)).to_owned();
    let live = file
        .parse::<AlertId>()
        .ok()
        .and_then(|id| snapshot.alerts.get(&id))
        .filter(|a| a.state == AlertState::Published && now < a.ends_at)
        .and_then(|a| a.pages.get(&lang));
    // Each language is its own document to a cache: its own entity tag (and `Vary`, below).
    let etag = format!("{}-{lang}\"", snapshot.etag.trim_end_matches('"'));
    match live {
        Some(page) => answer(&request, &etag, StatusCode::OK, HTML, page.clone()),
        None => {
            let page = snapshot.inactive.get(&lang).cloned().unwrap_or_default();
            answer(&request, &etag, StatusCode::NOT_FOUND, HTML, page)
        }
    }
}

/// A whole public page: the interface's frame (its stylesheet, the brand) without any of the
/// staff interface's navigation, and no script.
fn public_html(tr: &Tr<'_>, title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(tr.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (tr.t("app-name")) }
                link rel="stylesheet" href="/assets/app.css";
            }
            body {
                header.top { span.brand { (tr.t("app-name")) } }
                main #main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
    .into_string()
}

/// A time in UTC, as the public sees it (no script rewrites it into their zone).
fn utc(at: OffsetDateTime) -> Markup {
    let iso = at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let text =
        at.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC")).unwrap_or_default();
    html! { time datetime=(iso) { (text) } }
}

/// The page of a live alert: only the consented fields, and the way to send a sighting.
pub(crate) fn alert_page(tr: &Tr<'_>, alert: &PublicAlert) -> String {
    let content = &alert.content;
    let body = html! {
        article.public-alert #alert {
            dl {
                @if let Some(name) = &content.name { dt { (tr.t("public-alert-name")) } dd #alert-name { bdi { (name) } } }
                @if let Some(age) = content.age { dt { (tr.t("public-alert-age")) } dd { (age) } }
                @if let Some(description) = &content.description {
                    dt { (tr.t("public-alert-description")) } dd { bdi { (description) } }
                }
                @if let Some(place) = &content.last_seen_place {
                    dt { (tr.t("public-alert-last-seen-place")) } dd { bdi { (place) } }
                }
                @if let Some(at) = content.last_seen_at { dt { (tr.t("public-alert-last-seen-at")) } dd { (utc(at)) } }
                @if let Some(photo) = &content.photo_ref { dt { (tr.t("public-alert-photo")) } dd { bdi { (photo) } } }
                @if let Some(phone) = &content.contact_phone {
                    dt { (tr.t("public-alert-phone")) } dd { a href=(format!("tel:{phone}")) { (phone) } }
                }
                dt { (tr.t("public-alert-ends")) } dd { (utc(alert.ends_at)) }
            }
            p { (crate::alerts::instruction(tr, content)) }
            p { a.button #report-sighting href=(format!("/public/sightings?alert={}", alert.id)) { (tr.t("public-alert-report-sighting")) } }
            p.muted { (tr.t1("public-alert-issued-by", "organisation", alert.organisation_name.clone())) }
        }
    };
    public_html(tr, &crate::alerts::headline(tr, content), body)
}

/// The page of an alert that is not active: it says so, and nothing else.
pub(crate) fn inactive_page(tr: &Tr<'_>) -> String {
    let body = html! { p #alert-inactive { (tr.t("public-alert-inactive")) } };
    public_html(tr, &tr.t("public-alert-inactive-title"), body)
}
