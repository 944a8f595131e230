//! Early warnings across cases, raised by the command that stores the case that makes the
//! pattern detectable, kept one per pattern while live, and decided by supervisors.

use homeward_domain::case::NewCase;
use homeward_domain::linkage::MatchDecision;
use homeward_domain::org::{Actor, NewUser, Role};
use homeward_domain::records::IdentifierKind;
use homeward_domain::warning::{Level, WarningDecision, WarningKind, WarningState};
use homeward_store::{AuditCode, Store, StoreError, TrendTest};
use serde_json::json;

use super::{Fixture, fixture, other_org};

/// A report of a child last seen on `day` of November 2026, with optional place and phone.
fn reported(given: &str, day: u32, centre: Option<&str>, phone: Option<&str>) -> NewCase {
    let mut body = json!({"category": "missing_unaccompanied_migrant",
        "child": {"given_name": given, "sex": "M"},
        "last_seen": {"at": format!("2026-11-{day:02}T18:00:00Z")}});
    if let Some(name) = centre {
        body["last_seen"]["missing_from"] = json!({"kind": "reception_centre", "name": name});
    }
    if let Some(value) = phone {
        body["identifiers"] = json!([{"kind": "phone", "value": value}]);
    }
    serde_json::from_value(body).unwrap()
}

/// The live warnings of one kind.
fn live_of_kind(f: &Fixture, kind: WarningKind) -> Vec<homeward_domain::warning::WarningView> {
    f.store.list_warnings(&f.actor, true).unwrap().into_iter().filter(|w| w.kind == kind).collect()
}

/// Forgets every warning (and whatever else `also` deletes) straight in the file, then runs the
/// full re-evaluation, which must find again what the cases raised as they came.
fn rescan_from_nothing(f: &Fixture, also: &str) {
    let conn = f.conn();
    conn.execute_batch(&format!("DELETE FROM warning_cases; DELETE FROM warnings; {also}")).unwrap();
    drop(conn);
    f.store.rescan_warnings().unwrap();
}

