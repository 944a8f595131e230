//! The police hand-over package: one audited read of everything the police are handed about a
//! case (the case in full, its timeline and every hand-over recorded in `police_handovers`).

use crate::db::Conn;
use homeward_domain::CaseId;
use homeward_domain::handover::{Handover, HandoverPackage, Photo};
use homeward_domain::org::Actor;
use homeward_domain::policy::{Action, Denied, Scope};
use serde_json::json;

use super::accounts::organisation_by_id;
use super::rows::{parse, parse_opt};
use super::{Tx, authorize, cases};
use crate::audit::AuditCode;
use crate::timefmt;
use crate::{Result, StoreError};

/// The package, read by the case's own organisation or by the police liaison of a unit the case
/// was handed to. A unit the case is only shared with (never handed to) is refused: the package
/// is the hand-over's, and the refusal is recorded by the caller as any refused case read.
pub(super) fn package(tx: &mut Tx<'_>, actor: &Actor, id: CaseId) -> Result<HandoverPackage> {
    let (case, scope) = cases::visible_case(tx.conn, actor, id)?;
    authorize(actor, Action::CaseHandoverRead, scope)?;
    let handovers = handovers_of(tx.conn, id)?;
    if scope == Scope::Shared {
        let handed_here = actor.organisation_id.is_some_and(|org| HandoverPackage::handed_to(&handovers, org));
        if !handed_here {
            let role = actor.role.ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
            return Err(Denied { role, action: Action::CaseHandoverRead, scope }.into());
        }
    }
    let organisation_name = organisation_by_id(tx.conn, case.organisation_id)?
        .map(|o| o.name)
        .ok_or_else(|| StoreError::Corrupt(format!("the organisation of case {id}")))?;
    let timeline = cases::events_of(tx.conn, id)?;
    let view = cases::load_view(tx.conn, case, true, actor.organisation_id)?;
    let detail = json!({
        "events": timeline.len(),
        "handovers": handovers.iter().map(|h| h.organisation_id).collect::<Vec<_>>(),
    });
    tx.audit(actor, AuditCode::HandoverPackageRead, "case", Some(id.to_string()), detail)?;
    Ok(HandoverPackage {
        case: view,
        organisation_name,
        photo: Photo::NotKept,
        timeline,
        handovers,
        prepared_at: tx.now,
    })
}

/// Every hand-over of a case, oldest first, with the unit's name and the name of whoever handed
/// it over.
fn handovers_of(conn: &Conn, id: CaseId) -> Result<Vec<Handover>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.handed_at, h.organisation_id, o.name, h.reference, h.handed_by, u.display_name
         FROM police_handovers h
         JOIN organisations o ON o.id = h.organisation_id
         LEFT JOIN users u ON u.id = h.handed_by
         WHERE h.case_id = ?1 ORDER BY h.event_seq",
    )?;
    let rows = stmt
        .query_map([id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?
        .collect::<crate::db::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(at, org, organisation_name, reference, handed_by, handed_by_name)| {
            Ok(Handover {
                at: timefmt::parse(&at)?,
                organisation_id: parse(&org, "organisation id")?,
                organisation_name,
                reference,
                handed_by: parse_opt(handed_by, "user id")?,
                handed_by_name,
            })
        })
        .collect()
}
