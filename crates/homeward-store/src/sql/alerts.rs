//! Child alerts: requests on a case, the criteria confirmed, the approvals, the guardians'
//! consent, publication and the messages sent to the public, expiry.
//!
//! Content is checked against the consent every time it is set (`AlertContent::validate`), and
//! what the public snapshot reads ([`public_alerts`]) is filtered by the consent again.

use crate::db::{Conn, OptionalExtension, params};
use homeward_domain::alert::{
    AlertChange, AlertContent, AlertId, AlertMessage, AlertState, AlertView, Approval, ApprovalKind, Confirmation,
    Consent, Criterion, MessageType, NewAlertRequest, PublicAlert, check_approval, check_end, check_note,
};
use homeward_domain::dates::{age_bounds, utc_date};
use homeward_domain::org::Actor;
use homeward_domain::policy::{Action, Scope};
use homeward_domain::{CaseId, DomainError};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::rows::{from_json, parse, parse_opt, to_json};
use super::{Tx, authorize, cases};
use crate::audit::AuditCode;
use crate::timefmt;
use crate::{Result, StoreError};

/// The alert job, as the audit log names it.
fn system() -> Actor {
    Actor { user_id: None, organisation_id: None, role: None, origin: "system:alerts".into() }
}

/// The most alert requests one list answers.
const MAX_LISTED: u32 = 500;

const COLUMNS: &str = "a.id, a.case_id, c.number, a.organisation_id, a.state, a.requested_by, u.display_name,
    a.requested_at, a.consent, a.content, a.police_approval, a.prosecutor_order, a.published_at, a.ends_at,
    a.closed_at";

const FROM: &str = "FROM alerts a JOIN cases c ON c.id = a.case_id LEFT JOIN users u ON u.id = a.requested_by";

fn time_opt(text: Option<String>) -> Result<Option<OffsetDateTime>> {
    text.map(|t| timefmt::parse(&t)).transpose()
}

/// One row, without its confirmations and messages (see [`complete`]).
fn row(r: &crate::db::Row<'_>) -> Result<AlertView> {
    let state: String = r.get(4)?;
    Ok(AlertView {
        id: parse(&r.get::<_, String>(0)?, "alert id")?,
        case_id: parse(&r.get::<_, String>(1)?, "case id")?,
        case_number: r.get(2)?,
        organisation_id: parse(&r.get::<_, String>(3)?, "organisation id")?,
        state: AlertState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("alert state `{state}`")))?,
        requested_by: parse_opt(r.get(5)?, "user id")?,
        requested_by_name: r.get(6)?,
        requested_at: timefmt::parse(&r.get::<_, String>(7)?)?,
        confirmations: Vec::new(),
        consent: from_json(&r.get::<_, String>(8)?, "alert consent")?,
        content: from_json(&r.get::<_, String>(9)?, "alert content")?,
        police_approval: r.get::<_, Option<String>>(10)?.map(|a| from_json(&a, "approval")).transpose()?,
        prosecutor_order: r.get::<_, Option<String>>(11)?.map(|a| from_json(&a, "approval")).transpose()?,
        published_at: time_opt(r.get(12)?)?,
        ends_at: time_opt(r.get(13)?)?,
        closed_at: time_opt(r.get(14)?)?,
        messages: Vec::new(),
    })
}

/// Adds the confirmations and messages to a loaded alert.
fn complete(conn: &Conn, mut alert: AlertView) -> Result<AlertView> {
    let id = alert.id.to_string();
    let mut stmt = conn.prepare_cached(
        "SELECT f.criterion, f.confirmed_by, u.display_name, f.confirmed_at, f.note
         FROM alert_confirmations f LEFT JOIN users u ON u.id = f.confirmed_by WHERE f.alert_id = ?1",
    )?;
    let mut rows = stmt.query([&id])?;
    while let Some(r) = rows.next()? {
        let name: String = r.get(0)?;
        alert.confirmations.push(Confirmation {
            criterion: Criterion::parse(&name).ok_or_else(|| StoreError::Corrupt(format!("criterion `{name}`")))?,
            by: parse_opt(r.get(1)?, "user id")?,
            by_name: r.get(2)?,
            at: timefmt::parse(&r.get::<_, String>(3)?)?,
            note: r.get(4)?,
        });
    }
    alert.confirmations.sort_by_key(|c| c.criterion);
    alert.messages = messages(conn, &id)?;
    Ok(alert)
}

