//! Detectors across cases: the patterns one operator, who sees one call, cannot see. The same
//! child missing again and again; several children gone from one reception centre within days;
//! the same phone number behind different disappearances.
//!
//! Each detector is a function of a new case and the earlier cases that share something with it
//! (the same child, place or identifier: the store finds those through its indexes), so a
//! warning is raised by the very case that makes its pattern detectable, not by a nightly
//! batch. [`scan`] runs every detector over a whole set of cases at once (a full re-evaluation);
//! a test holds that it finds exactly what [`detect`] finds case by case.
//!
//! A warning is keyed by what it is about (the identifier, the place, the child), so the store
//! keeps one warning per key and adds the cases that join it. A warning is never a verdict: it
//! names its cases and its evidence for a supervisor to check.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use homeward_domain::CaseId;
use homeward_domain::case::MissingFromKind;
use homeward_domain::records::IdentifierKind;
use homeward_domain::text::{normalise_identifier, tokens};
pub use homeward_domain::warning::{Level, WarningKind};
use time::{Duration, OffsetDateTime};

/// What the detectors read of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFacts {
    pub case: CaseId,
    /// When the child went missing (last seen).
    pub missing_at: OffsetDateTime,
    /// The child's identity across cases (confirmed linkage), when known.
    pub child: Option<String>,
    /// The institution, reception centre or placement the child went missing from.
    pub missing_from: Option<Place>,
    /// Identifiers linked to the case, normalised ([`CaseFacts::with_identifier`]).
    pub identifiers: Vec<(IdentifierKind, String)>,
    /// The case's child is only probably `child`: record linkage found a likely match that no
    /// person has confirmed yet.
    pub probable: bool,
}

/// A place children go missing from, by its kind and its name folded to a key, so that
/// `Reception Centre Lesvos` and `reception centre  LESVOS` are one place.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    pub kind: MissingFromKind,
    pub key: String,
}

impl Place {
    /// A named place; `None` for a home (a family's home is no cluster of children) or a place
    /// without a name.
    pub fn new(kind: MissingFromKind, name: &str) -> Option<Self> {
        let key = tokens(name).join(" ");
        (kind != MissingFromKind::Home && !key.is_empty()).then_some(Self { kind, key })
    }
}

impl CaseFacts {
    pub fn new(case: CaseId, missing_at: OffsetDateTime) -> Self {
        Self { case, missing_at, child: None, missing_from: None, identifiers: Vec::new(), probable: false }
    }

    /// Adds an identifier as written (`+30 690 000 1234`); it is kept normalised.
    pub fn with_identifier(mut self, kind: IdentifierKind, value: &str) -> Self {
        let normalised = normalise_identifier(kind, value);
        if !normalised.is_empty() && !self.identifiers.contains(&(kind, normalised.clone())) {
            self.identifiers.push((kind, normalised));
        }
        self
    }
}

/// The thresholds of the detectors. An organisation may tune them; the defaults follow the
/// patterns PRODUCT.md names.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Children gone from one place within this long of each other are one cluster.
    pub place_window: Duration,
    /// A cluster is a warning from this many children,
    pub place_min_cases: usize,
    /// and only when clusters so large would, by chance, be raised less often than this many
    /// times a year across all the organisation's places together. Each place is judged by its
    /// own past year (a big reception centre sees departures every week; a small children's
    /// home does not), and the chance counts every window of the year, not only this one: a
    /// detector that looks at every window of every place looks many times. The count is an
    /// upper bound (each place is taken to be tested on its own, and every window as if
    /// apart), so fewer chance clusters come than it allows: at 2 a year, on the benchmark's
    /// 20,000 places, some three a year (BENCHMARKS.md).
    pub place_alpha: f64,
    /// Episodes of one child within this long count towards a repeat warning.
    pub repeat_window: Duration,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            place_window: Duration::days(14),
            place_min_cases: 3,
            place_alpha: 2.0,
            repeat_window: Duration::days(365),
        }
    }
}

/// A pattern found: its cases, oldest first, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub kind: WarningKind,
    /// What the warning is about, the same for every case that joins it: the store keeps one
    /// warning per key.
    pub key: String,
    pub level: Level,
    pub cases: Vec<CaseId>,
    /// Every reason, one line each, in English for the log and the command line; the
    /// interface words them from `kind`, `key` and `cases`.
    pub evidence: Vec<String>,
}

