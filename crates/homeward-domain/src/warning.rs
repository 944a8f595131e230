//! Early warnings across cases as the store keeps them and readers see them: what a detector of
//! `homeward-risk` found (its kind, what it is about, how urgent, its cases and evidence), and
//! what a supervisor decided about it.
//!
//! A warning is keyed by what it is about (`child:…`, `place:…`, `identifier:…`): while it is
//! live (open or acknowledged) the store keeps one per organisation and key, and a case that
//! joins the pattern joins that warning. Once acted on or dismissed it is closed, and a later
//! case of the same pattern opens a new one, so each decision stays with the cases it was about.
//!
//! A shared-identifier warning also has a network ([`WarningNetwork`]): its cases, the cases one
//! hop further that share an identifier with them, and the identifiers that link them. The store
//! reads the records; [`WarningNetwork::assemble`] decides what is drawn, so the rules (what
//! links, what is left out, the bounds) are tested without a database.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{Category, Status};
use crate::records::{Identifier, IdentifierKind};
use crate::{CaseId, DomainError, IdentifierId, UserId, Validation, WarningId};

/// Which pattern a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The same child missing again.
    RepeatEpisodes,
    /// Several children missing from one place within a short window.
    PlaceCluster,
    /// The same phone number, handle, vehicle or address in different cases.
    SharedIdentifier,
    /// More reports of one category in a week than its own baseline makes likely.
    Trend,
}

impl WarningKind {
    pub const ALL: [WarningKind; 4] =
        [WarningKind::RepeatEpisodes, WarningKind::PlaceCluster, WarningKind::SharedIdentifier, WarningKind::Trend];
}

/// How urgent a warning is; it rises as cases join it, and never falls by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Notice,
    Elevated,
    High,
}

/// Where a warning stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WarningState {
    /// Raised, nobody has looked at it yet.
    Open,
    /// A supervisor has seen it; cases still join it.
    Acknowledged,
    /// Someone acted on it (a referral, a report to the police): closed.
    Acted,
    /// Judged not to be a pattern, with a reason: closed.
    Dismissed,
}

impl WarningState {
    /// The stable name, as stored and answered.
    pub fn name(self) -> &'static str {
        match self {
            WarningState::Open => "open",
            WarningState::Acknowledged => "acknowledged",
            WarningState::Acted => "acted",
            WarningState::Dismissed => "dismissed",
        }
    }

    /// Whether cases still join it.
    pub fn is_live(self) -> bool {
        matches!(self, WarningState::Open | WarningState::Acknowledged)
    }
}

/// What a supervisor decides about a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WarningDecision {
    Acknowledge,
    Act,
    Dismiss,
}

/// The longest reason kept with a decision.
pub const MAX_WARNING_REASON: usize = 2000;

impl WarningDecision {
    pub const ALL: [WarningDecision; 3] =
        [WarningDecision::Acknowledge, WarningDecision::Act, WarningDecision::Dismiss];

    /// The state a warning in `from` moves to, or why it cannot: a closed warning is decided
    /// once, and an acknowledged one is not acknowledged again.
    pub fn next(self, from: WarningState) -> Result<WarningState, DomainError> {
        let to = match self {
            WarningDecision::Acknowledge => WarningState::Acknowledged,
            WarningDecision::Act => WarningState::Acted,
            WarningDecision::Dismiss => WarningState::Dismissed,
        };
        let allowed = match from {
            WarningState::Open => true,
            WarningState::Acknowledged => to != WarningState::Acknowledged,
            WarningState::Acted | WarningState::Dismissed => false,
        };
        if allowed {
            Ok(to)
        } else {
            Err(DomainError::NoChange(format!(
                "this warning is already {}; it cannot be moved to {}",
                from.name(),
                to.name()
            )))
        }
    }

    /// Tidies the reason; a dismissal needs one (kept for tuning the detectors), and so does
    /// acting (what was done).
    pub fn check_reason(self, reason: Option<String>) -> Result<Option<String>, DomainError> {
        let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        let mut v = Validation::new();
        match &reason {
            Some(text) => v.text("reason", text, MAX_WARNING_REASON),
            None if self == WarningDecision::Dismiss => {
                v.push("reason", crate::Problem::Required, "a dismissal needs a reason")
            }
            None if self == WarningDecision::Act => v.push("reason", crate::Problem::Required, "say what was done"),
            None => {}
        }
        v.finish()?;
        Ok(reason)
    }
}

