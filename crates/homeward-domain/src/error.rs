//! Errors the domain rules return.

use serde::Serialize;

/// One field that failed validation, with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Where the problem is, as a dotted path into the request body (`child.date_of_birth`).
    pub field: String,
    /// What is wrong, as a stable code an interface can put into its own language.
    pub code: Problem,
    /// The number the rule is about (the most characters allowed, the age limit), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// What is wrong and how to fix it, in English.
    pub message: String,
}

/// What can be wrong with a field. The codes are stable: interfaces translate them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooShort,
    TooLong,
    ControlCharacters,
    ImplausibleTime,
    InFuture,
    #[serde(rename = "before_1990")]
    Before1990,
    BeforeLastSeen,
    Latitude,
    Longitude,
    LatitudeWithoutLongitude,
    TooManyAliases,
    NoName,
    BornAfterLastSeen,
    AdultAtLastSeen,
    AgeRangeReversed,
    AdultAge,
    CountryCode,
    LanguageCode,
    LanguageTag,
    TimeZone,
    Email,
    NoLettersOrDigits,
    NotAMember,
    DateFormat,
    DateImpossible,
    TimeFormat,
    AgeFormat,
    NotAChoice,
}

impl Problem {
    /// Every code, for a test that each has a translation.
    pub const ALL: [Problem; 29] = [
        Problem::Required,
        Problem::TooShort,
        Problem::TooLong,
        Problem::ControlCharacters,
        Problem::ImplausibleTime,
        Problem::InFuture,
        Problem::Before1990,
        Problem::BeforeLastSeen,
        Problem::Latitude,
        Problem::Longitude,
        Problem::LatitudeWithoutLongitude,
        Problem::TooManyAliases,
        Problem::NoName,
        Problem::BornAfterLastSeen,
        Problem::AdultAtLastSeen,
        Problem::AgeRangeReversed,
        Problem::AdultAge,
        Problem::CountryCode,
        Problem::LanguageCode,
        Problem::LanguageTag,
        Problem::TimeZone,
        Problem::Email,
        Problem::NoLettersOrDigits,
        Problem::NotAMember,
        Problem::DateFormat,
        Problem::DateImpossible,
        Problem::TimeFormat,
        Problem::AgeFormat,
        Problem::NotAChoice,
    ];
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: Problem, message: impl Into<String>) -> Self {
        Self { field: field.into(), code, limit: None, message: message.into() }
    }

    /// The same error, naming the number its rule is about.
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }
}

/// Collects field errors so that one answer can name every problem at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Validation {
    errors: Vec<FieldError>,
}

impl Validation {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`.
    pub fn push(&mut self, field: impl Into<String>, code: Problem, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    /// Records a problem found by another part's validation.
    pub fn push_error(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// Records a problem with `field` that is about a number (a length, an age).
    pub fn push_limit(&mut self, field: impl Into<String>, code: Problem, limit: u32, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message).with_limit(limit));
    }

    /// Checks a free-text field: trimmed, not empty when required, at most `max` characters,
    /// and without control characters other than line breaks and tabs.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        let chars = value.chars().count();
        if chars > max {
            let limit = u32::try_from(max).unwrap_or(u32::MAX);
            self.push_limit(
                field,
                Problem::TooLong,
                limit,
                format!("is {chars} characters long; at most {max} are allowed"),
            );
        }
        if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            self.push(field, Problem::ControlCharacters, "contains control characters");
        }
    }

    /// Like [`Validation::text`], and the value must not be blank.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.push(field, Problem::Required, "must not be empty");
        }
        self.text(field, value, max);
    }

    /// The problems recorded so far.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// Ends validation: `Ok` when nothing was recorded.
    pub fn finish(self) -> Result<(), DomainError> {
        if self.errors.is_empty() { Ok(()) } else { Err(DomainError::Invalid(self.errors)) }
    }
}

/// Why the domain refused a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The input breaks one or more rules; each field error says which and why.
    #[error("the request has {} invalid field(s): {}", .0.len(), summarise(.0))]
    Invalid(Vec<FieldError>),
    /// The case's lifecycle does not allow this step from where the case stands.
    #[error("a case cannot go from {from} to {to}; allowed from {from}: {allowed}")]
    InvalidTransition { from: &'static str, to: &'static str, allowed: String },
    /// The command would change nothing (for example, setting the risk level it already has).
    #[error("{0}")]
    NoChange(String),
    /// A referenced record (a task of this case, for example) does not exist.
    #[error("{0}")]
    NotFound(String),
    /// An event stream that cannot be folded: it is stored wrongly, not a user error.
    #[error("event stream is inconsistent: {0}")]
    Corrupt(String),
}

fn summarise(errors: &[FieldError]) -> String {
    errors.iter().map(|e| format!("{} {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
}
