//! What the structured risk questions record on a case, and what the store keeps of each
//! trafficking assessment. The rules that turn them into a level or a concern are in
//! `homeward-risk`; these are the values the store, the server and readers pass around.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{DomainError, UserId};

/// The structured risk questions (UK police practice). Every answer is optional: `None` means
/// not asked yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RiskAnswers {
    pub under_13: Option<bool>,
    pub disability_or_medical_need: Option<bool>,
    pub mental_health_or_self_harm: Option<bool>,
    pub drugs_or_alcohol: Option<bool>,
    pub out_of_character: Option<bool>,
    /// Suspected victim of crime, or in the company of people involved in crime.
    pub suspected_crime: Option<bool>,
    pub in_care: Option<bool>,
    pub previous_missing_episodes: Option<bool>,
    /// Took belongings, money or documents: planned absence.
    pub preparations_for_absence: Option<bool>,
    pub adverse_weather: Option<bool>,
}

/// Every question, by its stable name.
pub const QUESTIONS: [&str; 10] = [
    "under_13",
    "disability_or_medical_need",
    "mental_health_or_self_harm",
    "drugs_or_alcohol",
    "out_of_character",
    "suspected_crime",
    "in_care",
    "previous_missing_episodes",
    "preparations_for_absence",
    "adverse_weather",
];

impl RiskAnswers {
    fn slot(&mut self, question: &str) -> Option<&mut Option<bool>> {
        Some(match question {
            "under_13" => &mut self.under_13,
            "disability_or_medical_need" => &mut self.disability_or_medical_need,
            "mental_health_or_self_harm" => &mut self.mental_health_or_self_harm,
            "drugs_or_alcohol" => &mut self.drugs_or_alcohol,
            "out_of_character" => &mut self.out_of_character,
            "suspected_crime" => &mut self.suspected_crime,
            "in_care" => &mut self.in_care,
            "previous_missing_episodes" => &mut self.previous_missing_episodes,
            "preparations_for_absence" => &mut self.preparations_for_absence,
            "adverse_weather" => &mut self.adverse_weather,
            _ => return None,
        })
    }

    /// The answer to a question by its name; `None` when not answered (or no such question).
    pub fn answer(&self, question: &str) -> Option<bool> {
        let mut copy = *self;
        copy.slot(question).and_then(|a| *a)
    }

    /// The questions answered here, in the order of [`QUESTIONS`].
    pub fn answered(&self) -> Vec<(&'static str, bool)> {
        QUESTIONS.iter().filter_map(|q| self.answer(q).map(|a| (*q, a))).collect()
    }

    /// Refuses a set of answers that answers nothing.
    pub fn validate(self) -> Result<Self, DomainError> {
        if self.answered().is_empty() {
            let problem = crate::FieldError::new("answers", crate::Problem::Required, "answer at least one question");
            return Err(DomainError::Invalid(vec![problem]));
        }
        Ok(self)
    }

    /// The latest answer to each question among `recorded` (oldest first).
    pub fn latest(recorded: &[RiskAnswer]) -> Self {
        let mut answers = Self::default();
        for r in recorded {
            if let Some(slot) = answers.slot(&r.question) {
                *slot = Some(r.answer);
            }
        }
        answers
    }
}

/// One answer as the case keeps it: who gave it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskAnswer {
    pub question: String,
    pub answer: bool,
    pub answered_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub answered_at: OffsetDateTime,
}

/// A trafficking assessment as the store keeps it, each time a change of the case changed it:
/// with the catalogue version it was made with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredAssessment {
    pub catalogue_version: String,
    /// none, possible or strong.
    pub concern: String,
    pub score: f64,
    pub reasons: Vec<StoredReason>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub assessed_at: OffsetDateTime,
}

/// One reason of a stored assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredReason {
    pub indicator: String,
    pub points: f64,
    pub counted: bool,
    /// `observed`, or what Homeward derived it from.
    pub why: String,
    pub recorded_by: Option<UserId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_answer_to_each_question_counts() {
        let at = time::macros::datetime!(2026-11-28 20:00 UTC);
        let answer = |question: &str, answer| RiskAnswer {
            question: question.into(),
            answer,
            answered_by: None,
            answered_at: at,
        };
        let recorded =
            [answer("in_care", false), answer("under_13", true), answer("in_care", true), answer("nonsense", true)];
        let latest = RiskAnswers::latest(&recorded);
        assert_eq!(latest.answered(), vec![("under_13", true), ("in_care", true)]);
        assert!(RiskAnswers::default().validate().is_err());
        assert!(RiskAnswers { adverse_weather: Some(false), ..Default::default() }.validate().is_ok());
    }
}
