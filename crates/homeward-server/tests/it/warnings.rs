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
    let (numbers, _) = crate::support::two_children_one_phone(&app, &operator);
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

#[test]
fn risk_answers_suggest_a_level_and_every_assessment_is_kept_with_its_catalogue() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (operator_user, operator) = app.user(&org, Role::Operator, "op@a.example");
    let created = app.post("/api/v1/cases", &operator, issue_report());
    let id = created.body["id"].as_str().unwrap().to_owned();
    let case = app.get(&format!("/api/v1/cases/{id}"), &operator);
    assert_eq!(case.body["risk_suggestion"], serde_json::Value::Null, "nothing answered yet");

    let empty = app.post(&format!("/api/v1/cases/{id}/risk-answers"), &operator, json!({}));
    assert_eq!(empty.status, 422, "{:?}", empty.body);
    let unknown = app.post(&format!("/api/v1/cases/{id}/risk-answers"), &operator, json!({"likes_football": true}));
    assert!((400..500).contains(&unknown.status), "{:?}", unknown.body);
    let answered = app.post(
        &format!("/api/v1/cases/{id}/risk-answers"),
        &operator,
        json!({"under_13": true, "in_care": true, "suspected_crime": false}),
    );
    assert_eq!(answered.status, 200, "{:?}", answered.body);
    let case = app.get(&format!("/api/v1/cases/{id}"), &operator).body;
    let suggestion = &case["risk_suggestion"];
    assert_eq!(suggestion["level"], "high", "under 13 and in care: {suggestion}");
    let factors: Vec<&str> =
        suggestion["factors"].as_array().unwrap().iter().map(|f| f["factor"].as_str().unwrap()).collect();
    assert_eq!(factors, ["under_13", "in_care"]);
    assert_eq!(suggestion["factors"][0]["answered_by"], json!(operator_user.id));
    assert!(suggestion["factors"][0]["answered_at"].is_string());
    assert_eq!(suggestion["unanswered"].as_array().unwrap().len(), 7);

    // Recording an indicator changes the assessment; both are kept, with the catalogue version.
    let observed = app.post(
        &format!("/api/v1/cases/{id}/indicators"),
        &operator,
        json!({"indicator": "documents_withheld", "evidence": "her passport is kept by a man"}),
    );
    assert_eq!(observed.status, 201, "{:?}", observed.body);
    let history = app.get(&format!("/api/v1/cases/{id}/assessments"), &operator);
    assert_eq!(history.status, 200, "{:?}", history.body);
    let history = history.body.as_array().unwrap().clone();
    assert!(history.len() >= 2, "{history:?}");
    let last = history.last().unwrap();
    assert_eq!(last["catalogue_version"], case["trafficking"]["catalogue_version"]);
    assert!(last["reasons"].as_array().unwrap().iter().any(|r| r["indicator"] == "documents_withheld"));
}

#[test]
fn a_shared_phone_warning_answers_its_network_of_cases_and_identifiers() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let other = app.org("Elsewhere", "RS", OrganisationKind::Hotline);
    let (_, operator) = app.user(&org, Role::Operator, "op@a.example");
    let (_, manager) = app.user(&org, Role::CaseManager, "cm@a.example");
    let (_, supervisor) = app.user(&org, Role::Supervisor, "sup@a.example");
    let (_, elsewhere) = app.user(&other, Role::Supervisor, "sup@b.example");
    let (numbers, ids) = crate::support::three_children_two_links(&app, &operator);
    let id = crate::support::phone_warning(&app, &supervisor);
    let path = format!("/api/v1/warnings/{id}/network");

    let network = app.get(&path, &supervisor);
    assert_eq!(network.status, 200, "{:?}", network.body);
    let body = &network.body;
    assert_eq!(body["warning_id"], id.as_str());
    let cases: Vec<(&str, &str, bool)> = body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["case_id"].as_str().unwrap(), c["number"].as_str().unwrap(), c["in_warning"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        cases,
        vec![
            (ids[0].as_str(), numbers[0].as_str(), true),
            (ids[1].as_str(), numbers[1].as_str(), true),
            (ids[2].as_str(), numbers[2].as_str(), false)
        ]
    );
    assert_eq!(body["cases"][0]["status"], "open");
    assert!(body["cases"][0]["last_seen_at"].is_string() && body["cases"][0]["category"].is_string());
    let identifiers = body["identifiers"].as_array().unwrap();
    let nodes: Vec<(&str, &str, u64)> = identifiers
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["value"].as_str().unwrap(), i["held_by"].as_u64().unwrap()))
        .collect();
    assert_eq!(nodes, vec![("phone", "+30 690 000 1234", 2), ("social_handle", "@nikos_13<script>", 2)]);
    let (phone, handle) = (identifiers[0]["id"].as_str().unwrap(), identifiers[1]["id"].as_str().unwrap());
    let edges: Vec<(&str, &str)> = body["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["case_id"].as_str().unwrap(), e["identifier_id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        edges,
        vec![(ids[0].as_str(), phone), (ids[1].as_str(), phone), (ids[1].as_str(), handle), (ids[2].as_str(), handle)]
    );
    assert_eq!(body["truncated"], false);
    let read = app.audit().into_iter().rfind(|e| e.action == "warning.network_read").expect("the read is audited");
    assert_eq!(read.record_id.as_deref(), Some(id.as_str()));
    assert!(ids.iter().all(|c| read.detail.contains(c.as_str())), "{}", read.detail);

    // A case manager reads it too; an operator is refused, and that is recorded; another
    // organisation does not learn it exists.
    assert_eq!(app.get(&path, &manager).status, 200);
    assert_eq!(app.get(&path, &operator).status, 403);
    let denied = app.audit().into_iter().rfind(|e| e.action == "access.denied").unwrap();
    assert_eq!(denied.record_id.as_deref(), Some(id.as_str()));
    assert!(denied.detail.contains("read_warning_network"), "{}", denied.detail);
    assert_eq!(app.get(&path, &elsewhere).status, 404);
    assert_eq!(app.get("/api/v1/warnings/not-an-id/network", &supervisor).status, 400);
    assert_eq!(app.get("/api/v1/warnings/01a22944-4574-7495-a6e1-ccc87f12231a/network", &supervisor).status, 404);
    assert_eq!(app.get(&path, &crate::support::Auth::None).status, 401);
}

#[test]
fn a_place_cluster_warning_has_no_network() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, operator) = app.user(&org, Role::Operator, "op@a.example");
    let (_, supervisor) = app.user(&org, Role::Supervisor, "sup@a.example");
    for (given, day, centre) in
        [("Amir", 1, "Lesvos"), ("Karim", 3, "Lesvos"), ("Omid", 4, "Samos"), ("Reza", 6, "Lesvos")]
    {
        let report = json!({"category": "missing_unaccompanied_migrant",
            "child": {"given_name": given, "sex": "M"},
            "last_seen": {"at": format!("2026-11-{day:02}T18:00:00Z"),
                "missing_from": {"kind": "reception_centre", "name": format!("Reception Centre {centre}")}}});
        assert_eq!(app.post("/api/v1/cases", &operator, report).status, 201);
    }
    let listed = app.get("/api/v1/warnings", &supervisor).body;
    let place = listed.as_array().unwrap().iter().find(|w| w["kind"] == "place_cluster").expect("a place warning");
    let answer = app.get(&format!("/api/v1/warnings/{}/network", place["id"].as_str().unwrap()), &supervisor);
    assert_eq!(answer.status, 409, "{:?}", answer.body);
    assert!(answer.body["detail"].as_str().unwrap().contains("shared-identifier"), "{:?}", answer.body);
}
