//! Response targets and escalation end to end: the job run directly with the time it needs (no
//! sleeping), over a real SQLite file, read and acknowledged through the API.

use std::sync::Arc;

use homeward_domain::org::{OrganisationKind, Role};
use homeward_risk::response::ResponsePlan;
use homeward_store::EscalationReport;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::support::{Auth, TestApp, issue_report};

struct World {
    app: TestApp,
    supervisor: Auth,
    operator: Auth,
    police: homeward_domain::OrganisationId,
}

fn world() -> World {
    let app = TestApp::spawn();
    let org = app.org("Hotline A", "GR", OrganisationKind::Hotline);
    let police = app.org("Police Athens", "GR", OrganisationKind::PoliceUnit).id;
    let (_, supervisor) = app.user(&org, Role::Supervisor, "supervisor@a.example");
    let (_, operator) = app.user(&org, Role::Operator, "operator@a.example");
    World { app, supervisor, operator, police }
}

impl World {
    /// A case reported now with this risk level: its id and when it was opened.
    fn case(&self, risk: &str) -> (String, OffsetDateTime) {
        let mut report = issue_report();
        report["risk_level"] = json!(risk);
        let r = self.app.post("/api/v1/cases", &self.operator, report);
        assert_eq!(r.status, 201, "{:?}", r.body);
        let opened = OffsetDateTime::parse(r.body["opened_at"].as_str().unwrap(), &Rfc3339).unwrap();
        (r.body["id"].as_str().unwrap().to_owned(), opened)
    }

    fn run(&self, at: OffsetDateTime) -> EscalationReport {
        self.app.state.run_escalation_job(at).unwrap()
    }

    fn open(&self, auth: &Auth) -> Vec<Value> {
        let r = self.app.get("/api/v1/escalations", auth);
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body.as_array().unwrap().clone()
    }

    /// The open escalations as (target or task title, cycle).
    fn queue(&self) -> Vec<(String, u64)> {
        self.open(&self.supervisor)
            .iter()
            .map(|e| {
                let what = e["target"].as_str().or(e["task_title"].as_str()).unwrap().to_owned();
                (what, e["cycle"].as_u64().unwrap())
            })
            .collect()
    }

    fn hand_over(&self, case: &str) -> u16 {
        let body = json!({"to_organisation": self.police, "reference": "ATH-2026-118"});
        self.app.post(&format!("/api/v1/cases/{case}/police-handover"), &self.operator, body).status
    }
}

fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

#[test]
fn a_high_risk_case_not_handed_over_in_15_minutes_escalates_exactly_once() {
    let w = world();
    let (case, opened) = w.case("high");
    assert_eq!(w.run(opened + minutes(15)), EscalationReport::default(), "not missed yet at 15 minutes");
    assert_eq!(w.run(opened + minutes(16)), EscalationReport { raised: 1, repeated: 0, cleared: 0 });
    assert_eq!(w.run(opened + minutes(16)), EscalationReport::default(), "a rerun raises nothing");
    assert_eq!(w.run(opened + minutes(20)), EscalationReport::default());
    let open = w.open(&w.supervisor);
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["target"], "police_handover_high");
    assert_eq!(open[0]["case_id"], case.as_str());
    assert_eq!(open[0]["risk_level"], "high");
    let due = OffsetDateTime::parse(open[0]["due_at"].as_str().unwrap(), &Rfc3339).unwrap();
    assert_eq!(due, opened + minutes(15));
    // The case page's list and the audit log say the same.
    let of_case = w.app.get(&format!("/api/v1/cases/{case}/escalations"), &w.supervisor);
    assert_eq!(of_case.body.as_array().unwrap().len(), 1);
    let raised: Vec<_> = w.app.audit().into_iter().filter(|e| e.action == "escalation.raised").collect();
    assert_eq!(raised.len(), 1);
    assert_eq!((raised[0].origin.as_str(), raised[0].record_id.as_deref()), ("system:escalation", Some(case.as_str())));
}

