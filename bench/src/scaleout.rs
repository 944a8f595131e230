//! Two instances on one PostgreSQL database: case creations at a fixed rate in all, half to
//! each instance, with PostgreSQL's own `pgbench` run on a scratch database right before and
//! right after as the ceiling of the same machine at that moment.
//!
//! The point on a small machine is correctness more than speed: every acknowledged case must be
//! in the database, the audit chain must verify, and each background job must have had one
//! holder over the run (one `job.claimed` entry, never taken over while both instances were
//! alive). While the load runs, a sampler reads `pg_stat_activity` of the run's database every
//! 50 ms, which shows where the database's sessions wait, and `/proc` is read as the load
//! starts and ends, which shows how much CPU a case costs and whether the rate asked fits the
//! machine's cores at all. Before the load, what pgbench left in memory is written out, so that
//! the kernel's writeback of it does not stall the load's commits.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::time::sleep;

use crate::cpu;
use crate::faults::{Database, audit_verify};
use crate::load::{self, Cases, Request, Stats, Target, Workload};
use crate::{report, server};

/// The targets: the rate held by both instances together, with this p99 and no errors.
const MAX_P99_MS: f64 = 10.0;

#[derive(clap::Args)]
pub struct ScaleoutArgs {
    /// The `homeward` binary to run twice.
    #[arg(long)]
    pub homeward: PathBuf,
    /// A database URL on the PostgreSQL server to use (`postgres://postgres@127.0.0.1:5432/postgres`);
    /// the run's database and pgbench's scratch database are created beside it and dropped after.
    #[arg(long)]
    pub postgres_url: String,
    /// Case creations a second, both instances together (half to each).
    #[arg(long, default_value_t = 500.0)]
    pub rate: f64,
    /// How long the load runs, in seconds.
    #[arg(long, default_value_t = 60)]
    pub secs: u64,
    /// Keep-alive connections, both instances together (half to each).
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// pgbench's clients (`-c`), in both its runs.
    #[arg(long, default_value_t = 16)]
    pub pgbench_clients: u32,
    /// How long each pgbench run lasts, in seconds (`-T`).
    #[arg(long, default_value_t = 30)]
    pub pgbench_secs: u64,
    /// Runs `ANALYZE` on the run's database this many seconds into the load, as autovacuum would
    /// once enough rows have changed (a diagnosis for a server with autovacuum off; the default
    /// leaves the server as it is).
    #[arg(long)]
    pub analyze_after: Option<u64>,
    /// Sends both halves of the load to instance A (B still runs, idle): what one instance does
    /// on the same database, for comparison.
    #[arg(long)]
    pub only_a: bool,
    /// What the load reports: `hotline` (a child of its own for two reports in three, an
    /// earlier child again for the third) or `same-four` (four children, each reported again
    /// and again: every report a repeat episode of a child with ever more before it).
    #[arg(long, value_enum, default_value_t = Reports::Hotline)]
    pub workload: Reports,
}

/// The reports a load sends (see [`ScaleoutArgs::workload`]).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Reports {
    Hotline,
    SameFour,
}

/// What a run saw.
pub struct Outcome {
    /// Per instance (A started first, B second), and both together.
    pub a: Stats,
    pub b: Stats,
    pub both: Stats,
    pub pids: [u32; 2],
    pub jobs: Jobs,
    pub reads: Vec<TableReads>,
    /// The server's `autovacuum` setting (without it, no table has statistics).
    pub autovacuum: String,
    pub acked: usize,
    pub cases_in_db: usize,
    /// Acknowledged case ids the database lacks.
    pub missing: Vec<String>,
    pub audit: (bool, String),
    pub waits: Waits,
    pub pgbench_before: PgBench,
    pub pgbench_after: PgBench,
    /// What each instance logged as warnings or errors.
    pub warnings: [Vec<String>; 2],
    /// Where the CPU time went while the load ran; `None` without Linux's `/proc`.
    pub cpu: Option<cpu::Used>,
}

impl Outcome {
    /// Whether nothing acknowledged is missing, the audit chain verifies and no job ran twice.
    pub fn correct(&self) -> bool {
        self.missing.is_empty() && self.audit.0 && self.jobs.one_holder_each()
    }
}

