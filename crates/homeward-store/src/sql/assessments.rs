//! The trafficking assessment as the store keeps it: recomputed in the command that changed the
//! case (opened, an indicator recorded, a match confirmed, the child's age corrected, …) with
//! the catalogue in use, and stored with that catalogue's version whenever the result changed.
//! What a reader is shown is computed afresh on every read (as far as the reader may see the
//! child's other episodes); this is the record of what Homeward said, and when, for review and
//! for tuning the catalogue.

use crate::db::{OptionalExtension, params};
use homeward_domain::CaseId;
use homeward_domain::case::LastSeen;
use homeward_domain::child::NewChild;
use homeward_domain::dates::{age_bounds, utc_date};
use homeward_domain::org::Actor;
use homeward_domain::risk::{StoredAssessment, StoredReason};
use homeward_risk::{Facts, Observation};
use serde_json::json;

use super::cases::visible_case;
use super::rows::{from_json, to_json};
use super::{Tx, authorize};
use crate::audit::AuditCode;
use crate::{Result, timefmt};

/// Assesses a case that just changed, in a savepoint of its own: a failure is logged, and the
/// change stands.
pub(super) fn assess_in_savepoint(tx: &mut Tx<'_>, case: CaseId) {
    tx.best_effort("assess a case", case, |tx| record(tx, case));
}

/// Assesses the case with everything the store knows (every confirmed earlier episode, whoever's
/// case it is) and stores the result when it differs from the last one kept. Answers whether it
/// stored one.
fn record(tx: &mut Tx<'_>, id: CaseId) -> Result<bool> {
    // Everything the assessment reads, in one statement (on PostgreSQL each is a round trip):
    // the case; how many earlier episodes its child's identity has; the child's date of birth;
    // where the child went missing from; the assessment last kept.
    type Read = (String, i64, Option<String>, Option<String>, Option<Kept>);
    let read: Option<Read> = tx
        .conn
        .prepare_cached(
            "SELECT c.state,
                    (SELECT COUNT(*) FROM children k JOIN cases o ON o.child_id = k.id
                     WHERE k.identity_id = (SELECT identity_id FROM children WHERE id = c.child_id)
                       AND o.id != c.id AND o.opened_at < c.opened_at),
                    (SELECT details FROM child_personal WHERE child_id = c.child_id),
                    (SELECT last_seen FROM case_personal WHERE case_id = c.id),
                    a.catalogue_version, a.concern, a.score, a.reasons
             FROM cases c
             LEFT JOIN (SELECT catalogue_version, concern, score, reasons FROM case_assessments
                        WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1) a ON 1 = 1
             WHERE c.id = ?1",
        )?
        .query_row([id.to_string()], |r| {
            let version: Option<String> = r.get(4)?;
            let last = match version {
                Some(version) => Some((version, r.get(5)?, r.get(6)?, r.get(7)?)),
                None => None,
            };
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, last))
        })
        .optional()?;
    let Some((state, previous, child, last_seen, last)) = read else {
        return Err(crate::StoreError::NotFound(format!("case {id}")));
    };
    let case: homeward_domain::case::Case = from_json(&state, "case state")?;
    let born = match child {
        Some(details) => from_json::<NewChild>(&details, "child")?.date_of_birth,
        None => None,
    };
    let last_seen = last_seen.map(|text| from_json::<LastSeen>(&text, "last seen")).transpose()?;
    store(tx, &case, previous, born, last_seen.as_ref(), last)
}

/// Assesses a case opened in this very command from what the command knows, with nothing read
/// back: its child, new, has no earlier episodes, and nothing was assessed before. Part of the
/// command itself, not a best effort in a savepoint of its own (on PostgreSQL that cost two
/// round trips inside the writer lock): the assessment is computed here, and the one statement
/// that stores it fails only when the database does, and the report with it. A failure to
/// assess is logged and the report stands.
pub(super) fn assess_opened(
    tx: &mut Tx<'_>,
    case: &homeward_domain::case::Case,
    child: &NewChild,
    last_seen: &LastSeen,
) {
    if let Err(e) = store(tx, case, 0, child.date_of_birth, Some(last_seen), None) {
        tracing::error!(error = %e, case = %case.id, "could not assess a case");
    }
}

/// The assessment last kept: the catalogue's version, the concern, the score and the reasons.
type Kept = (String, String, f64, String);