/// What a store counts for a new case besides the related cases themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct History {
    /// Children gone from the new case's place in the year before its window: the place's
    /// usual pace.
    pub place_year: usize,
    /// How many places the organisation's children have gone missing from, this one included:
    /// the number of places a chance cluster could have come from.
    pub places: usize,
}

/// The warnings a new case raises or joins, given the earlier cases that share its child, its
/// place or an identifier with it (others are ignored) and its place's history.
pub fn detect<'a>(
    new: &CaseFacts,
    related: impl IntoIterator<Item = &'a CaseFacts>,
    history: History,
    rules: &Rules,
) -> Vec<Warning> {
    // A case may be related in several ways (the same child at the same place): it counts once.
    let mut seen = BTreeSet::new();
    let related: Vec<&CaseFacts> = related.into_iter().filter(|c| c.case != new.case && seen.insert(c.case)).collect();
    let mut warnings = Vec::new();
    if let Some(child) = &new.child {
        let episodes: Vec<&CaseFacts> = related.iter().copied().filter(|c| c.child.as_ref() == Some(child)).collect();
        warnings.extend(repeat_episodes(child, new, &episodes, rules));
    }
    if let Some(place) = &new.missing_from {
        let others: Vec<&CaseFacts> =
            related.iter().copied().filter(|c| c.missing_from.as_ref() == Some(place)).collect();
        warnings.extend(place_cluster(place, new, &others, history, rules));
    }
    for (kind, value) in &new.identifiers {
        let sharing: Vec<&CaseFacts> =
            related.iter().copied().filter(|c| c.identifiers.iter().any(|(k, v)| k == kind && v == value)).collect();
        warnings.extend(shared_identifier(*kind, value, new, &sharing));
    }
    warnings
}

/// Every detector over `cases` at once: each case in the order it went missing, against the
/// cases before it, and of each key the warning as its last case left it (so an earlier cluster
/// at the same place is replaced by a later one; a store keeps them apart by closing a warning
/// once it is decided).
pub fn scan(cases: &[CaseFacts], rules: &Rules) -> Vec<Warning> {
    let mut order: Vec<&CaseFacts> = cases.iter().collect();
    order.sort_by_key(|c| (c.missing_at, c.case));
    let mut detector = Detector::new(rules.clone());
    let mut latest: BTreeMap<(WarningKind, String), Warning> = BTreeMap::new();
    for case in order {
        for warning in detector.add(case.clone()) {
            latest.insert((warning.kind, warning.key.clone()), warning);
        }
    }
    latest.into_values().collect()
}

/// The detectors kept in memory: every case added, filed by what a later case could share with
/// it, so that each new case is checked against only the cases that matter to it (those of its
/// child within the repeat window, of its place within the place window, the latest
/// [`MAX_SHARED_CASES`] with each of its identifiers).
#[derive(Debug, Default)]
pub struct Detector {
    rules: Rules,
    cases: Vec<CaseFacts>,
    by_child: HashMap<String, Vec<u32>>,
    by_place: HashMap<Place, Vec<u32>>,
    by_identifier: HashMap<(IdentifierKind, String), Vec<u32>>,
}

impl Detector {
    pub fn new(rules: Rules) -> Self {
        Self { rules, ..Self::default() }
    }

    /// How many cases have been added.
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// Adds a case and answers the warnings it raises or joins. Cases may come in any order (a
    /// report that arrives late is filed where it belongs in time).
    pub fn add(&mut self, case: CaseFacts) -> Vec<Warning> {
        let slot = u32::try_from(self.cases.len()).unwrap_or(u32::MAX);
        let mut related: Vec<u32> = Vec::new();
        let (repeat, place) = (self.rules.repeat_window, self.rules.place_window);
        if let Some(child) = &case.child {
            related.extend(self.around(self.by_child.get(child), case.missing_at, repeat));
        }
        if let Some(at) = &case.missing_from {
            related.extend(self.around(self.by_place.get(at), case.missing_at, place));
        }
        for key in &case.identifiers {
            let list = self.by_identifier.get(key).map_or(&[][..], Vec::as_slice);
            related.extend(&list[list.len().saturating_sub(MAX_SHARED_CASES)..]);
        }
        let new_place = case.missing_from.as_ref().is_some_and(|p| !self.by_place.contains_key(p));
        let history =
            History { place_year: self.place_year(&case), places: self.by_place.len() + usize::from(new_place) };
        let warnings = detect(&case, related.iter().map(|&i| &self.cases[i as usize]), history, &self.rules);
        if let Some(child) = &case.child {
            let list = self.by_child.entry(child.clone()).or_default();
            file(list, &self.cases, slot, case.missing_at);
        }
        if let Some(at) = &case.missing_from {
            let list = self.by_place.entry(at.clone()).or_default();
            file(list, &self.cases, slot, case.missing_at);
        }
        for key in &case.identifiers {
            let list = self.by_identifier.entry(key.clone()).or_default();
            file(list, &self.cases, slot, case.missing_at);
        }
        self.cases.push(case);
        warnings
    }

