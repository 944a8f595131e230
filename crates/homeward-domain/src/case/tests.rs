use super::*;
use proptest::prelude::*;
use time::macros::datetime;
use uuid::Uuid;

use Status::*;

fn check(from: Status, to: Status, allowed: bool) {
    assert_eq!(from.transition(to).is_ok(), allowed, "{from:?} -> {to:?}");
}

#[test]
fn lifecycle_table() {
    let table = [
        (Open, FoundSafe, true),
        (Open, FoundHarmed, true),
        (Open, FoundDeceased, true),
        (Open, Closed, true),
        (Open, Support, false),
        (Open, Open, false),
        (FoundSafe, Support, true),
        (FoundSafe, Closed, true),
        (FoundSafe, Open, true),
        (FoundSafe, FoundHarmed, false),
        (FoundHarmed, Support, true),
        (FoundDeceased, Support, true),
        (FoundDeceased, FoundSafe, false),
        (Support, Closed, true),
        (Support, Open, true),
        (Support, FoundSafe, false),
        (Closed, Open, true),
        (Closed, Support, false),
        (Closed, FoundSafe, false),
        (Closed, Closed, false),
    ];
    for (from, to, allowed) in table {
        check(from, to, allowed);
    }
}

#[test]
fn refused_transition_names_what_is_allowed() {
    let err = Closed.transition(Support).unwrap_err();
    assert_eq!(err.to_string(), "a case cannot go from closed to support; allowed from closed: open");
}

fn id() -> Uuid {
    Uuid::now_v7()
}

fn opened() -> (Case, CaseEvent) {
    let kind = CaseEventKind::Opened {
        number: "GR-2026-000001".into(),
        organisation_id: OrganisationId(id()),
        child_id: ChildId(id()),
        category: Category::Runaway,
        risk_level: None,
        last_seen_at: datetime!(2026-11-28 18:30 UTC),
        missing_from: Some(MissingFromKind::Home),
        assignee: None,
    };
    Case::open(EventId(id()), CaseId(id()), datetime!(2026-11-28 20:05 UTC), None, kind).unwrap()
}

fn command() -> impl Strategy<Value = CaseCommand> {
    prop_oneof![
        proptest::sample::select(Status::ALL.to_vec()).prop_map(|to| CaseCommand::ChangeStatus { to, note_id: None }),
        Just(CaseCommand::AddNote(NoteId(Uuid::nil()))),
        proptest::sample::select(vec![RiskLevel::Low, RiskLevel::High])
            .prop_map(|to| CaseCommand::AssessRisk { to, note_id: None }),
        proptest::sample::select(vec![Category::RunawayNational, Category::CriminalAbduction])
            .prop_map(|to| CaseCommand::Recategorise { to, note_id: None }),
        Just(CaseCommand::CreateTask { task_id: TaskId(Uuid::from_u128(7)), due_at: None, assignee: None }),
        Just(CaseCommand::CompleteTask(TaskId(Uuid::from_u128(7)))),
    ]
}

proptest! {
    /// Whatever commands are accepted, folding the stored events gives the same case as applying
    /// them one by one, and every accepted status change follows the lifecycle.
    #[test]
    fn folding_events_rebuilds_the_case(commands in proptest::collection::vec(command(), 0..30)) {
        let (mut case, first) = opened();
        let mut events = vec![first];
        for (i, command) in commands.into_iter().enumerate() {
            let before = case.status;
            if let Ok(kind) = case.decide(command) {
                let at = case.updated_at + time::Duration::minutes(i as i64);
                let event = case.next_event(EventId(id()), at, None, kind);
                case.apply(&event).unwrap();
                prop_assert!(before == case.status || before.next().contains(&case.status));
                events.push(event);
            }
        }
        let rebuilt = Case::from_events(&events).unwrap();
        prop_assert_eq!(&rebuilt, &case);
        prop_assert_eq!(case.version as usize, events.len());
        // An event survives a trip through its stored JSON.
        for event in &events {
            let json = serde_json::to_string(event).unwrap();
            prop_assert_eq!(&serde_json::from_str::<CaseEvent>(&json).unwrap(), event);
        }
    }
}

#[test]
fn an_event_out_of_sequence_is_refused() {
    let (mut case, _) = opened();
    let kind = case.decide(CaseCommand::AddNote(NoteId(id()))).unwrap();
    let mut event = case.next_event(EventId(id()), case.updated_at, None, kind);
    event.seq = 5;
    assert!(matches!(case.apply(&event), Err(DomainError::Corrupt(_))));
}

#[test]
fn completing_an_unknown_or_done_task_is_refused() {
    let (mut case, _) = opened();
    let task = TaskId(id());
    assert!(matches!(case.decide(CaseCommand::CompleteTask(task)), Err(DomainError::NotFound(_))));
    for command in
        [CaseCommand::CreateTask { task_id: task, due_at: None, assignee: None }, CaseCommand::CompleteTask(task)]
    {
        let kind = case.decide(command).unwrap();
        let event = case.next_event(EventId(id()), case.updated_at, None, kind);
        case.apply(&event).unwrap();
    }
    assert!(matches!(case.decide(CaseCommand::CompleteTask(task)), Err(DomainError::NoChange(_))));
}

fn report(json: &str) -> Result<NewCase, String> {
    let case: NewCase = serde_json::from_str(json).map_err(|e| format!("json: {e}"))?;
    case.validate(datetime!(2026-11-29 09:00 UTC)).map_err(|e| e.to_string())
}