fn user(f: &Fixture, email: &str, role: Role) -> Actor {
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

conformance! {
fn a_phone_number_in_two_cases_raises_one_warning_that_the_next_case_joins() {
    let f = fixture();
    let first = f.store.create_case(&f.actor, reported("Amir", 1, None, Some("+30 690 000 1234"))).unwrap();
    assert!(f.store.list_warnings(&f.actor, true).unwrap().is_empty());
    // The second case raises the warning in the command that stores it.
    let second = f.store.create_case(&f.actor, reported("Karim", 20, None, Some("0030 690 000 1234"))).unwrap();
    let live = f.store.list_warnings(&f.actor, true).unwrap();
    assert_eq!(live.len(), 1, "{live:?}");
    let warning = &live[0];
    assert_eq!(
        (warning.kind, warning.level, warning.state),
        (WarningKind::SharedIdentifier, Level::Elevated, WarningState::Open)
    );
    // The number itself stays in the cases' records; the key holds a hash of it.
    assert_eq!(warning.key, homeward_store::stored_key("identifier:phone number:+306900001234"));
    assert!(warning.key.starts_with("identifier:phone number:#") && !warning.key.contains("6900001234"));
    assert_eq!(warning.cases.iter().map(|c| c.case_id).collect::<Vec<_>>(), vec![first.case.id, second.case.id]);
    assert_eq!(warning.evidence, vec!["the same phone number in 2 cases".to_string()]);

    // A third case, and a number linked to an existing case later, join the same warning.
    let third = f.store.create_case(&f.actor, reported("Omid", 25, None, Some("+306900001234"))).unwrap();
    let fourth = f.store.create_case(&f.actor, reported("Reza", 26, None, None)).unwrap();
    let phone = serde_json::from_value(json!({"kind": "phone", "value": "+30 690 000 1234"})).unwrap();
    f.store.change_case(&f.actor, fourth.case.id, homeward_domain::view::CaseChange::LinkIdentifier(phone)).unwrap();
    let live = f.store.list_warnings(&f.actor, true).unwrap();
    assert_eq!(live.len(), 1, "still one warning: {live:?}");
    assert_eq!(live[0].id, warning.id);
    assert_eq!(live[0].level, Level::High);
    let cases: Vec<_> = live[0].cases.iter().map(|c| c.case_id).collect();
    assert_eq!(cases, vec![first.case.id, second.case.id, third.case.id, fourth.case.id]);
    assert_eq!(
        f.store.case_warnings(&f.actor, third.case.id).unwrap(),
        vec![(warning.id, WarningKind::SharedIdentifier, Level::High)]
    );

    // Another organisation's case with the same number neither joins nor sees it.
    let elsewhere = other_org(&f);
    let supervisor_elsewhere = {
        let org = elsewhere.organisation_id;
        let u = f
            .store
            .create_user_with_password(
                &Actor::command_line(),
                NewUser {
                    email: "sup@b.example".into(),
                    display_name: None,
                    role: Role::Supervisor,
                    organisation_id: org,
                },
                "a long password",
            )
            .unwrap();
        Actor::user(&u, "test")
    };
    f.store.create_case(&supervisor_elsewhere, reported("Amir", 27, None, Some("+30 690 000 1234"))).unwrap();
    assert!(f.store.list_warnings(&supervisor_elsewhere, true).unwrap().is_empty());
    let hidden = f.store.get_warning(&supervisor_elsewhere, warning.id);
    assert!(matches!(hidden, Err(StoreError::NotFound(_))), "{hidden:?}");
    assert_eq!(f.store.list_warnings(&f.actor, true).unwrap()[0].cases.len(), 4);
}
}

conformance! {
fn children_gone_from_one_centre_within_days_raise_a_place_warning() {
    let f = fixture();
    f.store.create_case(&f.actor, reported("Amir", 1, Some("Reception Centre Lesvos"), None)).unwrap();
    f.store.create_case(&f.actor, reported("Karim", 3, Some("reception centre  LESVOS"), None)).unwrap();
    // Another place, and a home, are not the same place.
    f.store.create_case(&f.actor, reported("Omid", 4, Some("Reception Centre Samos"), None)).unwrap();
    assert!(f.store.list_warnings(&f.actor, true).unwrap().is_empty());
    let third = f.store.create_case(&f.actor, reported("Reza", 6, Some("Reception centre, Lesvos"), None)).unwrap();
    let live = f.store.list_warnings(&f.actor, true).unwrap();
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!(live[0].kind, WarningKind::PlaceCluster);
    assert_eq!(live[0].key, "place:reception centre:reception centre lesvos");
    assert_eq!(live[0].cases.len(), 3);
    assert_eq!(live[0].cases[2].case_id, third.case.id);
    assert_eq!(
        live[0].evidence,
        vec![
            "3 children missing from reception centre \"reception centre lesvos\" within 14 days, where 0.2 would be usual".to_string(),
            "a cluster this large would arise by chance about once in 6 years across 2 places".to_string(),
        ]
    );
}
}

conformance! {
fn a_confirmed_match_makes_repeat_episodes_a_warning() {
    let f = fixture();
    let first = f.store.create_case(&f.actor, reported("Amir", 1, None, None)).unwrap();
    let second = f.store.create_case(&f.actor, reported("Amir", 20, None, None)).unwrap();
    assert!(f.store.list_warnings(&f.actor, true).unwrap().is_empty());
    f.store.decide_match(&f.actor, second.case.id, first.case.id, MatchDecision::Confirm, None).unwrap();
    let live = f.store.list_warnings(&f.actor, true).unwrap();
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!((live[0].kind, live[0].level), (WarningKind::RepeatEpisodes, Level::Notice));
    assert_eq!(live[0].cases.iter().map(|c| c.case_id).collect::<Vec<_>>(), vec![first.case.id, second.case.id]);
}
}

conformance! {
fn supervisors_decide_warnings_and_a_closed_warning_is_not_reopened() {
    let f = fixture();
    let phone = Some("+30 690 000 1234");
    f.store.create_case(&f.actor, reported("Amir", 1, None, phone)).unwrap();
    f.store.create_case(&f.actor, reported("Karim", 2, None, phone)).unwrap();
    let id = f.store.list_warnings(&f.actor, true).unwrap()[0].id;

    // Only supervisors decide; operators do not even see the queue; case managers read it.
    let operator = user(&f, "op@a.example", Role::Operator);
    assert!(matches!(f.store.list_warnings(&operator, true), Err(StoreError::Denied(_))));
    let manager = user(&f, "cm2@a.example", Role::CaseManager);
    assert_eq!(f.store.list_warnings(&manager, true).unwrap().len(), 1);
    let refused = f.store.decide_warning(&manager, id, WarningDecision::Acknowledge, None);
    assert!(matches!(refused, Err(StoreError::Denied(_))), "{refused:?}");

    let seen = f.store.decide_warning(&f.actor, id, WarningDecision::Acknowledge, None).unwrap();
    assert_eq!(seen.state, WarningState::Acknowledged);
    let twice = f.store.decide_warning(&f.actor, id, WarningDecision::Acknowledge, None);
    assert!(matches!(twice, Err(StoreError::Domain(_))), "{twice:?}");
    // An acknowledged warning is still live: a third case joins it.
    f.store.create_case(&f.actor, reported("Omid", 3, None, phone)).unwrap();
    assert_eq!(f.store.get_warning(&f.actor, id).unwrap().cases.len(), 3);

    let no_reason = f.store.decide_warning(&f.actor, id, WarningDecision::Dismiss, Some("  ".into()));
    assert!(matches!(no_reason, Err(StoreError::Domain(_))), "{no_reason:?}");
    let dismissed = f
        .store
        .decide_warning(&f.actor, id, WarningDecision::Dismiss, Some("the shelter's own number".into()))
        .unwrap();
    assert_eq!(dismissed.state, WarningState::Dismissed);
    assert_eq!(
        dismissed.decisions.iter().map(|d| (d.decision, d.reason.clone(), d.by)).collect::<Vec<_>>(),
        vec![
            (WarningDecision::Acknowledge, None, f.actor.user_id),
            (WarningDecision::Dismiss, Some("the shelter's own number".into()), f.actor.user_id)
        ]
    );
    assert!(f.store.list_warnings(&f.actor, true).unwrap().is_empty());
    assert_eq!(f.store.list_warnings(&f.actor, false).unwrap().len(), 1);
    let closed = f.store.decide_warning(&f.actor, id, WarningDecision::Act, Some("told the police".into()));
    assert!(matches!(closed, Err(StoreError::Domain(_))), "{closed:?}");

    // The next case with the number opens a new warning; the dismissed one keeps its cases.
    f.store.create_case(&f.actor, reported("Reza", 4, None, phone)).unwrap();
    let live = f.store.list_warnings(&f.actor, true).unwrap();
    assert_eq!(live.len(), 1);
    assert_ne!(live[0].id, id);
    assert_eq!(f.store.get_warning(&f.actor, id).unwrap().cases.len(), 3);

    let codes: Vec<i64> = f.store.audit_entries(0, 10_000).unwrap().iter().map(|e| e.code).collect();
    for code in [
        AuditCode::WarningRaised,
        AuditCode::WarningUpdated,
        AuditCode::WarningsListed,
        AuditCode::WarningRead,
        AuditCode::WarningDecided,
    ] {
        assert!(codes.contains(&code.code()), "no {code:?} in the audit log");
    }
    assert!(f.store.verify_audit().unwrap().is_ok());
}
}

conformance! {
fn a_full_rescan_finds_what_the_cases_raised_one_by_one() {
    let f = fixture();
    let phone = Some("+30 690 000 1234");
    for (n, day) in [1u32, 2, 4, 6].iter().enumerate() {
        let centre = (n < 3).then_some("Centre A");
        f.store.create_case(&f.actor, reported(&format!("Child{n}"), *day, centre, phone)).unwrap();
    }
    let incremental = f.store.list_warnings(&f.actor, true).unwrap();
    assert_eq!(incremental.len(), 2, "{incremental:?}");
    // Nothing new to find.
    let report = f.store.rescan_warnings().unwrap();
    assert_eq!((report.cases, report.changed), (4, 0));

    // A store whose warnings and filed places are gone (a database from before the detectors).
    let conn = f.conn();
    conn.execute_batch(
        "DELETE FROM warning_cases; DELETE FROM warning_decisions; DELETE FROM warnings;
         DELETE FROM case_places; DELETE FROM places;",
    )
    .unwrap();
    drop(conn);
    let report = f.store.rescan_warnings().unwrap();
    // The phone raised at the second case and joined by two more; the place raised at the third.
    assert_eq!((report.cases, report.places_filed, report.changed), (4, 3, 4));
    let rescanned = f.store.list_warnings(&f.actor, true).unwrap();
    let shape = |ws: &[homeward_domain::warning::WarningView]| {
        let mut s: Vec<_> = ws
            .iter()
            .map(|w| (w.kind, w.key.clone(), w.level, w.cases.iter().map(|c| c.case_id).collect::<Vec<_>>()))
            .collect();
        s.sort_by(|a, b| a.1.cmp(&b.1));
        s
    };
    assert_eq!(shape(&rescanned), shape(&incremental));
}
}

conformance! {
fn a_week_with_far_more_reports_of_a_category_than_its_baseline_is_a_trend_warning() {
    let f = fixture();
    let monday = time::macros::datetime!(2026-11-02 09:00 UTC);
    let runaway = |at: time::OffsetDateTime, n: usize| -> NewCase {
        serde_json::from_value(json!({"category": "runaway_national",
            "child": {"given_name": format!("Child{n}"), "sex": "F"},
            "last_seen": {"at": at.format(&time::format_description::well_known::Rfc3339).unwrap()}}))
        .unwrap()
    };
    // Twenty weeks of one to three reports a week.
    let mut n = 0;
    for week in 1..=20i64 {
        for report in 0..[2, 1, 3, 2][week as usize % 4] {
            n += 1;
            let at = monday - time::Duration::weeks(week) + time::Duration::hours(report * 5);
            f.store.create_case(&f.actor, runaway(at, n)).unwrap();
        }
    }
    let trends = |f: &Fixture| live_of_kind(f, WarningKind::Trend);
    // The trend job tests each week with new reports, once.
    assert_eq!(f.store.test_trends().unwrap(), TrendTest { weeks: 20, changed: 0, more: false });
    assert_eq!(f.store.test_trends().unwrap().weeks, 0);
    assert!(trends(&f).is_empty(), "an ordinary series raises nothing: {:?}", trends(&f));
    // This week: the first three reports are within the usual; nine are not.
    let mut this_week = Vec::new();
    for report in 0..9 {
        n += 1;
        let view = f.store.create_case(&f.actor, runaway(monday + time::Duration::hours(report * 3), n)).unwrap();
        this_week.push(view.case.id);
        assert!(trends(&f).is_empty(), "tested by the trend job, not by the report: {:?}", trends(&f));
        assert_eq!(f.store.test_trends().unwrap().weeks, 1);
        if report < 3 {
            assert!(trends(&f).is_empty(), "{} reports raised {:?}", report + 1, trends(&f));
        }
    }
    let found = trends(&f);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].key, "trend:category runaway_national:2026-11-02");
    assert_eq!(found[0].cases.iter().map(|c| c.case_id).collect::<Vec<_>>(), this_week, "every report of the week");
    assert!(
        found[0].evidence[0].starts_with(
            "9 reports of category runaway_national in the week from 2026-11-02, where 2.0 would be usual"
        ),
        "{:?}",
        found[0].evidence
    );
    // The full re-evaluation recounts the weeks and finds the same.
    rescan_from_nothing(&f, "DELETE FROM weekly_counts;");
    let again = trends(&f);
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!((again[0].key.as_str(), again[0].cases.len()), ("trend:category runaway_national:2026-11-02", 9));
}
}

