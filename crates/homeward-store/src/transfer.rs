//! Moving and keeping data: a consistent copy of a SQLite database while the server writes to
//! it, putting such a copy back, and moving everything from SQLite to PostgreSQL.
//!
//! Every copy is checked before anyone relies on it: SQLite's own `integrity_check` and a walk
//! of the audit chain over the copy's entries. The table list is never written down here: it is
//! read from the schema of the databases themselves (SQLite's `sqlite_master`, PostgreSQL's
//! catalogue), and a move refuses two schemas whose tables or columns differ, so a table added
//! by a later migration is copied without anyone remembering to list it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::audit::{self, VerifyReport};
use crate::{SqlStore, StoreError};

/// Why a backup, restore or move failed. Nothing is left half done: a failed backup removes its
/// copy, a failed restore leaves the target as it was, a failed move rolls back.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// Opening a database through the store (applying its migrations) failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// SQLite refused or failed a statement.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused or failed a statement, or the connection broke.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// The command would overwrite or mix data, or was given what it does not take.
    #[error("{0}")]
    Refused(String),
    /// A database or a copy is not sound: damaged, not Homeward's, its audit chain broken, or
    /// the copy does not hold what the original did.
    #[error("{0}")]
    Unsound(String),
}

pub type Result<T, E = TransferError> = std::result::Result<T, E>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TransferError + '_ {
    move |source| TransferError::Io { path: path.display().to_string(), source }
}

/// What a sound SQLite file holds, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The last migration applied to it.
    pub schema_version: i64,
    pub cases: u64,
    pub audit_entries: u64,
    /// The hash of its last audit entry ([`audit::GENESIS`] when there is none).
    pub last_hash: String,
    /// The size of the file in bytes.
    pub bytes: u64,
}

/// What [`restore_sqlite`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// What the restored database holds.
    pub checked: Checked,
    /// Where the database it replaced was kept, if there was one.
    pub kept: Option<PathBuf>,
}

/// One table moved by [`migrate_data`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopied {
    pub table: String,
    /// Rows in the source, and (checked equal after the commit) in the target.
    pub rows: u64,
}

/// What [`migrate_data`] moved and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// Every table, in the order copied (parents before the tables that refer to them).
    pub tables: Vec<TableCopied>,
    /// The audit chain as verified on the target.
    pub audit: VerifyReport,
    /// The hash of the last audit entry, the same on both sides.
    pub last_hash: String,
}

