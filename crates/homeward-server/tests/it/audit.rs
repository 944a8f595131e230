//! The audit trail: every read and write leaves an entry; tampering is detected.

use homeward_domain::org::{OrganisationKind, Role};
use serde_json::json;

use crate::support::{TestApp, issue_report};

#[test]
fn every_read_and_write_of_a_case_leaves_an_entry() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (user, auth) = app.user(&org, Role::CaseManager, "cm@a.example");
    let before = app.audit().len();

    let created = app.post("/api/v1/cases", &auth, issue_report());
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let steps: Vec<(&str, crate::support::Resp)> = vec![
        ("case.read", app.get(&format!("/api/v1/cases/{id}"), &auth)),
        ("case.listed", app.get("/api/v1/cases", &auth)),
        ("case.events_read", app.get(&format!("/api/v1/cases/{id}/events"), &auth)),
        ("case.note_added", app.post(&format!("/api/v1/cases/{id}/notes"), &auth, json!({"text": "n"}))),
        (
            "case.status_changed",
            app.post(&format!("/api/v1/cases/{id}/status"), &auth, json!({"status": "found_safe"})),
        ),
    ];
    for (_, resp) in &steps {
        assert!(resp.status < 300, "{resp:?}");
    }
    let entries = app.audit();
    let new: Vec<_> = entries[before..].iter().collect();
    let expected: Vec<&str> = std::iter::once("case.created").chain(steps.iter().map(|(a, _)| *a)).collect();
    let actions: Vec<&str> = new.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, expected);
    for entry in &new {
        assert_eq!(entry.actor_user_id.as_deref(), Some(user.id.to_string().as_str()));
        assert_eq!(entry.actor_organisation_id.as_deref(), Some(org.id.to_string().as_str()));
        assert_eq!(entry.origin, "127.0.0.1");
        if entry.action != "case.listed" {
            assert_eq!(entry.record_id.as_deref(), Some(id.as_str()), "{}", entry.action);
        }
    }
    let note = new.iter().find(|e| e.action == "case.note_added").unwrap();
    assert!(note.detail.contains("\"answered_with\":\"personal_data\""), "{}", note.detail);
    // A list records which cases it showed.
    let listed = new.iter().find(|e| e.action == "case.listed").unwrap();
    assert!(listed.detail.contains(&id), "{}", listed.detail);
    assert!(app.store.verify_audit().unwrap().is_ok());
}

#[test]
fn refused_and_failed_requests_write_no_case_data() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, auth) = app.user(&org, Role::Analyst, "an@a.example");
    let cases = app.count("cases");
    let response = app.post("/api/v1/cases", &auth, issue_report());
    assert_eq!(response.status, 403);
    assert_eq!(app.count("cases"), cases);
    assert_eq!(app.count("children"), 0);
    assert_eq!(app.count("case_events"), 0);
}

fn tamper(app: &TestApp, sql: &str) {
    let conn = rusqlite::Connection::open(&app.db_path).unwrap();
    assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql}");
}

fn busy_app() -> TestApp {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, auth) = app.user(&org, Role::Operator, "op@a.example");
    for _ in 0..3 {
        let id = app.post("/api/v1/cases", &auth, issue_report()).body["id"].as_str().unwrap().to_owned();
        app.get(&format!("/api/v1/cases/{id}"), &auth);
    }
    assert!(app.store.verify_audit().unwrap().is_ok());
    app
}

#[test]
fn editing_an_entry_breaks_the_chain_at_that_entry() {
    let app = busy_app();
    tamper(&app, "UPDATE audit_log SET detail = '{}' WHERE seq = 6");
    let report = app.store.verify_audit().unwrap();
    let (seq, why) = report.first_bad.expect("an edit must be detected");
    assert_eq!(seq, 6);
    assert!(why.contains("edited"), "{why}");
}

#[test]
fn editing_an_entry_and_its_hash_breaks_the_next_link() {
    let app = busy_app();
    tamper(&app, "UPDATE audit_log SET actor_user_id = NULL, hash = 'ab' WHERE seq = 5");
    let (seq, _) = app.store.verify_audit().unwrap().first_bad.expect("detected");
    assert_eq!(seq, 5);
}

#[test]
fn deleting_an_entry_is_detected() {
    let app = busy_app();
    tamper(&app, "DELETE FROM audit_log WHERE seq = 4");
    let (seq, why) = app.store.verify_audit().unwrap().first_bad.expect("a deletion must be detected");
    assert_eq!(seq, 4);
    assert!(why.contains("missing"), "{why}");
}

#[test]
fn refused_attempts_on_a_case_are_recorded() {
    let app = TestApp::spawn();
    let a = app.org("Hotline A", "GR", OrganisationKind::Hotline);
    let b = app.org("Hotline B", "RS", OrganisationKind::Hotline);
    let (_, owner) = app.user(&a, Role::CaseManager, "cm@a.example");
    let (analyst, analyst_auth) = app.user(&a, Role::Analyst, "an@a.example");
    let (stranger, stranger_auth) = app.user(&b, Role::Supervisor, "sup@b.example");
    let id = app.post("/api/v1/cases", &owner, issue_report()).body["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post(&format!("/api/v1/cases/{id}/notes"), &analyst_auth, json!({"text": "x"})).status, 403);
    assert_eq!(app.get(&format!("/api/v1/cases/{id}"), &stranger_auth).status, 404);
    let denied: Vec<_> = app.audit().into_iter().filter(|e| e.action == "access.denied").collect();
    assert_eq!(denied.len(), 2, "{denied:?}");
    assert_eq!(denied[0].actor_user_id.as_deref(), Some(analyst.id.to_string().as_str()));
    assert_eq!(denied[0].record_id.as_deref(), Some(id.as_str()));
    assert!(denied[0].detail.contains("case_add_note"), "{}", denied[0].detail);
    assert_eq!(denied[1].actor_user_id.as_deref(), Some(stranger.id.to_string().as_str()));
    assert!(denied[1].detail.contains("\"attempt\":\"read\""), "{}", denied[1].detail);
    assert!(app.store.verify_audit().unwrap().is_ok());
}