conformance! {
fn a_week_with_far_more_reports_from_a_region_than_its_baseline_is_a_trend_warning() {
    let f = fixture();
    let monday = time::macros::datetime!(2026-11-02 09:00 UTC);
    // Three categories in turn, so that no category alone rises: only the region does.
    let categories = ["runaway_national", "lost_injured_otherwise_missing", "parental_abduction_national"];
    let report = |at: time::OffsetDateTime, n: usize, region: &str| -> NewCase {
        serde_json::from_value(json!({"category": categories[n % 3],
            "child": {"given_name": format!("Child{n}"), "sex": "F"},
            "last_seen": {"at": at.format(&time::format_description::well_known::Rfc3339).unwrap(), "region": region}}))
        .unwrap()
    };
    // Twenty weeks of one to three reports a week from Attica, and one a week from Crete.
    let mut n = 0;
    for week in 1..=20i64 {
        for r in 0..[2, 1, 3, 2][week as usize % 4] {
            n += 1;
            let at = monday - time::Duration::weeks(week) + time::Duration::hours(r * 5);
            f.store.create_case(&f.actor, report(at, n, "Attica")).unwrap();
        }
        n += 1;
        f.store.create_case(&f.actor, report(monday - time::Duration::weeks(week), n, "Crete")).unwrap();
    }
    let trends = |f: &Fixture| {
        let mut found = live_of_kind(f, WarningKind::Trend);
        found.sort_by(|a, b| a.key.cmp(&b.key));
        found
    };
    assert!(trends(&f).is_empty(), "an ordinary series raises nothing: {:?}", trends(&f));
    // This week nine from Attica, however the region is written, and one from Crete.
    let mut this_week = Vec::new();
    for (r, written) in ["Attica", " ATTICA", "attica "].into_iter().cycle().take(9).enumerate() {
        n += 1;
        let view =
            f.store.create_case(&f.actor, report(monday + time::Duration::hours(r as i64 * 3), n, written)).unwrap();
        this_week.push(view.case.id);
    }
    n += 1;
    f.store.create_case(&f.actor, report(monday, n, "Crete")).unwrap();
    assert!(trends(&f).is_empty(), "tested by the trend job, not by the reports");
    // One run tests every week counted so far, the regions' and the categories'.
    let run = f.store.test_trends().unwrap();
    assert_eq!((run.changed, run.more), (1, false), "{run:?}");
    let found = trends(&f);
    assert_eq!(found.iter().map(|w| w.key.as_str()).collect::<Vec<_>>(), vec!["trend:region attica:2026-11-02"]);
    assert_eq!(found[0].cases.iter().map(|c| c.case_id).collect::<Vec<_>>(), this_week, "every report of the week");
    assert!(
        found[0].evidence[0]
            .starts_with("9 reports of region attica in the week from 2026-11-02, where 2.0 would be usual"),
        "{:?}",
        found[0].evidence
    );
    // The full re-evaluation recounts the regions' weeks and finds the same.
    rescan_from_nothing(&f, "DELETE FROM weekly_counts;");
    let again = trends(&f);
    assert_eq!(
        again.iter().map(|w| (w.key.as_str(), w.cases.len())).collect::<Vec<_>>(),
        vec![("trend:region attica:2026-11-02", 9)]
    );
}
}

