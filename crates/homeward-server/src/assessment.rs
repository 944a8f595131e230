//! A case's trafficking assessment, recomputed from the case as the reader sees it on every read.
//!
//! The API (`GET /api/v1/cases/{id}`, the `trafficking` part) and the case page both come here,
//! so that they never disagree: [`assess`] is the one computation, [`trafficking`] words it for
//! the API. What the engine is fed comes from the case alone: the observed indicators with the
//! evidence recorded with them, the earlier episodes of the child a person confirmed, where the
//! child went missing from and how old they were when last seen.

use homeward_domain::dates::{PartialDate, age_bounds, utc_date};
use homeward_domain::view::CaseView;
use homeward_risk::{Assessment, Catalogue, Facts, Observation, Origin, UnknownIndicator};

/// The trafficking concern of a case: for a person to confirm, never a verdict.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Trafficking {
    /// none, possible or strong.
    #[schema(value_type = String)]
    pub concern: homeward_risk::Concern,
    pub statement: String,
    pub score: f64,
    pub catalogue_version: String,
    /// Every reason that moved the result, strongest first.
    pub reasons: Vec<TraffickingReason>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TraffickingReason {
    pub indicator: String,
    pub points: f64,
    /// False for vulnerability indicators while nothing else was found.
    pub counted: bool,
    /// What Homeward derived it from, or `observed`.
    pub why: String,
    pub recorded_by: Option<homeward_domain::UserId>,
}

/// What the store knows of the case from which the engine derives indicators.
pub(crate) fn facts(view: &CaseView) -> Facts {
    let seen = utc_date(view.case.last_seen_at);
    // The exact date of birth for a full reader, the year of birth for a pseudonymous one.
    let born = view
        .child
        .as_ref()
        .and_then(|c| c.details.date_of_birth)
        .or_else(|| view.child_skeleton.birth_year.and_then(|year| PartialDate::new(year, None, None).ok()));
    // Earlier episodes of the same child, as a person confirmed them (and as the reader may see
    // them).
    let previous = view.episodes.iter().filter(|e| e.opened_at < view.case.opened_at).count();
    // When an unaccompanied child was registered where they went missing from (a reader in full
    // only: it is in the personal last-seen record).
    let hours_after_registration = view
        .last_seen
        .as_ref()
        .and_then(|l| l.missing_from.as_ref())
        .and_then(|m| m.hours_after_registration(view.case.category, view.case.last_seen_at));
    Facts {
        previous_episodes: u32::try_from(previous).unwrap_or(u32::MAX),
        missing_from: view.case.missing_from,
        hours_after_registration,
        age: born.map(|b| age_bounds(&b, seen)),
    }
}

/// The indicators recorded on the case, each with the evidence kept as its note (none for a
/// pseudonymous reader, who reads no notes).
fn observations(view: &CaseView) -> Vec<Observation> {
    view.case
        .indicators
        .iter()
        .map(|i| Observation {
            indicator: i.indicator.clone(),
            recorded_by: i.recorded_by,
            at: i.at,
            evidence: i.note_id.and_then(|id| view.notes.iter().find(|n| n.id == id)).map(|n| n.text.clone()),
        })
        .collect()
}

/// The case's assessment against the catalogue in use. It fails when an indicator recorded under
/// an older catalogue is no longer in this one.
pub(crate) fn assess(catalogue: &Catalogue, view: &CaseView) -> Result<Assessment, UnknownIndicator> {
    homeward_risk::assess(catalogue, &observations(view), &facts(view))
}

/// The assessment as the API answers it.
pub(crate) fn trafficking(catalogue: &Catalogue, view: &CaseView) -> Trafficking {
    match assess(catalogue, view) {
        Ok(a) => Trafficking {
            concern: a.concern,
            statement: a.statement().into(),
            score: a.score,
            reasons: a
                .reasons_by_weight()
                .into_iter()
                .map(|r| TraffickingReason {
                    indicator: r.indicator.clone(),
                    points: r.points,
                    counted: r.counted,
                    // The evidence is among the case's notes; `why` names only the origin.
                    why: match &r.origin {
                        Origin::Derived(why) => why.clone(),
                        Origin::Observed { .. } => "observed".into(),
                    },
                    recorded_by: r.recorded_by(),
                })
                .collect(),
            catalogue_version: a.catalogue_version,
        },
        // An indicator recorded under an older catalogue that no longer has it.
        Err(e) => Trafficking {
            concern: homeward_risk::Concern::None,
            statement: format!("Not assessed: {e}. Review the catalogue."),
            score: 0.0,
            catalogue_version: catalogue.version.clone(),
            reasons: Vec::new(),
        },
    }
}

/// The missing-person risk level the case's answers suggest, with every answer that raised it
/// (who gave it and when) and the questions still open. The level a person records is theirs.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RiskSuggestionView {
    #[schema(value_type = String)]
    pub level: homeward_domain::case::RiskLevel,
    pub factors: Vec<RiskFactorView>,
    pub unanswered: Vec<&'static str>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RiskFactorView {
    pub factor: &'static str,
    #[schema(value_type = String)]
    pub weight: homeward_risk::Weight,
    pub why: &'static str,
    pub answered_by: Option<homeward_domain::UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<time::OffsetDateTime>,
}

/// The suggestion from the case's latest answers; `None` before any question is answered (or
/// for a pseudonymous reader, who is not shown the answers).
pub(crate) fn risk_suggestion(view: &CaseView) -> Option<RiskSuggestionView> {
    if view.risk_answers.is_empty() {
        return None;
    }
    let answers = homeward_domain::risk::RiskAnswers::latest(&view.risk_answers);
    let suggestion = homeward_risk::suggest(&answers);
    let factors = suggestion
        .factors
        .into_iter()
        .map(|f| {
            let given = view.risk_answers.iter().find(|a| a.question == f.factor);
            RiskFactorView {
                factor: f.factor,
                weight: f.weight,
                why: f.why,
                answered_by: given.and_then(|a| a.answered_by),
                answered_at: given.map(|a| a.answered_at),
            }
        })
        .collect();
    Some(RiskSuggestionView { level: suggestion.level, factors, unanswered: suggestion.unanswered })
}
