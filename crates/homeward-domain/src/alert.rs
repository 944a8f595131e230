//! Child alerts: a supervisor's request to publish an alert about a missing child, the checks it
//! must pass, and what the public may be shown.
//!
//! An alert is published only when the five criteria the European Commission recommends have
//! each been confirmed by a named person, and the police's approval and the prosecutor's order
//! are recorded ([`AlertView::missing_for_publication`]). What the public sees is built only from
//! the fields the guardians consented to publish ([`AlertContent::within`]): the content a
//! request holds is checked against the consent whenever it is set, and filtered again whenever
//! it is made public, so an unconsented field can never reach a public page. A published alert
//! lasts [`DEFAULT_HOURS`] unless extended, never longer than [`MAX_HOURS`] after publication.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::{CaseId, DomainError, OrganisationId, Problem, UserId, Validation};

/// One alert request, published or not. A UUIDv7, made by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct AlertId(pub uuid::Uuid);

impl std::fmt::Display for AlertId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for AlertId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s).map(Self)
    }
}

/// How long a published alert lasts unless extended.
pub const DEFAULT_HOURS: i64 = 6;
/// The longest an alert may last after its publication, extensions included.
pub const MAX_HOURS: i64 = 24;
/// The longest free text (a note, a reference, a description) an alert request takes.
pub const MAX_TEXT: usize = 2_000;
/// The longest short field (a name, a reference, a phone number).
pub const MAX_SHORT: usize = 200;

/// The criteria recommended by the European Commission; all must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// The child is under 18.
    UnderEighteen,
    /// A proven abduction, or clear signs of one.
    Abduction,
    /// The child's life or health is at high risk.
    HighRisk,
    /// Information exists whose publication would help to locate the child.
    HelpfulInformation,
    /// Publishing the alert does not add to the risk to the child.
    NoAddedRisk,
}

impl Criterion {
    pub const ALL: [Criterion; 5] = [
        Criterion::UnderEighteen,
        Criterion::Abduction,
        Criterion::HighRisk,
        Criterion::HelpfulInformation,
        Criterion::NoAddedRisk,
    ];

