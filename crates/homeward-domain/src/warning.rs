//! Early warnings across cases as the store keeps them and readers see them: what a detector of
//! `homeward-risk` found (its kind, what it is about, how urgent, its cases and evidence), and
//! what a supervisor decided about it.
//!
//! A warning is keyed by what it is about (`child:…`, `place:…`, `identifier:…`): while it is
//! live (open or acknowledged) the store keeps one per organisation and key, and a case that
//! joins the pattern joins that warning. Once acted on or dismissed it is closed, and a later
//! case of the same pattern opens a new one, so each decision stays with the cases it was about.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{Category, Status};
use crate::{CaseId, DomainError, UserId, Validation, WarningId};

/// Which pattern a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The same child missing again.
    RepeatEpisodes,
    /// Several children missing from one place within a short window.
    PlaceCluster,
    /// The same phone number, handle, vehicle or address in different cases.
    SharedIdentifier,
    /// More reports of one category in a week than its own baseline makes likely.
    Trend,
}

impl WarningKind {
    pub const ALL: [WarningKind; 4] =
        [WarningKind::RepeatEpisodes, WarningKind::PlaceCluster, WarningKind::SharedIdentifier, WarningKind::Trend];
}

/// How urgent a warning is; it rises as cases join it, and never falls by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Notice,
    Elevated,
    High,
}

/// Where a warning stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WarningState {
    /// Raised, nobody has looked at it yet.
    Open,
    /// A supervisor has seen it; cases still join it.
    Acknowledged,
    /// Someone acted on it (a referral, a report to the police): closed.
    Acted,
    /// Judged not to be a pattern, with a reason: closed.
    Dismissed,
}

impl WarningState {
    /// The stable name, as stored and answered.
    pub fn name(self) -> &'static str {
        match self {
            WarningState::Open => "open",
            WarningState::Acknowledged => "acknowledged",
            WarningState::Acted => "acted",
            WarningState::Dismissed => "dismissed",
        }
    }

    /// Whether cases still join it.
    pub fn is_live(self) -> bool {
        matches!(self, WarningState::Open | WarningState::Acknowledged)
    }
}

/// What a supervisor decides about a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WarningDecision {
    Acknowledge,
    Act,
    Dismiss,
}

/// The longest reason kept with a decision.
pub const MAX_WARNING_REASON: usize = 2000;

impl WarningDecision {
    pub const ALL: [WarningDecision; 3] =
        [WarningDecision::Acknowledge, WarningDecision::Act, WarningDecision::Dismiss];

    /// The state a warning in `from` moves to, or why it cannot: a closed warning is decided
    /// once, and an acknowledged one is not acknowledged again.
    pub fn next(self, from: WarningState) -> Result<WarningState, DomainError> {
        let to = match self {
            WarningDecision::Acknowledge => WarningState::Acknowledged,
            WarningDecision::Act => WarningState::Acted,
            WarningDecision::Dismiss => WarningState::Dismissed,
        };
        let allowed = match from {
            WarningState::Open => true,
            WarningState::Acknowledged => to != WarningState::Acknowledged,
            WarningState::Acted | WarningState::Dismissed => false,
        };
        if allowed {
            Ok(to)
        } else {
            Err(DomainError::NoChange(format!(
                "this warning is already {}; it cannot be moved to {}",
                from.name(),
                to.name()
            )))
        }
    }

    /// Tidies the reason; a dismissal needs one (kept for tuning the detectors), and so does
    /// acting (what was done).
    pub fn check_reason(self, reason: Option<String>) -> Result<Option<String>, DomainError> {
        let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        let mut v = Validation::new();
        match &reason {
            Some(text) => v.text("reason", text, MAX_WARNING_REASON),
            None if self == WarningDecision::Dismiss => {
                v.push("reason", crate::Problem::Required, "a dismissal needs a reason")
            }
            None if self == WarningDecision::Act => v.push("reason", crate::Problem::Required, "say what was done"),
            None => {}
        }
        v.finish()?;
        Ok(reason)
    }
}

/// One case of a warning, as its reader may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarningCase {
    pub case_id: CaseId,
    pub number: String,
    pub category: Category,
    pub status: Status,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen_at: OffsetDateTime,
    /// When the case joined the warning.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub joined_at: OffsetDateTime,
}

/// One decision about a warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarningDecisionView {
    pub decision: WarningDecision,
    pub reason: Option<String>,
    pub by: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A warning with its cases and the decisions about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarningView {
    pub id: WarningId,
    pub kind: WarningKind,
    /// What it is about: `child:<identity>`, `place:<kind>:<name>`, `identifier:<kind>:<value>`.
    pub key: String,
    pub level: Level,
    pub state: WarningState,
    /// Every reason, one line each, as the detector gave them last.
    pub evidence: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub raised_at: OffsetDateTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Oldest first (by when the child went missing).
    pub cases: Vec<WarningCase>,
    pub decisions: Vec<WarningDecisionView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_warning_is_decided_once() {
        use WarningDecision::*;
        use WarningState::*;
        let table = [
            (Open, Acknowledge, Some(Acknowledged)),
            (Open, Act, Some(Acted)),
            (Open, Dismiss, Some(Dismissed)),
            (Acknowledged, Acknowledge, None),
            (Acknowledged, Act, Some(Acted)),
            (Acknowledged, Dismiss, Some(Dismissed)),
            (Acted, Dismiss, None),
            (Dismissed, Act, None),
            (Dismissed, Acknowledge, None),
        ];
        for (from, decision, to) in table {
            assert_eq!(decision.next(from).ok(), to, "{from:?} {decision:?}");
        }
    }

    #[test]
    fn a_dismissal_and_an_action_need_a_reason() {
        assert!(WarningDecision::Dismiss.check_reason(Some("  ".into())).is_err());
        assert!(WarningDecision::Act.check_reason(None).is_err());
        assert_eq!(WarningDecision::Acknowledge.check_reason(None).ok(), Some(None));
        assert_eq!(
            WarningDecision::Dismiss.check_reason(Some(" two siblings ".into())).ok(),
            Some(Some("two siblings".into()))
        );
    }
}
