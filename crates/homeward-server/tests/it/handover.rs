//! The police hand-over package over HTTP and as a printable page: what it holds, who reads it
//! (the case's own organisation, the police unit it was handed to, nobody else), and that every
//! read and every refusal is recorded.

use homeward_domain::org::{Organisation, OrganisationKind, Role};
use serde_json::{Value, json};

use crate::support::{Auth, TestApp, issue_report};

struct World {
    app: TestApp,
    operator: Auth,
    operator_email: &'static str,
    manager: Auth,
    analyst: Auth,
    unit: Organisation,
    liaison: Auth,
    other_unit: Organisation,
    other_liaison: Auth,
    stranger: Auth,
}

fn world() -> World {
    let app = TestApp::spawn();
    let a = app.org("Hotline A", "GR", OrganisationKind::Hotline);
    let b = app.org("Hotline B", "RS", OrganisationKind::Hotline);
    let unit = app.org("Police Athens", "GR", OrganisationKind::PoliceUnit);
    let other_unit = app.org("Police Patras", "GR", OrganisationKind::PoliceUnit);
    let operator_email = "operator@a.example";
    let (_, operator) = app.user(&a, Role::Operator, operator_email);
    let (_, manager) = app.user(&a, Role::CaseManager, "manager@a.example");
    let (_, analyst) = app.user(&a, Role::Analyst, "analyst@a.example");
    let (_, liaison) = app.user(&unit, Role::PoliceLiaison, "liaison@athens.example");
    let (_, other_liaison) = app.user(&other_unit, Role::PoliceLiaison, "liaison@patras.example");
    let (_, stranger) = app.user(&b, Role::CaseManager, "manager@b.example");
    World { app, operator, operator_email, manager, analyst, unit, liaison, other_unit, other_liaison, stranger }
}

impl World {
    /// A high-risk case with a description, an identifier, risk answers and an observed indicator.
    fn case(&self, description: &str) -> String {
        let mut report = issue_report();
        report["risk_level"] = json!("high");
        report["child"]["description"] = json!(description);
        report["last_seen"]["region"] = json!("Attica");
        report["last_seen"]["missing_from"] = json!({"kind": "institution", "name": "Children's home Kifisia"});
        report["identifiers"] = json!([{"kind": "phone", "value": "+30 690 000 1234"}]);
        let created = self.app.post("/api/v1/cases", &self.operator, report);
        assert_eq!(created.status, 201, "{:?}", created.body);
        let id = created.body["id"].as_str().unwrap().to_owned();
        let answers = json!({"under_13": false, "in_care": true, "suspected_crime": true});
        let answered = self.app.post(&format!("/api/v1/cases/{id}/risk-answers"), &self.operator, answers);
        assert_eq!(answered.status, 200, "{:?}", answered.body);
        let indicator = json!({"indicator": "threats", "evidence": "Messages threatening her family"});
        let observed = self.app.post(&format!("/api/v1/cases/{id}/indicators"), &self.operator, indicator);
        assert_eq!(observed.status, 201, "{:?}", observed.body);
        id
    }

    fn hand_over(&self, case: &str) {
        let body = json!({"to_organisation": self.unit.id, "reference": "ATH-2026-118"});
        let r = self.app.post(&format!("/api/v1/cases/{case}/police-handover"), &self.operator, body);
        assert_eq!(r.status, 200, "{:?}", r.body);
    }

    fn package(&self, case: &str, auth: &Auth) -> (u16, Value) {
        let r = self.app.get(&format!("/api/v1/cases/{case}/handover"), auth);
        (r.status, r.body)
    }
}

