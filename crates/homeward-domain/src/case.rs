//! The case: one disappearance episode, derived from its events.
//!
//! [`Case::open`] starts a case, [`Case::decide`] turns a command into the event it causes (or
//! refuses it), and [`Case::apply`] folds an event into the case. The store persists each event
//! and the folded case together; [`Case::from_events`] rebuilds the case from the events alone,
//! which is how a test proves the stored case is only ever what its events say.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::child::NewChild;
use crate::records::{CLOCK_SKEW, IdentifierKind, NewContact};
use crate::{
    CaseId, ChildId, ContactId, DomainError, EventId, IdentifierId, NoteId, OrganisationId, PersonId, Problem,
    SightingId, TaskId, UserId, Validation,
};

/// The 116000 network's categories. `runaway` and `parental_abduction` without a scope are for
/// reports where it is not yet known whether a border was crossed; re-categorise when it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Runaway,
    RunawayNational,
    RunawayInternational,
    ParentalAbduction,
    ParentalAbductionNational,
    ParentalAbductionInternational,
    CriminalAbduction,
    MissingUnaccompaniedMigrant,
    /// Lost, injured or otherwise missing, including "reason not yet known".
    LostInjuredOtherwiseMissing,
}

impl Category {
    /// Every Category in the order a menu shows them.
    pub const ALL: [Category; 9] = [
        Category::Runaway,
        Category::RunawayNational,
        Category::RunawayInternational,
        Category::ParentalAbduction,
        Category::ParentalAbductionNational,
        Category::ParentalAbductionInternational,
        Category::CriminalAbduction,
        Category::MissingUnaccompaniedMigrant,
        Category::LostInjuredOtherwiseMissing,
    ];
}

/// The missing-person risk level (UK police practice). `None` on a case means not yet assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    VeryLow,
    Low,
    Medium,
    High,
}

impl RiskLevel {
    /// Every level, highest first, as a menu shows them.
    pub const ALL: [RiskLevel; 4] = [RiskLevel::High, RiskLevel::Medium, RiskLevel::Low, RiskLevel::VeryLow];
}

/// Where a case stands in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    FoundSafe,
    FoundHarmed,
    FoundDeceased,
    /// The child is back; the hotline supports child and family after the return.
    Support,
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Open, Status::FoundSafe, Status::FoundHarmed, Status::FoundDeceased, Status::Support, Status::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::FoundSafe => "found_safe",
            Status::FoundHarmed => "found_harmed",
            Status::FoundDeceased => "found_deceased",
            Status::Support => "support",
            Status::Closed => "closed",
        }
    }

    /// The statuses a case may move to from this one. Reopening goes back to `open`.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Open => &[FoundSafe, FoundHarmed, FoundDeceased, Closed],
            FoundSafe | FoundHarmed | FoundDeceased => &[Support, Closed, Open],
            Support => &[Closed, Open],
            Closed => &[Open],
        }
    }

    /// Checks one step of the lifecycle.
    pub fn transition(self, to: Status) -> Result<Status, DomainError> {
        if self.next().contains(&to) {
            Ok(to)
        } else {
            Err(DomainError::InvalidTransition {
                from: self.as_str(),
                to: to.as_str(),
                allowed: self.next().iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
            })
        }
    }
}

/// Where the child went missing from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MissingFromKind {
    Home,
    Institution,
    ReceptionCentre,
    FosterPlacement,
    Other,
}

impl MissingFromKind {
    /// Every MissingFromKind in the order a menu shows them.
    pub const ALL: [MissingFromKind; 5] = [
        MissingFromKind::Home,
        MissingFromKind::Institution,
        MissingFromKind::ReceptionCentre,
        MissingFromKind::FosterPlacement,
        MissingFromKind::Other,
    ];
}

/// The place the child went missing from, with its name for institutions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MissingFrom {
    pub kind: MissingFromKind,
    #[serde(default)]
    pub name: Option<String>,
    /// When the child was registered there (an unaccompanied child at a reception centre): a
    /// child gone within 48 hours of registration is a trafficking indicator.
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub registered_at: Option<OffsetDateTime>,
}

