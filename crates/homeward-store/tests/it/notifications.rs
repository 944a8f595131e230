//! The notification outbox against a real SQLite file: queued with the escalation that causes
//! it, one per supervisor and webhook; each attempt recorded with its backoff; failures shown to
//! supervisors only; an acknowledgement cancels what has not gone out.

use std::sync::Arc;

use homeward_domain::escalation::{Missed, Subject};
use homeward_domain::notification::{Channel, EscalationEvent, Message, Outcome, Retry, Routes, State, WebhookRoute};
use homeward_domain::org::{Actor, NewUser, Role};
use homeward_store::{AuditCode, Store, StoreError};
use time::{Duration, OffsetDateTime};

use super::{Fixture, fixture, other_org, report};

fn user(f: &Fixture, role: Role, email: &str) -> Actor {
    user_of(f, f.actor.organisation_id, role, email)
}

/// A user of the organisation `org`.
fn user_of(f: &Fixture, org: Option<homeward_domain::OrganisationId>, role: Role, email: &str) -> Actor {
    let new = NewUser { email: email.into(), display_name: None, role, organisation_id: org };
    let user = f.store.create_user_with_password(&Actor::command_line(), new, "a long password").unwrap();
    Actor::user(&user, "test")
}

fn routes(f: &Fixture) -> Routes {
    let org = f.actor.organisation_id.unwrap();
    Routes { email: true, webhooks: vec![WebhookRoute { organisation_id: org, name: "dispatch".into() }] }
}

/// A case of the fixture's organisation and the handover target it missed at `due`.
fn missed_case(f: &Fixture, due: OffsetDateTime) -> (homeward_domain::CaseId, String, Missed) {
    let case = f.store.create_case(&f.actor, report("2011-04-02")).unwrap().case;
    let missed = Missed {
        case_id: case.id,
        organisation_id: case.organisation_id,
        subject: Subject::Target("police_handover_high".into()),
        cycle: 1,
        due_at: due,
    };
    (case.id, case.number, missed)
}

fn count(f: &Fixture, code: AuditCode) -> usize {
    f.store.audit_entries(0, 100_000).unwrap().iter().filter(|e| e.code == code.code()).count()
}

conformance! {
fn an_escalation_queues_one_email_per_active_supervisor_and_one_call_per_webhook() {
    let f = fixture();
    f.store.use_response_plan(Arc::new(homeward_risk::response::ResponsePlan::builtin().unwrap()));
    f.store.use_notification_routes(Arc::new(routes(&f)));
    user(&f, Role::Supervisor, "night-supervisor@a.example");
    let left = user(&f, Role::Supervisor, "left@a.example");
    f.store.set_user_active(&Actor::command_line(), left.user_id.unwrap(), false).unwrap();
    user(&f, Role::Operator, "operator@a.example");
    let elsewhere = other_org(&f);
    user_of(&f, elsewhere.organisation_id, Role::Supervisor, "supervisor@b.example");
    let now = OffsetDateTime::now_utc();
    let (case, number, missed) = missed_case(&f, now - Duration::minutes(1));
    let report = f.store.record_escalations(vec![missed], now, Duration::minutes(30)).unwrap();
    assert_eq!(report.raised, 1);
    let due = f.store.due_notifications(now, 100).unwrap();
    let mut to: Vec<(Channel, String)> = due.iter().map(|n| (n.channel, n.recipient.clone())).collect();
    to.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        to,
        [
            (Channel::Email, "cm@a.example".to_owned()),
            (Channel::Webhook, "dispatch".to_owned()),
            (Channel::Email, "night-supervisor@a.example".to_owned()),
        ],
        "the organisation's active supervisors and its webhook; not its operator, not a supervisor who left, \
         not another organisation's"
    );
    for n in &due {
        let Message::Escalation { event, case_id, case_number, what, due_at, .. } = &n.message;
        assert_eq!((*event, *case_id, case_number.as_str()), (EscalationEvent::Raised, case, number.as_str()));
        assert_eq!(what, "Handed to the police within 15 minutes of a high-risk report");
        assert_eq!(*due_at, now - Duration::minutes(1));
        assert_eq!(n.attempts, 0);
    }
    // The child's name is nowhere in what is queued.
    let conn = f.conn();
    let payloads: Vec<String> = conn
        .prepare("SELECT payload FROM notifications")
        .unwrap()
        .query_map((), |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(payloads.len(), 3);
    assert!(payloads.iter().all(|p| !p.contains("Ελένη") && !p.contains("Παπαδοπούλου")), "{payloads:?}");
    assert_eq!(count(&f, AuditCode::NotificationsQueued), 1, "one audit entry for the fact's notifications");
}
}

