//! The store's commands, written once for both backends through [`crate::db::Conn`]: a SQLite
//! file (WAL mode, checkpoints of its own) or a PostgreSQL database. One writer thread per store
//! with group commit, a small pool of reader connections.

mod accounts;
mod alerts;
mod assessments;
pub use accounts::SESSION_HOURS;
pub(crate) mod audit_log;
mod cases;
mod escalations;
mod handover;
mod jobs;
pub use jobs::MAX_LEASE;
mod linkage;
mod notifications;
mod rows;
mod sightings;
pub mod warnings;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::sync::{Arc, Mutex, RwLock};

use homeward_domain::case::{CaseEvent, NewCase};
use homeward_domain::escalation::{EscalationView, Missed};
use homeward_domain::linkage::{
    Candidate, CaseMatch, LinkageRecord, LinkageSeq, MatchDecision, MatchReason, MatchSuggestion,
};
use homeward_domain::org::{Actor, NewOrganisation, NewUser, Organisation, User};
use homeward_domain::policy::{self, Action, Scope};
use homeward_domain::view::{CaseChange, CaseFilter, CaseSummary, CaseView, Page};
use homeward_domain::warning::{Level, WarningDecision, WarningKind, WarningNetwork, WarningView};
use homeward_domain::{CaseId, ChildId, EscalationId, UserId, WarningId};
use rusqlite::{Connection, OpenFlags};

use crate::db::Conn;
use time::OffsetDateTime;

use crate::audit::{AuditCode, AuditEntry, VerifyReport};
use crate::{Clock, CreatedUser, Credential, Result, Store, StoreError};

/// Embedded migrations, applied in order at start. Never edit one that has landed.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../../migrations/sqlite/0001_foundation.sql")),
    (2, "interface", include_str!("../../migrations/sqlite/0002_interface.sql")),
    (3, "linkage", include_str!("../../migrations/sqlite/0003_linkage.sql")),
    (4, "case_refs", include_str!("../../migrations/sqlite/0004_case_refs.sql")),
    (5, "risk", include_str!("../../migrations/sqlite/0005_risk.sql")),
    (6, "regions", include_str!("../../migrations/sqlite/0006_regions.sql")),
    (7, "escalations", include_str!("../../migrations/sqlite/0007_escalations.sql")),
    (8, "escalation_cleared", include_str!("../../migrations/sqlite/0008_escalation_cleared.sql")),
    (9, "alerts", include_str!("../../migrations/sqlite/0009_alerts.sql")),
    (10, "notifications", include_str!("../../migrations/sqlite/0010_notifications.sql")),
    (11, "sightings", include_str!("../../migrations/sqlite/0011_sightings.sql")),
    (12, "duty", include_str!("../../migrations/sqlite/0012_duty.sql")),
    (13, "job_leases", include_str!("../../migrations/sqlite/0013_job_leases.sql")),
    (14, "child_search_by_child", include_str!("../../migrations/sqlite/0014_child_search_by_child.sql")),
    (15, "cases_by_status_category", include_str!("../../migrations/sqlite/0015_cases_by_status_category.sql")),
    (16, "weeks_tested", include_str!("../../migrations/sqlite/0016_weeks_tested.sql")),
];

/// How many escalations one command of the escalation job writes at most.
const ESCALATIONS_PER_COMMAND: usize = 200;

/// How many waiting commands one transaction may take at most.
const MAX_BATCH: usize = 64;

/// When a commit counts as done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous = FULL`: a commit survives a crash of the process or of the machine.
    #[default]
    Full,
    /// `synchronous = NORMAL`: a commit survives a crash of the process; the last commits may be
    /// lost if the machine loses power. Only for bulk loads that can be redone (demo data).
    Relaxed,
}

/// The catalogue shared by the store and its writer thread.
type SharedCatalogue = Arc<RwLock<Arc<homeward_risk::Catalogue>>>;

/// The response plan shared by the store and its writer thread: the templates the commands make
/// tasks from.
type SharedPlan = Arc<RwLock<Arc<homeward_risk::response::ResponsePlan>>>;

/// Who is notified of what the store's commands raise (none until the binary gives the settings'
/// routes: `Store::use_notification_routes`).
type SharedRoutes = Arc<RwLock<Arc<homeward_domain::notification::Routes>>>;

/// The value behind a shared setting, poisoned or not (a panic elsewhere leaves it whole).
fn current<T>(shared: &RwLock<Arc<T>>) -> Arc<T> {
    match shared.read() {
        Ok(c) => Arc::clone(&c),
        Err(poisoned) => Arc::clone(&poisoned.into_inner()),
    }
}

/// A SQLite-backed [`Store`].
pub struct SqlStore {
    writer: SyncSender<Job>,
    readers: Mutex<Readers>,
    /// Signalled when a reader connection is given back or closed.
    reader_back: std::sync::Condvar,
    target: Target,
    clock: Clock,
    /// The indicator catalogue the store's commands assess cases with.
    catalogue: SharedCatalogue,
    /// The response plan whose templates the store's commands make tasks from.
    plan: SharedPlan,
    /// Who the notifications of escalations (and later facts) go to.
    routes: SharedRoutes,
    /// Dropping this stops the checkpoint thread (SQLite only).
    _checkpoints: Option<SyncSender<()>>,
}

/// The database a store opens its connections to.
#[derive(Clone)]
enum Target {
    Sqlite { path: PathBuf, durability: Durability },
    Postgres(Box<tokio_postgres::Config>),
}

impl Target {
    fn connect(&self) -> Result<Conn> {
        match self {
            Target::Sqlite { path, durability } => Ok(Conn::Sqlite(connect(path, *durability)?)),
            Target::Postgres(config) => Ok(Conn::Postgres(crate::db::PgConn::connect(config)?)),
        }
    }
}

/// The key of the PostgreSQL advisory lock every writer of a database takes for its
/// transaction, so that the writers of all instances take turns and the audit chain stays one
/// chain ("HOMEWARD" in ASCII, as a number).
const WRITER_LOCK: i64 = 0x484F_4D45_5741_5244;

/// What a command sees inside the writer's transaction.
pub(crate) struct Tx<'a> {
    pub conn: &'a Conn,
    pub now: OffsetDateTime,
    /// The indicator catalogue assessments are made with in this batch.
    pub catalogue: &'a homeward_risk::Catalogue,
    /// The response plan tasks are made from in this batch.
    pub plan: &'a homeward_risk::response::ResponsePlan,
    /// Where the command's audit entries go.
    audit: AuditTo<'a>,
    /// How many savepoints of [`Tx::nested`] are open.
    depth: usize,
    /// Why the command's transaction can no longer be trusted, when a nested block found it so
    /// (its savepoint could not be opened, released or rolled back to): the command then fails
    /// as a whole, whatever [`Tx::best_effort`] answered its caller.
    broken: Option<String>,
}

/// The last case number given, and the organisation's country, per organisation and year.
type CaseNumbers = std::collections::HashMap<(homeward_domain::OrganisationId, i32), (i64, String)>;

/// The head of the audit chain, kept in memory by the writer.
#[derive(Debug, Clone)]
struct Chain {
    seq: i64,
    hash: String,
    /// The last case number given, and the country, per organisation and year. Kept beside the
    /// chain's head because it lives exactly as long (read with it at each batch's begin, for
    /// the year then, while this writer holds the writer lock) and is undone with it when a
    /// command or a nested block rolls back.
    case_numbers: CaseNumbers,
    /// The last linkage number given to a child (the order children commit in, which the
    /// linkage job's watermark follows), kept beside the head for the same reason.
    linkage_seq: i64,
}

/// Where a command's audit entries go: onto the chain, in the writer's transaction; or, for an
/// audited read on a reader connection, into a list the writer appends once the read is done
/// (see [`SqlStore::read_audited`]).
enum AuditTo<'a> {
    Chain(&'a mut Chain),
    Later(Vec<LaterEntry>),
}

/// An audit entry a read calls for, before it has its place in the chain.
struct LaterEntry {
    actor: Actor,
    code: AuditCode,
    record_type: String,
    record_id: Option<String>,
    detail: serde_json::Value,
}

/// How far a command's audit entries had come, to go back to when a nested block fails.
enum AuditMark {
    Chain(Chain),
    Later(usize),
}

impl AuditTo<'_> {
    fn mark(&self) -> AuditMark {
        match self {
            AuditTo::Chain(chain) => AuditMark::Chain((*chain).clone()),
            AuditTo::Later(entries) => AuditMark::Later(entries.len()),
        }
    }

    fn undo(&mut self, mark: AuditMark) {
        match (self, mark) {
            (AuditTo::Chain(chain), AuditMark::Chain(before)) => **chain = before,
            (AuditTo::Later(entries), AuditMark::Later(len)) => entries.truncate(len),
            // A mark is only ever taken from the sink it is given back to.
            _ => {}
        }
    }
}

type Finish = Box<dyn FnOnce(Option<String>) + Send>;
/// A queued command. It is given the transaction, or why none could be begun.
type Job = Box<dyn for<'a, 'b> FnOnce(Result<&'a mut Tx<'b>, String>) -> (bool, Finish) + Send>;

