//! A store of a whole country on each backend: the `warnings` scenario's 1,000,000 cases (kept
//! with `--keep`), with their contacts and events, as SQLite holds them and as `homeward
//! migrate-data` copies them into PostgreSQL. For each: the bytes a case takes, and how fast a
//! server on it answers a case page, filtered case lists and a name search.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::client::Client;
use crate::load::Stats;
use crate::server::{self, Server};

/// The supervisor the `warnings` scenario loads its cases as, and their password.
const SUPERVISOR: &str = "sup@bench.example";
const PASSWORD: &str = "a long bench password";

/// How many cases and names the reads pick from at random.
const SAMPLE: usize = 500;

pub struct Outcome {
    pub cases: i64,
    pub contacts: i64,
    pub events: i64,
    pub audit_entries: i64,
    pub backends: Vec<Backend>,
}

pub struct Backend {
    pub name: &'static str,
    pub bytes: u64,
    /// How long `homeward migrate-data` took to fill it (PostgreSQL only).
    pub filled_in: Option<std::time::Duration>,
    /// (what, an example address, latencies)
    pub rows: Vec<(&'static str, String, Stats)>,
}

/// What the reads pick from: case ids and the names of their children.
struct Sample {
    cases: Vec<String>,
    names: Vec<String>,
}

/// Gives every case of the store that has no contact one, through the store's own command (the
/// `warnings` scenario opens its cases without a contact), on several threads so that the writer
/// commits them in batches. Answers how many were added.
pub fn add_contacts(store: &Path) -> Result<usize> {
    use homeward_domain::records::{Channel, NewContact};
    use homeward_domain::view::CaseChange;
    use homeward_store::Store as _;
    let path = store.to_str().context("the store's path is not UTF-8")?;
    let conn = rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let latest: String = conn.query_row("SELECT MAX(opened_at) FROM cases", [], |r| r.get(0))?;
    let mut statement =
        conn.prepare("SELECT id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM contacts t WHERE t.case_id = c.id)")?;
    let ids: Vec<String> = statement.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    drop(statement);
    drop(conn);
    // The scenario's clock runs ahead of today: the contacts come a day after its latest case.
    let at = time::OffsetDateTime::parse(&latest, &time::format_description::well_known::Rfc3339)
        .context("a case's opening time is not RFC 3339")?
        + time::Duration::days(1);
    let clock: homeward_store::Clock = std::sync::Arc::new(move || at);
    let store =
        std::sync::Arc::new(homeward_store::SqlStore::open_with(path, clock, homeward_store::Durability::Relaxed)?);
    let user = store.user_by_email(SUPERVISOR)?.context("the scenario's supervisor is not in the store")?;
    let actor = homeward_domain::org::Actor::user(&user, "bench");
    let ids = std::sync::Arc::new(ids);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (store, actor, ids, next) = (store.clone(), actor.clone(), ids.clone(), next.clone());
            std::thread::spawn(move || -> Result<()> {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(id) = ids.get(i) else { return Ok(()) };
                    let contact = NewContact {
                        channel: Channel::Phone,
                        received_at: at,
                        caller_relation: None,
                        caller_name: None,
                        caller_phone: None,
                        summary: "Follow-up call from the family: no news yet.".into(),
                    };
                    store.change_case(&actor, id.parse()?, CaseChange::AddContact(contact))?;
                    if i % 100_000 == 0 {
                        eprintln!("size: {i} of {} contacts added", ids.len());
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().map_err(|_| anyhow::anyhow!("a contact worker panicked"))??;
    }
    Ok(ids.len())
}

pub async fn run(
    dir: &Path,
    store: &Path,
    homeward: &Path,
    postgres: Option<&str>,
    requests: usize,
) -> Result<Outcome> {
    let conn = rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", store.display()))?;
    let count = |table: &str| -> Result<i64> {
        Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    };
    let (cases, contacts, events, audit_entries) =
        (count("cases")?, count("contacts")?, count("case_events")?, count("audit_log")?);
    let sample = sample(&conn)?;
    drop(conn);
    let sqlite_bytes = file_bytes(store)?;
    let url = format!("sqlite://{}", store.display());
    let mut backends = vec![read_backend("SQLite", &url, sqlite_bytes, None, dir, homeward, &sample, requests).await?];
    if let Some(server_url) = postgres {
        // The PostgreSQL client blocks: off the runtime's threads.
        let server_url = server_url.to_owned();
        let (url, name) = tokio::task::spawn_blocking(move || new_database(&server_url)).await??;
        eprintln!("size: copying the store into PostgreSQL database {name} with homeward migrate-data…");
        let started = Instant::now();
        let copied = std::process::Command::new(homeward)
            .args(["migrate-data", "--from", &format!("sqlite://{}", store.display()), "--to", &url])
            .status()
            .context("cannot run homeward migrate-data")?;
        if !copied.success() {
            bail!("homeward migrate-data failed ({copied})");
        }
        let filled_in = started.elapsed();
        let measured = url.clone();
        let bytes = tokio::task::spawn_blocking(move || postgres_bytes(&measured)).await??;
        backends
            .push(read_backend("PostgreSQL", &url, bytes, Some(filled_in), dir, homeward, &sample, requests).await?);
    }
    Ok(Outcome { cases, contacts, events, audit_entries, backends })
}

fn sample(conn: &rusqlite::Connection) -> Result<Sample> {
    let mut statement = conn.prepare(
        "SELECT c.id, p.details FROM cases c JOIN child_personal p ON p.child_id = c.child_id
         ORDER BY random() LIMIT ?1",
    )?;
    let rows = statement.query_map([SAMPLE as i64], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let (mut cases, mut names) = (Vec::new(), Vec::new());
    for row in rows {
        let (case, details) = row?;
        cases.push(case);
        let details: serde_json::Value = serde_json::from_str(&details).context("a child's details are not JSON")?;
        let name =
            ["given_name", "family_name"].iter().filter_map(|k| details[*k].as_str()).collect::<Vec<_>>().join(" ");
        if !name.is_empty() {
            names.push(name);
        }
    }
    if cases.is_empty() || names.is_empty() {
        bail!("the store holds no case with a named child");
    }
    Ok(Sample { cases, names })
}

/// The database file and its write-ahead log.
fn file_bytes(store: &Path) -> Result<u64> {
    let main = std::fs::metadata(store).with_context(|| format!("cannot read {}", store.display()))?.len();
    let wal = std::fs::metadata(store.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0);
    Ok(main + wal)
}

/// A new, empty database on the PostgreSQL server `server_url` names; answers its URL and name.
fn new_database(server_url: &str) -> Result<(String, String)> {
    let name = format!("hw_size_{}", uuid::Uuid::now_v7().simple());
    let mut admin = postgres::Client::connect(server_url, postgres::NoTls).context("cannot connect to PostgreSQL")?;
    admin.batch_execute(&format!("CREATE DATABASE {name}")).context("cannot create the database")?;
    let base = server_url.rsplit_once('/').map_or(server_url, |(base, _)| base);
    Ok((format!("{base}/{name}"), name))
}

fn postgres_bytes(url: &str) -> Result<u64> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).context("cannot connect to PostgreSQL")?;
    client.batch_execute("VACUUM ANALYZE").context("cannot vacuum the copy")?;
    let bytes: i64 = client.query_one("SELECT pg_database_size(current_database())", &[])?.get(0);
    Ok(u64::try_from(bytes).unwrap_or(0))
}

#[allow(clippy::too_many_arguments)]
async fn read_backend(
    name: &'static str,
    url: &str,
    bytes: u64,
    filled_in: Option<std::time::Duration>,
    dir: &Path,
    homeward: &Path,
    sample: &Sample,
    requests: usize,
) -> Result<Backend> {
    let log_dir: PathBuf = dir.join(name.to_lowercase());
    std::fs::create_dir_all(&log_dir).with_context(|| format!("cannot create {}", log_dir.display()))?;
    eprintln!("size: {name}: starting a server on the store…");
    let server = server::start_existing(homeward, &log_dir, url, SUPERVISOR).await?;
    let rows = read(&server, sample, requests).await?;
    let logged = server.stop()?;
    if !logged.is_empty() {
        eprintln!("size: {name}: the server logged {} warnings or errors, e.g. {}", logged.len(), logged[0]);
    }
    Ok(Backend { name, bytes, filled_in, rows })
}

/// Each kind of read `requests` times, interleaved, each on a case or name drawn from the sample
/// in turn; the first ten rounds warm up and are not counted.
async fn read(server: &Server, sample: &Sample, requests: usize) -> Result<Vec<(&'static str, String, Stats)>> {
    let mut client = Client::connect(server.addr).await?;
    let login = serde_json::json!({"email": SUPERVISOR, "password": PASSWORD}).to_string();
    let cookie = client
        .send("POST", "/api/v1/session", None, login.as_bytes())
        .await?
        .cookie
        .context("the supervisor's login set no cookie")?;
    let token = server.token.as_str();
    type Path = fn(&Sample, usize) -> String;
    let kinds: [(&'static str, bool, Path); 7] = [
        ("case page", true, |s, i| format!("/cases/{}", s.cases[i % s.cases.len()])),
        ("the case as JSON", false, |s, i| format!("/api/v1/cases/{}", s.cases[i % s.cases.len()])),
        ("case desk page (open, most urgent first)", true, |_, _| "/".into()),
        ("list: open national runaways, newest first, 50 a page", false, |_, _| {
            "/api/v1/cases?status=open&category=runaway_national&limit=50".into()
        }),
        // A filter no case of the store passes (its reports are national or international
        // runaways, never plain `runaway`): the list must not walk every case to find that out.
        ("list: open, a category no case has, 50 a page", false, |_, _| {
            "/api/v1/cases?status=open&category=runaway&limit=50".into()
        }),
        ("list: open, high risk, most urgent first", false, |_, _| {
            "/api/v1/cases?status=open&risk_level=high&order=urgent&limit=50".into()
        }),
        ("name search (given and family name)", false, |s, i| {
            format!("/api/v1/cases?q={}&limit=50", encode(&s.names[i % s.names.len()]))
        }),
    ];
    let mut rows: Vec<(&'static str, String, Stats)> =
        kinds.iter().map(|(what, _, path)| (*what, path(sample, 0), Stats::default())).collect();
    let started = Instant::now();
    for round in 0..requests + 10 {
        for (k, (_, page, path)) in kinds.iter().enumerate() {
            let address = path(sample, round);
            let at = Instant::now();
            let response = if *page {
                client.send_cookie("GET", &address, &cookie, b"").await?
            } else {
                client.send("GET", &address, Some(token), b"").await?
            };
            let took = at.elapsed();
            if response.status != 200 {
                bail!("GET {address} answered {}: {}", response.status, String::from_utf8_lossy(&response.body));
            }
            if round >= 10 {
                rows[k].2.record(Ok(()), took);
            }
        }
    }
    for (_, _, stats) in &mut rows {
        stats.elapsed = started.elapsed();
        stats.finish();
    }
    Ok(rows)
}

/// A query-string value, percent-encoded (names come in any script).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The Markdown section for BENCHMARKS.md.
pub fn markdown(o: &Outcome, command: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} cases with {} contacts, {} case events and {} audit entries.\n\nCommand: `{command}`\n",
        o.cases, o.contacts, o.events, o.audit_entries
    );
    let _ = writeln!(out, "| backend | database size | bytes per case | filled by migrate-data in |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for b in &o.backends {
        let per_case = b.bytes as f64 / o.cases.max(1) as f64;
        let filled = b.filled_in.map_or("—".to_string(), |d| format!("{:.0} s", d.as_secs_f64()));
        let _ = writeln!(out, "| {} | {:.2} GB | {per_case:.0} | {filled} |", b.name, b.bytes as f64 / 1e9);
    }
    let _ = writeln!(out, "\n| read | backend | p50 ms | p95 ms | max ms | target p95 |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|");
    let kinds = o.backends.first().map_or(0, |b| b.rows.len());
    for k in 0..kinds {
        for b in &o.backends {
            let (what, _, stats) = &b.rows[k];
            let _ = writeln!(
                out,
                "| {what} | {} | {:.2} | {:.2} | {:.2} | < 50 ms |",
                b.name,
                stats.percentile_ms(50.0),
                stats.percentile_ms(95.0),
                stats.max_ms()
            );
        }
    }
    out
}