/// One case of a warning, as its reader may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarningCase {
    pub case_id: CaseId,
    pub number: String,
    pub category: Category,
    pub status: Status,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen_at: OffsetDateTime,
    /// When the case joined the warning.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub joined_at: OffsetDateTime,
}

/// One decision about a warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarningDecisionView {
    pub decision: WarningDecision,
    pub reason: Option<String>,
    pub by: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A warning with its cases and the decisions about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarningView {
    pub id: WarningId,
    pub kind: WarningKind,
    /// What it is about: `child:<identity>`, `place:<kind>:<name>`, `identifier:<kind>:<value>`.
    pub key: String,
    pub level: Level,
    pub state: WarningState,
    /// Every reason, one line each, as the detector gave them last.
    pub evidence: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub raised_at: OffsetDateTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Oldest first (by when the child went missing).
    pub cases: Vec<WarningCase>,
    pub decisions: Vec<WarningDecisionView>,
}

/// The most cases a warning's network shows; a larger one is cut and says so.
pub const MAX_NETWORK_CASES: usize = 50;
/// The most identifiers a warning's network shows; a larger one is cut and says so.
pub const MAX_NETWORK_IDENTIFIERS: usize = 50;

/// A case in a warning's network, as its reader may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkCase {
    pub case_id: CaseId,
    pub number: String,
    pub category: Category,
    pub status: Status,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen_at: OffsetDateTime,
    /// Whether the case is one of the warning's; the others are one hop further: they share an
    /// identifier with one of the warning's cases.
    pub in_warning: bool,
}

/// An identifier held by two or more cases of a network: one node for every record of it,
/// however each case wrote it (`+30 690…` and `0030 690…` are one number).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkIdentifier {
    /// The id of the first record of it in the network (ids sort by creation time); the edges
    /// name the identifier by this id.
    pub id: IdentifierId,
    pub kind: IdentifierKind,
    /// The value as that first record wrote it.
    pub value: String,
    /// How many cases of the network hold it (two or more).
    pub held_by: u32,
}

/// A case holds an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkEdge {
    pub case_id: CaseId,
    pub identifier_id: IdentifierId,
}

/// The network of a shared-identifier warning: its cases, the cases of the same organisation one
/// hop further that share one of their identifiers, and every identifier that two or more of
/// these cases hold. An identifier only one of them holds links nothing and is left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarningNetwork {
    pub warning_id: WarningId,
    /// The warning's cases first, then those one hop further, each oldest first (by when the
    /// child went missing).
    pub cases: Vec<NetworkCase>,
    /// The identifiers held by the most cases first.
    pub identifiers: Vec<NetworkIdentifier>,
    pub edges: Vec<NetworkEdge>,
    /// Whether the network is larger than shown: at most [`MAX_NETWORK_CASES`] cases and
    /// [`MAX_NETWORK_IDENTIFIERS`] identifiers are answered.
    pub truncated: bool,
}

