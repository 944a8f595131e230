//! Load against `POST /api/v1/cases`: an open loop at a fixed rate and a closed loop at the
//! highest rate the server sustains.
//!
//! The open loop gives every request a scheduled send time, fixed in advance, and measures its
//! latency from that time, not from when it was actually sent. A slow response therefore also
//! counts the wait of every request queued behind it (no coordinated omission).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};

use crate::client::Client;

/// Where to send and as whom.
pub struct Target {
    pub addr: SocketAddr,
    pub token: String,
    pub bodies: Arc<Vec<Vec<u8>>>,
}

/// What a run saw. Latencies are of successful (201) requests only; errors are counted by kind.
#[derive(Default)]
pub struct Stats {
    pub ok: u64,
    pub errors: u64,
    pub error_kinds: BTreeMap<String, u64>,
    latencies_us: Vec<u64>,
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
pub async fn open_loop(target: Arc<Target>, rate: f64, duration: Duration, connections: usize) -> Result<Stats> {
    let total = (rate * duration.as_secs_f64()).round() as u64;
    let clients = connect_all(&target, connections).await?;
    let start = Instant::now() + Duration::from_millis(20);
    let tasks = clients.into_iter().enumerate().map(|(i, client)| {
        let target = target.clone();
        tokio::spawn(async move {
            let mut stats = Stats::default();
            let mut slot = Some(client);
            let mut n = i as u64;
            while n < total {
                let due = start + Duration::from_secs_f64(n as f64 / rate);
                sleep_until(due).await;
                let outcome = create_case(&target, &mut slot, n).await;
                stats.record(outcome, due.elapsed());
                n += connections as u64;
            }
            stats
        })
    });
    collect(tasks.collect(), start).await
}

/// Keeps `connections` requests in flight for `duration`: each connection sends its next
/// request as soon as the previous one is answered.
pub async fn closed_loop(target: Arc<Target>, duration: Duration, connections: usize) -> Result<Stats> {
    let clients = connect_all(&target, connections).await?;
    let start = Instant::now();
    let deadline = start + duration;
    let tasks = clients.into_iter().enumerate().map(|(i, client)| {
        let target = target.clone();
        tokio::spawn(async move {
            let mut stats = Stats::default();
            let mut slot = Some(client);
            let mut n = i as u64;
            while Instant::now() < deadline {
                let sent = Instant::now();
                let outcome = create_case(&target, &mut slot, n).await;
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
async fn create_case(target: &Target, slot: &mut Option<Client>, n: u64) -> Result<(), String> {
    let client = match slot {
        Some(client) => client,
        None => slot.insert(Client::connect(target.addr).await.map_err(|e| format!("connect: {e:#}"))?),
    };
    let body = &target.bodies[n as usize % target.bodies.len()];
    match client.send("POST", "/api/v1/cases", Some(&target.token), body).await {
        Ok(response) => {
            if response.close {
                *slot = None;
            }
            if response.status == 201 {
                Ok(())
            } else {
                let text = String::from_utf8_lossy(&response.body);
                Err(format!("HTTP {}: {}", response.status, text.chars().take(160).collect::<String>()))
            }
        }
        Err(e) => {
            *slot = None;
            Err(format!("I/O: {e:#}"))
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
