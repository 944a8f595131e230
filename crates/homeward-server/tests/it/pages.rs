//! The operator interface's pages through a real server: no page without login, nothing of
//! another organisation, everything user-written escaped, forms that write through the same
//! rules as the API (and write nothing when refused).

use homeward_domain::org::{OrganisationKind, Role};
use serde_json::json;

use crate::support::{Auth, TestApp, issue_report};

struct Desk {
    app: TestApp,
    operator: String,
    manager: String,
    outsider: String,
    case_id: String,
    token: Auth,
}

fn desk() -> Desk {
    let app = TestApp::spawn();
    let a = app.org("Hotline A", "GR", OrganisationKind::Hotline);
    let b = app.org("Hotline B", "RS", OrganisationKind::Hotline);
    let (_, token) = app.user(&a, Role::Operator, "operator@a.example");
    app.user(&a, Role::CaseManager, "manager@a.example");
    app.user(&b, Role::Operator, "operator@b.example");
    let created = app.post("/api/v1/cases", &token, issue_report());
    assert_eq!(created.status, 201);
    let case_id = created.body["id"].as_str().unwrap().to_owned();
    Desk {
        operator: app.session("operator@a.example"),
        manager: app.session("manager@a.example"),
        outsider: app.session("operator@b.example"),
        case_id,
        token,
        app,
    }
}

#[test]
fn no_page_without_login_and_an_expired_session_is_told_so() {
    let d = desk();
    let case = format!("/cases/{}", d.case_id);
    for path in ["/", "/intake", "/search?q=eleni", case.as_str()] {
        let page = d.app.page("GET", path, None, None);
        assert_eq!(page.status, 303, "{path}");
        let to = page.header("location").unwrap();
        assert!(to.starts_with("/login?why=required"), "{path} -> {to}");
        assert!(!page.html.contains("Ελένη"));
        let forged = d.app.page("GET", path, Some("homeward_session=hws_forged"), None);
        assert!(forged.header("location").unwrap().starts_with("/login?why=expired"), "{path}");
    }
    let login = d.app.page("GET", "/login?why=expired", None, None);
    assert_eq!(login.status, 200);
    assert!(login.html.contains("Your session has ended"), "{}", login.html);
    // A form sent without a session writes nothing.
    let notes = d.app.count("notes");
    let page = d.app.page("POST", &format!("{case}/notes"), None, Some("text=sneaky"));
    assert_eq!(page.status, 303);
    assert_eq!(d.app.count("notes"), notes);
}

#[test]
fn every_page_answers_html_with_a_strict_content_policy() {
    let d = desk();
    let case = format!("/cases/{}", d.case_id);
    for path in ["/", "/intake", "/search?q=eleni", "/search?q=GR-2026-000001", case.as_str()] {
        let page = d.app.page("GET", path, Some(&d.operator), None);
        assert_eq!(page.status, 200, "{path}: {}", page.html);
        assert!(page.header("content-type").unwrap().starts_with("text/html"), "{path}");
        let csp = page.header("content-security-policy").unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(page.html.contains("<html lang=\"en\">"), "{path}");
    }
    let search = d.app.page("GET", "/search?q=eleni", Some(&d.operator), None);
    assert!(search.html.contains("Ελένη Παπαδοπούλου"), "search by a Latin spelling finds the Greek name");
    let by_number = d.app.page("GET", "/search?q=gr-2026-000001", Some(&d.operator), None);
    assert!(by_number.html.contains(&d.case_id), "search by case number");
    let asset = d.app.page("GET", "/assets/app.js", None, None);
    assert_eq!(asset.status, 200);
    assert!(asset.header("content-type").unwrap().starts_with("text/javascript"));
}

#[test]
fn another_organisation_sees_nothing_of_the_case() {
    let d = desk();
    let page = d.app.page("GET", &format!("/cases/{}", d.case_id), Some(&d.outsider), None);
    assert_eq!(page.status, 404);
    assert!(!page.html.contains("Ελένη"));
    assert!(page.html.contains("not shared with your organisation"));
    for path in ["/", "/?status=", "/search?q=eleni", "/search?q=GR-2026-000001"] {
        let page = d.app.page("GET", path, Some(&d.outsider), None);
        assert_eq!(page.status, 200);
        assert!(!page.html.contains("Ελένη") && !page.html.contains(&d.case_id), "{path} shows A's case");
    }
    let notes = d.app.count("notes");
    let refused = d.app.page("POST", &format!("/cases/{}/notes", d.case_id), Some(&d.outsider), Some("text=hello"));
    assert_eq!(refused.status, 404);
    assert_eq!(d.app.count("notes"), notes);
}

#[test]
fn a_childs_name_with_markup_is_shown_not_run() {
    let d = desk();
    let mut report = issue_report();
    report["child"]["given_name"] = json!("<script>alert(1)</script>");
    report["child"]["family_name"] = json!("\"><img src=x onerror=alert(2)>");
    let id = d.app.post("/api/v1/cases", &d.token, report).body["id"].as_str().unwrap().to_owned();
    let note = d.app.page("POST", &format!("/cases/{id}/notes"), Some(&d.operator), Some("text=%3Cb%3Ebold%3C%2Fb%3E"));
    assert_eq!(note.status, 303);
    for path in [format!("/cases/{id}"), "/".to_owned(), "/search?q=script".to_owned()] {
        let page = d.app.page("GET", &path, Some(&d.operator), None);
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.html.contains("<script>alert(1)"), "{path} runs the name");
        assert!(!page.html.contains("<img src=x"), "{path} runs the family name");
        assert!(!page.html.contains("<b>bold"), "{path} runs the note");
        assert!(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{path} does not show the name");
    }
}

