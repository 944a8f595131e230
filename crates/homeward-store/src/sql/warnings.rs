//! Early warnings in the store: the detectors of `homeward_risk::detect` run inside the command
//! that brings the new fact (a case opened, an identifier linked, a match confirmed), against the
//! organisation's earlier cases that share the case's child, place or an identifier, found
//! through this store's indexes. A warning therefore lands in the same transaction as the case
//! that makes its pattern detectable, not in a nightly batch.
//!
//! Detection runs in a savepoint of its own: should it fail, the report is still taken and the
//! failure logged; `homeward warnings rescan` re-evaluates every case.
//!
//! Detection stays within one organisation: a warning names cases, and a supervisor sees only
//! their organisation's. Cross-border patterns are the federation's, through privacy-preserving
//! matching, not a shared table.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::db::{Conn, OptionalExtension, params};
use homeward_domain::case::Category;
use homeward_domain::case::{LastSeen, MissingFrom};
use homeward_domain::linkage::PROBABLE_FROM;
use homeward_domain::org::Actor;
use homeward_domain::policy::{Action, Scope};
use homeward_domain::records::{Identifier, IdentifierKind};
use homeward_domain::warning::{
    Level, MAX_NETWORK_CASES, NetworkCase, WarningCase, WarningDecision, WarningDecisionView, WarningKind,
    WarningNetwork, WarningState, WarningView,
};
use homeward_domain::{CaseId, ChildId, OrganisationId, WarningId};
use homeward_risk::detect::{self, CaseFacts, Detector, History, MAX_SHARED_CASES, Place, Rules, Warning};
use homeward_risk::trend::{self, TrendRules};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::rows::{enum_from, enum_name, from_json, parse, parse_opt, to_json};
use super::{Tx, authorize};
use crate::audit::AuditCode;
use crate::{Result, StoreError, timefmt};

/// The detectors' thresholds. One set for every organisation until an organisation's own are
/// configurable.
fn rules() -> Rules {
    Rules::default()
}

/// The system's own full re-evaluation, as the audit log names it.
fn system() -> Actor {
    Actor { user_id: None, organisation_id: None, role: None, origin: "system:detectors".into() }
}

/// Files the place a new case's child went missing from, so that the children gone from one
/// place are one index range. A home, or a place without a name, is no place for the detectors.
pub(super) fn file_place(
    tx: &mut Tx<'_>,
    case: CaseId,
    org: OrganisationId,
    missing_from: Option<&MissingFrom>,
    missing_at: OffsetDateTime,
) -> Result<bool> {
    let Some(place) = place_of(missing_from) else {
        return Ok(false);
    };
    let kind = enum_name(&place.kind)?;
    tx.conn
        .prepare_cached(
            "INSERT INTO case_places (case_id, organisation_id, kind, key, missing_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .defer(params![case.to_string(), org.to_string(), kind, place.key, timefmt::format(missing_at)])?;
    let new_place = tx
        .conn
        .prepare_cached("INSERT INTO places (organisation_id, kind, key) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")?
        .execute(params![org.to_string(), kind, place.key])?;
    if new_place > 0 {
        tx.conn
            .prepare_cached(
                "INSERT INTO place_counts (organisation_id, places) VALUES (?1, 1)
                 ON CONFLICT (organisation_id) DO UPDATE SET places = place_counts.places + 1",
            )?
            .execute([org.to_string()])?;
    }
    Ok(true)
}

/// The place a case is filed under for the detectors (see [`file_place`]).
fn place_of(missing_from: Option<&MissingFrom>) -> Option<Place> {
    missing_from.and_then(|m| Place::new(m.kind, m.name.as_deref().unwrap_or("")))
}

/// What the detectors know of a case opened in this very command, as [`facts_of`] would read it
/// back: its child is a new identity of its own, linked to nobody yet.
pub(super) fn opened_facts(
    case: CaseId,
    child: ChildId,
    missing_at: OffsetDateTime,
    missing_from: Option<&MissingFrom>,
    identifiers: &[Identifier],
) -> Result<CaseFacts> {
    // As stored and read back: to the microsecond.
    let mut facts = CaseFacts::new(case, timefmt::parse(&timefmt::format(missing_at))?);
    facts.child = Some(child.to_string());
    facts.missing_from = place_of(missing_from);
    // In the order `facts_of` reads them: by id.
    let mut identifiers: Vec<&Identifier> = identifiers.iter().collect();
    identifiers.sort_by_key(|i| i.id.to_string());
    for i in identifiers {
        push_identifier(&mut facts, i.kind, i.normalised.clone());
    }
    Ok(facts)
}

/// Runs the detectors on one case against the organisation's earlier cases that share its
/// child, place or identifiers, and records what they find. Answers how many warnings were
/// raised or changed.
pub(super) fn detect_case(tx: &mut Tx<'_>, actor: &Actor, case: CaseId) -> Result<usize> {
    let Some((org, facts)) = facts_of(tx.conn, &case.to_string())? else {
        return Err(StoreError::NotFound(format!("case {case}")));
    };
    let partners = probable_identities(tx.conn, case, facts.child.as_deref())?;
    detect_with(tx, actor, &org, facts, &partners, Episodes::Read)
}

/// As [`detect_case`], on a case opened in this very command ([`opened_facts`]), with the
/// identities its child was just found probably to be (`partners`): nothing of the case is read
/// back, and its child, new, has no other episodes to read. On PostgreSQL each read is a round
/// trip inside the writer lock, and a report made four of them here.
pub(super) fn detect_opened(
    tx: &mut Tx<'_>,
    actor: &Actor,
    org: OrganisationId,
    facts: CaseFacts,
    partners: &[String],
) -> Result<usize> {
    detect_with(tx, actor, &org.to_string(), facts, partners, Episodes::NoneYet)
}

/// Whether the child's own other episodes are read (a child just created has none).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Episodes {
    Read,
    NoneYet,
}

fn detect_with(
    tx: &mut Tx<'_>,
    actor: &Actor,
    org: &str,
    mut facts: CaseFacts,
    partners: &[String],
    episodes: Episodes,
) -> Result<usize> {
    let rules = rules();
    let mut related = related_facts(tx.conn, org, &facts, partners, episodes, &rules)?;
    // The child and their probable other identities are one child for the repeat detector, keyed
    // by the smallest identity: a person's later confirmation keeps the smallest, so the warning
    // keeps its key.
    if let Some(own) = facts.child.clone() {
        let group = partners.iter().chain(std::iter::once(&own)).min().cloned().unwrap_or(own.clone());
        for c in &mut related {
            if c.child.as_ref().is_some_and(|child| *child == own || partners.contains(child)) {
                c.child = Some(group.clone());
            }
        }
        facts.child = Some(group);
    }
    let history = history(tx.conn, org, &facts, &rules)?;
    let found = detect::detect(&facts, &related, history, &rules);
    let case = facts.case;
    let mut changed = 0;
    for warning in &found {
        changed += usize::from(record(tx, actor, org, Some(case), warning)?);
    }
    Ok(changed)
}

/// Weeks are counted from Monday 1970-01-05, by when the child went missing.
fn week_of(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp() - 345_600).div_euclid(604_800)
}

/// The Monday a week starts on.
fn week_start(week: i64) -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::days(4 + 7 * week)
}

/// How many weeks of a series the trend detector reads: three years and the baseline's margin.
const TREND_WEEKS: i64 = 3 * 52 + 4;

