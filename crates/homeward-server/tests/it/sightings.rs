//! Sightings from the public over HTTP: the public form and API with no login, their abuse
//! refused (an oversized body, a text file named `.jpg`, a flood from one address) with a clear
//! message and nothing else changed, and the staff's inbox, attachment and case page.

use std::time::Duration;

use homeward_domain::org::{OrganisationKind, Role};
use homeward_server::ServerConfig;
use homeward_server::sightings::SightingLimits;
use serde_json::{Value, json};

use crate::support::{Auth, TestApp, issue_report};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";

/// A server whose throttle trusts `X-Forwarded-For`, as behind a reverse proxy, so that a test
/// can speak from several addresses.
fn behind_proxy() -> TestApp {
    let sightings = SightingLimits { per_window: 5, window: Duration::from_secs(600), trusted_proxy: true };
    TestApp::spawn_with(ServerConfig { sightings, ..ServerConfig::default() })
}

/// An hour ago, as a browser's `datetime-local` field writes it, in UTC.
fn an_hour_ago() -> String {
    let at = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    at.format(format).unwrap()
}

fn fields() -> Vec<(&'static str, String)> {
    vec![
        ("place", "Larissa railway station, platform 2".into()),
        ("lat", "39.63900".into()),
        ("lon", "22.41910".into()),
        ("seen_at", an_hour_ago()),
        ("utc_offset_minutes", "0".into()),
        ("description", "A girl in a red coat with an older man, boarding the train north".into()),
        ("contact_name", "A passer-by".into()),
        ("contact_phone", "+30 690 555 0101".into()),
    ]
}