impl Tx<'_> {
    /// The case numbers given in this transaction (see [`Chain::case_numbers`]); `None` on a
    /// reader, which gives none.
    pub fn case_numbers(&mut self) -> Option<&mut CaseNumbers> {
        match &mut self.audit {
            AuditTo::Chain(chain) => Some(&mut chain.case_numbers),
            AuditTo::Later(_) => None,
        }
    }

    /// The linkage number of a child created now: the next after the last given (see
    /// [`Chain::linkage_seq`]). A reader creates no child.
    pub fn next_linkage_seq(&mut self) -> Result<i64> {
        match &mut self.audit {
            AuditTo::Chain(chain) => {
                chain.linkage_seq += 1;
                Ok(chain.linkage_seq)
            }
            AuditTo::Later(_) => Err(StoreError::Corrupt("a child cannot be created by a read".into())),
        }
    }

    /// Runs `f` as work the command must never fail for (linkage, detectors, assessment): in a
    /// savepoint of its own, a failure rolled back, logged with what it was and the case, and
    /// answered as `None`.
    pub fn best_effort<R>(&mut self, what: &str, case: CaseId, f: impl FnOnce(&mut Tx<'_>) -> Result<R>) -> Option<R> {
        match self.nested(f) {
            Ok(done) => Some(done),
            Err(e) => {
                tracing::error!(error = %e, case = %case, "could not {what}");
                None
            }
        }
    }

    /// Runs `f` in a savepoint of its own: if it fails, what it wrote (its audit entries
    /// included) is rolled back and its error returned, while the rest of the command stands.
    pub fn nested<R>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<R>) -> Result<R> {
        // Named by depth on SQLite: a rollback names its own savepoint, whatever inner ones are
        // still open (PostgreSQL's are named apart by the connection).
        const NAMES: [&str; 8] =
            ["nested1", "nested2", "nested3", "nested4", "nested5", "nested6", "nested7", "nested8"];
        let name =
            NAMES.get(self.depth).copied().ok_or_else(|| StoreError::Corrupt("savepoints nested too deep".into()))?;
        // A failure here (SQLite's; PostgreSQL's savepoint is deferred) is of the work before the
        // block: not the block's, and not one a best effort may pass over.
        let savepoint = match self.conn.savepoint(name) {
            Ok(savepoint) => savepoint,
            Err(e) => {
                self.broken.get_or_insert_with(|| format!("cannot open a savepoint: {e}"));
                return Err(e.into());
            }
        };
        self.depth += 1;
        let before = self.audit.mark();
        let result = f(self);
        // A block that did nothing leaves no savepoint behind to release (and costs PostgreSQL
        // no round trip).
        if result.is_ok() && self.conn.forget_unused_savepoint(&savepoint) {
            self.depth -= 1;
            return result;
        }
        // What the work deferred must have run before the savepoint is released: a failure
        // there is the work's failure, and rolled back with it.
        let result = result.and_then(|done| {
            self.conn.flush()?;
            Ok(done)
        });
        self.depth -= 1;
        let ended = if result.is_ok() { self.conn.release(&savepoint) } else { self.conn.rollback_to(&savepoint) };
        if result.is_err() {
            self.audit.undo(before);
        }
        if let Err(e) = ended {
            let why = match &result {
                Ok(_) => format!("cannot release a savepoint: {e}"),
                Err(failed) => format!("cannot roll back to a savepoint after {failed}: {e}"),
            };
            self.broken.get_or_insert(why);
            return result.and(Err(e.into()));
        }
        result
    }

    /// Appends an audit entry chained to the last one.
    pub fn audit(
        &mut self,
        actor: &Actor,
        code: AuditCode,
        record_type: &str,
        record_id: Option<String>,
        detail: serde_json::Value,
    ) -> Result<()> {
        let chain = match &mut self.audit {
            AuditTo::Chain(chain) => chain,
            AuditTo::Later(entries) => {
                let record_type = record_type.to_owned();
                entries.push(LaterEntry { actor: actor.clone(), code, record_type, record_id, detail });
                return Ok(());
            }
        };
        let mut entry = AuditEntry {
            seq: chain.seq + 1,
            at: crate::timefmt::format(self.now),
            actor_user_id: actor.user_id.map(|u| u.to_string()),
            actor_organisation_id: actor.organisation_id.map(|o| o.to_string()),
            origin: actor.origin.clone(),
            code: code.code(),
            action: code.name().to_owned(),
            record_type: record_type.to_owned(),
            record_id,
            detail: detail.to_string(),
            prev_hash: chain.hash.clone(),
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        audit_log::insert(self.conn, &entry)?;
        chain.seq = entry.seq;
        chain.hash = entry.hash;
        Ok(())
    }
}

impl SqlStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: &str, clock: Clock) -> Result<Self> {
        Self::open_with(path, clock, Durability::Full)
    }

    /// Opens with a chosen durability; see [`Durability`].
    pub fn open_with(path: &str, clock: Clock, durability: Durability) -> Result<Self> {
        let path = PathBuf::from(path);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::Io { path: dir.display().to_string(), source })?;
        }
        let mut raw = connect(&path, durability)?;
        migrate(&mut raw)?;
        // Checkpoints run on their own thread, so that copying the WAL into the database file
        // never stalls a commit that a person is waiting for.
        // A WAL file that grew during a burst is cut back to 64 MiB when the log starts over.
        raw.execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;")?;
        let tail = Arc::new(AtomicBool::new(false));
        let checkpoints = spawn_checkpointer(&path, durability, tail.clone())?;
        let target = Target::Sqlite { path, durability };
        Self::start(Conn::Sqlite(raw), target, clock, Some(tail), Some(checkpoints))
    }

    /// Opens the PostgreSQL database a `postgres://` URL names and applies pending migrations.
    /// Several instances may open one database: their writers take turns (see [`WRITER_LOCK`]).
    pub fn open_postgres(url: &str, clock: Clock) -> Result<Self> {
        let config: tokio_postgres::Config =
            url.parse().map_err(|e| StoreError::Url(format!("cannot read the PostgreSQL URL: {e}")))?;
        let target = Target::Postgres(Box::new(config));
        let conn = target.connect()?;
        check_collation(&conn)?;
        migrate_postgres(&conn)?;
        Self::start(conn, target, clock, None, None)
    }

    /// Starts the writer thread on `conn` and answers the store.
    fn start(
        conn: Conn,
        target: Target,
        clock: Clock,
        tail: Option<Arc<AtomicBool>>,
        checkpoints: Option<SyncSender<()>>,
    ) -> Result<Self> {
        // Read again at each batch's begin, with the case numbers of the batch's year.
        let chain = audit_log::head(&conn, 0)?;
        let (sender, receiver) = sync_channel::<Job>(1024);
        let writer_clock = clock.clone();
        let builtin = homeward_risk::Catalogue::builtin()
            .unwrap_or_else(|_| homeward_risk::Catalogue { version: "none".into(), indicators: Vec::new() });
        let catalogue: SharedCatalogue = Arc::new(RwLock::new(Arc::new(builtin)));
        let writer_catalogue = Arc::clone(&catalogue);
        // No templates until the binary gives the plan in force (`Store::use_response_plan`).
        let plan: SharedPlan = Arc::new(RwLock::new(Arc::new(homeward_risk::response::ResponsePlan::none())));
        let writer_plan = Arc::clone(&plan);
        let writer_target = target.clone();
        std::thread::Builder::new()
            .name("homeward-writer".into())
            .spawn(move || {
                let writer = Writer { conn, target: writer_target, chain, clock: writer_clock, tail };
                write_loop(writer, receiver, writer_catalogue, writer_plan)
            })
            .map_err(|source| StoreError::Io { path: "the writer thread".into(), source })?;
        Ok(Self {
            writer: sender,
            readers: Mutex::new(Readers::default()),
            reader_back: std::sync::Condvar::new(),
            target,
            clock,
            catalogue,
            plan,
            routes: Arc::new(RwLock::new(Arc::new(homeward_domain::notification::Routes::none()))),
            _checkpoints: checkpoints,
        })
    }

    /// Runs `f` in the writer's transaction; returns once the transaction has committed.
    fn write<R: Send + 'static>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<R> + Send + 'static) -> Result<R> {
        let (reply, answer) = sync_channel::<Result<R>>(1);
        let job: Job = Box::new(move |tx| {
            let result = match tx {
                // The command's deferred statements are sent before it is judged: one that
                // failed fails the command, which is then rolled back on its own.
                Ok(tx) => f(tx).and_then(|done| {
                    tx.conn.flush()?;
                    match tx.broken.take() {
                        Some(why) => Err(StoreError::Corrupt(format!("the command's transaction broke: {why}"))),
                        None => Ok(done),
                    }
                }),
                Err(why) => Err(StoreError::Corrupt(format!("could not begin a transaction: {why}"))),
            };
            let ok = result.is_ok();
            let finish: Finish = Box::new(move |commit_error| {
                let outcome = match commit_error {
                    None => result,
                    Some(message) if ok => Err(StoreError::Corrupt(format!("commit failed: {message}"))),
                    Some(_) => result,
                };
                let _ = reply.send(outcome);
            });
            (ok, finish)
        });
        self.writer.send(job).map_err(|_| StoreError::WriterStopped)?;
        answer.recv().map_err(|_| StoreError::WriterStopped)?
    }

    /// Records a refused attempt on a case (the command itself was rolled back) and returns the
    /// refusal unchanged. Who tried to look at a case they may not see matters as much as who
    /// did see it.
    fn refused<R>(&self, actor: &Actor, case: CaseId, attempt: &'static str, result: Result<R>) -> Result<R> {
        self.refused_on(actor, ("case", Some(case.to_string())), attempt, result)
    }

    /// Records a refused attempt on a record of any kind (`case`, `warning`, `escalation`, with
    /// its id when the attempt named one) as `access.denied`, and returns the refusal unchanged.
    fn refused_on<R>(
        &self,
        actor: &Actor,
        (record_type, record_id): (&'static str, Option<String>),
        attempt: &'static str,
        result: Result<R>,
    ) -> Result<R> {
        if let Err(e @ (StoreError::Denied(_) | StoreError::NotFound(_))) = &result {
            let actor = actor.clone();
            let reason = e.to_string();
            let logged = self.write(move |tx| {
                let detail = serde_json::json!({"attempt": attempt, "reason": reason});
                tx.audit(&actor, AuditCode::AccessDenied, record_type, record_id, detail)
            });
            if let Err(e) = logged {
                tracing::error!(error = %e, "could not record a refused attempt");
            }
        }
        result
    }

    /// Runs `f` on a reader connection; for reads that write no audit entry.
    fn read<R>(&self, f: impl FnOnce(&Conn) -> Result<R>) -> Result<R> {
        let conn = self.take_reader()?;
        let result = self.unless_panicking(&conn, f);
        self.give_back(conn, false);
        result
    }

    /// Runs `f` on a lent reader connection; should it panic, the connection is closed (its
    /// place in the pool freed) before the panic goes on, so that panics cannot use up the pool
    /// and leave every later read waiting for a connection that never comes back.
    fn unless_panicking<R>(&self, conn: &Conn, f: impl FnOnce(&Conn) -> R) -> R {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(conn))) {
            Ok(done) => done,
            Err(panic) => {
                self.forget_reader();
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// Counts a lent reader connection as closed (it is dropped by its holder).
    fn forget_reader(&self) {
        self.readers.lock().unwrap_or_else(std::sync::PoisonError::into_inner).open -= 1;
        self.reader_back.notify_one();
    }

    /// Returns a reader connection to the pool, or closes it: when `spoilt` (left in a state the
    /// next reader must not inherit), broken, or one too many.
    fn give_back(&self, conn: Conn, spoilt: bool) {
        let mut pool = self.readers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if spoilt || conn.is_broken() || (!conn.is_postgres() && pool.idle.len() >= 8) {
            pool.open -= 1;
        } else {
            pool.idle.push(conn);
        }
        drop(pool);
        self.reader_back.notify_one();
    }

    /// Runs an audited read: `f` reads on a reader connection, in a read-only transaction of its
    /// own (one snapshot), and the audit entries it calls for are then appended through the
    /// writer; the answer is given only once they have committed, so that nothing is shown that
    /// the log does not hold. The read no longer waits behind other commands' writes, nor holds
    /// the writer (and on PostgreSQL every instance's writer lock) while it reads: on a store of
    /// a million cases a case list took tens of milliseconds of the writer's time.
    fn read_audited<R>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<R>) -> Result<R> {
        let catalogue = current(&self.catalogue);
        let plan = current(&self.plan);
        let conn = self.take_reader()?;
        // The read's time once it has its connection (a hand-over package is dated with it).
        let now = to_micros((self.clock)());
        let read = self.unless_panicking(&conn, |conn| {
            // `query_only`: a read that tried to write fails, as it would on PostgreSQL, rather
            // than commit on its own outside the writer.
            let begin = match conn.is_postgres() {
                true => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                false => "PRAGMA query_only = 1; BEGIN",
            };
            conn.execute_batch(begin)?;
            let mut tx = Tx {
                conn,
                now,
                catalogue: &catalogue,
                plan: &plan,
                audit: AuditTo::Later(Vec::new()),
                depth: 0,
                broken: None,
            };
            let found = f(&mut tx).and_then(|found| match tx.broken.take() {
                Some(why) => Err(StoreError::Corrupt(format!("the read's transaction broke: {why}"))),
                None => Ok(found),
            });
            let entries = match tx.audit {
                AuditTo::Later(entries) => entries,
                AuditTo::Chain(_) => Vec::new(),
            };
            // Through the connection's own ends, which also drop what a PostgreSQL connection
            // still holds for the transaction (releases and statements not sent).
            let ended = if found.is_ok() { conn.commit() } else { conn.rollback() };
            let ended = ended.and_then(|()| match conn.is_postgres() {
                true => Ok(()),
                false => conn.execute_batch("PRAGMA query_only = 0"),
            });
            Ok::<_, StoreError>((found, entries, ended))
        });
        // A connection whose transaction could not begin or end is closed, not handed on.
        let spoilt = !matches!(read, Ok((_, _, Ok(()))));
        self.give_back(conn, spoilt);
        let (found, entries, ended) = read?;
        let found = found?;
        ended?;
        if entries.is_empty() {
            return Ok(found);
        }
        self.write(move |tx| {
            for LaterEntry { actor, code, record_type, record_id, detail } in entries {
                tx.audit(&actor, code, &record_type, record_id, detail)?;
            }
            Ok(())
        })?;
        Ok(found)
    }

    /// An idle reader connection, or a new one. A PostgreSQL store opens at most
    /// [`MAX_POSTGRES_READERS`] and then waits for one to come back: several instances under
    /// load would otherwise open connections until the server refuses them all. SQLite's cost
    /// a file handle each and are not counted against a limit.
    fn take_reader(&self) -> Result<Conn> {
        let limit = match self.target {
            Target::Postgres(_) => MAX_POSTGRES_READERS,
            Target::Sqlite { .. } => usize::MAX,
        };
        let mut pool = self.readers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if let Some(conn) = pool.idle.pop() {
                drop(pool);
                conn.prepare_pending();
                return Ok(conn);
            }
            if pool.open < limit {
                pool.open += 1;
                drop(pool);
                return self.target.connect().inspect_err(|_| {
                    self.readers.lock().unwrap_or_else(std::sync::PoisonError::into_inner).open -= 1;
                    self.reader_back.notify_one();
                });
            }
            pool = self.reader_back.wait(pool).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// A part of a case's record ([`Store::case_record`]): read when wanted, and left empty where the
/// actor's role may not read it (its own command would refuse it alone; the rest of the record
/// stands).
fn record_part<T>(wanted: bool, read: impl FnOnce() -> Result<Vec<T>>) -> Result<Vec<T>> {
    match wanted.then(read) {
        None | Some(Err(StoreError::Denied(_))) => Ok(Vec::new()),
        Some(other) => other,
    }
}

/// The reader connections of a store: those idle, and how many are open (idle or in use).
#[derive(Default)]
struct Readers {
    idle: Vec<Conn>,
    open: usize,
}

/// The most reader connections one store opens to PostgreSQL (its writer has one more): a
/// server's default `max_connections` of 100 then serves five instances.
const MAX_POSTGRES_READERS: usize = 16;

/// How often the checkpoint thread copies committed WAL pages into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// Starts the thread that checkpoints the WAL in the background (`PASSIVE`: it never blocks the
/// writer or readers). It ends when the returned sender is dropped with the store.
fn spawn_checkpointer(path: &Path, durability: Durability, tail: Arc<AtomicBool>) -> Result<SyncSender<()>> {
    let conn = connect(path, durability)?;
    let (stop, stopped) = sync_channel::<()>(0);
    std::thread::Builder::new()
        .name("homeward-sqlite-checkpoint".into())
        .spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
                // (busy, frames in the log, frames copied). The counts are those at the start of
                // the pass: commits that came in meanwhile are not in them, so a pass can never
                // tell that it reached the end. The writer finishes the tail whenever there is a
                // log at all; when nothing is left its checkpoint costs next to nothing.
                let pass = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
                match pass {
                    Ok(log) if log > 0 => tail.store(true, Ordering::Relaxed),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; will retry"),
                }
            }
            // A last full checkpoint leaves a compact database file behind.
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        })
        .map_err(|source| StoreError::Io { path: path.display().to_string(), source })?;
    Ok(stop)
}