/// Assesses the case from what is known of it and stores the result when it differs from the
/// assessment `last` kept. Answers whether it stored one.
fn store(
    tx: &mut Tx<'_>,
    case: &homeward_domain::case::Case,
    previous: i64,
    born: Option<homeward_domain::dates::PartialDate>,
    last_seen: Option<&LastSeen>,
    last: Option<Kept>,
) -> Result<bool> {
    let id = case.id;
    let observations: Vec<Observation> = case
        .indicators
        .iter()
        .map(|i| Observation { indicator: i.indicator.clone(), recorded_by: i.recorded_by, at: i.at, evidence: None })
        .collect();
    let hours_after_registration = last_seen
        .and_then(|l| l.missing_from.as_ref())
        .and_then(|m| m.hours_after_registration(case.category, case.last_seen_at));
    let facts = Facts {
        previous_episodes: u32::try_from(previous).unwrap_or(u32::MAX),
        missing_from: case.missing_from,
        hours_after_registration,
        age: born.map(|b| age_bounds(&b, utc_date(case.last_seen_at))),
    };
    let assessment = match homeward_risk::assess(tx.catalogue, &observations, &facts) {
        Ok(a) => a,
        // An indicator recorded under a catalogue that no longer has it: nothing to store until
        // the catalogue is reviewed (readers are told the same).
        Err(e) => {
            tracing::warn!(case = %id, error = %e, "not assessed against catalogue {}", tx.catalogue.version);
            return Ok(false);
        }
    };
    let reasons: Vec<StoredReason> = assessment
        .reasons_by_weight()
        .into_iter()
        .map(|r| StoredReason {
            indicator: r.indicator.clone(),
            points: r.points,
            counted: r.counted,
            why: r.why(),
            recorded_by: r.recorded_by(),
        })
        .collect();
    let concern = super::rows::enum_name(&assessment.concern)?;
    let reasons_json = to_json(&reasons)?;
    let first = last.is_none();
    let unchanged = last.is_some_and(|(version, stored_concern, score, stored_reasons)| {
        version == assessment.catalogue_version
            && stored_concern == concern
            && score == assessment.score
            && stored_reasons == reasons_json
    });
    if unchanged {
        return Ok(false);
    }
    // The case's first assessment is numbered 1 without a count, a plain insert (on PostgreSQL it
    // then goes with the command's other inserts as one statement); a later one counts those
    // before it.
    let sql = match first {
        true => {
            "INSERT INTO case_assessments (case_id, seq, catalogue_version, concern, score, reasons, assessed_at)
             VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6)"
        }
        false => {
            "INSERT INTO case_assessments (case_id, seq, catalogue_version, concern, score, reasons, assessed_at)
             VALUES (?1, (SELECT COUNT(*) + 1 FROM case_assessments WHERE case_id = ?1), ?2, ?3, ?4, ?5, ?6)"
        }
    };
    tx.conn.prepare_cached(sql)?.defer(params![
        id.to_string(),
        assessment.catalogue_version,
        concern,
        assessment.score,
        reasons_json,
        timefmt::format(tx.now)
    ])?;
    Ok(true)
}

/// Every stored assessment of a case, oldest first, for a reader of the case in full (the
/// reasons name who recorded what).
pub(super) fn history(tx: &mut Tx<'_>, actor: &Actor, id: CaseId) -> Result<Vec<StoredAssessment>> {
    let (_, scope) = visible_case(tx.conn, actor, id)?;
    authorize(actor, homeward_domain::policy::Action::CaseRead, scope)?;
    let mut statement = tx.conn.prepare_cached(
        "SELECT catalogue_version, concern, score, reasons, assessed_at FROM case_assessments
         WHERE case_id = ?1 ORDER BY seq",
    )?;
    let rows = statement.query_map([id.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, f64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (catalogue_version, concern, score, reasons, at) = row?;
        found.push(StoredAssessment {
            catalogue_version,
            concern,
            score,
            reasons: from_json(&reasons, "assessment reasons")?,
            assessed_at: timefmt::parse(&at)?,
        });
    }
    drop(statement);
    tx.audit(actor, AuditCode::AssessmentsRead, "case", Some(id.to_string()), json!({"count": found.len()}))?;
    Ok(found)
}