/// A `multipart/form-data` body as a browser sends it.
fn multipart(fields: &[(&str, String)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----homewardTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    let (filename, content_type, bytes) = file.unwrap_or(("", "application/octet-stream", b""));
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    text: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

/// A POST from `address` (as the proxy names it), with the body given; redirects not followed.
fn send(app: &TestApp, path: &str, address: &str, content_type: &str, body: Vec<u8>) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections(0)
        .build()
        .into();
    let request = ureq::http::Request::builder()
        .method("POST")
        .uri(format!("http://{}{path}", app.addr))
        .header("Content-Type", content_type)
        .header("X-Forwarded-For", address)
        .body(body)
        .unwrap();
    let mut response = agent.run(request).unwrap();
    let headers =
        response.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    Answer { status: response.status().as_u16(), headers, text }
}

fn api(app: &TestApp, address: &str, fields: &[(&str, String)], file: Option<(&str, &str, &[u8])>) -> Answer {
    let (content_type, body) = multipart(fields, file);
    send(app, "/api/v1/public/sightings", address, &content_type, body)
}

fn form(app: &TestApp, address: &str, fields: &[(&str, String)], file: Option<(&str, &str, &[u8])>) -> Answer {
    let (content_type, body) = multipart(fields, file);
    send(app, "/public/sightings", address, &content_type, body)
}

/// Everything that is not a sighting or the audit log, counted: a refusal must change none of it,
/// and a sighting none of it either.
fn everything_else(app: &TestApp) -> Vec<i64> {
    ["cases", "case_events", "sessions", "users", "organisations", "notes", "contacts"]
        .iter()
        .map(|t| app.count(t))
        .collect()
}

#[test]
fn the_public_form_needs_no_login_and_sets_no_cookie() {
    let app = TestApp::spawn();
    let page = app.page("GET", "/public/sightings?alert=0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", None, None);
    assert_eq!(page.status, 200);
    assert!(page.header("set-cookie").is_none(), "the public page opens no session");
    assert!(page.html.contains("enctype=\"multipart/form-data\"") && page.html.contains("name=\"photo\""));
    assert!(page.html.contains("value=\"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\""), "the alert is carried along");
    assert!(!page.html.contains("/logout") && !page.html.contains("href=\"/intake\""), "no staff navigation");
    assert!(page.header("content-security-policy").is_some());
    // Something that is not an alert's reference is not carried along.
    let odd = app.page("GET", "/public/sightings?alert=%3Cscript%3E", None, None);
    assert!(!odd.html.contains("<script>") && !odd.html.contains("name=\"alert\""));
    // The script that adds "use my location" is served from Homeward itself.
    assert_eq!(app.page("GET", "/assets/sightings.js", None, None).status, 200);
}

#[test]
fn a_sighting_sent_from_the_form_reaches_the_inbox_with_its_photo() {
    let app = behind_proxy();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, operator) = app.user(&org, Role::Operator, "op@a.example");
    let before = everything_else(&app);
    // An alert that was never published is refused, and nothing is kept.
    let mut answering = fields();
    answering.push(("alert", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into()));
    let refused = form(&app, "198.51.100.9", &answering, Some(("photo.png", "image/png", PNG)));
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.text.contains("id=\"problems\""), "{}", refused.text);
    assert_eq!(app.count("sightings"), 0);

    let answer = form(&app, "198.51.100.7", &fields(), Some(("photo.png", "image/png", PNG)));
    assert_eq!(answer.status, 303, "{}", answer.text);
    let to = answer.header("location").unwrap().to_owned();
    assert!(to.starts_with("/public/sightings/sent?ref="), "{to}");
    assert!(answer.header("set-cookie").is_none());
    let thanks = app.page("GET", &to, None, None);
    assert_eq!(thanks.status, 200);
    assert!(thanks.html.contains("reached the hotline"), "{}", thanks.html);
    assert_eq!(everything_else(&app), before, "a sighting touches nothing but its own tables");

    let inbox = app.get("/api/v1/sightings", &operator);
    assert_eq!(inbox.status, 200, "{:?}", inbox.body);
    let s = &inbox.body[0];
    assert_eq!(s["place"], "Larissa railway station, platform 2");
    assert_eq!((s["lat"].as_f64(), s["lon"].as_f64()), (Some(39.639), Some(22.4191)));
    assert!(s["alert"].is_null(), "sent from the general page");
    assert_eq!((s["photo"].as_str(), s["state"].as_str()), (Some("png"), Some("new")));
    let id = s["id"].as_str().unwrap().to_owned();

    // The photo is served to staff, with the type its contents say; to nobody else.
    let photo = app.get(&format!("/api/v1/sightings/{id}/photo"), &operator);
    assert_eq!((photo.status, photo.header("content-type")), (200, Some("image/png")));
    assert_eq!(app.get(&format!("/api/v1/sightings/{id}/photo"), &Auth::None).status, 401);
    let page = app.page("GET", &format!("/sightings/{id}/photo"), None, None);
    assert_eq!(page.status, 303, "the page's photo needs a session too");
    let received = app.audit().into_iter().find(|e| e.action == "sighting.received").unwrap();
    assert_eq!(received.origin, "198.51.100.7", "the address the proxy named");
}

#[test]
fn the_json_api_takes_a_sighting_and_refuses_a_bad_one_with_problem_details() {
    let app = TestApp::spawn();
    let good = json!({"place": "Volos harbour", "seen_at": an_hour_ago(), "description": "A boy alone by the ferry",
        "contact": {"email": "someone@example.org"}});
    let r = app.call("POST", "/api/v1/public/sightings", &Auth::None, Some(good));
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert!(r.body["id"].is_string() && r.body["received_at"].is_string());

    let bad = json!({"place": "", "seen_at": "2099-01-01T10:00", "description": "x", "lat": 95.0, "lon": 22.0});
    let r = app.call("POST", "/api/v1/public/sightings", &Auth::None, Some(bad));
    assert_eq!(r.status, 422, "{:?}", r.body);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let fields: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["place", "lat", "seen_at"]);
    // A field that is not a sighting's (to attach it to a case, say) is refused, not ignored.
    let sneaky = json!({"place": "Volos", "seen_at": an_hour_ago(), "description": "x", "case_id": "anything"});
    assert_eq!(app.call("POST", "/api/v1/public/sightings", &Auth::None, Some(sneaky)).status, 422);
    let broken =
        app.raw("POST", "/api/v1/public/sightings", &Auth::None, Some(b"{\"place\": ".to_vec()), "application/json");
    assert_eq!((broken.status, broken.header("content-type")), (400, Some("application/problem+json")));
    let plain = app.raw("POST", "/api/v1/public/sightings", &Auth::None, Some(b"Larissa".to_vec()), "text/plain");
    assert_eq!(plain.status, 415);
    assert_eq!(app.count("sightings"), 1);
}