#[test]
fn the_package_holds_the_child_last_seen_risk_identifiers_and_timeline() {
    let w = world();
    let case = w.case("Tall, short dark hair, a red school backpack");
    let (status, p) = w.package(&case, &w.operator);
    assert_eq!(status, 200, "{p:?}");
    let child = &p["case"]["child"];
    assert_eq!(child["given_name"], "Ελένη");
    assert_eq!(child["date_of_birth"], "2011-04-02");
    assert_eq!(child["description"], "Tall, short dark hair, a red school backpack");
    assert_eq!(p["photo"], "not_kept");
    let seen = &p["case"]["last_seen"];
    assert_eq!((seen["place"].as_str(), seen["region"].as_str()), (Some("Athens, Omonia"), Some("Attica")));
    assert_eq!((seen["lat"].as_f64(), seen["lon"].as_f64()), (Some(37.984), Some(23.728)));
    assert_eq!(seen["missing_from"]["kind"], "institution");
    assert_eq!((p["case"]["category"].as_str(), p["case"]["risk_level"].as_str()), (Some("runaway"), Some("high")));
    // The risk and its reasons: the answers that raised the suggested level, the trafficking
    // concern with every reason.
    let factors: Vec<&str> =
        p["risk_suggestion"]["factors"].as_array().unwrap().iter().map(|f| f["factor"].as_str().unwrap()).collect();
    assert!(factors.contains(&"suspected_crime"), "{factors:?}");
    let reasons: Vec<&str> =
        p["trafficking"]["reasons"].as_array().unwrap().iter().map(|r| r["indicator"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"threats"), "{reasons:?}");
    assert!(p["trafficking"]["statement"].is_string());
    assert_eq!(p["case"]["identifiers"][0]["value"], "+30 690 000 1234");
    let kinds: Vec<&str> = p["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"opened"));
    assert!(kinds.contains(&"indicator_observed") && kinds.contains(&"risk_questions_answered"), "{kinds:?}");
    assert_eq!(p["organisation_name"], "Hotline A");
    assert_eq!(p["handovers"], json!([]));

    // After the hand-over: when, to whom, by whom, the police's reference.
    w.hand_over(&case);
    let (_, p) = w.package(&case, &w.manager);
    let h = &p["handovers"][0];
    assert_eq!(h["organisation_id"], json!(w.unit.id));
    assert_eq!(h["organisation_name"], "Police Athens");
    assert_eq!(h["reference"], "ATH-2026-118");
    let operator = w.app.store.user_by_email(w.operator_email).unwrap().unwrap();
    assert_eq!(h["handed_by"], json!(operator.id));
    assert_eq!(h["handed_by_name"], json!(operator.display_name));
    assert!(h["at"].is_string());
    let kinds: Vec<&str> = p["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(kinds.ends_with(&["handed_to_police", "shared"]), "{kinds:?}");
}

#[test]
fn the_unit_it_was_handed_to_reads_it_and_no_other_does() {
    let w = world();
    let handed = w.case("A green jacket");
    let kept = w.case("A blue jacket");
    w.hand_over(&handed);
    // The liaison's case desk holds exactly the case handed to their unit.
    let desk = w.app.get("/api/v1/cases?limit=200", &w.liaison).body;
    let ids: Vec<&str> = desk["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [handed.as_str()]);
    let number = |id: &str| {
        let case = w.app.get(&format!("/api/v1/cases/{id}"), &w.operator).body;
        case["number"].as_str().unwrap().to_owned()
    };
    let session = w.app.session("liaison@athens.example");
    let desk = w.app.page("GET", "/", Some(&session), None);
    assert_eq!(desk.status, 200);
    assert!(desk.html.contains(&number(&handed)), "{}", desk.html);
    assert!(!desk.html.contains(&number(&kept)), "{}", desk.html);
    let (status, p) = w.package(&handed, &w.liaison);
    assert_eq!(status, 200, "{p:?}");
    assert_eq!(p["handovers"][0]["organisation_name"], "Police Athens");
    assert_eq!(w.package(&kept, &w.liaison).0, 404);
    // Another unit sees nothing of it; shared with that unit without a hand-over, still refused.
    assert_eq!(w.package(&handed, &w.other_liaison).0, 404);
    let share = json!({"organisation_id": w.other_unit.id});
    assert_eq!(w.app.post(&format!("/api/v1/cases/{handed}/shares"), &w.manager, share).status, 200);
    assert_eq!(w.package(&handed, &w.other_liaison).0, 403);
    // So only the unit it was handed to is offered the package on the case page.
    let case_page = |email: &str| {
        let session = w.app.session(email);
        let page = w.app.page("GET", &format!("/cases/{handed}"), Some(&session), None);
        assert_eq!(page.status, 200, "{email}");
        page.html.contains("id=\"handover-link\"")
    };
    assert!(case_page("liaison@athens.example"), "the unit it was handed to");
    assert!(!case_page("liaison@patras.example"), "a unit it is only shared with");
    // Another organisation, a role that reads no personal data, nobody signed in.
    assert_eq!(w.package(&handed, &w.stranger).0, 404);
    assert_eq!(w.package(&handed, &w.analyst).0, 403);
    assert_eq!(w.package(&handed, &Auth::None).0, 401);
    assert_eq!(w.package("01a22944-4574-7495-a6e1-ccc87f12231a", &w.operator).0, 404);

    // Every read is audited, every refusal recorded against the case.
    let audit = w.app.audit();
    let athens = w.app.store.user_by_email("liaison@athens.example").unwrap().unwrap();
    let reads: Vec<_> = audit.iter().filter(|e| e.action == "case.handover_package_read").collect();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0].actor_user_id, Some(athens.id.to_string()));
    assert_eq!(reads[0].record_id.as_deref(), Some(handed.as_str()));
    let patras = w.app.store.user_by_email("liaison@patras.example").unwrap().unwrap();
    let refused: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "access.denied" && e.actor_user_id == Some(patras.id.to_string()))
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused.iter().all(|e| e.record_id.as_deref() == Some(handed.as_str())));
    assert!(refused.iter().all(|e| e.detail.contains("case_handover_read")));
}

