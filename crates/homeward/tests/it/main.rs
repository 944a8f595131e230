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

/// Writes a CSV file in `dir`.
fn csv(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn link_finds_the_same_children_across_scripts_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let left = csv(
        dir.path(),
        "left.csv",
        "id,given_name,family_name,date_of_birth,sex,nationality,ignored\n\
         a1,Mohammed,Al-Hassan,2010-03-04,M,SY,x\n\
         a2,Ελένη,Παπαδοπούλου,2011-04-02,F,GR,x\n\
         a3,Jovana,Jovanović,2012,F,RS,x\n\
         a4,Ahmad,Karimi,2009-11-20,M,AF,x\n\
         a5,Maria,Nikolaidou,2013-07-15,F,GR,x\n",
    );
    let right = csv(
        dir.path(),
        "right.csv",
        "id,given_name,family_name,date_of_birth,sex,nationality\n\
         b1,Muhammad,Alhasan,2010-04-03,M,SY\n\
         b2,Eleni,Papadopoulou,2011-04,F,GR\n\
         b3,Јована,Јовановић,2012-05-06,F,RS\n\
         b4,Ali,Rezaei,2008-01-01,M,AF\n\
         b5,Nikolaidou,Maria,2013-07-15,F,GR\n",
    );
    let out = dir.path().join("pairs.csv");
    let o = homeward(
        dir.path(),
        &["link", left.to_str().unwrap(), right.to_str().unwrap(), "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("left_id,right_id,probability"));
    let mut pairs: Vec<(String, String)> = lines
        .map(|l| {
            let mut f = l.split(',');
            let (a, b, p) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap().parse::<f64>().unwrap());
            assert!((0.5..=1.0).contains(&p), "{l}");
            (a.to_owned(), b.to_owned())
        })
        .collect();
    pairs.sort();
    let want: Vec<(String, String)> = [("a1", "b1"), ("a2", "b2"), ("a3", "b3"), ("a5", "b5")]
        .iter()
        .map(|(a, b)| ((*a).into(), (*b).into()))
        .collect();
    assert_eq!(pairs, want, "Mohammed/Muhammad with day and month swapped, Greek/Latin, Cyrillic/Latin, swapped names");

    // One file: deduplication.
    let both = csv(
        dir.path(),
        "both.csv",
        "id,given_name,family_name,date_of_birth,sex,nationality\nx1,Ahmad,Karimi,2009-11-20,M,AF\nx2,Ahmed,Karimi,2009-11-20,M,AF\nx3,Lena,Stojanović,2014-02-02,F,RS\n",
    );
    let o =
        homeward(dir.path(), &["link", both.to_str().unwrap(), "--out", out.to_str().unwrap(), "--threshold", "0.9"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().skip(1).map(|l| &l[..5]).collect::<Vec<_>>(), ["x1,x2"]);
}

#[test]
fn link_refuses_a_malformed_file_with_its_line_and_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pairs.csv");
    let ragged = csv(dir.path(), "ragged.csv", "id,given_name,family_name\na1,Maria,Nikolaidou\na2,Eleni\n");
    let o = homeward(dir.path(), &["link", ragged.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("line 3"), "{}", stderr(&o));
    let headless = csv(dir.path(), "headless.csv", "id,name\na1,Maria\n");
    let o = homeward(dir.path(), &["link", headless.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(stderr(&o).contains("no column `given_name`"), "{}", stderr(&o));
    let bad_date =
        csv(dir.path(), "dates.csv", "id,given_name,family_name,date_of_birth\na1,Maria,Nikolaidou,2011-02-30\n");
    let o = homeward(dir.path(), &["link", bad_date.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "an unreadable date counts as unknown: {}", stderr(&o));
    assert!(stderr(&o).contains("line 2 `2011-02-30`"), "{}", stderr(&o));
    let o = homeward(dir.path(), &["link", "/nonexistent.csv", "--out", out.to_str().unwrap()]);
    assert!(!o.status.success() && stderr(&o).contains("cannot read /nonexistent.csv"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn import_loads_the_good_lines_and_names_each_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        homeward(dir.path(), &["admin", "create-org", "--name", "Hotline Test", "--country", "gr"]).status.success()
    );
    let user = homeward(
        dir.path(),
        &["admin", "create-user", "--org", "Hotline Test", "--email", "op@t.example", "--role", "operator"],
    );
    assert!(user.status.success(), "{}", stderr(&user));
    let lines = [
        r#"{"case_ref": "A-1", "category": "missing_unaccompanied_migrant", "child": {"given_name": "Amina", "sex": "F"}, "last_seen": {"at": "2026-10-20T18:00:00Z", "missing_from": {"kind": "reception_centre", "name": "Centre Lesvos"}}, "identifiers": [{"kind": "phone", "value": "+30 690 000 1234"}], "indicators": ["cross_border_with_non_relatives"]}"#,
        r#"{"category": "runaway", "child": "#,
        r#"{"category": "runaway", "child": {"given_name": "Nikos"}, "last_seen": {"at": "2099-01-01T00:00:00Z"}}"#,
        r#"{"category": "runaway", "child": {"given_name": "Nikos"}, "last_seen": {"at": "2026-10-20T18:00:00Z"}, "indicators": ["made_up"]}"#,
        "",
        r#"{"case_ref": "B,2", "category": "runaway", "child": {"given_name": "Eleni"}, "last_seen": {"at": "2026-11-01T08:00:00Z"}}"#,
    ];
    let mut file = lines.join("\n").into_bytes();
    file.extend_from_slice(b"\n\xff\xfe{}\n");
    std::fs::write(dir.path().join("cases.ndjson"), file).unwrap();
    let out = homeward(dir.path(), &["import", "cases.ndjson", "--as", "op@t.example"]);
    assert_eq!(out.status.code(), Some(2), "some lines were skipped: {}", stderr(&out));
    let rows: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(rows[0], "line,case_id,case_number,case_ref");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[1].starts_with("1,") && rows[1].ends_with(",A-1"), "{rows:?}");
    assert!(rows[2].starts_with("6,") && rows[2].ends_with(",\"B,2\""), "{rows:?}");
    let err = stderr(&out);
    assert!(err.contains("line 2: not JSON"), "{err}");
    assert!(err.contains("line 3: the request has 1 invalid field(s)"), "{err}");
    assert!(err.contains("line 4: `made_up` is not an indicator"), "{err}");
    assert!(err.contains("line 7: not UTF-8 text"), "{err}");
    assert!(err.contains("loaded 2 cases; 0 imported before; skipped 4 lines"), "{err}");

    // The two cases are stored, the first with its place, phone number and indicator; nothing
    // of the skipped lines is.
    let conn = rusqlite::Connection::open(dir.path().join("homeward-data/homeward.db")).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM cases"), 2);
    assert_eq!(count("SELECT COUNT(*) FROM identifiers WHERE normalised LIKE '%306900001234'"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM case_events WHERE kind = 'indicator_observed'"), 1);
    let first_id = rows[1].split(',').nth(1).unwrap();
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM case_events WHERE case_id = '{first_id}' AND kind = 'indicator_observed'"
        )),
        1
    );

    // Run again: the references are known, so nothing is opened twice, and the rows name the
    // cases opened the first time.
    let again = homeward(dir.path(), &["import", "cases.ndjson", "--as", "op@t.example"]);
    let err = stderr(&again);
    assert!(err.contains("line 1: `A-1` was imported before as case"), "{err}");
    assert!(err.contains("loaded 0 cases; 2 imported before; skipped 4 lines"), "{err}");
    assert_eq!(stdout(&again).lines().collect::<Vec<_>>(), rows.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(count("SELECT COUNT(*) FROM cases"), 2);
    assert_eq!(count("SELECT COUNT(*) FROM case_refs"), 2);

    let nobody = homeward(dir.path(), &["import", "cases.ndjson", "--as", "nobody@t.example"]);
    assert!(stderr(&nobody).contains("no user has the e-mail address nobody@t.example"), "{}", stderr(&nobody));
}

#[test]
fn warnings_lists_what_the_imported_cases_raised() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        homeward(dir.path(), &["admin", "create-org", "--name", "Hotline Test", "--country", "gr"]).status.success()
    );
    for (email, role) in [("op@t.example", "operator"), ("sup@t.example", "supervisor")] {
        let user =
            homeward(dir.path(), &["admin", "create-user", "--org", "Hotline Test", "--email", email, "--role", role]);
        assert!(user.status.success(), "{}", stderr(&user));
    }
    // Three children gone from one reception centre within a week; two of them with one phone.
    let line = |n: u32, day: u32, phone: &str| {
        format!(
            r#"{{"case_ref": "R-{n}", "category": "missing_unaccompanied_migrant", "child": {{"given_name": "Child{n}", "sex": "M"}}, "last_seen": {{"at": "2026-10-{day:02}T18:00:00Z", "missing_from": {{"kind": "reception_centre", "name": "Centre Lesvos"}}}}, "identifiers": [{{"kind": "phone", "value": "{phone}"}}]}}"#
        )
    };
    let file = [line(1, 1, "+30 690 000 1234"), line(2, 3, "0030 690 000 1234"), line(3, 5, "+30 690 555 0000")];
    std::fs::write(dir.path().join("cases.ndjson"), file.join("\n")).unwrap();
    let import = homeward(dir.path(), &["import", "cases.ndjson", "--as", "op@t.example"]);
    assert!(import.status.success(), "{}", stderr(&import));

    let text = homeward(dir.path(), &["warnings", "--as", "sup@t.example"]);
    assert!(text.status.success(), "{}", stderr(&text));
    let out = stdout(&text);
    assert!(out.contains("ELEVATED an identifier shared by cases (open), 2 cases"), "{out}");
    assert!(out.contains("  - the same phone number in 2 cases"), "{out}");
    assert!(out.contains("children gone from one place (open), 3 cases"), "{out}");
    assert!(out.contains("GR-2026-000001 (last seen 2026-10-01 18:00 UTC)"), "{out}");

    let json = homeward(dir.path(), &["warnings", "--as", "sup@t.example", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let kinds: Vec<&str> = listed.as_array().unwrap().iter().map(|w| w["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 2, "{listed}");
    assert!(kinds.contains(&"place_cluster") && kinds.contains(&"shared_identifier"), "{kinds:?}");

    // Nobody reads them anonymously, and an operator does not read them at all.
    let anonymous = homeward(dir.path(), &["warnings"]);
    assert!(!anonymous.status.success() && stderr(&anonymous).contains("--as EMAIL"), "{}", stderr(&anonymous));
    let operator = homeward(dir.path(), &["warnings", "--as", "op@t.example"]);
    assert!(!operator.status.success(), "{}", stdout(&operator));

    // A full re-evaluation finds nothing the cases had not already raised.
    let rescan = homeward(dir.path(), &["warnings", "--rescan"]);
    assert!(rescan.status.success(), "{}", stderr(&rescan));
    assert!(stderr(&rescan).contains("re-evaluated 3 cases"), "{}", stderr(&rescan));
    assert!(stderr(&rescan).contains("0 warnings raised or changed"), "{}", stderr(&rescan));
}

mod data;