/// A series the trend detector tests: the reports a week of one category, or of one region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Series<'a> {
    /// A category by its stored name (`runaway_national`).
    Category(&'a str),
    /// A region by its key (the name folded, [`region_key`]).
    Region(&'a str),
}

impl<'a> Series<'a> {
    /// The series as `weekly_counts` files it: its dimension and key.
    fn parts(self) -> (&'static str, &'a str) {
        match self {
            Series::Category(key) => ("category", key),
            Series::Region(key) => ("region", key),
        }
    }

    fn from_parts(dimension: &str, key: &'a str) -> Result<Self> {
        match dimension {
            "category" => Ok(Series::Category(key)),
            "region" => Ok(Series::Region(key)),
            other => Err(StoreError::Corrupt(format!("a weekly count of the unknown dimension {other:?}"))),
        }
    }
}

/// A region's name folded to the key its reports are counted by, so that `Attica` and
/// ` ATTICA` are one region; `None` for a name without letters or digits.
fn region_key(name: &str) -> Option<String> {
    let key = homeward_domain::text::tokens(name).join(" ");
    (!key.is_empty()).then_some(key)
}

/// Files the region (by its key) a new case's child was last seen in, so that a region's
/// reports of a week are one index range.
fn file_region(tx: &mut Tx<'_>, case: CaseId, org: &str, key: &str, missing_at: OffsetDateTime) -> Result<()> {
    tx.conn
        .prepare_cached("INSERT INTO case_regions (case_id, organisation_id, key, missing_at) VALUES (?1, ?2, ?3, ?4)")?
        .defer(params![case.to_string(), org, key, timefmt::format(missing_at)])?;
    Ok(())
}

/// Everything a new case sets off, in a savepoint of its own: it is counted in its category's
/// week and its region's, and the detectors run on it across cases. A failure is logged and
/// the report still taken; `rescan` recounts and re-evaluates. The weeks it counted are tested
/// for a trend by the trend job ([`untested_weeks`], [`test_weeks`]), not here: a week is a
/// series of hundreds of reports, and its read was a round trip inside the writer lock on
/// every report.
#[allow(clippy::too_many_arguments)]
pub(super) fn new_case_in_savepoint(
    tx: &mut Tx<'_>,
    actor: &Actor,
    org_id: OrganisationId,
    category: Category,
    last_seen: &LastSeen,
    facts: CaseFacts,
) {
    let (case, missing_at) = (facts.case, facts.missing_at);
    // Each in a savepoint of its own: a failed detector leaves the count, and the others, standing.
    let (week, org) = (week_of(missing_at), org_id.to_string());
    let category = match enum_name(&category) {
        Ok(name) => name,
        Err(e) => {
            tracing::error!(error = %e, %case, "a category without a name; the case is not counted");
            return;
        }
    };
    // The counts are part of the command itself, not of a best effort: an upsert of a number
    // fails only when the database does, and then the report does too. (In a savepoint of its
    // own the count cost a round trip to PostgreSQL of its own, inside the writer lock.)
    if let Err(e) = count_week(tx, &org, Series::Category(&category), week, 1) {
        tracing::error!(error = %e, %case, "could not count a new case in its week");
    }
    if let Some(key) = last_seen.region.as_deref().and_then(region_key) {
        let filed = file_region(tx, case, &org, &key, missing_at)
            .and_then(|()| count_week(tx, &org, Series::Region(&key), week, 1));
        if let Err(e) = filed {
            tracing::error!(error = %e, %case, "could not count a new case in its region's week");
        }
    }
    tx.best_effort("run the detectors on a new case", case, |tx| {
        file_place(tx, case, org_id, last_seen.missing_from.as_ref(), missing_at)?;
        detect_opened(tx, actor, org_id, facts, &[])
    });
}

/// The organisation's first week of reports, of any category, written `MIN(...)` over one part
/// per category whose key is the parameter `?{first_param + i}`: every series starts there (the
/// weeks before it are not weeks without reports, but weeks before Homeward); NULL before the
/// first report. One category at a time, each a step down the key's index (the minimum over the
/// whole organisation would read every week of every category on every report).
fn first_week_sql(first_param: usize) -> String {
    let per_category: Vec<String> = (0..Category::ALL.len())
        .map(|i| {
            format!(
                "SELECT (SELECT MIN(week) FROM weekly_counts
                         WHERE organisation_id = ?1 AND dimension = 'category' AND key = ?{}) AS week",
                first_param + i
            )
        })
        .collect();
    format!("SELECT MIN(week) AS first FROM ({}) AS firsts", per_category.join(" UNION ALL "))
}

/// Weeks and their counts, oldest first.
type WeekCounts = Vec<(i64, u32)>;

/// A series' counts of the weeks `from..=to` that have any, in order, and the organisation's
/// first week (`None` before its first report): one statement, as on PostgreSQL each is a round
/// trip inside the writer lock.
fn series_weeks(conn: &Conn, org: &str, series: Series<'_>, from: i64, to: i64) -> Result<Option<(i64, WeekCounts)>> {
    let (dimension, key) = series.parts();
    let sql = format!(
        "SELECT f.first, w.week, w.count FROM ({}) AS f
         LEFT JOIN weekly_counts w
           ON w.organisation_id = ?1 AND w.dimension = ?2 AND w.key = ?3 AND w.week BETWEEN ?4 AND ?5
         ORDER BY w.week",
        first_week_sql(6)
    );
    use crate::db::Value;
    let mut args = vec![
        Value::Text(org.into()),
        Value::Text(dimension.into()),
        Value::Text(key.into()),
        Value::Integer(from),
        Value::Integer(to),
    ];
    for category in Category::ALL {
        args.push(Value::Text(enum_name(&category)?.into()));
    }
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(args, |r| {
        Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, Option<u32>>(2)?))
    })?;
    let mut first = None;
    let mut counts = Vec::new();
    for row in rows {
        let (f, week, count) = row?;
        first = f;
        if let (Some(week), Some(count)) = (week, count) {
            counts.push((week, count));
        }
    }
    Ok(first.map(|first| (first, counts)))
}

/// Adds `by` to a series' week (one report more, or one less when a case is recategorised).
fn count_week(tx: &mut Tx<'_>, org: &str, series: Series<'_>, week: i64, by: i64) -> Result<()> {
    let (dimension, key) = series.parts();
    tx.conn
        .prepare_cached(
            "INSERT INTO weekly_counts (organisation_id, dimension, key, week, count)
             VALUES (?1, ?2, ?3, ?4, CASE WHEN CAST(?5 AS BIGINT) > 0 THEN CAST(?5 AS BIGINT) ELSE 0 END)
             ON CONFLICT (organisation_id, dimension, key, week) DO UPDATE SET count =
                 CASE WHEN weekly_counts.count + CAST(?5 AS BIGINT) > 0
                      THEN weekly_counts.count + CAST(?5 AS BIGINT) ELSE 0 END",
        )?
        .defer(params![org, dimension, key, week, by])?;
    Ok(())
}

/// A case recategorised moves from one category's week to the other's; the trend job tests
/// both weeks again.
pub(super) fn recategorised_in_savepoint(
    tx: &mut Tx<'_>,
    case: CaseId,
    org: OrganisationId,
    (from, to): (Category, Category),
    missing_at: OffsetDateTime,
) {
    let (week, org) = (week_of(missing_at), org.to_string());
    tx.best_effort("recount a recategorised case", case, |tx| {
        let (from, to) = (enum_name(&from)?, enum_name(&to)?);
        count_week(tx, &org, Series::Category(&from), week, -1)?;
        count_week(tx, &org, Series::Category(&to), week, 1)
    });
}

