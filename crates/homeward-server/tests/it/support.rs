//! A real Homeward server on port 0 over a fresh SQLite file, and a client for it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use homeward_domain::org::{Actor, NewOrganisation, NewUser, Organisation, OrganisationKind, Role, User};
use homeward_server::{AppState, ServerConfig};
use homeward_store::Store;
use serde_json::{Value, json};

pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Arc<dyn Store>,
    /// The server's own state, for what a test drives directly (the linkage job).
    pub state: AppState,
    pub db_path: PathBuf,
    agent: ureq::Agent,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    Bearer(String),
    Cookie(String),
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(String, String)>,
}

/// An answer with an HTML body.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub html: String,
    pub headers: Vec<(String, String)>,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl TestApp {
    pub fn spawn() -> Self {
        Self::spawn_with(ServerConfig::default())
    }

    /// A server with settings of its own (the public sighting form's limits).
    pub fn spawn_with(config: ServerConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("homeward.db");
        let store =
            homeward_store::open(&format!("sqlite://{}", db_path.display()), homeward_store::system_clock()).unwrap();
        let state = AppState::new(store.clone(), config);
        let server_state = state.clone();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                homeward_server::serve(listener, server_state, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).max_idle_connections(0).build().into();
        Self { addr, store, state, db_path, agent, stop: Some(stop), thread: Some(thread), _dir: dir }
    }

    /// Sends a request with an optional JSON body.
    pub fn call(&self, method: &str, path: &str, auth: &Auth, body: Option<Value>) -> Resp {
        let raw = body.map(|b| b.to_string().into_bytes());
        self.raw(method, path, auth, raw, "application/json")
    }

    pub fn raw(&self, method: &str, path: &str, auth: &Auth, body: Option<Vec<u8>>, content_type: &str) -> Resp {
        let mut builder = ureq::http::Request::builder().method(method).uri(format!("http://{}{path}", self.addr));
        match auth {
            Auth::None => {}
            Auth::Bearer(token) => builder = builder.header("Authorization", format!("Bearer {token}")),
            Auth::Cookie(cookie) => builder = builder.header("Cookie", cookie.as_str()),
        }
        let response = match body {
            Some(bytes) => {
                let request = builder.header("Content-Type", content_type).body(bytes).unwrap();
                self.agent.run(request)
            }
            None => self.agent.run(builder.body(()).unwrap()),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let headers =
            response.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Resp { status, body, headers }
    }

    pub fn get(&self, path: &str, auth: &Auth) -> Resp {
        self.call("GET", path, auth, None)
    }

    pub fn post(&self, path: &str, auth: &Auth, body: Value) -> Resp {
        self.call("POST", path, auth, Some(body))
    }

    /// A browser-like request to a page: optional session cookie, optional form body, and
    /// redirects not followed (so a test sees where a page sends the browser).
    pub fn page(&self, method: &str, path: &str, cookie: Option<&str>, form: Option<&str>) -> Page {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(0)
            .build()
            .into();
        let mut builder = ureq::http::Request::builder().method(method).uri(format!("http://{}{path}", self.addr));
        if let Some(cookie) = cookie {
            builder = builder.header("Cookie", cookie);
        }
        let response = match form {
            Some(body) => agent.run(
                builder
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Origin", format!("http://{}", self.addr))
                    .body(body.as_bytes().to_vec())
                    .unwrap(),
            ),
            None => agent.run(builder.body(()).unwrap()),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let headers =
            response.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect();
        let html = response.body_mut().read_to_string().unwrap_or_default();
        Page { status, html, headers }
    }

    /// Logs in through the API and returns the session cookie (`homeward_session=…`).
    pub fn session(&self, email: &str) -> String {
        let r = self.call("POST", "/api/v1/session", &Auth::None, Some(json!({"email": email, "password": PASSWORD})));
        assert_eq!(r.status, 200, "login of {email}: {:?}", r.body);
        r.header("set-cookie").unwrap().split(';').next().unwrap().to_owned()
    }

    /// Counts the rows of a table straight from the database file.
    pub fn count(&self, table: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.db_path).unwrap();
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    }

    pub fn org(&self, name: &str, country: &str, kind: OrganisationKind) -> Organisation {
        self.store
            .create_organisation(
                &Actor::command_line(),
                NewOrganisation { name: name.into(), kind, country: country.into() },
            )
            .unwrap()
    }

    /// A user with a known password, and an API token for them.
    pub fn user(&self, org: &Organisation, role: Role, email: &str) -> (User, Auth) {
        let user = self
            .store
            .create_user_with_password(
                &Actor::command_line(),
                NewUser { email: email.into(), display_name: None, role, organisation_id: Some(org.id) },
                PASSWORD,
            )
            .unwrap();
        let token = self.store.create_api_token(&Actor::command_line(), user.id, "test").unwrap();
        (user, Auth::Bearer(token))
    }

    /// Every audit entry so far.
    pub fn audit(&self) -> Vec<homeward_store::AuditEntry> {
        self.store.audit_entries(0, 100_000).unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub const PASSWORD: &str = "a test password";

/// The report in the foundation issue, verbatim.
pub fn issue_report() -> Value {
    json!({"category": "runaway",
     "child": {"given_name": "Ελένη", "family_name": "Παπαδοπούλου", "sex": "F", "date_of_birth": "2011-04-02"},
     "last_seen": {"at": "2026-11-28T18:30:00Z", "place": "Athens, Omonia", "lat": 37.984, "lon": 23.728},
     "contact": {"channel": "phone", "received_at": "2026-11-28T20:05:00Z", "summary": "Mother reports her daughter did not come home from school"}})
}

/// A report about a child with the given names.
pub fn report(given: &str, family: &str, category: &str) -> Value {
    json!({"category": category,
     "child": {"given_name": given, "family_name": family, "sex": "M", "date_of_birth": "2012-06"},
     "last_seen": {"at": "2026-11-20T10:00:00Z", "place": "Belgrade, central bus station"},
     "contact": {"channel": "chat", "received_at": "2026-11-20T12:00:00Z", "summary": "Reported by a teacher"}})
}

/// Two children reported through the API with one phone number written two ways (the same child
/// twice would be a repeat episode as well): a shared-identifier warning. Answers their case
/// numbers and ids.
pub fn two_children_one_phone(app: &TestApp, auth: &Auth) -> (Vec<String>, Vec<String>) {
    let (mut numbers, mut ids) = (Vec::new(), Vec::new());
    for (phone, other_child) in [("+30 690 000 1234", false), ("0030 690 000 1234", true)] {
        let mut report = issue_report();
        report["identifiers"] = json!([{"kind": "phone", "value": phone}]);
        if other_child {
            report["child"] = json!({"given_name": "Νίκος", "family_name": "Γεωργίου", "sex": "M",
                "date_of_birth": "2013-02-11"});
        }
        let created = app.post("/api/v1/cases", auth, report);
        assert_eq!(created.status, 201, "{:?}", created.body);
        numbers.push(created.body["number"].as_str().unwrap().to_owned());
        ids.push(created.body["id"].as_str().unwrap().to_owned());
    }
    (numbers, ids)
}

/// Three children reported through the API: A and B share a phone number written two ways
/// (a shared-identifier warning), B and C a social-media handle with markup in it (C is one hop
/// further from the phone's warning). Answers their case numbers and ids, A's first.
pub fn three_children_two_links(app: &TestApp, auth: &Auth) -> (Vec<String>, Vec<String>) {
    let reports = [
        (
            json!({"given_name": "Ελένη", "family_name": "Παπαδοπούλου", "sex": "F", "date_of_birth": "2011-04-02"}),
            json!([{"kind": "phone", "value": "+30 690 000 1234"}]),
        ),
        (
            json!({"given_name": "Νίκος", "family_name": "Γεωργίου", "sex": "M", "date_of_birth": "2013-02-11"}),
            json!([{"kind": "phone", "value": "0030 690 000 1234"}, {"kind": "social_handle", "value": "@nikos_13<script>"}]),
        ),
        (
            json!({"given_name": "Amir", "family_name": "Rahimi", "sex": "M", "date_of_birth": "2009-08-30"}),
            json!([{"kind": "social_handle", "value": "nikos_13<script>"}]),
        ),
    ];
    let (mut numbers, mut ids) = (Vec::new(), Vec::new());
    for (child, identifiers) in reports {
        let mut report = issue_report();
        report["child"] = child;
        report["identifiers"] = identifiers;
        let created = app.post("/api/v1/cases", auth, report);
        assert_eq!(created.status, 201, "{:?}", created.body);
        numbers.push(created.body["number"].as_str().unwrap().to_owned());
        ids.push(created.body["id"].as_str().unwrap().to_owned());
    }
    (numbers, ids)
}

/// The id of the live shared-identifier warning about a phone number, as a supervisor lists it.
pub fn phone_warning(app: &TestApp, supervisor: &Auth) -> String {
    let listed = app.get("/api/v1/warnings", supervisor).body;
    let phone = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["kind"] == "shared_identifier" && w["evidence"][0].as_str().unwrap().contains("phone"))
        .unwrap_or_else(|| panic!("no phone warning in {listed}"));
    phone["id"].as_str().unwrap().to_owned()
}
