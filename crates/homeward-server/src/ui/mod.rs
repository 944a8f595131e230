//! The operator interface: server-rendered HTML pages over the same store commands as the API,
//! so every page read and every change goes through the one policy and lands in the audit log.
//!
//! Pages are built with `maud`, which escapes every value it interpolates: a child's name that
//! contains `<script>` is shown, never run. Every word comes from the Fluent files in
//! `locales/`. A small script (`assets/app.js`) adds live clocks, local times and the panels
//! of the intake form; every page works without it. Browsers authenticate with the session
//! cookie only (`SameSite=Strict`), and a form posted from another origin is refused.

mod alerts;
mod case;
mod desk;
mod escalations;
mod handover;
mod intake;
mod layout;
mod matches;
mod notifications;
pub(crate) mod public;
mod session;
mod sightings;
mod warnings;

use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use homeward_domain::org::{Actor, User};
use homeward_store::Credential;
use serde::Serialize;

use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie, origin};
use crate::error::AppError;
use crate::i18n::Tr;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(desk::desk))
        .route("/search", get(desk::search))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/password", get(session::password_page).post(session::change_password))
        .route("/preferences", post(session::preferences))
        .route("/settings", get(session::settings_page).post(session::save_settings))
        .route("/intake", get(intake::form).post(intake::submit))
        .route("/intake/draft", post(intake::save_draft))
        .route("/intake/discard", post(intake::discard_draft))
        .route("/cases/{id}", get(case::page))
        .route("/cases/{id}/notes", post(case::add_note))
        .route("/cases/{id}/status", post(case::change_status))
        .route("/cases/{id}/tasks", post(case::add_task))
        .route("/cases/{id}/tasks/{task}/complete", post(case::complete_task))
        .route("/cases/{id}/identifiers", post(case::add_identifier))
        .route("/cases/{id}/persons", post(case::add_person))
        .route("/cases/{id}/assign-me", post(case::assign_me))
        .route("/cases/{id}/matches", post(matches::decide))
        .route("/cases/{id}/child", post(case::edit_child))
        .route("/cases/{id}/indicators", post(case::observe_indicator))
        .route("/cases/{id}/risk-answers", post(case::answer_risk_questions))
        .route("/warnings", get(warnings::queue))
        .route("/warnings/{id}", get(warnings::page))
        .route("/warnings/{id}/decision", post(warnings::decide))
        .route("/escalations", get(escalations::queue))
        .route("/escalations/duty", post(escalations::set_duty))
        .route("/escalations/{id}/acknowledge", post(escalations::acknowledge))
        .route("/cases/{id}/police-handover", post(case::police_handover))
        .route("/cases/{id}/handover", get(handover::page))
        .route("/alerts", get(alerts::list))
        .route("/alerts/{id}", get(alerts::page))
        .route("/alerts/{id}/criteria", post(alerts::confirm))
        .route("/alerts/{id}/approvals", post(alerts::approve))
        .route("/alerts/{id}/content", post(alerts::set_content))
        .route("/alerts/{id}/publication", post(alerts::publish))
        .route("/alerts/{id}/extension", post(alerts::extend))
        .route("/alerts/{id}/cancellation", post(alerts::cancel))
        .route("/cases/{id}/alerts", get(alerts::request_form).post(alerts::request))
        .route("/public/sightings", get(sightings::public_form).post(sightings::public_submit))
        .route("/public/sightings/sent", get(sightings::sent))
        .route("/assets/sightings.js", get(sightings::script))
        .route("/sightings", get(sightings::inbox))
        .route("/sightings/{id}", get(sightings::page))
        .route("/sightings/{id}/photo", get(sightings::photo))
        .route("/sightings/{id}/attach", post(sightings::attach))
        .route("/sightings/{id}/dismiss", post(sightings::dismiss))
        .route("/assets/app.css", get(stylesheet))
        .route("/assets/app.js", get(script))
        .layer(axum::middleware::from_fn(same_origin_forms))
}

/// Who is looking at a page: a user signed in with a browser session who may work.
pub(crate) struct Viewer {
    pub user: User,
    pub actor: Actor,
    pub session: String,
}

/// A signed-in user who may still have to replace their one-time password.
pub(crate) struct SignedInViewer(pub Viewer);

