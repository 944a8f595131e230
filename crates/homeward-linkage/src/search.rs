//! Candidate search: the children most likely to be the one an operator is typing in, out of
//! every child already known. Batch linkage ([`crate::link`]) compares two files once; the
//! index here is kept in memory, grows one record at a time, and answers one record in a few
//! milliseconds at a million records.
//!
//! Its blocking keys are broader than batch linkage's (a name's sound without the other name's
//! initial, the family name's sound alone for records without a year): one query can afford a
//! few thousand comparisons, and a person reads the top ten, so recall matters more than work.
//! Keys are kept as 64-bit hashes; a collision only adds a candidate, which the comparison then
//! judges like any other.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::Names;
use crate::compare::{Vector, compare};
use crate::model::{Contribution, Model};
use crate::record::{Birth, Prepared, Record};

/// At most this many indexed children are compared with one query: its blocks are read
/// smallest first (a rare name in a given year before a common one), which is where the true
/// match is.
pub const MAX_SEARCH_CANDIDATES: usize = 500;

/// The share of reports that concern a child already known (in the UK one missing incident
/// in three is a repeat): the chance before any comparison that the query matches one of the
/// indexed children, spread over all of them.
pub const REPEAT_SHARE: f64 = 0.3;

/// A child found by [`Index::search`].
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<'a> {
    pub id: &'a str,
    pub probability: f64,
    pub explanation: Vec<Contribution>,
}

/// Every indexed child, prepared, with its search keys.
#[derive(Debug)]
pub struct Index {
    ids: Vec<String>,
    records: Vec<Prepared>,
    /// Slots of records replaced or removed: never returned.
    gone: Vec<bool>,
    slots: HashMap<String, u32>,
    blocks: HashMap<u64, Vec<u32>>,
    names: Names,
    model: Model,
}

impl Default for Index {
    fn default() -> Self {
        Self::new(Model::with_u(&[], &[]))
    }
}

impl Index {
    /// An empty index that scores with `model` (its `lambda` is replaced by the index's own
    /// prior, [`REPEAT_SHARE`] over the number of children).
    pub fn new(model: Model) -> Self {
        Self {
            ids: Vec::new(),
            records: Vec::new(),
            gone: Vec::new(),
            slots: HashMap::new(),
            blocks: HashMap::new(),
            names: Names::default(),
            model,
        }
    }

    /// How many children can be found.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether a child is indexed under `id`.
    pub fn contains(&self, id: &str) -> bool {
        self.slots.contains_key(id)
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Adds a child, or replaces what is known of one already indexed under `id`.
    pub fn insert(&mut self, id: &str, record: &Record) {
        let prepared = Prepared::new(record);
        let slot = self.records.len() as u32;
        if let Some(old) = self.slots.insert(id.to_owned(), slot) {
            self.forget(old);
        }
        for key in keys(&prepared) {
            self.blocks.entry(key).or_default().push(slot);
        }
        self.names.add(&prepared);
        self.ids.push(id.to_owned());
        self.records.push(prepared);
        self.gone.push(false);
    }

    /// Forgets a child (erasure): it is never returned again.
    pub fn remove(&mut self, id: &str) {
        if let Some(slot) = self.slots.remove(id) {
            self.forget(slot);
        }
    }

    /// A replaced or removed record's slot stays (its keys still point at it) but is never
    /// returned, and its names no longer count in how common a name is. Its memory is given
    /// back only when the index is rebuilt: edits and erasures are rare next to reports.
    fn forget(&mut self, slot: u32) {
        self.gone[slot as usize] = true;
        self.names.remove(&self.records[slot as usize]);
    }

    /// Fits the model to the indexed children themselves (`u` from random pairs, `m` by
    /// expectation maximisation), as batch deduplication would.
    pub fn refit(&mut self) {
        self.model = crate::fit(&self.records, None, &[]);
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The `limit` children most likely to be `record`, most likely first, among those `keep`
    /// accepts (the caller's visibility rule, or "not the record itself").
    pub fn search(&self, record: &Record, limit: usize, keep: impl Fn(&str) -> bool) -> Vec<Candidate<'_>> {
        let query = Prepared::new(record);
        // The query's blocks, smallest first, until the budget of comparisons is spent; of a
        // block too large for what is left, its newest records (a name shared by thousands,
        // such as a placeholder for an unknown child, must not make every search slow).
        let mut blocks: Vec<&Vec<u32>> = keys(&query).iter().filter_map(|k| self.blocks.get(k)).collect();
        blocks.sort_by_key(|b| b.len());
        let mut slots: Vec<u32> = Vec::new();
        for block in blocks {
            let room = MAX_SEARCH_CANDIDATES.saturating_sub(slots.len());
            if room == 0 {
                break;
            }
            slots.extend_from_slice(&block[block.len().saturating_sub(room)..]);
            slots.sort_unstable();
            slots.dedup();
        }
        self.rank(&query, slots.into_iter(), limit, keep)
    }

    /// The same as [`Index::search`], but comparing `record` with every indexed child: what
    /// the blocking keys are measured against.
    pub fn search_exhaustive(&self, record: &Record, limit: usize, keep: impl Fn(&str) -> bool) -> Vec<Candidate<'_>> {
        self.rank(&Prepared::new(record), 0..self.records.len() as u32, limit, keep)
    }

