//! Escalations: the deadlines the escalation job found missed, kept once per case, subject and
//! deadline; the supervisors' queue; acknowledgements.

use crate::db::{Conn, OptionalExtension, params};
use homeward_domain::case::{Case, CaseEvent};
use homeward_domain::escalation::{
    Acknowledgement, Duty, EscalationView, Missed, OnDuty, Subject, check_duty, check_note,
};
use homeward_domain::notification::EscalationEvent;
use homeward_domain::org::Actor;
use homeward_domain::policy::{Action, Scope};
use homeward_domain::{CaseId, DomainError, EscalationId};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::rows::{enum_from, from_json, parse, parse_opt};
use super::{Tx, authorize};
use crate::audit::AuditCode;
use crate::timefmt;
use crate::{EscalationReport, Result, StoreError};

/// The escalation job, as the audit log names it.
fn system() -> Actor {
    Actor { user_id: None, organisation_id: None, role: None, origin: "system:escalation".into() }
}

/// The most escalations one list answers.
const MAX_LISTED: u32 = 500;

/// Every case not closed, with its events, in two queries.
pub(super) fn response_cases(conn: &Conn) -> Result<Vec<(Case, Vec<CaseEvent>)>> {
    let mut cases: Vec<(Case, Vec<CaseEvent>)> = conn
        .prepare("SELECT state FROM cases WHERE status <> 'closed' ORDER BY id")?
        .query_map((), |r| r.get::<_, String>(0))?
        .map(|state| Ok((from_json::<Case>(&state?, "case")?, Vec::new())))
        .collect::<Result<_>>()?;
    let index: std::collections::HashMap<CaseId, usize> =
        cases.iter().enumerate().map(|(i, (case, _))| (case.id, i)).collect();
    let mut stmt = conn.prepare(
        "SELECT e.case_id, e.seq, e.id, e.at, e.actor, e.data FROM case_events e
         JOIN cases c ON c.id = e.case_id WHERE c.status <> 'closed' ORDER BY e.case_id, e.seq",
    )?;
    let mut rows = stmt.query(())?;
    while let Some(r) = rows.next()? {
        let case_id: CaseId = parse(&r.get::<_, String>(0)?, "case id")?;
        // A case closed between the two queries is simply not in the first.
        let Some(&i) = index.get(&case_id) else { continue };
        cases[i].1.push(CaseEvent {
            id: parse(&r.get::<_, String>(2)?, "event id")?,
            case_id,
            seq: r.get(1)?,
            at: timefmt::parse(&r.get::<_, String>(3)?)?,
            actor: parse_opt(r.get(4)?, "user id")?,
            kind: from_json(&r.get::<_, String>(5)?, "event")?,
        });
    }
    Ok(cases)
}

/// Of what was missed, what `record` would write now: not yet raised, or raised, not
/// acknowledged and due to be raised again (or cleared before and missed again); and the
/// escalations nobody acknowledged whose case and subject are missed no more, to mark cleared.
pub(super) fn worth_writing(
    conn: &Conn,
    missed: Vec<Missed>,
    now: OffsetDateTime,
    repeat_every: time::Duration,
) -> Result<(Vec<Missed>, Vec<EscalationId>)> {
    let still: std::collections::HashSet<(String, String)> =
        missed.iter().map(|m| (m.case_id.to_string(), m.subject.key())).collect();
    let mut cleared = Vec::new();
    let mut waiting = conn.prepare_cached(
        "SELECT id, case_id, subject FROM escalations WHERE acknowledged_at IS NULL AND cleared_at IS NULL",
    )?;
    let mut rows = waiting.query(())?;
    while let Some(r) = rows.next()? {
        let key = (r.get::<_, String>(1)?, r.get::<_, String>(2)?);
        if !still.contains(&key) {
            cleared.push(parse(&r.get::<_, String>(0)?, "escalation id")?);
        }
    }
    let repeat_before = timefmt::format(now - repeat_every);
    let mut stmt = conn.prepare_cached(
        "SELECT acknowledged_at IS NULL AND (last_raised_at <= ?4 OR cleared_at IS NOT NULL) FROM escalations
         WHERE case_id = ?1 AND subject = ?2 AND due_at = ?3",
    )?;
    let mut keep = Vec::new();
    for m in missed {
        let known: Option<bool> = stmt
            .query_row(params![m.case_id.to_string(), m.subject.key(), timefmt::format(m.due_at), repeat_before], |r| {
                r.get(0)
            })
            .optional()?;
        if known.unwrap_or(true) {
            keep.push(m);
        }
    }
    Ok((keep, cleared))
}

