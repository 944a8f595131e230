//! Candidate search at intake: one new record against every indexed child.
//!
//! The left file of `bench/linkage/synth.py` is indexed (`homeward_linkage::search::Index`);
//! records of the right file that have a true match in it are the queries, each asked for its
//! top ten. The baseline, measured in the same run, is the exhaustive search: the same query
//! compared with every indexed child. Its latency is the cost the index saves, and its top ten
//! is the best any blocking could find, so the index's recall is shown beside it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use homeward_domain::dates::PartialDate;
use homeward_linkage::search::Index;
use homeward_linkage::{Birth, Record};

pub struct Outcome {
    pub indexed: usize,
    pub build: Duration,
    pub queries: usize,
    pub latencies: Vec<Duration>,
    pub found_top1: usize,
    pub found_top10: usize,
    pub exhaustive: Vec<Duration>,
    pub exhaustive_queries: usize,
    pub exhaustive_top10: usize,
    pub index_top10_on_exhaustive: usize,
}

/// Reads a file in `homeward link`'s default schema.
pub fn read(path: &Path) -> Result<Vec<Record>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.with_context(|| format!("{}: malformed line", path.display()))?;
        let get = |i: usize| row.get(i).unwrap_or_default();
        records.push(Record {
            id: get(0).to_owned(),
            given_name: get(1).to_owned(),
            family_name: get(2).to_owned(),
            birth: PartialDate::parse(get(3)).ok().map(Birth::Date),
            sex: get(4).chars().next(),
            nationality: Some(get(5)).filter(|n| !n.is_empty()).map(str::to_owned),
            extra: Vec::new(),
        });
    }
    Ok(records)
}

pub fn run(dir: &Path, queries: usize, exhaustive_queries: usize) -> Result<Outcome> {
    let file = |name: &str| -> PathBuf { dir.join(name) };
    let left = read(&file("left.csv"))?;
    let right = read(&file("right.csv"))?;
    let mut truth: HashMap<String, String> = HashMap::new();
    let mut reader = csv::Reader::from_path(file("truth.csv")).context("cannot read truth.csv")?;
    for row in reader.records() {
        let row = row.context("truth.csv: malformed line")?;
        truth.insert(row.get(1).unwrap_or_default().to_owned(), row.get(0).unwrap_or_default().to_owned());
    }
    eprintln!("search: indexing {} records…", left.len());
    let started = Instant::now();
    let mut index = Index::default();
    for r in &left {
        index.insert(&r.id, r);
    }
    let build = started.elapsed();
    // Every k-th right record that has a true match: spread over the file, the same each run.
    let matched: Vec<&Record> = right.iter().filter(|r| truth.contains_key(&r.id)).collect();
    let step = (matched.len() / queries.max(1)).max(1);
    let asked: Vec<&Record> = matched.iter().step_by(step).take(queries).copied().collect();
    eprintln!("search: {} queries…", asked.len());
    let (mut latencies, mut found_top1, mut found_top10) = (Vec::new(), 0, 0);
    let mut top10s = Vec::new();
    for q in &asked {
        let started = Instant::now();
        let found = index.search(q, 10, |_| true);
        latencies.push(started.elapsed());
        let want = &truth[&q.id];
        found_top1 += usize::from(found.first().is_some_and(|c| c.id == want));
        let hit = found.iter().any(|c| c.id == want);
        if !hit && std::env::var_os("SEARCH_SHOW_MISSES").is_some() {
            let truth_record = left.iter().find(|r| &r.id == want);
            let all = index.search_exhaustive(q, 1000, |_| true);
            let rank = all.iter().position(|c| c.id == want);
            let why = rank.map(|r| (all[r].probability, all[r].explanation.clone()));
            let top = all.first().map(|c| (c.probability, c.explanation.clone(), left.iter().find(|r| r.id == c.id)));
            eprintln!("miss: {q:?}\n   true: {truth_record:?}\n   exhaustive rank {rank:?} {why:?}\n   first: {top:?}");
        }
        found_top10 += usize::from(hit);
        top10s.push(hit);
    }
    // The baseline: every indexed child compared, the ten best kept.
    let exhaustive_step = (asked.len() / exhaustive_queries.max(1)).max(1);
    eprintln!("search: exhaustive baseline on every {exhaustive_step}th query…");
    let (mut exhaustive, mut exhaustive_top10, mut index_top10_on_exhaustive, mut n) = (Vec::new(), 0, 0, 0);
    for (q, hit) in asked.iter().zip(&top10s).step_by(exhaustive_step).take(exhaustive_queries) {
        let started = Instant::now();
        let best = index.search_exhaustive(q, 10, |_| true);
        exhaustive.push(started.elapsed());
        let want = &truth[&q.id];
        exhaustive_top10 += usize::from(best.iter().any(|c| c.id == want));
        index_top10_on_exhaustive += usize::from(*hit);
        n += 1;
    }
    Ok(Outcome {
        indexed: left.len(),
        build,
        queries: asked.len(),
        latencies,
        found_top1,
        found_top10,
        exhaustive,
        exhaustive_queries: n,
        exhaustive_top10,
        index_top10_on_exhaustive,
    })
}

pub fn percentile_ms(samples: &[Duration], p: f64) -> f64 {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    if ms.is_empty() {
        return 0.0;
    }
    ms[((p / 100.0) * (ms.len() - 1) as f64).round() as usize]
}