fn messages(conn: &Conn, id: &str) -> Result<Vec<AlertMessage>> {
    let mut stmt =
        conn.prepare_cached("SELECT seq, msg_type, sent_at FROM alert_messages WHERE alert_id = ?1 ORDER BY seq")?;
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(1)?;
        out.push(AlertMessage {
            seq: r.get(0)?,
            msg_type: MessageType::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("message type `{kind}`")))?,
            sent_at: timefmt::parse(&r.get::<_, String>(2)?)?,
        });
    }
    Ok(out)
}

fn load(conn: &Conn, id: AlertId) -> Result<Option<AlertView>> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE a.id = ?1");
    let found = conn.prepare_cached(&sql)?.query_row([id.to_string()], |r| Ok(row(r))).optional()?;
    found.transpose()?.map(|a| complete(conn, a)).transpose()
}

fn query(conn: &Conn, sql: &str, arg: &str) -> Result<Vec<AlertView>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([arg])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(row(&r)?);
    }
    out.into_iter().map(|a| complete(conn, a)).collect()
}

/// An alert of the actor's own organisation; any other is answered as none at all.
fn own(conn: &Conn, actor: &Actor, id: AlertId) -> Result<AlertView> {
    load(conn, id)?
        .filter(|a| Some(a.organisation_id) == actor.organisation_id)
        .ok_or_else(|| StoreError::NotFound(format!("alert {id}")))
}

/// What the case holds of the fields the consent allows, for what the request did not give.
fn from_case(tx: &Tx<'_>, case: homeward_domain::case::Case, request: &NewAlertRequest) -> Result<AlertContent> {
    let view = cases::load_view(tx.conn, case, true, None)?;
    let consent = &request.consent_fields;
    let mut found = AlertContent::default();
    if let Some(child) = &view.child {
        let name = child.details.display_name();
        found.name = Some(name).filter(|n| !n.is_empty());
        let today = utc_date(tx.now);
        found.age = match (&child.details.date_of_birth, &child.details.estimated_age) {
            (Some(born), _) => u8::try_from(age_bounds(born, today).0).ok(),
            (None, Some(range)) => Some(range.min),
            (None, None) => None,
        }
        .filter(|age| *age < 18);
        found.description = child.details.description.clone();
    }
    if let Some(last_seen) = &view.last_seen {
        found.last_seen_place = last_seen.place.clone();
        found.last_seen_at = Some(last_seen.at);
    }
    Ok(found.merged(request.content.clone()).within(consent))
}

pub(super) fn request(tx: &mut Tx<'_>, actor: &Actor, case_id: CaseId, new: NewAlertRequest) -> Result<AlertView> {
    let (case, scope) = cases::visible_case(tx.conn, actor, case_id)?;
    authorize(actor, Action::AlertRequest, scope)?;
    let new = new.validate()?;
    let organisation_id = case.organisation_id;
    let content = from_case(tx, case, &new)?;
    let consent = Consent {
        fields: new.consent_fields.clone(),
        given_by: new.consent_given_by.clone(),
        recorded_by: actor.user_id,
        recorded_at: tx.now,
    };
    let id = AlertId(Uuid::now_v7());
    tx.conn
        .prepare_cached(
            "INSERT INTO alerts (id, organisation_id, case_id, state, requested_by, requested_at, consent, content)
             VALUES (?1, ?2, ?3, 'requested', ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            id.to_string(),
            organisation_id.to_string(),
            case_id.to_string(),
            actor.user_id.map(|u| u.to_string()),
            timefmt::format(tx.now),
            to_json(&consent)?,
            to_json(&content)?,
        ])?;
    let fields: Vec<&str> = consent.fields.iter().map(|f| f.as_str()).collect();
    let detail = json!({"alert_id": id, "consent_fields": fields});
    tx.audit(actor, AuditCode::AlertRequested, "case", Some(case_id.to_string()), detail)?;
    load(tx.conn, id)?.ok_or_else(|| StoreError::NotFound(format!("alert {id}")))
}