/// Runs pgbench, the two instances under load, pgbench again, and the checks.
pub fn run(dir: &Path, args: &ScaleoutArgs, keep: bool) -> Result<Outcome> {
    if args.rate <= 0.0 || args.connections < 2 || args.secs == 0 {
        bail!("--rate and --secs must be positive, and --connections at least 2 (one per instance)");
    }
    let scratch = Database::postgres(&args.postgres_url, "hw_pgbench", keep)?;
    eprintln!("scaleout: pgbench -i -s 10 on a scratch database…");
    pgbench(&["-i", "-s", "10", "-q", &scratch.url]).context("pgbench could not fill its scratch database")?;
    let pgbench_before = pgbench_runs(dir, "before", args, &scratch.url)?;

    let mut database = Database::postgres(&args.postgres_url, "hw_scaleout", keep)?;
    settle(&args.postgres_url);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start tokio")?;
    let driven = runtime.block_on(drive(args, dir, &database.url))?;
    drop(runtime);

    eprintln!("scaleout: load over, checking the database…");
    let jobs = Jobs::read(&database.url)?;
    let (reads, autovacuum) = table_reads(&database.url)?;
    let ids = case_ids(&database.url)?;
    let acked = driven.acked.lock().map_err(|_| anyhow::anyhow!("the acknowledgements' lock is poisoned"))?;
    let missing: Vec<String> = acked.iter().filter(|id| !ids.contains(*id)).cloned().collect();
    let audit = audit_verify(&args.homeward, &database.url)?;

    let pgbench_after = pgbench_runs(dir, "after", args, &scratch.url)?;
    let outcome = Outcome {
        a: driven.a,
        b: driven.b,
        both: driven.both,
        pids: driven.pids,
        jobs,
        reads,
        autovacuum,
        acked: acked.len(),
        cases_in_db: ids.len(),
        missing,
        audit,
        waits: driven.waits,
        pgbench_before,
        pgbench_after,
        warnings: driven.warnings,
        cpu: driven.cpu,
    };
    if !outcome.correct()
        && let Some(name) = database.keep()
    {
        eprintln!("scaleout: keeping the PostgreSQL database {name} for inspection");
    }
    Ok(outcome)
}

/// What the load phase hands back.
struct Driven {
    a: Stats,
    b: Stats,
    both: Stats,
    pids: [u32; 2],
    acked: Arc<Mutex<Vec<String>>>,
    warnings: [Vec<String>; 2],
    waits: Waits,
    cpu: Option<cpu::Used>,
}

