//! A child alert under a surge of the public: a supervisor publishes an alert on a demo case,
//! then the public reads its page and the CAP feed at a fixed rate while an operator keeps
//! reading a case page. The operator's case page is timed idle first, then during the surge, in
//! the same run, so that the ratio between them is the figure and the machine's mood cancels out.
//!
//! The public load is an open loop (as in [`crate::load`]): request `n` is due at
//! `start + n / rate` and its latency counts from then, so a stalled server is charged for every
//! request queued behind it.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::time::{Instant, sleep, sleep_until};

use crate::client::Client;
use crate::load::Stats;
use crate::server::{DEMO_OPERATOR, DEMO_SUPERVISOR, Server};

/// What was measured.
pub struct Outcome {
    pub alert: String,
    /// The supervisor's publication, from request to response.
    pub publish: Duration,
    /// The public alert page and the CAP feed during the surge (latency from the due time).
    pub page: Stats,
    pub feed: Stats,
    /// The requests the surge asked for a second.
    pub rate: f64,
    /// The operator's case page before the surge, during it and after it.
    pub case_idle: Stats,
    pub case_busy: Stats,
    pub case_after: Stats,
}

/// Logs in through the API as a demo user and answers the session cookie.
async fn login(client: &mut Client, email: &str) -> Result<String> {
    let body = serde_json::json!({"email": email, "password": "homeward-demo"}).to_string();
    let response = client.send("POST", "/api/v1/session", None, body.as_bytes()).await?;
    response.cookie.with_context(|| format!("logging in as {email} answered {} and no cookie", response.status))
}

/// Sends one request as the holder of `cookie` and insists on a 2xx answer with JSON.
async fn call(
    client: &mut Client,
    cookie: &str,
    method: &str,
    path: &str,
    body: serde_json::Value,
) -> Result<serde_json::Value> {
    let body = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
    let response = client.send_cookie(method, path, cookie, &body).await?;
    if !(200..300).contains(&response.status) {
        bail!("{method} {path} answered {}: {}", response.status, String::from_utf8_lossy(&response.body));
    }
    serde_json::from_slice(&response.body).with_context(|| format!("{method} {path} answered no JSON"))
}

/// Opens an alert request on `case`, confirms the five criteria, records both approvals and
/// publishes it. Answers the alert's id and how long the publication took.
async fn publish(client: &mut Client, supervisor: &str, case: &str) -> Result<(String, Duration)> {
    let request = serde_json::json!({
        "consent_fields": ["name", "age", "description", "last_seen", "contact_phone"],
        "consent_given_by": "mother",
        "content": {"contact_phone": "116000"},
    });
    let alert = call(client, supervisor, "POST", &format!("/api/v1/cases/{case}/alerts"), request).await?;
    let id = alert["id"].as_str().context("an alert request has an id")?.to_owned();
    for criterion in ["under_eighteen", "abduction", "high_risk", "helpful_information", "no_added_risk"] {
        let body = serde_json::json!({"criterion": criterion, "note": "bench"});
        call(client, supervisor, "POST", &format!("/api/v1/alerts/{id}/criteria"), body).await?;
    }
    let given_at = (OffsetDateTime::now_utc() - time::Duration::minutes(5)).format(&Rfc3339)?;
    for (kind, reference) in [("police", "BENCH-POLICE-1"), ("prosecutor", "BENCH-ORDER-1")] {
        let body = serde_json::json!({"kind": kind, "reference": reference, "given_at": given_at});
        call(client, supervisor, "POST", &format!("/api/v1/alerts/{id}/approvals"), body).await?;
    }
    let started = Instant::now();
    call(client, supervisor, "POST", &format!("/api/v1/alerts/{id}/publication"), serde_json::json!({})).await?;
    Ok((id, started.elapsed()))
}

/// Reads the case page `count` times one after the other, `pause` apart (after five reads that
/// warm the caches and are not counted).
async fn read_case_page(addr: SocketAddr, cookie: &str, path: &str, count: usize, pause: Duration) -> Result<Stats> {
    let mut client = Client::connect(addr).await?;
    let mut stats = Stats::default();
    let started = Instant::now();
    for round in 0..count + 5 {
        let at = Instant::now();
        let response = client.send_cookie("GET", path, cookie, b"").await?;
        let took = at.elapsed();
        if response.status != 200 {
            bail!("GET {path} answered {}", response.status);
        }
        if round >= 5 {
            stats.record(Ok(()), took);
        }
        sleep(pause).await;
    }
    stats.elapsed = started.elapsed();
    stats.finish();
    Ok(stats)
}

