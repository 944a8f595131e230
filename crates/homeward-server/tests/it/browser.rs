//! End to end in a real headless Chromium, driven over WebDriver (Debian's chromium and
//! chromium-driver, which `.ci/run` installs): an operator logs in, takes a report with the
//! keyboard alone (the same-child panel finds the girl reported before in Latin letters), finds
//! the case on the desk, opens it, adds a note, changes its status and logs out; an operator of
//! another organisation then cannot see the case. Screenshots of the
//! main pages are kept under `$CARGO_TARGET_TMPDIR/screenshots`.
//!
//! Without `chromedriver` on the PATH the test says so and passes, except under `CI=true`,
//! where a missing browser is a failure.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use homeward_domain::org::{OrganisationKind, Role};
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const SHIFT_TAB: &str = "\u{E008}\u{E004}\u{E008}";

struct Driver {
    process: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.agent.delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Driver {
    fn start() -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let process = match Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(p) => p,
            Err(e) => {
                assert!(std::env::var("CI").as_deref() != Ok("true"), "CI must have chromedriver: {e}");
                eprintln!("SKIPPED: the browser test needs chromedriver and chromium on the PATH ({e})");
                return None;
            }
        };
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let binary =
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| std::path::Path::new(p).exists());
        let mut options = json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1280,720", "--lang=en-GB"]});
        if let Some(binary) = binary {
            options["binary"] = json!(binary);
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}});
        let mut driver = Driver { process, base, session: String::new(), agent };
        let created = driver.send("POST", "/session", Some(caps));
        driver.session = created["sessionId"].as_str().expect("a WebDriver session").to_owned();
        Some(driver)
    }

    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            (_, body) => self.agent.post(&url).send_json(body.unwrap_or(json!({}))),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let value: Value = response.body_mut().read_json().unwrap_or(Value::Null);
        assert!(value["value"]["error"].is_null(), "{method} {path}: {}", value["value"]);
        value
            .get("value")
            .cloned()
            .map(|v| if path == "/session" { json!({"sessionId": value["value"]["sessionId"]}) } else { v })
            .unwrap_or(Value::Null)
    }

    fn go(&self, url: &str) {
        self.send("POST", "/url", Some(json!({"url": url})));
    }

    fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let url = format!("{}/session/{}/element", self.base, self.session);
            let mut r = self.agent.post(&url).send_json(json!({"using": "css selector", "value": css})).unwrap();
            let v: Value = r.body_mut().read_json().unwrap();
            if let Some(id) = v["value"][ELEMENT].as_str() {
                return id.to_owned();
            }
            assert!(Instant::now() < deadline, "no element {css}: {}", v["value"]);
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.send("GET", &format!("/element/{id}/text"), None).as_str().unwrap_or_default().to_owned()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.send("POST", &format!("/element/{id}/click"), None);
    }

    /// Types into whatever has the focus, as a person at the keyboard does.
    fn keys(&self, text: &str) {
        let active = self.send("GET", "/element/active", None);
        let id = active[ELEMENT].as_str().unwrap_or_else(|| panic!("no focused element: {active}")).to_owned();
        self.send("POST", &format!("/element/{id}/value"), Some(json!({"text": text})));
    }

    fn value(&self, css: &str) -> String {
        let id = self.find(css);
        self.send("GET", &format!("/element/{id}/property/value"), None).as_str().unwrap_or_default().to_owned()
    }

    fn resize(&self, width: u32, height: u32) {
        self.send("POST", "/window/rect", Some(json!({"width": width, "height": height})));
    }

    fn script(&self, js: &str) -> Value {
        self.send("POST", "/execute/sync", Some(json!({"script": js, "args": []})))
    }

    /// True when the page fits the window's width: nothing to scroll sideways.
    fn fits_width(&self) -> bool {
        self.script("return document.documentElement.scrollWidth <= window.innerWidth;") == json!(true)
    }

    fn url(&self) -> String {
        self.send("GET", "/url", None).as_str().unwrap_or_default().to_owned()
    }

    fn wait_for_url(&self, part: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let url = self.url();
            if url.contains(part) {
                return url;
            }
            assert!(Instant::now() < deadline, "still at {url}, waiting for {part}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn page_source(&self) -> String {
        self.send("GET", "/source", None).as_str().unwrap_or_default().to_owned()
    }

    fn screenshot(&self, name: &str) {
        let png = self.send("GET", "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap_or_default()).unwrap();
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), bytes).unwrap();
    }
}

