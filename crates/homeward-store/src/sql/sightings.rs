//! Sightings from the public (migration 0011): kept in `sightings` and `sighting_photos`, apart
//! from every case table. The inbox, one sighting and its photo are read by those who take
//! reports; attaching one to a case appends the case's `sighting_attached` event in the same
//! command, and only then does the case page read it (`of_case`). No case read joins these tables.

use crate::db::{Conn, OptionalExtension, params};
use homeward_domain::org::Actor;
use homeward_domain::policy::{Action, Scope};
use homeward_domain::sighting::{self, NewSighting, Photo, PhotoType, SightingReceipt, SightingState, SightingView};
use homeward_domain::{CaseId, DomainError, SightingId};
use serde_json::json;
use uuid::Uuid;

use super::rows::{parse, parse_opt};
use super::{Tx, authorize, cases};
use crate::audit::AuditCode;
use crate::timefmt;
use crate::{Result, StoreError};

/// The most sightings one inbox page lists.
const MAX_LISTED: u32 = 200;

const COLUMNS: &str = "s.id, s.received_at, s.alert_ref, s.place, s.lat, s.lon, s.seen_at_local, s.seen_at,
    s.description, s.contact_name, s.contact_phone, s.contact_email, p.media_type, length(p.bytes), s.state,
    s.case_id, c.number, s.decided_by, s.decided_at, s.reason";

const FROM: &str = "FROM sightings s LEFT JOIN sighting_photos p ON p.sighting_id = s.id
    LEFT JOIN cases c ON c.id = s.case_id";

/// The public, as the audit log names them: no user, no organisation, their address.
fn public(origin: &str) -> Actor {
    Actor { user_id: None, organisation_id: None, role: None, origin: origin.to_owned() }
}

/// Keeps a sighting sent by the public (checked here, against the command's clock) and its
/// photo. Nothing else is touched: no case, no user, no session.
pub(super) fn submit(tx: &mut Tx<'_>, origin: &str, new: NewSighting, photo: Option<Photo>) -> Result<SightingReceipt> {
    let checked = new.validate(tx.now)?;
    let s = &checked.sighting;
    let organisation = match &s.alert {
        Some(alert) => Some(alert_organisation(tx.conn, alert)?),
        None => None,
    };
    let id = SightingId(Uuid::now_v7());
    let received_at = timefmt::format(tx.now);
    tx.conn
        .prepare_cached(
            "INSERT INTO sightings (id, received_at, alert_ref, place, lat, lon, seen_at_local, utc_offset_minutes,
                seen_at, description, contact_name, contact_phone, contact_email, organisation_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            id.to_string(),
            received_at,
            s.alert,
            s.place,
            s.lat,
            s.lon,
            sighting::format_local(checked.seen_local),
            s.utc_offset_minutes,
            checked.seen_at.map(timefmt::format),
            s.description,
            s.contact.name,
            s.contact.phone,
            s.contact.email,
            organisation,
        ])?;
    if let Some(photo) = &photo {
        tx.conn
            .prepare_cached("INSERT INTO sighting_photos (sighting_id, media_type, bytes) VALUES (?1, ?2, ?3)")?
            .execute(params![id.to_string(), photo.kind.media_type(), photo.bytes])?;
    }
    // What was seen and who sent it is personal data: the entry says only that it came.
    let detail = json!({
        "alert": s.alert,
        "photo": photo.as_ref().map(|p| p.kind),
        "coordinates": s.lat.is_some(),
        "contact": !s.contact.is_empty(),
    });
    tx.audit(&public(origin), AuditCode::SightingReceived, "sighting", Some(id.to_string()), detail)?;
    Ok(SightingReceipt { id, received_at: tx.now })
}

/// The organisation of the alert a sighting answers. The alert must have been published (live,
/// expired or cancelled: a sighting after the end is still worth reading); an alert never
/// published, or no alert at all, is refused, so that the public cannot learn of a request.
fn alert_organisation(conn: &Conn, alert: &str) -> Result<String> {
    let found: Option<String> = conn
        .prepare_cached("SELECT organisation_id FROM alerts WHERE id = ?1 AND published_at IS NOT NULL")?
        .query_row([alert], |r| r.get(0))
        .optional()?;
    found.ok_or_else(|| {
        let problem = homeward_domain::FieldError::new(
            "alert",
            homeward_domain::Problem::NotAChoice,
            "is not the reference of a published alert",
        );
        StoreError::Domain(DomainError::Invalid(vec![problem]))
    })
}

