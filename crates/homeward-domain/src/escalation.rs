//! Escalations: a response target missed on a case (handed to police within 15 minutes of a
//! high-risk report, the risk reviewed every 24 hours) or a task past its due time, raised to the
//! organisation's supervisors until one of them acknowledges it.
//!
//! The targets and what misses them are decided by `homeward_risk::response` (pure); the store
//! keeps each escalation once per case, subject and deadline ([`Missed::due_at`] names the
//! cycle: a recurring target's every missed period has a deadline of its own), so running the
//! job again never raises one twice. Each raise queues its notifications in the same transaction
//! (see [`crate::notification`]).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{Category, RiskLevel};
use crate::{CaseId, DomainError, EscalationId, OrganisationId, Problem, TaskId, UserId, Validation};

/// What an escalation is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A response target, by its id in the response plan.
    Target(String),
    /// A task past its due time.
    Task(TaskId),
}

impl Subject {
    /// The stored form: `target:police_handover`, `task:0193…`.
    pub fn key(&self) -> String {
        match self {
            Subject::Target(id) => format!("target:{id}"),
            Subject::Task(id) => format!("task:{id}"),
        }
    }

    /// Reads the stored form back.
    pub fn parse(key: &str) -> Option<Subject> {
        match key.split_once(':')? {
            ("target", id) if !id.is_empty() => Some(Subject::Target(id.to_owned())),
            ("task", id) => id.parse().ok().map(Subject::Task),
            _ => None,
        }
    }
}

/// A deadline the escalation job found missed on a case now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missed {
    pub case_id: CaseId,
    pub organisation_id: OrganisationId,
    pub subject: Subject,
    /// 1 for the first deadline; a recurring target counts the periods missed since it was last
    /// met (the second missed day of reviews is cycle 2).
    pub cycle: u32,
    /// The deadline that passed. With the case and the subject it names the escalation.
    pub due_at: OffsetDateTime,
}

/// Who acknowledged an escalation, when, and what they said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Acknowledgement {
    pub by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    pub note: Option<String>,
}

/// An escalation as readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EscalationView {
    pub id: EscalationId,
    pub case_id: CaseId,
    pub case_number: String,
    pub organisation_id: OrganisationId,
    pub category: Category,
    pub risk_level: Option<RiskLevel>,
    /// The response target missed, by its id in the response plan; `None` for a task.
    pub target: Option<String>,
    /// The overdue task; `None` for a target.
    pub task_id: Option<TaskId>,
    /// The task's title (case data, shown to those who read the case).
    pub task_title: Option<String>,
    pub cycle: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub due_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub raised_at: OffsetDateTime,
    /// How many times it was raised again while nobody acknowledged it.
    pub repeats: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub last_raised_at: OffsetDateTime,
    pub acknowledged: Option<Acknowledgement>,
    /// When the escalation job saw the deadline no longer missed (met late, the task done, the
    /// child found, the case closed), if it has not been acknowledged yet.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub cleared_at: Option<OffsetDateTime>,
}

impl EscalationView {
    /// What the escalation is about.
    pub fn subject(&self) -> Option<Subject> {
        match (&self.target, self.task_id) {
            (Some(target), _) => Some(Subject::Target(target.clone())),
            (None, Some(task)) => Some(Subject::Task(task)),
            (None, None) => None,
        }
    }
}

/// The longest note an acknowledgement may carry.
pub const MAX_ACK_NOTE: usize = 2_000;

/// Tidies and checks the note of an acknowledgement (optional; blank is none).
pub fn check_note(note: Option<String>) -> Result<Option<String>, DomainError> {
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let mut v = Validation::new();
    if let Some(text) = &note {
        v.text("note", text, MAX_ACK_NOTE);
    }
    v.finish().map(|()| note)
}

/// Tidies and checks the police's reference of a hand-over (optional; blank is none).
pub fn check_reference(reference: Option<String>) -> Result<Option<String>, DomainError> {
    let reference = reference.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    let mut v = Validation::new();
    if let Some(text) = &reference {
        v.text("reference", text, 200);
    }
    v.finish().map(|()| reference)
}

/// Why a police hand-over names an organisation that is not a police unit.
pub fn not_a_police_unit() -> DomainError {
    DomainError::Invalid(vec![crate::FieldError::new(
        "to_organisation",
        Problem::NotAChoice,
        "is not a police unit; hand a case over to an organisation of kind police_unit",
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_reads_back_as_it_was_stored() {
        let task = Subject::Task(TaskId(uuid::Uuid::now_v7()));
        for subject in [Subject::Target("police_handover".into()), task] {
            assert_eq!(Subject::parse(&subject.key()), Some(subject));
        }
        assert_eq!(Subject::parse("target:"), None);
        assert_eq!(Subject::parse("task:not-an-id"), None);
        assert_eq!(Subject::parse("nothing"), None);
    }

    #[test]
    fn a_blank_note_is_none_and_a_long_one_is_refused() {
        assert_eq!(check_note(Some("  ".into())).unwrap(), None);
        assert_eq!(check_note(Some(" on it ".into())).unwrap().as_deref(), Some("on it"));
        assert!(check_note(Some("x".repeat(MAX_ACK_NOTE + 1))).is_err());
    }
}

/// The longest duty a supervisor takes at once: a shift, not a standing order.
pub const MAX_DUTY_HOURS: i64 = 24;

/// Who of an organisation's supervisors is on duty: escalations are e-mailed to them, and to
/// every supervisor of the organisation while nobody is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Duty {
    /// Until when the reader is on duty; none when they are not.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub mine: Option<OffsetDateTime>,
    /// Every supervisor of the organisation on duty now, the earliest to leave first.
    pub on_duty: Vec<OnDuty>,
}

/// One supervisor on duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnDuty {
    pub user_id: UserId,
    pub email: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub until: OffsetDateTime,
}

/// Checks the end of a duty taken at `now`: later than now and at most [`MAX_DUTY_HOURS`] on.
/// None ends the duty.
pub fn check_duty(until: Option<OffsetDateTime>, now: OffsetDateTime) -> Result<Option<OffsetDateTime>, DomainError> {
    let Some(until) = until else { return Ok(None) };
    let mut v = Validation::new();
    if until <= now {
        v.push("until", Problem::ImplausibleTime, "must be later than now");
    } else if until > now + time::Duration::hours(MAX_DUTY_HOURS) {
        v.push("until", Problem::ImplausibleTime, format!("must be at most {MAX_DUTY_HOURS} hours from now"));
    }
    v.finish().map(|()| Some(until))
}
