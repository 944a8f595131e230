//! Logging in and out, session cookies, throttling and one-time passwords.

use homeward_domain::org::{Actor, NewUser, OrganisationKind, Role};
use serde_json::json;

use crate::support::{Auth, PASSWORD, TestApp};

fn login(app: &TestApp, email: &str, password: &str) -> crate::support::Resp {
    app.post("/api/v1/session", &Auth::None, json!({"email": email, "password": password}))
}

fn session_cookie(resp: &crate::support::Resp) -> Auth {
    let set = resp.header("set-cookie").expect("a session cookie");
    Auth::Cookie(set.split(';').next().unwrap().to_owned())
}

#[test]
fn a_session_cookie_is_strict_and_http_only_and_ends_at_logout() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    app.user(&org, Role::Operator, "op@a.example");
    let resp = login(&app, "OP@a.example ", PASSWORD);
    assert_eq!(resp.status, 200, "{:?}", resp.body);
    let set = resp.header("set-cookie").unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(flag), "{set}");
    }
    let cookie = session_cookie(&resp);
    assert_eq!(app.get("/api/v1/me", &cookie).body["email"], "op@a.example");
    assert_eq!(app.get("/api/v1/cases", &cookie).status, 200);
    assert_eq!(app.call("DELETE", "/api/v1/session", &cookie, None).status, 204);
    assert_eq!(app.get("/api/v1/cases", &cookie).status, 401, "the session must end at logout");
    let actions: Vec<String> = app.audit().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"session.login".to_owned()) && actions.contains(&"session.logout".to_owned()));
}

#[test]
fn wrong_passwords_are_refused_audited_and_throttled() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    app.user(&org, Role::Operator, "op@a.example");
    for _ in 0..5 {
        let resp = login(&app, "op@a.example", "wrong password");
        assert_eq!(resp.status, 401);
        assert_eq!(resp.body["detail"], "The e-mail address or the password is not correct.");
    }
    let unknown = login(&app, "nobody@a.example", "x");
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.body["detail"], "The e-mail address or the password is not correct.");
    // The sixth attempt on the account is throttled, even with the right password.
    let throttled = login(&app, "op@a.example", PASSWORD);
    assert_eq!(throttled.status, 429);
    assert!(throttled.header("retry-after").is_some());
    let failed = app.audit().into_iter().filter(|e| e.action == "session.login_failed").count();
    assert_eq!(failed, 6);
}

#[test]
fn a_one_time_password_must_be_replaced_before_any_work() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let created = app
        .store
        .create_user(
            &Actor::command_line(),
            NewUser {
                email: "new@a.example".into(),
                display_name: None,
                role: Role::Operator,
                organisation_id: Some(org.id),
            },
        )
        .unwrap();
    let resp = login(&app, "new@a.example", &created.password);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body["password_change_required"], true);
    let cookie = session_cookie(&resp);
    assert_eq!(app.get("/api/v1/cases", &cookie).status, 403);
    let weak = app.post(
        "/api/v1/me/password",
        &cookie,
        json!({"current_password": created.password, "new_password": "short"}),
    );
    assert_eq!(weak.status, 422);
    let wrong = app.post(
        "/api/v1/me/password",
        &cookie,
        json!({"current_password": "nope", "new_password": "a much longer passphrase"}),
    );
    assert_eq!(wrong.status, 403);
    let ok = app.post(
        "/api/v1/me/password",
        &cookie,
        json!({"current_password": created.password, "new_password": "a much longer passphrase"}),
    );
    assert_eq!(ok.status, 204, "{:?}", ok.body);
    assert_eq!(app.get("/api/v1/cases", &cookie).status, 200);
    assert_eq!(login(&app, "new@a.example", &created.password).status, 401, "the one-time password is spent");
    assert_eq!(login(&app, "new@a.example", "a much longer passphrase").status, 200);
}

#[test]
fn an_api_token_is_shown_once_and_stored_hashed() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, auth) = app.user(&org, Role::Operator, "op@a.example");
    let resp = app.post("/api/v1/tokens", &auth, json!({"name": "export"}));
    assert_eq!(resp.status, 201);
    let token = resp.body["token"].as_str().unwrap().to_owned();
    assert_eq!(app.get("/api/v1/me", &Auth::Bearer(token.clone())).status, 200);
    let conn = rusqlite::Connection::open(&app.db_path).unwrap();
    let stored: i64 =
        conn.query_row("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?1", [&token], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0, "the token itself must never be stored");
}