fn form(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[test]
fn intake_opens_a_case_and_bad_input_writes_nothing() {
    let d = desk();
    let cases = d.app.count("cases");
    let bad = form(&[
        ("given_name", "Νίκος"),
        ("date_of_birth", "2011-02-30"),
        ("last_seen_at", "yesterday"),
        ("category", "runaway"),
        ("phone", "+30 690 000 1234"),
    ]);
    let page = d.app.page("POST", "/intake", Some(&d.operator), Some(&bad));
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(page.html.contains("does not exist in the calendar"), "names the impossible date");
    assert!(page.html.contains("is not a date and time"), "names the bad time");
    assert!(page.html.contains("value=\"Νίκος\""), "keeps what was typed");
    assert_eq!(d.app.count("cases"), cases, "nothing written");
    assert_eq!(d.app.count("identifiers"), 0);

    let good = form(&[
        ("given_name", "Νίκος"),
        ("family_name", "Ιωάννου"),
        ("sex", "M"),
        ("age_from", "12"),
        ("age_to", "14"),
        ("last_seen_at", "2026-11-28 18:30"),
        ("utc_offset", "-120"),
        ("place", "Piraeus"),
        ("category", "runaway"),
        ("channel", "phone"),
        ("caller_relation", "parent"),
        ("summary", "Father reports his son did not come back from football"),
        ("phone", "+30 690 000 1234"),
        ("risk_under_13", "yes"),
        ("risk_suspected_crime", "yes"),
    ]);
    let page = d.app.page("POST", "/intake", Some(&d.operator), Some(&good));
    assert_eq!(page.status, 303, "{}", page.html);
    let to = page.header("location").unwrap().to_owned();
    assert!(to.ends_with("?saved=created"), "{to}");
    assert_eq!(d.app.count("cases"), cases + 1);
    let id = to.trim_start_matches("/cases/").trim_end_matches("?saved=created");
    let case = d.app.get(&format!("/api/v1/cases/{id}"), &d.token).body;
    assert_eq!(case["risk_level"], "high", "the risk answers set the level");
    assert_eq!(case["last_seen_at"], "2026-11-28T16:30:00Z", "local time (UTC+2) stored as UTC");
    assert_eq!(case["identifiers"][0]["value"], "+30 690 000 1234");
    let shown = d.app.page("GET", &to, Some(&d.operator), None);
    assert!(shown.html.contains("hand the case over to the police now"), "the next step for high risk");
}

#[test]
fn intake_keeps_the_region_and_the_registration_time_of_a_reception_centre() {
    let d = desk();
    let fields = [
        ("given_name", "Amir"),
        ("sex", "M"),
        ("age_from", "15"),
        ("last_seen_at", "2026-11-28 18:30"),
        ("utc_offset", "-120"),
        ("region", " Attica "),
        ("category", "missing_unaccompanied_migrant"),
        ("missing_from", "reception_centre"),
        ("missing_from_name", "Centre A"),
        ("registered_at", "2026-11-28 08:30"),
    ];
    let page = d.app.page("POST", "/intake", Some(&d.operator), Some(&form(&fields)));
    assert_eq!(page.status, 303, "{}", page.html);
    let to = page.header("location").unwrap().to_owned();
    let id = to.trim_start_matches("/cases/").trim_end_matches("?saved=created");
    let case = d.app.get(&format!("/api/v1/cases/{id}"), &d.token).body;
    assert_eq!(case["last_seen"]["region"], "Attica");
    assert_eq!(case["last_seen"]["missing_from"]["registered_at"], "2026-11-28T06:30:00Z", "local time stored as UTC");
    // Gone ten hours after registration: the concern says so, with the hours.
    let shown = d.app.page("GET", &to, Some(&d.manager), None);
    assert!(shown.html.contains("went missing 10 h after registration"), "{}", shown.html);
    assert!(shown.html.contains("Attica"));

    // A registration time that is no time is named, and nothing is written.
    let cases = d.app.count("cases");
    let bad = fields.map(|(k, v)| (k, if k == "registered_at" { "this morning" } else { v }));
    let page = d.app.page("POST", "/intake", Some(&d.operator), Some(&form(&bad)));
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(page.html.contains("Registered there at</a>: is not a date and time"), "{}", page.html);
    assert_eq!(d.app.count("cases"), cases);
}

#[test]
fn a_status_change_is_confirmed_first_and_then_made() {
    let d = desk();
    let path = format!("/cases/{}/status", d.case_id);
    let ask = d.app.page("POST", &path, Some(&d.operator), Some("to=found_safe&reason=home"));
    assert_eq!(ask.status, 200);
    assert!(ask.html.contains("from “open (missing)” to “found safe”"), "{}", ask.html);
    let status = |d: &Desk| d.app.get(&format!("/api/v1/cases/{}", d.case_id), &d.token).body["status"].clone();
    assert_eq!(status(&d), "open", "asking changes nothing");
    let done = d.app.page("POST", &path, Some(&d.operator), Some("to=found_safe&reason=home&confirmed=yes"));
    assert_eq!(done.status, 303);
    assert_eq!(status(&d), "found_safe");
    let again = d.app.page("POST", &path, Some(&d.operator), Some("to=found_harmed&confirmed=yes"));
    assert_eq!(again.status, 409, "found safe cannot become found harmed: {}", again.html);
    assert_eq!(status(&d), "found_safe");
}

#[test]
fn a_form_from_another_site_is_refused() {
    let d = desk();
    let notes = d.app.count("notes");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let request = ureq::http::Request::builder()
        .method("POST")
        .uri(format!("http://{}/cases/{}/notes", d.app.addr, d.case_id))
        .header("Cookie", d.operator.as_str())
        .header("Origin", "http://evil.example")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(b"text=planted".to_vec())
        .unwrap();
    assert_eq!(agent.run(request).unwrap().status().as_u16(), 403);
    assert_eq!(d.app.count("notes"), notes);
}

#[test]
fn a_user_who_chooses_greek_gets_greek_and_page_reads_are_audited() {
    let d = desk();
    let set = d.app.page("POST", "/preferences", Some(&d.manager), Some("language=el"));
    assert_eq!(set.status, 303);
    let desk = d.app.page("GET", "/", Some(&d.manager), None);
    assert!(desk.html.contains("<html lang=\"el\">"));
    assert!(desk.html.contains("Υποθέσεις") && desk.html.contains("ανοιχτή (αγνοείται)"), "{}", desk.html);
    let unknown = d.app.page("POST", "/preferences", Some(&d.manager), Some("language=xx"));
    assert_eq!(unknown.status, 400);
    // The rules' own words come in Greek too.
    let bad = form(&[("given_name", "Νίκος"), ("date_of_birth", "2011-02-30"), ("category", "runaway")]);
    let refused = d.app.page("POST", "/intake", Some(&d.manager), Some(&bad));
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("Ημερομηνία γέννησης</a>: δεν υπάρχει στο ημερολόγιο"), "{}", refused.html);
    assert!(refused.html.contains("Θεάθηκε τελευταία</a>: χρειάζεται"));
    assert!(!refused.html.contains("does not exist"), "no English left in a Greek page");

    let reads = |d: &Desk| d.app.audit().iter().filter(|e| e.action == "case.read").count();
    let before = reads(&d);
    let page = d.app.page("GET", &format!("/cases/{}", d.case_id), Some(&d.manager), None);
    assert!(page.html.contains("Ελένη"));
    assert_eq!(reads(&d), before + 1, "the page read is in the audit log");
    // Assigning from the page goes through the policy: a case manager may, an operator may not.
    let assign = d.app.page("POST", &format!("/cases/{}/assign-me", d.case_id), Some(&d.manager), Some(""));
    assert_eq!(assign.status, 303);
    let refused = d.app.page("POST", &format!("/cases/{}/assign-me", d.case_id), Some(&d.operator), Some(""));
    assert_eq!(refused.status, 403);
    let mine = d.app.page("GET", "/?assignee=me", Some(&d.manager), None);
    assert!(mine.html.contains(&d.case_id), "the desk filters by assignee");
    let unassigned = d.app.page("GET", "/?assignee=nobody", Some(&d.manager), None);
    assert!(!unassigned.html.contains(&d.case_id), "an assigned case is not unassigned");
    assert_eq!(d.app.page("GET", "/?assignee=someone", Some(&d.manager), None).status, 400);
}