/// The weeks the trend job reads for one run ([`untested_weeks`]).
#[derive(Debug)]
pub(super) struct Untested {
    pub weeks: Vec<UntestedWeek>,
    /// Whether more weeks than [`WEEKS_PER_RUN`] were untested: the rest are left for the next run.
    pub more: bool,
}

/// A week of a series whose count changed since the trend job last tested it.
#[derive(Debug)]
pub(super) struct UntestedWeek {
    org: String,
    dimension: String,
    key: String,
    week: i64,
    /// The count as read: the week is marked tested at this count.
    count: i64,
    /// Whether the series rose in this week as read.
    rising: bool,
}

/// What one run of the trend job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrendTest {
    /// Weeks tested (counted again since their last test).
    pub weeks: usize,
    /// Trend warnings raised or changed.
    pub changed: usize,
    /// Whether weeks were left for the next run (a run tests [`WEEKS_PER_RUN`] at most).
    pub more: bool,
}

/// How many weeks one run of the trend job tests at most.
pub(super) const WEEKS_PER_RUN: usize = 500;

/// The weeks counted since the trend job last tested them (at most [`WEEKS_PER_RUN`]), each
/// with whether its series rises there. Reads only: the job runs it on a reader connection,
/// outside the writer lock, and only the weeks that rise are read again by [`test_weeks`].
pub(super) fn untested_weeks(conn: &Conn) -> Result<Untested> {
    let limit = i64::try_from(WEEKS_PER_RUN + 1).unwrap_or(i64::MAX);
    let mut rows: Vec<(String, String, String, i64, i64)> = {
        let mut statement = conn.prepare_cached(
            "SELECT organisation_id, dimension, key, week, count FROM weekly_counts WHERE count <> tested
             ORDER BY organisation_id, dimension, key, week LIMIT ?1",
        )?;
        let rows = statement.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        rows.collect::<crate::db::Result<_>>()?
    };
    let more = rows.len() > WEEKS_PER_RUN;
    rows.truncate(WEEKS_PER_RUN);
    let mut weeks = Vec::with_capacity(rows.len());
    for (org, dimension, key, week, count) in rows {
        let rising = rise_of(conn, &org, Series::from_parts(&dimension, &key)?, week)?.is_some();
        weeks.push(UntestedWeek { org, dimension, key, week, count, rising });
    }
    Ok(Untested { weeks, more })
}

/// Records the trend warnings of the weeks [`untested_weeks`] found rising (each tested again
/// here, in order with the reports), and marks every week tested at the count it was read
/// with: a week counted again since then stays untested, for the next run. Run as the system.
pub(super) fn test_weeks(tx: &mut Tx<'_>, Untested { weeks, more }: Untested) -> Result<TrendTest> {
    let actor = system();
    let mut changed = 0;
    for w in &weeks {
        if w.rising {
            let series = Series::from_parts(&w.dimension, &w.key)?;
            changed += detect_trend(tx, &actor, &w.org, series, w.week)?;
        }
        tx.conn
            .prepare_cached(
                "UPDATE weekly_counts SET tested = ?5
                 WHERE organisation_id = ?1 AND dimension = ?2 AND key = ?3 AND week = ?4",
            )?
            .defer(params![w.org, w.dimension, w.key, w.week, w.count])?;
    }
    Ok(TrendTest { weeks: weeks.len(), changed, more })
}

/// Whether a series rises in a week against its baseline (the series read from the
/// organisation's first week, [`first_week_sql`], or three years back), and how.
fn rise_of(conn: &Conn, org: &str, series: Series<'_>, week: i64) -> Result<Option<trend::Rise>> {
    let Some((first_week, counts)) = series_weeks(conn, org, series, week - TREND_WEEKS, week)? else {
        return Ok(None);
    };
    let first = first_week.max(week - TREND_WEEKS);
    let mut weeks = vec![0u32; usize::try_from(week - first + 1).unwrap_or(0)];
    if weeks.is_empty() {
        return Ok(None);
    }
    for (w, count) in counts {
        if let Some(slot) = usize::try_from(w - first).ok().and_then(|i| weeks.get_mut(i)) {
            *slot = count;
        }
    }
    Ok(trend::rise(&weeks, &TrendRules::default()))
}

/// Tests one week of an organisation's category or region ([`rise_of`]), and records the
/// warning of a rise with the week's latest cases. Answers how many warnings changed.
fn detect_trend(tx: &mut Tx<'_>, actor: &Actor, org: &str, series: Series<'_>, week: i64) -> Result<usize> {
    let (dimension, key) = series.parts();
    let Some(rise) = rise_of(tx.conn, org, series, week)? else { return Ok(0) };
    let rules = TrendRules::default();
    let (from, to) = (week_start(week), week_start(week + 1));
    // The week's latest reports (a busy week has thousands).
    let cases: Vec<CaseId> = {
        let mut statement = tx.conn.prepare_cached(match series {
            Series::Category(_) => {
                "SELECT id FROM cases WHERE organisation_id = ?1 AND category = ?2 AND last_seen_at >= ?3 AND last_seen_at < ?4
                 ORDER BY last_seen_at DESC LIMIT ?5"
            }
            Series::Region(_) => {
                "SELECT case_id FROM case_regions WHERE organisation_id = ?1 AND key = ?2 AND missing_at >= ?3 AND missing_at < ?4
                 ORDER BY missing_at DESC LIMIT ?5"
            }
        })?;
        let limit = i64::try_from(MAX_SHARED_CASES).unwrap_or(i64::MAX);
        let rows = statement.query_map(params![org, key, timefmt::format(from), timefmt::format(to), limit], |r| {
            r.get::<_, String>(0)
        })?;
        let mut ids = Vec::new();
        for row in rows {
            ids.push(parse(&row?, "case id")?);
        }
        ids
    };
    let warning = trend::warning(&format!("{dimension} {key}"), from.date(), &rise, cases, &rules);
    Ok(usize::from(record(tx, actor, org, None, &warning)?))
}

/// What the detectors read of one stored case, and its organisation.
fn facts_of(conn: &Conn, case: &str) -> Result<Option<(String, CaseFacts)>> {
    // The case and the place it was filed under (a case has at most one) in one statement: on
    // PostgreSQL each statement is a round trip.
    type Row = (String, String, Option<String>, Option<String>, Option<String>);
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT c.organisation_id, c.last_seen_at, ch.identity_id, p.kind, p.key FROM cases c
             JOIN children ch ON ch.id = c.child_id LEFT JOIN case_places p ON p.case_id = c.id
             WHERE c.id = ?1",
        )?
        .query_row([case], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let Some((org, missing_at, identity, place_kind, place_key)) = row else { return Ok(None) };
    let mut facts = CaseFacts::new(parse(case, "case id")?, timefmt::parse(&missing_at)?);
    facts.child = identity;
    facts.missing_from = match (place_kind, place_key) {
        (Some(kind), Some(key)) => Some(Place { kind: enum_from(&kind, "place kind")?, key }),
        _ => None,
    };
    let mut statement =
        conn.prepare_cached("SELECT kind, normalised FROM identifiers WHERE case_id = ?1 ORDER BY id")?;
    let rows = statement.query_map([case], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (kind, normalised) = row?;
        push_identifier(&mut facts, enum_from(&kind, "identifier kind")?, normalised);
    }
    Ok(Some((org, facts)))
}

