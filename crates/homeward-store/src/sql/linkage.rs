//! Record linkage in the store: the records the engine indexes, the pairs it suggests, what a
//! person decides about them, and the identities that join a child's episodes.
//!
//! The engine itself runs outside the store (it is pure and keeps its index in memory); the
//! store decides who may see which pair. A pair is shown only as far as the reader may read the
//! other child's case, so a child of another organisation never appears, not even as a count.

use crate::db::{Conn, OptionalExtension, params};
use homeward_domain::child::NewChild;
use homeward_domain::linkage::{
    Candidate, CaseMatch, Episode, FoundBy, LinkageRecord, LinkageSeq, MatchDecision, MatchReason, MatchStatus,
    MatchSuggestion, PROBABLE_FROM, SUGGEST_FROM,
};
use homeward_domain::org::Actor;
use homeward_domain::policy::{Action, Scope};
use homeward_domain::{CaseId, ChildId, DomainError, FieldError, OrganisationId, Problem};
use serde_json::json;
use std::collections::HashMap;

use super::cases::{readable_by, visible_case};
use super::rows::{enum_from, enum_name, from_json, parse, parse_opt, to_json};
use super::{Tx, authorize};
use crate::audit::AuditCode;
use crate::{Result, StoreError, timefmt};

/// The name of the linkage job's watermark.
const LINKAGE_JOB: &str = "linkage";

/// The system's own linkage job, as the audit log names it.
fn system() -> Actor {
    Actor { user_id: None, organisation_id: None, role: None, origin: "system:linkage".into() }
}

/// A pair with the smaller id first, as it is stored.
fn ordered(a: ChildId, b: ChildId) -> (ChildId, ChildId) {
    if a.0 <= b.0 { (a, b) } else { (b, a) }
}

fn identity(conn: &Conn, child: ChildId) -> Result<String> {
    conn.prepare_cached("SELECT COALESCE(identity_id, id) FROM children WHERE id = ?1")?
        .query_row([child.to_string()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("child {child}")))
}

pub(super) fn linkage_records(tx: &mut Tx<'_>, after: LinkageSeq, limit: u32) -> Result<Vec<LinkageRecord>> {
    let records =
        read_records(tx.conn, "WHERE ch.linkage_seq > ?1 ORDER BY ch.linkage_seq LIMIT ?2", params![after.0, limit])?;
    if let Some(last) = records.last() {
        let detail = json!({"after": after.0, "count": records.len(), "last": last.seq.0});
        tx.audit(&system(), AuditCode::LinkageRecordsRead, "child", None, detail)?;
    }
    Ok(records)
}

/// One child as the engine reads them now; `None` for a child the store does not hold.
pub(super) fn linkage_record(tx: &mut Tx<'_>, child: ChildId) -> Result<Option<LinkageRecord>> {
    let record = read_records(tx.conn, "WHERE ch.id = ?1", params![child.to_string()])?.pop();
    if let Some(r) = &record {
        let detail = json!({"child_id": r.child_id, "count": 1});
        tx.audit(&system(), AuditCode::LinkageRecordsRead, "child", Some(child.to_string()), detail)?;
    }
    Ok(record)
}

fn read_records(conn: &Conn, filter: &str, args: impl crate::db::Params) -> Result<Vec<LinkageRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT ch.id, ch.linkage_seq, cp.details, ch.created_at
         FROM children ch JOIN child_personal cp ON cp.child_id = ch.id {filter}"
    ))?;
    let rows = stmt
        .query_map(args, |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?
        .collect::<crate::db::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, seq, details, at)| {
            Ok(LinkageRecord {
                child_id: parse(&id, "child id")?,
                seq: LinkageSeq(seq.unwrap_or_default()),
                details: from_json(&details, "child")?,
                reported_at: timefmt::parse(&at)?,
            })
        })
        .collect()
}

pub(super) fn linkage_watermark(conn: &Conn) -> Result<LinkageSeq> {
    let mark: Option<i64> = conn
        .prepare_cached("SELECT mark FROM job_watermarks WHERE job = ?1")?
        .query_row([LINKAGE_JOB], |r| r.get(0))
        .optional()?;
    Ok(LinkageSeq(mark.unwrap_or_default()))
}