/// Starts instance A and then B on the database, runs the two open loops side by side while
/// sampling the database's wait events, and stops both instances.
async fn drive(args: &ScaleoutArgs, dir: &Path, url: &str) -> Result<Driven> {
    let (dir_a, dir_b) = (dir.join("a"), dir.join("b"));
    for d in [&dir_a, &dir_b] {
        std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    let a = server::start_on(&args.homeward, &dir_a, url).await?;
    let b = a.another(&dir_b).await?;
    eprintln!(
        "scaleout: instance A on {} (pid {}), B on {} (pid {}); {} cases/s for {} s over {} connections…",
        a.addr,
        a.pid(),
        b.addr,
        b.pid(),
        args.rate,
        args.secs,
        args.connections
    );
    let cases = (args.workload == Reports::SameFour).then(|| Cases(report::request_bodies()));
    let workload = Arc::new(Acked { cases, ids: Mutex::new(Vec::new()) });
    let (rate, connections, secs) = (args.rate / 2.0, args.connections / 2, Duration::from_secs(args.secs));
    let target = |s: &server::Server| Arc::new(Target { addr: s.addr, token: s.token.clone() });
    let stop = Arc::new(AtomicBool::new(false));
    // A thread of its own: the PostgreSQL client may not block a runtime thread.
    let sampler = {
        let (url, stop) = (url.to_owned(), stop.clone());
        std::thread::spawn(move || sample_waits(&url, &stop))
    };
    // The loads stop sending when their time is up, whether or not the instances kept up: a
    // request still waiting for its connection then is not sent (the table shows how many were
    // due), so a run that falls behind ends on time rather than draining a growing queue.
    let halt = Arc::new(AtomicBool::new(false));
    let pids = [a.pid(), b.pid()];
    let cpu_before = cpu::Snapshot::take(pids);
    let load_a = tokio::spawn(load::open_loop_until(
        target(&a),
        Arc::new(Half { all: workload.clone(), which: 0 }),
        rate,
        connections,
        halt.clone(),
    ));
    // B's schedule starts one interval of the whole rate later, so that its requests fall
    // between A's rather than on the same instants.
    sleep(Duration::from_secs_f64(1.0 / args.rate)).await;
    let second = if args.only_a { target(&a) } else { target(&b) };
    let load_b = tokio::spawn(load::open_loop_until(
        second,
        Arc::new(Half { all: workload.clone(), which: 1 }),
        rate,
        connections,
        halt.clone(),
    ));
    if let Some(after) = args.analyze_after {
        let url = url.to_owned();
        tokio::spawn(async move {
            sleep(Duration::from_secs(after)).await;
            eprintln!("scaleout: ANALYZE of the run's database, {after} s into the load");
            if let Err(e) = tokio::task::spawn_blocking(move || analyze(&url)).await {
                eprintln!("scaleout: ANALYZE failed: {e:#}");
            }
        });
    }
    sleep(secs).await;
    halt.store(true, Ordering::Relaxed);
    let stats_a = load_a.await.context("instance A's load task failed")??;
    let stats_b = load_b.await.context("instance B's load task failed")??;
    let cpu = cpu_before.zip(cpu::Snapshot::take(pids)).map(|(before, after)| before.until(&after));
    stop.store(true, Ordering::Relaxed);
    let waits = tokio::task::spawn_blocking(move || sampler.join())
        .await
        .context("waiting for the wait sampler failed")?
        .map_err(|_| anyhow::anyhow!("the wait sampler panicked"))??;

    let mut both = stats_a.clone();
    both.merge(stats_b.clone());
    both.finish();
    both.elapsed = stats_a.elapsed.max(stats_b.elapsed);
    let warnings = [a.stop()?, b.stop()?];
    let acked = Arc::new(Mutex::new(std::mem::take(
        &mut *workload.ids.lock().map_err(|_| anyhow::anyhow!("the acknowledgements' lock is poisoned"))?,
    )));
    Ok(Driven { a: stats_a, b: stats_b, both, pids, acked, warnings, waits, cpu })
}

/// Opens cases as [`Cases`] does (or, without it, [`report::hotline_body`]'s), and keeps the id
/// of every case acknowledged.
struct Acked {
    cases: Option<Cases>,
    ids: Mutex<Vec<String>>,
}

impl Workload for Acked {
    type Sent = ();

    fn request(&self, n: u64) -> Request<'_, ()> {
        match &self.cases {
            Some(cases) => cases.request(n),
            None => Request {
                path: std::borrow::Cow::Borrowed("/api/v1/cases"),
                body: std::borrow::Cow::Owned(report::hotline_body(n)),
                sent: (),
            },
        }
    }

    fn created(&self, (): (), body: &[u8]) -> Result<(), String> {
        let view: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| format!("a 201 whose body is not JSON: {e}"))?;
        let id = view["id"].as_str().ok_or("a 201 for a case without its id")?.to_owned();
        self.ids.lock().map_err(|_| "the acknowledgements' lock is poisoned".to_owned())?.push(id);
        Ok(())
    }
}

/// One instance's half of the load: its request `n` is request `2n + which` of the whole, so
/// that the two halves send different reports rather than the same ones twice.
struct Half {
    all: Arc<Acked>,
    which: u64,
}

impl Workload for Half {
    type Sent = ();

    fn request(&self, n: u64) -> Request<'_, ()> {
        self.all.request(2 * n + self.which)
    }

    fn created(&self, (): (), body: &[u8]) -> Result<(), String> {
        self.all.created((), body)
    }
}

