//! Load against the JSON API: an open loop at a fixed rate and a closed loop at the highest rate
//! the server sustains. What each request sends, and how its `201` is read, is a [`Workload`]:
//! [`Cases`] opens cases (`POST /api/v1/cases`); the fault harness adds contacts too.
//!
//! The open loop gives every request a scheduled send time, fixed in advance, and measures its
//! latency from that time, not from when it was actually sent. A slow response therefore also
//! counts the wait of every request queued behind it (no coordinated omission).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};

use crate::client::Client;

/// Where to send and as whom.
pub struct Target {
    pub addr: SocketAddr,
    pub token: String,
}

/// One request of a load: `POST path` with a JSON body, and what reading its answer needs.
pub struct Request<'a, S> {
    pub path: Cow<'a, str>,
    pub body: Cow<'a, [u8]>,
    pub sent: S,
}

/// What a load sends. Request `n` is [`Workload::request`]`(n)`; a `201` answer is handed to
/// [`Workload::created`], any other answer is an error.
pub trait Workload: Send + Sync + 'static {
    /// What [`Workload::created`] needs to know of the request it reads the answer to.
    type Sent: Send;
    fn request(&self, n: u64) -> Request<'_, Self::Sent>;
    /// Reads a `201` answer; an error is counted under the kind it names.
    fn created(&self, sent: Self::Sent, body: &[u8]) -> Result<(), String>;
}

/// Opens cases: request `n` sends `bodies[n % len]` to `POST /api/v1/cases`.
pub struct Cases(pub Arc<Vec<Vec<u8>>>);

impl Workload for Cases {
    type Sent = ();

    fn request(&self, n: u64) -> Request<'_, ()> {
        let body = &self.0[n as usize % self.0.len()];
        Request { path: Cow::Borrowed("/api/v1/cases"), body: Cow::Borrowed(body), sent: () }
    }

    fn created(&self, (): (), _body: &[u8]) -> Result<(), String> {
        Ok(())
    }
}

/// No answer is waited for longer than this; a server that hangs is counted, not waited out.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// What a run saw. Latencies are of successful (201) requests only; errors are counted by kind.
#[derive(Default, Clone)]
pub struct Stats {
    pub ok: u64,
    pub errors: u64,
    pub error_kinds: BTreeMap<String, u64>,
    latencies_us: Vec<u64>,
    /// The slowest successful request due in each second of an open loop (by the second it was
    /// due in, from the start), in microseconds: shows whether a tail is spread out or one stall.
    pub slowest_by_second: BTreeMap<u64, u64>,
    /// From the first scheduled send to the last response.
    pub elapsed: Duration,
}

impl Stats {
    pub fn record(&mut self, outcome: Result<(), String>, latency: Duration) {
        match outcome {
            Ok(()) => {
                self.ok += 1;
                self.latencies_us.push(latency.as_micros() as u64);
            }
            Err(kind) => {
                self.errors += 1;
                *self.error_kinds.entry(kind).or_default() += 1;
            }
        }
    }

    pub fn merge(&mut self, other: Stats) {
        self.ok += other.ok;
        self.errors += other.errors;
        for (kind, n) in other.error_kinds {
            *self.error_kinds.entry(kind).or_default() += n;
        }
        self.latencies_us.extend(other.latencies_us);
        for (second, us) in other.slowest_by_second {
            let slowest = self.slowest_by_second.entry(second).or_default();
            *slowest = (*slowest).max(us);
        }
    }

    /// Notes a successful request due `due_after` the start of an open loop and answered after
    /// `latency`, for [`Stats::slowest_by_second`].
    pub fn note_second(&mut self, due_after: Duration, latency: Duration) {
        let slowest = self.slowest_by_second.entry(due_after.as_secs()).or_default();
        *slowest = (*slowest).max(latency.as_micros() as u64);
    }

    /// Successful requests per second.
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency in milliseconds below which `p` per cent of successful requests fell
    /// (nearest rank); `NaN` when none succeeded.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        // The epsilon keeps binary rounding (99.9 is not exact) from pushing the rank up by one.
        let rank = (p / 100.0 * self.latencies_us.len() as f64 - 1e-9).ceil() as usize;
        self.latencies_us[rank.clamp(1, self.latencies_us.len()) - 1] as f64 / 1000.0
    }

    /// Sorts the latencies; the percentiles need it.
    pub fn finish(&mut self) {
        self.latencies_us.sort_unstable();
    }

    pub fn max_ms(&self) -> f64 {
        self.percentile_ms(100.0)
    }
}

/// Sends `rate` requests a second for `duration`, spread round-robin over `connections`
/// keep-alive connections: request `n` is due at `start + n / rate` on connection
/// `n % connections`.
pub async fn open_loop<W: Workload>(
    target: Arc<Target>,
    workload: Arc<W>,
    rate: f64,
    duration: Duration,
    connections: usize,
) -> Result<Stats> {
    let total = (rate * duration.as_secs_f64()).round() as u64;
    let clients = connect_all(&target, connections).await?;
    let never = Arc::new(AtomicBool::new(false));
    scheduled(target, workload, rate, clients.into_iter().map(Some).collect(), total, never).await
}

