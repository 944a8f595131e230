//! Cases through the API: the issue's report, the timeline, the lifecycle, lists and search.

use homeward_domain::org::{OrganisationKind, Role};
use serde_json::{Value, json};

use crate::support::{Auth, TestApp, issue_report, report};

fn app_with(role: Role) -> (TestApp, Auth) {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, auth) = app.user(&org, role, "user@a.example");
    (app, auth)
}

#[test]
fn the_issue_report_opens_a_case_that_reads_back_whole() {
    let (app, auth) = app_with(Role::Operator);
    let created = app.post("/api/v1/cases", &auth, issue_report());
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap();
    assert!(created.body["number"].as_str().unwrap().starts_with("GR-"));
    let read = app.get(&format!("/api/v1/cases/{id}"), &auth);
    assert_eq!(read.header("cache-control"), Some("no-store"), "personal data is never cached");
    assert_eq!(read.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(read.header("x-frame-options"), Some("DENY"));
    let case = read.body;
    assert_eq!(case["child"]["given_name"], "Ελένη");
    assert_eq!(case["child"]["family_name"], "Παπαδοπούλου");
    assert_eq!(case["child"]["date_of_birth"], "2011-04-02");
    assert_eq!(case["category"], "runaway");
    assert_eq!(case["status"], "open");
    assert_eq!(case["last_seen"]["place"], "Athens, Omonia");
    assert_eq!(case["last_seen"]["lat"], 37.984);
    assert_eq!(case["contacts"][0]["summary"], "Mother reports her daughter did not come home from school");
    assert_eq!(case["trafficking"]["concern"], "none", "{}", case["trafficking"]);
    let mut read_back = case.clone();
    read_back.as_object_mut().unwrap().remove("trafficking");
    assert_eq!(read_back.as_object_mut().unwrap().remove("risk_suggestion"), Some(json!(null)), "nothing answered");
    let mut created_case = created.body.clone();
    assert_eq!(created_case.as_object_mut().unwrap().remove("candidates"), Some(json!([])), "no child known yet");
    assert_eq!(read_back, created_case, "what was created is what is read");
    let events = app.get(&format!("/api/v1/cases/{id}/events"), &auth).body;
    let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["opened", "contact_added"]);
    assert!(!events.to_string().contains("Ελένη"), "events carry no personal data");
}

#[test]
fn the_lifecycle_refuses_a_wrong_step_with_the_allowed_ones() {
    let (app, auth) = app_with(Role::CaseManager);
    let id = app.post("/api/v1/cases", &auth, issue_report()).body["id"].as_str().unwrap().to_owned();
    let status =
        |s: &str| app.post(&format!("/api/v1/cases/{id}/status"), &auth, json!({"status": s, "reason": "because"}));
    let refused = status("support");
    assert_eq!(refused.status, 409);
    assert_eq!(
        refused.body["detail"],
        "a case cannot go from open to support; allowed from open: found_safe, found_harmed, found_deceased, closed"
    );
    assert_eq!(status("found_safe").status, 200);
    assert_eq!(status("support").status, 200);
    assert_eq!(status("closed").status, 200);
    assert_eq!(status("closed").status, 409);
    let reopened = status("open");
    assert_eq!(reopened.status, 200);
    assert_eq!(reopened.body["status"], "open");
    let notes = reopened.body["notes"].as_array().unwrap().len();
    assert_eq!(notes, 4, "each accepted change's reason is a note; refused ones leave none");
    let events = app.get(&format!("/api/v1/cases/{id}/events"), &auth).body;
    assert_eq!(events.as_array().unwrap().len(), 2 + 4);
}