#[test]
fn a_report_being_typed_is_kept_on_the_server_for_its_author_only() {
    let d = desk();
    let a = d.app.store.organisation_by_name("Hotline A").unwrap().unwrap();
    d.app.user(&a, Role::Operator, "colleague@a.example");
    d.app.user(&a, Role::Analyst, "analyst@a.example");
    let colleague = d.app.session("colleague@a.example");
    let analyst = d.app.session("analyst@a.example");
    let typed = form(&[("given_name", "Μαρία"), ("place", "Thessaloniki"), ("summary", "Aunt is calling")]);
    let kept = d.app.page("POST", "/intake/draft", Some(&d.operator), Some(&typed));
    assert_eq!(kept.status, 204, "{}", kept.html);
    // A closed tab: the form comes back as it was.
    let back = d.app.page("GET", "/intake", Some(&d.operator), None);
    assert!(back.html.contains("id=\"restored\""), "{}", back.html);
    assert!(back.html.contains("value=\"Μαρία\"") && back.html.contains("Aunt is calling"));
    assert!(d.app.audit().iter().any(|e| e.action == "draft.saved"), "keeping a child's data is audited");
    // Nobody else sees it, and a role that opens no case keeps none.
    let other = d.app.page("GET", "/intake", Some(&colleague), None);
    assert!(!other.html.contains("Μαρία") && !other.html.contains("id=\"restored\""));
    assert_eq!(d.app.page("POST", "/intake/draft", Some(&analyst), Some(&typed)).status, 403);
    // Saving the report as a case removes the draft.
    let complete = form(&[
        ("given_name", "Μαρία"),
        ("last_seen_at", "2026-11-28 18:30"),
        ("category", "runaway"),
        ("summary", "Aunt is calling"),
    ]);
    assert_eq!(d.app.page("POST", "/intake", Some(&d.operator), Some(&complete)).status, 303);
    assert_eq!(d.app.count("drafts"), 0);
    // Discarding one does too.
    d.app.page("POST", "/intake/draft", Some(&colleague), Some(&typed));
    assert_eq!(d.app.count("drafts"), 1);
    assert_eq!(d.app.page("POST", "/intake/discard", Some(&colleague), Some("")).status, 303);
    assert_eq!(d.app.count("drafts"), 0);
}

/// Every field a person fills in has a label: by `for` = the field's id, or around it.
fn unlabelled(html: &str) -> Vec<String> {
    let mut missing = Vec::new();
    for tag in ["<input", "<select", "<textarea"] {
        for (pos, _) in html.match_indices(tag) {
            let end = html[pos..].find('>').map_or(html.len(), |e| pos + e);
            let element = &html[pos..end];
            if ["type=\"hidden\"", "type=\"submit\"", "type=\"button\""].iter().any(|t| element.contains(t)) {
                continue;
            }
            let id = element.split("id=\"").nth(1).and_then(|rest| rest.split('"').next());
            let by_for = id.is_some_and(|id| html.contains(&format!("for=\"{id}\"")));
            let before = &html[..pos];
            let wrapped =
                before.rfind("<label").is_some_and(|open| before.rfind("</label>").is_none_or(|close| close < open));
            if !by_for && !wrapped {
                missing.push(element.to_owned());
            }
        }
    }
    missing
}

#[test]
fn every_field_on_every_page_has_a_label() {
    let d = desk();
    let case = format!("/cases/{}", d.case_id);
    let login = d.app.page("GET", "/login", None, None);
    assert!(unlabelled(&login.html).is_empty(), "{:?}", unlabelled(&login.html));
    let mut checked = 0;
    for path in ["/", "/intake", "/search?q=eleni", "/settings", case.as_str()] {
        let page = d.app.page("GET", path, Some(&d.manager), None);
        assert_eq!(page.status, 200, "{path}");
        let missing = unlabelled(&page.html);
        assert!(missing.is_empty(), "{path}: fields without a label: {missing:?}");
        checked += page.html.matches("<input").count() + page.html.matches("<select").count();
    }
    assert!(checked > 40, "only {checked} fields were checked");
}

#[test]
fn settings_and_persons_of_interest_go_through_the_rules() {
    let d = desk();
    let saved = d.app.page("POST", "/settings", Some(&d.manager), Some("language=el&time_zone=Europe%2FAthens"));
    assert_eq!(saved.status, 303);
    let me = d.app.page("GET", "/settings", Some(&d.manager), None);
    assert!(me.html.contains("value=\"Europe/Athens\"") && me.html.contains("data-time-zone=\"Europe/Athens\""));
    let bad = d.app.page("POST", "/settings", Some(&d.manager), Some("language=el&time_zone=%3Cscript%3E"));
    assert_eq!(bad.status, 422, "{}", bad.html);

    let path = format!("/cases/{}/persons", d.case_id);
    let added = d.app.page("POST", &path, Some(&d.manager), Some("name=An+older+friend&relation=met+online"));
    assert_eq!(added.status, 303, "{}", added.html);
    let page = d.app.page("GET", &format!("/cases/{}", d.case_id), Some(&d.manager), None);
    assert!(page.html.contains("An older friend") && page.html.contains("met online"));
    let empty = d.app.page("POST", &path, Some(&d.manager), Some("name=+"));
    assert_eq!(empty.status, 422, "a person needs a name");
    assert_eq!(d.app.count("persons"), 1);
}

#[test]
fn the_timeline_names_colleagues_and_other_organisations() {
    let d = desk();
    let note = d.app.page("POST", &format!("/cases/{}/notes", d.case_id), Some(&d.manager), Some("text=Called+back"));
    assert_eq!(note.status, 303);
    let page = d.app.page("GET", &format!("/cases/{}", d.case_id), Some(&d.manager), None);
    let timeline = page.html.split("id=\"timeline\"").nth(1).unwrap().split("</ol>").next().unwrap();
    assert!(timeline.contains("by operator@a.example"), "the colleague who opened it: {timeline}");
    assert!(timeline.contains("by me"), "the reader's own note");
    // Shared with Hotline B: its people see who acted by organisation, never by name.
    let b = d.app.store.organisation_by_name("Hotline B").unwrap().unwrap();
    let supervisor = {
        let a = d.app.store.organisation_by_name("Hotline A").unwrap().unwrap();
        d.app.user(&a, Role::Supervisor, "supervisor@a.example").1
    };
    let shared =
        d.app.post(&format!("/api/v1/cases/{}/shares", d.case_id), &supervisor, json!({"organisation_id": b.id}));
    assert_eq!(shared.status, 200, "{:?}", shared.body);
    let seen_by_b = d.app.page("GET", &format!("/cases/{}", d.case_id), Some(&d.outsider), None);
    assert_eq!(seen_by_b.status, 200);
    assert!(seen_by_b.html.contains("by Hotline A") && !seen_by_b.html.contains("operator@a.example"));
}

