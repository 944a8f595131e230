//! Fellegi–Sunter scoring. For each field and agreement level, `m` is the chance of that level
//! among true matches and `u` among non-matches; a pair's weight is the prior log-odds that two
//! random records match plus log2(m/u) of each field. `u` is counted on random pairs, which are
//! almost all non-matches. `m` of the fields other than the names is counted on anchors, pairs
//! whose two names agree exactly and are found once on each side (almost always one child);
//! `m` of the names is estimated by expectation maximisation on pairs that share a date of
//! birth (the date left out, since it was chosen to agree). An exact name match is weighed by
//! how common the name is (term frequency): two "Mohammed"s say less than two "Ilias"es. Sex
//! and nationality follow from a name, so when a name agrees they are weighed by how often they
//! agree by chance among pairs whose names agree (`u_names_agree`), not counted twice.

use std::collections::HashMap;

use crate::compare::{FIELDS, Vector, levels};

/// What a pair's names say beyond their levels: for a name that agrees exactly or by sound,
/// how common that name or sound is (its share of all names), which replaces `u`; and whether
/// either record is in Arabic letters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tf {
    pub share: [Option<f64>; 2],
    /// Either record is written in Arabic letters, which leave out short vowels: there, two
    /// names that agree exactly agree only in their consonants, as names agreeing by sound do,
    /// and the two levels weigh alike (`share` is then the share of the loose sound).
    pub pooled: bool,
}

/// One field's contribution to a pair's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub field: std::sync::Arc<str>,
    pub level: &'static str,
    /// log2(m / u): positive for evidence of a match.
    pub weight: f64,
}

/// A fitted model.
#[derive(Debug, Clone)]
pub struct Model {
    /// The fields' names: the built-in ones, then the extra columns.
    pub fields: Vec<std::sync::Arc<str>>,
    pub m: Vec<Vec<f64>>,
    /// Among random pairs: how often two records agree by chance.
    pub u: Vec<Vec<f64>>,
    /// The same among random pairs whose names agree (exactly or by sound). Sex and
    /// nationality follow from a name (Eleni is a Greek girl), so among such pairs they agree
    /// far more often by chance; counting them as independent evidence would count the name
    /// twice.
    pub u_names_agree: Vec<Vec<f64>>,
    /// The chance that two random records are the same child.
    pub lambda: f64,
}

/// The fields that follow from a name: sex and nationality.
const DEPENDENT: [usize; 2] = [3, 4];

/// Whether either name agrees exactly or by sound.
fn names_agree(v: &Vector) -> bool {
    v.iter().take(2).any(|l| l.is_some_and(|l| l <= 1))
}

/// How many pairs' worth of weight the priors of `m` keep during estimation.
const PRIOR_WEIGHT: f64 = 20.0;

/// Chance agreement in a large registry: how the random pairs' counts start. (Of births, a
/// year alone meets the same year by chance once in about sixteen, as children's births span
/// that many years, and one of the two years either side about twice as often.)
const PRIOR_U: [&[f64]; 5] = [
    &[0.002, 0.002, 0.002, 0.01, 0.984],
    &[0.001, 0.001, 0.002, 0.006, 0.99],
    &[0.0002, 0.0005, 0.001, 0.005, 0.012, 0.9813],
    &[0.5, 0.5],
    &[0.3, 0.7],
];

/// How many random pairs' worth the chance-agreement priors weigh.
const PRIOR_U_WEIGHT: f64 = 200.0;

/// Priors of an extra column (exact, very similar, similar, different).
const PRIOR_U_EXTRA: &[f64] = &[0.01, 0.01, 0.05, 0.93];
const PRIOR_M_EXTRA: &[f64] = &[0.85, 0.08, 0.04, 0.03];

fn prior_u(f: usize) -> &'static [f64] {
    PRIOR_U.get(f).copied().unwrap_or(PRIOR_U_EXTRA)
}

fn prior_m(f: usize) -> &'static [f64] {
    PRIOR_M.get(f).copied().unwrap_or(PRIOR_M_EXTRA)
}

const PRIOR_M: [&[f64]; 5] = [
    &[0.80, 0.10, 0.05, 0.03, 0.02],
    &[0.80, 0.10, 0.05, 0.03, 0.02],
    &[0.70, 0.10, 0.04, 0.08, 0.06, 0.02],
    &[0.97, 0.03],
    &[0.95, 0.05],
];

