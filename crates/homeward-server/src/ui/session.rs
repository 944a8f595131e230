//! Logging in and out in the browser, replacing a one-time password, and the language setting.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::org::Preferences;
use maud::html;

use super::layout;
use super::{SignedInViewer, Viewer, error_page};
use crate::AppState;
use crate::auth::SESSION_COOKIE;
use crate::i18n::Tr;

/// Every field problem of a refused form, in the reader's language.
fn problems(tr: &Tr<'_>, e: &crate::AppError) -> String {
    let each: Vec<String> = e
        .errors
        .iter()
        .map(|p| format!("{}: {}", super::field_label(tr, &p.field), super::problem_text(tr, p)))
        .collect();
    if each.is_empty() { tr.t("error-bad-request") } else { each.join("; ") }
}

/// Where to go after logging in: only a path on this site.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        // Browsers drop tabs and line breaks from a URL, so `/\t/evil.example` would become
        // `//evil.example`: no control character may pass.
        Some(n)
            if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.chars().any(char::is_control) =>
        {
            n
        }
        _ => "/",
    }
}

fn language<'a>(state: &'a AppState, headers: &HeaderMap, query: &'a HashMap<String, String>) -> Tr<'a> {
    let tag = match query.get("lang").filter(|l| state.locales.has(l)) {
        Some(l) => l.as_str(),
        None => state.locales.negotiate(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())),
    };
    state.locales.get(tag)
}

fn login_form(tr: &Tr<'_>, status: StatusCode, notice: Option<(String, bool)>, email: &str, next: &str) -> Response {
    let body = html! {
        @if let Some((text, is_error)) = notice {
            div.notice.error[is_error] role=(if is_error { "alert" } else { "status" }) { (text) }
        }
        section.panel {
            form method="post" action="/login" {
                input type="hidden" name="next" value=(next);
                input type="hidden" name="lang" value=(tr.lang);
                label for="email" { (tr.t("login-email")) }
                input #email type="email" name="email" value=(email) autocomplete="username" required autofocus;
                label for="password" { (tr.t("login-password")) }
                input #password type="password" name="password" autocomplete="current-password" required;
                div.actions { button type="submit" { (tr.t("login-submit")) } }
            }
        }
    };
    layout::page(tr, None, status, &tr.t("login-title"), body)
}

pub(crate) async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let tr = language(&state, &headers, &query);
    let notice = match query.get("why").map(String::as_str) {
        Some("expired") => Some((tr.t("login-expired"), false)),
        Some("required") => Some((tr.t("login-required"), false)),
        Some("logged-out") => Some((tr.t("logged-out"), false)),
        _ => None,
    };
    login_form(&tr, StatusCode::OK, notice, "", safe_next(query.get("next").map(String::as_str)))
}

pub(crate) async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = language(&state, &headers, &form);
    let email = form.get("email").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let next = safe_next(form.get("next").map(String::as_str)).to_owned();
    let origin = addr.ip().to_string();
    if let Some(wait) = state.throttle.begin(&email, &origin) {
        let text = tr.t1("login-throttled", "minutes", wait.div_ceil(60));
        return login_form(&tr, StatusCode::TOO_MANY_REQUESTS, Some((text, true)), &email, &next);
    }
    let (who, from) = (email.clone(), origin.clone());
    let outcome = match state.run(move |store| store.login(&from, &who, &password)).await {
        Ok(outcome) => outcome,
        Err(e) => return error_page(&tr, None, e),
    };
    let Some((user, secret)) = outcome else {
        return login_form(&tr, StatusCode::UNAUTHORIZED, Some((tr.t("login-failed"), true)), &email, &next);
    };
    state.throttle.succeeded(&email, &origin);
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        homeward_store::sql::SESSION_HOURS * 3600,
        if state.config.secure_cookies { "; Secure" } else { "" }
    );
    let to = if user.must_change_password { "/password" } else { next.as_str() };
    let mut response = Redirect::to(to).into_response();
    match HeaderValue::from_str(&cookie) {
        Ok(value) => {
            response.headers_mut().insert(header::SET_COOKIE, value);
            response
        }
        Err(e) => error_page(&tr, None, crate::AppError::internal(e)),
    }
}

