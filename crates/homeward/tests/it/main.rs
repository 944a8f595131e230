//! The `homeward` binary itself: the README's commands, administration and audit checks.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed unwrap is a failed test.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn homeward(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_homeward"))
        .current_dir(dir)
        .env_remove("HOMEWARD_DATABASE_URL")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn admin_commands_create_an_organisation_a_user_and_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let org = homeward(dir.path(), &["admin", "create-org", "--name", "Hotline Test", "--country", "gr"]);
    assert!(org.status.success(), "{}", stderr(&org));
    assert!(stdout(&org).contains("created organisation Hotline Test (GR"), "{}", stdout(&org));
    assert!(dir.path().join("homeward-data/homeward.db").exists(), "the default database folder is created");

    let user = homeward(
        dir.path(),
        &["admin", "create-user", "--org", "Hotline Test", "--email", "op@t.example", "--role", "operator"],
    );
    assert!(user.status.success(), "{}", stderr(&user));
    let text = stdout(&user);
    let password = text.lines().find_map(|l| l.split(": ").nth(1).filter(|_| l.contains("one-time password"))).unwrap();
    assert_eq!(password.len(), 20);

    let bad_role = homeward(
        dir.path(),
        &["admin", "create-user", "--org", "Hotline Test", "--email", "x@t.example", "--role", "boss"],
    );
    assert!(!bad_role.status.success());
    assert!(
        stderr(&bad_role).contains("unknown role `boss`; choose one of: operator, case_manager"),
        "{}",
        stderr(&bad_role)
    );
    let no_org = homeward(
        dir.path(),
        &["admin", "create-user", "--org", "Nope", "--email", "x@t.example", "--role", "operator"],
    );
    assert!(stderr(&no_org).contains("no organisation is named `Nope`"), "{}", stderr(&no_org));

    let token = homeward(dir.path(), &["admin", "create-token", "--email", "op@t.example"]);
    assert!(token.status.success(), "{}", stderr(&token));
    assert!(stdout(&token).lines().last().unwrap().starts_with("hwt_"));

    let gone = homeward(dir.path(), &["admin", "deactivate-user", "--email", "op@t.example"]);
    assert!(gone.status.success(), "{}", stderr(&gone));
    let conn = rusqlite::Connection::open(dir.path().join("homeward-data/homeward.db")).unwrap();
    let tokens: i64 = conn.query_row("SELECT COUNT(*) FROM api_tokens", [], |r| r.get(0)).unwrap();
    assert_eq!(tokens, 0, "a deactivated user's tokens are deleted");
}

#[test]
fn audit_verify_fails_and_names_the_entry_after_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    for name in ["One", "Two", "Three"] {
        assert!(
            homeward(dir.path(), &["--database", &url, "admin", "create-org", "--name", name, "--country", "BE"])
                .status
                .success()
        );
    }
    let ok = homeward(dir.path(), &["--database", &url, "audit", "verify"]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("3 entries"), "{}", stdout(&ok));

    let conn = rusqlite::Connection::open(dir.path().join("h.db")).unwrap();
    conn.execute("UPDATE audit_log SET detail = '{\"name\":\"Changed\"}' WHERE seq = 2", []).unwrap();
    drop(conn);
    let bad = homeward(dir.path(), &["--database", &url, "audit", "verify"]);
    assert!(!bad.status.success());
    assert!(stdout(&bad).contains("BROKEN at entry 2"), "{}", stdout(&bad));
}

#[test]
fn an_unknown_database_scheme_fails_loudly() {
    let dir = tempfile::tempdir().unwrap();
    let out = homeward(dir.path(), &["--database", "oracle://x", "audit", "verify"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unknown database URL `oracle`"), "{}", stderr(&out));
}

#[test]
fn demo_data_goes_only_into_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let first = homeward(dir.path(), &["demo", "--cases", "60", "--seed", "7"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("Demo data written: 60 cases"), "{}", stdout(&first));
    let conn = rusqlite::Connection::open(dir.path().join("homeward-data/homeward.db")).unwrap();
    let cases: i64 = conn.query_row("SELECT COUNT(*) FROM cases", [], |r| r.get(0)).unwrap();
    assert_eq!(cases, 60);
    let scripts: Vec<String> = {
        let mut stmt = conn.prepare("SELECT details FROM child_personal").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let has = |range: std::ops::RangeInclusive<char>| scripts.iter().any(|s| s.chars().any(|c| range.contains(&c)));
    assert!(has('\u{0370}'..='\u{03FF}'), "Greek names");
    assert!(has('\u{0400}'..='\u{04FF}'), "Cyrillic names");
    let second = homeward(dir.path(), &["demo", "--cases", "10"]);
    assert!(!second.status.success());
    assert!(stderr(&second).contains("already holds data"), "{}", stderr(&second));
    let verify = homeward(dir.path(), &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
}

/// The README's run command: `serve --demo` fills the database, prints the logins, and serves.
#[test]
fn serve_with_demo_data_answers_a_demo_login() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .current_dir(dir.path())
        .env_remove("HOMEWARD_DATABASE_URL")
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = String::new();
    let addr = loop {
        let line = lines.next().expect("the server printed its address").unwrap();
        printed.push_str(&line);
        if let Some(addr) = line.strip_prefix("Homeward is listening on http://") {
            break addr.to_owned();
        }
    };
    assert!(printed.contains("operator@gr.demo.homeward.example"), "{printed}");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut login = agent
        .post(&format!("http://{addr}/api/v1/session"))
        .send_json(serde_json::json!({"email": "operator@gr.demo.homeward.example", "password": "homeward-demo"}))
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookie = login.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let _ = login.body_mut().read_to_string();
    let mut cases = agent.get(&format!("http://{addr}/api/v1/cases?limit=5")).header("Cookie", &cookie).call().unwrap();
    let page: serde_json::Value = serde_json::from_str(&cases.body_mut().read_to_string().unwrap()).unwrap();
    assert!(page["total"].as_u64().unwrap() > 500, "{page}");
    child.kill().unwrap();
    let _ = child.wait();
}

#[test]
fn a_settings_file_is_read_and_a_bad_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("from-file.db");
    std::fs::write(dir.path().join("homeward.toml"), format!("database = \"sqlite://{}\"\n", db.display())).unwrap();
    let out = homeward(
        dir.path(),
        &["--config", "homeward.toml", "admin", "create-org", "--name", "Filed", "--country", "RS"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(db.exists(), "the database named in the file is used");
    std::fs::write(dir.path().join("bad.toml"), "databse = \"typo\"\n").unwrap();
    let bad = homeward(dir.path(), &["--config", "bad.toml", "audit", "verify"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("bad.toml is not valid"), "{}", stderr(&bad));
}

#[test]
fn a_bad_indicator_catalogue_stops_the_server_at_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("catalogue.toml"), "version = \"local-1\"\n").unwrap();
    std::fs::write(dir.path().join("homeward.toml"), "risk_catalogue = \"catalogue.toml\"\nbind = \"127.0.0.1:0\"\n")
        .unwrap();
    let out = homeward(dir.path(), &["--config", "homeward.toml", "serve"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("the indicator catalogue catalogue.toml is not valid"), "{}", stderr(&out));
}