fn connect(path: &Path, durability: Durability) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    // One case command uses some thirty statements; the default cache of 16 would re-prepare
    // them on every command.
    conn.set_prepared_statement_cache_capacity(128);
    // WAL lets readers work while the writer commits; FULL makes every commit durable on power
    // loss, not only on a process crash. The busy timeout covers a second process (a backup).
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Relaxed => "NORMAL",
    };
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = {synchronous};
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;"
    ))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    let applied: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
    if let Some(&(latest, _, _)) = MIGRATIONS.last()
        && applied > latest
    {
        return Err(StoreError::Url(format!(
            "the database has schema version {applied} but this build knows only up to {latest}; use a newer Homeward"
        )));
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, crate::timefmt::format(OffsetDateTime::now_utc())],
        )?;
        tx.commit()?;
        tracing::info!(version, name, "applied migration");
    }
    Ok(())
}

/// PostgreSQL's own embedded migrations, applied in order at start. Never edit one that has
/// landed. They number apart from SQLite's: the first holds the whole schema SQLite reached in
/// its first twelve.
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "schema", include_str!("../../migrations/postgres/0001_schema.sql")),
    (2, "job_leases", include_str!("../../migrations/postgres/0002_job_leases.sql")),
    (3, "child_search_by_child", include_str!("../../migrations/postgres/0003_child_search_by_child.sql")),
    (4, "cases_by_status_category", include_str!("../../migrations/postgres/0004_cases_by_status_category.sql")),
    (5, "weeks_tested", include_str!("../../migrations/postgres/0005_weeks_tested.sql")),
];

/// Refuses a database whose text does not sort byte by byte: times and ids are compared and
/// sorted as text, as SQLite's BINARY collation does.
fn check_collation(conn: &Conn) -> Result<()> {
    let collation: String =
        conn.query_row("SELECT datcollate FROM pg_database WHERE datname = current_database()", (), |r| r.get(0))?;
    if matches!(collation.as_str(), "C" | "POSIX" | "C.UTF-8" | "C.utf8") {
        Ok(())
    } else {
        Err(StoreError::Url(format!(
            "the PostgreSQL database sorts text by the collation {collation}; Homeward needs a byte-order one: \
             CREATE DATABASE … TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
        )))
    }
}

/// Applies PostgreSQL's pending migrations, each in its own transaction, under an advisory lock
/// so that instances starting together do not both apply one.
fn migrate_postgres(conn: &Conn) -> Result<()> {
    const MIGRATION_LOCK: i64 = WRITER_LOCK + 1;
    conn.execute("SELECT pg_advisory_lock(?1)", [MIGRATION_LOCK])?;
    let result = apply_postgres_migrations(conn);
    let unlocked = conn.execute("SELECT pg_advisory_unlock(?1)", [MIGRATION_LOCK]);
    result?;
    unlocked?;
    Ok(())
}

fn apply_postgres_migrations(conn: &Conn) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    let applied: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", (), |r| r.get(0))?;
    if let Some(&(latest, _, _)) = POSTGRES_MIGRATIONS.last()
        && applied > latest
    {
        return Err(StoreError::Url(format!(
            "the database has schema version {applied} but this build knows only up to {latest}; use a newer Homeward"
        )));
    }
    for (version, name, sql) in POSTGRES_MIGRATIONS.iter().filter(|(v, _, _)| *v > applied) {
        conn.execute_batch("BEGIN")?;
        let done = conn.execute_batch(sql).and_then(|()| {
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                crate::db::params![version, name, crate::timefmt::format(OffsetDateTime::now_utc())],
            )
        });
        match done {
            Ok(_) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e.into());
            }
        }
        tracing::info!(version, name, "applied migration");
    }
    Ok(())
}

/// The writer's connection and what it keeps between batches.
struct Writer {
    conn: Conn,
    target: Target,
    /// The head of the audit chain as of the last commit.
    chain: Chain,
    clock: Clock,
    /// Raised by SQLite's checkpoint thread when the log has frames to finish; `None` on
    /// PostgreSQL, which checkpoints by itself.
    tail: Option<Arc<AtomicBool>>,
}

