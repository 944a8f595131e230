//! The indicator catalogue: ids, groups, tiers, weights, sources and the questions operators ask.

use std::collections::HashSet;

use serde::Deserialize;

/// The catalogue that ships with Homeward.
pub const DEFAULT: &str = include_str!("../catalogue/indicators.toml");

/// The groups of PRODUCT.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    MissingPattern,
    Contacts,
    ExploitationPurpose,
    Control,
    /// Raises concern, never decisive alone.
    Vulnerability,
}

/// The ILO/EC Delphi grading of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Weak,
    Medium,
    Strong,
}

impl Tier {
    /// The weight of an indicator of this tier unless the catalogue says otherwise.
    pub fn default_weight(self) -> f64 {
        match self {
            Tier::Weak => 1.0,
            Tier::Medium => 2.0,
            Tier::Strong => 3.0,
        }
    }
}

/// The question an operator asks, in English and Greek.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub en: String,
    pub el: String,
}

/// One indicator.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub group: Group,
    pub tier: Tier,
    /// Overrides the tier's weight.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Set by Homeward from stored facts rather than asked.
    #[serde(default)]
    pub derived: bool,
    pub source: String,
    pub question: Question,
}

impl Indicator {
    pub fn weight(&self) -> f64 {
        self.weight.unwrap_or_else(|| self.tier.default_weight())
    }
}

/// A versioned catalogue.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub version: String,
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
}

/// Why a catalogue file was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogueError {
    /// Not TOML, or not the catalogue's shape.
    #[error("the catalogue is not valid: {0}")]
    Syntax(String),
    /// An indicator breaks a rule.
    #[error("indicator `{id}`: {problem}")]
    Indicator { id: String, problem: String },
    #[error("the catalogue has no version")]
    NoVersion,
}

/// The indicators Homeward derives itself; a catalogue must keep them (it may reweigh them).
pub const DERIVED: [&str; 4] = ["repeat_missing", "missing_from_care", "unaccompanied_within_48h", "age_13_17"];

impl Catalogue {
    /// The catalogue that ships with Homeward.
    pub fn builtin() -> Result<Self, CatalogueError> {
        Self::parse(DEFAULT)
    }

    /// Reads and checks a catalogue.
    pub fn parse(text: &str) -> Result<Self, CatalogueError> {
        let catalogue: Catalogue = toml::from_str(text).map_err(|e| CatalogueError::Syntax(e.to_string()))?;
        if catalogue.version.trim().is_empty() {
            return Err(CatalogueError::NoVersion);
        }
        let mut seen = HashSet::new();
        for indicator in &catalogue.indicators {
            let problem =
                |problem: &str| CatalogueError::Indicator { id: indicator.id.clone(), problem: problem.into() };
            if indicator.id.is_empty()
                || !indicator.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(problem("ids are lower-case letters, digits and underscores"));
            }
            if !seen.insert(indicator.id.as_str()) {
                return Err(problem("appears twice"));
            }
            if indicator.question.en.trim().is_empty() || indicator.question.el.trim().is_empty() {
                return Err(problem("needs its question in English and Greek"));
            }
            if !indicator.weight().is_finite() || !(0.0..=10.0).contains(&indicator.weight()) {
                return Err(problem("weight must be between 0 and 10"));
            }
        }
        for id in DERIVED {
            if !seen.contains(id) {
                return Err(CatalogueError::Indicator {
                    id: id.into(),
                    problem: "Homeward derives it; keep it".into(),
                });
            }
        }
        Ok(catalogue)
    }

    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// The indicator a person records on a case by hand: one of this catalogue's, and not one
    /// Homeward derives from the case's facts.
    pub fn recordable(&self, id: &str) -> Result<&Indicator, NotRecordable> {
        match self.get(id) {
            None => Err(NotRecordable::Unknown { id: id.to_owned(), version: self.version.clone() }),
            Some(i) if i.derived => Err(NotRecordable::Derived(id.to_owned())),
            Some(i) => Ok(i),
        }
    }
}

/// Why an indicator cannot be recorded by hand.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotRecordable {
    /// The catalogue has no indicator by that id.
    #[error("`{id}` is not an indicator of catalogue {version}")]
    Unknown { id: String, version: String },
    /// Homeward sets it from what the store knows.
    #[error("`{0}` is derived by Homeward from the case's facts; it is not recorded by hand")]
    Derived(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_known_indicator_that_is_not_derived_is_recorded_by_hand() {
        let c = Catalogue::builtin().unwrap();
        assert!(c.recordable("cross_border_with_non_relatives").is_ok());
        assert_eq!(c.recordable("age_13_17").err(), Some(NotRecordable::Derived("age_13_17".into())));
        let unknown = c.recordable("made_up").unwrap_err().to_string();
        assert_eq!(unknown, format!("`made_up` is not an indicator of catalogue {}", c.version));
    }

    #[test]
    fn the_builtin_catalogue_is_valid_and_covers_every_group() {
        let c = Catalogue::builtin().unwrap();
        for group in
            [Group::MissingPattern, Group::Contacts, Group::ExploitationPurpose, Group::Control, Group::Vulnerability]
        {
            assert!(c.indicators.iter().any(|i| i.group == group), "{group:?}");
        }
        assert!(c.indicators.len() >= 30);
    }

    fn check(text: &str, expected: &str) {
        let err = Catalogue::parse(text).unwrap_err().to_string();
        assert!(err.contains(expected), "{err}");
    }

    #[test]
    fn bad_catalogues_are_refused_with_a_reason() {
        let twice = DEFAULT.replace("id = \"long_absence\"", "id = \"repeat_missing\"");
        check(&twice, "indicator `repeat_missing`: appears twice");
        let heavy = DEFAULT.replace(
            "id = \"threats\"\ngroup = \"control\"\ntier = \"medium\"",
            "id = \"threats\"\ngroup = \"control\"\ntier = \"medium\"\nweight = 99",
        );
        check(&heavy, "indicator `threats`: weight must be between 0 and 10");
        let no_greek = DEFAULT.replace("question.el = \"Είναι το παιδί εκτός σχολείου;\"", "question.el = \"\"");
        check(&no_greek, "indicator `out_of_school`: needs its question in English and Greek");
        check(&DEFAULT.replace("tier = \"weak\"", "tier = \"mild\""), "the catalogue is not valid");
        check(
            &DEFAULT.replace("id = \"age_13_17\"", "id = \"teenager\""),
            "indicator `age_13_17`: Homeward derives it",
        );
        check(&DEFAULT.replace("version = \"2026.11-1\"", "version = \" \""), "no version");
    }

    #[test]
    fn an_organisation_can_reweigh_and_add_indicators() {
        let text = format!(
            "{}\n[[indicator]]\nid = \"local_hotspot\"\ngroup = \"missing_pattern\"\ntier = \"weak\"\nweight = 2.5\nsource = \"own casework\"\nquestion.en = \"Seen at the port?\"\nquestion.el = \"Εθεάθη στο λιμάνι;\"\n",
            DEFAULT
        );
        let c = Catalogue::parse(&text).unwrap();
        assert_eq!(c.get("local_hotspot").unwrap().weight(), 2.5);
    }
}
