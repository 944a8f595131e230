//! The load and fault harness: opens cases and adds contacts to them at a fixed rate over many
//! connections while SIGKILLing the server at random moments and starting it again, then checks
//! that nothing the client saw acknowledged was lost.
//!
//! An acknowledgement is a `201` whose body names what was written: the case's id, or the new
//! contact's id (found by the unique summary the request gave it). Each is appended to a log
//! file as it arrives, and that log is what is checked afterwards. A request that failed for any
//! reason (refused while the server was down, cut off by the kill, an error answer) is not
//! acknowledged; it is counted by kind and never retried — a retry would be a new request.
//!
//! The check opens the killed database with the store's own code, as a restarted server does:
//! every acknowledged case and contact must be there; every case row must be whole (its first
//! event `opened`, a `contact_added` event, the stored projection equal to what its events make,
//! the case readable with its child and one contact for each `contact_added` event), and every
//! child must belong to a case; and `homeward audit verify` must pass.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use homeward_domain::case::{Case, CaseEventKind};
use homeward_domain::linkage::LinkageSeq;
use homeward_domain::org::Actor;
use homeward_store::Store;
use tokio::time::{Instant, sleep};

use crate::detect::Rng;
use crate::load::{self, Request, Stats, Target, Workload};
use crate::{report, server};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(clap::Args)]
pub struct FaultsArgs {
    /// The `homeward` binary to start and kill.
    #[arg(long)]
    pub homeward: PathBuf,
    #[arg(long, value_enum, default_value = "sqlite")]
    pub backend: Backend,
    /// For `--backend postgres`: a database URL on the server to use
    /// (`postgres://postgres@127.0.0.1:5432/postgres`); a new database is created beside it for
    /// the run and dropped afterwards (unless `--keep`).
    #[arg(long)]
    pub postgres_url: Option<String>,
    /// How many times the server is killed with SIGKILL under load and started again.
    #[arg(long, default_value_t = 20)]
    pub kills: u32,
    /// Requests a second: every other one opens a case, the rest add a contact to an
    /// acknowledged case.
    #[arg(long, default_value_t = 200.0)]
    pub rate: f64,
    /// Keep-alive connections the requests are spread over.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// The shortest time the server runs under load before it is killed, in milliseconds.
    #[arg(long, default_value_t = 500)]
    pub min_up_ms: u64,
    /// The longest time the server runs under load before it is killed, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    pub max_up_ms: u64,
    /// Seeds the choice of the moments of the kills and of the cases contacts are added to.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// What a run saw and what the check found.
pub struct Outcome {
    pub backend: Backend,
    pub kills: u32,
    pub load: Stats,
    pub check: Check,
    /// What `homeward audit verify` printed, and whether it passed.
    pub audit: (bool, String),
    pub server_warnings: Vec<String>,
    pub ack_log: PathBuf,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.check.lost.is_empty() && self.check.partial.is_empty() && self.audit.0
    }
}

/// The database against the acknowledgements.
pub struct Check {
    pub acked_cases: usize,
    pub acked_contacts: usize,
    pub found_cases: usize,
    pub found_contacts: usize,
    /// Acknowledged ids missing afterwards (`case ID` or `contact ID of case ID`).
    pub lost: Vec<String>,
    /// What is wrong with each case or child that is not whole.
    pub partial: Vec<String>,
    /// Case and contact rows in the database in all (acknowledged or not).
    pub cases_in_db: usize,
    pub contacts_in_db: usize,
}

/// Runs the harness in `dir` (the ack log and the server's log go there, and the SQLite
/// database).
pub fn run(dir: &Path, args: &FaultsArgs, keep: bool) -> Result<Outcome> {
    if args.min_up_ms > args.max_up_ms || args.rate <= 0.0 || args.connections == 0 {
        bail!("--min-up-ms must not exceed --max-up-ms, and --rate and --connections must be positive");
    }
    let mut database = Database::create(args, dir, keep)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start tokio")?;
    let ack_log = dir.join("acks.log");
    let (load, server_warnings) = runtime.block_on(drive(args, dir, &database.url, &ack_log))?;
    drop(runtime);
    eprintln!("faults: load over, checking the database…");
    let check = check(&database.url, &Acks::read(&ack_log)?)?;
    let audit = audit_verify(&args.homeward, &database.url)?;
    if !(check.lost.is_empty() && check.partial.is_empty() && audit.0)
        && let Some(name) = database.keep()
    {
        eprintln!("faults: keeping the PostgreSQL database {name} for inspection");
    }
    Ok(Outcome { backend: args.backend, kills: args.kills, load, check, audit, server_warnings, ack_log })
}

