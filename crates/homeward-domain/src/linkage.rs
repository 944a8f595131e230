//! The same child across reports: what the linkage engine is given, what it suggests, and what
//! a person decides.
//!
//! Every report creates a child of its own. The engine (`homeward-linkage`) suggests pairs of
//! children that may be one child, with a probability and the reasons; a person confirms or
//! rejects each pair. A confirmed pair joins the two children into one *identity*, so that the
//! episodes of one child are counted together (repeat missing episodes feed the trafficking
//! assessment). The machine never links on its own.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::Status;
use crate::child::NewChild;
use crate::{CaseId, ChildId, DomainError, OrganisationId, UserId, Validation};

/// The probability from which a candidate is kept as a suggestion for a person to decide.
pub const SUGGEST_FROM: f64 = 0.5;

/// A suggested pair at or above this probability is a probable repeat episode for the early
/// warnings, before a person confirms it (and says so).
pub const PROBABLE_FROM: f64 = 0.9;

/// The longest reason a person may give with a decision.
pub const MAX_REASON: usize = 2_000;

/// Where a child stands in the order in which children were committed to the store (1, 2, …;
/// 0 is before the first). Unlike a child id, which is taken from a clock, it never lets a child
/// committed later sort before one the linkage job has already passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LinkageSeq(pub i64);

/// A child as the engine reads them: the personal details and when they were reported (an
/// estimated age is an age in the year of the report).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkageRecord {
    pub child_id: ChildId,
    /// The child's place in the order children were committed (see [`LinkageSeq`]).
    pub seq: LinkageSeq,
    pub details: NewChild,
    pub reported_at: OffsetDateTime,
}

/// Who found a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FoundBy {
    /// The candidate search when the case was opened.
    Intake,
    /// The background job that links new children against the whole store.
    Job,
    /// A person who decided a pair the engine had not suggested.
    Person,
}

/// Where a pair stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    /// Found by the engine; nobody has decided yet.
    Suggested,
    /// A person confirmed: the same child.
    Confirmed,
    /// A person rejected: not the same child. The pair is never suggested again.
    Rejected,
}

/// What a person decides about a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchDecision {
    Confirm,
    Reject,
}

impl MatchDecision {
    pub fn status(self) -> MatchStatus {
        match self {
            MatchDecision::Confirm => MatchStatus::Confirmed,
            MatchDecision::Reject => MatchStatus::Rejected,
        }
    }

    /// Tidies the reason; a rejection needs one (the next person who wonders should learn why).
    pub fn check_reason(self, reason: Option<String>) -> Result<Option<String>, DomainError> {
        let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        let mut v = Validation::new();
        match &reason {
            Some(text) => v.text("reason", text, MAX_REASON),
            None if self == MatchDecision::Reject => {
                v.push("reason", crate::Problem::Required, "a rejection needs a reason")
            }
            None => {}
        }
        v.finish()?;
        Ok(reason)
    }
}

/// One field's part in a pair's probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchReason {
    /// `given_name`, `family_name`, `birth`, `sex`, `nationality`.
    pub field: String,
    /// How closely the field agrees (`exact`, `same sound`, `years overlap`, `different`).
    pub level: String,
    /// Evidence in bits: positive for the same child, negative against.
    pub weight: f64,
}

/// A pair the engine found: `child` may be `other`.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchSuggestion {
    pub child: ChildId,
    pub other: ChildId,
    pub probability: f64,
    pub explanation: Vec<MatchReason>,
}

/// A child who may be the one asked about, shown as the case they belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub case_id: CaseId,
    pub number: String,
    pub organisation_id: OrganisationId,
    pub case_status: Status,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opened_at: OffsetDateTime,
    pub child_id: ChildId,
    pub child_name: String,
    /// The chance, from 0 to 1, that this is the same child; `null` for a pair a person linked
    /// without a suggestion.
    pub probability: Option<f64>,
    /// Each field's contribution, strongest evidence first.
    pub explanation: Vec<MatchReason>,
}

/// A pair as the case page shows it: the other case, and where the decision stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseMatch {
    #[serde(flatten)]
    pub candidate: Candidate,
    pub status: MatchStatus,
    pub found_by: FoundBy,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub found_at: OffsetDateTime,
    pub decided_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub decided_at: Option<OffsetDateTime>,
    pub reason: Option<String>,
}

/// Another disappearance episode of the same child (a case whose child a person confirmed to
/// be this one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Episode {
    pub case_id: CaseId,
    pub number: String,
    pub status: Status,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub last_seen_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opened_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_needs_a_reason_and_a_confirmation_does_not() {
        assert!(MatchDecision::Reject.check_reason(None).is_err());
        assert!(MatchDecision::Reject.check_reason(Some("  ".into())).is_err());
        assert_eq!(MatchDecision::Reject.check_reason(Some(" twins ".into())).unwrap(), Some("twins".into()));
        assert_eq!(MatchDecision::Confirm.check_reason(None).unwrap(), None);
        assert!(MatchDecision::Confirm.check_reason(Some("x".repeat(MAX_REASON + 1))).is_err());
    }
}