/// Opens an existing SQLite file (never creating one) with a busy timeout, so that a commit of
/// the running server in progress is waited for rather than failed.
fn open_existing(path: &Path) -> Result<Connection> {
    if !path.is_file() {
        return Err(TransferError::Refused(format!("there is no database file at {}", path.display())));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    Ok(conn)
}

/// Copies the SQLite database at `source` to `dest` while the server may be writing to it,
/// then checks the copy. The copy is one snapshot (`VACUUM INTO` reads inside one read
/// transaction), so it holds every command committed before it began and nothing of any
/// command after. `dest` must not exist: a backup never overwrites a file.
pub fn backup_sqlite(source: &Path, dest: &Path) -> Result<Checked> {
    if dest.symlink_metadata().is_ok() {
        return Err(TransferError::Refused(format!(
            "{} already exists; a backup never overwrites a file: name a new one",
            dest.display()
        )));
    }
    let conn = open_existing(source)?;
    schema_version(&conn)
        .map_err(|e| TransferError::Unsound(format!("{} is not a Homeward database: {e}", source.display())))?;
    let dest_text =
        dest.to_str().ok_or_else(|| TransferError::Refused(format!("{} is not a UTF-8 path", dest.display())))?;
    conn.execute("VACUUM INTO ?1", [dest_text])?;
    drop(conn);
    let checked = check_sqlite_file(dest).and_then(|checked| {
        sync_file(dest)?;
        sync_parent(dest)?;
        Ok(checked)
    });
    if checked.is_err() {
        // A copy that does not check out must not be mistaken for a backup later.
        let _ = std::fs::remove_file(dest);
    }
    checked
}

/// Puts the backup at `backup` in place of the database at `target`. The server must be
/// stopped: a server holding the target is detected and refused. The backup is copied beside
/// the target, checked (integrity, audit chain, a schema this build knows), synced and renamed
/// over the target, so the target is at every moment either the old database or the whole new
/// one. The database replaced is kept as `<target>.before-restore-<time>`.
pub fn restore_sqlite(backup: &Path, target: &Path) -> Result<Restored> {
    if !backup.is_file() {
        return Err(TransferError::Refused(format!("there is no backup file at {}", backup.display())));
    }
    let known = known_sqlite_version()?;
    if target.exists() {
        settle_unused(target)?;
    }
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| TransferError::Refused(format!("{} does not name a file", target.display())))?;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let staged = dir.join(format!(".{name}.restoring-{}", std::process::id()));
    remove_with_sidecars(&staged)?;
    std::fs::copy(backup, &staged).map_err(io(&staged))?;
    let checked = check_sqlite_file(&staged).and_then(|checked| {
        if checked.schema_version > known {
            return Err(TransferError::Refused(format!(
                "the backup has schema version {} but this build knows only up to {known}; restore it with a newer Homeward",
                checked.schema_version
            )));
        }
        sync_file(&staged)?;
        Ok(checked)
    });
    let checked = match checked {
        Ok(checked) => checked,
        Err(e) => {
            let _ = remove_with_sidecars(&staged);
            return Err(e);
        }
    };
    let kept = if target.exists() {
        let kept = dir.join(format!("{name}.before-restore-{}", stamp()));
        // A second name for the old file costs nothing and leaves the target in place until the
        // rename; where links are not possible, a copy does the same.
        if std::fs::hard_link(target, &kept).is_err() {
            std::fs::copy(target, &kept).map_err(io(&kept))?;
        }
        Some(kept)
    } else {
        None
    };
    // A log left beside the target belongs to the old database (its content is in the kept
    // copy, checkpointed above); replayed onto the restored file it would damage it.
    for sidecar in sidecars(target) {
        match std::fs::remove_file(&sidecar) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&sidecar)(e)),
        }
    }
    std::fs::rename(&staged, target).map_err(io(target))?;
    sync_parent(target)?;
    Ok(Restored { checked, kept })
}

/// Refuses a database some process has open (a running server), and folds its log into the
/// main file so that the copy kept of it is whole. A connection in exclusive locking mode needs
/// the database file's exclusive lock, which SQLite cannot take while any other connection in
/// WAL mode holds its shared one — which every open connection does.
fn settle_unused(target: &Path) -> Result<()> {
    let conn =
        Connection::open_with_flags(target, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    // A lock held is a server running, not a commit to wait for: ask once, briefly.
    conn.busy_timeout(std::time::Duration::from_millis(200))?;
    let in_use = |e: &rusqlite::Error| {
        matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
    };
    let locked = conn
        .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")
        .and_then(|()| conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0)));
    match locked {
        Ok(0) => Ok(()),
        Ok(_) => Err(TransferError::Refused(format!(
            "{} is in use: stop the Homeward server before restoring",
            target.display()
        ))),
        Err(e) if in_use(&e) => Err(TransferError::Refused(format!(
            "{} is in use: stop the Homeward server before restoring",
            target.display()
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The `-wal` and `-shm` files SQLite keeps beside a database in WAL mode.
fn sidecars(path: &Path) -> [PathBuf; 2] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [with("-wal"), with("-shm")]
}

fn remove_with_sidecars(path: &Path) -> Result<()> {
    for file in std::iter::once(path.to_path_buf()).chain(sidecars(path)) {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&file)(e)),
        }
    }
    Ok(())
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(io(path))
}

/// Makes a rename or a new file in the folder survive a crash.
fn sync_parent(path: &Path) -> Result<()> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir)),
        None => Ok(()),
    }
}

/// The time as it goes into a file name: `20261130T135501Z`.
fn stamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))
}