/// The public surge: `rate` requests a second for `duration` over `connections` keep-alive
/// connections, even requests to the alert's page and odd ones to the CAP feed.
async fn surge(
    addr: SocketAddr,
    paths: [String; 2],
    rate: f64,
    duration: Duration,
    connections: usize,
) -> Result<[Stats; 2]> {
    let total = (rate * duration.as_secs_f64()).round() as u64;
    let mut clients = Vec::with_capacity(connections);
    for _ in 0..connections {
        clients.push(Client::connect(addr).await?);
    }
    let start = Instant::now() + Duration::from_millis(20);
    let mut tasks = Vec::with_capacity(connections);
    for (i, client) in clients.into_iter().enumerate() {
        let paths = paths.clone();
        tasks.push(tokio::spawn(async move {
            let mut stats = [Stats::default(), Stats::default()];
            let mut slot = Some(client);
            let mut n = i as u64;
            while n < total {
                let due = start + Duration::from_secs_f64(n as f64 / rate);
                sleep_until(due).await;
                let which = (n % 2) as usize;
                let outcome = get_public(addr, &mut slot, &paths[which]).await;
                stats[which].record(outcome, due.elapsed());
                n += connections as u64;
            }
            stats
        }));
    }
    let mut merged = [Stats::default(), Stats::default()];
    for task in tasks {
        let [page, feed] = task.await.context("a surge task failed")?;
        merged[0].merge(page);
        merged[1].merge(feed);
    }
    for stats in &mut merged {
        stats.elapsed = start.elapsed();
        stats.finish();
    }
    Ok(merged)
}

/// One public GET on the connection in `slot`, reconnecting first if the last one broke; an
/// answer other than 200 is an error, counted by its kind.
async fn get_public(addr: SocketAddr, slot: &mut Option<Client>, path: &str) -> Result<(), String> {
    let client = match slot {
        Some(client) => client,
        None => slot.insert(Client::connect(addr).await.map_err(|e| format!("connect: {e:#}"))?),
    };
    match client.send("GET", path, None, b"").await {
        Ok(response) if response.status == 200 && !response.body.is_empty() => {
            if response.close {
                *slot = None;
            }
            Ok(())
        }
        Ok(response) => {
            *slot = None;
            Err(format!("HTTP {}", response.status))
        }
        Err(e) => {
            *slot = None;
            Err(format!("I/O: {e:#}"))
        }
    }
}

/// Publishes an alert on one of the demo's open cases, then measures the case page idle, under
/// the public surge, and idle again.
pub async fn run(server: &Server, rate: f64, duration: Duration, connections: usize) -> Result<Outcome> {
    let mut client = Client::connect(server.addr).await?;
    let operator = login(&mut client, DEMO_OPERATOR).await?;
    let supervisor = login(&mut client, DEMO_SUPERVISOR).await?;
    let cases =
        call(&mut client, &operator, "GET", "/api/v1/cases?status=open&limit=1", serde_json::Value::Null).await?;
    let first = &cases["items"][0];
    let case = first["id"].as_str().or(first["case"]["id"].as_str()).context("the demo has no open case")?.to_owned();
    let (alert, publish) = publish(&mut client, &supervisor, &case).await?;
    let page_path = format!("/public/alerts/{alert}");
    let public = client.send("GET", &page_path, None, b"").await?;
    if public.status != 200 {
        bail!("the published alert's page answered {}", public.status);
    }
    let case_path = format!("/cases/{case}");
    // The operator reads the page about five times a second: a person at work, not a load.
    let pause = Duration::from_millis(200);
    let reads = (duration.as_secs_f64() / 0.2) as usize;
    eprintln!("alerts: published {alert} in {publish:?}; the case page idle ({reads} reads)…");
    let case_idle = read_case_page(server.addr, &operator, &case_path, reads, pause).await?;
    eprintln!(
        "alerts: {rate} public requests/s for {duration:?} over {connections} connections, the case page read beside…"
    );
    let paths = [page_path, "/public/alerts.cap.xml".to_owned()];
    let (surge, case_busy) = tokio::join!(
        surge(server.addr, paths, rate, duration, connections),
        read_case_page(server.addr, &operator, &case_path, reads, pause)
    );
    let [page, feed] = surge?;
    let case_busy = case_busy?;
    eprintln!("alerts: the case page idle again…");
    let case_after = read_case_page(server.addr, &operator, &case_path, reads, pause).await?;
    Ok(Outcome { alert, publish, page, feed, rate, case_idle, case_busy, case_after })
}
