//! One case's trafficking concern from its observed indicators and the facts the store knows.

use homeward_domain::UserId;
use homeward_domain::case::MissingFromKind;
use time::OffsetDateTime;

use crate::catalogue::{Catalogue, Group, Tier};

/// An indicator an operator recorded on the case.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub indicator: String,
    pub recorded_by: Option<UserId>,
    pub at: OffsetDateTime,
    pub evidence: Option<String>,
}

/// What the store knows about the case and the child, from which indicators are derived.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    /// Earlier disappearance episodes of the same child (confirmed or probable linkage).
    pub previous_episodes: u32,
    pub missing_from: Option<MissingFromKind>,
    /// For an unaccompanied migrant child: hours between registration and going missing.
    pub hours_after_registration: Option<i64>,
    /// The youngest and oldest the child can be, in completed years.
    pub age: Option<(i32, i32)>,
}

/// How concerned a person should be. Never a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Concern {
    None,
    Possible,
    Strong,
}

/// Where a reason comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Observed {
        recorded_by: Option<UserId>,
        at: OffsetDateTime,
        evidence: Option<String>,
    },
    /// Set by Homeward; the text says from what.
    Derived(String),
}

/// One indicator that moved (or, for vulnerability alone, did not move) the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub indicator: String,
    pub group: Group,
    pub tier: Tier,
    pub points: f64,
    /// False for vulnerability indicators while nothing else was found.
    pub counted: bool,
    pub origin: Origin,
}

/// The result, with every reason and the catalogue version used.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub concern: Concern,
    pub score: f64,
    pub reasons: Vec<Reason>,
    pub catalogue_version: String,
}

/// The points from which a concern is possible, and (with a strong indicator) strong.
const POSSIBLE_FROM: f64 = 3.0;
const STRONG_FROM: f64 = 6.0;

/// Repeat episodes escalate: each earlier episode adds the indicator's weight, up to three.
const REPEAT_CAP: u32 = 3;

/// An observation names an indicator the catalogue does not have.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{0}` is not an indicator of the catalogue in use")]
pub struct UnknownIndicator(pub String);

/// Assesses one case.
pub fn assess(catalogue: &Catalogue, observed: &[Observation], facts: &Facts) -> Result<Assessment, UnknownIndicator> {
    let mut reasons: Vec<Reason> = Vec::new();
    let mut add = |id: &str, multiplier: f64, origin: Origin| -> Result<(), UnknownIndicator> {
        let indicator = catalogue.get(id).ok_or_else(|| UnknownIndicator(id.to_owned()))?;
        if reasons.iter().any(|r| r.indicator == id) {
            return Ok(());
        }
        reasons.push(Reason {
            indicator: id.to_owned(),
            group: indicator.group,
            tier: indicator.tier,
            points: indicator.weight() * multiplier,
            counted: true,
            origin,
        });
        Ok(())
    };
    for (id, multiplier, why) in derived(facts) {
        add(id, multiplier, Origin::Derived(why))?;
    }
    for o in observed {
        add(
            &o.indicator,
            1.0,
            Origin::Observed { recorded_by: o.recorded_by, at: o.at, evidence: o.evidence.clone() },
        )?;
    }
    let beyond_vulnerability = reasons.iter().any(|r| r.group != Group::Vulnerability && r.points > 0.0);
    for r in reasons.iter_mut().filter(|r| r.group == Group::Vulnerability) {
        r.counted = beyond_vulnerability;
    }
    let score: f64 = reasons.iter().filter(|r| r.counted).map(|r| r.points).sum();
    let strong = reasons.iter().any(|r| r.counted && r.tier == Tier::Strong && r.group != Group::Vulnerability);
    let concern = if !beyond_vulnerability || score < POSSIBLE_FROM {
        Concern::None
    } else if strong && score >= STRONG_FROM {
        Concern::Strong
    } else {
        Concern::Possible
    };
    Ok(Assessment { concern, score, reasons, catalogue_version: catalogue.version.clone() })
}