#[test]
fn a_one_time_password_must_be_replaced_before_any_page() {
    let d = desk();
    let a = d.app.store.organisation_by_name("Hotline A").unwrap().unwrap();
    let created = d
        .app
        .store
        .create_user(
            &homeward_domain::org::Actor::command_line(),
            homeward_domain::org::NewUser {
                email: "new@a.example".into(),
                display_name: None,
                role: Role::Operator,
                organisation_id: Some(a.id),
            },
        )
        .unwrap();
    let login = form(&[("email", "new@a.example"), ("password", &created.password)]);
    let page = d.app.page("POST", "/login", None, Some(&login));
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), Some("/password"));
    let cookie = page.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
    let desk = d.app.page("GET", "/", Some(&cookie), None);
    assert_eq!((desk.status, desk.header("location")), (303, Some("/password")));
    let wrong = d.app.page("POST", "/password", Some(&cookie), Some("current=nope&new=a+long+new+password"));
    assert_eq!(wrong.status, 403);
    assert!(wrong.html.contains("The current password is not correct"));
    let short = form(&[("current", &created.password), ("new", "short")]);
    let refused = d.app.page("POST", "/password", Some(&cookie), Some(&short));
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("needs at least 12 characters"), "{}", refused.html);
    let good = form(&[("current", &created.password), ("new", "a long new password")]);
    assert_eq!(d.app.page("POST", "/password", Some(&cookie), Some(&good)).status, 303);
    assert_eq!(d.app.page("GET", "/", Some(&cookie), None).status, 200, "the same session may now work");
    let bad_login = d.app.page("POST", "/login", None, Some("email=new%40a.example&password=wrong"));
    assert_eq!(bad_login.status, 401);
    assert!(bad_login.html.contains("is not correct") && bad_login.html.contains("value=\"new@a.example\""));
}

/// Regressions found in review: a tab in `next` became an open redirect; a time at the end of
/// the calendar with the largest offset panicked; a huge page offset overflowed; a form with
/// `Origin: null` was let through.
#[test]
fn hostile_input_to_pages_is_refused_cleanly() {
    let d = desk();
    let login =
        form(&[("email", "operator@a.example"), ("password", crate::support::PASSWORD), ("next", "/\t/evil.example")]);
    let page = d.app.page("POST", "/login", None, Some(&login));
    assert_eq!((page.status, page.header("location")), (303, Some("/")));
    let edge = form(&[
        ("given_name", "Νίκος"),
        ("last_seen_at", "9999-12-31 23:59"),
        ("utc_offset", "1080"),
        ("category", "runaway"),
    ]);
    let page = d.app.page("POST", "/intake", Some(&d.operator), Some(&edge));
    assert_eq!(page.status, 422, "{}", page.html);
    assert_eq!(d.app.page("GET", "/?offset=4294967295", Some(&d.operator), None).status, 200);
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let request = ureq::http::Request::builder()
        .method("POST")
        .uri(format!("http://{}/cases/{}/notes", d.app.addr, d.case_id))
        .header("Cookie", d.operator.as_str())
        .header("Origin", "null")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(b"text=planted".to_vec())
        .unwrap();
    assert_eq!(agent.run(request).unwrap().status().as_u16(), 403);
}

/// Two reports sharing a phone number, and who works with the warning they raise.
struct Queue {
    app: TestApp,
    supervisor: String,
    manager: String,
    operator: String,
    supervisor_actor: homeward_domain::org::Actor,
    numbers: Vec<String>,
    case_ids: Vec<String>,
    warning: String,
}

fn queue() -> Queue {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, token) = app.user(&org, Role::Operator, "op@a.example");
    let (supervisor, supervisor_token) = app.user(&org, Role::Supervisor, "sup@a.example");
    app.user(&org, Role::CaseManager, "cm@a.example");
    let (numbers, case_ids) = crate::support::two_children_one_phone(&app, &token);
    let listed = app.get("/api/v1/warnings", &supervisor_token).body;
    let warning = listed[0]["id"].as_str().unwrap().to_owned();
    Queue {
        supervisor: app.session("sup@a.example"),
        manager: app.session("cm@a.example"),
        operator: app.session("op@a.example"),
        supervisor_actor: homeward_domain::org::Actor::user(&supervisor, "test"),
        numbers,
        case_ids,
        warning,
        app,
    }
}

impl Queue {
    fn state(&self) -> homeward_domain::warning::WarningState {
        self.app.store.get_warning(&self.supervisor_actor, self.warning.parse().unwrap()).unwrap().state
    }
}

#[test]
fn a_supervisor_sees_a_warning_with_its_cases_and_evidence() {
    let q = queue();
    let page = q.app.page("GET", "/warnings", Some(&q.supervisor), None);
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains(&format!("id=\"w-{}\"", q.warning)), "the warning's anchor");
    assert!(page.html.contains("The same identifier in several cases"), "its kind in words");
    assert!(page.html.contains("the same phone number in 2 cases"), "the evidence line: {}", page.html);
    for (number, id) in q.numbers.iter().zip(&q.case_ids) {
        assert!(page.html.contains(&format!("<a href=\"/cases/{id}\">{number}</a>")), "case {number} linked");
    }
    assert!(page.html.contains(&format!("action=\"/warnings/{}/decision\"", q.warning)), "the decision form");
    assert!(page.html.contains("href=\"/warnings?state=closed\""));
    assert!(page.html.contains("href=\"/warnings\""), "the navigation leads here");
    let missing = unlabelled(&page.html);
    assert!(missing.is_empty(), "fields without a label: {missing:?}");
    // A case manager reads the queue but does not decide.
    let read_only = q.app.page("GET", "/warnings", Some(&q.manager), None);
    assert_eq!(read_only.status, 200);
    assert!(read_only.html.contains("the same phone number in 2 cases"));
    assert!(!read_only.html.contains("/decision\""), "no decision form for a case manager");
    let refused = q.app.page(
        "POST",
        &format!("/warnings/{}/decision", q.warning),
        Some(&q.manager),
        Some("decision=acknowledge"),
    );
    assert_eq!(refused.status, 403);
    assert_eq!(q.state(), homeward_domain::warning::WarningState::Open);
    // In Greek, the words are Greek; the detector's evidence stays as it is, marked English.
    assert_eq!(q.app.page("POST", "/preferences", Some(&q.supervisor), Some("language=el")).status, 303);
    let greek = q.app.page("GET", "/warnings", Some(&q.supervisor), None);
    assert!(greek.html.contains("Το ίδιο αναγνωριστικό σε πολλές υποθέσεις"), "{}", greek.html);
    assert!(greek.html.contains("<ul class=\"evidence\" lang=\"en\"><li>the same phone number in 2 cases"));
}