#[test]
fn an_operator_takes_a_report_with_the_keyboard_and_another_organisation_cannot_see_it() {
    let app = TestApp::spawn();
    let a = app.org("Hotline A", "GR", OrganisationKind::Hotline);
    let b = app.org("Hotline B", "RS", OrganisationKind::Hotline);
    let (_, night) = app.user(&a, Role::Operator, "night@a.example");
    app.user(&b, Role::Operator, "operator@b.example");
    // The same girl, reported last month in Latin letters.
    let earlier = json!({"category": "runaway",
        "child": {"given_name": "Eleni", "family_name": "Papadopoulou", "sex": "F", "date_of_birth": "2011-04-02"},
        "last_seen": {"at": "2026-10-20T18:00:00Z"}});
    let earlier = app.post("/api/v1/cases", &night, earlier).body["number"].as_str().unwrap().to_owned();
    let Some(browser) = Driver::start() else { return };
    let site = format!("http://{}", app.addr);

    // Log in: the e-mail field has the focus.
    browser.go(&format!("{site}/login"));
    browser.screenshot("login");
    browser.keys("night@a.example");
    browser.keys(TAB);
    browser.keys(PASSWORD);
    browser.keys(ENTER);
    browser.wait_for_url(&format!("{site}/"));

    // Take the report with the keyboard alone: the child's given name has the focus. What is
    // typed is kept on the server: a closed tab brings it back.
    browser.go(&format!("{site}/intake"));
    browser.keys("Ελένη");
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.count("drafts") == 0 {
        assert!(Instant::now() < deadline, "the draft was never kept");
        std::thread::sleep(Duration::from_millis(100));
    }
    browser.go(&format!("{site}/"));
    browser.go(&format!("{site}/intake"));
    assert_eq!(browser.value("#given_name"), "Ελένη", "the draft came back");
    browser.keys(TAB);
    browser.keys("Παπαδοπούλου");
    browser.keys(TAB);
    browser.keys("f"); // sex: female
    browser.keys(TAB);
    browser.keys("2011-04-02");
    browser.keys(TAB);
    browser.keys(TAB); // no estimated age: the date of birth is known
    browser.keys(TAB);
    browser.keys("2026-11-28 18:30");
    browser.keys(TAB);
    browser.keys("Athens, Omonia");
    browser.keys(TAB);
    browser.keys("Attica"); // the region, which the trend detector counts by
    browser.keys(TAB);
    browser.keys("r"); // category: runaway
    browser.keys(TAB);
    browser.keys(TAB); // channel: phone
    browser.keys("p"); // caller: parent
    browser.keys(TAB);
    browser.keys(TAB); // received: now
    browser.keys("Mother reports her daughter did not come home from school");
    let panel = browser.text("#matches");
    assert!(panel.contains(&earlier) && panel.contains("the same child ("), "the same-child panel: {panel}");
    browser.screenshot("intake");
    browser.keys(SHIFT_TAB); // back to "received at", where Enter sends the form
    browser.keys(ENTER);
    let case_url = browser.wait_for_url("saved=created");
    assert!(browser.text("#next-step").contains("Assess the risk now"), "what to do next is shown");
    assert!(browser.text("#child-name").contains("Ελένη Παπαδοπούλου"));
    assert!(browser.text("#region").contains("Attica"), "the region is kept and shown");
    assert!(browser.text("#same-child").contains(&earlier), "the match is offered on the case page");
    let case_path = case_url.trim_start_matches(&site).split('?').next().unwrap().to_owned();

    // Find it on the desk and open it.
    browser.go(&format!("{site}/"));
    assert!(browser.text("#cases").contains("Ελένη Παπαδοπούλου"));
    browser.screenshot("desk");
    browser.click(&format!("#cases a[href='{case_path}']"));
    browser.wait_for_url(&case_path);

    // Usable at 1280×720 and on a tablet held upright: no page needs sideways scrolling.
    for (width, height, name) in [(1280, 720, "laptop"), (820, 1180, "tablet")] {
        browser.resize(width, height);
        for (path, page) in [("/", "desk"), ("/intake", "intake"), (case_path.as_str(), "case")] {
            browser.go(&format!("{site}{path}"));
            browser.find("main");
            assert!(browser.fits_width(), "{page} scrolls sideways at {width}×{height}");
            if name == "tablet" {
                browser.screenshot(&format!("{page}-tablet"));
            }
        }
    }
    browser.resize(1280, 720);
    browser.go(&format!("{site}{case_path}"));

    // Add a note: type it, Tab to the button, Enter.
    browser.click("#note");
    browser.keys("Checked the park near the school");
    browser.keys(TAB);
    browser.keys(ENTER);
    browser.wait_for_url("saved=note");
    assert!(browser.text("#notes").contains("Checked the park near the school"));

    // Change the status, confirming it.
    browser.click("#reason");
    browser.keys("Home again, unharmed");
    browser.keys(ENTER); // the first step offered from "open" is "found safe"
    let question = browser.text("#confirm-question");
    assert!(question.contains("found safe"), "{question}");
    browser.keys(ENTER); // the confirmation button has the focus
    browser.wait_for_url("saved=status");
    assert_eq!(browser.text("#status"), "found safe");
    assert!(browser.text("#timeline").contains("changed the status to found safe"));
    browser.screenshot("case");

    // Log out.
    browser.click("header form[action='/logout'] button");
    browser.wait_for_url("why=logged-out");
    browser.go(&format!("{site}{case_path}"));
    browser.wait_for_url("/login?why=required");

    // Another organisation's operator cannot see the case.
    browser.go(&format!("{site}/login"));
    browser.keys("operator@b.example");
    browser.keys(TAB);
    browser.keys(PASSWORD);
    browser.keys(ENTER);
    browser.wait_for_url(&format!("{site}/"));
    assert!(!browser.page_source().contains("Ελένη"), "the desk of B lists A's case");
    browser.go(&format!("{site}{case_path}"));
    let source = browser.page_source();
    assert!(!source.contains("Ελένη") && source.contains("not shared with your organisation"), "{source}");
    browser.screenshot("not-visible");
}