/// The indicators the facts establish, with their multiplier and why.
fn derived(facts: &Facts) -> Vec<(&'static str, f64, String)> {
    let mut out = Vec::new();
    if facts.previous_episodes > 0 {
        let n = facts.previous_episodes;
        out.push(("repeat_missing", f64::from(n.min(REPEAT_CAP)), format!("{n} earlier episode(s) of the same child")));
    }
    if let Some(
        kind @ (MissingFromKind::Institution | MissingFromKind::ReceptionCentre | MissingFromKind::FosterPlacement),
    ) = facts.missing_from
    {
        out.push(("missing_from_care", 1.0, format!("went missing from {}", kind_words(kind))));
    }
    if let Some(hours) = facts.hours_after_registration.filter(|h| (0..=48).contains(h)) {
        out.push(("unaccompanied_within_48h", 1.0, format!("went missing {hours} h after registration")));
    }
    if let Some((youngest, oldest)) = facts.age.filter(|(y, o)| *y >= 13 && *o <= 17) {
        let age = if youngest == oldest { format!("{youngest}") } else { format!("{youngest}–{oldest}") };
        out.push(("age_13_17", 1.0, format!("aged {age}")));
    }
    out
}

fn kind_words(kind: MissingFromKind) -> &'static str {
    match kind {
        MissingFromKind::Home => "home",
        MissingFromKind::Institution => "an institution",
        MissingFromKind::ReceptionCentre => "a reception centre",
        MissingFromKind::FosterPlacement => "a foster placement",
        MissingFromKind::Other => "another place",
    }
}

impl Reason {
    /// Why the indicator is there: what it was derived from, or the evidence observed.
    pub fn why(&self) -> String {
        match &self.origin {
            Origin::Derived(why) => why.clone(),
            Origin::Observed { evidence: Some(e), .. } => format!("observed: {e}"),
            Origin::Observed { evidence: None, .. } => "observed".into(),
        }
    }

    /// Who recorded an observed indicator; `None` for derived ones.
    pub fn recorded_by(&self) -> Option<UserId> {
        match &self.origin {
            Origin::Observed { recorded_by, .. } => *recorded_by,
            Origin::Derived(_) => None,
        }
    }
}

impl Assessment {
    /// The reasons strongest first, ties by indicator id: the order people read them in.
    pub fn reasons_by_weight(&self) -> Vec<&Reason> {
        let mut reasons: Vec<&Reason> = self.reasons.iter().collect();
        reasons.sort_by(|a, b| b.points.total_cmp(&a.points).then(a.indicator.cmp(&b.indicator)));
        reasons
    }

