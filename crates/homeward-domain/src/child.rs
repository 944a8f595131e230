//! The child: names in any script, how old they are, what they look like.
//!
//! Everything in [`NewChild`] is personal data. The store keeps the few anonymous facts that
//! the network's figures need (sex, year of birth, nationalities) apart from the rest.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::dates::{AgeRange, PartialDate, age_bounds};
use crate::org::is_country_code;
use crate::{ChildId, Problem, Validation};

/// Sex as recorded by the reporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sex {
    #[serde(rename = "F")]
    Female,
    #[serde(rename = "M")]
    Male,
    /// Another sex, or a child who is not described as either.
    #[serde(rename = "X")]
    Other,
    #[default]
    #[serde(rename = "unknown")]
    Unknown,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::Other => "X",
            Sex::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Sex> {
        [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown].into_iter().find(|x| x.as_str() == s)
    }
}

/// The child as reported. Names are kept exactly as written, in whatever script.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewChild {
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    /// The given name in Latin letters, where the reporter gave one.
    #[serde(default)]
    pub latin_given_name: Option<String>,
    #[serde(default)]
    pub latin_family_name: Option<String>,
    /// Other names the child is known by.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub sex: Sex,
    #[serde(default)]
    pub date_of_birth: Option<PartialDate>,
    /// When no date of birth is known: the estimated age, in completed years.
    #[serde(default)]
    pub estimated_age: Option<AgeRange>,
    /// ISO 3166-1 alpha-2 codes.
    #[serde(default)]
    pub nationalities: Vec<String>,
    /// Languages the child speaks, as ISO 639 codes (`el`, `sr`, `ar`, `en`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Height, build, hair, clothes, distinguishing marks.
    #[serde(default)]
    pub description: Option<String>,
}

/// A stored child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Child {
    pub id: ChildId,
    #[serde(flatten)]
    pub details: NewChild,
}

/// The oldest age, in completed years, at which a person is a child for the 116000 network.
pub const ADULT_AGE: i32 = 18;

impl NewChild {
    /// Checks the child as of `on`, the day they were last seen, and tidies the text fields.
    pub fn validate(mut self, on: Date, v: &mut Validation) -> Self {
        tidy(&mut self.given_name);
        tidy(&mut self.family_name);
        tidy(&mut self.latin_given_name);
        tidy(&mut self.latin_family_name);
        tidy(&mut self.description);
        self.aliases = self.aliases.into_iter().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect();
        for (field, value) in [
            ("child.given_name", &self.given_name),
            ("child.family_name", &self.family_name),
            ("child.latin_given_name", &self.latin_given_name),
            ("child.latin_family_name", &self.latin_family_name),
        ] {
            if let Some(value) = value {
                v.text(field, value, 200);
            }
        }
        if self.aliases.len() > 20 {
            v.push_limit("child.aliases", Problem::TooManyAliases, 20, "at most 20 aliases are allowed");
        }
        for (i, alias) in self.aliases.iter().enumerate() {
            v.text(&format!("child.aliases[{i}]"), alias, 200);
        }
        if self.given_name.is_none() && self.family_name.is_none() && self.aliases.is_empty() {
            v.push("child.given_name", Problem::NoName, "give at least a given name, a family name or an alias");
        }
        if let Some(description) = &self.description {
            v.text("child.description", description, 4000);
        }
        if let Some(dob) = &self.date_of_birth {
            if dob.earliest() > on {
                v.push(
                    "child.date_of_birth",
                    Problem::BornAfterLastSeen,
                    format!("{dob} is after the day the child was last seen ({on})"),
                );
            } else if age_bounds(dob, on).0 >= ADULT_AGE {
                v.push_limit(
                    "child.date_of_birth",
                    Problem::AdultAtLastSeen,
                    ADULT_AGE.unsigned_abs(),
                    format!(
                        "a person born {dob} was {ADULT_AGE} or older when last seen; 116000 cases concern children"
                    ),
                );
            }
        }
        if let Some(age) = &self.estimated_age {
            if age.min > age.max {
                v.push("child.estimated_age", Problem::AgeRangeReversed, "min must not be greater than max");
            } else if i32::from(age.min) >= ADULT_AGE {
                v.push_limit(
                    "child.estimated_age",
                    Problem::AdultAge,
                    ADULT_AGE.unsigned_abs(),
                    format!("min must be under {ADULT_AGE}; 116000 cases concern children"),
                );
            }
        }
        self.nationalities = self.nationalities.iter().map(|n| n.trim().to_ascii_uppercase()).collect();
        for (i, n) in self.nationalities.iter().enumerate() {
            if !is_country_code(n) {
                v.push(
                    format!("child.nationalities[{i}]"),
                    Problem::CountryCode,
                    "must be a two-letter ISO 3166-1 country code",
                );
            }
        }
        self.languages = self.languages.iter().map(|l| l.trim().to_ascii_lowercase()).collect();
        for (i, l) in self.languages.iter().enumerate() {
            if !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()) {
                v.push(
                    format!("child.languages[{i}]"),
                    Problem::LanguageCode,
                    "must be an ISO 639 language code such as el, sr or ar",
                );
            }
        }
        self
    }

    /// Every name the child is known by, in the order given.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [&self.given_name, &self.family_name, &self.latin_given_name, &self.latin_family_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain(self.aliases.iter().map(String::as_str))
    }

    /// The name to show in lists: given and family name as written.
    pub fn display_name(&self) -> String {
        let parts: Vec<&str> =
            [&self.given_name, &self.family_name].into_iter().flatten().map(String::as_str).collect();
        if parts.is_empty() { self.aliases.first().cloned().unwrap_or_default() } else { parts.join(" ") }
    }
}

/// Trims a text field and turns a blank one into `None`.
pub fn tidy(field: &mut Option<String>) {
    if let Some(text) = field {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            *field = None;
        } else if trimmed.len() != text.len() {
            *field = Some(trimmed.to_owned());
        }
    }
}
