//! `homeward-bench`: how fast Homeward creates cases, against what SQLite alone allows.
//!
//! `plain` writes the rows of a case creation straight into SQLite with Homeward's schema and
//! pragmas; that is the ceiling for a durable (synchronous = FULL) write on this machine.
//! `http` starts the real `homeward` binary and drives `POST /api/v1/cases` with its own small
//! HTTP/1.1 client, first at a fixed rate (latency, measured without coordinated omission) and
//! then flat out (throughput). `all` runs both and prints a Markdown section for BENCHMARKS.md.

mod alerts;
mod client;
mod cpu;
mod detect;
mod evaluation;
mod faults;
mod load;
mod pages;
mod plain;
mod report;
mod scaleout;
mod search;
mod server;
mod size;
mod warnings;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::load::{Cases, Stats, Target};

/// The targets the service is held to.
const MIN_RATIO: f64 = 0.5;
const MAX_P99_MS: f64 = 10.0;

#[derive(Parser)]
#[command(about = "Benchmarks Homeward's case creation against plain SQLite")]
struct Cli {
    /// Where the temporary databases go; each run uses a new directory below it and removes it.
    #[arg(long, global = true)]
    dir: Option<PathBuf>,
    /// Keeps the temporary directories (databases, server log) to inspect them afterwards,
    /// e.g. with `homeward --database sqlite://DIR/homeward.db audit verify`.
    #[arg(long, global = true)]
    keep: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Creates cases straight into SQLite, one transaction each.
    Plain(PlainArgs),
    /// Creates cases through a running Homeward server.
    Http(HttpArgs),
    /// Reads the case desk and a case page, and their API twins, on the demo data.
    Pages(PagesArgs),
    /// Candidate search at intake: the right file's matched records against the left file
    /// indexed (the output of `bench/linkage/synth.py`), beside an exhaustive search.
    Search(SearchArgs),
    /// Detectors across cases on a synthetic store with planted patterns (no server, no
    /// database: the pure engine).
    Detect(DetectArgs),
    /// The detectors through the store: the same scenario played into SQLite through the store's
    /// commands, then one case at a time on the loaded store, then the full re-evaluation.
    Warnings(WarningsArgs),
    /// A child alert published on the demo data, its public page and CAP feed read at a fixed
    /// rate while an operator reads a case page (timed idle and during the surge).
    Alerts(AlertsArgs),
    /// Opens cases and adds contacts at a fixed rate while SIGKILLing the server and starting it
    /// again, then checks that every acknowledged write is there, no case is partial and the
    /// audit chain verifies (nonzero exit otherwise).
    Faults(faults::FaultsArgs),
    /// Two instances on one PostgreSQL database open cases at a fixed rate together, between two
    /// runs of `pgbench` on a scratch database; then checks that every acknowledged case is
    /// there, the audit chain verifies and no background job had two holders (nonzero exit
    /// otherwise).
    Scaleout(scaleout::ScaleoutArgs),
    /// A country's worth of cases on each backend: the `warnings` scenario's store (kept with
    /// --keep) as SQLite holds it and copied into PostgreSQL by `homeward migrate-data`; the
    /// bytes per case, and a case page, filtered lists and a name search read from a server.
    Size(SizeArgs),
    /// Runs `plain`, then `http`, and prints the results as Markdown.
    All {
        #[command(flatten)]
        plain: PlainArgs,
        #[command(flatten)]
        http: HttpArgs,
    },
}

#[derive(Args)]
struct DetectArgs {
    /// Background cases.
    #[arg(long, default_value_t = 1_000_000)]
    cases: usize,
    /// Patterns planted of each kind.
    #[arg(long, default_value_t = 50)]
    planted: usize,
    /// The place-cluster detector's chance threshold (the default rule's unless given).
    #[arg(long)]
    place_alpha: Option<f64>,
    /// The trend detector's chance threshold per series and week (the default rule's unless given).
    #[arg(long)]
    trend_alpha: Option<f64>,
}

#[derive(Args)]
struct WarningsArgs {
    /// Background cases.
    #[arg(long, default_value_t = 1_000_000)]
    cases: usize,
    /// Patterns planted of each kind.
    #[arg(long, default_value_t = 50)]
    planted: usize,
    /// Cases timed one at a time on the loaded store, of each sort (related, unrelated).
    #[arg(long, default_value_t = 2000)]
    measure: usize,
    /// A store this scenario (the same --cases and --planted) was loaded into before, kept with
    /// --keep: only the timings are taken again.
    #[arg(long)]
    reuse: Option<PathBuf>,
}

