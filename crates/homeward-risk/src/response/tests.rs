use homeward_domain::case::{Case, CaseEvent, CaseEventKind, Category, RiskLevel, Status};
use homeward_domain::escalation::Subject;
use homeward_domain::{CaseId, ChildId, ContactId, EventId, OrganisationId, TaskId, UserId};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::*;

const OPENED: OffsetDateTime = datetime!(2026-11-30 02:00 UTC);

fn id() -> Uuid {
    Uuid::now_v7()
}

/// A case opened at [`OPENED`] with `risk`, and its events after `changes` (minutes after
/// opening, what happened).
fn case(risk: Option<RiskLevel>, changes: &[(i64, CaseEventKind)]) -> (Case, Vec<CaseEvent>) {
    let opened = CaseEventKind::Opened {
        number: "GR-2026-000001".into(),
        organisation_id: OrganisationId(id()),
        child_id: ChildId(id()),
        category: Category::Runaway,
        risk_level: risk,
        last_seen_at: OPENED - Duration::hours(3),
        missing_from: None,
        assignee: None,
    };
    let (mut case, first) = Case::open(EventId(id()), CaseId(id()), OPENED, None, opened).unwrap();
    let mut events = vec![first];
    for (minutes, kind) in changes {
        let event = case.next_event(EventId(id()), OPENED + Duration::minutes(*minutes), None, kind.clone());
        case.apply(&event).unwrap();
        events.push(event);
    }
    (case, events)
}

fn handover() -> CaseEventKind {
    CaseEventKind::HandedToPolice { organisation_id: OrganisationId(id()) }
}

fn review(to: RiskLevel) -> CaseEventKind {
    CaseEventKind::RiskAssessed { from: Some(to), to, note_id: None }
}

fn plan() -> ResponsePlan {
    ResponsePlan::builtin().unwrap()
}

/// The subjects and cycles `case` misses `minutes` after it opened, under the built-in plan.
fn check(risk: Option<RiskLevel>, changes: &[(i64, CaseEventKind)], minutes: i64, expected: &[(&str, u32)]) {
    let (case, events) = case(risk, changes);
    let got: Vec<(String, u32)> = missed(&plan(), &case, &events, OPENED + Duration::minutes(minutes))
        .into_iter()
        .map(|m| (m.subject.key(), m.cycle))
        .collect();
    let expected: Vec<(String, u32)> = expected.iter().map(|(s, c)| (format!("target:{s}"), *c)).collect();
    assert_eq!(got, expected, "{risk:?} after {minutes} min with {changes:?}");
}

#[test]
fn a_high_risk_report_is_handed_to_the_police_within_15_minutes() {
    let contacted = || (5, CaseEventKind::ContactAdded { contact_id: ContactId(id()) });
    let high = Some(RiskLevel::High);
    check(high, &[contacted()], 15, &[]);
    check(high, &[contacted()], 16, &[("police_handover_high", 1)]);
    check(high, &[contacted(), (10, handover())], 16, &[]);
    // Handed over late: the target is met from then on.
    check(high, &[contacted(), (20, handover())], 30, &[]);
    // Still one cycle an hour later: a one-off target has one deadline.
    check(high, &[contacted()], 75, &[("police_handover_high", 1)]);
}

#[test]
fn the_family_is_contacted_after_the_report_not_by_it() {
    // The report's own contact is written with the case and does not count.
    let with_report = [(0, CaseEventKind::ContactAdded { contact_id: ContactId(id()) })];
    check(Some(RiskLevel::Low), &with_report, 61, &[("family_contact", 1)]);
    let call_back = [(40, CaseEventKind::ContactAdded { contact_id: ContactId(id()) })];
    check(Some(RiskLevel::Low), &call_back, 61, &[]);
}

