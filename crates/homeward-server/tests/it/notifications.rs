//! Notifications end to end: escalations raised by the real job over a real SQLite file, e-mail
//! through a real SMTP conversation with a local sink, signed webhooks to an axum receiver on
//! port 0 that checks the signature itself, and retries at the backoff times — the jobs run
//! with the time they need, never sleeping.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use homeward_domain::notification::Retry;
use homeward_domain::org::{OrganisationKind, Role};
use homeward_server::notify::{self, NotifyReport, Transports, smtp, webhook};
use homeward_store::EscalationReport;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::smtp_sink::SmtpSink;
use crate::support::{Auth, TestApp, issue_report};

const SECRET: &str = "whsec-test-4f1c9e";
/// A name no message may ever carry.
const CHILD_GIVEN: &str = "Zephyrine";
const CHILD_FAMILY: &str = "Quackenbush";
const PLACE: &str = "Kypseli, outside the bakery";

/// One call the receiver got.
#[derive(Debug, Clone)]
struct Call {
    body: Vec<u8>,
    signature: Option<String>,
    answered: u16,
}

type Calls = Arc<Mutex<Vec<Call>>>;

/// An organisation's own system: an axum server on port 0 that answers 503 to its first
/// `fail_first` calls, then checks each call's signature with its own HMAC (not Homeward's
/// code) and answers 200, or 401 for a bad one.
struct Receiver {
    url: String,
    calls: Calls,
}

fn receiver(rt: &tokio::runtime::Runtime, fail_first: usize) -> Receiver {
    let calls: Calls = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state((calls.clone(), fail_first));
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, app).await });
    Receiver { url, calls }
}

async fn receive(
    State((calls, fail_first)): State<(Calls, usize)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let signature = headers.get("homeward-signature").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut calls = calls.lock().unwrap();
    let answered = if calls.len() < fail_first {
        503
    } else if signature.as_deref().is_some_and(|s| signed(s, &body)) {
        200
    } else {
        401
    };
    calls.push(Call { body: body.to_vec(), signature, answered });
    StatusCode::from_u16(answered).unwrap()
}

/// The receiver's own check, as the README tells an integrator to write it: HMAC-SHA256 with the
/// shared secret over `<t>.<raw body>`, hex, compared; `t` within five minutes of its clock.
fn signed(header: &str, body: &[u8]) -> bool {
    let parts: std::collections::HashMap<&str, &str> = header.split(',').filter_map(|p| p.split_once('=')).collect();
    let (Some(t), Some(v1)) = (parts.get("t"), parts.get("v1")) else { return false };
    let fresh = (OffsetDateTime::now_utc().unix_timestamp() - t.parse::<i64>().unwrap()).abs() <= 300;
    let mut message = format!("{t}.").into_bytes();
    message.extend_from_slice(body);
    fresh && hex::encode(hmac(SECRET.as_bytes(), &message)) == *v1
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut k = key.to_vec();
    k.resize(64, 0);
    let pad = |byte: u8| k.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().to_vec()
}

struct World {
    app: TestApp,
    rt: tokio::runtime::Runtime,
    org_a: homeward_domain::OrganisationId,
    supervisor: Auth,
    /// A second supervisor of A, who reads Homeward in Greek.
    night: Auth,
    operator: Auth,
}

fn world() -> World {
    let app = TestApp::spawn();
    let a = app.org("Hotline A", "GR", OrganisationKind::Hotline);
    let b = app.org("Hotline B", "RS", OrganisationKind::Hotline);
    let (_, supervisor) = app.user(&a, Role::Supervisor, "supervisor@a.example");
    let (_, night) = app.user(&a, Role::Supervisor, "night@a.example");
    let greek = json!({"language": "el"});
    assert_eq!(app.call("PUT", "/api/v1/me/preferences", &night, Some(greek)).status, 200);
    let (_, operator) = app.user(&a, Role::Operator, "operator@a.example");
    app.user(&a, Role::CaseManager, "manager@a.example");
    app.user(&b, Role::Supervisor, "supervisor@b.example");
    // The store names targets as the plan in force does.
    app.store.use_response_plan(app.state.response.clone());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    World { app, rt, org_a: a.id, supervisor, night, operator }
}

impl World {
    fn transports(&self, sink: Option<&SmtpSink>, hook: Option<&Receiver>, retry: Retry) -> Transports {
        let transports = Transports {
            email: sink.map(|s| smtp::Relay {
                host: "127.0.0.1".into(),
                port: s.addr.port(),
                from: "homeward@hotline-a.example".into(),
                helo: "homeward.test".into(),
                timeout: StdDuration::from_secs(10),
            }),
            webhooks: hook
                .map(|h| webhook::Endpoint {
                    organisation_id: self.org_a,
                    name: "dispatch".into(),
                    url: h.url.clone(),
                    secret: webhook::Secret::new(SECRET),
                })
                .into_iter()
                .collect(),
            link_base: Some("https://homeward.hotline-a.example".into()),
            retry,
            ..Transports::default()
        };
        self.app.store.use_notification_routes(Arc::new(transports.routes()));
        transports
    }