conformance! {
fn a_closed_warning_stays_closed_when_its_cases_are_evaluated_again() {
    let f = fixture();
    let phone = Some("+30 690 000 1234");
    let first = f.store.create_case(&f.actor, reported("Amir", 1, None, phone)).unwrap();
    f.store.create_case(&f.actor, reported("Karim", 2, None, phone)).unwrap();
    let id = f.store.list_warnings(&f.actor, true).unwrap()[0].id;
    f.store.decide_warning(&f.actor, id, WarningDecision::Dismiss, Some("siblings, one family".into())).unwrap();
    // The same number linked to one of its cases again, and a full re-evaluation: nothing new.
    let again = serde_json::from_value(json!({"kind": "phone", "value": "0030 690 000 1234"})).unwrap();
    f.store.change_case(&f.actor, first.case.id, homeward_domain::view::CaseChange::LinkIdentifier(again)).unwrap();
    assert_eq!(f.store.rescan_warnings().unwrap().changed, 0);
    assert!(f.store.list_warnings(&f.actor, true).unwrap().is_empty(), "the dismissal stands");
    // A third case with the number is new: a new warning, holding all three.
    f.store.create_case(&f.actor, reported("Omid", 3, None, phone)).unwrap();
    let live = f.store.list_warnings(&f.actor, true).unwrap();
    assert_eq!((live.len(), live[0].cases.len()), (1, 3), "{live:?}");
}
}

