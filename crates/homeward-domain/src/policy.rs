//! The one authorisation policy: role × action × organisation scope.
//!
//! Every request the server answers and every command the store runs asks [`authorize`]. The
//! table in [`permitted_scopes`] is the whole policy; a test in the server walks every endpoint
//! against every role and both scopes.

use serde::Serialize;

use crate::org::Role;

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Open a case in one's own organisation.
    CaseCreate,
    /// See a case with the child's personal data.
    CaseRead,
    /// See a case's anonymous skeleton: category, status, risk, times, no names or texts.
    CaseReadPseudonymous,
    CaseAddContact,
    CaseAddNote,
    CaseChangeStatus,
    CaseRecategorise,
    CaseAssessRisk,
    CaseAssign,
    CaseLinkIdentifier,
    CaseLinkPerson,
    CaseManageTasks,
    /// Share a case with another organisation (a police unit, a hotline abroad).
    CaseShare,
    /// Confirm or reject that two cases are about the same child (record linkage).
    CaseLinkMatch,
    /// Correct or complete what is known of the child (names, date of birth, description).
    CaseEditChild,
    OrganisationCreate,
    OrganisationList,
    UserCreate,
    UserList,
    /// Deactivate or reactivate a user.
    UserManage,
    /// See the early warnings across the organisation's cases, with the cases they name.
    WarningRead,
    /// Acknowledge, act on or dismiss an early warning.
    WarningDecide,
    /// Record that a case was handed over to a police unit (which then sees it).
    CaseHandOverToPolice,
    /// See the escalations of the organisation's cases: missed response targets, overdue tasks.
    EscalationRead,
    /// Acknowledge an escalation: someone has taken it up, so it is not raised again. Also
    /// taking the duty for the organisation's escalations (they are e-mailed to whoever is on duty).
    EscalationAcknowledge,
    /// Read the police hand-over package of a case: the child, last seen, risk and reasons,
    /// identifiers, timeline and the hand-overs recorded.
    CaseHandoverRead,
    /// See the sightings sent by the public: the inbox, one sighting and its photo.
    SightingRead,
    /// Attach a sighting from the public to a case, or dismiss it with a reason.
    SightingDecide,
    /// See the organisation's child alert requests and alerts, with the criteria, approvals,
    /// consent and what is published.
    AlertRead,
    /// Open a child alert request on a case.
    AlertRequest,
    /// Confirm one of the criteria of a child alert request.
    AlertConfirm,
    /// Record the police's approval or the prosecutor's order of a child alert.
    AlertApprove,
    /// Publish, update, extend or cancel a child alert.
    AlertPublish,
    /// See the organisation's notifications that could not be delivered (e-mails to its
    /// supervisors, calls to its webhooks).
    NotificationRead,
}

impl Action {
    /// The stable name of the action, as written to the audit log.
    pub fn name(self) -> &'static str {
        use Action::*;
        match self {
            CaseCreate => "case_create",
            CaseRead => "case_read",
            CaseReadPseudonymous => "case_read_pseudonymous",
            CaseAddContact => "case_add_contact",
            CaseAddNote => "case_add_note",
            CaseChangeStatus => "case_change_status",
            CaseRecategorise => "case_recategorise",
            CaseAssessRisk => "case_assess_risk",
            CaseAssign => "case_assign",
            CaseLinkIdentifier => "case_link_identifier",
            CaseLinkPerson => "case_link_person",
            CaseManageTasks => "case_manage_tasks",
            CaseShare => "case_share",
            CaseLinkMatch => "case_link_match",
            CaseEditChild => "case_edit_child",
            OrganisationCreate => "organisation_create",
            OrganisationList => "organisation_list",
            UserCreate => "user_create",
            UserList => "user_list",
            UserManage => "user_manage",
            WarningRead => "warning_read",
            WarningDecide => "warning_decide",
            CaseHandOverToPolice => "case_hand_over_to_police",
            EscalationRead => "escalation_read",
            EscalationAcknowledge => "escalation_acknowledge",
            CaseHandoverRead => "case_handover_read",
            SightingRead => "sighting_read",
            SightingDecide => "sighting_decide",
            AlertRead => "alert_read",
            AlertRequest => "alert_request",
            AlertConfirm => "alert_confirm",
            AlertApprove => "alert_approve",
            AlertPublish => "alert_publish",
            NotificationRead => "notification_read",
        }
    }

    pub const ALL: [Action; 34] = [
        Action::CaseCreate,
        Action::CaseRead,
        Action::CaseReadPseudonymous,
        Action::CaseAddContact,
        Action::CaseAddNote,
        Action::CaseChangeStatus,
        Action::CaseRecategorise,
        Action::CaseAssessRisk,
        Action::CaseAssign,
        Action::CaseLinkIdentifier,
        Action::CaseLinkPerson,
        Action::CaseManageTasks,
        Action::CaseShare,
        Action::CaseLinkMatch,
        Action::CaseEditChild,
        Action::OrganisationCreate,
        Action::OrganisationList,
        Action::UserCreate,
        Action::UserList,
        Action::UserManage,
        Action::WarningRead,
        Action::WarningDecide,
        Action::CaseHandOverToPolice,
        Action::EscalationRead,
        Action::EscalationAcknowledge,
        Action::CaseHandoverRead,
        Action::SightingRead,
        Action::SightingDecide,
        Action::AlertRead,
        Action::AlertRequest,
        Action::AlertConfirm,
        Action::AlertApprove,
        Action::AlertPublish,
        Action::NotificationRead,
    ];
}