#[test]
fn an_oversized_sighting_is_refused_with_a_clear_message_and_nothing_kept() {
    let app = behind_proxy();
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(6 * 1024 * 1024, 7);
    let before = everything_else(&app);
    let r = api(&app, "198.51.100.7", &fields(), Some(("holiday.jpg", "image/jpeg", &big)));
    assert_eq!(r.status, 413, "{}", r.text);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert!(r.json()["detail"].as_str().unwrap().contains("at most 5 MB"), "{}", r.text);
    // The form says so in words, and keeps what was typed.
    let page = form(&app, "198.51.100.7", &fields(), Some(("holiday.jpg", "image/jpeg", &big)));
    assert_eq!(page.status, 413);
    assert!(page.text.contains("The photo is too large"), "{}", page.text);
    assert!(page.text.contains("Larissa railway station, platform 2"), "what was typed comes back");
    // A photo just under the limit in a body of its own size is taken.
    let mut fits = vec![0xFF, 0xD8, 0xFF, 0xE0];
    fits.resize(5 * 1024 * 1024 - 10, 7);
    assert_eq!(api(&app, "198.51.100.8", &fields(), Some(("ok.jpg", "image/jpeg", &fits))).status, 201);
    assert_eq!((app.count("sightings"), app.count("sighting_photos")), (1, 1));
    assert_eq!(everything_else(&app), before);
}

#[test]
fn a_text_file_named_jpg_is_refused_by_its_contents() {
    let app = behind_proxy();
    let text = b"Hello! This is not a photo, whatever its name says.";
    let r = api(&app, "198.51.100.7", &fields(), Some(("photo.jpg", "image/jpeg", text)));
    assert_eq!(r.status, 415, "{}", r.text);
    assert!(r.json()["detail"].as_str().unwrap().contains("not a JPEG, PNG or WebP image"), "{}", r.text);
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
    assert_eq!(api(&app, "198.51.100.7", &fields(), Some(("photo.png", "image/png", svg))).status, 415);
    let page = form(&app, "198.51.100.7", &fields(), Some(("photo.jpg", "image/jpeg", text)));
    assert_eq!(page.status, 415);
    assert!(page.text.contains("The file is not a photo we can take"), "{}", page.text);
    assert_eq!((app.count("sightings"), app.count("sighting_photos")), (0, 0));
    // A form with no file chosen is a sighting without a photo.
    assert_eq!(form(&app, "198.51.100.7", &fields(), None).status, 303);
    assert_eq!((app.count("sightings"), app.count("sighting_photos")), (1, 0));
}

#[test]
fn a_flood_from_one_address_is_refused_from_the_sixth_and_another_address_is_not() {
    let app = behind_proxy();
    let before = everything_else(&app);
    for i in 0..5 {
        let r = api(&app, "198.51.100.7", &fields(), None);
        assert_eq!(r.status, 201, "sighting {i}: {}", r.text);
    }
    let audited = app.audit().len();
    let sixth = api(&app, "198.51.100.7", &fields(), Some(("photo.png", "image/png", PNG)));
    assert_eq!(sixth.status, 429, "{}", sixth.text);
    assert_eq!(sixth.header("content-type"), Some("application/problem+json"));
    let wait: u64 = sixth.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    assert!(sixth.json()["detail"].as_str().unwrap().contains("Too many sightings"), "{}", sixth.text);
    let page = form(&app, "198.51.100.7", &fields(), None);
    assert_eq!(page.status, 429);
    assert!(page.text.contains("Please try again in 10 minutes"), "{}", page.text);
    assert!(page.text.contains("Larissa railway station, platform 2"), "what was typed comes back");
    assert_eq!((app.count("sightings"), app.count("sighting_photos")), (5, 0), "nothing of the refused kept");
    assert_eq!(app.audit().len(), audited, "a refusal writes nothing, not even to the audit log");
    // Another address is not affected.
    assert_eq!(api(&app, "198.51.100.8", &fields(), None).status, 201);
    assert_eq!(app.count("sightings"), 6);
    assert_eq!(everything_else(&app), before);
}

