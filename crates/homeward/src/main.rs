//! The `homeward` binary: reads the settings, picks the database backend from its URL, and runs
//! one of the subcommands. It is the only place that reads the environment.

mod data;
mod demo;
mod import;
mod link;
mod notifications;
mod settings;
mod warnings;

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use homeward_domain::org::{Actor, NewOrganisation, NewUser, OrganisationKind, Role};
use homeward_server::{AppState, ServerConfig};
use settings::Settings;

#[derive(Debug, Parser)]
#[command(name = "homeward", version, about = "Case management and early warning for 116000 missing-children hotlines")]
struct Cli {
    /// Where the data lives: sqlite://PATH or postgres://USER@HOST:PORT/DATABASE (several
    /// instances may serve one PostgreSQL database) [default: sqlite://homeward-data/homeward.db].
    #[arg(long, global = true, env = "HOMEWARD_DATABASE_URL")]
    database: Option<String>,
    /// A TOML settings file (keys: database, bind, secure_cookies, max_body_kib).
    #[arg(long, global = true, env = "HOMEWARD_CONFIG")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the HTTP server.
    Serve {
        /// The address to listen on [default: 127.0.0.1:8080].
        #[arg(long, env = "HOMEWARD_BIND")]
        bind: Option<SocketAddr>,
        /// Fills an empty database with demo data first and prints how to log in.
        #[arg(long)]
        demo: bool,
        /// Marks the session cookie Secure; use whenever Homeward is reached over HTTPS.
        #[arg(long, env = "HOMEWARD_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Administers organisations, users and tokens.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Writes realistic synthetic data (never real people) into the database.
    Demo {
        #[arg(long, default_value_t = demo::DEFAULT_CASES)]
        cases: u32,
        #[arg(long, default_value_t = 116_000)]
        seed: u64,
    },
    /// Finds the same child in one file (deduplication) or across two (linkage); writes the
    /// pairs at or above the threshold as `left_id,right_id,probability`. Here `--config` names
    /// a TOML file that maps other columns (`[columns] id = "rec_id" …`) and the date format.
    Link {
        /// A CSV file: `id,given_name,family_name,date_of_birth,sex,nationality` unless the
        /// config maps other columns.
        left: std::path::PathBuf,
        /// A second CSV file to link the first with; leave out to deduplicate the first.
        right: Option<std::path::PathBuf>,
        /// Where the pairs go.
        #[arg(long)]
        out: std::path::PathBuf,
        /// The lowest match probability written.
        #[arg(long, default_value_t = 0.5)]
        threshold: f64,
        /// Adds an `explanation` column: each field's agreement and its weight in bits.
        #[arg(long)]
        explain: bool,
    },
    /// Loads cases from a file of JSON lines (the body of `POST /api/v1/cases`, plus `case_ref`
    /// and `indicators`) as the user named; writes `line,case_id,case_number,case_ref` for each
    /// case opened. A bad line is reported with its number and skipped.
    Import {
        /// One report a line.
        file: std::path::PathBuf,
        /// The e-mail address of the user the cases are opened as (an operator or case manager).
        #[arg(long = "as")]
        user: String,
    },
    /// Lists the open early warnings of the user's organisation (a supervisor or case manager):
    /// repeat episodes, children gone from one place, identifiers shared by cases.
    Warnings {
        /// The e-mail address of the user who reads them; needed to list.
        #[arg(long = "as")]
        user: Option<String>,
        /// One JSON array instead of text.
        #[arg(long)]
        json: bool,
        /// The warnings acted on or dismissed, instead of the open ones.
        #[arg(long)]
        closed: bool,
        /// Runs every case through the detectors again first (cases stored before the detectors
        /// were, or after their thresholds changed). Holds the database's writer while it runs.
        #[arg(long)]
        rescan: bool,
    },
    /// Checks the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Copies the SQLite database (`--database`) to a new file while the server keeps running:
    /// one consistent moment, then checked (integrity, audit chain). Never overwrites a file.
    Backup {
        /// The backup file to create; it must not exist.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Replaces the SQLite database (`--database`) with a backup, after checking the backup.
    /// STOP THE SERVER FIRST: a database still open is refused. The database replaced is kept
    /// beside it as `<file>.before-restore-<time>`.
    Restore {
        /// The backup file to restore.
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Copies everything (the audit chain included) from a SQLite database into an empty
    /// PostgreSQL one in one transaction, then checks every table's count and the chain. Stop
    /// the server first: what it writes during the copy is not moved.
    MigrateData {
        /// The SQLite database to copy from: sqlite://PATH.
        #[arg(long)]
        from: String,
        /// The empty PostgreSQL database to copy into: postgres://USER@HOST:PORT/DB.
        #[arg(long)]
        to: String,
    },
}

/// The names are the command line's (`create-org`, `create-user`), so they share a prefix.
#[derive(Debug, Subcommand)]
#[allow(clippy::enum_variant_names)]
enum AdminCommand {
    /// Creates an organisation.
    CreateOrg {
        #[arg(long)]
        name: String,
        /// ISO 3166-1 alpha-2 code, e.g. GR.
        #[arg(long)]
        country: String,
        #[arg(long, value_enum, default_value = "hotline")]
        kind: KindArg,
    },
    /// Creates a user and prints a one-time password.
    CreateUser {
        /// The organisation's name.
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// operator, case_manager, supervisor, police_liaison, analyst or admin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Deactivates a user: no more logins; every session and token ends at once.
    DeactivateUser {
        #[arg(long)]
        email: String,
    },
    /// Prints a new API token for a user, once.
    CreateToken {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum KindArg {
    Hotline,
    Ngo,
    PoliceUnit,
    ReceptionCentreOperator,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walks the hash chain; exits non-zero and names the first bad entry.
    Verify,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt().with_target(false).with_writer(std::io::stderr).init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn open(url: &str) -> anyhow::Result<std::sync::Arc<dyn homeward_store::Store>> {
    homeward_store::open(url, homeward_store::system_clock())
        .with_context(|| format!("cannot open the database {}", settings::redact(url)))
}

/// The organisation's own indicator catalogue, when the settings name one.
fn own_catalogue(settings: &Settings) -> anyhow::Result<Option<homeward_risk::Catalogue>> {
    let Some(path) = &settings.risk_catalogue else { return Ok(None) };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the indicator catalogue {}", path.display()))?;
    let catalogue = homeward_risk::Catalogue::parse(&text)
        .with_context(|| format!("the indicator catalogue {} is not valid", path.display()))?;
    tracing::info!(version = %catalogue.version, "using the indicator catalogue {}", path.display());
    Ok(Some(catalogue))
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Linking files needs no database and reads `--config` as its own column map.
    if let Command::Link { left, right, out, threshold, explain } = cli.command {
        link::run(&link::Args { left, right, out, config: cli.config, threshold, explain })?;
        return Ok(ExitCode::SUCCESS);
    }
    let file = match &cli.config {
        Some(path) => settings::FileSettings::read(path)?,
        None => settings::FileSettings::default(),
    };
    let (bind, secure_cookies) = match &cli.command {
        Command::Serve { bind, secure_cookies, .. } => (*bind, *secure_cookies),
        _ => (None, false),
    };
    let settings =
        Settings::resolve(file, settings::Overrides { database: cli.database.clone(), bind, secure_cookies })?;
    let database = settings.database.as_str();
    match cli.command {
        Command::Serve { demo, .. } => {
            if demo {
                demo::fill_if_empty(database, demo::DEFAULT_CASES, 116_000)?;
            }
            let store = open(database)?;
            let sightings = homeward_server::sightings::SightingLimits {
                per_window: settings.sightings_per_10_minutes,
                trusted_proxy: settings.trusted_proxy,
                ..Default::default()
            };
            let config = ServerConfig {
                secure_cookies: settings.secure_cookies,
                max_body_bytes: settings.max_body_bytes,
                sightings,
            };
            let mut state = AppState::new(store, config).with_response_plan(settings::response_plan(&settings)?);
            if let Some(catalogue) = own_catalogue(&settings)? {
                state = state.with_catalogue(catalogue);
            }
            // Notifications: the store queues them for the routes the settings give, the job
            // sends them. Without `[notifications]` nothing is queued.
            let transports = match &settings.notifications {
                Some(n) => Some(n.transports(state.store.as_ref())?),
                None => None,
            };
            if let Some(t) = &transports {
                state.store.use_notification_routes(std::sync::Arc::new(t.routes()));
            }
            serve(settings.bind, state, transports)?;
        }
        Command::Admin { command } => admin(database, command)?,
        Command::Demo { cases, seed } => {
            let summary = demo::fill(database, cases, seed)?;
            println!("{summary}");
        }
        Command::Link { .. } => unreachable!("handled above"),
        Command::Import { file, user } => {
            let store = open(database)?;
            // Cases opened by the import get the response plan's tasks, as through the server.
            store.use_response_plan(std::sync::Arc::new(settings::response_plan(&settings)?));
            let catalogue = match own_catalogue(&settings)? {
                Some(catalogue) => catalogue,
                None => homeward_risk::Catalogue::builtin().context("the built-in indicator catalogue")?,
            };
            let user = store.user_by_email(&user)?.with_context(|| format!("no user has the e-mail address {user}"))?;
            let input = std::fs::File::open(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let actor = homeward_domain::org::Actor::user(&user, "import");
            let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
            let summary =
                import::run(store.as_ref(), &actor, &catalogue, std::io::BufReader::new(input), &mut out, &mut err)?;
            eprintln!(
                "loaded {} cases; {} imported before; skipped {} lines",
                summary.loaded, summary.before, summary.skipped
            );
            if summary.skipped > 0 {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Warnings { user, json, closed, rescan } => {
            let store = open(database)?;
            if rescan {
                let started = std::time::Instant::now();
                let report = store.rescan_warnings().context("cannot re-evaluate the cases")?;
                eprintln!(
                    "re-evaluated {} cases in {:.1} s ({} places filed now); {} warnings raised or changed",
                    report.cases,
                    started.elapsed().as_secs_f64(),
                    report.places_filed,
                    report.changed
                );
            }
            match user {
                Some(user) => {
                    let user = store
                        .user_by_email(&user)?
                        .with_context(|| format!("no user has the e-mail address {user}"))?;
                    let actor = homeward_domain::org::Actor::user(&user, "cli");
                    let views = store.list_warnings(&actor, !closed)?;
                    warnings::write(&views, json, &mut std::io::stdout().lock())?;
                }
                None if rescan => {}
                None => anyhow::bail!(
                    "name the supervisor or case manager who reads the warnings: homeward warnings --as EMAIL"
                ),
            }
        }
        Command::Backup { to } => data::backup(database, &to)?,
        Command::Restore { from } => data::restore(database, &from)?,
        Command::MigrateData { from, to } => data::migrate(&from, &to)?,
        Command::Audit { command: AuditCommand::Verify } => {
            let report = open(database)?.verify_audit().context("cannot read the audit log")?;
            match report.first_bad {
                None => println!("audit chain verified: {} entries, none altered or missing", report.entries),
                Some((seq, why)) => {
                    println!("audit chain BROKEN at entry {seq}: {why}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn serve(
    bind: SocketAddr,
    state: AppState,
    transports: Option<homeward_server::notify::Transports>,
) -> anyhow::Result<()> {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
        let addr = listener.local_addr().context("no local address")?;
        tracing::info!("Homeward is listening on http://{addr} (API at /api/v1, described at /api/v1/openapi.json)");
        println!("Homeward is listening on http://{addr}");
        // This process's name in the job leases: several instances may serve one database, and
        // each background job runs on whichever holds its lease.
        let instance: Instance = std::sync::Arc::from(format!("pid{}-{}", std::process::id(), uuid::Uuid::now_v7()));
        tracing::info!(instance = %instance, "background jobs run while this instance holds their lease");
        tokio::spawn(linkage_follow(state.clone()));
        tokio::spawn(linkage_job(state.clone(), instance.clone()));
        tokio::spawn(escalation_job(state.clone(), instance.clone()));
        tokio::spawn(trend_job(state.clone(), instance.clone()));
        if let Some(transports) = transports.filter(|t| t.is_on()) {
            tokio::spawn(notifications::job(state.store.clone(), transports, instance.clone()));
        }
        tokio::spawn(alert_job(state.clone(), instance));
        tokio::spawn(public_alerts_follow(state.clone()));
        homeward_server::serve(listener, state, shutdown_signal()).await.context("the server stopped with an error")
    })
}

/// The name an instance holds job leases by.
type Instance = std::sync::Arc<str>;

/// Whether this instance holds (or has now taken) the lease of `job` for `lease`: only then does
/// it run the job. A store that cannot answer is taken as "not now" and asked again next turn.
pub(crate) async fn holds(
    store: &std::sync::Arc<dyn homeward_store::Store>,
    job: &'static str,
    instance: &Instance,
    lease: time::Duration,
) -> bool {
    let (store, instance) = (store.clone(), instance.clone());
    match tokio::task::spawn_blocking(move || store.claim_job(job, &instance, lease)).await {
        Ok(Ok(held)) => held,
        Ok(Err(e)) => {
            tracing::error!(error = %e, job, "cannot claim the job's lease; will try again");
            false
        }
        Err(e) => {
            tracing::error!(error = %e, job, "claiming the job's lease stopped unexpectedly");
            false
        }
    }
}

/// How often the linkage job looks for new children.
const LINKAGE_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// How long a job's lease lasts: more than the job's turn and its longest run, so that the holder
/// renews it in time, and short enough that another instance takes over soon after the holder
/// dies.
const LINKAGE_LEASE: time::Duration = time::Duration::minutes(2);
const ALERTS_LEASE: time::Duration = time::Duration::minutes(3);
const ESCALATION_LEASE: time::Duration = time::Duration::minutes(3);
const TRENDS_LEASE: time::Duration = time::Duration::minutes(2);

/// The background linkage job: links the children added since its last run against every child
/// in the store and keeps the likely pairs as suggestions for a person to decide. A failed run
/// (an index that could not be loaded at start included) is logged and tried again at the next
/// turn; it never stops the server.
///
/// When a run leaves children for the next one, the job rests as long as the run took before
/// going on: at most half of one core goes to it, whatever is queued, so reports keep their pace.
///
/// Only the instance holding the lease links; every instance indexes the children the others
/// committed (`linkage_follow`).
async fn linkage_job(state: AppState, instance: Instance) {
    let run = |state: &AppState, _| state.run_linkage_job();
    let after = |report: homeward_server::linkage::JobReport, took| {
        if report.children > 0 {
            tracing::info!(
                children = report.children,
                suggested = report.suggested,
                more = report.more,
                "linked new children against the store"
            );
        }
        report.more.then_some(took)
    };
    leased_job(state, instance, ("linkage", "the linkage job"), LINKAGE_LEASE, LINKAGE_EVERY, run, after).await;
}

/// How often every instance indexes the children the others committed.
const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Keeps this instance's candidate index as the store has it, whichever instance (or import)
/// committed the children: a report here finds a child reported on another instance a second
/// before. Read every second, a look costs a few hundred children at most, where a look every
/// half minute read and indexed thousands at once while this instance's reports waited for the
/// index. A failed look is logged and tried again.
async fn linkage_follow(state: AppState) {
    loop {
        tokio::time::sleep(FOLLOW_EVERY).await;
        let follow = state.clone();
        match tokio::task::spawn_blocking(move || follow.follow_linkage()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "cannot index the children other instances took"),
            Err(e) => tracing::error!(error = %e, "indexing the children of other instances stopped unexpectedly"),
        }
    }
}

/// How often the alert job expires alerts whose end has passed.
const ALERTS_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// The background alert job: every minute, the published child alerts whose end time has passed
/// are expired and the public snapshot rendered again (the public URLs already stop serving an
/// alert at its end; this records it and audits it). A failed run is logged and tried again.
async fn alert_job(state: AppState, instance: Instance) {
    let run = |state: &AppState, now| state.run_alert_job(now);
    let after = |report: homeward_server::alerts::JobReport, _| {
        if report.expired > 0 {
            tracing::info!(expired = report.expired, "child alerts expired");
        }
        None
    };
    leased_job(state, instance, ("alerts", "the alert job"), ALERTS_LEASE, ALERTS_EVERY, run, after).await;
}

/// How often every instance renders its public alert pages again from the store: a change made
/// through another instance (a cancellation above all) reaches this one's public pages within
/// this time. One small read, whatever the public's load.
const PUBLIC_ALERTS_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Keeps this instance's public alert pages as the store has them, whichever instance changed
/// an alert. A failed read is logged and tried again.
async fn public_alerts_follow(state: AppState) {
    loop {
        tokio::time::sleep(PUBLIC_ALERTS_EVERY).await;
        let run = state.clone();
        let now = time::OffsetDateTime::now_utc();
        match tokio::task::spawn_blocking(move || run.refresh_public_alerts(now)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "cannot render the public alerts again; will try again"),
            Err(e) => tracing::error!(error = %e, "rendering the public alerts stopped unexpectedly"),
        }
    }
}

/// How often the escalation job checks the response targets and due tasks.
const ESCALATION_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// The background escalation job: every minute, every case not closed against the response
/// targets and its tasks' due times; a deadline missed is raised once, and again while nobody
/// acknowledges it. A failed run is logged and tried again at the next turn.
async fn escalation_job(state: AppState, instance: Instance) {
    let run = |state: &AppState, now| state.run_escalation_job(now);
    let after = |report: homeward_store::EscalationReport, _| {
        if report.raised > 0 || report.repeated > 0 {
            tracing::info!(raised = report.raised, repeated = report.repeated, "escalations raised");
        }
        None
    };
    leased_job(state, instance, ("escalations", "the escalation job"), ESCALATION_LEASE, ESCALATION_EVERY, run, after)
        .await;
}

/// How often the trend job tests the weeks counted since its last run: a trend warning comes
/// at most this long after the report that tips its week.
const TRENDS_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The background trend job: every few seconds, each week of a category or region that has new
/// reports is tested against its baseline (`Store::test_trends`), outside the reports' own
/// transactions. A run that leaves weeks for the next goes on at once. A failed run is logged
/// and tried again at the next turn.
async fn trend_job(state: AppState, instance: Instance) {
    let run = |state: &AppState, _| state.store.test_trends();
    let after = |run: homeward_store::TrendTest, _| {
        if run.changed > 0 {
            tracing::info!(weeks = run.weeks, changed = run.changed, "trend warnings raised or updated");
        }
        run.more.then_some(std::time::Duration::ZERO)
    };
    leased_job(state, instance, ("trends", "the trend job"), TRENDS_LEASE, TRENDS_EVERY, run, after).await;
}

/// A background job that runs on one instance at a time: while this instance holds the lease
/// named `job.0`, `run` runs on the blocking pool (given the time its turn began) every
/// `every`, or after the pause `after` asks for instead (at once, or as long as the run took,
/// while work is left); `after` also logs what the run did. A failed run is logged, naming the
/// job as `job.1`, and tried again at the next turn; it never stops the server.
async fn leased_job<R: Send + 'static>(
    state: AppState,
    instance: Instance,
    job: (&'static str, &'static str),
    lease: time::Duration,
    every: std::time::Duration,
    run: impl Fn(&AppState, time::OffsetDateTime) -> Result<R, homeward_store::StoreError> + Clone + Send + 'static,
    after: impl Fn(R, std::time::Duration) -> Option<std::time::Duration>,
) {
    let (lease_name, what) = job;
    loop {
        let started = std::time::Instant::now();
        let now = time::OffsetDateTime::now_utc();
        let mut pause = every;
        if holds(&state.store, lease_name, &instance, lease).await {
            let (state, run) = (state.clone(), run.clone());
            match tokio::task::spawn_blocking(move || run(&state, now)).await {
                Ok(Ok(report)) => pause = after(report, started.elapsed()).unwrap_or(every),
                Ok(Err(e)) => tracing::error!(error = %e, "{what} failed; it will try again"),
                Err(e) => tracing::error!(error = %e, "{what} stopped unexpectedly; it will try again"),
            }
        }
        tokio::time::sleep(pause).await;
    }
}

/// Resolves on Ctrl-C or SIGTERM (what service managers send), so requests in flight finish.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("shutting down after the requests in flight");
}

fn admin(database: &str, command: AdminCommand) -> anyhow::Result<()> {
    let store = open(database)?;
    let cli = Actor::command_line();
    match command {
        AdminCommand::CreateOrg { name, country, kind } => {
            let kind = match kind {
                KindArg::Hotline => OrganisationKind::Hotline,
                KindArg::Ngo => OrganisationKind::Ngo,
                KindArg::PoliceUnit => OrganisationKind::PoliceUnit,
                KindArg::ReceptionCentreOperator => OrganisationKind::ReceptionCentreOperator,
            };
            let org = store.create_organisation(&cli, NewOrganisation { name, kind, country })?;
            println!("created organisation {} ({}, {}) with id {}", org.name, org.country, kind_name(org.kind), org.id);
        }
        AdminCommand::CreateUser { org, email, role, name } => {
            let Some(role) = Role::parse(&role) else {
                bail!(
                    "unknown role `{role}`; choose one of: {}",
                    Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
                );
            };
            let organisation = store.organisation_by_name(&org)?.with_context(|| {
                format!("no organisation is named `{org}`; create it with `homeward admin create-org`")
            })?;
            let created = store.create_user(
                &cli,
                NewUser { email, display_name: name, role, organisation_id: Some(organisation.id) },
            )?;
            println!("created {} {} in {}", created.user.role, created.user.email, organisation.name);
            println!("one-time password (shown once; it must be changed at first login): {}", created.password);
        }
        AdminCommand::DeactivateUser { email } => {
            let user =
                store.user_by_email(&email)?.with_context(|| format!("no user has the e-mail address {email}"))?;
            store.set_user_active(&cli, user.id, false)?;
            println!("deactivated {}; their sessions and API tokens no longer work", user.email);
        }
        AdminCommand::CreateToken { email, name } => {
            let user =
                store.user_by_email(&email)?.with_context(|| format!("no user has the e-mail address {email}"))?;
            let token = store.create_api_token(&cli, user.id, &name)?;
            println!("API token for {} (shown once; send it as `Authorization: Bearer <token>`):", user.email);
            println!("{token}");
        }
    }
    Ok(())
}

fn kind_name(kind: OrganisationKind) -> &'static str {
    match kind {
        OrganisationKind::Hotline => "hotline",
        OrganisationKind::Ngo => "NGO",
        OrganisationKind::PoliceUnit => "police unit",
        OrganisationKind::ReceptionCentreOperator => "reception centre operator",
    }
}