impl MissingFrom {
    /// A place by its kind and name, with no registration time.
    pub fn new(kind: MissingFromKind, name: Option<String>) -> Self {
        Self { kind, name, registered_at: None }
    }

    /// Hours from registration to going missing, for an unaccompanied migrant child.
    pub fn hours_after_registration(&self, category: Category, missing_at: OffsetDateTime) -> Option<i64> {
        let registered = self.registered_at?;
        (category == Category::MissingUnaccompaniedMigrant).then(|| (missing_at - registered).whole_hours())
    }
}

/// When and where the child was last seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LastSeen {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    #[serde(default)]
    pub place: Option<String>,
    /// The region (prefecture, county, province) as the organisation names its regions: the
    /// trend detector counts each region's reports a week, as it counts each category's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub missing_from: Option<MissingFrom>,
}

/// A new report: what `POST /api/v1/cases` accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub category: Category,
    /// Leave out until assessed.
    #[serde(default)]
    pub risk_level: Option<RiskLevel>,
    pub child: NewChild,
    pub last_seen: LastSeen,
    #[serde(default)]
    pub circumstances: Option<String>,
    /// The first contact: the report that opens the case.
    #[serde(default)]
    pub contact: Option<NewContact>,
    #[serde(default)]
    pub assignee: Option<UserId>,
    /// Phone numbers, handles and the like already known at intake, linked in the same
    /// transaction as the case.
    #[serde(default)]
    pub identifiers: Vec<crate::records::NewIdentifier>,
}

impl NewCase {
    /// Checks a report received at `now` and tidies its text. Every problem is named at once.
    pub fn validate(mut self, now: OffsetDateTime) -> Result<Self, DomainError> {
        let mut v = Validation::new();
        if !crate::dates::plausible(self.last_seen.at) {
            v.push("last_seen.at", Problem::ImplausibleTime, "is not a plausible time; check the year");
            return Err(DomainError::Invalid(v.into_errors()));
        }
        let last_seen_day = crate::dates::utc_date(self.last_seen.at);
        if self.last_seen.at > now + CLOCK_SKEW {
            v.push("last_seen.at", Problem::InFuture, "is in the future");
        }
        if self.last_seen.at.year() < 1990 {
            v.push("last_seen.at", Problem::Before1990, "is before 1990; check the year");
        }
        self.child = self.child.validate(last_seen_day, &mut v);
        crate::child::tidy(&mut self.last_seen.place);
        if let Some(place) = &self.last_seen.place {
            v.text("last_seen.place", place, 500);
        }
        crate::child::tidy(&mut self.last_seen.region);
        if let Some(region) = &self.last_seen.region {
            v.text("last_seen.region", region, 100);
        }
        match (self.last_seen.lat, self.last_seen.lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    v.push("last_seen.lat", Problem::Latitude, "must be between -90 and 90");
                }
                if !(-180.0..=180.0).contains(&lon) {
                    v.push("last_seen.lon", Problem::Longitude, "must be between -180 and 180");
                }
            }
            (None, None) => {}
            _ => v.push("last_seen", Problem::LatitudeWithoutLongitude, "give both lat and lon, or neither"),
        }
        if let Some(from) = &mut self.last_seen.missing_from {
            crate::child::tidy(&mut from.name);
            if let Some(name) = &from.name {
                v.text("last_seen.missing_from.name", name, 500);
            }
            if from.registered_at.is_some_and(|r| r > self.last_seen.at) {
                let field = "last_seen.missing_from.registered_at";
                v.push(field, Problem::ImplausibleTime, "is after the child went missing");
            }
        }
        crate::child::tidy(&mut self.circumstances);
        if let Some(c) = &self.circumstances {
            v.text("circumstances", c, 20_000);
        }
        let mut identifiers = Vec::with_capacity(self.identifiers.len());
        for (i, identifier) in std::mem::take(&mut self.identifiers).into_iter().enumerate() {
            match identifier.validate() {
                Ok(identifier) => identifiers.push(identifier),
                Err(DomainError::Invalid(errors)) => {
                    for e in errors {
                        v.push_error(crate::FieldError { field: format!("identifiers[{i}].{}", e.field), ..e });
                    }
                }
                Err(other) => return Err(other),
            }
        }
        self.identifiers = identifiers;
        if let Some(contact) = self.contact.take() {
            let contact = contact.validate("contact.", now, &mut v);
            if contact.received_at + CLOCK_SKEW < self.last_seen.at {
                v.push("contact.received_at", Problem::BeforeLastSeen, "is before the child was last seen");
            }
            self.contact = Some(contact);
        }
        v.finish().map(|()| self)
    }
}