fn view(r: &crate::db::Row<'_>) -> Result<SightingView> {
    let state: String = r.get(14)?;
    let state = match state.as_str() {
        "new" => SightingState::New,
        "attached" => SightingState::Attached,
        "dismissed" => SightingState::Dismissed,
        other => return Err(StoreError::Corrupt(format!("sighting state `{other}`"))),
    };
    let photo = match r.get::<_, Option<String>>(12)? {
        Some(media_type) => Some(
            PhotoType::from_media_type(&media_type)
                .ok_or_else(|| StoreError::Corrupt(format!("photo type `{media_type}`")))?,
        ),
        None => None,
    };
    Ok(SightingView {
        id: parse(&r.get::<_, String>(0)?, "sighting id")?,
        received_at: timefmt::parse(&r.get::<_, String>(1)?)?,
        alert: r.get(2)?,
        place: r.get(3)?,
        lat: r.get(4)?,
        lon: r.get(5)?,
        seen_at_local: r.get(6)?,
        seen_at: r.get::<_, Option<String>>(7)?.map(|t| timefmt::parse(&t)).transpose()?,
        description: r.get(8)?,
        contact: sighting::SightingContact { name: r.get(9)?, phone: r.get(10)?, email: r.get(11)? },
        photo,
        photo_bytes: r.get::<_, Option<i64>>(13)?.map(|n| u64::try_from(n).unwrap_or_default()),
        state,
        case_id: parse_opt(r.get(15)?, "case id")?,
        case_number: r.get(16)?,
        decided_by: parse_opt(r.get(17)?, "user id")?,
        decided_at: r.get::<_, Option<String>>(18)?.map(|t| timefmt::parse(&t)).transpose()?,
        reason: r.get(19)?,
    })
}

fn query(conn: &Conn, sql: &str, arg: &str) -> Result<Vec<SightingView>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([arg])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(view(&r)?);
    }
    Ok(out)
}

fn one(conn: &Conn, id: SightingId) -> Result<Option<SightingView>> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE s.id = ?1");
    Ok(query(conn, &sql, &id.to_string())?.pop())
}

/// How the inbox relates to the actor's organisation: their own if it takes reports.
fn inbox_scope(conn: &Conn, actor: &Actor) -> Result<Scope> {
    let Some(org) = actor.organisation_id else { return Ok(Scope::Other) };
    let kind = super::accounts::organisation_by_id(conn, org)?.map(|o| o.kind);
    Ok(kind.map(sighting::inbox_scope).unwrap_or(Scope::Other))
}

/// The scope of one sighting: an attached one is its case's, any other the inbox's.
fn scope_of(conn: &Conn, actor: &Actor, found: &SightingView) -> Result<Scope> {
    match found.case_id {
        Some(case) => {
            let owner: String =
                conn.query_row("SELECT organisation_id FROM cases WHERE id = ?1", [case.to_string()], |r| r.get(0))?;
            super::scope_of(conn, actor, &owner, Some(&case.to_string()))
        }
        // A sighting answering an alert is in the inbox of the alert's organisation only.
        None => match one_organisation(conn, found.id)? {
            Some(owner) if Some(owner.as_str()) != actor.organisation_id.map(|o| o.to_string()).as_deref() => {
                Ok(Scope::Other)
            }
            _ => inbox_scope(conn, actor),
        },
    }
}

/// The organisation whose inbox a sighting is in; none for a general one not yet decided (a
/// decision makes it the deciding organisation's: its reason is that organisation's own).
fn one_organisation(conn: &Conn, id: SightingId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT organisation_id FROM sightings WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))?)
}

/// One sighting the actor may take `action` on; another organisation's (or, for a police unit,
/// any in the inbox) is answered as none at all. An attached sighting is part of its case: it is
/// read by whoever reads the case in full (the police unit it was handed to, too).
fn checked(tx: &Tx<'_>, actor: &Actor, id: SightingId, action: Action) -> Result<SightingView> {
    let found = one(tx.conn, id)?.ok_or_else(|| StoreError::NotFound(format!("sighting {id}")))?;
    let scope = scope_of(tx.conn, actor, &found)?;
    if scope == Scope::Other {
        return Err(StoreError::NotFound(format!("sighting {id}")));
    }
    let action = if action == Action::SightingRead && found.case_id.is_some() { Action::CaseRead } else { action };
    authorize(actor, action, scope)?;
    Ok(found)
}

/// The inbox: the sightings nobody has attached or dismissed yet, newest first.
pub(super) fn inbox(tx: &mut Tx<'_>, actor: &Actor) -> Result<Vec<SightingView>> {
    authorize(actor, Action::SightingRead, inbox_scope(tx.conn, actor)?)?;
    let org = actor.organisation_id.map(|o| o.to_string()).unwrap_or_default();
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE s.state = 'new' AND (s.organisation_id IS NULL OR s.organisation_id = ?1)
         ORDER BY s.received_at DESC, s.id DESC LIMIT {MAX_LISTED}"
    );
    let shown = query(tx.conn, &sql, &org)?;
    let ids: Vec<String> = shown.iter().map(|s| s.id.to_string()).collect();
    tx.audit(actor, AuditCode::SightingsListed, "sighting", None, json!({"sighting_ids": ids}))?;
    Ok(shown)
}

pub(super) fn get(tx: &mut Tx<'_>, actor: &Actor, id: SightingId) -> Result<SightingView> {
    let found = checked(tx, actor, id, Action::SightingRead)?;
    tx.audit(actor, AuditCode::SightingRead, "sighting", Some(id.to_string()), json!({"state": found.state}))?;
    Ok(found)
}