/// Raises what was missed: each (case, subject, deadline) once; an unacknowledged one again
/// when `repeat_every` has passed since it was last raised.
pub(super) fn record(
    tx: &mut Tx<'_>,
    missed: Vec<Missed>,
    cleared: Vec<EscalationId>,
    now: OffsetDateTime,
    repeat_every: time::Duration,
    routes: &homeward_domain::notification::Routes,
) -> Result<EscalationReport> {
    let actor = system();
    let mut report = EscalationReport::default();
    let now_text = timefmt::format(now);
    let repeat_before = timefmt::format(now - repeat_every);
    for m in missed {
        let subject = m.subject.key();
        let due = timefmt::format(m.due_at);
        let id = EscalationId(Uuid::now_v7());
        let inserted = tx
            .conn
            .prepare_cached(
                "INSERT INTO escalations (id, organisation_id, case_id, subject, cycle, due_at, raised_at, last_raised_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
                 ON CONFLICT (case_id, subject, due_at) DO NOTHING",
            )?
            .execute(params![
                id.to_string(),
                m.organisation_id.to_string(),
                m.case_id.to_string(),
                subject,
                m.cycle,
                due,
                now_text
            ])?;
        if inserted == 1 {
            let detail = json!({"escalation_id": id, "subject": subject, "cycle": m.cycle, "due_at": due});
            tx.audit(&actor, AuditCode::EscalationRaised, "case", Some(m.case_id.to_string()), detail)?;
            // Its notifications land with it, or neither does.
            super::notifications::enqueue_escalation(tx, routes, &m, id, EscalationEvent::Raised, 0, now)?;
            report.raised += 1;
            continue;
        }
        let repeated: Option<(String, u32)> = tx
            .conn
            .prepare_cached(
                "UPDATE escalations SET repeats = repeats + 1, last_raised_at = ?4, cleared_at = NULL
                 WHERE case_id = ?1 AND subject = ?2 AND due_at = ?3
                   AND acknowledged_at IS NULL AND (last_raised_at <= ?5 OR cleared_at IS NOT NULL)
                 RETURNING id, repeats",
            )?
            .query_row(params![m.case_id.to_string(), subject, due, now_text, repeat_before], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((id, repeats)) = repeated {
            let detail = json!({"escalation_id": id, "subject": subject, "cycle": m.cycle});
            tx.audit(&actor, AuditCode::EscalationRepeated, "case", Some(m.case_id.to_string()), detail)?;
            let id: EscalationId = parse(&id, "escalation id")?;
            super::notifications::enqueue_escalation(tx, routes, &m, id, EscalationEvent::Repeated, repeats, now)?;
            report.repeated += 1;
        }
    }
    for id in cleared {
        let case: Option<String> = tx
            .conn
            .prepare_cached(
                "UPDATE escalations SET cleared_at = ?2 WHERE id = ?1 AND acknowledged_at IS NULL AND cleared_at IS NULL
                 RETURNING case_id",
            )?
            .query_row(params![id.to_string(), now_text], |r| r.get(0))
            .optional()?;
        if let Some(case) = case {
            tx.audit(&actor, AuditCode::EscalationCleared, "case", Some(case), json!({"escalation_id": id}))?;
            report.cleared += 1;
        }
    }
    Ok(report)
}

const COLUMNS: &str = "e.id, e.case_id, c.number, e.organisation_id, c.category, c.risk_level, e.subject, t.title,
    e.cycle, e.due_at, e.raised_at, e.repeats, e.last_raised_at, e.acknowledged_by, e.acknowledged_at, e.note,
    e.cleared_at";

const FROM: &str = "FROM escalations e JOIN cases c ON c.id = e.case_id
    LEFT JOIN tasks t ON e.subject = 'task:' || t.id";

fn view(r: &crate::db::Row<'_>) -> Result<EscalationView> {
    let subject: String = r.get(6)?;
    let subject = Subject::parse(&subject).ok_or_else(|| StoreError::Corrupt(format!("escalation `{subject}`")))?;
    let (target, task_id) = match subject {
        Subject::Target(id) => (Some(id), None),
        Subject::Task(id) => (None, Some(id)),
    };
    let acknowledged = match r.get::<_, Option<String>>(14)? {
        Some(at) => {
            Some(Acknowledgement { by: parse_opt(r.get(13)?, "user id")?, at: timefmt::parse(&at)?, note: r.get(15)? })
        }
        None => None,
    };
    Ok(EscalationView {
        id: parse(&r.get::<_, String>(0)?, "escalation id")?,
        case_id: parse(&r.get::<_, String>(1)?, "case id")?,
        case_number: r.get(2)?,
        organisation_id: parse(&r.get::<_, String>(3)?, "organisation id")?,
        category: enum_from(&r.get::<_, String>(4)?, "category")?,
        risk_level: r.get::<_, Option<String>>(5)?.map(|v| enum_from(&v, "risk level")).transpose()?,
        target,
        task_id,
        task_title: r.get(7)?,
        cycle: r.get(8)?,
        due_at: timefmt::parse(&r.get::<_, String>(9)?)?,
        raised_at: timefmt::parse(&r.get::<_, String>(10)?)?,
        repeats: r.get(11)?,
        last_raised_at: timefmt::parse(&r.get::<_, String>(12)?)?,
        acknowledged,
        cleared_at: r.get::<_, Option<String>>(16)?.map(|at| timefmt::parse(&at)).transpose()?,
    })
}

/// The escalations a query with one parameter answers.
fn query(conn: &Conn, sql: &str, arg: &str) -> Result<Vec<EscalationView>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([arg])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(view(&r)?);
    }
    Ok(out)
}

