//! Early warnings through the API: raised by the report that makes the pattern detectable,
//! listed for supervisors, decided with a reason, and a decided warning not decided again.

use homeward_domain::org::{OrganisationKind, Role};
use serde_json::json;

use crate::support::{TestApp, issue_report};

#[test]
fn a_shared_phone_number_reaches_the_supervisors_queue_and_is_decided() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, operator) = app.user(&org, Role::Operator, "op@a.example");
    let (_, supervisor) = app.user(&org, Role::Supervisor, "sup@a.example");
    let mut numbers = Vec::new();
    for phone in ["+30 690 000 1234", "0030 690 000 1234"] {
        let mut report = issue_report();
        report["identifiers"] = json!([{"kind": "phone", "value": phone}]);
        let created = app.post("/api/v1/cases", &operator, report);
        assert_eq!(created.status, 201, "{:?}", created.body);
        numbers.push(created.body["number"].as_str().unwrap().to_owned());
    }
    // The operator who took the reports does not see the queue; the supervisor does, at once.
    assert_eq!(app.get("/api/v1/warnings", &operator).status, 403);
    let queue = app.get("/api/v1/warnings", &supervisor);
    assert_eq!(queue.status, 200, "{:?}", queue.body);
    let warnings = queue.body.as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let warning = &warnings[0];
    assert_eq!((warning["kind"].as_str(), warning["level"].as_str()), (Some("shared_identifier"), Some("elevated")));
    assert_eq!(warning["state"], "open");
    assert_eq!(warning["evidence"], json!(["the same phone number in 2 cases"]));
    let listed: Vec<&str> =
        warning["cases"].as_array().unwrap().iter().map(|c| c["number"].as_str().unwrap()).collect();
    assert_eq!(listed, numbers.iter().map(String::as_str).collect::<Vec<_>>());
    let id = warning["id"].as_str().unwrap();

    let decide = |body| app.post(&format!("/api/v1/warnings/{id}/decision"), &supervisor, body);
    let no_reason = decide(json!({"decision": "dismiss"}));
    assert_eq!(no_reason.status, 422, "{:?}", no_reason.body);
    assert!(no_reason.body.to_string().contains("reason"), "{:?}", no_reason.body);
    let unknown = decide(json!({"decision": "ignore"}));
    assert!((400..500).contains(&unknown.status), "{:?}", unknown.body);
    let acted = decide(json!({"decision": "act", "reason": "handed to the police unit"}));
    assert_eq!(acted.status, 200, "{:?}", acted.body);
    assert_eq!(acted.body["state"], "acted");
    assert_eq!(acted.body["decisions"][0]["reason"], "handed to the police unit");
    let again = decide(json!({"decision": "dismiss", "reason": "changed my mind"}));
    assert_eq!(again.status, 409, "{:?}", again.body);
    assert!(app.get("/api/v1/warnings", &supervisor).body.as_array().unwrap().is_empty());
    let closed = app.get("/api/v1/warnings?state=closed", &supervisor);
    assert_eq!(closed.body.as_array().unwrap().len(), 1);
    assert_eq!(app.get("/api/v1/warnings?state=whatever", &supervisor).status, 400);
    assert_eq!(app.get("/api/v1/warnings/not-an-id", &supervisor).status, 400);
    let missing = app.get("/api/v1/warnings/01a22944-4574-7495-a6e1-ccc87f12231a", &supervisor);
    assert_eq!(missing.status, 404);
}

#[test]
fn a_role_that_may_not_decide_is_refused_before_its_reason_is_read() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, manager) = app.user(&org, Role::CaseManager, "cm@a.example");
    let (_, supervisor) = app.user(&org, Role::Supervisor, "sup@a.example");
    for _ in 0..2 {
        let mut report = issue_report();
        report["identifiers"] = json!([{"kind": "phone", "value": "+30 690 000 1234"}]);
        assert_eq!(app.post("/api/v1/cases", &manager, report).status, 201);
    }
    let id = app.get("/api/v1/warnings", &supervisor).body[0]["id"].as_str().unwrap().to_owned();
    let refused = app.post(&format!("/api/v1/warnings/{id}/decision"), &manager, json!({"decision": "dismiss"}));
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    assert_eq!(app.get(&format!("/api/v1/warnings/{id}"), &manager).body["state"], "open");
}
