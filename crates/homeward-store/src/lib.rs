//! Homeward's storage: the [`Store`] trait and [`SqlStore`], its one implementation, which runs
//! the same commands on SQLite or PostgreSQL.
//!
//! The trait speaks in whole commands — `create_case(actor, NewCase)`, `change_case(actor, id,
//! change)` — never in rows. Each command checks the authorisation policy against the data it
//! touches, writes the case's event, its projection and its audit entry in one transaction, and
//! either all of it lands or none of it does. Only this crate knows SQL.
//!
//! SQLite runs in WAL mode with `synchronous = FULL`, PostgreSQL with its default synchronous
//! commit: an acknowledged write survives a crash of the process or of the machine. All writes
//! go through one writer thread per store that commits the commands waiting at that moment
//! together (group commit), each inside its own savepoint, so one failing command never takes
//! another with it and one fsync serves many. On PostgreSQL several stores (instances) may share
//! one database: each batch takes an advisory lock, so their writers take turns and the audit
//! chain stays one chain. The commands speak SQL both engines read alike, through [`db::Conn`].

pub mod audit;
pub mod db;
pub mod secrets;
pub mod sql;
mod timefmt;
pub mod transfer;

use homeward_domain::case::NewCase;
use homeward_domain::linkage::{
    Candidate, CaseMatch, LinkageRecord, LinkageSeq, MatchDecision, MatchReason, MatchSuggestion,
};
use homeward_domain::org::{Actor, NewOrganisation, NewUser, Organisation, User};
use homeward_domain::policy::Denied;
use homeward_domain::view::{CaseChange, CaseFilter, CaseSummary, CaseView, Page};
use homeward_domain::warning::{Level, WarningDecision, WarningKind, WarningNetwork, WarningView};
use homeward_domain::{CaseId, ChildId, DomainError, UserId, WarningId};
use time::OffsetDateTime;

pub use audit::{AuditCode, AuditEntry, VerifyReport};

/// What [`Store::case_record`] reads beside the case, its events, matches and sightings (each
/// also only as the actor's role allows, as its own command would).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordWants {
    pub warnings: bool,
    pub escalations: bool,
}

/// A case as its page shows it ([`Store::case_record`]). A part the actor may not see, or did
/// not want, is empty.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub view: CaseView,
    pub events: Vec<homeward_domain::case::CaseEvent>,
    pub matches: Vec<CaseMatch>,
    pub warnings: Vec<(WarningId, WarningKind, Level)>,
    pub escalations: Vec<homeward_domain::escalation::EscalationView>,
    pub sightings: Vec<homeward_domain::sighting::SightingView>,
}
pub use sql::warnings::{Rescan, TrendTest, stored_key};
pub use sql::{Durability, SqlStore};

/// Why a store command failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The domain refused the command: invalid input or a step the lifecycle forbids.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The policy refused the actor.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// No such record, or none the actor may see.
    #[error("{0} not found")]
    NotFound(String),
    /// The command clashes with what is stored (a second user with the same e-mail address).
    #[error("{0}")]
    Conflict(String),
    /// The database failed; the command left nothing behind.
    #[error("database error: {0}")]
    Database(db::Error),
    /// A text held a character no backend stores (NUL); the command left nothing behind.
    #[error("{0}")]
    Text(String),
    /// A stored value could not be read back; this is a bug or a damaged database.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// The database URL is not one this build can open.
    #[error("{0}")]
    Url(String),
    /// The store's writer has stopped; the process must be restarted.
    #[error("the database writer has stopped")]
    WriterStopped,
    /// The current password given to change it was wrong.
    #[error("the current password is not correct")]
    WrongPassword,
    /// Hashing a password failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("cannot prepare the database folder {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<db::Error> for StoreError {
    fn from(e: db::Error) -> Self {
        match e {
            db::Error::Nul => StoreError::Text(e.to_string()),
            e => StoreError::Database(e),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::from(db::Error::from(e))
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Database(db::Error::from(e))
    }
}

/// What [`Store::import_case`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    /// The case was opened now.
    Opened(Box<CaseView>),
    /// The organisation opened a case by that reference before; nothing was written.
    Before { case_id: homeward_domain::CaseId, number: String },
}