impl Writer {
    /// Begins a batch's transaction and reads the head of the audit chain again, since another
    /// instance (or, on SQLite, another process such as an import) may have appended to it. On
    /// PostgreSQL the writer first takes the database's writer lock, waiting while another
    /// instance's batch holds it; SQLite's `BEGIN IMMEDIATE` is that lock. A connection that
    /// broke (the server restarted) is opened again.
    fn begin(&mut self) -> Result<(), String> {
        if self.conn.is_broken() {
            self.conn = self.target.connect().map_err(|e| format!("cannot reconnect: {e}"))?;
        }
        // Outside any transaction and before the writer lock: inserts the last batches sent one
        // by one go as one statement from now on, and the statements are prepared again when it
        // is time.
        self.conn.prepare_pending();
        let begun = if self.conn.is_postgres() {
            // Sent with the read of the chain's head below: one round trip for them all. The
            // commit does not wait for the log's flush, which would hold the writer lock (and
            // the other instances' writers) for the length of a disk sync: the writer waits for
            // it after the commit, outside the lock, before answering (`Conn::commit_durably`).
            self.conn.defer_batch(&format!(
                "BEGIN; SET LOCAL synchronous_commit TO off; SELECT pg_advisory_xact_lock({WRITER_LOCK})"
            ))
        } else {
            self.conn.run("BEGIN IMMEDIATE")
        };
        let year = (self.clock)().year();
        let begun = begun.map_err(StoreError::from).and_then(|()| audit_log::head(&self.conn, year));
        match begun {
            Ok(chain) => {
                self.chain = chain;
                Ok(())
            }
            Err(e) => {
                let _ = self.conn.rollback();
                Err(e.to_string())
            }
        }
    }
}

/// The writer: takes the commands waiting now, runs them in one transaction (each in its own
/// savepoint when there are several), commits once, then answers them all.
fn write_loop(mut writer: Writer, jobs: Receiver<Job>, catalogue: SharedCatalogue, plan: SharedPlan) {
    let mut checkpoint = writer.tail.clone().map(|ready| TailCheckpoint { commands: 0, ready });
    // A command taken off the queue while looking for an idle moment; it starts the next batch.
    let mut next: Option<Job> = None;
    while let Some(first) = next.take().or_else(|| jobs.recv().ok()) {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        // The catalogue as it is when the batch starts; a new one applies from the next batch.
        let catalogue_now = current(&catalogue);
        let plan_now = current(&plan);
        let alone = batch.len() == 1;
        let mut finishers = Vec::with_capacity(batch.len());
        let mut any_ok = false;
        if let Err(e) = writer.begin() {
            tracing::error!(error = %e, "cannot begin a transaction");
            for job in batch {
                let (_, finish) = job(Err(e.clone()));
                finish(None);
            }
            continue;
        }
        let committed_chain = writer.chain.clone();
        let Writer { conn, chain, clock, .. } = &mut writer;
        // Set when the database has ended the transaction on its own (a full disk, an I/O
        // error, a lost connection): then no further command may run, since on SQLite its
        // statements would commit one by one.
        let mut aborted: Option<String> = None;
        for job in batch {
            if let Some(why) = &aborted {
                let (_, finish) = job(Err(why.clone()));
                finishers.push(finish);
                continue;
            }
            let before = chain.clone();
            // A lone command needs no savepoint: if it fails, the whole transaction rolls back.
            let savepoint = match alone {
                true => None,
                false => match conn.savepoint("job") {
                    Ok(savepoint) => Some(savepoint),
                    Err(e) => {
                        // The transaction cannot be trusted any more (on PostgreSQL it may be
                        // aborted, and a COMMIT of it would answer ROLLBACK without an error):
                        // the batch ends.
                        let why = format!("cannot open a command's savepoint: {e}");
                        let (_, finish) = job(Err(why.clone()));
                        finishers.push(finish);
                        aborted = Some(why);
                        continue;
                    }
                },
            };
            let (ok, finish) = {
                let mut tx = Tx {
                    conn,
                    now: to_micros(clock()),
                    catalogue: &catalogue_now,
                    plan: &plan_now,
                    audit: AuditTo::Chain(chain),
                    depth: 0,
                    broken: None,
                };
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(Ok(&mut tx)))).unwrap_or_else(|_| {
                    let finish: Finish = Box::new(|_| {});
                    (false, finish)
                })
            };
            if let Some(savepoint) = savepoint.filter(|_| !conn.transaction_lost()) {
                let ended = if ok { conn.release(&savepoint) } else { conn.rollback_to(&savepoint) };
                if let Err(e) = ended {
                    tracing::error!(error = %e, "cannot end a command's savepoint");
                    aborted = Some(format!("cannot end a command's savepoint: {e}"));
                }
            }
            if !ok {
                *chain = before;
            }
            if conn.transaction_lost() {
                aborted = Some("the database ended the transaction (disk full, I/O error or lost connection)".into());
            }
            any_ok |= ok;
            finishers.push(finish);
        }
        let error = match aborted {
            Some(why) => {
                // SQLite has ended the transaction already (this ROLLBACK then finds none);
                // PostgreSQL's may still be open, aborted, and must end before the next batch.
                let _ = conn.rollback();
                *chain = committed_chain;
                tracing::error!(reason = %why, "batch rolled back");
                Some(why)
            }
            None => {
                // Nobody is told of a write before it is on disk (`Conn::commit_durably`).
                let ended = if any_ok { conn.commit_durably() } else { conn.rollback() };
                ended.err().map(|e| {
                    let _ = conn.rollback();
                    *chain = committed_chain;
                    tracing::error!(error = %e, "commit failed");
                    e.to_string()
                })
            }
        };
        let committed = finishers.len();
        for finish in finishers {
            finish(error.clone());
        }
        // Only after everyone has their answer, and only when no command comes for a while
        // (unless the log has grown too long): finish the checkpoint the background thread has
        // mostly done, so that the WAL can start over instead of growing without end.
        if let Some(checkpoint) = checkpoint.as_mut()
            && let Some(sqlite) = conn.sqlite()
            && checkpoint.wanted(committed)
        {
            match jobs.recv_timeout(TailCheckpoint::IDLE) {
                Ok(job) => {
                    next = Some(job);
                    if checkpoint.overdue() {
                        checkpoint.run(sqlite);
                    }
                }
                Err(_) => checkpoint.run(sqlite),
            }
        }
    }
}

/// The writer's share of checkpointing. The background thread copies WAL frames into the
/// database file without blocking anyone, but under a steady stream of writes it can never
/// catch up with the end of the log, and SQLite restarts the log only after a checkpoint that
/// reached its end. So the writer checkpoints the tail itself, at a moment when nobody waits:
/// after the background thread has copied the bulk (so that only the frames of the last few
/// commands are left) and when no command has come for [`TailCheckpoint::IDLE`]. Not as soon
/// as the queue is empty: a caller that sends its next command the moment it has its answer
/// (an import, a busy hour) would find the writer in the tail's fsync every tenth of a second.
/// Only when the log has grown for many commands without such a moment does it checkpoint with
/// commands waiting: then one command in [`TailCheckpoint::OVERDUE_COMMANDS`] waits for it.
#[derive(Debug)]
struct TailCheckpoint {
    /// Commands committed since the writer's last checkpoint.
    commands: usize,
    /// Set by the background thread after a pass that left a tail behind.
    ready: Arc<AtomicBool>,
}

impl TailCheckpoint {
    /// Commands after which the writer checkpoints even with commands waiting (some 15 to 40
    /// WAL pages each: the log stays under about 20 MB). One command in so many waits for it.
    const OVERDUE_COMMANDS: usize = 128;

    /// How long the writer waits for a next command before it takes the moment as idle.
    const IDLE: std::time::Duration = std::time::Duration::from_millis(10);

    /// Counts the commands just committed; true when a checkpoint is wanted at the next idle
    /// moment.
    fn wanted(&mut self, commands: usize) -> bool {
        self.commands += commands;
        self.ready.load(Ordering::Relaxed) || self.overdue()
    }

    fn overdue(&self) -> bool {
        self.commands >= Self::OVERDUE_COMMANDS
    }

    /// Checkpoints what is left. Only a pass that reached the end of the log counts: one that
    /// found the background thread mid-pass (a `PASSIVE` checkpoint then gives up at once) or
    /// was left behind by a reader is tried again after the next command, or the log would grow
    /// by another [`Self::OVERDUE_COMMANDS`] commands before the next try.
    fn run(&mut self, conn: &Connection) {
        self.ready.store(false, Ordering::Relaxed);
        let pass = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        });
        match pass {
            Ok((0, log, copied)) if copied >= log => self.commands = 0,
            Ok(_) => self.ready.store(true, Ordering::Relaxed),
            Err(e) => {
                tracing::warn!(error = %e, "WAL checkpoint failed; will retry");
                self.ready.store(true, Ordering::Relaxed);
            }
        }
    }
}

/// Times are kept to the microsecond, the precision they are stored with, so that a case read
/// back equals the case that was written.
fn to_micros(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_nanosecond(at.nanosecond() / 1000 * 1000).unwrap_or(at)
}

/// How the record acted on relates to the actor.
pub(crate) fn scope_of(conn: &Conn, actor: &Actor, owner: &str, case_id: Option<&str>) -> Result<Scope> {
    let Some(org) = actor.organisation_id.map(|o| o.to_string()) else {
        return Ok(Scope::Other);
    };
    if org == owner {
        return Ok(Scope::Own);
    }
    if let Some(case_id) = case_id {
        let shared: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM case_shares WHERE organisation_id = ?1 AND case_id = ?2)",
            [&org, case_id],
            |r| r.get(0),
        )?;
        if shared {
            return Ok(Scope::Shared);
        }
    }
    Ok(Scope::Other)
}

/// Asks the one policy. The command line (no role) may administer organisations and users,
/// never cases: it is the person who installed the machine, not a case worker.
pub(crate) fn authorize(actor: &Actor, action: Action, scope: Scope) -> Result<()> {
    match actor.role {
        Some(role) => Ok(policy::authorize(role, action, scope)?),
        None if matches!(
            action,
            Action::OrganisationCreate
                | Action::OrganisationList
                | Action::UserCreate
                | Action::UserList
                | Action::UserManage
        ) =>
        {
            Ok(())
        }
        None => Err(StoreError::Conflict("the command line does not act on cases; log in as a user".into())),
    }
}

impl Store for SqlStore {
    fn create_organisation(&self, actor: &Actor, new: NewOrganisation) -> Result<Organisation> {
        let actor = actor.clone();
        self.write(move |tx| accounts::create_organisation(tx, &actor, new))
    }