conformance! {
fn a_live_warning_is_joined_by_each_new_case_once_and_lists_at_most_200() {
    let f = fixture();
    let phone = Some("+30 690 000 1234");
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(f.store.create_case(&f.actor, reported(&format!("Child{n}"), 1 + n, None, phone)).unwrap().case.id);
    }
    let joined = |f: &Fixture| -> Vec<serde_json::Value> {
        let entries = f.store.audit_entries(0, 100_000).unwrap();
        entries
            .into_iter()
            .filter(|e| e.code == AuditCode::WarningRaised.code() || e.code == AuditCode::WarningUpdated.code())
            .map(|e| serde_json::from_str::<serde_json::Value>(&e.detail).unwrap()["cases_joined"].clone())
            .collect()
    };
    let id = |i: usize| json!(ids[i].to_string());
    // Raised by the second case with both (the newer first); the third joins alone.
    assert_eq!(joined(&f), vec![json!([id(1), id(0)]), json!([id(2)])]);
    // Evaluated again, its cases join nothing and nothing is written.
    assert_eq!(f.store.rescan_warnings().unwrap().changed, 0);
    assert_eq!(joined(&f).len(), 2);
    // Many more: the warning lists 200 of them, each joined once.
    for n in 3..205 {
        f.store.create_case(&f.actor, reported(&format!("Child{n}"), 1 + n % 28, None, phone)).unwrap();
    }
    let live = live_of_kind(&f, WarningKind::SharedIdentifier);
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].cases.len(), 200);
    let all: Vec<String> = joined(&f).iter().flat_map(|j| j.as_array().unwrap().clone()).map(|v| v.to_string()).collect();
    assert_eq!(all.len(), 200, "each case joined once");
    assert_eq!(all.iter().collect::<std::collections::HashSet<_>>().len(), 200);
}
}

conformance! {
fn refused_reads_of_warnings_are_recorded() {
    let f = fixture();
    let phone = Some("+30 690 000 1234");
    f.store.create_case(&f.actor, reported("Amir", 1, None, phone)).unwrap();
    f.store.create_case(&f.actor, reported("Karim", 2, None, phone)).unwrap();
    let id = f.store.list_warnings(&f.actor, true).unwrap()[0].id;
    let operator = user(&f, "op@a.example", Role::Operator);
    assert!(f.store.get_warning(&operator, id).is_err());
    assert!(f.store.list_warnings(&operator, true).is_err());
    let denied: Vec<_> = f
        .store
        .audit_entries(0, 10_000)
        .unwrap()
        .into_iter()
        .filter(|e| e.code == AuditCode::AccessDenied.code() && e.record_type == "warning")
        .collect();
    assert_eq!(denied.len(), 2, "{denied:?}");
    assert_eq!(denied[0].record_id.as_deref(), Some(id.to_string().as_str()));
}
}

conformance! {
fn a_recategorised_case_moves_between_the_weekly_counts() {
    let f = fixture();
    let view = f.store.create_case(&f.actor, reported("Amir", 1, None, None)).unwrap();
    let counts = |f: &Fixture| -> Vec<(String, i64)> {
        let conn = f.conn();
        let mut s = conn.prepare("SELECT key, count FROM weekly_counts ORDER BY key").unwrap();
        s.query_map((), |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<homeward_store::db::Result<_>>().unwrap()
    };
    assert_eq!(counts(&f), vec![("missing_unaccompanied_migrant".to_string(), 1)]);
    let change = homeward_domain::view::CaseChange::Recategorise {
        to: homeward_domain::case::Category::RunawayInternational,
        reason: Some("crossed the border".into()),
    };
    f.store.change_case(&f.actor, view.case.id, change).unwrap();
    assert_eq!(
        counts(&f),
        vec![("missing_unaccompanied_migrant".to_string(), 0), ("runaway_international".to_string(), 1)]
    );
}
}

conformance! {
fn risk_answers_are_kept_with_who_gave_them_and_when() {
    use homeward_domain::risk::RiskAnswers;
    use homeward_domain::view::CaseChange;
    let f = fixture();
    let view = f.store.create_case(&f.actor, reported("Amir", 1, None, None)).unwrap();
    let id = view.case.id;
    assert!(view.risk_answers.is_empty());
    let nothing = f.store.change_case(&f.actor, id, CaseChange::AnswerRiskQuestions(RiskAnswers::default()));
    assert!(matches!(nothing, Err(StoreError::Domain(_))), "{nothing:?}");
    let first = RiskAnswers { under_13: Some(true), in_care: Some(false), ..Default::default() };
    f.store.change_case(&f.actor, id, CaseChange::AnswerRiskQuestions(first)).unwrap();
    // A colleague corrects one answer later; the latest answer to each question counts.
    let colleague = user(&f, "cm2@a.example", Role::CaseManager);
    let second = RiskAnswers { in_care: Some(true), ..Default::default() };
    let view = f.store.change_case(&colleague, id, CaseChange::AnswerRiskQuestions(second)).unwrap();
    let answers: Vec<_> = view.risk_answers.iter().map(|a| (a.question.as_str(), a.answer, a.answered_by)).collect();
    assert_eq!(answers, vec![("under_13", true, f.actor.user_id), ("in_care", true, colleague.user_id)]);
    // The audit entry names the questions, never the answers.
    let entry = f
        .store
        .audit_entries(0, 10_000)
        .unwrap()
        .into_iter()
        .rev()
        .find(|e| e.code == AuditCode::RiskQuestionsAnswered.code())
        .unwrap();
    assert!(entry.detail.contains("in_care") && !entry.detail.contains("true"), "{}", entry.detail);
}
}

conformance! {
fn every_change_of_the_assessment_is_stored_with_its_catalogue_version() {
    use homeward_domain::view::CaseChange;
    let f = fixture();
    let builtin = homeward_risk::Catalogue::builtin().unwrap();
    // Gone from a reception centre: missing from care, derived by Homeward.
    let view = f.store.create_case(&f.actor, reported("Amir", 1, Some("Centre A"), None)).unwrap();
    let id = view.case.id;
    let stored = f.store.case_assessments(&f.actor, id).unwrap();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].catalogue_version, builtin.version);
    assert_eq!(stored[0].reasons.iter().map(|r| r.indicator.as_str()).collect::<Vec<_>>(), vec!["missing_from_care"]);
    let observe = |indicator: &str, evidence: Option<&str>| CaseChange::ObserveIndicator {
        indicator: indicator.into(),
        evidence: evidence.map(Into::into),
    };
    f.store.change_case(&f.actor, id, observe("documents_withheld", Some("the man keeps his passport"))).unwrap();
    let stored = f.store.case_assessments(&f.actor, id).unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored[1].score > stored[0].score);
    assert_eq!(
        stored[1].reasons.iter().find(|r| r.indicator == "documents_withheld").unwrap().recorded_by,
        f.actor.user_id
    );
    // A change that does not change the result stores nothing.
    f.store
        .change_case(
            &f.actor,
            id,
            CaseChange::AddNote(serde_json::from_value(json!({"text": "called the centre"})).unwrap()),
        )
        .unwrap();
    assert_eq!(f.store.case_assessments(&f.actor, id).unwrap().len(), 2);
    // An organisation's own catalogue: the next change is assessed with it, and says so.
    let mut own = builtin.clone();
    own.version = "hotline-2026-12".into();
    f.store.use_catalogue(std::sync::Arc::new(own));
    f.store
        .change_case(&f.actor, id, CaseChange::AddNote(serde_json::from_value(json!({"text": "again"})).unwrap()))
        .unwrap();
    let stored = f.store.case_assessments(&f.actor, id).unwrap();
    assert_eq!((stored.len(), stored[2].catalogue_version.as_str()), (3, "hotline-2026-12"));
    // Nobody outside the organisation reads them; the reads are audited.
    let elsewhere = other_org(&f);
    assert!(matches!(f.store.case_assessments(&elsewhere, id), Err(StoreError::NotFound(_))));
    let codes: Vec<i64> = f.store.audit_entries(0, 10_000).unwrap().iter().map(|e| e.code).collect();
    assert!(codes.contains(&AuditCode::AssessmentsRead.code()));
}
}