impl FromRequestParts<AppState> for SignedInViewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(secret) = cookie(parts, SESSION_COOKIE).filter(|s| !s.is_empty()).map(str::to_owned) else {
            return Err(to_login(parts, "required"));
        };
        let checked = secret.clone();
        match state.run(move |store| store.authenticate(Credential::Session(&checked))).await {
            Ok(Some(user)) => {
                let actor = Actor::user(&user, origin(parts));
                Ok(SignedInViewer(Viewer { user, actor, session: secret }))
            }
            Ok(None) => Err(to_login(parts, "expired")),
            Err(e) => {
                let tr = state.locales.get("en");
                Err(error_page(&tr, None, e))
            }
        }
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let SignedInViewer(viewer) = SignedInViewer::from_request_parts(parts, state).await?;
        if viewer.user.must_change_password {
            return Err(Redirect::to("/password").into_response());
        }
        Ok(viewer)
    }
}

/// The way to the login page, coming back here afterwards.
fn to_login(parts: &Parts, why: &str) -> Response {
    let back = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut to = format!("/login?why={why}");
    if back != "/" && parts.method == Method::GET {
        to.push_str("&next=");
        to.push_str(&encode_component(back));
    }
    Redirect::to(&to).into_response()
}

/// Percent-encodes a query value.
pub(crate) fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Refuses a form posted from another site. The session cookie is `SameSite=Strict`, so a
/// browser would not send it anyway; this is the second lock on the door.
async fn same_origin_forms(request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let headers = request.headers();
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let cross_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
        // Pages send `Referrer-Policy: same-origin`, so a browser names the origin of a form
        // sent from them; `null` (a sandboxed frame, a data: page) is someone else.
        let foreign_origin = headers
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .is_some_and(|o| o == "null" || o.split_once("://").map(|(_, rest)| rest) != host);
        if cross_site || foreign_origin {
            return (StatusCode::FORBIDDEN, "Forms may only be sent from Homeward's own pages.").into_response();
        }
    }
    next.run(request).await
}

async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", include_str!("../../assets/app.css"))
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", include_str!("../../assets/app.js"))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The wire name of an enum value (`found_safe`, `social_handle`), which also names its message.
pub(crate) fn key<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The id in a page's path, or "no such {what}" (404) when it is not one.
pub(crate) fn path_id<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, AppError> {
    text.parse().map_err(|_| AppError::not_found(format!("no such {what}")))
}

/// A form field, trimmed (empty when absent).
pub(crate) fn field(form: &std::collections::HashMap<String, String>, name: &str) -> String {
    form.get(name).map(|v| v.trim().to_owned()).unwrap_or_default()
}

/// A form field, trimmed; none when absent or blank.
pub(crate) fn optional(form: &std::collections::HashMap<String, String>, name: &str) -> Option<String> {
    Some(field(form, name)).filter(|v| !v.is_empty())
}

/// A number of hours from a form (`hours`), from 1 to `max`; none when not given. Checked before
/// any arithmetic on times, which a huge number would overflow.
pub(crate) fn hours(form: &std::collections::HashMap<String, String>, max: i64) -> Result<Option<i64>, AppError> {
    match optional(form, "hours") {
        None => Ok(None),
        Some(h) => h.parse::<i64>().ok().filter(|h| (1..=max).contains(h)).map(Some).ok_or_else(|| {
            AppError::unprocessable(
                "hours",
                homeward_domain::Problem::NotAChoice,
                format!("must be a number of hours from 1 to {max}"),
            )
        }),
    }
}

/// Reads an enum value from its wire name; `None` for a blank one.
pub(crate) fn parse_key<T: serde::de::DeserializeOwned>(
    field: &str,
    text: Option<&str>,
) -> Result<Option<T>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => serde_json::from_value(serde_json::Value::String(t.to_owned()))
            .map(Some)
            .map_err(|_| AppError::bad_request(format!("`{field}` cannot be `{t}`."))),
    }
}

/// What is wrong with a field, in the reader's language.
pub(crate) fn problem_text(tr: &Tr<'_>, problem: &homeward_domain::FieldError) -> String {
    tr.t1(&format!("problem-{}", key(&problem.code)), "limit", problem.limit.unwrap_or_default())
}