#[test]
fn a_case_handed_over_in_time_raises_nothing_and_the_unit_sees_it() {
    let w = world();
    let (case, opened) = w.case("high");
    assert_eq!(w.hand_over(&case), 200);
    assert_eq!(w.run(opened + minutes(16)), EscalationReport::default());
    // An hour on, only the first contact with the family is missed: the report's own contact
    // does not count.
    w.run(opened + minutes(61));
    assert_eq!(w.queue(), [("family_contact".to_owned(), 1)]);
    let events = w.app.get(&format!("/api/v1/cases/{case}/events"), &w.supervisor).body;
    let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(kinds.ends_with(&["handed_to_police", "shared"]), "{kinds:?}");
    // The unit's police liaison sees the case handed to it.
    let police = w.app.store.list_organisations(&homeward_domain::org::Actor::command_line()).unwrap();
    let unit = police.into_iter().find(|o| o.id == w.police).unwrap();
    let (_, liaison) = w.app.user(&unit, Role::PoliceLiaison, "liaison@police.example");
    assert_eq!(w.app.get(&format!("/api/v1/cases/{case}"), &liaison).status, 200);
    // A hand-over to an organisation that is not a police unit is refused by name.
    let hotline = w.app.org("Hotline B", "RS", OrganisationKind::Hotline);
    let r = w.app.post(
        &format!("/api/v1/cases/{case}/police-handover"),
        &w.operator,
        json!({"to_organisation": hotline.id}),
    );
    assert_eq!(r.status, 422, "{:?}", r.body);
    assert_eq!(r.body["errors"][0]["field"], "to_organisation");
}

#[test]
fn acknowledging_stops_the_repeats() {
    let w = world();
    let (_, opened) = w.case("high");
    assert_eq!(w.run(opened + minutes(16)).raised, 1);
    // Nobody acknowledged it for half an hour: raised again, still one escalation.
    assert_eq!(w.run(opened + minutes(46)), EscalationReport { raised: 0, repeated: 1, cleared: 0 });
    assert_eq!(w.run(opened + minutes(50)), EscalationReport::default(), "not again within the half hour");
    let open = w.open(&w.supervisor);
    assert_eq!((open.len(), open[0]["repeats"].as_u64()), (1, Some(1)));
    let id = open[0]["id"].as_str().unwrap().to_owned();
    let ack = w.app.post(
        &format!("/api/v1/escalations/{id}/acknowledgement"),
        &w.supervisor,
        json!({"note": "Calling the police station now"}),
    );
    assert_eq!(ack.status, 200, "{:?}", ack.body);
    assert_eq!(ack.body["acknowledged"]["note"], "Calling the police station now");
    // Past the next half hour: the acknowledged one is not raised again (the family contact,
    // missed at one hour, is new).
    assert_eq!(w.run(opened + minutes(80)), EscalationReport { raised: 1, repeated: 0, cleared: 0 });
    assert_eq!(w.queue(), [("family_contact".to_owned(), 1)]);
    let done = w.app.get("/api/v1/escalations?state=acknowledged", &w.supervisor).body;
    assert_eq!(done.as_array().unwrap().len(), 1);
    assert_eq!(done[0]["repeats"], 1);
    // Acknowledged once.
    let again = w.app.post(&format!("/api/v1/escalations/{id}/acknowledgement"), &w.supervisor, json!({}));
    assert_eq!(again.status, 409);
}