#[test]
fn a_dismissal_without_a_reason_is_refused_on_the_queue_and_changes_nothing() {
    let q = queue();
    let path = format!("/warnings/{}/decision", q.warning);
    let page = q.app.page("POST", &path, Some(&q.supervisor), Some("decision=dismiss&reason=+"));
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(page.html.contains("id=\"problems\""), "{}", page.html);
    assert!(
        page.html.contains(&format!("id=\"reason-{}-error\">is needed", q.warning)),
        "next to the form: {}",
        page.html
    );
    assert!(!page.html.contains("a dismissal needs a reason"), "the domain's English message is not shown");
    assert!(page.html.contains(&format!("id=\"w-{}\"", q.warning)), "the queue is shown again");
    assert_eq!(q.state(), homeward_domain::warning::WarningState::Open);
    // What was typed is kept when it is refused.
    let long = "x".repeat(2001);
    let page = q.app.page("POST", &path, Some(&q.supervisor), Some(&form(&[("decision", "act"), ("reason", &long)])));
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(page.html.contains(&format!(">{long}</textarea>")), "the reason typed is kept");
    assert!(page.html.contains("is too long: at most 2000 characters"));
    assert_eq!(q.state(), homeward_domain::warning::WarningState::Open);
    // Not a decision at all.
    assert_eq!(q.app.page("POST", &path, Some(&q.supervisor), Some("decision=ignore&reason=x")).status, 400);
    assert_eq!(
        q.app.page("POST", "/warnings/not-an-id/decision", Some(&q.supervisor), Some("decision=act")).status,
        404
    );
}

#[test]
fn a_dismissed_warning_leaves_the_queue_for_the_closed_warnings() {
    let q = queue();
    let path = format!("/warnings/{}/decision", q.warning);
    let acknowledged = q.app.page("POST", &path, Some(&q.supervisor), Some("decision=acknowledge&reason="));
    assert_eq!((acknowledged.status, acknowledged.header("location")), (303, Some("/warnings")));
    let page = q.app.page("GET", "/warnings", Some(&q.supervisor), None);
    assert!(
        page.html.contains("acknowledged <span class=\"muted\">by me</span>"),
        "the decision is listed: {}",
        page.html
    );
    assert!(!page.html.contains("value=\"acknowledge\""), "an acknowledged warning is not acknowledged again");
    let again = q.app.page("POST", &path, Some(&q.supervisor), Some("decision=acknowledge&reason=typed"));
    assert_eq!(again.status, 409, "{}", again.html);
    assert!(again.html.contains("already decided in the meantime") && again.html.contains(">typed</textarea>"));

    let reason = "Siblings reported by the same parent";
    let dismissed =
        q.app.page("POST", &path, Some(&q.supervisor), Some(&form(&[("decision", "dismiss"), ("reason", reason)])));
    assert_eq!((dismissed.status, dismissed.header("location")), (303, Some("/warnings")), "{}", dismissed.html);
    assert_eq!(q.state(), homeward_domain::warning::WarningState::Dismissed);
    let live = q.app.page("GET", "/warnings", Some(&q.supervisor), None);
    assert!(!live.html.contains(&format!("w-{}", q.warning)) && !live.html.contains(&q.numbers[0]), "{}", live.html);
    assert!(live.html.contains("id=\"no-warnings\""));
    let closed = q.app.page("GET", "/warnings?state=closed", Some(&q.supervisor), None);
    assert_eq!(closed.status, 200);
    assert!(closed.html.contains(&format!("id=\"w-{}\"", q.warning)) && closed.html.contains(&q.numbers[1]));
    assert!(
        closed.html.contains("dismissed <span class=\"muted\">by me</span>") && closed.html.contains(reason),
        "{}",
        closed.html
    );
    assert!(!closed.html.contains("/decision\""), "a closed warning is not decided again");
    assert_eq!(q.app.page("GET", "/warnings?state=whatever", Some(&q.supervisor), None).status, 400);
    // The case page no longer points to a closed warning.
    let case = q.app.page("GET", &format!("/cases/{}", q.case_ids[0]), Some(&q.supervisor), None);
    assert!(!case.html.contains("id=\"warnings\""));
}

#[test]
fn an_operator_has_no_way_to_the_warnings() {
    let q = queue();
    let page = q.app.page("GET", "/warnings", Some(&q.operator), None);
    assert_eq!(page.status, 403, "{}", page.html);
    assert!(page.html.contains("Your role does not allow this") && !page.html.contains(&q.numbers[0]));
    let desk = q.app.page("GET", "/", Some(&q.operator), None);
    assert_eq!(desk.status, 200);
    assert!(!desk.html.contains("href=\"/warnings"), "no link in the navigation");
    let case = q.app.page("GET", &format!("/cases/{}", q.case_ids[0]), Some(&q.operator), None);
    assert!(!case.html.contains("href=\"/warnings") && !case.html.contains("id=\"warnings\""));
    let path = format!("/warnings/{}/decision", q.warning);
    let refused = q.app.page("POST", &path, Some(&q.operator), Some("decision=dismiss&reason=no"));
    assert_eq!(refused.status, 403);
    assert_eq!(q.state(), homeward_domain::warning::WarningState::Open);
    assert!(q.app.page("GET", "/", Some(&q.manager), None).html.contains("href=\"/warnings\""));
}

#[test]
fn the_case_page_points_a_supervisor_to_the_warnings_of_the_case() {
    let q = queue();
    let page = q.app.page("GET", &format!("/cases/{}", q.case_ids[1]), Some(&q.supervisor), None);
    assert_eq!(page.status, 200, "{}", page.html);
    let section =
        page.html.split("id=\"warnings\"").nth(1).expect("a warnings section").split("</section>").next().unwrap();
    assert!(section.contains(&format!("href=\"/warnings#w-{}\"", q.warning)), "{section}");
    assert!(section.contains("The same identifier in several cases") && section.contains("elevated"), "{section}");
}

/// The part of a page from `start` up to the first `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start} in {html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).map_or(rest.len(), |to| to + end.len())]
}