#[test]
fn an_unassessed_case_is_assessed_within_the_hour() {
    let contacted = (5, CaseEventKind::ContactAdded { contact_id: ContactId(id()) });
    check(None, std::slice::from_ref(&contacted), 61, &[("police_handover", 1), ("risk_assessed", 1)]);
    // Assessed high at 30 min: no longer unassessed; the high-risk hand-over runs from the report.
    let assessed = (30, CaseEventKind::RiskAssessed { from: None, to: RiskLevel::High, note_id: None });
    check(None, &[contacted, assessed], 61, &[("police_handover_high", 1)]);
}

#[test]
fn a_medium_risk_review_escalates_once_per_missed_day() {
    let contacted = (5, CaseEventKind::ContactAdded { contact_id: ContactId(id()) });
    let handed = (10, handover());
    let medium = Some(RiskLevel::Medium);
    let day = 24 * 60;
    check(medium, &[contacted.clone(), handed.clone()], day, &[]);
    check(medium, &[contacted.clone(), handed.clone()], day + 1, &[("risk_review_medium", 1)]);
    check(medium, &[contacted.clone(), handed.clone()], 2 * day - 1, &[("risk_review_medium", 1)]);
    check(medium, &[contacted.clone(), handed.clone()], 2 * day + 1, &[("risk_review_medium", 2)]);
    // A review restarts the clock.
    let reviewed = (day + 30, review(RiskLevel::Medium));
    check(medium, &[contacted.clone(), handed.clone(), reviewed.clone()], 2 * day + 1, &[]);
    check(medium, &[contacted, handed, reviewed], 2 * day + 31, &[("risk_review_medium", 1)]);
}

#[test]
fn each_missed_cycle_has_a_deadline_of_its_own() {
    let (case, events) = case(Some(RiskLevel::Medium), &[]);
    let at = |minutes| OPENED + Duration::minutes(minutes);
    let review =
        |now| missed(&plan(), &case, &events, now).into_iter().find(|m| m.subject.key() == "target:risk_review_medium");
    assert_eq!(review(at(25 * 60)).map(|m| m.due_at), Some(at(24 * 60)));
    assert_eq!(review(at(49 * 60)).map(|m| m.due_at), Some(at(48 * 60)));
}

#[test]
fn a_found_child_is_held_to_no_target_but_a_task_still_falls_due() {
    let task = TaskId(id());
    let changes = [
        (1, CaseEventKind::TaskCreated { task_id: task, due_at: Some(OPENED + Duration::minutes(90)), assignee: None }),
        (2, CaseEventKind::StatusChanged { from: Status::Open, to: Status::FoundSafe, note_id: None }),
    ];
    let (found, events) = case(Some(RiskLevel::High), &changes);
    let got = missed(&plan(), &found, &events, OPENED + Duration::minutes(91));
    assert_eq!(got.iter().map(|m| m.subject.clone()).collect::<Vec<_>>(), [Subject::Task(task)]);
    assert_eq!(got[0].due_at, OPENED + Duration::minutes(90));
    assert!(missed(&plan(), &found, &events, OPENED + Duration::minutes(90)).is_empty());
    let mut done = changes.to_vec();
    done.push((3, CaseEventKind::TaskCompleted { task_id: task }));
    let (found, events) = case(Some(RiskLevel::High), &done);
    assert!(missed(&plan(), &found, &events, OPENED + Duration::minutes(91)).is_empty());
}

#[test]
fn a_closed_case_misses_nothing() {
    let changes = [(1, CaseEventKind::StatusChanged { from: Status::Open, to: Status::Closed, note_id: None })];
    let (closed, events) = case(Some(RiskLevel::High), &changes);
    assert!(missed(&plan(), &closed, &events, OPENED + Duration::days(30)).is_empty());
}

