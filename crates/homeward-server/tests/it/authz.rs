//! The authorisation matrix: every endpoint × every role × own / shared / other organisation,
//! asserting both what is allowed and what is refused — and that a refusal changes nothing.

use homeward_domain::CaseId;
use homeward_domain::org::{Actor, OrganisationKind, Role};
use homeward_domain::records::NewTask;
use homeward_domain::view::CaseChange;
use serde_json::{Value, json};

use crate::support::{Auth, TestApp, issue_report};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ep {
    CreateCase,
    ListCases,
    GetCase,
    Events,
    AddContact,
    AddNote,
    Status,
    Category,
    Risk,
    Assign,
    Identifier,
    Person,
    Task,
    CompleteTask,
    Share,
    Indicator,
    ListOrgs,
    CreateOrg,
    ListUsers,
    CreateUser,
    Token,
    Me,
    DeactivateUser,
    ListTokens,
    RevokeToken,
    RiskSuggestion,
    MyTasks,
    Preferences,
    Matches,
    DecideMatch,
    Candidates,
    EditChild,
    ListWarnings,
    GetWarning,
    WarningNetwork,
    DecideWarning,
    RiskAnswers,
    Assessments,
    PoliceHandover,
    CaseEscalations,
    ListEscalations,
    Duty,
    TakeDuty,
    AcknowledgeEscalation,
    FailedNotifications,
    Handover,
    CaseAlerts,
    RequestAlert,
    ListAlerts,
    GetAlert,
    ConfirmAlert,
    ApproveAlert,
    AlertContent,
    PublishAlert,
    ExtendAlert,
    CancelAlert,
}

/// Endpoints on one child alert request, hit on a fresh request of A at the stage each needs;
/// B's users (shared case or not) never find it.
const ALERT_ENDPOINTS: [Ep; 7] = [
    Ep::GetAlert,
    Ep::ConfirmAlert,
    Ep::ApproveAlert,
    Ep::AlertContent,
    Ep::PublishAlert,
    Ep::ExtendAlert,
    Ep::CancelAlert,
];

/// Endpoints on one early warning, hit on a fresh warning of A (own) or, by B's users, the same
/// (other: never found).
const WARNING_ENDPOINTS: [Ep; 3] = [Ep::GetWarning, Ep::WarningNetwork, Ep::DecideWarning];

const CASE_ENDPOINTS: [Ep; 24] = [
    Ep::CaseAlerts,
    Ep::RequestAlert,
    Ep::Handover,
    Ep::PoliceHandover,
    Ep::CaseEscalations,
    Ep::RiskAnswers,
    Ep::Assessments,
    Ep::GetCase,
    Ep::Events,
    Ep::AddContact,
    Ep::AddNote,
    Ep::Status,
    Ep::Category,
    Ep::Risk,
    Ep::Assign,
    Ep::Identifier,
    Ep::Person,
    Ep::Task,
    Ep::CompleteTask,
    Ep::Share,
    Ep::Indicator,
    Ep::Matches,
    Ep::DecideMatch,
    Ep::EditChild,
];

const OTHER_ENDPOINTS: [Ep; 21] = [
    Ep::Duty,
    Ep::TakeDuty,
    Ep::FailedNotifications,
    Ep::ListAlerts,
    Ep::ListEscalations,
    Ep::ListWarnings,
    Ep::CreateCase,
    Ep::ListCases,
    Ep::ListOrgs,
    Ep::CreateOrg,
    Ep::ListUsers,
    Ep::CreateUser,
    Ep::Token,
    Ep::Me,
    Ep::DeactivateUser,
    Ep::ListTokens,
    Ep::RevokeToken,
    Ep::RiskSuggestion,
    Ep::MyTasks,
    Ep::Preferences,
    Ep::Candidates,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Own,
    Shared,
    Other,
}

