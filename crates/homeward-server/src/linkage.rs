//! Finding the same child: the in-memory candidate index over every child in the store, the
//! candidates shown at intake, and the background job that links new children.
//!
//! The index ([`homeward_linkage::search::Index`]) holds every child, whoever's they are: the
//! engine must see the whole store to find a child reported by another organisation. What a
//! person is shown is decided by the store ([`Store::match_candidates`], [`Store::case_matches`]),
//! which drops every child of a case the reader may not read and writes the audit entry. The
//! server only ever hands the engine's raw findings to the store, never to a person.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use homeward_domain::case::NewCase;
use homeward_domain::child::{NewChild, Sex};
use homeward_domain::linkage::{Candidate, LinkageRecord, LinkageSeq, MatchReason, MatchSuggestion, SUGGEST_FROM};
use homeward_domain::org::Actor;
use homeward_domain::view::{CaseChange, CaseView};
use homeward_domain::{CaseId, ChildId};
use homeward_linkage::search::Index;
use homeward_linkage::{Birth, Record};
use homeward_store::{Store, StoreError};
use time::OffsetDateTime;

/// How many of the engine's best candidates are handed to the store to filter: the reader sees
/// the best of those they may read.
const SEARCH_DEPTH: usize = 100;

/// How many candidates a person is shown.
pub const SHOWN: usize = 10;

/// How many children the start-up reads from the store at once.
const LOAD_BATCH: u32 = 5_000;

/// How many children the job links per store command: the suggestions of one batch are written
/// in one command, and every report queued behind it waits for it, so batches stay small.
const JOB_BATCH: u32 = 5;

/// What the engine found for one child: the other child, the probability, the reasons.
pub type Found = Vec<(ChildId, f64, Vec<MatchReason>)>;

/// The candidate index, shared by every request and the job.
#[derive(Debug, Default)]
pub struct Linkage {
    index: RwLock<Index>,
    /// Set once every child in the store has been indexed. A load that failed at start is
    /// retried by the job, which links nothing until it has succeeded.
    loaded: AtomicBool,
    /// The place of the last child read into the index from the store (at the load, then by
    /// [`Linkage::follow`]).
    followed: Mutex<LinkageSeq>,
}

/// A child as the engine compares them; `None` for a child without any name, whom no name can
/// find. `reported_year` turns an estimated age into birth years.
pub fn record(child: &NewChild, reported_year: i32) -> Option<Record> {
    let given = child.given_name.as_ref().or(child.latin_given_name.as_ref()).or(child.aliases.first());
    let family = child.family_name.as_ref().or(child.latin_family_name.as_ref());
    if given.is_none() && family.is_none() {
        return None;
    }
    let birth = match (child.date_of_birth, child.estimated_age) {
        (Some(date), _) => Some(Birth::Date(date)),
        (None, Some(age)) => Some(Birth::Age { min: age.min, max: age.max, as_of_year: reported_year }),
        (None, None) => None,
    };
    Some(Record {
        id: String::new(),
        given_name: given.cloned().unwrap_or_default(),
        family_name: family.cloned().unwrap_or_default(),
        birth,
        sex: match child.sex {
            Sex::Female => Some('F'),
            Sex::Male => Some('M'),
            Sex::Other | Sex::Unknown => None,
        },
        nationality: child.nationalities.first().cloned(),
        extra: Vec::new(),
    })
}

fn record_of(r: &LinkageRecord) -> Option<Record> {
    record(&r.details, r.reported_at.year())
}

impl Linkage {
    /// Indexes every child in the store.
    pub fn load(store: &dyn Store) -> Result<Self, StoreError> {
        let linkage = Self::default();
        linkage.load_all(store)?;
        Ok(linkage)
    }