/// Audits what a reader was shown.
fn audit_shown(tx: &mut Tx<'_>, actor: &Actor, case: Option<CaseId>, shown: &[EscalationView]) -> Result<()> {
    let ids: Vec<String> = shown.iter().map(|e| e.id.to_string()).collect();
    let mut cases: Vec<String> = shown.iter().map(|e| e.case_id.to_string()).collect();
    cases.dedup();
    let detail = json!({"escalation_ids": ids, "case_ids": cases});
    let record = case.map(|c| c.to_string());
    tx.audit(actor, AuditCode::EscalationsListed, if case.is_some() { "case" } else { "escalation" }, record, detail)
}

pub(super) fn list(tx: &mut Tx<'_>, actor: &Actor, open: bool) -> Result<Vec<EscalationView>> {
    authorize(actor, Action::EscalationRead, Scope::Own)?;
    let org = actor.organisation_id.ok_or_else(|| StoreError::NotFound("the actor's organisation".into()))?;
    let sql = if open {
        format!(
            "SELECT {COLUMNS} {FROM} WHERE e.organisation_id = ?1 AND e.acknowledged_at IS NULL
             ORDER BY e.cleared_at IS NOT NULL, e.due_at, e.id LIMIT {MAX_LISTED}"
        )
    } else {
        format!(
            "SELECT {COLUMNS} {FROM} WHERE e.organisation_id = ?1 AND e.acknowledged_at IS NOT NULL
             ORDER BY e.acknowledged_at DESC, e.id LIMIT {MAX_LISTED}"
        )
    };
    let shown = query(tx.conn, &sql, &org.to_string())?;
    audit_shown(tx, actor, None, &shown)?;
    Ok(shown)
}

pub(super) fn of_case(tx: &mut Tx<'_>, actor: &Actor, id: CaseId) -> Result<Vec<EscalationView>> {
    let (_, scope) = super::cases::visible_case(tx.conn, actor, id)?;
    authorize(actor, Action::EscalationRead, scope)?;
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE e.case_id = ?1
         ORDER BY e.acknowledged_at IS NOT NULL, e.due_at, e.id LIMIT {MAX_LISTED}"
    );
    let shown = query(tx.conn, &sql, &id.to_string())?;
    audit_shown(tx, actor, Some(id), &shown)?;
    Ok(shown)
}

