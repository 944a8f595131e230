//! Escalations as the store keeps them: one per case, subject and deadline, raised again while
//! nobody acknowledges them, and the response cases the job reads.

use homeward_domain::case::Status;
use homeward_domain::escalation::{Missed, Subject};
use homeward_domain::view::CaseChange;
use homeward_store::{AuditCode, EscalationReport, Store};
use time::{Duration, OffsetDateTime};

use super::{fixture, report};

conformance! {
fn an_escalation_is_raised_at_most_once_per_case_subject_and_deadline() {
    let f = fixture();
    let case = f.store.create_case(&f.actor, report("2011-04-02")).unwrap().case;
    let now = OffsetDateTime::now_utc();
    let missed = |subject: &str, cycle: u32, due: OffsetDateTime| Missed {
        case_id: case.id,
        organisation_id: case.organisation_id,
        subject: Subject::Target(subject.into()),
        cycle,
        due_at: due,
    };
    let half_hour = Duration::minutes(30);
    let first = vec![missed("review", 1, now), missed("review", 1, now), missed("police", 1, now)];
    assert_eq!(
        f.store.record_escalations(first, now, half_hour).unwrap(),
        EscalationReport { raised: 2, repeated: 0, cleared: 0 }
    );
    // The next cycle of a recurring target is an escalation of its own.
    let again = vec![missed("review", 2, now + Duration::days(1)), missed("police", 1, now)];
    let later = now + Duration::minutes(10);
    assert_eq!(
        f.store.record_escalations(again.clone(), later, half_hour).unwrap(),
        EscalationReport { raised: 1, repeated: 0, cleared: 0 }
    );
    // Half an hour after it was raised, the one nobody acknowledged is raised again, once.
    let much_later = now + Duration::minutes(31);
    assert_eq!(
        f.store.record_escalations(again.clone(), much_later, half_hour).unwrap(),
        EscalationReport { raised: 0, repeated: 1, cleared: 0 }
    );
    assert_eq!(f.store.record_escalations(again, much_later, half_hour).unwrap(), EscalationReport::default());
    let open = f.store.list_escalations(&f.actor, true).unwrap();
    assert_eq!(open.len(), 3);
    let police = open.iter().find(|e| e.target.as_deref() == Some("police")).unwrap();
    assert_eq!(police.repeats, 1);
    // Acknowledged, with who and when; a second time is refused.
    let done = f.store.acknowledge_escalation(&f.actor, police.id, Some("  on the phone to them  ".into())).unwrap();
    let ack = done.acknowledged.unwrap();
    assert_eq!((ack.by, ack.note.as_deref()), (f.actor.user_id, Some("on the phone to them")));
    assert!(f.store.acknowledge_escalation(&f.actor, police.id, None).is_err());
    // Nothing missed any more: the two waiting are marked cleared, once; missed again, raised again.
    let cleared = f.store.record_escalations(Vec::new(), much_later, half_hour).unwrap();
    assert_eq!(cleared, EscalationReport { raised: 0, repeated: 0, cleared: 2 });
    assert_eq!(f.store.record_escalations(Vec::new(), much_later, half_hour).unwrap(), EscalationReport::default());
    let waiting = f.store.list_escalations(&f.actor, true).unwrap();
    assert!(waiting.iter().all(|e| e.cleared_at.is_some()), "{waiting:?}");
    let again = vec![missed("review", 2, now + Duration::days(1))];
    let back = f.store.record_escalations(again, much_later, half_hour).unwrap();
    assert_eq!(back, EscalationReport { raised: 0, repeated: 1, cleared: 0 });
    let waiting = f.store.list_escalations(&f.actor, true).unwrap();
    assert_eq!(waiting.iter().filter(|e| e.cleared_at.is_none()).count(), 1);
    let codes: Vec<i64> = f.store.audit_entries(0, 10_000).unwrap().iter().map(|e| e.code).collect();
    let count = |code: AuditCode| codes.iter().filter(|c| **c == code.code()).count();
    assert_eq!(count(AuditCode::EscalationRaised), 3);
    assert_eq!(count(AuditCode::EscalationRepeated), 2);
    assert_eq!(count(AuditCode::EscalationCleared), 2);
    assert_eq!(count(AuditCode::EscalationAcknowledged), 1);
}
}

conformance! {
fn the_job_reads_every_case_not_closed_with_its_events() {
    let f = fixture();
    let open = f.store.create_case(&f.actor, report("2011-04-02")).unwrap().case.id;
    let closed = f.store.create_case(&f.actor, report("2011-04-02")).unwrap().case.id;
    f.store.change_case(&f.actor, closed, CaseChange::ChangeStatus { to: Status::Closed, reason: None }).unwrap();
    let cases = f.store.response_cases().unwrap();
    assert_eq!(cases.iter().map(|(c, _)| c.id).collect::<Vec<_>>(), [open]);
    let (case, events) = &cases[0];
    assert_eq!(events.len() as u32, case.version, "every event of the case, in order");
}
}

conformance! {
/// A run that finds hundreds of deadlines missed at once (a store of old cases) writes them a
/// few hundred at a time, and every one lands; clearing them is chunked the same way.
fn hundreds_of_missed_deadlines_are_all_raised_and_cleared() {
    let f = fixture();
    let case = f.store.create_case(&f.actor, report("2011-04-02")).unwrap().case;
    let now = OffsetDateTime::now_utc();
    let missed: Vec<Missed> = (1..=450)
        .map(|cycle| Missed {
            case_id: case.id,
            organisation_id: case.organisation_id,
            subject: Subject::Target("review".into()),
            cycle,
            due_at: now - Duration::minutes(i64::from(cycle)),
        })
        .collect();
    let hour = Duration::hours(1);
    assert_eq!(f.store.record_escalations(missed, now, hour).unwrap(), EscalationReport { raised: 450, ..Default::default() });
    assert_eq!(f.store.list_escalations(&f.actor, true).unwrap().len(), 450);
    let cleared = f.store.record_escalations(Vec::new(), now, hour).unwrap();
    assert_eq!(cleared, EscalationReport { cleared: 450, ..Default::default() });
    assert!(f.store.verify_audit().unwrap().is_ok());
}
}