#[test]
fn a_forwarded_address_is_ignored_unless_the_proxy_is_trusted() {
    let app = TestApp::spawn();
    for i in 0..5 {
        let r = api(&app, &format!("203.0.113.{i}"), &fields(), None);
        assert_eq!(r.status, 201, "{}", r.text);
    }
    // Naming yet another address does not get round the throttle of the real one.
    assert_eq!(api(&app, "203.0.113.99", &fields(), None).status, 429);
}

#[test]
fn a_form_sent_back_for_correction_does_not_count_against_the_sender() {
    let app = behind_proxy();
    let mut wrong = fields();
    wrong.retain(|(name, _)| *name != "place");
    for _ in 0..6 {
        let page = form(&app, "198.51.100.7", &wrong, None);
        assert_eq!(page.status, 422);
        assert!(page.text.contains("Please check the fields marked below"), "{}", page.text);
    }
    assert_eq!(form(&app, "198.51.100.7", &fields(), None).status, 303);
}

#[test]
fn sightings_naming_an_alert_never_published_count_against_the_sender() {
    // The store refuses them (only it knows the alerts), so each took the writer: they count.
    let app = behind_proxy();
    let mut answering = fields();
    answering.push(("alert", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into()));
    for i in 0..5 {
        let r = api(&app, "198.51.100.7", &answering, None);
        assert_eq!(r.status, 422, "sighting {i}: {}", r.text);
    }
    assert_eq!(api(&app, "198.51.100.7", &answering, None).status, 429);
    assert_eq!(app.count("sightings"), 0);
}

#[test]
fn an_operator_attaches_a_sighting_and_the_case_shows_it_with_the_last_seen_point() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, operator) = app.user(&org, Role::Operator, "op@a.example");
    let (_, analyst) = app.user(&org, Role::Analyst, "analyst@a.example");
    let police = app.org("Police", "GR", OrganisationKind::PoliceUnit);
    let (_, liaison) = app.user(&police, Role::PoliceLiaison, "liaison@police.example");
    let case = app.post("/api/v1/cases", &operator, issue_report()).body["id"].as_str().unwrap().to_owned();
    let sent = api(&app, "198.51.100.7", &fields(), Some(("photo.png", "image/png", PNG)));
    let id = sent.json()["id"].as_str().unwrap().to_owned();

    // Before it is attached, the case knows nothing of it.
    assert!(!app.get(&format!("/api/v1/cases/{case}"), &operator).body.to_string().contains("Larissa"));
    assert_eq!(app.get(&format!("/api/v1/cases/{case}/sightings"), &operator).body, json!([]));
    assert_eq!(app.get("/api/v1/sightings", &liaison).status, 403, "the police see sightings through cases");
    assert_eq!(app.get(&format!("/api/v1/sightings/{id}"), &liaison).status, 404);

    let attached = app.post(&format!("/api/v1/sightings/{id}/attachment"), &operator, json!({"case_id": case}));
    assert_eq!(attached.status, 200, "{:?}", attached.body);
    assert_eq!(attached.body["state"], "attached");
    let again = app.post(&format!("/api/v1/sightings/{id}/attachment"), &operator, json!({"case_id": case}));
    assert_eq!(again.status, 409);
    let events = app.get(&format!("/api/v1/cases/{case}/events"), &operator).body;
    assert_eq!(events.as_array().unwrap().last().unwrap()["type"], "sighting_attached");
    let on_case = app.get(&format!("/api/v1/cases/{case}/sightings"), &operator).body;
    assert_eq!(on_case[0]["id"], id.as_str());
    assert_eq!(app.get(&format!("/api/v1/cases/{case}/sightings"), &analyst).status, 403);

    // The case page: the plot and the list, with the sighting's coordinates and the last-seen
    // point's.
    let cookie = app.session("op@a.example");
    let page = app.page("GET", &format!("/cases/{case}"), Some(&cookie), None);
    assert_eq!(page.status, 200);
    assert!(page.html.contains("id=\"sightings-plot\"") && page.html.contains("<svg"), "{}", page.html);
    assert!(page.html.contains("39.63900, 22.41910"), "the sighting's coordinates");
    assert!(page.html.contains("37.98400, 23.72800"), "the last-seen point's");
    assert!(page.html.contains("216.2 km from where the child was last seen"), "{}", page.html);
    assert!(page.html.contains("attached a sighting from the public"), "the timeline says so");
    // The inbox is empty again.
    assert_eq!(app.get("/api/v1/sightings", &operator).body, json!([]));
    let inbox = app.page("GET", "/sightings", Some(&cookie), None);
    assert!(inbox.html.contains("No sightings are waiting"));
}