/// Audits what a reader was shown.
fn audit_listed(tx: &mut Tx<'_>, actor: &Actor, case: Option<CaseId>, shown: &[AlertView]) -> Result<()> {
    let ids: Vec<String> = shown.iter().map(|a| a.id.to_string()).collect();
    let mut case_ids: Vec<String> = shown.iter().map(|a| a.case_id.to_string()).collect();
    case_ids.sort();
    case_ids.dedup();
    let detail = json!({"alert_ids": ids, "case_ids": case_ids});
    let record_type = if case.is_some() { "case" } else { "alert" };
    tx.audit(actor, AuditCode::AlertsListed, record_type, case.map(|c| c.to_string()), detail)
}

pub(super) fn list(tx: &mut Tx<'_>, actor: &Actor) -> Result<Vec<AlertView>> {
    authorize(actor, Action::AlertRead, Scope::Own)?;
    let org = actor.organisation_id.ok_or_else(|| StoreError::NotFound("the actor's organisation".into()))?;
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE a.organisation_id = ?1
         ORDER BY a.state <> 'published', a.state <> 'requested', a.requested_at DESC LIMIT {MAX_LISTED}"
    );
    let shown = query(tx.conn, &sql, &org.to_string())?;
    audit_listed(tx, actor, None, &shown)?;
    Ok(shown)
}

pub(super) fn of_case(tx: &mut Tx<'_>, actor: &Actor, case_id: CaseId) -> Result<Vec<AlertView>> {
    let (_, scope) = cases::visible_case(tx.conn, actor, case_id)?;
    authorize(actor, Action::AlertRead, scope)?;
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE a.case_id = ?1 ORDER BY a.requested_at DESC LIMIT {MAX_LISTED}");
    let shown = query(tx.conn, &sql, &case_id.to_string())?;
    audit_listed(tx, actor, Some(case_id), &shown)?;
    Ok(shown)
}

pub(super) fn get(tx: &mut Tx<'_>, actor: &Actor, id: AlertId) -> Result<AlertView> {
    let alert = own(tx.conn, actor, id)?;
    authorize(actor, Action::AlertRead, Scope::Own)?;
    let detail = json!({"alert_id": id, "state": alert.state.as_str()});
    tx.audit(actor, AuditCode::AlertRead, "case", Some(alert.case_id.to_string()), detail)?;
    Ok(alert)
}

/// Refuses a change that the alert's state does not allow.
fn require(alert: &AlertView, allowed: &[AlertState], what: &str) -> Result<()> {
    if allowed.contains(&alert.state) {
        Ok(())
    } else {
        Err(DomainError::NoChange(format!("this alert is {}: it cannot {what}", alert.state.as_str())).into())
    }
}

/// A published alert past its end is over, even in the minute before the job marks it expired:
/// the public has seen it end, and no Update may bring it back.
fn require_running(alert: &AlertView, now: OffsetDateTime, what: &str) -> Result<()> {
    if alert.state == AlertState::Published && alert.ends_at.is_some_and(|end| end <= now) {
        return Err(DomainError::NoChange(format!("this alert has ended: it cannot {what}")).into());
    }
    Ok(())
}

/// Adds the next message the public is sent about an alert.
fn send(
    tx: &Tx<'_>,
    alert: &AlertView,
    kind: MessageType,
    ends_at: OffsetDateTime,
    content: Option<&AlertContent>,
) -> Result<u32> {
    let seq = alert.messages.last().map_or(1, |m| m.seq + 1);
    let content = content.map(|c| to_json(&c.within(&alert.consent.fields))).transpose()?;
    tx.conn
        .prepare_cached(
            "INSERT INTO alert_messages (alert_id, seq, msg_type, sent_at, ends_at, content)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            alert.id.to_string(),
            seq,
            kind.as_str(),
            timefmt::format(tx.now),
            timefmt::format(ends_at),
            content
        ])?;
    Ok(seq)
}