#[test]
fn the_printable_page_in_english_and_greek_escapes_what_people_wrote() {
    let w = world();
    let case = w.case("<script>alert('x')</script> a red backpack");
    w.hand_over(&case);
    let operator = w.app.session(w.operator_email);
    // The case page links to the package.
    let page = w.app.page("GET", &format!("/cases/{case}"), Some(&operator), None);
    assert!(page.html.contains(&format!("href=\"/cases/{case}/handover\"")), "{}", page.html);

    let page = w.app.page("GET", &format!("/cases/{case}/handover"), Some(&operator), None);
    assert_eq!(page.status, 200, "{}", page.html);
    for text in [
        "Police hand-over package",
        "Police Athens",
        "ATH-2026-118",
        "Athens, Omonia",
        "+30 690 000 1234",
        "Homeward keeps no photograph of the child",
        "Timeline",
    ] {
        assert!(page.html.contains(text), "{text} is missing from {}", page.html);
    }
    assert!(page.html.contains("&lt;script&gt;alert"), "{}", page.html);
    assert!(!page.html.contains("<script>alert"), "{}", page.html);
    // No form on the package: it is for reading and printing.
    assert!(!page.html.contains("method=\"post\" action=\"/cases/"), "{}", page.html);

    assert_eq!(w.app.page("POST", "/preferences", Some(&operator), Some("language=el")).status, 303);
    let greek = w.app.page("GET", &format!("/cases/{case}/handover"), Some(&operator), None);
    assert_eq!(greek.status, 200);
    assert!(greek.html.contains("Πακέτο παράδοσης στην αστυνομία"), "{}", greek.html);
    assert!(greek.html.contains("Παραδόσεις στην αστυνομία"), "{}", greek.html);
    assert!(greek.html.contains("lang=\"el\""));

    // The unit's police liaison opens it; another unit's is shown nothing.
    let liaison = w.app.session("liaison@athens.example");
    assert_eq!(w.app.page("GET", &format!("/cases/{case}/handover"), Some(&liaison), None).status, 200);
    let other = w.app.session("liaison@patras.example");
    let refused = w.app.page("GET", &format!("/cases/{case}/handover"), Some(&other), None);
    assert_eq!(refused.status, 404);
    assert!(!refused.html.contains("backpack"));
}

#[test]
fn the_api_document_describes_the_package() {
    let app = TestApp::spawn();
    let doc = app.get("/api/v1/openapi.json", &Auth::None).body;
    let get = &doc["paths"]["/api/v1/cases/{id}/handover"]["get"];
    for status in ["200", "401", "403", "404"] {
        assert!(get["responses"][status].is_object(), "{status} missing from {get}");
    }
    assert!(doc["components"]["schemas"]["HandoverDocument"].is_object());
}