#[test]
fn a_shared_identifier_warning_page_draws_its_network_and_says_it_in_words() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, operator) = app.user(&org, Role::Operator, "op@a.example");
    let (_, supervisor_token) = app.user(&org, Role::Supervisor, "sup@a.example");
    let (numbers, ids) = crate::support::three_children_two_links(&app, &operator);
    let warning = crate::support::phone_warning(&app, &supervisor_token);
    let supervisor = app.session("sup@a.example");
    let path = format!("/warnings/{warning}");

    // The queue leads to the warning's own page.
    let queue = app.page("GET", "/warnings", Some(&supervisor), None);
    assert!(queue.html.contains(&format!("href=\"{path}\"")), "{}", queue.html);

    let page = app.page("GET", &path, Some(&supervisor), None);
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains("the same phone number in 2 cases"), "the warning itself");
    let section = between(&page.html, "id=\"network\"", "</section>");
    // The drawing, up to its own end (each node is a nested `svg` of its own).
    let svg = &section[section.find("<svg").unwrap()..section.rfind("</svg>").unwrap()];
    assert!(svg.contains("viewBox=\"0 0 720 ") && svg.contains("width=\"100%\""), "it scales: {svg}");
    // A and B are the warning's, drawn solid; C is one hop further, drawn dashed; each a link.
    assert_eq!(svg.matches("class=\"node case in-warning\"").count(), 2, "{svg}");
    assert_eq!(svg.matches("class=\"node case hop\"").count(), 1, "{svg}");
    for (number, id) in numbers.iter().zip(&ids) {
        assert!(svg.contains(&format!("href=\"/cases/{id}\"")) && svg.contains(number.as_str()), "{number}: {svg}");
    }
    assert!(
        svg.find(&format!("/cases/{}", ids[2])).unwrap() > svg.find("class=\"node case hop\"").unwrap(),
        "C is the case one hop further: {svg}"
    );
    assert_eq!(svg.matches("<line ").count(), 4, "one line an edge: {svg}");
    assert_eq!(svg.matches("class=\"node identifier\"").count(), 2, "the phone and the handle: {svg}");
    assert!(svg.contains("+30 690 000 1234"), "the phone as first written: {svg}");
    // The text beside it: each identifier with the cases that hold it.
    let list = between(section, "id=\"network-list\"", "</div>");
    let phone = between(list, "+30 690 000 1234", "</ul>");
    assert!(phone.contains(&format!("<a href=\"/cases/{}\">{}</a>", ids[0], numbers[0])), "{phone}");
    assert!(phone.contains(&format!("<a href=\"/cases/{}\">{}</a>", ids[1], numbers[1])), "{phone}");
    assert!(!phone.contains(&ids[2]), "C does not hold the phone: {phone}");
    let handle = between(list, "@nikos_13&lt;script&gt;", "</ul>");
    assert!(handle.contains(&ids[1]) && handle.contains(&ids[2]) && handle.contains("one step further"), "{handle}");
    assert!(list.contains("in 2 cases"), "{list}");
    // Markup in an identifier is shown as text, in the drawing as in the list.
    assert!(!page.html.contains("nikos_13<script>") && svg.contains("nikos_13&lt;script&gt;"), "{svg}");
    assert!(!section.contains("style="), "no inline styles: the content policy forbids them");
    assert!(unlabelled(&page.html).is_empty());
    let read =
        app.audit().into_iter().rfind(|e| e.action == "warning.network_read").expect("the page's read is audited");
    assert_eq!(read.record_id.as_deref(), Some(warning.as_str()));

    // In Greek, the words are Greek.
    assert_eq!(app.page("POST", "/preferences", Some(&supervisor), Some("language=el")).status, 303);
    let greek = app.page("GET", &path, Some(&supervisor), None);
    assert!(greek.html.contains("Δίκτυο υποθέσεων και αναγνωριστικών") && greek.html.contains("σε 2 υποθέσεις"));

    // An operator may not read warnings, and another organisation finds no such page.
    let operator_page = app.page("GET", &path, Some(&app.session("op@a.example")), None);
    assert_eq!(operator_page.status, 403);
    assert!(!operator_page.html.contains(&numbers[0]) && !operator_page.html.contains("690"));
    let other = app.org("Elsewhere", "RS", OrganisationKind::Hotline);
    app.user(&other, Role::Supervisor, "sup@b.example");
    let elsewhere = app.page("GET", &path, Some(&app.session("sup@b.example")), None);
    assert_eq!(elsewhere.status, 404);
    assert!(!elsewhere.html.contains(&numbers[0]));
    assert_eq!(app.page("GET", "/warnings/not-an-id", Some(&supervisor), None).status, 404);
}

/// The trafficking section of a case page, up to the end of its panel.
fn concern_section(html: &str) -> &str {
    html.split("id=\"trafficking\"").nth(1).expect("a trafficking section").split("</section>").next().unwrap()
}

/// The question of a catalogue indicator, as the page shows it (maud escapes quotes).
fn question(id: &str, greek: bool) -> String {
    let catalogue = homeward_risk::Catalogue::builtin().unwrap();
    let q = &catalogue.get(id).unwrap().question;
    (if greek { &q.el } else { &q.en }).replace('"', "&quot;")
}

#[test]
fn the_case_page_shows_the_trafficking_concern_with_every_reason() {
    let d = desk();
    let path = format!("/api/v1/cases/{}/indicators", d.case_id);
    let evidence = "A man answered every question for her";
    let first = d.app.post(&path, &d.token, json!({"indicator": "adult_speaks_for_child", "evidence": evidence}));
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!(d.app.post(&path, &d.token, json!({"indicator": "threats"})).status, 201);

    let page = d.app.page("GET", &format!("/cases/{}", d.case_id), Some(&d.manager), None);
    assert_eq!(page.status, 200, "{}", page.html);
    let section = concern_section(&page.html);
    assert!(section.contains("Trafficking concern"), "{section}");
    assert!(section.contains("Strong indications: possible victim of trafficking"), "the concern in words: {section}");
    assert!(section.contains("for a person to confirm, never a verdict"));
    assert!(section.contains("Score 6, indicator catalogue 2026.11-1"), "{section}");
    assert!(!section.contains("for a person to confirm now."), "not the engine's English statement");
    for id in ["adult_speaks_for_child", "threats", "age_13_17"] {
        assert!(section.contains(&question(id, false)), "the question of {id}: {section}");
    }
    assert!(section.contains("+3 points") && section.contains("+2 points") && section.contains("+1 point"));
    assert!(section.contains("observed, recorded by operator@a.example"), "who recorded it: {section}");
    assert!(section.contains(evidence), "the evidence: {section}");
    assert!(section.contains("derived by Homeward from the case: aged 15 when last seen"), "{section}");
    assert!(page.html.contains("class=\"risk risk-none\""), "the risk level is shown beside it");

    // In Greek, the catalogue's Greek questions and Greek words; the evidence as it was written.
    assert_eq!(d.app.page("POST", "/preferences", Some(&d.manager), Some("language=el")).status, 303);
    let greek = d.app.page("GET", &format!("/cases/{}", d.case_id), Some(&d.manager), None);
    let section = concern_section(&greek.html);
    assert!(section.contains(&question("adult_speaks_for_child", true)), "{section}");
    assert!(section.contains(&question("threats", true)));
    assert!(section.contains("Ισχυρές ενδείξεις") && section.contains(evidence), "{section}");
    assert!(!section.contains(&question("threats", false)), "no English question in a Greek page");
}

#[test]
fn a_pseudonymous_reader_sees_no_reasons_nor_evidence() {
    let d = desk();
    let a = d.app.store.organisation_by_name("Hotline A").unwrap().unwrap();
    d.app.user(&a, Role::Analyst, "analyst@a.example");
    let analyst = d.app.session("analyst@a.example");
    let evidence = "Her passport is kept by the man she travels with";
    let path = format!("/api/v1/cases/{}/indicators", d.case_id);
    let recorded = d.app.post(&path, &d.token, json!({"indicator": "documents_withheld", "evidence": evidence}));
    assert_eq!(recorded.status, 201, "{:?}", recorded.body);
    let page = d.app.page("GET", &format!("/cases/{}", d.case_id), Some(&analyst), None);
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(!page.html.contains("id=\"trafficking\"") && !page.html.contains("Trafficking concern"), "{}", page.html);
    assert!(!page.html.contains(evidence) && !page.html.contains(&question("documents_withheld", false)));
    assert!(!page.html.contains("/indicators\""), "no form to record one");
    let refused = d.app.page(
        "POST",
        &format!("/cases/{}/indicators", d.case_id),
        Some(&analyst),
        Some("indicator=threats&evidence="),
    );
    assert_eq!(refused.status, 403);
}