/// What happened to a case. Events carry no personal data: texts live in the records they
/// name, so the skeleton survives the erasure of a child's personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseEventKind {
    Opened {
        number: String,
        organisation_id: OrganisationId,
        child_id: ChildId,
        category: Category,
        risk_level: Option<RiskLevel>,
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        last_seen_at: OffsetDateTime,
        missing_from: Option<MissingFromKind>,
        assignee: Option<UserId>,
    },
    ContactAdded {
        contact_id: ContactId,
    },
    NoteAdded {
        note_id: NoteId,
    },
    StatusChanged {
        from: Status,
        to: Status,
        /// The note that gives the reason, if one was given.
        note_id: Option<NoteId>,
    },
    Recategorised {
        from: Category,
        to: Category,
        note_id: Option<NoteId>,
    },
    RiskAssessed {
        from: Option<RiskLevel>,
        to: RiskLevel,
        note_id: Option<NoteId>,
    },
    Assigned {
        assignee: Option<UserId>,
    },
    IdentifierLinked {
        identifier_id: IdentifierId,
        kind: IdentifierKind,
    },
    PersonLinked {
        person_id: PersonId,
    },
    TaskCreated {
        task_id: TaskId,
        #[serde(with = "time::serde::rfc3339::option")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
        due_at: Option<OffsetDateTime>,
        assignee: Option<UserId>,
    },
    TaskCompleted {
        task_id: TaskId,
    },
    Shared {
        organisation_id: OrganisationId,
    },
    /// A trafficking indicator was observed; its id names an entry of the indicator catalogue,
    /// the evidence (personal) is in the note.
    IndicatorObserved {
        indicator: String,
        note_id: Option<NoteId>,
    },
    /// What is known of the child was corrected or completed (the details, personal, are in
    /// the child's own record).
    ChildEdited {},
    /// Structured risk questions were answered: their names; the answers (the child's health and
    /// circumstances, personal) are in the case's own record.
    RiskQuestionsAnswered {
        questions: Vec<String>,
    },
    /// The case was handed over to a police unit (the police's own reference, if they gave one,
    /// is in the store's record of the hand-over). The response target "handed to police" is
    /// met by this event.
    HandedToPolice {
        organisation_id: OrganisationId,
    },
    /// A sighting from the public was attached to the case (what was seen, where and by whom
    /// is in the sighting's own record).
    SightingAttached {
        sighting_id: SightingId,
    },
}

impl CaseEventKind {
    /// The stable name of the event, as stored.
    pub fn name(&self) -> &'static str {
        match self {
            CaseEventKind::Opened { .. } => "opened",
            CaseEventKind::ContactAdded { .. } => "contact_added",
            CaseEventKind::NoteAdded { .. } => "note_added",
            CaseEventKind::StatusChanged { .. } => "status_changed",
            CaseEventKind::Recategorised { .. } => "recategorised",
            CaseEventKind::RiskAssessed { .. } => "risk_assessed",
            CaseEventKind::Assigned { .. } => "assigned",
            CaseEventKind::IdentifierLinked { .. } => "identifier_linked",
            CaseEventKind::PersonLinked { .. } => "person_linked",
            CaseEventKind::TaskCreated { .. } => "task_created",
            CaseEventKind::TaskCompleted { .. } => "task_completed",
            CaseEventKind::Shared { .. } => "shared",
            CaseEventKind::IndicatorObserved { .. } => "indicator_observed",
            CaseEventKind::ChildEdited { .. } => "child_edited",
            CaseEventKind::RiskQuestionsAnswered { .. } => "risk_questions_answered",
            CaseEventKind::HandedToPolice { .. } => "handed_to_police",
            CaseEventKind::SightingAttached { .. } => "sighting_attached",
        }
    }
}

