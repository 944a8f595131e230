//! Taking a report while the caller is on the line: the essentials first (who, since when,
//! where, who is calling), the rest folded away, the risk questions inline, and a panel of cases
//! that may be the same child. Errors come back on the same form with everything typed kept.

use std::collections::HashMap;

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::case::{Category, LastSeen, MissingFrom, MissingFromKind, NewCase, RiskLevel};
use homeward_domain::child::{NewChild, Sex};
use homeward_domain::dates::{AgeRange, DateError, PartialDate};
use homeward_domain::records::{CallerRelation, Channel, IdentifierKind, NewContact, NewIdentifier};
use homeward_domain::{DomainError, FieldError, Problem};
use homeward_risk::RiskAnswers;
use maud::{Markup, html};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::layout;
use super::optional as text;
use super::{Viewer, error_page, field_label, key, parse_key, problem_text};
use crate::AppState;
use crate::i18n::Tr;

/// The risk questions, in the order they are asked.
const RISK_QUESTIONS: [&str; 10] = [
    "under_13",
    "suspected_crime",
    "mental_health_or_self_harm",
    "disability_or_medical_need",
    "drugs_or_alcohol",
    "out_of_character",
    "in_care",
    "previous_missing_episodes",
    "preparations_for_absence",
    "adverse_weather",
];

type Values = HashMap<String, String>;
/// Problems found in the form, each naming its form field.
type Problems = Vec<FieldError>;