#[test]
fn an_indicator_recorded_on_the_case_page_raises_the_concern_and_a_bad_one_is_refused() {
    let d = desk();
    let case = format!("/cases/{}", d.case_id);
    let path = format!("{case}/indicators");
    let indicators = |d: &Desk| {
        d.app.get(&format!("/api/v1/cases/{}", d.case_id), &d.token).body["indicators"].as_array().unwrap().len()
    };
    let before = concern_section(&d.app.page("GET", &case, Some(&d.operator), None).html).to_owned();
    assert!(before.contains("No trafficking concern"), "{before}");
    assert!(before.contains("not counted: vulnerability alone never raises a concern"), "the age alone: {before}");
    assert!(before.contains(&format!("action=\"{path}\"")) && before.contains("value=\"documents_withheld\""));
    assert!(!before.contains("value=\"age_13_17\""), "a derived indicator is not offered");

    let evidence = "Says the man at the station keeps her papers";
    let sent = form(&[("indicator", "documents_withheld"), ("evidence", evidence)]);
    let recorded = d.app.page("POST", &path, Some(&d.operator), Some(&sent));
    assert_eq!((recorded.status, recorded.header("location")), (303, Some(&*format!("{case}?saved=indicator"))));
    assert_eq!(indicators(&d), 1);
    let after = d.app.page("GET", &format!("{case}?saved=indicator"), Some(&d.operator), None);
    assert!(after.html.contains("The indicator is recorded"), "{}", after.html);
    let section = concern_section(&after.html);
    assert!(section.contains("Possible victim of trafficking") && section.contains("Score 4"), "{section}");
    assert!(section.contains("recorded by me") && section.contains(evidence), "{section}");
    assert!(!section.contains("not counted"), "the age counts beside a stronger indicator");

    // Not in the catalogue, or derived by Homeward: refused beside the form, with the evidence kept.
    for id in ["gut_feeling", "age_13_17", ""] {
        let typed = "Seen with an older man";
        let refused =
            d.app.page("POST", &path, Some(&d.operator), Some(&form(&[("indicator", id), ("evidence", typed)])));
        assert_eq!(refused.status, 422, "{id}: {}", refused.html);
        let section = concern_section(&refused.html);
        assert!(section.contains("id=\"indicator-error\""), "{id}: the problem beside the form: {section}");
        assert!(section.contains(&format!(">{typed}</textarea>")), "{id}: what was typed is kept");
        assert!(refused.html.contains("The indicator is not recorded"));
    }
    assert_eq!(indicators(&d), 1, "nothing recorded");
    // Again without new evidence: nothing new, said beside the form.
    let again = d.app.page("POST", &path, Some(&d.operator), Some("indicator=documents_withheld&evidence="));
    assert_eq!(again.status, 409, "{}", again.html);
    assert!(concern_section(&again.html).contains("already recorded on the case"));
    // Evidence too long for a note: its own problem, in Greek for a Greek reader.
    assert_eq!(d.app.page("POST", "/preferences", Some(&d.operator), Some("language=el")).status, 303);
    let long = "x".repeat(20_001);
    let refused =
        d.app.page("POST", &path, Some(&d.operator), Some(&form(&[("indicator", "threats"), ("evidence", &long)])));
    assert_eq!(refused.status, 422, "{}", refused.html);
    let section = concern_section(&refused.html);
    assert!(section.contains("id=\"evidence-error\">είναι πολύ μεγάλο"), "{section}");
    assert!(section.contains("<option value=\"threats\" selected>"), "the choice is kept");
    assert_eq!(indicators(&d), 1, "nothing recorded");
}

#[test]
fn a_case_the_catalogue_no_longer_covers_is_said_not_to_be_assessed() {
    let d = desk();
    let path = format!("/api/v1/cases/{}/indicators", d.case_id);
    assert_eq!(d.app.post(&path, &d.token, json!({"indicator": "threats"})).status, 201);
    // A second server over the same store, with an organisation's catalogue that dropped it.
    let mut catalogue = homeward_risk::Catalogue::builtin().unwrap();
    catalogue.indicators.retain(|i| i.id != "threats");
    catalogue.version = "2027.01-1".into();
    let state = homeward_server::AppState::new(d.app.store.clone(), homeward_server::ServerConfig::default())
        .with_catalogue(catalogue);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        runtime.block_on(homeward_server::serve(listener, state, async {
            let _ = stopped.await;
        }))
    });
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut response =
        agent.get(&format!("http://{addr}/cases/{}", d.case_id)).header("Cookie", d.manager.as_str()).call().unwrap();
    let html = response.body_mut().read_to_string().unwrap();
    stop.send(()).unwrap();
    server.join().unwrap().unwrap();
    assert_eq!(response.status().as_u16(), 200, "{html}");
    let section = concern_section(&html);
    assert!(section.contains("id=\"not-assessed\""), "{section}");
    assert!(section.contains("could not be assessed against indicator catalogue 2027.01-1"), "{section}");
    assert!(section.contains("“threats”") && !section.contains("Score"), "{section}");
}

/// The risk-questions section of a case page, up to the end of its panel.
fn risk_section(html: &str) -> &str {
    html.split("id=\"risk-questions\"").nth(1).expect("a risk questions section").split("</section>").next().unwrap()
}

/// The case as a colleague in the same organisation reads it through the store.
fn stored_view(d: &Desk) -> homeward_domain::view::CaseView {
    let manager = d.app.store.user_by_email("manager@a.example").unwrap().unwrap();
    let id = d.case_id.parse().unwrap();
    d.app.store.get_case(&homeward_domain::org::Actor::user(&manager, "test"), id).unwrap()
}