/// One attributed event in a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseEvent {
    pub id: EventId,
    pub case_id: CaseId,
    /// 1 for the event that opened the case, then one more for each event.
    pub seq: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    /// `None` when the command line acted.
    pub actor: Option<UserId>,
    #[serde(flatten)]
    pub kind: CaseEventKind,
}

/// A task's state as the case's events tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskState {
    pub id: TaskId,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub due_at: Option<OffsetDateTime>,
    pub assignee: Option<UserId>,
    pub done: bool,
}

/// An observed trafficking indicator as the case's events tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorState {
    pub indicator: String,
    pub recorded_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    pub note_id: Option<NoteId>,
}

/// A case as its events make it: the anonymous skeleton.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    pub id: CaseId,
    /// A number people can read out on the phone: country, year, sequence (`GR-2026-000042`).
    pub number: String,
    pub organisation_id: OrganisationId,
    pub child_id: ChildId,
    pub category: Category,
    pub risk_level: Option<RiskLevel>,
    pub status: Status,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub last_seen_at: OffsetDateTime,
    pub missing_from: Option<MissingFromKind>,
    /// When the case was opened in Homeward.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opened_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: OffsetDateTime,
    pub opened_by: Option<UserId>,
    pub assignee: Option<UserId>,
    pub shared_with: Vec<OrganisationId>,
    pub contact_ids: Vec<ContactId>,
    pub note_ids: Vec<NoteId>,
    pub identifier_ids: Vec<IdentifierId>,
    pub person_ids: Vec<PersonId>,
    pub tasks: Vec<TaskState>,
    /// Trafficking indicators observed, with who recorded each and when.
    #[serde(default)]
    pub indicators: Vec<IndicatorState>,
    /// How many events the case has; the seq of the next event is one more.
    pub version: u32,
}

/// A command that changes an existing case; [`Case::decide`] turns it into an event.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseCommand {
    AddContact(ContactId),
    AddNote(NoteId),
    ChangeStatus {
        to: Status,
        note_id: Option<NoteId>,
    },
    Recategorise {
        to: Category,
        note_id: Option<NoteId>,
    },
    AssessRisk {
        to: RiskLevel,
        note_id: Option<NoteId>,
    },
    Assign(Option<UserId>),
    LinkIdentifier {
        identifier_id: IdentifierId,
        kind: IdentifierKind,
    },
    LinkPerson(PersonId),
    CreateTask {
        task_id: TaskId,
        due_at: Option<OffsetDateTime>,
        assignee: Option<UserId>,
    },
    CompleteTask(TaskId),
    Share(OrganisationId),
    /// The id must already have been checked against the catalogue in use.
    ObserveIndicator {
        indicator: String,
        note_id: Option<NoteId>,
    },
    EditChild,
    /// The questions answered now, by name.
    AnswerRiskQuestions {
        questions: Vec<String>,
    },
    /// The case was handed over to this police unit.
    HandOverToPolice(OrganisationId),
    /// A sighting from the public is attached to the case.
    AttachSighting(SightingId),
}

impl Case {
    /// Opens a case: the first event and the case it makes.
    pub fn open(
        event: EventId,
        case: CaseId,
        at: OffsetDateTime,
        actor: Option<UserId>,
        opened: CaseEventKind,
    ) -> Result<(Case, CaseEvent), DomainError> {
        let event = CaseEvent { id: event, case_id: case, seq: 1, at, actor, kind: opened };
        let case = Case::from_events(std::slice::from_ref(&event))?;
        Ok((case, event))
    }

