//! Errors the domain rules return.

use serde::Serialize;

/// One field that failed validation, with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Where the problem is, as a dotted path into the request body (`child.date_of_birth`).
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
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
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError { field: field.into(), message: message.into() });
    }

    /// Checks a free-text field: trimmed, not empty when required, at most `max` characters,
    /// and without control characters other than line breaks and tabs.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        let chars = value.chars().count();
        if chars > max {
            self.push(field, format!("is {chars} characters long; at most {max} are allowed"));
        }
        if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            self.push(field, "contains control characters");
        }
    }

    /// Like [`Validation::text`], and the value must not be blank.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.push(field, "must not be empty");
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