/// The targets for the detectors through the store: one case's assessment and detectors at the
/// 99th percentile, and the full re-evaluation of every case.
const MAX_DETECT_P99_MS: f64 = 5.0;
const MAX_RESCAN_S: f64 = 60.0;

#[derive(Args)]
struct SizeArgs {
    /// The `homeward` binary (build it with `cargo build --release -p homeward`).
    #[arg(long)]
    homeward: PathBuf,
    /// The SQLite store `homeward-bench warnings --keep` loaded (DIR/warnings.db).
    #[arg(long)]
    store: PathBuf,
    /// A PostgreSQL server (postgres://user@host:port/database) to copy the store into; a new
    /// database is created there and kept. Without it only SQLite is measured.
    #[arg(long)]
    postgres_url: Option<String>,
    /// Times each kind of read is timed (after ten rounds of warm-up).
    #[arg(long, default_value_t = 300)]
    requests: usize,
    /// First gives every case without a contact one, through the store's command (the
    /// `warnings` scenario opens its cases without one). Changes the store.
    #[arg(long)]
    add_contacts: bool,
}

#[derive(Args)]
struct PagesArgs {
    /// The `homeward` binary to benchmark (build it with `cargo build --release -p homeward`).
    #[arg(long)]
    homeward: PathBuf,
    /// Cases `homeward demo` writes first.
    #[arg(long, default_value_t = 2000)]
    demo_cases: u32,
    /// Open cases on the desk of the demo's Greek operator, topped up through the API.
    #[arg(long, default_value_t = 5000)]
    open_cases: u64,
    /// Events on the case whose page is read.
    #[arg(long, default_value_t = 300)]
    events: usize,
    /// Times each address is read (after ten rounds of warm-up).
    #[arg(long, default_value_t = 300)]
    requests: usize,
}

#[derive(Args)]
struct AlertsArgs {
    /// The `homeward` binary to benchmark (build it with `cargo build --release -p homeward`).
    #[arg(long)]
    homeward: PathBuf,
    /// Cases `homeward demo` writes first.
    #[arg(long, default_value_t = 2000)]
    demo_cases: u32,
    /// Public requests a second during the surge (half to the alert's page, half to the feed).
    #[arg(long, default_value_t = 2000.0)]
    rate: f64,
    /// How long the surge lasts, in seconds (and each idle reading of the case page).
    #[arg(long, default_value_t = 30)]
    secs: u64,
    /// Keep-alive connections the surge spreads its requests over.
    #[arg(long, default_value_t = 64)]
    connections: usize,
}

/// The targets of the alert surge: the public's p99, and the operator's case page p95 during
/// the surge against its idle p95.
const MAX_PUBLIC_P99_MS: f64 = 50.0;
const MAX_CASE_PAGE_SLOWDOWN: f64 = 2.0;

/// The target for a page: its 95th percentile, in milliseconds.
const MAX_PAGE_P95_MS: f64 = 20.0;

#[derive(Args)]
struct SearchArgs {
    /// The folder `bench/linkage/synth.py --dir` wrote (left.csv, right.csv, truth.csv).
    #[arg(long)]
    data: PathBuf,
    /// Queries asked of the index.
    #[arg(long, default_value_t = 2000)]
    queries: usize,
    /// Of those, how many the exhaustive baseline answers too (each compares every record).
    #[arg(long, default_value_t = 100)]
    exhaustive: usize,
}

/// The targets for candidate search: p95 of one query, and the share of queries whose true
/// match is in the top ten.
const MAX_SEARCH_P95_MS: f64 = 10.0;
const MIN_SEARCH_RECALL: f64 = 0.99;

#[derive(Args)]
struct PlainArgs {
    /// How long the baseline runs, in seconds.
    #[arg(long, default_value_t = 20)]
    plain_secs: u64,
}