/// Writes out what pgbench and the new database left in memory before the load starts: a
/// `CHECKPOINT`, then `sync`. Otherwise the kernel writes the pages back some thirty seconds
/// after they were dirtied (pgbench's fill alone leaves about 130 MB), in the middle of the
/// load, and every commit's log flush waits behind it for a few hundred milliseconds: a stall
/// of the machine's disk that belongs to the harness, not to Homeward. A failure is reported,
/// not fatal.
fn settle(url: &str) {
    let checkpoint = postgres::Client::connect(url, postgres::NoTls).and_then(|mut db| db.batch_execute("CHECKPOINT"));
    if let Err(e) = checkpoint {
        eprintln!("scaleout: CHECKPOINT before the load failed: {e}");
    }
    match Command::new("sync").status() {
        Ok(status) if status.success() => {}
        Ok(status) => eprintln!("scaleout: sync before the load exited with {status}"),
        Err(e) => eprintln!("scaleout: sync before the load could not run: {e}"),
    }
}

/// `ANALYZE` of the database `url` names; a failure is reported, not fatal (it is a diagnosis).
fn analyze(url: &str) {
    let done = postgres::Client::connect(url, postgres::NoTls).and_then(|mut db| db.batch_execute("ANALYZE"));
    if let Err(e) = done {
        eprintln!("scaleout: ANALYZE failed: {e}");
    }
}

/// A table read over the run: its name, sequential scans, rows they read, rows fetched through
/// indexes.
pub type TableReads = (String, i64, i64, i64);

/// The five tables most read over the run, and the server's `autovacuum` setting.
fn table_reads(url: &str) -> Result<(Vec<TableReads>, String)> {
    let mut db = postgres::Client::connect(url, postgres::NoTls).context("cannot connect to the run's database")?;
    let rows = db
        .query(
            "SELECT relname::text, seq_scan, seq_tup_read, coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables \
             ORDER BY seq_tup_read + coalesce(idx_tup_fetch, 0) DESC LIMIT 5",
            &[],
        )
        .context("cannot read the tables' statistics")?;
    let reads = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect();
    let autovacuum = db.query_one("SHOW autovacuum", &[]).context("cannot read the autovacuum setting")?.get(0);
    Ok((reads, autovacuum))
}

/// Every case's id, read with the store's own code.
fn case_ids(url: &str) -> Result<HashSet<String>> {
    let store = homeward_store::open(url, homeward_store::system_clock()).context("cannot open the run's database")?;
    let cases = store.response_cases().context("cannot read the cases")?;
    Ok(cases.iter().map(|(case, _)| case.id.to_string()).collect())
}

/// The background jobs' leases at the end of the run, and every change of holder the audit log
/// holds (`job.claimed`, code 2100).
pub struct Jobs {
    /// job, holder, claimed at, lease until.
    pub leases: Vec<[String; 4]>,
    /// Audit sequence number, time, job, holder, and the holder it was taken over from.
    pub claims: Vec<Claim>,
}

pub struct Claim {
    pub seq: i64,
    pub at: String,
    pub job: String,
    pub holder: String,
    pub from: Option<String>,
}

impl Jobs {
    fn read(url: &str) -> Result<Self> {
        let mut db = postgres::Client::connect(url, postgres::NoTls).context("cannot connect to the run's database")?;
        let leases = db
            .query("SELECT job, holder, claimed_at, expires_at FROM job_leases ORDER BY job", &[])
            .context("cannot read the job leases")?
            .iter()
            .map(|r| [r.get(0), r.get(1), r.get(2), r.get(3)])
            .collect();
        let code = homeward_store::AuditCode::JobClaimed.code();
        let rows = db
            .query("SELECT seq, at, detail FROM audit_log WHERE code = $1 ORDER BY seq", &[&code])
            .context("cannot read the job.claimed audit entries")?;
        let mut claims = Vec::with_capacity(rows.len());
        for row in rows {
            let detail: String = row.get(2);
            let d: serde_json::Value =
                serde_json::from_str(&detail).context("a job.claimed detail that is not JSON")?;
            let text = |key: &str| d[key].as_str().map(str::to_owned);
            claims.push(Claim {
                seq: row.get(0),
                at: row.get(1),
                job: text("job").context("a job.claimed entry without its job")?,
                holder: text("holder").context("a job.claimed entry without its holder")?,
                from: text("from"),
            });
        }
        Ok(Jobs { leases, claims })
    }

    /// The `job.claimed` entries of `job`.
    fn claims_of(&self, job: &str) -> usize {
        self.claims.iter().filter(|c| c.job == job).count()
    }