#[test]
fn every_kind_of_change_shows_on_the_case() {
    let (app, auth) = app_with(Role::Supervisor);
    let me = app.get("/api/v1/me", &auth).body["id"].clone();
    let id = app.post("/api/v1/cases", &auth, issue_report()).body["id"].as_str().unwrap().to_owned();
    let p = |suffix: &str| format!("/api/v1/cases/{id}{suffix}");
    assert_eq!(
        app.post(
            &p("/identifiers"),
            &auth,
            json!({"kind": "phone", "value": "0030 690 000 1234", "label": "her friend"})
        )
        .status,
        201
    );
    assert_eq!(
        app.post(&p("/persons"), &auth, json!({"name": "Unknown adult", "description": "man in his thirties"})).status,
        201
    );
    assert_eq!(app.post(&p("/risk"), &auth, json!({"risk_level": "high"})).status, 200);
    assert_eq!(app.post(&p("/category"), &auth, json!({"category": "runaway_national"})).status, 200);
    assert_eq!(app.post(&p("/assignment"), &auth, json!({"assignee": me})).status, 200);
    let with_task =
        app.post(&p("/tasks"), &auth, json!({"title": "Call the school", "due_at": "2026-12-01T09:00:00Z"}));
    let task = with_task.body["tasks"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post(
            &p("/contacts"),
            &auth,
            json!({"channel": "email", "received_at": "2026-11-29T08:00:00Z", "summary": "School wrote back"})
        )
        .status,
        201
    );
    let done = app.call("POST", &p(&format!("/tasks/{task}/complete")), &auth, None);
    assert_eq!(done.status, 200);
    assert_eq!(app.call("POST", &p(&format!("/tasks/{task}/complete")), &auth, None).status, 409);
    let case = done.body;
    assert_eq!(case["identifiers"][0]["normalised"], "+306900001234");
    assert_eq!(case["persons"][0]["name"], "Unknown adult");
    assert_eq!(case["risk_level"], "high");
    assert_eq!(case["category"], "runaway_national");
    assert_eq!(case["assignee"], me);
    assert_eq!(case["tasks"][0]["done"], true);
    assert_eq!(case["contacts"].as_array().unwrap().len(), 2);
    // An assignee from another organisation is refused.
    let b = app.org("Hotline B", "RS", OrganisationKind::Hotline);
    let (stranger, _) = app.user(&b, Role::CaseManager, "x@b.example");
    let refused = app.post(&p("/assignment"), &auth, json!({"assignee": stranger.id}));
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    // So is one who could never work on it.
    let a = app.store.organisation_by_name("Hotline").unwrap().unwrap();
    let (analyst, _) = app.user(&a, Role::Analyst, "an@a.example");
    let refused = app.post(&p("/assignment"), &auth, json!({"assignee": analyst.id}));
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    assert!(refused.body["errors"][0]["message"].as_str().unwrap().contains("cannot work on cases"));
}

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|c| c["number"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn lists_filter_paginate_and_search_names_in_any_script() {
    let (app, auth) = app_with(Role::CaseManager);
    let mut numbers = Vec::new();
    for (given, family, category) in [
        ("Јована", "Петровић", "runaway_national"),
        ("Jovana", "Petrović", "parental_abduction"),
        ("محمد", "الحسن", "missing_unaccompanied_migrant"),
        ("Γιώργος", "Νικολάου", "runaway"),
        ("Marko", "Ilić", "runaway"),
    ] {
        let resp = app.post("/api/v1/cases", &auth, report(given, family, category));
        assert_eq!(resp.status, 201, "{:?}", resp.body);
        numbers.push(resp.body["number"].as_str().unwrap().to_owned());
    }
    let list = |q: &str| app.get(&format!("/api/v1/cases?{q}"), &auth).body;
    assert_eq!(list("")["total"], 5);
    assert_eq!(ids(&list("")), numbers.iter().rev().cloned().collect::<Vec<_>>(), "newest first");
    assert_eq!(ids(&list("category=runaway")), [numbers[4].clone(), numbers[3].clone()]);
    // Cyrillic and Latin spellings find each other; accents and case do not matter.
    assert_eq!(ids(&list("q=jovana")), [numbers[1].clone(), numbers[0].clone()]);
    assert_eq!(ids(&list("q=%D0%88%D0%BE%D0%B2")), [numbers[1].clone(), numbers[0].clone()], "prefix Јов");
    assert_eq!(ids(&list("q=petrovic%20jov")), [numbers[1].clone(), numbers[0].clone()]);
    assert_eq!(ids(&list("q=giorgos")), [numbers[3].clone()]);
    assert_eq!(ids(&list("q=%D9%85%D8%AD%D9%85%D8%AF")), [numbers[2].clone()], "Arabic as written");
    assert_eq!(list("q=nobody")["total"], 0);
    let page = list("limit=2&offset=2");
    assert_eq!(page["total"], 5);
    assert_eq!(ids(&page), [numbers[2].clone(), numbers[1].clone()]);
    let id = app.get("/api/v1/cases?category=runaway_national", &auth).body["items"][0]["id"].clone();
    app.post(&format!("/api/v1/cases/{}/status", id.as_str().unwrap()), &auth, json!({"status": "found_safe"}));
    assert_eq!(ids(&list("status=found_safe")), [numbers[0].clone()]);
    assert_eq!(list("status=open")["total"], 4);
    assert_eq!(list("opened_from=2000-01-01")["total"], 5);
    assert_eq!(list("opened_to=2000-01-01")["total"], 0);
    assert_eq!(list("risk_level=high")["total"], 0);
    let bad = app.get("/api/v1/cases?status=lost", &auth);
    assert_eq!(bad.status, 400);
    assert!(bad.body["detail"].as_str().unwrap().contains("unknown variant `lost`"), "{:?}", bad.body);
    assert_eq!(app.get("/api/v1/cases?opened_from=yesterday", &auth).status, 400);
    assert_eq!(app.get("/api/v1/cases?limit=-1", &auth).status, 400);
    assert_eq!(app.get("/api/v1/cases?colour=red", &auth).status, 400);
    assert_eq!(list("limit=100000")["limit"], 200, "a page holds at most 200");
}

#[test]
fn health_and_the_api_document() {
    let app = TestApp::spawn();
    let health = app.get("/healthz", &Auth::None);
    assert_eq!(health.status, 200);
    let doc = app.get("/api/v1/openapi.json", &Auth::None).body;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/status",
        "/api/v1/cases/{id}/tasks/{task_id}/complete",
        "/api/v1/cases/{id}/matches",
        "/api/v1/candidates",
        "/api/v1/cases/{id}/child",
        "/api/v1/warnings/{id}",
        "/api/v1/warnings/{id}/network",
        "/api/v1/escalations",
        "/api/v1/escalations/{id}/acknowledgement",
        "/api/v1/cases/{id}/escalations",
        "/api/v1/cases/{id}/police-handover",
        "/api/v1/session",
        "/api/v1/users",
        "/api/v1/organisations",
        "/healthz",
    ] {
        assert!(paths.contains_key(path), "{path} missing from the document");
    }
    assert!(doc["components"]["schemas"]["NewCase"].is_object());
    for schema in [
        "CaseWithCandidates",
        "Candidate",
        "CaseMatch",
        "MatchDecisionRequest",
        "Episode",
        "WarningNetwork",
        "NetworkCase",
        "EscalationView",
        "PoliceHandoverRequest",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema} missing from the document");
    }
    let missing = app.get("/nowhere", &Auth::None);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("content-type"), Some("application/problem+json"));
}