/// Adds an identifier as the store normalised it (once; an empty one links nothing).
fn push_identifier(facts: &mut CaseFacts, kind: IdentifierKind, normalised: String) {
    if !normalised.is_empty() && !facts.identifiers.contains(&(kind, normalised.clone())) {
        facts.identifiers.push((kind, normalised));
    }
}

/// The statement that reads the episodes of `identities` children's identities within a window:
/// `?1` the organisation, `?2` and `?3` the window, then the identities. The child's identity
/// must lead: by the organisation the statement would read every case of the organisation. On
/// SQLite `|| ''` keeps the planner off the organisation's and the time's indexes (as a unary `+`
/// would, which PostgreSQL refuses on text). On PostgreSQL, which may cache one generic plan for
/// a prepared statement, made while the tables were nearly empty and kept as they grow (until
/// they are analysed), the cases are read in a subquery per child that cannot be flattened
/// (`OFFSET 0`), so no plan can read all cases first.
pub(super) fn episodes_sql(postgres: bool, identities: usize) -> String {
    let list: Vec<String> = (0..identities).map(|i| format!("?{}", i + 4)).collect();
    let list = list.join(", ");
    let window = "c.organisation_id || '' = ?1 AND c.last_seen_at || '' BETWEEN ?2 AND ?3";
    match postgres {
        true => format!(
            "SELECT c.id, c.last_seen_at, ch.identity_id FROM children ch CROSS JOIN LATERAL
             (SELECT c.id, c.last_seen_at FROM cases c WHERE c.child_id = ch.id AND {window} OFFSET 0) c
             WHERE ch.identity_id IN ({list})"
        ),
        false => format!(
            "SELECT c.id, c.last_seen_at, ch.identity_id FROM children ch JOIN cases c ON c.child_id = ch.id
             WHERE ch.identity_id IN ({list}) AND {window}"
        ),
    }
}

/// The organisation's cases that share the case's child within the repeat window, its place
/// within the place window, or an identifier (the latest [`MAX_SHARED_CASES`] linked of each),
/// each with what it shares: one query a criterion, never one a related case (a busy reception
/// centre has hundreds of children within a window).
fn related_facts(
    conn: &Conn,
    org: &str,
    facts: &CaseFacts,
    partners: &[String],
    episodes: Episodes,
    rules: &Rules,
) -> Result<Vec<CaseFacts>> {
    let mut found: BTreeMap<String, CaseFacts> = BTreeMap::new();
    // Each row: the case, when its child went missing, the child's identity.
    let mut merge = |rows: Vec<(String, String, Option<String>)>, add: &dyn Fn(&mut CaseFacts)| -> Result<()> {
        for (id, missing_at, identity) in rows {
            let entry = match found.entry(id) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    let case = parse(e.key(), "case id")?;
                    let mut new = CaseFacts::new(case, timefmt::parse(&missing_at)?);
                    new.child = identity;
                    e.insert(new)
                }
            };
            add(entry);
        }
        Ok(())
    };
    let around =
        |window: Duration| (timefmt::format(facts.missing_at - window), timefmt::format(facts.missing_at + window));
    let read = |statement: &mut crate::db::Stmt<'_>, params: &[&dyn crate::db::ToValue]| {
        let rows = statement.query_map(params, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<crate::db::Result<Vec<(String, String, Option<String>)>>>()
    };
    if let Some(child) = &facts.child {
        // The child's own episodes (unless it has none yet) and those of the children that are
        // probably this one (a likely match not yet decided), in one statement: a row's identity
        // tells which.
        let identities: Vec<&String> =
            (episodes == Episodes::Read).then_some(child).into_iter().chain(partners.iter()).collect();
        if !identities.is_empty() {
            let (from, to) = around(rules.repeat_window);
            let mut params: Vec<&dyn crate::db::ToValue> = vec![&org, &from, &to];
            params.extend(identities.iter().map(|i| *i as &dyn crate::db::ToValue));
            let mut statement = conn.prepare_cached(&episodes_sql(conn.is_postgres(), identities.len()))?;
            merge(read(&mut statement, &params)?, &|c| {
                c.probable |= c.child.as_ref().is_some_and(|identity| partners.contains(identity))
            })?;
        }
    }
    if let Some(place) = &facts.missing_from {
        let (from, to) = around(rules.place_window);
        let mut statement = conn.prepare_cached(
            "SELECT k.case_id, k.missing_at, ch.identity_id FROM case_places k
             JOIN cases c ON c.id = k.case_id JOIN children ch ON ch.id = c.child_id
             WHERE k.organisation_id = ?1 AND k.kind = ?2 AND k.key = ?3 AND k.missing_at BETWEEN ?4 AND ?5",
        )?;
        let kind = enum_name(&place.kind)?;
        merge(read(&mut statement, &[&org, &kind, &place.key, &from, &to])?, &|c| {
            c.missing_from = Some(place.clone())
        })?;
    }
    for (kind, value) in &facts.identifiers {
        let mut statement = conn.prepare_cached(
            // The latest linked first, in the index's own order (ids are time-sortable), so
            // that a number in thousands of cases is not read in full on every report.
            "SELECT i.case_id, c.last_seen_at, ch.identity_id FROM identifiers i
             JOIN cases c ON c.id = i.case_id JOIN children ch ON ch.id = c.child_id
             WHERE i.kind = ?1 AND i.normalised = ?2 AND c.organisation_id || '' = ?3
             ORDER BY i.id DESC LIMIT ?4",
        )?;
        let limit = i64::try_from(MAX_SHARED_CASES + 1).unwrap_or(i64::MAX);
        let name = enum_name(kind)?;
        merge(read(&mut statement, &[&name, value, &org, &limit])?, &|c| push_identifier(c, *kind, value.clone()))?;
    }
    found.remove(&facts.case.to_string());
    Ok(found.into_values().collect())
}

/// The identities of children that record linkage found probably the same as this case's child
/// (a suggested pair at or above [`PROBABLE_FROM`], not decided by a person), other than its own.
fn probable_identities(conn: &Conn, case: CaseId, own: Option<&str>) -> Result<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT k.identity_id FROM cases c
           JOIN child_matches m ON m.child_a = c.child_id JOIN children k ON k.id = m.child_b
          WHERE c.id = ?1 AND m.status = 'suggested' AND m.probability >= ?2
         UNION
         SELECT k.identity_id FROM cases c
           JOIN child_matches m ON m.child_b = c.child_id JOIN children k ON k.id = m.child_a
          WHERE c.id = ?1 AND m.status = 'suggested' AND m.probability >= ?2",
    )?;
    let rows = statement.query_map(params![case.to_string(), PROBABLE_FROM], |r| r.get::<_, Option<String>>(0))?;
    let mut found = Vec::new();
    for row in rows {
        if let Some(identity) = row?
            && Some(identity.as_str()) != own
        {
            found.push(identity);
        }
    }
    Ok(found)
}

/// The place's year before the window and how many places the organisation has.
fn history(conn: &Conn, org: &str, facts: &CaseFacts, rules: &Rules) -> Result<History> {
    let Some(place) = &facts.missing_from else { return Ok(History::default()) };
    let window_start = facts.missing_at - rules.place_window;
    let place_year: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM case_places
             WHERE organisation_id = ?1 AND kind = ?2 AND key = ?3 AND missing_at >= ?4 AND missing_at < ?5",
        )?
        .query_row(
            params![
                org,
                enum_name(&place.kind)?,
                place.key,
                timefmt::format(window_start - Duration::days(365)),
                timefmt::format(window_start)
            ],
            |r| r.get(0),
        )?;
    let places: i64 = conn
        .prepare_cached("SELECT places FROM place_counts WHERE organisation_id = ?1")?
        .query_row([org], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    Ok(History {
        place_year: usize::try_from(place_year).unwrap_or(0),
        places: usize::try_from(places).unwrap_or(0).max(1),
    })
}