#[derive(Args)]
struct HttpArgs {
    /// The `homeward` binary to benchmark (build it with `cargo build --release -p homeward`).
    #[arg(long)]
    homeward: PathBuf,
    /// Requests a second in the open loop.
    #[arg(long, default_value_t = 500.0)]
    rate: f64,
    /// How long the open loop runs, in seconds.
    #[arg(long, default_value_t = 60)]
    open_secs: u64,
    /// Keep-alive connections the open loop spreads its requests over.
    #[arg(long, default_value_t = 32)]
    open_connections: usize,
    /// How long the closed loop runs, in seconds.
    #[arg(long, default_value_t = 20)]
    closed_secs: u64,
    /// Connections in the closed loop, each with one request in flight.
    #[arg(long, default_value_t = 32)]
    closed_connections: usize,
}

/// What the HTTP benchmark measured.
struct HttpOutcome {
    open: Stats,
    closed: Stats,
    server_warnings: Vec<String>,
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let scratch = Scratch { parent: cli.dir.unwrap_or_else(std::env::temp_dir), keep: cli.keep };
    match cli.command {
        Command::Plain(args) => {
            let outcome = run_plain(&scratch, &args)?;
            print!("{}", plain_table(&outcome));
        }
        Command::Http(args) => {
            let outcome = run_http(&scratch, &args)?;
            print!("{}", http_tables(&args, &outcome));
        }
        Command::Pages(args) => {
            let outcome = run_pages(&scratch, &args)?;
            print!("{}", pages_table(&outcome));
        }
        Command::Alerts(args) => {
            let outcome = run_alerts(&scratch, &args)?;
            print!("{}", alerts_table(&args, &outcome));
        }
        Command::Search(args) => {
            let outcome = search::run(&args.data, args.queries, args.exhaustive)?;
            print!("{}", search_table(&outcome));
        }
        Command::Detect(args) => {
            let mut rules = homeward_risk::detect::Rules::default();
            rules.place_alpha = args.place_alpha.unwrap_or(rules.place_alpha);
            let mut trend = homeward_risk::trend::TrendRules::default();
            trend.alpha = args.trend_alpha.unwrap_or(trend.alpha);
            let outcome = detect::run(args.cases, args.planted, rules, &trend)?;
            print!("{}", detect_table(&outcome));
        }
        Command::Warnings(args) => {
            let dir = scratch.new_dir()?;
            let outcome = warnings::run(&dir.path, args.cases, args.planted, args.measure, args.reuse.as_deref())?;
            print!("{}", warnings_table(&outcome));
        }
        Command::Faults(args) => {
            let mut dir = scratch.new_dir()?;
            let outcome = faults::run(&dir.path, &args, scratch.keep)?;
            print!("{}", faults::table(&outcome));
            if !outcome.passed() {
                // The evidence stays: the ack log, the server's log and the database.
                dir.keep = true;
                eprintln!("keeping {}", dir.path.display());
                anyhow::bail!("acknowledged writes were lost, a case is partial or the audit chain is broken");
            }
        }
        Command::Scaleout(args) => {
            let mut dir = scratch.new_dir()?;
            let outcome = scaleout::run(&dir.path, &args, scratch.keep)?;
            print!("{}", scaleout::table(&args, &outcome));
            if !outcome.correct() {
                // The evidence stays: the instances' logs and pgbench's.
                dir.keep = true;
                eprintln!("keeping {}", dir.path.display());
                anyhow::bail!("an acknowledged case is missing, the audit chain is broken or a job had two holders");
            }
        }
        Command::Size(args) => {
            let dir = scratch.new_dir()?;
            if args.add_contacts {
                let started = std::time::Instant::now();
                let added = size::add_contacts(&args.store)?;
                eprintln!("size: {added} contacts added in {:.0} s", started.elapsed().as_secs_f64());
            }
            let runtime =
                tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start tokio")?;
            let outcome = runtime.block_on(size::run(
                &dir.path,
                &args.store,
                &args.homeward,
                args.postgres_url.as_deref(),
                args.requests,
            ))?;
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            print!("{}", size::markdown(&outcome, &command));
        }
        Command::All { plain, http } => {
            let baseline = run_plain(&scratch, &plain)?;
            let outcome = run_http(&scratch, &http)?;
            print!("{}", all_section(&http, &baseline, &outcome));
        }
    }
    Ok(())
}

fn run_plain(scratch: &Scratch, args: &PlainArgs) -> Result<plain::Outcome> {
    let dir = scratch.new_dir()?;
    eprintln!("plain: creating cases straight into SQLite for {} s…", args.plain_secs);
    plain::run(&dir.path.join("plain.db"), Duration::from_secs(args.plain_secs))
}