conformance! {
fn without_routes_nothing_is_queued() {
    let f = fixture();
    let now = OffsetDateTime::now_utc();
    let (_, _, missed) = missed_case(&f, now);
    assert_eq!(f.store.record_escalations(vec![missed], now, Duration::minutes(30)).unwrap().raised, 1);
    assert!(f.store.due_notifications(now + Duration::days(1), 100).unwrap().is_empty());
    assert_eq!(count(&f, AuditCode::NotificationsQueued), 0);
}
}

conformance! {
fn each_attempt_is_recorded_with_its_backoff_until_delivered_or_given_up() {
    let f = fixture();
    f.store.use_notification_routes(Arc::new(routes(&f)));
    let t0 = OffsetDateTime::now_utc();
    let (_, number, missed) = missed_case(&f, t0);
    f.store.record_escalations(vec![missed], t0, Duration::minutes(30)).unwrap();
    let due = f.store.due_notifications(t0, 100).unwrap();
    let email = due.iter().find(|n| n.channel == Channel::Email).unwrap().id;
    let hook = due.iter().find(|n| n.channel == Channel::Webhook).unwrap().id;
    let retry = Retry { first: Duration::minutes(1), cap: Duration::minutes(60), attempts: 3 };
    // The e-mail fails once, then goes out.
    let first = retry.after_failure(1, "connection refused".into(), t0);
    assert_eq!(f.store.record_notification_attempt(email, first, t0).unwrap(), State::Pending);
    assert_eq!(
        f.store.record_notification_attempt(hook, retry.after_failure(1, "503".into(), t0), t0).unwrap(),
        State::Pending
    );
    assert!(f.store.due_notifications(t0 + Duration::seconds(59), 100).unwrap().is_empty(), "not before a minute");
    let at = t0 + Duration::minutes(1);
    let again = f.store.due_notifications(at, 100).unwrap();
    assert_eq!(again.len(), 2);
    assert!(again.iter().all(|n| n.attempts == 1));
    assert_eq!(f.store.record_notification_attempt(email, Outcome::Delivered, at).unwrap(), State::Delivered);
    // The webhook fails twice more: the third failure is the last attempt.
    let second = retry.after_failure(2, "503".into(), at);
    assert_eq!(second, Outcome::Retry { error: "503".into(), at: at + Duration::minutes(2) });
    f.store.record_notification_attempt(hook, second, at).unwrap();
    assert!(f.store.due_notifications(at + Duration::seconds(119), 100).unwrap().is_empty());
    let last = at + Duration::minutes(2);
    assert_eq!(f.store.due_notifications(last, 100).unwrap().iter().map(|n| n.id).collect::<Vec<_>>(), [hook]);
    let gave_up = retry.after_failure(3, "the receiver answered 503".into(), last);
    assert_eq!(f.store.record_notification_attempt(hook, gave_up, last).unwrap(), State::Failed);
    assert!(f.store.due_notifications(last + Duration::days(1), 100).unwrap().is_empty());
    // The supervisors see the failure; an operator may not look.
    let failed = f.store.failed_notifications(&f.actor).unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].id, failed[0].channel, failed[0].attempts), (hook, Channel::Webhook, 3));
    assert_eq!(failed[0].last_error.as_deref(), Some("the receiver answered 503"));
    assert_eq!(failed[0].case_number.as_deref(), Some(number.as_str()));
    assert_eq!(failed[0].recipient, "dispatch");
    let operator = user(&f, Role::Operator, "operator@a.example");
    assert!(matches!(f.store.failed_notifications(&operator), Err(StoreError::Denied(_))));
    // Another organisation's supervisor sees none of them.
    let elsewhere = other_org(&f);
    let their_supervisor = user_of(&f, elsewhere.organisation_id, Role::Supervisor, "s@b.example");
    assert!(f.store.failed_notifications(&their_supervisor).unwrap().is_empty());
    assert_eq!(count(&f, AuditCode::NotificationDelivered), 1);
    assert_eq!(count(&f, AuditCode::NotificationAttemptFailed), 3);
    assert_eq!(count(&f, AuditCode::NotificationFailed), 1);
    assert_eq!(count(&f, AuditCode::NotificationsListed), 2);
    assert!(f.store.verify_audit().unwrap().is_ok());
}
}