/// Stores a pair the engine found unless it is stored already (suggested or decided) or the
/// two children are already one identity. True when it was new.
fn suggest(tx: &mut Tx<'_>, found_by: FoundBy, s: &MatchSuggestion) -> Result<bool> {
    if s.child == s.other || identity(tx.conn, s.child)? == identity(tx.conn, s.other)? {
        return Ok(false);
    }
    insert_suggestion(tx, found_by, s)
}

/// Keeps a suggestion known to join two identities, unless the pair is known already.
fn insert_suggestion(tx: &mut Tx<'_>, found_by: FoundBy, s: &MatchSuggestion) -> Result<bool> {
    let (a, b) = ordered(s.child, s.other);
    let inserted = tx.conn.prepare_cached(INSERT_SUGGESTION)?.execute(params![
        a.to_string(),
        b.to_string(),
        s.probability,
        to_json(&s.explanation)?,
        timefmt::format(tx.now),
        enum_name(&found_by)?
    ])?;
    Ok(inserted == 1)
}

/// Stores pairs known to be new (of a child opened in this transaction, each other child once),
/// in one statement sent with the next one that waits: a report's candidates are some five
/// pairs, and each statement costs PostgreSQL its own execution inside the writer lock.
fn defer_new_pairs(tx: &mut Tx<'_>, found_by: FoundBy, pairs: &[MatchSuggestion]) -> Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let pairs: Vec<&MatchSuggestion> = pairs.iter().collect();
    let (rows, args) = pair_values(tx, found_by, &pairs)?;
    let sql = format!(
        "INSERT INTO child_matches (child_a, child_b, probability, explanation, found_at, found_by, status)
         SELECT v.column1, v.column2, v.column3, v.column4, ?1, ?2, 'suggested' FROM (VALUES {rows}) AS v
         WHERE true ON CONFLICT (child_a, child_b) DO NOTHING"
    );
    tx.conn.prepare_cached(&sql)?.defer(args)?;
    Ok(())
}

/// The `VALUES` rows of `pairs` (each `(child_a, child_b, probability, explanation)`, smaller
/// id first, from parameter `?3` on) and every parameter, the time `?1` and `found_by` `?2` first.
fn pair_values(
    tx: &Tx<'_>,
    found_by: FoundBy,
    pairs: &[&MatchSuggestion],
) -> Result<(String, Vec<crate::db::Value<'static>>)> {
    use crate::db::Value;
    let rows: Vec<String> = (0..pairs.len())
        .map(|i| {
            let p = 3 + 4 * i;
            format!("(?{}, ?{}, CAST(?{} AS DOUBLE PRECISION), ?{})", p, p + 1, p + 2, p + 3)
        })
        .collect();
    let mut args = vec![Value::Text(timefmt::format(tx.now).into()), Value::Text(enum_name(&found_by)?.into())];
    for s in pairs {
        let (a, b) = ordered(s.child, s.other);
        args.push(Value::Text(a.to_string().into()));
        args.push(Value::Text(b.to_string().into()));
        args.push(Value::Real(s.probability));
        args.push(Value::Text(to_json(&s.explanation)?.into()));
    }
    Ok((rows.join(", "), args))
}

const INSERT_SUGGESTION: &str =
    "INSERT INTO child_matches (child_a, child_b, probability, explanation, found_at, found_by, status)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'suggested') ON CONFLICT (child_a, child_b) DO NOTHING";

/// How many pairs one statement of [`insert_new_pairs`] stores at most (four parameters each).
const PAIRS_PER_STATEMENT: usize = 500;