    fn rank(
        &self,
        query: &Prepared,
        slots: impl Iterator<Item = u32>,
        limit: usize,
        keep: impl Fn(&str) -> bool,
    ) -> Vec<Candidate<'_>> {
        let prior = (REPEAT_SHARE / self.len().max(1) as f64).min(0.5);
        let prior = (prior / (1.0 - prior)).log2();
        let mut scored: Vec<(f64, u32, Vector)> = slots
            .filter(|&s| !self.gone[s as usize] && keep(&self.ids[s as usize]))
            .map(|s| {
                let candidate = &self.records[s as usize];
                let v = compare(query, candidate);
                (prior + self.model.total_weight(&v, self.names.tf(query, candidate, &v)), s, v)
            })
            .collect();
        let by_weight = |a: &(f64, u32, Vector), b: &(f64, u32, Vector)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if scored.len() > limit && limit > 0 {
            scored.select_nth_unstable_by(limit - 1, by_weight);
        }
        scored.truncate(limit);
        scored.sort_by(by_weight);
        scored
            .into_iter()
            .map(|(w, s, v)| {
                let candidate = &self.records[s as usize];
                Candidate {
                    id: &self.ids[s as usize],
                    probability: 1.0 / (1.0 + (-w).exp2()),
                    explanation: self.model.explain(&v, self.names.tf(query, candidate, &v)),
                }
            })
            .collect()
    }
}

