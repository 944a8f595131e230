//! The baseline: what one case creation costs a plain application that writes the same rows
//! straight into SQLite, with the same pragmas and schema, one transaction per case, on one
//! connection, with no HTTP, no JSON parsing of requests and no writer thread in between.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::format_description;
use uuid::Uuid;

use crate::report::{LAST_SEEN_AT, NAMES, RECEIVED_AT, SUMMARY};

/// Homeward's own schema, so that the baseline maintains the same indexes.
const SCHEMA: &str = include_str!("../../crates/homeward-store/migrations/sqlite/0001_foundation.sql");

/// The hash the first audit entry chains to.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How many cases were created in how long.
pub struct Outcome {
    pub cases: u64,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn rate(&self) -> f64 {
        self.cases as f64 / self.elapsed.as_secs_f64()
    }
}

/// Who creates the cases, and the head of the audit chain.
struct Writer {
    org: String,
    user: String,
    seq: i64,
    hash: String,
}

/// Creates cases back to back in a new database at `db` for `duration`.
pub fn run(db: &Path, duration: Duration) -> Result<Outcome> {
    let mut conn = Connection::open(db).with_context(|| format!("cannot open {}", db.display()))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;",
    )
    .context("cannot set the pragmas")?;
    conn.execute_batch(SCHEMA).context("cannot create the schema")?;
    let mut writer = Writer { org: new_id(), user: new_id(), seq: 0, hash: GENESIS.to_owned() };
    conn.execute(
        "INSERT INTO organisations (id, name, kind, country, created_at) VALUES (?1, 'Bench Hotline', 'hotline', 'GR', ?2)",
        params![writer.org, timestamp(OffsetDateTime::now_utc())?],
    )
    .context("cannot create the organisation")?;

    let start = Instant::now();
    let mut cases = 0;
    while start.elapsed() < duration {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).context("cannot begin")?;
        create_case(&tx, &mut writer, cases).with_context(|| format!("cannot create case {cases}"))?;
        tx.commit().context("cannot commit")?;
        cases += 1;
    }
    Ok(Outcome { cases, elapsed: start.elapsed() })
}