    /// A high-risk case with a distinctive child, reported now: its id, number and when.
    fn case(&self) -> (String, String, OffsetDateTime) {
        let mut report = issue_report();
        report["risk_level"] = json!("high");
        report["child"]["given_name"] = json!(CHILD_GIVEN);
        report["child"]["family_name"] = json!(CHILD_FAMILY);
        report["child"]["description"] = json!(format!("{CHILD_GIVEN} wears a yellow raincoat"));
        report["last_seen"]["place"] = json!(PLACE);
        let r = self.app.post("/api/v1/cases", &self.operator, report);
        assert_eq!(r.status, 201, "{:?}", r.body);
        let opened = OffsetDateTime::parse(r.body["opened_at"].as_str().unwrap(), &Rfc3339).unwrap();
        (r.body["id"].as_str().unwrap().to_owned(), r.body["number"].as_str().unwrap().to_owned(), opened)
    }

    fn escalate(&self, at: OffsetDateTime) -> EscalationReport {
        self.app.state.run_escalation_job(at).unwrap()
    }

    fn notify(&self, transports: &Transports, at: OffsetDateTime) -> NotifyReport {
        self.rt.block_on(notify::run_once(self.app.store.clone(), transports, at)).unwrap()
    }
}

fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

fn carries_nothing_of_the_child(text: &str) {
    for personal in [CHILD_GIVEN, CHILD_FAMILY, PLACE, "raincoat"] {
        assert!(!text.contains(personal), "`{personal}` was sent: {text}");
    }
}

#[test]
fn an_escalation_emails_each_supervisor_of_the_case_organisation_and_calls_its_webhook() {
    let w = world();
    let sink = SmtpSink::start();
    let hook = receiver(&w.rt, 0);
    let transports = w.transports(Some(&sink), Some(&hook), Retry::default());
    let (case, number, opened) = w.case();
    let at = opened + minutes(16);
    assert_eq!(w.escalate(at).raised, 1);
    assert_eq!(w.notify(&transports, at), NotifyReport { delivered: 3, retrying: 0, failed: 0, withdrawn: 0 });
    assert_eq!(w.notify(&transports, at), NotifyReport::default(), "each is sent once");

    let mail = sink.messages();
    let mut to: Vec<String> = mail.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["night@a.example", "supervisor@a.example"], "the supervisors of A; no operator, nobody of B");
    let _ = &w.night;
    for m in &mail {
        carries_nothing_of_the_child(&m.data);
        assert_eq!(m.from, "homeward@hotline-a.example");
        if m.to == ["night@a.example"] {
            // In the language the supervisor reads Homeward in; the subject as RFC 2047 words.
            assert!(m.data.contains("Content-Language: el"), "{}", m.data);
            assert!(m.data.contains("Subject: =?UTF-8?Q?"), "{}", m.data);
            assert!(m.data.contains(&format!("Χάθηκε προθεσμία απόκρισης στην υπόθεση {number}.")), "{}", m.data);
            assert!(m.data.contains("Τι χάθηκε: Παράδοση στην αστυνομία"), "{}", m.data);
            continue;
        }
        assert!(m.data.contains(&format!("Subject: Escalation: {number}: Handed to the police within 15 minutes")));
        assert!(m.data.contains("Missed: Handed to the police within 15 minutes of a high-risk report"), "{}", m.data);
        let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
        let deadline = (opened + minutes(15)).format(&fmt).unwrap();
        assert!(m.data.contains(&format!("Deadline: {deadline}")), "{}", m.data);
        assert!(m.data.contains(&format!("https://homeward.hotline-a.example/cases/{case}")));
        carries_nothing_of_the_child(&m.data);
    }

    let calls = hook.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].answered, 200, "the receiver's own check of the signature passed");
    let signature = calls[0].signature.clone().unwrap();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    assert_eq!(webhook::verify(SECRET, &signature, &calls[0].body, now, 300), Ok(()));
    assert!(webhook::verify("another secret", &signature, &calls[0].body, now, 300).is_err());
    let body: Value = serde_json::from_slice(&calls[0].body).unwrap();
    assert_eq!(body["event"], "escalation.raised");
    assert_eq!(body["data"]["case_number"], number.as_str());
    assert_eq!(body["data"]["subject"], "target:police_handover_high");
    carries_nothing_of_the_child(&String::from_utf8(calls[0].body.clone()).unwrap());

    let codes: Vec<i64> = w.app.audit().iter().map(|e| e.code).collect();
    assert_eq!(codes.iter().filter(|c| **c == homeward_store::AuditCode::NotificationDelivered.code()).count(), 3);
}