#[test]
fn a_deactivated_user_is_locked_out_at_once_until_reactivated() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (admin, admin_auth) = app.user(&org, Role::Admin, "admin@a.example");
    let (leaver, token) = app.user(&org, Role::Operator, "leaver@a.example");
    let cookie = session_cookie(&login(&app, "leaver@a.example", PASSWORD));
    assert_eq!(app.get("/api/v1/cases", &cookie).status, 200);
    let deactivate = format!("/api/v1/users/{}/deactivate", leaver.id);
    let resp = app.call("POST", &deactivate, &admin_auth, None);
    assert_eq!(resp.status, 200, "{:?}", resp.body);
    assert_eq!(resp.body["active"], false);
    assert_eq!(app.get("/api/v1/cases", &cookie).status, 401, "the session ends at once");
    assert_eq!(app.get("/api/v1/cases", &token).status, 401, "the API token ends at once");
    assert_eq!(login(&app, "leaver@a.example", PASSWORD).status, 401, "no new login");
    assert_eq!(app.call("POST", &deactivate, &admin_auth, None).status, 409, "already deactivated");
    let own = app.call("POST", &format!("/api/v1/users/{}/deactivate", admin.id), &admin_auth, None);
    assert_eq!(own.status, 409, "an admin cannot lock themselves out");
    let back = app.call("POST", &format!("/api/v1/users/{}/activate", leaver.id), &admin_auth, None);
    assert_eq!(back.status, 200);
    assert_eq!(login(&app, "leaver@a.example", PASSWORD).status, 200);
    let actions: Vec<String> = app.audit().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"user.deactivated".to_owned()) && actions.contains(&"user.reactivated".to_owned()));
}

#[test]
fn changing_the_password_ends_every_other_session() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    app.user(&org, Role::Operator, "op@a.example");
    let here = session_cookie(&login(&app, "op@a.example", PASSWORD));
    let stolen = session_cookie(&login(&app, "op@a.example", PASSWORD));
    let resp = app.post(
        "/api/v1/me/password",
        &here,
        json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"}),
    );
    assert_eq!(resp.status, 204, "{:?}", resp.body);
    assert_eq!(app.get("/api/v1/me", &here).status, 200, "the session that changed it goes on");
    assert_eq!(app.get("/api/v1/me", &stolen).status, 401, "every other session ends");
}

/// Regression: the throttle was checked before the slow password hash and counted after it,
/// so guesses sent in parallel all slipped past the limit.
#[test]
fn parallel_guesses_are_throttled_too() {
    let app = std::sync::Arc::new(TestApp::spawn());
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    app.user(&org, Role::Operator, "op@a.example");
    let threads: Vec<_> = (0..12)
        .map(|i| {
            let app = app.clone();
            std::thread::spawn(move || login(&app, "op@a.example", &format!("guess {i}")).status)
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 7, "{statuses:?}");
}

#[test]
fn api_tokens_are_listed_without_secrets_and_revoked_one_by_one() {
    let app = TestApp::spawn();
    let org = app.org("Hotline", "GR", OrganisationKind::Hotline);
    let (_, auth) = app.user(&org, Role::Operator, "op@a.example");
    let (_, other) = app.user(&org, Role::Operator, "other@a.example");
    let secret =
        app.post("/api/v1/tokens", &auth, json!({"name": "export script"})).body["token"].as_str().unwrap().to_owned();
    let listed = app.get("/api/v1/tokens", &auth).body;
    let tokens = listed.as_array().unwrap();
    assert_eq!(tokens.len(), 2, "the test token and the new one: {listed}");
    assert!(!listed.to_string().contains(&secret), "no secret is ever listed");
    let id = tokens.iter().find(|t| t["name"] == "export script").unwrap()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.call("DELETE", &format!("/api/v1/tokens/{id}"), &other, None).status,
        404,
        "not another user's token"
    );
    assert_eq!(app.get("/api/v1/me", &Auth::Bearer(secret.clone())).status, 200);
    assert_eq!(app.call("DELETE", &format!("/api/v1/tokens/{id}"), &auth, None).status, 204);
    assert_eq!(app.get("/api/v1/me", &Auth::Bearer(secret)).status, 401, "a revoked token stops at once");
    assert_eq!(app.get("/api/v1/me", &auth).status, 200, "the other token goes on");
    assert!(app.audit().iter().any(|e| e.action == "token.revoked"));
}
