//! Sightings from the public as the store keeps them: written without an actor, listed in the
//! inbox newest first, attached to a case (with its event) or dismissed with a reason, and never
//! part of a case read before they are attached.

use homeward_domain::org::{Actor, NewOrganisation, NewUser, OrganisationKind, Role};
use homeward_domain::sighting::{NewSighting, Photo, PhotoType, SightingContact, SightingState};
use homeward_domain::view::CaseChange;
use homeward_store::{AuditCode, Store, StoreError};

use super::{Fixture, fixture, report};

/// A sighting seen an hour ago (local time in UTC, so that it is never in the future).
fn sighting(place: &str) -> NewSighting {
    let seen = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    NewSighting {
        alert: None,
        place: place.into(),
        lat: Some(39.6390),
        lon: Some(22.4191),
        seen_at: homeward_domain::sighting::format_local(time::PrimitiveDateTime::new(seen.date(), seen.time())),
        utc_offset_minutes: Some(0),
        description: "A girl in a red coat, with an older man, boarding the train north".into(),
        contact: SightingContact {
            name: Some("A passer-by".into()),
            phone: Some("+30 690 555 0101".into()),
            email: None,
        },
    }
}

fn jpeg() -> Photo {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend_from_slice(&[7; 2000]);
    Photo::check(bytes).unwrap()
}

/// A user of another organisation of the given kind.
fn member_of(f: &Fixture, kind: OrganisationKind, role: Role, email: &str) -> Actor {
    let cli = Actor::command_line();
    let org = f
        .store
        .create_organisation(&cli, NewOrganisation { name: format!("Org of {email}"), kind, country: "GR".into() })
        .unwrap();
    let user = f
        .store
        .create_user_with_password(
            &cli,
            NewUser { email: email.into(), display_name: None, role, organisation_id: Some(org.id) },
            "a long password",
        )
        .unwrap();
    Actor::user(&user, "test")
}

fn count(f: &Fixture, table: &str) -> i64 {
    let conn = f.conn();
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), (), |r| r.get(0)).unwrap()
}

conformance! {
fn a_sighting_is_kept_with_its_photo_and_listed_newest_first() {
    let f = fixture();
    let first = f.store.submit_sighting("198.51.100.7", sighting("Larissa station"), Some(jpeg())).unwrap();
    let second = f.store.submit_sighting("198.51.100.8", sighting("Volos harbour"), None).unwrap();
    let inbox = f.store.list_sightings(&f.actor).unwrap();
    assert_eq!(inbox.iter().map(|s| s.id).collect::<Vec<_>>(), vec![second.id, first.id]);
    let kept = &inbox[1];
    assert_eq!(kept.place, "Larissa station");
    assert_eq!((kept.lat, kept.lon), (Some(39.6390), Some(22.4191)));
    assert_eq!(kept.photo, Some(PhotoType::Jpeg));
    assert_eq!(kept.photo_bytes, Some(2004));
    assert_eq!(kept.contact.name.as_deref(), Some("A passer-by"));
    assert_eq!(kept.state, SightingState::New);
    assert!(kept.seen_at.is_some(), "the offset was given, so the moment is known");
    let photo = f.store.sighting_photo(&f.actor, first.id).unwrap();
    assert_eq!((photo.kind, photo.bytes.len()), (PhotoType::Jpeg, 2004));
    assert!(matches!(f.store.sighting_photo(&f.actor, second.id), Err(StoreError::NotFound(_))));

    // The public's entry names their address, never what they saw.
    let audit = f.store.audit_entries(0, 10_000).unwrap();
    let received: Vec<_> = audit.iter().filter(|e| e.code == AuditCode::SightingReceived.code()).collect();
    assert_eq!(received.len(), 2);
    assert_eq!((received[0].origin.as_str(), received[0].actor_user_id.as_deref()), ("198.51.100.7", None));
    assert!(!received[0].detail.contains("Larissa") && !received[0].detail.contains("red coat"));
    for code in [AuditCode::SightingsListed, AuditCode::SightingPhotoRead] {
        assert!(audit.iter().any(|e| e.code == code.code()), "no {code:?}");
    }
    assert!(f.store.verify_audit().unwrap().is_ok());
}
}