/// Starts the server, runs the load, and kills and restarts the server `kills` times while the
/// load runs. Answers the load's counts and what the server logged as warnings or errors.
async fn drive(args: &FaultsArgs, dir: &Path, url: &str, ack_log: &Path) -> Result<(Stats, Vec<String>)> {
    let mut server = server::start_on(&args.homeward, dir, url).await?;
    eprintln!("faults: server on {} ({}), {} kills under {} requests/s…", server.addr, url, args.kills, args.rate);
    let target = Arc::new(Target { addr: server.addr, token: server.token.clone() });
    let log = File::create(ack_log).with_context(|| format!("cannot create {}", ack_log.display()))?;
    // Xorshift stays at zero from zero, so a zero seed is taken as one.
    let mut rng = Rng(args.seed.max(1));
    let workload = Arc::new(Reports {
        bodies: report::request_bodies(),
        cases: Mutex::new(Vec::new()),
        rng: Mutex::new(Rng(rng.next().max(1))),
        log: Mutex::new(log),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let load = tokio::spawn(load::open_loop_until(target, workload, args.rate, args.connections, stop.clone()));

    let result = kill_and_restart(&mut server, args, &mut rng).await;
    // The load runs on a little after the last restart, so that the restarted server serves too.
    sleep(Duration::from_millis(args.min_up_ms)).await;
    stop.store(true, Ordering::Relaxed);
    let stats = load.await.context("the load task failed")??;
    result?;
    // Nothing is in flight now; the server is stopped the same way, and the check opens the
    // database as a restarted server would.
    let warnings = server.stop()?;
    Ok((stats, warnings))
}

async fn kill_and_restart(server: &mut server::Server, args: &FaultsArgs, rng: &mut Rng) -> Result<()> {
    for kill in 1..=args.kills {
        let up = args.min_up_ms + rng.below(args.max_up_ms - args.min_up_ms + 1);
        sleep(Duration::from_millis(up)).await;
        server.sigkill()?;
        let down = Instant::now();
        server.restart().await.with_context(|| format!("the server did not come back after kill {kill}"))?;
        eprintln!(
            "faults: kill {kill} after {up} ms up; serving again after {:.0} ms",
            down.elapsed().as_secs_f64() * 1e3
        );
    }
    Ok(())
}

/// Opens cases (even requests) and adds contacts to cases already acknowledged (odd ones),
/// appending every acknowledgement to the log as it arrives.
struct Reports {
    bodies: Arc<Vec<Vec<u8>>>,
    /// The acknowledged cases, which contacts are added to.
    cases: Mutex<Vec<String>>,
    rng: Mutex<Rng>,
    log: Mutex<File>,
}

enum Sent {
    Case,
    Contact { case: String, summary: String },
}

impl Reports {
    fn acknowledge(&self, line: &str) -> Result<(), String> {
        let mut log = self.log.lock().map_err(|_| "the ack log's lock is poisoned".to_owned())?;
        writeln!(log, "{line}").map_err(|e| format!("cannot append to the ack log: {e}"))
    }

    fn some_case(&self) -> Option<String> {
        let cases = self.cases.lock().ok()?;
        let mut rng = self.rng.lock().ok()?;
        let i = rng.below(cases.len() as u64) as usize;
        cases.get(i).cloned()
    }
}

impl Workload for Reports {
    type Sent = Sent;

    fn request(&self, n: u64) -> Request<'_, Sent> {
        if n % 2 == 1
            && let Some(case) = self.some_case()
        {
            let summary = format!("Fault harness contact {n}: the neighbour saw her at the kiosk");
            let body = serde_json::json!({"channel": "phone", "received_at": report::RECEIVED_AT, "summary": summary});
            return Request {
                path: format!("/api/v1/cases/{case}/contacts").into(),
                body: body.to_string().into_bytes().into(),
                sent: Sent::Contact { case, summary },
            };
        }
        let body = &self.bodies[n as usize % self.bodies.len()];
        Request { path: "/api/v1/cases".into(), body: body.as_slice().into(), sent: Sent::Case }
    }

    fn created(&self, sent: Sent, body: &[u8]) -> Result<(), String> {
        let view: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| format!("a 201 whose body is not JSON: {e}"))?;
        match sent {
            Sent::Case => {
                let id = view["id"].as_str().ok_or("a 201 for a case without its id")?.to_owned();
                self.acknowledge(&format!("case {id}"))?;
                self.cases.lock().map_err(|_| "the cases' lock is poisoned".to_owned())?.push(id);
            }
            Sent::Contact { case, summary } => {
                let contacts = view["contacts"].as_array().ok_or("a 201 for a contact without the contacts")?;
                let id = contacts
                    .iter()
                    .find(|c| c["summary"] == summary.as_str())
                    .and_then(|c| c["id"].as_str())
                    .ok_or("a 201 for a contact that does not list it")?;
                self.acknowledge(&format!("contact {id} {case}"))?;
            }
        }
        Ok(())
    }
}

