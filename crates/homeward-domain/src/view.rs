//! What readers are shown: a case with its records, a row of a case list, a filter, and the
//! changes a case accepts after it is opened.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{Case, Category, LastSeen, RiskLevel, Status};
use crate::child::{Child, NewChild, Sex};
use crate::dates::PartialDate;
use crate::records::{Contact, Identifier, NewContact, NewIdentifier, NewNote, NewPerson, NewTask, Note, Person, Task};
use crate::{CaseId, OrganisationId, TaskId, UserId};

/// The anonymous facts about a child that the network's figures need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildSkeleton {
    pub sex: Sex,
    pub birth_year: Option<i32>,
    pub nationalities: Vec<String>,
}

/// A case with everything the reader may see. For a pseudonymous reader (an analyst) every
/// personal part is left out and `pseudonymous` is true.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    pub pseudonymous: bool,
    pub child_skeleton: ChildSkeleton,
    pub child: Option<Child>,
    pub last_seen: Option<LastSeen>,
    pub circumstances: Option<String>,
    pub contacts: Vec<Contact>,
    pub notes: Vec<Note>,
    pub identifiers: Vec<Identifier>,
    pub persons: Vec<Person>,
    pub tasks: Vec<Task>,
    /// The child's other disappearance episodes that the reader may see (cases a person
    /// confirmed to be about the same child), oldest first.
    pub episodes: Vec<crate::linkage::Episode>,
    /// The latest answer to each structured risk question, with who gave it and when (empty for
    /// a pseudonymous reader: they are the child's health and circumstances).
    pub risk_answers: Vec<crate::risk::RiskAnswer>,
}

/// One row of a case list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub id: CaseId,
    pub number: String,
    pub organisation_id: OrganisationId,
    pub category: Category,
    pub risk_level: Option<RiskLevel>,
    pub status: Status,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub last_seen_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opened_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: OffsetDateTime,
    pub assignee: Option<UserId>,
    /// `None` for a pseudonymous reader.
    pub child_name: Option<String>,
    pub child_skeleton: ChildSkeleton,
    /// How many episodes of this child the reader may see, this one included: more than one
    /// once a person has confirmed another case to be about the same child.
    pub episodes: u32,
}

/// Which cases to list. Every filter is optional; they combine with AND.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseFilter {
    pub status: Option<Status>,
    pub category: Option<Category>,
    pub risk_level: Option<RiskLevel>,
    pub organisation_id: Option<OrganisationId>,
    /// Cases opened at or after this time.
    pub opened_from: Option<OffsetDateTime>,
    /// Cases opened before this time.
    pub opened_to: Option<OffsetDateTime>,
    /// Name search in any script; every word must match the start of one of the child's names.
    pub name: Option<String>,
    pub assignee: Option<Assignee>,
    /// A case number, exactly (`GR-2026-000123`, any case).
    pub number: Option<String>,
    /// An identifier linked to the case (a phone number in any spelling, a handle, …).
    pub identifier: Option<String>,
    pub order: CaseOrder,
    pub limit: u32,
    pub offset: u32,
}

/// Whose cases to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    User(UserId),
    Nobody,
}

/// The order of a case list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseOrder {
    /// Newest first, by the time the case was opened.
    #[default]
    Newest,
    /// Most urgent first: high risk, then cases nobody has assessed yet (someone must), then
    /// medium, low and very low; within each, the child missing longest first.
    Urgent,
}

/// An open task of one person, with the case it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskSummary {
    pub task: Task,
    pub case_number: String,
}

/// The most rows one page may hold.
pub const MAX_PAGE: u32 = 200;

/// A list counts the matching rows up to this many: counting a million open cases for every
/// page would read them all.
pub const COUNT_AT_MOST: u64 = 10_000;

/// A page of a list, with the total across all pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many match, counted up to [`COUNT_AT_MOST`]; with `more`, at least that many.
    pub total: u64,
    /// More match than were counted: `total` is [`COUNT_AT_MOST`] and the rest were not counted.
    #[serde(default)]
    pub more: bool,
    pub limit: u32,
    pub offset: u32,
}

