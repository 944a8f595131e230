//! `homeward backup`, `homeward restore` and `homeward migrate-data`: the store does the copying
//! and the checking; this prints what it did.

use std::path::Path;

use anyhow::{Context, bail};
use homeward_store::transfer;

use crate::settings::redact;

/// The file a `sqlite://PATH` URL names; any other database is refused with what to do instead.
fn sqlite_path<'a>(database: &'a str, what: &str) -> anyhow::Result<&'a Path> {
    match database.strip_prefix("sqlite://") {
        Some(path) => Ok(Path::new(path)),
        None => bail!(
            "{what} works on a SQLite database (sqlite://PATH), not {}; for PostgreSQL use its own pg_dump and pg_restore",
            redact(database)
        ),
    }
}

/// Copies the running database to `to` and prints what the checked copy holds.
pub fn backup(database: &str, to: &Path) -> anyhow::Result<()> {
    let source = sqlite_path(database, "backup")?;
    let checked = transfer::backup_sqlite(source, to)
        .with_context(|| format!("cannot back up {} to {}", source.display(), to.display()))?;
    println!(
        "backed up {} to {}: {} cases, {} audit entries (chain verified, integrity ok), {} bytes",
        source.display(),
        to.display(),
        checked.cases,
        checked.audit_entries,
        checked.bytes
    );
    Ok(())
}

/// Puts the backup `from` in place of the database; the server must be stopped.
pub fn restore(database: &str, from: &Path) -> anyhow::Result<()> {
    let target = sqlite_path(database, "restore")?;
    let restored = transfer::restore_sqlite(from, target)
        .with_context(|| format!("cannot restore {} into {}", from.display(), target.display()))?;
    println!(
        "restored {} into {}: {} cases, {} audit entries (chain verified, integrity ok)",
        from.display(),
        target.display(),
        restored.checked.cases,
        restored.checked.audit_entries
    );
    if let Some(kept) = restored.kept {
        println!("the database it replaced is kept as {}", kept.display());
    }
    Ok(())
}

/// Copies everything from a SQLite database into an empty PostgreSQL one and prints a line per
/// table.
pub fn migrate(from: &str, to: &str) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let migrated =
        transfer::migrate_data(from, to).with_context(|| format!("cannot copy {} to {}", redact(from), redact(to)))?;
    let width = migrated.tables.iter().map(|t| t.table.len()).max().unwrap_or(0);
    for table in &migrated.tables {
        println!("{:<width$}  {:>10} rows", table.table, table.rows);
    }
    let rows: u64 = migrated.tables.iter().map(|t| t.rows).sum();
    println!(
        "copied {} tables, {rows} rows in {:.1} s; every count equal; audit chain verified on the target: {} entries, last hash {}",
        migrated.tables.len(),
        started.elapsed().as_secs_f64(),
        migrated.audit.entries,
        migrated.last_hash
    );
    Ok(())
}