fn hashed(parts: impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// The search keys of one record: each name's sound with each birth year the record allows,
/// both names' sounds together (in either order), the full date (and with day and month
/// swapped), and the family name's sound alone when the birth is unknown.
fn keys(r: &Prepared) -> Vec<u64> {
    let mut keys = Vec::with_capacity(12);
    // An estimated age spans two or three birth years; a year alone is often one too.
    let years = r.birth.map(|b| b.block_years());
    // Each name's sound, and its loose sound (where the same name in Arabic letters is filed).
    let mut names: Vec<&String> = [&r.given_keys, &r.family_keys, &r.given_loose, &r.family_loose]
        .into_iter()
        .flat_map(|k| k.iter().take(2))
        .collect();
    names.sort_unstable();
    names.dedup();
    if let Some((from, to)) = years {
        for y in from..=to.min(from + 3) {
            for name in &names {
                keys.push(hashed(("ny", name.as_str(), y)));
            }
        }
    } else {
        for name in &names {
            keys.push(hashed(("n", name.as_str())));
        }
    }
    for (g, f) in [(&r.given_keys, &r.family_keys), (&r.given_loose, &r.family_loose)] {
        if let (Some(g), Some(f)) = (g.first(), f.first()) {
            let (a, b) = if g <= f { (g, f) } else { (f, g) };
            keys.push(hashed(("gf", a.as_str(), b.as_str())));
        }
    }
    if let Some(Birth::Date(d)) = r.birth
        && let (y, Some(m), Some(day)) = d.parts()
    {
        let (lo, hi) = if m <= day { (m, day) } else { (day, m) };
        keys.push(hashed(("d", y, lo, hi)));
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::dates::PartialDate;

    fn rec(given: &str, family: &str, dob: &str, sex: char) -> Record {
        Record {
            id: String::new(),
            given_name: given.into(),
            family_name: family.into(),
            birth: (!dob.is_empty()).then(|| Birth::Date(PartialDate::parse(dob).unwrap())),
            sex: Some(sex),
            nationality: None,
            extra: Vec::new(),
        }
    }

    fn index() -> Index {
        let mut index = Index::default();
        index.insert("c1", &rec("Mohammed", "Al-Hassan", "2010-03-04", 'M'));
        index.insert("c2", &rec("Eleni", "Papadopoulou", "2011-05-06", 'F'));
        index.insert("c3", &rec("Jovana", "Jovanović", "2009-12-01", 'F'));
        index.insert("c4", &rec("Mohammed", "Karimi", "2010-03-04", 'M'));
        index
    }

    #[test]
    fn the_same_child_in_another_script_comes_first() {
        let index = index();
        let found = index.search(&rec("Μωχάμεντ", "Χασάν", "2010-03", 'M'), 10, |_| true);
        assert_eq!(found[0].id, "c1", "{found:?}");
        assert!(found[0].probability > 0.5, "{found:?}");
        assert!(found.iter().all(|c| c.id != "c2" && c.id != "c3"), "{found:?}");
        let found = index.search(&rec("Јована", "Јовановић", "", 'F'), 10, |_| true);
        assert_eq!(found.first().map(|c| c.id), Some("c3"));
    }

    #[test]
    fn keep_hides_children_and_replaced_records_are_gone() {
        let mut index = index();
        let query = rec("Mohammed", "Hasan", "2010-03-04", 'M');
        assert!(index.search(&query, 10, |id| id != "c1").iter().all(|c| c.id != "c1"));
        index.insert("c1", &rec("Mohammed", "Hasan", "2010-03-04", 'M'));
        let found = index.search(&query, 10, |_| true);
        assert_eq!(found.iter().filter(|c| c.id == "c1").count(), 1, "{found:?}");
        assert_eq!(index.len(), 4);
        assert!(index.contains("c1"));
        index.remove("c1");
        assert!(!index.contains("c1"));
        assert!(index.search(&query, 10, |_| true).iter().all(|c| c.id != "c1"));
        assert_eq!(index.len(), 3);
    }

    #[test]
    fn a_replaced_name_no_longer_counts_as_common() {
        let mut index = Index::default();
        for i in 0..20 {
            index.insert(&format!("a{i}"), &rec("Eleni", &format!("Family{i}"), "2011-05-06", 'F'));
        }
        for i in 0..200 {
            index.insert(&format!("b{i}"), &rec(&format!("Given{i}"), "Other", "2012-05-06", 'F'));
        }
        let query = rec("Eleni", "Family0", "2011-05-06", 'F');
        let given = |index: &Index| {
            let found = index.search(&query, 1, |_| true);
            assert_eq!(found[0].id, "a0");
            found[0].explanation[0].weight
        };
        let common = given(&index);
        for i in 1..20 {
            index.insert(&format!("a{i}"), &rec("Ioanna", &format!("Family{i}"), "2011-05-06", 'F'));
        }
        let rare = given(&index);
        assert!(rare > common + 1.0, "one Eleni left is rare: {common} -> {rare}");
    }

    #[test]
    fn limit_keeps_the_most_likely() {
        let index = index();
        let found = index.search(&rec("Mohammed", "Hassan", "2010-03-04", 'M'), 1, |_| true);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "c1");
        assert!(index.search(&rec("Mohammed", "Hassan", "2010-03-04", 'M'), 0, |_| true).is_empty());
    }
}