    fn list_organisations(&self, actor: &Actor) -> Result<Vec<Organisation>> {
        authorize(actor, Action::OrganisationList, Scope::Own)?;
        self.read(accounts::list_organisations)
    }

    fn organisation_by_name(&self, name: &str) -> Result<Option<Organisation>> {
        self.read(|conn| accounts::organisation_by_name(conn, name))
    }

    fn create_user(&self, actor: &Actor, new: NewUser) -> Result<CreatedUser> {
        let password = crate::secrets::new_password()?;
        let hash = crate::secrets::hash_password(&password)?;
        let actor = actor.clone();
        let user = self.write(move |tx| accounts::create_user(tx, &actor, new, &hash, true))?;
        Ok(CreatedUser { user, password })
    }

    fn create_user_with_password(&self, actor: &Actor, new: NewUser, password: &str) -> Result<User> {
        let hash = crate::secrets::hash_password(password)?;
        let actor = actor.clone();
        self.write(move |tx| accounts::create_user(tx, &actor, new, &hash, false))
    }

    fn list_users(&self, actor: &Actor) -> Result<Vec<User>> {
        let actor = actor.clone();
        self.write(move |tx| accounts::list_users(tx, &actor))
    }

    fn set_user_active(&self, actor: &Actor, user: UserId, active: bool) -> Result<User> {
        let actor = actor.clone();
        self.write(move |tx| accounts::set_user_active(tx, &actor, user, active))
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        self.read(|conn| Ok(accounts::user_by_email(conn, email)?.map(|(user, _)| user)))
    }

    fn login(&self, origin: &str, email: &str, password: &str) -> Result<Option<(User, String)>> {
        // The slow hash runs outside the writer so that logins never hold up case work.
        let found = self.read(|conn| accounts::user_by_email(conn, email))?;
        let verified = match &found {
            Some((_, hash)) => crate::secrets::verify_password(hash, password),
            None => {
                let _ = crate::secrets::verify_password(crate::secrets::decoy_hash(), password);
                false
            }
        };
        let secret = crate::secrets::new_secret("hws_")?;
        let origin = origin.to_owned();
        let email = homeward_domain::org::normalise_email(email);
        let user = found.filter(|(user, _)| verified && user.active).map(|(user, _)| user);
        self.write(move |tx| accounts::record_login(tx, &origin, &email, user, secret))
    }

    fn logout(&self, actor: &Actor, session_secret: &str) -> Result<()> {
        let actor = actor.clone();
        let hash = crate::secrets::hash_secret(session_secret);
        self.write(move |tx| accounts::logout(tx, &actor, &hash))
    }

    fn change_password(&self, actor: &Actor, current: &str, new: &str, keep_session: Option<&str>) -> Result<()> {
        crate::secrets::check_new_password(new)?;
        let user_id = actor.user_id.ok_or_else(|| StoreError::NotFound("user".into()))?;
        let stored = self.read(|conn| accounts::password_hash(conn, user_id))?;
        if !crate::secrets::verify_password(&stored, current) {
            return Err(StoreError::WrongPassword);
        }
        let hash = crate::secrets::hash_password(new)?;
        let actor = actor.clone();
        let keep = keep_session.map(crate::secrets::hash_secret).unwrap_or_default();
        self.write(move |tx| accounts::set_password(tx, &actor, user_id, &hash, &keep))
    }

    fn create_api_token(&self, actor: &Actor, user: UserId, name: &str) -> Result<String> {
        let secret = crate::secrets::new_secret("hwt_")?;
        let hash = crate::secrets::hash_secret(&secret);
        let actor = actor.clone();
        let name = name.trim().to_owned();
        self.write(move |tx| accounts::create_api_token(tx, &actor, user, &name, &hash))?;
        Ok(secret)
    }

    fn list_api_tokens(&self, actor: &Actor) -> Result<Vec<homeward_domain::org::ApiToken>> {
        let user = actor.user_id.ok_or_else(|| StoreError::NotFound("user".into()))?;
        self.read(|conn| accounts::list_api_tokens(conn, user))
    }

    fn revoke_api_token(&self, actor: &Actor, id: homeward_domain::TokenId) -> Result<()> {
        let actor = actor.clone();
        self.write(move |tx| accounts::revoke_api_token(tx, &actor, id))
    }

    fn set_preferences(&self, actor: &Actor, preferences: homeward_domain::org::Preferences) -> Result<User> {
        let actor = actor.clone();
        self.write(move |tx| accounts::set_preferences(tx, &actor, preferences))
    }

    fn authenticate(&self, credential: Credential<'_>) -> Result<Option<User>> {
        let now = crate::timefmt::format((self.clock)());
        self.read(|conn| accounts::authenticate(conn, credential, &now))
    }

    fn create_case(&self, actor: &Actor, new: NewCase) -> Result<CaseView> {
        let actor = actor.clone();
        self.write(move |tx| cases::create_case(tx, &actor, new))
    }

    fn import_case(&self, actor: &Actor, new: NewCase, case_ref: String) -> Result<crate::Imported> {
        let actor = actor.clone();
        self.write(move |tx| cases::import_case(tx, &actor, new, &case_ref))
    }

    fn create_case_with_candidates(
        &self,
        actor: &Actor,
        new: NewCase,
        found: Vec<(ChildId, f64, Vec<MatchReason>)>,
        limit: usize,
    ) -> Result<(CaseView, Vec<Candidate>)> {
        let actor = actor.clone();
        let probable = found.iter().any(|(_, p, _)| *p >= homeward_domain::linkage::PROBABLE_FROM);
        // The candidates' cases are read first, on a reader connection: on PostgreSQL a read in
        // the writer's transaction is a round trip inside the writer lock, which every
        // instance's reports wait for. What is read is shown only once the command that keeps
        // the candidates and audits them has committed. A report is never lost because linkage
        // failed: a failed read is logged and the case opened without candidates.
        let read =
            match self.read(|conn| linkage::read_candidates(conn, &actor, linkage::Asking::Opening, found, limit)) {
                Ok(read) => Some(read),
                Err(e) => {
                    tracing::error!(error = %e, "could not find the candidates of a new case");
                    None
                }
            };
        self.write(move |tx| {
            let view = cases::create_case(tx, &actor, new)?;
            let case = view.case.id;
            let child = view
                .child
                .as_ref()
                .map(|c| c.id)
                .ok_or_else(|| StoreError::Corrupt("a case opened without its child".into()))?;
            // The pairs the candidates suggest are new (the child is), and kept as part of the
            // command: their inserts fail only when the database does, and in a savepoint of
            // their own they would cost a round trip to PostgreSQL inside the writer lock.
            let (candidates, partners) = match read {
                Some(read) => {
                    let matched = linkage::keep_candidates(tx, &actor, read.opened(case, child))?;
                    (matched.candidates, matched.probable)
                }
                None => Default::default(),
            };
            // A likely match just kept may make this a probable repeat episode.
            if probable {
                let facts = warnings::opened_facts(
                    case,
                    child,
                    view.case.last_seen_at,
                    view.last_seen.as_ref().and_then(|l| l.missing_from.as_ref()),
                    &view.identifiers,
                )?;
                let org = view.case.organisation_id;
                tx.best_effort("run the detectors on a case", case, |tx| {
                    warnings::detect_opened(tx, &actor, org, facts, &partners)
                });
            }
            Ok((view, candidates))
        })
    }

    fn get_case(&self, actor: &Actor, id: CaseId) -> Result<CaseView> {
        let who = actor.clone();
        self.refused(actor, id, "read", self.read_audited(move |tx| cases::get_case(tx, &who, id)))
    }

    fn case_record(&self, actor: &Actor, id: CaseId, wants: crate::RecordWants) -> Result<crate::CaseRecord> {
        let who = actor.clone();
        // One read transaction and one commit of its entries, where the page's six reads were
        // six of each (on PostgreSQL each commit a flush of the server's log).
        let read = self.read_audited(move |tx| {
            let view = cases::get_case(tx, &who, id)?;
            let events = cases::case_events(tx, &who, id)?;
            // Matches and sightings name children: only a reader of personal data sees them.
            let (matches, sightings) = if view.pseudonymous {
                (Vec::new(), Vec::new())
            } else {
                (linkage::case_matches(tx, &who, id)?, sightings::of_case(tx, &who, id)?)
            };
            // Warnings and escalations stay within the case's organisation.
            let own = Some(view.case.organisation_id) == who.organisation_id;
            let warnings = record_part(own && wants.warnings, || warnings::case_warnings(tx, &who, id))?;
            let escalations = record_part(own && wants.escalations, || escalations::of_case(tx, &who, id))?;
            Ok(crate::CaseRecord { view, events, matches, warnings, escalations, sightings })
        });
        self.refused(actor, id, "read", read)
    }

    fn list_cases(&self, actor: &Actor, filter: CaseFilter) -> Result<Page<CaseSummary>> {
        let actor = actor.clone();
        self.read_audited(move |tx| cases::list_cases(tx, &actor, filter))
    }

    fn save_draft(&self, actor: &Actor, fields: serde_json::Map<String, serde_json::Value>) -> Result<()> {
        let actor = actor.clone();
        self.write(move |tx| cases::save_draft(tx, &actor, fields))
    }

    fn draft(&self, actor: &Actor) -> Result<Option<crate::Draft>> {
        let actor = actor.clone();
        self.write(move |tx| cases::draft(tx, &actor))
    }

    fn discard_draft(&self, actor: &Actor) -> Result<()> {
        let actor = actor.clone();
        self.write(move |tx| cases::discard_draft(tx, &actor))
    }

    fn who_is(&self, actor: &Actor, users: &[UserId]) -> Result<std::collections::HashMap<UserId, String>> {
        self.read(|conn| accounts::who_is(conn, actor, users))
    }

    fn my_tasks(&self, actor: &Actor) -> Result<Vec<homeward_domain::view::TaskSummary>> {
        let actor = actor.clone();
        self.read_audited(move |tx| cases::my_tasks(tx, &actor))
    }

    fn case_events(&self, actor: &Actor, id: CaseId) -> Result<Vec<CaseEvent>> {
        let who = actor.clone();
        self.refused(actor, id, "read_events", self.read_audited(move |tx| cases::case_events(tx, &who, id)))
    }

    fn change_case(&self, actor: &Actor, id: CaseId, change: CaseChange) -> Result<CaseView> {
        let who = actor.clone();
        let attempt = change.action().name();
        self.refused(actor, id, attempt, self.write(move |tx| cases::change_case(tx, &who, id, change)))
    }