    /// Children gone from the case's place in the year before its window.
    fn place_year(&self, case: &CaseFacts) -> usize {
        let Some(list) = case.missing_from.as_ref().and_then(|p| self.by_place.get(p)) else { return 0 };
        let time = |i: &u32| self.cases[*i as usize].missing_at;
        let window_start = case.missing_at - self.rules.place_window;
        let from = list.partition_point(|i| time(i) < window_start - Duration::days(365));
        let to = list.partition_point(|i| time(i) < window_start);
        to - from
    }

    /// The cases of a list (in the order they went missing) within `window` of `at`.
    fn around(&self, list: Option<&Vec<u32>>, at: OffsetDateTime, window: Duration) -> Vec<u32> {
        let list = list.map_or(&[][..], Vec::as_slice);
        let time = |i: &u32| self.cases[*i as usize].missing_at;
        let from = list.partition_point(|i| time(i) < at - window);
        let to = list.partition_point(|i| time(i) <= at + window);
        list[from..to].to_vec()
    }
}

/// Files a case in a list kept in the order the children went missing.
fn file(list: &mut Vec<u32>, cases: &[CaseFacts], slot: u32, at: OffsetDateTime) {
    let position = list.partition_point(|&i| cases[i as usize].missing_at <= at);
    list.insert(position, slot);
}

/// A shared-identifier warning lists at most this many cases, the latest: an identifier in
/// more cases than this (a shelter's address, a hotline's own number) is rarely one person's,
/// and a warning about it must not grow without end.
pub const MAX_SHARED_CASES: usize = 100;

/// The same child missing again: a warning from the second episode within one window, more
/// urgent at three (elevated) and five (high), and one step more when the last gap is the
/// shortest yet (the episodes come faster).
fn repeat_episodes(child: &str, new: &CaseFacts, earlier: &[&CaseFacts], rules: &Rules) -> Option<Warning> {
    let mut episodes = densest(new, earlier, rules.repeat_window);
    if episodes.len() < 2 {
        return None;
    }
    episodes.sort_by_key(|c| (c.missing_at, c.case));
    let count = episodes.len();
    let mut level = match count {
        0..=2 => Level::Notice,
        3 | 4 => Level::Elevated,
        _ => Level::High,
    };
    let gaps: Vec<Duration> = episodes.windows(2).map(|w| w[1].missing_at - w[0].missing_at).collect();
    let escalating = gaps.len() >= 2 && gaps.last().is_some_and(|last| gaps[..gaps.len() - 1].iter().all(|g| last < g));
    let mut evidence =
        vec![format!("{count} episodes of the same child within {} days", rules.repeat_window.whole_days())];
    let probable = episodes.iter().filter(|c| c.probable).count();
    if probable > 0 {
        evidence.push(format!(
            "{probable} of them only probably the same child: a likely match no person has confirmed yet"
        ));
    }
    if escalating {
        level = match level {
            Level::Notice => Level::Elevated,
            Level::Elevated | Level::High => Level::High,
        };
        evidence.push(format!("the last gap ({} days) is the shortest yet", gaps.last().map_or(0, |g| g.whole_days())));
    }
    Some(Warning {
        kind: WarningKind::RepeatEpisodes,
        key: format!("child:{child}"),
        level,
        cases: episodes.iter().map(|c| c.case).collect(),
        evidence,
    })
}