    /// Whether every child in the store has been indexed.
    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }

    fn load_all(&self, store: &dyn Store) -> Result<(), StoreError> {
        self.follow(store)?;
        self.loaded.store(true, Ordering::Release);
        Ok(())
    }

    /// Indexes the children committed since the last look, by this process or any other (a
    /// second instance, an import): with several instances, each indexes what the others took,
    /// so that a report on any of them finds every child. Answers how many were read.
    pub fn follow(&self, store: &dyn Store) -> Result<usize, StoreError> {
        let mut followed = self.followed.lock().unwrap_or_else(|p| p.into_inner());
        let mut read = 0;
        loop {
            let batch = store.linkage_records(*followed, LOAD_BATCH)?;
            let Some(last) = batch.last() else { break };
            *followed = last.seq;
            read += batch.len();
            self.add(&batch);
            if batch.len() < LOAD_BATCH as usize {
                break;
            }
        }
        Ok(read)
    }

    /// How many children can be found.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    // A poisoned lock only means a search panicked; the index itself is whole.
    fn read(&self) -> RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Index> {
        self.index.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds the children not indexed yet. One already indexed is left as it is: it was indexed
    /// when its case was opened or re-read from the store when it was edited, either of which
    /// is at least as new as what a batch read earlier holds.
    fn add(&self, records: &[LinkageRecord]) {
        let mut index = self.write();
        for r in records {
            let id = r.child_id.to_string();
            if !index.contains(&id)
                && let Some(record) = record_of(r)
            {
                index.insert(&id, &record);
            }
        }
    }

    /// Adds a child just created, unless an edit of them has been indexed already.
    pub fn insert_new(&self, child: ChildId, record: &Record) {
        let mut index = self.write();
        let id = child.to_string();
        if !index.contains(&id) {
            index.insert(&id, record);
        }
    }

    /// Re-indexes a child as the store holds them now, or forgets them when they have no name
    /// left to find them by; answers the record indexed. The store is read while the index is
    /// locked, so of two edits of one child committed one after the other the later one is
    /// what stays indexed, whichever of them gets here first.
    pub fn refresh(&self, store: &dyn Store, child: ChildId) -> Result<Option<Record>, StoreError> {
        let mut index = self.write();
        let current = store.linkage_record(child)?;
        let id = child.to_string();
        match current.as_ref().and_then(record_of) {
            Some(record) => {
                index.insert(&id, &record);
                Ok(Some(record))
            }
            None => {
                index.remove(&id);
                Ok(None)
            }
        }
    }

    /// The children most likely to be `record`, leaving out `itself`; most likely first.
    pub fn search(&self, record: &Record, itself: Option<ChildId>, limit: usize) -> Found {
        let index = self.read();
        let itself = itself.map(|c| c.to_string()).unwrap_or_default();
        index
            .search(record, limit, |id| id != itself)
            .into_iter()
            .filter_map(|c| {
                let child: ChildId = c.id.parse().ok()?;
                let explanation = c
                    .explanation
                    .into_iter()
                    .map(|x| MatchReason { field: x.field.to_string(), level: x.level.to_owned(), weight: x.weight })
                    .collect();
                Some((child, c.probability, explanation))
            })
            .collect()
    }

    /// What the engine finds for a child described, to hand to the store's filter.
    pub fn candidates(&self, child: &NewChild, reported_year: i32) -> Found {
        record(child, reported_year).map(|r| self.search(&r, None, SEARCH_DEPTH)).unwrap_or_default()
    }
}

/// Opens a case with the children it may be about (as far as the actor may read them; the
/// store keeps the likely ones as suggestions on the case), in one store command, then indexes
/// the new child so that the next report finds it.
pub fn open_case(
    store: &dyn Store,
    linkage: &Linkage,
    actor: &Actor,
    new: NewCase,
) -> Result<(CaseView, Vec<Candidate>), StoreError> {
    let year = OffsetDateTime::now_utc().year();
    let record = record(&new.child, year);
    let found = record.as_ref().map(|r| linkage.search(r, None, SEARCH_DEPTH)).unwrap_or_default();
    let (view, candidates) = store.create_case_with_candidates(actor, new, found, SHOWN)?;
    if let (Some(record), Some(child)) = (record, &view.child) {
        linkage.insert_new(child.id, &record);
    }
    Ok((view, candidates))
}