#[test]
fn a_receiver_that_fails_twice_gets_the_notification_on_the_third_attempt_at_the_backoff_times() {
    let w = world();
    let hook = receiver(&w.rt, 2);
    let transports = w.transports(None, Some(&hook), Retry::default());
    let (_, _, opened) = w.case();
    let t = opened + minutes(16);
    w.escalate(t);
    assert_eq!(w.notify(&transports, t), NotifyReport { delivered: 0, retrying: 1, failed: 0, withdrawn: 0 });
    assert_eq!(w.notify(&transports, t + Duration::seconds(59)), NotifyReport::default(), "one minute later");
    assert_eq!(
        w.notify(&transports, t + minutes(1)),
        NotifyReport { delivered: 0, retrying: 1, failed: 0, withdrawn: 0 }
    );
    let third = t + minutes(1) + minutes(2);
    assert_eq!(w.notify(&transports, third - Duration::seconds(1)), NotifyReport::default(), "two minutes later");
    assert_eq!(w.notify(&transports, third), NotifyReport { delivered: 1, retrying: 0, failed: 0, withdrawn: 0 });
    let calls = hook.calls.lock().unwrap().clone();
    assert_eq!(calls.iter().map(|c| c.answered).collect::<Vec<_>>(), [503, 503, 200]);
    // The same notification each time: its id lets the receiver drop a duplicate.
    let ids: Vec<Value> =
        calls.iter().map(|c| serde_json::from_slice::<Value>(&c.body).unwrap()["id"].clone()).collect();
    assert!(ids.windows(2).all(|p| p[0] == p[1]), "{ids:?}");
    assert!(w.app.get("/api/v1/notifications/failed", &w.supervisor).body.as_array().unwrap().is_empty());
}

#[test]
fn giving_up_after_the_last_attempt_marks_it_failed_and_shows_it_to_the_supervisors() {
    let w = world();
    // A relay that is not there: every attempt is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let retry = Retry { first: minutes(1), cap: Duration::hours(1), attempts: 3 };
    let mut transports = w.transports(None, None, retry);
    transports.email = Some(smtp::Relay {
        host: "127.0.0.1".into(),
        port,
        from: "homeward@hotline-a.example".into(),
        helo: "homeward.test".into(),
        timeout: StdDuration::from_secs(5),
    });
    w.app.store.use_notification_routes(Arc::new(transports.routes()));
    let (_, number, opened) = w.case();
    let t = opened + minutes(16);
    w.escalate(t);
    assert_eq!(w.notify(&transports, t).retrying, 2);
    assert_eq!(w.notify(&transports, t + minutes(1)).retrying, 2);
    assert_eq!(
        w.notify(&transports, t + minutes(3)),
        NotifyReport { delivered: 0, retrying: 0, failed: 2, withdrawn: 0 }
    );
    assert_eq!(w.notify(&transports, t + Duration::days(1)), NotifyReport::default(), "given up: never again");

    let failed = w.app.get("/api/v1/notifications/failed", &w.supervisor);
    assert_eq!(failed.status, 200, "{:?}", failed.body);
    let failed = failed.body.as_array().unwrap().clone();
    let mut to: Vec<&str> = failed.iter().map(|n| n["recipient"].as_str().unwrap()).collect();
    to.sort();
    assert_eq!(to, ["night@a.example", "supervisor@a.example"]);
    for n in &failed {
        assert_eq!((n["state"].as_str(), n["attempts"].as_u64()), (Some("failed"), Some(3)));
        assert_eq!(n["case_number"], number.as_str());
        assert!(n["last_error"].as_str().unwrap().contains("mail relay"), "{n}");
    }
    assert_eq!(w.app.get("/api/v1/notifications/failed", &w.operator).status, 403);
    // And above the escalation queue, where the supervisors look.
    let cookie = w.app.session("supervisor@a.example");
    let page = w.app.page("GET", "/escalations", Some(&cookie), None);
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Notifications that could not be delivered"), "{}", page.html);
    assert!(page.html.contains("night@a.example"));
    let operator = w.app.page("GET", "/escalations", Some(&w.app.session("operator@a.example")), None);
    assert!(!operator.html.contains("Notifications that could not be delivered"));
}