/// What one run of the escalation job stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EscalationReport {
    /// Escalations raised for the first time.
    pub raised: u32,
    /// Escalations nobody acknowledged, raised again.
    pub repeated: u32,
    /// Escalations nobody acknowledged whose deadline is no longer missed, marked so.
    pub cleared: u32,
}

/// How a request proves who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    /// The secret in a browser's session cookie.
    Session(&'a str),
    /// An API token from an `Authorization: Bearer` header.
    Token(&'a str),
}

/// A newly created user and the one-time password to hand them.
#[derive(Debug, Clone)]
pub struct CreatedUser {
    pub user: User,
    pub password: String,
}

/// The clock the store stamps events with. Tests pass a fixed one.
pub type Clock = std::sync::Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    std::sync::Arc::new(OffsetDateTime::now_utc)
}

/// Everything Homeward stores, as whole commands. Each writes its audit entry itself.
pub trait Store: Send + Sync + 'static {
    /// Creates an organisation. The command line acts as [`Actor::command_line`].
    fn create_organisation(&self, actor: &Actor, new: NewOrganisation) -> Result<Organisation>;
    fn list_organisations(&self, actor: &Actor) -> Result<Vec<Organisation>>;
    fn organisation_by_name(&self, name: &str) -> Result<Option<Organisation>>;

    /// Creates a user with a random one-time password, returned once.
    fn create_user(&self, actor: &Actor, new: NewUser) -> Result<CreatedUser>;
    /// Creates a user with a chosen password that need not be changed (demo data only).
    fn create_user_with_password(&self, actor: &Actor, new: NewUser, password: &str) -> Result<User>;
    fn list_users(&self, actor: &Actor) -> Result<Vec<User>>;
    /// Deactivates (ending every session and token at once) or reactivates a user.
    fn set_user_active(&self, actor: &Actor, user: UserId, active: bool) -> Result<User>;
    fn user_by_email(&self, email: &str) -> Result<Option<User>>;

    /// Checks a password; on success opens a session and returns its secret. Every attempt is
    /// audited. `None` means wrong e-mail address or password, without saying which.
    fn login(&self, origin: &str, email: &str, password: &str) -> Result<Option<(User, String)>>;
    fn logout(&self, actor: &Actor, session_secret: &str) -> Result<()>;
    /// Replaces the caller's password after checking the current one, and ends every other
    /// session of theirs (a stolen session must not outlive the password change).
    fn change_password(&self, actor: &Actor, current: &str, new: &str, keep_session: Option<&str>) -> Result<()>;
    /// Issues an API token for a user; the secret is returned once and stored hashed.
    fn create_api_token(&self, actor: &Actor, user: UserId, name: &str) -> Result<String>;
    /// The caller's own API tokens (ids and names, never secrets).
    fn list_api_tokens(&self, actor: &Actor) -> Result<Vec<homeward_domain::org::ApiToken>>;
    /// Revokes one of the caller's own API tokens.
    fn revoke_api_token(&self, actor: &Actor, id: homeward_domain::TokenId) -> Result<()>;
    /// Changes the actor's own language and time zone.
    fn set_preferences(&self, actor: &Actor, preferences: homeward_domain::org::Preferences) -> Result<User>;
    /// The user a session or token belongs to, if it is valid now.
    fn authenticate(&self, credential: Credential<'_>) -> Result<Option<User>>;

    fn create_case(&self, actor: &Actor, new: NewCase) -> Result<CaseView>;
    /// Opens a case the actor's organisation knows by its own reference (`case_ref`), unless
    /// it opened one by that reference before: an import run twice opens each case once.
    fn import_case(&self, actor: &Actor, new: NewCase, case_ref: String) -> Result<Imported>;
    /// Opens a case and, in the same transaction, answers the children it may be about:
    /// [`Store::match_candidates`] for the new case, with what the linkage engine found for the
    /// report before it was written. One command, one commit.
    fn create_case_with_candidates(
        &self,
        actor: &Actor,
        new: NewCase,
        found: Vec<(ChildId, f64, Vec<MatchReason>)>,
        limit: usize,
    ) -> Result<(CaseView, Vec<Candidate>)>;
    fn get_case(&self, actor: &Actor, id: CaseId) -> Result<CaseView>;
    /// What a case page shows, read in one snapshot and audited as each part's own read would
    /// be (`case.read`, `case.events_read`, …) with one commit: the case, its events, and what
    /// the actor may see of its matches, sightings and — when `wants` asks and the case is the
    /// actor's organisation's own — its warnings and escalations.
    fn case_record(&self, actor: &Actor, id: CaseId, wants: RecordWants) -> Result<CaseRecord>;
    fn list_cases(&self, actor: &Actor, filter: CaseFilter) -> Result<Page<CaseSummary>>;
    /// Keeps the report the actor is typing (the form's fields as a JSON object).
    fn save_draft(&self, actor: &Actor, fields: serde_json::Map<String, serde_json::Value>) -> Result<()>;
    /// The actor's kept report and when it was last saved.
    fn draft(&self, actor: &Actor) -> Result<Option<Draft>>;
    /// Deletes the actor's kept report (saved as a case, or thrown away).
    fn discard_draft(&self, actor: &Actor) -> Result<()>;
    /// Who these users are, as a timeline shows them: the display name of a colleague (same
    /// organisation), the organisation's name for anyone else. Unknown ids are left out.
    fn who_is(&self, actor: &Actor, users: &[UserId]) -> Result<std::collections::HashMap<UserId, String>>;
    /// The open tasks assigned to the actor, across the cases they may see.
    fn my_tasks(&self, actor: &Actor) -> Result<Vec<homeward_domain::view::TaskSummary>>;
    fn case_events(&self, actor: &Actor, id: CaseId) -> Result<Vec<homeward_domain::case::CaseEvent>>;
    fn change_case(&self, actor: &Actor, id: CaseId, change: CaseChange) -> Result<CaseView>;

    /// Children who may be the one a report describes, as the cases the actor may read: `found`
    /// is what the linkage engine found (child, probability, reasons; most likely first) and is
    /// filtered here, so that no child of a case the actor may not read is ever answered, nor
    /// counted. With `case` (the case just opened) those at or above
    /// [`homeward_domain::linkage::SUGGEST_FROM`] are kept as suggestions to decide. Audited.
    fn match_candidates(
        &self,
        actor: &Actor,
        case: Option<CaseId>,
        found: Vec<(ChildId, f64, Vec<MatchReason>)>,
        limit: usize,
    ) -> Result<Vec<Candidate>>;
    /// The suggested and decided matches of a case, as far as the actor may read the other case.
    fn case_matches(&self, actor: &Actor, id: CaseId) -> Result<Vec<CaseMatch>>;
    /// A person's decision that two cases are (confirm) or are not (reject) about the same child.
    /// A confirmation joins the two children's identities, so their episodes count together; a
    /// pair already decided is a conflict. Audited.
    fn decide_match(
        &self,
        actor: &Actor,
        id: CaseId,
        other: CaseId,
        decision: MatchDecision,
        reason: Option<String>,
    ) -> Result<CaseMatch>;
    /// The children committed after `after`, in the order they were committed, for the system's
    /// linkage index and job. Audited as the system.
    fn linkage_records(&self, after: LinkageSeq, limit: u32) -> Result<Vec<LinkageRecord>>;
    /// One child as the linkage index reads them now (`None`: no such child). Audited as the
    /// system.
    fn linkage_record(&self, child: ChildId) -> Result<Option<LinkageRecord>>;
    /// The place of the last child the linkage job has linked (0 before its first run).
    fn linkage_watermark(&self) -> Result<LinkageSeq>;
    /// Keeps the pairs the linkage job found (at or above the suggestion threshold; pairs already
    /// suggested or decided are left as they are) and moves the job's watermark. Returns how many
    /// pairs were new. Audited as the system.
    fn record_match_suggestions(&self, suggestions: Vec<MatchSuggestion>, watermark: Option<LinkageSeq>)
    -> Result<u32>;

    /// The organisation's early warnings: the live ones (open or acknowledged, the supervisor's
    /// queue) or the closed ones, most urgent first. Audited.
    fn list_warnings(&self, actor: &Actor, live: bool) -> Result<Vec<WarningView>>;
    fn get_warning(&self, actor: &Actor, id: WarningId) -> Result<WarningView>;
    /// The network of a shared-identifier warning: its cases, the cases of the same organisation
    /// one hop further that share one of their identifiers, and the identifiers two or more of
    /// them hold (bounded; `truncated` says when it was cut). Read as `get_warning` is, and
    /// audited with the cases and identifiers shown; another kind of warning has no network
    /// (`Conflict`).
    fn warning_network(&self, actor: &Actor, id: WarningId) -> Result<WarningNetwork>;
    /// Acknowledge, act on or dismiss a warning; a dismissal and an action need a reason.
    fn decide_warning(
        &self,
        actor: &Actor,
        id: WarningId,
        decision: WarningDecision,
        reason: Option<String>,
    ) -> Result<WarningView>;
    /// The live warnings a case of the actor's own organisation is part of, for its page; none
    /// for another organisation's case. Audited when there are any.
    fn case_warnings(&self, actor: &Actor, id: CaseId) -> Result<Vec<(WarningId, WarningKind, Level)>>;
    /// The indicator catalogue the store assesses cases with from now on (an organisation's own;
    /// the built-in one until this is called).
    fn use_catalogue(&self, catalogue: std::sync::Arc<homeward_risk::Catalogue>);
    /// Every trafficking assessment the store kept for a case (one each time a change changed
    /// the result), oldest first, with its catalogue version. Audited.
    fn case_assessments(&self, actor: &Actor, id: CaseId) -> Result<Vec<homeward_domain::risk::StoredAssessment>>;
    /// The response plan the store makes tasks from templates with from now on (none until this
    /// is called: the binary gives the plan in force).
    fn use_response_plan(&self, plan: std::sync::Arc<homeward_risk::response::ResponsePlan>);
    /// Every case not closed, with its events: what the escalation job checks the response
    /// targets and due tasks against. The anonymous skeleton only (no personal data), read by
    /// the system; not audited.
    fn response_cases(&self) -> Result<Vec<(homeward_domain::case::Case, Vec<homeward_domain::case::CaseEvent>)>>;
    /// Raises each missed deadline once (one escalation per case, subject and deadline, however
    /// often the job runs), and raises again every `repeat_every` those nobody acknowledged that
    /// are still missed. `missed` is everything missed now: an unacknowledged escalation whose
    /// case and subject are not in it is marked cleared. Audited as the system.
    fn record_escalations(
        &self,
        missed: Vec<homeward_domain::escalation::Missed>,
        now: OffsetDateTime,
        repeat_every: time::Duration,
    ) -> Result<EscalationReport>;
    /// The escalations of the actor's organisation: open (not yet acknowledged; the supervisors'
    /// queue, most overdue first) or acknowledged (latest first). Audited.
    fn list_escalations(&self, actor: &Actor, open: bool) -> Result<Vec<homeward_domain::escalation::EscalationView>>;
    /// Who of the actor's organisation's supervisors is on duty, and the actor's own duty.
    fn duty(&self, actor: &Actor) -> Result<homeward_domain::escalation::Duty>;
    /// A supervisor takes the duty until a time (at most a day on) or ends it (`None`):
    /// escalations are e-mailed to the supervisors on duty, and to all while none is. Audited.
    fn set_duty(&self, actor: &Actor, until: Option<time::OffsetDateTime>)
    -> Result<homeward_domain::escalation::Duty>;
    /// Every escalation of one case of the actor's organisation, open first. Audited.
    fn case_escalations(&self, actor: &Actor, id: CaseId) -> Result<Vec<homeward_domain::escalation::EscalationView>>;
    /// A supervisor takes up an escalation (with an optional note): it is not raised again.
    /// Acknowledged once; a second acknowledgement is a conflict. Audited.
    fn acknowledge_escalation(
        &self,
        actor: &Actor,
        id: homeward_domain::EscalationId,
        note: Option<String>,
    ) -> Result<homeward_domain::escalation::EscalationView>;
    /// Who is notified from now on (the settings' `[notifications]`): every active supervisor by
    /// e-mail when it is on, and each organisation's webhooks. Until this is called nobody is, and
    /// nothing is queued.
    fn use_notification_routes(&self, routes: std::sync::Arc<homeward_domain::notification::Routes>);
    /// The notifications due at `now` (at most `limit`, those due longest first), for the
    /// delivery job. They carry no personal data of a child; read by the system, not audited.
    fn due_notifications(&self, now: OffsetDateTime, limit: u32)
    -> Result<Vec<homeward_domain::notification::Pending>>;
    /// Records one attempt to deliver a notification: delivered, to be tried again at a time, or
    /// given up (failed, shown to the supervisors). Answers the state it is in now (a
    /// notification cancelled meanwhile stays cancelled). Audited as the system.
    fn record_notification_attempt(
        &self,
        id: homeward_domain::NotificationId,
        outcome: homeward_domain::notification::Outcome,
        now: OffsetDateTime,
    ) -> Result<homeward_domain::notification::State>;
    /// The actor's organisation's notifications that could not be delivered in the last seven
    /// days, latest first (supervisors). Audited.
    fn failed_notifications(&self, actor: &Actor) -> Result<Vec<homeward_domain::notification::NotificationView>>;
    /// The police hand-over package of a case: the case in full, its timeline and every
    /// hand-over recorded (when, to which unit, by whom, the reference), in one read. The case's
    /// own organisation (operators, case managers, supervisors) and the police liaison of a unit
    /// it was handed to may read it; a unit it is only shared with is refused. Audited.
    fn handover_package(&self, actor: &Actor, id: CaseId) -> Result<homeward_domain::handover::HandoverPackage>;
    /// Opens a child alert request on a case (supervisors of the case's organisation) with the
    /// guardians' consent; what to publish is taken from the request and, where the consent
    /// allows and the request leaves it out, from the case. Audited.
    fn request_alert(
        &self,
        actor: &Actor,
        case: CaseId,
        new: homeward_domain::alert::NewAlertRequest,
    ) -> Result<homeward_domain::alert::AlertView>;
    /// The alert requests of one case of the actor's own organisation, latest first. Audited.
    fn case_alerts(&self, actor: &Actor, case: CaseId) -> Result<Vec<homeward_domain::alert::AlertView>>;
    /// The actor's organisation's alert requests: live alerts first, then open requests, then
    /// the rest, latest first. Audited.
    fn list_alerts(&self, actor: &Actor) -> Result<Vec<homeward_domain::alert::AlertView>>;
    /// One alert request of the actor's own organisation (another's is not found). Audited.
    fn get_alert(
        &self,
        actor: &Actor,
        id: homeward_domain::alert::AlertId,
    ) -> Result<homeward_domain::alert::AlertView>;
    /// Confirms a criterion, records an approval, sets the content (within the consent),
    /// publishes (only with every criterion confirmed and both approvals recorded), extends
    /// (at most 24 hours after publication) or cancels. Each change is audited; a change that
    /// reaches the public adds the message it is sent as (CAP Alert, Update, Cancel).
    fn change_alert(
        &self,
        actor: &Actor,
        id: homeward_domain::alert::AlertId,
        change: homeward_domain::alert::AlertChange,
    ) -> Result<homeward_domain::alert::AlertView>;
    /// Marks every published alert whose end time has passed by `now` expired; answers how many.
    /// Audited as the system.
    fn expire_alerts(&self, now: OffsetDateTime) -> Result<u32>;
    /// What the public may be shown at `now` (published alerts before their end, and alerts
    /// cancelled after publication before their end, without content), the content filtered by
    /// the consent. For the server's public snapshot; not audited (it is public).
    fn public_alerts(&self, now: OffsetDateTime) -> Result<Vec<homeward_domain::alert::PublicAlert>>;
    /// Runs every case through the detectors again (the system's full re-evaluation).
    fn rescan_warnings(&self) -> Result<Rescan>;
    /// The trend job, once: tests every week of a category or region whose count of reports
    /// changed since its last test, and raises or updates the trend warning of a week that
    /// rises above its baseline. Reads the weeks outside the writer's transaction; only a
    /// rising week is read again inside it. Audited (a warning raised or changed) as the system.
    fn test_trends(&self) -> Result<TrendTest>;

    /// Keeps a sighting sent by a member of the public from `origin` (their address), checked
    /// against the store's clock, with its photo (its type already told from its bytes). No
    /// actor: the public page needs no login; nothing but the sighting is written. Audited.
    fn submit_sighting(
        &self,
        origin: &str,
        sighting: homeward_domain::sighting::NewSighting,
        photo: Option<homeward_domain::sighting::Photo>,
    ) -> Result<homeward_domain::sighting::SightingReceipt>;
    /// The inbox of sightings from the public nobody has attached or dismissed yet, newest
    /// first, for those who take reports. Audited.
    fn list_sightings(&self, actor: &Actor) -> Result<Vec<homeward_domain::sighting::SightingView>>;
    /// One sighting: in the inbox, or attached to a case of the actor's organisation. Audited.
    fn get_sighting(
        &self,
        actor: &Actor,
        id: homeward_domain::SightingId,
    ) -> Result<homeward_domain::sighting::SightingView>;
    /// The photo sent with a sighting, read as the sighting is. Audited.
    fn sighting_photo(
        &self,
        actor: &Actor,
        id: homeward_domain::SightingId,
    ) -> Result<homeward_domain::sighting::Photo>;
    /// Attaches a sighting in the inbox to a case of the actor's own organisation: the case's
    /// `sighting_attached` event, in the same transaction. Once only (409 after). Audited.
    fn attach_sighting(
        &self,
        actor: &Actor,
        id: homeward_domain::SightingId,
        case: CaseId,
    ) -> Result<homeward_domain::sighting::SightingView>;
    /// Dismisses a sighting in the inbox with a reason (required). Once only. Audited.
    fn dismiss_sighting(
        &self,
        actor: &Actor,
        id: homeward_domain::SightingId,
        reason: Option<String>,
    ) -> Result<homeward_domain::sighting::SightingView>;
    /// The sightings attached to a case, for those who read the case in full. Audited when
    /// there are any.
    fn case_sightings(&self, actor: &Actor, id: CaseId) -> Result<Vec<homeward_domain::sighting::SightingView>>;

    /// Claims the background job `job` (escalations, linkage, …) for the instance `holder` until
    /// `lease` from now: true when `holder` may run it now (it held the job, nobody did, or the
    /// last holder's lease has run out), false while another instance holds it. The holder
    /// renews at every run; when it dies another instance takes the job over once its lease
    /// has run out. Claims of one database are serialised (one writer at a time), so two
    /// instances never hold one job at once. A change of holder is audited.
    fn claim_job(&self, job: &str, holder: &str, lease: time::Duration) -> Result<bool>;

    /// Walks the audit chain from the first entry.
    fn verify_audit(&self) -> Result<VerifyReport>;
    /// The audit entries from `after_seq` on, oldest first (for tests and export).
    fn audit_entries(&self, after_seq: i64, limit: u32) -> Result<Vec<AuditEntry>>;
    /// True when no organisation exists yet.
    fn is_empty(&self) -> Result<bool>;
}

/// Opens the store a database URL names. Only `sqlite://` exists so far; any other scheme is
/// refused by name, never guessed at.
pub fn open(url: &str, clock: Clock) -> Result<std::sync::Arc<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        Ok(std::sync::Arc::new(SqlStore::open(path, clock)?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(SqlStore::open_postgres(url, clock)?))
    } else {
        Err(StoreError::Url(format!(
            "unknown database URL `{}`; expected sqlite://PATH or postgres://…",
            url.split("://").next().unwrap_or(url)
        )))
    }
}

/// A report kept while it is typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub saved_at: time::OffsetDateTime,
}

/// The most a draft may hold, in bytes of JSON: far more than any report needs.
pub const MAX_DRAFT_BYTES: usize = 64 * 1024;