/// How the record acted on relates to the actor's organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The record belongs to the actor's organisation (or the action creates one there).
    Own,
    /// The record belongs to another organisation that has shared it with the actor's.
    Shared,
    /// Any other organisation's record.
    Other,
}

/// The refusal, with enough to tell the user what they may not do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {role} may not {action:?} with {scope:?} scope")]
pub struct Denied {
    pub role: Role,
    pub action: Action,
    pub scope: Scope,
}

const OWN: &[Scope] = &[Scope::Own];
const SHARED: &[Scope] = &[Scope::Shared];
const OWN_SHARED: &[Scope] = &[Scope::Own, Scope::Shared];
const ANY: &[Scope] = &[Scope::Own, Scope::Shared, Scope::Other];
const NONE: &[Scope] = &[];

/// The scopes in which `role` may take `action`. This is the policy.
///
/// Design notes: operators take reports and keep a case moving at night (status, risk, notes,
/// identifiers, tasks) but do not reassign or re-categorise; case managers and supervisors run
/// cases; a police liaison works on the cases shared with their unit and their own unit's
/// cases; analysts see only the pseudonymous skeleton; admins manage organisations and users and
/// see no case data at all. Another organisation's case is never visible unless shared.
pub fn permitted_scopes(role: Role, action: Action) -> &'static [Scope] {
    use Action::*;
    use Role::*;
    match (role, action) {
        (Operator | CaseManager | Supervisor, CaseCreate) => OWN,
        (PoliceLiaison | Analyst | Admin, CaseCreate) => NONE,

        (Operator | CaseManager | Supervisor | PoliceLiaison, CaseRead) => OWN_SHARED,
        (Analyst | Admin, CaseRead) => NONE,
        (Operator | CaseManager | Supervisor | PoliceLiaison | Analyst, CaseReadPseudonymous) => OWN_SHARED,
        (Admin, CaseReadPseudonymous) => NONE,

        (Operator | CaseManager | Supervisor | PoliceLiaison, CaseAddContact | CaseAddNote) => OWN_SHARED,
        (Analyst | Admin, CaseAddContact | CaseAddNote) => NONE,

        (
            Operator | CaseManager | Supervisor,
            CaseChangeStatus | CaseAssessRisk | CaseLinkIdentifier | CaseLinkPerson | CaseManageTasks | CaseEditChild,
        ) => OWN,
        (
            PoliceLiaison | Analyst | Admin,
            CaseChangeStatus | CaseAssessRisk | CaseLinkIdentifier | CaseLinkPerson | CaseManageTasks | CaseEditChild,
        ) => NONE,

        // Whether two reports are about one child is judged by whoever reads and annotates both
        // cases; the decision links episodes, it changes neither case.
        (Operator | CaseManager | Supervisor | PoliceLiaison, CaseLinkMatch) => OWN_SHARED,
        (Analyst | Admin, CaseLinkMatch) => NONE,

        (CaseManager | Supervisor, CaseRecategorise | CaseAssign | CaseShare) => OWN,
        (Operator | PoliceLiaison | Analyst | Admin, CaseRecategorise | CaseAssign | CaseShare) => NONE,

        (Admin, OrganisationCreate) => ANY,
        (_, OrganisationCreate) => NONE,
        (_, OrganisationList) => ANY,

        (Admin, UserCreate | UserManage) => OWN,
        (_, UserCreate | UserManage) => NONE,
        (Admin | Supervisor, UserList) => OWN,
        (_, UserList) => NONE,

        // Early warnings go to supervisors, who decide them; a case manager sees the patterns
        // their cases are part of. A warning names cases and evidence across the organisation,
        // so nobody sees another organisation's, shared cases or not.
        (Supervisor | CaseManager, WarningRead) => OWN,
        (Operator | PoliceLiaison | Analyst | Admin, WarningRead) => NONE,
        (Supervisor, WarningDecide) => OWN,
        (_, WarningDecide) => NONE,

        // The hotline passes a report to the police at once, at night too: whoever runs the case.
        (Operator | CaseManager | Supervisor, CaseHandOverToPolice) => OWN,
        (PoliceLiaison | Analyst | Admin, CaseHandOverToPolice) => NONE,
        // Escalations are addressed to the supervisors, who acknowledge them; those who run the
        // organisation's cases see them (on the case page, and the queue). An escalation is the
        // case's own organisation's business: never shown to an organisation it is shared with.
        (Operator | CaseManager | Supervisor, EscalationRead) => OWN,
        (PoliceLiaison | Analyst | Admin, EscalationRead) => NONE,
        (Supervisor, EscalationAcknowledge) => OWN,
        (_, EscalationAcknowledge) => NONE,
        // The package is prepared by whoever runs the case and read by the police unit it was
        // handed to (a shared case: the store also checks that the hand-over was to the reader's
        // unit). Analysts and admins read no personal data.
        (Operator | CaseManager | Supervisor, CaseHandoverRead) => OWN,
        (PoliceLiaison, CaseHandoverRead) => SHARED,
        (Analyst | Admin, CaseHandoverRead) => NONE,
        // Sightings from the public are addressed to the organisations that take reports
        // (`sighting::inbox_scope`): whoever takes reports reads them and attaches one to a case
        // of their own organisation, or dismisses it with a reason. Attached, a sighting is read
        // with its case (`CaseRead`).
        (Operator | CaseManager | Supervisor, SightingRead | SightingDecide) => OWN,
        (PoliceLiaison | Analyst | Admin, SightingRead | SightingDecide) => NONE,
        // Child alerts are the organisation's own: requested, checked and published by its
        // supervisors (the approvals they record come from the police and the prosecutor), the
        // criteria confirmed by a supervisor or case manager, seen by those who run its cases.
        // Another organisation never sees a request, shared case or not; the public sees only
        // what is published.
        (Operator | CaseManager | Supervisor, AlertRead) => OWN,
        (PoliceLiaison | Analyst | Admin, AlertRead) => NONE,
        (Supervisor, AlertRequest | AlertApprove | AlertPublish) => OWN,
        (_, AlertRequest | AlertApprove | AlertPublish) => NONE,
        (CaseManager | Supervisor, AlertConfirm) => OWN,
        (_, AlertConfirm) => NONE,
        // A notification that could not be delivered is the supervisors' to follow up: they
        // are the ones it was addressed to (or their organisation's own systems).
        (Supervisor, NotificationRead) => OWN,
        (_, NotificationRead) => NONE,
    }
}