#[test]
fn acknowledging_an_escalation_stops_the_notifications_of_its_repeats() {
    let w = world();
    let sink = SmtpSink::start();
    let transports = w.transports(Some(&sink), None, Retry::default());
    let (_, number, opened) = w.case();
    let t = opened + minutes(16);
    w.escalate(t);
    assert_eq!(w.notify(&transports, t).delivered, 2);
    // Nobody acknowledged it: raised again half an hour later, and said so.
    assert_eq!(w.escalate(t + minutes(30)).repeated, 1);
    assert_eq!(w.notify(&transports, t + minutes(30)).delivered, 2);
    let again: Vec<_> = sink.messages().into_iter().skip(2).filter(|m| m.to == ["supervisor@a.example"]).collect();
    assert_eq!(again.len(), 1);
    assert!(again[0].data.contains(&format!("Escalation, still not acknowledged: {number}")), "{}", again[0].data);
    // Raised a third time, and acknowledged before the job sends it: nothing about it goes out
    // (an hour after the report, the first contact with the family is missed too: that one is
    // news, and is sent).
    assert_eq!(w.escalate(t + minutes(60)).repeated, 1);
    let open = w.app.get("/api/v1/escalations", &w.supervisor).body;
    let police = open.as_array().unwrap().iter().find(|e| e["target"] == "police_handover_high").unwrap();
    let id = police["id"].as_str().unwrap();
    let ack = w.app.post(&format!("/api/v1/escalations/{id}/acknowledgement"), &w.supervisor, json!({}));
    assert_eq!(ack.status, 200, "{:?}", ack.body);
    w.notify(&transports, t + minutes(60));
    // Acknowledged: never raised again, so never sent again.
    w.escalate(t + minutes(120));
    w.notify(&transports, t + minutes(120));
    let about_police = |m: &crate::smtp_sink::Mail| {
        m.data.contains("Handed to the police") || m.data.contains("Παράδοση στην αστυνομία")
    };
    let mail = sink.messages();
    assert_eq!(mail.iter().filter(|m| about_police(m)).count(), 4, "the raise and one repeat, to two supervisors");
    assert!(mail.len() > 4, "the later escalation was still sent");
}

#[test]
fn the_failures_are_in_the_api_document() {
    let app = TestApp::spawn();
    let doc = app.get("/api/v1/openapi.json", &Auth::None).body;
    assert!(doc["paths"]["/api/v1/notifications/failed"]["get"].is_object(), "{}", doc["paths"]);
    let view = &doc["components"]["schemas"]["NotificationView"];
    assert!(view["properties"]["last_error"].is_object(), "{view}");
}

/// The client's side of the conversation, over a real socket: a line that starts with a dot
/// arrives as written (stuffed on the way, unstuffed by the relay), and a relay's refusal comes
/// back with its words.
#[test]
fn the_smtp_client_stuffs_dots_and_reports_a_refusal() {
    let sink = SmtpSink::start();
    let relay = smtp::Relay {
        host: "127.0.0.1".into(),
        port: sink.addr.port(),
        from: "homeward@hotline-a.example".into(),
        helo: "homeward.test".into(),
        timeout: StdDuration::from_secs(10),
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let message = "Subject: dots\r\n\r\n.\r\n..two\r\n.a line of its own\nlast";
    rt.block_on(smtp::send(&relay, "supervisor@a.example", message)).unwrap();
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, ["supervisor@a.example"]);
    assert_eq!(got[0].data, "Subject: dots\r\n\r\n.\r\n..two\r\n.a line of its own\r\nlast\r\n");
    let refused = rt.block_on(smtp::send(&relay, "nobody@a.example", "Subject: x\r\n\r\nx")).unwrap_err();
    assert!(refused.to_string().contains("550 5.1.1"), "{refused}");
    assert!(refused.is_permanent(), "a 5xx is not tried again");
    assert!(matches!(
        rt.block_on(smtp::send(&relay, "a@b>\r\nRCPT TO:<c@d", "x")),
        Err(smtp::SmtpError::BadAddress(_))
    ));
    assert_eq!(sink.messages().len(), 1);
}

/// A supervisor who left after an escalation was queued for them may see nothing any more: their
/// e-mail is withdrawn, never sent.
#[test]
fn a_supervisor_deactivated_meanwhile_is_not_sent_the_email() {
    let w = world();
    let sink = SmtpSink::start();
    let transports = w.transports(Some(&sink), None, Retry::default());
    let (_, _, opened) = w.case();
    let t = opened + minutes(16);
    w.escalate(t);
    let night = w.app.store.user_by_email("night@a.example").unwrap().unwrap();
    w.app.store.set_user_active(&homeward_domain::org::Actor::command_line(), night.id, false).unwrap();
    assert_eq!(w.notify(&transports, t), NotifyReport { delivered: 1, retrying: 0, failed: 0, withdrawn: 1 });
    let to: Vec<Vec<String>> = sink.messages().into_iter().map(|m| m.to).collect();
    assert_eq!(to, [["supervisor@a.example"]]);
    assert_eq!(w.notify(&transports, t + Duration::days(1)), NotifyReport::default(), "withdrawn for good");
}