/// Corrects or completes what is known of a case's child (`change` is
/// [`CaseChange::EditChild`] or [`CaseChange::EditChildFields`]), re-indexes the child and
/// answers the children they may now be about (the likely ones are kept as suggestions on the
/// case). The edit stands whatever happens after it, so a failure to re-index or to find
/// candidates is logged and answered as none.
pub fn edit_child(
    store: &dyn Store,
    linkage: &Linkage,
    actor: &Actor,
    id: CaseId,
    change: CaseChange,
) -> Result<(CaseView, Vec<Candidate>), StoreError> {
    let view = store.change_case(actor, id, change)?;
    let Some(child) = &view.child else { return Ok((view, Vec::new())) };
    let record = match linkage.refresh(store, child.id) {
        Ok(Some(record)) => record,
        Ok(None) => return Ok((view, Vec::new())),
        Err(e) => {
            tracing::error!(error = %e, case = %id, "an edited child could not be re-indexed");
            return Ok((view, Vec::new()));
        }
    };
    let found = linkage.search(&record, Some(child.id), SEARCH_DEPTH);
    // The job links only children committed after its watermark: the pairs of an edited child with
    // children the actor may not read are kept here, as the job would keep them.
    let suggestions: Vec<MatchSuggestion> = found
        .iter()
        .take(SHOWN)
        .filter(|(_, p, _)| *p >= SUGGEST_FROM)
        .map(|(other, p, why)| MatchSuggestion {
            child: child.id,
            other: *other,
            probability: *p,
            explanation: why.clone(),
        })
        .collect();
    let candidates = store.match_candidates(actor, Some(id), found, SHOWN).unwrap_or_else(|e| {
        tracing::error!(error = %e, case = %id, "candidates for an edited child could not be found");
        Vec::new()
    });
    if let Err(e) = store.record_match_suggestions(suggestions, None) {
        tracing::error!(error = %e, case = %id, "the pairs of an edited child could not be kept");
    }
    Ok((view, candidates))
}

/// What one run of the job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobReport {
    /// Children linked against the whole store.
    pub children: usize,
    /// Pairs suggested that were not known before.
    pub suggested: u32,
    /// Whether children are left for the next run (a run links at most [`MAX_PER_RUN`]).
    pub more: bool,
}

/// The most children one run links: the job shares two cores with people at work, so it takes
/// a bounded bite and its loop pauses between bites (see `homeward serve`).
pub const MAX_PER_RUN: usize = 1_000;

/// The background job, once: first indexes the whole store if that failed at start, then links
/// every child committed since the job's watermark (in commit order, whatever their ids) against
/// every child in the store, keeps the pairs at or above [`SUGGEST_FROM`] as suggestions (a pair
/// already suggested or decided stays as it is) and moves the watermark. Running it again finds
/// nothing new. `homeward serve` runs it in a loop; tests call it directly.
pub fn run_once(store: &dyn Store, linkage: &Linkage) -> Result<JobReport, StoreError> {
    if !linkage.is_loaded() {
        // Linking against part of the store would move the watermark past children that never
        // met the rest: the load that failed at start comes first.
        linkage.load_all(store)?;
        tracing::info!(children = linkage.len(), "the children are indexed for the candidate search");
    }
    let mut report = JobReport::default();
    let mut after = store.linkage_watermark()?;
    loop {
        let batch = store.linkage_records(after, JOB_BATCH)?;
        let Some(last) = batch.last().map(|r| r.seq) else { break };
        // Children written by another process (the demo, a second instance) are indexed first,
        // so that the new children of one batch also find each other.
        linkage.add(&batch);
        let mut suggestions = Vec::new();
        for r in &batch {
            let Some(record) = record_of(r) else { continue };
            for (other, probability, explanation) in linkage.search(&record, Some(r.child_id), SHOWN) {
                if probability >= SUGGEST_FROM {
                    suggestions.push(MatchSuggestion { child: r.child_id, other, probability, explanation });
                }
            }
        }
        report.children += batch.len();
        report.suggested += store.record_match_suggestions(suggestions, Some(last))?;
        after = last;
        if batch.len() < JOB_BATCH as usize {
            break;
        }
        if report.children >= MAX_PER_RUN {
            report.more = true;
            break;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_without_names_is_not_indexed() {
        assert!(record(&NewChild::default(), 2026).is_none());
        let child = NewChild { latin_family_name: Some("Hassan".into()), ..NewChild::default() };
        assert_eq!(record(&child, 2026).map(|r| r.family_name), Some("Hassan".into()));
    }

    #[test]
    fn an_estimated_age_counts_from_the_year_of_the_report() {
        let child = NewChild {
            given_name: Some("Omar".into()),
            estimated_age: Some(homeward_domain::dates::AgeRange { min: 14, max: 15 }),
            ..NewChild::default()
        };
        let birth = record(&child, 2026).and_then(|r| r.birth);
        assert_eq!(birth, Some(Birth::Age { min: 14, max: 15, as_of_year: 2026 }));
    }
}