    /// Every job with a lease was claimed exactly once, by the holder it has now, and nothing
    /// was taken over.
    pub fn one_holder_each(&self) -> bool {
        !self.leases.is_empty()
            && self.claims.iter().all(|c| c.from.is_none())
            && self.leases.iter().all(|[job, holder, ..]| {
                self.claims_of(job) == 1 && self.claims.iter().any(|c| &c.job == job && &c.holder == holder)
            })
            && self.claims.iter().all(|c| self.leases.iter().any(|[job, ..]| *job == c.job))
    }
}

/// Which instance a holder name belongs to: instances name themselves `pid{pid}-{uuid}`.
fn instance_of(holder: &str, pids: [u32; 2]) -> &'static str {
    let is = |pid: u32| holder.starts_with(&format!("pid{pid}-"));
    if is(pids[0]) {
        "A"
    } else if is(pids[1]) {
        "B"
    } else {
        "neither"
    }
}

/// How often each (state, wait event) was seen among the run's database sessions that were not
/// idle, over `samples` looks at `pg_stat_activity`, and which statements were running.
#[derive(Default)]
pub struct Waits {
    pub samples: u64,
    pub seen: BTreeMap<String, u64>,
    /// The statements seen running on the CPU (not waiting), by their first 160 characters.
    pub running: BTreeMap<String, u64>,
}

/// Samples `pg_stat_activity` of the database `url` names every 50 ms until `stop` is set.
fn sample_waits(url: &str, stop: &AtomicBool) -> Result<Waits> {
    let mut db = postgres::Client::connect(url, postgres::NoTls).context("the wait sampler cannot connect")?;
    let query = db
        .prepare(
            "SELECT state, coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '-'), query FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IS NOT NULL AND state <> 'idle'",
        )
        .context("the wait sampler cannot prepare its query")?;
    let mut waits = Waits::default();
    while !stop.load(Ordering::Relaxed) {
        for row in db.query(&query, &[]).context("the wait sampler's query failed")? {
            let (state, kind, event): (String, String, String) = (row.get(0), row.get(1), row.get(2));
            if state == "active" && kind == "CPU" {
                let query: String = row.get(3);
                let query = query.split_whitespace().collect::<Vec<_>>().join(" ");
                *waits.running.entry(query.chars().take(160).collect()).or_default() += 1;
            }
            *waits.seen.entry(format!("{state}: {kind}/{event}")).or_default() += 1;
        }
        waits.samples += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(waits)
}

/// pgbench's two runs at one moment: flat out, and at the Homeward load's rate.
pub struct PgBench {
    pub flat: PgRun,
    pub paced: PgRun,
}

/// One pgbench run: what it printed, and the percentiles of its per-transaction log (with
/// `-R`, pgbench logs each latency from the transaction's scheduled start, as the open loop
/// measures).
pub struct PgRun {
    pub transactions: u64,
    pub tps: f64,
    pub latency_avg_ms: f64,
    /// Sorted per-transaction latencies in microseconds; empty when not logged.
    pub latencies_us: Vec<u64>,
}

impl PgRun {
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let rank = (p / 100.0 * self.latencies_us.len() as f64 - 1e-9).ceil() as usize;
        self.latencies_us[rank.clamp(1, self.latencies_us.len()) - 1] as f64 / 1000.0
    }
}

/// The simple-update script (`-N`: an account's balance, a read, a history row) flat out, then
/// at the load's rate with every transaction logged.
fn pgbench_runs(dir: &Path, when: &str, args: &ScaleoutArgs, url: &str) -> Result<PgBench> {
    let (clients, secs, rate) =
        (args.pgbench_clients.to_string(), args.pgbench_secs.to_string(), args.rate.to_string());
    eprintln!("scaleout: pgbench {when} the load: -N -c {clients} -j 2 -T {secs}, then at -R {rate}…");
    let printed = pgbench(&["-N", "-c", &clients, "-j", "2", "-T", &secs, url])?;
    let flat = parse_pgbench(&printed, Vec::new())?;
    let prefix = dir.join(format!("pgbench-{when}"));
    let log_prefix = format!("--log-prefix={}", prefix.display());
    let printed = pgbench(&["-N", "-c", &clients, "-j", "2", "-T", &secs, "-R", &rate, "-l", &log_prefix, url])?;
    let paced = parse_pgbench(&printed, logged_latencies(dir, &format!("pgbench-{when}."))?)?;
    Ok(PgBench { flat, paced })
}