/// The acknowledgements the log holds: case ids, and contact ids with their case's id.
struct Acks {
    cases: Vec<String>,
    contacts: Vec<(String, String)>,
}

impl Acks {
    fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut acks = Acks { cases: Vec::new(), contacts: Vec::new() };
        for line in text.lines() {
            match line.split(' ').collect::<Vec<_>>()[..] {
                ["case", id] => acks.cases.push(id.to_owned()),
                ["contact", id, case] => acks.contacts.push((id.to_owned(), case.to_owned())),
                _ => bail!("{}: a line that is no acknowledgement: `{line}`", path.display()),
            }
        }
        Ok(acks)
    }
}

/// Opens the database with the store and compares it with the acknowledgements.
fn check(url: &str, acks: &Acks) -> Result<Check> {
    let store = homeward_store::open(url, homeward_store::system_clock()).context("cannot open the killed database")?;
    let user = store.user_by_email(server::EMAIL)?.context("the operator is gone")?;
    let actor = Actor::user(&user, "fault-harness");
    let mut partial = Vec::new();

    // Every case row: none is ever closed here, and these are all cases not closed.
    let cases = store.response_cases().context("cannot read the cases with their events")?;
    let listed = store.list_cases(&actor, homeward_domain::view::CaseFilter { limit: 1, ..Default::default() })?;
    if listed.total != cases.len() as u64 {
        partial.push(format!("the case list counts {} cases, the case rows are {}", listed.total, cases.len()));
    }
    let mut children = children(&*store)?;
    for (case, events) in &cases {
        if let Some(problem) = skeleton_problem(case, events) {
            partial.push(format!("case {}: {problem}", case.id));
        }
        if !children.remove(&case.child_id.to_string()) {
            partial.push(format!("case {}: its child {} is not among the children", case.id, case.child_id));
        }
    }
    for child in &children {
        partial.push(format!("child {child} belongs to no case"));
    }

    // Every case read whole, as a reader gets it; reads are audited, so they go through the
    // writer, and a few at a time let it commit them together.
    let found = read_all(&*store, &actor, &cases)?;
    let mut contacts = HashMap::new();
    for (id, result) in found {
        match result {
            Ok(owned) => contacts.extend(owned.into_iter().map(|c| (c, id.clone()))),
            Err(problem) => partial.push(format!("case {id}: {problem}")),
        }
    }

    let case_ids: HashSet<String> = cases.iter().map(|(c, _)| c.id.to_string()).collect();
    let mut lost: Vec<String> =
        acks.cases.iter().filter(|id| !case_ids.contains(*id)).map(|id| format!("case {id}")).collect();
    let found_cases = acks.cases.len() - lost.len();
    let mut found_contacts = 0;
    for (id, case) in &acks.contacts {
        if contacts.get(id) == Some(case) {
            found_contacts += 1;
        } else {
            lost.push(format!("contact {id} of case {case}"));
        }
    }
    Ok(Check {
        acked_cases: acks.cases.len(),
        acked_contacts: acks.contacts.len(),
        found_cases,
        found_contacts,
        lost,
        partial,
        cases_in_db: cases.len(),
        contacts_in_db: contacts.len(),
    })
}

