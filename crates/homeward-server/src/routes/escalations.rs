//! Escalations: missed response targets and overdue tasks, the supervisors' queue and their
//! acknowledgements.

use axum::Json;
use axum::extract::State;
use homeward_domain::escalation::{Duty, EscalationView};
use homeward_domain::{CaseId, EscalationId};
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

/// Which escalations to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EscalationsQuery {
    /// `open` (the default: nobody has acknowledged them yet, the queue) or `acknowledged`.
    pub state: Option<EscalationsState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EscalationsState {
    Open,
    Acknowledged,
}

/// The escalations of the caller's organisation: missed response targets (`target`) and overdue
/// tasks (`task_id`), the open ones most overdue first, the acknowledged ones latest first.
/// Operators, case managers and supervisors.
#[utoipa::path(get, path = "/api/v1/escalations", params(EscalationsQuery), tag = "escalations",
    responses((status = 200, body = Vec<EscalationView>), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiQuery(query): ApiQuery<EscalationsQuery>,
) -> Result<Json<Vec<EscalationView>>, AppError> {
    let open = query.state != Some(EscalationsState::Acknowledged);
    Ok(Json(state.run(move |store| store.list_escalations(&who.actor, open)).await?))
}

/// A supervisor's acknowledgement: someone has taken the escalation up.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeRequest {
    /// What is being done about it (optional, at most 2,000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// Acknowledges an escalation: it leaves the queue and is not raised again. Supervisors only;
/// an escalation already acknowledged is a conflict (409).
#[utoipa::path(post, path = "/api/v1/escalations/{id}/acknowledgement", params(("id" = EscalationId, Path)),
    request_body = AcknowledgeRequest, tag = "escalations",
    responses((status = 200, body = EscalationView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<EscalationId>,
    ApiJson(body): ApiJson<AcknowledgeRequest>,
) -> Result<Json<EscalationView>, AppError> {
    Ok(Json(state.run(move |store| store.acknowledge_escalation(&who.actor, id, body.note)).await?))
}

/// Every escalation of one case of the caller's organisation, open ones first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/escalations", params(("id" = CaseId, Path)), tag = "escalations",
    responses((status = 200, body = Vec<EscalationView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn of_case(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<Vec<EscalationView>>, AppError> {
    Ok(Json(state.run(move |store| store.case_escalations(&who.actor, id)).await?))
}

/// Who of the organisation's supervisors is on duty (escalations are e-mailed to them, and to
/// every supervisor while nobody is), and the caller's own duty. Operators, case managers and
/// supervisors.
#[utoipa::path(get, path = "/api/v1/escalations/duty", tag = "escalations",
    responses((status = 200, body = Duty), (status = 403, body = Problem)))]
pub async fn duty(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Duty>, AppError> {
    Ok(Json(state.run(move |store| store.duty(&who.actor)).await?))
}

/// A supervisor's duty: until when (later than now, at most 24 hours on), or `null` to end it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DutyRequest {
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<time::OffsetDateTime>,
}

/// Takes the duty until a time, or ends it. Supervisors only.
#[utoipa::path(put, path = "/api/v1/escalations/duty", request_body = DutyRequest, tag = "escalations",
    responses((status = 200, body = Duty), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_duty(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiJson(body): ApiJson<DutyRequest>,
) -> Result<Json<Duty>, AppError> {
    Ok(Json(state.run(move |store| store.set_duty(&who.actor, body.until)).await?))
}