/// Decides one request.
pub fn authorize(role: Role, action: Action, scope: Scope) -> Result<(), Denied> {
    if permitted_scopes(role, action).contains(&scope) { Ok(()) } else { Err(Denied { role, action, scope }) }
}

/// Whether `role` may see a case at all in `scope`, in full or pseudonymously. A case the actor
/// may not see is answered as "not found", so that its existence does not leak.
pub fn may_see_case(role: Role, scope: Scope) -> bool {
    authorize(role, Action::CaseRead, scope).is_ok() || authorize(role, Action::CaseReadPseudonymous, scope).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_role_acts_on_another_organisations_case() {
        for role in Role::ALL {
            for action in Action::ALL {
                if matches!(action, Action::OrganisationCreate | Action::OrganisationList) {
                    continue;
                }
                assert!(authorize(role, action, Scope::Other).is_err(), "{role} {action:?}");
            }
        }
    }

    #[test]
    fn analysts_and_admins_never_read_personal_case_data() {
        for role in [Role::Analyst, Role::Admin] {
            for scope in [Scope::Own, Scope::Shared, Scope::Other] {
                assert!(authorize(role, Action::CaseRead, scope).is_err());
            }
        }
    }

    #[test]
    fn the_handover_package_is_read_by_its_organisation_and_the_police_liaison() {
        for role in [Role::Operator, Role::CaseManager, Role::Supervisor] {
            assert!(authorize(role, Action::CaseHandoverRead, Scope::Own).is_ok(), "{role}");
            assert!(authorize(role, Action::CaseHandoverRead, Scope::Shared).is_err(), "{role}");
        }
        assert!(authorize(Role::PoliceLiaison, Action::CaseHandoverRead, Scope::Shared).is_ok());
        assert!(authorize(Role::PoliceLiaison, Action::CaseHandoverRead, Scope::Own).is_err());
        for role in [Role::Analyst, Role::Admin] {
            for scope in [Scope::Own, Scope::Shared, Scope::Other] {
                assert!(authorize(role, Action::CaseHandoverRead, scope).is_err(), "{role}");
            }
        }
    }

    #[test]
    fn shared_cases_are_read_and_annotated_but_not_run_by_the_receiver() {
        for role in [Role::CaseManager, Role::Supervisor, Role::PoliceLiaison] {
            assert!(authorize(role, Action::CaseRead, Scope::Shared).is_ok());
            assert!(authorize(role, Action::CaseAddNote, Scope::Shared).is_ok());
            assert!(authorize(role, Action::CaseChangeStatus, Scope::Shared).is_err());
            assert!(authorize(role, Action::CaseShare, Scope::Shared).is_err());
        }
    }
}