impl Model {
    /// Counts `u` from comparison vectors of (mostly) non-matching random pairs, starting from
    /// what agreement by chance looks like in a large registry, so that small files are not
    /// judged on a handful of pairs.
    pub fn with_u(random: &[Vector], extra: &[String]) -> Self {
        let fields: Vec<std::sync::Arc<str>> = FIELDS
            .iter()
            .map(|f| std::sync::Arc::from(*f))
            .chain(extra.iter().map(|e| std::sync::Arc::from(e.as_str())))
            .collect();
        let count = |f: usize, prior: &[f64], weight: f64, pairs: &mut dyn Iterator<Item = &Vector>| {
            let mut counts: Vec<f64> = prior.iter().map(|p| p * weight).collect();
            for v in pairs {
                if let Some(level) = v[f] {
                    counts[usize::from(level)] += 1.0;
                }
            }
            let total: f64 = counts.iter().sum();
            counts.into_iter().map(|c| c / total).collect::<Vec<f64>>()
        };
        let u: Vec<Vec<f64>> =
            (0..fields.len()).map(|f| count(f, prior_u(f), PRIOR_U_WEIGHT, &mut random.iter())).collect();
        // Sex and nationality among pairs whose names agree: names agree by chance rarely, so
        // the prior (the unconditional share) weighs little and the few such pairs speak.
        let u_names_agree = (0..fields.len())
            .map(|f| {
                if DEPENDENT.contains(&f) {
                    count(f, &u[f], 10.0, &mut random.iter().filter(|v| names_agree(v)))
                } else {
                    u[f].clone()
                }
            })
            .collect();
        let m = (0..fields.len()).map(|f| prior_m(f).to_vec()).collect();
        Self { fields, m, u, u_names_agree, lambda: 1e-4 }
    }

    /// Estimates `m` of every field but `left_out` and `frozen` by expectation maximisation
    /// over `pairs`, keeping `u` as counted on random pairs; `frozen` fields weigh in with the
    /// `m` they have. Returns the share of matches among `pairs`.
    pub fn fit(&mut self, pairs: &[Vector], left_out: &[usize], frozen: &[usize], rounds: usize) -> f64 {
        let mut share: f64 = 0.5;
        if pairs.is_empty() {
            return 0.0;
        }
        for _ in 0..rounds {
            let mut sums: Vec<Vec<f64>> =
                (0..self.fields.len()).map(|f| prior_m(f).iter().map(|x| x * PRIOR_WEIGHT).collect()).collect();
            let mut total = 0.0;
            for v in pairs {
                let u = if names_agree(v) { &self.u_names_agree } else { &self.u };
                let w: f64 = v
                    .iter()
                    .enumerate()
                    .filter(|(f, _)| !left_out.contains(f))
                    .filter_map(|(f, l)| l.map(|l| (self.m[f][usize::from(l)] / u[f][usize::from(l)]).log2()))
                    .sum();
                let p = to_probability((share / (1.0 - share)).log2() + w);
                total += p;
                for (f, level) in v.iter().enumerate() {
                    if let Some(level) = level {
                        sums[f][usize::from(*level)] += p;
                    }
                }
            }
            for (f, row) in sums.into_iter().enumerate() {
                if left_out.contains(&f) || frozen.contains(&f) {
                    continue;
                }
                let n: f64 = row.iter().sum();
                self.m[f] = row.into_iter().map(|x| x / n).collect();
            }
            share = (total / pairs.len() as f64).clamp(1e-6, 0.999);
        }
        share
    }

    /// Sets `m` of every field but `left_out` to its shares among `matches` (pairs taken to be
    /// the same child), starting from the priors.
    pub fn count_m(&mut self, matches: &[Vector], left_out: &[usize]) {
        for f in (0..self.fields.len()).filter(|f| !left_out.contains(f)) {
            let mut counts: Vec<f64> = prior_m(f).iter().map(|x| x * PRIOR_WEIGHT).collect();
            for v in matches {
                if let Some(level) = v[f] {
                    counts[usize::from(level)] += 1.0;
                }
            }
            let n: f64 = counts.iter().sum();
            self.m[f] = counts.into_iter().map(|x| x / n).collect();
        }
    }