/// The label of a field a problem names (a form field or a path into the API's body).
pub(crate) fn field_label(tr: &Tr<'_>, field: &str) -> String {
    let id = match field.rsplit('.').next().unwrap_or(field) {
        "given_name" => "intake-given-name",
        "family_name" => "intake-family-name",
        "latin_given_name" => "intake-latin-given",
        "latin_family_name" => "intake-latin-family",
        "aliases" => "intake-aliases",
        "date_of_birth" => "intake-dob",
        "age_from" | "age_to" | "estimated_age" => "intake-age",
        "last_seen_at" | "at" => "intake-last-seen-at",
        "place" => "intake-place",
        "region" => "intake-region",
        "registered_at" => "intake-registered-at",
        "received_at" => "intake-received-at",
        "summary" => "intake-summary",
        "description" => "intake-description",
        "circumstances" => "intake-circumstances",
        "missing_from" | "kind" => "intake-missing-from",
        "missing_from_name" | "name" => "intake-missing-from-name",
        "category" => "intake-category",
        "channel" => "intake-channel",
        "caller_relation" => "intake-relation",
        "risk_level" => "intake-risk-level",
        "phone" => "intake-phone",
        "handle" => "intake-handle",
        "text" => "case-note-text",
        "title" => "case-task-title",
        "value" => "case-identifier-value",
        "new_password" => "password-new",
        "time_zone" => "settings-time-zone",
        "language" => "language-label",
        _ => return field.to_owned(),
    };
    tr.t(id)
}

/// A page that says what went wrong, in the reader's language, with the status of the error.
pub(crate) fn error_page(tr: &Tr<'_>, user: Option<&User>, e: AppError) -> Response {
    if let Some(cause) = &e.cause {
        tracing::error!(status = %e.status, cause = %cause, "page failed");
    }
    let message = match e.status {
        StatusCode::NOT_FOUND => tr.t("error-not-found"),
        StatusCode::FORBIDDEN => tr.t("error-forbidden"),
        StatusCode::CONFLICT => tr.t("error-conflict"),
        s if s.is_client_error() && e.errors.is_empty() => tr.t("error-bad-request"),
        s if s.is_client_error() => tr.t("error-invalid"),
        _ => tr.t("error-internal"),
    };
    let body = maud::html! {
        div.notice.error role="alert" {
            p { (message) }
            @if !e.errors.is_empty() {
                ul { @for p in &e.errors { li { (field_label(tr, &p.field)) ": " (problem_text(tr, p)) } } }
            }
        }
        p { a href="/" { (tr.t("error-back")) } }
    };
    layout::page(tr, user, e.status, &tr.t("error-title"), body)
}

#[cfg(test)]
mod tests {
    use homeward_domain::case::{Category, MissingFromKind, RiskLevel, Status};
    use homeward_domain::org::Role;
    use homeward_domain::records::{CallerRelation, Channel, IdentifierKind};
    use homeward_domain::warning::{Level, WarningDecision, WarningKind, WarningState};

    use super::key;
    use crate::i18n::Locales;

