//! Child alerts as the store keeps them: the request with its consent, the criteria and the
//! approvals before publication, the messages sent to the public, expiry, and what the public
//! snapshot may read.

use homeward_domain::DomainError;
use homeward_domain::alert::{
    AlertChange, AlertContent, AlertState, ApprovalKind, Criterion, MessageType, NewAlertRequest, PublicField,
};
use homeward_domain::org::{Actor, NewUser, Role};
use homeward_store::{AuditCode, Store, StoreError};
use time::{Duration, OffsetDateTime};

use super::{Fixture, fixture, report};

fn user(f: &Fixture, role: Role, email: &str) -> Actor {
    let org = f.actor.organisation_id;
    let user = f
        .store
        .create_user_with_password(
            &Actor::command_line(),
            NewUser { email: email.into(), display_name: None, role, organisation_id: org },
            "a long password",
        )
        .unwrap();
    Actor::user(&user, "test")
}

pub(crate) fn request(consent: &[PublicField]) -> NewAlertRequest {
    NewAlertRequest {
        consent_fields: consent.to_vec(),
        consent_given_by: "mother".into(),
        content: AlertContent { contact_phone: Some("116000".into()), ..AlertContent::default() },
    }
}

pub(crate) fn ready(f: &Fixture, id: homeward_domain::alert::AlertId) {
    for criterion in Criterion::ALL {
        f.store.change_alert(&f.actor, id, AlertChange::Confirm { criterion, note: None }).unwrap();
    }
    let at = OffsetDateTime::now_utc() - Duration::minutes(10);
    for kind in [ApprovalKind::Police, ApprovalKind::Prosecutor] {
        let change = AlertChange::Approve { kind, reference: format!("REF-{}", kind.as_str()), given_at: at };
        f.store.change_alert(&f.actor, id, change).unwrap();
    }
}

conformance! {
fn an_alert_is_published_only_with_every_criterion_and_both_approvals() {
    let f = fixture();
    let case = f.store.create_case(&f.actor, report("2013-04-02")).unwrap().case.id;
    let alert = f.store.request_alert(&f.actor, case, request(&[PublicField::Age, PublicField::ContactPhone])).unwrap();
    assert_eq!(alert.state, AlertState::Requested);
    // Only the consented fields were taken from the case: the age, not the name.
    assert_eq!(alert.content.name, None);
    assert!(alert.content.age.is_some());
    assert_eq!(alert.content.contact_phone.as_deref(), Some("116000"));

    let publish = AlertChange::Publish { ends_at: None };
    let Err(StoreError::Domain(DomainError::Invalid(missing))) =
        f.store.change_alert(&f.actor, alert.id, publish.clone())
    else {
        panic!("published without criteria")
    };
    assert_eq!(missing.len(), 7, "{missing:?}");
    f.store
        .change_alert(
            &f.actor,
            alert.id,
            AlertChange::Confirm { criterion: Criterion::UnderEighteen, note: Some("born 2013".into()) },
        )
        .unwrap();
    // A criterion is confirmed once.
    assert!(
        f.store
            .change_alert(&f.actor, alert.id, AlertChange::Confirm { criterion: Criterion::UnderEighteen, note: None })
            .is_err()
    );
    ready_rest(&f, alert.id);
    let published = f.store.change_alert(&f.actor, alert.id, publish).unwrap();
    assert_eq!(published.state, AlertState::Published);
    let at = published.published_at.unwrap();
    assert_eq!(published.ends_at, Some(at + Duration::hours(6)));
    assert_eq!(published.messages.len(), 1);
    assert_eq!(published.messages[0].msg_type, MessageType::Alert);

    let codes: Vec<i64> = f.store.audit_entries(0, 10_000).unwrap().iter().map(|e| e.code).collect();
    for code in [
        AuditCode::AlertRequested,
        AuditCode::AlertCriterionConfirmed,
        AuditCode::AlertApprovalRecorded,
        AuditCode::AlertPublished,
    ] {
        assert!(codes.contains(&code.code()), "{code:?}");
    }
}
}

fn ready_rest(f: &Fixture, id: homeward_domain::alert::AlertId) {
    for criterion in Criterion::ALL.into_iter().skip(1) {
        f.store.change_alert(&f.actor, id, AlertChange::Confirm { criterion, note: None }).unwrap();
    }
    let at = OffsetDateTime::now_utc() - Duration::minutes(10);
    for kind in [ApprovalKind::Police, ApprovalKind::Prosecutor] {
        let change = AlertChange::Approve { kind, reference: "ATH-1".into(), given_at: at };
        f.store.change_alert(&f.actor, id, change).unwrap();
    }
}

