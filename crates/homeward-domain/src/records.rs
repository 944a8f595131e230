//! The personal records a case refers to: contacts, notes, identifiers, persons of interest and
//! tasks. Case events hold only their ids; these hold the words.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::child::tidy;
use crate::{CaseId, ContactId, IdentifierId, NoteId, PersonId, Problem, TaskId, UserId, Validation};

/// How a report reached the hotline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Chat,
    Email,
    Web,
    Sms,
    InPerson,
    Other,
}

impl Channel {
    /// Every Channel in the order a menu shows them.
    pub const ALL: [Channel; 7] =
        [Channel::Phone, Channel::Chat, Channel::Email, Channel::Web, Channel::Sms, Channel::InPerson, Channel::Other];
}

/// Who the caller is to the child. Callers may stay anonymous, so this is optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallerRelation {
    Parent,
    Guardian,
    Relative,
    /// The child called about themselves.
    Child,
    Friend,
    Professional,
    Police,
    InstitutionStaff,
    MemberOfPublic,
    Other,
}

impl CallerRelation {
    /// Every CallerRelation in the order a menu shows them.
    pub const ALL: [CallerRelation; 10] = [
        CallerRelation::Parent,
        CallerRelation::Guardian,
        CallerRelation::Relative,
        CallerRelation::Child,
        CallerRelation::Friend,
        CallerRelation::Professional,
        CallerRelation::Police,
        CallerRelation::InstitutionStaff,
        CallerRelation::MemberOfPublic,
        CallerRelation::Other,
    ];
}

/// One call, chat, e-mail or web report about a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    pub channel: Channel,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: OffsetDateTime,
    #[serde(default)]
    pub caller_relation: Option<CallerRelation>,
    /// Empty for an anonymous caller.
    #[serde(default)]
    pub caller_name: Option<String>,
    #[serde(default)]
    pub caller_phone: Option<String>,
    pub summary: String,
}

impl NewContact {
    /// Checks the contact as of `now`: it cannot have been received in the future.
    pub fn validate(mut self, prefix: &str, now: OffsetDateTime, v: &mut Validation) -> Self {
        tidy(&mut self.caller_name);
        tidy(&mut self.caller_phone);
        self.summary = self.summary.trim().to_owned();
        v.required_text(&format!("{prefix}summary"), &self.summary, 10_000);
        if let Some(name) = &self.caller_name {
            v.text(&format!("{prefix}caller_name"), name, 200);
        }
        if let Some(phone) = &self.caller_phone {
            v.text(&format!("{prefix}caller_phone"), phone, 50);
        }
        if !crate::dates::plausible(self.received_at) {
            v.push(format!("{prefix}received_at"), Problem::ImplausibleTime, "is not a plausible time; check the year");
        } else if self.received_at > now + CLOCK_SKEW {
            v.push(format!("{prefix}received_at"), Problem::InFuture, "is in the future");
        }
        self
    }
}

/// How far ahead of the server's clock a client's timestamp may be before it is refused.
pub const CLOCK_SKEW: time::Duration = time::Duration::minutes(5);

/// A stored contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: ContactId,
    pub case_id: CaseId,
    #[serde(flatten)]
    pub details: NewContact,
    pub recorded_by: Option<UserId>,
}

/// A note on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    pub text: String,
}

impl NewNote {
    pub fn validate(mut self) -> Result<Self, crate::DomainError> {
        let mut v = Validation::new();
        self.text = self.text.trim().to_owned();
        v.required_text("text", &self.text, 20_000);
        v.finish().map(|()| self)
    }
}

/// A stored note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Note {
    pub id: NoteId,
    pub case_id: CaseId,
    pub text: String,
    pub author: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
}

/// What kind of identifier links cases together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    Phone,
    Email,
    SocialHandle,
    Vehicle,
    Address,
    Other,
}

impl IdentifierKind {
    /// Every IdentifierKind in the order a menu shows them.
    pub const ALL: [IdentifierKind; 6] = [
        IdentifierKind::Phone,
        IdentifierKind::SocialHandle,
        IdentifierKind::Email,
        IdentifierKind::Vehicle,
        IdentifierKind::Address,
        IdentifierKind::Other,
    ];
}

/// A phone number, handle, vehicle or address seen in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewIdentifier {
    pub kind: IdentifierKind,
    pub value: String,
    /// Whose it is or where it was seen ("the friend she left with", "on her Instagram").
    #[serde(default)]
    pub label: Option<String>,
}

impl NewIdentifier {
    pub fn validate(mut self) -> Result<Self, crate::DomainError> {
        let mut v = Validation::new();
        self.value = self.value.trim().to_owned();
        tidy(&mut self.label);
        v.required_text("value", &self.value, 500);
        if let Some(label) = &self.label {
            v.text("label", label, 500);
        }
        if crate::text::normalise_identifier(self.kind, &self.value).is_empty() {
            v.push("value", Problem::NoLettersOrDigits, "has no letters or digits");
        }
        v.finish().map(|()| self)
    }
}

/// A stored identifier. `normalised` is what cases are matched on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identifier {
    pub id: IdentifierId,
    pub case_id: CaseId,
    pub kind: IdentifierKind,
    pub value: String,
    pub normalised: String,
    pub label: Option<String>,
}

/// A person of interest: someone the child may be with, or who may know where they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub name: String,
    /// Their relation to the child ("mother's partner", "older friend").
    #[serde(default)]
    pub relation: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

impl NewPerson {
    pub fn validate(mut self) -> Result<Self, crate::DomainError> {
        let mut v = Validation::new();
        self.name = self.name.trim().to_owned();
        tidy(&mut self.relation);
        tidy(&mut self.description);
        v.required_text("name", &self.name, 200);
        if let Some(r) = &self.relation {
            v.text("relation", r, 200);
        }
        if let Some(d) = &self.description {
            v.text("description", d, 4000);
        }
        v.finish().map(|()| self)
    }
}

/// A stored person of interest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: PersonId,
    pub case_id: CaseId,
    #[serde(flatten)]
    pub details: NewPerson,
}

/// A task to do on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    pub title: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub due_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub assignee: Option<UserId>,
}

impl NewTask {
    pub fn validate(mut self) -> Result<Self, crate::DomainError> {
        let mut v = Validation::new();
        self.title = self.title.trim().to_owned();
        v.required_text("title", &self.title, 500);
        if self.due_at.is_some_and(|at| !crate::dates::plausible(at)) {
            v.push("due_at", Problem::ImplausibleTime, "is not a plausible time; check the year");
        }
        v.finish().map(|()| self)
    }
}

/// A stored task. Whether it is done comes from the case's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: TaskId,
    pub case_id: CaseId,
    pub title: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub due_at: Option<OffsetDateTime>,
    pub assignee: Option<UserId>,
    pub done: bool,
}
