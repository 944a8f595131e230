//! The police hand-over package as the store reads it: the case in full, its timeline and every
//! hand-over, read by the case's own organisation and by the police unit it was handed to only.

use homeward_domain::handover::Photo;
use homeward_domain::org::{Actor, NewOrganisation, NewUser, OrganisationKind, Role};
use homeward_domain::records::{IdentifierKind, NewIdentifier};
use homeward_domain::view::CaseChange;
use homeward_store::{AuditCode, Store, StoreError};

use super::{Fixture, fixture, report};

/// A police unit with its police liaison.
fn police_liaison(f: &Fixture, unit: &str, email: &str) -> (homeward_domain::OrganisationId, Actor) {
    let cli = Actor::command_line();
    let org = f
        .store
        .create_organisation(
            &cli,
            NewOrganisation { name: unit.into(), kind: OrganisationKind::PoliceUnit, country: "GR".into() },
        )
        .unwrap();
    let user = f
        .store
        .create_user_with_password(
            &cli,
            NewUser {
                email: email.into(),
                display_name: Some("Officer on duty".into()),
                role: Role::PoliceLiaison,
                organisation_id: Some(org.id),
            },
            "a long password",
        )
        .unwrap();
    (org.id, Actor::user(&user, "test"))
}

conformance! {
fn the_package_holds_the_case_its_timeline_and_who_handed_it_to_whom() {
    let f = fixture();
    let (unit, liaison) = police_liaison(&f, "Police Athens", "liaison@police.example");
    let (_, other_liaison) = police_liaison(&f, "Police Patras", "liaison@patras.example");
    let case = f.store.create_case(&f.actor, report("2011-04-02")).unwrap().case.id;
    let phone = NewIdentifier { kind: IdentifierKind::Phone, value: "+30 690 000 1234".into(), label: None };
    f.store.change_case(&f.actor, case, CaseChange::LinkIdentifier(phone)).unwrap();

    // Before any hand-over: the organisation's own package, with nothing handed over yet.
    let before = f.store.handover_package(&f.actor, case).unwrap();
    assert!(before.handovers.is_empty());
    assert_eq!(before.photo, Photo::NotKept);
    assert_eq!(before.organisation_name, "Hotline");
    let child = before.case.child.as_ref().unwrap();
    assert_eq!(child.details.given_name.as_deref(), Some("Ελένη"));
    assert_eq!(before.case.last_seen.as_ref().unwrap().place.as_deref(), Some("Athens, Omonia"));
    assert_eq!(before.case.identifiers[0].value, "+30 690 000 1234");
    let kinds: Vec<&str> = before.timeline.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["opened", "contact_added", "identifier_linked"]);
    // Not yet handed over, the unit sees nothing of the case.
    assert!(matches!(f.store.handover_package(&liaison, case), Err(StoreError::NotFound(_))));

    let handover = CaseChange::RecordPoliceHandover { to_organisation: unit, reference: Some("ATH-2026-118".into()) };
    f.store.change_case(&f.actor, case, handover).unwrap();
    let read = f.store.handover_package(&liaison, case).unwrap();
    assert_eq!(read.handovers.len(), 1);
    let h = &read.handovers[0];
    assert_eq!((h.organisation_id, h.organisation_name.as_str()), (unit, "Police Athens"));
    assert_eq!(h.reference.as_deref(), Some("ATH-2026-118"));
    assert_eq!(h.handed_by, f.actor.user_id);
    assert!(h.handed_by_name.is_some());
    assert!(read.timeline.iter().any(|e| e.kind.name() == "handed_to_police"));
    assert!(!read.case.pseudonymous);

    // Another unit is refused, even once the case is shared with it without a hand-over.
    assert!(matches!(f.store.handover_package(&other_liaison, case), Err(StoreError::NotFound(_))));
    let other_unit = other_liaison.organisation_id.unwrap();
    f.store.change_case(&f.actor, case, CaseChange::Share(other_unit)).unwrap();
    assert!(matches!(f.store.handover_package(&other_liaison, case), Err(StoreError::Denied(_))));

    // Every read is audited; every refusal is recorded against the case.
    let entries = f.store.audit_entries(0, 10_000).unwrap();
    let reads: Vec<_> = entries.iter().filter(|e| e.code == AuditCode::HandoverPackageRead.code()).collect();
    assert_eq!(reads.len(), 2);
    assert!(reads.iter().all(|e| e.record_id.as_deref() == Some(case.to_string().as_str())));
    assert_eq!(reads[1].actor_user_id, liaison.user_id.map(|u| u.to_string()));
    let refused = entries
        .iter()
        .filter(|e| e.code == AuditCode::AccessDenied.code())
        .filter(|e| e.actor_user_id == other_liaison.user_id.map(|u| u.to_string()))
        .count();
    assert_eq!(refused, 2);
    assert!(f.store.verify_audit().unwrap().is_ok());
}
}