#[test]
fn a_sighting_is_dismissed_with_a_reason_from_its_page() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    app.user(&org, Role::Supervisor, "sup@a.example");
    let id = api(&app, "198.51.100.7", &fields(), None).json()["id"].as_str().unwrap().to_owned();
    let cookie = app.session("sup@a.example");
    let page = app.page("GET", &format!("/sightings/{id}"), Some(&cookie), None);
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Larissa railway station, platform 2") && page.html.contains("name=\"reason\""));
    let no_reason = app.page("POST", &format!("/sightings/{id}/dismiss"), Some(&cookie), Some("reason="));
    assert_eq!(no_reason.status, 422);
    let done = app.page("POST", &format!("/sightings/{id}/dismiss"), Some(&cookie), Some("reason=A+prank"));
    assert_eq!((done.status, done.header("location")), (303, Some("/sightings")));
    let page = app.page("GET", &format!("/sightings/{id}"), Some(&cookie), None);
    assert!(page.html.contains("Dismissed") && page.html.contains("A prank"));
    let codes: Vec<i64> = app.audit().iter().map(|e| e.code).collect();
    for code in [2090, 2092, 2095] {
        assert!(codes.contains(&code), "no audit code {code}");
    }
}

#[test]
fn markup_in_a_sighting_is_shown_never_run() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    app.user(&org, Role::Operator, "op@a.example");
    let mut sent = fields();
    sent.retain(|(name, _)| *name != "description");
    sent.push(("description", "<script>alert('x')</script> near the <b>kiosk</b>".into()));
    let id = api(&app, "198.51.100.7", &sent, None).json()["id"].as_str().unwrap().to_owned();
    let cookie = app.session("op@a.example");
    for path in ["/sightings".to_owned(), format!("/sightings/{id}")] {
        let page = app.page("GET", &path, Some(&cookie), None);
        assert_eq!(page.status, 200);
        assert!(!page.html.contains("<script>alert"), "{path}: {}", page.html);
        assert!(page.html.contains("&lt;script&gt;alert"), "{path}");
    }
}

#[test]
fn the_api_document_describes_the_sightings() {
    let app = TestApp::spawn();
    let doc = app.get("/api/v1/openapi.json", &Auth::None).body;
    for (path, method) in [
        ("/api/v1/public/sightings", "post"),
        ("/api/v1/sightings", "get"),
        ("/api/v1/sightings/{id}", "get"),
        ("/api/v1/sightings/{id}/photo", "get"),
        ("/api/v1/sightings/{id}/attachment", "post"),
        ("/api/v1/sightings/{id}/dismissal", "post"),
        ("/api/v1/cases/{id}/sightings", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} is not described");
    }
    let public = &doc["paths"]["/api/v1/public/sightings"]["post"]["responses"];
    for status in ["201", "413", "415", "422", "429"] {
        assert!(public[status].is_object(), "{status} missing from {public}");
    }
    for schema in ["NewSighting", "SightingView", "SightingReceipt"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "no schema {schema}");
    }
}