#[test]
fn targets_apply_to_their_categories_only() {
    let plan = ResponsePlan::parse(
        r#"version = "t"
        [[target]]
        id = "assigned_abduction"
        name = { en = "Assigned", el = "Ανατέθηκε" }
        met_by = "assigned"
        from = "last_seen"
        within_minutes = 60
        categories = ["criminal_abduction"]"#,
    )
    .unwrap();
    let (runaway, events) = case(None, &[]);
    assert!(missed(&plan, &runaway, &events, OPENED + Duration::days(1)).is_empty());
    let recategorised =
        [(1, CaseEventKind::Recategorised { from: Category::Runaway, to: Category::CriminalAbduction, note_id: None })];
    let (abduction, events) = case(None, &recategorised);
    // Last seen three hours before the report: already missed when the case opened.
    let got = missed(&plan, &abduction, &events, OPENED + Duration::minutes(1));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].due_at, OPENED - Duration::hours(2));
    let assigned = [recategorised[0].clone(), (2, CaseEventKind::Assigned { assignee: Some(UserId(id())) })];
    let (abduction, events) = case(None, &assigned);
    assert!(missed(&plan, &abduction, &events, OPENED + Duration::days(1)).is_empty());
}

#[test]
fn templates_make_their_tasks_on_opening_and_on_a_status_change() {
    let plan = plan();
    let (opened, _) = case(Some(RiskLevel::High), &[]);
    let on_open = templates(&plan, &opened, None, OPENED);
    assert_eq!(on_open.len(), 1);
    assert_eq!((on_open[0].template.as_str(), on_open[0].title.as_str()), ("call_family_back", "Call the family back"));
    assert_eq!(on_open[0].due_at, OPENED + Duration::hours(1));
    let found_at = OPENED + Duration::hours(5);
    let on_found = templates(&plan, &opened, Some(Status::FoundSafe), found_at);
    assert_eq!(on_found.iter().map(|t| t.template.as_str()).collect::<Vec<_>>(), ["return_interview"]);
    assert_eq!(on_found[0].due_at, found_at + Duration::hours(72));
    assert!(templates(&plan, &opened, Some(Status::FoundDeceased), found_at).is_empty());
    assert!(templates(&plan, &opened, Some(Status::Closed), found_at).is_empty());
}

#[test]
fn a_plan_in_greek_writes_its_tasks_in_greek() {
    let plan = ResponsePlan { language: "el".into(), ..plan() };
    let (opened, _) = case(None, &[]);
    assert_eq!(templates(&plan, &opened, None, OPENED)[0].title, "Επανάκληση στην οικογένεια");
}

#[test]
fn the_built_in_plan_loads() {
    let plan = plan();
    assert!(plan.target("police_handover_high").is_some_and(|t| t.within_minutes == 15));
    assert_eq!(plan.repeat_minutes, 30);
}

#[test]
fn bad_plans_are_refused_by_name() {
    let target = |body: &str| {
        format!(
            "version = \"t\"\n[[target]]\nname = {{ en = \"x\", el = \"x\" }}\nmet_by = \"contact\"\nfrom = \"report\"\n{body}"
        )
    };
    let refused = |text: &str, needle: &str| {
        let e = ResponsePlan::parse(text).unwrap_err().to_string();
        assert!(e.contains(needle), "{e} should name {needle}");
    };
    refused(&target("id = \"a\"\nwithin_minutes = 0"), "within_minutes");
    refused(&target("id = \"A b\"\nwithin_minutes = 5"), "lower-case");
    refused(&target("id = \"a\"\nwithin_minutes = 5\nrisk_levels = [\"extreme\"]"), "extreme");
    refused(&target("id = \"a\"\nwithin_minutes = 5\ncolour = \"red\""), "colour");
    refused("version = \"\"", "version");
    refused(
        "version = \"t\"\n[[template]]\nid = \"x\"\ntitle = { en = \"x\", el = \"x\" }\non = \"status_changed\"\ndue_minutes = 5",
        "statuses",
    );
    let twice = format!(
        "{}\n[[target]]\nid = \"a\"\nname = {{ en = \"x\", el = \"x\" }}\nmet_by = \"contact\"\nfrom = \"report\"\nwithin_minutes = 5",
        target("id = \"a\"\nwithin_minutes = 5")
    );
    refused(&twice, "twice");
}