    /// Rebuilds a case from its whole event stream.
    pub fn from_events(events: &[CaseEvent]) -> Result<Case, DomainError> {
        let (first, rest) = events.split_first().ok_or_else(|| DomainError::Corrupt("a case has no events".into()))?;
        let CaseEventKind::Opened {
            number,
            organisation_id,
            child_id,
            category,
            risk_level,
            last_seen_at,
            missing_from,
            assignee,
        } = &first.kind
        else {
            return Err(DomainError::Corrupt(format!("case {} does not start with `opened`", first.case_id)));
        };
        if first.seq != 1 {
            return Err(DomainError::Corrupt(format!("case {} starts at seq {}", first.case_id, first.seq)));
        }
        let mut case = Case {
            id: first.case_id,
            number: number.clone(),
            organisation_id: *organisation_id,
            child_id: *child_id,
            category: *category,
            risk_level: *risk_level,
            status: Status::Open,
            last_seen_at: *last_seen_at,
            missing_from: *missing_from,
            opened_at: first.at,
            updated_at: first.at,
            opened_by: first.actor,
            assignee: *assignee,
            shared_with: Vec::new(),
            contact_ids: Vec::new(),
            note_ids: Vec::new(),
            identifier_ids: Vec::new(),
            person_ids: Vec::new(),
            tasks: Vec::new(),
            indicators: Vec::new(),
            version: 1,
        };
        for event in rest {
            case.apply(event)?;
        }
        Ok(case)
    }

    /// Decides what event a command causes, or why it is refused. Nothing changes here.
    pub fn decide(&self, command: CaseCommand) -> Result<CaseEventKind, DomainError> {
        Ok(match command {
            CaseCommand::AddContact(contact_id) => CaseEventKind::ContactAdded { contact_id },
            CaseCommand::AddNote(note_id) => CaseEventKind::NoteAdded { note_id },
            CaseCommand::ChangeStatus { to, note_id } => {
                self.status.transition(to)?;
                CaseEventKind::StatusChanged { from: self.status, to, note_id }
            }
            CaseCommand::Recategorise { to, note_id } => {
                if to == self.category {
                    return Err(DomainError::NoChange("the case already has this category".into()));
                }
                CaseEventKind::Recategorised { from: self.category, to, note_id }
            }
            CaseCommand::AssessRisk { to, note_id } => {
                if self.status != Status::Open {
                    return Err(DomainError::NoChange(format!(
                        "risk is assessed while a child is missing; this case is {}",
                        self.status.as_str()
                    )));
                }
                CaseEventKind::RiskAssessed { from: self.risk_level, to, note_id }
            }
            CaseCommand::Assign(assignee) => {
                if assignee == self.assignee {
                    return Err(DomainError::NoChange("the case is already assigned so".into()));
                }
                CaseEventKind::Assigned { assignee }
            }
            CaseCommand::LinkIdentifier { identifier_id, kind } => {
                CaseEventKind::IdentifierLinked { identifier_id, kind }
            }
            CaseCommand::LinkPerson(person_id) => CaseEventKind::PersonLinked { person_id },
            CaseCommand::EditChild => CaseEventKind::ChildEdited {},
            CaseCommand::CreateTask { task_id, due_at, assignee } => {
                CaseEventKind::TaskCreated { task_id, due_at, assignee }
            }
            CaseCommand::CompleteTask(task_id) => {
                let task = self
                    .tasks
                    .iter()
                    .find(|t| t.id == task_id)
                    .ok_or_else(|| DomainError::NotFound(format!("task {task_id} is not a task of this case")))?;
                if task.done {
                    return Err(DomainError::NoChange("the task is already done".into()));
                }
                CaseEventKind::TaskCompleted { task_id }
            }
            CaseCommand::Share(organisation_id) => {
                if organisation_id == self.organisation_id {
                    return Err(DomainError::NoChange("a case is not shared with its own organisation".into()));
                }
                if self.shared_with.contains(&organisation_id) {
                    return Err(DomainError::NoChange("the case is already shared with this organisation".into()));
                }
                CaseEventKind::Shared { organisation_id }
            }
            CaseCommand::ObserveIndicator { indicator, note_id } => {
                if note_id.is_none() && self.indicators.iter().any(|i| i.indicator == indicator) {
                    return Err(DomainError::NoChange(format!("`{indicator}` is already recorded on this case")));
                }
                CaseEventKind::IndicatorObserved { indicator, note_id }
            }
            CaseCommand::AnswerRiskQuestions { questions } => CaseEventKind::RiskQuestionsAnswered { questions },
            CaseCommand::HandOverToPolice(organisation_id) => {
                if self.status == Status::Closed {
                    return Err(DomainError::NoChange("a closed case is not handed over; reopen it first".into()));
                }
                CaseEventKind::HandedToPolice { organisation_id }
            }
            CaseCommand::AttachSighting(sighting_id) => {
                if self.status == Status::Closed {
                    return Err(DomainError::NoChange(
                        "a sighting is not attached to a closed case; reopen it first".into(),
                    ));
                }
                CaseEventKind::SightingAttached { sighting_id }
            }
        })
    }

