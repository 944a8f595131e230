//! The case page and every change made from it. Each form is one store command; the page
//! after it says what was saved.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::case::{CaseEvent, CaseEventKind, RiskLevel, Status};
use homeward_domain::child::{NewChild, Sex};
use homeward_domain::dates::PartialDate;
use homeward_domain::policy::{self, Action, Scope};
use homeward_domain::records::{IdentifierKind, NewIdentifier, NewNote, NewPerson, NewTask};
use homeward_domain::view::{CaseChange, CaseView, ChildFields};
use homeward_domain::{CaseId, TaskId, UserId};
use maud::{Markup, html};
use time::OffsetDateTime;

use super::desk::{assignee, child_name, risk_badge};
use super::layout::{self, clock, nothing, time, user_text};
use super::{Viewer, error_page, key, matches, parse_key};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;

pub(super) fn case_id(text: &str) -> Result<CaseId, AppError> {
    text.parse().map_err(|_| AppError::not_found("no such case"))
}

/// May this viewer do this to a case of their own organisation? Forms they may not use are
/// not shown; the store refuses them anyway.
fn may(viewer: &Viewer, action: Action) -> bool {
    policy::authorize(viewer.user.role, action, Scope::Own).is_ok()
}

pub(crate) async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match case_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let actor = viewer.actor.clone();
    let reads_warnings = super::warnings::may_read(viewer.user.role);
    let loaded = state
        .run(move |store| {
            let view = store.get_case(&actor, id)?;
            let events = store.case_events(&actor, id)?;
            let actors: Vec<UserId> = events.iter().filter_map(|e| e.actor).collect();
            let names = store.who_is(&actor, &actors)?;
            // Matches name children: only a reader of personal data is shown them.
            let matches = if view.pseudonymous { Vec::new() } else { store.case_matches(&actor, id)? };
            // Warnings stay within the case's organisation: only its readers of warnings see them.
            let own = Some(view.case.organisation_id) == actor.organisation_id;
            let warnings = if own && reads_warnings { store.case_warnings(&actor, id)? } else { Vec::new() };
            Ok((view, events, names, matches, warnings))
        })
        .await;
    let (view, events, names, matches, warnings) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let own = Some(view.case.organisation_id) == viewer.actor.organisation_id;
    let saved = query.get("saved").map(String::as_str);
    let body = html! {
        @if saved == Some("created") { (next_steps(&tr, &view)) }
        @else if let Some(what) = saved.filter(|w| ["note", "status", "task", "identifier", "assignment", "person", "child", "match-confirm", "match-reject"].contains(w)) {
            div.notice role="status" { (tr.t(&format!("saved-{what}"))) }
        }
        div.grid2 {
            div {
                (child_panel(&tr, &viewer, &view, own))
                (matches::episodes(&tr, &view))
                (matches::panel(&tr, &viewer, &view, &matches))
                (timeline(&tr, &viewer, &events, &names))
                (notes(&tr, &viewer, &view))
            }
            div {
                (super::warnings::case_section(&tr, &warnings))
                (facts(&tr, &viewer, &view, own))
                (status_form(&tr, &viewer, &view, own))
                (tasks(&tr, &viewer, &view, own))
                (identifiers(&tr, &viewer, &view, own))
                (persons(&tr, &viewer, &view, own))
            }
        }
    };
    let title = tr.t1("case-title", "number", view.case.number.clone());
    layout::page(&tr, Some(&viewer.user), StatusCode::OK, &title, body)
}

fn next_steps(tr: &Tr<'_>, view: &CaseView) -> Markup {
    let step = match view.case.risk_level {
        Some(RiskLevel::High) => "next-high",
        Some(RiskLevel::Medium) => "next-medium",
        Some(RiskLevel::Low | RiskLevel::VeryLow) => "next-low",
        None => "next-none",
    };
    html! {
        div.notice.next role="status" {
            p { (tr.t1("next-title", "number", view.case.number.clone())) }
            p #next-step { (tr.t(step)) }
        }
    }
}