fn run_http(scratch: &Scratch, args: &HttpArgs) -> Result<HttpOutcome> {
    let dir = scratch.new_dir()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start tokio")?;
    runtime.block_on(async {
        let server = server::start(&args.homeward, &dir.path).await?;
        eprintln!("http: server listening on {}", server.addr);
        let target = Arc::new(Target { addr: server.addr, token: server.token.clone() });
        let cases = Arc::new(Cases(report::request_bodies()));
        eprintln!(
            "http: open loop, {} requests/s for {} s over {} connections…",
            args.rate, args.open_secs, args.open_connections
        );
        let open_secs = Duration::from_secs(args.open_secs);
        let open = load::open_loop(target.clone(), cases.clone(), args.rate, open_secs, args.open_connections).await?;
        eprintln!("http: closed loop, {} connections for {} s…", args.closed_connections, args.closed_secs);
        let closed_secs = Duration::from_secs(args.closed_secs);
        let closed = load::closed_loop(target, cases, closed_secs, args.closed_connections).await?;
        let server_warnings = server.stop()?;
        Ok(HttpOutcome { open, closed, server_warnings })
    })
}

fn run_pages(scratch: &Scratch, args: &PagesArgs) -> Result<pages::Outcome> {
    let dir = scratch.new_dir()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start tokio")?;
    runtime.block_on(async {
        eprintln!("pages: writing {} demo cases…", args.demo_cases);
        let server = server::start_demo(&args.homeward, &dir.path, args.demo_cases).await?;
        let outcome = pages::run(&server, args.open_cases, args.events, args.requests).await?;
        let warnings = server.stop()?;
        if !warnings.is_empty() {
            eprintln!("pages: the server logged {} warnings or errors, e.g. {}", warnings.len(), warnings[0]);
        }
        Ok(outcome)
    })
}

fn run_alerts(scratch: &Scratch, args: &AlertsArgs) -> Result<alerts::Outcome> {
    let dir = scratch.new_dir()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start tokio")?;
    runtime.block_on(async {
        eprintln!("alerts: writing {} demo cases…", args.demo_cases);
        let server = server::start_demo(&args.homeward, &dir.path, args.demo_cases).await?;
        let outcome = alerts::run(&server, args.rate, Duration::from_secs(args.secs), args.connections).await?;
        let warnings = server.stop()?;
        if !warnings.is_empty() {
            eprintln!("alerts: the server logged {} warnings or errors, e.g. {}", warnings.len(), warnings[0]);
        }
        Ok(outcome)
    })
}

fn alerts_table(args: &AlertsArgs, o: &alerts::Outcome) -> String {
    let mut s = format!(
        "### A child alert under a public surge: {} requests/s for {} s over {} connections

Published in {:.1} ms (alert `{}`).

| what | requests | errors | achieved /s | p50 ms | p95 ms | p99 ms | max ms |
|---|---:|---:|---:|---:|---:|---:|---:|
",
        o.rate,
        args.secs,
        args.connections,
        o.publish.as_secs_f64() * 1000.0,
        o.alert
    );
    let rows = [
        ("public alert page (surge)", &o.page),
        ("CAP feed (surge)", &o.feed),
        ("case page, idle before", &o.case_idle),
        ("case page, during the surge", &o.case_busy),
        ("case page, idle after", &o.case_after),
    ];
    for (what, stats) in rows {
        let _ = writeln!(
            s,
            "| {what} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} |",
            stats.ok,
            stats.errors,
            stats.rate(),
            stats.percentile_ms(50.0),
            stats.percentile_ms(95.0),
            stats.percentile_ms(99.0),
            stats.max_ms()
        );
    }
    let public_p99 = o.page.percentile_ms(99.0).max(o.feed.percentile_ms(99.0));
    let achieved = o.page.rate() + o.feed.rate();
    let slowdown = o.case_busy.percentile_ms(95.0) / o.case_idle.percentile_ms(95.0);
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    let _ = writeln!(
        s,
        "
- public: {achieved:.0} requests/s answered of {:.0} asked, p99 {public_p99:.2} ms (≤ {MAX_PUBLIC_P99_MS} ms at \
         2,000/s or more: {}), {} errors
- case page p95 during the surge / idle before = {slowdown:.2} (≤ {MAX_CASE_PAGE_SLOWDOWN}: {}); idle after / idle \
         before = {:.2}
",
        o.rate,
        met(public_p99 <= MAX_PUBLIC_P99_MS && achieved >= 2000.0 * 0.98 && o.page.errors + o.feed.errors == 0),
        o.page.errors + o.feed.errors,
        met(slowdown <= MAX_CASE_PAGE_SLOWDOWN),
        o.case_after.percentile_ms(95.0) / o.case_idle.percentile_ms(95.0),
    );
    s
}

