//! Cases: open, list, read, and every change after opening.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_domain::case::{CaseEvent, Category, NewCase, RiskLevel, Status};
use homeward_domain::child::NewChild;
use homeward_domain::linkage::{Candidate, CaseMatch, MatchDecision};
use homeward_domain::records::{NewContact, NewIdentifier, NewNote, NewPerson, NewTask};
use homeward_domain::view::{Assignee, CaseChange, CaseFilter, CaseOrder, CaseSummary, CaseView, Page, TaskSummary};
use homeward_domain::{CaseId, DomainError, FieldError, OrganisationId, Problem as FieldProblem, TaskId, UserId};
use homeward_store::StoreError;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::assessment::{Trafficking, trafficking};
use crate::auth::CurrentUser;
use crate::error::{AppError, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

/// A case just opened or whose child was just edited, with the children it may be about.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CaseWithCandidates {
    #[serde(flatten)]
    pub case: CaseView,
    /// Up to ten children already known who may be this one, most likely first, among the cases
    /// the caller may read; those with a probability of 0.5 or more are kept on the case as
    /// suggestions for a person to confirm or reject (`/api/v1/cases/{id}/matches`).
    pub candidates: Vec<Candidate>,
}

/// Opens a case from a report; answers it with the children it may be about.
#[utoipa::path(post, path = "/api/v1/cases", request_body = NewCase, tag = "cases",
    responses((status = 201, body = CaseWithCandidates), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiJson(body): ApiJson<NewCase>,
) -> Result<(StatusCode, Json<CaseWithCandidates>), AppError> {
    let linkage = state.linkage.clone();
    let (case, candidates) =
        state.run(move |store| crate::linkage::open_case(store, &linkage, &who.actor, body)).await?;
    let created = CaseWithCandidates { case, candidates };
    Ok((StatusCode::CREATED, Json(created)))
}

