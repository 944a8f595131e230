//! The escalation job: every case not closed against the response plan's targets, and every
//! task against its due time. A deadline missed is raised once, as an escalation the case's
//! organisation's supervisors see (`/escalations`, the case page, the API) and acknowledge; one
//! nobody acknowledged is raised again every `repeat_minutes` while it is still missed (each raise
//! queuing its notifications, which [`crate::notify`] sends), and marked cleared once it is missed no more. The store keeps one escalation per case, subject and deadline, so a rerun
//! never raises one twice.

use homeward_risk::response::{ResponsePlan, missed};
use homeward_store::{EscalationReport, Store, StoreError};
use time::{Duration, OffsetDateTime};

/// The job, once, as at `now`: `homeward serve` runs it every minute; tests call it directly with
/// the time they need.
pub fn run_once(store: &dyn Store, plan: &ResponsePlan, now: OffsetDateTime) -> Result<EscalationReport, StoreError> {
    let cases = store.response_cases()?;
    // Everything missed now, even nothing: what is no longer missed is marked cleared.
    let found: Vec<_> = cases.iter().flat_map(|(case, events)| missed(plan, case, events, now)).collect();
    store.record_escalations(found, now, Duration::minutes(i64::from(plan.repeat_minutes)))
}