/// The newest SQLite schema this build knows: that of a database it has just created.
fn known_sqlite_version() -> Result<i64> {
    let dir = std::env::temp_dir().join(format!(
        "homeward-schema-{}-{}",
        std::process::id(),
        time::OffsetDateTime::now_utc().unix_timestamp_nanos()
    ));
    let path = dir.join("fresh.db");
    let path_text =
        path.to_str().ok_or_else(|| TransferError::Refused("the temporary folder is not a UTF-8 path".into()))?;
    let version = SqlStore::open_with(path_text, crate::system_clock(), crate::Durability::Relaxed)
        .map_err(TransferError::from)
        .and_then(|store| {
            drop(store);
            Ok(schema_version(&open_existing(&path)?)?)
        });
    let _ = std::fs::remove_dir_all(&dir);
    version
}

/// Checks a SQLite file: SQLite's integrity check, a Homeward schema, and the audit chain walked
/// from its first entry to its last.
pub fn check_sqlite_file(path: &Path) -> Result<Checked> {
    let conn = open_existing(path)?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check(10)")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    if problems != ["ok"] {
        return Err(TransferError::Unsound(format!("{} is damaged: {}", path.display(), problems.join("; "))));
    }
    let schema_version = schema_version(&conn)
        .map_err(|e| TransferError::Unsound(format!("{} is not a Homeward database: {e}", path.display())))?;
    let cases: i64 = conn.query_row("SELECT COUNT(*) FROM cases", [], |r| r.get(0))?;
    let conn = crate::db::Conn::Sqlite(conn);
    let report = crate::sql::audit_log::verify_all(&conn)?;
    let last_hash = crate::sql::audit_log::last_hash(&conn)?;
    if let Some((seq, why)) = &report.first_bad {
        return Err(TransferError::Unsound(format!(
            "the audit chain of {} is broken at entry {seq}: {why}",
            path.display()
        )));
    }
    drop(conn);
    let bytes = std::fs::metadata(path).map_err(io(path))?.len();
    Ok(Checked {
        schema_version,
        cases: u64::try_from(cases).unwrap_or(0),
        audit_entries: report.entries,
        last_hash,
        bytes,
    })
}

/// How a PostgreSQL column's value is written in `COPY`'s text format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Boolean,
    Real,
    Text,
    Bytes,
}

impl Kind {
    fn of(data_type: &str) -> Option<Kind> {
        Some(match data_type {
            "bigint" | "integer" | "smallint" => Kind::Integer,
            "boolean" => Kind::Boolean,
            "double precision" | "real" | "numeric" => Kind::Real,
            "text" | "character varying" | "character" => Kind::Text,
            "bytea" => Kind::Bytes,
            _ => return None,
        })
    }
}

/// A table as the target has it: its columns, in order, with how each is written.
struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
}