    /// The next event of this case, made from a decided kind.
    pub fn next_event(&self, id: EventId, at: OffsetDateTime, actor: Option<UserId>, kind: CaseEventKind) -> CaseEvent {
        CaseEvent { id, case_id: self.id, seq: self.version + 1, at, actor, kind }
    }

    /// Folds one event into the case, checking it follows on.
    pub fn apply(&mut self, event: &CaseEvent) -> Result<(), DomainError> {
        if event.case_id != self.id || event.seq != self.version + 1 {
            return Err(DomainError::Corrupt(format!(
                "event {} (case {}, seq {}) does not follow case {} at version {}",
                event.id, event.case_id, event.seq, self.id, self.version
            )));
        }
        match &event.kind {
            CaseEventKind::Opened { .. } => {
                return Err(DomainError::Corrupt(format!("case {} is opened twice", self.id)));
            }
            CaseEventKind::ContactAdded { contact_id } => self.contact_ids.push(*contact_id),
            CaseEventKind::NoteAdded { note_id } => self.note_ids.push(*note_id),
            CaseEventKind::StatusChanged { from, to, note_id } => {
                if *from != self.status {
                    return Err(DomainError::Corrupt(format!(
                        "status change from {from:?} on a {:?} case",
                        self.status
                    )));
                }
                self.status = self.status.transition(*to)?;
                self.note_ids.extend(note_id);
            }
            CaseEventKind::Recategorised { to, note_id, .. } => {
                self.category = *to;
                self.note_ids.extend(note_id);
            }
            CaseEventKind::RiskAssessed { to, note_id, .. } => {
                self.risk_level = Some(*to);
                self.note_ids.extend(note_id);
            }
            CaseEventKind::Assigned { assignee } => self.assignee = *assignee,
            CaseEventKind::IdentifierLinked { identifier_id, .. } => self.identifier_ids.push(*identifier_id),
            CaseEventKind::PersonLinked { person_id } => self.person_ids.push(*person_id),
            CaseEventKind::ChildEdited {}
            | CaseEventKind::RiskQuestionsAnswered { .. }
            | CaseEventKind::HandedToPolice { .. }
            | CaseEventKind::SightingAttached { .. } => {}
            CaseEventKind::TaskCreated { task_id, due_at, assignee } => {
                self.tasks.push(TaskState { id: *task_id, due_at: *due_at, assignee: *assignee, done: false })
            }
            CaseEventKind::TaskCompleted { task_id } => {
                let task =
                    self.tasks.iter_mut().find(|t| t.id == *task_id).ok_or_else(|| {
                        DomainError::Corrupt(format!("task {task_id} completed before it was created"))
                    })?;
                task.done = true;
            }
            CaseEventKind::Shared { organisation_id } => self.shared_with.push(*organisation_id),
            CaseEventKind::IndicatorObserved { indicator, note_id } => {
                self.indicators.push(IndicatorState {
                    indicator: indicator.clone(),
                    recorded_by: event.actor,
                    at: event.at,
                    note_id: *note_id,
                });
                self.note_ids.extend(note_id);
            }
        }
        self.version = event.seq;
        self.updated_at = event.at;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
