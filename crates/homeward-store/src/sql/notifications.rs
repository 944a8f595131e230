//! The notification outbox (migration 0010): queued in the same transaction as the fact that
//! causes them, one per recipient and channel; the due ones read by the delivery job, each
//! attempt recorded; the failures shown to the organisation's supervisors.
//!
//! Other commands enqueue through [`enqueue`] with the routes in force (`Tx`-free: the caller
//! passes [`Routes`], which the store holds beside the response plan).

use crate::db::{Conn, OptionalExtension, params};
use homeward_domain::escalation::{Missed, Subject};
use homeward_domain::notification::{
    Channel, EscalationEvent, Message, NotificationView, Outcome, Pending, Routes, State,
};
use homeward_domain::org::Actor;
use homeward_domain::policy::{Action, Scope};
use homeward_domain::{CaseId, EscalationId, NotificationId, OrganisationId};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::rows::{enum_from, enum_name, from_json, parse, parse_opt, to_json};
use super::{Tx, authorize};
use crate::audit::AuditCode;
use crate::timefmt;
use crate::{Result, StoreError};

/// The delivery job, as the audit log names it.
fn system() -> Actor {
    Actor { user_id: None, organisation_id: None, role: None, origin: "system:notify".into() }
}

/// The most failures one list answers.
const MAX_LISTED: u32 = 200;

/// How long a failure stays in the supervisors' list: long enough for every shift to see it, not
/// so long that old failures hide a new one.
const FAILURES_SHOWN_FOR: time::Duration = time::Duration::days(7);

/// Where a fact's notifications come from, for cancelling them later.
pub(crate) struct Fact<'a> {
    /// When it happened: the notifications are due from then (a job's own `now`, which tests
    /// inject, rather than the store's clock).
    pub at: OffsetDateTime,
    pub organisation_id: OrganisationId,
    pub case_id: Option<CaseId>,
    /// `escalation`, `alert`, …
    pub record_type: &'a str,
    pub record_id: String,
}