/// Copies everything from a SQLite database to an empty PostgreSQL one, in one PostgreSQL
/// transaction, then checks that every table holds as many rows on both sides, that the audit
/// chain verifies on the target and that it ends with the same hash as the source's.
///
/// Both databases are first brought to this build's schema (as a server start would). The
/// source is read in one snapshot, so a server still writing to it does no harm, but what it
/// writes after the snapshot is not moved: stop it first.
pub fn migrate_data(from_url: &str, to_url: &str) -> Result<Migrated> {
    let source = from_url.strip_prefix("sqlite://").ok_or_else(direction)?;
    if !(to_url.starts_with("postgres://") || to_url.starts_with("postgresql://")) {
        return Err(direction());
    }
    let source_path = Path::new(source);
    if !source_path.is_file() {
        return Err(TransferError::Refused(format!("there is no database file at {source}")));
    }
    drop(SqlStore::open(source, crate::system_clock())?);
    drop(SqlStore::open_postgres(to_url, crate::system_clock())?);

    let src = open_existing(source_path)?;
    // One read transaction: every table, the counts and the last hash come from one snapshot.
    src.execute_batch("BEGIN")?;
    let source_last_hash: String = src
        .query_row("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| r.get(0))
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(audit::GENESIS.to_owned()),
            e => Err(e),
        })?;

    let mut pg = postgres::Client::connect(to_url, postgres::NoTls)?;
    let tables = target_tables(&mut pg)?;
    same_schema(&src, &tables)?;
    let order = copy_order(&mut pg, &tables)?;

    let mut tx = pg.transaction()?;
    let names: Vec<String> = order.iter().map(|t| quote(&t.name)).collect();
    // Nobody else may write while the target is filled, nor between the check and the copy.
    tx.batch_execute(&format!("LOCK TABLE {} IN EXCLUSIVE MODE", names.join(", ")))?;
    let mut occupied = Vec::new();
    for table in &order {
        let any: bool = tx.query_one(&format!("SELECT EXISTS (SELECT 1 FROM {})", quote(&table.name)), &[])?.get(0);
        if any {
            occupied.push(table.name.clone());
        }
    }
    if !occupied.is_empty() {
        return Err(TransferError::Refused(format!(
            "the target database is not empty ({} hold rows); migrate-data copies into an empty database only",
            occupied.join(", ")
        )));
    }
    let mut copied = Vec::with_capacity(order.len());
    for table in &order {
        let rows = copy_table(&src, &mut tx, table)?;
        copied.push(TableCopied { table: table.name.clone(), rows });
    }
    tx.commit()?;
    src.execute_batch("COMMIT")?;

    for table in &copied {
        let rows: i64 = pg.query_one(&format!("SELECT COUNT(*) FROM {}", quote(&table.table)), &[])?.get(0);
        if u64::try_from(rows).ok() != Some(table.rows) {
            return Err(TransferError::Unsound(format!(
                "{} holds {rows} rows in PostgreSQL after the copy but {} in SQLite",
                table.table, table.rows
            )));
        }
    }
    // The store's walk, a page at a time, on a connection of its own.
    let target = crate::db::Conn::Postgres(crate::db::PgConn::connect_url(to_url).map_err(crate::StoreError::from)?);
    let report = crate::sql::audit_log::verify_all(&target)?;
    if let Some((seq, why)) = &report.first_bad {
        return Err(TransferError::Unsound(format!(
            "the audit chain does not verify in PostgreSQL after the copy: entry {seq}: {why}"
        )));
    }
    let target_last_hash: String = pg
        .query_opt("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1", &[])?
        .map(|r| r.get(0))
        .unwrap_or_else(|| audit::GENESIS.to_owned());
    if target_last_hash != source_last_hash {
        return Err(TransferError::Unsound(format!(
            "the audit chain ends with {target_last_hash} in PostgreSQL but with {source_last_hash} in SQLite"
        )));
    }
    Ok(Migrated { tables: copied, audit: report, last_hash: target_last_hash })
}

fn direction() -> TransferError {
    TransferError::Refused(
        "migrate-data copies from SQLite to PostgreSQL only: --from sqlite://PATH --to postgres://…".into(),
    )
}

/// A name quoted for PostgreSQL (and SQLite).
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The target's tables (its own bookkeeping aside), with their columns in order.
fn target_tables(pg: &mut postgres::Client) -> Result<Vec<Table>> {
    let rows = pg.query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
           AND c.table_name <> 'schema_migrations'
         ORDER BY c.table_name, c.ordinal_position",
        &[],
    )?;
    let mut tables: Vec<Table> = Vec::new();
    for row in rows {
        let (table, column, data_type): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        let kind = Kind::of(&data_type).ok_or_else(|| {
            TransferError::Refused(format!(
                "{table}.{column} is a PostgreSQL {data_type}, which migrate-data does not copy"
            ))
        })?;
        match tables.last_mut() {
            Some(last) if last.name == table => last.columns.push((column, kind)),
            _ => tables.push(Table { name: table, columns: vec![(column, kind)] }),
        }
    }
    Ok(tables)
}