#[test]
fn risk_answers_given_on_the_case_page_suggest_a_level_with_who_gave_them_and_when() {
    let d = desk();
    let case = format!("/cases/{}", d.case_id);
    let before = d.app.page("GET", &case, Some(&d.operator), None);
    let section = risk_section(&before.html);
    assert!(section.contains("No risk question is answered yet"), "{section}");
    assert!(section.contains(&format!("action=\"{case}/risk-answers\"")), "{section}");
    assert!(section.contains("Is the child under 13?") && section.contains("Adverse weather?"), "{section}");
    // Nothing pre-filled: every question starts as not asked.
    assert_eq!(section.matches("value=\"\" checked").count(), 10, "{section}");
    assert!(!section.contains("value=\"yes\" checked") && !section.contains("value=\"no\" checked"));

    let sent = form(&[("under_13", "yes"), ("in_care", "yes"), ("adverse_weather", "no"), ("suspected_crime", "")]);
    let answered = d.app.page("POST", &format!("{case}/risk-answers"), Some(&d.operator), Some(&sent));
    assert_eq!(
        (answered.status, answered.header("location")),
        (303, Some(&*format!("{case}?saved=risk-answers"))),
        "{}",
        answered.html
    );
    let view = stored_view(&d);
    let given: Vec<(&str, bool)> = view.risk_answers.iter().map(|a| (a.question.as_str(), a.answer)).collect();
    assert_eq!(given.len(), 3, "not asked records nothing: {given:?}");
    assert!(given.contains(&("under_13", true)) && given.contains(&("in_care", true)));
    assert!(given.contains(&("adverse_weather", false)));

    let mine = d.app.page("GET", &format!("{case}?saved=risk-answers"), Some(&d.operator), None);
    assert!(mine.html.contains("The answers are recorded"), "{}", mine.html);
    assert!(risk_section(&mine.html).contains("answered by me"));

    // A colleague sees the suggestion, both answers that raised it, who gave them and when.
    let page = d.app.page("GET", &case, Some(&d.manager), None);
    assert_eq!(page.status, 200, "{}", page.html);
    let section = risk_section(&page.html);
    assert!(section.contains("Suggested level: </strong><span class=\"risk risk-high\">high</span>"), "{section}");
    assert_eq!(section.matches("class=\"raises\"").count(), 2, "two factors raise it: {section}");
    assert!(section.contains("a child under 13 cannot keep themselves safe"), "{section}");
    assert!(section.contains("children in care are more often exploited"), "{section}");
    assert!(section.contains("Adverse weather?</strong> · No"), "a no is shown, not marked: {section}");
    assert_eq!(section.matches("answered by operator@a.example").count(), 3, "{section}");
    let at = view.risk_answers[0].answered_at.format(&time::format_description::well_known::Rfc3339).unwrap();
    assert!(section.contains(&format!("<time datetime=\"{at}\"")), "when: {section}");
    let unanswered = section.split("id=\"risk-unanswered\"").nth(1).expect("the questions not asked yet");
    let unanswered = unanswered.split("</ul>").next().unwrap();
    assert!(unanswered.contains("Has the child gone missing before?"), "{unanswered}");
    assert!(!unanswered.contains("Is the child under 13?"), "{unanswered}");
    assert!(!section.contains("id=\"risk-higher\""), "no level is recorded to compare with");
    let timeline = page.html.split("id=\"timeline\"").nth(1).unwrap().split("</ol>").next().unwrap();
    assert!(timeline.contains("answered risk questions <span class=\"muted\">by operator@a.example"), "{timeline}");

    // A recorded level below the suggestion is said plainly.
    let risk = d.app.post(&format!("/api/v1/cases/{}/risk", d.case_id), &d.token, json!({"risk_level": "medium"}));
    assert_eq!(risk.status, 200, "{:?}", risk.body);
    let page = d.app.page("GET", &case, Some(&d.manager), None);
    let section = risk_section(&page.html);
    assert!(section.contains("higher level than the one recorded (medium)"), "{section}");
}

#[test]
fn empty_risk_answers_are_refused_beside_the_form_and_record_nothing() {
    let d = desk();
    let path = format!("/cases/{}/risk-answers", d.case_id);
    // What a browser sends when every question is left as not asked.
    let none: Vec<(&str, &str)> = homeward_domain::risk::QUESTIONS.iter().map(|q| (*q, "")).collect();
    let refused = d.app.page("POST", &path, Some(&d.operator), Some(&form(&none)));
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains("The answers are not recorded"), "{}", refused.html);
    let section = risk_section(&refused.html);
    assert!(
        section.contains("id=\"risk-answers-error\">An answer to at least one question: is needed"),
        "the problem beside the form: {section}"
    );
    assert!(!refused.html.contains("answer at least one question"), "not the domain's English message");
    // Not a choice: refused beside its question, the other answers kept and nothing recorded.
    let odd = form(&[("under_13", "maybe"), ("in_care", "yes")]);
    let refused = d.app.page("POST", &path, Some(&d.operator), Some(&odd));
    assert_eq!(refused.status, 422, "{}", refused.html);
    let section = risk_section(&refused.html);
    assert!(section.contains("is not one of the choices"), "{section}");
    assert!(section.contains("name=\"in_care\" value=\"yes\" checked"), "the choice is kept: {section}");
    assert!(stored_view(&d).risk_answers.is_empty(), "nothing recorded");
    // In Greek, the problem in Greek.
    assert_eq!(d.app.page("POST", "/preferences", Some(&d.operator), Some("language=el")).status, 303);
    let refused = d.app.page("POST", &path, Some(&d.operator), Some(""));
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(risk_section(&refused.html).contains("Απάντηση σε τουλάχιστον μία ερώτηση: χρειάζεται"));
    assert!(stored_view(&d).risk_answers.is_empty(), "nothing recorded");
}

#[test]
fn a_pseudonymous_reader_sees_no_risk_answers_and_may_not_give_them() {
    let d = desk();
    let a = d.app.store.organisation_by_name("Hotline A").unwrap().unwrap();
    d.app.user(&a, Role::Analyst, "analyst@a.example");
    let analyst = d.app.session("analyst@a.example");
    let path = format!("/api/v1/cases/{}/risk-answers", d.case_id);
    let given = d.app.post(&path, &d.token, json!({"under_13": true}));
    assert_eq!(given.status, 200, "{:?}", given.body);
    let page = d.app.page("GET", &format!("/cases/{}", d.case_id), Some(&analyst), None);
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(!page.html.contains("id=\"risk-questions\""), "{}", page.html);
    assert!(!page.html.contains("Is the child under 13?") && !page.html.contains("cannot keep themselves safe"));
    assert!(!page.html.contains("/risk-answers\""), "no form to answer them");
    let refused =
        d.app.page("POST", &format!("/cases/{}/risk-answers", d.case_id), Some(&analyst), Some("in_care=yes"));
    assert_eq!(refused.status, 403, "{}", refused.html);
    assert_eq!(stored_view(&d).risk_answers.len(), 1, "nothing more recorded");
}

#[test]
fn the_risk_questions_on_a_greek_case_page_are_in_greek() {
    let d = desk();
    let path = format!("/api/v1/cases/{}/risk-answers", d.case_id);
    assert_eq!(d.app.post(&path, &d.token, json!({"in_care": true})).status, 200);
    assert_eq!(d.app.page("POST", "/preferences", Some(&d.manager), Some("language=el")).status, 303);
    let page = d.app.page("GET", &format!("/cases/{}", d.case_id), Some(&d.manager), None);
    assert_eq!(page.status, 200, "{}", page.html);
    let section = risk_section(&page.html);
    assert!(section.contains("Ερωτήσεις κινδύνου"), "{section}");
    assert!(section.contains("Βρίσκεται το παιδί σε φροντίδα (ίδρυμα, αναδοχή);</strong> · Ναι"), "{section}");
    assert!(section.contains("τα παιδιά σε φροντίδα πέφτουν συχνότερα θύματα εκμετάλλευσης"), "{section}");
    assert!(section.contains("<span class=\"risk risk-low\">χαμηλός</span>"), "{section}");
    assert!(section.contains("Είναι το παιδί κάτω των 13;"), "the form's questions: {section}");
    assert!(!section.contains("Is the child under 13?") && !section.contains("Is the child in care?"), "{section}");
}