    /// The stable name (`under_eighteen`).
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::UnderEighteen => "under_eighteen",
            Criterion::Abduction => "abduction",
            Criterion::HighRisk => "high_risk",
            Criterion::HelpfulInformation => "helpful_information",
            Criterion::NoAddedRisk => "no_added_risk",
        }
    }

    pub fn parse(s: &str) -> Option<Criterion> {
        Criterion::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A field the guardians may consent to publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PublicField {
    Name,
    Age,
    /// A reference to a photograph the hotline holds (Homeward keeps no photographs itself).
    Photo,
    Description,
    /// The place and time the child was last seen.
    LastSeen,
    /// The hotline's phone number for sightings.
    ContactPhone,
}

impl PublicField {
    pub const ALL: [PublicField; 6] = [
        PublicField::Name,
        PublicField::Age,
        PublicField::Photo,
        PublicField::Description,
        PublicField::LastSeen,
        PublicField::ContactPhone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PublicField::Name => "name",
            PublicField::Age => "age",
            PublicField::Photo => "photo",
            PublicField::Description => "description",
            PublicField::LastSeen => "last_seen",
            PublicField::ContactPhone => "contact_phone",
        }
    }

    pub fn parse(s: &str) -> Option<PublicField> {
        PublicField::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Where an alert stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// Opened by a supervisor; criteria, approvals and consent being gathered; not public.
    Requested,
    /// Public until its end time.
    Published,
    /// Cancelled by a supervisor (before or after publication).
    Cancelled,
    /// Its end time passed.
    Expired,
}

impl AlertState {
    pub const ALL: [AlertState; 4] =
        [AlertState::Requested, AlertState::Published, AlertState::Cancelled, AlertState::Expired];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Requested => "requested",
            AlertState::Published => "published",
            AlertState::Cancelled => "cancelled",
            AlertState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<AlertState> {
        AlertState::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// The guardians' consent: which fields may be published, who gave it (a relation such as
/// "mother", not a name) and who recorded it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consent {
    pub fields: Vec<PublicField>,
    pub given_by: String,
    pub recorded_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: OffsetDateTime,
}

impl Consent {
    pub fn allows(&self, field: PublicField) -> bool {
        self.fields.contains(&field)
    }
}

/// What an alert may publish, each field optional. Set only within the consent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AlertContent {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub age: Option<u8>,
    /// A reference to a photograph the hotline holds (a file name or an address).
    #[serde(default)]
    pub photo_ref: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub last_seen_place: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub last_seen_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub contact_phone: Option<String>,
}

impl AlertContent {
    /// The fields this content sets, each with the field of consent it needs.
    fn set_fields(&self) -> Vec<(&'static str, PublicField)> {
        let mut set = Vec::new();
        if self.name.is_some() {
            set.push(("name", PublicField::Name));
        }
        if self.age.is_some() {
            set.push(("age", PublicField::Age));
        }
        if self.photo_ref.is_some() {
            set.push(("photo_ref", PublicField::Photo));
        }
        if self.description.is_some() {
            set.push(("description", PublicField::Description));
        }
        if self.last_seen_place.is_some() {
            set.push(("last_seen_place", PublicField::LastSeen));
        }
        if self.last_seen_at.is_some() {
            set.push(("last_seen_at", PublicField::LastSeen));
        }
        if self.contact_phone.is_some() {
            set.push(("contact_phone", PublicField::ContactPhone));
        }
        set
    }

    /// Tidies the content (blank is none) and checks it against the consent: every field set
    /// must be one the guardians consented to publish. Every problem is named at once.
    pub fn validate(mut self, consent: &[PublicField], prefix: &str) -> Result<Self, DomainError> {
        for text in [
            &mut self.name,
            &mut self.photo_ref,
            &mut self.description,
            &mut self.last_seen_place,
            &mut self.contact_phone,
        ] {
            crate::child::tidy(text);
        }
        let mut v = Validation::new();
        let short = [
            ("name", &self.name),
            ("photo_ref", &self.photo_ref),
            ("last_seen_place", &self.last_seen_place),
            ("contact_phone", &self.contact_phone),
        ];
        for (field, value) in short {
            if let Some(value) = value {
                v.text(&format!("{prefix}{field}"), value, MAX_SHORT);
            }
        }
        if let Some(description) = &self.description {
            v.text(&format!("{prefix}description"), description, MAX_TEXT);
        }
        if let Some(age) = self.age
            && age >= 18
        {
            v.push_limit(format!("{prefix}age"), Problem::AdultAge, 18, "an alert is about a child under 18");
        }
        for (field, needs) in self.set_fields() {
            if !consent.contains(&needs) {
                v.push(
                    format!("{prefix}{field}"),
                    Problem::NotAChoice,
                    format!("the guardians did not consent to publish `{}`", needs.as_str()),
                );
            }
        }
        v.finish()?;
        Ok(self)
    }

    /// Only what the consent allows: whatever else the content holds is dropped. Everything the
    /// public is shown passes through here.
    pub fn within(&self, consent: &[PublicField]) -> AlertContent {
        let ok = |f: PublicField| consent.contains(&f);
        AlertContent {
            name: self.name.clone().filter(|_| ok(PublicField::Name)),
            age: self.age.filter(|_| ok(PublicField::Age)),
            photo_ref: self.photo_ref.clone().filter(|_| ok(PublicField::Photo)),
            description: self.description.clone().filter(|_| ok(PublicField::Description)),
            last_seen_place: self.last_seen_place.clone().filter(|_| ok(PublicField::LastSeen)),
            last_seen_at: self.last_seen_at.filter(|_| ok(PublicField::LastSeen)),
            contact_phone: self.contact_phone.clone().filter(|_| ok(PublicField::ContactPhone)),
        }
    }

    /// The content with `update`'s fields over this one's (a field the update leaves out stays).
    pub fn merged(&self, update: AlertContent) -> AlertContent {
        AlertContent {
            name: update.name.or_else(|| self.name.clone()),
            age: update.age.or(self.age),
            photo_ref: update.photo_ref.or_else(|| self.photo_ref.clone()),
            description: update.description.or_else(|| self.description.clone()),
            last_seen_place: update.last_seen_place.or_else(|| self.last_seen_place.clone()),
            last_seen_at: update.last_seen_at.or(self.last_seen_at),
            contact_phone: update.contact_phone.or_else(|| self.contact_phone.clone()),
        }
    }
}

/// A supervisor's request for an alert on a case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAlertRequest {
    /// The fields the guardians consented to publish.
    pub consent_fields: Vec<PublicField>,
    /// Who gave the consent, as a relation to the child ("mother", "legal guardian").
    pub consent_given_by: String,
    /// What to publish. Fields left out are taken from the case where the consent allows it
    /// (name, age, description, last seen); the photo reference and the phone are given here.
    #[serde(default)]
    pub content: AlertContent,
}

