//! Several instances on one database behave as one system: sessions valid on any, background
//! jobs held by one at a time and taken over when its lease runs out, one audit chain.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use homeward_store::{AuditCode, Credential, Store, system_clock};
use time::{Duration, OffsetDateTime};

use super::{fixture, report};

fn claims(entries: &[homeward_store::AuditEntry]) -> Vec<serde_json::Value> {
    entries
        .iter()
        .filter(|e| e.code == AuditCode::JobClaimed.code())
        .map(|e| serde_json::from_str(&e.detail).unwrap())
        .collect()
}

conformance! {
/// A job is held by one instance until its lease runs out; the holder renews it, another
/// instance takes it over only after, and each change of holder is audited.
fn a_job_is_held_by_one_instance_until_its_lease_runs_out() {
    let f = fixture();
    let lease = Duration::seconds(90);
    let a = &f.store;
    let b = f.reopen(system_clock());
    assert!(a.claim_job("escalations", "instance-a", lease).unwrap());
    assert!(!b.claim_job("escalations", "instance-b", lease).unwrap(), "held by a");
    assert!(a.claim_job("escalations", "instance-a", lease).unwrap(), "a renews");
    // Another job is claimed on its own.
    assert!(b.claim_job("linkage", "instance-b", lease).unwrap());
    // a stops renewing (it died); once its lease has run out, b takes the job over.
    let later = f.reopen(Arc::new(move || OffsetDateTime::now_utc() + Duration::seconds(91)));
    assert!(later.claim_job("escalations", "instance-b", lease).unwrap(), "taken over");
    assert!(!a.claim_job("escalations", "instance-a", lease).unwrap(), "a is no longer the holder");
    let entries = a.audit_entries(0, 10_000).unwrap();
    let claimed: Vec<(String, String, Option<String>)> = claims(&entries)
        .iter()
        .map(|d| {
            (d["job"].as_str().unwrap().into(), d["holder"].as_str().unwrap().into(), d["from"].as_str().map(Into::into))
        })
        .collect();
    assert_eq!(
        claimed,
        vec![
            ("escalations".into(), "instance-a".into(), None),
            ("linkage".into(), "instance-b".into(), None),
            ("escalations".into(), "instance-b".into(), Some("instance-a".into())),
        ],
        "first claims and the take-over, not the renewals"
    );
    assert!(a.claim_job("escalations", "", lease).is_err(), "a holder is named");
    assert!(a.claim_job("escalations", "x", Duration::hours(1)).is_err(), "a lease is bounded");
}
}

conformance! {
/// Two instances claiming the same job as fast as they can: only one ever holds it.
fn instances_racing_for_a_job_never_both_hold_it() {
    let f = fixture();
    let b: Arc<dyn Store> = Arc::new(f.reopen(system_clock()));
    let a: Arc<dyn Store> = f.store.clone();
    let threads: Vec<_> = [("a", a), ("b", b)]
        .into_iter()
        .flat_map(|(name, store)| {
            (0..3).map(move |t| {
                let store = store.clone();
                let holder = format!("{name}-{t}");
                std::thread::spawn(move || {
                    (0..20).filter(|_| store.claim_job("notifications", &holder, Duration::seconds(60)).unwrap()).count()
                })
            })
        })
        .collect();
    let won: Vec<usize> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(won.iter().filter(|n| **n > 0).count(), 1, "one holder, whose every claim succeeded: {won:?}");
    assert!(won.contains(&20), "{won:?}");
    assert_eq!(claims(&f.store.audit_entries(0, 10_000).unwrap()).len(), 1);
}
}

conformance! {
/// Commands through two instances at once land in one unbroken audit chain, and a session
/// opened on one instance is valid on the other.
fn two_instances_write_one_audit_chain_and_share_sessions() {
    let f = fixture();
    let b: Arc<dyn Store> = Arc::new(f.reopen(system_clock()));
    let a: Arc<dyn Store> = f.store.clone();
    let threads: Vec<_> = [a.clone(), b.clone(), a.clone(), b.clone()]
        .into_iter()
        .map(|store| {
            let actor = f.actor.clone();
            std::thread::spawn(move || {
                (0..15).map(|_| store.create_case(&actor, report("2012-01-01")).unwrap().case.number).collect::<Vec<_>>()
            })
        })
        .collect();
    // Each instance numbers from what the other gave: every number once, none skipped.
    let mut numbers: Vec<i64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .map(|n| n.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=60).collect::<Vec<_>>());
    let verified = f.store.verify_audit().unwrap();
    assert!(verified.is_ok(), "{verified:?}");
    let entries = f.store.audit_entries(0, 100_000).unwrap();
    let created = entries.iter().filter(|e| e.code == AuditCode::CaseCreated.code()).count();
    assert_eq!(created, 60);
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "no gap, no fork");
    let (user, secret) = a.login("test", "cm@a.example", "a long password").unwrap().unwrap();
    let on_b = b.authenticate(Credential::Session(&secret)).unwrap().expect("valid on the other instance");
    assert_eq!(on_b.id, user.id);
}
}