pub(super) fn change(tx: &mut Tx<'_>, actor: &Actor, id: AlertId, change: AlertChange) -> Result<AlertView> {
    let alert = own(tx.conn, actor, id)?;
    authorize(actor, change.action(), Scope::Own)?;
    let key = id.to_string();
    let now = timefmt::format(tx.now);
    let (code, detail) = match change {
        AlertChange::Confirm { criterion, note } => {
            require(&alert, &[AlertState::Requested], "be confirmed any more")?;
            let note = check_note(note)?;
            let added = tx
                .conn
                .prepare_cached(
                    "INSERT INTO alert_confirmations (alert_id, criterion, confirmed_by, confirmed_at, note)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                )?
                .execute(params![key, criterion.as_str(), actor.user_id.map(|u| u.to_string()), now, note])?;
            if added == 0 {
                return Err(DomainError::NoChange(format!(
                    "the criterion `{}` was already confirmed",
                    criterion.as_str()
                ))
                .into());
            }
            (AuditCode::AlertCriterionConfirmed, json!({"alert_id": id, "criterion": criterion.as_str()}))
        }
        AlertChange::Approve { kind, reference, given_at } => {
            require(&alert, &[AlertState::Requested], "take approvals any more")?;
            let recorded = match kind {
                ApprovalKind::Police => &alert.police_approval,
                ApprovalKind::Prosecutor => &alert.prosecutor_order,
            };
            if recorded.is_some() {
                return Err(DomainError::NoChange(format!("the {} was already recorded", kind.as_str())).into());
            }
            let reference = check_approval(&reference, given_at, tx.now)?;
            let recorded_by_name = match actor.user_id {
                Some(user) => super::accounts::user_by_id(tx.conn, user)?.map(|u| u.display_name),
                None => None,
            };
            let approval =
                Approval { reference, given_at, recorded_by: actor.user_id, recorded_by_name, recorded_at: tx.now };
            let sql = match kind {
                ApprovalKind::Police => "UPDATE alerts SET police_approval = ?2 WHERE id = ?1",
                ApprovalKind::Prosecutor => "UPDATE alerts SET prosecutor_order = ?2 WHERE id = ?1",
            };
            tx.conn.prepare_cached(sql)?.execute(params![key, to_json(&approval)?])?;
            (AuditCode::AlertApprovalRecorded, json!({"alert_id": id, "approval": kind.as_str()}))
        }
        AlertChange::SetContent(update) => {
            require(&alert, &[AlertState::Requested, AlertState::Published], "be changed")?;
            require_running(&alert, tx.now, "be changed")?;
            let content = alert.content.merged(update).validate(&alert.consent.fields, "")?;
            if content == alert.content {
                return Err(DomainError::NoChange("the content is already so".into()).into());
            }
            tx.conn
                .prepare_cached("UPDATE alerts SET content = ?2 WHERE id = ?1")?
                .execute(params![key, to_json(&content)?])?;
            let mut sent = None;
            if alert.state == AlertState::Published {
                let ends_at = alert.ends_at.ok_or_else(|| StoreError::Corrupt(format!("alert {id} has no end")))?;
                sent = Some(send(tx, &alert, MessageType::Update, ends_at, Some(&content))?);
            }
            (AuditCode::AlertUpdated, json!({"alert_id": id, "message": sent}))
        }
        AlertChange::Publish { ends_at } => {
            require(&alert, &[AlertState::Requested], "be published")?;
            let missing = alert.missing_for_publication();
            if !missing.is_empty() {
                return Err(DomainError::Invalid(missing).into());
            }
            let end = check_end(tx.now, ends_at, tx.now)?;
            tx.conn
                .prepare_cached("UPDATE alerts SET state = 'published', published_at = ?2, ends_at = ?3 WHERE id = ?1")?
                .execute(params![key, now, timefmt::format(end)])?;
            let seq = send(tx, &alert, MessageType::Alert, end, Some(&alert.content))?;
            (AuditCode::AlertPublished, json!({"alert_id": id, "message": seq, "ends_at": timefmt::format(end)}))
        }
        AlertChange::Extend { ends_at } => {
            require(&alert, &[AlertState::Published], "be extended")?;
            require_running(&alert, tx.now, "be extended")?;
            let published = alert.published_at.ok_or_else(|| StoreError::Corrupt(format!("alert {id}")))?;
            let current = alert.ends_at.ok_or_else(|| StoreError::Corrupt(format!("alert {id} has no end")))?;
            let end = check_end(published, Some(ends_at), tx.now)?;
            if end <= current {
                let mut v = homeward_domain::Validation::new();
                v.push("ends_at", homeward_domain::Problem::ImplausibleTime, "is not later than the alert's end now");
                v.finish()?;
            }
            tx.conn
                .prepare_cached("UPDATE alerts SET ends_at = ?2 WHERE id = ?1")?
                .execute(params![key, timefmt::format(end)])?;
            let seq = send(tx, &alert, MessageType::Update, end, Some(&alert.content))?;
            (AuditCode::AlertExtended, json!({"alert_id": id, "message": seq, "ends_at": timefmt::format(end)}))
        }
        AlertChange::Cancel => {
            require(&alert, &[AlertState::Requested, AlertState::Published], "be cancelled")?;
            tx.conn
                .prepare_cached("UPDATE alerts SET state = 'cancelled', closed_at = ?2 WHERE id = ?1")?
                .execute(params![key, now])?;
            let mut sent = None;
            if alert.state == AlertState::Published {
                let ends_at = alert.ends_at.ok_or_else(|| StoreError::Corrupt(format!("alert {id} has no end")))?;
                sent = Some(send(tx, &alert, MessageType::Cancel, ends_at, None)?);
            }
            (AuditCode::AlertCancelled, json!({"alert_id": id, "was": alert.state.as_str(), "message": sent}))
        }
    };
    tx.audit(actor, code, "case", Some(alert.case_id.to_string()), detail)?;
    load(tx.conn, id)?.ok_or_else(|| StoreError::NotFound(format!("alert {id}")))
}

/// Whether any published alert has reached its end by `now` (a reader's check, so that a run that
/// finds nothing never takes the writer).
pub(super) fn any_due(conn: &Conn, now: OffsetDateTime) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM alerts WHERE state = 'published' AND ends_at <= ?1)")?
        .query_row([timefmt::format(now)], |r| r.get(0))?)
}

