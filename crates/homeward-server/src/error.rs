//! The one error type at the HTTP edge. What the user is told is kept apart from the cause,
//! which is logged and never sent: a 500 says only that something failed and nothing was saved.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeward_domain::{DomainError, FieldError};
use homeward_store::StoreError;
use serde::Serialize;

/// An RFC 9457 problem-details body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong and what to do about it, for a person to read.
    pub detail: String,
    /// For invalid input: each field and what is wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// An error answered as problem details.
#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Logged, never shown.
    pub cause: Option<String>,
    pub retry_after: Option<u64>,
}

impl AppError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self { status, detail: detail.into(), errors: Vec::new(), cause: None, retry_after: None }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// One field of the input is not acceptable.
    pub fn unprocessable(field: &str, code: homeward_domain::Problem, message: impl Into<String>) -> Self {
        let error = FieldError::new(field, code, message);
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, format!("`{}` {}", error.field, error.message));
        e.errors.push(error);
        e
    }

    /// Something failed on our side; the user learns only that nothing was saved.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            detail: "Something went wrong on the server and nothing was saved. Try again; if it keeps happening, tell your administrator.".into(),
            errors: Vec::new(),
            cause: Some(cause.to_string()),
            retry_after: None,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(DomainError::Invalid(errors)) => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                detail: DomainError::Invalid(errors.clone()).to_string(),
                errors,
                cause: None,
                retry_after: None,
            },
            StoreError::Domain(e @ (DomainError::InvalidTransition { .. } | DomainError::NoChange(_))) => {
                Self::new(StatusCode::CONFLICT, e.to_string())
            }
            StoreError::Domain(DomainError::NotFound(what)) => Self::not_found(what),
            StoreError::Denied(denied) => Self::forbidden(format!(
                "Your role ({}) may not do this ({}) on {} case or record.",
                denied.role,
                action_words(denied.action),
                match denied.scope {
                    homeward_domain::policy::Scope::Own => "your own organisation's",
                    homeward_domain::policy::Scope::Shared => "a shared",
                    homeward_domain::policy::Scope::Other => "another organisation's",
                }
            )),
            StoreError::NotFound(what) => Self::not_found(format!("{what} not found, or not visible to you.")),
            StoreError::Conflict(what) => Self::new(StatusCode::CONFLICT, what),
            StoreError::WrongPassword => Self::forbidden("The current password is not correct."),
            StoreError::Text(why) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, why),
            e @ (StoreError::Domain(DomainError::Corrupt(_))
            | StoreError::Database(_)
            | StoreError::Corrupt(_)
            | StoreError::Url(_)
            | StoreError::WriterStopped
            | StoreError::Hash(_)
            | StoreError::Io { .. }) => Self::internal(e),
        }
    }
}

fn action_words(action: homeward_domain::policy::Action) -> &'static str {
    use homeward_domain::policy::Action::*;
    match action {
        CaseCreate => "open a case",
        CaseRead => "read a case's personal data",
        CaseReadPseudonymous => "read cases",
        CaseAddContact => "add a contact",
        CaseAddNote => "add a note",
        CaseChangeStatus => "change a case's status",
        CaseRecategorise => "change a case's category",
        CaseAssessRisk => "assess risk",
        CaseAssign => "assign a case",
        CaseLinkIdentifier => "link an identifier",
        CaseLinkPerson => "link a person of interest",
        CaseManageTasks => "manage tasks",
        CaseShare => "share a case",
        CaseLinkMatch => "decide whether two cases are about the same child",
        CaseEditChild => "edit what is known of the child",
        OrganisationCreate => "create an organisation",
        OrganisationList => "list organisations",
        UserCreate => "create a user",
        UserList => "list users",
        UserManage => "deactivate or reactivate a user",
        WarningRead => "see the early warnings",
        WarningDecide => "decide an early warning",
        CaseHandOverToPolice => "hand a case over to the police",
        EscalationRead => "see the escalations",
        EscalationAcknowledge => "acknowledge an escalation",
        CaseHandoverRead => "read the police hand-over package of a case",
        SightingRead => "read the sightings sent by the public",
        SightingDecide => "attach a sighting to a case or dismiss it",
        AlertRead => "see the child alerts",
        AlertRequest => "request a child alert",
        AlertConfirm => "confirm a criterion of a child alert",
        AlertApprove => "record an approval of a child alert",
        AlertPublish => "publish, update, extend or cancel a child alert",
        NotificationRead => "see the notifications that could not be delivered",
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            tracing::error!(status = %self.status, cause = %cause, "request failed");
        }
        let problem = Problem {
            kind: "about:blank".into(),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            errors: self.errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}
