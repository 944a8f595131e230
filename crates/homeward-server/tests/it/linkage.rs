//! The same child across reports, end to end: candidates when a case is opened and while a
//! report is typed, never from another organisation; a person's decision, kept and audited;
//! confirmed episodes counted per child and fed to the trafficking assessment; the background
//! job.

use homeward_domain::org::{Actor, OrganisationKind, Role};
use serde_json::{Value, json};

use crate::support::{Auth, TestApp};

/// A report about a boy with these names, born as given.
fn boy(given: &str, family: &str, dob: &str, seen: &str) -> Value {
    json!({"category": "runaway",
     "child": {"given_name": given, "family_name": family, "sex": "M", "date_of_birth": dob},
     "last_seen": {"at": seen, "place": "Athens, Victoria square"},
     "contact": {"channel": "phone", "received_at": seen, "summary": "The centre called"}})
}

struct World {
    app: TestApp,
    a: Auth,
    b: Auth,
    analyst: Auth,
}

fn world() -> World {
    let app = TestApp::spawn();
    let a = app.org("Hotline A", "GR", OrganisationKind::Hotline);
    let b = app.org("Hotline B", "RS", OrganisationKind::Hotline);
    let (_, auth_a) = app.user(&a, Role::Operator, "operator@a.example");
    app.user(&a, Role::CaseManager, "manager@a.example");
    let (_, analyst) = app.user(&a, Role::Analyst, "analyst@a.example");
    let (_, auth_b) = app.user(&b, Role::Operator, "operator@b.example");
    World { app, a: auth_a, b: auth_b, analyst }
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|c| c["case_id"].as_str().unwrap().to_owned()).collect()
}

/// Opens a case and answers its id and the candidates it came with.
fn open(w: &World, auth: &Auth, report: Value) -> (String, Value) {
    let created = w.app.post("/api/v1/cases", auth, report);
    assert_eq!(created.status, 201, "{:?}", created.body);
    (created.body["id"].as_str().unwrap().to_owned(), created.body["candidates"].clone())
}

