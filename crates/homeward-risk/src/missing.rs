//! The missing-person risk level suggested from the structured risk questions (UK police
//! practice): each answer that raises the risk is listed, so a person can check the reasoning
//! and decide. The level a person records is theirs; this is a suggestion.

use homeward_domain::case::RiskLevel;
use serde::Serialize;

pub use homeward_domain::risk::RiskAnswers;

/// What a factor does to the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    /// Substantial grounds for immediate risk on its own.
    High,
    /// Likely to place the child in danger.
    Medium,
    /// Raises concern without immediate danger.
    Low,
}

/// One answer that moved the suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskFactor {
    pub factor: &'static str,
    pub weight: Weight,
    pub why: &'static str,
}

/// The suggestion with every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskSuggestion {
    pub level: RiskLevel,
    pub factors: Vec<RiskFactor>,
    /// Questions not answered yet: the suggestion may rise when they are.
    pub unanswered: Vec<&'static str>,
}

const FACTORS: [(&str, Weight, &str); 10] = [
    ("suspected_crime", Weight::High, "substantial grounds that the child may be the victim of serious crime"),
    ("under_13", Weight::Medium, "a child under 13 cannot keep themselves safe"),
    ("mental_health_or_self_harm", Weight::Medium, "risk of self-harm"),
    ("disability_or_medical_need", Weight::Medium, "needs care or medication"),
    ("drugs_or_alcohol", Weight::Medium, "drugs or alcohol lower the child's ability to keep safe"),
    ("out_of_character", Weight::Medium, "an absence out of character suggests something has happened"),
    ("adverse_weather", Weight::Medium, "exposure to the weather"),
    ("in_care", Weight::Low, "children in care are more often exploited"),
    ("previous_missing_episodes", Weight::Low, "repeat episodes escalate the risk of exploitation"),
    ("preparations_for_absence", Weight::Low, "a planned absence: less immediate danger, but ask who helped"),
];

/// Suggests a level: high for any high factor, for a child under 13 with any other factor, or for
/// three medium factors; medium for any medium factor; low for low factors only; very low for none.
pub fn suggest(answers: &RiskAnswers) -> RiskSuggestion {
    let mut factors = Vec::new();
    let mut unanswered = Vec::new();
    for (factor, weight, why) in FACTORS {
        match answers.answer(factor) {
            Some(true) => factors.push(RiskFactor { factor, weight, why }),
            Some(false) => {}
            None => unanswered.push(factor),
        }
    }
    let count = |w: Weight| factors.iter().filter(|f| f.weight == w).count();
    let under_13 = answers.under_13 == Some(true);
    let level = if count(Weight::High) > 0 || count(Weight::Medium) >= 3 || (under_13 && factors.len() > 1) {
        RiskLevel::High
    } else if count(Weight::Medium) > 0 {
        RiskLevel::Medium
    } else if count(Weight::Low) > 0 {
        RiskLevel::Low
    } else {
        RiskLevel::VeryLow
    };
    RiskSuggestion { level, factors, unanswered }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(answers: RiskAnswers, expected: RiskLevel) {
        assert_eq!(suggest(&answers).level, expected, "{answers:?}");
    }

    #[test]
    fn table() {
        let yes = Some(true);
        check(RiskAnswers::default(), RiskLevel::VeryLow);
        check(RiskAnswers { in_care: yes, ..Default::default() }, RiskLevel::Low);
        check(RiskAnswers { under_13: yes, ..Default::default() }, RiskLevel::Medium);
        check(RiskAnswers { under_13: yes, in_care: yes, ..Default::default() }, RiskLevel::High);
        check(RiskAnswers { suspected_crime: yes, ..Default::default() }, RiskLevel::High);
        check(RiskAnswers { drugs_or_alcohol: yes, out_of_character: yes, ..Default::default() }, RiskLevel::Medium);
        check(
            RiskAnswers { drugs_or_alcohol: yes, out_of_character: yes, adverse_weather: yes, ..Default::default() },
            RiskLevel::High,
        );
        check(
            RiskAnswers { suspected_crime: Some(false), in_care: Some(false), ..Default::default() },
            RiskLevel::VeryLow,
        );
    }

    #[test]
    fn every_raising_answer_is_listed_and_every_open_question_named() {
        let s = suggest(&RiskAnswers {
            under_13: Some(true),
            in_care: Some(true),
            suspected_crime: Some(false),
            ..Default::default()
        });
        let listed: Vec<&str> = s.factors.iter().map(|f| f.factor).collect();
        assert_eq!(listed, ["under_13", "in_care"]);
        assert_eq!(s.unanswered.len(), 7);
        assert!(!s.unanswered.contains(&"suspected_crime"));
    }

    fn answers() -> impl Strategy<Value = RiskAnswers> {
        let a = || proptest::option::of(any::<bool>());
        ((a(), a(), a(), a(), a()), (a(), a(), a(), a(), a())).prop_map(
            |((a1, a2, a3, a4, a5), (b1, b2, b3, b4, b5))| RiskAnswers {
                under_13: a1,
                disability_or_medical_need: a2,
                mental_health_or_self_harm: a3,
                drugs_or_alcohol: a4,
                out_of_character: a5,
                suspected_crime: b1,
                in_care: b2,
                previous_missing_episodes: b3,
                preparations_for_absence: b4,
                adverse_weather: b5,
            },
        )
    }

    proptest! {
        /// Turning any answer from no (or unasked) to yes never lowers the suggested level.
        #[test]
        fn a_yes_never_lowers_the_level(base in answers(), which in 0usize..10) {
            let before = suggest(&base).level;
            let mut more = base;
            let slot = match which {
                0 => &mut more.under_13,
                1 => &mut more.disability_or_medical_need,
                2 => &mut more.mental_health_or_self_harm,
                3 => &mut more.drugs_or_alcohol,
                4 => &mut more.out_of_character,
                5 => &mut more.suspected_crime,
                6 => &mut more.in_care,
                7 => &mut more.previous_missing_episodes,
                8 => &mut more.preparations_for_absence,
                _ => &mut more.adverse_weather,
            };
            *slot = Some(true);
            prop_assert!(suggest(&more).level >= before);
        }
    }
}