/// Corrects or completes what is known of the child (the body replaces the `child` of the
/// report); answers the case with the children it may now be about, as when it was opened.
#[utoipa::path(put, path = "/api/v1/cases/{id}/child", params(("id" = CaseId, Path)), request_body = NewChild,
    tag = "cases",
    responses((status = 200, body = CaseWithCandidates), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn edit_child(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(child): ApiJson<NewChild>,
) -> Result<Json<CaseWithCandidates>, AppError> {
    let linkage = state.linkage.clone();
    let (case, candidates) = state
        .run(move |store| crate::linkage::edit_child(store, &linkage, &who.actor, id, CaseChange::EditChild(child)))
        .await?;
    Ok(Json(CaseWithCandidates { case, candidates }))
}

/// The children already known who may be the one described, as the operator types the report:
/// nothing is stored. The body is the `child` part of a report; a child without any name finds
/// no one. Only cases the caller may read are answered, and only they are counted.
#[utoipa::path(post, path = "/api/v1/candidates", request_body = NewChild, tag = "linkage",
    responses((status = 200, body = Vec<Candidate>), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn candidates(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiJson(child): ApiJson<NewChild>,
) -> Result<Json<Vec<Candidate>>, AppError> {
    let now = OffsetDateTime::now_utc();
    let mut v = homeward_domain::Validation::new();
    let child = child.validate(homeward_domain::dates::utc_date(now), &mut v);
    // A report without a name yet is still being typed: it finds no one, which is no error.
    let problems: Vec<FieldError> = v.into_errors().into_iter().filter(|e| e.code != FieldProblem::NoName).collect();
    if !problems.is_empty() {
        return Err(StoreError::Domain(DomainError::Invalid(problems)).into());
    }
    let linkage = state.linkage.clone();
    let found = state
        .run(move |store| {
            let found = linkage.candidates(&child, now.year());
            store.match_candidates(&who.actor, None, found, crate::linkage::SHOWN)
        })
        .await?;
    Ok(Json(found))
}

/// The suggested and decided matches of a case: other cases that may be about the same child,
/// each with its probability and reasons, as far as the caller may read them.
#[utoipa::path(get, path = "/api/v1/cases/{id}/matches", params(("id" = CaseId, Path)), tag = "linkage",
    responses((status = 200, body = Vec<CaseMatch>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn matches(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<Vec<CaseMatch>>, AppError> {
    Ok(Json(state.run(move |store| store.case_matches(&who.actor, id)).await?))
}

/// A person's decision about a pair of cases.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchDecisionRequest {
    /// The other case.
    pub other_case: CaseId,
    pub decision: MatchDecision,
    /// Why; needed to reject (the next person who wonders should learn why).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Confirms or rejects that another case is about the same child. A confirmation links the
/// episodes of the child (they count as repeat episodes); a rejection keeps the pair from being
/// suggested again. A pair already decided is a 409.
#[utoipa::path(post, path = "/api/v1/cases/{id}/matches", params(("id" = CaseId, Path)), request_body = MatchDecisionRequest,
    tag = "linkage",
    responses((status = 200, body = CaseMatch), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide_match(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<MatchDecisionRequest>,
) -> Result<Json<CaseMatch>, AppError> {
    let decided =
        state.run(move |store| store.decide_match(&who.actor, id, body.other_case, body.decision, body.reason)).await?;
    Ok(Json(decided))
}

/// Filters for the case list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub status: Option<Status>,
    pub category: Option<Category>,
    pub risk_level: Option<RiskLevel>,
    pub organisation_id: Option<OrganisationId>,
    /// Opened at or after: a date (`2026-11-01`) or a time (`2026-11-01T08:00:00Z`).
    pub opened_from: Option<String>,
    /// Opened before: a date or a time.
    pub opened_to: Option<String>,
    /// The child's name in any script; each word matches the start of a name.
    pub q: Option<String>,
    /// `me`, `nobody`, or a user's id.
    pub assignee: Option<String>,
    /// A case number, exactly.
    pub number: Option<String>,
    /// An identifier linked to the case (a phone number in any spelling, a handle, …).
    pub identifier: Option<String>,
    /// `newest` (the default) or `urgent`: high risk, not yet assessed, medium, low, very low,
    /// and within each the child missing longest first.
    pub order: Option<CaseOrder>,
    /// At most 200; 50 when left out.
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

impl ListQuery {
    /// The store's filter; `me` is the user asking.
    pub fn into_filter(self, me: UserId) -> Result<CaseFilter, AppError> {
        let assignee = match self.assignee.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("me") => Some(Assignee::User(me)),
            Some("nobody") => Some(Assignee::Nobody),
            Some(id) => Some(Assignee::User(id.parse().map_err(|_| {
                AppError::bad_request(format!("`assignee` must be `me`, `nobody` or a user's id, not `{id}`."))
            })?)),
        };
        let filter = CaseFilter {
            status: self.status,
            category: self.category,
            risk_level: self.risk_level,
            organisation_id: self.organisation_id,
            opened_from: self.opened_from.as_deref().map(|t| parse_bound("opened_from", t)).transpose()?,
            opened_to: self.opened_to.as_deref().map(|t| parse_bound("opened_to", t)).transpose()?,
            name: self.q.filter(|q| !q.trim().is_empty()),
            assignee,
            number: self.number.filter(|n| !n.trim().is_empty()),
            identifier: self.identifier.filter(|i| !i.trim().is_empty()),
            order: self.order.unwrap_or_default(),
            limit: self.limit.unwrap_or(0),
            offset: self.offset.unwrap_or(0),
        };
        if filter.name.as_ref().is_some_and(|q| q.chars().count() > 200) {
            return Err(AppError::bad_request("`q` is longer than 200 characters."));
        }
        Ok(filter)
    }
}

fn parse_bound(field: &str, text: &str) -> Result<OffsetDateTime, AppError> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        if !homeward_domain::dates::plausible(at) {
            return Err(AppError::bad_request(format!("`{field}` must be a time between the years 1900 and 2999.")));
        }
        return Ok(at);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &format).map(|d| d.midnight().assume_utc()).map_err(|_| {
        AppError::bad_request(format!(
            "`{field}` must be a date (2026-11-01) or a time (2026-11-01T08:00:00Z), not `{text}`."
        ))
    })
}

/// Lists the cases the caller may see, newest (or most urgent) first.
#[utoipa::path(get, path = "/api/v1/cases", params(ListQuery), tag = "cases",
    responses((status = 200, body = Page<CaseSummary>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Page<CaseSummary>>, AppError> {
    let filter = query.into_filter(who.user.id)?;
    Ok(Json(state.run(move |store| store.list_cases(&who.actor, filter)).await?))
}

/// A case with its trafficking assessment.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: CaseView,
    pub trafficking: Trafficking,
    /// The risk level the recorded answers suggest (`risk_answers`), with every answer that
    /// raised it; absent before any is answered.
    pub risk_suggestion: Option<crate::assessment::RiskSuggestionView>,
}

/// One case with its child, contacts, notes, identifiers, persons of interest, tasks and its
/// trafficking assessment.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = CaseId, Path)), tag = "cases",
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<CaseDetail>, AppError> {
    let case = state.run(move |store| store.get_case(&who.actor, id)).await?;
    let trafficking = trafficking(&state.catalogue, &case);
    let risk_suggestion = crate::assessment::risk_suggestion(&case);
    Ok(Json(CaseDetail { case, trafficking, risk_suggestion }))
}

/// The police hand-over package with the risk engine's reading of the case: the level its
/// answers suggest with every answer that raised it, and the trafficking concern with every
/// reason, computed as the case page computes them.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HandoverDocument {
    #[serde(flatten)]
    pub package: homeward_domain::handover::HandoverPackage,
    pub trafficking: Trafficking,
    /// Absent before any risk question is answered.
    pub risk_suggestion: Option<crate::assessment::RiskSuggestionView>,
}

impl HandoverDocument {
    pub(crate) fn new(
        catalogue: &homeward_risk::Catalogue,
        package: homeward_domain::handover::HandoverPackage,
    ) -> Self {
        let trafficking = trafficking(catalogue, &package.case);
        let risk_suggestion = crate::assessment::risk_suggestion(&package.case);
        Self { package, trafficking, risk_suggestion }
    }
}

/// The complete hand-over package for the police, as JSON: the child with their description
/// (and whether a photograph is kept), last seen, category, risk level with its reasons and the
/// trafficking concern, identifiers, the timeline, and every hand-over recorded (when, to which
/// unit, by whom, the police's reference). Read by the case's own organisation and by the police
/// liaison of a unit the case was handed to; another unit the case is only shared with is
/// refused (403). Every read is audited.
#[utoipa::path(get, path = "/api/v1/cases/{id}/handover", params(("id" = CaseId, Path)), tag = "cases",
    responses((status = 200, body = HandoverDocument), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn handover(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<HandoverDocument>, AppError> {
    let package = state.run(move |store| store.handover_package(&who.actor, id)).await?;
    Ok(Json(HandoverDocument::new(&state.catalogue, package)))
}

/// Records answers to the structured risk questions (only those asked now; the latest answer to
/// a question counts), with who gave them and when. The case then answers its
/// `risk_suggestion`; the level a person records (`POST …/risk`) is still theirs.
#[utoipa::path(post, path = "/api/v1/cases/{id}/risk-answers", params(("id" = CaseId, Path)),
    request_body = homeward_risk::RiskAnswers, tag = "cases",
    responses((status = 200, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn answer_risk_questions(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(answers): ApiJson<homeward_risk::RiskAnswers>,
) -> Result<Json<CaseView>, AppError> {
    change(state, who, id, CaseChange::AnswerRiskQuestions(answers)).await
}

/// Every trafficking assessment Homeward kept for the case, oldest first: one each time a change
/// of the case changed the result, with the catalogue version it was made with.
#[utoipa::path(get, path = "/api/v1/cases/{id}/assessments", params(("id" = CaseId, Path)), tag = "cases",
    responses((status = 200, body = Vec<homeward_domain::risk::StoredAssessment>), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn assessments(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<Vec<homeward_domain::risk::StoredAssessment>>, AppError> {
    Ok(Json(state.run(move |store| store.case_assessments(&who.actor, id)).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorObservation {
    /// An indicator id of the catalogue in use (`documents_withheld`, `adult_speaks_for_child`).
    pub indicator: String,
    /// What was seen or said; kept as a note on the case.
    #[serde(default)]
    pub evidence: Option<String>,
}

/// Records an observed trafficking indicator; answers the case with its new assessment.
#[utoipa::path(post, path = "/api/v1/cases/{id}/indicators", params(("id" = CaseId, Path)), request_body = IndicatorObservation, tag = "cases",
    responses((status = 201, body = CaseDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn observe_indicator(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<IndicatorObservation>,
) -> Result<(StatusCode, Json<CaseDetail>), AppError> {
    let indicator = body.indicator.trim().to_owned();
    if let Err(e) = state.catalogue.recordable(&indicator) {
        return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{e}.")));
    }
    let change = CaseChange::ObserveIndicator { indicator, evidence: body.evidence };
    let case = state.run(move |store| store.change_case(&who.actor, id, change)).await?;
    let trafficking = trafficking(&state.catalogue, &case);
    let risk_suggestion = crate::assessment::risk_suggestion(&case);
    Ok((StatusCode::CREATED, Json(CaseDetail { case, trafficking, risk_suggestion })))
}

/// The case's timeline: every event, who and when, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/events", params(("id" = CaseId, Path)), tag = "cases",
    responses((status = 200, body = Vec<CaseEvent>), (status = 404, body = Problem)))]
pub async fn events(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<Vec<CaseEvent>>, AppError> {
    Ok(Json(state.run(move |store| store.case_events(&who.actor, id)).await?))
}

async fn change(state: AppState, who: CurrentUser, id: CaseId, change: CaseChange) -> Result<Json<CaseView>, AppError> {
    Ok(Json(state.run(move |store| store.change_case(&who.actor, id, change)).await?))
}

async fn created(
    state: AppState,
    who: CurrentUser,
    id: CaseId,
    c: CaseChange,
) -> Result<(StatusCode, Json<CaseView>), AppError> {
    Ok((StatusCode::CREATED, change(state, who, id, c).await?))
}

/// Records another call, chat, e-mail or web report about the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/contacts", params(("id" = CaseId, Path)), request_body = NewContact, tag = "cases",
    responses((status = 201, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_contact(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<NewContact>,
) -> Result<(StatusCode, Json<CaseView>), AppError> {
    created(state, who, id, CaseChange::AddContact(body)).await
}

/// Adds a note.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", params(("id" = CaseId, Path)), request_body = NewNote, tag = "cases",
    responses((status = 201, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_note(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<CaseView>), AppError> {
    created(state, who, id, CaseChange::AddNote(body)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: Status,
    /// Kept as a note on the case.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Moves the case along its lifecycle; a step the lifecycle forbids is a 409 naming the allowed ones.
#[utoipa::path(post, path = "/api/v1/cases/{id}/status", params(("id" = CaseId, Path)), request_body = StatusChange, tag = "cases",
    responses((status = 200, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn change_status(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<StatusChange>,
) -> Result<Json<CaseView>, AppError> {
    change(state, who, id, CaseChange::ChangeStatus { to: body.status, reason: body.reason }).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryChange {
    pub category: Category,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Re-categorises the case as facts emerge.
#[utoipa::path(post, path = "/api/v1/cases/{id}/category", params(("id" = CaseId, Path)), request_body = CategoryChange, tag = "cases",
    responses((status = 200, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn recategorise(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<CategoryChange>,
) -> Result<Json<CaseView>, AppError> {
    change(state, who, id, CaseChange::Recategorise { to: body.category, reason: body.reason }).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskChange {
    pub risk_level: RiskLevel,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Records a risk assessment.
#[utoipa::path(post, path = "/api/v1/cases/{id}/risk", params(("id" = CaseId, Path)), request_body = RiskChange, tag = "cases",
    responses((status = 200, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn assess_risk(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<RiskChange>,
) -> Result<Json<CaseView>, AppError> {
    change(state, who, id, CaseChange::AssessRisk { to: body.risk_level, reason: body.reason }).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// A user of the case's organisation, or null to unassign.
    pub assignee: Option<UserId>,
}

/// Assigns the case to a user of its organisation.
#[utoipa::path(post, path = "/api/v1/cases/{id}/assignment", params(("id" = CaseId, Path)), request_body = Assignment, tag = "cases",
    responses((status = 200, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn assign(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<Assignment>,
) -> Result<Json<CaseView>, AppError> {
    change(state, who, id, CaseChange::Assign(body.assignee)).await
}

/// Links a phone number, handle, vehicle or address to the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/identifiers", params(("id" = CaseId, Path)), request_body = NewIdentifier, tag = "cases",
    responses((status = 201, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn link_identifier(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<NewIdentifier>,
) -> Result<(StatusCode, Json<CaseView>), AppError> {
    created(state, who, id, CaseChange::LinkIdentifier(body)).await
}

/// Links a person of interest to the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/persons", params(("id" = CaseId, Path)), request_body = NewPerson, tag = "cases",
    responses((status = 201, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn link_person(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<NewPerson>,
) -> Result<(StatusCode, Json<CaseView>), AppError> {
    created(state, who, id, CaseChange::LinkPerson(body)).await
}

/// Adds a task.
#[utoipa::path(post, path = "/api/v1/cases/{id}/tasks", params(("id" = CaseId, Path)), request_body = NewTask, tag = "cases",
    responses((status = 201, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_task(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<NewTask>,
) -> Result<(StatusCode, Json<CaseView>), AppError> {
    created(state, who, id, CaseChange::CreateTask(body)).await
}

/// Marks a task done.
#[utoipa::path(post, path = "/api/v1/cases/{id}/tasks/{task_id}/complete",
    params(("id" = CaseId, Path), ("task_id" = TaskId, Path)), tag = "cases",
    responses((status = 200, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn complete_task(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath((id, task)): ApiPath<(CaseId, TaskId)>,
) -> Result<Json<CaseView>, AppError> {
    change(state, who, id, CaseChange::CompleteTask(task)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    pub organisation_id: OrganisationId,
}

/// Shares the case with another organisation (a police unit, a partner hotline).
#[utoipa::path(post, path = "/api/v1/cases/{id}/shares", params(("id" = CaseId, Path)), request_body = ShareRequest, tag = "cases",
    responses((status = 200, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn share(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<ShareRequest>,
) -> Result<Json<CaseView>, AppError> {
    change(state, who, id, CaseChange::Share(body.organisation_id)).await
}

/// A hand-over of the case to a police unit.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoliceHandoverRequest {
    /// The police unit (an organisation of kind `police_unit`).
    pub to_organisation: OrganisationId,
    /// The police's own reference for the case, if they gave one (at most 200 characters).
    #[serde(default)]
    pub reference: Option<String>,
}

/// Records that the case was handed over to a police unit, and shares it with the unit so that
/// its police liaison sees it. Meets the "handed to the police" response targets. An
/// organisation that is not a police unit is refused (422).
#[utoipa::path(post, path = "/api/v1/cases/{id}/police-handover", params(("id" = CaseId, Path)),
    request_body = PoliceHandoverRequest, tag = "cases",
    responses((status = 200, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn police_handover(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<PoliceHandoverRequest>,
) -> Result<Json<CaseView>, AppError> {
    let handover =
        CaseChange::RecordPoliceHandover { to_organisation: body.to_organisation, reference: body.reference };
    change(state, who, id, handover).await
}

/// Suggests the missing-person risk level from the structured risk questions, with every answer
/// that raised it and the questions still open. Reads and stores nothing: the intake screen asks
/// it as the operator answers; the level a person records is theirs.
#[utoipa::path(post, path = "/api/v1/risk-suggestion", request_body = homeward_risk::RiskAnswers, tag = "cases",
    responses((status = 200, body = homeward_risk::RiskSuggestion), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn suggest_risk(
    who: CurrentUser,
    ApiJson(answers): ApiJson<homeward_risk::RiskAnswers>,
) -> Result<Json<homeward_risk::RiskSuggestion>, AppError> {
    homeward_domain::policy::authorize(
        who.user.role,
        homeward_domain::policy::Action::CaseAssessRisk,
        homeward_domain::policy::Scope::Own,
    )
    .map_err(homeward_store::StoreError::from)?;
    Ok(Json(homeward_risk::suggest(&answers)))
}

/// The open tasks assigned to the caller, across every case they may see, soonest due first.
#[utoipa::path(get, path = "/api/v1/me/tasks", tag = "cases",
    responses((status = 200, body = Vec<TaskSummary>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn my_tasks(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Vec<TaskSummary>>, AppError> {
    Ok(Json(state.run(move |store| store.my_tasks(&who.actor)).await?))
}