/// Writes the rows of one case creation, in the order Homeward writes them.
fn create_case(tx: &Transaction<'_>, w: &mut Writer, n: u64) -> Result<()> {
    let names = &NAMES[n as usize % NAMES.len()];
    let now_at = OffsetDateTime::now_utc();
    let now = timestamp(now_at)?;
    let (child_id, case_id, contact_id) = (new_id(), new_id(), new_id());

    let year = now_at.year();
    let last: i64 = tx
        .prepare_cached(
            "INSERT INTO case_numbers (organisation_id, year, last) VALUES (?1, ?2, 1)
             ON CONFLICT (organisation_id, year) DO UPDATE SET last = last + 1
             RETURNING last",
        )?
        .query_row(params![w.org, year], |r| r.get(0))?;
    let number = format!("GR-{year}-{last:06}");

    tx.prepare_cached(
        "INSERT INTO children (id, sex, birth_year, nationalities, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![child_id, "F", 2011, "[]", now])?;
    let child = json!({
        "given_name": names.given, "family_name": names.family, "latin_given_name": null,
        "latin_family_name": null, "aliases": [], "sex": "F", "date_of_birth": "2011-04-02",
        "estimated_age": null, "nationalities": [], "languages": [], "description": null
    });
    tx.prepare_cached("INSERT INTO child_personal (child_id, details) VALUES (?1, ?2)")?
        .execute(params![child_id, child.to_string()])?;
    let mut search = tx.prepare_cached("INSERT OR IGNORE INTO child_search (key, child_id) VALUES (?1, ?2)")?;
    for key in names.keys {
        search.execute(params![key, child_id])?;
    }

    let state = |version: i64, contacts: &[&str]| {
        json!({
            "id": case_id, "number": number, "organisation_id": w.org, "child_id": child_id,
            "category": "runaway", "risk_level": null, "status": "open", "last_seen_at": LAST_SEEN_AT,
            "missing_from": null, "opened_at": now, "updated_at": now, "opened_by": w.user,
            "assignee": null, "shared_with": [], "contact_ids": contacts, "note_ids": [],
            "identifier_ids": [], "person_ids": [], "tasks": [], "version": version
        })
        .to_string()
    };
    tx.prepare_cached(
        "INSERT INTO cases (id, number, organisation_id, child_id, category, risk_level, status, last_seen_at,
             opened_at, updated_at, assignee, version, state)
         VALUES (?1, ?2, ?3, ?4, 'runaway', NULL, 'open', ?5, ?6, ?6, NULL, 1, ?7)",
    )?
    .execute(params![case_id, number, w.org, child_id, "2026-11-28T18:30:00.000000Z", now, state(1, &[])])?;

    let opened = json!({
        "type": "opened", "number": number, "organisation_id": w.org, "child_id": child_id,
        "category": "runaway", "risk_level": null, "last_seen_at": LAST_SEEN_AT,
        "missing_from": null, "assignee": null
    });
    insert_event(tx, &case_id, 1, &now, &w.user, "opened", &opened.to_string())?;
    let last_seen =
        json!({"at": LAST_SEEN_AT, "place": "Athens, Omonia", "lat": 37.984, "lon": 23.728, "missing_from": null});
    tx.prepare_cached("INSERT INTO case_personal (case_id, last_seen, circumstances) VALUES (?1, ?2, NULL)")?
        .execute(params![case_id, last_seen.to_string()])?;
    let contact = json!({
        "channel": "phone", "received_at": RECEIVED_AT, "caller_relation": null,
        "caller_name": null, "caller_phone": null, "summary": SUMMARY
    });
    tx.prepare_cached(
        "INSERT INTO contacts (id, case_id, details, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![contact_id, case_id, contact.to_string(), w.user, now])?;
    let added = json!({"type": "contact_added", "contact_id": contact_id});
    insert_event(tx, &case_id, 2, &now, &w.user, "contact_added", &added.to_string())?;
    tx.prepare_cached(
        "UPDATE cases SET category = 'runaway', risk_level = NULL, status = 'open', last_seen_at = ?5,
             updated_at = ?6, assignee = NULL, state = ?7, version = 2
         WHERE id = ?1 AND number = ?2 AND organisation_id = ?3 AND child_id = ?4 AND opened_at = ?6",
    )?
    .execute(params![
        case_id,
        number,
        w.org,
        child_id,
        "2026-11-28T18:30:00.000000Z",
        now,
        state(2, &[&contact_id])
    ])?;

    let detail = json!({"child_id": child_id, "contact_id": contact_id, "number": number}).to_string();
    audit(tx, w, &now, &case_id, &detail)
}

fn insert_event(
    tx: &Transaction<'_>,
    case: &str,
    seq: i64,
    at: &str,
    actor: &str,
    kind: &str,
    data: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO case_events (id, case_id, seq, at, actor, kind, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![new_id(), case, seq, at, actor, kind, data])?;
    Ok(())
}

/// Appends an audit entry chained by SHA-256 to the one before, hashed as Homeward hashes it.
fn audit(tx: &Transaction<'_>, w: &mut Writer, at: &str, case: &str, detail: &str) -> Result<()> {
    let seq = w.seq + 1;
    let fields =
        [&w.hash, &seq.to_string(), at, &w.user, &w.org, "127.0.0.1", "2000", "case.created", "case", case, detail];
    let mut h = Sha256::new();
    for field in fields {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    let hash = hex::encode(h.finalize());
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor_user_id, actor_organisation_id, origin, code, action,
             record_type, record_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, '127.0.0.1', 2000, 'case.created', 'case', ?5, ?6, ?7, ?8)",
    )?
    .execute(params![seq, at, w.user, w.org, case, detail, w.hash, hash])?;
    w.seq = seq;
    w.hash = hash;
    Ok(())
}

fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// Homeward's fixed-width time text: RFC 3339, UTC, microseconds.
fn timestamp(at: OffsetDateTime) -> Result<String> {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    at.format(&format).context("cannot format a time")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The baseline must write what one case creation writes in Homeward, row for row.
    #[test]
    fn writes_the_rows_of_a_case_creation() {
        let dir = std::env::temp_dir().join(format!("homeward-bench-test-{}", new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("plain.db");
        let outcome = run(&db, Duration::from_millis(200)).unwrap();
        let conn = Connection::open(&db).unwrap();
        let count = |table: &str| -> u64 {
            conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
        };
        let n = outcome.cases;
        assert!(n > 0);
        for (table, per_case) in [
            ("children", 1),
            ("child_personal", 1),
            ("child_search", 4),
            ("cases", 1),
            ("case_personal", 1),
            ("case_events", 2),
            ("contacts", 1),
            ("audit_log", 1),
        ] {
            assert_eq!(count(table), per_case * n, "{table}");
        }
        let last: u64 = conn.query_row("SELECT last FROM case_numbers", [], |r| r.get(0)).unwrap();
        assert_eq!(last, n);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