/// Queues `message` for every recipient the routes give the fact's organisation: the e-mail
/// address (when e-mail is on) of each active supervisor on duty, or of every active supervisor
/// while none is, and each of its webhooks. Audited once, as
/// the system, naming the notifications and their channels (never the message). Answers how
/// many were queued.
pub(crate) fn enqueue(tx: &mut Tx<'_>, routes: &Routes, fact: &Fact<'_>, message: &Message) -> Result<u32> {
    let mut recipients: Vec<(Channel, String, Option<String>)> = Vec::new();
    if routes.email {
        // The supervisors on duty when any is (`escalations::set_duty`), else every supervisor:
        // nobody on duty must not mean nobody told.
        let mut stmt = tx.conn.prepare_cached(
            "SELECT id, email FROM users WHERE organisation_id = ?1 AND role = 'supervisor' AND active = 1
               AND (on_duty_until > ?2 OR NOT EXISTS (
                   SELECT 1 FROM users WHERE organisation_id = ?1 AND role = 'supervisor' AND active = 1
                      AND on_duty_until > ?2))
             ORDER BY email",
        )?;
        let rows = stmt.query_map(params![fact.organisation_id.to_string(), timefmt::format(fact.at)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        for row in rows {
            let (user, email): (String, String) = row?;
            recipients.push((Channel::Email, email, Some(user)));
        }
    }
    recipients.extend(routes.webhooks_of(fact.organisation_id).map(|name| (Channel::Webhook, name.to_owned(), None)));
    if recipients.is_empty() {
        return Ok(0);
    }
    let payload = to_json(message)?;
    let now = timefmt::format(fact.at);
    let mut ids = Vec::with_capacity(recipients.len());
    for (channel, recipient, user) in &recipients {
        let id = NotificationId(Uuid::now_v7());
        tx.conn
            .prepare_cached(
                "INSERT INTO notifications (id, organisation_id, case_id, record_type, record_id, event, channel,
                     recipient, recipient_user, payload, created_at, next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
            )?
            .execute(params![
                id.to_string(),
                fact.organisation_id.to_string(),
                fact.case_id.map(|c| c.to_string()),
                fact.record_type,
                fact.record_id,
                message.event_name(),
                enum_name(channel)?,
                recipient,
                user,
                payload,
                now
            ])?;
        ids.push(id);
    }
    let emails = recipients.iter().filter(|(c, _, _)| *c == Channel::Email).count();
    let webhooks: Vec<&str> =
        recipients.iter().filter(|(c, _, _)| *c == Channel::Webhook).map(|(_, name, _)| name.as_str()).collect();
    let detail = json!({"notification_ids": ids, "event": message.event_name(), "record_type": fact.record_type,
        "record_id": fact.record_id, "emails": emails, "webhooks": webhooks});
    let (record_type, record_id) = match fact.case_id {
        Some(case) => ("case", Some(case.to_string())),
        None => (fact.record_type, Some(fact.record_id.clone())),
    };
    tx.audit(&system(), AuditCode::NotificationsQueued, record_type, record_id, detail)?;
    Ok(ids.len() as u32)
}

/// Queues the notifications of an escalation raised (or raised again): the organisation's case
/// number, what was missed (the target's name from the plan in force, or that a task is
/// overdue: never the task's own title, which is free text about the case) and the deadline.
pub(crate) fn enqueue_escalation(
    tx: &mut Tx<'_>,
    routes: &Routes,
    missed: &Missed,
    escalation: EscalationId,
    event: EscalationEvent,
    repeats: u32,
    at: OffsetDateTime,
) -> Result<u32> {
    if !routes.email && routes.webhooks_of(missed.organisation_id).next().is_none() {
        return Ok(0);
    }
    let case_number: String = tx
        .conn
        .prepare_cached("SELECT number FROM cases WHERE id = ?1")?
        .query_row([missed.case_id.to_string()], |r| r.get(0))?;
    let (what, what_el) = match &missed.subject {
        Subject::Target(id) => match tx.plan.target(id) {
            Some(target) => (target.name.en.clone(), target.name.el.clone()),
            None => (format!("Response target {id}"), format!("Στόχος απόκρισης {id}")),
        },
        Subject::Task(_) => ("A task is past its due time".to_owned(), "Μια εργασία έχει καθυστερήσει".to_owned()),
    };
    let message = Message::Escalation {
        event,
        escalation_id: escalation,
        case_id: missed.case_id,
        case_number,
        what,
        what_el,
        subject: missed.subject.key(),
        cycle: missed.cycle,
        due_at: missed.due_at,
        repeats,
    };
    let fact = Fact {
        at,
        organisation_id: missed.organisation_id,
        case_id: Some(missed.case_id),
        record_type: "escalation",
        record_id: escalation.to_string(),
    };
    enqueue(tx, routes, &fact, &message)
}

/// Cancels what a fact queued and has not gone out yet (an escalation acknowledged: its
/// supervisors need no more messages about it). Audited when there was any.
pub(crate) fn cancel(tx: &mut Tx<'_>, actor: &Actor, record_type: &str, record_id: &str) -> Result<u32> {
    let mut stmt = tx.conn.prepare_cached(
        "UPDATE notifications SET state = 'cancelled'
         WHERE record_type = ?1 AND record_id = ?2 AND state = 'pending' RETURNING id",
    )?;
    let ids: Vec<String> =
        stmt.query_map(params![record_type, record_id], |r| r.get(0))?.collect::<crate::db::Result<_>>()?;
    drop(stmt);
    if !ids.is_empty() {
        let detail = json!({"notification_ids": ids, "record_type": record_type, "record_id": record_id});
        tx.audit(actor, AuditCode::NotificationsCancelled, record_type, Some(record_id.to_owned()), detail)?;
    }
    Ok(ids.len() as u32)
}

/// The pending notifications due at `now`, those due longest first. Read by the system on a
/// reader connection: they carry no personal data of a child. Not audited; each attempt is.
pub(super) fn due(conn: &Conn, now: OffsetDateTime, limit: u32) -> Result<Vec<Pending>> {
    let mut stmt = conn.prepare_cached(
        "SELECT n.id, n.organisation_id, n.channel, n.recipient, n.payload, n.attempts, n.created_at, u.language,
                u.active
         FROM notifications n LEFT JOIN users u ON u.id = n.recipient_user
         WHERE n.state = 'pending' AND n.next_attempt_at <= ?1 ORDER BY n.next_attempt_at, n.id LIMIT ?2",
    )?;
    let mut rows = stmt.query(params![timefmt::format(now), limit])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(Pending {
            id: parse(&r.get::<_, String>(0)?, "notification id")?,
            organisation_id: parse(&r.get::<_, String>(1)?, "organisation id")?,
            channel: enum_from(&r.get::<_, String>(2)?, "channel")?,
            recipient: r.get(3)?,
            message: from_json(&r.get::<_, String>(4)?, "notification payload")?,
            attempts: r.get(5)?,
            created_at: timefmt::parse(&r.get::<_, String>(6)?)?,
            language: r.get(7)?,
            recipient_active: r.get::<_, Option<bool>>(8)?.unwrap_or(true),
        });
    }
    Ok(out)
}

/// Records one attempt: delivered, to be retried at a later time, or given up (failed). A
/// notification cancelled while it was being sent keeps its state; the attempt is still
/// counted and audited. Audited as the system.
pub(super) fn record_attempt(
    tx: &mut Tx<'_>,
    id: NotificationId,
    outcome: Outcome,
    now: OffsetDateTime,
) -> Result<State> {
    let now_text = timefmt::format(now);
    let found: Option<(String, String, Option<String>, String)> = tx
        .conn
        .prepare_cached("SELECT state, channel, case_id, event FROM notifications WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let (state, channel, case, event) = found.ok_or_else(|| StoreError::NotFound(format!("notification {id}")))?;
    let pending = state == "pending";
    let (code, next, error) = match &outcome {
        Outcome::Delivered => (AuditCode::NotificationDelivered, State::Delivered, None),
        Outcome::Retry { error, .. } => (AuditCode::NotificationAttemptFailed, State::Pending, Some(error.as_str())),
        Outcome::GaveUp { error } => (AuditCode::NotificationFailed, State::Failed, Some(error.as_str())),
        Outcome::Withdrawn { reason } => (AuditCode::NotificationsCancelled, State::Cancelled, Some(reason.as_str())),
    };
    // Withdrawing is no attempt.
    let attempted = i64::from(!matches!(outcome, Outcome::Withdrawn { .. }));
    let attempts: u32 = if pending {
        let retry_at = match &outcome {
            Outcome::Retry { at, .. } => timefmt::format(*at),
            _ => now_text.clone(),
        };
        tx.conn
            .prepare_cached(
                "UPDATE notifications SET state = ?2, attempts = attempts + ?6, last_attempt_at = ?3,
                     next_attempt_at = ?4, last_error = COALESCE(?5, last_error),
                     delivered_at = CASE WHEN ?2 = 'delivered' THEN ?3 END,
                     failed_at = CASE WHEN ?2 = 'failed' THEN ?3 END
                 WHERE id = ?1 RETURNING attempts",
            )?
            .query_row(params![id.to_string(), enum_name(&next)?, now_text, retry_at, error, attempted], |r| r.get(0))?
    } else {
        tx.conn
            .prepare_cached(
                "UPDATE notifications SET attempts = attempts + ?3, last_attempt_at = ?2 WHERE id = ?1 RETURNING attempts",
            )?
            .query_row(params![id.to_string(), now_text, attempted], |r| r.get(0))?
    };
    let mut detail = json!({"notification_id": id, "channel": channel, "event": event, "attempt": attempts});
    if let Some(error) = error {
        detail["error"] = json!(error);
    }
    if let Outcome::Retry { at, .. } = &outcome {
        detail["retry_at"] = json!(timefmt::format(*at));
    }
    let (record_type, record_id) = match case {
        Some(case) => ("case", Some(case)),
        None => ("notification", Some(id.to_string())),
    };
    tx.audit(&system(), code, record_type, record_id, detail)?;
    if pending { Ok(next) } else { enum_from(&state, "notification state") }
}

/// The organisation's notifications that could not be delivered in the last week, latest first:
/// the supervisors' to follow up (call the colleague, mend the webhook). Audited.
pub(super) fn failed(tx: &mut Tx<'_>, actor: &Actor) -> Result<Vec<NotificationView>> {
    authorize(actor, Action::NotificationRead, Scope::Own)?;
    let org = actor.organisation_id.ok_or_else(|| StoreError::NotFound("the actor's organisation".into()))?;
    let sql = format!(
        "SELECT n.id, n.event, n.channel, n.recipient, n.state, n.case_id, c.number, n.attempts, n.last_error,
                n.created_at, n.failed_at
         FROM notifications n LEFT JOIN cases c ON c.id = n.case_id
         WHERE n.organisation_id = ?1 AND n.state = 'failed' AND n.failed_at >= ?2
         ORDER BY n.failed_at DESC, n.id LIMIT {MAX_LISTED}"
    );
    let mut stmt = tx.conn.prepare_cached(&sql)?;
    let since = timefmt::format(tx.now - FAILURES_SHOWN_FOR);
    let mut rows = stmt.query(params![org.to_string(), since])?;
    let mut shown = Vec::new();
    while let Some(r) = rows.next()? {
        shown.push(NotificationView {
            id: parse(&r.get::<_, String>(0)?, "notification id")?,
            event: r.get(1)?,
            channel: enum_from(&r.get::<_, String>(2)?, "channel")?,
            recipient: r.get(3)?,
            state: enum_from(&r.get::<_, String>(4)?, "notification state")?,
            case_id: parse_opt(r.get(5)?, "case id")?,
            case_number: r.get(6)?,
            attempts: r.get(7)?,
            last_error: r.get(8)?,
            created_at: timefmt::parse(&r.get::<_, String>(9)?)?,
            failed_at: r.get::<_, Option<String>>(10)?.map(|at| timefmt::parse(&at)).transpose()?,
        });
    }
    drop(rows);
    drop(stmt);
    let ids: Vec<String> = shown.iter().map(|n| n.id.to_string()).collect();
    tx.audit(actor, AuditCode::NotificationsListed, "notification", None, json!({"notification_ids": ids}))?;
    Ok(shown)
}