fn child_panel(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView, own: bool) -> Markup {
    let skeleton = &view.child_skeleton;
    let edit = match &view.child {
        Some(child) if own && may(viewer, Action::CaseEditChild) => edit_child_form(tr, view.case.id, &child.details),
        _ => nothing(),
    };
    html! {
        section.panel aria-labelledby="child-h" {
            h2 #child-h { (tr.t("case-child")) }
            div.photo aria-hidden="true" { (tr.t("case-photo")) }
            @match &view.child {
                Some(child) => {
                    @let d = &child.details;
                    dl.facts {
                        dt { (tr.t("case-names")) }
                        dd #child-name { (child_name(tr, Some(&d.display_name()))) }
                        @let latin: Vec<&str> = [&d.latin_given_name, &d.latin_family_name].into_iter().flatten().map(String::as_str).collect();
                        @if !latin.is_empty() { dt { (tr.t("case-latin")) } dd { (user_text(&latin.join(" "))) } }
                        @if !d.aliases.is_empty() { dt { (tr.t("case-aliases")) } dd { (user_text(&d.aliases.join(", "))) } }
                        dt { (tr.t("case-sex")) } dd { (tr.t(&format!("sex-{}", d.sex.as_str()))) }
                        @if let Some(born) = &d.date_of_birth { dt { (tr.t("case-born")) } dd { (born.to_string()) } }
                        @if let Some(age) = &d.estimated_age { dt { (tr.t("case-age")) } dd { (age.min) "–" (age.max) } }
                        @if !d.nationalities.is_empty() { dt { (tr.t("case-nationalities")) } dd { (d.nationalities.join(", ")) } }
                        @if let Some(text) = &d.description { dt { (tr.t("case-description")) } dd { (user_text(text)) } }
                    }
                }
                None => {
                    dl.facts {
                        dt { (tr.t("case-names")) } dd { (child_name(tr, None)) }
                        dt { (tr.t("case-sex")) } dd { (tr.t(&format!("sex-{}", skeleton.sex.as_str()))) }
                    }
                }
            }
            (edit)
        }
    }
}

/// Corrects the names, sex and date of birth as a later call tells them; the rest of what is
/// known stays. The same child may then be found among the cases already known.
fn edit_child_form(tr: &Tr<'_>, id: CaseId, d: &NewChild) -> Markup {
    let text = |name: &str, label: &str, value: &Option<String>| {
        html! {
            label for=(format!("child-{name}")) { (tr.t(label)) }
            input id=(format!("child-{name}")) type="text" name=(name) value=(value.clone().unwrap_or_default()) maxlength="200";
        }
    };
    html! {
        details #edit-child {
            summary { (tr.t("case-edit-child")) }
            form method="post" action=(format!("/cases/{id}/child")) {
                (text("given_name", "intake-given-name", &d.given_name))
                (text("family_name", "intake-family-name", &d.family_name))
                (text("latin_given_name", "intake-latin-given", &d.latin_given_name))
                (text("latin_family_name", "intake-latin-family", &d.latin_family_name))
                label for="child-sex" { (tr.t("intake-sex")) }
                select #child-sex name="sex" {
                    @for s in [Sex::Unknown, Sex::Female, Sex::Male, Sex::Other] {
                        option value=(s.as_str()) selected[s == d.sex] { (tr.t(&format!("sex-{}", s.as_str()))) }
                    }
                }
                (text("date_of_birth", "intake-dob", &d.date_of_birth.map(|b| b.to_string())))
                div.actions { button.secondary type="submit" { (tr.t("case-edit-child-save")) } }
            }
        }
    }
}