conformance! {
fn acknowledging_an_escalation_cancels_what_has_not_gone_out_and_stops_its_repeats() {
    let f = fixture();
    f.store.use_notification_routes(Arc::new(routes(&f)));
    let t0 = OffsetDateTime::now_utc();
    let (_, _, missed) = missed_case(&f, t0);
    let half_hour = Duration::minutes(30);
    f.store.record_escalations(vec![missed.clone()], t0, half_hour).unwrap();
    for n in f.store.due_notifications(t0, 100).unwrap() {
        f.store.record_notification_attempt(n.id, Outcome::Delivered, t0).unwrap();
    }
    // Raised again half an hour later: again one per recipient, saying so.
    let later = t0 + half_hour;
    assert_eq!(f.store.record_escalations(vec![missed.clone()], later, half_hour).unwrap().repeated, 1);
    let repeats = f.store.due_notifications(later, 100).unwrap();
    assert_eq!(repeats.len(), 2);
    assert!(
        repeats
            .iter()
            .all(|n| matches!(n.message, Message::Escalation { event: EscalationEvent::Repeated, repeats: 1, .. }))
    );
    let escalation = f.store.list_escalations(&f.actor, true).unwrap()[0].id;
    f.store.acknowledge_escalation(&f.actor, escalation, None).unwrap();
    assert!(f.store.due_notifications(later, 100).unwrap().is_empty(), "cancelled");
    assert_eq!(count(&f, AuditCode::NotificationsCancelled), 1);
    // A delivery under way when it was cancelled is recorded, and it stays cancelled.
    assert_eq!(
        f.store.record_notification_attempt(repeats[0].id, Outcome::Delivered, later).unwrap(),
        State::Cancelled
    );
    // Acknowledged: never raised again, so nothing more is queued.
    let much_later = later + Duration::hours(3);
    assert_eq!(f.store.record_escalations(vec![missed], much_later, half_hour).unwrap().repeated, 0);
    assert!(f.store.due_notifications(much_later, 100).unwrap().is_empty());
}
}

conformance! {
/// A task's title is free text about the case ("Call Eleni's mother"): an overdue task is
/// notified as a task, never by its title.
fn an_overdue_task_is_notified_without_its_title() {
    let f = fixture();
    f.store.use_notification_routes(Arc::new(routes(&f)));
    let case = f.store.create_case(&f.actor, report("2011-04-02")).unwrap().case;
    let title = "Call Ελένη Παπαδοπούλου's mother at the shelter";
    let task = homeward_domain::records::NewTask { title: title.into(), due_at: None, assignee: None };
    let view = f.store.change_case(&f.actor, case.id, homeward_domain::view::CaseChange::CreateTask(task)).unwrap();
    let now = OffsetDateTime::now_utc();
    let missed = Missed {
        case_id: case.id,
        organisation_id: case.organisation_id,
        subject: Subject::Task(view.tasks[0].id),
        cycle: 1,
        due_at: now - Duration::hours(1),
    };
    f.store.record_escalations(vec![missed], now, Duration::minutes(30)).unwrap();
    let due = f.store.due_notifications(now, 100).unwrap();
    assert_eq!(due.len(), 2);
    for n in due {
        let Message::Escalation { what, subject, .. } = &n.message;
        assert_eq!(what, "A task is past its due time");
        assert!(subject.starts_with("task:"));
        let json = serde_json::to_string(&n.message).unwrap();
        assert!(!json.contains("Ελένη") && !json.contains("shelter"), "{json}");
    }
}
}