#[test]
fn a_child_written_in_greek_finds_the_same_child_written_in_latin_letters() {
    let w = world();
    let (first, none) = open(&w, &w.a, boy("Mohammed", "Al-Hassan", "2010-03-04", "2026-10-01T20:00:00Z"));
    assert_eq!(none, json!([]));
    open(&w, &w.a, boy("Eleni", "Papadopoulou", "2011-05-06", "2026-10-02T20:00:00Z"));
    let (second, candidates) = open(&w, &w.a, boy("Μωχάμεντ", "Χασάν", "2010-03", "2026-11-20T20:00:00Z"));
    assert_eq!(ids(&candidates).first(), Some(&first), "{candidates}");
    let best = &candidates[0];
    assert!(best["probability"].as_f64().unwrap() > 0.5, "{best}");
    assert_eq!(best["child_name"], "Mohammed Al-Hassan");
    assert!(best["number"].as_str().unwrap().starts_with("GR-"));
    let fields: Vec<&str> =
        best["explanation"].as_array().unwrap().iter().map(|r| r["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"family_name") && fields.contains(&"birth"), "{best}");
    // The likely one is kept on the new case for a person to decide.
    let matches = w.app.get(&format!("/api/v1/cases/{second}/matches"), &w.a);
    assert_eq!(matches.status, 200);
    assert_eq!(ids(&matches.body), vec![first.clone()]);
    assert_eq!(matches.body[0]["status"], "suggested");
    assert_eq!(matches.body[0]["found_by"], "intake");

    // While a report is typed: the same answer, nothing stored.
    let before = w.app.count("child_matches");
    let typed = w.app.post("/api/v1/candidates", &w.a, json!({"given_name": "Μωχάμεντ", "family_name": "Χασάν"}));
    assert_eq!(typed.status, 200, "{:?}", typed.body);
    assert!(ids(&typed.body).contains(&first), "{}", typed.body);
    assert_eq!(w.app.count("child_matches"), before);
    let nameless = w.app.post("/api/v1/candidates", &w.a, json!({"sex": "M"}));
    assert_eq!((nameless.status, nameless.body.clone()), (200, json!([])));
    // Names are personal data: an analyst may not probe for them.
    assert_eq!(w.app.post("/api/v1/candidates", &w.analyst, json!({"given_name": "Mohammed"})).status, 403);
    assert_eq!(w.app.get(&format!("/api/v1/cases/{second}/matches"), &w.analyst).status, 403);
    let audited = w.app.audit().iter().filter(|e| e.action == "case.candidates_listed").count();
    assert!(audited >= 2, "every list of candidates is audited");
}

#[test]
fn another_organisations_child_never_appears_nor_counts() {
    let w = world();
    let (theirs, _) = open(&w, &w.b, boy("Mohammed", "Al-Hassan", "2010-03-04", "2026-10-01T20:00:00Z"));
    let (ours, candidates) = open(&w, &w.a, boy("Mohammed", "Al Hassan", "2010-03-04", "2026-11-20T20:00:00Z"));
    assert_eq!(candidates, json!([]), "not even a count of another organisation's children");
    let typed = w.app.post("/api/v1/candidates", &w.a, json!({"given_name": "Mohammed", "family_name": "Al-Hassan"}));
    assert_eq!(ids(&typed.body), vec![ours.clone()], "only the organisation's own child");
    // The job sees the whole store and keeps the pair; neither organisation is shown it.
    let report = w.app.state.run_linkage_job().unwrap();
    assert!(report.suggested >= 1, "{report:?}");
    assert_eq!(w.app.get(&format!("/api/v1/cases/{ours}/matches"), &w.a).body, json!([]));
    assert_eq!(w.app.get(&format!("/api/v1/cases/{theirs}/matches"), &w.b).body, json!([]));
    let decide = json!({"other_case": theirs, "decision": "confirm"});
    assert_eq!(w.app.post(&format!("/api/v1/cases/{ours}/matches"), &w.a, decide).status, 404);
    let text = w.app.get(&format!("/api/v1/cases/{ours}"), &w.a).body.to_string();
    assert!(!text.contains(&theirs), "{text}");
}

#[test]
fn a_confirmed_match_counts_a_repeat_episode_and_a_decision_is_kept_and_audited() {
    let w = world();
    let (first, _) = open(&w, &w.a, boy("Mohammed", "Al-Hassan", "2010-03-04", "2026-10-01T20:00:00Z"));
    let (second, candidates) = open(&w, &w.a, boy("Μωχάμεντ", "Χασάν", "2010-03", "2026-11-20T20:00:00Z"));
    assert_eq!(ids(&candidates), vec![first.clone()]);
    let path = format!("/api/v1/cases/{second}/matches");
    let reject_without_reason = w.app.post(&path, &w.a, json!({"other_case": first, "decision": "reject"}));
    assert_eq!(reject_without_reason.status, 422, "{:?}", reject_without_reason.body);
    assert_eq!(reject_without_reason.body["errors"][0]["field"], "reason");

    let confirmed =
        w.app.post(&path, &w.a, json!({"other_case": first, "decision": "confirm", "reason": "same mother"}));
    assert_eq!(confirmed.status, 200, "{:?}", confirmed.body);
    assert_eq!(confirmed.body["status"], "confirmed");
    assert_eq!(confirmed.body["reason"], "same mother");
    let twice =
        w.app.post(&path, &w.a, json!({"other_case": first, "decision": "reject", "reason": "changed my mind"}));
    assert_eq!(twice.status, 409, "{:?}", twice.body);
    assert!(twice.body["detail"].as_str().unwrap().contains("already confirmed"), "{:?}", twice.body);
    let kept = w.app.get(&format!("/api/v1/cases/{first}/matches"), &w.a).body;
    assert_eq!(kept[0]["status"], "confirmed", "{kept}");

    // Two episodes of one child; the later one is a repeat episode for the assessment.
    let case = w.app.get(&format!("/api/v1/cases/{second}"), &w.a).body;
    assert_eq!(ids(&case["episodes"]), vec![first.clone()]);
    let reasons: Vec<&str> =
        case["trafficking"]["reasons"].as_array().unwrap().iter().map(|r| r["indicator"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"repeat_missing"), "{}", case["trafficking"]);
    let earlier = w.app.get(&format!("/api/v1/cases/{first}"), &w.a).body;
    assert_eq!(earlier["episodes"].as_array().unwrap().len(), 1);
    let audit = w.app.audit();
    let entry = audit.iter().find(|e| e.action == "case.match_confirmed").expect("the decision is audited");
    assert_eq!(entry.record_id.as_deref(), Some(second.as_str()));
    assert!(entry.detail.contains(&first), "{}", entry.detail);
}

#[test]
fn a_rejected_pair_is_never_suggested_again() {
    let w = world();
    let (first, _) = open(&w, &w.a, boy("Mohammed", "Al-Hassan", "2010-03-04", "2026-10-01T20:00:00Z"));
    let (second, _) = open(&w, &w.a, boy("Mohammed", "Al-Hassan", "2010-03-04", "2026-11-20T20:00:00Z"));
    let path = format!("/api/v1/cases/{second}/matches");
    let rejected = w.app.post(
        &path,
        &w.a,
        json!({"other_case": first, "decision": "reject", "reason": "another boy, older brother"}),
    );
    assert_eq!(rejected.status, 200, "{:?}", rejected.body);
    w.app.state.run_linkage_job().unwrap();
    let matches = w.app.get(&path, &w.a).body;
    assert_eq!(matches.as_array().unwrap().len(), 1, "{matches}");
    assert_eq!(matches[0]["status"], "rejected");
    assert_eq!(matches[0]["reason"], "another boy, older brother");
    assert!(w.app.get(&format!("/api/v1/cases/{second}"), &w.a).body["episodes"].as_array().unwrap().is_empty());
}

#[test]
fn the_job_links_a_child_opened_without_candidates_and_runs_once_per_child() {
    let w = world();
    // Written straight into the store (as another instance or the demo would): no candidates
    // were looked for, and the server's index does not know them yet.
    let operator = w.app.store.user_by_email("operator@a.example").unwrap().unwrap();
    let actor = Actor::user(&operator, "test");
    let report = |seen: &str| serde_json::from_value(boy("Јован", "Петровић", "2012-06-01", seen)).unwrap();
    let first = w.app.store.create_case(&actor, report("2026-10-01T20:00:00Z")).unwrap().case.id;
    let second = w.app.store.create_case(&actor, report("2026-11-01T20:00:00Z")).unwrap().case.id;
    assert_eq!(w.app.get(&format!("/api/v1/cases/{second}/matches"), &w.a).body, json!([]));
    let report = w.app.state.run_linkage_job().unwrap();
    assert_eq!((report.children, report.suggested), (2, 1), "{report:?}");
    let matches = w.app.get(&format!("/api/v1/cases/{second}/matches"), &w.a).body;
    assert_eq!(ids(&matches), vec![first.to_string()]);
    assert_eq!(matches[0]["found_by"], "job");
    let again = w.app.state.run_linkage_job().unwrap();
    assert_eq!((again.children, again.suggested), (0, 0), "nothing new the second time");
    // A later child is linked against the whole store, old children included.
    let (third, _) = open(&w, &w.a, boy("Jovan", "Petrovic", "2012-06-01", "2026-11-25T20:00:00Z"));
    let after = w.app.state.run_linkage_job().unwrap();
    assert_eq!(after.children, 1);
    let found = ids(&w.app.get(&format!("/api/v1/cases/{third}/matches"), &w.a).body);
    assert!(found.contains(&first.to_string()) && found.contains(&second.to_string()), "{found:?}");
    assert!(w.app.audit().iter().any(|e| e.action == "linkage.suggested" && e.actor_user_id.is_none()));
}

#[test]
fn a_child_edited_finds_the_same_child_at_once() {
    let w = world();
    let (first, _) = open(&w, &w.a, boy("Mohammed", "Al-Hassan", "2010-03-04", "2026-10-01T20:00:00Z"));
    // The first call gave only a nickname; the second brings the name as the centre wrote it.
    let (second, none) = open(&w, &w.a, boy("Mo", "", "2010-03", "2026-11-20T20:00:00Z"));
    assert_eq!(none, json!([]), "{none}");
    let child = json!({"given_name": "Μωχάμεντ", "family_name": "Χασάν", "sex": "M", "date_of_birth": "2010-03"});
    let edited = w.app.call("PUT", &format!("/api/v1/cases/{second}/child"), &w.a, Some(child));
    assert_eq!(edited.status, 200, "{:?}", edited.body);
    assert_eq!(edited.body["child"]["given_name"], "Μωχάμεντ");
    assert_eq!(ids(&edited.body["candidates"]), vec![first.clone()]);
    assert_eq!(ids(&w.app.get(&format!("/api/v1/cases/{second}/matches"), &w.a).body), vec![first.clone()]);
    let events = w.app.get(&format!("/api/v1/cases/{second}/events"), &w.a).body;
    assert!(events.as_array().unwrap().iter().any(|e| e["type"] == "child_edited"));
    assert!(w.app.audit().iter().any(|e| e.action == "case.child_edited"));
    // The new name is found by name search and by the next report.
    let found = w.app.get("/api/v1/cases?q=Μωχάμεντ", &w.a).body;
    assert_eq!(found["total"], 1, "{found}");
    assert!(
        w.app.get("/api/v1/cases?q=Mo&limit=200", &w.a).body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["child_name"] != "Mo")
    );
    let (_, third) = open(&w, &w.a, boy("Muhammad", "Hassan", "2010-03-04", "2026-11-25T20:00:00Z"));
    assert!(ids(&third).contains(&second), "{third}");
    // Bad edits are problems, and change nothing.
    let bad = [json!({"sex": "M"}), json!({"given_name": "M".repeat(300)}), json!({"given_name": 5})];
    for body in bad {
        let r = w.app.call("PUT", &format!("/api/v1/cases/{second}/child"), &w.a, Some(body.clone()));
        assert!((400..500).contains(&r.status), "{body} -> {} {:?}", r.status, r.body);
    }
    assert_eq!(w.app.get(&format!("/api/v1/cases/{second}"), &w.a).body["child"]["given_name"], "Μωχάμεντ");
}

#[test]
fn an_edited_child_is_linked_with_every_organisations_children_as_the_job_would() {
    let w = world();
    // Organisation B's boy is linked by the job while A's child is known only as "Mo".
    open(&w, &w.b, boy("Mohammed", "Hassan", "2010-03-04", "2026-10-01T20:00:00Z"));
    let (ours, _) = open(&w, &w.a, boy("Mo", "", "2010-03", "2026-11-20T20:00:00Z"));
    w.app.state.run_linkage_job().unwrap();
    let before = w.app.count("child_matches");
    let child = json!({"given_name": "Μωχάμεντ", "family_name": "Χασάν", "sex": "M", "date_of_birth": "2010-03"});
    let edited = w.app.call("PUT", &format!("/api/v1/cases/{ours}/child"), &w.a, Some(child));
    assert_eq!(edited.status, 200, "{:?}", edited.body);
    assert_eq!(edited.body["candidates"], json!([]), "B's child is not shown");
    assert_eq!(w.app.count("child_matches"), before + 1, "but the pair is kept, as the job would keep it");
    assert_eq!(w.app.get(&format!("/api/v1/cases/{ours}/matches"), &w.a).body, json!([]));
}

#[test]
fn bad_decisions_and_queries_are_4xx_never_500() {
    let w = world();
    let (first, _) = open(&w, &w.a, boy("Mohammed", "Al-Hassan", "2010-03-04", "2026-10-01T20:00:00Z"));
    let path = format!("/api/v1/cases/{first}/matches");
    let bodies = [
        json!({"other_case": "not-a-uuid", "decision": "confirm"}),
        json!({"other_case": first, "decision": "maybe"}),
        json!({"decision": "confirm"}),
        json!({"other_case": first, "decision": "confirm", "extra": 1}),
        json!({"other_case": first, "decision": "confirm"}),
        json!({"other_case": "01a22944-4574-7495-a6e1-ccc87f12231a", "decision": "confirm"}),
        json!({"other_case": first, "decision": "reject", "reason": "x".repeat(2001)}),
    ];
    for body in bodies {
        let r = w.app.post(&path, &w.a, body.clone());
        assert!((400..500).contains(&r.status), "{body} -> {} {:?}", r.status, r.body);
        assert_eq!(r.header("content-type"), Some("application/problem+json"), "{body}");
    }
    assert_eq!(w.app.get("/api/v1/cases/not-a-case/matches", &w.a).status, 400);
    for body in [json!({"given_name": 5}), json!({"nickname": "Mo"}), json!({"given_name": "M".repeat(300)})] {
        let r = w.app.post("/api/v1/candidates", &w.a, body.clone());
        assert!((400..500).contains(&r.status), "{body} -> {} {:?}", r.status, r.body);
    }
    assert_eq!(w.app.count("child_matches"), 0);
}

#[test]
fn the_case_page_offers_the_match_and_shows_the_episodes_once_confirmed() {
    let w = world();
    let (first, _) = open(&w, &w.a, boy("Mohammed", "Al-Hassan", "2010-03-04", "2026-10-01T20:00:00Z"));
    let (second, _) = open(&w, &w.a, boy("Μωχάμεντ", "Χασάν", "2010-03", "2026-11-20T20:00:00Z"));
    let cookie = w.app.session("manager@a.example");
    let page = w.app.page("GET", &format!("/cases/{second}"), Some(&cookie), None);
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Possibly the same child") && page.html.contains("Mohammed Al-Hassan"), "{}", page.html);
    assert!(
        page.html.contains("the same child (") || page.html.contains("likely the same child"),
        "likelihood in words"
    );
    assert!(page.html.contains("Confirm: the same child") && page.html.contains("Why not the same child"));
    let form = format!("other_case={first}&decision=confirm");
    let confirmed = w.app.page("POST", &format!("/cases/{second}/matches"), Some(&cookie), Some(&form));
    assert_eq!(confirmed.status, 303, "{}", confirmed.html);
    assert_eq!(confirmed.header("location"), Some(format!("/cases/{second}?saved=match-confirm").as_str()));
    let page = w.app.page("GET", &format!("/cases/{second}?saved=match-confirm"), Some(&cookie), None);
    assert!(page.html.contains("Episodes of this child") && page.html.contains("2 episodes"), "{}", page.html);
    assert!(page.html.contains("confirmed as the same child"));
    let again = w.app.page("POST", &format!("/cases/{second}/matches"), Some(&cookie), Some(&form));
    assert_eq!(again.status, 409);
    // The desk counts the episodes of each child.
    assert!(w.app.page("GET", "/", Some(&cookie), None).html.contains("(2 episodes)"));
    let list = w.app.get("/api/v1/cases", &w.a).body;
    let counts: Vec<u64> = list["items"].as_array().unwrap().iter().map(|c| c["episodes"].as_u64().unwrap()).collect();
    assert_eq!(counts, vec![2, 2]);
    let theirs = w.app.get("/api/v1/cases", &w.b).body;
    assert_eq!(theirs["total"], 0, "another organisation counts nothing of it");
    // The intake carries the words its script shows candidates with.
    let intake = w.app.page("GET", "/intake", Some(&cookie), None);
    assert!(intake.html.contains("id=\"match-words\"") && intake.html.contains("sounds the same"));
    // Greek readers read it in Greek.
    let el = w.app.session("operator@a.example");
    w.app.call("PUT", "/api/v1/me/preferences", &Auth::Cookie(el.clone()), Some(json!({"language": "el"})));
    let greek = w.app.page("GET", &format!("/cases/{first}"), Some(&el), None);
    assert!(greek.html.contains("Επεισόδια αυτού του παιδιού"), "{}", greek.html);
}

#[test]
fn the_child_corrected_on_the_case_page_is_offered_the_same_child() {
    let w = world();
    let (first, _) = open(&w, &w.a, boy("Mohammed", "Al-Hassan", "2010-03-04", "2026-10-01T20:00:00Z"));
    let (second, _) = open(&w, &w.a, boy("Mo", "", "2010-03", "2026-11-20T20:00:00Z"));
    let cookie = w.app.session("operator@a.example");
    let page = w.app.page("GET", &format!("/cases/{second}"), Some(&cookie), None);
    assert!(page.html.contains("Correct the child&#39;s details") || page.html.contains("Correct the child's details"));
    assert!(page.html.contains("No other case looks like the same child."));
    let form =
        "given_name=%CE%9C%CF%89%CF%87%CE%AC%CE%BC%CE%B5%CE%BD%CF%84&family_name=Al-Hassan&sex=M&date_of_birth=2010-03";
    let saved = w.app.page("POST", &format!("/cases/{second}/child"), Some(&cookie), Some(form));
    assert_eq!(saved.status, 303, "{}", saved.html);
    let page = w.app.page("GET", &format!("/cases/{second}?saved=child"), Some(&cookie), None);
    assert!(page.html.contains("Μωχάμεντ Al-Hassan"), "{}", page.html);
    assert!(page.html.contains(&format!("/cases/{first}")), "the same child is offered: {}", page.html);
    let bad = w.app.page(
        "POST",
        &format!("/cases/{second}/child"),
        Some(&cookie),
        Some("given_name=Mo&date_of_birth=2010-13"),
    );
    assert_eq!(bad.status, 422);
}

/// The child of a case, read straight from the database file.
fn child_of(w: &World, case: &str) -> String {
    let conn = rusqlite::Connection::open(&w.app.db_path).unwrap();
    conn.query_row("SELECT child_id FROM cases WHERE id = ?1", [case], |r| r.get(0)).unwrap()
}

/// Replaces a child's stored details, as a damaged or hand-edited database would hold them.
fn set_details(w: &World, child: &str, details: &str) {
    let conn = rusqlite::Connection::open(&w.app.db_path).unwrap();
    conn.execute("UPDATE child_personal SET details = ?2 WHERE child_id = ?1", [child, details]).unwrap();
}

fn details(w: &World, child: &str) -> String {
    let conn = rusqlite::Connection::open(&w.app.db_path).unwrap();
    conn.query_row("SELECT details FROM child_personal WHERE child_id = ?1", [child], |r| r.get(0)).unwrap()
}

/// Regression: the candidates were found in the case's own savepoint, so a failure there
/// rolled the report back and answered 500.
#[test]
fn a_failing_candidate_search_still_creates_the_case() {
    let w = world();
    let (first, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-10-01T20:00:00Z"));
    // The index still finds the first child, whose stored record can no longer be read.
    set_details(&w, &child_of(&w, &first), r#"{"given_name": 7}"#);
    let (second, candidates) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-11-20T20:00:00Z"));
    assert_eq!(candidates, json!([]));
    assert_eq!(w.app.get(&format!("/api/v1/cases/{second}"), &w.a).status, 200);
    assert_eq!(w.app.count("cases"), 2);
    assert_eq!(w.app.count("child_matches"), 0, "what the failed search wrote is rolled back");
    assert!(w.app.store.verify_audit().unwrap().is_ok());
}

/// Regression: a rejection could be overruled indirectly (reject A-B, confirm A-C, confirm C-B).
#[test]
fn confirming_across_a_rejected_pair_is_a_conflict() {
    let w = world();
    let (a, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-09-01T20:00:00Z"));
    let (b, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-10-01T20:00:00Z"));
    let (c, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-11-01T20:00:00Z"));
    let decide = |case: &str, other: &str, decision: &str| {
        let body = json!({"other_case": other, "decision": decision, "reason": "the mother says so"});
        w.app.post(&format!("/api/v1/cases/{case}/matches"), &w.a, body)
    };
    assert_eq!(decide(&a, &b, "reject").status, 200);
    assert_eq!(decide(&a, &c, "confirm").status, 200);
    let matches_before = w.app.count("child_matches");
    let through = decide(&c, &b, "confirm");
    assert_eq!(through.status, 409, "{:?}", through.body);
    assert!(through.body["detail"].as_str().unwrap().contains("rejected a match"), "{:?}", through.body);
    assert_eq!(w.app.count("child_matches"), matches_before);
    let episodes = |case: &str| w.app.get(&format!("/api/v1/cases/{case}"), &w.a).body["episodes"].clone();
    assert_eq!(ids(&episodes(&b)), Vec::<String>::new());
    assert_eq!(ids(&episodes(&a)), vec![c.clone()]);
}

/// Regression: a refused decision was recorded against the actor's own case, not the one the
/// actor may not see.
#[test]
fn a_refused_decision_is_recorded_against_the_refused_case() {
    let w = world();
    let (ours, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-10-01T20:00:00Z"));
    let (theirs, _) = open(&w, &w.b, boy("Omar", "Haddad", "2011-02-03", "2026-11-01T20:00:00Z"));
    let body = json!({"other_case": theirs, "decision": "confirm"});
    assert_eq!(w.app.post(&format!("/api/v1/cases/{ours}/matches"), &w.a, body).status, 404);
    let denied: Vec<_> = w.app.audit().into_iter().filter(|e| e.action == "access.denied").collect();
    assert_eq!(denied.len(), 1, "{denied:?}");
    assert_eq!(denied[0].record_id.as_deref(), Some(theirs.as_str()));
    // Refused on their own case, it is their own case that is named.
    let (also_ours, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-11-02T20:00:00Z"));
    let body = json!({"other_case": also_ours, "decision": "confirm"});
    assert_eq!(w.app.post(&format!("/api/v1/cases/{ours}/matches"), &w.analyst, body).status, 403);
    let denied: Vec<_> = w.app.audit().into_iter().filter(|e| e.action == "access.denied").collect();
    assert_eq!(denied.last().and_then(|e| e.record_id.as_deref()), Some(ours.as_str()));
}

/// Regression: an edit indexed what its own request had written, after the commit and outside
/// the writer, so of two concurrent edits the older could stay indexed. The index now takes the
/// child as the store holds them, read while the index is locked.
#[test]
fn the_index_takes_the_child_as_the_store_holds_them_now() {
    let w = world();
    let (case, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-10-01T20:00:00Z"));
    let child: homeward_domain::ChildId = child_of(&w, &case).parse().unwrap();
    // A later edit committed while the index still holds the earlier one.
    let later = details(&w, &child.to_string()).replace("Omar", "Yusuf");
    set_details(&w, &child.to_string(), &later);
    let omar = homeward_domain::child::NewChild {
        given_name: Some("Omar".into()),
        family_name: Some("Haddad".into()),
        ..Default::default()
    };
    let yusuf = homeward_domain::child::NewChild { given_name: Some("Yusuf".into()), ..omar.clone() };
    let found = |c: &homeward_domain::child::NewChild| {
        w.app.state.linkage.candidates(c, 2026).iter().any(|(other, _, _)| *other == child)
    };
    assert!(found(&omar));
    let indexed = w.app.state.linkage.refresh(w.app.store.as_ref(), child).unwrap();
    assert_eq!(indexed.map(|r| r.given_name), Some("Yusuf".to_owned()));
    assert!(found(&yusuf) && !found(&omar));
    // A child whose personal data is gone (erased) is forgotten, not left findable.
    let conn = rusqlite::Connection::open(&w.app.db_path).unwrap();
    conn.execute("DELETE FROM child_personal WHERE child_id = ?1", [child.to_string()]).unwrap();
    let before = w.app.state.linkage.len();
    assert_eq!(w.app.state.linkage.refresh(w.app.store.as_ref(), child).unwrap(), None);
    assert_eq!(w.app.state.linkage.len(), before - 1);
    assert!(!found(&yusuf));
}

/// Regression: when the index could not be loaded at start the server kept an empty one for
/// good; the job now loads it before it links anything.
#[test]
fn an_index_that_failed_to_load_is_loaded_by_the_job() {
    let w = world();
    let (case, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-10-01T20:00:00Z"));
    w.app.state.run_linkage_job().unwrap();
    let child = child_of(&w, &case);
    let stored = details(&w, &child);
    set_details(&w, &child, r#"{"given_name": 7}"#);
    let state = homeward_server::AppState::new(w.app.store.clone(), homeward_server::ServerConfig::default());
    assert!(!state.linkage.is_loaded() && state.linkage.is_empty());
    assert!(state.run_linkage_job().is_err(), "nothing is linked against a partial index");
    set_details(&w, &child, &stored);
    state.run_linkage_job().unwrap();
    assert!(state.linkage.is_loaded());
    let omar = homeward_domain::child::NewChild {
        given_name: Some("Omar".into()),
        family_name: Some("Haddad".into()),
        ..Default::default()
    };
    assert_eq!(state.linkage.candidates(&omar, 2026).first().map(|c| c.0.to_string()), Some(child));
}

/// Regression: an unknown sex on the case page's form was taken as "unknown" and saved.
#[test]
fn an_unknown_sex_on_the_case_page_is_refused() {
    let w = world();
    let (case, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-10-01T20:00:00Z"));
    let cookie = w.app.session("operator@a.example");
    let bad = w.app.page("POST", &format!("/cases/{case}/child"), Some(&cookie), Some("given_name=Omar&sex=boy"));
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert!(bad.html.contains("sex"), "{}", bad.html);
    let child = w.app.get(&format!("/api/v1/cases/{case}"), &w.a).body["child"].clone();
    assert_eq!(child["sex"], "M", "{child}");
}

/// The form changes only the fields it sends; what it does not show stays as stored.
#[test]
fn the_case_page_keeps_what_its_form_does_not_show() {
    let w = world();
    let (case, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-10-01T20:00:00Z"));
    let whole = json!({"given_name": "Omar", "family_name": "Haddad", "sex": "M", "aliases": ["Omi"],
        "nationalities": ["SY"], "description": "A green jacket"});
    assert_eq!(w.app.call("PUT", &format!("/api/v1/cases/{case}/child"), &w.a, Some(whole)).status, 200);
    let cookie = w.app.session("operator@a.example");
    let saved = w.app.page("POST", &format!("/cases/{case}/child"), Some(&cookie), Some("family_name=Al-Haddad"));
    assert_eq!(saved.status, 303, "{}", saved.html);
    let child = w.app.get(&format!("/api/v1/cases/{case}"), &w.a).body["child"].clone();
    assert_eq!(
        (&child["given_name"], &child["family_name"], &child["sex"]),
        (&json!("Omar"), &json!("Al-Haddad"), &json!("M"))
    );
    assert_eq!((&child["aliases"], &child["description"]), (&json!(["Omi"]), &json!("A green jacket")));
}

/// With two instances on one database, a child reported on one is found by a report on the
/// other once it has followed the store (every instance does, whichever holds the job).
#[test]
fn a_second_instance_finds_the_children_reported_on_the_first() {
    let w = world();
    let other = homeward_server::AppState::new(
        homeward_store::open(&format!("sqlite://{}", w.app.db_path.display()), homeward_store::system_clock()).unwrap(),
        homeward_server::ServerConfig::default(),
    );
    other.run_linkage_job().unwrap();
    let (case, _) = open(&w, &w.a, boy("Omar", "Haddad", "2011-02-03", "2026-10-01T20:00:00Z"));
    let child = child_of(&w, &case);
    let omar = homeward_domain::child::NewChild {
        given_name: Some("Omar".into()),
        family_name: Some("Haddad".into()),
        ..Default::default()
    };
    assert!(other.linkage.candidates(&omar, 2026).is_empty(), "not yet followed");
    assert_eq!(other.follow_linkage().unwrap(), 1);
    assert_eq!(other.linkage.candidates(&omar, 2026).first().map(|c| c.0.to_string()), Some(child));
    assert_eq!(other.follow_linkage().unwrap(), 0, "each child is read once");
}
