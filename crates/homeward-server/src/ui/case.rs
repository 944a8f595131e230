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
use homeward_domain::linkage::CaseMatch;
use homeward_domain::policy::{self, Action, Scope};
use homeward_domain::records::{IdentifierKind, NewIdentifier, NewNote, NewPerson, NewTask};
use homeward_domain::risk::{QUESTIONS, RiskAnswer, RiskAnswers};
use homeward_domain::view::{CaseChange, CaseView, ChildFields};
use homeward_domain::warning::{Level, WarningKind};
use homeward_domain::{CaseId, DomainError, FieldError, Problem, TaskId, UserId, WarningId};
use homeward_risk::{Assessment, Catalogue, Facts, Group, Indicator, Origin, Reason};
use homeward_store::StoreError;
use maud::{Markup, html};
use time::OffsetDateTime;

use super::desk::{assignee, child_name, risk_badge};
use super::layout::{self, clock, nothing, time, user_text};
use super::{Viewer, error_page, field, key, matches, optional, parse_key, problem_text};
use crate::AppState;
use crate::assessment::RiskSuggestionView;
use crate::error::AppError;
use crate::i18n::Tr;

pub(super) fn case_id(text: &str) -> Result<CaseId, AppError> {
    super::path_id(text, "case")
}

/// May this viewer do this to a case of their own organisation? Forms they may not use are
/// not shown; the store refuses them anyway.
fn may(viewer: &Viewer, action: Action) -> bool {
    policy::authorize(viewer.user.role, action, Scope::Own).is_ok()
}

/// The case a risk form (indicators, risk questions) posts to. The store decides, but a role
/// that may never assess risk is told so before anything else.
fn risk_form_case(viewer: &Viewer, id: &str) -> Result<CaseId, AppError> {
    let id = case_id(id)?;
    if !may(viewer, Action::CaseAssessRisk) {
        return Err(AppError::forbidden("Your role may not assess risk."));
    }
    Ok(id)
}

/// What a form of the case page may say it saved (`?saved=note`), each with its message.
pub(super) const SAVED: [&str; 14] = [
    "note",
    "status",
    "task",
    "identifier",
    "assignment",
    "person",
    "child",
    "match-confirm",
    "match-reject",
    "indicator",
    "risk-answers",
    "handover",
    "acknowledged",
    "sighting",
];