/// Every child's id, as the linkage index reads them.
fn children(store: &dyn Store) -> Result<HashSet<String>> {
    let mut ids = HashSet::new();
    let mut after = LinkageSeq(0);
    loop {
        let page = store.linkage_records(after, 1000).context("cannot read the children")?;
        let Some(last) = page.last() else { return Ok(ids) };
        after = last.seq;
        ids.extend(page.iter().map(|r| r.child_id.to_string()));
    }
}

/// What is wrong with a case's skeleton: its events must open it, add its first contact, and
/// make exactly the stored projection.
fn skeleton_problem(case: &Case, events: &[homeward_domain::case::CaseEvent]) -> Option<String> {
    if !matches!(events.first().map(|e| &e.kind), Some(CaseEventKind::Opened { .. })) {
        return Some("its first event is not `opened`".into());
    }
    if !events.iter().any(|e| matches!(e.kind, CaseEventKind::ContactAdded { .. })) {
        return Some("it has no `contact_added` event".into());
    }
    match Case::from_events(events) {
        Ok(made) if made == *case => None,
        Ok(made) => Some(format!("the stored projection {case:?} is not what its events make: {made:?}")),
        Err(e) => Some(format!("its events do not make a case: {e}")),
    }
}

/// One case read back: its id, and the ids of its contacts or what is wrong with it.
type ReadBack = (String, Result<Vec<String>, String>);

/// Reads every case with `get_case` on a few threads.
fn read_all(
    store: &dyn Store,
    actor: &Actor,
    cases: &[(Case, Vec<homeward_domain::case::CaseEvent>)],
) -> Result<Vec<ReadBack>> {
    const READERS: usize = 8;
    let chunk = cases.len().div_ceil(READERS).max(1);
    std::thread::scope(|scope| {
        let readers: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|(case, events)| read_one(store, actor, case, events)).collect())
            })
            .collect();
        let mut all: Vec<ReadBack> = Vec::with_capacity(cases.len());
        for reader in readers {
            let part: Vec<_> = reader.join().map_err(|_| anyhow::anyhow!("a reader thread panicked"))?;
            all.extend(part);
        }
        Ok(all)
    })
}

fn read_one(store: &dyn Store, actor: &Actor, case: &Case, events: &[homeward_domain::case::CaseEvent]) -> ReadBack {
    let id = case.id.to_string();
    let view = match store.get_case(actor, case.id) {
        Ok(view) => view,
        Err(e) => return (id, Err(format!("the store cannot read it: {e}"))),
    };
    if view.child.is_none() {
        return (id, Err("it is read without its child".into()));
    }
    let mut added: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.kind {
            CaseEventKind::ContactAdded { contact_id } => Some(contact_id.to_string()),
            _ => None,
        })
        .collect();
    let mut stored: Vec<String> = view.contacts.iter().map(|c| c.id.to_string()).collect();
    added.sort();
    stored.sort();
    if added != stored {
        return (id, Err(format!("its `contact_added` events name {added:?}, its contacts are {stored:?}")));
    }
    (id, Ok(stored))
}

/// Runs `homeward audit verify`; answers whether it passed and what it printed.
pub(crate) fn audit_verify(bin: &Path, url: &str) -> Result<(bool, String)> {
    let output = Command::new(bin)
        .args(["--database", url, "audit", "verify"])
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success(), printed.trim().to_owned()))
}

/// The database of one run: a SQLite file in the run's directory, or a new PostgreSQL database
/// (dropped when the run is over, unless kept).
pub(crate) struct Database {
    pub(crate) url: String,
    /// The server URL and the name of a PostgreSQL database to drop.
    drop: Option<(String, String)>,
}

impl Database {
    fn create(args: &FaultsArgs, dir: &Path, keep: bool) -> Result<Self> {
        match args.backend {
            Backend::Sqlite => {
                Ok(Database { url: format!("sqlite://{}", dir.join("homeward.db").display()), drop: None })
            }
            Backend::Postgres => {
                let server = args.postgres_url.as_deref().context("--backend postgres needs --postgres-url")?;
                Database::postgres(server, "hw_faults", keep)
            }
        }
    }

