//! Record linkage for Homeward: finds the same child across reports, scripts and borders.
//!
//! normalise → block → compare → score → cluster, all pure and synchronous. Names in Greek,
//! Cyrillic, Arabic and Latin letters meet in Latin tokens and consonant skeletons
//! ([`normalise`]); records that share a blocking key are compared field by field into
//! agreement levels ([`compare`]); a Fellegi–Sunter model whose `u` comes from random pairs and
//! whose `m` is fitted by expectation maximisation turns the levels into a match probability with
//! every field's contribution ([`model`]); pairs above a threshold are joined into entities
//! ([`cluster`]). Comparisons work on prepared keys, not on raw names, so that a later engine
//! can compare Bloom-filter encodings of the same keys between countries.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod model;
pub mod normalise;
pub mod record;
pub mod search;

use compare::Vector;
use model::{Contribution, Frequencies, Model};
pub use record::{Birth, Prepared, Record};

/// A scored candidate pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// Index into the left (or only) file.
    pub left: usize,
    /// Index into the right file, or into the same file when deduplicating.
    pub right: usize,
    pub probability: f64,
    pub explanation: Vec<Contribution>,
}

/// What a run produced.
#[derive(Debug)]
pub struct Linked {
    /// The compared pairs at or above `keep_from`, highest probability first.
    pub pairs: Vec<Pair>,
    /// How many pairs were compared.
    pub compared: usize,
    pub model: Model,
}

/// At most this many pairs train each estimation of `m`: enough for the shares, and on large
/// files the pairs that share a date of birth run into millions.
const TRAIN_SAMPLE: usize = 200_000;

/// Every `len / n`-th pair, when there are more than `n`.
fn sample(pairs: Vec<(u32, u32)>, n: usize) -> Vec<(u32, u32)> {
    if pairs.len() <= n {
        return pairs;
    }
    let step = pairs.len().div_ceil(n);
    pairs.into_iter().step_by(step).collect()
}

/// Random pairs counted for `u`.
const U_SAMPLE: usize = 100_000;

/// Links `left` with `right`, or deduplicates `left` when `right` is `None`. `extra` names the
/// extra columns the records carry (`Record::extra`, in that order). Pairs below `keep_from` are
/// scored but not kept: on large files almost every compared pair is a non-match.
pub fn link(
    left: &[Record],
    right: Option<&[Record]>,
    extra: &[String],
    keep_from: f64,
    mut progress: impl FnMut(&str, usize, usize),
) -> Linked {
    let l: Vec<Prepared> = in_parallel(left, Prepared::new);
    let r: Option<Vec<Prepared>> = right.map(|rs| in_parallel(rs, Prepared::new));
    let other = r.as_deref().unwrap_or(&l);
    progress("prepared", l.len() + r.as_ref().map_or(0, Vec::len), 0);

    let mut names = Names::default();
    for p in l.iter().chain(r.iter().flatten()) {
        names.add(p);
    }
    let model = fit(&l, r.as_deref(), extra);
    let candidates = block::candidates(&l, r.as_deref());
    progress("blocked", candidates.len(), 0);
    // Scored a million at a time, so that memory holds the kept pairs, not every comparison.
    let mut pairs = Vec::new();
    for (c, chunk) in candidates.chunks(1 << 20).enumerate() {
        let vectors = in_parallel(chunk, |&(i, j)| compare::compare(&l[i as usize], &other[j as usize]));
        for (&(i, j), v) in chunk.iter().zip(&vectors) {
            let explanation = model.explain(v, names.tf(&l[i as usize], &other[j as usize], v));
            let probability = model.probability(&explanation);
            if probability >= keep_from {
                pairs.push(Pair { left: i as usize, right: j as usize, probability, explanation });
            }
        }
        progress("scored", (c << 20) + chunk.len(), candidates.len());
    }
    pairs.sort_by(|a, b| b.probability.total_cmp(&a.probability));
    Linked { pairs, model, compared: candidates.len() }
}