/// A change to an open case, as a user asks for it.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseChange {
    AddContact(NewContact),
    AddNote(NewNote),
    ChangeStatus {
        to: Status,
        reason: Option<String>,
    },
    Recategorise {
        to: Category,
        reason: Option<String>,
    },
    AssessRisk {
        to: RiskLevel,
        reason: Option<String>,
    },
    Assign(Option<UserId>),
    LinkIdentifier(NewIdentifier),
    LinkPerson(NewPerson),
    CreateTask(NewTask),
    CompleteTask(TaskId),
    Share(OrganisationId),
    /// A trafficking indicator from the catalogue, with the evidence as a note.
    ObserveIndicator {
        indicator: String,
        evidence: Option<String>,
    },
    /// Answers to the structured risk questions (only those asked now), kept with who gave them
    /// and when.
    AnswerRiskQuestions(crate::risk::RiskAnswers),
    /// The child as now known: replaces the names, date of birth or age, description.
    EditChild(NewChild),
    /// Some of what is known of the child (the case page's form): the other fields stay as the
    /// store holds them when the change is made, so a concurrent edit of those is not undone.
    EditChildFields(ChildFields),
    /// The case was handed over to a police unit (an organisation of kind `police_unit`), with
    /// the police's own reference if they gave one. The case is shared with the unit in the same
    /// command, so that its police liaison sees it.
    RecordPoliceHandover {
        to_organisation: OrganisationId,
        reference: Option<String>,
    },
}

/// The fields of the child that a form may change; `None` leaves a field as it is, `Some(None)`
/// clears it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChildFields {
    pub given_name: Option<Option<String>>,
    pub family_name: Option<Option<String>>,
    pub latin_given_name: Option<Option<String>>,
    pub latin_family_name: Option<Option<String>>,
    pub sex: Option<Sex>,
    pub date_of_birth: Option<Option<PartialDate>>,
}

impl ChildFields {
    /// `known` with these fields changed. A date of birth replaces an estimated age.
    pub fn apply(self, known: NewChild) -> NewChild {
        let mut child = known;
        let set = |field: &mut Option<String>, value: Option<Option<String>>| {
            if let Some(value) = value {
                *field = value;
            }
        };
        set(&mut child.given_name, self.given_name);
        set(&mut child.family_name, self.family_name);
        set(&mut child.latin_given_name, self.latin_given_name);
        set(&mut child.latin_family_name, self.latin_family_name);
        if let Some(sex) = self.sex {
            child.sex = sex;
        }
        if let Some(date_of_birth) = self.date_of_birth {
            if date_of_birth.is_some() {
                child.estimated_age = None;
            }
            child.date_of_birth = date_of_birth;
        }
        child
    }
}

impl CaseChange {
    /// The policy action this change needs.
    pub fn action(&self) -> crate::policy::Action {
        use crate::policy::Action;
        match self {
            CaseChange::AddContact(_) => Action::CaseAddContact,
            CaseChange::AddNote(_) => Action::CaseAddNote,
            CaseChange::ChangeStatus { .. } => Action::CaseChangeStatus,
            CaseChange::Recategorise { .. } => Action::CaseRecategorise,
            CaseChange::AssessRisk { .. } => Action::CaseAssessRisk,
            CaseChange::Assign(_) => Action::CaseAssign,
            CaseChange::LinkIdentifier(_) => Action::CaseLinkIdentifier,
            CaseChange::LinkPerson(_) => Action::CaseLinkPerson,
            CaseChange::CreateTask(_) | CaseChange::CompleteTask(_) => Action::CaseManageTasks,
            CaseChange::Share(_) => Action::CaseShare,
            // Operators ask the indicator questions as part of the risk assessment.
            CaseChange::ObserveIndicator { .. } | CaseChange::AnswerRiskQuestions(_) => Action::CaseAssessRisk,
            CaseChange::EditChild(_) | CaseChange::EditChildFields(_) => Action::CaseEditChild,
            CaseChange::RecordPoliceHandover { .. } => Action::CaseHandOverToPolice,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::AgeRange;

    fn known() -> NewChild {
        NewChild {
            given_name: Some("Omar".into()),
            family_name: Some("Haddad".into()),
            aliases: vec!["Omi".into()],
            estimated_age: Some(AgeRange { min: 14, max: 15 }),
            description: Some("A green jacket".into()),
            ..NewChild::default()
        }
    }

    fn check(fields: ChildFields, expected: NewChild) {
        assert_eq!(fields.apply(known()), expected);
    }

    #[test]
    fn only_the_fields_given_change() {
        check(ChildFields::default(), known());
        check(
            ChildFields { family_name: Some(None), sex: Some(Sex::Male), ..ChildFields::default() },
            NewChild { family_name: None, sex: Sex::Male, ..known() },
        );
        check(
            ChildFields { given_name: Some(Some("Yusuf".into())), date_of_birth: Some(None), ..ChildFields::default() },
            NewChild { given_name: Some("Yusuf".into()), ..known() },
        );
    }

    #[test]
    fn a_date_of_birth_replaces_an_estimated_age() {
        let born = PartialDate::parse("2011-02").ok();
        check(
            ChildFields { date_of_birth: Some(born), ..ChildFields::default() },
            NewChild { date_of_birth: born, estimated_age: None, ..known() },
        );
    }
}
