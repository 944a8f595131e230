//! The audit trail: who did what to which record, when, from where.
//!
//! Entries are append-only and chained: each carries the SHA-256 of its own fields and the
//! previous entry's hash, so editing or deleting any entry breaks the chain from there on,
//! which [`crate::Store::verify_audit`] reports by sequence number.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash the first entry chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an audit entry records. The numbers are stable and never reused: a retired code stays
/// retired, a new event gets a new number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditCode {
    OrganisationCreated = 1000,
    UserCreated = 1100,
    UsersListed = 1101,
    PasswordChanged = 1102,
    LoginSucceeded = 1103,
    LoginFailed = 1104,
    LoggedOut = 1105,
    ApiTokenCreated = 1106,
    UserDeactivated = 1107,
    UserReactivated = 1108,
    ApiTokenRevoked = 1109,
    PreferencesChanged = 1110,
    CaseCreated = 2000,
    CaseRead = 2001,
    CasesListed = 2002,
    CaseEventsRead = 2003,
    ContactAdded = 2010,
    NoteAdded = 2011,
    StatusChanged = 2012,
    Recategorised = 2013,
    RiskAssessed = 2014,
    Assigned = 2015,
    IdentifierLinked = 2016,
    PersonLinked = 2017,
    TaskCreated = 2018,
    TaskCompleted = 2019,
    CaseShared = 2020,
    IndicatorObserved = 2021,
    TasksListed = 2022,
    DraftSaved = 2023,
    DraftRead = 2024,
    DraftDiscarded = 2025,
    /// Children who may be the one a report describes, shown to a person (names: an audited read).
    CandidatesListed = 2026,
    /// The suggested and decided matches of a case, shown to a person.
    MatchesRead = 2027,
    MatchConfirmed = 2028,
    MatchRejected = 2029,
    /// Pairs the linkage engine suggested, recorded by the system's own job.
    MatchesSuggested = 2030,
    /// Children's records read by the system to build its linkage index.
    LinkageRecordsRead = 2031,
    ChildEdited = 2032,
    /// Answers to the structured risk questions recorded on a case.
    RiskQuestionsAnswered = 2033,
    /// The stored trafficking assessments of a case, shown to a person.
    AssessmentsRead = 2034,
    /// A case was handed over to a police unit.
    HandedToPolice = 2035,
    /// A detector raised an early warning (by the case, or the system's full re-evaluation).
    WarningRaised = 2040,
    /// Cases joined a live warning, or its level rose.
    WarningUpdated = 2041,
    /// A reader listed the organisation's warnings.
    WarningsListed = 2042,
    WarningRead = 2043,
    /// A supervisor acknowledged, acted on or dismissed a warning.
    WarningDecided = 2044,
    /// Every case re-evaluated by the detectors.
    WarningsRescanned = 2045,
    /// A reader was shown a warning's network: its cases, those one hop further and the
    /// identifiers that link them.
    WarningNetworkRead = 2046,
    /// A response target or a task's due time was missed: the escalation job raised it.
    EscalationRaised = 2050,
    /// An escalation nobody acknowledged was raised again.
    EscalationRepeated = 2051,
    /// A reader was shown escalations (the queue, or a case's).
    EscalationsListed = 2052,
    /// A supervisor acknowledged an escalation.
    EscalationAcknowledged = 2053,
    /// The escalation job saw an unacknowledged escalation's deadline no longer missed.
    EscalationCleared = 2054,
    /// A supervisor took the duty until a time, or ended it (escalations are e-mailed to the
    /// supervisors on duty).
    DutyChanged = 2055,
    /// A reader was shown a case's police hand-over package (the child, last seen, risk,
    /// identifiers, timeline and hand-overs).
    HandoverPackageRead = 2060,
    /// A supervisor opened a child alert request on a case (with the guardians' consent).
    AlertRequested = 2070,
    /// A criterion of a child alert request was confirmed.
    AlertCriterionConfirmed = 2071,
    /// The police's approval or the prosecutor's order of a child alert was recorded.
    AlertApprovalRecorded = 2072,
    /// A child alert was published.
    AlertPublished = 2073,
    /// A published child alert's content was updated (within the consent).
    AlertUpdated = 2074,
    /// A published child alert's end time was extended.
    AlertExtended = 2075,
    /// A child alert (request) was cancelled.
    AlertCancelled = 2076,
    /// The alert job saw a child alert's end time pass.
    AlertExpired = 2077,
    /// A reader listed child alerts (the organisation's, or a case's).
    AlertsListed = 2078,
    /// A reader was shown one child alert request with its content; or its content was changed
    /// before publication.
    AlertRead = 2079,
    /// Notifications were queued in the outbox for a fact (an escalation raised or raised again):
    /// how many e-mails, which webhooks. Never what they say.
    NotificationsQueued = 2080,
    /// The delivery job delivered a notification.
    NotificationDelivered = 2081,
    /// An attempt to deliver a notification failed; it will be tried again.
    NotificationAttemptFailed = 2082,
    /// The last attempt to deliver a notification failed: the job gave up, and the
    /// organisation's supervisors are shown it.
    NotificationFailed = 2083,
    /// Notifications not sent yet were cancelled (their escalation was acknowledged).
    NotificationsCancelled = 2084,
    /// A supervisor was shown the organisation's notifications that could not be delivered.
    NotificationsListed = 2085,
    /// A member of the public sent a sighting (from their address; never what they saw).
    SightingReceived = 2090,
    /// A reader was shown the inbox of sightings from the public.
    SightingsListed = 2091,
    /// A reader was shown one sighting from the public.
    SightingRead = 2092,
    /// A reader was shown the photo sent with a sighting.
    SightingPhotoRead = 2093,
    /// A sighting from the public was attached to a case.
    SightingAttached = 2094,
    /// A sighting from the public was dismissed with a reason.
    SightingDismissed = 2095,
    /// A reader was shown the sightings attached to a case.
    CaseSightingsRead = 2096,
    /// An instance took over a background job (its first claim, or the last holder's lease ran
    /// out); renewals by the holder are not recorded.
    JobClaimed = 2100,
    /// A request the policy refused, or for a case the actor may not see.
    AccessDenied = 3000,
}