    fn match_candidates(
        &self,
        actor: &Actor,
        case: Option<CaseId>,
        found: Vec<(ChildId, f64, Vec<MatchReason>)>,
        limit: usize,
    ) -> Result<Vec<Candidate>> {
        let who = actor.clone();
        let asking = case.map_or(linkage::Asking::Search, linkage::Asking::Case);
        let result =
            self.write(move |tx| linkage::match_candidates(tx, &who, asking, found, limit).map(|m| m.candidates));
        match case {
            Some(id) => self.refused(actor, id, "read_candidates", result),
            None => result,
        }
    }

    fn case_matches(&self, actor: &Actor, id: CaseId) -> Result<Vec<CaseMatch>> {
        let who = actor.clone();
        self.refused(actor, id, "read_matches", self.read_audited(move |tx| linkage::case_matches(tx, &who, id)))
    }

    fn decide_match(
        &self,
        actor: &Actor,
        id: CaseId,
        other: CaseId,
        decision: MatchDecision,
        reason: Option<String>,
    ) -> Result<CaseMatch> {
        let who = actor.clone();
        let result = self.write(move |tx| linkage::decide_match(tx, &who, id, other, decision, reason));
        // The refused case is the one the actor may not link: this one, or else the other.
        let refused = match &result {
            Err(StoreError::Denied(_) | StoreError::NotFound(_)) => {
                let may_link_this = self.read(|conn| {
                    let (_, scope) = cases::visible_case(conn, actor, id)?;
                    authorize(actor, Action::CaseLinkMatch, scope)
                });
                if may_link_this.is_ok() { other } else { id }
            }
            _ => id,
        };
        self.refused(actor, refused, Action::CaseLinkMatch.name(), result)
    }

    // Read on a reader, off the writer (and PostgreSQL's writer lock): every instance reads the
    // children the others took every half minute, thousands at a time. A child's sequence is
    // given under the writer lock, so a snapshot that holds one holds every child before it.
    fn linkage_records(&self, after: LinkageSeq, limit: u32) -> Result<Vec<LinkageRecord>> {
        self.read_audited(move |tx| linkage::linkage_records(tx, after, limit))
    }

    fn linkage_record(&self, child: ChildId) -> Result<Option<LinkageRecord>> {
        self.read_audited(move |tx| linkage::linkage_record(tx, child))
    }

    fn linkage_watermark(&self) -> Result<LinkageSeq> {
        self.read(linkage::linkage_watermark)
    }

    fn record_match_suggestions(
        &self,
        suggestions: Vec<MatchSuggestion>,
        watermark: Option<LinkageSeq>,
    ) -> Result<u32> {
        self.write(move |tx| linkage::record_suggestions(tx, suggestions, watermark))
    }

    fn list_warnings(&self, actor: &Actor, live: bool) -> Result<Vec<WarningView>> {
        let who = actor.clone();
        let result = self.read_audited(move |tx| warnings::list_warnings(tx, &who, live));
        self.refused_on(actor, ("warning", None), "list_warnings", result)
    }

    fn get_warning(&self, actor: &Actor, id: WarningId) -> Result<WarningView> {
        let who = actor.clone();
        let result = self.read_audited(move |tx| warnings::get_warning(tx, &who, id));
        self.refused_on(actor, ("warning", Some(id.to_string())), "read_warning", result)
    }

    fn warning_network(&self, actor: &Actor, id: WarningId) -> Result<WarningNetwork> {
        let who = actor.clone();
        let result = self.read_audited(move |tx| warnings::warning_network(tx, &who, id));
        self.refused_on(actor, ("warning", Some(id.to_string())), "read_warning_network", result)
    }

    fn decide_warning(
        &self,
        actor: &Actor,
        id: WarningId,
        decision: WarningDecision,
        reason: Option<String>,
    ) -> Result<WarningView> {
        let who = actor.clone();
        let result = self.write(move |tx| warnings::decide_warning(tx, &who, id, decision, reason));
        self.refused_on(actor, ("warning", Some(id.to_string())), Action::WarningDecide.name(), result)
    }

    fn case_warnings(&self, actor: &Actor, id: CaseId) -> Result<Vec<(WarningId, WarningKind, Level)>> {
        let actor = actor.clone();
        self.read_audited(move |tx| warnings::case_warnings(tx, &actor, id))
    }

    fn use_catalogue(&self, catalogue: Arc<homeward_risk::Catalogue>) {
        match self.catalogue.write() {
            Ok(mut current) => *current = catalogue,
            Err(poisoned) => *poisoned.into_inner() = catalogue,
        }
    }

    fn use_response_plan(&self, plan: Arc<homeward_risk::response::ResponsePlan>) {
        match self.plan.write() {
            Ok(mut current) => *current = plan,
            Err(poisoned) => *poisoned.into_inner() = plan,
        }
    }

    fn response_cases(&self) -> Result<Vec<(homeward_domain::case::Case, Vec<CaseEvent>)>> {
        self.read(escalations::response_cases)
    }

    fn record_escalations(
        &self,
        missed: Vec<Missed>,
        now: OffsetDateTime,
        repeat_every: time::Duration,
    ) -> Result<crate::EscalationReport> {
        // Most runs find the same deadlines missed as the run before: those are sorted out on a
        // reader, so that the writer, which reports queue behind, sees only what is new or due to
        // be raised again (and checks it again itself).
        let (missed, cleared) = self.read(|conn| escalations::worth_writing(conn, missed, now, repeat_every))?;
        if missed.is_empty() && cleared.is_empty() {
            return Ok(crate::EscalationReport::default());
        }
        let routes = current(&self.routes);
        // A few hundred at a time, each its own command: a store of old cases can have missed
        // a deadline on every open case at once, and one command for all of them would hold the
        // writer, and every report queued behind it, for minutes. Each escalation is raised once
        // by its unique key, so what one run leaves the next one does.
        let mut report = crate::EscalationReport::default();
        let (mut missed, mut cleared) = (missed.into_iter(), cleared.into_iter());
        loop {
            let some_missed: Vec<Missed> = missed.by_ref().take(ESCALATIONS_PER_COMMAND).collect();
            let some_cleared: Vec<EscalationId> = cleared.by_ref().take(ESCALATIONS_PER_COMMAND).collect();
            if some_missed.is_empty() && some_cleared.is_empty() {
                return Ok(report);
            }
            let routes = routes.clone();
            let done =
                self.write(move |tx| escalations::record(tx, some_missed, some_cleared, now, repeat_every, &routes))?;
            report.raised += done.raised;
            report.repeated += done.repeated;
            report.cleared += done.cleared;
        }
    }

    fn list_escalations(&self, actor: &Actor, open: bool) -> Result<Vec<EscalationView>> {
        let who = actor.clone();
        let result = self.read_audited(move |tx| escalations::list(tx, &who, open));
        self.refused_on(actor, ("escalation", None), "list_escalations", result)
    }

    fn duty(&self, actor: &Actor) -> Result<homeward_domain::escalation::Duty> {
        let who = actor.clone();
        let result = self.write(move |tx| escalations::duty(tx, &who));
        self.refused_on(actor, ("user", None), Action::EscalationRead.name(), result)
    }

    fn set_duty(&self, actor: &Actor, until: Option<OffsetDateTime>) -> Result<homeward_domain::escalation::Duty> {
        let who = actor.clone();
        let result = self.write(move |tx| escalations::set_duty(tx, &who, until));
        self.refused_on(actor, ("user", None), Action::EscalationAcknowledge.name(), result)
    }

    fn case_escalations(&self, actor: &Actor, id: CaseId) -> Result<Vec<EscalationView>> {
        let who = actor.clone();
        self.refused(actor, id, "read_escalations", self.read_audited(move |tx| escalations::of_case(tx, &who, id)))
    }

    fn acknowledge_escalation(&self, actor: &Actor, id: EscalationId, note: Option<String>) -> Result<EscalationView> {
        let who = actor.clone();
        let result = self.write(move |tx| escalations::acknowledge(tx, &who, id, note));
        self.refused_on(actor, ("escalation", Some(id.to_string())), Action::EscalationAcknowledge.name(), result)
    }

    fn use_notification_routes(&self, routes: Arc<homeward_domain::notification::Routes>) {
        match self.routes.write() {
            Ok(mut current) => *current = routes,
            Err(poisoned) => *poisoned.into_inner() = routes,
        }
    }