#[test]
fn a_24_hour_review_escalates_once_per_missed_day() {
    let w = world();
    let (case, opened) = w.case("medium");
    assert_eq!(w.hand_over(&case), 200);
    let contact = json!({"channel": "phone", "received_at": OffsetDateTime::now_utc().format(&Rfc3339).unwrap(),
        "summary": "Called the mother back"});
    assert_eq!(w.app.post(&format!("/api/v1/cases/{case}/contacts"), &w.operator, contact).status, 201);
    let hours = Duration::hours;
    assert_eq!(w.run(opened + hours(23)), EscalationReport::default());
    assert_eq!(w.run(opened + hours(25)).raised, 1);
    assert_eq!(w.run(opened + hours(25) + minutes(1)).raised, 0);
    assert_eq!(w.queue(), [("risk_review_medium".to_owned(), 1)]);
    assert_eq!(w.run(opened + hours(49)).raised, 1, "the second day missed");
    assert_eq!(w.run(opened + hours(49)).raised, 0);
    assert_eq!(w.queue(), [("risk_review_medium".to_owned(), 1), ("risk_review_medium".to_owned(), 2)]);
    // A review now restarts the clock: nothing more until a day after it.
    let review = json!({"risk_level": "medium", "reason": "reviewed with the family"});
    assert_eq!(w.app.post(&format!("/api/v1/cases/{case}/risk"), &w.operator, review).status, 200);
    let reviewed = OffsetDateTime::now_utc();
    // The two missed days are no longer missed: they stay for a supervisor, marked so, below.
    assert_eq!(w.run(reviewed + hours(23)), EscalationReport { raised: 0, repeated: 0, cleared: 2 });
    assert_eq!(w.run(reviewed + hours(25)).raised, 1);
    let open = w.open(&w.supervisor);
    let cleared: Vec<bool> = open.iter().map(|e| !e["cleared_at"].is_null()).collect();
    assert_eq!(cleared, [false, true, true], "the one still missed first");
}

#[test]
fn the_targets_are_those_of_the_plan_given() {
    let w = world();
    let (_, opened) = w.case("low");
    let plan = ResponsePlan::parse(
        r#"version = "ours"
        [[target]]
        id = "police_within_5"
        name = { en = "Police within 5 minutes", el = "Αστυνομία εντός 5 λεπτών" }
        met_by = "police_handover"
        from = "report"
        within_minutes = 5
        risk_levels = ["low"]"#,
    )
    .unwrap();
    // The built-in plan holds a low-risk case to nothing at six minutes; this one does.
    assert_eq!(w.run(opened + minutes(6)), EscalationReport::default());
    let report = homeward_server::escalation::run_once(w.app.store.as_ref(), &plan, opened + minutes(6)).unwrap();
    assert_eq!(report.raised, 1);
    assert_eq!(w.queue(), [("police_within_5".to_owned(), 1)]);
}