impl AuditCode {
    pub fn code(self) -> i64 {
        self as i64
    }

    /// The stable name stored beside the code.
    pub fn name(self) -> &'static str {
        use AuditCode::*;
        match self {
            OrganisationCreated => "organisation.created",
            UserCreated => "user.created",
            UsersListed => "user.listed",
            PasswordChanged => "user.password_changed",
            LoginSucceeded => "session.login",
            LoginFailed => "session.login_failed",
            LoggedOut => "session.logout",
            ApiTokenCreated => "token.created",
            UserDeactivated => "user.deactivated",
            UserReactivated => "user.reactivated",
            ApiTokenRevoked => "token.revoked",
            PreferencesChanged => "user.preferences_changed",
            CaseCreated => "case.created",
            CaseRead => "case.read",
            CasesListed => "case.listed",
            CaseEventsRead => "case.events_read",
            ContactAdded => "case.contact_added",
            NoteAdded => "case.note_added",
            StatusChanged => "case.status_changed",
            Recategorised => "case.recategorised",
            RiskAssessed => "case.risk_assessed",
            Assigned => "case.assigned",
            IdentifierLinked => "case.identifier_linked",
            PersonLinked => "case.person_linked",
            TaskCreated => "case.task_created",
            TaskCompleted => "case.task_completed",
            CaseShared => "case.shared",
            IndicatorObserved => "case.indicator_observed",
            TasksListed => "case.tasks_listed",
            DraftSaved => "draft.saved",
            DraftRead => "draft.read",
            DraftDiscarded => "draft.discarded",
            CandidatesListed => "case.candidates_listed",
            MatchesRead => "case.matches_read",
            MatchConfirmed => "case.match_confirmed",
            MatchRejected => "case.match_rejected",
            MatchesSuggested => "linkage.suggested",
            LinkageRecordsRead => "linkage.records_read",
            ChildEdited => "case.child_edited",
            RiskQuestionsAnswered => "case.risk_questions_answered",
            AssessmentsRead => "case.assessments_read",
            HandedToPolice => "case.handed_to_police",
            WarningRaised => "warning.raised",
            WarningUpdated => "warning.updated",
            WarningsListed => "warning.listed",
            WarningRead => "warning.read",
            WarningDecided => "warning.decided",
            WarningsRescanned => "warning.rescanned",
            WarningNetworkRead => "warning.network_read",
            EscalationRaised => "escalation.raised",
            EscalationRepeated => "escalation.repeated",
            EscalationsListed => "escalation.listed",
            EscalationAcknowledged => "escalation.acknowledged",
            EscalationCleared => "escalation.cleared",
            DutyChanged => "escalation.duty_changed",
            HandoverPackageRead => "case.handover_package_read",
            AlertRequested => "alert.requested",
            AlertCriterionConfirmed => "alert.criterion_confirmed",
            AlertApprovalRecorded => "alert.approval_recorded",
            AlertPublished => "alert.published",
            AlertUpdated => "alert.updated",
            AlertExtended => "alert.extended",
            AlertCancelled => "alert.cancelled",
            AlertExpired => "alert.expired",
            AlertsListed => "alert.listed",
            AlertRead => "alert.read",
            NotificationsQueued => "notification.queued",
            NotificationDelivered => "notification.delivered",
            NotificationAttemptFailed => "notification.attempt_failed",
            NotificationFailed => "notification.failed",
            NotificationsCancelled => "notification.cancelled",
            NotificationsListed => "notification.listed",
            SightingReceived => "sighting.received",
            SightingsListed => "sighting.listed",
            SightingRead => "sighting.read",
            SightingPhotoRead => "sighting.photo_read",
            SightingAttached => "case.sighting_attached",
            SightingDismissed => "sighting.dismissed",
            CaseSightingsRead => "case.sightings_read",
            JobClaimed => "job.claimed",
            AccessDenied => "access.denied",
        }
    }
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor_user_id: Option<String>,
    pub actor_organisation_id: Option<String>,
    pub origin: String,
    pub code: i64,
    pub action: String,
    pub record_type: String,
    pub record_id: Option<String>,
    /// JSON with what else matters (the ids a list returned, the status a case moved to).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry must carry, from its fields and the previous hash.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        // Length-prefix every field so that no two different entries hash the same bytes.
        let mut field = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        field(&self.prev_hash);
        field(&self.seq.to_string());
        field(&self.at);
        field(self.actor_user_id.as_deref().unwrap_or("-"));
        field(self.actor_organisation_id.as_deref().unwrap_or("-"));
        field(&self.origin);
        field(&self.code.to_string());
        field(&self.action);
        field(&self.record_type);
        field(self.record_id.as_deref().unwrap_or("-"));
        field(&self.detail);
        hex::encode(h.finalize())
    }
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// How many entries were checked.
    pub entries: u64,
    /// The first entry that does not verify, and why; `None` when the chain is whole.
    pub first_bad: Option<(i64, String)>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// Walks entries in sequence order and reports the first break.
pub fn verify<I: IntoIterator<Item = AuditEntry>>(entries: I) -> VerifyReport {
    let mut prev_hash = GENESIS.to_owned();
    let mut count = 0;
    for (expected_seq, entry) in (1..).zip(entries) {
        count += 1;
        let problem = if entry.seq != expected_seq {
            Some(format!("expected entry {expected_seq} next but found {}: entries are missing", entry.seq))
        } else if entry.prev_hash != prev_hash {
            Some(
                "its previous-hash does not match the entry before it: an entry before it was changed or removed"
                    .into(),
            )
        } else if entry.compute_hash() != entry.hash {
            Some("its contents do not match its hash: the entry was edited".into())
        } else {
            None
        };
        if let Some(problem) = problem {
            return VerifyReport { entries: count, first_bad: Some((entry.seq.min(expected_seq), problem)) };
        }
        prev_hash = entry.hash;
    }
    VerifyReport { entries: count, first_bad: None }
}