conformance! {
/// A failure stays in the supervisors' list for a week, so that an old one never hides a new one.
fn failures_are_listed_for_a_week() {
    let f = fixture();
    f.store.use_notification_routes(Arc::new(routes(&f)));
    let now = OffsetDateTime::now_utc();
    let (_, _, missed) = missed_case(&f, now - Duration::days(9));
    f.store.record_escalations(vec![missed], now - Duration::days(9), Duration::minutes(30)).unwrap();
    let due = f.store.due_notifications(now, 100).unwrap();
    let gave_up = |error: &str| Outcome::GaveUp { error: error.into() };
    f.store.record_notification_attempt(due[0].id, gave_up("old"), now - Duration::days(8)).unwrap();
    f.store.record_notification_attempt(due[1].id, gave_up("new"), now - Duration::days(6)).unwrap();
    let listed = f.store.failed_notifications(&f.actor).unwrap();
    assert_eq!(listed.iter().map(|n| n.id).collect::<Vec<_>>(), [due[1].id]);
}
}

conformance! {
fn escalations_go_to_the_supervisors_on_duty_and_to_all_while_nobody_is() {
    let f = fixture();
    f.store.use_response_plan(Arc::new(homeward_risk::response::ResponsePlan::builtin().unwrap()));
    f.store.use_notification_routes(Arc::new(Routes { email: true, webhooks: Vec::new() }));
    let night = user(&f, Role::Supervisor, "night-supervisor@a.example");
    let operator = user(&f, Role::Operator, "operator@a.example");
    // Everyone e-mailed so far, by address.
    let emailed = || -> Vec<String> {
        let due = f.store.due_notifications(OffsetDateTime::now_utc() + Duration::hours(1), 100).unwrap();
        let mut to: Vec<String> = due.into_iter().map(|n| n.recipient).collect();
        to.sort();
        to
    };

    // The night supervisor takes the duty: only they are e-mailed.
    let now = OffsetDateTime::now_utc();
    let duty = f.store.set_duty(&night, Some(now + Duration::hours(8))).unwrap();
    assert_eq!(duty.on_duty.iter().map(|d| d.email.as_str()).collect::<Vec<_>>(), ["night-supervisor@a.example"]);
    assert!(duty.mine.is_some());
    assert_eq!(f.store.duty(&operator).unwrap().on_duty.len(), 1, "the queue's readers see who is on duty");
    let (_, _, missed) = missed_case(&f, now - Duration::minutes(1));
    f.store.record_escalations(vec![missed], now, Duration::minutes(30)).unwrap();
    assert_eq!(emailed(), ["night-supervisor@a.example"]);

    // The duty ended, nobody is on duty: every supervisor again.
    assert!(f.store.set_duty(&night, None).unwrap().on_duty.is_empty());
    let later = OffsetDateTime::now_utc();
    let (_, _, missed) = missed_case(&f, later - Duration::minutes(1));
    f.store.record_escalations(vec![missed], later, Duration::minutes(30)).unwrap();
    assert_eq!(emailed(), ["cm@a.example", "night-supervisor@a.example", "night-supervisor@a.example"]);

    // Only a supervisor takes the duty, for at most a day, from now on.
    assert!(matches!(f.store.set_duty(&operator, Some(later + Duration::hours(1))), Err(StoreError::Denied(_))));
    for until in [later + Duration::hours(25), later - Duration::minutes(1)] {
        assert!(matches!(f.store.set_duty(&night, Some(until)), Err(StoreError::Domain(_))), "{until}");
    }
    assert_eq!(count(&f, AuditCode::DutyChanged), 2);
}
}
