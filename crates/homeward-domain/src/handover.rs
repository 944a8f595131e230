//! The police hand-over package: everything a police unit needs about a case, gathered in one
//! read, for a printable page and for JSON.
//!
//! The package is what the store answers; the risk engine's reading of it (the suggested level
//! with its reasons, the trafficking concern with its reasons) is added by the server from the
//! same case, as the case page does, so that the package and the page never disagree.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::CaseEvent;
use crate::view::CaseView;
use crate::{OrganisationId, UserId};

/// The child's photograph as the package names it. Homeward keeps no photographs yet: the
/// package says so, rather than leave the police to wonder whether one was forgotten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Photo {
    /// No photograph is kept in Homeward; ask the family or the reporting hotline.
    NotKept,
}

/// One hand-over of the case to a police unit: when, to whom, by whom, the police's reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handover {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    pub organisation_id: OrganisationId,
    /// The police unit's name.
    pub organisation_name: String,
    /// The police's own reference for the case, if they gave one.
    pub reference: Option<String>,
    /// Who handed it over (`None`: the command line).
    pub handed_by: Option<UserId>,
    /// Their name, so that the police know whom to call back.
    pub handed_by_name: Option<String>,
}

/// Everything the police are handed about a case. `case` is the case as its reader sees it in
/// full (the child with their description, last seen, identifiers, notes, persons of interest,
/// risk answers); `timeline` is every event, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverPackage {
    pub case: CaseView,
    /// The organisation that runs the case (the reporting hotline).
    pub organisation_name: String,
    pub photo: Photo,
    pub timeline: Vec<CaseEvent>,
    /// Every hand-over recorded, oldest first.
    pub handovers: Vec<Handover>,
    /// When the package was put together.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub prepared_at: OffsetDateTime,
}

impl HandoverPackage {
    /// Whether the case was handed over to this organisation: only then does a police unit the
    /// case is shared with read its package.
    pub fn handed_to(handovers: &[Handover], organisation: OrganisationId) -> bool {
        handovers.iter().any(|h| h.organisation_id == organisation)
    }
}