    /// The prior log-odds that two random records are the same child.
    fn prior_weight(&self) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
    }

    /// Each field's contribution; `tf` says how common a name that agrees exactly or by sound
    /// is, which replaces `u`.
    ///
    /// When a name agrees, sex and nationality are weighed by how often they agree among pairs
    /// whose names agree. When no name agrees they are weighed the way that gives them less, so
    /// that a name coming to agree can never lower a pair's probability through that switch:
    /// the probability never falls as any one field agrees more closely.
    pub fn explain(&self, v: &Vector, tf: Tf) -> Vec<Contribution> {
        let conditional = self.conditional(v);
        v.iter()
            .enumerate()
            .filter_map(|(f, level)| {
                let level = usize::from((*level)?);
                let weight = self.field_weight(f, level, tf, conditional);
                Some(Contribution { field: self.fields[f].clone(), level: levels(f)[level], weight })
            })
            .collect()
    }

    /// The sum of [`Model::explain`]'s weights, without building the explanation: what a
    /// search ranks thousands of candidates by before it explains the ten it keeps.
    pub fn total_weight(&self, v: &Vector, tf: Tf) -> f64 {
        let conditional = self.conditional(v);
        v.iter()
            .enumerate()
            .filter_map(|(f, level)| level.map(|l| self.field_weight(f, usize::from(l), tf, conditional)))
            .sum()
    }

    /// Whether sex and nationality are weighed by their chance agreement among pairs whose
    /// names agree: when a name agrees, or when that weighs them less.
    fn conditional(&self, v: &Vector) -> bool {
        let dependent = |u: &[Vec<f64>]| -> f64 {
            DEPENDENT.iter().filter_map(|&f| v.get(f).copied().flatten().map(|l| self.weight_in(u, f, l.into()))).sum()
        };
        names_agree(v) || dependent(&self.u_names_agree) < dependent(&self.u)
    }

    fn field_weight(&self, f: usize, level: usize, tf: Tf, conditional: bool) -> f64 {
        if f < 2 && level <= 1 {
            self.name_weight(f, level, tf)
        } else if conditional && DEPENDENT.contains(&f) {
            self.weight_in(&self.u_names_agree, f, level)
        } else {
            self.weight(f, level)
        }
    }

    /// The weight of a name that agrees exactly (`level` 0) or by sound (1): how common that
    /// name or sound is replaces `u`, never below the next level down nor above a closer one.
    fn name_weight(&self, f: usize, level: usize, tf: Tf) -> f64 {
        // Against Arabic letters a name cannot agree more closely than in its consonants: the
        // two closest levels are one, which true matches reach as often as either level
        // elsewhere. (Were exact agreement between two names in Arabic letters weighed above
        // agreement by sound with the same name in Latin letters, another child written in
        // Arabic letters would come before the child written in Latin ones.)
        let pooled = tf.pooled;
        let m = if pooled { self.m[f][0] + self.m[f][1] } else { self.m[f][level] };
        let ceiling = if level == 0 || pooled { f64::INFINITY } else { self.weight(f, 0) };
        // Exact agreement never below agreement by sound of the same pair.
        let floor = if level == 0 && !pooled { self.name_weight(f, 1, tf) } else { self.weight(f, 2) };
        let weight = match tf.share[f] {
            Some(freq) => (m / freq.max(1e-7)).log2(),
            None if pooled => (m / (self.u[f][0] + self.u[f][1])).log2(),
            None => self.weight(f, level),
        };
        weight.min(ceiling).max(floor)
    }

    /// log2(m / u) of a level, made non-increasing from the closest level to the farthest, so
    /// that closer agreement can never lower a pair's probability whatever the data taught.
    fn weight(&self, f: usize, level: usize) -> f64 {
        self.weight_in(&self.u, f, level)
    }

    fn weight_in(&self, u: &[Vec<f64>], f: usize, level: usize) -> f64 {
        (0..=level).map(|l| (self.m[f][l] / u[f][l]).log2()).fold(f64::INFINITY, f64::min)
    }

    /// The match probability of a pair from its contributions.
    pub fn probability(&self, contributions: &[Contribution]) -> f64 {
        to_probability(self.prior_weight() + contributions.iter().map(|c| c.weight).sum::<f64>())
    }
}

fn to_probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

