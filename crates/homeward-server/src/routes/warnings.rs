//! Early warnings across cases: the supervisor's queue and their decisions.

use axum::Json;
use axum::extract::State;
use homeward_domain::WarningId;
use homeward_domain::warning::{WarningDecision, WarningNetwork, WarningView};
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

/// Which warnings to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct WarningsQuery {
    /// `live` (the default: open and acknowledged, the queue) or `closed` (acted on or dismissed).
    pub state: Option<WarningsState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarningsState {
    Live,
    Closed,
}

/// The organisation's early warnings, most urgent and most recent first, each with its cases,
/// its evidence and the decisions about it. Supervisors and case managers.
#[utoipa::path(get, path = "/api/v1/warnings", params(WarningsQuery), tag = "warnings",
    responses((status = 200, body = Vec<WarningView>), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiQuery(query): ApiQuery<WarningsQuery>,
) -> Result<Json<Vec<WarningView>>, AppError> {
    let live = query.state != Some(WarningsState::Closed);
    Ok(Json(state.run(move |store| store.list_warnings(&who.actor, live)).await?))
}

/// One warning of the caller's organisation.
#[utoipa::path(get, path = "/api/v1/warnings/{id}", params(("id" = WarningId, Path)), tag = "warnings",
    responses((status = 200, body = WarningView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<WarningId>,
) -> Result<Json<WarningView>, AppError> {
    Ok(Json(state.run(move |store| store.get_warning(&who.actor, id)).await?))
}

/// The network of a shared-identifier warning: its cases, the caller's organisation's cases one
/// hop further that share one of their identifiers, and every identifier two or more of these
/// cases hold (the same number written `+30 690…` or `0030 690…` is one), with an edge for each
/// case that holds one. At most 50 cases and 50 identifiers; `truncated` says when it was cut.
/// Another kind of warning has no network (409).
#[utoipa::path(get, path = "/api/v1/warnings/{id}/network", params(("id" = WarningId, Path)), tag = "warnings",
    responses((status = 200, body = WarningNetwork), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn network(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<WarningId>,
) -> Result<Json<WarningNetwork>, AppError> {
    Ok(Json(state.run(move |store| store.warning_network(&who.actor, id)).await?))
}

/// A supervisor's decision about a warning.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarningDecisionRequest {
    pub decision: WarningDecision,
    /// Why it is dismissed, or what was done; kept for tuning the detectors.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Acknowledges a warning (it stays in the queue and cases still join it), or closes it: acted
/// on (say what was done) or dismissed (say why). A closed warning is not decided again (409); a
/// later case of the same pattern opens a new warning.
#[utoipa::path(post, path = "/api/v1/warnings/{id}/decision", params(("id" = WarningId, Path)),
    request_body = WarningDecisionRequest, tag = "warnings",
    responses((status = 200, body = WarningView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<WarningId>,
    ApiJson(body): ApiJson<WarningDecisionRequest>,
) -> Result<Json<WarningView>, AppError> {
    Ok(Json(state.run(move |store| store.decide_warning(&who.actor, id, body.decision, body.reason)).await?))
}