#[test]
fn an_overdue_task_escalates_once_and_a_done_one_not_at_all() {
    let w = world();
    let (case, opened) = w.case("low");
    let due = |m| (opened + minutes(m)).format(&Rfc3339).unwrap();
    for (title, at) in [("Call the school", due(30)), ("Visit the park", due(40))] {
        let r =
            w.app.post(&format!("/api/v1/cases/{case}/tasks"), &w.supervisor, json!({"title": title, "due_at": at}));
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let view = w.app.get(&format!("/api/v1/cases/{case}"), &w.supervisor).body;
    let park = view["tasks"].as_array().unwrap().iter().find(|t| t["title"] == "Visit the park").unwrap()["id"].clone();
    let r = w.app.call(
        "POST",
        &format!("/api/v1/cases/{case}/tasks/{}/complete", park.as_str().unwrap()),
        &w.supervisor,
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(w.run(opened + minutes(30)).raised, 0);
    assert_eq!(w.run(opened + minutes(41)).raised, 1);
    assert_eq!(w.run(opened + minutes(42)).raised, 0);
    assert_eq!(w.queue(), [("Call the school".to_owned(), 1)]);
    // Done late: nothing is missed any more, and the escalation says so until acknowledged.
    let school =
        view["tasks"].as_array().unwrap().iter().find(|t| t["title"] == "Call the school").unwrap()["id"].clone();
    let r = w.app.call(
        "POST",
        &format!("/api/v1/cases/{case}/tasks/{}/complete", school.as_str().unwrap()),
        &w.supervisor,
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(w.run(opened + minutes(43)), EscalationReport { raised: 0, repeated: 0, cleared: 1 });
    assert!(!w.open(&w.supervisor)[0]["cleared_at"].is_null());
}

#[test]
fn templates_make_their_tasks_when_a_case_opens_and_when_the_child_is_found() {
    let w = world();
    w.app.store.use_response_plan(Arc::new(ResponsePlan::builtin().unwrap()));
    let r = w.app.post("/api/v1/cases", &w.operator, issue_report());
    assert_eq!(r.status, 201);
    let opened = OffsetDateTime::parse(r.body["opened_at"].as_str().unwrap(), &Rfc3339).unwrap();
    let case = r.body["id"].as_str().unwrap().to_owned();
    let tasks = r.body["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["title"], "Call the family back");
    let due = OffsetDateTime::parse(tasks[0]["due_at"].as_str().unwrap(), &Rfc3339).unwrap();
    assert_eq!(due, opened + Duration::hours(1));
    // The same as read back, and as the case's events tell it.
    let stored = w.app.get(&format!("/api/v1/cases/{case}"), &w.supervisor).body;
    assert_eq!(stored["tasks"].as_array().unwrap().len(), 1);
    let found = json!({"status": "found_safe", "reason": "home again"});
    let r = w.app.post(&format!("/api/v1/cases/{case}/status"), &w.operator, found);
    assert_eq!(r.status, 200, "{:?}", r.body);
    let titles: Vec<&str> = r.body["tasks"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Call the family back", "Return interview with the child"]);
    let made: Vec<_> = w
        .app
        .audit()
        .into_iter()
        .filter(|e| e.action == "case.task_created" && e.detail.contains("template"))
        .map(|e| serde_json::from_str::<Value>(&e.detail).unwrap()["template"].clone())
        .collect();
    assert_eq!(made, [json!("call_family_back"), json!("return_interview")]);
}

#[test]
fn an_operator_may_not_acknowledge_and_the_refusal_is_audited() {
    let w = world();
    let (_, opened) = w.case("high");
    w.run(opened + minutes(16));
    // Operators see the queue (a missed step must be impossible to overlook at night) …
    let open = w.open(&w.operator);
    assert_eq!(open.len(), 1);
    let id = open[0]["id"].as_str().unwrap().to_owned();
    // … but only a supervisor acknowledges.
    let r = w.app.post(&format!("/api/v1/escalations/{id}/acknowledgement"), &w.operator, json!({"note": "seen"}));
    assert_eq!(r.status, 403, "{:?}", r.body);
    assert!(w.open(&w.supervisor)[0]["acknowledged"].is_null());
    let denied = w.app.audit().into_iter().rev().find(|e| e.action == "access.denied").unwrap();
    assert_eq!((denied.record_type.as_str(), denied.record_id.as_deref()), ("escalation", Some(id.as_str())));
}

#[test]
fn another_organisation_sees_nothing_of_them() {
    let w = world();
    let (case, opened) = w.case("high");
    w.run(opened + minutes(16));
    let id = w.open(&w.supervisor)[0]["id"].as_str().unwrap().to_owned();
    let b = w.app.org("Hotline B", "RS", OrganisationKind::Hotline);
    let (_, other) = w.app.user(&b, Role::Supervisor, "supervisor@b.example");
    assert_eq!(w.open(&other), Vec::<Value>::new());
    let r = w.app.post(&format!("/api/v1/escalations/{id}/acknowledgement"), &other, json!({}));
    assert_eq!(r.status, 404);
    assert_eq!(w.app.get(&format!("/api/v1/cases/{case}/escalations"), &other).status, 404);
    // Shared with B, the case is read there, its escalations still not.
    let share = w.app.post(&format!("/api/v1/cases/{case}/shares"), &w.supervisor, json!({"organisation_id": b.id}));
    assert_eq!(share.status, 200);
    assert_eq!(w.app.get(&format!("/api/v1/cases/{case}/escalations"), &other).status, 403);
    assert!(w.open(&w.supervisor)[0]["acknowledged"].is_null());
}

#[test]
fn the_queue_and_the_case_page_show_them_and_a_supervisor_acknowledges_there() {
    let w = world();
    let (case, opened) = w.case("high");
    w.run(opened + minutes(16));
    let cookie = w.app.session("supervisor@a.example");
    let queue = w.app.page("GET", "/escalations", Some(&cookie), None);
    assert_eq!(queue.status, 200);
    assert!(queue.html.contains("Handed to the police within 15 minutes of a high-risk report"), "{}", queue.html);
    let page = w.app.page("GET", &format!("/cases/{case}"), Some(&cookie), None);
    assert!(page.html.contains("id=\"escalations\""));
    assert!(page.html.contains("Police Athens"), "the hand-over form offers the unit");
    let id = w.open(&w.supervisor)[0]["id"].as_str().unwrap().to_owned();
    let acked = w.app.page("POST", &format!("/escalations/{id}/acknowledge"), Some(&cookie), Some("note=on+it"));
    assert_eq!(acked.status, 303);
    assert!(w.open(&w.supervisor).is_empty());
    // In Greek too.
    let r = w.app.call(
        "PUT",
        "/api/v1/me/preferences",
        &w.supervisor,
        Some(json!({"language": "el", "time_zone": "Europe/Athens"})),
    );
    assert_eq!(r.status, 200);
    let done = w.app.page("GET", "/escalations?state=acknowledged", Some(&cookie), None);
    assert!(done.html.contains("Παράδοση στην αστυνομία εντός 15 λεπτών"), "{}", done.html);
}

#[test]
fn a_supervisor_takes_the_duty_on_the_queue_and_everyone_there_sees_who_is_on_duty() {
    let w = world();
    let cookie = w.app.session("supervisor@a.example");
    let queue = w.app.page("GET", "/escalations", Some(&cookie), None);
    assert!(queue.html.contains("id=\"duty-nobody\""), "{}", queue.html);
    let taken = w.app.page("POST", "/escalations/duty", Some(&cookie), Some("hours=8"));
    assert_eq!(taken.status, 303, "{}", taken.html);
    let queue = w.app.page("GET", "/escalations", Some(&cookie), None);
    assert!(queue.html.contains("id=\"duty-mine\"") && queue.html.contains("End my duty"), "{}", queue.html);

    // The operator sees who is on duty, and may not take it.
    let duty = w.app.get("/api/v1/escalations/duty", &w.operator);
    assert_eq!(duty.status, 200);
    assert_eq!(duty.body["on_duty"][0]["email"], "supervisor@a.example");
    assert_eq!(duty.body["mine"], Value::Null);
    let by_operator = w.app.call("PUT", "/api/v1/escalations/duty", &w.operator, Some(json!({"until": null})));
    assert_eq!(by_operator.status, 403);

    // More than a day, or hours that are no number, are refused with the reason.
    let day_and_more = (time::OffsetDateTime::now_utc() + Duration::hours(25))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let refused = w.app.call("PUT", "/api/v1/escalations/duty", &w.supervisor, Some(json!({"until": day_and_more})));
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    assert_eq!(w.app.page("POST", "/escalations/duty", Some(&cookie), Some("hours=99999999999999")).status, 422);

    let ended = w.app.page("POST", "/escalations/duty", Some(&cookie), Some("end=1"));
    assert_eq!(ended.status, 303);
    assert_eq!(w.app.get("/api/v1/escalations/duty", &w.supervisor).body["on_duty"], json!([]));
}