/// The child as corrected on the case page, over what was known.
pub(crate) async fn edit_child(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match case_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let date_of_birth = match optional(&form, "date_of_birth").map(|d| PartialDate::parse(&d)).transpose() {
        Ok(d) => d,
        Err(e) => {
            let e = AppError::unprocessable("date_of_birth", homeward_domain::Problem::DateFormat, e.to_string());
            return error_page(&tr, Some(&viewer.user), e);
        }
    };
    let sex = match form.get("sex").map(|s| s.trim()) {
        None => None,
        Some(s) => match Sex::parse(s) {
            Some(sex) => Some(sex),
            None => {
                let e = AppError::unprocessable("sex", homeward_domain::Problem::NotAChoice, "is not a choice");
                return error_page(&tr, Some(&viewer.user), e);
            }
        },
    };
    // Only the fields the form sent: the store applies them to the child as it holds them, in
    // the same command, so what the form does not show (aliases, description) is never
    // overwritten with what was read before.
    let submitted = |name: &str| form.contains_key(name).then(|| optional(&form, name));
    let fields = ChildFields {
        given_name: submitted("given_name"),
        family_name: submitted("family_name"),
        latin_given_name: submitted("latin_given_name"),
        latin_family_name: submitted("latin_family_name"),
        sex,
        date_of_birth: form.contains_key("date_of_birth").then_some(date_of_birth),
    };
    let actor = viewer.actor.clone();
    let linkage = state.linkage.clone();
    let edited = state
        .run(move |store| crate::linkage::edit_child(store, &linkage, &actor, id, CaseChange::EditChildFields(fields)))
        .await;
    match edited {
        Ok(_) => Redirect::to(&format!("/cases/{id}?saved=child")).into_response(),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

fn facts(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView, own: bool) -> Markup {
    let c = &view.case;
    let now = OffsetDateTime::now_utc();
    html! {
        section.panel aria-labelledby="facts-h" {
            h2 #facts-h { (tr.t("case-status")) }
            dl.facts {
                dt { (tr.t("case-status")) } dd #status { (tr.t(&format!("status-{}", c.status.as_str()))) }
                dt { (tr.t("case-risk")) } dd { (risk_badge(tr, c.risk_level)) }
                dt { (tr.t("case-category")) } dd { (tr.t(&format!("category-{}", key(&c.category)))) }
                dt { (tr.t("case-last-seen")) }
                dd {
                    (time(c.last_seen_at)) " · " (clock(tr, c.last_seen_at, now))
                    @if let Some(place) = view.last_seen.as_ref().and_then(|l| l.place.as_deref()) { br; (user_text(place)) }
                }
                @if let Some(from) = view.last_seen.as_ref().and_then(|l| l.missing_from.as_ref()) {
                    dt { (tr.t("case-missing-from")) }
                    dd { (tr.t(&format!("from-{}", key(&from.kind)))) @if let Some(n) = &from.name { ": " (user_text(n)) } }
                }
                @if let Some(text) = &view.circumstances { dt { (tr.t("case-circumstances")) } dd { (user_text(text)) } }
                dt { (tr.t("case-opened")) } dd { (time(c.opened_at)) " · " (clock(tr, c.opened_at, now)) }
                dt { (tr.t("case-assignee")) } dd { (assignee(tr, viewer, c.assignee)) }
            }
            @if own && may(viewer, Action::CaseAssign) && c.assignee != Some(viewer.user.id) {
                form method="post" action=(format!("/cases/{}/assign-me", c.id)) {
                    button.secondary type="submit" { (tr.t("case-assign-me")) }
                }
            }
        }
    }
}

fn status_form(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView, own: bool) -> Markup {
    if !own || !may(viewer, Action::CaseChangeStatus) {
        return nothing();
    }
    let next = view.case.status.next();
    html! {
        section.panel aria-labelledby="status-h" {
            h2 #status-h { (tr.t("case-change-status")) }
            @if next.is_empty() { p.muted { (tr.t("case-no-steps")) } }
            @else {
                form method="post" action=(format!("/cases/{}/status", view.case.id)) {
                    label for="to" { (tr.t("case-new-status")) }
                    select #to name="to" {
                        @for s in next { option value=(s.as_str()) { (tr.t(&format!("status-{}", s.as_str()))) } }
                    }
                    label for="reason" { (tr.t("case-status-reason")) }
                    input #reason type="text" name="reason" maxlength="2000";
                    div.actions { button type="submit" { (tr.t("case-status-submit")) } }
                }
            }
        }
    }
}

fn timeline(tr: &Tr<'_>, viewer: &Viewer, events: &[CaseEvent], names: &HashMap<UserId, String>) -> Markup {
    html! {
        section.panel aria-labelledby="timeline-h" {
            h2 #timeline-h { (tr.t("case-timeline")) }
            ol.timeline #timeline reversed {
                @for e in events.iter().rev() {
                    li {
                        span.when { (time(e.at)) } " "
                        (event_text(tr, &e.kind)) " "
                        span.muted { (tr.t1("event-by", "who", who(tr, viewer, e.actor, names))) }
                    }
                }
            }
        }
    }
}

pub(super) fn who(tr: &Tr<'_>, viewer: &Viewer, actor: Option<UserId>, names: &HashMap<UserId, String>) -> String {
    match actor {
        Some(u) if u == viewer.user.id => tr.t("desk-assigned-me"),
        Some(u) => names.get(&u).cloned().unwrap_or_else(|| tr.t("event-someone")),
        None => tr.t("event-command-line"),
    }
}

