//! Detectors across cases on a synthetic store (issue 5): a background of ordinary reports with
//! known patterns planted in it ([`scenario`]), run through `homeward_risk::detect::Detector`
//! case by case in the order the children went missing (the pure engine, `detect`), or through
//! the store (`warnings`, in `warnings.rs`).
//!
//! Background, over three years: 40 % of children go missing from one of `cases / 50` places
//! whose sizes are skewed (a few big reception centres, many small homes); half have a phone
//! number and a tenth a social media handle, each their own; one case in ten is another
//! episode of a child who goes missing repeatedly (a pool of recurrent runaways, each case
//! drawn at random from it). Planted, `planted` of each: a recruiter's phone in four cases two to
//! five weeks apart; a wave from one place (a random one, busy or quiet): six children, and
//! three times the place's usual number in a fortnight more, gone within ten days; a child gone five
//! times with gaps of 120, 60, 30 and 15 days.
//!
//! Patterns are planted, and warnings counted, from the second year on (a place's usual pace is
//! learnt from its past year). For each planted pattern: found or not, and the delay, in cases of
//! the pattern, from the case that makes it detectable (the second phone case, the second
//! episode; for a wave, the first child at which the wave alone passes the place test at the
//! rules' false-alarm rate) to the first warning. Precision is over the warnings of a kind: how
//! many are about a planted pattern. The background's recurrent runaways raise true repeat
//! warnings too, so precision is not reported for repeats. The trend detector runs on weekly
//! counts of its own ([`surges`]).

use std::time::{Duration, Instant};

use homeward_domain::CaseId;
use homeward_domain::case::MissingFromKind;
use homeward_domain::records::IdentifierKind;
use homeward_risk::detect::{self, CaseFacts, Detector, History, Place, Rules, WarningKind};
use homeward_risk::trend::{TrendRules, WEEKS_A_YEAR, rise};
use time::OffsetDateTime;

/// What the benchmark measured.
pub struct Outcome {
    pub cases: usize,
    pub total: Duration,
    /// The same cases only filed (pushed to a list), for the ratio.
    pub baseline: Duration,
    pub latencies: Vec<Duration>,
    /// Per pattern kind: planted, found, delays in cases, warnings of that kind, of them about a
    /// planted pattern.
    pub patterns: Vec<Pattern>,
    pub surges: Surges,
}

/// The trend detector on planted regional surges.
pub struct Surges {
    pub planted: usize,
    /// Planted surge weeks that alarmed.
    pub found: usize,
    /// Region-weeks that alarmed, planted or not, and how many were tested.
    pub alarms: usize,
    pub tested: usize,
}

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One planted pattern: its kind, the key its warning must have, and its cases in order.
#[derive(Clone)]
pub struct Planted {
    pub kind: WarningKind,
    pub key: String,
    pub cases: Vec<CaseId>,
    /// Which of its cases (0-based) makes it detectable: the second phone case, the second
    /// episode; for a wave, the first child at which the wave alone would pass the place test at
    /// the rules' false-alarm rate, given the place's past year (never before the third).
    pub detectable: usize,
    /// Whether its own cases alone pass its detector's test (always, but for a wave at a busy
    /// place, which needs the place's other departures in the window too).
    pub passes_alone: bool,
}

/// The synthetic store: every case in the order the children went missing, and the truth.
pub struct Scenario {
    pub cases: Vec<CaseFacts>,
    pub truth: Vec<Planted>,
    /// Warnings are counted from here (a place's usual pace is learnt from the year before).
    pub counted_from: OffsetDateTime,
}

/// The scenario's first day. Three years from here end before today, so a store accepts every
/// report as past.
const START: OffsetDateTime = time::macros::datetime!(2023-06-01 00:00 UTC);