fn pages_table(o: &pages::Outcome) -> String {
    let mut s = format!(
        "### Pages: the case desk with {} open cases, a case page with {} events\n\n\
         | what | address | requests | p50 ms | p95 ms | max ms | p95 ≤ {MAX_PAGE_P95_MS} ms |\n\
         |---|---|---:|---:|---:|---:|---|\n",
        o.open_cases, o.events
    );
    for (what, path, stats) in &o.rows {
        let p95 = stats.percentile_ms(95.0);
        let _ = writeln!(
            s,
            "| {what} | `{path}` | {} | {:.2} | {p95:.2} | {:.2} | {} |",
            stats.ok,
            stats.percentile_ms(50.0),
            stats.max_ms(),
            if p95 <= MAX_PAGE_P95_MS { "met" } else { "NOT met" }
        );
    }
    let ratio = |a: usize, b: usize| o.rows[a].2.percentile_ms(95.0) / o.rows[b].2.percentile_ms(95.0);
    let _ = writeln!(
        s,
        "\n- desk page p95 / list JSON p95 = {:.2}; case page p95 / (case JSON + events JSON) p95 = {:.2}\n",
        ratio(0, 1),
        o.rows[2].2.percentile_ms(95.0) / (o.rows[3].2.percentile_ms(95.0) + o.rows[4].2.percentile_ms(95.0)),
    );
    s
}

fn search_table(o: &search::Outcome) -> String {
    let p95 = search::percentile_ms(&o.latencies, 95.0);
    let exhaustive_p95 = search::percentile_ms(&o.exhaustive, 95.0);
    let share = |n: usize, of: usize| n as f64 / of.max(1) as f64;
    let recall = share(o.found_top10, o.queries);
    format!(
        "### Candidate search: top 10 of {} indexed children (index built in {:.1} s)\n\n\
         | search | queries | p50 ms | p95 ms | p99 ms | max ms | true match first | in top 10 |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n\
         | index | {} | {:.2} | {p95:.2} | {:.2} | {:.2} | {:.4} | {recall:.4} |\n\
         | exhaustive (baseline) | {} | {:.1} | {exhaustive_p95:.1} | {:.1} | {:.1} | | {:.4} (index on the same queries: {:.4}) |\n\n\
         - p95 ≤ {MAX_SEARCH_P95_MS} ms: {}; true match in the top 10 ≥ {MIN_SEARCH_RECALL}: {}; \
         exhaustive p95 / index p95 = {:.0}\n\n",
        o.indexed,
        o.build.as_secs_f64(),
        o.queries,
        search::percentile_ms(&o.latencies, 50.0),
        search::percentile_ms(&o.latencies, 99.0),
        search::percentile_ms(&o.latencies, 100.0),
        share(o.found_top1, o.queries),
        o.exhaustive_queries,
        search::percentile_ms(&o.exhaustive, 50.0),
        search::percentile_ms(&o.exhaustive, 99.0),
        search::percentile_ms(&o.exhaustive, 100.0),
        share(o.exhaustive_top10, o.exhaustive_queries),
        share(o.index_top10_on_exhaustive, o.exhaustive_queries),
        if p95 <= MAX_SEARCH_P95_MS { "met" } else { "NOT met" },
        if recall >= MIN_SEARCH_RECALL { "met" } else { "NOT met" },
        exhaustive_p95 / p95.max(1e-9),
    )
}

const PATTERN_HEADER: &str = "| detector | planted | of them passing on their own cases (missed) | found | raised by the detectable case or earlier | largest delay | warnings raised or joined | by planted cases | precision |\n\
    |---|---:|---:|---:|---:|---:|---:|---:|---:|\n";