/// How often each normalised name occurs, for term-frequency adjustment.
#[derive(Debug, Default)]
pub struct Frequencies {
    counts: HashMap<String, u32>,
    total: u32,
}

impl Frequencies {
    pub fn add(&mut self, name: &str) {
        if !name.is_empty() {
            *self.counts.entry(name.to_owned()).or_default() += 1;
            self.total += 1;
        }
    }

    /// Forgets one occurrence of `name` (a record replaced or erased).
    pub fn remove(&mut self, name: &str) {
        if let Some(n) = self.counts.get_mut(name) {
            *n -= 1;
            self.total -= 1;
            if *n == 0 {
                self.counts.remove(name);
            }
        }
    }

    /// The share of all names that are this one.
    pub fn share(&self, name: &str) -> Option<f64> {
        let n = *self.counts.get(name)?;
        Some(f64::from(n) / f64::from(self.total.max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let mut random = Vec::new();
        for i in 0..1000u32 {
            random.push(vec![
                Some(4),
                Some(4),
                Some(if i % 10 == 0 { 4 } else { 5 }),
                Some((i % 2) as u8),
                Some(0),
                Some(3),
            ]);
        }
        Model::with_u(&random, &["document".to_owned()])
    }

    #[test]
    fn more_agreement_never_lowers_the_probability() {
        let m = model();
        for f in 0..m.fields.len() {
            let count = levels(f).len() as u8;
            for better in 0..count {
                for worse in better..count {
                    let mut a: Vector = vec![Some(2), Some(2), Some(2), Some(0), Some(0), Some(1)];
                    let mut b = a.clone();
                    a[f] = Some(better);
                    b[f] = Some(worse);
                    let (pa, pb) =
                        (m.probability(&m.explain(&a, Tf::default())), m.probability(&m.explain(&b, Tf::default())));
                    assert!(pa >= pb, "field {f}: level {better} gives {pa}, level {worse} gives {pb}");
                }
            }
        }
    }

    /// A model whose random pairs include names that agree, with sex and nationality that
    /// follow the names, so that the weights of sex and nationality depend on the names.
    fn dependent_model() -> Model {
        let mut random = Vec::new();
        for i in 0..2000u32 {
            let agree = i % 20 == 0;
            let name = if agree { (i % 40 == 0) as u8 } else { 2 + (i % 3) as u8 };
            let follows = |spread: u32| Some(if agree || i % spread == 0 { 0 } else { 1 });
            random.push(vec![Some(name), Some(4 - (i % 2) as u8), Some(5 - (i % 3) as u8), follows(2), follows(5)]);
        }
        let mut m = Model::with_u(&random, &[]);
        m.lambda = 1e-5;
        m
    }

    #[test]
    fn closer_agreement_of_any_field_never_lowers_the_probability() {
        let m = dependent_model();
        let counts: Vec<u8> = (0..5).map(|f| levels(f).len() as u8).collect();
        let tfs = [
            Tf::default(),
            Tf { share: [Some(0.05), Some(0.2)], pooled: false },
            Tf { share: [Some(1e-5), None], pooled: true },
            Tf { share: [None, Some(1e-4)], pooled: true },
        ];
        let mut vectors: Vec<Vector> = vec![Vec::new()];
        for &count in &counts {
            vectors = vectors
                .into_iter()
                .flat_map(|v| {
                    (0..=count).map(move |l| {
                        let mut v = v.clone();
                        v.push((l < count).then_some(l));
                        v
                    })
                })
                .collect();
        }
        for tf in tfs {
            for v in &vectors {
                let p = m.probability(&m.explain(v, tf));
                for f in 0..5 {
                    if let Some(level) = v[f].filter(|l| *l > 0) {
                        let mut closer = v.clone();
                        closer[f] = Some(level - 1);
                        let q = m.probability(&m.explain(&closer, tf));
                        assert!(q >= p - 1e-12, "{tf:?}: {v:?} gives {p}, field {f} closer gives {q}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_common_name_counts_for_less_than_a_rare_one() {
        let m = model();
        let v: Vector = vec![Some(0), Some(0), Some(0), Some(0), None, None];
        let tf = |share| Tf { share: [Some(share); 2], pooled: false };
        let common = m.probability(&m.explain(&v, tf(0.05)));
        let rare = m.probability(&m.explain(&v, tf(0.0001)));
        assert!(rare > common, "rare {rare} common {common}");
    }
}
