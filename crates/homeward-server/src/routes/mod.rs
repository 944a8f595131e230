//! The routes under `/api/v1`, `/healthz` and the fallbacks.

pub(crate) mod accounts;
pub(crate) mod alerts;
pub(crate) mod cases;
pub(crate) mod escalations;
pub(crate) mod notifications;
pub(crate) mod sightings;
pub(crate) mod warnings;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::AppState;
use crate::error::AppError;

pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    let api = Router::new()
        .route("/session", post(accounts::login).delete(accounts::logout))
        .route("/me", get(accounts::me))
        .route("/me/password", post(accounts::change_password))
        .route("/me/preferences", axum::routing::put(accounts::set_preferences))
        .route("/me/tasks", get(cases::my_tasks))
        .route("/tokens", get(accounts::list_tokens).post(accounts::create_token))
        .route("/tokens/{id}", axum::routing::delete(accounts::revoke_token))
        .route("/organisations", get(accounts::list_organisations).post(accounts::create_organisation))
        .route("/users", get(accounts::list_users).post(accounts::create_user))
        .route("/users/{id}/deactivate", post(accounts::deactivate_user))
        .route("/users/{id}/activate", post(accounts::activate_user))
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/{id}", get(cases::get))
        .route("/cases/{id}/events", get(cases::events))
        .route("/cases/{id}/contacts", post(cases::add_contact))
        .route("/cases/{id}/notes", post(cases::add_note))
        .route("/cases/{id}/status", post(cases::change_status))
        .route("/cases/{id}/category", post(cases::recategorise))
        .route("/cases/{id}/risk", post(cases::assess_risk))
        .route("/cases/{id}/assignment", post(cases::assign))
        .route("/cases/{id}/identifiers", post(cases::link_identifier))
        .route("/cases/{id}/persons", post(cases::link_person))
        .route("/cases/{id}/tasks", post(cases::create_task))
        .route("/cases/{id}/tasks/{task_id}/complete", post(cases::complete_task))
        .route("/cases/{id}/shares", post(cases::share))
        .route("/cases/{id}/police-handover", post(cases::police_handover))
        .route("/cases/{id}/handover", get(cases::handover))
        .route("/cases/{id}/escalations", get(escalations::of_case))
        .route("/cases/{id}/indicators", post(cases::observe_indicator))
        .route("/cases/{id}/risk-answers", post(cases::answer_risk_questions))
        .route("/cases/{id}/assessments", get(cases::assessments))
        .route("/cases/{id}/matches", get(cases::matches).post(cases::decide_match))
        .route("/cases/{id}/child", axum::routing::put(cases::edit_child))
        .route("/candidates", post(cases::candidates))
        .route("/risk-suggestion", post(cases::suggest_risk))
        .route("/warnings", get(warnings::list))
        .route("/warnings/{id}", get(warnings::get))
        .route("/warnings/{id}/network", get(warnings::network))
        .route("/warnings/{id}/decision", post(warnings::decide))
        .route("/escalations", get(escalations::list))
        .route("/escalations/duty", get(escalations::duty).put(escalations::set_duty))
        .route("/escalations/{id}/acknowledgement", post(escalations::acknowledge))
        .route("/notifications/failed", get(notifications::failed))
        .route("/public/sightings", post(sightings::submit))
        .route("/sightings", get(sightings::list))
        .route("/sightings/{id}", get(sightings::get))
        .route("/sightings/{id}/photo", get(sightings::photo))
        .route("/sightings/{id}/attachment", post(sightings::attach))
        .route("/sightings/{id}/dismissal", post(sightings::dismiss))
        .route("/cases/{id}/sightings", get(sightings::of_case))
        .route("/alerts", get(alerts::list))
        .route("/alerts/{id}", get(alerts::get))
        .route("/alerts/{id}/criteria", post(alerts::confirm))
        .route("/alerts/{id}/approvals", post(alerts::approve))
        .route("/alerts/{id}/content", axum::routing::put(alerts::set_content))
        .route("/alerts/{id}/publication", post(alerts::publish))
        .route("/alerts/{id}/extension", post(alerts::extend))
        .route("/alerts/{id}/cancellation", post(alerts::cancel))
        .route("/cases/{id}/alerts", get(alerts::of_case).post(alerts::request))
        .route("/openapi.json", get(openapi));
    Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", api)
        .merge(crate::ui::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::map_response(protective_headers))
        // The public alert documents set headers of their own (cacheable, for anyone).
        .merge(crate::ui::public::router())
        .with_state(state)
}

/// Headers on every answer. Answers carry children's personal data, so nothing may be cached
/// by a browser or a proxy, sniffed into another type, framed by another site or leak its
/// address through a referrer to another site (`same-origin`: Homeward's own forms still name
/// their origin, which the interface checks).
async fn protective_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(HeaderName::from_static("cross-origin-resource-policy"), HeaderValue::from_static("same-origin"));
    response
}

/// Liveness and a database round trip.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Homeward is up")))]
pub(crate) async fn healthz(state: axum::extract::State<AppState>) -> Result<Json<serde_json::Value>, AppError> {
    state.run(|store| store.is_empty()).await?;
    Ok(Json(json!({"status": "ok"})))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi::document())
}

async fn not_found() -> AppError {
    AppError::not_found("There is nothing at this address. The API is described at /api/v1/openapi.json.")
}

async fn method_not_allowed() -> AppError {
    AppError::new(StatusCode::METHOD_NOT_ALLOWED, "This address does not accept that method.")
}