fn event_text(tr: &Tr<'_>, kind: &CaseEventKind) -> String {
    match kind {
        CaseEventKind::StatusChanged { to, .. } => {
            tr.t1("event-status_changed", "status", tr.t(&format!("status-{}", to.as_str())))
        }
        CaseEventKind::Recategorised { to, .. } => {
            tr.t1("event-recategorised", "category", tr.t(&format!("category-{}", key(to))))
        }
        CaseEventKind::RiskAssessed { to, .. } => {
            tr.t1("event-risk_assessed", "risk", tr.t(&format!("risk-{}", key(to))))
        }
        other => tr.t(&format!("event-{}", other.name())),
    }
}

fn notes(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView) -> Markup {
    html! {
        section.panel aria-labelledby="notes-h" {
            h2 #notes-h { (tr.t("case-notes")) }
            @if view.notes.is_empty() { p.muted { (tr.t("case-no-notes")) } }
            ul #notes {
                @for n in view.notes.iter().rev() {
                    li { span.muted { (time(n.at)) } " " (user_text(&n.text)) }
                }
            }
            @if may(viewer, Action::CaseAddNote) {
                form method="post" action=(format!("/cases/{}/notes", view.case.id)) {
                    label for="note" { (tr.t("case-note-add")) }
                    textarea #note name="text" required maxlength="20000" {}
                    div.actions { button type="submit" { (tr.t("case-note-save")) } }
                }
            }
            @if !view.contacts.is_empty() {
                h2 { (tr.t("case-contacts")) }
                ul {
                    @for c in &view.contacts {
                        li {
                            span.muted { (time(c.details.received_at)) } " "
                            (tr.t(&format!("channel-{}", key(&c.details.channel)))) ": "
                            (user_text(&c.details.summary))
                        }
                    }
                }
            }
        }
    }
}

fn tasks(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView, own: bool) -> Markup {
    let manage = own && may(viewer, Action::CaseManageTasks);
    html! {
        section.panel #tasks aria-labelledby="tasks-h" {
            h2 #tasks-h { (tr.t("case-tasks")) }
            @if view.tasks.is_empty() { p.muted { (tr.t("case-no-tasks")) } }
            ul {
                @for t in &view.tasks {
                    li {
                        (user_text(&t.title))
                        @if t.done { " · " span.muted { (tr.t("case-task-done")) } }
                        @else if manage {
                            form method="post" action=(format!("/cases/{}/tasks/{}/complete", view.case.id, t.id)) {
                                button.link type="submit" { (tr.t("case-task-complete")) }
                            }
                        }
                    }
                }
            }
            @if manage {
                form method="post" action=(format!("/cases/{}/tasks", view.case.id)) {
                    label for="task" { (tr.t("case-task-title")) }
                    input #task type="text" name="title" required maxlength="500";
                    div.actions { button.secondary type="submit" { (tr.t("case-task-add")) } }
                }
            }
        }
    }
}

fn identifiers(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView, own: bool) -> Markup {
    html! {
        section.panel aria-labelledby="ids-h" {
            h2 #ids-h { (tr.t("case-identifiers")) }
            @if view.identifiers.is_empty() { p.muted { (tr.t("case-no-identifiers")) } }
            ul {
                @for i in &view.identifiers {
                    li { (tr.t(&format!("identifier-{}", key(&i.kind)))) ": " (user_text(&i.value)) }
                }
            }
            @if own && may(viewer, Action::CaseLinkIdentifier) {
                form method="post" action=(format!("/cases/{}/identifiers", view.case.id)) {
                    label for="id-kind" { (tr.t("case-identifier-kind")) }
                    select #id-kind name="kind" {
                        @for k in IdentifierKind::ALL { option value=(key(&k)) { (tr.t(&format!("identifier-{}", key(&k)))) } }
                    }
                    label for="id-value" { (tr.t("case-identifier-value")) }
                    input #id-value type="text" name="value" required maxlength="500";
                    div.actions { button.secondary type="submit" { (tr.t("case-identifier-add")) } }
                }
            }
        }
    }
}

fn persons(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView, own: bool) -> Markup {
    html! {
        section.panel aria-labelledby="persons-h" {
            h2 #persons-h { (tr.t("case-persons")) }
            @if view.persons.is_empty() { p.muted { (tr.t("case-no-persons")) } }
            ul #persons {
                @for p in &view.persons {
                    li { (user_text(&p.details.name)) @if let Some(r) = &p.details.relation { " · " (user_text(r)) } }
                }
            }
            @if own && may(viewer, Action::CaseLinkPerson) {
                form method="post" action=(format!("/cases/{}/persons", view.case.id)) {
                    label for="person-name" { (tr.t("case-person-name")) }
                    input #person-name type="text" name="name" required maxlength="500";
                    label for="person-relation" { (tr.t("case-person-relation")) }
                    input #person-relation type="text" name="relation" maxlength="500";
                    div.actions { button.secondary type="submit" { (tr.t("case-person-add")) } }
                }
            }
        }
    }
}