#[test]
fn observed_indicators_move_the_trafficking_concern_with_reasons() {
    let (app, auth) = app_with(Role::Operator);
    let mut report = issue_report();
    report["last_seen"]["missing_from"] = json!({"kind": "reception_centre", "name": "Centre 2"});
    let id = app.post("/api/v1/cases", &auth, report).body["id"].as_str().unwrap().to_owned();
    let p = format!("/api/v1/cases/{id}/indicators");
    let before = app.get(&format!("/api/v1/cases/{id}"), &auth).body["trafficking"].clone();
    // Gone from a reception centre at 15: the pattern and the age make a possible concern.
    assert_eq!(before["concern"], "possible", "{before}");
    assert_eq!(before["score"], 3.0, "{before}");
    let observed =
        app.post(&p, &auth, json!({"indicator": "adult_speaks_for_child", "evidence": "a man answered for her"}));
    assert_eq!(observed.status, 201, "{:?}", observed.body);
    let t = &observed.body["trafficking"];
    assert_eq!(t["concern"], "strong", "{t}");
    assert_eq!(t["statement"], "Strong indications: possible victim of trafficking — for a person to confirm now.");
    let reasons: Vec<&str> =
        t["reasons"].as_array().unwrap().iter().map(|r| r["indicator"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["adult_speaks_for_child", "missing_from_care", "age_13_17"]);
    assert!(observed.body["notes"].to_string().contains("a man answered for her"), "the evidence is a note");
    assert_eq!(app.post(&p, &auth, json!({"indicator": "adult_speaks_for_child"})).status, 409, "nothing new");
    assert_eq!(app.post(&p, &auth, json!({"indicator": "gut_feeling"})).status, 422);
    assert_eq!(app.post(&p, &auth, json!({"indicator": "age_13_17"})).status, 422, "derived, not recorded by hand");
    let events = app.get(&format!("/api/v1/cases/{id}/events"), &auth).body;
    assert!(events.to_string().contains("\"type\":\"indicator_observed\""), "{events}");
    assert!(!events.to_string().contains("a man answered"), "events carry no evidence text");
}

#[test]
fn the_risk_questions_suggest_a_level_with_reasons() {
    let (app, auth) = app_with(Role::Operator);
    let s = app.post(
        "/api/v1/risk-suggestion",
        &auth,
        json!({"under_13": true, "in_care": true, "suspected_crime": false}),
    );
    assert_eq!(s.status, 200, "{:?}", s.body);
    assert_eq!(s.body["level"], "high");
    let factors: Vec<&str> =
        s.body["factors"].as_array().unwrap().iter().map(|f| f["factor"].as_str().unwrap()).collect();
    assert_eq!(factors, ["under_13", "in_care"]);
    assert_eq!(s.body["unanswered"].as_array().unwrap().len(), 7);
    assert_eq!(app.post("/api/v1/risk-suggestion", &auth, json!({"under_13": "yes"})).status, 422);
    assert_eq!(app.post("/api/v1/risk-suggestion", &auth, json!({"age": 12})).status, 422);
}

#[test]
fn identifiers_known_at_intake_are_linked_with_the_case_in_one_go() {
    let app = crate::support::TestApp::spawn();
    let org = app.org("Hotline", "GR", homeward_domain::org::OrganisationKind::Hotline);
    let (_, auth) = app.user(&org, homeward_domain::org::Role::Operator, "op@a.example");
    let mut report = crate::support::issue_report();
    report["identifiers"] = serde_json::json!([
        {"kind": "phone", "value": "+30 690 000 1234", "label": "the mother's phone"},
        {"kind": "social_handle", "value": "@eleni.p"}
    ]);
    let created = app.post("/api/v1/cases", &auth, report);
    assert_eq!(created.status, 201, "{:?}", created.body);
    let ids = created.body["identifiers"].as_array().unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0]["normalised"], "+306900001234");
    assert_eq!(created.body["version"], 4, "opened, contact, two identifiers: one event each");
    let id = created.body["id"].as_str().unwrap();
    let found = app.get("/api/v1/cases?identifier=eleni.p", &auth).body;
    assert_eq!(found["items"][0]["id"], id, "found by the handle without its @");
}