/// Refuses two schemas whose tables or columns are not the same.
fn same_schema(src: &Connection, tables: &[Table]) -> Result<()> {
    let mut stmt = src.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name <> 'schema_migrations'",
    )?;
    let in_sqlite: BTreeSet<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let in_postgres: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    if in_sqlite != in_postgres {
        let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| a.difference(b).cloned().collect::<Vec<_>>().join(", ");
        return Err(TransferError::Unsound(format!(
            "the two schemas differ: only in SQLite: [{}]; only in PostgreSQL: [{}]",
            only(&in_sqlite, &in_postgres),
            only(&in_postgres, &in_sqlite)
        )));
    }
    for table in tables {
        let mut stmt = src.prepare("SELECT name FROM pragma_table_info(?1)")?;
        let columns: BTreeSet<String> =
            stmt.query_map([&table.name], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let expected: BTreeSet<String> = table.columns.iter().map(|(c, _)| c.clone()).collect();
        if columns != expected {
            return Err(TransferError::Unsound(format!(
                "the table {} has the columns [{}] in SQLite but [{}] in PostgreSQL",
                table.name,
                columns.into_iter().collect::<Vec<_>>().join(", "),
                expected.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    Ok(())
}

/// The tables in an order where every table comes after those its foreign keys refer to (a
/// table's references to itself are checked at the end of its `COPY`, so they do not count).
fn copy_order(pg: &mut postgres::Client, tables: &[Table]) -> Result<Vec<Table>> {
    let rows = pg.query(
        "SELECT DISTINCT child.relname::text, parent.relname::text
         FROM pg_constraint k
         JOIN pg_class child ON child.oid = k.conrelid
         JOIN pg_class parent ON parent.oid = k.confrelid
         JOIN pg_namespace n ON n.oid = child.relnamespace
         WHERE k.contype = 'f' AND n.nspname = current_schema()",
        &[],
    )?;
    let mut parents: BTreeMap<String, BTreeSet<String>> =
        tables.iter().map(|t| (t.name.clone(), BTreeSet::new())).collect();
    for row in rows {
        let (child, parent): (String, String) = (row.get(0), row.get(1));
        if child != parent
            && let Some(set) = parents.get_mut(&child)
        {
            set.insert(parent);
        }
    }
    let mut by_name: BTreeMap<String, &Table> = tables.iter().map(|t| (t.name.clone(), t)).collect();
    let mut order = Vec::with_capacity(tables.len());
    while !parents.is_empty() {
        let ready: Vec<String> = parents.iter().filter(|(_, p)| p.is_empty()).map(|(name, _)| name.clone()).collect();
        if ready.is_empty() {
            return Err(TransferError::Unsound(format!(
                "the foreign keys of these tables form a cycle: {}",
                parents.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
        for name in ready {
            parents.remove(&name);
            for p in parents.values_mut() {
                p.remove(&name);
            }
            if let Some(table) = by_name.remove(&name) {
                order.push(Table { name: table.name.clone(), columns: table.columns.clone() });
            }
        }
    }
    Ok(order)
}

/// Streams one table from SQLite into PostgreSQL's `COPY … FROM STDIN`; answers the rows copied.
fn copy_table(src: &Connection, tx: &mut postgres::Transaction<'_>, table: &Table) -> Result<u64> {
    let columns: Vec<String> = table.columns.iter().map(|(c, _)| quote(c)).collect();
    let list = columns.join(", ");
    let name = quote(&table.name);
    let mut stmt = src.prepare(&format!("SELECT {list} FROM {name}"))?;
    let mut rows = stmt.query([])?;
    let writer = tx.copy_in(&format!("COPY {name} ({list}) FROM STDIN"))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, writer);
    let mut line = Vec::with_capacity(4096);
    let mut count = 0u64;
    let copy_error = |e: std::io::Error| TransferError::Io { path: format!("COPY into {}", table.name), source: e };
    while let Some(row) = rows.next()? {
        line.clear();
        for (i, (column, kind)) in table.columns.iter().enumerate() {
            if i > 0 {
                line.push(b'\t');
            }
            write_value(&mut line, row.get_ref(i)?, *kind)
                .map_err(|why| TransferError::Unsound(format!("{}.{column}, row {}: {why}", table.name, count + 1)))?;
        }
        line.push(b'\n');
        out.write_all(&line).map_err(copy_error)?;
        count += 1;
    }
    let writer = out.into_inner().map_err(|e| copy_error(e.into_error()))?;
    let copied = writer.finish()?;
    if copied != count {
        return Err(TransferError::Unsound(format!(
            "{}: PostgreSQL took {copied} rows of the {count} sent",
            table.name
        )));
    }
    Ok(count)
}

/// Writes one value in `COPY`'s text format: `\N` for NULL, backslash, tab, newline and carriage
/// return escaped in text, `\\x` and hex for bytes.
fn write_value(out: &mut Vec<u8>, value: rusqlite::types::ValueRef<'_>, kind: Kind) -> Result<(), String> {
    use rusqlite::types::ValueRef;
    match (value, kind) {
        (ValueRef::Null, _) => out.extend_from_slice(b"\\N"),
        (ValueRef::Integer(i), Kind::Boolean) => out.push(if i != 0 { b't' } else { b'f' }),
        (ValueRef::Integer(i), Kind::Integer | Kind::Real | Kind::Text) => {
            out.extend_from_slice(i.to_string().as_bytes())
        }
        (ValueRef::Real(r), Kind::Real) => out.extend_from_slice(float(r).as_bytes()),
        (ValueRef::Real(r), Kind::Text) => out.extend_from_slice(r.to_string().as_bytes()),
        (ValueRef::Text(t), Kind::Text | Kind::Integer | Kind::Real | Kind::Boolean) => {
            let text = std::str::from_utf8(t).map_err(|e| format!("the text is not UTF-8: {e}"))?;
            escape(out, text);
        }
        (ValueRef::Blob(b), Kind::Bytes) => {
            out.extend_from_slice(b"\\\\x");
            out.extend_from_slice(hex::encode(b).as_bytes());
        }
        (value, kind) => {
            return Err(format!("SQLite holds {:?} where PostgreSQL takes {kind:?}", value.data_type()));
        }
    }
    Ok(())
}

/// A real number as PostgreSQL reads it back to the same bits.
fn float(r: f64) -> String {
    if r.is_nan() {
        "NaN".into()
    } else if r.is_infinite() {
        if r > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        // Rust writes the shortest decimal that reads back to the same number.
        r.to_string()
    }
}

fn escape(out: &mut Vec<u8>, text: &str) {
    for b in text.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(value: rusqlite::types::ValueRef<'_>, kind: Kind) -> String {
        let mut out = Vec::new();
        write_value(&mut out, value, kind).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn copy_text_escapes_what_copy_reads_specially() {
        use rusqlite::types::ValueRef;
        let cases: &[(ValueRef<'_>, Kind, &str)] = &[
            (ValueRef::Null, Kind::Text, "\\N"),
            (ValueRef::Text(b"a\\b\tc\nd\re \\N"), Kind::Text, "a\\\\b\\tc\\nd\\re \\\\N"),
            (ValueRef::Text("Ελένη".as_bytes()), Kind::Text, "Ελένη"),
            (ValueRef::Integer(-7), Kind::Integer, "-7"),
            (ValueRef::Integer(1), Kind::Boolean, "t"),
            (ValueRef::Integer(0), Kind::Boolean, "f"),
            (ValueRef::Real(0.1), Kind::Real, "0.1"),
            (ValueRef::Real(f64::NEG_INFINITY), Kind::Real, "-Infinity"),
            (ValueRef::Blob(&[0x00, 0xFF, 0x5C]), Kind::Bytes, "\\\\x00ff5c"),
        ];
        for (value, kind, expected) in cases {
            assert_eq!(written(*value, *kind), *expected, "{value:?} as {kind:?}");
        }
    }

    #[test]
    fn bytes_where_text_is_expected_are_refused() {
        let mut out = Vec::new();
        assert!(write_value(&mut out, rusqlite::types::ValueRef::Blob(b"x"), Kind::Text).is_err());
    }
}