pub(crate) async fn logout(State(state): State<AppState>, SignedInViewer(viewer): SignedInViewer) -> Response {
    let lang = viewer.user.language.clone();
    let secret = viewer.session.clone();
    if let Err(e) = state.run(move |store| store.logout(&viewer.actor, &secret)).await {
        return error_page(&state.locales.get(&lang), None, e);
    }
    let mut response = Redirect::to(&format!("/login?why=logged-out&lang={lang}")).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("homeward_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    response
}

fn password_form(tr: &Tr<'_>, viewer: &Viewer, status: StatusCode, error: Option<String>) -> Response {
    let body = html! {
        p { (tr.t("password-explain")) }
        @if let Some(error) = error { div.notice.error role="alert" { (error) } }
        section.panel {
            form method="post" action="/password" {
                label for="current" { (tr.t("password-current")) }
                input #current type="password" name="current" autocomplete="current-password" required autofocus;
                label for="new" { (tr.t("password-new")) span.hint { (tr.t("password-new-hint")) } }
                input #new type="password" name="new" autocomplete="new-password" minlength="12" required;
                div.actions { button type="submit" { (tr.t("password-submit")) } }
            }
        }
    };
    let user = Some(&viewer.user).filter(|u| !u.must_change_password);
    layout::page(tr, user, status, &tr.t("password-title"), body)
}

pub(crate) async fn password_page(State(state): State<AppState>, SignedInViewer(viewer): SignedInViewer) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    password_form(&tr, &viewer, StatusCode::OK, None)
}

pub(crate) async fn change_password(
    State(state): State<AppState>,
    SignedInViewer(viewer): SignedInViewer,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let current = form.get("current").cloned().unwrap_or_default();
    let new = form.get("new").cloned().unwrap_or_default();
    let (actor, keep) = (viewer.actor.clone(), viewer.session.clone());
    match state.run(move |store| store.change_password(&actor, &current, &new, Some(&keep))).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(e) if e.status == StatusCode::FORBIDDEN => {
            password_form(&tr, &viewer, StatusCode::FORBIDDEN, Some(tr.t("password-wrong")))
        }
        Err(e) if e.status.is_client_error() => {
            password_form(&tr, &viewer, StatusCode::UNPROCESSABLE_ENTITY, Some(problems(&tr, &e)))
        }
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

/// The settings a form asks for, with a language the interface speaks.
fn chosen(
    state: &AppState,
    form: &HashMap<String, String>,
    time_zone: Option<String>,
) -> Result<Preferences, crate::AppError> {
    let language = form.get("language").cloned().unwrap_or_default();
    if !state.locales.has(&language) {
        return Err(crate::AppError::bad_request(format!("`{language}` is not a language of this installation.")));
    }
    Ok(Preferences { language, time_zone })
}

pub(crate) async fn preferences(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let preferences = match chosen(&state, &form, viewer.user.time_zone.clone()) {
        Ok(preferences) => preferences,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let actor = viewer.actor.clone();
    if let Err(e) = state.run(move |store| store.set_preferences(&actor, preferences)).await {
        return error_page(&tr, Some(&viewer.user), e);
    }
    Redirect::to("/").into_response()
}

/// Time zones offered first; any IANA name may be typed.
const ZONES: [&str; 10] = [
    "Europe/Athens",
    "Europe/Belgrade",
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Rome",
    "Europe/Lisbon",
    "Europe/London",
    "UTC",
];

fn settings_form(tr: &Tr<'_>, viewer: &Viewer, status: StatusCode, error: Option<String>) -> Response {
    let body = html! {
        @if let Some(error) = error { div.notice.error role="alert" { (error) } }
        section.panel {
            form method="post" action="/settings" {
                label for="s-language" { (tr.t("language-label")) }
                select #s-language name="language" {
                    @for (tag, name) in tr.locales.menu() {
                        option value=(tag) selected[tag == viewer.user.language] { (name) }
                    }
                }
                label for="s-zone" { (tr.t("settings-time-zone")) span.hint { (tr.t("settings-time-zone-hint")) } }
                input #s-zone type="text" name="time_zone" list="zones" value=(viewer.user.time_zone.clone().unwrap_or_default());
                datalist #zones { @for z in ZONES { option value=(z) {} } }
                div.actions { button type="submit" { (tr.t("settings-save")) } }
            }
        }
    };
    layout::page(tr, Some(&viewer.user), status, &tr.t("settings-title"), body)
}

pub(crate) async fn settings_page(State(state): State<AppState>, viewer: Viewer) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    settings_form(&tr, &viewer, StatusCode::OK, None)
}

pub(crate) async fn save_settings(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let preferences = match chosen(&state, &form, form.get("time_zone").cloned()) {
        Ok(preferences) => preferences,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let actor = viewer.actor.clone();
    match state.run(move |store| store.set_preferences(&actor, preferences)).await {
        Ok(_) => Redirect::to("/settings?saved=1").into_response(),
        Err(e) if e.status.is_client_error() => {
            settings_form(&tr, &viewer, StatusCode::UNPROCESSABLE_ENTITY, Some(problems(&tr, &e)))
        }
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}