conformance! {
fn an_unaccompanied_child_gone_within_48_hours_of_registration_is_a_reason() {
    let f = fixture();
    let report = |registered: &str| -> NewCase {
        serde_json::from_value(json!({"category": "missing_unaccompanied_migrant",
            "child": {"given_name": "Amir", "sex": "M"},
            "last_seen": {"at": "2026-11-10T18:00:00Z",
                "missing_from": {"kind": "reception_centre", "name": "Centre A", "registered_at": registered}}}))
        .unwrap()
    };
    let reasons = |f: &Fixture, id| -> Vec<String> {
        f.store
            .case_assessments(&f.actor, id)
            .unwrap()
            .last()
            .unwrap()
            .reasons
            .iter()
            .map(|r| r.indicator.clone())
            .collect()
    };
    let soon = f.store.create_case(&f.actor, report("2026-11-09T22:00:00Z")).unwrap();
    assert!(reasons(&f, soon.case.id).contains(&"unaccompanied_within_48h".to_string()), "20 hours");
    let later = f.store.create_case(&f.actor, report("2026-11-07T18:00:00Z")).unwrap();
    assert!(!reasons(&f, later.case.id).contains(&"unaccompanied_within_48h".to_string()), "72 hours");
    // Registered after the child went missing: refused, naming the field.
    let refused = f.store.create_case(&f.actor, report("2026-11-11T08:00:00Z"));
    assert!(
        matches!(&refused, Err(StoreError::Domain(e)) if e.to_string().contains("last_seen.missing_from.registered_at")),
        "{refused:?}"
    );
}
}