/// Marks every published alert whose end time has passed by `now` as expired; answers how many.
pub(super) fn expire(tx: &mut Tx<'_>, now: OffsetDateTime) -> Result<u32> {
    let due: Vec<(String, String, String)> = tx
        .conn
        .prepare_cached(
            "UPDATE alerts SET state = 'expired', closed_at = ends_at
             WHERE state = 'published' AND ends_at <= ?1 RETURNING id, case_id, ends_at",
        )?
        .query_map([timefmt::format(now)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<crate::db::Result<_>>()?;
    let actor = system();
    for (id, case, ends_at) in &due {
        tx.audit(
            &actor,
            AuditCode::AlertExpired,
            "case",
            Some(case.clone()),
            json!({"alert_id": id, "ends_at": ends_at}),
        )?;
    }
    Ok(u32::try_from(due.len()).unwrap_or(u32::MAX))
}

/// What the public may be shown at `now`: every published alert not yet at its end, and every
/// alert cancelled after publication whose end had not yet come (its cancellation is still news
/// to those who received it), with the consented content only. Read by the system for the
/// public snapshot; everything in it is already public, so it is not audited.
pub(super) fn public_alerts(conn: &Conn, now: OffsetDateTime) -> Result<Vec<PublicAlert>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.organisation_id, o.name, a.state, a.published_at, a.ends_at, a.consent, a.content
         FROM alerts a JOIN organisations o ON o.id = a.organisation_id
         WHERE a.published_at IS NOT NULL AND a.ends_at > ?1 AND a.state IN ('published', 'cancelled')
         ORDER BY a.published_at DESC, a.id",
    )?;
    let rows = stmt
        .query_map([timefmt::format(now)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?
        .collect::<crate::db::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, org, organisation_name, state, published, ends, consent, content)| {
            let consent: Consent = from_json(&consent, "alert consent")?;
            let content: AlertContent = from_json(&content, "alert content")?;
            let state =
                AlertState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("alert state `{state}`")))?;
            let content =
                if state == AlertState::Published { content.within(&consent.fields) } else { AlertContent::default() };
            Ok(PublicAlert {
                messages: messages(conn, &id)?,
                id: parse(&id, "alert id")?,
                organisation_id: parse(&org, "organisation id")?,
                organisation_name,
                state,
                published_at: timefmt::parse(&published)?,
                ends_at: timefmt::parse(&ends)?,
                content,
            })
        })
        .collect()
}
