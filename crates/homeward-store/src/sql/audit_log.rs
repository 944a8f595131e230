//! Storing and walking the audit chain.

use crate::db::{Conn, params};

use super::Chain;
use crate::Result;
use crate::audit::{self, AuditEntry, GENESIS, VerifyReport};

pub(super) fn insert(conn: &Conn, e: &AuditEntry) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor_user_id, actor_organisation_id, origin, code, action,
             record_type, record_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .defer(params![
        e.seq,
        e.at,
        e.actor_user_id,
        e.actor_organisation_id,
        e.origin,
        e.code,
        e.action,
        e.record_type,
        e.record_id,
        e.detail,
        e.prev_hash,
        e.hash
    ])?;
    Ok(())
}

/// The hash the chain ends with (the genesis for an empty log).
pub(crate) fn last_hash(conn: &Conn) -> Result<String> {
    // No organisation numbers cases in year 0: the head alone.
    Ok(head(conn, 0)?.hash)
}

/// The head of the chain, with what the writer keeps beside it for a batch: the last linkage
/// number given to a child (the index's last entry) and the last case number each organisation
/// gave in `year`, with its country (so that numbering a case costs PostgreSQL no round trip
/// inside the writer lock). One statement, read at the start of every batch through the
/// statement cache: the head's row (kind 0) and one row per organisation (kind 1).
pub(super) fn head(conn: &Conn, year: i32) -> Result<Chain> {
    let mut statement = conn.prepare_cached(
        "SELECT 0, a.seq, (SELECT COALESCE(MAX(linkage_seq), 0) FROM children), a.hash, NULL
         FROM (SELECT 1) AS one LEFT JOIN (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS a ON 1 = 1
         UNION ALL
         SELECT 1, n.last, NULL, n.organisation_id, o.country
         FROM case_numbers n JOIN organisations o ON o.id = n.organisation_id WHERE n.year = ?1",
    )?;
    let rows = statement.query_map(params![year], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut chain = Chain { seq: 0, hash: GENESIS.to_owned(), case_numbers: Default::default(), linkage_seq: 0 };
    for row in rows {
        match row? {
            (0, seq, linkage_seq, hash, _) => {
                chain.seq = seq.unwrap_or(0);
                chain.hash = hash.unwrap_or_else(|| GENESIS.to_owned());
                chain.linkage_seq = linkage_seq.unwrap_or(0);
            }
            (_, Some(last), _, Some(org), Some(country)) => {
                chain.case_numbers.insert((super::rows::parse(&org, "organisation id")?, year), (last, country));
            }
            _ => {}
        }
    }
    Ok(chain)
}

fn entry(r: &crate::db::Row<'_>) -> crate::db::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor_user_id: r.get(2)?,
        actor_organisation_id: r.get(3)?,
        origin: r.get(4)?,
        code: r.get(5)?,
        action: r.get(6)?,
        record_type: r.get(7)?,
        record_id: r.get(8)?,
        detail: r.get(9)?,
        prev_hash: r.get(10)?,
        hash: r.get(11)?,
    })
}

const COLUMNS: &str = "seq, at, actor_user_id, actor_organisation_id, origin, code, action, record_type, record_id, detail, prev_hash, hash";

pub(super) fn entries(conn: &Conn, after_seq: i64, limit: u32) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2"))?;
    let rows = stmt.query_map(params![after_seq, limit], entry)?;
    Ok(rows.collect::<crate::db::Result<Vec<_>>>()?)
}

/// How many entries the walk of the chain reads at a time.
const VERIFY_PAGE: u32 = 10_000;

/// Walks the whole chain a page at a time (entries are only ever appended, so pages by sequence
/// number are a consistent walk), never holding more than one page in memory.
pub(crate) fn verify_all(conn: &Conn) -> Result<VerifyReport> {
    verify_in_pages(conn, VERIFY_PAGE)
}

fn verify_in_pages(conn: &Conn, page_size: u32) -> Result<VerifyReport> {
    let mut page = Vec::new().into_iter();
    let mut after = 0;
    let mut failure = None;
    let report = audit::verify(std::iter::from_fn(|| {
        if page.len() == 0 && failure.is_none() {
            match entries(conn, after, page_size) {
                Ok(next) => page = next.into_iter(),
                Err(e) => failure = Some(e),
            }
        }
        let entry = page.next()?;
        after = entry.seq;
        Some(entry)
    }));
    match failure {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use homeward_domain::org::{Actor, NewOrganisation, OrganisationKind};

    use crate::Store;

    /// The walk reads the chain a page at a time: a chain of several pages verifies whole, and a
    /// gap on a page boundary is found.
    #[test]
    fn the_chain_is_walked_page_by_page() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        let store = crate::SqlStore::open(path.to_str().unwrap(), crate::system_clock()).unwrap();
        for i in 0..7 {
            let new = NewOrganisation { name: format!("Org {i}"), kind: OrganisationKind::Ngo, country: "GR".into() };
            store.create_organisation(&Actor::command_line(), new).unwrap();
        }
        let conn = crate::db::Conn::Sqlite(rusqlite::Connection::open(&path).unwrap());
        let whole = super::verify_in_pages(&conn, 2).unwrap();
        assert_eq!((whole.entries, whole.first_bad), (7, None));
        conn.execute("DELETE FROM audit_log WHERE seq = 5", ()).unwrap();
        let broken = super::verify_in_pages(&conn, 2).unwrap();
        assert_eq!(broken.first_bad.map(|(seq, _)| seq), Some(5));
    }
}