conformance! {
fn a_probable_match_makes_a_repeat_warning_that_its_confirmation_keeps() {
    use homeward_domain::linkage::{MatchReason, MatchSuggestion};
    let f = fixture();
    let reasons = vec![MatchReason { field: "given_name".into(), level: "exact".into(), weight: 4.0 }];
    let repeats = |f: &Fixture| live_of_kind(f, WarningKind::RepeatEpisodes);
    let first = f.store.create_case(&f.actor, reported("Amir", 1, None, None)).unwrap();
    // Found at intake as very likely the same child: a probable repeat episode, said so.
    let (second, _) = f
        .store
        .create_case_with_candidates(
            &f.actor,
            reported("Amir", 20, None, None),
            vec![(first.case.child_id, 0.95, reasons.clone())],
            10,
        )
        .unwrap();
    let found = repeats(&f);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].cases.iter().map(|c| c.case_id).collect::<Vec<_>>(), vec![first.case.id, second.case.id]);
    assert!(found[0].evidence[1].starts_with("1 of them only probably the same child"), "{:?}", found[0].evidence);
    // Confirmed: the same warning, not a second one.
    f.store.decide_match(&f.actor, second.case.id, first.case.id, MatchDecision::Confirm, None).unwrap();
    let confirmed = repeats(&f);
    assert_eq!((confirmed.len(), confirmed[0].id), (1, found[0].id), "{confirmed:?}");
    // The linkage job's likely pair counts too; a merely possible one (0.6) does not.
    let third = f.store.create_case(&f.actor, reported("Karim", 2, None, None)).unwrap();
    let fourth = f.store.create_case(&f.actor, reported("Karim", 22, None, None)).unwrap();
    let fifth = f.store.create_case(&f.actor, reported("Omid", 3, None, None)).unwrap();
    let sixth = f.store.create_case(&f.actor, reported("Omid", 23, None, None)).unwrap();
    let pair = |a: &homeward_domain::view::CaseView, b: &homeward_domain::view::CaseView, p| MatchSuggestion {
        child: b.case.child_id,
        other: a.case.child_id,
        probability: p,
        explanation: reasons.clone(),
    };
    f.store.record_match_suggestions(vec![pair(&third, &fourth, 0.92), pair(&fifth, &sixth, 0.6)], None).unwrap();
    let all = repeats(&f);
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(
        all.iter()
            .any(|w| w.cases.iter().map(|c| c.case_id).collect::<Vec<_>>() == vec![third.case.id, fourth.case.id])
    );
    // The full re-evaluation finds the probable repeat too, and says it is probable.
    rescan_from_nothing(&f, "");
    let again = repeats(&f);
    let shape = |found: &[homeward_domain::warning::WarningView]| {
        let mut s: Vec<Vec<_>> = found.iter().map(|w| w.cases.iter().map(|c| c.case_id).collect()).collect();
        s.sort();
        s
    };
    assert_eq!(shape(&again), shape(&all), "{again:?}");
    let probable = again.iter().find(|w| w.cases[0].case_id == third.case.id).unwrap();
    assert!(probable.evidence[1].starts_with("1 of them only probably the same child"), "{:?}", probable.evidence);
}
}

/// A report of a child last seen on `day` of November 2026 holding these identifiers.
fn holding(given: &str, day: u32, identifiers: &[(&str, &str)]) -> NewCase {
    let identifiers: Vec<_> = identifiers.iter().map(|(kind, value)| json!({"kind": kind, "value": value})).collect();
    serde_json::from_value(json!({"category": "runaway",
        "child": {"given_name": given, "sex": "M"},
        "last_seen": {"at": format!("2026-11-{day:02}T18:00:00Z")},
        "identifiers": identifiers}))
    .unwrap()
}

conformance! {
fn a_shared_phone_warning_has_a_network_of_its_cases_those_one_hop_further_and_their_identifiers() {
    let f = fixture();
    let a = f.store.create_case(&f.actor, holding("Amir", 1, &[("phone", "+30 690 000 1234")])).unwrap();
    let b = f
        .store
        .create_case(&f.actor, holding("Karim", 2, &[("phone", "0030 690 000 1234"), ("social_handle", "@nikos_13")]))
        .unwrap();
    let c = f
        .store
        .create_case(&f.actor, holding("Omid", 3, &[("social_handle", "Nikos_13"), ("vehicle", "IKA-1234")]))
        .unwrap();
    // Two hops away (through the vehicle only C holds): not in the network.
    let far = f.store.create_case(&f.actor, holding("Reza", 4, &[("vehicle", "ika 1234")])).unwrap();
    // Another organisation's case with the same number is never part of it.
    let elsewhere = other_org(&f);
    let hidden = f.store.create_case(&elsewhere, holding("Amir", 5, &[("phone", "+306900001234")])).unwrap();

    let key = homeward_store::stored_key("identifier:phone number:+306900001234");
    let warning = f.store.list_warnings(&f.actor, true).unwrap().into_iter().find(|w| w.key == key).unwrap();
    let network = f.store.warning_network(&f.actor, warning.id).unwrap();
    assert_eq!(network.warning_id, warning.id);
    let cases: Vec<_> = network.cases.iter().map(|n| (n.case_id, n.in_warning)).collect();
    assert_eq!(cases, vec![(a.case.id, true), (b.case.id, true), (c.case.id, false)]);
    assert_eq!(network.cases[2].number, c.case.number);
    assert!(!cases.iter().any(|(id, _)| *id == far.case.id || *id == hidden.case.id));
    let nodes: Vec<_> = network.identifiers.iter().map(|i| (i.kind, i.value.as_str(), i.held_by)).collect();
    assert_eq!(
        nodes,
        vec![(IdentifierKind::Phone, "+30 690 000 1234", 2), (IdentifierKind::SocialHandle, "@nikos_13", 2)]
    );
    let (phone, handle) = (network.identifiers[0].id, network.identifiers[1].id);
    assert_eq!(phone, a.identifiers[0].id, "the phone as A wrote it first");
    let edges: Vec<_> = network.edges.iter().map(|e| (e.case_id, e.identifier_id)).collect();
    assert_eq!(
        edges,
        vec![(a.case.id, phone), (b.case.id, phone), (b.case.id, handle), (c.case.id, handle)],
        "the vehicle only C holds in the network links nothing"
    );
    assert!(!network.truncated);

    // The read is audited with what was shown: the cases and the identifiers, by id only.
    let entries = f.store.audit_entries(0, 10_000).unwrap();
    let read = entries.iter().rfind(|e| e.code == AuditCode::WarningNetworkRead.code()).unwrap();
    assert_eq!((read.action.as_str(), read.record_type.as_str()), ("warning.network_read", "warning"));
    assert_eq!(read.record_id, Some(warning.id.to_string()));
    let detail: serde_json::Value = serde_json::from_str(&read.detail).unwrap();
    assert_eq!(detail["case_ids"], json!([a.case.id, b.case.id, c.case.id]));
    assert_eq!(detail["identifier_ids"], json!([phone, handle]));
    assert_eq!(detail["truncated"], false);
    // (Not "690" alone: the ids are hexadecimal, and one in thirty details holds it by chance.)
    let values = ["690 000 1234", "6900001234", "nikos"];
    assert!(!values.iter().any(|v| read.detail.contains(v)), "no identifier value: {}", read.detail);

    // An operator may not read warnings: refused, and the refusal recorded against the warning.
    let operator = user(&f, "op@a.example", Role::Operator);
    let refused = f.store.warning_network(&operator, warning.id);
    assert!(matches!(refused, Err(StoreError::Denied(_))), "{refused:?}");
    // Another organisation's reader does not learn that the warning exists.
    let supervisor_elsewhere = {
        let u = f
            .store
            .create_user_with_password(
                &Actor::command_line(),
                NewUser {
                    email: "sup@b.example".into(),
                    display_name: None,
                    role: Role::Supervisor,
                    organisation_id: elsewhere.organisation_id,
                },
                "a long password",
            )
            .unwrap();
        Actor::user(&u, "test")
    };
    let not_found = f.store.warning_network(&supervisor_elsewhere, warning.id);
    assert!(matches!(not_found, Err(StoreError::NotFound(_))), "{not_found:?}");
    let entries = f.store.audit_entries(0, 10_000).unwrap();
    let denied: Vec<_> = entries
        .iter()
        .filter(|e| e.code == AuditCode::AccessDenied.code() && e.record_id == Some(warning.id.to_string()))
        .collect();
    assert_eq!(denied.len(), 2, "{denied:?}");
    assert!(denied.iter().all(|e| e.detail.contains("read_warning_network")), "{denied:?}");
    assert_eq!(denied[0].actor_user_id, operator.user_id.map(|u| u.to_string()));
    assert_eq!(
        entries.iter().filter(|e| e.code == AuditCode::WarningNetworkRead.code()).count(),
        1,
        "a refused read shows nothing and is not audited as shown"
    );
}
}