/// The open loop of [`open_loop`], run until `stop` is set rather than for a fixed time. The
/// connections are opened as the first requests fall due, and opened again whenever one breaks,
/// so that a server that is down (or killed and restarted) is counted in errors, not waited for.
pub async fn open_loop_until<W: Workload>(
    target: Arc<Target>,
    workload: Arc<W>,
    rate: f64,
    connections: usize,
    stop: Arc<AtomicBool>,
) -> Result<Stats> {
    let slots = (0..connections).map(|_| None).collect();
    scheduled(target, workload, rate, slots, u64::MAX, stop).await
}

async fn scheduled<W: Workload>(
    target: Arc<Target>,
    workload: Arc<W>,
    rate: f64,
    slots: Vec<Option<Client>>,
    total: u64,
    stop: Arc<AtomicBool>,
) -> Result<Stats> {
    let connections = slots.len() as u64;
    let start = Instant::now() + Duration::from_millis(20);
    let tasks = slots.into_iter().enumerate().map(|(i, mut slot)| {
        let (target, workload, stop) = (target.clone(), workload.clone(), stop.clone());
        tokio::spawn(async move {
            let mut stats = Stats::default();
            let mut n = i as u64;
            while n < total && !stop.load(Ordering::Relaxed) {
                let due = start + Duration::from_secs_f64(n as f64 / rate);
                sleep_until(due).await;
                let outcome = call(&target, &*workload, &mut slot, n).await;
                if outcome.is_ok() {
                    stats.note_second(due - start, due.elapsed());
                }
                stats.record(outcome, due.elapsed());
                n += connections;
            }
            stats
        })
    });
    collect(tasks.collect(), start).await
}

/// Keeps `connections` requests in flight for `duration`: each connection sends its next
/// request as soon as the previous one is answered.
pub async fn closed_loop<W: Workload>(
    target: Arc<Target>,
    workload: Arc<W>,
    duration: Duration,
    connections: usize,
) -> Result<Stats> {
    let clients = connect_all(&target, connections).await?;
    let start = Instant::now();
    let deadline = start + duration;
    let tasks = clients.into_iter().enumerate().map(|(i, client)| {
        let (target, workload) = (target.clone(), workload.clone());
        tokio::spawn(async move {
            let mut stats = Stats::default();
            let mut slot = Some(client);
            let mut n = i as u64;
            while Instant::now() < deadline {
                let sent = Instant::now();
                let outcome = call(&target, &*workload, &mut slot, n).await;
                stats.record(outcome, sent.elapsed());
                n += connections as u64;
            }
            stats
        })
    });
    collect(tasks.collect(), start).await
}

async fn connect_all(target: &Target, connections: usize) -> Result<Vec<Client>> {
    let mut clients = Vec::with_capacity(connections);
    for _ in 0..connections {
        clients.push(Client::connect(target.addr).await?);
    }
    Ok(clients)
}

async fn collect(tasks: Vec<JoinHandle<Stats>>, start: Instant) -> Result<Stats> {
    let mut stats = Stats::default();
    for task in tasks {
        stats.merge(task.await.context("a load task failed")?);
    }
    stats.elapsed = start.elapsed();
    stats.latencies_us.sort_unstable();
    Ok(stats)
}

/// Sends request `n` on the connection in `slot`, reconnecting first if the last one broke.
/// An error is returned as the kind it is counted under.
async fn call<W: Workload>(target: &Target, workload: &W, slot: &mut Option<Client>, n: u64) -> Result<(), String> {
    let client = match slot {
        Some(client) => client,
        None => slot.insert(Client::connect(target.addr).await.map_err(|e| format!("connect: {e:#}"))?),
    };
    let request = workload.request(n);
    let sent = client.send("POST", &request.path, Some(&target.token), &request.body);
    match tokio::time::timeout(ANSWER_TIMEOUT, sent).await {
        Ok(Ok(response)) => {
            if response.close {
                *slot = None;
            }
            if response.status == 201 {
                workload.created(request.sent, &response.body)
            } else {
                let text = String::from_utf8_lossy(&response.body);
                Err(format!("HTTP {}: {}", response.status, text.chars().take(160).collect::<String>()))
            }
        }
        Ok(Err(e)) => {
            *slot = None;
            Err(format!("I/O: {e:#}"))
        }
        Err(_) => {
            *slot = None;
            Err(format!("no answer within {} s", ANSWER_TIMEOUT.as_secs()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut stats = Stats::default();
        for ms in (1..=1000).rev() {
            stats.record(Ok(()), Duration::from_millis(ms));
        }
        stats.latencies_us.sort_unstable();
        assert_eq!(stats.percentile_ms(50.0), 500.0);
        assert_eq!(stats.percentile_ms(99.0), 990.0);
        assert_eq!(stats.percentile_ms(99.9), 999.0);
        assert_eq!(stats.max_ms(), 1000.0);
        assert_eq!(stats.percentile_ms(0.0), 1.0);
    }
}