/// Runs one change and goes back to the case page saying what was saved.
async fn change(
    state: &AppState,
    viewer: Viewer,
    id: &str,
    change: Result<CaseChange, AppError>,
    saved: &str,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let outcome = match (case_id(id), change) {
        (Ok(id), Ok(change)) => {
            let actor = viewer.actor.clone();
            state.run(move |store| store.change_case(&actor, id, change)).await.map(|_| id)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match outcome {
        Ok(id) => Redirect::to(&format!("/cases/{id}?saved={saved}")).into_response(),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name).map(|v| v.trim().to_owned()).unwrap_or_default()
}

fn optional(form: &HashMap<String, String>, name: &str) -> Option<String> {
    Some(field(form, name)).filter(|v| !v.is_empty())
}

pub(crate) async fn add_note(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let note = CaseChange::AddNote(NewNote { text: field(&form, "text") });
    change(&state, viewer, &id, Ok(note), "note").await
}

pub(crate) async fn add_task(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let task = NewTask { title: field(&form, "title"), due_at: None, assignee: Some(viewer.user.id) };
    change(&state, viewer, &id, Ok(CaseChange::CreateTask(task)), "task").await
}

pub(crate) async fn complete_task(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, task)): Path<(String, String)>,
) -> Response {
    let task = task.parse::<TaskId>().map(CaseChange::CompleteTask).map_err(|_| AppError::not_found("no such task"));
    change(&state, viewer, &id, task, "task").await
}

pub(crate) async fn add_identifier(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let identifier = parse_key::<IdentifierKind>("kind", form.get("kind").map(String::as_str)).and_then(|kind| {
        let kind = kind.ok_or_else(|| AppError::bad_request("Choose the kind of identifier."))?;
        Ok(CaseChange::LinkIdentifier(NewIdentifier { kind, value: field(&form, "value"), label: None }))
    });
    change(&state, viewer, &id, identifier, "identifier").await
}

pub(crate) async fn add_person(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let person = NewPerson { name: field(&form, "name"), relation: optional(&form, "relation"), description: None };
    change(&state, viewer, &id, Ok(CaseChange::LinkPerson(person)), "person").await
}

pub(crate) async fn assign_me(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let me = viewer.user.id;
    change(&state, viewer, &id, Ok(CaseChange::Assign(Some(me))), "assignment").await
}

/// A status change is asked to be confirmed first: it is the change with the most weight (a
/// child found, a case closed), and the confirmation page works without a script.
pub(crate) async fn change_status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let to = match parse_key::<Status>("to", form.get("to").map(String::as_str)) {
        Ok(Some(to)) => to,
        Ok(None) => return error_page(&tr, Some(&viewer.user), AppError::bad_request("Choose the new status.")),
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let reason = optional(&form, "reason");
    if form.get("confirmed").map(String::as_str) == Some("yes") {
        return change(&state, viewer, &id, Ok(CaseChange::ChangeStatus { to, reason }), "status").await;
    }
    let case = match case_id(&id) {
        Ok(case) => case,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let actor = viewer.actor.clone();
    let view = match state.run(move |store| store.get_case(&actor, case)).await {
        Ok(view) => view,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let question = confirm_question(&tr, &view.case.number, &view.case.status, to);
    let body = html! {
        section.panel {
            p #confirm-question { (question) }
            form method="post" action=(format!("/cases/{case}/status")) {
                input type="hidden" name="to" value=(to.as_str());
                input type="hidden" name="reason" value=(reason.unwrap_or_default());
                input type="hidden" name="confirmed" value="yes";
                div.actions {
                    button #confirm type="submit" autofocus { (tr.t("confirm-yes")) }
                    a.button.secondary href=(format!("/cases/{case}")) { (tr.t("confirm-no")) }
                }
            }
        }
    };
    layout::page(&tr, Some(&viewer.user), StatusCode::OK, &tr.t("confirm-title"), body)
}

fn confirm_question(tr: &Tr<'_>, number: &str, from: &Status, to: Status) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("number", number.to_owned());
    args.set("from", tr.t(&format!("status-{}", from.as_str())));
    args.set("to", tr.t(&format!("status-{}", to.as_str())));
    tr.args("confirm-question", &args)
}