pub fn scenario(cases: usize, planted: usize, rules: &Rules, rng: &mut Rng) -> Scenario {
    let span = 3 * 365 * 24 * 60;
    let at = |minute: u64| START + time::Duration::minutes(minute as i64);
    let mut next_id = 0u128;
    let mut new_case = |when: OffsetDateTime| {
        next_id += 1;
        CaseFacts::new(CaseId(uuid::Uuid::from_u128(next_id)), when)
    };
    let places = (cases / 50).max(1) as u64;
    let place = |i: u64| Place::new(MissingFromKind::ReceptionCentre, &format!("place {i}"));
    let recurrent = (cases / 40).max(1) as u64;
    let mut all = Vec::with_capacity(cases + planted * 20);
    for i in 0..cases {
        let mut c = new_case(at(rng.below(span)));
        if rng.below(10) < 4 {
            // Skewed: a place drawn as the square of a uniform number is more often a low one.
            let u = rng.below(1 << 20) as f64 / f64::from(1 << 20);
            c.missing_from = place((u * u * places as f64) as u64);
        }
        if rng.below(2) == 0 {
            // Each its own (numbers drawn at random would share some by chance, which real
            // numbers do not).
            c = c.with_identifier(IdentifierKind::Phone, &format!("+30 69{i:08}"));
        }
        if rng.below(10) == 0 {
            c = c.with_identifier(IdentifierKind::SocialHandle, &format!("@user{}", rng.next()));
        }
        if rng.below(10) == 0 {
            c.child = Some(format!("recurrent {}", rng.below(recurrent)));
        }
        all.push(c);
    }
    // Each place's background departures, by minute, for the waves' size and detectability.
    let mut by_place: std::collections::HashMap<Place, Vec<OffsetDateTime>> = std::collections::HashMap::new();
    for c in &all {
        if let Some(p) = &c.missing_from {
            by_place.entry(p.clone()).or_default().push(c.missing_at);
        }
    }
    let known_places = by_place.len();
    let mut truth = Vec::new();
    let day = 24 * 60;
    // Patterns are planted, and warnings counted, from the second year on: a place's usual pace
    // is learnt from its past year, which a store being installed has from its import.
    let year = 365 * day;
    for k in 0..planted {
        let phone = format!("+30 697 {k:07}");
        let first = year + rng.below(span - year - 200 * day);
        let mut ids = Vec::new();
        let mut when = first;
        for _ in 0..4 {
            let c = new_case(at(when)).with_identifier(IdentifierKind::Phone, &phone);
            ids.push(c.case);
            all.push(c);
            when += (14 + rng.below(22)) * day;
        }
        let key =
            format!("identifier:phone number:{}", all.last().map_or(String::new(), |c| c.identifiers[0].1.clone()));
        truth.push(Planted { kind: WarningKind::SharedIdentifier, key, cases: ids, detectable: 1, passes_alone: true });

        // A wave: six children, and three times as many as usually leave the place in a
        // fortnight more, gone within ten days. Six more than usual at a centre that sees twenty
        // a fortnight is no wave, and across 20,000 places six in a fortnight from a place that
        // loses ten a year happen by chance several times a year somewhere.
        let wave_place = place(rng.below(places));
        let first = year + rng.below(span - year - 20 * day);
        let window_start = at(first) - rules.place_window;
        let place_year = wave_place.as_ref().and_then(|p| by_place.get(p)).map_or(0, |times| {
            times.iter().filter(|t| **t >= window_start - time::Duration::days(365) && **t < window_start).count()
        });
        let fortnight = place_year as f64 * 14.0 / 365.0;
        let size = 6 + (3.0 * fortnight).ceil() as usize;
        let history = History { place_year, places: known_places };
        let passes = (3..=size).find(|&n| detect::place_chance(n, history, rules) < rules.place_alpha);
        let detectable = passes.unwrap_or(size) - 1;
        let mut ids = Vec::new();
        let mut times: Vec<u64> = (0..size).map(|_| first + rng.below(10 * day)).collect();
        times.sort_unstable();
        for when in times {
            let c = CaseFacts { missing_from: wave_place.clone(), ..new_case(at(when)) };
            ids.push(c.case);
            all.push(c);
        }
        let key = wave_place.as_ref().map_or(String::new(), |p| format!("place:reception centre:{}", p.key));
        truth.push(Planted {
            kind: WarningKind::PlaceCluster,
            key,
            cases: ids,
            detectable,
            passes_alone: passes.is_some(),
        });

        let child = format!("planted child {k}");
        let mut when = year + rng.below(span - year - 230 * day);
        let mut ids = Vec::new();
        for gap in [120, 60, 30, 15, 0] {
            let c = CaseFacts { child: Some(child.clone()), ..new_case(at(when)) };
            ids.push(c.case);
            all.push(c);
            when += gap * day;
        }
        truth.push(Planted {
            kind: WarningKind::RepeatEpisodes,
            key: format!("child:{child}"),
            cases: ids,
            detectable: 1,
            passes_alone: true,
        });
    }
    all.sort_by_key(|c| (c.missing_at, c.case));
    Scenario { cases: all, truth, counted_from: at(year) }
}

