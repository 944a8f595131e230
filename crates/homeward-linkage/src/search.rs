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

use crate::Names;
use crate::block::hashed;
use crate::compare::{Vector, compare, jaro_winkler};
use crate::model::{Contribution, Model};
use crate::record::{Birth, Prepared, Record};

/// At most this many indexed children are compared with one query: those that share the
/// most and the rarest of its blocks (a rare name in a given year before a common one), which
/// is where the true match is.
pub const MAX_SEARCH_CANDIDATES: usize = 500;

/// At most this many block entries are read for one query (smallest blocks first).
pub const MAX_BLOCK_READ: usize = 5_000;

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
        self.rank(&query, self.likeliest(&query).into_iter(), limit, keep)
    }

    /// The indexed children worth comparing with `query`, at most [`MAX_SEARCH_CANDIDATES`]:
    /// those that share the most and the rarest of its blocks. A child filed with the query
    /// under a rare key (a name and a year few share), or under several keys at once (the
    /// same family name, year and date), comes before one that shares a single common key.
    /// The blocks are read smallest first, at most [`MAX_BLOCK_READ`] entries in all, the
    /// newest of a block too large for what is left: a name shared by thousands, such as a
    /// placeholder for an unknown child, must not make every search slow.
    fn likeliest(&self, query: &Prepared) -> Vec<u32> {
        let indexed = self.records.len().max(1) as f32;
        let mut blocks: Vec<&Vec<u32>> = keys(query).iter().filter_map(|k| self.blocks.get(k)).collect();
        blocks.sort_unstable_by_key(|b| b.len());
        let mut hits: Vec<(u32, f32)> = Vec::new();
        for block in blocks {
            let room = MAX_BLOCK_READ.saturating_sub(hits.len());
            if room == 0 {
                break;
            }
            // How rare the key is: sharing a key with few children says more than sharing one
            // with many.
            let rarity = (1.0 + indexed / block.len() as f32).ln();
            // A replaced or removed child's old slot stays in its blocks; it must not take a
            // place among the children compared.
            let live = block.iter().rev().filter(|&&slot| !self.gone[slot as usize]).take(room);
            hits.extend(live.map(|&slot| (slot, rarity)));
        }
        hits.sort_unstable_by_key(|&(slot, _)| slot);
        let mut shared: Vec<(f32, u32)> = Vec::new();
        for (slot, rarity) in hits {
            match shared.last_mut() {
                Some((total, last)) if *last == slot => *total += rarity,
                _ => shared.push((rarity, slot)),
            }
        }
        // The most shared first; of equals, the newest.
        let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1));
        if shared.len() > MAX_SEARCH_CANDIDATES {
            shared.select_nth_unstable_by(MAX_SEARCH_CANDIDATES - 1, order);
            shared.truncate(MAX_SEARCH_CANDIDATES);
        }
        shared.into_iter().map(|(_, slot)| slot).collect()
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
        let mut scored: Vec<Scored> = slots
            .filter(|&s| !self.gone[s as usize] && keep(&self.ids[s as usize]))
            .map(|s| {
                let candidate = &self.records[s as usize];
                let v = compare(query, candidate);
                let weight = prior + self.model.total_weight(&v, self.names.tf(query, candidate, &v));
                Scored { weight, likeness: likeness(query, candidate), slot: s, vector: v }
            })
            .collect();
        // Most likely first. Children that weigh the same (the same levels, the same names'
        // shares: namesakes of a query without a date of birth) are told apart by how alike
        // their names are written, `Veru` before `Vara` for `Verou`; then the oldest first.
        let order = |a: &Scored, b: &Scored| {
            b.weight.total_cmp(&a.weight).then(b.likeness.total_cmp(&a.likeness)).then(a.slot.cmp(&b.slot))
        };
        if scored.len() > limit && limit > 0 {
            scored.select_nth_unstable_by(limit - 1, order);
        }
        scored.truncate(limit);
        scored.sort_by(order);
        scored
            .into_iter()
            .map(|Scored { weight: w, slot: s, vector: v, .. }| {
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

/// One indexed child compared with a query.
struct Scored {
    weight: f64,
    likeness: f64,
    slot: u32,
    vector: Vector,
}

/// How alike two records' names are written, 0 to 2: what separates children whose
/// comparison weighs the same.
fn likeness(a: &Prepared, b: &Prepared) -> f64 {
    jaro_winkler(&a.given_joined, &b.given_joined) + jaro_winkler(&a.family_joined, &b.family_joined)
}

/// The search keys of one record: each name's sound with each birth year the record allows,
/// both names' sounds together (in either order, and with one letter left out), the full date
/// (and with day and month swapped), each name's sound with the day and month, and each name's
/// sound alone when the birth is unknown.
fn keys(r: &Prepared) -> Vec<u64> {
    let mut keys = Vec::with_capacity(32);
    // An estimated age spans two or three birth years; a year alone is often one too.
    let years = r.birth.map(|b| b.block_years());
    // Each name's sound, and its loose sound (where the same name in Arabic letters is filed).
    // A name with known variant forms is also filed under its group, where its other forms are.
    let groups: Vec<String> = [r.given_group, r.family_group].into_iter().flatten().map(|g| format!("#{g}")).collect();
    let mut names: Vec<&String> = [&r.given_keys, &r.family_keys, &r.given_loose, &r.family_loose]
        .into_iter()
        .flat_map(|k| k.iter().take(2))
        .chain(&groups)
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
    // Both names' sounds together, in either order, and again with one letter of either sound
    // left out: a typo in one name (`Mspomii` for `Mepomii`) still meets the other name, whose
    // own blocks with the year may be too large to read to the end.
    for (g, f) in [(&r.given_keys, &r.family_keys), (&r.given_loose, &r.family_loose)] {
        if let (Some(g), Some(f)) = (g.first(), f.first()) {
            let pair = |a: &str, b: &str| if a <= b { hashed(("gf", a, b)) } else { hashed(("gf", b, a)) };
            keys.push(pair(g, f));
            keys.extend(one_left_out(f).iter().map(|d| pair(g, d)));
            keys.extend(one_left_out(g).iter().map(|d| pair(d, f)));
        }
    }
    // A name's variant group with the other name's sound; the family name's group for a given
    // name written as the family name.
    for (group, other) in [(r.given_group, r.family_keys.first()), (r.family_group, r.given_keys.first())] {
        if let (Some(group), Some(other)) = (group, other) {
            keys.push(hashed(("gf", format!("#{group}").as_str(), other.as_str())));
        }
    }
    // The full date (day and month in either order), and each name's sound with the day and
    // month: a year written wrong (`2018` for `2019`) still meets the same name on the same day.
    if let Some(Birth::Date(d)) = r.birth
        && let (y, Some(m), Some(day)) = d.parts()
    {
        let (lo, hi) = if m <= day { (m, day) } else { (day, m) };
        keys.push(hashed(("d", y, lo, hi)));
        for name in &names {
            keys.push(hashed(("nd", name.as_str(), lo, hi)));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A sound with each of its letters left out in turn: two sounds one typo apart share one of
/// these, or one is among the other's. A sound of two letters has none: one letter left with
/// the other name would file together children whose names have little in common, and fill
/// the search's budget before the blocks that hold the child.
fn one_left_out(sound: &str) -> Vec<String> {
    let letters: Vec<char> = sound.chars().collect();
    if letters.len() < 3 {
        return Vec::new();
    }
    let mut out: Vec<String> = (0..letters.len())
        .map(|skip| letters.iter().enumerate().filter(|&(i, _)| i != skip).map(|(_, c)| c).collect())
        .collect();
    out.dedup();
    out
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
    fn a_typo_in_one_name_is_found_behind_a_common_other_name() {
        let mut index = Index::default();
        index.insert("true", &rec("Luca", "Mepomii", "2012-07-14", 'M'));
        // A thousand boys named Luca born that year: the given name's blocks with the year are
        // larger than one search reads, and their newest records come first.
        for i in 0..1000 {
            index.insert(&format!("other{i}"), &rec("Luca", &format!("Family{i}"), "2012-03-01", 'M'));
        }
        let found = index.search(&rec("Luca", "Mspomii", "2012", 'M'), 10, |_| true);
        assert_eq!(found.first().map(|c| c.id), Some("true"), "{found:?}");
        assert_eq!(one_left_out("msbm"), ["sbm", "mbm", "msm", "msb"]);
        assert!(one_left_out("ms").is_empty());
    }

    #[test]
    fn against_arabic_letters_exact_and_sound_agreement_weigh_alike() {
        // Arabic letters leave out the short vowels: the same letters written twice say no more
        // than the same name written once in Latin letters and once in Arabic ones.
        let mut index = Index::default();
        index.insert("latin", &rec("Ahmad", "Al-Pubi", "", 'M'));
        index.insert("arabic", &rec("أحمد", "الببي", "", 'M'));
        let found = index.search(&rec("أحمد", "الببي", "", 'M'), 10, |_| true);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!((found[0].probability - found[1].probability).abs() < 1e-9, "{found:?}");
    }

    #[test]
    fn stale_slots_of_an_often_edited_child_do_not_crowd_out_another() {
        let mut index = Index::default();
        let record = rec("Luca", "Ropeu", "2016-09-16", 'M');
        index.insert("other", &record);
        // One child edited 600 times: 599 stale slots in the same blocks, all newer.
        for _ in 0..600 {
            index.insert("edited", &record);
        }
        let found: Vec<&str> = index.search(&record, 10, |_| true).iter().map(|c| c.id).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.contains(&"other") && found.contains(&"edited"), "{found:?}");
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
