//! Fellegi–Sunter scoring. For each field and agreement level, `m` is the chance of that level
//! among true matches and `u` among non-matches. `u` is counted on random pairs (almost all of
//! which are non-matches); `m` and the share of matches are estimated by expectation
//! maximisation over the blocked pairs, starting from priors. An exact name match is weighed by
//! how common the name is (term frequency): two "Mohammed"s say less than two "Ilias"es.

use std::collections::HashMap;

use crate::compare::{FIELDS, LEVELS, Vector};

/// One field's contribution to a pair's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub field: &'static str,
    pub level: &'static str,
    /// log2(m / u): positive for evidence of a match.
    pub weight: f64,
}

/// A fitted model.
#[derive(Debug, Clone)]
pub struct Model {
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    /// The prior share of matches among compared pairs.
    pub lambda: f64,
}

const PRIOR_M: [&[f64]; 5] = [
    &[0.80, 0.10, 0.05, 0.03, 0.02],
    &[0.80, 0.10, 0.05, 0.03, 0.02],
    &[0.75, 0.12, 0.06, 0.05, 0.02],
    &[0.97, 0.03],
    &[0.95, 0.05],
];

impl Model {
    /// Counts `u` from comparison vectors of (mostly) non-matching random pairs.
    pub fn with_u(random: &[Vector]) -> Self {
        let u = (0..FIELDS.len())
            .map(|f| {
                let mut counts = vec![1.0; LEVELS[f].len()];
                for v in random {
                    if let Some(level) = v[f] {
                        counts[usize::from(level)] += 1.0;
                    }
                }
                let total: f64 = counts.iter().sum();
                counts.into_iter().map(|c| c / total).collect()
            })
            .collect();
        Self { m: PRIOR_M.iter().map(|p| p.to_vec()).collect(), u, lambda: 0.01 }
    }

    /// Estimates `m` and `lambda` by expectation maximisation over the blocked pairs.
    pub fn fit_m(&mut self, pairs: &[Vector], rounds: usize) {
        if pairs.is_empty() {
            return;
        }
        for _ in 0..rounds {
            let mut sums: Vec<Vec<f64>> = PRIOR_M.iter().map(|p| p.iter().map(|x| x * 2.0).collect()).collect();
            let mut total = 0.0;
            for v in pairs {
                let p = self.probability_plain(v);
                total += p;
                for (f, level) in v.iter().enumerate() {
                    if let Some(level) = level {
                        sums[f][usize::from(*level)] += p;
                    }
                }
            }
            for (f, row) in sums.into_iter().enumerate() {
                let n: f64 = row.iter().sum();
                self.m[f] = row.into_iter().map(|x| x / n).collect();
            }
            self.lambda = (total / pairs.len() as f64).clamp(1e-6, 0.999);
        }
    }

    fn probability_plain(&self, v: &Vector) -> f64 {
        let w: f64 = v.iter().enumerate().filter_map(|(f, l)| l.map(|l| self.weight(f, usize::from(l)))).sum();
        to_probability(self.prior_weight() + w)
    }

    fn prior_weight(&self) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
    }

    /// Each field's contribution; `tf` gives, for an exact name agreement, how common the name
    /// is (its share of all names), which replaces `u` when it is rarer or commoner than average.
    pub fn explain(&self, v: &Vector, tf: [Option<f64>; 2]) -> Vec<Contribution> {
        v.iter()
            .enumerate()
            .filter_map(|(f, level)| {
                let level = usize::from((*level)?);
                let mut weight = self.weight(f, level);
                if level == 0
                    && f < 2
                    && let Some(freq) = tf[f]
                {
                    // Never below what a weaker agreement would earn.
                    let adjusted = (self.m[f][0] / freq.max(1e-7)).log2();
                    weight = adjusted.max(self.weight(f, 1));
                }
                Some(Contribution { field: FIELDS[f], level: LEVELS[f][level], weight })
            })
            .collect()
    }

    /// log2(m / u) of a level, made non-increasing from the closest level to the farthest, so
    /// that closer agreement can never lower a pair's probability whatever the data taught.
    fn weight(&self, f: usize, level: usize) -> f64 {
        (0..=level).map(|l| (self.m[f][l] / self.u[f][l]).log2()).fold(f64::INFINITY, f64::min)
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
            random.push([Some(4), Some(4), Some(if i % 10 == 0 { 3 } else { 4 }), Some((i % 2) as u8), Some(0)]);
        }
        Model::with_u(&random)
    }

    #[test]
    fn more_agreement_never_lowers_the_probability() {
        let m = model();
        for f in 0..FIELDS.len() {
            let levels = LEVELS[f].len() as u8;
            for better in 0..levels {
                for worse in better..levels {
                    let mut a: Vector = [Some(2), Some(2), Some(2), Some(0), Some(0)];
                    let mut b = a;
                    a[f] = Some(better);
                    b[f] = Some(worse);
                    let (pa, pb) = (m.probability(&m.explain(&a, [None; 2])), m.probability(&m.explain(&b, [None; 2])));
                    assert!(pa >= pb, "field {f}: level {better} gives {pa}, level {worse} gives {pb}");
                }
            }
        }
    }

    #[test]
    fn a_common_name_counts_for_less_than_a_rare_one() {
        let m = model();
        let v: Vector = [Some(0), Some(0), Some(0), Some(0), None];
        let common = m.probability(&m.explain(&v, [Some(0.05), Some(0.05)]));
        let rare = m.probability(&m.explain(&v, [Some(0.0001), Some(0.0001)]));
        assert!(rare > common, "rare {rare} common {common}");
    }
}