conformance! {
fn only_a_shared_identifier_warning_has_a_network() {
    let f = fixture();
    f.store.create_case(&f.actor, reported("Amir", 1, Some("Reception Centre Lesvos"), None)).unwrap();
    f.store.create_case(&f.actor, reported("Karim", 3, Some("Reception Centre Lesvos"), None)).unwrap();
    f.store.create_case(&f.actor, reported("Omid", 4, Some("Reception Centre Samos"), None)).unwrap();
    f.store.create_case(&f.actor, reported("Reza", 6, Some("Reception Centre Lesvos"), None)).unwrap();
    let live = f.store.list_warnings(&f.actor, true).unwrap();
    assert_eq!(live.iter().map(|w| w.kind).collect::<Vec<_>>(), vec![WarningKind::PlaceCluster]);
    let answer = f.store.warning_network(&f.actor, live[0].id);
    assert!(matches!(answer, Err(StoreError::Conflict(_))), "{answer:?}");
    let entries = f.store.audit_entries(0, 10_000).unwrap();
    assert!(!entries.iter().any(|e| e.code == AuditCode::WarningNetworkRead.code()));
}
}

conformance! {
fn a_network_larger_than_it_may_show_is_cut_and_says_so() {
    let f = fixture();
    f.store.create_case(&f.actor, holding("Amir", 1, &[("phone", "+30 690 000 1234")])).unwrap();
    let b = f
        .store
        .create_case(&f.actor, holding("Karim", 2, &[("phone", "+30 690 000 1234"), ("social_handle", "@crowd")]))
        .unwrap();
    let max = homeward_domain::warning::MAX_NETWORK_CASES;
    for n in 0..max {
        f.store.create_case(&f.actor, holding(&format!("Child {n}"), 3, &[("social_handle", "crowd")])).unwrap();
    }
    let key = homeward_store::stored_key("identifier:phone number:+306900001234");
    let warning = f.store.list_warnings(&f.actor, true).unwrap().into_iter().find(|w| w.key == key).unwrap();
    let network = f.store.warning_network(&f.actor, warning.id).unwrap();
    assert!(network.truncated);
    assert_eq!(network.cases.len(), max);
    assert_eq!(network.cases.iter().filter(|c| c.in_warning).count(), 2);
    let handle = network.identifiers.iter().find(|i| i.kind == IdentifierKind::SocialHandle).unwrap();
    assert_eq!(handle.held_by as usize, max - 1, "B and the 48 latest cases that share its handle");
    assert!(network.edges.iter().any(|e| e.case_id == b.case.id && e.identifier_id == handle.id));
    let read = f.store.audit_entries(0, 100_000).unwrap();
    let read = read.iter().rfind(|e| e.code == AuditCode::WarningNetworkRead.code()).unwrap();
    assert!(read.detail.contains("\"truncated\":true"), "{}", read.detail);
}
}