/// The most cases one stored warning lists.
const MAX_WARNING_CASES: i64 = 200;

/// A warning's key as stored: an identifier's value (a phone number, an address) is personal
/// data and stays in the case's own records; the key holds a hash of it, the same for every case
/// that shares it. Place and child keys are kept as they are (an institution's name, an internal
/// identity).
pub fn stored_key(key: &str) -> String {
    use sha2::{Digest, Sha256};
    let Some(rest) = key.strip_prefix("identifier:") else { return key.to_owned() };
    let Some((kind, value)) = rest.split_once(':') else { return key.to_owned() };
    let digest = Sha256::digest(value.as_bytes());
    format!("identifier:{kind}:#{}", hex::encode(&digest[..12]))
}

/// Whether the latest closed warning of this key already held every one of these cases.
/// Whether the warning `closed` holds every one of `cases`.
fn held_all(conn: &Conn, closed: &str, cases: &[CaseId]) -> Result<bool> {
    let mut statement = conn.prepare_cached("SELECT 1 FROM warning_cases WHERE warning_id = ?1 AND case_id = ?2")?;
    for case in cases {
        if !statement.exists(params![closed, case.to_string()])? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Keeps one warning: joins the live warning of its key (its new cases, a higher level, the
/// latest evidence) or opens one. Answers whether anything changed; nothing is written, and
/// nothing audited, when the pattern has nothing new.
fn record(tx: &mut Tx<'_>, actor: &Actor, org: &str, by_case: Option<CaseId>, warning: &Warning) -> Result<bool> {
    let kind = enum_name(&warning.kind)?;
    let key = stored_key(&warning.key);
    let now = timefmt::format(tx.now);
    // The cases it names, each once, oldest first: as they join.
    let mut cases: Vec<&CaseId> = Vec::with_capacity(warning.cases.len());
    for case in warning.cases.iter().rev() {
        if !cases.contains(&case) {
            cases.push(case);
        }
    }
    let Seen { live, closed, held, holds } = seen(tx.conn, org, &kind, &key, &cases)?;
    // A pattern a supervisor closed stays closed: it opens again only with a case it did not
    // hold (detection runs again on a linked identifier, a confirmed match, a full re-evaluation).
    if live.is_none()
        && let Some(closed) = closed
        && held_all(tx.conn, &closed, &warning.cases)?
    {
        return Ok(false);
    }
    let evidence = to_json(&warning.evidence)?;
    let (id, raised, rose) = match live {
        Some((id, level)) => {
            let stored: Level = enum_from(&level, "warning level")?;
            (id, false, warning.level > stored)
        }
        None => {
            let id = Uuid::now_v7().to_string();
            tx.conn
                .prepare_cached(
                    "INSERT INTO warnings (id, organisation_id, kind, key, level, state, evidence, raised_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?7)",
                )?
                .defer(params![id, org, kind, key, enum_name(&warning.level)?, evidence, now])?;
            (id, true, false)
        }
    };
    // A warning lists at most so many cases (a busy week's thousands of reports, a shelter's
    // number); its evidence still counts them all.
    let room = usize::try_from(MAX_WARNING_CASES.saturating_sub(held)).unwrap_or(0);
    let joined: Vec<CaseId> = cases.into_iter().filter(|c| !holds.contains(*c)).take(room).copied().collect();
    for case in &joined {
        // Sent with the next statement that waits: the cases are known to be new to it.
        tx.conn
            .prepare_cached("INSERT INTO warning_cases (warning_id, case_id, joined_at) VALUES (?1, ?2, ?3)")?
            .defer(params![id, case.to_string(), now])?;
    }
    if !raised && !rose && joined.is_empty() {
        return Ok(false);
    }
    if !raised {
        // The level never falls by itself: a later case may see a thinner window of the pattern.
        tx.conn
            .prepare_cached("UPDATE warnings SET evidence = ?2, updated_at = ?3 WHERE id = ?1")?
            .defer(params![id, evidence, now])?;
        if rose {
            tx.conn
                .prepare_cached("UPDATE warnings SET level = ?2 WHERE id = ?1")?
                .defer(params![id, enum_name(&warning.level)?])?;
        }
    }
    let code = if raised { AuditCode::WarningRaised } else { AuditCode::WarningUpdated };
    let detail = json!({"kind": kind, "level": warning.level, "by_case": by_case, "cases_joined": joined});
    tx.audit(actor, code, "warning", Some(id), detail)?;
    Ok(true)
}

/// What [`record`] needs to know of a pattern's stored warnings.
struct Seen {
    /// The live warning (open or acknowledged), if any: its id and level.
    live: Option<(String, String)>,
    /// The warning of the pattern a person closed last, if any.
    closed: Option<String>,
    /// How many cases the live warning holds.
    held: i64,
    /// Which of the cases asked about the live warning holds.
    holds: std::collections::HashSet<CaseId>,
}

/// Reads a pattern's live warning (with how many cases it holds, and which of `cases`) and the
/// one a person closed last, in one statement: on PostgreSQL each is a round trip inside the
/// writer lock. The list of cases is padded to a power of two (with its last case again), so
/// that a few statements serve every length.
fn seen(conn: &Conn, org: &str, kind: &str, key: &str, cases: &[&CaseId]) -> Result<Seen> {
    let width = cases.len().max(1).next_power_of_two();
    let list: Vec<String> = (0..width).map(|i| format!("?{}", i + 4)).collect();
    let sql = format!(
        "SELECT 'warning', l.id, l.level,
                (SELECT c.id FROM warnings c WHERE c.organisation_id = ?1 AND c.kind = ?2 AND c.key = ?3
                   AND c.state IN ('acted', 'dismissed') ORDER BY c.updated_at DESC, c.id DESC LIMIT 1),
                (SELECT COUNT(*) FROM warning_cases h WHERE h.warning_id = l.id)
         FROM (SELECT 1 AS one) AS one
         LEFT JOIN warnings l ON l.organisation_id = ?1 AND l.kind = ?2 AND l.key = ?3
              AND l.state IN ('open', 'acknowledged')
         UNION ALL
         SELECT 'case', h.case_id, NULL, NULL, NULL FROM warnings l JOIN warning_cases h ON h.warning_id = l.id
         WHERE l.organisation_id = ?1 AND l.kind = ?2 AND l.key = ?3 AND l.state IN ('open', 'acknowledged')
           AND h.case_id IN ({})",
        list.join(", ")
    );
    let mut args = vec![org.to_owned(), kind.to_owned(), key.to_owned()];
    let padding = cases.last().map(|c| c.to_string()).unwrap_or_default();
    args.extend((0..width).map(|i| cases.get(i).map_or_else(|| padding.clone(), |c| c.to_string())));
    let mut seen = Seen { live: None, closed: None, held: 0, holds: std::collections::HashSet::new() };
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(args, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<i64>>(4)?,
        ))
    })?;
    for row in rows {
        match row? {
            (part, id, level, closed, held) if part == "warning" => {
                seen.live = id.zip(level);
                seen.closed = closed;
                seen.held = held.unwrap_or(0);
            }
            (_, Some(case), ..) => {
                seen.holds.insert(parse(&case, "case id")?);
            }
            (_, None, ..) => return Err(StoreError::Corrupt("a warning's case without its id".into())),
        }
    }
    Ok(seen)
}