conformance! {
fn an_invalid_sighting_writes_nothing() {
    let f = fixture();
    let mut bad = sighting("  ");
    bad.seen_at = "2099-01-01T10:00".into();
    let refused = f.store.submit_sighting("198.51.100.7", bad, Some(jpeg()));
    match refused {
        Err(StoreError::Domain(homeward_domain::DomainError::Invalid(errors))) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["place", "seen_at"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!((count(&f, "sightings"), count(&f, "sighting_photos")), (0, 0));
}
}

conformance! {
fn a_sighting_is_never_part_of_a_case_read_until_it_is_attached() {
    let f = fixture();
    let case = f.store.create_case(&f.actor, report("2011-04-02")).unwrap().case.id;
    let sent = f.store.submit_sighting("198.51.100.7", sighting("Larissa station"), Some(jpeg())).unwrap();
    let before = serde_json::to_string(&f.store.get_case(&f.actor, case).unwrap()).unwrap();
    assert!(!before.contains("Larissa") && !before.contains(&sent.id.to_string()), "{before}");
    assert!(f.store.case_sightings(&f.actor, case).unwrap().is_empty());

    let attached = f.store.attach_sighting(&f.actor, sent.id, case).unwrap();
    assert_eq!((attached.state, attached.case_id), (SightingState::Attached, Some(case)));
    assert_eq!(attached.decided_by, f.actor.user_id);
    // The case's timeline says so; the event carries the sighting's id, nothing it says.
    let events = f.store.case_events(&f.actor, case).unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.kind.name(), "sighting_attached");
    assert!(!serde_json::to_string(last).unwrap().contains("Larissa"));
    let on_case = f.store.case_sightings(&f.actor, case).unwrap();
    assert_eq!(on_case.iter().map(|s| s.id).collect::<Vec<_>>(), vec![sent.id]);
    assert_eq!(on_case[0].place, "Larissa station");
    // It has left the inbox, and is attached once only.
    assert!(f.store.list_sightings(&f.actor).unwrap().is_empty());
    let again = f.store.attach_sighting(&f.actor, sent.id, case);
    assert!(matches!(again, Err(StoreError::Domain(homeward_domain::DomainError::NoChange(_)))), "{again:?}");
    let codes: Vec<i64> = f.store.audit_entries(0, 10_000).unwrap().iter().map(|e| e.code).collect();
    assert!(
        codes.contains(&AuditCode::SightingAttached.code()) && codes.contains(&AuditCode::CaseSightingsRead.code())
    );
}
}

conformance! {
fn a_dismissed_sighting_needs_a_reason_and_names_no_case() {
    let f = fixture();
    let case = f.store.create_case(&f.actor, report("2011-04-02")).unwrap().case.id;
    let sent = f.store.submit_sighting("198.51.100.7", sighting("Volos harbour"), None).unwrap();
    let no_reason = f.store.dismiss_sighting(&f.actor, sent.id, Some("  ".into()));
    assert!(matches!(no_reason, Err(StoreError::Domain(homeward_domain::DomainError::Invalid(_)))));
    let dismissed =
        f.store.dismiss_sighting(&f.actor, sent.id, Some("A prank: the same text came twice".into())).unwrap();
    assert_eq!((dismissed.state, dismissed.case_id), (SightingState::Dismissed, None));
    assert_eq!(dismissed.reason.as_deref(), Some("A prank: the same text came twice"));
    assert!(f.store.list_sightings(&f.actor).unwrap().is_empty());
    assert!(f.store.attach_sighting(&f.actor, sent.id, case).is_err(), "a dismissed sighting is not attached");
    assert!(f.store.case_sightings(&f.actor, case).unwrap().is_empty());
    assert_eq!(f.store.get_case(&f.actor, case).unwrap().case.version, 2, "the case did not change");
}
}

conformance! {
fn only_organisations_that_take_reports_see_sightings_and_attach_to_their_own_cases() {
    let f = fixture();
    let sent = f.store.submit_sighting("198.51.100.7", sighting("Larissa station"), Some(jpeg())).unwrap();
    let police = member_of(&f, OrganisationKind::PoliceUnit, Role::Operator, "op@police.example");
    assert!(matches!(f.store.list_sightings(&police), Err(StoreError::Denied(_))));
    assert!(matches!(f.store.get_sighting(&police, sent.id), Err(StoreError::NotFound(_))));
    assert!(matches!(f.store.sighting_photo(&police, sent.id), Err(StoreError::NotFound(_))));
    let analyst = member_of(&f, OrganisationKind::Hotline, Role::Analyst, "analyst@b.example");
    assert!(matches!(f.store.list_sightings(&analyst), Err(StoreError::Denied(_))));
    // Another hotline reads the inbox, but may not attach the sighting to a case of ours.
    let other = member_of(&f, OrganisationKind::Hotline, Role::Operator, "op@b.example");
    assert_eq!(f.store.list_sightings(&other).unwrap().len(), 1);
    let ours = f.store.create_case(&f.actor, report("2011-04-02")).unwrap().case.id;
    assert!(matches!(f.store.attach_sighting(&other, sent.id, ours), Err(StoreError::NotFound(_))));
    // Shared with them, our case is still not theirs to attach to.
    f.store.change_case(&f.actor, ours, CaseChange::Share(other.organisation_id.unwrap())).unwrap();
    assert!(matches!(f.store.attach_sighting(&other, sent.id, ours), Err(StoreError::Denied(_))));
    assert_eq!(f.store.get_sighting(&f.actor, sent.id).unwrap().state, SightingState::New, "nothing changed");
    // Attached to our case, it is part of the case: the hotline the case is shared with reads it
    // with the case (its photo too), and a police unit it is not shared with does not.
    f.store.attach_sighting(&f.actor, sent.id, ours).unwrap();
    assert_eq!(f.store.case_sightings(&other, ours).unwrap().len(), 1);
    assert_eq!(f.store.get_sighting(&other, sent.id).unwrap().case_id, Some(ours));
    assert!(f.store.sighting_photo(&other, sent.id).is_ok());
    assert!(matches!(f.store.dismiss_sighting(&other, sent.id, Some("no".into())), Err(StoreError::Denied(_))));
    assert!(matches!(f.store.get_sighting(&police, sent.id), Err(StoreError::NotFound(_))));
    let outsider = member_of(&f, OrganisationKind::Hotline, Role::Supervisor, "sup@c.example");
    assert!(matches!(f.store.get_sighting(&outsider, sent.id), Err(StoreError::NotFound(_))));
    let refusals = f.store.audit_entries(0, 10_000).unwrap();
    assert!(refusals.iter().any(|e| e.code == AuditCode::AccessDenied.code() && e.record_type == "sighting"));
}
}

conformance! {
fn a_sighting_for_an_alert_goes_to_the_alerts_organisation_and_only_a_published_alert_is_answered() {
    use homeward_domain::alert::{AlertChange, PublicField};
    let f = fixture();
    let case = f.store.create_case(&f.actor, report("2013-04-02")).unwrap().case.id;
    let alert = f
        .store
        .request_alert(&f.actor, case, crate::alerts::request(&[PublicField::Age, PublicField::ContactPhone]))
        .unwrap();
    let answering = |alert: &str| NewSighting { alert: Some(alert.to_owned()), ..sighting("Larissa station") };

    // Neither an alert only requested nor no alert at all: the public may not learn of a request.
    for reference in [alert.id.to_string(), "0192f7c0-0000-7000-8000-000000000000".to_owned()] {
        let refused = f.store.submit_sighting("198.51.100.7", answering(&reference), None);
        assert!(matches!(refused, Err(StoreError::Domain(_))), "{refused:?}");
    }
    assert_eq!(count(&f, "sightings"), 0, "a refused sighting writes nothing");

    crate::alerts::ready(&f, alert.id);
    f.store.change_alert(&f.actor, alert.id, AlertChange::Publish { ends_at: None }).unwrap();
    let answered = f.store.submit_sighting("198.51.100.7", answering(&alert.id.to_string()), None).unwrap();
    let general = f.store.submit_sighting("198.51.100.8", sighting("Volos harbour"), None).unwrap();

    // The alert's hotline has both; another hotline only the general one, and cannot open the other.
    let own: Vec<_> = f.store.list_sightings(&f.actor).unwrap().iter().map(|s| s.id).collect();
    assert_eq!(own, vec![general.id, answered.id]);
    let elsewhere = member_of(&f, OrganisationKind::Hotline, Role::Operator, "op@other-hotline.example");
    let theirs: Vec<_> = f.store.list_sightings(&elsewhere).unwrap().iter().map(|s| s.id).collect();
    assert_eq!(theirs, vec![general.id]);
    assert!(matches!(f.store.get_sighting(&elsewhere, answered.id), Err(StoreError::NotFound(_))));
    assert_eq!(f.store.get_sighting(&f.actor, answered.id).unwrap().alert, Some(alert.id.to_string()));

    // A general sighting dismissed by one hotline is that hotline's: the other cannot read it, nor
    // its reason.
    f.store.dismiss_sighting(&f.actor, general.id, Some("Seen by us already".into())).unwrap();
    assert!(matches!(f.store.get_sighting(&elsewhere, general.id), Err(StoreError::NotFound(_))));
    assert!(f.store.list_sightings(&elsewhere).unwrap().is_empty());
}
}