/// Everything the case page shows, read in one go.
struct Loaded {
    view: CaseView,
    events: Vec<CaseEvent>,
    names: HashMap<UserId, String>,
    matches: Vec<CaseMatch>,
    warnings: Vec<(WarningId, WarningKind, Level)>,
    /// The case's escalations, for those of its organisation who may see them.
    escalations: Vec<homeward_domain::escalation::EscalationView>,
    /// The police units the case may be handed over to, for those who may hand it over.
    police: Vec<homeward_domain::org::Organisation>,
    /// The response plan in force: the names of the targets its escalations are about.
    response: std::sync::Arc<homeward_risk::response::ResponsePlan>,
    /// The sightings from the public attached to the case.
    sightings: Vec<homeward_domain::sighting::SightingView>,
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
    match load(&state, &viewer, id).await {
        Ok(loaded) => render(&tr, &viewer, &state.catalogue, &loaded, query.get("saved").map(String::as_str), None),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

async fn load(state: &AppState, viewer: &Viewer, id: CaseId) -> Result<Loaded, AppError> {
    let actor = viewer.actor.clone();
    let reads_warnings = super::warnings::may_read(viewer.user.role);
    let reads_escalations = super::escalations::may_read(viewer.user.role);
    let hands_over = may(viewer, Action::CaseHandOverToPolice);
    let response = std::sync::Arc::clone(&state.response);
    state
        .run(move |store| {
            let wants = homeward_store::RecordWants { warnings: reads_warnings, escalations: reads_escalations };
            let homeward_store::CaseRecord { view, events, matches, warnings, escalations, sightings } =
                store.case_record(&actor, id, wants)?;
            // Those who acted on the case, those who recorded its indicators and those who gave
            // its risk answers.
            let recorders = view.case.indicators.iter().filter_map(|i| i.recorded_by);
            let answerers = view.risk_answers.iter().filter_map(|a| a.answered_by);
            let actors: Vec<UserId> = events.iter().filter_map(|e| e.actor).chain(recorders).chain(answerers).collect();
            let names = store.who_is(&actor, &actors)?;
            let own = Some(view.case.organisation_id) == actor.organisation_id;
            let police = if own && hands_over {
                let all = store.list_organisations(&actor)?;
                all.into_iter().filter(|o| o.kind == homeward_domain::org::OrganisationKind::PoliceUnit).collect()
            } else {
                Vec::new()
            };
            Ok(Loaded { view, events, names, matches, warnings, escalations, police, response, sightings })
        })
        .await
}

/// A form of the case page whose input was refused, to show again beside the form.
enum Refused {
    Indicator(IndicatorAttempt),
    RiskAnswers(RiskAttempt),
}

impl Refused {
    fn status(&self) -> StatusCode {
        match self {
            Refused::Indicator(a) => a.refusal.status(),
            Refused::RiskAnswers(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

/// The case page; with `refused`, a refused form comes back with its problems beside it.
fn render(
    tr: &Tr<'_>,
    viewer: &Viewer,
    catalogue: &Catalogue,
    loaded: &Loaded,
    saved: Option<&str>,
    refused: Option<&Refused>,
) -> Response {
    let Loaded { view, events, names, matches, warnings, escalations, police, response, sightings } = loaded;
    let own = Some(view.case.organisation_id) == viewer.actor.organisation_id;
    let indicator_attempt = match refused {
        Some(Refused::Indicator(a)) => Some(a),
        _ => None,
    };
    let risk_attempt = match refused {
        Some(Refused::RiskAnswers(a)) => Some(a),
        _ => None,
    };
    let body = html! {
        @match refused {
            Some(Refused::Indicator(_)) => {
                div.notice.error role="alert" #problems { p { a href="#indicator-form" { (tr.t("concern-refused")) } } }
            }
            Some(Refused::RiskAnswers(_)) => {
                div.notice.error role="alert" #problems { p { a href="#risk-form" { (tr.t("riskcase-refused")) } } }
            }
            None => {}
        }
        @if saved == Some("created") { (next_steps(tr, view)) }
        @else if let Some(what) = saved.filter(|w| SAVED.contains(w)) {
            div.notice role="status" { (tr.t(&format!("saved-{what}"))) }
        }
        div.grid2 {
            div {
                (child_panel(tr, viewer, view, own))
                (matches::episodes(tr, view))
                (matches::panel(tr, viewer, view, matches))
                (timeline(tr, viewer, events, names))
                (super::sightings::case_panel(tr, view, sightings))
                (notes(tr, viewer, view))
            }
            div {
                (super::escalations::case_section(tr, viewer, response, escalations))
                (super::warnings::case_section(tr, warnings))
                (facts(tr, viewer, view, own))
                (risk_questions(tr, viewer, view, names, own, risk_attempt))
                (trafficking(tr, viewer, catalogue, view, names, own, indicator_attempt))
                (status_form(tr, viewer, view, own))
                @if own && may(viewer, Action::CaseHandOverToPolice) && view.case.status != Status::Closed {
                    (super::escalations::handover_form(tr, view, police))
                }
                @if super::handover::may_read(viewer, own, events) {
                    p #handover-link { a href=(format!("/cases/{}/handover", view.case.id)) { (tr.t("handover-open")) } }
                }
                @if own { (super::alerts::case_link(tr, viewer.user.role, view.case.id)) }
                (tasks(tr, viewer, view, own))
                (identifiers(tr, viewer, view, own))
                (persons(tr, viewer, view, own))
            }
        }
    };
    let title = tr.t1("case-title", "number", view.case.number.clone());
    let status = refused.map_or(StatusCode::OK, Refused::status);
    layout::page(tr, Some(&viewer.user), status, &title, body)
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

pub(super) fn child_panel(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView, own: bool) -> Markup {
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

pub(super) fn facts(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView, own: bool) -> Markup {
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
                    @if let Some(region) = view.last_seen.as_ref().and_then(|l| l.region.as_deref()) {
                        br; span #region { (tr.t("intake-region")) ": " (user_text(region)) }
                    }
                }
                @if let Some(from) = view.last_seen.as_ref().and_then(|l| l.missing_from.as_ref()) {
                    dt { (tr.t("case-missing-from")) }
                    dd {
                        (tr.t(&format!("from-{}", key(&from.kind)))) @if let Some(n) = &from.name { ": " (user_text(n)) }
                        @if let Some(at) = from.registered_at { br; (tr.t("intake-registered-at")) " " (time(at)) }
                    }
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

/// The structured risk questions of the case, for a reader of it in full: the level the answers
/// suggest, each answer with who gave it and when (those that raise the level marked, with
/// why), the questions not asked yet, and for those who may, the form to answer them. A
/// pseudonymous reader is shown none of it: the answers describe the child.
pub(super) fn risk_questions(
    tr: &Tr<'_>,
    viewer: &Viewer,
    view: &CaseView,
    names: &HashMap<UserId, String>,
    own: bool,
    attempt: Option<&RiskAttempt>,
) -> Markup {
    if view.pseudonymous {
        return nothing();
    }
    let records = own && may(viewer, Action::CaseAssessRisk);
    html! {
        section.panel #risk-questions aria-labelledby="risk-questions-h" {
            h2 #risk-questions-h { (tr.t("intake-risk")) }
            @match crate::assessment::risk_suggestion(view) {
                Some(suggestion) => (risk_suggestion(tr, viewer, view, &suggestion, names)),
                None => p.muted #risk-none-answered { (tr.t("riskcase-none-answered")) },
            }
            @if records { (risk_form(tr, view.case.id, attempt)) }
        }
    }
}

/// The suggested level beside the recorded one, and every answer behind it.
fn risk_suggestion(
    tr: &Tr<'_>,
    viewer: &Viewer,
    view: &CaseView,
    s: &RiskSuggestionView,
    names: &HashMap<UserId, String>,
) -> Markup {
    // The answers that raise the level first, strongest first as the engine lists them; then the
    // rest in the order of the questions.
    let rank = |a: &RiskAnswer| match s.factors.iter().position(|f| f.factor == a.question) {
        Some(n) => n,
        None => s.factors.len() + QUESTIONS.iter().position(|q| *q == a.question).unwrap_or(QUESTIONS.len()),
    };
    let mut answers: Vec<&RiskAnswer> = view.risk_answers.iter().collect();
    answers.sort_by_key(|a| rank(a));
    html! {
        p #risk-suggestion { strong { (tr.t("intake-risk-suggested")) ": " } (risk_badge(tr, Some(s.level))) }
        // The recorded level is shown with the case's facts; said again only when the answers
        // suggest more.
        @if let Some(recorded) = view.case.risk_level.filter(|r| s.level > *r) {
            p.notice #risk-higher { (tr.t1("riskcase-higher", "recorded", tr.t(&format!("risk-{}", key(&recorded))))) }
        }
        p.muted { (tr.t("riskcase-not-a-verdict")) }
        h3 { (tr.t("riskcase-answers")) }
        ul.reasons #risk-answers {
            @for a in answers {
                @let factor = s.factors.iter().find(|f| f.factor == a.question);
                li class=[factor.map(|_| "for")] {
                    strong { (tr.t(&format!("riskq-{}", a.question))) }
                    " · " (if a.answer { tr.t("riskcase-yes") } else { tr.t("riskcase-no") })
                    @if let Some(f) = factor {
                        " · " span.raises { (tr.t("riskcase-raises")) } ": " (tr.t(&format!("riskwhy-{}", f.factor)))
                    }
                    br;
                    span.muted {
                        (tr.t1("riskcase-answered-by", "who", who(tr, viewer, a.answered_by, names)))
                        " · " (time(a.answered_at))
                    }
                }
            }
        }
        @if !s.unanswered.is_empty() {
            h3 { (tr.t("riskcase-unanswered")) }
            ul #risk-unanswered {
                @for q in &s.unanswered { li { (tr.t(&format!("riskq-{q}"))) } }
            }
        }
    }
}

/// Answers given now: each question yes, no or not asked (which records nothing for it). The
/// form starts empty, since what it sends is recorded as answered now by the person sending it.
fn risk_form(tr: &Tr<'_>, id: CaseId, attempt: Option<&RiskAttempt>) -> Markup {
    let problems: &[FieldError] = attempt.map_or(&[], |a| &a.problems);
    // A problem with the answers as a whole (none given) goes above the questions.
    let whole: Vec<&FieldError> = problems.iter().filter(|p| !QUESTIONS.contains(&p.field.as_str())).collect();
    html! {
        form #risk-form method="post" action=(format!("/cases/{id}/risk-answers")) {
            h3 { (tr.t("riskcase-record")) }
            p.hint { (tr.t("riskcase-record-hint")) }
            @if !whole.is_empty() {
                p.field-error #risk-answers-error {
                    (tr.t("riskcase-at-least-one")) ": "
                    @for (n, p) in whole.iter().enumerate() { @if n > 0 { "; " } (problem_text(tr, p)) }
                }
            }
            @for q in QUESTIONS {
                @let chosen = attempt.and_then(|a| a.answers.answer(q));
                fieldset.choices {
                    legend { (tr.t(&format!("riskq-{q}"))) }
                    label { input type="radio" name=(q) value="yes" checked[chosen == Some(true)]; " " (tr.t("riskcase-yes")) }
                    label { input type="radio" name=(q) value="no" checked[chosen == Some(false)]; " " (tr.t("riskcase-no")) }
                    label { input type="radio" name=(q) value="" checked[chosen.is_none()]; " " (tr.t("riskcase-not-asked")) }
                    @for p in problems.iter().filter(|p| p.field == q) { span.field-error { (problem_text(tr, p)) } }
                }
            }
            div.actions { button.secondary type="submit" { (tr.t("riskcase-record-submit")) } }
        }
    }
}

/// Risk answers the case page's form sent that were not recorded, with what was chosen.
pub(super) struct RiskAttempt {
    answers: RiskAnswers,
    problems: Vec<FieldError>,
}

/// The answers the form gave: `yes` or `no` to each question asked, nothing for one not asked.
fn sent_answers(form: &HashMap<String, String>) -> (RiskAnswers, Vec<FieldError>) {
    let mut problems = Vec::new();
    let mut answer = |question: &'static str| match form.get(question).map(|v| v.trim()) {
        None | Some("") => None,
        Some("yes") => Some(true),
        Some("no") => Some(false),
        Some(_) => {
            problems.push(FieldError::new(question, Problem::NotAChoice, "answer yes or no"));
            None
        }
    };
    let answers = RiskAnswers {
        under_13: answer("under_13"),
        disability_or_medical_need: answer("disability_or_medical_need"),
        mental_health_or_self_harm: answer("mental_health_or_self_harm"),
        drugs_or_alcohol: answer("drugs_or_alcohol"),
        out_of_character: answer("out_of_character"),
        suspected_crime: answer("suspected_crime"),
        in_care: answer("in_care"),
        previous_missing_episodes: answer("previous_missing_episodes"),
        preparations_for_absence: answer("preparations_for_absence"),
        adverse_weather: answer("adverse_weather"),
    };
    (answers, problems)
}

/// Answers to the risk questions given from the case page, through the same store command as
/// the API. A refusal (nothing answered) comes back on the case page beside the form.
pub(crate) async fn answer_risk_questions(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match risk_form_case(&viewer, &id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let (answers, mut problems) = sent_answers(&form);
    if problems.is_empty() {
        let actor = viewer.actor.clone();
        let outcome = state
            .run(move |store| match store.change_case(&actor, id, CaseChange::AnswerRiskQuestions(answers)) {
                Ok(_) => Ok(None),
                Err(StoreError::Domain(DomainError::Invalid(problems))) => Ok(Some(problems)),
                Err(e) => Err(e),
            })
            .await;
        match outcome {
            Ok(None) => return Redirect::to(&format!("/cases/{id}?saved=risk-answers")).into_response(),
            Ok(Some(refused)) => problems = refused,
            Err(e) => return error_page(&tr, Some(&viewer.user), e),
        }
    }
    let attempt = Refused::RiskAnswers(RiskAttempt { answers, problems });
    match load(&state, &viewer, id).await {
        Ok(loaded) => render(&tr, &viewer, &state.catalogue, &loaded, None, Some(&attempt)),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

/// The trafficking concern of the case with every reason, for a reader of the case in full, and
/// the form to record an observed indicator for those who may. A pseudonymous reader is shown
/// none of it: the reasons carry what was observed of the child.
pub(super) fn trafficking(
    tr: &Tr<'_>,
    viewer: &Viewer,
    catalogue: &Catalogue,
    view: &CaseView,
    names: &HashMap<UserId, String>,
    own: bool,
    attempt: Option<&IndicatorAttempt>,
) -> Markup {
    if view.pseudonymous {
        return nothing();
    }
    let records = own && may(viewer, Action::CaseAssessRisk);
    html! {
        section.panel #trafficking aria-labelledby="trafficking-h" {
            h2 #trafficking-h { (tr.t("concern-title")) }
            @match crate::assessment::assess(catalogue, view) {
                Ok(assessment) => {
                    (concern(tr, viewer, catalogue, &assessment, &crate::assessment::facts(view), names))
                }
                // An indicator recorded under an older catalogue that this one no longer has.
                Err(unknown) => {
                    div.notice.error #not-assessed {
                        (tr.t2("concern-not-assessed", ("version", catalogue.version.clone().into()),
                            ("indicator", unknown.0.into())))
                    }
                }
            }
            @if records { (indicator_form(tr, catalogue, view.case.id, attempt)) }
        }
    }
}

fn concern(
    tr: &Tr<'_>,
    viewer: &Viewer,
    catalogue: &Catalogue,
    a: &Assessment,
    facts: &Facts,
    names: &HashMap<UserId, String>,
) -> Markup {
    let k = key(&a.concern);
    html! {
        p #concern { span class=(format!("concern concern-{k}")) { (tr.t(&format!("concern-{k}"))) } }
        p { (tr.t("concern-not-a-verdict")) }
        p #concern-score.muted {
            (tr.t2("concern-score", ("score", a.score.into()), ("version", a.catalogue_version.clone().into())))
        }
        h3 { (tr.t("concern-reasons")) }
        @if a.reasons.is_empty() { p.muted { (tr.t("concern-no-reasons")) } }
        @else {
            ul.reasons #concern-reasons {
                @for r in a.reasons_by_weight() {
                    li class=(if r.counted { "for" } else { "not-counted" }) {
                        (reason(tr, viewer, catalogue, r, facts, names))
                    }
                }
            }
        }
    }
}

/// One reason: the indicator's question, its points, whether they counted and where it came from.
fn reason(
    tr: &Tr<'_>,
    viewer: &Viewer,
    catalogue: &Catalogue,
    r: &Reason,
    facts: &Facts,
    names: &HashMap<UserId, String>,
) -> Markup {
    html! {
        @match catalogue.get(&r.indicator) {
            Some(indicator) => strong { (question(tr, indicator)) },
            None => strong { code { (r.indicator) } },
        }
        " · "
        @if r.counted { (tr.t1("concern-points", "points", r.points)) }
        @else { (tr.t1("concern-not-counted", "points", r.points)) }
        br;
        @match &r.origin {
            Origin::Observed { recorded_by, at, evidence } => {
                span.muted {
                    (tr.t1("concern-observed-by", "who", who(tr, viewer, *recorded_by, names))) " · " (time(*at))
                }
                @if let Some(evidence) = evidence {
                    br; (tr.t("concern-evidence")) ": " (user_text(evidence))
                }
            }
            Origin::Derived(why) => {
                span.muted { (tr.t("concern-derived")) ": " (derived(tr, &r.indicator, facts, why)) }
            }
        }
    }
}

/// The question of an indicator in the page's language, else in English, marked as such.
fn question(tr: &Tr<'_>, indicator: &Indicator) -> Markup {
    match tr.lang {
        "el" => html! { (indicator.question.el) },
        "en" => html! { (indicator.question.en) },
        _ => html! { span lang="en" { (indicator.question.en) } },
    }
}

/// What Homeward derived an indicator from, in the page's language; the engine's own English
/// words for an indicator this page does not know how to say.
fn derived(tr: &Tr<'_>, indicator: &str, facts: &Facts, why: &str) -> Markup {
    let words = match indicator {
        "repeat_missing" => Some(facts.previous_episodes)
            .filter(|n| *n > 0)
            .map(|n| tr.t1("concern-derived-repeat_missing", "count", n)),
        "missing_from_care" => facts
            .missing_from
            .map(|kind| tr.t1("concern-derived-missing_from_care", "place", tr.t(&format!("from-{}", key(&kind))))),
        "unaccompanied_within_48h" => {
            facts.hours_after_registration.map(|h| tr.t1("concern-derived-unaccompanied_within_48h", "hours", h))
        }
        "age_13_17" => facts.age.map(|(youngest, oldest)| {
            let age = if youngest == oldest { youngest.to_string() } else { format!("{youngest}–{oldest}") };
            tr.t1("concern-derived-age_13_17", "age", age)
        }),
        _ => None,
    };
    match words {
        Some(words) => html! { (words) },
        None => html! { span lang="en" { (why) } },
    }
}

/// The groups of the catalogue's indicators, in the reader's language.
fn group_label(tr: &Tr<'_>, group: Group) -> String {
    match group {
        Group::MissingPattern => tr.t("concern-group-missing_pattern"),
        Group::Contacts => tr.t("concern-group-contacts"),
        Group::ExploitationPurpose => tr.t("concern-group-exploitation_purpose"),
        Group::Control => tr.t("concern-group-control"),
        Group::Vulnerability => tr.t("concern-group-vulnerability"),
    }
}

/// Records an indicator a person observed: one of the catalogue's that Homeward does not derive
/// itself, by its question, with what was seen or said.
fn indicator_form(tr: &Tr<'_>, catalogue: &Catalogue, id: CaseId, attempt: Option<&IndicatorAttempt>) -> Markup {
    let recordable: Vec<&Indicator> = catalogue.indicators.iter().filter(|i| !i.derived).collect();
    let mut groups: Vec<Group> = Vec::new();
    for i in &recordable {
        if !groups.contains(&i.group) {
            groups.push(i.group);
        }
    }
    let chosen = attempt.map_or("", |a| a.indicator.as_str());
    let refusal = attempt.map(|a| &a.refusal);
    let indicator_problem = match refusal {
        Some(IndicatorRefusal::Indicator(p)) => Some(p),
        _ => None,
    };
    let evidence_problems: &[FieldError] = match refusal {
        Some(IndicatorRefusal::Evidence(problems)) => problems,
        _ => &[],
    };
    let recorded = matches!(refusal, Some(IndicatorRefusal::AlreadyRecorded));
    let evidence_described =
        if evidence_problems.is_empty() { "evidence-hint" } else { "evidence-hint evidence-error" };
    html! {
        form #indicator-form method="post" action=(format!("/cases/{id}/indicators")) {
            h3 { (tr.t("concern-record")) }
            @if recorded { p.field-error #indicator-recorded { (tr.t("concern-already-recorded")) } }
            label for="indicator" { (tr.t("concern-indicator")) }
            select #indicator name="indicator" required
                aria-invalid=[indicator_problem.is_some().then_some("true")]
                aria-describedby=[indicator_problem.is_some().then_some("indicator-error")] {
                option value="" { (tr.t("intake-choose")) }
                @for group in groups {
                    optgroup label=(group_label(tr, group)) {
                        @for i in recordable.iter().filter(|i| i.group == group) {
                            option value=(i.id) selected[i.id == chosen] { (question(tr, i)) }
                        }
                    }
                }
            }
            @if let Some(p) = indicator_problem { span.field-error #indicator-error { (problem_text(tr, p)) } }
            label for="evidence" {
                (tr.t("concern-evidence-label")) span.hint #evidence-hint { (tr.t("concern-evidence-hint")) }
            }
            textarea #evidence name="evidence" maxlength="20000"
                aria-invalid=[(!evidence_problems.is_empty()).then_some("true")]
                aria-describedby=(evidence_described) {
                (attempt.map_or("", |a| a.evidence.as_str()))
            }
            @if !evidence_problems.is_empty() {
                span.field-error #evidence-error {
                    @for (n, p) in evidence_problems.iter().enumerate() { @if n > 0 { "; " } (problem_text(tr, p)) }
                }
            }
            div.actions { button.secondary type="submit" { (tr.t("concern-record-submit")) } }
        }
    }
}

/// An indicator the case page's form sent that was not recorded, with what was typed.
pub(super) struct IndicatorAttempt {
    indicator: String,
    evidence: String,
    refusal: IndicatorRefusal,
}

/// Why an indicator was not recorded.
enum IndicatorRefusal {
    /// None chosen, or not one a person records (unknown to the catalogue, or derived).
    Indicator(FieldError),
    /// The evidence is not acceptable as a note (too long, control characters).
    Evidence(Vec<FieldError>),
    /// It is already recorded on the case, and no new evidence came with it.
    AlreadyRecorded,
}

impl IndicatorRefusal {
    fn status(&self) -> StatusCode {
        match self {
            IndicatorRefusal::Indicator(_) | IndicatorRefusal::Evidence(_) => StatusCode::UNPROCESSABLE_ENTITY,
            IndicatorRefusal::AlreadyRecorded => StatusCode::CONFLICT,
        }
    }
}

/// An observed trafficking indicator recorded from the case page, through the same store
/// command as the API. A refusal comes back on the case page with the problem beside the form
/// and the evidence typed kept.
pub(crate) async fn observe_indicator(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match risk_form_case(&viewer, &id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let indicator = field(&form, "indicator");
    let evidence = form.get("evidence").cloned().unwrap_or_default();
    let refusal = match recordable(&state.catalogue, &indicator) {
        Err(problem) => IndicatorRefusal::Indicator(problem),
        Ok(()) => {
            let change = CaseChange::ObserveIndicator {
                indicator: indicator.clone(),
                evidence: Some(evidence.clone()).filter(|e| !e.trim().is_empty()),
            };
            let actor = viewer.actor.clone();
            let outcome = state
                .run(move |store| match store.change_case(&actor, id, change) {
                    Ok(_) => Ok(None),
                    Err(StoreError::Domain(DomainError::Invalid(problems))) => {
                        Ok(Some(IndicatorRefusal::Evidence(problems)))
                    }
                    Err(StoreError::Domain(DomainError::NoChange(_))) => Ok(Some(IndicatorRefusal::AlreadyRecorded)),
                    Err(e) => Err(e),
                })
                .await;
            match outcome {
                Ok(None) => return Redirect::to(&format!("/cases/{id}?saved=indicator")).into_response(),
                Ok(Some(refusal)) => refusal,
                Err(e) => return error_page(&tr, Some(&viewer.user), e),
            }
        }
    };
    let attempt = Refused::Indicator(IndicatorAttempt { indicator, evidence, refusal });
    match load(&state, &viewer, id).await {
        Ok(loaded) => render(&tr, &viewer, &state.catalogue, &loaded, None, Some(&attempt)),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

/// Whether a person may record this indicator by hand: chosen, and one of the catalogue's that
/// Homeward does not derive.
fn recordable(catalogue: &Catalogue, indicator: &str) -> Result<(), FieldError> {
    if indicator.is_empty() {
        return Err(FieldError::new("indicator", Problem::Required, "choose an indicator"));
    }
    catalogue
        .recordable(indicator)
        .map(|_| ())
        .map_err(|e| FieldError::new("indicator", Problem::NotAChoice, e.to_string()))
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

pub(super) fn timeline(tr: &Tr<'_>, viewer: &Viewer, events: &[CaseEvent], names: &HashMap<UserId, String>) -> Markup {
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
                        @if let (Some(due), false) = (t.due_at, t.done) { " · " span.muted { (tr.t("case-task-due")) " " (time(due)) } }
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

pub(super) fn identifiers(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView, own: bool) -> Markup {
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

/// Records a hand-over to a police unit from the case page.
pub(crate) async fn police_handover(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let handover = field(&form, "to_organisation")
        .parse()
        .map(|to_organisation| CaseChange::RecordPoliceHandover {
            to_organisation,
            reference: optional(&form, "reference"),
        })
        .map_err(|_| AppError::bad_request("Choose the police unit the case was handed over to."));
    change(&state, viewer, &id, handover, "handover").await
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
