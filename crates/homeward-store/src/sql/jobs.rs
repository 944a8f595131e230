//! Leases of the background jobs: which instance runs each job now.

use serde_json::json;

use super::Tx;
use crate::audit::AuditCode;
use crate::db::{OptionalExtension, params};
use crate::{Result, StoreError, timefmt};
use homeward_domain::org::Actor;

/// The longest a lease may be taken for: a job whose holder died is taken over within this.
pub const MAX_LEASE: time::Duration = time::Duration::minutes(10);

/// Claims `job` for `holder` until `now + lease`. The holder renews its own lease; another
/// instance gets the job only once the lease has run out. A change of holder is audited, a
/// renewal is not (it would add an entry every few seconds).
pub(super) fn claim(tx: &mut Tx<'_>, job: &str, holder: &str, lease: time::Duration) -> Result<bool> {
    if job.is_empty() || holder.is_empty() || lease <= time::Duration::ZERO || lease > MAX_LEASE {
        return Err(StoreError::Conflict(format!("a job lease needs a job, a holder and 0 < lease ≤ {MAX_LEASE}")));
    }
    let now = timefmt::format(tx.now);
    let until = timefmt::format(tx.now + lease);
    let current: Option<(String, String)> = tx
        .conn
        .prepare_cached("SELECT holder, expires_at FROM job_leases WHERE job = ?1")?
        .query_row(params![job], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match current {
        Some((held_by, _)) if held_by == holder => {
            tx.conn
                .prepare_cached("UPDATE job_leases SET expires_at = ?2 WHERE job = ?1")?
                .execute(params![job, until])?;
            Ok(true)
        }
        Some((_, expires_at)) if expires_at > now => Ok(false),
        previous => {
            tx.conn
                .prepare_cached(
                    "INSERT INTO job_leases (job, holder, claimed_at, expires_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (job) DO UPDATE SET holder = ?2, claimed_at = ?3, expires_at = ?4",
                )?
                .execute(params![job, holder, now, until])?;
            let detail = json!({"job": job, "holder": holder, "from": previous.map(|(h, _)| h), "until": until});
            let system = Actor { user_id: None, organisation_id: None, role: None, origin: format!("system:{holder}") };
            tx.audit(&system, AuditCode::JobClaimed, "job", Some(job.to_owned()), detail)?;
            Ok(true)
        }
    }
}