pub(crate) async fn form(State(state): State<AppState>, viewer: Viewer) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let actor = viewer.actor.clone();
    let draft = match state.run(move |store| store.draft(&actor)).await {
        Ok(draft) => draft,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let values: Values = draft
        .as_ref()
        .map(|d| d.fields.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
        .unwrap_or_default();
    render_with(&tr, &viewer, StatusCode::OK, &values, &Problems::new(), draft.map(|d| d.saved_at))
}

/// Keeps what the operator has typed so far; the script sends it a moment after each change.
pub(crate) async fn save_draft(State(state): State<AppState>, viewer: Viewer, Form(values): Form<Values>) -> Response {
    let fields = values.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
    match state.run(move |store| store.save_draft(&viewer.actor, fields)).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// Throws the kept report away and starts afresh.
pub(crate) async fn discard_draft(State(state): State<AppState>, viewer: Viewer) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let actor = viewer.actor.clone();
    match state.run(move |store| store.discard_draft(&actor)).await {
        Ok(()) => Redirect::to("/intake").into_response(),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

pub(crate) async fn submit(State(state): State<AppState>, viewer: Viewer, Form(values): Form<Values>) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let now = OffsetDateTime::now_utc();
    let report = match read(&values, now) {
        Ok(report) => report,
        Err(problems) => return render(&tr, &viewer, StatusCode::UNPROCESSABLE_ENTITY, &values, &problems),
    };
    let actor = viewer.actor.clone();
    let linkage = state.linkage.clone();
    // The case and its identifiers are one command: it is written whole or not at all.
    let created = state
        .run(move |store| {
            // The children it may be about are kept on the case as suggestions to decide.
            let id = crate::linkage::open_case(store, &linkage, &actor, report)?.0.case.id;
            // The report is a case now; its draft (personal data) goes. Should that fail, the
            // case stands and the operator goes to it: a draft left behind is only offered
            // again, and saving it twice would open a second case.
            if let Err(e) = store.discard_draft(&actor) {
                tracing::error!(error = %e, "a saved report's draft could not be deleted");
            }
            Ok(id)
        })
        .await;
    match created {
        Ok(id) => Redirect::to(&format!("/cases/{id}?saved=created")).into_response(),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let problems = e.errors.iter().map(|f| FieldError { field: form_field(&f.field), ..f.clone() }).collect();
            render(&tr, &viewer, StatusCode::UNPROCESSABLE_ENTITY, &values, &problems)
        }
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

/// The form field a problem of the report (named by its path in the API body) belongs to.
fn form_field(path: &str) -> String {
    match path {
        "child.given_name" => "given_name",
        "child.family_name" => "family_name",
        "child.date_of_birth" => "date_of_birth",
        "child.estimated_age" => "age_from",
        "child.aliases" => "aliases",
        "child.description" => "description",
        "child.latin_given_name" => "latin_given_name",
        "child.latin_family_name" => "latin_family_name",
        "last_seen.missing_from.name" => "missing_from_name",
        "last_seen.missing_from.registered_at" => "registered_at",
        "last_seen.region" => "region",
        "circumstances" => "circumstances",
        "child" => "given_name",
        "last_seen.at" => "last_seen_at",
        "last_seen.place" => "place",
        "contact.received_at" => "received_at",
        "contact.summary" => "summary",
        other => other,
    }
    .to_owned()
}

/// A `datetime-local` value, in the browser's time zone; the script sends the zone's offset
/// from UTC in minutes (as JavaScript counts it: positive west of Greenwich).
fn local_time(values: &Values, name: &str, problems: &mut Problems) -> Option<OffsetDateTime> {
    let raw = text(values, name)?.replace(' ', "T");
    let with_seconds = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let without = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let local = PrimitiveDateTime::parse(&raw, &without).or_else(|_| PrimitiveDateTime::parse(&raw, &with_seconds));
    let offset_minutes: i32 = text(values, "utc_offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let offset = UtcOffset::from_whole_seconds(-offset_minutes.clamp(-18 * 60, 18 * 60) * 60).unwrap_or(UtcOffset::UTC);
    match local.map(|l| l.assume_offset(offset).checked_to_offset(UtcOffset::UTC)) {
        Ok(Some(at)) => Some(at),
        Ok(None) => {
            problems.push(FieldError::new(name, Problem::ImplausibleTime, format!("`{raw}` is out of range")));
            None
        }
        Err(_) => {
            let message = format!("`{raw}` is not a date and time such as 2026-11-28 18:30");
            problems.push(FieldError::new(name, Problem::TimeFormat, message));
            None
        }
    }
}

fn choice<T: serde::de::DeserializeOwned>(values: &Values, name: &str, problems: &mut Problems) -> Option<T> {
    match parse_key(name, values.get(name).map(String::as_str)) {
        Ok(value) => value,
        Err(e) => {
            problems.push(FieldError::new(name, Problem::NotAChoice, e.detail));
            None
        }
    }
}

fn risk_answers(values: &Values) -> Option<RiskAnswers> {
    let asked: Vec<(&str, bool)> =
        RISK_QUESTIONS.iter().map(|q| (*q, values.contains_key(&format!("risk_{q}")))).collect();
    if !asked.iter().any(|(_, yes)| *yes) {
        return None;
    }
    let json: serde_json::Map<String, serde_json::Value> =
        asked.into_iter().map(|(q, yes)| (q.to_owned(), serde_json::Value::Bool(yes))).collect();
    serde_json::from_value(serde_json::Value::Object(json)).ok()
}

/// The report, identifiers included, or every problem at once.
fn read(values: &Values, now: OffsetDateTime) -> Result<NewCase, Problems> {
    let mut problems = Problems::new();
    let date_of_birth = match text(values, "date_of_birth") {
        None => None,
        Some(raw) => match PartialDate::parse(&raw) {
            Ok(d) => Some(d),
            Err(e) => {
                let code = match e {
                    DateError::Impossible(_) => Problem::DateImpossible,
                    _ => Problem::DateFormat,
                };
                problems.push(FieldError::new("date_of_birth", code, e.to_string()));
                None
            }
        },
    };
    let age = |name: &str, problems: &mut Problems| match text(values, name) {
        None => None,
        Some(raw) => match raw.parse::<u8>() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push(FieldError::new(name, Problem::AgeFormat, format!("`{raw}` is not an age in years")));
                None
            }
        },
    };
    let estimated_age = match (age("age_from", &mut problems), age("age_to", &mut problems)) {
        (Some(min), max) => Some(AgeRange { min, max: max.unwrap_or(min) }),
        (None, Some(max)) => Some(AgeRange { min: max, max }),
        (None, None) => None,
    };
    let child = NewChild {
        given_name: text(values, "given_name"),
        family_name: text(values, "family_name"),
        latin_given_name: text(values, "latin_given_name"),
        latin_family_name: text(values, "latin_family_name"),
        aliases: text(values, "aliases")
            .map(|a| a.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default(),
        sex: choice::<Sex>(values, "sex", &mut problems).unwrap_or_default(),
        date_of_birth,
        estimated_age,
        nationalities: Vec::new(),
        languages: Vec::new(),
        description: text(values, "description"),
    };
    let last_seen_at = local_time(values, "last_seen_at", &mut problems);
    if last_seen_at.is_none() && text(values, "last_seen_at").is_none() {
        problems.push(FieldError::new("last_seen_at", Problem::Required, "is needed"));
    }
    let registered_at = local_time(values, "registered_at", &mut problems);
    let missing_from = choice::<MissingFromKind>(values, "missing_from", &mut problems)
        .map(|kind| MissingFrom { registered_at, ..MissingFrom::new(kind, text(values, "missing_from_name")) });
    let category = choice::<Category>(values, "category", &mut problems);
    if category.is_none() && !problems.iter().any(|p| p.field == "category") {
        problems.push(FieldError::new("category", Problem::Required, "is needed"));
    }
    let summary = text(values, "summary");
    let contact = summary.map(|summary| NewContact {
        channel: choice::<Channel>(values, "channel", &mut problems).unwrap_or(Channel::Phone),
        received_at: local_time(values, "received_at", &mut problems).unwrap_or(now),
        caller_relation: choice::<CallerRelation>(values, "caller_relation", &mut problems),
        caller_name: None,
        caller_phone: None,
        summary,
    });
    let chosen_risk = choice::<RiskLevel>(values, "risk_level", &mut problems);
    let risk_level = chosen_risk.or_else(|| risk_answers(values).map(|a| homeward_risk::suggest(&a).level));
    let mut identifiers = Vec::new();
    for (field, kind) in [("phone", IdentifierKind::Phone), ("handle", IdentifierKind::SocialHandle)] {
        if let Some(value) = text(values, field) {
            match (NewIdentifier { kind, value, label: None }).validate() {
                Ok(identifier) => identifiers.push(identifier),
                Err(DomainError::Invalid(errors)) => {
                    problems.extend(errors.into_iter().map(|e| FieldError { field: field.into(), ..e }));
                }
                Err(e) => problems.push(FieldError::new(field, Problem::NoLettersOrDigits, e.to_string())),
            }
        }
    }
    match (category, last_seen_at, problems.is_empty()) {
        (Some(category), Some(at), true) => {
            let report = NewCase {
                category,
                risk_level,
                child,
                last_seen: LastSeen {
                    at,
                    place: text(values, "place"),
                    region: text(values, "region"),
                    lat: None,
                    lon: None,
                    missing_from,
                },
                circumstances: text(values, "circumstances"),
                contact,
                assignee: None,
                identifiers,
            };
            // The domain's own checks, so that the form names every problem before anything is
            // written.
            report.validate(now).map_err(|e| match e {
                DomainError::Invalid(errors) => {
                    errors.into_iter().map(|f| FieldError { field: form_field(&f.field), ..f }).collect()
                }
                other => vec![FieldError::new("given_name", Problem::NotAChoice, other.to_string())],
            })
        }
        _ => Err(problems),
    }
}

fn render(tr: &Tr<'_>, viewer: &Viewer, status: StatusCode, values: &Values, problems: &Problems) -> Response {
    render_with(tr, viewer, status, values, problems, None)
}

fn render_with(
    tr: &Tr<'_>,
    viewer: &Viewer,
    status: StatusCode,
    values: &Values,
    problems: &Problems,
    restored: Option<OffsetDateTime>,
) -> Response {
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let error = |name: &str| -> Markup {
        html! {
            @for problem in problems.iter().filter(|p| p.field == name) {
                span.field-error id=(format!("{name}-error")) { (problem_text(tr, problem)) }
            }
        }
    };
    let invalid = |name: &str| problems.iter().any(|p| p.field == name);
    let text_input = |name: &str, label: &str, hint: Option<&str>, kind: &str| -> Markup {
        html! {
            label for=(name) { (tr.t(label)) @if let Some(h) = hint { span.hint { (tr.t(h)) } } }
            input id=(name) name=(name) type=(kind) value=(value(name)) aria-invalid=[invalid(name).then_some("true")]
                autofocus[name == "given_name"];
            (error(name))
        }
    };
    let select = |name: &str, label: &str, options: Vec<(String, String)>, blank: Option<&str>| -> Markup {
        let current = value(name);
        html! {
            label for=(name) { (tr.t(label)) }
            select id=(name) name=(name) aria-invalid=[invalid(name).then_some("true")] {
                @if let Some(b) = blank { option value="" { (tr.t(b)) } }
                @for (v, text) in options { option value=(v) selected[v == current] { (text) } }
            }
            (error(name))
        }
    };
    let labelled = |prefix: &str, keys: Vec<String>| -> Vec<(String, String)> {
        keys.into_iter().map(|k| (k.clone(), tr.t(&format!("{prefix}-{k}")))).collect()
    };
    let body = html! {
        @if let Some(at) = restored {
            div.notice role="status" #restored {
                (tr.t("intake-draft-restored")) " " (layout::time(at)) ". "
                form.inline method="post" action="/intake/discard" {
                    button.link type="submit" { (tr.t("intake-draft-discard")) }
                }
            }
        }
        @if !problems.is_empty() {
            div.notice.error role="alert" #problems {
                p { (tr.t("intake-errors")) }
                ul {
                    @for p in problems {
                        li { a href=(format!("#{}", p.field)) { (field_label(tr, &p.field)) } ": " (problem_text(tr, p)) }
                    }
                }
            }
        }
        form #intake method="post" action="/intake" novalidate data-draft="/intake/draft" {
            input type="hidden" name="utc_offset" #utc_offset value=(value("utc_offset"));
            div.grid2 {
                div {
                    fieldset {
                        legend { (tr.t("intake-who")) }
                        div.row {
                            div { (text_input("given_name", "intake-given-name", Some("intake-names-hint"), "text")) }
                            div { (text_input("family_name", "intake-family-name", None, "text")) }
                        }
                        div.row {
                            div { (select("sex", "intake-sex", labelled("sex", ["unknown", "F", "M", "X"].map(String::from).to_vec()), None)) }
                            div { (text_input("date_of_birth", "intake-dob", Some("intake-dob-hint"), "text")) }
                        }
                        div.row {
                            div { (text_input("age_from", "intake-age-from", None, "number")) }
                            div { (text_input("age_to", "intake-age-to", None, "number")) }
                        }
                    }
                    fieldset {
                        legend { (tr.t("intake-when-where")) }
                        div.row {
                            div { (text_input("last_seen_at", "intake-last-seen-at", Some("intake-last-seen-hint"), "text")) }
                            div { (text_input("place", "intake-place", None, "text")) }
                        }
                        (text_input("region", "intake-region", Some("intake-region-hint"), "text"))
                        (select("category", "intake-category", labelled("category", Category::ALL.iter().map(key).collect()), Some("intake-choose")))
                    }
                    fieldset {
                        legend { (tr.t("intake-caller")) }
                        div.row {
                            div { (select("channel", "intake-channel", labelled("channel", Channel::ALL.iter().map(key).collect()), None)) }
                            div { (select("caller_relation", "intake-relation", labelled("relation", CallerRelation::ALL.iter().map(key).collect()), Some("relation-none"))) }
                        }
                        (text_input("received_at", "intake-received-at", Some("intake-received-hint"), "text"))
                        label for="summary" { (tr.t("intake-summary")) }
                        textarea #summary name="summary" { (value("summary")) }
                        (error("summary"))
                    }
                    details open[problems.iter().any(|p| ["description", "circumstances", "phone", "handle", "missing_from", "aliases", "latin_given_name", "latin_family_name", "missing_from_name", "registered_at"].contains(&p.field.as_str()))] {
                        summary { (tr.t("intake-more")) }
                        div.row {
                            div { (text_input("latin_given_name", "intake-latin-given", None, "text")) }
                            div { (text_input("latin_family_name", "intake-latin-family", None, "text")) }
                        }
                        (text_input("aliases", "intake-aliases", Some("intake-aliases-hint"), "text"))
                        label for="description" { (tr.t("intake-description")) }
                        textarea #description name="description" { (value("description")) }
                        div.row {
                            div { (select("missing_from", "intake-missing-from", labelled("from", MissingFromKind::ALL.iter().map(key).collect()), Some("from-none"))) }
                            div { (text_input("missing_from_name", "intake-missing-from-name", None, "text")) }
                        }
                        (text_input("registered_at", "intake-registered-at", Some("intake-registered-hint"), "text"))
                        label for="circumstances" { (tr.t("intake-circumstances")) }
                        textarea #circumstances name="circumstances" { (value("circumstances")) }
                        fieldset {
                            legend { (tr.t("intake-identifiers")) }
                            div.row {
                                div { (text_input("phone", "intake-phone", None, "text")) }
                                div { (text_input("handle", "intake-handle", None, "text")) }
                            }
                        }
                    }
                }
                div {
                    section.panel aria-labelledby="matches-h" {
                        h2 #matches-h { (tr.t("intake-matches")) }
                        div #matches aria-live="polite" data-empty=(tr.t("intake-matches-empty"))
                            data-none=(tr.t("intake-matches-none")) { (tr.t("intake-matches-empty")) }
                        (super::matches::script_words(tr))
                    }
                    (risk_panel(tr, values, problems))
                }
            }
            div.actions { button #save type="submit" { (tr.t("intake-save")) } }
        }
    };
    layout::page(tr, Some(&viewer.user), status, &tr.t("intake-title"), body)
}

fn risk_panel(tr: &Tr<'_>, values: &Values, problems: &Problems) -> Markup {
    let chosen = values.get("risk_level").cloned().unwrap_or_default();
    html! {
        section.panel aria-labelledby="risk-h" {
            h2 #risk-h { (tr.t("intake-risk")) }
            div #risk-questions {
                @for q in RISK_QUESTIONS {
                    @let name = format!("risk_{q}");
                    div {
                        label { input type="checkbox" name=(name) value="yes" checked[values.contains_key(&name)]; " " (tr.t(&format!("riskq-{q}"))) }
                    }
                }
            }
            // The words the script needs to explain a suggestion, in the reader's language.
            ul #risk-words hidden {
                @for q in RISK_QUESTIONS { li data-key=(format!("why_{q}")) { (tr.t(&format!("riskwhy-{q}"))) } }
                @for r in RiskLevel::ALL { li data-key=(format!("level_{}", key(&r))) { (tr.t(&format!("risk-{}", key(&r)))) } }
            }
            p { strong { (tr.t("intake-risk-suggested")) ": " } span #risk-result aria-live="polite" { (tr.t("intake-risk-not-yet")) } }
            label for="risk_level" { (tr.t("intake-risk-level")) }
            select #risk_level name="risk_level" {
                option value="" { (tr.t("risk-none")) }
                @for r in RiskLevel::ALL { option value=(key(&r)) selected[key(&r) == chosen] { (tr.t(&format!("risk-{}", key(&r)))) } }
            }
            @for p in problems.iter().filter(|p| p.field == "risk_level") { span.field-error { (problem_text(tr, p)) } }
        }
    }
}