pub fn run(cases: usize, planted: usize, rules: Rules, trend: &TrendRules) -> anyhow::Result<Outcome> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let Scenario { cases: all, truth, counted_from } = scenario(cases, planted, &rules, &mut rng);

    // The baseline: the same cases only filed.
    let started = Instant::now();
    let mut filed: Vec<CaseFacts> = Vec::with_capacity(all.len());
    for c in &all {
        filed.push(c.clone());
    }
    let baseline = started.elapsed();
    drop(filed);

    let mut detector = Detector::new(rules);
    let mut latencies = Vec::with_capacity(all.len());
    // Every warning a case raised or joined: its kind, its key, the case.
    let mut events: Vec<(WarningKind, String, CaseId)> = Vec::new();
    let started = Instant::now();
    for c in all {
        let (id, when) = (c.case, c.missing_at);
        let t = Instant::now();
        let found = detector.add(c);
        latencies.push(t.elapsed());
        if when >= counted_from {
            events.extend(found.into_iter().map(|w| (w.kind, w.key, id)));
        }
    }
    let total = started.elapsed();
    let patterns = score(&truth, &events);
    let surges = surges(&mut rng, planted, trend);
    Ok(Outcome { cases: latencies.len(), total, baseline, latencies, patterns, surges })
}

/// Per pattern kind: planted, found, delays (in cases of the pattern, from the case that makes it
/// detectable), warnings of that kind raised or joined, and of them by planted cases.
pub fn score(truth: &[Planted], events: &[(WarningKind, String, CaseId)]) -> Vec<Pattern> {
    let mut patterns = Vec::new();
    let mut kinds = vec![WarningKind::SharedIdentifier, WarningKind::PlaceCluster, WarningKind::RepeatEpisodes];
    if truth.iter().any(|p| p.kind == WarningKind::Trend) {
        kinds.push(WarningKind::Trend);
    }
    for kind in kinds {
        let of_kind: Vec<&Planted> = truth.iter().filter(|p| p.kind == kind).collect();
        let mut delays = Vec::new();
        let mut missed_alone = 0;
        for p in &of_kind {
            // The first of the pattern's own cases that raised or joined its warning.
            let raised =
                p.cases.iter().position(|c| events.iter().any(|(k, key, by)| *k == kind && *key == p.key && by == c));
            match raised {
                Some(position) => delays.push(position as i64 - p.detectable as i64),
                None => {
                    missed_alone += usize::from(p.passes_alone);
                    if std::env::var_os("HOMEWARD_BENCH_DEBUG").is_some() {
                        eprintln!("missed: {:?} {}", p.kind, p.key);
                    }
                }
            }
        }
        let planted_cases: std::collections::HashSet<CaseId> = of_kind.iter().flat_map(|p| p.cases.clone()).collect();
        let of_kind_events: Vec<&CaseId> = events.iter().filter(|(k, _, _)| *k == kind).map(|(_, _, by)| by).collect();
        let about_planted = of_kind_events.iter().filter(|by| planted_cases.contains(by)).count();
        let passes_alone = of_kind.iter().filter(|p| p.passes_alone).count();
        patterns.push(Pattern {
            kind,
            label: format!("{kind:?}"),
            planted: of_kind.len(),
            passes_alone,
            missed_alone,
            found: delays.len(),
            delays,
            events: of_kind_events.len(),
            about_planted,
        });
    }
    patterns
}