/// The organisation's warnings, most urgent and most recent first: the live ones (the
/// supervisor's queue) or the closed ones.
pub(super) fn list_warnings(tx: &mut Tx<'_>, actor: &Actor, live: bool) -> Result<Vec<WarningView>> {
    authorize(actor, Action::WarningRead, Scope::Own)?;
    let org = actor.organisation_id.ok_or_else(|| StoreError::NotFound("the actor's organisation".into()))?;
    let states = if live { "('open', 'acknowledged')" } else { "('acted', 'dismissed')" };
    let ids: Vec<String> = {
        let mut statement = tx.conn.prepare_cached(&format!(
            "SELECT id FROM warnings WHERE organisation_id = ?1 AND state IN {states}
             ORDER BY CASE level WHEN 'high' THEN 0 WHEN 'elevated' THEN 1 ELSE 2 END, updated_at DESC, id DESC LIMIT 100"
        ))?;
        let rows = statement.query_map([org.to_string()], |r| r.get(0))?;
        rows.collect::<crate::db::Result<_>>()?
    };
    let mut views = Vec::with_capacity(ids.len());
    for id in &ids {
        views.push(load(tx.conn, id)?);
    }
    // The entry names what was shown: each warning and the cases it listed.
    let shown: Vec<_> = views
        .iter()
        .map(|w| json!({"warning_id": w.id, "case_ids": w.cases.iter().map(|c| c.case_id).collect::<Vec<_>>()}))
        .collect();
    let detail = json!({"live": live, "count": views.len(), "shown": shown});
    tx.audit(actor, AuditCode::WarningsListed, "warning", None, detail)?;
    Ok(views)
}