fn pgbench(args: &[&str]) -> Result<String> {
    let output = Command::new("pgbench").args(args).output().context("cannot run pgbench")?;
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        bail!("pgbench {} failed: {}", args.join(" "), printed.trim());
    }
    Ok(printed)
}

/// Reads pgbench's summary: transactions processed, `tps = …`, `latency average = … ms`.
fn parse_pgbench(printed: &str, mut latencies_us: Vec<u64>) -> Result<PgRun> {
    let after = |label: &str| -> Result<&str> {
        let line = printed.lines().find_map(|l| l.trim().strip_prefix(label));
        let line = line.with_context(|| format!("pgbench printed no `{label}`: {printed}"))?;
        line.split_whitespace().next().with_context(|| format!("pgbench's `{label}` has no value"))
    };
    let number = |label: &str| -> Result<f64> {
        let value = after(label)?;
        value.split('/').next().unwrap_or(value).parse().with_context(|| format!("pgbench's `{label}` is `{value}`"))
    };
    latencies_us.sort_unstable();
    Ok(PgRun {
        transactions: number("number of transactions actually processed:")? as u64,
        tps: number("tps =")?,
        latency_avg_ms: number("latency average =")?,
        latencies_us,
    })
}

/// The latencies of the per-transaction logs in `dir` whose names start with `prefix` (one file
/// per pgbench thread): `client transaction latency_us script epoch epoch_us [lag_us]`.
fn logged_latencies(dir: &Path, prefix: &str) -> Result<Vec<u64>> {
    let mut latencies = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry.with_context(|| format!("cannot list {}", dir.display()))?.path();
        if !path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        // A transaction skipped for being late has `skipped` in place of its latency.
        latencies.extend(text.lines().filter_map(|l| l.split_whitespace().nth(2)?.parse::<u64>().ok()));
    }
    if latencies.is_empty() {
        bail!("pgbench logged no transactions under {}", dir.join(prefix).display());
    }
    Ok(latencies)
}

/// The run as Markdown.
pub fn table(args: &ScaleoutArgs, o: &Outcome) -> String {
    let mut s = format!(
        "### Two instances on one PostgreSQL database: {} cases/s for {} s over {} connections{}, {} reports\n\n\
         | instance | due | sent | 201 | errors | achieved /s | p50 ms | p95 ms | p99 ms | max ms |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        args.rate,
        args.secs,
        args.connections,
        if args.only_a { " (both halves sent to A; B idle)" } else { "" },
        match args.workload {
            Reports::Hotline => "hotline (a child of its own, one report in three a repeat)",
            Reports::SameFour => "same-four (four children reported again and again)",
        }
    );
    let due = (args.rate * args.secs as f64 / 2.0).round() as u64;
    let rows = [
        (format!("A (pid {})", o.pids[0]), due, &o.a),
        (format!("B (pid {})", o.pids[1]), due, &o.b),
        ("together".to_owned(), 2 * due, &o.both),
    ];
    for (name, due, st) in rows {
        let _ = writeln!(
            s,
            "| {name} | {due} | {} | {} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} |",
            st.ok + st.errors,
            st.ok,
            st.errors,
            st.rate(),
            st.percentile_ms(50.0),
            st.percentile_ms(95.0),
            st.percentile_ms(99.0),
            st.max_ms()
        );
    }
    for (name, st) in [("A", &o.a), ("B", &o.b)] {
        for (kind, n) in st.error_kinds.iter().take(10) {
            let _ = writeln!(s, "- {name} error ×{n}: `{kind}`");
        }
    }
    let by_second: Vec<String> =
        o.both.slowest_by_second.iter().map(|(second, us)| format!("{second}: {:.0}", *us as f64 / 1000.0)).collect();
    let _ = writeln!(s, "\nThe slowest request due in each second of the load, ms: {}\n", by_second.join(", "));
    if let Some(cpu) = &o.cpu {
        let _ = writeln!(s, "{}\n", cpu.line(o.both.ok as usize, args.rate));
    }
    s.push_str(&pgbench_table(args, o));
    s.push_str(&jobs_table(o));
    let _ = writeln!(
        s,
        "- cases: {} acknowledged, {} in the database, {} acknowledged but missing",
        o.acked,
        o.cases_in_db,
        o.missing.len()
    );
    for id in o.missing.iter().take(10) {
        let _ = writeln!(s, "  - MISSING: case {id}");
    }
    let _ = writeln!(s, "- audit: {} `{}`", if o.audit.0 { "passed" } else { "FAILED" }, o.audit.1);
    for (name, warnings) in ["A", "B"].iter().zip(&o.warnings) {
        let _ = writeln!(s, "- instance {name} logged {} warnings or errors", warnings.len());
        for line in warnings.iter().take(3) {
            let _ = writeln!(s, "  - `{}`", line.trim());
        }
    }
    s.push_str(&waits_list(&o.waits));
    let cases = o.cases_in_db.max(1) as f64;
    let _ = writeln!(
        s,
        "- rows read over the run (`pg_stat_user_tables`; the server's autovacuum is `{}`{}), per case in the database:",
        o.autovacuum,
        args.analyze_after.map(|a| format!(", ANALYZE run {a} s into the load")).unwrap_or_default()
    );
    for (table, scans, seq_rows, idx_rows) in &o.reads {
        let _ = writeln!(
            s,
            "  - `{table}`: {scans} sequential scans reading {seq_rows} rows ({:.0} per case), {idx_rows} rows \
             through indexes ({:.0} per case)",
            *seq_rows as f64 / cases,
            *idx_rows as f64 / cases
        );
    }
    s.push_str(&verdict(args, o));
    s
}