    fn due_notifications(
        &self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<homeward_domain::notification::Pending>> {
        self.read(|conn| notifications::due(conn, now, limit))
    }

    fn record_notification_attempt(
        &self,
        id: homeward_domain::NotificationId,
        outcome: homeward_domain::notification::Outcome,
        now: OffsetDateTime,
    ) -> Result<homeward_domain::notification::State> {
        self.write(move |tx| notifications::record_attempt(tx, id, outcome, now))
    }

    fn failed_notifications(&self, actor: &Actor) -> Result<Vec<homeward_domain::notification::NotificationView>> {
        let who = actor.clone();
        let result = self.write(move |tx| notifications::failed(tx, &who));
        self.refused_on(actor, ("notification", None), "list_failed_notifications", result)
    }

    fn case_assessments(&self, actor: &Actor, id: CaseId) -> Result<Vec<homeward_domain::risk::StoredAssessment>> {
        let who = actor.clone();
        self.refused(actor, id, "read_assessments", self.read_audited(move |tx| assessments::history(tx, &who, id)))
    }

    fn handover_package(&self, actor: &Actor, id: CaseId) -> Result<homeward_domain::handover::HandoverPackage> {
        let who = actor.clone();
        let result = self.read_audited(move |tx| handover::package(tx, &who, id));
        self.refused(actor, id, Action::CaseHandoverRead.name(), result)
    }

    fn request_alert(
        &self,
        actor: &Actor,
        case: CaseId,
        new: homeward_domain::alert::NewAlertRequest,
    ) -> Result<homeward_domain::alert::AlertView> {
        let who = actor.clone();
        let result = self.write(move |tx| alerts::request(tx, &who, case, new));
        self.refused(actor, case, Action::AlertRequest.name(), result)
    }

    fn case_alerts(&self, actor: &Actor, case: CaseId) -> Result<Vec<homeward_domain::alert::AlertView>> {
        let who = actor.clone();
        self.refused(actor, case, "read_alerts", self.read_audited(move |tx| alerts::of_case(tx, &who, case)))
    }

    fn list_alerts(&self, actor: &Actor) -> Result<Vec<homeward_domain::alert::AlertView>> {
        let who = actor.clone();
        let result = self.read_audited(move |tx| alerts::list(tx, &who));
        self.refused_on(actor, ("alert", None), "list_alerts", result)
    }

    fn get_alert(
        &self,
        actor: &Actor,
        id: homeward_domain::alert::AlertId,
    ) -> Result<homeward_domain::alert::AlertView> {
        let who = actor.clone();
        let result = self.write(move |tx| alerts::get(tx, &who, id));
        self.refused_on(actor, ("alert", Some(id.to_string())), "read_alert", result)
    }

    fn change_alert(
        &self,
        actor: &Actor,
        id: homeward_domain::alert::AlertId,
        change: homeward_domain::alert::AlertChange,
    ) -> Result<homeward_domain::alert::AlertView> {
        let who = actor.clone();
        let attempt = change.action().name();
        let result = self.write(move |tx| alerts::change(tx, &who, id, change));
        self.refused_on(actor, ("alert", Some(id.to_string())), attempt, result)
    }

    fn expire_alerts(&self, now: OffsetDateTime) -> Result<u32> {
        if !self.read(|conn| alerts::any_due(conn, now))? {
            return Ok(0);
        }
        self.write(move |tx| alerts::expire(tx, now))
    }

    fn public_alerts(&self, now: OffsetDateTime) -> Result<Vec<homeward_domain::alert::PublicAlert>> {
        self.read(|conn| alerts::public_alerts(conn, now))
    }

    fn rescan_warnings(&self) -> Result<warnings::Rescan> {
        self.write(warnings::rescan)
    }

    fn test_trends(&self) -> Result<warnings::TrendTest> {
        let weeks = self.read(warnings::untested_weeks)?;
        if weeks.weeks.is_empty() {
            return Ok(warnings::TrendTest::default());
        }
        self.write(move |tx| warnings::test_weeks(tx, weeks))
    }

    fn submit_sighting(
        &self,
        origin: &str,
        sighting: homeward_domain::sighting::NewSighting,
        photo: Option<homeward_domain::sighting::Photo>,
    ) -> Result<homeward_domain::sighting::SightingReceipt> {
        let origin = origin.to_owned();
        self.write(move |tx| sightings::submit(tx, &origin, sighting, photo))
    }

    fn list_sightings(&self, actor: &Actor) -> Result<Vec<homeward_domain::sighting::SightingView>> {
        let who = actor.clone();
        let result = self.read_audited(move |tx| sightings::inbox(tx, &who));
        self.refused_on(actor, ("sighting", None), "list_sightings", result)
    }

    fn get_sighting(
        &self,
        actor: &Actor,
        id: homeward_domain::SightingId,
    ) -> Result<homeward_domain::sighting::SightingView> {
        let who = actor.clone();
        let result = self.write(move |tx| sightings::get(tx, &who, id));
        self.refused_on(actor, ("sighting", Some(id.to_string())), "read_sighting", result)
    }

    fn sighting_photo(
        &self,
        actor: &Actor,
        id: homeward_domain::SightingId,
    ) -> Result<homeward_domain::sighting::Photo> {
        let who = actor.clone();
        let result = self.write(move |tx| sightings::photo(tx, &who, id));
        self.refused_on(actor, ("sighting", Some(id.to_string())), "read_sighting_photo", result)
    }

    fn attach_sighting(
        &self,
        actor: &Actor,
        id: homeward_domain::SightingId,
        case: CaseId,
    ) -> Result<homeward_domain::sighting::SightingView> {
        let who = actor.clone();
        let result = self.write(move |tx| sightings::attach(tx, &who, id, case));
        self.refused_on(actor, ("sighting", Some(id.to_string())), "attach_sighting", result)
    }

    fn dismiss_sighting(
        &self,
        actor: &Actor,
        id: homeward_domain::SightingId,
        reason: Option<String>,
    ) -> Result<homeward_domain::sighting::SightingView> {
        let who = actor.clone();
        let result = self.write(move |tx| sightings::dismiss(tx, &who, id, reason));
        self.refused_on(actor, ("sighting", Some(id.to_string())), "dismiss_sighting", result)
    }

    fn case_sightings(&self, actor: &Actor, id: CaseId) -> Result<Vec<homeward_domain::sighting::SightingView>> {
        let who = actor.clone();
        self.refused(actor, id, "read_sightings", self.read_audited(move |tx| sightings::of_case(tx, &who, id)))
    }

    fn claim_job(&self, job: &str, holder: &str, lease: time::Duration) -> Result<bool> {
        let (job, holder) = (job.to_owned(), holder.to_owned());
        self.write(move |tx| jobs::claim(tx, &job, &holder, lease))
    }

    fn verify_audit(&self) -> Result<VerifyReport> {
        self.read(audit_log::verify_all)
    }

    fn audit_entries(&self, after_seq: i64, limit: u32) -> Result<Vec<AuditEntry>> {
        self.read(|conn| audit_log::entries(conn, after_seq, limit))
    }

    fn is_empty(&self) -> Result<bool> {
        self.read(|conn| Ok(conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM organisations)", (), |r| r.get(0))?))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::SqlStore;
    use crate::Store as _;
    use crate::db::Conn;
    use crate::params;

    /// A store, a connection of the test's own to its database, and (PostgreSQL) the server's
    /// URL and the database's name, to drop it after.
    type Opened = (SqlStore, Conn, Option<(String, String)>);

    /// The stores to run on: a SQLite file, and a fresh PostgreSQL database when
    /// `HOMEWARD_TEST_POSTGRES_URL` names a server.
    fn stores(dir: &std::path::Path) -> Vec<Opened> {
        let path = dir.join("t.db");
        let sqlite = SqlStore::open(path.to_str().unwrap(), crate::system_clock()).unwrap();
        let mut out = vec![(sqlite, Conn::Sqlite(rusqlite::Connection::open(&path).unwrap()), None)];
        match std::env::var("HOMEWARD_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) {
            Some(server) => {
                let name = format!("hw_unit_{}", uuid::Uuid::now_v7().simple());
                let admin = crate::db::PgConn::connect_url(&server).unwrap();
                Conn::Postgres(admin).execute_batch(&format!("CREATE DATABASE {name}")).unwrap();
                let url = match server.rsplit_once('/') {
                    Some((base, _)) => format!("{base}/{name}"),
                    None => panic!("HOMEWARD_TEST_POSTGRES_URL names no database: {server}"),
                };
                let store = SqlStore::open_postgres(&url, crate::system_clock()).unwrap();
                let conn = Conn::Postgres(crate::db::PgConn::connect_url(&url).unwrap());
                out.push((store, conn, Some((server, name))));
            }
            None => {
                assert!(std::env::var("CI").as_deref() != Ok("true"), "CI must set HOMEWARD_TEST_POSTGRES_URL");
                eprintln!("SKIPPED on PostgreSQL: HOMEWARD_TEST_POSTGRES_URL is not set");
            }
        }
        out
    }

    /// Drops the PostgreSQL database [`stores`] made for a test, once its store and connection
    /// are closed.
    fn drop_database(postgres: Option<(String, String)>) {
        if let Some((server, name)) = postgres {
            let admin = Conn::Postgres(crate::db::PgConn::connect_url(&server).unwrap());
            let _ = admin.execute_batch(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }

    /// A command whose write fails on the server before a best-effort block (the write deferred
    /// on PostgreSQL, and its failure found only inside the block, whose savepoint it kept from
    /// opening) fails as a whole — the best effort does not pass over it — while the commands batched with it,
    /// before and after, stand.
    #[test]
    fn a_failed_write_before_a_best_effort_block_fails_its_command_alone() {
        let dir = tempfile::tempdir().unwrap();
        for (store, conn, postgres) in stores(dir.path()) {
            let store = std::sync::Arc::new(store);
            conn.execute_batch("CREATE TABLE scratch (k INTEGER PRIMARY KEY, v INTEGER NOT NULL CHECK (v > 0))")
                .unwrap();
            // Holds the writer while the three commands queue, so that they make one batch.
            let (held, release) = std::sync::mpsc::channel::<()>();
            let holder = {
                let store = store.clone();
                std::thread::spawn(move || {
                    store.write(move |_| {
                        let _ = release.recv_timeout(std::time::Duration::from_secs(5));
                        Ok(())
                    })
                })
            };
            std::thread::sleep(std::time::Duration::from_millis(100));
            let commands: Vec<_> = [(1, 1), (2, -1), (3, 1)]
                .into_iter()
                .map(|(k, v)| {
                    let store = store.clone();
                    let handle = std::thread::spawn(move || {
                        store.write(move |tx| {
                            tx.conn.defer("INSERT INTO scratch (k, v) VALUES (?1, ?2)", params![k, v])?;
                            let seen = tx.best_effort("read", homeward_domain::CaseId(uuid::Uuid::nil()), |tx| {
                                Ok(tx.conn.query_row("SELECT COUNT(*) FROM scratch", (), |r| r.get::<_, i64>(0))?)
                            });
                            Ok(seen)
                        })
                    });
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    (k, handle)
                })
                .collect();
            held.send(()).unwrap();
            holder.join().unwrap().unwrap();
            for (k, handle) in commands {
                let answer = handle.join().unwrap();
                if k == 2 {
                    assert!(answer.is_err(), "the command whose write failed was answered {answer:?}");
                } else {
                    assert!(answer.is_ok_and(|seen| seen.is_some()), "command {k} failed");
                }
            }
            let mut stmt = conn.prepare("SELECT k FROM scratch ORDER BY k").unwrap();
            let keys: Vec<i64> = stmt.query_map((), |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            assert_eq!(keys, vec![1, 3], "the commands batched with the failed one stand, and it left nothing");
            drop(stmt);
            assert!(store.verify_audit().unwrap().first_bad.is_none());
            drop(store);
            drop(conn);
            drop_database(postgres);
        }
    }

    /// A read that panics (a bug in a read, on a request's thread) frees its place in the reader
    /// pool: PostgreSQL's pool is capped, and places lost to panics would leave every later read,
    /// logins included, waiting for a connection that never comes back.
    #[test]
    fn a_panicking_read_frees_its_place_in_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        for (store, conn, postgres) in stores(dir.path()) {
            let open = |store: &SqlStore| store.readers.lock().unwrap().open;
            store.read(|conn| conn.execute_batch("SELECT 1").map_err(Into::into)).unwrap();
            let before = open(&store);
            for _ in 0..super::MAX_POSTGRES_READERS + 1 {
                let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    store.read(|_| -> crate::Result<()> { panic!("a bug in a read") })
                }));
                assert!(panicked.is_err());
                let audited = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    store.read_audited(|_| -> crate::Result<()> { panic!("a bug in an audited read") })
                }));
                assert!(audited.is_err());
            }
            assert!(open(&store) < before + 1, "every panicking read gave its place back");
            store.read(|conn| conn.execute_batch("SELECT 1").map_err(Into::into)).unwrap();
            drop(store);
            drop(conn);
            drop_database(postgres);
        }
    }

    /// The writer keeps the case numbers it gave in a transaction (the next needs no round
    /// trip), and the children's linkage numbers; a command that fails after taking them gives
    /// them back with everything else it did: the commands batched with it number on without a
    /// gap, and the stored count agrees.
    #[test]
    fn a_command_that_fails_after_numbering_a_case_gives_its_number_back() {
        use homeward_domain::org::{Actor, NewOrganisation, NewUser, OrganisationKind, Role};
        let dir = tempfile::tempdir().unwrap();
        for (store, conn, postgres) in stores(dir.path()) {
            let store = std::sync::Arc::new(store);
            let cli = Actor::command_line();
            let org = store
                .create_organisation(
                    &cli,
                    NewOrganisation { name: "Hotline".into(), kind: OrganisationKind::Hotline, country: "GR".into() },
                )
                .unwrap();
            let new_user = NewUser {
                email: "cm@a.example".into(),
                display_name: None,
                role: Role::Supervisor,
                organisation_id: Some(org.id),
            };
            let user = store.create_user_with_password(&cli, new_user, "a long password").unwrap();
            let actor = Actor::user(&user, "test");
            let report = || -> homeward_domain::case::NewCase {
                serde_json::from_value(serde_json::json!({"category": "runaway",
                    "child": {"given_name": "Eleni", "family_name": "Papadopoulou", "sex": "F"},
                    "last_seen": {"at": "2026-11-28T18:30:00Z", "place": "Athens"}}))
                .unwrap()
            };
            // Holds the writer while the three commands queue, so that they make one batch.
            let (held, release) = std::sync::mpsc::channel::<()>();
            let holder = {
                let store = store.clone();
                std::thread::spawn(move || {
                    store.write(move |_| {
                        let _ = release.recv_timeout(std::time::Duration::from_secs(5));
                        Ok(())
                    })
                })
            };
            std::thread::sleep(std::time::Duration::from_millis(100));
            let commands: Vec<_> = [false, true, false]
                .into_iter()
                .map(|fails| {
                    let (store, actor, new) = (store.clone(), actor.clone(), report());
                    let handle = std::thread::spawn(move || {
                        store.write(move |tx| {
                            let view = super::cases::create_case(tx, &actor, new)?;
                            if fails {
                                return Err(crate::StoreError::Conflict("fails after numbering".into()));
                            }
                            Ok(view.case.number)
                        })
                    });
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    handle
                })
                .collect();
            held.send(()).unwrap();
            holder.join().unwrap().unwrap();
            let answers: Vec<_> = commands.into_iter().map(|h| h.join().unwrap()).collect();
            let year = time::OffsetDateTime::now_utc().year();
            assert_eq!(answers[0].as_deref().unwrap(), format!("GR-{year}-000001"));
            assert!(answers[1].is_err(), "{:?}", answers[1]);
            assert_eq!(answers[2].as_deref().unwrap(), format!("GR-{year}-000002"), "no gap after the failed command");
            let next = store.create_case(&actor, report()).unwrap();
            assert_eq!(next.case.number, format!("GR-{year}-000003"), "the next batch reads the count again");
            let (cases, last): (i64, i64) = conn
                .query_row("SELECT (SELECT COUNT(*) FROM cases), (SELECT MAX(last) FROM case_numbers)", (), |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            assert_eq!((cases, last), (3, 3));
            let linkage: Vec<i64> = conn
                .prepare("SELECT linkage_seq FROM children ORDER BY linkage_seq")
                .unwrap()
                .query_map((), |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            assert_eq!(linkage, [1, 2, 3], "children are numbered in commit order without a gap");
            drop(store);
            drop(conn);
            drop_database(postgres);
        }
    }

    /// On PostgreSQL the writer commits without waiting for the log's flush (the writer lock is
    /// not held over a disk sync), and still answers a write only once it is on disk: the log
    /// is flushed past everything the write's transaction logged by the time it is answered.
    /// (Another session's commit may flush the log too, so run alone this fails without the
    /// writer's confirmation; beside other tests it may pass by their flushes.)
    #[test]
    fn a_write_is_answered_only_once_the_log_is_flushed_past_it() {
        let dir = tempfile::tempdir().unwrap();
        for (store, conn, postgres) in stores(dir.path()) {
            if postgres.is_none() {
                continue;
            }
            conn.execute_batch("CREATE TABLE scratch (k INTEGER PRIMARY KEY, v TEXT NOT NULL)").unwrap();
            for k in 0..20_i64 {
                let (synchronous, written) = store
                    .write(move |tx| {
                        tx.conn.execute("INSERT INTO scratch (k, v) VALUES (?1, ?2)", params![k, "x".repeat(100)])?;
                        let synchronous: String = tx.conn.query_row("SHOW synchronous_commit", (), |r| r.get(0))?;
                        let written: String =
                            tx.conn.query_row("SELECT CAST(pg_current_wal_insert_lsn() AS TEXT)", (), |r| r.get(0))?;
                        Ok((synchronous, written))
                    })
                    .unwrap();
                assert_eq!(synchronous, "off", "the writer's transaction waits for the flush under the lock");
                let flushed: bool = conn
                    .query_row(
                        "SELECT pg_current_wal_flush_lsn() >= CAST(CAST(?1 AS TEXT) AS pg_lsn)",
                        params![written],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert!(flushed, "write {k} was answered before the log was flushed past {written}");
            }
            drop((store, conn));
            drop_database(postgres);
        }
    }

    /// The read of a child's episodes starts from the child's identity whatever the planner
    /// knows. On PostgreSQL a prepared statement may keep one generic plan, made when its tables
    /// held a few hundred rows and never analysed (a new database, no autovacuum run yet), as the
    /// tables grow: the plan before this test read every case of the organisation, so each report
    /// cost more than the one before (a scale-out run fell behind from its third second).
    #[test]
    fn the_episodes_of_a_child_are_read_from_the_child_even_on_tables_never_analysed() {
        let dir = tempfile::tempdir().unwrap();
        for (store, conn, postgres) in stores(dir.path()) {
            drop(store);
            let sql = super::warnings::episodes_sql(conn.is_postgres(), 2);
            let plan: Vec<String> = if conn.is_postgres() {
                conn.execute_batch(
                    "INSERT INTO organisations VALUES ('o', 'o', 'hotline', 'GR', '2026-01-01T00:00:00Z');
                     INSERT INTO children SELECT 'ch' || g, 'F', 2010, '[]', '2026-01-01T00:00:00Z', 'id' || g, g
                         FROM generate_series(1, 300) g;
                     INSERT INTO cases SELECT 'c' || g, 'n' || g, 'o', 'ch' || g, 'runaway', NULL, 'open',
                         '2026-01-01', '2026-01-01', '2026-01-01', NULL, 1, '{}' FROM generate_series(1, 300) g;
                     SET plan_cache_mode = force_generic_plan",
                )
                .unwrap();
                let prepared = format!("PREPARE episodes (text, text, text, text, text) AS {}", sql.replace('?', "$"));
                conn.execute_batch(&prepared).unwrap();
                let mut explain = conn.prepare("EXPLAIN EXECUTE episodes ('o', 'a', 'b', 'id1', 'id2')").unwrap();
                explain.query_map(params![], |r| r.get::<_, String>(0)).unwrap().map(|r| r.unwrap()).collect()
            } else {
                let mut explain = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
                explain
                    .query_map(params!["o", "a", "b", "id1", "id2"], |r| r.get::<_, String>(3))
                    .unwrap()
                    .map(|r| r.unwrap())
                    .collect()
            };
            let plan = plan.join("\n");
            assert!(plan.contains("cases_by_child"), "{plan}");
            assert!(!plan.contains("Seq Scan on cases") && !plan.contains("SCAN c"), "{plan}");
            drop(conn);
            drop_database(postgres);
        }
    }

    /// The trend job reads the weeks with new reports outside the writer lock and marks them
    /// tested in the writer: a report counted in between leaves its week untested, so that the
    /// next run tests it with that report.
    #[test]
    fn a_week_counted_again_while_its_trend_was_tested_is_tested_again() {
        let dir = tempfile::tempdir().unwrap();
        for (store, conn, postgres) in stores(dir.path()) {
            let new = homeward_domain::org::NewOrganisation {
                name: "Hotline".into(),
                kind: homeward_domain::org::OrganisationKind::Hotline,
                country: "GR".into(),
            };
            let org = store.create_organisation(&homeward_domain::org::Actor::command_line(), new).unwrap();
            // As a report counts itself in its week.
            let count = || {
                conn.execute(
                    "INSERT INTO weekly_counts (organisation_id, dimension, key, week, count)
                     VALUES (?1, 'category', 'runaway_national', 2900, 1)
                     ON CONFLICT (organisation_id, dimension, key, week) DO UPDATE SET count = weekly_counts.count + 1",
                    params![org.id.to_string()],
                )
                .unwrap()
            };
            count();
            let read = store.read(super::warnings::untested_weeks).unwrap();
            assert_eq!(read.weeks.len(), 1);
            count();
            let run = store.write(move |tx| super::warnings::test_weeks(tx, read)).unwrap();
            assert_eq!((run.weeks, run.more), (1, false));
            assert_eq!(
                store.read(super::warnings::untested_weeks).unwrap().weeks.len(),
                1,
                "the second report is untested"
            );
            assert_eq!(store.test_trends().unwrap().weeks, 1);
            assert_eq!(store.test_trends().unwrap().weeks, 0, "nothing new to test");
            drop((store, conn));
            drop_database(postgres);
        }
    }
}