/// Stores the pairs (each once, of two different children) that are not stored already
/// (suggested or decided) and do not join two children already one identity, as
/// [`suggest`] does one by one, in one statement: the linkage job stores thousands of pairs
/// a run, and on PostgreSQL each statement is a round trip inside the writer lock, which every
/// report waits for. Answers the pairs stored, smaller id first.
fn insert_new_pairs(tx: &mut Tx<'_>, found_by: FoundBy, pairs: &[&MatchSuggestion]) -> Result<Vec<(ChildId, ChildId)>> {
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let (rows, args) = pair_values(tx, found_by, pairs)?;
    let sql = format!(
        "INSERT INTO child_matches (child_a, child_b, probability, explanation, found_at, found_by, status)
         SELECT v.column1, v.column2, v.column3, v.column4, ?1, ?2, 'suggested'
         FROM (VALUES {rows}) AS v
         JOIN children ca ON ca.id = v.column1 JOIN children cb ON cb.id = v.column2
         WHERE COALESCE(ca.identity_id, ca.id) <> COALESCE(cb.identity_id, cb.id)
         ON CONFLICT (child_a, child_b) DO NOTHING
         RETURNING child_a, child_b"
    );
    let mut statement = tx.conn.prepare_cached(&sql)?;
    let stored = statement.query_map(args, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut found = Vec::new();
    for row in stored {
        let (a, b) = row?;
        found.push((parse(&a, "child id")?, parse(&b, "child id")?));
    }
    Ok(found)
}

pub(super) fn record_suggestions(
    tx: &mut Tx<'_>,
    suggestions: Vec<MatchSuggestion>,
    watermark: Option<LinkageSeq>,
) -> Result<u32> {
    // Each pair once, as first found (the two children of a pair may each find the other).
    let mut seen = std::collections::HashSet::new();
    let wanted: Vec<&MatchSuggestion> = suggestions
        .iter()
        .filter(|s| s.probability >= SUGGEST_FROM && s.child != s.other && seen.insert(ordered(s.child, s.other)))
        .collect();
    let mut inserted = std::collections::HashSet::new();
    for chunk in wanted.chunks(PAIRS_PER_STATEMENT) {
        inserted.extend(insert_new_pairs(tx, FoundBy::Job, chunk)?);
    }
    let mut pairs = Vec::new();
    let mut probable = Vec::new();
    for s in wanted {
        let (a, b) = ordered(s.child, s.other);
        if inserted.contains(&(a, b)) {
            pairs.push(json!([a, b, (s.probability * 1000.0).round() / 1000.0]));
            if s.probability >= PROBABLE_FROM {
                probable.push(s.child);
            }
        }
    }
    // A probable pair may make repeat episodes: the detectors run on the newly linked child's
    // cases, as the system.
    for child in probable {
        let cases: Vec<String> = {
            let mut statement = tx.conn.prepare_cached("SELECT id FROM cases WHERE child_id = ?1 ORDER BY id")?;
            let rows = statement.query_map([child.to_string()], |r| r.get(0))?;
            rows.collect::<crate::db::Result<_>>()?
        };
        for case in cases {
            super::cases::detect_in_savepoint(tx, &system(), parse(&case, "case id")?);
        }
    }
    if let Some(mark) = watermark {
        tx.conn
            .prepare_cached(
                "INSERT INTO job_watermarks (job, mark, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (job) DO UPDATE SET mark = excluded.mark, updated_at = excluded.updated_at",
            )?
            .defer(params![LINKAGE_JOB, mark.0, timefmt::format(tx.now)])?;
    }
    if !pairs.is_empty() {
        let detail = json!({"found_by": "job", "pairs": pairs});
        tx.audit(&system(), AuditCode::MatchesSuggested, "child", None, detail)?;
    }
    Ok(u32::try_from(pairs.len()).unwrap_or(u32::MAX))
}

/// The newest case of each of `children` that the organisation `org` may read, with the child's
/// identity: one statement for them all (on PostgreSQL each statement is a round trip), the
/// cases found by the children's index.
fn readable_cases_of(conn: &Conn, org: OrganisationId, children: &[ChildId]) -> Result<HashMap<ChildId, Readable>> {
    if children.is_empty() {
        return Ok(HashMap::new());
    }
    // One join to plan, whatever the number of children: a union of a part a child cost
    // PostgreSQL half a millisecond to plan at each report.
    let list: Vec<String> = (0..children.len()).map(|i| format!("?{}", i + 2)).collect();
    let sql = format!(
        "SELECT c.id, c.number, c.organisation_id, c.status, c.opened_at, cp.details, c.child_id,
                COALESCE(ch.identity_id, ch.id)
         FROM (SELECT c.id, c.number, c.organisation_id, c.status, c.opened_at, c.child_id,
                      ROW_NUMBER() OVER (PARTITION BY c.child_id ORDER BY c.opened_at DESC) AS latest
               FROM cases c WHERE c.child_id IN ({}) AND {}) AS c
         JOIN child_personal cp ON cp.child_id = c.child_id JOIN children ch ON ch.id = c.child_id
         WHERE c.latest = 1",
        list.join(", "),
        readable_by("?1")
    );
    let mut args = vec![org.to_string()];
    args.extend(children.iter().map(ChildId::to_string));
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(args, |r| {
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
    })?;
    let mut found = HashMap::new();
    for row in rows {
        let (id, number, owner, status, opened_at, details, child, identity) = row?;
        let child: ChildId = parse(&child, "child id")?;
        let readable = Readable {
            case_id: parse(&id, "case id")?,
            number,
            organisation_id: parse(&owner, "organisation id")?,
            case_status: enum_from(&status, "status")?,
            opened_at: timefmt::parse(&opened_at)?,
            child_name: from_json::<NewChild>(&details, "child")?.display_name(),
            identity,
        };
        found.insert(child, readable);
    }
    Ok(found)
}

/// The newest case of `child` that the actor may read in full, as a candidate.
fn readable_case_of(
    conn: &Conn,
    actor: &Actor,
    org: OrganisationId,
    child: ChildId,
    probability: Option<f64>,
    explanation: Vec<MatchReason>,
) -> Result<Option<Candidate>> {
    let Some(r) = readable_cases_of(conn, org, &[child])?.remove(&child) else { return Ok(None) };
    Ok(r.candidate(actor, org, child, probability, explanation))
}

/// A child's newest readable case, as [`readable_cases_of`] reads it.
struct Readable {
    case_id: CaseId,
    number: String,
    organisation_id: OrganisationId,
    case_status: homeward_domain::case::Status,
    opened_at: time::OffsetDateTime,
    child_name: String,
    /// The child's identity (its own id until linked).
    identity: String,
}

impl Readable {
    /// The case as a candidate, if the actor may read it in full.
    fn candidate(
        self,
        actor: &Actor,
        org: OrganisationId,
        child: ChildId,
        probability: Option<f64>,
        explanation: Vec<MatchReason>,
    ) -> Option<Candidate> {
        let scope = if self.organisation_id == org { Scope::Own } else { Scope::Shared };
        authorize(actor, Action::CaseRead, scope).ok()?;
        Some(Candidate {
            case_id: self.case_id,
            number: self.number,
            organisation_id: self.organisation_id,
            case_status: self.case_status,
            opened_at: self.opened_at,
            child_id: child,
            child_name: self.child_name,
            probability,
            explanation,
        })
    }
}

fn actor_org(actor: &Actor) -> Result<OrganisationId> {
    actor.organisation_id.ok_or_else(|| StoreError::NotFound("the actor's organisation".into()))
}

/// Whose candidates are asked for.
pub(super) enum Asking {
    /// Nobody's: a search by a description alone.
    Search,
    /// A stored case's.
    Case(CaseId),
    /// A case about to be opened: read before the command that opens it, whose case and child
    /// then come with [`ReadCandidates::opened`]. Its child will be nobody else's identity and
    /// have no pair stored, so the reads and checks for that are skipped (they are most of the
    /// work of a report whose child resembles many others).
    Opening,
}

/// What [`match_candidates`] found.
pub(super) struct Matched {
    pub candidates: Vec<Candidate>,
    /// For a case just opened: the identities of the children its child is now probably (the
    /// pairs kept at or above [`PROBABLE_FROM`]), as the repeat detector groups them.
    pub probable: Vec<String>,
}

pub(super) fn match_candidates(
    tx: &mut Tx<'_>,
    actor: &Actor,
    asking: Asking,
    found: Vec<(ChildId, f64, Vec<MatchReason>)>,
    limit: usize,
) -> Result<Matched> {
    let read = read_candidates(tx.conn, actor, asking, found, limit)?;
    keep_candidates(tx, actor, read)
}

/// The candidates as read, before their pairs are kept.
pub(super) struct ReadCandidates {
    case: Option<CaseId>,
    /// The case's child and its identity, when a case asked.
    child: Option<(ChildId, String)>,
    fresh: bool,
    candidates: Vec<Candidate>,
    /// Each candidate child's identity.
    identities: HashMap<ChildId, String>,
}

impl ReadCandidates {
    /// The candidates read for a case about to be opened ([`Asking::Opening`]), as those of the
    /// case `case` of the new child `child`, opened in this very transaction.
    pub(super) fn opened(self, case: CaseId, child: ChildId) -> Self {
        Self { case: Some(case), child: Some((child, child.to_string())), ..self }
    }
}

/// The first `limit` of the children `found` whose newest case the actor may read in full, as
/// candidates (reads only; [`keep_candidates`] stores what they suggest and audits what it
/// answers).
pub(super) fn read_candidates(
    conn: &Conn,
    actor: &Actor,
    asking: Asking,
    found: Vec<(ChildId, f64, Vec<MatchReason>)>,
    limit: usize,
) -> Result<ReadCandidates> {
    // Candidates are children's names: only someone who reads cases in full may ask.
    authorize(actor, Action::CaseRead, Scope::Own)?;
    let org = actor_org(actor)?;
    let (case, child, fresh) = match asking {
        Asking::Search => (None, None, false),
        Asking::Case(id) => {
            let (case, scope) = visible_case(conn, actor, id)?;
            authorize(actor, Action::CaseRead, scope)?;
            (Some(id), Some((case.child_id, identity(conn, case.child_id)?)), false)
        }
        Asking::Opening => (None, None, true),
    };
    // Each child once, and never the case's own.
    let mut seen = std::collections::HashSet::new();
    let mut found = found
        .into_iter()
        .filter(|(other, _, _)| child.as_ref().is_none_or(|(own, _)| other != own) && seen.insert(*other))
        .peekable();
    let mut candidates = Vec::new();
    let mut identities = HashMap::new();
    // The readable cases of as many children as are still wanted, in one statement; more only
    // when some had none the actor may read.
    while candidates.len() < limit && found.peek().is_some() {
        let chunk: Vec<_> = found.by_ref().take(limit - candidates.len()).collect();
        let children: Vec<ChildId> = chunk.iter().map(|(other, _, _)| *other).collect();
        let mut readable = readable_cases_of(conn, org, &children)?;
        for (other, probability, explanation) in chunk {
            let Some(r) = readable.remove(&other) else { continue };
            // Already one identity with the case's child: no candidate.
            if !fresh && child.as_ref().is_some_and(|(_, own)| *own == r.identity) {
                continue;
            }
            let identity = r.identity.clone();
            if let Some(c) = r.candidate(actor, org, other, Some(probability), explanation) {
                identities.insert(other, identity);
                candidates.push(c);
            }
        }
    }
    Ok(ReadCandidates { case, child, fresh, candidates, identities })
}

/// Keeps the likely candidates of a case as suggested pairs and logs what was shown. For a case
/// opened in this very transaction the pairs are new, and sent with the next statement that
/// waits.
pub(super) fn keep_candidates(tx: &mut Tx<'_>, actor: &Actor, read: ReadCandidates) -> Result<Matched> {
    let ReadCandidates { case, child, fresh, candidates, identities } = read;
    let mut suggested = 0;
    let mut probable = Vec::new();
    // The new pairs of a child opened in this transaction, sent together.
    let mut new_pairs = Vec::new();
    if let Some((child, own)) = &child {
        for c in candidates.iter().filter(|c| c.probability.is_some_and(|p| p >= SUGGEST_FROM)) {
            let s = MatchSuggestion {
                child: *child,
                other: c.child_id,
                probability: c.probability.unwrap_or_default(),
                explanation: c.explanation.clone(),
            };
            let kept = if fresh {
                // A child opened in this transaction has no pair stored, and each other child
                // comes once: the pair is new, and its answer need not be waited for.
                new_pairs.push(s.clone());
                true
            } else {
                suggest(tx, FoundBy::Intake, &s)?
            };
            suggested += u32::from(kept);
            if kept
                && s.probability >= PROBABLE_FROM
                && let Some(identity) = identities.get(&c.child_id)
                && identity != own
                && !probable.contains(identity)
            {
                probable.push(identity.clone());
            }
        }
    }
    defer_new_pairs(tx, FoundBy::Intake, &new_pairs)?;
    // An empty answer reads nobody's data (and most reports name a child not known before).
    if !candidates.is_empty() {
        let ids: Vec<String> = candidates.iter().map(|c| c.case_id.to_string()).collect();
        let detail = json!({"case_ids": ids, "suggested": suggested});
        tx.audit(actor, AuditCode::CandidatesListed, "case", case.map(|c| c.to_string()), detail)?;
    }
    Ok(Matched { candidates, probable })
}

/// A stored pair, as read from `child_matches`.
struct Row {
    a: ChildId,
    b: ChildId,
    probability: Option<f64>,
    explanation: Vec<MatchReason>,
    found_at: String,
    found_by: String,
    status: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
    reason: Option<String>,
}

const ROW_COLUMNS: &str =
    "child_a, child_b, probability, explanation, found_at, found_by, status, decided_by, decided_at, reason";

fn read_row(r: &crate::db::Row<'_>) -> Result<Row> {
    Ok(Row {
        a: parse(&r.get::<_, String>(0)?, "child id")?,
        b: parse(&r.get::<_, String>(1)?, "child id")?,
        probability: r.get(2)?,
        explanation: from_json(&r.get::<_, String>(3)?, "explanation")?,
        found_at: r.get(4)?,
        found_by: r.get(5)?,
        status: r.get(6)?,
        decided_by: r.get(7)?,
        decided_at: r.get(8)?,
        reason: r.get(9)?,
    })
}

fn to_match(row: Row, candidate: Candidate) -> Result<CaseMatch> {
    Ok(CaseMatch {
        candidate,
        status: enum_from(&row.status, "match status")?,
        found_by: enum_from(&row.found_by, "found by")?,
        found_at: timefmt::parse(&row.found_at)?,
        decided_by: parse_opt(row.decided_by, "user id")?,
        decided_at: row.decided_at.as_deref().map(timefmt::parse).transpose()?,
        reason: row.reason,
    })
}

/// The open suggestions a case page reads at most, most likely first.
const MAX_SUGGESTIONS_READ: i64 = 50;

pub(super) fn case_matches(tx: &mut Tx<'_>, actor: &Actor, id: CaseId) -> Result<Vec<CaseMatch>> {
    let (case, scope) = visible_case(tx.conn, actor, id)?;
    authorize(actor, Action::CaseRead, scope)?;
    let org = actor_org(actor)?;
    let child = case.child_id;
    // Every decision, and the most likely open suggestions: a name shared by many children
    // (a placeholder for an unknown child) must not make the page read thousands of rows.
    let mut stmt = tx.conn.prepare_cached(&format!(
        "WITH mine AS (
             SELECT {ROW_COLUMNS} FROM child_matches WHERE child_a = ?1
             UNION ALL SELECT {ROW_COLUMNS} FROM child_matches WHERE child_b = ?1)
         SELECT * FROM mine WHERE status <> 'suggested'
         UNION ALL SELECT * FROM (
             SELECT * FROM mine WHERE status = 'suggested' ORDER BY probability DESC NULLS LAST LIMIT ?2) AS top"
    ))?;
    let mut rows = stmt.query(params![child.to_string(), MAX_SUGGESTIONS_READ])?;
    let mut stored = Vec::new();
    while let Some(r) = rows.next()? {
        stored.push(read_row(&r)?);
    }
    drop(rows);
    drop(stmt);
    let own_identity = identity(tx.conn, child)?;
    let mut matches = Vec::new();
    for row in stored {
        let other = if row.a == child { row.b } else { row.a };
        // A suggestion made moot by a confirmation through another episode is not asked again.
        if row.status == "suggested" && identity(tx.conn, other)? == own_identity {
            continue;
        }
        let explanation = row.explanation.clone();
        if let Some(candidate) = readable_case_of(tx.conn, actor, org, other, row.probability, explanation)? {
            matches.push(to_match(row, candidate)?);
        }
    }
    // Open questions first, most likely first; then the decisions, latest first.
    matches.sort_by(|x, y| {
        (x.status != MatchStatus::Suggested)
            .cmp(&(y.status != MatchStatus::Suggested))
            .then(y.candidate.probability.unwrap_or(0.0).total_cmp(&x.candidate.probability.unwrap_or(0.0)))
            .then(y.decided_at.cmp(&x.decided_at))
    });
    let ids: Vec<String> = matches.iter().map(|m| m.candidate.case_id.to_string()).collect();
    tx.audit(actor, AuditCode::MatchesRead, "case", Some(id.to_string()), json!({"case_ids": ids}))?;
    Ok(matches)
}