/// One detector's line: what was planted, found, when, and how precise its warnings were.
fn pattern_row(p: &detect::Pattern) -> String {
    let precision = if p.kind == homeward_risk::detect::WarningKind::RepeatEpisodes {
        "(not measured)".to_owned()
    } else {
        format!("{:.3}", p.about_planted as f64 / p.events.max(1) as f64)
    };
    format!(
        "| {} | {} | {} ({}) | {} | {} | {} | {} | {} | {precision} |\n",
        p.label,
        p.planted,
        p.passes_alone,
        p.missed_alone,
        p.found,
        p.delays.iter().filter(|d| **d <= 0).count(),
        p.delays.iter().max().copied().unwrap_or_default(),
        p.events,
        p.about_planted,
    )
}

fn warnings_table(o: &warnings::Outcome) -> String {
    let p = |samples: &[Duration], q| search::percentile_ms(samples, q);
    let (related99, unrelated99) = (p(&o.related, 99.0), p(&o.unrelated, 99.0));
    // The target's figure: the detectors and the assessment of a related case, as the store
    // timed them inside its command. Beside it, as before, the difference of the two whole
    // commands' p99s (which holds the commit's and the machine's noise too).
    let evaluation99 = p(&o.related_evaluation, 99.0);
    let added99 = related99 - unrelated99;
    let plain_ms = 1e3 / o.plain_rate.max(1e-9);
    let row = |label: &str, samples: &[Duration]| {
        format!(
            "| {label} | {} | {:.2} | {:.2} | {:.2} |\n",
            samples.len(),
            p(samples, 50.0),
            p(samples, 99.0),
            p(samples, 100.0)
        )
    };
    let mut out = format!(
        "### Detectors through the store: {} cases loaded in {:.0} s\n\n\
         | one case on the loaded store | n | p50 ms | p99 ms | max ms |\n\
         |---|---:|---:|---:|---:|\n\
         {}{}{}{}\
         | plain SQLite insert of a case's rows (mean, same run) | | {:.2} | | |\n\n\
         Detectors and assessment of a related case, timed in the command: {evaluation99:.2} ms at p99 \
         (target ≤ {MAX_DETECT_P99_MS} ms: {}). The whole related command's p99 less the unrelated one's: {added99:.2} ms.\n\n\
         Full re-evaluation (`Store::rescan_warnings`): {} cases in {:.1} s, {} warnings raised or changed \
         (target < {MAX_RESCAN_S} s: {}).\n\n{PATTERN_HEADER}",
        o.loaded,
        o.load.as_secs_f64(),
        row("related: `create_case` (detectors in the command) + assessment", &o.related),
        row("unrelated: `create_case`, nothing to relate (the store's insert)", &o.unrelated),
        row("related: detectors and assessment alone, timed in the command", &o.related_evaluation),
        row("unrelated: detectors and assessment alone, timed in the command", &o.unrelated_evaluation),
        plain_ms,
        if evaluation99 <= MAX_DETECT_P99_MS { "met" } else { "NOT met" },
        o.rescan_report.cases,
        o.rescan.as_secs_f64(),
        o.rescan_report.changed,
        if o.rescan.as_secs_f64() < MAX_RESCAN_S { "met" } else { "NOT met" },
    );
    for pattern in &o.patterns {
        out.push_str(&pattern_row(pattern));
    }
    out.push_str(
        "\n| stored warnings, counted years | warnings | holding a planted case | precision |\n|---|---:|---:|---:|\n",
    );
    for (label, all, planted) in &o.warnings {
        out.push_str(&format!("| {label} | {all} | {planted} | {:.3} |\n", *planted as f64 / (*all).max(1) as f64));
    }
    out
}

fn detect_table(o: &detect::Outcome) -> String {
    let p = |q| search::percentile_ms(&o.latencies, q);
    let mut out = format!(
        "### Detectors across cases: {} cases in the order the children went missing\n\n\
         | pass | seconds | per case p50 ms | p99 ms | max ms |\n\
         |---|---:|---:|---:|---:|\n\
         | detect (`Detector::add`) | {:.1} | {:.4} | {:.4} | {:.3} |\n\
         | file only (baseline) | {:.2} | | | |\n\n\
         {PATTERN_HEADER}",
        o.cases,
        o.total.as_secs_f64(),
        p(50.0),
        p(99.0),
        p(100.0),
        o.baseline.as_secs_f64(),
    );
    for p in &o.patterns {
        out.push_str(&pattern_row(p));
    }
    let s = &o.surges;
    out.push_str(&format!(
        "| regional surge (`trend::rise`) | {} | | {} | | | {} of {} region-weeks | {} | {:.3} |\n\n",
        s.planted,
        s.found,
        s.alarms,
        s.tested,
        s.found,
        s.found as f64 / s.alarms.max(1) as f64
    ));
    out
}