fn one(conn: &Conn, id: EscalationId) -> Result<Option<EscalationView>> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE e.id = ?1");
    Ok(query(conn, &sql, &id.to_string())?.pop())
}

pub(super) fn acknowledge(
    tx: &mut Tx<'_>,
    actor: &Actor,
    id: EscalationId,
    note: Option<String>,
) -> Result<EscalationView> {
    // Another organisation's escalation is answered as none at all.
    let found = one(tx.conn, id)?.filter(|e| Some(e.organisation_id) == actor.organisation_id);
    let escalation = found.ok_or_else(|| StoreError::NotFound(format!("escalation {id}")))?;
    authorize(actor, Action::EscalationAcknowledge, Scope::Own)?;
    if escalation.acknowledged.is_some() {
        return Err(DomainError::NoChange("this escalation was already acknowledged".into()).into());
    }
    let note = check_note(note)?;
    tx.conn
        .prepare_cached(
            "UPDATE escalations SET acknowledged_by = ?2, acknowledged_at = ?3, note = ?4
             WHERE id = ?1 AND acknowledged_at IS NULL",
        )?
        .execute(params![id.to_string(), actor.user_id.map(|u| u.to_string()), timefmt::format(tx.now), note])?;
    let detail =
        json!({"escalation_id": id, "subject": escalation.subject().map(|s| s.key()), "noted": note.is_some()});
    tx.audit(actor, AuditCode::EscalationAcknowledged, "case", Some(escalation.case_id.to_string()), detail)?;
    // Taken up: what has not gone out about it yet is not worth sending.
    super::notifications::cancel(tx, actor, "escalation", &id.to_string())?;
    one(tx.conn, id)?.ok_or_else(|| StoreError::NotFound(format!("escalation {id}")))
}

/// Who of the actor's organisation's supervisors is on duty now, and the actor's own duty.
/// Those who read escalations may see it.
pub(super) fn duty(tx: &mut Tx<'_>, actor: &Actor) -> Result<Duty> {
    authorize(actor, Action::EscalationRead, Scope::Own)?;
    on_duty(tx, actor)
}

fn on_duty(tx: &Tx<'_>, actor: &Actor) -> Result<Duty> {
    let org = actor.organisation_id.map(|o| o.to_string()).unwrap_or_default();
    let mut statement = tx.conn.prepare_cached(
        "SELECT id, email, on_duty_until FROM users
         WHERE organisation_id = ?1 AND role = 'supervisor' AND active = 1 AND on_duty_until > ?2
         ORDER BY on_duty_until, email",
    )?;
    let rows = statement.query_map(params![org, timefmt::format(tx.now)], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut on_duty = Vec::new();
    for row in rows {
        let (id, email, until) = row?;
        on_duty.push(OnDuty { user_id: parse(&id, "user id")?, email, until: timefmt::parse(&until)? });
    }
    let mine = on_duty.iter().find(|d| Some(d.user_id) == actor.user_id).map(|d| d.until);
    Ok(Duty { mine, on_duty })
}

/// A supervisor takes the duty until a time (at most a day on), or ends it (`None`). Audited.
pub(super) fn set_duty(tx: &mut Tx<'_>, actor: &Actor, until: Option<OffsetDateTime>) -> Result<Duty> {
    authorize(actor, Action::EscalationAcknowledge, Scope::Own)?;
    let user = actor.user_id.ok_or_else(|| StoreError::NotFound("the user".into()))?;
    let until = check_duty(until, tx.now)?;
    tx.conn
        .prepare_cached("UPDATE users SET on_duty_until = ?2 WHERE id = ?1")?
        .execute(params![user.to_string(), until.map(timefmt::format)])?;
    let detail = json!({"until": until.map(timefmt::format)});
    tx.audit(actor, AuditCode::DutyChanged, "user", Some(user.to_string()), detail)?;
    on_duty(tx, actor)
}