/// Fits a model to `left` against `right`, or to `left` alone when deduplicating: `u` from
/// random pairs, `m` by expectation maximisation, and the chance that two random records match.
pub fn fit(l: &[Prepared], r: Option<&[Prepared]>, extra: &[String]) -> Model {
    let other = r.unwrap_or(l);
    // Twice as many random and training pairs as the larger file has records, up to U_SAMPLE
    // and TRAIN_SAMPLE: enough for the shares, and on small files training is most of the run.
    let scale = 2 * l.len().max(other.len()).max(5_000);
    let random = random_vectors(l, other, U_SAMPLE.min(scale));
    let mut model = Model::with_u(&random, extra);
    let vectors_of = |pairs: &[(u32, u32)]| -> Vec<Vector> {
        in_parallel(pairs, |&(i, j)| compare::compare(&l[i as usize], &other[j as usize]))
    };
    // m of the fields other than the names, from pairs whose names agree exactly and are the
    // only such pair (the names left out). Expectation maximisation is no use here: among such
    // pairs, sex and nationality follow from the names and say nothing, and a date alone cannot
    // tell a namesake from a match; but a name pair found once on each side is almost always
    // one child.
    let anchors = vectors_of(&sample(block::unique_pairs(l, r, block::name_keys), TRAIN_SAMPLE.min(scale)));
    model.count_m(&anchors, &[0, 1]);
    // m of the names, by expectation maximisation on pairs that share a date of birth (the date
    // left out, the other fields weighing in with the m just counted).
    let (date_pairs, sample_pairs) = block::sample_pairs_by(l, r, block::date_keys, TRAIN_SAMPLE.min(scale));
    let by_date = vectors_of(&sample_pairs);
    let others: Vec<usize> = (2..model.fields.len()).collect();
    let share_by_date = model.fit(&by_date, &[2], &others, 15);
    // How many matches there are at all: those found sharing a date of birth, over the share of
    // matches that share one. Over all pairs, that is the prior chance of a match.
    let all_pairs = match r {
        Some(rs) => l.len() as f64 * rs.len() as f64,
        None => l.len() as f64 * (l.len() as f64 - 1.0) / 2.0,
    };
    let matches = share_by_date * date_pairs as f64 / model.m[2][0].max(0.05);
    model.lambda = (matches / all_pairs.max(1.0)).clamp(1e-12, 0.5);
    model
}

/// How common each name and each name's sound is, for term-frequency adjustment.
#[derive(Debug, Default)]
pub struct Names {
    exact: [Frequencies; 2],
    sound: [Frequencies; 2],
    /// The loose sounds, which names in Arabic letters are compared by.
    loose: [Frequencies; 2],
}

impl Names {
    fn names(p: &Prepared) -> [[&str; 2]; 3] {
        [
            [&p.given_joined, &p.family_joined],
            [&p.given_keys_joined, &p.family_keys_joined],
            [&p.given_loose_joined, &p.family_loose_joined],
        ]
    }

    pub fn add(&mut self, p: &Prepared) {
        let [exact, sound, loose] = Self::names(p);
        for f in 0..2 {
            self.exact[f].add(exact[f]);
            self.sound[f].add(sound[f]);
            self.loose[f].add(loose[f]);
        }
    }

    /// Forgets a record's names (it was replaced or erased).
    pub fn remove(&mut self, p: &Prepared) {
        let [exact, sound, loose] = Self::names(p);
        for f in 0..2 {
            self.exact[f].remove(exact[f]);
            self.sound[f].remove(sound[f]);
            self.loose[f].remove(loose[f]);
        }
    }

    /// For each name of `a` that agrees exactly or by sound with `b` in `v`, how common it is;
    /// and whether either is written in Arabic letters (then how common its loose sound is).
    pub fn tf(&self, a: &Prepared, b: &Prepared, v: &Vector) -> model::Tf {
        let pooled = a.arabic || b.arabic;
        let [exact, sound, loose] = Self::names(a);
        let share = |f: usize| match v[f] {
            Some(0 | 1) if pooled => self.loose[f].share(loose[f]),
            Some(0) => self.exact[f].share(exact[f]),
            Some(1) => self.sound[f].share(sound[f]),
            _ => None,
        };
        model::Tf { share: [share(0), share(1)], pooled }
    }
}

/// Maps `items` with `f` on every core (comparisons are pure and independent), keeping order.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(8);
    if threads == 1 || items.len() < 10_000 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

/// Comparison vectors of pseudo-random pairs (a fixed sequence, so runs repeat exactly).
fn random_vectors(left: &[Prepared], right: &[Prepared], n: usize) -> Vec<Vector> {
    if left.is_empty() || right.is_empty() {
        return Vec::new();
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let n = n.min(left.len() * right.len());
    let picks: Vec<(usize, usize)> =
        (0..n).map(|_| ((next() % left.len() as u64) as usize, (next() % right.len() as u64) as usize)).collect();
    in_parallel(&picks, |&(i, j)| compare::compare(&left[i], &right[j]))
}