#[test]
fn a_warnings_network_fits_a_laptop_and_a_tablet_held_upright() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, operator) = app.user(&org, Role::Operator, "op@a.example");
    let (_, supervisor) = app.user(&org, Role::Supervisor, "sup@a.example");
    let (_, ids) = crate::support::three_children_two_links(&app, &operator);
    // More of a network: a long address A shares with a further case, and a handle too long to
    // break that C and that case share.
    let address = "Οδός Αγίου Κωνσταντίνου 123, 10437 Αθήνα, δεύτερος όροφος, διαμέρισμα Β, κουδούνι Παπαδόπουλος";
    let long_handle = format!("@{}", "x".repeat(90));
    let linked = app.post(
        &format!("/api/v1/cases/{}/identifiers", ids[0]),
        &operator,
        json!({"kind": "address", "value": address}),
    );
    assert_eq!(linked.status, 201, "{:?}", linked.body);
    let linked = app.post(
        &format!("/api/v1/cases/{}/identifiers", ids[2]),
        &operator,
        json!({"kind": "social_handle", "value": long_handle}),
    );
    assert_eq!(linked.status, 201, "{:?}", linked.body);
    let mut report = crate::support::report("Karim", "Haidari", "runaway");
    report["identifiers"] =
        json!([{"kind": "address", "value": address}, {"kind": "social_handle", "value": long_handle}]);
    assert_eq!(app.post("/api/v1/cases", &operator, report).status, 201);
    let warning = crate::support::phone_warning(&app, &supervisor);

    let Some(browser) = Driver::start() else { return };
    let site = format!("http://{}", app.addr);
    browser.go(&format!("{site}/login"));
    browser.keys("sup@a.example");
    browser.keys(TAB);
    browser.keys(PASSWORD);
    browser.keys(ENTER);
    browser.wait_for_url(&format!("{site}/"));
    for (width, height, name) in [(1280, 720, "laptop"), (820, 1180, "tablet")] {
        browser.resize(width, height);
        browser.go(&format!("{site}/warnings/{warning}"));
        browser.find("#network svg");
        assert!(browser.fits_width(), "the warning's network scrolls sideways at {width}×{height}");
        let drawn = browser.script("return document.querySelector('#network svg').getBoundingClientRect().width;");
        assert!(drawn.as_f64().unwrap_or(0.0) > 200.0, "the drawing is drawn at {width}: {drawn}");
        browser.script("document.getElementById('network').scrollIntoView();");
        browser.screenshot(&format!("warning-network-{name}"));
    }
    assert!(browser.text("#network-list").contains(address), "the list says it in full");
}