    /// The statement shown to people: a concern for a person to confirm, never a label.
    pub fn statement(&self) -> &'static str {
        match self.concern {
            Concern::None => "No trafficking concern from the indicators recorded so far.",
            Concern::Possible => "Possible victim of trafficking — for a person to confirm.",
            Concern::Strong => "Strong indications: possible victim of trafficking — for a person to confirm now.",
        }
    }

    /// Every reason, one line each, strongest first: what an operator or supervisor reads.
    pub fn explain(&self) -> String {
        let mut out = format!("{} Score {} (catalogue {}).", self.statement(), self.score, self.catalogue_version);
        for r in self.reasons_by_weight() {
            let sign = if r.counted { format!("+{}", r.points) } else { "not counted".into() };
            let why = r.why();
            let note = if r.counted { "" } else { "; vulnerability alone is never decisive" };
            out.push_str(&format!("\n  {sign} {} ({:?}, {:?}): {why}{note}", r.indicator, r.tier, r.group));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn observe(ids: &[&str]) -> Vec<Observation> {
        ids.iter()
            .map(|id| Observation {
                indicator: (*id).into(),
                recorded_by: None,
                at: datetime!(2026-11-28 20:00 UTC),
                evidence: None,
            })
            .collect()
    }

    fn check(ids: &[&str], facts: Facts, concern: Concern, score: f64) {
        let catalogue = Catalogue::builtin().unwrap();
        let a = assess(&catalogue, &observe(ids), &facts).unwrap();
        assert_eq!((a.concern, a.score), (concern, score), "{ids:?} {facts:?}\n{}", a.explain());
    }

    #[test]
    fn table() {
        let none = Facts::default;
        check(&[], none(), Concern::None, 0.0);
        check(&["past_abuse", "homelessness", "out_of_school", "mental_health"], none(), Concern::None, 0.0);
        check(&["threats"], none(), Concern::None, 2.0);
        check(&["threats", "past_abuse"], none(), Concern::Possible, 3.0);
        check(&["documents_withheld"], none(), Concern::Possible, 3.0);
        check(&["documents_withheld", "threats", "past_abuse"], none(), Concern::Strong, 6.0);
        check(&["threats", "drugs_supplied", "false_promises"], none(), Concern::Possible, 6.0);
        check(&["threats", "threats"], none(), Concern::None, 2.0);
        let migrant = Facts {
            missing_from: Some(MissingFromKind::ReceptionCentre),
            hours_after_registration: Some(20),
            age: Some((15, 16)),
            ..Facts::default()
        };
        check(&[], migrant.clone(), Concern::Strong, 6.0);
        check(&[], Facts { hours_after_registration: Some(72), ..migrant }, Concern::Possible, 3.0);
        check(&[], Facts { previous_episodes: 1, ..Facts::default() }, Concern::None, 2.0);
        check(&[], Facts { previous_episodes: 5, ..Facts::default() }, Concern::Possible, 6.0);
    }

    #[test]
    fn an_unknown_indicator_is_refused() {
        let catalogue = Catalogue::builtin().unwrap();
        let err = assess(&catalogue, &observe(&["gut_feeling"]), &Facts::default()).unwrap_err();
        assert_eq!(err.to_string(), "`gut_feeling` is not an indicator of the catalogue in use");
    }

    #[test]
    fn the_explanation_lists_every_reason() {
        let catalogue = Catalogue::builtin().unwrap();
        let mut observed = observe(&["adult_speaks_for_child", "out_of_school"]);
        observed[0].evidence = Some("a man answered every question for her".into());
        let facts =
            Facts { missing_from: Some(MissingFromKind::ReceptionCentre), age: Some((14, 14)), ..Facts::default() };
        let a = assess(&catalogue, &observed, &facts).unwrap();
        assert_eq!(
            a.explain(),
            "Strong indications: possible victim of trafficking — for a person to confirm now. Score 7 (catalogue 2026.11-1).
  +3 adult_speaks_for_child (Strong, Contacts): observed: a man answered every question for her
  +2 missing_from_care (Medium, MissingPattern): went missing from a reception centre
  +1 age_13_17 (Weak, Vulnerability): aged 14
  +1 out_of_school (Weak, Vulnerability): observed"
        );
        let alone = assess(&catalogue, &observe(&["out_of_school"]), &Facts::default()).unwrap();
        assert!(
            alone.explain().contains(
                "not counted out_of_school (Weak, Vulnerability): observed; vulnerability alone is never decisive"
            ),
            "{}",
            alone.explain()
        );
    }

    fn ids() -> Vec<String> {
        Catalogue::builtin().unwrap().indicators.into_iter().filter(|i| !i.derived).map(|i| i.id).collect()
    }

    proptest! {
        /// Vulnerability alone never raises a concern, however much of it there is.
        #[test]
        fn vulnerability_alone_is_never_decisive(picks in proptest::sample::subsequence(
            vec!["past_abuse", "substance_use", "mental_health", "disability", "homelessness", "out_of_school", "irregular_status"], 0..7),
            age in proptest::option::of((13i32..18).prop_map(|a| (a, a)))) {
            let catalogue = Catalogue::builtin().unwrap();
            let a = assess(&catalogue, &observe(&picks), &Facts { age, ..Facts::default() }).unwrap();
            prop_assert_eq!(a.concern, Concern::None);
            prop_assert_eq!(a.score, 0.0);
        }

        /// Recording one more indicator never lowers the score or the concern.
        #[test]
        fn more_evidence_never_lowers_the_concern(picks in proptest::sample::subsequence(ids(), 0..8), extra in proptest::sample::select(ids())) {
            let catalogue = Catalogue::builtin().unwrap();
            let ids: Vec<&str> = picks.iter().map(String::as_str).collect();
            let before = assess(&catalogue, &observe(&ids), &Facts::default()).unwrap();
            let mut more = ids.clone();
            more.push(&extra);
            let after = assess(&catalogue, &observe(&more), &Facts::default()).unwrap();
            prop_assert!(after.score >= before.score);
            prop_assert!(after.concern >= before.concern);
        }
    }
}
