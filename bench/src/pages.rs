//! How fast the operator interface answers, beside the API call that reads the same data: the
//! case desk with thousands of open cases, and a case page with hundreds of events. The data is
//! the demo's (`homeward demo`), topped up through the API with open cases for the Greek
//! hotline and with notes on one case until it has the wanted number of events.

use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::client::Client;
use crate::load::Stats;
use crate::server::{DEMO_OPERATOR, Server};

/// What was read, and how fast.
pub struct Outcome {
    pub open_cases: u64,
    pub events: usize,
    /// (what, path, latencies) in the order they are reported.
    pub rows: Vec<(&'static str, String, Stats)>,
}

async fn json(client: &mut Client, method: &str, path: &str, token: &str, body: &[u8]) -> Result<serde_json::Value> {
    let response = client.send(method, path, Some(token), body).await?;
    if !(200..300).contains(&response.status) {
        bail!("{method} {path} answered {}: {}", response.status, String::from_utf8_lossy(&response.body));
    }
    serde_json::from_slice(&response.body).with_context(|| format!("{method} {path} answered no JSON"))
}

/// Prepares the data, then reads every page and its API twin `requests` times, interleaved so
/// that all of them share the machine's moods alike.
pub async fn run(server: &Server, open_cases: u64, events: usize, requests: usize) -> Result<Outcome> {
    let token = server.token.as_str();
    let mut client = Client::connect(server.addr).await?;
    let bodies = crate::report::request_bodies();
    let open_total = |page: &serde_json::Value| page["total"].as_u64().unwrap_or(0);
    let mut open = open_total(&json(&mut client, "GET", "/api/v1/cases?status=open&limit=1", token, b"").await?);
    eprintln!("pages: the demo left {open} open cases on the desk of {DEMO_OPERATOR}; topping up to {open_cases}…");
    let mut case_id = None;
    let mut n = 0;
    while open < open_cases {
        let created = json(&mut client, "POST", "/api/v1/cases", token, &bodies[n % bodies.len()]).await?;
        case_id.get_or_insert_with(|| created["id"].as_str().unwrap_or_default().to_owned());
        open += 1;
        n += 1;
    }
    let case_id = match case_id {
        Some(id) => id,
        None => json(&mut client, "POST", "/api/v1/cases", token, &bodies[0]).await?["id"]
            .as_str()
            .context("a created case has an id")?
            .to_owned(),
    };
    let events_path = format!("/api/v1/cases/{case_id}/events");
    let have = json(&mut client, "GET", &events_path, token, b"").await?.as_array().map_or(0, Vec::len);
    eprintln!("pages: adding notes to case {case_id} until it has {events} events…");
    for i in have..events {
        let body = serde_json::json!({"text": format!("Follow-up call {i}: no news yet; the family was told.")});
        json(&mut client, "POST", &format!("/api/v1/cases/{case_id}/notes"), token, body.to_string().as_bytes())
            .await?;
    }
    let login = serde_json::json!({"email": DEMO_OPERATOR, "password": "homeward-demo"}).to_string();
    let cookie =
        client.send("POST", "/api/v1/session", None, login.as_bytes()).await?.cookie.context("no session cookie")?;

    let mut rows: Vec<(&'static str, String, Stats)> = vec![
        ("case desk page", "/".into(), Stats::default()),
        ("the same list as JSON", "/api/v1/cases?status=open&order=urgent&limit=50".into(), Stats::default()),
        ("case page", format!("/cases/{case_id}"), Stats::default()),
        ("the case as JSON", format!("/api/v1/cases/{case_id}"), Stats::default()),
        ("its events as JSON", events_path, Stats::default()),
    ];
    eprintln!("pages: reading each of {} addresses {requests} times…", rows.len());
    let started = Instant::now();
    for round in 0..requests + 10 {
        for (i, (_, path, stats)) in rows.iter_mut().enumerate() {
            let at = Instant::now();
            let response = if i == 0 || i == 2 {
                client.send_cookie("GET", path, &cookie, b"").await?
            } else {
                client.send("GET", path, Some(token), b"").await?
            };
            let took = at.elapsed();
            if response.status != 200 {
                bail!("GET {path} answered {}", response.status);
            }
            // The first ten rounds warm the caches and are not counted.
            if round >= 10 {
                stats.record(Ok(()), took);
            }
        }
    }
    for (_, _, stats) in &mut rows {
        stats.elapsed = started.elapsed();
        stats.finish();
    }
    let events = json(&mut client, "GET", &rows[4].1.clone(), token, b"").await?.as_array().map_or(0, Vec::len);
    Ok(Outcome { open_cases: open, events, rows })
}