    /// Messages named from enum values (`status-found_safe`) escape the literal-id test; this one
    /// walks every value.
    #[test]
    fn every_value_shown_has_a_message() {
        let locales = Locales::embedded().unwrap();
        let ids = locales.ids("en");
        let mut wanted: Vec<String> = Vec::new();
        wanted.extend(Status::ALL.iter().map(|s| format!("status-{}", s.as_str())));
        wanted.extend(Category::ALL.iter().map(|c| format!("category-{}", key(c))));
        wanted.extend(RiskLevel::ALL.iter().map(|r| format!("risk-{}", key(r))));
        wanted.extend(MissingFromKind::ALL.iter().map(|k| format!("from-{}", key(k))));
        wanted.extend(Channel::ALL.iter().map(|c| format!("channel-{}", key(c))));
        wanted.extend(CallerRelation::ALL.iter().map(|c| format!("relation-{}", key(c))));
        wanted.extend(IdentifierKind::ALL.iter().map(|k| format!("identifier-{}", key(k))));
        wanted.extend(Role::ALL.iter().map(|r| format!("role-{r}")));
        wanted.extend(["F", "M", "X", "unknown"].iter().map(|s| format!("sex-{s}")));
        wanted.extend(homeward_domain::Problem::ALL.iter().map(|p| format!("problem-{}", key(p))));
        let events = [
            "opened",
            "contact_added",
            "note_added",
            "status_changed",
            "recategorised",
            "risk_assessed",
            "assigned",
            "identifier_linked",
            "person_linked",
            "task_created",
            "task_completed",
            "shared",
            "indicator_observed",
            "child_edited",
            "risk_questions_answered",
            "handed_to_police",
            "sighting_attached",
        ];
        wanted.extend(events.iter().map(|e| format!("event-{e}")));
        // What the linkage engine says about a pair, in words.
        wanted.extend(homeward_linkage::compare::FIELDS.iter().map(|f| format!("match-field-{f}")));
        let levels = homeward_linkage::compare::LEVELS.iter().flat_map(|l| l.iter());
        wanted.extend(levels.map(|l| super::matches::level_id(l)));
        wanted.extend(
            ["almost_certain", "very_likely", "likely", "possible", "unlikely"]
                .map(|b| format!("match-likelihood-{b}")),
        );
        wanted.extend(["suggested", "confirmed", "rejected"].map(|s| format!("match-status-{s}")));
        wanted.extend(super::handover::PHOTO_STATES.iter().map(|p| format!("handover-photo-{}", key(p))));
        wanted.extend(["confirm", "reject"].map(|d| format!("saved-match-{d}")));
        // The trafficking concern of a case, in words.
        let concerns = [homeward_risk::Concern::None, homeward_risk::Concern::Possible, homeward_risk::Concern::Strong];
        wanted.extend(concerns.iter().map(|c| format!("concern-{}", key(c))));
        // What the case page says it saved.
        wanted.extend(super::case::SAVED.iter().map(|w| format!("saved-{w}")));
        // The structured risk questions and why an answer raises the level.
        wanted.extend(homeward_domain::risk::QUESTIONS.iter().map(|q| format!("riskq-{q}")));
        wanted.extend(homeward_domain::risk::QUESTIONS.iter().map(|q| format!("riskwhy-{q}")));
        // Early warnings.
        wanted.extend(WarningKind::ALL.iter().map(|k| format!("warning-kind-{}", key(k))));
        wanted
            .extend([Level::Notice, Level::Elevated, Level::High].iter().map(|l| format!("warning-level-{}", key(l))));
        let states = [WarningState::Open, WarningState::Acknowledged, WarningState::Acted, WarningState::Dismissed];
        wanted.extend(states.iter().map(|s| format!("warning-state-{}", s.name())));
        wanted.extend(WarningDecision::ALL.iter().map(|d| format!("warning-decision-{}", key(d))));
        // Child alerts: states, criteria, consented fields, the content's fields.
        use homeward_domain::alert::{AlertState, Criterion, PublicField};
        wanted.extend(AlertState::ALL.iter().map(|s| format!("alerts-state-{}", s.as_str())));
        wanted.extend(Criterion::ALL.iter().map(|c| format!("alerts-criterion-{}", c.as_str())));
        wanted.extend(PublicField::ALL.iter().map(|f| format!("alerts-field-{}", f.as_str())));
        wanted.extend(
            ["name", "age", "description", "last_seen_place", "photo_ref", "contact_phone"]
                .map(|f| format!("alerts-content-{f}")),
        );
        let missing: Vec<_> = wanted.iter().filter(|id| !ids.contains(id)).collect();
        assert!(missing.is_empty(), "no message for {missing:?}");
    }
}

#[cfg(test)]
mod contrast {
    /// `--name: #rrggbb` pairs of the stylesheet.
    fn colours() -> std::collections::HashMap<String, [f64; 3]> {
        let css = include_str!("../../assets/app.css");
        let mut map = std::collections::HashMap::new();
        for decl in css.split(';') {
            let Some(start) = decl.find("--") else { continue };
            if let Some((name, value)) = decl[start..].split_once(':') {
                let (name, value) = (name.trim(), value.trim());
                if let (Some(name), Some(hex)) = (name.strip_prefix("--"), value.strip_prefix('#'))
                    && hex.len() == 6
                {
                    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map(f64::from).unwrap_or(0.0) / 255.0;
                    map.insert(name.to_owned(), [c(0), c(2), c(4)]);
                }
            }
        }
        map.insert("white".into(), [1.0, 1.0, 1.0]);
        map
    }

    /// WCAG 2 relative luminance and contrast ratio.
    fn ratio(a: [f64; 3], b: [f64; 3]) -> f64 {
        let lum = |c: [f64; 3]| {
            let lin = |v: f64| if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) };
            0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn text_colours_have_enough_contrast_on_their_backgrounds() {
        let c = colours();
        let pairs = [
            ("ink", "paper"),
            ("ink", "wash"),
            ("muted", "paper"),
            ("muted", "wash"),
            ("accent", "paper"),
            ("accent", "wash"),
            ("white", "accent"),
            ("white", "ink"),
            ("white", "high"),
            ("high", "paper"),
            ("medium", "paper"),
            ("low", "paper"),
        ];
        for (fg, bg) in pairs {
            let r = ratio(c[fg], c[bg]);
            assert!(r >= 4.5, "{fg} on {bg}: contrast {r:.2} is below WCAG AA (4.5)");
        }
        assert!(ratio(c["focus"], c["ink"]) >= 3.0, "the focus ring must stand out from the header");
    }
}