fn pgbench_table(args: &ScaleoutArgs, o: &Outcome) -> String {
    let mut s = format!(
        "\npgbench `-N` (simple update), scale 10, `-c {} -j 2 -T {}` on a scratch database:\n\n\
         | when | run | transactions | tps | latency avg ms | p50 ms | p99 ms | max ms |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
        args.pgbench_clients, args.pgbench_secs
    );
    for (when, bench) in [("before", &o.pgbench_before), ("after", &o.pgbench_after)] {
        for (run, r) in [("flat out".to_owned(), &bench.flat), (format!("`-R {}`", args.rate), &bench.paced)] {
            // The flat-out run logs no transactions, so it has no percentiles.
            let ms =
                |p: f64| Some(r.percentile_ms(p)).filter(|v| !v.is_nan()).map_or(String::new(), |v| format!("{v:.2}"));
            let _ = writeln!(
                s,
                "| {when} | {run} | {} | {:.0} | {:.2} | {} | {} | {} |",
                r.transactions,
                r.tps,
                r.latency_avg_ms,
                ms(50.0),
                ms(99.0),
                ms(100.0)
            );
        }
    }
    s.push('\n');
    s
}

fn jobs_table(o: &Outcome) -> String {
    let mut s = String::from(
        "| job | holder at the end | instance | claimed at | lease until | `job.claimed` entries | taken over |\n\
         |---|---|---|---|---|---:|---:|\n",
    );
    for [job, holder, claimed, until] in &o.jobs.leases {
        let taken = o.jobs.claims.iter().filter(|c| &c.job == job && c.from.is_some()).count();
        let _ = writeln!(
            s,
            "| {job} | `{holder}` | {} | {claimed} | {until} | {} | {taken} |",
            instance_of(holder, o.pids),
            o.jobs.claims_of(job)
        );
    }
    for c in &o.jobs.claims {
        let from = c.from.as_deref().map(|f| format!(" from `{f}`")).unwrap_or_default();
        let _ = writeln!(
            s,
            "{}- audit entry {} at {}: `{}` claimed by {} (`{}`){from}",
            if c.seq == o.jobs.claims[0].seq { "\n" } else { "" },
            c.seq,
            c.at,
            c.job,
            instance_of(&c.holder, o.pids),
            c.holder
        );
    }
    s
}