pub(super) fn decide_match(
    tx: &mut Tx<'_>,
    actor: &Actor,
    id: CaseId,
    other_id: CaseId,
    decision: MatchDecision,
    reason: Option<String>,
) -> Result<CaseMatch> {
    let reason = decision.check_reason(reason)?;
    if id == other_id {
        let problem = FieldError::new("other_case", Problem::NotAChoice, "is this case itself");
        return Err(DomainError::Invalid(vec![problem]).into());
    }
    let (case, scope) = visible_case(tx.conn, actor, id)?;
    authorize(actor, Action::CaseLinkMatch, scope)?;
    let (other, other_scope) = visible_case(tx.conn, actor, other_id)?;
    authorize(actor, Action::CaseLinkMatch, other_scope)?;
    let org = actor_org(actor)?;
    let (a, b) = ordered(case.child_id, other.child_id);
    let stored = tx
        .conn
        .prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM child_matches WHERE child_a = ?1 AND child_b = ?2"))?
        .query_row([a.to_string(), b.to_string()], |r| Ok(read_row(r)))
        .optional()?
        .transpose()?;
    if let Some(row) = &stored
        && row.status != "suggested"
    {
        return Err(StoreError::Conflict(format!(
            "{} and {} were already {} as {} on {}; a decision is kept, not made twice.",
            case.number,
            other.number,
            row.status,
            if row.status == "confirmed" { "the same child" } else { "different children" },
            row.decided_at.as_deref().unwrap_or("an earlier day").get(..10).unwrap_or("an earlier day"),
        )));
    }
    let (identity_a, identity_b) = (identity(tx.conn, a)?, identity(tx.conn, b)?);
    if identity_a == identity_b {
        return Err(StoreError::Conflict(format!(
            "{} and {} are already confirmed as the same child through their other episodes.",
            case.number, other.number
        )));
    }
    // Which children were rejected is not said: they may be in cases the actor may not read.
    if decision == MatchDecision::Confirm && rejected_between(tx.conn, &identity_a, &identity_b)? {
        return Err(StoreError::Conflict(format!(
            "{} and {} cannot be confirmed as the same child: a person rejected a match between these \
             children (or episodes already joined to them), and confirming would join them after all.",
            case.number, other.number
        )));
    }
    let status = enum_name(&decision.status())?;
    let now = timefmt::format(tx.now);
    let user = actor.user_id.map(|u| u.to_string());
    tx.conn
        .prepare_cached(
            "INSERT INTO child_matches (child_a, child_b, probability, explanation, found_at, found_by, status,
                 decided_by, decided_at, reason)
             VALUES (?1, ?2, NULL, '[]', ?3, 'person', ?4, ?5, ?3, ?6)
             ON CONFLICT (child_a, child_b) DO UPDATE SET status = excluded.status,
                 decided_by = excluded.decided_by, decided_at = excluded.decided_at, reason = excluded.reason",
        )?
        .execute(params![a.to_string(), b.to_string(), now, status, user, reason])?;
    if decision == MatchDecision::Confirm {
        // One identity for both children and every episode already joined to either.
        let (keep, drop) = if identity_a <= identity_b { (identity_a, identity_b) } else { (identity_b, identity_a) };
        tx.conn.prepare_cached("UPDATE children SET identity_id = ?1 WHERE identity_id = ?2")?.execute([keep, drop])?;
    }
    let code = match decision {
        MatchDecision::Confirm => AuditCode::MatchConfirmed,
        MatchDecision::Reject => AuditCode::MatchRejected,
    };
    let probability = stored.as_ref().and_then(|r| r.probability);
    let detail = json!({"other_case_id": other_id, "child_ids": [a, b], "probability": probability});
    tx.audit(actor, code, "case", Some(id.to_string()), detail)?;
    if decision == MatchDecision::Confirm {
        // One child's episodes now: the repeat detector sees them together.
        super::cases::detect_in_savepoint(tx, actor, id);
        super::cases::detect_in_savepoint(tx, actor, other_id);
        // Each now has the other's episodes: a repeat episode is a trafficking indicator.
        super::assessments::assess_in_savepoint(tx, id);
        super::assessments::assess_in_savepoint(tx, other_id);
    }
    let row = tx
        .conn
        .prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM child_matches WHERE child_a = ?1 AND child_b = ?2"))?
        .query_row([a.to_string(), b.to_string()], |r| Ok(read_row(r)))??;
    let explanation = row.explanation.clone();
    let candidate = readable_case_of(tx.conn, actor, org, other.child_id, row.probability, explanation)?
        .ok_or_else(|| StoreError::NotFound(format!("case {other_id}")))?;
    to_match(row, candidate)
}