    /// A new PostgreSQL database on the server `server` names, called `prefix` and a unique
    /// suffix; dropped when this is, unless kept.
    pub(crate) fn postgres(server: &str, prefix: &str, keep: bool) -> Result<Self> {
        if !(server.starts_with("postgres://") || server.starts_with("postgresql://")) {
            bail!("--postgres-url must be a postgres:// URL, not `{server}`");
        }
        let simple = uuid::Uuid::now_v7().simple().to_string();
        let name = format!("{prefix}_{}", &simple[simple.len() - 12..]);
        // Times and ids are compared as text, so the database must sort byte by byte.
        psql(
            server,
            &format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"),
        )?;
        if keep {
            eprintln!("keeping the PostgreSQL database {name}");
        }
        let url = with_database(server, &name);
        Ok(Database { url, drop: (!keep).then(|| (server.to_owned(), name)) })
    }

    /// Keeps the database after the run, for inspection; answers its name when it would have
    /// been dropped.
    pub(crate) fn keep(&mut self) -> Option<String> {
        self.drop.take().map(|(_, name)| name)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.drop
            && let Err(e) = psql(server, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        {
            eprintln!("faults: could not drop the database {name}: {e:#}");
        }
    }
}

/// Runs one SQL statement with `psql` on the database `url` names.
fn psql(url: &str, sql: &str) -> Result<()> {
    let output = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .context("cannot run psql (PostgreSQL's client) to create or drop the run's database")?;
    if !output.status.success() {
        bail!("psql `{sql}` failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}

/// The URL of database `name` on the server `url` names (its path replaced, its query kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_at = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_at..].find('/') {
        Some(slash) => &base[..authority_at + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The run as Markdown: the counts, the errors by kind, and what the check found.
pub fn table(o: &Outcome) -> String {
    let c = &o.check;
    let backend = match o.backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    let mut s = format!(
        "### Durability under SIGKILL: {backend}, {} kills\n\n\
         | what | acknowledged | found | lost | rows in the database |\n|---|---:|---:|---:|---:|\n\
         | cases | {} | {} | {} | {} |\n| contacts added | {} | {} | {} | {} (first contacts included) |\n\n",
        o.kills,
        c.acked_cases,
        c.found_cases,
        c.acked_cases - c.found_cases,
        c.cases_in_db,
        c.acked_contacts,
        c.found_contacts,
        c.acked_contacts - c.found_contacts,
        c.contacts_in_db,
    );
    let sent = o.load.ok + o.load.errors;
    let _ = writeln!(
        s,
        "- {sent} requests in {:.1} s ({:.0}/s asked of the schedule), {} acknowledged, {} not",
        o.load.elapsed.as_secs_f64(),
        sent as f64 / o.load.elapsed.as_secs_f64().max(1e-9),
        o.load.ok,
        o.load.errors
    );
    for (kind, n) in &o.load.error_kinds {
        let _ = writeln!(s, "  - ×{n} `{kind}`");
    }
    let _ = writeln!(s, "- partial cases or children: {}", c.partial.len());
    for problem in c.partial.iter().take(10) {
        let _ = writeln!(s, "  - {problem}");
    }
    for id in c.lost.iter().take(10) {
        let _ = writeln!(s, "- LOST: {id}");
    }
    let _ = writeln!(s, "- audit: {} `{}`", if o.audit.0 { "passed" } else { "FAILED" }, o.audit.1);
    let _ = writeln!(s, "- the server logged {} warnings or errors over its runs", o.server_warnings.len());
    for line in o.server_warnings.iter().take(5) {
        let _ = writeln!(s, "  - `{}`", line.trim());
    }
    let _ = writeln!(s, "- acknowledgements logged in {}\n", o.ack_log.display());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_is_pointed_at_the_runs_database() {
        let check = |url: &str, expected: &str| assert_eq!(with_database(url, "hw_faults_x"), expected);
        check("postgres://postgres@127.0.0.1:5432/postgres", "postgres://postgres@127.0.0.1:5432/hw_faults_x");
        check("postgres://postgres@127.0.0.1:5432", "postgres://postgres@127.0.0.1:5432/hw_faults_x");
        check("postgresql://u@h/db?sslmode=disable", "postgresql://u@h/hw_faults_x?sslmode=disable");
    }
}