/// One warning of the actor's organisation; another organisation's is not found.
fn own_warning(conn: &Conn, actor: &Actor, id: WarningId, action: Action) -> Result<WarningView> {
    let org: Option<String> = conn
        .prepare_cached("SELECT organisation_id FROM warnings WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    let own = actor.organisation_id.map(|o| o.to_string());
    match org {
        Some(org) if Some(&org) == own.as_ref() => {
            authorize(actor, action, Scope::Own)?;
            load(conn, &id.to_string())
        }
        _ => Err(StoreError::NotFound(format!("warning {id}"))),
    }
}

pub(super) fn get_warning(tx: &mut Tx<'_>, actor: &Actor, id: WarningId) -> Result<WarningView> {
    let view = own_warning(tx.conn, actor, id, Action::WarningRead)?;
    let case_ids: Vec<CaseId> = view.cases.iter().map(|c| c.case_id).collect();
    tx.audit(actor, AuditCode::WarningRead, "warning", Some(id.to_string()), json!({"case_ids": case_ids}))?;
    Ok(view)
}

/// The network of a shared-identifier warning ([`WarningNetwork`]): its cases, the
/// organisation's other cases that share one of their identifiers, and the identifiers that link
/// them. Asked of the policy as `get_warning` is, against the warning's organisation; it shows
/// identifier values, a case's personal data, so the reader must also be one who reads cases in
/// full. The audit entry names the cases and the identifiers (by id, never by value) shown.
pub(super) fn warning_network(tx: &mut Tx<'_>, actor: &Actor, id: WarningId) -> Result<WarningNetwork> {
    let view = own_warning(tx.conn, actor, id, Action::WarningRead)?;
    authorize(actor, Action::CaseRead, Scope::Own)?;
    if view.kind != WarningKind::SharedIdentifier {
        return Err(StoreError::Conflict(format!(
            "only a shared-identifier warning has a network of cases and identifiers; this warning is of kind {}",
            enum_name(&view.kind)?
        )));
    }
    // `own_warning` found the warning in the actor's organisation, so this is the warning's.
    let org = actor.organisation_id.ok_or_else(|| StoreError::NotFound(format!("warning {id}")))?.to_string();
    // A warning lists up to 200 cases; the network starts from its latest ones.
    let mut truncated = view.cases.len() > MAX_NETWORK_CASES;
    let mut candidates: Vec<NetworkCase> = view
        .cases
        .iter()
        .rev()
        .take(MAX_NETWORK_CASES)
        .map(|c| NetworkCase {
            case_id: c.case_id,
            number: c.number.clone(),
            category: c.category,
            status: c.status,
            last_seen_at: c.last_seen_at,
            in_warning: true,
        })
        .collect();
    let mut records = Vec::new();
    for case in &candidates {
        records.extend(identifiers_of(tx.conn, case.case_id)?);
    }
    let (hops, cut) = one_hop(tx.conn, &org, &candidates, &records)?;
    truncated |= cut;
    for hop in hops {
        if let Some(case) = network_case(tx.conn, &org, hop)? {
            records.extend(identifiers_of(tx.conn, hop)?);
            candidates.push(case);
        }
    }
    let network = WarningNetwork::assemble(id, candidates, &records, truncated);
    let case_ids: Vec<CaseId> = network.cases.iter().map(|c| c.case_id).collect();
    let identifier_ids: Vec<_> = network.identifiers.iter().map(|i| i.id).collect();
    let detail = json!({"case_ids": case_ids, "identifier_ids": identifier_ids, "truncated": network.truncated});
    tx.audit(actor, AuditCode::WarningNetworkRead, "warning", Some(id.to_string()), detail)?;
    Ok(network)
}

/// Every identifier record of a case (without its label: the network does not show it).
fn identifiers_of(conn: &Conn, case: CaseId) -> Result<Vec<Identifier>> {
    let mut statement =
        conn.prepare_cached("SELECT id, kind, value, normalised FROM identifiers WHERE case_id = ?1 ORDER BY id")?;
    let rows = statement.query_map([case.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (id, kind, value, normalised) = row?;
        found.push(Identifier {
            id: parse(&id, "identifier id")?,
            case_id: case,
            kind: enum_from(&kind, "identifier kind")?,
            value,
            normalised,
            label: None,
        });
    }
    Ok(found)
}

/// The organisation's other cases that hold one of these identifiers: those that share the most
/// of them first, then those that linked one most recently, as many as the network has room for.
/// Also answers whether some were left out. Each identifier is read in the index's own order,
/// the latest linked first and no more than the network can show, so that a number in
/// thousands of cases is not read in full.
fn one_hop(conn: &Conn, org: &str, seeds: &[NetworkCase], records: &[Identifier]) -> Result<(Vec<CaseId>, bool)> {
    let in_network: HashSet<CaseId> = seeds.iter().map(|c| c.case_id).collect();
    let mut keys: Vec<(IdentifierKind, &str)> = Vec::new();
    for record in records.iter().filter(|r| !r.normalised.is_empty()) {
        if !keys.contains(&(record.kind, record.normalised.as_str())) {
            keys.push((record.kind, record.normalised.as_str()));
        }
    }
    let limit = MAX_NETWORK_CASES + 1;
    let mut statement = conn.prepare_cached(
        // `|| ''` keeps the planner on the identifier's index, as in `related_facts`.
        "SELECT i.case_id, i.id FROM identifiers i JOIN cases c ON c.id = i.case_id
         WHERE i.kind = ?1 AND i.normalised = ?2 AND c.organisation_id || '' = ?3
         ORDER BY i.id DESC LIMIT ?4",
    )?;
    // Per case one hop further: how many of the identifiers it shares, and its latest record.
    let mut found: HashMap<CaseId, (usize, String)> = HashMap::new();
    let mut cut = false;
    for (kind, normalised) in keys {
        let rows = statement
            .query_map(params![enum_name(&kind)?, normalised, org, i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<crate::db::Result<Vec<_>>>()?;
        // As many records as asked for: more cases hold it than the network can show.
        cut |= rows.len() >= limit;
        let mut counted = HashSet::new();
        for (case, record) in rows {
            let case: CaseId = parse(&case, "case id")?;
            if in_network.contains(&case) || !counted.insert(case) {
                continue;
            }
            let entry = found.entry(case).or_insert_with(|| (0, record.clone()));
            entry.0 += 1;
            if record > entry.1 {
                entry.1 = record;
            }
        }
    }
    let mut ranked: Vec<(CaseId, (usize, String))> = found.into_iter().collect();
    ranked.sort_by(|(a, (a_shared, a_latest)), (b, (b_shared, b_latest))| {
        b_shared.cmp(a_shared).then(b_latest.cmp(a_latest)).then(a.cmp(b))
    });
    let room = MAX_NETWORK_CASES.saturating_sub(seeds.len());
    cut |= ranked.len() > room;
    ranked.truncate(room);
    Ok((ranked.into_iter().map(|(case, _)| case).collect(), cut))
}

/// A case of the organisation as the network shows it, one hop further than the warning.
fn network_case(conn: &Conn, org: &str, case: CaseId) -> Result<Option<NetworkCase>> {
    let row = conn
        .prepare_cached(
            "SELECT number, category, status, last_seen_at FROM cases WHERE id = ?1 AND organisation_id = ?2",
        )?
        .query_row(params![case.to_string(), org], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })
        .optional()?;
    let Some((number, category, status, last_seen_at)) = row else { return Ok(None) };
    Ok(Some(NetworkCase {
        case_id: case,
        number,
        category: enum_from(&category, "category")?,
        status: enum_from(&status, "status")?,
        last_seen_at: timefmt::parse(&last_seen_at)?,
        in_warning: false,
    }))
}

/// A supervisor's decision: kept with who, when and why, for tuning the detectors.
pub(super) fn decide_warning(
    tx: &mut Tx<'_>,
    actor: &Actor,
    id: WarningId,
    decision: WarningDecision,
    reason: Option<String>,
) -> Result<WarningView> {
    // Who may decide first: a refusal is a 403 whatever the form held.
    let view = own_warning(tx.conn, actor, id, Action::WarningDecide)?;
    let reason = decision.check_reason(reason)?;
    let to = decision.next(view.state)?;
    let now = timefmt::format(tx.now);
    tx.conn.prepare_cached("UPDATE warnings SET state = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
        id.to_string(),
        to.name(),
        now
    ])?;
    tx.conn
        .prepare_cached(
            "INSERT INTO warning_decisions (warning_id, seq, decision, reason, decided_by, decided_at)
             VALUES (?1, (SELECT COUNT(*) + 1 FROM warning_decisions WHERE warning_id = ?1), ?2, ?3, ?4, ?5)",
        )?
        .execute(params![id.to_string(), enum_name(&decision)?, reason, actor.user_id.map(|u| u.to_string()), now])?;
    let detail = json!({"decision": decision, "from": view.state, "to": to, "reason_given": reason.is_some()});
    tx.audit(actor, AuditCode::WarningDecided, "warning", Some(id.to_string()), detail)?;
    load(tx.conn, &id.to_string())
}

/// The live warnings a case of the actor's organisation is part of, for its page: (id, kind,
/// level). Another organisation's case (shared with the actor's) shows none: its warnings are
/// its organisation's.
pub(super) fn case_warnings(
    tx: &mut Tx<'_>,
    actor: &Actor,
    case: CaseId,
) -> Result<Vec<(WarningId, WarningKind, Level)>> {
    authorize(actor, Action::WarningRead, Scope::Own)?;
    let owner: Option<String> = tx
        .conn
        .prepare_cached("SELECT organisation_id FROM cases WHERE id = ?1")?
        .query_row([case.to_string()], |r| r.get(0))
        .optional()?;
    if owner.is_none() || owner != actor.organisation_id.map(|o| o.to_string()) {
        return Ok(Vec::new());
    }
    let found = live_warnings_of(tx.conn, case)?;
    if !found.is_empty() {
        let ids: Vec<WarningId> = found.iter().map(|(id, _, _)| *id).collect();
        let detail = json!({"case_id": case, "warning_ids": ids});
        tx.audit(actor, AuditCode::WarningsListed, "warning", None, detail)?;
    }
    Ok(found)
}

fn live_warnings_of(conn: &Conn, case: CaseId) -> Result<Vec<(WarningId, WarningKind, Level)>> {
    let mut statement = conn.prepare_cached(
        "SELECT w.id, w.kind, w.level FROM warning_cases wc JOIN warnings w ON w.id = wc.warning_id
         WHERE wc.case_id = ?1 AND w.state IN ('open', 'acknowledged') ORDER BY w.raised_at",
    )?;
    let rows = statement.query_map([case.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (id, kind, level) = row?;
        found.push((parse(&id, "warning id")?, enum_from(&kind, "warning kind")?, enum_from(&level, "warning level")?));
    }
    Ok(found)
}

fn load(conn: &Conn, id: &str) -> Result<WarningView> {
    let (kind, key, level, state, evidence, raised_at, updated_at) = conn
        .prepare_cached("SELECT kind, key, level, state, evidence, raised_at, updated_at FROM warnings WHERE id = ?1")?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
    let mut cases = Vec::new();
    {
        let mut statement = conn.prepare_cached(
            "SELECT c.id, c.number, c.category, c.status, c.last_seen_at, wc.joined_at
             FROM warning_cases wc JOIN cases c ON c.id = wc.case_id
             WHERE wc.warning_id = ?1 ORDER BY c.last_seen_at, c.id",
        )?;
        let rows = statement.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        for row in rows {
            let (case_id, number, category, status, last_seen_at, joined_at) = row?;
            cases.push(WarningCase {
                case_id: parse(&case_id, "case id")?,
                number,
                category: enum_from(&category, "category")?,
                status: enum_from(&status, "status")?,
                last_seen_at: timefmt::parse(&last_seen_at)?,
                joined_at: timefmt::parse(&joined_at)?,
            });
        }
    }
    let mut decisions = Vec::new();
    {
        let mut statement = conn.prepare_cached(
            "SELECT decision, reason, decided_by, decided_at FROM warning_decisions WHERE warning_id = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (decision, reason, by, at) = row?;
            decisions.push(WarningDecisionView {
                decision: enum_from(&decision, "warning decision")?,
                reason,
                by: parse_opt(by, "user id")?,
                at: timefmt::parse(&at)?,
            });
        }
    }
    Ok(WarningView {
        id: parse(id, "warning id")?,
        kind: enum_from(&kind, "warning kind")?,
        key,
        level: enum_from(&level, "warning level")?,
        state: enum_from::<WarningState>(&state, "warning state")?,
        evidence: from_json(&evidence, "warning evidence")?,
        raised_at: timefmt::parse(&raised_at)?,
        updated_at: timefmt::parse(&updated_at)?,
        cases,
        decisions,
    })
}

/// What a full re-evaluation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rescan {
    /// Cases read and run through the detectors.
    pub cases: usize,
    /// Cases whose place was filed now (stored before the detectors were).
    pub places_filed: usize,
    /// Warnings raised or changed.
    pub changed: usize,
}

/// Re-evaluates every case of every organisation: files the places of cases stored before the
/// detectors were, then runs each organisation's cases through the detectors in the order the
/// children went missing (`homeward_risk::detect::Detector`, in memory), and records every
/// warning as the incremental path would have. Run as the system, in one transaction.
pub(super) fn rescan(tx: &mut Tx<'_>) -> Result<Rescan> {
    let places_filed = file_missing_places(tx)?;
    let mut by_org: HashMap<String, Vec<CaseFacts>> = HashMap::new();
    let mut index: HashMap<String, (String, usize)> = HashMap::new();
    // Per organisation, series (dimension and key) and week: the reports.
    let mut weekly: BTreeMap<(String, &'static str, String, i64), u32> = BTreeMap::new();
    {
        let mut statement = tx.conn.prepare(
            "SELECT c.id, c.organisation_id, c.last_seen_at, ch.identity_id, c.category FROM cases c
             JOIN children ch ON ch.id = c.child_id",
        )?;
        let rows = statement.query_map((), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (id, org, missing_at, identity, category) = row?;
            let missing_at = timefmt::parse(&missing_at)?;
            *weekly.entry((org.clone(), "category", category, week_of(missing_at))).or_default() += 1;
            let mut facts = CaseFacts::new(parse(&id, "case id")?, missing_at);
            facts.child = identity;
            let list = by_org.entry(org.clone()).or_default();
            index.insert(id, (org, list.len()));
            list.push(facts);
        }
    }
    {
        let mut statement = tx.conn.prepare("SELECT case_id, kind, key FROM case_places")?;
        let rows = statement
            .query_map((), |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (id, kind, key) = row?;
            if let Some((org, i)) = index.get(&id)
                && let Some(facts) = by_org.get_mut(org).and_then(|l| l.get_mut(*i))
            {
                facts.missing_from = Some(Place { kind: enum_from(&kind, "place kind")?, key });
            }
        }
    }
    {
        let mut statement = tx.conn.prepare("SELECT organisation_id, key, missing_at FROM case_regions")?;
        let rows = statement
            .query_map((), |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (org, key, missing_at) = row?;
            *weekly.entry((org, "region", key, week_of(timefmt::parse(&missing_at)?))).or_default() += 1;
        }
    }
    {
        let mut statement = tx.conn.prepare("SELECT case_id, kind, normalised FROM identifiers ORDER BY id")?;
        let rows = statement
            .query_map((), |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (id, kind, normalised) = row?;
            if let Some((org, i)) = index.get(&id)
                && let Some(facts) = by_org.get_mut(org).and_then(|l| l.get_mut(*i))
            {
                push_identifier(facts, enum_from(&kind, "identifier kind")?, normalised);
            }
        }
    }
    drop(index);
    group_probable_children(tx.conn, &mut by_org)?;
    let actor = system();
    let mut report = Rescan { places_filed, ..Rescan::default() };
    for (org, mut cases) in by_org {
        cases.sort_by_key(|c| (c.missing_at, c.case));
        report.cases += cases.len();
        let mut detector = Detector::new(rules());
        for case in cases {
            let id = case.case;
            for warning in detector.add(case) {
                report.changed += usize::from(record(tx, &actor, &org, Some(id), &warning)?);
            }
        }
    }
    report.changed += rescan_trends(tx, &actor, &weekly)?;
    let detail = json!({"cases": report.cases, "places_filed": report.places_filed, "changed": report.changed});
    tx.audit(&actor, AuditCode::WarningsRescanned, "warning", None, detail)?;
    Ok(report)
}

/// The children record linkage found probably the same (a suggested pair at `PROBABLE_FROM` or
/// more) are one child for the repeat detector in the full re-evaluation too, as they are when a
/// case comes in: each group of identities linked by such pairs (and the pairs' pairs) is keyed
/// by its smallest identity, and the cases of the others are marked probable.
fn group_probable_children(conn: &Conn, by_org: &mut HashMap<String, Vec<CaseFacts>>) -> Result<()> {
    let pairs: Vec<(String, String)> = {
        let mut statement = conn.prepare(
            "SELECT a.identity_id, b.identity_id FROM child_matches m
               JOIN children a ON a.id = m.child_a JOIN children b ON b.id = m.child_b
              WHERE m.status = 'suggested' AND m.probability >= ?1
                AND a.identity_id IS NOT NULL AND b.identity_id IS NOT NULL",
        )?;
        let rows = statement.query_map([PROBABLE_FROM], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<crate::db::Result<_>>()?
    };
    if pairs.is_empty() {
        return Ok(());
    }
    // Union by the smaller identity: each group's root is its smallest member.
    let mut parent: HashMap<String, String> = HashMap::new();
    fn root(parent: &HashMap<String, String>, of: &str) -> String {
        let mut at = of;
        while let Some(up) = parent.get(at).filter(|up| up.as_str() != at) {
            at = up;
        }
        at.to_owned()
    }
    for (a, b) in pairs {
        let (ra, rb) = (root(&parent, &a), root(&parent, &b));
        if ra != rb {
            let (small, large) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent.insert(large, small);
        }
    }
    for facts in by_org.values_mut().flat_map(|cases| cases.iter_mut()) {
        if let Some(identity) = facts.child.as_deref()
            && parent.contains_key(identity)
        {
            let group = root(&parent, identity);
            facts.probable = group != identity;
            facts.child = Some(group);
        }
    }
    Ok(())
}

/// Recounts every organisation's reports a week by category and by region, and tests every
/// week of every series as it closed.
fn rescan_trends(
    tx: &mut Tx<'_>,
    actor: &Actor,
    weekly: &BTreeMap<(String, &'static str, String, i64), u32>,
) -> Result<usize> {
    tx.conn.execute("DELETE FROM weekly_counts", ())?;
    for ((org, dimension, key, week), count) in weekly {
        tx.conn
            .prepare_cached(
                "INSERT INTO weekly_counts (organisation_id, dimension, key, week, count, tested)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )?
            .execute(params![org, dimension, key, week, count])?;
    }
    let mut changed = 0;
    // In key order: each series' weeks come together, oldest first; each reads its organisation's
    // first week from the counts just written.
    for (org, dimension, key, week) in weekly.keys() {
        changed += detect_trend(tx, actor, org, Series::from_parts(dimension, key)?, *week)?;
    }
    Ok(changed)
}

/// Files the places of cases stored before the detectors were (their place is in the personal
/// last-seen record).
fn file_missing_places(tx: &mut Tx<'_>) -> Result<usize> {
    let pending: Vec<(String, String, String, String)> = {
        let mut statement = tx.conn.prepare(
            "SELECT c.id, c.organisation_id, c.last_seen_at, p.last_seen FROM cases c
             JOIN case_personal p ON p.case_id = c.id
             WHERE NOT EXISTS (SELECT 1 FROM case_places k WHERE k.case_id = c.id)",
        )?;
        let rows = statement.query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<crate::db::Result<_>>()?
    };
    let mut filed = 0;
    for (case, org, missing_at, last_seen) in pending {
        let last_seen: LastSeen = from_json(&last_seen, "last seen")?;
        filed += usize::from(file_place(
            tx,
            parse(&case, "case id")?,
            parse(&org, "organisation id")?,
            last_seen.missing_from.as_ref(),
            timefmt::parse(&missing_at)?,
        )?);
    }
    Ok(filed)
}