fn waits_list(w: &Waits) -> String {
    let mut seen: Vec<_> = w.seen.iter().collect();
    seen.sort_by(|x, y| y.1.cmp(x.1));
    let mut s = format!(
        "- `pg_stat_activity` of the run's database, {} samples 50 ms apart; sessions not idle, on average \
         per sample:\n",
        w.samples
    );
    for (what, n) in seen.iter().take(10) {
        let _ = writeln!(s, "  - {what}: {:.2}", **n as f64 / w.samples.max(1) as f64);
    }
    let mut running: Vec<_> = w.running.iter().collect();
    running.sort_by(|x, y| y.1.cmp(x.1));
    let _ = writeln!(s, "- the statements most often seen running (not waiting), in samples:");
    for (query, n) in running.iter().take(5) {
        let _ = writeln!(s, "  - {n}: `{query}`");
    }
    s
}

fn verdict(args: &ScaleoutArgs, o: &Outcome) -> String {
    let both = &o.both;
    let p99 = both.percentile_ms(99.0);
    let due = (args.rate * args.secs as f64).round() as u64;
    // Every request due sent (but for the last one of each connection, at most), none failed,
    // p99 in bounds.
    let held = both.errors == 0 && both.ok + args.connections as u64 >= due && p99 < MAX_P99_MS;
    let pg_p99 = o.pgbench_before.paced.percentile_ms(99.0).max(o.pgbench_after.paced.percentile_ms(99.0));
    let pg_flat = o.pgbench_before.flat.tps.min(o.pgbench_after.flat.tps);
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    format!(
        "\n- {} cases/s asked of two instances: {} of {due} due sent and acknowledged ({:.1}/s), {} errors, \
         p99 {p99:.2} ms (all sent, none failed, p99 < {MAX_P99_MS} ms: {}); pgbench's p99 at the same rate {pg_p99:.2} ms \
         (Homeward / pgbench = {:.1}); the rate asked is {:.2} of pgbench's lower flat-out tps ({pg_flat:.0})\n\
         - no job run twice: {}; every acknowledged case found: {}; audit chain: {}\n\n",
        args.rate,
        both.ok,
        both.rate(),
        both.errors,
        met(held),
        p99 / pg_p99,
        args.rate / pg_flat,
        met(o.jobs.one_holder_each()),
        met(o.missing.is_empty()),
        met(o.audit.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgbench_summaries_are_read() {
        let printed = "transaction type: <builtin: simple update>\nscaling factor: 10\n\
                       number of transactions actually processed: 14999/15000\n\
                       number of failed transactions: 0 (0.000%)\nlatency average = 2.345 ms\n\
                       rate limit schedule lag: avg 0.1 (max 5.0) ms\ninitial connection time = 12.3 ms\n\
                       tps = 499.876543 (without initial connection time)\n";
        let run = parse_pgbench(printed, vec![3000, 1000, 2000]).unwrap();
        assert_eq!(run.transactions, 14999);
        assert_eq!(run.tps, 499.876543);
        assert_eq!(run.latency_avg_ms, 2.345);
        assert_eq!(run.percentile_ms(50.0), 2.0);
        assert_eq!(run.percentile_ms(100.0), 3.0);
        assert!(parse_pgbench("nothing", Vec::new()).is_err());
    }

    #[test]
    fn holders_are_told_apart_by_pid() {
        assert_eq!(instance_of("pid12-0190", [12, 123]), "A");
        assert_eq!(instance_of("pid123-0190", [12, 123]), "B");
        assert_eq!(instance_of("pid1-0190", [12, 123]), "neither");
    }

    #[test]
    fn a_job_taken_over_or_claimed_twice_fails_the_check() {
        let lease = |job: &str, holder: &str| [job.into(), holder.into(), String::new(), String::new()];
        let claim = |job: &str, holder: &str, from: Option<&str>| Claim {
            seq: 1,
            at: String::new(),
            job: job.into(),
            holder: holder.into(),
            from: from.map(Into::into),
        };
        let one = Jobs { leases: vec![lease("linkage", "a")], claims: vec![claim("linkage", "a", None)] };
        assert!(one.one_holder_each());
        let taken = Jobs {
            leases: vec![lease("linkage", "b")],
            claims: vec![claim("linkage", "a", None), claim("linkage", "b", Some("a"))],
        };
        assert!(!taken.one_holder_each());
        let none = Jobs { leases: Vec::new(), claims: Vec::new() };
        assert!(!none.one_holder_each(), "no lease at all means the jobs never ran");
    }
}