conformance! {
fn content_outside_the_consent_is_refused_and_never_public() {
    let f = fixture();
    let case = f.store.create_case(&f.actor, report("2013-04-02")).unwrap().case.id;
    let mut asked = request(&[PublicField::Age]);
    asked.content.name = Some("Ελένη".into());
    let refused = f.store.request_alert(&f.actor, case, asked);
    assert!(matches!(refused, Err(StoreError::Domain(DomainError::Invalid(_)))), "{refused:?}");

    let alert = f.store.request_alert(&f.actor, case, request(&[PublicField::Age, PublicField::ContactPhone])).unwrap();
    let update = AlertContent { description: Some("Red jacket".into()), ..AlertContent::default() };
    assert!(f.store.change_alert(&f.actor, alert.id, AlertChange::SetContent(update)).is_err());
    // Unpublished: nothing public at all.
    assert!(f.store.public_alerts(OffsetDateTime::now_utc()).unwrap().is_empty());
    ready(&f, alert.id);
    f.store.change_alert(&f.actor, alert.id, AlertChange::Publish { ends_at: None }).unwrap();
    let public = f.store.public_alerts(OffsetDateTime::now_utc()).unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].content.name, None);
    assert_eq!(public[0].content.last_seen_place, None);
}
}

conformance! {
fn a_published_alert_expires_at_its_end_and_extends_to_at_most_a_day() {
    let f = fixture();
    let case = f.store.create_case(&f.actor, report("2013-04-02")).unwrap().case.id;
    let alert = f.store.request_alert(&f.actor, case, request(&[PublicField::Age, PublicField::ContactPhone])).unwrap();
    ready(&f, alert.id);
    let published = f.store.change_alert(&f.actor, alert.id, AlertChange::Publish { ends_at: None }).unwrap();
    let at = published.published_at.unwrap();
    assert_eq!(f.store.expire_alerts(at + Duration::hours(5)).unwrap(), 0);

    let too_long = AlertChange::Extend { ends_at: at + Duration::hours(24) + Duration::minutes(1) };
    assert!(matches!(
        f.store.change_alert(&f.actor, alert.id, too_long),
        Err(StoreError::Domain(DomainError::Invalid(_)))
    ));
    let extended =
        f.store.change_alert(&f.actor, alert.id, AlertChange::Extend { ends_at: at + Duration::hours(24) }).unwrap();
    assert_eq!(extended.messages.last().unwrap().msg_type, MessageType::Update);
    assert_eq!(f.store.expire_alerts(at + Duration::hours(7)).unwrap(), 0);
    assert_eq!(f.store.public_alerts(at + Duration::hours(7)).unwrap().len(), 1);
    assert_eq!(f.store.expire_alerts(at + Duration::hours(24)).unwrap(), 1);
    assert_eq!(f.store.get_alert(&f.actor, alert.id).unwrap().state, AlertState::Expired);
    assert!(f.store.public_alerts(at + Duration::hours(1)).unwrap().is_empty());
    let expired = f
        .store
        .audit_entries(0, 10_000)
        .unwrap()
        .into_iter()
        .filter(|e| e.code == AuditCode::AlertExpired.code())
        .count();
    assert_eq!(expired, 1);
}
}

conformance! {
fn operators_may_not_publish_and_case_managers_confirm_but_do_not_request() {
    let f = fixture();
    let operator = user(&f, Role::Operator, "op@a.example");
    let manager = user(&f, Role::CaseManager, "cm2@a.example");
    let case = f.store.create_case(&f.actor, report("2013-04-02")).unwrap().case.id;
    assert!(matches!(f.store.request_alert(&operator, case, request(&[])), Err(StoreError::Denied(_))));
    assert!(matches!(f.store.request_alert(&manager, case, request(&[])), Err(StoreError::Denied(_))));
    let alert = f.store.request_alert(&f.actor, case, request(&[PublicField::Age, PublicField::ContactPhone])).unwrap();
    f.store
        .change_alert(&manager, alert.id, AlertChange::Confirm { criterion: Criterion::UnderEighteen, note: None })
        .unwrap();
    ready_rest(&f, alert.id);
    let refused = f.store.change_alert(&operator, alert.id, AlertChange::Publish { ends_at: None });
    assert!(matches!(refused, Err(StoreError::Denied(_))), "{refused:?}");
    assert_eq!(f.store.list_alerts(&operator).unwrap().len(), 1);
}
}

conformance! {
fn an_alert_past_its_end_is_neither_extended_nor_updated_before_the_job_expires_it() {
    let f = fixture();
    let case = f.store.create_case(&f.actor, report("2013-04-02")).unwrap().case.id;
    let alert = f.store.request_alert(&f.actor, case, request(&[PublicField::Age, PublicField::ContactPhone])).unwrap();
    ready(&f, alert.id);
    let published = f.store.change_alert(&f.actor, alert.id, AlertChange::Publish { ends_at: None }).unwrap();
    let at = published.published_at.unwrap();

    // The same database seven hours later, the job not yet run: the alert is still `published`.
    let later = f.reopen(std::sync::Arc::new(move || OffsetDateTime::now_utc() + Duration::hours(7)));
    assert_eq!(later.get_alert(&f.actor, alert.id).unwrap().state, AlertState::Published);
    let extend = AlertChange::Extend { ends_at: at + Duration::hours(12) };
    let update = AlertChange::SetContent(AlertContent { age: Some(11), ..AlertContent::default() });
    for change in [extend, update] {
        let refused = later.change_alert(&f.actor, alert.id, change);
        assert!(matches!(refused, Err(StoreError::Domain(DomainError::NoChange(_)))), "{refused:?}");
    }
    assert_eq!(later.get_alert(&f.actor, alert.id).unwrap().messages.len(), 1, "no Update was sent");
}
}