#[test]
fn the_issue_example_report_is_valid() {
    let case = report(
        r#"{"category": "runaway",
            "child": {"given_name": "Ελένη", "family_name": "Παπαδοπούλου", "sex": "F", "date_of_birth": "2011-04-02"},
            "last_seen": {"at": "2026-11-28T18:30:00Z", "place": "Athens, Omonia", "lat": 37.984, "lon": 23.728},
            "contact": {"channel": "phone", "received_at": "2026-11-28T20:05:00Z", "summary": "Mother reports her daughter did not come home from school"}}"#,
    )
    .unwrap();
    assert_eq!(case.child.display_name(), "Ελένη Παπαδοπούλου");
    assert_eq!(case.last_seen.region, None, "a region is optional");
}

#[test]
fn a_region_is_kept_trimmed_and_an_empty_one_is_none() {
    let with = |region: &str| {
        let json = format!(
            r#"{{"category": "runaway", "child": {{"given_name": "Ελένη"}},
                "last_seen": {{"at": "2026-11-28T18:30:00Z", "region": "{region}"}}}}"#
        );
        report(&json).unwrap().last_seen.region
    };
    assert_eq!(with("  Attica "), Some("Attica".into()));
    assert_eq!(with("   "), None);
}

#[test]
fn validation_names_every_bad_field() {
    let err = report(
        r#"{"category": "runaway",
            "child": {"date_of_birth": "2001-01-01", "nationalities": ["Greece"]},
            "last_seen": {"at": "2027-01-01T00:00:00Z", "lat": 137.0, "region": "Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica Attica "},
            "contact": {"channel": "phone", "received_at": "2026-11-28T20:05:00Z", "summary": "  "}}"#,
    )
    .unwrap_err();
    for field in [
        "last_seen.at",
        "child.given_name",
        "child.date_of_birth",
        "child.nationalities[0]",
        "last_seen ",
        "last_seen.region",
        "contact.summary",
    ] {
        assert!(err.contains(field), "{err} lacks {field}");
    }
}

#[test]
fn unknown_category_and_fields_are_refused_when_read() {
    let err = report(
        r#"{"category": "kidnapped", "child": {"given_name": "A"}, "last_seen": {"at": "2026-11-28T18:30:00Z"}}"#,
    )
    .unwrap_err();
    assert!(err.contains("unknown variant `kidnapped`"), "{err}");
    let err = report(r#"{"category": "runaway", "child": {"given_name": "A", "eye": "x"}, "last_seen": {"at": "2026-11-28T18:30:00Z"}}"#).unwrap_err();
    assert!(err.contains("unknown field `eye`"), "{err}");
}

#[test]
fn a_birth_date_after_last_seen_or_an_adult_is_refused() {
    let base = |dob: &str| {
        report(&format!(
            r#"{{"category": "runaway", "child": {{"given_name": "A", "date_of_birth": "{dob}"}}, "last_seen": {{"at": "2026-11-28T18:30:00Z"}}}}"#
        ))
    };
    assert!(base("2026-12").unwrap_err().contains("after the day the child was last seen"));
    assert!(base("2008-11-28").unwrap_err().contains("18 or older"));
    assert!(base("2008-11-29").is_ok());
    assert!(base("2008").is_ok(), "a child born in 2008 may still be 17");
}

fn report_strategy() -> impl Strategy<Value = (i32, Option<u8>, Option<u8>, i64, i64)> {
    (1990i32..2030, proptest::option::of(1u8..=12), proptest::option::of(1u8..=31), -400i64..400, -48i64..48)
}

proptest! {
    /// Whatever dates a report carries, validation never panics, and an accepted report always
    /// describes a child under 18 born no later than the day they were last seen, last seen no
    /// later than now, and reported no earlier than last seen.
    #[test]
    fn accepted_reports_are_consistent((year, month, day, seen_days_ago, contact_hours) in report_strategy()) {
        let now = datetime!(2026-11-29 09:00 UTC);
        let last_seen = now - time::Duration::days(seen_days_ago);
        let received = last_seen + time::Duration::hours(contact_hours);
        let day = month.and(day);
        let Ok(dob) = crate::dates::PartialDate::new(year, month, day) else { return Ok(()) };
        let case = NewCase {
            category: Category::Runaway,
            risk_level: None,
            child: NewChild { given_name: Some("A".into()), date_of_birth: Some(dob), ..NewChild::default() },
            last_seen: LastSeen { at: last_seen, place: None, region: None, lat: None, lon: None, missing_from: None },
            circumstances: None,
            contact: Some(crate::records::NewContact {
                channel: crate::records::Channel::Phone,
                received_at: received,
                caller_relation: None,
                caller_name: None,
                caller_phone: None,
                summary: "s".into(),
            }),
            assignee: None,
            identifiers: Vec::new(),
        };
        if let Ok(case) = case.validate(now) {
            let seen_day = crate::dates::utc_date(case.last_seen.at);
            prop_assert!(dob.earliest() <= seen_day);
            prop_assert!(crate::dates::age_bounds(&dob, seen_day).0 < crate::child::ADULT_AGE);
            prop_assert!(case.last_seen.at <= now + crate::records::CLOCK_SKEW);
            prop_assert!(received + crate::records::CLOCK_SKEW >= case.last_seen.at);
        }
    }
}