fn plain_table(outcome: &plain::Outcome) -> String {
    format!(
        "### Plain SQLite baseline\n\n| cases | seconds | cases/s |\n|---:|---:|---:|\n| {} | {:.1} | {:.0} |\n\n",
        outcome.cases,
        outcome.elapsed.as_secs_f64(),
        outcome.rate()
    )
}

fn http_tables(args: &HttpArgs, o: &HttpOutcome) -> String {
    let mut s = String::new();
    let (open, closed) = (&o.open, &o.closed);
    let _ = write!(
        s,
        "### HTTP open loop: {} requests/s for {} s over {} connections\n\n\
         | sent | 201 | errors | achieved/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|\n\
         | {} | {} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |\n\n",
        args.rate,
        args.open_secs,
        args.open_connections,
        open.ok + open.errors,
        open.ok,
        open.errors,
        open.rate(),
        open.percentile_ms(50.0),
        open.percentile_ms(90.0),
        open.percentile_ms(99.0),
        open.percentile_ms(99.9),
        open.max_ms(),
    );
    let _ = write!(
        s,
        "### HTTP closed loop: {} connections for {} s\n\n\
         | 201 | errors | seconds | requests/s | p50 ms | p99 ms | max ms |\n\
         |---:|---:|---:|---:|---:|---:|---:|\n\
         | {} | {} | {:.1} | {:.0} | {:.2} | {:.2} | {:.2} |\n\n",
        args.closed_connections,
        args.closed_secs,
        closed.ok,
        closed.errors,
        closed.elapsed.as_secs_f64(),
        closed.rate(),
        closed.percentile_ms(50.0),
        closed.percentile_ms(99.0),
        closed.max_ms(),
    );
    for (name, stats) in [("open loop", open), ("closed loop", closed)] {
        for (kind, n) in stats.error_kinds.iter().take(10) {
            let _ = writeln!(s, "- {name} error ×{n}: `{kind}`");
        }
    }
    let _ = writeln!(s, "- the server logged {} warnings or errors", o.server_warnings.len());
    for line in o.server_warnings.iter().take(5) {
        let _ = writeln!(s, "  - `{}`", line.trim());
    }
    s.push('\n');
    s
}

fn all_section(args: &HttpArgs, baseline: &plain::Outcome, o: &HttpOutcome) -> String {
    let ratio = o.closed.rate() / baseline.rate();
    let p99 = o.open.percentile_ms(99.0);
    let latency_met = p99 <= MAX_P99_MS && o.open.errors == 0;
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    let mut s = String::from("## Results\n\n");
    s.push_str(&plain_table(baseline));
    s.push_str(&http_tables(args, o));
    let _ = write!(
        s,
        "### Verdict\n\n\
         | requirement | measured | |\n|---|---|---|\n\
         | HTTP max rate / plain rate ≥ {MIN_RATIO} | {:.0} / {:.0} = {ratio:.2} | {} |\n\
         | p99 ≤ {MAX_P99_MS} ms at {} requests/s, no errors | p99 {p99:.2} ms, {} errors | {} |\n",
        o.closed.rate(),
        baseline.rate(),
        verdict(ratio >= MIN_RATIO),
        args.rate,
        o.open.errors,
        verdict(latency_met),
    );
    s
}

/// Where the temporary directories go, and whether they outlive the run.
struct Scratch {
    parent: PathBuf,
    keep: bool,
}

impl Scratch {
    fn new_dir(&self) -> Result<TempDir> {
        let path = self.parent.join(format!("homeward-bench-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
        if self.keep {
            eprintln!("keeping {}", path.display());
        }
        Ok(TempDir { path, keep: self.keep })
    }
}

/// A directory that is removed with everything in it when dropped, unless kept.
struct TempDir {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Failing to clean up a temporary directory is not worth failing the benchmark for.
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