impl WarningNetwork {
    /// Builds the network from its candidate cases (the warning's and those the store reached one
    /// hop further, the more important first) and the identifier records those cases hold.
    /// `truncated` says whether the store already left cases out.
    ///
    /// The warning's cases are always kept (up to the bound); a case one hop further is kept only
    /// while an identifier shown still links it, since a node without an edge would say nothing.
    pub fn assemble(
        warning_id: WarningId,
        candidates: Vec<NetworkCase>,
        records: &[Identifier],
        truncated: bool,
    ) -> WarningNetwork {
        let mut truncated = truncated;
        let (mut cases, hops): (Vec<_>, Vec<_>) = candidates.into_iter().partition(|c| c.in_warning);
        cases.extend(hops);
        if cases.len() > MAX_NETWORK_CASES {
            cases.truncate(MAX_NETWORK_CASES);
            truncated = true;
        }
        let shown: HashSet<CaseId> = cases.iter().map(|c| c.case_id).collect();

        // Every identifier by what cases are matched on: its kind and normalised value.
        let mut groups: HashMap<(IdentifierKind, &str), Vec<&Identifier>> = HashMap::new();
        for record in records.iter().filter(|r| shown.contains(&r.case_id) && !r.normalised.is_empty()) {
            groups.entry((record.kind, record.normalised.as_str())).or_default().push(record);
        }
        let mut linked: Vec<(NetworkIdentifier, Vec<CaseId>)> = Vec::new();
        for group in groups.into_values() {
            let mut holders: Vec<CaseId> = group.iter().map(|r| r.case_id).collect();
            holders.sort();
            holders.dedup();
            let Some(first) = group.iter().min_by_key(|r| r.id) else { continue };
            if holders.len() < 2 {
                continue;
            }
            let held_by = u32::try_from(holders.len()).unwrap_or(u32::MAX);
            let node = NetworkIdentifier { id: first.id, kind: first.kind, value: first.value.clone(), held_by };
            linked.push((node, holders));
        }
        linked.sort_by(|(a, _), (b, _)| b.held_by.cmp(&a.held_by).then(a.id.cmp(&b.id)));
        if linked.len() > MAX_NETWORK_IDENTIFIERS {
            linked.truncate(MAX_NETWORK_IDENTIFIERS);
            truncated = true;
        }

        let reached: HashSet<CaseId> = linked.iter().flat_map(|(_, holders)| holders.iter().copied()).collect();
        let before = cases.len();
        cases.retain(|c| c.in_warning || reached.contains(&c.case_id));
        truncated |= cases.len() < before;
        cases.sort_by(|a, b| {
            b.in_warning.cmp(&a.in_warning).then(a.last_seen_at.cmp(&b.last_seen_at)).then(a.case_id.cmp(&b.case_id))
        });

        let position: HashMap<CaseId, usize> = cases.iter().enumerate().map(|(i, c)| (c.case_id, i)).collect();
        let mut edges: Vec<(usize, usize, NetworkEdge)> = Vec::new();
        for (j, (node, holders)) in linked.iter().enumerate() {
            for case_id in holders {
                if let Some(&i) = position.get(case_id) {
                    edges.push((i, j, NetworkEdge { case_id: *case_id, identifier_id: node.id }));
                }
            }
        }
        edges.sort_by_key(|(i, j, _)| (*i, *j));
        WarningNetwork {
            warning_id,
            cases,
            identifiers: linked.into_iter().map(|(node, _)| node).collect(),
            edges: edges.into_iter().map(|(_, _, edge)| edge).collect(),
            truncated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(n: u128, in_warning: bool) -> NetworkCase {
        NetworkCase {
            case_id: CaseId(uuid::Uuid::from_u128(n)),
            number: format!("GR-2026-{n:06}"),
            category: Category::Runaway,
            status: Status::Open,
            last_seen_at: OffsetDateTime::UNIX_EPOCH + time::Duration::days(i64::try_from(n).unwrap()),
            in_warning,
        }
    }

    /// The `n`th record (ids sort by `n`, as UUIDv7 ids sort by creation) of an identifier.
    fn record(n: u128, case: u128, kind: IdentifierKind, value: &str) -> Identifier {
        Identifier {
            id: IdentifierId(uuid::Uuid::from_u128(1000 + n)),
            case_id: CaseId(uuid::Uuid::from_u128(case)),
            kind,
            value: value.into(),
            normalised: crate::text::normalise_identifier(kind, value),
            label: None,
        }
    }

    fn warning_id() -> WarningId {
        WarningId(uuid::Uuid::from_u128(7))
    }

    #[test]
    fn a_network_links_cases_through_identifiers_held_by_two_or_more() {
        use IdentifierKind::*;
        let records = [
            record(1, 1, Phone, "+30 690 000 1234"),
            record(2, 2, Phone, "0030 690 000 1234"),
            record(3, 2, SocialHandle, "@nikos_13"),
            record(4, 3, SocialHandle, "nikos_13"),
            // Held by one case of the network only: it links nothing.
            record(5, 3, Vehicle, "ΙΚΑ 1234"),
            // The same phone number a second time in one case is still one case holding it.
            record(6, 2, Phone, "+306900001234"),
        ];
        let network =
            WarningNetwork::assemble(warning_id(), vec![case(3, false), case(2, true), case(1, true)], &records, false);
        let numbers: Vec<(&str, bool)> = network.cases.iter().map(|c| (c.number.as_str(), c.in_warning)).collect();
        assert_eq!(numbers, [("GR-2026-000001", true), ("GR-2026-000002", true), ("GR-2026-000003", false)]);
        let nodes: Vec<(IdentifierKind, &str, u32)> =
            network.identifiers.iter().map(|i| (i.kind, i.value.as_str(), i.held_by)).collect();
        // Each identifier as its first record wrote it.
        assert_eq!(nodes, [(Phone, "+30 690 000 1234", 2), (SocialHandle, "@nikos_13", 2)]);
        let edges: Vec<(u128, u128)> =
            network.edges.iter().map(|e| (e.case_id.0.as_u128(), e.identifier_id.0.as_u128() - 1000)).collect();
        assert_eq!(edges, [(1, 1), (2, 1), (2, 3), (3, 3)]);
        assert!(!network.truncated);
    }

    #[test]
    fn a_network_larger_than_its_bounds_is_cut_and_says_so() {
        // Two warning cases share one number; each further case shares its own handle with the
        // first one, more than the network may show.
        let mut candidates = vec![case(1, true), case(2, true)];
        let mut records =
            vec![record(0, 1, IdentifierKind::Phone, "+30 1"), record(1, 2, IdentifierKind::Phone, "+30 1")];
        for n in 3..(MAX_NETWORK_IDENTIFIERS as u128 + 10) {
            candidates.push(case(n, false));
            records.push(record(2 * n, 1, IdentifierKind::SocialHandle, &format!("h{n}")));
            records.push(record(2 * n + 1, n, IdentifierKind::SocialHandle, &format!("h{n}")));
        }
        let network = WarningNetwork::assemble(warning_id(), candidates, &records, false);
        assert!(network.truncated);
        assert!(network.cases.len() <= MAX_NETWORK_CASES && network.identifiers.len() <= MAX_NETWORK_IDENTIFIERS);
        assert!(network.cases.iter().filter(|c| c.in_warning).count() == 2, "the warning's cases are always shown");
        // Every case shown is linked, and every edge joins a case and an identifier shown.
        for c in &network.cases {
            assert!(network.edges.iter().any(|e| e.case_id == c.case_id), "{} has no edge", c.number);
        }
        for e in &network.edges {
            assert!(network.identifiers.iter().any(|i| i.id == e.identifier_id));
        }
        // The two warning cases share more identifiers than are shown; the case one hop further
        // whose only link is left out is left out too, rather than drawn unlinked.
        let mut records = Vec::new();
        for n in 0..(MAX_NETWORK_IDENTIFIERS as u128 + 10) {
            records.push(record(2 * n, 1, IdentifierKind::Vehicle, &format!("IKA {n}")));
            records.push(record(2 * n + 1, 2, IdentifierKind::Vehicle, &format!("IKA {n}")));
        }
        records.push(record(500, 2, IdentifierKind::SocialHandle, "@late"));
        records.push(record(501, 3, IdentifierKind::SocialHandle, "@late"));
        let candidates = vec![case(1, true), case(2, true), case(3, false)];
        let network = WarningNetwork::assemble(warning_id(), candidates, &records, false);
        assert!(network.truncated);
        assert_eq!(network.identifiers.len(), MAX_NETWORK_IDENTIFIERS);
        assert_eq!(network.cases.len(), 2, "{:?}", network.cases);
        // Nothing was left out of a small network, and the store's own cut is kept.
        let records = [record(0, 1, IdentifierKind::Phone, "+30 1"), record(1, 2, IdentifierKind::Phone, "+30 1")];
        let small = WarningNetwork::assemble(warning_id(), vec![case(1, true), case(2, true)], &records, true);
        assert!(small.truncated && small.identifiers.len() == 1);
    }

    #[test]
    fn a_closed_warning_is_decided_once() {
        use WarningDecision::*;
        use WarningState::*;
        let table = [
            (Open, Acknowledge, Some(Acknowledged)),
            (Open, Act, Some(Acted)),
            (Open, Dismiss, Some(Dismissed)),
            (Acknowledged, Acknowledge, None),
            (Acknowledged, Act, Some(Acted)),
            (Acknowledged, Dismiss, Some(Dismissed)),
            (Acted, Dismiss, None),
            (Dismissed, Act, None),
            (Dismissed, Acknowledge, None),
        ];
        for (from, decision, to) in table {
            assert_eq!(decision.next(from).ok(), to, "{from:?} {decision:?}");
        }
    }

    #[test]
    fn a_dismissal_and_an_action_need_a_reason() {
        assert!(WarningDecision::Dismiss.check_reason(Some("  ".into())).is_err());
        assert!(WarningDecision::Act.check_reason(None).is_err());
        assert_eq!(WarningDecision::Acknowledge.check_reason(None).ok(), Some(None));
        assert_eq!(
            WarningDecision::Dismiss.check_reason(Some(" two siblings ".into())).ok(),
            Some(Some("two siblings".into()))
        );
    }
}