/// Whether a person rejected a pair between a child of one identity and a child of the other:
/// joining the two identities would overrule that decision indirectly.
fn rejected_between(conn: &Conn, one: &str, other: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM child_matches m
                 JOIN children x ON x.id = m.child_a JOIN children y ON y.id = m.child_b
                 WHERE m.status = 'rejected'
                   AND ((COALESCE(x.identity_id, x.id) = ?1 AND COALESCE(y.identity_id, y.id) = ?2)
                     OR (COALESCE(x.identity_id, x.id) = ?2 AND COALESCE(y.identity_id, y.id) = ?1)))",
        )?
        .query_row([one, other], |r| r.get(0))?)
}

/// The other episodes of a case's child that a reader of `org` may see, oldest first.
pub(super) fn episodes(conn: &Conn, id: CaseId, child: ChildId, org: Option<OrganisationId>) -> Result<Vec<Episode>> {
    let Some(org) = org else { return Ok(Vec::new()) };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, c.number, c.status, c.last_seen_at, c.opened_at
         FROM children k JOIN cases c ON c.child_id = k.id
         WHERE k.identity_id = (SELECT identity_id FROM children WHERE id = ?1) AND c.id != ?2 AND {}
         ORDER BY c.opened_at, c.id",
        readable_by("?3")
    ))?;
    let rows = stmt
        .query_map(params![child.to_string(), id.to_string(), org.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<crate::db::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(case_id, number, status, last_seen_at, opened_at)| {
            Ok(Episode {
                case_id: parse(&case_id, "case id")?,
                number,
                status: enum_from(&status, "status")?,
                last_seen_at: timefmt::parse(&last_seen_at)?,
                opened_at: timefmt::parse(&opened_at)?,
            })
        })
        .collect()
}

/// For each identity, how many of its cases a reader of `org` may see (one query for a page).
pub(super) fn episode_counts(
    conn: &Conn,
    org: OrganisationId,
    identities: &[String],
) -> Result<std::collections::HashMap<String, u32>> {
    if identities.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let marks = vec!["?"; identities.len()].join(", ");
    let sql = format!(
        "SELECT k.identity_id, COUNT(*) FROM children k JOIN cases c ON c.child_id = k.id
         WHERE k.identity_id IN ({marks}) AND {}
         GROUP BY k.identity_id",
        readable_by("?")
    );
    let org = org.to_string();
    let args = identities.iter().map(String::as_str).chain([org.as_str(), org.as_str()]);
    let mut stmt = conn.prepare(&sql)?;
    let counts = stmt
        .query_map(crate::db::params_from_iter(args), |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?
        .collect::<crate::db::Result<_>>()?;
    Ok(counts)
}