#[test]
fn a_supervisor_acknowledges_an_escalation_from_the_queue_on_a_laptop_and_a_tablet() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, operator) = app.user(&org, Role::Operator, "op@a.example");
    app.user(&org, Role::Supervisor, "sup@a.example");
    let mut opened = Vec::new();
    for risk in ["high", "medium"] {
        let mut report = crate::support::issue_report();
        report["risk_level"] = json!(risk);
        let r = app.post("/api/v1/cases", &operator, report);
        assert_eq!(r.status, 201, "{:?}", r.body);
        let at = r.body["opened_at"].as_str().unwrap();
        opened.push(time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).unwrap());
    }
    // Two hours on: nobody handed either case to the police or called the family back.
    let report = app.state.run_escalation_job(opened[1] + time::Duration::hours(2)).unwrap();
    assert_eq!(report.raised, 4);

    let Some(browser) = Driver::start() else { return };
    let site = format!("http://{}", app.addr);
    browser.go(&format!("{site}/login"));
    browser.keys("sup@a.example");
    browser.keys(TAB);
    browser.keys(PASSWORD);
    browser.keys(ENTER);
    browser.wait_for_url(&format!("{site}/"));
    for (width, height, name) in [(1280, 720, "laptop"), (820, 1180, "tablet")] {
        browser.resize(width, height);
        browser.go(&format!("{site}/escalations"));
        browser.find("#escalations tbody tr");
        assert!(browser.fits_width(), "the escalation queue scrolls sideways at {width}×{height}");
        browser.screenshot(&format!("escalations-{name}"));
    }
    let rows = || browser.script("return document.querySelectorAll('#escalations tbody tr').length;");
    assert_eq!(rows(), json!(4));
    browser.click("#escalations tbody tr input[name=note]");
    browser.keys("Calling the police station now");
    browser.keys(ENTER);
    browser.wait_for_url(&format!("{site}/escalations"));
    browser.find("#escalations tbody tr");
    assert_eq!(rows(), json!(3), "the acknowledged one has left the queue");
    browser.go(&format!("{site}/escalations?state=acknowledged"));
    assert!(browser.text("#escalations").contains("Calling the police station now"));
}

/// An 8×8 red PNG: a real photo, as small as one gets.
const RED_PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x08\x00\x00\x00\x08\x08\x02\x00\x00\x00\x4b\x6d\x29\xdc\x00\x00\x00\x11\x49\x44\x41\x54\x78\x9c\x63\xd8\xac\x26\x87\x15\x31\x0c\x2d\x09\x00\x46\x70\x3d\xc1\x40\xf0\x94\x9d\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