/// How one detector did on its planted patterns.
pub struct Pattern {
    pub kind: WarningKind,
    /// What the table calls it: the kind, or a part of it (`Trend (region)`).
    pub label: String,
    pub planted: usize,
    /// Planted patterns whose own cases alone pass the detector's test, and of them not found.
    pub passes_alone: usize,
    pub missed_alone: usize,
    pub found: usize,
    /// Per pattern found, in its cases: when it was raised less when it became detectable.
    pub delays: Vec<i64>,
    /// Warnings of the kind raised or joined, and of them by planted cases.
    pub events: usize,
    pub about_planted: usize,
}

/// The trend detector on weekly counts of reports in 50 regions over three years: each region's
/// usual pace (1 to 12 a week) rises by half in the summer weeks (24 to 35), counts are drawn
/// from a Poisson distribution, and `planted` surges add three times the usual pace, and five
/// reports more, to one week of one region in the second or third year. Every region-week of
/// those two years is tested, as the week closes.
fn surges(rng: &mut Rng, planted: usize, rules: &TrendRules) -> Surges {
    let (regions, weeks) = (50, 3 * WEEKS_A_YEAR);
    let mut series: Vec<Vec<u32>> = Vec::with_capacity(regions);
    let mut paces = Vec::with_capacity(regions);
    for _ in 0..regions {
        let pace = 1.0 + rng.below(12) as f64;
        paces.push(pace);
        let counts = (0..weeks)
            .map(|w| {
                let summer = (24..36).contains(&(w % WEEKS_A_YEAR));
                poisson(rng, if summer { pace * 1.5 } else { pace })
            })
            .collect();
        series.push(counts);
    }
    let mut truth = std::collections::HashSet::new();
    while truth.len() < planted {
        let (r, w) =
            (rng.below(regions as u64) as usize, WEEKS_A_YEAR + rng.below((weeks - WEEKS_A_YEAR) as u64) as usize);
        if truth.insert((r, w)) {
            series[r][w] += poisson(rng, 3.0 * paces[r]) + 5;
        }
    }
    let (mut alarms, mut about_planted) = (0, 0);
    for (r, counts) in series.iter().enumerate() {
        for w in WEEKS_A_YEAR..weeks {
            if rise(&counts[..=w], rules).is_some() {
                alarms += 1;
                about_planted += usize::from(truth.contains(&(r, w)));
            } else if truth.contains(&(r, w)) && std::env::var_os("HOMEWARD_BENCH_DEBUG").is_some() {
                eprintln!(
                    "missed surge: region {r} pace {} week {w} ({}): {:?}",
                    paces[r],
                    w % WEEKS_A_YEAR,
                    &counts[w.saturating_sub(60)..=w]
                );
            }
        }
    }
    Surges { planted, found: about_planted, alarms, tested: regions * (weeks - WEEKS_A_YEAR) }
}

/// A Poisson count (Knuth's method, for the small means here).
fn poisson(rng: &mut Rng, mean: f64) -> u32 {
    let limit = (-mean).exp();
    let (mut k, mut p) = (0, 1.0);
    loop {
        p *= (rng.below(1 << 30) as f64 + 0.5) / f64::from(1 << 30);
        if p <= limit {
            return k;
        }
        k += 1;
    }
}
