//! Child alerts over the API: a supervisor's request on a case, the criteria, the approvals,
//! publication, updates, extension and cancellation. Every change that succeeds renders the
//! public snapshot again, so that the public URLs show it at once.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_domain::CaseId;
use homeward_domain::alert::{AlertChange, AlertContent, AlertId, AlertView, ApprovalKind, Criterion, NewAlertRequest};
use homeward_domain::org::Actor;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, Problem};
use crate::extract::{ApiJson, ApiPath};

/// Runs a change of an alert, then renders the public snapshot again. The change is committed
/// whether or not the snapshot could be rendered; should that fail, the alert job renders it
/// within the minute, and the failure is logged.
pub(crate) async fn change(
    state: &AppState,
    actor: Actor,
    id: AlertId,
    change: AlertChange,
) -> Result<AlertView, AppError> {
    let public = std::sync::Arc::clone(&state.alerts);
    state
        .run(move |store| {
            let changed = store.change_alert(&actor, id, change)?;
            if let Err(e) = public.refresh(store, OffsetDateTime::now_utc()) {
                tracing::error!(error = %e, alert = %id, "the public alerts could not be rendered again");
            }
            Ok(changed)
        })
        .await
}

/// The organisation's alert requests: live alerts first, then open requests, then the rest.
/// Operators, case managers and supervisors.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts",
    responses((status = 200, body = Vec<AlertView>), (status = 403, body = Problem)))]
pub async fn list(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Vec<AlertView>>, AppError> {
    Ok(Json(state.run(move |store| store.list_alerts(&who.actor)).await?))
}

/// One alert request of the caller's organisation, with its criteria, approvals, consent,
/// content and the messages sent to the public.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", params(("id" = AlertId, Path)), tag = "alerts",
    responses((status = 200, body = AlertView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<AlertId>,
) -> Result<Json<AlertView>, AppError> {
    Ok(Json(state.run(move |store| store.get_alert(&who.actor, id)).await?))
}

/// The alert requests of one case of the caller's organisation, latest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/alerts", params(("id" = CaseId, Path)), tag = "alerts",
    responses((status = 200, body = Vec<AlertView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn of_case(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<Vec<AlertView>>, AppError> {
    Ok(Json(state.run(move |store| store.case_alerts(&who.actor, id)).await?))
}

/// Opens a child alert request on a case (supervisors). The consent names the fields the
/// guardians allow to be published; content outside it is refused (422).
#[utoipa::path(post, path = "/api/v1/cases/{id}/alerts", params(("id" = CaseId, Path)), request_body = NewAlertRequest,
    tag = "alerts",
    responses((status = 201, body = AlertView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn request(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<NewAlertRequest>,
) -> Result<(StatusCode, Json<AlertView>), AppError> {
    let alert = state.run(move |store| store.request_alert(&who.actor, id, body)).await?;
    Ok((StatusCode::CREATED, Json(alert)))
}

/// A criterion the caller confirms holds.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    pub criterion: Criterion,
    /// Why it holds (optional, at most 2,000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// Confirms one criterion (supervisors and case managers), before publication; a criterion is
/// confirmed once (409).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/criteria", params(("id" = AlertId, Path)), request_body = ConfirmRequest,
    tag = "alerts",
    responses((status = 200, body = AlertView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn confirm(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<AlertId>,
    ApiJson(body): ApiJson<ConfirmRequest>,
) -> Result<Json<AlertView>, AppError> {
    let actor = who.actor.clone();
    Ok(Json(change(&state, actor, id, AlertChange::Confirm { criterion: body.criterion, note: body.note }).await?))
}

/// The police's approval or the prosecutor's order.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    pub kind: ApprovalKind,
    /// Their reference.
    pub reference: String,
    /// When it was given.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub given_at: OffsetDateTime,
}

/// Records the police's approval or the prosecutor's order (supervisors), once each.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/approvals", params(("id" = AlertId, Path)), request_body = ApprovalRequest,
    tag = "alerts",
    responses((status = 200, body = AlertView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn approve(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<AlertId>,
    ApiJson(body): ApiJson<ApprovalRequest>,
) -> Result<Json<AlertView>, AppError> {
    let actor = who.actor.clone();
    let approval = AlertChange::Approve { kind: body.kind, reference: body.reference, given_at: body.given_at };
    Ok(Json(change(&state, actor, id, approval).await?))
}

/// New content, within the consent (supervisors); fields left out stay. On a published alert
/// this sends a CAP Update.
#[utoipa::path(put, path = "/api/v1/alerts/{id}/content", params(("id" = AlertId, Path)), request_body = AlertContent,
    tag = "alerts",
    responses((status = 200, body = AlertView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_content(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<AlertId>,
    ApiJson(body): ApiJson<AlertContent>,
) -> Result<Json<AlertView>, AppError> {
    let actor = who.actor.clone();
    Ok(Json(change(&state, actor, id, AlertChange::SetContent(body)).await?))
}

/// When a publication or an extension ends.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndRequest {
    /// The end time; for a publication, 6 hours from now when left out. At most 24 hours after
    /// publication.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<OffsetDateTime>,
}

/// Publishes the alert (supervisors): only with every criterion confirmed and both approvals
/// recorded; otherwise 422 naming each thing missing.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/publication", params(("id" = AlertId, Path)), request_body = EndRequest,
    tag = "alerts",
    responses((status = 200, body = AlertView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn publish(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<AlertId>,
    ApiJson(body): ApiJson<EndRequest>,
) -> Result<Json<AlertView>, AppError> {
    let actor = who.actor.clone();
    Ok(Json(change(&state, actor, id, AlertChange::Publish { ends_at: body.ends_at }).await?))
}

/// Moves a published alert's end later, at most 24 hours after publication (supervisors); sends
/// a CAP Update.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/extension", params(("id" = AlertId, Path)), request_body = EndRequest,
    tag = "alerts",
    responses((status = 200, body = AlertView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn extend(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<AlertId>,
    ApiJson(body): ApiJson<EndRequest>,
) -> Result<Json<AlertView>, AppError> {
    let Some(ends_at) = body.ends_at else {
        return Err(AppError::unprocessable("ends_at", homeward_domain::Problem::Required, "must be given"));
    };
    let actor = who.actor.clone();
    Ok(Json(change(&state, actor, id, AlertChange::Extend { ends_at }).await?))
}

/// Cancels the request, or the published alert (supervisors): a CAP Cancel is sent and the
/// public page says it is no longer active.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/cancellation", params(("id" = AlertId, Path)), tag = "alerts",
    responses((status = 200, body = AlertView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<AlertId>,
) -> Result<Json<AlertView>, AppError> {
    let actor = who.actor.clone();
    Ok(Json(change(&state, actor, id, AlertChange::Cancel).await?))
}