impl NewAlertRequest {
    pub fn validate(mut self) -> Result<Self, DomainError> {
        self.consent_given_by = self.consent_given_by.trim().to_owned();
        self.consent_fields.sort();
        self.consent_fields.dedup();
        let mut v = Validation::new();
        v.required_text("consent_given_by", &self.consent_given_by, MAX_SHORT);
        let content = match std::mem::take(&mut self.content).validate(&self.consent_fields, "content.") {
            Ok(content) => content,
            Err(DomainError::Invalid(errors)) => {
                errors.into_iter().for_each(|e| v.push_error(e));
                AlertContent::default()
            }
            Err(e) => return Err(e),
        };
        v.finish()?;
        self.content = content;
        Ok(self)
    }
}

/// Who confirmed a criterion, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Confirmation {
    pub criterion: Criterion,
    pub by: Option<UserId>,
    pub by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    pub note: Option<String>,
}

/// The police's approval or the prosecutor's order: their reference, when it was given, and who
/// recorded it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Approval {
    pub reference: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub given_at: OffsetDateTime,
    pub recorded_by: Option<UserId>,
    pub recorded_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: OffsetDateTime,
}

/// Which approval is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalKind {
    Police,
    Prosecutor,
}

impl ApprovalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalKind::Police => "police_approval",
            ApprovalKind::Prosecutor => "prosecutor_order",
        }
    }
}

/// Checks an approval's reference and time (not after `now`, a plausible date).
pub fn check_approval(reference: &str, given_at: OffsetDateTime, now: OffsetDateTime) -> Result<String, DomainError> {
    let reference = reference.trim().to_owned();
    let mut v = Validation::new();
    v.required_text("reference", &reference, MAX_SHORT);
    if !crate::dates::plausible(given_at) {
        v.push("given_at", Problem::ImplausibleTime, "is not a plausible time");
    } else if given_at > now + Duration::minutes(5) {
        v.push("given_at", Problem::InFuture, "is in the future");
    }
    v.finish()?;
    Ok(reference)
}

/// Tidies and checks an optional note (blank is none).
pub fn check_note(note: Option<String>) -> Result<Option<String>, DomainError> {
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if let Some(text) = &note {
        let mut v = Validation::new();
        v.text("note", text, MAX_TEXT);
        v.finish()?;
    }
    Ok(note)
}

/// The kind of a CAP message (CAP 1.2 `msgType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MessageType {
    Alert,
    Update,
    Cancel,
}

impl MessageType {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::Alert => "Alert",
            MessageType::Update => "Update",
            MessageType::Cancel => "Cancel",
        }
    }

    pub fn parse(s: &str) -> Option<MessageType> {
        [MessageType::Alert, MessageType::Update, MessageType::Cancel].into_iter().find(|m| m.as_str() == s)
    }
}

/// One message an alert sent to the public: its publication, each update or extension, its
/// cancellation. Numbered from 1; `(alert, seq)` names it for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertMessage {
    pub seq: u32,
    pub msg_type: MessageType,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub sent_at: OffsetDateTime,
}

/// An alert request as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertView {
    pub id: AlertId,
    pub case_id: CaseId,
    pub case_number: String,
    pub organisation_id: OrganisationId,
    pub state: AlertState,
    pub requested_by: Option<UserId>,
    pub requested_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub requested_at: OffsetDateTime,
    /// The criteria confirmed so far, in the order of [`Criterion::ALL`].
    pub confirmations: Vec<Confirmation>,
    pub police_approval: Option<Approval>,
    pub prosecutor_order: Option<Approval>,
    pub consent: Consent,
    /// What is (or will be) published, within the consent.
    pub content: AlertContent,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub published_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub ends_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub closed_at: Option<OffsetDateTime>,
    /// The messages sent to the public, oldest first.
    pub messages: Vec<AlertMessage>,
}

impl AlertView {
    pub fn confirmation(&self, criterion: Criterion) -> Option<&Confirmation> {
        self.confirmations.iter().find(|c| c.criterion == criterion)
    }

    /// What still stands between the request and its publication, each named: the criteria not
    /// yet confirmed and the approvals not yet recorded. Empty when it may be published.
    pub fn missing_for_publication(&self) -> Vec<crate::FieldError> {
        let mut v = Validation::new();
        for criterion in Criterion::ALL {
            if self.confirmation(criterion).is_none() {
                v.push(format!("criteria.{}", criterion.as_str()), Problem::Required, "has not been confirmed yet");
            }
        }
        if self.police_approval.is_none() {
            v.push("police_approval", Problem::Required, "has not been recorded yet");
        }
        if self.prosecutor_order.is_none() {
            v.push("prosecutor_order", Problem::Required, "has not been recorded yet");
        }
        v.into_errors()
    }