/// The policy as the API must answer it, written out independently of the code under test.
fn expected(ep: Ep, role: Role, scope: Scope) -> u16 {
    use Role::*;
    let runs_cases = matches!(role, Operator | CaseManager | Supervisor);
    let manages_cases = matches!(role, CaseManager | Supervisor);
    let annotates = matches!(role, Operator | CaseManager | Supervisor | PoliceLiaison);
    let sees_case = scope != Scope::Other && role != Admin;
    if CASE_ENDPOINTS.contains(&ep) && !sees_case {
        return 404;
    }
    // A warning names cases across an organisation: never another organisation's, shared or not.
    if WARNING_ENDPOINTS.contains(&ep) && scope != Scope::Own {
        return 404;
    }
    // A child alert request is its organisation's own: never another's, shared case or not.
    if ALERT_ENDPOINTS.contains(&ep) && scope != Scope::Own {
        return 404;
    }
    // An escalation is about a case of its own organisation: never another's, shared or not.
    if ep == Ep::AcknowledgeEscalation && scope != Scope::Own {
        return 404;
    }
    let own = scope == Scope::Own;
    let allow = |allowed: bool, code: u16| if allowed { code } else { 403 };
    match ep {
        Ep::GetCase | Ep::Events => 200,
        Ep::AddContact | Ep::AddNote => allow(annotates, 201),
        Ep::Status | Ep::Risk | Ep::CompleteTask | Ep::EditChild => allow(own && runs_cases, 200),
        Ep::Identifier | Ep::Person | Ep::Task | Ep::Indicator => allow(own && runs_cases, 201),
        Ep::Category | Ep::Assign | Ep::Share => allow(own && manages_cases, 200),
        Ep::CreateCase => allow(runs_cases, 201),
        Ep::ListCases => allow(role != Admin, 200),
        Ep::ListOrgs | Ep::Me => 200,
        Ep::Token => 201,
        Ep::CreateOrg | Ep::CreateUser => allow(role == Admin, 201),
        Ep::ListUsers => allow(matches!(role, Admin | Supervisor), 200),
        Ep::DeactivateUser => allow(role == Admin, 200),
        Ep::ListTokens => 200,
        Ep::RevokeToken => 204,
        Ep::RiskSuggestion => allow(runs_cases, 200),
        Ep::MyTasks => allow(!matches!(role, Analyst | Admin), 200),
        Ep::Preferences => 200,
        Ep::Matches | Ep::DecideMatch => allow(annotates, 200),
        Ep::Candidates => allow(annotates, 200),
        Ep::ListWarnings | Ep::GetWarning | Ep::WarningNetwork => allow(manages_cases, 200),
        Ep::DecideWarning => allow(role == Supervisor, 200),
        Ep::RiskAnswers => allow(own && runs_cases, 200),
        // The stored assessments name who recorded what: readers of the case in full.
        Ep::Assessments => allow(annotates, 200),
        Ep::PoliceHandover => allow(own && runs_cases, 200),
        Ep::CaseEscalations => allow(own && runs_cases, 200),
        Ep::ListEscalations => allow(runs_cases, 200),
        Ep::AcknowledgeEscalation => allow(role == Supervisor, 200),
        // Who is on duty is seen with the queue; the duty is taken by a supervisor.
        Ep::Duty => allow(runs_cases, 200),
        Ep::TakeDuty => allow(role == Supervisor, 200),
        // The organisation's undelivered notifications: its supervisors', whom they were for.
        Ep::FailedNotifications => allow(role == Supervisor, 200),
        // The hand-over package: those who run the case, and the police liaison of a unit it was
        // handed to. B is a hotline the case is shared with, never handed to: refused.
        Ep::Handover => allow(own && runs_cases, 200),
        // Child alerts: seen by those who run the organisation's cases, requested, approved and
        // published by its supervisors, each criterion confirmed by a supervisor or case manager.
        Ep::CaseAlerts => allow(own && runs_cases, 200),
        Ep::RequestAlert => allow(own && role == Supervisor, 201),
        Ep::ListAlerts | Ep::GetAlert => allow(runs_cases, 200),
        Ep::ConfirmAlert => allow(manages_cases, 200),
        Ep::ApproveAlert | Ep::AlertContent | Ep::PublishAlert | Ep::ExtendAlert | Ep::CancelAlert => {
            allow(role == Supervisor, 200)
        }
    }
}

struct World {
    app: TestApp,
    owner: Actor,
    owner_id: homeward_domain::UserId,
    org_a: homeward_domain::org::Organisation,
    org_b: homeward_domain::OrganisationId,
    police: homeward_domain::OrganisationId,
    a_users: Vec<(Role, Auth)>,
    b_users: Vec<(Role, Auth)>,
    /// A case of A shared with B: the other case of every match decision.
    twin: CaseId,
}

fn world() -> World {
    let app = TestApp::spawn();
    let a = app.org("Hotline A", "GR", OrganisationKind::Hotline);
    let b = app.org("Hotline B", "RS", OrganisationKind::Hotline);
    let police = app.org("Police C", "GR", OrganisationKind::PoliceUnit);
    let (owner, _) = app.user(&a, Role::CaseManager, "owner@a.example");
    let a_users = Role::ALL.iter().map(|r| (*r, app.user(&a, *r, &format!("{r}@a.example")).1)).collect();
    let b_users = Role::ALL.iter().map(|r| (*r, app.user(&b, *r, &format!("{r}@b.example")).1)).collect();
    let owner_actor = Actor::user(&owner, "test");
    let twin = app.store.create_case(&owner_actor, serde_json::from_value(issue_report()).unwrap()).unwrap().case.id;
    app.store.change_case(&owner_actor, twin, CaseChange::Share(b.id)).unwrap();
    World {
        twin,
        owner: Actor::user(&owner, "test"),
        owner_id: owner.id,
        org_a: a,
        org_b: b.id,
        police: police.id,
        app,
        a_users,
        b_users,
    }
}