/// The new case with the most of `others` that fit with it in one `window`: a report that
/// arrives late (the child went missing before the cases already known) completes a pattern
/// as well as one that arrives last. Oldest first.
fn densest<'a>(new: &'a CaseFacts, others: &[&'a CaseFacts], window: Duration) -> Vec<&'a CaseFacts> {
    let mut near: Vec<&CaseFacts> =
        others.iter().copied().filter(|c| (c.missing_at - new.missing_at).abs() <= window).collect();
    near.push(new);
    near.sort_by_key(|c| (c.missing_at, c.case));
    let fits = |start: OffsetDateTime| {
        near.iter().copied().filter(|c| c.missing_at >= start && c.missing_at <= start + window).collect::<Vec<_>>()
    };
    near.iter()
        .map(|c| c.missing_at)
        .filter(|&start| start <= new.missing_at)
        .map(fits)
        .max_by_key(Vec::len)
        .unwrap_or_else(|| vec![new])
}

/// Several children gone from one institution, reception centre or placement within one
/// window: a warning from [`Rules::place_min_cases`] children when so many are unusual for the
/// place ([`Rules::place_alpha`], against its past year), high when far more unusual still.
fn place_cluster(
    place: &Place,
    new: &CaseFacts,
    earlier: &[&CaseFacts],
    history: History,
    rules: &Rules,
) -> Option<Warning> {
    let mut cluster = densest(new, earlier, rules.place_window);
    // Two cases of one child are one child gone twice, not two children.
    let children: BTreeSet<String> =
        cluster.iter().map(|c| c.child.clone().unwrap_or_else(|| c.case.to_string())).collect();
    if children.len() < rules.place_min_cases {
        return None;
    }
    let count = children.len();
    let chance = place_chance(count, history, rules);
    let expected = usual_in_window(history.place_year, rules);
    if chance >= rules.place_alpha {
        return None;
    }
    cluster.sort_by_key(|c| (c.missing_at, c.case));
    let level = if chance < rules.place_alpha / 100.0 { Level::High } else { Level::Elevated };
    Some(Warning {
        kind: WarningKind::PlaceCluster,
        key: format!("place:{}:{}", kind_name(place.kind), place.key),
        level,
        cases: cluster.iter().map(|c| c.case).collect(),
        evidence: vec![
            format!(
                "{} children missing from {} \"{}\" within {} days, where {:.1} would be usual",
                count,
                kind_name(place.kind),
                place.key,
                rules.place_window.whole_days(),
                expected
            ),
            format!(
                "a cluster this large would arise by chance {} across {} place{}",
                how_often(chance),
                history.places.max(1),
                if history.places > 1 { "s" } else { "" }
            ),
        ],
    })
}

/// How often a year, across all the organisation's places, `count` children would go from one
/// place within one window by chance, judged by the place's past year: the number a place
/// cluster's warning is decided by (below [`Rules::place_alpha`]).
pub fn place_chance(count: usize, history: History, rules: &Rules) -> f64 {
    let windows = 365.0 / rules.place_window.whole_days().max(1) as f64;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    chance_a_year(count, usual_in_window(history.place_year, rules), windows) * history.places.max(1) as f64
}

/// A place's usual number of children gone in one window, from its year before (a new place:
/// one child in five windows).
fn usual_in_window(place_year: usize, rules: &Rules) -> f64 {
    (place_year as f64 * rules.place_window.whole_days().max(1) as f64 / 365.0).max(0.2)
}

/// How often a year a place whose usual number in a window is `expected` sees `count` or more
/// children go within one window: at most the chance that the first window holds them, plus the
/// expected number of later departures that complete such a window (each departure whose window
/// before it already holds `count - 1`). This bound (the scan statistic's, by counting the
/// moments a window first reaches the count) is what makes looking at every window of every
/// day honest. It is a number of times a year, not a probability: a busy place sees three
/// children go within a fortnight many times a year, and must not pass a threshold above one
/// because a probability stops at one.
fn chance_a_year(count: u32, expected: f64, windows: f64) -> f64 {
    let ln_factorial: f64 = (2..=count).map(|j| f64::from(j).ln()).sum();
    let exactly = (-expected + f64::from(count) * expected.ln() - ln_factorial).exp();
    let first = crate::trend::upper_tail(count, expected, 1.0);
    first + (windows - 1.0).max(0.0) * f64::from(count) * exactly
}

/// A chance a year in words: "about once in 40 years", "about 3 times a year".
fn how_often(chance: f64) -> String {
    if chance >= 1.0 {
        format!("about {chance:.0} times a year")
    } else if chance < 1e-6 {
        "less than once in a million years".into()
    } else {
        let years = 1.0 / chance;
        let rounded = if years < 100.0 {
            years.round()
        } else {
            f64::powf(10.0, years.log10().floor()) * (years / f64::powf(10.0, years.log10().floor())).round()
        };
        format!("about once in {rounded:.0} years")
    }
}

/// The same identifier in another case: a warning from the second case, high from the third.
fn shared_identifier(kind: IdentifierKind, value: &str, new: &CaseFacts, earlier: &[&CaseFacts]) -> Option<Warning> {
    if earlier.is_empty() {
        return None;
    }
    let mut cases: Vec<&CaseFacts> = earlier.to_vec();
    cases.sort_by_key(|c| (c.missing_at, c.case));
    cases.drain(..cases.len().saturating_sub(MAX_SHARED_CASES));
    cases.push(new);
    cases.sort_by_key(|c| (c.missing_at, c.case));
    let level = if cases.len() >= 3 { Level::High } else { Level::Elevated };
    Some(Warning {
        kind: WarningKind::SharedIdentifier,
        key: format!("identifier:{}:{value}", identifier_name(kind)),
        level,
        cases: cases.iter().map(|c| c.case).collect(),
        evidence: vec![format!("the same {} in {} cases", identifier_name(kind), cases.len())],
    })
}

fn kind_name(kind: MissingFromKind) -> &'static str {
    match kind {
        MissingFromKind::Home => "home",
        MissingFromKind::Institution => "institution",
        MissingFromKind::ReceptionCentre => "reception centre",
        MissingFromKind::FosterPlacement => "foster placement",
        MissingFromKind::Other => "place",
    }
}