pub(super) fn photo(tx: &mut Tx<'_>, actor: &Actor, id: SightingId) -> Result<Photo> {
    checked(tx, actor, id, Action::SightingRead)?;
    let stored: Option<(String, Vec<u8>)> = tx
        .conn
        .prepare_cached("SELECT media_type, bytes FROM sighting_photos WHERE sighting_id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (media_type, bytes) = stored.ok_or_else(|| StoreError::NotFound(format!("a photo of sighting {id}")))?;
    let kind = PhotoType::from_media_type(&media_type)
        .ok_or_else(|| StoreError::Corrupt(format!("photo type `{media_type}`")))?;
    tx.audit(actor, AuditCode::SightingPhotoRead, "sighting", Some(id.to_string()), json!({"bytes": bytes.len()}))?;
    Ok(Photo { kind, bytes })
}

/// A sighting still in the inbox, or why it is not.
fn still_new(found: &SightingView) -> Result<()> {
    match found.state {
        SightingState::New => Ok(()),
        SightingState::Attached => Err(DomainError::NoChange(format!(
            "this sighting was already attached to case {}",
            found.case_number.as_deref().unwrap_or("")
        ))
        .into()),
        SightingState::Dismissed => Err(DomainError::NoChange("this sighting was already dismissed".into()).into()),
    }
}

/// Attaches a sighting in the inbox to a case of the actor's own organisation: the case's
/// `sighting_attached` event and the sighting's new state land together.
pub(super) fn attach(tx: &mut Tx<'_>, actor: &Actor, id: SightingId, case_id: CaseId) -> Result<SightingView> {
    let found = checked(tx, actor, id, Action::SightingDecide)?;
    let (mut case, scope) = cases::visible_case(tx.conn, actor, case_id)?;
    authorize(actor, Action::SightingDecide, scope)?;
    still_new(&found)?;
    cases::append(tx, &mut case, actor, homeward_domain::case::CaseCommand::AttachSighting(id))?;
    cases::save_projection(tx.conn, &case)?;
    tx.conn
        .prepare_cached(
            "UPDATE sightings SET state = 'attached', case_id = ?2, decided_by = ?3, decided_at = ?4,
                organisation_id = COALESCE(organisation_id, ?5)
             WHERE id = ?1 AND state = 'new'",
        )?
        .execute(params![
            id.to_string(),
            case_id.to_string(),
            actor.user_id.map(|u| u.to_string()),
            timefmt::format(tx.now),
            actor.organisation_id.map(|o| o.to_string()),
        ])?;
    let detail = json!({"sighting_id": id, "photo": found.photo.is_some()});
    tx.audit(actor, AuditCode::SightingAttached, "case", Some(case_id.to_string()), detail)?;
    one(tx.conn, id)?.ok_or_else(|| StoreError::NotFound(format!("sighting {id}")))
}

/// Dismisses a sighting in the inbox with a reason; it names no case.
pub(super) fn dismiss(tx: &mut Tx<'_>, actor: &Actor, id: SightingId, reason: Option<String>) -> Result<SightingView> {
    let found = checked(tx, actor, id, Action::SightingDecide)?;
    still_new(&found)?;
    let reason = sighting::check_reason(reason)?;
    tx.conn
        .prepare_cached(
            "UPDATE sightings SET state = 'dismissed', decided_by = ?2, decided_at = ?3, reason = ?4,
                organisation_id = COALESCE(organisation_id, ?5)
             WHERE id = ?1 AND state = 'new'",
        )?
        .execute(params![
            id.to_string(),
            actor.user_id.map(|u| u.to_string()),
            timefmt::format(tx.now),
            reason,
            actor.organisation_id.map(|o| o.to_string()),
        ])?;
    tx.audit(actor, AuditCode::SightingDismissed, "sighting", Some(id.to_string()), json!({}))?;
    one(tx.conn, id)?.ok_or_else(|| StoreError::NotFound(format!("sighting {id}")))
}

/// The sightings attached to a case, oldest attachment first, for those who read the case in
/// full. Audited when there are any.
pub(super) fn of_case(tx: &mut Tx<'_>, actor: &Actor, case_id: CaseId) -> Result<Vec<SightingView>> {
    let (_, scope) = cases::visible_case(tx.conn, actor, case_id)?;
    authorize(actor, Action::CaseRead, scope)?;
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE s.case_id = ?1 AND s.state = 'attached' ORDER BY s.decided_at NULLS FIRST, s.id"
    );
    let shown = query(tx.conn, &sql, &case_id.to_string())?;
    if !shown.is_empty() {
        let ids: Vec<String> = shown.iter().map(|s| s.id.to_string()).collect();
        tx.audit(actor, AuditCode::CaseSightingsRead, "case", Some(case_id.to_string()), json!({"sighting_ids": ids}))?;
    }
    Ok(shown)
}