impl World {
    /// A fresh case of organisation A with one open task, shared with B when asked.
    fn case(&self, shared_with_b: bool) -> (CaseId, homeward_domain::TaskId) {
        let new = serde_json::from_value(issue_report()).unwrap();
        let view = self.app.store.create_case(&self.owner, new).unwrap();
        let task = NewTask { title: "Call the school".into(), due_at: None, assignee: None };
        let view = self.app.store.change_case(&self.owner, view.case.id, CaseChange::CreateTask(task)).unwrap();
        if shared_with_b {
            self.app.store.change_case(&self.owner, view.case.id, CaseChange::Share(self.org_b)).unwrap();
        }
        (view.case.id, view.tasks[0].id)
    }

    /// Every stored pair and every child's identity, as they stand.
    fn links(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(&self.app.db_path).unwrap();
        conn.prepare(
            "SELECT child_a || ' ' || child_b || ' ' || status FROM child_matches
             UNION ALL SELECT id || ' = ' || identity_id FROM children ORDER BY 1",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    /// A fresh warning of organisation A: two of its cases with one new phone number, shared
    /// with B when asked (B still may not see A's warning).
    fn warning(&self, n: usize, shared_with_b: bool) -> homeward_domain::WarningId {
        let phone = format!("+30 699 {n:07}");
        for _ in 0..2 {
            let mut report = issue_report();
            report["identifiers"] = json!([{"kind": "phone", "value": phone}]);
            let view = self.app.store.create_case(&self.owner, serde_json::from_value(report).unwrap()).unwrap();
            if shared_with_b {
                self.app.store.change_case(&self.owner, view.case.id, CaseChange::Share(self.org_b)).unwrap();
            }
        }
        let supervisor = Actor { role: Some(Role::Supervisor), ..self.owner.clone() };
        let live = self.app.store.list_warnings(&supervisor, true).unwrap();
        let key = homeward_store::stored_key(&format!("identifier:phone number:+30699{n:07}"));
        live.into_iter().find(|w| w.key == key).expect("the warning the two cases raised").id
    }

    fn warning_state(&self, id: homeward_domain::WarningId) -> String {
        let conn = rusqlite::Connection::open(&self.app.db_path).unwrap();
        conn.query_row("SELECT state FROM warnings WHERE id = ?1", [id.to_string()], |r| r.get(0)).unwrap()
    }

    fn hit_warning(&self, ep: Ep, auth: &Auth, id: homeward_domain::WarningId) -> u16 {
        match ep {
            Ep::GetWarning => self.app.get(&format!("/api/v1/warnings/{id}"), auth).status,
            Ep::WarningNetwork => self.app.get(&format!("/api/v1/warnings/{id}/network"), auth).status,
            Ep::DecideWarning => {
                self.app
                    .post(&format!("/api/v1/warnings/{id}/decision"), auth, json!({"decision": "acknowledge"}))
                    .status
            }
            _ => unreachable!("not a warning endpoint: {ep:?}"),
        }
    }

    /// A fresh escalation of organisation A: a case whose task fell due an hour ago, shared with
    /// B when asked (B still may not see A's escalation), raised by the job.
    fn escalation(&self, shared_with_b: bool) -> homeward_domain::EscalationId {
        let new = serde_json::from_value(issue_report()).unwrap();
        let view = self.app.store.create_case(&self.owner, new).unwrap();
        let due = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
        let task = NewTask { title: "Call the school".into(), due_at: Some(due), assignee: None };
        self.app.store.change_case(&self.owner, view.case.id, CaseChange::CreateTask(task)).unwrap();
        if shared_with_b {
            self.app.store.change_case(&self.owner, view.case.id, CaseChange::Share(self.org_b)).unwrap();
        }
        let only_tasks = homeward_risk::response::ResponsePlan::none();
        let now = time::OffsetDateTime::now_utc();
        homeward_server::escalation::run_once(self.app.store.as_ref(), &only_tasks, now).unwrap();
        let supervisor = Actor { role: Some(Role::Supervisor), ..self.owner.clone() };
        let of_case = self.app.store.case_escalations(&supervisor, view.case.id).unwrap();
        of_case.first().expect("the escalation the overdue task raised").id
    }

    fn acknowledged(&self, id: homeward_domain::EscalationId) -> bool {
        let conn = rusqlite::Connection::open(&self.app.db_path).unwrap();
        conn.query_row("SELECT acknowledged_at IS NOT NULL FROM escalations WHERE id = ?1", [id.to_string()], |r| {
            r.get(0)
        })
        .unwrap()
    }

    /// A fresh child alert request of organisation A on a case shared with B when asked: ready
    /// to publish (every criterion, both approvals) for publication, published for an extension.
    fn alert(&self, ep: Ep, shared_with_b: bool) -> homeward_domain::alert::AlertId {
        use homeward_domain::alert::{AlertChange, ApprovalKind, Criterion, NewAlertRequest, PublicField};
        let (case, _) = self.case(shared_with_b);
        let supervisor = Actor { role: Some(Role::Supervisor), ..self.owner.clone() };
        let request = NewAlertRequest {
            consent_fields: vec![PublicField::Age, PublicField::ContactPhone],
            consent_given_by: "mother".into(),
            ..NewAlertRequest::default()
        };
        let id = self.app.store.request_alert(&supervisor, case, request).unwrap().id;
        if matches!(ep, Ep::PublishAlert | Ep::ExtendAlert) {
            for criterion in Criterion::ALL {
                self.app.store.change_alert(&supervisor, id, AlertChange::Confirm { criterion, note: None }).unwrap();
            }
            let given_at = time::OffsetDateTime::now_utc();
            for kind in [ApprovalKind::Police, ApprovalKind::Prosecutor] {
                let change = AlertChange::Approve { kind, reference: "R-1".into(), given_at };
                self.app.store.change_alert(&supervisor, id, change).unwrap();
            }
        }
        if ep == Ep::ExtendAlert {
            self.app.store.change_alert(&supervisor, id, AlertChange::Publish { ends_at: None }).unwrap();
        }
        id
    }

    /// What a change of an alert would change.
    fn alert_state(&self, id: homeward_domain::alert::AlertId) -> String {
        let conn = rusqlite::Connection::open(&self.app.db_path).unwrap();
        conn.query_row(
            "SELECT state || content || COALESCE(police_approval, '') || COALESCE(ends_at, '')
                || (SELECT COUNT(*) FROM alert_confirmations WHERE alert_id = ?1)
                || (SELECT COUNT(*) FROM alert_messages WHERE alert_id = ?1)
             FROM alerts WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap()
    }

    fn hit_alert(&self, ep: Ep, auth: &Auth, id: homeward_domain::alert::AlertId) -> u16 {
        let app = &self.app;
        let url = |suffix: &str| format!("/api/v1/alerts/{id}{suffix}");
        match ep {
            Ep::GetAlert => app.get(&url(""), auth).status,
            Ep::ConfirmAlert => app.post(&url("/criteria"), auth, json!({"criterion": "high_risk"})).status,
            Ep::ApproveAlert => {
                let given_at =
                    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap();
                app.post(&url("/approvals"), auth, json!({"kind": "police", "reference": "P-1", "given_at": given_at}))
                    .status
            }
            Ep::AlertContent => {
                app.call("PUT", &url("/content"), auth, Some(json!({"contact_phone": "116000"}))).status
            }
            Ep::PublishAlert => app.post(&url("/publication"), auth, json!({})).status,
            Ep::ExtendAlert => {
                let end = (time::OffsetDateTime::now_utc() + time::Duration::hours(12))
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap();
                app.post(&url("/extension"), auth, json!({"ends_at": end})).status
            }
            Ep::CancelAlert => app.post(&url("/cancellation"), auth, json!({})).status,
            _ => unreachable!("not an alert endpoint: {ep:?}"),
        }
    }

    fn version(&self, id: CaseId) -> u32 {
        self.app.store.get_case(&self.owner, id).unwrap().case.version
    }

    fn hit(&self, ep: Ep, auth: &Auth, case: Option<(CaseId, homeward_domain::TaskId)>, n: usize) -> u16 {
        let app = &self.app;
        let (id, task) = case.map(|(c, t)| (c.to_string(), t.to_string())).unwrap_or_default();
        let path = |suffix: &str| format!("/api/v1/cases/{id}{suffix}");
        let post = |p: String, body: Value| app.post(&p, auth, body).status;
        match ep {
            Ep::CreateCase => post("/api/v1/cases".into(), issue_report()),
            Ep::ListCases => app.get("/api/v1/cases", auth).status,
            Ep::GetCase => app.get(&path(""), auth).status,
            Ep::Events => app.get(&path("/events"), auth).status,
            Ep::AddContact => post(
                path("/contacts"),
                json!({"channel": "phone", "received_at": "2026-11-28T21:00:00Z", "summary": "Aunt called"}),
            ),
            Ep::AddNote => post(path("/notes"), json!({"text": "Checked the park"})),
            Ep::Status => post(path("/status"), json!({"status": "found_safe", "reason": "home again"})),
            Ep::Category => post(path("/category"), json!({"category": "runaway_national"})),
            Ep::Risk => post(path("/risk"), json!({"risk_level": "high", "reason": "under 13 and out at night"})),
            Ep::Assign => post(path("/assignment"), json!({"assignee": self.owner_id})),
            Ep::Identifier => post(path("/identifiers"), json!({"kind": "phone", "value": "+30 690 000 1234"})),
            Ep::Person => post(path("/persons"), json!({"name": "An older friend", "relation": "friend"})),
            Ep::Task => post(path("/tasks"), json!({"title": "Visit the school"})),
            Ep::CompleteTask => app.call("POST", &path(&format!("/tasks/{task}/complete")), auth, None).status,
            Ep::Share => post(path("/shares"), json!({"organisation_id": self.police})),
            Ep::Indicator => post(path("/indicators"), json!({"indicator": "threats", "evidence": "messages"})),
            Ep::Matches => app.get(&path("/matches"), auth).status,
            Ep::RiskAnswers => post(path("/risk-answers"), json!({"under_13": true, "in_care": false})),
            Ep::Assessments => app.get(&path("/assessments"), auth).status,
            Ep::PoliceHandover => post(path("/police-handover"), json!({"to_organisation": self.police})),
            Ep::CaseEscalations => app.get(&path("/escalations"), auth).status,
            Ep::Handover => app.get(&path("/handover"), auth).status,
            Ep::ListEscalations => app.get("/api/v1/escalations", auth).status,
            Ep::FailedNotifications => app.get("/api/v1/notifications/failed", auth).status,
            Ep::Duty => app.get("/api/v1/escalations/duty", auth).status,
            Ep::TakeDuty => {
                let until = (time::OffsetDateTime::now_utc() + time::Duration::hours(8))
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap();
                app.call("PUT", "/api/v1/escalations/duty", auth, Some(json!({"until": until}))).status
            }
            Ep::CaseAlerts => app.get(&path("/alerts"), auth).status,
            Ep::RequestAlert => post(path("/alerts"), json!({"consent_fields": ["age"], "consent_given_by": "mother"})),
            Ep::ListAlerts => app.get("/api/v1/alerts", auth).status,
            Ep::GetAlert
            | Ep::ConfirmAlert
            | Ep::ApproveAlert
            | Ep::AlertContent
            | Ep::PublishAlert
            | Ep::ExtendAlert
            | Ep::CancelAlert => unreachable!("alert endpoints are hit by hit_alert"),
            Ep::AcknowledgeEscalation => unreachable!("escalations are acknowledged by hit_escalation"),
            Ep::DecideMatch => post(
                path("/matches"),
                json!({"other_case": self.twin, "decision": "reject", "reason": "another girl of the same name"}),
            ),
            Ep::EditChild => {
                let child = json!({"given_name": "Ελένη", "family_name": "Παπαδοπούλου", "latin_given_name": "Eleni"});
                app.call("PUT", &path("/child"), auth, Some(child)).status
            }
            Ep::Candidates => {
                post("/api/v1/candidates".into(), json!({"given_name": "Ελένη", "family_name": "Παπαδοπούλου"}))
            }
            Ep::ListOrgs => app.get("/api/v1/organisations", auth).status,
            Ep::ListWarnings => app.get("/api/v1/warnings", auth).status,
            Ep::GetWarning | Ep::WarningNetwork | Ep::DecideWarning => {
                unreachable!("warning endpoints are hit by hit_warning")
            }
            Ep::CreateOrg => {
                post("/api/v1/organisations".into(), json!({"name": format!("New org {n}"), "country": "BE"}))
            }
            Ep::ListUsers => app.get("/api/v1/users", auth).status,
            Ep::CreateUser => {
                post("/api/v1/users".into(), json!({"email": format!("new{n}@x.example"), "role": "operator"}))
            }
            Ep::Token => post("/api/v1/tokens".into(), json!({"name": "script"})),
            Ep::Me => app.get("/api/v1/me", auth).status,
            Ep::ListTokens => app.get("/api/v1/tokens", auth).status,
            Ep::RiskSuggestion => post("/api/v1/risk-suggestion".into(), json!({"under_13": true})),
            Ep::MyTasks => app.get("/api/v1/me/tasks", auth).status,
            Ep::Preferences => {
                app.call(
                    "PUT",
                    "/api/v1/me/preferences",
                    auth,
                    Some(json!({"language": "el", "time_zone": "Europe/Athens"})),
                )
                .status
            }
            Ep::RevokeToken => {
                // Issue a token to revoke; without credentials there is none, and the revocation
                // of a made-up id must still be refused as unauthenticated.
                let issued = app.post("/api/v1/tokens", auth, json!({"name": format!("spare {n}")}));
                let id = match issued.status {
                    201 => app
                        .get("/api/v1/tokens", auth)
                        .body
                        .as_array()
                        .unwrap()
                        .iter()
                        .rev()
                        .find(|t| t["name"] == format!("spare {n}"))
                        .unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    _ => "01a22944-4574-7495-a6e1-ccc87f12231a".to_owned(),
                };
                app.call("DELETE", &format!("/api/v1/tokens/{id}"), auth, None).status
            }
            Ep::DeactivateUser => {
                let (target, _) = app.user(&self.org_a, Role::Operator, &format!("leaver{n}@a.example"));
                app.call("POST", &format!("/api/v1/users/{}/deactivate", target.id), auth, None).status
            }
        }
    }
}

#[test]
fn every_endpoint_for_every_role_and_scope() {
    let w = world();
    let mut failures = Vec::new();
    let mut n = 0;
    for scope in [Scope::Own, Scope::Shared, Scope::Other] {
        let users = if scope == Scope::Own { &w.a_users } else { &w.b_users };
        for (role, auth) in users {
            for ep in CASE_ENDPOINTS {
                n += 1;
                let case = w.case(scope == Scope::Shared);
                let before = w.version(case.0);
                let links_before = w.links();
                let got = w.hit(ep, auth, Some(case), n);
                let want = expected(ep, *role, scope);
                if got != want {
                    failures.push(format!("{ep:?} as {role} ({scope:?}): got {got}, want {want}"));
                }
                let after = w.version(case.0);
                let allowed = (200..300).contains(&want);
                // A match decision changes no case: it joins or separates children.
                let writes = !matches!(
                    ep,
                    Ep::GetCase
                        | Ep::Events
                        | Ep::Matches
                        | Ep::DecideMatch
                        | Ep::Assessments
                        | Ep::CaseEscalations
                        | Ep::Handover
                        | Ep::CaseAlerts
                        | Ep::RequestAlert
                );
                let changed = after != before;
                if changed != (writes && allowed) {
                    failures.push(format!("{ep:?} as {role} ({scope:?}): version {before} -> {after}"));
                }
                // A refusal joins, separates or suggests no children either.
                if !allowed && w.links() != links_before {
                    failures
                        .push(format!("{ep:?} as {role} ({scope:?}): refused, yet the pairs or identities changed"));
                }
            }
            {
                for ep in WARNING_ENDPOINTS {
                    n += 1;
                    let warning = w.warning(n, scope == Scope::Shared);
                    let before = w.warning_state(warning);
                    let got = w.hit_warning(ep, auth, warning);
                    let want = expected(ep, *role, scope);
                    if got != want {
                        failures.push(format!("{ep:?} as {role} ({scope:?}): got {got}, want {want}"));
                    }
                    let decided = w.warning_state(warning) != before;
                    if decided != (ep == Ep::DecideWarning && (200..300).contains(&want)) {
                        failures.push(format!(
                            "{ep:?} as {role} ({scope:?}): the warning went {before} -> decided {decided}"
                        ));
                    }
                }
            }
            {
                n += 1;
                let ep = Ep::AcknowledgeEscalation;
                let escalation = w.escalation(scope == Scope::Shared);
                let url = format!("/api/v1/escalations/{escalation}/acknowledgement");
                let got = w.app.post(&url, auth, json!({"note": "on it"})).status;
                let want = expected(ep, *role, scope);
                if got != want {
                    failures.push(format!("{ep:?} as {role} ({scope:?}): got {got}, want {want}"));
                }
                if w.acknowledged(escalation) != (200..300).contains(&want) {
                    failures
                        .push(format!("{ep:?} as {role} ({scope:?}): acknowledged = {}", w.acknowledged(escalation)));
                }
            }
            for ep in ALERT_ENDPOINTS {
                let alert = w.alert(ep, scope == Scope::Shared);
                let before = w.alert_state(alert);
                let got = w.hit_alert(ep, auth, alert);
                let want = expected(ep, *role, scope);
                if got != want {
                    failures.push(format!("{ep:?} as {role} ({scope:?}): got {got}, want {want}"));
                }
                let changed = w.alert_state(alert) != before;
                if changed != (ep != Ep::GetAlert && (200..300).contains(&want)) {
                    failures.push(format!("{ep:?} as {role} ({scope:?}): the alert changed = {changed}"));
                }
            }
            if scope == Scope::Own {
                for ep in OTHER_ENDPOINTS {
                    n += 1;
                    let got = w.hit(ep, auth, None, n);
                    let want = expected(ep, *role, scope);
                    if got != want {
                        failures.push(format!("{ep:?} as {role}: got {got}, want {want}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn no_request_without_credentials_or_with_a_bad_token() {
    let w = world();
    let case = w.case(false);
    let mut n = 0;
    for ep in CASE_ENDPOINTS.into_iter().chain(OTHER_ENDPOINTS) {
        for auth in
            [Auth::None, Auth::Bearer("hwt_not-a-real-token".into()), Auth::Cookie("homeward_session=forged".into())]
        {
            n += 1;
            let got = w.hit(ep, &auth, Some(case), n);
            assert_eq!(got, 401, "{ep:?} with {auth:?}");
        }
    }
}

#[test]
fn another_organisations_cases_never_appear_in_lists() {
    let w = world();
    let (hidden, _) = w.case(false);
    let (shared, _) = w.case(true);
    for (role, auth) in &w.b_users {
        if *role == Role::Admin {
            continue;
        }
        let page = w.app.get("/api/v1/cases?limit=200", auth).body;
        let ids: Vec<&str> = page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert!(!ids.contains(&hidden.to_string().as_str()), "{role} sees an unshared case");
        assert!(ids.contains(&shared.to_string().as_str()), "{role} misses a shared case");
        let filtered = w.app.get("/api/v1/cases?q=eleni&limit=200", auth);
        if *role == Role::Analyst {
            assert_eq!(filtered.status, 403, "an analyst may not search by name");
        } else {
            // The shared case and the world's shared twin; never the hidden one.
            assert_eq!(filtered.body["total"], 2, "{role}: name search must count only visible cases");
        }
    }
}

#[test]
fn an_analyst_sees_no_names() {
    let w = world();
    let (id, _) = w.case(false);
    let analyst = &w.a_users.iter().find(|(r, _)| *r == Role::Analyst).unwrap().1;
    let case = w.app.get(&format!("/api/v1/cases/{id}"), analyst);
    assert_eq!(case.status, 200);
    assert_eq!(case.body["pseudonymous"], true);
    assert_eq!(case.body["child"], Value::Null);
    assert_eq!(case.body["last_seen"], Value::Null);
    assert_eq!(case.body["contacts"], json!([]));
    assert_eq!(case.body["child_skeleton"]["birth_year"], 2011);
    let text = case.body.to_string();
    assert!(!text.contains("Ελένη") && !text.contains("Omonia") && !text.contains("Mother"), "{text}");
    let list = w.app.get("/api/v1/cases", analyst).body;
    assert_eq!(list["items"][0]["child_name"], Value::Null);
    assert!(!list.to_string().contains("Ελένη"));
    // Searching by name must not let an analyst probe for names either.
    let probe = w.app.get("/api/v1/cases?q=Ελένη", analyst);
    assert_eq!(probe.status, 403, "{:?}", probe.body);
}

#[test]
fn an_admin_cannot_reach_another_organisations_users() {
    let w = world();
    let (target, target_auth) = w.app.user(&w.org_a, Role::Operator, "target@a.example");
    let b_admin = &w.b_users.iter().find(|(r, _)| *r == Role::Admin).unwrap().1;
    let resp = w.app.call("POST", &format!("/api/v1/users/{}/deactivate", target.id), b_admin, None);
    assert_eq!(resp.status, 404, "{:?}", resp.body);
    assert_eq!(w.app.get("/api/v1/me", &target_auth).status, 200, "the user is untouched");
}

/// The sighting endpoints for staff, as the API must answer them. Sightings from the public are
/// addressed to the organisations that take reports: both A and B are hotlines, so an unattached
/// sighting is in the inbox of each (scope own for both); attaching one asks the case's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SightingEp {
    List,
    Get,
    Photo,
    Attach,
    Dismiss,
    OfCase,
}

const SIGHTING_ENDPOINTS: [SightingEp; 6] =
    [SightingEp::List, SightingEp::Get, SightingEp::Photo, SightingEp::Attach, SightingEp::Dismiss, SightingEp::OfCase];

fn expected_sighting(ep: SightingEp, role: Role, scope: Scope) -> u16 {
    use Role::*;
    let takes_reports = matches!(role, Operator | CaseManager | Supervisor);
    let reads_case_in_full = matches!(role, Operator | CaseManager | Supervisor | PoliceLiaison);
    let sees_case = scope != Scope::Other && role != Admin;
    let allow = |allowed: bool, code: u16| if allowed { code } else { 403 };
    match ep {
        SightingEp::List | SightingEp::Get | SightingEp::Photo | SightingEp::Dismiss => allow(takes_reports, 200),
        // The sighting first (its inbox), then the case: only a case of one's own organisation.
        SightingEp::Attach if !takes_reports => 403,
        SightingEp::Attach if !sees_case => 404,
        SightingEp::Attach => allow(scope == Scope::Own, 200),
        SightingEp::OfCase if !sees_case => 404,
        SightingEp::OfCase => allow(reads_case_in_full, 200),
    }
}

fn new_sighting() -> homeward_domain::sighting::NewSighting {
    let seen = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    homeward_domain::sighting::NewSighting {
        alert: None,
        place: "Larissa station".into(),
        lat: Some(39.639),
        lon: Some(22.419),
        seen_at: homeward_domain::sighting::format_local(time::PrimitiveDateTime::new(seen.date(), seen.time())),
        utc_offset_minutes: Some(0),
        description: "A girl in a red coat".into(),
        contact: Default::default(),
    }
}

impl World {
    /// A fresh sighting in the inbox, with a photo.
    fn sighting(&self) -> String {
        let photo = homeward_domain::sighting::Photo::check(b"\x89PNG\r\n\x1a\n0000".to_vec()).unwrap();
        self.app.store.submit_sighting("203.0.113.1", new_sighting(), Some(photo)).unwrap().id.to_string()
    }

    fn sighting_state(&self, id: &str) -> String {
        let conn = rusqlite::Connection::open(&self.app.db_path).unwrap();
        conn.query_row("SELECT state || COALESCE(case_id, '') FROM sightings WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    }

    fn hit_sighting(&self, ep: SightingEp, auth: &Auth, sighting: &str, case: CaseId) -> u16 {
        let app = &self.app;
        match ep {
            SightingEp::List => app.get("/api/v1/sightings", auth).status,
            SightingEp::Get => app.get(&format!("/api/v1/sightings/{sighting}"), auth).status,
            SightingEp::Photo => app.get(&format!("/api/v1/sightings/{sighting}/photo"), auth).status,
            SightingEp::Attach => {
                app.post(&format!("/api/v1/sightings/{sighting}/attachment"), auth, json!({"case_id": case})).status
            }
            SightingEp::Dismiss => {
                app.post(&format!("/api/v1/sightings/{sighting}/dismissal"), auth, json!({"reason": "a prank"})).status
            }
            SightingEp::OfCase => app.get(&format!("/api/v1/cases/{case}/sightings"), auth).status,
        }
    }
}

#[test]
fn every_sighting_endpoint_for_every_role_and_scope() {
    let w = world();
    let mut failures = Vec::new();
    for scope in [Scope::Own, Scope::Shared, Scope::Other] {
        let users = if scope == Scope::Own { &w.a_users } else { &w.b_users };
        for (role, auth) in users {
            for ep in SIGHTING_ENDPOINTS {
                let (case, _) = w.case(scope == Scope::Shared);
                let sighting = w.sighting();
                let (before, version) = (w.sighting_state(&sighting), w.version(case));
                let got = w.hit_sighting(ep, auth, &sighting, case);
                let want = expected_sighting(ep, *role, scope);
                if got != want {
                    failures.push(format!("{ep:?} as {role} ({scope:?}): got {got}, want {want}"));
                }
                let allowed = (200..300).contains(&want);
                let decided = w.sighting_state(&sighting) != before;
                if decided != (allowed && matches!(ep, SightingEp::Attach | SightingEp::Dismiss)) {
                    failures
                        .push(format!("{ep:?} as {role} ({scope:?}): the sighting went {before} -> decided {decided}"));
                }
                // Only an attachment changes a case: its event.
                if (w.version(case) != version) != (allowed && ep == SightingEp::Attach) {
                    failures
                        .push(format!("{ep:?} as {role} ({scope:?}): case version {version} -> {}", w.version(case)));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn no_sighting_endpoint_for_staff_without_credentials_and_the_public_one_with_any() {
    let w = world();
    let (case, _) = w.case(false);
    let version = w.version(case);
    let sighting = w.sighting();
    let forged =
        [Auth::None, Auth::Bearer("hwt_not-a-real-token".into()), Auth::Cookie("homeward_session=forged".into())];
    for ep in SIGHTING_ENDPOINTS {
        for auth in &forged {
            assert_eq!(w.hit_sighting(ep, auth, &sighting, case), 401, "{ep:?} with {auth:?}");
        }
    }
    // The public endpoint takes a sighting whoever sends it, and does nothing else with their
    // credentials: a staff token attaches nothing.
    let staff = w.a_users[0].1.clone();
    let body = serde_json::to_value(new_sighting()).unwrap();
    for auth in forged.iter().chain([&staff]) {
        let r = w.app.post("/api/v1/public/sightings", auth, body.clone());
        assert_eq!(r.status, 201, "{auth:?}: {:?}", r.body);
        assert_eq!(w.sighting_state(r.body["id"].as_str().unwrap()), "new");
    }
    assert_eq!(w.version(case), version, "the case did not change");
}