#[test]
fn a_sighting_from_the_public_page_is_attached_by_an_operator_and_shown_on_the_case() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, operator) = app.user(&org, Role::Operator, "op@a.example");
    let case = app.post("/api/v1/cases", &operator, crate::support::issue_report());
    assert_eq!(case.status, 201, "{:?}", case.body);
    let case_number = case.body["number"].as_str().unwrap().to_owned();
    let photo_dir = tempfile::tempdir().unwrap();
    let photo = photo_dir.path().join("red-coat.png");
    std::fs::write(&photo, RED_PNG).unwrap();

    let Some(browser) = Driver::start() else { return };
    let site = format!("http://{}", app.addr);

    // A member of the public, not logged in: the browser gives the place it is at when asked.
    let grant = json!({"cmd": "Browser.grantPermissions", "params": {"origin": site, "permissions": ["geolocation"]}});
    browser.send("POST", "/goog/cdp/execute", Some(grant));
    let here = json!({"cmd": "Emulation.setGeolocationOverride",
        "params": {"latitude": 39.639, "longitude": 22.4191, "accuracy": 10}});
    browser.send("POST", "/goog/cdp/execute", Some(here));
    // Most of the public are on a phone: the form fits one held upright.
    browser.resize(390, 844);
    browser.go(&format!("{site}/public/sightings"));
    browser.find("#sighting");
    assert!(browser.fits_width(), "the public form scrolls sideways on a phone");
    browser.screenshot("sighting-public-phone");
    browser.resize(1280, 720);
    browser.go(&format!("{site}/public/sightings"));
    assert!(browser.page_source().contains("Report a sighting"));
    assert!(!browser.page_source().contains("/logout"), "no staff navigation on the public page");
    browser.keys("Larissa railway station, platform 2"); // the place has the focus
    browser.click("#use-location");
    let deadline = Instant::now() + Duration::from_secs(10);
    while browser.value("#lat").is_empty() {
        assert!(Instant::now() < deadline, "the location never came: {}", browser.text("#location-status"));
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!((browser.value("#lat"), browser.value("#lon")), ("39.63900".to_owned(), "22.41910".to_owned()));
    assert!(!browser.value("#seen_at").is_empty(), "the time is now unless the sender says otherwise");
    browser.click("#description");
    browser.keys("A girl in a red coat with an older man, boarding the train north");
    let file = browser.find("#photo");
    browser.send("POST", &format!("/element/{file}/value"), Some(json!({"text": photo.display().to_string()})));
    browser.screenshot("sighting-public");
    browser.click("#send");
    browser.wait_for_url("/public/sightings/sent");
    assert!(browser.text("#sent").contains("reached the hotline"));

    // An operator finds it in the inbox and attaches it to the case.
    browser.go(&format!("{site}/login"));
    browser.keys("op@a.example");
    browser.keys(TAB);
    browser.keys(PASSWORD);
    browser.keys(ENTER);
    browser.wait_for_url(&format!("{site}/"));
    browser.click("header nav a[href='/sightings']");
    browser.wait_for_url("/sightings");
    assert!(browser.text("#sightings").contains("Larissa railway station"));
    browser.click("#sightings tbody a");
    browser.wait_for_url(&format!("{site}/sightings/"));
    assert!(browser.text("#sighting-coordinates").contains("39.63900, 22.41910"));
    let shown = browser.script("const i = document.querySelector('#photo img'); return i.complete && i.naturalWidth;");
    assert_eq!(shown, json!(8), "the photo is shown to the operator");
    assert!(browser.text("#case").contains(&case_number), "the case is offered");
    browser.screenshot("sighting-staff");
    browser.click("#attach-button");
    browser.wait_for_url("saved=sighting");

    // The case page: the sighting with its coordinates beside the last-seen point.
    let panel = browser.text("#sightings");
    assert!(panel.contains("39.63900, 22.41910") && panel.contains("37.98400, 23.72800"), "{panel}");
    assert!(panel.contains("A girl in a red coat"), "{panel}");
    browser.find("#sightings-plot svg g.point.sighting");
    browser.find("#sightings-plot svg g.point.last-seen");
    assert!(browser.text("#timeline").contains("attached a sighting from the public"));
    assert!(browser.fits_width(), "the case page with its sightings fits the window");
    browser.script("document.getElementById('sightings').scrollIntoView();");
    browser.screenshot("sighting-on-case");
}