    /// Whether the public sees it at `now`.
    pub fn is_live(&self, now: OffsetDateTime) -> bool {
        self.state == AlertState::Published && self.ends_at.is_some_and(|end| now < end)
    }
}

/// The end time asked for a publication or an extension, checked: after `now`, and no later than
/// [`MAX_HOURS`] after `published_at`. `None` asks for the default, [`DEFAULT_HOURS`] after
/// publication.
pub fn check_end(
    published_at: OffsetDateTime,
    asked: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, DomainError> {
    let end = asked.unwrap_or(published_at + Duration::hours(DEFAULT_HOURS));
    let latest = published_at + Duration::hours(MAX_HOURS);
    let mut v = Validation::new();
    if end > latest {
        v.push_limit(
            "ends_at",
            Problem::InFuture,
            u32::try_from(MAX_HOURS).unwrap_or(24),
            format!(
                "is more than {MAX_HOURS} hours after the alert was published; an alert lasts at most {MAX_HOURS} hours"
            ),
        );
    } else if end <= now {
        v.push("ends_at", Problem::ImplausibleTime, "is not in the future");
    }
    v.finish()?;
    Ok(end)
}

/// The changes an alert request accepts after it is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertChange {
    /// The actor confirms that a criterion holds (before publication).
    Confirm { criterion: Criterion, note: Option<String> },
    /// The actor records the police's approval or the prosecutor's order (before publication).
    Approve { kind: ApprovalKind, reference: String, given_at: OffsetDateTime },
    /// New content, within the consent; fields left out stay. After publication, an update
    /// sent to the public.
    SetContent(AlertContent),
    /// Publishes the alert until `ends_at` (default [`DEFAULT_HOURS`] from now).
    Publish { ends_at: Option<OffsetDateTime> },
    /// Moves a published alert's end time later, at most [`MAX_HOURS`] after publication.
    Extend { ends_at: OffsetDateTime },
    /// Cancels the request, or the published alert (a cancellation is sent to the public).
    Cancel,
}

impl AlertChange {
    /// The policy action the change needs.
    pub fn action(&self) -> crate::policy::Action {
        use crate::policy::Action;
        match self {
            AlertChange::Confirm { .. } => Action::AlertConfirm,
            AlertChange::Approve { .. } => Action::AlertApprove,
            AlertChange::SetContent(_)
            | AlertChange::Publish { .. }
            | AlertChange::Extend { .. }
            | AlertChange::Cancel => Action::AlertPublish,
        }
    }
}

/// What the public is shown of a live or cancelled alert: its messages and only the consented
/// content of its latest one. Made by the store from published alerts only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicAlert {
    pub id: AlertId,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    /// `Published` (live until `ends_at`) or `Cancelled`.
    pub state: AlertState,
    pub published_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub messages: Vec<AlertMessage>,
    /// The consented content of the latest message (empty for a cancelled alert).
    pub content: AlertContent,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn content() -> AlertContent {
        AlertContent {
            name: Some("Test Child".into()),
            age: Some(12),
            description: Some("Red jacket".into()),
            ..AlertContent::default()
        }
    }

    #[test]
    fn content_outside_the_consent_is_refused_naming_each_field() {
        let Err(DomainError::Invalid(errors)) = content().validate(&[PublicField::Name], "content.") else {
            panic!("accepted unconsented fields");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["content.age", "content.description"]);
    }

    #[test]
    fn within_drops_every_unconsented_field() {
        let shown = content().within(&[PublicField::Age]);
        assert_eq!(shown, AlertContent { age: Some(12), ..AlertContent::default() });
        assert_eq!(content().within(&[]), AlertContent::default());
    }

    #[test]
    fn an_alert_lasts_six_hours_by_default_and_at_most_twenty_four() {
        let at = datetime!(2026-11-30 10:00 UTC);
        assert_eq!(check_end(at, None, at), Ok(at + Duration::hours(6)));
        assert_eq!(check_end(at, Some(at + Duration::hours(24)), at), Ok(at + Duration::hours(24)));
        assert!(check_end(at, Some(at + Duration::hours(24) + Duration::minutes(1)), at).is_err());
        assert!(check_end(at, Some(at), at).is_err());
    }
}