fn identifier_name(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::Phone => "phone number",
        IdentifierKind::Email => "e-mail address",
        IdentifierKind::SocialHandle => "social media handle",
        IdentifierKind::Vehicle => "vehicle",
        IdentifierKind::Address => "address",
        IdentifierKind::Other => "identifier",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn case(n: u128, day: i64) -> CaseFacts {
        CaseFacts::new(CaseId(uuid::Uuid::from_u128(n)), datetime!(2026-01-01 12:00 UTC) + Duration::days(day))
    }

    fn id(n: u128) -> CaseId {
        CaseId(uuid::Uuid::from_u128(n))
    }

    fn centre(name: &str) -> Option<Place> {
        Place::new(MissingFromKind::ReceptionCentre, name)
    }

    /// The warnings of `new` against `earlier`, as (kind, level, cases, evidence).
    fn check(new: &CaseFacts, earlier: &[CaseFacts], expected: &[(WarningKind, Level, &[u128], &[&str])]) {
        let got: Vec<(WarningKind, Level, Vec<CaseId>, Vec<String>)> =
            detect(new, earlier, History::default(), &Rules::default())
                .into_iter()
                .map(|w| (w.kind, w.level, w.cases, w.evidence))
                .collect();
        let expected: Vec<(WarningKind, Level, Vec<CaseId>, Vec<String>)> = expected
            .iter()
            .map(|(k, l, cases, why)| {
                (*k, *l, cases.iter().map(|&n| id(n)).collect(), why.iter().map(|s| s.to_string()).collect())
            })
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_phone_number_in_any_spelling_links_the_cases() {
        let first = case(1, 0).with_identifier(IdentifierKind::Phone, "+30 690 000 1234");
        let second = case(2, 30).with_identifier(IdentifierKind::Phone, "0030-690-000-1234");
        let third = case(3, 60).with_identifier(IdentifierKind::Phone, "0030 6900001234");
        check(&first, &[], &[]);
        let two = [(
            WarningKind::SharedIdentifier,
            Level::Elevated,
            &[1u128, 2][..],
            &["the same phone number in 2 cases"][..],
        )];
        check(&second, std::slice::from_ref(&first), &two);
        let three = [(
            WarningKind::SharedIdentifier,
            Level::High,
            &[1u128, 2, 3][..],
            &["the same phone number in 3 cases"][..],
        )];
        check(&third, &[first.clone(), second.clone()], &three);
        // Another number, or the same digits as another kind of identifier, links nothing.
        check(
            &case(4, 61).with_identifier(IdentifierKind::Phone, "+30 690 000 9999"),
            std::slice::from_ref(&first),
            &[],
        );
        check(&case(5, 61).with_identifier(IdentifierKind::Other, "+30 690 000 1234"), &[first], &[]);
    }

    #[test]
    fn children_gone_from_one_centre_within_days_are_a_cluster() {
        let at = |n, day, name: &str| CaseFacts { missing_from: centre(name), ..case(n, day) };
        let earlier = [at(1, 0, "Reception Centre Lesvos"), at(2, 5, "reception centre  LESVOS")];
        check(
            &at(3, 9, "Reception centre, Lesvos"),
            &earlier,
            &[(
                WarningKind::PlaceCluster,
                Level::Elevated,
                &[1, 2, 3],
                &[
                    "3 children missing from reception centre \"reception centre lesvos\" within 14 days, where 0.2 would be usual",
                    "a cluster this large would arise by chance about once in 12 years across 1 place",
                ],
            )],
        );
        // A report that arrives late, about a child gone before the others, completes it too.
        let late = [at(1, 5, "Reception Centre Lesvos"), at(2, 9, "Reception Centre Lesvos")];
        let found = detect(&at(3, 0, "Reception Centre Lesvos"), &late, History::default(), &Rules::default());
        assert_eq!(found.iter().map(|w| w.cases.clone()).collect::<Vec<_>>(), vec![vec![id(3), id(1), id(2)]]);
        // Two children are not yet a cluster; three over six weeks are not one either.
        check(&at(3, 9, "Reception Centre Lesvos"), &earlier[..1], &[]);
        check(&at(3, 40, "Reception Centre Lesvos"), &earlier, &[]);
        // One child gone three times is one child, not three.
        let same_child = |n, day| CaseFacts { child: Some("c1".into()), ..at(n, day, "Reception Centre Lesvos") };
        let found =
            detect(&same_child(3, 9), &[same_child(1, 0), same_child(2, 5)], History::default(), &Rules::default());
        assert!(found.iter().all(|w| w.kind != WarningKind::PlaceCluster), "{found:?}");
        // A family's home is never a cluster.
        assert_eq!(Place::new(MissingFromKind::Home, "Home"), None);
        assert_eq!(Place::new(MissingFromKind::Institution, "  "), None);
    }

    #[test]
    fn repeat_episodes_escalate_with_their_number_and_pace() {
        let episode = |n, day| CaseFacts { child: Some("c1".into()), ..case(n, day) };
        let why = |n: usize| format!("{n} episodes of the same child within 365 days");
        check(&episode(1, 0), &[], &[]);
        let found = detect(&episode(2, 100), &[episode(1, 0)], History::default(), &Rules::default());
        assert_eq!((found[0].level, found[0].evidence.clone()), (Level::Notice, vec![why(2)]));
        // The third comes sooner than the second did: escalating.
        let found = detect(&episode(3, 130), &[episode(1, 0), episode(2, 100)], History::default(), &Rules::default());
        assert_eq!(found[0].level, Level::High, "three episodes, Elevated, and coming faster: one step more");
        assert_eq!(found[0].evidence, vec![why(3), "the last gap (30 days) is the shortest yet".into()]);
        // Three evenly spaced episodes stay Elevated.
        let even = detect(&episode(3, 200), &[episode(1, 0), episode(2, 100)], History::default(), &Rules::default());
        assert_eq!(even[0].level, Level::Elevated);
        // A likely match not yet confirmed counts, and says so.
        let probable = CaseFacts { probable: true, ..episode(1, 0) };
        let found = detect(&episode(2, 100), &[probable], History::default(), &Rules::default());
        assert_eq!(
            found[0].evidence,
            vec![why(2), "1 of them only probably the same child: a likely match no person has confirmed yet".into()]
        );
        let five: Vec<CaseFacts> = (1..=4).map(|n| episode(n, n as i64 * 60)).collect();
        let found = detect(&episode(5, 300), &five, History::default(), &Rules::default());
        assert_eq!((found[0].level, found[0].cases.len()), (Level::High, 5));
        // An episode more than a year before does not count.
        check(&episode(2, 400), &[episode(1, 0)], &[]);
    }

    #[test]
    fn a_busy_place_needs_more_children_than_a_quiet_one() {
        let at = |n, day| CaseFacts { missing_from: centre("Centre A"), ..case(n, day) };
        let three: Vec<CaseFacts> = (1..=2).map(|n| at(n, n as i64)).collect();
        // A hundred departures in the year before: about four in a fortnight is usual.
        let busy = History { place_year: 100, places: 1 };
        assert!(detect(&at(3, 3), &three, busy, &Rules::default()).is_empty());
        let twelve: Vec<CaseFacts> = (1..=11).map(|n| at(n, n as i64)).collect();
        let found = detect(&at(12, 12), &twelve, busy, &Rules::default());
        assert_eq!((found.len(), found[0].level, found[0].cases.len()), (1, Level::Elevated, 12));
        assert!(found[0].evidence[0].ends_with("where 3.8 would be usual"), "{found:?}");
        // The same three at a quiet place are a warning,
        assert_eq!(detect(&at(3, 3), &three, History { place_year: 2, places: 1 }, &Rules::default()).len(), 1);
        // but not when it is one of a thousand quiet places, where three in a fortnight happen
        // somewhere several times a year by chance; five do not.
        let many = History { place_year: 2, places: 1000 };
        assert!(detect(&at(3, 3), &three, many, &Rules::default()).is_empty());
        let five: Vec<CaseFacts> = (1..=4).map(|n| at(n, n as i64)).collect();
        let found = detect(&at(5, 5), &five, many, &Rules::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].evidence[1].ends_with("across 1000 places"), "{found:?}");
    }

    #[test]
    fn the_detector_files_a_late_report_where_it_belongs() {
        let at = |n, day| CaseFacts { missing_from: centre("Centre A"), ..case(n, day) };
        let mut detector = Detector::new(Rules::default());
        assert!(detector.add(at(1, 5)).is_empty());
        assert!(detector.add(at(2, 30)).is_empty());
        // Reported last, gone first: with the case of day 5 it makes three within 14 days.
        assert!(detector.add(at(3, 9)).is_empty());
        let found = detector.add(at(4, 0));
        assert_eq!(found.iter().map(|w| w.cases.clone()).collect::<Vec<_>>(), vec![vec![id(4), id(1), id(3)]]);
        assert_eq!(detector.len(), 4);
    }

    #[test]
    fn a_full_scan_finds_what_each_new_case_raised() {
        // A small store with every pattern, in no particular order.
        let mut cases = Vec::new();
        for n in 0..40u128 {
            let day = ((n * 7) % 50) as i64;
            let mut c = case(n, day);
            if n % 5 == 0 {
                c = c.with_identifier(IdentifierKind::Phone, "+30 690 000 1234");
            }
            if n % 3 == 0 {
                c.missing_from = centre(if n % 2 == 0 { "Centre A" } else { "Centre B" });
            }
            if n % 7 == 0 {
                c.child = Some(format!("child{}", n % 2));
            }
            cases.push(c);
        }
        let rules = Rules::default();
        let scanned = scan(&cases, &rules);
        // Case by case, in the order they went missing, against every earlier case.
        let mut order = cases.clone();
        order.sort_by_key(|c| (c.missing_at, c.case));
        let mut latest: BTreeMap<(WarningKind, String), Warning> = BTreeMap::new();
        for (i, c) in order.iter().enumerate() {
            // The place's year before the window, counted the long way.
            let window_start = c.missing_at - rules.place_window;
            let place_year = order[..i]
                .iter()
                .filter(|o| o.missing_from.is_some() && o.missing_from == c.missing_from)
                .filter(|o| o.missing_at >= window_start - Duration::days(365) && o.missing_at < window_start)
                .count();
            // Every place known so far, this one's included.
            let places: std::collections::HashSet<&Place> =
                order[..=i].iter().filter_map(|o| o.missing_from.as_ref()).collect();
            for w in detect(c, &order[..i], History { place_year, places: places.len() }, &rules) {
                latest.insert((w.kind, w.key.clone()), w);
            }
        }
        assert_eq!(scanned, latest.into_values().collect::<Vec<_>>());
        let kinds: BTreeSet<WarningKind> = scanned.iter().map(|w| w.kind).collect();
        assert_eq!(kinds.len(), 3, "{scanned:?}");
    }
}
